//! A small POSIX `sh`: what container commands, node shells and `kubectl exec` run in.
//!
//! Scripts are parsed once ([`parse`]) and run by a [`Process`] over a virtual file
//! system view. A process is resumable: `sleep 5` suspends it until the simulated clock
//! reaches the wake time, and its whole state (variables, working directory, where in
//! the script it stopped) is plain data, so a cluster snapshot holds running processes
//! too. A step budget bounds every run, so `while true; do :; done` costs the page
//! nothing: the process yields and is resumed later.
//!
//! What cannot yield (a line typed at a terminal, `ssh NODE CMD`, `kubectl exec`, a
//! pipeline or `$(...)`) meets the shell's limits instead, each of which stops the
//! command with a message naming it and a non-zero status (see [`exec::Limit`]):
//! [`LINE_STEPS`] steps (status 124, as `timeout` reports), what one run prints, what a
//! pipe holds, and how deep scripts nest. Files meet the file system's limits as
//! errnos (`File too large`, `No space left on device`).

pub(crate) mod exec;
mod expand;
mod heredoc;
mod lex;
pub(crate) mod limits;
pub mod parse;
pub(crate) mod pattern;
pub mod programs;

use crate::clock::SimTime;
use crate::fs::{Filesystems, User, View};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use parse::{parse, Script, SyntaxError};

/// Which system a process runs on: decides which programs exist and how the shell
/// words its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum System {
    /// busybox, alpine: ash and busybox applets (wget, no curl or git).
    Busybox,
    /// The nginx image (Debian): bash, coreutils, curl, nginx.
    Nginx,
    /// The redis image (Debian): bash, coreutils, redis-server, redis-cli.
    Redis,
    /// ansilh/demo-tea and demo-coffee: a small Alpine image with the demo app.
    Demo,
    /// ansilh/debug-tools: a toolbox image with bash, git, curl, wget, redis-cli.
    DebugTools,
    /// A node: Ubuntu with bash, sudo, coreutils, git, curl, and kubectl on the
    /// control plane.
    Node,
    /// registry.k8s.io/e2e-test-images/agnhost: Alpine (busybox) with bash, curl, nc
    /// and the `/agnhost` test server.
    Agnhost,
    /// registry.k8s.io/serve_hostname (the docs' Service walkthroughs): busybox with
    /// `/serve_hostname`.
    ServeHostname,
    /// registry.k8s.io/goproxy: a scratch image holding only `/goproxy`.
    Goproxy,
    /// registry.k8s.io/etcd: distroless, with etcd, etcdctl and etcdutl and no shell.
    Etcd,
}

impl System {
    /// Whether the image has a shell (and the programs every shell has). Scratch and
    /// distroless images have only their own binaries.
    pub fn has_shell(self) -> bool {
        !matches!(self, System::Goproxy | System::Etcd)
    }

    /// Whether its shell and tools are busybox's (their messages are busybox's).
    pub fn is_busybox(self) -> bool {
        matches!(
            self,
            System::Busybox | System::Demo | System::Agnhost | System::ServeHostname
        )
    }
}

/// What a process is doing between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Ready to continue now.
    Runnable,
    /// In `sleep` until this time.
    Sleeping(SimTime),
    /// Ran out of its step budget; continues at the next run.
    Busy,
    /// Became a server (`nginx`, `redis-server`, ...): handles requests until killed.
    Serving(Server),
    /// Exited with this status.
    Exited(i32),
}

