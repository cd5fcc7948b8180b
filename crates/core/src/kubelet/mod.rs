//! The kubelet: brings bound pods to life on their node, on the simulated clock.
//!
//! Per pod: sets up volumes (emptyDir, hostPath, the service-account token), then runs
//! init containers one at a time in spec order, then the app containers. Each container
//! pulls its image from the emulated registry (pull time from image size; an unknown
//! image gives ErrImagePull, then ImagePullBackOff), gets a fresh root file system from
//! its image plus its mounts, an environment built as the kubelet builds it, and runs
//! its command in the [`shell`](crate::shell) as a resumable process. Exits are handled
//! per restartPolicy with kubelet's back-off (CrashLoopBackOff); the pod's status
//! (phase, conditions, container states, IPs) and Events read as a real kubelet's.

mod env;
pub mod exec;
pub mod images;
mod network;
pub mod volumes;

pub use network::Origin;

use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::fs::{Filesystems, User};
use crate::git::Remotes;
use crate::keyed::Keyed;
use crate::model::{
    Container, ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod,
    PodCondition,
};
use crate::net::servers::Reply;
use crate::net::{HttpRequest, HttpResponse, NetError};
use crate::shell::{Host, Process, Spawn, State, Stream};
use k8s_openapi::api::core::v1::{ContainerStateTerminated, PodIP, PodSpec};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use volumes::Source;

/// Kubelet's container restart back-off: 10 s doubling up to 5 minutes.
const BACKOFF_INITIAL_MS: u64 = 10_000;
const BACKOFF_MAX_MS: u64 = 300_000;
/// A process that used up its step budget runs again this much later.
const BUSY_MS: u64 = 10_000;
/// How often a failed volume mount is retried.
const MOUNT_RETRY_MS: u64 = 2_000;
/// Lines kept per container run (older ones rotate away).
const MAX_LOG_LINES: usize = 5_000;

/// Why a container is waiting between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Waiting {
    ErrImagePull,
    ImagePullBackOff,
    CrashLoopBackOff,
    InvalidImageName,
}

impl Waiting {
    fn as_str(self) -> &'static str {
        match self {
            Waiting::ErrImagePull => "ErrImagePull",
            Waiting::ImagePullBackOff => "ImagePullBackOff",
            Waiting::CrashLoopBackOff => "CrashLoopBackOff",
            Waiting::InvalidImageName => "InvalidImageName",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Phase {
    /// Not started: waiting for volumes or for the init containers before it.
    Idle,
    /// Pulling until `due`; then created and started, or failed when unknown.
    Pulling,
    /// Waiting with this reason until `due`, then retried.
    BackOff {
        reason: Waiting,
        message: String,
        pull: bool,
    },
    /// Cannot be created (CreateContainerConfigError, CreateContainerError).
    Blocked {
        reason: String,
        message: String,
    },
    Running {
        since: SimTime,
    },
    Terminated {
        code: i32,
        reason: String,
        started: SimTime,
        finished: SimTime,
    },
}

/// One log line of a container run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: SimTime,
    pub stream: Stream,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Work {
    name: String,
    image: String,
    phase: Phase,
    due: Option<SimTime>,
    restarts: i32,
    backoff_ms: u64,
    pull_started: bool,
    last: Option<Phase>,
    process: Option<Process>,
    logs: Vec<LogLine>,
    previous: Option<Vec<LogLine>>,
    /// Exited and to be restarted: the next pod sync meets the back-off.
    restart_pending: bool,
    /// The pod's spec gave this container a new image: it is replaced at the next step.
    #[serde(default)]
    definition_changed: bool,
}

impl Work {
    fn new(c: &Container) -> Work {
        Work {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            phase: Phase::Idle,
            due: None,
            restarts: 0,
            backoff_ms: BACKOFF_INITIAL_MS,
            pull_started: false,
            last: None,
            process: None,
            logs: Vec::new(),
            previous: None,
            restart_pending: false,
            definition_changed: false,
        }
    }

    fn log(&mut self, at: SimTime, out: Vec<(Stream, Vec<u8>)>) {
        for (stream, data) in out {
            let text = String::from_utf8_lossy(&data);
            for line in text.split_inclusive('\n') {
                self.logs.push(LogLine {
                    at,
                    stream,
                    text: line.trim_end_matches('\n').to_string(),
                });
            }
        }
        if self.logs.len() > MAX_LOG_LINES {
            let extra = self.logs.len() - MAX_LOG_LINES;
            self.logs.drain(..extra);
        }
    }
}

/// Which container of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Init(usize),
    App(usize),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PodWork {
    namespace: String,
    name: String,
    node: String,
    init: Vec<Work>,
    containers: Vec<Work>,
    volumes: Keyed<String, Source>,
    /// The FailedMount message while volumes cannot be set up, with the retry time.
    mount_error: Option<(String, SimTime)>,
    /// An init container failed with restartPolicy Never: the pod has failed.
    failed: bool,
    /// What running processes need without a copy of the pod.
    pod_ip: String,
    restart_policy: String,
    /// The pod is being deleted: its containers were told to stop and whatever still
    /// runs at this time is killed.
    #[serde(default)]
    terminating: Option<SimTime>,
}

impl PodWork {
    fn work(&mut self, slot: Slot) -> Option<&mut Work> {
        match slot {
            Slot::Init(i) => self.init.get_mut(i),
            Slot::App(i) => self.containers.get_mut(i),
        }
    }

    fn due(&self) -> Option<SimTime> {
        self.init
            .iter()
            .chain(&self.containers)
            .filter_map(|c| c.due)
            .chain(self.mount_error.as_ref().map(|m| m.1))
            .chain(self.terminating)
            .min()
    }
}

/// The kubelets of all nodes (one state per node, driven together), with the nodes'
/// disks and every container's files.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Kubelet {
    pods: Keyed<String, PodWork>,
    /// Last pod IP host number handed out per node.
    next_ip: Keyed<String, u32>,
    /// Images present on each node.
    images: Keyed<String, BTreeSet<String>>,
    /// Node disks, container roots and volumes.
    pub fs: Filesystems,
    /// kube-proxy's round-robin position per Service.
    rr: Keyed<String, u64>,
    /// Nodes whose kubelet service is stopped (`systemctl stop kubelet`), and since when.
    /// Their containers keep running, but nothing is started, stopped or reported.
    #[serde(default)]
    stopped: Keyed<String, SimTime>,
    /// When each node's kubelet last started (absent: with the node, at time 0).
    #[serde(default)]
    started: Keyed<String, SimTime>,
    /// Nodes whose kubelet started again: node and pod status are posted afresh.
    #[serde(default)]
    resync: BTreeSet<String>,
}

struct Ctx<'a> {
    api: &'a mut ApiServer,
    git: &'a mut Remotes,
    now: SimTime,
    ns: String,
    pod: String,
    uid: String,
    node: String,
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

/// What a process runs against inside a container.
struct RunHost<'a> {
    kubelet: &'a mut Kubelet,
    api: &'a ApiServer,
    git: &'a mut Remotes,
    now: SimTime,
    hostname: String,
    origin: Origin,
}

