//! The core benchmarks in wasm, in headless Chromium (wasm-bindgen-test's criterion):
//! the same workloads as `cargo bench -p podlab-core`, to compare wasm with native.
//! Run with `cargo bench -p podlab-web --target wasm32-unknown-unknown --bench wasm`
//! (CHROMEDRIVER set, as for the wasm tests). A bench blocks the page while it runs
//! and the test runner gives up on a page silent for 20 s, so the long ones (the
//! scheduler_perf workloads, the 10,000-pod scheduling pass, the workload controllers)
//! need `WASM_BINDGEN_TEST_TIMEOUT=900`; a filter after `--` picks benches by their
//! function's name. Where the native bench times a step on fresh input
//! (`iter_batched`), this one does the same through `iter_custom`
//! ([`timed_per_iteration`]) and logs the median run and its throughput.

use podlab_core::jsonpath::{execute_doc, Doc, Options, Template};
use podlab_core::scenarios::scheduler_perf::{Run, SCHEDULER_PERF};
use podlab_core::scenarios::workloads::{running_pods, DeploymentBench, ROLLOUT, SCALE};
use podlab_core::scenarios::{
    jsonpath_pod_list, schedule_all, scheduler_workload, JSONPATH_TEMPLATES,
};
use podlab_core::scheduler::Sampling;
use podlab_core::Cluster;
use std::time::Duration;
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant};

wasm_bindgen_test_configure!(run_in_browser);

fn quick(c: &mut Criterion) {
    *c = std::mem::take(c)
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
}

fn log(text: &str) {
    web_sys::console::log_1(&text.into());
}

/// `iters` runs of `routine`, each on a fresh input from `setup`; only `routine` is
/// timed (natively: criterion's `iter_batched` with `BatchSize::PerIteration`, which
/// also leaves the input's and the output's drop out). Each run's time goes to `times`.
fn timed_per_iteration<I, O>(
    iters: u64,
    setup: &mut impl FnMut() -> I,
    routine: &mut impl FnMut(&mut I) -> O,
    times: &mut Vec<Duration>,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let mut input = setup();
        let start = Instant::now();
        let output = routine(&mut input);
        let took = start.elapsed();
        std::hint::black_box(output);
        times.push(took);
        total += took;
    }
    total
}

/// Logs the median of `times` (warm-up included) and, with `elements`, its throughput.
fn log_median(name: &str, times: &mut [Duration], elements: Option<usize>) {
    times.sort();
    let Some(median) = times.get(times.len() / 2) else {
        return;
    };
    let per_second = elements
        .map(|n| format!(", {:.0} pods/s", n as f64 / median.as_secs_f64()))
        .unwrap_or_default();
    log(&format!(
        "{name}: median of {} runs {:.2} ms{per_second}",
        times.len(),
        median.as_secs_f64() * 1000.0
    ));
}

/// One of kube-scheduler's scheduler_perf workloads at 5,000 nodes, as natively
/// (`crates/core/benches/scheduler_perf.rs`): prepared once (untimed), then each run
/// schedules the measured pods onto a fresh start.
fn scheduler_perf(c: &mut Criterion, name: &str) {
    quick(c);
    let Some(workload) = SCHEDULER_PERF.iter().find(|w| w.name == name) else {
        panic!("no scheduler_perf workload {name}");
    };
    let start = Instant::now();
    let prepared = workload.prepare();
    log(&format!(
        "{}: prepared in {:.0} ms",
        workload.full_name(),
        start.elapsed().as_secs_f64() * 1000.0
    ));
    assert_eq!(prepared.init_bound(), workload.init_pods, "{name}");
    let once = prepared.start().finish();
    assert_eq!(once.bound, workload.measure_pods, "{name}");
    assert_eq!(once.preemptions, prepared.preemptors.len(), "{name}");
    let bench = format!("scheduler_perf/{}", workload.full_name());
    let mut times = Vec::new();
    c.bench_function(&bench, |b| {
        b.iter_custom(|iters| {
            timed_per_iteration(
                iters,
                &mut || prepared.start(),
                &mut |run: &mut Run<'_>| run.finish(),
                &mut times,
            )
        })
    });
    log_median(&bench, &mut times, Some(workload.measure_pods));
}

