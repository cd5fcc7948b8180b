//! Component tests of the playground in headless Chromium (wasm-bindgen-test).

mod common;
#[path = "app/layout.rs"]
mod layout;
#[path = "app/panels.rs"]
mod panels;
#[path = "app/scheduler.rs"]
mod scheduler;
#[path = "app/terminal.rs"]
mod terminal_tests;
#[path = "app/workloads.rs"]
mod workloads;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn shows_the_default_cluster() {
    let root = mount().await;
    for node in ["k8s-master-01", "k8s-worker-01", "k8s-worker-02"] {
        find(&root, &format!("[data-node='{node}']")).await;
    }
    text_is(
        &root,
        "[data-node='k8s-master-01'] [data-taint]",
        "node-role.kubernetes.io/control-plane:NoSchedule",
    )
    .await;
    find(&root, "[data-lane='pending']").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn applied_pod_lands_on_a_worker_with_an_explanation() {
    let root = mount().await;
    apply(&root, podlab_web::DEFAULT_MANIFEST).await;
    let chip = find(&root, "[data-pod='default/nginx']").await;
    let card = chip
        .closest("[data-node]")
        .unwrap()
        .expect("inside a node card");
    assert!(card
        .get_attribute("data-node")
        .unwrap()
        .starts_with("k8s-worker-"));
    text_is(&root, "[data-result]", "pod/nginx created").await;
    // The inspector explains the decision: the master fails TaintToleration.
    let master_row = find(&root, "[data-filter='k8s-master-01/TaintToleration']").await;
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
    let d = find(&root, "[data-diagnostic]").await;
    assert_eq!(d.get_attribute("data-line").as_deref(), Some("5"));
    assert!(d
        .text_content()
        .unwrap()
        .contains("error converting YAML to JSON"));
    gone(&root, "[data-pod]").await;
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
    let d = find(&root, "[data-diagnostic]").await;
    assert_eq!(d.get_attribute("data-line").as_deref(), Some("11"));
    assert!(d
        .text_content()
        .unwrap()
        .contains("unknown field \"spec.containers[0].volumemounts\""));
    root.remove();
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
    find(
        &root,
        "[data-node^='k8s-worker-'] [data-pod='default/nginx']",
    )
    .await;
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
    prompt_is(&root, "k8s@k8s-worker-01:~$ ").await;
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
    until_phase(
        &root,
        "kubectl get pod tea -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    browse(&root, &format!("http://192.168.56.202:{port}/")).await;
    let srcdoc = attribute_when(&root, "iframe[data-browser-frame]", "srcdoc", |d| {
        !d.is_empty()
    })
    .await;
    assert_eq!(srcdoc, "Node:scratch");
    attribute_is(&root, "iframe[data-browser-frame]", "sandbox", "").await;
    browse(&root, "http://192.168.56.202:30999/").await;
    text_has(&root, "[data-browser-error]", "ERR_CONNECTION_REFUSED").await;
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

/// A page address case: (search, hash, embed, panels, lesson, share link).
type AddressCase<'a> = (&'a str, &'a str, bool, &'a [&'a str], Option<&'a str>, bool);

/// How the page address configures the app: embedding, panels, a lesson, a share link.
#[wasm_bindgen_test]
fn page_options_come_from_the_address() {
    use podlab_web::PageOptions;
    let cases: &[AddressCase] = &[
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
    speed_up(&root).await;
    let created = terminal(
        &root,
        "kubectl run counter --image=busybox --restart=Never --command -- sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'",
    )
    .await;
    assert!(created.contains("pod/counter created"), "{created}");
    until_phase(
        &root,
        "kubectl get pod counter -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    let first = terminal(&root, "kubectl logs -f counter").await;
    until_following(&root).await;
    let last = last_entry(&root);
    let ticks = first.matches("tick").count();
    entry_shows(&last, "more ticks as simulated time runs", |t| {
        t.matches("tick").count() > ticks
    })
    .await;
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}

/// `kubectl get pods -w` in the terminal: the table, then a row per change as the pod
/// starts (ContainerCreating, Running), until Ctrl-C.
#[wasm_bindgen_test]
async fn get_watch_until_ctrl_c() {
    let root = mount().await;
    speed_up(&root).await;
    let created = terminal(&root, "kubectl run web --image=nginx").await;
    assert!(created.contains("pod/web created"), "{created}");
    let first = terminal(&root, "kubectl get pods -w").await;
    assert!(first.contains("ContainerCreating"), "{first}");
    until_following(&root).await;
    let last = last_entry(&root);
    entry_shows(&last, "the watch to show web Running", |t| {
        t.contains("web    1/1     Running")
    })
    .await;
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}

/// `kubectl exec -it POD -- sh` hands the terminal to a shell in the container: its
/// own prompt, its working directory kept between lines, back to the node on `exit`.
#[wasm_bindgen_test]
async fn exec_it_opens_a_shell_in_a_container() {
    let root = mount().await;
    speed_up(&root).await;
    let created = terminal(&root, "kubectl run bb --image=busybox -- sleep 3600").await;
    assert!(created.contains("pod/bb created"), "{created}");
    until_phase(
        &root,
        "kubectl get pod bb -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    terminal(&root, "kubectl exec -it bb -- sh").await;
    prompt_is(&root, "/ # ").await;
    terminal(&root, "cd /tmp").await;
    prompt_is(&root, "/tmp # ").await;
    let host = terminal(&root, "hostname").await;
    assert!(
        host.contains("/tmp # hostname") && host.ends_with("bb\n"),
        "{host:?}"
    );
    let bye = terminal(&root, "exit 2").await;
    assert!(bye.contains("command terminated with exit code 2"), "{bye}");
    prompt_is(&root, "k8s@k8s-master-01:~$ ").await;
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
    // The mark is set once the first render is on the page (the app's `rendered`).
    wait_for("the first render's mark", || {
        (perf.get_entries_by_name("podlab:first-render").length() >= 1).then_some(())
    })
    .await;
    apply(&root, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: timed\nspec:\n  containers:\n  - name: web\n    image: nginx\n").await;
    assert_eq!(perf.get_entries_by_name("podlab:apply").length(), 1);
    // A tick comes every 200 ms.
    let ticks = wait_for("a podlab:tick measure", || {
        let ticks = perf.get_entries_by_name("podlab:tick");
        (ticks.length() >= 1).then_some(ticks)
    })
    .await;
    let first: web_sys::PerformanceEntry = ticks.get(0).dyn_into().unwrap();
    assert!(first.duration() >= 0.0);
}

/// "Evaluate every node" switches the scheduler out of kube-scheduler's sampling, and
/// the button says so.
#[wasm_bindgen_test]
async fn the_decision_table_can_ask_for_every_node() {
    let root = mount().await;
    apply(&root, podlab_web::DEFAULT_MANIFEST).await;
    let button = "button[data-action='evaluate-every-node']";
    attribute_is(&root, button, "aria-pressed", "false").await;
    click(&root, button).await;
    attribute_is(&root, button, "aria-pressed", "true").await;
    text_is(&root, button, "Evaluating every node").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_editor_holds_named_files_that_the_terminal_sees() {
    let root = mount().await;
    type_into(&root, "input[data-new-file]", "tea.yaml").await;
    click(&root, "button[data-action='new-file']").await;
    find(&root, "[data-file='tea.yaml'][aria-selected='true']").await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: tea\n    image: ansilh/demo-tea\n",
    )
    .await;
    text_has(&root, "[data-result]", "pod/tea created").await;
    // Both files are in the terminal's home directory.
    let listed = terminal(&root, "ls").await;
    assert!(
        listed.contains("pod.yaml") && listed.contains("tea.yaml"),
        "{listed}"
    );
    let created = terminal(&root, "kubectl create -f pod.yaml").await;
    assert!(created.contains("pod/nginx created"), "{created}");
    // The home directory as kubectl reads a directory: its manifests in name order.
    let deleted = terminal(&root, "kubectl delete -f . --wait=false").await;
    assert!(
        deleted.contains("pod \"nginx\" deleted from default namespace\npod \"tea\" deleted from default namespace"),
        "{deleted}"
    );
    // A bad or taken name is refused with the reason; the files stay.
    type_into(&root, "input[data-new-file]", "tea.yaml").await;
    click(&root, "button[data-action='new-file']").await;
    text_has(
        &root,
        "[data-result]",
        "there is already a file named \"tea.yaml\"",
    )
    .await;
    type_into(&root, "input[data-new-file]", "../x").await;
    click(&root, "button[data-action='new-file']").await;
    text_has(&root, "[data-result]", "'/' is not allowed").await;
    // Diagnostics name the open file.
    click(&root, "[data-file='pod.yaml']").await;
    apply(&root, "kind: Pod\nmetadata: [\n").await;
    wait_text(&root, "[data-diagnostic]", |d| d.starts_with("pod.yaml:")).await;
    click(&root, "[data-close-file='tea.yaml']").await;
    gone(&root, "[data-file='tea.yaml']").await;
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
    attribute_is(
        &root,
        "[data-inspect]",
        "data-inspect",
        "node/k8s-worker-02",
    )
    .await;
    find(
        &root,
        "[data-table='labels'] [data-row='kubernetes.io/hostname']",
    )
    .await;
    find(&root, "[data-table='conditions'] [data-row='Ready']").await;
    text_has(&root, "[data-table='capacity']", "pods").await;
    type_into(&root, "input[data-node-taint]", "key=value:NoSchedule").await;
    click(&root, "button[data-action='taint']").await;
    text_is(&root, "[data-action-result]", "node/k8s-worker-02 tainted").await;
    find(&root, "[data-node='k8s-worker-02'] [data-taint='key']").await;
    type_into(&root, "input[data-node-taint]", "key=value:Sometimes").await;
    click(&root, "button[data-action='taint']").await;
    text_has(&root, "[data-action-result]", "invalid taint effect").await;
    type_into(&root, "input[data-node-label]", "disktype=ssd").await;
    click(&root, "button[data-action='label']").await;
    text_is(&root, "[data-action-result]", "node/k8s-worker-02 labeled").await;
    // The card shows the node's own labels (not the well-known ones).
    find(
        &root,
        "[data-node='k8s-worker-02'] [data-card-label='disktype=ssd']",
    )
    .await;
    gone(
        &root,
        "[data-node='k8s-worker-02'] [data-card-label^='kubernetes.io']",
    )
    .await;
    // A pod that needs an ssd lands on the tainted node only with a toleration: the
    // cards say why the others were rejected.
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: nginx\n",
    )
    .await;
    text_has(
        &root,
        "[data-node='k8s-worker-01'] [data-verdict]",
        "NodeAffinity: node(s) didn't match Pod's node affinity/selector",
    )
    .await;
    text_has(
        &root,
        "[data-node='k8s-worker-02'] [data-verdict]",
        "TaintToleration: node(s) had untolerated taint {key: value}",
    )
    .await;
    // Removing the taint lets it in.
    click(
        &root,
        "[data-node='k8s-worker-02'] button[data-action='inspect-node']",
    )
    .await;
    click(&root, "[data-inspect] [data-taint='key'] button").await;
    text_is(
        &root,
        "[data-action-result]",
        "node/k8s-worker-02 untainted",
    )
    .await;
    speed_up(&root).await;
    // The scheduler's back-off passes in simulated time.
    let patience = Patience::new("the ssd pod on k8s-worker-02", SIMULATION_MS);
    let on_worker_02 = "[data-node='k8s-worker-02'] [data-pod='default/ssd']";
    while root.query_selector(on_worker_02).unwrap().is_none() {
        patience.next("").await;
    }
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
    pause(&root).await;
    for _ in 0..10 {
        click(&root, "button[data-action='next-event']").await;
    }
    wait_text(
        &root,
        "[data-table='containers'] [data-row='tea'] td:nth-child(3)",
        |state| state.starts_with("Running since"),
    )
    .await;
    let node = find(&root, "[data-node] [data-pod='default/tea']")
        .await
        .closest("[data-node]")
        .unwrap()
        .unwrap()
        .get_attribute("data-node")
        .unwrap();
    text_has(
        &root,
        "[data-env-container='tea']",
        &format!("MY_NODE_NAME={node}"),
    )
    .await;
    text_has(
        &root,
        "[data-table='volumes'] [data-row='data']",
        "tea: /data",
    )
    .await;
    find(&root, "[data-table='conditions'] [data-row='Ready']").await;
    click(&root, "button[data-action='served']").await;
    attribute_is(
        &root,
        "[data-served] [data-browser-status]",
        "data-browser-status",
        "200",
    )
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn step_and_next_event_move_the_clock() {
    let root = mount().await;
    pause(&root).await;
    let t0 = clock(&root);
    click(&root, "button[data-action='step']").await;
    clock_when(&root, "the clock one second on", |t| t != t0).await;
    assert_eq!(clock(&root), t0 + 1000);
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: s\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: ['sleep', '3600']\n",
    )
    .await;
    let t1 = clock(&root);
    click(&root, "button[data-action='next-event']").await;
    clock_when(&root, "the clock at the image pull, later", |t| t > t1).await;
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
    wait_for("the path of the file opened", || {
        let path = root
            .query_selector("input[data-git-path]")
            .unwrap()?
            .dyn_into::<web_sys::HtmlInputElement>()
            .ok()?
            .value();
        (!path.is_empty()).then_some(())
    })
    .await;
    type_into(&root, "textarea[data-git-text]", "<h1>Changed</h1>\n").await;
    click(&root, "button[data-action='commit']").await;
    text_is(
        &root,
        "[data-git-result]",
        "Aborting commit due to empty commit message.",
    )
    .await;
    type_into(&root, "input[data-git-message]", "Change the page").await;
    click(&root, "button[data-action='commit']").await;
    let out = wait_text(&root, "[data-git-result]", |t| t.starts_with("[master ")).await;
    assert!(out.contains("] Change the page"), "{out}");
    assert!(out.contains("1 file changed, 1 insertion(+)"), "{out}");
    text_has(&root, "[data-git-log]", "Change the page").await;
    // The timeline lists what happened, newest first.
    apply(&root, DEFAULT_POD).await;
    click(&root, "button[data-tool='timeline']").await;
    find(&root, "[data-timeline] [data-event='Scheduled']").await;
    root.remove();
}

const DEFAULT_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

#[wasm_bindgen_test]
async fn export_for_kind_and_import_a_real_cluster() {
    let root = mount().await;
    apply(&root, DEFAULT_POD).await;
    click(&root, "button[data-tool='export']").await;
    click(&root, "button[data-action='export']").await;
    let kind = text_has(&root, "[data-exported='kind']", "kind: Cluster").await;
    assert!(kind.contains("role: worker"), "{kind}");
    text_has(&root, "[data-exported='manifests']", "name: nginx").await;
    let href = attribute_when(&root, "[data-download='kind.yaml']", "href", |h| {
        !h.is_empty()
    })
    .await;
    assert!(
        href.starts_with("data:text/yaml;charset=utf-8,kind%3A%20Cluster")
            || href.contains("kind%3A%20Cluster"),
        "{href}"
    );
    // Something unreadable changes nothing.
    type_into(&root, "textarea[data-import]", "kind: [\n").await;
    click(&root, "button[data-action='import']").await;
    text_has(&root, "[data-import-error]", "import.yaml:").await;
    find(&root, "[data-node='k8s-worker-01']").await;
    // One big node from a real cluster.
    type_into(
        &root,
        "textarea[data-import]",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: prod-1\n    labels:\n      kubernetes.io/hostname: prod-1\n  status:\n    allocatable:\n      cpu: \"8\"\n      memory: 32Gi\n      pods: \"110\"\n    conditions:\n    - type: Ready\n      status: \"True\"\n",
    ).await;
    click(&root, "button[data-action='import']").await;
    gone(&root, "[data-node='k8s-worker-01']").await;
    find(&root, "[data-node='prod-1']").await;
    text_has(&root, "[data-notice]", "Loaded 1 node(s)").await;
    apply(&root, DEFAULT_POD).await;
    find(&root, "[data-node='prod-1'] [data-pod='default/nginx']").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_editor_highlights_marks_errors_and_deletes_what_it_created() {
    let root = mount().await;
    text_is(&root, ".highlight .t-key", "apiVersion").await;
    find(&root, ".highlight .t-punct").await;
    apply(&root, DEFAULT_POD).await;
    find(&root, "[data-pod='default/nginx']").await;
    click(&root, "button[data-action='delete-file']").await;
    text_is(
        &root,
        "[data-result]",
        "pod \"nginx\" deleted from default namespace",
    )
    .await;
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
    let chip = find(&root, "[data-node] [data-pod='default/nginx']").await;
    let kinds = || -> Vec<String> {
        let get = js_sys::Reflect::get(&chip, &"getAnimations".into()).unwrap();
        let animations = get
            .dyn_ref::<js_sys::Function>()
            .unwrap()
            .call0(&chip)
            .unwrap();
        js_sys::Array::from(&animations)
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
            .collect()
    };
    // The flight from the lane (a script animation; the style sheet's landing, a
    // CSSAnimation, is not loaded in these tests). It starts as the Apply is drawn
    // and lasts 900 ms, the first 400 in the lane.
    wait_for(
        "the chip's flight from the pending lane (an Animation)",
        || kinds().iter().any(|k| k == "Animation").then_some(()),
    )
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn a_deleted_pod_is_drawn_leaving_its_node() {
    let root = mount().await;
    apply(&root, DEFAULT_POD).await;
    let card = find(&root, "[data-node] [data-pod='default/nginx']")
        .await
        .closest("[data-node]")
        .unwrap()
        .unwrap()
        .get_attribute("data-node")
        .unwrap();
    let deleted = terminal(&root, "kubectl delete pod nginx --grace-period=0 --force").await;
    assert!(deleted.contains("deleted"), "{deleted}");
    gone(&root, "[data-pod='default/nginx']").await;
    // Drawn leaving the node it was on.
    find(
        &root,
        &format!("[data-node='{card}'] [data-leaving='default/nginx']"),
    )
    .await;
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
    speed_up(&root).await;
    click(&root, "[data-step='0'] button[data-action='run-step']").await;
    until_phase(
        &root,
        "kubectl get pod demo-web -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    terminal(&root, "kubectl logs demo-web git-pull -f").await;
    until_following(&root).await;
    let last = last_entry(&root);
    click(&root, "button[data-tool='git']").await;
    click(&root, "button[data-git-repo]").await;
    click(&root, "button[data-git-file='index.html']").await;
    type_into(
        &root,
        "textarea[data-git-text]",
        "<h1>Pushed while following</h1>\n",
    )
    .await;
    type_into(&root, "input[data-git-message]", "Push while following").await;
    click(&root, "button[data-action='commit']").await;
    entry_shows(&last, "the follower to show the pull (Fast-forward)", |t| {
        t.contains("Fast-forward")
    })
    .await;
    ctrl_c_stops_it(&root, &last).await;
    root.remove();
}

const SITE_REPO: &str = "https://github.com/ansilh/k8s-demo-web.git";
const JPG: &[u8] = include_bytes!("../../cli/tests/fixtures/pic-k8s.jpg");

/// A saved workspace whose cluster serves a page with a picture: the picture committed
/// to the remote, cloned by the sidecar, served by nginx on NodePort 30080.
fn workspace_serving_a_picture() -> String {
    let mut c = podlab_core::lessons::reset();
    let author = ("Podlab", "podlab@example.com");
    c.git_mut()
        .put(
            SITE_REPO,
            "index.html",
            b"<h1>A picture</h1><img src=\"images/pic-k8s.jpg\">\n",
        )
        .unwrap();
    c.git_mut()
        .put(SITE_REPO, "images/pic-k8s.jpg", JPG)
        .unwrap();
    let now = c.now();
    c.git_mut()
        .commit(SITE_REPO, "A picture", author, now)
        .unwrap();
    let site = include_str!("../../core/lessons/demo-web-sidecar.yaml");
    c.create_from_text("demo-web-sidecar.yaml", site).unwrap();
    c.create_from_text(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: demo-web\nspec:\n  type: NodePort\n  selector:\n    run: demo-web\n  ports:\n  - port: 80\n    nodePort: 30080\n",
    )
    .unwrap();
    c.advance(10_000);
    podlab_core::share::Workspace::new(DEFAULT_POD, &c, None, &[]).to_json()
}

/// The Git panel shows a binary file as git and GitHub do: `Binary file` and its size,
/// never its bytes read as text.
#[wasm_bindgen_test]
async fn the_git_panel_shows_a_binary_file_as_binary() {
    let root = mount_saved(Some(&workspace_serving_a_picture())).await;
    click(&root, "button[data-tool='git']").await;
    click(&root, "button[data-git-repo]").await;
    click(&root, "button[data-git-file='images/pic-k8s.jpg']").await;
    let shown = text_has(&root, "[data-git-binary]", "Binary file").await;
    assert_eq!(shown, "Binary file (14645 bytes)");
    attribute_is(&root, "[data-git-binary]", "data-git-binary", "14645").await;
    gone(&root, "textarea[data-git-text]").await;
    let panel = text_of(&root, "[data-git]");
    assert!(
        !panel.contains('\u{FFFD}') && !panel.contains("JFIF"),
        "no mojibake: {panel}"
    );
    // A text file next to it opens as text.
    click(&root, "button[data-git-file='index.html']").await;
    find(&root, "textarea[data-git-text]").await;
    gone(&root, "[data-git-binary]").await;
    root.remove();
}

/// The browser tab shows the picture nginx serves: the page's <img> gets it inlined as
/// a data: URL, byte for byte.
#[wasm_bindgen_test]
async fn the_browser_tab_shows_a_picture_nginx_serves() {
    let root = mount_saved(Some(&workspace_serving_a_picture())).await;
    // A NodePort answers on every node's address.
    let ip = "192.168.56.202";
    browse(&root, &format!("http://{ip}:30080/")).await;
    attribute_is(&root, "[data-browser-status]", "data-browser-status", "200").await;
    let srcdoc = attribute_when(&root, "iframe[data-browser-frame]", "srcdoc", |d| {
        d.contains("<img")
    })
    .await;
    assert!(srcdoc.contains("<h1>A picture</h1>"), "{srcdoc}");
    let start = srcdoc
        .find("src=\"data:image/jpeg;base64,")
        .unwrap_or_else(|| panic!("an inlined jpeg in {srcdoc}"));
    let data = &srcdoc[start + "src=\"data:image/jpeg;base64,".len()..];
    let data = &data[..data.find('"').unwrap()];
    let bytes: Vec<u8> = web_sys::window()
        .unwrap()
        .atob(data)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    assert!(bytes == JPG, "the picture's {} bytes", bytes.len());
    // The picture itself, opened in the tab, is shown as an image too.
    browse(&root, &format!("http://{ip}:30080/images/pic-k8s.jpg")).await;
    attribute_when(&root, "iframe[data-browser-frame]", "srcdoc", |d| {
        !d.contains("<h1>") && d.contains("data:image/jpeg;base64,/9j/")
    })
    .await;
    text_has(&root, "[data-browser-status]", "image/jpeg").await;
    root.remove();
}

/// Fetches of the explain schema that started at or after `since` (ms).
fn schema_fetches_since(since: f64) -> usize {
    let entries = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.get_entries_by_type("resource"))
        .unwrap();
    (0..entries.length())
        .filter_map(|i| entries.get(i).dyn_into::<web_sys::PerformanceEntry>().ok())
        .filter(|e| e.name().contains("openapi") && e.start_time() >= since)
        .count()
}

/// The explain schema is fetched when a command first needs it, not when the app starts;
/// the command waits for the fetch. (This page has no schema to give: explain says so.)
#[wasm_bindgen_test]
async fn explain_fetches_the_schema_when_it_needs_it() {
    // Room in the resource timing buffer (earlier tests filled much of it).
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_resource_timings();
    }
    let since = now_ms();
    let root = mount().await;
    let nodes = terminal(&root, "kubectl get nodes").await;
    assert!(nodes.contains("k8s-worker-02"), "{nodes}");
    assert_eq!(schema_fetches_since(since), 0, "fetched at start");
    let answer = terminal(&root, "kubectl explain pods").await;
    assert!(
        answer.contains("failed to fetch the OpenAPI schema"),
        "{answer}"
    );
    // The browser adds a fetch's resource timing entry in a task of its own after the
    // response: wait for it rather than race it.
    wait_for("the schema's fetch in the resource timings", || {
        (schema_fetches_since(since) > 0).then_some(())
    })
    .await;
    assert_eq!(schema_fetches_since(since), 1);
    root.remove();
}
