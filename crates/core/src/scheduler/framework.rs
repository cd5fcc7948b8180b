//! The scheduling framework in small: plugin interfaces, statuses and the per-node view
//! the plugins look at (kube-scheduler's `framework.NodeInfo`).

use crate::model::ports::{self, HostPort};
use crate::model::quantity;
use crate::model::{Node, Pod, Taint, Toleration};
use crate::scheduler::Snapshot;
use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// kube-scheduler's MaxNodeScore.
pub const MAX_NODE_SCORE: i64 = 100;

/// Default requests the scheduler assumes for scoring when a container sets none
/// (`DefaultMilliCPURequest`, `DefaultMemoryRequest`).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024 * 1000; // 200Mi in milli-bytes

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

/// Why a filter rejected a node: a fixed text, or one worked out once per node and
/// shared (`node(s) had untolerated taint {dedicated: gpu}`), so that a rejection costs
/// no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Fixed(&'static str),
    Shared(Arc<str>),
}

impl std::ops::Deref for Reason {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Reason::Fixed(s) => s,
            Reason::Shared(s) => s,
        }
    }
}

impl From<&'static str> for Reason {
    fn from(s: &'static str) -> Reason {
        Reason::Fixed(s)
    }
}

impl From<String> for Reason {
    fn from(s: String) -> Reason {
        Reason::Shared(Arc::from(s))
    }
}

/// A filter's reasons, in order: nearly always one, kept inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reasons {
    One(Reason),
    Many(Vec<Reason>),
}

impl Default for Reasons {
    fn default() -> Reasons {
        Reasons::Many(Vec::new())
    }
}

impl Reasons {
    pub fn push(&mut self, reason: Reason) {
        *self = match std::mem::take(self) {
            Reasons::Many(mut v) if !v.is_empty() => {
                v.push(reason);
                Reasons::Many(v)
            }
            Reasons::Many(_) => Reasons::One(reason),
            Reasons::One(first) => Reasons::Many(vec![first, reason]),
        };
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Reason> {
        match self {
            Reasons::One(r) => std::slice::from_ref(r).iter(),
            Reasons::Many(v) => v.iter(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Reasons::Many(v) if v.is_empty())
    }

    /// The same reasons by address (cheap; texts equal by value may still differ here).
    pub fn same_as(&self, other: &Reasons) -> bool {
        let same = |a: &Reason, b: &Reason| match (a, b) {
            (Reason::Fixed(x), Reason::Fixed(y)) => std::ptr::eq(*x, *y),
            (Reason::Shared(x), Reason::Shared(y)) => Arc::ptr_eq(x, y),
            _ => false,
        };
        match (self, other) {
            (Reasons::One(a), Reasons::One(b)) => same(a, b),
            (Reasons::Many(a), Reasons::Many(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            _ => false,
        }
    }

    /// The texts, for display.
    pub fn to_texts(&self) -> Vec<Cow<'static, str>> {
        self.iter()
            .map(|r| match r {
                Reason::Fixed(s) => Cow::Borrowed(*s),
                Reason::Shared(s) => Cow::Owned(s.to_string()),
            })
            .collect()
    }
}

/// Kept as a list of texts in snapshots.
impl serde::Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|r| &**r))
    }
}

impl<'de> serde::Deserialize<'de> for Reasons {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Reasons, D::Error> {
        let texts: Vec<String> = serde::Deserialize::deserialize(d)?;
        let mut reasons = Reasons::default();
        for t in texts {
            reasons.push(Reason::from(t));
        }
        Ok(reasons)
    }
}

/// The result of one plugin on one node. Success carries nothing, so the common
/// answer is a single word the caller reads back at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Success,
    Rejected { code: Code, reasons: Reasons },
}

impl Status {
    pub fn success() -> Status {
        Status::Success
    }

    pub fn unschedulable(reason: impl Into<Reason>) -> Status {
        Status::Rejected {
            code: Code::Unschedulable,
            reasons: Reasons::One(reason.into()),
        }
    }

    pub fn unresolvable(reason: impl Into<Reason>) -> Status {
        Status::Rejected {
            code: Code::UnschedulableAndUnresolvable,
            reasons: Reasons::One(reason.into()),
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Status::Success)
    }

