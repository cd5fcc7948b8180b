//! kube-scheduler's scheduling queue (`internal/queue.PriorityQueue`): pods waiting for a
//! node sit in one of three places.
//!
//! - **activeQ**: ready to be tried, highest priority first, then oldest.
//! - **backoffQ**: moved back by a cluster event while still backing off after a failed
//!   attempt (1 s doubling per attempt up to 10 s). With `SchedulerPopFromBackoffQ` (on
//!   since 1.33) an idle scheduler takes them anyway, so backoff only orders work.
//! - **unschedulablePods**: the last attempt found no node. A pod leaves when a cluster
//!   event arrives that one of the plugins which rejected it says may help (its
//!   QueueingHint), or after 5 minutes at the next 30-second flush
//!   (`flushUnschedulablePodsLeftover`).
//!
//! The queue keeps the scheduler's own copy of each node (its informer cache) so that a
//! node update can be told apart (labels, taints, allocatable) and handed to the hints
//! with the old and the new object.

use super::framework::{ClusterEvent, FilterPlugin, QueueingHint};
use super::Decision;
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::{Node, Pod, Toleration};
use serde::{Deserialize, Serialize};

/// `podInitialBackoffSeconds` and `podMaxBackoffSeconds` defaults.
pub const INITIAL_BACKOFF_MS: u64 = 1_000;
pub const MAX_BACKOFF_MS: u64 = 10_000;
/// `podMaxInUnschedulablePodsDuration`.
pub const MAX_IN_UNSCHEDULABLE_MS: u64 = 5 * 60 * 1000;
/// How often `flushUnschedulablePodsLeftover` runs.
pub const FLUSH_PERIOD_MS: u64 = 30_000;

/// Where a waiting pod is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueState {
    Active,
    /// Moved by an event while its backoff (until the given time) still runs.
    Backoff {
        until: SimTime,
    },
    /// Rejected at `since`; waits for an event its rejecting plugins care about.
    Unschedulable {
        since: SimTime,
    },
}

/// One pod in the queue (kube-scheduler's `QueuedPodInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedPod {
    pub state: QueueState,
    /// Scheduling attempts so far.
    pub attempts: u32,
    /// When the last attempt ended.
    pub last_attempt: Option<SimTime>,
    /// The filter plugins that rejected some node in the last attempt.
    pub unschedulable_plugins: Vec<String>,
    /// The tolerations the pod had at its last attempt (a change may let it in).
    tolerations: Vec<Toleration>,
}

/// Where the queue finds the filter plugins whose QueueingHints it asks about a pod:
/// those of the profile that schedules it, with that profile's arguments (a profile's
/// added node affinity decides which node changes may help its pods).
pub trait HintPlugins {
    fn hint_plugins(&self, pod: &Pod) -> &[Box<dyn FilterPlugin>];
}

impl QueuedPod {
    /// `calculateBackoffDuration`: 1 s, doubled per further attempt, at most 10 s.
    pub fn backoff_ms(&self) -> u64 {
        let mut d = INITIAL_BACKOFF_MS;
        for _ in 1..self.attempts {
            if d > MAX_BACKOFF_MS - d {
                return MAX_BACKOFF_MS;
            }
            d += d;
        }
        d
    }

    /// Whether one of the plugins that rejected the pod says `event` may help.
    fn hinted(&self, pod: &Pod, event: &ClusterEvent<'_>, plugins: &dyn HintPlugins) -> bool {
        plugins
            .hint_plugins(pod)
            .iter()
            .filter(|p| self.unschedulable_plugins.iter().any(|n| n == p.name()))
            .any(|p| p.queueing_hint(pod, event) == QueueingHint::Queue)
    }

    fn backoff_until(&self) -> Option<SimTime> {
        self.last_attempt.map(|t| t.plus_ms(self.backoff_ms()))
    }

