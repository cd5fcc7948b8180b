//! The Job controller (kube-controller-manager's job-controller, pkg/controller/job),
//! with the TTL-after-finished controller's one step for Jobs. For each Job, as
//! `syncJob`:
//! - its pods are those it controls (an orphan its selector matches is adopted, with
//!   the `batch.kubernetes.io/job-tracking` finalizer every pod of a Job carries);
//! - a pod that finished and still has the finalizer is counted (succeeded, or failed:
//!   a Failed pod, or, unless pods are replaced only once failed, one being deleted;
//!   the pod failure policy may ignore it, count it, or fail the Job) and loses the
//!   finalizer, so `uncountedTerminatedPods` stays empty between syncs;
//! - the Job fails (the interim `FailureTarget` condition, then `Failed` once no pod
//!   is terminating) past its back-off limit (`BackoffLimitExceeded`; for OnFailure
//!   pods, container restarts count), past `activeDeadlineSeconds`
//!   (`DeadlineExceeded`), or on a pod failure policy's FailJob rule
//!   (`PodFailurePolicy`); its active pods are deleted;
//! - it succeeds (`SuccessCriteriaMet`, then `Complete` with the completion time) once
//!   `completions` pods succeeded (any one, without completions) and none is active;
//! - an Indexed Job with a back-off limit per index (`indexed_job_utils`) counts
//!   each index's failures on its pods; an index that failed more often than that, or
//!   whose pod a FailIndex rule matched, is in `status.failedIndexes` and gets no more
//!   pods; the Job fails (`MaxFailedIndexesExceeded`) past `maxFailedIndexes`, or
//!   (`FailedIndexes`) once every index succeeded or failed and some failed; its
//!   indexes back off one by one instead of the Job as a whole;
//! - an Indexed Job's success policy (`success_policy`) may declare it succeeded
//!   (`SuccessCriteriaMet`, reason `SuccessPolicy`) before every index has;
//! - otherwise pods are made from the template up to parallelism (not beyond the
//!   completions left), after the back-off of the failures since the last success
//!   (10 s doubling, at most 6 min); an Indexed Job's pods take the lowest pending
//!   indexes (`<job>-<index>-<random>`, the completion index annotation and label, the
//!   `JOB_COMPLETION_INDEX` variable, hostname `<job>-<index>`); a suspended Job has its
//!   active pods deleted (`Suspended`), a resumed one restarts its clock;
//! - the status is written when it changed; events `SuccessfulCreate`,
//!   `SuccessfulDelete`, `Completed`, `Suspended`, `Resumed` and the failure's reason.
//!
//! A finished Job with `ttlSecondsAfterFinished` is deleted (in the foreground, its
//! pods first) that long after it finished. The next back-off, deadline or TTL is the
//! controller's timer. Podlab's pod deletion does not wait for finalizers, so the
//! tracking finalizer marks what is still to count but does not hold a pod back.

mod indexed_job_utils;
mod pod_failure_policy;
mod success_policy;
#[cfg(test)]
mod tests;

use super::replicaset::{controller_of, controller_ref, is_active, pod_from_template};
use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{initial_job_status, ApiServer, EventRecord, Propagation, Store};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::{Job, Pod, ResourceExt};
pub(crate) use indexed_job_utils::COMPLETION_INDEX;
use indexed_job_utils::{
    absolute_failure_count, completion_index, format_indexes, index_failed, new_failure_counts,
    parse_indexes, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT,
};
use k8s_openapi::api::batch::v1::{JobCondition, JobStatus};
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector};
use pod_failure_policy::{match_failure_policy, FAIL_JOB, IGNORE};

const COMPONENT: &str = "job-controller";
/// The finalizer that keeps a Job's pod until the Job counted it.
pub(crate) const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff, in milliseconds.
const BACKOFF_MS: u64 = 10_000;
const MAX_BACKOFF_MS: u64 = 360_000;

#[derive(Debug, Clone)]
pub struct JobController {
    /// The earliest back-off, deadline or TTL still running, and the Jobs whose pods
    /// the API server refused, backing off (DefaultJobApiBackOff 1 s doubling to
    /// MaxJobApiBackOff 1 minute).
    queue: WorkQueue,
}

impl Default for JobController {
    fn default() -> Self {
        JobController {
            queue: WorkQueue::with_backoff(1_000, 60_000),
        }
    }
}

