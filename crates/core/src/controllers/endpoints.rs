//! The endpoints controller: for every Service with a selector, an Endpoints object of
//! the same name listing the matching pods that have an IP — ready ones under
//! `addresses`, the rest under `notReadyAddresses`, every one under `addresses` when the
//! Service sets `publishNotReadyAddresses` — with the Service's target ports (named
//! ports resolved against each pod's container ports). Terminating pods are left out
//! unless the Service publishes not-ready addresses (ShouldPodBeInEndpoints). Addresses
//! are sorted by IP, as RepackSubsets leaves them.

use super::endpointslice::{find_port, hostname, selected, should_pod_be_in_endpoints};
use super::trigger_time::{annotate, TriggerTimes};
use super::{Controller, ControllerContext, Progress};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::model::pod::is_ready as pod_ready;
use crate::model::{Endpoints, ObjectMeta, Service};
use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset, ObjectReference};
use std::collections::BTreeMap;

fn ip_key(ip: &str) -> Vec<u32> {
    ip.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// One subset in the making: ports, ready and not-ready addresses.
type Group = (
    Vec<EndpointPort>,
    Vec<EndpointAddress>,
    Vec<EndpointAddress>,
);

/// The subsets a service's endpoints should have now.
fn desired(api: &ApiServer, svc: &Service) -> Option<Vec<EndpointSubset>> {
    let spec = svc.spec.as_ref()?;
    let selector = spec.selector.as_ref()?;
    let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
    let publish = spec.publish_not_ready_addresses.unwrap_or(false);
    // Subsets keyed by their port list, as pods may resolve named ports differently.
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for pod in api.pods.list_namespace(ns) {
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        if !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            continue;
        }
        if !should_pod_be_in_endpoints(pod, publish) {
            continue;
        }
        let Some(ip) = pod.status.as_ref().and_then(|s| s.pod_ip.clone()) else {
            continue;
        };
        let mut ports = Vec::new();
        for sp in spec.ports.iter().flatten() {
            if let Some(port) = find_port(pod, sp) {
                ports.push(EndpointPort {
                    name: sp.name.clone(),
                    port,
                    protocol: sp.protocol.clone(),
                    app_protocol: sp.app_protocol.clone(),
                });
            }
        }
        let key = serde_json::to_string(&ports).unwrap_or_default();
        let address = EndpointAddress {
            ip,
            node_name: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
            target_ref: Some(ObjectReference {
                kind: Some("Pod".into()),
                name: pod.metadata.name.clone(),
                namespace: pod.metadata.namespace.clone(),
                uid: pod.metadata.uid.clone(),
                ..Default::default()
            }),
            hostname: hostname(pod, svc),
        };
        let entry = groups
            .entry(key)
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        if publish || pod_ready(pod) {
            entry.1.push(address);
        } else {
            entry.2.push(address);
        }
    }
    let subsets: Vec<EndpointSubset> = groups
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            crate::sort::sort_by_key(&mut ready, |a| ip_key(&a.ip));
            crate::sort::sort_by_key(&mut not_ready, |a| ip_key(&a.ip));
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then_some(ports),
            }
        })
        .collect();
    Some(subsets)
}

/// The endpoints controller; its only state is its trigger-time tracker.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EndpointsController {
    triggers: TriggerTimes,
}

impl EndpointsController {
    /// Nothing to keep in a snapshot.
    pub fn is_idle(&self) -> bool {
        self.triggers.is_empty()
    }
}

