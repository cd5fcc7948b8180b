//! The node's own programs: sudo and su, ssh, systemctl, and kubectl on the control
//! plane. They run against the node's host ([`NodeHost`]).

use super::editor::{Editor, Flavor, Key, Opened};
use super::{FullScreen, Input, NodeDisk, NodeHost, Takeover};
use crate::fs::{normalize, Errno, Stat};
use crate::fs::{user_name, User};
use crate::kubelet::programs as programs_common;
use crate::shell::exec::Dest;
use crate::shell::exec::{Exec, Flow, Io, Parts};
use crate::shell::programs::{self, args, done, Found, Index, Program};
use crate::shell::{Host, Request, Stream, System};
use std::sync::OnceLock;

/// A program of the node's table.
type Hit = programs_common::Hit<Program<NodeFn>>;

/// Every program a node's shell can run: the families every host has (no servers: the
/// servers are the images') and the node's own programs; indexed by name on first use.
fn table() -> &'static Index<Hit> {
    static TABLE: OnceLock<Index<Hit>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Index::new(|out| {
            programs_common::families(out, programs_common::Servers::No);
            programs::flatten(out, PROGRAMS, programs_common::Hit::Own);
        })
    })
}

/// The names of every program a node's shell finds on `system` (its builtins too),
/// sorted; programs registered by a path only (`/demo`) are not among them.
pub(super) fn names(system: System) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = table()
        .entries()
        .filter(|(name, on, _)| !name.starts_with('/') && programs::runs_on(*on, system))
        .map(|(name, ..)| *name)
        .collect();
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// The program `system` runs for `name` on a node.
pub(super) fn find(system: System, name: &str) -> Option<Found> {
    let (at, hit) = table().find_at(system, name)?;
    Some(hit.found(at, |p| Found::Host(p.kind, p.name, at)))
}

/// Runs the node program at `at` of the table, which needs the node's host.
pub(super) fn run(
    host: &mut NodeHost<'_>,
    at: u32,
    ex: Parts<'_>,
    argv: &[String],
    io: &Io,
) -> Flow {
    match table().at(at) {
        Some(hit) => hit.run(host, ex, argv, io, |p, host, ex| {
            ex.attach(host, |ex| (p.run)(ex, argv, io))
        }),
        None => Flow::Next,
    }
}

/// A run on a node's shell.
pub(super) type Ex<'a, 'c> = Exec<'a, NodeHost<'c>>;

/// A node program.
pub(super) type NodeFn = for<'a, 'c> fn(&mut Ex<'a, 'c>, &[String], &Io) -> Flow;

pub(super) const PROGRAMS: &[Program<NodeFn>] = &[
    Program::on("sudo", &[System::Node], |ex, argv, io| {
        sudo(ex, args(argv), io)
    }),
    Program::on("su", &[System::Node], su),
    Program::on("ssh", &[System::Node], |ex, argv, io| {
        ssh(ex, args(argv), io)
    }),
    Program::on("kubectl", &[System::Node], |ex, argv, io| {
        kubectl(ex, args(argv), io)
    }),
    Program::on("systemctl", &[System::Node], |ex, argv, io| {
        systemctl(ex, args(argv), io)
    }),
    Program::on("crictl", &[System::Node], |ex, argv, io| {
        super::crictl::crictl(ex, args(argv), io)
    }),
    Program::on("vi", &[System::Node], |ex, argv, io| {
        editor(ex, Flavor::Vim, args(argv), io)
    }),
    Program::on("vim", &[System::Node], |ex, argv, io| {
        editor(ex, Flavor::Vim, args(argv), io)
    }),
    Program::on("nano", &[System::Node], |ex, argv, io| {
        editor(ex, Flavor::Nano, args(argv), io)
    }),
    // ncurses' clear: home the cursor, clear the screen and the scrollback (the web
    // terminal empties its screen itself).
    Program::on("clear", &[System::Node], |ex, _, io| {
        ex.out(io, "\x1b[H\x1b[2J\x1b[3J");
        done(ex, 0)
    }),
];

/// Whether `user` may write the file `stat` describes.
fn may_write(stat: &Stat, user: User) -> bool {
    let bit = if user.uid == 0 {
        return true;
    } else if stat.uid == user.uid {
        0o200
    } else if stat.gid == user.gid {
        0o020
    } else {
        0o002
    };
    stat.mode & bit != 0
}

