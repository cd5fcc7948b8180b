//! apps/v1 StatefulSets as the API server serves them: `SetDefaults_StatefulSet`
//! (OrderedReady, a RollingUpdate of partition 0, Retain/Retain claims, one replica,
//! ten revisions kept; the pod template's and the claim templates' defaults),
//! `ValidateStatefulSet` and `ValidateStatefulSetUpdate` with their messages (only
//! replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and
//! minReadySeconds may change), and the REST strategy's status reset on create.

use super::apps::{
    default_template, given, non_negative, selector_matches, workload_template, WorkloadStrategy,
};
use super::error::{FieldError, FieldErrorKind};
use super::{validation, ApiServer, Store};
use crate::model::StatefulSet;
use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetSpec, StatefulSetStatus, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaimStatus, PersistentVolumeClaimVolumeSource, PodTemplateSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

const RETAIN: &str = "Retain";
const RETENTION: &[&str] = &["Retain", "Delete"];

/// `SetDefaults_StatefulSet`, with the claim templates' `SetDefaults_PersistentVolumeClaim`
/// (Filesystem, Pending).
pub(crate) fn default_stateful_set(set: &mut StatefulSet) {
    let spec = set.spec.get_or_insert_with(Default::default);
    spec.pod_management_policy
        .get_or_insert_with(|| "OrderedReady".into());
    let strategy = spec
        .update_strategy
        .get_or_insert_with(StatefulSetUpdateStrategy::default);
    if strategy.type_.is_none() {
        strategy.type_ = Some("RollingUpdate".into());
        strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateStatefulSetStrategy::default);
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        if let Some(rolling) = strategy.rolling_update.as_mut() {
            rolling.partition.get_or_insert(0);
        }
    }
    let policy = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
    for p in [&mut policy.when_deleted, &mut policy.when_scaled] {
        if p.as_deref().is_none_or(str::is_empty) {
            *p = Some(RETAIN.into());
        }
    }
    spec.replicas.get_or_insert(1);
    spec.revision_history_limit.get_or_insert(10);
    default_template(&mut spec.template);
    for claim in spec.volume_claim_templates.iter_mut().flatten() {
        let claim_spec = claim.spec.get_or_insert_with(Default::default);
        claim_spec
            .volume_mode
            .get_or_insert_with(|| "Filesystem".into());
        let status = claim
            .status
            .get_or_insert_with(PersistentVolumeClaimStatus::default);
        status.phase.get_or_insert_with(|| "Pending".into());
    }
}

/// The template as the pods will run it: a volume per claim template (unless the
/// template has one of that name), so that its mounts of them resolve.
fn template_with_claims(spec: &StatefulSetSpec) -> PodTemplateSpec {
    let mut template = spec.template.clone();
    if let Some(pod) = template.spec.as_mut() {
        let volumes = pod.volumes.get_or_insert_with(Vec::new);
        for claim in spec.volume_claim_templates.iter().flatten() {
            let name = claim.metadata.name.clone().unwrap_or_default();
            if volumes.iter().any(|v| v.name == name) {
                continue;
            }
            volumes.push(Volume {
                name: name.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: name,
                    read_only: None,
                }),
                ..Default::default()
            });
        }
        if volumes.is_empty() {
            pod.volumes = None;
        }
    }
    template
}

/// `ValidateStatefulSet`: the name a DNS label (pods add `-N`), then
/// `ValidateStatefulSetSpec`.
pub(crate) fn validate_stateful_set(set: &StatefulSet) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = set.metadata.name.as_deref().unwrap_or_default();
    if let Err(msg) = crate::model::meta::validate_dns1123_label(name) {
        errs.push(FieldError::invalid("metadata.name", name, &msg.to_string()));
    }
    errs.extend(validation::object_meta(&set.metadata));
    validate_spec(&set.spec.clone().unwrap_or_default(), &mut errs);
    errs
}

