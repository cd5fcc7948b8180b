//! The scheduling lessons (issue 27): replicas spread with pod anti-affinity and kept
//! together with pod affinity (the docs' redis-cache and web-server from "Assigning
//! Pods to Nodes"), pods spread across zones with a topology spread constraint, and a
//! high-priority pod preempting a low-priority one ("Pod Priority and Preemption"), with
//! the checks that read where pods were placed.

use super::{apply, run, Check, Lesson, Manifest, Progress};
use crate::model::{Pod, ResourceExt};
use crate::Cluster;

const REDIS_CACHE: Manifest = Manifest {
    file: "redis-cache.yaml",
    text: include_str!("../../lessons/redis-cache.yaml"),
};
const WEB_SERVER: Manifest = Manifest {
    file: "web-server.yaml",
    text: include_str!("../../lessons/web-server.yaml"),
};
const TOPOLOGY_SPREAD: Manifest = Manifest {
    file: "topology-spread.yaml",
    text: include_str!("../../lessons/topology-spread.yaml"),
};
const HIGH_PRIORITY: Manifest = Manifest {
    file: "high-priority.yaml",
    text: include_str!("../../lessons/high-priority.yaml"),
};
const LOW_PRIORITY_PODS: Manifest = Manifest {
    file: "low-priority-pods.yaml",
    text: include_str!("../../lessons/low-priority-pods.yaml"),
};
const URGENT_POD: Manifest = Manifest {
    file: "urgent-pod.yaml",
    text: include_str!("../../lessons/urgent-pod.yaml"),
};

/// How the pods a [`Check::PodsPlaced`] counts must sit on the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// No two running pods on one node.
    OnePerNode,
    /// No two on one node, and each beside a running pod with this label (`key=value`).
    OnePerNodeBeside(&'static str),
    /// Running pods counted per value of this node label differ by at most one.
    EvenlyBy(&'static str),
}

/// The scheduling lessons, after the workload ones.
pub(super) fn lessons() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "pod-anti-affinity",
            title: "Spread replicas with pod anti-affinity",
            intro: "Pod anti-affinity keeps a Deployment's replicas off nodes that already run one; pod affinity puts a pod beside another. The docs' redis-cache and web-server: one cache and one web server per node, never two of a kind together.",
            steps: vec![
                apply(
                    "Create redis-cache (three replicas that avoid each other): one on each worker, and the third Pending, since the control plane is tainted and each worker already has one (kubectl get pods -o wide, kubectl describe pod for its FailedScheduling event).",
                    REDIS_CACHE,
                    Check::PodsPlaced { selector: "app=store", running: 2, pending: 1, placement: Placement::OnePerNode },
                ),
                apply(
                    "Create web-server: each replica must run beside a cache and away from the other web servers, so two run, one beside each cache, and the third waits too.",
                    WEB_SERVER,
                    Check::PodsPlaced { selector: "app=web-store", running: 2, pending: 1, placement: Placement::OnePerNodeBeside("app=store") },
                ),
                run(
                    "Scale both to the two nodes they can use: nothing is left Pending.",
                    "kubectl scale deployment redis-cache web-server --replicas=2",
                    Check::PodsPlaced { selector: "app=web-store", running: 2, pending: 0, placement: Placement::OnePerNodeBeside("app=store") },
                ),
            ],
        },
        Lesson {
            id: "topology-spread",
            title: "Spread pods across zones",
            intro: "A topology spread constraint keeps the number of matching pods in each domain (here the zone label of the nodes) within maxSkew of each other; with DoNotSchedule, a pod that would break it waits.",
            steps: vec![
                run(
                    "Put k8s-worker-01 in zone zoneA.",
                    "kubectl label nodes k8s-worker-01 zone=zoneA",
                    Check::NodeLabel { node: "k8s-worker-01", key: "zone", value: "zoneA" },
                ),
                run(
                    "Put k8s-worker-02 in zone zoneB.",
                    "kubectl label nodes k8s-worker-02 zone=zoneB",
                    Check::NodeLabel { node: "k8s-worker-02", key: "zone", value: "zoneB" },
                ),
                apply(
                    "Create the spread Deployment (four replicas, maxSkew 1 across zone): two in each zone.",
                    TOPOLOGY_SPREAD,
                    Check::PodsPlaced { selector: "foo=bar", running: 4, pending: 0, placement: Placement::EvenlyBy("zone") },
                ),
                run(
                    "Cordon k8s-worker-02: no new pod may go to zoneB, but its pods still count.",
                    "kubectl cordon k8s-worker-02",
                    Check::NodeUnschedulable { node: "k8s-worker-02", unschedulable: true },
                ),
                run(
                    "Scale to six: the fifth goes to zoneA (3 to 2), the sixth would make it 4 to 2 and waits (kubectl describe pod: didn't match pod topology spread constraints).",
                    "kubectl scale deployment spread --replicas=6",
                    Check::PodsPlaced { selector: "foo=bar", running: 5, pending: 1, placement: Placement::EvenlyBy("zone") },
                ),
                run(
                    "Uncordon k8s-worker-02: the waiting pod lands in zoneB, three and three.",
                    "kubectl uncordon k8s-worker-02",
                    Check::PodsPlaced { selector: "foo=bar", running: 6, pending: 0, placement: Placement::EvenlyBy("zone") },
                ),
            ],
        },
        Lesson {
            id: "priority-preemption",
            title: "Priority and preemption",
            intro: "A pod's priority comes from its PriorityClass. When a high-priority pod fits nowhere, the scheduler preempts lower-priority pods: it nominates a node, deletes the victims gracefully with a Preempted event, and binds the pod once they are gone.",
            steps: vec![
                apply(
                    "Create the docs' high-priority PriorityClass (value 1000000).",
                    HIGH_PRIORITY,
                    Check::PriorityClass { name: "high-priority" },
                ),
                apply(
                    "Fill both workers: two pods without priority asking for 1.5 CPUs each.",
                    LOW_PRIORITY_PODS,
                    Check::PodPhase { pod: "low-2", phase: "Running" },
                ),
                apply(
                    "Create urgent (high-priority, 1.5 CPUs): no node has room, so the scheduler nominates a worker, preempts the pod there (kubectl get pods -o wide shows NOMINATED NODE; kubectl get events shows Preempted), and urgent runs once the victim has stopped.",
                    URGENT_POD,
                    Check::PodPhase { pod: "urgent", phase: "Running" },
                ),
            ],
        },
    ]
}

