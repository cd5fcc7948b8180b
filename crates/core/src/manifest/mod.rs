//! Manifests in and out: YAML or JSON text to typed Kubernetes objects.
//!
//! Decoding keeps positions all the way: every diagnostic names the file, line and
//! column it is about. Fields the object's schema does not know are found by decoding
//! into the k8s-openapi type and comparing what survives with what was written, which is
//! what `kubectl --validate=strict` (the default) reports as
//! `strict decoding error: unknown field "spec.containers[0].volumemounts"`.

pub(crate) mod emit;
mod gotype;
pub mod highlight;
mod hints;
pub(crate) mod yaml;

use crate::model::Object;
use serde::de::DeserializeOwned;
use std::fmt;
pub use yaml::Pos;
use yaml::{Node, Value};

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub pos: Pos,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.pos.line, self.pos.column)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// What is wrong with a manifest. `Display` gives kubectl's wording of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// The text is not valid YAML or JSON.
    Syntax {
        message: String,
    },
    /// A document is not a mapping (for example a bare list or a string).
    NotAnObject,
    KindNotSet,
    ApiVersionNotSet,
    /// apiVersion/kind is not a resource this cluster serves.
    NoMatchForKind {
        kind: String,
        api_version: String,
    },
    /// A field holds the wrong type of value.
    InvalidValue {
        kind: String,
        path: String,
        message: String,
    },
    /// A field the schema does not have (strict field validation). `object` numbers
    /// the objects of a file, so the fields of one object can be reported together.
    UnknownField {
        kind: String,
        path: String,
        object: usize,
    },
    /// Every unknown field of one object, in the order the API server finds them: the
    /// server's one error for the object ([`server_errors`] makes it).
    UnknownFields {
        kind: String,
        paths: Vec<String>,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::Syntax { message } => {
                write!(f, "error converting YAML to JSON: yaml: {message}")
            }
            ManifestError::NotAnObject => {
                write!(f, "error validating data: the document is not an object")
            }
            ManifestError::KindNotSet => write!(f, "error validating data: kind not set"),
            ManifestError::ApiVersionNotSet => {
                write!(f, "error validating data: apiVersion not set")
            }
            ManifestError::NoMatchForKind { kind, api_version } => {
                write!(
                    f,
                    "no matches for kind \"{kind}\" in version \"{api_version}\""
                )
            }
            ManifestError::InvalidValue { kind, message, .. } => write!(
                f,
                "{kind} in version \"v1\" cannot be handled as a {kind}: {message}"
            ),
            ManifestError::UnknownField { kind, path, .. } => write!(
                f,
                "{kind} in version \"v1\" cannot be handled as a {kind}: strict decoding error: unknown field \"{path}\""
            ),
            ManifestError::UnknownFields { kind, paths } => {
                write!(
                    f,
                    "{kind} in version \"v1\" cannot be handled as a {kind}: strict decoding error: "
                )?;
                for (i, path) in paths.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "unknown field \"{path}\"")?;
                }
                Ok(())
            }
        }
    }
}

/// A located problem in a manifest, ready for an editor gutter or a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub severity: Severity,
    pub error: ManifestError,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.error)
    }
}

impl Diagnostic {
    /// A hint for a person (where a misplaced field belongs, what an indentation error
    /// means), given the manifest's text; `None` when there is no likely explanation.
    /// Uses the API schema, so it is `None` while a front end has not provided it yet.
    pub fn hint(&self, text: &str) -> Option<String> {
        hints::hint(self, text)
    }
}

/// How unknown fields are treated, as kubectl's `--validate` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// `--validate=strict` (kubectl's default): unknown fields are errors.
    #[default]
    Strict,
    /// `--validate=warn`: unknown fields are warnings, the object is still created.
    Warn,
    /// `--validate=false`/`ignore`: unknown fields are dropped silently.
    Ignore,
}

/// The diagnostics as the API server reports them, one error per object: the unknown
/// fields of one object become one [`ManifestError::UnknownFields`] (at the first one's
/// place), in the order the server meets them (kubectl sends JSON with sorted keys).
pub fn server_errors(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    // The file and object whose unknown fields `out` ends with.
    let mut open: Option<(&str, usize)> = None;
    for d in diagnostics {
        let ManifestError::UnknownField { kind, path, object } = &d.error else {
            out.push(d.clone());
            open = None;
            continue;
        };
        let key = (d.location.file.as_str(), *object);
        if open == Some(key) {
            if let Some(ManifestError::UnknownFields { paths, .. }) =
                out.last_mut().map(|p| &mut p.error)
            {
                paths.push(path.clone());
            }
            continue;
        }
        out.push(Diagnostic {
            error: ManifestError::UnknownFields {
                kind: kind.clone(),
                paths: vec![path.clone()],
            },
            ..d.clone()
        });
        open = Some(key);
    }
    for d in &mut out {
        if let ManifestError::UnknownFields { paths, .. } = &mut d.error {
            crate::sort::sort_by(paths, |a, b| go_path_key(a).cmp(&go_path_key(b)));
        }
    }
    out
}

