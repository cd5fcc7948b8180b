//! The programs a shell can run: builtins, the coreutils/busybox subset, and the
//! network and server programs (wget, curl, git, nginx, redis, the demo apps). Which
//! exist depends on the system (image or node) the process runs on.

use super::exec::{Exec, Flow, Io};
use super::{Request, Server, State, Stream, System};
use crate::clock::SimTime;
use crate::fs::{self, normalize, user_name, Errno, User};
use crate::net::{parse_url, HttpRequest, NetError};
use std::collections::BTreeMap;

const BUILTINS: &[&str] = &[
    ":", "true", "false", "echo", "printf", "cd", "pwd", "export", "unset", "exit", "break",
    "continue", "sleep", "test", "[", "set", "read", "exec", "command", "type",
];

const COREUTILS: &[&str] = &[
    "cat", "ls", "mkdir", "rm", "rmdir", "touch", "cp", "mv", "date", "hostname", "uname",
    "whoami", "id", "env", "printenv", "head", "tail", "wc", "grep", "sort", "sh", "seq",
    "basename", "dirname",
];

/// Programs beyond the common set, per system.
fn extras(system: System) -> &'static [&'static str] {
    match system {
        System::Busybox => &["ash", "wget", "nslookup", "httpd", "nc"],
        System::Nginx => &[
            "bash",
            "dash",
            "curl",
            "nginx",
            "/docker-entrypoint.sh",
            "docker-entrypoint.sh",
        ],
        System::Redis => &[
            "bash",
            "dash",
            "redis-server",
            "redis-cli",
            "docker-entrypoint.sh",
        ],
        System::Demo => &[
            "ash",
            "wget",
            "nslookup",
            "demo-tea",
            "demo-coffee",
            "/demo",
            "nc",
        ],
        System::DebugTools => &[
            "bash",
            "ash",
            "git",
            "curl",
            "wget",
            "redis-cli",
            "nslookup",
            "socat",
            "nc",
        ],
        System::Node => &[
            "bash",
            "sudo",
            "su",
            "git",
            "curl",
            "wget",
            "ssh",
            "kubectl",
            "systemctl",
            "nc",
        ],
    }
}

pub fn available(system: System, name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    BUILTINS.contains(&base)
        || COREUTILS.contains(&base)
        || extras(system).contains(&base)
        || extras(system).contains(&name)
}

fn done(ex: &mut Exec, code: i32) -> Flow {
    ex.status(code);
    Flow::Next
}

