//! The Kubernetes docs' test images as programs: `/agnhost` (registry.k8s.io/e2e-test-
//! images/agnhost) with its `liveness`, `netexec`, `serve-hostname` and `pause`
//! subcommands, `/goproxy` (registry.k8s.io/goproxy) and etcd (registry.k8s.io/etcd).
//! Started, each serves ([`State::Serving`]); what it answers is in [`super::servers`].

use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::programs::{args, done, Program, ShellFn};
use crate::shell::{Server, State, System};

/// The images' own programs.
pub const PROGRAMS: &[Program<ShellFn>] = &[
    Program::on("agnhost", &[System::Agnhost], agnhost),
    Program::on("agnhost-2", &[System::Agnhost], agnhost),
    Program::on(
        "serve_hostname",
        &[System::ServeHostname],
        |ex, argv, io| serve_hostname(ex, args(argv), io),
    ),
    Program::on("goproxy", &[System::Goproxy], |ex, _, io| goproxy(ex, io)),
    Program::on("etcd", &[System::Etcd], |ex, argv, io| {
        etcd(ex, args(argv), io)
    }),
];

/// The version `agnhost --version` reports (the image tag's).
const AGNHOST_VERSION: &str = "2.40";

/// Cobra's usage of the root command (`app`), as `agnhost` with no subcommand prints
/// it: the subcommands emulated here, cobra's own, and the root's flags.
const AGNHOST_USAGE: &str = "Usage:
  app [command]

Available Commands:
  completion           Generate the autocompletion script for the specified shell
  grpc-health-checking Starts a simple grpc health checking endpoint
  help                 Help about any command
  liveness             Starts a server that is alive for 10 seconds
  netexec              Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints
  pause                Pauses the execution
  serve-hostname       Serves the hostname

Flags:
  -h, --help      help for app
      --version   version for app

Use \"app [command] --help\" for more information about a command.
";

/// A Go `log.Printf` line at the process's time.
fn go_log(ex: &Exec, msg: &str) -> String {
    let t = k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", ex.now().to_time().0)
        .unwrap_or_default();
    format!("{t} {msg}\n")
}

/// Becomes `server` after printing `stdout` and `stderr`.
fn serve(ex: &mut Exec, server: Server, io: &Io, stdout: &str, stderr: &str) -> Flow {
    ex.out(io, stdout);
    ex.err(io, stderr);
    if !ex.can_suspend() {
        // A server run from a pipeline or `$(...)` would block forever.
        return done(ex, 0);
    }
    ex.p.state = State::Serving(server);
    Flow::Suspend
}

/// A pflag option's value: `--name=V` or `--name V`; `Err` with cobra's message for a
/// flag that wants a value and has none.
fn flag_value<'a>(
    args: &'a [String],
    i: &mut usize,
    name: &str,
) -> Option<Result<&'a str, String>> {
    let a = args[*i].as_str();
    let rest = a.strip_prefix("--").or_else(|| a.strip_prefix('-'))?;
    if let Some(v) = rest.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
        return Some(Ok(v));
    }
    if rest != name {
        return None;
    }
    *i += 1;
    Some(
        args.get(*i)
            .map(String::as_str)
            .ok_or_else(|| format!("flag needs an argument: --{name}")),
    )
}

/// An int flag's value, or cobra's error for one that does not parse.
fn int_flag(v: Result<&str, String>, name: &str) -> Result<i64, String> {
    let v = v?;
    v.parse::<i64>().map_err(|_| {
        format!("invalid argument {v:?} for \"--{name}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax")
    })
}

/// `agnhost SUBCOMMAND [flags]`. Cobra prints its errors and usage, and agnhost's
/// main ignores what Execute returns: it exits 0 even then.
fn agnhost(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let args = args(argv);
    // klog's flags (`--v=4`, `--logtostderr`) are the root's: any subcommand takes them.
    let words: Vec<String> = args
        .iter()
        .filter(|a| !(a.starts_with("--v=") || a.starts_with("-v=") || *a == "--logtostderr"))
        .cloned()
        .collect();
    let Some(sub) = words.first().map(String::as_str) else {
        ex.out(io, AGNHOST_USAGE);
        return done(ex, 0);
    };
    let rest = &words[1..];
    match sub {
        "--version" => {
            ex.out(io, &format!("app version {AGNHOST_VERSION}\n"));
            done(ex, 0)
        }
        "-h" | "--help" | "help" => {
            ex.out(io, AGNHOST_USAGE);
            done(ex, 0)
        }
        "liveness" => {
            let started = ex.now();
            serve(ex, Server::Liveness { started }, io, "", "")
        }
        "netexec" => netexec(ex, rest, io),
        "grpc-health-checking" => grpc_health_checking(ex, rest, io),
        "serve-hostname" => serve_hostname(ex, rest, io),
        "pause" => serve(ex, Server::Paused, io, "Paused\n", ""),
        other if other.starts_with('-') => {
            ex.err(
                io,
                &format!("Error: unknown flag: {other}\n{AGNHOST_USAGE}\n"),
            );
            done(ex, 0)
        }
        other => {
            ex.err(
                io,
                &format!(
                    "Error: unknown command {other:?} for \"app\"\nRun 'app --help' for usage.\n"
                ),
            );
            done(ex, 0)
        }
    }
}

