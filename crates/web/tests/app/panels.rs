//! Component tests of the panels' navigation and status: the inspector's way back, the
//! notice, the not-ready chip, probe results, the decision's title and the terminal's
//! keyboard behaviour.

use super::common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// The inspector has a way back to the lessons: its close control, Escape inside it or
/// in the cluster view, and a close control when the selected pod is gone.
#[wasm_bindgen_test]
async fn the_inspector_closes_back_to_the_lessons() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n",
    )
    .await;
    find(&root, "[data-inspect='default/web']").await;
    click(&root, "button[data-action='close-inspector']").await;
    gone(&root, "[data-inspect]").await;
    find(&root, "[data-lessons]").await;
    // Escape inside the inspector.
    click(&root, "[data-pod='default/web']").await;
    let delete = find(
        &root,
        "[data-inspect='default/web'] button[data-action='delete']",
    )
    .await;
    press(&delete, "Escape", false);
    gone(&root, "[data-inspect]").await;
    // Escape on a chip in the cluster view.
    click(&root, "[data-pod='default/web']").await;
    find(&root, "[data-inspect='default/web']").await;
    let chip = find(&root, "[data-pod='default/web']").await;
    press(&chip, "Escape", false);
    gone(&root, "[data-inspect]").await;
    // A pod that is gone leaves a note with the way back, not a dead end.
    click(&root, "[data-pod='default/web']").await;
    terminal(&root, "kubectl delete pod web --now").await;
    speed_up(&root).await;
    text_has(&root, ".inspector", "default/web no longer exists.").await;
    click(&root, "button[data-action='close-inspector']").await;
    find(&root, "[data-lessons]").await;
}

/// The notice can be dismissed; paused shows as Paused beside the clock.
#[wasm_bindgen_test]
async fn the_notice_can_be_dismissed_and_paused_is_shown() {
    // A saved workspace that cannot be read leaves a notice saying so.
    let root = mount_saved(Some("{not json")).await;
    find(&root, "[data-notice]").await;
    click(&root, "[data-notice] button[data-action='dismiss-notice']").await;
    gone(&root, "[data-notice]").await;
    pause(&root).await;
    text_is(&root, "[data-paused]", "Paused").await;
    click(&root, "button[data-action='play']").await;
    gone(&root, "[data-paused]").await;
}

/// A running pod that is not Ready shows so on its chip: one of its containers failed.
#[wasm_bindgen_test]
async fn a_running_pod_that_is_not_ready_shows_so() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: flaky\nspec:\n  restartPolicy: Never\n  containers:\n  - name: ok\n    image: nginx\n  - name: crash\n    image: busybox\n    command: ['sh', '-c', 'sleep 1; exit 1']\n",
    )
    .await;
    speed_up(&root).await;
    attribute_when(&root, "[data-pod='default/flaky']", "class", |c| {
        c.contains("not-ready")
    })
    .await;
    attribute_is(&root, "[data-pod='default/flaky']", "data-ready", "1/2").await;
}

/// The inspector shows each probe as the prober keeps it, and a failing readiness probe
/// makes the pod's chip not ready.
#[wasm_bindgen_test]
async fn the_inspector_shows_probe_results() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probed\nspec:\n  containers:\n  - name: web\n    image: nginx\n    readinessProbe:\n      httpGet:\n        path: /ready\n        port: 80\n      periodSeconds: 2\n    livenessProbe:\n      tcpSocket:\n        port: 80\n      periodSeconds: 2\n",
    )
    .await;
    speed_up(&root).await;
    find(&root, "[data-table='probes'] [data-row='web/liveness']").await;
    text_has(
        &root,
        "[data-table='probes'] [data-row='web/readiness'] [data-probe-last]",
        "failure: HTTP probe failed with statuscode: 404",
    )
    .await;
    text_has(
        &root,
        "[data-table='probes'] [data-row='web/liveness'] [data-probe-last]",
        "success",
    )
    .await;
    attribute_when(&root, "[data-pod='default/probed']", "class", |c| {
        c.contains("not-ready")
    })
    .await;
}

