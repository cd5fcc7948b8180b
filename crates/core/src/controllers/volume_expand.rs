//! The volume expand controller (pkg/controller/volume/expand, kube-controller-manager's
//! `persistentvolume-expander`): when a Bound claim asks for more storage than its
//! status shows, it looks for an in-tree plugin that can expand the claim's volume.
//! kube-controller-manager has none for hostPath or local volumes (nor for a CSI
//! driver's, which its external-resizer expands), so it records a Warning
//! `ExternalExpanding` event, "waiting for an external controller to expand this PVC",
//! and does no more: the claim keeps its old capacity and its volume its old size. The
//! kind cluster's local-path provisioner has no resizer, so the claim waits for good.
//!
//! The controller reacts to a claim's request growing (its informer enqueues a claim
//! whose request went up), so the event comes once per increase.

use super::persistentvolume::claim_event;
use super::{Controller, ControllerContext, Progress};
use crate::apiserver::storage::{refers_to, storage_milli};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::{Deserialize, Serialize};

/// Its events' source.
const COMPONENT: &str = "volume_expand";
const REASON: &str = "ExternalExpanding";
const MESSAGE: &str = "waiting for an external controller to expand this PVC";

/// The controller; what it keeps is the storage request it last saw of each claim
/// waiting to be expanded (by uid), so that each increase is reported once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExpandController {
    #[serde(default)]
    waiting: Keyed<String, Quantity>,
}

impl ExpandController {
    /// No claim waits to be expanded (snapshots then leave it out).
    pub fn is_idle(&self) -> bool {
        self.waiting.is_empty()
    }
}

impl Controller for ExpandController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(self.sync_claims(ctx.api, ctx.now))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// A Bound claim's requested and shown storage, when its volume is bound to it.
fn sizes<'a>(api: &ApiServer, pvc: &'a PersistentVolumeClaim) -> Option<(&'a Quantity, i128)> {
    let status = pvc.status.as_ref()?;
    if status.phase.as_deref() != Some("Bound") {
        return None;
    }
    let volume = pvc.spec.as_ref()?.volume_name.as_deref()?;
    let pv = api.persistent_volumes.get("", volume)?;
    let claim_ref = pv.spec.as_ref()?.claim_ref.as_ref()?;
    if !refers_to(claim_ref, pvc) || claim_ref.uid.is_none() {
        return None;
    }
    let shown = storage_milli(status.capacity.as_ref().and_then(|c| c.get("storage")));
    let requested = pvc
        .spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()?
        .get("storage")?;
    Some((requested, shown))
}

