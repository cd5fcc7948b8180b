//! kubectl's table columns for the apps/v1 and batch/v1 workloads
//! (pkg/printers/internalversion: `printDeployment`, `printReplicaSet`,
//! `printDaemonSet`, `printStatefulSet`, `printControllerRevision`, `printJob`,
//! `printCronJob`).

use super::printers::{age, human_duration};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{
    ControllerRevision, CronJob, DaemonSet, Deployment, Job, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub(super) const DEPLOYMENT: &[&str] = &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
pub(super) const REPLICASET: &[&str] = &["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
pub(super) const DAEMONSET: &[&str] = &[
    "NAME",
    "DESIRED",
    "CURRENT",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "NODE SELECTOR",
    "AGE",
];
pub(super) const STATEFULSET: &[&str] = &["NAME", "READY", "AGE"];
pub(super) const CONTROLLERREVISION: &[&str] = &["NAME", "CONTROLLER", "REVISION", "AGE"];
pub(super) const JOB: &[&str] = &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"];
pub(super) const CRONJOB: &[&str] = &[
    "NAME",
    "SCHEDULE",
    "TIMEZONE",
    "SUSPEND",
    "ACTIVE",
    "LAST SCHEDULE",
    "AGE",
];
/// What `-o wide` adds to each.
pub(super) const WIDE: &[&str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

/// `metav1.FormatLabelSelector`: the selector as `labels.Selector.String()` writes it
/// (requirements sorted by key), `<none>` when it selects everything.
pub(crate) fn format_label_selector(s: &LabelSelector) -> String {
    let Ok(selector) = Selector::from_label_selector(s) else {
        return "<error>".into();
    };
    let mut parts: Vec<(String, String)> = selector
        .0
        .iter()
        .map(|r| {
            use crate::model::labels::Requirement as R;
            match r {
                R::Equals(k, v) => (k.clone(), format!("{k}={v}")),
                R::NotEquals(k, v) => (k.clone(), format!("{k}!={v}")),
                R::In(k, vs) => (k.clone(), format!("{k} in ({})", sorted(vs))),
                R::NotIn(k, vs) => (k.clone(), format!("{k} notin ({})", sorted(vs))),
                R::Exists(k) => (k.clone(), k.clone()),
                R::DoesNotExist(k) => (k.clone(), format!("!{k}")),
            }
        })
        .collect();
    crate::sort::sort_by(&mut parts, |a, b| a.0.cmp(&b.0));
    if parts.is_empty() {
        return "<none>".into();
    }
    parts
        .into_iter()
        .map(|(_, p)| p)
        .collect::<Vec<_>>()
        .join(",")
}

fn sorted(values: &[String]) -> String {
    let mut v = values.to_vec();
    crate::sort::sort(&mut v);
    v.join(",")
}

/// CONTAINERS, IMAGES and SELECTOR (`-o wide`).
fn wide(template: Option<&PodTemplateSpec>, selector: &LabelSelector) -> [String; 3] {
    let containers = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or_default())
        .collect();
    [
        names.join(","),
        images.join(","),
        format_label_selector(selector),
    ]
}

/// READY (`ready/desired`), UP-TO-DATE, AVAILABLE, then `-o wide`'s columns.
pub(super) fn deployment(
    d: &Deployment,
    name: String,
    age: String,
    with_wide: bool,
) -> Vec<String> {
    let spec = d.spec.as_ref();
    let status = d.status.clone().unwrap_or_default();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(0);
    let mut row = vec![
        name,
        format!("{}/{desired}", status.ready_replicas.unwrap_or(0)),
        status.updated_replicas.unwrap_or(0).to_string(),
        status.available_replicas.unwrap_or(0).to_string(),
        age,
    ];
    if with_wide {
        let selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
        row.extend(wide(spec.map(|s| &s.template), &selector));
    }
    row
}

/// DESIRED, CURRENT, READY, then `-o wide`'s columns.
pub(super) fn replica_set(
    rs: &ReplicaSet,
    name: String,
    age: String,
    with_wide: bool,
) -> Vec<String> {
    let spec = rs.spec.as_ref();
    let status = rs.status.clone().unwrap_or_default();
    let mut row = vec![
        name,
        spec.and_then(|s| s.replicas).unwrap_or(0).to_string(),
        status.replicas.to_string(),
        status.ready_replicas.unwrap_or(0).to_string(),
        age,
    ];
    if with_wide {
        let selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
        row.extend(wide(spec.and_then(|s| s.template.as_ref()), &selector));
    }
    row
}

/// Whether a Job has a condition of this type with status True (`hasJobCondition`).
pub(crate) fn job_condition(job: &Job, type_: &str) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == type_ && c.status == "True"))
}

