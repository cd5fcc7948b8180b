//! apps/v1 ReplicaSets and Deployments as the API server serves them: defaults
//! (`SetDefaults_Deployment`, `SetDefaults_ReplicaSet`, the pod template's
//! `SetDefaults_PodSpec`), validation with `ValidateDeployment`'s and
//! `ValidateReplicaSet`'s messages, and the REST strategies' create and update (status
//! reset on create, generation moved by spec changes, the selector immutable).

use super::error::{ApiError, FieldError};
use super::{defaults, validation, ApiServer, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{ObjectMeta, Pod};
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentStatus, DeploymentStrategy, ReplicaSet, ReplicaSetStatus,
    RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::Metadata;
use std::collections::BTreeMap;

/// `SetDefaults_Deployment`: one replica, a RollingUpdate of 25 % surge and 25 %
/// unavailable, ten old ReplicaSets kept, a progress deadline of 600 s; the template as
/// a pod spec is defaulted.
pub(crate) fn default_deployment(d: &mut Deployment) {
    let spec = d.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    let ty = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if ty == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        rolling
            .max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".into()));
        rolling
            .max_surge
            .get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_template(&mut spec.template);
}

/// `SetDefaults_ReplicaSet`: one replica; the template as a pod spec is defaulted.
pub(crate) fn default_replica_set(rs: &mut ReplicaSet) {
    let spec = rs.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    if let Some(template) = spec.template.as_mut() {
        default_template(template);
    }
}

/// A pod template gets the pod spec's defaults, not the admission plugins' (no service
/// account token, no default tolerations, no priority).
pub(super) fn default_template(template: &mut PodTemplateSpec) {
    if let Some(spec) = template.spec.as_mut() {
        defaults::pod_spec(spec);
    }
}

/// `map[string]string{"app":"x"}`, as Go's `%#v` prints a label map.
pub(crate) fn go_map(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        None => "map[string]string(nil)".into(),
        Some(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
            format!("map[string]string{{{}}}", entries.join(", "))
        }
    }
}

