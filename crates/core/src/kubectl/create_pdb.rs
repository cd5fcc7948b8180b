//! `kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N`
//! (create_pdb.go): a budget from flags, checked as kubectl checks them.

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::labels::{Requirement, Selector};
use crate::model::{Object, ObjectMeta, PodDisruptionBudget};
use crate::Cluster;
use k8s_openapi::api::policy::v1::PodDisruptionBudgetSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(super) const COMMAND: Command = Command {
    name: "poddisruptionbudget",
    aliases: &["pdb"],
    group: Group::Beginner,
    summary: "Create a pod disruption budget with the specified name",
    usage: "kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("min-available", None, Kind::String).help("The minimum number or percentage of available pods this budget requires."),
        flag("max-unavailable", None, Kind::String).help("The maximum number or percentage of unavailable pods this budget requires."),
        flag("selector", None, Kind::String).help("A label selector to use for this budget. Only equality-based selector requirements are supported."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

/// `^[0-9]+%?$`.
fn valid_amount(s: &str) -> bool {
    let digits = s.strip_suffix('%').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `intstr.Parse`: a number, or the text.
fn int_or_string(s: &str) -> IntOrString {
    match s.parse::<i32>() {
        Ok(i) => IntOrString::Int(i),
        Err(_) => IntOrString::String(s.to_string()),
    }
}

/// `metav1.ParseToLabelSelector`: equalities as matchLabels, the rest as expressions.
fn label_selector(selector: &Selector) -> LabelSelector {
    let mut out = LabelSelector::default();
    let expr = |key: &str, operator: &str, values: Option<Vec<String>>| LabelSelectorRequirement {
        key: key.to_string(),
        operator: operator.to_string(),
        values,
    };
    for r in &selector.0 {
        let e = match r {
            Requirement::Equals(k, v) => {
                out.match_labels
                    .get_or_insert_with(Default::default)
                    .insert(k.clone(), v.clone());
                continue;
            }
            Requirement::NotEquals(k, v) => expr(k, "NotIn", Some(vec![v.clone()])),
            Requirement::In(k, vs) => expr(k, "In", Some(vs.clone())),
            Requirement::NotIn(k, vs) => expr(k, "NotIn", Some(vs.clone())),
            Requirement::Exists(k) => expr(k, "Exists", None),
            Requirement::DoesNotExist(k) => expr(k, "DoesNotExist", None),
        };
        out.match_expressions.get_or_insert_with(Vec::new).push(e);
    }
    out
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "poddisruptionbudget", out) else {
        return;
    };
    let min = p.string("min-available").unwrap_or_default();
    let max = p.string("max-unavailable").unwrap_or_default();
    let selector = p.string("selector").unwrap_or_default();
    if selector.is_empty() {
        return out.fail("a selector must be specified");
    }
    if min.is_empty() && max.is_empty() {
        return out.fail("one of min-available or max-unavailable must be specified");
    }
    if !min.is_empty() && !max.is_empty() {
        return out.fail("min-available and max-unavailable cannot be both specified");
    }
    if !min.is_empty() && !valid_amount(min) {
        return out.fail("invalid format specified for min-available");
    }
    if !max.is_empty() && !valid_amount(max) {
        return out.fail("invalid format specified for max-unavailable");
    }
    let parsed = match Selector::parse(selector) {
        Ok(s) => s,
        Err(e) => return out.fail(e.to_string()),
    };
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let amount = |s: &str| (!s.is_empty()).then(|| int_or_string(s));
    let pdb = PodDisruptionBudget {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: p.string("namespace").map(str::to_string),
            ..Default::default()
        },
        spec: Some(PodDisruptionBudgetSpec {
            min_available: amount(min),
            max_unavailable: amount(max),
            selector: Some(label_selector(&parsed)),
            ..Default::default()
        }),
        status: None,
    };
    create_object(
        cluster,
        Object::PodDisruptionBudget(Box::new(pdb)),
        mode,
        p.string("output"),
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_numbers_or_percentages() {
        for (s, ok) in [
            ("1", true),
            ("50%", true),
            ("10Percent", false),
            ("20.5%", false),
            ("%", false),
        ] {
            assert_eq!(valid_amount(s), ok, "{s}");
        }
    }
}
