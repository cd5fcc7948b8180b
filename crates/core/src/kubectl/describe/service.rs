//! `kubectl describe service` (describeService).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::ports::Protocol;
use crate::model::Event;
use crate::model::ResourceExt;

/// `kubectl describe service` (describeService; endpoints as the slices give them).
pub fn service(
    svc: &crate::model::Service,
    endpoints: Option<&k8s_openapi::api::core::v1::Endpoints>,
    svc_events: &[&Event],
    now: SimTime,
) -> String {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let mut w = Writer::new();
    let spec = svc.spec.clone().unwrap_or_default();
    w.write(0, &format!("Name:\t{}\n", svc.name_any()));
    w.write(0, &format!("Namespace:\t{}\n", svc.namespace_any()));
    labels(&mut w, "Labels", Some(svc.labels()));
    labels(&mut w, "Annotations", svc.metadata.annotations.as_ref());
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
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        let eps = match endpoints {
            None => "<none>".to_string(),
            Some(e) => crate::kubectl::printers::endpoints(e).replace("<none>", ""),
        };
        w.write(0, &format!("Endpoints:\t{eps}\n"));
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
