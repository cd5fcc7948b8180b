//! NodePorts: the host ports a pod's containers ask for must be free on the node. A port
//! is taken when another pod there uses the same protocol and port on the same host IP;
//! 0.0.0.0 (the default) overlaps every IP.

use crate::model::Pod;
use crate::scheduler::framework::{
    node_hint, ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Status,
};

pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub struct NodePorts;

/// (host IP, protocol, host port) for every container port with a hostPort.
pub fn host_ports(pod: &Pod) -> Vec<(String, String, i32)> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.ports.iter().flatten())
        .filter(|p| p.host_port.is_some_and(|h| h > 0))
        .map(|p| {
            (
                p.host_ip
                    .clone()
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or_else(|| "0.0.0.0".into()),
                p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                p.host_port.unwrap_or_default(),
            )
        })
        .collect()
}

fn conflicts(a: &(String, String, i32), b: &(String, String, i32)) -> bool {
    a.1 == b.1 && a.2 == b.2 && (a.0 == b.0 || a.0 == "0.0.0.0" || b.0 == "0.0.0.0")
}

impl FilterPlugin for NodePorts {
    fn name(&self) -> &'static str {
        "NodePorts"
    }

    /// PreFilter: a pod without host ports skips the plugin.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.host_ports.is_empty()
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        if pod
            .host_ports
            .iter()
            .any(|w| node.used_ports.iter().any(|u| conflicts(w, u)))
        {
            Status::unschedulable(ERR_REASON)
        } else {
            Status::success()
        }
    }

    /// A deleted bound pod frees its host ports.
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::AssignedPodDeleted => QueueingHint::Queue,
            _ => node_hint(self, pod, event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ports_conflict_as_kube_scheduler_checks() {
        let t = |ip: &str, proto: &str, port: i32| (ip.to_string(), proto.to_string(), port);
        let cases = [
            (t("0.0.0.0", "TCP", 80), t("10.0.0.1", "TCP", 80), true),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.2", "TCP", 80), false),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.1", "UDP", 80), false),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.1", "TCP", 81), false),
            (t("10.0.0.1", "TCP", 80), t("0.0.0.0", "TCP", 80), true),
        ];
        for (a, b, want) in cases {
            assert_eq!(conflicts(&a, &b), want, "{a:?} {b:?}");
        }
    }
}