/// Runs one program with its arguments.
pub fn run(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let name = argv[0].as_str();
    let base = name.rsplit('/').next().unwrap_or(name);
    if !available(ex.p.system, name) {
        let shell = ex.shell_name().to_string();
        let msg = if ex.p.system == System::Node {
            format!("{name}: command not found\n")
        } else if matches!(ex.p.system, System::Nginx | System::Redis) {
            format!("{shell}: 1: {name}: not found\n")
        } else {
            format!("{shell}: {name}: not found\n")
        };
        ex.err(io, &msg);
        return done(ex, 127);
    }
    let args = &argv[1..];
    match base {
        ":" | "true" => done(ex, 0),
        "set" => {
            // `set -- a b c` (or `set a b c`) sets the positional parameters.
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
        "httpd" => httpd(ex, args, io),
        "false" => done(ex, 1),
        "echo" => echo(ex, args, io),
        "printf" => printf(ex, args, io),
        "pwd" => {
            let cwd = ex.p.cwd.clone();
            ex.out(io, &format!("{cwd}\n"));
            done(ex, 0)
        }
        "cd" => cd(ex, args, io),
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    ex.p.env.insert(k.to_string(), v.to_string());
                }
            }
            done(ex, 0)
        }
        "unset" => {
            for a in args {
                ex.p.env.remove(a);
            }
            done(ex, 0)
        }
        "exit" => {
            let code = args
                .first()
                .and_then(|a| a.parse::<i32>().ok())
                .unwrap_or(ex.p.status);
            ex.status(code & 0xff);
            Flow::Exit
        }
        "break" | "continue" => {
            let n = args
                .first()
                .and_then(|a| a.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1);
            ex.status(0);
            if base == "break" {
                Flow::Break(n)
            } else {
                Flow::Continue(n)
            }
        }
        "sleep" => sleep(ex, args, io),
        "test" | "[" => test(ex, base, args, io),
        "exec" | "command" => {
            if args.is_empty() {
                return done(ex, 0);
            }
            run(ex, args, io)
        }
        "type" => {
            for a in args {
                let line = if BUILTINS.contains(&a.as_str()) {
                    format!("{a} is a shell builtin\n")
                } else if available(ex.p.system, a) {
                    format!("{a} is /usr/bin/{a}\n")
                } else {
                    format!("{a}: not found\n")
                };
                ex.out(io, &line);
            }
            done(ex, 0)
        }
        "read" => read(ex, args, io),
        "cat" => cat(ex, args, io),
        "ls" => ls(ex, args, io),
        "mkdir" => mkdir(ex, args, io),
        "rm" | "rmdir" => rm(ex, base, args, io),
        "touch" => touch(ex, args, io),
        "cp" | "mv" => cp(ex, base, args, io),
        "date" => date(ex, args, io),
        "hostname" => {
            let h = ex.host.hostname();
            ex.out(io, &format!("{h}\n"));
            done(ex, 0)
        }
        "uname" => {
            let h = ex.host.hostname();
            let text = match args.first().map(String::as_str) {
                Some("-a") => format!(
                    "Linux {h} 6.8.0-51-generic #52-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux"
                ),
                Some("-n") => h,
                Some("-r") => "6.8.0-51-generic".into(),
                Some("-m") => "x86_64".into(),
                _ => "Linux".into(),
            };
            ex.out(io, &format!("{text}\n"));
            done(ex, 0)
        }
        "whoami" => {
            let n = user_name(ex.p.user.uid);
            ex.out(io, &format!("{n}\n"));
            done(ex, 0)
        }
        "id" => {
            let u = ex.p.user;
            let (n, g) = (user_name(u.uid), user_name(u.gid));
            ex.out(
                io,
                &format!(
                    "uid={}({n}) gid={}({g}) groups={}({g})\n",
                    u.uid, u.gid, u.gid
                ),
            );
            done(ex, 0)
        }
        "env" | "printenv" => {
            if base == "printenv" && !args.is_empty() {
                let mut code = 0;
                for a in args {
                    match ex.env_map().get(a).cloned() {
                        Some(v) => ex.out(io, &format!("{v}\n")),
                        None => code = 1,
                    }
                }
                return done(ex, code);
            }
            let text: String = ex
                .env_map()
                .iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect();
            ex.out(io, &text);
            done(ex, 0)
        }
        "head" | "tail" => head_tail(ex, base, args, io),
        "wc" => wc(ex, args, io),
        "grep" => grep(ex, args, io),
        "sort" => {
            let Some(text) = inputs(ex, args, io, "sort") else {
                return done(ex, 2);
            };
            let mut lines: Vec<&str> = text.lines().collect();
            crate::sort::sort(&mut lines);
            let out: String = lines.iter().map(|l| format!("{l}\n")).collect();
            ex.out(io, &out);
            done(ex, 0)
        }
        "seq" => {
            let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
            let (a, b) = match nums.as_slice() {
                [b] => (1, *b),
                [a, b, ..] => (*a, *b),
                _ => return done(ex, 1),
            };
            let out: String = (a..=b).take(100_000).map(|n| format!("{n}\n")).collect();
            ex.out(io, &out);
            done(ex, 0)
        }
        "basename" | "dirname" => {
            let Some(p) = args.first() else {
                return done(ex, 1);
            };
            let r = if base == "basename" {
                fs::base_name(p).to_string()
            } else {
                match p.trim_end_matches('/').rfind('/') {
                    Some(0) => "/".into(),
                    Some(i) => p[..i].to_string(),
                    None => ".".into(),
                }
            };
            ex.out(io, &format!("{r}\n"));
            done(ex, 0)
        }
        "sh" | "bash" | "ash" | "dash" => sh(ex, args, io),
        "sudo" => sudo(ex, args, io),
        "su" => {
            ex.p.request = Some(Request::Login { user: User::ROOT });
            done(ex, 0)
        }
        "ssh" => ssh(ex, args, io),
        "kubectl" => {
            // Typed at the prompt with nothing piped in, kubectl reads the terminal.
            let input = match &io.input {
                Some(d) => Some(d.clone()),
                None if ex.interactive() => None,
                None => Some(Vec::new()),
            };
            match ex.host.kubectl(args, input.as_deref()) {
                Some(out) => {
                    ex.out(io, &out.stdout);
                    ex.err(io, &out.stderr);
                    if let Some(follow) = out.follow {
                        ex.p.request = Some(Request::Follow(follow));
                    }
                    if let Some(session) = out.exec {
                        ex.p.request = Some(Request::Exec(Box::new(session)));
                    }
                    done(ex, out.exit_code)
                }
                None => {
                    ex.err(io, "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
                    done(ex, 1)
                }
            }
        }
        "systemctl" => systemctl(ex, args, io),
        "git" => crate::git::run_git(ex, argv, io),
        "wget" => wget(ex, args, io),
        "curl" => curl(ex, args, io),
        "nslookup" => nslookup(ex, args, io),
        "redis-cli" => redis_cli(ex, args, io),
        "nc" => nc(ex, args, io),
        "socat" => socat(ex, args, io),
        "docker-entrypoint.sh" if ex.p.system == System::Nginx => nginx_entrypoint(ex, args, io),
        "docker-entrypoint.sh" => {
            if args.is_empty() {
                return done(ex, 0);
            }
            run(ex, args, io)
        }
        "nginx" => nginx(ex, args, io),
        "redis-server" => redis_server(ex, io),
        "demo-tea" | "demo-coffee" | "demo" => serve(
            ex,
            Server::Demo {
                port: 8080,
                node_name: String::new(),
            },
            io,
            "Listening on :8080\n",
        ),
        _ => done(ex, 0),
    }
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
    let view = ex.p.view.clone();
    let err = match ex.host.fs().stat(&view, &path) {
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

fn eval_test(ex: &mut Exec, args: &[String]) -> Result<bool, String> {
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
            let view = ex.p.view.clone();
            let st = ex.host.fs().stat(&view, &path);
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
                _ => return Err(format!("{op}: unary operator expected")),
            })
        }
        [l, op, r] => {
            let num = |s: &str| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("{s}: integer expression expected"))
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
                _ => return Err(format!("{op}: binary operator expected")),
            })
        }
        _ => Err("too many arguments".into()),
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