/// The emulated server programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Server {
    /// nginx with its default config: port 80, root /usr/share/nginx/html.
    Nginx,
    /// ansilh/demo-tea and demo-coffee: HTTP on 8080 answering `Node:$MY_NODE_NAME`.
    Demo { port: u16, node_name: String },
    /// redis-server on 6379, with its data set.
    Redis { data: BTreeMap<String, String> },
    /// A TCP proxy (`socat`, the ambassador): listens on `port`, forwards every
    /// connection to `upstream` (`host:port`).
    Proxy { port: u16, upstream: String },
    /// `busybox httpd` / `python -m http.server`-like static server over `root`.
    Static { port: u16, root: String },
    /// `agnhost liveness`: HTTP on 8080, `/healthz` healthy for 10 s after `started`.
    Liveness { started: SimTime },
    /// `agnhost netexec`: HTTP on `http_port` (and UDP on `udp_port`), since `started`.
    Netexec {
        http_port: u16,
        udp_port: Option<u16>,
        started: SimTime,
    },
    /// `agnhost serve-hostname`: HTTP on `port` answering the pod's hostname.
    ServeHostname { port: u16 },
    /// `agnhost pause`: listens nowhere, exits 2 on TERM.
    Paused,
    /// `agnhost grpc-health-checking`: the gRPC health service for `service` on
    /// `port`, SERVING until `delay_unhealthy_ms` after `started` (never NOT_SERVING
    /// when `None`) or until `/make-not-serving` on `http_port` forces it (`forced`).
    GrpcHealthChecking {
        port: u16,
        http_port: u16,
        service: String,
        delay_unhealthy_ms: Option<u64>,
        started: SimTime,
        forced: Option<bool>,
    },
    /// `/goproxy`: an HTTP proxy on 8080.
    Goproxy,
    /// etcd: gRPC (and HTTP) on its client port, the gRPC health service SERVING.
    Etcd { port: u16 },
}

impl Server {
    /// The exit status when the kubelet stops the container (TERM, or the image's stop
    /// signal): servers that handle it exit; `None` for one that, as PID 1 without a
    /// handler, ignores it and runs on until killed.
    pub fn stop_status(&self) -> Option<i32> {
        match self {
            // nginx's image stops it with SIGQUIT: a graceful shutdown, status 0.
            Server::Nginx | Server::Redis { .. } | Server::Demo { .. } => Some(0),
            // socat exits on TERM, reporting the signal.
            Server::Proxy { .. } => Some(143),
            Server::Static { .. } => None,
            // Go's default for TERM: the runtime exits with status 2.
            Server::Liveness { .. }
            | Server::Netexec { .. }
            | Server::GrpcHealthChecking { .. }
            | Server::Goproxy
            | Server::Paused => Some(2),
            // serve-hostname catches TERM and waits 60 s for the pod's deletion.
            Server::ServeHostname { .. } => None,
            // etcd shuts down gracefully.
            Server::Etcd { .. } => Some(0),
        }
    }

    /// Whether it listens on TCP `port` (its [`Server::port`], or a second one).
    pub fn listens_on(&self, port: u16) -> bool {
        self.port() == Some(port)
            || matches!(self, Server::GrpcHealthChecking { http_port, .. } if *http_port == port)
    }

    /// The TCP port it listens on (`None`: it listens nowhere).
    pub fn port(&self) -> Option<u16> {
        Some(match self {
            Server::Nginx => 80,
            Server::Demo { port, .. } => *port,
            Server::Redis { .. } => 6379,
            Server::Proxy { port, .. } => *port,
            Server::Static { port, .. } => *port,
            Server::Liveness { .. } | Server::Goproxy => 8080,
            Server::Netexec { http_port, .. } => *http_port,
            Server::ServeHostname { port }
            | Server::Etcd { port }
            | Server::GrpcHealthChecking { port, .. } => *port,
            Server::Paused => return None,
        })
    }
}

/// A script put aside while a trap's action runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Interrupted {
    script: Script,
    resume: Vec<Cursor>,
    scopes: Vec<Scope>,
    status: i32,
}

/// What the stop signal did to a process ([`Process::terminate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It exited with this status.
    Exited(i32),
    /// Its `trap` action runs when the process next runs.
    Handling,
    /// It runs on until killed.
    Ignored,
}

/// Output in the order it was written: (stream, bytes) chunks.
pub type Chunks = Vec<(Stream, Vec<u8>)>;