impl Controller for EndpointsController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api, ctx.now, &mut self.triggers))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// Brings every Endpoints object in line with its Service. Returns whether anything
/// changed.
fn sync(api: &mut ApiServer, now: SimTime, triggers: &mut TriggerTimes) -> bool {
    let mut changed = false;
    // Only Services with a selector have endpoints kept here (`desired`): the others
    // are not copied (most clusters' one Service, `kubernetes`, has none).
    let services: Vec<Service> = api
        .services
        .list()
        .filter(|s| s.spec.as_ref().is_some_and(|s| s.selector.is_some()))
        .cloned()
        .collect();
    for svc in &services {
        let Some(subsets) = desired(api, svc) else {
            continue;
        };
        let trigger = triggers.compute(svc, &selected(api, svc));
        let ns = svc.metadata.namespace.clone().unwrap_or_default();
        let name = svc.metadata.name.clone().unwrap_or_default();
        let subsets = (!subsets.is_empty()).then_some(subsets);
        match api.endpoints.get(&ns, &name).cloned() {
            Some(ep) if ep.subsets == subsets => {}
            Some(mut ep) => {
                ep.subsets = subsets;
                annotate(&mut ep.metadata.annotations, trigger);
                let _ = api.update_endpoints(ep);
                changed = true;
            }
            None => {
                let mut ep = Endpoints {
                    metadata: ObjectMeta {
                        name: Some(name),
                        namespace: Some(ns),
                        labels: svc.metadata.labels.clone(),
                        ..Default::default()
                    },
                    subsets,
                };
                annotate(&mut ep.metadata.annotations, trigger);
                let _ = api.create_endpoints(ep, now);
                changed = true;
            }
        }
    }
    // Endpoints whose Service is gone go too (the kubernetes endpoints are the
    // apiserver's own and have no selector).
    let orphans: Vec<(String, String)> = api
        .endpoints
        .list()
        .filter(|e| {
            let ns = e.metadata.namespace.as_deref().unwrap_or("");
            let name = e.metadata.name.as_deref().unwrap_or("");
            api.services.get(ns, name).is_none()
        })
        .map(|e| {
            (
                e.metadata.namespace.clone().unwrap_or_default(),
                e.metadata.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (ns, name) in orphans {
        let _ = api.delete_endpoints(&ns, &name);
        changed = true;
    }
    triggers.retain(|ns, name| api.services.get(ns, name).is_some());
    changed
}

#[cfg(test)]
mod tests {
    use super::super::endpointslice::tests::{node, pod, service};
    use super::*;

    /// (addresses, notReadyAddresses) by pod name.
    fn names(api: &ApiServer) -> (Vec<String>, Vec<String>) {
        let ep = api.endpoints.get("default", "web").unwrap();
        let pick = |list: &Option<Vec<EndpointAddress>>| -> Vec<String> {
            list.iter()
                .flatten()
                .filter_map(|a| a.target_ref.as_ref().and_then(|r| r.name.clone()))
                .collect()
        };
        let subsets = ep.subsets.clone().unwrap_or_default();
        let s = subsets.first().cloned().unwrap_or_default();
        (pick(&s.addresses), pick(&s.not_ready_addresses))
    }

    #[test]
    fn not_ready_and_terminating_pods() {
        // (publishNotReadyAddresses, addresses, notReadyAddresses)
        let table: [(bool, &[&str], &[&str]); 2] =
            [(false, &["a"], &["b"]), (true, &["a", "b", "d"], &[])];
        for (publish, ready, not_ready) in table {
            let mut api = ApiServer::new(1, SimTime(0));
            node(&mut api, "n1", None);
            service(&mut api, publish);
            pod(&mut api, "a", "10.244.1.2", true, "n1");
            pod(&mut api, "b", "10.244.1.3", false, "n1");
            pod(&mut api, "d", "10.244.1.4", true, "n1");
            api.delete_pod_gracefully("default", "d", Some(30), SimTime(0))
                .unwrap();
            sync(&mut api, SimTime(0), &mut TriggerTimes::default());
            let (got_ready, got_not_ready) = names(&api);
            assert_eq!(got_ready, ready, "publishNotReadyAddresses={publish}");
            assert_eq!(
                got_not_ready, not_ready,
                "publishNotReadyAddresses={publish}"
            );
        }
    }
}
