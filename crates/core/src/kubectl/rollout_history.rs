//! `kubectl rollout history deployment/NAME` (or `daemonset/NAME`, `statefulset/NAME`):
//! the revisions of a Deployment's ReplicaSets, or of a DaemonSet's or StatefulSet's
//! ControllerRevisions, with their `kubernetes.io/change-cause`, as kubectl's
//! DeploymentHistoryViewer, DaemonSetHistoryViewer and StatefulSetHistoryViewer print
//! them.

use super::command::{Command, Group, Operands};
use super::flags::{Parsed, NAMESPACE};
use super::{FileSource, Output};
use crate::controllers::deployment_util::revision;
use crate::controllers::replicaset::controller_of;
use crate::model::{ControllerRevision, Deployment, Object, ObjectMeta, ReplicaSet, ResourceExt};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "history",
    aliases: &[],
    group: Group::Deploy,
    summary: "View rollout history",
    usage: "kubectl rollout history (TYPE NAME | TYPE/NAME) [flags]",
    flags: &[NAMESPACE],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// The annotation a revision's cause is read from.
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// The ReplicaSets a Deployment controls, in the API server's order.
pub(super) fn replica_sets_of<'a>(cluster: &'a Cluster, d: &'a Deployment) -> Vec<&'a ReplicaSet> {
    let uid = d.uid_any();
    cluster
        .api()
        .replica_sets
        .list_namespace(d.namespace_any())
        .filter(|rs| controller_of(&rs.metadata).is_some_and(|r| r.uid == uid))
        .collect()
}

/// The ControllerRevisions a DaemonSet or a StatefulSet controls, in the API server's
/// order.
pub(super) fn revisions_of<'a>(
    cluster: &'a Cluster,
    owner: &'a ObjectMeta,
) -> Vec<&'a ControllerRevision> {
    let uid = owner.uid.as_deref().unwrap_or_default();
    cluster
        .api()
        .controller_revisions
        .list_namespace(owner.namespace.as_deref().unwrap_or_default())
        .filter(|cr| controller_of(&cr.metadata).is_some_and(|r| r.uid == uid))
        .collect()
}

/// What kubectl says of a kind a rollout subcommand cannot handle.
#[derive(Debug, Clone, Copy)]
pub(super) enum Unsupported {
    /// `no history viewer has been implemented for "ReplicaSet.apps"` (the words
    /// before the kind).
    NoHelper(&'static str),
    /// As a patch's error: `replicasets.apps "x" pausing is not supported`.
    NotSupported(&'static str),
}

/// The workload an argument list names (`deployment/NAME` or `daemonset NAME`) when
/// its kind is one of `kinds`, or what kubectl says when it does not exist (first, as
/// kubectl fetches it before looking for a helper) or its kind is not one of them.
pub(super) fn named_workload(
    cluster: &Cluster,
    p: &Parsed,
    out: &mut Output,
    unsupported: Unsupported,
    kinds: &[&str],
) -> Option<Object> {
    let args = &p.positionals;
    let (rt, name) = match args.as_slice() {
        [one] if one.contains('/') => match super::common::type_slash_name(args) {
            Ok(mut t) => t.remove(0),
            Err(e) => {
                out.fail(e);
                return None;
            }
        },
        [t, name] => match super::resources::lookup(t) {
            Some(rt) => (rt, name.clone()),
            None => {
                out.fail(super::resources::unknown_type(t));
                return None;
            }
        },
        [] => {
            out.fail("required resource not specified");
            return None;
        }
        _ => {
            out.fail("only one resource is supported");
            return None;
        }
    };
    let namespace = p.string("namespace").unwrap_or("default");
    let Some(object) = cluster.api().object(rt.plural, namespace, &name) else {
        out.not_found(rt.plural, &name);
        return None;
    };
    if kinds.contains(&rt.kind) {
        return Some(object.to_owned());
    }
    out.fail(match unsupported {
        Unsupported::NoHelper(missing) => {
            let group_kind = if rt.group.is_empty() {
                rt.kind.to_string()
            } else {
                format!("{}.{}", rt.kind, rt.group)
            };
            format!("{missing} {group_kind:?}")
        }
        Unsupported::NotSupported(words) => format!("{} {name:?} {words}", rt.qualified),
    });
    None
}

/// The Deployment an argument list names, as [`named_workload`].
pub(super) fn named_deployment(
    cluster: &Cluster,
    p: &Parsed,
    out: &mut Output,
    unsupported: Unsupported,
) -> Option<Deployment> {
    match named_workload(cluster, p, out, unsupported, &["Deployment"])? {
        Object::Deployment(d) => Some(*d),
        _ => None,
    }
}

fn change_cause(annotations: &std::collections::BTreeMap<String, String>) -> String {
    annotations
        .get(CHANGE_CAUSE)
        .filter(|c| !c.is_empty())
        .cloned()
        .unwrap_or_else(|| "<none>".into())
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let missing = Unsupported::NoHelper("no history viewer has been implemented for");
    let kinds = &["Deployment", "DaemonSet", "StatefulSet"];
    let workload = named_workload(cluster, p, out, missing, kinds);
    let (prefix, name, mut history): (&str, String, Vec<(i64, String)>) = match workload {
        Some(Object::Deployment(d)) => (
            "deployment.apps",
            d.name_any().to_string(),
            replica_sets_of(cluster, &d)
                .into_iter()
                .map(|rs| (revision(rs), change_cause(rs.annotations())))
                .filter(|(r, _)| *r > 0)
                .collect(),
        ),
        Some(Object::DaemonSet(ds)) => (
            "daemonset.apps",
            ds.name_any().to_string(),
            revisions_of(cluster, &ds.metadata)
                .into_iter()
                .map(|cr| (cr.revision, change_cause(cr.annotations())))
                .collect(),
        ),
        Some(Object::StatefulSet(set)) => (
            "statefulset.apps",
            set.name_any().to_string(),
            revisions_of(cluster, &set.metadata)
                .into_iter()
                .map(|cr| (cr.revision, change_cause(cr.annotations())))
                .collect(),
        ),
        _ => return,
    };
    crate::sort::sort_by(&mut history, |a, b| a.0.cmp(&b.0));
    if history.is_empty() {
        return out.out(format!("{prefix}/{name} \nNo rollout history found.\n"));
    }
    // kubectl's tabwriter: columns padded by two spaces.
    let width = history
        .iter()
        .map(|(r, _)| r.to_string().len())
        .chain(std::iter::once("REVISION".len()))
        .max()
        .unwrap_or(8)
        + 2;
    let mut s = format!("{prefix}/{name} \n");
    s.push_str(&format!("{:<width$}CHANGE-CAUSE\n", "REVISION"));
    for (r, cause) in history {
        s.push_str(&format!("{:<width$}{cause}\n", r.to_string()));
    }
    s.push('\n');
    out.out(s);
}
