//! `kubectl set env (TYPE NAME | TYPE/NAME) [KEY=VALUE ...] [KEY- ...]`: add, update or
//! remove environment variables of a pod's or a pod template's containers (init
//! containers too; `-c` picks them by name or wildcard), `--from=configmap/NAME` or
//! `secret/NAME` turning each key (or each `--keys` key) into a variable that refers to
//! it (`--prefix` before each name), `--list` printing the environment instead. Prints
//! `deployment.apps/web env updated`, nothing when nothing changes.

use super::command::{Command, Group, Operands};
use super::common::{SetError, SetOutput, Target};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::resources;
use super::{FileSource, Output};
use crate::apiserver::ApiError;
use crate::Cluster;
use serde_json::{json, Value};

pub(super) const COMMAND: Command = Command {
    name: "env",
    aliases: &[],
    group: Group::Beginner,
    summary: "Update environment variables on a pod template",
    usage: "kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N",
    flags: &[
        NAMESPACE,
        flag("containers", Some('c'), Kind::String)
            .default("'*'")
            .help("The names of containers in the selected pod templates to change - may use wildcards"),
        flag("from", None, Kind::String)
            .help("The name of a resource from which to inject environment variables"),
        flag("prefix", None, Kind::String).help("Prefix to append to variable names"),
        flag("env", Some('e'), Kind::StringArray).help(
            "Specify a key-value pair for an environment variable to set into each container.",
        ),
        flag("keys", None, Kind::String)
            .help("Comma-separated list of keys to import from specified resource"),
        flag("list", None, Kind::Bool).help("If true, display the environment and any changes in the standard format. this flag will removed when we have kubectl view env."),
        DRY_RUN,
        flag("filename", Some('f'), Kind::StringArray)
            .help("Filename, directory, or URL to files the resource to update the env"),
        flag("local", None, Kind::Bool)
            .help("If true, set env will NOT contact api-server but run locally."),
        OUTPUT,
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// `keyToEnvName`: what is not a letter, digit or `_` becomes `_`, upper-cased.
fn key_to_env_name(key: &str, out: &mut Output) -> String {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if name != key {
        out.err(format!("Warning: key {key} transferred to {name}\n"));
    }
    name
}

/// `wildcard match` of a container name against `-c`.
fn selected(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
    }
}

/// `updateEnv`: removed names go, given ones replace same-named ones in place, new
/// ones are added at the end.
fn update_env(existing: &[Value], env: &[Value], remove: &[String]) -> Vec<Value> {
    let name = |v: &Value| {
        v.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        let n = name(e);
        if covered.contains(&n) {
            continue;
        }
        match env.iter().find(|v| name(v) == n) {
            Some(newer) => {
                covered.push(n);
                out.push(newer.clone());
            }
            None => out.push(e.clone()),
        }
    }
    for e in env {
        let n = name(e);
        if !covered.contains(&n) {
            covered.push(n);
            out.push(e.clone());
        }
    }
    out
}

/// `GetEnvVarRefString`.
fn ref_string(from: &Value) -> String {
    let get = |p: &str| from.pointer(p).and_then(Value::as_str).unwrap_or_default();
    if from.get("configMapKeyRef").is_some() {
        format!(
            "configmap {}, key {}",
            get("/configMapKeyRef/name"),
            get("/configMapKeyRef/key")
        )
    } else if from.get("secretKeyRef").is_some() {
        format!(
            "secret {}, key {}",
            get("/secretKeyRef/name"),
            get("/secretKeyRef/key")
        )
    } else if from.get("fieldRef").is_some() {
        format!("field path {}", get("/fieldRef/fieldPath"))
    } else if from.get("resourceFieldRef").is_some() {
        format!("resource {}", get("/resourceFieldRef/resource"))
    } else {
        "invalid valueFrom".into()
    }
}

/// The variables `--from` brings: one per key of the ConfigMap or Secret.
fn from_source(
    cluster: &Cluster,
    from: &str,
    namespace: &str,
    keys: &[&str],
    out: &mut Output,
) -> Option<Vec<Value>> {
    let Some((t, name)) = from.split_once('/') else {
        out.fail("unsupported resource specified in --from");
        return None;
    };
    let Some(rt) = resources::lookup(t) else {
        out.fail(resources::unknown_type(t));
        return None;
    };
    let api = cluster.api();
    let (all, reference): (Vec<String>, &str) = match rt.kind {
        "ConfigMap" => match api.config_maps.get(namespace, name) {
            Some(cm) => (
                cm.data.iter().flatten().map(|(k, _)| k.clone()).collect(),
                "configMapKeyRef",
            ),
            None => {
                out.not_found(rt.plural, name);
                return None;
            }
        },
        "Secret" => match api.secrets.get(namespace, name) {
            Some(s) => (
                s.data.iter().flatten().map(|(k, _)| k.clone()).collect(),
                "secretKeyRef",
            ),
            None => {
                out.not_found(rt.plural, name);
                return None;
            }
        },
        _ => {
            out.fail("unsupported resource specified in --from");
            return None;
        }
    };
    let vars = all
        .iter()
        .filter(|k| keys.is_empty() || keys.contains(&k.as_str()))
        .map(|k| {
            json!({"name": key_to_env_name(k, out),
                   "valueFrom": {reference: {"name": name, "key": k}}})
        })
        .collect();
    Some(vars)
}

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    // SplitEnvironmentFromResources: the resources, then the changes.
    let is_env = |a: &str| a.contains('=') || a.ends_with('-');
    let split = p
        .positionals
        .iter()
        .position(|a| is_env(a))
        .unwrap_or(p.positionals.len());
    let (resource_args, env_args) = p.positionals.split_at(split);
    if env_args.iter().any(|a| !is_env(a)) {
        return out.fail(format!(
            "all resources must be specified before environment changes: {}",
            p.positionals.join(" ")
        ));
    }
    let Some(mut sink) = SetOutput::from_flags(p, cluster, out) else {
        return;
    };
    let local = sink.local;
    let filenames = !p.strings("filename").is_empty();
    if !filenames && resource_args.is_empty() {
        return out.fail(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if p.bool("list") && sink.output.is_some() {
        return out.fail("--list and --output may not be specified together");
    }
    let keys: Vec<&str> = p
        .string("keys")
        .map(|k| k.split(',').filter(|k| !k.is_empty()).collect())
        .unwrap_or_default();
    let from = p.string("from").filter(|f| !f.is_empty());
    if !keys.is_empty() && from.is_none() {
        return out
            .fail("when specifying --keys, a configmap or secret must be provided with --from");
    }
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    // ParseEnv: KEY=VALUE sets, KEY- removes.
    let mut env = Vec::new();
    let mut remove = Vec::new();
    for arg in p.strings("env").iter().chain(env_args) {
        match arg.split_once('=') {
            Some((k, v)) => env.push(json!({"name": k, "value": v})),
            None => remove.push(arg.trim_end_matches('-').to_string()),
        }
    }
    if let Some(from) = from {
        match from_source(cluster, from, &namespace, &keys, out) {
            Some(vars) => env.extend(vars),
            None => return,
        }
    }
    if let Some(prefix) = p.string("prefix").filter(|p| !p.is_empty()) {
        for e in &mut env {
            let name = e["name"].as_str().unwrap_or_default().to_string();
            e["name"] = Value::from(format!("{prefix}{name}"));
        }
    }
    let targets: Vec<Target> = if filenames {
        match super::common::file_targets(cluster, p, files, &namespace, out) {
            Some(t) => t,
            None => return,
        }
    } else if local {
        // The local builder takes no resource arguments: it has nothing to read.
        return out.fail(super::common::NO_RESOURCES);
    } else {
        let args: Vec<String> = resource_args.to_vec();
        let named = if args[0].contains('/') {
            match super::common::type_slash_name(&args) {
                Ok(t) => t,
                Err(e) => return out.fail(e),
            }
        } else {
            let Some(rt) = resources::lookup(&args[0]) else {
                return out.fail(resources::unknown_type(&args[0]));
            };
            args[1..].iter().map(|n| (rt, n.clone())).collect()
        };
        named
            .into_iter()
            .map(|(rt, n)| Target::Live(rt, namespace.clone(), n))
            .collect()
    };
    let pattern = p.string("containers").unwrap_or("*").to_string();
    let list = p.bool("list");
    for target in targets {
        let Some((rt, name, live, pointer)) = target.with_pod_spec(cluster, out) else {
            continue;
        };
        let before = live.to_json();
        let mut json = before.clone();
        let mut any = false;
        if let Some(spec) = json.pointer_mut(pointer) {
            for list_name in ["containers", "initContainers"] {
                for c in spec
                    .get_mut(list_name)
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    let cname = c["name"].as_str().unwrap_or_default().to_string();
                    if !selected(&pattern, &cname) {
                        continue;
                    }
                    any = true;
                    let existing = c
                        .get("env")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    let updated = update_env(&existing, &env, &remove);
                    if list {
                        out.out(format!("# {} {name}, container {cname}\n", rt.kind));
                        for e in &updated {
                            let n = e["name"].as_str().unwrap_or_default();
                            match e.get("valueFrom") {
                                None => out.out(format!(
                                    "{n}={}\n",
                                    e["value"].as_str().unwrap_or_default()
                                )),
                                Some(from) => out.out(format!("# {n} from {}\n", ref_string(from))),
                            }
                        }
                    }
                    if updated.is_empty() {
                        if let Some(o) = c.as_object_mut() {
                            o.remove("env");
                        }
                    } else {
                        c["env"] = Value::Array(updated);
                    }
                }
            }
        }
        if !any {
            out.err(format!(
                "Warning: {}/{name} does not have any containers matching {pattern:?}\n",
                rt.kind
            ));
        }
        if list {
            continue;
        }
        match sink.send_json(cluster, rt.kind, &before, json, "env updated", out) {
            Ok(()) => {}
            Err(SetError::Decode(e)) => out.api_error(&ApiError::bad_request(e)),
            Err(SetError::Server(e)) => {
                out.err(format!(
                    "error: failed to patch env update to pod template: {}\n",
                    SetError::server_message(&e)
                ));
                out.exit_code = 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_and_updates() {
        let mut out = Output::default();
        assert_eq!(key_to_env_name("special.how", &mut out), "SPECIAL_HOW");
        assert_eq!(
            out.stderr,
            "Warning: key special.how transferred to SPECIAL_HOW\n"
        );
        assert!(selected("*", "app") && selected("ap*", "app") && !selected("web", "app"));
        let existing = [
            json!({"name": "A", "value": "1"}),
            json!({"name": "B", "value": "2"}),
        ];
        let env = [
            json!({"name": "B", "value": "3"}),
            json!({"name": "C", "value": "4"}),
        ];
        let names: Vec<String> = update_env(&existing, &env, &["A".to_string()])
            .iter()
            .map(|v| format!("{}={}", v["name"], v["value"]))
            .collect();
        assert_eq!(names, ["\"B\"=\"3\"", "\"C\"=\"4\""]);
    }
}
