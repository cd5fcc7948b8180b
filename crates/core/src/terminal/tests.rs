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

fn typed(c: &mut Cluster, s: &mut Session, line: &str) -> (String, String) {
    let chunks = c.terminal(s, line);
    (text(&chunks, Stream::Stdout), text(&chunks, Stream::Stderr))
}

/// A here-document typed at the terminal: each line after the first gets bash's `> `
/// prompt and prints nothing until the delimiter; then the whole command runs
/// (`cat <<EOF | kubectl apply -f -`). Ctrl-C drops a command still open.
#[test]
fn a_here_document_typed_line_by_line_feeds_kubectl() {
    let mut c = crate::lessons::reset();
    let mut s = Session::new("k8s-master-01");
    let lines = [
        "cat <<EOF | kubectl apply -f -",
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: typed",
        "spec:",
        "  containers:",
        "  - name: web",
        "    image: nginx",
    ];
    for line in lines {
        assert_eq!(typed(&mut c, &mut s, line), (String::new(), String::new()));
        assert_eq!(s.prompt(), "> ");
        assert!(s.continuing());
    }
    let (out, err) = typed(&mut c, &mut s, "EOF");
    assert_eq!(out, "pod/typed created\n", "{err}");
    assert_eq!(s.prompt(), "k8s@k8s-master-01:~$ ");
    // `kubectl create -f -` reading a here-document whose tabs `<<-` strips.
    typed(&mut c, &mut s, "kubectl create -f - <<-END");
    for line in [
        "\tapiVersion: v1",
        "\tkind: ConfigMap",
        "\tmetadata:",
        "\t  name: tabs",
        "\tEND",
    ] {
        typed(&mut c, &mut s, line);
    }
    assert!(c.api().config_maps.get("default", "tabs").is_some());
    // An open `if` continues too; Ctrl-C drops it.
    typed(&mut c, &mut s, "if true; then");
    assert_eq!(s.prompt(), "> ");
    assert!(!s.interrupt());
    assert_eq!(s.prompt(), "k8s@k8s-master-01:~$ ");
    assert_eq!(
        typed(&mut c, &mut s, "k get pod typed -o name").0,
        "pod/typed\n"
    );
}

/// `kubectl port-forward` holds the terminal and reaches the pod from
/// `http://localhost:LOCAL`; Ctrl-C ends it.
#[test]
fn port_forward_reaches_the_pod_until_ctrl_c() {
    let mut c = crate::lessons::reset();
    let mut s = Session::new("k8s-master-01");
    typed(&mut c, &mut s, "kubectl run web --image=nginx --port=80");
    c.advance(20_000);
    let (out, err) = typed(&mut c, &mut s, "kubectl port-forward pod/web 8080:80");
    assert_eq!(
        out, "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n",
        "{err}"
    );
    assert!(s.following());
    let forward = s.port_forward().cloned().unwrap();
    let page = forward
        .get(&mut c, "http://localhost:8080/")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&page.body).contains("Welcome to nginx!"));
    assert!(forward.get(&mut c, "http://localhost:9090/").is_none());
    assert!(c.terminal_follow(&mut s).is_empty());
    assert!(s.interrupt());
    assert!(s.port_forward().is_none());
    // The pod going away ends it as kubectl's does.
    typed(&mut c, &mut s, "kubectl port-forward web 8080:80");
    let args: Vec<String> = ["delete", "pod", "web", "--grace-period=0", "--force"]
        .map(String::from)
        .to_vec();
    crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles);
    let end = c.terminal_follow(&mut s);
    assert_eq!(
        text(&end, Stream::Stderr),
        "error: lost connection to pod\n"
    );
    assert!(!s.following());
}

