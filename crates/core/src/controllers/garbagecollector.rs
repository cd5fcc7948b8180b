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
use crate::model::kinds;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

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

/// An object with ownerReferences, read where the store keeps it.
struct Dependent<'a> {
    resource: &'static str,
    meta: &'a ObjectMeta,
    refs: &'a [OwnerReference],
}

/// A write the collector decided on while it read the store.
enum Action {
    /// Delete a dependent whose owners are gone (or deleting it in the foreground).
    Delete {
        resource: &'static str,
        namespace: String,
        name: String,
        /// Propagate in the foreground: an owner is deleted in the foreground and
        /// the dependent has dependents of its own.
        foreground: bool,
    },
    /// Keep only these references (dangling ones and orphaning owners' go).
    SetOwnerReferences {
        resource: &'static str,
        namespace: String,
        name: String,
        kept: Vec<OwnerReference>,
    },
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
    let (actions, finalizing) = decide(api);
    let mut progress = Progress::Idle;
    for action in actions {
        progress |= match action {
            Action::Delete {
                resource,
                namespace,
                name,
                foreground,
            } => delete_dependent(api, resource, &namespace, &name, foreground, now),
            Action::SetOwnerReferences {
                resource,
                namespace,
                name,
                kept,
            } => Progress::changed_if(
                api.set_owner_references(resource, &namespace, &name, kept)
                    .is_ok(),
            ),
        };
    }
    for (resource, namespace, name, finalizer, uid) in finalizing {
        // Foreground: once no dependent with blockOwnerDeletion is left, after this
        // pass's own deletions.
        if finalizer == FOREGROUND_FINALIZER && blocking(api, &uid) {
            continue;
        }
        if api
            .remove_finalizer(resource, &namespace, &name, finalizer)
            .is_ok()
        {
            progress = Progress::Changed;
        }
    }
    progress
}

/// The finalizers that may go: (resource, namespace, name, finalizer, the owner's uid).
type Finalizing = Vec<(&'static str, String, String, &'static str, String)>;

