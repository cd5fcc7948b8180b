//! Benchmark: kube-scheduler's scheduler_perf workloads at 5,000 nodes
//! (`podlab_core::scenarios::scheduler_perf`): SchedulingPodAntiAffinity,
//! SchedulingPodAffinity, SchedulingNodeAffinity, TopologySpreading and PreemptionAsync,
//! with the parameters of their thresholded variants. Each iteration schedules the
//! measured pods onto the cluster the init pods left (set up untimed, as scheduler_perf
//! starts its clock at the measured `createPods` op); criterion reports pods/s.
//! Run with `cargo bench -p podlab-core --bench scheduler_perf`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use podlab_core::scenarios::scheduler_perf::SCHEDULER_PERF;

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("scheduler_perf");
    g.sample_size(10);
    for workload in SCHEDULER_PERF {
        let prepared = workload.prepare();
        assert_eq!(
            prepared.init_bound(),
            workload.init_pods,
            "{}",
            workload.name
        );
        let once = prepared.start().finish();
        assert_eq!(once.bound, workload.measure_pods, "{}", workload.name);
        assert_eq!(
            once.preemptions,
            prepared.preemptors.len(),
            "{}",
            workload.name
        );
        g.throughput(Throughput::Elements(workload.measure_pods as u64));
        g.bench_function(workload.full_name(), |b| {
            b.iter_batched_ref(
                || prepared.start(),
                |run| run.finish(),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(scheduler_perf_benches, benches);
criterion_main!(scheduler_perf_benches);