/// STATUS (the first of Complete, Failed, Terminating, Suspended, FailureTarget,
/// SuccessCriteriaMet that holds, else Running), COMPLETIONS (`succeeded/completions`,
/// or `n/1` and `n/1 of P` without completions), DURATION (start to completion, or
/// to now), AGE, then `-o wide`'s columns.
pub(super) fn job(
    j: &Job,
    name: String,
    created: String,
    with_wide: bool,
    now: SimTime,
) -> Vec<String> {
    let spec = j.spec.clone().unwrap_or_default();
    let status = j.status.clone().unwrap_or_default();
    let succeeded = status.succeeded.unwrap_or(0);
    let completions = match (spec.completions, spec.parallelism.unwrap_or(0)) {
        (Some(c), _) => format!("{succeeded}/{c}"),
        (None, p) if p > 1 => format!("{succeeded}/1 of {p}"),
        (None, _) => format!("{succeeded}/1"),
    };
    let duration = match (&status.start_time, &status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => age(Some(start), now),
        (Some(start), Some(end)) => {
            human_duration(SimTime::from_time(end).0 as i64 - SimTime::from_time(start).0 as i64)
        }
    };
    let state = if job_condition(j, "Complete") {
        "Complete"
    } else if job_condition(j, "Failed") {
        "Failed"
    } else if j.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if job_condition(j, "Suspended") {
        "Suspended"
    } else if job_condition(j, "FailureTarget") {
        "FailureTarget"
    } else if job_condition(j, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let mut row = vec![name, state.into(), completions, duration, created];
    if with_wide {
        let selector = spec.selector.clone().unwrap_or_default();
        row.extend(wide(Some(&spec.template), &selector));
    }
    row
}

/// SCHEDULE, TIMEZONE, SUSPEND, ACTIVE (how many Jobs it runs), LAST SCHEDULE, AGE,
/// then `-o wide`'s columns (the job template's).
pub(super) fn cron_job(
    cj: &CronJob,
    name: String,
    created: String,
    with_wide: bool,
    now: SimTime,
) -> Vec<String> {
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    let last = status
        .last_schedule_time
        .as_ref()
        .map_or_else(|| "<none>".to_string(), |t| age(Some(t), now));
    let suspend = spec.suspend.map_or_else(
        || "<unset>".to_string(),
        |s| if s { "True" } else { "False" }.into(),
    );
    let mut row = vec![
        name,
        spec.schedule.clone(),
        spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
        suspend,
        status.active.as_ref().map_or(0, Vec::len).to_string(),
        last,
        created,
    ];
    if with_wide {
        let job_spec = spec.job_template.spec.clone().unwrap_or_default();
        let selector = job_spec.selector.clone().unwrap_or_default();
        row.extend(wide(Some(&job_spec.template), &selector));
    }
    row
}

/// DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR (`labels.FormatLabels`
/// of the template's nodeSelector), then `-o wide`'s columns.
pub(super) fn daemon_set(
    ds: &DaemonSet,
    name: String,
    age: String,
    with_wide: bool,
) -> Vec<String> {
    let spec = ds.spec.as_ref();
    let status = ds.status.clone().unwrap_or_default();
    let node_selector = spec
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.node_selector.as_ref())
        .filter(|m| !m.is_empty())
        .map_or_else(
            || "<none>".to_string(),
            |m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            },
        );
    let mut row = vec![
        name,
        status.desired_number_scheduled.to_string(),
        status.current_number_scheduled.to_string(),
        status.number_ready.to_string(),
        status.updated_number_scheduled.unwrap_or(0).to_string(),
        status.number_available.unwrap_or(0).to_string(),
        node_selector,
        age,
    ];
    if with_wide {
        let selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
        row.extend(wide(spec.map(|s| &s.template), &selector));
    }
    row
}

/// READY (`ready/desired`); `-o wide` adds CONTAINERS and IMAGES (no SELECTOR).
pub(super) fn stateful_set(
    set: &StatefulSet,
    name: String,
    age: String,
    with_wide: bool,
) -> Vec<String> {
    let spec = set.spec.as_ref();
    let ready = set
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    let desired = spec.and_then(|s| s.replicas).unwrap_or(0);
    let mut row = vec![name, format!("{ready}/{desired}"), age];
    if with_wide {
        let selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
        let [containers, images, _] = wide(spec.map(|s| &s.template), &selector);
        row.extend([containers, images]);
    }
    row
}

/// CONTROLLER (`daemonset.apps/NAME`, `<none>`) and REVISION.
pub(super) fn controller_revision(
    cr: &ControllerRevision,
    name: String,
    age: String,
) -> Vec<String> {
    let controller = crate::controllers::replicaset::controller_of(&cr.metadata).map_or_else(
        || "<none>".to_string(),
        |r| {
            let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            let kind = if group.is_empty() {
                r.kind.clone()
            } else {
                format!("{}.{group}", r.kind)
            };
            format!("{}/{}", kind.to_lowercase(), r.name)
        },
    );
    vec![name, controller, cr.revision.to_string(), age]
}
