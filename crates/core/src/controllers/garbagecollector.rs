//! The garbage collector (kube-controller-manager's garbage-collector-controller,
//! pkg/controller/garbagecollector), over every served kind's ownerReferences:
//! - a dependent whose owners are all gone (no object of that kind, name and uid) is
//!   deleted (in the background; a pod gracefully), and one with some owners gone
//!   loses the references to them;
//! - an owner deleted in the foreground (the `foregroundDeletion` finalizer) has its
//!   dependents deleted (those with dependents of their own in the foreground too),
//!   and loses the finalizer, and so goes, once no dependent with
//!   `blockOwnerDeletion` is left;
//! - an owner deleted with `orphan` has the references to it removed from its
//!   dependents, then loses the finalizer.
//!
//! kube's collector keeps a graph fed by informers; here each sync reads the store.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, FOREGROUND_FINALIZER, ORPHAN_FINALIZER};
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::kinds;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

#[derive(Debug, Clone, Copy, Default)]
pub struct GarbageCollector {
    /// The API server's count of ownership writes after the last sync: its decisions
    /// depend only on objects with owners, finalizers or a deletionTimestamp and on
    /// deletions, so while none of those was written there is nothing to look at.
    seen: Option<u64>,
}

/// What the collector knows of an object that may own others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnerState {
    Live,
    /// Being deleted in the foreground: its dependents go first.
    Foreground,
    /// Being deleted with its dependents orphaned.
    Orphaning,
}

/// An object with ownerReferences.
struct Dependent {
    resource: &'static str,
    namespace: String,
    name: String,
    uid: String,
    refs: Vec<OwnerReference>,
    deleting: bool,
}