/// A field path's steps, compared as the keys of sorted JSON are met: key by key
/// (bytes), list items by index.
fn go_path_key(path: &str) -> Vec<(&str, usize)> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(k, _)| (k, &part[k.len()..]));
        steps.push((key, 0));
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            let n = index.trim_end_matches(']').parse().unwrap_or(0);
            steps.push(("", n));
        }
    }
    steps
}

/// One decoded object and where its document starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub object: Object,
    pub location: Location,
}

/// The result of decoding a file: objects, plus warnings (errors abort the decode).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded {
    pub manifests: Vec<Manifest>,
    pub warnings: Vec<Diagnostic>,
}

/// Decodes every object in `text` (YAML or JSON, several documents, `kind: List`).
/// On error, every problem found is returned, each with its location.
pub fn decode(file: &str, text: &str, validation: Validation) -> Result<Decoded, Vec<Diagnostic>> {
    let loc = |pos: Pos| Location {
        file: file.to_string(),
        pos,
    };
    let docs = yaml::parse(text).map_err(|e| {
        vec![Diagnostic {
            location: loc(e.pos),
            severity: Severity::Error,
            error: ManifestError::Syntax {
                message: format!("line {}: {}", e.pos.line, e.message),
            },
        }]
    })?;
    let mut out = Decoded::default();
    let mut errors = Vec::new();
    let mut items: Vec<&Node> = Vec::new();
    for doc in &docs {
        let Some(root) = &doc.root else { continue };
        if root.value == Value::Null {
            continue;
        }
        if root.get("kind").and_then(Node::as_str) == Some("List") {
            match root.get("items").map(|n| &n.value) {
                Some(Value::Seq(list)) => items.extend(list.iter()),
                Some(Value::Null) | None => {}
                Some(_) => errors.push(Diagnostic {
                    location: loc(root.pos),
                    severity: Severity::Error,
                    error: ManifestError::InvalidValue {
                        kind: "List".into(),
                        path: "items".into(),
                        message: "expected an array".into(),
                    },
                }),
            }
        } else {
            items.push(root);
        }
    }
    for (object, node) in items.into_iter().enumerate() {
        match decode_object(node, validation, object) {
            Ok((object, unknown)) => {
                for (pos, error) in unknown {
                    let d = Diagnostic {
                        location: loc(pos),
                        severity: Severity::Warning,
                        error,
                    };
                    match validation {
                        Validation::Strict => errors.push(Diagnostic {
                            severity: Severity::Error,
                            ..d
                        }),
                        Validation::Warn => out.warnings.push(d),
                        Validation::Ignore => {}
                    }
                }
                out.manifests.push(Manifest {
                    object,
                    location: loc(node.pos),
                });
            }
            Err(problems) => errors.extend(problems.into_iter().map(|(pos, error)| Diagnostic {
                location: loc(pos),
                severity: Severity::Error,
                error,
            })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

type Problems = Vec<(Pos, ManifestError)>;

fn decode_object(
    node: &Node,
    validation: Validation,
    index: usize,
) -> Result<(Object, Problems), Problems> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(vec![(node.pos, ManifestError::NotAnObject)]);
    }
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or_default();
    let api_version = node
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default();
    if kind.is_empty() {
        return Err(vec![(node.pos, ManifestError::KindNotSet)]);
    }
    if api_version.is_empty() {
        return Err(vec![(node.pos, ManifestError::ApiVersionNotSet)]);
    }
    let json = node.to_json();
    let Some((object, round_trip)) = decode_kind(node, &json, api_version, kind)? else {
        let pos = node.get("kind").map_or(node.pos, |n| n.pos);
        return Err(vec![(
            pos,
            ManifestError::NoMatchForKind {
                kind: kind.into(),
                api_version: api_version.into(),
            },
        )]);
    };
    let mut unknown = Vec::new();
    if validation != Validation::Ignore {
        let mut at = Unknown {
            kind,
            object: index,
            out: &mut unknown,
        };
        unknown_fields(node, &round_trip, &mut String::new(), &mut at);
    }
    Ok((object, unknown))
}

macro_rules! decode_kinds {
    ($({ $variant:ident, $ty:ty, $store:ident, $info:ident, $($fields:tt)* })*) => {
        /// Decodes a served kind's object (`None` for a kind and version the server
        /// does not serve).
        fn decode_kind(
            node: &Node,
            json: &serde_json::Value,
            api_version: &str,
            kind: &str,
        ) -> Result<Option<(Object, serde_json::Value)>, Problems> {
            $(
                if kind == stringify!($variant)
                    && api_version == crate::model::kinds::$info.api_version
                {
                    return typed(node, json, kind, Object::$variant).map(Some);
                }
            )*
            Ok(None)
        }
    };
}
crate::model::kinds::with_kinds!(decode_kinds);

/// Decodes into the k8s-openapi type `T`, mapping a type error back to its place.
fn typed<T>(
    node: &Node,
    json: &serde_json::Value,
    kind: &str,
    wrap: fn(Box<T>) -> Object,
) -> Result<(Object, serde_json::Value), Problems>
where
    T: DeserializeOwned + serde::Serialize,
{
    match crate::model::de::from_value::<T>(json) {
        Ok(value) => {
            if let Some((path, message)) = bad_quantity(json) {
                let pos = locate(node, &path);
                return Err(vec![(
                    pos,
                    ManifestError::InvalidValue {
                        kind: kind.into(),
                        path: path.to_string(),
                        message,
                    },
                )]);
            }
            let round_trip = serde_json::to_value(&value).unwrap_or(serde_json::Value::Null);
            Ok((wrap(Box::new(value)), round_trip))
        }
        Err(e) => {
            let path = e.path().to_string();
            let pos = locate(node, e.path());
            let message = gotype::type_error(kind, json, e.path())
                .unwrap_or_else(|| format!("{path}: {}", e.into_inner()));
            Err(vec![(
                pos,
                ManifestError::InvalidValue {
                    kind: kind.into(),
                    path,
                    message,
                },
            )])
        }
    }
}

/// The first container resource quantity that does not parse: Quantity's own JSON
/// decoder rejects it, so the API server cannot decode the pod.
fn bad_quantity(json: &serde_json::Value) -> Option<(crate::model::de::Path, String)> {
    use crate::model::de::Segment;
    let spec = json.get("spec")?;
    for group in ["initContainers", "containers"] {
        let Some(containers) = spec.get(group).and_then(|g| g.as_array()) else {
            continue;
        };
        for (i, c) in containers.iter().enumerate() {
            for list in ["limits", "requests"] {
                let Some(map) = c
                    .pointer(&format!("/resources/{list}"))
                    .and_then(|m| m.as_object())
                else {
                    continue;
                };
                for (name, q) in map {
                    let text = match q {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if let Err(e) = crate::model::quantity::parse_milli(&text) {
                        let key = |k: &str| Segment::Map { key: k.into() };
                        let path = [
                            key("spec"),
                            key(group),
                            Segment::Seq { index: i },
                            key("resources"),
                            key(list),
                            key(name),
                        ];
                        return Some((crate::model::de::Path::from_segments(path), e.to_string()));
                    }
                }
            }
        }
    }
    None
}

/// The position of the node at `path`, or of the deepest ancestor that exists.
pub(crate) fn locate(root: &Node, path: &crate::model::de::Path) -> Pos {
    use crate::model::de::Segment;
    let mut node = root;
    for segment in path.iter() {
        let next = match (segment, &node.value) {
            (Segment::Map { key }, Value::Map(_)) => node.get(key),
            (Segment::Seq { index }, Value::Seq(items)) => items.get(*index),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.pos
}

/// Where unknown fields are collected, and for which object.
struct Unknown<'a> {
    kind: &'a str,
    object: usize,
    out: &'a mut Problems,
}

/// Every key written in `input` that is missing after the typed round trip.
fn unknown_fields(input: &Node, kept: &serde_json::Value, path: &mut String, at: &mut Unknown<'_>) {
    match (&input.value, kept) {
        (Value::Map(entries), serde_json::Value::Object(map)) => {
            for (key, value) in entries {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.name);
                match map.get(&key.name) {
                    Some(kept_value) => unknown_fields(value, kept_value, path, at),
                    // A null value is the same as leaving the field out.
                    None if value.value == Value::Null => {}
                    None => at.out.push((
                        key.pos,
                        ManifestError::UnknownField {
                            kind: at.kind.into(),
                            path: path.clone(),
                            object: at.object,
                        },
                    )),
                }
                path.truncate(len);
            }
        }
        (Value::Seq(items), serde_json::Value::Array(kept_items)) => {
            for (i, (item, kept_item)) in items.iter().zip(kept_items).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                unknown_fields(item, kept_item, path, at);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NGINX: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

    #[test]
    fn decodes_a_pod() {
        let d = decode("nginx.yaml", NGINX, Validation::Strict).unwrap();
        assert_eq!(d.manifests.len(), 1);
        let Object::Pod(pod) = &d.manifests[0].object else {
            panic!("not a pod")
        };
        assert_eq!(pod.metadata.name.as_deref(), Some("nginx"));
        assert_eq!(
            pod.spec.as_ref().unwrap().containers[0].image.as_deref(),
            Some("nginx")
        );
    }

    #[test]
    fn json_is_yaml_too() {
        let text = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"a","image":"nginx"}]}}"#;
        assert_eq!(
            decode("a.json", text, Validation::Strict)
                .unwrap()
                .manifests
                .len(),
            1
        );
    }

    #[test]
    fn lists_and_documents() {
        let text = format!(
            "{NGINX}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: dev\n"
        );
        let d = decode("f.yaml", &text, Validation::Strict).unwrap();
        assert_eq!(d.manifests.len(), 2);
        assert_eq!(d.manifests[1].location.pos.line, 13);
    }

    /// Table: input, expected diagnostics as "line:column message".
    #[test]
    fn diagnostics_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx\n    volumemounts: []\n",
                &["9:5 Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].volumemounts\""],
            ),
            ("metadata:\n  name: a\n", &["1:1 error validating data: kind not set"]),
            ("kind: Pod\n", &["1:1 error validating data: apiVersion not set"]),
            (
                "apiVersion: v1\nkind: Deployment\n",
                &["2:7 no matches for kind \"Deployment\" in version \"v1\""],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n",
                &["5:1 error converting YAML to JSON: yaml: line 5: "],
            ),
            (
                "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: eighty\n",
                &["7:22 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"],
            ),
            // Go's encoding/json wording, with the Go types of k8s.io/api.
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: nginx\n",
                &["6:15 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container"],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - nginx\n",
                &["7:5 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container"],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  restartPolicy: 5\n  containers: []\n",
                &["6:18 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  terminationGracePeriodSeconds: 1.5\n  containers: []\n",
                &["6:34 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: [a]\nspec:\n  containers: []\n",
                &["5:11 Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"],
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources:\n      limits:\n        cpu: lots\n",
                &["11:14 Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
            ),
        ];
        for (text, want) in cases {
            let got = decode("t.yaml", text, Validation::Strict).unwrap_err();
            let got: Vec<String> = got
                .iter()
                .map(|d| {
                    format!(
                        "{}:{} {}",
                        d.location.pos.line, d.location.pos.column, d.error
                    )
                })
                .collect();
            assert_eq!(got.len(), want.len(), "{text}: {got:?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text}\n got: {g}\nwant: {w}");
            }
        }
    }

    /// The API server reports every unknown field of an object in one error, in the
    /// order of the JSON kubectl sends (keys sorted), and each object on its own.
    #[test]
    fn unknown_fields_are_one_server_error_per_object() {
        let text = format!(
            "{NGINX}  foo: 1\n  bar: 2\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  zone: x\n"
        );
        let ds = decode("pod.yaml", &text, Validation::Strict).unwrap_err();
        assert_eq!(ds.len(), 3, "{ds:?}");
        let got: Vec<String> = server_errors(&ds)
            .iter()
            .map(|d| d.error.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.bar\", unknown field \"spec.foo\"",
                "Namespace in version \"v1\" cannot be handled as a Namespace: strict decoding error: unknown field \"metadata.zone\"",
            ]
        );
        assert_eq!(server_errors(&ds)[0].location.pos.line, 9);
    }

    #[test]
    fn unknown_fields_warn_or_vanish_on_request() {
        let text = format!("{NGINX}    colour: blue\n");
        let d = decode("t.yaml", &text, Validation::Warn).unwrap();
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.manifests.len(), 1);
        let d = decode("t.yaml", &text, Validation::Ignore).unwrap();
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn empty_objects_and_nulls_are_not_unknown() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\n  creationTimestamp: null\n  labels:\n    run: tea\nspec:\n  containers:\n  - image: ansilh/demo-tea\n    name: coffee-new\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\n  volumes:\n  - name: html\n    emptyDir: {}\nstatus: {}\n";
        let d = decode("t.yaml", text, Validation::Strict);
        assert!(d.is_ok(), "{d:?}");
    }
}
