use super::*;
use crate::scheduler::testing::make_node;
use serde_json::json;

fn daemon_set(template_spec: serde_json::Value, strategy: serde_json::Value) -> DaemonSet {
    crate::model::de::from_value(&json!({
        "metadata": {"name": "agent", "namespace": "default", "uid": "u1"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": strategy,
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": template_spec
            }
        }
    }))
    .expect("a DaemonSet")
}

fn rolling(surge: serde_json::Value, unavailable: serde_json::Value) -> serde_json::Value {
    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}})
}

/// `NodeShouldRunDaemonPod`, one rule per row: (should run, may keep running).
#[test]
fn which_nodes_run_the_daemon() {
    let plain = json!({"containers": [{"name": "c", "image": "nginx"}]});
    let with = |extra: serde_json::Value| {
        let mut spec = plain.clone();
        if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        spec
    };
    let control_plane = make_node("master")
        .taint("node-role.kubernetes.io/control-plane", "", "NoSchedule")
        .obj();
    let worker = make_node("w1").label("disktype", "ssd").obj();
    let cases = [
        ("a worker", plain.clone(), worker.clone(), (true, true)),
        (
            "the control plane's NoSchedule taint",
            plain.clone(),
            control_plane.clone(),
            (false, true),
        ),
        (
            "tolerated",
            with(
                json!({"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]}),
            ),
            control_plane,
            (true, true),
        ),
        (
            "an untolerated NoExecute taint",
            plain.clone(),
            make_node("w2").taint("dedicated", "db", "NoExecute").obj(),
            (false, false),
        ),
        (
            "not-ready NoExecute is always tolerated",
            plain.clone(),
            make_node("w3")
                .taint("node.kubernetes.io/not-ready", "", "NoExecute")
                .obj(),
            (true, true),
        ),
        (
            "unschedulable is always tolerated",
            plain.clone(),
            make_node("w4")
                .taint("node.kubernetes.io/unschedulable", "", "NoSchedule")
                .obj(),
            (true, true),
        ),
        (
            "network-unavailable only for host-network pods",
            plain.clone(),
            make_node("w5")
                .taint("node.kubernetes.io/network-unavailable", "", "NoSchedule")
                .obj(),
            (false, true),
        ),
        (
            "network-unavailable, host network",
            with(json!({"hostNetwork": true})),
            make_node("w5")
                .taint("node.kubernetes.io/network-unavailable", "", "NoSchedule")
                .obj(),
            (true, true),
        ),
        (
            "nodeSelector matches",
            with(json!({"nodeSelector": {"disktype": "ssd"}})),
            worker.clone(),
            (true, true),
        ),
        (
            "nodeSelector does not match",
            with(json!({"nodeSelector": {"disktype": "hdd"}})),
            worker.clone(),
            (false, false),
        ),
        (
            "required node affinity",
            with(
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "disktype", "operator": "NotIn", "values": ["ssd"]}]}]}}}}),
            ),
            worker.clone(),
            (false, false),
        ),
        (
            "another node's name",
            with(json!({"nodeName": "w9"})),
            worker,
            (false, false),
        ),
    ];
    for (what, spec, node, want) in cases {
        let ds = daemon_set(spec, rolling(json!(0), json!(1)));
        assert_eq!(should_run(&node, &ds), want, "{what}");
    }
}

/// The tolerations every daemon pod gets, added once (an equal one is replaced).
#[test]
fn daemon_tolerations() {
    let mut spec: crate::model::PodSpec = crate::model::de::from_value(&json!({
        "containers": [],
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]
    }))
    .expect("a pod spec");
    add_daemon_tolerations(&mut spec);
    add_daemon_tolerations(&mut spec);
    let keys: Vec<String> = spec
        .tolerations
        .iter()
        .flatten()
        .map(|t| {
            format!(
                "{}:{}",
                t.key.as_deref().unwrap_or_default(),
                t.effect.as_deref().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "node.kubernetes.io/not-ready:NoExecute",
            "node.kubernetes.io/unreachable:NoExecute",
            "node.kubernetes.io/disk-pressure:NoSchedule",
            "node.kubernetes.io/memory-pressure:NoSchedule",
            "node.kubernetes.io/pid-pressure:NoSchedule",
            "node.kubernetes.io/unschedulable:NoSchedule",
        ]
    );
    assert!(spec
        .tolerations
        .iter()
        .flatten()
        .all(|t| t.toleration_seconds.is_none()));
}

