//! `kubectl describe` of the apps/v1 workloads (kubectl's `describeDeployment`,
//! `describeReplicaSet`, `describeDaemonSet`, `describeStatefulSet`, with
//! `printReplicaSetsByLabels`, `getPodStatusForController` and
//! `describeVolumeClaimTemplates`).

use super::batch::pod_template;
use super::writer::*;
use crate::clock::SimTime;
use crate::controllers::deployment_util::without_hash;
use crate::controllers::replicaset::controller_of;
use crate::kubectl::workload_printers::format_label_selector;
use crate::model::{
    DaemonSet, Deployment, Event, ObjectMeta, PersistentVolumeClaim, Pod, ReplicaSet, StatefulSet,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// `getPodStatusForController`: the pods the selector matches and the owner controls,
/// counted by phase (Running, Pending as waiting, Succeeded, Failed).
pub(super) fn pods_status(pods: &[&Pod], selector: &LabelSelector, owner: &ObjectMeta) -> String {
    let Ok(selector) = crate::model::labels::Selector::from_label_selector(selector) else {
        return "0 Running / 0 Waiting / 0 Succeeded / 0 Failed".into();
    };
    let uid = owner.uid.as_deref().unwrap_or_default();
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for pod in pods {
        if !selector.matches(pod.metadata.labels.as_ref())
            || controller_of(&pod.metadata).is_none_or(|r| r.uid != uid)
        {
            continue;
        }
        match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Running") => running += 1,
            Some("Pending") => waiting += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => {}
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}

/// `CreationTimestamp:` in RFC 1123 with a numeric zone, as the describers write it.
fn creation_timestamp(w: &mut Writer, meta: &ObjectMeta) {
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(meta.creation_timestamp.as_ref())
        ),
    );
}

/// `labels.Selector.String()` of a workload's selector (empty when it selects all).
fn selector_string(s: &LabelSelector) -> String {
    format_label_selector(s).replace("<none>", "")
}

fn int_or_string(v: Option<&IntOrString>) -> String {
    match v {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "0".into(),
    }
}

/// The `Conditions:` table of a Deployment or a ReplicaSet.
fn conditions<'a>(w: &mut Writer, rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>) {
    let rows: Vec<_> = rows.collect();
    if rows.is_empty() {
        return;
    }
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (ty, status, reason) in rows {
        w.write(1, &format!("{ty} \t{status}\t{reason}\n"));
    }
}

/// `printReplicaSetsByLabels`.
fn replica_sets_line(sets: &[&ReplicaSet]) -> String {
    let list: Vec<String> = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.as_deref().unwrap_or_default(),
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
            )
        })
        .collect();
    if list.is_empty() {
        "<none>".into()
    } else {
        list.join(", ")
    }
}

/// `kubectl describe deployment`: `replica_sets` are the ReplicaSets it controls.
pub fn deployment(
    d: &Deployment,
    replica_sets: &[&ReplicaSet],
    d_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let meta = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    name_and_namespace(&mut w, meta);
    creation_timestamp(&mut w, meta);
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!("Selector:\t{}\n", selector_string(&spec.selector)),
    );
    let n = |v: Option<i32>| v.unwrap_or(0);
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            n(spec.replicas),
            n(status.updated_replicas),
            n(status.replicas),
            n(status.available_replicas),
            n(status.unavailable_replicas)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    w.write(
        0,
        &format!(
            "StrategyType:\t{}\n",
            strategy.type_.as_deref().unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!("MinReadySeconds:\t{}\n", n(spec.min_ready_seconds)),
    );
    if let Some(r) = &strategy.rolling_update {
        w.write(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(r.max_unavailable.as_ref()),
                int_or_string(r.max_surge.as_ref())
            ),
        );
    }
    pod_template(&mut w, &spec.template);
    conditions(
        &mut w,
        status.conditions.iter().flatten().map(|c| {
            (
                c.type_.as_str(),
                c.status.as_str(),
                c.reason.as_deref().unwrap_or_default(),
            )
        }),
    );
    // deploymentutil.GetAllReplicaSetsInChunks: oldest first; the new one has the
    // template, the old ones still wanting pods are listed.
    let mut owned: Vec<&ReplicaSet> = replica_sets.to_vec();
    crate::sort::sort_by_key(&mut owned, |rs| {
        (
            rs.metadata
                .creation_timestamp
                .as_ref()
                .map(SimTime::from_time),
            rs.metadata.name.clone(),
        )
    });
    let template = without_hash(Some(&spec.template));
    let new = owned.iter().position(|rs| {
        without_hash(rs.spec.as_ref().and_then(|s| s.template.as_ref())) == template
    });
    let new_sets: Vec<&ReplicaSet> = new.map(|i| owned[i]).into_iter().collect();
    let old_sets: Vec<&ReplicaSet> = owned
        .iter()
        .enumerate()
        .filter(|(i, rs)| Some(*i) != new && rs.spec.as_ref().and_then(|s| s.replicas) != Some(0))
        .map(|(_, rs)| *rs)
        .collect();
    if !old_sets.is_empty() || !new_sets.is_empty() {
        w.write(
            0,
            &format!("OldReplicaSets:\t{}\n", replica_sets_line(&old_sets)),
        );
        w.write(
            0,
            &format!("NewReplicaSet:\t{}\n", replica_sets_line(&new_sets)),
        );
    }
    events(&mut w, d_events, now);
    w.finish()
}