/// A pod no node takes: its decision is titled as such, not "Why here?", and the table
/// scrolls sideways under its plugin names.
#[wasm_bindgen_test]
async fn an_unschedulable_pods_decision_says_why_not() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nowhere\nspec:\n  nodeSelector:\n    disk: none\n  containers:\n  - name: c\n    image: nginx\n",
    )
    .await;
    text_is(&root, "[data-decision] h3", "Why not scheduled?").await;
    find(&root, "[data-decision] .table-scroll table").await;
}

/// Tab completes what is typed in the terminal; on an empty line it is not taken, so the
/// focus can move on. A click on the output puts the focus in the input line. The
/// output is a polite live region.
#[wasm_bindgen_test]
async fn the_terminal_lets_tab_leave_and_a_click_focus_it() {
    let root = mount().await;
    let input: web_sys::HtmlInputElement = find(&root, "input[data-terminal-input]")
        .await
        .dyn_into()
        .unwrap();
    // A Tab on an empty line is left to the browser (not prevented).
    let tab = |target: &web_sys::HtmlInputElement| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Tab");
        init.set_bubbles(true);
        init.set_cancelable(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        target.dispatch_event(&event).unwrap();
        event.default_prevented()
    };
    assert!(!tab(&input), "Tab on an empty line must not be taken");
    type_into(&root, "input[data-terminal-input]", "kubectl descr").await;
    assert!(tab(&input), "Tab on a typed line completes");
    wait_for("the completion", || {
        (input.value() == "kubectl describe ").then_some(())
    })
    .await;
    let screen = find(&root, "[data-terminal-screen]").await;
    assert_eq!(screen.get_attribute("aria-live").as_deref(), Some("polite"));
    input.blur().unwrap();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    screen
        .dispatch_event(
            &web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseup", &init).unwrap(),
        )
        .unwrap();
    wait_for("the input to have the focus", || {
        let active = document().active_element()?;
        (active.get_attribute("data-terminal-input").is_some()).then_some(())
    })
    .await;
}

/// A lesson brings its files to the editor under their own names; its step's button
/// loads the manifest again without losing the user's edits; a finished lesson is
/// marked in the list. A lesson opened on a cluster that has objects offers a clean
/// start and does not count them; a step that asks to browse a node port ticks once
/// the browser tab has opened it.
#[wasm_bindgen_test]
async fn lessons_bring_their_files_and_count_only_what_they_make() {
    let root = mount().await;
    click(&root, "button[data-lesson='node-selector']").await;
    find(&root, "[data-file='ssd.yaml']").await;
    gone(&root, "[data-offer-reset]").await;
    // The user's edit of the lesson's file is kept when the step loads it again.
    click(&root, "[data-file='ssd.yaml']").await;
    type_into(&root, "textarea[data-editor]", "# my own pod\n").await;
    click(&root, "[data-step='0'] button[data-action='run-step']").await;
    text_has(
        &root,
        "[data-notice]",
        "ssd.yaml had your edits: they are kept in ssd.yaml.bak.",
    )
    .await;
    find(&root, "[data-file='ssd.yaml.bak']").await;
    attribute_is(&root, "[data-step='0']", "data-done", "true").await;
    click(&root, "[data-step='1'] button[data-action='run-step']").await;
    speed_up(&root).await;
    attribute_is(&root, "[data-step='1']", "data-done", "true").await;
    click(&root, "button[data-action='all-lessons']").await;
    find(
        &root,
        "button[data-lesson='node-selector'][data-finished='true']",
    )
    .await;
    find(
        &root,
        "button[data-lesson='env-fieldref'][data-finished='false']",
    )
    .await;
    // A tea pod made before the fieldRef lesson opens does not tick its first step
    // (a running pod named tea); a clean start is offered, and taken.
    terminal(&root, "kubectl run tea --image=ansilh/demo-tea").await;
    until_phase(
        &root,
        "kubectl get pod tea -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    click(&root, "button[data-lesson='env-fieldref']").await;
    find(&root, "[data-offer-reset]").await;
    let t = clock(&root);
    clock_when(&root, "the clock to move on", |now| now > t + 5_000).await;
    attribute_is(&root, "[data-step='0']", "data-done", "false").await;
    click(&root, "button[data-action='clean-start']").await;
    gone(&root, "[data-offer-reset]").await;
    gone(&root, "[data-pod='default/tea']").await;
    // The lesson made again: "Browse the NodePort" ticks once the page is opened in
    // the browser tab, not before.
    for n in 0..2 {
        click(
            &root,
            &format!("[data-step='{n}'] button[data-action='run-step']"),
        )
        .await;
        attribute_is(&root, &format!("[data-step='{n}']"), "data-done", "true").await;
    }
    click(&root, "[data-step='2'] button[data-action='run-step']").await;
    let t = clock(&root);
    clock_when(&root, "the clock to move on", |now| now > t + 5_000).await;
    attribute_is(&root, "[data-step='2']", "data-done", "false").await;
    click(&root, "[data-step='2'] button[data-action='browse-step']").await;
    attribute_is(&root, "[data-step='2']", "data-done", "true").await;
    text_has(&root, "[data-progress]", "3/3").await;
    root.remove();
}

/// A bound pod is seen in the pending lane before it flies to its node: its chip's
/// animation starts and stays at the lane for a while (the scheduler binds it within
/// the frame the Apply is drawn in).
#[wasm_bindgen_test]
async fn a_bound_pod_waits_in_the_pending_lane_before_it_flies() {
    let root = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lane\nspec:\n  containers:\n  - name: web\n    image: nginx\n",
    )
    .await;
    let chip = find(&root, "[data-node] [data-pod='default/lane']").await;
    let call = |target: &wasm_bindgen::JsValue, name: &str| {
        let f = js_sys::Reflect::get(target, &name.into()).unwrap();
        f.dyn_ref::<js_sys::Function>()
            .unwrap()
            .call0(target)
            .unwrap()
    };
    let animation = wait_for("the chip's flight (an Animation)", || {
        js_sys::Array::from(&call(&chip, "getAnimations"))
            .get(0)
            .is_object()
            .then(|| js_sys::Array::from(&call(&chip, "getAnimations")).get(0))
    })
    .await;
    let effect = js_sys::Reflect::get(&animation, &"effect".into()).unwrap();
    let frames = js_sys::Array::from(&call(&effect, "getKeyframes"));
    let get = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    assert_eq!(frames.length(), 3);
    let (first, held) = (frames.get(0), frames.get(1));
    assert_eq!(get(&first, "transform"), get(&held, "transform"));
    assert!(get(&held, "offset").as_f64().unwrap() > 0.3);
    let timing = call(&effect, "getTiming");
    assert!(get(&timing, "duration").as_f64().unwrap() >= 800.0);
    root.remove();
}

