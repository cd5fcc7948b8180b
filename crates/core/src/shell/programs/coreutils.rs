//! The coreutils/busybox subset every image has: files, users, the environment.

use super::{args, base, done, Program, ShellFn};
use crate::clock::SimTime;
use crate::fs::{self, normalize, user_name, Errno};
use crate::shell::exec::{Exec, Flow, Io};

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::every("cat", |ex, argv, io| cat(ex, args(argv), io)),
    Program::every("ls", |ex, argv, io| ls(ex, args(argv), io)),
    Program::every("mkdir", |ex, argv, io| mkdir(ex, args(argv), io)),
    Program::every("rm", |ex, argv, io| rm(ex, base(argv), args(argv), io)),
    Program::every("rmdir", |ex, argv, io| rm(ex, base(argv), args(argv), io)),
    Program::every("touch", |ex, argv, io| touch(ex, args(argv), io)),
    Program::every("cp", |ex, argv, io| cp(ex, base(argv), args(argv), io)),
    Program::every("mv", |ex, argv, io| cp(ex, base(argv), args(argv), io)),
    Program::every("date", |ex, argv, io| date(ex, args(argv), io)),
    Program::every("hostname", hostname),
    Program::every("uname", uname),
    Program::every("whoami", whoami),
    Program::every("id", id),
    Program::every("env", env),
    Program::every("printenv", env),
    Program::every("basename", basename_dirname),
    Program::every("dirname", basename_dirname),
];

fn hostname(ex: &mut Exec, _argv: &[String], io: &Io) -> Flow {
    let h = ex.host.hostname();
    ex.out(io, &format!("{h}\n"));
    done(ex, 0)
}

fn uname(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let h = ex.host.hostname();
    let text = match args(argv).first().map(String::as_str) {
        Some("-a") => {
            format!(
                "Linux {h} {} {} x86_64 GNU/Linux",
                crate::model::KERNEL_RELEASE,
                crate::model::KERNEL_BUILD
            )
        }
        Some("-n") => h,
        Some("-r") => crate::model::KERNEL_RELEASE.into(),
        Some("-v") => crate::model::KERNEL_BUILD.into(),
        Some("-m") => "x86_64".into(),
        _ => "Linux".into(),
    };
    ex.out(io, &format!("{text}\n"));
    done(ex, 0)
}

fn whoami(ex: &mut Exec, _argv: &[String], io: &Io) -> Flow {
    let n = user_name(ex.p.user.uid);
    ex.out(io, &format!("{n}\n"));
    done(ex, 0)
}

fn id(ex: &mut Exec, _argv: &[String], io: &Io) -> Flow {
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

fn env(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let args = args(argv);
    if base(argv) == "printenv" && !args.is_empty() {
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

fn basename_dirname(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let Some(p) = args(argv).first() else {
        return done(ex, 1);
    };
    let r = if base(argv) == "basename" {
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
        match ex.host.fs().read(&ex.p.view, &path).map(<[u8]>::to_vec) {
            Ok(d) => {
                let out = io.out.clone();
                ex.write(&out, &d);
            }
            Err(e) => {
                // busybox's applet says it its own way.
                if ex.p.system.is_busybox() {
                    ex.err(io, &format!("cat: can't open '{f}': {e}\n"));
                } else {
                    ex.err(io, &format!("cat: {f}: {e}\n"));
                }
                code = 1;
            }
        }
    }
    done(ex, code)
}

fn mode_string(st: &fs::Stat) -> String {
    let mut s = String::from(match (st.is_dir, st.device) {
        _ if st.link.is_some() => "l",
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
    if st.link.is_some() {
        0
    } else if st.is_dir {
        4
    } else {
        st.size.div_ceil(4096) * 4
    }
}

fn ls(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (mut long, mut all, mut dir_only, mut reverse, mut by_time, mut one) =
        (false, false, false, false, false, false);
    // `-a` lists `.` and `..` too; `-A` only the other hidden entries.
    let mut dots = false;
    let mut paths = Vec::new();
    for a in args {
        if a.len() > 1 && a.starts_with('-') {
            for c in a[1..].chars() {
                match c {
                    'l' => long = true,
                    'a' => (all, dots) = (true, true),
                    'A' => all = true,
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
                let msg = if ex.p.system.is_busybox() {
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
                let target = s
                    .link
                    .as_ref()
                    .map_or(String::new(), |t| format!(" -> {t}"));
                format!(
                    "{} {:>wl$} {:<wu$} {:<wg$} {:>ws$} {} {n}{target}\n",
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
        if dots {
            let parent = match abs.rsplit_once('/') {
                Some(("", _)) | None => "/".to_string(),
                Some((p, _)) => p.to_string(),
            };
            for (name, path) in [(".", abs.as_str()), ("..", parent.as_str())] {
                if let Ok(mut st) = ex.host.fs().stat(&view, path) {
                    st.nlink = ex.host.fs().nlink(&view, path);
                    entries.push((name.to_string(), st));
                }
            }
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
