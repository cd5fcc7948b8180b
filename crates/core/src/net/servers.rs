//! The emulated servers: nginx (static files with its real error pages and log lines),
//! the chapter's demo-tea / demo-coffee apps, and redis.

use super::{HttpRequest, HttpResponse};
use crate::clock::SimTime;
use crate::fs::{normalize, Filesystems, View};
use std::collections::BTreeMap;

pub const NGINX_VERSION: &str = "1.29.3";

fn nginx_page(status: u16) -> Vec<u8> {
    let title = format!("{status} {}", super::reason(status));
    format!("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n").into_bytes()
}

fn time_local(now: SimTime) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%d/%b/%Y:%H:%M:%S +0000", now.to_time().0)
        .unwrap_or_default()
}

fn time_error(now: SimTime) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", now.to_time().0)
        .unwrap_or_default()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// What a server did with a request: the response and the lines it logged.
pub struct Served {
    pub response: HttpResponse,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

fn decode_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let b = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// nginx with the image's default server: root /usr/share/nginx/html, index
/// index.html, no autoindex. `client` is the address nginx sees.
pub fn nginx(
    fs: &Filesystems,
    view: &View,
    req: &HttpRequest,
    client: &str,
    now: SimTime,
) -> Served {
    const ROOT: &str = "/usr/share/nginx/html";
    let path = decode_path(&req.path);
    let file = normalize(ROOT, path.trim_start_matches('/'));
    let host = if req.port == 80 {
        req.host.clone()
    } else {
        format!("{}:{}", req.host, req.port)
    };
    let request_line = format!("{} {} HTTP/1.1", req.method, req.path);
    let mut error = None;
    let response = if req.method != "GET" && req.method != "HEAD" {
        HttpResponse::new(405, "text/html", nginx_page(405))
    } else {
        match fs.stat(view, &file) {
            Ok(st) if st.is_dir && !path.ends_with('/') => {
                let mut r = HttpResponse::new(301, "text/html", nginx_page(301));
                r.headers
                    .push(("Location".into(), format!("http://{host}{path}/")));
                r
            }
            Ok(st) if st.is_dir => {
                let index = normalize(&file, "index.html");
                match fs.read(view, &index) {
                    Ok(d) => HttpResponse::new(200, "text/html", d.to_vec()),
                    Err(_) => {
                        error = Some(format!("directory index of \"{file}/\" is forbidden"));
                        HttpResponse::new(403, "text/html", nginx_page(403))
                    }
                }
            }
            Ok(st) if st.mode & 0o004 == 0 && st.uid != 101 => {
                error = Some(format!("open() \"{file}\" failed (13: Permission denied)"));
                HttpResponse::new(403, "text/html", nginx_page(403))
            }
            Ok(_) => match fs.read(view, &file) {
                Ok(d) => HttpResponse::new(200, content_type(&file), d.to_vec()),
                Err(_) => HttpResponse::new(404, "text/html", nginx_page(404)),
            },
            Err(e) => {
                let code = if e == crate::fs::Errno::NotDir { 20 } else { 2 };
                error = Some(format!("open() \"{file}\" failed ({code}: {e})"));
                HttpResponse::new(404, "text/html", nginx_page(404))
            }
        }
    };
    let mut response = response;
    response
        .headers
        .insert(0, ("Server".into(), format!("nginx/{NGINX_VERSION}")));
    let access = format!(
        "{client} - - [{}] \"{request_line}\" {} {} \"-\" \"{}\" \"-\"\n",
        time_local(now),
        response.status,
        response.body.len(),
        req.user_agent
    );
    let stderr = error.map(|e| {
        format!(
            "{} [error] 29#29: *1 {e}, client: {client}, server: localhost, request: \"{request_line}\", host: \"{host}\"\n",
            time_error(now)
        )
    });
    Served {
        response,
        stdout: Some(access),
        stderr,
    }
}

/// ansilh/demo-tea and demo-coffee: every path answers `Node:$MY_NODE_NAME`.
pub fn demo(env: &BTreeMap<String, String>) -> Served {
    let node = env.get("MY_NODE_NAME").cloned().unwrap_or_default();
    Served {
        response: HttpResponse::new(
            200,
            "text/html; charset=utf-8",
            format!("Node:{node}").into_bytes(),
        ),
        stdout: None,
        stderr: None,
    }
}

/// A redis reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Bulk(Option<String>),
    Int(i64),
    Array(Vec<String>),
    Error(String),
}

