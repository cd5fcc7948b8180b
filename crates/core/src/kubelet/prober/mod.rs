//! The prober (kubelet's pkg/kubelet/prober): liveness, readiness and startup probes.
//!
//! One [`Worker`] per container and probe, as the kubelet's probe workers: it ticks
//! every `periodSeconds` from the moment the pod was admitted, skips ticks while the
//! container is not running, within `initialDelaySeconds` of its start, or (liveness
//! and readiness) before a startup probe has succeeded, and otherwise runs its handler
//! ([`handlers`]: a command in the container, an HTTP GET or a TCP connection from the
//! node through the pod network, a gRPC health check; a command still running at
//! `timeoutSeconds` fails, `command "sleep 5" timed out`). A result counts once it has
//! been seen `successThreshold` (`failureThreshold`) times in a row. Every failed run
//! records an `Unhealthy` warning (`Liveness probe failed: ...`); a liveness or startup
//! result of failure has the container killed (`Killing`: `Container liveness failed
//! liveness probe, will be restarted`, the preStop hook, the stop signal, SIGKILL at the
//! grace period's end; see [`super::lifecycle`]) and restarted per restartPolicy with
//! the restart back-off; readiness feeds the container's `ready` (and so the pod's Ready
//! and ContainersReady conditions), startup its `started`.
//!
//! Everything is on the simulated clock (ticks start on the whole second after the
//! pod's admission, or a seeded random part of the period later when the kubelet
//! started less than a period before, as worker.go's start jitter): a worker's next
//! tick is queued in the prober's own queue ([`super::work_queue`]), and a tick runs
//! the worker alone ([`Kubelet::probe_workers`]): as with the kubelet's results
//! manager, only a changed result (or a liveness or startup failure, which kills the
//! container) syncs the pod and writes its status. A worker sleeps (no due time) while
//! its container does not run.

pub(super) mod handlers;

use super::pod_workers::PodWork;
use super::runtime::{Phase, Slot};
use super::{Ctx, Kubelet};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::git::Remotes;
use crate::model::{ContainerStatus, Pod};
use handlers::{HttpRun, Target};
use k8s_openapi::api::core::v1::{Container, ContainerPort, LifecycleHandler, Probe};
use serde::{Deserialize, Serialize};

/// Which probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    /// The word the kubelet's events start with (`Liveness probe failed: ...`).
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }

    fn word(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Startup => "startup",
        }
    }

    /// The result a worker starts from for a new container: readiness fails until a
    /// probe succeeds, liveness passes until one fails, startup is unknown.
    fn initial(self) -> Option<bool> {
        match self {
            ProbeKind::Liveness => Some(true),
            ProbeKind::Readiness => Some(false),
            ProbeKind::Startup => None,
        }
    }
}

/// What one run of a probe's handler gave (pkg/probe's Success, Warning, Failure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProbeResult {
    Success,
    /// Counted as a success, with a `ProbeWarning` event (an HTTP redirect).
    Warning(String),
    /// The handler's output: the command's output, `HTTP probe failed with statuscode:
    /// 500`, a dial error.
    Failure(String),
}

impl ProbeResult {
    fn ok(&self) -> bool {
        !matches!(self, ProbeResult::Failure(_))
    }
}

/// One probe of one container, as the UI reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeStatus {
    pub container: String,
    pub kind: ProbeKind,
    /// The last run's result, if it has run for the current container.
    pub last: Option<ProbeResult>,
    /// Consecutive successes and failures up to the last run.
    pub successes: u32,
    pub failures: u32,
    /// The result the kubelet acts on (None: unknown, a startup probe not yet decided).
    pub result: Option<bool>,
    /// When it runs next (None while the container does not run or the worker is on
    /// hold after a failure).
    pub next: Option<SimTime>,
}

/// What a worker does at a tick (worker.go's doProbe), before running anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tick {
    /// The container does not run: nothing to probe.
    NotRunning,
    /// A liveness or startup failure was acted on: wait for the next container.
    OnHold,
    /// Within initialDelaySeconds of the container's start.
    InitialDelay,
    /// Liveness and readiness wait for the startup probe to succeed.
    WaitForStartup,
    /// A startup probe that has succeeded stops probing.
    StartupDone,
    /// Run the handler.
    Probe,
}

