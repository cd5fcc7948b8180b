//! The PV controller's static binding (pkg/controller/volume/persistentvolume): a new
//! volume becomes Available; a Pending claim is bound to the smallest Available volume
//! that fits it (same storageClassName and volumeMode, every requested access mode,
//! at least the requested storage, the claim's selector matching the volume's labels;
//! a volume or claim pre-bound to the other first), both then Bound; a claim nothing
//! fits gets the controller's event again on every resync (15 s); a bound volume whose
//! claim is gone is Released, a bound claim whose volume is gone is Lost.
//!
//! Dynamic provisioning, the scheduler's VolumeBinding (WaitForFirstConsumer) and the
//! protection finalizers are not simulated: a claim of a class with a provisioner
//! waits for a volume made by hand.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::quantity;
use crate::model::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::core::v1::ObjectReference;

const COMPONENT: &str = "persistentvolume-controller";
/// The controller's resync period (--pvclaimbinder-sync-period).
const RESYNC_MS: u64 = 15_000;
const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";

/// The PV controller; its only state (when a waiting claim is next reported) every
/// sync works out again.
#[derive(Debug, Clone, Default)]
pub struct PersistentVolumeController {
    next: Option<SimTime>,
}

impl Controller for PersistentVolumeController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let (changed, next) = sync(ctx.api, ctx.now);
        self.next = next;
        Progress::changed_if(changed)
    }

    fn next_due(&self) -> Option<SimTime> {
        self.next
    }
}

fn phase_of_volume(pv: &PersistentVolume) -> &str {
    pv.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

fn set_volume_phase(pv: &mut PersistentVolume, phase: &str, now: SimTime) {
    let status = pv.status.get_or_insert_with(Default::default);
    status.phase = Some(phase.into());
    status.last_phase_transition_time = Some(now.to_time());
}

fn storage_milli(q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>) -> i128 {
    q.and_then(|q| quantity::milli(q).ok()).unwrap_or(0)
}

/// Whether `pv` can hold `pvc` (findMatchingVolume's checks, binding aside).
fn fits(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    let (Some(vs), Some(cs)) = (pv.spec.as_ref(), pvc.spec.as_ref()) else {
        return false;
    };
    let class = |c: Option<&String>| c.cloned().unwrap_or_default();
    let mode = |m: Option<&String>| m.cloned().unwrap_or_else(|| "Filesystem".into());
    if class(vs.storage_class_name.as_ref()) != class(cs.storage_class_name.as_ref())
        || mode(vs.volume_mode.as_ref()) != mode(cs.volume_mode.as_ref())
    {
        return false;
    }
    let has = vs.access_modes.clone().unwrap_or_default();
    if !cs.access_modes.iter().flatten().all(|m| has.contains(m)) {
        return false;
    }
    let want = storage_milli(
        cs.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage")),
    );
    if storage_milli(vs.capacity.as_ref().and_then(|c| c.get("storage"))) < want {
        return false;
    }
    match &cs.selector {
        None => true,
        Some(s) => Selector::from_label_selector(s)
            .is_ok_and(|sel| sel.matches(pv.metadata.labels.as_ref())),
    }
}

/// Whether the volume's claimRef names this claim (its uid too once set).
fn refers_to(r: &ObjectReference, pvc: &PersistentVolumeClaim) -> bool {
    r.namespace == pvc.metadata.namespace
        && r.name == pvc.metadata.name
        && r.uid
            .as_ref()
            .is_none_or(|u| Some(u) == pvc.metadata.uid.as_ref())
}

/// The volume a claim goes to: one pre-bound to it, else the smallest Available one
/// that fits.
fn best_match<'a>(
    volumes: &[&'a PersistentVolume],
    pvc: &PersistentVolumeClaim,
) -> Option<&'a PersistentVolume> {
    let wanted = pvc.spec.as_ref().and_then(|s| s.volume_name.clone());
    let mut best: Option<&PersistentVolume> = None;
    for pv in volumes {
        let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
        if let Some(r) = claim_ref {
            if refers_to(r, pvc) && fits(pv, pvc) {
                return Some(pv);
            }
            continue;
        }
        if let Some(w) = &wanted {
            if pv.metadata.name.as_ref() == Some(w) && fits(pv, pvc) {
                return Some(pv);
            }
            continue;
        }
        if phase_of_volume(pv) != "Available" || !fits(pv, pvc) {
            continue;
        }
        let size = |v: &PersistentVolume| {
            storage_milli(
                v.spec
                    .as_ref()
                    .and_then(|s| s.capacity.as_ref())
                    .and_then(|c| c.get("storage")),
            )
        };
        if best.is_none_or(|b| size(pv) < size(b)) {
            best = Some(pv);
        }
    }
    best
}

