//! Builtins: what the shell does itself.

use super::{args, base, done, Program, ShellFn};
use crate::fs::{normalize, Errno};
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::{State, System};

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::builtin(":", |ex, _, _| done(ex, 0)),
    Program::builtin("true", |ex, _, _| done(ex, 0)),
    Program::builtin("false", |ex, _, _| done(ex, 1)),
    Program::builtin("echo", |ex, argv, io| echo(ex, args(argv), io)),
    Program::builtin("printf", |ex, argv, io| printf(ex, args(argv), io)),
    Program::builtin("cd", |ex, argv, io| cd(ex, args(argv), io)),
    Program::builtin("pwd", pwd),
    Program::builtin("export", export),
    Program::builtin("unset", unset),
    Program::builtin("exit", exit),
    Program::builtin("break", break_continue),
    Program::builtin("continue", break_continue),
    Program::builtin("sleep", |ex, argv, io| sleep(ex, args(argv), io)),
    Program::builtin("test", |ex, argv, io| test(ex, base(argv), args(argv), io)),
    Program::builtin("[", |ex, argv, io| test(ex, base(argv), args(argv), io)),
    Program::builtin("set", set),
    Program::builtin("read", |ex, argv, io| read(ex, args(argv), io)),
    Program::builtin("exec", exec),
    Program::builtin("command", command),
    Program::builtin("type", type_),
    Program::builtin("local", local),
    Program::builtin("return", return_),
    Program::builtin("trap", trap),
    Program::builtin("wait", wait),
];

/// `wait`: until every background job has exited (a trapped signal ends it sooner).
fn wait(ex: &mut Exec, _argv: &[String], _io: &Io) -> Flow {
    let live =
        ex.p.jobs
            .iter()
            .any(|j| !matches!(j.state, State::Exited(_)));
    if !live || !ex.can_suspend() {
        ex.p.waiting_jobs = false;
        return done(ex, 0);
    }
    ex.p.waiting_jobs = true;
    // The shell sleeps while its jobs run; `Process::run` wakes it when they are gone.
    ex.p.state = State::Sleeping(ex.now());
    ex.status(0);
    Flow::Suspend
}

/// The signals `trap` knows, by number: ash's names.
const SIGNALS: &[(u8, &str)] = &[
    (0, "EXIT"),
    (1, "HUP"),
    (2, "INT"),
    (3, "QUIT"),
    (9, "KILL"),
    (10, "USR1"),
    (12, "USR2"),
    (14, "ALRM"),
    (15, "TERM"),
];

/// A signal as `trap` takes it: `TERM`, `SIGTERM`, `term` or `15`.
fn signal_name(arg: &str) -> Option<&'static str> {
    if let Ok(n) = arg.parse::<u8>() {
        return SIGNALS.iter().find(|(k, _)| *k == n).map(|(_, s)| *s);
    }
    let upper = arg.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS.iter().find(|(_, s)| *s == name).map(|(_, s)| *s)
}

/// `trap [ACTION SIGNAL...]`: what the shell does when a signal arrives (`-` resets,
/// an empty action ignores it); without arguments, the traps set, as ash prints them.
fn trap(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let mut args = args(argv);
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    if args.is_empty() {
        let listing: String =
            ex.p.traps
                .iter()
                .map(|(sig, action)| format!("trap -- '{}' {sig}\n", action.replace('\'', "'\\''")))
                .collect();
        ex.out(io, &listing);
        return done(ex, 0);
    }
    let shell = ex.shell_name().to_string();
    // A lone number-free argument is the action with no signal: POSIX resets nothing.
    let (action, signals) = match args.split_first() {
        Some((first, rest)) if !rest.is_empty() => (Some(first.clone()), rest),
        Some((first, _)) if signal_name(first).is_some() => (None, args),
        _ => {
            ex.err(io, &format!("{shell}: trap: {}: bad trap\n", args[0]));
            return done(ex, 1);
        }
    };
    let mut status = 0;
    for sig in signals {
        let Some(name) = signal_name(sig) else {
            ex.err(io, &format!("{shell}: trap: {sig}: bad trap\n"));
            status = 1;
            continue;
        };
        match action.as_deref() {
            None | Some("-") => {
                ex.p.traps.remove(name);
            }
            Some(a) => {
                ex.p.traps.insert(name.to_string(), a.to_string());
            }
        }
    }
    done(ex, status)
}