impl Reply {
    /// The reply as redis sends it on the wire (RESP2): what `nc` shows.
    pub fn to_resp(&self) -> String {
        let bulk = |v: &str| format!("${}\r\n{v}\r\n", v.len());
        match self {
            Reply::Status(s) => format!("+{s}\r\n"),
            Reply::Error(e) => format!("-{e}\r\n"),
            Reply::Int(n) => format!(":{n}\r\n"),
            Reply::Bulk(Some(v)) => bulk(v),
            Reply::Bulk(None) => "$-1\r\n".into(),
            Reply::Array(v) => {
                let items: String = v.iter().map(|s| bulk(s)).collect();
                format!("*{}\r\n{items}", v.len())
            }
        }
    }

    /// As redis-cli prints it on a terminal (`"v"`, `(integer) 1`, `(nil)`).
    pub fn to_cli(&self, tty: bool) -> String {
        match self {
            Reply::Status(s) => s.clone(),
            Reply::Bulk(Some(v)) if tty => format!("{v:?}"),
            Reply::Bulk(Some(v)) => v.clone(),
            Reply::Bulk(None) if tty => "(nil)".into(),
            Reply::Bulk(None) => String::new(),
            Reply::Int(n) if tty => format!("(integer) {n}"),
            Reply::Int(n) => n.to_string(),
            Reply::Array(v) if v.is_empty() && tty => "(empty array)".into(),
            Reply::Array(v) if tty => v
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}) {s:?}", i + 1))
                .collect::<Vec<_>>()
                .join("\n"),
            Reply::Array(v) => v.join("\n"),
            Reply::Error(e) => format!("(error) {e}"),
        }
    }
}

/// One redis command against a data set.
pub fn redis(data: &mut BTreeMap<String, String>, args: &[String]) -> Reply {
    let Some(cmd) = args.first() else {
        return Reply::Error("ERR empty command".into());
    };
    let cmd = cmd.to_ascii_uppercase();
    let wrong = || {
        Reply::Error(format!(
            "ERR wrong number of arguments for '{}' command",
            cmd.to_ascii_lowercase()
        ))
    };
    match (cmd.as_str(), args.len()) {
        ("PING", 1) => Reply::Status("PONG".into()),
        ("PING", 2) => Reply::Bulk(Some(args[1].clone())),
        ("SET", 3) => {
            if data.len() >= 100_000 && !data.contains_key(&args[1]) {
                return Reply::Error(
                    "OOM command not allowed when used memory > 'maxmemory'.".into(),
                );
            }
            data.insert(args[1].clone(), args[2].clone());
            Reply::Status("OK".into())
        }
        ("GET", 2) => Reply::Bulk(data.get(&args[1]).cloned()),
        ("DEL", n) if n >= 2 => Reply::Int(
            args[1..]
                .iter()
                .filter(|k| data.remove(*k).is_some())
                .count() as i64,
        ),
        ("EXISTS", n) if n >= 2 => {
            Reply::Int(args[1..].iter().filter(|k| data.contains_key(*k)).count() as i64)
        }
        ("INCR", 2) => {
            let v = data.get(&args[1]).map_or(Ok(0), |v| v.parse::<i64>());
            match v {
                Ok(v) => {
                    let n = v.saturating_add(1);
                    data.insert(args[1].clone(), n.to_string());
                    Reply::Int(n)
                }
                Err(_) => Reply::Error("ERR value is not an integer or out of range".into()),
            }
        }
        ("KEYS", 2) => Reply::Array(
            data.keys()
                .filter(|k| crate::shell::pattern::glob_match(&args[1], k))
                .cloned()
                .collect(),
        ),
        ("DBSIZE", 1) => Reply::Int(data.len() as i64),
        ("FLUSHALL" | "FLUSHDB", 1) => {
            data.clear();
            Reply::Status("OK".into())
        }
        (
            "PING" | "SET" | "GET" | "DEL" | "EXISTS" | "INCR" | "KEYS" | "DBSIZE" | "FLUSHALL"
            | "FLUSHDB",
            _,
        ) => wrong(),
        _ => Reply::Error(format!(
            "ERR unknown command '{}', with args beginning with: {}",
            args[0],
            args[1..]
                .iter()
                .map(|a| format!("'{a}' "))
                .collect::<String>()
        )),
    }
}