/// A `LabelSelector` as Go's `%#v` prints it in validation messages.
pub(super) fn go_selector(s: &LabelSelector) -> String {
    let expressions = match &s.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|r| {
                    let values = match &r.values {
                        None => "[]string(nil)".to_string(),
                        Some(v) => format!(
                            "[]string{{{}}}",
                            v.iter()
                                .map(|x| format!("{x:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{:?}, Operator:{:?}, Values:{values}}}",
                        r.key, r.operator
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{expressions}}}",
        go_map(s.match_labels.as_ref())
    )
}

/// The selector, unless the manifest left it out (k8s-openapi reads a missing
/// selector as an empty one; `selector: {}` reads the same and the API server then
/// finds it missing too).
pub(super) fn given(s: &LabelSelector) -> Option<&LabelSelector> {
    (s.match_labels.is_some() || s.match_expressions.is_some()).then_some(s)
}

/// `ValidateNonnegativeField`.
pub(super) fn non_negative(value: i64, field: &str, errs: &mut Vec<FieldError>) {
    if value < 0 {
        errs.push(FieldError::invalid_int(
            field,
            value,
            "must be greater than or equal to 0",
        ));
    }
}

/// The selector part of `ValidateDeploymentSpec` and `ValidateReplicaSetSpec`, then
/// `ValidatePodTemplateSpecForReplicaSet`.
fn selector_and_template(
    selector: Option<&LabelSelector>,
    template: Option<&PodTemplateSpec>,
    kind_word: &str,
    errs: &mut Vec<FieldError>,
) {
    let labels = template
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.as_ref());
    selector_matches(selector, labels, kind_word, template.is_some(), errs);
    let Some(template) = template else {
        errs.push(FieldError::required("spec.template", ""));
        return;
    };
    workload_template(template, kind_word, errs);
}

/// "`selector` does not match template `labels`" when it does not.
pub(super) fn selector_matches_labels(
    selector: &Selector,
    labels: Option<&BTreeMap<String, String>>,
    errs: &mut Vec<FieldError>,
) {
    if !selector.matches(labels) {
        errs.push(FieldError::invalid_raw(
            "spec.template.metadata.labels",
            &go_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
}

/// `ValidatePodTemplateSpec` for a template at `spec.template`, then what a
/// long-running workload's template must be: restartPolicy Always, no
/// activeDeadlineSeconds.
pub(super) fn workload_template(
    template: &PodTemplateSpec,
    kind_word: &str,
    errs: &mut Vec<FieldError>,
) {
    pod_template(template, "spec.template", errs);
    if let Some(spec) = &template.spec {
        match spec.restart_policy.as_deref() {
            Some("Always") | None => {}
            Some(other) => errs.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                other,
                &["Always"],
            )),
        }
        if spec.active_deadline_seconds.is_some() {
            errs.push(FieldError::forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                &format!("activeDeadlineSeconds in {kind_word} is not Supported"),
            ));
        }
    }
}

/// A workload's selector: required, not empty, valid, and matching its template's
/// labels (when there is a template to match).
pub(super) fn selector_matches(
    selector: Option<&LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
    kind_word: &str,
    has_template: bool,
    errs: &mut Vec<FieldError>,
) {
    // A missing selector is labels.Nothing(): it matches no template.
    let parsed = match selector {
        None => {
            errs.push(FieldError::required("spec.selector", ""));
            Some(Selector::nothing())
        }
        Some(s) => {
            let terms = s.match_labels.as_ref().map_or(0, BTreeMap::len)
                + s.match_expressions.as_ref().map_or(0, Vec::len);
            if terms == 0 {
                errs.push(FieldError::invalid_raw(
                    "spec.selector",
                    &go_selector(s),
                    &format!("empty selector is invalid for {kind_word}"),
                ));
            }
            match Selector::from_label_selector(s) {
                Ok(parsed) => Some(parsed),
                Err(_) => {
                    errs.push(FieldError::invalid_raw(
                        "spec.selector",
                        &go_selector(s),
                        "invalid label selector",
                    ));
                    None
                }
            }
        }
    };
    if !has_template {
        return;
    }
    if let Some(selector) = parsed.filter(|s| !s.is_empty()) {
        selector_matches_labels(&selector, labels, errs);
    }
}

/// `ValidatePodTemplateSpec`: the template's metadata and its spec as a pod's, the
/// errors' fields under `path` (`spec.template`).
pub(super) fn pod_template(template: &PodTemplateSpec, path: &str, errs: &mut Vec<FieldError>) {
    let meta = template.metadata.as_ref();
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some("template".into()),
            labels: meta.and_then(|m| m.labels.clone()),
            annotations: meta.and_then(|m| m.annotations.clone()),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    };
    for mut e in validation::pod(&pod) {
        e.field = match e.field.strip_prefix("metadata.") {
            Some(rest) => format!("{path}.metadata.{rest}"),
            None => format!("{path}.{}", e.field),
        };
        errs.push(e);
    }
}

/// An `intstr.IntOrString` as Go's `%#v` prints it in validation messages.
pub(super) fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{s:?}}}"),
    }
}

/// The percent of a `N%` string.
pub(super) fn percent(s: &str) -> Option<i64> {
    s.strip_suffix('%')
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<i64>().ok())
}

/// `ValidatePositiveIntOrPercent`: a non-negative number or a valid percent.
pub(super) fn positive_int_or_percent(
    value: &IntOrString,
    field: &str,
    errs: &mut Vec<FieldError>,
) {
    match value {
        IntOrString::Int(i) => non_negative(i64::from(*i), field, errs),
        IntOrString::String(s) if percent(s).is_none() => errs.push(FieldError::invalid_raw(
            field,
            &go_int_or_string(value),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        )),
        IntOrString::String(_) => {}
    }
}

/// `getIntOrPercentValue`: the number, or the percent's number.
pub(super) fn int_or_percent_value(value: Option<&IntOrString>) -> i64 {
    match value {
        Some(IntOrString::Int(i)) => i64::from(*i),
        Some(IntOrString::String(s)) => percent(s).unwrap_or(0),
        None => 0,
    }
}

