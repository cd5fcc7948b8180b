//! `kubectl set resources (-f FILENAME | TYPE NAME) [--limits=...] [--requests=...]`:
//! compute resource limits and requests for the containers (init containers too) of a
//! pod or a workload's pod template, picked by `-c` (wildcards, every container by
//! default); objects named, of a type with `--all` or `-l`, or from `-f` files (with
//! `--local`, changed and printed without the API server). Prints
//! `deployment.apps/web resource requirements updated`, nothing when nothing changes,
//! the object with `-o`, and `(dry run)` / `(server dry run)` as kubectl does.

use super::command::{Command, Group, Operands};
use super::common::{pod_spec_pointer, SetError, SetOutput, Target};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::resources;
use super::{FileSource, Output};
use crate::model::labels::Selector;
use crate::model::quantity::{format_milli, is_binary, parse_milli, QuantityError};
use crate::model::ResourceExt;
use crate::Cluster;
use serde_json::{Map, Value};

pub(super) const COMMAND: Command = Command {
    name: "resources",
    aliases: &[],
    group: Group::Beginner,
    summary: "Update resource requests/limits on objects with pod templates",
    usage: "kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS]",
    flags: &[
        NAMESPACE,
        flag("all", None, Kind::Bool)
            .help("Select all resources, in the namespace of the specified resource types"),
        flag("containers", Some('c'), Kind::String)
            .default("'*'")
            .help("The names of containers in the selected pod templates to change, all containers are selected by default - may use wildcards"),
        DRY_RUN,
        flag("filename", Some('f'), Kind::StringArray).help(
            "Filename, directory, or URL to files identifying the resource to get from a server.",
        ),
        flag("limits", None, Kind::String).help("The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges."),
        flag("local", None, Kind::Bool)
            .help("If true, set resources will NOT contact api-server but run locally."),
        OUTPUT,
        flag("requests", None, Kind::String).help("The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges."),
        flag("selector", Some('l'), Kind::String).help("Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// `LocalResourceError`.
pub(super) const LOCAL_NEEDS_FILES: &str = "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'";

/// What `--limits` or `--requests` asks, as `HandleResourceRequirementsV1` parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResourceListError {
    /// `Invalid argument syntax cpu, expected <resource>=<value>`.
    Syntax(String),
    Quantity(QuantityError),
}

impl std::fmt::Display for ResourceListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResourceListError::Syntax(s) => {
                write!(
                    f,
                    "Invalid argument syntax {s}, expected <resource>=<value>"
                )
            }
            ResourceListError::Quantity(e) => e.fmt(f),
        }
    }
}

/// `populateResourceListV1`: `cpu=100m,memory=256Mi` as names and canonical
/// quantities, in the order given.
pub(crate) fn resource_list(spec: &str) -> Result<Vec<(String, String)>, ResourceListError> {
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    let mut list: Vec<(String, String)> = Vec::new();
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, value] = parts.as_slice() else {
            return Err(ResourceListError::Syntax(statement.to_string()));
        };
        let milli = parse_milli(value).map_err(ResourceListError::Quantity)?;
        // Quantity's canonical form, as the object is encoded (`0.5` is `500m`).
        let canonical = if value.contains(['e', 'E']) {
            value.trim().to_string()
        } else {
            format_milli(milli, is_binary(value))
        };
        list.retain(|(n, _)| n != name);
        list.push((name.to_string(), canonical));
    }
    Ok(list)
}

/// `path.Match` of a container name against `-c` (`*` any run of characters).
fn selected(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len()
                && name.starts_with(head)
                && selected_tail(tail, &name[head.len()..])
        }
    }
}

fn selected_tail(pattern: &str, rest: &str) -> bool {
    if !pattern.contains('*') {
        return rest.ends_with(pattern);
    }
    (0..=rest.len()).any(|i| rest.is_char_boundary(i) && selected(pattern, &rest[i..]))
}

/// Sets the limits and requests on the selected containers of `json`: whether any
/// container matched.
fn set_requirements(
    json: &mut Value,
    pointer: &str,
    pattern: &str,
    limits: &[(String, String)],
    requests: &[(String, String)],
) -> bool {
    let mut any = false;
    let Some(spec) = json.pointer_mut(pointer) else {
        return false;
    };
    for list in ["initContainers", "containers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if !selected(pattern, c["name"].as_str().unwrap_or_default()) {
                continue;
            }
            any = true;
            let Some(c) = c.as_object_mut() else { continue };
            let resources = c
                .entry("resources")
                .or_insert_with(|| Value::Object(Map::new()));
            for (field, values) in [("limits", limits), ("requests", requests)] {
                if values.is_empty() {
                    continue;
                }
                if !resources.get(field).is_some_and(Value::is_object) {
                    resources[field] = Value::Object(Map::new());
                }
                for (name, q) in values {
                    resources[field][name.as_str()] = Value::from(q.as_str());
                }
            }
        }
    }
    any
}

