//! `kubectl expose pod|service NAME`: a new Service selecting what the object selects,
//! with its ports, as expose.go builds it.

use super::command::{Command, Group, Operands};
use super::common::{dry_run, print_object, DryRun};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::ports::Protocol;
use crate::model::{Object, ObjectMeta, Service};
use crate::Cluster;
use k8s_openapi::api::core::v1::{ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in text.split(',') {
        match pair.split_once('=') {
            Some(("", _)) => return Err("unexpected empty label key".into()),
            Some((k, v)) => {
                out.insert(k.to_string(), v.to_string());
            }
            None => return Err(format!("unexpected label spec: {pair}")),
        }
    }
    Ok(out)
}

/// From the exposed object: its labels, the selector (or why there is none), and its
/// ports with their protocols.
type Introspected = (
    Option<BTreeMap<String, String>>,
    Result<BTreeMap<String, String>, String>,
    Vec<(i32, Protocol)>,
);

pub(super) const COMMAND: Command = Command {
    name: "expose",
    aliases: &[],
    group: Group::Beginner,
    summary: "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
    usage: "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]",
    flags: &[
        NAMESPACE,
        flag("port", None, Kind::String).help("The port that the service should serve on. Copied from the resource being exposed, if unspecified"),
        flag("target-port", None, Kind::String).help("Name or number for the port on the container that the service should direct traffic to. Optional."),
        flag("protocol", None, Kind::String).help("The network protocol for the service to be created. Default is 'TCP'."),
        flag("type", None, Kind::String).help("Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'."),
        flag("name", None, Kind::String).help("The name for the newly created object."),
        flag("selector", None, Kind::String).help("A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)"),
        flag("labels", Some('l'), Kind::String).help("Labels to apply to the service created by this call."),
        flag("external-ip", None, Kind::String).help("Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP."),
        flag("cluster-ip", None, Kind::String).help("ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service."),
        OUTPUT,
        DRY_RUN,
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let ns = p.string("namespace").unwrap_or("default").to_string();
    let (kind, name) = match p.positionals.as_slice() {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n, ..] => (k.clone(), n.clone()),
        _ => {
            out.fail(super::common::NO_RESOURCES);
            return;
        }
    };
    let Some(rt) = super::resources::lookup(&kind) else {
        out.err(format!(
            "error: the server doesn't have a resource type {kind:?}\n"
        ));
        out.exit_code = 1;
        return;
    };
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    // What the object selects, its labels, its ports and their protocols.
    let (obj_labels, selector, ports): Introspected = match rt.kind {
        "Pod" => {
            let Some(pod) = cluster.api().pods.get(&ns, &name).cloned() else {
                out.not_found("pods", &name);
                return;
            };
            let labels = pod.metadata.labels.clone().filter(|l| !l.is_empty());
            let selector = labels
                .clone()
                .ok_or_else(|| "the pod has no labels and cannot be exposed".to_string());
            let ports = pod
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .flat_map(|c| c.ports.iter().flatten())
                .map(|cp| (cp.container_port, Protocol::of(cp.protocol.as_deref())))
                .collect();
            (labels, selector, ports)
        }
        "Service" => {
            let Some(svc) = cluster.api().services.get(&ns, &name).cloned() else {
                out.not_found("services", &name);
                return;
            };
            let spec = svc.spec.clone().unwrap_or_default();
            let selector = spec
                .selector
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| "the service has no pod selector set".to_string());
            let ports = spec
                .ports
                .iter()
                .flatten()
                .map(|sp| (sp.port, Protocol::of(sp.protocol.as_deref())))
                .collect();
            (svc.metadata.labels.clone(), selector, ports)
        }
        _ => {
            out.fail(format!("cannot expose a {}", rt.kind));
            return;
        }
    };
    let selector = match p.string("selector") {
        Some(s) => match parse_labels(s) {
            Ok(s) => s,
            Err(e) => return out.fail(e),
        },
        None => match selector {
            Ok(s) => s,
            Err(e) => {
                out.fail(format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {e}"
                ));
                return;
            }
        },
    };
    let port_text: Vec<String> = match p.string("port") {
        Some(port) => vec![port.to_string()],
        None if ports.is_empty() => {
            out.fail("couldn't find port via --port flag or introspection");
            return;
        }
        None => ports.iter().map(|(p, _)| p.to_string()).collect(),
    };
    let multi = port_text.len() > 1;
    let mut svc_ports = Vec::new();
    for (i, text) in port_text.iter().enumerate() {
        let Ok(port) = text.parse::<i32>() else {
            out.fail(format!("strconv.Atoi: parsing {text:?}: invalid syntax"));
            return;
        };
        let protocol = p
            .string("protocol")
            .map(Protocol::parse)
            .or_else(|| {
                ports
                    .iter()
                    .find(|(pp, _)| *pp == port)
                    .map(|(_, pr)| pr.clone())
            })
            .unwrap_or_default();
        let target = match p.string("target-port") {
            Some(t) => match t.parse::<i32>() {
                Ok(n) => IntOrString::Int(n),
                Err(_) => IntOrString::String(t.to_string()),
            },
            None => IntOrString::Int(port),
        };
        svc_ports.push(ServicePort {
            name: multi.then(|| format!("port-{}", i + 1)),
            port,
            protocol: Some(protocol.to_string()),
            target_port: Some(target),
            ..Default::default()
        });
    }
    let labels = match p.string("labels") {
        Some(l) => match parse_labels(l) {
            Ok(l) => Some(l),
            Err(e) => return out.fail(e),
        },
        None => obj_labels,
    };
    let svc_name = p
        .string("name")
        .map(str::to_string)
        .unwrap_or_else(|| name.chars().take(63).collect());
    let svc = Service {
        metadata: ObjectMeta {
            name: Some(svc_name),
            namespace: Some(ns),
            labels,
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            selector: Some(selector),
            ports: Some(svc_ports),
            type_: p.string("type").map(str::to_string),
            external_ips: p.string("external-ip").map(|ip| vec![ip.to_string()]),
            cluster_ip: p.string("cluster-ip").map(str::to_string),
            ..Default::default()
        }),
        status: None,
    };
    let object = Object::Service(Box::new(svc));
    let output = p.string("output");
    let result = match mode {
        DryRun::Client => {
            // What the generator made: no namespace but one given with -n, and its zero
            // ServiceStatus (`loadBalancer: {}`).
            let mut object = object;
            if let Object::Service(svc) = &mut object {
                svc.metadata.namespace = p.string("namespace").map(str::to_string);
                svc.status = Some(k8s_openapi::api::core::v1::ServiceStatus {
                    load_balancer: Some(Default::default()),
                    conditions: None,
                });
            }
            print_object(&object, output, "exposed (dry run)", out);
            return;
        }
        DryRun::Server => cluster
            .dry_run_create(object)
            .map(|o| (o, "exposed (server dry run)")),
        DryRun::None => cluster.create(object).map(|o| (o, "exposed")),
    };
    match result {
        Ok((o, verb)) => {
            print_object(&o, output, verb, out);
        }
        Err(e) => out.api_error(&e),
    }
}
