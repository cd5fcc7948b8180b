//! Stopping containers as kuberuntime's killContainer does, and what a container
//! leaves behind when it ends.
//!
//! A pod stops when it is deleted (its grace period from the DELETE, else its
//! `terminationGracePeriodSeconds`, 30 by default) or when the kubelet kills it itself
//! (activeDeadlineSeconds passed; a Never/OnFailure pod whose app containers are all
//! done while sidecars run). Every running container gets a `Killing` event; the app
//! containers get the stop signal (SIGTERM) at once, native sidecars only after the
//! app containers have exited, the last sidecar first. What still runs when the grace
//! period ends is killed (SIGKILL: exit 137, reason Error). A server that handles
//! SIGTERM exits at once (nginx: 0); a shell as PID 1 ignores it unless it `trap`s it.
//!
//! The termination message: the file at `terminationMessagePath` (default
//! `/dev/termination-log`, at most 4096 bytes), or with `FallbackToLogsOnError` and
//! an empty file after a failure, the log's last 80 lines (at most 2048 bytes).

use super::runtime::{Phase, Slot};
use super::status::write_status;
use super::{Ctx, Kubelet};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::fs::Tree;
use crate::git::Remotes;
use crate::model::{Container, Pod};
use crate::shell::Stop;

/// The default `terminationMessagePath`.
pub(super) const DEFAULT_MESSAGE_PATH: &str = "/dev/termination-log";
/// kubelet's MaxContainerTerminationMessageLength.
const MAX_MESSAGE_BYTES: usize = 4096;
/// kubelet's MaxContainerTerminationMessageLogLines and ...LogLength.
const MAX_LOG_LINES: usize = 80;
const MAX_LOG_BYTES: usize = 2048;
/// The event reason and message of a pod past its activeDeadlineSeconds
/// (pkg/kubelet/active_deadline.go).
pub(super) const DEADLINE_REASON: &str = "DeadlineExceeded";
pub(super) const DEADLINE_MESSAGE: &str =
    "Pod was active on the node longer than the specified deadline";
/// kuberuntime's minimumGracePeriodInSeconds: a container told to stop gets at
/// least this long before SIGKILL.
pub(super) const MIN_GRACE_MS: u64 = 2_000;
/// terminationGracePeriodSeconds when the pod does not say.
const DEFAULT_GRACE_SECONDS: i64 = 30;

/// The empty file the kubelet mounts at the container's terminationMessagePath.
pub(super) fn message_file(tree: &mut Tree, spec: &Container, now: SimTime) {
    let path = spec
        .termination_message_path
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or(DEFAULT_MESSAGE_PATH);
    tree.put(path, b"", 0o666, now);
}

/// The grace period a pod's containers get when the kubelet stops the pod itself.
pub(super) fn grace_ms(pod: &Pod) -> u64 {
    let secs = pod
        .spec
        .as_ref()
        .and_then(|s| s.termination_grace_period_seconds)
        .unwrap_or(DEFAULT_GRACE_SECONDS);
    (u64::try_from(secs).unwrap_or(0) * 1000).max(MIN_GRACE_MS)
}

/// When a pod's activeDeadlineSeconds runs out, counted from its start time.
pub(super) fn active_deadline(pod: &Pod, started: SimTime) -> Option<SimTime> {
    let secs = pod.spec.as_ref()?.active_deadline_seconds?;
    Some(started.plus_ms(u64::try_from(secs).ok()?.saturating_mul(1000)))
}

/// The last `MAX_LOG_LINES` lines of a log, cut to its last `MAX_LOG_BYTES` bytes.
pub(super) fn log_tail<'a>(lines: impl DoubleEndedIterator<Item = &'a str>) -> String {
    let mut tail: Vec<&str> = lines.rev().take(MAX_LOG_LINES).collect();
    tail.reverse();
    let mut text: String = tail.iter().map(|l| format!("{l}\n")).collect();
    if text.len() > MAX_LOG_BYTES {
        let mut cut = text.len() - MAX_LOG_BYTES;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text = text.split_off(cut);
    }
    text
}

impl Kubelet {
    /// The message of a container that just ended with `code`.
    pub(super) fn termination_message(&self, uid: &str, slot: Slot, code: i32) -> Option<String> {
        let w = self.pods.get(uid)?;
        let c = match slot {
            Slot::Init(i) => w.init.get(i)?,
            Slot::App(i) => w.containers.get(i)?,
        };
        let path = c.message_path.as_deref().unwrap_or(DEFAULT_MESSAGE_PATH);
        let from_file = c
            .process
            .as_ref()
            .and_then(|p| self.fs.read(&p.view, path).ok())
            .map(|d| String::from_utf8_lossy(&d[..d.len().min(MAX_MESSAGE_BYTES)]).into_owned())
            .unwrap_or_default();
        if !from_file.is_empty() {
            return Some(from_file);
        }
        if c.logs_on_error && code != 0 {
            let tail = log_tail(c.logs.iter().map(|l| l.text.as_str()));
            return (!tail.is_empty()).then_some(tail);
        }
        None
    }