/// One probe worker (pkg/kubelet/prober/worker.go).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Worker {
    pub(crate) kind: ProbeKind,
    /// Index of the app container (of the init container, a sidecar, when `init`).
    pub(crate) container: usize,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) init: bool,
    pub(crate) probe: Probe,
    /// Ticks fall at `anchor + k * period`.
    pub(crate) anchor: SimTime,
    pub(crate) next: Option<SimTime>,
    pub(crate) last: Option<ProbeResult>,
    /// How many runs in a row gave `last`'s outcome.
    pub(crate) run: u32,
    pub(crate) result: Option<bool>,
    pub(crate) on_hold: bool,
    /// An exec probe's command, made ready at its first run (not kept in snapshots).
    #[serde(skip)]
    pub(crate) command: Option<handlers::ExecCommand>,
}

impl Worker {
    pub(crate) fn new(kind: ProbeKind, container: usize, probe: Probe, anchor: SimTime) -> Worker {
        Worker {
            kind,
            container,
            init: false,
            probe,
            anchor,
            next: None,
            last: None,
            run: 0,
            result: kind.initial(),
            on_hold: false,
            command: None,
        }
    }

    /// The container it probes.
    pub(crate) fn slot(&self) -> Slot {
        slot(self.container, self.init)
    }

    fn period_ms(&self) -> u64 {
        u64::try_from(self.probe.period_seconds.unwrap_or(10).max(1)).unwrap_or(10) * 1000
    }

    /// The first tick at or after `t`.
    pub(crate) fn tick_at_or_after(&self, t: SimTime) -> SimTime {
        let period = self.period_ms();
        if t.0 <= self.anchor.0 {
            return self.anchor;
        }
        let k = (t.0 - self.anchor.0).div_ceil(period);
        SimTime(self.anchor.0 + k * period)
    }

    /// A new run of the container: the result starts over and probing resumes.
    pub(crate) fn new_container(&mut self, now: SimTime) {
        self.result = self.kind.initial();
        self.on_hold = false;
        self.run = 0;
        self.last = None;
        self.next = Some(self.tick_at_or_after(now));
    }

    /// What to do at a tick, given the container's start (None: not running), whether
    /// it has started (its startup probe succeeded, or it has none), and the time.
    pub(crate) fn decide(&self, since: Option<SimTime>, started: bool, now: SimTime) -> Tick {
        let Some(since) = since else {
            return Tick::NotRunning;
        };
        if self.on_hold {
            return Tick::OnHold;
        }
        // The kubelet compares whole seconds since the container started.
        let delay = i64::from(self.probe.initial_delay_seconds.unwrap_or(0));
        if (now.0.saturating_sub(since.0) / 1000) < delay.max(0) as u64 {
            return Tick::InitialDelay;
        }
        match (self.kind, started) {
            (ProbeKind::Startup, true) => Tick::StartupDone,
            (ProbeKind::Liveness | ProbeKind::Readiness, false) => Tick::WaitForStartup,
            _ => Tick::Probe,
        }
    }

    /// Counts a run's result against the thresholds. Returns the result the kubelet
    /// now acts on when the run decided one (whether or not it changed).
    pub(crate) fn observe(&mut self, result: ProbeResult) -> Option<bool> {
        let ok = result.ok();
        if self.last.as_ref().map(ProbeResult::ok) == Some(ok) {
            self.run = self.run.saturating_add(1);
        } else {
            self.run = 1;
        }
        self.last = Some(result);
        let threshold = if ok {
            self.probe.success_threshold.unwrap_or(1)
        } else {
            self.probe.failure_threshold.unwrap_or(3)
        };
        if i64::from(self.run) < i64::from(threshold) {
            return None;
        }
        self.result = Some(ok);
        if !ok && self.kind != ProbeKind::Readiness {
            // The container is killed; the worker waits for the next one.
            self.on_hold = true;
            self.run = 0;
        }
        Some(ok)
    }
}

