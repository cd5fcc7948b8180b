//! The snapshot's bound and assumed pods grouped by namespace and labels: each distinct
//! (namespace, labels, terminating) with the nodes holding such pods and how many.
//!
//! InterPodAffinity's and PodTopologySpread's PreFilter (and PreScore) ask, for every
//! incoming pod, which existing pods a selector matches and where they are. Pods of one
//! workload share their namespace and labels, so matching each distinct set once and
//! adding up its per-node counts answers the same as matching every pod, in time that
//! grows with the label sets rather than the pods. The groups are kept as pods are
//! assumed and forgotten ([`Snapshot::assume`](super::Snapshot::assume),
//! [`Snapshot::forget`](super::Snapshot::forget)).

use crate::hash::FxHashMap;
use crate::model::Pod;
use std::collections::BTreeMap;

/// A group's identity: namespace, labels (`None` when the pod has none) and whether its
/// pods are terminating (PodTopologySpread leaves those out).
type Key<'a> = (&'a str, Option<&'a BTreeMap<String, String>>, bool);

/// Pods of one namespace with the same labels, by node.
#[derive(Debug, Clone)]
pub(crate) struct PodGroup<'a> {
    /// One of the group's pods: its namespace and labels are the group's.
    pub(crate) pod: &'a Pod,
    /// Whether the group's pods have a deletion timestamp.
    pub(crate) terminating: bool,
    /// (node's place in the snapshot, how many of the group's pods it holds), for the
    /// nodes holding at least one, in no particular order.
    pub(crate) nodes: Vec<(u32, u32)>,
    /// Each node's place in `nodes`.
    at: FxHashMap<u32, usize>,
}

/// Every group of the snapshot's pods.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodGroups<'a> {
    by_key: FxHashMap<Key<'a>, usize>,
    groups: Vec<PodGroup<'a>>,
}

fn key(pod: &Pod) -> Key<'_> {
    (
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.labels.as_ref(),
        pod.metadata.deletion_timestamp.is_some(),
    )
}

impl<'a> PodGroups<'a> {
    /// The groups, some of them possibly empty (every pod of theirs forgotten).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &PodGroup<'a>> {
        self.groups.iter().filter(|g| !g.nodes.is_empty())
    }

    /// Counts `pod` on the node at place `node`.
    pub(crate) fn add(&mut self, node: u32, pod: &'a Pod) {
        let k = key(pod);
        let next = self.groups.len();
        let g = *self.by_key.entry(k).or_insert(next);
        if g == next {
            self.groups.push(PodGroup {
                pod,
                terminating: k.2,
                nodes: Vec::new(),
                at: FxHashMap::default(),
            });
        }
        let Some(group) = self.groups.get_mut(g) else {
            return;
        };
        match group.at.get(&node) {
            Some(&i) => {
                if let Some(entry) = group.nodes.get_mut(i) {
                    entry.1 += 1;
                }
            }
            None => {
                group.at.insert(node, group.nodes.len());
                group.nodes.push((node, 1));
            }
        }
    }

    /// Stops counting `pod` on the node at place `node` (a pod counted there).
    pub(crate) fn remove(&mut self, node: u32, pod: &Pod) {
        let k = key(pod);
        let Some(group) = self
            .groups
            .iter_mut()
            .find(|g| key(g.pod) == k && g.at.contains_key(&node))
        else {
            return;
        };
        let Some(i) = group.at.get(&node).copied() else {
            return;
        };
        let Some(entry) = group.nodes.get_mut(i) else {
            return;
        };
        entry.1 = entry.1.saturating_sub(1);
        if entry.1 == 0 {
            group.nodes.swap_remove(i);
            group.at.remove(&node);
            if let Some(&(moved, _)) = group.nodes.get(i) {
                group.at.insert(moved, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ns: &str, app: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": ns, "labels": {"app": app}}
        }))
        .unwrap()
    }

    fn counts(groups: &PodGroups<'_>) -> Vec<(String, Vec<(u32, u32)>)> {
        let mut out: Vec<(String, Vec<(u32, u32)>)> = groups
            .iter()
            .map(|g| {
                let mut nodes = g.nodes.clone();
                crate::sort::sort(&mut nodes);
                let (ns, labels, _) = key(g.pod);
                (format!("{ns}/{labels:?}"), nodes)
            })
            .collect();
        crate::sort::sort(&mut out);
        out
    }

    /// Pods with the same namespace and labels share a group, counted per node; a
    /// forgotten pod leaves its node when it was the last there.
    #[test]
    fn groups_count_pods_per_node_as_they_come_and_go() {
        let (a1, a2, a3) = (pod("ns", "a"), pod("ns", "a"), pod("ns", "a"));
        let (b, other_ns) = (pod("ns", "b"), pod("other", "a"));
        let mut groups = PodGroups::default();
        for (node, p) in [(0, &a1), (0, &a2), (3, &a3), (3, &b), (1, &other_ns)] {
            groups.add(node, p);
        }
        let a = r#"{"app": "a"}"#;
        assert_eq!(
            counts(&groups),
            vec![
                (format!("ns/Some({a})"), vec![(0, 2), (3, 1)]),
                (r#"ns/Some({"app": "b"})"#.to_string(), vec![(3, 1)]),
                (format!("other/Some({a})"), vec![(1, 1)]),
            ]
        );
        groups.remove(0, &a1);
        groups.remove(3, &a3);
        groups.remove(3, &b);
        groups.remove(5, &a2); // not counted there: nothing changes
        assert_eq!(
            counts(&groups),
            vec![
                (format!("ns/Some({a})"), vec![(0, 1)]),
                (format!("other/Some({a})"), vec![(1, 1)]),
            ]
        );
    }
}
