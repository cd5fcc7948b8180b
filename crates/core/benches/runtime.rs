//! Benchmark: the container runtime over simulated time. 100 pods, each with nginx and
//! a `while true; ...; sleep 5; done` git-pull sidecar, run for one simulated hour
//! (720 wake-ups per sidecar, each a `git pull` and a `date`); and one 200 ms tick of a
//! busy cluster (`scenarios::busy_cluster_manifest`: 100 nodes, 2,000 pods); and the
//! same busy cluster with a readiness and a liveness exec probe on every pod
//! (`cat /etc/hostname`, every 10 s): one 200 ms tick and one simulated hour.
//! Run with `cargo bench -p podlab-core --bench runtime`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use podlab_core::Cluster;

const URL: &str = "https://github.com/ansilh/k8s-demo-web.git";

fn cluster_with_sidecars(pods: usize) -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    let git = c.git_mut();
    git.init(URL).unwrap();
    git.put(URL, "index.html", b"<h1>hello</h1>\n").unwrap();
    git.commit(
        URL,
        "Initial page",
        ("ansilh", "ansilh@example.com"),
        podlab_core::clock::SimTime(0),
    )
    .unwrap();
    let mut text = String::new();
    for i in 0..pods {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{i:03}\nspec:\n  volumes:\n  - name: html\n    emptyDir: {{}}\n  containers:\n  - name: web\n    image: nginx\n    volumeMounts:\n    - name: html\n      mountPath: /usr/share/nginx/html\n  - name: git-pull\n    image: ansilh/debug-tools\n    args: [sh, -c, 'while true ; do [ ! -d /html/.git ] && git clone {URL} /html/ || {{ cd /html; git pull; }} ; date; sleep 5 ; done']\n    volumeMounts:\n    - name: html\n      mountPath: /html/\n"
        ));
    }
    c.create_from_text("pods.yaml", &text).unwrap();
    c.advance(10_000);
    c
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("runtime");
    g.sample_size(10);
    let start = cluster_with_sidecars(100).snapshot();
    g.bench_function("100 pods with a sleep-5 sidecar, one simulated hour", |b| {
        b.iter_batched(
            || Cluster::restore(&start).unwrap(),
            |mut cluster| {
                cluster.advance(3_600_000);
                cluster
            },
            BatchSize::LargeInput,
        )
    });
    // What one tick of the playground asks of core on a busy cluster.
    let mut busy = Cluster::with_default_nodes(1);
    busy.create_from_text(
        "busy.yaml",
        &podlab_core::scenarios::busy_cluster_manifest(),
    )
    .unwrap();
    busy.advance(30_000);
    let busy = busy.snapshot();
    g.bench_function("100 nodes and 2,000 running pods, one 200 ms tick", |b| {
        b.iter_batched(
            || Cluster::restore(&busy).unwrap(),
            |mut cluster| {
                cluster.advance(200);
                cluster
            },
            BatchSize::LargeInput,
        )
    });
    // The busy cluster with probes: 2 exec probes per pod, every 10 s.
    let probed = podlab_core::scenarios::busy_cluster_manifest().replace(
        "    command: ['sleep', '3600']\n",
        "    command: ['sleep', '86400']\n    readinessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n    livenessProbe:\n      exec:\n        command: [cat, /etc/hostname]\n",
    );
    let mut busy = Cluster::with_default_nodes(1);
    busy.create_from_text("probed.yaml", &probed).unwrap();
    busy.advance(30_000);
    let busy = busy.snapshot();
    g.bench_function(
        "100 nodes and 2,000 pods with exec probes, one 200 ms tick",
        |b| {
            b.iter_batched(
                || Cluster::restore(&busy).unwrap(),
                |mut cluster| {
                    cluster.advance(200);
                    cluster
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.bench_function(
        "100 nodes and 2,000 pods with exec probes, one simulated hour",
        |b| {
            b.iter_batched(
                || Cluster::restore(&busy).unwrap(),
                |mut cluster| {
                    cluster.advance(3_600_000);
                    cluster
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();
}

criterion_group!(runtime, benches);
criterion_main!(runtime);
