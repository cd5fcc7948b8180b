//! The namespace controller: empties a namespace marked for deletion, then removes it.
//!
//! Pods get a graceful DELETE (their kubelets stop them within the grace period, so
//! the namespace stays Terminating until the last one is gone); services, endpoints,
//! EndpointSlices, ConfigMaps, Secrets, PersistentVolumeClaims, ServiceAccounts and events go at once. When nothing is left the namespace itself goes (its
//! `kubernetes` finalizer done).

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, Store};
use crate::clock::SimTime;
use crate::model::ObjectMeta;
use k8s_openapi::Metadata;

/// The namespace controller (stateless).
#[derive(Debug, Clone, Copy, Default)]
pub struct NamespaceController;

impl Controller for NamespaceController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api, ctx.now))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// One pass over the terminating namespaces. Returns whether anything changed.
fn sync(api: &mut ApiServer, now: SimTime) -> bool {
    let terminating: Vec<String> = api
        .namespaces
        .list()
        .filter(|n| n.metadata.deletion_timestamp.is_some())
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    let mut changed = false;
    for ns in terminating {
        let pods = names_in(&api.pods, &ns, |p| p.metadata.deletion_timestamp.is_none());
        for pod in pods {
            changed |= api.delete_pod_gracefully(&ns, &pod, None, now).is_ok();
        }
        for svc in names_in(&api.services, &ns, |_| true) {
            changed |= api.delete_service(&ns, &svc).is_ok();
        }
        for ep in names_in(&api.endpoints, &ns, |_| true) {
            changed |= api.delete_endpoints(&ns, &ep).is_ok();
        }
        for slice in names_in(&api.endpoint_slices, &ns, |_| true) {
            changed |= api.delete_endpoint_slice(&ns, &slice).is_ok();
        }
        for cm in names_in(&api.config_maps, &ns, |_| true) {
            changed |= api.remove_object("configmaps", &ns, &cm).is_ok();
        }
        for secret in names_in(&api.secrets, &ns, |_| true) {
            changed |= api.remove_object("secrets", &ns, &secret).is_ok();
        }
        for pvc in names_in(&api.persistent_volume_claims, &ns, |_| true) {
            changed |= api
                .remove_object("persistentvolumeclaims", &ns, &pvc)
                .is_ok();
        }
        for sa in names_in(&api.service_accounts, &ns, |_| true) {
            changed |= api.remove_object("serviceaccounts", &ns, &sa).is_ok();
        }
        for ev in names_in(&api.events, &ns, |_| true) {
            changed |= api.delete_event(&ns, &ev).is_ok();
        }
        if api.pods.list_namespace(&ns).next().is_none() {
            changed |= api.remove_namespace(&ns).is_ok();
        }
    }
    changed
}

/// The names of the objects in namespace `ns` of `store` that `keep` accepts.
fn names_in<T: Metadata<Ty = ObjectMeta>>(
    store: &Store<T>,
    ns: &str,
    keep: impl Fn(&T) -> bool,
) -> Vec<String> {
    store
        .list_namespace(ns)
        .filter(|o| keep(o))
        .filter_map(|o| o.metadata().name.clone())
        .collect()
}
