//! kube-scheduler's preemption evaluator (`framework/preemption`): what a PostFilter
//! plugin that preempts shares. The candidates (a node and the victims whose removal
//! lets the pod fit there), `pickOneNodeForPreemption`'s rules for choosing one, the
//! PodDisruptionBudgets as preemption reads them, and the FitError message of a
//! preemption that found no candidate.

use crate::model::labels::Selector;
use crate::model::Pod;
use crate::scheduler::framework::{Code, Reasons};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The status of a node preemption cannot help (`SetAbsentNodesStatus`).
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";

/// A PodDisruptionBudget as preemption reads it (the scheduler's PDB lister).
#[derive(Debug, Clone)]
pub struct Budget<'a> {
    pub namespace: &'a str,
    /// `spec.selector`; `None` when it is missing, empty or invalid (it matches nothing).
    pub selector: Option<Selector>,
    /// `status.disruptionsAllowed`.
    pub disruptions_allowed: i32,
    /// The names in `status.disruptedPods`.
    pub disrupted_pods: Vec<&'a str>,
}

/// What DefaultPreemption found for a pod no node could take (the PostFilter result
/// and status), kept in the attempt's [`Decision`](crate::scheduler::Decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostFilter {
    /// The pod is nominated to `node`; `victims` (`namespace/name`, most important
    /// first) are to be preempted.
    Nominated { node: String, victims: Vec<String> },
    /// No node where preemption helps: a nomination the pod had is cleared.
    NoCandidate,
    /// The pod may not preempt now: its nomination stays.
    NotEligible,
}

/// A node where removing `victims` lets the pod fit.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub node: usize,
    /// Most important first (`MoreImportantPod` order).
    pub victims: Vec<&'a Pod>,
    pub num_pdb_violations: usize,
}

/// `corev1helpers.PodPriority`: the pod's priority, 0 when unset.
pub fn pod_priority(pod: &Pod) -> i32 {
    pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0)
}

/// `util.GetPodStartTime` in milliseconds since the epoch: `status.startTime`, or "now"
/// (later than any start) when the pod has not started.
fn start_time(pod: &Pod) -> i64 {
    pod.status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .map_or(i64::MAX, |t| t.0.as_millisecond())
}

/// `util.MoreImportantPod`: higher priority first, then the one started earlier.
pub fn more_important(a: &Pod, b: &Pod) -> std::cmp::Ordering {
    pod_priority(b)
        .cmp(&pod_priority(a))
        .then_with(|| start_time(a).cmp(&start_time(b)))
}

/// `filterPodsWithPDBViolation`: the pods (in their order) whose eviction would take a
/// matching budget below zero, and the others. Each budget's allowance is spent as
/// the pods that match it come.
pub fn split_by_pdb_violation<'a>(
    pods: &[&'a Pod],
    budgets: &[Budget<'_>],
) -> (Vec<&'a Pod>, Vec<&'a Pod>) {
    let mut allowed: Vec<i32> = budgets.iter().map(|b| b.disruptions_allowed).collect();
    let (mut violating, mut others) = (Vec::new(), Vec::new());
    for &pod in pods {
        let labels = pod.metadata.labels.as_ref().filter(|l| !l.is_empty());
        let mut violated = false;
        if let Some(labels) = labels {
            let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            for (budget, left) in budgets.iter().zip(allowed.iter_mut()) {
                let Some(selector) = &budget.selector else {
                    continue;
                };
                if budget.namespace != ns || !selector.matches(Some(labels)) {
                    continue;
                }
                if budget.disrupted_pods.contains(&name) {
                    continue;
                }
                *left -= 1;
                if *left < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(pod);
        } else {
            others.push(pod);
        }
    }
    (violating, others)
}

/// Which of `pickOneNodeForPreemption`'s rules chose the node, in the order they apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickRule {
    /// There was one candidate.
    OnlyCandidate,
    FewestPdbViolations,
    /// The lowest priority among the candidates' most important victims.
    LowestHighestPriority,
    SmallestPrioritySum,
    FewestVictims,
    /// The latest start among the highest-priority victims.
    LatestStartTime,
    /// Every rule tied: the first candidate.
    FirstCandidate,
}

/// One node preemption could free for the pod, as the explanation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateVictims {
    pub node: String,
    /// `namespace/name` and priority of each victim, most important first.
    pub victims: Vec<(String, i32)>,
    /// Victims whose eviction a PodDisruptionBudget does not allow.
    pub pdb_violations: usize,
}

