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
    // Each test starts from no saved workspace (earlier tests' apps save theirs).
    if let Ok(Some(store)) = web_sys::window().unwrap().local_storage() {
        store.clear().unwrap();
    }
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

async fn terminal(root: &Element, line: &str) -> String {
    let input: web_sys::HtmlInputElement = root
        .query_selector("input[data-terminal-input]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(line);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    press(&input, "Enter", false);
    TimeoutFuture::new(50).await;
    last_entry(root).text_content().unwrap()
}

/// The terminal's prompt as shown.
fn prompt(root: &Element) -> String {
    root.query_selector("[data-terminal-prompt]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Runs the simulated clock at 10×.
fn speed_up(root: &Element) {
    let speed: HtmlElement = root
        .query_selector("button[data-speed='10']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    speed.click();
}

/// A keydown on `target`, as typing it would send.
fn press(target: &web_sys::EventTarget, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    target
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
}

/// The terminal's newest entry.
fn last_entry(root: &Element) -> Element {
    let entries = root.query_selector_all("[data-terminal-entry]").unwrap();
    entries
        .item(entries.length() - 1)
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn terminal_runs_kubectl_against_the_same_cluster() {
    let root = mount().await;
    let nodes = terminal(&root, "kubectl get nodes").await;
    assert!(
        nodes.contains("k8s-master-01   Ready    control-plane"),
        "{nodes}"
    );
    // -f pod.yaml reads the editor.
    let created = terminal(&root, "kubectl create -f pod.yaml").await;
    assert!(created.contains("pod/nginx created"), "{created}");
    assert!(root
        .query_selector("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .unwrap()
        .is_some());
    // The terminal is a shell on the control plane: pod.yaml is the editor's file.
    let listed = terminal(&root, "ls -l").await;
    assert!(
        listed.contains(" k8s k8s ") && listed.contains(" pod.yaml"),
        "{listed}"
    );
    let unknown = terminal(&root, "nosuch").await;
    assert!(unknown.contains("nosuch: command not found"), "{unknown}");
    let ssh = terminal(&root, "ssh k8s-worker-01").await;
    assert!(!ssh.contains("Could not resolve"), "{ssh}");
    assert_eq!(prompt(&root), "k8s@k8s-worker-01:~$ ");
    let host = terminal(&root, "hostname").await;
    assert!(host.contains("k8s-worker-01"), "{host}");
    let bye = terminal(&root, "exit").await;
    assert!(bye.contains("Connection to k8s-worker-01 closed."), "{bye}");
    let bad = terminal(&root, "kubectl get pods --nope").await;
    assert!(bad.contains("error: unknown flag: --nope"), "{bad}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_browser_tab_opens_a_node_port_in_a_sandboxed_frame() {
    let root = mount().await;
    terminal(
        &root,
        "kubectl run tea --image=ansilh/demo-tea --env=MY_NODE_NAME=scratch",
    )
    .await;
    let exposed = terminal(
        &root,
        "kubectl expose pod tea --port=80 --target-port=8080 --type=NodePort",
    )
    .await;
    assert!(exposed.contains("service/tea exposed"), "{exposed}");
    let port = terminal(
        &root,
        "kubectl get svc tea -o jsonpath={.spec.ports[0].nodePort}",
    )
    .await;
    let port: String = port
        .rsplit('}')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    // The pull takes about a second of simulated time.
    TimeoutFuture::new(2500).await;
    let url: web_sys::HtmlInputElement = root
        .query_selector("input[data-browser-url]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let browse = |value: String| {
        url.set_value(&value);
        let init = EventInit::new();
        init.set_bubbles(true);
        url.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
        let go: web_sys::HtmlElement = root
            .query_selector("[data-action='browse']")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        go.click();
    };
    browse(format!("http://192.168.56.202:{port}/"));
    TimeoutFuture::new(50).await;
    let frame = root
        .query_selector("iframe[data-browser-frame]")
        .unwrap()
        .expect("a page");
    assert_eq!(frame.get_attribute("sandbox").as_deref(), Some(""));
    assert_eq!(
        frame.get_attribute("srcdoc").as_deref(),
        Some("Node:scratch")
    );
    browse("http://192.168.56.202:30999/".into());
    TimeoutFuture::new(50).await;
    let err = root
        .query_selector("[data-browser-error]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(err.contains("ERR_CONNECTION_REFUSED"), "{err}");
    root.remove();
}

/// The same scenario, run in wasm, reaches byte for byte the snapshot the native build
/// reaches (both are checked against core's committed fingerprint).
#[wasm_bindgen_test]
fn wasm_simulation_matches_native_byte_for_byte() {
    assert_eq!(
        podlab_core::scenarios::determinism_fingerprint(3),
        podlab_core::scenarios::DETERMINISM_FINGERPRINT
    );
}

/// The hostile inputs get the same clear answers in wasm as natively: no panic, no hang.
#[wasm_bindgen_test]
fn hostile_inputs_get_clear_answers_in_wasm() {
    let start = js_sys_now();
    for case in podlab_core::scenarios::hostile_inputs() {
        match (&case.result, case.name) {
            (Ok(_), "JSONPath over 100,000 items" | "while true; do :; done" | "huge quantity") => {
            }
            (Ok(what), name) => panic!("{name}: expected an error, got Ok({what})"),
            (Err(msg), name) => assert!(!msg.0.trim().is_empty(), "{name}: empty error"),
        }
    }
    web_sys::console::log_1(
        &format!("hostile inputs in wasm: {:.0} ms", js_sys_now() - start).into(),
    );
}

fn js_sys_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// How the page address configures the app: embedding, panels, a lesson, a share link.
#[wasm_bindgen_test]
fn page_options_come_from_the_address() {
    use podlab_web::PageOptions;
    let cases: &[(&str, &str, bool, &[&str], Option<&str>, bool)] = &[
        ("", "", false, &[], None, false),
        ("?embed=1", "", true, &[], None, false),
        (
            "?embed=0&lesson=taints",
            "",
            false,
            &[],
            Some("taints"),
            false,
        ),
        (
            "?embed=1&panels=terminal,cluster&lesson=sidecar",
            "",
            true,
            &["terminal", "cluster"],
            Some("sidecar"),
            false,
        ),
        ("", "#share=1.abc", false, &[], None, true),
        ("?embed=1", "#other", true, &[], None, false),
    ];
    for (search, hash, embed, panels, lesson, share) in cases {
        let o = PageOptions::parse(search, hash);
        assert_eq!(o.embed, *embed, "{search}");
        assert_eq!(o.panels, *panels, "{search}");
        assert_eq!(o.lesson.as_deref(), *lesson, "{search}");
        assert_eq!(o.share.is_some(), *share, "{hash}");
        for p in ["editor", "terminal", "cluster", "inspector", "browser"] {
            assert_eq!(
                o.shows(p),
                panels.is_empty() || panels.contains(&p),
                "{search} {p}"
            );
        }
    }
    use podlab_web::Theme;
    for (search, theme) in [
        ("?theme=dark", Some(Theme::Dark)),
        ("?embed=1&theme=light", Some(Theme::Light)),
        ("?theme=blue", None),
    ] {
        assert_eq!(PageOptions::parse(search, "").theme, theme, "{search}");
    }
}

/// `kubectl logs -f` in the terminal: lines keep coming as simulated time runs, the
/// prompt waits, and Ctrl-C stops it.
#[wasm_bindgen_test]
async fn logs_follow_until_ctrl_c() {
    let root = mount().await;
    speed_up(&root);
    let created = terminal(
        &root,
        "kubectl run counter --image=busybox --restart=Never --command -- sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'",
    )
    .await;
    assert!(created.contains("pod/counter created"), "{created}");
    TimeoutFuture::new(500).await;
    let first = terminal(&root, "kubectl logs -f counter").await;
    assert!(following(&root), "{first}");
    TimeoutFuture::new(1_000).await;
    let last = last_entry(&root);
    let later = last.text_content().unwrap();
    assert!(
        later.matches("tick").count() > first.matches("tick").count(),
        "{first:?} then {later:?}"
    );
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}

/// Whether a command holds the terminal (`logs -f`, `get -w`, `wait`).
fn following(root: &Element) -> bool {
    root.query_selector("[data-following='true']")
        .unwrap()
        .is_some()
}

/// Ctrl-C ends the command that holds the terminal; its output ends with `^C`.
async fn ctrl_c_stops_it(root: &Element, entry: &Element) {
    let input = root
        .query_selector("input[data-terminal-input]")
        .unwrap()
        .unwrap();
    press(&input, "c", true);
    TimeoutFuture::new(50).await;
    assert!(!following(root));
    assert!(entry.text_content().unwrap().ends_with("^C\n"));
}

/// `kubectl get pods -w` in the terminal: the table, then a row per change as the pod
/// starts (ContainerCreating, Running), until Ctrl-C.
#[wasm_bindgen_test]
async fn get_watch_until_ctrl_c() {
    let root = mount().await;
    speed_up(&root);
    let created = terminal(&root, "kubectl run web --image=nginx").await;
    assert!(created.contains("pod/web created"), "{created}");
    let first = terminal(&root, "kubectl get pods -w").await;
    assert!(first.contains("ContainerCreating"), "{first}");
    assert!(following(&root), "{first}");
    let last = last_entry(&root);
    let mut later = String::new();
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        later = last.text_content().unwrap();
        if later.contains("Running") {
            break;
        }
    }
    assert!(later.contains("web    1/1     Running"), "{later}");
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}

/// `kubectl exec -it POD -- sh` hands the terminal to a shell in the container: its
/// own prompt, its working directory kept between lines, back to the node on `exit`.
#[wasm_bindgen_test]
async fn exec_it_opens_a_shell_in_a_container() {
    let root = mount().await;
    speed_up(&root);
    let created = terminal(&root, "kubectl run bb --image=busybox -- sleep 3600").await;
    assert!(created.contains("pod/bb created"), "{created}");
    let mut phase = String::new();
    for _ in 0..40 {
        phase = terminal(&root, "kubectl get pod bb -o jsonpath={.status.phase}").await;
        if phase.ends_with("Running") {
            break;
        }
        TimeoutFuture::new(100).await;
    }
    assert!(phase.ends_with("Running"), "{phase}");
    terminal(&root, "kubectl exec -it bb -- sh").await;
    assert_eq!(prompt(&root), "/ # ");
    terminal(&root, "cd /tmp").await;
    assert_eq!(prompt(&root), "/tmp # ");
    let host = terminal(&root, "hostname").await;
    assert!(
        host.contains("/tmp # hostname") && host.ends_with("bb\n"),
        "{host:?}"
    );
    let bye = terminal(&root, "exit 2").await;
    assert!(bye.contains("command terminated with exit code 2"), "{bye}");
    assert_eq!(prompt(&root), "k8s@k8s-master-01:~$ ");
    root.remove();
}

/// The app leaves User Timing entries for what people wait on: its first render, each
/// tick and each Apply (what `cargo xtask bench`'s ui-timings reads).
#[wasm_bindgen_test]
async fn ticks_and_applies_are_measured() {
    let perf = web_sys::window().unwrap().performance().unwrap();
    perf.clear_measures();
    perf.clear_marks_with_mark_name("podlab:first-render");
    let root = mount().await;
    assert!(
        perf.get_entries_by_name("podlab:first-render").length() >= 1,
        "the first render is marked"
    );
    apply(&root, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: timed\nspec:\n  containers:\n  - name: web\n    image: nginx\n").await;
    assert_eq!(perf.get_entries_by_name("podlab:apply").length(), 1);
    // A tick comes every 200 ms.
    TimeoutFuture::new(500).await;
    let ticks = perf.get_entries_by_name("podlab:tick");
    assert!(ticks.length() >= 1, "ticks are measured");
    let first: web_sys::PerformanceEntry = ticks.get(0).dyn_into().unwrap();
    assert!(first.duration() >= 0.0);
}

/// "Evaluate every node" switches the scheduler out of kube-scheduler's sampling, and
/// the button says so.
#[wasm_bindgen_test]
async fn the_decision_table_can_ask_for_every_node() {
    let root = mount().await;
    apply(&root, podlab_web::DEFAULT_MANIFEST).await;
    let button: HtmlElement = root
        .query_selector("button[data-action='evaluate-every-node']")
        .unwrap()
        .expect("the sampling button beside the decision")
        .dyn_into()
        .unwrap();
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    button.click();
    TimeoutFuture::new(50).await;
    let button = root
        .query_selector("button[data-action='evaluate-every-node']")
        .unwrap()
        .unwrap();
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(
        button.text_content().as_deref(),
        Some("Evaluating every node")
    );
    root.remove();
}

/// Types `text` into the input or textarea matched by `selector` (an `input` event).
fn type_into(root: &Element, selector: &str, text: &str) {
    let el = root.query_selector(selector).unwrap().unwrap();
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(text);
    } else {
        el.dyn_ref::<HtmlTextAreaElement>().unwrap().set_value(text);
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

async fn click(root: &Element, selector: &str) {
    let b: HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap();
    b.click();
    TimeoutFuture::new(50).await;
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_editor_holds_named_files_that_the_terminal_sees() {
    let root = mount().await;
    type_into(&root, "input[data-new-file]", "tea.yaml");
    click(&root, "button[data-action='new-file']").await;
    assert!(root
        .query_selector("[data-file='tea.yaml'][aria-selected='true']")
        .unwrap()
        .is_some());
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: tea\n    image: ansilh/demo-tea\n",
    )
    .await;
    assert!(text_of(&root, "[data-result]").contains("pod/tea created"));
    // Both files are in the terminal's home directory.
    let listed = terminal(&root, "ls").await;
    assert!(
        listed.contains("pod.yaml") && listed.contains("tea.yaml"),
        "{listed}"
    );
    let created = terminal(&root, "kubectl create -f pod.yaml").await;
    assert!(created.contains("pod/nginx created"), "{created}");
    // A bad or taken name is refused with the reason; the files stay.
    type_into(&root, "input[data-new-file]", "tea.yaml");
    click(&root, "button[data-action='new-file']").await;
    assert!(text_of(&root, "[data-result]").contains("there is already a file named \"tea.yaml\""));
    type_into(&root, "input[data-new-file]", "../x");
    click(&root, "button[data-action='new-file']").await;
    assert!(text_of(&root, "[data-result]").contains("'/' is not allowed"));
    // Diagnostics name the open file.
    click(&root, "[data-file='pod.yaml']").await;
    apply(&root, "kind: Pod\nmetadata: [\n").await;
    let d = text_of(&root, "[data-diagnostic]");
    assert!(d.starts_with("pod.yaml:"), "{d}");
    click(&root, "[data-close-file='tea.yaml']").await;
    assert!(root
        .query_selector("[data-file='tea.yaml']")
        .unwrap()
        .is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_node_inspector_labels_taints_and_shows_verdicts() {
    let root = mount().await;
    click(
        &root,
        "[data-node='k8s-worker-02'] button[data-action='inspect-node']",
    )
    .await;
    assert_eq!(
        root.query_selector("[data-inspect]")
            .unwrap()
            .unwrap()
            .get_attribute("data-inspect")
            .as_deref(),
        Some("node/k8s-worker-02")
    );
    assert!(root
        .query_selector("[data-table='labels'] [data-row='kubernetes.io/hostname']")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("[data-table='conditions'] [data-row='Ready']")
        .unwrap()
        .is_some());
    assert!(text_of(&root, "[data-table='capacity']").contains("pods"));
    type_into(&root, "input[data-node-taint]", "key=value:NoSchedule");
    click(&root, "button[data-action='taint']").await;
    assert_eq!(
        text_of(&root, "[data-action-result]"),
        "node/k8s-worker-02 tainted"
    );
    assert!(root
        .query_selector("[data-node='k8s-worker-02'] [data-taint='key']")
        .unwrap()
        .is_some());
    type_into(&root, "input[data-node-taint]", "key=value:Sometimes");
    click(&root, "button[data-action='taint']").await;
    let err = text_of(&root, "[data-action-result]");
    assert!(err.contains("invalid taint effect"), "{err}");
    type_into(&root, "input[data-node-label]", "disktype=ssd");
    click(&root, "button[data-action='label']").await;
    assert_eq!(
        text_of(&root, "[data-action-result]"),
        "node/k8s-worker-02 labeled"
    );
    // The card shows the node's own labels (not the well-known ones).
    assert!(root
        .query_selector("[data-node='k8s-worker-02'] [data-card-label='disktype=ssd']")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("[data-node='k8s-worker-02'] [data-card-label^='kubernetes.io']")
        .unwrap()
        .is_none());
    // A pod that needs an ssd lands on the tainted node only with a toleration: the
    // cards say why the others were rejected.
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: nginx\n",
    )
    .await;
    let w1 = text_of(&root, "[data-node='k8s-worker-01'] [data-verdict]");
    assert!(
        w1.contains("NodeAffinity: node(s) didn't match Pod's node affinity/selector"),
        "{w1}"
    );
    let w2 = text_of(&root, "[data-node='k8s-worker-02'] [data-verdict]");
    assert!(
        w2.contains("TaintToleration: node(s) had untolerated taint {key: value}"),
        "{w2}"
    );
    // Removing the taint lets it in.
    click(
        &root,
        "[data-node='k8s-worker-02'] button[data-action='inspect-node']",
    )
    .await;
    click(&root, "[data-inspect] [data-taint='key'] button").await;
    assert_eq!(
        text_of(&root, "[data-action-result]"),
        "node/k8s-worker-02 untainted"
    );
    speed_up(&root);
    for _ in 0..100 {
        if root
            .query_selector("[data-node='k8s-worker-02'] [data-pod='default/ssd']")
            .unwrap()
            .is_some()
        {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    assert!(root
        .query_selector("[data-node='k8s-worker-02'] [data-pod='default/ssd']")
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_pod_inspector_shows_containers_env_and_volumes() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  volumes:\n  - name: data\n    emptyDir: {}\n  containers:\n  - name: tea\n    image: ansilh/demo-tea\n    ports:\n    - containerPort: 8080\n    env:\n    - name: MY_NODE_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: spec.nodeName\n    volumeMounts:\n    - name: data\n      mountPath: /data\n",
    )
    .await;
    click(&root, "button[data-action='play']").await; // pause
    for _ in 0..10 {
        click(&root, "button[data-action='next-event']").await;
    }
    let state = text_of(
        &root,
        "[data-table='containers'] [data-row='tea'] td:nth-child(3)",
    );
    assert!(state.starts_with("Running since"), "{state}");
    let node = root
        .query_selector("[data-pod='default/tea']")
        .unwrap()
        .unwrap()
        .closest("[data-node]")
        .unwrap()
        .unwrap()
        .get_attribute("data-node")
        .unwrap();
    let env = text_of(&root, "[data-env-container='tea']");
    assert!(env.contains(&format!("MY_NODE_NAME={node}")), "{env}");
    assert!(text_of(&root, "[data-table='volumes'] [data-row='data']").contains("tea: /data"));
    assert!(root
        .query_selector("[data-table='conditions'] [data-row='Ready']")
        .unwrap()
        .is_some());
    click(&root, "button[data-action='served']").await;
    let status = root
        .query_selector("[data-served] [data-browser-status]")
        .unwrap()
        .unwrap()
        .get_attribute("data-browser-status");
    assert_eq!(status.as_deref(), Some("200"));
    root.remove();
}

#[wasm_bindgen_test]
async fn step_and_next_event_move_the_clock() {
    let root = mount().await;
    click(&root, "button[data-action='play']").await; // pause
    let clock = || {
        root.query_selector("[data-clock]")
            .unwrap()
            .unwrap()
            .get_attribute("data-clock")
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let t0 = clock();
    click(&root, "button[data-action='step']").await;
    assert_eq!(clock(), t0 + 1000);
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: s\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: ['sleep', '3600']\n",
    )
    .await;
    let t1 = clock();
    click(&root, "button[data-action='next-event']").await;
    assert!(clock() > t1, "the image pull is due later");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_git_panel_commits_and_the_timeline_lists_events() {
    let root = mount().await;
    // The init-container lesson seeds the repository it clones.
    click(&root, "button[data-lesson]").await;
    click(&root, "button[data-tool='git']").await;
    click(&root, "button[data-git-repo]").await;
    click(&root, "button[data-git-file]").await;
    let path = root
        .query_selector("input[data-git-path]")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .value();
    assert!(!path.is_empty());
    type_into(&root, "textarea[data-git-text]", "<h1>Changed</h1>\n");
    click(&root, "button[data-action='commit']").await;
    let refused = text_of(&root, "[data-git-result]");
    assert_eq!(refused, "Aborting commit due to empty commit message.");
    type_into(&root, "input[data-git-message]", "Change the page");
    click(&root, "button[data-action='commit']").await;
    let out = text_of(&root, "[data-git-result]");
    assert!(
        out.starts_with("[master ") && out.contains("] Change the page"),
        "{out}"
    );
    assert!(out.contains("1 file changed, 1 insertion(+)"), "{out}");
    assert!(text_of(&root, "[data-git-log]").contains("Change the page"));
    // The timeline lists what happened, newest first.
    apply(&root, DEFAULT_POD).await;
    click(&root, "button[data-tool='timeline']").await;
    assert!(root
        .query_selector("[data-timeline] [data-event='Scheduled']")
        .unwrap()
        .is_some());
    root.remove();
}

const DEFAULT_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

#[wasm_bindgen_test]
async fn export_for_kind_and_import_a_real_cluster() {
    let root = mount().await;
    apply(&root, DEFAULT_POD).await;
    click(&root, "button[data-tool='export']").await;
    click(&root, "button[data-action='export']").await;
    let kind = text_of(&root, "[data-exported='kind']");
    assert!(
        kind.contains("kind: Cluster") && kind.contains("role: worker"),
        "{kind}"
    );
    assert!(text_of(&root, "[data-exported='manifests']").contains("name: nginx"));
    let href = root
        .query_selector("[data-download='kind.yaml']")
        .unwrap()
        .unwrap()
        .get_attribute("href")
        .unwrap();
    assert!(
        href.starts_with("data:text/yaml;charset=utf-8,kind%3A%20Cluster")
            || href.contains("kind%3A%20Cluster"),
        "{href}"
    );
    // Something unreadable changes nothing.
    type_into(&root, "textarea[data-import]", "kind: [\n");
    click(&root, "button[data-action='import']").await;
    assert!(text_of(&root, "[data-import-error]").contains("import.yaml:"));
    assert!(root
        .query_selector("[data-node='k8s-worker-01']")
        .unwrap()
        .is_some());
    // One big node from a real cluster.
    type_into(
        &root,
        "textarea[data-import]",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: prod-1\n    labels:\n      kubernetes.io/hostname: prod-1\n  status:\n    allocatable:\n      cpu: \"8\"\n      memory: 32Gi\n      pods: \"110\"\n    conditions:\n    - type: Ready\n      status: \"True\"\n",
    );
    click(&root, "button[data-action='import']").await;
    assert!(root
        .query_selector("[data-node='k8s-worker-01']")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector("[data-node='prod-1']")
        .unwrap()
        .is_some());
    assert!(text_of(&root, "[data-notice]").contains("Loaded 1 node(s)"));
    apply(&root, DEFAULT_POD).await;
    assert!(root
        .query_selector("[data-node='prod-1'] [data-pod='default/nginx']")
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_editor_highlights_marks_errors_and_deletes_what_it_created() {
    let root = mount().await;
    let key = text_of(&root, ".highlight .t-key");
    assert_eq!(key, "apiVersion");
    assert!(root
        .query_selector(".highlight .t-punct")
        .unwrap()
        .is_some());
    apply(&root, DEFAULT_POD).await;
    assert!(root
        .query_selector("[data-pod='default/nginx']")
        .unwrap()
        .is_some());
    click(&root, "button[data-action='delete-file']").await;
    let result = text_of(&root, "[data-result]");
    assert_eq!(result, "pod \"nginx\" deleted from default namespace");
    // A broken line is marked in the gutter, with the message as its title.
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [\n",
    )
    .await;
    let line = text_of(&root, "[data-diagnostic]");
    let n = root
        .query_selector("[data-diagnostic]")
        .unwrap()
        .unwrap()
        .get_attribute("data-line")
        .unwrap();
    let mark = root
        .query_selector(&format!(".gutter [data-mark='{n}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no mark on line {n}: {line}"));
    assert!(mark.class_name().contains("error"));
    assert!(!mark.get_attribute("title").unwrap().is_empty());
    // The mark holds its number only: the line's newline follows it, so the numbers
    // after it stay on their own rows.
    assert_eq!(mark.text_content().unwrap(), n);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bound_pod_flies_in_from_the_pending_lane() {
    let root = mount().await;
    apply(&root, DEFAULT_POD).await;
    let chip = root
        .query_selector("[data-node] [data-pod='default/nginx']")
        .unwrap()
        .unwrap();
    let get = js_sys::Reflect::get(&chip, &"getAnimations".into()).unwrap();
    let animations = get
        .dyn_ref::<js_sys::Function>()
        .unwrap()
        .call0(&chip)
        .unwrap();
    let list = js_sys::Array::from(&animations);
    let n = list.length();
    let kinds: Vec<String> = list
        .iter()
        .map(|a| {
            js_sys::Reflect::get(
                &js_sys::Reflect::get(&a, &"constructor".into()).unwrap(),
                &"name".into(),
            )
            .unwrap()
            .as_string()
            .unwrap_or_default()
        })
        .collect();
    // The flight from the lane (a script animation; the style sheet's landing, a
    // CSSAnimation, is not loaded in these tests).
    assert!(
        kinds.iter().any(|k| k == "Animation"),
        "{n} animations: {kinds:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_deleted_pod_is_drawn_leaving_its_node() {
    let root = mount().await;
    apply(&root, DEFAULT_POD).await;
    let card = root
        .query_selector("[data-node] [data-pod='default/nginx']")
        .unwrap()
        .unwrap()
        .closest("[data-node]")
        .unwrap()
        .unwrap()
        .get_attribute("data-node")
        .unwrap();
    let deleted = terminal(&root, "kubectl delete pod nginx --grace-period=0 --force").await;
    assert!(deleted.contains("deleted"), "{deleted}");
    assert!(root
        .query_selector("[data-pod='default/nginx']")
        .unwrap()
        .is_none());
    assert!(
        root.query_selector(&format!(
            "[data-node='{card}'] [data-leaving='default/nginx']"
        ))
        .unwrap()
        .is_some(),
        "drawn leaving {card}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_terminal_finds_the_editor_text_again_after_the_shell_changed_it() {
    let root = mount().await;
    let first = terminal(&root, "cat pod.yaml").await;
    assert!(first.contains("name: nginx"), "{first}");
    terminal(&root, "echo changed > pod.yaml").await;
    // What the shell writes is not read back: the next command sees the editor's text.
    let again = terminal(&root, "cat pod.yaml").await;
    assert!(
        again.contains("name: nginx") && !again.contains("changed"),
        "{again}"
    );
    root.remove();
}

/// The sidecar lesson's flow: follow the git-pull container's log in the terminal,
/// then commit in the Git panel: the follower shows the pull of that commit.
#[wasm_bindgen_test]
async fn a_log_follower_shows_a_commit_made_in_the_git_panel() {
    let root = mount().await;
    click(&root, "button[data-lesson='sidecar']").await;
    speed_up(&root);
    click(&root, "[data-step='0'] button[data-action='run-step']").await;
    let mut phase = String::new();
    for _ in 0..60 {
        phase = terminal(
            &root,
            "kubectl get pod demo-web -o jsonpath={.status.phase}",
        )
        .await;
        if phase.ends_with("Running") {
            break;
        }
        TimeoutFuture::new(100).await;
    }
    assert!(phase.ends_with("Running"), "{phase}");
    let first = terminal(&root, "kubectl logs demo-web git-pull -f").await;
    assert!(following(&root), "{first}");
    let last = last_entry(&root);
    click(&root, "button[data-tool='git']").await;
    click(&root, "button[data-git-repo]").await;
    click(&root, "button[data-git-file='index.html']").await;
    type_into(
        &root,
        "textarea[data-git-text]",
        "<h1>Pushed while following</h1>\n",
    );
    type_into(&root, "input[data-git-message]", "Push while following");
    click(&root, "button[data-action='commit']").await;
    let mut shown = String::new();
    for _ in 0..80 {
        TimeoutFuture::new(100).await;
        shown = last.text_content().unwrap();
        if shown.contains("Fast-forward") {
            break;
        }
    }
    assert!(shown.contains("Fast-forward"), "{shown}");
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}
