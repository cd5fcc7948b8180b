//! Reading a Pod's status as Kubernetes' podutil does.

use crate::model::Pod;

/// The pod's Ready condition is True (podutil.IsPodReady): the kubelet says every
/// container is ready, so Services send it traffic.
pub fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}
