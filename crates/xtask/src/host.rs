//! `cargo xtask serve --release`: the release dist as a static host should send it. Each
//! request gets the precompressed `FILE.br` or `FILE.gz` the browser accepts (with
//! `Content-Encoding` and `Vary: Accept-Encoding`), else the file itself; the page is
//! revalidated at every load, the hashed assets are cached for a year.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// An encoding a response can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
            Encoding::Identity => "",
        }
    }

    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }
}

/// Whether an `Accept-Encoding` header value accepts `encoding` (a token or `*`
/// without `q=0`).
pub fn accepts(header: &str, encoding: Encoding) -> bool {
    if encoding == Encoding::Identity {
        return true;
    }
    let mut star = false;
    for part in header.split(',') {
        let mut fields = part.split(';');
        let token = fields.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = fields.any(|f| {
            f.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if token == encoding.token() {
            return !refused;
        }
        if token == "*" {
            star = !refused;
        }
    }
    star
}

/// The MIME type for a file name.
pub fn content_type(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether trunk put a content hash in the name (`podlab-web-173e5cde6232d950_bg.wasm`,
/// `style-9436a23a7b0808f.css`: 64 bits in hex, leading zeros dropped): such a file
/// never changes, so it may be cached for good.
pub fn hashed(name: &str) -> bool {
    name.split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What to send for a request path: the file, its encoding and the headers.
pub struct Reply {
    pub status: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The reply for `GET path` with this `Accept-Encoding`, the encodings offered in
/// order of preference (the precompressed files that exist).
pub fn reply(root: &Path, path: &str, accept_encoding: &str, offered: &[Encoding]) -> Reply {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let name = if rel.is_empty() { "index.html" } else { rel };
    let file = root.join(name);
    let inside = !name.contains("..") && !name.contains('\\') && file.is_file();
    if !inside {
        return Reply {
            status: "404 Not Found",
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: b"not found\n".to_vec(),
        };
    }
    let chosen = offered
        .iter()
        .copied()
        .filter(|&e| accepts(accept_encoding, e))
        .find_map(|e| {
            let mut p = file.clone().into_os_string();
            p.push(e.suffix());
            let p = PathBuf::from(p);
            p.is_file().then_some((e, p))
        })
        .unwrap_or((Encoding::Identity, file.clone()));
    let (encoding, source) = chosen;
    let body = std::fs::read(&source).unwrap_or_default();
    let mut headers = vec![
        ("Content-Type", content_type(name).to_string()),
        ("Vary", "Accept-Encoding".to_string()),
        (
            "Cache-Control",
            if hashed(name) {
                "public, max-age=31536000, immutable".to_string()
            } else {
                "no-cache".to_string()
            },
        ),
    ];
    if encoding != Encoding::Identity {
        headers.push(("Content-Encoding", encoding.token().to_string()));
    }
    Reply {
        status: "200 OK",
        headers,
        body,
    }
}

fn answer(mut stream: TcpStream, root: &Path, offered: &[Encoding]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut accept_encoding = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("accept-encoding") {
                accept_encoding = v.trim().to_string();
            }
        }
        line.clear();
    }
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("");
    let path = words.next().unwrap_or("/");
    let r = reply(root, path, &accept_encoding, offered);
    let mut head = format!("HTTP/1.1 {}\r\n", r.status);
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        r.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

/// Serves `root` on `addr` until the process ends, offering brotli, then gzip.
pub fn run(root: &Path, addr: &str) -> Result<(), String> {
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!(
        "serve: {} on http://{addr}/ with its precompressed files (Ctrl-C stops)",
        root.display()
    );
    for stream in listener.incoming().flatten() {
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let _ = answer(stream, &root, &[Encoding::Brotli, Encoding::Gzip]);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding() {
        let chrome = "gzip, deflate, br, zstd";
        assert!(accepts(chrome, Encoding::Brotli) && accepts(chrome, Encoding::Gzip));
        assert!(!accepts("gzip", Encoding::Brotli));
        assert!(!accepts("br;q=0, gzip", Encoding::Brotli));
        assert!(accepts("*", Encoding::Brotli));
        assert!(!accepts("*, br;q=0", Encoding::Brotli));
        assert!(!accepts("", Encoding::Gzip));
        assert!(accepts("", Encoding::Identity));
    }

    #[test]
    fn hashed_names() {
        assert!(hashed("podlab-web-0123456789abcdef_bg.wasm"));
        assert!(hashed("style-9436a23a7b0808f.css"));
        assert!(!hashed("index.html") && !hashed("openapi-v1_34.json"));
    }

    #[test]
    fn replies_with_the_encoding_accepted() {
        let dir = std::env::temp_dir().join(format!("podlab-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<p>page</p>").unwrap();
        std::fs::write(dir.join("index.html.br"), "BR").unwrap();
        std::fs::write(dir.join("index.html.gz"), "GZ").unwrap();
        std::fs::write(dir.join("app-0123456789abcdef.js"), "js").unwrap();
        let both = [Encoding::Brotli, Encoding::Gzip];
        let header = |r: &Reply, k: &str| {
            r.headers
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        };
        let r = reply(&dir, "/", "gzip, deflate, br", &both);
        assert_eq!((r.status, r.body.as_slice()), ("200 OK", &b"BR"[..]));
        assert_eq!(header(&r, "Content-Encoding").as_deref(), Some("br"));
        assert_eq!(
            header(&r, "Content-Type").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header(&r, "Cache-Control").as_deref(), Some("no-cache"));
        let r = reply(&dir, "/index.html?x=1", "gzip", &both);
        assert_eq!(r.body, b"GZ");
        assert_eq!(header(&r, "Content-Encoding").as_deref(), Some("gzip"));
        let r = reply(&dir, "/index.html", "gzip, br", &[Encoding::Gzip]);
        assert_eq!(r.body, b"GZ");
        let r = reply(&dir, "/index.html", "", &both);
        assert_eq!(r.body, b"<p>page</p>");
        assert_eq!(header(&r, "Content-Encoding"), None);
        assert_eq!(header(&r, "Vary").as_deref(), Some("Accept-Encoding"));
        // No precompressed file: the file itself, cached for good as its name is hashed.
        let r = reply(&dir, "/app-0123456789abcdef.js", "br", &both);
        assert_eq!(r.body, b"js");
        assert_eq!(header(&r, "Content-Encoding"), None);
        assert!(header(&r, "Cache-Control").unwrap().contains("immutable"));
        assert_eq!(
            reply(&dir, "/../etc/passwd", "", &both).status,
            "404 Not Found"
        );
        assert_eq!(
            reply(&dir, "/missing.js", "", &both).status,
            "404 Not Found"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
