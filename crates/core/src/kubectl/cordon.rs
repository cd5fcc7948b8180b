//! `kubectl cordon NODE` / `kubectl uncordon NODE`.

use super::command::{Command, Group, Operands};
use super::flags::{Flag, Parsed, SELECTOR};
use super::Output;
use crate::model::labels::Selector;
use crate::model::ResourceExt;
use crate::Cluster;

const FLAGS: &[Flag] = &[SELECTOR];

pub(super) const CORDON: Command = Command {
    name: "cordon",
    aliases: &[],
    group: Group::ClusterManagement,
    summary: "Mark node as unschedulable",
    usage: "kubectl cordon NODE",
    flags: FLAGS,
    operands: Operands::Nodes,
    subcommands: &[],
    run: |cluster, p, _, out| run(cluster, p, Schedulable::No, out),
};

pub(super) const UNCORDON: Command = Command {
    name: "uncordon",
    aliases: &[],
    group: Group::ClusterManagement,
    summary: "Mark node as schedulable",
    usage: "kubectl uncordon NODE",
    flags: FLAGS,
    operands: Operands::Nodes,
    subcommands: &[],
    run: |cluster, p, _, out| run(cluster, p, Schedulable::Yes, out),
};

/// What `cordon` (No) or `uncordon` (Yes) makes a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Schedulable {
    Yes,
    No,
}

fn run(cluster: &mut Cluster, p: &Parsed, to: Schedulable, out: &mut Output) {
    let command = match to {
        Schedulable::No => "cordon",
        Schedulable::Yes => "uncordon",
    };
    if p.positionals.is_empty() && !p.has("selector") {
        return out.fail(format!(
            "USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        ));
    }
    let mut names = p.positionals.clone();
    if let Some(sel) = p.string("selector") {
        let sel = match Selector::parse(sel) {
            Ok(s) => s,
            Err(e) => return out.fail(e.to_string()),
        };
        names.extend(
            cluster
                .api()
                .nodes
                .list()
                .filter(|n| sel.matches(Some(n.labels())))
                .filter_map(|n| n.metadata.name.clone()),
        );
    }
    set(cluster, names, to, out);
}

/// Marks each named node (`NAME`, `node/NAME`) schedulable or not, as `cordon` prints it.
pub(super) fn set(cluster: &mut Cluster, names: Vec<String>, to: Schedulable, out: &mut Output) {
    let (command, unschedulable) = match to {
        Schedulable::No => ("cordon", true),
        Schedulable::Yes => ("uncordon", false),
    };
    for name in names {
        let name = name
            .strip_prefix("node/")
            .or_else(|| name.strip_prefix("nodes/"))
            .unwrap_or(&name)
            .to_string();
        let Some(mut node) = cluster.api().nodes.get("", &name).cloned() else {
            out.not_found("nodes", &name);
            continue;
        };
        let spec = node.spec.get_or_insert_with(Default::default);
        if spec.unschedulable.unwrap_or(false) == unschedulable {
            out.out(format!("node/{name} already {command}ed\n"));
            continue;
        }
        spec.unschedulable = unschedulable.then_some(true);
        match cluster.update_node(node) {
            Ok(()) => out.out(format!("node/{name} {command}ed\n")),
            Err(e) => out.api_error(&e),
        }
    }
}
