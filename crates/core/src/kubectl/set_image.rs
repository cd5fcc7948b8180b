//! `kubectl set image (-f FILENAME | TYPE NAME | TYPE/NAME) CONTAINER=IMAGE...`: new
//! images for a pod's or a workload template's containers (init containers too; `*`
//! names every container), printing `deployment.apps/web image updated`, nothing when
//! nothing changes, the object with `-o`, `(dry run)` / `(server dry run)`; with
//! `--local`, the `-f` files' objects changed and printed, never sent.

use super::command::{Command, Group, Operands};
use super::common::{SetError, SetOutput, Target};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::resources;
use super::set_resources::LOCAL_NEEDS_FILES;
use super::{FileSource, Output};
use crate::apiserver::ApiError;
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
    flags: &[
        NAMESPACE,
        DRY_RUN,
        flag("filename", Some('f'), Kind::StringArray).help(
            "Filename, directory, or URL to files identifying the resource to get from a server.",
        ),
        flag("local", None, Kind::Bool)
            .help("If true, set image will NOT contact api-server but run locally."),
        OUTPUT,
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: set_image,
};

fn run(_: &mut Cluster, _: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(super::command::help(&COMMAND));
}

/// The objects the arguments or `-f` name (with `--local`, the files' own objects).
fn targets(
    cluster: &Cluster,
    p: &Parsed,
    files: &dyn FileSource,
    args: &[String],
    namespace: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    if !p.strings("filename").is_empty() {
        return super::common::file_targets(cluster, p, files, namespace, out);
    }
    if p.bool("local") {
        out.fail(LOCAL_NEEDS_FILES);
        return None;
    }
    let live = |(rt, name)| Target::Live(rt, namespace.to_string(), name);
    match args.first() {
        None => {
            out.fail(
                "one or more resources must be specified as <resource> <name> or <resource>/<name>",
            );
            None
        }
        Some(first) if first.contains('/') => match super::common::type_slash_name(args) {
            Ok(t) => Some(t.into_iter().map(live).collect()),
            Err(e) => {
                out.fail(e);
                None
            }
        },
        Some(first) => {
            let Some(rt) = resources::lookup(first) else {
                out.fail(resources::unknown_type(first));
                return None;
            };
            Some(args[1..].iter().map(|n| live((rt, n.clone()))).collect())
        }
    }
}

fn set_image(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let Some(mut sink) = SetOutput::from_flags(p, cluster, out) else {
        return;
    };
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
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let Some(targets) = targets(cluster, p, files, &args, &namespace, out) else {
        return;
    };
    for target in targets {
        let Some((rt, _, live, pointer)) = target.with_pod_spec(cluster, out) else {
            continue;
        };
        let before = live.to_json();
        let mut json = before.clone();
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
        match sink.send_json(cluster, rt.kind, &before, json, "image updated", out) {
            Ok(()) => {}
            Err(SetError::Decode(e)) => out.api_error(&ApiError::bad_request(e)),
            Err(SetError::Server(e)) => out.api_error(&e),
        }
    }
}
