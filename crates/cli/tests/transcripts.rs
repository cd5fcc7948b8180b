//! Transcript tests: each file in tests/transcripts holds commands (`$ podlab ...`)
//! with the expected standard output below them. `! exit N` expects an exit code and
//! `! stderr: TEXT` a line of standard error starting with TEXT. A command may end in
//! `> FILE` to send its output to a file instead, or `&& echo` to add a newline when
//! it succeeds. An output line starting with a backslash is taken without it (for output that
//! begins with `#`, `$ ` or `! `). Each transcript runs in a fresh
//! directory holding a copy of tests/fixtures.

use std::path::Path;
use std::process::Command;

struct Case {
    command: String,
    stdout: String,
    exit: i32,
    stderr: Vec<String>,
}

fn parse(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            cases.push(Case {
                command: cmd.into(),
                stdout: String::new(),
                exit: 0,
                stderr: Vec::new(),
            });
        } else if let Some(case) = cases.last_mut() {
            if let Some(code) = line.strip_prefix("! exit ") {
                case.exit = code.parse().expect("exit code");
            } else if let Some(e) = line.strip_prefix("! stderr: ") {
                case.stderr.push(e.to_string());
            } else {
                // A backslash escapes output lines that would read as markup (`# TYPE`).
                case.stdout.push_str(line.strip_prefix('\\').unwrap_or(line));
                case.stdout.push('\n');
            }
        }
    }
    cases
}

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
        // Each transcript gets a fresh saved cluster.
        let state = std::env::temp_dir().join(format!(
            "podlab-transcript-{}-{}.json",
            std::process::id(),
            file.file_stem().unwrap().to_string_lossy()
        ));
        let _ = std::fs::remove_file(&state);
        let work = std::env::temp_dir().join(format!(
            "podlab-transcript-{}-{}",
            std::process::id(),
            file.file_stem().unwrap().to_string_lossy()
        ));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        for f in std::fs::read_dir(dir.join("fixtures")).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, work.join(f.file_name().unwrap())).unwrap();
        }
        for case in parse(&std::fs::read_to_string(&file).unwrap()) {
            // `&& echo` (as the chapter writes after jsonpath) adds a newline on success.
            let (command_text, echo) = match case.command.strip_suffix(" && echo") {
                Some(c) => (c.to_string(), true),
                None => (case.command.clone(), false),
            };
            let (command, redirect) = match command_text.split_once(" > ") {
                Some((c, target)) => (c.to_string(), Some(target.trim().to_string())),
                None => (command_text.clone(), None),
            };
            let words = podlab_core::kubectl::split_words(&command).unwrap();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            assert_eq!(words[0], "podlab");
            let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
                .args(&words[1..])
                .current_dir(&work)
                .env("PODLAB_STATE", &state)
                .output()
                .unwrap();
            // Transcripts are text files with \n line ends; servers answer with \r\n.
            let mut stdout = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
            if echo && out.status.success() {
                stdout.push('\n');
            }
            if let Some(target) = &redirect {
                std::fs::write(work.join(target), &stdout).unwrap();
                stdout.clear();
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code().unwrap_or(-1);
            let stderr_ok = case
                .stderr
                .iter()
                .all(|want| stderr.lines().any(|l| l.starts_with(want.as_str())));
            if stdout != case.stdout || code != case.exit || !stderr_ok {
                failures.push(format!(
                    "{}: $ {}\n--- want (exit {}):\n{}{:?}\n--- got (exit {code}):\n{stdout}{stderr}",
                    file.display(),
                    case.command,
                    case.exit,
                    case.stdout,
                    case.stderr
                ));
            }
        }
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
