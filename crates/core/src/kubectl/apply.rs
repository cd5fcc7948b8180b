//! `kubectl apply -f`: creates what does not exist and updates what does with a
//! three-way strategic merge of the last applied configuration (kept in the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation), the file, and the live
//! object: fields the file sets win, fields the last apply set and the file no longer does
//! are removed, fields nobody applied (defaults, the service account volume, status) stay.
//! Lists of containers, volumes, env, mounts and ports merge element by element on their
//! merge key; other lists are replaced.

use super::command::{Command, Group, Operands};
use super::common::{manifest_message, read_files};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources;
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::model::Object;
use crate::Cluster;
use serde_json::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The strategic-merge key of a list at `path` (dotted field names, lists adding none),
/// or `None` for lists that are replaced whole.
fn merge_key(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" if path.ends_with("containers.ports") || path.ends_with("initContainers.ports") => {
            Some("containerPort")
        }
        "ports" if path == "spec.ports" => Some("port"),
        _ => None,
    }
}

/// Three-way merge into `current`: `modified` is what is applied now, `original` what
/// was applied last time.
pub fn merge(current: &mut Value, original: Option<&Value>, modified: &Value, path: &str) {
    let (Value::Object(cur), Value::Object(m)) = (&mut *current, modified) else {
        *current = modified.clone();
        return;
    };
    for (k, mv) in m {
        let child = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        let ov = original.and_then(|o| o.get(k));
        // `null` in a patch removes the field.
        if mv.is_null() {
            cur.remove(k);
            continue;
        }
        match cur.get_mut(k) {
            Some(cv @ Value::Object(_)) if mv.is_object() => merge(cv, ov, mv, &child),
            Some(Value::Array(cl)) if mv.is_array() && merge_key(&child).is_some() => {
                let key = merge_key(&child).unwrap_or("name");
                merge_list(
                    cl,
                    ov.and_then(Value::as_array),
                    mv.as_array().map_or(&[][..], Vec::as_slice),
                    key,
                    &child,
                );
            }
            _ => {
                cur.insert(k.clone(), mv.clone());
            }
        }
    }
    if let Some(Value::Object(o)) = original {
        for k in o.keys() {
            if !m.contains_key(k) {
                cur.remove(k);
            }
        }
    }
}

fn merge_list(
    current: &mut Vec<Value>,
    original: Option<&Vec<Value>>,
    modified: &[Value],
    key: &str,
    path: &str,
) {
    let key_of = |v: &Value| v.get(key).cloned();
    for mv in modified {
        let k = key_of(mv);
        let ov = original.and_then(|o| o.iter().find(|x| k.is_some() && key_of(x) == k));
        match current.iter_mut().find(|c| k.is_some() && key_of(c) == k) {
            Some(cv) => merge(cv, ov, mv, path),
            None => current.push(mv.clone()),
        }
    }
    if let Some(original) = original {
        for ov in original {
            let k = key_of(ov);
            if !modified.iter().any(|m| key_of(m) == k) {
                current.retain(|c| key_of(c) != k);
            }
        }
    }
}

/// The manifest as kubectl records it in the annotation: the file's object with its
/// namespace filled in and without the annotation itself, as compact JSON (keys sorted)
/// and a newline.
fn last_applied(modified: &Value) -> String {
    let mut v = modified.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = annotations.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    format!("{}\n", crate::gofmt::json(&v, None))
}

fn set_annotation(v: &mut Value, key: &str, value: String) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = annotations.as_object_mut() {
            a.insert(key.to_string(), Value::String(value));
        }
    }
}

