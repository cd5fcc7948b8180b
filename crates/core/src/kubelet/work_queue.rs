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
//! no pod sync; only a result that changed does (see [`super::prober`]). Its entries
//! name a pod by its slot (where the pods' map keeps its work, [`Keyed::slot_of`]), not
//! by uid: with thousands of probes due in one instant, comparing and copying uids was
//! most of the queue's cost, and the prober's pass finds each pod's work by its slot.

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
    /// Probe workers by next tick, earliest first: (tick, pod slot, worker index). An
    /// entry whose worker's next tick is no longer its time is stale, dropped when it
    /// comes up. (A slot freed and taken by another pod may leave an entry that reads
    /// as valid: that pod's worker then has an entry of its own, the same, and the two
    /// are one when taken.)
    probes: BinaryHeap<Reverse<(SimTime, u32, u32)>>,
    /// Each slot's pod uid (empty while the slot is free), to order the due probes by
    /// pod uid as the pod workers go.
    uids: Vec<String>,
}

/// The probe workers due in an instant, grouped by pod, pods by uid (see
/// [`WorkQueue::probes_due_by`]).
#[derive(Debug, Default)]
pub(crate) struct ProbesDue {
    /// Each pod with workers due: its slot ([`WorkQueue::uid_at`] its uid), and how
    /// many of `workers` (from where the previous pod's end) are its.
    pub(crate) pods: Vec<(usize, usize)>,
    /// The due workers, (tick, worker index), by pod, then tick, then worker.
    pub(crate) workers: Vec<(SimTime, usize)>,
}

impl WorkQueue {
    /// A queue of `pods`, each queued at its due time.
    pub(crate) fn new(pods: Keyed<String, PodWork>) -> WorkQueue {
        let noted = pods.iter().map(|(uid, _)| uid.clone()).collect();
        let mut queue = WorkQueue {
            pods,
            queue: BinaryHeap::new(),
            noted,
            probes: BinaryHeap::new(),
            uids: Vec::new(),
        };
        let mut ticks = Vec::new();
        for (uid, work) in queue.pods.iter() {
            let Some(slot) = queue.pods.slot_of(uid) else {
                continue;
            };
            if queue.uids.len() <= slot {
                queue.uids.resize(slot + 1, String::new());
            }
            if let Some(u) = queue.uids.get_mut(slot) {
                u.clone_from(uid);
            }
            for (i, w) in work.probes.workers.iter().enumerate() {
                ticks.extend(w.next.map(|next| (next, slot, i)));
            }
        }
        for (next, slot, i) in ticks {
            queue.push_probe(next, slot, i);
        }
        queue
    }

    /// Queues probe worker `wi` of pod `uid` at its next tick `at`. `slot`: the pod's
    /// slot when the caller has it (the prober's pass), to spare a search by uid.
    pub(crate) fn queue_probe(&mut self, at: SimTime, slot: Option<usize>, uid: &str, wi: usize) {
        if let Some(slot) = self.slot(slot, uid) {
            self.push_probe(at, slot, wi);
        }
    }

    /// Queues probe worker `wi` of the pod in `slot` at its next tick `at`.
    pub(crate) fn push_probe(&mut self, at: SimTime, slot: usize, wi: usize) {
        let (Ok(slot), Ok(wi)) = (u32::try_from(slot), u32::try_from(wi)) else {
            return;
        };
        self.probes.push(Reverse((at, slot, wi)));
    }

    /// The slot of pod `uid`: `hint` when it is that pod's, else found by uid.
    pub(crate) fn slot(&self, hint: Option<usize>, uid: &str) -> Option<usize> {
        match hint {
            Some(s) if self.uids.get(s).is_some_and(|u| u == uid) => Some(s),
            _ => self.pods.slot_of(uid),
        }
    }

    /// The uid of the pod in `slot`.
    pub(crate) fn uid_at(&self, slot: usize) -> Option<&str> {
        self.uids
            .get(slot)
            .map(String::as_str)
            .filter(|u| !u.is_empty())
    }

    /// Whether the entry (`at`, `slot`, `wi`) is its worker's next tick.
    fn probe_valid(&self, at: SimTime, slot: u32, wi: u32) -> bool {
        self.pods
            .at(slot as usize)
            .and_then(|p| p.probes.workers.get(wi as usize))
            .is_some_and(|w| w.next == Some(at))
    }

