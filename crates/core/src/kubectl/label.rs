//! `kubectl label|annotate TYPE NAME key=value... key-... [--overwrite]`.

use super::command::{Command, Group, Operands};
use super::common::list;
use super::flags::{flag, Flag, Kind, Parsed, NAMESPACE};
use super::resources;
use super::Output;
use crate::apiserver::MetaMap;
use crate::model::ResourceExt;
use crate::Cluster;

const FLAGS: &[Flag] = &[
    NAMESPACE,
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
    run: |cluster, p, _, out| label(cluster, p, out, MetaMap::Labels),
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
    run: |cluster, p, _, out| label(cluster, p, out, MetaMap::Annotations),
};

fn label(cluster: &mut Cluster, p: &Parsed, out: &mut Output, which: MetaMap) {
    let (command, noun) = match which {
        MetaMap::Labels => ("label", "label"),
        MetaMap::Annotations => ("annotate", "annotation"),
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
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
    let ns = if rt.namespaced {
        namespace.as_str()
    } else {
        ""
    };
    let current = match list(cluster, &rt, if rt.namespaced { Some(ns) } else { None })
        .into_iter()
        .find(|o| o.name_any() == name.as_str())
    {
        Some(o) => match which {
            MetaMap::Labels => o.metadata().labels.clone().unwrap_or_default(),
            MetaMap::Annotations => o.metadata().annotations.clone().unwrap_or_default(),
        },
        None => {
            out.not_found(rt.plural, &name);
            return;
        }
    };
    let overwrite = p.bool("overwrite");
    let mut next = current.clone();
    let mut errors = Vec::new();
    for (k, v) in &changes {
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
        return;
    }
    let removing_only = changes.iter().all(|(_, v)| v.is_none());
    let verb = if which == MetaMap::Annotations {
        "annotated"
    } else if next == current {
        "not labeled"
    } else if removing_only {
        "unlabeled"
    } else {
        "labeled"
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
    out.out(format!("{}/{name} {verb}\n", rt.singular));
}
