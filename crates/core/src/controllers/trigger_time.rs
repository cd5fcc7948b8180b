//! The endpoints controllers' trigger-time tracker (k8s.io/endpointslice's
//! TriggerTimeTracker): when the change that an Endpoints or EndpointSlice write
//! reflects happened, for the `endpoints.kubernetes.io/last-change-trigger-time`
//! annotation. A pod's trigger is its Ready condition's last transition, a Service's its
//! creation; a write reflects the earliest of those that moved since the Service's last
//! sync, or the Service's creation when the tracker first sees it.

use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::{Pod, ResourceExt, Service};
use std::collections::BTreeMap;

/// v1.EndpointsLastChangeTriggerTime.
pub const ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// What the tracker last saw of one Service: its trigger and its pods' triggers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct ServiceState {
    service: SimTime,
    pods: Keyed<String, SimTime>,
}

/// The tracker of one controller, by Service (`namespace/name`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TriggerTimes {
    services: Keyed<String, ServiceState>,
}

/// getPodTriggerTime: the Ready condition's last transition, if the pod has one.
fn pod_trigger(p: &Pod) -> Option<SimTime> {
    let conditions = p.status.as_ref()?.conditions.as_ref()?;
    let ready = conditions.iter().find(|c| c.type_ == "Ready")?;
    ready.last_transition_time.as_ref().map(SimTime::from_time)
}

impl TriggerTimes {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// ComputeEndpointLastChangeTriggerTime for `svc` and the pods its selector picks.
    pub fn compute(&mut self, svc: &Service, pods: &[&Pod]) -> Option<SimTime> {
        let key = format!("{}/{}", svc.namespace_any(), svc.name_any());
        let known = self.services.get(&key).cloned();
        let last = known.clone().unwrap_or_default();
        let mut changed: Option<SimTime> = None;
        let mut earliest = |t: SimTime| changed = Some(changed.map_or(t, |c| c.min(t)));
        let mut seen = Keyed::new();
        for pod in pods {
            let Some(t) = pod_trigger(pod) else { continue };
            let name = pod.name_any().to_string();
            if last.pods.get(&name).is_none_or(|l| t > *l) {
                earliest(t);
            }
            seen.insert(name, t);
        }
        let service = svc
            .metadata
            .creation_timestamp
            .as_ref()
            .map(SimTime::from_time)
            .unwrap_or_default();
        if known.is_none() || service > last.service {
            earliest(service);
        }
        self.services.insert(
            key,
            ServiceState {
                service,
                pods: seen,
            },
        );
        match known {
            None => Some(service),
            Some(_) => changed,
        }
    }

    /// Forgets the Services `exists` no longer finds (DeleteService).
    pub fn retain(&mut self, exists: impl Fn(&str, &str) -> bool) {
        self.services.retain(|key, _| {
            let (ns, name) = key.split_once('/').unwrap_or_default();
            exists(ns, name)
        });
    }
}

/// Sets the annotation to `time` (RFC 3339, as the API's timestamps), or removes it
/// when no change is known.
pub fn annotate(annotations: &mut Option<BTreeMap<String, String>>, time: Option<SimTime>) {
    match time {
        Some(t) => {
            let text = serde_json::to_value(t.to_time())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(ANNOTATION.into(), text);
        }
        None => {
            if let Some(map) = annotations.as_mut() {
                map.remove(ANNOTATION);
            }
            if annotations.as_ref().is_some_and(BTreeMap::is_empty) {
                *annotations = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectMeta;
    use k8s_openapi::api::core::v1::{PodCondition, PodStatus};

    fn pod(name: &str, ready_since: Option<u64>) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            status: Some(PodStatus {
                conditions: ready_since.map(|s| {
                    vec![PodCondition {
                        type_: "Ready".into(),
                        status: "True".into(),
                        last_transition_time: Some(SimTime::from_secs(s).to_time()),
                        ..Default::default()
                    }]
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn earliest_change_since_the_last_sync() {
        let svc = Service {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                creation_timestamp: Some(SimTime::from_secs(10).to_time()),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut t = TriggerTimes::default();
        let secs = |s: u64| Some(SimTime::from_secs(s));
        // (pods with their Ready transitions, the trigger time)
        type Step<'a> = (&'a [(&'a str, Option<u64>)], Option<SimTime>);
        let table: &[Step] = &[
            // A new Service: its creation.
            (&[("a", Some(5))], secs(10)),
            // Nothing moved.
            (&[("a", Some(5))], None),
            // A pod without a Ready condition is no trigger.
            (&[("a", Some(5)), ("b", None)], None),
            // Two pods changed: the earlier one.
            (&[("a", Some(30)), ("b", Some(25))], secs(25)),
            (&[("a", Some(30)), ("b", Some(25))], None),
        ];
        for (i, (pods, want)) in table.iter().enumerate() {
            let pods: Vec<Pod> = pods.iter().map(|(n, s)| pod(n, *s)).collect();
            let refs: Vec<&Pod> = pods.iter().collect();
            assert_eq!(t.compute(&svc, &refs), *want, "step {i}");
        }
        let mut annotations = None;
        annotate(&mut annotations, secs(25));
        assert_eq!(
            annotations
                .as_ref()
                .and_then(|a| a.get(ANNOTATION))
                .map(String::as_str),
            Some("2026-01-05T09:00:25Z")
        );
        annotate(&mut annotations, None);
        assert_eq!(annotations, None);
        t.retain(|_, _| false);
        assert!(t.is_empty());
    }
}
