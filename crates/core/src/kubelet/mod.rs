//! The kubelet: brings bound pods to life on their node, on the simulated clock.
//!
//! This first version pulls images from the emulated registry (pull time from image
//! size; an unknown image gives ErrImagePull, then ImagePullBackOff), creates and starts
//! containers that run their image's default process, restarts exited ones per
//! restartPolicy with kubelet's back-off, and keeps the pod's status (phase, conditions,
//! container states, IPs) and Events as a real kubelet reports them. Running a
//! container's own `command`/`args` and init containers needs the container shell,
//! which is not built yet: such pods say so in their container state.

pub mod images;

use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::model::{
    ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod,
    PodCondition,
};
use images::DefaultProcess;
use k8s_openapi::api::core::v1::{ContainerStateTerminated, PodIP};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Kubelet's container restart back-off: 10 s doubling up to 5 minutes.
const BACKOFF_INITIAL_MS: u64 = 10_000;
const BACKOFF_MAX_MS: u64 = 300_000;

/// Why a container is waiting between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Waiting {
    ErrImagePull,
    ImagePullBackOff,
    CrashLoopBackOff,
}

impl Waiting {
    fn as_str(self) -> &'static str {
        match self {
            Waiting::ErrImagePull => "ErrImagePull",
            Waiting::ImagePullBackOff => "ImagePullBackOff",
            Waiting::CrashLoopBackOff => "CrashLoopBackOff",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Phase {
    /// Pulling until `due`; then created and started, or failed when unknown.
    Pulling,
    /// Waiting with this reason until `due` (ErrImagePull, ImagePullBackOff,
    /// CrashLoopBackOff), then retried.
    BackOff {
        reason: Waiting,
        message: String,
        pull: bool,
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
    /// Cannot run in this version (see module docs).
    Unsupported {
        message: String,
    },
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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PodWork {
    namespace: String,
    name: String,
    containers: Vec<Work>,
}

/// The kubelets of all nodes (one state per node, driven together).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Kubelet {
    pods: BTreeMap<String, PodWork>,
    /// Last pod IP host number handed out per node.
    next_ip: BTreeMap<String, u32>,
    /// Images present on each node.
    images: BTreeMap<String, BTreeSet<String>>,
}

struct Ctx<'a> {
    api: &'a mut ApiServer,
    now: SimTime,
    ns: String,
    pod: String,
    uid: String,
    node: String,
}

impl Ctx<'_> {
    /// Records a kubelet event about one container of the pod.
    fn event(&mut self, reason: &str, message: String, warning: bool, container: &str) {
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
                field_path: Some(format!("spec.containers{{{container}}}")),
            },
            self.now,
        );
    }
}

impl Kubelet {
    /// The earliest simulated time at which some container has something to do.
    pub fn next_due(&self) -> Option<SimTime> {
        self.pods
            .values()
            .flat_map(|p| p.containers.iter().filter_map(|c| c.due))
            .min()
    }

