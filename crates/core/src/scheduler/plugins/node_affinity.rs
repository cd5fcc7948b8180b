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
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
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
