//! The inspector for a workload: a Deployment's ReplicaSets, revision history and
//! rollout status; a ReplicaSet's replicas; a DaemonSet's and a StatefulSet's counts;
//! a Job's completions; a CronJob's schedule, last and next run. Each shows the
//! workload's conditions, pods and events. Every figure is read from the objects'
//! status (what `kubectl get` and `kubectl describe` print), on the simulated clock.

use super::{
    close_button, conditions, events_table, gone, on_escape, section, table, text, Ctx, Msg,
};
use crate::common::{clock_text, Workload};
use crate::owners::{controller_of, meta_of, owner_of};
use podlab_core::clock::SimTime;
use podlab_core::kubectl::Rollout;
use podlab_core::model::{
    CronJob, DaemonSet, Deployment, Job, ObjectMeta, ReplicaSet, StatefulSet,
};
use yew::prelude::*;

/// The annotation a Deployment's ReplicaSet carries its revision in.
const REVISION: &str = "deployment.kubernetes.io/revision";
/// The annotation a revision's cause is read from (`kubectl rollout history`).
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

pub(super) fn workload_inspector(app: &Ctx, w: &Workload) -> Html {
    let Some(meta) = meta_of(app.cluster, w) else {
        return gone(&w.label(), app);
    };
    let api = app.cluster.api();
    let (ns, name) = (w.namespace.as_str(), w.name.as_str());
    let body = match w.kind.as_str() {
        "Deployment" => api.deployments.get(ns, name).map(|d| deployment(app, d)),
        "ReplicaSet" => api.replica_sets.get(ns, name).map(replica_set),
        "DaemonSet" => api.daemon_sets.get(ns, name).map(|d| daemon_set(app, d)),
        "StatefulSet" => api
            .stateful_sets
            .get(ns, name)
            .map(|s| stateful_set(app, s)),
        "Job" => api.jobs.get(ns, name).map(job),
        "CronJob" => api.cron_jobs.get(ns, name).map(|c| cron_job(app, c)),
        _ => None,
    }
    .unwrap_or_default();
    let uid = meta.uid.clone().unwrap_or_default();
    let events = api.events_for(&uid);
    html! {
        <aside class="inspector" aria-label="Inspector" data-inspect={w.label()} onkeydown={on_escape(app.send)}>
            <div class="inspector-title">
                <h2>{ format!("{}/{}", w.kind.to_lowercase(), w.name) }</h2>
                { close_button(app.send) }
                { app.focus.clone() }
            </div>
            <dl class="facts">
                <dt>{"Namespace"}</dt><dd>{ ns }</dd>
                { controlled_by(app, meta) }
            </dl>
            { body }
            { pods_section(app, w) }
            <h3>{"Events"}</h3>
            { events_table(&events) }
        </aside>
    }
}

/// `Controlled By:` as describe prints it, a link to the controller.
pub(super) fn controlled_by(app: &Ctx, meta: &ObjectMeta) -> Html {
    let Some((owner, _)) = controller_of(meta) else {
        return Html::default();
    };
    let label = format!("{}/{}", owner.kind, owner.name);
    let known = meta_of(app.cluster, &owner).is_some();
    html! {
        <>
            <dt>{"Controlled By"}</dt>
            <dd>{
                if known {
                    html! { <button class="link" data-action="inspect-owner" data-owner-link={owner.label()}
                        onclick={app.send.reform(move |_| Msg::SelectWorkload(owner.clone()))}>{ label }</button> }
                } else {
                    html! { label }
                }
            }</dd>
        </>
    }
}

/// A count as `kubectl get` prints a missing one: 0.
fn n(v: Option<i32>) -> String {
    v.unwrap_or(0).to_string()
}

fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

/// An int-or-string field (`25%`, `1`) as written.
fn as_written<T: serde::Serialize>(v: &Option<T>) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(v) => v.to_string(),
    }
}

