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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::Propagation;
    use serde_json::json;

    fn pod(name: &str, claim: &str, node: Option<&str>, phase: Option<&str>) -> Pod {
        let mut p = json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}],
                     "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": claim}}]}
        });
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        if let Some(ph) = phase {
            p["status"] = json!({"phase": ph});
        }
        serde_json::from_value(p).unwrap()
    }

    /// pvcprotection's `TestPVCProtectionController`: a claim being deleted keeps its
    /// finalizer while a scheduled, unfinished pod uses it.
    #[test]
    fn a_claim_goes_once_no_pod_uses_it() {
        // (case, the pod around, whether the claim is still there after a sync).
        let cases: [(&str, Option<Pod>, bool); 5] = [
            ("no pod", None, false),
            (
                "a running pod uses it",
                Some(pod("p", "data", Some("n1"), Some("Running"))),
                true,
            ),
            (
                "an unscheduled pod uses it",
                Some(pod("p", "data", None, None)),
                false,
            ),
            (
                "a finished pod used it",
                Some(pod("p", "data", Some("n1"), Some("Succeeded"))),
                false,
            ),
            (
                "a pod uses another claim",
                Some(pod("p", "other", Some("n1"), Some("Running"))),
                false,
            ),
        ];
        for (name, user, kept) in cases {
            let now = SimTime(0);
            let mut api = ApiServer::new(1, now);
            let pvc = serde_json::from_value(json!({
                "metadata": {"name": "data", "namespace": "default"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }))
            .unwrap();
            api.create_persistent_volume_claim(pvc, now).unwrap();
            if let Some(p) = user {
                api.create_pod(p.clone(), now).unwrap();
                // The status as the test wants it (create starts pods Pending).
                let mut stored = api.pods.get("default", "p").unwrap().clone();
                stored.status = p.status.clone();
                api.update_pod(stored).unwrap();
            }
            api.delete_propagating(
                "persistentvolumeclaims",
                "default",
                "data",
                Propagation::Background,
                now,
            )
            .unwrap();
            assert!(
                api.persistent_volume_claims
                    .get("default", "data")
                    .is_some(),
                "{name}: marked"
            );
            sync(&mut api);
            assert_eq!(
                api.persistent_volume_claims
                    .get("default", "data")
                    .is_some(),
                kept,
                "{name}"
            );
        }
    }
}
