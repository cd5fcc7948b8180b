//! Fixed scenarios for tests and benchmarks. [`determinism_fingerprint`] runs one for
//! simulated hours and fingerprints the snapshot; native and wasm builds must agree with
//! each other and with [`DETERMINISM_FINGERPRINT`].

use crate::Cluster;

/// The SHA-1 of the snapshot [`determinism_fingerprint`] reaches. It changes whenever
/// the simulation's behaviour changes; update it when that change is intended.
pub const DETERMINISM_FINGERPRINT: &str = "fa830e3f5798a297b7875b3bfb82a47b36912140";

const REPO: &str = "https://github.com/ansilh/k8s-demo-web.git";

/// A busy cluster: a git-pull sidecar serving a page, the tea app behind a NodePort, a
/// crash-looping pod, an init container, a NoExecute taint and a graceful delete; then
/// `hours` of simulated time in ten-minute steps, with a commit pushed every hour.
pub fn determinism_run(hours: u64) -> Cluster {
    let mut c = Cluster::with_default_nodes(42);
    let author = ("Podlab", "podlab@example.com");
    let _ = c.git_mut().init(REPO);
    let _ = c.git_mut().put(REPO, "index.html", b"<h1>v1</h1>\n");
    let _ = c.git_mut().commit(REPO, "First page", author, crate::clock::SimTime(0));
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
    sha1_smol::Sha1::from(snapshot.as_bytes()).digest().to_string()
}
