//! Property tests of the scheduler's policies over random clusters and random arrivals:
//! no placement ever breaks a required pod anti-affinity term (the pod's own or a placed
//! pod's), no placement ever takes a DoNotSchedule spread constraint past its maxSkew,
//! and a pod the scheduler preempts always has a lower priority than its preemptor (which
//! never has `preemptionPolicy: Never`).

use podlab_core::kubectl::{self, NoFiles};
use podlab_core::model::Pod;
use podlab_core::Cluster;
use proptest::prelude::*;
use std::collections::BTreeMap;

const HOSTNAME: &str = "kubernetes.io/hostname";
const ZONE: &str = "topology.kubernetes.io/zone";
const ZONES: &[&str] = &["z1", "z2", "z3"];
const APPS: &[&str] = &["a", "b", "c"];

#[derive(Debug, Clone)]
struct NodeSpec {
    zone: Option<&'static str>,
    cordoned: bool,
    pods: u32,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        prop::option::weighted(0.85, prop::sample::select(ZONES)),
        prop::bool::weighted(0.15),
        1u32..5,
    )
        .prop_map(|(zone, cordoned, pods)| NodeSpec {
            zone,
            cordoned,
            pods,
        })
}

fn nodes_yaml(nodes: &[NodeSpec]) -> String {
    let mut text = String::new();
    for (i, n) in nodes.iter().enumerate() {
        let zone = n
            .zone
            .map(|z| format!("    {ZONE}: {z}\n"))
            .unwrap_or_default();
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels:\n    {HOSTNAME}: node-{i}\n{zone}spec:\n  unschedulable: {}\nstatus:\n  allocatable:\n    cpu: '8'\n    memory: 16Gi\n    pods: '{}'\n",
            n.cordoned, n.pods
        ));
    }
    text
}

fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![HOSTNAME, ZONE])
}

fn kubectl(c: &mut Cluster, args: &[&str]) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    // A deletion may name a pod that is gone already: kubectl's error is fine.
    let _ = kubectl::run(c, &args, &NoFiles);
}

/// The pods bound to a node and not terminating, with their node's labels.
fn placed(c: &Cluster) -> Vec<(&Pod, BTreeMap<String, String>)> {
    let api = c.api();
    api.pods
        .list()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| {
            let node = p.spec.as_ref()?.node_name.as_deref()?;
            let labels = api.nodes.get("", node)?.metadata.labels.clone()?;
            Some((p, labels))
        })
        .collect()
}

fn app_of(pod: &Pod) -> Option<&str> {
    pod.metadata.labels.as_ref()?.get("app").map(String::as_str)
}

// ---- Required pod anti-affinity ----

#[derive(Debug, Clone)]
struct AntiPod {
    app: &'static str,
    /// Keep away from pods of this app in the same domain of this key.
    anti: Option<(&'static str, &'static str)>,
}

fn anti_pod() -> impl Strategy<Value = AntiPod> {
    (
        prop::sample::select(APPS),
        prop::option::weighted(0.7, (prop::sample::select(APPS), key())),
    )
        .prop_map(|(app, anti)| AntiPod { app, anti })
}

fn anti_pod_yaml(name: &str, p: &AntiPod) -> String {
    let affinity = match p.anti {
        Some((app, key)) => format!(
            "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector:\n          matchLabels:\n            app: {app}\n        topologyKey: {key}\n"
        ),
        None => String::new(),
    };
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {}\nspec:\n{affinity}  containers:\n  - name: c\n    image: nginx\n",
        p.app
    )
}

/// The `(app, topologyKey)` of each required anti-affinity term of `pod`.
fn anti_terms(pod: &Pod) -> Vec<(String, String)> {
    let terms = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default();
    terms
        .iter()
        .filter_map(|t| {
            let app = t
                .label_selector
                .as_ref()?
                .match_labels
                .as_ref()?
                .get("app")?;
            Some((app.clone(), t.topology_key.clone()))
        })
        .collect()
}

