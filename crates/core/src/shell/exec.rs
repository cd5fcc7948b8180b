//! Running a parsed script: expansion, redirections, control flow and suspension.

use super::parse::{AndOr, Command, Compound, Pipeline, Redir, RedirOp, Script, Word};
use super::pattern::glob_match;
use super::{programs, Cursor, Host, Process, State, Stream, System, STEP_BUDGET};
use crate::fs::{self, normalize};
use std::collections::BTreeMap;

/// How a construct finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Next,
    Break(u32),
    Continue(u32),
    /// `exit`: unwind everything (status is in the process).
    Exit,
    /// Stopped: sleeping, serving or out of budget. Cursors say where.
    Suspend,
}

/// Where a stream goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    Log(Stream),
    Capture(usize),
    File(String),
    Null,
}

/// A command's standard streams.
#[derive(Debug, Clone)]
pub struct Io {
    pub out: Dest,
    pub err: Dest,
    pub input: Option<Vec<u8>>,
}

/// A run of a process against its host. `H` is what the program being run sees of the
/// host: the shell itself sees `dyn Host`; a program registered by a higher module sees
/// that module's own host interface (see [`Parts::attach`]).
pub struct Exec<'a, H: ?Sized + 'a = dyn Host + 'a> {
    pub p: &'a mut Process,
    pub host: &'a mut H,
    pub(super) f: Frame,
}

/// The run's own bookkeeping, carried across a hand-over to a host program.
#[derive(Debug, Default)]
pub struct Frame {
    pub(super) steps: u32,
    pub(super) captures: Vec<Vec<u8>>,
    /// Inside a pipeline or `$(...)`: nothing may suspend.
    pub(super) no_suspend: u32,
    pub(super) depth: u32,
}

/// A run without its host: what the shell hands to [`Host::run_program`], which
/// attaches itself (as the interface its programs want) again.
pub struct Parts<'x> {
    p: &'x mut Process,
    f: &'x mut Frame,
}

impl<'x> Parts<'x> {
    /// Runs `run` over this process with `host` as its host.
    pub fn attach<'h, H: Host + ?Sized>(
        self,
        host: &'h mut H,
        run: impl FnOnce(&mut Exec<'h, H>) -> Flow,
    ) -> Flow
    where
        'x: 'h,
    {
        let mut ex = Exec {
            p: self.p,
            host,
            f: std::mem::take(self.f),
        };
        let flow = run(&mut ex);
        *self.f = ex.f;
        flow
    }
}

/// Deepest recursion of nested constructs and substitutions at run time.
pub(super) const MAX_DEPTH: u32 = 200;