fn images(spec: Option<&podlab_core::model::PodSpec>) -> String {
    spec.map(|s| {
        s.containers
            .iter()
            .map(|c| c.image.clone().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    })
    .unwrap_or_default()
}

/// What `kubectl rollout status` says now.
fn rollout(app: &Ctx, kind: &str, meta: &ObjectMeta) -> Html {
    let ns = meta.namespace.as_deref().unwrap_or_default();
    let name = meta.name.as_deref().unwrap_or_default();
    let Some(r) = podlab_core::kubectl::rollout_now(app.cluster, kind, ns, name) else {
        return Html::default();
    };
    let (state, line) = match r {
        Rollout::Waiting(l) => ("waiting", l),
        Rollout::Done(l) => ("done", l),
        Rollout::Failed(l) => ("failed", format!("error: {l}")),
    };
    html! {
        <section class="rollout">
            <h3>{"Rollout status"}</h3>
            <p class={classes!("rollout-status", state)} data-rollout={state}>{ line }</p>
        </section>
    }
}

fn facts(rows: Vec<(&str, String)>) -> Html {
    html! {
        <dl class="facts">
            { for rows.into_iter().map(|(k, v)| html! {
                <><dt>{ k }</dt><dd data-fact={k.to_string()}>{ v }</dd></>
            }) }
        </dl>
    }
}

fn deployment(app: &Ctx, d: &Deployment) -> Html {
    let spec = d.spec.clone().unwrap_or_default();
    let s = d.status.clone().unwrap_or_default();
    let strategy = spec.strategy.clone().unwrap_or_default();
    let strategy_text = match (strategy.type_.as_deref(), &strategy.rolling_update) {
        (Some("RollingUpdate"), Some(r)) => {
            format!(
                "RollingUpdate ({} max unavailable, {} max surge)",
                as_written(&r.max_unavailable),
                as_written(&r.max_surge)
            )
        }
        (t, _) => t.unwrap_or_default().to_string(),
    };
    let replicas = format!(
        "{} desired | {} updated | {} total | {} available | {} unavailable",
        spec.replicas.unwrap_or(1),
        n(s.updated_replicas),
        n(s.replicas),
        n(s.available_replicas),
        n(s.unavailable_replicas)
    );
    let current = annotation(&d.metadata, REVISION)
        .unwrap_or_default()
        .to_string();
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let ns = d.metadata.namespace.as_deref().unwrap_or_default();
    let mut sets: Vec<(i64, &ReplicaSet)> = app
        .cluster
        .api()
        .replica_sets
        .list_namespace(ns)
        .filter(|rs| controller_of(&rs.metadata).is_some_and(|(_, u)| u == uid))
        .map(|rs| {
            let rev = annotation(&rs.metadata, REVISION)
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            (rev, rs)
        })
        .collect();
    // Newest revision first, as the rollout replaces the old.
    podlab_core::sort::sort_by(&mut sets, |a, b| b.0.cmp(&a.0));
    let rows = sets.iter().map(|(rev, rs)| {
        let name = rs.metadata.name.clone().unwrap_or_default();
        let st = rs.status.clone().unwrap_or_default();
        let new = rev.to_string() == current;
        (
            name.clone(),
            vec![
                html! { <>{ name }{ if new { " (new)" } else { "" } }</> },
                html! { <span data-revision={rev.to_string()}>{ rev.to_string() }</span> },
                text(n(rs.spec.as_ref().and_then(|s| s.replicas))),
                text(st.replicas.to_string()),
                text(n(st.ready_replicas)),
                text(images(
                    rs.spec
                        .as_ref()
                        .and_then(|s| s.template.as_ref())
                        .and_then(|t| t.spec.as_ref()),
                )),
            ],
        )
    });
    let mut history: Vec<&(i64, &ReplicaSet)> = sets.iter().filter(|(r, _)| *r > 0).collect();
    podlab_core::sort::sort_by(&mut history, |a, b| a.0.cmp(&b.0));
    let history_rows = history.iter().map(|(rev, rs)| {
        let cause = annotation(&rs.metadata, CHANGE_CAUSE)
            .unwrap_or("<none>")
            .to_string();
        (rev.to_string(), vec![text(rev.to_string()), text(cause)])
    });
    html! {
        <>
            { facts(vec![
                ("Replicas", replicas),
                ("StrategyType", strategy_text),
                ("Revision", if current.is_empty() { "<none>".into() } else { current.clone() }),
                ("Image", images(spec.template.spec.as_ref())),
            ]) }
            { rollout(app, "Deployment", &d.metadata) }
            { section("ReplicaSets", table("replica-sets", &["Name", "Revision", "Desired", "Current", "Ready", "Image"], rows)) }
            { section("Revision history", table("history", &["Revision", "Change-Cause"], history_rows)) }
            { conditions(s.conditions.iter().flatten().map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_ref(), c.message.as_ref()))) }
        </>
    }
}

