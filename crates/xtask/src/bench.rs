//! `cargo xtask bench`: every benchmark, and one report.
//!
//! Runs the criterion benches of podlab-core (native), the same workloads in wasm in
//! headless Chromium (podlab-web's `wasm` bench), a release build for the bundle sizes,
//! the UI timings in Chromium (podlab-e2e's `ui-timings`) and the first load under
//! network throttling (podlab-e2e's `first-load`), then writes every figure
//! to `target/bench/report.md`. Native figures are criterion's medians, read from
//! `target/criterion/**/new/estimates.json` for the benches this run measured.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::{path_with_cargo_bin, run_cmd, setup, size};

pub fn run(root: &Path) -> Result<(), String> {
    let started = SystemTime::now();
    let clock = Instant::now();
    setup::run(root)?;
    let chromedriver = setup::chromedriver_path();

    println!("\n==> bench 1/5: criterion benches of podlab-core (native)");
    run_cmd(root, "cargo", &["bench", "-p", "podlab-core"], &[])?;
    let native = criterion_medians(&root.join("target/criterion"), started)?;

    println!("\n==> bench 2/5: the same workloads in wasm in headless Chromium");
    let wasm_out = capture(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "podlab-web",
            "--target",
            "wasm32-unknown-unknown",
            "--bench",
            "wasm",
        ],
        &[("CHROMEDRIVER", &chromedriver)],
    )?;
    let wasm = parse_wasm_bench(&wasm_out);

    println!("\n==> bench 3/5: release build and bundle sizes");
    run_cmd(root, "trunk", &["build", "--release", "--offline"], &[])?;
    let dist = root.join("dist");
    let files = size::measure(&dist)?;

    println!("\n==> bench 4/5: UI timings in headless Chromium");
    let dist_str = dist.to_string_lossy().into_owned();
    let ui_out = capture(
        root,
        "cargo",
        &[
            "run",
            "--quiet",
            "--release",
            "-p",
            "podlab-e2e",
            "--bin",
            "ui-timings",
        ],
        &[("PODLAB_DIST", &dist_str), ("CHROMEDRIVER", &chromedriver)],
    )?;

    println!("\n==> bench 5/5: first load in headless Chromium under network throttling");
    let first_load = capture(
        root,
        "cargo",
        &[
            "run",
            "--quiet",
            "--release",
            "-p",
            "podlab-e2e",
            "--bin",
            "first-load",
        ],
        &[("PODLAB_DIST", &dist_str), ("CHROMEDRIVER", &chromedriver)],
    )?;

    let report = render(
        &native,
        &wasm,
        &files,
        &[&ui_out, &first_load],
        clock.elapsed().as_secs(),
    );
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let path = out_dir.join("report.md");
    std::fs::write(&path, &report).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\n{report}");
    println!("bench: report written to {}", path.display());
    Ok(())
}

/// Runs a command, echoing and returning its standard output.
fn capture(
    root: &Path,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<String, String> {
    let shown = format!("{program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(root)
        .env("PATH", path_with_cargo_bin())
        .envs(envs.iter().copied())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{text}");
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("`{shown}` failed ({})", out.status))
    }
}

/// One measured figure: the bench's full name and its median in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    pub ns: f64,
}

/// Criterion's median of every bench written since `since`, sorted by name.
fn criterion_medians(dir: &Path, since: SystemTime) -> Result<Vec<Figure>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "estimates.json")
                && p.parent()
                    .and_then(Path::file_name)
                    .is_some_and(|n| n == "new")
            {
                let fresh = std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since);
                if fresh {
                    found.push(p);
                }
            }
        }
    }
    let mut figures = Vec::new();
    for estimates in found {
        let bench = estimates.with_file_name("benchmark.json");
        let (Ok(e), Ok(b)) = (
            std::fs::read_to_string(&estimates),
            std::fs::read_to_string(&bench),
        ) else {
            continue;
        };
        if let (Some(name), Some(ns)) = (json_string(&b, "full_id"), median_ns(&e)) {
            figures.push(Figure { name, ns });
        }
    }
    figures.sort_by(|a, b| a.name.cmp(&b.name));
    if figures.is_empty() {
        return Err(format!(
            "no fresh criterion results under {}",
            dir.display()
        ));
    }
    Ok(figures)
}

