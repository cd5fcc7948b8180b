//! `kubectl rollout undo deployment/NAME [--to-revision=N]`: the Deployment's template
//! set back to a previous revision's, as kubectl's DeploymentRollbacker does (the
//! ReplicaSet's template without its pod-template-hash label, and its annotations);
//! for `daemonset/NAME` and `statefulset/NAME` the template a ControllerRevision holds,
//! as their rollbackers patch it back.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::rollout_history::{named_workload, replica_sets_of, revisions_of, Unsupported};
use super::{FileSource, Output};
use crate::controllers::daemonset::{revision_template, template_patch};
use crate::controllers::deployment_util::{revision, skip_copy_annotation, without_hash};
use crate::model::{ControllerRevision, Deployment, Object, ReplicaSet, ResourceExt};
use crate::Cluster;
use k8s_openapi::api::core::v1::PodTemplateSpec;

pub(super) const COMMAND: Command = Command {
    name: "undo",
    aliases: &[],
    group: Group::Deploy,
    summary: "Undo a previous rollout",
    usage: "kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags]",
    flags: &[
        NAMESPACE,
        flag("to-revision", None, Kind::String)
            .default("0")
            .help("The revision to rollback to. Default to 0 (last revision)."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let to = p.string("to-revision").unwrap_or("0");
    let Ok(to_revision) = to.parse::<i64>() else {
        return out.fail(format!(
            "invalid argument {to:?} for \"--to-revision\" flag: strconv.ParseInt: parsing {to:?}: invalid syntax\nSee 'kubectl rollout undo --help' for usage."
        ));
    };
    let missing = Unsupported::NoHelper("no rollbacker has been implemented for");
    let kinds = &["Deployment", "DaemonSet", "StatefulSet"];
    match named_workload(cluster, p, out, missing, kinds) {
        Some(Object::Deployment(d)) => undo_deployment(cluster, *d, to_revision, out),
        Some(object @ (Object::DaemonSet(_) | Object::StatefulSet(_))) => {
            undo_from_revision(cluster, object, to_revision, out)
        }
        _ => {}
    }
}

/// The template of a DaemonSet or a StatefulSet, to read and to set.
fn template_mut(object: &mut Object) -> Option<&mut PodTemplateSpec> {
    match object {
        Object::DaemonSet(ds) => ds.spec.as_mut().map(|s| &mut s.template),
        Object::StatefulSet(set) => set.spec.as_mut().map(|s| &mut s.template),
        _ => None,
    }
}

/// DaemonSetRollbacker and StatefulSetRollbacker: the revision asked for (by default the
/// one before the newest) patched back unless the template already is its.
fn undo_from_revision(
    cluster: &mut Cluster,
    mut object: Object,
    to_revision: i64,
    out: &mut Output,
) {
    let name = object.name_any().to_string();
    let prefix = match &object {
        Object::StatefulSet(_) => "statefulset.apps",
        _ => "daemonset.apps",
    };
    let mut history: Vec<ControllerRevision> = revisions_of(cluster, object.as_ref().metadata())
        .into_iter()
        .cloned()
        .collect();
    crate::sort::sort_by_key(&mut history, |cr| cr.revision);
    if to_revision == 0 && history.len() <= 1 {
        return out.fail("no last revision to roll back to");
    }
    let target = if to_revision == 0 {
        history.get(history.len() - 2)
    } else {
        history.iter().find(|cr| cr.revision == to_revision)
    };
    let Some(target) = target else {
        return out.fail(format!(
            "unable to find specified revision {to_revision} in history"
        ));
    };
    let current = template_mut(&mut object).map(|t| template_patch(t));
    if current.as_ref() == target.data.as_ref().map(|d| &d.0) {
        return out.out(format!(
            "{prefix}/{name} skipped rollback (current template already matches revision {to_revision})\n"
        ));
    }
    let (Some(template), Some(slot)) = (revision_template(target), template_mut(&mut object))
    else {
        return out.fail(format!("failed restoring revision {to_revision}"));
    };
    *slot = template;
    match cluster.update(object) {
        Ok(_) => out.out(format!("{prefix}/{name} rolled back\n")),
        Err(e) => out.api_error(&e),
    }
}

fn undo_deployment(cluster: &mut Cluster, mut d: Deployment, to_revision: i64, out: &mut Output) {
    let name = d.name_any().to_string();
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        return out.fail("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    let target: Option<ReplicaSet> = {
        let sets = replica_sets_of(cluster, &d);
        if to_revision > 0 {
            sets.into_iter()
                .find(|rs| revision(rs) == to_revision)
                .cloned()
        } else {
            // The second newest revision.
            let mut by_revision: Vec<&ReplicaSet> =
                sets.into_iter().filter(|rs| revision(rs) > 0).collect();
            crate::sort::sort_by(&mut by_revision, |a, b| revision(b).cmp(&revision(a)));
            by_revision.get(1).map(|rs| (*rs).clone())
        }
    };
    let Some(rs) = target else {
        return out.fail(if to_revision > 0 {
            format!("unable to find specified revision {to_revision} in history")
        } else {
            format!("no rollout history found for deployment {name:?}")
        });
    };
    let template = without_hash(rs.spec.as_ref().and_then(|s| s.template.as_ref()));
    let current = without_hash(d.spec.as_ref().map(|s| &s.template));
    if template == current {
        return out.out(format!(
            "deployment.apps/{name} skipped rollback (current template already matches revision {})\n",
            revision(&rs)
        ));
    }
    let annotations = d.metadata.annotations.get_or_insert_with(Default::default);
    for (k, v) in rs.annotations() {
        if !skip_copy_annotation(k) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    if let Some(spec) = d.spec.as_mut() {
        spec.template = template;
    }
    match cluster.update(Object::Deployment(Box::new(d))) {
        Ok(_) => out.out(format!("deployment.apps/{name} rolled back\n")),
        Err(e) => out.api_error(&e),
    }
}
