//! Benchmark: 10,000 pods onto 5,000 nodes with a mix of nodeSelectors, taints and
//! tolerations, and resource requests — one scheduling pass as kube-scheduler's
//! scheduler_perf runs it. Run with `cargo bench -p podlab-core --bench scheduler`.

use criterion::{criterion_group, criterion_main, Criterion};
use podlab_core::scenarios::{schedule_all, scheduler_workload};
use podlab_core::scheduler::Sampling;

fn benches(c: &mut Criterion) {
    let (nodes, pods) = scheduler_workload(5_000, 10_000);
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
    // The size the wasm bench in Chromium runs (crates/web/benches/wasm.rs).
    let (nodes, pods) = scheduler_workload(5_000, 200);
    let mut g = c.benchmark_group("200 pods onto 5k nodes");
    g.bench_function("adaptive", |b| {
        b.iter(|| schedule_all(Sampling::Adaptive, &nodes, &pods))
    });
    g.finish();
}

criterion_group!(scheduler_benches, benches);
criterion_main!(scheduler_benches);
