//! `kubectl scale --replicas=N TYPE NAME... | TYPE/NAME...`: a new size for a
//! Deployment, a ReplicaSet or a StatefulSet (their scale subresource).

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources::ResourceType;
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
    let targets = match super::common::named_resources(args) {
        Ok(t) => t,
        Err(e) => return out.fail(e),
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
