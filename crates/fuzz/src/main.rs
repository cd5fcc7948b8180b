//! `podlab-fuzz TARGET SECONDS [SEED]` (what `cargo xtask fuzz` runs): mutates the target's
//! corpus for SECONDS, reporting executions, corpus growth and findings.

use podlab_fuzz::{dictionary, mutate, run, seeds, Rng, TARGETS};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(target), Some(secs)) = (
        args.first(),
        args.get(1).and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!(
            "usage: podlab-fuzz TARGET SECONDS [SEED]   (targets: {})",
            TARGETS.join(", ")
        );
        std::process::exit(2);
    };
    if !TARGETS.contains(&target.as_str()) {
        eprintln!(
            "podlab-fuzz: unknown target {target:?} (targets: {})",
            TARGETS.join(", ")
        );
        std::process::exit(2);
    }
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let corpus_dir = root.join("corpus").join(target);
    let findings_dir = root.join("findings").join(target);
    let _ = std::fs::create_dir_all(&corpus_dir);
    let mut corpus = seeds(target);
    if let Ok(entries) = std::fs::read_dir(&corpus_dir) {
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        corpus.extend(files.iter().filter_map(|p| std::fs::read(p).ok()));
    }
    // Panics are findings, not the end of the run.
    std::panic::set_hook(Box::new(|_| {}));
    let dict = dictionary(target);
    let mut rng = Rng::new(seed);
    let mut signatures = BTreeSet::new();
    let (mut execs, mut panics, mut slow, mut added) = (0u64, 0u64, 0u64, 0u64);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    while Instant::now() < deadline {
        let a = rng.below(corpus.len());
        let b = rng.below(corpus.len());
        let input = mutate(&corpus[a], &corpus[b], dict, &mut rng);
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| run(target, &input));
        let took = t.elapsed();
        execs += 1;
        let name = format!("{:016x}", fnv(&input));
        match outcome {
            Err(e) => {
                panics += 1;
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let _ = std::fs::create_dir_all(&findings_dir);
                let _ = std::fs::write(findings_dir.join(format!("panic-{name}")), &input);
                eprintln!(
                    "podlab-fuzz: {target}: PANIC ({msg}) saved as findings/{target}/panic-{name}"
                );
            }
            Ok(sig) => {
                if took > Duration::from_secs(1) {
                    slow += 1;
                    let _ = std::fs::create_dir_all(&findings_dir);
                    let _ = std::fs::write(findings_dir.join(format!("slow-{name}")), &input);
                    eprintln!("podlab-fuzz: {target}: SLOW ({:.1} s) saved as findings/{target}/slow-{name}", took.as_secs_f64());
                }
                if signatures.insert(sig) && corpus.len() < 150 {
                    corpus.push(input.clone());
                    let _ = std::fs::write(corpus_dir.join(format!("gen-{name}")), &input);
                    added += 1;
                }
            }
        }
    }
    println!(
        "podlab-fuzz {target}: {execs} executions in {:.0} s ({:.0}/s), {} outcomes, {added} inputs added to the corpus, {panics} panics, {slow} inputs over 1 s",
        started.elapsed().as_secs_f64(),
        execs as f64 / started.elapsed().as_secs_f64().max(0.001),
        signatures.len()
    );
    if panics > 0 || slow > 0 {
        std::process::exit(1);
    }
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}
