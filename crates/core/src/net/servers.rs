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
