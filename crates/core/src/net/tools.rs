//! The networking tools: wget, curl, nslookup, redis-cli, nc. They reach the network
//! through the host's [`NetHost`] side.

use super::{parse_url, HttpRequest, HttpResponse, NetError, NetHost};
use crate::fs::{self, normalize};
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::programs::{args, done, Program};
use crate::shell::System;

/// A run as the networking tools see it: the host with its network.
pub type Ex<'a> = Exec<'a, dyn NetHost + 'a>;

/// A networking tool.
pub type NetFn = for<'a> fn(&mut Ex<'a>, &[String], &Io) -> Flow;

/// wget, curl, nslookup, redis-cli and nc, on the systems that have them.
pub const PROGRAMS: &[Program<NetFn>] = &[
    Program::on(
        "wget",
        &[
            System::Busybox,
            System::Demo,
            System::DebugTools,
            System::Node,
            System::Agnhost,
            System::ServeHostname,
        ],
        |ex, argv, io| wget(ex, args(argv), io),
    ),
    Program::on(
        "curl",
        &[
            System::Nginx,
            System::DebugTools,
            System::Node,
            System::Agnhost,
        ],
        |ex, argv, io| curl(ex, args(argv), io),
    ),
    Program::on(
        "nslookup",
        &[
            System::Busybox,
            System::Demo,
            System::DebugTools,
            System::Agnhost,
            System::ServeHostname,
        ],
        |ex, argv, io| nslookup(ex, args(argv), io),
    ),
    Program::on(
        "redis-cli",
        &[System::Redis, System::DebugTools],
        |ex, argv, io| redis_cli(ex, args(argv), io),
    ),
    Program::on(
        "nc",
        &[
            System::Busybox,
            System::Demo,
            System::DebugTools,
            System::Node,
            System::Agnhost,
            System::ServeHostname,
        ],
        |ex, argv, io| nc(ex, args(argv), io),
    ),
    Program::on("etcdctl", &[System::Etcd], |ex, argv, io| {
        etcdctl(ex, args(argv), io)
    }),
];

/// `etcdctl [--endpoints=URLS] endpoint health`: whether each endpoint answers (the
/// rest of etcdctl is not emulated).
fn etcdctl(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let endpoints = args
        .iter()
        .find_map(|a| a.strip_prefix("--endpoints="))
        .unwrap_or("127.0.0.1:2379")
        .to_string();
    let words: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    if words != ["endpoint", "health"] {
        ex.err(
            io,
            "Error: this emulated etcdctl knows only `etcdctl endpoint health`\n",
        );
        return done(ex, 1);
    }
    let mut healthy = true;
    for ep in endpoints.split(',') {
        let hostport = ep
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let (host, port) = hostport
            .rsplit_once(':')
            .map_or((hostport, 2379), |(h, p)| (h, p.parse().unwrap_or(2379)));
        match ex.host.connect(host, port) {
            Ok(()) => ex.out(
                io,
                &format!("{ep} is healthy: successfully committed proposal: took = 1.718417ms\n"),
            ),
            Err(_) => {
                healthy = false;
                ex.err(
                    io,
                    &format!(
                        "{ep} is unhealthy: failed to commit proposal: context deadline exceeded\n"
                    ),
                );
            }
        }
    }
    if healthy {
        return done(ex, 0);
    }
    ex.err(io, "Error: unhealthy cluster\n");
    done(ex, 1)
}

fn http_error(prog: &str, e: &NetError) -> (String, i32) {
    if prog == "curl" {
        return super::curl_error(e);
    }
    match e {
        NetError::Refused { host, .. } => (
            format!("wget: can't connect to remote host ({host}): Connection refused\n"),
            1,
        ),
        NetError::Timeout { host, .. } => (
            format!("wget: can't connect to remote host ({host}): Connection timed out\n"),
            1,
        ),
        NetError::Unresolved(h) => (format!("wget: bad address '{h}'\n"), 1),
        NetError::BadUrl(u) => (format!("wget: not an http or ftp url: {u}\n"), 1),
        NetError::Closed => (
            "wget: error getting response: Connection reset by peer\n".into(),
            1,
        ),
    }
}

fn request(ex: &mut Ex, url: &str, agent: &str) -> Result<HttpResponse, NetError> {
    let u = parse_url(url)?;
    ex.host.http(&HttpRequest {
        method: "GET".into(),
        host: u.host,
        port: u.port,
        path: u.path,
        user_agent: agent.into(),
    })
}

/// The shell's side of curl: requests from the process's network namespace, `-o`
/// files in its file system.
struct ShellTransport<'e, 'a> {
    ex: &'e mut Ex<'a>,
}

impl super::curl::Transport for ShellTransport<'_, '_> {
    fn send(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.ex.host.http(req)
    }

    fn resolve(&mut self, host: &str) -> Option<String> {
        self.ex.host.resolve(host)
    }

    fn write_file(&mut self, path: &str, data: &[u8]) -> Result<(), super::curl::WriteError> {
        let ex = &mut *self.ex;
        let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
        let path = normalize(&ex.p.cwd, path);
        ex.host
            .fs()
            .write(&view, &path, data, false, user, now)
            .map_err(|e| super::curl::WriteError(e.to_string()))
    }
}

