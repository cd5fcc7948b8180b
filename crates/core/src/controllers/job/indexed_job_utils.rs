//! An Indexed Job's indexes (pkg/controller/job's indexed_job_utils): a pod's
//! completion index, `completedIndexes` and `failedIndexes` as the status writes
//! them, and, with a back-off limit per index, the failure counts each pod carries
//! for its index, when an index has failed, and the failed pod a replacement
//! follows.

use super::pod_failure_policy::{FAIL_INDEX, IGNORE};
use crate::model::Pod;

/// The annotation and label with an Indexed Job pod's index.
pub(crate) const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The failures of the pod's index before it (JobIndexFailureCountAnnotation).
pub(crate) const INDEX_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-failure-count";
/// The failures of its index the pod failure policy ignored before it.
pub(crate) const INDEX_IGNORED_FAILURE_COUNT: &str =
    "batch.kubernetes.io/job-index-ignored-failure-count";

/// `getCompletionIndex`: the pod's index, if it has a valid one.
pub(super) fn completion_index(pod: &Pod) -> Option<i32> {
    pod.metadata
        .annotations
        .as_ref()?
        .get(COMPLETION_INDEX)?
        .parse()
        .ok()
        .filter(|i| *i >= 0)
}

/// An annotation's count (`parseInt32`: 0 when missing, malformed or negative).
fn count(pod: &Pod, key: &str) -> i32 {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|v| *v >= 0)
        .unwrap_or(0)
}

/// `getIndexFailureCount`: the failures of the pod's index before it.
pub(super) fn failure_count(pod: &Pod) -> i32 {
    count(pod, INDEX_FAILURE_COUNT)
}

/// `getIndexAbsoluteFailureCount`: those and the ignored ones.
pub(super) fn absolute_failure_count(pod: &Pod) -> i32 {
    failure_count(pod).saturating_add(count(pod, INDEX_IGNORED_FAILURE_COUNT))
}

/// `getNewIndexFailureCounts`: the counts the replacement of a failed pod carries
/// (its own, with its failure added to the ignored ones when the pod failure policy
/// ignored it); (0, 0) for an index's first pod.
pub(super) fn new_failure_counts(replaced: Option<&Pod>, action: Option<&str>) -> (i32, i32) {
    let Some(pod) = replaced else {
        return (0, 0);
    };
    let (failures, ignored) = (failure_count(pod), count(pod, INDEX_IGNORED_FAILURE_COUNT));
    if action == Some(IGNORE) {
        (failures, ignored.saturating_add(1))
    } else {
        (failures.saturating_add(1), ignored)
    }
}

/// `isIndexFailed` of a failed pod: a FailIndex rule matched it, or it counts and
/// its index had already failed `backoffLimitPerIndex` times before it.
pub(super) fn index_failed(pod: &Pod, action: Option<&str>, limit_per_index: i32) -> bool {
    match action {
        Some(FAIL_INDEX) => true,
        Some(IGNORE) => false,
        _ => failure_count(pod) >= limit_per_index,
    }
}

/// Indexes as the status writes them (`orderedIntervals.String`): ascending, runs of
/// three or more joined (`0-2,5,6`).
pub(crate) fn format_indexes(indexes: &[i32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indexes.len() {
        let start = indexes[i];
        let mut end = start;
        while i + 1 < indexes.len() && indexes[i + 1] == end + 1 {
            i += 1;
            end = indexes[i];
        }
        out.push(if start == end {
            start.to_string()
        } else if end == start + 1 {
            format!("{start},{end}")
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(",")
}

/// The indexes of a `completedIndexes` string.
pub(super) fn parse_indexes(text: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) {
            out.extend(a..=b);
        }
    }
    out
}
