//! `kubectl api-versions`: the group/versions the API server serves, sorted.

use super::command::{Command, Group, Operands};
use super::flags::Parsed;
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "api-versions",
    aliases: &[],
    group: Group::Other,
    summary: "Print the supported API versions on the server, in the form of \"group/version\"",
    usage: "kubectl api-versions [options]",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if !p.positionals.is_empty() {
        return out.fail(format!(
            "unexpected arguments: [{}]\nSee 'kubectl api-versions -h' for help and examples",
            p.positionals.join(" ")
        ));
    }
    let mut versions: Vec<&str> = crate::model::kinds::ALL
        .iter()
        .map(|k| k.api_version)
        .collect();
    crate::sort::sort(&mut versions);
    versions.dedup();
    for v in versions {
        out.out(format!("{v}\n"));
    }
}
