//! The chapter as guided lessons: steps with the manifest to put in the editor and the
//! command to type, each with a check that is true once the cluster has reached the state
//! the step aims for. Lessons are data; the UI draws them and ticks the checks.

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
    /// The uids of the pods and Services there were, sorted.
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

// The chapter's manifests (the CLI's transcripts use the same files).
const DEMO_WEB_INIT: Manifest = Manifest {
    file: "demo-web-init.yaml",
    text: include_str!("../lessons/demo-web-init.yaml"),
};
const DEMO_WEB_SIDECAR: Manifest = Manifest {
    file: "demo-web-sidecar.yaml",
    text: include_str!("../lessons/demo-web-sidecar.yaml"),
};
const DEMO_WEB_NATIVE_SIDECAR: Manifest = Manifest {
    file: "demo-web-native-sidecar.yaml",
    text: include_str!("../lessons/demo-web-native-sidecar.yaml"),
};
const SSD: Manifest = Manifest {
    file: "ssd.yaml",
    text: include_str!("../lessons/ssd.yaml"),
};
const NO_TOLERATION: Manifest = Manifest {
    file: "tolerate-none.yaml",
    text: include_str!("../lessons/tolerate-none.yaml"),
};
const WITH_TOLERATION: Manifest = Manifest {
    file: "tolerate-equal.yaml",
    text: include_str!("../lessons/tolerate-equal.yaml"),
};
const REDIS: Manifest = Manifest {
    file: "redis.yaml",
    text: include_str!("../lessons/redis.yaml"),
};
const AMBASSADOR: Manifest = Manifest {
    file: "ambassador.yaml",
    text: include_str!("../lessons/ambassador.yaml"),
};
const ADAPTER: Manifest = Manifest {
    file: "adapter.yaml",
    text: include_str!("../lessons/adapter.yaml"),
};
// The Kubernetes docs' probe examples (Configure Liveness, Readiness and Startup Probes).
const LIVENESS_EXEC: Manifest = Manifest {
    file: "liveness-exec.yaml",
    text: include_str!("../lessons/liveness-exec.yaml"),
};
const READINESS_HTTP: Manifest = Manifest {
    file: "readiness-http.yaml",
    text: include_str!("../lessons/readiness-http.yaml"),
};

const TEA_FIELDREF: Manifest = Manifest {
    file: "tea.yaml",
    text: "apiVersion: v1
kind: Pod
metadata:
  labels:
    run: tea
  name: tea
spec:
  containers:
  - env:
    - name: MY_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    image: ansilh/demo-tea
    name: tea
",
};

/// `kubectl create -f FILE`: how a step creates its manifest.
fn create_command(manifest: Manifest) -> Option<String> {
    Some(format!("kubectl create -f {}", manifest.file))
}

