//! The CronJob controller (kube-controller-manager's cronjob-controller,
//! pkg/controller/cronjob, `syncCronJob`), on the simulated clock. For each CronJob:
//! - the Jobs it controls: a finished one leaves `status.active` (`SawCompletedJob`),
//!   a succeeded one moves `lastSuccessfulTime`, one gone leaves it (`MissingJob`);
//! - unless it is suspended or being deleted, the most recent schedule time not yet
//!   started (from the later of its creation and `lastScheduleTime`, and no earlier
//!   than `startingDeadlineSeconds` ago; more than 100 missed is `TooManyMissedTimes`)
//!   starts a Job `<cronjob>-<scheduled time in minutes since the epoch>` from the job
//!   template (`SuccessfulCreate`), with the scheduled-timestamp annotation, unless it
//!   is too late (`MissSchedule`), already started, or a Job still runs under Forbid
//!   (`JobAlreadyActive`); under Replace the running Jobs are deleted first;
//! - finished Jobs beyond `successfulJobsHistoryLimit` and `failedJobsHistoryLimit`
//!   are deleted, oldest first (`SuccessfulDelete`);
//! - its timer is the next schedule time.
//!
//! Schedules run in `spec.timeZone` (UTC when unset, as kube-controller-manager's
//! zone); Podlab knows only the fixed zones `model::cron::zone_offset` lists.

use super::job::finished;
use super::replicaset::{controller_of, controller_ref};
use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{ApiServer, EventRecord, Propagation, Store};
use crate::clock::{SimTime, EPOCH_UNIX_MS};
use crate::keyed::Keyed;
use crate::model::cron::{self, Schedule};
use crate::model::{CronJob, Job, ObjectMeta, ResourceExt};
use k8s_openapi::api::core::v1::ObjectReference;

const COMPONENT: &str = "cronjob-controller";
/// The annotation with a Job's scheduled time (batch.CronJobScheduledTimestampAnnotation).
pub(crate) const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CronJobController {
    /// Worked out again by every sync.
    #[serde(skip)]
    queue: WorkQueue,
    /// The schedule time each CronJob (by uid) last decided not to start, so that a
    /// settle pass does not repeat its event (saved: a restored cluster does not
    /// either).
    #[serde(default)]
    declined: Keyed<String, i64>,
}

impl CronJobController {
    /// Nothing to save.
    pub fn is_idle(&self) -> bool {
        self.declined.is_empty()
    }
}

impl SyncHandler for CronJobController {
    type Object = CronJob;

    fn store(api: &ApiServer) -> &Store<CronJob> {
        &api.cron_jobs
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        self.sync_cron_job(api, ns, name, now)
    }

    fn after_pass(&mut self, api: &ApiServer) {
        self.declined.retain(|uid, _| {
            api.cron_jobs
                .list()
                .any(|c| c.metadata.uid.as_ref() == Some(uid))
        });
    }
}

fn unix(t: SimTime) -> i64 {
    (EPOCH_UNIX_MS + t.0 as i64).div_euclid(1000)
}

fn sim(unix_secs: i64) -> SimTime {
    SimTime(
        u64::try_from(unix_secs.saturating_mul(1000).saturating_sub(EPOCH_UNIX_MS)).unwrap_or(0),
    )
}

/// The first schedule time of a CronJob after `now` in its time zone (what the
/// controller's timer waits for): None when its schedule or zone is invalid, or no
/// time comes within five years. A suspended CronJob has one too (it starts nothing).
pub(crate) fn next_schedule_time(cj: &CronJob, now: SimTime) -> Option<SimTime> {
    let spec = cj.spec.as_ref()?;
    let schedule = cron::parse(&spec.schedule).ok()?;
    let offset = spec
        .time_zone
        .as_deref()
        .map_or(Ok(0), cron::zone_offset)
        .ok()?;
    schedule.next(unix(now), offset).map(sim)
}

/// How many start times were missed (`missedSchedules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missed {
    None,
    Few,
    Many,
}

