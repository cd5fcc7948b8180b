//! How `podlab run`'s time grows with a transcript's length: replays generated
//! transcripts of N steps (create a pod, delete the one created ten steps before, let a
//! second pass: about ten pods live throughout) for growing N, and prints the time per
//! command. Linear means the per-command time stays flat as N doubles.
//!
//! `cargo bench -p podlab-cli --bench run_linearity` (a measurement, not a test: it
//! asserts nothing; figures in docs/PERFORMANCE.md).

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

fn transcript(steps: usize) -> String {
    let mut t = String::new();
    for i in 0..steps {
        let _ = writeln!(
            t,
            "$ podlab kubectl run c{i} --image=nginx\npod/c{i} created"
        );
        if i >= 10 {
            let old = i - 10;
            let _ = writeln!(
                t,
                "$ podlab kubectl delete pod c{old} --wait=false\npod \"c{old}\" deleted from default namespace"
            );
        }
        let _ = writeln!(t, "$ podlab advance 1s");
    }
    t
}

fn main() {
    let dir = std::env::temp_dir().join(format!("podlab-run-linearity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    println!(
        "{:>6}  {:>8}  {:>9}  {:>14}",
        "steps", "commands", "seconds", "µs per command"
    );
    for steps in [500, 1_000, 2_000, 4_000, 8_000] {
        let script = dir.join(format!("churn-{steps}.txt"));
        std::fs::write(&script, transcript(steps)).expect("the transcript is written");
        let state = dir.join(format!("state-{steps}.json"));
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
            .arg("--state")
            .arg(&state)
            .args(["run", "--check"])
            .arg(&script)
            .output()
            .expect("podlab runs");
        let secs = start.elapsed().as_secs_f64();
        let commands = steps * 3 - 10;
        let verdict = if out.status.success() {
            ""
        } else {
            "  (differs!)"
        };
        println!(
            "{steps:>6}  {commands:>8}  {secs:>9.2}  {:>14.0}{verdict}",
            secs * 1e6 / commands as f64
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
