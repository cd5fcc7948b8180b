//! kube-scheduler in small: pick a node for each pending pod, run the Filter plugins
//! per node, Score the feasible ones, bind the best, and keep a decision record of every
//! attempt that the UI can draw ("why here, why not there?").

pub mod framework;
pub mod plugins;
pub mod queue;

use crate::clock::{Rng, SimTime};
use crate::model::{Node, Pod};
use framework::{Code, FilterPlugin, NodeInfo, ScorePlugin, Status};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The scheduler's name, as pods' `spec.schedulerName` and event sources show it.
pub const SCHEDULER_NAME: &str = "default-scheduler";

/// How many nodes to look at per pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sampling {
    /// kube-scheduler's adaptive `percentageOfNodesToScore`: stop filtering once enough
    /// feasible nodes were found (all nodes in clusters under 100 nodes).
    #[default]
    Adaptive,
    /// Evaluate every node, for complete explanations.
    Exhaustive,
}

/// What one Filter plugin said about one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterOutcome {
    Pass,
    Fail {
        code: Code,
        reasons: Vec<String>,
    },
    /// Not run: an earlier plugin already rejected the node.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginFilter {
    pub plugin: Cow<'static, str>,
    pub outcome: FilterOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginScore {
    pub plugin: Cow<'static, str>,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
}

/// Everything the scheduler found out about one node for one pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeVerdict {
    pub node: String,
    pub filters: Vec<PluginFilter>,
    /// Empty when the node was infeasible.
    pub scores: Vec<PluginScore>,
    /// The weighted sum of the normalized scores; `None` when infeasible.
    pub total: Option<i64>,
}

impl NodeVerdict {
    pub fn feasible(&self) -> bool {
        self.filters
            .iter()
            .all(|f| f.outcome == FilterOutcome::Pass)
    }
}

/// The record of one scheduling attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// `namespace/name` of the pod.
    pub pod: String,
    pub at: SimTime,
    pub total_nodes: usize,
    /// Nodes the filters ran on (fewer than all when sampling stopped early).
    pub evaluated: usize,
    pub feasible: usize,
    /// In the order they were evaluated.
    pub nodes: Vec<NodeVerdict>,
    pub chosen: Option<String>,
    /// The FailedScheduling message when no node fits.
    pub failure: Option<String>,
}

/// The filter and score plugins of the default profile, in its order.
pub struct Profile {
    pub filters: Vec<Box<dyn FilterPlugin>>,
    pub scores: Vec<Box<dyn ScorePlugin>>,
}

impl Default for Profile {
    fn default() -> Self {
        use plugins::*;
        Profile {
            filters: vec![
                Box::new(NodeUnschedulable),
                Box::new(NodeName),
                Box::new(TaintToleration),
                Box::new(NodeAffinity),
                Box::new(NodePorts),
                Box::new(NodeResourcesFit),
            ],
            scores: vec![
                Box::new(TaintToleration),
                Box::new(NodeAffinity),
                Box::new(NodeResourcesFit),
                Box::new(NodeResourcesBalancedAllocation),
            ],
        }
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.filters.iter().map(|p| p.name()).collect();
        f.debug_struct("Profile").field("filters", &names).finish()
    }
}

/// kube-scheduler's `numFeasibleNodesToFind` with the adaptive percentage.
pub fn num_feasible_nodes_to_find(num_all_nodes: usize) -> usize {
    const MIN_FEASIBLE_NODES: usize = 100;
    const MIN_PERCENTAGE: usize = 5;
    if num_all_nodes < MIN_FEASIBLE_NODES {
        return num_all_nodes;
    }
    let percentage = 50usize
        .saturating_sub(num_all_nodes / 125)
        .max(MIN_PERCENTAGE);
    (num_all_nodes * percentage / 100).max(MIN_FEASIBLE_NODES)
}