/// `local NAME[=VALUE]...`: variables of the function being run, restored when it
/// returns.
fn local(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    if ex.p.scopes.is_empty() {
        let shell = ex.shell_name().to_string();
        ex.err(
            io,
            &format!("{shell}: local: can only be used in a function\n"),
        );
        return done(ex, 1);
    }
    for a in args(argv) {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        let old = ex.p.env.get(name).cloned();
        if let Some(scope) = ex.p.scopes.last_mut() {
            if !scope.locals.iter().any(|(n, _)| n == name) {
                scope.locals.push((name.to_string(), old));
            }
        }
        if let Some(v) = value {
            ex.p.env.insert(name.to_string(), v);
        }
    }
    done(ex, 0)
}

/// `return [N]`: leaves the function being run with status N (default: the last).
fn return_(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    if ex.p.scopes.is_empty() {
        let shell = ex.shell_name().to_string();
        ex.err(
            io,
            &format!("{shell}: return: can only `return' from a function or sourced script\n"),
        );
        return done(ex, 1);
    }
    let code = args(argv)
        .first()
        .and_then(|a| a.parse::<i32>().ok())
        .unwrap_or(ex.p.status);
    ex.status(code & 0xff);
    Flow::Return
}

/// `command -v NAME...` prints how each would run (a path, or the name of a builtin or
/// function), exit 1 for one not found; `command -V` says it as `type` does;
/// `command NAME ARGS` runs the program NAME, passing over a function of that name.
fn command(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let rest = args(argv);
    match rest.first().map(String::as_str) {
        Some("-v") => {
            let mut code = 0;
            for a in &rest[1..] {
                let line = if ex.p.functions.contains_key(a) {
                    Some(a.clone())
                } else {
                    match ex.host.program(ex.p.system, a) {
                        Some(found)
                            if found.kind() == super::Kind::Builtin && found.name() == a =>
                        {
                            Some(a.clone())
                        }
                        Some(_) if a.contains('/') => Some(a.clone()),
                        Some(_) => Some(format!("/usr/bin/{a}")),
                        None => None,
                    }
                };
                match line {
                    Some(l) => ex.out(io, &format!("{l}\n")),
                    None => code = 1,
                }
            }
            done(ex, code)
        }
        Some("-V") => {
            let mut all = vec![argv[0].clone()];
            all.extend(rest[1..].iter().cloned());
            type_(ex, &all, io)
        }
        _ => exec(ex, argv, io),
    }
}

/// `set -- a b c` (or `set a b c`) sets the positional parameters.
fn set(ex: &mut Exec, argv: &[String], _io: &Io) -> Flow {
    let args = args(argv);
    let rest: Vec<String> = match args.first().map(String::as_str) {
        Some("--") => args[1..].to_vec(),
        Some(a) if a.starts_with('-') || a.starts_with('+') => return done(ex, 0),
        _ => args.to_vec(),
    };
    if !args.is_empty() {
        let zero = ex.p.args.first().cloned().unwrap_or_else(|| "sh".into());
        let mut all = vec![zero];
        all.extend(rest);
        ex.set_args(all);
    }
    done(ex, 0)
}

fn pwd(ex: &mut Exec, _argv: &[String], io: &Io) -> Flow {
    let cwd = ex.p.cwd.clone();
    ex.out(io, &format!("{cwd}\n"));
    done(ex, 0)
}

fn export(ex: &mut Exec, argv: &[String], _io: &Io) -> Flow {
    for a in args(argv) {
        if let Some((k, v)) = a.split_once('=') {
            ex.p.env.insert(k.to_string(), v.to_string());
        }
    }
    done(ex, 0)
}

fn unset(ex: &mut Exec, argv: &[String], _io: &Io) -> Flow {
    let args = args(argv);
    let functions = args.first().is_some_and(|a| a == "-f");
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        if functions {
            ex.p.functions.remove(a);
        } else {
            ex.p.env.remove(a);
        }
    }
    done(ex, 0)
}

fn exit(ex: &mut Exec, argv: &[String], _io: &Io) -> Flow {
    let code = args(argv)
        .first()
        .and_then(|a| a.parse::<i32>().ok())
        .unwrap_or(ex.p.status);
    ex.status(code & 0xff);
    Flow::Exit
}

