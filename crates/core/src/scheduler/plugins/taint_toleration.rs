//! TaintToleration: filter on untolerated NoSchedule/NoExecute taints; score nodes by
//! how few PreferNoSchedule taints the pod does not tolerate.

use crate::model::{taints, Pod};
use crate::scheduler::framework::{
    default_normalize, node_hint, ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint,
    Reason, ScorePlugin, Status,
};

pub struct TaintToleration;

impl FilterPlugin for TaintToleration {
    fn name(&self) -> &'static str {
        "TaintToleration"
    }

    fn node_only(&self) -> bool {
        true
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        // The first NoSchedule/NoExecute taint no toleration tolerates; the node worked
        // out each taint's reason once.
        let untolerated = node
            .hard_taints
            .iter()
            .find(|&&i| !taints::tolerated_by(pod.tolerations, &node.taints[i]));
        match untolerated {
            None => Status::success(),
            Some(&i) => Status::unresolvable(Reason::Shared(node.taint_reasons[i].clone())),
        }
    }

    /// New tolerations may tolerate what rejected the pod.
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::PodTolerationsChanged => QueueingHint::Queue,
            _ => node_hint(self, pod, event),
        }
    }
}

impl ScorePlugin for TaintToleration {
    fn name(&self) -> &'static str {
        "TaintToleration"
    }

    fn weight(&self) -> i64 {
        3
    }

    /// The number of intolerable PreferNoSchedule taints (lower is better).
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        if !node.soft_taints {
            return 0;
        }
        // Only tolerations whose effect is empty or PreferNoSchedule count here.
        let counts = |t: &&crate::model::Toleration| {
            t.effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == "PreferNoSchedule")
        };
        node.taints
            .iter()
            .filter(|taint| {
                taint.effect == "PreferNoSchedule"
                    && !pod
                        .tolerations
                        .iter()
                        .filter(counts)
                        .any(|t| taints::tolerates(t, taint))
            })
            .count() as i64
    }

    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        out.extend(nodes.iter().map(|n| self.score(pod, n)));
    }

    fn normalize(&self, scores: &mut [i64]) {
        default_normalize(scores, true);
    }
}