fn curl(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let run = super::curl::run(args, &mut ShellTransport { ex: &mut *ex });
    if !run.stdout.is_empty() {
        let out = io.out.clone();
        ex.write(&out, &run.stdout);
    }
    if !run.stderr.is_empty() {
        ex.err(io, &run.stderr);
    }
    done(ex, run.code)
}

fn wget(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let mut url = None;
    let mut output: Option<String> = None;
    let mut quiet = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-O" => {
                i += 1;
                output = args.get(i).cloned();
            }
            "-q" => quiet = true,
            "-qO-" | "-qO" => {
                quiet = true;
                output = Some(if a == "-qO-" {
                    "-".into()
                } else {
                    args.get(i + 1).cloned().unwrap_or_default()
                });
                if a == "-qO" {
                    i += 1;
                }
            }
            _ if a.starts_with("-O") => output = Some(a[2..].to_string()),
            "-T" | "--timeout" => i += 1,
            _ if a.starts_with('-') => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        ex.err(io, "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [-O FILE] URL...\n");
        return done(ex, 1);
    };
    let shown_host = parse_url(&url)
        .map(|u| {
            if u.port == 80 {
                u.host
            } else {
                format!("{}:{}", u.host, u.port)
            }
        })
        .unwrap_or_default();
    if !quiet {
        ex.err(io, &format!("Connecting to {shown_host} ({shown_host})\n"));
    }
    match request(ex, &url, "Wget") {
        Ok(r) if r.status >= 400 => {
            ex.err(
                io,
                &format!(
                    "wget: server returned error: HTTP/1.1 {} {}\n",
                    r.status, r.reason
                ),
            );
            done(ex, 1)
        }
        Ok(r) => {
            let target = output.unwrap_or_else(|| {
                let p = parse_url(&url).map(|u| u.path).unwrap_or_default();
                let b = fs::base_name(&p).to_string();
                if b == "/" || b.is_empty() {
                    "index.html".into()
                } else {
                    b
                }
            });
            if target == "-" {
                let out = io.out.clone();
                ex.write(&out, &r.body);
            } else {
                let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
                let path = normalize(&ex.p.cwd, &target);
                if let Err(e) = ex.host.fs().write(&view, &path, &r.body, false, user, now) {
                    ex.err(io, &format!("wget: can't open '{target}': {e}\n"));
                    return done(ex, 1);
                }
                if !quiet {
                    ex.err(io, &format!("saving to '{target}'\n{target:<20} 100% |********************************| {:>5}  0:00:00 ETA\n'{target}' saved\n", r.body.len()));
                }
            }
            done(ex, 0)
        }
        Err(e) => {
            let (msg, code) = http_error("wget", &e);
            ex.err(io, &msg);
            done(ex, code)
        }
    }
}

fn nslookup(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let Some(name) = args.first() else {
        return done(ex, 1);
    };
    let server = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n";
    // The resolver's search path (ndots:5): the pod's namespace, `svc`, the cluster
    // domain, then the name as given; the first name that resolves is the answer.
    let ns = ex
        .env_map()
        .get("POD_NAMESPACE")
        .cloned()
        .unwrap_or_else(|| "default".into());
    let absolute = name.ends_with('.') || name.matches('.').count() >= 5;
    let candidates = if absolute {
        vec![name.trim_end_matches('.').to_string()]
    } else {
        vec![
            format!("{name}.{ns}.svc.cluster.local"),
            format!("{name}.svc.cluster.local"),
            format!("{name}.cluster.local"),
            name.clone(),
        ]
    };
    let answer = candidates
        .into_iter()
        .find_map(|fqdn| ex.host.resolve(&fqdn).map(|ip| (fqdn, ip)));
    match answer {
        Some((fqdn, ip)) => {
            ex.out(io, &format!("{server}Name:\t{fqdn}\nAddress: {ip}\n\n"));
            done(ex, 0)
        }
        None => {
            ex.out(
                io,
                &format!("{server}** server can't find {name}: NXDOMAIN\n\n"),
            );
            done(ex, 1)
        }
    }
}

fn redis_cli(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 6379;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-h" => {
                host = args.get(i + 1).cloned().unwrap_or_default();
                i += 2;
            }
            "-p" => {
                port = args.get(i + 1).and_then(|p| p.parse().ok()).unwrap_or(0);
                i += 2;
            }
            _ => break,
        }
    }
    let cmd = &args[i..];
    if cmd.is_empty() {
        // Commands from stdin, one a line (`echo 'GET k' | redis-cli`).
        let Some(input) = io.input.clone() else {
            ex.err(io, "podlab: interactive redis-cli is not emulated; pass the command, e.g. redis-cli GET key\n");
            return done(ex, 1);
        };
        let text = String::from_utf8_lossy(&input).into_owned();
        let mut code = 0;
        for line in text.lines() {
            let words: Vec<String> = line.split_whitespace().map(String::from).collect();
            if !words.is_empty() {
                let mut argv = args[..i].to_vec();
                argv.extend(words);
                redis_cli(ex, &argv, io);
                code = ex.p.status();
            }
        }
        return done(ex, code);
    }
    match ex.host.redis(&host, port, cmd) {
        Ok(reply) => {
            let text = reply.to_cli(ex.interactive());
            ex.out(io, &format!("{text}\n"));
            done(ex, 0)
        }
        Err(NetError::Closed) => {
            ex.err(io, "Error: Server closed the connection\n");
            done(ex, 1)
        }
        Err(NetError::Unresolved(h)) => {
            ex.err(
                io,
                &format!("Could not connect to Redis at {h}:{port}: Name or service not known\n"),
            );
            done(ex, 1)
        }
        Err(_) => {
            ex.err(
                io,
                &format!("Could not connect to Redis at {host}:{port}: Connection refused\n"),
            );
            done(ex, 1)
        }
    }
}