impl Host for RunHost<'_> {
    fn now(&self) -> SimTime {
        self.now
    }
    fn fs(&mut self) -> &mut Filesystems {
        &mut self.kubelet.fs
    }
    fn hostname(&self) -> String {
        self.hostname.clone()
    }
    fn git(&mut self) -> &mut Remotes {
        self.git
    }
    fn http(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.kubelet.request(self.api, &self.origin, req, self.now)
    }
    fn redis(&mut self, host: &str, port: u16, args: &[String]) -> Result<Reply, NetError> {
        self.kubelet
            .redis(self.api, &self.origin, host, port, args, 0)
    }
    fn resolve(&mut self, name: &str) -> Option<String> {
        self.kubelet.resolve(self.api, &self.origin, name)
    }
    fn connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        self.kubelet.connect(self.api, &self.origin, host, port)
    }
}

impl Kubelet {
    /// The kubelet service on `node`: whether it runs, and since when.
    pub fn service_state(&self, node: &str) -> (bool, SimTime) {
        match self.stopped.get(node) {
            Some(t) => (false, *t),
            None => (true, self.started.get(node).copied().unwrap_or_default()),
        }
    }

    /// Nodes whose kubelet is stopped, with the time it stopped.
    pub fn stopped_nodes(&self) -> &Keyed<String, SimTime> {
        &self.stopped
    }

    /// Starts or stops a node's kubelet service. Returns whether anything changed.
    pub fn set_running(&mut self, node: &str, running: bool, now: SimTime) -> bool {
        if running != self.stopped.contains_key(node) {
            return false;
        }
        if running {
            self.stopped.remove(node);
            self.started.insert(node.to_string(), now);
            self.resync.insert(node.to_string());
        } else {
            self.stopped.insert(node.to_string(), now);
        }
        true
    }

