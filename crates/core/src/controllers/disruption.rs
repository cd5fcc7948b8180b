//! The disruption controller (pkg/controller/disruption): each PodDisruptionBudget's
//! status from the pods its selector picks: how many are healthy (ready and not being
//! deleted), how many must stay healthy, how many pods are expected (the pods, or the
//! scale of their controllers for a percentage or maxUnavailable), how many disruptions
//! are allowed, and the `DisruptionAllowed` condition.

use super::{Controller, ControllerContext, Progress};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{Pod, PodDisruptionBudget};
use k8s_openapi::api::policy::v1::PodDisruptionBudgetStatus;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `DisruptionAllowedCondition` and its reasons.
pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";
pub const SUFFICIENT_PODS: &str = "SufficientPods";
pub const INSUFFICIENT_PODS: &str = "InsufficientPods";
/// How long an evicted pod stays in `disruptedPods` waiting for its deletion.
const DELETION_TIMEOUT_MS: u64 = 2 * 60 * 1000;

#[derive(Debug, Clone, Default)]
pub struct DisruptionController;

/// `metav1.LabelSelectorAsSelector` as the controller reads a budget's selector: a
/// missing one selects nothing, an empty one every pod of the namespace.
pub fn budget_selector(pdb: &PodDisruptionBudget) -> Option<Selector> {
    let selector = pdb.spec.as_ref()?.selector.as_ref()?;
    Selector::from_label_selector(selector).ok()
}

/// `podutil.IsPodReady`.
fn ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// `intstr.GetScaledValueFromIntOrPercent` rounding up.
fn scaled_up(value: &IntOrString, total: i32) -> i32 {
    match value {
        IntOrString::Int(i) => *i,
        IntOrString::String(s) => {
            let p = s
                .strip_suffix('%')
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(0);
            let v = (p * i64::from(total) + 99).div_euclid(100);
            v.clamp(0, i64::from(i32::MAX)) as i32
        }
    }
}

/// `getExpectedScale`: the sum of the scales of the pods' controllers, each counted
/// once (a ReplicaSet a Deployment owns counts as the Deployment).
fn expected_scale(api: &crate::apiserver::ApiServer, ns: &str, pods: &[&Pod]) -> i32 {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut total: i32 = 0;
    for pod in pods {
        let Some(owner) = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true))
        else {
            continue;
        };
        let (kind, name, replicas) = match owner.kind.as_str() {
            "ReplicaSet" => {
                let Some(rs) = api.replica_sets.get(ns, &owner.name) else {
                    continue;
                };
                let deployment = rs
                    .metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .find(|o| o.controller == Some(true) && o.kind == "Deployment")
                    .and_then(|o| api.deployments.get(ns, &o.name));
                match deployment {
                    Some(d) => (
                        "Deployment",
                        d.metadata.name.clone().unwrap_or_default(),
                        d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
                    ),
                    None => (
                        "ReplicaSet",
                        owner.name.clone(),
                        rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
                    ),
                }
            }
            _ => continue,
        };
        let key = (kind.to_string(), name);
        if !seen.contains(&key) {
            seen.push(key);
            total = total.saturating_add(replicas);
        }
    }
    total
}