/// `ValidateStatefulSetSpec`.
fn validate_spec(spec: &StatefulSetSpec, errs: &mut Vec<FieldError>) {
    // Optional, but the pods' subdomain: a DNS label when given (kubernetes#130233).
    if let Some(service) = spec.service_name.as_deref().filter(|s| !s.is_empty()) {
        if let Err(msg) = crate::model::meta::validate_dns1123_label(service) {
            errs.push(FieldError::invalid(
                "spec.serviceName",
                service,
                &msg.to_string(),
            ));
        }
    }
    match spec.pod_management_policy.as_deref().unwrap_or_default() {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            other,
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or_default() {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(r) = &strategy.rolling_update {
                errs.push(FieldError::invalid_raw(
                    "spec.updateStrategy.rollingUpdate",
                    &go_rolling_update(r),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(r) = &strategy.rolling_update {
                non_negative(
                    i64::from(r.partition.unwrap_or(0)),
                    "spec.updateStrategy.rollingUpdate.partition",
                    errs,
                );
            }
        }
        other => errs.push(FieldError::invalid_raw(
            "spec.updateStrategy",
            &format!(
                "apps.StatefulSetUpdateStrategy{{Type:{other:?}, RollingUpdate:{}}}",
                strategy.rolling_update.as_ref().map_or_else(
                    || "(*apps.RollingUpdateStatefulSetStrategy)(nil)".into(),
                    |r| { format!("&{}", go_rolling_update(r)) }
                )
            ),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        for (value, field) in [
            (&policy.when_deleted, "whenDeleted"),
            (&policy.when_scaled, "whenScaled"),
        ] {
            let value = value.as_deref().unwrap_or_default();
            if !RETENTION.contains(&value) {
                errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{field}"),
                    value,
                    RETENTION,
                ));
            }
        }
    }
    non_negative(i64::from(spec.replicas.unwrap_or(0)), "spec.replicas", errs);
    non_negative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        errs,
    );
    if let Some(ordinals) = &spec.ordinals {
        non_negative(
            i64::from(ordinals.start.unwrap_or(0)),
            "spec.ordinals.start",
            errs,
        );
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    selector_matches(given(&spec.selector), labels, "statefulset", true, errs);
    // The template is checked as the pods will be made: with the claim templates'
    // volumes beside its own.
    workload_template(&template_with_claims(spec), "StatefulSet", errs);
}

/// A RollingUpdateStatefulSetStrategy as Go's `%#v` prints it.
fn go_rolling_update(r: &RollingUpdateStatefulSetStrategy) -> String {
    let unavailable = r.max_unavailable.as_ref().map_or_else(
        || "(*intstr.IntOrString)(nil)".into(),
        |v| format!("&{}", super::apps::go_int_or_string(v)),
    );
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{unavailable}}}",
        r.partition.unwrap_or(0)
    )
}

/// The part of `ValidateStatefulSetUpdate` that compares with the stored spec: only
/// replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy
/// and minReadySeconds may change.
fn validate_spec_update(new: &StatefulSet, old: &StatefulSet) -> Option<FieldError> {
    let old_spec = old.spec.clone().unwrap_or_default();
    let mut new_spec = new.spec.clone().unwrap_or_default();
    new_spec.replicas = old_spec.replicas;
    new_spec.template = old_spec.template.clone();
    new_spec.update_strategy = old_spec.update_strategy.clone();
    new_spec.min_ready_seconds = old_spec.min_ready_seconds;
    new_spec.ordinals = old_spec.ordinals.clone();
    new_spec.persistent_volume_claim_retention_policy =
        old_spec.persistent_volume_claim_retention_policy.clone();
    (new_spec != old_spec).then(|| {
        FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        )
    })
}