/// `nc [-v] [-z] [-w SECS] HOST PORT`: connects, sends what stdin holds, prints what the
/// server answers. The servers here speak HTTP (a request written by hand gets the raw
/// response) or redis (inline commands get RESP replies); `-z` only checks that
/// something listens. Busybox's wording in containers, OpenBSD netcat's on nodes.
fn nc(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let openbsd = matches!(ex.p.system, System::Node | System::Agnhost);
    let (mut zero, mut verbose) = (false, false);
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-w" | "-q" | "-i" => i += 1,
            _ if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        'z' => zero = true,
                        'v' => verbose = true,
                        'n' | 'N' => {}
                        _ => {
                            let msg = if openbsd {
                                format!("nc: invalid option -- '{c}'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n")
                            } else {
                                format!("nc: invalid option -- '{c}'\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n")
                            };
                            ex.err(io, &msg);
                            return done(ex, 1);
                        }
                    }
                }
            }
            _ => positional.push(a.to_string()),
        }
        i += 1;
    }
    let (Some(host), Some(port_text)) = (positional.first(), positional.get(1)) else {
        let msg = if openbsd {
            "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n"
        } else {
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n"
        };
        ex.err(io, msg);
        return done(ex, 1);
    };
    let Ok(port) = port_text.parse::<u16>() else {
        let msg = if openbsd {
            format!("nc: port number invalid: {port_text}\n")
        } else {
            format!("nc: bad port '{port_text}'\n")
        };
        ex.err(io, &msg);
        return done(ex, 1);
    };
    let Some(ip) = ex.host.resolve(host) else {
        let msg = if openbsd {
            format!("nc: getaddrinfo for host \"{host}\" port {port}: Name or service not known\n")
        } else {
            format!("nc: bad address '{host}'\n")
        };
        ex.err(io, &msg);
        return done(ex, 1);
    };
    if let Err(e) = ex.host.connect(host, port) {
        let why = match e {
            NetError::Timeout { .. } => "Connection timed out",
            _ => "Connection refused",
        };
        let msg = if openbsd {
            format!("nc: connect to {host} port {port} (tcp) failed: {why}\n")
        } else {
            format!("nc: can't connect to remote host ({ip}): {why}\n")
        };
        ex.err(io, &msg);
        return done(ex, 1);
    }
    if verbose {
        let msg = if openbsd {
            format!("Connection to {host} {port} port [tcp/*] succeeded!\n")
        } else {
            format!("{host} ({ip}:{port}) open\n")
        };
        ex.err(io, &msg);
    }
    let input = io.input.clone().unwrap_or_default();
    if zero || input.is_empty() {
        return done(ex, 0);
    }
    let text = String::from_utf8_lossy(&input).into_owned();
    let first = text.lines().next().unwrap_or_default();
    let mut words = first.split_whitespace();
    let is_http = matches!(
        (words.next(), words.next(), words.next()),
        (Some(m), Some(path), Some(v)) if m.chars().all(|c| c.is_ascii_uppercase())
            && path.starts_with('/')
            && v.starts_with("HTTP/")
    );
    if is_http {
        let mut parts = first.split_whitespace();
        let method = parts.next().unwrap_or("GET").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let user_agent = text
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("user-agent")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_default();
        let req = HttpRequest {
            method,
            host: host.clone(),
            port,
            path,
            user_agent,
        };
        return match ex.host.http(&req) {
            Ok(r) => {
                let mut raw = format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).into_bytes();
                for (k, v) in &r.headers {
                    raw.extend(format!("{k}: {v}\r\n").into_bytes());
                }
                raw.extend(b"\r\n");
                raw.extend(&r.body);
                let out = io.out.clone();
                ex.write(&out, &raw);
                done(ex, 0)
            }
            // Accepted, then closed without an answer.
            Err(_) => done(ex, 0),
        };
    }
    // Anything else is taken as redis's inline commands, a line each.
    for line in text.lines() {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        if words.is_empty() {
            continue;
        }
        match ex.host.redis(host, port, &words) {
            Ok(reply) => ex.out(io, &reply.to_resp()),
            // Not a redis server: it closes the connection without an answer.
            Err(_) => break,
        }
    }
    done(ex, 0)
}
