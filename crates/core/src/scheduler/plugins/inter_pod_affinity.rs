//! InterPodAffinity: `spec.affinity.podAffinity` and `podAntiAffinity`. Filter on the
//! incoming pod's required terms and on the existing pods' required anti-affinity;
//! score by the preferred terms of both sides (and the existing pods' required
//! affinity, at `hardPodAffinityWeight`).
//!
//! PreFilter counts, per topology pair (a node label's key and value, as ids of the
//! snapshot's label table), the existing pods that match the incoming pod's terms and
//! the existing pods whose anti-affinity matches the incoming pod; Filter reads the
//! counts for the node's pairs. A pod without pod (anti-)affinity in a snapshot where
//! no pod has any skips the plugin (kube-scheduler's PreFilter and PreScore Skip).

use crate::hash::FxHashMap as HashMap;
use crate::model::labels::Selector;
use crate::model::{Node, Pod};
use crate::scheduler::framework::{
    ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, ScorePlugin, Status,
    MAX_NODE_SCORE,
};
use crate::scheduler::{Listers, Snapshot};
use k8s_openapi::api::core::v1::{PodAffinityTerm, WeightedPodAffinityTerm};
use std::sync::Arc;

pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";
pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/// `InterPodAffinityArgs.hardPodAffinityWeight`'s default: what an existing pod's
/// required affinity term that the incoming pod matches adds to the score.
pub const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// The plugin, with its arguments (`InterPodAffinityArgs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterPodAffinity {
    /// What an existing pod's required affinity term the incoming pod matches adds to
    /// a node's score (0: nothing).
    pub hard_pod_affinity_weight: i64,
    /// Score only by the incoming pod's preferred terms: a pod without any is not
    /// scored by existing pods' terms at all.
    pub ignore_preferred_terms_of_existing_pods: bool,
}

impl Default for InterPodAffinity {
    fn default() -> InterPodAffinity {
        InterPodAffinity {
            hard_pod_affinity_weight: HARD_POD_AFFINITY_WEIGHT,
            ignore_preferred_terms_of_existing_pods: false,
        }
    }
}

/// A topology pair: a label key and value, as ids of the snapshot's label table.
type Pair = (u32, u32);

/// A pod affinity term as the scheduler matches it (`framework.AffinityTerm`): the
/// namespaces it looks in, its selector (with `matchLabelKeys` and `mismatchLabelKeys`
/// already merged in by the API server when the pod was created), its topology key and
/// weight.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    namespaces: Vec<String>,
    /// `namespaceSelector`; `None` when unset (only `namespaces` count then).
    namespace_selector: Option<Selector>,
    selector: Selector,
    /// The topology key's id in the snapshot's label table; `None` when no node has it.
    key: Option<u32>,
    weight: i64,
}

impl Term {
    fn new(owner: &Pod, term: &PodAffinityTerm, weight: i64, snapshot: &Snapshot<'_>) -> Term {
        let own_ns = owner.metadata.namespace.as_deref().unwrap_or_default();
        let mut namespaces = term.namespaces.clone().unwrap_or_default();
        if namespaces.is_empty() && term.namespace_selector.is_none() {
            namespaces.push(own_ns.to_string());
        }
        let as_selector =
            |s| Selector::from_label_selector(s).unwrap_or_else(|_| Selector::nothing());
        let selector = term
            .label_selector
            .as_ref()
            .map_or_else(Selector::nothing, as_selector);
        Term {
            namespaces,
            namespace_selector: term.namespace_selector.as_ref().map(as_selector),
            selector,
            key: snapshot.label_id(&term.topology_key),
            weight,
        }
    }

    /// `AffinityTerm.Matches`: the pod is in one of the term's namespaces (by name or by
    /// its namespace's labels) and its labels match the selector.
    fn matches(&self, pod: &Pod, listers: &Listers<'_>) -> bool {
        let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
        let in_namespace = self.namespaces.iter().any(|n| n == ns)
            || self
                .namespace_selector
                .as_ref()
                .is_some_and(|s| s.matches(listers.namespace_labels(ns)));
        in_namespace && self.selector.matches(pod.metadata.labels.as_ref())
    }

