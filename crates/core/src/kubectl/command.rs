//! kubectl's command table: every command's name, flags and run function, declared once
//! (as kubectl declares them on its cobra commands). Dispatch, flag parsing and its
//! errors, `--help`, `kubectl` alone and Tab completion all read it.

use super::flags::{self, Flag, Parsed};
use super::{FileSource, Output};
use crate::Cluster;

/// What a command does once its flags are parsed.
pub(crate) type Run = fn(&mut Cluster, &Parsed, &dyn FileSource, &mut Output);

/// The heading a command is listed under in `kubectl`'s own help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Beginner,
    Intermediate,
    Deploy,
    Troubleshooting,
    Advanced,
    Settings,
    ClusterManagement,
    Other,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Beginner => "Basic Commands (Beginner):",
            Group::Intermediate => "Basic Commands (Intermediate):",
            Group::Deploy => "Deploy Commands:",
            Group::Troubleshooting => "Troubleshooting and Debugging Commands:",
            Group::Advanced => "Advanced Commands:",
            Group::Settings => "Settings Commands:",
            Group::ClusterManagement => "Cluster Management Commands:",
            Group::Other => "Other Commands:",
        }
    }
}

/// What a command's words name, for Tab completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operands {
    /// Nothing to complete.
    Nothing,
    /// A resource type, then object names of that type.
    TypeThenNames,
    /// A resource type only (`explain`).
    Type,
    /// Node names (`cordon`, `drain`).
    Nodes,
    /// `nodes`, then node names (`taint`).
    NodesWord,
    /// A pod name (`logs`, `exec`).
    Pod,
}

/// One kubectl command.
pub(crate) struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub group: Group,
    /// The one line `kubectl` lists it with.
    pub summary: &'static str,
    /// The `Usage:` line of its `--help`.
    pub usage: &'static str,
    pub flags: &'static [Flag],
    pub operands: Operands,
    /// Subcommands chosen by the first word (`create namespace`), each with its own flags.
    pub subcommands: &'static [Command],
    pub run: Run,
}