/// busybox httpd serving `root`: index.html for directories, its own 404 page.
pub fn static_files(fs: &Filesystems, view: &View, root: &str, req: &HttpRequest) -> Served {
    let path = decode_path(&req.path);
    let mut file = normalize(root, path.trim_start_matches('/'));
    if fs.stat(view, &file).is_ok_and(|s| s.is_dir) {
        file = normalize(&file, "index.html");
    }
    let response = match fs.read(view, &file) {
        Ok(d) => HttpResponse::new(200, content_type(&file), d.to_vec()),
        Err(_) => HttpResponse::new(
            404,
            "text/html",
            b"<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n".to_vec(),
        ),
    };
    Served {
        response,
        stdout: None,
        stderr: None,
    }
}

/// The query parameters of a path, decoded as Go's `FormValue` reads them (`+` is a
/// space).
pub fn query(path: &str) -> Vec<(String, String)> {
    let Some((_, q)) = path.split_once('?') else {
        return Vec::new();
    };
    let q = q.split('#').next().unwrap_or("");
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let d = |s: &str| decode_path(&s.replace('+', " "));
            (d(k), d(v))
        })
        .collect()
}

/// The first value of query parameter `name` (empty when absent, as `FormValue`).
fn param(path: &str, name: &str) -> String {
    query(path)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The request's path without its query.
fn route(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or("/")
}

/// Go's `time.Duration` as `String()` prints it (`10.5s`, `1m2s`, `250ms`).
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut secs = s.to_string();
    if frac > 0 {
        secs.push_str(format!(".{frac:03}").trim_end_matches('0'));
    }
    match (h, m) {
        (0, 0) => format!("{secs}s"),
        (0, m) => format!("{m}m{secs}s"),
        (h, m) => format!("{h}h{m}m{secs}s"),
    }
}

/// A Go `log.Printf` line: `2006/01/02 15:04:05 msg`.
fn go_log(now: SimTime, msg: &str) -> String {
    format!("{} {msg}\n", time_error(now))
}

/// Go net/http's text answer (`text/plain; charset=utf-8`).
fn go_text(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

/// Go's `http.Redirect` for a GET: the Location and a small HTML body.
fn go_redirect(location: &str, code: u16) -> HttpResponse {
    let body = format!("<a href=\"{location}\">{}</a>.\n\n", super::reason(code));
    let mut r = HttpResponse::new(code, "text/html; charset=utf-8", body.into_bytes());
    r.headers
        .insert(0, ("Location".into(), location.to_string()));
    r
}

/// Go's `http.NotFound` (what a ServeMux answers for a path nothing handles).
fn go_not_found() -> HttpResponse {
    go_text(404, "404 page not found\n")
}

fn served(response: HttpResponse, stderr: Option<String>) -> Served {
    Served {
        response,
        stdout: None,
        stderr,
    }
}

/// `agnhost liveness`: `/healthz` is `ok` for the first 10 seconds after the server
/// started, then 500 `error: <seconds>`; `/started` tells how long ago it started;
/// `/redirect?loc=` redirects (302).
pub fn liveness(req: &HttpRequest, started: SimTime, now: SimTime) -> Served {
    let ms = now.0.saturating_sub(started.0);
    let response = match route(&req.path) {
        "/healthz" if ms > 10_000 => go_text(500, &format!("error: {}", ms as f64 / 1000.0)),
        "/healthz" => go_text(200, "ok"),
        "/started" => go_text(200, &go_duration(ms)),
        "/redirect" => go_redirect(&param(&req.path, "loc"), 302),
        _ => go_not_found(),
    };
    served(response, None)
}

/// What `agnhost netexec` does with a request besides answering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Keeps serving.
    Serve,
    /// The process exits with this status after answering.
    Exit(i32),
    /// The process exits with this status before answering (the client sees the
    /// connection close).
    ExitNow(i32),
}

