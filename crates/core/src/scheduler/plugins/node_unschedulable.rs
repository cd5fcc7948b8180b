//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes no new pods unless
//! they tolerate the `node.kubernetes.io/unschedulable:NoSchedule` taint.

use crate::model::{taints, Pod, Taint};
use crate::scheduler::framework::{FilterPlugin, NodeInfo, Status};

pub const ERR_REASON: &str = "node(s) were unschedulable";

pub struct NodeUnschedulable;

impl FilterPlugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        "NodeUnschedulable"
    }

    fn filter(&self, pod: &Pod, node: &NodeInfo<'_>) -> Status {
        let cordoned = node
            .node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        if !cordoned {
            return Status::success();
        }
        let taint = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            value: None,
            time_added: None,
        };
        let tolerations = pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        if taints::tolerated_by(tolerations, &taint) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON)
        }
    }
}