    pub fn code(&self) -> Code {
        match self {
            Status::Success => Code::Success,
            Status::Rejected { code, .. } => *code,
        }
    }
}

/// Resources in milli-units, as the scheduler sums them: in 64 bits as kube-scheduler's
/// `framework.Resource` (memory here in milli-bytes, so up to 8 PiB; larger quantities
/// saturate, as sums do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resources {
    pub milli_cpu: i64,
    /// Memory in milli-bytes (so every quantity shares one unit).
    pub memory: i64,
    pub pods: i64,
}

/// A quantity's milli-units in 64 bits, saturated.
pub fn saturate(milli: i128) -> i64 {
    milli.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// The pod being scheduled with what PreFilter works out once per attempt (kube-scheduler's
/// `PodInfo` and cycle state): its requests and host ports. Derefs to the pod.
#[derive(Debug, Clone)]
pub struct PodInfo<'a> {
    pub pod: &'a Pod,
    pub requests: Resources,
    /// The requests with the scoring defaults for unset cpu/memory.
    pub non_zero_requests: Resources,
    /// Its requests of ephemeral-storage and the scalar resources (extended resources,
    /// hugepages), by name: empty for most pods.
    pub other_requests: Vec<(&'a str, i64)>,
    /// The ports its containers ask of the node's host.
    pub host_ports: Vec<HostPort>,
    pub tolerations: &'a [Toleration],
    /// `spec.nodeSelector` as NodeAffinity compares it ([`NodeInfo::matches_selector`]).
    pub node_selector: Selector<'a>,
    /// What the plugins' PreFilter worked out for this attempt, each under a type of its
    /// own (kube-scheduler's CycleState): written by [`FilterPlugin::pre_filter`], read
    /// by Filter and Score. Empty for a pod whose plugins all skip.
    pub cycle: StateMap,
}

/// A pod's `spec.nodeSelector`: as text, or (once compiled against a [`Snapshot`]'s
/// label table) as pairs of label ids, compared as numbers.
///
/// [`Snapshot`]: crate::scheduler::Snapshot
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector<'a> {
    Text(Vec<(&'a str, &'a str)>),
    Ids(Vec<(u32, u32)>),
    /// A key or value no node has: no node matches.
    Unmatchable,
}

impl Selector<'_> {
    pub fn is_empty(&self) -> bool {
        match self {
            Selector::Text(v) => v.is_empty(),
            Selector::Ids(v) => v.is_empty(),
            Selector::Unmatchable => false,
        }
    }
}

