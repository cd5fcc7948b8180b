//! Job properties through the public entry points: whatever its completions,
//! parallelism, completion mode and whether its pods fail, a Job finishes (Complete with
//! every completion, its indexes all listed when Indexed; or Failed once more pods failed than
//! its back-off limit, by no more than its parallelism), never runs more pods than its parallelism,
//! and leaves no pod with the job-tracking finalizer.

use podlab_core::model::ResourceExt;
use podlab_core::Cluster;
use proptest::prelude::*;

fn job(completions: u8, parallelism: u8, indexed: bool, fails: bool, backoff: u8) -> String {
    let mode = if indexed { "Indexed" } else { "NonIndexed" };
    let exit = if fails { 1 } else { 0 };
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: work\nspec:\n  completions: {completions}\n  parallelism: {parallelism}\n  completionMode: {mode}\n  backoffLimit: {backoff}\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox:1.28\n        command: [\"sh\", \"-c\", \"sleep 1; exit {exit}\"]\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn jobs_finish_within_parallelism(
        completions in 1u8..5,
        parallelism in 1u8..4,
        indexed in any::<bool>(),
        fails in any::<bool>(),
        backoff in 0u8..3,
    ) {
        let mut cluster = Cluster::with_default_nodes(5);
        let created = cluster.create_from_text("job.yaml", &job(completions, parallelism, indexed, fails, backoff));
        prop_assert!(created.is_ok());
        for _ in 0..40 {
            cluster.advance(5_000);
            let running = cluster
                .api()
                .pods
                .list()
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()).is_some_and(|ph| ph == "Running" || ph == "Pending"))
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .count();
            prop_assert!(running <= usize::from(parallelism));
        }
        let api = cluster.api();
        let j = api.jobs.get("default", "work").cloned();
        prop_assert!(j.is_some());
        let status = j.and_then(|j| j.status).unwrap_or_default();
        let is = |t: &str| status.conditions.iter().flatten().any(|c| c.type_ == t && c.status == "True");
        if fails {
            prop_assert!(is("Failed"), "{:?}", status);
            // Pods running side by side may fail together past the limit.
            let failed = status.failed.unwrap_or(0);
            prop_assert!(failed > i32::from(backoff) && failed <= i32::from(backoff + parallelism), "{} failed", failed);
        } else {
            prop_assert!(is("Complete"), "{:?}", status);
            prop_assert_eq!(status.succeeded.unwrap_or(0), i32::from(completions));
            if indexed {
                // kube's interval format: two neighbours are written "0,1", a longer run "0-3".
                let want = match completions {
                    1 => "0".to_string(),
                    2 => "0,1".to_string(),
                    n => format!("0-{}", n - 1),
                };
                prop_assert_eq!(status.completed_indexes.as_deref(), Some(want.as_str()));
            }
        }
        prop_assert_eq!(status.active, None);
        for pod in api.pods.list() {
            prop_assert!(
                !pod.metadata.finalizers.iter().flatten().any(|f| f == "batch.kubernetes.io/job-tracking"),
                "{} keeps the tracking finalizer", pod.name_any()
            );
        }
    }
}

/// The largest values the API takes run on the simulated clock without overflowing.
#[test]
fn huge_deadlines_do_not_overflow() {
    let mut cluster = Cluster::with_default_nodes(1);
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: long\nspec:\n  activeDeadlineSeconds: 9223372036854775807\n  ttlSecondsAfterFinished: 2147483647\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox:1.28\n        command: [\"true\"]\n";
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: rare\nspec:\n  schedule: \"@every 2562047h\"\n  startingDeadlineSeconds: 9223372036854775807\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: c\n            image: busybox:1.28\n";
    assert!(cluster.create_from_text("job.yaml", job).is_ok());
    assert!(cluster.create_from_text("cron.yaml", cron).is_ok());
    cluster.advance(3_600_000);
    let status = cluster
        .api()
        .jobs
        .get("default", "long")
        .and_then(|j| j.status.clone());
    assert_eq!(status.and_then(|s| s.succeeded), Some(1));
}
