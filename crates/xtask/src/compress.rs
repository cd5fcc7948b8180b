//! Precompressed copies of a release dist: `FILE.br` (brotli, quality 11) and `FILE.gz`
//! (gzip, level 9) beside each file a browser downloads, so a static host sends the
//! smallest encoding the browser accepts without compressing anything per request
//! (`cargo xtask serve --release` does, and the README says how other hosts do).

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// The files worth compressing: text and wasm (images such as PNG are compressed).
const COMPRESSIBLE: [&str; 7] = ["html", "js", "wasm", "css", "json", "svg", "txt"];

/// One file and its sizes: raw, brotli and gzip.
pub struct Compressed {
    pub name: String,
    pub raw: usize,
    pub brotli: usize,
    pub gzip: usize,
}

/// Whether `name` is one [`precompress`] writes encodings of.
pub fn compressible(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

/// Writes `FILE.br` and `FILE.gz` beside every compressible file directly in `dir`
/// (replacing older ones); an encoding that would not be smaller is not written, so
/// a host sends the file as it is.
pub fn precompress(dir: &Path) -> Result<Vec<Compressed>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| compressible(n))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let br = brotli(&bytes)?;
        let gz = gzip(&bytes)?;
        for (ext, data) in [("br", &br), ("gz", &gz)] {
            let target = dir.join(format!("{name}.{ext}"));
            if data.len() < bytes.len() {
                std::fs::write(&target, data).map_err(|e| format!("{}: {e}", target.display()))?;
            } else if target.exists() {
                std::fs::remove_file(&target).map_err(|e| format!("{}: {e}", target.display()))?;
            }
        }
        out.push(Compressed {
            name,
            raw: bytes.len(),
            brotli: br.len(),
            gzip: gz.len(),
        });
    }
    Ok(out)
}

/// Brotli at quality 11 with a 16 MiB window (what browsers accept).
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Gzip at level 9.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
}

/// Prints what [`precompress`] wrote.
pub fn print(files: &[Compressed]) {
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "precompressed", "raw", "br", "gzip"
    );
    for f in files {
        println!(
            "{:<48} {:>10} {:>10} {:>10}",
            f.name, f.raw, f.brotli, f.gzip
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_smaller_encodings_that_decode_to_the_file() {
        let dir = std::env::temp_dir().join(format!("podlab-compress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "apiVersion: v1\nkind: Pod\n".repeat(200);
        std::fs::write(dir.join("app.js"), &text).unwrap();
        std::fs::write(dir.join("tiny.css"), "a{}").unwrap();
        std::fs::write(dir.join("logo.png"), [0u8; 64]).unwrap();
        let files = precompress(&dir).unwrap();
        assert_eq!(
            files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["app.js", "tiny.css"]
        );
        let br = std::fs::read(dir.join("app.js.br")).unwrap();
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text.as_bytes());
        let gz = std::fs::read(dir.join("app.js.gz")).unwrap();
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        // Three bytes do not get smaller: no encodings, the host sends the file.
        assert!(!dir.join("tiny.css.br").exists() && !dir.join("tiny.css.gz").exists());
        assert!(!dir.join("logo.png.br").exists());
        // Run again (a second build hook): the same files, no `.br.br`.
        precompress(&dir).unwrap();
        assert!(!dir.join("app.js.br.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
