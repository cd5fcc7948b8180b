//! The EndpointSlice controller (pkg/controller/endpointslice and the reconciler of
//! k8s.io/endpointslice): for every Service with a selector, IPv4 EndpointSlices named
//! `SERVICE-` plus a generated suffix, labelled `kubernetes.io/service-name` and
//! `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by
//! the Service. Each matching pod with an IP is an endpoint (terminating ones too) with
//! its conditions (podToEndpoint): `serving` is the pod's Ready condition,
//! `terminating` its deletionTimestamp, `ready` is serving and not terminating (or the
//! Service's `publishNotReadyAddresses`). Endpoints are grouped by the ports they
//! resolve to, 100 to a slice; a slice keeps its endpoints' order and takes new ones at
//! its end; a slice left empty goes, and a Service without endpoints keeps one
//! placeholder slice without ports.

use super::trigger_time::{annotate, TriggerTimes};
use super::{Controller, ControllerContext, Progress};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::model::{
    EndpointSlice, ObjectMeta, Pod, ResourceExt, Service, LABEL_MANAGED_BY, LABEL_SERVICE_NAME,
};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The controller's name in the managed-by label.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";

/// The headless-service label (v1.IsHeadlessService).
const HEADLESS: &str = "service.kubernetes.io/headless";

/// The zone label of a node (v1.LabelTopologyZone).
const ZONE: &str = "topology.kubernetes.io/zone";

/// maxEndpointsPerSlice: kube-controller-manager's default.
const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// The EndpointSlice controller; its only state is its trigger-time tracker.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EndpointSliceController {
    triggers: TriggerTimes,
}

impl EndpointSliceController {
    /// Nothing to keep in a snapshot.
    pub fn is_idle(&self) -> bool {
        self.triggers.is_empty()
    }
}

impl Controller for EndpointSliceController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api, ctx.now, &mut self.triggers))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// ShouldPodBeInEndpoints: a pod with an IP that has not finished for good (a pod
/// restarted on failure may still come back); terminating pods only when asked.
pub(crate) fn should_pod_be_in_endpoints(p: &Pod, include_terminating: bool) -> bool {
    let status = p.status.as_ref();
    if status
        .and_then(|s| s.pod_ip.as_deref())
        .unwrap_or_default()
        .is_empty()
    {
        return false;
    }
    if !include_terminating && p.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or_default();
    match p.spec.as_ref().and_then(|s| s.restart_policy.as_deref()) {
        Some("Never") => phase != "Failed" && phase != "Succeeded",
        Some("OnFailure") => phase != "Succeeded",
        _ => true,
    }
}

/// FindPort: a number is itself; a name is looked up among the containers' (and
/// sidecars') ports of the same protocol.
pub(crate) fn find_port(pod: &Pod, sp: &k8s_openapi::api::core::v1::ServicePort) -> Option<i32> {
    let name = match &sp.target_port {
        None => return Some(sp.port),
        Some(IntOrString::Int(n)) => return Some(*n),
        Some(IntOrString::String(name)) => name,
    };
    let protocol = sp.protocol.as_deref().unwrap_or("TCP");
    let spec = pod.spec.as_ref()?;
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    spec.containers
        .iter()
        .chain(sidecars)
        .flat_map(|c| c.ports.iter().flatten())
        .find(|p| {
            p.name.as_deref() == Some(name.as_str())
                && p.protocol.as_deref().unwrap_or("TCP") == protocol
        })
        .map(|p| p.container_port)
}

/// ShouldSetHostname: a pod with a hostname whose subdomain is the Service's name.
pub(crate) fn hostname(pod: &Pod, svc: &Service) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let host = spec.hostname.clone().filter(|h| !h.is_empty())?;
    (spec.subdomain.as_deref() == Some(svc.name_any())
        && pod.namespace_any() == svc.namespace_any())
    .then_some(host)
}

