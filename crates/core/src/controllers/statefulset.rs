//! The StatefulSet controller (kube-controller-manager's statefulset-controller,
//! pkg/controller/statefulset). For each StatefulSet, as `UpdateStatefulSet`:
//! - its revisions (`getStatefulSetRevisions`): the update revision is the
//!   ControllerRevision whose data is the template's patch (made when missing:
//!   `<set>-<hash>`, labelled `controller-revision-hash`, one past the newest; an older
//!   equal one is moved to the top, a rollback); the current revision is the one the
//!   status names, else the update revision;
//! - its pods are claimed as the ReplicaSet controller claims them, of the pods named
//!   `<set>-<ordinal>` only;
//! - the pods in the ordinal range `[start, start + replicas)` are its replicas, the
//!   others are condemned. A missing replica is made (`newVersionedStatefulSetPod`):
//!   named `<set>-<i>`, hostname the name, subdomain the serviceName, labelled
//!   `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
//!   `controller-revision-hash` (the current revision below the partition, else the
//!   update revision), with a volume per claim template whose claims `<template>-<pod>`
//!   are made first (owned by the set when it is deleted with them). A failed or
//!   succeeded replica is deleted (and made again). OrderedReady goes one pod at a time:
//!   nothing past a replica that is not Running and Ready (and available after
//!   minReadySeconds), and condemned pods deleted from the highest ordinal once every
//!   replica is healthy; Parallel makes and deletes them all at once;
//! - RollingUpdate: the replica of the highest ordinal at or above the partition that
//!   is not at the update revision is deleted (and made again at it), one at a time,
//!   waiting for each to be healthy; OnDelete replaces only pods the user deletes;
//! - the status (replicas, readyReplicas, currentReplicas, updatedReplicas,
//!   availableReplicas, currentRevision, updateRevision, collisionCount,
//!   observedGeneration) is written when it changed; a finished rolling update makes
//!   the update revision current;
//! - `truncateHistory`: revisions no pod and neither status revision names, beyond
//!   revisionHistoryLimit, oldest first, are deleted.
//!
//! Events are the StatefulPodControl's: `SuccessfulCreate` `create Pod web-0 in
//! StatefulSet web successful`, `create Claim www-web-0 Pod web-0 in StatefulSet web
//! success`, `SuccessfulDelete` `delete Pod web-1 in StatefulSet web successful`.

use super::daemonset::{revision_template, template_patch, REVISION_HASH};
use super::replicaset::{available, claim_pods, controller_of, controller_ref, Owner};
use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{ApiServer, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{ControllerRevision, PersistentVolumeClaim, Pod, ResourceExt, StatefulSet};
use k8s_openapi::api::apps::v1::StatefulSetStatus;
use k8s_openapi::api::core::v1::{PersistentVolumeClaimVolumeSource, PodTemplateSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;

const COMPONENT: &str = "statefulset-controller";
/// The label naming a stateful pod (`web-0`), for a per-pod Service to select.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The label carrying a stateful pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

#[derive(Debug, Clone, Default)]
pub struct StatefulSetController {
    /// When a ready pod next becomes available (minReadySeconds), if any is waiting.
    queue: WorkQueue,
}

impl SyncHandler for StatefulSetController {
    type Object = StatefulSet;

    fn store(api: &ApiServer) -> &Store<StatefulSet> {
        &api.stateful_sets
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        self.sync_stateful_set(api, ns, name, now)
    }
}

/// `getParentNameAndOrdinal`: the ordinal of a pod named `<set>-<ordinal>`.
pub fn ordinal_of(set_name: &str, pod_name: &str) -> Option<i32> {
    let digits = pod_name.strip_prefix(set_name)?.strip_prefix('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The first ordinal (`spec.ordinals.start`, 0 by default).
fn start_ordinal(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
        .max(0)
}

fn replicas_of(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0)
}

fn phase(pod: &Pod) -> Option<&str> {
    pod.status.as_ref().and_then(|s| s.phase.as_deref())
}

fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

fn is_running_and_ready(pod: &Pod) -> bool {
    phase(pod) == Some("Running") && crate::model::pod::is_ready(pod)
}

/// `isHealthy`: running, ready and not being deleted.
fn is_healthy(pod: &Pod) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

fn revision_of(pod: &Pod) -> Option<&str> {
    pod.labels().get(REVISION_HASH).map(String::as_str)
}

/// What the pods of a set's ordinal range are: its update strategy and partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    RollingUpdate { partition: i32 },
    OnDelete,
}

pub fn strategy_of(set: &StatefulSet) -> Strategy {
    let s = set.spec.as_ref().and_then(|s| s.update_strategy.as_ref());
    match s.and_then(|s| s.type_.as_deref()) {
        Some("OnDelete") => Strategy::OnDelete,
        _ => Strategy::RollingUpdate {
            partition: s
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0),
        },
    }
}

/// How the set makes and deletes pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Management {
    /// One at a time, each waiting for its predecessors (`OrderedReady`).
    Monotonic,
    /// All at once (`Parallel`).
    Burst,
}

