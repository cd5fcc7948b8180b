//! The container runtime (kubelet's kuberuntime with containerd behind it): pulling
//! images, creating a container (a fresh root file system from its image, its mounts,
//! the environment) and starting its command as a [`shell`](crate::shell) process that
//! runs against [`RunHost`]; exits handled per restartPolicy with the restart back-off
//! (CrashLoopBackOff); each run's log lines.

use super::nodestatus::node_allocatable;
use super::{env, images, volumes, Ctx, Kubelet, Origin};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::fs::{Filesystems, User};
use crate::git::Remotes;
use crate::model::{Container, Pod, RestartPolicy};
use crate::shell::{Host, Process, Spawn, State, Stream};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kubelet's container restart back-off: 10 s doubling up to 5 minutes (and the image
/// pull back-off, the same).
const BACKOFF_INITIAL_MS: u64 = 10_000;
const BACKOFF_MAX_MS: u64 = 300_000;

/// A container's entry in the kubelet's restart back-off (flowcontrol.Backoff, keyed
/// per pod and container): the delay and when it was last raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct BackOffEntry {
    pub(super) backoff_ms: u64,
    pub(super) last_update: SimTime,
}

/// Whether a container that exited at `finished` is still backing off at `now`
/// (Backoff.IsInBackOffSince): it has an entry, not expired (last raised within twice
/// the maximum before the exit), whose delay has not passed since the exit.
pub(super) fn in_back_off(entry: Option<BackOffEntry>, finished: SimTime, now: SimTime) -> bool {
    entry.is_some_and(|e| !expired(e, finished) && now.0.saturating_sub(finished.0) < e.backoff_ms)
}

fn expired(e: BackOffEntry, at: SimTime) -> bool {
    at.0.saturating_sub(e.last_update.0) > 2 * BACKOFF_MAX_MS
}

/// The entry after a restart (Backoff.Next): a new one of 10 s, or the delay doubled
/// up to the maximum.
pub(super) fn next_back_off(
    entry: Option<BackOffEntry>,
    finished: SimTime,
    now: SimTime,
) -> BackOffEntry {
    let backoff_ms = match entry {
        Some(e) if !expired(e, finished) => (e.backoff_ms * 2).min(BACKOFF_MAX_MS),
        _ => BACKOFF_INITIAL_MS,
    };
    BackOffEntry {
        backoff_ms,
        last_update: now,
    }
}
/// A process that used up its step budget runs again this much later.
const BUSY_MS: u64 = 10_000;
/// The waiting reason of a container whose environment could not be built.
pub(super) const CONFIG_ERROR: &str = "CreateContainerConfigError";

/// The pod worker's back-off after a sync that failed (workerBackOffPeriod, 10 s;
/// kubelet adds up to half of it again as jitter, which a deterministic cluster
/// leaves out).
const SYNC_BACKOFF_MS: u64 = 10_000;

/// Lines kept per container run (older ones rotate away).
const MAX_LOG_LINES: usize = 5_000;

/// Why a container is waiting between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Waiting {
    ErrImagePull,
    ImagePullBackOff,
    CrashLoopBackOff,
    InvalidImageName,
}

impl Waiting {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Waiting::ErrImagePull => "ErrImagePull",
            Waiting::ImagePullBackOff => "ImagePullBackOff",
            Waiting::CrashLoopBackOff => "CrashLoopBackOff",
            Waiting::InvalidImageName => "InvalidImageName",
        }
    }
}

/// Where a container is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Phase {
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
        /// The termination message (terminationMessagePath, or the log's tail).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

/// One log line of a container run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: SimTime,
    pub stream: Stream,
    pub text: String,
}

