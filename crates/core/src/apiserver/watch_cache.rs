//! The watch cache: the recent changes of the resources someone watches, each with the
//! object as it was then. `kubectl get --watch` reads it to print every step of an
//! object's life (created Pending, bound to a node, ContainerCreating, Running), not
//! only the state it has when the terminal next looks.
//!
//! The cache records a resource from the first watch of it on and keeps the last
//! [`CAPACITY`] changes. A watch that has not read what it was sent before the cache
//! moved past it is closed, as the API server closes a watcher too slow to keep up.

use crate::clock::SimTime;
use crate::model::Object;
use std::collections::VecDeque;

/// How many changes the cache keeps.
pub const CAPACITY: usize = 4096;

/// A watch event's type, as `--output-watch-events` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    Added,
    Modified,
    Deleted,
}

impl ChangeType {
    pub fn name(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One change: its place in the cache's sequence, when it happened, its type and the
/// object after it (a deleted object as it was last stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: u64,
    pub at: SimTime,
    pub change: ChangeType,
    pub object: Object,
}

/// The watch fell behind the cache: the server closed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

#[derive(Debug, Clone, Default)]
pub struct WatchCache {
    /// The resources (`pods`, `nodes`, ...) recorded.
    watched: Vec<&'static str>,
    changes: VecDeque<Change>,
    /// The last change's sequence number.
    seq: u64,
    /// The cluster's clock, which changes are stamped with.
    now: SimTime,
}

impl WatchCache {
    /// Starts recording `resource` (if it was not yet); a watch starting now reads the
    /// changes after the returned sequence number.
    pub fn watch(&mut self, resource: &'static str) -> u64 {
        if !self.watches(resource) {
            self.watched.push(resource);
        }
        self.seq
    }

    pub fn watches(&self, resource: &str) -> bool {
        self.watched.contains(&resource)
    }

    /// The simulated time from now on.
    pub(super) fn set_time(&mut self, now: SimTime) {
        self.now = now;
    }

    pub(super) fn record(&mut self, change: ChangeType, object: Object) {
        self.seq += 1;
        if self.changes.len() == CAPACITY {
            self.changes.pop_front();
        }
        self.changes.push_back(Change {
            seq: self.seq,
            at: self.now,
            change,
            object,
        });
    }

    /// Takes over `before`'s watched resources and changes (keeping this cache's time):
    /// see [`super::ApiServer::adopt_watches`].
    pub(super) fn adopt(&mut self, before: &WatchCache) {
        self.watched.clone_from(&before.watched);
        self.changes.clone_from(&before.changes);
        self.seq = before.seq;
    }

    /// The resources recorded.
    pub(super) fn watched(&self) -> &[&'static str] {
        &self.watched
    }

    /// The changes after `seq`, oldest first; [`Closed`] when some of them are no
    /// longer kept.
    pub fn since(&self, seq: u64) -> Result<impl Iterator<Item = &Change>, Closed> {
        let first = self.changes.front().map_or(self.seq + 1, |c| c.seq);
        if first > seq + 1 {
            return Err(Closed);
        }
        let skip = usize::try_from(seq + 1 - first).unwrap_or(usize::MAX);
        Ok(self.changes.iter().skip(skip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Namespace, ObjectMeta};

    fn namespace(name: &str) -> Object {
        Object::Namespace(Box::new(Namespace {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        }))
    }

    fn names(cache: &WatchCache, seq: u64) -> Result<Vec<String>, Closed> {
        cache.since(seq).map(|changes| {
            changes
                .map(|c| c.object.metadata().name.clone().unwrap_or_default())
                .collect()
        })
    }

    #[test]
    fn a_watch_reads_what_came_after_it_until_it_falls_behind() {
        let mut cache = WatchCache::default();
        assert!(!cache.watches("namespaces"));
        let start = cache.watch("namespaces");
        assert!(cache.watches("namespaces"));
        assert_eq!(names(&cache, start), Ok(vec![]));
        cache.record(ChangeType::Added, namespace("a"));
        cache.record(ChangeType::Modified, namespace("b"));
        assert_eq!(names(&cache, start), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(names(&cache, start + 1), Ok(vec!["b".into()]));
        assert_eq!(names(&cache, start + 2), Ok(vec![]));
        for i in 0..CAPACITY {
            cache.record(ChangeType::Modified, namespace(&format!("n{i}")));
        }
        // The first two changes were dropped: a watch that had not read them is closed.
        assert_eq!(names(&cache, start), Err(Closed));
        assert_eq!(names(&cache, start + 1), Err(Closed));
        let read = names(&cache, start + 2).expect("nothing it needs was dropped");
        assert_eq!(read.len(), CAPACITY);
        assert_eq!(read.first().map(String::as_str), Some("n0"));
    }
}