/// One pass: volumes, then claims. Returns whether anything changed and when a
/// waiting claim is next reported.
fn sync(api: &mut ApiServer, now: SimTime) -> (bool, Option<SimTime>) {
    let mut changed = false;
    // Volumes: new ones Available, those whose claim is gone Released.
    let volumes: Vec<PersistentVolume> = api.persistent_volumes.list().cloned().collect();
    for mut pv in volumes {
        let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.clone());
        let phase = phase_of_volume(&pv).to_string();
        let next = match &claim_ref {
            None => "Available",
            Some(r) => {
                let ns = r.namespace.as_deref().unwrap_or_default();
                let name = r.name.as_deref().unwrap_or_default();
                let claim = api.persistent_volume_claims.get(ns, name);
                let gone = claim.is_none_or(|c| {
                    r.uid
                        .as_ref()
                        .is_some_and(|u| c.metadata.uid.as_ref() != Some(u))
                });
                match (gone, phase.as_str(), r.uid.is_some()) {
                    (true, "Bound", _) => "Released",
                    (false, _, true) => "Bound",
                    _ if phase == "Released" => "Released",
                    _ => "Available",
                }
            }
        };
        if phase != next {
            set_volume_phase(&mut pv, next, now);
            changed |= api.write_persistent_volume(pv).is_ok();
        }
    }
    // Claims: bind the Pending ones that something fits.
    let mut next_report: Option<SimTime> = None;
    let claims: Vec<PersistentVolumeClaim> = api.persistent_volume_claims.list().cloned().collect();
    for pvc in claims {
        let phase = pvc
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default();
        let volume = pvc.spec.as_ref().and_then(|s| s.volume_name.clone());
        if phase == "Bound" {
            let lost = volume
                .as_deref()
                .is_none_or(|v| api.persistent_volumes.get("", v).is_none());
            if lost {
                let mut lost_claim = pvc.clone();
                lost_claim.status.get_or_insert_with(Default::default).phase = Some("Lost".into());
                changed |= api.write_claim(lost_claim).is_ok();
                report(
                    api,
                    &pvc,
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
                    true,
                    now,
                );
            }
            continue;
        }
        if phase != "Pending" || pvc.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let candidates: Vec<&PersistentVolume> = api.persistent_volumes.list().collect();
        match best_match(&candidates, &pvc).cloned() {
            Some(pv) => {
                changed |= bind(api, pv, pvc, now);
            }
            None => {
                let due = last_report(api, &pvc).map_or(now, |t| SimTime(t.0 + RESYNC_MS));
                if due <= now {
                    let (reason, message, warning) = waiting(api, &pvc);
                    report(api, &pvc, reason, message, warning, now);
                    changed = true;
                    let at = SimTime(now.0 + RESYNC_MS);
                    next_report = Some(next_report.map_or(at, |n| n.min(at)));
                } else {
                    next_report = Some(next_report.map_or(due, |n| n.min(due)));
                }
            }
        }
    }
    (changed, next_report)
}

/// Why a claim waits, as the controller's event says it.
fn waiting(api: &ApiServer, pvc: &PersistentVolumeClaim) -> (&'static str, String, bool) {
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default();
    if class.is_empty() {
        return (
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set".into(),
            false,
        );
    }
    match api.storage_classes.get("", &class) {
        None => (
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class}\" not found"),
            true,
        ),
        Some(sc) if sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer") => (
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".into(),
            false,
        ),
        Some(sc) => (
            "ExternalProvisioning",
            format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner),
            false,
        ),
    }
}

/// When the controller last reported on the claim, if it has.
fn last_report(api: &ApiServer, pvc: &PersistentVolumeClaim) -> Option<SimTime> {
    let uid = pvc.metadata.uid.as_deref()?;
    api.events
        .list()
        .filter(|e| {
            e.involved_object.uid.as_deref() == Some(uid)
                && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(COMPONENT)
        })
        .filter_map(|e| e.last_timestamp.as_ref())
        .map(|t| {
            let ms = t.0.as_millisecond() - crate::clock::EPOCH_UNIX_MS;
            SimTime(ms.max(0) as u64)
        })
        .max()
}

fn report(
    api: &mut ApiServer,
    pvc: &PersistentVolumeClaim,
    reason: &str,
    message: String,
    warning: bool,
    now: SimTime,
) {
    api.record_event(
        EventRecord {
            object_kind: "PersistentVolumeClaim",
            namespace: pvc.metadata.namespace.as_deref().unwrap_or_default(),
            object_name: pvc.metadata.name.as_deref().unwrap_or_default(),
            object_uid: pvc.metadata.uid.as_deref().unwrap_or_default(),
            reason,
            message,
            warning,
            component: COMPONENT,
            host: None,
            field_path: None,
        },
        now,
    );
}