impl Command {
    fn is(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

/// Every command, in the order `kubectl` lists them.
pub(crate) const COMMANDS: &[&Command] = &[
    &super::create::COMMAND,
    &super::expose::COMMAND,
    &super::run::COMMAND,
    &super::set_image::COMMAND,
    &super::explain::COMMAND,
    &super::get::COMMAND,
    &super::edit::COMMAND,
    &super::delete::COMMAND,
    &super::rollout::COMMAND,
    &super::scale::COMMAND,
    &super::autoscale::COMMAND,
    &super::describe::COMMAND,
    &super::logs::COMMAND,
    &super::exec::COMMAND,
    &super::port_forward::COMMAND,
    &super::events::COMMAND,
    &super::apply::COMMAND,
    &super::patch::COMMAND,
    &super::wait::COMMAND,
    &super::label::LABEL,
    &super::label::ANNOTATE,
    &super::completion::COMMAND,
    &super::top::COMMAND,
    &super::cordon::CORDON,
    &super::cordon::UNCORDON,
    &super::drain::COMMAND,
    &super::taint::COMMAND,
    &super::resources::COMMAND,
    &super::api_versions::COMMAND,
    &super::config::COMMAND,
    &super::version::COMMAND,
];

/// The command a word names.
pub(crate) fn lookup(word: &str) -> Option<&'static Command> {
    COMMANDS.iter().copied().find(|c| c.is(word))
}

/// `kubectl` alone (or `kubectl help`): the commands by group.
pub(crate) fn usage() -> String {
    let mut s = String::from("kubectl controls the Kubernetes cluster manager.\n");
    let mut group = None;
    for c in COMMANDS {
        if group != Some(c.group) {
            s.push('\n');
            s.push_str(c.group.title());
            s.push('\n');
            group = Some(c.group);
        }
        s.push_str(&format!("  {:<13} {}\n", c.name, c.summary));
    }
    s.push_str("\nUsage:\n  kubectl [flags] [options]\n");
    s
}

/// `kubectl COMMAND --help`: what it does, its flags (by name, as pflag lists them) and
/// its usage.
pub(super) fn help(c: &Command) -> String {
    let mut s = format!("{}.\n", c.summary);
    if !c.subcommands.is_empty() {
        s.push_str("\nAvailable Commands:\n");
        for sub in c.subcommands {
            s.push_str(&format!("  {:<13} {}\n", sub.name, sub.summary));
        }
    }
    let mut listed: Vec<&Flag> = c.flags.iter().collect();
    crate::sort::sort_by_key(&mut listed, |f| f.name);
    if !listed.is_empty() {
        s.push_str("\nOptions:\n");
        for f in listed {
            match f.short {
                Some(short) => s.push_str(&format!("    -{short}, --{}={}:\n", f.name, f.default)),
                None => s.push_str(&format!("    --{}={}:\n", f.name, f.default)),
            }
            s.push_str(&format!("\t{}\n\n", f.help));
        }
    }
    s.push_str(&format!("Usage:\n  {} [options]\n\n", c.usage));
    s.push_str("Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n");
    s
}

/// Runs `kubectl COMMAND ARGS...`: finds the command (and subcommand), parses its flags
/// (pflag's error with the help hint when one is wrong), and runs it or prints its help.
pub(crate) fn dispatch(
    cluster: &mut Cluster,
    command: &str,
    args: &[String],
    files: &dyn FileSource,
    out: &mut Output,
) {
    if matches!(command, "help" | "-h" | "--help") {
        return out.out(usage());
    }
    let Some(mut c) = lookup(command) else {
        return out.fail(format!("unknown command {command:?} for \"kubectl\""));
    };
    let mut path = c.name.to_string();
    let mut args = args;
    while let Some(sub) = args
        .first()
        .and_then(|w| c.subcommands.iter().find(|s| s.is(w)))
    {
        c = sub;
        path = format!("{path} {}", sub.name);
        args = &args[1..];
    }
    let mut spec: Vec<Flag> = c.flags.to_vec();
    spec.push(flags::HELP);
    match flags::parse(args, &spec) {
        Ok(p) if p.bool("help") => out.out(help(c)),
        Ok(p) => (c.run)(cluster, &p, files, out),
        Err(e) => out.fail(format!("{e}\nSee 'kubectl {path} --help' for usage.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::NoFiles;

    fn kubectl(c: &mut Cluster, line: &str) -> Output {
        let args = crate::kubectl::split_words(line).unwrap();
        crate::kubectl::run(c, &args, &NoFiles)
    }

    #[test]
    fn every_flag_is_declared_once_with_its_help() {
        fn check(path: &str, c: &Command) {
            for (i, f) in c.flags.iter().enumerate() {
                assert!(!f.help.is_empty(), "{path} --{} has no help", f.name);
                assert!(
                    c.flags[i + 1..]
                        .iter()
                        .all(|g| g.name != f.name && (f.short.is_none() || g.short != f.short)),
                    "{path} declares --{} twice",
                    f.name
                );
                assert_ne!(f.short, Some('h'), "{path}: -h is --help");
            }
            for sub in c.subcommands {
                check(&format!("{path} {}", sub.name), sub);
            }
        }
        for c in COMMANDS {
            check(c.name, c);
            assert_eq!(lookup(c.name).map(|l| l.name), Some(c.name));
        }
    }

    #[test]
    fn help_comes_from_the_table() {
        let mut c = Cluster::with_default_nodes(1);
        let out = kubectl(&mut c, "delete -h");
        assert_eq!(out.exit_code, 0);
        assert!(out.stdout.starts_with("Delete resources by file names, stdin, resources and names, or by label selector.\n\nOptions:\n    --all=false:\n"), "{}", out.stdout);
        assert!(out
            .stdout
            .contains("    --grace-period=-1:\n\tPeriod of time in seconds"));
        assert!(out.stdout.contains("    -l, --selector='':\n"));
        let out = kubectl(&mut c, "create ns --help");
        assert!(out
            .stdout
            .contains("Usage:\n  kubectl create namespace NAME"));
        // After `--` it belongs to the command run in the container.
        let out = kubectl(&mut c, "exec nope -- ls -h");
        assert_eq!(
            out.stderr,
            "Error from server (NotFound): pods \"nope\" not found\n"
        );
        let out = kubectl(&mut c, "label --bogus");
        assert_eq!(
            out.stderr,
            "error: unknown flag: --bogus\nSee 'kubectl label --help' for usage.\n"
        );
    }

    #[test]
    fn completion_offers_the_tables_flags() {
        let c = Cluster::with_default_nodes(1);
        let got = crate::kubectl::complete::complete(&c, "kubectl run --im", &[]);
        assert_eq!(got, ["--image", "--image-pull-policy"]);
        let got = crate::kubectl::complete::complete(&c, "kubectl label --", &[]);
        assert_eq!(
            got,
            [
                "--filename",
                "--local",
                "--namespace",
                "--output",
                "--overwrite",
                "--recursive"
            ]
        );
    }
}
