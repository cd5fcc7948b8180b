//! A Job's pod failure and success policies as the API server validates them
//! (`validatePodFailurePolicy`, `validateSuccessPolicy` in pkg/apis/batch/validation):
//! at most 20 rules each, every rule's action, exit codes and pod conditions, and the
//! index lists success rules name, with the API server's messages and field paths.

use super::error::FieldError;
use k8s_openapi::api::batch::v1::{
    JobSpec, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule, SuccessPolicy,
};

/// `maxPodFailurePolicyRules`.
const MAX_POD_FAILURE_POLICY_RULES: usize = 20;
/// `maxPodFailurePolicyOnExitCodesValues`.
const MAX_EXIT_CODES_VALUES: usize = 255;
/// `maxPodFailurePolicyOnPodConditionsPatterns`.
const MAX_POD_CONDITIONS_PATTERNS: usize = 20;
/// `maxSuccessPolicyRule`.
const MAX_SUCCESS_POLICY_RULES: usize = 20;

/// Go's `%#v` of a `[]int32`.
fn int32s(values: &[i32]) -> String {
    let list: Vec<String> = values.iter().map(i32::to_string).collect();
    format!("[]int32{{{}}}", list.join(", "))
}

/// `validatePodFailurePolicy`: at most 20 rules, then each rule.
pub(super) fn pod_failure_policy(
    spec: &JobSpec,
    policy: &PodFailurePolicy,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    let rules_path = format!("{path}.rules");
    if policy.rules.len() > MAX_POD_FAILURE_POLICY_RULES {
        errs.push(FieldError::too_many(
            &rules_path,
            policy.rules.len(),
            MAX_POD_FAILURE_POLICY_RULES,
        ));
    }
    let pod = spec.template.spec.as_ref();
    let containers: Vec<&str> = pod
        .iter()
        .flat_map(|p| {
            p.containers
                .iter()
                .chain(p.init_containers.iter().flatten())
        })
        .map(|c| c.name.as_str())
        .collect();
    for (i, rule) in policy.rules.iter().enumerate() {
        pod_failure_policy_rule(spec, rule, &format!("{rules_path}[{i}]"), &containers, errs);
    }
}

/// `validatePodFailurePolicyRule`: the action, the exit codes, the pod conditions, and
/// exactly one of the two.
fn pod_failure_policy_rule(
    spec: &JobSpec,
    rule: &PodFailurePolicyRule,
    at: &str,
    containers: &[&str],
    errs: &mut Vec<FieldError>,
) {
    const ACTIONS: [&str; 4] = ["Count", "FailIndex", "FailJob", "Ignore"];
    let action_path = format!("{at}.action");
    if rule.action.is_empty() {
        errs.push(FieldError::required(
            &action_path,
            r#"valid values: ["Count" "FailIndex" "FailJob" "Ignore"]"#,
        ));
    } else if rule.action == "FailIndex" {
        if spec.backoff_limit_per_index.is_none() {
            errs.push(FieldError::invalid(
                &action_path,
                &rule.action,
                "requires the backoffLimitPerIndex to be set",
            ));
        }
    } else if !ACTIONS.contains(&rule.action.as_str()) {
        errs.push(FieldError::not_supported(
            &action_path,
            &rule.action,
            &ACTIONS,
        ));
    }
    if let Some(codes) = &rule.on_exit_codes {
        on_exit_codes(codes, &format!("{at}.onExitCodes"), containers, errs);
    }
    let conditions = rule.on_pod_conditions.as_deref().unwrap_or_default();
    if !conditions.is_empty() {
        on_pod_conditions(conditions, &format!("{at}.onPodConditions"), errs);
    }
    match (rule.on_exit_codes.is_some(), conditions.is_empty()) {
        (true, false) => errs.push(FieldError::invalid_omitted(
            at,
            "specifying both OnExitCodes and OnPodConditions is not supported",
        )),
        (false, true) => errs.push(FieldError::invalid_omitted(
            at,
            "specifying one of OnExitCodes and OnPodConditions is required",
        )),
        _ => {}
    }
}

