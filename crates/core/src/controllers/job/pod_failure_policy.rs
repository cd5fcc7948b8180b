//! The pod failure policy (pkg/controller/job's pod_failure_policy): which rule, if
//! any, a failed pod matches, by its containers' exit codes or its conditions.

use crate::model::{Pod, ResourceExt};
use k8s_openapi::api::batch::v1::PodFailurePolicyRule;

/// The actions a matching rule can take.
pub(super) const IGNORE: &str = "Ignore";
pub(super) const FAIL_JOB: &str = "FailJob";
pub(super) const FAIL_INDEX: &str = "FailIndex";

/// What a pod failure policy's first matching rule says of a failed pod: its action
/// and, for FailJob, the Job's failure message (`matchPodFailurePolicy`).
pub(super) fn match_failure_policy(
    rules: &[PodFailurePolicyRule],
    pod: &Pod,
) -> Option<(String, String)> {
    let status = pod.status.as_ref()?;
    let ns = pod.namespace_any();
    let name = pod.name_any();
    for (i, rule) in rules.iter().enumerate() {
        if let Some(req) = &rule.on_exit_codes {
            let containers = status
                .init_container_statuses
                .iter()
                .flatten()
                .chain(status.container_statuses.iter().flatten());
            for c in containers {
                if req.container_name.as_ref().is_some_and(|n| *n != c.name) {
                    continue;
                }
                let Some(code) = c
                    .state
                    .as_ref()
                    .and_then(|s| s.terminated.as_ref())
                    .map(|t| t.exit_code)
                    .filter(|c| *c != 0)
                else {
                    continue;
                };
                let listed = req.values.contains(&code);
                if (req.operator == "In") == listed {
                    let message = format!(
                        "Container {} for pod {ns}/{name} failed with exit code {code} matching {} rule at index {i}",
                        c.name, rule.action
                    );
                    return Some((rule.action.clone(), message));
                }
            }
        }
        for pattern in rule.on_pod_conditions.iter().flatten() {
            let hit = status
                .conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == pattern.type_ && c.status == pattern.status);
            if hit {
                let message = format!(
                    "Pod {ns}/{name} has condition {} matching {} rule at index {i}",
                    pattern.type_, rule.action
                );
                return Some((rule.action.clone(), message));
            }
        }
    }
    None
}
