use super::*;
use crate::model::Node;
use crate::scheduler::testing::{
    filter_in_snapshot, make_node, make_pod, scores_in_snapshot, MakePod,
};
use crate::scheduler::ControllerSelector;
use serde_json::{json, Value};

const ZONE: &str = "zone";

fn ok() -> Status {
    Status::success()
}
fn skew() -> Status {
    Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH)
}
fn label() -> Status {
    Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH)
}

/// A constraint over `key` selecting `foo` (exists).
fn constraint(max_skew: i32, key: &str, when: &str) -> Value {
    json!({"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when,
           "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}})
}

fn with(mut c: Value, field: &str, value: Value) -> Value {
    c[field] = value;
    c
}

/// node-a, node-b in zone1; node-x, node-y in zone2.
fn nodes() -> Vec<Node> {
    let node = |name: &str, zone: &str| {
        make_node(name)
            .label(LABEL_HOSTNAME, name)
            .label(ZONE, zone)
            .obj()
    };
    vec![
        node("node-a", "zone1"),
        node("node-b", "zone1"),
        node("node-x", "zone2"),
        node("node-y", "zone2"),
    ]
}

/// Matching pods (label foo) on these nodes.
fn foo_on(nodes: &[&str]) -> Vec<Pod> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            make_pod()
                .name(&format!("p{i}"))
                .label("foo", "")
                .node_name(n)
                .obj()
        })
        .collect()
}

fn foo() -> MakePod {
    make_pod().label("foo", "")
}

