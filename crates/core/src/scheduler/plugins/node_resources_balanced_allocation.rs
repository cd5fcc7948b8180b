//! NodeResourcesBalancedAllocation: prefers nodes where the resources it looks at
//! (`NodeResourcesBalancedAllocationArgs.resources`, cpu and memory by default) would be
//! used in similar proportions once the pod is there: score = (1 - std) × 100 over the
//! requested fractions (for two resources, std = |f1 - f2| / 2). Actual requests
//! count, not the scoring defaults; a pod requesting none of the resources (best
//! effort) skips the plugin. An extended resource the pod does not request, or one the
//! node has no allocatable of, is left out (`resource_allocation.go`).

use crate::scheduler::framework::{NodeInfo, PodInfo, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::resources::{
    is_scalar_resource_name, node_allocatable, pod_request, pods_requested,
};

/// The plugin with the resources it balances (`NodeResourcesBalancedAllocationArgs`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeResourcesBalancedAllocation {
    /// `None`: cpu and memory, the default, read from the node's sums. Otherwise the
    /// configured resources, in their order.
    resources: Option<Vec<BalancedResource>>,
}

/// A resource the plugin balances, as `calculateResourceAllocatableRequest` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BalancedResource {
    Cpu,
    Memory,
    EphemeralStorage,
    /// `IsScalarResourceName`: extended resources, hugepages-*, names under
    /// kubernetes.io/ and attachable-volumes-*, counted from the node's allocatable and
    /// its pods' requests.
    Scalar(String),
    /// Any other name: nothing to balance (`(0, 0)`, left out).
    Other,
}

impl NodeResourcesBalancedAllocation {
    /// The plugin balancing the resources named, in order (the arguments' `resources`;
    /// an empty list is the default, cpu and memory).
    pub fn with_resources<'n>(names: impl IntoIterator<Item = &'n str>) -> Self {
        let list: Vec<BalancedResource> = names.into_iter().map(BalancedResource::of).collect();
        // cpu and memory in either order score as the default (|f1 - f2| / 2).
        let default = list.is_empty()
            || (list.len() == 2
                && list.contains(&BalancedResource::Cpu)
                && list.contains(&BalancedResource::Memory));
        NodeResourcesBalancedAllocation {
            resources: (!default).then_some(list),
        }
    }

    /// The pod's request of each configured resource (`calculatePodResourceRequestList`).
    fn pod_requests(&self, list: &[BalancedResource], pod: &PodInfo<'_>) -> Vec<i64> {
        list.iter()
            .map(|r| match r {
                BalancedResource::Cpu => pod.requests.milli_cpu,
                BalancedResource::Memory => pod.requests.memory,
                BalancedResource::EphemeralStorage => pod_request(pod.pod, "ephemeral-storage"),
                BalancedResource::Scalar(name) => pod_request(pod.pod, name),
                BalancedResource::Other => 0,
            })
            .collect()
    }

    /// The configured resources' score on one node (`resourceAllocationScorer.score`).
    fn score_listed(list: &[BalancedResource], requests: &[i64], node: &NodeInfo<'_>) -> i64 {
        let mut fractions = Vec::with_capacity(list.len());
        for (r, &want) in list.iter().zip(requests) {
            let (requested, allocatable) = match r {
                BalancedResource::Cpu => (
                    node.requested.milli_cpu.saturating_add(want),
                    node.allocatable.milli_cpu,
                ),
                BalancedResource::Memory => (
                    node.requested.memory.saturating_add(want),
                    node.allocatable.memory,
                ),
                BalancedResource::EphemeralStorage => {
                    let allocatable = node_allocatable(node.node, "ephemeral-storage").unwrap_or(0);
                    let used = pods_requested(&node.pods, "ephemeral-storage");
                    (used.saturating_add(want), allocatable)
                }
                // An extended resource the pod does not request is left out.
                BalancedResource::Scalar(_) if want == 0 => continue,
                BalancedResource::Scalar(name) => match node_allocatable(node.node, name) {
                    Some(allocatable) => {
                        let used = pods_requested(&node.pods, name);
                        (used.saturating_add(want), allocatable)
                    }
                    None => continue,
                },
                BalancedResource::Other => continue,
            };
            if allocatable != 0 {
                fractions.push(fraction(requested, allocatable));
            }
        }
        balanced_score(&fractions)
    }
}