    /// The node's topology pair for this term's key.
    fn pair(&self, node: &NodeInfo<'_>) -> Option<Pair> {
        let key = self.key?;
        Some((key, node.label_value(key)?))
    }
}

fn affinity(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::Affinity> {
    pod.spec.as_ref()?.affinity.as_ref()
}

/// The pod's required and preferred affinity and anti-affinity terms, as the API
/// gives them.
struct Terms<'p> {
    required_affinity: &'p [PodAffinityTerm],
    required_anti: &'p [PodAffinityTerm],
    preferred_affinity: &'p [WeightedPodAffinityTerm],
    preferred_anti: &'p [WeightedPodAffinityTerm],
}

fn terms(pod: &Pod) -> Terms<'_> {
    let a = affinity(pod);
    let pa = a.and_then(|a| a.pod_affinity.as_ref());
    let paa = a.and_then(|a| a.pod_anti_affinity.as_ref());
    Terms {
        required_affinity: pa
            .and_then(|p| {
                p.required_during_scheduling_ignored_during_execution
                    .as_deref()
            })
            .unwrap_or_default(),
        required_anti: paa
            .and_then(|p| {
                p.required_during_scheduling_ignored_during_execution
                    .as_deref()
            })
            .unwrap_or_default(),
        preferred_affinity: pa
            .and_then(|p| {
                p.preferred_during_scheduling_ignored_during_execution
                    .as_deref()
            })
            .unwrap_or_default(),
        preferred_anti: paa
            .and_then(|p| {
                p.preferred_during_scheduling_ignored_during_execution
                    .as_deref()
            })
            .unwrap_or_default(),
    }
}

fn compile(owner: &Pod, list: &[PodAffinityTerm], snapshot: &Snapshot<'_>) -> Vec<Term> {
    compile_at(owner, list, HARD_POD_AFFINITY_WEIGHT, snapshot)
}

/// Required terms with the weight they score by.
fn compile_at(
    owner: &Pod,
    list: &[PodAffinityTerm],
    weight: i64,
    snapshot: &Snapshot<'_>,
) -> Vec<Term> {
    list.iter()
        .map(|t| Term::new(owner, t, weight, snapshot))
        .collect()
}

fn compile_weighted(
    owner: &Pod,
    list: &[WeightedPodAffinityTerm],
    snapshot: &Snapshot<'_>,
) -> Vec<Term> {
    list.iter()
        .map(|t| Term::new(owner, &t.pod_affinity_term, i64::from(t.weight), snapshot))
        .collect()
}

/// A bound or assumed pod's affinity terms, compiled against the snapshot once when it
/// is counted (kube-scheduler's `PodInfo` keeps them parsed), for the incoming pods'
/// PreFilter and PreScore.
#[derive(Debug)]
pub(crate) struct ExistingTerms {
    required_affinity: Vec<Term>,
    required_anti: Vec<Term>,
    preferred_affinity: Vec<Term>,
    preferred_anti: Vec<Term>,
}

impl ExistingTerms {
    pub(crate) fn of(pod: &Pod, snapshot: &Snapshot<'_>) -> ExistingTerms {
        let own = terms(pod);
        ExistingTerms {
            required_affinity: compile(pod, own.required_affinity, snapshot),
            required_anti: compile(pod, own.required_anti, snapshot),
            preferred_affinity: compile_weighted(pod, own.preferred_affinity, snapshot),
            preferred_anti: compile_weighted(pod, own.preferred_anti, snapshot),
        }
    }

    /// Whether the pod has required anti-affinity
    /// (`HavePodsWithRequiredAntiAffinityList`).
    pub(crate) fn has_required_anti_affinity(&self) -> bool {
        !self.required_anti.is_empty()
    }
}

/// `podMatchesAllAffinityTerms`: false for no terms.
fn matches_all(terms: &[Term], pod: &Pod, listers: &Listers<'_>) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod, listers))
}

