//! Native sidecars (KEP-753, on by default since 1.29): init containers with
//! `restartPolicy: Always`. As kuberuntime's computeInitContainerActions orders them:
//! init containers start one at a time in spec order; a regular one must exit 0
//! before the next starts, a sidecar only has to have *started*. Sidecars then run
//! beside the app containers, restart with the back-off whatever the pod's
//! restartPolicy, count in READY, and are stopped after the app containers, last one
//! first ([`super::termination`]). Once a pod that does not restart its containers
//! (Never, OnFailure) has no app container left to run, the kubelet kills the pod, so
//! its sidecars do not keep it from Succeeding.

use super::runtime::{Phase, Work};
use super::Kubelet;
use crate::clock::SimTime;
use crate::model::{Container, RestartPolicy};

/// Whether a container (of `initContainers`) is a native sidecar.
pub(super) fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// Whether a sidecar has started, so that the init container after it may start and
/// the pod may count as initialized: its process runs and, with a startup probe, the
/// probe has succeeded for this run (the prober clears `awaiting_startup`).
pub(super) fn sidecar_started(w: &Work) -> bool {
    matches!(w.phase, Phase::Running { .. }) && !w.awaiting_startup
}

/// One init container as the next step of initialization sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct InitView {
    /// Never started yet (waiting for the containers before it).
    pub(super) idle: bool,
    /// Its part of initialization is done: a regular init container exited 0, a
    /// sidecar has started.
    pub(super) done: bool,
}

impl InitView {
    pub(super) fn of(w: &Work) -> InitView {
        InitView {
            idle: matches!(w.phase, Phase::Idle),
            done: if w.sidecar {
                sidecar_started(w)
            } else {
                matches!(w.phase, Phase::Terminated { code: 0, .. })
            },
        }
    }
}

/// What initialization does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NextInit {
    /// Start this init container.
    Start(usize),
    /// Every init container did its part: start the app containers.
    Apps,
    /// An init container is still on its way (pulling, running, backing off).
    Wait,
}

/// The next step of initialization: the first init container not done yet starts if
/// it never has; otherwise everything waits for it.
pub(super) fn next_init(init: &[InitView]) -> NextInit {
    for (i, c) in init.iter().enumerate() {
        if c.done {
            continue;
        }
        return if c.idle {
            NextInit::Start(i)
        } else {
            NextInit::Wait
        };
    }
    NextInit::Apps
}

/// Whether a pod whose containers are not restarted (Never, OnFailure) is done: it has
/// app containers, all have exited, and none is to be restarted. The kubelet then kills
/// the pod (its sidecars), as computePodActions does when nothing is left to keep or
/// start.
pub(super) fn apps_finished(policy: RestartPolicy, apps: &[Work]) -> bool {
    policy != RestartPolicy::Always
        && !apps.is_empty()
        && apps.iter().all(|c| {
            matches!(c.phase, Phase::Terminated { .. }) && !c.restart_pending && c.due.is_none()
        })
}

impl Kubelet {
    /// Moves a pod's initialization on: starts the next init container, or the app
    /// containers once every init container did its part.
    pub(super) fn progress_init(&mut self, uid: &str, now: SimTime) {
        let Some(work) = self.pods.get_mut(uid) else {
            return;
        };
        if work.stopping() {
            return;
        }
        let view: Vec<InitView> = work.init.iter().map(InitView::of).collect();
        match next_init(&view) {
            NextInit::Start(i) => {
                if let Some(c) = work.init.get_mut(i) {
                    c.phase = Phase::Pulling;
                    c.due = Some(now);
                }
            }
            NextInit::Apps => {
                for c in &mut work.containers {
                    if matches!(c.phase, Phase::Idle) {
                        c.phase = Phase::Pulling;
                        c.due = Some(now);
                    }
                }
            }
            NextInit::Wait => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: InitView = InitView {
        idle: true,
        done: false,
    };
    const BUSY: InitView = InitView {
        idle: false,
        done: false,
    };
    const DONE: InitView = InitView {
        idle: false,
        done: true,
    };

    #[test]
    fn init_containers_go_in_order() {
        let cases: &[(&[InitView], NextInit)] = &[
            (&[], NextInit::Apps),
            (&[IDLE, IDLE], NextInit::Start(0)),
            (&[BUSY, IDLE], NextInit::Wait),
            // A started sidecar (or a regular one that exited 0) lets the next start.
            (&[DONE, IDLE], NextInit::Start(1)),
            (&[DONE, DONE], NextInit::Apps),
            // A sidecar restarting after initialization holds nothing up again: the
            // app containers are no longer idle, so "Apps" starts none of them.
            (&[DONE, BUSY], NextInit::Wait),
        ];
        for (init, want) in cases {
            assert_eq!(next_init(init), *want, "{init:?}");
        }
    }

    #[test]
    fn a_sidecar_is_an_init_container_that_restarts_always() {
        let mut c = Container {
            name: "log".into(),
            ..Default::default()
        };
        assert!(!is_sidecar(&c));
        c.restart_policy = Some("Always".into());
        assert!(is_sidecar(&c));
    }

    #[test]
    fn a_sidecar_is_started_while_it_runs() {
        let c = Container {
            name: "log".into(),
            restart_policy: Some("Always".into()),
            ..Default::default()
        };
        let mut w = Work::new(&c);
        assert!(!InitView::of(&w).done);
        w.phase = Phase::Running {
            since: SimTime::default(),
        };
        assert!(InitView::of(&w).done);
        // With a startup probe, only once the probe has passed for this run.
        w.awaiting_startup = true;
        assert!(!InitView::of(&w).done);
        w.awaiting_startup = false;
        assert!(InitView::of(&w).done);
        w.phase = Phase::Terminated {
            code: 0,
            reason: "Completed".into(),
            started: SimTime::default(),
            finished: SimTime::default(),
            message: None,
        };
        // A sidecar that exited is restarted, not done.
        assert!(!InitView::of(&w).done);
    }
}
