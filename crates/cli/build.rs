//! Writes one test per transcript in tests/transcripts (`$OUT_DIR/transcript_tests.rs`,
//! included by tests/transcripts.rs), named after its file: `kubectl-get-watch.txt` is
//! `kubectl_get_watch`, so a failure names the transcript and the others still run.

use std::fmt::Write as _;

fn main() {
    let dir = std::path::Path::new("tests/transcripts");
    println!("cargo:rerun-if-changed=tests/transcripts");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".txt"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::new();
    for name in &names {
        let stem = name.trim_end_matches(".txt");
        let ident: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let _ = writeln!(
            code,
            "#[test]\nfn {ident}() {{\n    check_transcript({name:?});\n}}\n"
        );
    }
    let _ = writeln!(code, "const TRANSCRIPTS: &[&str] = &{names:?};");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("transcript_tests.rs"), code).expect("OUT_DIR is writable");
}
