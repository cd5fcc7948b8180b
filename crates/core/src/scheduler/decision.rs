//! The record of one scheduling attempt ("why here, why not there?"): each evaluated
//! node's verdict in 12 bytes, the rejections' reasons each once, the feasible nodes'
//! scores per plugin (each distinct row of them once), and the node chosen or the
//! FailedScheduling message. Snapshots keep it with each verdict naming its node and
//! each feasible node's scores written out.

use super::framework::{Code, Reasons};
use super::preemption;
use crate::clock::SimTime;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

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
    pub reasons: Reasons,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginScore {
    pub plugin: Cow<'static, str>,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
}

/// Everything the scheduler found out about one node for one pod, in 12 bytes (a
/// decision holds one per evaluated node). Filters run in order and stop at the first
/// rejection, so a verdict keeps only that rejection: the filters before it passed and
/// the ones after it did not run. What it said, and a feasible node's scores and
/// total, live in the [`Decision`] ([`Decision::filter_outcome`], [`Decision::total`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeVerdict {
    /// The node, by its place in the decision's name table ([`Decision::node_name`]).
    pub(super) node: u32,
    /// A rejected node's reasons in [`Decision`]'s table of them, a feasible node's
    /// place among the feasible ones (its score row and total).
    pub(super) slot: u32,
    /// The rejecting filter's index in [`Decision::filter_plugins`]; `FEASIBLE` when
    /// every filter passed.
    pub(super) plugin: u8,
    pub(super) code: Code,
}

pub(super) const FEASIBLE: u8 = u8::MAX;

impl NodeVerdict {
    pub fn feasible(&self) -> bool {
        self.plugin == FEASIBLE
    }

    /// The index (in [`Decision::filter_plugins`]) of the filter that rejected the node.
    pub fn rejected_by(&self) -> Option<usize> {
        (!self.feasible()).then_some(usize::from(self.plugin))
    }
}

/// The feasible nodes' scores: each distinct row of (raw, normalized) pairs, one pair
/// per score plugin of the decision (scores are small: 0..=100 normalized; raw ones
/// saturate at i32's bounds), kept once with its weighted total, and each feasible
/// node's row. Nodes alike score alike: a 10,000-pod scale-up onto 500 equal nodes kept
/// 230 rows of five pairs and a total per decision (11 KB), and keeps about five
/// (each compared with the last [`RECENT_ROWS`] kept, not hashed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ScoreTable {
    /// Pairs per row.
    width: usize,
    /// The distinct rows, `width` pairs each.
    rows: Vec<[i32; 2]>,
    /// Each distinct row's weighted total.
    totals: Vec<i64>,
    /// Each feasible node's row, by [`NodeVerdict::slot`].
    of_node: Vec<u32>,
}

impl ScoreTable {
    /// The table of `rows` (`width` pairs per feasible node, in slot order) and the
    /// nodes' `totals`: a row and total equal to one of the last [`RECENT_ROWS`] kept
    /// is not kept again (like nodes come together; a row kept twice only costs room).
    pub(super) fn from_rows(width: usize, rows: &[[i32; 2]], totals: &[i64]) -> ScoreTable {
        let mut table = ScoreTable {
            width,
            ..ScoreTable::default()
        };
        for (i, &total) in totals.iter().enumerate() {
            let row = rows.get(i * width..(i + 1) * width).unwrap_or_default();
            let kept = table.totals.len() as u32;
            let same = (kept.saturating_sub(RECENT_ROWS)..kept)
                .rev()
                .find(|&d| table.totals.get(d as usize) == Some(&total) && table.row(d) == row);
            let d = same.unwrap_or_else(|| {
                table.rows.extend_from_slice(row);
                table.totals.push(total);
                kept
            });
            table.of_node.push(d);
        }
        table
    }

    /// The distinct row `d`.
    fn row(&self, d: u32) -> &[[i32; 2]] {
        let start = d as usize * self.width;
        self.rows.get(start..start + self.width).unwrap_or_default()
    }

    /// The feasible node's row at `slot`.
    fn node_row(&self, slot: u32) -> &[[i32; 2]] {
        match self.of_node.get(slot as usize) {
            Some(&d) => self.row(d),
            None => &[],
        }
    }