/// What the kubelet keeps of a container for its hooks: name, ports, postStart and
/// preStop handlers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Hooks {
    pub(crate) container: usize,
    pub(crate) name: String,
    pub(crate) post_start: Option<LifecycleHandler>,
    pub(crate) pre_stop: Option<LifecycleHandler>,
}

/// A container being stopped by the kubelet (a failed liveness or startup probe, a
/// failed postStart hook): the stop signal at `signal`, SIGKILL at `deadline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Kill {
    pub(crate) container: usize,
    /// An init container (a sidecar) rather than an app container.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) init: bool,
    /// The run being stopped (its start time).
    pub(crate) since: SimTime,
    pub(crate) signal: Option<SimTime>,
    pub(crate) deadline: SimTime,
    /// What follows once it has stopped.
    #[serde(default)]
    pub(crate) then: AfterKill,
}

impl Kill {
    pub(crate) fn slot(&self) -> Slot {
        slot(self.container, self.init)
    }
}

/// Container `i` of the app containers, or of the init containers when `init`.
pub(crate) fn slot(i: usize, init: bool) -> Slot {
    if init {
        Slot::Init(i)
    } else {
        Slot::App(i)
    }
}

/// What follows a kill: a restart whatever the exit status (a failed liveness or
/// startup probe, unless restartPolicy is Never), or what restartPolicy says of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum AfterKill {
    Restart,
    #[default]
    AsPolicy,
}

/// A pod's probes, hooks and kills: what the prober and the hook runner keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct PodProbes {
    pub(crate) workers: Vec<Worker>,
    pub(crate) hooks: Vec<Hooks>,
    pub(crate) kills: Vec<Kill>,
    /// Per app container, the start of the run last seen (to notice new runs).
    pub(crate) seen: Vec<Option<SimTime>>,
    /// The same per init container (only sidecars are probed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) seen_init: Vec<Option<SimTime>>,
    /// Each app container's ports (for ports given by name).
    pub(crate) ports: Vec<Vec<ContainerPort>>,
    /// Each init container's ports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) init_ports: Vec<Vec<ContainerPort>>,
    /// The pod's terminationGracePeriodSeconds, in ms.
    pub(crate) grace_ms: u64,
    /// Bumped whenever a result the pod's status shows changes.
    pub(crate) version: u32,
}

impl PodProbes {
    pub(crate) fn is_empty(&self) -> bool {
        self.workers.is_empty() && self.hooks.is_empty() && self.kills.is_empty()
    }

    /// The probes and hooks of a newly admitted pod. The kubelet's workers tick from
    /// the moment they are created; here from the next whole second, so that pods
    /// admitted together probe together (one pass of the pod workers, not one each).
    /// A worker created within its period of the kubelet's start (`kubelet_started`,
    /// None for a kubelet running since its node came) first waits a random part of
    /// the period, as worker.go does so that a restarted kubelet's probes do not all
    /// run at once; the part is drawn from the pod's uid (seeded, deterministic).
    pub(crate) fn of(pod: &Pod, now: SimTime, kubelet_started: Option<SimTime>) -> PodProbes {
        let created = now;
        let now = SimTime(now.0.div_ceil(1000) * 1000);
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        let anchor = |kind: ProbeKind, i: usize, init: bool, probe: &Probe| -> SimTime {
            let period =
                u64::try_from(probe.period_seconds.unwrap_or(10).max(1)).unwrap_or(10) * 1000;
            match kubelet_started {
                Some(started) if created.0.saturating_sub(started.0) < period => {
                    now.plus_ms(start_jitter(uid, kind, i, init) % period)
                }
                _ => now,
            }
        };
        let mut p = PodProbes::default();
        let Some(spec) = pod.spec.as_ref() else {
            return p;
        };
        for (i, c) in spec.containers.iter().enumerate() {
            for (kind, probe) in [
                (ProbeKind::Liveness, &c.liveness_probe),
                (ProbeKind::Readiness, &c.readiness_probe),
                (ProbeKind::Startup, &c.startup_probe),
            ] {
                if let Some(probe) = probe {
                    let at = anchor(kind, i, false, probe);
                    p.workers.push(Worker::new(kind, i, probe.clone(), at));
                }
            }
            if let Some(l) = &c.lifecycle {
                if l.post_start.is_some() || l.pre_stop.is_some() {
                    p.hooks.push(Hooks {
                        container: i,
                        name: c.name.clone(),
                        post_start: l.post_start.clone(),
                        pre_stop: l.pre_stop.clone(),
                    });
                }
            }
        }
        // Sidecars (init containers that restart Always) are probed as app containers
        // are; other init containers are not.
        let init = spec.init_containers.as_deref().unwrap_or_default();
        for (i, c) in init.iter().enumerate() {
            if !super::sidecars::is_sidecar(c) {
                continue;
            }
            for (kind, probe) in [
                (ProbeKind::Liveness, &c.liveness_probe),
                (ProbeKind::Readiness, &c.readiness_probe),
                (ProbeKind::Startup, &c.startup_probe),
            ] {
                if let Some(probe) = probe {
                    let at = anchor(kind, i, true, probe);
                    let mut w = Worker::new(kind, i, probe.clone(), at);
                    w.init = true;
                    p.workers.push(w);
                }
            }
        }
        if !p.is_empty() {
            p.seen = vec![None; spec.containers.len()];
            p.ports = spec
                .containers
                .iter()
                .map(|c: &Container| c.ports.clone().unwrap_or_default())
                .collect();
            if p.workers.iter().any(|w| w.init) {
                p.seen_init = vec![None; init.len()];
                p.init_ports = init
                    .iter()
                    .map(|c: &Container| c.ports.clone().unwrap_or_default())
                    .collect();
            }
        }
        let grace = spec
            .termination_grace_period_seconds
            .unwrap_or(crate::apiserver::defaults::TERMINATION_GRACE_PERIOD_SECONDS);
        p.grace_ms = u64::try_from(grace).unwrap_or(0) * 1000;
        p
    }

