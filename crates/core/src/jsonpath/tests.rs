//! Templates over realistic objects with kubectl's exact output.

use super::*;
use serde_json::json;

fn pods() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "metadata": {"resourceVersion": ""},
        "items": [
            {"kind": "Pod", "metadata": {"name": "tea", "labels": {"run": "tea"}, "annotations": {"kubernetes.io/change-cause": "init"}},
             "spec": {"nodeName": "k8s-worker-01", "containers": [{"name": "tea", "image": "ansilh/demo-tea", "ports": [{"containerPort": 8080}]}]},
             "status": {"phase": "Running", "hostIP": "192.168.56.202", "podIP": "10.244.1.2", "ratio": 0.5, "ready": true}},
            {"kind": "Pod", "metadata": {"name": "coffee", "labels": {"run": "coffee"}},
             "spec": {"nodeName": "k8s-worker-02", "containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox"}]},
             "status": {"phase": "Pending", "hostIP": "192.168.56.203", "ratio": 2.0, "ready": false}},
            {"kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "web", "image": "nginx"}]},
             "status": {"phase": "Pending", "ratio": 1e21, "small": 1e-6}}
        ]
    })
}

#[test]
fn table() {
    let data = pods();
    let cases: &[(&str, &str)] = &[
        ("{.items[0].spec.nodeName}", "k8s-worker-01"),
        ("{.items[*].metadata.name}", "tea coffee web"),
        (
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}{\"\\n\"}{end}",
            "tea\tk8s-worker-01\ncoffee\tk8s-worker-02\nweb\t\n",
        ),
        (
            "{.items[?(@.spec.nodeName==\"k8s-worker-02\")].metadata.name}",
            "coffee",
        ),
        (
            "{.items[?(@.status.phase!='Running')].metadata.name}",
            "coffee web",
        ),
        ("{.items[?(@.status.podIP)].metadata.name}", "tea"),
        (
            "{.items[?(@.spec.containers[0].ports[0].containerPort>8000)].metadata.name}",
            "tea",
        ),
        ("{..image}", "ansilh/demo-tea nginx busybox nginx"),
        ("{.items[-1].metadata.name}", "web"),
        ("{.items[0:2].metadata.name}", "tea coffee"),
        ("{.items[::2].metadata.name}", "tea web"),
        ("{.items[0,2].metadata.name}", "tea web"),
        // client-go reads a dotted bracket key as a path.
        ("{.items[0]['metadata.name']}", "tea"),
        (
            "{.items[0].metadata['name','labels']}",
            "tea {\"run\":\"tea\"}",
        ),
        (
            "{.items[0].metadata.annotations.kubernetes\\.io/change-cause}",
            "init",
        ),
        ("{.items[0].metadata.labels}", "{\"run\":\"tea\"}"),
        (
            "{.items[0].spec.containers[0].ports}",
            "[{\"containerPort\":8080}]",
        ),
        ("{.items[*].status.ratio}", "0.5 2 1e+21"),
        ("{.items[2].status.small}", "1e-06"),
        ("{.items[*].status.ready}", "true false"),
        ("{.items[1].metadata.labels.*}", "coffee"),
        ("pods: {.items[0].metadata.name}!", "pods: tea!"),
        ("{$.kind}", "List"),
        ("{.kind}{'/'}{.apiVersion}", "List/v1"),
        (
            "{range .items[*]}{range .spec.containers[*]}{.name},{end};{end}",
            "tea,;a,b,;web,;",
        ),
        (
            "{.items[5].metadata.name}",
            "ERR array index out of bounds: index 5, length 3",
        ),
        (
            "{.items[?(@.status.ratio==\"x\")]}",
            "ERR incompatible types for comparison",
        ),
        ("{end}", "ERR not in range, nothing to end"),
        ("{.items[0].metadata.name", "ERR unclosed action"),
        ("{.items[0}", "ERR unterminated array"),
        ("{.items[?(@.a==\"b\"}", "ERR unterminated filter"),
        ("{\"abc}", "ERR unterminated quoted string"),
        ("{.items[a]}", "ERR invalid array index a"),
        ("{.kind[0]}", "ERR string is not array or slice"),
        (
            "{.items[0]....name}",
            "ERR invalid multiple recursive descent",
        ),
    ];
    for (template, want) in cases {
        let got = Template::parse(template).and_then(|t| execute(&t, &data, &Options::default()));
        let got = match got {
            Ok(s) => s,
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(&got, want, "template {template}");
    }
}

/// A JSON null is a value client-go prints as `null` (kubernetes PR 119883); a field
/// of a null is missing, and a null in a list is one of its items.
#[test]
fn null_prints_null() {
    let data =
        json!({"a": null, "b": [1, null], "c": {"d": null}, "items": [{"x": null}, {"x": 2}]});
    let cases: &[(&str, &str)] = &[
        ("x{.a}y", "xnully"),
        ("{.c.d}", "null"),
        ("{.c}", "{\"d\":null}"),
        ("{.b[*]}", "1 null"),
        ("{.b[1]}", "null"),
        ("{.items[*].x}", "null 2"),
        ("{range .items[*]}[{.x}]{end}", "[null][2]"),
        ("{.items[?(@.x)].x}", "null 2"),
        ("x{.a.b}y", "xy"),
        ("{.c.*}", "null"),
    ];
    for (template, want) in cases {
        let got = Template::parse(template).and_then(|t| execute(&t, &data, &Options::default()));
        let got = match got {
            Ok(s) => s,
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(&got, want, "template {template}");
    }
    // A field of a null is missing: an error with --allow-missing-template-keys=false.
    let strict = Options {
        allow_missing_keys: false,
    };
    let got = Template::parse("{.a.b}").and_then(|t| execute(&t, &data, &strict));
    assert_eq!(got.unwrap_err().to_string(), "b is not found");
}

/// client-go's own `TestKubernetes` cases (jsonpath_test.go), over its node list.
#[test]
fn client_go_kubernetes_cases() {
    let data = json!({
        "kind": "List",
        "items": [
            {"kind": "None",
             "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
             "status": {"capacity": {"cpu": "4"}, "ready": true,
                        "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
            {"kind": "None",
             "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
             "status": {"capacity": {"cpu": "8"}, "ready": false,
                        "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                      {"type": "another", "address": "127.0.0.3"}]}}
        ],
        "users": [
            {"name": "myself", "user": {}},
            {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
        ]
    });
    let cases: &[(&str, &str)] = &[
        (
            "{range .items[*]}{.metadata.name}, {end}{.kind}",
            "127.0.0.1, 127.0.0.2, List",
        ),
        (
            "{range .items[*]}{.metadata.name}{\"\\t\"}{end}",
            "127.0.0.1\t127.0.0.2\t",
        ),
        (
            "{.items[*].status.addresses[*].address}",
            "127.0.0.1 127.0.0.2 127.0.0.3",
        ),
        (
            "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
            "127.0.0.1, 127.0.0.2, 127.0.0.3, ",
        ),
        ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
        // A union runs each branch over every input in turn.
        (
            "{.items[*]['metadata.name', 'status.capacity']}",
            "127.0.0.1 127.0.0.2 {\"cpu\":\"4\"} {\"cpu\":\"8\"}",
        ),
        (
            "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
            "[127.0.0.1, {\"cpu\":\"4\"}] [127.0.0.2, {\"cpu\":\"8\"}] ",
        ),
        ("{.users[?(@.name==\"e2e\")].user.password}", "secret"),
        (
            "{.items[0].metadata.labels.kubernetes\\.io/hostname}",
            "127.0.0.1",
        ),
        (
            "{.items[?(@.metadata.labels.kubernetes\\.io/hostname==\"127.0.0.1\")].kind}",
            "None",
        ),
        ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
    ];
    for (template, want) in cases {
        let t = Template::parse(template).unwrap();
        let got = execute(&t, &data, &Options::default()).unwrap();
        assert_eq!(&got, want, "template {template}");
    }
}

/// Nodes and services as the API serves them.
#[test]
fn nodes_and_services() {
    let nodes = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"kind": "Node", "metadata": {"name": "k8s-master-01", "labels": {"node-role.kubernetes.io/control-plane": ""}},
         "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
         "status": {"addresses": [{"type": "InternalIP", "address": "192.168.56.201"}, {"type": "Hostname", "address": "k8s-master-01"}],
                    "allocatable": {"cpu": "2", "memory": "1928Mi", "pods": "110"},
                    "conditions": [{"type": "Ready", "status": "True"}]}},
        {"kind": "Node", "metadata": {"name": "k8s-worker-01", "labels": {"disktype": "ssd"}},
         "spec": {},
         "status": {"addresses": [{"type": "InternalIP", "address": "192.168.56.202"}, {"type": "Hostname", "address": "k8s-worker-01"}],
                    "allocatable": {"cpu": "2", "memory": "1928Mi", "pods": "110"},
                    "conditions": [{"type": "Ready", "status": "False"}]}}
    ]});
    let services = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"kind": "Service", "metadata": {"name": "tea-svc"},
         "spec": {"type": "NodePort", "clusterIP": "10.96.12.7",
                  "ports": [{"port": 80, "targetPort": 8080, "nodePort": 31254, "protocol": "TCP"}]}},
        {"kind": "Service", "metadata": {"name": "kubernetes"},
         "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1",
                  "ports": [{"name": "https", "port": 443, "targetPort": 6443, "protocol": "TCP"}]}}
    ]});
    let cases: &[(&Value, &str, &str)] = &[
        (
            &nodes,
            "{.items[*].status.addresses[?(@.type==\"InternalIP\")].address}",
            "192.168.56.201 192.168.56.202",
        ),
        (
            &nodes,
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}",
            "k8s-master-01\tTrue\nk8s-worker-01\tFalse\n",
        ),
        (
            &nodes,
            "{.items[?(@.spec.taints)].metadata.name}",
            "k8s-master-01",
        ),
        (
            &nodes,
            "{.items[*].spec.taints[*].effect}",
            "NoSchedule",
        ),
        (&nodes, "{.items[1].status.allocatable}", "{\"cpu\":\"2\",\"memory\":\"1928Mi\",\"pods\":\"110\"}"),
        (&nodes, "{.items[0].metadata.labels}", "{\"node-role.kubernetes.io/control-plane\":\"\"}"),
        (&nodes, "{.items[?(@.metadata.labels.disktype==\"ssd\")].metadata.name}", "k8s-worker-01"),
        (&services, "{.items[*].spec.ports[*].nodePort}", "31254"),
        (&services, "{.items[?(@.spec.type==\"NodePort\")].spec.ports[0].nodePort}", "31254"),
        (&services, "{.items[*].spec.ports[?(@.port>100)].targetPort}", "6443"),
        (&services, "{.items[*].spec.clusterIP}", "10.96.12.7 10.96.0.1"),
        (&services, "{range .items[*]}{.metadata.name}:{.spec.ports[*].port}/{.spec.ports[*].protocol} {end}", "tea-svc:80/TCP kubernetes:443/TCP "),
        (&services, "{.items[-1:].metadata.name}", "kubernetes"),
        (&services, "{.items[1].spec.ports[0]}", "{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":6443}"),
    ];
    for (data, template, want) in cases {
        let t = Template::parse(template).unwrap();
        let got = execute(&t, data, &Options::default()).unwrap();
        assert_eq!(&got, want, "template {template}");
    }
}

