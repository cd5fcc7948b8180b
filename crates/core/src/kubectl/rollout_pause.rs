//! `kubectl rollout pause|resume deployment/NAME`: a Deployment's spec.paused set or
//! cleared (the controller then stops or resumes rolling it), as kubectl's
//! ObjectPauser and ObjectResumer do.

use super::command::{Command, Group, Operands};
use super::flags::{Parsed, NAMESPACE};
use super::rollout_history::{named_deployment, Unsupported};
use super::{FileSource, Output};
use crate::model::{Object, ResourceExt};
use crate::Cluster;

pub(super) const PAUSE: Command = Command {
    name: "pause",
    aliases: &[],
    group: Group::Deploy,
    summary: "Mark the provided resource as paused",
    usage: "kubectl rollout pause RESOURCE",
    flags: &[NAMESPACE],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: pause,
};

pub(super) const RESUME: Command = Command {
    name: "resume",
    aliases: &[],
    group: Group::Deploy,
    summary: "Resume a paused resource",
    usage: "kubectl rollout resume RESOURCE",
    flags: &[NAMESPACE],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: resume,
};

/// Whether a command pauses or resumes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Paused,
    Resumed,
}

fn pause(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    set(cluster, p, out, Want::Paused);
}

fn resume(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    set(cluster, p, out, Want::Resumed);
}

fn set(cluster: &mut Cluster, p: &Parsed, out: &mut Output, want: Want) {
    let missing = match want {
        Want::Paused => Unsupported::NotSupported("pausing is not supported"),
        Want::Resumed => Unsupported::NotSupported("resuming is not supported"),
    };
    let Some(mut d) = named_deployment(cluster, p, out, missing) else {
        return;
    };
    let name = d.name_any().to_string();
    let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
    match (want, paused) {
        (Want::Paused, true) => {
            return out.fail(format!("deployments.apps {name:?} is already paused"))
        }
        (Want::Resumed, false) => {
            return out.fail(format!("deployments.apps {name:?} is not paused"))
        }
        _ => {}
    }
    if let Some(spec) = d.spec.as_mut() {
        spec.paused = (want == Want::Paused).then_some(true);
    }
    let verb = match want {
        Want::Paused => "paused",
        Want::Resumed => "resumed",
    };
    match cluster.update(Object::Deployment(Box::new(d))) {
        Ok(_) => out.out(format!("deployment.apps/{name} {verb}\n")),
        Err(e) => out.api_error(&e),
    }
}
