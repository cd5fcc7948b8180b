use super::*;

fn text(chunks: &[(Stream, Vec<u8>)], which: Stream) -> String {
    chunks
        .iter()
        .filter(|(s, _)| *s == which)
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .collect()
}

/// The chapter's sidecar pod with its repository seeded as the lessons seed it, and a
/// terminal following its git-pull container's log (`kubectl logs demo-web git-pull
/// -f`) on the control plane.
fn following_the_sidecar() -> (Cluster, Session, String) {
    let mut c = crate::lessons::reset();
    c.put_node_file(
        "k8s-master-01",
        "/home/k8s/pod.yaml",
        include_bytes!("../../lessons/demo-web-sidecar.yaml"),
    )
    .unwrap();
    let mut s = Session::new("k8s-master-01");
    let created = c.terminal(&mut s, "kubectl create -f pod.yaml");
    assert_eq!(text(&created, Stream::Stdout), "pod/demo-web created\n");
    c.advance(20_000);
    let first = c.terminal(&mut s, "kubectl logs demo-web git-pull -f");
    assert!(s.following(), "{first:?}");
    (c, s, text(&first, Stream::Stdout))
}

/// A follower shows what happens in the cluster, whoever caused it: a commit pushed
/// from the Git panel (or `podlab git commit`) while `logs -f` runs is pulled, and
/// the pull appears in the follow.
#[test]
fn a_log_follower_shows_the_pull_of_a_commit_made_elsewhere() {
    let (mut c, mut s, mut shown) = following_the_sidecar();
    assert!(shown.contains("Cloning into '/html'..."), "{shown}");
    for _ in 0..3 {
        c.advance(1_000);
        shown.push_str(&text(&c.terminal_follow(&mut s), Stream::Stdout));
    }
    let now = c.now();
    let git = c.git_mut();
    git.put(
        crate::lessons::DEMO_WEB_REPO,
        "index.html",
        b"<h1>v2</h1>\n",
    )
    .unwrap();
    git.commit_reported(
        crate::lessons::DEMO_WEB_REPO,
        "Version 2",
        ("Podlab User", "user@podlab.local"),
        now,
    )
    .unwrap();
    let before = shown.len();
    for _ in 0..6 {
        c.advance(1_000);
        shown.push_str(&text(&c.terminal_follow(&mut s), Stream::Stdout));
    }
    let after = &shown[before..];
    assert!(
        after.contains("Fast-forward") && after.contains("index.html"),
        "{after}"
    );
    assert!(s.following());
}

/// Ctrl-C keeps the time that passed while following: everything the follower printed
/// is in the log `kubectl logs` prints afterwards, in the same order, and nothing new
/// appears before its end.
#[test]
fn ctrl_c_keeps_what_the_follower_printed() {
    let (mut c, mut s, mut shown) = following_the_sidecar();
    for _ in 0..12 {
        c.advance(1_000);
        shown.push_str(&text(&c.terminal_follow(&mut s), Stream::Stdout));
    }
    assert!(s.interrupt());
    let later = text(
        &c.terminal(&mut s, "kubectl logs demo-web git-pull"),
        Stream::Stdout,
    );
    assert_eq!(later, shown);
}

/// Not a test: how long a kubectl line typed at the control plane takes when its disk
/// holds a few MB (`cargo test -p podlab-core --release --lib kubectl_line_cost --
/// --ignored --nocapture`).
#[test]
#[ignore]
fn kubectl_line_cost_with_a_full_disk() {
    let mut c = Cluster::with_default_nodes(1);
    let mb = vec![b'x'; 1 << 20];
    for i in 0..6 {
        c.put_node_file("k8s-master-01", &format!("/home/k8s/big-{i}.bin"), &mb)
            .unwrap();
    }
    c.put_node_file(
        "k8s-master-01",
        "/home/k8s/pod.yaml",
        include_bytes!("../../lessons/demo-web-sidecar.yaml"),
    )
    .unwrap();
    let mut s = Session::new("k8s-master-01");
    for line in [
        "kubectl get nodes",
        "kubectl create -f pod.yaml --dry-run=client",
    ] {
        let runs = 200;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            c.terminal(&mut s, line);
        }
        let each = start.elapsed() / runs;
        println!("{line}: {each:?} per line (6 MB on the disk)");
    }
}
