//! The PV controller (pkg/controller/volume/persistentvolume): a new volume becomes
//! Available; a Pending claim is bound to the smallest Available volume that fits it
//! (same storageClassName and volumeMode, every requested access mode, at least the
//! requested storage, the claim's selector matching the volume's labels; a volume or
//! claim pre-bound to the other first), both then Bound; a claim nothing fits gets the
//! controller's event again on every resync (15 s), a claim whose named volume does not
//! satisfy it a VolumeMismatch event with the reason; a bound volume whose claim is gone
//! is Released, a bound claim whose volume is gone is Lost.
//!
//! A claim of a WaitForFirstConsumer class waits for the scheduler (its event says
//! for which pods, once pods use it): it binds it to a volume (the volume's claimRef)
//! or selects a node for it (`volume.kubernetes.io/selected-node`). A claim to
//! provision is handed to its class's external provisioner
//! (`volume.kubernetes.io/storage-provisioner`, ExternalProvisioning); the
//! provisioner's volume, pre-bound to it, is bound here.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::storage::{
    capacity_milli, fits, is_delay_binding, refers_to, request_milli, storage_milli, SELECTED_NODE,
};
use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::model::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use k8s_openapi::api::core::v1::ObjectReference;

const COMPONENT: &str = "persistentvolume-controller";
/// The controller's resync period (--pvclaimbinder-sync-period).
const RESYNC_MS: u64 = 15_000;
pub(crate) const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
/// The provisioner that is to make a claim's volume (and its beta form).
pub const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
const BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";

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

