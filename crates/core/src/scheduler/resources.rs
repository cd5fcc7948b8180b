//! Resources other than cpu, memory and the pod count, as kube-scheduler's
//! `framework.Resource` keeps them (`EphemeralStorage` and `ScalarResources`): read from
//! a node's allocatable and summed over pods' requests (`resourcehelper.PodRequests`).
//! NodeResourcesFit filters by them and NodeResourcesBalancedAllocation may balance
//! them. Quantities are in milli-units, saturated, as the framework's [`Resources`] are.
//!
//! [`Resources`]: crate::scheduler::framework::Resources

use crate::model::{quantity, Container, Node, Pod};
use std::collections::BTreeMap;

/// `IsScalarResourceName`: an extended resource (a name with a domain other than
/// kubernetes.io, that makes a valid `requests.` quota name), hugepages-*, a name under
/// kubernetes.io/ or attachable-volumes-*.
pub fn is_scalar_resource_name(name: &str) -> bool {
    quantity::is_extended_resource_name(name)
        || name.starts_with("hugepages-")
        || name.contains("kubernetes.io/")
        || name.starts_with("attachable-volumes-")
}

/// What NodeResourcesFit checks beyond cpu, memory and the pod count:
/// ephemeral-storage and the scalar resources.
fn is_other_resource(name: &str) -> bool {
    name == "ephemeral-storage" || is_scalar_resource_name(name)
}

/// A quantity in milli-units, saturated; `None` when absent or unreadable.
fn milli(list: Option<&BTreeMap<String, quantity::Quantity>>, name: &str) -> Option<i64> {
    let q = list?.get(name)?;
    quantity::milli(q)
        .ok()
        .map(crate::scheduler::framework::saturate)
}

/// The node's allocatable of `name`, when it reports one.
pub fn node_allocatable(node: &Node, name: &str) -> Option<i64> {
    milli(node.status.as_ref()?.allocatable.as_ref(), name)
}

/// What `pods` request of `name` together.
pub fn pods_requested(pods: &[&Pod], name: &str) -> i64 {
    pods.iter()
        .fold(0i64, |sum, p| sum.saturating_add(pod_request(p, name)))
}

/// A pod's request of `name` (`resourcehelper.PodRequests`): its containers' sum or its
/// largest init container, whichever is more, plus the overhead.
pub fn pod_request(pod: &Pod, name: &str) -> i64 {
    let Some(spec) = &pod.spec else {
        return 0;
    };
    let of = |c: &Container| {
        milli(c.resources.as_ref().and_then(|r| r.requests.as_ref()), name).unwrap_or(0)
    };
    let apps = spec
        .containers
        .iter()
        .fold(0i64, |sum, c| sum.saturating_add(of(c)));
    let inits = spec
        .init_containers
        .iter()
        .flatten()
        .map(of)
        .max()
        .unwrap_or(0);
    let overhead = milli(spec.overhead.as_ref(), name).unwrap_or(0);
    apps.max(inits).saturating_add(overhead)
}

/// The pod's requests of ephemeral-storage and the scalar resources, by name (empty for
/// most pods): what `computePodResourceRequest` adds to cpu and memory.
pub fn other_requests(pod: &Pod) -> Vec<(&str, i64)> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    let mut names: Vec<&str> = Vec::new();
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    for list in containers
        .filter_map(|c| c.resources.as_ref()?.requests.as_ref())
        .chain(spec.overhead.as_ref())
    {
        names.extend(
            list.keys()
                .map(String::as_str)
                .filter(|name| is_other_resource(name)),
        );
    }
    if names.is_empty() {
        return Vec::new();
    }
    crate::sort::sort(&mut names);
    names.dedup();
    names
        .into_iter()
        .map(|name| (name, pod_request(pod, name)))
        .collect()
}
