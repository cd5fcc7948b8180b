//! Controllers of kube-controller-manager that the simulation runs in its control loop.
//!
//! Each is a [`Controller`]: the cluster's settle loop calls [`Controller::sync`] on every
//! one in a fixed order until a whole pass changes nothing, and asks each
//! [`Controller::next_due`] when it next has work of its own (a timer, as kube-rs's
//! reconcile returns a requeue-after), so that simulated time can jump straight there.

pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub(crate) mod deployment_util;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod garbagecollector;
pub mod job;
pub mod local_path_provisioner;
pub mod namespace;
pub mod node_ipam;
pub mod node_lifecycle;
pub mod persistentvolume;
pub mod podgc;
pub mod pv_protection;
pub mod pvc_protection;
pub mod replicaset;
pub mod root_ca_cert_publisher;
pub mod serviceaccounts;
pub mod statefulset;
pub mod taint_eviction;
pub(crate) mod trigger_time;
pub mod volume_expand;
pub(crate) mod work_queue;

use crate::apiserver::{ApiServer, Store};
use crate::clock::SimTime;
use crate::keyed::Keyed;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::Metadata;

/// What one sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Nothing changed in the API server.
    Idle,
    /// Something changed: other components may have to react.
    Changed,
}

impl Progress {
    pub fn changed_if(changed: bool) -> Progress {
        if changed {
            Progress::Changed
        } else {
            Progress::Idle
        }
    }
}

impl std::ops::BitOr for Progress {
    type Output = Progress;
    fn bitor(self, other: Progress) -> Progress {
        Progress::changed_if(self == Progress::Changed || other == Progress::Changed)
    }
}

impl std::ops::BitOrAssign for Progress {
    fn bitor_assign(&mut self, other: Progress) {
        *self = *self | other;
    }
}

/// What a controller works with: the API server (its informers and its client), the
/// time, and what the nodes' heartbeats tell.
pub struct ControllerContext<'a> {
    pub api: &'a mut ApiServer,
    pub now: SimTime,
    /// Nodes whose kubelet stopped posting status, and since when.
    pub silent_kubelets: Keyed<String, SimTime>,
}

impl<'a> ControllerContext<'a> {
    /// A context in which every kubelet is heard from.
    pub fn new(api: &'a mut ApiServer, now: SimTime) -> Self {
        ControllerContext {
            api,
            now,
            silent_kubelets: Keyed::new(),
        }
    }
}

/// A controller of kube-controller-manager.
pub trait Controller {
    /// One reconciling pass over what it watches, at `ctx.now`.
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress;

    /// When it next has something to do that no change will prompt (a timer running
    /// out), if ever. Valid after a [`Controller::sync`].
    fn next_due(&self) -> Option<SimTime>;
}

/// A controller that reconciles one kind an object at a time, as kube-controller-
/// manager's workload controllers do (a queue of namespace/name keys and a sync handler
/// per key): its pass is [`SyncHandler::sync_key`] over every key of its store, and
/// its due time the earliest a handler asked for with [`SyncHandler::requeue_at`].
pub(crate) trait SyncHandler {
    type Object: Metadata<Ty = ObjectMeta>;

    /// The store whose keys it syncs.
    fn store(api: &ApiServer) -> &Store<Self::Object>;

    /// Its queue: when it is next due (see [`Controller::next_due`]) and the keys
    /// backing off after a failure.
    fn queue(&self) -> &work_queue::WorkQueue;

    fn queue_mut(&mut self) -> &mut work_queue::WorkQueue;

    /// Reconciles the object at `ns/name` (gone by now, perhaps).
    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress;

    /// After a pass over every key: forget what belonged to objects now gone.
    fn after_pass(&mut self, _api: &ApiServer) {}

    /// Asks for a sync at `at` at the latest (kube's AddAfter).
    fn requeue_at(&mut self, at: SimTime) {
        self.queue_mut().requeue_at(at);
    }
}

impl<T: SyncHandler> Controller for T {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        self.queue_mut().clear_due(ctx.now);
        let mut progress = Progress::Idle;
        if !T::store(ctx.api).is_empty() {
            for (ns, name) in T::store(ctx.api).keys() {
                progress |= self.sync_key(ctx.api, &ns, &name, ctx.now);
            }
        }
        let store = T::store(ctx.api);
        self.queue_mut().retain(|key| {
            key.split_once('/')
                .is_some_and(|(ns, name)| store.get(ns, name).is_some())
        });
        self.after_pass(ctx.api);
        progress
    }

    fn next_due(&self) -> Option<SimTime> {
        self.queue().due()
    }
}
