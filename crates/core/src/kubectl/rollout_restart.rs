//! `kubectl rollout restart deployment/NAME` (or `daemonset/NAME`, `statefulset/NAME`):
//! a new rollout of
//! the same template, by
//! the `kubectl.kubernetes.io/restartedAt` annotation on the pod template (kubectl's
//! ObjectRestarter).

use super::command::{Command, Group, Operands};
use super::flags::{Parsed, NAMESPACE};
use super::rollout_history::{named_workload, Unsupported};
use super::{FileSource, Output};
use crate::model::{Object, ResourceExt};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "restart",
    aliases: &[],
    group: Group::Deploy,
    summary: "Restart a resource",
    usage: "kubectl rollout restart RESOURCE",
    flags: &[NAMESPACE],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let missing = Unsupported::NotSupported("restarting is not supported");
    let kinds = &["Deployment", "DaemonSet", "StatefulSet"];
    let Some(mut object) = named_workload(cluster, p, out, missing, kinds) else {
        return;
    };
    let (template, prefix) = match &mut object {
        Object::Deployment(d) => {
            let name = d.name_any().to_string();
            if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
                return out.fail(format!(
                    "deployments.apps {name:?} can't restart paused deployment (run rollout resume first)"
                ));
            }
            (d.spec.as_mut().map(|s| &mut s.template), "deployment.apps")
        }
        Object::DaemonSet(ds) => (ds.spec.as_mut().map(|s| &mut s.template), "daemonset.apps"),
        Object::StatefulSet(s) => (s.spec.as_mut().map(|s| &mut s.template), "statefulset.apps"),
        _ => return,
    };
    let now = serde_json::to_value(cluster.now().to_time())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if let Some(template) = template {
        template
            .metadata
            .get_or_insert_with(Default::default)
            .annotations
            .get_or_insert_with(Default::default)
            .insert("kubectl.kubernetes.io/restartedAt".into(), now);
    }
    let name = object.as_ref().metadata().name.clone().unwrap_or_default();
    match cluster.update(object) {
        Ok(_) => out.out(format!("{prefix}/{name} restarted\n")),
        Err(e) => out.api_error(&e),
    }
}
