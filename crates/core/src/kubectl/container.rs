//! kubectl commands that reach into containers: `logs` and `exec`.

use super::commands::{parse, NAMESPACE};
use super::flags::{flag, Flag, Kind};
use super::{FileSource, Output};
use crate::clock::SimTime;
use crate::model::Pod;
use crate::Cluster;

/// The container kubectl picks when none is named: the default-container annotation,
/// else the first, saying so when there are several.
fn pick_container(pod: &Pod, named: Option<&str>, out: &mut Output) -> Option<String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let app: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let init: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    if let Some(n) = named {
        if app.iter().chain(&init).any(|c| c == n) {
            return Some(n.to_string());
        }
        out.fail(format!("container {n} is not valid for pod {pod_name}"));
        return None;
    }
    let default = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
        .filter(|d| app.contains(d))
        .cloned()
        .or_else(|| app.first().cloned())?;
    if app.len() + init.len() > 1 {
        let mut all: Vec<String> = app.clone();
        all.extend(init.iter().map(|c| format!("{c} (init)")));
        out.err(format!(
            "Defaulted container {default:?} out of: {}\n",
            all.join(", ")
        ));
    }
    Some(default)
}

fn state_of(pod: &Pod, container: &str) -> Option<k8s_openapi::api::core::v1::ContainerState> {
    let st = pod.status.as_ref()?;
    st.container_statuses
        .iter()
        .flatten()
        .chain(st.init_container_statuses.iter().flatten())
        .find(|s| s.name == container)
        .and_then(|s| s.state.clone())
}

pub fn logs(cluster: &mut Cluster, args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("container", Some('c'), Kind::String),
        flag("follow", Some('f'), Kind::Bool),
        flag("previous", Some('p'), Kind::Bool),
        flag("timestamps", None, Kind::Bool),
        flag("tail", None, Kind::String),
        flag("all-containers", None, Kind::Bool),
    ];
    let Some(p) = parse("logs", args, SPEC, out) else {
        return;
    };
    let ns = p.string("namespace").unwrap_or("default").to_string();
    let Some(first) = p.positionals.first() else {
        out.fail("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return;
    };
    let name = first
        .strip_prefix("pod/")
        .or_else(|| first.strip_prefix("pods/"))
        .unwrap_or(first);
    let Some(pod) = cluster.api().pods.get(&ns, name).cloned() else {
        out.not_found("pods", name);
        return;
    };
    let named = p
        .string("container")
        .or(p.positionals.get(1).map(String::as_str));
    let tail: Option<usize> = match p.string("tail") {
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n as usize),
            Ok(_) => None,
            Err(_) => {
                out.fail(format!("invalid argument {t:?} for \"--tail\" flag: strconv.ParseInt: parsing {t:?}: invalid syntax\nSee 'kubectl logs --help' for usage."));
                return;
            }
        },
        None => None,
    };
    let containers: Vec<String> = if p.bool("all-containers") {
        let spec = pod.spec.clone().unwrap_or_default();
        spec.init_containers
            .iter()
            .flatten()
            .chain(&spec.containers)
            .map(|c| c.name.clone())
            .collect()
    } else {
        match pick_container(&pod, named, out) {
            Some(c) => vec![c],
            None => return,
        }
    };
    let previous = p.bool("previous");
    let timestamps = p.bool("timestamps");
    let mut followed = Vec::new();
    for container in containers {
        let lines = cluster.logs(&ns, name, &container, previous);
        let waiting = state_of(&pod, &container)
            .and_then(|s| s.waiting)
            .and_then(|w| w.reason);
        let lines = match lines {
            Some(l) if previous || !l.is_empty() || waiting.is_none() => l,
            _ if previous => {
                out.err(format!("Error from server (BadRequest): previous terminated container {container:?} in pod {name:?} not found\n"));
                out.exit_code = 1;
                return;
            }
            _ => {
                let why = match waiting.as_deref() {
                    Some("ImagePullBackOff" | "ErrImagePull") => {
                        "trying and failing to pull image".to_string()
                    }
                    Some(r) => r.to_string(),
                    None => "ContainerCreating".into(),
                };
                out.err(format!("Error from server (BadRequest): container {container:?} in pod {name:?} is waiting to start: {why}\n"));
                out.exit_code = 1;
                return;
            }
        };
        let skip = tail.map_or(0, |t| lines.len().saturating_sub(t));
        out.out(render_lines(&lines[skip..], timestamps));
        // -f follows a running container until it stops (a finished one just prints).
        let running = state_of(&pod, &container).is_some_and(|s| s.running.is_some());
        if p.bool("follow") && !previous && running {
            followed.push((container, position_after(lines)));
        }
    }
    if !followed.is_empty() {
        out.follow = Some(super::Follow::Logs(LogFollow {
            namespace: ns,
            pod: name.to_string(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            containers: followed,
            timestamps,
        }));
    }
}