#[wasm_bindgen_bench]
fn scheduler_perf_pod_anti_affinity(c: &mut Criterion) {
    scheduler_perf(c, "SchedulingPodAntiAffinity");
}

#[wasm_bindgen_bench]
fn scheduler_perf_pod_affinity(c: &mut Criterion) {
    scheduler_perf(c, "SchedulingPodAffinity");
}

#[wasm_bindgen_bench]
fn scheduler_perf_node_affinity(c: &mut Criterion) {
    scheduler_perf(c, "SchedulingNodeAffinity");
}

#[wasm_bindgen_bench]
fn scheduler_perf_topology_spreading(c: &mut Criterion) {
    scheduler_perf(c, "TopologySpreading");
}

#[wasm_bindgen_bench]
fn scheduler_perf_preemption_async(c: &mut Criterion) {
    scheduler_perf(c, "PreemptionAsync");
}

/// 10,000 pods onto 5,000 nodes, one pass, adaptive sampling (native: "10k pods onto
/// 5k nodes/adaptive" in `crates/core/benches/scheduler.rs`).
#[wasm_bindgen_bench]
fn scheduler_10k_pods_onto_5k_nodes(c: &mut Criterion) {
    quick(c);
    let (nodes, pods) = scheduler_workload(5_000, 10_000);
    assert_eq!(schedule_all(Sampling::Adaptive, &nodes, &pods), pods.len());
    c.bench_function("10k pods onto 5k nodes/adaptive", |b| {
        b.iter(|| schedule_all(Sampling::Adaptive, &nodes, &pods))
    });
}

/// A workload controllers' bench, as natively (`crates/core/benches/workloads.rs`):
/// each run restores the cluster saved before the measured step (untimed) and times
/// the kubectl command and the simulated seconds until the Deployment is done.
fn workload(c: &mut Criterion, bench: DeploymentBench) {
    quick(c);
    let start = Instant::now();
    let (saved, secs) = bench.prepare().unwrap_or_else(|e| panic!("{e}"));
    let restore = || DeploymentBench::restore(&saved).unwrap_or_else(|e| panic!("{e}"));
    let mut once = restore();
    let ran = bench.run(&mut once).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(running_pods(&once), bench.replicas);
    drop(once);
    log(&format!(
        "{}: set up in {secs} simulated s, done in {ran} simulated s ({:.0} ms to prepare and run once)",
        bench.name(),
        start.elapsed().as_secs_f64() * 1000.0
    ));
    let name = format!("workloads/{}", bench.name());
    let mut times = Vec::new();
    c.bench_function(&name, |b| {
        b.iter_custom(|iters| {
            timed_per_iteration(
                iters,
                &mut || restore(),
                &mut |cluster: &mut Cluster| bench.run(cluster).unwrap_or_else(|e| panic!("{e}")),
                &mut times,
            )
        })
    });
    log_median(&name, &mut times, None);
}

#[wasm_bindgen_bench]
fn workloads_rollout(c: &mut Criterion) {
    workload(c, ROLLOUT);
}

#[wasm_bindgen_bench]
fn workloads_scale(c: &mut Criterion) {
    workload(c, SCALE);
}

/// 200 pods onto 5,000 nodes, one pass, adaptive sampling (native: the same bench in
/// `crates/core/benches/scheduler.rs`).
#[wasm_bindgen_bench]
fn scheduler_200_pods_onto_5k_nodes(c: &mut Criterion) {
    quick(c);
    let (nodes, pods) = scheduler_workload(5_000, 200);
    c.bench_function("200 pods onto 5k nodes/adaptive", |b| {
        b.iter(|| schedule_all(Sampling::Adaptive, &nodes, &pods))
    });
}

