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

proptest::proptest! {
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
