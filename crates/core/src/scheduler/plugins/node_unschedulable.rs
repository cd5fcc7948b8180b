//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes no new pods unless
//! they tolerate the `node.kubernetes.io/unschedulable:NoSchedule` taint.

use crate::model::{taints, Taint};
use crate::scheduler::framework::{FilterPlugin, NodeInfo, PodInfo, Status};

pub const ERR_REASON: &str = "node(s) were unschedulable";

pub struct NodeUnschedulable;

impl FilterPlugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        "NodeUnschedulable"
    }

    fn node_only(&self) -> bool {
        true
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        if !node.unschedulable {
            return Status::success();
        }
        let taint = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            value: None,
            time_added: None,
        };
        if taints::tolerated_by(pod.tolerations, &taint) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{filter, make_node, make_pod};

    /// kube-scheduler's `TestNodeUnschedulable`.
    #[test]
    fn cordoned_nodes_take_only_pods_that_tolerate_it() {
        let cordoned = make_node("n").unschedulable().obj();
        let normal = make_node("n").obj();
        let cases = [
            (
                "does not schedule a pod to an unschedulable node",
                make_pod().obj(),
                &cordoned,
                Status::unresolvable(ERR_REASON),
            ),
            (
                "schedules a pod to a normal node",
                make_pod().obj(),
                &normal,
                Status::success(),
            ),
            (
                "schedules a pod tolerating the unschedulable taint",
                make_pod()
                    .toleration("node.kubernetes.io/unschedulable", "", "", "NoSchedule")
                    .obj(),
                &cordoned,
                Status::success(),
            ),
            (
                "an Exists toleration of every key tolerates it too",
                make_pod().toleration("", "Exists", "", "").obj(),
                &cordoned,
                Status::success(),
            ),
            (
                "a toleration for another effect does not",
                make_pod()
                    .toleration("node.kubernetes.io/unschedulable", "", "", "NoExecute")
                    .obj(),
                &cordoned,
                Status::unresolvable(ERR_REASON),
            ),
        ];
        for (name, pod, node, want) in cases {
            assert_eq!(
                filter(&NodeUnschedulable, &pod, node, &[]),
                Some(want),
                "{name}"
            );
        }
    }
}
