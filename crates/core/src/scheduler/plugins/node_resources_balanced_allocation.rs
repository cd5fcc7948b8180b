//! NodeResourcesBalancedAllocation: prefers nodes where cpu and memory would be used in
//! similar proportions once the pod is there: score = (1 - std) × 100 over the requested
//! fractions (for two resources, std = |f_cpu - f_mem| / 2). Actual requests count, not
//! the scoring defaults; a pod requesting nothing (best effort) skips the plugin.

use crate::scheduler::framework::{NodeInfo, PodInfo, ScorePlugin, MAX_NODE_SCORE};

pub struct NodeResourcesBalancedAllocation;

impl ScorePlugin for NodeResourcesBalancedAllocation {
    fn name(&self) -> &'static str {
        "NodeResourcesBalancedAllocation"
    }

    fn weight(&self) -> i64 {
        1
    }

    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.requests.milli_cpu == 0 && pod.requests.memory == 0
    }

    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        out.extend(nodes.iter().map(|n| self.score(pod, n)));
    }

    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let want = pod.requests;
        let fraction = |requested: i64, allocatable: i64| -> Option<f64> {
            (allocatable > 0).then(|| (requested as f64 / allocatable as f64).min(1.0))
        };
        let cpu = fraction(
            node.requested.milli_cpu.saturating_add(want.milli_cpu),
            node.allocatable.milli_cpu,
        );
        let memory = fraction(
            node.requested.memory.saturating_add(want.memory),
            node.allocatable.memory,
        );
        let std = match (cpu, memory) {
            (Some(c), Some(m)) => ((c - m) / 2.0).abs(),
            _ => 0.0,
        };
        ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
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
            NodeResourcesBalancedAllocation.score(&PodInfo::new(&pod("1", "2Gi")), &info),
            100
        );
        // cpu 0.5, memory 0: std 0.25 → 75.
        assert_eq!(
            NodeResourcesBalancedAllocation.score(&PodInfo::new(&pod("1", "0")), &info),
            75
        );
        // Existing requests count: with the same pod already there cpu 1.0, memory 0.5.
        let bound = pod("1", "1Gi");
        let mut busy = NodeInfo::new(&n);
        busy.add_pod(&bound);
        assert_eq!(
            NodeResourcesBalancedAllocation.score(&PodInfo::new(&pod("1", "1Gi")), &busy),
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
            NodeResourcesBalancedAllocation.score_nodes(&p, &[&info, &busy], &mut out);
            let one = [&info, &busy].map(|n| NodeResourcesBalancedAllocation.score(&p, n));
            assert_eq!(out, one, "{cpu} {mem}");
        }
        assert!(NodeResourcesBalancedAllocation.skip(&PodInfo::new(&pod("0", "0"))));
        assert!(!NodeResourcesBalancedAllocation.skip(&PodInfo::new(&pod("100m", "0"))));
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
                &NodeResourcesBalancedAllocation,
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
            scores(&NodeResourcesBalancedAllocation, &pod, &nodes, &[]),
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
            scores(&NodeResourcesBalancedAllocation, &pod, &nodes, &bound),
            Some((vec![82, 95], vec![82, 95]))
        );
        // A fraction over 1 counts as 1: cpu 1.0, memory 0.5 → 75.
        let nodes = [node("node1", "4", "10000")];
        assert_eq!(
            scores(
                &NodeResourcesBalancedAllocation,
                &make_pod().req("8", "5000").obj(),
                &nodes,
                &[]
            ),
            Some((vec![75], vec![75]))
        );
    }
}
