//! The PV protection controller (pkg/controller/volume/pvprotection): a volume being
//! deleted keeps its `kubernetes.io/pv-protection` finalizer while it is Bound to a
//! claim (it shows Terminating), and goes once it is not.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::storage::PV_PROTECTION_FINALIZER;
use crate::apiserver::ApiServer;
use crate::clock::SimTime;

/// The controller; stateless.
#[derive(Debug, Clone, Copy, Default)]
pub struct PvProtectionController;

impl Controller for PvProtectionController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

fn sync(api: &mut ApiServer) -> bool {
    let free: Vec<String> = api
        .persistent_volumes
        .list()
        .filter(|v| {
            v.metadata.deletion_timestamp.is_some()
                && v.metadata
                    .finalizers
                    .iter()
                    .flatten()
                    .any(|f| f == PV_PROTECTION_FINALIZER)
                && v.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound")
        })
        .filter_map(|v| v.metadata.name.clone())
        .collect();
    let mut changed = false;
    for name in free {
        changed |= api
            .remove_finalizer("persistentvolumes", "", &name, PV_PROTECTION_FINALIZER)
            .is_ok();
    }
    changed
}