/// A service's slice labels (setEndpointSliceLabels): its own labels but the reserved
/// ones, the headless label when it has no cluster IP, its name and the manager.
fn slice_labels(svc: &Service) -> BTreeMap<String, String> {
    let reserved = [LABEL_SERVICE_NAME, LABEL_MANAGED_BY, HEADLESS];
    let mut labels: BTreeMap<String, String> = svc
        .labels()
        .iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let ip = svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref());
    if matches!(ip, None | Some("" | "None")) {
        labels.insert(HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_SERVICE_NAME.into(), svc.name_any().to_string());
    labels.insert(LABEL_MANAGED_BY.into(), CONTROLLER_NAME.into());
    labels
}

/// podToEndpoint for an IPv4 slice.
fn endpoint(api: &ApiServer, pod: &Pod, svc: &Service) -> Endpoint {
    let publish_not_ready = svc
        .spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false);
    let serving = crate::model::pod::is_ready(pod);
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = publish_not_ready || (serving && !terminating);
    let status = pod.status.as_ref();
    let mut addresses: Vec<String> = status
        .and_then(|s| s.pod_ips.as_ref())
        .into_iter()
        .flatten()
        .map(|ip| ip.ip.clone())
        .filter(|ip| !ip.contains(':'))
        .collect();
    if addresses.is_empty() {
        addresses.extend(status.and_then(|s| s.pod_ip.clone()));
    }
    let node_name = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .filter(|n| !n.is_empty());
    let zone = node_name
        .as_deref()
        .and_then(|n| api.nodes.get("", n))
        .and_then(|n| n.labels().get(ZONE).cloned())
        .filter(|z| !z.is_empty());
    Endpoint {
        addresses,
        conditions: Some(EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        }),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".into()),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
        node_name,
        zone,
        hostname: hostname(pod, svc),
        ..Default::default()
    }
}

/// The pods a Service's selector picks (none without a selector).
pub(crate) fn selected<'a>(api: &'a ApiServer, svc: &'a Service) -> Vec<&'a Pod> {
    let Some(selector) = svc.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return Vec::new();
    };
    api.pods
        .list_namespace(svc.namespace_any())
        .filter(|p| {
            let labels = p.labels();
            selector.iter().all(|(k, v)| labels.get(k) == Some(v))
        })
        .collect()
}

/// The endpoints a service should have now, grouped by their ports, in pod order.
fn desired(
    api: &ApiServer,
    svc: &Service,
    pods: &[&Pod],
) -> Vec<(Vec<EndpointPort>, Vec<Endpoint>)> {
    let Some(spec) = svc.spec.as_ref() else {
        return Vec::new();
    };
    let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
    for &pod in pods {
        if !should_pod_be_in_endpoints(pod, true) {
            continue;
        }
        let ports: Vec<EndpointPort> = spec
            .ports
            .iter()
            .flatten()
            .filter_map(|sp| {
                Some(EndpointPort {
                    name: Some(sp.name.clone().unwrap_or_default()),
                    port: Some(find_port(pod, sp)?),
                    protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        let ep = endpoint(api, pod, svc);
        match groups.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, eps)) => eps.push(ep),
            None => groups.push((ports, vec![ep])),
        }
    }
    groups
}

/// Which pod an endpoint stands for (the endpoint's identity across updates).
fn identity(e: &Endpoint) -> (Option<&str>, Option<&str>) {
    (
        e.target_ref.as_ref().and_then(|r| r.uid.as_deref()),
        e.addresses.first().map(String::as_str),
    )
}

/// What one Service's reconcile decided.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    create: Vec<EndpointSlice>,
    update: Vec<EndpointSlice>,
    delete: Vec<String>,
}

