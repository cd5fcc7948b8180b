//! A profile's `pluginConfig`: each plugin's arguments, decoded strictly, defaulted and
//! validated as kube-scheduler does (`validation_pluginargs.go`), and the ones Podlab's
//! plugins honour turned into their settings. Arguments kube-scheduler accepts but
//! Podlab's plugins cannot honour are refused by name.

use super::{BadValue, ConfigError, FieldErrorKind, FieldPath, PluginConfigV1};
use crate::model::labels::LabelSelectorError;
use crate::scheduler::plugins::node_resources_fit::{
    default_resources, Resource, ResourceWeight, UtilizationShapePoint, MAX_CUSTOM_PRIORITY_SCORE,
};
use crate::scheduler::plugins::pod_topology_spread::DefaultConstraints;
use crate::scheduler::plugins::{
    DefaultPreemption, InterPodAffinity, NodeAffinity, NodeResourcesBalancedAllocation,
    PodTopologySpread,
};
use crate::scheduler::ScoringStrategy;
use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// What a profile's arguments set.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub fit_strategy: ScoringStrategy,
    pub inter_pod_affinity: InterPodAffinity,
    pub node_affinity: NodeAffinity,
    pub default_preemption: DefaultPreemption,
    pub pod_topology_spread: PodTopologySpread,
    pub balanced_allocation: NodeResourcesBalancedAllocation,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeResourcesFitArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    ignored_resources: Option<Vec<String>>,
    ignored_resource_groups: Option<Vec<String>>,
    scoring_strategy: Option<ScoringStrategyV1>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScoringStrategyV1 {
    #[serde(rename = "type")]
    type_: Option<String>,
    resources: Option<Vec<ResourceSpec>>,
    requested_to_capacity_ratio: Option<RequestedToCapacityRatio>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceSpec {
    name: String,
    weight: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestedToCapacityRatio {
    shape: Option<Vec<ShapePoint>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapePoint {
    utilization: i64,
    score: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PodTopologySpreadArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    default_constraints: Option<Vec<DefaultConstraintV1>>,
    defaulting_type: Option<String>,
}

/// A `v1.TopologySpreadConstraint` of `defaultConstraints`, every field optional so
/// that a missing one is validation's to report, as kube-scheduler's zero values are.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DefaultConstraintV1 {
    max_skew: Option<i32>,
    topology_key: Option<String>,
    when_unsatisfiable: Option<String>,
    label_selector: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    min_domains: Option<i32>,
    node_affinity_policy: Option<String>,
    node_taints_policy: Option<String>,
    match_label_keys: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InterPodAffinityArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    hard_pod_affinity_weight: Option<i64>,
    ignore_preferred_terms_of_existing_pods: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeAffinityArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    added_affinity: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DefaultPreemptionArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    min_candidate_nodes_percentage: Option<i64>,
    min_candidate_nodes_absolute: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VolumeBindingArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    bind_timeout_seconds: Option<i64>,
    shape: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeResourcesBalancedAllocationArgs {
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    resources: Option<Vec<ResourceSpec>>,
}

/// Every `pluginConfig` entry of the profile at `path`; errors go to `errors`.
pub(super) fn parse_all(
    path: &FieldPath,
    configs: &[PluginConfigV1],
    errors: &mut Vec<ConfigError>,
) -> Parsed {
    let mut parsed = Parsed::default();
    let mut seen: Vec<&str> = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let at = path.child("pluginConfig").index(i);
        if seen.contains(&config.name.as_str()) {
            errors.push(ConfigError::Field {
                path: at.clone(),
                kind: FieldErrorKind::Duplicate {
                    value: config.name.clone(),
                },
            });
        }
        seen.push(&config.name);
        let args = config.args.clone().unwrap_or(serde_json::Value::Null);
        let args_path = at.child("args");
        let kind = args.get("kind").and_then(|k| k.as_str());
        if let Some(kind) = kind {
            if kind != format!("{}Args", config.name) {
                errors.push(ConfigError::invalid(
                    args_path.clone(),
                    BadValue::Str(kind.into()),
                    "has to match plugin args",
                ));
                continue;
            }
        }
        match config.name.as_str() {
            "NodeResourcesFit" => {
                if let Some(a) = decode::<NodeResourcesFitArgs>(&args, &args_path, errors) {
                    if let Some(s) = node_resources_fit(a, &args_path, errors) {
                        parsed.fit_strategy = s;
                    }
                }
            }
            "PodTopologySpread" => {
                if let Some(a) = decode::<PodTopologySpreadArgs>(&args, &args_path, errors) {
                    if let Some(p) = pod_topology_spread(a, &args_path, errors) {
                        parsed.pod_topology_spread = p;
                    }
                }
            }
            "InterPodAffinity" => {
                if let Some(a) = decode::<InterPodAffinityArgs>(&args, &args_path, errors) {
                    if let Some(p) = inter_pod_affinity(a, &args_path, errors) {
                        parsed.inter_pod_affinity = p;
                    }
                }
            }
            "NodeAffinity" => {
                if let Some(a) = decode::<NodeAffinityArgs>(&args, &args_path, errors) {
                    if let Some(p) = node_affinity(a, &args_path, errors) {
                        parsed.node_affinity = p;
                    }
                }
            }
            "DefaultPreemption" => {
                if let Some(a) = decode::<DefaultPreemptionArgs>(&args, &args_path, errors) {
                    if let Some(p) = default_preemption(a, &args_path, errors) {
                        parsed.default_preemption = p;
                    }
                }
            }
            "VolumeBinding" => {
                if let Some(a) = decode::<VolumeBindingArgs>(&args, &args_path, errors) {
                    volume_binding(a, &args_path, errors);
                }
            }
            "NodeResourcesBalancedAllocation" => {
                let decoded =
                    decode::<NodeResourcesBalancedAllocationArgs>(&args, &args_path, errors);
                if let Some(a) = decoded {
                    if let Some(p) = balanced_allocation(a, &args_path, errors) {
                        parsed.balanced_allocation = p;
                    }
                }
            }
            name => {
                let known = super::registry::lookup(name).is_some()
                    || super::registry::NOT_IMPLEMENTED.contains(&name);
                let what = if known {
                    format!("arguments for the {name} plugin")
                } else {
                    format!("the plugin {name:?}")
                };
                errors.push(ConfigError::not_implemented(at.child("name"), what));
            }
        }
    }
    parsed
}

/// Decodes one plugin's arguments strictly; an unknown field names its full path.
fn decode<T: DeserializeOwned>(
    args: &serde_json::Value,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<T> {
    let empty = serde_json::Value::Object(Default::default());
    let value = if args.is_null() { &empty } else { args };
    match crate::model::de::from_value::<T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let mut at = path.clone();
            at.0.extend(e.path().iter().cloned());
            let inner = e.into_inner().to_string();
            let message = match inner.strip_prefix("unknown field `") {
                Some(rest) => {
                    let name = rest.split('`').next().unwrap_or_default();
                    format!("strict decoding error: unknown field \"{at}.{name}\"")
                }
                None => inner,
            };
            errors.push(ConfigError::Decode { path: at, message });
            None
        }
    }
}

fn resource_of(name: &str) -> Option<Resource> {
    match name {
        "cpu" => Some(Resource::Cpu),
        "memory" => Some(Resource::Memory),
        _ => None,
    }
}

/// `ValidateNodeResourcesFitArgs` after `SetDefaults_NodeResourcesFitArgs`.
fn node_resources_fit(
    args: NodeResourcesFitArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<ScoringStrategy> {
    let before = errors.len();
    for (field, list) in [
        ("ignoredResources", &args.ignored_resources),
        ("ignoredResourceGroups", &args.ignored_resource_groups),
    ] {
        if list.as_ref().is_some_and(|l| !l.is_empty()) {
            errors.push(ConfigError::not_implemented(
                path.child(field),
                format!("NodeResourcesFitArgs.{field} (Podlab counts cpu, memory and pods only)"),
            ));
        }
    }
    let strategy_path = path.child("scoringStrategy");
    let Some(strategy) = args.scoring_strategy else {
        return (errors.len() == before).then(ScoringStrategy::default);
    };
    const TYPES: [&str; 3] = [
        "LeastAllocated",
        "MostAllocated",
        "RequestedToCapacityRatio",
    ];
    let type_ = strategy.type_.unwrap_or_default();
    if !TYPES.contains(&type_.as_str()) {
        errors.push(ConfigError::Field {
            path: strategy_path.child("type"),
            kind: FieldErrorKind::NotSupported {
                value: type_.clone(),
                supported: TYPES.to_vec(),
            },
        });
    }
    let resources_path = strategy_path.child("resources");
    let mut resources = Vec::new();
    for (i, r) in strategy.resources.iter().flatten().enumerate() {
        let weight = match r.weight {
            None | Some(0) => 1,
            Some(w) => w,
        };
        if weight <= 0 || weight > 100 {
            errors.push(ConfigError::invalid(
                resources_path.index(i).child("weight"),
                BadValue::Int(weight),
                format!("resource weight of {} not in valid range (0, 100]", r.name),
            ));
        }
        match resource_of(&r.name) {
            Some(resource) => resources.push(ResourceWeight { resource, weight }),
            None => errors.push(ConfigError::not_implemented(
                resources_path.index(i).child("name"),
                format!("scoring by {:?} (only cpu and memory)", r.name),
            )),
        }
    }
    if resources.is_empty() {
        resources = default_resources();
    }
    let ratio_path = strategy_path.child("requestedToCapacityRatio");
    let mut shape = Vec::new();
    if type_ == "RequestedToCapacityRatio" {
        match &strategy.requested_to_capacity_ratio {
            None => errors.push(ConfigError::required(
                ratio_path,
                "must be specified when type is RequestedToCapacityRatio",
            )),
            Some(r) => {
                let points = r.shape.as_deref().unwrap_or_default();
                validate_shape(points, &ratio_path.child("shape"), errors);
                shape = points
                    .iter()
                    .map(|p| UtilizationShapePoint {
                        utilization: p.utilization,
                        score: p.score,
                    })
                    .collect();
            }
        }
    } else if strategy.requested_to_capacity_ratio.is_some() {
        errors.push(ConfigError::Field {
            path: ratio_path,
            kind: FieldErrorKind::Forbidden {
                detail: "must be nil when type is not RequestedToCapacityRatio".into(),
            },
        });
    }
    if errors.len() != before {
        return None;
    }
    Some(match type_.as_str() {
        "MostAllocated" => ScoringStrategy::MostAllocated { resources },
        "RequestedToCapacityRatio" => {
            ScoringStrategy::RequestedToCapacityRatio { resources, shape }
        }
        _ => ScoringStrategy::LeastAllocated { resources },
    })
}

/// `validateFunctionShape`.
fn validate_shape(shape: &[ShapePoint], path: &FieldPath, errors: &mut Vec<ConfigError>) {
    if shape.is_empty() {
        errors.push(ConfigError::required(
            path.clone(),
            "at least one point must be specified",
        ));
        return;
    }
    if let Some(i) = (1..shape.len()).find(|&i| shape[i - 1].utilization >= shape[i].utilization) {
        errors.push(ConfigError::invalid(
            path.index(i).child("utilization"),
            BadValue::Int(shape[i].utilization),
            "values must be sorted in increasing order",
        ));
    }
    for (i, p) in shape.iter().enumerate() {
        if !(0..=100).contains(&p.utilization) {
            errors.push(ConfigError::invalid(
                path.index(i).child("utilization"),
                BadValue::Int(p.utilization),
                "not in valid range [0, 100]",
            ));
        }
        if !(0..=MAX_CUSTOM_PRIORITY_SCORE).contains(&p.score) {
            errors.push(ConfigError::invalid(
                path.index(i).child("score"),
                BadValue::Int(p.score),
                format!("not in valid range [0, {MAX_CUSTOM_PRIORITY_SCORE}]"),
            ));
        }
    }
}

/// `ValidatePodTopologySpreadArgs` after the defaults (`defaultingType: System`): the
/// defaulting type, then each default constraint (`validateTopologySpreadConstraints`
/// with no `labelSelector`: the selector is deduced for each pod), every error
/// reported.
fn pod_topology_spread(
    args: PodTopologySpreadArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<PodTopologySpread> {
    let before = errors.len();
    let defaulting = args.defaulting_type.unwrap_or_else(|| "System".into());
    let constraints = args.default_constraints.unwrap_or_default();
    let at = path.child("defaultingType");
    if defaulting != "System" && defaulting != "List" {
        errors.push(ConfigError::Field {
            path: at,
            kind: FieldErrorKind::NotSupported {
                value: defaulting.clone(),
                supported: vec!["System", "List"],
            },
        });
    } else if defaulting == "System" && !constraints.is_empty() {
        errors.push(ConfigError::invalid(
            at,
            BadValue::Str(defaulting.clone()),
            "when .defaultConstraints are not empty",
        ));
    }
    let list_path = path.child("defaultConstraints");
    for (i, c) in constraints.iter().enumerate() {
        let p = list_path.index(i);
        let max_skew = c.max_skew.unwrap_or(0);
        if max_skew <= 0 {
            errors.push(ConfigError::invalid(
                p.child("maxSkew"),
                BadValue::Int(i64::from(max_skew)),
                "not in valid range (0, inf)",
            ));
        }
        let key = c.topology_key.as_deref().unwrap_or_default();
        if key.is_empty() {
            errors.push(ConfigError::required(
                p.child("topologyKey"),
                "can not be empty",
            ));
        } else {
            // metav1validation.ValidateLabelName: an error per message.
            for message in crate::model::meta::qualified_name_errors(key) {
                errors.push(ConfigError::invalid(
                    p.child("topologyKey"),
                    BadValue::Str(key.to_string()),
                    message,
                ));
            }
        }
        let when = c.when_unsatisfiable.as_deref().unwrap_or_default();
        if when.is_empty() {
            errors.push(ConfigError::required(
                p.child("whenUnsatisfiable"),
                "can not be empty",
            ));
        } else if when != "DoNotSchedule" && when != "ScheduleAnyway" {
            errors.push(ConfigError::Field {
                path: p.child("whenUnsatisfiable"),
                kind: FieldErrorKind::NotSupported {
                    value: when.to_string(),
                    supported: vec!["DoNotSchedule", "ScheduleAnyway"],
                },
            });
        }
        if c.label_selector.is_some() {
            errors.push(ConfigError::Field {
                path: p.child("labelSelector"),
                kind: FieldErrorKind::Forbidden {
                    detail: "constraint must not define a selector, as they deduced for each pod"
                        .into(),
                },
            });
        }
        // validateConstraintNotRepeat: the first earlier one with the same pair.
        let same = |o: &DefaultConstraintV1| {
            o.topology_key.as_deref().unwrap_or_default() == key
                && o.when_unsatisfiable.as_deref().unwrap_or_default() == when
        };
        if constraints.iter().take(i).any(same) {
            errors.push(ConfigError::Field {
                path: p.clone(),
                kind: FieldErrorKind::Duplicate {
                    value: format!("{{{key}, {when}}}"),
                },
            });
        }
    }
    if errors.len() != before {
        return None;
    }
    let default_constraints = if defaulting == "System" {
        DefaultConstraints::System
    } else {
        DefaultConstraints::List(
            constraints
                .into_iter()
                .map(|c| TopologySpreadConstraint {
                    max_skew: c.max_skew.unwrap_or(0),
                    topology_key: c.topology_key.unwrap_or_default(),
                    when_unsatisfiable: c.when_unsatisfiable.unwrap_or_default(),
                    label_selector: None,
                    min_domains: c.min_domains,
                    node_affinity_policy: c.node_affinity_policy,
                    node_taints_policy: c.node_taints_policy,
                    match_label_keys: c.match_label_keys,
                })
                .collect(),
        )
    };
    Some(PodTopologySpread {
        default_constraints,
    })
}

/// `ValidateInterPodAffinityArgs` after the defaults (weight 1).
fn inter_pod_affinity(
    args: InterPodAffinityArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<InterPodAffinity> {
    let weight = args.hard_pod_affinity_weight.unwrap_or(1);
    if !(0..=100).contains(&weight) {
        errors.push(ConfigError::invalid(
            path.child("hardPodAffinityWeight"),
            BadValue::Int(weight),
            "not in valid range [0, 100]",
        ));
        return None;
    }
    Some(InterPodAffinity {
        hard_pod_affinity_weight: weight,
        ignore_preferred_terms_of_existing_pods: args
            .ignore_preferred_terms_of_existing_pods
            .unwrap_or(false),
    })
}

/// `ValidateNodeAffinityArgs`: the added affinity parses as node selectors do
/// (`nodeaffinity.NewNodeSelector`, `NewPreferredSchedulingTerms`), and becomes the
/// plugin's (`New`: preferred terms only when there are any).
fn node_affinity(
    args: NodeAffinityArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<NodeAffinity> {
    let Some(value) = args.added_affinity.filter(|v| !v.is_null()) else {
        return Some(NodeAffinity::default());
    };
    let at = path.child("addedAffinity");
    let added: k8s_openapi::api::core::v1::NodeAffinity = decode(&value, &at, errors)?;
    // The API types keep no unknown field: what did not survive the round trip was one.
    let kept = serde_json::to_value(&added).unwrap_or_default();
    if let Some((parent, name)) = unknown_field(&value, &kept, &at) {
        let full = parent.child(name);
        errors.push(ConfigError::Decode {
            message: format!("strict decoding error: unknown field \"{full}\""),
            path: parent,
        });
        return None;
    }
    let before = errors.len();
    if let Some(required) = &added.required_during_scheduling_ignored_during_execution {
        let terms = at
            .child("requiredDuringSchedulingIgnoredDuringExecution")
            .child("nodeSelectorTerms");
        for (i, term) in required.node_selector_terms.iter().enumerate() {
            node_selector_term(term, &terms.index(i), errors);
        }
    }
    let preferred = added
        .preferred_during_scheduling_ignored_during_execution
        .filter(|terms| !terms.is_empty());
    let terms = at.child("preferredDuringSchedulingIgnoredDuringExecution");
    for (i, term) in preferred.iter().flatten().enumerate() {
        // A term of weight 0 is not parsed; its errors are kube's term's, at the
        // entry's index (`preference` is not in the path).
        if term.weight != 0 {
            node_selector_term(&term.preference, &terms.index(i), errors);
        }
    }
    (errors.len() == before).then_some(NodeAffinity {
        added_required: added.required_during_scheduling_ignored_during_execution,
        added_preferred: preferred,
    })
}

/// The first field of `input` that `kept` (the same value after a typed round trip)
/// lost: the path of the object holding it, and its name; nulls are no fields.
fn unknown_field<'a>(
    input: &'a serde_json::Value,
    kept: &serde_json::Value,
    at: &FieldPath,
) -> Option<(FieldPath, &'a str)> {
    use serde_json::Value;
    match (input, kept) {
        (Value::Object(given), Value::Object(known)) => {
            given.iter().find_map(|(k, v)| match known.get(k) {
                Some(kept) => unknown_field(v, kept, &at.child(k)),
                None if v.is_null() => None,
                None => Some((at.clone(), k.as_str())),
            })
        }
        (Value::Array(given), Value::Array(known)) => given
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (v, kept))| unknown_field(v, kept, &at.index(i))),
        _ => None,
    }
}

/// `newNodeSelectorTerm`'s parse errors for one term at `at` (an empty term selects
/// nothing and is not parsed).
fn node_selector_term(
    term: &k8s_openapi::api::core::v1::NodeSelectorTerm,
    at: &FieldPath,
    errors: &mut Vec<ConfigError>,
) {
    const OPERATORS: [&str; 6] = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
    for (i, r) in term.match_expressions.iter().flatten().enumerate() {
        let at = at.child("matchExpressions").index(i);
        if !OPERATORS.contains(&r.operator.as_str()) {
            errors.push(ConfigError::Field {
                path: at.child("operator"),
                kind: FieldErrorKind::NotSupported {
                    value: r.operator.clone(),
                    supported: OPERATORS.to_vec(),
                },
            });
            continue;
        }
        // labels.NewRequirement: the key, the values for the operator, each value.
        let key_errors = crate::model::meta::qualified_name_errors(&r.key);
        if !key_errors.is_empty() {
            errors.push(ConfigError::invalid(
                at.child("key"),
                BadValue::Str(r.key.clone()),
                key_errors.join("; "),
            ));
        }
        let values_at = at.child("values");
        let values = r.values.as_deref().unwrap_or_default();
        let all = || BadValue::Strs(r.values.clone());
        match r.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => errors.push(ConfigError::invalid(
                values_at.clone(),
                all(),
                LabelSelectorError::EmptyValues.to_string(),
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(ConfigError::invalid(
                values_at.clone(),
                all(),
                LabelSelectorError::ValuesGiven.to_string(),
            )),
            "Gt" | "Lt" => {
                if values.len() != 1 {
                    errors.push(ConfigError::invalid(
                        values_at.clone(),
                        all(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (j, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errors.push(ConfigError::invalid(
                            values_at.index(j),
                            BadValue::Str(v.clone()),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (j, v) in values.iter().enumerate() {
            let value_errors = crate::model::meta::label_value_errors(v);
            if !value_errors.is_empty() {
                errors.push(ConfigError::invalid(
                    values_at.index(j).key(&r.key),
                    BadValue::Str(v.clone()),
                    value_errors.join("; "),
                ));
            }
        }
    }
    // nodeSelectorRequirementsAsFieldSelector: In and NotIn with one value each.
    for (i, r) in term.match_fields.iter().flatten().enumerate() {
        let at = at.child("matchFields").index(i);
        match r.operator.as_str() {
            "In" | "NotIn" if r.values.as_ref().is_none_or(|v| v.len() != 1) => {
                errors.push(ConfigError::invalid(
                    at.child("values"),
                    BadValue::Strs(r.values.clone()),
                    "must have one element",
                ))
            }
            "In" | "NotIn" => {}
            other => errors.push(ConfigError::Field {
                path: at.child("operator"),
                kind: FieldErrorKind::NotSupported {
                    value: other.to_string(),
                    supported: vec!["In", "NotIn"],
                },
            }),
        }
    }
}

/// `ValidateDefaultPreemptionArgs` after the defaults (10 %, 100 nodes).
fn default_preemption(
    args: DefaultPreemptionArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<DefaultPreemption> {
    let before = errors.len();
    let pct = args.min_candidate_nodes_percentage.unwrap_or(10);
    let abs = args.min_candidate_nodes_absolute.unwrap_or(100);
    let (pct_path, abs_path) = (
        path.child("minCandidateNodesPercentage"),
        path.child("minCandidateNodesAbsolute"),
    );
    if !(0..=100).contains(&pct) {
        errors.push(ConfigError::invalid(
            pct_path.clone(),
            BadValue::Int(pct),
            "not in valid range [0, 100]",
        ));
    }
    if abs < 0 {
        errors.push(ConfigError::invalid(
            abs_path.clone(),
            BadValue::Int(abs),
            "not in valid range [0, inf)",
        ));
    }
    if pct == 0 && abs == 0 {
        errors.push(ConfigError::invalid(
            pct_path.clone(),
            BadValue::Int(pct),
            "cannot be zero at the same time as minCandidateNodesAbsolute",
        ));
        errors.push(ConfigError::invalid(
            abs_path,
            BadValue::Int(abs),
            "cannot be zero at the same time as minCandidateNodesPercentage",
        ));
    }
    (errors.len() == before).then_some(DefaultPreemption {
        min_candidate_nodes_percentage: i32::try_from(pct).ok()?,
        min_candidate_nodes_absolute: i32::try_from(abs).ok()?,
    })
}

fn volume_binding(args: VolumeBindingArgs, path: &FieldPath, errors: &mut Vec<ConfigError>) {
    if let Some(t) = args.bind_timeout_seconds {
        if t < 0 {
            errors.push(ConfigError::invalid(
                path.child("bindTimeoutSeconds"),
                BadValue::Int(t),
                "invalid BindTimeoutSeconds, should not be a negative value",
            ));
        }
    }
    // Podlab binds claims at once, so no timeout is ever reached: any valid value
    // behaves the same.
    if args.shape.is_some() {
        errors.push(ConfigError::invalid(
            path.child("shape"),
            BadValue::Str("shape".into()),
            "unexpected field `shape`, remove it or turn on the feature gate StorageCapacityScoring",
        ));
    }
}

/// `ValidateNodeResourcesBalancedAllocationArgs` after the defaults (cpu and memory
/// when no resource is listed; an unset or 0 weight is 1): each name once, each weight
/// 1. Any resource name is accepted.
fn balanced_allocation(
    args: NodeResourcesBalancedAllocationArgs,
    path: &FieldPath,
    errors: &mut Vec<ConfigError>,
) -> Option<NodeResourcesBalancedAllocation> {
    let before = errors.len();
    let mut seen: Vec<&str> = Vec::new();
    let list = args.resources.as_deref().unwrap_or_default();
    for (i, r) in list.iter().enumerate() {
        let at = path.child("resources").index(i);
        if seen.contains(&r.name.as_str()) {
            errors.push(ConfigError::Field {
                path: at.child("name"),
                kind: FieldErrorKind::Duplicate {
                    value: r.name.clone(),
                },
            });
        } else {
            seen.push(&r.name);
        }
        let weight = match r.weight {
            None | Some(0) => 1,
            Some(w) => w,
        };
        if weight != 1 {
            errors.push(ConfigError::invalid(
                at.child("weight"),
                BadValue::Int(weight),
                "must be 1",
            ));
        }
    }
    (errors.len() == before).then(|| {
        NodeResourcesBalancedAllocation::with_resources(list.iter().map(|r| r.name.as_str()))
    })
}
