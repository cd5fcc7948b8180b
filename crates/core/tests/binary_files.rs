//! Files are bytes end to end: a jpg committed to a remote, cloned by a pod's sidecar,
//! served by nginx, fetched from outside, saved in a snapshot (and in one written before
//! binary contents were base64) comes back byte for byte; git's ids are git's.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use podlab_core::shell::Stream;
use podlab_core::{Cluster, Session};

const REPO: &str = "https://github.com/ansilh/k8s-demo-web.git";
const JPG: &[u8] = include_bytes!("../../cli/tests/fixtures/pic-k8s.jpg");
const URL: &str = "http://192.168.56.202:30080/images/pic-k8s.jpg";

const SITE: &str = "apiVersion: v1
kind: Pod
metadata:
  name: demo-web
  labels:
    run: demo-web
spec:
  volumes:
  - name: html
    emptyDir: {}
  containers:
  - name: demo-web
    image: nginx
    volumeMounts:
    - name: html
      mountPath: /usr/share/nginx/html
  - name: git-pull
    image: ansilh/debug-tools
    args: [sh, -c, 'while true; do [ ! -d /html/.git ] && git clone https://github.com/ansilh/k8s-demo-web.git /html/ || { cd /html; git pull; }; date; sleep 5; done']
    volumeMounts:
    - name: html
      mountPath: /html/
---
apiVersion: v1
kind: Service
metadata:
  name: demo-web
spec:
  type: NodePort
  selector:
    run: demo-web
  ports:
  - port: 80
    nodePort: 30080
";

fn site() -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    let author = ("Podlab", "podlab@example.com");
    c.git_mut().init(REPO).unwrap();
    c.git_mut()
        .put(REPO, "index.html", b"<img src=\"images/pic-k8s.jpg\">\n")
        .unwrap();
    c.git_mut().put(REPO, "images/pic-k8s.jpg", JPG).unwrap();
    c.git_mut()
        .commit(REPO, "A picture", author, podlab_core::clock::SimTime(0))
        .unwrap();
    c.create_from_text("site.yaml", SITE).unwrap();
    c.advance(10_000);
    c
}

fn fetched(c: &mut Cluster) -> Vec<u8> {
    let r = c.http_get(URL).expect("nginx answers");
    assert_eq!(r.status, 200);
    r.body
}

#[test]
fn a_jpg_is_the_same_bytes_everywhere() {
    let mut c = site();
    // `git hash-object pic-k8s.jpg`
    let head = c.git().repo(REPO).unwrap().head().unwrap().clone();
    assert_eq!(
        head.files["images/pic-k8s.jpg"],
        "81862b01619e1d5bd713b777ec95c9e53d117be8"
    );
    assert_eq!(JPG.len(), 14645);
    assert!(fetched(&mut c) == JPG, "nginx serves the clone's bytes");

    // A snapshot (a share link's payload) keeps them, compactly.
    let text = c.snapshot();
    assert!(
        text.contains("{\"base64\":\"/9j/"),
        "binary contents are base64"
    );
    let mut back = Cluster::restore(&text).unwrap();
    assert!(fetched(&mut back) == JPG);
}

#[test]
fn an_old_snapshot_with_byte_lists_restores_byte_for_byte() {
    let c = site();
    let text = c.snapshot();
    // Before base64, binary contents were written as lists of byte values.
    let mut old = String::new();
    let mut rest = text.as_str();
    let mut replaced = 0;
    while let Some(i) = rest.find("{\"base64\":\"") {
        old.push_str(&rest[..i]);
        let after = &rest[i + 11..];
        let end = after.find('"').unwrap();
        let bytes = STANDARD.decode(&after[..end]).unwrap();
        old.push_str(&serde_json::to_string(&bytes).unwrap());
        rest = &after[end + 2..];
        replaced += 1;
    }
    old.push_str(rest);
    assert!(replaced > 0 && !old.contains("base64"));
    let mut back = Cluster::restore(&old).unwrap();
    assert!(back.snapshot() == text, "and is written as base64 again");
    assert!(fetched(&mut back) == JPG);
}

#[test]
fn one_kernel_release_everywhere() {
    let mut c = site();
    let node = c.api().nodes.get("", "k8s-worker-01").unwrap().clone();
    let kernel = node.status.unwrap().node_info.unwrap().kernel_version;
    assert_eq!(kernel, podlab_core::model::KERNEL_RELEASE);
    let mut s = Session::new("k8s-worker-01");
    let out: Vec<u8> = c
        .terminal(&mut s, "uname -r")
        .into_iter()
        .filter(|(stream, _)| *stream == Stream::Stdout)
        .flat_map(|(_, d)| d)
        .collect();
    assert_eq!(String::from_utf8(out).unwrap(), format!("{kernel}\n"));
    let logs = c.logs("default", "demo-web", "demo-web", false).unwrap();
    let notice = format!("OS: Linux {kernel}");
    assert!(logs.iter().any(|l| l.text.contains(&notice)), "{logs:?}");
}
