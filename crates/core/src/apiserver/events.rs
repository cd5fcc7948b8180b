//! Events: the event recorders' writes (a repeat bumps `count`) and the events about
//! one object in the order `kubectl describe` shows them.

use super::watch_cache::ChangeType;
use super::ApiServer;
use crate::clock::SimTime;
use crate::model::{Event, ObjectMeta};

/// What makes two events repeats of each other: the object's uid, the field path, the
/// reason and the message (a missing one counts as empty).
type Repeat<'a> = (&'a str, &'a str, &'a str, &'a str);

fn repeat_of(e: &Event) -> Repeat<'_> {
    (
        e.involved_object.uid.as_deref().unwrap_or_default(),
        e.involved_object.field_path.as_deref().unwrap_or_default(),
        e.reason.as_deref().unwrap_or_default(),
        e.message.as_deref().unwrap_or_default(),
    )
}

fn repeat_hash(r: Repeat<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::FxHasher::default();
    r.hash(&mut h);
    h.finish()
}

/// The stored events by a hash of what makes them repeats (the hash alone, so a lookup
/// builds no strings; colliding events share a list and are told apart by their
/// fields). Rebuilt when it no longer counts as many events as the store holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventIndex {
    by_repeat: crate::hash::FxHashMap<u64, Vec<(String, String)>>,
    len: usize,
}

impl EventIndex {
    fn insert(&mut self, hash: u64, key: (String, String)) {
        self.by_repeat.entry(hash).or_default().push(key);
        self.len += 1;
    }
}

impl ApiServer {
    /// Records an Event about an object, as the components' event recorders do.
    /// Repeats of the same reason and message bump `count` instead of adding a new one.
    pub fn record_event(&mut self, record: EventRecord<'_>, now: SimTime) {
        if self.event_index.len != self.events.len() {
            let mut index = EventIndex::default();
            for (k, e) in self.events.objects.iter() {
                index.insert(repeat_hash(repeat_of(e)), k.clone());
            }
            self.event_index = index;
        }
        let lookup = (
            record.object_uid,
            record.field_path.as_deref().unwrap_or_default(),
            record.reason,
            record.message.as_str(),
        );
        // The last recorded of the events it repeats (a map from repeats to keys would
        // keep the last one inserted).
        let events = &self.events.objects;
        let hash = repeat_hash(lookup);
        let repeated = self
            .event_index
            .by_repeat
            .get(&hash)
            .and_then(|keys| {
                keys.iter()
                    .rev()
                    .find(|k| events.get(*k).is_some_and(|e| repeat_of(e) == lookup))
            })
            .cloned();
        if let Some(key) = repeated {
            if let Some(e) = self.events.objects.get_mut(&key) {
                e.count = Some(e.count.unwrap_or(1) + 1);
                e.last_timestamp = Some(now.to_time());
                self.resource_version += 1;
                e.metadata.resource_version = Some(self.resource_version.to_string());
                self.changed(ChangeType::Modified, "events", &key.0, &key.1);
                return;
            }
        }
        let ns = if record.namespace.is_empty() {
            "default"
        } else {
            record.namespace
        };
        // Like the event recorder: the object's name and the creation time in nanoseconds.
        let nanos = (crate::clock::EPOCH_UNIX_MS as u64 + now.0) * 1_000_000
            + self.resource_version % 1_000_000;
        let name = format!("{}.{nanos:x}", record.object_name);
        let mut event = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.to_string()),
                ..Default::default()
            },
            involved_object: k8s_openapi::api::core::v1::ObjectReference {
                kind: Some(record.object_kind.into()),
                namespace: (!record.namespace.is_empty()).then(|| record.namespace.to_string()),
                name: Some(record.object_name.to_string()),
                uid: Some(record.object_uid.to_string()),
                api_version: Some(
                    crate::model::kinds::by_kind(record.object_kind)
                        .map_or("v1", |k| k.api_version)
                        .into(),
                ),
                field_path: record.field_path.clone(),
                ..Default::default()
            },
            reason: Some(record.reason.into()),
            message: Some(record.message),
            type_: Some(if record.warning { "Warning" } else { "Normal" }.into()),
            source: Some(k8s_openapi::api::core::v1::EventSource {
                component: Some(record.component.into()),
                host: record.host.map(str::to_string),
            }),
            count: Some(1),
            first_timestamp: Some(now.to_time()),
            last_timestamp: Some(now.to_time()),
            reporting_component: Some(record.component.into()),
            reporting_instance: Some(record.host.unwrap_or(record.component).into()),
            ..Default::default()
        };
        self.stamp(&mut event.metadata, now);
        let key = (ns.to_string(), name);
        // What the event repeats is what was looked up: the same hash.
        self.event_index.insert(hash, key.clone());
        let ownership = super::concerns_ownership(&event.metadata);
        self.events.objects.insert(key.clone(), event);
        self.changed_added(ownership, "events", &key.0, &key.1);
    }

    /// Events about one object, oldest first (the order `kubectl describe` shows).
    pub fn events_for(&self, uid: &str) -> Vec<&Event> {
        let mut events: Vec<&Event> = self
            .events
            .list()
            .filter(|e| e.involved_object.uid.as_deref() == Some(uid))
            .collect();
        crate::sort::sort_by_key(&mut events, |e| {
            (
                e.first_timestamp.as_ref().map(|t| t.0),
                e.metadata
                    .resource_version
                    .as_deref()
                    .and_then(|v| v.parse::<u64>().ok()),
            )
        });
        events
    }
}

/// What an event is about and what it says.
#[derive(Debug, Clone)]
pub struct EventRecord<'a> {
    pub object_kind: &'a str,
    pub namespace: &'a str,
    pub object_name: &'a str,
    pub object_uid: &'a str,
    pub reason: &'a str,
    pub message: String,
    pub warning: bool,
    pub component: &'a str,
    pub host: Option<&'a str>,
    /// The part of the object the event is about (`spec.containers{nginx}`).
    pub field_path: Option<String>,
}

impl<'a> EventRecord<'a> {
    /// A Normal event about node `name`, from `component` (on `host`, for the kubelet).
    pub fn node(
        name: &'a str,
        uid: &'a str,
        reason: &'a str,
        message: String,
        component: &'a str,
        host: Option<&'a str>,
    ) -> EventRecord<'a> {
        EventRecord {
            object_kind: "Node",
            namespace: "",
            object_name: name,
            object_uid: uid,
            reason,
            message,
            warning: false,
            component,
            host,
            field_path: None,
        }
    }
}