    /// A Node object no kubelet has posted status for (one created with kubectl) is a
    /// machine joining: its kubelet sets the default labels (hostname, OS, arch) and
    /// posts what the object lacks — an InternalIP (the next free one after the default
    /// nodes' 192.168.56.201–203) and Hostname, the machine's capacity and allocatable,
    /// its system info — and Ready, with the Starting and NodeReady events. A node whose
    /// kubelet is stopped stays as it is.
    fn register(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        use crate::controllers::node_lifecycle::{ready_status, set_kubelet_conditions};
        let joining: Vec<String> = api
            .nodes
            .list()
            .filter(|n| ready_status(n).is_empty())
            .filter_map(|n| n.metadata.name.clone())
            .filter(|n| !self.stopped.contains_key(n))
            .collect();
        let mut changed = false;
        for name in joining {
            let Some(mut node) = api.nodes.get("", &name).cloned() else {
                continue;
            };
            let taken = crate::sort::collect_set(
                api.nodes
                    .list()
                    .flat_map(|n| n.status.iter().flat_map(|s| s.addresses.iter().flatten()))
                    .filter(|a| a.type_ == "InternalIP")
                    .map(|a| a.address.clone()),
            );
            // updateDefaultLabels: the machine's hostname, OS and architecture.
            let labels = node.metadata.labels.get_or_insert_with(Default::default);
            for (key, value) in [
                ("beta.kubernetes.io/arch", "amd64"),
                ("beta.kubernetes.io/os", "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("kubernetes.io/hostname", name.as_str()),
                ("kubernetes.io/os", "linux"),
            ] {
                labels.insert(key.into(), value.into());
            }
            let status = node.status.get_or_insert_with(Default::default);
            let addresses = status.addresses.get_or_insert_with(Vec::new);
            if !addresses.iter().any(|a| a.type_ == "InternalIP") {
                // 192.168.56.201 on, then 192.168.57.1 and so on.
                let free = (200..=u32::from(u16::MAX))
                    .map(|i| format!("192.168.{}.{}", 56 + i / 254, 1 + i % 254))
                    .find(|ip| !taken.contains(ip));
                if let Some(ip) = free {
                    addresses.insert(
                        0,
                        k8s_openapi::api::core::v1::NodeAddress {
                            type_: "InternalIP".into(),
                            address: ip,
                        },
                    );
                }
            }
            if !addresses.iter().any(|a| a.type_ == "Hostname") {
                addresses.push(k8s_openapi::api::core::v1::NodeAddress {
                    type_: "Hostname".into(),
                    address: name.clone(),
                });
            }
            status
                .capacity
                .get_or_insert_with(crate::cluster::default_nodes::machine_capacity);
            status
                .allocatable
                .get_or_insert_with(crate::cluster::default_nodes::machine_allocatable);
            status
                .node_info
                .get_or_insert_with(crate::cluster::default_nodes::system_info);
            set_kubelet_conditions(&mut node, now);
            let uid = node.metadata.uid.clone().unwrap_or_default();
            if api.update_node(node).is_err() {
                continue;
            }
            changed = true;
            announce_start(api, &name, &uid, true, now);
        }
        changed
    }

    /// A restarted kubelet posts its node Ready again (with the Starting and NodeReady
    /// events) and rewrites its pods' status.
    fn post_status_again(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let nodes: Vec<String> = std::mem::take(&mut self.resync).into_iter().collect();
        let mut changed = false;
        for node in nodes {
            if let Some(mut n) = api.nodes.get("", &node).cloned() {
                let uid = n.metadata.uid.clone().unwrap_or_default();
                let was_ready = crate::controllers::node_lifecycle::ready_status(&n) == "True";
                crate::controllers::node_lifecycle::set_kubelet_conditions(&mut n, now);
                if api.update_node(n).is_ok() {
                    changed = true;
                }
                announce_start(api, &node, &uid, !was_ready, now);
            }
            let uids: Vec<String> = self
                .pods
                .iter()
                .filter(|(_, w)| w.node == node)
                .map(|(uid, _)| uid.clone())
                .collect();
            for uid in uids {
                let Some(work) = self.pods.get(&uid) else {
                    continue;
                };
                if let Some(mut pod) = api.pods.get(&work.namespace, &work.name).cloned() {
                    write_status(&mut pod, work, now);
                    let _ = api.update_pod(pod);
                    changed = true;
                }
            }
        }
        changed
    }

    /// The earliest simulated time at which some container has something to do.
    pub fn next_due(&self) -> Option<SimTime> {
        self.pods.values().filter_map(PodWork::due).min()
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

    /// Brings every bound pod's containers up to `now`. Returns whether anything changed.
    pub fn sync(&mut self, api: &mut ApiServer, git: &mut Remotes, now: SimTime) -> bool {
        let mut changed = false;
        // Pods gone from the API server: their containers and volumes go too.
        let gone: Vec<String> = self
            .pods
            .iter()
            .filter(|(uid, w)| {
                api.pods
                    .get(&w.namespace, &w.name)
                    .and_then(|p| p.metadata.uid.as_ref())
                    != Some(*uid)
            })
            .map(|(uid, _)| uid.clone())
            .collect();
        for uid in gone {
            self.pods.remove(&uid);
            for prefix in volumes::pod_prefixes(&uid) {
                self.fs.remove_prefix(&prefix);
            }
        }
        changed |= self.register(api, now);
        changed |= self.post_status_again(api, now);
        changed |= self.terminate(api, git, now);
        for node in api.nodes.list() {
            if let Some(name) = &node.metadata.name {
                if self.fs.tree(&volumes::node_tree(name)).is_none() {
                    volumes::ensure_node(&mut self.fs, name, now);
                }
            }
        }
        // Newly bound pods, then pods with a step due.
        let mut todo: Vec<(String, String, String)> = api
            .pods
            .list()
            .filter(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty())
                    && p.metadata
                        .uid
                        .as_ref()
                        .is_some_and(|uid| !self.pods.contains_key(uid))
                    && p.spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_deref())
                        .is_some_and(|n| !self.stopped.contains_key(n))
            })
            .map(|p| {
                (
                    p.metadata.uid.clone().unwrap_or_default(),
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default(),
                )
            })
            .collect();
        todo.extend(
            self.pods
                .iter()
                .filter(|(_, w)| w.due().is_some_and(|d| d <= now))
                .map(|(uid, w)| (uid.clone(), w.namespace.clone(), w.name.clone())),
        );
        for (uid, ns, name) in todo {
            let Some(stored) = api.pods.get(&ns, &name) else {
                continue;
            };
            let node = stored
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let (pod_ns, pod_name) = (ns.clone(), name.clone());
            let mut ctx = Ctx {
                api: &mut *api,
                git: &mut *git,
                now,
                ns,
                pod: name,
                uid: uid.clone(),
                node,
            };
            let phases = |w: &PodWork| -> Vec<(Phase, i32)> {
                w.init
                    .iter()
                    .chain(&w.containers)
                    .map(|c| (c.phase.clone(), c.restarts))
                    .collect()
            };
            let before: Option<Vec<(Phase, i32)>> = self.pods.get(&uid).map(phases);
            // A copy of the pod, taken only when a step needs its spec: a sidecar
            // waking from `sleep` needs none.
            let mut pod: Option<Pod> = None;
            if before.is_none() {
                let Some(mut p) = ctx.api.pods.get(&pod_ns, &pod_name).cloned() else {
                    continue;
                };
                self.admit(&mut ctx, &mut p);
                pod = Some(p);
            }
            // Every due step, in order; bounded so a bug cannot spin forever.
            for _ in 0..1000 {
                let Some(work) = self.pods.get_mut(&uid) else {
                    break;
                };
                let remount = work.mount_error.as_ref().is_some_and(|(_, at)| *at <= now);
                let slot = work
                    .init
                    .iter()
                    .position(|c| c.due.is_some_and(|d| d <= now))
                    .map(Slot::Init)
                    .or_else(|| {
                        work.containers
                            .iter()
                            .position(|c| c.due.is_some_and(|d| d <= now))
                            .map(Slot::App)
                    });
                if !remount && slot.is_none() {
                    break;
                }
                let running = slot.and_then(|s| work.work(s)).is_some_and(|c| {
                    matches!(c.phase, Phase::Running { .. }) && !c.definition_changed
                });
                if let (Some(slot), true, false) = (slot, running, remount) {
                    self.run_process(&mut ctx, slot);
                    continue;
                }
                if self.stopped.contains_key(&ctx.node) {
                    // No kubelet: running containers go on, nothing else moves.
                    break;
                }
                if pod.is_none() {
                    pod = ctx.api.pods.get(&pod_ns, &pod_name).cloned();
                }
                let Some(p) = pod.as_ref() else { break };
                if remount {
                    if let Some(work) = self.pods.get_mut(&uid) {
                        work.mount_error = None;
                    }
                    self.mount(&mut ctx, p);
                } else if let Some(slot) = slot {
                    self.step(&mut ctx, p, slot);
                }
            }
            let Some(work) = self.pods.get(&uid) else {
                continue;
            };
            if self.stopped.contains_key(&work.node) {
                // Nobody posts this pod's status while its kubelet is down.
                continue;
            }
            if before.as_ref() == Some(&phases(work)) && work.mount_error.is_none() {
                // Only processes ran (a sidecar woke and slept again): nothing to report.
                continue;
            }
            let Some(mut pod) = pod.or_else(|| ctx.api.pods.get(&pod_ns, &pod_name).cloned())
            else {
                continue;
            };
            write_status(&mut pod, work, now);
            // Only the status was written: the rest need not be compared.
            let stored = ctx.api.pods.get(&pod_ns, &pod_name);
            if stored.map(|p| &p.status) != Some(&pod.status) {
                let _ = ctx.api.update_pod(pod);
                changed = true;
            }
        }
        changed
    }

    /// Pods marked for deletion: at first sight every running container is told to
    /// stop (a Killing event; servers exit, a shell as PID 1 ignores it and runs on),
    /// nothing starts or restarts any more, and at the grace period's end whatever still
    /// runs is killed (exit 137). Once nothing runs, the pod is removed from the API
    /// server. Returns whether anything changed.
    fn terminate(&mut self, api: &mut ApiServer, git: &mut Remotes, now: SimTime) -> bool {
        let deleting: Vec<(String, String, String, SimTime)> = api
            .pods
            .list()
            .filter_map(|p| {
                // Only pods being deleted (most are not): their keys are cloned.
                let deleted_at = SimTime::from_time(p.metadata.deletion_timestamp.as_ref()?);
                Some((
                    p.metadata.uid.clone().unwrap_or_default(),
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default(),
                    deleted_at,
                ))
            })
            .collect();
        let mut changed = false;
        for (uid, ns, name, deleted_at) in deleting {
            let node = api
                .pods
                .get(&ns, &name)
                .and_then(|p| p.spec.as_ref())
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let mut ctx = Ctx {
                api: &mut *api,
                git: &mut *git,
                now,
                ns: ns.clone(),
                pod: name.clone(),
                uid: uid.clone(),
                node,
            };
            if self.stopped.contains_key(&ctx.node) {
                // The kubelet is down: the pod stays Terminating until it is back.
                continue;
            }
            let Some(work) = self.pods.get_mut(&uid) else {
                // Never started here: nothing to stop.
                let _ = ctx.api.delete_pod(&ns, &name);
                changed = true;
                continue;
            };
            // A later DELETE may shorten the grace period, never lengthen it.
            let first_sight = work.terminating.is_none();
            let deadline = work.terminating.map_or(deleted_at, |d| d.min(deleted_at));
            work.terminating = Some(deadline);
            let slots: Vec<Slot> = (0..work.init.len())
                .map(Slot::Init)
                .chain((0..work.containers.len()).map(Slot::App))
                .collect();
            for slot in slots {
                let Some(c) = self.work(&uid, slot) else {
                    continue;
                };
                let running = matches!(c.phase, Phase::Running { .. });
                if !running {
                    // Nothing more starts, pulls or restarts.
                    c.due = None;
                    c.restart_pending = false;
                    continue;
                }
                if now >= deadline {
                    c.process = None;
                    self.exited(&mut ctx, slot, 137, "Error");
                    continue;
                }
                if first_sight {
                    let name = c.name.clone();
                    let stop = match c.process.as_ref().map(|p| &p.state) {
                        Some(State::Serving(server)) => server.stop_status(),
                        Some(State::Exited(code)) => Some(*code),
                        _ => None,
                    };
                    ctx.event(
                        "Killing",
                        format!("Stopping container {name}"),
                        false,
                        Some(&name),
                    );
                    if let Some(code) = stop {
                        if let Some(c) = self.work(&uid, slot) {
                            c.process = None;
                        }
                        let reason = if code == 0 { "Completed" } else { "Error" };
                        self.exited(&mut ctx, slot, code, reason);
                    }
                }
            }
            let Some(work) = self.pods.get(&uid) else {
                continue;
            };
            let running = work
                .init
                .iter()
                .chain(&work.containers)
                .any(|c| matches!(c.phase, Phase::Running { .. }));
            if !running {
                // The status manager's last write (the containers terminated, READY
                // 0/1), then the pod leaves the store.
                if let Some(mut pod) = ctx.api.pods.get(&ns, &name).cloned() {
                    let before = pod.status.clone();
                    write_status(&mut pod, work, now);
                    if pod.status != before {
                        let _ = ctx.api.update_pod(pod);
                    }
                }
                let _ = ctx.api.delete_pod(&ns, &name);
                changed = true;
            } else if first_sight || now >= deadline {
                if let Some(mut pod) = ctx.api.pods.get(&ns, &name).cloned() {
                    write_status(&mut pod, work, now);
                    let _ = ctx.api.update_pod(pod);
                    changed = true;
                }
            }
        }
        changed
    }

    /// A pod newly bound to this node: IP, start time, volumes, the first container.
    fn admit(&mut self, ctx: &mut Ctx<'_>, pod: &mut Pod) {
        let node = ctx.api.nodes.get("", &ctx.node).cloned();
        let host_ip = node
            .as_ref()
            .and_then(|n| n.status.as_ref())
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone());
        let cidr = node
            .as_ref()
            .and_then(|n| n.spec.as_ref())
            .and_then(|s| s.pod_cidr.clone());
        let host = self.next_ip.get_or_insert_with(ctx.node.clone(), || 1);
        *host += 1;
        let pod_ip = cidr.and_then(|c| {
            let base = c.split('/').next()?.rsplit_once('.')?.0.to_string();
            Some(format!("{base}.{host}"))
        });
        let spec = pod.spec.clone().unwrap_or_default();
        let status = pod.status.get_or_insert_with(Default::default);
        status.host_ip = host_ip.clone();
        status.host_ips = host_ip.map(|ip| vec![k8s_openapi::api::core::v1::HostIP { ip }]);
        status.pod_ip = pod_ip.clone();
        status.pod_ips = pod_ip.map(|ip| vec![PodIP { ip }]);
        status.start_time = Some(ctx.now.to_time());
        self.pods.insert(
            ctx.uid.clone(),
            PodWork {
                terminating: None,
                namespace: ctx.ns.clone(),
                name: ctx.pod.clone(),
                node: ctx.node.clone(),
                init: spec
                    .init_containers
                    .iter()
                    .flatten()
                    .map(Work::new)
                    .collect(),
                containers: spec.containers.iter().map(Work::new).collect(),
                volumes: Keyed::new(),
                mount_error: None,
                failed: false,
                pod_ip: pod
                    .status
                    .as_ref()
                    .and_then(|s| s.pod_ip.clone())
                    .unwrap_or_default(),
                restart_policy: spec
                    .restart_policy
                    .clone()
                    .unwrap_or_else(|| "Always".into()),
            },
        );
        self.mount(ctx, pod);
    }

    /// Sets up the volumes; on success the first container (init or app) may start.
    fn mount(&mut self, ctx: &mut Ctx<'_>, pod: &Pod) {
        match volumes::setup(&mut self.fs, pod, &ctx.uid, &ctx.node, ctx.now) {
            Ok(vols) => {
                let Some(work) = self.pods.get_mut(&ctx.uid) else {
                    return;
                };
                work.volumes = vols;
                if let Some(first) = work.init.first_mut() {
                    first.phase = Phase::Pulling;
                    first.due = Some(ctx.now);
                } else {
                    for c in &mut work.containers {
                        c.phase = Phase::Pulling;
                        c.due = Some(ctx.now);
                    }
                }
            }
            Err(message) => {
                ctx.event("FailedMount", message.clone(), true, None);
                if let Some(work) = self.pods.get_mut(&ctx.uid) {
                    work.mount_error = Some((message, ctx.now.plus_ms(MOUNT_RETRY_MS)));
                }
            }
        }
    }

    fn work(&mut self, uid: &str, slot: Slot) -> Option<&mut Work> {
        self.pods.get_mut(uid)?.work(slot)
    }

    /// A user changed a pod's spec (`kubectl apply`): containers whose image changed are
    /// replaced (a running one is stopped first), as the kubelet does when a container's
    /// definition hash changes.
    pub fn spec_updated(&mut self, pod: &Pod, now: SimTime) {
        let Some(uid) = pod.metadata.uid.as_deref() else {
            return;
        };
        let Some(work) = self.pods.get_mut(uid) else {
            return;
        };
        let Some(spec) = pod.spec.as_ref() else {
            return;
        };
        let pairs = work
            .init
            .iter_mut()
            .zip(spec.init_containers.iter().flatten())
            .chain(work.containers.iter_mut().zip(&spec.containers));
        for (w, c) in pairs {
            let image = c.image.clone().unwrap_or_default();
            if w.image != image {
                w.image = image;
                // Not started yet: it simply starts with the new image.
                if !matches!(w.phase, Phase::Idle) {
                    w.definition_changed = true;
                    w.due = Some(now);
                }
            }
        }
    }

    /// One due transition of one container.
    fn step(&mut self, ctx: &mut Ctx<'_>, pod: &Pod, slot: Slot) {
        let now = ctx.now;
        let node = ctx.node.clone();
        let uid = ctx.uid.clone();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        if c.definition_changed {
            c.definition_changed = false;
            let name = c.name.clone();
            if let Phase::Running { since } = c.phase {
                let code = match c.process.as_ref().map(|p| &p.state) {
                    Some(State::Serving(server)) => server.stop_status().unwrap_or(137),
                    _ => 137,
                };
                ctx.event(
                    "Killing",
                    format!("Container {name} definition changed, will be restarted"),
                    false,
                    Some(&name),
                );
                let Some(c) = self.work(&uid, slot) else {
                    return;
                };
                c.process = None;
                c.last = Some(Phase::Terminated {
                    code,
                    reason: if code == 0 { "Completed" } else { "Error" }.into(),
                    started: since,
                    finished: now,
                });
                c.restarts += 1;
            }
            let Some(c) = self.work(&uid, slot) else {
                return;
            };
            c.restart_pending = false;
            c.phase = Phase::Pulling;
            c.pull_started = false;
            c.due = Some(now);
            return;
        }
        let (name, image) = (c.name.clone(), c.image.clone());
        match c.phase.clone() {
            Phase::Pulling if !c.pull_started => {
                if let Some(message) = images::invalid_name_message(&image) {
                    ctx.event("InspectFailed", message.clone(), true, Some(&name));
                    let error = "Error: InvalidImageName".into();
                    ctx.event("Failed", error, true, Some(&name));
                    let reason = Waiting::InvalidImageName;
                    c.phase = Phase::BackOff {
                        reason,
                        message,
                        pull: true,
                    };
                    c.due = Some(now.plus_ms(images::INVALID_NAME_RETRY_MS));
                    return;
                }
                let present = self.images.get(&node).is_some_and(|s| s.contains(&image));
                let always = crate::apiserver::defaults::image_pull_policy(&image) == "Always";
                let policy = container_spec(pod, slot)
                    .and_then(|c| c.image_pull_policy.clone())
                    .unwrap_or_else(|| {
                        crate::apiserver::defaults::image_pull_policy(&image).to_string()
                    });
                if present && (!always || policy == "IfNotPresent") && policy != "Always" {
                    ctx.event(
                        "Pulled",
                        format!("Container image {image:?} already present on machine"),
                        false,
                        Some(&name),
                    );
                    self.start(ctx, pod, slot);
                    return;
                }
                ctx.event(
                    "Pulling",
                    format!("Pulling image {image:?}"),
                    false,
                    Some(&name),
                );
                let pull = images::lookup(&image).map_or(500, images::pull_millis);
                if let Some(c) = self.work(&uid, slot) {
                    c.pull_started = true;
                    c.due = Some(now.plus_ms(pull));
                }
            }
            Phase::Pulling => match images::lookup(&image) {
                Some(img) => {
                    let secs = images::pull_millis(img) as f64 / 1000.0;
                    ctx.event(
                        "Pulled",
                        format!(
                            "Successfully pulled image {image:?} in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.",
                            img.size_bytes
                        ),
                        false,
                        Some(&name),
                    );
                    self.images
                        .get_or_insert_with(node, Default::default)
                        .insert(image);
                    self.start(ctx, pod, slot);
                }
                None => {
                    let q = images::qualified(&image);
                    let message = format!("failed to pull and unpack image {q:?}: failed to resolve reference {q:?}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed");
                    ctx.event(
                        "Failed",
                        format!("Failed to pull image {image:?}: {message}"),
                        true,
                        Some(&name),
                    );
                    ctx.event("Failed", "Error: ErrImagePull".into(), true, Some(&name));
                    c.phase = Phase::BackOff {
                        reason: Waiting::ErrImagePull,
                        message,
                        pull: true,
                    };
                    // The next pod sync reports the back-off.
                    c.due = Some(now.plus_ms(1000));
                }
            },
            Phase::BackOff {
                reason: Waiting::ErrImagePull,
                message,
                pull: true,
            } => {
                ctx.event(
                    "BackOff",
                    format!("Back-off pulling image {image:?}"),
                    false,
                    Some(&name),
                );
                ctx.event(
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                    true,
                    Some(&name),
                );
                c.phase = Phase::BackOff {
                    reason: Waiting::ImagePullBackOff,
                    message: format!("Back-off pulling image {image:?}: ErrImagePull: {message}"),
                    pull: true,
                };
                c.due = Some(now.plus_ms(c.backoff_ms));
                c.backoff_ms = (c.backoff_ms * 2).min(BACKOFF_MAX_MS);
            }
            Phase::BackOff { pull: true, .. } => {
                c.phase = Phase::Pulling;
                c.pull_started = false;
                c.due = Some(now);
            }
            Phase::BackOff { pull: false, .. } => self.start(ctx, pod, slot),
            Phase::Running { .. } => self.run_process(ctx, slot),
            Phase::Terminated { .. } if c.restart_pending => {
                c.restart_pending = false;
                self.back_off(ctx, slot);
            }
            Phase::Idle | Phase::Blocked { .. } | Phase::Terminated { .. } => c.due = None,
        }
    }

    /// Creates and starts a container: root file system, mounts, environment, process.
    fn start(&mut self, ctx: &mut Ctx<'_>, pod: &Pod, slot: Slot) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let Some(spec) = container_spec(pod, slot).cloned() else {
            return;
        };
        let image = images::lookup(spec.image.as_deref().unwrap_or(""));
        let ns = ctx.ns.clone();
        let services: Vec<&crate::model::Service> = ctx
            .api
            .services
            .list()
            .filter(|s| {
                s.metadata.namespace.as_deref() == Some(ns.as_str())
                    || (s.metadata.name.as_deref() == Some("kubernetes")
                        && s.metadata.namespace.as_deref() == Some("default"))
            })
            .collect();
        let allocatable = node_allocatable(ctx.api, &ctx.node);
        let env = env::build(
            pod,
            &spec,
            image.map_or(&[][..], |i| i.env),
            &services,
            allocatable,
        );
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        let name = c.name.clone();
        let mut env = match env {
            Ok(e) => e,
            Err(env::EnvError(message)) => {
                c.phase = Phase::Blocked {
                    reason: "CreateContainerConfigError".into(),
                    message: message.clone(),
                };
                c.due = None;
                ctx.event("Failed", format!("Error: {message}"), true, Some(&name));
                return;
            }
        };
        // Command and args: the pod's replace the image's Entrypoint and Cmd.
        let expand = |v: &Vec<String>, env: &BTreeMap<String, String>| -> Vec<String> {
            v.iter().map(|a| env::expand(a, env)).collect()
        };
        let (ep, cmd): (Vec<String>, Vec<String>) = image.map_or((Vec::new(), Vec::new()), |i| {
            (
                i.entrypoint.iter().map(|s| s.to_string()).collect(),
                i.cmd.iter().map(|s| s.to_string()).collect(),
            )
        });
        let argv: Vec<String> = match (&spec.command, &spec.args) {
            (Some(c), Some(a)) => expand(c, &env).into_iter().chain(expand(a, &env)).collect(),
            (Some(c), None) => expand(c, &env),
            (None, Some(a)) => ep.into_iter().chain(expand(a, &env)).collect(),
            (None, None) => ep.into_iter().chain(cmd).collect(),
        };
        let system = image.map_or(crate::shell::System::Busybox, |i| i.system);
        // A fresh root file system for this run of the container.
        let root = volumes::rootfs_tree(&uid, &name);
        let mut tree = images::rootfs(image, now);
        let pod_ip = pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default();
        tree.put(
            "/etc/hostname",
            format!("{}\n", ctx.pod).as_bytes(),
            0o644,
            now,
        );
        tree.put(
            "/etc/hosts",
            format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{pod_ip}\t{}\n", ctx.pod).as_bytes(),
            0o644,
            now,
        );
        tree.put(
            "/etc/resolv.conf",
            format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n").as_bytes(),
            0o644,
            now,
        );
        self.fs.insert(&root, tree);
        let vols = self
            .pods
            .get(&uid)
            .map(|p| p.volumes.clone())
            .unwrap_or_default();
        let view = volumes::container_view(
            &mut self.fs,
            &root,
            spec.volume_mounts.as_deref().unwrap_or(&[]),
            &vols,
            now,
        );
        env.entry("PATH".into()).or_insert_with(|| {
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()
        });
        let cwd = spec.working_dir.clone().unwrap_or_else(|| "/".into());
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        if c.restarts > 0 || c.previous.is_some() || !c.logs.is_empty() {
            c.previous = Some(std::mem::take(&mut c.logs));
        }
        let Some(program) = argv.first().cloned() else {
            c.phase = Phase::Blocked {
                reason: "CreateContainerError".into(),
                message: "failed to generate container spec: no command specified".into(),
            };
            c.due = None;
            ctx.event(
                "Failed",
                "Error: failed to generate container spec: no command specified".into(),
                true,
                Some(&name),
            );
            return;
        };
        ctx.event(
            "Created",
            format!("Created container: {name}"),
            false,
            Some(&name),
        );
        if !crate::shell::programs::available(system, &program) {
            // runc cannot exec it: the container terminates at once (StartError).
            let message = format!("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: {program:?}: executable file not found in $PATH: unknown");
            ctx.event("Failed", format!("Error: {message}"), true, Some(&name));
            if let Some(c) = self.work(&uid, slot) {
                c.phase = Phase::Running { since: now };
            }
            self.exited(ctx, slot, 128, "StartError");
            return;
        }
        ctx.event(
            "Started",
            format!("Started container {name}"),
            false,
            Some(&name),
        );
        let process = Process::exec(
            Spawn {
                system,
                view,
                user: User::ROOT,
                env,
                cwd,
            },
            argv,
        );
        if let Some(c) = self.work(&uid, slot) {
            c.phase = Phase::Running { since: now };
            c.process = Some(process);
        }
        self.run_process(ctx, slot);
    }

    /// Runs a container's process until it sleeps, serves, exits or yields.
    fn run_process(&mut self, ctx: &mut Ctx<'_>, slot: Slot) {
        let uid = ctx.uid.clone();
        let Some(mut process) = self.work(&uid, slot).and_then(|c| c.process.take()) else {
            return;
        };
        let origin = Origin::Pod {
            uid: uid.clone(),
            namespace: ctx.ns.clone(),
            ip: self
                .pods
                .get(&uid)
                .map(|w| w.pod_ip.clone())
                .unwrap_or_default(),
        };
        {
            let mut host = RunHost {
                kubelet: self,
                api: &*ctx.api,
                git: &mut *ctx.git,
                now: ctx.now,
                hostname: ctx.pod.clone(),
                origin,
            };
            process.run(&mut host);
        }
        let out = process.take_output();
        let state = process.state.clone();
        let wake = process.wake();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        c.log(ctx.now, out);
        c.process = Some(process);
        match state {
            State::Sleeping(_) | State::Busy | State::Runnable | State::Serving(_) => {
                // The shell or one of its background jobs is next due then.
                c.due = match wake {
                    None => None,
                    Some(None) => Some(ctx.now.plus_ms(BUSY_MS)),
                    Some(Some(t)) => Some(t.max(ctx.now)),
                };
            }
            State::Exited(code) => {
                let reason = if code == 0 { "Completed" } else { "Error" };
                self.exited(ctx, slot, code, reason);
            }
        }
    }

    /// A container's process ended: record it and restart or move on per policy.
    fn exited(&mut self, ctx: &mut Ctx<'_>, slot: Slot, code: i32, reason: &str) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let policy = self
            .pods
            .get(&uid)
            .map(|w| w.restart_policy.clone())
            .unwrap_or_else(|| "Always".into());
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        let since = match c.phase {
            Phase::Running { since } => since,
            _ => now,
        };
        c.phase = Phase::Terminated {
            code,
            reason: reason.to_string(),
            started: since,
            finished: now,
        };
        c.due = None;
        if self.pods.get(&uid).is_some_and(|w| w.terminating.is_some()) {
            // A pod being deleted: nothing restarts and nothing comes next.
            return;
        }
        let restart = match (slot, policy.as_str()) {
            (_, "Never") => false,
            // Init containers are retried until they succeed.
            (Slot::Init(_), _) => code != 0,
            (Slot::App(_), "OnFailure") => code != 0,
            _ => true,
        };
        if let (Slot::Init(i), 0) = (slot, code) {
            // Next init container, or the app containers.
            let Some(work) = self.pods.get_mut(&uid) else {
                return;
            };
            match work.init.get_mut(i + 1) {
                Some(next) => {
                    next.phase = Phase::Pulling;
                    next.due = Some(now);
                }
                None => {
                    for c in &mut work.containers {
                        c.phase = Phase::Pulling;
                        c.due = Some(now);
                    }
                }
            }
            return;
        }
        if !restart {
            if let Slot::Init(_) = slot {
                if let Some(work) = self.pods.get_mut(&uid) {
                    work.failed = true;
                }
            }
            return;
        }
        // The exit shows (Error/Completed) until the next sync meets the back-off.
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        c.restart_pending = true;
        if now.0.saturating_sub(since.0) >= 600_000 {
            // A container that ran 10 minutes resets the back-off.
            c.backoff_ms = BACKOFF_INITIAL_MS;
        }
        c.due = Some(now.plus_ms(1000));
    }

    /// Restarting an exited container: wait out the back-off (CrashLoopBackOff).
    fn back_off(&mut self, ctx: &mut Ctx<'_>, slot: Slot) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        let name = c.name.clone();
        c.last = Some(c.phase.clone());
        ctx.event(
            "BackOff",
            format!(
                "Back-off restarting failed container {name} in pod {}_{}({})",
                ctx.pod, ctx.ns, ctx.uid
            ),
            true,
            Some(&name),
        );
        c.phase = Phase::BackOff {
            reason: Waiting::CrashLoopBackOff,
            message: format!(
                "back-off {} restarting failed container={name} pod={}_{}({})",
                fmt_backoff(c.backoff_ms),
                ctx.pod,
                ctx.ns,
                ctx.uid
            ),
            pull: false,
        };
        c.due = Some(now.plus_ms(c.backoff_ms));
        c.backoff_ms = (c.backoff_ms * 2).min(BACKOFF_MAX_MS);
        c.restarts += 1;
    }
}

