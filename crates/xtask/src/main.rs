//! Project automation: `cargo xtask setup|serve|test|size|bench|fuzz`.
//!
//! Std only (plus flate2 and brotli for the size check and the precompressed dist), so it
//! builds in seconds on a fresh machine.

mod bench;
mod compress;
mod csp;
mod host;
mod setup;
mod size;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "cargo xtask <command>

Commands:
  setup          install what is missing: wasm32 target, trunk, wasm-bindgen-cli,
                 wasm-opt, Chromium and ChromeDriver (idempotent)
  serve [ARGS]   setup, then `trunk serve` on http://127.0.0.1:8080 (ARGS go to trunk)
  serve --release
                 setup, release build, then serve dist on http://127.0.0.1:8080 as a
                 static host should: precompressed .br/.gz by Accept-Encoding
  test           setup, then clippy (-D warnings) and every test: native, wasm in
                 headless Chromium, release build, size check, end-to-end in Chromium
  fuzz TARGET SECONDS
                 mutate the corpus of TARGET (manifest, jsonpath, kubectl, shell,
                 snapshot) for SECONDS; panics and inputs over 1 s land in fuzz/findings/
  post-build     (trunk's post-build hook) for a release build: add the
                 Content-Security-Policy to index.html, then write FILE.br (brotli 11)
                 and FILE.gz (gzip 9) beside each file
  csp            only the Content-Security-Policy part of post-build
  size [--dist DIR]
                 raw and gzip sizes of the dist's wasm, js and css against size-budget.toml
  size --floor   the bundle of the smallest app with what the design requires (Yew;
                 then k8s-openapi's serde for the six kinds; then the YAML parser),
                 built as the app is (crates/size-floor)
  bench          setup, then every benchmark (criterion natively, the same workloads
                 in wasm in headless Chromium, bundle sizes, UI timings in Chromium,
                 the first load under network throttling, brotli and gzip);
                 writes target/bench/report.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(&root),
        Some("serve") => serve(&root, &args[1..]),
        Some("test") => test(&root),
        Some("size") => {
            let dist = match args.get(1).map(String::as_str) {
                Some("--floor") => {
                    let result = setup::run(&root).and_then(|()| size::floor(&root));
                    return match result {
                        Ok(()) => ExitCode::SUCCESS,
                        Err(e) => {
                            eprintln!("xtask: {e}");
                            ExitCode::FAILURE
                        }
                    };
                }
                Some("--dist") => match args.get(2) {
                    Some(d) => PathBuf::from(d),
                    None => return usage("--dist needs a directory"),
                },
                Some(other) => return usage(&format!("unknown argument {other:?}")),
                None => root.join("dist"),
            };
            size::check(&root, &dist)
        }
        Some("csp") => csp::run(),
        Some("post-build") => post_build(),
        Some("bench") => bench::run(&root),
        Some("fuzz") => {
            let (Some(target), Some(secs)) = (args.get(1), args.get(2)) else {
                return usage("fuzz needs a TARGET and SECONDS");
            };
            run_cmd(
                &root,
                "cargo",
                &[
                    "run",
                    "--quiet",
                    "--profile",
                    "fuzz",
                    "-p",
                    "podlab-fuzz",
                    "--",
                    target,
                    secs,
                ],
                &[],
            )
        }
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => return usage(&format!("unknown command {other:?}")),
        None => return usage("no command given"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("xtask: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

/// The workspace root (this crate lives in crates/xtask).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// PATH with cargo's bin directory first, so freshly installed tools are found.
pub fn path_with_cargo_bin() -> String {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        dirs.push(home.join("bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs a command in the workspace root; an error names the command.
pub fn run_cmd(
    root: &Path,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(), String> {
    let shown = std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .env("PATH", path_with_cargo_bin())
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// trunk's post-build hook: a release build's CSP, then its precompressed files (in
/// this order: index.html changes first).
fn post_build() -> Result<(), String> {
    csp::run()?;
    if std::env::var("TRUNK_PROFILE").as_deref() != Ok("release") {
        return Ok(());
    }
    let dir = std::env::var("TRUNK_STAGING_DIR")
        .map_err(|_| "TRUNK_STAGING_DIR is not set (run by trunk's post_build hook)".to_string())?;
    let files = compress::precompress(Path::new(&dir))?;
    compress::print(&files);
    Ok(())
}

fn serve(root: &Path, extra: &[String]) -> Result<(), String> {
    setup::run(root)?;
    if extra.iter().any(|a| a == "--release") {
        run_cmd(root, "trunk", &["build", "--release", "--offline"], &[])?;
        return host::run(&root.join("dist"), "127.0.0.1:8080");
    }
    let mut args = vec!["serve", "--offline"];
    args.extend(extra.iter().map(String::as_str));
    println!("serve: http://127.0.0.1:8080 (Ctrl-C stops)");
    run_cmd(root, "trunk", &args, &[])
}

fn test(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    setup::run(root)?;
    let dist = root.join("dist");
    let dist_str = dist.to_string_lossy().into_owned();
    let chromedriver = setup::chromedriver_path();
    type Step<'a> = (&'a str, Box<dyn Fn() -> Result<(), String> + 'a>);
    let steps: Vec<Step> = vec![
        (
            "clippy (all crates but the browser ones; lint rules in crates/*/clippy.toml)",
            Box::new(|| {
                run_cmd(
                    root,
                    "cargo",
                    &[
                        "clippy",
                        "--workspace",
                        "--exclude",
                        "podlab-web",
                        "--exclude",
                        "podlab-e2e",
                        "--exclude",
                        "podlab-size-floor",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    &[],
                )
            }),
        ),
        (
            "clippy for wasm (podlab-web)",
            Box::new(|| {
                run_cmd(
                    root,
                    "cargo",
                    &[
                        "clippy",
                        "-p",
                        "podlab-web",
                        "--target",
                        "wasm32-unknown-unknown",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    &[],
                )
            }),
        ),
        (
            "native tests (all crates but the browser ones)",
            Box::new(|| {
                run_cmd(
                    root,
                    "cargo",
                    &[
                        "test",
                        "--workspace",
                        "--exclude",
                        "podlab-web",
                        "--exclude",
                        "podlab-e2e",
                        "--exclude",
                        "podlab-size-floor",
                    ],
                    &[],
                )
            }),
        ),
        (
            "wasm tests in headless Chromium (podlab-web)",
            Box::new(|| {
                run_cmd(
                    root,
                    "cargo",
                    &[
                        "test",
                        "-p",
                        "podlab-web",
                        "--target",
                        "wasm32-unknown-unknown",
                    ],
                    &[
                        ("CHROMEDRIVER", &chromedriver),
                        ("WASM_BINDGEN_TEST_TIMEOUT", "120"),
                    ],
                )
            }),
        ),
        (
            "release build (trunk build --release)",
            Box::new(|| run_cmd(root, "trunk", &["build", "--release", "--offline"], &[])),
        ),
        ("bundle size check", Box::new(|| size::check(root, &dist))),
        (
            "end-to-end in headless Chromium (podlab-e2e)",
            Box::new(|| {
                run_cmd(
                    root,
                    "cargo",
                    &["test", "-p", "podlab-e2e"],
                    &[("PODLAB_DIST", &dist_str), ("CHROMEDRIVER", &chromedriver)],
                )
            }),
        ),
    ];
    let total = steps.len();
    let mut report = Vec::new();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\n==> test step {}/{total}: {name}", i + 1);
        let t = Instant::now();
        let result = step();
        let secs = t.elapsed().as_secs_f64();
        match &result {
            Ok(()) => report.push(format!("  ok      {name} ({secs:.1} s)")),
            Err(e) => report.push(format!("  FAILED  {name} ({secs:.1} s): {e}")),
        }
        if let Err(e) = result {
            println!("\nxtask test summary:\n{}", report.join("\n"));
            return Err(format!("test step {}/{total} failed: {name}: {e}", i + 1));
        }
    }
    println!("\nxtask test summary:\n{}", report.join("\n"));
    println!(
        "all {total} test steps passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