/// Binds the volume and the claim: the volume's claimRef, then the claim's
/// volumeName, both Bound, the claim showing the volume's capacity and modes.
fn bind(
    api: &mut ApiServer,
    mut pv: PersistentVolume,
    mut pvc: PersistentVolumeClaim,
    now: SimTime,
) -> bool {
    let spec = pv.spec.get_or_insert_with(Default::default);
    if spec.claim_ref.as_ref().is_none_or(|r| r.uid.is_none()) {
        if spec.claim_ref.is_none() {
            pv.metadata
                .annotations
                .get_or_insert_with(Default::default)
                .insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        }
        spec.claim_ref = Some(ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("PersistentVolumeClaim".into()),
            namespace: pvc.metadata.namespace.clone(),
            name: pvc.metadata.name.clone(),
            uid: pvc.metadata.uid.clone(),
            resource_version: pvc.metadata.resource_version.clone(),
            field_path: None,
        });
    }
    let capacity = spec.capacity.clone();
    let modes = spec.access_modes.clone();
    set_volume_phase(&mut pv, "Bound", now);
    let name = pv.metadata.name.clone();
    if api.write_persistent_volume(pv).is_err() {
        return false;
    }
    let annotations = pvc
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    annotations.insert(BIND_COMPLETED.into(), "yes".into());
    let claim_spec = pvc.spec.get_or_insert_with(Default::default);
    if claim_spec.volume_name.is_none() {
        annotations.insert(BOUND_BY_CONTROLLER.into(), "yes".into());
        claim_spec.volume_name = name;
    }
    let status = pvc.status.get_or_insert_with(Default::default);
    status.phase = Some("Bound".into());
    status.capacity = capacity;
    status.access_modes = modes;
    api.write_claim(pvc).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pv(
        name: &str,
        size: &str,
        modes: &[&str],
        class: &str,
        labels: serde_json::Value,
    ) -> PersistentVolume {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"capacity": {"storage": size}, "accessModes": modes,
                     "storageClassName": class, "hostPath": {"path": "/d"}},
            "status": {"phase": "Available"}
        }))
        .unwrap()
    }

    fn pvc(
        size: &str,
        modes: &[&str],
        class: &str,
        selector: Option<serde_json::Value>,
    ) -> PersistentVolumeClaim {
        let mut spec = json!({"accessModes": modes, "storageClassName": class,
                              "resources": {"requests": {"storage": size}}});
        if let Some(s) = selector {
            spec["selector"] = s;
        }
        serde_json::from_value(json!({
            "metadata": {"name": "c", "namespace": "default", "uid": "u"},
            "spec": spec,
            "status": {"phase": "Pending"}
        }))
        .unwrap()
    }

    #[test]
    fn the_smallest_fitting_volume_is_chosen() {
        let big = pv("big", "10Gi", &["ReadWriteOnce"], "manual", json!({}));
        let small = pv(
            "small",
            "2Gi",
            &["ReadWriteOnce", "ReadWriteMany"],
            "manual",
            json!({"tier": "gold"}),
        );
        let tiny = pv("tiny", "1Gi", &["ReadWriteOnce"], "manual", json!({}));
        let other = pv("other", "2Gi", &["ReadWriteOnce"], "", json!({}));
        let all = [&big, &small, &tiny, &other];
        let pick =
            |c: &PersistentVolumeClaim| best_match(&all, c).and_then(|v| v.metadata.name.clone());
        for (claim, want) in [
            (
                pvc("2Gi", &["ReadWriteOnce"], "manual", None),
                Some("small"),
            ),
            (pvc("3Gi", &["ReadWriteOnce"], "manual", None), Some("big")),
            (
                pvc("1Gi", &["ReadWriteMany"], "manual", None),
                Some("small"),
            ),
            (pvc("1Gi", &["ReadWriteOnce"], "", None), Some("other")),
            (pvc("20Gi", &["ReadWriteOnce"], "manual", None), None),
            (pvc("1Gi", &["ReadOnlyMany"], "manual", None), None),
            (
                pvc(
                    "1Gi",
                    &["ReadWriteOnce"],
                    "manual",
                    Some(json!({"matchLabels": {"tier": "gold"}})),
                ),
                Some("small"),
            ),
        ] {
            assert_eq!(pick(&claim).as_deref(), want, "{:?}", claim.spec);
        }
        // A volume bound to another claim is never chosen.
        let mut taken = tiny.clone();
        taken.spec.as_mut().unwrap().claim_ref = Some(ObjectReference {
            namespace: Some("default".into()),
            name: Some("someone".into()),
            ..Default::default()
        });
        let claim = pvc("1Gi", &["ReadWriteOnce"], "manual", None);
        let picked = best_match(&[&taken, &big], &claim).and_then(|v| v.metadata.name.clone());
        assert_eq!(picked.as_deref(), Some("big"));
    }
}
