//! The kind cluster's dynamic provisioner, rancher's local-path-provisioner (through
//! sig-storage-lib-external-provisioner): a claim the PV controller handed to
//! `rancher.io/local-path` (`volume.kubernetes.io/storage-provisioner`) gets a volume
//! `pvc-<claim uid>`, a hostPath directory
//! `/var/local-path-provisioner/pvc-<uid>_<namespace>_<name>` on the node the scheduler
//! selected for it (`volume.kubernetes.io/selected-node`), with node affinity to that
//! node, pre-bound to the claim (the PV controller completes the binding). A claim with
//! no node selected cannot be provisioned (a local directory needs its node). A volume
//! it made whose claim is gone (Released) with reclaimPolicy Delete is deleted, and its
//! directory with it (the provisioner's helper pod runs `rm -rf` on the node: here the
//! cluster removes it, [`LocalPathProvisioner::take_removed`]).

use super::persistentvolume::claim_event;
use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, Propagation};
use crate::clock::SimTime;
use crate::controllers::persistentvolume::STORAGE_PROVISIONER;
use crate::model::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolumeSpec, VolumeNodeAffinity,
};
use std::collections::BTreeMap;

/// The provisioner's name, as StorageClasses name it.
pub const PROVISIONER: &str = "rancher.io/local-path";
/// Where its volumes live on a node.
pub const BASE_PATH: &str = "/var/local-path-provisioner";
/// Its events' source: the provisioner's name, its pod and its identity.
const COMPONENT: &str =
    "rancher.io/local-path_local-path-provisioner-7dc846544d-4cgxq_0b3e8f0c-6c1a-4d7e-9a58-2d4f1c7e5b90";
const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
const VOLUME_NODE: &str = "local.path.provisioner/selected-node";

/// The provisioner; what it keeps is the directories it deleted volumes of, until the
/// cluster removes them from the nodes' disks.
#[derive(Debug, Clone, Default)]
pub struct LocalPathProvisioner {
    removed: Vec<(String, String)>,
}

impl LocalPathProvisioner {
    /// The (node, directory) pairs of the volumes it deleted since the last call.
    pub fn take_removed(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.removed)
    }
}

impl Controller for LocalPathProvisioner {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let mut changed = provision(ctx.api, ctx.now);
        changed |= self.delete_released(ctx.api, ctx.now);
        Progress::changed_if(changed)
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// The volume's name for a claim: `pvc-<uid>`.
pub fn volume_name(pvc: &PersistentVolumeClaim) -> String {
    format!("pvc-{}", pvc.metadata.uid.as_deref().unwrap_or_default())
}

/// The claims handed to this provisioner, unbound, not being deleted.
fn to_provision(api: &ApiServer) -> Vec<PersistentVolumeClaim> {
    api.persistent_volume_claims
        .list()
        .filter(|c| {
            let handed = c
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(STORAGE_PROVISIONER))
                .is_some_and(|p| p == PROVISIONER);
            let phase = c.status.as_ref().and_then(|s| s.phase.as_deref());
            let unbound = c
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.as_deref())
                .unwrap_or_default()
                .is_empty();
            handed && unbound && phase == Some("Pending") && c.metadata.deletion_timestamp.is_none()
        })
        .cloned()
        .collect()
}

/// Makes a volume for each claim waiting for one. Whether anything changed.
fn provision(api: &mut ApiServer, now: SimTime) -> bool {
    let mut changed = false;
    for pvc in to_provision(api) {
        let name = volume_name(&pvc);
        if api.persistent_volumes.get("", &name).is_some() {
            continue;
        }
        let ns = pvc.metadata.namespace.clone().unwrap_or_default();
        let claim = pvc.metadata.name.clone().unwrap_or_default();
        let Some(node) = crate::controllers::persistentvolume::selected_node(&pvc) else {
            // Reported once: the library retries with a growing back-off.
            if !reported(api, &pvc, "ProvisioningFailed") {
                claim_event(
                    api,
                    COMPONENT,
                    &pvc,
                    "Provisioning",
                    format!(
                        "External provisioner is provisioning volume for claim \"{ns}/{claim}\""
                    ),
                    false,
                    now,
                );
                claim_event(
                    api,
                    COMPONENT,
                    &pvc,
                    "ProvisioningFailed",
                    "failed to provision volume with StorageClass \"".to_string()
                        + &class_of(&pvc)
                        + "\": configuration error, no node was specified",
                    true,
                    now,
                );
                changed = true;
            }
            continue;
        };
        let node = node.to_string();
        let Some(class) = api.storage_classes.get("", &class_of(&pvc)).cloned() else {
            continue;
        };
        claim_event(
            api,
            COMPONENT,
            &pvc,
            "Provisioning",
            format!("External provisioner is provisioning volume for claim \"{ns}/{claim}\""),
            false,
            now,
        );
        let spec = pvc.spec.clone().unwrap_or_default();
        let path = format!("{BASE_PATH}/{name}_{ns}_{claim}",);
        let pv = PersistentVolume {
            metadata: crate::model::ObjectMeta {
                name: Some(name.clone()),
                annotations: Some(BTreeMap::from([
                    (VOLUME_NODE.to_string(), node.clone()),
                    (PROVISIONED_BY.to_string(), PROVISIONER.to_string()),
                ])),
                ..Default::default()
            },
            spec: Some(PersistentVolumeSpec {
                access_modes: spec.access_modes.clone(),
                capacity: spec
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                    .map(|q| BTreeMap::from([("storage".to_string(), q.clone())])),
                claim_ref: Some(ObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("PersistentVolumeClaim".into()),
                    namespace: Some(ns.clone()),
                    name: Some(claim.clone()),
                    uid: pvc.metadata.uid.clone(),
                    resource_version: pvc.metadata.resource_version.clone(),
                    field_path: None,
                }),
                host_path: Some(HostPathVolumeSource {
                    path,
                    type_: Some("DirectoryOrCreate".into()),
                }),
                node_affinity: Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: Some(vec![NodeSelectorRequirement {
                                key: "kubernetes.io/hostname".into(),
                                operator: "In".into(),
                                values: Some(vec![node.clone()]),
                            }]),
                            match_fields: None,
                        }],
                    }),
                }),
                persistent_volume_reclaim_policy: class.reclaim_policy.clone(),
                storage_class_name: Some(class_of(&pvc)),
                volume_mode: spec.volume_mode.clone(),
                mount_options: class.mount_options.clone(),
                ..Default::default()
            }),
            status: None,
        };
        match api.create_persistent_volume(pv, now) {
            Ok(_) => claim_event(
                api,
                COMPONENT,
                &pvc,
                "ProvisioningSucceeded",
                format!("Successfully provisioned volume {name}"),
                false,
                now,
            ),
            Err(e) => claim_event(
                api,
                COMPONENT,
                &pvc,
                "ProvisioningFailed",
                e.to_string(),
                true,
                now,
            ),
        }
        changed = true;
    }
    changed
}