/// Output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What the process runs against: the clock, the file systems, and the program table.
/// The shell knows files and bytes only; the module that owns a host registers the
/// programs that need more of it (the network, git, the cluster) and runs them with
/// itself attached as the interface they want ([`Host::run_program`]).
pub trait Host {
    fn now(&self) -> SimTime;
    fn fs(&mut self) -> &mut Filesystems;
    fn hostname(&self) -> String;
    /// The program `system` runs for `name` (`wget`, `/usr/bin/wget`), from the host's
    /// program table; `None`: sh's `not found`.
    fn program(&self, system: System, name: &str) -> Option<programs::Found>;
    /// Runs the program [`Host::program`] found as [`programs::Found::Host`] at `at` in
    /// the host's table.
    fn run_program(
        &mut self,
        at: u32,
        ex: exec::Parts<'_>,
        argv: &[String],
        io: &exec::Io,
    ) -> exec::Flow;
}

/// Where a suspended script stopped, innermost last. Each construct entered while
/// resuming takes its own entry back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Cursor {
    /// Item of a list.
    Seq(usize),
    /// Pipeline of an and-or list.
    AndOr(usize),
    /// A single-command pipeline (negation applies on completion).
    Pipe,
    /// A compound command whose redirections were applied.
    Compound,
    Loop {
        in_body: bool,
    },
    If {
        branch: usize,
        in_cond: bool,
    },
    For {
        values: Vec<String>,
        idx: usize,
        started: bool,
    },
    /// Running the body of this arm of a `case`.
    Case(usize),
    Subshell {
        env: BTreeMap<String, String>,
        cwd: String,
    },
    /// A simple command that finished (sleep): resume after it.
    Done,
    /// A simple command not yet run (budget ran out): run it on resume.
    Redo,
    /// Inside a call of this function (its scope is the process's last).
    Call(String),
}

/// A function call's scope: the caller's positional parameters and the values its
/// `local` variables hid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Scope {
    args: Vec<String>,
    locals: Vec<(String, Option<String>)>,
}

/// Steps one run may take before the process yields.
pub const STEP_BUDGET: u32 = 20_000;
/// Steps a run that cannot yield may take before it is stopped (status 124): a line
/// typed at a terminal, `ssh NODE CMD`, `kubectl exec`, a pipeline or `$(...)`. A
/// loop of 100,000 rounds fits; `while true; do :; done` ends within a second.
pub const LINE_STEPS: u32 = 1_000_000;

/// A running shell or program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    script: Script,
    /// Variables (all exported: children and `env` see them).
    pub env: BTreeMap<String, String>,
    /// `$0` and the positional parameters.
    args: Vec<String>,
    pub cwd: String,
    pub user: User,
    pub view: View,
    pub system: System,
    /// The shell's name in its error messages (`sh`, `-bash`).
    name: String,
    status: i32,
    resume: Vec<Cursor>,
    pub state: State,
    /// Output not yet collected, in order.
    #[serde(skip)]
    output: Vec<(Stream, Vec<u8>)>,
    /// Whether this is a terminal session (ls prints columns, sleep returns at once).
    interactive: bool,
    /// Runs to completion without suspending (`kubectl exec`).
    foreground: bool,
    /// `exit` was run in this interactive shell.
    logged_out: bool,
    /// Background jobs (`cmd &`), run alongside the shell; they end with it.
    #[serde(default)]
    pub(crate) jobs: Vec<Process>,
    /// `alias NAME=VALUE`: the words a command's first word stands for.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) aliases: BTreeMap<String, String>,
    /// The output of this line's `<(...)` substitutions, by the path they expanded
    /// to (`/dev/fd/63`): what `source` reads there.
    #[serde(skip)]
    pub(crate) substitutions: Vec<(String, String)>,
    /// Shell functions (`f() { ...; }`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) functions: BTreeMap<String, parse::Command>,
    /// The scopes of the function calls in progress, innermost last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) scopes: Vec<Scope>,
    /// Until when `sudo` needs no password again.
    sudo_until: Option<SimTime>,
    /// `trap ACTION SIGNAL`: the action per signal name (`TERM`); an empty action
    /// ignores the signal.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) traps: BTreeMap<String, String>,
    /// A trapped signal that arrived: its action runs before the script goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending_trap: Option<String>,
    /// In `wait`: the shell sleeps until its background jobs have exited.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) waiting_jobs: bool,
    /// The script a trap's action interrupted, to go on with after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    interrupted: Option<Box<Interrupted>>,
    /// A session change asked for by `sudo -i`, `su` or `ssh` in a terminal.
    #[serde(skip)]
    pub request: Option<Request>,
    /// What was piped to the process (`kubectl exec -i`), read by its first run.
    #[serde(skip)]
    stdin: Option<Vec<u8>>,
}

