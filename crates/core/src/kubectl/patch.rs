//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`: changes a live
//! object in place. A strategic merge patch (the default) merges lists of containers,
//! volumes, env and ports element by element on their merge keys; a JSON merge patch
//! (RFC 7386) replaces lists; a JSON patch (RFC 6902) is a list of operations. In the
//! two merge patches `null` removes a field. The API server then validates the result
//! as an update (a pod's spec takes only a few changes).

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources;
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::model::Object;
use crate::Cluster;
use serde_json::Value;

pub(super) const COMMAND: Command = Command {
    name: "patch",
    aliases: &[],
    group: Group::Advanced,
    summary: "Update fields of a resource",
    usage: "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
    flags: &[
        NAMESPACE,
        flag("patch", Some('p'), Kind::String)
            .help("The patch to be applied to the resource JSON file."),
        flag("patch-file", None, Kind::String)
            .help("A file containing a patch to be applied to the resource."),
        flag("type", None, Kind::String)
            .default("'strategic'")
            .help("The type of patch being provided; one of [json merge strategic]"),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let kind = p.string("type").unwrap_or("strategic");
    if !matches!(kind, "json" | "merge" | "strategic") {
        return out.fail(format!(
            "--type must be one of [json merge strategic], not {kind:?}"
        ));
    }
    let text = match (p.string("patch"), p.string("patch-file")) {
        (Some(_), Some(_)) => return out.fail("--patch and --patch-file are mutually exclusive"),
        (Some(t), None) => t.to_string(),
        (None, Some(path)) => match files.read_in(cluster, path) {
            Ok(t) => t,
            Err(e) => return out.fail(format!("unable to read patch file: {e}")),
        },
        (None, None) => {
            return out
                .fail("must specify --patch or --patch-file containing the contents of the patch")
        }
    };
    // TYPE NAME or TYPE/NAME.
    let (type_word, name) = match p.positionals.as_slice() {
        [one] if one.contains('/') => one.split_once('/').unwrap_or_default(),
        [t, n] => (t.as_str(), n.as_str()),
        _ => return out.fail("resource(s) were provided, but no name was specified"),
    };
    let Some(rt) = resources::lookup(type_word) else {
        return out.fail(resources::unknown_type(type_word));
    };
    let namespace = if rt.namespaced {
        p.string("namespace").unwrap_or("default")
    } else {
        ""
    };
    // The patch is YAML or JSON (JSON is YAML).
    let document = crate::manifest::yaml::parse(&text).map(|docs| {
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .map_or(Value::Null, |root| root.to_json())
    });
    let patch = match document {
        Ok(v) => v,
        Err(e) => {
            return out.fail(format!(
                "unable to parse {text:?}: yaml: line {}: {}",
                e.pos.line, e.message
            ))
        }
    };
    let Some(live) = cluster.api().object(rt.plural, namespace, name) else {
        out.not_found(rt.plural, name);
        return;
    };
    let live_json = live.to_json();
    let mut patched = live_json.clone();
    let applied = match kind {
        "json" => json_patch(&mut patched, &patch),
        "merge" => {
            merge_patch(&mut patched, &patch);
            Ok(())
        }
        _ => match &patch {
            Value::Object(_) => {
                super::apply::merge(&mut patched, None, &patch, "");
                Ok(())
            }
            _ => Err(
                "json: cannot unmarshal array into Go value of type map[string]interface {}"
                    .to_string(),
            ),
        },
    };
    if let Err(e) = applied {
        return out.api_error(&ApiError::bad_request(e.to_string()));
    }
    if patched == live_json {
        out.out(format!("{}/{name} patched (no change)\n", rt.name_prefix));
        return;
    }
    let result = Object::from_json(rt.kind, patched)
        .map_err(|e| ApiError::bad_request(e.to_string()))
        .and_then(|o| cluster.update(o));
    match result {
        Ok(_) => out.out(format!("{}/{name} patched\n", rt.name_prefix)),
        Err(e) => out.api_error(&e),
    }
}

/// RFC 7386: objects merge, `null` removes, anything else (lists too) replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// RFC 6902: `add`, `remove`, `replace`, `move`, `copy` and `test`, in order; the
/// first failing operation fails the whole patch.
fn json_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Array(ops) = patch else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    for op in ops {
        let field = |name: &str| op.get(name).and_then(Value::as_str);
        let Some(path) = field("path") else {
            return Err("the server rejected our request due to an error in our request".into());
        };
        match field("op").unwrap_or_default() {
            "add" => add(
                target,
                path,
                op.get("value").cloned().unwrap_or(Value::Null),
            )?,
            "remove" => {
                remove(target, path)?;
            }
            "replace" => {
                remove(target, path)?;
                add(
                    target,
                    path,
                    op.get("value").cloned().unwrap_or(Value::Null),
                )?;
            }
            "move" => {
                let from = field("from").unwrap_or_default();
                let v = remove(target, from)?;
                add(target, path, v)?;
            }
            "copy" => {
                let from = field("from").unwrap_or_default();
                let v = target.pointer(from).cloned().ok_or_else(|| missing(from))?;
                add(target, path, v)?;
            }
            "test" => {
                if target.pointer(path) != op.get("value") {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

fn missing(path: &str) -> String {
    format!("jsonpatch remove operation does not apply: doc is missing path: {path:?}")
}

/// The parent of `path` and its last token (`~1` and `~0` unescaped).
fn split(path: &str) -> Option<(&str, String)> {
    let (parent, last) = path.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let err = || format!("jsonpatch add operation does not apply: doc is missing path: {path:?}");
    let (parent, last) = split(path).ok_or_else(err)?;
    match target.pointer_mut(parent).ok_or_else(err)? {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let at = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(err)?
            };
            items.insert(at, value);
            Ok(())
        }
        _ => Err(err()),
    }
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path).ok_or_else(|| missing(path))?;
    let removed = match target.pointer_mut(parent) {
        Some(Value::Object(m)) => m.remove(&last),
        Some(Value::Array(items)) => last
            .parse::<usize>()
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| missing(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patches_follow_rfc_7386() {
        // (target, patch, result): the RFC's own examples, then nesting.
        for (target, patch, want) in [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ] {
            let mut t = target.clone();
            merge_patch(&mut t, &patch);
            assert_eq!(t, want, "{target} + {patch}");
        }
    }

    #[test]
    fn json_patches_follow_rfc_6902() {
        let doc = json!({"metadata": {"labels": {"a": "1"}}, "items": [1, 2]});
        for (ops, want) in [
            (
                json!([{"op": "add", "path": "/metadata/labels/b", "value": "2"}]),
                Ok(json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "items": [1, 2]})),
            ),
            (
                json!([{"op": "add", "path": "/items/-", "value": 3}]),
                Ok(json!({"metadata": {"labels": {"a": "1"}}, "items": [1, 2, 3]})),
            ),
            (
                json!([{"op": "add", "path": "/items/0", "value": 0}]),
                Ok(json!({"metadata": {"labels": {"a": "1"}}, "items": [0, 1, 2]})),
            ),
            (
                json!([{"op": "remove", "path": "/items/1"}]),
                Ok(json!({"metadata": {"labels": {"a": "1"}}, "items": [1]})),
            ),
            (
                json!([{"op": "replace", "path": "/metadata/labels/a", "value": "x"}]),
                Ok(json!({"metadata": {"labels": {"a": "x"}}, "items": [1, 2]})),
            ),
            (
                json!([{"op": "move", "from": "/metadata/labels/a", "path": "/metadata/labels/b"}]),
                Ok(json!({"metadata": {"labels": {"b": "1"}}, "items": [1, 2]})),
            ),
            (
                json!([{"op": "copy", "from": "/items/0", "path": "/items/-"}]),
                Ok(json!({"metadata": {"labels": {"a": "1"}}, "items": [1, 2, 1]})),
            ),
            (
                json!([{"op": "test", "path": "/items/0", "value": 1}]),
                Ok(doc.clone()),
            ),
            (
                json!([{"op": "test", "path": "/items/0", "value": 2}]),
                Err("testing value /items/0 failed: test failed".to_string()),
            ),
            (
                json!([{"op": "remove", "path": "/nope"}]),
                Err(
                    "jsonpatch remove operation does not apply: doc is missing path: \"/nope\""
                        .to_string(),
                ),
            ),
            (
                json!([{"op": "add", "path": "/a/b/c", "value": 1}]),
                Err(
                    "jsonpatch add operation does not apply: doc is missing path: \"/a/b/c\""
                        .to_string(),
                ),
            ),
            (
                json!([{"op": "add", "path": "/items/9", "value": 1}]),
                Err(
                    "jsonpatch add operation does not apply: doc is missing path: \"/items/9\""
                        .to_string(),
                ),
            ),
            (
                json!({"op": "add"}),
                Err(
                    "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
                        .to_string(),
                ),
            ),
        ] {
            let mut d = doc.clone();
            let got = json_patch(&mut d, &ops).map(|()| d);
            assert_eq!(got, want, "{ops}");
        }
    }
}
