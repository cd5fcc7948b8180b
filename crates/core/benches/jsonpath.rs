//! JSONPath over a 10,000-pod list, for the templates kubectl users run most.
//! Run with `cargo bench -p podlab-core --bench jsonpath`.

use criterion::{criterion_group, criterion_main, Criterion};
use podlab_core::jsonpath::{execute, Options, Template};
use serde_json::json;

fn pod_list(n: usize) -> serde_json::Value {
    let items: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("pod-{i:05}"), "namespace": "default", "uid": format!("uid-{i}"),
                             "labels": {"app": "web", "tier": "frontend"}, "creationTimestamp": "2026-01-05T09:00:00Z"},
                "spec": {"nodeName": format!("node-{:03}", i % 1000),
                         "containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
                                        {"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]}],
                         "restartPolicy": "Always"},
                "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", i / 250, i % 250), "hostIP": "192.168.56.202",
                           "conditions": [{"type": "Ready", "status": "True"}]}
            })
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items})
}

fn benches(c: &mut Criterion) {
    let data = pod_list(10_000);
    let mut g = c.benchmark_group("jsonpath 10k pods");
    for (name, text) in [
        (
            "range name/node",
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}{\"\\n\"}{end}",
        ),
        (
            "filter by node",
            "{.items[?(@.spec.nodeName==\"node-007\")].metadata.name}",
        ),
        ("all names", "{.items[*].metadata.name}"),
        ("recursive image", "{..image}"),
    ] {
        let t = Template::parse(text).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| execute(&t, &data, &Options::default()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
