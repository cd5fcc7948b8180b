//! The core benchmarks in wasm, in headless Chromium (wasm-bindgen-test's criterion):
//! the same workloads as `cargo bench -p podlab-core`, to compare wasm with native.
//! Run with `cargo bench -p podlab-web --target wasm32-unknown-unknown --bench wasm`
//! (CHROMEDRIVER set, as for the wasm tests). A bench blocks the page while it runs
//! and the test runner gives up on a page silent for 20 s, so the workloads are the
//! native benches' smaller ones.

use podlab_core::jsonpath::{execute_doc, Doc, Options, Template};
use podlab_core::scenarios::{
    jsonpath_pod_list, schedule_all, scheduler_workload, JSONPATH_TEMPLATES,
};
use podlab_core::scheduler::Sampling;
use podlab_core::Cluster;
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant};

wasm_bindgen_test_configure!(run_in_browser);

fn quick(c: &mut Criterion) {
    *c = std::mem::take(c)
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
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