impl<'a> PodInfo<'a> {
    pub fn new(pod: &'a Pod) -> PodInfo<'a> {
        let spec = pod.spec.as_ref();
        let (requests, non_zero_requests) = pod_requests_both(pod);
        PodInfo {
            node_selector: Selector::Text(
                spec.and_then(|s| s.node_selector.as_ref())
                    .map(|sel| sel.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
                    .unwrap_or_default(),
            ),
            pod,
            requests,
            non_zero_requests,
            other_requests: crate::scheduler::resources::other_requests(pod),
            host_ports: ports::host_ports(pod),
            tolerations: spec
                .and_then(|s| s.tolerations.as_deref())
                .unwrap_or_default(),
            cycle: StateMap::default(),
        }
    }

    /// Turns the node selector into label ids of `table` (the snapshot's).
    pub fn compile_selector(&mut self, table: &std::collections::HashMap<&str, u32>) {
        if let Selector::Text(pairs) = &self.node_selector {
            let ids: Option<Vec<(u32, u32)>> = pairs
                .iter()
                .map(|(k, v)| Some((*table.get(k)?, *table.get(v)?)))
                .collect();
            self.node_selector = match ids {
                Some(ids) => Selector::Ids(ids),
                None => Selector::Unmatchable,
            };
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
    /// The labels as ids of the snapshot's label table (empty outside a snapshot).
    pub label_ids: Vec<(u32, u32)>,
    pub taints: &'a [Taint],
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    pub allocatable: Resources,
    /// Sum of the bound pods' requests; `pods` counts them.
    pub requested: Resources,
    /// Sum of the bound pods' requests with scoring defaults for unset ones.
    pub non_zero_requested: Resources,
    /// Host ports the bound pods use.
    pub used_ports: Vec<HostPort>,
    /// The pods bound or assumed to the node (kube-scheduler's `NodeInfo.Pods`), for
    /// the plugins that look at other pods' placement. Changed only through
    /// [`NodeInfo::add_pod`], [`NodeInfo::add`], [`NodeInfo::put_pod`], [`NodeInfo::remove_pod`]
    /// and [`NodeInfo::take_pod`], which
    /// renew [`NodeInfo::generation`].
    pub pods: Vec<&'a Pod>,
    /// kube-scheduler's `NodeInfo.Generation`: a number no other state of any node's
    /// pods had, so that what a plugin counted among them holds while it is unchanged.
    pub generation: u64,
    /// What each of `pods` adds to the sums, by place: removing a pod (as preemption's
    /// dry run does, node after node) reads none of its quantities again.
    usage: Vec<PodUsage>,
    /// The node's place in its snapshot (0 outside one).
    pub index: u32,
    /// What plugins worked out once for this node ([`FilterPlugin::prepare`]).
    pub state: NodeState,
}

/// What one pod counted on a node adds to its sums (kube-scheduler's `PodInfo` keeps
/// the requests worked out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodUsage {
    requests: Resources,
    non_zero_requests: Resources,
    host_ports: Vec<HostPort>,
}

/// What plugins work out once per node when a snapshot is taken, each under a type of
/// its own, and read back in Filter and Score (kube-scheduler's plugins keep such data
/// in their own state; the framework only carries it). A node built outside a snapshot
/// has none: a plugin then works its data out as it goes.
pub type NodeState = StateMap;

/// Values of any type, at most one per type: a plugin's own data, kept for it by the
/// framework (per node in a snapshot, [`NodeState`], or per attempt,
/// [`PodInfo::cycle`]).
#[derive(Clone, Default)]
pub struct StateMap(Vec<Arc<dyn Any + Send + Sync>>);

impl StateMap {
    /// Keeps `value`, replacing a value of the same type.
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.0.retain(|v| !v.is::<T>());
        self.0.push(Arc::new(value));
    }

    /// The value of type `T`, if a plugin kept one.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.iter().find_map(|v| v.downcast_ref::<T>())
    }
}

impl std::fmt::Debug for StateMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StateMap({} values)", self.0.len())
    }
}

/// The last generation handed out (kube-scheduler's `generation`, which
/// `nextGeneration` increments for every NodeInfo change). It orders nothing: a count
/// kept against a generation is only ever compared for equality.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn next_generation() -> u64 {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

