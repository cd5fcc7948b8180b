//! TaintToleration: filter on untolerated NoSchedule/NoExecute taints; score nodes by
//! how few PreferNoSchedule taints the pod does not tolerate.

use crate::model::{taints, Pod, Taint, Toleration};
use crate::scheduler::framework::{
    default_normalize, node_hint, ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint,
    Reason, ScorePlugin, Status,
};
use std::collections::HashMap;
use std::sync::Arc;

pub struct TaintToleration;

/// The reason for an untolerated taint: `node(s) had untolerated taint {key: value}`.
pub fn err_reason_untolerated(taint: &Taint) -> String {
    format!(
        "node(s) had untolerated taint {{{}: {}}}",
        taint.key,
        taint.value.as_deref().unwrap_or_default()
    )
}

/// Whether a taint's effect keeps pods off the node (the ones Filter looks at).
fn filters(taint: &Taint) -> bool {
    taint.effect == "NoSchedule" || taint.effect == "NoExecute"
}

/// What the plugin works out once per node of a snapshot ([`FilterPlugin::prepare`]).
#[derive(Debug)]
pub struct NodeTaints {
    /// The taints that filter (NoSchedule, NoExecute), by their place in the node's.
    hard: Vec<usize>,
    /// The reason for each of the node's taints. Nodes with the same taint share its
    /// text, so decisions tell their rejections apart by address.
    reasons: Vec<Arc<str>>,
}

impl FilterPlugin for TaintToleration {
    fn name(&self) -> &'static str {
        "TaintToleration"
    }

    fn node_only(&self) -> bool {
        true
    }

    fn prepare(&self, nodes: &mut [NodeInfo<'_>]) {
        let mut texts: HashMap<String, Arc<str>> = HashMap::new();
        for node in nodes.iter_mut().filter(|n| !n.taints.is_empty()) {
            let state = NodeTaints {
                hard: (0..node.taints.len())
                    .filter(|&i| filters(&node.taints[i]))
                    .collect(),
                reasons: node
                    .taints
                    .iter()
                    .map(|t| {
                        texts
                            .entry(err_reason_untolerated(t))
                            .or_insert_with_key(|text| Arc::from(text.as_str()))
                            .clone()
                    })
                    .collect(),
            };
            node.state.insert(state);
        }
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        if node.taints.is_empty() {
            return Status::success();
        }
        let untolerated = |t: &Taint| !taints::tolerated_by(pod.tolerations, t);
        // The first NoSchedule/NoExecute taint no toleration tolerates; in a snapshot
        // the node worked out each taint's reason once.
        match node.state.get::<NodeTaints>() {
            Some(state) => match state.hard.iter().find(|&&i| untolerated(&node.taints[i])) {
                None => Status::success(),
                Some(&i) => Status::unresolvable(Reason::Shared(state.reasons[i].clone())),
            },
            None => match node.taints.iter().find(|t| filters(t) && untolerated(t)) {
                None => Status::success(),
                Some(t) => Status::unresolvable(err_reason_untolerated(t)),
            },
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

/// The pod's tolerations whose effect is empty or PreferNoSchedule: the ones Score
/// counts (`getAllTolerationPreferNoSchedule`).
fn preferred_tolerations<'a>(pod: &PodInfo<'a>) -> Vec<&'a Toleration> {
    pod.tolerations
        .iter()
        .filter(|t| {
            t.effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == "PreferNoSchedule")
        })
        .collect()
}