/// `ValidateRollingUpdateDeployment`.
fn rolling_update(
    r: &k8s_openapi::api::apps::v1::RollingUpdateDeployment,
    errs: &mut Vec<FieldError>,
) {
    const UNAVAILABLE: &str = "spec.strategy.rollingUpdate.maxUnavailable";
    if let Some(v) = &r.max_unavailable {
        positive_int_or_percent(v, UNAVAILABLE, errs);
    }
    if let Some(v) = &r.max_surge {
        positive_int_or_percent(v, "spec.strategy.rollingUpdate.maxSurge", errs);
    }
    let unavailable = r.max_unavailable.as_ref();
    if int_or_percent_value(unavailable) == 0 && int_or_percent_value(r.max_surge.as_ref()) == 0 {
        errs.push(FieldError::invalid_raw(
            UNAVAILABLE,
            &unavailable.map_or_else(|| "null".to_string(), go_int_or_string),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    // IsNotMoreThan100Percent.
    if let Some(v @ IntOrString::String(s)) = unavailable {
        if percent(s).is_some_and(|p| p > 100) {
            errs.push(FieldError::invalid_raw(
                UNAVAILABLE,
                &go_int_or_string(v),
                "must not be greater than 100%",
            ));
        }
    }
}

pub(super) fn name_and_meta(meta: &ObjectMeta, errs: &mut Vec<FieldError>) {
    let name = meta.name.as_deref().unwrap_or_default();
    if let Err(msg) = crate::model::meta::validate_dns1123_subdomain(name) {
        errs.push(FieldError::invalid("metadata.name", name, &msg.to_string()));
    }
    errs.extend(validation::object_meta(meta));
}

/// `ValidateDeployment`.
pub(crate) fn validate_deployment(d: &Deployment) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&d.metadata, &mut errs);
    let Some(spec) = &d.spec else {
        errs.push(FieldError::required("spec.selector", ""));
        return errs;
    };
    non_negative(
        i64::from(spec.replicas.unwrap_or(0)),
        "spec.replicas",
        &mut errs,
    );
    selector_and_template(
        given(&spec.selector),
        Some(&spec.template),
        "deployment",
        &mut errs,
    );
    if let Some(strategy) = &spec.strategy {
        let ty = strategy.type_.as_deref().unwrap_or_default();
        match ty {
            "Recreate" => {
                if strategy.rolling_update.is_some() {
                    errs.push(FieldError::forbidden(
                        "spec.strategy.rollingUpdate",
                        "may not be specified when strategy `type` is 'Recreate'",
                    ));
                }
            }
            "RollingUpdate" => {
                if let Some(r) = &strategy.rolling_update {
                    rolling_update(r, &mut errs);
                }
            }
            "" => errs.push(FieldError::required("spec.strategy.type", "")),
            other => errs.push(FieldError::not_supported(
                "spec.strategy.type",
                other,
                &["Recreate", "RollingUpdate"],
            )),
        }
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    non_negative(i64::from(min_ready), "spec.minReadySeconds", &mut errs);
    if let Some(limit) = spec.revision_history_limit {
        non_negative(i64::from(limit), "spec.revisionHistoryLimit", &mut errs);
    }
    if let Some(deadline) = spec.progress_deadline_seconds {
        non_negative(
            i64::from(deadline),
            "spec.progressDeadlineSeconds",
            &mut errs,
        );
        if deadline <= min_ready {
            errs.push(FieldError::invalid_int(
                "spec.progressDeadlineSeconds",
                i64::from(deadline),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

/// `ValidateReplicaSet`.
pub(crate) fn validate_replica_set(rs: &ReplicaSet) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&rs.metadata, &mut errs);
    let Some(spec) = &rs.spec else {
        errs.push(FieldError::required("spec.selector", ""));
        return errs;
    };
    non_negative(
        i64::from(spec.replicas.unwrap_or(0)),
        "spec.replicas",
        &mut errs,
    );
    non_negative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        &mut errs,
    );
    selector_and_template(
        given(&spec.selector),
        spec.template.as_ref(),
        "ReplicaSet",
        &mut errs,
    );
    errs
}

/// apps/v1 makes the selector immutable.
fn selector_unchanged(
    old: Option<&LabelSelector>,
    new: Option<&LabelSelector>,
    errs: &mut Vec<FieldError>,
) {
    if old != new {
        errs.push(FieldError::invalid_raw(
            "spec.selector",
            &new.map_or_else(|| "nil".to_string(), go_selector),
            "field is immutable",
        ));
    }
}

pub(super) fn invalid(kind: &'static str, meta: &ObjectMeta, causes: Vec<FieldError>) -> ApiError {
    ApiError::Invalid {
        kind,
        name: meta.name.clone().unwrap_or_default(),
        causes,
    }
}

/// What the REST strategy of a workload kind (a spec with an immutable selector and a
/// pod template, a status the controller owns) says about it; [`ApiServer::create_workload`]
/// and [`ApiServer::update_workload_by_user`] are the steps they all share.
pub(crate) trait WorkloadStrategy:
    Metadata<Ty = ObjectMeta> + k8s_openapi::Resource + Clone
{
    type Spec: PartialEq;
    /// The kind's store in the API server.
    fn store(api: &mut ApiServer) -> &mut Store<Self>;
    fn spec(&self) -> Option<&Self::Spec>;
    /// The spec's selector as the user gave it (none when left out).
    fn selector(spec: &Self::Spec) -> Option<&LabelSelector>;
    /// `SetDefaults_<Kind>`.
    fn set_defaults(&mut self);
    /// `Validate<Kind>`.
    fn validate(&self) -> Vec<FieldError>;
    /// The status as `PrepareForCreate` resets it.
    fn reset_status(&mut self);
    /// `PrepareForUpdate` keeps the stored status over a user's.
    fn keep_status(&mut self, old: &Self);
    /// What else `PrepareForCreate` sets (a DaemonSet's template generation).
    fn prepare_for_create(&mut self) {}
    /// What else `PrepareForUpdate` moves (a DaemonSet's template generation).
    fn prepare_for_update(&mut self, _old: &Self) {}
    /// What `Validate<Kind>Update` adds to `errs` (the errors of [`Self::validate`]):
    /// apps/v1 makes the selector immutable.
    fn validate_update(&self, old: &Self, errs: &mut Vec<FieldError>) {
        selector_unchanged(
            old.spec().and_then(Self::selector),
            self.spec().and_then(Self::selector),
            errs,
        );
    }
}

impl WorkloadStrategy for Deployment {
    type Spec = k8s_openapi::api::apps::v1::DeploymentSpec;
    fn store(api: &mut ApiServer) -> &mut Store<Self> {
        &mut api.deployments
    }
    fn spec(&self) -> Option<&Self::Spec> {
        self.spec.as_ref()
    }
    fn selector(spec: &Self::Spec) -> Option<&LabelSelector> {
        given(&spec.selector)
    }
    fn set_defaults(&mut self) {
        default_deployment(self);
    }
    fn validate(&self) -> Vec<FieldError> {
        validate_deployment(self)
    }
    fn reset_status(&mut self) {
        self.status = Some(DeploymentStatus::default());
    }
    fn keep_status(&mut self, old: &Self) {
        self.status = old.status.clone();
    }
}

impl WorkloadStrategy for ReplicaSet {
    type Spec = k8s_openapi::api::apps::v1::ReplicaSetSpec;
    fn store(api: &mut ApiServer) -> &mut Store<Self> {
        &mut api.replica_sets
    }
    fn spec(&self) -> Option<&Self::Spec> {
        self.spec.as_ref()
    }
    fn selector(spec: &Self::Spec) -> Option<&LabelSelector> {
        given(&spec.selector)
    }
    fn set_defaults(&mut self) {
        default_replica_set(self);
    }
    fn validate(&self) -> Vec<FieldError> {
        validate_replica_set(self)
    }
    fn reset_status(&mut self) {
        self.status = Some(ReplicaSetStatus::default());
    }
    fn keep_status(&mut self, old: &Self) {
        self.status = old.status.clone();
    }
}

impl ApiServer {
    /// A workload's POST: defaults, validation, generation 1 and the status reset.
    pub(crate) fn create_workload<T: WorkloadStrategy>(
        &mut self,
        mut object: T,
        now: SimTime,
    ) -> Result<&T, ApiError> {
        self.prepare_namespaced(T::KIND, object.metadata_mut())?;
        object.set_defaults();
        let causes = object.validate();
        if !causes.is_empty() {
            return Err(invalid(T::KIND, object.metadata(), causes));
        }
        object.metadata_mut().generation = Some(1);
        object.prepare_for_create();
        object.reset_status();
        self.insert(T::store, T::URL_PATH_SEGMENT, object, now)
    }

    /// A user's PUT of a workload: the spec validated as on create, the selector
    /// immutable, the status kept, the generation moved when the spec changed.
    pub(crate) fn update_workload_by_user<T: WorkloadStrategy>(
        &mut self,
        mut object: T,
    ) -> Result<&T, ApiError> {
        let (ns, name) = super::key_of(object.metadata());
        let Some(old) = T::store(self).get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: T::URL_PATH_SEGMENT,
                name,
            });
        };
        object.set_defaults();
        let mut causes = object.validate();
        object.validate_update(&old, &mut causes);
        if !causes.is_empty() {
            return Err(invalid(T::KIND, object.metadata(), causes));
        }
        let spec_changed = old.spec() != object.spec();
        keep_system_fields(old.metadata(), object.metadata_mut(), spec_changed);
        object.prepare_for_update(&old);
        object.keep_status(&old);
        self.replace(T::store, T::URL_PATH_SEGMENT, object)
    }

    /// The deployment controller's writes to a Deployment (status and annotations).
    pub(crate) fn update_deployment(&mut self, d: Deployment) -> Result<&Deployment, ApiError> {
        self.replace(|a| &mut a.deployments, "deployments", d)
    }

    /// The controllers' writes to a ReplicaSet (status).
    pub(crate) fn update_replica_set(&mut self, rs: ReplicaSet) -> Result<&ReplicaSet, ApiError> {
        self.replace(|a| &mut a.replica_sets, "replicasets", rs)
    }
}

/// What a PUT cannot change (uid, creationTimestamp) and the generation the strategies'
/// PrepareForUpdate moves when the spec changed.
pub(super) fn keep_system_fields(old: &ObjectMeta, new: &mut ObjectMeta, spec_changed: bool) {
    new.uid = old.uid.clone();
    new.creation_timestamp = old.creation_timestamp.clone();
    let generation = old.generation.unwrap_or(1);
    new.generation = Some(if spec_changed {
        generation + 1
    } else {
        generation
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_renderings() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "x".to_string())].into();
        assert_eq!(go_map(Some(&labels)), r#"map[string]string{"app":"x"}"#);
        assert_eq!(
            go_int_or_string(&IntOrString::String("1".into())),
            r#"intstr.IntOrString{Type:1, IntVal:0, StrVal:"1"}"#
        );
        let selector = LabelSelector {
            match_labels: Some(labels),
            match_expressions: None,
        };
        assert_eq!(
            go_selector(&selector),
            r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#
        );
    }

    #[test]
    fn rolling_update_limits() {
        let r = |u: IntOrString, s: IntOrString| {
            let mut errs = Vec::new();
            rolling_update(
                &RollingUpdateDeployment {
                    max_unavailable: Some(u),
                    max_surge: Some(s),
                },
                &mut errs,
            );
            errs.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        };
        assert!(r(IntOrString::String("25%".into()), IntOrString::Int(0)).is_empty());
        assert_eq!(
            r(IntOrString::Int(0), IntOrString::String("0%".into())).len(),
            1
        );
        assert_eq!(
            r(IntOrString::String("150%".into()), IntOrString::Int(1)),
            ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"]
        );
        assert_eq!(
            r(IntOrString::Int(1), IntOrString::String("x".into()))[0],
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        );
    }
}
