//! Component tests of the playground in headless Chromium (wasm-bindgen-test).

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh app in its own element and lets it render.
async fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    podlab_web::mount(root.clone());
    TimeoutFuture::new(50).await;
    root
}

async fn apply(root: &Element, manifest: &str) {
    let editor: HtmlTextAreaElement = root
        .query_selector("textarea[data-editor]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    editor.set_value(manifest);
    let init = EventInit::new();
    init.set_bubbles(true);
    editor
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    let button: HtmlElement = root
        .query_selector("button[data-action=apply]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    TimeoutFuture::new(50).await;
}

#[wasm_bindgen_test]
async fn shows_the_default_cluster() {
    let root = mount().await;
    for node in ["k8s-master-01", "k8s-worker-01", "k8s-worker-02"] {
        assert!(
            root.query_selector(&format!("[data-node='{node}']"))
                .unwrap()
                .is_some(),
            "{node}"
        );
    }
    let taint = root
        .query_selector("[data-node='k8s-master-01'] [data-taint]")
        .unwrap()
        .unwrap();
    assert_eq!(
        taint.text_content().unwrap(),
        "node-role.kubernetes.io/control-plane:NoSchedule"
    );
    assert!(root
        .query_selector("[data-lane='pending']")
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn applied_pod_lands_on_a_worker_with_an_explanation() {
    let root = mount().await;
    apply(&root, podlab_web::DEFAULT_MANIFEST).await;
    let chip = root
        .query_selector("[data-pod='default/nginx']")
        .unwrap()
        .expect("pod chip");
    let card = chip
        .closest("[data-node]")
        .unwrap()
        .expect("inside a node card");
    assert!(card
        .get_attribute("data-node")
        .unwrap()
        .starts_with("k8s-worker-"));
    let result = root.query_selector("[data-result]").unwrap().unwrap();
    assert_eq!(result.text_content().unwrap(), "pod/nginx created");
    // The inspector explains the decision: the master fails TaintToleration.
    let master_row = root
        .query_selector("[data-filter='k8s-master-01/TaintToleration']")
        .unwrap()
        .expect("decision row");
    assert!(master_row
        .text_content()
        .unwrap()
        .contains("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"));
    root.remove();
}

#[wasm_bindgen_test]
async fn broken_yaml_is_reported_with_line_and_column() {
    let root = mount().await;
    apply(&root, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n").await;
    let d = root
        .query_selector("[data-diagnostic]")
        .unwrap()
        .expect("a diagnostic");
    assert_eq!(d.get_attribute("data-line").as_deref(), Some("5"));
    assert!(d
        .text_content()
        .unwrap()
        .contains("error converting YAML to JSON"));
    assert!(root.query_selector("[data-pod]").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn unknown_fields_are_refused_as_kubectl_strict_validation_does() {
    let root = mount().await;
    apply(
        &root,
        &format!("{}    volumemounts: []\n", podlab_web::DEFAULT_MANIFEST),
    )
    .await;
    let d = root
        .query_selector("[data-diagnostic]")
        .unwrap()
        .expect("a diagnostic");
    assert_eq!(d.get_attribute("data-line").as_deref(), Some("11"));
    assert!(d
        .text_content()
        .unwrap()
        .contains("unknown field \"spec.containers[0].volumemounts\""));
    root.remove();
}
