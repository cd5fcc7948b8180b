//! The success policy of an Indexed Job (pkg/controller/job's success_policy): the
//! first rule its succeeded indexes satisfy, which declares the Job succeeded
//! (`SuccessCriteriaMet`, reason `SuccessPolicy`) before every index has.

use super::indexed_job_utils::parse_indexes;
use k8s_openapi::api::batch::v1::SuccessPolicy;

/// The condition's reason.
pub(super) const REASON: &str = "SuccessPolicy";

/// `matchSuccessPolicy`: `Matched rules at index N` for the first rule whose
/// succeededIndexes have succeeded (all of them, or succeededCount of them), or, for a
/// rule with only succeededCount, once that many indexes have.
pub(super) fn match_success_policy(
    policy: Option<&SuccessPolicy>,
    completions: i32,
    succeeded: &[i32],
) -> Option<String> {
    let policy = policy?;
    if succeeded.is_empty() {
        return None;
    }
    for (i, rule) in policy.rules.iter().enumerate() {
        let matched = match (&rule.succeeded_indexes, rule.succeeded_count) {
            (Some(indexes), count) => {
                let required: Vec<i32> = parse_indexes(indexes)
                    .into_iter()
                    .filter(|ix| *ix < completions)
                    .collect();
                if required.is_empty() {
                    continue;
                }
                let done = required.iter().filter(|ix| succeeded.contains(ix)).count();
                match count {
                    None => done == required.len(),
                    Some(c) => i64::try_from(done).unwrap_or(i64::MAX) >= i64::from(c),
                }
            }
            (None, Some(c)) => i64::try_from(succeeded.len()).unwrap_or(i64::MAX) >= i64::from(c),
            (None, None) => false,
        };
        if matched {
            return Some(format!("Matched rules at index {i}"));
        }
    }
    None
}
