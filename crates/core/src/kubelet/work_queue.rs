//! The pod workers' work, by pod uid, with a queue of when each pod is next due (as
//! the kubelet's `util/queue` WorkQueue keeps pod uids by the time their sync is due).
//!
//! A pod's due time ([`PodWork::due`]) is a function of its work alone, so it can only
//! move when the work is borrowed mutably: [`WorkQueue::get_mut`] and
//! [`WorkQueue::insert`] note the pod, and the queue works its due time out again before
//! it is next asked what is due. Finding the pods due now, and the earliest time
//! anything is due, then costs the pods that are due, not every pod on every node (with
//! thousands of pods each due at its own instant, a scan per instant grew as the
//! square of the pods).
//!
//! The probe workers are due in a queue of their own (as the kubelet's prober workers
//! run on their own timers, pkg/kubelet/prober/worker.go): an entry per worker's next
//! tick, pushed where the tick is set ([`WorkQueue::queue_probe`]). A probe run wakes
//! no pod sync; only a result that changed does (see [`super::prober`]).

use super::pod_workers::PodWork;
use crate::clock::SimTime;
use crate::keyed::Keyed;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Default)]
pub(crate) struct WorkQueue {
    pods: Keyed<String, PodWork>,
    /// Pods by due time, earliest first. An entry whose time is no longer its pod's
    /// due time (the pod moved on, or is gone) is stale: it is dropped when it comes
    /// up. Pods in `noted` may have stale entries or none.
    queue: BinaryHeap<Reverse<(SimTime, String)>>,
    /// Pods borrowed mutably since their due time was last queued.
    noted: Vec<String>,
    /// Probe workers by next tick, earliest first: (tick, pod uid, worker index). An
    /// entry whose worker's next tick is no longer its time is stale, dropped when it
    /// comes up.
    probes: BinaryHeap<Reverse<(SimTime, String, usize)>>,
}

impl WorkQueue {
    /// A queue of `pods`, each queued at its due time.
    pub(crate) fn new(pods: Keyed<String, PodWork>) -> WorkQueue {
        let noted = pods.iter().map(|(uid, _)| uid.clone()).collect();
        let mut probes = BinaryHeap::new();
        for (uid, work) in pods.iter() {
            for (i, w) in work.probes.workers.iter().enumerate() {
                if let Some(next) = w.next {
                    probes.push(Reverse((next, uid.clone(), i)));
                }
            }
        }
        WorkQueue {
            pods,
            queue: BinaryHeap::new(),
            noted,
            probes,
        }
    }

    /// Queues probe worker `wi` of pod `uid` at its next tick `at`.
    pub(crate) fn queue_probe(&mut self, at: SimTime, uid: &str, wi: usize) {
        self.probes.push(Reverse((at, uid.to_string(), wi)));
    }

    /// Whether the entry (`at`, `uid`, `wi`) is its worker's next tick.
    fn probe_valid(&self, at: SimTime, uid: &str, wi: usize) -> bool {
        self.pods
            .get(uid)
            .and_then(|p| p.probes.workers.get(wi))
            .is_some_and(|w| w.next == Some(at))
    }