    /// The earliest time a kill is due: a stop signal, a SIGKILL. (Probe ticks are due
    /// in the prober's own queue.)
    pub(crate) fn kills_due(&self) -> Option<SimTime> {
        self.kills
            .iter()
            .map(|k| k.signal.map_or(k.deadline, |s| s.min(k.deadline)))
            .min()
    }

    /// Whether container `slot` has started: its startup probe succeeded, or it has
    /// none.
    pub(crate) fn started(&self, slot: Slot) -> bool {
        self.workers
            .iter()
            .find(|w| w.slot() == slot && w.kind == ProbeKind::Startup)
            .is_none_or(|w| w.result == Some(true))
    }

    /// Whether container `slot`'s readiness probe passes, or it has none.
    fn readiness(&self, slot: Slot) -> bool {
        self.workers
            .iter()
            .find(|w| w.slot() == slot && w.kind == ProbeKind::Readiness)
            .is_none_or(|w| w.result == Some(true))
    }

    /// The start of the run of container `slot` last seen.
    pub(crate) fn seen(&self, slot: Slot) -> Option<SimTime> {
        match slot {
            Slot::App(i) => self.seen.get(i).copied().flatten(),
            Slot::Init(i) => self.seen_init.get(i).copied().flatten(),
        }
    }

    /// The `started` and `ready` the status manager writes for running app containers:
    /// ready only once started and (with a readiness probe) its result is success.
    pub(crate) fn adjust(&self, statuses: &mut [ContainerStatus]) {
        if self.workers.is_empty() {
            return;
        }
        for (i, s) in statuses.iter_mut().enumerate() {
            if s.started != Some(true) {
                continue;
            }
            let started = self.started(Slot::App(i));
            s.started = Some(started);
            s.ready = s.ready && started && self.readiness(Slot::App(i));
        }
    }

    /// The same for sidecars, whose `started` the runtime already knows (see
    /// [`super::sidecars::sidecar_started`]): ready only once started and (with a
    /// readiness probe) its result is success.
    pub(crate) fn adjust_init(&self, statuses: &mut [ContainerStatus]) {
        if !self.workers.iter().any(|w| w.init) {
            return;
        }
        for (i, s) in statuses.iter_mut().enumerate() {
            if self.workers.iter().any(|w| w.slot() == Slot::Init(i)) {
                s.ready = s.ready && s.started == Some(true) && self.readiness(Slot::Init(i));
            }
        }
    }
}

