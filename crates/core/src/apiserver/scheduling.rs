//! scheduling.k8s.io/v1 PriorityClasses as the API server serves them: the two system
//! classes it makes at start-up, `SetDefaults_PriorityClass`, `ValidatePriorityClass`'s
//! messages, the Priority admission plugin's one-default rule, and the same plugin's
//! work on a new pod (`priorityClassName` to `priority` and `preemptionPolicy`).

use super::error::{ApiError, FieldError};
use super::{ApiServer, Uids};
use crate::clock::SimTime;
use crate::model::{meta, ObjectMeta, Pod, PriorityClass};

/// `HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;
/// `SystemPriorityClassPrefix`.
const SYSTEM_PREFIX: &str = "system-";
const PREEMPT_LOWER_PRIORITY: &str = "PreemptLowerPriority";

/// The classes every cluster has (`SystemPriorityClasses`): name, value, description.
pub const SYSTEM_PRIORITY_CLASSES: [(&str, i32, &str); 2] = [
    (
        "system-node-critical",
        2_000_001_000,
        "Used for system critical pods that must not be moved from their current node.",
    ),
    (
        "system-cluster-critical",
        2_000_000_000,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
];

fn invalid(pc: &PriorityClass, causes: Vec<FieldError>) -> ApiError {
    ApiError::Invalid {
        kind: "PriorityClass",
        name: pc.metadata.name.clone().unwrap_or_default(),
        causes,
    }
}

/// `ValidatePriorityClass` beyond the metadata: `system-` names are the system classes',
/// user classes stay at or below 1,000,000,000, the preemption policy is a known one.
fn validate(pc: &PriorityClass) -> Vec<FieldError> {
    let mut causes = Vec::new();
    let name = pc.metadata.name.as_deref().unwrap_or_default();
    if name.starts_with(SYSTEM_PREFIX) {
        let known = SYSTEM_PRIORITY_CLASSES.iter().find(|(n, ..)| *n == name);
        let why = match known {
            None => format!("{name} is not a known system priority class"),
            Some((_, value, _)) if *value != pc.value => {
                format!("value of {name} PriorityClass must be {value}")
            }
            Some(_) if pc.global_default == Some(true) => {
                format!("globalDefault of {name} must be false")
            }
            Some(_) => String::new(),
        };
        if !why.is_empty() {
            causes.push(FieldError::forbidden(
                "metadata.name",
                &format!(
                    "priority class names with '{SYSTEM_PREFIX}' prefix are reserved for system use only. error: {why}"
                ),
            ));
        }
    } else if pc.value > HIGHEST_USER_DEFINABLE_PRIORITY {
        causes.push(FieldError::forbidden(
            "value",
            &format!(
                "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
            ),
        ));
    }
    if let Some(policy) = pc.preemption_policy.as_deref() {
        if policy != PREEMPT_LOWER_PRIORITY && policy != "Never" {
            causes.push(FieldError {
                field: "preemptionPolicy".into(),
                kind: super::error::FieldErrorKind::NotSupported {
                    value: policy.into(),
                    supported: vec!["Never".into(), PREEMPT_LOWER_PRIORITY.into()],
                },
            });
        }
    }
    causes
}

/// `applySchedulingGatedCondition`: a new pod with scheduling gates starts with
/// PodScheduled=False, reason SchedulingGated.
pub(crate) fn scheduling_gated_condition(
    pod: &Pod,
    now: SimTime,
) -> Option<Vec<k8s_openapi::api::core::v1::PodCondition>> {
    let gated = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty());
    gated.then(|| {
        vec![k8s_openapi::api::core::v1::PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("SchedulingGated".into()),
            message: Some("Scheduling is blocked due to non-empty scheduling gates".into()),
            last_transition_time: Some(now.to_time()),
            ..Default::default()
        }]
    })
}