/// The client address as Go's `Request.RemoteAddr` has it: `ip:port`, with an
/// ephemeral port.
pub fn remote_addr(client: &str, now: SimTime) -> String {
    format!("{client}:{}", 32768 + now.0 % 28_000)
}

/// `agnhost netexec`'s HTTP endpoints: `/` (the time), `/clientip`, `/echo?msg=&code=`,
/// `/exit?code=&timeout=&wait=`, `/healthz`, `/hostname` (`/hostName`), `/redirect`,
/// `/shutdown`. Logs each request to stderr as the real one does.
pub fn netexec(
    req: &HttpRequest,
    hostname: &str,
    client: &str,
    udp: bool,
    started: SimTime,
    now: SimTime,
) -> (Served, Then) {
    let p = |n: &str| param(&req.path, n);
    let log = |m: &str| Some(go_log(now, m));
    let ok = |body: &str| go_text(200, body);
    let (response, stderr, then) = match route(&req.path) {
        "/clientip" => (
            ok(&remote_addr(client, now)),
            log("GET /clientip"),
            Then::Serve,
        ),
        "/echo" => {
            let (msg, code) = (p("msg"), p("code"));
            let line = log(&format!("GET /echo?msg={msg}&code={code}"));
            if code.is_empty() {
                (ok(&msg), line, Then::Serve)
            } else {
                match code.parse::<u16>() {
                    Ok(c) if (100..600).contains(&c) => (go_text(c, &msg), line, Then::Serve),
                    _ => (
                        ok(&format!(
                            "argument 'code' must be an integer or empty, got {code:?}\n"
                        )),
                        line,
                        Then::Serve,
                    ),
                }
            }
        }
        "/exit" => {
            let (code, timeout, wait) = (p("code"), p("timeout"), p("wait"));
            let mut line = format!("GET /exit?code={code}&timeout={timeout}&wait={wait}");
            // Go wants a unit on every duration but 0.
            let dur = |s: &str| match s.parse::<u64>() {
                Ok(0) => Some(0),
                Ok(_) => None,
                Err(_) => crate::clock::parse_duration(s).ok(),
            };
            let bad = |what: &str, v: &str| {
                format!("argument '{what}' must be a valid golang duration or empty, got {v:?}\n")
            };
            if !timeout.is_empty() && dur(&timeout).is_none() {
                (ok(&bad("timeout", &timeout)), log(&line), Then::Serve)
            } else if !wait.is_empty() && dur(&wait).is_none() {
                (ok(&bad("wait", &wait)), log(&line), Then::Serve)
            } else {
                match (code.is_empty(), code.parse::<i32>()) {
                    (false, Err(_)) => (
                        ok(&format!(
                            "argument 'code' must be an integer [0-127] or empty, got {code:?}\n"
                        )),
                        log(&line),
                        Then::Serve,
                    ),
                    (_, c) => {
                        let c = c.unwrap_or(0);
                        let t = dur(&timeout).unwrap_or(0);
                        line.push_str(&format!(
                            "\n{} Will begin shutdown in {}, allowing {} for connections to close, then will exit with {c}",
                            time_error(now),
                            go_duration(dur(&wait).unwrap_or(0)),
                            go_duration(t)
                        ));
                        let then = if t == 0 {
                            Then::ExitNow(c)
                        } else {
                            Then::Exit(c)
                        };
                        (ok(""), log(&line), then)
                    }
                }
            }
        }
        "/healthz" if udp => (ok(""), log("GET /healthz"), Then::Serve),
        // Ready only once the UDP server runs: never, with `--udp-port -1`.
        "/healthz" => (go_text(412, ""), log("GET /healthz"), Then::Serve),
        "/hostname" => (ok(hostname), log("GET /hostname"), Then::Serve),
        "/hostName" => (ok(hostname), log("GET /hostName"), Then::Serve),
        "/redirect" => {
            let (loc, code) = (p("location"), p("code"));
            let line = log(&format!("{} /redirect?msg={loc}&code={code}", req.method));
            match code.parse::<u16>() {
                _ if code.is_empty() => (go_redirect(&loc, 302), line, Then::Serve),
                Ok(c) if (300..400).contains(&c) => (go_redirect(&loc, c), line, Then::Serve),
                _ => (
                    ok(&format!(
                        "argument 'code' must be an integer or empty, got {code:?}\n"
                    )),
                    line,
                    Then::Serve,
                ),
            }
        }
        "/shutdown" => (ok(""), log("GET /shutdown"), Then::ExitNow(0)),
        _ => {
            let ms = now.0.saturating_sub(started.0);
            let t = k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%d %H:%M:%S", now.to_time().0)
                .unwrap_or_default();
            let frac = now.0 % 1000;
            let frac = if frac == 0 {
                String::new()
            } else {
                format!(".{frac:03}").trim_end_matches('0').to_string()
            };
            let body = format!(
                "NOW: {t}{frac} +0000 UTC m=+{}.{:03}000000",
                ms / 1000,
                ms % 1000
            );
            (ok(&body), log("GET /"), Then::Serve)
        }
    };
    (served(response, stderr), then)
}

