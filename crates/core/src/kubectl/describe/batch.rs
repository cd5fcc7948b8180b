//! `kubectl describe` of Jobs and CronJobs (kubectl's `describeJob`,
//! `describeCronJob`, `describeJobTemplate`, `DescribePodTemplate`).

use super::pod::{containers, tolerations, volumes};
use super::writer::*;
use crate::clock::SimTime;
use crate::kubectl::workload_printers::format_label_selector;
use crate::model::{CronJob, Event, Job, ObjectMeta, Pod};
use k8s_openapi::api::core::v1::PodTemplateSpec;

/// `DescribePodTemplate`: the template's labels, annotations, containers, volumes,
/// node selector and tolerations, indented under `Pod Template:`.
pub(super) fn pod_template(w: &mut Writer, template: &PodTemplateSpec) {
    w.write(0, "Pod Template:\n");
    let meta = template.metadata.clone().unwrap_or_default();
    labels(w, "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations_titled(w, "  Annotations", meta.annotations.as_ref());
    }
    let spec = template.spec.clone().unwrap_or_default();
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Service Account:\t{sa}\n"));
    }
    // The containers' field references read the template's own metadata.
    let pod = Pod {
        metadata: ObjectMeta {
            labels: meta.labels.clone(),
            annotations: meta.annotations.clone(),
            ..Default::default()
        },
        spec: Some(spec.clone()),
        status: None,
    };
    if let Some(init) = spec.init_containers.as_deref().filter(|v| !v.is_empty()) {
        containers(w, "Init Containers", &pod, init, &[], "  ");
    }
    containers(w, "Containers", &pod, &spec.containers, &[], "  ");
    volumes(w, &pod, "  ");
    if let Some(pc) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels(w, "  Node-Selectors", spec.node_selector.as_ref());
    tolerations(w, &pod, "  Tolerations");
}

/// `printTemplate` of kubectl's history viewers: [`pod_template`] alone.
pub(crate) fn pod_template_text(template: &PodTemplateSpec) -> String {
    let mut w = Writer::new();
    pod_template(&mut w, template);
    w.finish()
}

/// `printController`: `Kind/name` of the controller reference.
fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// `kubectl describe job`.
pub fn job(job: &Job, job_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &job.metadata;
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    name_and_namespace(&mut w, meta);
    let selector = spec.selector.clone().unwrap_or_default();
    let selector = format_label_selector(&selector).replace("<none>", "");
    w.write(0, &format!("Selector:\t{selector}\n"));
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    if let Some(owner) = controlled_by(meta) {
        w.write(0, &format!("Controlled By:\t{owner}\n"));
    }
    if let Some(p) = spec.parallelism {
        w.write(0, &format!("Parallelism:\t{p}\n"));
    }
    match spec.completions {
        Some(c) => w.write(0, &format!("Completions:\t{c}\n")),
        None => w.write(0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = &spec.completion_mode {
        w.write(0, &format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(s) = spec.suspend {
        w.write(0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec.backoff_limit {
        w.write(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec.ttl_seconds_after_finished {
        w.write(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if let Some(t) = &status.start_time {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z(Some(t))));
    }
    if let Some(t) = &status.completion_time {
        w.write(0, &format!("Completed At:\t{}\n", rfc1123z(Some(t))));
    }
    if let (Some(start), Some(end)) = (&status.start_time, &status.completion_time) {
        let ms = SimTime::from_time(end).0 as i64 - SimTime::from_time(start).0 as i64;
        w.write(
            0,
            &format!(
                "Duration:\t{}\n",
                crate::kubectl::printers::human_duration(ms)
            ),
        );
    }
    if let Some(d) = spec.active_deadline_seconds {
        w.write(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    let (active, succeeded, failed) = (
        status.active.unwrap_or(0),
        status.succeeded.unwrap_or(0),
        status.failed.unwrap_or(0),
    );
    match status.ready {
        None => w.write(
            0,
            &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        ),
        Some(ready) => w.write(
            0,
            &format!(
                "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        let indexes = status.completed_indexes.clone().unwrap_or_default();
        w.write(
            0,
            &format!("Completed Indexes:\t{}\n", cap_indexes(&indexes, 50)),
        );
    }
    pod_template(&mut w, &spec.template);
    events(&mut w, job_events, now);
    w.finish()
}

/// `capIndexesListOrNone`: the list cut after the first comma past `soft_limit`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes
        .char_indices()
        .skip(soft_limit)
        .find(|(_, c)| *c == ',')
    {
        Some((i, _)) => format!("{}...", &indexes[..=i]),
        None => indexes.to_string(),
    }
}

/// `kubectl describe cronjob`.
pub fn cron_job(cj: &CronJob, cj_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    object_header(&mut w, &cj.metadata);
    w.write(0, &format!("Schedule:\t{}\n", spec.schedule));
    w.write(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            spec.concurrency_policy.as_deref().unwrap_or_default()
        ),
    );
    let suspend = spec
        .suspend
        .map_or("<unset>", |s| if s { "True" } else { "False" });
    w.write(0, &format!("Suspend:\t{suspend}\n"));
    let limit = |v: Option<i32>| v.map_or_else(|| "<unset>".to_string(), |v| v.to_string());
    w.write(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            limit(spec.successful_jobs_history_limit)
        ),
    );
    w.write(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            limit(spec.failed_jobs_history_limit)
        ),
    );
    let deadline = spec
        .starting_deadline_seconds
        .map_or_else(|| "<unset>".to_string(), |d| format!("{d}s"));
    w.write(0, &format!("Starting Deadline Seconds:\t{deadline}\n"));
    let job_spec = spec.job_template.spec.clone().unwrap_or_default();
    match &job_spec.selector {
        Some(s) => w.write(0, &format!("Selector:\t{}\n", format_label_selector(s))),
        None => w.write(0, "Selector:\t<unset>\n"),
    }
    w.write(
        0,
        &format!("Parallelism:\t{}\n", limit(job_spec.parallelism)),
    );
    w.write(
        0,
        &format!("Completions:\t{}\n", limit(job_spec.completions)),
    );
    if let Some(d) = job_spec.active_deadline_seconds {
        w.write(0, &format!("Active Deadline Seconds:\t{d}s\n"));
    }
    pod_template(&mut w, &job_spec.template);
    match &status.last_schedule_time {
        Some(t) => w.write(0, &format!("Last Schedule Time:\t{}\n", rfc1123z(Some(t)))),
        None => w.write(0, "Last Schedule Time:\t<unset>\n"),
    }
    let active: Vec<String> = status
        .active
        .iter()
        .flatten()
        .filter_map(|r| r.name.clone())
        .collect();
    w.write(
        0,
        &format!(
            "Active Jobs:\t{}\n",
            if active.is_empty() {
                "<none>".into()
            } else {
                active.join(", ")
            }
        ),
    );
    events(&mut w, cj_events, now);
    w.finish()
}
