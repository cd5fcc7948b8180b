//! PodTopologySpread: `spec.topologySpreadConstraints`, or (for a pod that sets none
//! and belongs to a Service, ReplicaSet, StatefulSet or ReplicationController) the
//! cluster's default constraints. Filter on the `DoNotSchedule` constraints' skew;
//! score by the `ScheduleAnyway` ones, fewer matching pods in the node's domains
//! scoring higher.
//!
//! PreFilter counts the matching pods per domain (a node label value, as an id of the
//! snapshot's label table) over the nodes each constraint takes in (its
//! nodeAffinityPolicy and nodeTaintsPolicy); Filter and Score read the counts. A pod
//! without constraints, own or default, skips the plugin.

use crate::hash::FxHashMap as HashMap;
use crate::model::labels::{Requirement, Selector};
use crate::model::{taints, Pod};
use crate::scheduler::framework::{
    ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, ScorePlugin, Status,
    MAX_NODE_SCORE,
};
use crate::scheduler::plugins::inter_pod_affinity::labels_or_pods_changed;
use crate::scheduler::plugins::node_affinity::required_matches;
use crate::scheduler::{Listers, Snapshot};
use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use std::sync::{Arc, Mutex};

pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

/// The system default constraints (`systemDefaultConstraints`): spread over hosts with
/// maxSkew 3 and over zones with maxSkew 5, both ScheduleAnyway.
pub const SYSTEM_DEFAULT_CONSTRAINTS: [(&str, i64); 2] = [(LABEL_HOSTNAME, 3), (LABEL_ZONE, 5)];

/// The constraints a pod that sets none is spread by (when a workload selects it):
/// `PodTopologySpreadArgs.defaultingType` and `defaultConstraints`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DefaultConstraints {
    /// `defaultingType: System`: [`SYSTEM_DEFAULT_CONSTRAINTS`].
    #[default]
    System,
    /// `defaultingType: List`: the `defaultConstraints` as validated (no
    /// `labelSelector`: the selector is the pod's workloads'); an empty list spreads
    /// nothing.
    List(Vec<TopologySpreadConstraint>),
}

/// The plugin, with its default constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodTopologySpread {
    pub default_constraints: DefaultConstraints,
}

/// What to do with a constraint no node satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    DoNotSchedule,
    ScheduleAnyway,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::DoNotSchedule => "DoNotSchedule",
            Action::ScheduleAnyway => "ScheduleAnyway",
        }
    }
}

/// Whether a constraint counts nodes the pod's node affinity (or taints) would keep it
/// off (`NodeInclusionPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Honor,
    Ignore,
}

/// A constraint as the plugin uses it (`topologySpreadConstraint`).
#[derive(Debug, Clone)]
struct Constraint {
    max_skew: i64,
    hostname: bool,
    /// The topology key's id in the snapshot's label table; `None` when no node has it.
    key: Option<u32>,
    selector: Selector,
    min_domains: i64,
    node_affinity_policy: Policy,
    node_taints_policy: Policy,
}

impl Constraint {
    fn new(key: &str, max_skew: i64, selector: Selector, snapshot: &Snapshot<'_>) -> Constraint {
        Constraint {
            max_skew,
            hostname: key == LABEL_HOSTNAME,
            key: snapshot.label_id(key),
            selector,
            min_domains: 1,
            node_affinity_policy: Policy::Honor,
            node_taints_policy: Policy::Ignore,
        }
    }

    /// The node's domain for this constraint.
    fn value(&self, node: &NodeInfo<'_>) -> Option<u32> {
        node.label_value(self.key?)
    }

