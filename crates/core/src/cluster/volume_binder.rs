//! kube-scheduler's volume binder, VolumeBinding's PreBind: once a pod's node is
//! chosen, each of its claims of a WaitForFirstConsumer class is bound to the volume
//! the plugin found on that node (the volume's claimRef, as `AssumePodVolumes` writes
//! it) or gets the node selected for provisioning
//! (`volume.kubernetes.io/selected-node`); PreBind then waits until the PV controller
//! (and the provisioner) have bound them all, before the pod is bound: here they run
//! at once, at the same instant.

use super::*;
use crate::apiserver::storage::SELECTED_NODE;
use crate::controllers::persistentvolume::BOUND_BY_CONTROLLER;
use crate::scheduler::plugins::volume_binding::{claim_names, Action, State};
use k8s_openapi::api::core::v1::ObjectReference;

/// How many rounds of the PV controller and the provisioner PreBind waits for.
const BIND_ROUNDS: usize = 3;

/// Whether scheduling `pod` binds claims of a WaitForFirstConsumer class (its PreBind
/// has work).
pub(super) fn binds_claims(pod: &Pod, listers: &scheduler::Listers<'_>) -> bool {
    claim_names(pod).next().is_some() && State::of(pod, listers).binds_claims()
}

impl Cluster {
    /// VolumeBinding's PreBind for `pod` on `node`.
    pub(super) fn bind_pod_volumes(&mut self, pod: &Pod, node: &str) {
        if claim_names(pod).next().is_none() {
            return;
        }
        let actions = {
            let listers = scheduler::Listers::of(&self.api);
            let Some(node) = self.api.nodes.get("", node) else {
                return;
            };
            State::of(pod, &listers).find(node).unwrap_or_default()
        };
        if actions.is_empty() {
            return;
        }
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        for action in actions {
            match action {
                Action::Bind { claim, volume } => {
                    let Some(pvc) = self.api.persistent_volume_claims.get(&ns, &claim) else {
                        continue;
                    };
                    let claim_ref = ObjectReference {
                        api_version: Some("v1".into()),
                        kind: Some("PersistentVolumeClaim".into()),
                        namespace: pvc.metadata.namespace.clone(),
                        name: pvc.metadata.name.clone(),
                        uid: pvc.metadata.uid.clone(),
                        resource_version: pvc.metadata.resource_version.clone(),
                        field_path: None,
                    };
                    let Some(mut pv) = self.api.persistent_volumes.get("", &volume).cloned() else {
                        continue;
                    };
                    pv.metadata
                        .annotations
                        .get_or_insert_with(Default::default)
                        .insert(BOUND_BY_CONTROLLER.into(), "yes".into());
                    pv.spec.get_or_insert_with(Default::default).claim_ref = Some(claim_ref);
                    let _ = self.api.write_persistent_volume(pv);
                }
                Action::Provision { claim } => {
                    let Some(mut pvc) = self.api.persistent_volume_claims.get(&ns, &claim).cloned()
                    else {
                        continue;
                    };
                    pvc.metadata
                        .annotations
                        .get_or_insert_with(Default::default)
                        .insert(SELECTED_NODE.into(), node.to_string());
                    let _ = self.api.write_claim(pvc);
                }
            }
        }
        for _ in 0..BIND_ROUNDS {
            let mut ctx = ControllerContext::new(&mut self.api, self.now);
            let mut progress = self.persistent_volumes.sync(&mut ctx);
            progress |= self.local_path_provisioner.sync(&mut ctx);
            if progress == Progress::Idle {
                break;
            }
        }
    }
}
