//! `kubectl rollout history deployment/NAME` (or `daemonset/NAME`, `statefulset/NAME`):
//! the revisions of a Deployment's ReplicaSets, or of a DaemonSet's or StatefulSet's
//! ControllerRevisions, with their `kubernetes.io/change-cause`, as kubectl's
//! DeploymentHistoryViewer, DaemonSetHistoryViewer and StatefulSetHistoryViewer print
//! them. `--revision=N` prints that revision's pod template as `describe` does
//! (`deployment.apps/web with revision #2`); `-o yaml|json|name` prints what kubectl's
//! GetHistory returns instead: a Deployment's ReplicaSets, or the DaemonSet or
//! StatefulSet with the revision's template, every revision or the one asked for.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::controllers::daemonset::revision_template;
use crate::controllers::deployment_util::revision;
use crate::controllers::replicaset::controller_of;
use crate::model::{ControllerRevision, Deployment, Object, ObjectMeta, ReplicaSet, ResourceExt};
use crate::Cluster;
use k8s_openapi::api::core::v1::PodTemplateSpec;

pub(super) const COMMAND: Command = Command {
    name: "history",
    aliases: &[],
    group: Group::Deploy,
    summary: "View rollout history",
    usage: "kubectl rollout history (TYPE NAME | TYPE/NAME) [flags]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        flag("revision", None, Kind::String)
            .default("0")
            .help("See the details, including podTemplate of the revision specified"),
    ],
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

/// One revision: its number, change cause, pod template (as kubectl's viewers read
/// it) and the object `-o` prints for it.
struct Revision {
    number: i64,
    cause: String,
    template: Option<PodTemplateSpec>,
    object: Object,
}

/// The template of a DaemonSet or StatefulSet with `cr`'s template in place of its own
/// (`applyDaemonSetHistory`, `applyStatefulSetHistory`).
fn applied(workload: &Object, cr: &ControllerRevision) -> (Option<PodTemplateSpec>, Object) {
    let template = revision_template(cr);
    let mut object = workload.clone();
    match (&mut object, &template) {
        (Object::DaemonSet(ds), Some(t)) => {
            if let Some(spec) = ds.spec.as_mut() {
                spec.template = t.clone();
            }
        }
        (Object::StatefulSet(set), Some(t)) => {
            if let Some(spec) = set.spec.as_mut() {
                spec.template = t.clone();
            }
        }
        _ => {}
    }
    (template, object)
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let given = p.string("revision").unwrap_or("0");
    let Ok(wanted) = given.parse::<i64>() else {
        return out.fail(format!(
            "invalid argument {given:?} for \"--revision\" flag: strconv.ParseInt: parsing {given:?}: invalid syntax\nSee 'kubectl rollout history --help' for usage."
        ));
    };
    if wanted < 0 {
        return out.fail(format!("revision must be a positive integer: {wanted}"));
    }
    let output = p.string("output").filter(|o| !o.is_empty());
    if let Some(other) =
        output.filter(|o| !["json", "yaml", "name"].contains(o) && !o.starts_with("jsonpath="))
    {
        return out.fail(format!("unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,yaml"));
    }
    let missing = Unsupported::NoHelper("no history viewer has been implemented for");
    let kinds = &["Deployment", "DaemonSet", "StatefulSet"];
    let workload = named_workload(cluster, p, out, missing, kinds);
    let (prefix, name, mut history): (&str, String, Vec<Revision>) = match &workload {
        Some(Object::Deployment(d)) => (
            "deployment.apps",
            d.name_any().to_string(),
            replica_sets_of(cluster, d)
                .into_iter()
                .filter(|rs| revision(rs) > 0)
                .map(|rs| {
                    // The ReplicaSet's template, with the set's change cause on it.
                    let mut template = rs.spec.as_ref().and_then(|s| s.template.clone());
                    let cause = change_cause(rs.annotations());
                    if let Some(t) = template.as_mut().filter(|_| cause != "<none>") {
                        t.metadata
                            .get_or_insert_with(Default::default)
                            .annotations
                            .get_or_insert_with(Default::default)
                            .insert(CHANGE_CAUSE.into(), cause.clone());
                    }
                    Revision {
                        number: revision(rs),
                        cause,
                        template,
                        object: Object::ReplicaSet(Box::new(rs.clone())),
                    }
                })
                .collect(),
        ),
        Some(o @ (Object::DaemonSet(_) | Object::StatefulSet(_))) => (
            if matches!(o, Object::DaemonSet(_)) {
                "daemonset.apps"
            } else {
                "statefulset.apps"
            },
            o.name_any().to_string(),
            revisions_of(cluster, o.as_ref().metadata())
                .into_iter()
                .map(|cr| {
                    let (template, object) = applied(o, cr);
                    Revision {
                        number: cr.revision,
                        cause: change_cause(cr.annotations()),
                        template,
                        object,
                    }
                })
                .collect(),
        ),
        _ => return,
    };
    crate::sort::sort_by(&mut history, |a, b| a.number.cmp(&b.number));
    if let Some(output) = output {
        // GetHistory's objects: the one revision asked for, or all of them in order.
        let chosen: Vec<&Revision> = history
            .iter()
            .filter(|r| wanted == 0 || r.number == wanted)
            .collect();
        if wanted > 0 && chosen.is_empty() {
            return out.fail("unable to find the specified revision");
        }
        for (i, r) in chosen.into_iter().enumerate() {
            if output == "yaml" && i > 0 {
                out.out("---\n");
            }
            super::common::print_object(&r.object, Some(output), "", out);
        }
        return;
    }
    if history.is_empty() {
        return out.out(format!("{prefix}/{name} \nNo rollout history found.\n"));
    }
    if wanted > 0 {
        let Some(r) = history.iter().find(|r| r.number == wanted) else {
            return out.fail("unable to find the specified revision");
        };
        let template = r.template.clone().unwrap_or_default();
        let text = super::describe::pod_template_text(&template);
        return out.out(format!("{prefix}/{name} with revision #{wanted}\n{text}\n"));
    }
    // kubectl's tabwriter: columns padded by two spaces.
    let width = history
        .iter()
        .map(|r| r.number.to_string().len())
        .chain(std::iter::once("REVISION".len()))
        .max()
        .unwrap_or(8)
        + 2;
    let mut s = format!("{prefix}/{name} \n");
    s.push_str(&format!("{:<width$}CHANGE-CAUSE\n", "REVISION"));
    for r in history {
        s.push_str(&format!("{:<width$}{}\n", r.number.to_string(), r.cause));
    }
    s.push('\n');
    out.out(s);
}
