//! The handler runners the prober and the lifecycle hooks share (kubelet's pkg/probe
//! and pkg/kubelet/lifecycle/handlers.go): one per handler kind. Each returns what
//! happened as data; the prober reads it as a probe result, the hook runner as a hook's
//! success or failure, each with the kubelet's own wording.

use super::super::exec::ExecError;
use super::super::runtime::{Phase, RunHost, Slot};
use super::super::{Ctx, Kubelet, Origin};
use crate::clock::SimTime;
use crate::net::{HttpRequest, NetError};
use crate::shell::programs::{Found, Kind};
use crate::shell::{Prepared, Spawn, State, Stream, System, LINE_STEPS, STEP_BUDGET};
use k8s_openapi::api::core::v1::{ContainerPort, HTTPGetAction, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The User-Agent the kubelet's HTTP probes send (`kube-probe/<major>.<minor>`).
pub(in crate::kubelet) const PROBE_USER_AGENT: &str = "kube-probe/1.34";

/// What a command run in the container did: its output (stdout then stderr) and exit
/// status, or the runtime's error when it could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::kubelet) enum ExecRun {
    Exited {
        stdout: String,
        stderr: String,
        code: i32,
    },
    NotStarted(String),
}

/// An exec probe's command, made ready once for the container's image: what the shell
/// runs (parsed once), or the runtime's error when the image lacks the program.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::kubelet) struct ExecCommand {
    system: System,
    prepared: Prepared,
    /// The program is not in the image: the runtime's error.
    missing: Option<String>,
    /// One of the shell's own utilities run as a simple command: it reads the
    /// container's environment and file view and changes neither, so a run borrows
    /// them instead of a copy ([`Process::run_borrowed`]).
    borrow: bool,
    /// One of the shell's [`FILE_READERS`](crate::shell::programs::FILE_READERS) run
    /// as a simple command: its result follows from the files it reads.
    reads_files: bool,
    /// Such a command's last result, with the container run and the file systems'
    /// change count it was had over: while neither moved, a run would do the same.
    last: Option<LastRun>,
}

/// An exec probe's last result over a container run and a state of the files.
#[derive(Debug, Clone, PartialEq)]
struct LastRun {
    since: SimTime,
    changes: u64,
    result: Result<(), String>,
}

impl ExecCommand {
    pub(in crate::kubelet) fn new(system: System, argv: &[String]) -> ExecCommand {
        let program = argv.first().cloned().unwrap_or_default();
        let found = super::super::programs::find(system, &program);
        let prepared = Prepared::new(system, argv.to_vec());
        let reads_files = prepared.is_plain()
            && found
                .as_ref()
                .is_some_and(crate::shell::programs::reads_files_only);
        ExecCommand {
            system,
            borrow: prepared.is_plain()
                && matches!(found, Some(Found::Shell(Kind::Utility, ..)))
                && !crate::shell::programs::is_shell(system, &program),
            reads_files,
            last: None,
            prepared,
            missing: found
                .is_none()
                .then(|| ExecError::NoProgram(program).to_string()),
        }
    }
}

impl ExecCommand {
    /// The last result again, when the command only reads files and its last run was
    /// in the same container run (`since`, on `system`) over the same files (the file
    /// systems' change count `changes`): what [`Kubelet::run_exec_probe`] would give.
    pub(in crate::kubelet) fn cached(
        &self,
        system: System,
        since: SimTime,
        changes: u64,
    ) -> Option<Result<(), String>> {
        let last = self.last.as_ref()?;
        (self.system == system && last.since == since && last.changes == changes)
            .then(|| last.result.clone())
    }
}

/// What an HTTP GET did: a status code, or Go's net/http error text
/// (`Get "http://10.244.1.5:8080/healthz": dial tcp 10.244.1.5:8080: connect: connection refused`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::kubelet) enum HttpRun {
    Status(u16),
    Error(String),
}

/// The pod's network as the kubelet's handlers need it: the pod IP and the container's
/// declared ports (for ports given by name).
#[derive(Debug, Clone, Copy)]
pub(in crate::kubelet) struct Target<'a> {
    pub(in crate::kubelet) pod_ip: &'a str,
    pub(in crate::kubelet) ports: &'a [ContainerPort],
}

/// A port given by number or by the container's port name (probe.ResolveContainerPort).
pub(in crate::kubelet) fn resolve_port(
    port: &IntOrString,
    ports: &[ContainerPort],
) -> Result<u16, String> {
    match port {
        IntOrString::Int(n) if (1..=65535).contains(n) => Ok(*n as u16),
        IntOrString::Int(n) => Err(format!("invalid port number: {n}")),
        IntOrString::String(name) => {
            if let Ok(n) = name.parse::<i32>() {
                return resolve_port(&IntOrString::Int(n), ports);
            }
            ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .map(|p| p.container_port as u16)
                .ok_or_else(|| format!("couldn't find port: {name}"))
        }
    }
}

