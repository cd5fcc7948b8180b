//! `kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER=IMAGE...`: new images for a
//! pod's or a workload template's containers (init containers too; `*` names every
//! container), printing `deployment.apps/web image updated`.

use super::command::{Command, Group, Operands};
use super::flags::{Parsed, NAMESPACE};
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::model::Object;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "set",
    aliases: &[],
    group: Group::Beginner,
    summary: "Set specific features on objects",
    usage: "kubectl set SUBCOMMAND",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[
        super::set_env::COMMAND,
        IMAGE,
        super::set_resources::COMMAND,
    ],
    run,
};

const IMAGE: Command = Command {
    name: "image",
    aliases: &[],
    group: Group::Beginner,
    summary: "Update the image of a pod template",
    usage: "kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N",
    flags: &[NAMESPACE],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: set_image,
};

fn run(_: &mut Cluster, _: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(super::command::help(&COMMAND));
}

fn set_image(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let (resources_args, pairs): (Vec<&String>, Vec<&String>) =
        p.positionals.iter().partition(|a| !a.contains('='));
    if pairs.is_empty() {
        return out.fail("at least one image update is required");
    }
    let mut images = Vec::new();
    for pair in &pairs {
        match pair.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => images.push((c, i)),
            _ => return out.fail(format!("invalid image update argument {pair:?}")),
        }
    }
    let args: Vec<String> = resources_args.into_iter().cloned().collect();
    let targets: Vec<(ResourceType, String)> =
        match args.first() {
            None => return out.fail(
                "one or more resources must be specified as <resource> <name> or <resource>/<name>",
            ),
            Some(first) if first.contains('/') => match super::common::type_slash_name(&args) {
                Ok(t) => t,
                Err(e) => return out.fail(e),
            },
            Some(first) => {
                let Some(rt) = resources::lookup(first) else {
                    return out.fail(resources::unknown_type(first));
                };
                args[1..].iter().map(|n| (rt, n.clone())).collect()
            }
        };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    for (rt, name) in targets {
        let pointer = match rt.kind {
            "Pod" => "/spec",
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => "/spec/template/spec",
            _ => {
                out.err(format!(
                    "error: {}/{name} the object is not a pod or does not have a pod template: {}\n",
                    rt.name_prefix,
                    rt.kind
                ));
                out.exit_code = 1;
                continue;
            }
        };
        let Some(live) = cluster.api().object(rt.plural, &namespace, &name) else {
            out.not_found(rt.plural, &name);
            continue;
        };
        let mut json = live.to_json();
        let mut missing = Vec::new();
        if let Some(spec) = json.pointer_mut(pointer) {
            for (container, image) in &images {
                let mut found = false;
                for list in ["initContainers", "containers"] {
                    for c in spec
                        .get_mut(list)
                        .and_then(|l| l.as_array_mut())
                        .into_iter()
                        .flatten()
                    {
                        if *container == "*"
                            || c.get("name").and_then(|n| n.as_str()) == Some(*container)
                        {
                            c["image"] = serde_json::Value::from(*image);
                            found = true;
                        }
                    }
                }
                if !found {
                    missing.push(*container);
                }
            }
        }
        if let Some(c) = missing.first() {
            out.err(format!("error: unable to find container named {c:?}\n"));
            out.exit_code = 1;
            continue;
        }
        let result = Object::from_json(rt.kind, json)
            .map_err(|e| ApiError::bad_request(e.to_string()))
            .and_then(|o| cluster.update(o));
        match result {
            Ok(_) => out.out(format!("{}/{name} image updated\n", rt.name_prefix)),
            Err(e) => out.api_error(&e),
        }
    }
}
