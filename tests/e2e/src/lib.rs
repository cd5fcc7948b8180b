//! End-to-end harness: serves the release `dist/` on 127.0.0.1, starts ChromeDriver and
//! drives real headless Chromium over WebDriver. Every session collects the browser's
//! console log; any SEVERE entry (a console error, an uncaught exception, a wasm panic)
//! fails the test.

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// The dist directory given by `PODLAB_DIST` (set by `cargo xtask test`).
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("PODLAB_DIST").map(PathBuf::from).unwrap_or_else(|| {
        panic!("PODLAB_DIST is not set: run the end-to-end tests through `cargo xtask test`, which builds the release dist first")
    });
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `cargo xtask test` (it runs `trunk build --release` first)",
        dist.display()
    );
    dist
}

/// Where screenshots go: `<workspace>/target/e2e/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

/// A static file server for the dist on a free loopback port, in a background thread.
pub struct StaticServer {
    pub url: String,
}

/// How the static server sends a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// As it is, as a plain static server does.
    Identity,
    /// `FILE.gz` of the release dist, with `Content-Encoding: gzip`.
    Gzip,
    /// `FILE.br` of the release dist, with `Content-Encoding: br`.
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` token and the precompressed file's suffix.
    fn token_and_suffix(self) -> Option<(&'static str, &'static str)> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some(("gzip", ".gz")),
            Encoding::Brotli => Some(("br", ".br")),
        }
    }
}

impl StaticServer {
    pub fn start(root: PathBuf) -> StaticServer {
        StaticServer::with_encoding(root, Encoding::Identity)
    }

    /// Sends each file's precompressed copy in `encoding` when there is one and the
    /// request accepts it, else the file itself.
    pub fn with_encoding(root: PathBuf, encoding: Encoding) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}/", listener.local_addr().expect("local addr"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &root, encoding);
                });
            }
        });
        StaticServer { url }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn serve_one(mut stream: TcpStream, root: &Path, encoding: Encoding) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut accepted = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("accept-encoding") {
                accepted = v.trim().to_ascii_lowercase();
            }
        }
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.contains("..") {
        root.join("index.html")
    } else {
        root.join(rel)
    };
    // The precompressed copy, when the request accepts its encoding and it exists.
    let compressed = encoding
        .token_and_suffix()
        .filter(|(token, _)| accepted.split(',').any(|a| a.trim() == *token))
        .and_then(|(token, suffix)| {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            std::fs::read(path).ok().map(|body| (token, body))
        });
    let (content_encoding, body) = match compressed {
        Some((token, body)) => (format!("Content-Encoding: {token}\r\n"), Ok(body)),
        None => (String::new(), std::fs::read(&file)),
    };
    match body {
        Ok(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\n{content_encoding}Vary: Accept-Encoding\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content_type(&file),
                body.len()
            )?;
            stream.write_all(&body)
        }
        Err(_) => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// A ChromeDriver process on a free port, killed on drop.
pub struct ChromeDriver {
    child: Child,
    pub url: String,
}

impl ChromeDriver {
    /// Starts ChromeDriver on a free port. Another test may take the same port between
    /// our probe and ChromeDriver's bind, so a driver that exits or does not answer
    /// `/status` as ChromeDriver is retried on a new port.
    pub fn start() -> ChromeDriver {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        for _attempt in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let mut child = Command::new(&program)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot start {program}: {e} (run `cargo xtask setup`)")
                });
            let deadline = Instant::now() + WAIT;
            loop {
                if child.try_wait().ok().flatten().is_some() {
                    break; // exited: most likely the port was taken
                }
                if status_ready(port) {
                    return ChromeDriver {
                        child,
                        url: format!("http://127.0.0.1:{port}"),
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("{program} did not start and answer /status after 5 attempts");
    }
}

/// Whether ChromeDriver on `port` answers `GET /status` with `"ready": true`.
fn status_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut body = String::new();
    let _ = std::io::Read::read_to_string(&mut stream, &mut body);
    body.contains("\"ready\":true") || body.contains("\"ready\": true")
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ChromeDriver's log endpoint (`POST /session/{id}/se/log`).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// One browser session against the served dist.
pub struct Session {
    pub client: Client,
    pub app_url: String,
    _server: StaticServer,
    _driver: ChromeDriver,
    _profile: TempDir,
}

/// A directory removed on drop.
pub struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new headless Chromium with its own profile directory (removed on drop), driven
/// through `driver`.
pub async fn browser(driver: &ChromeDriver, name: &str) -> (Client, TempDir) {
    let profile = std::env::temp_dir().join(format!("podlab-e2e-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&profile).expect("profile dir");
    let mut options = serde_json::json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--window-size=1400,900",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if Path::new("/usr/bin/chromium").is_file() {
        options["binary"] = "/usr/bin/chromium".into();
    }
    let mut caps = Capabilities::new();
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({ "browser": "ALL" }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium");
    (client, TempDir(profile))
}

/// A Chrome DevTools Protocol command sent through ChromeDriver
/// (`POST /session/{id}/goog/cdp/execute`): network throttling, the cache, storage.
#[derive(Debug)]
pub struct Cdp(pub &'static str, pub serde_json::Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.0, "params": self.1 });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Session {
    /// Serves the dist, opens headless Chromium on it and waits for the app.
    pub async fn open(name: &str) -> Session {
        let session = Session::blank(name, Encoding::Identity).await;
        session
            .client
            .goto(&session.app_url)
            .await
            .expect("open the app");
        session.wait_for("[data-node='k8s-worker-01']").await;
        session
    }

    /// Serves the dist (its files in `encoding` where it has them) and opens headless
    /// Chromium on a blank page: the test prepares the browser, then opens `app_url`.
    pub async fn blank(name: &str, encoding: Encoding) -> Session {
        let server = StaticServer::with_encoding(dist_dir(), encoding);
        let driver = ChromeDriver::start();
        let (client, profile) = browser(&driver, name).await;
        Session {
            client,
            app_url: server.url.clone(),
            _server: server,
            _driver: driver,
            _profile: profile,
        }
    }

    /// A DevTools protocol command (network throttling, blocked URLs, scripts run
    /// before the page's own).
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp(cmd, params))
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waited {WAIT:?} for `{css}`: {e}"))
    }

    /// Polls `check` (a JS expression returning a boolean) until it is true.
    pub async fn wait_until(&self, what: &str, check: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self
                .client
                .execute(&format!("return !!({check});"), vec![])
                .await
                .expect("execute script");
            if v.as_bool() == Some(true) {
                return;
            }
            assert!(Instant::now() < deadline, "waited {WAIT:?} for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replaces the editor's text by typing it, as a person would.
    pub async fn type_manifest(&self, text: &str) {
        // WebDriver key codes: Control, 'a', release modifiers (NULL), Backspace.
        const SELECT_ALL_AND_DELETE: &str = "\u{E009}a\u{E000}\u{E003}";
        let editor = self.wait_for("textarea[data-editor]").await;
        editor.click().await.expect("focus the editor");
        editor
            .send_keys(SELECT_ALL_AND_DELETE)
            .await
            .expect("select all and delete");
        editor.send_keys(text).await.expect("type into the editor");
    }

    pub async fn apply(&self) {
        self.wait_for("button[data-action='apply']")
            .await
            .click()
            .await
            .expect("click Apply");
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// The SEVERE entries of the browser console so far.
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("read the browser console log");
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Fails on any console error, then closes the browser.
    pub async fn finish(self) {
        let errors = self.console_errors().await;
        let _ = self.client.close().await;
        assert!(
            errors.is_empty(),
            "the browser console has errors:\n{}",
            errors.join("\n")
        );
    }
}
