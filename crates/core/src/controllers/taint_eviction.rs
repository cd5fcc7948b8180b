//! The taint eviction controller (kube-controller-manager's `taint-eviction-controller`,
//! formerly the NoExecute taint manager): a pod on a node with a `NoExecute` taint it does
//! not tolerate is evicted at once; one that tolerates every such taint stays for the
//! shortest `tolerationSeconds` among the tolerations used (for ever when none sets it).
//! An eviction records `TaintManagerEviction` events, adds the `DisruptionTarget`
//! condition and deletes the pod gracefully; a taint removed in time cancels it.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::taints::tolerates;
use crate::model::{Pod, PodCondition, Taint, Toleration};
use serde::{Deserialize, Serialize};

pub const COMPONENT: &str = "taint-eviction-controller";

/// A scheduled eviction: when the controller started counting and when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Work {
    created: SimTime,
    trigger: SimTime,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TaintEviction {
    /// Scheduled evictions by `namespace/name`.
    pending: Keyed<String, Work>,
}

/// What the controller wants for one pod.
enum Plan {
    /// No NoExecute taint applies, or every one is tolerated for ever.
    Keep,
    /// A NoExecute taint is not tolerated: evict now (replacing any scheduled eviction).
    EvictNow,
    /// Evict after this many milliseconds (0: now).
    EvictAfter(u64),
}

/// kubelet's `GetMatchingTolerations` then the controller's `getMinTolerationTime`.
fn plan(taints: &[&Taint], tolerations: &[Toleration]) -> Plan {
    if taints.is_empty() {
        return Plan::Keep;
    }
    let mut used = Vec::new();
    for taint in taints {
        match tolerations.iter().find(|t| tolerates(t, taint)) {
            Some(t) => used.push(t),
            None => return Plan::EvictNow,
        }
    }
    let mut min: Option<i64> = None;
    for t in used {
        if let Some(secs) = t.toleration_seconds {
            if secs <= 0 {
                return Plan::EvictAfter(0);
            }
            min = Some(min.map_or(secs, |m| m.min(secs)));
        }
    }
    match min {
        Some(secs) => Plan::EvictAfter(secs as u64 * 1000),
        None => Plan::Keep,
    }
}

impl Controller for TaintEviction {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(self.reconcile(ctx.api, ctx.now))
    }

    /// The next time a scheduled eviction fires.
    fn next_due(&self) -> Option<SimTime> {
        self.pending.values().map(|w| w.trigger).min()
    }
}

impl TaintEviction {
    /// Reconciles every bound pod with its node's taints and carries out the evictions
    /// due. Returns whether anything changed.
    fn reconcile(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let tainted = api.nodes.list().any(|n| {
            n.spec
                .as_ref()
                .and_then(|s| s.taints.as_ref())
                .is_some_and(|ts| ts.iter().any(|t| t.effect == "NoExecute"))
        });
        if !tainted && self.pending.is_empty() {
            return false;
        }
        let mut changed = false;
        let mut plans: Vec<(String, String, String, Plan)> = Vec::new();
        let mut live = std::collections::BTreeSet::new();
        for pod in api.pods.list() {
            let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
                continue;
            };
            if pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            let name = pod.metadata.name.clone().unwrap_or_default();
            let key = format!("{ns}/{name}");
            live.insert(key.clone());
            let taints: Vec<&Taint> = api
                .nodes
                .get("", node_name)
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.taints.as_ref())
                .map(|ts| ts.iter().filter(|t| t.effect == "NoExecute").collect())
                .unwrap_or_default();
            let tolerations = pod
                .spec
                .as_ref()
                .and_then(|s| s.tolerations.clone())
                .unwrap_or_default();
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            plans.push((key, uid, node_name.to_string(), plan(&taints, &tolerations)));
        }
        // Pods gone or being deleted need nothing more.
        self.pending.retain(|k, _| live.contains(k));
        for (key, uid, _node, plan) in plans {
            match plan {
                Plan::Keep => {
                    if self.pending.remove(&key).is_some() {
                        cancelled(api, &key, &uid, now);
                        changed = true;
                    }
                }
                Plan::EvictNow => {
                    if self.pending.get(&key).is_some_and(|w| w.trigger > now) {
                        cancelled(api, &key, &uid, now);
                    }
                    self.pending.insert(
                        key,
                        Work {
                            created: now,
                            trigger: now,
                        },
                    );
                }
                // An eviction already counting keeps its time.
                Plan::EvictAfter(ms) => {
                    self.pending.get_or_insert_with(key, || Work {
                        created: now,
                        trigger: now.plus_ms(ms),
                    });
                }
            }
        }
        let due: Vec<(String, Work)> = self
            .pending
            .iter()
            .filter(|(_, w)| w.trigger <= now)
            .map(|(k, w)| (k.clone(), *w))
            .collect();
        for (key, _) in due {
            self.pending.remove(&key);
            let Some((ns, name)) = key.split_once('/') else {
                continue;
            };
            let Some(pod) = api.pods.get(ns, name).cloned() else {
                continue;
            };
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            event(
                api,
                &key,
                &uid,
                format!("Marking for deletion Pod {key}"),
                now,
            );
            let _ = api.update_pod(with_disruption_condition(pod, now));
            let _ = api.delete_pod_gracefully(ns, name, None, now);
            changed = true;
        }
        changed
    }
}