fn check_anti_affinity(c: &Cluster) -> Result<(), TestCaseError> {
    let placed = placed(c);
    for (pod, node_labels) in &placed {
        for (app, key) in anti_terms(pod) {
            let Some(domain) = node_labels.get(&key) else {
                continue;
            };
            for (other, other_labels) in &placed {
                if other.metadata.name == pod.metadata.name {
                    continue;
                }
                prop_assert!(
                    !(app_of(other) == Some(app.as_str())
                        && other_labels.get(&key) == Some(domain)),
                    "{:?} (away from app={} by {}) shares {}={} with {:?}",
                    pod.metadata.name,
                    app,
                    key,
                    key,
                    domain,
                    other.metadata.name
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Pods arrive in batches (and some leave); whatever the placement, no two placed pods
    /// break a required anti-affinity term either of them carries.
    #[test]
    fn no_required_anti_affinity_is_violated(
        nodes in prop::collection::vec(node_spec(), 1..6),
        batches in prop::collection::vec(prop::collection::vec(anti_pod(), 1..5), 1..5),
        deletions in prop::collection::vec(0usize..16, 0..4),
        seed in 0u64..1000,
    ) {
        let mut c = Cluster::empty(seed);
        c.create_from_text("nodes.yaml", &nodes_yaml(&nodes)).expect("valid nodes");
        let mut n = 0;
        for (b, batch) in batches.iter().enumerate() {
            let mut text = String::new();
            for p in batch {
                text.push_str(&anti_pod_yaml(&format!("pod-{n}"), p));
                n += 1;
            }
            c.create_from_text("pods.yaml", &text).expect("valid pods");
            check_anti_affinity(&c)?;
            if let Some(d) = deletions.get(b) {
                kubectl(&mut c, &["delete", "pod", &format!("pod-{d}"), "--wait=false"]);
            }
            c.advance(45_000);
            check_anti_affinity(&c)?;
        }
    }
}

// ---- Topology spread under DoNotSchedule ----

/// Each app's constraint, carried by every pod of that app: (maxSkew, topologyKey).
fn check_spread(c: &Cluster, constraints: &[(u32, &'static str)]) -> Result<(), TestCaseError> {
    let api = c.api();
    let placed = placed(c);
    for (app, (max_skew, key)) in APPS.iter().zip(constraints) {
        // Every node with the key is a domain (no node selectors; taints are ignored).
        let mut counts: BTreeMap<String, u32> = api
            .nodes
            .list()
            .filter_map(|n| n.metadata.labels.as_ref()?.get(*key).cloned())
            .map(|d| (d, 0))
            .collect();
        for (pod, labels) in &placed {
            if app_of(pod) != Some(*app) {
                continue;
            }
            let domain = labels.get(*key).cloned();
            prop_assert!(
                domain.is_some(),
                "{:?} placed on a node without {}",
                pod.metadata.name,
                key
            );
            if let Some(count) = domain.and_then(|d| counts.get_mut(&d)) {
                *count += 1;
            }
        }
        let max = counts.values().max().copied().unwrap_or(0);
        let min = counts.values().min().copied().unwrap_or(0);
        prop_assert!(
            max - min <= *max_skew,
            "app={} over maxSkew {} by {}: {:?}",
            app,
            max_skew,
            key,
            counts
        );
    }
    Ok(())
}

fn spread_pod_yaml(name: &str, app: &str, (max_skew, key): (u32, &str)) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {app}\nspec:\n  topologySpreadConstraints:\n  - maxSkew: {max_skew}\n    topologyKey: {key}\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector:\n      matchLabels:\n        app: {app}\n  containers:\n  - name: c\n    image: nginx\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Pods of three apps, each app with its own DoNotSchedule constraint, arrive in
    /// batches: in every app, the placed pods' counts per domain never differ by more than
    /// its maxSkew (the filter admits a node only if its domain's count plus one stays
    /// within maxSkew of the smallest, so the spread holds after every placement).
    #[test]
    fn max_skew_is_never_exceeded_under_do_not_schedule(
        nodes in prop::collection::vec(node_spec(), 1..7),
        constraints in prop::collection::vec((1u32..3, key()), 3),
        batches in prop::collection::vec(prop::collection::vec(0usize..3, 1..6), 1..5),
        seed in 0u64..1000,
    ) {
        let mut c = Cluster::empty(seed);
        c.create_from_text("nodes.yaml", &nodes_yaml(&nodes)).expect("valid nodes");
        let mut n = 0;
        for batch in &batches {
            let mut text = String::new();
            for &app in batch {
                text.push_str(&spread_pod_yaml(&format!("pod-{n}"), APPS[app], constraints[app]));
                n += 1;
            }
            c.create_from_text("pods.yaml", &text).expect("valid pods");
            check_spread(&c, &constraints)?;
            c.advance(45_000);
            check_spread(&c, &constraints)?;
        }
    }
}

// ---- Preemption ----

/// The PriorityClasses the pods name, with their values.
const CLASSES: &[(&str, i32)] = &[("low", 10), ("mid", 100), ("high", 1000)];

#[derive(Debug, Clone)]
struct PriorityPod {
    /// An index into [`CLASSES`], or none (priority 0).
    class: Option<usize>,
    never: bool,
    milli_cpu: u32,
}

fn priority_pod() -> impl Strategy<Value = PriorityPod> {
    (
        prop::option::weighted(0.85, 0usize..CLASSES.len()),
        prop::bool::weighted(0.2),
        1u32..5,
    )
        .prop_map(|(class, never, cpu)| PriorityPod {
            class,
            never,
            milli_cpu: cpu * 500,
        })
}

fn priority_pod_yaml(name: &str, p: &PriorityPod) -> String {
    let class = p
        .class
        .map(|i| format!("  priorityClassName: {}\n", CLASSES[i].0))
        .unwrap_or_default();
    let never = if p.never {
        "  preemptionPolicy: Never\n"
    } else {
        ""
    };
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{class}{never}  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: {}m\n",
        p.milli_cpu
    )
}

fn classes_yaml() -> String {
    CLASSES
        .iter()
        .map(|(name, value)| {
            format!("---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: {name}\nvalue: {value}\n")
        })
        .collect()
}

fn small_nodes_yaml(cpus: &[u32]) -> String {
    cpus.iter()
        .enumerate()
        .map(|(i, cpu)| {
            format!("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels:\n    {HOSTNAME}: node-{i}\nstatus:\n  allocatable:\n    cpu: '{cpu}'\n    memory: 16Gi\n    pods: '110'\n")
        })
        .collect()
}

/// Each pod's priority (its class's value, or 0) and whether its preemptionPolicy is
/// Never, by name, as the test wrote them.
type Known = BTreeMap<String, (i32, bool)>;

fn learn(known: &mut Known, name: &str, p: &PriorityPod) {
    let priority = p.class.map_or(0, |i| CLASSES[i].1);
    known.insert(name.to_string(), (priority, p.never));
}

/// Every `Preempted` event names a preemptor (by UID: its name comes from the events
/// about it, FailedScheduling first) of higher priority than its victim, and one allowed
/// to preempt. Returns how many there were.
fn check_preemptions(c: &Cluster, known: &Known) -> Result<usize, TestCaseError> {
    let events: Vec<_> = c
        .api()
        .events
        .list()
        .filter(|e| e.involved_object.kind.as_deref() == Some("Pod"))
        .collect();
    let names: BTreeMap<&str, &str> = events
        .iter()
        .filter_map(|e| {
            let o = &e.involved_object;
            Some((o.uid.as_deref()?, o.name.as_deref()?))
        })
        .collect();
    let mut seen = 0;
    for event in events
        .iter()
        .filter(|e| e.reason.as_deref() == Some("Preempted"))
    {
        seen += 1;
        let message = event.message.as_deref().unwrap_or_default();
        let preemptor = message
            .strip_prefix("Preempted by pod ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|uid| names.get(uid))
            .and_then(|name| known.get(*name));
        let victim = event
            .involved_object
            .name
            .as_deref()
            .and_then(|name| known.get(name));
        let (Some((preemptor_priority, never)), Some((victim_priority, _))) = (preemptor, victim)
        else {
            return Err(TestCaseError::fail(format!("unknown pod in {message:?}")));
        };
        prop_assert!(
            preemptor_priority > victim_priority,
            "a pod of priority {} preempted one of priority {}",
            preemptor_priority,
            victim_priority
        );
        prop_assert!(!never, "a pod with preemptionPolicy Never preempted");
    }
    Ok(seen)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Pods of mixed priorities arrive in batches on small nodes, so later, higher pods
    /// preempt: every victim's priority is below its preemptor's.
    #[test]
    fn a_preempted_pod_has_lower_priority_than_its_preemptor(
        cpus in prop::collection::vec(1u32..4, 1..4),
        batches in prop::collection::vec(prop::collection::vec(priority_pod(), 1..5), 1..6),
        seed in 0u64..1000,
    ) {
        let mut c = Cluster::empty(seed);
        c.create_from_text("classes.yaml", &classes_yaml()).expect("valid classes");
        c.create_from_text("nodes.yaml", &small_nodes_yaml(&cpus)).expect("valid nodes");
        let mut known = Known::new();
        let mut n = 0;
        for batch in &batches {
            let mut text = String::new();
            for p in batch {
                let name = format!("pod-{n}");
                text.push_str(&priority_pod_yaml(&name, p));
                learn(&mut known, &name, p);
                n += 1;
            }
            c.create_from_text("pods.yaml", &text).expect("valid pods");
            check_preemptions(&c, &known)?;
            c.advance(60_000);
            check_preemptions(&c, &known)?;
        }
    }
}

/// The check above sees preemptions (it is not vacuous): a high pod preempts a low one
/// on a full node, and its event names the preemptor.
#[test]
fn preemptions_are_seen() {
    let mut c = Cluster::empty(1);
    c.create_from_text("classes.yaml", &classes_yaml())
        .expect("valid classes");
    c.create_from_text("nodes.yaml", &small_nodes_yaml(&[1]))
        .expect("valid nodes");
    let low = PriorityPod {
        class: Some(0),
        never: false,
        milli_cpu: 1000,
    };
    let high = PriorityPod {
        class: Some(2),
        ..low.clone()
    };
    let mut known = Known::new();
    learn(&mut known, "low", &low);
    learn(&mut known, "high", &high);
    c.create_from_text("low.yaml", &priority_pod_yaml("low", &low))
        .expect("valid pod");
    c.advance(5_000);
    c.create_from_text("high.yaml", &priority_pod_yaml("high", &high))
        .expect("valid pod");
    c.advance(20_000);
    let seen = check_preemptions(&c, &known).expect("the preemptor outranks its victim");
    assert_eq!(seen, 1);
}
