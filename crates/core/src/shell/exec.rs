//! Running a parsed script: expansion, redirections, control flow and suspension.

use super::parse::{AndOr, Command, Compound, Pipeline, Redir, RedirOp, Script, Word};
use super::pattern::glob_match;
use super::{
    programs, Cursor, Host, Process, Scope, State, Stream, System, LINE_STEPS, STEP_BUDGET,
};
use crate::fs::{self, normalize, Errno};

pub(super) use super::limits::Pipe;
pub use super::limits::{Limit, MAX_OUTPUT, MAX_PIPE, YIELD_OUTPUT};
use std::collections::BTreeMap;

/// How a construct finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Next,
    Break(u32),
    Continue(u32),
    /// `exit`: unwind everything (status is in the process).
    Exit,
    /// `return`: unwind to the function being run.
    Return,
    /// A limit stopped the command ([`Frame::limit`] says which): unwind everything,
    /// but an interactive shell stays (as after `timeout` killed what it ran).
    Abort,
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
    pub(super) captures: Vec<Pipe>,
    /// Inside a pipeline or `$(...)`: nothing may suspend.
    pub(super) no_suspend: u32,
    pub(super) depth: u32,
    /// The limit that stopped the command, once one did.
    pub(super) limit: Option<Limit>,
    /// Bytes printed (to the process's output) in this run.
    pub(super) printed: usize,
    /// A write to a file failed while the current program ran.
    pub(super) write_error: Option<Errno>,
    /// The current pipeline stage's input was cut at [`MAX_PIPE`] while its writer
    /// went on; cleared by a reader that stops early ([`Exec::close_input`]).
    pub(super) input_cut: bool,
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
/// Deepest recursion of shell functions (bash's FUNCNEST wording when passed).
pub(super) const MAX_FUNCTION_NESTING: usize = 60;

