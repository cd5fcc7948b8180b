//! Benchmarks: the workload controllers at scale, to completion on the simulated clock.
//! A 1,000-replica Deployment rolled out to a new image across 100 nodes (`kubectl set
//! image`, then advanced until every replica is updated and available and the old
//! ReplicaSet is gone to 0), and a Deployment scaled from 0 to 10,000 replicas on 500
//! nodes (`kubectl scale`, then advanced until all are Running and ready).
//! Run with `cargo bench -p podlab-core --bench workloads`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use podlab_core::kubectl::{self, NoFiles};
use podlab_core::Cluster;

/// The default cluster (a tainted control plane and two workers) with more workers, so
/// it has `workers` schedulable nodes.
fn cluster(workers: usize) -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    let mut text = String::new();
    for i in 0..workers.saturating_sub(2) {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:04}\n  labels:\n    kubernetes.io/hostname: node-{i:04}\nstatus:\n  allocatable:\n    cpu: '64'\n    memory: 256Gi\n    pods: '110'\n"
        ));
    }
    c.create_from_text("nodes.yaml", &text).unwrap();
    c
}

/// A Deployment `web` of `replicas` nginx pods with small requests.
fn deployment(replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\n        resources:\n          requests:\n            cpu: 1m\n            memory: 1Mi\n"
    )
}

fn kubectl(c: &mut Cluster, args: &[&str]) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = kubectl::run(c, &args, &NoFiles);
    assert_eq!(out.exit_code, 0, "{args:?}");
}

/// Whether `web` has seen its spec and has `n` replicas, all updated and available.
fn done(c: &Cluster, n: i32) -> bool {
    let Some(d) = c.api().deployments.get("default", "web") else {
        return false;
    };
    let Some(s) = d.status.as_ref() else {
        return false;
    };
    s.observed_generation >= d.metadata.generation
        && s.replicas.unwrap_or(0) == n
        && s.updated_replicas.unwrap_or(0) == n
        && s.available_replicas.unwrap_or(0) == n
}

/// Advances one simulated second at a time until `web` is done with `n` replicas;
/// returns the simulated seconds it took.
fn run_until_done(c: &mut Cluster, n: i32) -> u64 {
    for s in 1..=3_600 {
        c.advance(1_000);
        if done(c, n) {
            return s;
        }
    }
    panic!("not done within a simulated hour");
}

/// How many of `web`'s pods are Running.
fn running(c: &Cluster) -> usize {
    c.api()
        .pods
        .list_namespace("default")
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .count()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("workloads");
    g.sample_size(10);

    // A 1,000-replica Deployment, rolled out, on 100 nodes.
    let mut rolled = cluster(100);
    rolled
        .create_from_text("web.yaml", &deployment(1_000, "nginx:1.14.2"))
        .unwrap();
    let secs = run_until_done(&mut rolled, 1_000);
    let rolled = rolled.snapshot();
    let mut once = Cluster::restore(&rolled).unwrap();
    kubectl(
        &mut once,
        &["set", "image", "deployment/web", "nginx=nginx:1.16.1"],
    );
    let rollout = run_until_done(&mut once, 1_000);
    assert_eq!(running(&once), 1_000);
    eprintln!("1,000 replicas: created in {secs} simulated s, rolled out in {rollout} simulated s");
    g.bench_function(
        "1,000-replica Deployment rolled out to a new image on 100 nodes",
        |b| {
            b.iter_batched(
                || Cluster::restore(&rolled).unwrap(),
                |mut cluster| {
                    kubectl(
                        &mut cluster,
                        &["set", "image", "deployment/web", "nginx=nginx:1.16.1"],
                    );
                    run_until_done(&mut cluster, 1_000);
                    cluster
                },
                BatchSize::PerIteration,
            )
        },
    );

    // A Deployment of 0 replicas on 500 nodes, scaled to 10,000.
    let mut empty = cluster(500);
    empty
        .create_from_text("web.yaml", &deployment(0, "nginx:1.14.2"))
        .unwrap();
    run_until_done(&mut empty, 0);
    let empty = empty.snapshot();
    let mut once = Cluster::restore(&empty).unwrap();
    kubectl(&mut once, &["scale", "deployment/web", "--replicas=10000"]);
    let secs = run_until_done(&mut once, 10_000);
    assert_eq!(running(&once), 10_000);
    eprintln!("10,000 replicas: all Running in {secs} simulated s");
    g.bench_function(
        "Deployment scaled from 0 to 10,000 replicas on 500 nodes, until all Running",
        |b| {
            b.iter_batched(
                || Cluster::restore(&empty).unwrap(),
                |mut cluster| {
                    kubectl(
                        &mut cluster,
                        &["scale", "deployment/web", "--replicas=10000"],
                    );
                    run_until_done(&mut cluster, 10_000);
                    cluster
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
