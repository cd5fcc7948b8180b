//! Benchmark: 10,000 pods onto 5,000 nodes with a mix of nodeSelectors, taints and
//! tolerations, and resource requests — one scheduling pass as kube-scheduler's
//! scheduler_perf runs it. Run with `cargo bench -p podlab-core --bench scheduler`.

use criterion::{criterion_group, criterion_main, Criterion};
use podlab_core::clock::SimTime;
use podlab_core::model::{Node, Pod};
use podlab_core::scheduler::{Sampling, Scheduler, Snapshot};
use serde_json::json;

/// `n` nodes: every third has `disktype: ssd`, every tenth a `dedicated=gpu:NoSchedule`
/// taint; 8 CPUs, 32Gi and 110 pods allocatable.
pub fn nodes(n: usize) -> Vec<Node> {
    (0..n)
        .map(|i| {
            let name = format!("node-{i:04}");
            let disk = if i % 3 == 0 { "ssd" } else { "hdd" };
            let taints = if i % 10 == 0 {
                json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
            } else {
                json!([])
            };
            serde_json::from_value(json!({
                "metadata": {"name": name, "labels": {
                    "kubernetes.io/hostname": name, "disktype": disk,
                    "topology.kubernetes.io/zone": format!("zone-{}", i % 3)}},
                "spec": {"taints": taints},
                "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}}
            }))
            .expect("a valid node")
        })
        .collect()
}

/// `n` pods: a third select `disktype: ssd`, a tenth tolerate the gpu taint, requests
/// from 100m/128Mi to 500m/512Mi.
pub fn pods(n: usize) -> Vec<Pod> {
    (0..n)
        .map(|i| {
            let mut spec = json!({"containers": [{"name": "app", "image": "nginx",
                "resources": {"requests": {
                    "cpu": format!("{}m", 100 * (1 + i % 5)),
                    "memory": format!("{}Mi", 128 * (1 + i % 4))}}}]});
            if i % 3 == 0 {
                spec["nodeSelector"] = json!({"disktype": "ssd"});
            }
            if i % 10 == 0 {
                spec["tolerations"] = json!([{"key": "dedicated", "operator": "Equal",
                    "value": "gpu", "effect": "NoSchedule"}]);
            }
            serde_json::from_value(json!({
                "metadata": {"name": format!("pod-{i:05}"), "namespace": "default"},
                "spec": spec
            }))
            .expect("a valid pod")
        })
        .collect()
}

/// One pass: every pod scheduled in turn, each assumed onto its node.
fn schedule_all(sampling: Sampling, nodes: &[Node], pods: &[Pod]) -> usize {
    let mut scheduler = Scheduler::new(1);
    scheduler.sampling = sampling;
    let mut snapshot = Snapshot::new(nodes, std::iter::empty());
    let mut bound = 0;
    for pod in pods {
        let decision = scheduler.schedule(pod, &snapshot, SimTime(0));
        if let Some(node) = &decision.chosen {
            snapshot.assume(node, pod);
            bound += 1;
        }
    }
    bound
}

fn benches(c: &mut Criterion) {
    let nodes = nodes(5_000);
    let pods = pods(10_000);
    assert_eq!(schedule_all(Sampling::Adaptive, &nodes, &pods), pods.len());
    let mut g = c.benchmark_group("10k pods onto 5k nodes");
    g.sample_size(10);
    g.bench_function("adaptive", |b| {
        b.iter(|| schedule_all(Sampling::Adaptive, &nodes, &pods))
    });
    g.bench_function("exhaustive", |b| {
        b.iter(|| schedule_all(Sampling::Exhaustive, &nodes, &pods))
    });
    g.finish();
}

criterion_group!(scheduler_benches, benches);
criterion_main!(scheduler_benches);
