//! The namespace controller: empties a namespace marked for deletion, then removes it.
//!
//! Pods get a graceful DELETE (their kubelets stop them within the grace period, so
//! the namespace stays Terminating until the last one is gone); services, endpoints
//! and events go at once. When nothing is left the namespace itself goes (its
//! `kubernetes` finalizer done).

use crate::apiserver::ApiServer;
use crate::clock::SimTime;

/// One pass over the terminating namespaces. Returns whether anything changed.
pub fn sync(api: &mut ApiServer, now: SimTime) -> bool {
    let terminating: Vec<String> = api
        .namespaces
        .list()
        .filter(|n| n.metadata.deletion_timestamp.is_some())
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    let mut changed = false;
    for ns in terminating {
        let names =
            |list: Vec<Option<String>>| -> Vec<String> { list.into_iter().flatten().collect() };
        let pods = names(
            api.pods
                .list_namespace(&ns)
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .map(|p| p.metadata.name.clone())
                .collect(),
        );
        for pod in pods {
            changed |= api.delete_pod_gracefully(&ns, &pod, None, now).is_ok();
        }
        let services = names(
            api.services
                .list_namespace(&ns)
                .map(|s| s.metadata.name.clone())
                .collect(),
        );
        for svc in services {
            changed |= api.delete_service(&ns, &svc).is_ok();
        }
        let endpoints = names(
            api.endpoints
                .list_namespace(&ns)
                .map(|e| e.metadata.name.clone())
                .collect(),
        );
        for ep in endpoints {
            changed |= api.delete_endpoints(&ns, &ep).is_ok();
        }
        let events = names(
            api.events
                .list_namespace(&ns)
                .map(|e| e.metadata.name.clone())
                .collect(),
        );
        for ev in events {
            changed |= api.delete_event(&ns, &ev).is_ok();
        }
        if api.pods.list_namespace(&ns).next().is_none() {
            changed |= api.remove_namespace(&ns).is_ok();
        }
    }
    changed
}
