//! The ReplicaSet controller (kube-controller-manager's replicaset-controller,
//! pkg/controller/replicaset). For each ReplicaSet, as `syncReplicaSet`:
//! - the active pods of its namespace (not Succeeded, not Failed, not being deleted)
//!   are claimed as the ControllerRefManager does: a pod it controls stays while the
//!   selector matches and is released (its ownerReference removed) when it no longer
//!   does; an orphan the selector matches is adopted (a controller ownerReference with
//!   blockOwnerDeletion), unless the ReplicaSet is being deleted;
//! - too few: pods are created from the template, named by the API server from the
//!   generateName `<rs>-` (five characters of kube's alphabet from the cluster's
//!   seeded stream), with a `SuccessfulCreate` event `Created pod: NAME` (a refused
//!   create is a `FailedCreate` warning `Error creating: ...`);
//! - too many: the pods ranked first by `getPodsToDelete` (unscheduled before scheduled,
//!   pending before unknown before running, not ready before ready, more pods of the
//!   ReplicaSet on the same node first, ready for less time first, more restarts first,
//!   newer first) are deleted gracefully, with a `SuccessfulDelete` event `Deleted pod:
//!   NAME`;
//! - the status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas after
//!   minReadySeconds, observedGeneration) is written when it changed.
//!
//! kube creates pods in slow-start batches and waits for its informers; here every
//! create and delete of a sync happens at once, so one sync reaches the desired count.

