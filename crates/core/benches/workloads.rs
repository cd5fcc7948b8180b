//! Benchmarks: the workload controllers at scale, to completion on the simulated clock
//! (`podlab_core::scenarios::workloads`, which the wasm bench runs as well). A
//! 1,000-replica Deployment rolled out to a new image across 100 nodes (`kubectl set
//! image`, then advanced until every replica is updated and available and the old
//! ReplicaSet is gone to 0), and a Deployment scaled from 0 to 10,000 replicas on 500
//! nodes (`kubectl scale`, then advanced until all are Running and ready).
//! Run with `cargo bench -p podlab-core --bench workloads`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use podlab_core::scenarios::workloads::{running_pods, DeploymentBench, ROLLOUT, SCALE};

fn bench(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    bench: DeploymentBench,
) {
    let (saved, secs) = bench.prepare().unwrap();
    let mut once = DeploymentBench::restore(&saved).unwrap();
    let ran = bench.run(&mut once).unwrap();
    assert_eq!(running_pods(&once), bench.replicas);
    eprintln!(
        "{}: set up in {secs} simulated s, done in {ran} simulated s",
        bench.name()
    );
    g.bench_function(bench.name(), |b| {
        b.iter_batched(
            || DeploymentBench::restore(&saved).unwrap(),
            |mut cluster| {
                bench.run(&mut cluster).unwrap();
                cluster
            },
            BatchSize::PerIteration,
        )
    });
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("workloads");
    g.sample_size(10);
    bench(&mut g, ROLLOUT);
    bench(&mut g, SCALE);
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