/// `kubectl describe replicaset`.
pub fn replica_set(rs: &ReplicaSet, pods: &[&Pod], rs_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    let status = rs.status.clone().unwrap_or_default();
    name_and_namespace(&mut w, meta);
    w.write(
        0,
        &format!("Selector:\t{}\n", format_label_selector(&spec.selector)),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    if let Some(r) = controller_of(meta) {
        w.write(0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
    w.write(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            status.replicas,
            spec.replicas.unwrap_or(0)
        ),
    );
    w.write(
        0,
        &format!(
            "Pods Status:\t{}\n",
            pods_status(pods, &spec.selector, meta)
        ),
    );
    pod_template(&mut w, &spec.template.clone().unwrap_or_default());
    conditions(
        &mut w,
        status.conditions.iter().flatten().map(|c| {
            (
                c.type_.as_str(),
                c.status.as_str(),
                c.reason.as_deref().unwrap_or_default(),
            )
        }),
    );
    events(&mut w, rs_events, now);
    w.finish()
}

/// `kubectl describe daemonset`.
pub fn daemon_set(ds: &DaemonSet, pods: &[&Pod], ds_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &ds.metadata;
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    name_and_namespace(&mut w, meta);
    w.write(
        0,
        &format!("Selector:\t{}\n", selector_string(&spec.selector)),
    );
    let node_selector: Vec<String> = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref())
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.write(
        0,
        &format!("Node-Selector:\t{}\n", or_none(&node_selector.join(","))),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    let n = |v: Option<i32>| v.unwrap_or(0);
    w.write(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            status.desired_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            status.current_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            n(status.updated_number_scheduled)
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            n(status.number_available)
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Misscheduled: {}\n",
            status.number_misscheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Pods Status:\t{}\n",
            pods_status(pods, &spec.selector, meta)
        ),
    );
    pod_template(&mut w, &spec.template);
    events(&mut w, ds_events, now);
    w.finish()
}

/// `printLabelsMultilineWithIndent` with an initial indent of two spaces.
fn indented_map(w: &mut Writer, title: &str, map: Option<&BTreeMap<String, String>>) {
    w.write(0, &format!("  {title}:\t"));
    match map.filter(|m| !m.is_empty()) {
        None => w.write(0, "<none>\n"),
        Some(m) => {
            for (i, (k, v)) in m.iter().enumerate() {
                if i != 0 {
                    w.write(0, "  \t");
                }
                w.write(0, &format!("{k}={v}\n"));
            }
        }
    }
}

/// `describeVolumeClaimTemplates`.
fn claim_templates(w: &mut Writer, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(0, "Volume Claims:\n");
    for claim in templates {
        let spec = claim.spec.clone().unwrap_or_default();
        w.write(
            1,
            &format!(
                "Name:\t{}\n",
                claim.metadata.name.as_deref().unwrap_or_default()
            ),
        );
        // storageutil.GetPersistentVolumeClaimClass: the beta annotation, else the field.
        let class = claim
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class").cloned())
            .or(spec.storage_class_name.clone())
            .unwrap_or_default();
        w.write(1, &format!("StorageClass:\t{class}\n"));
        indented_map(w, "Labels", claim.metadata.labels.as_ref());
        indented_map(w, "Annotations", claim.metadata.annotations.as_ref());
        let capacity = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map_or_else(|| "<default>".to_string(), |q| q.0.clone());
        w.write(1, &format!("Capacity:\t{capacity}\n"));
        w.write(
            1,
            &format!(
                "Access Modes:\t[{}]\n",
                spec.access_modes.unwrap_or_default().join(" ")
            ),
        );
    }
}

/// `kubectl describe statefulset` (kubectl 1.34's: no service name, pod management
/// policy or claim retention lines yet).
pub fn stateful_set(
    set: &StatefulSet,
    pods: &[&Pod],
    set_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let meta = &set.metadata;
    let spec = set.spec.clone().unwrap_or_default();
    let status = set.status.clone().unwrap_or_default();
    name_and_namespace(&mut w, meta);
    creation_timestamp(&mut w, meta);
    w.write(
        0,
        &format!("Selector:\t{}\n", selector_string(&spec.selector)),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            spec.replicas.unwrap_or(0),
            status.replicas
        ),
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    w.write(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            strategy.type_.as_deref().unwrap_or_default()
        ),
    );
    if let Some(r) = &strategy.rolling_update {
        if let Some(partition) = r.partition {
            w.write(1, &format!("Partition:\t{partition}\n"));
            if let Some(u) = &r.max_unavailable {
                w.write(1, &format!("MaxUnavailable:\t{}\n", int_or_string(Some(u))));
            }
        }
    }
    w.write(
        0,
        &format!(
            "Pods Status:\t{}\n",
            pods_status(pods, &spec.selector, meta)
        ),
    );
    pod_template(&mut w, &spec.template);
    claim_templates(
        &mut w,
        spec.volume_claim_templates.as_deref().unwrap_or_default(),
    );
    events(&mut w, set_events, now);
    w.finish()
}
