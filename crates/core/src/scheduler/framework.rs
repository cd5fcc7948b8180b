//! The scheduling framework in small: plugin interfaces, statuses and the per-node view
//! the plugins look at (kube-scheduler's `framework.NodeInfo`).

use crate::model::quantity;
use crate::model::{Node, Pod, Taint, Toleration};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// kube-scheduler's MaxNodeScore.
pub const MAX_NODE_SCORE: i64 = 100;

/// Default requests the scheduler assumes for scoring when a container sets none
/// (`DefaultMilliCPURequest`, `DefaultMemoryRequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: i128 = 100;
pub const DEFAULT_MEMORY_REQUEST: i128 = 200 * 1024 * 1024 * 1000; // 200Mi in milli-bytes

/// A plugin's verdict code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Code {
    Success,
    /// The pod does not fit now; preemption might help.
    Unschedulable,
    /// The pod cannot fit on this node whatever is preempted.
    UnschedulableAndUnresolvable,
}

/// The result of one plugin on one node. Reasons are mostly fixed texts, borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<Cow<'static, str>>,
}

impl Status {
    pub fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
        }
    }

    pub fn unschedulable(reason: impl Into<Cow<'static, str>>) -> Status {
        Status {
            code: Code::Unschedulable,
            reasons: vec![reason.into()],
        }
    }

    pub fn unresolvable(reason: impl Into<Cow<'static, str>>) -> Status {
        Status {
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec![reason.into()],
        }
    }

    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
}

/// Resources in milli-units, as the scheduler sums them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resources {
    pub milli_cpu: i128,
    /// Memory in milli-bytes (so every quantity shares one unit).
    pub memory: i128,
    pub pods: i128,
}

/// The pod being scheduled with what PreFilter works out once per attempt (kube-scheduler's
/// `PodInfo` and cycle state): its requests and host ports. Derefs to the pod.
#[derive(Debug, Clone)]
pub struct PodInfo<'a> {
    pub pod: &'a Pod,
    pub requests: Resources,
    /// The requests with the scoring defaults for unset cpu/memory.
    pub non_zero_requests: Resources,
    pub host_ports: Vec<(String, String, i32)>,
    pub tolerations: &'a [Toleration],
}

impl<'a> PodInfo<'a> {
    pub fn new(pod: &'a Pod) -> PodInfo<'a> {
        PodInfo {
            pod,
            requests: pod_requests(pod, false),
            non_zero_requests: pod_requests(pod, true),
            host_ports: crate::scheduler::plugins::node_ports::host_ports(pod),
            tolerations: pod
                .spec
                .as_ref()
                .and_then(|s| s.tolerations.as_deref())
                .unwrap_or_default(),
        }
    }
}

impl std::ops::Deref for PodInfo<'_> {
    type Target = Pod;
    fn deref(&self) -> &Pod {
        self.pod
    }
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// One node with what the pods bound to it request (kube-scheduler's NodeInfo, kept
/// as sums so that a pass over many pods stays linear), and the node's fields the
/// filters read, taken out once.
#[derive(Debug, Clone)]
pub struct NodeInfo<'a> {
    pub node: &'a Node,
    /// The node's name, shared with every decision record that mentions it.
    pub name: Arc<str>,
    pub labels: &'a BTreeMap<String, String>,
    pub taints: &'a [Taint],
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    pub allocatable: Resources,
    /// Sum of the bound pods' requests; `pods` counts them.
    pub requested: Resources,
    /// Sum of the bound pods' requests with scoring defaults for unset ones.
    pub non_zero_requested: Resources,
    /// Host ports the bound pods use: (host IP, protocol, port).
    pub used_ports: Vec<(String, String, i32)>,
}

