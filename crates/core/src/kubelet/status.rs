//! The status manager (kubelet's pkg/kubelet/status): a pod's status as the kubelet
//! posts it, from its containers' work records — each container's state (waiting,
//! running, terminated, last state), the pod's conditions (PodReadyToStartContainers,
//! Initialized, Ready, ContainersReady) and its phase.

use super::images;
use super::pod_workers::PodWork;
use super::runtime::{container_id, Phase, Work};
use crate::clock::SimTime;
use crate::model::{
    Container, ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod,
    PodCondition,
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
pub(super) fn write_status(pod: &mut Pod, work: &PodWork, now: SimTime) {
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
    let mut statuses: Vec<ContainerStatus> = spec
        .containers
        .iter()
        .zip(&work.containers)
        .map(|(c, w)| container_status(c, w, &work.name, false, !work.init.is_empty()))
        .collect();
    super::prober::adjust(work, &mut statuses);
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