/// What PreFilter works out for Filter (kube-scheduler's `preFilterState`).
#[derive(Debug)]
struct FilterState {
    affinity: Vec<Term>,
    anti_affinity: Vec<Term>,
    /// Existing pods matching all the incoming pod's affinity terms, per pair.
    affinity_counts: HashMap<Pair, i64>,
    /// Existing pods matching one of its anti-affinity terms, per pair (and term).
    anti_affinity_counts: HashMap<Pair, i64>,
    /// Existing pods' anti-affinity terms that match the incoming pod, per pair.
    existing_anti_affinity_counts: HashMap<Pair, i64>,
    /// The incoming pod matches its own affinity terms (the first pod of a group).
    matches_own_affinity: bool,
}

/// What PreScore works out for Score: the sum of weights per topology pair.
#[derive(Debug)]
struct ScoreState {
    topology_score: HashMap<Pair, i64>,
}

fn count(map: &mut HashMap<Pair, i64>, pair: Option<Pair>, by: i64) {
    if let Some(pair) = pair {
        *map.entry(pair).or_default() += by;
    }
}

impl InterPodAffinity {
    fn filter_state(
        &self,
        pod: &PodInfo<'_>,
        own: &Terms<'_>,
        snapshot: &Snapshot<'_>,
    ) -> Option<FilterState> {
        let listers = &snapshot.listers;
        let mut existing = HashMap::default();
        // Pods of one template share their compiled terms (`Snapshot::note_affinity`):
        // those are matched against the incoming pod once for a run of them.
        let all = &snapshot.with_required_anti_affinity;
        let mut matched: Vec<&Term> = Vec::new();
        let mut last: Option<&Arc<ExistingTerms>> = None;
        for (node, _, theirs) in all {
            if !last.is_some_and(|l| Arc::ptr_eq(l, theirs)) {
                matched.clear();
                matched.extend(
                    theirs
                        .required_anti
                        .iter()
                        .filter(|t| t.matches(pod.pod, listers)),
                );
                last = Some(theirs);
            }
            if matched.is_empty() {
                continue;
            }
            if existing.is_empty() {
                existing.reserve(all.len());
            }
            let info = &snapshot.infos[*node as usize];
            for t in &matched {
                count(&mut existing, t.pair(info), 1);
            }
        }
        if existing.is_empty() && own.required_affinity.is_empty() && own.required_anti.is_empty() {
            return None;
        }
        let affinity = compile(pod.pod, own.required_affinity, snapshot);
        let anti_affinity = compile(pod.pod, own.required_anti, snapshot);
        let (mut affinity_counts, mut anti_affinity_counts) =
            (HashMap::default(), HashMap::default());
        if !affinity.is_empty() || !anti_affinity.is_empty() {
            // Each distinct namespace and labels of the existing pods matched once, its
            // pods counted per node.
            let mut anti_matching: Vec<&Term> = Vec::new();
            for group in snapshot.pod_groups.iter() {
                let all = matches_all(&affinity, group.pod, listers);
                anti_matching.clear();
                anti_matching.extend(
                    anti_affinity
                        .iter()
                        .filter(|t| t.matches(group.pod, listers)),
                );
                if !all && anti_matching.is_empty() {
                    continue;
                }
                if all {
                    affinity_counts.reserve(group.nodes.len());
                }
                if !anti_matching.is_empty() {
                    anti_affinity_counts.reserve(group.nodes.len());
                }
                for &(node, n) in &group.nodes {
                    let Some(info) = snapshot.infos.get(node as usize) else {
                        continue;
                    };
                    if all {
                        for t in &affinity {
                            count(&mut affinity_counts, t.pair(info), i64::from(n));
                        }
                    }
                    for t in &anti_matching {
                        count(&mut anti_affinity_counts, t.pair(info), i64::from(n));
                    }
                }
            }
        }
        Some(FilterState {
            matches_own_affinity: matches_all(&affinity, pod.pod, listers),
            affinity,
            anti_affinity,
            affinity_counts,
            anti_affinity_counts,
            existing_anti_affinity_counts: existing,
        })
    }

