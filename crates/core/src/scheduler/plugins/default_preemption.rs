//! DefaultPreemption, kube-scheduler's PostFilter: when no node passes the filters, find
//! nodes where removing pods of lower priority lets the pod fit, choose the victims on
//! each (as few as possible, reprieving the most important first and the ones a
//! PodDisruptionBudget protects before the others), pick one node by the evaluator's
//! rules ([`preemption::pick_one_node`]) and nominate the pod to it. The dry run starts
//! at a random node and stops once it has enough candidates (`DefaultPreemptionArgs`).

use crate::clock::Rng;
use crate::model::Pod;
use crate::scheduler::framework::{
    Code, FilterPlugin, NodeInfo, PodInfo, PodUsage, Reasons, Status,
};
use crate::scheduler::preemption::{
    self, more_important, pod_priority, split_by_pdb_violation, Budget, Candidate,
    CandidateVictims, PostFilter, PreemptionChoice,
};
use crate::scheduler::Snapshot;

/// `SelectVictimsOnNode`'s status when the node runs no pod of lower priority.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
/// `PodEligibleToPreemptOthers`'s reasons.
pub const NOT_ELIGIBLE_NEVER: &str = "not eligible due to preemptionPolicy=Never.";
pub const NOT_ELIGIBLE_TERMINATING: &str =
    "not eligible due to a terminating pod on the nominated node.";

/// The plugin with its arguments (`DefaultPreemptionArgs`): the dry run looks for at
/// least this share of the nodes as candidates, and at least this many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultPreemption {
    pub min_candidate_nodes_percentage: i32,
    pub min_candidate_nodes_absolute: i32,
}

/// kube-scheduler's defaults: 10 % of the nodes, at least 100.
impl Default for DefaultPreemption {
    fn default() -> Self {
        DefaultPreemption {
            min_candidate_nodes_percentage: 10,
            min_candidate_nodes_absolute: 100,
        }
    }
}

/// The candidates in the order of their nodes in the snapshot.
fn by_node<'c, 'a>(candidates: &'c [Candidate<'a>]) -> Vec<&'c Candidate<'a>> {
    let mut list: Vec<&Candidate<'_>> = candidates.iter().collect();
    crate::sort::sort_by_key(&mut list, |c| c.node);
    list
}

/// What the PostFilter decided, and the status message it adds to the FitError
/// (`preemption: ...`), empty when it nominated a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub result: PostFilter,
    pub message: String,
    /// When it nominated a node: every candidate and the rule that chose the node.
    pub choice: Option<PreemptionChoice>,
}

/// Whether the pod is being deleted because the scheduler preempted it
/// (`podTerminatingByPreemption`).
fn terminating_by_preemption(pod: &Pod) -> bool {
    if pod.metadata.deletion_timestamp.is_none() {
        return false;
    }
    let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
    conditions
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "DisruptionTarget")
        .is_some_and(|c| c.status == "True" && c.reason.as_deref() == Some("PreemptionByScheduler"))
}

/// The filters that concern the pod (PreFilter did not skip them), in order, until one
/// rejects the node (`RunFilterPluginsWithNominatedPods` without nominated pods).
fn run_filters(
    filters: &[Box<dyn FilterPlugin>],
    pod: &PodInfo<'_>,
    node: &NodeInfo<'_>,
) -> Status {
    for f in filters {
        if f.skip(pod) {
            continue;
        }
        let status = f.filter(pod, node);
        if !status.is_success() {
            return status;
        }
    }
    Status::success()
}

impl DefaultPreemption {
    /// `calculateNumCandidates`: how many candidates the dry run looks for among
    /// `nodes` potential nodes.
    pub fn num_candidates(&self, nodes: usize) -> usize {
        let nodes = i64::try_from(nodes).unwrap_or(i64::MAX);
        let share = nodes * i64::from(self.min_candidate_nodes_percentage) / 100;
        let n = share
            .max(i64::from(self.min_candidate_nodes_absolute))
            .min(nodes);
        usize::try_from(n).unwrap_or(0)
    }

