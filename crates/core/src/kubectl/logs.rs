//! `kubectl logs [-f] [-p] POD [-c CONTAINER]`.

use super::command::{Command, Group, Operands};
use super::container::{pick_container, state_of};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::clock::SimTime;
use crate::model::ResourceExt;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "logs",
    aliases: &[],
    group: Group::Troubleshooting,
    summary: "Print the logs for a container in a pod",
    usage: "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
    flags: &[
        NAMESPACE,
        flag("container", Some('c'), Kind::String).help("Print the logs of this container"),
        flag("follow", Some('f'), Kind::Bool).help("Specify if the logs should be streamed."),
        flag("previous", Some('p'), Kind::Bool).help("If true, print the logs for the previous instance of the container in a pod if it exists."),
        flag("timestamps", None, Kind::Bool).help("Include timestamps on each line in the log output"),
        flag("tail", None, Kind::String).default("-1").help("Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided."),
        flag("all-containers", None, Kind::Bool).help("Get all containers' logs in the pod(s)."),
    ],
    operands: Operands::Pod,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let ns = p.string("namespace").unwrap_or("default").to_string();
    let Some(first) = p.positionals.first() else {
        out.fail("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return;
    };
    let Some(pod) = super::common::pod_named(cluster, &ns, first, out) else {
        return;
    };
    let name = pod.metadata.name.clone().unwrap_or_default();
    let name = name.as_str();
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
                return out.api_error(&ApiError::bad_request(format!(
                    "previous terminated container {container:?} in pod {name:?} not found"
                )));
            }
            _ => {
                let why = match waiting.as_deref() {
                    Some("ImagePullBackOff" | "ErrImagePull") => {
                        "trying and failing to pull image".to_string()
                    }
                    Some(r) => r.to_string(),
                    None => "ContainerCreating".into(),
                };
                return out.api_error(&ApiError::bad_request(format!(
                    "container {container:?} in pod {name:?} is waiting to start: {why}"
                )));
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
            uid: pod.uid_any().to_string(),
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
