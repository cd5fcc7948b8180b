//! `kubectl label|annotate TYPE NAME key=value... key-... [--overwrite]`.

use super::command::{Command, Group, Operands};
use super::common::{list, Target};
use super::flags::{flag, Flag, Kind, Parsed, FILENAME, NAMESPACE, RECURSIVE};
use super::printers;
use super::resources;
use super::{FileSource, Output};
use crate::apiserver::MetaMap;
use crate::model::{Object, ResourceExt};
use crate::Cluster;
use std::collections::BTreeMap;

const FLAGS: &[Flag] = &[
    NAMESPACE,
    FILENAME,
    RECURSIVE,
    flag("local", None, Kind::Bool).help("If true, annotation will NOT contact api-server but run locally."),
    flag("output", Some('o'), Kind::String).help("Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file)."),
    flag("overwrite", None, Kind::Bool).help("If true, allow labels or annotations to be overwritten, otherwise reject updates that overwrite existing ones."),
];

pub(super) const LABEL: Command = Command {
    name: "label",
    aliases: &[],
    group: Group::Settings,
    summary: "Update the labels on a resource",
    usage: "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
    flags: FLAGS,
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: |cluster, p, files, out| label(cluster, p, files, out, MetaMap::Labels),
};

pub(super) const ANNOTATE: Command = Command {
    name: "annotate",
    aliases: &[],
    group: Group::Settings,
    summary: "Update the annotations on a resource",
    usage: "kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
    flags: FLAGS,
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: |cluster, p, files, out| label(cluster, p, files, out, MetaMap::Annotations),
};

const LOCAL_NEEDS_FILES: &str = "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'";

fn label(
    cluster: &mut Cluster,
    p: &Parsed,
    files: &dyn FileSource,
    out: &mut Output,
    which: MetaMap,
) {
    let (command, noun) = match which {
        MetaMap::Labels => ("label", "label"),
        MetaMap::Annotations => ("annotate", "annotation"),
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let local = p.bool("local");
    let mut targets = Vec::new();
    let words: &[String] = if !p.strings("filename").is_empty() {
        let Some(found) = super::common::file_targets(cluster, p, files, &namespace, out) else {
            return;
        };
        targets.extend(found);
        &p.positionals
    } else if local {
        return out.fail(LOCAL_NEEDS_FILES);
    } else {
        let mut words = p.positionals.iter();
        let Some(first) = words.next() else {
            out.fail(format!("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {command} -h' for help and examples"));
            return;
        };
        let (type_name, name) = match first.split_once('/') {
            Some((t, n)) => (t.to_string(), Some(n.to_string())),
            None => (first.clone(), None),
        };
        let Some(rt) = resources::lookup(&type_name) else {
            return out.fail(resources::unknown_type(&type_name));
        };
        let name = match name.or_else(|| words.next().cloned()) {
            Some(n) => n,
            None => {
                out.fail(format!("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {command} -h' for help and examples"));
                return;
            }
        };
        targets.push(Target::Live(rt, namespace.clone(), name));
        words.as_slice()
    };
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for w in words {
        if let Some((k, v)) = w.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if let Some(k) = w.strip_suffix('-') {
            changes.push((k.to_string(), None));
        } else {
            out.fail(match which {
                MetaMap::Labels => format!("invalid label spec: {w}"),
                MetaMap::Annotations => format!("invalid annotation format: {w}"),
            });
            return;
        }
    }
    if changes.is_empty() {
        out.fail(format!(
            "at least one {noun} update is required\nSee 'kubectl {command} -h' for help and examples"
        ));
        return;
    }
    let overwrite = p.bool("overwrite");
    let output = p.string("output");
    for target in targets {
        match target {
            Target::Local(object) => {
                let current = map_of(&object, which);
                let Some((next, verb)) = update(&current, &changes, overwrite, which, out) else {
                    return;
                };
                let mut json = object.to_json();
                if let Some(meta) = json.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                    let key = match which {
                        MetaMap::Labels => "labels",
                        MetaMap::Annotations => "annotations",
                    };
                    meta.insert(
                        key.to_string(),
                        serde_json::to_value(&next).unwrap_or_default(),
                    );
                }
                let name = format!(
                    "{}/{}",
                    crate::cluster::singular(&object),
                    object.name_any()
                );
                if !print(&json, &name, verb, output, out) {
                    return;
                }
            }
            Target::Live(rt, namespace, name) => {
                let ns = if rt.namespaced {
                    namespace.as_str()
                } else {
                    ""
                };
                let Some(object) = list(cluster, &rt, rt.namespaced.then_some(ns))
                    .into_iter()
                    .find(|o| o.name_any() == name.as_str())
                else {
                    out.not_found(rt.plural, &name);
                    return;
                };
                let current = map_of(&object, which);
                let Some((next, verb)) = update(&current, &changes, overwrite, which, out) else {
                    return;
                };
                if next != current {
                    let result = match which {
                        MetaMap::Labels => cluster.set_labels(rt.kind, ns, &name, next),
                        MetaMap::Annotations => cluster.set_annotations(rt.kind, ns, &name, next),
                    };
                    if let Err(e) = result {
                        return out.api_error(&e);
                    }
                }
                let json = match output {
                    Some(_) => list(cluster, &rt, rt.namespaced.then_some(ns))
                        .into_iter()
                        .find(|o| o.name_any() == name.as_str())
                        .map(|o| o.to_json())
                        .unwrap_or_default(),
                    None => serde_json::Value::Null,
                };
                if !print(
                    &json,
                    &format!("{}/{name}", rt.name_prefix),
                    verb,
                    output,
                    out,
                ) {
                    return;
                }
            }
        }
    }
}