impl<'a> NodeInfo<'a> {
    pub fn new(node: &'a Node) -> NodeInfo<'a> {
        let alloc = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let get = |k: &str| {
            alloc
                .and_then(|a| a.get(k))
                .and_then(|q| quantity::milli(q).ok())
                .unwrap_or(0)
        };
        let spec = node.spec.as_ref();
        NodeInfo {
            node,
            name: Arc::from(node.metadata.name.as_deref().unwrap_or_default()),
            labels: node.metadata.labels.as_ref().unwrap_or(&NO_LABELS),
            taints: spec.and_then(|s| s.taints.as_deref()).unwrap_or_default(),
            unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
            allocatable: Resources {
                milli_cpu: get("cpu"),
                memory: get("memory"),
                pods: get("pods") / 1000,
            },
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
            used_ports: Vec::new(),
        }
    }

    /// Counts a pod bound (or assumed bound) to this node.
    pub fn add_pod(&mut self, pod: &Pod) {
        let r = pod_requests(pod, false);
        let nz = pod_requests(pod, true);
        self.requested.milli_cpu += r.milli_cpu;
        self.requested.memory += r.memory;
        self.requested.pods += 1;
        self.non_zero_requested.milli_cpu += nz.milli_cpu;
        self.non_zero_requested.memory += nz.memory;
        self.non_zero_requested.pods += 1;
        self.used_ports
            .extend(crate::scheduler::plugins::node_ports::host_ports(pod));
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A pod's effective requests: the larger of the app containers' sum and the biggest
/// init container, plus overhead (`resourcehelper.PodRequests`). With `non_zero`,
/// unset cpu/memory count as the scheduler's scoring defaults.
pub fn pod_requests(pod: &Pod, non_zero: bool) -> Resources {
    let Some(spec) = &pod.spec else {
        return Resources::default();
    };
    let one = |c: &crate::model::Container| {
        let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let get = |k: &str| {
            req.and_then(|r| r.get(k))
                .and_then(|q| quantity::milli(q).ok())
        };
        let cpu = get("cpu");
        let mem = get("memory");
        if non_zero {
            (
                cpu.unwrap_or(DEFAULT_MILLI_CPU_REQUEST),
                mem.unwrap_or(DEFAULT_MEMORY_REQUEST),
            )
        } else {
            (cpu.unwrap_or(0), mem.unwrap_or(0))
        }
    };
    let mut cpu = 0;
    let mut mem = 0;
    for c in &spec.containers {
        let (a, b) = one(c);
        cpu += a;
        mem += b;
    }
    for c in spec.init_containers.iter().flatten() {
        let (a, b) = one(c);
        cpu = cpu.max(a);
        mem = mem.max(b);
    }
    if let Some(overhead) = &spec.overhead {
        cpu += overhead
            .get("cpu")
            .and_then(|q| quantity::milli(q).ok())
            .unwrap_or(0);
        mem += overhead
            .get("memory")
            .and_then(|q| quantity::milli(q).ok())
            .unwrap_or(0);
    }
    Resources {
        milli_cpu: cpu,
        memory: mem,
        pods: 1,
    }
}

/// A change in the cluster that may let an unschedulable pod in (kube-scheduler's
/// `ClusterEvent`, with the objects its queueing hints look at).
#[derive(Debug, Clone, Copy)]
pub enum ClusterEvent<'a> {
    NodeAdded(&'a Node),
    /// Labels, taints, `spec.unschedulable` or allocatable changed.
    NodeUpdated {
        old: &'a Node,
        new: &'a Node,
    },
    /// A pod bound to a node was deleted: its requests and host ports are free.
    AssignedPodDeleted,
    /// The waiting pod's own tolerations changed.
    PodTolerationsChanged,
}

/// A plugin's answer to "may this event make the pod schedulable?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueingHint {
    Queue,
    Skip,
}

/// A Filter plugin: can the pod run on this node?
pub trait FilterPlugin {
    fn name(&self) -> &'static str;
    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status;

    /// The plugin's QueueingHint for a pod it rejected. The default serves plugins that
    /// look at the node object only: queue when a new node passes, or an updated node
    /// passes now and did not before (the rule of kube-scheduler's node hints).
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        node_hint(self, pod, event)
    }
}

/// The node-object rule behind [`FilterPlugin::queueing_hint`], for plugins that add
/// hints of their own for other events.
pub fn node_hint<P: FilterPlugin + ?Sized>(
    plugin: &P,
    pod: &Pod,
    event: &ClusterEvent<'_>,
) -> QueueingHint {
    let pod = PodInfo::new(pod);
    let passes = |n: &Node| plugin.filter(&pod, &NodeInfo::new(n)).is_success();
    let queue = match event {
        ClusterEvent::NodeAdded(n) => passes(n),
        ClusterEvent::NodeUpdated { old, new } => passes(new) && !passes(old),
        ClusterEvent::AssignedPodDeleted | ClusterEvent::PodTolerationsChanged => false,
    };
    if queue {
        QueueingHint::Queue
    } else {
        QueueingHint::Skip
    }
}

/// A Score plugin: how good is this node for the pod (0..=MAX_NODE_SCORE after
/// normalizing)?
pub trait ScorePlugin {
    fn name(&self) -> &'static str;
    /// The default weight in kube-scheduler's default profile.
    fn weight(&self) -> i64;
    /// PreScore's Skip: the plugin does not score this pod at all.
    fn skip(&self, _pod: &PodInfo<'_>) -> bool {
        false
    }
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64;
    /// Rescales raw scores of all feasible nodes; the default leaves them as they are.
    fn normalize(&self, _scores: &mut [i64]) {}
}

/// `helper.DefaultNormalizeScore`: scale to 0..=MAX_NODE_SCORE by the largest score,
/// optionally reversed (a lower raw score is better).
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_NODE_SCORE);
        }
        return;
    }
    for s in scores.iter_mut() {
        let v = MAX_NODE_SCORE * *s / max;
        *s = if reverse { MAX_NODE_SCORE - v } else { v };
    }
}
