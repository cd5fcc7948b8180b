//! `kubectl explain`: field documentation from the API's own OpenAPI schema.
//!
//! The schema is [`crate::openapi`]'s. An explanation
//! is data ([`Explanation`]); [`Explanation::plaintext`] lays it out the way kubectl's
//! `plaintext` template does: the field's type guessed as kubectl guesses it
//! (`<[]Volume>`, `<map[string]string>`, `<Object>`), descriptions word-wrapped at 76
//! columns, fields sorted by name, `--recursive` following references once per path.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed};
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::Cluster;
use std::fmt;

use crate::openapi::{definitions, Definitions, SchemaNode};

/// What `kubectl explain` shows, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The API group (empty for the core group).
    pub group: String,
    pub kind: String,
    pub version: String,
    /// The field explained and its type, when a path was given.
    pub field: Option<(String, String)>,
    /// The values the field explained allows, when it is an enumerated string.
    pub field_enum: Vec<String>,
    /// Description paragraphs: the field's own, then its type's.
    pub descriptions: Vec<String>,
    /// The fields below, in kubectl's order (recursive ones nested by `level`).
    pub fields: Vec<FieldDoc>,
    pub recursive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDoc {
    pub name: String,
    /// kubectl's type guess: `string`, `[]Container`, `map[string]string`, `Object`.
    pub ty: String,
    pub required: bool,
    pub description: Option<String>,
    /// The values an enumerated string field allows.
    pub enum_values: Vec<String>,
    /// 1 for the fields directly below, 2 for theirs (with `--recursive`), ...
    pub level: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplainError {
    /// `field "x" does not exist` (kubectl names the last element of the path).
    FieldNotFound(String),
    /// The path is not a plain dotted field path.
    InvalidPath,
    UnknownResource(String),
    /// A group/version the server does not serve.
    NoSuchVersion {
        group_version: String,
        resource: String,
    },
    UnknownFormat(String),
    /// The schema has not arrived yet (the web app loads it on demand).
    SchemaUnavailable,
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::FieldNotFound(name) => write!(f, "field {name:?} does not exist"),
            ExplainError::InvalidPath => {
                f.write_str("invalid jsonpath syntax, first node must be field node")
            }
            ExplainError::UnknownResource(name) => f.write_str(&resources::unknown_type(name)),
            ExplainError::NoSuchVersion {
                group_version,
                resource,
            } => write!(
                f,
                "couldn't find resource for \"{group_version}, Resource={resource}\""
            ),
            ExplainError::UnknownFormat(name) => write!(f, "unrecognized format: {name}"),
            ExplainError::SchemaUnavailable => f.write_str(
                "failed to fetch the OpenAPI schema from the server: it is still loading, try again in a moment",
            ),
        }
    }
}

use crate::openapi::resolve;

/// kubectl's `typeGuess`.
pub fn type_guess(defs: &Definitions, node: &SchemaNode) -> String {
    if let Some(items) = &node.items {
        return format!("[]{}", type_guess(defs, items));
    }
    if let Some(values) = &node.additional_properties {
        return format!("map[string]{}", type_guess(defs, values));
    }
    if let Some(reference) = &node.reference {
        return match defs.get(reference).and_then(|d| d.ty.as_deref()) {
            None | Some("object") => reference
                .rsplit('.')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or("Object")
                .to_string(),
            Some(t) => t.to_string(),
        };
    }
    match node.ty.as_deref() {
        Some("object") | None => "Object".to_string(),
        Some(t) => t.to_string(),
    }
}

/// The description paragraphs of a node: its own, then the referenced type's, then its
/// items' or values'.
fn descriptions(defs: &Definitions, node: &SchemaNode, out: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(d) = &node.description {
        out.push(d.clone());
    }
    if let Some(def) = node.reference.as_deref().and_then(|r| defs.get(r)) {
        descriptions(defs, def, out, depth + 1);
    }
    if let Some(items) = &node.items {
        descriptions(defs, items, out, depth + 1);
    }
    if let Some(values) = &node.additional_properties {
        descriptions(defs, values, out, depth + 1);
    }
}