/// The string value of `"key":"..."` in a small JSON document (criterion's
/// benchmark.json; names hold no escapes beyond `\"`).
fn json_string(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut out = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// `median.point_estimate` of criterion's estimates.json, in nanoseconds.
fn median_ns(json: &str) -> Option<f64> {
    let median = &json[json.find("\"median\":")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// wasm-bindgen-test's criterion prints each bench's name, then
/// `time: [low median high]` with units; the median of each, in nanoseconds.
pub fn parse_wasm_bench(out: &str) -> Vec<Figure> {
    let clean = strip_ansi(out);
    let mut figures = Vec::new();
    let mut last_name: Option<String> = None;
    for line in clean.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("time:") {
            let inner = rest.trim().trim_start_matches('[').trim_end_matches(']');
            let parts: Vec<&str> = inner.split_whitespace().collect();
            if let (Some(name), [_, _, value, unit, _, _]) = (last_name.take(), parts.as_slice()) {
                if let Some(ns) = to_ns(value, unit) {
                    figures.push(Figure { name, ns });
                }
            }
        } else if !t.is_empty()
            && !t.starts_with("Benchmarking")
            && !t.contains(':')
            && !t.starts_with("Found")
        {
            last_name = Some(t.to_string());
        }
    }
    figures
}

fn to_ns(value: &str, unit: &str) -> Option<f64> {
    let v: f64 = value.parse().ok()?;
    let scale = match unit {
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(v * scale)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A duration as criterion shows it.
pub fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} CPUs available")
}

fn render(
    native: &[Figure],
    wasm: &[Figure],
    files: &[size::FileSize],
    [ui, first_load]: &[&str; 2],
    secs: u64,
) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "# Podlab benchmark report\n");
    let _ = writeln!(r, "Machine: {}. Whole run: {secs} s.\n", machine());
    let _ = writeln!(
        r,
        "## Native (criterion medians, `cargo bench -p podlab-core`)\n\n| Bench | Median |\n|---|---|"
    );
    for f in native {
        let _ = writeln!(r, "| {} | {} |", f.name, human(f.ns));
    }
    let _ = writeln!(
        r,
        "\n## Wasm in headless Chromium (`cargo bench -p podlab-web --target wasm32-unknown-unknown --bench wasm`)\n\n| Bench | wasm | native, same bench | wasm / native |\n|---|---|---|---|"
    );
    for f in wasm {
        let same = native.iter().find(|n| n.name == f.name);
        let (n, ratio) = match same {
            Some(n) => (human(n.ns), format!("{:.2}×", f.ns / n.ns)),
            None => ("—".into(), "—".into()),
        };
        let _ = writeln!(r, "| {} | {} | {n} | {ratio} |", f.name, human(f.ns));
    }
    let derived = derived(native, wasm);
    if !derived.is_empty() {
        let _ = writeln!(r, "\n## Derived\n");
        for line in derived {
            let _ = writeln!(r, "- {line}");
        }
    }
    let _ = writeln!(
        r,
        "\n## Bundle (`trunk build --release`, then raw and gzip bytes)\n\n| File | Raw | Gzip |\n|---|---|---|"
    );
    let (mut raw, mut gz) = (0, 0);
    for f in files {
        raw += f.raw;
        gz += f.gzip;
        let _ = writeln!(r, "| {} | {} | {} |", f.name, f.raw, f.gzip);
    }
    let _ = writeln!(r, "| total | {raw} | {gz} |");
    let _ = writeln!(
        r,
        "\n## UI in headless Chromium (`ui-timings`)\n\n{}",
        ui.trim()
    );
    let _ = writeln!(
        r,
        "\n## First load in headless Chromium under network throttling (`first-load`)\n\n{}",
        first_load.trim()
    );
    r
}

/// Figures worked out from the measured ones: scheduler throughput.
fn derived(native: &[Figure], wasm: &[Figure]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, pods) in [
        ("10k pods onto 5k nodes/adaptive", 10_000.0),
        ("10k pods onto 5k nodes/exhaustive", 10_000.0),
        ("200 pods onto 5k nodes/adaptive", 200.0),
    ] {
        for (where_, list) in [("native", native), ("wasm", wasm)] {
            if let Some(f) = list.iter().find(|f| f.name == name) {
                out.push(format!(
                    "scheduler, {name}, {where_}: {:.0} pods/s",
                    pods / (f.ns / 1e9)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_files() {
        let est = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":460266.8,"upper_bound":463110.0},"point_estimate":461614.43,"standard_error":649.8}}"#;
        assert_eq!(median_ns(est), Some(461614.43));
        let bench = r#"{"group_id":"jsonpath 10k pods","function_id":"filter by node","full_id":"jsonpath 10k pods/filter by \"node\"","directory_name":"x"}"#;
        assert_eq!(
            json_string(bench, "full_id").as_deref(),
            Some("jsonpath 10k pods/filter by \"node\"")
        );
    }

    #[test]
    fn reads_wasm_bench_output() {
        let out = "Benchmarking jsonpath 10k pods/all names: Warming up for 500.00 ms\n\
                   \u{1b}[32mjsonpath 10k pods/all names\u{1b}[0m\n\
                   \u{20}                       time:   [\u{1b}[2m631.62 µs\u{1b}[0m \u{1b}[1m635.97 µs\u{1b}[0m \u{1b}[2m640.05 µs\u{1b}[0m]\n\
                   200 pods onto 5k nodes/adaptive\n\
                   \u{20}                       time:   [27.547 ms 27.927 ms 28.439 ms]\n";
        let figures = parse_wasm_bench(out);
        assert_eq!(figures.len(), 2);
        assert_eq!(figures[0].name, "jsonpath 10k pods/all names");
        assert!((figures[0].ns - 635_970.0).abs() < 1e-6);
        assert_eq!(figures[1].name, "200 pods onto 5k nodes/adaptive");
        assert!((figures[1].ns - 27_927_000.0).abs() < 1e-3);
    }

    #[test]
    fn human_units() {
        assert_eq!(human(461_614.0), "461.6 µs");
        assert_eq!(human(1_350_000_000.0), "1.35 s");
        assert_eq!(human(27_927_000.0), "27.93 ms");
    }

    #[test]
    fn derived_throughput() {
        let native = vec![Figure {
            name: "10k pods onto 5k nodes/adaptive".into(),
            ns: 1.35e9,
        }];
        let lines = derived(&native, &[]);
        assert_eq!(
            lines,
            ["scheduler, 10k pods onto 5k nodes/adaptive, native: 7407 pods/s"]
        );
    }
}
