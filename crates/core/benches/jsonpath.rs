//! JSONPath over a 10,000-pod list, for the templates kubectl users run most.
//! Run with `cargo bench -p podlab-core --bench jsonpath`.

use criterion::{criterion_group, criterion_main, Criterion};
use podlab_core::jsonpath::{execute, Options, Template};
use podlab_core::scenarios::{jsonpath_pod_list, JSONPATH_TEMPLATES};

fn benches(c: &mut Criterion) {
    let data = jsonpath_pod_list(10_000);
    let mut g = c.benchmark_group("jsonpath 10k pods");
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