/// A step that creates the manifest from its editor file and waits for the pod to run.
fn create_running(text: &'static str, manifest: Manifest, pod: &'static str) -> Step {
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

/// The step both demo-web lessons share: nginx on a NodePort.
fn expose_demo_web(text: &'static str) -> Step {
    Step {
        text,
        manifest: None,
        command: Some("kubectl expose pod demo-web --type=NodePort --port=80".into()),
        check: Check::Service {
            name: "demo-web",
            type_: "NodePort",
        },
    }
}

/// Every lesson: the chapter's, in its order, then the ones that follow it.
pub fn lessons() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "init-container",
            title: "An init container fetches the site",
            intro: "An init container clones a git repository into an emptyDir volume before nginx starts and serves it.",
            steps: vec![
                create_running("Create the pod: the init container runs first (Init:0/1), then nginx.", DEMO_WEB_INIT, "demo-web"),
                expose_demo_web("Expose it on a NodePort."),
                Step {
                    text: "Open http://NODE_IP:NODE_PORT/ in the browser tab (kubectl get svc shows the port): the page comes from the repository.",
                    manifest: None,
                    command: Some("kubectl get svc demo-web".into()),
                    check: Check::ServedThroughNodePort { service: "demo-web", contains: "<" },
                },
            ],
        },
        Lesson {
            id: "env-fieldref",
            title: "Inject the node name with fieldRef",
            intro: "The downward API puts spec.nodeName into MY_NODE_NAME; the tea app answers with it.",
            steps: vec![
                create_running("Create the tea pod with MY_NODE_NAME from spec.nodeName.", TEA_FIELDREF, "tea"),
                Step {
                    text: "Expose port 8080 on a NodePort.",
                    manifest: None,
                    command: Some("kubectl expose pod tea --type=NodePort --port=80 --target-port=8080".into()),
                    check: Check::Service { name: "tea", type_: "NodePort" },
                },
                Step {
                    text: "Browse the NodePort: the page says which node the pod runs on.",
                    manifest: None,
                    command: Some("kubectl get pods -o wide".into()),
                    check: Check::ServedThroughNodePort { service: "tea", contains: "Node:k8s-worker-0" },
                },
            ],
        },
        Lesson {
            id: "node-selector",
            title: "nodeSelector: pick nodes by label",
            intro: "A pod with a nodeSelector waits until a node carries the label.",
            steps: vec![
                Step {
                    text: "Create a pod that wants disktype=ssd: no node has it, so it stays Pending (select it to see why).",
                    manifest: Some(SSD),
                    command: create_command(SSD),
                    check: Check::PodPending { pod: "ssd" },
                },
                Step {
                    text: "Label k8s-worker-01: the scheduler places the pod there.",
                    manifest: None,
                    command: Some("kubectl label nodes k8s-worker-01 disktype=ssd".into()),
                    check: Check::PodOnNode { pod: "ssd", node_prefix: "k8s-worker-01" },
                },
            ],
        },
        Lesson {
            id: "sidecar",
            title: "A sidecar keeps the site fresh",
            intro: "nginx serves an emptyDir that a git-pull sidecar updates every 5 seconds.",
            steps: vec![
                create_running("Create the pod: two containers share the html volume.", DEMO_WEB_SIDECAR, "demo-web"),
                expose_demo_web("Expose nginx on a NodePort."),
                Step {
                    text: "Browse the NodePort, and watch the sidecar pull (kubectl logs demo-web -c git-pull).",
                    manifest: None,
                    command: Some("kubectl logs demo-web -c git-pull --tail=3".into()),
                    check: Check::ServedThroughNodePort { service: "demo-web", contains: "Kubernetes demo web" },
                },
                Step {
                    text: "Change index.html in the Git panel and commit: within 5 seconds the sidecar pulls it and the NodePort serves the new page.",
                    manifest: None,
                    command: None,
                    check: Check::ServesNewCommit { service: "demo-web", repo: DEMO_WEB_REPO, path: "index.html" },
                },
                Step {
                    text: "The same sidecar, native (Kubernetes 1.29 and later): git-pull becomes an init container with restartPolicy: Always. It starts before nginx, so the site is cloned before nginx serves it, runs as long as the pod, restarts on its own, and counts in READY (2/2).",
                    manifest: Some(DEMO_WEB_NATIVE_SIDECAR),
                    command: create_command(DEMO_WEB_NATIVE_SIDECAR),
                    check: Check::ExecOutput {
                        pod: "demo-web-native",
                        container: "demo-web",
                        argv: &["ls", "/usr/share/nginx/html/index.html"],
                        contains: "index.html",
                    },
                },
            ],
        },
        Lesson {
            id: "ambassador",
            title: "An ambassador proxies to redis",
            intro: "The app talks to redis on localhost; an ambassador container (socat) forwards to the redis Service.",
            steps: vec![
                create_running("Start redis.", REDIS, "redis-master"),
                Step {
                    text: "Give it a Service the ambassador can reach by name.",
                    manifest: None,
                    command: Some("kubectl expose pod redis-master --port=6379".into()),
                    check: Check::Service { name: "redis-master", type_: "ClusterIP" },
                },
                create_running("Start the app with its ambassador: it counts hits every 5 s.", AMBASSADOR, "app-with-ambassador"),
                Step {
                    text: "The count lands in redis, through the ambassador.",
                    manifest: None,
                    command: Some("kubectl exec redis-master -- redis-cli GET hits".into()),
                    check: Check::ExecOutput {
                        pod: "redis-master",
                        container: "redis",
                        argv: &["redis-cli", "GET", "hits"],
                        contains: "",
                    },
                },
            ],
        },
        Lesson {
            id: "adapter",
            title: "An adapter serves Prometheus metrics",
            intro: "The app writes its own status format to a shared volume; an adapter serves it as Prometheus text.",
            steps: vec![
                create_running("Create the pod with the app and its adapter.", ADAPTER, "app-with-adapter"),
                Step {
                    text: "Read the metrics the adapter serves on port 9100.",
                    manifest: None,
                    command: Some("kubectl exec app-with-adapter -c adapter -- wget -qO- http://localhost:9100/metrics".into()),
                    check: Check::ExecOutput {
                        pod: "app-with-adapter",
                        container: "adapter",
                        argv: &["wget", "-qO-", "http://localhost:9100/metrics"],
                        contains: "app_requests_total",
                    },
                },
            ],
        },
        Lesson {
            id: "taints",
            title: "Taints and tolerations",
            intro: "A NoSchedule taint keeps pods off a node unless they tolerate it.",
            steps: vec![
                Step {
                    text: "Taint k8s-worker-02.",
                    manifest: None,
                    command: Some("kubectl taint nodes k8s-worker-02 key=value:NoSchedule".into()),
                    check: Check::NodeTainted { node: "k8s-worker-02", key: "key" },
                },
                Step {
                    text: "A pod that must run on k8s-worker-02 but does not tolerate the taint stays Pending (the inspector says why).",
                    manifest: Some(NO_TOLERATION),
                    command: create_command(NO_TOLERATION),
                    check: Check::PodPending { pod: "tolerate-none" },
                },
                Step {
                    text: "With a matching toleration it lands on k8s-worker-02.",
                    manifest: Some(WITH_TOLERATION),
                    command: create_command(WITH_TOLERATION),
                    check: Check::PodOnNode { pod: "tolerate-equal", node_prefix: "k8s-worker-02" },
                },
                Step {
                    text: "Remove the taint: the Pending pod is scheduled.",
                    manifest: None,
                    command: Some("kubectl taint nodes k8s-worker-02 key=value:NoSchedule-".into()),
                    check: Check::NodeNotTainted { node: "k8s-worker-02", key: "key" },
                },
            ],
        },
        Lesson {
            id: "probes",
            title: "Probes: liveness and readiness",
            intro: "The kubelet probes containers. A failing liveness probe gets the container restarted; a failing readiness probe takes the pod out of its Services' endpoints until it passes. These are the Kubernetes docs' own examples.",
            steps: vec![
                create_running(
                    "Create the docs' liveness-exec pod: it creates /tmp/healthy, removes it after 30 seconds, and its liveness probe runs `cat /tmp/healthy` every 5 seconds.",
                    LIVENESS_EXEC,
                    "liveness-exec",
                ),
                Step {
                    text: "From about 35 seconds the probe fails; after three failures the kubelet kills the container (busybox's shell ignores SIGTERM, so it is killed when the 30 s grace period ends) and restarts it. Let the clock run, and read the Unhealthy and Killing events.",
                    manifest: None,
                    command: Some("kubectl describe pod liveness-exec".into()),
                    check: Check::Restarted {
                        pod: "liveness-exec",
                        container: "liveness",
                        at_least: 1,
                    },
                },
                Step {
                    text: "An nginx pod whose readiness probe asks for /ready, which nginx does not serve (404): it runs, but stays 0/1 ready.",
                    manifest: Some(READINESS_HTTP),
                    command: create_command(READINESS_HTTP),
                    check: Check::PodNotReady { pod: "web-ready" },
                },
                Step {
                    text: "Expose it: the Service's EndpointSlice lists the pod as not ready, and the NodePort refuses connections while no endpoint is ready (kubectl get endpointslices shows it).",
                    manifest: None,
                    command: Some("kubectl expose pod web-ready --type=NodePort --port=80".into()),
                    check: Check::Service {
                        name: "web-ready",
                        type_: "NodePort",
                    },
                },
                Step {
                    text: "Create the page the probe asks for: the next probe passes, the pod turns 1/1 ready, and the Service sends traffic to it. Browse the NodePort.",
                    manifest: None,
                    command: Some("kubectl exec web-ready -- sh -c 'echo ready > /usr/share/nginx/html/ready'".into()),
                    check: Check::ServedThroughNodePort {
                        service: "web-ready",
                        contains: "Welcome to nginx!",
                    },
                },
            ],
        },
    ]
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
            if pod(cluster, name).is_none() {
                return false;
            }
            let argv = argv.iter().map(|a| a.to_string()).collect();
            match cluster.clone().exec("default", name, container, argv, None) {
                Ok((chunks, 0)) => {
                    let out: String = chunks
                        .iter()
                        .filter(|(s, _)| *s == crate::shell::Stream::Stdout)
                        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
                        .collect();
                    if contains.is_empty() {
                        !out.trim().is_empty()
                    } else {
                        out.contains(contains)
                    }
                }
                _ => false,
            }
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
}
