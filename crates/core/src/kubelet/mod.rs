//! The kubelet: brings bound pods to life on their node, on the simulated clock.
//!
//! Per pod: sets up volumes (emptyDir, hostPath, the service-account token), then runs
//! init containers one at a time in spec order, then the app containers. Each container
//! pulls its image from the emulated registry (pull time from image size; an unknown
//! image gives ErrImagePull, then ImagePullBackOff), gets a fresh root file system from
//! its image plus its mounts, an environment built as the kubelet builds it, and runs
//! its command in the [`shell`](crate::shell) as a resumable process. Exits are handled
//! per restartPolicy with kubelet's back-off (CrashLoopBackOff); the pod's status
//! (phase, conditions, container states, IPs) and Events read as a real kubelet's. A pod
//! bound to a node that does not exist has no kubelet: it is never run (the pod garbage
//! collector removes it).
//!
//! Split as the real kubelet is (pkg/kubelet): [`nodestatus`] (registration, capacity,
//! node conditions), [`pod_workers`] (the per-pod sync loop and termination),
//! [`runtime`] (kuberuntime: images pulled, containers started as shell processes, exits,
//! restart back-off, logs), [`status`] (the status manager: container statuses,
//! conditions, phase), [`prober`] (where liveness, readiness and startup probes go),
//! [`termination`] (stopping containers: grace period, stop signal, termination
//! messages, activeDeadlineSeconds), [`sidecars`] (native sidecars), and beside them
//! [`exec`], [`env`], [`volumes`], [`network`] (kube-proxy and the pod network) and
//! [`images`]. The kubelet knows its node only: it imports neither the
//! cluster nor the controllers.

mod atomic_writer;
pub mod cri;
mod env;
pub mod exec;
pub(crate) mod images;
mod lifecycle;
mod network;
pub(crate) mod nodestatus;
mod pod_workers;
mod prober;
pub(crate) mod programs;
mod runtime;
mod sidecars;
mod status;
mod termination;
pub mod volumes;
mod work_queue;

pub use network::{GrpcCheck, GrpcHealth, Origin};
pub use prober::{ProbeKind, ProbeResult, ProbeStatus};
pub use runtime::LogLine;

use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::fs::Filesystems;
use crate::git::Remotes;
use crate::keyed::Keyed;
use pod_workers::PodWork;
use runtime::{Phase, RunHost, Slot, Work};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One node's kubelet: what it keeps apart from its pods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct NodeKubelet {
    /// The last pod IP host number handed out from the node's pod CIDR.
    next_ip: Option<u32>,
    /// Images present on the node.
    images: BTreeSet<String>,
    /// An image came since the node's `status.images` was last posted.
    images_changed: bool,
    /// The kubelet service is stopped (`systemctl stop kubelet`), since then. Its
    /// containers keep running, but nothing is started, stopped or reported.
    stopped: Option<SimTime>,
    /// When the kubelet last started (None: with the node, at time 0).
    started: Option<SimTime>,
    /// The kubelet started again: node and pod status are posted afresh.
    resync: bool,
}

/// The kubelets of all nodes (one [`NodeKubelet`] per node, driven together), with the
/// nodes' disks and every container's files.
#[derive(Debug, Clone, Default)]
pub struct Kubelet {
    /// Each pod's work, and when each is next due.
    pods: work_queue::WorkQueue,
    /// Per-node state, by node name.
    nodes: Keyed<String, NodeKubelet>,
    /// Node disks, container roots and volumes.
    pub fs: Filesystems,
    /// kube-proxy's round-robin position per Service.
    rr: Keyed<String, u64>,
    /// The API server's pod and node write counts when the pod workers last looked for
    /// gone and newly bound pods (not saved): unchanged counts, nothing to find.
    scanned: Option<(u64, u64)>,
    /// The API server's count of pod deletions when the pod workers last looked for
    /// gone pods (not saved): a pod write that deleted none leaves every pod there.
    scanned_deletions: Option<u64>,
    /// The prober's pass's names of a pod (namespace, name, uid, node), kept from pod
    /// to pod: a pass over thousands of pods copies them without allocating.
    names: [String; 4],
    /// Each image's root file system, copied for every container (not saved).
    rootfs_templates: images::RootfsTemplates,
}

