//! `cargo xtask size`: raw and gzip bytes of the dist's wasm, js and css, checked against
//! the budget in size-budget.toml.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// One file of the bundle: its name, raw bytes and gzip bytes.
pub struct FileSize {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
}

/// The raw and gzip sizes of the dist's wasm, js and css files, by name.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dist)
        .map_err(|e| {
            format!(
                "cannot read {}: {e} (run `trunk build --release` first)",
                dist.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .wasm, .js or .css files in {}", dist.display()));
    }
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
            Ok(FileSize {
                name: f
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                raw: bytes.len(),
                gzip: gzip_len(&bytes)?,
            })
        })
        .collect()
}

pub fn check(root: &Path, dist: &Path) -> Result<(), String> {
    let budget = budget(root)?;
    let files = measure(dist)?;
    let (mut raw_total, mut gz_total) = (0usize, 0usize);
    println!("{:<48} {:>10} {:>10}", "file", "raw", "gzip");
    for f in &files {
        raw_total += f.raw;
        gz_total += f.gzip;
        println!("{:<48} {:>10} {:>10}", f.name, f.raw, f.gzip);
    }
    println!("{:<48} {raw_total:>10} {gz_total:>10}", "total");
    println!("budget: {budget} bytes gzip in total (size-budget.toml)");
    if gz_total > budget {
        return Err(format!(
            "bundle is {gz_total} bytes gzip, over the budget of {budget} bytes"
        ));
    }
    println!("size: ok, {} bytes under budget", budget - gz_total);
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize, String> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(enc.finish().map_err(|e| e.to_string())?.len())
}

/// `total_gzip_bytes = N` from size-budget.toml.
fn budget(root: &Path) -> Result<usize, String> {
    let path = root.join("size-budget.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_budget(&text).ok_or_else(|| {
        format!(
            "{}: expected a line `total_gzip_bytes = <bytes>`",
            path.display()
        )
    })
}

fn parse_budget(text: &str) -> Option<usize> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == "total_gzip_bytes")
            .then(|| v.trim().replace('_', "").parse().ok())
            .flatten()
    })
}

/// `cargo xtask size --floor`: builds crates/size-floor three times as trunk builds the
/// app (release, wasm-opt -Oz) and prints each bundle's gzip bytes: what the pieces the
/// design requires cost before any of Podlab's own code.
pub fn floor(root: &Path) -> Result<(), String> {
    let variants = [
        ("yew", "a Yew app (text area, button, output)"),
        (
            "k8s",
            "+ k8s-openapi serde for Pod, Node, Service, Namespace, Event, Endpoints",
        ),
        ("k8s-yaml", "+ the YAML parser (saphyr-parser)"),
    ];
    println!("{:<76} {:>10}", "size floor", "gzip");
    for (name, what) in variants {
        let html = format!("crates/size-floor/{name}.html");
        let dist = root.join("target/size-floor").join(name);
        let dist_arg = dist.to_string_lossy().into_owned();
        crate::run_cmd(
            root,
            "trunk",
            &[
                "build",
                "--release",
                "--offline",
                "true",
                "--dist",
                &dist_arg,
                &html,
            ],
            &[],
        )?;
        let total: usize = measure(&dist)?.iter().map(|f| f.gzip).sum();
        println!("{what:<76} {total:>10}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_line() {
        assert_eq!(
            parse_budget("# c\ntotal_gzip_bytes = 614_400\n"),
            Some(614_400)
        );
        assert_eq!(parse_budget("total = 1"), None);
    }

    #[test]
    fn over_budget_fails() {
        let dir = std::env::temp_dir().join(format!("podlab-size-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("dist")).unwrap();
        std::fs::write(dir.join("size-budget.toml"), "total_gzip_bytes = 10\n").unwrap();
        // Incompressible-ish content well over 10 bytes gzip.
        let data: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(dir.join("dist/app.wasm"), data).unwrap();
        let err = check(&dir, &dir.join("dist")).unwrap_err();
        assert!(err.contains("over the budget of 10 bytes"), "{err}");
        std::fs::write(dir.join("size-budget.toml"), "total_gzip_bytes = 100000\n").unwrap();
        assert!(check(&dir, &dir.join("dist")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