/// What an interactive command asks the terminal to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Open a nested login shell as this user (`sudo -i`, `su -`).
    Login { user: User },
    /// Open a shell on another node (`ssh k8s-worker-01`).
    Ssh { host: String, user: Option<String> },
    /// The host took over the foreground: it keeps what now holds the terminal (a
    /// following `kubectl logs -f`, a shell in a container from `kubectl exec -it`).
    Foreground,
}

/// How a process is started.
#[derive(Debug, Clone)]
pub struct Spawn {
    pub system: System,
    pub view: View,
    pub user: User,
    pub env: BTreeMap<String, String>,
    pub cwd: String,
}

/// What [`Process::exec`] makes of a command's argv, made once: `sh -c SCRIPT [NAME
/// ARGS...]` parsed (the shell runs the script itself), any other argv one simple
/// command. The kubelet keeps one per exec probe, so a probe that runs every few
/// seconds is not parsed again each time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    script: Script,
    /// `$0` and the positional parameters of a `sh -c` script.
    args: Option<Vec<String>>,
    /// The script's syntax error, as the shell prints it (the run exits 2).
    error: Option<String>,
    /// One simple command (not `sh -c`).
    plain: bool,
}

impl Prepared {
    pub fn new(system: System, argv: Vec<String>) -> Prepared {
        let base = argv
            .first()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string());
        if matches!(base.as_deref(), Some("sh" | "bash" | "ash" | "dash"))
            && argv.get(1).map(String::as_str) == Some("-c")
            && argv.len() >= 3
            && programs::is_shell(system, &argv[0])
        {
            let mut args = vec![argv.get(3).cloned().unwrap_or_else(|| argv[0].clone())];
            args.extend(argv.iter().skip(4).cloned());
            let (script, error) = match parse(&argv[2]) {
                Ok(script) => (script, None),
                Err(e) => (Script::default(), Some(format!("sh: {e}\n"))),
            };
            return Prepared {
                script,
                args: Some(args),
                error,
                plain: false,
            };
        }
        let script = Script(vec![parse::AndOr {
            first: parse::Pipeline {
                negate: false,
                commands: vec![parse::Command::Simple {
                    assigns: Vec::new(),
                    words: argv
                        .into_iter()
                        .map(|a| parse::Word(vec![parse::Part::Quoted(a)]))
                        .collect(),
                    redirs: Vec::new(),
                }],
            },
            rest: Vec::new(),
            background: false,
        }]);
        Prepared {
            script,
            args: None,
            error: None,
            plain: true,
        }
    }

    /// Whether it is one simple command (its words quoted, no assignments): run by a
    /// program that is neither one of the shell's own nor a shell, it changes nothing
    /// of the process it runs in but its state and output.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// A process running it over `spawn` (what [`Process::exec`] starts).
    pub fn process(&self, spawn: Spawn) -> Process {
        Process::prepared(spawn, self.clone())
    }

    /// A process running it over `spawn`'s system, view, user, environment and working
    /// directory without copying any of them: the process borrows them and the command
    /// until [`Prepared::finish`] hands them back. Only for an [`Prepared::is_plain`]
    /// command run by a program that changes neither (not the shell's own commands,
    /// `export` or `trap`, nor a shell).
    pub fn start(&mut self, spawn: &mut Spawn) -> Process {
        let mut p = Process::new(
            Spawn {
                system: spawn.system,
                view: std::mem::take(&mut spawn.view),
                user: spawn.user,
                env: std::mem::take(&mut spawn.env),
                cwd: std::mem::take(&mut spawn.cwd),
            },
            "sh",
        );
        p.script = std::mem::take(&mut self.script);
        p
    }

    /// Takes back what [`Prepared::start`] lent a process.
    pub fn finish(&mut self, p: &mut Process, spawn: &mut Spawn) {
        self.script = std::mem::take(&mut p.script);
        spawn.view = std::mem::take(&mut p.view);
        spawn.env = std::mem::take(&mut p.env);
        spawn.cwd = std::mem::take(&mut p.cwd);
    }
}