    /// When the leftover flush takes this pod out of unschedulablePods: the first
    /// 30-second tick after it has waited more than 5 minutes.
    pub fn flush_at(&self) -> Option<SimTime> {
        match self.state {
            QueueState::Unschedulable { since } => {
                let limit = since.0.saturating_add(MAX_IN_UNSCHEDULABLE_MS);
                Some(SimTime((limit / FLUSH_PERIOD_MS + 1) * FLUSH_PERIOD_MS))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SchedulingQueue {
    /// Waiting pods by `namespace/name`.
    pods: Keyed<String, QueuedPod>,
    /// The scheduler's copy of every node, to tell what an update changed.
    nodes: Keyed<String, Node>,
}

fn tolerations_of(pod: &Pod) -> Vec<Toleration> {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default()
}

impl SchedulingQueue {
    /// The queue entry of a waiting pod.
    pub fn get(&self, key: &str) -> Option<&QueuedPod> {
        self.pods.get(key)
    }

    /// Makes the queue hold exactly the pods that wait for this scheduler: new ones go
    /// to activeQ, ones bound or gone leave.
    pub fn sync_pending<'a>(&mut self, pending: impl IntoIterator<Item = (String, &'a Pod)>) {
        let mut seen = Keyed::new();
        for (key, pod) in pending {
            let entry = self.pods.remove(&key).unwrap_or_else(|| QueuedPod {
                state: QueueState::Active,
                attempts: 0,
                last_attempt: None,
                unschedulable_plugins: Vec::new(),
                tolerations: tolerations_of(pod),
            });
            seen.insert(key, entry);
        }
        self.pods = seen;
    }

    /// Removes a pod (deleted, or bound elsewhere).
    pub fn forget(&mut self, key: &str) -> bool {
        self.pods.remove(key).is_some()
    }

    /// Updates the node cache from the store's current node (None when deleted) and
    /// returns the event a hint should see.
    pub fn node_changed(&mut self, name: &str, now: Option<&Node>) -> Option<NodeEvent> {
        match (self.nodes.get(name), now) {
            (None, Some(n)) => {
                self.nodes.insert(name.to_string(), n.clone());
                Some(NodeEvent::Added)
            }
            (Some(old), Some(n)) => {
                let changed = old.metadata.labels != n.metadata.labels
                    || old.spec != n.spec
                    || old.status.as_ref().map(|s| &s.allocatable)
                        != n.status.as_ref().map(|s| &s.allocatable);
                if changed {
                    let old = self.nodes.insert(name.to_string(), n.clone());
                    old.map(|old| NodeEvent::Updated(Box::new(old)))
                } else {
                    None
                }
            }
            (Some(_), None) => {
                self.nodes.remove(name);
                None
            }
            (None, None) => None,
        }
    }

    /// `MoveAllToActiveOrBackoffQueue` with queueing hints: every unschedulable pod one
    /// of whose rejecting plugins says the event may help moves on.
    pub fn on_event<'p>(
        &mut self,
        event: &ClusterEvent<'_>,
        pods: &dyn Fn(&str) -> Option<&'p Pod>,
        plugins: &dyn HintPlugins,
        now: SimTime,
    ) {
        for (key, entry) in self.pods.iter_mut() {
            if !matches!(entry.state, QueueState::Unschedulable { .. }) {
                continue;
            }
            let Some(pod) = pods(key) else { continue };
            if entry.hinted(pod, event, plugins) {
                Self::requeue(entry, now);
            }
        }
    }

    /// An update of a waiting pod itself: changed tolerations may let it in.
    pub fn pod_updated(
        &mut self,
        key: &str,
        pod: &Pod,
        plugins: &dyn HintPlugins,
        now: SimTime,
    ) -> bool {
        let Some(entry) = self.pods.get_mut(key) else {
            return false;
        };
        let tolerations = tolerations_of(pod);
        if tolerations == entry.tolerations {
            return false;
        }
        entry.tolerations = tolerations;
        let queue = matches!(entry.state, QueueState::Unschedulable { .. })
            && entry.hinted(pod, &ClusterEvent::PodTolerationsChanged, plugins);
        if queue {
            Self::requeue(entry, now);
        }
        queue
    }

    /// `movePodsToActiveOrBackoffQueue` for one pod.
    fn requeue(entry: &mut QueuedPod, now: SimTime) {
        entry.state = match entry.backoff_until() {
            Some(until) if until > now => QueueState::Backoff { until },
            _ => QueueState::Active,
        };
    }

    /// The flushes at `now`: finished backoffs go to activeQ, pods unschedulable for
    /// more than 5 minutes move on at the 30-second tick.
    pub fn flush(&mut self, now: SimTime) {
        for entry in self.pods.values_mut() {
            match entry.state {
                QueueState::Backoff { until } if until <= now => entry.state = QueueState::Active,
                QueueState::Unschedulable { .. } if entry.flush_at().is_some_and(|t| t <= now) => {
                    Self::requeue(entry, now);
                }
                _ => {}
            }
        }
    }

    /// The pods to try now: activeQ, then (the scheduler being otherwise idle)
    /// backoffQ. The caller orders them by priority.
    pub fn pop_ready(&self) -> Vec<&str> {
        let active = self
            .pods
            .iter()
            .filter(|(_, e)| e.state == QueueState::Active);
        let backoff = self
            .pods
            .iter()
            .filter(|(_, e)| matches!(e.state, QueueState::Backoff { .. }));
        active.chain(backoff).map(|(k, _)| k.as_str()).collect()
    }

    /// Records an attempt: a bound pod leaves the queue; an unschedulable one goes to
    /// unschedulablePods with the plugins that rejected it.
    pub fn done(&mut self, key: &str, decision: &Decision, now: SimTime) {
        if decision.chosen.is_some() {
            self.pods.remove(key);
            return;
        }
        let Some(entry) = self.pods.get_mut(key) else {
            return;
        };
        entry.attempts = entry.attempts.saturating_add(1);
        entry.last_attempt = Some(now);
        entry.state = QueueState::Unschedulable { since: now };
        let mut rejecting: Vec<usize> = decision
            .nodes
            .iter()
            .filter_map(|v| v.rejected_by())
            .collect();
        crate::sort::sort(&mut rejecting);
        rejecting.dedup();
        entry.unschedulable_plugins = rejecting
            .into_iter()
            .filter_map(|i| decision.filter_plugins.get(i).map(|p| p.to_string()))
            .collect();
    }

    /// The next moment the queue has work of its own (a backoff ending, a flush).
    pub fn next_due(&self) -> Option<SimTime> {
        self.pods
            .values()
            .filter_map(|e| match e.state {
                QueueState::Backoff { until } => Some(until),
                QueueState::Unschedulable { .. } => e.flush_at(),
                QueueState::Active => None,
            })
            .min()
    }
}

/// What happened to a node, as the queue's cache saw it.
#[derive(Debug, Clone)]
pub enum NodeEvent {
    Added,
    /// With the node as it was before.
    Updated(Box<Node>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(attempts: u32) -> QueuedPod {
        QueuedPod {
            state: QueueState::Active,
            attempts,
            last_attempt: None,
            unschedulable_plugins: Vec::new(),
            tolerations: Vec::new(),
        }
    }

    #[test]
    fn backoff_doubles_from_one_second_to_ten() {
        let got: Vec<u64> = (1..=6).map(|a| entry(a).backoff_ms()).collect();
        assert_eq!(got, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    }

    #[test]
    fn leftover_flush_runs_at_the_first_tick_after_five_minutes() {
        // (rejected at second, moved at second)
        for (since, at) in [(0, 330), (10, 330), (30, 360), (299, 600), (300, 630)] {
            let mut e = entry(1);
            e.state = QueueState::Unschedulable {
                since: SimTime::from_secs(since),
            };
            assert_eq!(e.flush_at(), Some(SimTime::from_secs(at)), "since {since}");
        }
    }
}
