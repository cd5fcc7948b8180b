//! Writes `crates/core/data/openapi-v1_34.json`: the JSON schemas of the core/v1 kinds
//! Podlab serves (ConfigMap, Secret, ServiceAccount, PersistentVolume and
//! PersistentVolumeClaim among them), of discovery.k8s.io/v1 EndpointSlice, of the apps/v1
//! Deployment, ReplicaSet, DaemonSet, StatefulSet and ControllerRevision, of the batch/v1
//! Job and CronJob, of storage.k8s.io/v1 StorageClass, of policy/v1 PodDisruptionBudget
//! and of scheduling.k8s.io/v1 PriorityClass, with every definition they reach, as k8s-openapi ships them (the descriptions are the API's own). `kubectl explain` in core reads this file.
//!
//! k8s-openapi's schemas carry no enum lists, so the enumerated fields get theirs, and the
//! "Possible enum values" text the API appends to their descriptions, from [`enums`].
//!
//! `cargo run -p openapi-gen` rewrites it; the test below fails when it is stale.

mod enums;

use std::path::PathBuf;

use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use serde_json::{Map, Value};

/// Where core keeps the generated schema.
fn output_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/data/openapi-v1_34.json")
}

const REF_PREFIX: &str = "#/$defs/";

/// The compact document: one definition per line, keys sorted, only what explain reads.
pub fn generate() -> String {
    let mut generator = schemars::SchemaGenerator::default();
    generator.subschema_for::<Pod>();
    generator.subschema_for::<Node>();
    generator.subschema_for::<Service>();
    generator.subschema_for::<Endpoints>();
    generator.subschema_for::<Event>();
    generator.subschema_for::<Namespace>();
    generator.subschema_for::<EndpointSlice>();
    generator.subschema_for::<Deployment>();
    generator.subschema_for::<ReplicaSet>();
    generator.subschema_for::<DaemonSet>();
    generator.subschema_for::<StatefulSet>();
    generator.subschema_for::<ControllerRevision>();
    generator.subschema_for::<ConfigMap>();
    generator.subschema_for::<Secret>();
    generator.subschema_for::<Job>();
    generator.subschema_for::<CronJob>();
    generator.subschema_for::<ServiceAccount>();
    generator.subschema_for::<PersistentVolume>();
    generator.subschema_for::<PersistentVolumeClaim>();
    generator.subschema_for::<StorageClass>();
    generator.subschema_for::<PodDisruptionBudget>();
    generator.subschema_for::<PriorityClass>();
    let mut defs = generator.definitions().clone();
    add_enums(&mut defs);
    spec_required(&mut defs);
    let mut names: Vec<&String> = defs.keys().collect();
    names.sort();
    let mut out = String::from("{\n");
    for (i, name) in names.iter().enumerate() {
        let compact = compact(&defs[name.as_str()]);
        out.push_str(&serde_json::to_string(name.as_str()).expect("a string serializes"));
        out.push(':');
        out.push_str(&serde_json::to_string(&compact).expect("a schema serializes"));
        out.push_str(if i + 1 < names.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// Gives each field in [`enums::ENUMS`] its `enum` list and appends the lines the API
/// adds to its description. A field the schemas lack is a stale table: it stops here.
fn add_enums(defs: &mut Map<String, Value>) {
    for (definition, field, values) in enums::ENUMS {
        // A bare name is a core/v1 definition; another group's carries its package.
        let name = if definition.contains('.') {
            format!("io.k8s.api.{definition}")
        } else {
            format!("io.k8s.api.core.v1.{definition}")
        };
        let Some(prop) = defs
            .get_mut(&name)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(*field))
            .and_then(Value::as_object_mut)
        else {
            panic!("openapi-gen: {name} has no field {field:?}: the enum table is stale");
        };
        let mut text = prop
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        text.push_str("\n\nPossible enum values:");
        for (value, rest) in values.iter() {
            text.push_str(&format!("\n - `\"{value}\"`{rest}"));
        }
        prop.insert("description".into(), Value::String(text));
        let list = values.iter().map(|(v, _)| Value::String(v.to_string()));
        prop.insert("enum".into(), Value::Array(list.collect()));
    }
}

/// The kinds whose Go type declares `metadata` without `omitempty`, so the API's spec
/// lists it as required (k8s-openapi makes `metadata` required on every kind).
const METADATA_REQUIRED: &[&str] = &["io.k8s.api.core.v1.Event"];

/// The start of the description the API gives a reference's `name` that it defaults to
/// `""` and so does not list as required (k8s-openapi's types make such a field a plain
/// `String`, which its schemas mark required).
const DEFAULTED_NAME: &str =
    "Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.";

/// Makes every `required` list the API's own: k8s-openapi's schemas also require the
/// fields its types hold without `Option` (`metadata` of every kind, defaulted names).
/// `kubectl explain` marks `-required-` from these lists.
fn spec_required(defs: &mut Map<String, Value>) {
    for (name, def) in defs.iter_mut() {
        let Some(obj) = def.as_object_mut() else {
            continue;
        };
        let props = obj.get("properties").and_then(Value::as_object).cloned();
        let Some(Value::Array(required)) = obj.get_mut("required") else {
            continue;
        };
        required.retain(|field| {
            let field = field.as_str().unwrap_or_default();
            let description = props
                .as_ref()
                .and_then(|p| p.get(field))
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let metadata = field == "metadata" && !METADATA_REQUIRED.contains(&name.as_str());
            !(metadata || description.starts_with(DEFAULTED_NAME))
        });
        if required.is_empty() {
            obj.remove("required");
        }
    }
}

/// Keeps description, type, enum, properties, required, items, additionalProperties (a schema)
/// and $ref (without its `#/$defs/` prefix).
fn compact(schema: &Value) -> Value {
    let Value::Object(obj) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in obj {
        match key.as_str() {
            "description" | "type" | "required" | "enum" => {
                out.insert(key.clone(), value.clone());
            }
            "$ref" => {
                let name = value.as_str().unwrap_or_default();
                let name = name.strip_prefix(REF_PREFIX).unwrap_or(name);
                out.insert(key.clone(), Value::String(name.to_string()));
            }
            "items" => {
                out.insert(key.clone(), compact(value));
            }
            "additionalProperties" if value.is_object() => {
                out.insert(key.clone(), compact(value));
            }
            "properties" => {
                let props = value
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), compact(v))).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            _ => {}
        }
    }
    Value::Object(out)
}

fn main() {
    let path = output_path();
    let text = generate();
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("openapi-gen: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    println!(
        "openapi-gen: wrote {} ({} bytes)",
        path.display(),
        text.len()
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_schema_is_up_to_date() {
        let committed = std::fs::read_to_string(super::output_path()).unwrap_or_default();
        assert!(
            committed == super::generate(),
            "crates/core/data/openapi-v1_34.json is stale: run `cargo run -p openapi-gen`"
        );
    }
}
