//! `kubectl exec [-it] POD [-c CONTAINER] -- COMMAND [args...]`.

use super::command::{Command, Group, Operands};
use super::container::pick_container;
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "exec",
    aliases: &[],
    group: Group::Troubleshooting,
    summary: "Execute a command in a container",
    usage: "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
    flags: &[
        NAMESPACE,
        flag("container", Some('c'), Kind::String).help("Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen"),
        flag("stdin", Some('i'), Kind::Bool).help("Pass stdin to the container"),
        flag("tty", Some('t'), Kind::Bool).help("Stdin is a TTY"),
        flag("quiet", Some('q'), Kind::Bool).help("Only print output from the remote session"),
    ],
    operands: Operands::Pod,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let ns = p.string("namespace").unwrap_or("default").to_string();
    let Some(first) = p.positionals.first() else {
        out.fail("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        return;
    };
    if p.positionals.len() > 1 {
        out.fail("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        return;
    }
    if p.trailing.is_empty() {
        out.fail("you must specify at least one command for the container");
        return;
    }
    let Some(pod) = super::common::pod_named(cluster, &ns, first, out) else {
        return;
    };
    let name = pod.metadata.name.clone().unwrap_or_default();
    let name = name.as_str();
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        out.fail(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        ));
        return;
    }
    let Some(container) = pick_container(&pod, p.string("container"), out) else {
        return;
    };
    let argv = p.trailing.clone();
    let stdin = if p.bool("stdin") {
        if files.stdin_is_terminal() && crate::kubelet::exec::is_shell(&argv) {
            // The person's terminal becomes the shell's.
            match cluster.exec_session(&ns, name, &container, &argv, p.bool("tty")) {
                Ok(session) => out.exec = Some(session),
                Err(e) => out.fail(e.to_string()),
            }
            return;
        }
        if p.bool("tty") && !files.stdin_is_terminal() && !p.bool("quiet") {
            out.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
        }
        // All of stdin (a terminal gives a program other than a shell end-of-file).
        let data = if files.stdin_is_terminal() {
            Vec::new()
        } else {
            files.stdin_bytes().unwrap_or_default()
        };
        Some(data)
    } else {
        None
    };
    match cluster.exec(&ns, name, &container, argv, stdin) {
        Ok((chunks, code)) => {
            // Bytes as the container wrote them: a binary file read with cat stays
            // itself on kubectl's standard output.
            let mut stdout = Vec::new();
            for (stream, data) in chunks {
                match stream {
                    crate::shell::Stream::Stdout => stdout.extend_from_slice(&data),
                    crate::shell::Stream::Stderr => out.err(String::from_utf8_lossy(&data)),
                }
            }
            match String::from_utf8(stdout) {
                Ok(text) => out.out(text),
                Err(e) => {
                    out.out(String::from_utf8_lossy(e.as_bytes()));
                    out.stdout_bytes = Some(e.into_bytes());
                }
            }
            if code != 0 {
                out.err(format!("command terminated with exit code {code}\n"));
                out.exit_code = code;
            }
        }
        Err(e) => out.fail(e.to_string()),
    }
}
