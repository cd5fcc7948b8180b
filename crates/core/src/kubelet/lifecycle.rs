//! Container lifecycle hooks (kubelet's pkg/kubelet/lifecycle/handlers.go) and the
//! kubelet stopping one container (kuberuntime's killContainer).
//!
//! postStart runs right after the container starts; when it fails the kubelet records
//! `FailedPostStartHook` with the handler's message, kills the container (`Killing`:
//! `FailedPostStartHook`) and restarts it per restartPolicy. preStop runs when a
//! container is being stopped, before the stop signal and within the grace period; when
//! it fails the kubelet records `FailedPreStopHook` (`PreStopHook failed`: the message
//! stays out of the event so that secrets do not leak). Handlers: `exec` (a command in
//! the container), `httpGet` (from the node; the answer's status is not checked) and
//! `sleep` (the stop signal waits that long). The runners are the prober's
//! ([`super::prober::handlers`]).

use super::prober::handlers::{ExecRun, HttpRun, Target};
use super::prober::{AfterKill, Kill};
use super::runtime::{Phase, Slot};
use super::{Ctx, Kubelet};
use crate::clock::SimTime;
use k8s_openapi::api::core::v1::LifecycleHandler;

/// The kubelet's shortest grace period after a preStop hook (minimumGracePeriodInSeconds).
const MIN_GRACE_MS: u64 = 2_000;

/// Which hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HookKind {
    PostStart,
    PreStop,
}

impl Kubelet {
    /// Runs a hook's handler: Ok with how long it took (ms, a `sleep`), or the
    /// kubelet's message for its failure.
    fn run_hook(
        &mut self,
        ctx: &mut Ctx<'_>,
        container: usize,
        handler: &LifecycleHandler,
    ) -> Result<u64, String> {
        let uid = ctx.uid.clone();
        let Some(work) = self.pods.get(&uid) else {
            return Ok(0);
        };
        let name = work
            .containers
            .get(container)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let pod_ip = work.pod_ip.clone();
        let ports = work
            .probes
            .ports
            .get(container)
            .cloned()
            .unwrap_or_default();
        // format.Pod: name_namespace(uid).
        let pod = format!("{}_{}({})", ctx.pod, ctx.ns, ctx.uid);
        if let Some(exec) = &handler.exec {
            let argv = exec.command.clone().unwrap_or_default();
            let shown = format!("[{}]", argv.join(" "));
            let error = match self.run_exec(ctx, &name, &argv) {
                ExecRun::Exited { code: 0, .. } => return Ok(0),
                ExecRun::Exited {
                    stdout,
                    stderr,
                    code,
                } => {
                    let message = format!("{stdout}{stderr}");
                    (
                        format!("command '{}' exited with {code}: {stderr}", argv.join(" ")),
                        message,
                    )
                }
                ExecRun::NotStarted(e) => (e, String::new()),
            };
            return Err(format!(
                "Exec lifecycle hook ({shown}) for Container {name:?} in Pod {pod:?} failed - error: {}, message: {:?}",
                error.0, error.1
            ));
        }
        if let Some(get) = &handler.http_get {
            let target = Target {
                pod_ip: &pod_ip,
                ports: &ports,
            };
            return match self.run_http_get(ctx, get, target) {
                HttpRun::Status(_) => Ok(0),
                HttpRun::Error(e) => Err(format!(
                    "HTTP lifecycle hook ({}) for Container {name:?} in Pod {pod:?} failed - error: {e}",
                    get.path.as_deref().unwrap_or_default()
                )),
            };
        }
        if let Some(sleep) = &handler.sleep {
            return Ok(u64::try_from(sleep.seconds).unwrap_or(0) * 1000);
        }
        Ok(0)
    }

    /// The hooks of app container `i`, if any.
    fn hook(&self, uid: &str, i: usize, kind: HookKind) -> Option<LifecycleHandler> {
        let h = self
            .pods
            .get(uid)?
            .probes
            .hooks
            .iter()
            .find(|h| h.container == i)?;
        match kind {
            HookKind::PostStart => h.post_start.clone(),
            HookKind::PreStop => h.pre_stop.clone(),
        }
    }