use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{ApiServer, EventRecord, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{Pod, ReplicaSet, ResourceExt};
use k8s_openapi::api::apps::v1::ReplicaSetStatus;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// The component that writes its events.
const COMPONENT: &str = "replicaset-controller";

#[derive(Debug, Clone, Default)]
pub struct ReplicaSetController {
    /// When a ready pod next becomes available (minReadySeconds), if any is waiting.
    queue: WorkQueue,
}

impl SyncHandler for ReplicaSetController {
    type Object = ReplicaSet;

    fn store(api: &ApiServer) -> &Store<ReplicaSet> {
        &api.replica_sets
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        self.sync_replica_set(api, ns, name, now)
    }
}

/// An owner reference that makes `owner` the controller of a dependent.
pub(crate) fn controller_ref(api_version: &str, kind: &str, owner: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: owner.name.clone().unwrap_or_default(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The controller reference of an object, if it has one (metav1.GetControllerOf).
pub(crate) fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// Not finished and not being deleted (controller.IsPodActive).
pub(crate) fn is_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded" | "Failed")) && pod.metadata.deletion_timestamp.is_none()
}

/// When the pod became ready, if it is (the Ready condition's transition time).
pub(crate) fn ready_since(pod: &Pod) -> Option<SimTime> {
    if !crate::model::pod::is_ready(pod) {
        return None;
    }
    let condition = pod
        .status
        .as_ref()?
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Ready")?;
    Some(
        condition
            .last_transition_time
            .as_ref()
            .map_or(SimTime(0), SimTime::from_time),
    )
}

/// podutil.IsPodAvailable: ready for at least `min_ready` seconds; else when it will be.
pub(crate) fn available(pod: &Pod, min_ready: i32, now: SimTime) -> Result<(), Option<SimTime>> {
    let Some(since) = ready_since(pod) else {
        return Err(None);
    };
    let at = since.plus_ms(u64::try_from(min_ready.max(0)).unwrap_or(0) * 1000);
    if min_ready <= 0 || at <= now {
        Ok(())
    } else {
        Err(Some(at))
    }
}

impl ReplicaSetController {
    fn sync_replica_set(
        &mut self,
        api: &mut ApiServer,
        ns: &str,
        name: &str,
        now: SimTime,
    ) -> Progress {
        let Some(rs) = api.replica_sets.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let spec = rs.spec.clone().unwrap_or_default();
        let Ok(selector) = Selector::from_label_selector(&spec.selector) else {
            return Progress::Idle;
        };
        let deleting = rs.metadata.deletion_timestamp.is_some();
        let mut progress = Progress::Idle;

        // Claim: keep, release or adopt. The pods are read where the store keeps them:
        // a sync copies only the pods it writes.
        let owner = Owner {
            kind: "ReplicaSet",
            meta: &rs.metadata,
            component: COMPONENT,
        };
        claim(api, ns, &is_active, &selector, &owner, &mut progress);
        let owned: Vec<&Pod> = claimed(api, ns, &is_active, &selector, &owner).collect();

        // Status, from the pods as this sync found them.
        let min_ready = spec.min_ready_seconds.unwrap_or(0);
        let template_labels = spec
            .template
            .as_ref()
            .and_then(|t| t.metadata.as_ref())
            .and_then(|m| m.labels.as_ref());
        let mut status = ReplicaSetStatus {
            replicas: i32::try_from(owned.len()).unwrap_or(i32::MAX),
            observed_generation: rs.metadata.generation,
            conditions: rs.status.as_ref().and_then(|s| s.conditions.clone()),
            ..Default::default()
        };
        let (mut fully, mut ready, mut avail) = (0, 0, 0);
        for pod in &owned {
            let labels = pod.labels();
            if template_labels
                .iter()
                .flat_map(|l| l.iter())
                .all(|(k, v)| labels.get(k) == Some(v))
            {
                fully += 1;
            }
            if crate::model::pod::is_ready(pod) {
                ready += 1;
            }
            match available(pod, min_ready, now) {
                Ok(()) => avail += 1,
                Err(Some(at)) => self.requeue_at(at),
                Err(None) => {}
            }
        }
        status.fully_labeled_replicas = (fully > 0).then_some(fully);
        status.ready_replicas = (ready > 0).then_some(ready);
        status.available_replicas = (avail > 0).then_some(avail);

        // Manage replicas.
        let want = usize::try_from(spec.replicas.unwrap_or(1).max(0)).unwrap_or(0);
        let have = owned.len();
        let doomed: Vec<String> = if !deleting && have > want {
            pods_to_delete(&owned, have - want)
                .into_iter()
                .map(|p| p.name_any().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let key = format!("{ns}/{name}");
        if !deleting {
            if have < want {
                // A refused pod ends the sync with an error: the key waits out its
                // rate-limited back-off before the next try (AddRateLimited).
                if let Some(template) = spec
                    .template
                    .as_ref()
                    .filter(|_| !self.queue.backing_off(&key, now))
                {
                    let mut refused = false;
                    for _ in have..want {
                        progress = Progress::Changed;
                        if owner.create_pod(api, template, now).is_err() {
                            refused = true;
                            break;
                        }
                    }
                    if refused {
                        self.queue.failed(&key, now);
                    } else {
                        self.queue.forget(&key);
                    }
                }
            } else {
                for pod in &doomed {
                    progress |= owner.delete_pod(api, pod, now);
                }
            }
        }

        if rs.status.as_ref() != Some(&status) {
            if let Some(current) = api.replica_sets.get(ns, name) {
                let mut updated = current.clone();
                updated.status = Some(status);
                if api.update_replica_set(updated).is_ok() {
                    progress = Progress::Changed;
                }
            }
        }
        progress
    }
}

/// A pod of a controller's template (controller.GetPodFromTemplate): the template's
/// labels, annotations, finalizers and spec, in the owner's namespace, named from
/// `generate_name`, controlled by `owner`.
pub(crate) fn pod_from_template(
    template: &PodTemplateSpec,
    owner_meta: &ObjectMeta,
    generate_name: String,
    owner: OwnerReference,
) -> Pod {
    let t = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(generate_name),
            namespace: owner_meta.namespace.clone(),
            labels: t.labels,
            annotations: t.annotations,
            finalizers: t.finalizers,
            owner_references: Some(vec![owner]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// A controller that owns pods (a ReplicaSet, a DaemonSet): what its pod control
/// (controller.RealPodControl) needs to create, delete and claim them and to write the
/// events about it.
pub(crate) struct Owner<'a> {
    /// `ReplicaSet` (an apps/v1 kind).
    pub kind: &'static str,
    pub meta: &'a ObjectMeta,
    /// The component its events name (`replicaset-controller`).
    pub component: &'static str,
}

impl Owner<'_> {
    /// `CreatePods`: a pod from the template (controller.GetPodFromTemplate), named by
    /// the API server from the generateName `<owner>-`, controlled by the owner; a
    /// `SuccessfulCreate` event `Created pod: NAME`, or `FailedCreate` `Error creating:
    /// ...` (and Err) when the API server refuses it.
    pub fn create_pod(
        &self,
        api: &mut ApiServer,
        template: &PodTemplateSpec,
        now: SimTime,
    ) -> Result<(), ()> {
        let pod = pod_from_template(
            template,
            self.meta,
            format!("{}-", self.meta.name.as_deref().unwrap_or_default()),
            controller_ref("apps/v1", self.kind, self.meta),
        );
        match api.create_pod(pod, now) {
            Ok(p) => {
                let message = format!("Created pod: {}", p.name_any());
                self.event(api, "SuccessfulCreate", message, false, now);
                Ok(())
            }
            Err(e) => {
                self.event(
                    api,
                    "FailedCreate",
                    format!("Error creating: {}", e.status_message()),
                    true,
                    now,
                );
                Err(())
            }
        }
    }

    /// `DeletePod`: a graceful delete and a `SuccessfulDelete` event `Deleted pod: NAME`.
    pub fn delete_pod(&self, api: &mut ApiServer, name: &str, now: SimTime) -> Progress {
        let ns = self.meta.namespace.as_deref().unwrap_or_default();
        if api.delete_pod_gracefully(ns, name, None, now).is_err() {
            return Progress::Idle;
        }
        self.event(
            api,
            "SuccessfulDelete",
            format!("Deleted pod: {name}"),
            false,
            now,
        );
        Progress::Changed
    }

    pub fn event(
        &self,
        api: &mut ApiServer,
        reason: &str,
        message: String,
        warning: bool,
        now: SimTime,
    ) {
        api.record_event(
            EventRecord {
                object_kind: self.kind,
                namespace: self.meta.namespace.as_deref().unwrap_or_default(),
                object_name: self.meta.name.as_deref().unwrap_or_default(),
                object_uid: self.meta.uid.as_deref().unwrap_or_default(),
                reason,
                message,
                warning,
                component: self.component,
                host: None,
                field_path: None,
            },
            now,
        );
    }
}

/// `ClaimPods` (the ControllerRefManager) over the pods of namespace `ns` that
/// `candidate` accepts: a controlled pod the selector no longer matches is released (its
/// ownerReference removed); an orphan the selector matches is adopted (a controller
/// ownerReference with blockOwnerDeletion), unless the owner is being deleted. Only the
/// pods it writes are copied. The claimed pods are then [`claimed`]'s.
pub(crate) fn claim(
    api: &mut ApiServer,
    ns: &str,
    candidate: &dyn Fn(&Pod) -> bool,
    selector: &Selector,
    owner: &Owner<'_>,
    progress: &mut Progress,
) {
    enum Claim {
        Release(Box<Pod>),
        Adopt(Box<Pod>),
    }
    let uid = owner.meta.uid.as_deref().unwrap_or_default();
    let deleting = owner.meta.deletion_timestamp.is_some();
    // Most passes write nothing: they read the pods where the store keeps them.
    let claims: Vec<Claim> = api
        .pods
        .list_namespace(ns)
        .filter(|p| candidate(p))
        .filter_map(|pod| {
            let matches = !selector.is_empty() && selector.matches(pod.metadata.labels.as_ref());
            match controller_of(&pod.metadata).map(|r| r.uid == uid) {
                Some(true) if !matches => Some(Claim::Release(Box::new(pod.clone()))),
                None if matches && !deleting => Some(Claim::Adopt(Box::new(pod.clone()))),
                Some(_) | None => None,
            }
        })
        .collect();
    for claim in claims {
        match claim {
            Claim::Release(mut pod) => {
                // Released: the selector no longer matches.
                if let Some(refs) = pod.metadata.owner_references.as_mut() {
                    refs.retain(|r| r.uid != uid);
                }
                if pod
                    .metadata
                    .owner_references
                    .as_ref()
                    .is_some_and(Vec::is_empty)
                {
                    pod.metadata.owner_references = None;
                }
                if api.update_pod(*pod).is_ok() {
                    *progress = Progress::Changed;
                }
            }
            Claim::Adopt(mut pod) => {
                pod.metadata
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(controller_ref("apps/v1", owner.kind, owner.meta));
                if api.update_pod(*pod).is_ok() {
                    *progress = Progress::Changed;
                }
            }
        }
    }
}

/// The pods of namespace `ns` that `candidate` accepts, that `owner` controls and its
/// selector matches, in the store's order: what [`claim`] left the owner with (a pod it
/// failed to release is not matched; one it failed to adopt is not controlled).
pub(crate) fn claimed<'a>(
    api: &'a ApiServer,
    ns: &'a str,
    candidate: &'a dyn Fn(&Pod) -> bool,
    selector: &'a Selector,
    owner: &'a Owner<'_>,
) -> impl Iterator<Item = &'a Pod> + 'a {
    let uid = owner.meta.uid.as_deref().unwrap_or_default();
    api.pods.list_namespace(ns).filter(move |pod| {
        candidate(pod)
            && controller_of(&pod.metadata).is_some_and(|r| r.uid == uid)
            && !selector.is_empty()
            && selector.matches(pod.metadata.labels.as_ref())
    })
}

/// [`claim`], with copies of the pods it claimed.
pub(crate) fn claim_pods(
    api: &mut ApiServer,
    ns: &str,
    candidate: &dyn Fn(&Pod) -> bool,
    selector: &Selector,
    owner: &Owner<'_>,
    progress: &mut Progress,
) -> Vec<Pod> {
    claim(api, ns, candidate, selector, owner, progress);
    claimed(api, ns, candidate, selector, owner)
        .cloned()
        .collect()
}

/// The phase's place in kube's ranking: pending, unknown, then running.
fn phase_rank(pod: &Pod) -> u8 {
    match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Pending") | None => 0,
        Some("Running") => 2,
        _ => 1,
    }
}

fn restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map_or(0, |c| c.iter().map(|c| c.restart_count).max().unwrap_or(0))
}

/// The first `count` pods of `getPodsToDelete`'s order (controller.ActivePodsWithRanks,
/// ranked by how many of the pods share the pod's node).
fn pods_to_delete<'p>(pods: &[&'p Pod], count: usize) -> Vec<&'p Pod> {
    let node = |p: &'p Pod| -> &'p str {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or_default()
    };
    let mut on_node: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for &p in pods {
        *on_node.entry(node(p)).or_default() += 1;
    }
    let mut ranked: Vec<(&'p Pod, usize)> = pods
        .iter()
        .map(|&p| {
            let n = node(p);
            let rank = if n.is_empty() {
                0
            } else {
                on_node.get(n).copied().unwrap_or(0)
            };
            (p, rank)
        })
        .collect();
    crate::sort::sort_by(&mut ranked, |(a, ra), (b, rb)| {
        let assigned = |p: &'p Pod| !node(p).is_empty();
        let created = |p: &Pod| {
            p.metadata
                .creation_timestamp
                .as_ref()
                .map(SimTime::from_time)
        };
        assigned(a)
            .cmp(&assigned(b))
            .then(phase_rank(a).cmp(&phase_rank(b)))
            .then(crate::model::pod::is_ready(a).cmp(&crate::model::pod::is_ready(b)))
            .then(rb.cmp(ra))
            // Ready for less time first.
            .then(ready_since(b).cmp(&ready_since(a)))
            .then(restarts(b).cmp(&restarts(a)))
            // Newer first.
            .then(created(b).cmp(&created(a)))
    });
    ranked.into_iter().take(count).map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodCondition, PodSpec, PodStatus};

    fn pod(name: &str, node: &str, phase: &str, ready: bool, created_s: u64) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                creation_timestamp: Some(SimTime::from_secs(created_s).to_time()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: (!node.is_empty()).then(|| node.to_string()),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    /// getPodsToDelete's order, one rule per row: the first pod goes before the second.
    #[test]
    fn deletion_ranking() {
        let cases = [
            // unscheduled before scheduled
            (
                pod("a", "", "Pending", false, 0),
                pod("b", "n1", "Pending", false, 0),
            ),
            // pending before running
            (
                pod("a", "n1", "Pending", false, 0),
                pod("b", "n1", "Running", false, 0),
            ),
            // not ready before ready
            (
                pod("a", "n1", "Running", false, 0),
                pod("b", "n2", "Running", true, 0),
            ),
            // newer before older
            (
                pod("a", "n1", "Running", true, 9),
                pod("b", "n2", "Running", true, 1),
            ),
        ];
        for (first, second) in cases {
            for pods in [
                vec![first.clone(), second.clone()],
                vec![second.clone(), first.clone()],
            ] {
                let refs: Vec<&Pod> = pods.iter().collect();
                let chosen = pods_to_delete(&refs, 1);
                assert_eq!(chosen[0].name_any(), first.name_any(), "{pods:?}");
            }
        }
        // More pods of the set on the same node first.
        let pods = [
            pod("alone", "n1", "Running", true, 1),
            pod("crowded", "n2", "Running", true, 1),
            pod("crowded2", "n2", "Running", true, 1),
        ];
        let refs: Vec<&Pod> = pods.iter().collect();
        assert_ne!(pods_to_delete(&refs, 1)[0].name_any(), "alone");
    }

    #[test]
    fn available_after_min_ready_seconds() {
        let mut p = pod("a", "n1", "Running", true, 0);
        if let Some(c) = p
            .status
            .as_mut()
            .and_then(|s| s.conditions.as_mut())
            .and_then(|c| c.first_mut())
        {
            c.last_transition_time = Some(SimTime::from_secs(10).to_time());
        }
        assert_eq!(available(&p, 0, SimTime::from_secs(10)), Ok(()));
        assert_eq!(
            available(&p, 5, SimTime::from_secs(12)),
            Err(Some(SimTime::from_secs(15)))
        );
        assert_eq!(available(&p, 5, SimTime::from_secs(15)), Ok(()));
    }
}