fn break_continue(ex: &mut Exec, argv: &[String], _io: &Io) -> Flow {
    let n = args(argv)
        .first()
        .and_then(|a| a.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    ex.status(0);
    if base(argv) == "break" {
        Flow::Break(n)
    } else {
        Flow::Continue(n)
    }
}

/// `exec CMD`, `command CMD`: runs CMD.
fn exec(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let args = args(argv);
    if args.is_empty() {
        return done(ex, 0);
    }
    super::run(ex, args, io)
}

fn type_(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    for a in args(argv) {
        if ex.p.functions.contains_key(a) {
            // dash says "shell function"; bash and busybox's ash "function".
            let what = if ex.p.name.contains("bash")
                || !matches!(ex.p.system, System::Nginx | System::Redis)
            {
                "a function"
            } else {
                "a shell function"
            };
            ex.out(io, &format!("{a} is {what}\n"));
            continue;
        }
        let line = match ex.host.program(ex.p.system, a) {
            Some(found) if found.kind() == super::Kind::Builtin && found.name() == a => {
                format!("{a} is a shell builtin\n")
            }
            Some(_) => format!("{a} is /usr/bin/{a}\n"),
            None => format!("{a}: not found\n"),
        };
        ex.out(io, &line);
    }
    done(ex, 0)
}

fn echo(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut newline = true;
    // dash and busybox ash interpret escapes; bash needs -e.
    let mut escapes = matches!(ex.p.system, System::Nginx | System::Redis);
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&text);
        text = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    ex.out(io, &text);
    done(ex, 0)
}

/// Backslash escapes of echo and printf; `\c` stops output.
fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('0') => {}
            Some('c') => return (out, true),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let Some(format) = args.first() else {
        ex.err(io, "printf: usage: printf format [arguments]\n");
        return done(ex, 2);
    };
    let mut rest = args[1..].iter();
    let mut out = String::new();
    loop {
        let mut used = false;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let (t, _) = unescape(&format!("\\{}", chars.next().unwrap_or('\\')));
                out.push_str(&t);
            } else if c == '%' {
                let mut spec = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() || d == '-' || d == '.' {
                        spec.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let conv = chars.next().unwrap_or('%');
                if conv == '%' {
                    out.push('%');
                    continue;
                }
                used = true;
                let arg = rest.next().cloned().unwrap_or_default();
                let left = spec.starts_with('-');
                let width: usize = spec
                    .trim_start_matches('-')
                    .split('.')
                    .next()
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(0);
                let text = match conv {
                    'd' | 'i' => arg.trim().parse::<i64>().unwrap_or(0).to_string(),
                    'b' => unescape(&arg).0,
                    _ => arg,
                };
                if left {
                    out.push_str(&format!("{text:<width$}"));
                } else {
                    out.push_str(&format!("{text:>width$}"));
                }
            } else {
                out.push(c);
            }
        }
        if !used || rest.len() == 0 {
            break;
        }
    }
    ex.out(io, &out);
    done(ex, 0)
}

fn cd(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let target = match args.first() {
        Some(t) if t == "-" => ex
            .env_map()
            .get("OLDPWD")
            .cloned()
            .unwrap_or_else(|| ex.p.cwd.clone()),
        Some(t) => t.clone(),
        None => ex
            .env_map()
            .get("HOME")
            .cloned()
            .unwrap_or_else(|| "/".into()),
    };
    let path = normalize(&ex.p.cwd, &target);
    let err = match ex.host.fs().stat(&ex.p.view, &path) {
        Ok(st) if st.is_dir => {
            if !(ex.p.user.uid == 0
                || st.mode & 0o001 != 0
                || (st.uid == ex.p.user.uid && st.mode & 0o100 != 0))
            {
                Some(Errno::Access)
            } else {
                None
            }
        }
        Ok(_) => Some(Errno::NotDir),
        Err(e) => Some(e),
    };
    if let Some(e) = err {
        let shell = ex.shell_name().to_string();
        let msg = if matches!(ex.p.system, System::Node | System::DebugTools) {
            format!("{shell}: cd: {target}: {e}\n")
        } else {
            format!("{shell}: cd: can't cd to {target}: {e}\n")
        };
        ex.err(io, &msg);
        return done(ex, if ex.p.system == System::Node { 1 } else { 2 });
    }
    let old = std::mem::replace(&mut ex.p.cwd, path.clone());
    ex.p.env.insert("OLDPWD".into(), old);
    ex.p.env.insert("PWD".into(), path);
    done(ex, 0)
}

