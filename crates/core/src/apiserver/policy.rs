//! policy/v1 PodDisruptionBudgets as the API server serves them: create and update with
//! `ValidatePodDisruptionBudgetSpec`'s messages, and the status writes of the
//! disruption controller.

use super::apps::{go_int_or_string, percent, positive_int_or_percent};
use super::error::{ApiError, FieldError};
use super::{ApiServer, PodDeletion};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{Pod, PodDisruptionBudget};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

const RESOURCE: &str = "poddisruptionbudgets";

/// The unhealthy pod eviction policies (`UnhealthyPodEvictionPolicyType`).
const EVICTION_POLICIES: [&str; 2] = ["AlwaysAllow", "IfHealthyBudget"];

/// `IsNotMoreThan100Percent`.
fn not_more_than_100_percent(value: &IntOrString, field: &str, causes: &mut Vec<FieldError>) {
    if let IntOrString::String(s) = value {
        if percent(s).is_some_and(|p| p > 100) {
            causes.push(FieldError::invalid_raw(
                field,
                &go_int_or_string(value),
                "must not be greater than 100%",
            ));
        }
    }
}

/// `intstr.IntOrString.String()`, as a pointer to one prints in a message.
fn int_or_string_text(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `ValidatePodDisruptionBudgetSpec`.
pub(crate) fn validate(pdb: &PodDisruptionBudget) -> Vec<FieldError> {
    let mut causes = Vec::new();
    let Some(spec) = &pdb.spec else {
        return causes;
    };
    if let (Some(min), Some(_)) = (&spec.min_available, &spec.max_unavailable) {
        causes.push(FieldError::invalid_raw(
            "spec.minAvailable",
            &int_or_string_text(min),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (value, field) in [
        (&spec.min_available, "spec.minAvailable"),
        (&spec.max_unavailable, "spec.maxUnavailable"),
    ] {
        if let Some(v) = value {
            positive_int_or_percent(v, field, &mut causes);
            not_more_than_100_percent(v, field, &mut causes);
        }
    }
    if let Some(policy) = spec.unhealthy_pod_eviction_policy.as_deref() {
        if !EVICTION_POLICIES.contains(&policy) {
            causes.push(FieldError {
                field: "spec.unhealthyPodEvictionPolicy".into(),
                kind: super::error::FieldErrorKind::NotSupported {
                    value: policy.into(),
                    supported: EVICTION_POLICIES.iter().map(|s| s.to_string()).collect(),
                },
            });
        }
    }
    causes
}

fn invalid(pdb: &PodDisruptionBudget, causes: Vec<FieldError>) -> ApiError {
    ApiError::Invalid {
        kind: "PodDisruptionBudget",
        name: pdb.metadata.name.clone().unwrap_or_default(),
        causes,
    }
}

impl ApiServer {
    pub fn create_pod_disruption_budget(
        &mut self,
        mut pdb: PodDisruptionBudget,
        now: SimTime,
    ) -> Result<&PodDisruptionBudget, ApiError> {
        self.prepare_namespaced("PodDisruptionBudget", &mut pdb.metadata)?;
        Self::check_meta("PodDisruptionBudget", &pdb.metadata)?;
        let causes = validate(&pdb);
        if !causes.is_empty() {
            return Err(invalid(&pdb, causes));
        }
        // `SetDefaults_PodDisruptionBudgetSpec`.
        if let Some(spec) = pdb.spec.as_mut() {
            if spec.min_available.is_none() && spec.max_unavailable.is_none() {
                spec.min_available = Some(IntOrString::Int(1));
            }
        }
        // The status is the disruption controller's.
        pdb.status = None;
        pdb.metadata.generation = Some(1);
        self.insert(|a| &mut a.pod_disruption_budgets, RESOURCE, pdb, now)
    }

    /// A user's update: the spec validated again (policy/v1 lets every field change),
    /// the status kept.
    pub fn update_pod_disruption_budget(
        &mut self,
        mut pdb: PodDisruptionBudget,
    ) -> Result<&PodDisruptionBudget, ApiError> {
        let (ns, name) = super::key_of(&pdb.metadata);
        let Some(old) = self.pod_disruption_budgets.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: RESOURCE,
                name,
            });
        };
        let causes = validate(&pdb);
        if !causes.is_empty() {
            return Err(invalid(&pdb, causes));
        }
        let generation = old.metadata.generation.unwrap_or(1);
        pdb.metadata.generation = Some(if pdb.spec != old.spec {
            generation + 1
        } else {
            generation
        });
        pdb.status = old.status;
        self.replace(|a| &mut a.pod_disruption_budgets, RESOURCE, pdb)
    }

    /// The Eviction subresource (`POST pods/NAME/eviction`): a pod that is finished,
    /// pending or already being deleted goes at once; otherwise the one budget that
    /// selects it must allow a disruption (spent here, the pod noted in
    /// `disruptedPods`), or the eviction is refused with 429 for the client to retry.
    /// A pod that is not ready goes without spending one while the budget is met.
    pub fn evict_pod(
        &mut self,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
        now: SimTime,
    ) -> Result<PodDeletion, ApiError> {
        let Some(pod) = self.pods.get(namespace, name) else {
            return Err(ApiError::NotFound {
                resource: "pods",
                name: name.to_string(),
            });
        };
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed" | "Pending"))
            || pod.metadata.deletion_timestamp.is_some()
        {
            return self.delete_pod_gracefully(namespace, name, grace, now);
        }
        let budgets: Vec<&PodDisruptionBudget> = self
            .pod_disruption_budgets
            .list_namespace(namespace)
            .filter(|b| selects(b, pod))
            .collect();
        let budget = match budgets.as_slice() {
            [] => return self.delete_pod_gracefully(namespace, name, grace, now),
            [one] => (*one).clone(),
            _ => {
                return Err(ApiError::bad_request(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ))
            }
        };
        let status = budget.status.clone().unwrap_or_default();
        if !pod_ready(pod) {
            let policy = budget
                .spec
                .as_ref()
                .and_then(|s| s.unhealthy_pod_eviction_policy.as_deref());
            let budget_met =
                status.current_healthy >= status.desired_healthy && status.desired_healthy > 0;
            if policy == Some("AlwaysAllow") || budget_met {
                return self.delete_pod_gracefully(namespace, name, grace, now);
            }
        }
        if status.disruptions_allowed <= 0 {
            return Err(ApiError::TooManyRequests {
                message: "Cannot evict pod as it would violate the pod's disruption budget.".into(),
            });
        }
        let mut updated = budget;
        let status = updated.status.get_or_insert_with(Default::default);
        status.disruptions_allowed -= 1;
        status
            .disrupted_pods
            .get_or_insert_with(Default::default)
            .insert(name.to_string(), now.to_time());
        if status.disruptions_allowed == 0 {
            for c in status.conditions.iter_mut().flatten() {
                if c.type_ == "DisruptionAllowed" && c.status != "False" {
                    c.status = "False".into();
                    c.reason = "InsufficientPods".into();
                    c.last_transition_time = now.to_time();
                }
            }
        }
        self.update_pod_disruption_budget_status(updated)?;
        self.delete_pod_gracefully(namespace, name, grace, now)
    }

    /// The disruption controller's write of a budget's status.
    pub fn update_pod_disruption_budget_status(
        &mut self,
        pdb: PodDisruptionBudget,
    ) -> Result<&PodDisruptionBudget, ApiError> {
        self.replace(|a| &mut a.pod_disruption_budgets, RESOURCE, pdb)
    }
}

/// Whether the budget selects the pod for an eviction (a missing or empty selector
/// selects nothing here).
fn selects(budget: &PodDisruptionBudget, pod: &Pod) -> bool {
    let selector = budget
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .and_then(|s| Selector::from_label_selector(s).ok());
    selector.is_some_and(|s| !s.is_empty() && s.matches(pod.metadata.labels.as_ref()))
}

/// `podutil.IsPodReady`.
fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdb(min: Option<IntOrString>, max: Option<IntOrString>) -> PodDisruptionBudget {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "minAvailable": min,
                "maxUnavailable": max,
                "selector": {"matchLabels": {"app": "web"}}
            }
        }))
        .unwrap()
    }

    /// `TestValidateMinAvailablePodDisruptionBudgetSpec` and its neighbours.
    #[test]
    fn validation_messages() {
        let int = IntOrString::Int;
        let pct = |s: &str| IntOrString::String(s.into());
        let text = |causes: Vec<FieldError>| -> Vec<String> {
            causes.iter().map(|c| c.to_string()).collect()
        };
        let cases: Vec<(&str, PodDisruptionBudget, Vec<&str>)> = vec![
            ("minAvailable 2", pdb(Some(int(2)), None), vec![]),
            ("maxUnavailable 50%", pdb(None, Some(pct("50%"))), vec![]),
            (
                "both set",
                pdb(Some(int(1)), Some(int(1))),
                vec!["spec.minAvailable: Invalid value: 1: minAvailable and maxUnavailable cannot be both set"],
            ),
            (
                "negative",
                pdb(Some(int(-1)), None),
                vec!["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"],
            ),
            (
                "over 100%",
                pdb(None, Some(pct("120%"))),
                vec!["spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: must not be greater than 100%"],
            ),
        ];
        for (name, pdb, want) in cases {
            assert_eq!(text(validate(&pdb)), want, "{name}");
        }
    }
}
