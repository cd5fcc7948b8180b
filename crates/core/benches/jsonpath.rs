//! JSONPath over a 10,000-pod list, for the templates kubectl users run most.
//! Run with `cargo bench -p podlab-core --bench jsonpath`.
//!
//! `jsonpath 10k pods/*` times the engine over a laid-out document (as client-go's
//! figures time its engine over decoded maps); `layout` times laying the list out from
//! a `serde_json::Value`, and `end to end/*` both together, as `podlab jsonpath` runs
//! them. (`kubectl get -o jsonpath=` lays out the typed objects instead: `--bench
//! cluster`.)

use criterion::{criterion_group, criterion_main, Criterion};
use podlab_core::jsonpath::{execute, execute_doc, Doc, Options, Template};
use podlab_core::scenarios::{jsonpath_pod_list, JSONPATH_TEMPLATES};

fn benches(c: &mut Criterion) {
    let data = jsonpath_pod_list(10_000);
    let doc = Doc::new(&data);
    let mut g = c.benchmark_group("jsonpath 10k pods");
    for (name, text) in JSONPATH_TEMPLATES {
        let t = Template::parse(text).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| execute_doc(&t, &doc, &Options::default()).unwrap())
        });
    }
    g.bench_function("layout", |b| b.iter(|| Doc::new(&data)));
    g.finish();
    let mut g = c.benchmark_group("jsonpath 10k pods end to end");
    for (name, text) in JSONPATH_TEMPLATES {
        let t = Template::parse(text).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| execute(&t, &data, &Options::default()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