/// The event for a scheduled eviction that no longer applies.
fn cancelled(api: &mut ApiServer, key: &str, uid: &str, now: SimTime) {
    event(
        api,
        key,
        uid,
        format!("Cancelling deletion of Pod {key}"),
        now,
    );
}

fn event(api: &mut ApiServer, key: &str, uid: &str, message: String, now: SimTime) {
    let Some((ns, name)) = key.split_once('/') else {
        return;
    };
    api.record_event(
        EventRecord {
            object_kind: "Pod",
            namespace: ns,
            object_name: name,
            object_uid: uid,
            reason: "TaintManagerEviction",
            message,
            warning: false,
            component: COMPONENT,
            host: None,
            field_path: None,
        },
        now,
    );
}

/// The pod with `DisruptionTarget=True` (reason DeletionByTaintManager).
fn with_disruption_condition(mut pod: Pod, now: SimTime) -> Pod {
    let status = pod.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    conditions.retain(|c| c.type_ != "DisruptionTarget");
    conditions.push(PodCondition {
        type_: "DisruptionTarget".into(),
        status: "True".into(),
        reason: Some("DeletionByTaintManager".into()),
        message: Some("Taint manager: deleting due to NoExecute taint".into()),
        last_transition_time: Some(now.to_time()),
        ..Default::default()
    });
    pod
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str) -> Taint {
        Taint {
            key: key.into(),
            value: Some("v".into()),
            effect: "NoExecute".into(),
            ..Default::default()
        }
    }

    fn tol(key: &str, secs: Option<i64>) -> Toleration {
        Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: secs,
            ..Default::default()
        }
    }

    #[test]
    fn plans_follow_the_controller() {
        let (a, b) = (taint("a"), taint("b"));
        let cases: Vec<(Vec<&Taint>, Vec<Toleration>, Option<u64>)> = vec![
            (vec![], vec![], None),
            (vec![&a], vec![], Some(0)),
            (vec![&a], vec![tol("a", None)], None),
            (vec![&a], vec![tol("a", Some(60))], Some(60_000)),
            (
                vec![&a, &b],
                vec![tol("a", Some(60)), tol("b", Some(30))],
                Some(30_000),
            ),
            (vec![&a, &b], vec![tol("a", None)], Some(0)),
            (vec![&a], vec![tol("a", Some(0))], Some(0)),
        ];
        for (taints, tols, want) in cases {
            let got = match plan(&taints, &tols) {
                Plan::Keep => None,
                Plan::EvictNow => Some(0),
                Plan::EvictAfter(ms) => Some(ms),
            };
            assert_eq!(got, want, "{taints:?} {tols:?}");
        }
    }
}
