//! `kubectl describe service` (describeService) and `kubectl describe endpointslice`
//! (describeEndpointSliceV1).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::ports::Protocol;
use crate::model::{EndpointSlice, Event};

/// `kubectl describe service` (describeService): each port's Endpoints line from the
/// Service's EndpointSlices (those labelled `kubernetes.io/service-name=NAME`).
pub fn service(
    svc: &crate::model::Service,
    slices: &[&EndpointSlice],
    svc_events: &[&Event],
    now: SimTime,
) -> String {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let mut w = Writer::new();
    let spec = svc.spec.clone().unwrap_or_default();
    object_header(&mut w, &svc.metadata);
    let selector = spec
        .selector
        .as_ref()
        .map(|s| {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into());
    w.write(0, &format!("Selector:\t{selector}\n"));
    w.write(
        0,
        &format!("Type:\t{}\n", spec.type_.as_deref().unwrap_or_default()),
    );
    if let Some(p) = &spec.ip_family_policy {
        w.write(0, &format!("IP Family Policy:\t{p}\n"));
    }
    match spec.ip_families.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(0, &format!("IP Families:\t{}\n", f.join(","))),
        None => w.write(0, "IP Families:\t<none>\n"),
    }
    w.write(
        0,
        &format!("IP:\t{}\n", spec.cluster_ip.as_deref().unwrap_or_default()),
    );
    match spec.cluster_ips.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(0, &format!("IPs:\t{}\n", f.join(","))),
        None => w.write(0, "IPs:\t<none>\n"),
    }
    if let Some(ips) = spec.external_ips.as_ref().filter(|v| !v.is_empty()) {
        w.write(0, &format!("External IPs:\t{}\n", ips.join(",")));
    }
    for sp in spec.ports.iter().flatten() {
        let name = sp
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".into());
        let proto = Protocol::of(sp.protocol.as_deref());
        w.write(0, &format!("Port:\t{name}\t{}/{proto}\n", sp.port));
        match &sp.target_port {
            Some(IntOrString::String(s)) => w.write(0, &format!("TargetPort:\t{s}/{proto}\n")),
            Some(IntOrString::Int(n)) => w.write(0, &format!("TargetPort:\t{n}/{proto}\n")),
            None => w.write(0, &format!("TargetPort:\t0/{proto}\n")),
        }
        if let Some(p) = &sp.app_protocol {
            w.write(0, &format!("AppProtocol:\t{p}\n"));
        }
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        let port_name = sp.name.as_deref().unwrap_or_default();
        w.write(
            0,
            &format!("Endpoints:\t{}\n", endpoint_slices(slices, port_name)),
        );
    }
    w.write(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            spec.session_affinity.as_deref().unwrap_or_default()
        ),
    );
    if let Some(p) = &spec.external_traffic_policy {
        w.write(0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.write(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    events(&mut w, svc_events, now);
    w.finish()
}

/// formatEndpointSlices for one port name: the ready endpoints' `ip:port` (an
/// endpoint without a ready condition counts as ready), three at most, then `+ N
/// more...`. No slices at all is `<none>`; slices without a ready endpoint give the
/// empty string.
pub fn endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let (mut more, mut count) = (false, 0usize);
    let ready = |e: &k8s_openapi::api::discovery::v1::Endpoint| {
        e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true)
    };
    for s in slices {
        let ports = s.ports.as_deref().unwrap_or_default();
        // Headless services may have no ports: their endpoints are bare addresses.
        let targets: Vec<Option<i32>> = if ports.is_empty() {
            vec![None]
        } else {
            ports
                .iter()
                .filter(|p| p.name.as_deref() == Some(port_name))
                .map(|p| Some(p.port.unwrap_or_default()))
                .collect()
        };
        for port in targets {
            for e in &s.endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    let addr = e.addresses.first().map(String::as_str).unwrap_or_default();
                    list.push(match port {
                        Some(port) => format!("{addr}:{port}"),
                        None => addr.to_string(),
                    });
                }
                count += 1;
            }
        }
    }
    let shown = list.join(",");
    if more {
        format!("{shown} + {} more...", count.saturating_sub(MAX))
    } else {
        shown
    }
}

/// `kubectl describe endpointslice` (describeEndpointSliceV1).
pub fn endpoint_slice(s: &EndpointSlice, slice_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    object_header(&mut w, &s.metadata);
    w.write(0, &format!("AddressType:\t{}\n", s.address_type));
    match s.ports.as_deref().filter(|p| !p.is_empty()) {
        None => w.write(0, "Ports: <unset>\n"),
        Some(ports) => {
            w.write(0, "Ports:\n");
            w.write(1, "Name\tPort\tProtocol\n");
            w.write(1, "----\t----\t--------\n");
            for p in ports {
                let name = p.name.as_deref().filter(|n| !n.is_empty());
                let port = p.port.map_or_else(|| "<unset>".into(), |n| n.to_string());
                w.write(
                    1,
                    &format!(
                        "{}\t{port}\t{}\n",
                        name.unwrap_or("<unset>"),
                        p.protocol.as_deref().unwrap_or_default()
                    ),
                );
            }
        }
    }
    if s.endpoints.is_empty() {
        w.write(0, "Endpoints: <none>\n");
    } else {
        w.write(0, "Endpoints:\n");
        let unset = |v: Option<&str>| v.unwrap_or("<unset>").to_string();
        for e in &s.endpoints {
            let addresses = Some(e.addresses.join(", ")).filter(|a| !a.is_empty());
            w.write(
                1,
                &format!("- Addresses:\t{}\n", unset(addresses.as_deref())),
            );
            w.write(2, "Conditions:\n");
            let ready = e.conditions.as_ref().and_then(|c| c.ready);
            let ready = ready.map_or_else(|| "<unset>".into(), |r| r.to_string());
            w.write(3, &format!("Ready:\t{ready}\n"));
            w.write(2, &format!("Hostname:\t{}\n", unset(e.hostname.as_deref())));
            if let Some(r) = &e.target_ref {
                w.write(
                    2,
                    &format!(
                        "TargetRef:\t{}/{}\n",
                        r.kind.as_deref().unwrap_or_default(),
                        r.name.as_deref().unwrap_or_default()
                    ),
                );
            }
            w.write(
                2,
                &format!("NodeName:\t{}\n", unset(e.node_name.as_deref())),
            );
            w.write(2, &format!("Zone:\t{}\n", unset(e.zone.as_deref())));
        }
    }
    events(&mut w, slice_events, now);
    w.finish()
}