/// The reconciler for one Service: `existing` are the slices it manages for it; the
/// slices it writes carry `trigger`, when the change they reflect happened.
fn reconcile(
    svc: &Service,
    existing: Vec<EndpointSlice>,
    desired: Vec<(Vec<EndpointPort>, Vec<Endpoint>)>,
    trigger: Option<SimTime>,
) -> Plan {
    let labels = slice_labels(svc);
    let mut plan = Plan::default();
    let mut wanted = desired;
    // Slices whose ports are still wanted keep the endpoints still wanted, updated;
    // the others go.
    let mut kept: Vec<EndpointSlice> = Vec::new();
    let mut deleted: Vec<EndpointSlice> = Vec::new();
    for mut slice in existing {
        let ports = slice.ports.clone().unwrap_or_default();
        let Some((_, want)) = wanted.iter_mut().find(|(p, _)| *p == ports) else {
            deleted.push(slice);
            continue;
        };
        let mut endpoints = Vec::new();
        for e in &slice.endpoints {
            if let Some(i) = want.iter().position(|w| identity(w) == identity(e)) {
                endpoints.push(want.remove(i));
            }
        }
        let labels_changed = slice.metadata.labels.as_ref() != Some(&labels);
        if endpoints == slice.endpoints && !labels_changed {
            kept.push(slice);
        } else if endpoints.is_empty() {
            deleted.push(slice);
        } else {
            slice.endpoints = endpoints;
            slice.metadata.labels = Some(labels.clone());
            plan.update.push(slice.clone());
            kept.push(slice);
        }
    }
    // New endpoints fill kept slices of their ports with room, then new slices.
    for (ports, want) in wanted {
        let mut want = want.into_iter().peekable();
        for slice in kept.iter_mut() {
            if slice.ports.clone().unwrap_or_default() != ports {
                continue;
            }
            let mut grew = false;
            while slice.endpoints.len() < MAX_ENDPOINTS_PER_SLICE {
                let Some(e) = want.next() else { break };
                slice.endpoints.push(e);
                grew = true;
            }
            if grew {
                let name = slice.name_any().to_string();
                plan.update.retain(|s| s.name_any() != name);
                plan.update.push(slice.clone());
            }
        }
        while want.peek().is_some() {
            let endpoints: Vec<Endpoint> = want.by_ref().take(MAX_ENDPOINTS_PER_SLICE).collect();
            plan.create
                .push(new_slice(svc, &labels, ports.clone(), endpoints));
        }
    }
    // A Service with no endpoints keeps one placeholder slice without ports.
    if kept.is_empty() && plan.create.is_empty() {
        let placeholder = new_slice(svc, &labels, Vec::new(), Vec::new());
        let same = |s: &EndpointSlice| {
            s.ports.as_deref().unwrap_or_default().is_empty()
                && s.endpoints.is_empty()
                && s.metadata.labels == placeholder.metadata.labels
                && s.metadata.owner_references == placeholder.metadata.owner_references
        };
        if deleted.len() == 1 && same(&deleted[0]) {
            deleted.clear();
        } else {
            plan.create.push(placeholder);
        }
    }
    plan.delete = deleted.iter().map(|s| s.name_any().to_string()).collect();
    for slice in plan.create.iter_mut().chain(plan.update.iter_mut()) {
        annotate(&mut slice.metadata.annotations, trigger);
    }
    plan
}

