//! `kubectl completion bash|zsh`: a script that registers kubectl's completion with the
//! shell. Podlab's terminal completes kubectl itself (Tab reads the command table), so
//! the script is kubectl's frame without its body: the entry function and the
//! `complete` (bash) or `compdef` (zsh) line that `source <(kubectl completion bash)`
//! runs, and that the docs' `complete -o default -F __start_kubectl k` refers to.

use super::command::{Command, Group, Operands};
use super::flags::Parsed;
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "completion",
    aliases: &[],
    group: Group::Settings,
    summary:
        "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
    usage: "kubectl completion SHELL [options]",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

const BASH: &str =
    "# bash completion V2 for kubectl                              -*- shell-script -*-
#
# Podlab's terminal completes kubectl with Tab by itself; this script registers the
# completion function as kubectl's does.

__start_kubectl()
{
    local cur prev words cword split
    return 0
}

complete -o default -F __start_kubectl kubectl

# ex: ts=4 sw=4 et filetype=sh
";

const ZSH: &str = "#compdef kubectl
compdef _kubectl kubectl

# zsh completion for kubectl                              -*- shell-script -*-
#
# Podlab's terminal completes kubectl with Tab by itself; this script registers the
# completion function as kubectl's does.

_kubectl()
{
    return 0
}
";

fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let usage = "\nSee 'kubectl completion -h' for help and examples";
    match p.positionals.as_slice() {
        [] => out.fail(format!("Shell not specified.{usage}")),
        [shell] => match shell.as_str() {
            "bash" => out.out(BASH),
            "zsh" => out.out(ZSH),
            other => out.fail(format!("Unsupported shell type {other:?}.{usage}")),
        },
        _ => out.fail(format!(
            "Too many arguments. Expected only the shell type.{usage}"
        )),
    }
}