    /// `matchNodeInclusionPolicies`: whether the node's pods count for the constraint.
    fn includes(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> bool {
        if self.node_affinity_policy == Policy::Honor && !required_matches(pod, node) {
            return false;
        }
        let untolerated = |t: &crate::model::Taint| {
            (t.effect == "NoSchedule" || t.effect == "NoExecute")
                && !taints::tolerated_by(pod.tolerations, t)
        };
        !(self.node_taints_policy == Policy::Honor && node.taints.iter().any(untolerated))
    }

    /// `countPodsMatchSelector`: the node's pods of the namespace that match, leaving
    /// out terminating ones.
    fn count(&self, node: &NodeInfo<'_>, namespace: &str) -> i64 {
        if self.selector.is_empty() {
            return 0;
        }
        node.pods
            .iter()
            .filter(|p| {
                p.metadata.deletion_timestamp.is_none()
                    && p.metadata.namespace.as_deref().unwrap_or_default() == namespace
                    && self.selector.matches(p.metadata.labels.as_ref())
            })
            .count() as i64
    }

    /// [`Constraint::count`] for every node of the snapshot, by place: each distinct
    /// namespace and labels of its pods matched once.
    fn count_by_node(&self, snapshot: &Snapshot<'_>, namespace: &str) -> Vec<i64> {
        let mut by_node = vec![0; snapshot.infos.len()];
        if self.selector.is_empty() {
            return by_node;
        }
        for group in snapshot.pod_groups.iter() {
            if group.terminating
                || group.pod.metadata.namespace.as_deref().unwrap_or_default() != namespace
                || !self.selector.matches(group.pod.metadata.labels.as_ref())
            {
                continue;
            }
            for &(node, n) in &group.nodes {
                if let Some(count) = by_node.get_mut(node as usize) {
                    *count += i64::from(n);
                }
            }
        }
        by_node
    }

    /// [`Constraint::count`] through the snapshot's memo of counts, when the node has
    /// one: recounted only when the node's pods changed since (its generation).
    fn count_memoized(
        &self,
        node: &NodeInfo<'_>,
        namespace: &str,
        memo: Option<&mut Vec<(u64, i64)>>,
    ) -> i64 {
        let Some(by_node) = memo else {
            return self.count(node, namespace);
        };
        let i = node.index as usize;
        if let Some(&(generation, count)) = by_node.get(i) {
            if generation == node.generation {
                return count;
            }
        }
        let count = self.count(node, namespace);
        if by_node.len() <= i {
            by_node.resize(i + 1, (0, 0));
        }
        by_node[i] = (node.generation, count);
        count
    }
}

/// What Score counted of a snapshot's nodes, shared by every node of it (each keeps
/// the same `Arc` in its state): per namespace and selector, each node's matching pods
/// with the node's generation when they were counted. Score counts a node's own pods
/// for a hostname constraint (`countPodsMatchSelector`) for every feasible node and
/// every pod; between two pods of a workload in one scheduling pass only the node the
/// first went to has changed, so the other nodes' counts are read back.
#[derive(Default)]
struct HostCounts(Mutex<Vec<HostCount>>);

struct HostCount {
    namespace: String,
    selector: Selector,
    /// By the node's place in the snapshot: (generation, count); generation 0 never
    /// counted.
    by_node: Vec<(u64, i64)>,
}

/// A node's handle on its snapshot's [`HostCounts`].
struct SharedHostCounts(Arc<HostCounts>);

fn spread_constraints(pod: &Pod) -> &[TopologySpreadConstraint] {
    pod.spec
        .as_ref()
        .and_then(|s| s.topology_spread_constraints.as_deref())
        .unwrap_or_default()
}

/// `helper.DefaultSelector`: the selectors of the Services that select the pod, and of
/// the controller that owns it, ANDed.
fn default_selector(pod: &Pod, listers: &Listers<'_>) -> Selector {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let labels = pod.metadata.labels.as_ref();
    let mut reqs: Vec<Requirement> = Vec::new();
    for (_, sel) in listers.services.iter().filter(|(n, _)| *n == ns) {
        let matches = !sel.is_empty()
            && sel
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
        if matches {
            for (k, v) in sel.iter() {
                let req = Requirement::Equals(k.clone(), v.clone());
                if !reqs.contains(&req) {
                    reqs.push(req);
                }
            }
        }
    }
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    if let Some(owner) = owner {
        let group = owner.api_version.split_once('/').map_or("", |(g, _)| g);
        let kind = match (group, owner.kind.as_str()) {
            ("apps", k @ ("ReplicaSet" | "StatefulSet")) | ("", k @ "ReplicationController") => {
                Some(k)
            }
            _ => None,
        };
        let controller = listers
            .controllers
            .iter()
            .find(|c| Some(c.kind) == kind && c.namespace == ns && c.name == owner.name);
        if let Some(c) = controller {
            reqs.extend(c.selector.0.iter().cloned());
        }
    }
    Selector(reqs)
}

/// `filterTopologySpreadConstraints`: the constraints of `list` for `action`, each with
/// its selector (ANDed with the pod's values of its `matchLabelKeys`), minDomains and
/// node inclusion policies (a policy other than `Honor` is not honoured).
fn filter_constraints(
    list: &[TopologySpreadConstraint],
    pod: &Pod,
    action: Action,
    snapshot: &Snapshot<'_>,
) -> Vec<Constraint> {
    let labels = pod.metadata.labels.as_ref();
    let policy = |p: &Option<String>, default| match p.as_deref() {
        None => default,
        Some("Honor") => Policy::Honor,
        Some(_) => Policy::Ignore,
    };
    list.iter()
        .filter(|c| c.when_unsatisfiable == action.as_str())
        .map(|c| {
            let mut selector = c
                .label_selector
                .as_ref()
                .map_or_else(Selector::nothing, |s| {
                    Selector::from_label_selector(s).unwrap_or_else(|_| Selector::nothing())
                });
            // matchLabelKeys: the pod's values of those keys, ANDed with the selector.
            for key in c.match_label_keys.iter().flatten() {
                if let Some(v) = labels.and_then(|l| l.get(key)) {
                    selector.0.push(Requirement::Equals(key.clone(), v.clone()));
                }
            }
            let mut out =
                Constraint::new(&c.topology_key, i64::from(c.max_skew), selector, snapshot);
            out.min_domains = i64::from(c.min_domains.unwrap_or(1));
            out.node_affinity_policy = policy(&c.node_affinity_policy, Policy::Honor);
            out.node_taints_policy = policy(&c.node_taints_policy, Policy::Ignore);
            out
        })
        .collect()
}

/// `getConstraints` for one action: the pod's own constraints of that action, or, for
/// a pod that sets none, the default constraints of that action with the selector of
/// the pod's Services and controller (`buildDefaultConstraints`: none when nothing
/// selects the pod).
fn constraints(
    pod: &Pod,
    action: Action,
    defaults: &DefaultConstraints,
    snapshot: &Snapshot<'_>,
) -> Vec<Constraint> {
    let own = spread_constraints(pod);
    if !own.is_empty() {
        return filter_constraints(own, pod, action, snapshot);
    }
    let mut list = match defaults {
        DefaultConstraints::System if action == Action::ScheduleAnyway => {
            SYSTEM_DEFAULT_CONSTRAINTS
                .iter()
                .map(|&(key, skew)| Constraint::new(key, skew, Selector::nothing(), snapshot))
                .collect()
        }
        DefaultConstraints::System => Vec::new(),
        DefaultConstraints::List(list) => filter_constraints(list, pod, action, snapshot),
    };
    if list.is_empty() {
        return list;
    }
    let selector = default_selector(pod, &snapshot.listers);
    if selector.is_empty() {
        return Vec::new();
    }
    for c in &mut list {
        c.selector = selector.clone();
    }
    list
}

/// Whether the node has every constraint's topology key
/// (`nodeLabelsMatchSpreadConstraints`).
fn has_all_keys(constraints: &[Constraint], node: &NodeInfo<'_>) -> bool {
    constraints.iter().all(|c| c.value(node).is_some())
}

/// What PreFilter works out for Filter: the matching pods per domain of each
/// `DoNotSchedule` constraint, and the fewest in any domain.
#[derive(Debug)]
struct FilterState {
    constraints: Vec<Constraint>,
    counts: Vec<HashMap<u32, i64>>,
    min: Vec<i64>,
}

/// What PreScore works out for Score: the `ScheduleAnyway` constraints and their
/// matching pods per domain (hostname constraints count the node's own pods in Score).
#[derive(Debug)]
struct ScoreState {
    constraints: Vec<Constraint>,
    /// Nodes missing a topology key are not scored (unless the constraints are the
    /// system defaults, so that nodes without a zone still spread by hostname).
    require_all_topologies: bool,
    counts: Vec<HashMap<u32, i64>>,
}

fn filter_state(
    pod: &PodInfo<'_>,
    defaults: &DefaultConstraints,
    snapshot: &Snapshot<'_>,
) -> Option<FilterState> {
    let constraints = constraints(pod.pod, Action::DoNotSchedule, defaults, snapshot);
    if constraints.is_empty() {
        return None;
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let mut counts = vec![HashMap::default(); constraints.len()];
    let by_node: Vec<Vec<i64>> = constraints
        .iter()
        .map(|c| c.count_by_node(snapshot, ns))
        .collect();
    for (i, node) in snapshot.infos.iter().enumerate() {
        if !has_all_keys(&constraints, node) {
            continue;
        }
        for ((c, counts), by_node) in constraints.iter().zip(&mut counts).zip(&by_node) {
            if let Some(value) = c.value(node).filter(|_| c.includes(pod, node)) {
                *counts.entry(value).or_default() += by_node.get(i).copied().unwrap_or_default();
            }
        }
    }
    let min = counts
        .iter()
        .map(|m| m.values().copied().min().unwrap_or(i64::from(i32::MAX)))
        .collect();
    Some(FilterState {
        constraints,
        counts,
        min,
    })
}

fn score_state(
    pod: &PodInfo<'_>,
    defaults: &DefaultConstraints,
    snapshot: &Snapshot<'_>,
) -> Option<ScoreState> {
    let constraints = constraints(pod.pod, Action::ScheduleAnyway, defaults, snapshot);
    if constraints.is_empty() {
        return None;
    }
    // Only the system defaults score nodes that miss a key.
    let require_all_topologies =
        !spread_constraints(pod.pod).is_empty() || *defaults != DefaultConstraints::System;
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let mut counts = vec![HashMap::default(); constraints.len()];
    // Hostname constraints count the node's own pods in Score.
    let by_node: Vec<Vec<i64>> = constraints
        .iter()
        .map(|c| {
            if c.hostname {
                Vec::new()
            } else {
                c.count_by_node(snapshot, ns)
            }
        })
        .collect();
    for (i, node) in snapshot.infos.iter().enumerate() {
        if require_all_topologies && !has_all_keys(&constraints, node) {
            continue;
        }
        for ((c, counts), by_node) in constraints.iter().zip(&mut counts).zip(&by_node) {
            if c.hostname {
                continue;
            }
            if let Some(value) = c.value(node).filter(|_| c.includes(pod, node)) {
                *counts.entry(value).or_default() += by_node.get(i).copied().unwrap_or_default();
            }
        }
    }
    Some(ScoreState {
        constraints,
        require_all_topologies,
        counts,
    })
}

impl FilterPlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        "PodTopologySpread"
    }