/// The object's labels or annotations.
fn map_of(object: &Object, which: MetaMap) -> BTreeMap<String, String> {
    match which {
        MetaMap::Labels => object.labels().clone(),
        MetaMap::Annotations => object.annotations().clone(),
    }
}

/// The labels (or annotations) after `changes`, and the verb kubectl reports; or
/// kubectl's error when a value would be overwritten without `--overwrite`.
fn update(
    current: &BTreeMap<String, String>,
    changes: &[(String, Option<String>)],
    overwrite: bool,
    which: MetaMap,
    out: &mut Output,
) -> Option<(BTreeMap<String, String>, &'static str)> {
    let mut next = current.clone();
    let mut errors = Vec::new();
    for (k, v) in changes {
        match v {
            Some(v) => {
                if let Some(old) = current.get(k) {
                    if !overwrite && old != v {
                        errors.push(match which {
                            MetaMap::Labels => format!(
                                "'{k}' already has a value ({old}), and --overwrite is false"
                            ),
                            MetaMap::Annotations => format!("'{k}' already has a value ({old})"),
                        });
                        continue;
                    }
                }
                next.insert(k.clone(), v.clone());
            }
            None => {
                next.remove(k);
            }
        }
    }
    if !errors.is_empty() {
        out.fail(match which {
            MetaMap::Labels => errors.join("\n"),
            MetaMap::Annotations => format!(
                "--overwrite is false but found the following declared annotation(s): {}",
                errors.join("; ")
            ),
        });
        return None;
    }
    let removing_only = changes.iter().all(|(_, v)| v.is_none());
    let verb = if which == MetaMap::Annotations {
        "annotated"
    } else if next == *current {
        "not labeled"
    } else if removing_only {
        "unlabeled"
    } else {
        "labeled"
    };
    Some((next, verb))
}

/// Prints the changed object for `-o json|yaml|name|jsonpath=...`, or kubectl's
/// `pod/x labeled` line; false (after kubectl's error) for an unknown format.
fn print(
    json: &serde_json::Value,
    name: &str,
    verb: &str,
    output: Option<&str>,
    out: &mut Output,
) -> bool {
    match output {
        None | Some("") => out.out(format!("{name} {verb}\n")),
        Some("name") => out.out(format!("{name}\n")),
        Some("json") => out.out(printers::json(json)),
        Some("yaml") => out.out(crate::manifest::emit::to_yaml(json)),
        Some(o) if o.starts_with("jsonpath=") => {
            let text = &o["jsonpath=".len()..];
            let template = match crate::jsonpath::Template::parse(text) {
                Ok(t) => t,
                Err(e) => {
                    out.fail(format!("error parsing jsonpath {text}, {e}"));
                    return false;
                }
            };
            let opts = crate::jsonpath::Options {
                allow_missing_keys: true,
            };
            match crate::jsonpath::execute(&template, json, &opts) {
                Ok(s) => out.out(s),
                Err(e) => {
                    out.fail(format!("error executing jsonpath {text:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{text}"));
                    return false;
                }
            }
        }
        Some(other) => {
            out.fail(format!("unable to match a printer suitable for the output format {other:?}, allowed formats are: json,jsonpath,name,yaml"));
            return false;
        }
    }
    true
}