/// `mutatePodAffinity` (MatchLabelKeysInPodAffinity): each pod (anti-)affinity term's
/// `matchLabelKeys` and `mismatchLabelKeys` become `key In (value)` and `key NotIn
/// (value)` requirements of its label selector, with the pod's own values (keys the pod
/// does not have are left out; a term without a selector matches nothing and stays).
pub(crate) fn merge_pod_affinity_label_keys(pod: &mut Pod) {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let Some(affinity) = pod.spec.as_mut().and_then(|s| s.affinity.as_mut()) else {
        return;
    };
    let merge = |term: &mut k8s_openapi::api::core::v1::PodAffinityTerm| {
        let Some(selector) = term.label_selector.as_mut() else {
            return;
        };
        for (keys, operator) in [
            (&term.match_label_keys, "In"),
            (&term.mismatch_label_keys, "NotIn"),
        ] {
            for key in keys.iter().flatten() {
                if let Some(value) = labels.get(key) {
                    selector
                        .match_expressions
                        .get_or_insert_with(Vec::new)
                        .push(LabelSelectorRequirement {
                            key: key.clone(),
                            operator: operator.into(),
                            values: Some(vec![value.clone()]),
                        });
                }
            }
        }
    };
    if let Some(a) = affinity.pod_affinity.as_mut() {
        a.required_during_scheduling_ignored_during_execution
            .iter_mut()
            .flatten()
            .for_each(merge);
        a.preferred_during_scheduling_ignored_during_execution
            .iter_mut()
            .flatten()
            .for_each(|w| merge(&mut w.pod_affinity_term));
    }
    if let Some(a) = affinity.pod_anti_affinity.as_mut() {
        a.required_during_scheduling_ignored_during_execution
            .iter_mut()
            .flatten()
            .for_each(merge);
        a.preferred_during_scheduling_ignored_during_execution
            .iter_mut()
            .flatten()
            .for_each(|w| merge(&mut w.pod_affinity_term));
    }
}

