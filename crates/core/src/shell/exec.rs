//! Running a parsed script: expansion, redirections, control flow and suspension.

use super::parse::{AndOr, Command, Compound, Part, Pipeline, Redir, RedirOp, Script, Word};
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
    f: Frame,
}

/// The run's own bookkeeping, carried across a hand-over to a host program.
#[derive(Debug, Default)]
pub struct Frame {
    steps: u32,
    captures: Vec<Vec<u8>>,
    /// Inside a pipeline or `$(...)`: nothing may suspend.
    no_suspend: u32,
    depth: u32,
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
const MAX_DEPTH: u32 = 200;

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
        (&mut **host, Parts { p: &mut **p, f })
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

    fn resuming(&mut self) -> Option<Cursor> {
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

    fn and_or(&mut self, a: &AndOr, io: &Io) -> Flow {
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

    fn pipeline(&mut self, p: &Pipeline, io: &Io) -> Flow {
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

    fn command(&mut self, c: &Command, io: &Io) -> Flow {
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
    fn step(&mut self) -> Option<Flow> {
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

    fn compound(&mut self, c: &Compound, io: &Io) -> Flow {
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

    fn simple(
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
    fn redirect(&mut self, redirs: &[Redir], io: &Io, resumed: bool) -> Option<Io> {
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

    fn open_error(&self, target: &str, e: fs::Errno, create: bool) -> String {
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

    /// Expands words into fields.
    pub fn expand(&mut self, words: &[Word], io: &Io) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for w in words {
            self.expand_word(w, io, true, &mut out)?;
        }
        Some(out)
    }

    /// Expands a word without field splitting (assignments, redirection targets).
    pub fn expand_one(&mut self, w: &Word, io: &Io) -> Option<String> {
        let mut out = Vec::new();
        self.expand_word(w, io, false, &mut out)?;
        Some(out.join(" "))
    }

    fn param(&mut self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.p.status.to_string()),
            "#" => Some(self.p.args.len().saturating_sub(1).to_string()),
            "$" => Some("1".into()),
            "!" => Some(String::new()),
            "@" | "*" => Some(
                self.p
                    .args
                    .iter()
                    .skip(1)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| self.p.args.get(i).cloned()),
            n => self.p.env.get(n).cloned(),
        }
    }

    fn expand_word(&mut self, w: &Word, io: &Io, split: bool, out: &mut Vec<String>) -> Option<()> {
        // Fields under construction; `glob` marks unquoted pattern characters.
        let mut fields: Vec<(String, bool)> = Vec::new();
        let mut cur = String::new();
        let mut have = false;
        let mut glob = false;
        let push_split = |text: &str,
                          cur: &mut String,
                          have: &mut bool,
                          glob: &mut bool,
                          fields: &mut Vec<(String, bool)>,
                          pattern: bool| {
            if !split {
                cur.push_str(text);
                *have = true;
                return;
            }
            for ch in text.chars() {
                if ch == ' ' || ch == '\t' || ch == '\n' {
                    if *have || !cur.is_empty() {
                        fields.push((std::mem::take(cur), *glob));
                        *have = false;
                        *glob = false;
                    }
                } else {
                    if pattern && (ch == '*' || ch == '?' || (ch == '[' && text.contains(']'))) {
                        *glob = true;
                    }
                    cur.push(ch);
                }
            }
        };
        for (i, part) in w.0.iter().enumerate() {
            match part {
                Part::Lit(s) => {
                    let s = if i == 0 && (s == "~" || s.starts_with("~/")) {
                        let home = self
                            .p
                            .env
                            .get("HOME")
                            .cloned()
                            .unwrap_or_else(|| "/".into());
                        format!("{home}{}", &s[1..])
                    } else {
                        s.clone()
                    };
                    if !split {
                        cur.push_str(&s);
                        have = true;
                    } else {
                        for (k, ch) in s.char_indices() {
                            // `[` is a pattern only with a closing `]` after it.
                            if ch == '*' || ch == '?' || (ch == '[' && s[k..].contains(']')) {
                                glob = true;
                            }
                            cur.push(ch);
                        }
                        have = true;
                    }
                }
                Part::Quoted(s) => {
                    // Quoted glob characters must not match: escape them for the matcher.
                    for ch in s.chars() {
                        if glob_special(ch) {
                            cur.push('\u{0}');
                        }
                        cur.push(ch);
                    }
                    have = true;
                }
                Part::Param { name, op, quoted } => {
                    let mut v = self.param(name);
                    if let Some((op, word)) = op.as_ref().filter(|(o, _)| o.starts_with(['#', '%']))
                    {
                        let value = v.clone().unwrap_or_default();
                        v = Some(if op == "#len" {
                            value.chars().count().to_string()
                        } else {
                            let pattern = self.expand_one(word, io)?;
                            trim_pattern(&value, &pattern, op)
                        });
                    } else if let Some((op, word)) = op {
                        let colon = op.starts_with(':');
                        let unset = v.is_none() || (colon && v.as_deref() == Some(""));
                        match op.trim_start_matches(':') {
                            "-" if unset => v = Some(self.expand_one(word, io)?),
                            "=" if unset => {
                                let d = self.expand_one(word, io)?;
                                self.p.env.insert(name.clone(), d.clone());
                                v = Some(d);
                            }
                            "+" => {
                                v = if unset {
                                    Some(String::new())
                                } else {
                                    Some(self.expand_one(word, io)?)
                                }
                            }
                            "?" if unset => {
                                let msg = self.expand_one(word, io)?;
                                let msg = if msg.is_empty() {
                                    "parameter not set".to_string()
                                } else {
                                    msg
                                };
                                let shell = self.p.name.clone();
                                self.err(io, &format!("{shell}: {name}: {msg}\n"));
                                self.p.status = 1;
                                return None;
                            }
                            _ => {}
                        }
                    }
                    let v = v.unwrap_or_default();
                    if *quoted && name == "@" && split {
                        let args: Vec<String> = self.p.args.iter().skip(1).cloned().collect();
                        let n = args.len();
                        for (k, a) in args.into_iter().enumerate() {
                            cur.push_str(&a);
                            have = true;
                            if k + 1 < n {
                                fields.push((std::mem::take(&mut cur), glob));
                                glob = false;
                            }
                        }
                    } else if *quoted {
                        for ch in v.chars() {
                            if glob_special(ch) {
                                cur.push('\u{0}');
                            }
                            cur.push(ch);
                        }
                        have = true;
                    } else {
                        push_split(&v, &mut cur, &mut have, &mut glob, &mut fields, true);
                    }
                }
                Part::Subst { script, quoted } => {
                    let text = self.capture(script, io);
                    let text = text.trim_end_matches('\n').to_string();
                    if *quoted {
                        cur.push_str(&text);
                        have = true;
                    } else {
                        push_split(&text, &mut cur, &mut have, &mut glob, &mut fields, false);
                    }
                }
                Part::Arith { expr, quoted } => {
                    let expr = self.expand_arith_text(expr);
                    match arith(&expr, &self.p.env) {
                        Ok(n) => {
                            let text = n.to_string();
                            if *quoted {
                                cur.push_str(&text);
                                have = true;
                            } else {
                                push_split(
                                    &text,
                                    &mut cur,
                                    &mut have,
                                    &mut glob,
                                    &mut fields,
                                    false,
                                );
                            }
                        }
                        Err(e) => {
                            let shell = self.p.name.clone();
                            self.err(io, &format!("{shell}: arithmetic syntax error: {e}\n"));
                            self.p.status = 2;
                            return None;
                        }
                    }
                }
            }
        }
        if have || !cur.is_empty() {
            fields.push((cur, glob));
        }
        for (f, glob) in fields {
            if glob && split {
                let matches = self.glob(&f);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(f.replace('\u{0}', ""));
        }
        Some(())
    }

    /// `$x` inside `$((...))` is substituted before evaluation.
    fn expand_arith_text(&mut self, expr: &str) -> String {
        let mut out = String::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' {
                let mut name = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        name.push(c);
                    }
                } else {
                    while let Some(&c) = chars.peek() {
                        if c.is_ascii_alphanumeric()
                            || c == '_'
                            || (name.is_empty() && "?#".contains(c))
                        {
                            name.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push_str(&self.param(&name).unwrap_or_default());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Runs a script and returns what it wrote to stdout (`$(...)`).
    pub fn capture(&mut self, script: &Script, io: &Io) -> String {
        let slot = self.f.captures.len();
        self.f.captures.push(Vec::new());
        let sub = Io {
            out: Dest::Capture(slot),
            err: io.err.clone(),
            input: None,
        };
        let env = self.p.env.clone();
        let cwd = self.p.cwd.clone();
        let resume = std::mem::take(&mut self.p.resume);
        self.f.no_suspend += 1;
        self.f.depth += 1;
        if self.f.depth <= MAX_DEPTH {
            let _ = self.script(script, &sub);
        }
        self.f.depth -= 1;
        self.f.no_suspend -= 1;
        self.p.resume = resume;
        self.p.env = env;
        self.p.cwd = cwd;
        let bytes = self.f.captures.pop().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Runs a nested script (`sh -c` inside a script) to completion on `io`.
    pub fn capture_into(&mut self, script: &Script, io: &Io) -> Flow {
        let resume = std::mem::take(&mut self.p.resume);
        self.f.no_suspend += 1;
        self.f.depth += 1;
        let f = if self.f.depth <= MAX_DEPTH {
            self.script(script, io)
        } else {
            Flow::Next
        };
        self.f.depth -= 1;
        self.f.no_suspend -= 1;
        self.p.resume = resume;
        f
    }

    /// Pathname expansion, sorted; no match gives nothing (the caller keeps the word).
    fn glob(&mut self, pattern: &str) -> Vec<String> {
        let absolute = pattern.starts_with('/');
        let mut candidates: Vec<String> = vec![if absolute { "/".into() } else { String::new() }];
        let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let mut next = Vec::new();
            for base in &candidates {
                let join = |name: &str| {
                    if base.is_empty() {
                        name.to_string()
                    } else if base.ends_with('/') {
                        format!("{base}{name}")
                    } else {
                        format!("{base}/{name}")
                    }
                };
                if !part.contains(['*', '?', '[']) {
                    let lit = part.replace('\u{0}', "");
                    let p = join(&lit);
                    if last
                        || self
                            .host
                            .fs()
                            .exists(&self.p.view, &normalize(&self.p.cwd, &p))
                    {
                        next.push(p);
                    }
                    continue;
                }
                let dir = normalize(&self.p.cwd, if base.is_empty() { "." } else { base });
                let view = self.p.view.clone();
                if let Ok(entries) = self.host.fs().list(&view, &dir) {
                    for (name, st) in entries {
                        if name.starts_with('.') && !part.starts_with('.') {
                            continue;
                        }
                        if (last || st.is_dir) && glob_match(part, &name) {
                            next.push(join(&name));
                        }
                    }
                }
            }
            candidates = next;
        }
        if !pattern.ends_with('/') {
            candidates.retain(|c| {
                self.host
                    .fs()
                    .exists(&self.p.view, &normalize(&self.p.cwd, c))
            });
        }
        crate::sort::sort(&mut candidates);
        candidates
    }
}

/// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`: the value without the shortest or longest
/// prefix or suffix matching the pattern.
fn trim_pattern(value: &str, pattern: &str, op: &str) -> String {
    let cuts: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain([value.len()])
        .collect();
    match op {
        "#" => cuts
            .iter()
            .find(|&&i| glob_match(pattern, &value[..i]))
            .map(|&i| value[i..].to_string()),
        "##" => cuts
            .iter()
            .rev()
            .find(|&&i| glob_match(pattern, &value[..i]))
            .map(|&i| value[i..].to_string()),
        "%" => cuts
            .iter()
            .rev()
            .find(|&&i| glob_match(pattern, &value[i..]))
            .map(|&i| value[..i].to_string()),
        _ => cuts
            .iter()
            .find(|&&i| glob_match(pattern, &value[i..]))
            .map(|&i| value[..i].to_string()),
    }
    .unwrap_or_else(|| value.to_string())
}

fn glob_special(c: char) -> bool {
    matches!(c, '*' | '?' | '[')
}

/// Shell pattern matching (`*`, `?`, `[a-z]`, `[!x]`); `\0` before a character makes
/// it literal.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn go(p: &[char], n: &[char]) -> bool {
        let (mut pi, mut ni) = (0, 0);
        let (mut star_p, mut star_n) = (usize::MAX, 0);
        while ni < n.len() {
            let (matched, width) = match p.get(pi) {
                Some('\u{0}') => (p.get(pi + 1) == Some(&n[ni]), 2),
                Some('?') => (true, 1),
                Some('*') => {
                    star_p = pi;
                    star_n = ni;
                    pi += 1;
                    continue;
                }
                Some('[') => match class(&p[pi..], n[ni]) {
                    Some((m, w)) => (m, w),
                    None => (n[ni] == '[', 1),
                },
                Some(c) => (*c == n[ni], 1),
                None => (false, 1),
            };
            if matched {
                pi += width;
                ni += 1;
            } else if star_p != usize::MAX {
                pi = star_p + 1;
                star_n += 1;
                ni = star_n;
            } else {
                return false;
            }
        }
        while p.get(pi) == Some(&'*') {
            pi += 1;
        }
        pi == p.len()
    }
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 1;
        let negate = matches!(p.get(1), Some('!' | '^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while let Some(&ch) = p.get(i) {
            if ch == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
                let hi = p[i + 2];
                if ch <= c && c <= hi {
                    matched = true;
                }
                i += 3;
            } else {
                if ch == c {
                    matched = true;
                }
                i += 1;
            }
        }
        None
    }
    go(&p, &n)
}

/// `$((...))`: integers with + - * / % comparisons, && || and parentheses.
pub fn arith(expr: &str, env: &BTreeMap<String, String>) -> Result<i64, String> {
    struct P<'a> {
        t: Vec<String>,
        i: usize,
        env: &'a BTreeMap<String, String>,
        depth: u32,
    }
    impl P<'_> {
        fn peek(&self) -> Option<&str> {
            self.t.get(self.i).map(String::as_str)
        }
        fn bin(&mut self, level: usize) -> Result<i64, String> {
            const LEVELS: &[&[&str]] = &[
                &["||"],
                &["&&"],
                &["==", "!="],
                &["<", "<=", ">", ">="],
                &["+", "-"],
                &["*", "/", "%"],
            ];
            if level == LEVELS.len() {
                return self.unary();
            }
            let mut l = self.bin(level + 1)?;
            while let Some(op) = self
                .peek()
                .filter(|o| LEVELS[level].contains(o))
                .map(str::to_string)
            {
                self.i += 1;
                let r = self.bin(level + 1)?;
                l = match op.as_str() {
                    "||" => i64::from(l != 0 || r != 0),
                    "&&" => i64::from(l != 0 && r != 0),
                    "==" => i64::from(l == r),
                    "!=" => i64::from(l != r),
                    "<" => i64::from(l < r),
                    "<=" => i64::from(l <= r),
                    ">" => i64::from(l > r),
                    ">=" => i64::from(l >= r),
                    "+" => l.wrapping_add(r),
                    "-" => l.wrapping_sub(r),
                    "*" => l.wrapping_mul(r),
                    "/" | "%" if r == 0 => return Err("division by zero".into()),
                    "/" => l.wrapping_div(r),
                    _ => l.wrapping_rem(r),
                };
            }
            Ok(l)
        }
        fn unary(&mut self) -> Result<i64, String> {
            self.depth += 1;
            if self.depth > 200 {
                return Err("expression too deep".into());
            }
            let r = match self.peek() {
                Some("-") => {
                    self.i += 1;
                    self.unary().map(i64::wrapping_neg)
                }
                Some("+") => {
                    self.i += 1;
                    self.unary()
                }
                Some("!") => {
                    self.i += 1;
                    self.unary().map(|v| i64::from(v == 0))
                }
                Some("(") => {
                    self.i += 1;
                    let v = self.bin(0)?;
                    if self.peek() != Some(")") {
                        return Err("missing )".into());
                    }
                    self.i += 1;
                    Ok(v)
                }
                Some(tok) => {
                    let tok = tok.to_string();
                    self.i += 1;
                    if tok.chars().all(|c| c.is_ascii_digit()) {
                        tok.parse().map_err(|_| format!("{tok}: value too great"))
                    } else if super::parse::is_name(&tok) {
                        let v = self
                            .env
                            .get(&tok)
                            .map(|s| s.trim().to_string())
                            .unwrap_or_default();
                        if v.is_empty() {
                            Ok(0)
                        } else {
                            v.parse().map_err(|_| v.clone())
                        }
                    } else {
                        Err(tok)
                    }
                }
                None => Err("expression expected".into()),
            };
            self.depth -= 1;
            r
        }
    }
    let mut t = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let s = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            t.push(chars[s..i].iter().collect());
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["||", "&&", "==", "!=", "<=", ">="].contains(&two.as_str()) {
                t.push(two);
                i += 2;
            } else {
                t.push(c.to_string());
                i += 1;
            }
        }
    }
    let mut p = P {
        t,
        i: 0,
        env,
        depth: 0,
    };
    let v = p.bin(0)?;
    match p.peek() {
        None => Ok(v),
        Some(x) => Err(x.to_string()),
    }
}
