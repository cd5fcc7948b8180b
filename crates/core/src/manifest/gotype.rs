//! A field of the wrong type, worded as the API server's JSON decoder (Go's
//! encoding/json) words it: `json: cannot unmarshal string into Go struct field
//! PodSpec.spec.containers of type []v1.Container`. The Go types come from the API
//! schema, with the names of Go's named string types and its int64 fields from a
//! compact table (the schema only says `string` and `integer`).

use crate::model::de::{Path, Segment};
use crate::model::quantity;
use crate::openapi::{self, SchemaNode};
use serde_json::Value;

/// Enumerated string fields and their Go types (k8s.io/api/core/v1/types.go).
const NAMED_STRINGS: &[(&str, &str)] = &[
    ("AppArmorProfile.type", "AppArmorProfileType"),
    ("Container.imagePullPolicy", "PullPolicy"),
    (
        "Container.terminationMessagePolicy",
        "TerminationMessagePolicy",
    ),
    ("ContainerPort.protocol", "Protocol"),
    ("ContainerStatus.stopSignal", "Signal"),
    ("EndpointPort.protocol", "Protocol"),
    ("EphemeralContainer.imagePullPolicy", "PullPolicy"),
    (
        "EphemeralContainer.terminationMessagePolicy",
        "TerminationMessagePolicy",
    ),
    ("HTTPGetAction.scheme", "URIScheme"),
    ("HostPathVolumeSource.type", "HostPathType"),
    ("ImageVolumeSource.pullPolicy", "PullPolicy"),
    ("Lifecycle.stopSignal", "Signal"),
    ("NamespaceStatus.phase", "NamespacePhase"),
    ("NodeSelectorRequirement.operator", "NodeSelectorOperator"),
    ("NodeStatus.phase", "NodePhase"),
    (
        "PodSecurityContext.fsGroupChangePolicy",
        "PodFSGroupChangePolicy",
    ),
    (
        "PodSecurityContext.supplementalGroupsPolicy",
        "SupplementalGroupsPolicy",
    ),
    ("PodSpec.dnsPolicy", "DNSPolicy"),
    ("PodSpec.preemptionPolicy", "PreemptionPolicy"),
    ("PodSpec.restartPolicy", "RestartPolicy"),
    ("PodStatus.phase", "PodPhase"),
    ("PodStatus.qosClass", "PodQOSClass"),
    ("PortStatus.protocol", "Protocol"),
    ("SeccompProfile.type", "SeccompProfileType"),
    ("SecurityContext.procMount", "ProcMountType"),
    ("ServicePort.protocol", "Protocol"),
    (
        "ServiceSpec.externalTrafficPolicy",
        "ServiceExternalTrafficPolicy",
    ),
    (
        "ServiceSpec.internalTrafficPolicy",
        "ServiceInternalTrafficPolicy",
    ),
    ("ServiceSpec.ipFamilies", "IPFamily"),
    ("ServiceSpec.ipFamilyPolicy", "IPFamilyPolicy"),
    ("ServiceSpec.sessionAffinity", "ServiceAffinity"),
    ("ServiceSpec.type", "ServiceType"),
    ("Taint.effect", "TaintEffect"),
    ("Toleration.effect", "TaintEffect"),
    ("Toleration.operator", "TolerationOperator"),
    (
        "TopologySpreadConstraint.nodeAffinityPolicy",
        "NodeInclusionPolicy",
    ),
    (
        "TopologySpreadConstraint.nodeTaintsPolicy",
        "NodeInclusionPolicy",
    ),
    (
        "TopologySpreadConstraint.whenUnsatisfiable",
        "UnsatisfiableConstraintAction",
    ),
    ("VolumeMount.mountPropagation", "MountPropagationMode"),
];

/// Integer fields that are int64 in Go (every other integer is int32).
const INT64_FIELDS: &[&str] = &[
    "activeDeadlineSeconds",
    "deletionGracePeriodSeconds",
    "expirationSeconds",
    "fsGroup",
    "generation",
    "gid",
    "observedGeneration",
    "runAsGroup",
    "runAsUser",
    "seconds",
    "supplementalGroups",
    "terminationGracePeriodSeconds",
    "tolerationSeconds",
    "uid",
];

