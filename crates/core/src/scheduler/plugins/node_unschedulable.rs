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