/// `SurgeCount` and `UnavailableCount`: percents round up; never both zero.
#[test]
fn surge_and_unavailable_counts() {
    let cases = [
        (rolling(json!(0), json!(1)), 3, (0, 1)),
        (rolling(json!(0), json!("50%")), 3, (0, 2)),
        (rolling(json!("10%"), json!(0)), 3, (1, 0)),
        (rolling(json!(0), json!("0%")), 3, (0, 1)),
        (rolling(json!(0), json!(0)), 0, (0, 0)),
        (json!({"type": "OnDelete"}), 3, (0, 1)),
    ];
    for (strategy, desired, want) in cases {
        let ds = daemon_set(json!({"containers": []}), strategy.clone());
        assert_eq!(
            surge_and_unavailable(&ds, desired),
            want,
            "{strategy} {desired}"
        );
    }
}

/// `rollingUpdate`'s choice: which nodes' old pods go, which nodes get a surge pod.
#[test]
fn rolling_update_arithmetic() {
    use NodeRollout::*;
    let old = |available| Old {
        available,
        should_run: true,
    };
    let cases = [
        // maxUnavailable 1: one old pod at a time.
        (
            vec![old(true), old(true), old(true)],
            0,
            1,
            3,
            (vec![0], vec![]),
        ),
        // A new pod not yet available uses up the allowance.
        (
            vec![New { available: false }, old(true), old(true)],
            0,
            1,
            3,
            (vec![], vec![]),
        ),
        (
            vec![New { available: true }, old(true), old(true)],
            0,
            1,
            3,
            (vec![1], vec![]),
        ),
        // An unavailable old pod goes whatever the allowance.
        (
            vec![Settling, old(false), old(true)],
            0,
            1,
            3,
            (vec![1], vec![]),
        ),
        // maxUnavailable 2.
        (
            vec![old(true), old(true), old(true)],
            0,
            2,
            3,
            (vec![0, 1], vec![]),
        ),
        // maxSurge 1: a new pod beside one old pod.
        (
            vec![old(true), old(true), old(true)],
            1,
            0,
            3,
            (vec![], vec![0]),
        ),
        // Surging on a node until its new pod is available, then the old one goes.
        (
            vec![
                Both {
                    new_available: false,
                    old_available: true,
                },
                old(true),
                old(true),
            ],
            1,
            0,
            3,
            (vec![], vec![]),
        ),
        (
            vec![
                Both {
                    new_available: true,
                    old_available: true,
                },
                old(true),
                old(true),
            ],
            1,
            0,
            3,
            (vec![0], vec![1]),
        ),
        // An unavailable old pod gets its replacement at once, beyond maxSurge.
        (
            vec![
                Both {
                    new_available: false,
                    old_available: true,
                },
                old(false),
                old(true),
            ],
            1,
            0,
            3,
            (vec![], vec![1]),
        ),
        // A node the daemon must leave: its available old pod goes only once enough
        // others are available.
        (
            vec![
                Old {
                    available: true,
                    should_run: false,
                },
                New { available: true },
            ],
            1,
            0,
            1,
            (vec![0], vec![]),
        ),
        (
            vec![
                Old {
                    available: true,
                    should_run: false,
                },
                New { available: false },
            ],
            1,
            0,
            1,
            (vec![], vec![]),
        ),
    ];
    for (nodes, surge, unavailable, desired, want) in cases {
        assert_eq!(
            rolling_update_plan(&nodes, surge, unavailable, desired),
            want,
            "{nodes:?} surge {surge} unavailable {unavailable}"
        );
    }
}
