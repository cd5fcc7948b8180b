//! The chapter's lessons (init container, fieldRef, nodeSelector, sidecar, ambassador,
//! adapter, taints) and the probes lesson after it, with their manifests.

use super::{create_command, create_running, Check, Lesson, Manifest, Step, DEMO_WEB_REPO};

// The chapter's manifests (the CLI's transcripts use the same files).
const DEMO_WEB_INIT: Manifest = Manifest {
    file: "demo-web-init.yaml",
    text: include_str!("../../lessons/demo-web-init.yaml"),
};
const DEMO_WEB_SIDECAR: Manifest = Manifest {
    file: "demo-web-sidecar.yaml",
    text: include_str!("../../lessons/demo-web-sidecar.yaml"),
};
const DEMO_WEB_NATIVE_SIDECAR: Manifest = Manifest {
    file: "demo-web-native-sidecar.yaml",
    text: include_str!("../../lessons/demo-web-native-sidecar.yaml"),
};
const SSD: Manifest = Manifest {
    file: "ssd.yaml",
    text: include_str!("../../lessons/ssd.yaml"),
};
const NO_TOLERATION: Manifest = Manifest {
    file: "tolerate-none.yaml",
    text: include_str!("../../lessons/tolerate-none.yaml"),
};
const WITH_TOLERATION: Manifest = Manifest {
    file: "tolerate-equal.yaml",
    text: include_str!("../../lessons/tolerate-equal.yaml"),
};
const REDIS: Manifest = Manifest {
    file: "redis.yaml",
    text: include_str!("../../lessons/redis.yaml"),
};
const AMBASSADOR: Manifest = Manifest {
    file: "ambassador.yaml",
    text: include_str!("../../lessons/ambassador.yaml"),
};
const ADAPTER: Manifest = Manifest {
    file: "adapter.yaml",
    text: include_str!("../../lessons/adapter.yaml"),
};
// The Kubernetes docs' probe examples (Configure Liveness, Readiness and Startup Probes).
const LIVENESS_EXEC: Manifest = Manifest {
    file: "liveness-exec.yaml",
    text: include_str!("../../lessons/liveness-exec.yaml"),
};
const READINESS_HTTP: Manifest = Manifest {
    file: "readiness-http.yaml",
    text: include_str!("../../lessons/readiness-http.yaml"),
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

/// The chapter's lessons, in its order, then the probes lesson that follows it.
pub(super) fn lessons() -> Vec<Lesson> {
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
