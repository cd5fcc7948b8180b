//! What the node's container runtime holds, as the CRI lists it to `crictl`: the pod
//! sandboxes of the pods this kubelet runs, their containers (the current run of each,
//! and the run before it, which the kubelet keeps after a restart), and the images
//! pulled to the node.

use super::images::{self, Image};
use super::runtime::{container_id, Phase};
use super::Kubelet;
use crate::clock::SimTime;

/// A pod sandbox (`crictl pods`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// 64 hex digits.
    pub id: String,
    pub uid: String,
    pub name: String,
    pub namespace: String,
    /// `Ready`, or `NotReady` once the kubelet has stopped the pod.
    pub ready: bool,
}

/// A container's state as the CRI has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriState {
    Running,
    Exited,
}

/// A container (`crictl ps`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriContainer {
    /// 64 hex digits (the pod status's containerID without `containerd://`).
    pub id: String,
    pub name: String,
    /// The image's id (`sha256:...`).
    pub image_id: String,
    pub created: SimTime,
    pub state: CriState,
    pub attempt: i32,
    pub pod_id: String,
    pub pod: String,
    pub namespace: String,
    pub pod_uid: String,
    /// The image as the pod's spec names it.
    pub image: String,
    /// When it exited, with its exit code and the runtime's reason (`Completed`,
    /// `Error`).
    pub finished: Option<(SimTime, i32, String)>,
    /// The run the kubelet's current log is of (else the run before it).
    pub current: bool,
}

/// A stable sandbox id for a pod.
fn sandbox_id(uid: &str) -> String {
    let id = container_id(uid, "POD", 0);
    id.strip_prefix("containerd://").unwrap_or(&id).to_string()
}

impl Kubelet {
    /// The pod sandboxes on `node`.
    pub fn sandboxes(&self, node: &str) -> Vec<Sandbox> {
        self.pods
            .iter()
            .filter(|(_, w)| w.node == node)
            .map(|(uid, w)| Sandbox {
                id: sandbox_id(uid),
                uid: uid.clone(),
                name: w.name.clone(),
                namespace: w.namespace.clone(),
                ready: !w.halted && !w.failed,
            })
            .collect()
    }

    /// The containers on `node`: each container's current run once it was created,
    /// and its previous run after a restart.
    pub fn cri_containers(&self, node: &str) -> Vec<CriContainer> {
        let mut out = Vec::new();
        for (uid, w) in self.pods.iter().filter(|(_, w)| w.node == node) {
            for c in w.init.iter().chain(&w.containers) {
                let image_id = images::lookup(&c.image)
                    .map(|i| i.digest.to_string())
                    .unwrap_or_default();
                let mut add = |run: i32,
                               created: SimTime,
                               end: Option<(SimTime, i32, String)>,
                               current: bool| {
                    let state = if end.is_some() {
                        CriState::Exited
                    } else {
                        CriState::Running
                    };
                    let id = container_id(&w.name, &c.name, run);
                    out.push(CriContainer {
                        id: id.strip_prefix("containerd://").unwrap_or(&id).to_string(),
                        name: c.name.clone(),
                        image_id: image_id.clone(),
                        created,
                        state,
                        attempt: run,
                        pod_id: sandbox_id(uid),
                        pod: w.name.clone(),
                        namespace: w.namespace.clone(),
                        pod_uid: uid.clone(),
                        image: c.image.clone(),
                        finished: end,
                        current,
                    });
                };
                // In CrashLoopBackOff the run that exited is the current one (the
                // next has not been counted yet); otherwise the one before it.
                let backing_off = matches!(c.phase, Phase::BackOff { pull: false, .. });
                if let Some(Phase::Terminated {
                    started,
                    finished,
                    code,
                    reason,
                    ..
                }) = &c.last
                {
                    let run = if backing_off {
                        c.restarts
                    } else {
                        c.restarts.saturating_sub(1)
                    };
                    add(
                        run,
                        *started,
                        Some((*finished, *code, reason.clone())),
                        backing_off,
                    );
                }
                match &c.phase {
                    Phase::Running { since } => add(c.restarts, *since, None, true),
                    Phase::Terminated {
                        started,
                        finished,
                        code,
                        reason,
                        ..
                    } => add(
                        c.restarts,
                        *started,
                        Some((*finished, *code, reason.clone())),
                        true,
                    ),
                    _ => {}
                }
            }
        }
        out
    }

    /// The images pulled to `node`, by the reference they were pulled by.
    pub fn node_images(&self, node: &str) -> Vec<(String, &'static Image)> {
        self.nodes
            .get(node)
            .map(|n| {
                n.images
                    .iter()
                    .filter_map(|r| Some((r.clone(), images::lookup(r)?)))
                    .collect()
            })
            .unwrap_or_default()
    }
}