/// The kubelet as snapshots have always written it: one map per field of
/// [`NodeKubelet`], keyed by node name (so saved clusters and share links read as before).
#[derive(Serialize)]
struct WireOut<'a> {
    pods: &'a Keyed<String, PodWork>,
    next_ip: Keyed<String, u32>,
    images: Keyed<String, &'a BTreeSet<String>>,
    fs: &'a Filesystems,
    rr: &'a Keyed<String, u64>,
    stopped: Keyed<String, SimTime>,
    started: Keyed<String, SimTime>,
    resync: BTreeSet<&'a str>,
}

#[derive(Deserialize)]
struct WireIn {
    pods: Keyed<String, PodWork>,
    next_ip: Keyed<String, u32>,
    images: Keyed<String, BTreeSet<String>>,
    fs: Filesystems,
    rr: Keyed<String, u64>,
    #[serde(default)]
    stopped: Keyed<String, SimTime>,
    #[serde(default)]
    started: Keyed<String, SimTime>,
    #[serde(default)]
    resync: BTreeSet<String>,
}

impl Serialize for Kubelet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let per_node = |f: fn(&NodeKubelet) -> Option<SimTime>| -> Keyed<String, SimTime> {
            self.nodes
                .iter()
                .filter_map(|(name, n)| Some((name.clone(), f(n)?)))
                .collect()
        };
        WireOut {
            pods: self.pods.all(),
            next_ip: self
                .nodes
                .iter()
                .filter_map(|(name, n)| Some((name.clone(), n.next_ip?)))
                .collect(),
            images: self
                .nodes
                .iter()
                .filter(|(_, n)| !n.images.is_empty())
                .map(|(name, n)| (name.clone(), &n.images))
                .collect(),
            fs: &self.fs,
            rr: &self.rr,
            stopped: per_node(|n| n.stopped),
            started: per_node(|n| n.started),
            resync: self
                .nodes
                .iter()
                .filter(|(_, n)| n.resync)
                .map(|(name, _)| name.as_str())
                .collect(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Kubelet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WireIn::deserialize(d)?;
        let mut nodes: Keyed<String, NodeKubelet> = Keyed::new();
        fn node(nodes: &mut Keyed<String, NodeKubelet>, name: String) -> &mut NodeKubelet {
            nodes.get_or_insert_with(name, Default::default)
        }
        for (name, ip) in w.next_ip {
            node(&mut nodes, name).next_ip = Some(ip);
        }
        for (name, images) in w.images {
            node(&mut nodes, name).images = images;
        }
        for (name, t) in w.stopped {
            node(&mut nodes, name).stopped = Some(t);
        }
        for (name, t) in w.started {
            node(&mut nodes, name).started = Some(t);
        }
        for name in w.resync {
            node(&mut nodes, name).resync = true;
        }
        Ok(Kubelet {
            pods: work_queue::WorkQueue::new(w.pods),
            nodes,
            fs: w.fs,
            rr: w.rr,
            scanned: None,
            scanned_deletions: None,
            names: Default::default(),
            rootfs_templates: Default::default(),
        })
    }
}

struct Ctx<'a> {
    api: &'a mut ApiServer,
    git: &'a mut Remotes,
    now: SimTime,
    ns: String,
    pod: String,
    uid: String,
    node: String,
    /// The pod's slot in the pod workers' map, when the caller has it (the prober's
    /// pass): its work is found without a search by uid (see [`work_queue`]).
    slot: Option<usize>,
    /// Whether the node's kubelet is stopped, when the caller has looked (the prober's
    /// pass, once per pod rather than once per probe).
    stopped: Option<bool>,
}