pub(super) const COMMAND: Command = Command {
    name: "apply",
    aliases: &[],
    group: Group::Advanced,
    summary: "Apply a configuration to a resource by file name or stdin",
    usage: "kubectl apply (-f FILENAME | -k DIRECTORY)",
    flags: &[
        NAMESPACE,
        flag("filename", Some('f'), Kind::StringArray)
            .help("The files that contain the configurations to apply."),
        super::flags::RECURSIVE,
        flag("server-side", None, Kind::Bool)
            .help("If true, apply runs in the server instead of the client."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

/// `kubectl apply -f FILE...`.
fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    if p.bool("server-side") {
        return out.fail("--server-side is not supported here yet; client-side apply is");
    }
    if p.strings("filename").is_empty() {
        return out.fail(
            "error: must specify one of -f and -k\n\nSee 'kubectl apply -h' for help and examples"
                .trim_start_matches("error: "),
        );
    }
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let Some(texts) = read_files(cluster, p, files, out) else {
        return;
    };
    // kubectl counts the objects it visits; none at all is an error of its own.
    let (mut count, mut rejected) = (0, false);
    for (file, text) in texts {
        let decoded =
            match crate::manifest::decode(&file, &text, crate::manifest::Validation::Strict) {
                Ok(d) => d,
                Err(ds) => {
                    for d in &crate::manifest::server_errors(&ds) {
                        out.err(format!("{}\n", manifest_message(d)));
                    }
                    out.exit_code = 1;
                    rejected = true;
                    continue;
                }
            };
        for m in decoded.manifests {
            count += 1;
            apply_one(cluster, &file, m.object, &namespace, out);
        }
    }
    if count == 0 && !rejected {
        out.fail("no objects passed to apply");
    }
}

fn apply_one(cluster: &mut Cluster, file: &str, object: Object, namespace: &str, out: &mut Output) {
    let kind = object.kind();
    let Some(rt) = resources::lookup(kind) else {
        return out.fail(format!(
            "applying {} is not supported here yet",
            object.resource()
        ));
    };
    let name = object.metadata().name.clone().unwrap_or_default();
    let ns = if rt.namespaced {
        object
            .metadata()
            .namespace
            .clone()
            .unwrap_or_else(|| namespace.to_string())
    } else {
        String::new()
    };
    let mut modified = object.to_json();
    if rt.namespaced {
        if let Some(meta) = modified.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(ns.clone()));
        }
    }
    let annotation = last_applied(&modified);
    set_annotation(&mut modified, LAST_APPLIED, annotation);

    let live = super::common::find(cluster, &rt, &ns, &name);
    let Some(live) = live else {
        let result = Object::from_json(kind, modified)
            .map_err(|e| format!("error: error validating {file:?}: {e}"))
            .and_then(|o| cluster.create(o).map_err(|e| create_error(&e, file)));
        match result {
            Ok(_) => out.out(format!("{}/{name} created\n", rt.name_prefix)),
            Err(e) => {
                out.err(format!("{e}\n"));
                out.exit_code = 1;
            }
        }
        return;
    };
    let live_json = live.to_json();
    let original: Option<Value> = live
        .metadata()
        .annotations
        .as_ref()
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(|t| serde_json::from_str(t).ok());
    if original.is_none() {
        out.err(format!(
            "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
            rt.plural
        ));
    }
    let mut desired = live_json.clone();
    merge(&mut desired, original.as_ref(), &modified, "");
    if desired == live_json {
        out.out(format!("{}/{name} unchanged\n", rt.name_prefix));
        return;
    }
    let result = Object::from_json(kind, desired)
        .map_err(|e| format!("error: {e}"))
        .and_then(|o| {
            cluster
                .update(o)
                .map_err(|e| e.kubectl_line_when(&format!("error when applying patch to {file:?}")))
        });
    match result {
        Ok(_) => out.out(format!("{}/{name} configured\n", rt.name_prefix)),
        Err(e) => {
            out.err(format!("{e}\n"));
            out.exit_code = 1;
        }
    }
}

fn create_error(e: &ApiError, file: &str) -> String {
    e.kubectl_line_when(&format!("error when creating {file:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_way_merge() {
        let mut live = json!({
            "metadata": {"name": "x", "labels": {"a": "1", "b": "2"}, "uid": "u"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always"}],
                     "volumes": [{"name": "token"}, {"name": "data"}]}
        });
        let original = json!({"metadata": {"name": "x", "labels": {"a": "1", "b": "2"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], "volumes": [{"name": "data"}]}});
        let modified = json!({"metadata": {"name": "x", "labels": {"a": "9"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.29"}]}});
        merge(&mut live, Some(&original), &modified, "");
        assert_eq!(live["metadata"]["labels"], json!({"a": "9"}));
        assert_eq!(live["metadata"]["uid"], "u");
        assert_eq!(live["spec"]["containers"][0]["image"], "nginx:1.29");
        assert_eq!(live["spec"]["containers"][0]["imagePullPolicy"], "Always");
        // `volumes` was applied before and is gone from the file: removed.
        assert!(live["spec"].get("volumes").is_none());
    }

    #[test]
    fn lists_merge_on_their_keys() {
        let mut live = json!({"spec": {"volumes": [{"name": "token", "projected": {}}, {"name": "data", "emptyDir": {}}]}});
        let original = json!({"spec": {"volumes": [{"name": "data", "emptyDir": {}}]}});
        let modified =
            json!({"spec": {"volumes": [{"name": "data", "emptyDir": {"medium": "Memory"}}]}});
        merge(&mut live, Some(&original), &modified, "");
        assert_eq!(live["spec"]["volumes"][0]["name"], "token");
        assert_eq!(live["spec"]["volumes"][1]["emptyDir"]["medium"], "Memory");
    }
}