    fn score_state(
        &self,
        pod: &PodInfo<'_>,
        own: &Terms<'_>,
        snapshot: &Snapshot<'_>,
    ) -> Option<ScoreState> {
        let listers = &snapshot.listers;
        let preferred = compile_weighted(pod.pod, own.preferred_affinity, snapshot);
        let preferred_anti = compile_weighted(pod.pod, own.preferred_anti, snapshot);
        if self.ignore_preferred_terms_of_existing_pods
            && preferred.is_empty()
            && preferred_anti.is_empty()
        {
            return None;
        }
        let mut score = HashMap::default();
        let mut any = false;
        // A term that matched adds its weight to the node's pair for its key.
        let mut add = |node: &NodeInfo<'_>, t: &Term, weight: i64| {
            if let Some(pair) = t.pair(node) {
                *score.entry(pair).or_default() += weight;
                any = true;
            }
        };
        // The incoming pod's preferred terms against every pod (each distinct namespace
        // and labels matched once, weighed by its pods per node); nodes without labels
        // have no topology pair.
        if !preferred.is_empty() || !preferred_anti.is_empty() {
            for group in snapshot.pod_groups.iter() {
                let matching: Vec<(&Term, i64)> = preferred
                    .iter()
                    .map(|t| (t, t.weight))
                    .chain(preferred_anti.iter().map(|t| (t, -t.weight)))
                    .filter(|(t, _)| t.matches(group.pod, listers))
                    .collect();
                if matching.is_empty() {
                    continue;
                }
                for &(node, n) in &group.nodes {
                    let Some(info) = snapshot.infos.get(node as usize) else {
                        continue;
                    };
                    if info.label_ids.is_empty() {
                        continue;
                    }
                    for &(t, weight) in &matching {
                        add(info, t, weight * i64::from(n));
                    }
                }
            }
        }
        // The existing pods' terms (compiled when they were counted, shared by a run of
        // pods of one template) against the incoming pod.
        let mut matched: Vec<(&Term, i64)> = Vec::new();
        let mut last: Option<&Arc<ExistingTerms>> = None;
        for (node, _, theirs) in &snapshot.with_affinity {
            if !last.is_some_and(|l| Arc::ptr_eq(l, theirs)) {
                matched.clear();
                // Their required affinity scores by the profile's hardPodAffinityWeight
                // (none at 0).
                if self.hard_pod_affinity_weight > 0 {
                    let weight = self.hard_pod_affinity_weight;
                    matched.extend(theirs.required_affinity.iter().map(|t| (t, weight)));
                }
                matched.extend(theirs.preferred_affinity.iter().map(|t| (t, t.weight)));
                matched.extend(theirs.preferred_anti.iter().map(|t| (t, -t.weight)));
                matched.retain(|(t, _)| t.matches(pod.pod, listers));
                last = Some(theirs);
            }
            if matched.is_empty() {
                continue;
            }
            let info = &snapshot.infos[*node as usize];
            if info.label_ids.is_empty() {
                continue;
            }
            for &(t, weight) in &matched {
                add(info, t, weight);
            }
        }
        any.then_some(ScoreState {
            topology_score: score,
        })
    }
}

impl FilterPlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        "InterPodAffinity"
    }

    fn pre_filter(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        let has_terms = affinity(pod.pod)
            .is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some());
        // The fast path: nothing in the pod or the cluster concerns the plugin.
        if !has_terms && snapshot.with_affinity.is_empty() {
            return;
        }
        let own = terms(pod.pod);
        if let Some(state) = self.filter_state(pod, &own, snapshot) {
            pod.cycle.insert(state);
        }
        if let Some(state) = self.score_state(pod, &own, snapshot) {
            pod.cycle.insert(state);
        }
    }

    /// PreFilter's Skip: no required terms and no existing pod's anti-affinity matches.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<FilterState>().is_none()
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let Some(state) = pod.cycle.get::<FilterState>() else {
            return Status::success();
        };
        if !satisfies_affinity(state, node) {
            return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        }
        if !state.anti_affinity_counts.is_empty()
            && state.anti_affinity.iter().any(|t| {
                t.pair(node)
                    .is_some_and(|p| state.anti_affinity_counts.get(&p).is_some_and(|&n| n > 0))
            })
        {
            return Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        if !state.existing_anti_affinity_counts.is_empty()
            && node.label_ids.iter().any(|p| {
                state
                    .existing_anti_affinity_counts
                    .get(p)
                    .is_some_and(|&n| n > 0)
            })
        {
            return Status::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        Status::success()
    }

    fn queueing_hint(&self, _pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        labels_or_pods_changed(event)
    }
}