fn replica_set(rs: &ReplicaSet) -> Html {
    let st = rs.status.clone().unwrap_or_default();
    facts(vec![
        (
            "Replicas",
            format!(
                "{} current / {} desired",
                st.replicas,
                n(rs.spec.as_ref().and_then(|s| s.replicas))
            ),
        ),
        ("Ready", n(st.ready_replicas)),
        ("Available", n(st.available_replicas)),
        (
            "Revision",
            annotation(&rs.metadata, REVISION)
                .unwrap_or("<none>")
                .to_string(),
        ),
        (
            "Image",
            images(
                rs.spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .and_then(|t| t.spec.as_ref()),
            ),
        ),
    ])
}

fn daemon_set(app: &Ctx, ds: &DaemonSet) -> Html {
    let s = ds.status.clone().unwrap_or_default();
    html! {
        <>
            { facts(vec![
                ("Desired", s.desired_number_scheduled.to_string()),
                ("Current", s.current_number_scheduled.to_string()),
                ("Ready", s.number_ready.to_string()),
                ("Up-to-date", n(s.updated_number_scheduled)),
                ("Available", n(s.number_available)),
                ("Image", images(ds.spec.as_ref().and_then(|s| s.template.spec.as_ref()))),
            ]) }
            { rollout(app, "DaemonSet", &ds.metadata) }
        </>
    }
}

fn stateful_set(app: &Ctx, set: &StatefulSet) -> Html {
    let s = set.status.clone().unwrap_or_default();
    let spec = set.spec.clone().unwrap_or_default();
    html! {
        <>
            { facts(vec![
                ("Desired", spec.replicas.unwrap_or(1).to_string()),
                ("Current", n(s.current_replicas)),
                ("Ready", n(s.ready_replicas)),
                ("Updated", n(s.updated_replicas)),
                ("Current revision", s.current_revision.clone().unwrap_or_default()),
                ("Update revision", s.update_revision.clone().unwrap_or_default()),
                ("Image", images(spec.template.spec.as_ref())),
            ]) }
            { rollout(app, "StatefulSet", &set.metadata) }
        </>
    }
}

fn job(j: &Job) -> Html {
    let spec = j.spec.clone().unwrap_or_default();
    let s = j.status.clone().unwrap_or_default();
    let mode = spec
        .completion_mode
        .clone()
        .unwrap_or_else(|| "NonIndexed".into());
    let completions = match spec.completions {
        Some(c) => format!("{} of {c} succeeded", n(s.succeeded)),
        None => format!(
            "{} succeeded (any one pod's success completes it)",
            n(s.succeeded)
        ),
    };
    let mut rows = vec![
        ("Completions", completions),
        ("Parallelism", spec.parallelism.unwrap_or(1).to_string()),
        ("Completion Mode", mode.clone()),
        (
            "Pods Statuses",
            format!(
                "{} Active ({} Ready) / {} Succeeded / {} Failed",
                n(s.active),
                n(s.ready),
                n(s.succeeded),
                n(s.failed)
            ),
        ),
        ("Backoff Limit", spec.backoff_limit.unwrap_or(6).to_string()),
    ];
    if mode == "Indexed" {
        rows.push((
            "Completed Indexes",
            s.completed_indexes
                .clone()
                .filter(|i| !i.is_empty())
                .unwrap_or_else(|| "<none>".into()),
        ));
        if let Some(f) = s.failed_indexes.clone().filter(|i| !i.is_empty()) {
            rows.push(("Failed Indexes", f));
        }
    }
    if spec.suspend == Some(true) {
        rows.push(("Suspend", "true".into()));
    }
    if let Some(t) = &s.start_time {
        rows.push(("Start Time", t.0.to_string()));
    }
    if let Some(t) = &s.completion_time {
        rows.push(("Completed At", t.0.to_string()));
    }
    html! {
        <>
            { facts(rows) }
            { conditions(s.conditions.iter().flatten().map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_ref(), c.message.as_ref()))) }
        </>
    }
}

