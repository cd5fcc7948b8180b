//! batch/v1 Jobs and CronJobs as the API server serves them: defaults (`SetDefaults_Job`,
//! `SetDefaults_CronJob`, the templates' `SetDefaults_PodSpec`), the Job strategy's
//! generated selector and labels, validation with `ValidateJob`'s and
//! `ValidateCronJob`'s messages (a Job's pods restart OnFailure or Never, a schedule
//! robfig/cron parses, the immutable selector and template), and create and update.

use super::apps::{
    default_template, invalid, keep_system_fields, name_and_meta, non_negative, pod_template,
    selector_matches, WorkloadStrategy,
};
use super::error::{ApiError, FieldError};
use super::job_policies;
use super::{ApiServer, Uids};
use crate::clock::SimTime;
use crate::model::{cron, CronJob, Job};
use k8s_openapi::api::batch::v1::{CronJobStatus, JobSpec, JobStatus, UncountedTerminatedPods};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// The label a Job's generated selector matches (batch.ControllerUidLabel).
const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
/// The label naming a pod's Job (batch.JobNameLabel).
const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
/// The legacy labels the strategy still writes beside them.
const LEGACY_UID_LABEL: &str = "controller-uid";
const LEGACY_NAME_LABEL: &str = "job-name";

/// `SetDefaults_Job`: one completion and a parallelism of one when neither is given,
/// a back-off limit of 6, NonIndexed, not suspended, failed pods replaced once
/// terminating (or once failed, under a pod failure policy), the conditions of its
/// pod failure policy True unless said; the template as a pod spec.
fn default_job_spec(spec: &mut JobSpec) {
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    let per_index = spec.backoff_limit_per_index.is_some();
    spec.backoff_limit
        .get_or_insert(if per_index { i32::MAX } else { 6 });
    spec.completion_mode
        .get_or_insert_with(|| "NonIndexed".into());
    spec.suspend.get_or_insert(false);
    if let Some(policy) = spec.pod_failure_policy.as_mut() {
        for rule in &mut policy.rules {
            for pattern in rule.on_pod_conditions.iter_mut().flatten() {
                if pattern.status.is_empty() {
                    pattern.status = "True".into();
                }
            }
        }
    }
    let replacement = if spec.pod_failure_policy.is_some() {
        "Failed"
    } else {
        "TerminatingOrFailed"
    };
    spec.pod_replacement_policy
        .get_or_insert_with(|| replacement.into());
    default_template(&mut spec.template);
}

fn default_job(job: &mut Job) {
    let spec = job.spec.get_or_insert_with(Default::default);
    default_job_spec(spec);
    // A Job without labels of its own takes its template's.
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    if job.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) && labels.is_some() {
        job.metadata.labels = labels;
    }
}

/// `SetDefaults_CronJob`: Allow, not suspended, three successful and one failed Job
/// kept; the job template's pod template as a pod spec.
fn default_cron_job(cj: &mut CronJob) {
    let spec = cj.spec.get_or_insert_with(Default::default);
    spec.concurrency_policy
        .get_or_insert_with(|| "Allow".into());
    spec.suspend.get_or_insert(false);
    spec.successful_jobs_history_limit.get_or_insert(3);
    spec.failed_jobs_history_limit.get_or_insert(1);
    // SetObjectDefaults_CronJob reaches the pod template, not SetDefaults_Job.
    if let Some(job_spec) = spec.job_template.spec.as_mut() {
        default_template(&mut job_spec.template);
    }
}

/// The Job strategy's `generateSelector`: unless `manualSelector`, the selector is
/// the Job's uid and the template carries the uid and name labels (kube's and the
/// legacy ones); the Job's own labels, when it had none, are the template's.
fn generate_selector(job: &mut Job) {
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let name = job.metadata.name.clone().unwrap_or_default();
    let had_labels = job
        .metadata
        .labels
        .as_ref()
        .is_some_and(|l| !l.is_empty() && Some(l) != template_labels(job));
    let Some(spec) = job.spec.as_mut() else {
        return;
    };
    if spec.manual_selector == Some(true) {
        return;
    }
    spec.manual_selector = Some(false);
    let labels = spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(BTreeMap::new);
    for (key, value) in [
        (CONTROLLER_UID_LABEL, &uid),
        (JOB_NAME_LABEL, &name),
        (LEGACY_UID_LABEL, &uid),
        (LEGACY_NAME_LABEL, &name),
    ] {
        labels.insert(key.to_string(), value.clone());
    }
    let labels = labels.clone();
    let mut match_labels = BTreeMap::new();
    match_labels.insert(CONTROLLER_UID_LABEL.to_string(), uid);
    spec.selector = Some(LabelSelector {
        match_labels: Some(match_labels),
        match_expressions: None,
    });
    if !had_labels {
        job.metadata.labels = Some(labels);
    }
}

