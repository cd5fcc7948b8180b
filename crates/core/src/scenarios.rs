//! Fixed scenarios for tests and benchmarks. [`determinism_fingerprint`] runs one for
//! simulated hours and fingerprints the snapshot; native and wasm builds must agree with
//! each other and with [`DETERMINISM_FINGERPRINT`].

pub mod scheduler_perf;
pub mod workloads;

use crate::clock::SimTime;
use crate::model::{Node, Pod};
use crate::scheduler::{Sampling, Scheduler, Snapshot};
use crate::Cluster;

/// The SHA-1 of the snapshot [`determinism_fingerprint`] reaches. It changes whenever
/// the simulation's behaviour changes; update it when that change is intended.
pub const DETERMINISM_FINGERPRINT: &str = "2b182e3857aff07df9e5f5d15aeb25aaf0db29d6";

const REPO: &str = "https://github.com/ansilh/k8s-demo-web.git";

/// A busy cluster: a git-pull sidecar serving a page, the tea app behind a NodePort, a
/// crash-looping pod, an init container, a NoExecute taint and a graceful delete; then
/// `hours` of simulated time in ten-minute steps, with a commit pushed every hour.
pub fn determinism_run(hours: u64) -> Cluster {
    let mut c = Cluster::with_default_nodes(42);
    let author = ("Podlab", "podlab@example.com");
    let _ = c.git_mut().init(REPO);
    let _ = c.git_mut().put(REPO, "index.html", b"<h1>v1</h1>\n");
    let _ = c
        .git_mut()
        .commit(REPO, "First page", author, crate::clock::SimTime(0));
    let manifests = [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo-web\n  labels:\n    run: demo-web\nspec:\n  volumes:\n  - name: html\n    emptyDir: {}\n  containers:\n  - name: demo-web\n    image: nginx\n    volumeMounts:\n    - name: html\n      mountPath: /usr/share/nginx/html\n  - name: git-pull\n    image: ansilh/debug-tools\n    args: [sh, -c, 'while true; do [ ! -d /html/.git ] && git clone https://github.com/ansilh/k8s-demo-web.git /html/ || { cd /html; git pull; }; date; sleep 5; done']\n    volumeMounts:\n    - name: html\n      mountPath: /html/\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\n  labels:\n    run: tea\nspec:\n  containers:\n  - name: tea\n    image: ansilh/demo-tea\n    env:\n    - name: MY_NODE_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: spec.nodeName\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: tea\nspec:\n  type: NodePort\n  selector:\n    run: tea\n  ports:\n  - port: 80\n    targetPort: 8080\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: crash\n    image: busybox\n    command: [sh, -c, 'echo starting; sleep 3; exit 1']\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: init\nspec:\n  initContainers:\n  - name: wait\n    image: busybox\n    command: [sh, -c, 'sleep 10']\n  containers:\n  - name: app\n    image: busybox\n    command: [sh, -c, 'while true; do echo tick; sleep 60; done']\n",
    ];
    for (i, m) in manifests.iter().enumerate() {
        let _ = c.create_from_text(&format!("m{i}.yaml"), m);
    }
    c.advance(60_000);
    let _ = c.http_get("http://192.168.56.202:30080/");
    for step in 0..hours * 6 {
        if step % 6 == 3 {
            let page = format!("<h1>v{}</h1>\n", step / 6 + 2);
            let _ = c.git_mut().put(REPO, "index.html", page.as_bytes());
            let now = c.now();
            let _ = c.git_mut().commit(REPO, "Update", author, now);
        }
        if step == 2 {
            let _ = c.delete_pod("default", "init", None);
        }
        c.advance(600_000);
    }
    c
}

/// The SHA-1 (hex) of the snapshot after [`determinism_run`] with `hours`.
pub fn determinism_fingerprint(hours: u64) -> String {
    let snapshot = determinism_run(hours).snapshot();
    sha1_smol::Sha1::from(snapshot.as_bytes())
        .digest()
        .to_string()
}

/// One hostile input and what core made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostileOutcome {
    pub name: &'static str,
    /// The error a person sees, or `Ok` with what happened when the input is valid but
    /// large (the answer must still come, and bounded).
    pub result: Result<String, Refused>,
}