/// The fields below a node (through references, array items and map values), with
/// `--recursive` their fields too; a reference already on the path is not expanded again.
fn field_list(
    defs: &Definitions,
    node: &SchemaNode,
    level: usize,
    recursive: bool,
    history: &mut Vec<String>,
    out: &mut Vec<FieldDoc>,
) {
    if let Some(r) = &node.reference {
        if history.contains(r) {
            return;
        }
        history.push(r.clone());
    }
    let resolved = resolve(defs, node);
    for (name, prop) in &resolved.properties {
        out.push(FieldDoc {
            name: name.clone(),
            ty: type_guess(defs, prop),
            required: resolved.required.contains(name),
            description: prop.description.clone(),
            enum_values: prop.enum_values.clone(),
            level,
        });
        if recursive {
            field_list(defs, prop, level + 1, recursive, history, out);
        }
    }
    if let Some(items) = &resolved.items {
        field_list(defs, items, level, recursive, history, out);
    }
    if let Some(values) = &resolved.additional_properties {
        field_list(defs, values, level, recursive, history, out);
    }
    if node.reference.is_some() {
        history.pop();
    }
}

/// Explains `kind` (a served kind) at `path`.
pub fn explain(kind: &str, path: &[String], recursive: bool) -> Result<Explanation, ExplainError> {
    let defs = definitions().ok_or(ExplainError::SchemaUnavailable)?;
    let group = group_of(kind);
    // `discovery.k8s.io` kinds are `io.k8s.api.discovery.v1.*`.
    let package = group.split('.').next().filter(|g| !g.is_empty());
    let root_name = format!("io.k8s.api.{}.v1.{kind}", package.unwrap_or("core"));
    let Some(root) = defs.get(&root_name) else {
        return Err(ExplainError::UnknownResource(kind.to_ascii_lowercase()));
    };
    let not_found = || ExplainError::FieldNotFound(path.last().cloned().unwrap_or_default());
    let mut node = root;
    let mut field = None;
    let mut field_enum = Vec::new();
    for (i, segment) in path.iter().enumerate() {
        // Look through references, array items and map values for the property.
        let mut at = node;
        let mut hops = 0;
        let next = loop {
            let resolved = resolve(defs, at);
            if let Some(p) = resolved.properties.get(segment) {
                break p;
            }
            if let Some(items) = &resolved.items {
                at = items;
            } else if let Some(values) = &resolved.additional_properties {
                at = values;
            } else {
                return Err(not_found());
            }
            hops += 1;
            if hops > 16 {
                return Err(not_found());
            }
        };
        if i + 1 == path.len() {
            field = Some((segment.clone(), type_guess(defs, next)));
            field_enum = next.enum_values.clone();
        }
        node = next;
    }
    let mut descs = Vec::new();
    descriptions(defs, node, &mut descs, 0);
    let mut fields = Vec::new();
    field_list(defs, node, 1, recursive, &mut Vec::new(), &mut fields);
    Ok(Explanation {
        group: group.to_string(),
        kind: kind.to_string(),
        version: "v1".to_string(),
        field,
        field_enum,
        descriptions: descs,
        fields,
        recursive,
    })
}

/// The lines kubectl's template writes before it follows the field path: they reach
/// stdout even when the path then turns out not to exist.
fn header(group: &str, kind: &str, version: &str) -> String {
    let group = if group.is_empty() {
        String::new()
    } else {
        format!("GROUP:      {group}\n")
    };
    format!("{group}KIND:       {kind}\nVERSION:    {version}\n\n")
}

/// The API group a served kind belongs to.
fn group_of(kind: &str) -> &'static str {
    resources::ALL
        .iter()
        .find(|t| t.kind == kind)
        .map_or("", |t| t.group)
}

impl Explanation {
    /// kubectl's `plaintext` layout.
    pub fn plaintext(&self) -> String {
        let mut s = header(&self.group, &self.kind, &self.version);
        if let Some((name, ty)) = &self.field {
            s.push_str(&format!("FIELD: {name} <{ty}>\n"));
            if !self.field_enum.is_empty() {
                s.push_str("ENUM:");
                for value in &self.field_enum {
                    s.push_str("\n    ");
                    s.push_str(enum_value(value));
                }
            }
            s.push_str("\n\n");
        }
        s.push_str("DESCRIPTION:\n");
        let mut desc = String::new();
        for d in &self.descriptions {
            desc.push_str(d);
            desc.push('\n');
        }
        if desc.is_empty() {
            desc.push_str("<empty>");
        }
        s.push_str(&indent(&wrap(&desc, 76), 4));
        s.push('\n');
        if !self.fields.is_empty() {
            s.push_str("FIELDS:\n");
            for f in &self.fields {
                let pad = f.level * 2;
                s.push_str(&" ".repeat(pad));
                s.push_str(&f.name);
                s.push_str(&format!("\t<{}>", f.ty));
                if f.required {
                    s.push_str(" -required-");
                }
                if !f.enum_values.is_empty() {
                    // The short view lists four values at most.
                    s.push('\n');
                    s.push_str(&" ".repeat(pad));
                    s.push_str("enum: ");
                    for (i, value) in f.enum_values.iter().enumerate() {
                        if i == 4 {
                            s.push_str(", ....");
                            break;
                        }
                        if i > 0 {
                            s.push_str(", ");
                        }
                        s.push_str(enum_value(value));
                    }
                }
                s.push('\n');
                if !self.recursive {
                    let d = f.description.as_deref().unwrap_or("<no description>");
                    s.push_str(&indent(&wrap(d, 78 - pad), pad + 2));
                    s.push_str("\n\n");
                }
            }
        }
        s.push('\n');
        s
    }
}

