//! `kubectl describe namespace` (describeNamespace), `kubectl describe endpoints`
//! (describeEndpoints) and `kubectl describe priorityclass` (describePriorityClass).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::{Endpoints, Event, Namespace, PriorityClass};

/// `kubectl describe namespace`: status and conditions, then the quotas and limit
/// ranges (a cluster has none until they are made; Podlab makes none).
pub fn namespace(ns: &Namespace) -> String {
    let mut w = Writer::new();
    let meta = &ns.metadata;
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    let status = ns.status.clone().unwrap_or_default();
    w.write(
        0,
        &format!("Status:\t{}\n", status.phase.as_deref().unwrap_or_default()),
    );
    if let Some(conditions) = status.conditions.filter(|c| !c.is_empty()) {
        w.write(0, "Conditions:\n");
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.write(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or_default(),
                    c.message.as_deref().unwrap_or_default()
                ),
            );
        }
    }
    w.write(0, "\nNo resource quota.\n");
    w.write(0, "\nNo LimitRange resource.\n");
    w.finish()
}

/// `kubectl describe endpoints`: each subset's ready and not-ready addresses and ports.
pub fn endpoints(ep: &Endpoints, ep_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    object_header(&mut w, &ep.metadata);
    w.write(0, "Subsets:\n");
    for subset in ep.subsets.iter().flatten() {
        let ips = |addresses: Option<&Vec<k8s_openapi::api::core::v1::EndpointAddress>>| {
            let ips: Vec<&str> = addresses
                .into_iter()
                .flatten()
                .map(|a| a.ip.as_str())
                .collect();
            or_none(&ips.join(",")).to_string()
        };
        w.write(
            1,
            &format!("Addresses:\t{}\n", ips(subset.addresses.as_ref())),
        );
        w.write(
            1,
            &format!(
                "NotReadyAddresses:\t{}\n",
                ips(subset.not_ready_addresses.as_ref())
            ),
        );
        if let Some(ports) = subset.ports.as_ref().filter(|p| !p.is_empty()) {
            w.write(1, "Ports:\n");
            w.write(2, "Name\tPort\tProtocol\n");
            w.write(2, "----\t----\t--------\n");
            for p in ports {
                w.write(
                    2,
                    &format!(
                        "{}\t{}\t{}\n",
                        p.name
                            .as_deref()
                            .filter(|n| !n.is_empty())
                            .unwrap_or("<unset>"),
                        p.port,
                        p.protocol.as_deref().unwrap_or_default()
                    ),
                );
            }
        }
        w.write(0, "\n");
    }
    events(&mut w, ep_events, now);
    w.finish()
}

/// `kubectl describe priorityclass`: value, default, preemption policy, description,
/// annotations (as `labels.FormatLabels` prints them), events.
pub fn priority_class(pc: &PriorityClass, pc_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let name = pc.metadata.name.as_deref().unwrap_or_default();
    w.write(0, &format!("Name:\t{name}\n"));
    w.write(0, &format!("Value:\t{}\n", pc.value));
    w.write(
        0,
        &format!("GlobalDefault:\t{}\n", pc.global_default.unwrap_or(false)),
    );
    w.write(
        0,
        &format!(
            "PreemptionPolicy:\t{}\n",
            pc.preemption_policy.as_deref().unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!(
            "Description:\t{}\n",
            pc.description.as_deref().unwrap_or_default()
        ),
    );
    let annotations: Vec<String> = pc
        .metadata
        .annotations
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.write(
        0,
        &format!("Annotations:\t{}\n", or_none(&annotations.join(","))),
    );
    events(&mut w, pc_events, now);
    w.finish()
}