impl Kubelet {
    /// The probes of the pod `uid`, per container and probe, for the UI.
    pub fn probe_status(&self, uid: &str) -> Vec<ProbeStatus> {
        let Some(work) = self.pods.get(uid) else {
            return Vec::new();
        };
        work.probes
            .workers
            .iter()
            .map(|w| {
                let ok = w.last.as_ref().map(ProbeResult::ok);
                ProbeStatus {
                    container: match w.slot() {
                        Slot::App(i) => work.containers.get(i),
                        Slot::Init(i) => work.init.get(i),
                    }
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                    kind: w.kind,
                    last: w.last.clone(),
                    successes: if ok == Some(true) { w.run } else { 0 },
                    failures: if ok == Some(false) { w.run } else { 0 },
                    result: w.result,
                    next: w.next,
                }
            })
            .collect()
    }

    /// The prober's and hook runner's part of a pod sync: notices containers that
    /// started or stopped, then runs one thing due now (a postStart hook, a probe, a
    /// stop signal, a SIGKILL). Returns whether it did something (the caller asks again).
    pub(super) fn probe_step(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.now;
        let Some(work) = self.pods.get(&ctx.uid) else {
            return false;
        };
        if work.probes.is_empty() {
            return false;
        }
        let terminating = work.terminating.is_some();
        if !terminating && self.notice_runs(ctx) {
            return true;
        }
        let Some(work) = self.pods.get(&ctx.uid) else {
            return false;
        };
        // A kill due now.
        if let Some(k) = work
            .probes
            .kills
            .iter()
            .position(|k| k.signal.is_some_and(|s| s <= now) || k.deadline <= now)
        {
            self.kill_step(ctx, k);
            return true;
        }
        if terminating {
            return false;
        }
        // The earliest worker due now.
        let Some(w) = work
            .probes
            .workers
            .iter()
            .enumerate()
            .filter(|(_, w)| w.next.is_some_and(|n| n <= now))
            .min_by_key(|(_, w)| w.next)
            .map(|(i, _)| i)
        else {
            return false;
        };
        self.tick(ctx, w);
        true
    }

    /// The prober's own pass over pod `uid` (in `slot` of the pods' map), whose probe
    /// workers `due` (tick, worker) are due and nothing else: as the kubelet's workers write their results to the
    /// results manager, a run that changes no result costs no pod sync. Returns
    /// whether the pod needs one (a result changed, a kill began), and when it cannot
    /// tell (a container started or stopped since the pod's last sync, the pod is
    /// stopping), runs nothing: the pod sync runs the workers itself.
    pub(super) fn probe_workers(
        &mut self,
        api: &mut ApiServer,
        git: &mut Remotes,
        now: SimTime,
        slot: usize,
        due: &[(SimTime, usize)],
    ) -> Probed {
        let Some(work) = self.pods.at(slot) else {
            return Probed::Unsure;
        };
        if work.stopping()
            || work.mount_error.is_some()
            || work.kill_due(now)
            || !work.probes.kills.is_empty()
            || runs_changed(work)
        {
            return Probed::Unsure;
        }
        let version = work.probes.version;
        let [mut ns, mut pod, mut uid, mut node] = std::mem::take(&mut self.names);
        ns.clone_from(&work.namespace);
        pod.clone_from(&work.name);
        node.clone_from(&work.node);
        let stopped = Some(self.is_stopped(&node));
        uid.clear();
        uid.push_str(self.pods.uid_at(slot).unwrap_or_default());
        let mut ctx = Ctx {
            api,
            git,
            now,
            ns,
            pod,
            uid,
            node,
            slot: Some(slot),
            stopped,
        };
        let probed = self.tick_due(&mut ctx, version, due);
        let Ctx {
            ns, pod, uid, node, ..
        } = ctx;
        self.names = [ns, pod, uid, node];
        probed
    }