/// The JSONPath templates over 10,000 pods laid out once, and the layout, as natively.
#[wasm_bindgen_bench]
fn jsonpath_10k_pods(c: &mut Criterion) {
    quick(c);
    let data = jsonpath_pod_list(10_000);
    let doc = Doc::new(&data);
    for (name, text) in JSONPATH_TEMPLATES {
        let Ok(t) = Template::parse(text) else {
            panic!("{name}: the template does not parse");
        };
        c.bench_function(&format!("jsonpath 10k pods/{name}"), |b| {
            b.iter(|| execute_doc(&t, &doc, &Options::default()))
        });
    }
    c.bench_function("jsonpath 10k pods/layout", |b| b.iter(|| Doc::new(&data)));
}

/// The busy cluster (100 nodes, 2,000 pods) with a readiness and a liveness exec probe
/// on every pod, every 10 s (`cat /etc/hostname`), after its first 30 simulated seconds.
fn probed_busy_cluster() -> Cluster {
    let probed = podlab_core::scenarios::busy_cluster_manifest().replace(
        "    command: ['sleep', '3600']\n",
        "    command: ['sleep', '86400']\n    readinessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n    livenessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n",
    );
    let mut cluster = Cluster::with_default_nodes(1);
    if let Err(e) = cluster.create_from_text("probed.yaml", &probed) {
        panic!("the busy cluster does not load: {e:?}");
    }
    cluster.advance(30_000);
    cluster
}

/// One 200 ms tick of the busy cluster with exec probes (native: "100 nodes and 2,000
/// pods with exec probes, one 200 ms tick" in `crates/core/benches/runtime.rs`). The
/// cluster goes on from tick to tick, as the playground's does, so most ticks measured
/// are the ones between the probes' runs.
#[wasm_bindgen_bench]
fn busy_cluster_with_exec_probes_tick(c: &mut Criterion) {
    quick(c);
    let mut cluster = probed_busy_cluster();
    c.bench_function(
        "runtime/100 nodes and 2,000 pods with exec probes, one 200 ms tick",
        |b| b.iter(|| cluster.advance(200)),
    );
}

/// The worst tick of the probed busy cluster: the 200 ms in which the 4,000 probes are
/// due (each iteration times that tick on a copy of the cluster taken just before it).
/// Also logs the median and the maximum of the 50 ticks of the next 10 simulated
/// seconds, each timed alone, as the playground's frames would see them.
#[wasm_bindgen_bench]
fn busy_cluster_with_exec_probes_worst_tick(c: &mut Criterion) {
    quick(c);
    let mut cluster = probed_busy_cluster();
    let now = cluster.now();
    // The earliest probe run still to come.
    let names: Vec<String> = cluster
        .api()
        .pods
        .list()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    let due = names
        .iter()
        .flat_map(|name| cluster.probe_status("default", name))
        .filter_map(|s| s.next)
        .filter(|t| *t > now)
        .min();
    let Some(due) = due else {
        panic!("no probe is due after {now:?}");
    };
    // Ticks of 200 ms from `now`: stop before the one that reaches `due`.
    while cluster.now().0 + 200 < due.0 {
        cluster.advance(200);
    }
    let before = cluster.clone();
    let mut ticks = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        cluster.advance(200);
        ticks.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let mut sorted = ticks.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    let max = sorted.last().copied().unwrap_or_default();
    web_sys::console::log_1(
        &format!(
            "busy cluster with exec probes: 50 ticks of 200 ms from {} ms (probes due at {} ms): median {median:.2} ms, max {max:.2} ms; first tick {:.2} ms",
            before.now().0,
            due.0,
            ticks.first().copied().unwrap_or_default()
        )
        .into(),
    );
    c.bench_function(
        "runtime/100 nodes and 2,000 pods with exec probes, the tick where the 4,000 probes are due",
        |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let mut copy = before.clone();
                    let start = Instant::now();
                    copy.advance(200);
                    total += start.elapsed();
                }
                total
            })
        },
    );
}