/// A subcommand's flag error: cobra prints it and the subcommand's usage line.
fn flag_error(ex: &mut Exec, io: &Io, sub: &str, msg: &str) -> Flow {
    ex.err(
        io,
        &format!("Error: {msg}\nUsage:\n  app {sub} [flags]\n\nUse \"app {sub} --help\" for more information.\n"),
    );
    done(ex, 0)
}

/// `agnhost netexec [--http-port=8080] [--udp-port=8081]`.
fn netexec(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (mut http_port, mut udp_port) = (8080_i64, 8081_i64);
    let mut i = 0;
    while i < args.len() {
        let parsed = if let Some(v) = flag_value(args, &mut i, "http-port") {
            int_flag(v, "http-port").map(|n| http_port = n)
        } else if let Some(v) = flag_value(args, &mut i, "udp-port") {
            int_flag(v, "udp-port").map(|n| udp_port = n)
        } else if let Some(v) = flag_value(args, &mut i, "sctp-port") {
            int_flag(v, "sctp-port").map(|_| ())
        } else if args[i].starts_with('-') {
            Err(format!("unknown flag: {}", args[i]))
        } else {
            Err(format!(
                "accepts at most 0 arg(s), received {}",
                args.iter().filter(|a| !a.starts_with('-')).count()
            ))
        };
        if let Err(msg) = parsed {
            return flag_error(ex, io, "netexec", &msg);
        }
        i += 1;
    }
    let Ok(port) = u16::try_from(http_port) else {
        let msg = go_log(
            ex,
            &format!("listen tcp: address {http_port}: invalid port"),
        );
        ex.err(io, &msg);
        return done(ex, 1);
    };
    let udp = u16::try_from(udp_port).ok();
    let mut log = go_log(ex, &format!("Started HTTP server on port {port}"));
    if let Some(u) = udp {
        log.push_str(&go_log(ex, &format!("Started UDP server on port  {u}")));
    }
    let started = ex.now();
    serve(
        ex,
        Server::Netexec {
            http_port: port,
            udp_port: udp,
            started,
        },
        io,
        "",
        &log,
    )
}

/// `agnhost grpc-health-checking [--port=5000] [--http-port=8080]
/// [--delay-unhealthy-sec=-1] [--service=NAME]`.
fn grpc_health_checking(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (mut port, mut http_port, mut delay) = (5000_i64, 8080_i64, -1_i64);
    let mut service = String::new();
    let mut i = 0;
    while i < args.len() {
        let parsed = if let Some(v) = flag_value(args, &mut i, "port") {
            int_flag(v, "port").map(|n| port = n)
        } else if let Some(v) = flag_value(args, &mut i, "http-port") {
            int_flag(v, "http-port").map(|n| http_port = n)
        } else if let Some(v) = flag_value(args, &mut i, "delay-unhealthy-sec") {
            int_flag(v, "delay-unhealthy-sec").map(|n| delay = n)
        } else if let Some(v) = flag_value(args, &mut i, "service") {
            v.map(|v| service = v.to_string())
        } else if args[i].starts_with('-') {
            Err(format!("unknown flag: {}", args[i]))
        } else {
            Err("accepts at most 0 arg(s), received 1".to_string())
        };
        if let Err(msg) = parsed {
            return flag_error(ex, io, "grpc-health-checking", &msg);
        }
        i += 1;
    }
    let (Ok(port), Ok(http_port)) = (u16::try_from(port), u16::try_from(http_port)) else {
        let msg = go_log(
            ex,
            &format!("Error while starting the listening service listen tcp: address {port}: invalid port"),
        );
        ex.err(io, &msg);
        return done(ex, 1);
    };
    let log = go_log(
        ex,
        &format!("Http server starting to listen on :{http_port}"),
    ) + &go_log(ex, &format!("gRPC server starting to listen on :{port}"));
    let started = ex.now();
    let server = Server::GrpcHealthChecking {
        port,
        http_port,
        service,
        delay_unhealthy_ms: u64::try_from(delay).ok().map(|s| s.saturating_mul(1000)),
        started,
        forced: None,
    };
    serve(ex, server, io, "", &log)
}