    fn prepare(&self, nodes: &mut [NodeInfo<'_>]) {
        let memo = Arc::new(HostCounts::default());
        for node in nodes {
            node.state.insert(SharedHostCounts(memo.clone()));
        }
    }

    fn pre_filter(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        // The fast path: no constraints of its own and no workload to spread with.
        if spread_constraints(pod.pod).is_empty()
            && snapshot.listers.services.is_empty()
            && snapshot.listers.controllers.is_empty()
        {
            return;
        }
        if let Some(state) = filter_state(pod, &self.default_constraints, snapshot) {
            pod.cycle.insert(state);
        }
        if let Some(state) = score_state(pod, &self.default_constraints, snapshot) {
            pod.cycle.insert(state);
        }
    }

    /// PreFilter's Skip: no `DoNotSchedule` constraint.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<FilterState>().is_none()
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let Some(state) = pod.cycle.get::<FilterState>() else {
            return Status::success();
        };
        let labels = pod.metadata.labels.as_ref();
        for (i, c) in state.constraints.iter().enumerate() {
            let Some(value) = c.value(node) else {
                return Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
            };
            // Fewer domains than minDomains: the global minimum counts as 0.
            let min = if (state.counts[i].len() as i64) < c.min_domains {
                0
            } else {
                state.min[i]
            };
            let own = i64::from(c.selector.matches(labels));
            let matching = state.counts[i].get(&value).copied().unwrap_or(0);
            if matching + own - min > c.max_skew {
                return Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }

    fn queueing_hint(&self, _pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        labels_or_pods_changed(event)
    }
}

/// Which of the feasible nodes are not scored (they miss a topology key).
fn ignored(state: &ScoreState, node: &NodeInfo<'_>) -> bool {
    state.require_all_topologies && !has_all_keys(&state.constraints, node)
}

impl ScorePlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        "PodTopologySpread"
    }