impl Process {
    /// Runs `argv` as a container's process (its command and args).
    pub fn exec(spawn: Spawn, argv: Vec<String>) -> Process {
        let prepared = Prepared::new(spawn.system, argv);
        Process::prepared(spawn, prepared)
    }

    /// A process running `prepared` over `spawn`.
    fn prepared(spawn: Spawn, prepared: Prepared) -> Process {
        let mut p = Process::new(spawn, "sh");
        p.script = prepared.script;
        if let Some(args) = prepared.args {
            p.args = args;
        }
        if let Some(message) = prepared.error {
            p.output.push((Stream::Stderr, message.into_bytes()));
            p.status = 2;
            p.state = State::Exited(2);
        }
        p
    }

    /// An interactive login shell (a node's terminal).
    pub fn login(spawn: Spawn, name: &str) -> Process {
        let mut p = Process::new(spawn, name);
        p.interactive = true;
        p.state = State::Exited(0);
        p
    }

    fn new(spawn: Spawn, name: &str) -> Process {
        Process {
            script: Script::default(),
            env: spawn.env,
            args: vec![name.to_string()],
            cwd: spawn.cwd,
            user: spawn.user,
            view: spawn.view,
            system: spawn.system,
            name: name.to_string(),
            status: 0,
            resume: Vec::new(),
            state: State::Runnable,
            output: Vec::new(),
            interactive: false,
            foreground: false,
            jobs: Vec::new(),
            aliases: BTreeMap::new(),
            substitutions: Vec::new(),
            functions: BTreeMap::new(),
            scopes: Vec::new(),
            logged_out: false,
            sudo_until: None,
            traps: BTreeMap::new(),
            pending_trap: None,
            waiting_jobs: false,
            interrupted: None,
            request: None,
            stdin: None,
        }
    }

    /// Takes the output written since the last call.
    pub fn take_output(&mut self) -> Vec<(Stream, Vec<u8>)> {
        std::mem::take(&mut self.output)
    }

    /// Continues the process (and its background jobs) until each sleeps, serves,
    /// exits or spends its budget.
    pub fn run(&mut self, host: &mut dyn Host) {
        self.run_main(host);
        for _ in 0..2 {
            let mut jobs = std::mem::take(&mut self.jobs);
            for job in &mut jobs {
                job.run(host);
                let out = job.take_output();
                self.output.extend(out);
            }
            jobs.retain(|j| !matches!(j.state, State::Exited(_)));
            // Jobs started by jobs join the list.
            let fresh = std::mem::take(&mut self.jobs);
            jobs.extend(fresh);
            self.jobs = jobs;
            if self
                .jobs
                .iter()
                .all(|j| !matches!(j.state, State::Runnable))
            {
                break;
            }
        }
        if self.waiting_jobs
            && self.interrupted.is_none()
            && !matches!(self.state, State::Exited(_))
        {
            // In `wait`: on when the jobs are gone, else asleep until one is due.
            let live = self
                .jobs
                .iter()
                .filter(|j| !matches!(j.state, State::Exited(_)));
            let next = live.clone().filter_map(|j| match j.state {
                State::Sleeping(t) => Some(t),
                _ => None,
            });
            if live.count() == 0 {
                self.state = State::Runnable;
                self.run_main(host);
            } else {
                self.state = State::Sleeping(next.min().unwrap_or(SimTime(u64::MAX / 4)));
            }
        }
        if matches!(self.state, State::Exited(_)) {
            // The shell is gone; its jobs go with it (the container's init exited).
            self.jobs.clear();
        }
    }

