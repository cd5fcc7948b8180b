//! The pod garbage collector (kube-controller-manager's pod-garbage-collector,
//! pkg/controller/podgc). It runs every 20 s (its gcCheckPeriod) and
//! - force-deletes orphaned pods: a pod bound to a node that does not exist puts that
//!   node in quarantine for 40 s (its quarantineTime: the node may yet show up); at the
//!   first run after that, if the node is still missing, each of its pods not already
//!   finished is marked `Failed` with the condition `DisruptionTarget` (reason
//!   DeletionByPodGC, "PodGC: node no longer exists"), and every one of them is deleted
//!   with a grace period of 0. Runs fall on multiples of 20 s of simulated time, so a
//!   pod bound to a missing node goes 40–60 s after it was seen.
//! - deletes terminated pods (Succeeded or Failed) beyond `--terminated-pod-gc-threshold`
//!   (12,500), evicted ones first, then oldest first (here at once rather than at the
//!   next run).
//!
//! It records no events, only log lines ("Found orphaned Pod assigned to the Node,
//! deleting"). A pod that is terminating and was never scheduled needs no collector here:
//! the API server removes it at once. Terminating pods on out-of-service nodes are not
//! collected (no node gets that taint).

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::{Pod, PodCondition};
use serde::{Deserialize, Serialize};

/// kube-controller-manager's `--terminated-pod-gc-threshold` default.
pub const TERMINATED_POD_GC_THRESHOLD: usize = 12_500;
/// How often the collector runs (gcCheckPeriod).
const GC_CHECK_PERIOD_MS: u64 = 20_000;
/// How long a missing node is waited for before its pods go (quarantineTime).
const QUARANTINE_MS: u64 = 40_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PodGc {
    /// Nodes that pods are bound to but that do not exist, with the run at which their
    /// pods go if the node is still missing.
    #[serde(default)]
    quarantine: Keyed<String, SimTime>,
    /// What the last look at every pod saw: pods created, nodes. A pod is orphaned only
    /// when it is created bound to a missing node or its node goes, so while neither
    /// changed and no quarantine is due there is nothing to look at (a restored cluster
    /// looks again).
    #[serde(skip)]
    looked: Option<(u64, usize)>,
}

impl PodGc {
    /// Nothing in quarantine (snapshots then leave it out).
    pub fn is_idle(&self) -> bool {
        self.quarantine.is_empty()
    }
}

impl Controller for PodGc {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let terminated = gc_terminated(ctx.api, TERMINATED_POD_GC_THRESHOLD);
        terminated | self.gc_orphaned(ctx.api, ctx.now)
    }

    fn next_due(&self) -> Option<SimTime> {
        self.quarantine.values().copied().min()
    }
}

impl PodGc {
    fn gc_orphaned(&mut self, api: &mut ApiServer, now: SimTime) -> Progress {
        let seen = (api.pods_created(), api.nodes.len());
        let due = self.quarantine.values().any(|t| *t <= now);
        if self.looked == Some(seen) && !due {
            return Progress::Idle;
        }
        self.looked = Some(seen);
        // Pods of one node mostly follow each other: the last node looked up is
        // remembered, so a busy cluster costs a comparison per pod, not a lookup.
        let mut last: Option<(&str, bool)> = None;
        let mut missing = std::collections::BTreeSet::new();
        for node in api
            .pods
            .list()
            .filter_map(|p| p.spec.as_ref()?.node_name.as_deref())
        {
            let found = match last {
                Some((name, found)) if name == node => found,
                _ => node.is_empty() || api.nodes.get("", node).is_some(),
            };
            last = Some((node, found));
            if !found {
                missing.insert(node);
            }
        }
        // A node that showed up (or whose pods went) is out of quarantine.
        self.quarantine.retain(|n, _| missing.contains(n.as_str()));
        let first_run = SimTime(now.0.div_ceil(GC_CHECK_PERIOD_MS) * GC_CHECK_PERIOD_MS);
        for node in &missing {
            self.quarantine
                .get_or_insert_with(node.to_string(), || first_run.plus_ms(QUARANTINE_MS));
        }
        let gone: Vec<String> = self
            .quarantine
            .iter()
            .filter(|(_, due)| **due <= now)
            .map(|(n, _)| n.clone())
            .collect();
        if gone.is_empty() {
            return Progress::Idle;
        }
        let orphans: Vec<Pod> = api
            .pods
            .list()
            .filter(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_some_and(|n| gone.contains(n))
            })
            .cloned()
            .collect();
        for node in &gone {
            self.quarantine.remove(node);
        }
        for pod in orphans {
            let condition = PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: Some("DeletionByPodGC".into()),
                message: Some("PodGC: node no longer exists".into()),
                last_transition_time: Some(now.to_time()),
                ..Default::default()
            };
            mark_failed_and_delete(api, pod, Some(condition));
        }
        Progress::Changed
    }
}

