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
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};

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

/// One 200 ms tick of the busy cluster (100 nodes, 2,000 pods) with a readiness and a
/// liveness exec probe on every pod, every 10 s (native: "100 nodes and 2,000 pods with
/// exec probes, one 200 ms tick" in `crates/core/benches/runtime.rs`). The cluster
/// goes on from tick to tick, as the playground's does.
#[wasm_bindgen_bench]
fn busy_cluster_with_exec_probes_tick(c: &mut Criterion) {
    quick(c);
    let probed = podlab_core::scenarios::busy_cluster_manifest().replace(
        "    command: ['sleep', '3600']\n",
        "    command: ['sleep', '86400']\n    readinessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n    livenessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n",
    );
    let mut cluster = Cluster::with_default_nodes(1);
    if let Err(e) = cluster.create_from_text("probed.yaml", &probed) {
        panic!("the busy cluster does not load: {e:?}");
    }
    cluster.advance(30_000);
    c.bench_function(
        "runtime/100 nodes and 2,000 pods with exec probes, one 200 ms tick",
        |b| b.iter(|| cluster.advance(200)),
    );
}