    /// A background job: a copy of this shell running `script`.
    pub(crate) fn job(&self, script: Script) -> Process {
        Process {
            script,
            env: self.env.clone(),
            args: self.args.clone(),
            cwd: self.cwd.clone(),
            user: self.user,
            view: self.view.clone(),
            system: self.system,
            name: self.name.clone(),
            status: 0,
            resume: Vec::new(),
            state: State::Runnable,
            output: Vec::new(),
            interactive: false,
            foreground: self.foreground,
            jobs: Vec::new(),
            aliases: self.aliases.clone(),
            substitutions: self.substitutions.clone(),
            functions: self.functions.clone(),
            scopes: Vec::new(),
            logged_out: false,
            sudo_until: None,
            traps: self.traps.clone(),
            pending_trap: None,
            waiting_jobs: false,
            interrupted: None,
            request: None,
            stdin: None,
        }
    }

    /// When the process or one of its jobs next has something to do: `None` when all
    /// serve or have exited; `Some(None)` means "as soon as possible" (out of budget).
    pub fn wake(&self) -> Option<Option<SimTime>> {
        let mut best: Option<Option<SimTime>> = None;
        for s in std::iter::once(&self.state).chain(self.jobs.iter().map(|j| &j.state)) {
            let w = match s {
                State::Sleeping(t) => Some(*t),
                State::Busy | State::Runnable => None,
                State::Serving(_) | State::Exited(_) => continue,
            };
            best = Some(match (best, w) {
                (None, w) => w,
                (Some(None), _) | (_, None) => None,
                (Some(Some(a)), Some(b)) => Some(a.min(b)),
            });
        }
        best
    }

    /// The server listening on `port` in this process or its jobs.
    pub fn server_on(&mut self, port: u16) -> Option<&mut Server> {
        std::iter::once(&mut self.state)
            .chain(self.jobs.iter_mut().map(|j| &mut j.state))
            .find_map(|s| match s {
                State::Serving(srv) if srv.listens_on(port) => Some(srv),
                _ => None,
            })
    }

    /// The server listening on `port` in this process or its jobs exits with `code`.
    pub fn exit_server(&mut self, port: u16, code: i32) {
        let state = std::iter::once(&mut self.state)
            .chain(self.jobs.iter_mut().map(|j| &mut j.state))
            .find(|s| matches!(s, State::Serving(srv) if srv.listens_on(port)));
        if let Some(s) = state {
            *s = State::Exited(code);
        }
        if matches!(self.state, State::Exited(_)) {
            self.status = code;
        }
    }

    /// The container runtime's stop signal (SIGTERM) to this process as PID 1: a
    /// server that handles it exits; a shell with `trap ... TERM` runs the action once
    /// its current command (a `sleep`) has finished; anything else ignores it, as the
    /// kernel delivers no default-action signal to PID 1 (SIGKILL ends it later).
    pub fn terminate(&mut self) -> Stop {
        match &self.state {
            State::Exited(code) => Stop::Exited(*code),
            State::Serving(server) => match server.stop_status() {
                Some(code) => {
                    self.state = State::Exited(code);
                    self.jobs.clear();
                    Stop::Exited(code)
                }
                None => Stop::Ignored,
            },
            _ => match self.traps.get("TERM") {
                Some(action) if !action.is_empty() => {
                    self.pending_trap = Some("TERM".into());
                    if self.waiting_jobs {
                        // A trapped signal ends `wait` at once.
                        self.state = State::Runnable;
                    }
                    Stop::Handling
                }
                _ => Stop::Ignored,
            },
        }
    }

    /// Sets the action of a trapped signal that arrived to run next: the script is
    /// put aside where it stopped and goes on after the action (unless it exits).
    fn enter_trap(&mut self) {
        let Some(signal) = self.pending_trap.take() else {
            return;
        };
        let Some(Ok(action)) = self.traps.get(&signal).map(|a| parse(a)) else {
            return;
        };
        let script = std::mem::replace(&mut self.script, action);
        self.interrupted = Some(Box::new(Interrupted {
            script,
            resume: std::mem::take(&mut self.resume),
            scopes: std::mem::take(&mut self.scopes),
            status: self.status,
        }));
    }