const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/// The decoder's message for the value at `path` of a `kind` object, when it is of the
/// wrong type for its field; `None` when the schema is not at hand or says nothing.
pub(super) fn type_error(kind: &str, json: &Value, path: &Path) -> Option<String> {
    let defs = openapi::definitions()?;
    let mut node = openapi::kind_definition(defs, kind)?;
    let mut value = json;
    // The Go struct whose field is being read, and the JSON names of the fields.
    let mut owner = kind.to_string();
    let mut in_struct = kind.to_string();
    let mut field = "";
    let mut fields: Vec<&str> = Vec::new();
    for segment in path.iter() {
        let here = openapi::resolve(defs, node);
        if let Some(r) = &node.reference {
            in_struct = short_name(r).to_string();
        }
        match segment {
            Segment::Map { key } => {
                value = value.get(key)?;
                if let Some(child) = here.properties.get(key) {
                    owner = in_struct.clone();
                    field = key;
                    fields.push(key);
                    node = child;
                } else {
                    node = here.additional_properties.as_deref()?;
                }
            }
            Segment::Seq { index } => {
                value = value.get(index)?;
                node = here.items.as_deref()?;
            }
            Segment::Enum { .. } => return None,
        }
    }
    if fields.is_empty() {
        return None;
    }
    let reference = node.reference.as_deref().unwrap_or_default();
    if reference == QUANTITY {
        // Quantity's own decoder parses whatever text it gets.
        return (!matches!(value, Value::String(_) | Value::Number(_) | Value::Null))
            .then(|| quantity::QuantityError(String::new()).to_string());
    }
    let expected = openapi::resolve(defs, node);
    let got = json_kind(value, expected, field)?;
    if reference == INT_OR_STRING {
        return Some(format!(
            "json: cannot unmarshal {got} into Go value of type int32"
        ));
    }
    Some(format!(
        "json: cannot unmarshal {got} into Go struct field {owner}.{} of type {}",
        fields.join("."),
        go_type(node, &owner, field)
    ))
}

/// How Go names the JSON value in the message (`string`, `number 1.5`, ...), or `None`
/// when the value fits the field.
fn json_kind(value: &Value, expected: &SchemaNode, field: &str) -> Option<String> {
    let is_struct = !expected.properties.is_empty();
    let ty = expected
        .ty
        .as_deref()
        .unwrap_or(if is_struct { "object" } else { "" });
    let int_bits = if INT64_FIELDS.contains(&field) {
        64
    } else {
        32
    };
    match value {
        Value::Null => None,
        Value::String(_) if ty == "string" || expected.reference.is_none() && ty.is_empty() => None,
        Value::String(_) => Some("string".into()),
        Value::Bool(_) if ty == "boolean" => None,
        Value::Bool(_) => Some("bool".into()),
        Value::Number(n) if ty == "integer" => {
            let fits = n
                .as_i64()
                .is_some_and(|i| int_bits == 64 || i32::try_from(i).is_ok());
            (!fits).then(|| format!("number {n}"))
        }
        Value::Number(_) if ty == "number" => None,
        Value::Number(_) => Some("number".into()),
        Value::Array(_) if ty == "array" => None,
        Value::Array(_) => Some("array".into()),
        Value::Object(_) if ty == "object" => None,
        Value::Object(_) => Some("object".into()),
    }
}

/// The Go type of a schema node as `reflect.Type.String()` prints it.
fn go_type(node: &SchemaNode, owner: &str, field: &str) -> String {
    if let Some(r) = &node.reference {
        return match r.as_str() {
            QUANTITY => "resource.Quantity".into(),
            INT_OR_STRING => "intstr.IntOrString".into(),
            _ => format!("v1.{}", short_name(r)),
        };
    }
    match node.ty.as_deref() {
        Some("array") => match node.items.as_deref() {
            Some(items) => format!("[]{}", go_type(items, owner, field)),
            None => "[]interface {}".into(),
        },
        Some("object") => match node.additional_properties.as_deref() {
            Some(v) if v.reference.as_deref() == Some(QUANTITY) => "v1.ResourceList".into(),
            Some(v) => format!("map[string]{}", go_type(v, owner, field)),
            None => "map[string]interface {}".into(),
        },
        Some("integer") if INT64_FIELDS.contains(&field) => "int64".into(),
        Some("integer") => "int32".into(),
        Some("boolean") => "bool".into(),
        Some("number") => "float64".into(),
        Some("string") => {
            let key = format!("{owner}.{field}");
            NAMED_STRINGS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or_else(|| "string".into(), |(_, t)| format!("v1.{t}"))
        }
        _ => "interface {}".into(),
    }
}

/// `io.k8s.api.core.v1.PodSpec` is `PodSpec`.
fn short_name(reference: &str) -> &str {
    reference.rsplit('.').next().unwrap_or(reference)
}