    /// The feasible node's weighted total at `slot`.
    fn node_total(&self, slot: u32) -> Option<i64> {
        let d = *self.of_node.get(slot as usize)?;
        self.totals.get(d as usize).copied()
    }
}

/// How many of the last distinct rows a new row is compared with.
const RECENT_ROWS: u32 = 2;

/// The record of one scheduling attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DecisionData", into = "DecisionData")]
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
    /// The node names the verdicts refer to (the scheduler's snapshot's, shared).
    pub(super) names: Arc<[Arc<str>]>,
    /// In the order they were evaluated.
    pub nodes: Vec<NodeVerdict>,
    /// What rejected nodes were told, each distinct answer once; a rejected node's
    /// [`NodeVerdict::slot`] points here.
    pub(super) rejections: Vec<Reasons>,
    /// The score plugins that took part (PreScore may skip some), with their weights.
    pub(super) score_columns: Vec<(Cow<'static, str>, i64)>,
    /// The feasible nodes' scores and totals, by [`NodeVerdict::slot`].
    pub(super) scores: ScoreTable,
    pub chosen: Option<String>,
    /// The FailedScheduling message when no node fits.
    pub failure: Option<String>,
    /// What preemption (the PostFilter) did when no node fits.
    pub post_filter: Option<preemption::PostFilter>,
    /// When it nominated a node: the candidates and the rule that chose it (kept, by the
    /// cluster, on the pod's later attempts while it waits for its victims and when it
    /// is placed on that node).
    pub preemption: Option<preemption::PreemptionChoice>,
}

/// A decision as snapshots keep it: each verdict names its node.
#[derive(Serialize, Deserialize)]
struct DecisionData {
    pod: String,
    at: SimTime,
    total_nodes: usize,
    evaluated: usize,
    feasible: usize,
    filter_plugins: Vec<Cow<'static, str>>,
    nodes: Vec<NodeVerdictData>,
    score_columns: Vec<(Cow<'static, str>, i64)>,
    scores: Vec<[i32; 2]>,
    chosen: Option<String>,
    failure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_filter: Option<preemption::PostFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preemption: Option<preemption::PreemptionChoice>,
}

#[derive(Serialize, Deserialize)]
struct NodeVerdictData {
    node: Arc<str>,
    rejected: Option<Rejection>,
    score_start: Option<u32>,
    total: Option<i64>,
}

impl From<Decision> for DecisionData {
    fn from(d: Decision) -> DecisionData {
        let n = d.score_columns.len();
        let nodes = d
            .nodes
            .iter()
            .map(|v| NodeVerdictData {
                node: d
                    .names
                    .get(v.node as usize)
                    .cloned()
                    .unwrap_or_else(|| Arc::from("")),
                rejected: v.rejected_by().map(|plugin| Rejection {
                    plugin,
                    code: v.code,
                    reasons: d
                        .rejections
                        .get(v.slot as usize)
                        .cloned()
                        .unwrap_or_default(),
                }),
                score_start: v.feasible().then_some(v.slot * n as u32),
                total: v.feasible().then(|| d.scores.node_total(v.slot)).flatten(),
            })
            .collect();
        // Each feasible node's row written out, in slot order.
        let scores = (0..d.scores.of_node.len() as u32)
            .flat_map(|slot| d.scores.node_row(slot).iter().copied())
            .collect();
        DecisionData {
            pod: d.pod,
            at: d.at,
            total_nodes: d.total_nodes,
            evaluated: d.evaluated,
            feasible: d.feasible,
            filter_plugins: d.filter_plugins,
            nodes,
            score_columns: d.score_columns,
            scores,
            chosen: d.chosen,
            failure: d.failure,
            post_filter: d.post_filter,
            preemption: d.preemption,
        }
    }
}

impl From<DecisionData> for Decision {
    fn from(d: DecisionData) -> Decision {
        let mut names = Vec::with_capacity(d.nodes.len());
        let (mut rejections, mut totals) = (Vec::new(), Vec::new());
        let nodes = d
            .nodes
            .into_iter()
            .map(|v| {
                names.push(v.node);
                let node = (names.len() - 1) as u32;
                match v.rejected {
                    Some(r) => {
                        rejections.push(r.reasons);
                        NodeVerdict {
                            node,
                            slot: (rejections.len() - 1) as u32,
                            plugin: u8::try_from(r.plugin).unwrap_or(FEASIBLE - 1),
                            code: r.code,
                        }
                    }
                    None => {
                        totals.push(v.total.unwrap_or_default());
                        NodeVerdict {
                            node,
                            slot: (totals.len() - 1) as u32,
                            plugin: FEASIBLE,
                            code: Code::Success,
                        }
                    }
                }
            })
            .collect();
        Decision {
            pod: d.pod,
            at: d.at,
            total_nodes: d.total_nodes,
            evaluated: d.evaluated,
            feasible: d.feasible,
            filter_plugins: d.filter_plugins,
            names: names.into(),
            nodes,
            rejections,
            scores: ScoreTable::from_rows(d.score_columns.len(), &d.scores, &totals),
            score_columns: d.score_columns,
            chosen: d.chosen,
            failure: d.failure,
            post_filter: d.post_filter,
            preemption: d.preemption,
        }
    }
}

impl Decision {
    /// The name of the node a verdict is about.
    pub fn node_name(&self, verdict: &NodeVerdict) -> &str {
        self.names
            .get(verdict.node as usize)
            .map(|n| &**n)
            .unwrap_or_default()
    }