/// `validatePodFailurePolicyRuleOnExitCodes`: the operator, a container of the
/// template, and 1 to 255 values, none 0 under In, none repeated, in order.
fn on_exit_codes(
    codes: &PodFailurePolicyOnExitCodesRequirement,
    at: &str,
    containers: &[&str],
    errs: &mut Vec<FieldError>,
) {
    let operator_path = format!("{at}.operator");
    if codes.operator.is_empty() {
        errs.push(FieldError::required(
            &operator_path,
            r#"valid values: ["In" "NotIn"]"#,
        ));
    } else if codes.operator != "In" && codes.operator != "NotIn" {
        errs.push(FieldError::not_supported(
            &operator_path,
            &codes.operator,
            &["In", "NotIn"],
        ));
    }
    if let Some(name) = &codes.container_name {
        if !containers.contains(&name.as_str()) {
            errs.push(FieldError::invalid(
                format!("{at}.containerName"),
                name,
                "must be one of the container or initContainer names in the pod template",
            ));
        }
    }
    let values_path = format!("{at}.values");
    if codes.values.is_empty() {
        errs.push(FieldError::invalid_raw(
            &values_path,
            &int32s(&codes.values),
            "at least one value is required",
        ));
    } else if codes.values.len() > MAX_EXIT_CODES_VALUES {
        errs.push(FieldError::too_many(
            &values_path,
            codes.values.len(),
            MAX_EXIT_CODES_VALUES,
        ));
    }
    for (j, &value) in codes.values.iter().enumerate() {
        let value_path = format!("{values_path}[{j}]");
        if codes.operator == "In" && value == 0 {
            errs.push(FieldError::invalid_int(
                &value_path,
                0,
                "must not be 0 for the In operator",
            ));
        }
        if codes.values[..j].contains(&value) {
            errs.push(FieldError::duplicate_int(&value_path, i64::from(value)));
        }
    }
    if codes.values.windows(2).any(|w| w[0] > w[1]) {
        errs.push(FieldError::invalid_raw(
            &values_path,
            &int32s(&codes.values),
            "must be ordered",
        ));
    }
}

/// `validatePodFailurePolicyRuleOnPodConditions`: at most 20 patterns, each a
/// qualified condition type with a status of True, False or Unknown.
fn on_pod_conditions(
    patterns: &[PodFailurePolicyOnPodConditionsPattern],
    at: &str,
    errs: &mut Vec<FieldError>,
) {
    const STATUSES: [&str; 3] = ["False", "True", "Unknown"];
    if patterns.len() > MAX_POD_CONDITIONS_PATTERNS {
        errs.push(FieldError::too_many(
            at,
            patterns.len(),
            MAX_POD_CONDITIONS_PATTERNS,
        ));
    }
    for (j, pattern) in patterns.iter().enumerate() {
        let pattern_path = format!("{at}[{j}]");
        for message in crate::model::meta::qualified_name_errors(&pattern.type_) {
            errs.push(FieldError::invalid(
                format!("{pattern_path}.type"),
                &pattern.type_,
                &message,
            ));
        }
        let status_path = format!("{pattern_path}.status");
        if pattern.status.is_empty() {
            errs.push(FieldError::required(
                &status_path,
                r#"valid values: ["False" "True" "Unknown"]"#,
            ));
        } else if !STATUSES.contains(&pattern.status.as_str()) {
            errs.push(FieldError::not_supported(
                &status_path,
                &pattern.status,
                &STATUSES,
            ));
        }
    }
}

/// `validateIndexesFormat`: the number of indexes an `0,2-4` list names, every one
/// below `completions`, intervals increasing; else the parsing error.
fn validate_indexes_format(text: &str, completions: i32) -> Result<i32, String> {
    if text.is_empty() {
        return Ok(0);
    }
    let mut last: Option<i32> = None;
    let mut total = 0i32;
    for interval in text.split(',') {
        let (x, y) = parse_index_interval(interval, completions)?;
        if let Some(l) = last.filter(|l| *l >= x) {
            return Err(format!("non-increasing order, previous: {l}, current: {x}"));
        }
        total = total.saturating_add(y - x + 1);
        last = Some(y);
    }
    Ok(total)
}

