//! The API server: the object store, admission defaults and validation.
//!
//! Every object gets a uid, a resourceVersion from one cluster-wide counter and a
//! creationTimestamp from the simulated clock. Changes are recorded as watch events the
//! controllers and the UI follow.

/// Every resource the server stores, each with its own store: what a whole-server pass
/// (a restored snapshot's check) goes through.
pub(crate) fn stored() -> impl Iterator<Item = &'static str> {
    crate::model::kinds::ALL.iter().map(|k| k.plural)
}

mod apps;
mod batch;
pub(crate) mod config;
mod daemonsets;
pub(crate) mod defaults;
mod deletion;
mod endpointslices;
mod job_policies;
pub(crate) use batch::initial_job_status;
pub use deletion::{Propagation, FOREGROUND_FINALIZER, ORPHAN_FINALIZER};
mod error;
mod events;
mod policy;
mod restore;
pub(crate) mod scheduling;
mod served;
pub(crate) mod service_accounts;
mod statefulsets;
mod store;
pub use store::Store;
use store::{display_key, key_of, StoreKey};
pub(crate) mod storage;
mod storage_update;
pub use restore::Inconsistency;
mod probe_validation;
pub(crate) mod services;
pub(crate) mod update;
pub(crate) mod validation;
pub mod watch_cache;

use crate::clock::{Rng, SimTime};
use crate::model::{
    meta, Endpoints, Event, Lease, Namespace, Node, Object, ObjectMeta, ObjectRef, Pod, Service,
};
use k8s_openapi::Metadata;
use watch_cache::ChangeType;

pub(crate) use daemonsets::template_generation;
pub use error::{ApiError, FieldError, FieldErrorKind};
pub use events::EventRecord;

/// The resources whose changes [`ApiServer::drain_watch`] reports: what the scheduler's
/// informers follow (nodes, pods, and the volume plugins' claims, volumes and classes).
/// Events, the most frequent writes, are not among them.
const INFORMED: [&str; 5] = [
    "nodes",
    "pods",
    "persistentvolumeclaims",
    "persistentvolumes",
    "storageclasses",
];

/// What changed, for anyone following the store ([`INFORMED`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    Added { resource: &'static str, key: String },
    Modified { resource: &'static str, key: String },
    Deleted { resource: &'static str, key: String },
}

/// Which of an object's metadata maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaMap {
    Labels,
    Annotations,
}

/// What a pod DELETE did.
#[derive(Debug, Clone, PartialEq)]
pub enum PodDeletion {
    /// Gone from the store.
    Removed(Pod),
    /// Marked for deletion; its kubelet finishes it.
    Terminating(Pod),
}

/// Where a new object's uid comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uids {
    /// The server's random stream (what users' objects get).
    Random,
    /// A stream of its own seeded with the object's resourceVersion (unique too).
    FromVersion,
    /// The one the object already has (drawn by [`ApiServer::new_uid`] before the
    /// kind's admission needed it: a Job's generated selector).
    Preset,
}

