//! storage.k8s.io/v1 StorageClasses and v1 PersistentVolumes and PersistentVolumeClaims
//! as the API server serves them: their defaults (SetDefaults_PersistentVolume,
//! SetDefaults_PersistentVolumeClaim, SetDefaults_StorageClass; a new volume or claim
//! starts Pending), the DefaultStorageClass admission plugin (a claim naming no class
//! gets the default one), and their validation's messages.

use super::config::{invalid, keep_system_fields, name_and_meta};
use super::error::{ApiError, FieldError};
use super::ApiServer;
use crate::clock::SimTime;
use crate::model::{ObjectMeta, PersistentVolume, PersistentVolumeClaim, StorageClass};
use k8s_openapi::api::core::v1::{PersistentVolumeClaimStatus, PersistentVolumeStatus};

/// The annotation marking the default StorageClass (and its beta form).
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";
const BETA_DEFAULT_CLASS_ANNOTATION: &str = "storageclass.beta.kubernetes.io/is-default-class";

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
        pv.status = Some(PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
        self.insert(|a| &mut a.persistent_volumes, "persistentvolumes", pv, now)
    }

    /// A PersistentVolume PUT by a user: the status and the controller's binding stay.
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
        check(
            "PersistentVolume",
            &pv.metadata,
            validate_persistent_volume(&pv),
        )?;
        keep_system_fields(&old.metadata, &mut pv.metadata);
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
    /// controller filled in (class, volume) stay.
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
        check("PersistentVolumeClaim", &pvc.metadata, validate_claim(&pvc))?;
        keep_system_fields(&old.metadata, &mut pvc.metadata);
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
