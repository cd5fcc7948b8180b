//! The workload lessons (issue 25): a Deployment's rolling update and rollback, a
//! DaemonSet onto tainted nodes, a Job and a CronJob, with their manifests (the
//! Kubernetes docs' examples) and the checks that read Deployments, DaemonSets, Jobs
//! and CronJobs.

use super::{apply, run, Check, Lesson, Manifest, Progress};
use crate::model::ResourceExt;
use crate::Cluster;

// The docs' manifests (Deployments, DaemonSet, Jobs and CronJob pages).
const NGINX_DEPLOYMENT: Manifest = Manifest {
    file: "nginx-deployment.yaml",
    text: include_str!("../../lessons/nginx-deployment.yaml"),
};
const FLUENTD: Manifest = Manifest {
    file: "fluentd-elasticsearch.yaml",
    text: include_str!("../../lessons/fluentd-elasticsearch.yaml"),
};
const FLUENTD_DEDICATED: Manifest = Manifest {
    file: "fluentd-dedicated.yaml",
    text: include_str!("../../lessons/fluentd-dedicated.yaml"),
};
const PI_JOB: Manifest = Manifest {
    file: "pi-job.yaml",
    text: include_str!("../../lessons/pi-job.yaml"),
};
const HELLO_CRONJOB: Manifest = Manifest {
    file: "hello-cronjob.yaml",
    text: include_str!("../../lessons/hello-cronjob.yaml"),
};

/// The workload lessons, after the chapter's.
pub(super) fn lessons() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "deployment-rollout",
            title: "Roll a Deployment out, and back",
            intro: "A Deployment runs its pods through a ReplicaSet per template: a new image rolls out as a new ReplicaSet scaled up while the old one is scaled down, and rollout undo brings the previous template back.",
            steps: vec![
                apply(
                    "Create the nginx-deployment (three nginx:1.14.2 pods) and wait until it is available.",
                    NGINX_DEPLOYMENT,
                    Check::DeploymentAvailable { deployment: "nginx-deployment", replicas: 3, image: "nginx:1.14.2" },
                ),
                run(
                    "Update the image to nginx:1.16.1: a second ReplicaSet grows while the first shrinks (kubectl get rs, kubectl rollout status).",
                    "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1",
                    Check::DeploymentAvailable { deployment: "nginx-deployment", replicas: 3, image: "nginx:1.16.1" },
                ),
                run(
                    "List the rollout history: two revisions.",
                    "kubectl rollout history deployment/nginx-deployment",
                    Check::RolloutRevision { deployment: "nginx-deployment", revision: 2 },
                ),
                run(
                    "Roll back to the previous revision: revision 1's template comes back as revision 3.",
                    "kubectl rollout undo deployment/nginx-deployment",
                    Check::RolloutRevision { deployment: "nginx-deployment", revision: 3 },
                ),
                run(
                    "Wait for the rollback to finish: three nginx:1.14.2 pods again.",
                    "kubectl rollout status deployment/nginx-deployment",
                    Check::DeploymentAvailable { deployment: "nginx-deployment", replicas: 3, image: "nginx:1.14.2" },
                ),
            ],
        },
        Lesson {
            id: "daemonset-taints",
            title: "A DaemonSet onto tainted nodes",
            intro: "A DaemonSet runs a pod on every node it may: the docs' fluentd-elasticsearch tolerates the control plane's taint, so it runs there too, but not on a node tainted for something else until it tolerates that taint as well.",
            steps: vec![
                run(
                    "Dedicate k8s-worker-02 to logging: pods that do not tolerate the taint are not scheduled there.",
                    "kubectl taint nodes k8s-worker-02 dedicated=logging:NoSchedule",
                    Check::NodeTainted { node: "k8s-worker-02", key: "dedicated" },
                ),
                apply(
                    "Create the fluentd-elasticsearch DaemonSet in kube-system: a pod on the control plane and on k8s-worker-01, none on k8s-worker-02 (kubectl get pods -n kube-system -o wide).",
                    FLUENTD,
                    Check::DaemonSetOnEveryNode { namespace: "kube-system", daemonset: "fluentd-elasticsearch", nodes: 2 },
                ),
                apply(
                    "Add a toleration of dedicated=logging: the DaemonSet rolls its pods and runs one on k8s-worker-02 too.",
                    FLUENTD_DEDICATED,
                    Check::DaemonSetOnEveryNode { namespace: "kube-system", daemonset: "fluentd-elasticsearch", nodes: 3 },
                ),
                run(
                    "Remove the taint again.",
                    "kubectl taint nodes k8s-worker-02 dedicated=logging:NoSchedule-",
                    Check::NodeNotTainted { node: "k8s-worker-02", key: "dedicated" },
                ),
            ],
        },
        Lesson {
            id: "job-cronjob",
            title: "A Job and a CronJob",
            intro: "A Job runs pods until enough of them succeed; a CronJob makes a Job on a schedule (here every minute of the simulated clock).",
            steps: vec![
                apply(
                    "Create the pi Job and wait until it is complete (kubectl get jobs, kubectl logs job/pi).",
                    PI_JOB,
                    Check::JobComplete { job: "pi" },
                ),
                apply(
                    "Create the hello CronJob and wait for its first run, a Job named hello-<minute> (kubectl get cronjob hello, kubectl get jobs).",
                    HELLO_CRONJOB,
                    Check::CronJobRan { cronjob: "hello" },
                ),
                run(
                    "Suspend it: no more runs.",
                    "kubectl patch cronjob hello -p '{\"spec\":{\"suspend\":true}}'",
                    Check::CronJobSuspended { cronjob: "hello" },
                ),
            ],
        },
    ]
}