/// `sleep 5`, `sleep 0.5`, `sleep 1m`, `sleep infinity`.
fn sleep(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut total: u64 = 0;
    if args.is_empty() {
        ex.err(io, "sleep: missing operand\n");
        return done(ex, 1);
    }
    for a in args {
        let ms = if a == "infinity" {
            Some(u64::MAX / 4)
        } else {
            let (num, unit) = match a.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
                Some((i, _)) => (&a[..i], &a[i..]),
                None => (a.as_str(), "s"),
            };
            let mult = match unit {
                "s" => 1000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                "d" => 86_400_000.0,
                _ => -1.0,
            };
            num.parse::<f64>()
                .ok()
                .filter(|n| *n >= 0.0 && mult > 0.0 && n.is_finite())
                .map(|n| (n * mult).min(1e15) as u64)
        };
        match ms {
            Some(ms) => total = total.saturating_add(ms),
            None => {
                ex.err(io, &format!("sleep: invalid time interval '{a}'\n"));
                return done(ex, 1);
            }
        }
    }
    ex.status(0);
    if !ex.can_suspend() || total == 0 {
        return Flow::Next;
    }
    let until = ex.now().plus_ms(total);
    ex.p.state = State::Sleeping(until);
    Flow::Suspend
}

fn test(ex: &mut Exec, name: &str, args: &[String], io: &Io) -> Flow {
    let mut args: Vec<String> = args.to_vec();
    if name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            let shell = ex.shell_name().to_string();
            ex.err(io, &format!("{shell}: [: missing ]\n"));
            return done(ex, 2);
        }
        args.pop();
    }
    match eval_test(ex, &args) {
        Ok(b) => done(ex, i32::from(!b)),
        Err(e) => {
            let shell = ex.shell_name().to_string();
            ex.err(io, &format!("{shell}: {name}: {e}\n"));
            done(ex, 2)
        }
    }
}

/// Why `test` cannot evaluate its arguments; shown as the shell words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestError {
    UnaryExpected(String),
    BinaryExpected(String),
    IntegerExpected(String),
    TooManyArguments,
}

impl std::fmt::Display for TestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestError::UnaryExpected(op) => write!(f, "{op}: unary operator expected"),
            TestError::BinaryExpected(op) => write!(f, "{op}: binary operator expected"),
            TestError::IntegerExpected(s) => write!(f, "{s}: integer expression expected"),
            TestError::TooManyArguments => f.write_str("too many arguments"),
        }
    }
}

fn eval_test(ex: &mut Exec, args: &[String]) -> Result<bool, TestError> {
    // -o binds loosest, then -a.
    if let Some(i) = args.iter().position(|a| a == "-o") {
        return Ok(eval_test(ex, &args[..i])? || eval_test(ex, &args[i + 1..])?);
    }
    if let Some(i) = args.iter().position(|a| a == "-a") {
        if i > 0 {
            return Ok(eval_test(ex, &args[..i])? && eval_test(ex, &args[i + 1..])?);
        }
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        [] => Ok(false),
        ["!", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            Ok(!eval_test(ex, &rest)?)
        }
        [s] => Ok(!s.is_empty()),
        [op, arg] => {
            let path = normalize(&ex.p.cwd, arg);
            let st = ex.host.fs().stat(&ex.p.view, &path);
            Ok(match *op {
                "-z" => arg.is_empty(),
                "-n" => !arg.is_empty(),
                "-e" => st.is_ok(),
                "-d" => st.is_ok_and(|s| s.is_dir),
                "-f" => st.is_ok_and(|s| !s.is_dir && s.device.is_none()),
                "-c" => st.is_ok_and(|s| s.device.is_some()),
                "-s" => st.is_ok_and(|s| s.size > 0),
                "-r" | "-w" | "-x" => st.is_ok(),
                "-L" | "-h" => false,
                _ => return Err(TestError::UnaryExpected(op.to_string())),
            })
        }
        [l, op, r] => {
            let num = |s: &str| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| TestError::IntegerExpected(s.to_string()))
            };
            Ok(match *op {
                "=" | "==" => l == r,
                "!=" => l != r,
                "-eq" => num(l)? == num(r)?,
                "-ne" => num(l)? != num(r)?,
                "-lt" => num(l)? < num(r)?,
                "-le" => num(l)? <= num(r)?,
                "-gt" => num(l)? > num(r)?,
                "-ge" => num(l)? >= num(r)?,
                _ => return Err(TestError::BinaryExpected(op.to_string())),
            })
        }
        _ => Err(TestError::TooManyArguments),
    }
}

fn read(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let input = io.input.clone().unwrap_or_default();
    let text = String::from_utf8_lossy(&input);
    let line = text.lines().next().unwrap_or("");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut words = line.split_whitespace();
    for (i, n) in names.iter().enumerate() {
        let v = if i + 1 == names.len() {
            words.by_ref().collect::<Vec<_>>().join(" ")
        } else {
            words.next().unwrap_or("").to_string()
        };
        ex.p.env.insert((*n).clone(), v);
    }
    done(ex, i32::from(input.is_empty()))
}