/// A hostile input refused: the error text a person sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// A default-namespace pod's phase (empty when it has none or is gone).
fn pod_phase(c: &Cluster, name: &str) -> String {
    c.api()
        .pods
        .get("default", name)
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

fn manifest_error(text: &str) -> Result<String, String> {
    let mut c = Cluster::with_default_nodes(1);
    match c.create_from_text("hostile.yaml", text) {
        Ok(applied) => match applied.iter().find(|a| a.result.is_err()) {
            Some(a) => Err(a.message()),
            None => Ok(format!("{} objects created", applied.len())),
        },
        Err(rejected) => Err(rejected
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// Inputs meant to hurt: each must come back as a clear error (or a bounded answer),
/// never a panic or a hang. Run natively and in wasm by the tests.
pub fn hostile_inputs() -> Vec<HostileOutcome> {
    let mut out = Vec::new();
    let mut case = |name: &'static str, result: Result<String, String>| {
        out.push(HostileOutcome {
            name,
            result: result.map_err(Refused),
        });
    };
    // Billion laughs: nine levels of nine aliases.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    case("YAML alias bomb", manifest_error(&bomb));
    // 10 MB of manifest: one huge list in an object without a kind.
    let mut big = String::with_capacity(10 * 1024 * 1024 + 64);
    big.push_str("apiVersion: v1\nitems:\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("- a fairly long list item to make ten megabytes of YAML\n");
    }
    case("10 MB manifest", manifest_error(&big));
    case("nesting 10,000 deep", manifest_error(&"[".repeat(10_000)));
    let invalid_utf8: &[u8] = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xff\xfe\n";
    case(
        "invalid UTF-8",
        manifest_error(&String::from_utf8_lossy(invalid_utf8)),
    );
    case(
        "huge numbers",
        manifest_error("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  terminationGracePeriodSeconds: 1e999\n  containers:\n  - name: c\n    image: nginx\n"),
    );
    // A well-formed quantity too large to hold is capped (2^63-1): it never fits.
    let mut c = Cluster::with_default_nodes(1);
    let created = c.create_from_text(
        "hostile.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 99999999999999999999999999999999999999999\n",
    );
    c.advance(5_000);
    let reason = c
        .decision("default/big")
        .and_then(|d| d.failure.clone())
        .map(|f| {
            if f.contains("Insufficient cpu") {
                "Insufficient cpu"
            } else {
                "other"
            }
        })
        .unwrap_or("scheduled");
    let phase = pod_phase(&c, "big");
    case(
        "huge quantity",
        created
            .map(|a| format!("{} objects created, pod {phase}: {reason}", a.len()))
            .map_err(|r| format!("{:?}", r.diagnostics)),
    );
    // JSONPath over 100,000 items: a valid request, answered.
    let items: Vec<serde_json::Value> = (0..100_000)
        .map(|i| serde_json::json!({"metadata": {"name": format!("pod-{i}")}}))
        .collect();
    let list = serde_json::json!({"items": items});
    case(
        "JSONPath over 100,000 items",
        crate::jsonpath::Template::parse("{range .items[*]}{.metadata.name}{\"\\n\"}{end}")
            .map_err(|e| e.to_string())
            .and_then(|t| {
                crate::jsonpath::execute(&t, &list, &Default::default()).map_err(|e| e.to_string())
            })
            .map(|s| format!("{} lines", s.lines().count())),
    );
    // A container that never sleeps: the step budget keeps every tick bounded.
    let mut c = Cluster::with_default_nodes(1);
    let _ = c.create_from_text(
        "busy.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: busy\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'while true; do :; done']\n",
    );
    c.advance(60_000);
    let phase = pod_phase(&c, "busy");
    case(
        "while true; do :; done",
        Ok(format!("60 s simulated, pod {phase}")),
    );
    case(
        "corrupt saved workspace",
        Cluster::restore(&format!(
            "{{\"podlabSnapshot\": {}, \"cluster\": {{\"api\": 7}}}}",
            crate::cluster::SNAPSHOT_VERSION
        ))
        .map(|_| String::new())
        .map_err(|e| e.to_string()),
    );
    let snapshot = Cluster::with_default_nodes(1).snapshot();
    case(
        "truncated saved workspace",
        Cluster::restore(&snapshot[..snapshot.len() / 2])
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
    );
    case("kubectl with hostile arguments", {
        let mut c = Cluster::with_default_nodes(1);
        let args: Vec<String> = [
            "get",
            "pods",
            "-o",
            &format!("jsonpath={}", "{".repeat(5000)),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let out = crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles);
        if out.exit_code == 0 {
            Ok(out.stdout)
        } else {
            Err(out.stderr)
        }
    });
    out
}

/// The scheduler benchmark's workload (native criterion and wasm in Chromium run the
/// same): `nodes` nodes and `pods` pods with a mix of nodeSelectors, taints and
/// tolerations, and resource requests.
pub fn scheduler_workload(
    nodes: usize,
    pods: usize,
) -> (Vec<crate::model::Node>, Vec<crate::model::Pod>) {
    (workload_nodes(nodes), workload_pods(pods))
}

/// `n` nodes: every third has `disktype: ssd`, every tenth a `dedicated=gpu:NoSchedule`
/// taint; 8 CPUs, 32Gi and 110 pods allocatable.
fn workload_nodes(n: usize) -> Vec<Node> {
    (0..n)
        .map(|i| {
            let name = format!("node-{i:04}");
            let disk = if i % 3 == 0 { "ssd" } else { "hdd" };
            let taints = if i % 10 == 0 {
                serde_json::json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
            } else {
                serde_json::json!([])
            };
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": name, "labels": {
                    "kubernetes.io/hostname": name, "disktype": disk,
                    "topology.kubernetes.io/zone": format!("zone-{}", i % 3)}},
                "spec": {"taints": taints},
                "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}}
            }))
            .expect("a valid node")
        })
        .collect()
}