/// Whether a scheduling check holds now (false for the other checks).
pub(super) fn check(cluster: &Cluster, check: &Check, progress: &Progress) -> bool {
    let api = cluster.api();
    match check {
        Check::PodsPlaced {
            selector,
            running,
            pending,
            placement,
        } => {
            let pods: Vec<&Pod> = labelled(cluster, selector, progress).collect();
            let nodes: Vec<&str> = pods.iter().filter_map(|p| running_on(p)).collect();
            let waiting = pods
                .iter()
                .filter(|p| node_of(p).is_none() && phase(p) == Some("Pending"))
                .count();
            nodes.len() == *running
                && waiting == *pending
                && pods.len() == running + pending
                && placed(cluster, &nodes, *placement, progress)
        }
        Check::NodeLabel { node, key, value } => api
            .nodes
            .get("", node)
            .is_some_and(|n| n.labels().get(*key).map(String::as_str) == Some(*value)),
        Check::NodeUnschedulable {
            node,
            unschedulable,
        } => api.nodes.get("", node).is_some_and(|n| {
            n.spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false)
                == *unschedulable
        }),
        Check::PriorityClass { name } => api.priority_classes.get("", name).is_some(),
        _ => false,
    }
}

/// Whether the running pods' nodes are as `placement` wants.
fn placed(cluster: &Cluster, nodes: &[&str], placement: Placement, progress: &Progress) -> bool {
    let distinct = |nodes: &[&str]| {
        nodes
            .iter()
            .enumerate()
            .all(|(i, n)| !nodes[..i].contains(n))
    };
    match placement {
        Placement::OnePerNode => distinct(nodes),
        Placement::OnePerNodeBeside(other) => {
            let others: Vec<&str> = labelled(cluster, other, progress)
                .filter_map(running_on)
                .collect();
            distinct(nodes) && nodes.iter().all(|n| others.contains(n))
        }
        Placement::EvenlyBy(key) => {
            let api = cluster.api();
            let mut counts: Vec<(String, usize)> = Vec::new();
            for node in api.nodes.list() {
                if let Some(zone) = node.labels().get(key) {
                    if !counts.iter().any(|(z, _)| z == zone) {
                        counts.push((zone.clone(), 0));
                    }
                }
            }
            for n in nodes {
                let zone = api.nodes.get("", n).and_then(|n| n.labels().get(key));
                match zone.and_then(|z| counts.iter_mut().find(|(c, _)| c == z)) {
                    Some((_, count)) => *count += 1,
                    None => return false,
                }
            }
            let min = counts.iter().map(|(_, c)| *c).min().unwrap_or(0);
            let max = counts.iter().map(|(_, c)| *c).max().unwrap_or(0);
            !counts.is_empty() && max - min <= 1
        }
    }
}