impl LocalPathProvisioner {
    /// Deletes the Released volumes it made whose reclaim policy is Delete.
    fn delete_released(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let released: Vec<PersistentVolume> = api
            .persistent_volumes
            .list()
            .filter(|pv| {
                let ours = pv
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(PROVISIONED_BY))
                    .is_some_and(|p| p == PROVISIONER);
                let spec = pv.spec.as_ref();
                ours && pv.metadata.deletion_timestamp.is_none()
                    && pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Released")
                    && spec.and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                        == Some("Delete")
            })
            .cloned()
            .collect();
        let mut changed = false;
        for pv in released {
            let name = pv.metadata.name.clone().unwrap_or_default();
            let node = pv
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(VOLUME_NODE))
                .cloned();
            let path = pv
                .spec
                .as_ref()
                .and_then(|s| s.host_path.as_ref())
                .map(|h| h.path.clone());
            if let (Some(node), Some(path)) = (node, path) {
                self.removed.push((node, path));
            }
            changed |= api
                .delete_propagating("persistentvolumes", "", &name, Propagation::Background, now)
                .is_ok();
        }
        changed
    }
}

fn class_of(pvc: &PersistentVolumeClaim) -> String {
    pvc.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}

/// Whether the provisioner already reported `reason` on the claim.
fn reported(api: &ApiServer, pvc: &PersistentVolumeClaim, reason: &str) -> bool {
    let uid = pvc.metadata.uid.as_deref();
    api.events.list().any(|e| {
        e.involved_object.uid.as_deref() == uid
            && e.reason.as_deref() == Some(reason)
            && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(COMPONENT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::storage::SELECTED_NODE;
    use serde_json::json;

    /// A claim handed to the provisioner with its node selected gets a volume on that
    /// node; without a node it fails once; a Released volume of a Delete class goes,
    /// its directory noted for removal.
    #[test]
    fn provisions_on_the_selected_node_and_deletes_released_volumes() {
        let now = SimTime(0);
        let mut api = ApiServer::new(1, now);
        api.create_default_storage_class(now);
        for (name, node) in [("placed", Some("worker")), ("nowhere", None)] {
            let mut annotations = json!({STORAGE_PROVISIONER: PROVISIONER});
            if let Some(n) = node {
                annotations[SELECTED_NODE] = json!(n);
            }
            let pvc = serde_json::from_value(json!({
                "metadata": {"name": name, "namespace": "default", "annotations": annotations},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                         "resources": {"requests": {"storage": "1Gi"}}}
            }))
            .unwrap();
            api.create_persistent_volume_claim(pvc, now).unwrap();
        }
        let mut provisioner = LocalPathProvisioner::default();
        assert!(provision(&mut api, now));
        let placed = api
            .persistent_volume_claims
            .get("default", "placed")
            .unwrap()
            .clone();
        let pv = api
            .persistent_volumes
            .get("", &volume_name(&placed))
            .unwrap()
            .clone();
        let spec = pv.spec.clone().unwrap();
        let uid = placed.metadata.uid.clone().unwrap();
        assert_eq!(
            spec.host_path.map(|h| h.path),
            Some(format!("{BASE_PATH}/pvc-{uid}_default_placed"))
        );
        let term = &spec
            .node_affinity
            .unwrap()
            .required
            .unwrap()
            .node_selector_terms[0];
        assert_eq!(
            term.match_expressions.as_ref().unwrap()[0].values,
            Some(vec!["worker".to_string()])
        );
        assert_eq!(spec.claim_ref.unwrap().uid, placed.metadata.uid);
        assert_eq!(
            spec.persistent_volume_reclaim_policy.as_deref(),
            Some("Delete")
        );
        assert!(reported(
            &api,
            api.persistent_volume_claims
                .get("default", "nowhere")
                .unwrap(),
            "ProvisioningFailed"
        ));
        // Nothing more to do: the failure is not reported again.
        assert!(!provision(&mut api, now));
        // The claim gone, the volume Released: deleted, its directory noted.
        let mut released = pv.clone();
        released.status.get_or_insert_with(Default::default).phase = Some("Released".into());
        api.write_persistent_volume(released).unwrap();
        assert!(provisioner.delete_released(&mut api, now));
        let name = pv.metadata.name.clone().unwrap();
        assert!(api
            .persistent_volumes
            .get("", &name)
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_some());
        assert_eq!(
            provisioner.take_removed(),
            vec![(
                "worker".to_string(),
                format!("{BASE_PATH}/pvc-{uid}_default_placed")
            )]
        );
    }
}