fn template_labels(job: &Job) -> Option<&BTreeMap<String, String>> {
    job.spec
        .as_ref()?
        .template
        .metadata
        .as_ref()?
        .labels
        .as_ref()
}

/// `validateJobSpec` under `path` (`spec`, `spec.jobTemplate.spec`); the selector
/// only when `selector` (a CronJob's template has none until its Jobs are made).
fn validate_job_spec(spec: &JobSpec, path: &str, selector: bool, errs: &mut Vec<FieldError>) {
    let field = |f: &str| format!("{path}.{f}");
    for (name, value) in [
        ("parallelism", spec.parallelism),
        ("completions", spec.completions),
        ("backoffLimit", spec.backoff_limit),
        ("ttlSecondsAfterFinished", spec.ttl_seconds_after_finished),
    ] {
        if let Some(v) = value {
            non_negative(i64::from(v), &field(name), errs);
        }
    }
    if let Some(v) = spec.active_deadline_seconds.filter(|v| *v <= 0) {
        errs.push(FieldError::invalid_int(
            field("activeDeadlineSeconds"),
            v,
            "must be greater than 0",
        ));
    }
    if let Some(v) = spec.backoff_limit_per_index {
        non_negative(i64::from(v), &field("backoffLimitPerIndex"), errs);
    }
    if let Some(v) = spec.max_failed_indexes {
        non_negative(i64::from(v), &field("maxFailedIndexes"), errs);
        if spec.backoff_limit_per_index.is_none() {
            errs.push(FieldError::required(
                field("backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            ));
        }
    }
    let mode = spec.completion_mode.as_deref().unwrap_or("NonIndexed");
    match mode {
        "NonIndexed" => {}
        "Indexed" => {
            if spec.completions.is_none() {
                errs.push(FieldError::required(
                    field("completions"),
                    "when completion mode is Indexed",
                ));
            }
            // maxParallelismForIndexedJob.
            if let Some(v) = spec.parallelism.filter(|v| *v > 100_000) {
                errs.push(FieldError::invalid_int(
                    field("parallelism"),
                    i64::from(v),
                    "must be less than or equal to 100000 when completion mode is Indexed",
                ));
            }
            per_index_limits(spec, &field, errs);
        }
        other => errs.push(FieldError::not_supported(
            field("completionMode"),
            other,
            &["NonIndexed", "Indexed"],
        )),
    }
    if mode != "Indexed" {
        for (name, value) in [
            ("backoffLimitPerIndex", spec.backoff_limit_per_index),
            ("maxFailedIndexes", spec.max_failed_indexes),
        ] {
            if let Some(v) = value {
                errs.push(FieldError::invalid_int(
                    field(name),
                    i64::from(v),
                    "requires indexed completion mode",
                ));
            }
        }
    }
    if let Some(policy) = &spec.pod_failure_policy {
        job_policies::pod_failure_policy(spec, policy, &field("podFailurePolicy"), errs);
    }
    if let Some(policy) = &spec.success_policy {
        if mode == "Indexed" {
            job_policies::success_policy(policy, spec.completions, &field("successPolicy"), errs);
        } else {
            errs.push(FieldError::invalid_raw(
                field("successPolicy"),
                "batch.SuccessPolicy{...}",
                "requires indexed completion mode",
            ));
        }
    }
    // validatePodReplacementPolicy: only Failed under a pod failure policy.
    if let Some(policy) = spec.pod_replacement_policy.as_deref() {
        let supported: &[&str] = if spec.pod_failure_policy.is_some() {
            &["Failed"]
        } else {
            &["Failed", "TerminatingOrFailed"]
        };
        if !supported.contains(&policy) {
            errs.push(FieldError::not_supported(
                field("podReplacementPolicy"),
                policy,
                supported,
            ));
        }
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    if selector {
        let given = spec.selector.as_ref();
        selector_matches(given, labels, "job", true, errs);
    }
    pod_template(&spec.template, &field("template"), errs);
    let restart = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    if restart == "Always" || restart.is_empty() {
        errs.push(FieldError::required(
            field("template.spec.restartPolicy"),
            r#"valid values: "OnFailure", "Never""#,
        ));
    } else if restart != "OnFailure" && restart != "Never" {
        errs.push(FieldError::not_supported(
            field("template.spec.restartPolicy"),
            restart,
            &["OnFailure", "Never"],
        ));
    } else if spec.pod_failure_policy.is_some() && restart != "Never" {
        errs.push(FieldError::invalid(
            field("template.spec.restartPolicy"),
            restart,
            r#"only "Never" is supported when podFailurePolicy is specified"#,
        ));
    }
}

/// The limits of an Indexed Job with a back-off limit per index: maxFailedIndexes at
/// most the completions and 100000; above 100000 completions (completionsSoftLimit)
/// maxFailedIndexes is required and it and the parallelism are at most 10000.
fn per_index_limits(spec: &JobSpec, field: &dyn Fn(&str) -> String, errs: &mut Vec<FieldError>) {
    if let (Some(c), Some(m)) = (spec.completions, spec.max_failed_indexes) {
        if m > c {
            errs.push(FieldError::invalid_int(
                field("maxFailedIndexes"),
                i64::from(m),
                "must be less than or equal to completions",
            ));
        }
    }
    if let Some(m) = spec.max_failed_indexes.filter(|m| *m > 100_000) {
        errs.push(FieldError::invalid_int(
            field("maxFailedIndexes"),
            i64::from(m),
            "must be less than or equal to 100000",
        ));
    }
    if spec.completions.is_some_and(|c| c > 100_000) && spec.backoff_limit_per_index.is_some() {
        const HIGH: &str =
            "must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index";
        if spec.max_failed_indexes.is_none() {
            errs.push(FieldError::required(
                field("maxFailedIndexes"),
                "must be specified when completions is above 100000",
            ));
        }
        if let Some(p) = spec.parallelism.filter(|p| *p > 10_000) {
            errs.push(FieldError::invalid_int(
                field("parallelism"),
                i64::from(p),
                HIGH,
            ));
        }
        if let Some(m) = spec.max_failed_indexes.filter(|m| *m > 10_000) {
            errs.push(FieldError::invalid_int(
                field("maxFailedIndexes"),
                i64::from(m),
                HIGH,
            ));
        }
    }
}

/// `ValidateJob`.
pub(crate) fn validate_job(job: &Job) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&job.metadata, &mut errs);
    match &job.spec {
        Some(spec) => validate_job_spec(spec, "spec", true, &mut errs),
        None => errs.push(FieldError::required("spec.selector", "")),
    }
    // An Indexed Job's pods are named NAME-INDEX, their hostname too: the last index's
    // must be a DNS label.
    let spec = job.spec.as_ref();
    let indexed = spec.and_then(|s| s.completion_mode.as_deref()) == Some("Indexed");
    if let Some(completions) = spec
        .and_then(|s| s.completions)
        .filter(|c| indexed && *c > 0)
    {
        let name = job.metadata.name.as_deref().unwrap_or_default();
        let hostname = format!("{name}-{}", completions - 1);
        if crate::model::meta::validate_dns1123_label(&hostname).is_err() {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                &format!("will not able to create pod with invalid DNS label: {hostname}"),
            ));
        }
    }
    errs
}