    /// Ticks the workers `due` of the pod `ctx` is about, in order, until one changes
    /// something the pod sync must see (see [`Kubelet::probe_workers`]).
    fn tick_due(&mut self, ctx: &mut Ctx<'_>, version: u32, due: &[(SimTime, usize)]) -> Probed {
        for (_, wi) in due {
            self.tick(ctx, *wi);
            let Some(work) = ctx.slot.and_then(|s| self.pods.at(s)) else {
                return Probed::Unsure;
            };
            if work.probes.version != version
                || !work.probes.kills.is_empty()
                || runs_changed(work)
                || work.due().is_some_and(|t| t <= ctx.now)
            {
                return Probed::Sync(version);
            }
        }
        Probed::Quiet
    }

    /// Notices app containers that started or stopped since the last look: their
    /// workers start over (or sleep), kills of runs that ended are dropped, and a new
    /// run's postStart hook runs. Returns whether a hook ran.
    fn notice_runs(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.now;
        let Some(work) = self.pods.get_mut(&ctx.uid) else {
            return false;
        };
        let mut new_runs = Vec::new();
        let mut ticks = Vec::new();
        let slots = (0..work.probes.seen.len())
            .map(Slot::App)
            .chain((0..work.probes.seen_init.len()).map(Slot::Init));
        for slot in slots {
            let since = match work.work(slot).map(|c| &c.phase) {
                Some(Phase::Running { since }) => Some(*since),
                _ => None,
            };
            let seen = match slot {
                Slot::App(i) => work.probes.seen.get_mut(i),
                Slot::Init(i) => work.probes.seen_init.get_mut(i),
            };
            let Some(seen) = seen else {
                continue;
            };
            if *seen == since {
                continue;
            }
            *seen = since;
            work.probes.version = work.probes.version.wrapping_add(1);
            for (wi, w) in work.probes.workers.iter_mut().enumerate() {
                if w.slot() != slot {
                    continue;
                }
                match since {
                    Some(_) => {
                        w.new_container(now);
                        ticks.extend(w.next.map(|t| (t, wi)));
                    }
                    None => {
                        w.result = w.kind.initial();
                        w.next = None;
                    }
                }
            }
            if let (Some(_), Slot::App(i)) = (since, slot) {
                new_runs.push(i);
            }
        }
        // Kills of runs that ended are dropped.
        let probes = &mut work.probes;
        if !probes.kills.is_empty() {
            let mut kills = std::mem::take(&mut probes.kills);
            kills.retain(|k| probes.seen(k.slot()) == Some(k.since));
            probes.kills = kills;
        }
        for (t, wi) in ticks {
            self.pods.queue_probe(t, ctx.slot, &ctx.uid, wi);
        }
        let mut did = false;
        for i in new_runs {
            did |= self.post_start(ctx, i);
        }
        did
    }

    /// One tick of worker `wi`; its next tick is queued.
    pub(super) fn tick(&mut self, ctx: &mut Ctx<'_>, wi: usize) {
        if let Some(next) = self.tick_run(ctx, wi) {
            self.pods.queue_probe(next, ctx.slot, &ctx.uid, wi);
        }
    }