/// A time on the simulated clock: its date (RFC 3339, as `-o yaml` prints it), and
/// how far from now.
fn when(t: SimTime, now: SimTime) -> String {
    let stamp = t.to_time().0.to_string();
    let secs = |ms: u64| ms.div_ceil(1000);
    if t.0 > now.0 {
        format!("{stamp} (in {}s, at {})", secs(t.0 - now.0), clock_text(t))
    } else {
        format!(
            "{stamp} ({}s ago, at {})",
            (now.0 - t.0) / 1000,
            clock_text(t)
        )
    }
}

fn cron_job(app: &Ctx, cj: &CronJob) -> Html {
    let spec = cj.spec.clone().unwrap_or_default();
    let s = cj.status.clone().unwrap_or_default();
    let now = app.cluster.now();
    let ns = cj.metadata.namespace.as_deref().unwrap_or_default();
    let name = cj.metadata.name.as_deref().unwrap_or_default();
    let suspended = spec.suspend == Some(true);
    let next = match app.cluster.next_schedule_time(ns, name) {
        Some(t) if suspended => format!("{} (suspended: no Job starts)", when(t, now)),
        Some(t) => when(t, now),
        None => "<none>".into(),
    };
    let at = |t: Option<&podlab_core::model::Time>| {
        t.map_or("<none>".to_string(), |t| when(SimTime::from_time(t), now))
    };
    let active: Vec<String> = s
        .active
        .iter()
        .flatten()
        .filter_map(|r| r.name.clone())
        .collect();
    facts(vec![
        ("Schedule", spec.schedule.clone()),
        (
            "Time Zone",
            spec.time_zone.clone().unwrap_or_else(|| "<unset>".into()),
        ),
        (
            "Concurrency Policy",
            spec.concurrency_policy
                .clone()
                .unwrap_or_else(|| "Allow".into()),
        ),
        ("Suspend", suspended.to_string()),
        ("Last Schedule Time", at(s.last_schedule_time.as_ref())),
        ("Last Successful Time", at(s.last_successful_time.as_ref())),
        ("Next Schedule Time", next),
        (
            "Active Jobs",
            if active.is_empty() {
                "<none>".into()
            } else {
                active.join(", ")
            },
        ),
    ])
}

/// The pods the workload controls, directly or through its ReplicaSets or Jobs.
fn pods_section(app: &Ctx, w: &Workload) -> Html {
    let pods: Vec<_> = app
        .cluster
        .pods()
        .filter(|p| {
            controller_of(&p.metadata).is_some_and(|(c, _)| c == *w)
                || owner_of(app.cluster, p).is_some_and(|o| o.workload == *w)
        })
        .collect();
    if pods.is_empty() {
        return html! { <><h3>{"Pods (0)"}</h3></> };
    }
    html! {
        <>
            <h3>{ format!("Pods ({})", pods.len()) }</h3>
            <ul class="node-pods" data-workload-pods="">
                { for pods.iter().map(|p| {
                    let key = format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or_default(), p.metadata.name.as_deref().unwrap_or_default());
                    let k = key.clone();
                    html! { <li><button class="link" data-workload-pod={key.clone()} onclick={app.send.reform(move |_| Msg::Select(k.clone()))}>{ key }</button>{ format!(" {}", podlab_core::kubectl::printers::pod_status(p)) }</li> }
                }) }
            </ul>
        </>
    }
}
