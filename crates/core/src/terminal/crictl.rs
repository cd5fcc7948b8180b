//! `crictl` on a node: the CRI's view of the node's container runtime, from the
//! kubelet of that node only (`crictl pods`, `ps [-a]`, `images`, `version`), in
//! crictl 1.34's table format; `inspect`, `inspectp`, `logs` and `exec` take an id or
//! a prefix of one, as containerd's id index resolves it. The runtime's socket is
//! root's: as another user crictl cannot connect (`sudo crictl ps`).

use super::programs::Ex;
use crate::clock::SimTime;
use crate::kubectl::tabwriter;
use crate::kubelet::cri::CriState;
use crate::shell::exec::{Flow, Io};
use crate::shell::programs::done;

/// crictl's ids are cut to this many characters unless `--no-trunc`.
const TRUNCATED_ID_LEN: usize = 13;

const SOCKET: &str = "unix:///run/containerd/containerd.sock";

/// What containerd's stores hold, as their errors name it.
pub(super) const CONTAINER: &str = "container";
pub(super) const SANDBOX: &str = "sandbox";

/// crictl's error exit: logrus' line on a terminal, status 1.
pub(super) fn fail(ex: &mut Ex, io: &Io, message: &str) -> Flow {
    ex.err(io, &format!("ERRO[0000] {message}\n"));
    done(ex, 1)
}

/// The one item whose id is `id` or starts with it (containerd's truncindex), or the
/// gRPC error the runtime answers: NotFound for none, Unknown for several.
pub(super) fn find_one<'a, T>(
    items: &'a [T],
    id_of: impl Fn(&T) -> &String,
    id: &str,
    what: &str,
) -> Result<&'a T, String> {
    let find = |detail: &str| -> String {
        match what {
            SANDBOX => format!("an error occurred when try to find sandbox: {detail}"),
            _ => format!("an error occurred when try to find {what} {id:?}: {detail}"),
        }
    };
    if let Some(exact) = items.iter().find(|i| id_of(i) == id) {
        return Ok(exact);
    }
    let matches: Vec<&T> = if id.is_empty() {
        Vec::new()
    } else {
        items.iter().filter(|i| id_of(i).starts_with(id)).collect()
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "rpc error: code = NotFound desc = {}",
            find("not found")
        )),
        _ => Err(format!(
            "rpc error: code = Unknown desc = {}",
            find(&format!("multiple IDs found with provided prefix: {id}"))
        )),
    }
}

