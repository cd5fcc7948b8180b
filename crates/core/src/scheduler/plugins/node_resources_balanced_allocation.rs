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
        let mut busy = NodeInfo::new(&n);
        busy.add_pod(&pod("1", "1Gi"));
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
