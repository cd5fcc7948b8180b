//! Property tests over random clusters: whatever the nodes (labels, taints, cordons,
//! capacity) and pods (selectors, tolerations, requests), and whatever happens next
//! (taints removed, pods deleted, nodes labelled), the scheduler never binds a pod to a
//! node whose NoSchedule/NoExecute taints it does not tolerate or beyond the node's
//! allocatable, and every pod left pending says why in kube-scheduler's words.

use podlab_core::clock::SimTime;
use podlab_core::kubectl::{self, NoFiles};
use podlab_core::manifest::Validation;
use podlab_core::model::{taints, Node, Object, Pod};
use podlab_core::scheduler::framework::{NodeInfo, PodInfo, Status};
use podlab_core::scheduler::{FilterOutcome, Sampling, Scheduler, Snapshot};
use podlab_core::Cluster;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct NodeSpec {
    disk: Option<&'static str>,
    taint: Option<(&'static str, &'static str)>,
    cordoned: bool,
    milli_cpu: u32,
    mem_mi: u32,
    pods: u32,
}

#[derive(Debug, Clone)]
struct PodSpec {
    selector: Option<&'static str>,
    toleration: Option<&'static str>,
    milli_cpu: u32,
    mem_mi: u32,
}

/// Taints as `kubectl taint` writes them: (key[=value], effect).
const TAINTS: &[(&str, &str)] = &[
    ("a=1", "NoSchedule"),
    ("b", "NoExecute"),
    ("c=2", "PreferNoSchedule"),
    ("a=2", "NoSchedule"),
];

/// Tolerations as YAML flow mappings.
const TOLERATIONS: &[&str] = &[
    "{key: a, operator: Equal, value: '1', effect: NoSchedule}",
    "{key: a, operator: Exists}",
    "{key: b, operator: Exists, effect: NoExecute}",
    "{operator: Exists}",
    "{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}",
];

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        prop::option::of(prop::sample::select(vec!["ssd", "hdd"])),
        prop::option::of(prop::sample::select(TAINTS.to_vec())),
        prop::bool::weighted(0.2),
        1u32..5,
        1u32..5,
        1u32..6,
    )
        .prop_map(|(disk, taint, cordoned, cpu, mem, pods)| NodeSpec {
            disk,
            taint,
            cordoned,
            milli_cpu: cpu * 1000,
            mem_mi: mem * 1024,
            pods,
        })
}

fn pod_spec() -> impl Strategy<Value = PodSpec> {
    (
        prop::option::of(prop::sample::select(vec!["ssd", "hdd"])),
        prop::option::of(prop::sample::select(TOLERATIONS.to_vec())),
        0u32..1600,
        0u32..1600,
    )
        .prop_map(|(selector, toleration, cpu, mem)| PodSpec {
            selector,
            toleration,
            milli_cpu: cpu,
            mem_mi: mem,
        })
}

fn node_yaml(i: usize, n: &NodeSpec) -> String {
    let mut labels = format!("    kubernetes.io/hostname: node-{i}\n");
    if let Some(d) = n.disk {
        labels.push_str(&format!("    disktype: {d}\n"));
    }
    let taints = match n.taint {
        Some((kv, effect)) => {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            format!("  taints:\n  - key: {k}\n    value: '{v}'\n    effect: {effect}\n")
        }
        None => String::new(),
    };
    format!(
        "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels:\n{labels}spec:\n  unschedulable: {}\n{taints}status:\n  allocatable:\n    cpu: {}m\n    memory: {}Mi\n    pods: '{}'\n",
        n.cordoned, n.milli_cpu, n.mem_mi, n.pods
    )
}

fn pod_yaml(i: usize, p: &PodSpec) -> String {
    let mut spec = String::new();
    if let Some(s) = p.selector {
        spec.push_str(&format!("  nodeSelector:\n    disktype: {s}\n"));
    }
    if let Some(t) = p.toleration {
        spec.push_str(&format!("  tolerations:\n  - {t}\n"));
    }
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\nspec:\n{spec}  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: {}m\n        memory: {}Mi\n",
        p.milli_cpu, p.mem_mi
    )
}