/// `agnhost serve-hostname [--port=9376] [--http] [--tcp] [--udp] [--close]`.
fn serve_hostname(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut port = 9376_i64;
    let (mut http, mut raw) = (true, false);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let parsed = if let Some(v) = flag_value(args, &mut i, "port") {
            int_flag(v, "port").map(|n| port = n)
        } else {
            match a.trim_start_matches('-') {
                "http" | "http=true" => {
                    http = true;
                    Ok(())
                }
                "http=false" => {
                    http = false;
                    Ok(())
                }
                "tcp" | "tcp=true" | "udp" | "udp=true" => {
                    raw = true;
                    Ok(())
                }
                "tcp=false" | "udp=false" | "close" | "close=true" | "close=false" => Ok(()),
                _ if a.starts_with('-') => Err(format!("unknown flag: {a}")),
                _ => Err("accepts at most 0 arg(s), received 1".to_string()),
            }
        };
        if let Err(msg) = parsed {
            return flag_error(ex, io, "serve-hostname", &msg);
        }
        i += 1;
    }
    if http && raw {
        let msg = go_log(
            ex,
            "Can't server TCP/UDP mode and HTTP mode at the same time",
        );
        ex.err(io, &msg);
        return done(ex, 1);
    }
    let Ok(port) = u16::try_from(port) else {
        let msg = go_log(ex, &format!("listen tcp: address {port}: invalid port"));
        ex.err(io, &msg);
        return done(ex, 1);
    };
    let log = go_log(ex, &format!("Serving on port {port}."));
    serve(ex, Server::ServeHostname { port }, io, "", &log)
}

/// `/goproxy`: elazarl/goproxy's proxy on :8080 (it logs nothing until a request).
fn goproxy(ex: &mut Exec, io: &Io) -> Flow {
    serve(ex, Server::Goproxy, io, "", "")
}

/// etcd as the docs' gRPC example runs it: a single member serving clients on the port
/// of `--listen-client-urls` (2379 by default). It logs JSON to stderr.
fn etcd(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.iter().any(|a| a == "--version") {
        ex.out(
            io,
            "etcd Version: 3.5.1\nGit SHA: e8732fb5f\nGo Version: go1.16.3\nGo OS/Arch: linux/amd64\n",
        );
        return done(ex, 0);
    }
    let value = |name: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&format!("--{name}="))
                .map(str::to_string)
                .or_else(|| (a == &format!("--{name}")).then(|| args.get(i + 1).cloned())?)
        })
    };
    let clients = value("listen-client-urls").unwrap_or_else(|| "http://localhost:2379".into());
    let port = clients
        .split(',')
        .next()
        .and_then(|u| u.rsplit_once(':'))
        .and_then(|(_, p)| p.trim_end_matches('/').parse::<u16>().ok())
        .unwrap_or(2379);
    let advertise =
        value("advertise-client-urls").unwrap_or_else(|| "http://localhost:2379".into());
    let ts =
        k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S.000Z", ex.now().to_time().0)
            .unwrap_or_default();
    let quoted: Vec<String> = std::iter::once("/usr/local/bin/etcd".to_string())
        .chain(args.iter().cloned())
        .map(|a| format!("{a:?}"))
        .collect();
    let log = format!(
        "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdmain/etcd.go:72\",\"msg\":\"Running: \",\"args\":[{}]}}\n\
{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/etcd.go:131\",\"msg\":\"configuring peer listeners\",\"listen-peer-urls\":[\"http://localhost:2380\"]}}\n\
{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/etcd.go:139\",\"msg\":\"configuring client listeners\",\"listen-client-urls\":[\"{clients}\"]}}\n\
{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdserver/server.go:2027\",\"msg\":\"published local member to cluster through raft\",\"local-member-id\":\"8e9e05c52164694d\",\"local-member-attributes\":\"{{Name:default ClientURLs:[{advertise}]}}\",\"request-path\":\"/0/members/8e9e05c52164694d/attributes\",\"cluster-id\":\"cdf818194e3a8c32\",\"publish-timeout\":\"7s\"}}\n\
{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:98\",\"msg\":\"ready to serve client requests\"}}\n\
{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:140\",\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"address\":\"[::]:{port}\"}}\n",
        quoted.join(",")
    );
    serve(ex, Server::Etcd { port }, io, "", &log)
}
