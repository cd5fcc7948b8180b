//! NodeName: a pod that names its node fits only there.

use crate::scheduler::framework::{FilterPlugin, NodeInfo, PodInfo, Status};

pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub struct NodeName;

impl FilterPlugin for NodeName {
    fn name(&self) -> &'static str {
        "NodeName"
    }

    fn node_only(&self) -> bool {
        true
    }

    /// A pod without `spec.nodeName` passes every node: the filter need not run.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_none_or(str::is_empty)
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        match pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            Some(name) if !name.is_empty() && name != node.name() => {
                Status::unresolvable(ERR_REASON)
            }
            _ => Status::success(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{filter, make_node, make_pod};

    /// kube-scheduler's `TestNodeName`, with PreFilter's skip for a pod without one.
    #[test]
    fn a_pod_naming_a_node_fits_only_there() {
        let foo = make_node("foo").obj();
        let cases = [
            (
                "no host specified: the plugin is skipped",
                make_pod().obj(),
                None,
            ),
            (
                "an empty nodeName is none",
                make_pod().node_name("").obj(),
                None,
            ),
            (
                "host matches",
                make_pod().node_name("foo").obj(),
                Some(Status::success()),
            ),
            (
                "host doesn't match",
                make_pod().node_name("bar").obj(),
                Some(Status::unresolvable(ERR_REASON)),
            ),
        ];
        for (name, pod, want) in cases {
            assert_eq!(filter(&NodeName, &pod, &foo, &[]), want, "{name}");
        }
    }
}
