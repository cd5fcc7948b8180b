//! `cargo xtask setup`: installs only what is missing, saying what it checks and does.
//! Every tool comes from crates.io, npm or Debian's packages; nothing else is downloaded.

use crate::path_with_cargo_bin;
use std::path::Path;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's npm package version; `wasm-opt --version` prints `version_<this>`.
pub const BINARYEN_VERSION: &str = "132";

/// One setup step: how to tell it is done, and how to do it.
struct Step {
    name: &'static str,
    /// What is present now, or `None` when the step must run.
    check: Box<dyn Fn() -> Option<String>>,
    /// The commands that install it, in order.
    install: Vec<Vec<String>>,
}

pub fn run(root: &Path) -> Result<(), String> {
    let wasm_bindgen = wasm_bindgen_version(root)?;
    let sudo: Vec<String> = if is_root() {
        vec![]
    } else {
        vec!["sudo".into()]
    };
    let with_sudo = |args: &[&str]| {
        sudo.iter()
            .cloned()
            .chain(args.iter().map(|s| s.to_string()))
            .collect::<Vec<_>>()
    };
    let wb = wasm_bindgen.clone();
    let steps = vec![
        Step {
            name: "wasm32-unknown-unknown target",
            check: Box::new(|| {
                output("rustup", &["target", "list", "--installed"])
                    .filter(|o| o.lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
                    .map(|_| "installed".to_string())
            }),
            install: vec![words("rustup target add wasm32-unknown-unknown")],
        },
        Step {
            name: "clippy (the test command's lint step)",
            check: Box::new(|| {
                output("cargo", &["clippy", "--version"]).map(|o| o.trim().to_string())
            }),
            install: vec![words("rustup component add clippy")],
        },
        Step {
            name: "trunk",
            check: Box::new(|| version_is("trunk", "--version", &format!("trunk {TRUNK_VERSION}"))),
            install: vec![words(&format!(
                "cargo install trunk --version {TRUNK_VERSION} --locked"
            ))],
        },
        Step {
            name: "wasm-bindgen-cli",
            check: Box::new(move || {
                version_is("wasm-bindgen", "--version", &format!("wasm-bindgen {wb}"))
            }),
            // Not --locked: its locked dependency set is not all in the registry.
            install: vec![words(&format!(
                "cargo install wasm-bindgen-cli --version {wasm_bindgen}"
            ))],
        },
        Step {
            name: "wasm-opt (binaryen)",
            check: Box::new(|| {
                version_is(
                    "wasm-opt",
                    "--version",
                    &format!("version_{BINARYEN_VERSION})"),
                )
            }),
            install: vec![words(&format!(
                "npm install -g binaryen@{BINARYEN_VERSION}"
            ))],
        },
        Step {
            name: "Chromium and ChromeDriver",
            check: Box::new(|| {
                let chromium = which("chromium")?;
                let driver = which("chromedriver")?;
                Some(format!("{chromium}, {driver}"))
            }),
            install: vec![
                with_sudo(&["apt-get", "update"]),
                with_sudo(&[
                    "apt-get",
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "chromium",
                    "chromium-driver",
                ]),
            ],
        },
    ];
    for step in steps {
        if let Some(found) = (step.check)() {
            println!("setup: {}: present ({found})", step.name);
            continue;
        }
        for cmd in &step.install {
            let shown = cmd.join(" ");
            println!("setup: {}: missing, running `{shown}`", step.name);
            let ok = Command::new(&cmd[0])
                .args(&cmd[1..])
                .env("PATH", path_with_cargo_bin())
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return Err(format!(
                    "setup step '{}' failed; run it by hand: {shown}",
                    step.name
                ));
            }
        }
        match (step.check)() {
            Some(found) => println!("setup: {}: installed ({found})", step.name),
            None => {
                let all: Vec<String> = step.install.iter().map(|c| c.join(" ")).collect();
                return Err(format!(
                    "setup step '{}' ran but the tool is still not found on PATH; run by hand: {}",
                    step.name,
                    all.join(" && ")
                ));
            }
        }
    }
    Ok(())
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|o| o.trim() == "0")
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", path_with_cargo_bin())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `Some(first line)` when `program flag` prints a line containing `want`.
fn version_is(program: &str, flag: &str, want: &str) -> Option<String> {
    let out = output(program, &[flag])?;
    let line = out.lines().next().unwrap_or_default().trim().to_string();
    line.contains(want).then_some(line)
}

fn which(program: &str) -> Option<String> {
    std::env::split_paths(&path_with_cargo_bin())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// ChromeDriver's path for the test runners.
pub fn chromedriver_path() -> String {
    which("chromedriver").unwrap_or_else(|| "/usr/bin/chromedriver".into())
}

/// The exact wasm-bindgen version the workspace pins (`wasm-bindgen = "=X"`), so the
/// CLI setup installs always matches the crate.
pub fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("reading Cargo.toml: {e}"))?;
    pinned(&manifest, "wasm-bindgen").ok_or_else(|| {
        "Cargo.toml: no exact pin `wasm-bindgen = \"=X.Y.Z\"` in [workspace.dependencies]".into()
    })
}

fn pinned(manifest: &str, krate: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key.trim() != krate {
            return None;
        }
        let v = value.trim().trim_matches('"');
        v.strip_prefix('=').map(str::to_string)
    })
}

/// `[tools] key = "value"` from Trunk.toml.
#[cfg(test)]
fn trunk_tool(trunk_toml: &str, key: &str) -> Option<String> {
    let mut in_tools = false;
    for line in trunk_toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    #[test]
    fn trunk_tools_match_what_setup_installs() {
        let root = workspace_root();
        let trunk = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(
            trunk_tool(&trunk, "wasm_bindgen"),
            Some(wasm_bindgen_version(&root).unwrap())
        );
        assert_eq!(
            trunk_tool(&trunk, "wasm_opt"),
            Some(format!("version_{BINARYEN_VERSION}"))
        );
    }

    #[test]
    fn pins_are_read_exactly() {
        let toml = "[workspace.dependencies]\nwasm-bindgen = \"=0.2.130\"\nwasm-bindgen-test = \"0.3.80\"\n";
        assert_eq!(pinned(toml, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(pinned(toml, "wasm-bindgen-test"), None);
    }
}