    /// Brings every bound pod's containers up to `now`. Returns whether anything changed.
    pub fn sync(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let mut changed = false;
        let live: BTreeSet<String> = api
            .pods
            .list()
            .filter_map(|p| p.metadata.uid.clone())
            .collect();
        self.pods.retain(|uid, _| live.contains(uid));
        // Only pods that are new to their node or have a container step due.
        let bound: Vec<Pod> = api
            .pods
            .list()
            .filter(|p| {
                let bound = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty());
                bound
                    && p.metadata
                        .uid
                        .as_ref()
                        .is_none_or(|uid| match self.pods.get(uid) {
                            None => true,
                            Some(w) => w.containers.iter().any(|c| c.due.is_some_and(|d| d <= now)),
                        })
            })
            .cloned()
            .collect();
        for pod in bound {
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let mut ctx = Ctx {
                api,
                now,
                ns: pod.metadata.namespace.clone().unwrap_or_default(),
                pod: pod.metadata.name.clone().unwrap_or_default(),
                uid: uid.clone(),
                node: node.clone(),
            };
            let mut pod = pod;
            if !self.pods.contains_key(&uid) {
                self.admit(&mut ctx, &mut pod);
                changed = true;
            }
            let Some(mut work) = self.pods.remove(&uid) else {
                continue;
            };
            let mut touched = false;
            let restart_policy = pod
                .spec
                .as_ref()
                .and_then(|s| s.restart_policy.clone())
                .unwrap_or_default();
            for c in work.containers.iter_mut() {
                while c.due.is_some_and(|d| d <= now) {
                    self.step(&mut ctx, c, &restart_policy, &node);
                    touched = true;
                }
            }
            if touched
                || pod
                    .status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .is_none()
            {
                write_status(&mut pod, &work, now);
                let _ = ctx.api.update_pod(pod);
                changed = true;
            }
            work.namespace = ctx.ns;
            work.name = ctx.pod;
            self.pods.insert(uid, work);
        }
        changed
    }

    /// A pod newly bound to this node: IP, start time and the first pull for each
    /// container.
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
        let host = self.next_ip.entry(ctx.node.clone()).or_insert(1);
        *host += 1;
        let pod_ip = cidr.and_then(|c| {
            let base = c.split('/').next()?.rsplit_once('.')?.0.to_string();
            Some(format!("{base}.{host}"))
        });
        let spec = pod.spec.clone().unwrap_or_default();
        let unsupported = spec.init_containers.as_ref().is_some_and(|v| !v.is_empty());
        let mut containers = Vec::new();
        for c in &spec.containers {
            let image = c.image.clone().unwrap_or_default();
            let mut work = Work {
                name: c.name.clone(),
                image: image.clone(),
                phase: Phase::Pulling,
                due: Some(ctx.now),
                restarts: 0,
                backoff_ms: BACKOFF_INITIAL_MS,
                pull_started: false,
                last: None,
            };
            if unsupported || c.command.is_some() || c.args.is_some() {
                work.phase = Phase::Unsupported {
                    message: "podlab: running container commands and init containers needs the container shell, which this version does not have yet".into(),
                };
                work.due = None;
            }
            containers.push(work);
        }
        let status = pod.status.get_or_insert_with(Default::default);
        status.host_ip = host_ip.clone();
        status.host_ips = host_ip.map(|ip| vec![k8s_openapi::api::core::v1::HostIP { ip }]);
        status.pod_ip = pod_ip.clone();
        status.pod_ips = pod_ip.map(|ip| vec![PodIP { ip }]);
        status.start_time = Some(ctx.now.to_time());
        self.pods.insert(
            ctx.uid.clone(),
            PodWork {
                namespace: ctx.ns.clone(),
                name: ctx.pod.clone(),
                containers,
            },
        );
    }

    /// One due transition of one container.
    fn step(&mut self, ctx: &mut Ctx<'_>, c: &mut Work, restart_policy: &str, node: &str) {
        let now = ctx.now;
        match c.phase.clone() {
            Phase::Pulling if !c.pull_started => {
                let present = self.images.get(node).is_some_and(|s| s.contains(&c.image));
                let always = crate::apiserver::defaults::image_pull_policy(&c.image) == "Always";
                if present && !always {
                    ctx.event(
                        "Pulled",
                        format!("Container image {:?} already present on machine", c.image),
                        false,
                        &c.name,
                    );
                    self.start(ctx, c);
                    return;
                }
                ctx.event(
                    "Pulling",
                    format!("Pulling image {:?}", c.image),
                    false,
                    &c.name,
                );
                c.pull_started = true;
                let pull = images::lookup(&c.image).map_or(500, images::pull_millis);
                c.due = Some(now.plus_ms(pull));
            }
            Phase::Pulling => match images::lookup(&c.image) {
                Some(img) => {
                    let secs = images::pull_millis(img) as f64 / 1000.0;
                    ctx.event(
                        "Pulled",
                        format!(
                            "Successfully pulled image {:?} in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.",
                            c.image, img.size_bytes
                        ),
                        false,
                        &c.name,
                    );
                    self.images
                        .entry(node.to_string())
                        .or_default()
                        .insert(c.image.clone());
                    self.start(ctx, c);
                }
                None => {
                    let q = images::qualified(&c.image);
                    let message = format!("failed to pull and unpack image {q:?}: failed to resolve reference {q:?}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed");
                    ctx.event(
                        "Failed",
                        format!("Failed to pull image {:?}: {message}", c.image),
                        true,
                        &c.name,
                    );
                    ctx.event("Failed", "Error: ErrImagePull".into(), true, &c.name);
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
                    format!("Back-off pulling image {:?}", c.image),
                    false,
                    &c.name,
                );
                ctx.event("Failed", "Error: ImagePullBackOff".into(), true, &c.name);
                c.phase = Phase::BackOff {
                    reason: Waiting::ImagePullBackOff,
                    message: format!(
                        "Back-off pulling image {:?}: ErrImagePull: {message}",
                        c.image
                    ),
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
            Phase::BackOff { pull: false, .. } => self.start(ctx, c),
            Phase::Running { since } => {
                // The default process of a non-server image has exited.
                let code = match images::lookup(&c.image).map(|i| i.process) {
                    Some(DefaultProcess::Exits { code }) => code,
                    _ => 0,
                };
                let reason = if code == 0 { "Completed" } else { "Error" }.to_string();
                c.phase = Phase::Terminated {
                    code,
                    reason,
                    started: since,
                    finished: now,
                };
                c.due = None;
                let restart = match restart_policy {
                    "Never" => false,
                    "OnFailure" => code != 0,
                    _ => true,
                };
                if restart {
                    c.last = Some(c.phase.clone());
                    ctx.event(
                        "BackOff",
                        format!(
                            "Back-off restarting failed container {} in pod {}_{}({})",
                            c.name, ctx.pod, ctx.ns, ctx.uid
                        ),
                        true,
                        &c.name,
                    );
                    c.phase = Phase::BackOff {
                        reason: Waiting::CrashLoopBackOff,
                        message: format!(
                            "back-off {} restarting failed container={} pod={}_{}({})",
                            fmt_backoff(c.backoff_ms),
                            c.name,
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
            Phase::Terminated { .. } | Phase::Unsupported { .. } => c.due = None,
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_>, c: &mut Work) {
        ctx.event(
            "Created",
            format!("Created container: {}", c.name),
            false,
            &c.name,
        );
        ctx.event(
            "Started",
            format!("Started container {}", c.name),
            false,
            &c.name,
        );
        c.phase = Phase::Running { since: ctx.now };
        c.due = match images::lookup(&c.image).map(|i| i.process) {
            // A process that exits at once: observed a moment after it started.
            Some(DefaultProcess::Exits { .. }) => Some(ctx.now.plus_ms(100)),
            _ => None,
        };
    }
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

/// Writes the pod's status from its containers, keeping transition times of
/// conditions whose status did not change.
fn write_status(pod: &mut Pod, work: &PodWork, now: SimTime) {
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    let mut statuses = Vec::new();
    for (c, w) in spec.containers.iter().zip(&work.containers) {
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
            |code: i32, reason: &str, started: SimTime, finished: SimTime| ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: code,
                    reason: Some(reason.into()),
                    started_at: Some(started.to_time()),
                    finished_at: Some(finished.to_time()),
                    container_id: Some(container_id(
                        &work.name,
                        &w.name,
                        w.restarts.saturating_sub(1),
                    )),
                    ..Default::default()
                }),
                ..Default::default()
            };
        let (state, ready, started) = match &w.phase {
            Phase::Pulling => (waiting("ContainerCreating", None), false, false),
            Phase::BackOff {
                reason, message, ..
            } => (
                waiting(reason.as_str(), Some(message.clone())),
                false,
                false,
            ),
            Phase::Unsupported { message } => (
                waiting("CreateContainerError", Some(message.clone())),
                false,
                false,
            ),
            Phase::Running { since } => (
                ContainerState {
                    running: Some(ContainerStateRunning {
                        started_at: Some(since.to_time()),
                    }),
                    ..Default::default()
                },
                true,
                true,
            ),
            Phase::Terminated {
                code,
                reason,
                started,
                finished,
            } => (terminated(*code, reason, *started, *finished), false, false),
        };
        let last_state = match &w.last {
            Some(Phase::Terminated {
                code,
                reason,
                started,
                finished,
            }) => terminated(*code, reason, *started, *finished),
            _ => ContainerState::default(),
        };
        let has_run = !matches!(w.phase, Phase::Pulling | Phase::Unsupported { .. })
            && !matches!(w.phase, Phase::BackOff { pull: true, .. });
        statuses.push(ContainerStatus {
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
            container_id: has_run.then(|| container_id(&work.name, &w.name, w.restarts)),
            ready,
            started: Some(started),
            restart_count: w.restarts,
            state: Some(state),
            last_state: Some(last_state),
            ..Default::default()
        });
    }
    let all_ready = !statuses.is_empty() && statuses.iter().all(|s| s.ready);
    let all_done = !statuses.is_empty()
        && statuses
            .iter()
            .all(|s| s.state.as_ref().is_some_and(|st| st.terminated.is_some()));
    let phase = if all_done {
        if statuses.iter().all(|s| {
            s.state
                .as_ref()
                .and_then(|st| st.terminated.as_ref())
                .is_some_and(|t| t.exit_code == 0)
        }) {
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
    status.container_statuses = Some(statuses);

    let ready_reason = (!all_ready).then_some(if all_done {
        "PodCompleted"
    } else {
        "ContainersNotReady"
    });
    let wanted = [
        ("PodReadyToStartContainers", true, None),
        ("Initialized", true, None),
        ("Ready", all_ready, ready_reason),
        ("ContainersReady", all_ready, ready_reason),
    ];
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    for (type_, ok, reason) in wanted {
        let want_status = if ok { "True" } else { "False" };
        match conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(c) if c.status == want_status => {}
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
    conditions.sort_by_key(|c| {
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