/// `ValidateCronJob` (for a create: the schedule may not name a TZ).
pub(crate) fn validate_cron_job(cj: &CronJob) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&cj.metadata, &mut errs);
    let name = cj.metadata.name.as_deref().unwrap_or_default();
    if name.len() > 52 {
        errs.push(FieldError::invalid(
            "metadata.name",
            name,
            "must be no more than 52 characters",
        ));
    }
    let spec = cj.spec.clone().unwrap_or_default();
    if spec.schedule.is_empty() {
        errs.push(FieldError::required("spec.schedule", ""));
    } else {
        if let Err(e) = cron::parse(&spec.schedule) {
            errs.push(FieldError::invalid("spec.schedule", &spec.schedule, &e.0));
        }
        if spec.schedule.contains("TZ") {
            errs.push(FieldError::invalid(
                "spec.schedule",
                &spec.schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    match spec.concurrency_policy.as_deref() {
        Some("Allow" | "Forbid" | "Replace") => {}
        Some(other) => errs.push(FieldError::not_supported(
            "spec.concurrencyPolicy",
            other,
            &["Allow", "Forbid", "Replace"],
        )),
        None => errs.push(FieldError::required("spec.concurrencyPolicy", "")),
    }
    if let Some(v) = spec.starting_deadline_seconds {
        non_negative(v, "spec.startingDeadlineSeconds", &mut errs);
    }
    for (field, value) in [
        (
            "spec.successfulJobsHistoryLimit",
            spec.successful_jobs_history_limit,
        ),
        (
            "spec.failedJobsHistoryLimit",
            spec.failed_jobs_history_limit,
        ),
    ] {
        if let Some(v) = value {
            non_negative(i64::from(v), field, &mut errs);
        }
    }
    if let Some(zone) = &spec.time_zone {
        if zone.is_empty() {
            errs.push(FieldError::invalid(
                "spec.timeZone",
                zone,
                "timeZone must be nil or non-empty string",
            ));
        } else if let Err(e) = cron::zone_offset(zone) {
            errs.push(FieldError::invalid("spec.timeZone", zone, &e.0));
        }
    }
    match &spec.job_template.spec {
        Some(job_spec) => validate_job_spec(job_spec, "spec.jobTemplate.spec", false, &mut errs),
        None => errs.push(FieldError::required(
            "spec.jobTemplate.spec.template.spec.containers",
            "",
        )),
    }
    errs
}

/// A PUT may not change a Job's selector, template (in full: Podlab does not let a
/// suspended Job's scheduling directives change), completion mode or pod failure
/// policy; the API server shows the rejected value as Go prints it, abbreviated here.
fn job_immutable(old: &JobSpec, new: &JobSpec, errs: &mut Vec<FieldError>) {
    if old.selector != new.selector {
        errs.push(FieldError::invalid_raw(
            "spec.selector",
            &new.selector
                .as_ref()
                .map_or_else(|| "nil".into(), super::apps::go_selector),
            "field is immutable",
        ));
    }
    if old.template != new.template {
        errs.push(FieldError::invalid_raw(
            "spec.template",
            "core.PodTemplateSpec{...}",
            "field is immutable",
        ));
    }
    if old.completion_mode != new.completion_mode {
        errs.push(FieldError::invalid(
            "spec.completionMode",
            new.completion_mode.as_deref().unwrap_or_default(),
            "field is immutable",
        ));
    }
    if old.pod_failure_policy != new.pod_failure_policy {
        errs.push(FieldError::invalid_raw(
            "spec.podFailurePolicy",
            "batch.PodFailurePolicy{...}",
            "field is immutable",
        ));
    }
    if old.backoff_limit_per_index != new.backoff_limit_per_index {
        errs.push(FieldError::invalid_raw(
            "spec.backoffLimitPerIndex",
            &new.backoff_limit_per_index
                .map_or_else(|| "null".into(), |c| c.to_string()),
            "field is immutable",
        ));
    }
    if old.success_policy != new.success_policy {
        errs.push(FieldError::invalid_raw(
            "spec.successPolicy",
            "batch.SuccessPolicy{...}",
            "field is immutable",
        ));
    }
    if old.completions != new.completions {
        errs.push(FieldError::invalid_raw(
            "spec.completions",
            &new.completions
                .map_or_else(|| "null".into(), |c| c.to_string()),
            "field is immutable",
        ));
    }
}

impl ApiServer {
    /// A Job POST: defaults, the generated selector and labels, validation, an empty
    /// status.
    pub fn create_job(&mut self, mut job: Job, now: SimTime) -> Result<&Job, ApiError> {
        self.prepare_namespaced("Job", &mut job.metadata)?;
        default_job(&mut job);
        job.metadata.uid = Some(self.new_uid());
        generate_selector(&mut job);
        let causes = validate_job(&job);
        if !causes.is_empty() {
            return Err(invalid("Job", &job.metadata, causes));
        }
        job.metadata.generation = Some(1);
        job.status = Some(JobStatus::default());
        self.insert_with(|a| &mut a.jobs, "jobs", job, now, Uids::Preset)
    }

    /// A user's PUT of a Job: validated as on create, with the immutable fields.
    pub fn update_job_by_user(&mut self, mut job: Job) -> Result<&Job, ApiError> {
        let (ns, name) = super::key_of(&job.metadata);
        let Some(old) = self.jobs.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "jobs",
                name,
            });
        };
        default_job(&mut job);
        let mut causes = validate_job(&job);
        if let (Some(o), Some(n)) = (&old.spec, &job.spec) {
            job_immutable(o, n, &mut causes);
        }
        if !causes.is_empty() {
            return Err(invalid("Job", &job.metadata, causes));
        }
        keep_system_fields(&old.metadata, &mut job.metadata, old.spec != job.spec);
        job.status = old.status.clone();
        self.replace(|a| &mut a.jobs, "jobs", job)
    }

    /// The job controller's writes to a Job (status).
    pub(crate) fn update_job(&mut self, job: Job) -> Result<&Job, ApiError> {
        self.replace(|a| &mut a.jobs, "jobs", job)
    }

    /// The cronjob controller's writes to a CronJob (status).
    pub(crate) fn update_cron_job(&mut self, cj: CronJob) -> Result<&CronJob, ApiError> {
        self.replace(|a| &mut a.cron_jobs, "cronjobs", cj)
    }
}