impl Ctx<'_> {
    /// Records a kubelet event about the pod or one of its containers.
    fn event(&mut self, reason: &str, message: String, warning: bool, container: Option<&str>) {
        self.api.record_event(
            EventRecord {
                object_kind: "Pod",
                namespace: &self.ns,
                object_name: &self.pod,
                object_uid: &self.uid,
                reason,
                message,
                warning,
                component: "kubelet",
                host: Some(&self.node),
                field_path: container.map(|c| format!("spec.containers{{{c}}}")),
            },
            self.now,
        );
    }
}

impl Kubelet {
    /// A saved kubelet read back: each node's pod IP counter is raised to the
    /// highest host number its pods already use in the node's pod CIDR, so the next
    /// pod gets an address no pod has.
    pub(crate) fn raise_ip_counters(&mut self, api: &ApiServer) {
        for pod in api.pods.list() {
            let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
            let ip = pod.status.as_ref().and_then(|s| s.pod_ip.as_deref());
            let (Some(node), Some(ip)) = (node, ip) else {
                continue;
            };
            let cidr = api
                .nodes
                .get("", node)
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.pod_cidr.as_deref());
            let base = cidr.and_then(|c| Some(c.split('/').next()?.rsplit_once('.')?.0));
            let host =
                base.and_then(|b| ip.strip_prefix(b)?.strip_prefix('.')?.parse::<u32>().ok());
            if let Some(host) = host {
                let n = self
                    .nodes
                    .get_or_insert_with(node.to_string(), Default::default);
                if n.next_ip.is_none_or(|last| last < host) {
                    n.next_ip = Some(host);
                }
            }
        }
    }

    /// The kubelet service on `node`: whether it runs, and since when.
    pub fn service_state(&self, node: &str) -> (bool, SimTime) {
        let n = self.nodes.get(node);
        match n.and_then(|n| n.stopped) {
            Some(t) => (false, t),
            None => (true, n.and_then(|n| n.started).unwrap_or_default()),
        }
    }

    /// Whether `node`'s kubelet service is stopped.
    fn is_stopped(&self, node: &str) -> bool {
        self.nodes.get(node).is_some_and(|n| n.stopped.is_some())
    }

    /// Nodes whose kubelet is stopped, with the time it stopped.
    pub fn stopped_nodes(&self) -> Keyed<String, SimTime> {
        self.nodes
            .iter()
            .filter_map(|(name, n)| Some((name.clone(), n.stopped?)))
            .collect()
    }

    /// Starts or stops a node's kubelet service. Returns whether anything changed.
    pub fn set_running(&mut self, node: &str, running: bool, now: SimTime) -> bool {
        if running != self.is_stopped(node) {
            return false;
        }
        // Pods bound to this node are admitted, or not, from now on: look again.
        self.scanned = None;
        self.scanned_deletions = None;
        let n = self
            .nodes
            .get_or_insert_with(node.to_string(), Default::default);
        if running {
            n.stopped = None;
            n.started = Some(now);
            n.resync = true;
        } else {
            n.stopped = Some(now);
        }
        true
    }

    /// The earliest simulated time at which some container has something to do.
    pub fn next_due(&self) -> Option<SimTime> {
        self.pods.next_due()
    }

    /// The log lines of a container's current run (or, with `previous`, the run
    /// before), or None when the pod or container has none.
    pub fn logs(&self, uid: &str, container: &str, previous: bool) -> Option<&[LogLine]> {
        let w = self.container(uid, container)?;
        if previous {
            w.previous.as_deref()
        } else {
            Some(&w.logs)
        }
    }

    /// The environment a container's process was started with (its current or last
    /// run: what `env` printed inside it), or None before it has started.
    pub fn environment(&self, uid: &str, container: &str) -> Option<&BTreeMap<String, String>> {
        let w = self.container(uid, container)?;
        w.process.as_ref().map(|p| &p.env)
    }

    /// A pod's container (init or app) by name.
    fn container(&self, uid: &str, name: &str) -> Option<&Work> {
        let p = self.pods.get(uid)?;
        p.init.iter().chain(&p.containers).find(|w| w.name == name)
    }

    fn work(&mut self, uid: &str, slot: Slot) -> Option<&mut Work> {
        self.pods.get_mut(uid)?.work(slot)
    }
}
