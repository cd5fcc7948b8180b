//! The equivalence cache (kube-scheduler's `equivalence_cache.go` of releases 1.10–1.12,
//! in small): pods that agree on everything the node-only filters read (tolerations,
//! nodeSelector, spec.nodeName, required node affinity) get the same verdict from those
//! filters on a node, and the node object does not change during a scheduling pass. So
//! a pass works each (class, node) verdict out once and the next pod of the class reads
//! it back. Filters that look at the pods on a node (NodePorts, NodeResourcesFit) still
//! run for every pod.
//!
//! The cache lives in a [`Snapshot`](super::Snapshot), so it never outlives the node
//! objects it was worked out from.

use super::framework::{Code, PodInfo, Reasons, Selector};
use super::plugins::node_affinity::required;
use crate::model::Toleration;
use k8s_openapi::api::core::v1::NodeSelector;

/// At most this many classes per pass; pods of further classes are filtered directly.
const MAX_CLASSES: usize = 16;

/// What the node-only filters read from a pod. [`FilterPlugin::node_only`] promises a
/// filter reads nothing else.
///
/// [`FilterPlugin::node_only`]: super::framework::FilterPlugin::node_only
#[derive(Debug, Clone, PartialEq)]
struct EquivalenceClass {
    /// The profile whose filters gave the verdicts (profiles may run different ones).
    profile: usize,
    tolerations: Vec<Toleration>,
    /// Only compiled selectors (label ids or unmatchable) are cached.
    node_selector: Selector<'static>,
    node_name: Option<String>,
    required_affinity: Option<NodeSelector>,
}

fn node_name<'a>(pod: &'a PodInfo<'_>) -> Option<&'a str> {
    pod.spec.as_ref()?.node_name.as_deref()
}

impl EquivalenceClass {
    fn of(pod: &PodInfo<'_>, profile: usize) -> Option<EquivalenceClass> {
        let node_selector = match &pod.node_selector {
            Selector::Ids(ids) => Selector::Ids(ids.clone()),
            Selector::Unmatchable => Selector::Unmatchable,
            Selector::Text(_) => return None,
        };
        Some(EquivalenceClass {
            profile,
            tolerations: pod.tolerations.to_vec(),
            node_selector,
            node_name: node_name(pod).map(str::to_string),
            required_affinity: required(pod).cloned(),
        })
    }

    fn holds(&self, pod: &PodInfo<'_>, profile: usize) -> bool {
        self.profile == profile
            && self.tolerations == pod.tolerations
            && self.node_selector == pod.node_selector
            && self.node_name.as_deref() == node_name(pod)
            && self.required_affinity.as_ref() == required(pod)
    }
}

/// The node-only filters' verdict on one node: the first that rejected it (its index in
/// the profile, code, and reasons in [`ClassVerdicts::reasons`]), or none.
#[derive(Debug, Clone, Copy)]
struct Cached {
    plugin: u8,
    code: Code,
    slot: u32,
}

/// Not worked out yet.
const UNKNOWN: u8 = u8::MAX - 1;
/// Every node-only filter passed.
const PASSED: u8 = u8::MAX;

/// One class's verdicts, by node index in the snapshot.
#[derive(Debug, Clone)]
pub(crate) struct ClassVerdicts {
    key: EquivalenceClass,
    verdicts: Vec<Cached>,
    /// Reasons the verdicts point into, each distinct one once.
    pub reasons: Vec<Reasons>,
    /// The last reasons used (see `intern_reasons`).
    last: usize,
}

impl ClassVerdicts {
    /// The verdict on node `index`: the rejecting filter, its code and the place of its
    /// reasons in [`ClassVerdicts::reasons`], or `None` when every node-only filter
    /// passed. Worked out by `run` (over this class's reasons table) the first time.
    #[inline]
    pub fn verdict(
        &mut self,
        index: usize,
        run: impl FnOnce(&mut Vec<Reasons>, &mut usize) -> Option<(u8, Code, u32)>,
    ) -> Option<(u8, Code, u32)> {
        match self.verdicts.get(index) {
            Some(c) if c.plugin == PASSED => None,
            Some(c) if c.plugin != UNKNOWN => Some((c.plugin, c.code, c.slot)),
            _ => self.work_out(index, run),
        }
    }

    /// [`ClassVerdicts::verdict`] the first time a node is asked about.
    #[cold]
    fn work_out(
        &mut self,
        index: usize,
        run: impl FnOnce(&mut Vec<Reasons>, &mut usize) -> Option<(u8, Code, u32)>,
    ) -> Option<(u8, Code, u32)> {
        let outcome = run(&mut self.reasons, &mut self.last);
        if let Some(cached) = self.verdicts.get_mut(index) {
            *cached = match outcome {
                None => Cached {
                    plugin: PASSED,
                    code: Code::Success,
                    slot: 0,
                },
                Some((plugin, code, slot)) => Cached { plugin, code, slot },
            };
        }
        outcome
    }
}

/// Every class seen in a pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct EquivalenceCache {
    classes: Vec<ClassVerdicts>,
}

impl EquivalenceCache {
    /// The verdicts of `pod`'s class over `nodes` nodes under the profile at `profile`;
    /// `None` when the pod cannot be classed (an uncompiled selector) or the pass has
    /// seen too many classes.
    pub fn class_of(
        &mut self,
        pod: &PodInfo<'_>,
        nodes: usize,
        profile: usize,
    ) -> Option<&mut ClassVerdicts> {
        match self.classes.iter().position(|c| c.key.holds(pod, profile)) {
            Some(i) => self.classes.get_mut(i),
            None if self.classes.len() < MAX_CLASSES => {
                let key = EquivalenceClass::of(pod, profile)?;
                let unknown = Cached {
                    plugin: UNKNOWN,
                    code: Code::Success,
                    slot: 0,
                };
                self.classes.push(ClassVerdicts {
                    key,
                    verdicts: vec![unknown; nodes],
                    reasons: Vec::new(),
                    last: 0,
                });
                self.classes.last_mut()
            }
            None => None,
        }
    }
}
