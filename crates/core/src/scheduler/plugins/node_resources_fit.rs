//! NodeResourcesFit: the pod's requests must fit in what the node has left (cpu,
//! memory, pod count); nodes are scored with the LeastAllocated strategy.

use crate::model::Pod;
use crate::scheduler::framework::{
    node_hint, ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Reason, Reasons,
    ScorePlugin, Status, MAX_NODE_SCORE,
};

pub struct NodeResourcesFit;

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        "NodeResourcesFit"
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let want = pod.requests;
        let mut reasons = Reasons::default();
        let free = |allocatable: i64, requested: i64| allocatable.saturating_sub(requested);
        if node.requested.pods.saturating_add(1) > node.allocatable.pods {
            reasons.push(Reason::Fixed("Too many pods"));
        }
        if want.milli_cpu > 0
            && want.milli_cpu > free(node.allocatable.milli_cpu, node.requested.milli_cpu)
        {
            reasons.push(Reason::Fixed("Insufficient cpu"));
        }
        if want.memory > 0 && want.memory > free(node.allocatable.memory, node.requested.memory) {
            reasons.push(Reason::Fixed("Insufficient memory"));
        }
        if reasons.is_empty() {
            Status::success()
        } else {
            Status::Rejected {
                code: crate::scheduler::framework::Code::Unschedulable,
                reasons,
            }
        }
    }

    /// A deleted bound pod frees requests; a node is judged by its allocatable.
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::AssignedPodDeleted => QueueingHint::Queue,
            _ => node_hint(self, pod, event),
        }
    }
}

/// `leastRequestedScore`: the share of capacity left free, 0..=100.
fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 || requested > capacity {
        return 0;
    }
    // (capacity - requested) * 100 overflows 64 bits only past 92 PB: then in 128.
    const LIMIT: i64 = i64::MAX / MAX_NODE_SCORE;
    if capacity <= LIMIT && requested >= 0 {
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }
    let (c, r) = (i128::from(capacity), i128::from(requested));
    ((c - r) * i128::from(MAX_NODE_SCORE) / c) as i64
}

impl ScorePlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        "NodeResourcesFit"
    }

    fn weight(&self) -> i64 {
        1
    }

    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        out.extend(nodes.iter().map(|n| self.score(pod, n)));
    }

    /// LeastAllocated over cpu and memory, each with weight 1.
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let want = pod.non_zero_requests;
        let cpu = least_requested(
            node.non_zero_requested
                .milli_cpu
                .saturating_add(want.milli_cpu),
            node.allocatable.milli_cpu,
        );
        let mem = least_requested(
            node.non_zero_requested.memory.saturating_add(want.memory),
            node.allocatable.memory,
        );
        (cpu + mem) / 2
    }
}