impl Controller for GarbageCollector {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        if self.seen == Some(ctx.api.ownership_changes()) {
            return Progress::Idle;
        }
        let progress = collect(ctx.api, ctx.now);
        // Its own writes can finish what it decided (the references to an orphaning
        // owner gone, the owner's finalizer can go; its deletions may leave a CronJob's
        // Jobs' pods ownerless): after a pass that changed something it looks again.
        self.seen = (progress == Progress::Idle).then(|| ctx.api.ownership_changes());
        progress
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

fn collect(api: &mut ApiServer, now: SimTime) -> Progress {
    let mut dependents: Vec<Dependent> = Vec::new();
    let mut finalizing: Vec<(&'static str, String, String, String, OwnerState)> = Vec::new();
    for info in kinds::ALL {
        for o in api.list(info.plural, None) {
            let m = o.metadata();
            let state = owner_state(m);
            let refs = m.owner_references.as_ref().filter(|r| !r.is_empty());
            if state == OwnerState::Live && refs.is_none() {
                continue;
            }
            let namespace = m.namespace.clone().unwrap_or_default();
            let name = m.name.clone().unwrap_or_default();
            let uid = m.uid.clone().unwrap_or_default();
            if state != OwnerState::Live {
                finalizing.push((
                    info.plural,
                    namespace.clone(),
                    name.clone(),
                    uid.clone(),
                    state,
                ));
            }
            if let Some(refs) = refs {
                dependents.push(Dependent {
                    resource: info.plural,
                    namespace,
                    name,
                    uid,
                    refs: refs.clone(),
                    deleting: m.deletion_timestamp.is_some(),
                });
            }
        }
    }
    if dependents.is_empty() && finalizing.is_empty() {
        return Progress::Idle;
    }
    // The states of the owners referred to, looked up once each.
    let mut owners: Keyed<String, OwnerState> = Keyed::new();
    for d in &dependents {
        for r in &d.refs {
            if owners.get(&r.uid).is_some() {
                continue;
            }
            let found = kinds::ALL
                .iter()
                .find(|k| k.kind == r.kind && k.api_version == r.api_version)
                .and_then(|k| {
                    let ns = if k.namespaced {
                        d.namespace.as_str()
                    } else {
                        ""
                    };
                    api.object(k.plural, ns, &r.name)
                })
                .filter(|o| o.metadata().uid.as_deref() == Some(r.uid.as_str()));
            if let Some(o) = found {
                owners.insert(r.uid.clone(), owner_state(o.metadata()));
            }
        }
    }
    let mut progress = Progress::Idle;
    for d in &dependents {
        // An owner of a kind not served here cannot be looked up: it counts as there.
        let state = |r: &OwnerReference| -> Option<OwnerState> {
            let served = kinds::ALL
                .iter()
                .any(|k| k.kind == r.kind && k.api_version == r.api_version);
            if !served {
                return Some(OwnerState::Live);
            }
            owners.get(&r.uid).copied()
        };
        let live = d
            .refs
            .iter()
            .filter(|r| state(r) == Some(OwnerState::Live))
            .count();
        let foreground = d
            .refs
            .iter()
            .any(|r| state(r) == Some(OwnerState::Foreground));
        let kept: Vec<OwnerReference> = d
            .refs
            .iter()
            .filter(|r| matches!(state(r), Some(OwnerState::Live | OwnerState::Foreground)))
            .cloned()
            .collect();
        if live == 0 && (kept.is_empty() || foreground) && !orphaned_only(d, &state) {
            if d.deleting {
                continue;
            }
            progress |= delete_dependent(api, d, foreground, &dependents, now);
        } else if kept.len() != d.refs.len() {
            // Dangling references and references to orphaning owners go.
            if api
                .set_owner_references(d.resource, &d.namespace, &d.name, kept)
                .is_ok()
            {
                progress = Progress::Changed;
            }
        }
    }
    for (resource, namespace, name, uid, state) in finalizing {
        let finalizer = match state {
            OwnerState::Orphaning => {
                let still = dependents
                    .iter()
                    .any(|d| d.refs.iter().any(|r| r.uid == uid));
                if still {
                    continue;
                }
                ORPHAN_FINALIZER
            }
            OwnerState::Foreground => {
                if blocking(api, &uid) {
                    continue;
                }
                FOREGROUND_FINALIZER
            }
            OwnerState::Live => continue,
        };
        if api
            .remove_finalizer(resource, &namespace, &name, finalizer)
            .is_ok()
        {
            progress = Progress::Changed;
        }
    }
    progress
}

/// Whether an object is being deleted with a finalizer the collector works through.
fn owner_state(m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> OwnerState {
    let finalizers = m.finalizers.as_deref().unwrap_or_default();
    let has = |f: &str| finalizers.iter().any(|x| x == f);
    match m.deletion_timestamp {
        Some(_) if has(FOREGROUND_FINALIZER) => OwnerState::Foreground,
        Some(_) if has(ORPHAN_FINALIZER) => OwnerState::Orphaning,
        _ => OwnerState::Live,
    }
}

/// Every owner of the dependent is orphaning it: it stays, without them.
fn orphaned_only(d: &Dependent, state: &dyn Fn(&OwnerReference) -> Option<OwnerState>) -> bool {
    d.refs
        .iter()
        .all(|r| state(r) == Some(OwnerState::Orphaning))
}

/// A dependent with `blockOwnerDeletion` still stands in the way of the owner `uid`.
fn blocking(api: &ApiServer, uid: &str) -> bool {
    kinds::ALL.iter().any(|info| {
        api.list(info.plural, None).iter().any(|o| {
            o.metadata()
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.uid == uid && r.block_owner_deletion == Some(true))
        })
    })
}

fn delete_dependent(
    api: &mut ApiServer,
    d: &Dependent,
    foreground: bool,
    all: &[Dependent],
    now: SimTime,
) -> Progress {
    let result = if d.resource == "pods" {
        api.delete_pod_gracefully(&d.namespace, &d.name, None, now)
            .map(drop)
    } else {
        // Foreground goes on down when the dependent has dependents of its own.
        let has_dependents = all.iter().any(|o| o.refs.iter().any(|r| r.uid == d.uid));
        let policy = if foreground && has_dependents {
            crate::apiserver::Propagation::Foreground
        } else {
            crate::apiserver::Propagation::Background
        };
        api.delete_propagating(d.resource, &d.namespace, &d.name, policy, now)
    };
    Progress::changed_if(result.is_ok())
}
