use super::indexed_job_utils::new_failure_counts;
use super::success_policy::match_success_policy;
use super::*;
use k8s_openapi::api::batch::v1::{SuccessPolicy, SuccessPolicyRule};

/// The back-off before the next pod: 10 s doubling per failure since the last
/// success, at most 6 minutes, less the time since the last failure.
#[test]
fn backoff_arithmetic() {
    let t = SimTime::from_secs(100);
    let cases = [
        (0, 0, 0),
        (1, 0, 10_000),
        (2, 0, 20_000),
        (3, 0, 40_000),
        (4, 0, 80_000),
        (5, 0, 160_000),
        (6, 0, 320_000),
        (7, 0, 360_000),
        (20, 0, 360_000),
        (1, 4_000, 6_000),
        (2, 20_000, 0),
        (3, 50_000, 0),
    ];
    for (failures, elapsed, want) in cases {
        assert_eq!(
            backoff_remaining(failures, t, t.plus_ms(elapsed)),
            want,
            "{failures} failures, {elapsed} ms"
        );
    }
}

/// `orderedIntervals.String`: two neighbours are listed, three or more a range.
#[test]
fn indexes_round_trip() {
    for (list, text) in [
        (vec![], ""),
        (vec![0], "0"),
        (vec![0, 1], "0,1"),
        (vec![0, 1, 2], "0-2"),
        (vec![0, 2, 3, 4, 7], "0,2-4,7"),
        (vec![1, 3, 5, 7, 9], "1,3,5,7,9"),
        (vec![0, 1, 3, 4, 5], "0,1,3-5"),
    ] {
        assert_eq!(format_indexes(&list), text);
        assert_eq!(parse_indexes(text), list);
    }
}

/// A failed pod of an Indexed Job with its index's failure counts as annotations.
fn failed_pod(index: i32, failures: Option<&str>, ignored: Option<&str>) -> Pod {
    let mut annotations = std::collections::BTreeMap::new();
    annotations.insert(COMPLETION_INDEX.to_string(), index.to_string());
    if let Some(f) = failures {
        annotations.insert(INDEX_FAILURE_COUNT.to_string(), f.to_string());
    }
    if let Some(i) = ignored {
        annotations.insert(INDEX_IGNORED_FAILURE_COUNT.to_string(), i.to_string());
    }
    Pod {
        metadata: crate::model::ObjectMeta {
            name: Some(format!("job-{index}-x")),
            annotations: Some(annotations),
            ..Default::default()
        },
        spec: None,
        status: Some(k8s_openapi::api::core::v1::PodStatus {
            phase: Some("Failed".into()),
            ..Default::default()
        }),
    }
}

/// A row: name, failure count, ignored count, the policy's action, the limit per
/// index, whether the index failed, the replacement's counts.
type PerIndexCase<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    i32,
    bool,
    (i32, i32),
);

/// `isIndexFailed` and `getNewIndexFailureCounts`, one failed pod per row: (the pod's
/// failure count, its ignored count, the pod failure policy's action, the back-off
/// limit per index) give whether the index failed for good and the counts its
/// replacement carries.
#[test]
fn per_index_failures() {
    let cases: &[PerIndexCase] = &[
        (
            "first failure, limit 1",
            Some("0"),
            None,
            None,
            1,
            false,
            (1, 0),
        ),
        (
            "second failure, limit 1",
            Some("1"),
            None,
            None,
            1,
            true,
            (2, 0),
        ),
        (
            "limit 0: the first failure",
            Some("0"),
            None,
            None,
            0,
            true,
            (1, 0),
        ),
        (
            "no annotation counts as 0",
            None,
            None,
            None,
            2,
            false,
            (1, 0),
        ),
        (
            "a malformed count is 0",
            Some("x"),
            None,
            None,
            1,
            false,
            (1, 0),
        ),
        (
            "a negative count is 0",
            Some("-4"),
            None,
            None,
            1,
            false,
            (1, 0),
        ),
        (
            "Count rule: counted",
            Some("1"),
            None,
            Some("Count"),
            1,
            true,
            (2, 0),
        ),
        (
            "Ignore rule: not counted",
            Some("5"),
            Some("1"),
            Some(IGNORE),
            1,
            false,
            (5, 2),
        ),
        (
            "FailIndex rule: at once",
            Some("0"),
            None,
            Some("FailIndex"),
            3,
            true,
            (1, 0),
        ),
        (
            "ignored failures kept",
            Some("1"),
            Some("2"),
            None,
            3,
            false,
            (2, 2),
        ),
    ];
    for (name, failures, ignored, action, limit, failed, counts) in cases {
        let pod = failed_pod(3, *failures, *ignored);
        assert_eq!(index_failed(&pod, *action, *limit), *failed, "{name}");
        assert_eq!(new_failure_counts(Some(&pod), *action), *counts, "{name}");
    }
    assert_eq!(
        new_failure_counts(None, None),
        (0, 0),
        "an index's first pod"
    );
}

/// The replacement follows the index's failed pod with the most failures.
#[test]
fn the_failed_pod_a_replacement_follows() {
    let pods = vec![
        failed_pod(1, Some("0"), None),
        failed_pod(2, Some("0"), None),
        failed_pod(1, Some("1"), None),
        failed_pod(1, Some("0"), Some("1")),
    ];
    let last = last_failed_pod(&pods, 1, false).expect("a failed pod of index 1");
    assert_eq!(absolute_failure_count(last), 1);
    assert_eq!(last_failed_pod(&pods, 0, false), None);
}

fn rule(indexes: Option<&str>, count: Option<i32>) -> SuccessPolicyRule {
    SuccessPolicyRule {
        succeeded_indexes: indexes.map(Into::into),
        succeeded_count: count,
    }
}

/// A row: name, rules, succeeded indexes, the match's message.
type SuccessCase<'a> = (&'a str, Vec<SuccessPolicyRule>, Vec<i32>, Option<&'a str>);

/// `matchSuccessPolicy`: the first rule the succeeded indexes satisfy (of 10).
#[test]
fn success_policy_rules() {
    let cases: &[SuccessCase] = &[
        ("nothing succeeded", vec![rule(None, Some(1))], vec![], None),
        (
            "the docs' rule: one of 0, 2, 3",
            vec![rule(Some("0,2-3"), Some(1))],
            vec![2],
            Some("Matched rules at index 0"),
        ),
        (
            "not one of them",
            vec![rule(Some("0,2-3"), Some(1))],
            vec![1, 4],
            None,
        ),
        (
            "all of the indexes without a count",
            vec![rule(Some("0-2"), None)],
            vec![0, 1, 2, 7],
            Some("Matched rules at index 0"),
        ),
        (
            "one missing",
            vec![rule(Some("0-2"), None)],
            vec![0, 2],
            None,
        ),
        (
            "a count alone",
            vec![rule(None, Some(3)), rule(None, Some(2))],
            vec![4, 8],
            Some("Matched rules at index 1"),
        ),
        (
            "indexes past the completions are left out",
            vec![rule(Some("8-12"), None)],
            vec![8, 9],
            Some("Matched rules at index 0"),
        ),
    ];
    for (name, rules, succeeded, want) in cases {
        let policy = SuccessPolicy {
            rules: rules.clone(),
        };
        assert_eq!(
            match_success_policy(Some(&policy), 10, succeeded).as_deref(),
            *want,
            "{name}"
        );
    }
    assert_eq!(match_success_policy(None, 10, &[0, 1]), None, "no policy");
}
