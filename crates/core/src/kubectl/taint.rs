//! `kubectl taint nodes NAME key=value:Effect ... | key:Effect- | key-`.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed};
use super::resources;
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "taint",
    aliases: &[],
    group: Group::ClusterManagement,
    summary: "Update the taints on one or more nodes",
    usage: "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
    flags: &[
        flag("overwrite", None, Kind::Bool).help("If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints."),
        flag("all", None, Kind::Bool).help("Select all nodes in the cluster"),
    ],
    operands: Operands::NodesWord,
    subcommands: &[],
    run,
};

/// `Taint.ToString()`: `key=value:Effect`, `key:Effect`, `key=value` or `key`.
fn taint_string(key: &str, value: &str, effect: &str) -> String {
    let mut s = key.to_string();
    if !value.is_empty() {
        s.push('=');
        s.push_str(value);
    }
    if !effect.is_empty() {
        s.push(':');
        s.push_str(effect);
    }
    s
}

/// `parseTaint`: `<key>=<value>:<effect>`, `<key>:<effect>` or `<key>`.
fn parse_taint(spec: &str) -> Result<crate::model::Taint, String> {
    let invalid = || format!("invalid taint spec: {spec}");
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts[..] {
        [key] => (key, "", ""),
        [kv, effect] => {
            if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv[..] {
                [k] => (k, "", effect),
                [k, v] => (k, v, effect),
                _ => return Err(invalid()),
            }
        }
        _ => return Err(invalid()),
    };
    let key_ok = !key.is_empty()
        && key.len() <= 316
        && key.rsplit('/').next().is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 63
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    if !key_ok {
        return Err(format!("{}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", invalid()));
    }
    if value.len() > 63
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!("{}, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'", invalid()));
    }
    Ok(crate::model::Taint {
        key: key.into(),
        value: (!value.is_empty()).then(|| value.to_string()),
        effect: effect.into(),
        time_added: None,
    })
}

/// Resolves `nodes NAME...` / `node/NAME` arguments; the rest are returned.
fn node_args<'a>(words: &'a [String], out: &mut Output) -> Option<(Vec<String>, &'a [String])> {
    let first = words.first()?;
    if let Some((t, n)) = first.split_once('/') {
        if resources::lookup(t) != Some(resources::NODES) {
            out.fail(format!(
                "invalid resource type {t}, only node types are supported"
            ));
            return None;
        }
        return Some((vec![n.to_string()], &words[1..]));
    }
    match resources::lookup(first) {
        Some(rt) if rt == resources::NODES => {
            let name = words.get(1)?;
            Some((vec![name.clone()], &words[2..]))
        }
        Some(rt) => {
            out.fail(format!(
                "invalid resource type {}, only node types are supported",
                rt.plural
            ));
            None
        }
        None => {
            out.fail(resources::unknown_type(first));
            None
        }
    }
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let usage = |out: &mut Output, msg: &str| {
        out.fail(format!(
            "{msg}\nSee 'kubectl taint -h' for help and examples"
        ))
    };
    let Some((names, specs)) = node_args(&p.positionals, out) else {
        if out.exit_code == 0 {
            usage(
                out,
                "one or more resources must be specified as <resource> <name>",
            );
        }
        return;
    };
    if specs.is_empty() {
        return usage(out, "at least one taint update is required");
    }
    let mut add: Vec<crate::model::Taint> = Vec::new();
    let mut remove: Vec<crate::model::Taint> = Vec::new();
    for spec in specs {
        if let Some(r) = spec.strip_suffix('-') {
            match parse_taint(r) {
                Ok(t) => remove.push(t),
                Err(e) => return usage(out, &e),
            }
        } else {
            match parse_taint(spec) {
                Ok(t) if t.effect.is_empty() => {
                    return usage(out, &format!("invalid taint spec: {spec}"))
                }
                Ok(t) => {
                    if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                        return usage(
                            out,
                            &format!(
                                "duplicated taints with the same key and effect: {}",
                                taint_string(
                                    &t.key,
                                    t.value.as_deref().unwrap_or_default(),
                                    &t.effect
                                )
                            ),
                        );
                    }
                    add.push(t)
                }
                Err(e) => return usage(out, &e),
            }
        }
    }
    let conflicts: Vec<String> = remove
        .iter()
        .filter(|r| {
            add.iter()
                .any(|a| a.key == r.key && (r.effect.is_empty() || a.effect == r.effect))
        })
        .map(|r| format!("{}={}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return out.fail(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let overwrite = p.bool("overwrite");
    for name in names {
        let Some(mut node) = cluster.api().nodes.get("", &name).cloned() else {
            out.not_found("nodes", &name);
            continue;
        };
        let old = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| o.key == t.key && o.effect == t.effect))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                out.fail(format!("node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")));
                continue;
            }
        }
        // reorganizeTaints: the new ones first, then the old ones not replaced.
        let mut taints = add.clone();
        for o in &old {
            if !taints
                .iter()
                .any(|t| t.key == o.key && t.effect == o.effect)
            {
                taints.push(o.clone());
            }
        }
        let added = taints.len() != old.len();
        let mut errors = Vec::new();
        let mut deleted = false;
        for r in &remove {
            let before = taints.len();
            taints.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            deleted = taints.len() != before;
            if !deleted {
                errors.push(format!(
                    "taint {:?} not found",
                    taint_string(&r.key, "", &r.effect)
                ));
            }
        }
        if !errors.is_empty() {
            out.fail(errors.join("\n"));
            continue;
        }
        let verb = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        node.spec.get_or_insert_with(Default::default).taints =
            (!taints.is_empty()).then_some(taints);
        match cluster.update_node(node) {
            Ok(()) => out.out(format!("node/{name} {verb}\n")),
            Err(e) => out.api_error(&e),
        }
    }
}