/// `vi FILE`, `vim FILE`, `nano FILE`. Typed at the terminal, the editor takes the
/// terminal over full-screen ([`super::Session::editor`]). Without a terminal (a
/// script, `ssh NODE vi FILE`, a pipe) the editor reads its keys from the input it has:
/// vim warns that it has no terminal, and when the keys end before it exits, it says
/// it could not read more and exits 1; nano gives up with `Too many errors from stdin`.
fn editor(ex: &mut Ex, flavor: Flavor, args: &[String], io: &Io) -> Flow {
    let name = args
        .iter()
        .find(|a| !a.starts_with('-') && !a.starts_with('+'))
        .cloned()
        .unwrap_or_default();
    let cwd = ex.p.cwd.clone();
    let (user, view) = (ex.p.user, ex.p.view.clone());
    let opened = if name.is_empty() {
        Opened::New
    } else {
        let path = normalize(&cwd, &name);
        let fs = ex.host.fs();
        match fs.read(&view, &path) {
            Ok(data) => Opened::File {
                data: data.to_vec(),
                writable: fs.stat(&view, &path).is_ok_and(|s| may_write(&s, user)),
            },
            Err(Errno::NoEnt) => Opened::New,
            Err(e) => Opened::Error(e),
        }
    };
    let path = normalize(&cwd, &name);
    let mut editor = Editor::open(flavor, &name, &path, &cwd, opened);
    let terminal = ex.host.input == Input::Terminal && ex.host.depth == 0 && ex.interactive();
    let input_tty = terminal && io.input.is_none();
    let output_tty = terminal && matches!(io.out, Dest::Log(_));
    if flavor == Flavor::Vim && !output_tty {
        ex.err(io, "Vim: Warning: Output is not to a terminal\n");
    }
    if input_tty {
        ex.host.takeover = Some(Takeover::Editor(Box::new(FullScreen {
            editor,
            user,
            view,
        })));
        ex.p.request = Some(Request::Foreground);
        return done(ex, 0);
    }
    if flavor == Flavor::Vim {
        ex.err(io, "Vim: Warning: Input is not from a terminal\n");
    }
    let keys = Key::parse(io.input.as_deref().unwrap_or_default());
    let now = ex.host.now();
    let mut disk = NodeDisk {
        fs: ex.host.fs(),
        view: &view,
        user,
        now,
    };
    for key in keys {
        editor.key(key, &mut disk);
        if editor.exited().is_some() {
            break;
        }
    }
    match (editor.exited(), flavor) {
        (Some(code), _) => done(ex, code),
        (None, Flavor::Vim) => {
            ex.err(io, "Vim: Error reading input, exiting...\nVim: Finished.\n");
            done(ex, 1)
        }
        (None, Flavor::Nano) => {
            ex.err(io, "Too many errors from stdin\n");
            done(ex, 1)
        }
    }
}

fn su(ex: &mut Ex, _argv: &[String], _io: &Io) -> Flow {
    ex.p.request = Some(Request::Login { user: User::ROOT });
    done(ex, 0)
}

fn kubectl(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    // Typed at the prompt with nothing piped in, kubectl reads the terminal.
    let input = match &io.input {
        Some(d) => Some(d.clone()),
        None if ex.interactive() => None,
        None => Some(Vec::new()),
    };
    match ex.host.kubectl(args, input.as_deref()) {
        Some(out) => {
            let d = io.out.clone();
            ex.write(&d, out.stdout_raw());
            ex.err(io, &out.stderr);
            // A following command or a shell in a container now holds the terminal:
            // the terminal keeps it; the shell only learns that it took over.
            if let Some(follow) = out.follow {
                ex.host.takeover = Some(Takeover::Follow(follow));
                ex.p.request = Some(Request::Foreground);
            }
            if let Some(session) = out.exec {
                ex.host.takeover = Some(Takeover::Exec(Box::new(session)));
                ex.p.request = Some(Request::Foreground);
            }
            if let Some(edit) = out.edit {
                // At the terminal the object opens in the playground's editor pane;
                // read from a script, there is no editor to open.
                if ex.interactive() && io.input.is_none() {
                    ex.host.takeover = Some(Takeover::Edit(Box::new(edit)));
                    ex.p.request = Some(Request::Foreground);
                } else {
                    ex.err(io, "error: podlab: kubectl edit opens the object in the playground's editor pane, which this terminal has not: use kubectl get -o yaml > FILE, edit FILE, then kubectl apply -f FILE\n");
                    return done(ex, 1);
                }
            }
            done(ex, out.exit_code)
        }
        None => {
            ex.err(io, "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
            done(ex, 1)
        }
    }
}

fn sudo(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
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
    let f = ex.shell(|ex| programs::run(ex, command, io));
    ex.p.user = saved_user;
    ex.p.cwd = saved_cwd;
    ex.p.env = saved_env;
    f
}

fn ssh(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
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
fn systemctl(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A node has bash, sudo, su, git, curl, wget, ssh, kubectl, systemctl and nc
    /// besides the common programs, and none of the images' servers.
    #[test]
    fn nodes_have_their_programs() {
        for name in [
            "echo",
            "type",
            "ls",
            "grep",
            "sh",
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
            "/usr/bin/kubectl",
            "vi",
            "vim",
            "nano",
        ] {
            assert!(find(System::Node, name).is_some(), "a node lacks {name}");
        }
        for name in [
            "ash",
            "dash",
            "nginx",
            "redis-server",
            "redis-cli",
            "httpd",
            "socat",
            "nslookup",
            "demo-tea",
            "/demo",
            "docker-entrypoint.sh",
            "python",
        ] {
            assert!(find(System::Node, name).is_none(), "a node has {name}");
        }
    }
}