/// `parseIndexInterval`: `3` or `2-5`.
fn parse_index_interval(interval: &str, completions: i32) -> Result<(i32, i32), String> {
    let limits: Vec<&str> = interval.split('-').collect();
    if limits.len() > 2 {
        return Err(format!("the fragment {interval:?} violates the requirement that an index interval can have at most two parts separated by '-'"));
    }
    let number = |s: &str| -> Result<i32, String> {
        let v: i64 = s
            .parse()
            .map_err(|_| format!("cannot convert string to integer for index: {s:?}"))?;
        if v >= i64::from(completions) {
            return Err(format!("too large index: {s:?}"));
        }
        i32::try_from(v).map_err(|_| format!("cannot convert string to integer for index: {s:?}"))
    };
    let x = number(limits[0])?;
    match limits.get(1) {
        None => Ok((x, x)),
        Some(second) => {
            let y = number(second)?;
            if x >= y {
                return Err(format!("non-increasing order, previous: {x}, current: {y}"));
            }
            Ok((x, y))
        }
    }
}

/// `validateSuccessPolicy` of an Indexed Job: at least one rule, each with
/// succeededIndexes (a valid index list) or succeededCount (at most the completions,
/// and at most the indexes the rule names).
pub(super) fn success_policy(
    policy: &SuccessPolicy,
    completions: Option<i32>,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    let rules_path = format!("{path}.rules");
    if policy.rules.is_empty() {
        errs.push(FieldError::required(
            &rules_path,
            "at least one rules must be specified when the successPolicy is specified",
        ));
    }
    if policy.rules.len() > MAX_SUCCESS_POLICY_RULES {
        errs.push(FieldError::too_many(
            &rules_path,
            policy.rules.len(),
            MAX_SUCCESS_POLICY_RULES,
        ));
    }
    // Without completions the Job is already refused (Indexed needs them).
    let Some(completions) = completions else {
        return;
    };
    for (i, rule) in policy.rules.iter().enumerate() {
        let at = format!("{rules_path}[{i}]");
        if rule.succeeded_count.is_none() && rule.succeeded_indexes.is_none() {
            errs.push(FieldError::required(
                &at,
                "at least one of succeededCount or succeededIndexes must be specified",
            ));
        }
        let mut total = 0;
        if let Some(indexes) = &rule.succeeded_indexes {
            let field = format!("{at}.succeededIndexes");
            if indexes.len() > 64 * 1024 {
                errs.push(FieldError::too_long(&field, 64 * 1024));
            }
            match validate_indexes_format(indexes, completions) {
                Ok(t) => total = t,
                Err(e) => errs.push(FieldError::invalid(
                    &field,
                    indexes,
                    &format!("error parsing succeededIndexes: {e}"),
                )),
            }
        }
        if let Some(count) = rule.succeeded_count {
            let field = format!("{at}.succeededCount");
            super::apps::non_negative(i64::from(count), &field, errs);
            if count > completions {
                errs.push(FieldError::invalid_int(
                    &field,
                    i64::from(count),
                    &format!("must be less than or equal to {completions} (the number of specified completions)"),
                ));
            }
            if rule.succeeded_indexes.is_some() && count > total {
                errs.push(FieldError::invalid_int(
                    &field,
                    i64::from(count),
                    &format!("must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::ApiError;
    use super::super::ApiServer;
    use crate::clock::SimTime;
    use crate::model::Job;
    use serde_json::{json, Value};

    /// An Indexed Job of ten completions (containers `main` and init `setup`, restart
    /// Never, a back-off limit per index) with `policies` merged into its spec.
    fn job(policies: Value) -> Job {
        let mut spec = json!({
            "completionMode": "Indexed",
            "completions": 10,
            "parallelism": 2,
            "backoffLimitPerIndex": 1,
            "template": {"spec": {
                "restartPolicy": "Never",
                "initContainers": [{"name": "setup", "image": "busybox"}],
                "containers": [{"name": "main", "image": "busybox"}],
            }},
        });
        if let (Some(spec), Some(extra)) = (spec.as_object_mut(), policies.as_object()) {
            spec.extend(extra.clone());
        }
        serde_json::from_value(json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "indexed", "namespace": "default"},
            "spec": spec,
        }))
        .expect("a Job")
    }

    fn rule(action: &str, codes: Value) -> Value {
        json!({"action": action, "onExitCodes": codes})
    }

    /// `validatePodFailurePolicy` and `validateSuccessPolicy`, one spec per row, with
    /// every error the API server gives for it, in its order.
    #[test]
    fn pod_failure_and_success_policies_are_validated_as_the_api_server_does() {
        let exits = |op: &str, values: Value| json!({"operator": op, "values": values});
        let many_rules: Vec<Value> = (1..=21)
            .map(|i| rule("Count", exits("In", json!([i]))))
            .collect();
        let many_success: Vec<Value> = (0..21)
            .map(|i| json!({"succeededIndexes": (i % 10).to_string()}))
            .collect();
        let cases: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "valid policies",
                json!({
                    "podFailurePolicy": {"rules": [
                        rule("FailIndex", json!({"containerName": "setup", "operator": "In", "values": [1, 2]})),
                        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
                    ]},
                    "successPolicy": {"rules": [{"succeededIndexes": "0-2", "succeededCount": 2}]},
                }),
                vec![],
            ),
            (
                "more than 20 pod failure rules",
                json!({"podFailurePolicy": {"rules": many_rules}}),
                vec!["spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items"],
            ),
            (
                "more than 20 success rules",
                json!({"successPolicy": {"rules": many_success}}),
                vec!["spec.successPolicy.rules: Too many: 21: must have at most 20 items"],
            ),
            (
                "exit codes: a container not in the template, 0 under In, repeated, unordered",
                json!({"podFailurePolicy": {"rules": [
                    rule("FailJob", json!({"containerName": "sidecar", "operator": "In", "values": [5, 0, 5, 3]})),
                ]}}),
                vec![
                    "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"sidecar\": must be one of the container or initContainer names in the pod template",
                    "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
                    "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 5",
                    "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{5, 0, 5, 3}: must be ordered",
                ],
            ),
            (
                "exit codes: no values, an unknown operator",
                json!({"podFailurePolicy": {"rules": [rule("Count", exits("Between", json!([])))]}}),
                vec![
                    "spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: \"Between\": supported values: \"In\", \"NotIn\"",
                    "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least one value is required",
                ],
            ),
            (
                "more than 255 exit codes",
                json!({"podFailurePolicy": {"rules": [rule("Count", exits("NotIn", json!((1..=256).collect::<Vec<i32>>())))]}}),
                vec!["spec.podFailurePolicy.rules[0].onExitCodes.values: Too many: 256: must have at most 255 items"],
            ),
            (
                "pod conditions: a type that is no qualified name, a status not True, False or Unknown",
                json!({"podFailurePolicy": {"rules": [
                    {"action": "Ignore", "onPodConditions": [{"type": "Disruption Target", "status": "Maybe"}]},
                ]}}),
                vec![
                    "spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: \"Disruption Target\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    "spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
                ],
            ),
            (
                "both exit codes and pod conditions, then neither (an empty list of conditions)",
                json!({"podFailurePolicy": {"rules": [
                    {"action": "Ignore", "onExitCodes": exits("In", json!([1])), "onPodConditions": [{"type": "DisruptionTarget"}]},
                    {"action": "Ignore", "onPodConditions": []},
                ]}}),
                vec![
                    "spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
                    "spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
                ],
            ),
            (
                "an action it does not know, and none",
                json!({"podFailurePolicy": {"rules": [
                    rule("Retry", exits("In", json!([1]))),
                    rule("", exits("In", json!([2]))),
                ]}}),
                vec![
                    "spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
                    "spec.podFailurePolicy.rules[1].action: Required value: valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]",
                ],
            ),
            (
                "a pod failure policy replaces failed pods only",
                json!({
                    "podFailurePolicy": {"rules": [rule("Count", exits("In", json!([1])))]},
                    "podReplacementPolicy": "TerminatingOrFailed",
                }),
                vec!["spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\""],
            ),
        ];
        let mut wrong = Vec::new();
        for (name, policies, want) in cases {
            let mut api = ApiServer::new(1, SimTime(0));
            let got: Vec<String> = match api.create_job(job(policies), SimTime(0)) {
                Ok(_) => Vec::new(),
                Err(ApiError::Invalid { causes, .. }) => {
                    causes.iter().map(ToString::to_string).collect()
                }
                Err(e) => vec![e.to_string()],
            };
            if got != want {
                wrong.push(format!("{name}:\n  want {want:#?}\n  got  {got:#?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
