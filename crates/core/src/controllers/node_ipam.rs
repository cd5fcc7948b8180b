//! The node IPAM controller (kube-controller-manager with `--allocate-node-cidrs`, as
//! kubeadm sets it up for flannel's 10.244.0.0/16): a node without a pod CIDR gets the
//! lowest free /24 of the cluster CIDR, which its kubelet hands out pod IPs from.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use std::collections::BTreeSet;

/// The cluster CIDR's /24s in use, by third octet (`10.244.N.0/24`).
fn used(api: &ApiServer) -> BTreeSet<u8> {
    crate::sort::collect_set(
        api.nodes
            .list()
            .filter_map(|n| n.spec.as_ref()?.pod_cidr.as_deref())
            .filter_map(|c| c.strip_prefix("10.244.")?.split('.').next()?.parse().ok()),
    )
}

/// The node IPAM controller (stateless).
#[derive(Debug, Clone, Copy, Default)]
pub struct NodeIpam;

impl Controller for NodeIpam {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        Progress::changed_if(sync(ctx.api))
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

/// Gives every node without one a pod CIDR. Returns whether anything changed.
fn sync(api: &mut ApiServer) -> bool {
    let waiting: Vec<String> = api
        .nodes
        .list()
        .filter(|n| {
            n.spec
                .as_ref()
                .and_then(|s| s.pod_cidr.as_deref())
                .is_none_or(str::is_empty)
        })
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    let mut changed = false;
    for name in waiting {
        let taken = used(api);
        // All 256 /24s taken: the node stays without (kube-controller-manager records
        // CIDRNotAvailable).
        let Some(free) = (0..=255u8).find(|n| !taken.contains(n)) else {
            break;
        };
        let Some(mut node) = api.nodes.get("", &name).cloned() else {
            continue;
        };
        let cidr = format!("10.244.{free}.0/24");
        let spec = node.spec.get_or_insert_with(Default::default);
        spec.pod_cidr = Some(cidr.clone());
        spec.pod_cidrs = Some(vec![cidr]);
        changed |= api.update_node(node).is_ok();
    }
    changed
}
