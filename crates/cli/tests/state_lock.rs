//! podlab processes started at the same time on one state file take turns: none loses
//! another's change, one that cannot have its turn in time says so, and a following
//! command (`get -w`) lets others go ahead and shows what they did.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("podlab-lock-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn podlab(state: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_podlab"));
    c.arg("--state").arg(state);
    c
}

#[test]
fn twenty_parallel_creates_keep_twenty_pods() {
    let dir = scratch("parallel");
    let state = dir.join("state.json");
    let children: Vec<_> = (0..20)
        .map(|i| {
            podlab(&state)
                .args(["kubectl", "run", &format!("c{i}"), "--image=nginx"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "c{i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("pod/c{i} created\n")
        );
    }
    let out = podlab(&state)
        .args(["kubectl", "get", "pods", "-o", "name"])
        .output()
        .unwrap();
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    names.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("pod/c{i}")).collect();
    want.sort();
    assert_eq!(names, want);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_command_that_cannot_have_the_lock_fails_naming_the_state_file() {
    let dir = scratch("held");
    let state = dir.join("state.json");
    let lock = std::fs::File::create(dir.join("state.json.lock")).unwrap();
    lock.lock().unwrap();
    let start = Instant::now();
    let out = podlab(&state)
        .env("PODLAB_LOCK_TIMEOUT", "300ms")
        .args(["kubectl", "run", "web", "--image=nginx"])
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "the state file {} is in use by another podlab command",
            state.display()
        )),
        "{stderr}"
    );
    assert!(!state.exists(), "nothing was written");
    // A shared lock (held by a reader) lets readers in but not writers.
    lock.unlock().unwrap();
    lock.lock_shared().unwrap();
    let export = podlab(&state)
        .env("PODLAB_LOCK_TIMEOUT", "300ms")
        .args(["export", "kind"])
        .output()
        .unwrap();
    assert!(export.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_watch_lets_other_commands_in_and_shows_what_they_did() {
    let dir = scratch("watch");
    let state = dir.join("state.json");
    let out = podlab(&state)
        .args(["kubectl", "run", "tea", "--image=nginx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let watch = podlab(&state)
        .args(["kubectl", "get", "pods", "-w", "--request-timeout=5s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    let out = podlab(&state)
        .env("PODLAB_LOCK_TIMEOUT", "3s")
        .args(["kubectl", "run", "web", "--image=nginx"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    let watched = watch.wait_with_output().unwrap();
    assert!(watched.status.success());
    let rows = String::from_utf8_lossy(&watched.stdout);
    assert!(rows.lines().any(|l| l.starts_with("web ")), "{rows}");
    assert!(
        rows.lines()
            .any(|l| l.starts_with("web ") && l.contains("Running")),
        "{rows}"
    );
    // The watch's seconds and the other command's change are both in the state.
    let out = podlab(&state)
        .args(["kubectl", "get", "pods", "-o", "name"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pod/tea\npod/web\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sidecar lesson across processes: `logs -f` on the git-pull container in one,
/// `podlab git put` and `commit` in another. The follower shows the pull of that
/// commit (it picks up git remotes another command changed, not only API objects),
/// and once it is stopped, `kubectl logs` contradicts nothing it printed.
#[test]
fn a_log_follower_shows_a_commit_pushed_by_another_command() {
    let dir = scratch("follow-git");
    let state = dir.join("state.json");
    let repo = "https://github.com/ansilh/k8s-demo-web.git";
    let page = dir.join("index.html");
    let manifest = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/lessons/demo-web-sidecar.yaml"
    );
    let run = |args: &[&str]| {
        let out = podlab(&state)
            .env("PODLAB_LOCK_TIMEOUT", "5s")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    std::fs::write(&page, "<h1>One</h1>\n").unwrap();
    let page = page.to_str().unwrap();
    run(&["git", "init", repo]);
    run(&["git", "put", repo, "index.html", page]);
    run(&["git", "commit", repo, "-m", "One"]);
    run(&["kubectl", "create", "-f", manifest]);
    run(&["advance", "10s"]);
    let follower = podlab(&state)
        .args(["kubectl", "logs", "demo-web", "git-pull", "-f"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::write(page, "<h1>Two</h1>\n").unwrap();
    run(&["git", "put", repo, "index.html", page]);
    run(&["git", "commit", repo, "-m", "Two"]);
    std::thread::sleep(Duration::from_millis(7500));
    let mut follower = follower;
    follower.kill().unwrap();
    let printed = follower.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&printed.stdout).into_owned();
    assert!(printed.contains("Fast-forward"), "{printed}");
    let later = run(&["kubectl", "logs", "demo-web", "git-pull"]);
    assert!(
        later.starts_with(&printed),
        "printed:\n{printed}\nlater:\n{later}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