impl<'a> NodeInfo<'a> {
    pub fn new(node: &'a Node) -> NodeInfo<'a> {
        let alloc = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let get = |k: &str| {
            alloc
                .and_then(|a| a.get(k))
                .and_then(|q| quantity::milli(q).ok())
                .map_or(0, saturate)
        };
        let spec = node.spec.as_ref();
        let labels = node.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
        let taints: &[Taint] = spec.and_then(|s| s.taints.as_deref()).unwrap_or_default();
        NodeInfo {
            node,
            name: Arc::from(node.metadata.name.as_deref().unwrap_or_default()),
            labels,
            label_ids: Vec::new(),
            taints,
            unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
            allocatable: Resources {
                milli_cpu: get("cpu"),
                memory: get("memory"),
                pods: get("pods") / 1000,
            },
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
            used_ports: Vec::new(),
            pods: Vec::new(),
            generation: next_generation(),
            usage: Vec::new(),
            index: 0,
            state: NodeState::default(),
        }
    }

    /// Whether the node has every label of the selector.
    pub fn matches_selector(&self, selector: &Selector<'_>) -> bool {
        match selector {
            Selector::Ids(ids) => ids.iter().all(|id| self.label_ids.contains(id)),
            Selector::Text(pairs) => pairs
                .iter()
                .all(|(k, v)| self.labels.get(*k).map(String::as_str) == Some(*v)),
            Selector::Unmatchable => false,
        }
    }

    /// Counts a pod bound (or assumed bound) to this node.
    pub fn add_pod(&mut self, pod: &'a Pod) {
        let (requests, non_zero_requests) = pod_requests_both(pod);
        let usage = PodUsage {
            requests,
            non_zero_requests,
            host_ports: ports::host_ports(pod),
        };
        self.put_pod(pod, usage);
    }

    /// Counts a pod whose PreFilter ran (kube-scheduler's AssumePod after scheduling).
    pub fn add(&mut self, pod: &PodInfo<'a>) {
        let usage = PodUsage {
            requests: pod.requests,
            non_zero_requests: pod.non_zero_requests,
            host_ports: pod.host_ports.clone(),
        };
        self.put_pod(pod.pod, usage);
    }

    /// Counts a pod with what [`NodeInfo::take_pod`] gave back for it.
    pub fn put_pod(&mut self, pod: &'a Pod, usage: PodUsage) {
        self.add_requests(usage.requests, usage.non_zero_requests, &usage.host_ports);
        self.pods.push(pod);
        self.usage.push(usage);
        self.generation = next_generation();
    }

    /// Stops counting a pod counted on this node (kube-scheduler's `NodeInfo.RemovePod`,
    /// which preemption's dry run uses); a pod not counted here changes nothing.
    pub fn remove_pod(&mut self, pod: &Pod) {
        self.take_pod(pod);
    }

    /// [`NodeInfo::remove_pod`], giving back what the pod added, to count it again
    /// with [`NodeInfo::put_pod`].
    pub fn take_pod(&mut self, pod: &Pod) -> Option<PodUsage> {
        let at = self.pods.iter().position(|p| std::ptr::eq(*p, pod))?;
        self.pods.remove(at);
        self.generation = next_generation();
        let usage = self.usage.remove(at);
        let sub = |sum: &mut Resources, r: Resources| {
            sum.milli_cpu = sum.milli_cpu.saturating_sub(r.milli_cpu);
            sum.memory = sum.memory.saturating_sub(r.memory);
            sum.pods = sum.pods.saturating_sub(1);
        };
        sub(&mut self.requested, usage.requests);
        sub(&mut self.non_zero_requested, usage.non_zero_requests);
        for port in &usage.host_ports {
            if let Some(i) = self.used_ports.iter().position(|p| p == port) {
                self.used_ports.remove(i);
            }
        }
        Some(usage)
    }

    /// The id (in the snapshot's label table) of the node's value for the label whose
    /// key has id `key`.
    pub fn label_value(&self, key: u32) -> Option<u32> {
        self.label_ids
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    fn add_requests(&mut self, r: Resources, nz: Resources, ports: &[HostPort]) {
        let add = |sum: &mut Resources, r: Resources| {
            sum.milli_cpu = sum.milli_cpu.saturating_add(r.milli_cpu);
            sum.memory = sum.memory.saturating_add(r.memory);
            sum.pods = sum.pods.saturating_add(1);
        };
        add(&mut self.requested, r);
        add(&mut self.non_zero_requested, nz);
        self.used_ports.extend(ports.iter().cloned());
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A pod's requests as they are and with the scoring defaults ([`pod_requests`]),
/// reading its quantities once.
pub fn pod_requests_both(pod: &Pod) -> (Resources, Resources) {
    let Some(spec) = &pod.spec else {
        return (Resources::default(), Resources::default());
    };
    // (cpu, memory) as set, per container.
    let one = |c: &crate::model::Container| {
        let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let get = |k: &str| {
            req.and_then(|r| r.get(k))
                .and_then(|q| quantity::milli(q).ok())
        };
        (get("cpu"), get("memory"))
    };
    let apps: Vec<_> = spec.containers.iter().map(one).collect();
    let inits: Vec<_> = spec.init_containers.iter().flatten().map(one).collect();
    let sum = |non_zero: bool| {
        let fill = |(cpu, mem): (Option<i128>, Option<i128>)| {
            if non_zero {
                (
                    cpu.unwrap_or(i128::from(DEFAULT_MILLI_CPU_REQUEST)),
                    mem.unwrap_or(i128::from(DEFAULT_MEMORY_REQUEST)),
                )
            } else {
                (cpu.unwrap_or(0), mem.unwrap_or(0))
            }
        };
        let (mut cpu, mut mem) = (0, 0);
        for &c in &apps {
            let (a, b) = fill(c);
            cpu += a;
            mem += b;
        }
        for &c in &inits {
            let (a, b) = fill(c);
            cpu = cpu.max(a);
            mem = mem.max(b);
        }
        (cpu, mem)
    };
    let overhead = |k: &str| {
        spec.overhead
            .as_ref()
            .and_then(|o| o.get(k))
            .and_then(|q| quantity::milli(q).ok())
            .unwrap_or(0)
    };
    let (oc, om) = (overhead("cpu"), overhead("memory"));
    // Summed in 128 bits (a hostile manifest's quantities cannot overflow), then
    // saturated.
    let make = |(cpu, mem): (i128, i128)| Resources {
        milli_cpu: saturate(cpu.saturating_add(oc)),
        memory: saturate(mem.saturating_add(om)),
        pods: 1,
    };
    (make(sum(false)), make(sum(true)))
}

/// A pod's effective requests: the larger of the app containers' sum and the biggest
/// init container, plus overhead (`resourcehelper.PodRequests`). With `non_zero`,
/// unset cpu/memory count as the scheduler's scoring defaults.
pub fn pod_requests(pod: &Pod, non_zero: bool) -> Resources {
    let (requests, non_zero_requests) = pod_requests_both(pod);
    if non_zero {
        non_zero_requests
    } else {
        requests
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
    /// Pods were bound to nodes: pods that want to be near them (or that spread with
    /// them) may fit now.
    AssignedPodAdded,
    /// The waiting pod's own tolerations changed.
    PodTolerationsChanged,
    /// A PersistentVolumeClaim, PersistentVolume or StorageClass was added or changed
    /// (the volume plugins' events).
    StorageChanged,
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
    /// PreFilter's Skip: nothing in the pod concerns this plugin, so its Filter does not
    /// run for it (every node passes).
    fn skip(&self, _pod: &PodInfo<'_>) -> bool {
        false
    }
    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status;

    /// PreFilter over the whole snapshot: what Filter (and the plugin's Score) will read
    /// for this pod, kept in [`PodInfo::cycle`]. Runs before [`FilterPlugin::skip`],
    /// which then reads what it kept; the default keeps nothing.
    fn pre_filter(&self, _pod: &mut PodInfo<'_>, _snapshot: &Snapshot<'_>) {}

    /// PreFilter's verdict for the whole pod, from what [`FilterPlugin::pre_filter`]
    /// kept: a pod the plugin can place on no node at all (its claim is missing) is
    /// rejected once, for every node, and the FailedScheduling message says it once.
    fn pre_filter_status(&self, _pod: &PodInfo<'_>) -> Option<Status> {
        None
    }

    /// Works out once, for every node of a snapshot, what Filter and Score read of it
    /// (kept in [`NodeInfo::state`]); the default keeps nothing.
    fn prepare(&self, _nodes: &mut [NodeInfo<'_>]) {}

    /// Whether Filter reads only the node object and the pod's tolerations,
    /// nodeSelector, spec.nodeName and required node affinity (never the pods on the
    /// node), so that its verdict holds for every pod of an equivalence class for a whole
    /// pass ([`crate::scheduler::equivalence`]).
    fn node_only(&self) -> bool {
        false
    }

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
        ClusterEvent::AssignedPodDeleted
        | ClusterEvent::AssignedPodAdded
        | ClusterEvent::PodTolerationsChanged
        | ClusterEvent::StorageChanged => false,
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
    /// PreScore over the whole snapshot: what Score will read for this pod, kept in
    /// [`PodInfo::cycle`]; the default keeps nothing.
    fn pre_score(&self, _pod: &mut PodInfo<'_>, _snapshot: &Snapshot<'_>) {}
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64;
    /// Scores every feasible node into `out`, in order: one call per plugin and pod,
    /// so the per-node work is not a call through the plugin table each time.
    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        out.extend(nodes.iter().map(|n| self.score(pod, n)));
    }
    /// Rescales raw scores of all feasible nodes; the default leaves them as they are.
    fn normalize(&self, _scores: &mut [i64]) {}
    /// [`ScorePlugin::normalize`] for plugins that look at the pod and the nodes again.
    fn normalize_nodes(&self, _pod: &PodInfo<'_>, _nodes: &[&NodeInfo<'_>], scores: &mut [i64]) {
        self.normalize(scores)
    }
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
