//! `kubectl run NAME --image=IMAGE [--env=K=V] [--labels=..] [--restart=..] [--port=..]
//! [--command] [--dry-run[=client|server]] [-o yaml|json|name] [-- ARGS...]`.

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::Object;
use crate::Cluster;
use std::collections::BTreeMap;

pub(super) const COMMAND: Command = Command {
    name: "run",
    aliases: &[],
    group: Group::Beginner,
    summary: "Run a particular image on the cluster",
    usage: "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]",
    flags: &[
        NAMESPACE,
        flag("image", None, Kind::String).help("The image for the container to run."),
        flag("env", None, Kind::StringArray).help("Environment variables to set in the container."),
        flag("labels", Some('l'), Kind::String).help("Comma separated labels to apply to the pod. Will override previous values."),
        flag("annotations", None, Kind::StringArray).help("Annotations to apply to the pod."),
        flag("restart", None, Kind::String).default("'Always'").help("The restart policy for this Pod.  Legal values [Always, OnFailure, Never]."),
        flag("port", None, Kind::String).help("The port that this container exposes."),
        flag("command", None, Kind::Bool).help("If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default."),
        flag("image-pull-policy", None, Kind::String).help("The image pull policy for the container.  If left empty, this value will not be specified by the client and defaulted by the server."),
        OUTPUT,
        flag("privileged", None, Kind::Bool).help("If true, run the container in privileged mode."),
        DRY_RUN,
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let usage = |out: &mut Output, msg: &str| {
        out.fail(format!("{msg}\nSee 'kubectl run -h' for help and examples"))
    };
    let Some(name) = p.positionals.first().cloned() else {
        return usage(out, "NAME is required for run");
    };
    let Some(image) = p.string("image").map(str::to_string) else {
        return out.fail("required flag(s) \"image\" not set");
    };
    if image.is_empty() || image.contains(char::is_whitespace) {
        return out.fail(format!(
            "Invalid image name {image:?}: invalid reference format"
        ));
    }
    let restart = p.string("restart").unwrap_or("Always").to_string();
    if crate::model::RestartPolicy::parse(&restart).is_none() {
        return usage(out, &format!("invalid restart policy: {restart}"));
    }
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };

    let mut labels = BTreeMap::new();
    match p.string("labels") {
        Some(text) => {
            for pair in text.split(',') {
                match pair.split_once('=') {
                    Some((k, v)) if !k.is_empty() => {
                        labels.insert(k.to_string(), v.to_string());
                    }
                    _ => return out.fail(format!("invalid label spec: {pair}")),
                }
            }
        }
        None => {
            labels.insert("run".to_string(), name.clone());
        }
    }
    let mut annotations = BTreeMap::new();
    for a in p.strings("annotations") {
        match a.split_once('=') {
            Some((k, v)) => {
                annotations.insert(k.to_string(), v.to_string());
            }
            None => return out.fail(format!("invalid annotation spec: {a}")),
        }
    }
    let mut env = Vec::new();
    for e in p.strings("env") {
        match e.split_once('=') {
            Some((k, v)) if !k.is_empty() => env.push(k8s_openapi::api::core::v1::EnvVar {
                name: k.to_string(),
                // `Value` is omitempty: `--env=NAME=` prints no `value: ""`.
                value: (!v.is_empty()).then(|| v.to_string()),
                value_from: None,
            }),
            _ => return out.fail(format!("invalid env: {e}")),
        }
    }
    let mut extra: Vec<String> = p.positionals[1..].to_vec();
    extra.extend(p.trailing.iter().cloned());
    let ports = match p.string("port") {
        Some(port) => match port.parse::<i32>() {
            Ok(n) => Some(vec![k8s_openapi::api::core::v1::ContainerPort {
                container_port: n,
                ..Default::default()
            }]),
            Err(_) => return out.fail(format!("strconv.Atoi: parsing {port:?}: invalid syntax")),
        },
        None => None,
    };
    let container = crate::model::Container {
        name: name.clone(),
        image: Some(image),
        env: (!env.is_empty()).then_some(env),
        command: (p.bool("command") && !extra.is_empty()).then(|| extra.clone()),
        args: (!p.bool("command") && !extra.is_empty()).then(|| extra.clone()),
        ports,
        image_pull_policy: p
            .string("image-pull-policy")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        resources: Some(Default::default()),
        security_context: p.bool("privileged").then(|| {
            k8s_openapi::api::core::v1::SecurityContext {
                privileged: Some(true),
                ..Default::default()
            }
        }),
        ..Default::default()
    };
    let pod = crate::model::Pod {
        metadata: crate::model::ObjectMeta {
            name: Some(name),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            namespace: p.string("namespace").map(str::to_string),
            ..Default::default()
        },
        spec: Some(crate::model::PodSpec {
            containers: vec![container],
            dns_policy: Some("ClusterFirst".into()),
            restart_policy: Some(restart),
            ..Default::default()
        }),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::Pod(Box::new(pod)),
        mode,
        p.string("output"),
        out,
    );
}
