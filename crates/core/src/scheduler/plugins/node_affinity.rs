//! NodeAffinity: `spec.nodeSelector` and `spec.affinity.nodeAffinity`, and the node
//! affinity a profile adds to every pod it schedules (`NodeAffinityArgs.addedAffinity`).
//! Filter on the added required terms, then the pod's selector and required terms; score
//! by the matching preferred terms, the added ones and the pod's.

use crate::model::{Node, Pod};
use crate::scheduler::framework::{
    default_normalize, FilterPlugin, NodeInfo, PodInfo, ScorePlugin, Status,
};
use k8s_openapi::api::core::v1::{
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm,
};

pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// A node the profile's added affinity does not admit.
pub const ERR_REASON_ENFORCED: &str = "node(s) didn't match scheduler-enforced node affinity";

/// The plugin with its arguments: the default profile adds nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeAffinity {
    /// `addedAffinity.requiredDuringSchedulingIgnoredDuringExecution`: every node the
    /// profile places a pod on matches one of its terms.
    pub added_required: Option<NodeSelector>,
    /// `addedAffinity.preferredDuringSchedulingIgnoredDuringExecution` when it lists any
    /// term: scored with the pod's own preferred terms, so a pod with none of its own is
    /// scored too.
    pub added_preferred: Option<Vec<PreferredSchedulingTerm>>,
}

fn labels(node: &Node) -> &std::collections::BTreeMap<String, String> {
    static EMPTY: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

/// A label's value. Nodes carry a handful of labels: a scan comparing lengths first
/// beats the map's ordered search, which compares every key it passes byte by byte.
fn label<'a>(labels: &'a std::collections::BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    if labels.len() > 32 {
        return labels.get(key).map(String::as_str);
    }
    labels
        .iter()
        .find(|(k, _)| k.len() == key.len() && k.as_str() == key)
        .map(|(_, v)| v.as_str())
}

