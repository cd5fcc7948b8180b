//! apps/v1 DaemonSets and ControllerRevisions as the API server serves them:
//! `SetDefaults_DaemonSet` (a RollingUpdate of one unavailable pod and no surge, ten
//! revisions kept, the pod template's defaults), `ValidateDaemonSet` and
//! `ValidateControllerRevision` with their messages, and the REST strategies' create and
//! update: the status reset on create, the generation moved by spec changes, the
//! template generation (the `deprecated.daemonset.template.generation` annotation
//! apps/v1 carries it in) moved by template changes, the selector immutable, a
//! revision's data immutable.

use super::apps::{
    default_template, given, go_int_or_string, int_or_percent_value, invalid, keep_system_fields,
    name_and_meta, non_negative, percent, positive_int_or_percent, selector_matches_labels,
    workload_template, WorkloadStrategy,
};
use super::error::{ApiError, FieldError};
use super::{ApiServer, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{ControllerRevision, DaemonSet};
use k8s_openapi::api::apps::v1::{DaemonSetStatus, RollingUpdateDaemonSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The annotation apps/v1 keeps the internal `spec.templateGeneration` in.
pub(crate) const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// `SetDefaults_DaemonSet`.
pub(crate) fn default_daemon_set(ds: &mut DaemonSet) {
    let spec = ds.spec.get_or_insert_with(Default::default);
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    let ty = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if ty == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
        rolling.max_surge.get_or_insert(IntOrString::Int(0));
    }
    spec.revision_history_limit.get_or_insert(10);
    default_template(&mut spec.template);
}

/// `ValidateRollingUpdateDaemonSet`: each a count or a percent of at most 100 %, and
/// exactly one of them non-zero.
fn rolling_update(r: &RollingUpdateDaemonSet, errs: &mut Vec<FieldError>) {
    const AT: &str = "spec.updateStrategy.rollingUpdate";
    let zero = IntOrString::Int(0);
    let unavailable = r.max_unavailable.as_ref().unwrap_or(&zero);
    let surge = r.max_surge.as_ref().unwrap_or(&zero);
    let fields = [(unavailable, "maxUnavailable"), (surge, "maxSurge")];
    for (v, name) in fields {
        positive_int_or_percent(v, &format!("{AT}.{name}"), errs);
    }
    for (v, name) in fields {
        if let IntOrString::String(s) = v {
            if percent(s).is_some_and(|p| p > 100) {
                errs.push(FieldError::invalid_raw(
                    format!("{AT}.{name}"),
                    &go_int_or_string(v),
                    "must not be greater than 100%",
                ));
            }
        }
    }
    let has_unavailable = int_or_percent_value(Some(unavailable)) != 0;
    let has_surge = int_or_percent_value(Some(surge)) != 0;
    if has_unavailable && has_surge {
        errs.push(FieldError::invalid_raw(
            format!("{AT}.maxSurge"),
            &go_int_or_string(surge),
            "may not be set when maxUnavailable is non-zero",
        ));
    } else if !has_unavailable && !has_surge {
        errs.push(FieldError::required(
            format!("{AT}.maxUnavailable"),
            "cannot be 0 when maxSurge is 0",
        ));
    }
}

/// `ValidateDaemonSet`.
pub(crate) fn validate_daemon_set(ds: &DaemonSet) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&ds.metadata, &mut errs);
    let spec = ds.spec.clone().unwrap_or_default();
    // A missing selector is labels.Nothing(): it matches no template.
    let selector = given(&spec.selector);
    let parsed = match selector {
        None => Some(Selector::nothing()),
        Some(s) => Selector::from_label_selector(s).ok(),
    };
    if let Some(parsed) = parsed {
        let labels = spec
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.as_ref());
        selector_matches_labels(&parsed, labels, &mut errs);
    } else if let Some(s) = selector {
        errs.push(FieldError::invalid_raw(
            "spec.selector",
            &super::apps::go_selector(s),
            "invalid label selector",
        ));
    }
    if let Some(s) = selector.filter(|s| {
        s.match_labels.as_ref().map_or(0, |m| m.len())
            + s.match_expressions.as_ref().map_or(0, Vec::len)
            == 0
    }) {
        errs.push(FieldError::invalid_raw(
            "spec.selector",
            &super::apps::go_selector(s),
            "empty selector is invalid for daemonset",
        ));
    }
    workload_template(&spec.template, "DaemonSet", &mut errs);
    non_negative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        &mut errs,
    );
    let strategy = spec.update_strategy.unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or_default() {
        "OnDelete" => {}
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(FieldError::required(
                "spec.updateStrategy.rollingUpdate",
                "",
            )),
            Some(r) => rolling_update(r, &mut errs),
        },
        other => errs.push(FieldError::not_supported(
            "spec.updateStrategy",
            other,
            &["RollingUpdate", "OnDelete"],
        )),
    }
    if let Some(limit) = spec.revision_history_limit {
        non_negative(i64::from(limit), "spec.revisionHistoryLimit", &mut errs);
    }
    errs
}

/// The template generation a DaemonSet carries (1 for one created before apps/v1 kept
/// it).
pub(crate) fn template_generation(ds: &DaemonSet) -> Option<i64> {
    ds.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(TEMPLATE_GENERATION))
        .and_then(|g| g.parse().ok())
}

fn set_template_generation(ds: &mut DaemonSet, generation: i64) {
    ds.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(TEMPLATE_GENERATION.into(), generation.to_string());
}