/// An enum value as kubectl shows it: the empty string as `""`.
fn enum_value(value: &str) -> &str {
    if value.is_empty() {
        "\"\""
    } else {
        value
    }
}

/// kubectl's template `indent`: pads the first line and every line after a newline.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// Word wrapping as kubectl's explain does it (go-wordwrap): breaks at spaces so lines
/// stay within `limit` bytes; a word longer than the limit keeps its own line; runs of
/// spaces are kept inside a line and dropped at a break; newlines are kept.
pub fn wrap(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut current = 0usize;
    let mut word = String::new();
    let mut spaces = String::new();
    for c in text.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + spaces.len() <= limit {
                    out.push_str(&spaces);
                }
            } else {
                out.push_str(&spaces);
                out.push_str(&word);
                word.clear();
            }
            spaces.clear();
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() {
            if spaces.is_empty() || !word.is_empty() {
                current += spaces.len() + word.len();
                out.push_str(&spaces);
                out.push_str(&word);
                spaces.clear();
                word.clear();
            }
            spaces.push(c);
        } else {
            word.push(c);
            if current + spaces.len() + word.len() > limit && word.len() < limit {
                out.push('\n');
                current = 0;
                spaces.clear();
            }
        }
    }
    if word.is_empty() {
        if current + spaces.len() <= limit {
            out.push_str(&spaces);
        }
    } else {
        out.push_str(&spaces);
        out.push_str(&word);
    }
    out
}

pub(super) const COMMAND: Command = Command {
    name: "explain",
    aliases: &[],
    group: Group::Intermediate,
    summary: "Get documentation for a resource",
    usage: "kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2]",
    flags: &[
        flag("recursive", None, Kind::Bool).help("When true, print the name of all the fields recursively. Otherwise, print the available fields with their description."),
        flag("api-version", None, Kind::String).help("Use given api-version (group/version) of the resource."),
        flag("output", Some('o'), Kind::String).default("'plaintext'").help("Format in which to render the schema. Valid values are: (plaintext, plaintext-openapiv2)."),
    ],
    operands: Operands::Type,
    subcommands: &[],
    run,
};

/// `kubectl explain RESOURCE[.FIELD...] [--recursive] [--api-version=v1] [-o plaintext]`.
fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    match p.positionals.len() {
        0 => {
            return out.fail(
                "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.",
            )
        }
        1 => {}
        _ => return out.fail("We accept only this format: explain RESOURCE"),
    }
    let mut kind = None;
    let result = parse_request(&p.positionals[0]).and_then(|(resource, path)| {
        match p.string("output").unwrap_or("plaintext") {
            "plaintext" => {}
            other => return Err(ExplainError::UnknownFormat(other.to_string())),
        }
        let served = resource.api_version();
        if let Some(gv) = p.string("api-version").filter(|v| *v != served) {
            let gv = if gv.contains('/') {
                gv.to_string()
            } else {
                format!("/{gv}")
            };
            return Err(ExplainError::NoSuchVersion {
                group_version: gv,
                resource: resource.plural.to_string(),
            });
        }
        kind = Some(resource.kind);
        explain(resource.kind, &path, p.bool("recursive"))
    });
    match result {
        Ok(e) => out.out(e.plaintext()),
        Err(e) => {
            if let (ExplainError::FieldNotFound(_), Some(kind)) = (&e, kind) {
                out.out(header(group_of(kind), kind, "v1"));
            }
            out.fail(e.to_string())
        }
    }
}