/// `n` pods: a third select `disktype: ssd`, a tenth tolerate the gpu taint, requests
/// from 100m/128Mi to 500m/512Mi.
fn workload_pods(n: usize) -> Vec<Pod> {
    (0..n)
        .map(|i| {
            let mut spec = serde_json::json!({"containers": [{"name": "app", "image": "nginx",
                "resources": {"requests": {
                    "cpu": format!("{}m", 100 * (1 + i % 5)),
                    "memory": format!("{}Mi", 128 * (1 + i % 4))}}}]});
            if i % 3 == 0 {
                spec["nodeSelector"] = serde_json::json!({"disktype": "ssd"});
            }
            if i % 10 == 0 {
                spec["tolerations"] = serde_json::json!([{"key": "dedicated", "operator": "Equal",
                    "value": "gpu", "effect": "NoSchedule"}]);
            }
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": format!("pod-{i:05}"), "namespace": "default"},
                "spec": spec
            }))
            .expect("a valid pod")
        })
        .collect()
}

/// One scheduling pass: every pod in turn, each assumed onto its node before the next;
/// returns how many were bound.
pub fn schedule_all(sampling: Sampling, nodes: &[Node], pods: &[Pod]) -> usize {
    let mut scheduler = Scheduler::new(1);
    scheduler.sampling = sampling;
    let mut snapshot = Snapshot::new(nodes, std::iter::empty());
    let mut bound = 0;
    for pod in pods {
        let decision = scheduler.schedule_and_assume(pod, &mut snapshot, SimTime(0));
        bound += usize::from(decision.chosen.is_some());
    }
    bound
}

/// The JSONPath benchmark's templates (issue 4's, with client-go's times on one machine:
/// 28 ms, 6 ms, 8.5 ms and 570 ms over 10,000 pods).
pub const JSONPATH_TEMPLATES: [(&str, &str); 4] = [
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
];

/// The JSONPath benchmark's data: a `kind: List` of `n` running pods as `kubectl get -o
/// json` shows them.
pub fn jsonpath_pod_list(n: usize) -> serde_json::Value {
    let items: Vec<_> = (0..n)
        .map(|i| {
            serde_json::json!({
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
    serde_json::json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items})
}

/// The busy cluster the UI must keep up with (issue 8: 100 nodes, 2,000 pods) as one
/// manifest to paste: 97 nodes joining the default three, and 2,000 busybox pods
/// sleeping for an hour, each requesting 10m CPU and 16Mi.
pub fn busy_cluster_manifest() -> String {
    let mut text = String::new();
    for i in 0..97 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:03}\n  labels:\n    kubernetes.io/hostname: node-{i:03}\nstatus:\n  allocatable:\n    cpu: '16'\n    memory: 64Gi\n    pods: '110'\n"
        ));
    }
    for i in 0..2000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i:04}\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: ['sleep', '3600']\n    resources:\n      requests:\n        cpu: 10m\n        memory: 16Mi\n"
        ));
    }
    text
}
