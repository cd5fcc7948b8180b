//! A workload controller's queue as client-go's workqueue with the default controller
//! rate limiter keeps it: the earliest time a handler asked to be synced again
//! (`AddAfter`), and the keys whose last attempt failed with their failures and the end
//! of their back-off (`AddRateLimited`: ItemExponentialFailureRateLimiter, 5 ms
//! doubling to at most 1,000 s; `Forget` after a success).

use crate::clock::SimTime;
use crate::keyed::Keyed;

#[derive(Debug, Clone)]
pub(crate) struct WorkQueue {
    due: Option<SimTime>,
    /// `namespace/name` -> (failures so far, the back-off's end).
    backoff: Keyed<String, (u32, SimTime)>,
    /// The first retry's delay and the longest, in milliseconds.
    base_ms: u64,
    max_ms: u64,
}

/// The default controller rate limiter's: 5 ms, at most 1,000 s.
impl Default for WorkQueue {
    fn default() -> Self {
        WorkQueue::with_backoff(5, 1_000_000)
    }
}

impl WorkQueue {
    /// A queue whose failed keys back off from `base_ms` doubling to `max_ms` (the Job
    /// controller's: 1 s to 1 minute, DefaultJobApiBackOff and MaxJobApiBackOff).
    pub(crate) fn with_backoff(base_ms: u64, max_ms: u64) -> WorkQueue {
        WorkQueue {
            due: None,
            backoff: Keyed::new(),
            base_ms,
            max_ms,
        }
    }

    /// When it next has work no change will prompt.
    pub(crate) fn due(&self) -> Option<SimTime> {
        self.due
    }

    /// Before a pass at `now`: nothing asked for yet but the ends of back-offs still
    /// running.
    pub(crate) fn clear_due(&mut self, now: SimTime) {
        self.due = self
            .backoff
            .values()
            .map(|(_, until)| *until)
            .filter(|until| *until > now)
            .min();
    }

    /// Asks for a sync at `at` at the latest.
    pub(crate) fn requeue_at(&mut self, at: SimTime) {
        self.due = Some(self.due.map_or(at, |d| d.min(at)));
    }

    /// Whether `key` is still backing off after a failure at `now` (the handler holds
    /// back what failed until then).
    pub(crate) fn backing_off(&self, key: &str, now: SimTime) -> bool {
        self.backoff.get(key).is_some_and(|(_, until)| *until > now)
    }

    /// The attempt for `key` failed at `now`: its back-off grows, and the queue asks for
    /// a sync when it ends. Returns that time.
    pub(crate) fn failed(&mut self, key: &str, now: SimTime) -> SimTime {
        let failures = self.backoff.get(key).map_or(0, |(n, _)| *n);
        let delay = match 1u64.checked_shl(failures) {
            Some(factor) => self.base_ms.saturating_mul(factor).min(self.max_ms),
            None => self.max_ms,
        };
        let until = now.plus_ms(delay);
        self.backoff
            .insert(key.to_string(), (failures.saturating_add(1), until));
        self.requeue_at(until);
        until
    }

    /// The attempt for `key` succeeded: its failures are forgotten.
    pub(crate) fn forget(&mut self, key: &str) {
        self.backoff.remove(key);
    }

    /// Forgets the keys `keep` says are gone.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.backoff.retain(|k, _| keep(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The back-off doubles from 5 ms and stops at 1,000 s; a success forgets it.
    #[test]
    fn back_off_doubles_to_its_cap() {
        let mut q = WorkQueue::default();
        let mut now = SimTime(0);
        let mut delays = Vec::new();
        for _ in 0..22 {
            let until = q.failed("default/web", now);
            delays.push(until.0 - now.0);
            assert!(q.backing_off("default/web", now));
            assert!(!q.backing_off("default/web", until));
            now = until;
        }
        assert_eq!(&delays[..4], &[5, 10, 20, 40]);
        assert_eq!(delays[17], 655_360);
        assert_eq!(delays[18], 1_000_000);
        assert_eq!(delays[21], 1_000_000);
        q.forget("default/web");
        assert_eq!(q.failed("default/web", now).0 - now.0, 5);
        assert!(!q.backing_off("default/other", now));
        let mut job = WorkQueue::with_backoff(1_000, 60_000);
        let delays: Vec<u64> = (0..8)
            .map(|_| job.failed("default/pi", now).0 - now.0)
            .collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]
        );
    }
}