    /// One tick of worker `wi`. Returns its next tick.
    fn tick_run(&mut self, ctx: &mut Ctx<'_>, wi: usize) -> Option<SimTime> {
        let now = ctx.now;
        let stopped = ctx.stopped.unwrap_or_else(|| self.is_stopped(&ctx.node));
        // A worker's state is not part of the pod's due time (see `work_queue`).
        let work = self.pods.get_mut_keeping_due_at(ctx.slot, &ctx.uid)?;
        let probes = &mut work.probes;
        let w = probes.workers.get(wi)?;
        let slot = w.slot();
        let since = probes.seen(slot);
        let started = probes.started(slot);
        let decision = if stopped {
            // No kubelet, no probes: the worker only keeps its beat.
            Tick::InitialDelay
        } else {
            w.decide(since, started, now)
        };
        let w = &mut probes.workers[wi];
        w.next = match decision {
            Tick::NotRunning | Tick::OnHold | Tick::StartupDone => None,
            _ => Some(w.tick_at_or_after(SimTime(now.0 + 1))),
        };
        let next = w.next;
        if decision != Tick::Probe {
            return next;
        }
        let kind = w.kind;
        let result = match cached_exec(work, slot, wi, self.fs.changes()) {
            Some(result) => result,
            None => {
                // The probe and its command are the worker's: lent to the run, not
                // copied.
                let w = work.probes.workers.get_mut(wi)?;
                let probe = std::mem::take(&mut w.probe);
                let mut command = w.command.take();
                let result = self.run_probe(ctx, slot, &probe, &mut command);
                let Some(w) = self
                    .pods
                    .get_mut_keeping_due_at(ctx.slot, &ctx.uid)
                    .and_then(|work| work.probes.workers.get_mut(wi))
                else {
                    return next;
                };
                w.probe = probe;
                w.command = command;
                result
            }
        };
        // What changes the pod's due time below (a kill, the next init container)
        // takes the pod's work again itself.
        let Some(work) = self.pods.get_mut_keeping_due_at(ctx.slot, &ctx.uid) else {
            return next;
        };
        let name = match &result {
            ProbeResult::Success => None,
            _ => Some(work.work(slot).map(|c| c.name.clone()).unwrap_or_default()),
        };
        let Some(w) = work.probes.workers.get_mut(wi) else {
            return next;
        };
        let grace = w
            .probe
            .termination_grace_period_seconds
            .and_then(|s| u64::try_from(s).ok())
            .map(|s| s * 1000);
        match (&result, &name) {
            (ProbeResult::Warning(out), Some(name)) => ctx.event(
                "ProbeWarning",
                format!("{} probe warning: {out}", kind.title()),
                true,
                Some(name),
            ),
            (ProbeResult::Failure(out), Some(name)) => ctx.event(
                "Unhealthy",
                format!("{} probe failed: {out}", kind.title()),
                true,
                Some(name),
            ),
            _ => {}
        }
        let before = w.result;
        let decided = w.observe(result);
        if decided != before && decided.is_some() {
            work.probes.version = work.probes.version.wrapping_add(1);
        }
        if let (Some(true), ProbeKind::Startup, Slot::Init(_)) = (decided, kind, slot) {
            // A sidecar whose startup probe succeeded has started: the next init
            // container (or the app containers) may start.
            if let Some(c) = work.work(slot) {
                c.awaiting_startup = false;
            }
            let uid = ctx.uid.clone();
            self.progress_init(&uid, now);
            return next;
        }
        if decided == Some(false) && kind != ProbeKind::Readiness {
            let grace = grace.unwrap_or(work.probes.grace_ms);
            // A sidecar restarts whatever the pod's restartPolicy.
            let never = work.restart_policy == crate::model::RestartPolicy::Never;
            let restart = if never && !matches!(slot, Slot::Init(_)) {
                ""
            } else {
                ", will be restarted"
            };
            let name = name.unwrap_or_default();
            let message = format!("Container {name} failed {} probe{restart}", kind.word());
            self.kill(ctx, slot, message, grace, AfterKill::Restart);
        }
        next
    }

    /// Runs a probe's handler once against container `slot`.
    fn run_probe(
        &mut self,
        ctx: &mut Ctx<'_>,
        slot: Slot,
        probe: &Probe,
        command: &mut Option<handlers::ExecCommand>,
    ) -> ProbeResult {
        if let Some(exec) = &probe.exec {
            let argv = exec.command.as_deref().unwrap_or_default();
            let timeout_ms =
                u64::try_from(probe.timeout_seconds.unwrap_or(1).max(1)).unwrap_or(1) * 1000;
            return match self.run_exec_probe(ctx, slot, argv, command, timeout_ms) {
                Ok(()) => ProbeResult::Success,
                Err(out) => ProbeResult::Failure(out),
            };
        }
        let Some(work) = self.pods.get(&ctx.uid) else {
            return ProbeResult::Failure("pod not found".into());
        };
        let pod_ip = work.pod_ip.clone();
        let ports = match slot {
            Slot::App(i) => work.probes.ports.get(i),
            Slot::Init(i) => work.probes.init_ports.get(i),
        };
        let ports = ports.cloned().unwrap_or_default();
        let target = Target {
            pod_ip: &pod_ip,
            ports: &ports,
        };
        if let Some(get) = &probe.http_get {
            return match self.run_http_get(ctx, get, target) {
                HttpRun::Status(s) if (200..300).contains(&s) => ProbeResult::Success,
                // The kubelet does not follow a redirect to another host; a redirect
                // answered is a success with a warning.
                HttpRun::Status(s) if (300..400).contains(&s) => {
                    ProbeResult::Warning("Probe terminated redirects, Response body: ".to_string())
                }
                HttpRun::Status(s) => {
                    ProbeResult::Failure(format!("HTTP probe failed with statuscode: {s}"))
                }
                HttpRun::Error(e) => ProbeResult::Failure(e),
            };
        }
        if let Some(tcp) = &probe.tcp_socket {
            return match self.run_tcp(ctx, tcp, target) {
                Ok(()) => ProbeResult::Success,
                Err(e) => ProbeResult::Failure(e),
            };
        }
        if let Some(grpc) = &probe.grpc {
            let port = u16::try_from(grpc.port).unwrap_or(0);
            let service = grpc.service.clone().unwrap_or_default();
            let timeout_ms =
                u64::try_from(probe.timeout_seconds.unwrap_or(1).max(1)).unwrap_or(1) * 1000;
            return self.grpc_probe(ctx, target.pod_ip, port, &service, timeout_ms);
        }
        ProbeResult::Failure("missing probe handler".into())
    }

