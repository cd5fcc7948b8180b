//! `kubectl drain NODE`: cordon the node, then evict its pods, refusing (unless told
//! otherwise) pods no controller would recreate (`--force`) and pods with emptyDir data
//! (`--delete-emptydir-data`), with kubectl's filters and wording. Pods go through the
//! Eviction subresource: one a PodDisruptionBudget protects is refused with 429 and
//! retried every 5 s until `--timeout`; evicted pods go through graceful deletion and
//! drain waits for them on the simulated clock.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, SELECTOR};
use super::{FileSource, Output};
use crate::model::Pod;
use crate::model::ResourceExt;
use crate::Cluster;

const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";

/// What drain's filters decided for one pod.
enum Verdict {
    Delete,
    Warn(&'static str),
    /// Left where it is, with a warning.
    Ignore(&'static str),
    Refuse(&'static str),
}

fn controller_kind(pod: &Pod) -> Option<&str> {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| o.kind.as_str())
}

/// kubectl's filter chain, in its order (DaemonSet, local storage, unreplicated): each
/// filter either lets the pod go on (okay or with a warning) or stops it (skip or
/// refusal); the verdict is the status of the last filter that ran.
fn verdict(pod: &Pod, force: bool, ignore_daemonsets: bool, delete_emptydir: bool) -> Verdict {
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    let finished = phase == "Succeeded" || phase == "Failed";
    let daemonset = || match controller_kind(pod) {
        Some("DaemonSet") if finished => Verdict::Delete,
        Some("DaemonSet") if ignore_daemonsets => Verdict::Ignore(DAEMONSET_WARNING),
        Some("DaemonSet") => Verdict::Refuse(DAEMONSET_FATAL),
        _ => Verdict::Delete,
    };
    let local_storage = || {
        let empty_dir = pod
            .spec
            .as_ref()
            .is_some_and(|s| s.volumes.iter().flatten().any(|v| v.empty_dir.is_some()));
        if !empty_dir || finished {
            Verdict::Delete
        } else if delete_emptydir {
            Verdict::Warn(LOCAL_STORAGE_WARNING)
        } else {
            Verdict::Refuse(LOCAL_STORAGE_FATAL)
        }
    };
    let unreplicated = || {
        if finished || controller_kind(pod).is_some() {
            Verdict::Delete
        } else if force {
            Verdict::Warn(UNMANAGED_WARNING)
        } else {
            Verdict::Refuse(UNMANAGED_FATAL)
        }
    };
    let filters: [&dyn Fn() -> Verdict; 3] = [&daemonset, &local_storage, &unreplicated];
    let mut status = Verdict::Delete;
    for filter in filters {
        status = filter();
        if matches!(status, Verdict::Ignore(_) | Verdict::Refuse(_)) {
            break;
        }
    }
    status
}

/// Groups `namespace/name`s under their messages, in first-seen order.
fn grouped(items: &[(&'static str, String)]) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (msg, pod) in items {
        match groups.iter_mut().find(|(m, _)| m == msg) {
            Some((_, pods)) => pods.push(pod.clone()),
            None => groups.push((msg, vec![pod.clone()])),
        }
    }
    groups
}

pub(super) const COMMAND: Command = Command {
    name: "drain",
    aliases: &[],
    group: Group::ClusterManagement,
    summary: "Drain node in preparation for maintenance",
    usage: "kubectl drain NODE",
    flags: &[
        flag("force", None, Kind::Bool).help("Continue even if there are pods that do not declare a controller."),
        flag("ignore-daemonsets", None, Kind::Bool).help("Ignore DaemonSet-managed pods."),
        flag("delete-emptydir-data", None, Kind::Bool).help("Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained)."),
        flag("grace-period", None, Kind::String).default("-1").help("Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used."),
        SELECTOR,
        flag("timeout", None, Kind::String).default("0s").help("The length of time to wait before giving up, zero means infinite"),
    ],
    operands: Operands::Nodes,
    subcommands: &[],
    run,
};

/// How long kubectl waits before retrying an eviction a disruption budget refused.
const RETRY_MS: u64 = 5_000;
/// How long the simulation keeps retrying when `--timeout` is zero (no limit).
const NO_TIMEOUT_MS: u64 = 60 * 60 * 1000;

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if p.positionals.len() != 1 || (p.has("selector") && !p.positionals.is_empty()) {
        return out.fail("USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
    }
    let grace: Option<i64> = match p.string("grace-period").map(str::parse::<i64>) {
        None => None,
        Some(Ok(g)) if g < 0 => None,
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => {
            let v = p.string("grace-period").unwrap_or_default();
            return out.fail(format!(
                "invalid argument {v:?} for \"--grace-period\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl drain --help' for usage."
            ));
        }
    };
    let node = p.positionals[0]
        .trim_start_matches("node/")
        .trim_start_matches("nodes/")
        .to_string();
    // Cordon first, as kubectl does, even if the drain is then refused.
    let before = out.exit_code;
    super::cordon::set(
        cluster,
        vec![node.clone()],
        super::cordon::Schedulable::No,
        out,
    );
    if out.exit_code != before {
        return;
    }

    let pods: Vec<Pod> = cluster
        .api()
        .pods
        .list()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node.as_str()))
        .cloned()
        .collect();
    let (force, ignore_ds, emptydir) = (
        p.bool("force"),
        p.bool("ignore-daemonsets"),
        p.bool("delete-emptydir-data"),
    );
    let mut to_delete = Vec::new();
    let mut warnings: Vec<(&'static str, String)> = Vec::new();
    let mut refusals: Vec<(&'static str, String)> = Vec::new();
    for pod in &pods {
        let key = format!("{}/{}", pod.namespace_any(), pod.name_any());
        match verdict(pod, force, ignore_ds, emptydir) {
            Verdict::Refuse(msg) => refusals.push((msg, key)),
            Verdict::Ignore(msg) => warnings.push((msg, key)),
            Verdict::Warn(msg) => {
                warnings.push((msg, key));
                to_delete.push(pod.clone());
            }
            Verdict::Delete => to_delete.push(pod.clone()),
        }
    }
    if !refusals.is_empty() {
        let errors: Vec<String> = grouped(&refusals)
            .into_iter()
            .map(|(msg, pods)| format!("cannot delete {msg}: {}", pods.join(", ")))
            .collect();
        let joined = if errors.len() == 1 {
            errors[0].clone()
        } else {
            format!("[{}]", errors.join(", "))
        };
        out.err(format!(
            "error: unable to drain node {node:?} due to error: {joined}, continuing command...\n"
        ));
        out.err(format!("There are pending nodes to be drained:\n {node}\n"));
        for e in errors {
            out.err(format!("{e}\n"));
        }
        out.exit_code = 1;
        return;
    }
    if !warnings.is_empty() {
        let text: Vec<String> = grouped(&warnings)
            .into_iter()
            .map(|(msg, pods)| format!("{msg}: {}", pods.join(", ")))
            .collect();
        out.err(format!("Warning: {}\n", text.join("; ")));
    }
    let timeout_ms = match p.string("timeout").map(crate::clock::parse_duration) {
        None => 0,
        Some(Ok(ms)) => ms,
        Some(Err(_)) => {
            let v = p.string("timeout").unwrap_or_default();
            return out.fail(format!(
                "invalid argument {v:?} for \"--timeout\" flag: time: invalid duration {v:?}\nSee 'kubectl drain --help' for usage."
            ));
        }
    };
    // Zero means no limit; the simulation stops retrying after an hour.
    let deadline = cluster.now().plus_ms(if timeout_ms == 0 {
        NO_TIMEOUT_MS
    } else {
        timeout_ms
    });
    let mut evicted = Vec::new();
    let mut errors = Vec::new();
    let mut pending: Vec<&Pod> = to_delete.iter().collect();
    // Each pod's eviction is retried every 5 s while its disruption budget refuses it
    // (kubectl's goroutines, one per pod, run here in turn on the simulated clock).
    while !pending.is_empty() {
        let mut refused = Vec::new();
        for &pod in &pending {
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            let name = pod.name_any().to_string();
            out.out(format!("evicting pod {ns}/{name}\n"));
            if cluster.now() >= deadline {
                errors.push(format!(
                    "error when evicting pods/{name:?} -n {ns:?}: global timeout reached: {}",
                    crate::net::servers::go_duration(timeout_ms)
                ));
                continue;
            }
            match cluster.evict_pod(&ns, &name, grace) {
                Ok(deletion) => {
                    let uid = match deletion {
                        crate::apiserver::PodDeletion::Removed(p)
                        | crate::apiserver::PodDeletion::Terminating(p) => {
                            p.metadata.uid.unwrap_or_default()
                        }
                    };
                    let grace = pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.termination_grace_period_seconds)
                        .unwrap_or(30);
                    evicted.push(super::common::Deleting {
                        resource: "pods",
                        namespace: ns,
                        name,
                        uid,
                        grace,
                    });
                }
                Err(crate::apiserver::ApiError::NotFound { .. }) => {}
                Err(e @ crate::apiserver::ApiError::TooManyRequests { .. }) => {
                    out.err(format!(
                        "error when evicting pods/{name:?} -n {ns:?} (will retry after 5s): {e}\n"
                    ));
                    refused.push(pod);
                }
                Err(e) => errors.push(format!("error when evicting pods/{name:?} -n {ns:?}: {e}")),
            }
        }
        if !refused.is_empty() {
            cluster.advance(RETRY_MS);
        }
        pending = refused;
    }
    if !errors.is_empty() {
        let joined = if errors.len() == 1 {
            errors[0].clone()
        } else {
            format!("[{}]", errors.join(", "))
        };
        out.err(format!(
            "There are pending pods in node {node:?} when an error occurred: {joined}\n"
        ));
        for pod in &to_delete {
            out.err(format!("pod/{}\n", pod.name_any()));
        }
        out.err(format!(
            "error: unable to drain node {node:?} due to error: {joined}, continuing command...\n"
        ));
        out.err(format!("There are pending nodes to be drained:\n {node}\n"));
        super::common::wait_for_deletion(cluster, &evicted);
        return out.fail(joined);
    }
    super::common::wait_for_deletion(cluster, &evicted);
    for d in &evicted {
        out.out(format!("pod/{} evicted\n", d.name));
    }
    out.out(format!("node/{node} drained\n"));
}