/// The volume a claim goes to: the one it names, if it fits and is free or pre-bound to
/// it; else one pre-bound to it, else the smallest Available one that fits.
fn best_match<'a>(
    volumes: &[&'a PersistentVolume],
    pvc: &PersistentVolumeClaim,
    delay_binding: bool,
) -> Option<&'a PersistentVolume> {
    let wanted = pvc.spec.as_ref().and_then(|s| s.volume_name.clone());
    let mut best: Option<&PersistentVolume> = None;
    for pv in volumes {
        // A claim that names a volume goes to that one or none (syncUnboundClaim).
        if wanted
            .as_ref()
            .is_some_and(|w| pv.metadata.name.as_ref() != Some(w))
        {
            continue;
        }
        let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
        if let Some(r) = claim_ref {
            if refers_to(r, pvc) && fits(pv, pvc) {
                return Some(pv);
            }
            continue;
        }
        if let Some(w) = &wanted {
            if pv.metadata.name.as_ref() == Some(w) && mismatch(pv, pvc).is_none() {
                return Some(pv);
            }
            continue;
        }
        // A claim of a WaitForFirstConsumer class: the scheduler picks its volume.
        if delay_binding {
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
                claim_event(
                    api,
                    COMPONENT,
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
        let classes: Vec<&StorageClass> = api.storage_classes.list().collect();
        let delay_binding = is_delay_binding(&classes, &pvc) && volume.is_none();
        match best_match(&candidates, &pvc, delay_binding).cloned() {
            Some(pv) => {
                changed |= bind(api, pv, pvc, now);
            }
            None => {
                let Some((reason, message, warning)) = waiting(api, &pvc) else {
                    continue;
                };
                // The same report again on the resync; a new one at once. A pod
                // coming to use a waiting claim does not sync the claim: the resync
                // tells of it.
                let last = if reason == "WaitForPodScheduled" {
                    last_report(api, &pvc, "WaitForFirstConsumer")
                        .max(last_report(api, &pvc, reason))
                } else {
                    last_report(api, &pvc, reason)
                };
                let due = last.map_or(now, |t| SimTime(t.0 + RESYNC_MS));
                if reason == "ExternalProvisioning" {
                    changed |= set_provisioner(api, &pvc);
                }
                if due <= now {
                    claim_event(api, COMPONENT, &pvc, reason, message, warning, now);
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

/// Why a claim waits, as the controller's event says it: for a claim that names a
/// volume, that it is bound to another claim or does not satisfy the claim
/// (VolumeMismatch); none while it is not there (the controller retries quietly).
fn waiting(api: &ApiServer, pvc: &PersistentVolumeClaim) -> Option<(&'static str, String, bool)> {
    if let Some(name) = pvc.spec.as_ref().and_then(|s| s.volume_name.as_deref()) {
        let pv = api.persistent_volumes.get("", name)?;
        let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
        return match claim_ref {
            Some(r) if !refers_to(r, pvc) => Some((
                "FailedBinding",
                format!("volume \"{name}\" already bound to a different claim."),
                true,
            )),
            Some(_) => None,
            None => mismatch(pv, pvc).map(|why| {
                (
                    "VolumeMismatch",
                    format!("Cannot bind to requested volume \"{name}\": {why}"),
                    true,
                )
            }),
        };
    }
    Some(waiting_for_class(api, pvc))
}

/// Why the volume a claim names cannot hold it (`checkVolumeSatisfyClaim`, checked in
/// its order: deletion, size, class, volumeMode, access modes); None when it can.
fn mismatch(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> Option<String> {
    let (vs, cs) = (
        pv.spec.clone().unwrap_or_default(),
        pvc.spec.clone().unwrap_or_default(),
    );
    if pv.metadata.deletion_timestamp.is_some() {
        let name = pv.metadata.name.clone().unwrap_or_default();
        return Some(format!("the volume is marked for deletion {name:?}"));
    }
    if capacity_milli(pv) < request_milli(pvc) {
        return Some("requested PV is too small".into());
    }
    if vs.storage_class_name.unwrap_or_default() != cs.storage_class_name.unwrap_or_default() {
        return Some("storageClassName does not match".into());
    }
    let mode = |m: Option<String>| m.unwrap_or_else(|| "Filesystem".into());
    if mode(vs.volume_mode) != mode(cs.volume_mode) {
        return Some("incompatible volumeMode".into());
    }
    let has = vs.access_modes.unwrap_or_default();
    if !cs.access_modes.iter().flatten().all(|m| has.contains(m)) {
        return Some("incompatible accessMode".into());
    }
    None
}

/// Why a claim that names no volume waits.
fn waiting_for_class(api: &ApiServer, pvc: &PersistentVolumeClaim) -> (&'static str, String, bool) {
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
        Some(sc)
            if sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
                && selected_node(pvc).is_none() =>
        {
            waiting_for_consumer(api, pvc)
        }
        Some(sc) if !provisionable(&sc.provisioner) => (
            "ProvisioningFailed",
            format!("no volume plugin matched name: {}", sc.provisioner),
            true,
        ),
        Some(sc) => (
            "ExternalProvisioning",
            format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner),
            false,
        ),
    }
}

/// `emitEventForUnboundDelayBindingClaim`: a claim of a WaitForFirstConsumer class
/// waits for its first consumer, or, once pods not finished use it, for them to be
/// scheduled (their names sorted; kube's order is its informer's).
fn waiting_for_consumer(
    api: &ApiServer,
    pvc: &PersistentVolumeClaim,
) -> (&'static str, String, bool) {
    let name = pvc.metadata.name.as_deref().unwrap_or_default();
    let namespace = pvc.metadata.namespace.as_deref().unwrap_or_default();
    let mut pods: Vec<&str> = api
        .pods
        .list_namespace(namespace)
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            let spec = p.spec.as_ref();
            !matches!(phase, Some("Succeeded" | "Failed"))
                && spec
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or_default()
                    .is_empty()
                && spec
                    .and_then(|s| s.volumes.as_ref())
                    .into_iter()
                    .flatten()
                    .any(|v| {
                        v.persistent_volume_claim
                            .as_ref()
                            .is_some_and(|c| c.claim_name == name)
                    })
        })
        .filter_map(|p| p.metadata.name.as_deref())
        .collect();
    crate::sort::sort(&mut pods);
    match pods.as_slice() {
        [] => (
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".into(),
            false,
        ),
        [one] => (
            "WaitForPodScheduled",
            format!("waiting for pod {one} to be scheduled"),
            false,
        ),
        many => (
            "WaitForPodScheduled",
            format!("waiting for pods {} to be scheduled", many.join(",")),
            false,
        ),
    }
}

/// Whether a class's provisioner can be asked for a volume (`findProvisionablePlugin`):
/// any external one, but a `kubernetes.io/` name only when an in-tree plugin has it,
/// and kube-controller-manager has none (`kubernetes.io/no-provisioner` is the usual
/// one, for classes of static local volumes) but those migrated to CSI drivers.
fn provisionable(provisioner: &str) -> bool {
    const MIGRATED: &[&str] = &[
        "kubernetes.io/aws-ebs",
        "kubernetes.io/azure-disk",
        "kubernetes.io/azure-file",
        "kubernetes.io/cinder",
        "kubernetes.io/gce-pd",
        "kubernetes.io/portworx-volume",
        "kubernetes.io/vsphere-volume",
    ];
    !provisioner.starts_with("kubernetes.io/") || MIGRATED.contains(&provisioner)
}

/// The node the scheduler chose for a claim of a WaitForFirstConsumer class.
pub(crate) fn selected_node(pvc: &PersistentVolumeClaim) -> Option<&str> {
    pvc.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(SELECTED_NODE))
        .map(String::as_str)
}

/// `setClaimProvisioner`: the claim names the provisioner that is to make its volume
/// (the annotation and its beta form). Whether it wrote.
fn set_provisioner(api: &mut ApiServer, pvc: &PersistentVolumeClaim) -> bool {
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default();
    let Some(provisioner) = api
        .storage_classes
        .get("", &class)
        .map(|sc| sc.provisioner.clone())
    else {
        return false;
    };
    let annotations = pvc.metadata.annotations.clone().unwrap_or_default();
    if annotations.get(STORAGE_PROVISIONER) == Some(&provisioner) {
        return false;
    }
    let mut claim = pvc.clone();
    let a = claim
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    a.insert(BETA_STORAGE_PROVISIONER.into(), provisioner.clone());
    a.insert(STORAGE_PROVISIONER.into(), provisioner);
    api.write_claim(claim).is_ok()
}

/// When the controller last reported `reason` on the claim, if it has.
fn last_report(api: &ApiServer, pvc: &PersistentVolumeClaim, reason: &str) -> Option<SimTime> {
    let uid = pvc.metadata.uid.as_deref()?;
    api.events
        .list()
        .filter(|e| {
            e.involved_object.uid.as_deref() == Some(uid)
                && e.reason.as_deref() == Some(reason)
                && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(COMPONENT)
        })
        .filter_map(|e| e.last_timestamp.as_ref())
        .map(|t| {
            let ms = t.0.as_millisecond() - crate::clock::EPOCH_UNIX_MS;
            SimTime(ms.max(0) as u64)
        })
        .max()
}

/// An event about a claim, from `component`.
pub(super) fn claim_event(
    api: &mut ApiServer,
    component: &'static str,
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
            component,
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
    fn which_provisioners_can_be_asked_for_a_volume() {
        for (provisioner, want) in [
            ("rancher.io/local-path", true),
            ("ebs.csi.aws.com", true),
            ("kubernetes.io/aws-ebs", true),
            ("kubernetes.io/no-provisioner", false),
            ("kubernetes.io/host-path", false),
        ] {
            assert_eq!(provisionable(provisioner), want, "{provisioner}");
        }
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
        let pick = |c: &PersistentVolumeClaim| {
            best_match(&all, c, false).and_then(|v| v.metadata.name.clone())
        };
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
        let picked =
            best_match(&[&taken, &big], &claim, false).and_then(|v| v.metadata.name.clone());
        assert_eq!(picked.as_deref(), Some("big"));
    }

    /// A claim that names a volume is bound to that one or none, even when another
    /// volume is pre-bound to it.
    #[test]
    fn a_claim_naming_a_volume_takes_only_that_one() {
        let mut pre_bound = pv("pre", "5Gi", &["ReadWriteOnce"], "manual", json!({}));
        pre_bound.spec.as_mut().unwrap().claim_ref = Some(ObjectReference {
            namespace: Some("default".into()),
            name: Some("c".into()),
            ..Default::default()
        });
        let named = pv("named", "5Gi", &["ReadWriteOnce"], "manual", json!({}));
        let mut claim = pvc("1Gi", &["ReadWriteOnce"], "manual", None);
        claim.spec.as_mut().unwrap().volume_name = Some("named".into());
        let pick = |vs: &[&PersistentVolume]| {
            best_match(vs, &claim, false).and_then(|v| v.metadata.name.clone())
        };
        assert_eq!(pick(&[&pre_bound, &named]).as_deref(), Some("named"));
        assert_eq!(pick(&[&pre_bound]), None);
    }

    /// The VolumeMismatch reasons, in checkVolumeSatisfyClaim's order.
    #[test]
    fn why_a_named_volume_does_not_satisfy_a_claim() {
        let volume = pv("v", "1Gi", &["ReadWriteOnce"], "manual", json!({}));
        let mut block = pvc("1Gi", &["ReadWriteOnce"], "manual", None);
        block.spec.as_mut().unwrap().volume_mode = Some("Block".into());
        for (claim, want) in [
            (pvc("1Gi", &["ReadWriteOnce"], "manual", None), None),
            (
                pvc("2Gi", &["ReadWriteOnce"], "manual", None),
                Some("requested PV is too small"),
            ),
            (
                pvc("2Gi", &["ReadWriteMany"], "fast", None),
                Some("requested PV is too small"),
            ),
            (
                pvc("1Gi", &["ReadWriteOnce"], "fast", None),
                Some("storageClassName does not match"),
            ),
            (block, Some("incompatible volumeMode")),
            (
                pvc("1Gi", &["ReadWriteMany"], "manual", None),
                Some("incompatible accessMode"),
            ),
            // The claim's selector is not checked for a volume it names.
            (
                pvc(
                    "1Gi",
                    &["ReadWriteOnce"],
                    "manual",
                    Some(json!({"matchLabels": {"a": "b"}})),
                ),
                None,
            ),
        ] {
            assert_eq!(
                mismatch(&volume, &claim).as_deref(),
                want,
                "{:?}",
                claim.spec
            );
        }
    }
}