fn management_of(set: &StatefulSet) -> Management {
    match set
        .spec
        .as_ref()
        .and_then(|s| s.pod_management_policy.as_deref())
    {
        Some("Parallel") => Management::Burst,
        _ => Management::Monotonic,
    }
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set_name: &str, ordinal: i32) -> String {
    format!("{template}-{set_name}-{ordinal}")
}

/// `getPersistentVolumeClaims`: the pod's claims by template name, in the templates'
/// order, labelled with the selector's matchLabels.
fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<(String, PersistentVolumeClaim)> {
    let spec = set.spec.clone().unwrap_or_default();
    let match_labels = spec.selector.match_labels.clone().unwrap_or_default();
    spec.volume_claim_templates
        .unwrap_or_default()
        .into_iter()
        .map(|mut claim| {
            let template = claim.metadata.name.clone().unwrap_or_default();
            claim.metadata.name = Some(claim_name(&template, set.name_any(), ordinal));
            claim.metadata.namespace = set.metadata.namespace.clone();
            let labels = claim.metadata.labels.get_or_insert_with(Default::default);
            labels.extend(match_labels.clone());
            claim.status = None;
            (template, claim)
        })
        .collect()
}

/// `newStatefulSetPod`: the template's pod named `<set>-<ordinal>` (`initIdentity`,
/// `updateStorage`).
pub fn new_pod(set: &StatefulSet, template: &PodTemplateSpec, ordinal: i32) -> Pod {
    let name = format!("{}-{ordinal}", set.name_any());
    let mut pod = super::replicaset::pod_from_template(
        template,
        &set.metadata,
        format!("{}-", set.name_any()),
        controller_ref("apps/v1", "StatefulSet", &set.metadata),
    );
    pod.metadata.name = Some(name.clone());
    let labels = pod.metadata.labels.get_or_insert_with(Default::default);
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    let spec = pod.spec.get_or_insert_with(Default::default);
    spec.hostname = Some(name);
    spec.subdomain = set
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .filter(|s| !s.is_empty());
    let claims = claims_for(set, ordinal);
    let mut volumes: Vec<Volume> = claims
        .iter()
        .map(|(template, claim)| Volume {
            name: template.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.name_any().to_string(),
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    for v in spec.volumes.take().unwrap_or_default() {
        if !claims.iter().any(|(t, _)| *t == v.name) {
            volumes.push(v);
        }
    }
    spec.volumes = (!volumes.is_empty()).then_some(volumes);
    pod
}

/// The set's revisions: the current and update revision names and templates.
struct Revisions {
    current: String,
    update: String,
    current_template: PodTemplateSpec,
    collision_count: i32,
    /// Every revision the set owns (after this sync's create or renumbering).
    all: Vec<ControllerRevision>,
}

impl StatefulSetController {
    fn sync_stateful_set(
        &mut self,
        api: &mut ApiServer,
        ns: &str,
        name: &str,
        now: SimTime,
    ) -> Progress {
        let Some(set) = api.stateful_sets.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let spec = set.spec.clone().unwrap_or_default();
        let Ok(selector) = Selector::from_label_selector(&spec.selector) else {
            return Progress::Idle;
        };
        let mut progress = Progress::Idle;
        let owner = Owner {
            kind: "StatefulSet",
            meta: &set.metadata,
            component: COMPONENT,
        };
        let is_ordinal = |p: &Pod| ordinal_of(name, p.name_any()).is_some();
        let pods = claim_pods(api, ns, &is_ordinal, &selector, &owner, &mut progress);
        let revisions = revisions(api, &set, &selector, now, &mut progress);
        let min_ready = spec.min_ready_seconds.unwrap_or(0);

        // Replicas by ordinal, and the condemned beyond the range.
        let start = start_ordinal(&set);
        let count = replicas_of(&set);
        let mut replicas: Vec<Option<Pod>> = vec![None; usize::try_from(count).unwrap_or(0)];
        let mut condemned: Vec<(i32, Pod)> = Vec::new();
        for pod in &pods {
            let Some(ord) = ordinal_of(name, pod.name_any()) else {
                continue;
            };
            if ord >= start && ord < start.saturating_add(count) {
                if let Some(slot) = usize::try_from(ord - start)
                    .ok()
                    .and_then(|i| replicas.get_mut(i))
                {
                    *slot = Some(pod.clone());
                }
            } else {
                condemned.push((ord, pod.clone()));
            }
        }
        // Highest ordinal first.
        crate::sort::sort_by_key(&mut condemned, |(ord, _)| std::cmp::Reverse(*ord));

        if set.metadata.deletion_timestamp.is_none() {
            let cx = SyncContext {
                set: &set,
                owner: &owner,
                revisions: &revisions,
                monotonic: management_of(&set) == Management::Monotonic,
                min_ready,
                now,
            };
            progress |= self.manage(api, &cx, &replicas, &condemned);
        }

        // The status, from the pods as they are now.
        let pods: Vec<Pod> = api
            .pods
            .list_namespace(ns)
            .filter(|p| {
                ordinal_of(name, p.name_any()).is_some()
                    && controller_of(&p.metadata)
                        .is_some_and(|r| Some(&r.uid) == set.metadata.uid.as_ref())
            })
            .cloned()
            .collect();
        progress |= self.update_status(api, &set, &pods, &revisions, now);
        progress |= truncate_history(api, &set, &pods, &revisions);
        progress
    }

    /// The replicas made, replaced and updated, the condemned deleted, as far as the
    /// pod management policy lets one sync go.
    fn manage(
        &mut self,
        api: &mut ApiServer,
        cx: &SyncContext<'_>,
        replicas: &[Option<Pod>],
        condemned: &[(i32, Pod)],
    ) -> Progress {
        let mut progress = Progress::Idle;
        let start = start_ordinal(cx.set);
        let healthy = |p: &Option<Pod>| p.as_ref().is_some_and(is_healthy);
        let first_unhealthy = replicas
            .iter()
            .all(healthy)
            .then(|| {
                condemned
                    .iter()
                    .rev()
                    .find(|(_, p)| !is_healthy(p))
                    .map(|(o, _)| *o)
            })
            .flatten();
        for (i, slot) in replicas.iter().enumerate() {
            let ordinal = start + i32::try_from(i).unwrap_or(0);
            let blocked = match slot {
                None => {
                    let created = cx.create(api, ordinal, &mut progress);
                    cx.monotonic || !created
                }
                Some(pod) => self.process_replica(api, cx, pod, &mut progress),
            };
            if blocked && cx.monotonic {
                return progress;
            }
        }
        for (ordinal, pod) in condemned {
            // `UpdatePodClaimForRetentionPolicy`: a scaled-down pod's claims go with
            // it when whenScaled is Delete.
            progress |= cx.claims_follow_pod(api, *ordinal, pod);
            if is_terminating(pod) {
                if cx.monotonic {
                    return progress;
                }
                continue;
            }
            let settled = is_running_and_ready(pod) && available(pod, cx.min_ready, cx.now).is_ok();
            if cx.monotonic && !settled && first_unhealthy != Some(*ordinal) {
                return progress;
            }
            progress |= cx.delete(api, pod);
            if cx.monotonic {
                return progress;
            }
        }
        if let Strategy::RollingUpdate { partition } = strategy_of(cx.set) {
            let min = usize::try_from(partition.max(0)).unwrap_or(0);
            for target in (min..replicas.len()).rev() {
                let Some(pod) = replicas.get(target).and_then(Option::as_ref) else {
                    return progress;
                };
                if revision_of(pod) != Some(cx.revisions.update.as_str()) && !is_terminating(pod) {
                    progress |= cx.delete(api, pod);
                    return progress;
                }
                if !is_healthy(pod) {
                    return progress;
                }
            }
        }
        progress
    }

    /// `processReplica`: whether a monotonic sync must stop at this replica.
    fn process_replica(
        &mut self,
        api: &mut ApiServer,
        cx: &SyncContext<'_>,
        pod: &Pod,
        progress: &mut Progress,
    ) -> bool {
        if matches!(phase(pod), Some("Failed" | "Succeeded")) {
            if !is_terminating(pod) {
                *progress |= cx.delete(api, pod);
            }
            return true;
        }
        if phase(pod).is_none_or(|p| p == "Pending") {
            if let Some(ord) = ordinal_of(cx.set.name_any(), pod.name_any()) {
                if cx
                    .create_claims(api, pod.name_any(), ord, progress)
                    .is_err()
                {
                    return true;
                }
            }
        }
        if is_terminating(pod) || !is_running_and_ready(pod) {
            return true;
        }
        match available(pod, cx.min_ready, cx.now) {
            Ok(()) => false,
            Err(at) => {
                if let Some(at) = at {
                    self.requeue_at(at);
                }
                true
            }
        }
    }

    fn update_status(
        &mut self,
        api: &mut ApiServer,
        set: &StatefulSet,
        pods: &[Pod],
        revisions: &Revisions,
        now: SimTime,
    ) -> Progress {
        let min_ready = set
            .spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0);
        let (mut replicas, mut ready, mut avail, mut current, mut updated) = (0, 0, 0, 0, 0);
        for pod in pods {
            replicas += 1;
            if is_running_and_ready(pod) {
                ready += 1;
                match available(pod, min_ready, now) {
                    Ok(()) => avail += 1,
                    Err(Some(at)) => self.requeue_at(at),
                    Err(None) => {}
                }
            }
            if !is_terminating(pod) {
                if revision_of(pod) == Some(revisions.current.as_str()) {
                    current += 1;
                }
                if revision_of(pod) == Some(revisions.update.as_str()) {
                    updated += 1;
                }
            }
        }
        let nonzero = |n: i32| (n != 0).then_some(n);
        let mut status = StatefulSetStatus {
            observed_generation: set.metadata.generation,
            replicas,
            ready_replicas: nonzero(ready),
            current_replicas: nonzero(current),
            updated_replicas: nonzero(updated),
            available_replicas: Some(avail),
            current_revision: Some(revisions.current.clone()),
            update_revision: Some(revisions.update.clone()),
            collision_count: Some(revisions.collision_count),
            conditions: set.status.as_ref().and_then(|s| s.conditions.clone()),
        };
        // `completeRollingUpdate`.
        if matches!(strategy_of(set), Strategy::RollingUpdate { .. })
            && updated == replicas
            && ready == replicas
        {
            status.current_replicas = status.updated_replicas;
            status.current_revision = status.update_revision.clone();
        }
        if set.status.as_ref() == Some(&status) {
            return Progress::Idle;
        }
        let (ns, name) = (set.namespace_any(), set.name_any());
        let Some(mut stored) = api.stateful_sets.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        stored.status = Some(status);
        Progress::changed_if(api.update_stateful_set(stored).is_ok())
    }
}

/// What one set's sync works with.
struct SyncContext<'a> {
    set: &'a StatefulSet,
    owner: &'a Owner<'a>,
    revisions: &'a Revisions,
    monotonic: bool,
    min_ready: i32,
    now: SimTime,
}

