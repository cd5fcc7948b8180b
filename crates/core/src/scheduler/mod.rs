//! kube-scheduler in small: pick a node for each pending pod, run the Filter plugins
//! per node, Score the feasible ones, bind the best, and keep a decision record of every
//! attempt that the UI can draw ("why here, why not there?").

pub mod framework;
pub mod plugins;
pub mod queue;

use crate::clock::{Rng, SimTime};
use crate::model::{Node, Pod};
use framework::{Code, FilterPlugin, NodeInfo, PodInfo, ScorePlugin, Status};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

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
        reasons: Vec<Cow<'static, str>>,
    },
    /// Not run: an earlier plugin already rejected the node.
    Skipped,
}

/// The filter plugin that rejected a node, by its index in
/// [`Decision::filter_plugins`], and what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub plugin: usize,
    pub code: Code,
    pub reasons: Vec<Cow<'static, str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginScore {
    pub plugin: Cow<'static, str>,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
}

/// Everything the scheduler found out about one node for one pod. Filters run in order
/// and stop at the first rejection, so a verdict keeps only that rejection: the filters
/// before it passed and the ones after it did not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeVerdict {
    pub node: Arc<str>,
    /// `None` when every filter passed.
    pub rejected: Option<Rejection>,
    /// Where the node's scores start in [`Decision::scores`] (feasible nodes only).
    score_start: Option<u32>,
    /// The weighted sum of the normalized scores; `None` when infeasible.
    pub total: Option<i64>,
}

impl NodeVerdict {
    pub fn feasible(&self) -> bool {
        self.rejected.is_none()
    }

    /// What the filter plugin at `index` (in [`Decision::filter_plugins`]) said.
    pub fn filter_outcome(&self, index: usize) -> FilterOutcome {
        match &self.rejected {
            Some(r) if index == r.plugin => FilterOutcome::Fail {
                code: r.code,
                reasons: r.reasons.clone(),
            },
            Some(r) if index > r.plugin => FilterOutcome::Skipped,
            _ => FilterOutcome::Pass,
        }
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
    /// The filter plugins, in the order they ran on each node.
    pub filter_plugins: Vec<Cow<'static, str>>,
    /// In the order they were evaluated.
    pub nodes: Vec<NodeVerdict>,
    /// The score plugins that took part (PreScore may skip some), with their weights.
    score_columns: Vec<(Cow<'static, str>, i64)>,
    /// Each feasible node's (raw, normalized) score per plugin of `score_columns`.
    scores: Vec<[i64; 2]>,
    pub chosen: Option<String>,
    /// The FailedScheduling message when no node fits.
    pub failure: Option<String>,
}

impl Decision {
    /// The scores of a feasible node, one per score plugin (none when infeasible).
    pub fn scores(&self, verdict: &NodeVerdict) -> impl Iterator<Item = PluginScore> + '_ {
        let n = self.score_columns.len();
        let row = verdict
            .score_start
            .and_then(|start| self.scores.get(start as usize..start as usize + n))
            .unwrap_or_default();
        row.iter()
            .zip(&self.score_columns)
            .map(|([raw, normalized], (plugin, weight))| PluginScore {
                plugin: plugin.clone(),
                raw: *raw,
                normalized: *normalized,
                weight: *weight,
            })
    }

    /// The names of the score plugins that took part, in order.
    pub fn score_plugins(&self) -> impl Iterator<Item = &str> {
        self.score_columns.iter().map(|(p, _)| p.as_ref())
    }
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
    index: BTreeMap<Arc<str>, usize>,
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
            .map(|(i, n)| (n.name.clone(), i))
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
            sampling: self.sampling,
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
        // PreFilter: what every node's filters and scores need from the pod, once.
        let pod = PodInfo::new(pod);
        let infos = &snapshot.infos;
        let total = infos.len();
        let want = match self.sampling {
            Sampling::Adaptive => num_feasible_nodes_to_find(total),
            Sampling::Exhaustive => total,
        };
        let mut verdicts = Vec::with_capacity(want.min(total));
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
            let rejected = self.run_filters(&pod, info);
            if rejected.is_none() {
                feasible_idx.push((verdicts.len(), idx));
            }
            verdicts.push(NodeVerdict {
                node: info.name.clone(),
                rejected,
                score_start: None,
                total: None,
            });
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
            filter_plugins: self
                .profile
                .filters
                .iter()
                .map(|p| Cow::Borrowed(p.name()))
                .collect(),
            nodes: Vec::new(),
            score_columns: Vec::new(),
            scores: Vec::new(),
            chosen: None,
            failure: None,
        };
        if feasible_idx.is_empty() {
            decision.failure = Some(fit_error_message(total, &verdicts));
            decision.nodes = verdicts;
            return decision;
        }

        // Score, normalize, weigh. PreScore may skip a plugin for this pod: it then
        // takes no part.
        let scoring: Vec<&dyn ScorePlugin> = self
            .profile
            .scores
            .iter()
            .map(|p| p.as_ref())
            .filter(|p| !p.skip(&pod))
            .collect();
        let n = scoring.len();
        let mut scores = vec![[0i64; 2]; feasible_idx.len() * n];
        let mut column = Vec::with_capacity(feasible_idx.len());
        for (j, plugin) in scoring.iter().enumerate() {
            column.clear();
            column.extend(
                feasible_idx
                    .iter()
                    .map(|&(_, i)| plugin.score(&pod, &infos[i])),
            );
            let raw = column.clone();
            plugin.normalize(&mut column);
            for (k, score) in scores.iter_mut().skip(j).step_by(n).enumerate() {
                *score = [raw[k], column[k]];
            }
        }
        for (k, &(v, _)) in feasible_idx.iter().enumerate() {
            let mine = &scores[k * n..(k + 1) * n];
            verdicts[v].score_start = Some((k * n) as u32);
            verdicts[v].total = Some(
                mine.iter()
                    .zip(&scoring)
                    .map(|([_, normalized], p)| normalized * p.weight())
                    .sum(),
            );
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
        decision.chosen = best.map(|(_, v)| verdicts[v].node.to_string());
        decision.nodes = verdicts;
        decision.scores = scores;
        decision.score_columns = scoring
            .iter()
            .map(|p| (Cow::Borrowed(p.name()), p.weight()))
            .collect();
        decision
    }

    /// The filters in order until one rejects the node.
    fn run_filters(&self, pod: &PodInfo<'_>, info: &NodeInfo<'_>) -> Option<Rejection> {
        self.profile
            .filters
            .iter()
            .enumerate()
            .find_map(|(plugin, filter)| {
                let Status { code, reasons } = filter.filter(pod, info);
                (code != Code::Success).then_some(Rejection {
                    plugin,
                    code,
                    reasons,
                })
            })
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
    let failures: Vec<(Code, &[Cow<'static, str>])> = verdicts
        .iter()
        .filter_map(|v| v.rejected.as_ref())
        .map(|r| (r.code, r.reasons.as_slice()))
        .collect();
    let mut msg = format!("0/{total} nodes are available");
    let filter_msg = histogram(
        failures
            .iter()
            .flat_map(|(_, r)| r.iter().map(|r| r.as_ref())),
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
