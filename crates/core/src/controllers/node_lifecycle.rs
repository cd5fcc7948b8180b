//! The node lifecycle controller (kube-controller-manager's node-lifecycle-controller):
//! a node whose kubelet has not posted status for the node monitor grace period (50 s)
//! gets its conditions set to Unknown ("Kubelet stopped posting node status."), the
//! `node.kubernetes.io/unreachable` taints (NoSchedule and NoExecute) and its pods marked
//! not Ready. The NoExecute taint lets the taint eviction controller evict the pods after
//! their default 300 s toleration. When the kubelet posts Ready again the taints go.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::node::{ready_status, set_conditions};
use crate::model::{Node, PodCondition, Taint};

/// kube-controller-manager's `--node-monitor-grace-period` default.
pub const NODE_MONITOR_GRACE_MS: u64 = 50_000;
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const COMPONENT: &str = "node-controller";

fn has_unreachable_taint(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|ts| ts.iter().any(|t| t.key == UNREACHABLE))
}

/// The node lifecycle controller. It learns which kubelets are silent from the context;
/// what it keeps is only when the next one becomes unreachable, worked out at each sync.
#[derive(Debug, Clone, Default)]
pub struct NodeLifecycle {
    next: Option<SimTime>,
}

impl Controller for NodeLifecycle {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let changed = sync(ctx.api, &ctx.silent_kubelets, ctx.now);
        self.next = next_due(ctx.api, &ctx.silent_kubelets);
        Progress::changed_if(changed)
    }

    fn next_due(&self) -> Option<SimTime> {
        self.next
    }
}

/// When the next node becomes unreachable, if one will.
fn next_due(api: &ApiServer, stopped: &Keyed<String, SimTime>) -> Option<SimTime> {
    stopped
        .iter()
        .filter(|(name, _)| {
            api.nodes
                .get("", name)
                .is_some_and(|n| ready_status(n) != "Unknown")
        })
        .map(|(_, since)| since.plus_ms(NODE_MONITOR_GRACE_MS))
        .min()
}

/// Marks nodes whose kubelet stopped long enough ago, and clears the taints of nodes whose
/// kubelet is back. Returns whether anything changed.
fn sync(api: &mut ApiServer, stopped: &Keyed<String, SimTime>, now: SimTime) -> bool {
    let mut changed = false;
    // Decided on borrowed nodes; only those with something to change are copied (this
    // runs in every settle pass).
    let work: Vec<(Node, Transition)> = api
        .nodes
        .list()
        .filter_map(|n| transition(n, stopped, now).map(|t| (n.clone(), t)))
        .collect();
    for (mut node, t) in work {
        let name = node.metadata.name.clone().unwrap_or_default();
        match t {
            Transition::Unreachable => {
                const UNKNOWN: &str = "Kubelet stopped posting node status.";
                set_conditions(
                    &mut node,
                    now,
                    &[
                        ("MemoryPressure", "Unknown", "NodeStatusUnknown", UNKNOWN),
                        ("DiskPressure", "Unknown", "NodeStatusUnknown", UNKNOWN),
                        ("PIDPressure", "Unknown", "NodeStatusUnknown", UNKNOWN),
                        ("Ready", "Unknown", "NodeStatusUnknown", UNKNOWN),
                    ],
                );
                let taints = node
                    .spec
                    .get_or_insert_with(Default::default)
                    .taints
                    .get_or_insert_with(Vec::new);
                for effect in ["NoSchedule", "NoExecute"] {
                    if !taints
                        .iter()
                        .any(|t| t.key == UNREACHABLE && t.effect == effect)
                    {
                        taints.push(Taint {
                            key: UNREACHABLE.into(),
                            effect: effect.into(),
                            time_added: (effect == "NoExecute").then(|| now.to_time()),
                            value: None,
                        });
                    }
                }
                let uid = node.metadata.uid.clone().unwrap_or_default();
                if api.update_node(node).is_ok() {
                    changed = true;
                }
                let message = format!("Node {name} status is now: NodeNotReady");
                let event =
                    EventRecord::node(&name, &uid, "NodeNotReady", message, COMPONENT, None);
                api.record_event(event, now);
                mark_pods_not_ready(api, &name, now);
            }
            Transition::Recovered => {
                if let Some(ts) = node.spec.as_mut().and_then(|s| s.taints.as_mut()) {
                    ts.retain(|t| t.key != UNREACHABLE);
                }
                if api.update_node(node).is_ok() {
                    changed = true;
                }
            }
        }
    }
    changed
}

/// What the controller does to a node now, if anything.
enum Transition {
    /// Its kubelet has been silent past the grace period: Unknown and tainted.
    Unreachable,
    /// Its kubelet posts Ready again: the unreachable taints go.
    Recovered,
}

fn transition(node: &Node, stopped: &Keyed<String, SimTime>, now: SimTime) -> Option<Transition> {
    let name = node.metadata.name.as_deref().unwrap_or_default();
    match stopped.get(name) {
        Some(since)
            if now >= since.plus_ms(NODE_MONITOR_GRACE_MS) && ready_status(node) != "Unknown" =>
        {
            Some(Transition::Unreachable)
        }
        None if has_unreachable_taint(node) && ready_status(node) == "True" => {
            Some(Transition::Recovered)
        }
        _ => None,
    }
}

/// `MarkPodsNotReady`: every pod on the node gets Ready=False and a NodeNotReady event.
fn mark_pods_not_ready(api: &mut ApiServer, node: &str, now: SimTime) {
    let pods: Vec<_> = api
        .pods
        .list()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
        .cloned()
        .collect();
    for mut pod in pods {
        let conditions = pod
            .status
            .get_or_insert_with(Default::default)
            .conditions
            .get_or_insert_with(Vec::new);
        match conditions.iter_mut().find(|c| c.type_ == "Ready") {
            Some(c) if c.status == "False" => continue,
            Some(c) => {
                c.status = "False".into();
                c.last_transition_time = Some(now.to_time());
            }
            None => conditions.push(PodCondition {
                type_: "Ready".into(),
                status: "False".into(),
                last_transition_time: Some(now.to_time()),
                ..Default::default()
            }),
        }
        let (ns, name, uid) = (
            pod.metadata.namespace.clone().unwrap_or_default(),
            pod.metadata.name.clone().unwrap_or_default(),
            pod.metadata.uid.clone().unwrap_or_default(),
        );
        let _ = api.update_pod(pod);
        api.record_event(
            EventRecord {
                object_kind: "Pod",
                namespace: &ns,
                object_name: &name,
                object_uid: &uid,
                reason: "NodeNotReady",
                message: "Node is not ready".into(),
                warning: true,
                component: COMPONENT,
                host: None,
                field_path: None,
            },
            now,
        );
    }
}
