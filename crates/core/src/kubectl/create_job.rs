//! `kubectl create job NAME --image=IMAGE [-- COMMAND...]`, `kubectl create job NAME
//! --from=cronjob/NAME` and `kubectl create cronjob NAME --image=IMAGE
//! --schedule=SCHEDULE [--restart=POLICY] [-- COMMAND...]`: the objects kubectl's
//! generators build (one container named after the object, a Job's pods never
//! restarted, a CronJob's restarted on failure unless `--restart` says).

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run, DryRun};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::{CronJob, Job, Object, ObjectMeta};
use crate::Cluster;
use k8s_openapi::api::batch::v1::{CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

pub(super) const JOB_COMMAND: Command = Command {
    name: "job",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a job with the specified name",
    usage: "kubectl create job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("image", None, Kind::String).help("Image name to run."),
        flag("from", None, Kind::String)
            .help("The name of the resource to create a Job from (only cronjob is supported)."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_job,
};

pub(super) const CRONJOB_COMMAND: Command = Command {
    name: "cronjob",
    aliases: &["cj"],
    group: Group::Beginner,
    summary: "Create a cron job with the specified name",
    usage:
        "kubectl create cronjob NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("image", None, Kind::String).help("Image name to run."),
        flag("schedule", None, Kind::String)
            .help("A schedule in the Cron format the job should be run with."),
        flag("restart", None, Kind::String)
            .help("job's restart policy. supported values: OnFailure, Never"),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_cron_job,
};

/// A pod template of one container named after the object.
fn template(name: &str, image: &str, command: &[String], restart: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: None,
        spec: Some(PodSpec {
            containers: vec![Container {
                name: name.to_string(),
                image: Some(image.to_string()),
                command: (!command.is_empty()).then(|| command.to_vec()),
                resources: Some(ResourceRequirements::default()),
                ..Default::default()
            }],
            restart_policy: Some(restart.to_string()),
            ..Default::default()
        }),
    }
}

/// The namespace kubectl writes into the object: only one given with `-n`, and not
/// for a client dry run.
fn namespace(p: &Parsed, mode: DryRun) -> Option<String> {
    p.string("namespace")
        .map(str::to_string)
        .filter(|_| mode != DryRun::Client)
}

fn create_job(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "job", out) else {
        return;
    };
    let image = p.string("image").unwrap_or_default();
    let from = p.string("from").unwrap_or_default();
    if image.is_empty() == from.is_empty() {
        return out.fail("either --image or --from must be specified");
    }
    if !p.trailing.is_empty() && !from.is_empty() {
        return out.fail("cannot specify --from and command");
    }
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let ns = p.string("namespace").unwrap_or("default");
    let mut job = if from.is_empty() {
        Job {
            metadata: ObjectMeta::default(),
            spec: Some(JobSpec {
                template: template(name, image, &p.trailing, "Never"),
                ..Default::default()
            }),
            status: None,
        }
    } else {
        let (kind, source) = from.split_once('/').unwrap_or(("", from));
        if !matches!(
            kind,
            "cronjob" | "cronjobs" | "cj" | "cronjob.batch" | "cronjobs.batch"
        ) {
            return out.fail(format!("from must be an existing cronjob: {from}"));
        }
        let Some(cj) = cluster.api().cron_jobs.get(ns, source).cloned() else {
            return out.not_found("cronjobs.batch", source);
        };
        let spec = cj.spec.clone().unwrap_or_default();
        let meta = spec.job_template.metadata.clone().unwrap_or_default();
        let mut annotations = std::collections::BTreeMap::new();
        annotations.insert(
            "cronjob.kubernetes.io/instantiate".to_string(),
            "manual".to_string(),
        );
        annotations.extend(meta.annotations.unwrap_or_default());
        Job {
            metadata: ObjectMeta {
                annotations: Some(annotations),
                labels: meta.labels,
                // Not NewControllerRef: no blockOwnerDeletion.
                owner_references: Some(vec![OwnerReference {
                    api_version: "batch/v1".into(),
                    kind: "CronJob".into(),
                    name: cj.metadata.name.clone().unwrap_or_default(),
                    uid: cj.metadata.uid.clone().unwrap_or_default(),
                    controller: Some(true),
                    block_owner_deletion: None,
                }]),
                ..Default::default()
            },
            spec: spec.job_template.spec,
            status: None,
        }
    };
    job.metadata.name = Some(name.clone());
    job.metadata.namespace = namespace(p, mode);
    job.status = Some(Default::default());
    create_object(
        cluster,
        Object::Job(Box::new(job)),
        mode,
        p.string("output"),
        out,
    );
}

fn create_cron_job(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "cronjob", out) else {
        return;
    };
    let missing: Vec<&str> = ["image", "schedule"]
        .into_iter()
        .filter(|f| p.string(f).is_none())
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|f| format!("{f:?}")).collect();
        return out.fail(format!("required flag(s) {} not set", list.join(", ")));
    }
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let restart = p
        .string("restart")
        .filter(|r| !r.is_empty())
        .unwrap_or("OnFailure");
    let image = p.string("image").unwrap_or_default();
    let cj = CronJob {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: namespace(p, mode),
            ..Default::default()
        },
        spec: Some(CronJobSpec {
            schedule: p.string("schedule").unwrap_or_default().to_string(),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    name: Some(name.clone()),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    template: template(name, image, &p.trailing, restart),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::CronJob(Box::new(cj)),
        mode,
        p.string("output"),
        out,
    );
}