impl SyncHandler for JobController {
    type Object = Job;

    fn store(api: &ApiServer) -> &Store<Job> {
        &api.jobs
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        self.sync_job(api, ns, name, now)
    }
}

/// `getRemainingTimeForFailuresCount`: how long pod creation still waits after
/// `failures` failures since the last success, the last at `last_failure`.
pub(crate) fn backoff_remaining(failures: u32, last_failure: SimTime, now: SimTime) -> u64 {
    if failures == 0 {
        return 0;
    }
    let mut backoff = BACKOFF_MS;
    for _ in 1..failures {
        backoff *= 2;
        if backoff >= MAX_BACKOFF_MS {
            backoff = MAX_BACKOFF_MS;
            break;
        }
    }
    let elapsed = now.0.saturating_sub(last_failure.0);
    backoff.saturating_sub(elapsed)
}

/// `getFinishedTime`: the last container's finish, else when the pod stopped being
/// ready, else its deletion's start, else its creation.
fn finished_at(pod: &Pod) -> SimTime {
    let status = pod.status.as_ref();
    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    let finishes: Option<Vec<SimTime>> = statuses
        .iter()
        .map(|c| {
            let t = c
                .state
                .as_ref()?
                .terminated
                .as_ref()?
                .finished_at
                .as_ref()?;
            Some(SimTime::from_time(t))
        })
        .collect();
    if let Some(latest) = finishes.and_then(|f| f.into_iter().max()) {
        return latest;
    }
    let not_ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready" && c.status == "False"))
        .and_then(|c| c.last_transition_time.as_ref());
    if let Some(t) = not_ready {
        return SimTime::from_time(t);
    }
    if let Some(t) = &pod.metadata.deletion_timestamp {
        let grace = pod
            .metadata
            .deletion_grace_period_seconds
            .unwrap_or(0)
            .max(0) as u64;
        return SimTime(
            SimTime::from_time(t)
                .0
                .saturating_sub(grace.saturating_mul(1000)),
        );
    }
    pod.metadata
        .creation_timestamp
        .as_ref()
        .map_or(SimTime(0), SimTime::from_time)
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// `isPodFailed`: Failed, or (unless only failed pods are replaced) being deleted
/// before it succeeded.
fn is_failed(pod: &Pod, only_failed: bool) -> bool {
    phase(pod) == "Failed"
        || (!only_failed && pod.metadata.deletion_timestamp.is_some() && phase(pod) != "Succeeded")
}

fn has_finalizer(pod: &Pod) -> bool {
    pod.metadata
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == TRACKING_FINALIZER)
}

fn condition(type_: &str, reason: &str, message: &str, now: SimTime) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: "True".into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(now.to_time()),
        last_transition_time: Some(now.to_time()),
    }
}

fn find<'a>(status: &'a JobStatus, type_: &str) -> Option<&'a JobCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_ && c.status == "True")
}

/// `ensureJobConditionStatus`: sets a condition's status, reason and message (a
/// False one only where the type already is); whether it changed.
fn ensure_condition(
    status: &mut JobStatus,
    type_: &str,
    value: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> bool {
    let list = status.conditions.get_or_insert_with(Vec::new);
    let mut new = condition(type_, reason, message, now);
    new.status = value.into();
    match list.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            let same = c.status == value
                && c.reason.as_deref() == Some(reason)
                && c.message.as_deref() == Some(message);
            if !same {
                *c = new;
            }
            !same
        }
        None if value == "False" => false,
        None => {
            list.push(new);
            true
        }
    }
}

fn event(
    api: &mut ApiServer,
    job: &Job,
    reason: &str,
    message: String,
    warning: bool,
    now: SimTime,
) {
    api.record_event(
        EventRecord {
            object_kind: "Job",
            namespace: job.namespace_any(),
            object_name: job.name_any(),
            object_uid: job.uid_any(),
            reason,
            message,
            warning,
            component: COMPONENT,
            host: None,
            field_path: None,
        },
        now,
    );
}

/// Removes the tracking finalizer from a pod.
fn release(api: &mut ApiServer, pod: &Pod) {
    let mut updated = pod.clone();
    if let Some(list) = updated.metadata.finalizers.as_mut() {
        list.retain(|f| f != TRACKING_FINALIZER);
        if list.is_empty() {
            updated.metadata.finalizers = None;
        }
    }
    let _ = api.update_pod(updated);
}