    /// A gRPC health check (grpc.health.v1.Health/Check) of `service` at
    /// `host:port` through the pod network, worded as pkg/probe/grpc.
    fn grpc_probe(
        &mut self,
        ctx: &mut Ctx<'_>,
        host: &str,
        port: u16,
        service: &str,
        timeout_ms: u64,
    ) -> ProbeResult {
        let check = super::GrpcCheck {
            ip: host,
            port,
            service: (!service.is_empty()).then_some(service),
            timeout_ms,
        };
        let node = ctx.node.clone();
        let health = self.grpc_health_check(ctx.api, &node, &check, ctx.now);
        if health.is_serving() {
            ProbeResult::Success
        } else {
            ProbeResult::Failure(health.output())
        }
    }
}

/// A worker's start jitter in ms (before the modulo of its period): FNV-1a over the
/// pod's uid, the probe kind and the container, so the same pod draws the same part.
fn start_jitter(uid: &str, kind: ProbeKind, container: usize, init: bool) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let tag = [kind as u8, u8::from(init)];
    let index = (container as u64).to_le_bytes();
    for b in uid.bytes().chain(tag).chain(index) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Worker `wi`'s exec probe result without running it, when its command only reads
/// files and last ran in the container's current run over the same files (`changes`,
/// see [`handlers::ExecCommand::cached`]): nothing is lent or started.
fn cached_exec(work: &PodWork, slot: Slot, wi: usize, changes: u64) -> Option<ProbeResult> {
    let w = work.probes.workers.get(wi)?;
    w.probe.exec.as_ref()?;
    let c = work.work_ref(slot)?;
    let Phase::Running { since } = c.phase else {
        return None;
    };
    let system = c.process.as_ref()?.system;
    Some(match w.command.as_ref()?.cached(system, since, changes)? {
        Ok(()) => ProbeResult::Success,
        Err(out) => ProbeResult::Failure(out),
    })
}

/// What the prober's own pass over a pod's due workers asks of the pod workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Probed {
    /// No result changed: no pod sync.
    Quiet,
    /// A result changed or a kill began: sync the pod, its status compared with the
    /// probes' version before the pass.
    Sync(u32),
    /// Nothing ran: the pod sync runs the workers.
    Unsure,
}

/// Whether a container of the pod started or stopped since the prober last looked.
fn runs_changed(work: &PodWork) -> bool {
    let since = |slot: Slot| match work.work_ref(slot).map(|c| &c.phase) {
        Some(Phase::Running { since }) => Some(*since),
        _ => None,
    };
    let app = work.probes.seen.iter().enumerate();
    let init = work.probes.seen_init.iter().enumerate();
    app.map(|(i, s)| (Slot::App(i), s))
        .chain(init.map(|(i, s)| (Slot::Init(i), s)))
        .any(|(slot, seen)| since(slot) != *seen)
}

/// The `started` and `ready` of a pod's app containers, from its probes.
pub(super) fn adjust(work: &PodWork, statuses: &mut [ContainerStatus]) {
    work.probes.adjust(statuses);
}

#[cfg(test)]
mod tests;