    /// The probe workers due at or before `now`, grouped by pod, pods by uid, a pod's
    /// by tick then worker: their entries are taken off the queue (a worker ticked
    /// queues its next tick).
    pub(crate) fn probes_due_by(&mut self, now: SimTime) -> ProbesDue {
        let mut due: Vec<(u32, SimTime, u32)> = Vec::new();
        while let Some(Reverse((at, _, _))) = self.probes.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, slot, wi))) = self.probes.pop() else {
                break;
            };
            if self.probe_valid(at, slot, wi) {
                due.push((slot, at, wi));
            }
        }
        if due.is_empty() {
            return ProbesDue::default();
        }
        crate::sort::sort(&mut due);
        due.dedup();
        // Runs of one slot, then the runs by their pods' uids (each pod's uid compared,
        // not each worker's).
        let mut runs: Vec<(&str, usize, usize, usize)> = Vec::new();
        let mut start = 0;
        for (i, (slot, _, _)) in due.iter().enumerate() {
            let next = due.get(i + 1).map(|(s, _, _)| s);
            if next != Some(slot) {
                let uid = self.uid_at(*slot as usize).unwrap_or_default();
                runs.push((uid, *slot as usize, start, i + 1));
                start = i + 1;
            }
        }
        crate::sort::sort_by(&mut runs, |a, b| a.0.cmp(b.0));
        let mut out = ProbesDue {
            pods: Vec::with_capacity(runs.len()),
            workers: Vec::with_capacity(due.len()),
        };
        for (_, slot, from, to) in runs {
            let workers = due.get(from..to).unwrap_or_default();
            out.pods.push((slot, workers.len()));
            out.workers
                .extend(workers.iter().map(|(_, at, wi)| (*at, *wi as usize)));
        }
        out
    }

    /// Every pod's work by uid (what snapshots write).
    pub(crate) fn all(&self) -> &Keyed<String, PodWork> {
        &self.pods
    }

    pub(crate) fn get(&self, uid: &str) -> Option<&PodWork> {
        self.pods.get(uid)
    }

    /// The work in `slot` (see [`WorkQueue::slot`]).
    pub(crate) fn at(&self, slot: usize) -> Option<&PodWork> {
        self.pods.at(slot)
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
    /// Found by the pod's slot when `slot` is its (see [`WorkQueue::slot`]), else by uid.
    pub(crate) fn get_mut_keeping_due_at(
        &mut self,
        slot: Option<usize>,
        uid: &str,
    ) -> Option<&mut PodWork> {
        match slot {
            Some(s) if self.uids.get(s).is_some_and(|u| u == uid) => self.pods.at_mut(s),
            _ => self.pods.get_mut(uid),
        }
    }

    pub(crate) fn contains_key(&self, uid: &str) -> bool {
        self.pods.contains_key(uid)
    }

    pub(crate) fn insert(&mut self, uid: String, work: PodWork) {
        self.note(&uid);
        let key = uid.clone();
        self.pods.insert(uid, work);
        if let Some(slot) = self.pods.slot_of(&key) {
            if self.uids.len() <= slot {
                self.uids.resize(slot + 1, String::new());
            }
            if let Some(u) = self.uids.get_mut(slot) {
                *u = key;
            }
        }
    }

    /// Removes a pod's work (its queue entries go stale).
    pub(crate) fn remove(&mut self, uid: &str) -> Option<PodWork> {
        if let Some(u) = self.pods.slot_of(uid).and_then(|s| self.uids.get_mut(s)) {
            u.clear();
        }
        self.pods.remove(uid)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &PodWork)> {
        self.pods.iter()
    }

    /// Whether any pod's work is so (the pods in no particular order).
    pub(crate) fn any(&self, f: impl FnMut(&PodWork) -> bool) -> bool {
        self.pods.values_by_slot().any(f)
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
        while let Some(Reverse((at, slot, wi))) = self.probes.peek() {
            if self.probe_valid(*at, *slot, *wi) {
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
            Some(Reverse((at, slot, wi))) if self.probe_valid(*at, *slot, *wi) => Some(*at),
            Some(_) => self
                .probes
                .iter()
                .filter(|Reverse((at, slot, wi))| self.probe_valid(*at, *slot, *wi))
                .map(|Reverse((at, _, _))| *at)
                .min(),
            None => None,
        };
        noted.into_iter().chain(queued).chain(probe).min()
    }
}
