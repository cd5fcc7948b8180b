//! What the Deployment controller and kubectl's rollout commands share, as kube's
//! pkg/controller/deployment/util (deployment_util.go): the pod-template-hash, the
//! revision annotations, the rolling update's fenceposts, the status conditions.

use crate::clock::SimTime;
use crate::model::{Deployment, ReplicaSet, ResourceExt};
use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentStatus};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The label that tells a Deployment's ReplicaSets (and their pods) apart.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub(crate) const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
pub(crate) const ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";

/// `skipCopyAnnotation`: the annotations that stay where they are, not copied between a
/// Deployment and its ReplicaSets (either way: new ReplicaSets, rollbacks).
pub(crate) fn skip_copy_annotation(key: &str) -> bool {
    matches!(
        key,
        LAST_APPLIED | REVISION | REVISION_HISTORY | DESIRED_REPLICAS | MAX_REPLICAS | ROLLBACK_TO
    )
}

/// `ComputeHash`: FNV-32a over the template (and the collision count), its decimal
/// value spelled with `rand.SafeEncodeString`. kube feeds the hasher spew's printing
/// of the Go struct, which cannot be reproduced from Rust; the template's JSON is
/// hashed instead, so the hash is deterministic and as stable as kube's, but not equal
/// to the one a real cluster computes for the same template.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u32::from(*b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    // Through a JSON value (keys sorted), the serializer objects already go through: a
    // second serializer would put a second copy of the pod spec's code in the bundle.
    feed(
        serde_json::to_value(template)
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    if let Some(c) = collision_count {
        feed(&c.to_le_bytes());
    }
    safe_encode(&hash.to_string())
}

/// `rand.SafeEncodeString`: each byte picks a character of the name generator's
/// alphabet (no vowels, no confusable digits).
pub(crate) fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `intstr.GetScaledValueFromIntOrPercent`.
pub(crate) fn scaled(value: Option<&IntOrString>, total: i32, round_up: bool) -> i32 {
    match value {
        None => 0,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(s)) => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let v = p * i64::from(total);
            let r = if round_up { (v + 99) / 100 } else { v / 100 };
            i32::try_from(r).unwrap_or(i32::MAX)
        }
    }
}

/// `ResolveFenceposts`: maxSurge rounded up, maxUnavailable down, never both zero.
pub fn fenceposts(d: &Deployment) -> (i32, i32) {
    let spec = d.spec.as_ref();
    let replicas = replicas_of(d);
    let rolling = spec
        .and_then(|s| s.strategy.as_ref())
        .filter(|s| s.type_.as_deref() != Some("Recreate"))
        .and_then(|s| s.rolling_update.as_ref());
    let Some(r) = rolling else {
        return (0, 0);
    };
    let surge = scaled(r.max_surge.as_ref(), replicas, true);
    let mut unavailable = scaled(r.max_unavailable.as_ref(), replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `MaxUnavailable`: at most the replicas.
pub(crate) fn max_unavailable(d: &Deployment) -> i32 {
    let (_, u) = fenceposts(d);
    let replicas = replicas_of(d);
    if replicas == 0 {
        0
    } else {
        u.min(replicas)
    }
}

pub(crate) fn replicas_of(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

pub(crate) fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

pub(crate) fn rs_status(rs: &ReplicaSet) -> (i32, i32, i32) {
    rs.status.as_ref().map_or((0, 0, 0), |s| {
        (
            s.replicas,
            s.ready_replicas.unwrap_or(0),
            s.available_replicas.unwrap_or(0),
        )
    })
}

pub(crate) fn revision(rs: &ReplicaSet) -> i64 {
    rs.annotations()
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

pub(crate) fn created(rs: &ReplicaSet) -> (Option<SimTime>, String) {
    (
        rs.metadata
            .creation_timestamp
            .as_ref()
            .map(SimTime::from_time),
        rs.name_any().to_string(),
    )
}

/// The template without the pod-template-hash label (`EqualIgnoreHash`).
pub(crate) fn without_hash(t: Option<&PodTemplateSpec>) -> PodTemplateSpec {
    let mut t = t.cloned().unwrap_or_default();
    if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH);
        if labels.is_empty() {
            if let Some(m) = t.metadata.as_mut() {
                m.labels = None;
            }
        }
    }
    t
}

/// `NewDeploymentCondition`.
pub(crate) fn condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: SimTime,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_update_time: Some(now.to_time()),
        last_transition_time: Some(now.to_time()),
    }
}

pub(crate) fn get_condition<'a>(
    status: &'a DeploymentStatus,
    type_: &str,
) -> Option<&'a DeploymentCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: nothing if status and reason are the same; the transition
/// time kept when only the reason changed.
pub(crate) fn set_condition(status: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(current) = get_condition(status, &c.type_) {
        if current.status == c.status && current.reason == c.reason {
            return;
        }
        if current.status == c.status {
            c.last_transition_time = current.last_transition_time.clone();
        }
    }
    remove_condition(status, &c.type_);
    status.conditions.get_or_insert_with(Vec::new).push(c);
}

pub(crate) fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    if let Some(cs) = status.conditions.as_mut() {
        cs.retain(|c| c.type_ != type_);
    }
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available.
pub(crate) fn progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let n = |v: Option<i32>| v.unwrap_or(0);
    let old_old = n(old.replicas) - n(old.updated_replicas);
    let new_old = n(new.replicas) - n(new.updated_replicas);
    n(new.updated_replicas) > n(old.updated_replicas)
        || new_old < old_old
        || n(new.ready_replicas) > n(old.ready_replicas)
        || n(new.available_replicas) > n(old.available_replicas)
}