/// `agnhost grpc-health-checking`'s HTTP side: `/make-not-serving` and
/// `/make-serving` force the health status (the new `forced`), answering how long
/// ago the server started.
pub fn grpc_health_http(
    req: &HttpRequest,
    started: SimTime,
    now: SimTime,
) -> (Served, Option<bool>) {
    let since = go_duration(now.0.saturating_sub(started.0));
    match route(&req.path) {
        "/make-not-serving" => (
            served(go_text(200, &since), Some(go_log(now, "Mark as unhealthy"))),
            Some(true),
        ),
        "/make-serving" => (
            served(go_text(200, &since), Some(go_log(now, "Mark as healthy"))),
            Some(false),
        ),
        _ => (served(go_not_found(), None), None),
    }
}

/// `agnhost serve-hostname`: every path answers the hostname.
pub fn serve_hostname(hostname: &str, client: &str, now: SimTime) -> Served {
    let line = go_log(
        now,
        &format!("HTTP request from {}", remote_addr(client, now)),
    );
    served(go_text(200, hostname), Some(line))
}

/// goproxy: a request that is not a proxy request (not in absolute form) gets its
/// NonproxyHandler's 500.
pub fn goproxy() -> Served {
    let mut r = go_text(
        500,
        "This is a proxy server. Does not respond to non-proxy requests.\n",
    );
    r.headers
        .push(("X-Content-Type-Options".into(), "nosniff".into()));
    served(r, None)
}

/// goproxy's answer when it cannot fetch a proxied URL: 500 with Go's dial error.
pub fn goproxy_error(e: &super::NetError) -> HttpResponse {
    use super::NetError;
    let why = match e {
        NetError::Refused { host, port } => {
            format!("dial tcp {host}:{port}: connect: connection refused")
        }
        NetError::Timeout { host, port } => format!("dial tcp {host}:{port}: i/o timeout"),
        NetError::Unresolved(h) => format!("dial tcp: lookup {h} on 10.96.0.10:53: no such host"),
        NetError::BadUrl(u) => format!("unsupported protocol scheme in {u:?}"),
        NetError::Closed => "EOF".into(),
    };
    let mut r = go_text(500, &format!("{why}\n"));
    r.headers
        .push(("X-Content-Type-Options".into(), "nosniff".into()));
    r
}