    /// The probe workers due at or before `now`, by pod uid then tick then worker:
    /// their entries are taken off the queue (a worker ticked queues its next tick).
    pub(crate) fn probes_due_by(&mut self, now: SimTime) -> Vec<(String, SimTime, usize)> {
        let mut due = Vec::new();
        while let Some(Reverse((at, _, _))) = self.probes.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, uid, wi))) = self.probes.pop() else {
                break;
            };
            if self.probe_valid(at, &uid, wi) {
                due.push((uid, at, wi));
            }
        }
        crate::sort::sort(&mut due);
        due.dedup();
        due
    }

    /// Every pod's work by uid (what snapshots write).
    pub(crate) fn all(&self) -> &Keyed<String, PodWork> {
        &self.pods
    }

    pub(crate) fn get(&self, uid: &str) -> Option<&PodWork> {
        self.pods.get(uid)
    }

    /// The pod's work, to change: its due time is worked out again before the queue is
    /// next read.
    pub(crate) fn get_mut(&mut self, uid: &str) -> Option<&mut PodWork> {
        self.note(uid);
        self.pods.get_mut(uid)
    }

    /// The pod's work, for a change that leaves its due time where it was (its probe
    /// workers' results and next ticks, a running container's view and environment
    /// lent to an exec): the pod is not noted, so a probe run costs the queue nothing.
    pub(crate) fn get_mut_keeping_due(&mut self, uid: &str) -> Option<&mut PodWork> {
        self.pods.get_mut(uid)
    }

    pub(crate) fn contains_key(&self, uid: &str) -> bool {
        self.pods.contains_key(uid)
    }

    pub(crate) fn insert(&mut self, uid: String, work: PodWork) {
        self.note(&uid);
        self.pods.insert(uid, work);
    }

    /// Removes a pod's work (its queue entries go stale).
    pub(crate) fn remove(&mut self, uid: &str) -> Option<PodWork> {
        self.pods.remove(uid)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &PodWork)> {
        self.pods.iter()
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &PodWork> {
        self.pods.values()
    }

    fn note(&mut self, uid: &str) {
        // A pod is often borrowed several times in a row: noted once.
        if self.noted.last().map(String::as_str) != Some(uid) {
            self.noted.push(uid.to_string());
        }
    }

    /// Queues the noted pods at their due times and drops the stale entries at the
    /// front, so that the front is a pod's true due time.
    pub(crate) fn refresh(&mut self) {
        for uid in std::mem::take(&mut self.noted) {
            if let Some(due) = self.pods.get(&uid).and_then(PodWork::due) {
                self.queue.push(Reverse((due, uid)));
            }
        }
        while let Some(Reverse((due, uid))) = self.queue.peek() {
            if self.pods.get(uid).and_then(PodWork::due) == Some(*due) {
                break;
            }
            self.queue.pop();
        }
        while let Some(Reverse((at, uid, wi))) = self.probes.peek() {
            if self.probe_valid(*at, uid, *wi) {
                break;
            }
            self.probes.pop();
        }
    }

    /// The pods due at or before `now`, by uid. They stay noted, so that each is
    /// queued again at its next due time however its work is (or is not) changed.
    pub(crate) fn due_by(&mut self, now: SimTime) -> Vec<String> {
        self.refresh();
        let mut due = Vec::new();
        while let Some(Reverse((at, _))) = self.queue.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, uid))) = self.queue.pop() else {
                break;
            };
            if self.pods.get(&uid).and_then(PodWork::due) == Some(at) {
                due.push(uid);
            }
        }
        crate::sort::sort(&mut due);
        due.dedup();
        self.noted.extend(due.iter().cloned());
        due
    }

    /// The earliest time a pod is due, if any.
    pub(crate) fn next_due(&self) -> Option<SimTime> {
        let noted = self
            .noted
            .iter()
            .filter_map(|uid| self.pods.get(uid).and_then(PodWork::due))
            .min();
        let queued = match self.queue.peek() {
            // After a refresh the front is true unless its pod was noted since (then
            // its due time is among the noted ones): a stale front is passed over by
            // looking at every valid entry.
            Some(Reverse((due, uid)))
                if self.pods.get(uid).and_then(PodWork::due) == Some(*due) =>
            {
                Some(*due)
            }
            Some(_) => self
                .queue
                .iter()
                .filter(|Reverse((due, uid))| {
                    self.pods.get(uid).and_then(PodWork::due) == Some(*due)
                })
                .map(|Reverse((due, _))| *due)
                .min(),
            None => None,
        };
        let probe = match self.probes.peek() {
            Some(Reverse((at, uid, wi))) if self.probe_valid(*at, uid, *wi) => Some(*at),
            Some(_) => self
                .probes
                .iter()
                .filter(|Reverse((at, uid, wi))| self.probe_valid(*at, uid, *wi))
                .map(|Reverse((at, _, _))| *at)
                .min(),
            None => None,
        };
        noted.into_iter().chain(queued).chain(probe).min()
    }
}
