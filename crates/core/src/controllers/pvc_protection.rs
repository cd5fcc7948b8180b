//! The PVC protection controller (pkg/controller/volume/pvcprotection): a claim being
//! deleted keeps its `kubernetes.io/pvc-protection` finalizer while a pod scheduled to
//! a node and not finished uses it (the claim shows Terminating), and goes once none
//! does.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::storage::PVC_PROTECTION_FINALIZER;
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::model::Pod;

/// The controller; stateless.
#[derive(Debug, Clone, Copy, Default)]
pub struct PvcProtectionController;

impl Controller for PvcProtectionController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// Whether the pod uses the claim `name` of its namespace (`podUsesPVC`): only a pod
/// scheduled to a node, which the kubelet may be running, counts.
pub fn uses_claim(pod: &Pod, name: &str) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    !spec.node_name.as_deref().unwrap_or_default().is_empty()
        && spec.volumes.iter().flatten().any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == name)
        })
}

/// Whether the pod has finished (`podIsShutDown`: Succeeded or Failed).
fn shut_down(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn sync(api: &mut ApiServer) -> bool {
    let deleting: Vec<(String, String)> = api
        .persistent_volume_claims
        .list()
        .filter(|c| {
            c.metadata.deletion_timestamp.is_some()
                && c.metadata
                    .finalizers
                    .iter()
                    .flatten()
                    .any(|f| f == PVC_PROTECTION_FINALIZER)
        })
        .map(|c| {
            (
                c.metadata.namespace.clone().unwrap_or_default(),
                c.metadata.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    let mut changed = false;
    for (ns, name) in deleting {
        let in_use = api
            .pods
            .list_namespace(&ns)
            .any(|p| !shut_down(p) && uses_claim(p, &name));
        if !in_use {
            changed |= api
                .remove_finalizer(
                    "persistentvolumeclaims",
                    &ns,
                    &name,
                    PVC_PROTECTION_FINALIZER,
                )
                .is_ok();
        }
    }
    changed
}
