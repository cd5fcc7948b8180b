//! The API's OpenAPI schema for the kinds Podlab serves: `data/openapi-v1_34.json`,
//! written by `cargo run -p openapi-gen` from k8s-openapi's JSON schemas (their
//! descriptions are the API server's). `kubectl explain` prints it; manifest hints use it
//! to say where a misplaced field belongs.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[cfg(feature = "embedded-schema")]
const SCHEMA_JSON: Option<&str> = Some(include_str!("../data/openapi-v1_34.json"));
#[cfg(not(feature = "embedded-schema"))]
const SCHEMA_JSON: Option<&str> = None;

/// One schema node as the generated file keeps it.
#[derive(Debug, Default, Deserialize)]
pub struct SchemaNode {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, SchemaNode>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub items: Option<Box<SchemaNode>>,
    #[serde(default, rename = "additionalProperties")]
    pub additional_properties: Option<Box<SchemaNode>>,
    /// The values an enumerated string field allows, in the API's order.
    #[serde(default, rename = "enum")]
    pub enum_values: Vec<String>,
    /// The definition this node refers to (`io.k8s.api.core.v1.PodSpec`).
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
}

/// Every definition, by its full name.
pub type Definitions = BTreeMap<String, SchemaNode>;

static DEFS: OnceLock<Definitions> = OnceLock::new();

/// The definitions, parsed on first use: built in, or as [`provide_schema`] gave them.
/// `None` while a front end without the built-in schema has not provided it yet.
pub fn definitions() -> Option<&'static Definitions> {
    if let Some(text) = SCHEMA_JSON {
        return Some(DEFS.get_or_init(|| serde_json::from_str(text).unwrap_or_default()));
    }
    DEFS.get()
}

/// A schema text [`provide_schema`] cannot read: the JSON decoder's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the OpenAPI schema cannot be read: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// Gives core the schema text (`data/openapi-v1_34.json`) when it is not built in. An
/// unreadable text is an error and changes nothing.
pub fn provide_schema(text: &str) -> Result<(), SchemaError> {
    let defs: Definitions = serde_json::from_str(text).map_err(|e| SchemaError(e.to_string()))?;
    let _ = DEFS.set(defs);
    Ok(())
}

/// The definition a node refers to, or the node itself.
pub fn resolve<'a>(defs: &'a Definitions, node: &'a SchemaNode) -> &'a SchemaNode {
    node.reference
        .as_deref()
        .and_then(|r| defs.get(r))
        .unwrap_or(node)
}

/// The root definition of a core/v1 kind.
pub fn kind_definition<'a>(defs: &'a Definitions, kind: &str) -> Option<&'a SchemaNode> {
    defs.get(&format!("io.k8s.api.core.v1.{kind}"))
}

/// The paths below `kind` (dotted, `[]` for list items) at which a field named `name`
/// exists, shortest first, at most `limit` of them.
pub fn paths_of_field(kind: &str, name: &str, limit: usize) -> Vec<String> {
    let Some(defs) = definitions() else {
        return Vec::new();
    };
    let Some(root) = kind_definition(defs, kind) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    // Breadth first, so the shortest paths come first; bounded for big schemas.
    let mut queue: std::collections::VecDeque<(String, &SchemaNode, usize)> =
        std::collections::VecDeque::new();
    queue.push_back((String::new(), root, 0));
    let mut visited = 0;
    while let Some((path, node, depth)) = queue.pop_front() {
        visited += 1;
        if visited > 20_000 || found.len() >= limit {
            break;
        }
        let mut node = resolve(defs, node);
        let mut path = path;
        while let Some(items) = &node.items {
            path.push_str("[]");
            node = resolve(defs, items);
        }
        for (field, child) in &node.properties {
            let child_path = if path.is_empty() {
                field.clone()
            } else {
                format!("{path}.{field}")
            };
            if field == name {
                found.push(child_path.clone());
            }
            if depth < 5 && field != "status" {
                queue.push_back((child_path, child, depth + 1));
            }
        }
    }
    found.truncate(limit);
    found
}
