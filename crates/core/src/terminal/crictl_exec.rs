//! `crictl logs` and `crictl exec`: a container's log as the kubelet's log file has it,
//! and a command run in a running container through the runtime (the same exec that
//! `kubectl exec` reaches through the kubelet).

use super::crictl::{fail, find_one, CONTAINER};
use super::programs::Ex;
use super::Takeover;
use crate::kubelet::cri::CriState;
use crate::shell::exec::{Flow, Io};
use crate::shell::programs::done;
use crate::shell::{Request, Stream};

/// `crictl logs [--tail N] [-p] [-t] CONTAINER-ID`.
pub(super) fn logs(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let mut tail: Option<usize> = None;
    let mut previous = false;
    let mut timestamps = false;
    let mut ids = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-p" | "--previous" => previous = true,
            "-t" | "--timestamps" => timestamps = true,
            "--tail" => {
                i += 1;
                let value = args.get(i).map(String::as_str).unwrap_or_default();
                match value.parse::<i64>() {
                    Ok(n) => tail = usize::try_from(n).ok(),
                    Err(_) => {
                        let msg = format!("invalid value {value:?} for flag -tail: parse error");
                        ex.err(io, &format!("Incorrect Usage: {msg}\n\n"));
                        return fail(ex, io, &msg);
                    }
                }
            }
            _ if a.starts_with("--tail=") => {
                let value = &a["--tail=".len()..];
                tail = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|n| usize::try_from(n).ok());
            }
            _ => ids.push(a.to_string()),
        }
        i += 1;
    }
    let Some(id) = ids.first() else {
        return fail(ex, io, "ID cannot be empty");
    };
    let node = ex.host.node.clone();
    let containers = ex.host.cluster.kubelet.cri_containers(&node);
    let c = match find_one(&containers, |c| &c.id, id, CONTAINER) {
        Ok(c) => c.clone(),
        Err(e) => return fail(ex, io, &e),
    };
    // The run before this one (attempt - 1): the kubelet keeps one.
    let from_previous = if previous {
        if c.attempt == 0 {
            let msg = format!("previous terminated container {} not found", c.name);
            return fail(ex, io, &msg);
        }
        let earlier = containers
            .iter()
            .any(|o| o.pod_uid == c.pod_uid && o.name == c.name && o.attempt == c.attempt - 1);
        if !earlier {
            let msg = format!(
                "failed to try resolving symlinks in path \"/var/log/pods/{}_{}_{}/{}/{}.log\": lstat /var/log/pods/{}_{}_{}/{}/{}.log: no such file or directory",
                c.namespace, c.pod, c.pod_uid, c.name, c.attempt - 1,
                c.namespace, c.pod, c.pod_uid, c.name, c.attempt - 1
            );
            return fail(ex, io, &msg);
        }
        c.current
    } else {
        !c.current
    };
    let lines: Vec<(crate::clock::SimTime, Stream, String)> = ex
        .host
        .cluster
        .kubelet
        .logs(&c.pod_uid, &c.name, from_previous)
        .unwrap_or_default()
        .iter()
        .map(|l| (l.at, l.stream, l.text.clone()))
        .collect();
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    for (at, stream, text) in lines.into_iter().skip(skip) {
        let mut line = text;
        if !line.ends_with('\n') {
            line.push('\n');
        }
        if timestamps {
            line = format!("{} {line}", super::crictl_inspect::rfc3339_nano(at));
        }
        match stream {
            Stream::Stderr => ex.err(io, &line),
            _ => ex.out(io, &line),
        }
    }
    done(ex, 0)
}

