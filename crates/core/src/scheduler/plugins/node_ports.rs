//! NodePorts: the host ports a pod's containers ask for must be free on the node. A port
//! is taken when another pod there uses the same protocol and port on the same host IP;
//! 0.0.0.0 (the default) overlaps every IP.

use crate::model::Pod;
use crate::scheduler::framework::{
    node_hint, ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Status,
};

pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub struct NodePorts;

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
            .any(|w| node.used_ports.iter().any(|u| w.conflicts(u)))
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
    use crate::scheduler::testing::{filter, make_node, make_pod};

    fn pod(ports: &[&str]) -> Pod {
        ports
            .iter()
            .fold(make_pod(), |p, port| p.host_port(port))
            .obj()
    }

    /// kube-scheduler's `TestNodePorts` and `TestFits`: the pod's host ports against
    /// the ones the node's pods use (`protocol/ip/port`).
    #[test]
    fn host_ports_must_be_free_on_the_node() {
        let taken = Some(Status::unschedulable(ERR_REASON));
        let free = Some(Status::success());
        // (name, the pod's host ports, the ones the node's pod uses, the verdict).
        type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], Option<Status>);
        let cases: [Case; 18] = [
            (
                "no host ports: the plugin is skipped",
                &[],
                &["TCP/127.0.0.1/8080"],
                None,
            ),
            (
                "other port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/9090"],
                free.clone(),
            ),
            (
                "same udp port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                taken.clone(),
            ),
            (
                "same tcp port",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                taken.clone(),
            ),
            (
                "different host ip",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.2/8080"],
                free.clone(),
            ),
            (
                "different protocol",
                &["UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                free.clone(),
            ),
            (
                "second udp port conflict",
                &["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                taken.clone(),
            ),
            (
                "first tcp port conflict",
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
                taken.clone(),
            ),
            (
                "tcp conflict with 0.0.0.0 asked",
                &["TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                taken.clone(),
            ),
            (
                "tcp conflict with 0.0.0.0 among several",
                &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                taken.clone(),
            ),
            (
                "tcp conflict with 0.0.0.0 used",
                &["TCP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                taken.clone(),
            ),
            (
                "0.0.0.0 on another protocol",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                free.clone(),
            ),
            (
                "udp conflict with 0.0.0.0 used",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
                taken.clone(),
            ),
            (
                "an unset host IP is 0.0.0.0, an unset protocol TCP",
                &["//8001"],
                &["TCP/127.0.0.1/8001"],
                taken.clone(),
            ),
            (
                "non-conflicting ports",
                &["TCP/127.0.0.1/80"],
                &["TCP/127.0.0.1/9090"],
                free.clone(),
            ),
            (
                "multiple non-conflicting ports",
                &[
                    "TCP/127.0.0.1/80",
                    "TCP/127.0.1.1/80",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/100",
                ],
                &[
                    "TCP/127.0.0.1/9090",
                    "TCP/127.0.0.1/9191",
                    "TCP/127.0.1.1/8080",
                ],
                free.clone(),
            ),
            (
                "same ports on different protocols",
                &["TCP/127.0.0.1/80"],
                &["UDP/127.0.0.1/80"],
                free.clone(),
            ),
            (
                "multiple ports, some conflicting",
                &[
                    "TCP/127.0.0.1/80",
                    "TCP/127.0.1.1/80",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/100",
                ],
                &[
                    "TCP/127.0.0.1/9090",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/8080",
                ],
                taken.clone(),
            ),
        ];
        let node = make_node("n").obj();
        for (name, wanted, used, want) in cases {
            let bound = [pod(used)];
            assert_eq!(
                filter(&NodePorts, &pod(wanted), &node, &bound),
                want,
                "{name}"
            );
        }
    }

    /// A deleted bound pod may free a port; node events follow the node rule.
    #[test]
    fn queueing_hints() {
        let p = pod(&["TCP//8080"]);
        assert_eq!(
            NodePorts.queueing_hint(&p, &ClusterEvent::AssignedPodDeleted),
            QueueingHint::Queue
        );
        let node = make_node("n").obj();
        assert_eq!(
            NodePorts.queueing_hint(&p, &ClusterEvent::NodeAdded(&node)),
            QueueingHint::Queue
        );
        assert_eq!(
            NodePorts.queueing_hint(&p, &ClusterEvent::PodTolerationsChanged),
            QueueingHint::Skip
        );
    }
}