/// What a deletion does with the pod's tracking finalizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tracking {
    /// Kept: the pod is counted (failed) once it is gone (`deleteActivePods`).
    Keep,
    /// Removed first: the pod is not counted (`deleteJobPods`).
    Release,
}

/// `podControl.DeletePod` for a Job's pod, with its `SuccessfulDelete` event: whether
/// the pod was bound (so it is now terminating), if it was deleted.
fn delete_pod(
    api: &mut ApiServer,
    job: &Job,
    pod: &Pod,
    tracking: Tracking,
    now: SimTime,
) -> Option<bool> {
    let name = pod.name_any().to_string();
    if tracking == Tracking::Release {
        release(api, pod);
    }
    api.delete_pod_gracefully(job.namespace_any(), &name, None, now)
        .ok()?;
    event(
        api,
        job,
        "SuccessfulDelete",
        format!("Deleted pod: {name}"),
        false,
        now,
    );
    Some(
        pod.spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some(),
    )
}

/// A finished Job's condition: Complete or Failed.
pub(crate) fn finished(status: &JobStatus) -> Option<&JobCondition> {
    find(status, "Complete").or_else(|| find(status, "Failed"))
}

impl JobController {
    fn wake(&mut self, at: SimTime) {
        self.requeue_at(at);
    }

    fn sync_job(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        let Some(job) = api.jobs.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let spec = job.spec.clone().unwrap_or_default();
        let old_status = job.status.clone().unwrap_or_default();
        if let Some(done) = finished(&old_status) {
            return self.expire(api, &job, done, now);
        }
        let uid = job.uid_any().to_string();
        let Ok(selector) =
            Selector::from_label_selector(&spec.selector.clone().unwrap_or_default())
        else {
            return Progress::Idle;
        };
        let mut progress = Progress::Idle;
        let indexed = spec.completion_mode.as_deref() == Some("Indexed");
        let completions = spec.completions;
        let rules = spec
            .pod_failure_policy
            .as_ref()
            .map(|p| p.rules.clone())
            .unwrap_or_default();
        let only_failed = spec.pod_replacement_policy.as_deref() == Some("Failed")
            || spec.pod_failure_policy.is_some();
        let suspended = spec.suspend == Some(true);
        let deleting = job.metadata.deletion_timestamp.is_some();

        // Claim: its own pods, and orphans its selector matches (adopted).
        let mut pods: Vec<Pod> = Vec::new();
        let candidates: Vec<Pod> = api.pods.list_namespace(ns).cloned().collect();
        for mut pod in candidates {
            match controller_of(&pod.metadata).map(|r| r.uid == uid) {
                Some(true) => pods.push(pod),
                None if !deleting
                    && is_active(&pod)
                    && !selector.is_empty()
                    && selector.matches(pod.metadata.labels.as_ref()) =>
                {
                    pod.metadata
                        .owner_references
                        .get_or_insert_with(Vec::new)
                        .push(controller_ref("batch/v1", "Job", &job.metadata));
                    let finalizers = pod.metadata.finalizers.get_or_insert_with(Vec::new);
                    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
                        finalizers.push(TRACKING_FINALIZER.into());
                    }
                    if let Ok(p) = api.update_pod(pod) {
                        pods.push(p.clone());
                        progress = Progress::Changed;
                    }
                }
                _ => {}
            }
        }

        let mut status = old_status.clone();
        let defaults = initial_job_status();
        status.uncounted_terminated_pods = defaults.uncounted_terminated_pods;
        let mut succeeded = status.succeeded.unwrap_or(0);
        let mut failed = status.failed.unwrap_or(0);
        let mut completed: Vec<i32> =
            parse_indexes(status.completed_indexes.as_deref().unwrap_or(""));
        let mut fail_message: Option<String> = None;
        // With a back-off limit per index: the indexes that failed for good.
        let per_index = indexed && spec.backoff_limit_per_index.is_some();
        let limit_per_index = spec.backoff_limit_per_index.unwrap_or(0);
        let mut failed_indexes: Vec<i32> =
            parse_indexes(status.failed_indexes.as_deref().unwrap_or(""));

