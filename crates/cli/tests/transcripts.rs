//! Transcript tests: each file in tests/transcripts is replayed with
//! `podlab run --check FILE` (the format is described in `podlab --help` and in
//! src/transcript.rs), in a fresh directory holding a copy of tests/fixtures and of the
//! chapter's manifests in crates/core/lessons, against a fresh saved cluster. Any difference fails the test with podlab's report.

use std::path::Path;
use std::process::Command;

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files: Vec<_> = std::fs::read_dir(dir.join("transcripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let state = std::env::temp_dir().join(format!(
            "podlab-transcript-{}-{stem}.json",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&state);
        let work =
            std::env::temp_dir().join(format!("podlab-transcript-{}-{stem}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        // The fixtures, and the chapter's manifests the lessons in core use.
        let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/lessons");
        for source in [dir.join("fixtures"), lessons] {
            for f in std::fs::read_dir(source).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, work.join(f.file_name().unwrap())).unwrap();
            }
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
        if !out.status.success() {
            failures.push(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let _ = std::fs::remove_dir_all(&work);
        let _ = std::fs::remove_file(&state);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