/// One container's work record: its phase, what is due, restarts, process and logs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Work {
    pub(super) name: String,
    pub(super) image: String,
    pub(super) phase: Phase,
    pub(super) due: Option<SimTime>,
    pub(super) restarts: i32,
    pub(super) backoff_ms: u64,
    pub(super) pull_started: bool,
    pub(super) last: Option<Phase>,
    pub(super) process: Option<Process>,
    pub(super) logs: Vec<LogLine>,
    pub(super) previous: Option<Vec<LogLine>>,
    /// Exited and to be restarted: the next pod sync meets the back-off.
    pub(super) restart_pending: bool,
    /// The pod's spec gave this container a new image: it is replaced at the next step.
    #[serde(default)]
    pub(super) definition_changed: bool,
    /// An init container with `restartPolicy: Always`: a native sidecar.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) sidecar: bool,
    /// The pod is stopping and this container was sent its stop signal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) stop_sent: bool,
    /// A terminationMessagePath other than the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) message_path: Option<String>,
    /// terminationMessagePolicy FallbackToLogsOnError.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) logs_on_error: bool,
    /// A sidecar with a startup probe whose current run has not passed it yet: it has
    /// not started (the next init container waits).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) awaiting_startup: bool,
    /// Its entry in the restart back-off, once it has been restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) restart_backoff: Option<BackOffEntry>,
    /// The last attempt's CreateContainerConfigError message: the status keeps it while
    /// the next attempt pulls (the kubelet writes status after a whole sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) config_error: Option<String>,
    /// `image` parsed (worked out again from `image` when it is absent or stale).
    #[serde(skip)]
    pub(super) image_ref: Option<images::ImageRef>,
}

impl Work {
    pub(super) fn new(c: &Container) -> Work {
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
            sidecar: super::sidecars::is_sidecar(c),
            stop_sent: false,
            message_path: c
                .termination_message_path
                .clone()
                .filter(|p| !p.is_empty() && p != super::termination::DEFAULT_MESSAGE_PATH),
            logs_on_error: c.termination_message_policy.as_deref() == Some("FallbackToLogsOnError"),
            awaiting_startup: false,
            restart_backoff: None,
            config_error: None,
            image_ref: None,
        }
    }

    /// `image` (the container's, or its spec's) parsed: the kept parse when it is of
    /// that image, else a new one.
    pub(super) fn image_ref(&self, image: &str) -> std::borrow::Cow<'_, images::ImageRef> {
        match &self.image_ref {
            Some(r) if r.image == image => std::borrow::Cow::Borrowed(r),
            _ => std::borrow::Cow::Owned(images::ImageRef::new(image)),
        }
    }

    /// Keeps the parse of the container's image, made again when the image changed.
    pub(super) fn keep_image_ref(&mut self) -> &images::ImageRef {
        if self
            .image_ref
            .as_ref()
            .is_some_and(|r| r.image != self.image)
        {
            self.image_ref = None;
        }
        let image = &self.image;
        self.image_ref
            .get_or_insert_with(|| images::ImageRef::new(image))
    }

    pub(super) fn log(&mut self, at: SimTime, out: Vec<(Stream, Vec<u8>)>) {
        for (stream, data) in out {
            // Checked as a whole first (what a process writes is nearly always UTF-8);
            // only bytes that are not get the lossy decoder's replacement characters.
            let text = match std::str::from_utf8(&data) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&data),
            };
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
pub(super) enum Slot {
    Init(usize),
    App(usize),
}

/// What a process runs against inside a container.
pub(super) struct RunHost<'a> {
    pub(super) kubelet: &'a mut Kubelet,
    pub(super) api: &'a ApiServer,
    pub(super) git: &'a mut Remotes,
    pub(super) now: SimTime,
    pub(super) hostname: String,
    pub(super) origin: Origin,
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
    fn program(
        &self,
        system: crate::shell::System,
        name: &str,
    ) -> Option<crate::shell::programs::Found> {
        super::programs::find(system, name)
    }
    fn run_program(
        &mut self,
        at: u32,
        ex: crate::shell::exec::Parts<'_>,
        argv: &[String],
        io: &crate::shell::exec::Io,
    ) -> crate::shell::exec::Flow {
        super::programs::run(self, at, ex, argv, io)
    }
}