    fn weight(&self) -> i64 {
        2
    }

    /// PreScore's Skip: no `ScheduleAnyway` constraint.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<ScoreState>().is_none()
    }

    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let mut out = Vec::with_capacity(1);
        self.score_nodes(pod, &[node], &mut out);
        out[0]
    }

    /// The matching pods in each of the node's domains, weighed by the log of how many
    /// domains the feasible nodes span, plus maxSkew - 1 (lower is better).
    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        let Some(state) = pod.cycle.get::<ScoreState>() else {
            out.extend(nodes.iter().map(|_| 0));
            return;
        };
        let scored: Vec<&&NodeInfo<'_>> = nodes.iter().filter(|n| !ignored(state, n)).collect();
        // topologyNormalizingWeight: ln(number of domains + 2); a node without the key
        // is in the "" domain.
        let weights: Vec<f64> = state
            .constraints
            .iter()
            .map(|c| {
                let size = if c.hostname {
                    scored.len()
                } else {
                    let mut domains: Vec<Option<u32>> = scored.iter().map(|n| c.value(n)).collect();
                    crate::sort::sort(&mut domains);
                    domains.dedup();
                    domains.len()
                };
                ((size + 2) as f64).ln()
            })
            .collect();
        let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
        // The snapshot's memo of hostname counts, an entry per hostname constraint.
        let shared = nodes
            .first()
            .and_then(|n| n.state.get::<SharedHostCounts>())
            .map(|s| s.0.clone());
        let mut memo = shared.as_ref().and_then(|m| m.0.lock().ok());
        let mut entries: Vec<Option<usize>> = Vec::with_capacity(state.constraints.len());
        for c in &state.constraints {
            entries.push(match memo.as_deref_mut() {
                Some(list) if c.hostname && !c.selector.is_empty() => {
                    let at = list
                        .iter()
                        .position(|h| h.namespace == ns && h.selector == c.selector);
                    Some(at.unwrap_or_else(|| {
                        list.push(HostCount {
                            namespace: ns.to_string(),
                            selector: c.selector.clone(),
                            by_node: Vec::new(),
                        });
                        list.len() - 1
                    }))
                }
                _ => None,
            });
        }
        out.extend(nodes.iter().map(|node| {
            if ignored(state, node) {
                return 0;
            }
            let mut score = 0f64;
            for (i, c) in state.constraints.iter().enumerate() {
                let Some(value) = c.value(node) else {
                    continue;
                };
                let count = if c.hostname {
                    let by_node = match (memo.as_deref_mut(), entries[i]) {
                        (Some(list), Some(at)) => list.get_mut(at).map(|h| &mut h.by_node),
                        _ => None,
                    };
                    c.count_memoized(node, ns, by_node)
                } else {
                    state.counts[i].get(&value).copied().unwrap_or(0)
                };
                score += count as f64 * weights[i] + (c.max_skew - 1) as f64;
            }
            score.round() as i64
        }));
    }

    /// Reversed against the largest and the smallest score; unscored nodes get 0.
    fn normalize_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], scores: &mut [i64]) {
        let Some(state) = pod.cycle.get::<ScoreState>() else {
            return;
        };
        let (mut min, mut max) = (i64::MAX, 0);
        for (node, &s) in nodes.iter().zip(scores.iter()) {
            if !ignored(state, node) {
                min = min.min(s);
                max = max.max(s);
            }
        }
        for (node, s) in nodes.iter().zip(scores.iter_mut()) {
            *s = if ignored(state, node) {
                0
            } else if max == 0 {
                MAX_NODE_SCORE
            } else {
                MAX_NODE_SCORE * (max + min - *s) / max
            };
        }
    }
}

#[cfg(test)]
#[path = "pod_topology_spread_tests.rs"]
mod tests;
