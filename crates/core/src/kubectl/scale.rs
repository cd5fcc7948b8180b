//! `kubectl scale --replicas=N TYPE NAME... | TYPE/NAME...`: a new size for a
//! Deployment, a ReplicaSet or a StatefulSet (their scale subresource).

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::model::Object;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "scale",
    aliases: &[],
    group: Group::Deploy,
    summary: "Set a new size for a deployment, replica set, or replication controller",
    usage: "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
    flags: &[
        NAMESPACE,
        flag("replicas", None, Kind::String).default("0").help("The new desired number of replicas. Required."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// The kinds with a scale subresource here.
fn scalable(rt: &ResourceType) -> bool {
    matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet")
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if !p.has("replicas") {
        return out.fail("required flag(s) \"replicas\" not set");
    }
    let replicas = match p.string("replicas").map(str::parse::<i32>) {
        Some(Ok(n)) if n >= 0 => n,
        Some(Ok(_)) => return out.fail(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ),
        _ => {
            let v = p.string("replicas").unwrap_or_default();
            return out.fail(format!(
                "invalid argument {v:?} for \"--replicas\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl scale --help' for usage."
            ));
        }
    };
    let args = &p.positionals;
    let targets: Vec<(ResourceType, String)> = match args.first() {
        None => {
            return out.fail(
                "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
            )
        }
        Some(first) if first.contains('/') => match super::common::type_slash_name(args) {
            Ok(t) => t,
            Err(e) => return out.fail(e),
        },
        Some(first) => {
            let Some(rt) = resources::lookup(first) else {
                return out.fail(resources::unknown_type(first));
            };
            if args.len() == 1 {
                return out.fail("resource(s) were provided, but no name was specified");
            }
            args[1..].iter().map(|n| (rt, n.clone())).collect()
        }
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    for (rt, name) in targets {
        if !scalable(&rt) {
            out.api_error(&ApiError::NotFound {
                resource: rt.plural,
                name: name.clone(),
            });
            continue;
        }
        let Some(live) = cluster.api().object(rt.plural, &namespace, &name) else {
            out.not_found(rt.plural, &name);
            continue;
        };
        let mut json = live.to_json();
        json["spec"]["replicas"] = serde_json::Value::from(replicas);
        let result = Object::from_json(rt.kind, json)
            .map_err(|e| ApiError::bad_request(e.to_string()))
            .and_then(|o| cluster.update(o));
        match result {
            Ok(_) => out.out(format!("{}/{name} scaled\n", rt.name_prefix)),
            Err(e) => out.api_error(&e),
        }
    }
}