/// What can happen after the first placement.
#[derive(Debug, Clone)]
enum Change {
    Untaint(usize),
    Uncordon(usize),
    Label(usize, &'static str),
    DeletePod(usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0usize..6).prop_map(Change::Untaint),
        (0usize..6).prop_map(Change::Uncordon),
        (0usize..6, prop::sample::select(vec!["ssd", "hdd"]))
            .prop_map(|(n, d)| Change::Label(n, d)),
        (0usize..12).prop_map(Change::DeletePod),
    ]
}

fn kubectl(c: &mut Cluster, args: &[String]) {
    // A change may name a node or pod that does not exist: kubectl's error is fine.
    let _ = kubectl::run(c, args, &NoFiles);
}

/// The invariants, on the cluster as it is now.
fn check(c: &Cluster, nodes: &[NodeSpec], pods: &[PodSpec]) -> Result<(), TestCaseError> {
    let api = c.api();
    let mut used: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    for (i, spec) in pods.iter().enumerate() {
        let Some(pod) = api.pods.get("default", &format!("pod-{i}")) else {
            continue;
        };
        let node_name = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        match node_name {
            Some(node_name) => {
                let node = api
                    .nodes
                    .get("", &node_name)
                    .expect("bound to a node that exists");
                let node_taints = node
                    .spec
                    .as_ref()
                    .and_then(|s| s.taints.as_deref())
                    .unwrap_or_default();
                let tolerations = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.tolerations.as_deref())
                    .unwrap_or_default();
                prop_assert!(
                    taints::first_untolerated(
                        node_taints,
                        tolerations,
                        &["NoSchedule", "NoExecute"]
                    )
                    .is_none(),
                    "pod-{i} bound to {node_name} despite an untolerated taint"
                );
                let u = used.entry(node_name).or_default();
                u.0 += spec.milli_cpu;
                u.1 += spec.mem_mi;
                u.2 += 1;
            }
            None => {
                let scheduled = pod
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled"));
                let scheduled = scheduled.expect("a pending pod has a PodScheduled condition");
                prop_assert_eq!(scheduled.status.as_str(), "False");
                prop_assert_eq!(scheduled.reason.as_deref(), Some("Unschedulable"));
                let message = scheduled.message.as_deref().unwrap_or_default();
                let prefix = format!("0/{} nodes are available: ", nodes.len());
                prop_assert!(message.starts_with(&prefix), "pod-{}: {}", i, message);
                let uid = pod.metadata.uid.as_deref().unwrap_or_default();
                prop_assert!(
                    api.events_for(uid)
                        .iter()
                        .any(|e| e.reason.as_deref() == Some("FailedScheduling")),
                    "pod-{i} pending without a FailedScheduling event"
                );
            }
        }
    }
    for (node, (cpu, mem, count)) in used {
        let i: usize = node.trim_start_matches("node-").parse().expect("node-N");
        let n = &nodes[i];
        prop_assert!(
            cpu <= n.milli_cpu && mem <= n.mem_mi && count <= n.pods,
            "{node} over allocatable: {cpu}m/{}m, {mem}Mi/{}Mi, {count}/{} pods",
            n.milli_cpu,
            n.mem_mi,
            n.pods
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bindings_respect_taints_and_allocatable_and_pending_pods_say_why(
        nodes in prop::collection::vec(node_spec(), 1..6),
        pods in prop::collection::vec(pod_spec(), 1..12),
        changes in prop::collection::vec(change(), 0..6),
        seed in 0u64..1000,
    ) {
        let mut c = Cluster::empty(seed);
        let text: String = nodes.iter().enumerate().map(|(i, n)| node_yaml(i, n)).collect();
        c.create_from_text("nodes.yaml", &text).expect("valid nodes");
        let text: String = pods.iter().enumerate().map(|(i, p)| pod_yaml(i, p)).collect();
        c.create_from_text("pods.yaml", &text).expect("valid pods");
        check(&c, &nodes, &pods)?;
        for change in changes {
            let args: Vec<String> = match change {
                Change::Untaint(n) => {
                    let Some((kv, effect)) = nodes.get(n).and_then(|n| n.taint) else { continue };
                    let key = kv.split('=').next().unwrap_or(kv);
                    vec!["taint".into(), "node".into(), format!("node-{n}"), format!("{key}:{effect}-")]
                }
                Change::Uncordon(n) => vec!["uncordon".into(), format!("node-{n}")],
                Change::Label(n, d) => vec![
                    "label".into(), "node".into(), format!("node-{n}"),
                    format!("disktype={d}"), "--overwrite".into(),
                ],
                Change::DeletePod(p) => vec![
                    "delete".into(), "pod".into(), format!("pod-{p}"), "--wait=false".into(),
                ],
            };
            kubectl(&mut c, &args);
            check(&c, &nodes, &pods)?;
            c.advance(60_000);
            check(&c, &nodes, &pods)?;
        }
    }
}

fn decode(text: &str) -> Vec<Object> {
    let decoded =
        podlab_core::manifest::decode("t.yaml", text, Validation::Strict).expect("valid manifests");
    decoded.manifests.into_iter().map(|m| m.object).collect()
}

/// What running the profile's filters one by one on the node says, as a decision
/// records it.
fn filter_directly(
    scheduler: &Scheduler,
    pod: &PodInfo<'_>,
    node: &NodeInfo<'_>,
) -> Vec<FilterOutcome> {
    let mut rejected = false;
    scheduler.profiles()[0]
        .filters
        .iter()
        .map(|f| {
            if rejected {
                return FilterOutcome::Skipped;
            }
            if f.skip(pod) {
                return FilterOutcome::Pass;
            }
            match f.filter(pod, node) {
                Status::Success => FilterOutcome::Pass,
                Status::Rejected { code, reasons } => {
                    rejected = true;
                    FilterOutcome::Fail {
                        code,
                        reasons: reasons.to_texts(),
                    }
                }
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every verdict in a decision record is what the filters say when run one by one on
    /// that node as the pass left it (pods of one class share the node-only filters'
    /// verdicts through the equivalence cache, so this checks the cache too).
    #[test]
    fn decision_records_match_the_filters_run_directly(
        nodes in prop::collection::vec(node_spec(), 1..12),
        pods in prop::collection::vec((pod_spec(), prop::option::weighted(0.2, 0usize..12)), 1..24),
        exhaustive in any::<bool>(),
    ) {
        let text: String = nodes.iter().enumerate().map(|(i, n)| node_yaml(i, n)).collect();
        let node_objects: Vec<Node> = decode(&text)
            .into_iter()
            .filter_map(|o| match o { Object::Node(n) => Some(*n), _ => None })
            .collect();
        let text: String = pods.iter().enumerate().map(|(i, (p, _))| pod_yaml(i, p)).collect();
        let mut pod_objects: Vec<Pod> = decode(&text)
            .into_iter()
            .filter_map(|o| match o { Object::Pod(p) => Some(*p), _ => None })
            .collect();
        for (pod, (_, node)) in pod_objects.iter_mut().zip(&pods) {
            if let (Some(spec), Some(n)) = (pod.spec.as_mut(), node) {
                spec.node_name = Some(format!("node-{n}"));
            }
        }
        let mut scheduler = Scheduler::new(7);
        if exhaustive {
            scheduler.sampling = Sampling::Exhaustive;
        }
        let mut snapshot = Snapshot::new(&node_objects, std::iter::empty());
        for pod in &pod_objects {
            let before = snapshot.clone();
            let decision = scheduler.schedule_and_assume(pod, &mut snapshot, SimTime(0));
            let info = before.pod_info(pod);
            prop_assert_eq!(decision.nodes.len(), decision.evaluated);
            for verdict in &decision.nodes {
                let name = decision.node_name(verdict);
                let node = before.infos.iter().find(|n| n.name() == name).expect("a node of the snapshot");
                let want = filter_directly(&scheduler, &info, node);
                let got: Vec<FilterOutcome> = (0..want.len()).map(|i| decision.filter_outcome(verdict, i)).collect();
                prop_assert_eq!(got, want, "{} on {}", decision.pod, name);
            }
        }
    }
}