/// newEndpointSlice: generateName from the Service's name, owned by it.
fn new_slice(
    svc: &Service,
    labels: &BTreeMap<String, String>,
    ports: Vec<EndpointPort>,
    endpoints: Vec<Endpoint>,
) -> EndpointSlice {
    let name = svc.name_any();
    // The dash makes the name prettier unless it makes the prefix too long.
    let prefix = if name.len() < 253 {
        format!("{name}-")
    } else {
        name.to_string()
    };
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(prefix),
            namespace: svc.metadata.namespace.clone(),
            labels: Some(labels.clone()),
            owner_references: Some(vec![OwnerReference {
                api_version: "v1".into(),
                kind: "Service".into(),
                name: name.to_string(),
                uid: svc.uid_any().to_string(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints,
        ports: (!ports.is_empty()).then_some(ports),
    }
}

/// Whether `slice` is one this controller manages for `svc` (the label selector and
/// the owner reference the real controller checks).
fn owned_by(slice: &EndpointSlice, svc: &Service) -> bool {
    let labels = slice.labels();
    labels.get(LABEL_SERVICE_NAME).map(String::as_str) == Some(svc.name_any())
        && labels.get(LABEL_MANAGED_BY).map(String::as_str) == Some(CONTROLLER_NAME)
        && slice
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|o| o.kind == "Service" && o.api_version == "v1" && o.uid == svc.uid_any())
}

/// One pass over every Service; slices of Services that are gone go too (what the
/// garbage collector does with the owner reference). Returns whether anything changed.
fn sync(api: &mut ApiServer, now: SimTime, triggers: &mut TriggerTimes) -> bool {
    let mut changed = false;
    let services: Vec<Service> = api
        .services
        .list()
        .filter(|s| s.spec.as_ref().is_some_and(|s| s.selector.is_some()))
        .cloned()
        .collect();
    for svc in &services {
        let ns = svc.namespace_any().to_string();
        let existing: Vec<EndpointSlice> = api
            .endpoint_slices
            .list_namespace(&ns)
            .filter(|s| owned_by(s, svc))
            .cloned()
            .collect();
        let pods = selected(api, svc);
        let trigger = triggers.compute(svc, &pods);
        let plan = reconcile(svc, existing, desired(api, svc, &pods), trigger);
        for name in &plan.delete {
            changed |= api.delete_endpoint_slice(&ns, name).is_ok();
        }
        for slice in plan.update {
            changed |= api.update_endpoint_slice(slice).is_ok();
        }
        for slice in plan.create {
            changed |= api.create_managed_endpoint_slice(slice, now).is_ok();
        }
    }
    let orphans: Vec<(String, String)> = api
        .endpoint_slices
        .list()
        .filter(|s| s.labels().get(LABEL_MANAGED_BY).map(String::as_str) == Some(CONTROLLER_NAME))
        .filter(|s| !services.iter().any(|svc| owned_by(s, svc)))
        .map(|s| (s.namespace_any().to_string(), s.name_any().to_string()))
        .collect();
    for (ns, name) in orphans {
        changed |= api.delete_endpoint_slice(&ns, &name).is_ok();
    }
    triggers.retain(|ns, name| {
        services
            .iter()
            .any(|s| s.namespace_any() == ns && s.name_any() == name)
    });
    changed
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::Node;
    use k8s_openapi::api::core::v1::{
        ContainerPort, PodCondition, PodIP, PodSpec, PodStatus, ServicePort, ServiceSpec,
    };

    /// A pod labelled `app=web` with an IP (unless empty), Ready or not, on a node.
    pub(crate) fn pod(api: &mut ApiServer, name: &str, ip: &str, ready: bool, node: &str) {
        let mut p = Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some([("app".to_string(), "web".to_string())].into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![k8s_openapi::api::core::v1::Container {
                    name: "c".into(),
                    image: Some("nginx".into()),
                    ports: Some(vec![ContainerPort {
                        name: Some("http".into()),
                        container_port: if name.starts_with("alt") { 8080 } else { 80 },
                        ..Default::default()
                    }]),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: None,
        };
        let created = api.create_pod(p.clone(), SimTime(0)).unwrap().clone();
        p = created;
        p.spec.as_mut().unwrap().node_name = Some(node.into());
        p.status = Some(PodStatus {
            phase: Some("Running".into()),
            pod_ip: (!ip.is_empty()).then(|| ip.to_string()),
            pod_ips: (!ip.is_empty()).then(|| vec![PodIP { ip: ip.into() }]),
            conditions: Some(vec![PodCondition {
                type_: "Ready".into(),
                status: if ready { "True" } else { "False" }.into(),
                ..Default::default()
            }]),
            ..Default::default()
        });
        api.update_pod(p).unwrap();
    }

    pub(crate) fn service(api: &mut ApiServer, publish_not_ready: bool) {
        let svc = Service {
            metadata: ObjectMeta {
                name: Some("web".into()),
                ..Default::default()
            },
            spec: Some(ServiceSpec {
                selector: Some([("app".to_string(), "web".to_string())].into()),
                ports: Some(vec![ServicePort {
                    port: 80,
                    target_port: Some(IntOrString::String("http".into())),
                    ..Default::default()
                }]),
                publish_not_ready_addresses: publish_not_ready.then_some(true),
                ..Default::default()
            }),
            status: None,
        };
        api.create_service(svc, SimTime(0)).unwrap();
    }

    pub(crate) fn node(api: &mut ApiServer, name: &str, zone: Option<&str>) {
        let mut labels = BTreeMap::new();
        if let Some(z) = zone {
            labels.insert(ZONE.to_string(), z.to_string());
        }
        let n = Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some(labels),
                ..Default::default()
            },
            ..Default::default()
        };
        api.create_node(n, SimTime(0)).unwrap();
    }

    fn slices(api: &ApiServer) -> Vec<EndpointSlice> {
        api.endpoint_slices.list().cloned().collect()
    }

    /// (pod, ready, serving, terminating, node, zone) of every endpoint, slice by slice.
    type Row = (String, bool, bool, bool, String, String);

    fn rows(api: &ApiServer) -> Vec<Vec<Row>> {
        slices(api)
            .iter()
            .map(|s| {
                s.endpoints
                    .iter()
                    .map(|e| {
                        let c = e.conditions.clone().unwrap_or_default();
                        (
                            e.target_ref
                                .as_ref()
                                .and_then(|r| r.name.clone())
                                .unwrap_or_default(),
                            c.ready.unwrap_or_default(),
                            c.serving.unwrap_or_default(),
                            c.terminating.unwrap_or_default(),
                            e.node_name.clone().unwrap_or_default(),
                            e.zone.clone().unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    fn row(
        pod: &str,
        ready: bool,
        serving: bool,
        terminating: bool,
        node: &str,
        zone: &str,
    ) -> Row {
        (
            pod.into(),
            ready,
            serving,
            terminating,
            node.into(),
            zone.into(),
        )
    }

    #[test]
    fn conditions_follow_readiness_and_deletion() {
        // (publishNotReadyAddresses, expected rows)
        let table: [(bool, Vec<Row>); 2] = [
            (
                false,
                vec![
                    row("a", true, true, false, "n1", "zone-a"),
                    row("b", false, false, false, "n2", ""),
                    row("d", false, true, true, "n1", "zone-a"),
                ],
            ),
            (
                true,
                vec![
                    row("a", true, true, false, "n1", "zone-a"),
                    row("b", true, false, false, "n2", ""),
                    row("d", true, true, true, "n1", "zone-a"),
                ],
            ),
        ];
        for (publish, want) in table {
            let mut api = ApiServer::new(1, SimTime(0));
            node(&mut api, "n1", Some("zone-a"));
            node(&mut api, "n2", None);
            service(&mut api, publish);
            pod(&mut api, "a", "10.244.1.2", true, "n1");
            pod(&mut api, "b", "10.244.2.2", false, "n2");
            // No IP yet: not an endpoint.
            pod(&mut api, "c", "", true, "n1");
            pod(&mut api, "d", "10.244.1.3", true, "n1");
            api.delete_pod_gracefully("default", "d", Some(30), SimTime(0))
                .unwrap();
            assert!(sync(&mut api, SimTime(0), &mut TriggerTimes::default()));
            assert_eq!(rows(&api), vec![want], "publishNotReadyAddresses={publish}");
            let s = &slices(&api)[0];
            assert_eq!(s.address_type, "IPv4");
            assert!(s.metadata.name.as_deref().unwrap().starts_with("web-"));
            assert_eq!(s.metadata.generate_name.as_deref(), Some("web-"));
            assert_eq!(
                s.labels().get(LABEL_MANAGED_BY).map(String::as_str),
                Some(CONTROLLER_NAME)
            );
            assert_eq!(
                s.labels().get(LABEL_SERVICE_NAME).map(String::as_str),
                Some("web")
            );
            let owner = &s.metadata.owner_references.as_ref().unwrap()[0];
            assert_eq!(
                (owner.kind.as_str(), owner.name.as_str()),
                ("Service", "web")
            );
            let port = &s.ports.as_ref().unwrap()[0];
            assert_eq!((port.name.as_deref(), port.port), (Some(""), Some(80)));
            // Nothing changed: nothing to do.
            assert!(!sync(&mut api, SimTime(0), &mut TriggerTimes::default()));
        }
    }

    #[test]
    fn placeholder_slices_and_port_groups() {
        let mut api = ApiServer::new(1, SimTime(0));
        node(&mut api, "n1", None);
        service(&mut api, false);
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let placeholder = slices(&api);
        assert_eq!(placeholder.len(), 1);
        assert!(placeholder[0].ports.is_none() && placeholder[0].endpoints.is_empty());
        assert!(
            !sync(&mut api, SimTime(0), &mut TriggerTimes::default()),
            "the placeholder stays"
        );

        // Pods whose named port resolves differently land in slices of their own;
        // the placeholder goes.
        pod(&mut api, "a", "10.244.1.2", true, "n1");
        pod(&mut api, "alt", "10.244.1.3", true, "n1");
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let ports: Vec<Option<i32>> = slices(&api)
            .iter()
            .map(|s| s.ports.as_ref().unwrap()[0].port)
            .collect();
        let mut sorted = ports.clone();
        crate::sort::sort_by_key(&mut sorted, |p| *p);
        assert_eq!(sorted, [Some(80), Some(8080)]);
        assert!(slices(&api).iter().all(|s| s.endpoints.len() == 1));

        // A pod turning not ready updates its slice in place (a new generation).
        let before = slices(&api);
        pod_readiness(&mut api, "a", false);
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let after = slices(&api);
        assert_eq!(names(&before), names(&after));
        let a = after
            .iter()
            .find(|s| s.endpoints[0].addresses[0] == "10.244.1.2")
            .unwrap();
        assert_eq!(
            a.endpoints[0].conditions.as_ref().unwrap().ready,
            Some(false)
        );
        assert_eq!(a.metadata.generation, Some(2));

        // The pods go: their slices go and a new placeholder comes.
        api.delete_pod("default", "a").unwrap();
        api.delete_pod("default", "alt").unwrap();
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let last = slices(&api);
        assert_eq!(last.len(), 1);
        assert!(last[0].ports.is_none());
        assert!(!names(&before).contains(&last[0].name_any().to_string()));

        // The Service goes: so do its slices.
        api.delete_service("default", "web").unwrap();
        assert!(sync(&mut api, SimTime(0), &mut TriggerTimes::default()));
        assert!(slices(&api).is_empty());
    }

    #[test]
    fn a_hundred_endpoints_to_a_slice() {
        let mut api = ApiServer::new(1, SimTime(0));
        node(&mut api, "n1", None);
        service(&mut api, false);
        for i in 0..150 {
            pod(
                &mut api,
                &format!("p{i:03}"),
                &format!("10.244.{}.{}", i / 200 + 1, i % 200 + 2),
                true,
                "n1",
            );
        }
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let mut sizes: Vec<usize> = slices(&api).iter().map(|s| s.endpoints.len()).collect();
        crate::sort::sort_by_key(&mut sizes, |n| *n);
        assert_eq!(sizes, [50, 100]);
    }

    #[test]
    fn hostname_when_the_subdomain_is_the_service() {
        let mut api = ApiServer::new(1, SimTime(0));
        node(&mut api, "n1", None);
        service(&mut api, false);
        pod(&mut api, "a", "10.244.1.2", true, "n1");
        pod(&mut api, "b", "10.244.1.3", true, "n1");
        for (name, subdomain) in [("a", "web"), ("b", "other")] {
            let mut p = api.pods.get("default", name).unwrap().clone();
            let spec = p.spec.as_mut().unwrap();
            spec.hostname = Some(format!("{name}-host"));
            spec.subdomain = Some(subdomain.into());
            api.update_pod(p).unwrap();
        }
        sync(&mut api, SimTime(0), &mut TriggerTimes::default());
        let hosts: Vec<Option<String>> = slices(&api)[0]
            .endpoints
            .iter()
            .map(|e| e.hostname.clone())
            .collect();
        assert_eq!(hosts, [Some("a-host".to_string()), None]);
    }

    fn names(s: &[EndpointSlice]) -> Vec<String> {
        s.iter().map(|s| s.name_any().to_string()).collect()
    }

    fn pod_readiness(api: &mut ApiServer, name: &str, ready: bool) {
        let mut p = api.pods.get("default", name).unwrap().clone();
        let status = if ready { "True" } else { "False" };
        for c in p.status.as_mut().unwrap().conditions.as_mut().unwrap() {
            c.status = status.into();
        }
        api.update_pod(p).unwrap();
    }
}
