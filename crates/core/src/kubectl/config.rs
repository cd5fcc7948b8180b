//! `kubectl config`: the kubeconfig kubeadm writes for the one cluster
//! (`/etc/kubernetes/admin.conf`, copied to `~/.kube/config`): cluster `kubernetes`
//! at the control plane's API server, user `kubernetes-admin`, context
//! `kubernetes-admin@kubernetes`. `view` prints it with the certificates' data omitted,
//! as kubectl does without `--raw`.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed};
use super::{FileSource, Output};
use crate::Cluster;

const CLUSTER: &str = "kubernetes";
const USER: &str = "kubernetes-admin";
const CONTEXT: &str = "kubernetes-admin@kubernetes";
/// The API server's address (kubeadm's advertise address on the control plane).
const SERVER: &str = "https://192.168.56.201:6443";

pub(super) const COMMAND: Command = Command {
    name: "config",
    aliases: &[],
    group: Group::Other,
    summary: "Modify kubeconfig files",
    usage: "kubectl config SUBCOMMAND",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[
        Command {
            name: "current-context",
            aliases: &[],
            group: Group::Other,
            summary: "Display the current-context",
            usage: "kubectl config current-context [options]",
            flags: &[],
            operands: Operands::Nothing,
            subcommands: &[],
            run: current_context,
        },
        Command {
            name: "get-clusters",
            aliases: &[],
            group: Group::Other,
            summary: "Display clusters defined in the kubeconfig",
            usage: "kubectl config get-clusters [options]",
            flags: &[],
            operands: Operands::Nothing,
            subcommands: &[],
            run: |_, _, _, out| out.out(format!("NAME\n{CLUSTER}\n")),
        },
        Command {
            name: "get-contexts",
            aliases: &[],
            group: Group::Other,
            summary: "Describe one or many contexts",
            usage: "kubectl config get-contexts [(-o|--output=)name)] [options]",
            flags: &[
                flag("output", Some('o'), Kind::String)
                    .help("Output format. One of: (name)."),
                flag("no-headers", None, Kind::Bool).help(
                    "When using the default or custom-column output format, don't print headers (default print headers).",
                ),
            ],
            operands: Operands::Nothing,
            subcommands: &[],
            run: get_contexts,
        },
        Command {
            name: "get-users",
            aliases: &[],
            group: Group::Other,
            summary: "Display users defined in the kubeconfig",
            usage: "kubectl config get-users [options]",
            flags: &[],
            operands: Operands::Nothing,
            subcommands: &[],
            run: |_, _, _, out| out.out(format!("NAME\n{USER}\n")),
        },
        Command {
            name: "use-context",
            aliases: &["use"],
            group: Group::Other,
            summary: "Set the current-context in a kubeconfig file",
            usage: "kubectl config use-context CONTEXT_NAME [options]",
            flags: &[],
            operands: Operands::Nothing,
            subcommands: &[],
            run: use_context,
        },
        Command {
            name: "view",
            aliases: &[],
            group: Group::Other,
            summary: "Display merged kubeconfig settings or a specified kubeconfig file",
            usage: "kubectl config view [flags] [options]",
            flags: &[
                flag("minify", None, Kind::Bool).help(
                    "Remove all information not used by current-context from the output",
                ),
                flag("flatten", None, Kind::Bool).help(
                    "Flatten the resulting kubeconfig file into self-contained output (useful for creating portable kubeconfig files)",
                ),
                flag("raw", None, Kind::Bool)
                    .help("Display raw byte data and sensitive data"),
                flag("output", Some('o'), Kind::String).default("'yaml'").help(
                    "Output format. One of: (json, yaml).",
                ),
            ],
            operands: Operands::Nothing,
            subcommands: &[],
            run: view,
        },
    ],
    run: |_, _, _, out| out.out(super::command::help(&COMMAND)),
};

fn current_context(_: &mut Cluster, _: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(format!("{CONTEXT}\n"));
}

fn get_contexts(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if let Some(name) = p.positionals.iter().find(|n| *n != CONTEXT) {
        return out.fail(format!("context {name} not found"));
    }
    match p.string("output") {
        Some("name") => out.out(format!("{CONTEXT}\n")),
        Some(other) if !other.is_empty() => {
            out.fail(format!("output must be one of '' or 'name': {other}"))
        }
        _ => {
            let mut table = String::new();
            if !p.bool("no-headers") {
                table.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
            }
            table.push_str(&format!("*\t{CONTEXT}\t{CLUSTER}\t{USER}\t\n"));
            out.out(super::tabwriter::format(&table, 6, 3));
        }
    }
}

fn use_context(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    match p.positionals.as_slice() {
        [name] if name == CONTEXT => out.out(format!("Switched to context \"{CONTEXT}\".\n")),
        [name] => out.fail(format!("no context exists with the name: {name:?}")),
        _ => out
            .fail("Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples"),
    }
}

fn view(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if p.bool("raw") || p.bool("flatten") {
        return out.fail(
            "podlab: the cluster's certificates are simulated: there is no key or certificate data to show",
        );
    }
    let omitted = "DATA+OMITTED";
    match p.string("output").unwrap_or("yaml") {
        "yaml" | "" => out.out(format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {omitted}\n    server: {SERVER}\n  name: {CLUSTER}\ncontexts:\n- context:\n    cluster: {CLUSTER}\n    user: {USER}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: {USER}\n  user:\n    client-certificate-data: {omitted}\n    client-key-data: {omitted}\n"
        )),
        "json" => out.out(format!(
            "{{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {{}},\n    \"clusters\": [\n        {{\n            \"name\": \"{CLUSTER}\",\n            \"cluster\": {{\n                \"server\": \"{SERVER}\",\n                \"certificate-authority-data\": \"{omitted}\"\n            }}\n        }}\n    ],\n    \"users\": [\n        {{\n            \"name\": \"{USER}\",\n            \"user\": {{\n                \"client-certificate-data\": \"{omitted}\",\n                \"client-key-data\": \"{omitted}\"\n            }}\n        }}\n    ],\n    \"contexts\": [\n        {{\n            \"name\": \"{CONTEXT}\",\n            \"context\": {{\n                \"cluster\": \"{CLUSTER}\",\n                \"user\": \"{USER}\"\n            }}\n        }}\n    ],\n    \"current-context\": \"{CONTEXT}\"\n}}\n"
        )),
        other => out.fail(format!(
            "unable to match a printer suitable for the output format {other:?}, allowed formats are: json,yaml"
        )),
    }
}