/// The pods in `default` made during the lesson whose label `key=value` matches, not
/// being deleted.
fn labelled<'c>(
    cluster: &'c Cluster,
    selector: &'c str,
    progress: &'c Progress,
) -> impl Iterator<Item = &'c Pod> + 'c {
    let (key, value) = selector.split_once('=').unwrap_or((selector, ""));
    cluster
        .api()
        .pods
        .list_namespace("default")
        .filter(move |p| {
            progress.counts(*p)
                && p.metadata.deletion_timestamp.is_none()
                && p.labels().get(key).map(String::as_str) == Some(value)
        })
}

fn phase(p: &Pod) -> Option<&str> {
    p.status.as_ref().and_then(|s| s.phase.as_deref())
}

fn node_of(p: &Pod) -> Option<&str> {
    p.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
}

/// The node the pod runs on, if it is Running.
fn running_on(p: &Pod) -> Option<&str> {
    node_of(p).filter(|_| phase(p) == Some("Running"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::Step;

    /// Runs a step as the playground does: its manifest in the control plane's home
    /// directory, its command in the terminal.
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

    /// The FailedScheduling messages of the pods in `default`.
    fn failed_scheduling(c: &Cluster) -> Vec<String> {
        c.api()
            .events
            .list_namespace("default")
            .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
            .filter_map(|e| e.message.clone())
            .collect()
    }

    /// Each step ticks only once it is done, and the scheduler tells the learner why
    /// a pod waits in the words the steps point at.
    #[test]
    fn each_step_ticks_when_done_and_not_before() {
        for lesson in lessons() {
            let mut c = super::super::reset();
            let base = Progress::start(&c);
            let mut session = crate::Session::new("k8s-master-01");
            for (i, step) in lesson.steps.iter().enumerate() {
                assert!(
                    !super::super::check(&c, &step.check, &base),
                    "{} step {} done before it is done",
                    lesson.id,
                    i + 1
                );
                do_step(&mut c, &mut session, step);
                c.advance(60_000);
                assert!(
                    super::super::check(&c, &step.check, &base),
                    "{} step {}: {:?}",
                    lesson.id,
                    i + 1,
                    step.check
                );
                let why = failed_scheduling(&c);
                let said = |text: &str| why.iter().any(|m| m.contains(text));
                match (lesson.id, i) {
                    ("pod-anti-affinity", 0) => {
                        assert!(
                            said("2 node(s) didn't match pod anti-affinity rules"),
                            "{why:?}"
                        )
                    }
                    ("pod-anti-affinity", 1) => {
                        assert!(
                            said("didn't match pod affinity rules")
                                || said("didn't match pod anti-affinity rules"),
                            "{why:?}"
                        )
                    }
                    ("topology-spread", 4) => {
                        assert!(
                            said("1 node(s) didn't match pod topology spread constraints"),
                            "{why:?}"
                        )
                    }
                    ("priority-preemption", 2) => {
                        let preempted = c
                            .api()
                            .events
                            .list_namespace("default")
                            .any(|e| e.reason.as_deref() == Some("Preempted"));
                        assert!(preempted, "a Preempted event");
                    }
                    _ => {}
                }
            }
        }
    }

    /// Placement checks read the nodes: two pods on one node are not one per node, and a
    /// pod on a node without the zone label is not spread by zone.
    #[test]
    fn placements_table() {
        let mut c = super::super::reset();
        let base = Progress::start(&c);
        let mut session = crate::Session::new("k8s-master-01");
        c.terminal(&mut session, "kubectl label nodes k8s-worker-01 zone=zoneA");
        c.terminal(&mut session, "kubectl label nodes k8s-worker-02 zone=zoneB");
        c.terminal(
            &mut session,
            "kubectl create deployment web --image=nginx --replicas=3",
        );
        c.advance(60_000);
        for (placement, want) in [
            (Placement::OnePerNode, false),
            (Placement::EvenlyBy("zone"), true),
            (Placement::OnePerNodeBeside("app=nope"), false),
        ] {
            let got = super::check(
                &c,
                &Check::PodsPlaced {
                    selector: "app=web",
                    running: 3,
                    pending: 0,
                    placement,
                },
                &base,
            );
            assert_eq!(got, want, "{placement:?}");
        }
        c.terminal(&mut session, "kubectl scale deployment web --replicas=4");
        // A pod on a node outside every zone is not spread by zone.
        c.terminal(&mut session, "kubectl label nodes k8s-worker-02 zone-");
        c.advance(60_000);
        let even = Check::PodsPlaced {
            selector: "app=web",
            running: 4,
            pending: 0,
            placement: Placement::EvenlyBy("zone"),
        };
        assert!(!super::check(&c, &even, &base));
    }
}