    /// What the filter plugin at `index` (in [`Decision::filter_plugins`]) said about
    /// the verdict's node.
    pub fn filter_outcome(&self, verdict: &NodeVerdict, index: usize) -> FilterOutcome {
        match verdict.rejected_by() {
            Some(plugin) if index == plugin => FilterOutcome::Fail {
                code: verdict.code,
                reasons: self
                    .rejections
                    .get(verdict.slot as usize)
                    .map(Reasons::to_texts)
                    .unwrap_or_default(),
            },
            Some(plugin) if index > plugin => FilterOutcome::Skipped,
            _ => FilterOutcome::Pass,
        }
    }

    /// What rejected the verdict's node: the plugin's code and reasons.
    pub fn rejection(&self, verdict: &NodeVerdict) -> Option<(Code, &Reasons)> {
        verdict.rejected_by()?;
        Some((verdict.code, self.rejections.get(verdict.slot as usize)?))
    }

    /// A feasible node's weighted total; `None` when infeasible.
    pub fn total(&self, verdict: &NodeVerdict) -> Option<i64> {
        if !verdict.feasible() {
            return None;
        }
        self.scores.node_total(verdict.slot)
    }

    /// The scores of a feasible node, one per score plugin (none when infeasible).
    pub fn scores(&self, verdict: &NodeVerdict) -> impl Iterator<Item = PluginScore> + '_ {
        let row = if verdict.feasible() {
            self.scores.node_row(verdict.slot)
        } else {
            &[]
        };
        row.iter()
            .zip(&self.score_columns)
            .map(|([raw, normalized], (plugin, weight))| PluginScore {
                plugin: plugin.clone(),
                raw: i64::from(*raw),
                normalized: i64::from(*normalized),
                weight: *weight,
            })
    }

    /// The names of the score plugins that took part, in order.
    pub fn score_plugins(&self) -> impl Iterator<Item = &str> {
        self.score_columns.iter().map(|(p, _)| p.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::ScoreTable;

    /// Repeated rows are kept once; every node still reads its own row and total, and a
    /// row equal to another but with a different total is kept apart.
    #[test]
    fn score_rows_are_kept_once() {
        let (a, b) = ([[0, 100], [99, 99]], [[35, 82], [0, 0]]);
        let nodes: Vec<([[i32; 2]; 2], i64)> =
            vec![(a, 398), (b, 82), (a, 398), (a, 398), (b, 82), (a, 7)];
        let rows: Vec<[i32; 2]> = nodes.iter().flat_map(|(r, _)| *r).collect();
        let totals: Vec<i64> = nodes.iter().map(|(_, t)| *t).collect();
        let table = ScoreTable::from_rows(2, &rows, &totals);
        assert_eq!(table.totals, [398, 82, 7]);
        assert_eq!(table.of_node, [0, 1, 0, 0, 1, 2]);
        for (slot, (row, total)) in nodes.iter().enumerate() {
            assert_eq!(table.node_row(slot as u32), row);
            assert_eq!(table.node_total(slot as u32), Some(*total));
        }
        assert_eq!(table.node_row(6), &[] as &[[i32; 2]]);
        assert_eq!(table.node_total(6), None);
    }
}
