//! NodeResourcesFit: the pod's requests must fit in what the node has left (cpu,
//! memory, pod count); nodes are scored with the LeastAllocated strategy.

use crate::model::Pod;
use crate::scheduler::framework::{
    node_hint, ClusterEvent, Code, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Reason, Reasons,
    ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The reason when the node runs as many pods as it allows.
pub const ERR_REASON_TOO_MANY_PODS: &str = "Too many pods";
/// `Insufficient <resource>` for cpu and memory.
pub const ERR_REASON_CPU: &str = "Insufficient cpu";
pub const ERR_REASON_MEMORY: &str = "Insufficient memory";

pub struct NodeResourcesFit;

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        "NodeResourcesFit"
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let want = pod.requests;
        let mut reasons = Reasons::default();
        // A request beyond the node's whole allocatable cannot be met by preempting
        // (`InsufficientResource.Unresolvable`).
        let mut code = Code::Unschedulable;
        let free = |allocatable: i64, requested: i64| allocatable.saturating_sub(requested);
        if node.requested.pods.saturating_add(1) > node.allocatable.pods {
            reasons.push(Reason::Fixed(ERR_REASON_TOO_MANY_PODS));
        }
        if want.milli_cpu > 0
            && want.milli_cpu > free(node.allocatable.milli_cpu, node.requested.milli_cpu)
        {
            reasons.push(Reason::Fixed(ERR_REASON_CPU));
            if want.milli_cpu > node.allocatable.milli_cpu {
                code = Code::UnschedulableAndUnresolvable;
            }
        }
        if want.memory > 0 && want.memory > free(node.allocatable.memory, node.requested.memory) {
            reasons.push(Reason::Fixed(ERR_REASON_MEMORY));
            if want.memory > node.allocatable.memory {
                code = Code::UnschedulableAndUnresolvable;
            }
        }
        if reasons.is_empty() {
            Status::success()
        } else {
            Status::Rejected { code, reasons }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;
    use crate::scheduler::testing::{filter, make_node, make_pod, scores, MakePod};

    fn rejected(reasons: &[&'static str]) -> Option<Status> {
        let mut all = Reasons::default();
        for r in reasons {
            all.push(Reason::Fixed(r));
        }
        Some(Status::Rejected {
            code: Code::Unschedulable,
            reasons: all,
        })
    }

    /// kube-scheduler's `TestEnoughRequests` and `TestNotEnoughRequests`: a node with
    /// 10m cpu, 20 bytes of memory and room for 32 pods (or 1), one pod already there.
    #[test]
    fn filter_checks_requests_against_what_is_left() {
        let ok = Some(Status::success());
        let cpu = rejected(&[ERR_REASON_CPU]);
        let memory = rejected(&[ERR_REASON_MEMORY]);
        let req = |cpu: &str, mem: &str| make_pod().req(cpu, mem);
        // (name, pod, the requests of the pod already there, allocatable pods, verdict).
        type Case<'a> = (
            &'a str,
            MakePod,
            (&'a str, &'a str),
            &'a str,
            Option<Status>,
        );
        let cases: Vec<Case> = vec![
            (
                "no resources requested always fits",
                make_pod(),
                ("10m", "20"),
                "32",
                ok.clone(),
            ),
            (
                "too many resources fails",
                req("1m", "1"),
                ("10m", "20"),
                "32",
                rejected(&[ERR_REASON_CPU, ERR_REASON_MEMORY]),
            ),
            (
                "fails due to init container cpu",
                req("1m", "1").init_req("3m", "1"),
                ("8m", "19"),
                "32",
                cpu.clone(),
            ),
            (
                "fails due to the highest init container cpu",
                req("1m", "1").init_req("3m", "1").init_req("2m", "1"),
                ("8m", "19"),
                "32",
                cpu.clone(),
            ),
            (
                "fails due to init container memory",
                req("1m", "1").init_req("1m", "3"),
                ("9m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "fails due to the highest init container memory",
                req("1m", "1").init_req("1m", "3").init_req("1m", "2"),
                ("9m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "init containers count by their max, not their sum",
                req("1m", "1").init_req("1m", "1").init_req("1m", "1"),
                ("9m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "both resources fit",
                req("1m", "1"),
                ("5m", "5"),
                "32",
                ok.clone(),
            ),
            (
                "memory fits, cpu does not",
                req("2m", "1"),
                ("9m", "5"),
                "32",
                cpu.clone(),
            ),
            (
                "cpu fits, memory does not",
                req("1m", "2"),
                ("5m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "equal edge case",
                req("5m", "1"),
                ("5m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "equal edge case for an init container",
                req("4m", "1").init_req("5m", "1"),
                ("5m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "no room for another pod, even without requests",
                make_pod(),
                ("10m", "20"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS]),
            ),
            (
                "no room for another pod though both resources fit",
                req("1m", "1"),
                ("5m", "5"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS]),
            ),
            (
                "no room for another pod, nor cpu, nor memory",
                req("1m", "1"),
                ("10m", "20"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS, ERR_REASON_CPU, ERR_REASON_MEMORY]),
            ),
            (
                "more cpu than the node has at all: preemption cannot help",
                req("11m", "1"),
                ("1m", "1"),
                "32",
                Some(Status::Rejected {
                    code: Code::UnschedulableAndUnresolvable,
                    reasons: Reasons::One(Reason::Fixed(ERR_REASON_CPU)),
                }),
            ),
            (
                "more memory than the node has at all, and not enough cpu left",
                req("5m", "21"),
                ("9m", "1"),
                "32",
                Some(Status::Rejected {
                    code: Code::UnschedulableAndUnresolvable,
                    reasons: Reasons::Many(vec![
                        Reason::Fixed(ERR_REASON_CPU),
                        Reason::Fixed(ERR_REASON_MEMORY),
                    ]),
                }),
            ),
        ];
        for (name, pod, (cpu, mem), pods, want) in cases {
            let node = make_node("n").allocatable("10m", "20", pods).obj();
            let bound = [make_pod().req(cpu, mem).obj()];
            assert_eq!(
                filter(&NodeResourcesFit, &pod.obj(), &node, &bound),
                want,
                "{name}"
            );
        }
    }

    fn node(name: &str, cpu: &str, memory: &str) -> Node {
        make_node(name).allocatable(cpu, memory, "110").obj()
    }

    /// kube-scheduler's `TestLeastAllocatedScoringStrategy` (and Podlab's own cases for
    /// the scoring defaults and for more than a node has).
    #[test]
    fn score_prefers_the_least_allocated_node() {
        // cpu (4000 - 3000) / 4000 = 25, memory (10000 - 5000) / 10000 = 50: 37;
        // cpu 50, memory 50: 50.
        let pod = make_pod()
            .req("1000m", "2000")
            .container_req("2000m", "3000")
            .obj();
        let nodes = [node("node1", "4", "10000"), node("node2", "6", "10000")];
        assert_eq!(
            scores(&NodeResourcesFit, &pod, &nodes, &[]),
            Some((vec![37, 50], vec![37, 50]))
        );
        // Pods already there count; a pod without requests counts as 100m and 200Mi.
        let nodes = [node("node1", "1", "1000Mi"), node("node2", "1", "1000Mi")];
        let bound = [make_pod().node_name("node2").req("500m", "500Mi").obj()];
        // node1: cpu 900/1000 → 90, memory 800/1000 → 80: 85. node2: cpu 400 → 40,
        // memory 300 → 30: 35.
        assert_eq!(
            scores(&NodeResourcesFit, &make_pod().obj(), &nodes, &bound),
            Some((vec![85, 35], vec![85, 35]))
        );
        // More than the node has scores 0 for that resource; no allocatable scores 0.
        let nodes = [node("node1", "1", "1000Mi"), make_node("bare").obj()];
        assert_eq!(
            scores(
                &NodeResourcesFit,
                &make_pod().req("2", "500Mi").obj(),
                &nodes,
                &[]
            ),
            Some((vec![25, 0], vec![25, 0]))
        );
    }
}