impl ExpandController {
    fn sync_claims(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let mut report = Vec::new();
        let mut seen = Keyed::new();
        for pvc in api.persistent_volume_claims.list() {
            let Some(uid) = pvc.metadata.uid.clone() else {
                continue;
            };
            let Some((requested, shown)) = sizes(api, pvc) else {
                continue;
            };
            let milli = storage_milli(Some(requested));
            if milli <= shown {
                continue;
            }
            // A request that went up since last seen (or first seen above the claim's
            // capacity) is reported; one lowered, still above it, is not.
            if self
                .waiting
                .get(&uid)
                .is_none_or(|last| milli > storage_milli(Some(last)))
            {
                report.push(pvc.clone());
            }
            seen.insert(uid, requested.clone());
        }
        self.waiting = seen;
        let changed = !report.is_empty();
        for pvc in report {
            claim_event(api, COMPONENT, &pvc, REASON, MESSAGE.into(), true, now);
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::ControllerContext;
    use serde_json::json;

    /// A claim Bound to a hostPath volume of `capacity` whose claimRef names the claim
    /// (with its uid, or `someone-else`'s), asking for `request`.
    fn api_with(request: &str, capacity: &str, phase: &str, claim_uid: &str) -> ApiServer {
        let mut api = ApiServer::new(1, SimTime(0));
        let pvc = serde_json::from_value(json!({
            "metadata": {"name": "c", "namespace": "default"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "",
                     "resources": {"requests": {"storage": capacity}}},
        }))
        .unwrap();
        let mut pvc: PersistentVolumeClaim = api
            .create_persistent_volume_claim(pvc, SimTime(0))
            .unwrap()
            .clone();
        let uid = pvc.metadata.uid.clone().unwrap();
        let claim_uid = if claim_uid == "u1" {
            uid.as_str()
        } else {
            claim_uid
        };
        let pv = serde_json::from_value(json!({
            "metadata": {"name": "pv1"},
            "spec": {"capacity": {"storage": capacity}, "accessModes": ["ReadWriteOnce"],
                     "hostPath": {"path": "/data"},
                     "claimRef": {"namespace": "default", "name": "c", "uid": claim_uid}},
        }))
        .unwrap();
        api.create_persistent_volume(pv, SimTime(0)).unwrap();
        let spec = pvc.spec.get_or_insert_with(Default::default);
        spec.volume_name = Some("pv1".into());
        set_request(&mut pvc, request);
        pvc.status =
            serde_json::from_value(json!({"phase": phase, "capacity": {"storage": capacity}}))
                .unwrap();
        api.write_claim(pvc).unwrap();
        api
    }

    fn set_request(pvc: &mut PersistentVolumeClaim, request: &str) {
        let spec = pvc.spec.get_or_insert_with(Default::default);
        let requests = spec
            .resources
            .get_or_insert_with(Default::default)
            .requests
            .get_or_insert_with(Default::default);
        requests.insert("storage".into(), Quantity(request.into()));
    }

    fn expanding_events(api: &ApiServer) -> Vec<(String, String, String)> {
        api.events
            .list()
            .filter(|e| e.reason.as_deref() == Some(REASON))
            .map(|e| {
                (
                    e.type_.clone().unwrap_or_default(),
                    e.source
                        .as_ref()
                        .and_then(|s| s.component.clone())
                        .unwrap_or_default(),
                    e.message.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Which claims get the event: (request, capacity, phase, the volume's claimRef
    /// uid, events after one pass).
    #[test]
    fn which_claims_wait_for_an_external_controller() {
        for (request, capacity, phase, uid, want) in [
            ("2Gi", "1Gi", "Bound", "u1", 1),
            ("1Gi", "1Gi", "Bound", "u1", 0),
            ("1024Mi", "1Gi", "Bound", "u1", 0),
            ("2Gi", "1Gi", "Pending", "u1", 0),
            ("2Gi", "1Gi", "Bound", "someone-else", 0),
        ] {
            let mut api = api_with(request, capacity, phase, uid);
            let mut c = ExpandController::default();
            c.sync(&mut ControllerContext::new(&mut api, SimTime(1000)));
            let got = expanding_events(&api);
            assert_eq!(got.len(), want, "{request} {capacity} {phase} {uid}");
            for e in got {
                assert_eq!(e, ("Warning".into(), COMPONENT.into(), MESSAGE.into()));
            }
        }
    }

    #[test]
    fn each_increase_is_reported_once() {
        let mut api = api_with("2Gi", "1Gi", "Bound", "u1");
        let mut c = ExpandController::default();
        let count = |api: &ApiServer| {
            api.events
                .list()
                .filter(|e| e.reason.as_deref() == Some(REASON))
                .map(|e| e.count.unwrap_or(1))
                .sum::<i32>()
        };
        let mut sync = |api: &mut ApiServer, request: &str, at: u64| {
            if let Some(mut pvc) = api.persistent_volume_claims.get("default", "c").cloned() {
                set_request(&mut pvc, request);
                api.write_claim(pvc).unwrap();
            }
            c.sync(&mut ControllerContext::new(api, SimTime(at)))
        };
        assert_eq!(sync(&mut api, "2Gi", 1000), Progress::Changed);
        assert_eq!(sync(&mut api, "2Gi", 2000), Progress::Idle);
        assert_eq!(count(&api), 1);
        // Lowered, still above the capacity: no event; raised again: one more.
        assert_eq!(sync(&mut api, "1536Mi", 3000), Progress::Idle);
        assert_eq!(sync(&mut api, "3Gi", 4000), Progress::Changed);
        assert_eq!(count(&api), 2);
        // Back to the capacity: nothing waits.
        sync(&mut api, "1Gi", 5000);
        assert!(c.is_idle());
    }
}
