//! `kubectl create -f FILE`, and `kubectl create namespace NAME`.

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run, manifest_message, read_files};
use super::flags::{Parsed, DRY_RUN, FILENAME, NAMESPACE, OUTPUT, RECURSIVE};
use super::{FileSource, Output};
use crate::model::Object;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "create",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a resource from a file or from stdin",
    usage: "kubectl create -f FILENAME [flags]",
    flags: &[NAMESPACE, FILENAME, RECURSIVE],
    operands: Operands::Nothing,
    subcommands: &[
        super::create_config::CONFIGMAP,
        super::create_job::CRONJOB_COMMAND,
        super::create_deployment::COMMAND,
        super::create_job::JOB_COMMAND,
        NAMESPACE_COMMAND,
        super::create_pdb::COMMAND,
        super::create_config::SECRET,
        super::create_serviceaccount::SERVICEACCOUNT,
        super::create_serviceaccount::TOKEN,
    ],
    run,
};

const NAMESPACE_COMMAND: Command = Command {
    name: "namespace",
    aliases: &["ns"],
    group: Group::Beginner,
    summary: "Create a namespace with the specified name",
    usage: "kubectl create namespace NAME [--dry-run=server|client|none]",
    flags: &[OUTPUT, DRY_RUN],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_namespace,
};

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    if p.strings("filename").is_empty() {
        out.fail("must specify one of -f and -k\n\nSee 'kubectl create -h' for help and examples");
        return;
    }
    let Some(texts) = read_files(cluster, p, files, out) else {
        return;
    };
    // kubectl counts the objects it visits; none at all is an error of its own.
    let (mut count, mut refused) = (0, false);
    for (name, text) in texts {
        match cluster.create_from_text(&name, &text) {
            Ok(applied) => {
                count += applied.len();
                for a in applied {
                    if a.result.is_ok() {
                        out.out(format!("{}\n", a.message()));
                    } else {
                        out.err(format!("{}\n", a.message()));
                        out.exit_code = 1;
                    }
                }
            }
            Err(rejected) => {
                for d in &crate::manifest::server_errors(&rejected.diagnostics) {
                    out.err(format!("{}\n", manifest_message(d)));
                }
                out.exit_code = 1;
                refused = true;
            }
        }
    }
    if count == 0 && !refused {
        out.fail("no objects passed to create");
    }
}

/// `kubectl create namespace NAME [--dry-run=client|server] [-o json|yaml|name]`.
fn create_namespace(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "namespace", out) else {
        return;
    };
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let ns = crate::model::Namespace {
        metadata: crate::model::ObjectMeta {
            name: Some(name.clone()),
            ..Default::default()
        },
        spec: Some(Default::default()),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::Namespace(Box::new(ns)),
        mode,
        p.string("output"),
        out,
    );
}