    fn run_main(&mut self, host: &mut dyn Host) {
        match self.state {
            State::Sleeping(t) if t > host.now() => return,
            State::Exited(_) | State::Serving(_) => return,
            _ => {}
        }
        self.state = State::Runnable;
        self.enter_trap();
        loop {
            let script = std::mem::take(&mut self.script);
            let mut ex = exec::Exec::new(self, host);
            let flow = ex.run_top(&script);
            drop(ex);
            self.script = script;
            match flow {
                exec::Flow::Suspend => return,
                exec::Flow::Exit | exec::Flow::Abort => {}
                _ => {
                    // A trap's action ended without `exit`: the script goes on.
                    if let Some(i) = self.interrupted.take() {
                        self.script = i.script;
                        self.resume = i.resume;
                        self.scopes = i.scopes;
                        self.status = i.status;
                        continue;
                    }
                }
            }
            self.interrupted = None;
            if matches!(self.state, State::Runnable | State::Busy) {
                self.state = State::Exited(self.status);
            }
            return;
        }
    }

    /// Runs one line typed at an interactive shell to completion; returns its output.
    pub fn run_line(&mut self, host: &mut dyn Host, line: &str) -> Vec<(Stream, Vec<u8>)> {
        match parse(line) {
            Err(e) => {
                self.status = 2;
                let msg = format!("{}: {}\n", self.name, bash_syntax(&e));
                self.output.push((Stream::Stderr, msg.into_bytes()));
            }
            Ok(script) => {
                self.resume.clear();
                self.scopes.clear();
                self.substitutions.clear();
                self.state = State::Runnable;
                let mut ex = exec::Exec::new(self, host);
                let flow = ex.run_top(&script);
                drop(ex);
                // A limit stopped the line (exec::Flow::Abort): the shell stays, with
                // the limit's status.
                if let exec::Flow::Exit = flow {
                    self.logged_out = true;
                    self.state = State::Exited(self.status);
                } else {
                    self.state = State::Exited(0);
                    self.resume.clear();
                }
            }
        }
        self.take_output()
    }

    /// `alias NAME=VALUE`, as the shell's setup would run it.
    pub fn set_alias(&mut self, name: &str, value: &str) {
        self.aliases.insert(name.to_string(), value.to_string());
    }

    /// Gives the process its standard input (all of it: the writer has closed it).
    pub fn set_stdin(&mut self, data: Vec<u8>) {
        self.stdin = Some(data);
    }

    /// The shell's name (`sh`, `bash`, `-bash`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether `exit` was typed at this interactive shell.
    pub fn exited(&self) -> bool {
        self.interactive && self.logged_out
    }

    /// Makes the process run to completion in one go (sleeps return at once).
    pub fn make_foreground(&mut self) {
        self.foreground = true;
    }

    /// Whether sudo still has this user's credentials (15 minutes, as sudo caches).
    pub fn sudo_fresh(&self, now: SimTime) -> bool {
        self.sudo_until.is_some_and(|t| now < t)
    }

    pub fn sudo_touch(&mut self, now: SimTime) {
        self.sudo_until = Some(now.plus_ms(15 * 60 * 1000));
    }

    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// The working directory as a prompt shows it: `~` for HOME (`default_home` when
    /// the environment has none) and `~/...` below it.
    pub fn prompt_dir(&self, default_home: &str) -> String {
        let home = self.env.get("HOME").map_or(default_home, String::as_str);
        let cwd = self.cwd.as_str();
        if cwd == home {
            "~".to_string()
        } else if let Some(rest) = cwd.strip_prefix(home).and_then(|r| r.strip_prefix('/')) {
            format!("~/{rest}")
        } else {
            cwd.to_string()
        }
    }

    /// The prompt's last character: `#` for root, `$` for anyone else.
    pub fn sigil(&self) -> char {
        if self.user.uid == 0 {
            '#'
        } else {
            '$'
        }
    }

    pub fn status(&self) -> i32 {
        self.status
    }
}

/// Whether `text` is an unfinished command that more lines would complete (an open
/// here-document, `if`, loop, quote or substitution, or a line ending in `|`, `&&`).
pub fn opens(text: &str) -> bool {
    parse(text).is_err_and(|e| e.unexpected.starts_with("end of file"))
}

fn bash_syntax(e: &SyntaxError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests;
