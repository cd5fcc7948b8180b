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
pub mod namespace;
pub mod node_ipam;
pub mod node_lifecycle;
pub mod persistentvolume;
pub mod podgc;
pub mod replicaset;
pub mod serviceaccounts;
pub mod taint_eviction;
pub(crate) mod trigger_time;

use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::keyed::Keyed;

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

/// A controller of kube-controller-manager.
pub trait Controller {
    /// One reconciling pass over what it watches, at `ctx.now`.
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress;

    /// When it next has something to do that no change will prompt (a timer running
    /// out), if ever. Valid after a [`Controller::sync`].
    fn next_due(&self) -> Option<SimTime>;
}