/// The plugins that look at other pods and at node labels retry a pod when a node
/// comes or its labels change, or when a pod is bound or a bound pod goes.
pub(crate) fn labels_or_pods_changed(event: &ClusterEvent<'_>) -> QueueingHint {
    let labels = |n: &Node| n.metadata.labels.clone().unwrap_or_default();
    match event {
        ClusterEvent::NodeAdded(_)
        | ClusterEvent::AssignedPodDeleted
        | ClusterEvent::AssignedPodAdded => QueueingHint::Queue,
        ClusterEvent::NodeUpdated { old, new } if labels(old) != labels(new) => QueueingHint::Queue,
        _ => QueueingHint::Skip,
    }
}

/// `satisfyPodAffinity`: every term's topology key is on the node and some matching
/// pod is in each of the node's domains, or no pod anywhere matches and the pod
/// matches its own terms (the first pod of a group that wants to be together).
fn satisfies_affinity(state: &FilterState, node: &NodeInfo<'_>) -> bool {
    let mut pods_exist = true;
    for t in &state.affinity {
        let Some(pair) = t.pair(node) else {
            return false;
        };
        if state.affinity_counts.get(&pair).is_none_or(|&n| n <= 0) {
            pods_exist = false;
        }
    }
    pods_exist || (state.affinity_counts.is_empty() && state.matches_own_affinity)
}