macro_rules! api_server {
    ($({ $variant:ident, $ty:ty, $store:ident, $info:ident, $($fields:tt)* })*) => {
        /// The API server of one simulated cluster: a [`Store`] per served kind (the
        /// kinds table's store field; absent from states saved before the kind was
        /// served, so each defaults to empty).
        #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
        pub struct ApiServer {
            $(
                #[serde(default, skip_serializing_if = "Store::is_empty")]
                pub $store: Store<$ty>,
            )*
            resource_version: u64,
            rng: Rng,
            #[serde(skip)]
            watch: Vec<WatchEvent>,
            /// Recent changes with their objects, for `kubectl get --watch`.
            #[serde(skip)]
            watch_cache: watch_cache::WatchCache,
            /// Events by (object uid, field path, reason, message), to count repeats;
            /// rebuilt when stale.
            #[serde(skip)]
            event_index: events::EventIndex,
            /// Pods created since this API server started (not saved): a controller
            /// that only cares about new pods compares it with what it saw last.
            #[serde(skip)]
            pods_created: u64,
            /// Writes to pods, and nodes created or deleted, since this API server
            /// started (not saved): the kubelet looks for gone and newly bound pods only
            /// when one of them moved.
            #[serde(skip)]
            writes: (u64, u64),
            /// Pods deleted since this API server started (not saved): the kubelet looks
            /// for gone pods only when this moved.
            #[serde(skip)]
            pod_deletions: u64,
            /// The writes the garbage collector must look at since this API server
            /// started (not saved): deletions, and writes of objects with owners,
            /// finalizers or a deletionTimestamp.
            #[serde(skip)]
            ownership_changes: u64,
        }

        impl ApiServer {
            /// A server with no objects.
            fn empty(seed: u64) -> ApiServer {
                ApiServer {
                    $($store: Store::default(),)*
                    resource_version: 0,
                    rng: Rng::new(seed),
                    watch: Vec::new(),
                    watch_cache: Default::default(),
                    event_index: Default::default(),
                    pods_created: 0,
                    writes: (0, 0),
                    pod_deletions: 0,
                    ownership_changes: 0,
                }
            }

            /// The stored objects of a resource (`pods`), borrowed, in key order: in
            /// one namespace, or all of them.
            pub fn list(&self, resource: &str, namespace: Option<&str>) -> Vec<ObjectRef<'_>> {
                $(
                    if resource == crate::model::kinds::$info.plural {
                        return collect(&self.$store, namespace, ObjectRef::$variant);
                    }
                )*
                Vec::new()
            }

            /// A stored object by resource name (`pods`, `nodes`, ...), borrowed.
            pub fn object(&self, resource: &str, namespace: &str, name: &str) -> Option<ObjectRef<'_>> {
                $(
                    if resource == crate::model::kinds::$info.plural {
                        return self.$store.get(namespace, name).map(ObjectRef::$variant);
                    }
                )*
                None
            }

            /// A DELETE that removes the object at once (no grace period, no
            /// finalizers), by resource (`deployments`).
            pub fn remove_object(&mut self, resource: &str, namespace: &str, name: &str) -> Result<Object, ApiError> {
                $(
                    if resource == crate::model::kinds::$info.plural {
                        return self
                            .remove(|a| &mut a.$store, crate::model::kinds::$info.plural, namespace, name)
                            .map(|o| Object::$variant(Box::new(o)));
                    }
                )*
                Err(ApiError::NotFound {
                    resource: "resources",
                    name: name.to_string(),
                })
            }

            /// A stored object's metadata by kind (`Pod`), to change in place.
            fn metadata_mut(&mut self, kind: &str, namespace: &str, name: &str) -> Option<&mut ObjectMeta> {
                $(
                    if kind == stringify!($variant) {
                        return self.$store.get_mut(namespace, name).map(|o| &mut o.metadata);
                    }
                )*
                None
            }
        }
    };
}
crate::model::kinds::with_kinds!(api_server);

/// Whether a new object with this metadata can give the garbage collector work: it
/// has owners, or finalizers, or is being deleted.
fn concerns_ownership(meta: &ObjectMeta) -> bool {
    meta.owner_references
        .as_ref()
        .is_some_and(|r| !r.is_empty())
        || meta.finalizers.as_ref().is_some_and(|f| !f.is_empty())
        || meta.deletion_timestamp.is_some()
}

/// A store's objects, in one namespace or all, as [`ObjectRef`]s.
fn collect<'a, T: Metadata<Ty = ObjectMeta>>(
    store: &'a Store<T>,
    namespace: Option<&str>,
    wrap: fn(&'a T) -> ObjectRef<'a>,
) -> Vec<ObjectRef<'a>> {
    match namespace {
        Some(ns) => store
            .objects
            .iter()
            .filter(|((n, _), _)| n == ns)
            .map(|(_, o)| wrap(o))
            .collect(),
        None => store.list().map(wrap).collect(),
    }
}

impl ApiServer {
    /// Every stored object of a resource, borrowed, in key order.
    fn objects(&self, resource: &str) -> Vec<ObjectRef<'_>> {
        self.list(resource, None)
    }
}