/// A CronJob is served as the other workloads are: defaults, validation, an empty
/// status on create, the stored status kept over a user's.
impl WorkloadStrategy for CronJob {
    type Spec = k8s_openapi::api::batch::v1::CronJobSpec;
    fn store(api: &mut ApiServer) -> &mut super::Store<Self> {
        &mut api.cron_jobs
    }
    fn spec(&self) -> Option<&Self::Spec> {
        self.spec.as_ref()
    }
    fn selector(_: &Self::Spec) -> Option<&LabelSelector> {
        None
    }
    fn set_defaults(&mut self) {
        default_cron_job(self);
    }
    fn validate(&self) -> Vec<FieldError> {
        validate_cron_job(self)
    }
    fn reset_status(&mut self) {
        self.status = Some(CronJobStatus::default());
    }
    fn keep_status(&mut self, old: &Self) {
        self.status = old.status.clone();
    }
}

/// A Job's status as the job controller first writes it (`uncountedTerminatedPods`
/// empty, nothing ready or terminating).
pub(crate) fn initial_job_status() -> JobStatus {
    JobStatus {
        ready: Some(0),
        terminating: Some(0),
        uncounted_terminated_pods: Some(UncountedTerminatedPods::default()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::SuccessPolicy;
    use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};

    fn job(restart: Option<&str>) -> Job {
        Job {
            metadata: crate::model::ObjectMeta {
                name: Some("pi".into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(JobSpec {
                template: PodTemplateSpec {
                    metadata: None,
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "pi".into(),
                            image: Some("busybox".into()),
                            ..Default::default()
                        }],
                        restart_policy: restart.map(Into::into),
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn defaults_and_generated_selector() {
        let mut api = ApiServer::new(1, SimTime(0));
        let created = api
            .create_job(job(Some("Never")), SimTime(0))
            .unwrap()
            .clone();
        let spec = created.spec.unwrap();
        let uid = created.metadata.uid.unwrap();
        assert_eq!(spec.completions, Some(1));
        assert_eq!(spec.parallelism, Some(1));
        assert_eq!(spec.backoff_limit, Some(6));
        assert_eq!(spec.completion_mode.as_deref(), Some("NonIndexed"));
        assert_eq!(
            spec.pod_replacement_policy.as_deref(),
            Some("TerminatingOrFailed")
        );
        assert_eq!(spec.manual_selector, Some(false));
        let selector = spec.selector.unwrap().match_labels.unwrap();
        assert_eq!(selector.get(CONTROLLER_UID_LABEL), Some(&uid));
        let labels = created.metadata.labels.unwrap();
        assert_eq!(labels.get("job-name").map(String::as_str), Some("pi"));
        assert_eq!(labels.len(), 4);
    }

    /// `ValidateJob`: an Indexed Job's last pod's hostname (NAME-INDEX) must be a DNS
    /// label, 63 characters at most.
    #[test]
    fn an_indexed_jobs_last_hostname_is_a_dns_label() {
        let name = "a".repeat(61);
        let refused = format!("metadata.name: Invalid value: \"{name}\": will not able to create pod with invalid DNS label: {name}-10");
        for (completions, want) in [(10, None), (11, Some(refused))] {
            let mut j = job(Some("Never"));
            j.metadata.name = Some(name.clone());
            if let Some(spec) = j.spec.as_mut() {
                spec.completion_mode = Some("Indexed".into());
                spec.completions = Some(completions);
            }
            let mut api = ApiServer::new(1, SimTime(0));
            let got = match api.create_job(j, SimTime(0)) {
                Ok(_) => None,
                Err(ApiError::Invalid { causes, .. }) => Some(
                    causes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Err(e) => Some(e.to_string()),
            };
            assert_eq!(got, want, "{completions}");
        }
    }

    #[test]
    fn restart_policy_must_be_on_failure_or_never() {
        let mut api = ApiServer::new(1, SimTime(0));
        let err = api.create_job(job(None), SimTime(0)).unwrap_err();
        assert!(
            err.to_string()
                .contains("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
            "{err}"
        );
    }

    /// `validateJobSpec`'s rules for Indexed Jobs with a back-off limit per index and
    /// success policies, one spec change per row, with the one error it brings.
    #[test]
    fn indexed_job_validation() {
        type Change = fn(&mut JobSpec);
        let cases: &[(&str, Change, Option<&str>)] = &[
            ("a valid per-index Job", |_| {}, None),
            (
                "maxFailedIndexes above completions",
                |s| s.max_failed_indexes = Some(11),
                Some("spec.maxFailedIndexes: Invalid value: 11: must be less than or equal to completions"),
            ),
            (
                "completions above 100000 need maxFailedIndexes",
                |s| {
                    s.completions = Some(200_000);
                    s.max_failed_indexes = None;
                },
                Some("spec.maxFailedIndexes: Required value: must be specified when completions is above 100000"),
            ),
            (
                "and at most 10000 pods at once",
                |s| {
                    s.completions = Some(200_000);
                    s.parallelism = Some(20_000);
                },
                Some("spec.parallelism: Invalid value: 20000: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index"),
            ),
            (
                "NonIndexed",
                |s| s.completion_mode = Some("NonIndexed".into()),
                Some("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"),
            ),
            (
                "a success policy without rules",
                |s| s.success_policy = Some(SuccessPolicy { rules: vec![] }),
                Some("spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified"),
            ),
            (
                "an interval of three parts",
                |s| {
                    s.success_policy = Some(SuccessPolicy {
                        rules: vec![k8s_openapi::api::batch::v1::SuccessPolicyRule {
                            succeeded_indexes: Some("1-2-3".into()),
                            succeeded_count: None,
                        }],
                    })
                },
                Some("spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"1-2-3\": error parsing succeededIndexes: the fragment \"1-2-3\" violates the requirement that an index interval can have at most two parts separated by '-'"),
            ),
        ];
        for (name, change, want) in cases {
            let mut j = job(Some("Never"));
            if let Some(spec) = j.spec.as_mut() {
                spec.completion_mode = Some("Indexed".into());
                spec.completions = Some(10);
                spec.parallelism = Some(2);
                spec.backoff_limit_per_index = Some(1);
                spec.max_failed_indexes = Some(3);
                change(spec);
            }
            let mut api = ApiServer::new(1, SimTime(0));
            match (api.create_job(j, SimTime(0)), want) {
                (Ok(_), None) => {}
                (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (Ok(_), Some(w)) => panic!("{name}: accepted, want {w}"),
                (Err(e), None) => panic!("{name}: {e}"),
            }
        }
    }
}
