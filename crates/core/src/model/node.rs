//! Reading and writing a Node's conditions: what the kubelet (which posts them) and the
//! node lifecycle controller (which marks a silent node Unknown) both need.

use crate::clock::SimTime;
use crate::model::Node;
use k8s_openapi::api::core::v1::NodeCondition;

/// The status of the node's Ready condition (`True`, `False`, `Unknown`; empty if none).
pub fn ready_status(node: &Node) -> &str {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map_or("", |c| c.status.as_str())
}

/// Sets the node's conditions to `wanted` (type, status, reason, message): transition
/// times move to `now` where the status changes, heartbeats unless the status is
/// Unknown (nobody heard from the kubelet).
pub fn set_conditions(node: &mut Node, now: SimTime, wanted: &[(&str, &str, &str, &str)]) {
    let conditions = node
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    for (type_, status, reason, message) in wanted {
        let at = Some(now.to_time());
        match conditions.iter_mut().find(|c| c.type_ == *type_) {
            Some(c) => {
                if c.status != *status {
                    c.last_transition_time = at.clone();
                }
                c.status = status.to_string();
                c.reason = Some(reason.to_string());
                c.message = Some(message.to_string());
                if *status != "Unknown" {
                    c.last_heartbeat_time = at;
                }
            }
            None => conditions.push(NodeCondition {
                type_: type_.to_string(),
                status: status.to_string(),
                reason: Some(reason.to_string()),
                message: Some(message.to_string()),
                last_heartbeat_time: at.clone(),
                last_transition_time: at,
            }),
        }
    }
}