    /// Stops a stopping pod's containers toward `deadline` (see the module's doc).
    /// Returns whether any container still runs.
    pub(super) fn stop_containers(
        &mut self,
        ctx: &mut Ctx<'_>,
        deadline: SimTime,
        first_sight: bool,
    ) -> bool {
        let uid = ctx.uid.clone();
        let Some(work) = self.pods.get_mut(&uid) else {
            return false;
        };
        // Nothing more starts, pulls or restarts.
        for c in work.init.iter_mut().chain(work.containers.iter_mut()) {
            if !matches!(c.phase, Phase::Running { .. }) {
                c.due = None;
                c.restart_pending = false;
            }
        }
        // App containers (and a regular init container) first, then the sidecars,
        // the last one first.
        let sidecars: Vec<Slot> = (0..work.init.len())
            .rev()
            .filter(|i| work.init[*i].sidecar)
            .map(Slot::Init)
            .collect();
        let others: Vec<Slot> = (0..work.containers.len())
            .map(Slot::App)
            .chain(
                (0..work.init.len())
                    .filter(|i| !work.init[*i].sidecar)
                    .map(Slot::Init),
            )
            .collect();
        let running = |k: &Kubelet, slot: Slot| {
            k.pods
                .get(&uid)
                .and_then(|w| match slot {
                    Slot::Init(i) => w.init.get(i),
                    Slot::App(i) => w.containers.get(i),
                })
                .is_some_and(|c| matches!(c.phase, Phase::Running { .. }))
        };
        if first_sight {
            for &slot in others.iter().chain(&sidecars) {
                if running(self, slot) {
                    let name = self.work(&uid, slot).map(|c| c.name.clone());
                    if let Some(name) = name {
                        let message = format!("Stopping container {name}");
                        ctx.event("Killing", message, false, Some(&name));
                    }
                }
            }
        }
        if ctx.now >= deadline {
            for &slot in others.iter().chain(&sidecars) {
                if running(self, slot) {
                    self.exited(ctx, slot, 137, "Error");
                    if let Some(c) = self.work(&uid, slot) {
                        c.process = None;
                    }
                }
            }
            return false;
        }
        for &slot in &others {
            self.stop(ctx, slot, deadline);
        }
        if others.iter().any(|&s| running(self, s)) {
            return true;
        }
        for &slot in &sidecars {
            self.stop(ctx, slot, deadline);
            if running(self, slot) {
                // The sidecars before it wait for it.
                return true;
            }
        }
        false
    }

    /// Stops a running container of a terminating pod, once: its preStop hook first
    /// (`lifecycle.rs`); a hook that takes time (a `sleep`) holds the stop signal back
    /// until it ends, and the kill it registers sends it then.
    fn stop(&mut self, ctx: &mut Ctx<'_>, slot: Slot, deadline: SimTime) {
        let uid = ctx.uid.clone();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        if !matches!(c.phase, Phase::Running { .. }) || c.stop_sent {
            return;
        }
        let held = self
            .pods
            .get(&uid)
            .is_some_and(|w| w.probes.kills.iter().any(|k| k.slot() == slot));
        if held || self.pre_stop(ctx, slot, deadline) {
            return;
        }
        self.signal(ctx, slot);
    }

    /// Sends a running container its stop signal, once.
    pub(super) fn signal(&mut self, ctx: &mut Ctx<'_>, slot: Slot) {
        let uid = ctx.uid.clone();
        let Some(c) = self.work(&uid, slot) else {
            return;
        };
        if !matches!(c.phase, Phase::Running { .. }) || c.stop_sent {
            return;
        }
        c.stop_sent = true;
        let outcome = c.process.as_mut().map_or(Stop::Ignored, |p| p.terminate());
        match outcome {
            Stop::Exited(code) => {
                let reason = if code == 0 { "Completed" } else { "Error" };
                self.exited(ctx, slot, code, reason);
                if let Some(c) = self.work(&uid, slot) {
                    c.process = None;
                }
            }
            // The trap's action runs when the shell next runs (now, unless a `sleep`
            // holds it).
            Stop::Handling => self.run_process(ctx, slot),
            Stop::Ignored => {}
        }
    }