pub(super) fn crictl(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let Some(command) = args.first() else {
        ex.out(io, USAGE);
        return done(ex, 0);
    };
    let flags = &args[1..];
    let has = |short: &str, long: &str| flags.iter().any(|f| f == short || f == long);
    let (quiet, all, no_trunc) = (
        has("-q", "--quiet"),
        has("-a", "--all"),
        has("", "--no-trunc"),
    );
    if !matches!(
        command.as_str(),
        "ps" | "pods"
            | "images"
            | "image"
            | "img"
            | "version"
            | "--version"
            | "-v"
            | "inspect"
            | "inspectp"
            | "logs"
            | "exec"
    ) {
        ex.err(io, &format!("No help topic for '{command}'\n"));
        return done(ex, 3);
    }
    if command == "--version" || command == "-v" {
        ex.out(io, "crictl version v1.34.0\n");
        return done(ex, 0);
    }
    if ex.p.user.uid != 0 {
        let msg = format!("ERRO[0000] validate service connection: validate CRI v1 runtime API for endpoint \"{SOCKET}\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: permission denied\"\n");
        ex.err(io, &msg);
        return done(ex, 1);
    }
    match command.as_str() {
        "inspect" => return super::crictl_inspect::inspect(ex, flags, io),
        "inspectp" => return super::crictl_inspect::inspectp(ex, flags, io),
        "logs" => return super::crictl_exec::logs(ex, flags, io),
        "exec" => return super::crictl_exec::exec(ex, flags, io),
        _ => {}
    }
    let id = |s: &str| -> String {
        if no_trunc {
            s.to_string()
        } else {
            s.chars().take(TRUNCATED_ID_LEN).collect()
        }
    };
    let now = ex.host.cluster.now;
    let node = ex.host.node.clone();
    let kubelet = &ex.host.cluster.kubelet;
    let mut table = String::new();
    match command.as_str() {
        "version" => {
            table.push_str("Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  v2.1.4\nRuntimeApiVersion:  v1\n");
            ex.out(io, &table);
            return done(ex, 0);
        }
        "pods" => {
            let api = &ex.host.cluster.api;
            let mut pods: Vec<(SimTime, _)> = kubelet
                .sandboxes(&node)
                .into_iter()
                .map(|s| {
                    let started = api
                        .pods
                        .get(&s.namespace, &s.name)
                        .filter(|p| p.metadata.uid.as_deref() == Some(s.uid.as_str()))
                        .and_then(|p| p.status.as_ref()?.start_time.as_ref())
                        .map_or(now, SimTime::from_time);
                    (started, s)
                })
                .collect();
            crate::sort::sort_by(&mut pods, |a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
            if !quiet {
                table.push_str("POD ID\tCREATED\tSTATE\tNAME\tNAMESPACE\tATTEMPT\tRUNTIME\n");
            }
            for (created, s) in pods {
                if quiet {
                    table.push_str(&format!("{}\n", s.id));
                    continue;
                }
                let state = if s.ready { "Ready" } else { "NotReady" };
                table.push_str(&format!(
                    "{}\t{} ago\t{state}\t{}\t{}\t0\t(default)\n",
                    id(&s.id),
                    human_duration(now.0.saturating_sub(created.0)),
                    s.name,
                    s.namespace
                ));
            }
        }
        "ps" => {
            let mut containers = kubelet.cri_containers(&node);
            containers.retain(|c| all || c.state == CriState::Running);
            crate::sort::sort_by(&mut containers, |a, b| {
                b.created.cmp(&a.created).then(a.id.cmp(&b.id))
            });
            if !quiet {
                table.push_str(
                    "CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD\tNAMESPACE\n",
                );
            }
            for c in containers {
                if quiet {
                    table.push_str(&format!("{}\n", c.id));
                    continue;
                }
                let image = c.image_id.strip_prefix("sha256:").unwrap_or(&c.image_id);
                let state = match c.state {
                    CriState::Running => "Running",
                    CriState::Exited => "Exited",
                };
                table.push_str(&format!(
                    "{}\t{}\t{} ago\t{state}\t{}\t{}\t{}\t{}\t{}\n",
                    id(&c.id),
                    if no_trunc {
                        c.image_id.clone()
                    } else {
                        id(image)
                    },
                    human_duration(now.0.saturating_sub(c.created.0)),
                    c.name,
                    c.attempt,
                    id(&c.pod_id),
                    c.pod,
                    c.namespace
                ));
            }
        }
        _ => {
            let mut images: Vec<(String, String, &str, u64)> = kubelet
                .node_images(&node)
                .into_iter()
                .map(|(reference, image)| {
                    let q = crate::kubelet::images::qualified(&reference);
                    let (name, tag) = match q.split_once('@') {
                        Some((name, _)) => (name.to_string(), "<none>".to_string()),
                        None => match q.rsplit_once(':') {
                            Some((n, t)) => (n.to_string(), t.to_string()),
                            None => (q.clone(), "<none>".to_string()),
                        },
                    };
                    (name, tag, image.digest, image.size_bytes)
                })
                .collect();
            crate::sort::sort(&mut images);
            images.dedup();
            if !quiet {
                table.push_str("IMAGE\tTAG\tIMAGE ID\tSIZE\n");
            }
            for (name, tag, digest, size) in images {
                if quiet {
                    table.push_str(&format!("{digest}\n"));
                    continue;
                }
                let image_id = if no_trunc {
                    digest.to_string()
                } else {
                    id(digest.strip_prefix("sha256:").unwrap_or(digest))
                };
                table.push_str(&format!(
                    "{name}\t{tag}\t{image_id}\t{}\n",
                    human_size(size)
                ));
            }
        }
    }
    let text = if quiet {
        table
    } else {
        tabwriter::format(&table, 20, 3)
    };
    ex.out(io, &text);
    done(ex, 0)
}

const USAGE: &str = "NAME:
   crictl - client for CRI

USAGE:
   crictl [global options] command [command options]

VERSION:
   v1.34.0

COMMANDS:
   exec                Run a command in a running container
   images, image, img  List images
   inspect             Display the status of one or more containers
   inspectp            Display the status of one or more pods
   logs                Fetch the logs of a container
   pods                List pods
   ps                  List containers
   version             Display runtime version information
";

/// go-units' HumanDuration, as crictl prints a CREATED column (`2 minutes ago`).
pub(crate) fn human_duration(ms: u64) -> String {
    let seconds = ms / 1000;
    let minutes = seconds / 60;
    // Hours are rounded, the rest cut.
    let hours = (ms + 1_800_000) / 3_600_000;
    match () {
        _ if seconds < 1 => "Less than a second".into(),
        _ if seconds == 1 => "1 second".into(),
        _ if seconds < 60 => format!("{seconds} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", ms / 3_600_000 / 24 / 365),
    }
}

/// go-units' HumanSizeWithPrecision(size, 3): decimal units, three significant digits
/// (`72.2MB`, `4.87MB`).
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    let decimals = if size >= 100.0 {
        0
    } else if size >= 10.0 {
        1
    } else {
        2
    };
    let mut text = format!("{size:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_units_formats() {
        for (ms, want) in [
            (500, "Less than a second"),
            (1_000, "1 second"),
            (59_000, "59 seconds"),
            (60_000, "About a minute"),
            (150_000, "2 minutes"),
            (3_600_000, "About an hour"),
            (2 * 3_600_000, "2 hours"),
            (50 * 3_600_000, "2 days"),
        ] {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
        for (bytes, want) in [
            (72_223_946, "72.2MB"),
            (4_873_218, "4.87MB"),
            (1_144_547, "1.14MB"),
            (98_888_614, "98.9MB"),
            (512, "512B"),
            (72_000_000, "72MB"),
        ] {
            assert_eq!(human_size(bytes), want, "{bytes}");
        }
    }
}