/// `kubectl edit` at the terminal: the object waits for the editor; what is saved
/// is applied (`pod/web edited`), and saving it unchanged cancels.
#[test]
fn kubectl_edit_applies_what_the_editor_saves() {
    let mut c = crate::lessons::reset();
    let mut s = Session::new("k8s-master-01");
    typed(&mut c, &mut s, "kubectl run web --image=nginx");
    typed(&mut c, &mut s, "kubectl edit pod/web");
    let edit = s.editing().cloned().unwrap();
    assert_eq!(edit.file, "kubectl-edit-pod-web.yaml");
    assert!(
        edit.text.starts_with("# Please edit the object below."),
        "{}",
        edit.text
    );
    assert!(s.following());
    let saved = c.terminal_save_edit(&mut s, &edit.text);
    assert_eq!(
        text(&saved, Stream::Stderr),
        "Edit cancelled, no changes made.\n"
    );
    assert!(s.editing().is_none());
    typed(&mut c, &mut s, "kubectl edit pod web");
    let changed = edit.text.replace("run: web", "run: web\n    tier: front");
    let saved = c.terminal_save_edit(&mut s, &changed);
    assert_eq!(
        text(&saved, Stream::Stdout),
        "pod/web edited\n",
        "{saved:?}"
    );
    let labels = c
        .api()
        .pods
        .get("default", "web")
        .unwrap()
        .metadata
        .labels
        .clone();
    assert_eq!(
        labels.unwrap().get("tier").map(String::as_str),
        Some("front")
    );
    // A change the API server refuses leaves the edit open to fix.
    typed(&mut c, &mut s, "kubectl edit pod/web");
    let edit = s.editing().cloned().unwrap();
    let refused = edit
        .text
        .replace("restartPolicy: Always", "restartPolicy: Never");
    let saved = c.terminal_save_edit(&mut s, &refused);
    assert!(
        text(&saved, Stream::Stderr).contains("is invalid"),
        "{saved:?}"
    );
    assert!(s.editing().is_some());
    assert!(s.interrupt());
}

/// `vi FILE` at the terminal takes it over full-screen; keys edit, `:wq` writes the
/// node's file as the user and gives the terminal back. `sudo vi` writes as root; a
/// file the user cannot write is vim's E212. Without a terminal, vim warns, reads its
/// keys from the pipe, and says so when they end before it exits.
#[test]
fn vi_and_nano_edit_files_on_the_node() {
    use editor::Key;
    let mut c = Cluster::with_default_nodes(1);
    let mut s = Session::new("k8s-master-01");
    let type_vi = c.terminal(&mut s, "type vi nano");
    assert_eq!(
        text(&type_vi, Stream::Stdout),
        "vi is /usr/bin/vi\nnano is /usr/bin/nano\n"
    );
    let typed = |c: &mut Cluster, s: &mut Session, keys: &[u8]| {
        for key in Key::parse(keys) {
            c.terminal_key(s, key);
        }
    };
    assert!(c.terminal(&mut s, "vi pod.yaml").is_empty());
    assert_eq!(s.editor().map(|e| e.message()), Some("\"pod.yaml\" [New]"));
    typed(&mut c, &mut s, b"ikind: Pod\x1b:wq\r");
    assert!(s.editor().is_none());
    let cat = c.terminal(&mut s, "cat pod.yaml; ls -l pod.yaml");
    let cat = text(&cat, Stream::Stdout);
    assert!(
        cat.starts_with("kind: Pod\n-rw-r--r-- 1 k8s k8s 10 "),
        "{cat}"
    );

    c.terminal(&mut s, "vi /etc/x");
    typed(&mut c, &mut s, b"ia\x1b:wq\r");
    assert_eq!(
        s.editor().map(|e| e.message()),
        Some("\"/etc/x\" E212: Can't open file for writing")
    );
    typed(&mut c, &mut s, b":q!\r");
    assert!(s.editor().is_none());
    c.terminal(&mut s, "sudo nano /etc/x");
    typed(&mut c, &mut s, b"a\x0f\r\x18");
    assert!(s.editor().is_none());
    let cat = c.terminal(&mut s, "cat /etc/x");
    assert_eq!(text(&cat, Stream::Stdout), "a\n");

    // Lines typed into a terminal that sends lines are keys, then Enter.
    c.terminal(&mut s, "nano notes");
    c.terminal(&mut s, "hello");
    c.terminal(&mut s, "\x0f");
    c.terminal(&mut s, "\x18");
    assert!(s.editor().is_none());
    assert_eq!(
        text(&c.terminal(&mut s, "cat notes"), Stream::Stdout),
        "hello\n\n"
    );

    // No terminal: a pipe's bytes are the keys.
    let piped = c.terminal(
        &mut s,
        "printf 'ihi\x1b:wq\\n' | vi piped; echo $?; cat piped",
    );
    assert_eq!(
        text(&piped, Stream::Stdout),
        "0\nhi\n",
        "{:?}",
        text(&piped, Stream::Stderr)
    );
    assert_eq!(
        text(&piped, Stream::Stderr),
        "Vim: Warning: Input is not from a terminal\n"
    );
    let script = c.terminal_script(&mut Session::new("k8s-master-01"), "vi x\nnano x\n");
    assert_eq!(
        text(&script, Stream::Stderr),
        "Vim: Warning: Output is not to a terminal\nVim: Warning: Input is not from a terminal\nVim: Error reading input, exiting...\nVim: Finished.\nToo many errors from stdin\n"
    );
}