/// What every program may use, whichever host interface it sees.
impl<'a, H: Host + ?Sized + 'a> Exec<'a, H> {
    pub fn now(&self) -> crate::clock::SimTime {
        self.host.now()
    }

    pub fn status(&mut self, code: i32) {
        self.p.status = code;
    }

    /// Writes to a stream. Past a limit the write is cut short: printing past
    /// [`MAX_OUTPUT`] stops the command, a pipe keeps [`MAX_PIPE`] bytes, and a file
    /// write that fails is reported when the program ends (`write error: File too
    /// large`), the file filled up to the size limit as the kernel does.
    pub fn write(&mut self, dest: &Dest, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match dest {
            Dest::Log(s) => {
                // A new chunk costs a little too: alternating streams cannot pile up.
                let joins = matches!(self.p.output.last(), Some((last, buf)) if last == s && buf.len() < 1 << 16);
                let cost = data.len() + if joins { 0 } else { 64 };
                let room = MAX_OUTPUT.saturating_sub(self.f.printed);
                let data = if cost > room {
                    self.f.limit.get_or_insert(Limit::Output);
                    &data[..room.min(data.len())]
                } else {
                    data
                };
                self.f.printed = self.f.printed.saturating_add(cost).min(MAX_OUTPUT);
                if data.is_empty() {
                    return;
                }
                match self.p.output.last_mut() {
                    Some((last, buf)) if joins && last == s => buf.extend_from_slice(data),
                    _ => self.p.output.push((*s, data.to_vec())),
                }
            }
            Dest::Capture(i) => {
                if let Some(pipe) = self.f.captures.get_mut(*i) {
                    let room = MAX_PIPE.saturating_sub(pipe.data.len());
                    if data.len() > room {
                        pipe.cut = true;
                    }
                    pipe.data.extend_from_slice(&data[..room.min(data.len())]);
                }
            }
            Dest::File(path) => {
                let now = self.host.now();
                let (view, user) = (self.p.view.clone(), self.p.user);
                let fs = self.host.fs();
                match fs.write(&view, path, data, true, user, now) {
                    Ok(()) => {}
                    Err(Errno::TooLarge) => {
                        // Filled up to the limit, as a write past RLIMIT_FSIZE is.
                        let size = fs.stat(&view, path).map_or(0, |s| s.size as usize);
                        let room = fs::MAX_FILE_BYTES.saturating_sub(size).min(data.len());
                        let _ = fs.write(&view, path, &data[..room], true, user, now);
                        self.f.write_error.get_or_insert(Errno::TooLarge);
                    }
                    Err(e) => {
                        self.f.write_error.get_or_insert(e);
                    }
                }
            }
            Dest::Null => {}
        }
    }

    /// Whether writing more to `dest` is pointless: a limit stopped the command, a
    /// write failed, or the pipe is full. Endless writers (`seq`, `dd`) stop there.
    pub fn blocked(&self, dest: &Dest) -> bool {
        self.f.limit.is_some()
            || self.f.write_error.is_some()
            || matches!(dest, Dest::Capture(i) if self.f.captures.get(*i).is_none_or(|p| p.cut))
    }

    /// [`Exec::blocked`], or (where the process can yield) this run printed its share:
    /// a writer that can start over at the next run (`yes`) yields there.
    pub fn full(&self, dest: &Dest) -> bool {
        self.blocked(dest)
            || (matches!(dest, Dest::Log(_))
                && self.can_suspend()
                && self.f.printed >= YIELD_OUTPUT)
    }

    /// Takes the error a file write met while this program ran (it reports it itself).
    pub fn take_write_error(&mut self) -> Option<Errno> {
        self.f.write_error.take()
    }

    /// The program stopped reading its input before the end (`head`): a writer that
    /// would have gone on past the pipe's limit does not matter then.
    pub fn close_input(&mut self) {
        self.f.input_cut = false;
    }

    /// Counts `n` steps of a program's own loop (`yes`, `seq`, `dd`): past the line's
    /// budget the command is stopped. Such a loop never yields (it cannot resume
    /// midway); `Some(Flow::Abort)` means stop now.
    pub fn tick(&mut self, n: u32) -> Option<Flow> {
        self.f.steps = self.f.steps.saturating_add(n);
        if self.f.steps > LINE_STEPS {
            self.f.limit.get_or_insert(Limit::Steps);
        }
        self.f.limit.map(|_| Flow::Abort)
    }

    /// The flow after an expansion or redirection failed: `Abort` when a limit did it.
    pub fn stopped(&self) -> Flow {
        if self.f.limit.is_some() {
            Flow::Abort
        } else {
            Flow::Next
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
                no_suspend,
                ..Frame::default()
            },
        }
    }

    pub fn run_top(&mut self, script: &Script) -> Flow {
        let io = Io {
            out: Dest::Log(Stream::Stdout),
            err: Dest::Log(Stream::Stderr),
            input: self.p.stdin.take(),
        };
        let flow = match self.script(script, &io) {
            Flow::Break(_) | Flow::Continue(_) | Flow::Return => Flow::Next,
            f => f,
        };
        // A limit met by the last command, or one that stopped the run.
        match self.f.limit {
            Some(limit) if flow != Flow::Suspend => {
                if let Some(msg) = limit.message() {
                    self.p.output.push((Stream::Stderr, msg.into_bytes()));
                }
                self.p.status = limit.status();
                Flow::Abort
            }
            _ => flow,
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
        let mut cut = false;
        let mut flow = Flow::Next;
        let n = p.commands.len();
        let outer_cut = self.f.input_cut;
        for (i, c) in p.commands.iter().enumerate() {
            let last = i + 1 == n;
            let slot = self.f.captures.len();
            self.f.captures.push(Pipe::default());
            // The last stage reading a cut pipe prints only once it is known to have
            // stopped reading early (else it would still be waiting).
            let held = last && cut;
            if held {
                self.f.captures.push(Pipe::default());
            }
            let stage = Io {
                out: if last && !held {
                    io.out.clone()
                } else {
                    Dest::Capture(slot + usize::from(held))
                },
                err: io.err.clone(),
                input: input.take(),
            };
            self.f.input_cut = cut;
            flow = self.command(c, &stage);
            let waiting = std::mem::take(&mut self.f.input_cut);
            if held {
                let printed = self.f.captures.pop().unwrap_or_default();
                if !waiting {
                    self.write(&io.out, &printed.data);
                }
            }
            if waiting {
                // The reader read all its writer had before the pipe's limit, and the
                // writer had more: it would have waited for the rest.
                self.f.limit.get_or_insert(Limit::Pipe);
            }
            let captured = self.f.captures.pop().unwrap_or_default();
            input = Some(captured.data);
            cut = captured.cut;
            if matches!(flow, Flow::Exit | Flow::Return) {
                // `exit` in a pipeline stage ends only that stage (a subshell).
                flow = Flow::Next;
            }
            if self.f.limit.is_some() {
                flow = Flow::Abort;
                break;
            }
        }
        self.f.input_cut = outer_cut;
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
            Command::Function { name, body } => {
                self.p.functions.insert(name.clone(), (**body).clone());
                self.p.status = 0;
                Flow::Next
            }
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
                    return self.stopped();
                };
                self.f.depth += 1;
                let f = if self.f.depth > MAX_DEPTH {
                    self.too_deep(&io)
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

    /// Counts a step. Out of its run's budget (steps, or what it printed), a process
    /// that can yield does; one that cannot (a command line, `kubectl exec`, inside a
    /// pipeline or `$(...)`) goes on up to [`LINE_STEPS`], and is stopped there.
    pub(super) fn step(&mut self) -> Option<Flow> {
        if self.f.limit.is_some() {
            return Some(Flow::Abort);
        }
        self.f.steps += 1;
        if self.can_suspend() && (self.f.steps > STEP_BUDGET || self.f.printed >= YIELD_OUTPUT) {
            self.p.state = State::Busy;
            return Some(Flow::Suspend);
        }
        if self.f.steps > LINE_STEPS {
            self.f.limit = Some(Limit::Steps);
            return Some(Flow::Abort);
        }
        None
    }

    /// Nesting past [`MAX_DEPTH`]: says so and stops the command.
    pub(super) fn too_deep(&mut self, io: &Io) -> Flow {
        let name = self.p.name.clone();
        self.err(
            io,
            &format!("{name}: nesting too deep (the shell's limit is {MAX_DEPTH} levels)\n"),
        );
        self.f.limit.get_or_insert(Limit::Nesting);
        Flow::Abort
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
                if f == Flow::Abort {
                    return f;
                }
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
                            f @ (Flow::Exit | Flow::Return | Flow::Abort) => return f,
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
                        f @ (Flow::Exit | Flow::Return | Flow::Abort) => return f,
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
                            return self.stopped();
                        };
                        let mut found = None;
                        'arms: for (i, (patterns, _)) in arms.iter().enumerate() {
                            for p in patterns {
                                let Some(p) = self.expand_one(p, io) else {
                                    return self.stopped();
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
                                None => return self.stopped(),
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
                        f @ (Flow::Exit | Flow::Return | Flow::Abort) => return f,
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
            Some(Cursor::Call(name)) => return self.call(&name, None, io),
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
            return self.stopped();
        };
        let argv = programs::expand_alias(self.p, words.first(), argv);
        let mut values = Vec::new();
        for (name, w) in assigns {
            let Some(v) = self.expand_one(w, io) else {
                return self.stopped();
            };
            values.push((name.clone(), v));
        }
        let Some(io) = self.redirect(redirs, io, false) else {
            self.p.status = 1;
            return self.stopped();
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
            self.too_deep(&io)
        } else if self.p.functions.contains_key(&argv[0]) {
            self.call(&argv[0].clone(), Some(&argv), &io)
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
        if f == Flow::Suspend && !matches!(self.p.resume.last(), Some(Cursor::Call(_))) {
            // A program that yielded out of budget (`yes`) runs again; one that
            // sleeps or serves is done when resumed.
            let again = matches!(self.p.state, State::Busy) || self.p.waiting_jobs;
            self.p
                .resume
                .push(if again { Cursor::Redo } else { Cursor::Done });
        }
        f
    }

    /// Runs the function `name` with `argv` (`None`: resuming inside it).
    fn call(&mut self, name: &str, argv: Option<&[String]>, io: &Io) -> Flow {
        let Some(body) = self.p.functions.get(name).cloned() else {
            self.p.resume.clear();
            return Flow::Next;
        };
        if let Some(argv) = argv {
            if self.p.scopes.len() >= MAX_FUNCTION_NESTING {
                let shell = self.p.name.clone();
                self.err(
                    io,
                    &format!("{shell}: {name}: maximum function nesting level exceeded ({MAX_FUNCTION_NESTING})\n"),
                );
                self.f.limit.get_or_insert(Limit::Nesting);
                self.p.status = 2;
                return Flow::Abort;
            }
            let mut args = vec![self.p.args.first().cloned().unwrap_or_default()];
            args.extend(argv.iter().skip(1).cloned());
            let saved = std::mem::replace(&mut self.p.args, args);
            self.p.scopes.push(Scope {
                args: saved,
                locals: Vec::new(),
            });
        }
        let f = self.command(&body, io);
        if f == Flow::Suspend {
            self.p.resume.push(Cursor::Call(name.to_string()));
            return f;
        }
        if let Some(scope) = self.p.scopes.pop() {
            self.p.args = scope.args;
            for (n, old) in scope.locals.into_iter().rev() {
                match old {
                    Some(v) => self.p.env.insert(n, v),
                    None => self.p.env.remove(&n),
                };
            }
        }
        match f {
            Flow::Return => Flow::Next,
            f => f,
        }
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
                RedirOp::HereDoc => io.input = Some(target.into_bytes()),
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