    /// `PodEligibleToPreemptOthers`: a pod with `preemptionPolicy: Never` does not
    /// preempt; nor does one whose nominated node still runs pods it preempted (unless
    /// that node now rejects it as unresolvable).
    pub fn eligible(
        &self,
        pod: &Pod,
        snapshot: &Snapshot<'_>,
        nominated_status: Option<Code>,
    ) -> Result<(), &'static str> {
        let spec = pod.spec.as_ref();
        if spec.and_then(|s| s.preemption_policy.as_deref()) == Some("Never") {
            return Err(NOT_ELIGIBLE_NEVER);
        }
        let nominated = pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .unwrap_or_default();
        if nominated.is_empty() || nominated_status == Some(Code::UnschedulableAndUnresolvable) {
            return Ok(());
        }
        let priority = pod_priority(pod);
        let node = snapshot.infos.iter().find(|n| n.name() == nominated);
        let terminating = node.is_some_and(|n| {
            n.pods
                .iter()
                .any(|p| pod_priority(p) < priority && terminating_by_preemption(p))
        });
        if terminating {
            return Err(NOT_ELIGIBLE_TERMINATING);
        }
        Ok(())
    }

    /// `SelectVictimsOnNode`: every pod of lower priority removed, the pod must fit;
    /// then each is put back, most important first (those a budget protects before the
    /// others), and stays if the pod still fits. The victims, most important first, and
    /// how many of them a budget protected; or why the node cannot help.
    pub fn select_victims_on_node<'a>(
        &self,
        filters: &[Box<dyn FilterPlugin>],
        pod: &PodInfo<'_>,
        node: &NodeInfo<'a>,
        budgets: &[Budget<'_>],
    ) -> Result<(Vec<&'a Pod>, usize), Status> {
        let priority = pod_priority(pod.pod);
        let mut potential: Vec<&'a Pod> = node
            .pods
            .iter()
            .copied()
            .filter(|p| pod_priority(p) < priority)
            .collect();
        if potential.is_empty() {
            return Err(Status::unresolvable(NO_VICTIMS));
        }
        let mut info = node.clone();
        // What each removed pod added, to count it again when it is reprieved.
        let mut removed: Vec<(&'a Pod, PodUsage)> = potential
            .iter()
            .filter_map(|&p| Some((p, info.take_pod(p)?)))
            .collect();
        let status = run_filters(filters, pod, &info);
        if !status.is_success() {
            return Err(status);
        }
        crate::sort::sort_by(&mut potential, |a, b| more_important(a, b));
        let (violating, others) = split_by_pdb_violation(&potential, budgets);
        let mut victims = Vec::new();
        let mut violations = 0;
        let mut reprieve = |p: &'a Pod, info: &mut NodeInfo<'a>| -> bool {
            match removed.iter().position(|(r, _)| std::ptr::eq(*r, p)) {
                Some(at) => info.put_pod(p, removed.swap_remove(at).1),
                None => info.add_pod(p),
            }
            if run_filters(filters, pod, info).is_success() {
                return true;
            }
            if let Some(usage) = info.take_pod(p) {
                removed.push((p, usage));
            }
            victims.push(p);
            false
        };
        for &p in &violating {
            if !reprieve(p, &mut info) {
                violations += 1;
            }
        }
        for &p in &others {
            reprieve(p, &mut info);
        }
        if !violating.is_empty() && !others.is_empty() {
            crate::sort::sort_by(&mut victims, |a, b| more_important(a, b));
        }
        Ok((victims, violations))
    }

    /// The PostFilter: `verdicts` are each node's (place in the snapshot, code) from
    /// the failed Filter pass.
    /// `rng` picks where the dry run starts (`GetOffsetAndNumCandidates`).
    pub fn post_filter(
        &self,
        filters: &[Box<dyn FilterPlugin>],
        pod: &PodInfo<'_>,
        snapshot: &Snapshot<'_>,
        verdicts: &[(usize, Code)],
        rng: &mut Rng,
    ) -> Outcome {
        let nominated = pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .unwrap_or_default();
        let nominated_status = verdicts
            .iter()
            .find(|(i, _)| {
                snapshot
                    .infos
                    .get(*i)
                    .is_some_and(|n| n.name() == nominated)
            })
            .map(|(_, code)| *code);
        if let Err(why) = self.eligible(pod.pod, snapshot, nominated_status) {
            return Outcome {
                result: PostFilter::NotEligible,
                message: format!("preemption: {why}"),
                choice: None,
            };
        }
        let total = snapshot.infos.len();
        // The nodes preemption might help: those the filters found unschedulable, not
        // unresolvable.
        let potential: Vec<usize> = verdicts
            .iter()
            .filter(|(_, code)| *code == Code::Unschedulable)
            .map(|&(i, _)| i)
            .collect();
        // DryRunPreemption: from a random node on, until there are enough candidates
        // (one at least without a budget violation); those first.
        let (mut fitting, mut violating) = (Vec::new(), Vec::new());
        let mut statuses: Vec<(Code, Reasons)> = Vec::new();
        if !potential.is_empty() {
            let offset = rng.below(potential.len() as u64) as usize;
            let wanted = self.num_candidates(potential.len());
            for k in 0..potential.len() {
                let i = potential[(offset + k) % potential.len()];
                let Some(node) = snapshot.infos.get(i) else {
                    continue;
                };
                let budgets = &snapshot.listers.budgets;
                match self.select_victims_on_node(filters, pod, node, budgets) {
                    Ok((victims, num_pdb_violations)) => {
                        let list = if num_pdb_violations == 0 {
                            &mut fitting
                        } else {
                            &mut violating
                        };
                        list.push(Candidate {
                            node: i,
                            victims,
                            num_pdb_violations,
                        });
                        if !fitting.is_empty() && fitting.len() + violating.len() >= wanted {
                            break;
                        }
                    }
                    Err(Status::Rejected { code, reasons }) => statuses.push((code, reasons)),
                    Err(Status::Success) => {}
                }
            }
        }
        let mut candidates = fitting;
        candidates.append(&mut violating);
        let picked = preemption::pick_one_node_by(&candidates)
            .and_then(|(c, rule)| Some((candidates.get(c)?, rule)));
        let Some((best, decided_by)) = picked else {
            return Outcome {
                result: PostFilter::NoCandidate,
                message: format!(
                    "preemption: {}",
                    preemption::no_candidate_message(total, &statuses)
                ),
                choice: None,
            };
        };
        let key = |p: &Pod| {
            format!(
                "{}/{}",
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default()
            )
        };
        let node = snapshot
            .infos
            .get(best.node)
            .map(|n| n.name().to_string())
            .unwrap_or_default();
        Outcome {
            result: PostFilter::Nominated {
                node: node.clone(),
                victims: best.victims.iter().map(|p| key(p)).collect(),
            },
            message: String::new(),
            choice: Some(PreemptionChoice {
                node,
                // Shown in the nodes' order: the dry run's order only breaks ties.
                candidates: by_node(&candidates)
                    .into_iter()
                    .map(|c| CandidateVictims {
                        node: snapshot
                            .infos
                            .get(c.node)
                            .map(|n| n.name().to_string())
                            .unwrap_or_default(),
                        victims: c
                            .victims
                            .iter()
                            .map(|p| (key(p), pod_priority(p)))
                            .collect(),
                        pdb_violations: c.num_pdb_violations,
                    })
                    .collect(),
                decided_by,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{make_node, make_pod, MakePod};
    use crate::scheduler::Profile;

    fn prio(pod: MakePod, priority: i32) -> Pod {
        let mut p = pod.obj();
        p.spec.get_or_insert_with(Default::default).priority = Some(priority);
        p
    }

    /// Runs the PostFilter for `pod` over `nodes` with `bound` pods, every node having
    /// failed the filters with the code Filter gives it.
    fn run(pod: &Pod, nodes: &[crate::model::Node], bound: &[Pod]) -> Outcome {
        let mut outcome = run_explained(pod, nodes, bound);
        // The explanation is checked on its own (`the_choice_explains_the_node`).
        outcome.choice = None;
        outcome
    }

    /// [`run`], with the explanation of the node it chose.
    fn run_explained(pod: &Pod, nodes: &[crate::model::Node], bound: &[Pod]) -> Outcome {
        let snapshot = Snapshot::new(nodes, bound);
        let profile = Profile::default();
        let mut info = snapshot.pod_info(pod);
        for f in &profile.filters {
            f.pre_filter(&mut info, &snapshot);
        }
        let verdicts: Vec<(usize, Code)> = snapshot
            .infos
            .iter()
            .enumerate()
            .map(|(i, n)| (i, run_filters(&profile.filters, &info, n).code()))
            .collect();
        let mut rng = Rng::new(0);
        DefaultPreemption::default().post_filter(
            &profile.filters,
            &info,
            &snapshot,
            &verdicts,
            &mut rng,
        )
    }

    /// Two nodes of 4 CPUs, and a pod of priority 100 asking for 3.
    fn two_nodes_and_high() -> ([crate::model::Node; 2], Pod) {
        let node = |name: &str| make_node(name).allocatable("4", "4Gi", "110").obj();
        let high = prio(make_pod().name("high").req("3", "0"), 100);
        ([node("n1"), node("n2")], high)
    }

    /// A pod bound to `node` asking for `cpu`, of `priority`.
    fn on(name: &str, node: &str, cpu: &str, priority: i32) -> Pod {
        prio(
            make_pod().name(name).node_name(node).req(cpu, "0"),
            priority,
        )
    }

    fn nominated(node: &str, victims: &[&str]) -> Outcome {
        Outcome {
            result: PostFilter::Nominated {
                node: node.into(),
                victims: victims.iter().map(|v| format!("default/{v}")).collect(),
            },
            message: String::new(),
            choice: None,
        }
    }

    /// kube-scheduler's `TestSelectNodesForPreemption` and `TestPreempt`, in small.
    #[test]
    fn preemption_picks_victims_and_a_node() {
        let (nodes, high) = two_nodes_and_high();
        let cases: Vec<(&str, Pod, Vec<Pod>, Outcome)> = vec![
            (
                "only the lowest-priority pods that must go",
                high.clone(),
                vec![on("a", "n1", "1", 10), on("b", "n1", "2", 5), on("c", "n2", "4", 50)],
                // n1: a (10) is put back first and the pod still fits, b (5) must go;
                // n2: c (50) must go. n1's highest victim is the lower.
                nominated("n1", &["b"]),
            ),
            (
                "the node whose highest victim is the lowest",
                high.clone(),
                vec![
                    on("a", "n1", "1", 10),
                    on("b", "n1", "1", 10),
                    on("c", "n2", "1", 10),
                    on("d", "n2", "1", 1),
                ],
                nominated("n2", &["d"]),
            ),
            (
                "equal priority pods are no victims",
                high.clone(),
                vec![on("a", "n1", "4", 100), on("b", "n2", "4", 100)],
                Outcome {
                    result: PostFilter::NoCandidate,
                    message: "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.".into(),
                    choice: None,
                },
            ),
            (
                "a node the pod does not fit even empty is not helpful",
                prio(make_pod().name("huge").req("5", "0"), 100),
                vec![on("a", "n1", "4", 1)],
                Outcome {
                    result: PostFilter::NoCandidate,
                    message: "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.".into(),
                    choice: None,
                },
            ),
            (
                "after removing every lower pod the pod still does not fit",
                high.clone(),
                vec![on("a", "n1", "2", 1), on("b", "n1", "2", 200), on("c", "n2", "4", 200)],
                Outcome {
                    result: PostFilter::NoCandidate,
                    message: "preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod.".into(),
                    choice: None,
                },
            ),
            (
                "preemptionPolicy Never",
                {
                    let mut p = high.clone();
                    p.spec.get_or_insert_with(Default::default).preemption_policy =
                        Some("Never".into());
                    p
                },
                vec![on("a", "n1", "4", 1), on("b", "n2", "4", 1)],
                Outcome {
                    result: PostFilter::NotEligible,
                    message: "preemption: not eligible due to preemptionPolicy=Never.".into(),
                    choice: None,
                },
            ),
        ];
        for (name, pod, bound, want) in cases {
            assert_eq!(run(&pod, &nodes, &bound), want, "{name}");
        }
    }

    /// A pod nominated to a node where a pod it preempted is still terminating waits.
    #[test]
    fn a_pod_waits_for_its_victims() {
        let nodes = [make_node("n1").allocatable("4", "4Gi", "110").obj()];
        let mut victim = prio(
            make_pod()
                .name("v")
                .node_name("n1")
                .req("4", "0")
                .terminating(),
            1,
        );
        victim
            .status
            .get_or_insert_with(Default::default)
            .conditions = Some(vec![k8s_openapi::api::core::v1::PodCondition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            reason: Some("PreemptionByScheduler".into()),
            ..Default::default()
        }]);
        let mut pod = prio(make_pod().name("high").req("3", "0"), 100);
        pod.status
            .get_or_insert_with(Default::default)
            .nominated_node_name = Some("n1".into());
        assert_eq!(
            run(&pod, &nodes, &[victim]),
            Outcome {
                result: PostFilter::NotEligible,
                message: "preemption: not eligible due to a terminating pod on the nominated node."
                    .into(),
                choice: None,
            }
        );
    }

    /// The explanation names every candidate with its victims and the rule that chose
    /// the node (here the lower highest-priority victim).
    #[test]
    fn the_choice_explains_the_node() {
        let (nodes, high) = two_nodes_and_high();
        let bound = [
            on("a", "n1", "1", 10),
            on("b", "n1", "2", 5),
            on("c", "n2", "4", 50),
        ];
        let outcome = run_explained(&high, &nodes, &bound);
        assert_eq!(
            outcome.choice,
            Some(PreemptionChoice {
                node: "n1".into(),
                candidates: vec![
                    CandidateVictims {
                        node: "n1".into(),
                        victims: vec![("default/b".into(), 5)],
                        pdb_violations: 0,
                    },
                    CandidateVictims {
                        node: "n2".into(),
                        victims: vec![("default/c".into(), 50)],
                        pdb_violations: 0,
                    },
                ],
                decided_by: preemption::PickRule::LowestHighestPriority,
            })
        );
    }

    /// `TestCalculateNumCandidates`: the share of the nodes, at least the absolute
    /// count, never more than the nodes.
    #[test]
    fn the_dry_run_looks_for_a_share_of_the_nodes() {
        let cases = [
            // (nodes, percentage, absolute, candidates)
            (10, 5, 2, 2),
            (100, 50, 10, 50),
            (100, 5, 10, 10),
            (5, 10, 100, 5),
            (5000, 10, 100, 500),
            (0, 10, 100, 0),
        ];
        for (nodes, pct, abs, want) in cases {
            let plugin = DefaultPreemption {
                min_candidate_nodes_percentage: pct,
                min_candidate_nodes_absolute: abs,
            };
            assert_eq!(plugin.num_candidates(nodes), want, "{nodes} {pct}% {abs}");
        }
    }

    /// With one candidate wanted, the dry run stops at the first node that has victims:
    /// where it starts is the seeded random offset, so seeds choose different nodes.
    #[test]
    fn the_dry_run_stops_once_it_has_enough_candidates() {
        let (nodes, pod) = two_nodes_and_high();
        let bound = [on("a", "n1", "1500m", 0), on("b", "n2", "1500m", 0)];
        let snapshot = Snapshot::new(&nodes, &bound);
        let profile = Profile::default();
        let mut info = snapshot.pod_info(&pod);
        for f in &profile.filters {
            f.pre_filter(&mut info, &snapshot);
        }
        let verdicts = [(0, Code::Unschedulable), (1, Code::Unschedulable)];
        let one = DefaultPreemption {
            min_candidate_nodes_percentage: 0,
            min_candidate_nodes_absolute: 1,
        };
        let mut chosen = Vec::new();
        for seed in 0..8 {
            let mut rng = Rng::new(seed);
            let out = one.post_filter(&profile.filters, &info, &snapshot, &verdicts, &mut rng);
            let choice = out.choice.expect("a candidate");
            assert_eq!(choice.candidates.len(), 1, "seed {seed}");
            chosen.push(choice.node);
        }
        assert!(chosen.iter().any(|n| n == "n1") && chosen.iter().any(|n| n == "n2"));
    }
}
