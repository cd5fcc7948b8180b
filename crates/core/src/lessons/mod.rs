//! The chapter as guided lessons: steps with the manifest to put in the editor and the
//! command to type, each with a check that is true once the cluster has reached the state
//! the step aims for. Lessons are data; the UI draws them and ticks the checks.

mod chapter;
mod config;
mod scheduling;
mod workloads;

pub use scheduling::Placement;

use crate::model::ResourceExt;
use crate::Cluster;
use serde::{Deserialize, Serialize};

pub const DEMO_WEB_REPO: &str = "https://github.com/ansilh/k8s-demo-web.git";

/// What must be true of the cluster for a step to be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The pod exists and is in this phase.
    PodPhase {
        pod: &'static str,
        phase: &'static str,
    },
    /// The pod is bound to a node whose name starts with this.
    PodOnNode {
        pod: &'static str,
        node_prefix: &'static str,
    },
    /// The pod exists and is not bound to any node.
    PodPending { pod: &'static str },
    /// The pod is Running but not Ready (a readiness probe fails).
    PodNotReady { pod: &'static str },
    /// The pod's container has been restarted at least this often.
    Restarted {
        pod: &'static str,
        container: &'static str,
        at_least: i32,
    },
    /// A Service of this name and type exists.
    Service {
        name: &'static str,
        type_: &'static str,
    },
    /// The learner has opened the Service's node port in the browser tab, and a GET
    /// through it, on the first worker, answers with a body containing this text.
    ServedThroughNodePort {
        service: &'static str,
        contains: &'static str,
    },
    /// The repository has a commit after its first, and a GET through the Service's
    /// node port serves the head's version of `path`.
    ServesNewCommit {
        service: &'static str,
        repo: &'static str,
        path: &'static str,
    },
    /// The node has a taint with this key.
    NodeTainted {
        node: &'static str,
        key: &'static str,
    },
    /// The node has no taint with this key.
    NodeNotTainted {
        node: &'static str,
        key: &'static str,
    },
    /// A command run in a container (as `kubectl exec`) succeeds and prints this text
    /// (with an empty `contains`: prints anything but blanks).
    ExecOutput {
        pod: &'static str,
        container: &'static str,
        argv: &'static [&'static str],
        contains: &'static str,
    },
    /// A ConfigMap of this name exists.
    ConfigMap { name: &'static str },
    /// A Secret of this name exists.
    Secret { name: &'static str },
    /// The container was started (its current or last run) with this variable set to
    /// this value.
    Env {
        pod: &'static str,
        container: &'static str,
        name: &'static str,
        value: &'static str,
    },
    /// The file, read in the running container, holds this text.
    MountedFile {
        pod: &'static str,
        container: &'static str,
        path: &'static str,
        contains: &'static str,
    },
    /// The PersistentVolume exists and is in this phase.
    VolumePhase {
        volume: &'static str,
        phase: &'static str,
    },
    /// The claim exists and is Bound.
    ClaimBound { claim: &'static str },
    /// A pod of this name made during the lesson has been deleted, and none is there now
    /// (or a newer one is).
    PodDeleted { pod: &'static str },
    /// The pod uses the claim, a pod of the same name that was there earlier in the
    /// lesson is gone, and the file on the claim, read in this pod, holds this text.
    FileSurvives {
        claim: &'static str,
        pod: &'static str,
        container: &'static str,
        path: &'static str,
        contains: &'static str,
    },
    /// The Deployment (in `default`) has seen its spec, runs `image`, and has this many
    /// updated replicas, all available, and no old ones.
    DeploymentAvailable {
        deployment: &'static str,
        replicas: i32,
        image: &'static str,
    },
    /// The Deployment's rollout is at this revision.
    RolloutRevision {
        deployment: &'static str,
        revision: u32,
    },
    /// The DaemonSet runs an up-to-date, ready pod on every node it should run on, and
    /// there are this many such nodes.
    DaemonSetOnEveryNode {
        namespace: &'static str,
        daemonset: &'static str,
        nodes: usize,
    },
    /// The Job (in `default`) is Complete.
    JobComplete { job: &'static str },
    /// The CronJob (in `default`) has run a Job to completion.
    CronJobRan { cronjob: &'static str },
    /// The CronJob (in `default`) is suspended.
    CronJobSuspended { cronjob: &'static str },
    /// Of the pods in `default` labelled `selector` (`key=value`) made during the
    /// lesson, this many are Running and this many Pending (and none else), the running
    /// ones placed as `placement` says.
    PodsPlaced {
        selector: &'static str,
        running: usize,
        pending: usize,
        placement: Placement,
    },
    /// The node has this label.
    NodeLabel {
        node: &'static str,
        key: &'static str,
        value: &'static str,
    },
    /// The node is cordoned (or not).
    NodeUnschedulable {
        node: &'static str,
        unschedulable: bool,
    },
    /// A PriorityClass of this name exists.
    PriorityClass { name: &'static str },
}

/// A manifest a step puts in the editor: a file of its own (in the terminal, a file of
/// that name in the control plane's home directory), which the step's command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manifest {
    pub file: &'static str,
    pub text: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: &'static str,
    /// The manifest for the editor, if the step needs one.
    pub manifest: Option<Manifest>,
    /// The command to type in the terminal.
    pub command: Option<String>,
    pub check: Check,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub steps: Vec<Step>,
}

impl Lesson {
    /// The manifests its steps put in the editor, in step order.
    pub fn files(&self) -> impl Iterator<Item = Manifest> + '_ {
        self.steps.iter().filter_map(|s| s.manifest)
    }
}

/// A lesson's progress as its checks read it: what was in the cluster when it was
/// opened (its checks do not count those objects, so a step ticks for what is done
/// during the lesson, not for a pod of the same name left by another lesson), and the
/// node ports the learner has opened in the browser tab since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The uids of the pods, Services, ConfigMaps, Secrets, volumes, claims, events and
    /// workloads there were, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    before: Vec<String>,
    /// Node ports browsed, in the order they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    browsed: Vec<u16>,
}

impl Progress {
    /// A lesson opened on `cluster` now.
    pub fn start(cluster: &Cluster) -> Progress {
        let api = cluster.api();
        let mut before: Vec<String> = api
            .pods
            .list()
            .map(|p| p.uid_any().to_string())
            .chain(api.services.list().map(|s| s.uid_any().to_string()))
            .chain(api.config_maps.list().map(|o| o.uid_any().to_string()))
            .chain(api.secrets.list().map(|o| o.uid_any().to_string()))
            .chain(
                api.persistent_volumes
                    .list()
                    .map(|o| o.uid_any().to_string()),
            )
            .chain(
                api.persistent_volume_claims
                    .list()
                    .map(|o| o.uid_any().to_string()),
            )
            .chain(api.events.list().map(|o| o.uid_any().to_string()))
            .chain(workloads::uids(cluster))
            .collect();
        crate::sort::sort_by(&mut before, |a, b| a.cmp(b));
        Progress {
            before,
            browsed: Vec::new(),
        }
    }

    /// The learner opened `url` in the browser tab: its port counts as browsed.
    pub fn browsed(&mut self, url: &str) {
        let port = crate::net::parse_url(url).ok().map(|u| u.port);
        if let Some(port) = port.filter(|p| !self.browsed.contains(p)) {
            self.browsed.push(port);
        }
    }

    /// Whether the object was made after the lesson was opened.
    fn counts(&self, meta: &impl ResourceExt) -> bool {
        self.before
            .binary_search_by(|u| u.as_str().cmp(meta.uid_any()))
            .is_err()
    }
}

/// Whether the cluster is as a lesson would start it: no pods and no Services in
/// `default` besides `kubernetes`, and no node tainted but the control plane.
pub fn is_clean(cluster: &Cluster) -> bool {
    let api = cluster.api();
    api.pods.list_namespace("default").next().is_none()
        && api
            .services
            .list_namespace("default")
            .all(|s| s.name_any() == "kubernetes")
        && api.nodes.list().all(|n| {
            n.spec
                .as_ref()
                .and_then(|s| s.taints.as_ref())
                .is_none_or(|t| {
                    t.iter()
                        .all(|t| t.key == "node-role.kubernetes.io/control-plane")
                })
        })
}

/// `kubectl create -f FILE`: how a step creates its manifest.
pub(super) fn create_command(manifest: Manifest) -> Option<String> {
    Some(format!("kubectl create -f {}", manifest.file))
}

/// A step that creates the manifest from its editor file and waits for the pod to run.
pub(super) fn create_running(text: &'static str, manifest: Manifest, pod: &'static str) -> Step {
    Step {
        text,
        manifest: Some(manifest),
        command: create_command(manifest),
        check: Check::PodPhase {
            pod,
            phase: "Running",
        },
    }
}

/// A step that applies its manifest.
pub(super) fn apply(text: &'static str, manifest: Manifest, check: Check) -> Step {
    Step {
        text,
        manifest: Some(manifest),
        command: Some(format!("kubectl apply -f {}", manifest.file)),
        check,
    }
}

/// A step that is a command only.
pub(super) fn run(text: &'static str, command: &str, check: Check) -> Step {
    Step {
        text,
        manifest: None,
        command: Some(command.into()),
        check,
    }
}

/// Every lesson: the chapter's, in its order, then the ones that follow it.
pub fn lessons() -> Vec<Lesson> {
    let mut all = chapter::lessons();
    all.extend(config::lessons());
    all.extend(workloads::lessons());
    all.extend(scheduling::lessons());
    all
}

/// A fresh cluster for a lesson: the default nodes, prepared.
pub fn reset() -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    prepare(&mut c);
    c
}

/// What the lessons need besides the nodes: the git repository the chapter's pods clone
/// (created with its first page when it does not exist yet).
pub fn prepare(c: &mut Cluster) {
    if c.git_mut().init(DEMO_WEB_REPO).is_err() {
        return;
    }
    let _ = c.git_mut().put(
        DEMO_WEB_REPO,
        "index.html",
        b"<html>\n<body>\n<h1>Kubernetes demo web</h1>\n<p>Served by nginx from a git clone.</p>\n</body>\n</html>\n",
    );
    let now = c.now();
    let _ = c.git_mut().commit(
        DEMO_WEB_REPO,
        "Initial page",
        ("ansilh", "ansilh@example.com"),
        now,
    );
}

/// The Service's (first) node port.
fn node_port(cluster: &Cluster, service: &str) -> Option<u16> {
    cluster
        .api()
        .services
        .get("default", service)
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.ports.as_ref())
        .and_then(|p| p.first())
        .and_then(|p| p.node_port)
        .and_then(|p| u16::try_from(p).ok())
}

/// The address of the Service's node port on the first worker (what a step that asks
/// to browse it opens), once the Service has one.
pub fn node_port_url(cluster: &Cluster, service: &str) -> Option<String> {
    node_port(cluster, service).map(|p| format!("http://{FIRST_WORKER_IP}:{p}/"))
}

/// The first worker's address, where the lessons browse node ports.
const FIRST_WORKER_IP: &str = "192.168.56.202";

/// The body a GET through the Service's node port on the first worker answers with
/// (on a copy of the cluster), for a Service made since the lesson opened.
fn served(cluster: &Cluster, service: &str, progress: &Progress) -> Option<Vec<u8>> {
    let port = cluster
        .api()
        .services
        .get("default", service)
        .filter(|s| progress.counts(*s))
        .and(node_port(cluster, service))?;
    cluster
        .clone()
        .http_get(&format!("http://{FIRST_WORKER_IP}:{port}/"))
        .ok()
        .map(|r| r.body)
}

/// What a command run in a running container (as `kubectl exec`, on a copy of the
/// cluster) prints on its standard output, if it succeeds.
fn exec_stdout(cluster: &Cluster, pod: &str, container: &str, argv: &[&str]) -> Option<String> {
    let argv = argv.iter().map(|a| a.to_string()).collect();
    match cluster.clone().exec("default", pod, container, argv, None) {
        Ok((chunks, 0)) => Some(
            chunks
                .iter()
                .filter(|(s, _)| *s == crate::shell::Stream::Stdout)
                .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
                .collect(),
        ),
        _ => None,
    }
}

/// Whether an event made since the lesson opened is about a pod of this name other than
/// `current` (the uid of the pod of that name there is now, if any): such a pod was
/// made during the lesson (names are unique, so it is gone).
fn earlier_pod(cluster: &Cluster, name: &str, current: Option<&str>, progress: &Progress) -> bool {
    cluster.api().events.list_namespace("default").any(|e| {
        let o = &e.involved_object;
        progress.counts(e)
            && o.kind.as_deref() == Some("Pod")
            && o.name.as_deref() == Some(name)
            && o.uid.as_deref().is_some_and(|u| Some(u) != current)
    })
}

/// Whether `check` holds now, counting only objects made since the lesson opened. Checks only
/// read: a GET through a node port goes to a copy of the cluster, so no access log line
/// or round-robin turn is left behind.
pub fn check(cluster: &Cluster, check: &Check, progress: &Progress) -> bool {
    let pod = |c: &Cluster, name: &str| {
        c.api()
            .pods
            .get("default", name)
            .filter(|p| progress.counts(*p))
            .cloned()
    };
    match check {
        Check::PodPhase { pod: name, phase } => pod(cluster, name)
            .and_then(|p| p.status.and_then(|s| s.phase))
            .is_some_and(|p| p == *phase),
        Check::PodOnNode {
            pod: name,
            node_prefix,
        } => pod(cluster, name)
            .and_then(|p| p.spec.and_then(|s| s.node_name))
            .is_some_and(|n| n.starts_with(node_prefix)),
        Check::PodPending { pod: name } => pod(cluster, name).is_some_and(|p| {
            p.spec
                .and_then(|s| s.node_name)
                .is_none_or(|n| n.is_empty())
        }),
        Check::PodNotReady { pod: name } => pod(cluster, name).is_some_and(|p| {
            p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                && !crate::model::pod::is_ready(&p)
        }),
        Check::Restarted {
            pod: name,
            container,
            at_least,
        } => pod(cluster, name)
            .and_then(|p| p.status)
            .and_then(|s| s.container_statuses)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.name == *container && c.restart_count >= *at_least)
            }),
        Check::Service { name, type_ } => cluster
            .api()
            .services
            .get("default", name)
            .filter(|s| progress.counts(*s))
            .and_then(|s| s.spec.as_ref().and_then(|s| s.type_.clone()))
            .is_some_and(|t| t == *type_),
        Check::ServedThroughNodePort { service, contains } => {
            let port = node_port(cluster, service);
            port.is_some_and(|p| progress.browsed.contains(&p))
                && served(cluster, service, progress)
                    .is_some_and(|body| String::from_utf8_lossy(&body).contains(contains))
        }
        Check::ServesNewCommit {
            service,
            repo,
            path,
        } => {
            let git = cluster.git();
            let Some(head) = git.repo(repo).and_then(|r| r.head()) else {
                return false;
            };
            let file = head.files.get(*path).and_then(|id| git.blob(id));
            head.parent.is_some()
                && file.is_some_and(|f| {
                    served(cluster, service, progress).is_some_and(|body| body == f)
                })
        }
        Check::ExecOutput {
            pod: name,
            container,
            argv,
            contains,
        } => {
            pod(cluster, name).is_some()
                && exec_stdout(cluster, name, container, argv).is_some_and(|out| {
                    if contains.is_empty() {
                        !out.trim().is_empty()
                    } else {
                        out.contains(contains)
                    }
                })
        }
        Check::ConfigMap { name } => cluster
            .api()
            .config_maps
            .get("default", name)
            .is_some_and(|o| progress.counts(o)),
        Check::Secret { name } => cluster
            .api()
            .secrets
            .get("default", name)
            .is_some_and(|o| progress.counts(o)),
        Check::Env {
            pod: name,
            container,
            name: var,
            value,
        } => {
            pod(cluster, name).is_some()
                && cluster
                    .environment("default", name, container)
                    .and_then(|env| env.get(*var))
                    .is_some_and(|v| v == value)
        }
        Check::MountedFile {
            pod: name,
            container,
            path,
            contains,
        } => {
            pod(cluster, name).is_some()
                && exec_stdout(cluster, name, container, &["cat", path])
                    .is_some_and(|out| out.contains(contains))
        }
        Check::VolumePhase { volume, phase } => cluster
            .api()
            .persistent_volumes
            .get("", volume)
            .filter(|v| progress.counts(*v))
            .and_then(|v| v.status.as_ref().and_then(|s| s.phase.as_deref()))
            .is_some_and(|p| p == *phase),
        Check::ClaimBound { claim } => cluster
            .api()
            .persistent_volume_claims
            .get("default", claim)
            .filter(|c| progress.counts(*c))
            .and_then(|c| c.status.as_ref().and_then(|s| s.phase.as_deref()))
            .is_some_and(|p| p == "Bound"),
        Check::PodDeleted { pod: name } => {
            let current = pod(cluster, name);
            earlier_pod(
                cluster,
                name,
                current.as_ref().map(|p| p.uid_any()),
                progress,
            )
        }
        Check::FileSurvives {
            claim,
            pod: name,
            container,
            path,
            contains,
        } => {
            let Some(p) = pod(cluster, name) else {
                return false;
            };
            let uses_claim = p
                .spec
                .as_ref()
                .and_then(|s| s.volumes.as_ref())
                .is_some_and(|vs| {
                    vs.iter().any(|v| {
                        v.persistent_volume_claim
                            .as_ref()
                            .is_some_and(|c| c.claim_name == *claim)
                    })
                });
            uses_claim
                && earlier_pod(cluster, name, Some(p.uid_any()), progress)
                && exec_stdout(cluster, name, container, &["cat", path])
                    .is_some_and(|out| out.contains(contains))
        }
        Check::NodeTainted { node, key } | Check::NodeNotTainted { node, key } => {
            let tainted = cluster
                .api()
                .nodes
                .get("", node)
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.taints.as_ref())
                .is_some_and(|ts| ts.iter().any(|t| t.key == *key));
            tainted == matches!(check, Check::NodeTainted { .. })
        }
        Check::DeploymentAvailable { .. }
        | Check::RolloutRevision { .. }
        | Check::DaemonSetOnEveryNode { .. }
        | Check::JobComplete { .. }
        | Check::CronJobRan { .. }
        | Check::CronJobSuspended { .. } => workloads::check(cluster, check, progress),
        Check::PodsPlaced { .. }
        | Check::NodeLabel { .. }
        | Check::NodeUnschedulable { .. }
        | Check::PriorityClass { .. } => scheduling::check(cluster, check, progress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lesson, done as written (manifest into the editor file, command in the
    /// terminal), ticks every check in order.
    /// The probes lesson: the Service refuses traffic while its pod is not ready, and
    /// serves it once the readiness probe passes.
    #[test]
    fn the_probes_lesson_gates_traffic_on_readiness() {
        let lesson = lessons().into_iter().find(|l| l.id == "probes").unwrap();
        let mut c = reset();
        let mut base = Progress::start(&c);
        let mut session = crate::Session::new("k8s-master-01");
        for step in &lesson.steps[2..4] {
            do_step(&mut c, &mut session, step);
            c.advance(30_000);
        }
        let last = &lesson.steps[4];
        browse(&c, &mut base, &last.check);
        assert!(
            !check(&c, &last.check, &base),
            "served before the pod is ready"
        );
        do_step(&mut c, &mut session, last);
        c.advance(3_000);
        assert!(
            check(&c, &last.check, &base),
            "served once the readiness probe passed"
        );
    }

    /// The DaemonSet lesson: no pod on the tainted worker until the DaemonSet tolerates
    /// its taint; a workload there before the lesson opened does not count.
    #[test]
    fn the_daemonset_lesson_waits_for_the_toleration() {
        let lesson = lessons()
            .into_iter()
            .find(|l| l.id == "daemonset-taints")
            .unwrap();
        let mut c = reset();
        let base = Progress::start(&c);
        let mut session = crate::Session::new("k8s-master-01");
        for step in &lesson.steps[..2] {
            do_step(&mut c, &mut session, step);
            c.advance(60_000);
        }
        assert!(check(&c, &lesson.steps[1].check, &base));
        assert!(!check(&c, &lesson.steps[2].check, &base));
        assert!(!check(&c, &lesson.steps[1].check, &Progress::start(&c)));
        do_step(&mut c, &mut session, &lesson.steps[2]);
        c.advance(60_000);
        assert!(check(&c, &lesson.steps[2].check, &base));
        assert!(!check(&c, &lesson.steps[1].check, &base));
    }

    /// A step as the playground does it: its manifest into its own file in the
    /// terminal's home directory, then its command.
    fn do_step(c: &mut Cluster, session: &mut crate::Session, step: &Step) {
        if let Some(m) = step.manifest {
            let path = format!("/home/k8s/{}", m.file);
            c.put_node_file("k8s-master-01", &path, m.text.as_bytes())
                .unwrap();
        }
        if let Some(cmd) = &step.command {
            c.terminal(session, cmd);
        }
    }

    /// The learner opens the check's Service in the browser tab.
    fn browse(c: &Cluster, progress: &mut Progress, check: &Check) {
        if let Check::ServedThroughNodePort { service, .. } = check {
            progress.browsed(&node_port_url(c, service).expect("a node port"));
        }
    }

    /// A lesson's steps name its files: each manifest has a file of its own, and the
    /// command that creates it names that file.
    #[test]
    fn steps_name_their_own_files() {
        for lesson in lessons() {
            for step in &lesson.steps {
                if let Some(m) = step.manifest {
                    assert!(
                        m.file.ends_with(".yaml") && m.file != "pod.yaml",
                        "{}",
                        m.file
                    );
                    let cmd = step.command.as_deref().unwrap_or_default();
                    assert!(cmd.ends_with(m.file), "{}: {cmd}", lesson.id);
                }
            }
        }
    }

    /// Objects that were there when the lesson opened do not tick its steps; the same
    /// objects made again do.
    #[test]
    fn checks_count_only_what_the_lesson_made() {
        let lesson = lessons()
            .into_iter()
            .find(|l| l.id == "init-container")
            .unwrap();
        let mut c = reset();
        let mut session = crate::Session::new("k8s-master-01");
        for step in &lesson.steps[..2] {
            do_step(&mut c, &mut session, step);
            c.advance(60_000);
        }
        assert!(!is_clean(&c));
        let base = Progress::start(&c);
        assert!(lesson.steps.iter().all(|s| !check(&c, &s.check, &base)));
        assert!(check(&c, &lesson.steps[0].check, &Progress::default()));
        c.terminal(&mut session, "kubectl delete pod demo-web");
        c.advance(60_000);
        do_step(&mut c, &mut session, &lesson.steps[0]);
        c.advance(60_000);
        assert!(check(&c, &lesson.steps[0].check, &base));
        assert!(is_clean(&reset()));
    }

    #[test]
    fn every_lesson_can_be_completed_as_written() {
        for lesson in lessons() {
            let mut c = reset();
            let mut base = Progress::start(&c);
            let mut session = crate::Session::new("k8s-master-01");
            for (i, step) in lesson.steps.iter().enumerate() {
                do_step(&mut c, &mut session, step);
                if let Check::ServedThroughNodePort { .. } = step.check {
                    // Not until the learner has opened the page.
                    c.advance(60_000);
                    assert!(!check(&c, &step.check, &base), "{}: not browsed", lesson.id);
                    browse(&c, &mut base, &step.check);
                }
                if let Check::ServesNewCommit { repo, path, .. } = &step.check {
                    // Done in the Git panel: not yet, then a commit.
                    c.advance(60_000);
                    assert!(
                        !check(&c, &step.check, &base),
                        "{}: before the commit",
                        lesson.id
                    );
                    let now = c.now();
                    c.git_mut().put(repo, path, b"<h1>New page</h1>\n").unwrap();
                    c.git_mut()
                        .commit(repo, "New page", ("Podlab User", "user@podlab.local"), now)
                        .unwrap();
                    // The sidecar pulls every 5 s.
                    c.advance(6_000);
                    assert!(
                        check(&c, &step.check, &base),
                        "{}: pulled within 6 s",
                        lesson.id
                    );
                }
                if let Check::CronJobRan { .. } = step.check {
                    // Its first run is at the next minute, which may be a minute away.
                    c.advance(60_000);
                }
                c.advance(60_000);
                assert!(
                    check(&c, &step.check, &base),
                    "{} step {}: {:?}",
                    lesson.id,
                    i + 1,
                    step.check
                );
            }
        }
    }

    /// The docs' configuration and storage lessons: no step is done before the lesson
    /// does anything, and a ConfigMap, Secret, volume or claim left from before the
    /// lesson opened does not tick a step.
    #[test]
    fn config_lessons_count_only_what_they_made() {
        let config: Vec<Lesson> = config::lessons();
        for lesson in &config {
            let c = reset();
            let base = Progress::start(&c);
            for step in &lesson.steps {
                assert!(
                    !check(&c, &step.check, &base),
                    "{}: {:?}",
                    lesson.id,
                    step.check
                );
            }
        }
        // Every lesson done once, then opened again: nothing it made counts.
        for lesson in &config {
            let mut c = reset();
            let mut session = crate::Session::new("k8s-master-01");
            let base = Progress::start(&c);
            for step in &lesson.steps {
                do_step(&mut c, &mut session, step);
                c.advance(60_000);
                assert!(
                    check(&c, &step.check, &base),
                    "{}: {:?}",
                    lesson.id,
                    step.check
                );
            }
            let again = Progress::start(&c);
            for step in &lesson.steps {
                assert!(
                    !check(&c, &step.check, &again),
                    "{}: {:?}",
                    lesson.id,
                    step.check
                );
            }
        }
    }

    /// The file on the claim survives only a pod that was deleted: while the first pod
    /// runs, the last step is not done; the pod made again runs where the volume is.
    #[test]
    fn the_file_on_the_claim_outlives_its_pod() {
        let lesson = lessons()
            .into_iter()
            .find(|l| l.id == "persistent-volume")
            .unwrap();
        let mut c = reset();
        let base = Progress::start(&c);
        let mut session = crate::Session::new("k8s-master-01");
        let last = &lesson.steps[lesson.steps.len() - 1];
        for step in &lesson.steps[..4] {
            do_step(&mut c, &mut session, step);
            c.advance(60_000);
        }
        assert!(!check(&c, &Check::PodDeleted { pod: "task-pv-pod" }, &base));
        assert!(!check(&c, &last.check, &base), "the pod was never deleted");
        for step in &lesson.steps[4..] {
            do_step(&mut c, &mut session, step);
            c.advance(60_000);
        }
        assert!(check(&c, &last.check, &base));
        let node = c
            .api()
            .pods
            .get("default", "task-pv-pod")
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.clone());
        assert_eq!(node.as_deref(), Some("k8s-worker-01"));
    }
}