/// `crictl exec [-i] [-t] [-s] CONTAINER-ID COMMAND [ARG...]`: flags stop at the id.
pub(super) fn exec(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let (mut stdin, mut tty) = (false, false);
    let mut rest = args;
    while let Some(a) = rest.first().filter(|a| a.starts_with('-') && a.len() > 1) {
        match a.as_str() {
            "--interactive" => stdin = true,
            "--tty" => tty = true,
            "--sync" | "-s" => {}
            short if !short.starts_with("--") => {
                for f in short[1..].chars() {
                    match f {
                        'i' => stdin = true,
                        't' => tty = true,
                        's' => {}
                        _ => {
                            let msg = format!("flag provided but not defined: -{f}");
                            ex.err(io, &format!("Incorrect Usage: {msg}\n\n"));
                            return fail(ex, io, &msg);
                        }
                    }
                }
            }
            long => {
                let msg = format!("flag provided but not defined: -{}", &long[2..]);
                ex.err(io, &format!("Incorrect Usage: {msg}\n\n"));
                return fail(ex, io, &msg);
            }
        }
        rest = &rest[1..];
    }
    let (Some(id), Some(_)) = (rest.first(), rest.get(1)) else {
        ex.out(io, EXEC_USAGE);
        return done(ex, 0);
    };
    let argv: Vec<String> = rest[1..].to_vec();
    let node = ex.host.node.clone();
    let containers = ex.host.cluster.kubelet.cri_containers(&node);
    let c = match find_one(&containers, |c| &c.id, id, CONTAINER) {
        Ok(c) => c.clone(),
        Err(e) => {
            // Exec names the store ("failed to find container ... in store").
            let e = e.replace(
                &format!("an error occurred when try to find container {id:?}"),
                &format!("failed to find container {id:?} in store"),
            );
            return fail(ex, io, &format!("execing command in container {id}: {e}"));
        }
    };
    if c.state != CriState::Running || !c.current {
        let msg = format!(
            "execing command in container {id}: rpc error: code = Unknown desc = container is in CONTAINER_EXITED state"
        );
        return fail(ex, io, &msg);
    }
    if tty && !stdin {
        let msg = format!(
            "execing command in container {id}: tty=true must be specified with interactive=true"
        );
        return fail(ex, io, &msg);
    }
    // Typed at the prompt with nothing piped in, the person's terminal is crictl's.
    let terminal = io.input.is_none() && ex.interactive();
    if tty && !terminal {
        let msg = format!("execing command in container {id}: input is not a terminal");
        return fail(ex, io, &msg);
    }
    let interactive_shell = stdin && tty && crate::kubelet::exec::is_shell(&argv);
    if interactive_shell {
        let session = ex
            .host
            .cluster
            .exec_session(&c.namespace, &c.pod, &c.name, &argv, true);
        return match session {
            Ok(session) => {
                ex.host.takeover = Some(Takeover::CrictlExec(Box::new(session), id.clone()));
                ex.p.request = Some(Request::Foreground);
                done(ex, 0)
            }
            Err(e) => fail(ex, io, &format!("execing command in container {id}: {e}")),
        };
    }
    let input = if stdin && !terminal {
        Some(io.input.clone().unwrap_or_default())
    } else if stdin {
        // A program other than a shell reads end-of-file from the terminal.
        Some(Vec::new())
    } else {
        None
    };
    match ex
        .host
        .cluster
        .exec(&c.namespace, &c.pod, &c.name, argv, input)
    {
        Ok((chunks, code)) => {
            for (stream, data) in chunks {
                let text = String::from_utf8_lossy(&data).into_owned();
                // With a terminal, the command's stderr comes on the one stream.
                match stream {
                    Stream::Stderr if !tty => ex.err(io, &text),
                    _ => ex.out(io, &text),
                }
            }
            if code == 0 {
                done(ex, 0)
            } else {
                let msg = format!(
                    "execing command in container {id}: command terminated with exit code {code}"
                );
                fail(ex, io, &msg)
            }
        }
        Err(e) => fail(ex, io, &format!("execing command in container {id}: {e}")),
    }
}

const EXEC_USAGE: &str = "NAME:
   crictl exec - Run a command in a running container

USAGE:
   crictl exec [command options] [CONTAINER-ID] COMMAND [ARG...]

OPTIONS:
   --interactive, -i  Keep STDIN open (default: false)
   --sync, -s         Run the command synchronously (default: false)
   --tty, -t          Allocate a pseudo-TTY (default: false)
";