/// Splits `pods.spec.containers` into the resource and the field path, as kubectl's
/// JSONPath-based parser does (a trailing dot is ignored; only plain fields are allowed).
fn parse_request(text: &str) -> Result<(ResourceType, Vec<String>), ExplainError> {
    let text = text.strip_suffix('.').unwrap_or(text);
    let mut parts = text.split('.');
    let resource = parts.next().unwrap_or_default();
    let fields: Vec<String> = parts.map(str::to_string).collect();
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !plain(resource) || !fields.iter().all(|f| plain(f)) {
        return Err(ExplainError::InvalidPath);
    }
    let resource_type = resources::lookup(resource)
        .ok_or_else(|| ExplainError::UnknownResource(resource.to_string()))?;
    Ok((resource_type, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_loads_with_the_served_kinds() {
        let defs = definitions().expect("the schema is built in for tests");
        for kind in ["Pod", "Node", "Service", "Endpoints", "Event", "Namespace"] {
            assert!(
                defs.contains_key(&format!("io.k8s.api.core.v1.{kind}")),
                "{kind}"
            );
        }
    }

    /// `-required-` marks what the API's spec requires, not what k8s-openapi's types hold
    /// without `Option`: a Pod's metadata is optional, an Event's is not; a key selector
    /// requires its key, not its (defaulted) name.
    #[test]
    fn required_fields_are_the_specs() {
        let path = |p: &str| -> Vec<String> { p.split('.').map(str::to_string).collect() };
        let table: &[(&str, &str, &str, bool)] = &[
            ("Pod", "", "metadata", false),
            ("Pod", "", "spec", false),
            ("Service", "", "metadata", false),
            ("Node", "", "metadata", false),
            ("Event", "", "metadata", true),
            ("Event", "", "involvedObject", true),
            ("Pod", "spec", "containers", true),
            (
                "Pod",
                "spec.containers.env.valueFrom.configMapKeyRef",
                "key",
                true,
            ),
            (
                "Pod",
                "spec.containers.env.valueFrom.configMapKeyRef",
                "name",
                false,
            ),
            (
                "Pod",
                "spec.containers.env.valueFrom.secretKeyRef",
                "key",
                true,
            ),
            (
                "Pod",
                "spec.containers.env.valueFrom.secretKeyRef",
                "name",
                false,
            ),
            ("Pod", "spec.imagePullSecrets", "name", false),
            ("Pod", "spec.volumes.configMap", "name", false),
            ("Pod", "spec.volumes", "name", true),
        ];
        for (kind, at, field, required) in table {
            let at = if at.is_empty() { Vec::new() } else { path(at) };
            let e = explain(kind, &at, false).expect("the path exists");
            let f = e.fields.iter().find(|f| f.name == *field).expect("listed");
            assert_eq!(f.required, *required, "{kind} {at:?} {field}");
        }
    }

    #[test]
    fn wrap_matches_go_wordwrap() {
        let table: &[(&str, usize, &str)] = &[
            ("a b c", 3, "a b\nc"),
            ("aaaa bbbb", 4, "aaaa\nbbbb"),
            ("short", 76, "short"),
            (
                "x https://example.com/very/long/path",
                10,
                "x\nhttps://example.com/very/long/path",
            ),
            ("a\n\nb", 10, "a\n\nb"),
            ("two  spaces kept", 76, "two  spaces kept"),
            ("end\n", 10, "end\n"),
        ];
        for (input, limit, want) in table {
            assert_eq!(&wrap(input, *limit), want, "{input:?} at {limit}");
        }
    }

    #[test]
    fn a_bad_schema_text_is_refused() {
        assert!(crate::openapi::provide_schema("{not json").is_err());
    }

    #[test]
    fn type_guesses() {
        let e = explain("Pod", &["spec".into()], false).unwrap();
        let ty = |n: &str| e.fields.iter().find(|f| f.name == n).unwrap().ty.clone();
        assert_eq!(ty("containers"), "[]Container");
        assert_eq!(ty("nodeSelector"), "map[string]string");
        assert_eq!(ty("overhead"), "map[string]Quantity");
        assert_eq!(ty("restartPolicy"), "string");
        assert_eq!(ty("securityContext"), "PodSecurityContext");
        let c = explain(
            "Pod",
            &["spec".into(), "containers".into(), "ports".into()],
            false,
        )
        .unwrap();
        assert_eq!(
            c.fields
                .iter()
                .find(|f| f.name == "containerPort")
                .unwrap()
                .ty,
            "integer"
        );
    }
}