fn render_lines(lines: &[crate::kubelet::LogLine], timestamps: bool) -> String {
    let mut text = String::new();
    for l in lines {
        if timestamps {
            text.push_str(&format!("{} {}\n", rfc3339_nano(l.at), l.text));
        } else {
            text.push_str(&format!("{}\n", l.text));
        }
    }
    text
}

/// Where a log stands after its last line: that line's time and how many lines share
/// it (lines only ever arrive in time order, so this survives old lines being dropped).
fn position_after(lines: &[crate::kubelet::LogLine]) -> Option<(SimTime, usize)> {
    let last = lines.last()?.at;
    Some((
        last,
        lines.iter().rev().take_while(|l| l.at == last).count(),
    ))
}

/// `kubectl logs -f` in progress: the containers followed and how far each was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFollow {
    namespace: String,
    pod: String,
    uid: String,
    containers: Vec<(String, Option<(SimTime, usize)>)>,
    timestamps: bool,
}

impl LogFollow {
    /// The lines written since the last poll, and whether the stream has ended: every
    /// followed container stopped (exited, restarted, or its pod is gone).
    pub fn poll(&mut self, cluster: &Cluster) -> super::Polled {
        let pod = cluster
            .api()
            .pods
            .get(&self.namespace, &self.pod)
            .filter(|p| p.metadata.uid.as_deref() == Some(self.uid.as_str()));
        let Some(pod) = pod else {
            return super::Polled::finished();
        };
        let mut text = String::new();
        let mut running = false;
        for (container, shown) in &mut self.containers {
            let lines = cluster
                .logs(&self.namespace, &self.pod, container, false)
                .unwrap_or_default();
            let start = match *shown {
                None => 0,
                Some((at, n)) => {
                    let before = lines.partition_point(|l| l.at < at);
                    let same = lines[before..].iter().take_while(|l| l.at == at).count();
                    before + n.min(same)
                }
            };
            let new = lines.get(start..).unwrap_or_default();
            text.push_str(&render_lines(new, self.timestamps));
            if let Some(p) = position_after(lines) {
                *shown = Some(p);
            }
            running |= state_of(pod, container).is_some_and(|s| s.running.is_some());
        }
        super::Polled::printed(text, !running)
    }
}

pub fn exec(cluster: &mut Cluster, args: &[String], files: &dyn FileSource, out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("container", Some('c'), Kind::String),
        flag("stdin", Some('i'), Kind::Bool),
        flag("tty", Some('t'), Kind::Bool),
        flag("quiet", Some('q'), Kind::Bool),
    ];
    let Some(p) = parse("exec", args, SPEC, out) else {
        return;
    };
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
    let name = first
        .strip_prefix("pod/")
        .or_else(|| first.strip_prefix("pods/"))
        .unwrap_or(first);
    let Some(pod) = cluster.api().pods.get(&ns, name).cloned() else {
        out.not_found("pods", name);
        return;
    };
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
                Err(e) => out.fail(e),
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
            files.read("-").map(String::into_bytes).unwrap_or_default()
        };
        Some(data)
    } else {
        None
    };
    match cluster.exec(&ns, name, &container, argv, stdin) {
        Ok((chunks, code)) => {
            for (stream, data) in chunks {
                let text = String::from_utf8_lossy(&data);
                match stream {
                    crate::shell::Stream::Stdout => out.out(text),
                    crate::shell::Stream::Stderr => out.err(text),
                }
            }
            if code != 0 {
                out.err(format!("command terminated with exit code {code}\n"));
                out.exit_code = code;
            }
        }
        Err(e) => out.fail(e),
    }
}

/// Go's time.RFC3339Nano: fractional seconds without trailing zeros (none when whole).
fn rfc3339_nano(t: crate::clock::SimTime) -> String {
    let secs = k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S", t.to_time().0)
        .unwrap_or_default();
    let ms = (crate::clock::EPOCH_UNIX_MS as u64 + t.0) % 1000;
    if ms == 0 {
        format!("{secs}Z")
    } else {
        format!("{secs}.{}Z", format!("{ms:03}").trim_end_matches('0'))
    }
}