/// Why preemption nominated the node it did: every candidate and the deciding rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreemptionChoice {
    /// The node the pod was nominated to.
    pub node: String,
    pub candidates: Vec<CandidateVictims>,
    pub decided_by: PickRule,
}

/// `pickOneNodeForPreemption`: fewest PDB violations, then the lowest highest-priority
/// victim, the smallest sum of priorities, the fewest victims, the latest start among
/// the highest-priority victims; then the first candidate. `None` when there is none.
pub fn pick_one_node(candidates: &[Candidate<'_>]) -> Option<usize> {
    pick_one_node_by(candidates).map(|(i, _)| i)
}

/// [`pick_one_node`], with the rule that left one candidate.
pub fn pick_one_node_by(candidates: &[Candidate<'_>]) -> Option<(usize, PickRule)> {
    type Score = fn(&Candidate<'_>) -> i64;
    let rules: [(PickRule, Score); 5] = [
        (PickRule::FewestPdbViolations, |c| {
            -(c.num_pdb_violations as i64)
        }),
        (PickRule::LowestHighestPriority, |c| {
            -i64::from(c.victims.first().map_or(i32::MIN, |p| pod_priority(p)))
        }),
        (PickRule::SmallestPrioritySum, |c| {
            -c.victims
                .iter()
                .map(|p| i64::from(pod_priority(p)) + i64::from(i32::MAX) + 1)
                .sum::<i64>()
        }),
        (PickRule::FewestVictims, |c| -(c.victims.len() as i64)),
        (PickRule::LatestStartTime, |c| {
            // The earliest start among the highest-priority victims: the later, the
            // better.
            let top = c.victims.first().map_or(0, |p| pod_priority(p));
            c.victims
                .iter()
                .filter(|p| pod_priority(p) == top)
                .map(|p| start_time(p))
                .min()
                .unwrap_or(i64::MIN)
        }),
    ];
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    if left.len() == 1 {
        return Some((0, PickRule::OnlyCandidate));
    }
    for (name, rule) in rules {
        let best = left.iter().map(|&i| rule(&candidates[i])).max()?;
        left.retain(|&i| rule(&candidates[i]) == best);
        if left.len() == 1 {
            return Some((left[0], name));
        }
    }
    left.first().map(|&i| (i, PickRule::FirstCandidate))
}

/// The FitError of a preemption without candidates: the dry run's statuses by node,
/// every other node counted as [`NOT_HELPFUL`].
pub fn no_candidate_message(total: usize, statuses: &[(Code, Reasons)]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, reasons) in statuses {
        for r in reasons.iter() {
            *counts.entry(r.to_string()).or_default() += 1;
        }
    }
    let absent = total.saturating_sub(statuses.len());
    if absent > 0 {
        *counts.entry(NOT_HELPFUL.to_string()).or_default() += absent;
    }
    let mut parts: Vec<String> = counts
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    crate::sort::sort(&mut parts);
    format!("0/{total} nodes are available: {}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::make_pod;

    fn pod(name: &str, priority: i32, started: &str) -> Pod {
        let mut p = make_pod().name(name).obj();
        p.spec.get_or_insert_with(Default::default).priority = Some(priority);
        if !started.is_empty() {
            let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
                serde_json::from_value(serde_json::json!(started)).unwrap();
            p.status.get_or_insert_with(Default::default).start_time = Some(t);
        }
        p
    }

    /// kube-scheduler's `TestPickOneNodeForPreemption`, in small: each rule in turn
    /// decides among the candidates the rules before it left tied.
    #[test]
    fn pick_one_node_applies_the_rules_in_order() {
        let early = "2026-01-05T09:00:00Z";
        let late = "2026-01-05T10:00:00Z";
        let (a, b, c) = (pod("a", 10, early), pod("b", 20, early), pod("c", 10, late));
        let (d, e) = (pod("d", 5, early), pod("e", 5, early));
        fn cand<'a>(node: usize, victims: Vec<&'a Pod>, pdb: usize) -> Candidate<'a> {
            Candidate {
                node,
                victims,
                num_pdb_violations: pdb,
            }
        }
        // (name, candidates, the node picked and the rule that decided).
        type Case<'a> = (&'a str, Vec<Candidate<'a>>, Option<(usize, PickRule)>);
        let cases: Vec<Case> = vec![
            ("no candidate", vec![], None),
            (
                "one candidate",
                vec![cand(7, vec![&b], 0)],
                Some((0, PickRule::OnlyCandidate)),
            ),
            (
                "fewest PDB violations first",
                vec![cand(0, vec![&a], 1), cand(1, vec![&b], 0)],
                Some((1, PickRule::FewestPdbViolations)),
            ),
            (
                "then the lowest highest-priority victim",
                vec![cand(0, vec![&b], 0), cand(1, vec![&a, &d], 0)],
                Some((1, PickRule::LowestHighestPriority)),
            ),
            (
                "then the smallest sum of priorities",
                vec![cand(0, vec![&a, &d, &e], 0), cand(1, vec![&a, &d], 0)],
                Some((1, PickRule::SmallestPrioritySum)),
            ),
            (
                "then the smallest sum, each priority counted above zero",
                vec![cand(0, vec![&a, &d], 0), cand(1, vec![&c], 0)],
                Some((1, PickRule::SmallestPrioritySum)),
            ),
            (
                "then the latest start of the highest-priority victims",
                vec![cand(0, vec![&a], 0), cand(1, vec![&c], 0)],
                Some((1, PickRule::LatestStartTime)),
            ),
            (
                "then the first",
                vec![cand(0, vec![&a], 0), cand(1, vec![&a], 0)],
                Some((0, PickRule::FirstCandidate)),
            ),
        ];
        for (name, candidates, want) in cases {
            assert_eq!(pick_one_node_by(&candidates), want, "{name}");
        }
    }

    #[test]
    fn budgets_split_victims_as_their_allowance_runs_out() {
        let labelled = |name: &str| {
            let mut p = pod(name, 0, "");
            p.metadata.labels = Some(crate::sort::collect_map([(
                "app".to_string(),
                "web".to_string(),
            )]));
            p
        };
        let (p1, p2, p3, bare) = (
            labelled("p1"),
            labelled("p2"),
            labelled("p3"),
            pod("x", 0, ""),
        );
        let selector = Selector::parse("app=web").ok();
        let budget = |allowed: i32, disrupted: Vec<&'static str>| Budget {
            namespace: "default",
            selector: selector.clone(),
            disruptions_allowed: allowed,
            disrupted_pods: disrupted,
        };
        let names = |pods: Vec<&Pod>| -> Vec<String> {
            pods.iter()
                .map(|p| p.metadata.name.clone().unwrap_or_default())
                .collect()
        };
        let pods = [&p1, &p2, &bare, &p3];
        // (name, budgets, violating, others).
        type Case<'a> = (&'a str, Vec<Budget<'a>>, Vec<&'a str>, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            ("no budget", vec![], vec![], vec!["p1", "p2", "x", "p3"]),
            (
                "one disruption allowed",
                vec![budget(1, vec![])],
                vec!["p2", "p3"],
                vec!["p1", "x"],
            ),
            (
                "a pod already disrupted spends nothing",
                vec![budget(1, vec!["p1"])],
                vec!["p3"],
                vec!["p1", "p2", "x"],
            ),
            (
                "another namespace's budget",
                vec![Budget {
                    namespace: "other",
                    ..budget(0, vec![])
                }],
                vec![],
                vec!["p1", "p2", "x", "p3"],
            ),
            (
                "a budget without a selector matches nothing",
                vec![Budget {
                    selector: None,
                    ..budget(0, vec![])
                }],
                vec![],
                vec!["p1", "p2", "x", "p3"],
            ),
        ];
        for (name, budgets, violating, others) in cases {
            let (v, o) = split_by_pdb_violation(&pods, &budgets);
            assert_eq!(
                (names(v), names(o)),
                (
                    violating.iter().map(|s| s.to_string()).collect(),
                    others.iter().map(|s| s.to_string()).collect()
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn the_message_counts_every_node_the_dry_run_did_not_see_as_not_helpful() {
        let none = Reasons::One("No preemption victims found for incoming pod".into());
        let statuses = vec![
            (Code::UnschedulableAndUnresolvable, none.clone()),
            (Code::UnschedulableAndUnresolvable, none),
        ];
        assert_eq!(
            no_candidate_message(3, &statuses),
            "0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
        assert_eq!(
            no_candidate_message(2, &[]),
            "0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        );
    }
}
