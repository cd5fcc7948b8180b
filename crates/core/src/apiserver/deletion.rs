//! DELETE with a propagation policy (metav1.DeletionPropagation), as the API server
//! handles it for kinds that have nothing of their own to finish: `Background` removes
//! the object (the garbage collector then deletes its dependents); `Foreground` and
//! `Orphan` mark it (deletionTimestamp, deletionGracePeriodSeconds 0) and add the
//! finalizer the garbage collector works through (`foregroundDeletion`: dependents
//! first; `orphan`: dependents released) before the object goes.

use super::watch_cache::ChangeType;
use super::{ApiError, ApiServer};
use crate::clock::SimTime;
use crate::model::ObjectMeta;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

/// The finalizer of a foreground deletion (metav1.FinalizerDeleteDependents).
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";
/// The finalizer of an orphaning deletion (metav1.FinalizerOrphanDependents).
pub const ORPHAN_FINALIZER: &str = "orphan";

/// What happens to an object's dependents when it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    /// kubectl's `--cascade` values.
    pub fn from_cascade(value: &str) -> Option<Propagation> {
        match value {
            "background" | "true" => Some(Propagation::Background),
            "foreground" => Some(Propagation::Foreground),
            "orphan" | "false" => Some(Propagation::Orphan),
            _ => None,
        }
    }
}

impl ApiServer {
    /// A DELETE of `resource`'s object with a propagation policy.
    pub fn delete_propagating(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        policy: Propagation,
        now: SimTime,
    ) -> Result<(), ApiError> {
        let finalizer = match policy {
            Propagation::Background => {
                // An object with finalizers is only marked: it goes with its last
                // finalizer (a claim's `kubernetes.io/pvc-protection`, ...).
                let finalized = self.object(resource, namespace, name).is_some_and(|o| {
                    o.metadata()
                        .finalizers
                        .as_ref()
                        .is_some_and(|f| !f.is_empty())
                });
                if !finalized {
                    return self.remove_object(resource, namespace, name).map(drop);
                }
                None
            }
            Propagation::Foreground => Some(FOREGROUND_FINALIZER),
            Propagation::Orphan => Some(ORPHAN_FINALIZER),
        };
        self.write_metadata(resource, namespace, name, |meta| {
            let finalizers = meta.finalizers.get_or_insert_with(Vec::new);
            if let Some(finalizer) = finalizer {
                if !finalizers.iter().any(|f| f == finalizer) {
                    finalizers.push(finalizer.to_string());
                }
            }
            if meta.deletion_timestamp.is_none() {
                meta.deletion_timestamp = Some(now.to_time());
                meta.deletion_grace_period_seconds = Some(0);
            }
            Written::Modified
        })
    }

    /// Removes a finalizer (the garbage collector's); an object being deleted goes
    /// when its last finalizer does.
    pub(crate) fn remove_finalizer(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        finalizer: &str,
    ) -> Result<(), ApiError> {
        let written = self.write_metadata(resource, namespace, name, |meta| {
            if let Some(list) = meta.finalizers.as_mut() {
                list.retain(|f| f != finalizer);
            }
            if meta.finalizers.as_ref().is_some_and(Vec::is_empty) {
                meta.finalizers = None;
            }
            if meta.finalizers.is_none() && meta.deletion_timestamp.is_some() {
                Written::Finalized
            } else {
                Written::Modified
            }
        });
        gone_is_done(written)
    }

    /// Replaces an object's ownerReferences (the garbage collector's and the
    /// controllers' patches).
    pub(crate) fn set_owner_references(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        refs: Vec<OwnerReference>,
    ) -> Result<(), ApiError> {
        let written = self.write_metadata(resource, namespace, name, |meta| {
            meta.owner_references = (!refs.is_empty()).then_some(refs);
            Written::Modified
        });
        gone_is_done(written)
    }

    /// Edits `resource`'s object's metadata as a PATCH does: a new resourceVersion and
    /// a Modified event, or, when the edit finalized an object being deleted, its
    /// removal.
    fn write_metadata(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        edit: impl FnOnce(&mut ObjectMeta) -> Written,
    ) -> Result<(), ApiError> {
        let info = crate::model::kinds::by_resource(resource).ok_or(ApiError::NotFound {
            resource: "resources",
            name: name.to_string(),
        })?;
        let version = self.resource_version + 1;
        let meta = self
            .metadata_mut(info.kind, namespace, name)
            .ok_or_else(|| ApiError::NotFound {
                resource: info.plural,
                name: name.to_string(),
            })?;
        if edit(meta) == Written::Finalized {
            return self.remove_object(info.plural, namespace, name).map(drop);
        }
        meta.resource_version = Some(version.to_string());
        self.resource_version = version;
        self.ownership_changes += 1;
        self.changed(ChangeType::Modified, info.plural, namespace, name);
        Ok(())
    }
}

/// What a metadata edit leaves of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Modified,
    /// Its last finalizer went while it was being deleted: it goes.
    Finalized,
}

/// The garbage collector's writes find their object gone when something else deleted
/// it first: nothing is left to do.
fn gone_is_done(written: Result<(), ApiError>) -> Result<(), ApiError> {
    match written {
        Err(ApiError::NotFound { .. }) => Ok(()),
        other => other,
    }
}
