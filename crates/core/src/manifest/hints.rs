//! Hints for manifests a person got wrong: where a misplaced field belongs (from the API
//! schema), a field name in the wrong case, and what YAML's indentation errors usually
//! mean. kubectl prints none of this; the editor shows it under the error.

use super::{Diagnostic, ManifestError};
use crate::openapi;

/// Keys people write as labels (the chapter's `run: tea`).
fn looks_like_label(key: &str) -> bool {
    matches!(
        key,
        "run" | "app" | "tier" | "env" | "role" | "version" | "component"
    ) || key.contains('/')
}

/// The last field name of a path like `spec.containers[0].volumemounts`.
fn last_field(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// The path of the parent object (`spec.containers[0]`), indices removed.
fn parent_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('.').collect();
    parts.pop();
    parts
        .iter()
        .map(|p| p.split('[').next().unwrap_or(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// Where `field` exists in `kind`, as a sentence, preferring paths near `near`.
fn where_it_belongs(kind: &str, field: &str, near: &str) -> Option<String> {
    let mut paths = openapi::paths_of_field(kind, field, 12);
    if paths.is_empty() {
        return None;
    }
    let bare = |p: &str| p.replace("[]", "");
    // Paths sharing the longest prefix with where the field was written come first,
    // then a container's fields (where people write most), then the shortest.
    let score = |p: &String| {
        let p = bare(p);
        let common = p
            .split('.')
            .zip(near.split('.'))
            .take_while(|(a, b)| a == b)
            .count();
        (
            usize::MAX - common,
            !p.starts_with("spec.containers."),
            p.len(),
        )
    };
    crate::sort::sort_by_key(&mut paths, score);
    paths.truncate(3);
    let list = paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("in a {kind}, `{field}` belongs at {list}"))
}

/// The hint for an unknown field at `path` of a `kind`.
fn unknown_field(kind: &str, path: &str) -> Option<String> {
    let field = last_field(path);
    let parent = parent_path(path);
    if openapi::paths_of_field(kind, field, 1).is_empty() {
        // The same name in another case: YAML keys are case-sensitive.
        let lower = field.to_ascii_lowercase();
        let other = openapi::definitions().and_then(|defs| {
            defs.values()
                .flat_map(|d| d.properties.keys())
                .find(|n| n.to_ascii_lowercase() == lower && n.as_str() != field)
                .cloned()
        });
        if let Some(name) = other {
            let place = where_it_belongs(kind, &name, &parent)
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            return Some(format!(
                "field names are case-sensitive: did you mean `{name}`?{place}"
            ));
        }
    }
    if let Some(w) = where_it_belongs(kind, field, &parent) {
        let here = if parent.is_empty() {
            "at the top level".to_string()
        } else {
            format!("under `{parent}`")
        };
        return Some(format!(
            "`{field}` is not a field {here}; {w} (check its indentation)"
        ));
    }
    if looks_like_label(field) || matches!(parent.as_str(), "" | "metadata" | "spec") {
        return Some(format!(
            "if `{field}` is a label, it belongs under `metadata.labels` (indented under `labels:`, which is under `metadata:`)"
        ));
    }
    None
}

/// The first key of a YAML line (`  run: demo-web` → `run`; `- name: x` → `name`).
fn line_key(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, _) = t.split_once(':')?;
    let key = key.trim();
    (!key.is_empty() && !key.contains(' ')).then_some(key)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The hint for a YAML syntax error on 1-based `line` of `text`.
fn syntax(message: &str, text: &str, line: usize, kind: Option<&str>) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let this = *lines.get(line.checked_sub(1)?)?;
    let prev = lines[..line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .copied();
    let kind = kind.unwrap_or("Pod");
    let belongs = |key: &str| -> String {
        if looks_like_label(key) && openapi::paths_of_field(kind, key, 1).is_empty() {
            format!(" `{key}` looks like a label: labels go under `metadata:` then `labels:`.")
        } else {
            where_it_belongs(kind, key, "")
                .map(|w| format!(" {}{}.", w[..1].to_uppercase(), &w[1..]))
                .unwrap_or_default()
        }
    };
    if message.contains("mapping values are not allowed") {
        let key = line_key(this)?;
        let after = match prev {
            Some(p) if indent(this) > indent(p) && line_key(p).is_some() && !p.trim_end().ends_with(':') => format!(
                "line {line} is indented under `{}`, which already has a value, so it cannot hold `{key}`.",
                p.trim()
            ),
            _ => format!("line {line} is not indented like the lines around it."),
        };
        return Some(format!("{after}{}", belongs(key)));
    }
    if message.contains("block sequence entries are not allowed")
        || message.contains("did not find expected key")
        || message.contains("did not find expected '-' indicator")
    {
        if this.trim_start().starts_with("- ") || this.trim() == "-" {
            let item_key = line_key(this);
            let list = match item_key {
                Some("image") => "`containers:` (or `initContainers:`)",
                Some("mountPath") => "`volumeMounts:`",
                Some("name") => "`containers:`, `volumes:`, `volumeMounts:` or `env:`",
                _ => "a field such as `containers:` or `volumes:`",
            };
            return Some(format!(
                "line {line} starts a list item, but the line above does not open a list: put {list} on its own line above it, indented one level less."
            ));
        }
        if let Some(key) = line_key(this) {
            return Some(format!(
                "check the indentation of line {line}.{}",
                belongs(key)
            ));
        }
    }
    None
}

/// A hint for `d`, if there is a likely explanation. `text` is the manifest's text.
pub fn hint(d: &Diagnostic, text: &str) -> Option<String> {
    match &d.error {
        ManifestError::UnknownField { kind, path, .. } => unknown_field(kind, path),
        ManifestError::Syntax { message } => {
            let kind = text
                .lines()
                .find_map(|l| l.strip_prefix("kind:"))
                .map(|k| k.trim().trim_matches('"'));
            syntax(message, text, d.location.pos.line, kind)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::{decode, Validation};

    fn hints(text: &str) -> Vec<String> {
        match decode("pod.yaml", text, Validation::Strict) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .iter()
                .map(|d| d.hint(text).unwrap_or_default())
                .collect(),
        }
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            // The chapter's paste, with metadata/labels lost.
            (
                "apiVersion: v1\nkind: Pod\n    run: demo-web\n  name: demo-web\n",
                "line 3 is indented under `kind: Pod`, which already has a value, so it cannot hold `run`. `run` looks like a label: labels go under `metadata:` then `labels:`.",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nrun: tea\nspec:\n  containers:\n  - name: tea\n    image: nginx\n",
                "if `run` is a label, it belongs under `metadata.labels`",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: tea\n    image: nginx\n    volumemounts: []\n",
                "field names are case-sensitive: did you mean `volumeMounts`? (in a Pod, `volumeMounts` belongs at `spec.containers[].volumeMounts`",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\n  image: nginx\nspec:\n  containers:\n  - name: tea\n    image: nginx\n",
                "`image` is not a field under `metadata`; in a Pod, `image` belongs at `spec.containers[].image`",
            ),
            // A volume written into the containers list.
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - name: html\n    emptyDir: {}\n",
                "`emptyDir` is not a field under `spec.containers`; in a Pod, `emptyDir` belongs at `spec.volumes[].emptyDir`",
            ),
        ];
        for (text, want) in cases {
            let got = hints(text);
            assert!(
                got.iter().any(|h| h.contains(want)),
                "{text}\nwant: {want}\ngot: {got:?}"
            );
        }
    }
}