/// A pod that preempts: its decision shows the nominated node, the victims there, every
/// candidate node and the rule that chose the node, and still shows them once the pod
/// runs there.
#[wasm_bindgen_test]
async fn a_preempting_pods_decision_shows_its_victims_and_why() {
    let root = mount().await;
    let low = |name: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  terminationGracePeriodSeconds: 5\n  containers:\n  - name: worker\n    image: busybox\n    command: [sh, -c, 'while true; do sleep 1; done']\n    resources:\n      requests:\n        cpu: 1500m\n")
    };
    apply(&root, &format!("{}---\n{}", low("low-1"), low("low-2"))).await;
    speed_up(&root).await;
    for pod in ["low-1", "low-2"] {
        let phase = format!("kubectl get pod {pod} -o jsonpath={{.status.phase}}");
        until_phase(&root, &phase, "Running").await;
    }
    apply(
        &root,
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high-priority\nvalue: 1000000\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: urgent\nspec:\n  priorityClassName: high-priority\n  containers:\n  - name: nginx\n    image: nginx\n    resources:\n      requests:\n        cpu: 1500m\n",
    )
    .await;
    click(&root, "[data-pod='default/urgent']").await;
    let rule = text_has(
        &root,
        "[data-decision] [data-preemption-rule]",
        "was chosen because",
    )
    .await;
    assert!(
        rule.contains("started the latest") || rule.contains("came first"),
        "{rule}"
    );
    let rows = root
        .query_selector_all("[data-decision] [data-preemption] tbody tr")
        .unwrap();
    assert_eq!(rows.length(), 2, "both workers are candidates");
    // Placed: the account stays, in the past tense.
    text_has(
        &root,
        "[data-decision] [data-preemption]",
        "Placed on k8s-worker-",
    )
    .await;
    text_is(&root, "[data-decision] h3", "Why here?").await;
}
