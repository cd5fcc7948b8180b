//! The Deployment controller (kube-controller-manager's deployment-controller,
//! pkg/controller/deployment). For each Deployment, as `syncDeployment`:
//! - the ReplicaSets of its namespace are claimed as the ControllerRefManager does (its
//!   own kept, an orphan its selector matches adopted);
//! - the new ReplicaSet is the one whose template equals the Deployment's but for the
//!   `pod-template-hash` label (`FindNewReplicaSet`); when a rollout needs one and none
//!   exists it is created as `getNewReplicaSet` does: named `<deployment>-<hash>`, the
//!   hash label added to its selector and template, the Deployment's annotations copied
//!   with `deployment.kubernetes.io/revision` (the old ones' highest plus one),
//!   `desired-replicas` and `max-replicas`, and a controller ownerReference;
//! - a paused Deployment, or one whose size changed (`isScalingEvent`), is only scaled
//!   (`sync`); otherwise the strategy rolls it: `RollingUpdate` scales the new set up to
//!   at most replicas + maxSurge pods and the old ones down while at least replicas −
//!   maxUnavailable stay available (`rolloutRolling`); `Recreate` scales the old sets to
//!   zero, waits for their pods to be gone, then scales the new one up;
//! - every size change is a `ScalingReplicaSet` event (`Scaled up replica set X from 0
//!   to 3`); a complete Deployment's old sets of zero replicas beyond
//!   revisionHistoryLimit are deleted (`cleanupDeployment`);
//! - the status (`calculateStatus`) and the `Available` and `Progressing` conditions
//!   are written with kube's reasons and messages; a rollout that makes no progress
//!   for progressDeadlineSeconds gets `ProgressDeadlineExceeded`.
//!
//! A size change in the middle of a rollout is shared among the active ReplicaSets
//! proportionally (`scale`), as kube does.
//!
//! Not done here: the deprecated rollback annotation, and hash collisions
//! (collisionCount).

use super::deployment_util::*;
use super::replicaset::{controller_of, controller_ref};
use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{ApiServer, EventRecord, Propagation, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{Deployment, ReplicaSet, ResourceExt};
use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentStatus, ReplicaSetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

/// The component that writes its events.
const COMPONENT: &str = "deployment-controller";

#[derive(Debug, Clone, Default)]
pub struct DeploymentController {
    /// When a progressing Deployment's deadline next runs out, if one may.
    queue: WorkQueue,
}

impl SyncHandler for DeploymentController {
    type Object = Deployment;

    fn store(api: &ApiServer) -> &Store<Deployment> {
        &api.deployments
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        let Some(d) = api.deployments.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let mut sync = Sync {
            api,
            now,
            d,
            progress: Progress::Idle,
        };
        sync.run();
        let (deadline, progress) = (sync.deadline(), sync.progress);
        if let Some(at) = deadline {
            self.requeue_at(at);
        }
        progress
    }
}

/// One Deployment's sync.
struct Sync<'a> {
    api: &'a mut ApiServer,
    now: SimTime,
    d: Deployment,
    progress: Progress,
}

