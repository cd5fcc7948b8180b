//! The status manager (kubelet's pkg/kubelet/status): a pod's status as the kubelet
//! posts it, from its containers' work records — each container's state (waiting,
//! running, terminated, last state), the pod's conditions (PodReadyToStartContainers,
//! Initialized, Ready, ContainersReady) and its phase.

use super::pod_workers::PodWork;
use super::runtime::{container_id, Phase, Work, CONFIG_ERROR as CONFIG_ERROR_REASON};
use super::sidecars;
use crate::clock::SimTime;
use crate::model::{
    Container, ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod,
    PodCondition, RestartPolicy,
};
use k8s_openapi::api::core::v1::{ContainerStateTerminated, PodSpec};

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
pub(super) fn container_status(
    c: &Container,
    w: &Work,
    pod_name: &str,
    init: bool,
    has_init: bool,
) -> ContainerStatus {
    let image = c.image.as_deref().unwrap_or_default();
    let image_ref = w.image_ref(image);
    let reg = image_ref.entry;
    let waiting = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..Default::default()
    };
    let terminated = |code: i32,
                      reason: &str,
                      started: SimTime,
                      finished: SimTime,
                      run: i32,
                      message: &Option<String>| ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: code,
            reason: Some(reason.into()),
            message: message.clone(),
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
        Phase::Pulling if w.config_error.is_some() => (
            waiting(CONFIG_ERROR_REASON, w.config_error.clone()),
            false,
            false,
        ),
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
            !init || w.sidecar,
            !w.sidecar || sidecars::sidecar_started(w),
        ),
        Phase::Terminated {
            code,
            reason,
            started,
            finished,
            message,
        } => (
            terminated(*code, reason, *started, *finished, w.restarts, message),
            init && !w.sidecar && *code == 0,
            false,
        ),
    };
    let last_state = match &w.last {
        Some(Phase::Terminated {
            code,
            reason,
            started,
            finished,
            message,
        }) => terminated(
            *code,
            reason,
            *started,
            *finished,
            w.restarts.saturating_sub(1),
            message,
        ),
        _ => ContainerState::default(),
    };
    let has_run = matches!(w.phase, Phase::Running { .. } | Phase::Terminated { .. })
        || matches!(w.phase, Phase::BackOff { pull: false, .. });
    ContainerStatus {
        name: c.name.clone(),
        image: image_ref.qualified.clone(),
        image_id: if has_run {
            reg.map(|r| {
                format!(
                    "{}@{}",
                    image_ref.qualified.rsplit_once(':').map_or(image, |x| x.0),
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

/// The pod's phase from its containers, as the kubelet's getPhase counts them:
/// sidecars keep a pod Pending until they have started (before initialization) and
/// count as running, but never as stopped, so they neither fail a pod nor keep it from
/// Succeeding. `terminal`: the pod was killed, so nothing will restart.
pub(super) fn phase(work: &PodWork, initialized: bool, terminal: bool) -> &'static str {
    if work.failed || work.deadline_exceeded {
        return "Failed";
    }
    let waiting_first = |w: &Work| {
        !matches!(w.phase, Phase::Running { .. } | Phase::Terminated { .. }) && w.last.is_none()
    };
    let pending_regular = work
        .init
        .iter()
        .any(|w| !w.sidecar && !matches!(w.phase, Phase::Terminated { code: 0, .. }));
    let pending_sidecars = work.init.iter().any(|w| {
        w.sidecar
            && match w.phase {
                Phase::Running { .. } => !sidecars::sidecar_started(w),
                Phase::Terminated { .. } => false,
                _ => w.last.is_none(),
            }
    });
    let running = work
        .init
        .iter()
        .filter(|w| w.sidecar)
        .chain(&work.containers)
        .filter(|w| matches!(w.phase, Phase::Running { .. }))
        .count();
    let waiting = work.containers.iter().filter(|w| waiting_first(w)).count();
    // Stopped: terminated, or waiting to restart after a termination.
    let exit = |w: &Work| match (&w.phase, &w.last) {
        (Phase::Terminated { code, .. }, _) => Some(*code),
        (Phase::Running { .. }, _) => None,
        (_, Some(Phase::Terminated { code, .. })) => Some(*code),
        _ => None,
    };
    let stopped: Vec<i32> = work.containers.iter().filter_map(exit).collect();
    if pending_regular || (pending_sidecars && !initialized) || waiting > 0 {
        "Pending"
    } else if running > 0 {
        "Running"
    } else if !stopped.is_empty() {
        let succeeded = stopped.iter().all(|c| *c == 0);
        match (terminal, work.restart_policy) {
            (true, _) | (false, RestartPolicy::OnFailure) if succeeded => "Succeeded",
            (true, _) => "Failed",
            (false, RestartPolicy::Always) => "Running",
            (false, RestartPolicy::Never) if succeeded => "Succeeded",
            (false, RestartPolicy::Never) => "Failed",
            (false, RestartPolicy::OnFailure) => "Running",
        }
    } else {
        "Pending"
    }
}

/// Writes the pod's status from its containers, keeping transition times of
/// conditions whose status did not change.
pub(super) fn write_status(pod: &mut Pod, work: &PodWork, now: SimTime) {
    let no_spec = PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let status = pod.status.get_or_insert_with(Default::default);
    let init_specs = spec.init_containers.as_deref().unwrap_or_default();
    // Initialized: every regular init container exited 0 and every sidecar started,
    // or an app container has started before (a sidecar restarting later does not
    // undo it).
    let app_started = work.containers.iter().any(|w| {
        matches!(w.phase, Phase::Running { .. } | Phase::Terminated { .. }) || w.last.is_some()
    });
    let initialized = app_started
        || work.init.iter().all(|w| {
            if w.sidecar {
                sidecars::sidecar_started(w)
            } else {
                matches!(w.phase, Phase::Terminated { code: 0, .. })
            }
        });
    let mut init_statuses: Vec<ContainerStatus> = init_specs
        .iter()
        .zip(&work.init)
        .map(|(c, w)| container_status(c, w, &work.name, true, true))
        .collect();
    let mut statuses: Vec<ContainerStatus> = spec
        .containers
        .iter()
        .zip(&work.containers)
        .map(|(c, w)| container_status(c, w, &work.name, false, !work.init.is_empty()))
        .collect();
    super::prober::adjust(work, &mut statuses);
    work.probes.adjust_init(&mut init_statuses);
    let sidecars_ready = init_statuses
        .iter()
        .zip(&work.init)
        .filter(|(_, w)| w.sidecar)
        .all(|(s, _)| s.ready);
    let all_ready =
        initialized && !statuses.is_empty() && statuses.iter().all(|s| s.ready) && sidecars_ready;
    let terminal = work.halted;
    let phase = phase(work, initialized, terminal);
    let all_done = phase == "Succeeded" || phase == "Failed";
    let frozen = work.deadline_exceeded && status.phase.as_deref() == Some("Failed");
    status.phase = Some(phase.into());
    if work.deadline_exceeded {
        status.reason = Some(super::termination::DEADLINE_REASON.into());
        status.message = Some(super::termination::DEADLINE_MESSAGE.into());
    }
    if frozen {
        // Past its deadline the pod's status is final: its containers are no longer
        // ready, and the states they had then stay (kubectl keeps showing
        // DeadlineExceeded, READY 0/1).
        for c in status
            .init_container_statuses
            .iter_mut()
            .flatten()
            .chain(status.container_statuses.iter_mut().flatten())
        {
            c.ready = false;
        }
    } else {
        status.init_container_statuses = (!init_statuses.is_empty()).then_some(init_statuses);
        status.container_statuses = Some(statuses);
    }
    let initialized = initialized || phase == "Succeeded";

    let ready_reason = (!all_ready).then_some(if all_done || work.failed {
        "PodCompleted"
    } else {
        "ContainersNotReady"
    });
    let init_reason = if phase == "Succeeded" {
        Some("PodCompleted")
    } else {
        (!initialized).then_some(if work.failed {
            "PodCompleted"
        } else {
            "ContainersNotInitialized"
        })
    };
    // The sandbox is gone once the pod is done (the kubelet kills it): no sandbox, no
    // PodReadyToStartContainers.
    let sandbox = phase != "Succeeded" && phase != "Failed";
    let wanted = [
        ("PodReadyToStartContainers", sandbox, None),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyed::Keyed;

    fn work(policy: RestartPolicy, sidecar: Option<Phase>, app: Phase) -> PodWork {
        let c = |name: &str, sidecar: bool, phase: Phase| {
            let mut w = Work::new(&Container {
                name: name.into(),
                restart_policy: sidecar.then(|| "Always".to_string()),
                ..Default::default()
            });
            w.phase = phase;
            w
        };
        PodWork {
            namespace: "default".into(),
            name: "p".into(),
            node: "n".into(),
            init: sidecar.map(|p| c("side", true, p)).into_iter().collect(),
            containers: vec![c("app", false, app)],
            volumes: Keyed::new(),
            mount_error: None,
            failed: false,
            pod_ip: String::new(),
            restart_policy: policy,
            terminating: None,
            killing: None,
            halted: false,
            active_deadline: None,
            deadline_exceeded: false,
            probes: Default::default(),
            resync: None,
        }
    }

    fn ended(code: i32) -> Phase {
        Phase::Terminated {
            code,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            started: SimTime(0),
            finished: SimTime(1),
            message: None,
        }
    }

    /// getPhase: sidecars count as running but never as stopped; a pod whose
    /// containers restart stays Running between runs; a killed pod is terminal.
    #[test]
    fn phases_as_get_phase_counts_them() {
        let run = Phase::Running { since: SimTime(0) };
        use RestartPolicy::*;
        let cases = [
            (work(Always, None, Phase::Idle), false, "Pending"),
            (work(Always, None, run.clone()), false, "Running"),
            (work(Always, None, ended(1)), false, "Running"),
            (work(Never, None, ended(0)), false, "Succeeded"),
            (work(Never, None, ended(1)), false, "Failed"),
            (work(OnFailure, None, ended(1)), false, "Running"),
            (work(Always, None, ended(0)), true, "Succeeded"),
            (work(Always, None, ended(137)), true, "Failed"),
            // A sidecar not started yet keeps the pod Pending.
            (
                work(Never, Some(Phase::Pulling), Phase::Idle),
                false,
                "Pending",
            ),
            // A running sidecar keeps a finished pod Running until it is stopped...
            (work(Never, Some(run.clone()), ended(0)), false, "Running"),
            // ...and once stopped (137) it does not fail the pod.
            (work(Never, Some(ended(137)), ended(0)), true, "Succeeded"),
        ];
        for (i, (w, terminal, want)) in cases.into_iter().enumerate() {
            let initialized = w.init.iter().all(sidecars::sidecar_started)
                || !matches!(w.containers[0].phase, Phase::Idle);
            assert_eq!(phase(&w, initialized, terminal), want, "case {i}");
        }
    }
}
