//! `kubectl create deployment NAME --image=IMAGE... [--replicas=N] [--port=P]`: a
//! Deployment as kubectl's generator builds it (labels `app=NAME`, one container per
//! image named after the image's last path element without tag or digest).

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::{Deployment, Object, ObjectMeta};
use crate::Cluster;
use k8s_openapi::api::apps::v1::{DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, PodSpec, PodTemplateSpec, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

pub(super) const COMMAND: Command = Command {
    name: "deployment",
    aliases: &["deploy"],
    group: Group::Beginner,
    summary: "Create a deployment with the specified name",
    usage: "kubectl create deployment NAME --image=image -- [COMMAND] [args...]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("image", None, Kind::StringArray).help("Image names to run. A deployment can have multiple images set for multi-container pod."),
        flag("replicas", Some('r'), Kind::String).default("1").help("Number of replicas to create. Default is 1."),
        flag("port", None, Kind::String).default("-1").help("The containerPort that this deployment exposes."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

/// The container name kubectl derives from an image: its last path element, without
/// a digest or a tag. (kubectl also suffixes a name two images share with five random
/// characters; here the API server refuses the duplicate.)
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    // sanitizeAndUniquify: underscores become dashes.
    base.split(':').next().unwrap_or(base).replace('_', "-")
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "deployment", out) else {
        return;
    };
    let images = p.strings("image");
    if images.is_empty() {
        return out.fail("required flag(s) \"image\" not set");
    }
    let parse_int = |flag: &str, default: &str| -> Result<i32, String> {
        let v = p.string(flag).unwrap_or(default);
        v.parse::<i32>().map_err(|_| {
            format!("invalid argument {v:?} for \"--{flag}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })
    };
    let replicas = match parse_int("replicas", "1") {
        Ok(r) => r,
        Err(e) => return out.fail(e),
    };
    let port = match parse_int("port", "-1") {
        Ok(r) => r,
        Err(e) => return out.fail(e),
    };
    if images.len() > 1 && port >= 0 {
        return out.fail("cannot use --port with multiple images");
    }
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let containers = images
        .iter()
        .map(|image| Container {
            name: container_name(image),
            image: Some(image.clone()),
            ports: (port >= 0).then(|| {
                vec![ContainerPort {
                    container_port: port,
                    ..Default::default()
                }]
            }),
            resources: Some(ResourceRequirements::default()),
            ..Default::default()
        })
        .collect();
    let namespace = p.string("namespace").map(str::to_string);
    let d = Deployment {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: namespace.filter(|_| mode != super::common::DryRun::Client),
            labels: Some(labels.clone()),
            ..Default::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            strategy: Some(DeploymentStrategy::default()),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers,
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::Deployment(Box::new(d)),
        mode,
        p.string("output"),
        out,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn container_names_from_images() {
        for (image, want) in [
            ("nginx", "nginx"),
            ("nginx:1.14.2", "nginx"),
            ("registry.k8s.io/e2e-test-images/agnhost:2.40", "agnhost"),
            ("reg.io/a/busybox@sha256:abc", "busybox"),
            ("localhost:5000/app", "app"),
            ("my_image", "my-image"),
        ] {
            assert_eq!(super::container_name(image), want);
        }
    }
}