/// The scheduler's view of the cluster for one pass (its cache): every node with the
/// requests of the pods bound or assumed onto it.
#[derive(Debug, Clone)]
pub struct Snapshot<'a> {
    pub infos: Vec<NodeInfo<'a>>,
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Snapshot<'a> {
    pub fn new(
        nodes: impl IntoIterator<Item = &'a Node>,
        pods: impl IntoIterator<Item = &'a Pod>,
    ) -> Snapshot<'a> {
        let infos: Vec<NodeInfo<'a>> = nodes.into_iter().map(NodeInfo::new).collect();
        let index = infos
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name(), i))
            .collect();
        let mut snap = Snapshot { infos, index };
        for p in pods {
            if let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
                if !is_terminal(p) {
                    snap.assume(node, p);
                }
            }
        }
        snap
    }

    /// Counts `pod` on `node` (kube-scheduler's AssumePod).
    pub fn assume(&mut self, node: &str, pod: &Pod) {
        if let Some(&i) = self.index.get(node) {
            self.infos[i].add_pod(pod);
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Scheduler {
    #[serde(skip)]
    pub profile: Profile,
    pub sampling: Sampling,
    /// Where the next pod's node search starts (round-robin, as kube-scheduler).
    next_start_node_index: usize,
    rng: Rng,
}

/// A copy runs the default profile (the only one there is) with the same state.
impl Clone for Scheduler {
    fn clone(&self) -> Scheduler {
        Scheduler {
            profile: Profile::default(),
            sampling: self.sampling.clone(),
            next_start_node_index: self.next_start_node_index,
            rng: self.rng.clone(),
        }
    }
}

impl Scheduler {
    pub fn new(seed: u64) -> Scheduler {
        Scheduler {
            profile: Profile::default(),
            sampling: Sampling::Adaptive,
            next_start_node_index: 0,
            rng: Rng::new(seed ^ 0x5c4e_d01e),
        }
    }

    /// Finds a node for `pod` in `snapshot`. The caller assumes the pod onto the chosen
    /// node ([`Snapshot::assume`]) so the next pod of the same pass sees it.
    pub fn schedule(&mut self, pod: &Pod, snapshot: &Snapshot<'_>, at: SimTime) -> Decision {
        let key = format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or_default()
        );
        let infos = &snapshot.infos;
        let total = infos.len();
        let want = match self.sampling {
            Sampling::Adaptive => num_feasible_nodes_to_find(total),
            Sampling::Exhaustive => total,
        };
        let mut verdicts = Vec::new();
        let mut feasible_idx = Vec::new();
        let start = if total == 0 {
            0
        } else {
            self.next_start_node_index % total
        };
        for i in 0..total {
            if feasible_idx.len() >= want {
                break;
            }
            let idx = (start + i) % total;
            let info = &infos[idx];
            let filters = self.run_filters(pod, info);
            let verdict = NodeVerdict {
                node: info.name().to_string(),
                filters,
                scores: Vec::new(),
                total: None,
            };
            if verdict.feasible() {
                feasible_idx.push((verdicts.len(), idx));
            }
            verdicts.push(verdict);
        }
        let evaluated = verdicts.len();
        if total > 0 {
            self.next_start_node_index = (start + evaluated) % total;
        }

        let mut decision = Decision {
            pod: key,
            at,
            total_nodes: total,
            evaluated,
            feasible: feasible_idx.len(),
            nodes: Vec::new(),
            chosen: None,
            failure: None,
        };
        if feasible_idx.is_empty() {
            decision.failure = Some(fit_error_message(total, &verdicts));
            decision.nodes = verdicts;
            return decision;
        }

        // Score, normalize, weigh.
        for plugin in &self.profile.scores {
            // PreScore may skip a plugin for this pod: it then takes no part.
            if plugin.skip(pod) {
                continue;
            }
            let mut raw: Vec<i64> = feasible_idx
                .iter()
                .map(|&(_, i)| plugin.score(pod, &infos[i]))
                .collect();
            let mut normalized = raw.clone();
            plugin.normalize(&mut normalized);
            for (k, &(v, _)) in feasible_idx.iter().enumerate() {
                verdicts[v].scores.push(PluginScore {
                    plugin: Cow::Borrowed(plugin.name()),
                    raw: std::mem::take(&mut raw[k]),
                    normalized: normalized[k],
                    weight: plugin.weight(),
                });
            }
        }
        for &(v, _) in &feasible_idx {
            let t = verdicts[v]
                .scores
                .iter()
                .map(|s| s.normalized * s.weight)
                .sum();
            verdicts[v].total = Some(t);
        }
        // selectHost: the highest total; ties broken uniformly at random (seeded).
        let mut best: Option<(i64, usize)> = None;
        let mut ties = 0u64;
        for &(v, _) in &feasible_idx {
            let t = verdicts[v].total.unwrap_or(0);
            match best {
                Some((b, _)) if t < b => {}
                Some((b, _)) if t == b => {
                    ties += 1;
                    if self.rng.below(ties + 1) == 0 {
                        best = Some((t, v));
                    }
                }
                _ => {
                    best = Some((t, v));
                    ties = 0;
                }
            }
        }
        decision.chosen = best.map(|(_, v)| verdicts[v].node.clone());
        decision.nodes = verdicts;
        decision
    }

    fn run_filters(&self, pod: &Pod, info: &NodeInfo<'_>) -> Vec<PluginFilter> {
        let mut failed = false;
        self.profile
            .filters
            .iter()
            .map(|plugin| {
                let outcome = if failed {
                    FilterOutcome::Skipped
                } else {
                    let Status { code, reasons } = plugin.filter(pod, info);
                    if code == Code::Success {
                        FilterOutcome::Pass
                    } else {
                        failed = true;
                        FilterOutcome::Fail { code, reasons }
                    }
                };
                PluginFilter {
                    plugin: Cow::Borrowed(plugin.name()),
                    outcome,
                }
            })
            .collect()
    }
}

fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded") | Some("Failed")
    )
}

/// Counts reasons over nodes and renders them as kube-scheduler does: `"N reason"`
/// strings sorted, joined by ", ".
fn histogram<'a>(reasons: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reasons {
        *counts.entry(r).or_default() += 1;
    }
    let mut parts: Vec<String> = counts
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    parts.sort();
    parts.join(", ")
}

/// The FailedScheduling message (`FitError.Error()` plus DefaultPreemption's
/// PostFilter message).
pub fn fit_error_message(total: usize, verdicts: &[NodeVerdict]) -> String {
    let failures: Vec<(Code, &[String])> = verdicts
        .iter()
        .filter_map(|v| {
            v.filters.iter().find_map(|f| match &f.outcome {
                FilterOutcome::Fail { code, reasons } => Some((*code, reasons.as_slice())),
                _ => None,
            })
        })
        .collect();
    let mut msg = format!("0/{total} nodes are available");
    let filter_msg = histogram(
        failures
            .iter()
            .flat_map(|(_, r)| r.iter().map(String::as_str)),
    );
    if !filter_msg.is_empty() {
        msg.push_str(&format!(": {filter_msg}."));
    } else {
        msg.push('.');
    }
    // Preemption: nodes rejected as unresolvable cannot be helped by evicting pods;
    // with only equal-priority pods around, no victims exist on the others.
    let preemption = histogram(failures.iter().map(|(code, _)| match code {
        Code::UnschedulableAndUnresolvable => "Preemption is not helpful for scheduling",
        _ => "No preemption victims found for incoming pod",
    }));
    if !preemption.is_empty() {
        msg.push_str(&format!(
            " preemption: 0/{total} nodes are available: {preemption}."
        ));
    }
    msg
}
