//! Benchmarks: decoding and creating many pods, and `kubectl get pods` (as a table and
//! through a JSONPath template) over them.
//! Run with `cargo bench -p podlab-core --bench cluster`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use podlab_core::kubectl::{self, NoFiles};
use podlab_core::Cluster;

/// A manifest of `n` pods as one multi-document YAML file.
fn manifest(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i:05}\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    resources:\n      requests:\n        cpu: 1m\n        memory: 1Mi\n"
        ));
    }
    text
}

/// A cluster of `nodes` nodes (the default three plus workers) and no pods.
fn cluster(nodes: usize) -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    let mut text = String::new();
    for i in 0..nodes {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:04}\n  labels:\n    kubernetes.io/hostname: node-{i:04}\nstatus:\n  allocatable:\n    cpu: '64'\n    memory: 256Gi\n    pods: '110'\n"
        ));
    }
    c.create_from_text("nodes.yaml", &text).unwrap();
    c
}

fn benches(c: &mut Criterion) {
    let text = manifest(10_000);
    let mut g = c.benchmark_group("10k pods");
    g.sample_size(10);
    g.bench_function("decode only", |b| {
        b.iter(|| podlab_core::manifest::decode("pods.yaml", &text, Default::default()).unwrap())
    });
    g.bench_function("decode, validate and create (API server only)", |b| {
        b.iter_batched(
            || podlab_core::apiserver::ApiServer::new(1, podlab_core::clock::SimTime(0)),
            |mut api| {
                let decoded =
                    podlab_core::manifest::decode("pods.yaml", &text, Default::default()).unwrap();
                for m in decoded.manifests {
                    if let podlab_core::model::Object::Pod(p) = m.object {
                        api.create_pod(*p, podlab_core::clock::SimTime(0)).unwrap();
                    }
                }
                api
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(
        "decode, validate, create and schedule onto 100 nodes",
        |b| {
            b.iter_batched(
                || cluster(100),
                |mut c| {
                    let applied = c.create_from_text("pods.yaml", &text).unwrap();
                    assert!(applied.iter().all(|a| a.result.is_ok()));
                    c
                },
                BatchSize::PerIteration,
            )
        },
    );
    let mut big = cluster(100);
    big.create_from_text("pods.yaml", &text).unwrap();
    let args: Vec<String> = ["get", "pods"].iter().map(|s| s.to_string()).collect();
    g.bench_function("kubectl get pods", |b| {
        b.iter(|| {
            let out = kubectl::run(&mut big, &args, &NoFiles);
            assert_eq!(out.exit_code, 0);
            out
        })
    });
    let template =
        "-o=jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}{\"\\n\"}{end}";
    let args: Vec<String> = ["get", "pods", template]
        .iter()
        .map(|s| s.to_string())
        .collect();
    g.bench_function("kubectl get pods -o jsonpath (range name/node)", |b| {
        b.iter(|| {
            let out = kubectl::run(&mut big, &args, &NoFiles);
            assert_eq!(out.exit_code, 0);
            out
        })
    });
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
