//! NodeAffinity: `spec.nodeSelector` and `spec.affinity.nodeAffinity`.
//! Filter on the selector and required terms; score by matching preferred terms.

use crate::model::{Node, Pod};
use crate::scheduler::framework::{
    default_normalize, FilterPlugin, NodeInfo, PodInfo, ScorePlugin, Status,
};
use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm};

pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";

pub struct NodeAffinity;

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

/// Whether the pod's required node affinity (its terms ORed) admits the node.
fn required_affinity_matches(pod: &Pod, node: &Node) -> bool {
    match required(pod) {
        // The terms are ORed.
        Some(sel) => sel
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node)),
        None => true,
    }
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
    /// the plugin.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.node_selector.is_empty() && required(pod).is_none()
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
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

    /// PreScore: a pod without preferred node affinity skips the plugin.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        preferred(pod).is_empty()
    }

    /// The sum of the weights of the preferred terms the node matches.
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        preferred(pod)
            .iter()
            .filter(|p| p.weight != 0 && term_matches(&p.preference, node.node))
            .map(|p| i64::from(p.weight))
            .sum()
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
            assert_eq!(filter(&NodeAffinity, &pod, &node, &[]), want, "{name}");
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
            assert_eq!(scores(&NodeAffinity, &pod, &nodes, &[]), want, "{name}");
        }
    }
}
