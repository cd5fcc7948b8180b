//! An API server read back from a saved state (a state file, a share link): what it
//! holds is checked against its own counters before anything runs on it. A counter
//! below what the stored objects already use is raised, as a real API server's
//! counters never go back; what no API server could have stored is refused with what
//! is wrong.

use super::ApiServer;
use crate::clock::SimTime;
use crate::model::ObjectRef;

/// What a saved API server holds that no API server could have stored; `Display`
/// names the objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inconsistency {
    /// An object's resourceVersion is not a number (`object` as `pods "default/a"`).
    ResourceVersion { object: String, version: String },
    /// Two objects have one uid.
    SameUid {
        first: String,
        second: String,
        uid: String,
    },
}

impl std::fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inconsistency::ResourceVersion { object, version } => write!(
                f,
                "{object} has resourceVersion {version:?}, which is not a number"
            ),
            Inconsistency::SameUid { first, second, uid } => {
                write!(f, "{first} and {second} have the same uid {uid:?}")
            }
        }
    }
}

impl std::error::Error for Inconsistency {}

impl ApiServer {
    /// Checks a restored server: an object's resourceVersion that is not a number, or
    /// two objects with one uid, is an error naming them; a resourceVersion counter
    /// below an object's resourceVersion is raised to it (the next write gets a newer
    /// one, and event names, made from it, stay unique).
    pub(crate) fn check_restored(&mut self) -> Result<(), Inconsistency> {
        let mut uids: crate::keyed::Keyed<String, String> = crate::keyed::Keyed::new();
        let mut newest = 0;
        for resource in super::stored() {
            for object in self.objects(resource) {
                let m = object.metadata();
                let what = describe(resource, &object);
                let version = m.resource_version.as_deref().unwrap_or_default();
                match version.parse::<u64>() {
                    Ok(v) => newest = newest.max(v),
                    Err(_) => {
                        return Err(Inconsistency::ResourceVersion {
                            object: what,
                            version: version.to_string(),
                        })
                    }
                }
                if let Some(uid) = m.uid.as_deref().filter(|u| !u.is_empty()) {
                    if let Some(first) = uids.get(uid) {
                        return Err(Inconsistency::SameUid {
                            first: first.clone(),
                            second: what,
                            uid: uid.to_string(),
                        });
                    }
                    uids.insert(uid.to_string(), what);
                }
            }
        }
        self.resource_version = self.resource_version.max(newest);
        Ok(())
    }

    /// The latest time a stored object records having happened: creation, an
    /// event's last occurrence, a lease's renewal, a pod's start, conditions and
    /// container states. A saved clock before it is behind what the objects saw.
    pub(crate) fn latest_timestamp(&self) -> SimTime {
        let mut latest = SimTime(0);
        let mut seen = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            if let Some(t) = t {
                latest = latest.max(SimTime::from_time(t));
            }
        };
        for resource in super::stored() {
            for object in self.objects(resource) {
                seen(object.metadata().creation_timestamp.as_ref());
            }
        }
        for e in self.events.list() {
            seen(e.first_timestamp.as_ref());
            seen(e.last_timestamp.as_ref());
        }
        for pod in self.pods.list() {
            let Some(status) = &pod.status else { continue };
            seen(status.start_time.as_ref());
            for c in status.conditions.iter().flatten() {
                seen(c.last_transition_time.as_ref());
            }
            let containers = [&status.init_container_statuses, &status.container_statuses];
            for c in containers.into_iter().flatten().flatten() {
                for state in [&c.state, &c.last_state].into_iter().flatten() {
                    if let Some(r) = &state.running {
                        seen(r.started_at.as_ref());
                    }
                    if let Some(t) = &state.terminated {
                        seen(t.started_at.as_ref());
                        seen(t.finished_at.as_ref());
                    }
                }
            }
        }
        let mut latest_micro = latest;
        for lease in self.leases.list() {
            let renewed = lease.spec.as_ref().and_then(|s| s.renew_time.as_ref());
            if let Some(t) = renewed {
                let ms = t.0.as_millisecond() - crate::clock::EPOCH_UNIX_MS;
                latest_micro = latest_micro.max(SimTime(ms.max(0) as u64));
            }
        }
        latest_micro
    }
}

/// `pods "default/web"`, as messages name an object.
fn describe(resource: &str, object: &ObjectRef<'_>) -> String {
    let m = object.metadata();
    let name = m.name.as_deref().unwrap_or_default();
    match m.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        Some(ns) => format!("{resource} \"{ns}/{name}\""),
        None => format!("{resource} \"{name}\""),
    }
}