/// `mostRecentScheduleTime`: the earliest time considered, the most recent schedule
/// time at or before `now` after it (if any), and how many were missed.
pub(crate) fn most_recent(
    schedule: &Schedule,
    offset: i64,
    earliest: i64,
    now: i64,
) -> (Option<i64>, Missed) {
    let next = |t: i64| schedule.next(t, offset);
    let Some(t1) = next(earliest) else {
        return (None, Missed::None);
    };
    if now < t1 {
        return (None, Missed::None);
    }
    let Some(t2) = next(t1) else {
        return (Some(t1), Missed::None);
    };
    if now < t2 {
        return (Some(t1), Missed::None);
    }
    let between = t2.saturating_sub(t1).max(1);
    let missed = (now - t1) / between + 1;
    let mut recent = None;
    let mut t = next(t1.saturating_add((missed - 2).saturating_mul(between)));
    while let Some(at) = t.filter(|at| *at <= now) {
        recent = Some(at);
        t = next(at);
    }
    let count = if missed > 100 {
        Missed::Many
    } else if missed > 1 {
        Missed::Few
    } else {
        Missed::None
    };
    (recent, count)
}

fn event(
    api: &mut ApiServer,
    cj: &CronJob,
    reason: &str,
    message: String,
    warning: bool,
    now: SimTime,
) {
    api.record_event(
        EventRecord {
            object_kind: "CronJob",
            namespace: cj.namespace_any(),
            object_name: cj.name_any(),
            object_uid: cj.uid_any(),
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

/// `getJobFromTemplate2`: the Job for one schedule time.
fn job_for(cj: &CronJob, scheduled: i64, offset: i64) -> Job {
    let template = cj
        .spec
        .as_ref()
        .map(|s| s.job_template.clone())
        .unwrap_or_default();
    let meta = template.metadata.unwrap_or_default();
    let mut annotations = meta.annotations.unwrap_or_default();
    annotations.insert(SCHEDULED_TIMESTAMP.into(), cron::rfc3339(scheduled, offset));
    Job {
        metadata: ObjectMeta {
            name: Some(format!("{}-{}", cj.name_any(), scheduled / 60)),
            namespace: cj.metadata.namespace.clone(),
            labels: meta.labels,
            annotations: Some(annotations),
            owner_references: Some(vec![controller_ref("batch/v1", "CronJob", &cj.metadata)]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    }
}

fn reference(job: &Job) -> ObjectReference {
    ObjectReference {
        api_version: Some("batch/v1".into()),
        kind: Some("Job".into()),
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace.clone(),
        resource_version: job.metadata.resource_version.clone(),
        uid: job.metadata.uid.clone(),
        field_path: None,
    }
}

/// A Job's start time, for the history's order (none last, then by name).
fn started(job: &Job) -> (bool, Option<SimTime>, String) {
    let start = job
        .status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .map(SimTime::from_time);
    (start.is_none(), start, job.name_any().to_string())
}

impl CronJobController {
    fn wake(&mut self, at: SimTime) {
        self.requeue_at(at);
    }

    fn sync_cron_job(
        &mut self,
        api: &mut ApiServer,
        ns: &str,
        name: &str,
        now: SimTime,
    ) -> Progress {
        let Some(cj) = api.cron_jobs.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let uid = cj.uid_any().to_string();
        let spec = cj.spec.clone().unwrap_or_default();
        let mut status = cj.status.clone().unwrap_or_default();
        let mut progress = Progress::Idle;
        let jobs: Vec<Job> = api
            .jobs
            .list_namespace(ns)
            .filter(|j| controller_of(&j.metadata).is_some_and(|r| r.uid == uid))
            .cloned()
            .collect();

        // What became of its Jobs.
        for j in &jobs {
            let job_uid = j.metadata.uid.as_deref();
            let active = status.active.get_or_insert_with(Vec::new);
            let found = active.iter().any(|r| r.uid.as_deref() == job_uid);
            let done = j.status.as_ref().and_then(finished);
            if let (true, Some(c)) = (found, done) {
                active.retain(|r| r.uid.as_deref() != job_uid);
                let message = format!(
                    "Saw completed job: {}, condition: {}",
                    j.name_any(),
                    c.type_
                );
                event(api, &cj, "SawCompletedJob", message, false, now);
            }
            if done.is_some_and(|c| c.type_ == "Complete") {
                let at = j.status.as_ref().and_then(|s| s.completion_time.clone());
                let later = match (&status.last_successful_time, &at) {
                    (None, _) => true,
                    (Some(last), Some(t)) => SimTime::from_time(t) > SimTime::from_time(last),
                    _ => false,
                };
                if later && at.is_some() {
                    status.last_successful_time = at;
                }
            }
        }
        let gone: Vec<String> = status
            .active
            .iter()
            .flatten()
            .filter(|r| !jobs.iter().any(|j| j.metadata.uid == r.uid))
            .filter_map(|r| r.name.clone())
            .collect();
        for job_name in gone {
            if let Some(active) = status.active.as_mut() {
                active.retain(|r| r.name.as_deref() != Some(job_name.as_str()));
            }
            event(
                api,
                &cj,
                "MissingJob",
                format!("Active job went missing: {job_name}"),
                false,
                now,
            );
        }

        if cj.metadata.deletion_timestamp.is_none() && spec.suspend != Some(true) {
            progress |= self.schedule(api, &cj, &mut status, &jobs, now);
        }
        progress |= cleanup(api, &cj, &jobs, now);

        if status.active.as_ref().is_some_and(Vec::is_empty) {
            status.active = None;
        }
        if Some(&status) != cj.status.as_ref() {
            if let Some(current) = api.cron_jobs.get(ns, name) {
                let mut updated = current.clone();
                updated.status = Some(status);
                if api.update_cron_job(updated).is_ok() {
                    progress = Progress::Changed;
                }
            }
        }
        progress
    }

    /// The scheduling part of `syncCronJob`.
    fn schedule(
        &mut self,
        api: &mut ApiServer,
        cj: &CronJob,
        status: &mut k8s_openapi::api::batch::v1::CronJobStatus,
        jobs: &[Job],
        now: SimTime,
    ) -> Progress {
        let spec = cj.spec.clone().unwrap_or_default();
        let Ok(schedule) = cron::parse(&spec.schedule) else {
            return Progress::Idle;
        };
        let Ok(offset) = spec.time_zone.as_deref().map_or(Ok(0), cron::zone_offset) else {
            return Progress::Idle;
        };
        let uid = cj.uid_any().to_string();
        let now_s = unix(now);
        let created = cj
            .metadata
            .creation_timestamp
            .as_ref()
            .map_or(SimTime(0), SimTime::from_time);
        let last = status.last_schedule_time.as_ref().map(SimTime::from_time);
        let mut earliest = unix(last.unwrap_or(created));
        let deadline = spec.starting_deadline_seconds;
        if let Some(d) = deadline {
            earliest = earliest.max(now_s - d);
        }
        let (scheduled, missed) = most_recent(&schedule, offset, earliest, now_s);
        // The timer: the first schedule time after now.
        if let Some(next) = schedule.next(now_s, offset) {
            self.wake(sim(next));
        }
        let Some(scheduled) = scheduled else {
            return Progress::Idle;
        };
        let job_name = format!("{}-{}", cj.name_any(), scheduled / 60);
        let started = status
            .active
            .iter()
            .flatten()
            .any(|r| r.name.as_deref() == Some(job_name.as_str()))
            || last.map(unix) == Some(scheduled);
        if started {
            return Progress::Idle;
        }
        // A start already declined is looked at again (a Forbid's running Job may have
        // finished) without repeating its events.
        let again = self.declined.get(&uid) == Some(&scheduled);
        let mut progress = Progress::Idle;
        if missed == Missed::Many && !again {
            event(api, cj, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(), true, now);
            progress = Progress::Changed;
        }
        let too_late = deadline.is_some_and(|d| scheduled.saturating_add(d) < now_s);
        let running = status.active.as_ref().is_some_and(|a| !a.is_empty());
        let policy = spec.concurrency_policy.as_deref().unwrap_or("Allow");
        if too_late || (policy == "Forbid" && running) {
            let (reason, message, warning) = if too_late {
                let at = cron::rfc1123z(scheduled);
                (
                    "MissSchedule",
                    format!("Missed scheduled time to start a job: {at}"),
                    true,
                )
            } else {
                ("JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid".to_string(), false)
            };
            if again {
                return progress;
            }
            event(api, cj, reason, message, warning, now);
            self.declined.insert(uid, scheduled);
            return Progress::Changed;
        }
        if policy == "Replace" {
            for r in status.active.take().unwrap_or_default() {
                let n = r.name.clone().unwrap_or_default();
                if jobs.iter().any(|j| j.metadata.uid == r.uid)
                    && api
                        .delete_propagating(
                            "jobs",
                            cj.namespace_any(),
                            &n,
                            Propagation::Background,
                            now,
                        )
                        .is_ok()
                {
                    event(
                        api,
                        cj,
                        "SuccessfulDelete",
                        format!("Deleted job {n}"),
                        false,
                        now,
                    );
                }
            }
        }
        match api.create_job(job_for(cj, scheduled, offset), now) {
            Ok(job) => {
                let job = job.clone();
                event(
                    api,
                    cj,
                    "SuccessfulCreate",
                    format!("Created job {}", job.name_any()),
                    false,
                    now,
                );
                status
                    .active
                    .get_or_insert_with(Vec::new)
                    .push(reference(&job));
                status.last_schedule_time = Some(sim(scheduled).to_time());
                progress = Progress::Changed;
            }
            Err(crate::apiserver::ApiError::AlreadyExists { .. }) => {}
            Err(_) if again => {}
            Err(e) => {
                event(
                    api,
                    cj,
                    "FailedCreate",
                    format!("Error creating job: {}", e.status_message()),
                    true,
                    now,
                );
                self.declined.insert(uid, scheduled);
                progress = Progress::Changed;
            }
        }
        progress
    }
}

/// `cleanupFinishedJobs`: finished Jobs beyond the history limits go, oldest first.
fn cleanup(api: &mut ApiServer, cj: &CronJob, jobs: &[Job], now: SimTime) -> Progress {
    let spec = cj.spec.clone().unwrap_or_default();
    let mut progress = Progress::Idle;
    for (kind, limit) in [
        ("Complete", spec.successful_jobs_history_limit),
        ("Failed", spec.failed_jobs_history_limit),
    ] {
        let Some(limit) = limit.and_then(|l| usize::try_from(l).ok()) else {
            continue;
        };
        let mut done: Vec<&Job> = jobs
            .iter()
            .filter(|j| {
                j.metadata.deletion_timestamp.is_none()
                    && j.status
                        .as_ref()
                        .and_then(finished)
                        .is_some_and(|c| c.type_ == kind)
            })
            .collect();
        if done.len() <= limit {
            continue;
        }
        crate::sort::sort_by_key(&mut done, |j| started(j));
        let extra = done.len() - limit;
        for j in done.into_iter().take(extra) {
            let n = j.name_any().to_string();
            if api
                .delete_propagating("jobs", cj.namespace_any(), &n, Propagation::Background, now)
                .is_ok()
            {
                event(
                    api,
                    cj,
                    "SuccessfulDelete",
                    format!("Deleted job {n}"),
                    false,
                    now,
                );
                progress = Progress::Changed;
            }
        }
    }
    progress
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-05T09:00:00Z.
    const T0: i64 = 1_767_603_600;

    #[test]
    fn most_recent_schedule_time() {
        let every_minute = cron::parse("* * * * *").unwrap();
        // Nothing due yet.
        assert_eq!(
            most_recent(&every_minute, 0, T0, T0 + 59),
            (None, Missed::None)
        );
        // One due.
        assert_eq!(
            most_recent(&every_minute, 0, T0, T0 + 60),
            (Some(T0 + 60), Missed::None)
        );
        // Three missed: the latest is started, the others counted.
        assert_eq!(
            most_recent(&every_minute, 0, T0, T0 + 190),
            (Some(T0 + 180), Missed::Few)
        );
        // More than 100 missed.
        assert_eq!(
            most_recent(&every_minute, 0, T0, T0 + 200 * 60),
            (Some(T0 + 200 * 60), Missed::Many)
        );
        let hourly = cron::parse("@hourly").unwrap();
        assert_eq!(
            most_recent(&hourly, 0, T0, T0 + 7200 + 5),
            (Some(T0 + 7200), Missed::Few)
        );
    }

    #[test]
    fn job_names_are_minutes_since_the_epoch() {
        let cj = CronJob {
            metadata: ObjectMeta {
                name: Some("hello".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let job = job_for(&cj, T0 + 60, 0);
        assert_eq!(job.metadata.name.as_deref(), Some("hello-29460061"));
        assert_eq!(
            job.metadata
                .annotations
                .unwrap()
                .get(SCHEDULED_TIMESTAMP)
                .map(String::as_str),
            Some("2026-01-05T09:01:00Z")
        );
    }
}
