//! kubectl's generic describer (genericDescriber), for kinds without a describer of
//! their own (Lease): name, namespace, labels and annotations, then every other field
//! of the object as served, keys sorted, under labels made from the field names.

use super::writer::*;
use crate::clock::SimTime;
use crate::model::{Event, ObjectRef};
use serde_json::{Map, Value};

/// The fields the generic describer prints above or not at all.
const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `kubectl describe` of an object without a describer of its own.
pub fn generic(object: ObjectRef<'_>, object_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    object_header(&mut w, object.metadata());
    if let Value::Object(content) = object.to_json() {
        content_lines(&mut w, 0, &content, "");
    }
    events(&mut w, object_events, now);
    w.finish()
}

/// printUnstructuredContent: maps as sections, lists item by item, values with Go's
/// `%v`.
fn content_lines(w: &mut Writer, level: usize, content: &Map<String, Value>, prefix: &str) {
    let mut fields: Vec<&String> = content.keys().collect();
    crate::sort::sort(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if SKIP.contains(&path.as_str()) {
            continue;
        }
        match &content[field] {
            Value::Object(map) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                content_lines(w, level + 1, map, &path);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(map) => content_lines(w, level + 1, map, &path),
                        other => w.write(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.write(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_value(other)),
            ),
        }
    }
}

/// A JSON scalar as Go's `%v` prints it after decoding into `interface{}`.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// smartLabelFor: `leaseDurationSeconds` → `Lease Duration Seconds`, `apiVersion` →
/// `API Version`, `uid` → `UID`; a field with characters other than letters and `-`
/// stays as it is.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    camel_words(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&upper.as_str()) {
                upper
            } else {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// fatih/camelcase's Split: runs of one character class (lower, upper, digit, other),
/// where an upper-case run followed by lower case gives its last letter to the word
/// after it (`PDFLoader` → `PDF`, `Loader`).
fn camel_words(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper = runs[i].first().is_some_and(|c| c.is_uppercase());
        if upper && runs[i + 1].first().is_some_and(|c| c.is_lowercase()) {
            if let Some(moved) = runs[i].pop() {
                runs[i + 1].insert(0, moved);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(
            smart_label("leaseDurationSeconds"),
            "Lease Duration Seconds"
        );
        assert_eq!(smart_label("PDFLoader"), "PDF Loader");
        assert_eq!(smart_label("kubernetes.io/os"), "kubernetes.io/os");
    }
}
