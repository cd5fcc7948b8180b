//! `kubectl top`: the cluster runs no metrics-server (a kubeadm cluster has none until
//! one is installed), so the metrics API is not there to ask, as kubectl says.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, ALL_NAMESPACES, NAMESPACE, SELECTOR};
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "top",
    aliases: &[],
    group: Group::ClusterManagement,
    summary: "Display resource (CPU/memory) usage",
    usage: "kubectl top [flags]",
    flags: &[
        NAMESPACE,
        ALL_NAMESPACES,
        SELECTOR,
        flag("containers", None, Kind::Bool).help("If present, print usage of containers within a pod."),
        flag("no-headers", None, Kind::Bool).help("If present, print output without headers."),
        flag("sort-by", None, Kind::String).help("If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    match p.positionals.first().map(String::as_str) {
        Some("pod" | "pods" | "po" | "node" | "nodes" | "no") => {
            out.fail("Metrics API not available")
        }
        _ => out.out(TOP_USAGE),
    }
}

const TOP_USAGE: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use \"kubectl top <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";
