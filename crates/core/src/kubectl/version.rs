//! `kubectl version`.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed};
use super::{FileSource, Output};
use crate::model::KUBERNETES_VERSION;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "version",
    aliases: &[],
    group: Group::Other,
    summary: "Print the client and server version information",
    usage: "kubectl version [flags]",
    flags: &[
        flag("client", None, Kind::Bool)
            .help("If true, shows client version only (no server required)."),
        flag("output", Some('o'), Kind::String).help("One of 'yaml' or 'json'."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(format!(
        "Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.7.1\n"
    ));
    if !p.bool("client") {
        out.out(format!("Server Version: {KUBERNETES_VERSION}\n"));
    }
}