/// `host:port` as Go's net.JoinHostPort writes it.
fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Go's dial error for a failed connection to `addr`.
fn dial_error(e: &NetError, addr: &str) -> String {
    match e {
        NetError::Refused { .. } | NetError::Closed => {
            format!("dial tcp {addr}: connect: connection refused")
        }
        NetError::Timeout { .. } => format!("dial tcp {addr}: i/o timeout"),
        NetError::Unresolved(h) => format!("dial tcp: lookup {h}: no such host"),
        NetError::BadUrl(u) => format!("parse {u:?}: invalid URL"),
    }
}

impl Kubelet {
    /// Runs `argv` in the container `name` of the pod `ctx` is about (an exec probe's or
    /// an exec hook's command), to completion.
    pub(in crate::kubelet) fn run_exec(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        argv: &[String],
    ) -> ExecRun {
        let uid = ctx.uid.clone();
        let r = self.exec(
            &*ctx.api,
            &mut *ctx.git,
            ctx.now,
            &uid,
            name,
            argv.to_vec(),
            None,
        );
        match r {
            Ok((chunks, code)) => {
                let text = |stream: Stream| {
                    let mut out = Vec::new();
                    for (s, data) in &chunks {
                        if *s == stream {
                            out.extend_from_slice(data);
                        }
                    }
                    String::from_utf8_lossy(&out).into_owned()
                };
                ExecRun::Exited {
                    stdout: text(Stream::Stdout),
                    stderr: text(Stream::Stderr),
                    code,
                }
            }
            Err(e) => ExecRun::NotStarted(e.to_string()),
        }
    }

    /// Runs an exec probe's command in container `slot` of the pod `ctx` is about, as
    /// the runtime's ExecSync does, with the command kept in `cache` from run to run:
    /// Ok on exit status 0, else the command's output (stdout, then stderr) or the
    /// runtime's error. The command's sleeps take simulated time; one still running
    /// after `timeout_ms` (timeoutSeconds) fails as the kubelet reports it, `command
    /// "sleep 5" timed out` (so does one that keeps computing past the shell's limit
    /// for a command that cannot yield).
    pub(in crate::kubelet) fn run_exec_probe(
        &mut self,
        ctx: &mut Ctx<'_>,
        slot: Slot,
        argv: &[String],
        cache: &mut Option<ExecCommand>,
        timeout_ms: u64,
    ) -> Result<(), String> {
        let work = self
            .pods
            .get_mut_keeping_due_at(ctx.slot, &ctx.uid)
            .ok_or_else(|| ExecError::PodNotFound.to_string())?;
        let c = work
            .work(slot)
            .ok_or_else(|| ExecError::ContainerNotFound.to_string())?;
        let since = match c.phase {
            Phase::Running { since } => Some(since),
            _ => None,
        };
        let (Some(since), Some(p)) = (since, c.process.as_mut()) else {
            return Err(ExecError::NotRunning(c.name.clone()).to_string());
        };
        let command = match cache {
            Some(command) if command.system == p.system => command,
            _ => cache.insert(ExecCommand::new(p.system, argv)),
        };
        if let Some(e) = &command.missing {
            return Err(e.clone());
        }
        // A command that only reads files, run before in this container over the same
        // files: its result again (`cat /tmp/healthy` fails once `rm` has changed them).
        let changes = self.fs.changes();
        if let Some(last) = command
            .last
            .as_ref()
            .filter(|l| l.since == since && l.changes == changes)
        {
            return last.result.clone();
        }
        // The shell's own utilities borrow the container's environment and view; any
        // other command runs over a copy.
        let (mut process, mut lent) = if command.borrow {
            let mut spawn = Spawn {
                system: p.system,
                view: std::mem::take(&mut p.view),
                user: p.user,
                env: std::mem::take(&mut p.env),
                cwd: "/".into(),
            };
            (command.prepared.start(&mut spawn), Some(spawn))
        } else {
            let spawn = Spawn {
                system: p.system,
                view: p.view.clone(),
                user: p.user,
                env: p.env.clone(),
                cwd: "/".into(),
            };
            (command.prepared.process(spawn), None)
        };
        let ip = self
            .pods
            .slot(ctx.slot, &ctx.uid)
            .and_then(|s| self.pods.at(s))
            .map(|w| w.pod_ip.clone())
            .unwrap_or_default();
        let mut host = RunHost {
            kubelet: self,
            api: &*ctx.api,
            git: &mut *ctx.git,
            now: ctx.now,
            hostname: ctx.pod.clone(),
            origin: Origin::Pod {
                uid: ctx.uid.clone(),
                namespace: ctx.ns.clone(),
                ip,
            },
        };
        let deadline = ctx.now.plus_ms(timeout_ms);
        let mut rounds = 0;
        let mut runs = 0u32;
        let code = loop {
            runs += 1;
            process.run(&mut host);
            match process.state {
                State::Exited(c) => break Some(c),
                // A command that became a server: exit status 0, as `kubectl exec` has it.
                State::Serving(_) => break Some(0),
                State::Sleeping(t) if t < deadline => host.now = t.max(host.now),
                State::Sleeping(_) => break None,
                State::Busy | State::Runnable => {
                    rounds += 1;
                    if rounds >= LINE_STEPS / STEP_BUDGET {
                        break None;
                    }
                }
            }
        };
        let chunks = process.take_output();
        if let Some(spawn) = &mut lent {
            command.prepared.finish(&mut process, spawn);
            // The container's own again.
            if let Some(p) = self
                .pods
                .get_mut_keeping_due_at(ctx.slot, &ctx.uid)
                .and_then(|w| w.work(slot))
                .and_then(|c| c.process.as_mut())
            {
                p.view = std::mem::take(&mut spawn.view);
                p.env = std::mem::take(&mut spawn.env);
            }
        }
        let code = match code {
            Some(code) => code,
            // remote_runtime's ExecSync on DeadlineExceeded.
            None => return Err(format!("command {:?} timed out", argv.join(" "))),
        };
        let result = if code == 0 {
            Ok(())
        } else {
            let mut out = Vec::new();
            for stream in [Stream::Stdout, Stream::Stderr] {
                for (s, data) in &chunks {
                    if *s == stream {
                        out.extend_from_slice(data);
                    }
                }
            }
            Err(String::from_utf8_lossy(&out).into_owned())
        };
        // Kept for the next run when it took no simulated time and changed no file.
        if let Some(command) = cache.as_mut().filter(|c| c.reads_files) {
            command.last = (runs == 1 && self.fs.changes() == changes).then(|| LastRun {
                since,
                changes,
                result: result.clone(),
            });
        }
        result
    }

