//! storage.k8s.io/v1 StorageClasses and v1 PersistentVolumes and PersistentVolumeClaims
//! as the API server serves them: their defaults (SetDefaults_PersistentVolume,
//! SetDefaults_PersistentVolumeClaim, SetDefaults_StorageClass; a new volume or claim
//! starts Pending), the DefaultStorageClass admission plugin (a claim naming no class
//! gets the default one), and their validation's messages.

use super::config::{invalid, keep_system_fields, name_and_meta};
use super::error::{ApiError, FieldError};
use super::ApiServer;
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::quantity;
use crate::model::{ObjectMeta, PersistentVolume, PersistentVolumeClaim, StorageClass};
use k8s_openapi::api::core::v1::{
    ObjectReference, PersistentVolumeClaimStatus, PersistentVolumeStatus,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// The annotation marking the default StorageClass (and its beta form).
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";
const BETA_DEFAULT_CLASS_ANNOTATION: &str = "storageclass.beta.kubernetes.io/is-default-class";

/// The finalizers the StorageObjectInUseProtection admission plugin adds: a volume
/// goes once no claim is bound to it, a claim once no pod uses it.
pub const PV_PROTECTION_FINALIZER: &str = "kubernetes.io/pv-protection";
pub const PVC_PROTECTION_FINALIZER: &str = "kubernetes.io/pvc-protection";

/// Adds `finalizer` unless the object has it.
fn add_finalizer(meta: &mut ObjectMeta, finalizer: &str) {
    let list = meta.finalizers.get_or_insert_with(Vec::new);
    if !list.iter().any(|f| f == finalizer) {
        list.push(finalizer.to_string());
    }
}

/// A user's PUT keeps what the API server and the controllers own of the metadata:
/// the finalizers it does not name, the deletion mark.
fn keep_storage_fields(old: &ObjectMeta, new: &mut ObjectMeta) {
    keep_system_fields(old, new);
    if new.finalizers.is_none() {
        new.finalizers = old.finalizers.clone();
    }
    new.deletion_timestamp = old.deletion_timestamp.clone();
    new.deletion_grace_period_seconds = old.deletion_grace_period_seconds;
}

/// The node the scheduler chose for a claim of a WaitForFirstConsumer class.
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
/// A volume's binding is complete (on its claim).
pub const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// Whether a StorageClass is marked the default.
pub fn is_default_class(sc: &StorageClass) -> bool {
    let a = sc.metadata.annotations.as_ref();
    [DEFAULT_CLASS_ANNOTATION, BETA_DEFAULT_CLASS_ANNOTATION]
        .iter()
        .any(|k| a.and_then(|a| a.get(*k)).is_some_and(|v| v == "true"))
}

/// A storage quantity in milli-units (0 when unset or unreadable).
pub(crate) fn storage_milli(q: Option<&Quantity>) -> i128 {
    q.and_then(|q| quantity::milli(q).ok()).unwrap_or(0)
}

/// A volume's storage capacity in milli-units.
pub(crate) fn capacity_milli(pv: &PersistentVolume) -> i128 {
    storage_milli(
        pv.spec
            .as_ref()
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage")),
    )
}

/// A claim's storage request in milli-units.
pub(crate) fn request_milli(pvc: &PersistentVolumeClaim) -> i128 {
    storage_milli(
        pvc.spec
            .as_ref()
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage")),
    )
}

/// Whether `pv` can hold `pvc` (`FindMatchingVolume`'s checks, binding aside): the
/// same storageClassName and volumeMode, every requested access mode, at least the
/// requested storage, the claim's selector matching the volume's labels.
pub(crate) fn fits(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
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
    if capacity_milli(pv) < request_milli(pvc) {
        return false;
    }
    match &cs.selector {
        None => true,
        Some(s) => Selector::from_label_selector(s)
            .is_ok_and(|sel| sel.matches(pv.metadata.labels.as_ref())),
    }
}

/// Whether the volume's claimRef names this claim (its uid too once set).
pub(crate) fn refers_to(r: &ObjectReference, pvc: &PersistentVolumeClaim) -> bool {
    r.namespace == pvc.metadata.namespace
        && r.name == pvc.metadata.name
        && r.uid
            .as_ref()
            .is_none_or(|u| Some(u) == pvc.metadata.uid.as_ref())
}

/// Whether a claim's class binds only once a pod using it is scheduled
/// (`IsDelayBindingMode`: a missing class is not).
pub(crate) fn is_delay_binding(classes: &[&StorageClass], pvc: &PersistentVolumeClaim) -> bool {
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or_default();
    !class.is_empty()
        && classes.iter().any(|c| {
            c.metadata.name.as_deref() == Some(class)
                && c.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
        })
}

fn access_modes(modes: Option<&Vec<String>>, path: &str, detail: &str, errs: &mut Vec<FieldError>) {
    match modes {
        None => errs.push(FieldError::required(path, detail)),
        Some(m) if m.is_empty() => errs.push(FieldError::required(path, detail)),
        Some(m) => {
            for mode in m {
                if !ACCESS_MODES.contains(&mode.as_str()) {
                    errs.push(FieldError::not_supported(path, mode, ACCESS_MODES));
                }
            }
        }
    }
}

/// `ValidatePersistentVolume`: access modes, a storage capacity, one volume source.
pub(crate) fn validate_persistent_volume(pv: &PersistentVolume) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&pv.metadata, &mut errs);
    let spec = pv.spec.clone().unwrap_or_default();
    access_modes(
        spec.access_modes.as_ref(),
        "spec.accessModes",
        "",
        &mut errs,
    );
    match &spec.capacity {
        None => errs.push(FieldError::required("spec.capacity", "")),
        Some(c) if c.is_empty() => errs.push(FieldError::required("spec.capacity", "")),
        Some(_) => {}
    }
    let sources = [
        spec.host_path.is_some(),
        spec.local.is_some(),
        spec.nfs.is_some(),
        spec.csi.is_some(),
        spec.iscsi.is_some(),
        spec.fc.is_some(),
    ];
    if !sources.iter().any(|s| *s) {
        errs.push(FieldError::required("spec", "must specify a volume type"));
    }
    if let Some(h) = &spec.host_path {
        if h.path.is_empty() {
            errs.push(FieldError::required("spec.hostPath.path", ""));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaim`: access modes and a storage request.
pub(crate) fn validate_claim(pvc: &PersistentVolumeClaim) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&pvc.metadata, &mut errs);
    let spec = pvc.spec.clone().unwrap_or_default();
    access_modes(
        spec.access_modes.as_ref(),
        "spec.accessModes",
        "at least 1 access mode is required",
        &mut errs,
    );
    let requested = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .is_some_and(|r| r.contains_key("storage"));
    if !requested {
        errs.push(FieldError::required("spec.resources[storage]", ""));
    }
    errs
}

/// `ValidateStorageClass`: a provisioner, a known reclaim policy and binding mode.
pub(crate) fn validate_storage_class(sc: &StorageClass) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&sc.metadata, &mut errs);
    if sc.provisioner.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    }
    if let Some(p) = sc.reclaim_policy.as_deref() {
        if !matches!(p, "Delete" | "Retain") {
            errs.push(FieldError::not_supported(
                "reclaimPolicy",
                p,
                &["Delete", "Retain"],
            ));
        }
    }
    if let Some(m) = sc.volume_binding_mode.as_deref() {
        if !matches!(m, "Immediate" | "WaitForFirstConsumer") {
            errs.push(FieldError::not_supported(
                "volumeBindingMode",
                m,
                &["Immediate", "WaitForFirstConsumer"],
            ));
        }
    }
    errs
}

fn check(kind: &'static str, meta: &ObjectMeta, causes: Vec<FieldError>) -> Result<(), ApiError> {
    if causes.is_empty() {
        Ok(())
    } else {
        Err(invalid(kind, meta, causes))
    }
}

fn not_found(resource: &'static str, name: String) -> ApiError {
    ApiError::NotFound { resource, name }
}

impl ApiServer {
    /// The default StorageClass of a kind cluster, `standard`: rancher's
    /// local-path-provisioner, volumes deleted with their claims, bound once a pod
    /// using the claim is scheduled. Created at the cluster's start (its uid from its
    /// resourceVersion, so users' objects keep theirs).
    pub(crate) fn create_default_storage_class(&mut self, now: SimTime) {
        if self.storage_classes.get("", "standard").is_some() {
            return;
        }
        let sc = StorageClass {
            metadata: ObjectMeta {
                name: Some("standard".into()),
                annotations: Some(
                    [(DEFAULT_CLASS_ANNOTATION.to_string(), "true".to_string())].into(),
                ),
                ..Default::default()
            },
            provisioner: "rancher.io/local-path".into(),
            reclaim_policy: Some("Delete".into()),
            volume_binding_mode: Some("WaitForFirstConsumer".into()),
            ..Default::default()
        };
        // A fixed, valid class: this cannot fail.
        let _ = self.insert_with(
            |a| &mut a.storage_classes,
            "storageclasses",
            sc,
            now,
            super::Uids::FromVersion,
        );
    }

    /// A StorageClass POST: reclaimPolicy Delete and volumeBindingMode Immediate unless
    /// given.
    pub fn create_storage_class(
        &mut self,
        mut sc: StorageClass,
        now: SimTime,
    ) -> Result<&StorageClass, ApiError> {
        self.prepare_cluster_scoped(
            "StorageClass",
            &mut sc.metadata,
            crate::model::meta::validate_dns1123_subdomain,
        )?;
        sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
        sc.volume_binding_mode
            .get_or_insert_with(|| "Immediate".into());
        check(
            "StorageClass.storage.k8s.io",
            &sc.metadata,
            validate_storage_class(&sc),
        )?;
        self.insert(|a| &mut a.storage_classes, "storageclasses", sc, now)
    }

    /// A StorageClass PUT: its provisioner and parameters cannot change.
    pub fn update_storage_class(
        &mut self,
        mut sc: StorageClass,
    ) -> Result<&StorageClass, ApiError> {
        let name = sc.metadata.name.clone().unwrap_or_default();
        let Some(old) = self.storage_classes.get("", &name).cloned() else {
            return Err(not_found("storageclasses", name));
        };
        sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
        sc.volume_binding_mode
            .get_or_insert_with(|| "Immediate".into());
        let mut causes = validate_storage_class(&sc);
        if sc.provisioner != old.provisioner {
            causes.push(FieldError::forbidden(
                "provisioner",
                "updates to provisioner are forbidden.",
            ));
        }
        if sc.parameters != old.parameters {
            causes.push(FieldError::forbidden(
                "parameters",
                "updates to parameters are forbidden.",
            ));
        }
        check("StorageClass.storage.k8s.io", &sc.metadata, causes)?;
        keep_system_fields(&old.metadata, &mut sc.metadata);
        self.replace(|a| &mut a.storage_classes, "storageclasses", sc)
    }

    /// A PersistentVolume POST: Retain and Filesystem unless given; it starts Pending
    /// (the PV controller makes it Available).
    pub fn create_persistent_volume(
        &mut self,
        mut pv: PersistentVolume,
        now: SimTime,
    ) -> Result<&PersistentVolume, ApiError> {
        self.prepare_cluster_scoped(
            "PersistentVolume",
            &mut pv.metadata,
            crate::model::meta::validate_dns1123_subdomain,
        )?;
        let spec = pv.spec.get_or_insert_with(Default::default);
        spec.persistent_volume_reclaim_policy
            .get_or_insert_with(|| "Retain".into());
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        // SetDefaults_HostPathVolumeSource: the unset type.
        if let Some(h) = spec.host_path.as_mut() {
            h.type_.get_or_insert_with(String::new);
        }
        check(
            "PersistentVolume",
            &pv.metadata,
            validate_persistent_volume(&pv),
        )?;
        add_finalizer(&mut pv.metadata, PV_PROTECTION_FINALIZER);
        pv.status = Some(PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        self.insert(|a| &mut a.persistent_volumes, "persistentvolumes", pv, now)
    }

    /// A PersistentVolume PUT by a user: the status and the controller's binding stay;
    /// its source and volumeMode cannot change.
    pub fn update_persistent_volume(
        &mut self,
        mut pv: PersistentVolume,
    ) -> Result<&PersistentVolume, ApiError> {
        let name = pv.metadata.name.clone().unwrap_or_default();
        let Some(old) = self.persistent_volumes.get("", &name).cloned() else {
            return Err(not_found("persistentvolumes", name));
        };
        let spec = pv.spec.get_or_insert_with(Default::default);
        spec.persistent_volume_reclaim_policy
            .get_or_insert_with(|| "Retain".into());
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        if spec.claim_ref.is_none() {
            spec.claim_ref = old.spec.as_ref().and_then(|s| s.claim_ref.clone());
        }
        let mut causes = validate_persistent_volume(&pv);
        causes.extend(super::storage_update::validate_volume_update(&pv, &old));
        check("PersistentVolume", &pv.metadata, causes)?;
        keep_storage_fields(&old.metadata, &mut pv.metadata);
        pv.status = old.status;
        self.replace(|a| &mut a.persistent_volumes, "persistentvolumes", pv)
    }

    /// A PersistentVolumeClaim POST: Filesystem unless given, the default StorageClass
    /// when it names none (DefaultStorageClass); it starts Pending.
    pub fn create_persistent_volume_claim(
        &mut self,
        mut pvc: PersistentVolumeClaim,
        now: SimTime,
    ) -> Result<&PersistentVolumeClaim, ApiError> {
        self.prepare_namespaced("PersistentVolumeClaim", &mut pvc.metadata)?;
        let default_class = self
            .storage_classes
            .list()
            .filter(|sc| is_default_class(sc))
            .max_by(|a, b| {
                let t = |s: &StorageClass| s.metadata.creation_timestamp.clone().map(|t| t.0);
                t(a).cmp(&t(b))
            })
            .and_then(|sc| sc.metadata.name.clone());
        let spec = pvc.spec.get_or_insert_with(Default::default);
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        if spec.storage_class_name.is_none() {
            spec.storage_class_name = default_class;
        }
        check("PersistentVolumeClaim", &pvc.metadata, validate_claim(&pvc))?;
        add_finalizer(&mut pvc.metadata, PVC_PROTECTION_FINALIZER);
        pvc.status = Some(PersistentVolumeClaimStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        self.insert(
            |a| &mut a.persistent_volume_claims,
            "persistentvolumeclaims",
            pvc,
            now,
        )
    }

    /// A PersistentVolumeClaim PUT by a user: the status and what admission and the
    /// controller filled in (class, volume) stay; its spec cannot change but for a
    /// bound claim's storage request, which may grow only if its class allows
    /// expansion (PersistentVolumeClaimResize).
    pub fn update_persistent_volume_claim(
        &mut self,
        mut pvc: PersistentVolumeClaim,
    ) -> Result<&PersistentVolumeClaim, ApiError> {
        let (ns, name) = super::key_of(&pvc.metadata);
        let Some(old) = self.persistent_volume_claims.get(&ns, &name).cloned() else {
            return Err(not_found("persistentvolumeclaims", name));
        };
        let old_spec = old.spec.clone().unwrap_or_default();
        let spec = pvc.spec.get_or_insert_with(Default::default);
        spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        if spec.storage_class_name.is_none() {
            spec.storage_class_name = old_spec.storage_class_name;
        }
        if spec.volume_name.is_none() {
            spec.volume_name = old_spec.volume_name;
        }
        let mut causes = validate_claim(&pvc);
        causes.extend(super::storage_update::validate_claim_update(&pvc, &old));
        check("PersistentVolumeClaim", &pvc.metadata, causes)?;
        let classes: Vec<&StorageClass> = self.storage_classes.list().collect();
        super::storage_update::admit_resize(&pvc, &old, &classes)?;
        keep_storage_fields(&old.metadata, &mut pvc.metadata);
        pvc.status = old.status;
        self.replace(
            |a| &mut a.persistent_volume_claims,
            "persistentvolumeclaims",
            pvc,
        )
    }

    /// The PV controller's write of a volume (its binding, its status).
    pub(crate) fn write_persistent_volume(
        &mut self,
        pv: PersistentVolume,
    ) -> Result<&PersistentVolume, ApiError> {
        self.replace(|a| &mut a.persistent_volumes, "persistentvolumes", pv)
    }

    /// The PV controller's write of a claim (its volume, its status).
    pub(crate) fn write_claim(
        &mut self,
        pvc: PersistentVolumeClaim,
    ) -> Result<&PersistentVolumeClaim, ApiError> {
        self.replace(
            |a| &mut a.persistent_volume_claims,
            "persistentvolumeclaims",
            pvc,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn validation_messages() {
        let pv: PersistentVolume = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "v"}, "spec": {}}))
        .unwrap();
        assert_eq!(
            texts(validate_persistent_volume(&pv)),
            vec![
                "spec.accessModes: Required value",
                "spec.capacity: Required value",
                "spec: Required value: must specify a volume type",
            ]
        );
        let pvc: PersistentVolumeClaim = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "c"}, "spec": {}}))
        .unwrap();
        assert_eq!(
            texts(validate_claim(&pvc)),
            vec![
                "spec.accessModes: Required value: at least 1 access mode is required",
                "spec.resources[storage]: Required value",
            ]
        );
        let sc: StorageClass = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "s"}, "provisioner": ""}))
        .unwrap();
        assert_eq!(
            texts(validate_storage_class(&sc)),
            vec!["provisioner: Required value"]
        );
    }
}
