//! `kubectl get` rows of StorageClasses, PersistentVolumes and PersistentVolumeClaims,
//! as pkg/printers/internalversion prints them (printStorageClass,
//! printPersistentVolume, printPersistentVolumeClaim).

use crate::model::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

pub(super) const STORAGECLASS: &[&str] = &[
    "NAME",
    "PROVISIONER",
    "RECLAIMPOLICY",
    "VOLUMEBINDINGMODE",
    "ALLOWVOLUMEEXPANSION",
    "AGE",
];
pub(super) const PERSISTENTVOLUME: &[&str] = &[
    "NAME",
    "CAPACITY",
    "ACCESS MODES",
    "RECLAIM POLICY",
    "STATUS",
    "CLAIM",
    "STORAGECLASS",
    "VOLUMEATTRIBUTESCLASS",
    "REASON",
    "AGE",
];
pub(super) const PERSISTENTVOLUMECLAIM: &[&str] = &[
    "NAME",
    "STATUS",
    "VOLUME",
    "CAPACITY",
    "ACCESS MODES",
    "STORAGECLASS",
    "VOLUMEATTRIBUTESCLASS",
    "AGE",
];

/// `GetAccessModesAsString`: the short forms, in a fixed order, each once.
pub(super) fn access_modes(modes: Option<&Vec<String>>) -> String {
    let modes = modes.map(Vec::as_slice).unwrap_or_default();
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(long, _)| modes.iter().any(|m| m == long))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

fn storage(capacity: Option<&BTreeMap<String, Quantity>>) -> String {
    capacity
        .and_then(|c| c.get("storage"))
        .map(|q| q.0.clone())
        .unwrap_or_default()
}

fn or_unset(s: Option<&String>) -> String {
    s.cloned().unwrap_or_else(|| "<unset>".into())
}

pub(super) fn storage_class(sc: &StorageClass, name: String, age: String) -> Vec<String> {
    let name = if crate::apiserver::storage::is_default_class(sc) {
        format!("{name} (default)")
    } else {
        name
    };
    vec![
        name,
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_default(),
        sc.volume_binding_mode.clone().unwrap_or_default(),
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        age,
    ]
}

pub(super) fn persistent_volume(pv: &PersistentVolume, name: String, age: String) -> Vec<String> {
    let spec = pv.spec.clone().unwrap_or_default();
    let status = pv.status.clone().unwrap_or_default();
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|r| {
            format!(
                "{}/{}",
                r.namespace.as_deref().unwrap_or_default(),
                r.name.as_deref().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        status.phase.unwrap_or_default()
    };
    vec![
        name,
        storage(spec.capacity.as_ref()),
        access_modes(spec.access_modes.as_ref()),
        spec.persistent_volume_reclaim_policy.unwrap_or_default(),
        phase,
        claim,
        spec.storage_class_name.unwrap_or_default(),
        or_unset(spec.volume_attributes_class_name.as_ref()),
        status.reason.unwrap_or_default(),
        age,
    ]
}

pub(super) fn claim(pvc: &PersistentVolumeClaim, name: String, age: String) -> Vec<String> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        status.phase.clone().unwrap_or_default()
    };
    // A claim shows its capacity and modes once bound (they are the volume's).
    let bound = spec.volume_name.as_deref().is_some_and(|v| !v.is_empty());
    let (capacity, modes) = if bound {
        (
            storage(status.capacity.as_ref()),
            access_modes(status.access_modes.as_ref()),
        )
    } else {
        (String::new(), String::new())
    };
    vec![
        name,
        phase,
        spec.volume_name.unwrap_or_default(),
        capacity,
        modes,
        spec.storage_class_name.unwrap_or_default(),
        or_unset(spec.volume_attributes_class_name.as_ref()),
        age,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_in_kubectl_order() {
        let modes = vec!["ReadWriteMany".to_string(), "ReadWriteOnce".to_string()];
        assert_eq!(access_modes(Some(&modes)), "RWO,RWX");
        assert_eq!(access_modes(None), "");
    }
}