/// The concatenated input of a text filter: its files, or stdin.
fn inputs(ex: &mut Exec, files: &[String], io: &Io, prog: &str) -> Option<String> {
    let files: Vec<&String> = files
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .collect();
    if files.is_empty() {
        return Some(String::from_utf8_lossy(&io.input.clone().unwrap_or_default()).into_owned());
    }
    let mut out = String::new();
    let mut ok = true;
    for f in files {
        if f == "-" {
            out.push_str(&String::from_utf8_lossy(
                &io.input.clone().unwrap_or_default(),
            ));
            continue;
        }
        let path = normalize(&ex.p.cwd, f);
        let view = ex.p.view.clone();
        match ex.host.fs().read(&view, &path) {
            Ok(d) => out.push_str(&String::from_utf8_lossy(d)),
            Err(e) => {
                ex.err(io, &format!("{prog}: {f}: {e}\n"));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn cat(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.is_empty() {
        let d = io.input.clone().unwrap_or_default();
        let out = io.out.clone();
        ex.write(&out, &d);
        return done(ex, 0);
    }
    let mut code = 0;
    for f in args {
        if f == "-" {
            let d = io.input.clone().unwrap_or_default();
            let out = io.out.clone();
            ex.write(&out, &d);
            continue;
        }
        let path = normalize(&ex.p.cwd, f);
        let view = ex.p.view.clone();
        match ex.host.fs().read(&view, &path).map(<[u8]>::to_vec) {
            Ok(d) => {
                let out = io.out.clone();
                ex.write(&out, &d);
            }
            Err(e) => {
                ex.err(io, &format!("cat: {f}: {e}\n"));
                code = 1;
            }
        }
    }
    done(ex, code)
}

fn mode_string(st: &fs::Stat) -> String {
    let mut s = String::from(match (st.is_dir, st.device) {
        (true, _) => "d",
        (false, Some(_)) => "c",
        (false, None) => "-",
    });
    for shift in [6, 3, 0] {
        let bits = (st.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// `ls -l`'s size column: a device's major and minor numbers instead of a size.
fn size_column(st: &fs::Stat) -> String {
    match st.device {
        Some((major, minor)) => format!("{major}, {minor}"),
        None => st.size.to_string(),
    }
}

fn ls_time(t: SimTime, now: SimTime) -> String {
    let recent = now.0.abs_diff(t.0) < 183 * 86_400_000;
    let f = if recent { "%b %e %H:%M" } else { "%b %e  %Y" };
    k8s_openapi::jiff::fmt::strtime::format(f, t.to_time().0).unwrap_or_default()
}

fn blocks(st: &fs::Stat) -> u64 {
    if st.is_dir {
        4
    } else {
        st.size.div_ceil(4096) * 4
    }
}

fn ls(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (mut long, mut all, mut dir_only, mut reverse, mut by_time, mut one) =
        (false, false, false, false, false, false);
    let mut paths = Vec::new();
    for a in args {
        if a.len() > 1 && a.starts_with('-') {
            for c in a[1..].chars() {
                match c {
                    'l' => long = true,
                    'a' | 'A' => all = true,
                    'd' => dir_only = true,
                    'r' => reverse = true,
                    't' => by_time = true,
                    '1' => one = true,
                    'h' => {}
                    other => {
                        ex.err(io, &format!("ls: invalid option -- '{other}'\nTry 'ls --help' for more information.\n"));
                        return done(ex, 2);
                    }
                }
            }
        } else {
            paths.push(a.clone());
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let now = ex.now();
    let view = ex.p.view.clone();
    let mut code = 0;
    let mut files: Vec<(String, fs::Stat)> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for p in &paths {
        let abs = normalize(&ex.p.cwd, p);
        match ex.host.fs().stat(&view, &abs) {
            Ok(st) if st.is_dir && !dir_only => dirs.push((p.clone(), abs)),
            Ok(mut st) => {
                st.nlink = ex.host.fs().nlink(&view, &abs);
                files.push((p.clone(), st))
            }
            Err(e) => {
                let msg = if ex.p.system == System::Busybox || ex.p.system == System::Demo {
                    format!("ls: {p}: {e}\n")
                } else {
                    format!("ls: cannot access '{p}': {e}\n")
                };
                ex.err(io, &msg);
                code = 2;
            }
        }
    }
    let sort = |v: &mut Vec<(String, fs::Stat)>| {
        if by_time {
            crate::sort::sort_by(v, |a, b| b.1.mtime.cmp(&a.1.mtime).then(a.0.cmp(&b.0)));
        } else {
            crate::sort::sort_by(v, |a, b| a.0.cmp(&b.0));
        }
        if reverse {
            v.reverse();
        }
    };
    let tty = ex.interactive() && !one;
    let render = |v: &[(String, fs::Stat)]| -> String {
        if !long {
            if tty && !v.is_empty() {
                return format!(
                    "{}\n",
                    v.iter()
                        .map(|e| e.0.as_str())
                        .collect::<Vec<_>>()
                        .join("  ")
                );
            }
            return v.iter().map(|e| format!("{}\n", e.0)).collect();
        }
        let w =
            |f: &dyn Fn(&fs::Stat) -> String| v.iter().map(|e| f(&e.1).len()).max().unwrap_or(0);
        let (wl, wu, wg, ws) = (
            w(&|s| s.nlink.to_string()),
            w(&|s| user_name(s.uid)),
            w(&|s| user_name(s.gid)),
            w(&size_column),
        );
        v.iter()
            .map(|(n, s)| {
                format!(
                    "{} {:>wl$} {:<wu$} {:<wg$} {:>ws$} {} {n}\n",
                    mode_string(s),
                    s.nlink,
                    user_name(s.uid),
                    user_name(s.gid),
                    size_column(s),
                    ls_time(s.mtime, now)
                )
            })
            .collect()
    };
    sort(&mut files);
    let mut out = render(&files);
    let many = paths.len() > 1;
    crate::sort::sort(&mut dirs);
    for (i, (shown, abs)) in dirs.iter().enumerate() {
        let mut entries = match ex.host.fs().list(&view, abs) {
            Ok(e) => e,
            Err(e) => {
                ex.err(io, &format!("ls: cannot open directory '{shown}': {e}\n"));
                code = 2;
                continue;
            }
        };
        if !all {
            entries.retain(|e| !e.0.starts_with('.'));
        }
        sort(&mut entries);
        if many {
            if i > 0 || !files.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{shown}:\n"));
        }
        if long {
            let total: u64 = entries.iter().map(|e| blocks(&e.1)).sum();
            out.push_str(&format!("total {total}\n"));
        }
        out.push_str(&render(&entries));
    }
    ex.out(io, &out);
    done(ex, code)
}

fn fs_error(ex: &mut Exec, io: &Io, prog: &str, what: &str, path: &str, e: Errno) -> i32 {
    let msg = match prog {
        "mkdir" => format!("mkdir: cannot create directory '{path}': {e}\n"),
        "touch" => format!("touch: cannot touch '{path}': {e}\n"),
        _ => format!("{prog}: {what}'{path}': {e}\n"),
    };
    ex.err(io, &msg);
    1
}

fn mkdir(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let parents = args.iter().any(|a| a == "-p");
    let mut code = 0;
    let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let path = normalize(&ex.p.cwd, a);
        if let Err(e) = ex.host.fs().mkdir(&view, &path, parents, user, now) {
            code = fs_error(ex, io, "mkdir", "", a, e);
        }
    }
    done(ex, code)
}

fn rm(ex: &mut Exec, prog: &str, args: &[String], io: &Io) -> Flow {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    let mut code = 0;
    let (view, user) = (ex.p.view.clone(), ex.p.user);
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let path = normalize(&ex.p.cwd, a);
        if prog == "rmdir" {
            match ex.host.fs().list(&view, &path) {
                Ok(l) if !l.is_empty() => {
                    code = fs_error(ex, io, "rmdir", "failed to remove ", a, Errno::NotEmpty);
                    continue;
                }
                Err(e) => {
                    code = fs_error(ex, io, "rmdir", "failed to remove ", a, e);
                    continue;
                }
                _ => {}
            }
        }
        match ex
            .host
            .fs()
            .remove_path(&view, &path, recursive || prog == "rmdir", user)
        {
            Ok(()) => {}
            Err(Errno::NoEnt) if force => {}
            Err(Errno::IsDir) => code = fs_error(ex, io, "rm", "cannot remove ", a, Errno::IsDir),
            Err(e) => code = fs_error(ex, io, "rm", "cannot remove ", a, e),
        }
    }
    done(ex, code)
}

fn touch(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut code = 0;
    let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let path = normalize(&ex.p.cwd, a);
        if let Err(e) = ex.host.fs().touch(&view, &path, user, now) {
            code = fs_error(ex, io, "touch", "", a, e);
        }
    }
    done(ex, code)
}

fn cp(ex: &mut Exec, prog: &str, args: &[String], io: &Io) -> Flow {
    let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if ops.len() < 2 {
        ex.err(
            io,
            &format!(
                "{prog}: missing destination file operand after '{}'\n",
                ops.first().map_or("", |s| s.as_str())
            ),
        );
        return done(ex, 1);
    }
    let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
    let dest = normalize(&ex.p.cwd, ops[ops.len() - 1]);
    let dest_is_dir = ex.host.fs().stat(&view, &dest).is_ok_and(|s| s.is_dir);
    let mut code = 0;
    for src in &ops[..ops.len() - 1] {
        let from = normalize(&ex.p.cwd, src);
        let to = if dest_is_dir {
            normalize(&dest, fs::base_name(&from))
        } else {
            dest.clone()
        };
        let data = match ex.host.fs().read(&view, &from).map(<[u8]>::to_vec) {
            Ok(d) => d,
            Err(e) => {
                let what = if e == Errno::IsDir {
                    "-r not specified; omitting directory "
                } else {
                    "cannot stat "
                };
                code = fs_error(ex, io, prog, what, src, e);
                continue;
            }
        };
        if let Err(e) = ex.host.fs().write(&view, &to, &data, false, user, now) {
            code = fs_error(ex, io, prog, "cannot create regular file ", &to, e);
            continue;
        }
        if prog == "mv" {
            let _ = ex.host.fs().remove_path(&view, &from, false, user);
        }
    }
    done(ex, code)
}

fn date(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let now = ex.now();
    let fmt = args
        .iter()
        .find_map(|a| a.strip_prefix('+'))
        .unwrap_or("%a %b %e %H:%M:%S UTC %Y");
    let fmt = fmt.replace("%Z", "UTC");
    match k8s_openapi::jiff::fmt::strtime::format(fmt.as_str(), now.to_time().0) {
        Ok(s) => {
            ex.out(io, &format!("{s}\n"));
            done(ex, 0)
        }
        Err(_) => {
            ex.err(io, &format!("date: invalid format '{fmt}'\n"));
            done(ex, 1)
        }
    }
}

fn head_tail(ex: &mut Exec, prog: &str, args: &[String], io: &Io) -> Flow {
    let mut n: usize = 10;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            i += 1;
            n = args.get(i).and_then(|v| v.parse().ok()).unwrap_or(10);
        } else if let Some(v) = a
            .strip_prefix("-n")
            .or_else(|| a.strip_prefix('-'))
            .and_then(|v| v.parse().ok())
        {
            n = v;
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(text) = inputs(ex, &files, io, prog) else {
        return done(ex, 1);
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let pick: String = if prog == "head" {
        lines.iter().take(n).copied().collect()
    } else {
        lines
            .iter()
            .skip(lines.len().saturating_sub(n))
            .copied()
            .collect()
    };
    ex.out(io, &pick);
    done(ex, 0)
}

fn wc(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let files: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let Some(text) = inputs(ex, &files, io, "wc") else {
        return done(ex, 1);
    };
    let (l, w, c) = (
        text.matches('\n').count(),
        text.split_whitespace().count(),
        text.len(),
    );
    let mut parts = Vec::new();
    if flags.is_empty() || flags.contains('l') {
        parts.push(l);
    }
    if flags.is_empty() || flags.contains('w') {
        parts.push(w);
    }
    if flags.is_empty() || flags.contains('c') {
        parts.push(c);
    }
    let mut line = if parts.len() == 1 {
        parts[0].to_string()
    } else {
        parts
            .iter()
            .map(|p| format!("{p:>7}"))
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start()
            .to_string()
    };
    if let Some(f) = files.first() {
        line.push_str(&format!(" {f}"));
    }
    ex.out(io, &format!("{line}\n"));
    done(ex, 0)
}

/// grep with fixed strings (-F semantics for every pattern; no regular expressions).
fn grep(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut flags = String::new();
    let mut rest = Vec::new();
    for a in args {
        if a.len() > 1 && a.starts_with('-') && rest.is_empty() {
            flags.push_str(&a[1..]);
        } else {
            rest.push(a.clone());
        }
    }
    let Some(pattern) = rest.first().cloned() else {
        ex.err(io, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return done(ex, 2);
    };
    let Some(text) = inputs(ex, &rest[1..], io, "grep") else {
        return done(ex, 2);
    };
    let ci = flags.contains('i');
    let inv = flags.contains('v');
    let p = if ci {
        pattern.to_lowercase()
    } else {
        pattern.clone()
    };
    let hits: Vec<&str> = text
        .lines()
        .filter(|l| {
            let l = if ci { l.to_lowercase() } else { l.to_string() };
            l.contains(&p) != inv
        })
        .collect();
    if flags.contains('c') {
        ex.out(io, &format!("{}\n", hits.len()));
    } else if !flags.contains('q') {
        let out: String = hits.iter().map(|l| format!("{l}\n")).collect();
        ex.out(io, &out);
    }
    done(ex, i32::from(hits.is_empty()))
}

fn sh(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (script_text, positional) = match args.first().map(String::as_str) {
        Some("-c") => match args.get(1) {
            Some(s) => (s.clone(), args[2..].to_vec()),
            None => {
                let shell = ex.shell_name().to_string();
                ex.err(io, &format!("{shell}: -c: option requires an argument\n"));
                return done(ex, 2);
            }
        },
        Some(file) => {
            let path = normalize(&ex.p.cwd, file);
            let view = ex.p.view.clone();
            match ex.host.fs().read(&view, &path) {
                Ok(d) => (String::from_utf8_lossy(d).into_owned(), args.to_vec()),
                Err(e) => {
                    ex.err(io, &format!("sh: can't open '{file}': {e}\n"));
                    return done(ex, 2);
                }
            }
        }
        None => {
            // No terminal and nothing on stdin: the shell reads EOF and exits.
            match io.input.clone() {
                Some(d) => (String::from_utf8_lossy(&d).into_owned(), Vec::new()),
                None => return done(ex, 0),
            }
        }
    };
    let script = match super::parse(&script_text) {
        Ok(s) => s,
        Err(e) => {
            ex.err(io, &format!("sh: {e}\n"));
            return done(ex, 2);
        }
    };
    let saved = std::mem::take(&mut ex.p.args);
    let mut a = vec![positional.first().cloned().unwrap_or_else(|| "sh".into())];
    a.extend(positional.into_iter().skip(1));
    ex.set_args(a);
    let env = ex.p.env.clone();
    let cwd = ex.p.cwd.clone();
    let captured = ex.capture_into(&script, io);
    ex.p.env = env;
    ex.p.cwd = cwd;
    ex.set_args(saved);
    let _ = captured;
    Flow::Next
}

fn sudo(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if ex.p.user.uid != 0 && !ex.p.sudo_fresh(ex.host.now()) {
        let name = user_name(ex.p.user.uid);
        ex.err(io, &format!("[sudo] password for {name}: \n"));
        ex.p.sudo_touch(ex.host.now());
    }
    if args.is_empty() {
        ex.err(io, "usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [-i | -s] [command [arg ...]]\n");
        return done(ex, 1);
    }
    let (login, command) = match args[0].as_str() {
        "-i" => (true, &args[1..]),
        "-s" => (false, &args[1..]),
        _ => (false, args),
    };
    let opens_shell = command.is_empty()
        || (command[0] == "su" && command[1..].iter().all(|a| a == "-" || a == "-l"));
    if opens_shell {
        ex.p.request = Some(Request::Login { user: User::ROOT });
        return done(ex, 0);
    }
    // The command runs as root (`-i`: in root's login environment, from /root).
    let (saved_user, saved_cwd, saved_env) = (ex.p.user, ex.p.cwd.clone(), ex.p.env.clone());
    ex.p.user = User::ROOT;
    if login {
        ex.p.cwd = "/root".into();
        for (k, v) in [("HOME", "/root"), ("USER", "root"), ("LOGNAME", "root")] {
            ex.p.env.insert(k.into(), v.into());
        }
    }
    let f = run(ex, command, io);
    ex.p.user = saved_user;
    ex.p.cwd = saved_cwd;
    ex.p.env = saved_env;
    f
}

fn ssh(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let Some(target) = args.iter().find(|a| !a.starts_with('-')) else {
        ex.err(
            io,
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] destination [command [argument ...]]\n",
        );
        return done(ex, 255);
    };
    let (user, host) = match target.split_once('@') {
        Some((u, h)) => (Some(u.to_string()), h.to_string()),
        None => (None, target.clone()),
    };
    // Words after the destination are a command to run there instead of a shell.
    let at = args.iter().position(|a| a == target).unwrap_or(0);
    let rest = &args[at + 1..];
    if rest.is_empty() {
        ex.p.request = Some(Request::Ssh { host, user });
        return done(ex, 0);
    }
    match ex.host.ssh(&host, &rest.join(" ")) {
        Some((chunks, code)) => {
            for (stream, data) in chunks {
                let dest = match stream {
                    Stream::Stdout => io.out.clone(),
                    Stream::Stderr => io.err.clone(),
                };
                ex.write(&dest, &data);
            }
            done(ex, code)
        }
        None => {
            ex.err(
                io,
                &format!("ssh: Could not resolve hostname {host}: Name or service not known\n"),
            );
            done(ex, 255)
        }
    }
}

fn http_error(prog: &str, e: &NetError) -> (String, i32) {
    if prog == "curl" {
        return crate::net::curl_error(e);
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

fn request(ex: &mut Exec, url: &str, agent: &str) -> Result<crate::net::HttpResponse, NetError> {
    let u = parse_url(url)?;
    ex.host.http(&HttpRequest {
        method: "GET".into(),
        host: u.host,
        port: u.port,
        path: u.path,
        user_agent: agent.into(),
    })
}

fn curl(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut url = None;
    let mut include = false;
    let mut fail_on_error = false;
    let mut output = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-i" | "--include" => include = true,
            "-f" | "--fail" => fail_on_error = true,
            "-s" | "--silent" | "-S" | "-L" | "-sS" | "-sL" | "-v" | "-k" => {}
            "-o" | "--output" => {
                i += 1;
                output = args.get(i).cloned();
            }
            "-m" | "--max-time" | "-H" | "-X" | "-A" => i += 1,
            _ if a.starts_with('-') => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        ex.err(
            io,
            "curl: try 'curl --help' or 'curl --manual' for more information\n",
        );
        return done(ex, 2);
    };
    match request(ex, &url, "curl/8.5.0") {
        Ok(r) => {
            if fail_on_error && r.status >= 400 {
                ex.err(
                    io,
                    &format!(
                        "curl: (22) The requested URL returned error: {}\n",
                        r.status
                    ),
                );
                return done(ex, 22);
            }
            let mut body = Vec::new();
            if include {
                body.extend(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).into_bytes());
                for (k, v) in &r.headers {
                    body.extend(format!("{k}: {v}\r\n").into_bytes());
                }
                body.extend(b"\r\n");
            }
            body.extend(&r.body);
            match output {
                Some(f) if f != "-" => {
                    let (now, view, user) = (ex.now(), ex.p.view.clone(), ex.p.user);
                    let path = normalize(&ex.p.cwd, &f);
                    if let Err(e) = ex.host.fs().write(&view, &path, &body, false, user, now) {
                        ex.err(
                            io,
                            &format!("curl: (23) Failure writing output to destination: {e}\n"),
                        );
                        return done(ex, 23);
                    }
                }
                _ => {
                    let out = io.out.clone();
                    ex.write(&out, &body);
                }
            }
            done(ex, 0)
        }
        Err(e) => {
            let (msg, code) = http_error("curl", &e);
            ex.err(io, &msg);
            done(ex, code)
        }
    }
}

fn wget(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
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

fn nslookup(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let Some(name) = args.first() else {
        return done(ex, 1);
    };
    let server = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n";
    match ex.host.resolve(name) {
        Some(ip) => {
            let fqdn = if name.contains(".svc") || name.split('.').count() > 2 {
                name.clone()
            } else {
                let ns = ex
                    .env_map()
                    .get("POD_NAMESPACE")
                    .cloned()
                    .unwrap_or_else(|| "default".into());
                if name.contains('.') {
                    format!("{name}.svc.cluster.local")
                } else {
                    format!("{name}.{ns}.svc.cluster.local")
                }
            };
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

fn redis_cli(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
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
                code = ex.p.status;
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
fn nc(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let openbsd = ex.p.system == System::Node;
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

fn nginx_entrypoint(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.first().map(String::as_str) == Some("nginx") {
        ex.out(io, "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n/docker-entrypoint.sh: Configuration complete; ready for start up\n");
    }
    if args.is_empty() {
        return done(ex, 0);
    }
    run(ex, args, io)
}

fn nginx(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    if args.iter().any(|a| a == "-v") {
        ex.err(
            io,
            &format!(
                "nginx version: nginx/{}\n",
                crate::net::servers::NGINX_VERSION
            ),
        );
        return done(ex, 0);
    }
    let t = k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", ex.now().to_time().0)
        .unwrap_or_default();
    let banner = format!(
        "{t} [notice] 1#1: using the \"epoll\" event method\n{t} [notice] 1#1: nginx/{v}\n{t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n{t} [notice] 1#1: OS: Linux 6.8.0-51-generic\n{t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n{t} [notice] 1#1: start worker processes\n{t} [notice] 1#1: start worker process 29\n",
        v = crate::net::servers::NGINX_VERSION
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

/// systemd's "5min 3s ago" (two most significant units).
fn systemd_ago(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min"), (sec, "s")]
        .into_iter()
        .skip_while(|(v, _)| *v == 0)
        .take(2)
        .filter(|(v, _)| *v > 0)
        .map(|(v, u)| format!("{v}{u}"))
        .collect();
    if parts.is_empty() {
        "0s ago".into()
    } else {
        format!("{} ago", parts.join(" "))
    }
}

/// `systemctl start|stop|restart|status|is-active UNIT` on a node: the kubelet (and
/// containerd) as systemd units. Starting and stopping need root.
fn systemctl(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (Some(action), Some(unit)) = (args.first(), args.get(1)) else {
        ex.err(io, "Too few arguments.\n");
        return done(ex, 1);
    };
    let name = unit.strip_suffix(".service").unwrap_or(unit).to_string();
    let full = format!("{name}.service");
    let state = ex.host.unit(&name);
    match action.as_str() {
        "start" | "stop" | "restart" => {
            let verb = action.as_str();
            if state.is_none() {
                ex.err(
                    io,
                    &format!("Failed to {verb} {full}: Unit {full} not found.\n"),
                );
                return done(ex, 5);
            }
            if ex.p.user.uid != 0 {
                ex.err(io, &format!("Failed to {verb} {full}: Interactive authentication required.\nSee system logs and 'systemctl status {full}' for details.\n"));
                return done(ex, 1);
            }
            if verb == "restart" {
                ex.host.set_unit(&name, false);
            }
            ex.host.set_unit(&name, verb != "stop");
            done(ex, 0)
        }
        "is-active" => match state {
            Some((true, _)) => {
                ex.out(io, "active\n");
                done(ex, 0)
            }
            _ => {
                ex.out(io, "inactive\n");
                done(ex, 3)
            }
        },
        "status" => {
            let Some((active, since)) = state else {
                ex.err(io, &format!("Unit {full} could not be found.\n"));
                return done(ex, 4);
            };
            let now = ex.host.now();
            let when = format!(
                "{}; {}",
                crate::clock::systemd_timestamp(since),
                systemd_ago(now.0.saturating_sub(since.0))
            );
            let (dot, description, loaded, extra, docs) = match name.as_str() {
                "kubelet" => (
                    if active { "●" } else { "○" },
                    "kubelet: The Kubernetes Node Agent",
                    "/usr/lib/systemd/system/kubelet.service; enabled; preset: enabled",
                    "    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf\n",
                    "https://kubernetes.io/docs/",
                ),
                _ => (
                    if active { "●" } else { "○" },
                    "containerd container runtime",
                    "/usr/lib/systemd/system/containerd.service; enabled; preset: enabled",
                    "",
                    "https://containerd.io",
                ),
            };
            let active_line = if active {
                format!("active (running) since {when}")
            } else {
                format!("inactive (dead) since {when}")
            };
            ex.out(
                io,
                &format!(
                    "{dot} {full} - {description}\n     Loaded: loaded ({loaded})\n{extra}     Active: {active_line}\n       Docs: {docs}\n"
                ),
            );
            done(ex, if active { 0 } else { 3 })
        }
        other => {
            ex.err(io, &format!("Unknown command verb '{other}'.\n"));
            done(ex, 1)
        }
    }
}
