//! Service admission: the defaults the API server fills in (SetDefaults_Service and the
//! service REST strategy), validation with its messages, and the allocators for
//! cluster IPs (10.96.0.0/12) and node ports (30000-32767).

use super::error::{ApiError, FieldError};
use crate::clock::Rng;
use crate::model::Service;
use k8s_openapi::api::core::v1::{LoadBalancerStatus, ServiceStatus};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The service CIDR: 10.96.0.0/12.
const SERVICE_NET: u32 = 0x0a60_0000;
const SERVICE_SIZE: u32 = 1 << 20;
pub const NODE_PORT_MIN: i32 = 30000;
pub const NODE_PORT_MAX: i32 = 32767;

fn ip_text(ip: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 255,
        (ip >> 8) & 255,
        ip & 255
    )
}

fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s
        .split('.')
        .map(|p| p.parse::<u8>().ok().map(u32::from))
        .collect::<Option<_>>()?;
    (parts.len() == 4).then(|| parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3])
}

const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

/// Defaults, validates and allocates; `existing` are the services already stored.
pub fn admit(svc: &mut Service, existing: &[&Service], rng: &mut Rng) -> Result<(), ApiError> {
    let name = svc.metadata.name.clone().unwrap_or_default();
    let invalid = |causes: Vec<FieldError>| ApiError::Invalid {
        kind: "Service",
        name: name.clone(),
        causes,
    };
    let spec = svc.spec.get_or_insert_with(Default::default);
    let type_ = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    if !TYPES.contains(&type_.as_str()) {
        return Err(invalid(vec![FieldError::not_supported(
            "spec.type",
            &type_,
            TYPES,
        )]));
    }
    let affinity = spec.session_affinity.get_or_insert_with(|| "None".into());
    if affinity == "None" {
        spec.session_affinity_config = None;
    } else if affinity == "ClientIP" {
        let config = spec
            .session_affinity_config
            .get_or_insert_with(Default::default);
        let client_ip = config.client_ip.get_or_insert_with(Default::default);
        // DefaultClientIPServiceAffinitySeconds: three hours.
        client_ip.timeout_seconds.get_or_insert(10800);
    }
    if type_ == "LoadBalancer" {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
    }
    let mut causes = Vec::new();
    let ports = spec.ports.get_or_insert_with(Vec::new);
    if ports.is_empty() && type_ != "ExternalName" {
        causes.push(FieldError::required("spec.ports", ""));
    }
    let multi = ports.len() > 1;
    for (i, p) in ports.iter_mut().enumerate() {
        p.protocol.get_or_insert_with(|| "TCP".into());
        if !(1..=65535).contains(&p.port) {
            causes.push(FieldError::invalid_int(
                format!("spec.ports[{i}].port"),
                i64::from(p.port),
                "must be between 1 and 65535, inclusive",
            ));
        }
        if multi && p.name.as_deref().unwrap_or("").is_empty() {
            causes.push(FieldError::required(format!("spec.ports[{i}].name"), ""));
        }
        match &p.target_port {
            None => p.target_port = Some(IntOrString::Int(p.port)),
            Some(IntOrString::Int(0)) => p.target_port = Some(IntOrString::Int(p.port)),
            Some(IntOrString::Int(t)) if !(1..=65535).contains(t) => {
                causes.push(FieldError::invalid_int(
                    format!("spec.ports[{i}].targetPort"),
                    i64::from(*t),
                    "must be between 1 and 65535, inclusive",
                ))
            }
            _ => {}
        }
        if type_ == "ClusterIP" && p.node_port.is_some_and(|n| n != 0) {
            causes.push(FieldError::forbidden(
                format!("spec.ports[{i}].nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            ));
        }
    }
    if !causes.is_empty() {
        return Err(invalid(causes));
    }
    if type_ == "ExternalName" {
        return Ok(());
    }
    spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
    spec.ip_family_policy
        .get_or_insert_with(|| "SingleStack".into());
    spec.internal_traffic_policy
        .get_or_insert_with(|| "Cluster".into());
    if type_ == "NodePort" || type_ == "LoadBalancer" {
        spec.external_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
    }
    // Cluster IP: the one asked for if free, else a random free one.
    let used: Vec<u32> = existing
        .iter()
        .filter_map(|s| s.spec.as_ref()?.cluster_ip.as_deref().and_then(parse_ip))
        .collect();
    match spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
        Some(ip) if ip == "None" => {}
        Some(ip) => {
            let field = "spec.clusterIPs";
            let shown = format!("[]string{{\"{ip}\"}}");
            let err =
                |detail: String| invalid(vec![FieldError::invalid_raw(field, &shown, &detail)]);
            let Some(n) = parse_ip(&ip) else {
                return Err(err(format!("failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12")));
            };
            if !(SERVICE_NET..SERVICE_NET + SERVICE_SIZE).contains(&n) {
                return Err(err(format!("failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12")));
            }
            if used.contains(&n) {
                return Err(err(format!(
                    "failed to allocate IP {ip}: provided IP is already allocated"
                )));
            }
        }
        None => {
            let ip = loop {
                // Skip the network address and the first (the kubernetes service's).
                let n = SERVICE_NET + 2 + rng.below(u64::from(SERVICE_SIZE - 3)) as u32;
                if !used.contains(&n) {
                    break n;
                }
            };
            spec.cluster_ip = Some(ip_text(ip));
        }
    }
    if let Some(ip) = spec.cluster_ip.clone() {
        spec.cluster_ips = Some(vec![ip]);
    }
    if type_ == "NodePort" || type_ == "LoadBalancer" {
        let mut taken: Vec<i32> = existing
            .iter()
            .flat_map(|s| {
                s.spec
                    .iter()
                    .flat_map(|sp| sp.ports.iter().flatten())
                    .filter_map(|p| p.node_port)
            })
            .collect();
        let mut causes = Vec::new();
        for (i, p) in spec.ports.iter_mut().flatten().enumerate() {
            match p.node_port.filter(|n| *n != 0) {
                Some(n) if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&n) => causes.push(FieldError::invalid_int(
                    format!("spec.ports[{i}].nodePort"),
                    i64::from(n),
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                )),
                Some(n) if taken.contains(&n) => causes.push(FieldError::invalid_int(
                    format!("spec.ports[{i}].nodePort"),
                    i64::from(n),
                    "provided port is already allocated",
                )),
                Some(n) => taken.push(n),
                None => {
                    let n = loop {
                        let n = NODE_PORT_MIN + rng.below((NODE_PORT_MAX - NODE_PORT_MIN + 1) as u64) as i32;
                        if !taken.contains(&n) {
                            break n;
                        }
                    };
                    taken.push(n);
                    p.node_port = Some(n);
                }
            }
        }
        if !causes.is_empty() {
            return Err(invalid(causes));
        }
    }
    svc.status = Some(ServiceStatus {
        load_balancer: Some(LoadBalancerStatus::default()),
        ..Default::default()
    });
    Ok(())
}

/// The cluster IP of the `kubernetes` service.
pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";