#[test]
fn missing_keys() {
    let data = pods();
    let t = Template::parse("{.items[0].nope}").unwrap();
    assert_eq!(
        execute(
            &t,
            &data,
            &Options {
                allow_missing_keys: true
            }
        )
        .unwrap(),
        ""
    );
    assert_eq!(
        execute(
            &t,
            &data,
            &Options {
                allow_missing_keys: false
            }
        )
        .unwrap_err()
        .to_string(),
        "nope is not found"
    );
}

/// Arbitrary JSON: scalars of every kind (strings with characters JSON escapes), and
/// arrays and objects nested a few levels.
pub(crate) fn json_values() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e30f64..1e30).prop_map(Value::from),
        "[a-z<&é\"]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-c]{0,3}", inner, 0..20)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    /// Templates over arbitrary JSON: never a panic, and finding results agrees with
    /// printing them on success.
    #[test]
    fn evaluation_over_any_json_never_panics(
        s in "[{}.\\[\\]*?@=<>!0-9a-c:,'\" -]{0,24}",
        data in json_values(),
    ) {
        if let Ok(t) = Template::parse(&s) {
            let printed = execute(&t, &data, &Options::default());
            let found = find_results(&t, &data, &Options::default());
            proptest::prop_assert_eq!(printed.is_ok(), found.is_ok(), "{}", s);
            let _ = execute(&t, &data, &Options { allow_missing_keys: false });
        }
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,40}") {
        let _ = Template::parse(&s);
    }

    #[test]
    fn evaluation_never_panics(s in "[{}.\\[\\]*?@=<>!0-9a-z:,'\" -]{0,30}") {
        if let Ok(t) = Template::parse(&s) {
            let _ = execute(&t, &pods(), &Options::default());
            let _ = execute(&t, &pods(), &Options { allow_missing_keys: false });
        }
    }
}