    /// A container just started: its postStart hook, if it has one. Returns whether a
    /// hook ran.
    pub(super) fn post_start(&mut self, ctx: &mut Ctx<'_>, i: usize) -> bool {
        let Some(handler) = self.hook(&ctx.uid, i, HookKind::PostStart) else {
            return false;
        };
        if let Err(message) = self.run_hook(ctx, i, &handler) {
            let name = self.container_name(&ctx.uid, i);
            ctx.event("FailedPostStartHook", message, true, Some(&name));
            let grace = self.pods.get(&ctx.uid).map_or(0, |w| w.probes.grace_ms);
            let message = "FailedPostStartHook".into();
            self.kill(ctx, Slot::App(i), message, grace, AfterKill::AsPolicy);
        }
        true
    }

    fn container_name(&self, uid: &str, i: usize) -> String {
        self.pods
            .get(uid)
            .and_then(|w| w.containers.get(i))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    /// The pod is being deleted and container `slot` is told to stop: its preStop hook
    /// runs first. Returns true when the hook takes time (a `sleep`): the stop signal
    /// then follows when it ends (SIGKILL still comes at the pod's deadline).
    pub(super) fn pre_stop(&mut self, ctx: &mut Ctx<'_>, slot: Slot, deadline: SimTime) -> bool {
        let Slot::App(i) = slot else {
            return false;
        };
        let ms = self.run_pre_stop(ctx, i, deadline.0.saturating_sub(ctx.now.0));
        if ms == 0 {
            return false;
        }
        let since = self.running_since(&ctx.uid, i);
        if let (Some(since), Some(work)) = (since, self.pods.get_mut(&ctx.uid)) {
            work.probes.kills.push(Kill {
                container: i,
                init: false,
                since,
                signal: Some(ctx.now.plus_ms(ms)),
                deadline,
                then: AfterKill::AsPolicy,
            });
        }
        true
    }

    /// Runs container `i`'s preStop hook, if any, within `grace_ms`: how long it took.
    fn run_pre_stop(&mut self, ctx: &mut Ctx<'_>, i: usize, grace_ms: u64) -> u64 {
        let Some(handler) = self.hook(&ctx.uid, i, HookKind::PreStop) else {
            return 0;
        };
        if grace_ms == 0 {
            return 0;
        }
        match self.run_hook(ctx, i, &handler) {
            Ok(ms) => ms.min(grace_ms),
            Err(_) => {
                let name = self.container_name(&ctx.uid, i);
                ctx.event(
                    "FailedPreStopHook",
                    "PreStopHook failed".into(),
                    true,
                    Some(&name),
                );
                0
            }
        }
    }

    fn running_since(&self, uid: &str, i: usize) -> Option<SimTime> {
        match self.pods.get(uid)?.containers.get(i)?.phase {
            Phase::Running { since } => Some(since),
            _ => None,
        }
    }

    /// The kubelet kills a running container (killContainer): the `Killing` event with
    /// `message`, the preStop hook, the stop signal, and SIGKILL (exit 137) when
    /// `grace_ms` (less the hook's time, at least 2 s) runs out.
    pub(super) fn kill(
        &mut self,
        ctx: &mut Ctx<'_>,
        slot: Slot,
        message: String,
        grace_ms: u64,
        then: AfterKill,
    ) {
        let Some(since) = self.slot_since(&ctx.uid, slot) else {
            return;
        };
        let name = self
            .pods
            .get(&ctx.uid)
            .and_then(|w| match slot {
                Slot::App(i) => w.containers.get(i),
                Slot::Init(i) => w.init.get(i),
            })
            .map(|c| c.name.clone())
            .unwrap_or_default();
        ctx.event("Killing", message, false, Some(&name));
        // Hooks are kept for app containers only.
        let hook_ms = match slot {
            Slot::App(i) => self.run_pre_stop(ctx, i, grace_ms),
            Slot::Init(_) => 0,
        };
        let rest = grace_ms.saturating_sub(hook_ms).max(MIN_GRACE_MS);
        let signal = ctx.now.plus_ms(hook_ms);
        let (container, init) = match slot {
            Slot::App(i) => (i, false),
            Slot::Init(i) => (i, true),
        };
        let kill = Kill {
            container,
            init,
            since,
            signal: Some(signal),
            deadline: signal.plus_ms(rest),
            then,
        };
        let Some(work) = self.pods.get_mut(&ctx.uid) else {
            return;
        };
        work.probes.kills.retain(|k| k.slot() != slot);
        work.probes.kills.push(kill);
        if hook_ms == 0 {
            if let Some(k) = self
                .pods
                .get(&ctx.uid)
                .and_then(|w| w.probes.kills.iter().position(|k| k.slot() == slot))
            {
                self.kill_step(ctx, k);
            }
        }
    }

    /// When the current run of container `slot` started, if it runs.
    fn slot_since(&self, uid: &str, slot: Slot) -> Option<SimTime> {
        let w = self.pods.get(uid)?;
        let c = match slot {
            Slot::App(i) => w.containers.get(i)?,
            Slot::Init(i) => w.init.get(i)?,
        };
        match c.phase {
            Phase::Running { since } => Some(since),
            _ => None,
        }
    }

    /// A kill's due step: the stop signal (a server exits; a shell as PID 1 ignores it),
    /// or SIGKILL at the deadline.
    pub(super) fn kill_step(&mut self, ctx: &mut Ctx<'_>, k: usize) {
        let now = ctx.now;
        let uid = ctx.uid.clone();
        let Some(kill) = self
            .pods
            .get(&uid)
            .and_then(|w| w.probes.kills.get(k))
            .cloned()
        else {
            return;
        };
        let slot = kill.slot();
        if self.slot_since(&uid, slot) != Some(kill.since) {
            // It ended on its own meanwhile.
            if let Some(w) = self.pods.get_mut(&uid) {
                w.probes.kills.remove(k);
            }
            return;
        }
        if kill.deadline <= now {
            if let Some(w) = self.pods.get_mut(&uid) {
                w.probes.kills.remove(k);
            }
            if let Some(c) = self.work(&uid, slot) {
                c.process = None;
            }
            self.exited(ctx, slot, 137, "Error");
            self.restart_after_kill(ctx, slot, kill.then);
            return;
        }
        if let Some(w) = self.pods.get_mut(&uid) {
            if let Some(entry) = w.probes.kills.get_mut(k) {
                entry.signal = None;
            }
        }
        // The stop signal as termination sends it (a server exits, a trap runs, a
        // shell as PID 1 ignores it).
        self.signal(ctx, slot);
        if self.slot_since(&uid, slot) != Some(kill.since) {
            if let Some(w) = self.pods.get_mut(&uid) {
                w.probes.kills.retain(|x| x.slot() != slot);
            }
            self.restart_after_kill(ctx, slot, kill.then);
        }
    }

    /// A container the kubelet killed for a failed probe is restarted even when it
    /// exited 0 under restartPolicy OnFailure (it is among the containers to start).
    fn restart_after_kill(&mut self, ctx: &mut Ctx<'_>, slot: Slot, then: AfterKill) {
        let Some(work) = self.pods.get(&ctx.uid) else {
            return;
        };
        if then != AfterKill::Restart
            || work.terminating.is_some()
            || work.restart_policy == crate::model::RestartPolicy::Never
        {
            return;
        }
        let now = ctx.now;
        if let Some(c) = self.work(&ctx.uid, slot) {
            if matches!(c.phase, Phase::Terminated { .. }) && !c.restart_pending {
                c.restart_pending = true;
                c.due = Some(now.plus_ms(1000));
            }
        }
    }
}