fn container_spec(pod: &Pod, slot: Slot) -> Option<&Container> {
    let spec = pod.spec.as_ref()?;
    match slot {
        Slot::Init(i) => spec.init_containers.as_ref()?.get(i),
        Slot::App(i) => spec.containers.get(i),
    }
}

/// The node's allocatable cpu and memory in milli-units (limits default to them).
fn node_allocatable(api: &ApiServer, node: &str) -> (i128, i128) {
    let alloc = api
        .nodes
        .get("", node)
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    let get = |k: &str| {
        alloc
            .get(k)
            .and_then(|q| crate::model::quantity::parse_milli(&q.0).ok())
            .unwrap_or(0)
    };
    (get("cpu"), get("memory"))
}

fn fmt_backoff(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn condition(type_: &str, ok: bool, at: SimTime, reason: Option<&str>) -> PodCondition {
    PodCondition {
        type_: type_.into(),
        status: if ok { "True" } else { "False" }.into(),
        last_transition_time: Some(at.to_time()),
        reason: reason.map(str::to_string),
        ..Default::default()
    }
}

/// The API status of one container from its work record.
fn container_status(
    c: &Container,
    w: &Work,
    pod_name: &str,
    init: bool,
    has_init: bool,
) -> ContainerStatus {
    let image = c.image.clone().unwrap_or_default();
    let reg = images::lookup(&image);
    let waiting = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..Default::default()
    };
    let terminated =
        |code: i32, reason: &str, started: SimTime, finished: SimTime, run: i32| ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: code,
                reason: Some(reason.into()),
                started_at: Some(started.to_time()),
                finished_at: Some(finished.to_time()),
                container_id: Some(container_id(pod_name, &w.name, run)),
                ..Default::default()
            }),
            ..Default::default()
        };
    let (state, ready, started) = match &w.phase {
        // kubelet's default waiting state: PodInitializing when the pod has init
        // containers, else ContainerCreating (pulls do not change it).
        Phase::Idle | Phase::Pulling => (
            waiting(
                if has_init {
                    "PodInitializing"
                } else {
                    "ContainerCreating"
                },
                None,
            ),
            false,
            false,
        ),
        Phase::BackOff {
            reason, message, ..
        } => (
            waiting(reason.as_str(), Some(message.clone())),
            false,
            false,
        ),
        Phase::Blocked { reason, message } => {
            (waiting(reason, Some(message.clone())), false, false)
        }
        Phase::Running { since } => (
            ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(since.to_time()),
                }),
                ..Default::default()
            },
            !init,
            true,
        ),
        Phase::Terminated {
            code,
            reason,
            started,
            finished,
        } => (
            terminated(*code, reason, *started, *finished, w.restarts),
            init && *code == 0,
            false,
        ),
    };
    let last_state = match &w.last {
        Some(Phase::Terminated {
            code,
            reason,
            started,
            finished,
        }) => terminated(
            *code,
            reason,
            *started,
            *finished,
            w.restarts.saturating_sub(1),
        ),
        _ => ContainerState::default(),
    };
    let has_run = matches!(w.phase, Phase::Running { .. } | Phase::Terminated { .. })
        || matches!(w.phase, Phase::BackOff { pull: false, .. });
    ContainerStatus {
        name: c.name.clone(),
        image: images::qualified(&image),
        image_id: if has_run {
            reg.map(|r| {
                format!(
                    "{}@{}",
                    images::qualified(&image)
                        .rsplit_once(':')
                        .map_or(image.as_str(), |x| x.0),
                    r.digest
                )
            })
            .unwrap_or_default()
        } else {
            String::new()
        },
        container_id: has_run.then(|| container_id(pod_name, &w.name, w.restarts)),
        ready,
        started: Some(started),
        restart_count: w.restarts,
        state: Some(state),
        last_state: Some(last_state),
        ..Default::default()
    }
}