    /// The kubelet's own reasons to kill a running pod: its activeDeadlineSeconds
    /// passed, or (restartPolicy Never/OnFailure) its app containers are done while
    /// sidecars run. Sets the pod's kill deadline; returns whether it did.
    pub(super) fn should_kill(&mut self, ctx: &mut Ctx<'_>, pod: &Pod) -> bool {
        let now = ctx.now;
        let Some(work) = self.pods.get_mut(&ctx.uid) else {
            return false;
        };
        if work.stopping() || work.halted {
            return false;
        }
        if !work.done() && work.active_deadline.is_some_and(|d| d <= now) {
            work.deadline_exceeded = true;
            work.killing = Some(now.plus_ms(grace_ms(pod)));
            ctx.event(DEADLINE_REASON, DEADLINE_MESSAGE.into(), false, None);
            return true;
        }
        let sidecar_runs = work
            .init
            .iter()
            .any(|c| c.sidecar && !matches!(c.phase, Phase::Idle));
        if sidecar_runs && work.done() {
            work.killing = Some(now.plus_ms(grace_ms(pod)));
            return true;
        }
        false
    }
}

impl Kubelet {
    /// The pods the kubelet is killing itself: their containers stopped as the grace
    /// period runs; once none runs, the pod is halted and its last status posted.
    /// Returns whether anything changed.
    pub(super) fn kill_pass(
        &mut self,
        api: &mut ApiServer,
        git: &mut Remotes,
        now: SimTime,
    ) -> bool {
        if !self
            .pods
            .any(|w| w.terminating.is_none() && w.killing.is_some())
        {
            return false;
        }
        let killing: Vec<(String, SimTime)> = self
            .pods
            .iter()
            .filter(|(_, w)| w.terminating.is_none())
            .filter_map(|(uid, w)| Some((uid.clone(), w.killing?)))
            .collect();
        let mut changed = false;
        for (uid, deadline) in killing {
            let Some(w) = self.pods.get(&uid) else {
                continue;
            };
            if self.is_stopped(&w.node) {
                continue;
            }
            let mut ctx = Ctx {
                api: &mut *api,
                git: &mut *git,
                now,
                ns: w.namespace.clone(),
                pod: w.name.clone(),
                uid: uid.clone(),
                node: w.node.clone(),
                slot: None,
                stopped: None,
            };
            let before: Vec<Phase> = w
                .init
                .iter()
                .chain(&w.containers)
                .map(|c| c.phase.clone())
                .collect();
            if !self.stop_containers(&mut ctx, deadline, false) {
                self.halted(&uid);
            }
            let Some(w) = self.pods.get(&uid) else {
                continue;
            };
            let after: Vec<Phase> = w
                .init
                .iter()
                .chain(&w.containers)
                .map(|c| c.phase.clone())
                .collect();
            if before == after && !w.halted {
                continue;
            }
            changed |= ctx
                .api
                .write_pod(&ctx.ns, &ctx.pod, &mut |pod| write_status(pod, w, now))
                .unwrap_or(false);
        }
        changed
    }

    /// A pod the kubelet killed has nothing running any more.
    pub(super) fn halted(&mut self, uid: &str) {
        if let Some(w) = self.pods.get_mut(uid) {
            w.killing = None;
            w.halted = true;
            for c in w.init.iter_mut().chain(w.containers.iter_mut()) {
                c.due = None;
                c.restart_pending = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_tail_keeps_80_lines_and_2048_bytes() {
        let lines: Vec<String> = (1..=100).map(|i| format!("line {i}")).collect();
        let tail = log_tail(lines.iter().map(String::as_str));
        assert!(tail.starts_with("line 21\n"), "{tail}");
        assert!(tail.ends_with("line 100\n"));
        let long: Vec<String> = (0..10).map(|_| "x".repeat(500)).collect();
        let tail = log_tail(long.iter().map(String::as_str));
        assert_eq!(tail.len(), MAX_LOG_BYTES);
        assert_eq!(log_tail(std::iter::empty()), "");
    }

    #[test]
    fn the_active_deadline_counts_from_the_start_time() {
        let mut pod = Pod::default();
        assert_eq!(active_deadline(&pod, SimTime(5_000)), None);
        pod.spec = Some(crate::model::PodSpec {
            active_deadline_seconds: Some(30),
            ..Default::default()
        });
        assert_eq!(active_deadline(&pod, SimTime(5_000)), Some(SimTime(35_000)));
        assert_eq!(grace_ms(&pod), 30_000);
    }
}