/// `ValidateControllerRevision`.
fn validate_controller_revision(cr: &ControllerRevision) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&cr.metadata, &mut errs);
    if cr.data.is_none() {
        errs.push(FieldError::required("data", "data is mandatory"));
    }
    non_negative(cr.revision, "revision", &mut errs);
    errs
}

/// The DaemonSet REST strategy: the status reset on create and kept on update, the
/// template generation 1 on create and moved by a template change.
impl WorkloadStrategy for DaemonSet {
    type Spec = k8s_openapi::api::apps::v1::DaemonSetSpec;
    fn store(api: &mut ApiServer) -> &mut Store<Self> {
        &mut api.daemon_sets
    }
    fn spec(&self) -> Option<&Self::Spec> {
        self.spec.as_ref()
    }
    fn selector(spec: &Self::Spec) -> Option<&LabelSelector> {
        given(&spec.selector)
    }
    fn set_defaults(&mut self) {
        default_daemon_set(self);
    }
    fn validate(&self) -> Vec<FieldError> {
        validate_daemon_set(self)
    }
    fn reset_status(&mut self) {
        self.status = Some(DaemonSetStatus::default());
    }
    fn keep_status(&mut self, old: &Self) {
        self.status = old.status.clone();
    }
    fn prepare_for_create(&mut self) {
        set_template_generation(self, 1);
    }
    fn prepare_for_update(&mut self, old: &Self) {
        let template = |d: &DaemonSet| d.spec.as_ref().map(|s| s.template.clone());
        let changed = template(old) != template(self);
        let generation = template_generation(old).unwrap_or(1) + i64::from(changed);
        set_template_generation(self, generation);
    }
}

impl ApiServer {
    /// The daemon set controller's writes to a DaemonSet (status).
    pub(crate) fn update_daemon_set(&mut self, ds: DaemonSet) -> Result<&DaemonSet, ApiError> {
        self.replace(|a| &mut a.daemon_sets, "daemonsets", ds)
    }

    /// A ControllerRevision POST (a controller's snapshot, or a user's).
    pub fn create_controller_revision(
        &mut self,
        mut cr: ControllerRevision,
        now: SimTime,
    ) -> Result<&ControllerRevision, ApiError> {
        self.prepare_namespaced("ControllerRevision", &mut cr.metadata)?;
        let causes = validate_controller_revision(&cr);
        if !causes.is_empty() {
            return Err(invalid("ControllerRevision", &cr.metadata, causes));
        }
        self.insert(
            |a| &mut a.controller_revisions,
            "controllerrevisions",
            cr,
            now,
        )
    }

    /// A ControllerRevision PUT: its data is immutable.
    pub fn update_controller_revision(
        &mut self,
        mut cr: ControllerRevision,
    ) -> Result<&ControllerRevision, ApiError> {
        let (ns, name) = super::key_of(&cr.metadata);
        let Some(old) = self.controller_revisions.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "controllerrevisions.apps",
                name,
            });
        };
        let mut causes = validate_controller_revision(&cr);
        if old.data != cr.data {
            causes.push(FieldError::invalid_raw(
                "data",
                &cr.data.as_ref().map_or("null".into(), |d| d.0.to_string()),
                "field is immutable",
            ));
        }
        if !causes.is_empty() {
            return Err(invalid("ControllerRevision", &cr.metadata, causes));
        }
        keep_system_fields(&old.metadata, &mut cr.metadata, false);
        cr.metadata.generation = old.metadata.generation;
        self.replace(|a| &mut a.controller_revisions, "controllerrevisions", cr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(ds: &DaemonSet) -> Vec<String> {
        validate_daemon_set(ds)
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    fn daemon_set(json: serde_json::Value) -> DaemonSet {
        let mut ds: DaemonSet = crate::model::de::from_value(&json).expect("a DaemonSet");
        default_daemon_set(&mut ds);
        ds
    }

    #[test]
    fn defaults_and_validation() {
        let ds = daemon_set(serde_json::json!({
            "metadata": {"name": "x"},
            "spec": {
                "selector": {"matchLabels": {"app": "x"}},
                "template": {"metadata": {"labels": {"app": "x"}},
                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
            }
        }));
        let spec = ds.spec.clone().unwrap_or_default();
        let strategy = spec.update_strategy.unwrap_or_default();
        assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
        let r = strategy.rolling_update.unwrap_or_default();
        assert_eq!(r.max_unavailable, Some(IntOrString::Int(1)));
        assert_eq!(r.max_surge, Some(IntOrString::Int(0)));
        assert_eq!(spec.revision_history_limit, Some(10));
        assert!(messages(&ds).is_empty(), "{:?}", messages(&ds));

        let no_selector = daemon_set(serde_json::json!({
            "metadata": {"name": "x"},
            "spec": {"template": {"metadata": {"labels": {"app": "x"}},
                                  "spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "c", "image": "nginx"}]}}}
        }));
        assert_eq!(
            messages(&no_selector),
            [
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ]
        );

        let mut both = ds.clone();
        if let Some(r) = both
            .spec
            .as_mut()
            .and_then(|s| s.update_strategy.as_mut())
            .and_then(|s| s.rolling_update.as_mut())
        {
            r.max_surge = Some(IntOrString::String("10%".into()));
        }
        assert_eq!(
            messages(&both),
            ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"10%\"}: may not be set when maxUnavailable is non-zero"]
        );
    }
}