/// The uids of the workloads there are (a lesson's checks do not count them).
pub(super) fn uids(cluster: &Cluster) -> impl Iterator<Item = String> + '_ {
    let api = cluster.api();
    let deployments = api.deployments.list().map(|o| o.uid_any().to_string());
    let daemon_sets = api.daemon_sets.list().map(|o| o.uid_any().to_string());
    let jobs = api.jobs.list().map(|o| o.uid_any().to_string());
    let cron_jobs = api.cron_jobs.list().map(|o| o.uid_any().to_string());
    deployments.chain(daemon_sets).chain(jobs).chain(cron_jobs)
}

/// Whether a workload check holds now, counting only workloads made since the lesson
/// opened (false for the other checks).
pub(super) fn check(cluster: &Cluster, check: &Check, progress: &Progress) -> bool {
    let api = cluster.api();
    match check {
        Check::DeploymentAvailable {
            deployment,
            replicas,
            image,
        } => api
            .deployments
            .get("default", deployment)
            .filter(|d| progress.counts(*d))
            .is_some_and(|d| deployment_available(d, *replicas, image)),
        Check::RolloutRevision {
            deployment,
            revision,
        } => api
            .deployments
            .get("default", deployment)
            .filter(|d| progress.counts(*d))
            .and_then(|d| d.annotations().get(REVISION))
            .is_some_and(|r| r.parse::<u32>().ok() == Some(*revision)),
        Check::DaemonSetOnEveryNode {
            namespace,
            daemonset,
            nodes,
        } => api
            .daemon_sets
            .get(namespace, daemonset)
            .filter(|d| progress.counts(*d))
            .is_some_and(|ds| on_every_node(cluster, ds, *nodes)),
        Check::JobComplete { job } => api
            .jobs
            .get("default", job)
            .filter(|j| progress.counts(*j))
            .is_some_and(complete),
        Check::CronJobRan { cronjob } => api
            .cron_jobs
            .get("default", cronjob)
            .filter(|c| progress.counts(*c))
            .is_some_and(|cj| {
                api.jobs
                    .list_namespace("default")
                    .any(|j| controlled_by(&j.metadata, cj.uid_any()) && complete(j))
            }),
        Check::CronJobSuspended { cronjob } => api
            .cron_jobs
            .get("default", cronjob)
            .filter(|c| progress.counts(*c))
            .and_then(|c| c.spec.as_ref())
            .is_some_and(|s| s.suspend == Some(true)),
        _ => false,
    }
}

/// The annotation that holds a Deployment's revision.
const REVISION: &str = "deployment.kubernetes.io/revision";

/// The Deployment's controller has seen its spec, its template runs `image`, and
/// `replicas` pods of that template are available with no old ones left.
fn deployment_available(d: &crate::model::Deployment, replicas: i32, image: &str) -> bool {
    let Some(spec) = d.spec.as_ref() else {
        return false;
    };
    let Some(status) = d.status.as_ref() else {
        return false;
    };
    let runs_image = spec.template.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .any(|c| c.image.as_deref() == Some(image))
    });
    runs_image
        && spec.replicas.unwrap_or(1) == replicas
        && status.observed_generation >= d.metadata.generation
        && status.updated_replicas == Some(replicas)
        && status.available_replicas == Some(replicas)
        && status.replicas == Some(replicas)
}

/// Each node the DaemonSet should run on (there are `nodes` of them) runs one of its
/// pods, Running and ready, and the controller counts them all updated.
fn on_every_node(cluster: &Cluster, ds: &crate::model::DaemonSet, nodes: usize) -> bool {
    let api = cluster.api();
    let eligible: Vec<&str> = api
        .nodes
        .list()
        .filter(|n| crate::controllers::daemonset::should_run(n, ds).0)
        .map(|n| n.name_any())
        .collect();
    let namespace = ds.namespace().unwrap_or_default();
    let runs_on = |node: &str| {
        api.pods.list_namespace(namespace).any(|p| {
            controlled_by(&p.metadata, ds.uid_any())
                && p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node)
                && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                && crate::model::pod::is_ready(p)
        })
    };
    let updated = ds.status.as_ref().is_some_and(|s| {
        s.observed_generation >= ds.metadata.generation
            && s.updated_number_scheduled
                .and_then(|n| usize::try_from(n).ok())
                == Some(nodes)
            && usize::try_from(s.number_available.unwrap_or(0)).ok() == Some(nodes)
    });
    eligible.len() == nodes && updated && eligible.iter().all(|n| runs_on(n))
}

/// Whether the Job has its Complete condition.
fn complete(j: &crate::model::Job) -> bool {
    j.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Complete" && c.status == "True")
        })
}

/// Whether the object's controller is the object with this uid.
fn controlled_by(meta: &crate::model::ObjectMeta, uid: &str) -> bool {
    crate::controllers::replicaset::controller_of(meta).is_some_and(|o| o.uid == uid)
}