        // Count what finished since the last sync, and let go of it.
        for pod in &pods {
            if !has_finalizer(pod) {
                continue;
            }
            let index_ok =
                !indexed || completion_index(pod).is_some_and(|i| i < completions.unwrap_or(0));
            if phase(pod) == "Succeeded" {
                if indexed {
                    if let Some(i) = completion_index(pod).filter(|_| index_ok) {
                        if !completed.contains(&i) {
                            completed.push(i);
                        }
                    }
                } else {
                    succeeded += 1;
                }
            } else if is_failed(pod, only_failed) {
                if index_ok {
                    let matched = match_failure_policy(&rules, pod);
                    let action = matched.as_ref().map(|(a, _)| a.as_str());
                    match &matched {
                        Some((action, _)) if action == IGNORE => {}
                        Some((action, message)) if action == FAIL_JOB => {
                            failed += 1;
                            fail_message.get_or_insert(message.clone());
                        }
                        _ => failed += 1,
                    }
                    if let Some(i) = completion_index(pod).filter(|_| per_index) {
                        if index_failed(pod, action, limit_per_index)
                            && !failed_indexes.contains(&i)
                        {
                            failed_indexes.push(i);
                        }
                    }
                }
            } else {
                continue;
            }
            release(api, pod);
            progress = Progress::Changed;
        }
        if indexed {
            crate::sort::sort(&mut completed);
            succeeded = i32::try_from(completed.len()).unwrap_or(i32::MAX);
            status.completed_indexes = Some(format_indexes(&completed));
        }
        if per_index {
            crate::sort::sort(&mut failed_indexes);
            status.failed_indexes = Some(format_indexes(&failed_indexes));
        }

        // Back-off: the failures since the last success (from the pods' finish times).
        let mut finishes: Vec<(SimTime, bool)> = pods
            .iter()
            .filter(|p| phase(p) == "Succeeded" || is_failed(p, only_failed))
            .map(|p| (finished_at(p), phase(p) == "Succeeded"))
            .collect();
        crate::sort::sort_by_key(&mut finishes, |(t, _)| *t);
        let last_success = finishes.iter().rposition(|(_, ok)| *ok);
        let after: Vec<SimTime> = finishes[last_success.map_or(0, |i| i + 1)..]
            .iter()
            .map(|(t, _)| *t)
            .collect();
        let failures = u32::try_from(after.len()).unwrap_or(u32::MAX);
        let last_failure = after.last().copied().unwrap_or(now);

        let mut active_pods: Vec<&Pod> = pods.iter().filter(|p| is_active(p)).collect();
        let mut terminating = i32::try_from(
            pods.iter()
                .filter(|p| {
                    p.metadata.deletion_timestamp.is_some()
                        && !matches!(phase(p), "Succeeded" | "Failed")
                })
                .count(),
        )
        .unwrap_or(0);

        if status.start_time.is_none() && !suspended {
            status.start_time = Some(now.to_time());
        }
        let start = status.start_time.as_ref().map_or(now, SimTime::from_time);

        // Is it finished?
        let mut finishing: Option<JobCondition> = find(&status, "SuccessCriteriaMet").cloned();
        if finishing.is_none() {
            if let Some(target) = find(&status, "FailureTarget") {
                finishing = Some(target.clone());
            } else if let Some(message) = fail_message {
                finishing = Some(condition(
                    "FailureTarget",
                    "PodFailurePolicy",
                    &message,
                    now,
                ));
            }
        }
        if finishing.is_none() {
            let limit = spec.backoff_limit.unwrap_or(6);
            let restarts: i32 = if spec
                .template
                .spec
                .as_ref()
                .and_then(|s| s.restart_policy.as_deref())
                == Some("OnFailure")
            {
                pods.iter()
                    .filter(|p| matches!(phase(p), "Running" | "Pending"))
                    .flat_map(|p| {
                        let s = p.status.as_ref();
                        s.and_then(|s| s.init_container_statuses.clone())
                            .into_iter()
                            .flatten()
                            .chain(
                                s.and_then(|s| s.container_statuses.clone())
                                    .into_iter()
                                    .flatten(),
                            )
                    })
                    .map(|c| c.restart_count)
                    .sum()
            } else {
                0
            };
            let past_on_failure = restarts > 0 && (restarts >= limit);
            let deadline = spec
                .active_deadline_seconds
                .filter(|_| !suspended)
                .map(|s| start.plus_ms(u64::try_from(s).unwrap_or(0).saturating_mul(1000)));
            if failed > limit || past_on_failure {
                finishing = Some(condition(
                    "FailureTarget",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    now,
                ));
            } else if deadline.is_some_and(|d| d <= now) {
                finishing = Some(condition(
                    "FailureTarget",
                    "DeadlineExceeded",
                    "Job was active longer than specified deadline",
                    now,
                ));
            } else if let Some(d) = deadline {
                self.wake(d);
            }
        }