impl Sync<'_> {
    fn ns(&self) -> String {
        self.d.namespace_any().to_string()
    }

    fn run(&mut self) {
        let spec = self.d.spec.clone().unwrap_or_default();
        let Ok(selector) = Selector::from_label_selector(&spec.selector) else {
            return;
        };
        if self.d.metadata.deletion_timestamp.is_some() {
            let (new, old) = self.split(&selector, false);
            self.sync_status(&new, &old);
            return;
        }
        if selector.is_empty() {
            // kube records a `SelectingAll` warning on every sync; apps/v1's validation
            // refuses an empty selector, so none is stored here.
            return;
        }
        self.check_paused_conditions(spec.paused == Some(true));
        if spec.paused == Some(true) || self.is_scaling_event(&selector) {
            let (new, old) = self.split(&selector, false);
            self.scale(new.as_ref(), &old);
            let (new, old) = self.split(&selector, false);
            if spec.paused == Some(true) {
                self.cleanup(&old);
            }
            self.sync_status(&new, &old);
            return;
        }
        let recreate = spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("Recreate");
        if recreate {
            self.rollout_recreate(&selector);
        } else {
            self.rollout_rolling(&selector);
        }
    }

    /// The ReplicaSets it controls (adopting orphans its selector matches), oldest
    /// first.
    fn claim(&mut self, selector: &Selector) -> Vec<ReplicaSet> {
        let uid = self.d.uid_any().to_string();
        let ns = self.ns();
        let candidates: Vec<ReplicaSet> =
            self.api.replica_sets.list_namespace(&ns).cloned().collect();
        let mut owned = Vec::new();
        for mut rs in candidates {
            match controller_of(&rs.metadata).map(|r| r.uid == uid) {
                Some(true) => owned.push(rs),
                Some(false) => {}
                None => {
                    if rs.metadata.deletion_timestamp.is_none()
                        && selector.matches(rs.metadata.labels.as_ref())
                    {
                        rs.metadata
                            .owner_references
                            .get_or_insert_with(Vec::new)
                            .push(controller_ref("apps/v1", "Deployment", &self.d.metadata));
                        if let Ok(rs) = self.api.update_replica_set(rs) {
                            owned.push(rs.clone());
                            self.progress = Progress::Changed;
                        }
                    }
                }
            }
        }
        crate::sort::sort_by(&mut owned, |a, b| created(a).cmp(&created(b)));
        owned
    }

    /// The new ReplicaSet (created when `create` and missing) and the old ones.
    fn split(
        &mut self,
        selector: &Selector,
        create: bool,
    ) -> (Option<ReplicaSet>, Vec<ReplicaSet>) {
        let all = self.claim(selector);
        let template = without_hash(self.d.spec.as_ref().map(|s| &s.template));
        let new_pos = all.iter().position(|rs| {
            without_hash(rs.spec.as_ref().and_then(|s| s.template.as_ref())) == template
        });
        let mut old = all.clone();
        let new = new_pos.map(|i| old.remove(i));
        let max_old = old.iter().map(revision).max().unwrap_or(0);
        let new = self.new_replica_set(new, &old, max_old + 1, create);
        (new, old)
    }

    /// `getNewReplicaSet`.
    fn new_replica_set(
        &mut self,
        existing: Option<ReplicaSet>,
        old: &[ReplicaSet],
        new_revision: i64,
        create: bool,
    ) -> Option<ReplicaSet> {
        let ns = self.ns();
        let min_ready = self.d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        if let Some(rs) = existing {
            let mut copy = rs.clone();
            let mut changed = self.set_new_annotations(&mut copy, new_revision, true);
            let spec = copy.spec.get_or_insert_with(Default::default);
            if spec.min_ready_seconds != min_ready {
                spec.min_ready_seconds = min_ready;
                changed = true;
            }
            let copy = if changed {
                match self.api.update_workload_by_user(copy) {
                    Ok(rs) => {
                        self.progress = Progress::Changed;
                        rs.clone()
                    }
                    Err(_) => rs,
                }
            } else {
                rs
            };
            let mut d_changed = self.set_deployment_revision(&revision(&copy).to_string());
            let mut status = self.d.status.clone().unwrap_or_default();
            if self.has_deadline() && get_condition(&status, "Progressing").is_none() {
                let message = format!("Found new replica set {:?}", copy.name_any());
                set_condition(
                    &mut status,
                    condition(
                        "Progressing",
                        "True",
                        "FoundNewReplicaSet",
                        message,
                        self.now,
                    ),
                );
                self.d.status = Some(status);
                d_changed = true;
            }
            if d_changed {
                self.write_deployment();
            }
            return Some(copy);
        }
        if !create {
            return None;
        }
        let template = self
            .d
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default();
        let collision = self.d.status.as_ref().and_then(|s| s.collision_count);
        let hash = pod_template_hash(&template, collision);
        let mut new_template = template;
        new_template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut selector: LabelSelector = self
            .d
            .spec
            .as_ref()
            .map(|s| s.selector.clone())
            .unwrap_or_default();
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let name = format!("{}-{hash}", self.d.name_any());
        let replicas = self.new_rs_replicas(old, None);
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                labels: new_template
                    .metadata
                    .as_ref()
                    .and_then(|m| m.labels.clone()),
                owner_references: Some(vec![controller_ref(
                    "apps/v1",
                    "Deployment",
                    &self.d.metadata,
                )]),
                ..Default::default()
            },
            spec: Some(ReplicaSetSpec {
                replicas: Some(replicas),
                min_ready_seconds: min_ready,
                selector,
                template: Some(new_template),
            }),
            status: None,
        };
        self.set_new_annotations(&mut rs, new_revision, false);
        let created = match self.api.create_workload(rs, self.now) {
            Ok(rs) => rs.clone(),
            Err(e) => {
                let message = format!(
                    "Failed to create new replica set {name:?}: {}",
                    e.status_message()
                );
                self.event("FailedCreate", message.clone(), true);
                let mut status = self.d.status.clone().unwrap_or_default();
                set_condition(
                    &mut status,
                    condition(
                        "Progressing",
                        "False",
                        "ReplicaSetCreateError",
                        message,
                        self.now,
                    ),
                );
                self.d.status = Some(status);
                self.write_deployment();
                return None;
            }
        };
        self.progress = Progress::Changed;
        if replicas > 0 {
            self.event(
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {replicas}"),
                false,
            );
        }
        self.set_deployment_revision(&new_revision.to_string());
        if self.has_deadline() {
            let mut status = self.d.status.clone().unwrap_or_default();
            let message = format!("Created new replica set {name:?}");
            set_condition(
                &mut status,
                condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetCreated",
                    message,
                    self.now,
                ),
            );
            self.d.status = Some(status);
        }
        self.write_deployment();
        Some(created)
    }

    /// `SetNewReplicaSetAnnotations`: the Deployment's annotations, the revision, and
    /// (unless `exists` and they are already right) desired-replicas and max-replicas.
    fn set_new_annotations(&self, rs: &mut ReplicaSet, new_revision: i64, exists: bool) -> bool {
        let mut annotations = rs.metadata.annotations.clone().unwrap_or_default();
        for (k, v) in self.d.annotations() {
            if !skip_copy_annotation(k) {
                annotations.insert(k.clone(), v.clone());
            }
        }
        let old_revision: i64 = annotations
            .get(REVISION)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        if old_revision < new_revision {
            annotations.insert(REVISION.into(), new_revision.to_string());
        }
        if !exists {
            let (surge, _) = fenceposts(&self.d);
            let replicas = replicas_of(&self.d);
            annotations.insert(DESIRED_REPLICAS.into(), replicas.to_string());
            annotations.insert(MAX_REPLICAS.into(), (replicas + surge).to_string());
        }
        let changed = rs.metadata.annotations.as_ref() != Some(&annotations);
        rs.metadata.annotations = Some(annotations);
        changed
    }

    /// `SetDeploymentRevision`.
    fn set_deployment_revision(&mut self, rev: &str) -> bool {
        let annotations = self
            .d
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new);
        if annotations.get(REVISION).map(String::as_str) == Some(rev) {
            return false;
        }
        annotations.insert(REVISION.into(), rev.into());
        true
    }

    fn has_deadline(&self) -> bool {
        self.d
            .spec
            .as_ref()
            .and_then(|s| s.progress_deadline_seconds)
            .is_some_and(|s| s != i32::MAX)
    }

    /// Writes the Deployment's metadata and status (the controller's UpdateStatus).
    fn write_deployment(&mut self) {
        let (ns, name) = (self.ns(), self.d.name_any().to_string());
        let Some(current) = self.api.deployments.get(&ns, &name) else {
            return;
        };
        if current.metadata.annotations == self.d.metadata.annotations
            && current.status == self.d.status
        {
            return;
        }
        let mut updated = current.clone();
        updated.metadata.annotations = self.d.metadata.annotations.clone();
        updated.status = self.d.status.clone();
        if let Ok(d) = self.api.update_deployment(updated) {
            self.d = d.clone();
            self.progress = Progress::Changed;
        }
    }

    /// `NewRSNewReplicas`.
    fn new_rs_replicas(&self, all: &[ReplicaSet], new: Option<&ReplicaSet>) -> i32 {
        let replicas = replicas_of(&self.d);
        let recreate = self
            .d
            .spec
            .as_ref()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.type_.as_deref())
            == Some("Recreate");
        if recreate {
            return replicas;
        }
        let new_replicas = new.map_or(0, rs_replicas);
        let (surge, _) = fenceposts(&self.d);
        let current: i32 = all.iter().map(rs_replicas).sum();
        let max_total = replicas + surge;
        if current >= max_total {
            return new_replicas;
        }
        new_replicas + (max_total - current).min(replicas - new_replicas).max(0)
    }

    /// `scaleReplicaSet`: the size and the replicas annotations.
    fn scale_replica_set(&mut self, rs: &ReplicaSet, to: i32) -> bool {
        let from = rs_replicas(rs);
        let (surge, _) = fenceposts(&self.d);
        let replicas = replicas_of(&self.d);
        let mut copy = rs.clone();
        let annotations = copy.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let desired = replicas.to_string();
        let max = (replicas + surge).to_string();
        let annotations_changed = annotations.get(DESIRED_REPLICAS) != Some(&desired)
            || annotations.get(MAX_REPLICAS) != Some(&max);
        annotations.insert(DESIRED_REPLICAS.into(), desired);
        annotations.insert(MAX_REPLICAS.into(), max);
        if from == to && !annotations_changed {
            return false;
        }
        copy.spec.get_or_insert_with(Default::default).replicas = Some(to);
        if self.api.update_workload_by_user(copy).is_err() {
            return false;
        }
        self.progress = Progress::Changed;
        if from != to {
            let op = if from < to { "up" } else { "down" };
            let message = format!(
                "Scaled {op} replica set {} from {from} to {to}",
                rs.name_any()
            );
            self.event("ScalingReplicaSet", message, false);
        }
        from != to
    }

    /// `isScalingEvent`: an active ReplicaSet's desired-replicas differs from the
    /// Deployment's replicas.
    fn is_scaling_event(&mut self, selector: &Selector) -> bool {
        let all = self.claim(selector);
        let replicas = replicas_of(&self.d).to_string();
        all.iter().filter(|rs| rs_replicas(rs) > 0).any(|rs| {
            rs.annotations()
                .get(DESIRED_REPLICAS)
                .is_some_and(|d| *d != replicas)
        })
    }

    /// `scale`, without proportional scaling: the only active (or the newest) set gets
    /// the replicas; a saturated new set lets the old ones go to zero.
    fn scale(&mut self, new: Option<&ReplicaSet>, old: &[ReplicaSet]) {
        let replicas = replicas_of(&self.d);
        let active: Vec<&ReplicaSet> = new
            .into_iter()
            .chain(old.iter())
            .filter(|rs| rs_replicas(rs) > 0)
            .collect();
        let target = match active.as_slice() {
            [one] => Some((*one).clone()),
            [] => new.cloned().or_else(|| {
                let mut newest: Vec<&ReplicaSet> = old.iter().collect();
                crate::sort::sort_by(&mut newest, |a, b| created(b).cmp(&created(a)));
                newest.first().map(|rs| (*rs).clone())
            }),
            _ => None,
        };
        if let Some(rs) = target {
            self.scale_replica_set(&rs, replicas);
            return;
        }
        if let Some(n) = new {
            if rs_replicas(n) == replicas && rs_status(n).2 == replicas {
                for rs in old.iter().filter(|rs| rs_replicas(rs) > 0) {
                    self.scale_replica_set(rs, 0);
                }
                return;
            }
        }
        let rolling = self
            .d
            .spec
            .as_ref()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.type_.as_deref())
            != Some("Recreate");
        if rolling {
            let active: Vec<ReplicaSet> = active.into_iter().cloned().collect();
            self.scale_proportionally(active);
        }
    }

    /// `scale`'s proportional part: the replicas added (or removed) beyond replicas +
    /// maxSurge shared among the active ReplicaSets by their size against the
    /// max-replicas they were annotated with, the leftover to the first (largest).
    fn scale_proportionally(&mut self, mut active: Vec<ReplicaSet>) {
        let replicas = replicas_of(&self.d);
        let (surge, _) = fenceposts(&self.d);
        let current: i32 = active.iter().map(rs_replicas).sum();
        let allowed = if replicas > 0 { replicas + surge } else { 0 };
        let to_add = allowed - current;
        if to_add == 0 {
            return;
        }
        // Larger first; among equals, newer first when adding, older when removing.
        crate::sort::sort_by(&mut active, |a, b| {
            let by_size = rs_replicas(b).cmp(&rs_replicas(a));
            if to_add > 0 {
                by_size.then(created(b).cmp(&created(a)))
            } else {
                by_size.then(created(a).cmp(&created(b)))
            }
        });
        let status_replicas = self.d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0);
        let mut added = 0;
        let mut sizes: Vec<i32> = Vec::new();
        for rs in &active {
            let size = rs_replicas(rs);
            // getReplicaSetFraction
            let fraction = if replicas == 0 {
                -size
            } else {
                let annotated = rs
                    .annotations()
                    .get(MAX_REPLICAS)
                    .and_then(|m| m.parse::<i32>().ok())
                    .unwrap_or(status_replicas);
                if annotated == 0 {
                    0
                } else {
                    let scaled = f64::from(size) * f64::from(allowed) / f64::from(annotated);
                    // Go's math.Round: halves away from zero.
                    scaled.round() as i32 - size
                }
            };
            let left = to_add - added;
            let proportion = if left == 0 || size == 0 {
                0
            } else if to_add > 0 {
                fraction.min(left)
            } else {
                fraction.max(left)
            };
            sizes.push(size + proportion);
            added += proportion;
        }
        if let Some(first) = sizes.first_mut() {
            *first = (*first + to_add - added).max(0);
        }
        for (rs, size) in active.iter().zip(sizes) {
            self.scale_replica_set(rs, size);
        }
    }

    /// `rolloutRolling`.
    fn rollout_rolling(&mut self, selector: &Selector) {
        let (new, old) = self.split(selector, true);
        let all: Vec<ReplicaSet> = old.iter().cloned().chain(new.clone()).collect();
        if let Some(n) = &new {
            let replicas = replicas_of(&self.d);
            let current = rs_replicas(n);
            let to = if current > replicas {
                Some(replicas)
            } else if current < replicas {
                Some(self.new_rs_replicas(&all, Some(n)))
            } else {
                None
            };
            if let Some(to) = to {
                if to != current && self.scale_replica_set(n, to) {
                    let (new, old) = self.split(selector, false);
                    return self.sync_rollout_status(&new, &old);
                }
            }
        }
        if self.reconcile_old(new.as_ref(), &old) {
            let (new, old) = self.split(selector, false);
            return self.sync_rollout_status(&new, &old);
        }
        let (new, old) = self.split(selector, false);
        if self.complete(&self.calculate_status(&new, &old)) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(&new, &old);
    }

    /// `reconcileOldReplicaSets`.
    fn reconcile_old(&mut self, new: Option<&ReplicaSet>, old: &[ReplicaSet]) -> bool {
        let old_count: i32 = old.iter().map(rs_replicas).sum();
        if old_count == 0 {
            return false;
        }
        let all_count = old_count + new.map_or(0, rs_replicas);
        let min_available = replicas_of(&self.d) - max_unavailable(&self.d);
        let new_unavailable = new.map_or(0, |n| rs_replicas(n) - rs_status(n).2);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        // cleanupUnhealthyReplicas: old sets' unavailable pods first.
        let mut cleaned = 0;
        let mut old: Vec<ReplicaSet> = old.to_vec();
        for rs in &mut old {
            if cleaned >= max_scaled_down {
                break;
            }
            let (spec, avail) = (rs_replicas(rs), rs_status(rs).2);
            if spec == 0 || spec == avail {
                continue;
            }
            let count = (max_scaled_down - cleaned).min(spec - avail);
            if count <= 0 {
                continue;
            }
            self.scale_replica_set(rs, spec - count);
            rs.spec.get_or_insert_with(Default::default).replicas = Some(spec - count);
            cleaned += count;
        }
        // scaleDownOldReplicaSetsForRollingUpdate: while enough stay available.
        let available: i32 = old.iter().chain(new).map(|rs| rs_status(rs).2).sum();
        let mut scaled = 0;
        if available > min_available {
            let total = available - min_available;
            for rs in &old {
                if scaled >= total {
                    break;
                }
                let spec = rs_replicas(rs);
                if spec == 0 {
                    continue;
                }
                let count = spec.min(total - scaled);
                self.scale_replica_set(rs, spec - count);
                scaled += count;
            }
        }
        cleaned + scaled > 0
    }

    /// `rolloutRecreate`.
    fn rollout_recreate(&mut self, selector: &Selector) {
        let (new, old) = self.split(selector, false);
        let mut scaled_down = false;
        for rs in old.iter().filter(|rs| rs_replicas(rs) > 0) {
            scaled_down |= self.scale_replica_set(rs, 0);
        }
        if scaled_down {
            let (new, old) = self.split(selector, false);
            return self.sync_rollout_status(&new, &old);
        }
        if self.old_pods_running(new.as_ref(), &old) {
            return self.sync_rollout_status(&new, &old);
        }
        let new = match new {
            Some(n) => Some(n),
            None => self.split(selector, true).0,
        };
        if let Some(n) = &new {
            self.scale_replica_set(n, replicas_of(&self.d));
        }
        let (new, old) = self.split(selector, false);
        if self.complete(&self.calculate_status(&new, &old)) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(&new, &old);
    }

    /// `oldPodsRunning`: an old set still has pods (terminating ones too) that have
    /// not finished.
    fn old_pods_running(&self, new: Option<&ReplicaSet>, old: &[ReplicaSet]) -> bool {
        if old.iter().map(|rs| rs_status(rs).0).sum::<i32>() > 0 {
            return true;
        }
        let new_uid = new.map(|n| n.uid_any().to_string());
        let old_uids: Vec<String> = old.iter().map(|rs| rs.uid_any().to_string()).collect();
        self.api.pods.list_namespace(&self.ns()).any(|p| {
            let Some(owner) = controller_of(&p.metadata) else {
                return false;
            };
            if Some(&owner.uid) == new_uid.as_ref() || !old_uids.contains(&owner.uid) {
                return false;
            }
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Failed" | "Succeeded"))
        })
    }

    /// `cleanupDeployment`: the oldest old sets beyond revisionHistoryLimit, if empty.
    fn cleanup(&mut self, old: &[ReplicaSet]) {
        let Some(limit) = self.d.spec.as_ref().and_then(|s| s.revision_history_limit) else {
            return;
        };
        let mut cleanable: Vec<&ReplicaSet> = old
            .iter()
            .filter(|rs| rs.metadata.deletion_timestamp.is_none())
            .collect();
        let diff = i32::try_from(cleanable.len()).unwrap_or(i32::MAX) - limit;
        if diff <= 0 {
            return;
        }
        crate::sort::sort_by(&mut cleanable, |a, b| {
            revision(a)
                .cmp(&revision(b))
                .then(created(a).cmp(&created(b)))
        });
        let ns = self.ns();
        for rs in cleanable
            .into_iter()
            .take(usize::try_from(diff).unwrap_or(0))
        {
            let observed = rs.status.as_ref().and_then(|s| s.observed_generation);
            if rs_status(rs).0 != 0 || rs_replicas(rs) != 0 || rs.metadata.generation > observed {
                continue;
            }
            let name = rs.name_any().to_string();
            if self
                .api
                .delete_propagating("replicasets", &ns, &name, Propagation::Background, self.now)
                .is_ok()
            {
                self.progress = Progress::Changed;
            }
        }
    }

    /// `calculateStatus`.
    fn calculate_status(&self, new: &Option<ReplicaSet>, old: &[ReplicaSet]) -> DeploymentStatus {
        let all: Vec<&ReplicaSet> = old.iter().chain(new.as_ref()).collect();
        let available: i32 = all.iter().map(|rs| rs_status(rs).2).sum();
        let total: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
        let unavailable = (total - available).max(0);
        let some = |n: i32| (n != 0).then_some(n);
        let current = self.d.status.clone().unwrap_or_default();
        let mut status = DeploymentStatus {
            observed_generation: self.d.metadata.generation,
            replicas: some(all.iter().map(|rs| rs_status(rs).0).sum()),
            updated_replicas: some(new.as_ref().map_or(0, |n| rs_status(n).0)),
            ready_replicas: some(all.iter().map(|rs| rs_status(rs).1).sum()),
            available_replicas: some(available),
            unavailable_replicas: some(unavailable),
            collision_count: current.collision_count,
            conditions: current.conditions.clone(),
            ..Default::default()
        };
        let c = if available >= replicas_of(&self.d) - max_unavailable(&self.d) {
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
                self.now,
            )
        } else {
            condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
                self.now,
            )
        };
        set_condition(&mut status, c);
        status
    }

    /// `DeploymentComplete`.
    fn complete(&self, s: &DeploymentStatus) -> bool {
        let r = replicas_of(&self.d);
        s.updated_replicas.unwrap_or(0) == r
            && s.replicas.unwrap_or(0) == r
            && s.available_replicas.unwrap_or(0) == r
            && s.observed_generation >= self.d.metadata.generation
    }

    /// `syncDeploymentStatus`.
    fn sync_status(&mut self, new: &Option<ReplicaSet>, old: &[ReplicaSet]) {
        let status = self.calculate_status(new, old);
        self.d.status = Some(status);
        self.write_deployment();
    }

    /// `syncRolloutStatus`: the status and the Progressing condition.
    fn sync_rollout_status(&mut self, new: &Option<ReplicaSet>, old: &[ReplicaSet]) {
        let mut status = self.calculate_status(new, old);
        if !self.has_deadline() {
            remove_condition(&mut status, "Progressing");
        }
        let current = get_condition(&status, "Progressing").cloned();
        let complete_already = status.replicas == status.updated_replicas
            && current.as_ref().and_then(|c| c.reason.as_deref()) == Some("NewReplicaSetAvailable");
        if self.has_deadline() && !complete_already {
            let what = match new {
                Some(n) => format!("ReplicaSet {:?}", n.name_any()),
                None => format!("Deployment {:?}", self.d.name_any()),
            };
            let previous = self.d.status.clone().unwrap_or_default();
            if self.complete(&status) {
                set_condition(
                    &mut status,
                    condition(
                        "Progressing",
                        "True",
                        "NewReplicaSetAvailable",
                        format!("{what} has successfully progressed."),
                        self.now,
                    ),
                );
            } else if progressing(&previous, &status) {
                let mut c = condition(
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    format!("{what} is progressing."),
                    self.now,
                );
                if let Some(cur) = current.as_ref().filter(|c| c.status == "True") {
                    c.last_transition_time = cur.last_transition_time.clone();
                }
                remove_condition(&mut status, "Progressing");
                set_condition(&mut status, c);
            } else if self.timed_out(current.as_ref()) {
                set_condition(
                    &mut status,
                    condition(
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        format!("{what} has timed out progressing."),
                        self.now,
                    ),
                );
            }
        }
        self.d.status = Some(status);
        self.write_deployment();
    }

    /// `DeploymentTimedOut`.
    fn timed_out(&self, c: Option<&DeploymentCondition>) -> bool {
        let Some(c) = c else { return false };
        match c.reason.as_deref() {
            Some("NewReplicaSetAvailable") => false,
            Some("ProgressDeadlineExceeded") => true,
            _ => self.deadline_of(c).is_some_and(|at| at < self.now),
        }
    }

    fn deadline_of(&self, c: &DeploymentCondition) -> Option<SimTime> {
        let secs = self.d.spec.as_ref()?.progress_deadline_seconds?;
        let from = c.last_update_time.as_ref().map(SimTime::from_time)?;
        Some(from.plus_ms(u64::try_from(secs).ok()? * 1000))
    }

    /// When this Deployment should be looked at again for its deadline
    /// (`requeueStuckDeployment`), if it is still progressing.
    fn deadline(&self) -> Option<SimTime> {
        if !self.has_deadline() || self.d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
            return None;
        }
        let status = self.d.status.as_ref()?;
        let c = get_condition(status, "Progressing")?;
        if matches!(
            c.reason.as_deref(),
            Some("NewReplicaSetAvailable" | "ProgressDeadlineExceeded")
        ) {
            return None;
        }
        if self.complete(status) {
            return None;
        }
        Some(self.deadline_of(c)?.plus_ms(1000))
    }

    /// `checkPausedConditions`.
    fn check_paused_conditions(&mut self, paused: bool) {
        if !self.has_deadline() {
            return;
        }
        let mut status = self.d.status.clone().unwrap_or_default();
        let current = get_condition(&status, "Progressing");
        if current.is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded")) {
            return;
        }
        let paused_now = current.is_some_and(|c| c.reason.as_deref() == Some("DeploymentPaused"));
        let c = if paused && !paused_now {
            condition(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".into(),
                self.now,
            )
        } else if !paused && paused_now {
            condition(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed".into(),
                self.now,
            )
        } else {
            return;
        };
        set_condition(&mut status, c);
        self.d.status = Some(status);
        self.write_deployment();
    }

    fn event(&mut self, reason: &str, message: String, warning: bool) {
        let d = self.d.clone();
        self.api.record_event(
            EventRecord {
                object_kind: "Deployment",
                namespace: d.namespace_any(),
                object_name: d.name_any(),
                object_uid: d.uid_any(),
                reason,
                message,
                warning,
                component: COMPONENT,
                host: None,
                field_path: None,
            },
            self.now,
        );
        self.progress = Progress::Changed;
    }
}

#[cfg(test)]
#[path = "deployment_tests.rs"]
mod tests;