/// The objects the arguments, `--all`, `-l` or `-f` name.
fn targets(
    cluster: &Cluster,
    p: &Parsed,
    files: &dyn FileSource,
    namespace: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let local = p.bool("local");
    let mut targets = Vec::new();
    if !p.strings("filename").is_empty() {
        if local && !p.positionals.is_empty() {
            out.fail(LOCAL_NEEDS_FILES);
            return None;
        }
        return super::common::file_targets(cluster, p, files, namespace, out);
    }
    if local {
        out.fail(LOCAL_NEEDS_FILES);
        return None;
    }
    let args = &p.positionals;
    let Some(first) = args.first() else {
        out.fail(super::common::NO_RESOURCES);
        return None;
    };
    if first.contains('/') {
        match super::common::type_slash_name(args) {
            Ok(t) => targets.extend(
                t.into_iter()
                    .map(|(rt, n)| Target::Live(rt, namespace.to_string(), n)),
            ),
            Err(e) => {
                out.fail(e);
                return None;
            }
        }
        return Some(targets);
    }
    let Some(rt) = resources::lookup(first) else {
        out.fail(resources::unknown_type(first));
        return None;
    };
    let selector = p.string("selector").filter(|s| !s.is_empty());
    if args.len() == 1 {
        if !p.bool("all") && selector.is_none() {
            out.fail("resource(s) were provided, but no name was specified");
            return None;
        }
        let selector = match selector.map(Selector::parse).transpose() {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                out.fail(e.to_string());
                return None;
            }
        };
        for o in super::common::list(cluster, &rt, Some(namespace)) {
            if selector.matches(o.metadata().labels.as_ref()) {
                targets.push(Target::Live(
                    rt,
                    namespace.to_string(),
                    o.name_any().to_string(),
                ));
            }
        }
        return Some(targets);
    }
    targets.extend(
        args[1..]
            .iter()
            .map(|n| Target::Live(rt, namespace.to_string(), n.clone())),
    );
    Some(targets)
}

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let Some(mut sink) = SetOutput::from_flags(p, cluster, out) else {
        return;
    };
    if p.bool("all") && p.string("selector").is_some_and(|s| !s.is_empty()) {
        return out.fail("cannot set --all and --selector at the same time");
    }
    let (limits, requests) = (
        p.string("limits").unwrap_or_default(),
        p.string("requests").unwrap_or_default(),
    );
    if limits.is_empty() && requests.is_empty() {
        return out.fail(
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
    }
    let (limits, requests) = match (resource_list(limits), resource_list(requests)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return out.fail(e.to_string()),
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let Some(targets) = targets(cluster, p, files, &namespace, out) else {
        return;
    };
    // The builder fetches every object first: one missing fails the command.
    let mut objects = Vec::new();
    for target in targets {
        match target {
            Target::Local(o) => {
                if let Some(rt) = resources::lookup(o.kind()) {
                    objects.push((rt, o));
                }
            }
            Target::Live(rt, ns, name) => match cluster.api().object(rt.plural, &ns, &name) {
                Some(o) => objects.push((rt, o.to_owned())),
                None => return out.not_found(rt.plural, &name),
            },
        }
    }
    let pattern = p.string("containers").unwrap_or("*").to_string();
    let mut errors: Vec<String> = Vec::new();
    for (rt, live) in objects {
        let name = live.name_any().to_string();
        let Some(pointer) = pod_spec_pointer(rt.kind) else {
            errors.push(format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: *v1.{}",
                rt.plural, rt.kind
            ));
            continue;
        };
        let before = live.to_json();
        let mut json = before.clone();
        if !set_requirements(&mut json, pointer, &pattern, &limits, &requests) {
            errors.push(format!("error: unable to find container named {pattern}"));
            continue;
        }
        let verb = "resource requirements updated";
        match sink.send_json(cluster, rt.kind, &before, json, verb, out) {
            Ok(()) => {}
            Err(SetError::Decode(e)) => errors.push(format!("error: {}/{name} {e}", rt.plural)),
            Err(SetError::Server(e)) => errors.push(format!(
                "failed to patch resources update to pod template {}",
                SetError::server_message(&e)
            )),
        }
    }
    // The errors aggregated, as kubectl's CheckErr prints them.
    match errors.as_slice() {
        [] => {}
        [one] => out.fail(one.strip_prefix("error: ").unwrap_or(one)),
        many => out.fail(format!("[{}]", many.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_lists_as_kubectl_parses_them() {
        type Case<'a> = (&'a str, Result<Vec<(&'a str, &'a str)>, &'a str>);
        let cases: &[Case] = &[
            ("", Ok(vec![])),
            ("cpu=200m,memory=512Mi", Ok(vec![("cpu", "200m"), ("memory", "512Mi")])),
            ("cpu=0.5,memory=1024Mi", Ok(vec![("cpu", "500m"), ("memory", "1Gi")])),
            ("cpu=0,memory=0", Ok(vec![("cpu", "0"), ("memory", "0")])),
            ("cpu", Err("Invalid argument syntax cpu, expected <resource>=<value>")),
            ("cpu=1=2", Err("Invalid argument syntax cpu=1=2, expected <resource>=<value>")),
            ("cpu=lots", Err("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")),
        ];
        for (spec, want) in cases {
            let got = resource_list(spec).map_err(|e| e.to_string());
            let want = want
                .clone()
                .map(|v| {
                    v.iter()
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect()
                })
                .map_err(str::to_string);
            assert_eq!(got, want, "{spec}");
        }
    }

    #[test]
    fn container_patterns() {
        for (pattern, name, want) in [
            ("*", "nginx", true),
            ("nginx", "nginx", true),
            ("ng*", "nginx", true),
            ("*x", "nginx", true),
            ("n*i*x", "nginx", true),
            ("web", "nginx", false),
            ("n*z", "nginx", false),
        ] {
            assert_eq!(selected(pattern, name), want, "{pattern} {name}");
        }
    }
}