/// Terminated pods beyond `threshold` go, evicted ones first, then the oldest.
fn gc_terminated(api: &mut ApiServer, threshold: usize) -> Progress {
    // Fewer pods than the threshold: fewer terminated ones too, without a look at each.
    if api.pods.len() <= threshold {
        return Progress::Idle;
    }
    let phase = |p: &Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .map(str::to_string)
    };
    let terminated = |p: &&Pod| matches!(phase(p).as_deref(), Some("Succeeded" | "Failed"));
    let count = api.pods.list().filter(terminated).count();
    if count <= threshold {
        return Progress::Idle;
    }
    let mut pods: Vec<&Pod> = api.pods.list().filter(terminated).collect();
    crate::sort::sort_by_key(&mut pods, |p| {
        let evicted = phase(p).as_deref() == Some("Failed")
            && p.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted");
        (
            !evicted,
            p.metadata.creation_timestamp.as_ref().map(|t| t.0),
            p.metadata.name.clone(),
        )
    });
    let doomed: Vec<Pod> = pods.into_iter().take(count - threshold).cloned().collect();
    for pod in doomed {
        mark_failed_and_delete(api, pod, None);
    }
    Progress::Changed
}

/// `markFailedAndDeletePodWithCondition`: a pod not yet finished is first marked
/// `Failed` (with the condition), then it is deleted with a grace period of 0.
fn mark_failed_and_delete(api: &mut ApiServer, mut pod: Pod, condition: Option<PodCondition>) {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    if !matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
        status.phase = Some("Failed".into());
        if let Some(condition) = condition {
            let conditions = status.conditions.get_or_insert_with(Vec::new);
            match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
                Some(c) => *c = condition,
                None => conditions.push(condition),
            }
        }
        let _ = api.update_pod(pod);
    }
    let _ = api.delete_pod(&ns, &name);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, phase: &str, reason: Option<&str>) -> Pod {
        Pod {
            metadata: crate::model::ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(crate::model::PodSpec {
                containers: vec![crate::model::Container {
                    name: "c".into(),
                    image: Some("busybox".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: Some(crate::model::PodStatus {
                phase: Some(phase.into()),
                reason: reason.map(str::to_string),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn terminated_pods_beyond_the_threshold_go_evicted_then_oldest_first() {
        let mut api = ApiServer::new(1, SimTime(0));
        let pods = [
            ("old-done", "Succeeded", None, 0),
            ("running", "Running", None, 1_000),
            ("new-failed", "Failed", None, 2_000),
            ("evicted", "Failed", Some("Evicted"), 3_000),
            ("newest-done", "Succeeded", None, 4_000),
        ];
        for (name, phase, reason, at) in pods {
            let created = api
                .create_pod(pod(name, phase, reason), SimTime(at))
                .unwrap();
            // Creation resets the status: set it as the kubelet would have.
            let mut p = created.clone();
            p.status = pod(name, phase, reason).status;
            api.update_pod(p).unwrap();
        }
        assert_eq!(gc_terminated(&mut api, 4), Progress::Idle);
        assert_eq!(gc_terminated(&mut api, 2), Progress::Changed);
        let left: Vec<_> = api
            .pods
            .list()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        assert_eq!(left, ["new-failed", "newest-done", "running"]);
    }
}