/// etcd's HTTP endpoints on its client port: `/health`, `/version`.
pub fn etcd(req: &HttpRequest) -> Served {
    let json = |s: &str| HttpResponse::new(200, "application/json", s.as_bytes().to_vec());
    let response = match route(&req.path) {
        "/health" => json("{\"health\":\"true\",\"reason\":\"\"}"),
        "/version" => json("{\"etcdserver\":\"3.5.1\",\"etcdcluster\":\"3.5.0\"}"),
        _ => go_not_found(),
    };
    served(response, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            host: "10.244.1.2".into(),
            port: 8080,
            path: path.into(),
            user_agent: "curl/8.5.0".into(),
        }
    }

    fn body(s: &Served) -> (u16, String) {
        (
            s.response.status,
            String::from_utf8_lossy(&s.response.body).into_owned(),
        )
    }

    #[test]
    fn liveness_is_healthy_for_ten_seconds() {
        let started = SimTime(5_000);
        let at = |ms: u64| body(&liveness(&get("/healthz"), started, SimTime(5_000 + ms)));
        assert_eq!(at(0), (200, "ok".into()));
        assert_eq!(at(10_000), (200, "ok".into()));
        assert_eq!(at(10_001), (500, "error: 10.001".into()));
        assert_eq!(at(25_000), (500, "error: 25".into()));
        let s = liveness(&get("/started"), started, SimTime(67_500));
        assert_eq!(body(&s), (200, "1m2.5s".into()));
        let r = liveness(&get("/redirect?loc=%2Fhealthz"), started, SimTime(0));
        assert_eq!(r.response.status, 302);
        assert!(r
            .response
            .headers
            .contains(&("Location".into(), "/healthz".into())));
        assert_eq!(
            body(&liveness(&get("/nope"), started, SimTime(0))),
            (404, "404 page not found\n".into())
        );
    }

    #[test]
    fn netexec_endpoints() {
        let run = |path: &str, udp: bool| {
            let (s, then) = netexec(
                &get(path),
                "netexec",
                "10.244.2.3",
                udp,
                SimTime(0),
                SimTime(1_000),
            );
            (body(&s), then)
        };
        assert_eq!(
            run("/hostname", true),
            ((200, "netexec".into()), Then::Serve)
        );
        assert_eq!(
            run("/echo?msg=hello+world%21", true).0,
            (200, "hello world!".into())
        );
        assert_eq!(run("/echo?msg=gone&code=410", true).0 .0, 410);
        assert_eq!(run("/clientip", true).0 .1, "10.244.2.3:33768");
        assert_eq!(run("/healthz", true).0 .0, 200);
        assert_eq!(run("/healthz", false).0 .0, 412);
        assert_eq!(run("/exit?code=3", true).1, Then::ExitNow(3));
        assert_eq!(run("/exit?code=4&timeout=5s", true).1, Then::Exit(4));
        assert_eq!(run("/exit", true).1, Then::ExitNow(0));
        assert_eq!(
            run("/exit?code=x", true),
            (
                (
                    200,
                    "argument 'code' must be an integer [0-127] or empty, got \"x\"\n".into()
                ),
                Then::Serve
            )
        );
        assert_eq!(run("/exit?timeout=5", true).1, Then::Serve);
        assert_eq!(
            run("/", true).0 .1,
            "NOW: 2026-01-05 09:00:01 +0000 UTC m=+1.000000000"
        );
    }

    #[test]
    fn go_durations() {
        for (ms, text) in [
            (0, "0s"),
            (500, "500ms"),
            (1_000, "1s"),
            (1_500, "1.5s"),
            (10_250, "10.25s"),
            (62_000, "1m2s"),
            (3_723_000, "1h2m3s"),
        ] {
            assert_eq!(go_duration(ms), text);
        }
    }
}