/// The status the controller works out for `pdb` (its conditions' times from `old`).
pub fn compute_status(
    api: &crate::apiserver::ApiServer,
    pdb: &PodDisruptionBudget,
    now: SimTime,
) -> PodDisruptionBudgetStatus {
    let ns = pdb.metadata.namespace.as_deref().unwrap_or_default();
    let selector = budget_selector(pdb);
    let pods: Vec<&Pod> = match &selector {
        Some(sel) => api
            .pods
            .list()
            .filter(|p| p.metadata.namespace.as_deref() == Some(ns))
            .filter(|p| sel.matches(p.metadata.labels.as_ref()))
            .collect(),
        None => Vec::new(),
    };
    let spec = pdb.spec.as_ref();
    let (mut expected, mut desired) = (0i32, 0i32);
    if let Some(max) = spec.and_then(|s| s.max_unavailable.as_ref()) {
        expected = expected_scale(api, ns, &pods);
        desired = (expected - scaled_up(max, expected)).max(0);
    } else if let Some(min) = spec.and_then(|s| s.min_available.as_ref()) {
        match min {
            IntOrString::Int(i) => {
                desired = *i;
                expected = pods.len() as i32;
            }
            IntOrString::String(_) => {
                expected = expected_scale(api, ns, &pods);
                desired = scaled_up(min, expected);
            }
        }
    }
    let old = pdb.status.as_ref();
    // `buildDisruptedPodMap`: a pod an eviction noted stays noted until it is being
    // deleted or gone, or for two minutes (`DeletionTimeout`).
    let disrupted: std::collections::BTreeMap<String, _> = old
        .and_then(|s| s.disrupted_pods.as_ref())
        .into_iter()
        .flatten()
        .filter(|(name, at)| {
            let live = pods.iter().any(|p| {
                p.metadata.name.as_deref() == Some(name.as_str())
                    && p.metadata.deletion_timestamp.is_none()
            });
            live && SimTime::from_time(at).plus_ms(DELETION_TIMEOUT_MS) > now
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let disrupted = (!disrupted.is_empty()).then_some(disrupted);
    let healthy = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p))
        .filter(|p| {
            let name = p.metadata.name.as_deref().unwrap_or_default();
            !disrupted.as_ref().is_some_and(|d| d.contains_key(name))
        })
        .count() as i32;
    let mut allowed = healthy - desired;
    if expected <= 0 || allowed <= 0 {
        allowed = 0;
    }
    let generation = pdb.metadata.generation.unwrap_or(1);
    let (status, reason) = if allowed > 0 {
        ("True", SUFFICIENT_PODS)
    } else {
        ("False", INSUFFICIENT_PODS)
    };
    // `apimeta.SetStatusCondition`: the transition time moves only with the status.
    let previous = old
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == DISRUPTION_ALLOWED));
    let last_transition_time = match previous {
        Some(c) if c.status == status => c.last_transition_time.clone(),
        _ => now.to_time(),
    };
    PodDisruptionBudgetStatus {
        current_healthy: healthy,
        desired_healthy: desired,
        expected_pods: expected,
        disruptions_allowed: allowed,
        disrupted_pods: disrupted,
        observed_generation: Some(generation),
        conditions: Some(vec![Condition {
            type_: DISRUPTION_ALLOWED.into(),
            status: status.into(),
            reason: reason.into(),
            message: String::new(),
            observed_generation: Some(generation),
            last_transition_time,
        }]),
    }
}

impl Controller for DisruptionController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let mut updates = Vec::new();
        for pdb in ctx.api.pod_disruption_budgets.list() {
            if pdb.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let status = compute_status(ctx.api, pdb, ctx.now);
            if pdb.status.as_ref() != Some(&status) {
                let mut updated = pdb.clone();
                updated.status = Some(status);
                updates.push(updated);
            }
        }
        let changed = !updates.is_empty();
        for pdb in updates {
            let _ = ctx.api.update_pod_disruption_budget_status(pdb);
        }
        Progress::changed_if(changed)
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::ApiServer;

    fn pod(api: &mut ApiServer, name: &str, is_ready: bool) {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            "status": {"conditions": [{"type": "Ready", "status": if is_ready { "True" } else { "False" }}]}
        }))
        .unwrap();
        let status = pod.status.clone();
        let mut stored = api.create_pod(pod, SimTime(0)).unwrap().clone();
        // The kubelet's status write (a create keeps no status).
        stored.status = status;
        api.update_pod(stored).unwrap();
    }

    fn budget(spec: serde_json::Value) -> PodDisruptionBudget {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default", "generation": 1},
            "spec": spec
        }))
        .unwrap()
    }

    /// `TestNoSelector`, `TestUnavailable`-like cases: (current, desired, expected,
    /// allowed) for budgets over three pods, two of them ready.
    #[test]
    fn status_counts_healthy_pods_against_the_budget() {
        let mut api = ApiServer::new(1, SimTime(0));
        pod(&mut api, "a", true);
        pod(&mut api, "b", true);
        pod(&mut api, "c", false);
        let sel = serde_json::json!({"matchLabels": {"app": "web"}});
        let cases = vec![
            (
                "minAvailable 1",
                serde_json::json!({"minAvailable": 1, "selector": sel}),
                (2, 1, 3, 1, "True"),
            ),
            (
                "minAvailable 2",
                serde_json::json!({"minAvailable": 2, "selector": sel}),
                (2, 2, 3, 0, "False"),
            ),
            (
                "no selector selects nothing",
                serde_json::json!({"minAvailable": 0}),
                (0, 0, 0, 0, "False"),
            ),
            (
                "an empty selector selects all",
                serde_json::json!({"minAvailable": 1, "selector": {}}),
                (2, 1, 3, 1, "True"),
            ),
            // Unmanaged pods: no controller scale, so no pods expected.
            (
                "maxUnavailable over unmanaged pods",
                serde_json::json!({"maxUnavailable": 1, "selector": sel}),
                (2, 0, 0, 0, "False"),
            ),
        ];
        for (name, spec, (current, desired, expected, allowed, cond)) in cases {
            let s = compute_status(&api, &budget(spec), SimTime(0));
            let got = (
                s.current_healthy,
                s.desired_healthy,
                s.expected_pods,
                s.disruptions_allowed,
                s.conditions.unwrap()[0].status.clone(),
            );
            assert_eq!(
                got,
                (current, desired, expected, allowed, cond.to_string()),
                "{name}"
            );
        }
    }
}
