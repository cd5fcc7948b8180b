//! `kubectl edit TYPE/NAME`: the live object as YAML under kubectl's comment header,
//! handed to an editor ([`Output::edit`]); what is saved is applied as kubectl applies
//! it ([`Edit::save`]): a three-way merge of the changes into the live object, then an
//! update (`pod/web edited`), or `Edit cancelled, no changes made.`.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources;
use super::{FileSource, Output};
use crate::model::Object;
use crate::Cluster;
use serde_json::Value;

pub(super) const COMMAND: Command = Command {
    name: "edit",
    aliases: &[],
    group: Group::Intermediate,
    summary: "Edit a resource on the server",
    usage: "kubectl edit (RESOURCE/NAME | -f FILENAME)",
    flags: &[
        NAMESPACE,
        flag("output", Some('o'), Kind::String).help("Output format. One of: (json, yaml)."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// kubectl's header above the object in the editor.
const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// An edit in progress: the object and the text the editor opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The name the editor gives the file (`kubectl-edit-pod-web.yaml`).
    pub file: String,
    /// What the editor opens: the header and the object's YAML.
    pub text: String,
    resource: &'static str,
    prefix: &'static str,
    kind: &'static str,
    namespace: String,
    name: String,
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let (type_word, name) = match p.positionals.as_slice() {
        [one] if one.contains('/') => one.split_once('/').unwrap_or_default(),
        [t, n] => (t.as_str(), n.as_str()),
        [_] => return out.fail("resource(s) were provided, but no name was specified"),
        _ => return out.fail("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl edit -h' for help and examples"),
    };
    let Some(rt) = resources::lookup(type_word) else {
        return out.fail(resources::unknown_type(type_word));
    };
    let namespace = if rt.namespaced {
        p.string("namespace").unwrap_or("default")
    } else {
        ""
    };
    let Some(live) = cluster.api().object(rt.plural, namespace, name) else {
        return out.not_found(rt.plural, name);
    };
    let yaml = crate::manifest::emit::to_yaml(&live.to_json());
    out.edit = Some(Edit {
        file: format!(
            "kubectl-edit-{}-{name}.yaml",
            rt.name_prefix.replace('.', "-")
        ),
        text: format!("{HEADER}{yaml}"),
        resource: rt.plural,
        prefix: rt.name_prefix,
        kind: rt.kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
    });
}

/// The text without kubectl's comment lines.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn to_json(text: &str) -> Result<Value, String> {
    let docs = crate::manifest::yaml::parse(text)
        .map_err(|e| format!("yaml: line {}: {}", e.pos.line, e.message))?;
    Ok(docs
        .into_iter()
        .next()
        .and_then(|d| d.root)
        .map_or(Value::Null, |root| root.to_json()))
}

impl Edit {
    /// Applies the saved `text` as kubectl edit does: what it printed, and whether the
    /// edit is over (false when the change was refused: the editor keeps the file to
    /// fix, as kubectl reopens it).
    pub fn save(&self, cluster: &mut Cluster, text: &str) -> (Output, bool) {
        let mut out = Output::default();
        let edited = strip_comments(text);
        if edited.trim().is_empty() {
            out.err("Edit cancelled, saved file was empty.\n");
            return (out, true);
        }
        if edited == strip_comments(&self.text) {
            out.err("Edit cancelled, no changes made.\n");
            return (out, true);
        }
        let (original, modified) = match (to_json(&self.text), to_json(&edited)) {
            (Ok(o), Ok(m)) => (o, m),
            (_, Err(e)) | (Err(e), _) => {
                out.fail(e);
                return (out, false);
            }
        };
        let Some(live) = cluster
            .api()
            .object(self.resource, &self.namespace, &self.name)
        else {
            out.not_found(self.resource, &self.name);
            return (out, true);
        };
        let live = live.to_json();
        let mut patched = live.clone();
        super::apply::merge(&mut patched, Some(&original), &modified, "");
        if patched == live {
            out.err("Edit cancelled, no changes made.\n");
            return (out, true);
        }
        let result = Object::from_json(self.kind, patched)
            .map_err(|e| crate::apiserver::ApiError::bad_request(e.to_string()))
            .and_then(|o| cluster.update(o));
        match result {
            Ok(_) => {
                out.out(format!("{}/{} edited\n", self.prefix, self.name));
                (out, true)
            }
            Err(e) => {
                out.api_error(&e);
                (out, false)
            }
        }
    }
}
