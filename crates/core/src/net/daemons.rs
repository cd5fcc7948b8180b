//! The server programs: nginx (and its image's entrypoint), redis-server, busybox
//! httpd, socat and the demo apps. Started, a server's process serves (its state is
//! [`State::Serving`]) until it is stopped; what it answers is in [`super::servers`].

use crate::fs::normalize;
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::programs::{self, args, done, Program, ShellFn};
use crate::shell::{Server, State, System};
use std::collections::BTreeMap;

/// The servers, on the images that have them.
pub const PROGRAMS: &[Program<ShellFn>] = &[
    Program::on("httpd", &[System::Busybox], |ex, argv, io| {
        httpd(ex, args(argv), io)
    }),
    Program::on("nginx", &[System::Nginx], |ex, argv, io| {
        nginx(ex, args(argv), io)
    }),
    Program::on("docker-entrypoint.sh", &[System::Nginx], |ex, argv, io| {
        nginx_entrypoint(ex, args(argv), io)
    }),
    Program::on("docker-entrypoint.sh", &[System::Redis], entrypoint),
    Program::on("redis-server", &[System::Redis], |ex, _, io| {
        redis_server(ex, io)
    }),
    Program::on("demo-tea", &[System::Demo], demo),
    Program::on("demo-coffee", &[System::Demo], demo),
    Program::on("/demo", &[System::Demo], demo),
    Program::on("socat", &[System::DebugTools], |ex, argv, io| {
        socat(ex, args(argv), io)
    }),
];

/// An image's entrypoint script that runs its arguments.
fn entrypoint(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let args = args(argv);
    if args.is_empty() {
        return done(ex, 0);
    }
    programs::run(ex, args, io)
}

/// ansilh/demo-tea and demo-coffee.
fn demo(ex: &mut Exec, _argv: &[String], io: &Io) -> Flow {
    serve(
        ex,
        Server::Demo {
            port: 8080,
            node_name: String::new(),
        },
        io,
        "Listening on :8080\n",
    )
}

fn serve(ex: &mut Exec, server: Server, io: &Io, banner: &str) -> Flow {
    ex.out(io, banner);
    if !ex.can_suspend() {
        // A server run from a pipeline or `$(...)` would block forever.
        return done(ex, 0);
    }
    ex.p.state = State::Serving(server);
    Flow::Suspend
}

fn nginx_entrypoint(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.first().map(String::as_str) == Some("nginx") {
        ex.out(io, "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n/docker-entrypoint.sh: Configuration complete; ready for start up\n");
    }
    if args.is_empty() {
        return done(ex, 0);
    }
    programs::run(ex, args, io)
}

fn nginx(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.iter().any(|a| a == "-v") {
        ex.err(
            io,
            &format!("nginx version: nginx/{}\n", super::servers::NGINX_VERSION),
        );
        return done(ex, 0);
    }
    let t = k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", ex.now().to_time().0)
        .unwrap_or_default();
    let banner = format!(
        "{t} [notice] 1#1: using the \"epoll\" event method\n{t} [notice] 1#1: nginx/{v}\n{t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n{t} [notice] 1#1: OS: Linux {k}\n{t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n{t} [notice] 1#1: start worker processes\n{t} [notice] 1#1: start worker process 29\n",
        v = super::servers::NGINX_VERSION,
        k = crate::model::KERNEL_RELEASE
    );
    // nginx logs to stderr.
    ex.err(io, &banner);
    serve(ex, Server::Nginx, io, "")
}

fn redis_server(ex: &mut Exec, io: &Io) -> Flow {
    let t = k8s_openapi::jiff::fmt::strtime::format("%d %b %Y %H:%M:%S.000", ex.now().to_time().0)
        .unwrap_or_default();
    let banner = format!(
        "1:C {t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:C {t} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started\n1:C {t} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf\n1:M {t} * monotonic clock: POSIX clock_gettime\n1:M {t} * Running mode=standalone, port=6379.\n1:M {t} * Server initialized\n1:M {t} * Ready to accept connections tcp\n"
    );
    serve(
        ex,
        Server::Redis {
            data: BTreeMap::new(),
        },
        io,
        &banner,
    )
}

/// busybox `httpd [-f] [-p [IP:]PORT] [-h HOME]`: a static file server. Without `-f`
/// it goes to the background and the shell continues.
fn httpd(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut port: u16 = 80;
    let mut home = ex.p.cwd.clone();
    let mut foreground = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-f" => foreground = true,
            "-p" => {
                i += 1;
                let p = args
                    .get(i)
                    .map(|p| p.rsplit(':').next().unwrap_or(p))
                    .unwrap_or("80");
                match p.parse() {
                    Ok(n) => port = n,
                    Err(_) => {
                        ex.err(io, &format!("httpd: invalid number '{p}'\n"));
                        return done(ex, 1);
                    }
                }
            }
            "-h" => {
                i += 1;
                home = normalize(&ex.p.cwd, args.get(i).map(String::as_str).unwrap_or("."));
            }
            _ => {}
        }
        i += 1;
    }
    let server = Server::Static { port, root: home };
    if foreground {
        return serve(ex, server, io, "");
    }
    let mut daemon = ex.p.job(Default::default());
    daemon.state = State::Serving(server);
    ex.p.jobs.push(daemon);
    done(ex, 0)
}

/// `socat TCP-LISTEN:PORT[,fork,reuseaddr] TCP:HOST:PORT`: a TCP proxy (what an
/// ambassador container runs).
fn socat(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let listen = args
        .iter()
        .find_map(|a| {
            a.strip_prefix("TCP-LISTEN:")
                .or_else(|| a.strip_prefix("TCP4-LISTEN:"))
        })
        .and_then(|a| a.split(',').next())
        .and_then(|p| p.parse::<u16>().ok());
    let upstream = args
        .iter()
        .find_map(|a| a.strip_prefix("TCP:").or_else(|| a.strip_prefix("TCP4:")))
        .map(|a| a.split(',').next().unwrap_or(a).to_string())
        .filter(|u| {
            u.rsplit_once(':')
                .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        });
    match (listen, upstream) {
        (Some(port), Some(upstream)) => serve(ex, Server::Proxy { port, upstream }, io, ""),
        _ => {
            let t =
                k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", ex.now().to_time().0)
                    .unwrap_or_default();
            ex.err(io, &format!("{t} socat[1] E exactly 2 addresses required (there are {}); use option \"-h\" for help\n", args.len()));
            done(ex, 1)
        }
    }
}