/// Writes the pod's status from its containers, keeping transition times of
/// conditions whose status did not change.
fn write_status(pod: &mut Pod, work: &PodWork, now: SimTime) {
    let no_spec = PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let status = pod.status.get_or_insert_with(Default::default);
    let init_specs = spec.init_containers.as_deref().unwrap_or_default();
    let initialized = work
        .init
        .iter()
        .all(|w| matches!(w.phase, Phase::Terminated { code: 0, .. }));
    let init_statuses: Vec<ContainerStatus> = init_specs
        .iter()
        .zip(&work.init)
        .map(|(c, w)| container_status(c, w, &work.name, true, true))
        .collect();
    let statuses: Vec<ContainerStatus> = spec
        .containers
        .iter()
        .zip(&work.containers)
        .map(|(c, w)| container_status(c, w, &work.name, false, !work.init.is_empty()))
        .collect();
    let all_ready = initialized && !statuses.is_empty() && statuses.iter().all(|s| s.ready);
    let terminated = |s: &ContainerStatus| s.state.as_ref().and_then(|st| st.terminated.clone());
    let all_done = !statuses.is_empty() && statuses.iter().all(|s| terminated(s).is_some());
    let phase = if work.failed {
        "Failed"
    } else if !initialized {
        "Pending"
    } else if all_done {
        if statuses
            .iter()
            .all(|s| terminated(s).is_some_and(|t| t.exit_code == 0))
        {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if statuses.iter().any(|s| {
        s.state
            .as_ref()
            .is_some_and(|st| st.running.is_some() || st.terminated.is_some())
    }) || work.containers.iter().any(|w| w.restarts > 0)
    {
        "Running"
    } else {
        "Pending"
    };
    status.phase = Some(phase.into());
    status.init_container_statuses = (!init_statuses.is_empty()).then_some(init_statuses);
    status.container_statuses = Some(statuses);

    let ready_reason = (!all_ready).then_some(if all_done || work.failed {
        "PodCompleted"
    } else {
        "ContainersNotReady"
    });
    let init_reason = (!initialized).then_some(if work.failed {
        "PodCompleted"
    } else {
        "ContainersNotInitialized"
    });
    let wanted = [
        ("PodReadyToStartContainers", true, None),
        ("Initialized", initialized, init_reason),
        ("Ready", all_ready, ready_reason),
        ("ContainersReady", all_ready, ready_reason),
    ];
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    for (type_, ok, reason) in wanted {
        let want_status = if ok { "True" } else { "False" };
        match conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(c) if c.status == want_status && c.reason.as_deref() == reason => {}
            Some(c) if c.status == want_status => c.reason = reason.map(str::to_string),
            Some(c) => *c = condition(type_, ok, now, reason),
            None => conditions.push(condition(type_, ok, now, reason)),
        }
    }
    // kubectl shows them in this order.
    let order = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    crate::sort::sort_by_key(conditions, |c| {
        order
            .iter()
            .position(|o| *o == c.type_)
            .unwrap_or(order.len())
    });
}

/// A stable containerd-style id for a container's n-th run.
fn container_id(pod: &str, container: &str, run: i32) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in pod
        .bytes()
        .chain([0])
        .chain(container.bytes())
        .chain(run.to_le_bytes())
    {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::from("containerd://");
    for i in 0..4 {
        let x = h
            .rotate_left(i * 16)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15 ^ u64::from(i));
        out.push_str(&format!("{x:016x}"));
    }
    out
}

/// A kubelet starting on `node`: the Starting event, and NodeReady when the node became
/// Ready with it.
fn announce_start(api: &mut ApiServer, node: &str, uid: &str, became_ready: bool, now: SimTime) {
    let start = EventRecord::node(
        node,
        uid,
        "Starting",
        "Starting kubelet.".into(),
        "kubelet",
        Some(node),
    );
    api.record_event(start, now);
    if became_ready {
        let message = format!("Node {node} status is now: NodeReady");
        let ready = EventRecord::node(node, uid, "NodeReady", message, "kubelet", Some(node));
        api.record_event(ready, now);
    }
}