impl ApiServer {
    /// An empty server with the namespaces every cluster starts with.
    pub fn new(seed: u64, now: SimTime) -> ApiServer {
        let mut api = ApiServer::empty(seed);
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let namespace = Namespace {
                metadata: ObjectMeta {
                    name: Some(ns.into()),
                    ..Default::default()
                },
                ..Default::default()
            };
            // Fixed, valid names: this cannot fail.
            let _ = api.create_namespace(namespace, now);
        }
        api.create_system_priority_classes(now);
        api
    }

    /// Watch events of the [`INFORMED`] resources since the last call.
    pub fn drain_watch(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.watch)
    }

    /// The watch cache (`kubectl get --watch` reads the changes it keeps).
    pub fn watch_cache(&self) -> &watch_cache::WatchCache {
        &self.watch_cache
    }

    /// The simulated time: the watch cache stamps changes with it.
    pub fn set_time(&mut self, now: SimTime) {
        self.watch_cache.set_time(now);
    }

    /// Starts a watch of `resource`: the cache keeps its changes from now on; the
    /// watch reads those after the returned sequence number.
    pub fn watch(&mut self, resource: &'static str) -> u64 {
        self.watch_cache.watch(resource)
    }

    /// Carries `before`'s watch cache over to this server, a later state of the same
    /// cluster read back from its saved form (which keeps no watch cache; another
    /// program changed it meanwhile): the watched resources stay watched, and what
    /// differs between the two is recorded as a watch would have seen it happen, in
    /// key order: an object added, modified (a new resourceVersion), deleted, or
    /// replaced by one of the same name (deleted, then added).
    pub fn adopt_watches(&mut self, before: &ApiServer) {
        self.watch_cache.adopt(&before.watch_cache);
        let watched = self.watch_cache.watched().to_vec();
        for resource in watched {
            let mut changes = Vec::new();
            for old in before.objects(resource) {
                let m = old.metadata();
                let (ns, name) = (
                    m.namespace.as_deref().unwrap_or(""),
                    m.name.as_deref().unwrap_or(""),
                );
                match self.object(resource, ns, name) {
                    Some(now) if now.metadata().uid == m.uid => {}
                    _ => changes.push((ChangeType::Deleted, old.to_owned())),
                }
            }
            for now in self.objects(resource) {
                let m = now.metadata();
                let (ns, name) = (
                    m.namespace.as_deref().unwrap_or(""),
                    m.name.as_deref().unwrap_or(""),
                );
                let change = match before.object(resource, ns, name) {
                    Some(old) if old.metadata().uid == m.uid => {
                        if old.metadata().resource_version == m.resource_version {
                            continue;
                        }
                        ChangeType::Modified
                    }
                    _ => ChangeType::Added,
                };
                changes.push((change, now.to_owned()));
            }
            for (change, object) in changes {
                self.watch_cache.record(change, object);
            }
        }
    }

    /// Tells the watchers: the event the controllers follow, and for a watched
    /// resource the object as it is now in the watch cache (call it before removing
    /// a deleted object).
    fn changed(&mut self, change: ChangeType, resource: &'static str, namespace: &str, name: &str) {
        match (resource, change) {
            ("pods", ChangeType::Deleted) => {
                self.writes.0 += 1;
                self.pod_deletions += 1;
            }
            ("pods", _) => self.writes.0 += 1,
            // A node's status posts and leases do not count: the kubelet looks for
            // nodes that came or went.
            ("nodes", ChangeType::Added | ChangeType::Deleted) => self.writes.1 += 1,
            _ => {}
        }
        // An Added object counts in `changed_added`; a Modified write where it happens
        // (`replace`, `write_metadata`), when it changed what the garbage collector reads.
        if change == ChangeType::Deleted {
            self.ownership_changes += 1;
        }
        if self.watch_cache.watches(resource) {
            if let Some(object) = self.object(resource, namespace, name) {
                let object = object.to_owned();
                self.watch_cache.record(change, object);
            }
        }
        if !INFORMED.contains(&resource) {
            return;
        }
        let key = display_key(namespace, name);
        self.watch.push(match change {
            ChangeType::Added => WatchEvent::Added { resource, key },
            ChangeType::Modified => WatchEvent::Modified { resource, key },
            ChangeType::Deleted => WatchEvent::Deleted { resource, key },
        });
    }

    /// [`ApiServer::changed`] for a new object: `ownership` says whether the garbage
    /// collector must look at it ([`concerns_ownership`] of its metadata, which the
    /// caller has in hand).
    fn changed_added(
        &mut self,
        ownership: bool,
        resource: &'static str,
        namespace: &str,
        name: &str,
    ) {
        if ownership {
            self.ownership_changes += 1;
        }
        self.changed(ChangeType::Added, resource, namespace, name);
    }

    fn stamp(&mut self, meta: &mut ObjectMeta, now: SimTime) {
        self.stamp_with(meta, now, Uids::Random);
    }

    fn stamp_with(&mut self, meta: &mut ObjectMeta, now: SimTime, uids: Uids) {
        self.resource_version += 1;
        meta.uid = Some(match uids {
            Uids::Random => meta::uid_from_bits(self.rng.next_u64(), self.rng.next_u64()),
            Uids::Preset => meta.uid.clone().unwrap_or_default(),
            Uids::FromVersion => {
                let mut own = Rng::new(self.resource_version ^ 0x6e6f_6465_6c65_6173);
                meta::uid_from_bits(own.next_u64(), own.next_u64())
            }
        });
        meta.resource_version = Some(self.resource_version.to_string());
        meta.creation_timestamp = Some(now.to_time());
    }

    /// A uid from the server's random stream, as a create would give.
    fn new_uid(&mut self) -> String {
        meta::uid_from_bits(self.rng.next_u64(), self.rng.next_u64())
    }

    fn bump(&mut self, meta: &mut ObjectMeta) {
        self.resource_version += 1;
        meta.resource_version = Some(self.resource_version.to_string());
    }

    /// The NamespaceLifecycle admission plugin: new content only in a namespace that
    /// exists and is not being deleted.
    fn require_namespace(
        &self,
        ns: &str,
        resource: &'static str,
        name: &str,
    ) -> Result<(), ApiError> {
        match self.namespaces.get("", ns) {
            None => Err(ApiError::NotFound {
                resource: "namespaces",
                name: ns.to_string(),
            }),
            Some(n) if n.metadata.deletion_timestamp.is_some() => Err(ApiError::Forbidden {
                resource,
                name: name.to_string(),
                reason: format!(
                    "unable to create new content in namespace {ns} because it is being terminated"
                ),
            }),
            Some(_) => Ok(()),
        }
    }

    /// `generateName` handling and the name check every create shares.
    fn name_for(&mut self, kind: &'static str, meta: &mut ObjectMeta) -> Result<(), ApiError> {
        if meta.name.as_deref().unwrap_or_default().is_empty() {
            if let Some(prefix) = meta.generate_name.clone().filter(|p| !p.is_empty()) {
                meta.name = Some(format!("{prefix}{}", self.rng.name_suffix(5)));
            } else {
                return Err(ApiError::Invalid {
                    kind,
                    name: String::new(),
                    causes: vec![FieldError::required(
                        "metadata.name",
                        "name or generateName is required",
                    )],
                });
            }
        }
        Ok(())
    }

    /// Stores a new object: AlreadyExists if the name is taken, else uid,
    /// resourceVersion and creationTimestamp, and an Added watch event.
    fn insert<T: Metadata<Ty = ObjectMeta>>(
        &mut self,
        pick: fn(&mut ApiServer) -> &mut Store<T>,
        resource: &'static str,
        obj: T,
        now: SimTime,
    ) -> Result<&T, ApiError> {
        self.insert_with(pick, resource, obj, now, Uids::Random)
    }

    fn insert_with<T: Metadata<Ty = ObjectMeta>>(
        &mut self,
        pick: fn(&mut ApiServer) -> &mut Store<T>,
        resource: &'static str,
        mut obj: T,
        now: SimTime,
        uids: Uids,
    ) -> Result<&T, ApiError> {
        let key = key_of(obj.metadata());
        if pick(self).objects.contains_key(&key) {
            return Err(ApiError::AlreadyExists {
                resource,
                name: key.1,
            });
        }
        self.stamp_with(obj.metadata_mut(), now, uids);
        let ownership = concerns_ownership(obj.metadata());
        pick(self).objects.get_or_insert_with(key.clone(), || obj);
        self.changed_added(ownership, resource, &key.0, &key.1);
        pick(self).objects.get(&key).ok_or(ApiError::NotFound {
            resource,
            name: key.1,
        })
    }

    /// Replaces a stored object (NotFound if it is gone), bumping its resourceVersion.
    fn replace<T: Metadata<Ty = ObjectMeta>>(
        &mut self,
        pick: fn(&mut ApiServer) -> &mut Store<T>,
        resource: &'static str,
        mut obj: T,
    ) -> Result<&T, ApiError> {
        let key = key_of(obj.metadata());
        // One search of the B-tree: the slot stays the key's until it is removed.
        let Some(slot) = pick(self).objects.slot_of(&key) else {
            return Err(ApiError::NotFound {
                resource,
                name: key.1,
            });
        };
        self.bump(obj.metadata_mut());
        if let Some(stored) = pick(self).objects.at_mut(slot) {
            let (old, new) = (stored.metadata(), obj.metadata());
            let ownership = old.owner_references != new.owner_references
                || old.finalizers != new.finalizers
                || old.deletion_timestamp != new.deletion_timestamp;
            *stored = obj;
            if ownership {
                self.ownership_changes += 1;
            }
        }
        self.changed(ChangeType::Modified, resource, &key.0, &key.1);
        pick(self).objects.at(slot).ok_or(ApiError::NotFound {
            resource,
            name: key.1,
        })
    }

    fn remove<T: Metadata<Ty = ObjectMeta>>(
        &mut self,
        pick: fn(&mut ApiServer) -> &mut Store<T>,
        resource: &'static str,
        namespace: &str,
        name: &str,
    ) -> Result<T, ApiError> {
        let key = &(namespace, name) as &dyn StoreKey;
        if !pick(self).objects.contains_key(key) {
            return Err(ApiError::NotFound {
                resource,
                name: name.to_string(),
            });
        }
        self.changed(ChangeType::Deleted, resource, namespace, name);
        pick(self)
            .objects
            .remove(key)
            .ok_or_else(|| ApiError::NotFound {
                resource,
                name: name.to_string(),
            })
    }

    /// Namespace defaulting, generateName and the namespace's existence, for a
    /// namespaced object about to be created.
    fn prepare_namespaced(
        &mut self,
        kind: &'static str,
        meta: &mut ObjectMeta,
    ) -> Result<(), ApiError> {
        let ns = meta
            .namespace
            .get_or_insert_with(|| "default".into())
            .clone();
        self.name_for(kind, meta)?;
        let resource = crate::model::kinds::by_kind(kind).map_or("events", |k| k.plural);
        self.require_namespace(&ns, resource, meta.name.as_deref().unwrap_or_default())
    }

    /// The labels and annotations checks every kind's validation starts with.
    fn check_meta(kind: &'static str, meta: &ObjectMeta) -> Result<(), ApiError> {
        let causes = validation::object_meta(meta);
        if causes.is_empty() {
            return Ok(());
        }
        Err(ApiError::Invalid {
            kind,
            name: meta.name.clone().unwrap_or_default(),
            causes,
        })
    }

    /// Name checks for a cluster-scoped object about to be created.
    fn prepare_cluster_scoped(
        &mut self,
        kind: &'static str,
        meta: &mut ObjectMeta,
        check: fn(&str) -> Result<(), meta::NameError>,
    ) -> Result<(), ApiError> {
        meta.namespace = None;
        self.name_for(kind, meta)?;
        let name = meta.name.clone().unwrap_or_default();
        check(&name).map_err(|msg| ApiError::Invalid {
            kind,
            name: name.clone(),
            causes: vec![FieldError::invalid(
                "metadata.name",
                &name,
                &msg.to_string(),
            )],
        })
    }

    pub fn create_namespace(
        &mut self,
        mut ns: Namespace,
        now: SimTime,
    ) -> Result<&Namespace, ApiError> {
        self.prepare_cluster_scoped("Namespace", &mut ns.metadata, meta::validate_dns1123_label)?;
        Self::check_meta("Namespace", &ns.metadata)?;
        let name = ns.metadata.name.clone().unwrap_or_default();
        ns.spec = Some(k8s_openapi::api::core::v1::NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        });
        ns.status = Some(k8s_openapi::api::core::v1::NamespaceStatus {
            phase: Some("Active".into()),
            ..Default::default()
        });
        ns.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubernetes.io/metadata.name".into(), name);
        self.insert(|a| &mut a.namespaces, "namespaces", ns, now)
    }

    /// A namespace DELETE: the namespace is marked (deletionTimestamp, phase
    /// Terminating) and the namespace controller empties it and then removes it. The
    /// NamespaceLifecycle plugin keeps default, kube-system and kube-public.
    pub fn delete_namespace(&mut self, name: &str, now: SimTime) -> Result<(), ApiError> {
        if matches!(name, "default" | "kube-system" | "kube-public") {
            return Err(ApiError::Forbidden {
                resource: "namespaces",
                name: name.to_string(),
                reason: "this namespace may not be deleted".into(),
            });
        }
        let Some(ns) = self.namespaces.get("", name) else {
            return Err(ApiError::NotFound {
                resource: "namespaces",
                name: name.to_string(),
            });
        };
        if ns.metadata.deletion_timestamp.is_some() {
            return Err(ApiError::Conflict {
                resource: "namespaces",
                name: name.to_string(),
                reason: "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.".into(),
            });
        }
        let mut ns = ns.clone();
        ns.metadata.deletion_timestamp = Some(now.to_time());
        ns.metadata.deletion_grace_period_seconds = Some(0);
        ns.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
        self.replace(|a| &mut a.namespaces, "namespaces", ns)
            .map(|_| ())
    }

    /// Removes a namespace the namespace controller has emptied.
    pub fn remove_namespace(&mut self, name: &str) -> Result<Namespace, ApiError> {
        self.remove(|a| &mut a.namespaces, "namespaces", "", name)
    }

    /// Creates a pod: admission defaults, validation, then the store.
    /// Pods created since this API server started (or was restored).
    /// Writes to pods (any change: created, modified, deleted), and nodes created or
    /// deleted, since this server started. Equal counts mean no pod changed and no node
    /// came or went in between.
    pub(crate) fn pod_and_node_writes(&self) -> (u64, u64) {
        self.writes
    }

    /// Pods deleted since this server started: equal counts mean every pod there was
    /// is still there.
    pub(crate) fn pod_deletions(&self) -> u64 {
        self.pod_deletions
    }

    /// The writes that can matter to the garbage collector since this server started
    /// (deletions, and writes of objects with ownerReferences, finalizers or a
    /// deletionTimestamp): equal counts mean it has nothing new to look at.
    pub(crate) fn ownership_changes(&self) -> u64 {
        self.ownership_changes
    }

    pub fn pods_created(&self) -> u64 {
        self.pods_created
    }

    pub fn create_pod(&mut self, mut pod: Pod, now: SimTime) -> Result<&Pod, ApiError> {
        self.pods_created += 1;
        // Admission runs before the name is generated: its errors name the pod by its
        // generateName (admission.NewForbidden's extractResourceName).
        let admission_name = pod
            .metadata
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| pod.metadata.generate_name.clone());
        let admitted = |e: ApiError| e.naming(admission_name.as_deref());
        self.prepare_namespaced("Pod", &mut pod.metadata)?;
        let token = self.service_account_admission(&mut pod).map_err(admitted)?;
        defaults::pod(&mut pod, token, &mut self.rng);
        scheduling::merge_pod_affinity_label_keys(&mut pod);
        self.admit_pod_priority(&mut pod).map_err(admitted)?;
        let causes = validation::pod(&pod);
        if !causes.is_empty() {
            let name = pod.metadata.name.clone().unwrap_or_default();
            return Err(ApiError::Invalid {
                kind: "Pod",
                name,
                causes,
            });
        }
        // Status is the system's to write; a pod starts Pending.
        pod.status = Some(k8s_openapi::api::core::v1::PodStatus {
            phase: Some("Pending".into()),
            qos_class: Some(defaults::qos_class(&pod).into()),
            conditions: scheduling::scheduling_gated_condition(&pod, now),
            ..Default::default()
        });
        self.insert(|a| &mut a.pods, "pods", pod, now)
    }

    /// A write of a stored pod in place, with no copy of it made: the kubelet's status
    /// manager's (`write` changes the status and nothing else) and the scheduler's
    /// binding (spec.nodeName with its PodScheduled condition, as the binding
    /// subresource sets them). The pod gets a new resourceVersion and a Modified watch
    /// event only when the status changed. Returns whether it changed.
    pub fn write_pod(
        &mut self,
        namespace: &str,
        name: &str,
        write: &mut dyn FnMut(&mut Pod),
    ) -> Result<bool, ApiError> {
        let not_found = || ApiError::NotFound {
            resource: "pods",
            name: name.to_string(),
        };
        let slot = self
            .pods
            .objects
            .slot_of(&(namespace, name) as &dyn StoreKey)
            .ok_or_else(not_found)?;
        let pod = self.pods.objects.at_mut(slot).ok_or_else(not_found)?;
        let before = pod.status.clone();
        write(pod);
        if pod.status == before {
            return Ok(false);
        }
        self.resource_version += 1;
        pod.metadata.resource_version = Some(self.resource_version.to_string());
        self.changed(ChangeType::Modified, "pods", namespace, name);
        Ok(true)
    }

    /// Replaces a stored pod (status writes by the scheduler and kubelet).
    pub fn update_pod(&mut self, pod: Pod) -> Result<&Pod, ApiError> {
        self.replace(|a| &mut a.pods, "pods", pod)
    }

    pub fn delete_pod(&mut self, namespace: &str, name: &str) -> Result<Pod, ApiError> {
        self.remove(|a| &mut a.pods, "pods", namespace, name)
    }

    /// A DELETE of a pod as the API server handles it: a pod bound to a node and not
    /// finished is only marked (deletionTimestamp now + grace, deletionGracePeriodSeconds)
    /// and its kubelet stops it and removes it; any other pod, or a grace of 0, is removed
    /// at once. `grace` defaults to the pod's terminationGracePeriodSeconds (30). A
    /// second DELETE may only shorten the grace period.
    pub fn delete_pod_gracefully(
        &mut self,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
        now: SimTime,
    ) -> Result<PodDeletion, ApiError> {
        let Some(pod) = self.pods.get(namespace, name) else {
            return Err(ApiError::NotFound {
                resource: "pods",
                name: name.to_string(),
            });
        };
        let spec = pod.spec.as_ref();
        let bound = spec
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        let finished = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .is_some_and(|p| p == "Succeeded" || p == "Failed");
        let grace = grace
            .or_else(|| spec.and_then(|s| s.termination_grace_period_seconds))
            .unwrap_or(defaults::TERMINATION_GRACE_PERIOD_SECONDS)
            .max(0);
        if grace == 0 || !bound || finished {
            return self.delete_pod(namespace, name).map(PodDeletion::Removed);
        }
        let deadline = now.plus_ms(grace as u64 * 1000);
        let mut updated = pod.clone();
        if let Some(current) = &updated.metadata.deletion_timestamp {
            if SimTime::from_time(current) <= deadline {
                return Ok(PodDeletion::Terminating(updated));
            }
        }
        updated.metadata.deletion_timestamp = Some(deadline.to_time());
        updated.metadata.deletion_grace_period_seconds = Some(grace);
        self.update_pod(updated)
            .map(|p| PodDeletion::Terminating(p.clone()))
    }

    pub fn delete_service(&mut self, namespace: &str, name: &str) -> Result<Service, ApiError> {
        self.remove(|a| &mut a.services, "services", namespace, name)
    }

    /// Replaces an object's labels (what `kubectl label` patches).
    pub fn set_labels(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        labels: std::collections::BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        self.set_meta_map(kind, namespace, name, MetaMap::Labels, labels)
    }

    /// Replaces an object's labels or annotations (`kubectl label`, `kubectl annotate`).
    pub fn set_meta_map(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        which: MetaMap,
        map: std::collections::BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        let resource = crate::model::kinds::by_kind(kind).map_or("events", |k| k.plural);
        let version = self.resource_version + 1;
        let meta = self
            .metadata_mut(kind, namespace, name)
            .ok_or_else(|| ApiError::NotFound {
                resource,
                name: name.to_string(),
            })?;
        let map = (!map.is_empty()).then_some(map);
        match which {
            MetaMap::Labels => meta.labels = map,
            MetaMap::Annotations => meta.annotations = map,
        }
        meta.resource_version = Some(version.to_string());
        self.resource_version = version;
        self.changed(ChangeType::Modified, resource, namespace, name);
        Ok(())
    }

    pub fn create_node(&mut self, mut node: Node, now: SimTime) -> Result<&Node, ApiError> {
        self.prepare_cluster_scoped("Node", &mut node.metadata, meta::validate_dns1123_subdomain)?;
        Self::check_meta("Node", &node.metadata)?;
        defaults::node(&mut node);
        self.insert(|a| &mut a.nodes, "nodes", node, now)
    }

    pub fn update_node(&mut self, node: Node) -> Result<&Node, ApiError> {
        self.replace(|a| &mut a.nodes, "nodes", node)
    }

    /// Creates a service: defaults, validation, cluster IP and node port allocation.
    pub fn create_service(&mut self, mut svc: Service, now: SimTime) -> Result<&Service, ApiError> {
        self.prepare_namespaced("Service", &mut svc.metadata)?;
        Self::check_meta("Service", &svc.metadata)?;
        let existing: Vec<&Service> = self.services.list().collect();
        services::admit(&mut svc, &existing, &mut self.rng)?;
        self.insert(|a| &mut a.services, "services", svc, now)
    }

    pub fn create_endpoints(
        &mut self,
        mut ep: Endpoints,
        now: SimTime,
    ) -> Result<&Endpoints, ApiError> {
        self.prepare_namespaced("Endpoints", &mut ep.metadata)?;
        Self::check_meta("Endpoints", &ep.metadata)?;
        defaults::endpoints(&mut ep);
        self.insert(|a| &mut a.endpoints, "endpoints", ep, now)
    }

    /// Replaces stored endpoints (the endpoints controller's writes).
    pub fn update_endpoints(&mut self, ep: Endpoints) -> Result<&Endpoints, ApiError> {
        self.replace(|a| &mut a.endpoints, "endpoints", ep)
    }

    pub fn delete_endpoints(&mut self, namespace: &str, name: &str) -> Result<Endpoints, ApiError> {
        self.remove(|a| &mut a.endpoints, "endpoints", namespace, name)
    }

    pub fn create_lease(&mut self, mut lease: Lease, now: SimTime) -> Result<&Lease, ApiError> {
        self.prepare_namespaced("Lease", &mut lease.metadata)?;
        Self::check_meta("Lease", &lease.metadata)?;
        self.insert(|a| &mut a.leases, "leases", lease, now)
    }

    /// A kubelet's node lease. The cluster makes one for every node: their uids leave
    /// the random stream alone, so the names and addresses it gives users' objects
    /// (generated names, cluster IPs, node ports) are what they were without them.
    pub(crate) fn create_node_lease(
        &mut self,
        mut lease: Lease,
        now: SimTime,
    ) -> Result<&Lease, ApiError> {
        self.prepare_namespaced("Lease", &mut lease.metadata)?;
        Self::check_meta("Lease", &lease.metadata)?;
        self.insert_with(|a| &mut a.leases, "leases", lease, now, Uids::FromVersion)
    }

    pub fn update_lease(&mut self, lease: Lease) -> Result<&Lease, ApiError> {
        self.replace(|a| &mut a.leases, "leases", lease)
    }

    pub fn delete_lease(&mut self, namespace: &str, name: &str) -> Result<Lease, ApiError> {
        self.remove(|a| &mut a.leases, "leases", namespace, name)
    }

    pub fn delete_event(&mut self, namespace: &str, name: &str) -> Result<Event, ApiError> {
        self.remove(|a| &mut a.events, "events", namespace, name)
    }

    pub fn create_event(&mut self, mut event: Event, now: SimTime) -> Result<&Event, ApiError> {
        self.prepare_namespaced("Event", &mut event.metadata)?;
        Self::check_meta("Event", &event.metadata)?;
        self.insert(|a| &mut a.events, "events", event, now)
    }

    /// The last resourceVersion handed out: it moves with every write, so a front end
    /// can tell that nothing changed since it last looked.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
}

#[cfg(test)]
mod tests;