impl ScorePlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        "InterPodAffinity"
    }

    fn weight(&self) -> i64 {
        2
    }

    /// PreScore's Skip: no term on either side matched anything.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<ScoreState>().is_none()
    }

    /// The weights of the node's topology pairs, summed.
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let Some(state) = pod.cycle.get::<ScoreState>() else {
            return 0;
        };
        node.label_ids
            .iter()
            .filter_map(|p| state.topology_score.get(p))
            .sum()
    }

    /// Min-max to 0..=MAX_NODE_SCORE (scores may be negative).
    fn normalize(&self, scores: &mut [i64]) {
        let max = scores.iter().copied().max().unwrap_or(0);
        let min = scores.iter().copied().min().unwrap_or(0);
        let diff = max - min;
        for s in scores.iter_mut() {
            *s = if diff > 0 {
                (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
            } else {
                0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::scheduling::merge_pod_affinity_label_keys;
    use crate::scheduler::testing::{
        filter_in_snapshot, make_node, make_pod, scores_in_snapshot, MakePod, PodAffinityKind,
    };
    use serde_json::{json, Value};
    use std::collections::BTreeMap;
    use PodAffinityKind::{Affinity, AntiAffinity};

    const HOST: &str = "kubernetes.io/hostname";
    const ZONE: &str = "zone";

    fn aff() -> Status {
        Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH)
    }
    fn anti() -> Status {
        Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
    }
    fn existing() -> Status {
        Status::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
    }
    fn ok() -> Status {
        Status::success()
    }

    /// A term selecting `key in (values)` over `topology`.
    fn term(key: &str, values: &[&str], topology: &str) -> Value {
        json!({"labelSelector": {"matchExpressions": [
            {"key": key, "operator": "In", "values": values}]},
            "topologyKey": topology})
    }

    /// node1 and node2 in zone z1, node3 in z2 (node4 has no zone).
    fn nodes() -> Vec<Node> {
        let node = |name: &str, zone: Option<&str>| {
            let n = make_node(name).label(HOST, name);
            match zone {
                Some(z) => n.label(ZONE, z).obj(),
                None => n.obj(),
            }
        };
        vec![
            node("node1", Some("z1")),
            node("node2", Some("z1")),
            node("node3", Some("z2")),
            node("node4", None),
        ]
    }

    fn on(pod: MakePod, node: &str) -> Pod {
        pod.node_name(node).obj()
    }

    fn namespaces(list: &[(&'static str, &'static BTreeMap<String, String>)]) -> Listers<'static> {
        Listers {
            namespaces: list.iter().map(|(n, l)| (*n, Some(*l))).collect(),
            ..Listers::default()
        }
    }

    /// kube-scheduler's `TestRequiredAffinitySingleNode` and `...MultipleNodes` ideas:
    /// the incoming pod's required terms, the existing pods' anti-affinity, namespaces.
    #[test]
    fn filter_follows_required_affinity_and_anti_affinity() {
        let security = |v: &str| make_pod().name("existing").label("security", v);
        let prod: &'static BTreeMap<String, String> = Box::leak(Box::new(
            [("team".to_string(), "prod".to_string())]
                .into_iter()
                .collect(),
        ));
        let empty: &'static BTreeMap<String, String> = Box::leak(Box::default());
        type Case = (
            &'static str,
            Pod,
            Vec<Pod>,
            Listers<'static>,
            Option<Vec<Status>>,
        );
        let cases: Vec<Case> = vec![
            (
                "no pod affinity anywhere: the plugin is skipped",
                make_pod().obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                None,
            ),
            (
                "affinity by hostname: only the node of the matching pod",
                make_pod()
                    .pod_affinity(Affinity, None, term("security", &["S1"], HOST))
                    .obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                Some(vec![ok(), aff(), aff(), aff()]),
            ),
            (
                "affinity by zone: every node of the zone; a node without the key fails",
                make_pod()
                    .pod_affinity(Affinity, None, term("security", &["S1"], ZONE))
                    .obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                Some(vec![ok(), ok(), aff(), aff()]),
            ),
            (
                "no pod matches, and the pod does not match itself",
                make_pod()
                    .pod_affinity(Affinity, None, term("security", &["S2"], ZONE))
                    .obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                Some(vec![aff(), aff(), aff(), aff()]),
            ),
            (
                "the first pod of a group that matches its own terms goes where the key is",
                make_pod()
                    .label("security", "S2")
                    .pod_affinity(Affinity, None, term("security", &["S2"], ZONE))
                    .obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                Some(vec![ok(), ok(), ok(), aff()]),
            ),
            (
                "terms are ANDed: a pod must match all of them to count",
                make_pod()
                    .pod_affinity(Affinity, None, term("security", &["S1"], HOST))
                    .pod_affinity(Affinity, None, term("app", &["db"], HOST))
                    .obj(),
                vec![
                    on(security("S1"), "node1"),
                    on(make_pod().name("db").label("app", "db"), "node2"),
                ],
                Listers::default(),
                Some(vec![aff(), aff(), aff(), aff()]),
            ),
            (
                "anti-affinity by zone keeps the pod out of the matching pod's zone",
                make_pod()
                    .pod_affinity(AntiAffinity, None, term("security", &["S1"], ZONE))
                    .obj(),
                vec![on(security("S1"), "node1")],
                Listers::default(),
                Some(vec![anti(), anti(), ok(), ok()]),
            ),
            (
                "an existing pod's anti-affinity that matches the incoming pod",
                make_pod().label("app", "web").obj(),
                vec![on(
                    security("S1").pod_affinity(AntiAffinity, None, term("app", &["web"], HOST)),
                    "node2",
                )],
                Listers::default(),
                Some(vec![ok(), existing(), ok(), ok()]),
            ),
            (
                "an existing pod's anti-affinity for other pods: skipped",
                make_pod().label("app", "db").obj(),
                vec![on(
                    security("S1").pod_affinity(AntiAffinity, None, term("app", &["web"], HOST)),
                    "node2",
                )],
                Listers::default(),
                None,
            ),
            (
                "a term looks in the pod's own namespace by default",
                make_pod()
                    .pod_affinity(Affinity, None, term("security", &["S1"], HOST))
                    .obj(),
                vec![on(security("S1").namespace("other"), "node1")],
                Listers::default(),
                Some(vec![aff(), aff(), aff(), aff()]),
            ),
            (
                "namespaces names the other namespace",
                make_pod()
                    .pod_affinity(Affinity, None, {
                        let mut t = term("security", &["S1"], HOST);
                        t["namespaces"] = json!(["other"]);
                        t
                    })
                    .obj(),
                vec![on(security("S1").namespace("other"), "node1")],
                Listers::default(),
                Some(vec![ok(), aff(), aff(), aff()]),
            ),
            (
                "namespaceSelector picks namespaces by their labels",
                make_pod()
                    .pod_affinity(Affinity, None, {
                        let mut t = term("security", &["S1"], HOST);
                        t["namespaceSelector"] = json!({"matchLabels": {"team": "prod"}});
                        t
                    })
                    .obj(),
                vec![
                    on(security("S1").namespace("prod-ns"), "node1"),
                    on(security("S1").namespace("default"), "node3"),
                ],
                namespaces(&[("prod-ns", prod), ("default", empty)]),
                Some(vec![ok(), aff(), aff(), aff()]),
            ),
            (
                "an empty namespaceSelector is every namespace",
                make_pod()
                    .pod_affinity(AntiAffinity, None, {
                        let mut t = term("security", &["S1"], HOST);
                        t["namespaceSelector"] = json!({});
                        t
                    })
                    .obj(),
                vec![
                    on(security("S1").namespace("prod-ns"), "node1"),
                    on(security("S1").namespace("default"), "node3"),
                ],
                namespaces(&[("prod-ns", prod), ("default", empty)]),
                Some(vec![anti(), ok(), anti(), ok()]),
            ),
            (
                "matchLabelKeys (merged at creation): only pods with the pod's value count",
                make_pod()
                    .label("version", "v2")
                    .pod_affinity(AntiAffinity, None, {
                        let mut t = term("app", &["web"], HOST);
                        t["matchLabelKeys"] = json!(["version"]);
                        t
                    })
                    .obj(),
                vec![
                    on(
                        make_pod()
                            .name("a")
                            .label("app", "web")
                            .label("version", "v1"),
                        "node1",
                    ),
                    on(
                        make_pod()
                            .name("b")
                            .label("app", "web")
                            .label("version", "v2"),
                        "node2",
                    ),
                ],
                Listers::default(),
                Some(vec![ok(), anti(), ok(), ok()]),
            ),
            (
                "mismatchLabelKeys (merged at creation): only pods with another value count",
                make_pod()
                    .label("tenant", "t1")
                    .pod_affinity(AntiAffinity, None, {
                        let mut t = term("app", &["web"], HOST);
                        t["mismatchLabelKeys"] = json!(["tenant"]);
                        t
                    })
                    .obj(),
                vec![
                    on(
                        make_pod()
                            .name("a")
                            .label("app", "web")
                            .label("tenant", "t1"),
                        "node1",
                    ),
                    on(
                        make_pod()
                            .name("b")
                            .label("app", "web")
                            .label("tenant", "t2"),
                        "node2",
                    ),
                ],
                Listers::default(),
                Some(vec![ok(), anti(), ok(), ok()]),
            ),
        ];
        for (name, mut pod, bound, listers, want) in cases {
            // matchLabelKeys and mismatchLabelKeys, as the API server merges them.
            merge_pod_affinity_label_keys(&mut pod);
            assert_eq!(
                filter_in_snapshot(
                    &InterPodAffinity::default(),
                    &pod,
                    &nodes(),
                    &bound,
                    listers
                ),
                want,
                "{name}"
            );
        }
    }

    /// A pod these plugins rejected is retried when pods are bound or go, a node comes
    /// or a node's labels change; not for taints or its own tolerations.
    #[test]
    fn queueing_hints_follow_pods_and_labels() {
        let pod = make_pod().obj();
        let plain = make_node("n").obj();
        let labeled = make_node("n").label(ZONE, "z1").obj();
        let tainted = make_node("n").taint("a", "b", "NoSchedule").obj();
        let hint = |e: ClusterEvent<'_>| InterPodAffinity::default().queueing_hint(&pod, &e);
        assert_eq!(hint(ClusterEvent::AssignedPodAdded), QueueingHint::Queue);
        assert_eq!(hint(ClusterEvent::AssignedPodDeleted), QueueingHint::Queue);
        assert_eq!(hint(ClusterEvent::NodeAdded(&plain)), QueueingHint::Queue);
        let updated = |old, new| ClusterEvent::NodeUpdated { old, new };
        assert_eq!(hint(updated(&plain, &labeled)), QueueingHint::Queue);
        assert_eq!(hint(updated(&plain, &tainted)), QueueingHint::Skip);
        assert_eq!(
            hint(ClusterEvent::PodTolerationsChanged),
            QueueingHint::Skip
        );
    }

    /// kube-scheduler's `TestPreferredAffinity` ideas: the incoming pod's preferred
    /// terms, the existing pods' preferred terms and required affinity (weight 1),
    /// summed per topology pair and scaled between the lowest and the highest.
    #[test]
    fn score_sums_weights_per_topology_pair() {
        let s1 = || make_pod().name("existing").label("security", "S1");
        type Case = (&'static str, Pod, Vec<Pod>, Option<(Vec<i64>, Vec<i64>)>);
        let cases: Vec<Case> = vec![
            (
                "no pod affinity anywhere: the plugin is skipped",
                make_pod().obj(),
                vec![on(s1(), "node1")],
                None,
            ),
            (
                "preferred affinity by zone: the zone of the matching pod",
                make_pod()
                    .pod_affinity(Affinity, Some(5), term("security", &["S1"], ZONE))
                    .obj(),
                vec![on(s1(), "node3")],
                Some((vec![0, 0, 5, 0], vec![0, 0, 100, 0])),
            ),
            (
                "preferred anti-affinity by zone: away from the matching pod",
                make_pod()
                    .pod_affinity(AntiAffinity, Some(5), term("security", &["S1"], ZONE))
                    .obj(),
                vec![on(s1(), "node3")],
                Some((vec![0, 0, -5, 0], vec![100, 100, 0, 100])),
            ),
            (
                "both: the weights add up per pair",
                make_pod()
                    .pod_affinity(Affinity, Some(8), term("security", &["S1"], HOST))
                    .pod_affinity(AntiAffinity, Some(2), term("security", &["S1"], ZONE))
                    .obj(),
                vec![on(s1(), "node1")],
                Some((vec![6, -2, 0, 0], vec![100, 0, 25, 25])),
            ),
            (
                "an existing pod's required affinity draws the pods it wants (weight 1)",
                make_pod().label("app", "web").obj(),
                vec![on(
                    s1().pod_affinity(Affinity, None, term("app", &["web"], ZONE)),
                    "node3",
                )],
                Some((vec![0, 0, 1, 0], vec![0, 0, 100, 0])),
            ),
            (
                "an existing pod's preferred anti-affinity pushes them away",
                make_pod().label("app", "web").obj(),
                vec![on(
                    s1().pod_affinity(AntiAffinity, Some(10), term("app", &["web"], HOST)),
                    "node2",
                )],
                Some((vec![0, -10, 0, 0], vec![100, 0, 100, 100])),
            ),
            (
                "existing pods' terms that do not match the incoming pod: skipped",
                make_pod().label("app", "db").obj(),
                vec![on(
                    s1().pod_affinity(AntiAffinity, Some(10), term("app", &["web"], HOST)),
                    "node2",
                )],
                None,
            ),
        ];
        for (name, pod, bound, want) in cases {
            assert_eq!(
                scores_in_snapshot(
                    &InterPodAffinity::default(),
                    &pod,
                    &nodes(),
                    &bound,
                    Listers::default()
                ),
                want,
                "{name}"
            );
        }
    }

    /// InterPodAffinityArgs: hardPodAffinityWeight scales what existing pods' required
    /// affinity adds (0: nothing); ignorePreferredTermsOfExistingPods skips a pod
    /// without preferred terms of its own.
    #[test]
    fn arguments_change_the_score() {
        let wants_web = || {
            make_pod()
                .name("existing")
                .pod_affinity(Affinity, None, term("app", &["web"], ZONE))
        };
        let web = make_pod().label("app", "web").obj();
        let bound = vec![on(wants_web(), "node3")];
        let with = |weight, ignore| InterPodAffinity {
            hard_pod_affinity_weight: weight,
            ignore_preferred_terms_of_existing_pods: ignore,
        };
        type Case = (&'static str, InterPodAffinity, Option<(Vec<i64>, Vec<i64>)>);
        let cases: Vec<Case> = vec![
            (
                "weight 5",
                with(5, false),
                Some((vec![0, 0, 5, 0], vec![0, 0, 100, 0])),
            ),
            ("weight 0: no score", with(0, false), None),
            ("existing pods' terms ignored", with(1, true), None),
        ];
        for (name, plugin, want) in cases {
            let got = scores_in_snapshot(&plugin, &web, &nodes(), &bound, Listers::default());
            assert_eq!(got, want, "{name}");
        }
    }
}