        let total = usize::try_from(completions.unwrap_or(0)).unwrap_or(0);
        if finishing.is_none() && per_index {
            let max = spec
                .max_failed_indexes
                .and_then(|m| usize::try_from(m).ok());
            if max.is_some_and(|m| failed_indexes.len() > m) {
                finishing = Some(condition(
                    "FailureTarget",
                    "MaxFailedIndexesExceeded",
                    "Job has exceeded the specified maximal number of failed indexes",
                    now,
                ));
            } else if !failed_indexes.is_empty() && failed_indexes.len() + completed.len() >= total
            {
                finishing = Some(condition(
                    "FailureTarget",
                    "FailedIndexes",
                    "Job has failed indexes",
                    now,
                ));
            }
        }
        if finishing.is_none() && indexed {
            let policy = spec.success_policy.as_ref();
            if let Some(message) =
                success_policy::match_success_policy(policy, completions.unwrap_or(0), &completed)
            {
                finishing = Some(condition(
                    "SuccessCriteriaMet",
                    success_policy::REASON,
                    &message,
                    now,
                ));
            }
        }

        let mut ready = i32::try_from(
            active_pods
                .iter()
                .filter(|p| crate::model::pod::is_ready(p))
                .count(),
        )
        .unwrap_or(0);
        let mut active = i32::try_from(active_pods.len()).unwrap_or(0);
        if finishing.is_some() {
            // Failed (or succeeded by policy): the active pods go.
            for pod in &active_pods {
                if let Some(bound) = delete_pod(api, &job, pod, Tracking::Keep, now) {
                    terminating += i32::from(bound);
                    progress = Progress::Changed;
                }
            }
            active = 0;
            ready = 0;
        } else if !deleting {
            if suspended {
                for pod in &active_pods {
                    if let Some(bound) = delete_pod(api, &job, pod, Tracking::Release, now) {
                        terminating += i32::from(bound);
                        progress = Progress::Changed;
                    }
                }
                active_pods.clear();
                active = 0;
                ready = 0;
                if ensure_condition(
                    &mut status,
                    "Suspended",
                    "True",
                    "JobSuspended",
                    "Job suspended",
                    now,
                ) {
                    event(api, &job, "Suspended", "Job suspended".into(), false, now);
                }
            } else {
                if ensure_condition(
                    &mut status,
                    "Suspended",
                    "False",
                    "JobResumed",
                    "Job resumed",
                    now,
                ) {
                    event(api, &job, "Resumed", "Job resumed".into(), false, now);
                    status.start_time = Some(now.to_time());
                }
                let parallelism = spec.parallelism.unwrap_or(1);
                let want = match completions {
                    None if succeeded > 0 => active,
                    None => parallelism,
                    Some(c) => (c - succeeded).clamp(0, parallelism),
                };
                if active > want {
                    // Too many: the newest go.
                    let extra = usize::try_from(active - want).unwrap_or(0);
                    let mut doomed = active_pods.clone();
                    crate::sort::sort_by_key(&mut doomed, |p| {
                        std::cmp::Reverse(
                            p.metadata
                                .creation_timestamp
                                .as_ref()
                                .map(SimTime::from_time),
                        )
                    });
                    for pod in doomed.into_iter().take(extra) {
                        if delete_pod(api, &job, pod, Tracking::Release, now).is_some() {
                            active -= 1;
                            progress = Progress::Changed;
                        }
                    }
                } else {
                    // MaxPodCreateDeletePerSync.
                    let diff = (want - active - if only_failed { terminating } else { 0 }).min(500);
                    if diff > 0 {
                        // Indexes with their own back-off do not wait for the Job's.
                        let wait = if per_index {
                            0
                        } else {
                            backoff_remaining(failures, last_failure, now)
                        };
                        let key = format!("{ns}/{name}");
                        if wait > 0 {
                            self.wake(now.plus_ms(wait));
                        } else if self.queue.backing_off(&key, now) {
                            // The API server refused a pod: the queue retries later.
                        } else {
                            let indexes: Vec<Option<i32>> = if indexed {
                                let taken: Vec<i32> = active_pods
                                    .iter()
                                    .filter_map(|p| completion_index(p))
                                    .collect();
                                let pending = (0..completions.unwrap_or(0)).filter(|i| {
                                    !completed.contains(i)
                                        && !taken.contains(i)
                                        && !failed_indexes.contains(i)
                                });
                                let mut ready_now = Vec::new();
                                for i in pending {
                                    if ready_now.len() >= usize::try_from(diff).unwrap_or(0) {
                                        break;
                                    }
                                    // `getRemainingTimePerIndex`.
                                    let last = if per_index {
                                        last_failed_pod(&pods, i, only_failed)
                                    } else {
                                        None
                                    };
                                    let wait = last.map_or(0, |p| {
                                        let n = absolute_failure_count(p).saturating_add(1);
                                        let n = u32::try_from(n).unwrap_or(u32::MAX);
                                        backoff_remaining(n, finished_at(p), now)
                                    });
                                    if wait == 0 {
                                        ready_now.push(Some(i));
                                    } else {
                                        self.wake(now.plus_ms(wait));
                                    }
                                }
                                ready_now
                            } else {
                                vec![None; usize::try_from(diff).unwrap_or(0)]
                            };
                            // Slow-start batches stop at the first refusal, and
                            // the sync's error puts the Job back rate-limited.
                            let mut refused = false;
                            for index in indexes {
                                progress = Progress::Changed;
                                // The failure counts the index's new pod carries.
                                let counts = index.filter(|_| per_index).map(|i| {
                                    let replaced = last_failed_pod(&pods, i, only_failed);
                                    let action = replaced.and_then(|p| {
                                        match_failure_policy(&rules, p).map(|(a, _)| a)
                                    });
                                    new_failure_counts(replaced, action.as_deref())
                                });
                                if create_pod(api, &job, index, counts, now) {
                                    active += 1;
                                } else {
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
                    }
                }
            }
        }

        // Success.
        let complete = match completions {
            None => succeeded > 0 && active == 0,
            Some(c) => succeeded >= c && active == 0,
        };
        if finishing.is_none() && complete {
            finishing = Some(condition(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                now,
            ));
        }

        if status.conditions.as_ref().is_some_and(Vec::is_empty) {
            status.conditions = None;
        }
        status.active = (active > 0).then_some(active);
        status.ready = Some(ready);
        status.terminating = Some(terminating);
        status.succeeded = (succeeded > 0).then_some(succeeded);
        status.failed = (failed > 0).then_some(failed);
        let mut finished_now: Option<JobCondition> = None;
        if let Some(cond) = finishing {
            // The interim condition first, the terminal one once no pod terminates.
            if find(&status, &cond.type_).is_none() {
                status
                    .conditions
                    .get_or_insert_with(Vec::new)
                    .push(cond.clone());
            }
            let terminal = if cond.type_ == "SuccessCriteriaMet" {
                "Complete"
            } else {
                "Failed"
            };
            if terminating == 0 {
                let reason = cond.reason.clone().unwrap_or_default();
                let message = cond.message.clone().unwrap_or_default();
                let done = condition(terminal, &reason, &message, now);
                if terminal == "Complete" {
                    status.completion_time = Some(now.to_time());
                }
                status
                    .conditions
                    .get_or_insert_with(Vec::new)
                    .push(done.clone());
                finished_now = Some(done);
            }
        }
        if Some(&status) != job.status.as_ref() {
            let mut updated = job.clone();
            updated.status = Some(status.clone());
            if api.update_job(updated).is_ok() {
                progress = Progress::Changed;
            }
        }
        if let Some(done) = finished_now {
            if done.type_ == "Complete" {
                event(api, &job, "Completed", "Job completed".into(), false, now);
            } else {
                let reason = done.reason.clone().unwrap_or_default();
                event(
                    api,
                    &job,
                    &reason,
                    done.message.clone().unwrap_or_default(),
                    true,
                    now,
                );
            }
            if let Some(j) = api.jobs.get(ns, name).cloned() {
                progress |= self.expire(api, &j, &done, now);
            }
        }
        progress
    }

    /// The TTL-after-finished controller: a finished Job is deleted (in the
    /// foreground) `ttlSecondsAfterFinished` after it finished.
    fn expire(
        &mut self,
        api: &mut ApiServer,
        job: &Job,
        done: &JobCondition,
        now: SimTime,
    ) -> Progress {
        let Some(ttl) = job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished) else {
            return Progress::Idle;
        };
        if job.metadata.deletion_timestamp.is_some() {
            return Progress::Idle;
        }
        let finished_at = job
            .status
            .as_ref()
            .and_then(|s| s.completion_time.as_ref())
            .or(done.last_transition_time.as_ref())
            .map_or(now, SimTime::from_time);
        let at = finished_at.plus_ms(u64::try_from(ttl).unwrap_or(0).saturating_mul(1000));
        if at > now {
            self.wake(at);
            return Progress::Idle;
        }
        let deleted = api.delete_propagating(
            "jobs",
            job.namespace_any(),
            job.name_any(),
            Propagation::Foreground,
            now,
        );
        Progress::changed_if(deleted.is_ok())
    }
}

/// `getPodsWithDelayedDeletionPerIndex` for one index: its failed pod with the most
/// failures before it, the last to finish among equals.
fn last_failed_pod(pods: &[Pod], index: i32, only_failed: bool) -> Option<&Pod> {
    let mut last: Option<&Pod> = None;
    for p in pods {
        if completion_index(p) != Some(index) || !is_failed(p, only_failed) {
            continue;
        }
        let later = last.is_none_or(|l| {
            absolute_failure_count(l) <= absolute_failure_count(p)
                && finished_at(p) >= finished_at(l)
        });
        if later {
            last = Some(p);
        }
    }
    last
}

/// Creates one pod of a Job (an Indexed Job's with its index and, with a back-off
/// limit per index, its index's failure counts); whether it was made.
fn create_pod(
    api: &mut ApiServer,
    job: &Job,
    index: Option<i32>,
    failure_counts: Option<(i32, i32)>,
    now: SimTime,
) -> bool {
    let Some(spec) = job.spec.as_ref() else {
        return false;
    };
    let mut template = spec.template.clone();
    let meta = template.metadata.get_or_insert_with(Default::default);
    let finalizers = meta.finalizers.get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(TRACKING_FINALIZER.into());
    }
    let mut generate_name = format!("{}-", job.name_any());
    if let Some(i) = index {
        meta.annotations
            .get_or_insert_with(Default::default)
            .insert(COMPLETION_INDEX.into(), i.to_string());
        meta.labels
            .get_or_insert_with(Default::default)
            .insert(COMPLETION_INDEX.into(), i.to_string());
        generate_name = format!("{}-{i}-", job.name_any());
        if let Some((failures, ignored)) = failure_counts {
            let annotations = meta.annotations.get_or_insert_with(Default::default);
            annotations.insert(INDEX_FAILURE_COUNT.into(), failures.to_string());
            if ignored > 0 {
                annotations.insert(INDEX_IGNORED_FAILURE_COUNT.into(), ignored.to_string());
            }
        }
        if let Some(pod_spec) = template.spec.as_mut() {
            pod_spec.hostname = Some(format!("{}-{i}", job.name_any()));
            for c in pod_spec
                .init_containers
                .iter_mut()
                .flatten()
                .chain(pod_spec.containers.iter_mut())
            {
                let env = c.env.get_or_insert_with(Vec::new);
                if !env.iter().any(|e| e.name == "JOB_COMPLETION_INDEX") {
                    env.push(EnvVar {
                        name: "JOB_COMPLETION_INDEX".into(),
                        value: None,
                        value_from: Some(EnvVarSource {
                            field_ref: Some(ObjectFieldSelector {
                                api_version: None,
                                field_path: format!("metadata.labels['{COMPLETION_INDEX}']"),
                            }),
                            ..Default::default()
                        }),
                    });
                }
            }
        }
    }
    let owner = controller_ref("batch/v1", "Job", &job.metadata);
    let pod = pod_from_template(&template, &job.metadata, generate_name, owner);
    match api.create_pod(pod, now) {
        Ok(p) => {
            let message = format!("Created pod: {}", p.name_any());
            event(api, job, "SuccessfulCreate", message, false, now);
            true
        }
        Err(e) => {
            event(
                api,
                job,
                "FailedCreate",
                format!("Error creating: {}", e.status_message()),
                true,
                now,
            );
            false
        }
    }
}