/// What every program may use, whichever host interface it sees.
impl<'a, H: Host + ?Sized + 'a> Exec<'a, H> {
    pub fn now(&self) -> crate::clock::SimTime {
        self.host.now()
    }

    pub fn status(&mut self, code: i32) {
        self.p.status = code;
    }

    /// Writes to a stream.
    pub fn write(&mut self, dest: &Dest, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match dest {
            Dest::Log(s) => match self.p.output.last_mut() {
                Some((last, buf)) if last == s && buf.len() < 1 << 16 => {
                    buf.extend_from_slice(data)
                }
                _ => {
                    // Bounded: a runaway loop cannot grow it without limit in one run.
                    if self.p.output.len() < 100_000 {
                        self.p.output.push((*s, data.to_vec()));
                    }
                }
            },
            Dest::Capture(i) => {
                if let Some(b) = self.f.captures.get_mut(*i) {
                    if b.len() < fs::MAX_FILE_BYTES {
                        b.extend_from_slice(data);
                    }
                }
            }
            Dest::File(path) => {
                let now = self.host.now();
                let (view, user) = (self.p.view.clone(), self.p.user);
                let _ = self.host.fs().write(&view, path, data, true, user, now);
            }
            Dest::Null => {}
        }
    }

    pub fn out(&mut self, io: &Io, text: &str) {
        let d = io.out.clone();
        self.write(&d, text.as_bytes());
    }

    pub fn err(&mut self, io: &Io, text: &str) {
        let d = io.err.clone();
        self.write(&d, text.as_bytes());
    }

    /// The shell's own error prefix (`sh: `, `-bash: `).
    pub fn shell_name(&self) -> &str {
        &self.p.name
    }

    pub fn interactive(&self) -> bool {
        self.p.interactive
    }

    pub fn can_suspend(&self) -> bool {
        self.f.no_suspend == 0
    }

    /// The positional parameters, for `sh -c` children.
    pub fn set_args(&mut self, args: Vec<String>) {
        self.p.args = args;
    }

    pub fn env_map(&self) -> &BTreeMap<String, String> {
        &self.p.env
    }

    /// Sets the exit status; the program is done.
    pub fn done(&mut self, code: i32) -> Flow {
        self.status(code);
        Flow::Next
    }

    /// This run as the shell sees it, for a program that runs commands itself (`sudo`).
    pub fn shell<R>(&mut self, run: impl FnOnce(&mut Exec<'_>) -> R) -> R
    where
        H: Sized,
    {
        let mut ex = Exec {
            p: &mut *self.p,
            host: &mut *self.host as &mut dyn Host,
            f: std::mem::take(&mut self.f),
        };
        let r = run(&mut ex);
        self.f = ex.f;
        r
    }
}

impl<'a> Exec<'a> {
    /// This run without its host, for a program the host runs.
    pub fn parts(&mut self) -> (&mut dyn Host, Parts<'_>) {
        let Exec { p, host, f } = self;
        (&mut **host, Parts { p, f })
    }

    pub fn new(p: &'a mut Process, host: &'a mut dyn Host) -> Exec<'a> {
        let no_suspend = u32::from(p.interactive || p.foreground);
        Exec {
            p,
            host,
            f: Frame {
                steps: 0,
                captures: Vec::new(),
                no_suspend,
                depth: 0,
            },
        }
    }

    pub fn run_top(&mut self, script: &Script) -> Flow {
        let io = Io {
            out: Dest::Log(Stream::Stdout),
            err: Dest::Log(Stream::Stderr),
            input: self.p.stdin.take(),
        };
        match self.script(script, &io) {
            Flow::Break(_) | Flow::Continue(_) => Flow::Next,
            f => f,
        }
    }

    pub(super) fn resuming(&mut self) -> Option<Cursor> {
        self.p.resume.pop()
    }

    pub fn script(&mut self, s: &Script, io: &Io) -> Flow {
        let start = match self.resuming() {
            Some(Cursor::Seq(i)) => i,
            Some(other) => {
                // Out of step with the script: start over cleanly.
                self.p.resume.push(other);
                self.p.resume.clear();
                0
            }
            None => 0,
        };
        for (i, item) in s.0.iter().enumerate().skip(start) {
            if item.background {
                // `cmd &`: a job that runs alongside; the shell goes on at once.
                let mut job = item.clone();
                job.background = false;
                if self.p.jobs.len() < 64 {
                    let child = self.p.job(Script(vec![job]));
                    self.p.jobs.push(child);
                }
                self.p.status = 0;
                continue;
            }
            match self.and_or(item, io) {
                Flow::Next => {}
                Flow::Suspend => {
                    self.p.resume.push(Cursor::Seq(i));
                    return Flow::Suspend;
                }
                f => return f,
            }
        }
        Flow::Next
    }

    pub(super) fn and_or(&mut self, a: &AndOr, io: &Io) -> Flow {
        let mut k = match self.resuming() {
            Some(Cursor::AndOr(k)) => k,
            _ => 0,
        };
        let resumed = !self.p.resume.is_empty();
        let mut skip_run = false;
        if !resumed && k > 0 {
            // Resumed after pipeline k finished (cannot happen: pipelines keep cursors).
            skip_run = true;
        }
        loop {
            let p = if k == 0 { &a.first } else { &a.rest[k - 1].1 };
            if !skip_run {
                match self.pipeline(p, io) {
                    Flow::Next => {}
                    Flow::Suspend => {
                        self.p.resume.push(Cursor::AndOr(k));
                        return Flow::Suspend;
                    }
                    f => return f,
                }
            }
            skip_run = false;
            // Find the next pipeline that runs given the status.
            let mut next = k + 1;
            while next <= a.rest.len() {
                let and = a.rest[next - 1].0;
                if and == (self.p.status == 0) {
                    break;
                }
                next += 1;
            }
            if next > a.rest.len() {
                return Flow::Next;
            }
            k = next;
        }
    }

    pub(super) fn pipeline(&mut self, p: &Pipeline, io: &Io) -> Flow {
        if p.commands.len() == 1 {
            if let Some(c) = self.resuming() {
                if c != Cursor::Pipe {
                    self.p.resume.clear();
                }
            }
            let f = self.command(&p.commands[0], io);
            if f == Flow::Suspend {
                self.p.resume.push(Cursor::Pipe);
                return f;
            }
            if p.negate {
                self.p.status = i32::from(self.p.status == 0);
            }
            return f;
        }
        // Stages run one after another, each reading what the previous one wrote.
        self.f.no_suspend += 1;
        let mut input = io.input.clone();
        let mut flow = Flow::Next;
        let n = p.commands.len();
        for (i, c) in p.commands.iter().enumerate() {
            let last = i + 1 == n;
            let slot = self.f.captures.len();
            self.f.captures.push(Vec::new());
            let stage = Io {
                out: if last {
                    io.out.clone()
                } else {
                    Dest::Capture(slot)
                },
                err: io.err.clone(),
                input: input.take(),
            };
            flow = self.command(c, &stage);
            let captured = self.f.captures.pop().unwrap_or_default();
            input = Some(captured);
            if flow == Flow::Exit {
                // `exit` in a pipeline stage ends only that stage (a subshell).
                flow = Flow::Next;
            }
        }
        self.f.no_suspend -= 1;
        if p.negate {
            self.p.status = i32::from(self.p.status == 0);
        }
        flow
    }

    pub(super) fn command(&mut self, c: &Command, io: &Io) -> Flow {
        match c {
            Command::Simple {
                assigns,
                words,
                redirs,
            } => self.simple(assigns, words, redirs, io),
            Command::Compound(comp, redirs) => {
                let resumed = match self.resuming() {
                    Some(Cursor::Compound) => true,
                    Some(_) => {
                        self.p.resume.clear();
                        false
                    }
                    None => false,
                };
                let Some(io) = self.redirect(redirs, io, resumed) else {
                    self.p.status = 1;
                    return Flow::Next;
                };
                self.f.depth += 1;
                let f = if self.f.depth > MAX_DEPTH {
                    let name = self.p.name.clone();
                    self.err(&io, &format!("{name}: nesting too deep\n"));
                    self.p.status = 2;
                    Flow::Exit
                } else {
                    self.compound(comp, &io)
                };
                self.f.depth -= 1;
                if f == Flow::Suspend {
                    self.p.resume.push(Cursor::Compound);
                }
                f
            }
        }
    }

    /// Counts a step; out of budget, the process yields (or, where it cannot, stops).
    pub(super) fn step(&mut self) -> Option<Flow> {
        self.f.steps += 1;
        if self.f.steps <= STEP_BUDGET {
            return None;
        }
        if self.can_suspend() {
            self.p.state = State::Busy;
            return Some(Flow::Suspend);
        }
        if self.f.steps > STEP_BUDGET * 5 {
            self.p.status = 124;
            return Some(Flow::Exit);
        }
        None
    }

    pub(super) fn compound(&mut self, c: &Compound, io: &Io) -> Flow {
        match c {
            Compound::Brace(s) => self.script(s, io),
            Compound::Subshell(s) => {
                let (env, cwd) = match self.resuming() {
                    Some(Cursor::Subshell { env, cwd }) => (env, cwd),
                    _ => (self.p.env.clone(), self.p.cwd.clone()),
                };
                let f = self.script(s, io);
                if f == Flow::Suspend {
                    self.p.resume.push(Cursor::Subshell { env, cwd });
                    return f;
                }
                self.p.env = env;
                self.p.cwd = cwd;
                Flow::Next
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                let (mut branch, in_cond) = match self.resuming() {
                    Some(Cursor::If { branch, in_cond }) => (branch, in_cond),
                    _ => (0, true),
                };
                while branch < branches.len() {
                    let (cond, body) = &branches[branch];
                    if in_cond {
                        match self.script(cond, io) {
                            Flow::Next => {}
                            Flow::Suspend => {
                                self.p.resume.push(Cursor::If { branch, in_cond });
                                return Flow::Suspend;
                            }
                            f => return f,
                        }
                        if self.p.status != 0 {
                            branch += 1;
                            continue;
                        }
                    }
                    let f = self.script(body, io);
                    if f == Flow::Suspend {
                        self.p.resume.push(Cursor::If {
                            branch,
                            in_cond: false,
                        });
                    }
                    return f;
                }
                let _ = in_cond;
                match otherwise {
                    Some(body) => {
                        let f = self.script(body, io);
                        if f == Flow::Suspend {
                            self.p.resume.push(Cursor::If {
                                branch,
                                in_cond: false,
                            });
                        }
                        f
                    }
                    None => {
                        self.p.status = 0;
                        Flow::Next
                    }
                }
            }
            Compound::Loop { cond, body, until } => {
                let mut in_body = match self.resuming() {
                    Some(Cursor::Loop { in_body }) => in_body,
                    _ => false,
                };
                let mut last = 0;
                loop {
                    if !in_body {
                        if let Some(f) = self.step() {
                            if f == Flow::Suspend {
                                self.p.resume.push(Cursor::Loop { in_body: false });
                            }
                            return f;
                        }
                        match self.script(cond, io) {
                            Flow::Next => {}
                            Flow::Suspend => {
                                self.p.resume.push(Cursor::Loop { in_body: false });
                                return Flow::Suspend;
                            }
                            Flow::Break(_) => break,
                            Flow::Continue(_) => continue,
                            Flow::Exit => return Flow::Exit,
                        }
                        if (self.p.status == 0) == *until {
                            break;
                        }
                    }
                    in_body = false;
                    match self.script(body, io) {
                        Flow::Next => last = self.p.status,
                        Flow::Suspend => {
                            self.p.resume.push(Cursor::Loop { in_body: true });
                            return Flow::Suspend;
                        }
                        Flow::Break(n) if n > 1 => return Flow::Break(n - 1),
                        Flow::Break(_) => break,
                        Flow::Continue(n) if n > 1 => return Flow::Continue(n - 1),
                        Flow::Continue(_) => {}
                        Flow::Exit => return Flow::Exit,
                    }
                }
                self.p.status = last;
                Flow::Next
            }
            Compound::Case { word, arms } => {
                let arm = match self.resuming() {
                    Some(Cursor::Case(i)) => Some(i),
                    _ => {
                        let Some(value) = self.expand_one(word, io) else {
                            return Flow::Next;
                        };
                        let mut found = None;
                        'arms: for (i, (patterns, _)) in arms.iter().enumerate() {
                            for p in patterns {
                                let Some(p) = self.expand_one(p, io) else {
                                    return Flow::Next;
                                };
                                if glob_match(&p, &value) {
                                    found = Some(i);
                                    break 'arms;
                                }
                            }
                        }
                        found
                    }
                };
                let Some(i) = arm else {
                    self.p.status = 0;
                    return Flow::Next;
                };
                self.p.status = 0;
                let f = self.script(&arms[i].1, io);
                if f == Flow::Suspend {
                    self.p.resume.push(Cursor::Case(i));
                }
                f
            }
            Compound::For { var, words, body } => {
                let (values, mut idx, mut started) = match self.resuming() {
                    Some(Cursor::For {
                        values,
                        idx,
                        started,
                    }) => (values, idx, started),
                    _ => {
                        let values = match words {
                            Some(ws) => match self.expand(ws, io) {
                                Some(v) => v,
                                None => return Flow::Next,
                            },
                            None => self.p.args.iter().skip(1).cloned().collect(),
                        };
                        (values, 0, false)
                    }
                };
                if !started {
                    self.p.status = 0;
                }
                while idx < values.len() {
                    if !started {
                        if let Some(f) = self.step() {
                            if f == Flow::Suspend {
                                self.p.resume.push(Cursor::For {
                                    values,
                                    idx,
                                    started: false,
                                });
                            }
                            return f;
                        }
                        self.p.env.insert(var.clone(), values[idx].clone());
                    }
                    started = false;
                    match self.script(body, io) {
                        Flow::Next | Flow::Continue(1) => {}
                        Flow::Suspend => {
                            self.p.resume.push(Cursor::For {
                                values,
                                idx,
                                started: true,
                            });
                            return Flow::Suspend;
                        }
                        Flow::Break(n) if n > 1 => return Flow::Break(n - 1),
                        Flow::Break(_) => break,
                        Flow::Continue(n) => return Flow::Continue(n - 1),
                        Flow::Exit => return Flow::Exit,
                    }
                    idx += 1;
                }
                Flow::Next
            }
        }
    }

    pub(super) fn simple(
        &mut self,
        assigns: &[(String, Word)],
        words: &[Word],
        redirs: &[Redir],
        io: &Io,
    ) -> Flow {
        match self.resuming() {
            Some(Cursor::Done) => {
                self.p.status = 0;
                return Flow::Next;
            }
            Some(Cursor::Redo) | None => {}
            Some(_) => self.p.resume.clear(),
        }
        if let Some(f) = self.step() {
            if f == Flow::Suspend {
                self.p.resume.push(Cursor::Redo);
            }
            return f;
        }
        let Some(argv) = self.expand(words, io) else {
            return Flow::Next;
        };
        let mut values = Vec::new();
        for (name, w) in assigns {
            let Some(v) = self.expand_one(w, io) else {
                return Flow::Next;
            };
            values.push((name.clone(), v));
        }
        let Some(io) = self.redirect(redirs, io, false) else {
            self.p.status = 1;
            return Flow::Next;
        };
        if argv.is_empty() {
            for (n, v) in values {
                self.p.env.insert(n, v);
            }
            if assigns.is_empty() {
                self.p.status = 0;
            }
            return Flow::Next;
        }
        let saved: Vec<(String, Option<String>)> = values
            .iter()
            .map(|(n, _)| (n.clone(), self.p.env.get(n).cloned()))
            .collect();
        for (n, v) in values {
            self.p.env.insert(n, v);
        }
        self.f.depth += 1;
        let f = if self.f.depth > MAX_DEPTH {
            self.p.status = 2;
            Flow::Exit
        } else {
            programs::run(self, &argv, &io)
        };
        self.f.depth -= 1;
        for (n, old) in saved {
            match old {
                Some(v) => self.p.env.insert(n, v),
                None => self.p.env.remove(&n),
            };
        }
        if f == Flow::Suspend {
            self.p.resume.push(Cursor::Done);
        }
        f
    }

    /// Applies redirections; on failure prints the shell's error and gives `None`.
    pub(super) fn redirect(&mut self, redirs: &[Redir], io: &Io, resumed: bool) -> Option<Io> {
        let mut io = io.clone();
        for r in redirs {
            let target = self.expand_one(&r.target, &io)?;
            let path = normalize(&self.p.cwd, &target);
            match r.op {
                RedirOp::Dup => {
                    let d = match target.as_str() {
                        "1" => io.out.clone(),
                        "2" => io.err.clone(),
                        _ => {
                            let name = self.p.name.clone();
                            self.err(&io, &format!("{name}: {target}: bad file descriptor\n"));
                            return None;
                        }
                    };
                    match r.fd {
                        1 => io.out = d,
                        2 => io.err = d,
                        _ => {}
                    }
                }
                RedirOp::In => match self.host.fs().read(&self.p.view, &path) {
                    Ok(d) => io.input = Some(d.to_vec()),
                    Err(e) => {
                        let msg = self.open_error(&target, e, false);
                        self.err(&io, &msg);
                        return None;
                    }
                },
                RedirOp::Out | RedirOp::Append => {
                    let dest = if matches!(target.as_str(), "/dev/stdout") {
                        io.out.clone()
                    } else if matches!(target.as_str(), "/dev/stderr") {
                        io.err.clone()
                    } else {
                        let truncate = r.op == RedirOp::Out && !resumed;
                        let now = self.host.now();
                        let (view, user) = (self.p.view.clone(), self.p.user);
                        if let Err(e) = self
                            .host
                            .fs()
                            .write(&view, &path, b"", !truncate, user, now)
                        {
                            let msg = self.open_error(&target, e, true);
                            self.err(&io, &msg);
                            return None;
                        }
                        Dest::File(path)
                    };
                    match r.fd {
                        1 => io.out = dest,
                        2 => io.err = dest,
                        _ => {}
                    }
                }
            }
        }
        Some(io)
    }

    pub(super) fn open_error(&self, target: &str, e: fs::Errno, create: bool) -> String {
        if self.p.system == System::Node {
            format!("{}: {target}: {e}\n", self.p.name)
        } else {
            let verb = if create { "create" } else { "open" };
            let e = if e == fs::Errno::NoEnt && create {
                "nonexistent directory".to_string()
            } else {
                e.to_string()
            };
            format!("{}: can't {verb} {target}: {e}\n", self.p.name)
        }
    }
}