impl ApiServer {
    /// The system classes, made when the server starts if missing (as kube-apiserver's
    /// post-start hook does, so a state saved before they existed gets them). Their
    /// uids leave the random stream alone, as node leases' do.
    pub(crate) fn create_system_priority_classes(&mut self, now: SimTime) {
        for (name, value, description) in SYSTEM_PRIORITY_CLASSES {
            if self.priority_classes.get("", name).is_some() {
                continue;
            }
            let pc = PriorityClass {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    ..Default::default()
                },
                value,
                description: Some(description.into()),
                preemption_policy: Some(PREEMPT_LOWER_PRIORITY.into()),
                global_default: None,
            };
            // Fixed, valid names: this cannot fail.
            let _ = self.insert_with(
                |a| &mut a.priority_classes,
                "priorityclasses",
                pc,
                now,
                Uids::FromVersion,
            );
        }
    }

    pub fn create_priority_class(
        &mut self,
        mut pc: PriorityClass,
        now: SimTime,
    ) -> Result<&PriorityClass, ApiError> {
        self.prepare_cluster_scoped(
            "PriorityClass",
            &mut pc.metadata,
            meta::validate_dns1123_subdomain,
        )?;
        Self::check_meta("PriorityClass", &pc.metadata)?;
        pc.preemption_policy
            .get_or_insert_with(|| PREEMPT_LOWER_PRIORITY.into());
        let causes = validate(&pc);
        if !causes.is_empty() {
            return Err(invalid(&pc, causes));
        }
        if pc.global_default == Some(true) {
            if let Some(other) = self.default_priority_class() {
                return Err(ApiError::Forbidden {
                    resource: "priorityclasses",
                    name: pc.metadata.name.clone().unwrap_or_default(),
                    reason: format!(
                        "PriorityClass {} is already marked as default. Only one default can exist",
                        other.metadata.name.as_deref().unwrap_or_default()
                    ),
                });
            }
        }
        self.insert(|a| &mut a.priority_classes, "priorityclasses", pc, now)
    }

    /// `ValidatePriorityClassUpdate`: value and preemption policy are immutable.
    pub fn update_priority_class(
        &mut self,
        mut pc: PriorityClass,
    ) -> Result<&PriorityClass, ApiError> {
        let (_, name) = super::key_of(&pc.metadata);
        let Some(old) = self.priority_classes.get("", &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "priorityclasses",
                name,
            });
        };
        pc.preemption_policy
            .get_or_insert_with(|| PREEMPT_LOWER_PRIORITY.into());
        let mut causes = validate(&pc);
        if pc.value != old.value {
            causes.push(FieldError::forbidden(
                "value",
                "may not be changed in an update.",
            ));
        }
        if pc.preemption_policy != old.preemption_policy {
            causes.push(FieldError::invalid(
                "preemptionPolicy",
                pc.preemption_policy.as_deref().unwrap_or_default(),
                "field is immutable",
            ));
        }
        if !causes.is_empty() {
            return Err(invalid(&pc, causes));
        }
        self.replace(|a| &mut a.priority_classes, "priorityclasses", pc)
    }

    /// The class marked `globalDefault` (the lowest value if several are).
    fn default_priority_class(&self) -> Option<&PriorityClass> {
        self.priority_classes
            .list()
            .filter(|pc| pc.global_default == Some(true))
            .min_by_key(|pc| pc.value)
    }

    /// The Priority admission plugin on a new pod: its class (named, or the global
    /// default) gives its `priority` and `preemptionPolicy`; a class that does not
    /// exist, or a priority that disagrees with the class, is forbidden.
    pub(crate) fn admit_pod_priority(&self, pod: &mut Pod) -> Result<(), ApiError> {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let Some(spec) = pod.spec.as_mut() else {
            return Ok(());
        };
        let forbidden = |reason: String| ApiError::Forbidden {
            resource: "pods",
            name: name.clone(),
            reason,
        };
        let class = match spec
            .priority_class_name
            .as_deref()
            .filter(|n| !n.is_empty())
        {
            Some(class) => Some(self.priority_classes.get("", class).ok_or_else(|| {
                forbidden(format!("no PriorityClass with name {class} was found"))
            })?),
            None => self.default_priority_class(),
        };
        let (priority, policy) = match class {
            Some(pc) => {
                spec.priority_class_name = pc.metadata.name.clone();
                (pc.value, pc.preemption_policy.clone())
            }
            None => (0, None),
        };
        if let Some(given) = spec.priority.filter(|&p| p != priority) {
            return Err(forbidden(format!(
                "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
            )));
        }
        spec.priority = Some(priority);
        if spec.preemption_policy.is_none() {
            spec.preemption_policy = Some(policy.unwrap_or_else(|| PREEMPT_LOWER_PRIORITY.into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(class: Option<&str>, priority: Option<i32>) -> Pod {
        let mut spec = serde_json::json!({"containers": [{"name": "c", "image": "nginx"}]});
        if let Some(c) = class {
            spec["priorityClassName"] = serde_json::json!(c);
        }
        if let Some(p) = priority {
            spec["priority"] = serde_json::json!(p);
        }
        serde_json::from_value(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}))
            .unwrap()
    }

    /// The Priority admission plugin: the system classes resolve, a missing class and a
    /// priority that disagrees with the class are forbidden, no class means 0.
    #[test]
    fn pods_get_their_class_priority() {
        let api = ApiServer::new(1, SimTime(0));
        let admit = |class, priority| {
            let mut p = pod(class, priority);
            api.admit_pod_priority(&mut p).map(|()| {
                let s = p.spec.unwrap();
                (s.priority, s.priority_class_name, s.preemption_policy)
            })
        };
        assert_eq!(
            admit(Some("system-node-critical"), None),
            Ok((
                Some(2_000_001_000),
                Some("system-node-critical".into()),
                Some("PreemptLowerPriority".into())
            ))
        );
        assert_eq!(
            admit(None, None),
            Ok((Some(0), None, Some("PreemptLowerPriority".into())))
        );
        assert_eq!(
            admit(None, Some(0)),
            Ok((Some(0), None, Some("PreemptLowerPriority".into())))
        );
        let forbidden = |reason: &str| {
            Err(ApiError::Forbidden {
                resource: "pods",
                name: "p".into(),
                reason: reason.into(),
            })
        };
        assert_eq!(
            admit(Some("gold"), None),
            forbidden("no PriorityClass with name gold was found")
        );
        assert_eq!(
            admit(Some("system-cluster-critical"), Some(5)),
            forbidden("the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000000000 from the given PriorityClass name")
        );
    }

    /// A new pod's affinity terms get their matchLabelKeys and mismatchLabelKeys as
    /// selector requirements with the pod's own values.
    #[test]
    fn match_label_keys_are_merged_at_creation() {
        let mut api = ApiServer::new(1, SimTime(0));
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "labels": {"app": "web", "tenant": "t1"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}],
                "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchExpressions": [{"key": "tier", "operator": "Exists"}]},
                    "matchLabelKeys": ["app", "missing"], "mismatchLabelKeys": ["tenant"],
                    "topologyKey": "kubernetes.io/hostname"}]}}}
        }))
        .unwrap();
        let stored = api.create_pod(pod, SimTime(0)).unwrap();
        let term = &stored
            .spec
            .as_ref()
            .unwrap()
            .affinity
            .as_ref()
            .unwrap()
            .pod_anti_affinity
            .as_ref()
            .unwrap()
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()[0];
        let exprs: Vec<_> = term
            .label_selector
            .as_ref()
            .unwrap()
            .match_expressions
            .iter()
            .flatten()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.operator.as_str(),
                    r.values.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            exprs,
            [
                ("tier", "Exists", vec![]),
                ("app", "In", vec!["web".to_string()]),
                ("tenant", "NotIn", vec!["t1".to_string()])
            ]
        );
    }

    /// Updates keep the value and the preemption policy.
    #[test]
    fn value_and_policy_are_immutable() {
        let mut api = ApiServer::new(1, SimTime(0));
        let mut pc = api
            .priority_classes
            .get("", "system-node-critical")
            .cloned()
            .unwrap();
        pc.value += 1;
        let err = api.update_priority_class(pc).unwrap_err().to_string();
        assert!(
            err.contains("value: Forbidden: may not be changed in an update."),
            "{err}"
        );
    }
}