/// kube-scheduler's `TestSingleConstraint` and `TestMultipleConstraints` ideas.
#[test]
fn filter_keeps_the_skew_within_max_skew() {
    let zone1 = constraint(1, ZONE, "DoNotSchedule");
    let host1 = constraint(1, LABEL_HOSTNAME, "DoNotSchedule");
    type Case = (&'static str, Pod, Vec<Node>, Vec<Pod>, Option<Vec<Status>>);
    let cases: Vec<Case> = vec![
        (
            "no constraints: the plugin is skipped",
            foo().obj(),
            nodes(),
            foo_on(&["node-a"]),
            None,
        ),
        (
            "ScheduleAnyway constraints do not filter",
            foo().spread(constraint(1, ZONE, "ScheduleAnyway")).obj(),
            nodes(),
            foo_on(&["node-a"]),
            None,
        ),
        (
            "no pods yet: every node",
            foo().spread(zone1.clone()).obj(),
            nodes(),
            vec![],
            Some(vec![ok(), ok(), ok(), ok()]),
        ),
        (
            "zone1 has two, zone2 one: only zone2",
            foo().spread(zone1.clone()).obj(),
            nodes(),
            foo_on(&["node-a", "node-b", "node-x"]),
            Some(vec![skew(), skew(), ok(), ok()]),
        ),
        (
            "the incoming pod does not match its selector: it adds no skew",
            make_pod().spread(zone1.clone()).obj(),
            nodes(),
            foo_on(&["node-a", "node-x", "node-a"]),
            Some(vec![ok(), ok(), ok(), ok()]),
        ),
        (
            "maxSkew 2 tolerates one more",
            foo().spread(constraint(2, ZONE, "DoNotSchedule")).obj(),
            nodes(),
            foo_on(&["node-a", "node-b", "node-x"]),
            Some(vec![ok(), ok(), ok(), ok()]),
        ),
        (
            "a node without the key is unresolvable; its pods do not count",
            foo().spread(zone1.clone()).obj(),
            vec![
                make_node("node-a").label(ZONE, "zone1").obj(),
                make_node("node-b").label(ZONE, "zone2").obj(),
                make_node("node-c").obj(),
            ],
            foo_on(&["node-a", "node-c", "node-c"]),
            Some(vec![skew(), ok(), label()]),
        ),
        (
            "hostname and zone together: both must hold",
            foo().spread(zone1.clone()).spread(host1.clone()).obj(),
            nodes(),
            foo_on(&["node-a", "node-b", "node-x"]),
            Some(vec![skew(), skew(), skew(), ok()]),
        ),
        (
            "pods of other namespaces and terminating pods do not count",
            foo().spread(host1.clone()).obj(),
            nodes(),
            vec![
                foo()
                    .name("other")
                    .namespace("other")
                    .node_name("node-a")
                    .obj(),
                foo().name("going").terminating().node_name("node-b").obj(),
            ],
            Some(vec![ok(), ok(), ok(), ok()]),
        ),
        (
            "minDomains above the domains there are: the minimum counts as 0",
            foo()
                .spread(with(zone1.clone(), "minDomains", json!(3)))
                .obj(),
            nodes(),
            foo_on(&["node-a", "node-x"]),
            Some(vec![skew(), skew(), skew(), skew()]),
        ),
        (
            "nodeAffinityPolicy Honor (default): nodes the pod cannot go to do not count",
            foo()
                .node_selector(ZONE, "zone2")
                .spread(zone1.clone())
                .obj(),
            nodes(),
            foo_on(&["node-a", "node-b", "node-x"]),
            Some(vec![ok(), ok(), ok(), ok()]),
        ),
        (
            "nodeAffinityPolicy Ignore: they count",
            foo()
                .node_selector(ZONE, "zone2")
                .spread(with(zone1.clone(), "nodeAffinityPolicy", json!("Ignore")))
                .obj(),
            nodes(),
            foo_on(&["node-x", "node-y", "node-a"]),
            Some(vec![ok(), ok(), skew(), skew()]),
        ),
        (
            "nodeTaintsPolicy Honor: tainted nodes' domains do not count",
            foo()
                .spread(with(host1.clone(), "nodeTaintsPolicy", json!("Honor")))
                .obj(),
            vec![
                make_node("node-a").label(LABEL_HOSTNAME, "node-a").obj(),
                make_node("node-b")
                    .label(LABEL_HOSTNAME, "node-b")
                    .taint("dedicated", "gpu", "NoSchedule")
                    .obj(),
            ],
            foo_on(&["node-a"]),
            Some(vec![ok(), ok()]),
        ),
        (
            "nodeTaintsPolicy Ignore (default): the empty tainted node is the minimum",
            foo().spread(host1.clone()).obj(),
            vec![
                make_node("node-a").label(LABEL_HOSTNAME, "node-a").obj(),
                make_node("node-b")
                    .label(LABEL_HOSTNAME, "node-b")
                    .taint("dedicated", "gpu", "NoSchedule")
                    .obj(),
            ],
            foo_on(&["node-a"]),
            Some(vec![skew(), ok()]),
        ),
        (
            "matchLabelKeys: only pods with the incoming pod's value count",
            foo()
                .label("rev", "2")
                .spread(with(zone1.clone(), "matchLabelKeys", json!(["rev"])))
                .obj(),
            nodes(),
            vec![
                foo()
                    .name("old1")
                    .label("rev", "1")
                    .node_name("node-a")
                    .obj(),
                foo()
                    .name("old2")
                    .label("rev", "1")
                    .node_name("node-b")
                    .obj(),
                foo()
                    .name("new")
                    .label("rev", "2")
                    .node_name("node-x")
                    .obj(),
            ],
            Some(vec![ok(), ok(), skew(), skew()]),
        ),
    ];
    for (name, pod, nodes, bound, want) in cases {
        assert_eq!(
            filter_in_snapshot(
                &PodTopologySpread::default(),
                &pod,
                &nodes,
                &bound,
                Listers::default()
            ),
            want,
            "{name}"
        );
    }
}

/// kube-scheduler's `TestPodTopologySpreadScore` ideas: fewer matching pods in the
/// node's domains score higher; nodes missing a key score 0.
#[test]
fn score_prefers_emptier_domains() {
    type Case = (
        &'static str,
        Pod,
        Vec<Node>,
        Vec<Pod>,
        Option<(Vec<i64>, Vec<i64>)>,
    );
    let cases: Vec<Case> = vec![
        (
            "no constraints and no workload: the plugin is skipped",
            foo().obj(),
            nodes(),
            foo_on(&["node-a"]),
            None,
        ),
        (
            "DoNotSchedule constraints do not score",
            foo().spread(constraint(1, ZONE, "DoNotSchedule")).obj(),
            nodes(),
            foo_on(&["node-a"]),
            None,
        ),
        (
            // ln(4 + 2) = 1.79 per pod.
            "hostname: the pods on each node",
            foo()
                .spread(constraint(1, LABEL_HOSTNAME, "ScheduleAnyway"))
                .obj(),
            nodes(),
            foo_on(&["node-a", "node-a", "node-b"]),
            Some((vec![4, 2, 0, 0], vec![0, 50, 100, 100])),
        ),
        (
            // ln(2 + 2) = 1.39 per pod, plus maxSkew - 1 = 1.
            "zone: the pods in each node's zone",
            foo().spread(constraint(2, ZONE, "ScheduleAnyway")).obj(),
            nodes(),
            foo_on(&["node-a", "node-a", "node-b", "node-x"]),
            Some((vec![5, 5, 2, 2], vec![40, 40, 100, 100])),
        ),
        (
            "a node missing the key is not scored",
            foo().spread(constraint(1, ZONE, "ScheduleAnyway")).obj(),
            vec![
                make_node("node-a").label(ZONE, "zone1").obj(),
                make_node("node-b").label(ZONE, "zone2").obj(),
                make_node("node-c").obj(),
            ],
            foo_on(&["node-a"]),
            Some((vec![1, 0, 0], vec![0, 100, 0])),
        ),
    ];
    for (name, pod, nodes, bound, want) in cases {
        assert_eq!(
            scores_in_snapshot(
                &PodTopologySpread::default(),
                &pod,
                &nodes,
                &bound,
                Listers::default()
            ),
            want,
            "{name}"
        );
    }
}

/// A pod of a ReplicaSet (or selected by a Service) without constraints of its own
/// spreads by the system defaults, which score only: hostname with maxSkew 3, and
/// zone only on nodes that have one.
#[test]
fn workload_pods_spread_by_the_system_defaults() {
    let rs_selector = Selector(vec![Requirement::Equals("app".into(), "web".into())]);
    let listers = || Listers {
        controllers: vec![ControllerSelector {
            kind: "ReplicaSet",
            namespace: "default",
            name: "web-123",
            selector: rs_selector.clone(),
        }],
        ..Listers::default()
    };
    let nodes: Vec<Node> = ["n1", "n2", "n3"]
        .iter()
        .map(|n| make_node(n).label(LABEL_HOSTNAME, n).obj())
        .collect();
    let web = |name: &str| make_pod().name(name).label("app", "web");
    let bound = vec![
        web("w1")
            .owned_by_replica_set("web-123")
            .node_name("n1")
            .obj(),
        web("w2")
            .owned_by_replica_set("web-123")
            .node_name("n1")
            .obj(),
        web("w3")
            .owned_by_replica_set("web-123")
            .node_name("n2")
            .obj(),
    ];
    let pod = web("w4").owned_by_replica_set("web-123").obj();
    // ln(3 + 2) = 1.61 per pod, plus 3 - 1.
    assert_eq!(
        scores_in_snapshot(
            &PodTopologySpread::default(),
            &pod,
            &nodes,
            &bound,
            listers()
        ),
        Some((vec![5, 4, 2], vec![40, 60, 100]))
    );
    assert_eq!(
        filter_in_snapshot(
            &PodTopologySpread::default(),
            &pod,
            &nodes,
            &bound,
            listers()
        ),
        None,
        "the defaults never filter"
    );
    // Not owned by the ReplicaSet, selected by no Service: no spreading.
    let lone = web("lone").obj();
    assert_eq!(
        scores_in_snapshot(
            &PodTopologySpread::default(),
            &lone,
            &nodes,
            &bound,
            listers()
        ),
        None
    );
    // A Service selecting it is enough.
    let svc: std::collections::BTreeMap<String, String> = [("app".to_string(), "web".to_string())]
        .into_iter()
        .collect();
    let services = Listers {
        services: vec![("default", &svc)],
        ..Listers::default()
    };
    assert_eq!(
        scores_in_snapshot(
            &PodTopologySpread::default(),
            &lone,
            &nodes,
            &bound,
            services
        ),
        Some((vec![5, 4, 2], vec![40, 60, 100]))
    );
    // PodTopologySpreadArgs `defaultingType: List` without constraints: none.
    let no_defaults = PodTopologySpread {
        default_constraints: DefaultConstraints::List(Vec::new()),
    };
    assert_eq!(
        scores_in_snapshot(&no_defaults, &pod, &nodes, &bound, listers()),
        None
    );
}

/// `defaultingType: List`: a pod without constraints of its own, of a ReplicaSet,
/// spreads by the listed constraints (filtering by the DoNotSchedule ones) with its
/// ReplicaSet's selector; unlike the system defaults they score no node missing a key.
#[test]
fn workload_pods_spread_by_listed_default_constraints() {
    let rs_selector = Selector(vec![Requirement::Equals("app".into(), "web".into())]);
    let listers = || Listers {
        controllers: vec![ControllerSelector {
            kind: "ReplicaSet",
            namespace: "default",
            name: "web-123",
            selector: rs_selector.clone(),
        }],
        ..Listers::default()
    };
    let listed = |list: Vec<Value>| PodTopologySpread {
        default_constraints: DefaultConstraints::List(
            list.into_iter()
                .map(|c| serde_json::from_value(c).expect("constraint"))
                .collect(),
        ),
    };
    let default = |skew: i32, key: &str, when: &str| json!({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when});
    let web = |name: &str| {
        make_pod()
            .name(name)
            .label("app", "web")
            .owned_by_replica_set("web-123")
    };
    let bound: Vec<Pod> = [("w1", "node-a"), ("w2", "node-a"), ("w3", "node-x")]
        .iter()
        .map(|(name, node)| web(name).node_name(node).obj())
        .collect();
    let pod = web("w4").obj();
    let zone = listed(vec![default(1, ZONE, "ScheduleAnyway")]);
    let host = listed(vec![default(1, LABEL_HOSTNAME, "DoNotSchedule")]);
    let mut with_zoneless = nodes();
    with_zoneless.push(make_node("node-c").label(LABEL_HOSTNAME, "node-c").obj());

    // ln(2 + 2) = 1.39 per pod of the node's zone: zone1 has two, zone2 one.
    assert_eq!(
        scores_in_snapshot(&zone, &pod, &nodes(), &bound, listers()),
        Some((vec![3, 3, 1, 1], vec![33, 33, 100, 100]))
    );
    assert_eq!(
        filter_in_snapshot(&zone, &pod, &nodes(), &bound, listers()),
        None,
        "ScheduleAnyway defaults do not filter"
    );
    assert_eq!(
        scores_in_snapshot(&zone, &pod, &with_zoneless, &bound, listers()),
        Some((vec![3, 3, 1, 1, 0], vec![33, 33, 100, 100, 0])),
        "a listed default scores no node missing its key"
    );
    assert_eq!(
        scores_in_snapshot(
            &PodTopologySpread::default(),
            &pod,
            &with_zoneless,
            &bound,
            listers()
        )
        .map(|(_, normalized)| normalized[4] > 0),
        Some(true),
        "the system defaults score it by hostname"
    );
    // DoNotSchedule over hosts with maxSkew 1: node-a (2) and node-x (1) are too full.
    assert_eq!(
        filter_in_snapshot(&host, &pod, &nodes(), &bound, listers()),
        Some(vec![skew(), ok(), skew(), ok()])
    );
    assert_eq!(
        scores_in_snapshot(&host, &pod, &nodes(), &bound, listers()),
        None,
        "DoNotSchedule defaults do not score"
    );
    // A pod with constraints of its own is spread by those only.
    let own = web("w5")
        .spread(constraint(1, ZONE, "ScheduleAnyway"))
        .obj();
    assert_eq!(
        filter_in_snapshot(&host, &own, &nodes(), &bound, listers()),
        None
    );
    // Nothing selects the pod: no selector, no spreading.
    let lone = make_pod().name("lone").label("app", "web").obj();
    assert_eq!(
        filter_in_snapshot(&host, &lone, &nodes(), &bound, listers()),
        None
    );
    // The defaults' node inclusion policies hold: by default (Ignore) tainted zone2
    // counts, its one pod is the minimum and zone1 (two) is full; with
    // nodeTaintsPolicy Honor only zone1 counts, it is the minimum, and all pass.
    let honor = listed(vec![with(
        default(1, ZONE, "DoNotSchedule"),
        "nodeTaintsPolicy",
        json!("Honor"),
    )]);
    let mut tainted = nodes();
    for n in tainted.iter_mut().filter(|n| {
        let name = n.metadata.name.as_deref().unwrap_or_default();
        name == "node-x" || name == "node-y"
    }) {
        n.spec.get_or_insert_with(Default::default).taints = Some(vec![crate::model::Taint {
            key: "dedicated".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        }]);
    }
    let ignore = listed(vec![default(1, ZONE, "DoNotSchedule")]);
    assert_eq!(
        filter_in_snapshot(&ignore, &pod, &tainted, &bound, listers()),
        Some(vec![skew(), skew(), ok(), ok()])
    );
    assert_eq!(
        filter_in_snapshot(&honor, &pod, &tainted, &bound, listers()),
        Some(vec![ok(), ok(), ok(), ok()])
    );
}
