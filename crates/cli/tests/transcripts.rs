//! Transcript tests: one test per file in tests/transcripts, named after it (the build
//! script writes them: `kubectl-get-watch.txt` is the test `kubectl_get_watch`). Each
//! replays its file with `podlab run --check FILE` (the format is described in
//! `podlab --help` and in core's `transcript` module), in a fresh directory holding a
//! copy of tests/fixtures (with its directories) and of the chapter's manifests in crates/core/lessons,
//! against a fresh saved cluster. A difference fails the test with podlab's report:
//! the file, the line, the command and the diff.

use std::path::Path;
use std::process::Command;

include!(concat!(env!("OUT_DIR"), "/transcript_tests.rs"));

fn check_transcript(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let file = dir.join("transcripts").join(name);
    let stem = name.trim_end_matches(".txt");
    let scratch =
        std::env::temp_dir().join(format!("podlab-transcript-{}-{stem}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let work = scratch.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let state = scratch.join("state.json");
    // The fixtures, and the chapter's manifests the lessons in core use.
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/lessons");
    for source in [dir.join("fixtures"), lessons] {
        copy_dir(&source, &work);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .arg("--state")
        .arg(&state)
        .arg("run")
        .arg("--check")
        .arg(&file)
        .current_dir(&work)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        out.status.success(),
        "{name} differs:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies the files and directories in `from` into `to`.
fn copy_dir(from: &Path, to: &Path) {
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap().path();
        let target = to.join(f.file_name().unwrap());
        if f.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&f, &target);
        } else {
            std::fs::copy(&f, target).unwrap();
        }
    }
}

/// The build script wrote a test for every transcript there is now (it runs again
/// when the directory changes; this catches a stale build).
#[test]
fn every_transcript_has_a_test() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files, TRANSCRIPTS,
        "tests/transcripts holds only .txt transcripts, each with a test"
    );
}

#[test]
fn a_corrupt_state_file_is_kept_and_reported() {
    let state = std::env::temp_dir().join(format!("podlab-corrupt-{}.json", std::process::id()));
    std::fs::write(&state, "{not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(["--state", state.to_str().unwrap(), "kubectl", "get", "pods"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the saved cluster cannot be read"));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{not json");
    std::fs::remove_file(&state).unwrap();
}

/// Replaces the number after `"key":` in `text` with `value`.
fn set_number(text: &str, key: &str, value: &str) -> String {
    let key = format!("\"{key}\":");
    let start = text.find(&key).unwrap_or_else(|| panic!("no {key}")) + key.len();
    let end = start
        + text[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(0);
    format!("{}{value}{}", &text[..start], &text[end..])
}

#[test]
fn a_hand_edited_state_file_is_repaired_or_refused() {
    let state = std::env::temp_dir().join(format!("podlab-edited-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let podlab = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
            .arg("--state")
            .arg(&state)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    podlab(&["kubectl", "run", "a", "--image=nginx"]);
    podlab(&["advance", "30s"]);
    // Counters set back: the resourceVersion counter, the clock, the pod IP counter.
    let text = std::fs::read_to_string(&state).unwrap();
    let text = set_number(&text, "resource_version", "1");
    let text = set_number(&text, "now", "0");
    let text = text.replace("\"next_ip\":{\"k8s-worker-02\":2}", "\"next_ip\":{}");
    std::fs::write(&state, &text).unwrap();
    let (code, pods, _) = podlab(&["kubectl", "get", "pods"]);
    assert_eq!(code, Some(0));
    assert!(
        pods.contains("a      1/1     Running   0          30s"),
        "{pods}"
    );
    // b on a's node, where the pod IP counter was set back.
    let b = state.with_extension("b.yaml");
    std::fs::write(
        &b,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  nodeName: k8s-worker-02\n  containers:\n  - name: b\n    image: nginx\n",
    )
    .unwrap();
    let (code, _, err) = podlab(&["kubectl", "create", "-f", b.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    std::fs::remove_file(&b).unwrap();
    podlab(&["advance", "5s"]);
    let (_, versions, _) = podlab(&[
        "kubectl",
        "get",
        "pods",
        "-o",
        "jsonpath={.items[*].metadata.resourceVersion} {.items[*].status.podIP}",
    ]);
    let words: Vec<&str> = versions.split_whitespace().collect();
    assert_eq!(words.len(), 4, "{versions}");
    let (a, b): (u64, u64) = (words[0].parse().unwrap(), words[1].parse().unwrap());
    assert!(b > a, "b's resourceVersion {b} is newer than a's {a}");
    assert_ne!(words[2], words[3], "a and b have addresses of their own");
    // What no cluster could hold: refused with what is wrong, the file kept.
    let text = std::fs::read_to_string(&state).unwrap();
    let at = text.find("\"resourceVersion\":\"").unwrap() + "\"resourceVersion\":\"".len();
    let end = at + text[at..].find('"').unwrap();
    let bad = format!("{}seven{}", &text[..at], &text[end..]);
    std::fs::write(&state, &bad).unwrap();
    let (code, _, err) = podlab(&["kubectl", "get", "pods"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("the saved cluster is inconsistent: ")
            && err.contains("has resourceVersion \"seven\", which is not a number"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), bad);
    std::fs::remove_file(&state).unwrap();
}