/// One requirement of a node selector term against a node.
fn requirement_matches(req: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), [bound]) = (value, values) else {
                return false;
            };
            match (v.parse::<i64>(), bound.parse::<i64>()) {
                (Ok(v), Ok(b)) => {
                    if req.operator == "Gt" {
                        v > b
                    } else {
                        v < b
                    }
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// A term matches when all its expressions and fields match; an empty term matches
/// nothing.
pub(crate) fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = labels(node);
    exprs
        .iter()
        .all(|r| requirement_matches(r, label(labels, &r.key)))
        && fields.iter().all(|r| {
            let value = (r.key == "metadata.name")
                .then_some(node.metadata.name.as_deref())
                .flatten();
            requirement_matches(r, value)
        })
}

/// Whether the pod's nodeSelector and required node affinity admit the node.
pub fn required_matches(pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> bool {
    node.matches_selector(&pod.node_selector) && required_affinity_matches(pod, node.node)
}

/// The pod's `spec.affinity.nodeAffinity`.
fn node_affinity(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::NodeAffinity> {
    pod.spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
}

/// The pod's required node affinity.
pub(crate) fn required(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::NodeSelector> {
    node_affinity(pod)?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
}

/// Whether a node selector (its terms ORed; none at all matches no node) admits the node.
fn selector_matches(selector: &NodeSelector, node: &Node) -> bool {
    selector
        .node_selector_terms
        .iter()
        .any(|t| term_matches(t, node))
}

/// Whether the pod's required node affinity admits the node.
fn required_affinity_matches(pod: &Pod, node: &Node) -> bool {
    required(pod).is_none_or(|sel| selector_matches(sel, node))
}

/// The sum of the weights of the terms the node matches (a term of weight 0 counts
/// for nothing).
fn preferred_score(terms: &[PreferredSchedulingTerm], node: &Node) -> i64 {
    terms
        .iter()
        .filter(|p| p.weight != 0 && term_matches(&p.preference, node))
        .map(|p| i64::from(p.weight))
        .sum()
}

/// The pod's preferred node affinity terms.
fn preferred(pod: &Pod) -> &[k8s_openapi::api::core::v1::PreferredSchedulingTerm] {
    node_affinity(pod)
        .and_then(|na| {
            na.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default()
}

impl FilterPlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        "NodeAffinity"
    }

    fn node_only(&self) -> bool {
        true
    }

    /// PreFilter: a pod with neither a nodeSelector nor required node affinity skips
    /// the plugin, unless the profile adds required affinity of its own.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        self.added_required.is_none() && pod.node_selector.is_empty() && required(pod).is_none()
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        if let Some(added) = &self.added_required {
            if !selector_matches(added, node.node) {
                return Status::unresolvable(ERR_REASON_ENFORCED);
            }
        }
        if required_matches(pod, node) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_POD)
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        "NodeAffinity"
    }

    fn weight(&self) -> i64 {
        2
    }

    /// PreScore: a pod without preferred node affinity skips the plugin, unless the
    /// profile adds preferred terms of its own.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        self.added_preferred.is_none() && preferred(pod).is_empty()
    }

    /// The sum of the weights of the preferred terms the node matches, the profile's
    /// and the pod's.
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let added = self.added_preferred.as_deref().unwrap_or_default();
        preferred_score(added, node.node) + preferred_score(preferred(pod), node.node)
    }

    fn normalize(&self, scores: &mut [i64]) {
        default_normalize(scores, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{filter, make_node, make_pod, scores, MakePod};

    fn rejected() -> Option<Status> {
        Some(Status::unresolvable(ERR_REASON_POD))
    }

    fn required(expressions: &[(&str, &str, &[&str])]) -> MakePod {
        make_pod().required_term(expressions, &[])
    }

    /// kube-scheduler's `TestNodeAffinity` (Filter, with PreFilter's skip).
    #[test]
    fn filter_follows_the_node_selector_and_required_terms() {
        let ok = Some(Status::success());
        let foo_bar: &[(&str, &str)] = &[("foo", "bar")];
        // (name, pod, the node's labels, the node's name, the verdict).
        type Case<'a> = (
            &'a str,
            Pod,
            &'a [(&'a str, &'a str)],
            &'a str,
            Option<Status>,
        );
        let cases: Vec<Case> = vec![
            (
                "missing labels",
                make_pod().node_selector("foo", "bar").obj(),
                &[],
                "n",
                rejected(),
            ),
            (
                "same labels",
                make_pod().node_selector("foo", "bar").obj(),
                foo_bar,
                "n",
                ok.clone(),
            ),
            (
                "node labels are a superset",
                make_pod().node_selector("foo", "bar").obj(),
                &[("foo", "bar"), ("baz", "blah")],
                "n",
                ok.clone(),
            ),
            (
                "node labels are a subset",
                make_pod()
                    .node_selector("foo", "bar")
                    .node_selector("baz", "blah")
                    .obj(),
                foo_bar,
                "n",
                rejected(),
            ),
            (
                "In matches",
                required(&[("foo", "In", &["bar", "value2"])]).obj(),
                foo_bar,
                "n",
                ok.clone(),
            ),
            (
                "Gt matches",
                required(&[("kernel-version", "Gt", &["0204"])]).obj(),
                &[("kernel-version", "0206")],
                "n",
                ok.clone(),
            ),
            (
                "NotIn matches",
                required(&[("mem-type", "NotIn", &["DDR", "DDR2"])]).obj(),
                &[("mem-type", "DDR3")],
                "n",
                ok.clone(),
            ),
            (
                "Exists matches",
                required(&[("GPU", "Exists", &[])]).obj(),
                &[("GPU", "NVIDIA-GRID-K1")],
                "n",
                ok.clone(),
            ),
            (
                "In does not match",
                required(&[("foo", "In", &["value1", "value2"])]).obj(),
                foo_bar,
                "n",
                rejected(),
            ),
            (
                "an empty term matches no node",
                required(&[]).obj(),
                foo_bar,
                "n",
                rejected(),
            ),
            (
                "no affinity: the plugin is skipped",
                make_pod().obj(),
                foo_bar,
                "n",
                None,
            ),
            (
                "expressions of a term are ANDed (match)",
                required(&[("GPU", "Exists", &[]), ("GPU", "NotIn", &["AMD", "INTER"])]).obj(),
                &[("GPU", "NVIDIA-GRID-K1")],
                "n",
                ok.clone(),
            ),
            (
                "expressions of a term are ANDed (no match)",
                required(&[("GPU", "Exists", &[]), ("GPU", "In", &["AMD", "INTER"])]).obj(),
                &[("GPU", "NVIDIA-GRID-K1")],
                "n",
                rejected(),
            ),
            (
                "terms are ORed",
                required(&[("foo", "In", &["bar", "value2"])])
                    .required_term(&[("diffkey", "In", &["wrong", "value2"])], &[])
                    .obj(),
                foo_bar,
                "n",
                ok.clone(),
            ),
            (
                "nodeSelector and affinity both satisfied",
                required(&[("foo", "Exists", &[])])
                    .node_selector("foo", "bar")
                    .obj(),
                foo_bar,
                "n",
                ok.clone(),
            ),
            (
                "affinity satisfied, nodeSelector not",
                required(&[("foo", "Exists", &[])])
                    .node_selector("foo", "bar")
                    .obj(),
                &[("foo", "barrrrrr")],
                "n",
                rejected(),
            ),
            (
                // The API server rejects such a pod in Kubernetes (and kube-scheduler's
                // test has it match no node); Podlab compares the value as text.
                "an invalid value in a term",
                required(&[("foo", "NotIn", &["invalid value: ___@#$%^"])]).obj(),
                foo_bar,
                "n",
                ok.clone(),
            ),
            (
                "matchFields In on metadata.name (match)",
                make_pod()
                    .required_term(&[], &[("metadata.name", "In", &["node1"])])
                    .obj(),
                &[],
                "node1",
                ok.clone(),
            ),
            (
                "matchFields In on metadata.name (no match)",
                make_pod()
                    .required_term(&[], &[("metadata.name", "In", &["node1"])])
                    .obj(),
                &[],
                "node2",
                rejected(),
            ),
            (
                "two terms: fields do not match, expressions do",
                make_pod()
                    .required_term(
                        &[],
                        &[
                            ("metadata.name", "In", &["node1"]),
                            ("metadata.name", "In", &["node2"]),
                        ],
                    )
                    .required_term(&[("foo", "In", &["bar"])], &[])
                    .obj(),
                foo_bar,
                "node2",
                ok.clone(),
            ),
            (
                "one term: fields do not match, expressions do",
                make_pod()
                    .required_term(
                        &[("foo", "In", &["bar"])],
                        &[("metadata.name", "In", &["node1"])],
                    )
                    .obj(),
                foo_bar,
                "node2",
                rejected(),
            ),
        ];
        for (name, pod, labels, node_name, want) in cases {
            let node = labels
                .iter()
                .fold(make_node(node_name), |n, (k, v)| n.label(k, v))
                .obj();
            assert_eq!(
                filter(&NodeAffinity::default(), &pod, &node, &[]),
                want,
                "{name}"
            );
        }
    }

    /// kube-scheduler's `TestNodeAffinityPriority`: the weights of the matching preferred
    /// terms, normalized to the largest.
    #[test]
    fn score_sums_the_weights_of_matching_preferred_terms() {
        let label = |name: &str, labels: &[(&str, &str)]| {
            labels
                .iter()
                .fold(make_node(name), |n, (k, v)| n.label(k, v))
                .obj()
        };
        let label1: &[(&str, &str)] = &[("foo", "bar")];
        let label2: &[(&str, &str)] = &[("key", "value")];
        let label3: &[(&str, &str)] = &[("az", "az1")];
        let label4: &[(&str, &str)] = &[("abc", "az11"), ("def", "az22")];
        let label5: &[(&str, &str)] = &[("foo", "bar"), ("key", "value"), ("az", "az1")];
        let affinity1 = || make_pod().preferred_term(2, &[("foo", "In", &["bar"])]);
        let affinity2 = make_pod()
            .preferred_term(2, &[("foo", "In", &["bar"])])
            .preferred_term(4, &[("key", "In", &["value"])])
            .preferred_term(
                5,
                &[
                    ("foo", "In", &["bar"]),
                    ("key", "In", &["value"]),
                    ("az", "In", &["az1"]),
                ],
            );
        let three = |a, b, c| vec![label("node1", a), label("node2", b), label("node3", c)];
        let cases = [
            (
                "no node affinity: the plugin is skipped",
                make_pod().obj(),
                three(label1, label2, label3),
                None,
            ),
            (
                "no node matches the preferred terms",
                affinity1().obj(),
                three(label4, label2, label3),
                Some((vec![0, 0, 0], vec![0, 0, 0])),
            ),
            (
                "only node1 matches",
                affinity1().obj(),
                three(label1, label2, label3),
                Some((vec![2, 0, 0], vec![100, 0, 0])),
            ),
            (
                "every node matches, with different weights",
                affinity2.obj(),
                vec![
                    label("node1", label1),
                    label("node5", label5),
                    label("node2", label2),
                ],
                Some((vec![2, 11, 4], vec![18, 100, 36])),
            ),
        ];
        for (name, pod, nodes, want) in cases {
            assert_eq!(
                scores(&NodeAffinity::default(), &pod, &nodes, &[]),
                want,
                "{name}"
            );
        }
    }

    /// The node affinity of `pod`, to lend to a profile as its `addedAffinity`.
    fn added(pod: MakePod) -> k8s_openapi::api::core::v1::NodeAffinity {
        let pod = pod.obj();
        node_affinity(&pod).cloned().unwrap_or_default()
    }

    /// `TestNodeAffinity`'s cases with `NodeAffinityArgs.addedAffinity`: the profile's
    /// required terms are checked first, with their own reason, and make the plugin run
    /// for pods with no affinity of their own.
    #[test]
    fn filter_checks_the_added_affinity_first() {
        let zone_foo = added(required(&[("zone", "In", &["foo"])]));
        let plugin = NodeAffinity {
            added_required: zone_foo.required_during_scheduling_ignored_during_execution,
            added_preferred: None,
        };
        let no_terms = NodeAffinity {
            added_required: Some(NodeSelector::default()),
            added_preferred: None,
        };
        let enforced = Some(Status::unresolvable(ERR_REASON_ENFORCED));
        let node = |labels: &[(&str, &str)]| {
            labels
                .iter()
                .fold(make_node("node1"), |n, (k, v)| n.label(k, v))
                .obj()
        };
        let cases = [
            (
                "a pod without affinity on a node the profile admits",
                &plugin,
                make_pod().obj(),
                node(&[("zone", "foo")]),
                Some(Status::success()),
            ),
            (
                "a pod without affinity on a node the profile does not admit",
                &plugin,
                make_pod().obj(),
                node(&[("zone", "bar")]),
                enforced.clone(),
            ),
            (
                "the profile admits the node, the pod's nodeSelector does not",
                &plugin,
                make_pod().node_selector("foo", "bar").obj(),
                node(&[("zone", "foo")]),
                rejected(),
            ),
            (
                "neither admits the node: the profile's reason",
                &plugin,
                make_pod().node_selector("foo", "bar").obj(),
                node(&[("zone", "bar")]),
                enforced.clone(),
            ),
            (
                "added required affinity without terms matches no node",
                &no_terms,
                make_pod().obj(),
                node(&[("zone", "foo")]),
                enforced,
            ),
            (
                "no added affinity: a pod without affinity skips the plugin",
                &NodeAffinity::default(),
                make_pod().obj(),
                node(&[("zone", "bar")]),
                None,
            ),
        ];
        for (name, plugin, pod, node, want) in cases {
            assert_eq!(filter(plugin, &pod, &node, &[]), want, "{name}");
        }
    }

    /// `TestNodeAffinityPriority`'s added-affinity case: the profile's preferred terms
    /// score every pod, adding to the pod's own.
    #[test]
    fn score_adds_the_added_preferred_terms() {
        let label = |name: &str, labels: &[(&str, &str)]| {
            labels
                .iter()
                .fold(make_node(name), |n, (k, v)| n.label(k, v))
                .obj()
        };
        let nodes = vec![
            label("node1", &[("foo", "bar")]),
            label("node2", &[("key", "value")]),
            label("node3", &[("az", "az1")]),
        ];
        let key_value = added(make_pod().preferred_term(3, &[("key", "In", &["value"])]));
        let plugin = NodeAffinity {
            added_required: None,
            added_preferred: key_value.preferred_during_scheduling_ignored_during_execution,
        };
        let own = make_pod()
            .preferred_term(2, &[("foo", "In", &["bar"])])
            .obj();
        let cases = [
            (
                "a pod with no preferred terms is scored by the profile's",
                make_pod().obj(),
                Some((vec![0, 3, 0], vec![0, 100, 0])),
            ),
            (
                "the pod's terms and the profile's add up",
                own,
                Some((vec![2, 3, 0], vec![66, 100, 0])),
            ),
        ];
        for (name, pod, want) in cases {
            assert_eq!(scores(&plugin, &pod, &nodes, &[]), want, "{name}");
        }
    }
}