/// The StatefulSet REST strategy: the status reset on create and kept on update.
impl WorkloadStrategy for StatefulSet {
    type Spec = StatefulSetSpec;
    fn store(api: &mut ApiServer) -> &mut Store<Self> {
        &mut api.stateful_sets
    }
    fn spec(&self) -> Option<&Self::Spec> {
        self.spec.as_ref()
    }
    fn selector(spec: &Self::Spec) -> Option<&LabelSelector> {
        given(&spec.selector)
    }
    fn set_defaults(&mut self) {
        default_stateful_set(self);
    }
    fn validate(&self) -> Vec<FieldError> {
        validate_stateful_set(self)
    }
    fn validate_update(&self, old: &Self, errs: &mut Vec<FieldError>) {
        // The name is not checked again on update.
        errs.retain(|e| {
            !(e.field == "metadata.name" && matches!(e.kind, FieldErrorKind::Invalid { .. }))
        });
        errs.extend(validate_spec_update(self, old));
    }
    fn reset_status(&mut self) {
        self.status = Some(StatefulSetStatus::default());
    }
    fn keep_status(&mut self, old: &Self) {
        self.status = old.status.clone();
    }
}

impl ApiServer {
    /// The statefulset controller's writes to a StatefulSet (status).
    pub(crate) fn update_stateful_set(
        &mut self,
        set: StatefulSet,
    ) -> Result<&StatefulSet, super::ApiError> {
        self.replace(|a| &mut a.stateful_sets, "statefulsets", set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(json: serde_json::Value) -> StatefulSet {
        let mut s: StatefulSet = crate::model::de::from_value(&json).expect("a StatefulSet");
        default_stateful_set(&mut s);
        s
    }

    fn web() -> StatefulSet {
        set(serde_json::json!({
            "metadata": {"name": "web"},
            "spec": {
                "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx",
                                "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "1Gi"}}}}]
            }
        }))
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn defaults() {
        let spec = web().spec.unwrap_or_default();
        assert_eq!(spec.pod_management_policy.as_deref(), Some("OrderedReady"));
        let strategy = spec.update_strategy.unwrap_or_default();
        assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
        assert_eq!(strategy.rolling_update.and_then(|r| r.partition), Some(0));
        let policy = spec
            .persistent_volume_claim_retention_policy
            .unwrap_or_default();
        assert_eq!(policy.when_deleted.as_deref(), Some("Retain"));
        assert_eq!(policy.when_scaled.as_deref(), Some("Retain"));
        assert_eq!(spec.replicas, Some(1));
        assert_eq!(spec.revision_history_limit, Some(10));
        let claim = &spec.volume_claim_templates.unwrap_or_default()[0];
        assert_eq!(
            claim.spec.as_ref().and_then(|s| s.volume_mode.as_deref()),
            Some("Filesystem")
        );
    }

    #[test]
    fn validation_messages() {
        assert!(messages(&validate_stateful_set(&web())).is_empty());
        let mut bad = web();
        if let Some(spec) = bad.spec.as_mut() {
            spec.pod_management_policy = Some("Random".into());
            spec.service_name = Some("Nginx".into());
            spec.replicas = Some(-1);
            if let Some(labels) = spec
                .template
                .metadata
                .as_mut()
                .and_then(|m| m.labels.as_mut())
            {
                labels.insert("app".into(), "other".into());
            }
        }
        bad.metadata.name = Some("web.v1".into());
        assert_eq!(
            messages(&validate_stateful_set(&bad)),
            [
                "metadata.name: Invalid value: \"web.v1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.serviceName: Invalid value: \"Nginx\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
            ]
        );
    }

    #[test]
    fn only_some_fields_may_change() {
        let old = web();
        let mut scaled = old.clone();
        if let Some(spec) = scaled.spec.as_mut() {
            spec.replicas = Some(5);
            spec.template.metadata = None;
        }
        assert!(validate_spec_update(&scaled, &old).is_none());
        let mut renamed = old.clone();
        if let Some(spec) = renamed.spec.as_mut() {
            spec.service_name = Some("other".into());
        }
        assert_eq!(
            validate_spec_update(&renamed, &old).map(|e| e.to_string()),
            Some("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".into())
        );
    }
}