impl BalancedResource {
    fn of(name: &str) -> BalancedResource {
        match name {
            "cpu" => BalancedResource::Cpu,
            "memory" => BalancedResource::Memory,
            "ephemeral-storage" => BalancedResource::EphemeralStorage,
            _ if is_scalar_resource_name(name) => BalancedResource::Scalar(name.to_string()),
            _ => BalancedResource::Other,
        }
    }
}

/// requested / allocatable, at most 1.
fn fraction(requested: i64, allocatable: i64) -> f64 {
    (requested as f64 / allocatable as f64).min(1.0)
}

/// `balancedResourceScorer`: (1 - the fractions' standard deviation) × 100; for two
/// fractions the deviation is half their difference, for one or none it is 0.
fn balanced_score(fractions: &[f64]) -> i64 {
    let std = match fractions {
        [a, b] => ((a - b) / 2.0).abs(),
        [_, _, _, ..] => {
            let n = fractions.len() as f64;
            let mean = fractions.iter().sum::<f64>() / n;
            let sum: f64 = fractions.iter().map(|f| (f - mean) * (f - mean)).sum();
            (sum / n).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// The default resources' score on one node: cpu and memory from the node's sums.
#[inline(always)]
fn score_cpu_memory(want: crate::scheduler::framework::Resources, node: &NodeInfo<'_>) -> i64 {
    let part = |requested: i64, allocatable: i64| {
        (allocatable > 0).then(|| fraction(requested, allocatable))
    };
    let cpu = part(
        node.requested.milli_cpu.saturating_add(want.milli_cpu),
        node.allocatable.milli_cpu,
    );
    let memory = part(
        node.requested.memory.saturating_add(want.memory),
        node.allocatable.memory,
    );
    let std = match (cpu, memory) {
        (Some(c), Some(m)) => ((c - m) / 2.0).abs(),
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

impl ScorePlugin for NodeResourcesBalancedAllocation {
    fn name(&self) -> &'static str {
        "NodeResourcesBalancedAllocation"
    }

    fn weight(&self) -> i64 {
        1
    }

    /// PreScore's Skip for a best-effort pod: it requests none of the resources.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        match &self.resources {
            None => pod.requests.milli_cpu == 0 && pod.requests.memory == 0,
            Some(list) => self.pod_requests(list, pod).iter().all(|&r| r == 0),
        }
    }

    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        match &self.resources {
            None => out.extend(nodes.iter().map(|n| score_cpu_memory(pod.requests, n))),
            Some(list) => {
                let requests = self.pod_requests(list, pod);
                out.extend(nodes.iter().map(|n| Self::score_listed(list, &requests, n)));
            }
        }
    }

    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        match &self.resources {
            None => score_cpu_memory(pod.requests, node),
            Some(list) => Self::score_listed(list, &self.pod_requests(list, pod), node),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{decode, Validation};
    use crate::model::{Node, Object, Pod};

    fn object(text: &str) -> Object {
        decode("t.yaml", text, Validation::Strict)
            .unwrap()
            .manifests
            .remove(0)
            .object
    }

    fn pod(cpu: &str, mem: &str) -> Pod {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: {cpu}\n        memory: {mem}\n");
        match object(&text) {
            Object::Pod(p) => *p,
            _ => unreachable!(),
        }
    }

    fn node() -> Node {
        match object("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nstatus:\n  allocatable:\n    cpu: \"2\"\n    memory: 4Gi\n    pods: \"110\"\n") {
            Object::Node(n) => *n,
            _ => unreachable!(),
        }
    }

    #[test]
    fn scores_follow_the_standard_deviation() {
        let n = node();
        let info = NodeInfo::new(&n);
        // cpu 1/2 = 0.5, memory 2Gi/4Gi = 0.5: perfectly balanced.
        assert_eq!(
            NodeResourcesBalancedAllocation::default()
                .score(&PodInfo::new(&pod("1", "2Gi")), &info),
            100
        );
        // cpu 0.5, memory 0: std 0.25 → 75.
        assert_eq!(
            NodeResourcesBalancedAllocation::default().score(&PodInfo::new(&pod("1", "0")), &info),
            75
        );
        // Existing requests count: with the same pod already there cpu 1.0, memory 0.5.
        let bound = pod("1", "1Gi");
        let mut busy = NodeInfo::new(&n);
        busy.add_pod(&bound);
        assert_eq!(
            NodeResourcesBalancedAllocation::default()
                .score(&PodInfo::new(&pod("1", "1Gi")), &busy),
            75
        );
        // Huge quantities saturate instead of overflowing.
        for (cpu, mem) in [
            ("1", "2Gi"),
            ("1", "0"),
            ("300m", "3Gi"),
            ("1e30", "1"),
            ("1", "9e18"),
        ] {
            let spec = pod(cpu, mem);
            let p = PodInfo::new(&spec);
            let mut out = Vec::new();
            NodeResourcesBalancedAllocation::default().score_nodes(&p, &[&info, &busy], &mut out);
            let one =
                [&info, &busy].map(|n| NodeResourcesBalancedAllocation::default().score(&p, n));
            assert_eq!(out, one, "{cpu} {mem}");
        }
        assert!(NodeResourcesBalancedAllocation::default().skip(&PodInfo::new(&pod("0", "0"))));
        assert!(!NodeResourcesBalancedAllocation::default().skip(&PodInfo::new(&pod("100m", "0"))));
    }
}

#[cfg(test)]
mod kube_tests {
    use super::*;
    use crate::scheduler::testing::{make_node, make_pod, scores};

    /// kube-scheduler's `TestNodeResourcesBalancedAllocation` (the standard-deviation
    /// scoring of v1.26 on, before requests of the pod itself were set apart).
    #[test]
    fn score_prefers_balanced_nodes() {
        let node =
            |name: &str, cpu: &str, mem: &str| make_node(name).allocatable(cpu, mem, "110").obj();
        // Best effort: PreScore skips the plugin.
        let nodes = [node("node1", "4", "10000"), node("node2", "4", "10000")];
        assert_eq!(
            scores(
                &NodeResourcesBalancedAllocation::default(),
                &make_pod().obj(),
                &nodes,
                &[]
            ),
            None
        );
        // node1: cpu 3000/4000 = 0.75, memory 5000/10000 = 0.5, std 0.125: 87;
        // node2: 0.5 and 0.5: 100.
        let pod = make_pod()
            .req("1000m", "2000")
            .container_req("2000m", "3000")
            .obj();
        let nodes = [node("node1", "4", "10000"), node("node2", "6", "10000")];
        assert_eq!(
            scores(
                &NodeResourcesBalancedAllocation::default(),
                &pod,
                &nodes,
                &[]
            ),
            Some((vec![87, 100], vec![87, 100]))
        );
        // Pods already there count (with their requests as set, no defaults): node2's
        // 3000m and 5000 make cpu 0.6 and memory 0.5.
        let nodes = [node("node1", "10", "20000"), node("node2", "10", "20000")];
        let bound = [
            make_pod().node_name("node1").req("3000m", "").obj(),
            make_pod().node_name("node2").req("3000m", "5000").obj(),
        ];
        // node1: cpu 0.6, memory 0.25: std 0.175 → 82; node2: cpu 0.6, memory 0.5: 95.
        assert_eq!(
            scores(
                &NodeResourcesBalancedAllocation::default(),
                &pod,
                &nodes,
                &bound
            ),
            Some((vec![82, 95], vec![82, 95]))
        );
        // A fraction over 1 counts as 1: cpu 1.0, memory 0.5 → 75.
        let nodes = [node("node1", "4", "10000")];
        assert_eq!(
            scores(
                &NodeResourcesBalancedAllocation::default(),
                &make_pod().req("8", "5000").obj(),
                &nodes,
                &[]
            ),
            Some((vec![75], vec![75]))
        );
    }
}

#[cfg(test)]
mod resources_tests {
    use super::*;
    use crate::scheduler::testing::{make_node, make_pod, scores};

    /// kube-scheduler's `TestNodeResourcesBalancedAllocation` cases with an extended
    /// resource in `resources`: the std over three fractions; a resource the pod does
    /// not request, or the node has none of, left out.
    #[test]
    fn extended_resources_count_when_requested_and_allocatable() {
        let plugin =
            NodeResourcesBalancedAllocation::with_resources(["cpu", "memory", "example.com/foo"]);
        let nodes = [
            make_node("node1")
                .allocatable("4", "10000", "110")
                .allocatable_of("example.com/foo", "4")
                .obj(),
            make_node("node2").allocatable("4", "10000", "110").obj(),
            make_node("node3")
                .allocatable("4", "10000", "110")
                .allocatable_of("example.com/foo", "0")
                .obj(),
        ];
        let with_foo = || make_pod().req("1", "5000").req_of("example.com/foo", "2");
        // (name, pod, pods already there, scores of node1, node2 and node3).
        type Case<'a> = (&'a str, crate::model::Pod, Vec<crate::model::Pod>, Vec<i64>);
        let cases: Vec<Case> = vec![
            (
                // node1: cpu 0.25, memory 0.5, foo 0.5: std 0.118 → 88. node2 has no
                // foo, node3 none allocatable: cpu and memory alone, std 0.125 → 87.
                "three fractions where the node has the resource",
                with_foo().obj(),
                vec![],
                vec![88, 87, 87],
            ),
            (
                // The pod asks no foo: left out everywhere.
                "an extended resource the pod does not request",
                make_pod().req("1", "5000").obj(),
                vec![],
                vec![87, 87, 87],
            ),
            (
                // cpu 0, memory 0, foo 0.5: std 0.236 → 76; elsewhere two zeros: 100.
                "only the extended resource requested",
                make_pod().req_of("example.com/foo", "2").obj(),
                vec![],
                vec![76, 100, 100],
            ),
            (
                // foo on node1 (2 + 2) / 4 = 1.0: std 0.312 → 68.
                "the pods already there count",
                with_foo().obj(),
                vec![make_pod()
                    .node_name("node1")
                    .req_of("example.com/foo", "2")
                    .obj()],
                vec![68, 87, 87],
            ),
        ];
        for (name, pod, bound, want) in cases {
            assert_eq!(
                scores(&plugin, &pod, &nodes, &bound),
                Some((want.clone(), want)),
                "{name}"
            );
        }
        // A best-effort pod still skips the plugin.
        assert_eq!(scores(&plugin, &make_pod().obj(), &nodes, &[]), None);
    }

    /// Names kube-scheduler has no quantity for on a node (`pods`, an unqualified
    /// name) are left out; cpu and memory listed in either order are the default.
    #[test]
    fn other_names_are_left_out() {
        let nodes = [make_node("node1").allocatable("4", "10000", "110").obj()];
        let pod = make_pod().req("3", "5000").obj();
        let default = scores(
            &NodeResourcesBalancedAllocation::default(),
            &pod,
            &nodes,
            &[],
        );
        // cpu 0.75, memory 0.5: std 0.125 → 87.
        assert_eq!(default, Some((vec![87], vec![87])));
        for names in [
            vec!["cpu", "memory", "pods"],
            vec!["memory", "cpu"],
            vec!["cpu", "memory", "foo"],
        ] {
            let plugin = NodeResourcesBalancedAllocation::with_resources(names.clone());
            assert_eq!(scores(&plugin, &pod, &nodes, &[]), default, "{names:?}");
        }
        assert!(is_scalar_resource_name("example.com/foo"));
        assert!(is_scalar_resource_name("hugepages-2Mi"));
        assert!(is_scalar_resource_name("kubernetes.io/foo"));
        assert!(!is_scalar_resource_name("pods"));
        assert!(!is_scalar_resource_name("requests.example.com/foo"));
    }
}