impl SyncContext<'_> {
    /// `newVersionedStatefulSetPod` and `CreateStatefulPod`: its claims, then the pod;
    /// whether the pod was made.
    fn create(&self, api: &mut ApiServer, ordinal: i32, progress: &mut Progress) -> bool {
        let below_partition = match strategy_of(self.set) {
            Strategy::RollingUpdate { partition } => ordinal < start_ordinal(self.set) + partition,
            Strategy::OnDelete => false,
        };
        let (template, revision) = if below_partition {
            (&self.revisions.current_template, &self.revisions.current)
        } else {
            (
                &self
                    .set
                    .spec
                    .as_ref()
                    .map(|s| s.template.clone())
                    .unwrap_or_default(),
                &self.revisions.update,
            )
        };
        let mut pod = new_pod(self.set, template, ordinal);
        pod.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert(REVISION_HASH.into(), revision.clone());
        let pod_name = pod.name_any().to_string();
        if let Err(e) = self.create_claims(api, &pod_name, ordinal, progress) {
            self.pod_event(api, "create", &pod_name, Err(e));
            return false;
        }
        match api.create_pod(pod, self.now) {
            Ok(_) => {
                *progress = Progress::Changed;
                self.pod_event(api, "create", &pod_name, Ok(()));
                true
            }
            // kube sinks AlreadyExists (a pod of that name it does not own) silently;
            // another refusal is retried at the next settle.
            Err(crate::apiserver::ApiError::AlreadyExists { .. }) => false,
            Err(e) => {
                self.pod_event(api, "create", &pod_name, Err(e.status_message()));
                false
            }
        }
    }

    /// `createPersistentVolumeClaims`: each missing claim of the pod made, owned by the
    /// set when the set's deletion takes them (whenDeleted: Delete); a scaled-down pod's
    /// claims are owned by the pod when whenScaled is Delete.
    fn create_claims(
        &self,
        api: &mut ApiServer,
        pod_name: &str,
        ordinal: i32,
        progress: &mut Progress,
    ) -> Result<(), String> {
        let ns = self.set.namespace_any().to_string();
        let delete_with_set = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref())
            .and_then(|p| p.when_deleted.as_deref())
            == Some("Delete");
        let mut failed = Vec::new();
        for (_, mut claim) in claims_for(self.set, ordinal) {
            if api
                .persistent_volume_claims
                .get(&ns, claim.name_any())
                .is_some()
            {
                continue;
            }
            if delete_with_set {
                claim.metadata.owner_references = Some(vec![OwnerReference {
                    controller: None,
                    block_owner_deletion: None,
                    ..controller_ref("apps/v1", "StatefulSet", &self.set.metadata)
                }]);
            }
            let claim_name = claim.name_any().to_string();
            // A refused create is retried at the next settle, not spun on (kube's work
            // queue backs off).
            let (reason, message) = match api.create_persistent_volume_claim(claim, self.now) {
                Ok(_) => {
                    *progress = Progress::Changed;
                    (
                        "SuccessfulCreate",
                        format!(
                            "create Claim {claim_name} Pod {pod_name} in StatefulSet {} success",
                            self.set.name_any()
                        ),
                    )
                }
                Err(e) => {
                    let message = format!(
                        "create Claim {claim_name} for Pod {pod_name} in StatefulSet {} failed error: {}",
                        self.set.name_any(),
                        e.status_message()
                    );
                    failed.push(format!(
                        "Failed to create PVC {claim_name}: {}",
                        e.status_message()
                    ));
                    ("FailedCreate", message)
                }
            };
            let warning = reason.starts_with("Failed");
            self.owner.event(api, reason, message, warning, self.now);
        }
        // errorutils.NewAggregate: one error as it is, several as `[a, b]`.
        match failed.as_slice() {
            [] => Ok(()),
            [one] => Err(one.clone()),
            many => Err(format!("[{}]", many.join(", "))),
        }
    }

    /// `updateClaimOwnerRefForSetAndPod` for a condemned pod: with whenScaled Delete its
    /// claims are owned by the pod (and no longer by the set), so the garbage
    /// collector deletes them after it.
    fn claims_follow_pod(&self, api: &mut ApiServer, ordinal: i32, pod: &Pod) -> Progress {
        let when_scaled = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref())
            .and_then(|p| p.when_scaled.as_deref());
        if when_scaled != Some("Delete") {
            return Progress::Idle;
        }
        let ns = self.set.namespace_any().to_string();
        let set_uid = self.set.uid_any().to_string();
        let pod_ref = OwnerReference {
            api_version: "v1".into(),
            kind: "Pod".into(),
            name: pod.name_any().to_string(),
            uid: pod.uid_any().to_string(),
            controller: None,
            block_owner_deletion: None,
        };
        let mut progress = Progress::Idle;
        for (_, claim) in claims_for(self.set, ordinal) {
            let Some(mut stored) = api
                .persistent_volume_claims
                .get(&ns, claim.name_any())
                .cloned()
            else {
                continue;
            };
            let refs = stored
                .metadata
                .owner_references
                .get_or_insert_with(Vec::new);
            let before = refs.clone();
            refs.retain(|r| r.uid != set_uid);
            if !refs.iter().any(|r| r.uid == pod_ref.uid) {
                refs.push(pod_ref.clone());
            }
            if *refs != before {
                progress |=
                    Progress::changed_if(api.update_persistent_volume_claim(stored).is_ok());
            }
        }
        progress
    }

    /// `DeleteStatefulPod`: a graceful delete and its event.
    fn delete(&self, api: &mut ApiServer, pod: &Pod) -> Progress {
        let (ns, name) = (pod.namespace_any(), pod.name_any().to_string());
        let result = api
            .delete_pod_gracefully(ns, &name, None, self.now)
            .map(|_| ())
            .map_err(|e| e.status_message());
        let ok = result.is_ok();
        self.pod_event(api, "delete", &name, result);
        Progress::changed_if(ok)
    }

    /// `recordPodEvent`.
    fn pod_event(&self, api: &mut ApiServer, verb: &str, pod: &str, result: Result<(), String>) {
        let set = self.set.name_any();
        let title = if verb == "create" { "Create" } else { "Delete" };
        match result {
            Ok(()) => self.owner.event(
                api,
                &format!("Successful{title}"),
                format!("{verb} Pod {pod} in StatefulSet {set} successful"),
                false,
                self.now,
            ),
            Err(e) => self.owner.event(
                api,
                &format!("Failed{title}"),
                format!("{verb} Pod {pod} in StatefulSet {set} failed error: {e}"),
                true,
                self.now,
            ),
        }
    }
}

