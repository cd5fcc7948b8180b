//! `kubectl rollout history deployment/NAME`: the revisions of a Deployment's
//! ReplicaSets with their `kubernetes.io/change-cause`, as kubectl's
//! DeploymentHistoryViewer prints them.

use super::command::{Command, Group, Operands};
use super::flags::{Parsed, NAMESPACE};
use super::{FileSource, Output};
use crate::controllers::deployment_util::revision;
use crate::controllers::replicaset::controller_of;
use crate::model::{Deployment, ReplicaSet, ResourceExt};
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

/// The Deployment an argument list names (`deployment/NAME` or `deployment NAME`),
/// or what kubectl says when it does not (`missing`: its words for a kind it cannot
/// handle).
pub(super) fn named_deployment(
    cluster: &Cluster,
    p: &Parsed,
    out: &mut Output,
    missing: &str,
) -> Option<Deployment> {
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
    if rt.kind != "Deployment" {
        let group_kind = if rt.group.is_empty() {
            rt.kind.to_string()
        } else {
            format!("{}.{}", rt.kind, rt.group)
        };
        out.fail(format!("{missing} {group_kind:?}"));
        return None;
    }
    let namespace = p.string("namespace").unwrap_or("default");
    match cluster.api().deployments.get(namespace, &name) {
        Some(d) => Some(d.clone()),
        None => {
            out.not_found(rt.plural, &name);
            None
        }
    }
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(d) = named_deployment(
        cluster,
        p,
        out,
        "no history viewer has been implemented for",
    ) else {
        return;
    };
    let mut history: Vec<(i64, String)> = replica_sets_of(cluster, &d)
        .into_iter()
        .map(|rs| {
            let cause = rs
                .annotations()
                .get(CHANGE_CAUSE)
                .filter(|c| !c.is_empty())
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            (revision(rs), cause)
        })
        .filter(|(r, _)| *r > 0)
        .collect();
    crate::sort::sort_by(&mut history, |a, b| a.0.cmp(&b.0));
    // kubectl's tabwriter: columns padded by two spaces.
    let width = history
        .iter()
        .map(|(r, _)| r.to_string().len())
        .chain(std::iter::once("REVISION".len()))
        .max()
        .unwrap_or(8)
        + 2;
    let mut s = format!("deployment.apps/{} \n", d.name_any());
    s.push_str(&format!("{:<width$}CHANGE-CAUSE\n", "REVISION"));
    for (r, cause) in history {
        s.push_str(&format!("{:<width$}{cause}\n", r.to_string()));
    }
    s.push('\n');
    out.out(s);
}
