//! `kubectl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...`: forwards local ports
//! to a pod's (a Service's or a Deployment's pod, as kubectl picks it) until Ctrl-C.
//! The front end's browser reaches `http://localhost:LOCAL_PORT` through it
//! ([`PortForward::get`]); when the pod goes away the forward ends as kubectl's does.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::{FileSource, Follow, Output, Polled};
use crate::model::labels::Selector;
use crate::model::Pod;
use crate::net::{HttpResponse, NetError};
use crate::Cluster;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(super) const COMMAND: Command = Command {
    name: "port-forward",
    aliases: &[],
    group: Group::Troubleshooting,
    summary: "Forward one or more local ports to a pod",
    usage: "kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
    flags: &[
        NAMESPACE,
        flag("address", None, Kind::String).default("[localhost]").help("Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubectl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind."),
        flag("pod-running-timeout", None, Kind::String).default("1m0s").help("The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running"),
    ],
    operands: Operands::Pod,
    subcommands: &[],
    run,
};

/// A forward that runs: the pod and the port pairs (local, the pod's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortForward {
    pub namespace: String,
    pub pod: String,
    uid: String,
    ip: String,
    pub ports: Vec<(u16, u16)>,
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let ns = p.string("namespace").unwrap_or("default").to_string();
    let [target, ports @ ..] = p.positionals.as_slice() else {
        return usage(out);
    };
    if ports.is_empty() {
        return usage(out);
    }
    if let Some(address) = p.string("address") {
        if address != "localhost" && address != "127.0.0.1" {
            return out.fail(format!(
                "podlab: the forward listens on localhost only, not {address:?}"
            ));
        }
    }
    let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
    let api = cluster.api();
    let (pod, service) = match kind {
        "pod" | "pods" | "po" => match api.pods.get(&ns, name) {
            Some(pod) => (pod.clone(), None),
            None => return out.not_found("pods", name),
        },
        "svc" | "service" | "services" => {
            let Some(svc) = api.services.get(&ns, name).cloned() else {
                return out.not_found("services", name);
            };
            let labels = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default();
            let Some(pod) =
                super::common::first_pod(cluster, &ns, &Selector::from_labels(&labels), out)
            else {
                return;
            };
            (pod, Some(svc))
        }
        "deploy" | "deployment" | "deployments" | "deployment.apps" | "deployments.apps" => {
            let Some(d) = api.deployments.get(&ns, name) else {
                return out.not_found("deployments.apps", name);
            };
            let selector = d
                .spec
                .as_ref()
                .map(|s| s.selector.clone())
                .unwrap_or_default();
            let Ok(selector) = Selector::from_label_selector(&selector) else {
                return out.fail("invalid label selector");
            };
            let Some(pod) = super::common::first_pod(cluster, &ns, &selector, out) else {
                return;
            };
            (pod, None)
        }
        _ => {
            return out.fail(format!(
                "cannot attach to {}: not implemented",
                super::resources::lookup(kind).map_or(kind, |rt| rt.kind)
            ))
        }
    };
    let mut pairs = Vec::new();
    for spec in ports {
        let (local, remote) = spec.split_once(':').unwrap_or((spec, spec));
        if local.is_empty() {
            return out.fail(format!(
                "podlab: choose the local port ({}:{remote}): a random one is not supported",
                remote
            ));
        }
        let Ok(local) = local.parse::<u16>() else {
            return out.fail(format!("Error parsing local port '{local}': strconv.ParseUint: parsing {local:?}: invalid syntax"));
        };
        let remote = match &service {
            Some(svc) => match service_target(svc, &pod, remote) {
                Ok(port) => port,
                Err(e) => return out.fail(e),
            },
            None => match pod_port(&pod, remote) {
                Ok(port) => port,
                Err(e) => return out.fail(e),
            },
        };
        pairs.push((local, remote));
    }
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    if phase != "Running" {
        return out.fail(format!(
            "unable to forward port because pod is not running. Current status={phase}"
        ));
    }
    for (local, remote) in &pairs {
        out.out(format!(
            "Forwarding from 127.0.0.1:{local} -> {remote}\nForwarding from [::1]:{local} -> {remote}\n"
        ));
    }
    out.follow = Some(Follow::PortForward(Box::new(PortForward {
        namespace: ns,
        pod: pod.metadata.name.clone().unwrap_or_default(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        ip: pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default(),
        ports: pairs,
    })));
}

fn usage(out: &mut Output) {
    out.fail("TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples");
}

/// A pod's port by number or by a container port's name.
fn pod_port(pod: &Pod, port: &str) -> Result<u16, String> {
    if let Ok(n) = port.parse::<u16>() {
        return Ok(n);
    }
    pod.spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .find(|p| p.name.as_deref() == Some(port))
        .and_then(|p| u16::try_from(p.container_port).ok())
        .ok_or_else(|| {
            format!(
                "Pod '{}' does not have a named port '{port}'",
                pod.metadata.name.as_deref().unwrap_or_default()
            )
        })
}

/// kubectl's translateServicePortToTargetPort: the Service's port (by number or name)
/// becomes its targetPort on the pod.
fn service_target(svc: &crate::model::Service, pod: &Pod, port: &str) -> Result<u16, String> {
    let name = svc.metadata.name.as_deref().unwrap_or_default();
    let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
    let found = ports.into_iter().flatten().find(|sp| {
        port.parse::<i32>()
            .map_or(sp.name.as_deref() == Some(port), |n| sp.port == n)
    });
    let Some(sp) = found else {
        return Err(match port.parse::<i32>() {
            Ok(n) => format!("Service {name} does not have a service port {n}"),
            Err(_) => format!("Service '{name}' does not have a named port '{port}'"),
        });
    };
    match &sp.target_port {
        Some(IntOrString::Int(n)) => u16::try_from(*n).map_err(|e| e.to_string()),
        Some(IntOrString::String(named)) => pod_port(pod, named),
        None => u16::try_from(sp.port).map_err(|e| e.to_string()),
    }
}

impl PortForward {
    /// Runs until Ctrl-C; ends (as kubectl does) when its pod is gone or stopped.
    pub fn poll(&self, cluster: &Cluster) -> Polled {
        let running = cluster
            .api()
            .pods
            .get(&self.namespace, &self.pod)
            .filter(|p| p.metadata.uid.as_deref() == Some(self.uid.as_str()))
            .and_then(|p| p.status.as_ref()?.phase.as_deref())
            == Some("Running");
        if running {
            return Polled::default();
        }
        Polled {
            stdout: String::new(),
            stderr: "error: lost connection to pod\n".into(),
            ended: Some(1),
        }
    }

    /// An HTTP GET of `url` through the forward: `None` when `url` is not
    /// `http://localhost:PORT/...` (or 127.0.0.1) for one of its local ports.
    pub fn get(&self, cluster: &mut Cluster, url: &str) -> Option<Result<HttpResponse, NetError>> {
        let u = crate::net::parse_url(url).ok()?;
        if !matches!(u.host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
            return None;
        }
        let (_, remote) = self.ports.iter().find(|(local, _)| *local == u.port)?;
        // The kubelet connects to the port inside the pod's network namespace.
        let origin = crate::kubelet::Origin::Pod {
            uid: self.uid.clone(),
            namespace: self.namespace.clone(),
            ip: self.ip.clone(),
        };
        Some(cluster.http_get_from(origin, &format!("http://127.0.0.1:{remote}{}", u.path)))
    }
}