impl Kubelet {
    /// One due transition of one container.
    pub(super) fn step(&mut self, ctx: &mut Ctx<'_>, pod: &Pod, slot: Slot) {
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
                    message: None,
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
        let image_ref = c.keep_image_ref().clone();
        match c.phase.clone() {
            Phase::Pulling if !c.pull_started => {
                let invalid = (!image_ref.valid)
                    .then(|| images::invalid_name_message(&image))
                    .flatten();
                if let Some(message) = invalid {
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
                let present = self
                    .nodes
                    .get(&node)
                    .is_some_and(|n| n.images.contains(&image));
                // The default pull policy (`defaults::image_pull_policy`): Always for `latest`.
                let always = image_ref.latest;
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
                let pull = image_ref.entry.map_or(500, images::pull_millis);
                if let Some(c) = self.work(&uid, slot) {
                    c.pull_started = true;
                    c.due = Some(now.plus_ms(pull));
                }
            }
            Phase::Pulling => match image_ref.entry {
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
                    let n = self.nodes.get_or_insert_with(node, Default::default);
                    n.images_changed |= n.images.insert(image);
                    self.start(ctx, pod, slot);
                }
                None => {
                    let q = &image_ref.qualified;
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
            Phase::BackOff { pull: false, .. } => {
                // The back-off ran out: the restart raises it (doBackOff's Next).
                let finished = match &c.last {
                    Some(Phase::Terminated { finished, .. }) => *finished,
                    _ => now,
                };
                c.restart_backoff = Some(next_back_off(c.restart_backoff, finished, now));
                // The new container's restart count (startContainer: the last one's + 1).
                c.restarts += 1;
                self.start(ctx, pod, slot);
            }
            Phase::Running { .. } => self.run_process(ctx, slot),
            Phase::Terminated { finished, .. } if c.restart_pending => {
                c.restart_pending = false;
                // kuberuntime's doBackOff: a container without a back-off entry (its first
                // restart, or ten minutes after the last) starts at once and gets one of
                // 10 s; one still within its delay since it exited waits (CrashLoopBackOff).
                if in_back_off(c.restart_backoff, finished, now) {
                    self.back_off(ctx, slot);
                } else {
                    c.restart_backoff = Some(next_back_off(c.restart_backoff, finished, now));
                    c.last = Some(c.phase.clone());
                    c.restarts += 1;
                    self.start(ctx, pod, slot);
                }
            }
            // The pod worker's back-off after a failed sync: the container is tried
            // again from the image step (a missing ConfigMap or Secret may have come).
            Phase::Blocked { reason, message } if reason == CONFIG_ERROR && c.due.is_some() => {
                c.config_error = Some(message);
                c.phase = Phase::Pulling;
                c.pull_started = false;
                c.due = Some(now);
            }
            Phase::Idle | Phase::Blocked { .. } | Phase::Terminated { .. } => c.due = None,
        }
    }

    /// Creates and starts a container: root file system, mounts, environment, process.
    pub(super) fn start(&mut self, ctx: &mut Ctx<'_>, pod: &Pod, slot: Slot) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let Some(spec) = container_spec(pod, slot) else {
            return;
        };
        let reference = spec.image.as_deref().unwrap_or("");
        let image = match self.pods.get(&uid).and_then(|w| w.work_ref(slot)) {
            Some(w) => w.image_ref(reference).entry,
            None => images::lookup(reference),
        };
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
            spec,
            image.map_or(&[][..], |i| i.env),
            &services,
            allocatable,
            ctx.api,
        );
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        let name = c.name.clone();
        c.config_error = None;
        let mut env = match env {
            Ok(e) => e,
            Err(env::EnvError(message)) => {
                c.phase = Phase::Blocked {
                    reason: CONFIG_ERROR.into(),
                    message: message.clone(),
                };
                c.due = Some(now.plus_ms(SYNC_BACKOFF_MS));
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
        let mut tree = self.rootfs_templates.rootfs(image, now);
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
        super::termination::message_file(&mut tree, spec, now);
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
        if super::programs::find(system, &program).is_none() {
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
            // A new run has not been told to stop.
            c.stop_sent = false;
            // A sidecar with a startup probe has started only once the probe passes.
            c.awaiting_startup = c.sidecar && spec.startup_probe.is_some();
        }
        self.run_process(ctx, slot);
        if let Slot::Init(_) = slot {
            // A sidecar that started lets the next init container start.
            self.progress_init(&uid, now);
        }
    }

    /// Runs a container's process until it sleeps, serves, exits or yields.
    pub(super) fn run_process(&mut self, ctx: &mut Ctx<'_>, slot: Slot) {
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
    pub(super) fn exited(&mut self, ctx: &mut Ctx<'_>, slot: Slot, code: i32, reason: &str) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let policy = self
            .pods
            .get(&uid)
            .map(|w| w.restart_policy)
            .unwrap_or_default();
        let message = self.termination_message(&uid, slot, code);
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
            message,
        };
        c.due = None;
        let sidecar = c.sidecar;
        if self.pods.get(&uid).is_some_and(|w| w.stopping()) {
            // A pod being stopped: nothing restarts and nothing comes next.
            return;
        }
        let restart = match (slot, policy) {
            // A sidecar restarts whatever the pod's policy and however it ended.
            (Slot::Init(_), _) if sidecar => true,
            (_, RestartPolicy::Never) => false,
            // Init containers are retried until they succeed.
            (Slot::Init(_), _) => code != 0,
            (Slot::App(_), policy) => policy.restarts(code),
        };
        if let (Slot::Init(_), 0, false) = (slot, code, sidecar) {
            // Next init container, or the app containers.
            self.progress_init(&uid, now);
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
        c.due = Some(now.plus_ms(1000));
    }

    /// Restarting an exited container that is still backing off: wait out the rest of
    /// its delay since it exited (CrashLoopBackOff).
    pub(super) fn back_off(&mut self, ctx: &mut Ctx<'_>, slot: Slot) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        let name = c.name.clone();
        let backoff_ms = c
            .restart_backoff
            .map_or(BACKOFF_INITIAL_MS, |e| e.backoff_ms);
        let finished = match c.phase {
            Phase::Terminated { finished, .. } => finished,
            _ => now,
        };
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
                fmt_backoff(backoff_ms),
                ctx.pod,
                ctx.ns,
                ctx.uid
            ),
            pull: false,
        };
        c.due = Some(finished.plus_ms(backoff_ms).max(now));
    }
}

pub(super) fn container_spec(pod: &Pod, slot: Slot) -> Option<&Container> {
    let spec = pod.spec.as_ref()?;
    match slot {
        Slot::Init(i) => spec.init_containers.as_ref()?.get(i),
        Slot::App(i) => spec.containers.get(i),
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

/// A stable containerd-style id for a container's n-th run.
pub(super) fn container_id(pod: &str, container: &str, run: i32) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// kuberuntime's doBackOff over a container that keeps crashing at once: the first
    /// restart is immediate, then 10 s, 20 s, 40 s ... up to 5 minutes; an entry last
    /// raised more than 10 minutes before an exit starts over.
    #[test]
    fn restarts_follow_the_kubelets_back_off() {
        let mut entry: Option<BackOffEntry> = None;
        let mut now = SimTime(0);
        let mut waits = Vec::new();
        for _ in 0..8 {
            // It exits at `now`; the next pod sync is a second later.
            let finished = now;
            let sync = finished.plus_ms(1000);
            let start = if in_back_off(entry, finished, sync) {
                finished.plus_ms(entry.map_or(0, |e| e.backoff_ms))
            } else {
                sync
            };
            waits.push((start.0 - finished.0) / 1000);
            entry = Some(next_back_off(entry, finished, start));
            now = start;
        }
        assert_eq!(waits, [1, 10, 20, 40, 80, 160, 300, 300]);
        // Ten minutes and more after the last raise, the entry has expired.
        let e = entry;
        let later = now.plus_ms(2 * BACKOFF_MAX_MS + 1);
        assert!(!in_back_off(e, later, later));
        assert_eq!(
            next_back_off(e, later, later).backoff_ms,
            BACKOFF_INITIAL_MS
        );
    }
}