/// `getStatefulSetRevisions`, with the orphan revisions the selector matches adopted.
fn revisions(
    api: &mut ApiServer,
    set: &StatefulSet,
    selector: &Selector,
    now: SimTime,
    progress: &mut Progress,
) -> Revisions {
    let ns = set.namespace_any().to_string();
    let uid = set.uid_any().to_string();
    let template = set
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let patch = template_patch(&template);
    let mut all: Vec<ControllerRevision> = Vec::new();
    let listed: Vec<ControllerRevision> = api
        .controller_revisions
        .list_namespace(&ns)
        .cloned()
        .collect();
    for mut cr in listed {
        match controller_of(&cr.metadata).map(|r| r.uid == uid) {
            Some(true) => all.push(cr),
            None if set.metadata.deletion_timestamp.is_none()
                && selector.matches(cr.metadata.labels.as_ref()) =>
            {
                cr.metadata
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(controller_ref("apps/v1", "StatefulSet", &set.metadata));
                if let Ok(c) = api.update_controller_revision(cr) {
                    all.push(c.clone());
                    *progress = Progress::Changed;
                }
            }
            _ => {}
        }
    }
    crate::sort::sort_by_key(&mut all, |c| (c.revision, c.name_any().to_string()));
    let status = set.status.clone().unwrap_or_default();
    let collision_count = status.collision_count.unwrap_or(0);
    let next = all.last().map_or(0, |c| c.revision) + 1;
    let equal = all
        .iter()
        .rposition(|c| c.data.as_ref().map(|d| &d.0) == Some(&patch));
    let update = match equal {
        Some(i) if i + 1 == all.len() => all[i].name_any().to_string(),
        Some(i) => {
            let mut cr = all[i].clone();
            cr.revision = next;
            if let Ok(c) = api.update_controller_revision(cr) {
                all[i] = c.clone();
                *progress = Progress::Changed;
            }
            all[i].name_any().to_string()
        }
        None => {
            let hash = super::deployment_util::pod_template_hash(&template, Some(collision_count));
            let mut labels = template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            labels.insert(REVISION_HASH.into(), hash.clone());
            let cr = ControllerRevision {
                metadata: ObjectMeta {
                    name: Some(format!("{}-{hash}", set.name_any())),
                    namespace: Some(ns.clone()),
                    labels: Some(labels),
                    annotations: set.metadata.annotations.clone(),
                    owner_references: Some(vec![controller_ref(
                        "apps/v1",
                        "StatefulSet",
                        &set.metadata,
                    )]),
                    ..Default::default()
                },
                data: Some(RawExtension(patch)),
                revision: next,
            };
            let name = cr.name_any().to_string();
            if let Ok(c) = api.create_controller_revision(cr, now) {
                all.push(c.clone());
                *progress = Progress::Changed;
            }
            name
        }
    };
    let current = status
        .current_revision
        .filter(|c| all.iter().any(|r| r.name_any() == c.as_str()))
        .unwrap_or_else(|| update.clone());
    let current_template = all
        .iter()
        .find(|r| r.name_any() == current.as_str())
        .and_then(revision_template)
        .unwrap_or(template);
    Revisions {
        current,
        update,
        current_template,
        collision_count,
        all,
    }
}

/// `truncateHistory`: the revisions no pod runs and neither status revision names,
/// beyond revisionHistoryLimit, oldest first.
fn truncate_history(
    api: &mut ApiServer,
    set: &StatefulSet,
    pods: &[Pod],
    revisions: &Revisions,
) -> Progress {
    let limit = set
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0);
    let live = |name: &str| {
        name == revisions.current
            || name == revisions.update
            || pods.iter().any(|p| revision_of(p) == Some(name))
    };
    let history: Vec<&ControllerRevision> = revisions
        .all
        .iter()
        .filter(|r| !live(r.name_any()))
        .collect();
    let excess = history
        .len()
        .saturating_sub(usize::try_from(limit).unwrap_or(0));
    let mut progress = Progress::Idle;
    for cr in history.into_iter().take(excess) {
        let removed = api.remove_object("controllerrevisions", cr.namespace_any(), cr.name_any());
        progress |= Progress::changed_if(removed.is_ok());
    }
    progress
}

#[cfg(test)]
#[path = "statefulset_tests.rs"]
mod tests;