    /// An HTTP GET from the node's kubelet to the pod (an httpGet probe or hook).
    pub(in crate::kubelet) fn run_http_get(
        &mut self,
        ctx: &mut Ctx<'_>,
        get: &HTTPGetAction,
        target: Target<'_>,
    ) -> HttpRun {
        let scheme = get.scheme.as_deref().unwrap_or("HTTP").to_ascii_lowercase();
        let host = get
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(target.pod_ip)
            .to_string();
        let port = match resolve_port(&get.port, target.ports) {
            Ok(p) => p,
            Err(e) => return HttpRun::Error(e),
        };
        let mut path = get.path.clone().unwrap_or_default();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        let addr = join_host_port(&host, port);
        let url = format!("{scheme}://{addr}{path}");
        let req = HttpRequest {
            method: "GET".into(),
            host: host.clone(),
            port,
            path,
            user_agent: PROBE_USER_AGENT.into(),
        };
        let origin = Origin::Node(ctx.node.clone());
        match self.request(&*ctx.api, &origin, &req, ctx.now) {
            Ok(resp) => HttpRun::Status(resp.status),
            Err(NetError::Timeout { .. }) => HttpRun::Error(format!(
                "Get {url:?}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            )),
            Err(NetError::Closed) => HttpRun::Error(format!("Get {url:?}: EOF")),
            Err(e) => HttpRun::Error(format!("Get {url:?}: {}", dial_error(&e, &addr))),
        }
    }

    /// A TCP connection from the node to the pod, closed at once (a tcpSocket probe):
    /// Ok, or Go's dial error.
    pub(in crate::kubelet) fn run_tcp(
        &mut self,
        ctx: &mut Ctx<'_>,
        tcp: &TCPSocketAction,
        target: Target<'_>,
    ) -> Result<(), String> {
        let host = tcp
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(target.pod_ip)
            .to_string();
        let port = resolve_port(&tcp.port, target.ports)?;
        self.tcp_dial(ctx, &host, port)
    }

    /// Dials `host:port` from the node: Ok, or Go's dial error text.
    pub(in crate::kubelet) fn tcp_dial(
        &mut self,
        ctx: &mut Ctx<'_>,
        host: &str,
        port: u16,
    ) -> Result<(), String> {
        let addr = join_host_port(host, port);
        let origin = Origin::Node(ctx.node.clone());
        self.connect(&*ctx.api, &origin, host, port)
            .map_err(|e| dial_error(&e, &addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_by_number_and_name() {
        let ports = vec![ContainerPort {
            name: Some("liveness-port".into()),
            container_port: 8080,
            ..Default::default()
        }];
        assert_eq!(resolve_port(&IntOrString::Int(80), &ports), Ok(80));
        assert_eq!(
            resolve_port(&IntOrString::String("liveness-port".into()), &ports),
            Ok(8080)
        );
        assert_eq!(
            resolve_port(&IntOrString::String("http".into()), &ports),
            Err("couldn't find port: http".into())
        );
        assert_eq!(join_host_port("10.244.1.5", 8080), "10.244.1.5:8080");
        assert_eq!(
            dial_error(
                &NetError::Refused {
                    host: "10.244.1.5".into(),
                    port: 8080
                },
                "10.244.1.5:8080"
            ),
            "dial tcp 10.244.1.5:8080: connect: connection refused"
        );
    }
}