/// How many of `taints` are PreferNoSchedule taints none of `tolerations` tolerates.
#[inline(always)]
fn intolerable_preferred(taints: &[Taint], tolerations: &[&Toleration]) -> i64 {
    if taints.is_empty() {
        return 0;
    }
    taints
        .iter()
        .filter(|taint| {
            taint.effect == "PreferNoSchedule"
                && !tolerations.iter().any(|t| taints::tolerates(t, taint))
        })
        .count() as i64
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
        intolerable_preferred(node.taints, &preferred_tolerations(pod))
    }

    /// PreScore's tolerations (those that count here) picked once for all the nodes.
    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        let tolerations = preferred_tolerations(pod);
        out.extend(
            nodes
                .iter()
                .map(|n| intolerable_preferred(n.taints, &tolerations)),
        );
    }

    fn normalize(&self, scores: &mut [i64]) {
        default_normalize(scores, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{filter, filter_prepared, make_node, make_pod, scores};

    fn untolerated(key: &str, value: &str) -> Status {
        Status::unresolvable(format!("node(s) had untolerated taint {{{key}: {value}}}"))
    }

    /// kube-scheduler's `TestTaintTolerationFilter` (Podlab names the taint, as v1.34's
    /// scheduler does), on a node as a snapshot prepares it and on a bare one.
    #[test]
    fn filter_rejects_untolerated_hard_taints() {
        let dedicated = |v: &str, effect: &str| make_node("nodeA").taint("dedicated", v, effect);
        let cases = [
            (
                "a pod without tolerations can't land on a NoSchedule taint",
                make_pod().obj(),
                dedicated("user1", "NoSchedule").obj(),
                untolerated("dedicated", "user1"),
            ),
            (
                "a toleration for the key, value and effect",
                make_pod()
                    .toleration("dedicated", "", "user1", "NoSchedule")
                    .obj(),
                dedicated("user1", "NoSchedule").obj(),
                Status::success(),
            ),
            (
                "a toleration for another value",
                make_pod()
                    .toleration("dedicated", "Equal", "user2", "NoSchedule")
                    .obj(),
                dedicated("user1", "NoSchedule").obj(),
                untolerated("dedicated", "user1"),
            ),
            (
                "Exists tolerates any value",
                make_pod()
                    .toleration("foo", "Exists", "", "NoSchedule")
                    .obj(),
                make_node("nodeA").taint("foo", "bar", "NoSchedule").obj(),
                Status::success(),
            ),
            (
                "several tolerations tolerate several taints",
                make_pod()
                    .toleration("dedicated", "Equal", "user2", "NoSchedule")
                    .toleration("foo", "Exists", "", "NoSchedule")
                    .obj(),
                dedicated("user2", "NoSchedule")
                    .taint("foo", "bar", "NoSchedule")
                    .obj(),
                Status::success(),
            ),
            (
                "a matching key and value with another (non-empty) effect",
                make_pod()
                    .toleration("foo", "Equal", "bar", "PreferNoSchedule")
                    .obj(),
                make_node("nodeA").taint("foo", "bar", "NoSchedule").obj(),
                untolerated("foo", "bar"),
            ),
            (
                "an empty effect tolerates every effect",
                make_pod().toleration("foo", "Equal", "bar", "").obj(),
                make_node("nodeA").taint("foo", "bar", "NoSchedule").obj(),
                Status::success(),
            ),
            (
                "PreferNoSchedule taints do not filter",
                make_pod()
                    .toleration("dedicated", "Equal", "user2", "NoSchedule")
                    .obj(),
                dedicated("user1", "PreferNoSchedule").obj(),
                Status::success(),
            ),
            (
                "no tolerations, a PreferNoSchedule taint",
                make_pod().obj(),
                dedicated("user1", "PreferNoSchedule").obj(),
                Status::success(),
            ),
            (
                "NoExecute filters too; the first untolerated taint is named",
                make_pod()
                    .toleration("dedicated", "Exists", "", "NoSchedule")
                    .obj(),
                dedicated("user1", "NoSchedule")
                    .taint("evict", "", "NoExecute")
                    .taint("later", "x", "NoSchedule")
                    .obj(),
                untolerated("evict", ""),
            ),
        ];
        for (name, pod, node, want) in cases {
            assert_eq!(
                filter(&TaintToleration, &pod, &node, &[]),
                Some(want.clone()),
                "{name}"
            );
            assert_eq!(
                filter_prepared(&TaintToleration, &pod, &node),
                Some(want),
                "{name} (prepared)"
            );
        }
    }

    /// A snapshot's nodes with the same taint share one reason text.
    #[test]
    fn prepared_nodes_share_reason_texts() {
        let nodes = [
            make_node("a").taint("gpu", "x", "NoSchedule").obj(),
            make_node("b").taint("gpu", "x", "NoSchedule").obj(),
            make_node("c").obj(),
        ];
        let mut infos: Vec<NodeInfo<'_>> = nodes.iter().map(NodeInfo::new).collect();
        TaintToleration.prepare(&mut infos);
        let reason = |i: usize| {
            infos[i]
                .state
                .get::<NodeTaints>()
                .map(|s| s.reasons[0].clone())
        };
        let (a, b) = (reason(0).unwrap(), reason(1).unwrap());
        assert!(Arc::ptr_eq(&a, &b));
        assert!(infos[2].state.get::<NodeTaints>().is_none());
    }

    /// kube-scheduler's `TestTaintTolerationScore`: intolerable PreferNoSchedule taints
    /// counted, then normalized in reverse.
    #[test]
    fn score_prefers_fewer_intolerable_soft_taints() {
        let soft = "PreferNoSchedule";
        let cases = [
            (
                "a tolerated taint scores higher than an intolerable one",
                make_pod().toleration("foo", "Equal", "bar", soft).obj(),
                vec![
                    make_node("nodeA").taint("foo", "bar", soft).obj(),
                    make_node("nodeB").taint("foo", "blah", soft).obj(),
                ],
                [0, 1].to_vec(),
                [100, 0].to_vec(),
            ),
            (
                "how many tolerated taints a node has does not matter",
                make_pod()
                    .toleration("cpu-type", "Equal", "arm64", soft)
                    .toleration("disk-type", "Equal", "ssd", soft)
                    .obj(),
                vec![
                    make_node("nodeA").obj(),
                    make_node("nodeB").taint("cpu-type", "arm64", soft).obj(),
                    make_node("nodeC")
                        .taint("cpu-type", "arm64", soft)
                        .taint("disk-type", "ssd", soft)
                        .obj(),
                ],
                vec![0, 0, 0],
                vec![100, 100, 100],
            ),
            (
                "the more intolerable taints, the lower the score",
                make_pod().toleration("foo", "Equal", "bar", soft).obj(),
                vec![
                    make_node("nodeA").obj(),
                    make_node("nodeB").taint("cpu-type", "arm64", soft).obj(),
                    make_node("nodeC")
                        .taint("cpu-type", "arm64", soft)
                        .taint("disk-type", "ssd", soft)
                        .obj(),
                ],
                vec![0, 1, 2],
                vec![100, 50, 0],
            ),
            (
                "only PreferNoSchedule taints and tolerations count",
                make_pod()
                    .toleration("cpu-type", "Equal", "arm64", "NoSchedule")
                    .toleration("disk-type", "Equal", "ssd", "NoSchedule")
                    .obj(),
                vec![
                    make_node("nodeA").obj(),
                    make_node("nodeB")
                        .taint("cpu-type", "arm64", "NoSchedule")
                        .obj(),
                    make_node("nodeC")
                        .taint("cpu-type", "arm64", soft)
                        .taint("disk-type", "ssd", soft)
                        .obj(),
                ],
                vec![0, 0, 2],
                vec![100, 100, 0],
            ),
            (
                "no taints and no tolerations: the node without taints",
                make_pod().obj(),
                vec![
                    make_node("nodeA").obj(),
                    make_node("nodeB").taint("cpu-type", "arm64", soft).obj(),
                ],
                vec![0, 1],
                vec![100, 0],
            ),
        ];
        for (name, pod, nodes, raw, normalized) in cases {
            assert_eq!(
                scores(&TaintToleration, &pod, &nodes, &[]),
                Some((raw, normalized)),
                "{name}"
            );
        }
    }
}