/// What a pass writes, decided from the store as it is at the pass's start: only the
/// objects it writes are copied.
fn decide(api: &ApiServer) -> (Vec<Action>, Finalizing) {
    let mut dependents: Vec<Dependent<'_>> = Vec::new();
    let mut deleting_owners: Vec<(&'static str, &ObjectMeta, OwnerState)> = Vec::new();
    for info in kinds::ALL {
        for o in api.list(info.plural, None) {
            let m = o.metadata();
            let state = owner_state(m);
            if state != OwnerState::Live {
                deleting_owners.push((info.plural, m, state));
            }
            if let Some(refs) = m.owner_references.as_deref().filter(|r| !r.is_empty()) {
                dependents.push(Dependent {
                    resource: info.plural,
                    meta: m,
                    refs,
                });
            }
        }
    }
    if dependents.is_empty() && deleting_owners.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // The uids some dependent refers to (sorted, each once), and the states of those
    // owners, looked up once each (one not found is looked up again for the next
    // reference to it, as another kind or name may find it).
    let mut referred: Vec<&str> = dependents
        .iter()
        .flat_map(|d| d.refs.iter().map(|r| r.uid.as_str()))
        .collect();
    crate::sort::sort(&mut referred);
    referred.dedup();
    let position = |uid: &str| referred.binary_search(&uid).ok();
    let mut owners: Vec<Option<OwnerState>> = vec![None; referred.len()];
    for d in &dependents {
        for r in d.refs {
            let Some(i) = position(&r.uid) else { continue };
            if owners[i].is_some() {
                continue;
            }
            let found = kinds::ALL
                .iter()
                .find(|k| k.kind == r.kind && k.api_version == r.api_version)
                .and_then(|k| {
                    let ns = if k.namespaced {
                        d.meta.namespace.as_deref().unwrap_or_default()
                    } else {
                        ""
                    };
                    api.object(k.plural, ns, &r.name)
                })
                .filter(|o| o.metadata().uid.as_deref() == Some(r.uid.as_str()));
            owners[i] = found.map(|o| owner_state(o.metadata()));
        }
    }
    // An owner of a kind not served here cannot be looked up: it counts as there.
    let state = |r: &OwnerReference| -> Option<OwnerState> {
        let served = kinds::ALL
            .iter()
            .any(|k| k.kind == r.kind && k.api_version == r.api_version);
        if !served {
            return Some(OwnerState::Live);
        }
        position(&r.uid).and_then(|i| owners[i])
    };
    let mut actions = Vec::new();
    for d in &dependents {
        let live = d
            .refs
            .iter()
            .filter(|r| state(r) == Some(OwnerState::Live))
            .count();
        if live == d.refs.len() {
            // The common case: every owner is there and staying.
            continue;
        }
        // A reference that stays: to an owner that is there or deleting in the foreground.
        let stays = |r: &&OwnerReference| {
            matches!(state(r), Some(OwnerState::Live | OwnerState::Foreground))
        };
        let kept = d.refs.iter().filter(stays).count();
        let foreground = d
            .refs
            .iter()
            .any(|r| state(r) == Some(OwnerState::Foreground));
        let (namespace, name) = (
            d.meta.namespace.clone().unwrap_or_default(),
            d.meta.name.clone().unwrap_or_default(),
        );
        if live == 0 && (kept == 0 || foreground) && !orphaned_only(d, &state) {
            if d.meta.deletion_timestamp.is_some() {
                continue;
            }
            // Foreground goes on down when the dependent has dependents of its own.
            let has_dependents = d
                .meta
                .uid
                .as_deref()
                .is_some_and(|uid| position(uid).is_some());
            actions.push(Action::Delete {
                resource: d.resource,
                namespace,
                name,
                foreground: foreground && has_dependents,
            });
        } else if kept != d.refs.len() {
            actions.push(Action::SetOwnerReferences {
                resource: d.resource,
                namespace,
                name,
                kept: d.refs.iter().filter(stays).cloned().collect(),
            });
        }
    }
    let mut finalizing = Vec::new();
    for (resource, m, owner) in deleting_owners {
        let uid = m.uid.as_deref().unwrap_or_default();
        let finalizer = match owner {
            // Orphaning: once no dependent refers to it any more.
            OwnerState::Orphaning if position(uid).is_some() => continue,
            OwnerState::Orphaning => ORPHAN_FINALIZER,
            OwnerState::Foreground => FOREGROUND_FINALIZER,
            OwnerState::Live => continue,
        };
        finalizing.push((
            resource,
            m.namespace.clone().unwrap_or_default(),
            m.name.clone().unwrap_or_default(),
            finalizer,
            uid.to_string(),
        ));
    }
    (actions, finalizing)
}

/// Whether an object is being deleted with a finalizer the collector works through.
fn owner_state(m: &ObjectMeta) -> OwnerState {
    let finalizers = m.finalizers.as_deref().unwrap_or_default();
    let has = |f: &str| finalizers.iter().any(|x| x == f);
    match m.deletion_timestamp {
        Some(_) if has(FOREGROUND_FINALIZER) => OwnerState::Foreground,
        Some(_) if has(ORPHAN_FINALIZER) => OwnerState::Orphaning,
        _ => OwnerState::Live,
    }
}

/// Every owner of the dependent is orphaning it: it stays, without them.
fn orphaned_only(d: &Dependent<'_>, state: &dyn Fn(&OwnerReference) -> Option<OwnerState>) -> bool {
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
    resource: &'static str,
    namespace: &str,
    name: &str,
    foreground: bool,
    now: SimTime,
) -> Progress {
    let result = if resource == "pods" {
        api.delete_pod_gracefully(namespace, name, None, now)
            .map(drop)
    } else {
        let policy = if foreground {
            crate::apiserver::Propagation::Foreground
        } else {
            crate::apiserver::Propagation::Background
        };
        api.delete_propagating(resource, namespace, name, policy, now)
    };
    Progress::changed_if(result.is_ok())
}
