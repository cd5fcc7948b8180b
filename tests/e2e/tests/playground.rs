//! The playground end to end: the release build in real headless Chromium.

use podlab_e2e::Session;

const NGINX: &str = "apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx
";

#[tokio::test(flavor = "multi_thread")]
async fn nginx_pod_lands_on_a_worker() {
    let s = Session::open("nginx").await;
    for node in ["k8s-master-01", "k8s-worker-01", "k8s-worker-02"] {
        s.wait_for(&format!("[data-node='{node}']")).await;
    }
    s.type_manifest(NGINX).await;
    s.apply().await;
    let chip = s
        .wait_for("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .await;
    assert!(
        s.client
            .find_all(fantoccini::Locator::Css(
                "[data-node='k8s-master-01'] [data-pod]"
            ))
            .await
            .unwrap()
            .is_empty(),
        "no pod may land on the tainted control-plane node"
    );
    // The kubelet pulls the image and starts it in a few simulated (= real, at 1x) seconds.
    s.wait_until(
        "the nginx pod to be Running",
        "document.querySelector(\"[data-pod='default/nginx']\")?.dataset.phase === 'Running'",
    )
    .await;
    assert_eq!(
        chip.attr("data-status").await.unwrap().as_deref(),
        Some("Running")
    );
    let result = s.wait_for("[data-result]").await.text().await.unwrap();
    assert_eq!(result, "pod/nginx created");
    // The inspector explains the decision.
    let master = s
        .wait_for("[data-filter='k8s-master-01/TaintToleration']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        master.contains("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"),
        "{master}"
    );
    s.screenshot("nginx-on-worker").await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_yaml_shows_line_and_column() {
    let s = Session::open("broken").await;
    s.type_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web: x\n")
        .await;
    s.apply().await;
    let d = s.wait_for("[data-diagnostics] [data-diagnostic]").await;
    assert_eq!(d.attr("data-line").await.unwrap().as_deref(), Some("4"));
    assert_eq!(d.attr("data-column").await.unwrap().as_deref(), Some("12"));
    let text = d.text().await.unwrap();
    assert!(
        text.contains("pod.yaml:4:12")
            && text.contains("mapping values are not allowed in this context"),
        "{text}"
    );
    assert!(s
        .client
        .find_all(fantoccini::Locator::Css("[data-pod]"))
        .await
        .unwrap()
        .is_empty());
    s.screenshot("broken-yaml").await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unsatisfiable_node_selector_stays_pending() {
    let s = Session::open("pending").await;
    s.type_manifest(&format!("{NGINX}  nodeSelector:\n    disktype: ssd\n"))
        .await;
    s.apply().await;
    s.wait_for("[data-lane='pending'] [data-pod='default/nginx'][data-phase='Pending']")
        .await;
    let why = s
        .wait_for("[data-lane='pending'] [data-why]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        why,
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // The inspector says where the pod waits in the scheduling queue and what helps.
    s.wait_for("[data-lane='pending'] [data-pod='default/nginx']")
        .await
        .click()
        .await
        .unwrap();
    let queue = s
        .wait_for("[data-queue='unschedulable']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        queue.contains("rejected by TaintToleration, NodeAffinity"),
        "{queue}"
    );
    // The inspector fits its pane: it does not scroll sideways (its decision table
    // does, on its own), and its title row keeps the buttons beside the name.
    let fits = s
        .client
        .execute(
            "const i = document.querySelector('.inspector'); \
             const t = document.querySelector('.inspector-title'); \
             const h = t.querySelector('h2').getBoundingClientRect(); \
             const b = t.querySelector('button').getBoundingClientRect(); \
             return [i.scrollWidth - i.clientWidth, Math.abs(h.top + h.height / 2 - (b.top + b.height / 2)) < 4];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::json!([0, true]),
        "overflow, buttons beside the name"
    );
    s.screenshot("pending-node-selector").await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terminal_speaks_kubectl() {
    let s = Session::open("terminal").await;
    let input = s.wait_for("input[data-terminal-input]").await;
    // WebDriver's Enter key.
    input
        .send_keys("kubectl create -f pod.yaml\u{E007}")
        .await
        .unwrap();
    s.wait_for("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .await;
    s.wait_until(
        "the nginx pod to be Running",
        "document.querySelector(\"[data-pod='default/nginx']\")?.dataset.phase === 'Running'",
    )
    .await;
    input
        .send_keys("kubectl get pods -o wide\u{E007}")
        .await
        .unwrap();
    s.wait_until(
        "the get output",
        "[...document.querySelectorAll('[data-terminal-output]')].some(e => e.textContent.includes('NOMINATED NODE'))",
    )
    .await;
    let outputs = s
        .client
        .find_all(fantoccini::Locator::Css("[data-terminal-output]"))
        .await
        .unwrap();
    let last = outputs.last().unwrap().text().await.unwrap();
    assert!(
        last.starts_with("NAME    READY   STATUS    RESTARTS   AGE"),
        "{last}"
    );
    assert!(
        last.contains("nginx   1/1     Running   0") && last.contains("k8s-worker-0"),
        "{last}"
    );
    s.screenshot("terminal-get-pods").await;
    s.finish().await;
}

/// `kubectl explain` in the terminal, with the OpenAPI schema the app fetches from dist
/// when explain first needs it (not at start).
#[tokio::test(flavor = "multi_thread")]
async fn terminal_explains_fields_from_the_fetched_schema() {
    let s = Session::open("explain").await;
    let input = s.wait_for("input[data-terminal-input]").await;
    let fetched = "performance.getEntriesByType('resource').some(e => e.name.includes('openapi'))";
    let early = s
        .client
        .execute(&format!("return {fetched};"), vec![])
        .await
        .unwrap();
    assert_eq!(
        early.as_bool(),
        Some(false),
        "the schema was fetched at start"
    );
    input
        .send_keys("kubectl explain pod.spec.volumes.hostPath\u{E007}")
        .await
        .unwrap();
    s.wait_until(
        "the explain output",
        "[...document.querySelectorAll('[data-terminal-output]')].some(e => e.textContent.includes('FIELD: hostPath <HostPathVolumeSource>'))",
    )
    .await;
    let outputs = s
        .client
        .find_all(fantoccini::Locator::Css("[data-terminal-output]"))
        .await
        .unwrap();
    let last = outputs.last().unwrap().text().await.unwrap();
    assert!(
        last.contains("path\t<string> -required-") || last.contains("path <string> -required-"),
        "{last}"
    );
    s.wait_until("the schema fetched once", fetched).await;
    s.finish().await;
}

/// The chapter's paste with `metadata:` and `labels:` lost: the error, and a hint saying
/// where `run:` belongs (the rejected Apply fetches the schema the hint reads).
#[tokio::test(flavor = "multi_thread")]
async fn misplaced_label_gets_a_hint() {
    let s = Session::open("hint").await;
    s.type_manifest("apiVersion: v1\nkind: Pod\n    run: demo-web\n  name: demo-web\n")
        .await;
    s.apply().await;
    let hint = s.wait_for("[data-diagnostic] [data-hint]").await;
    let text = hint.text().await.unwrap();
    assert!(
        text.contains("`run` looks like a label: labels go under `metadata:` then `labels:`"),
        "{text}"
    );
    s.screenshot("misplaced-label-hint").await;
    s.finish().await;
}

/// The release build carries a Content-Security-Policy: the app runs, and a script
/// element injected into the page does not.
#[tokio::test(flavor = "multi_thread")]
async fn content_security_policy_blocks_injected_scripts() {
    let s = Session::open("csp").await;
    s.wait_for("textarea[data-editor]").await;
    let has_policy = s
        .client
        .execute(
            "return !!document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(has_policy.as_bool(), Some(true));
    let ran = s
        .client
        .execute(
            "const el = document.createElement('script'); el.textContent = 'window.__injected = 1;'; document.body.appendChild(el); return window.__injected === 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran.as_bool(), Some(false), "an injected inline script ran");
    // The only console errors are the policy's report of what it refused.
    let errors = s.console_errors().await;
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e.contains("Content Security Policy")),
        "{errors:?}"
    );
    let _ = s.client.close().await;
}

/// A node card's "Stop kubelet": after the node monitor grace period (50 s, here at
/// 100× speed) the node shows NotReady; "Cordon" marks it SchedulingDisabled.
#[tokio::test(flavor = "multi_thread")]
async fn node_card_actions_cordon_and_stop_the_kubelet() {
    let s = Session::open("node-actions").await;
    let status =
        "document.querySelector(\"[data-node='k8s-worker-02'] [data-node-status]\")?.textContent";
    s.wait_for("[data-node='k8s-worker-02'] button[data-action='cordon']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_until(
        "worker-02 cordoned",
        &format!("{status} === 'Ready,SchedulingDisabled'"),
    )
    .await;
    s.wait_for("[data-node='k8s-worker-02'] button[data-action='kubelet']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("button[data-speed='100']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_until(
        "worker-02 NotReady",
        &format!("{status}?.startsWith('NotReady')"),
    )
    .await;
    s.screenshot("node-not-ready").await;
    s.finish().await;
}

/// The taints lesson, done with its Run buttons: every step's check ticks.
#[tokio::test(flavor = "multi_thread")]
async fn the_taints_lesson_can_be_done_with_its_buttons() {
    let s = Session::open("lesson").await;
    run_lesson_steps(&s, "taints", 4).await;
    let progress = s.wait_for("[data-progress]").await.text().await.unwrap();
    assert_eq!(progress, "4/4");
    s.screenshot("lesson-taints-done").await;
    s.finish().await;
}

/// Opens a lesson, runs the clock at 100×, and does its first `steps` steps with their
/// buttons (a step that asks to browse a node port, with its button that opens the
/// browser tab), each waited on until its check ticks.
async fn run_lesson_steps(s: &Session, lesson: &str, steps: usize) {
    s.wait_for(&format!("[data-lessons] button[data-lesson='{lesson}']"))
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("button[data-speed='100']")
        .await
        .click()
        .await
        .unwrap();
    for n in 0..steps {
        s.wait_for(&format!("[data-step='{n}'] button[data-action='run-step']"))
            .await
            .click()
            .await
            .unwrap();
        s.wait_until(
            &format!("step {} to be done", n + 1),
            &format!(
                "(document.querySelector(\"[data-step='{n}'] button[data-action='browse-step']\")?.click(), document.querySelector(\"[data-step='{n}']\")?.dataset.done === 'true')"
            ),
        )
        .await;
    }
}

/// The inspector shows a pod's logs: nginx's start-up lines once it runs.
#[tokio::test(flavor = "multi_thread")]
async fn inspector_shows_container_logs() {
    let s = Session::open("logs").await;
    s.apply().await;
    s.wait_for("[data-inspect='default/nginx']").await;
    s.wait_until(
        "nginx's start-up log lines",
        "document.querySelector(\"[data-logs='nginx'] pre\")?.textContent.includes('Configuration complete; ready for start up')",
    )
    .await;
    s.finish().await;
}

/// The workspace survives a reload: the applied pod and the editor's text come back.
#[tokio::test(flavor = "multi_thread")]
async fn the_workspace_survives_a_reload() {
    let s = Session::open("reload").await;
    s.apply().await;
    s.wait_for("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .await;
    // The theme switch is remembered too.
    let theme = "return document.documentElement.getAttribute('data-theme');";
    let before = s.client.execute(theme, vec![]).await.unwrap();
    s.wait_for("button[data-action='theme']")
        .await
        .click()
        .await
        .unwrap();
    let after = s.client.execute(theme, vec![]).await.unwrap();
    assert_ne!(before, after);
    // The clock, saved when the page goes (not only every few seconds), comes back
    // where it was.
    let clock = "return Number(document.querySelector('[data-clock]').dataset.clock);";
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let left_at = s.client.execute(clock, vec![]).await.unwrap().as_f64();
    s.client.refresh().await.unwrap();
    s.wait_for("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .await;
    assert_eq!(s.client.execute(theme, vec![]).await.unwrap(), after);
    let back_at = s.client.execute(clock, vec![]).await.unwrap().as_f64();
    assert!(back_at >= left_at, "{back_at:?} < {left_at:?}");
    s.finish().await;
}

/// A saved workspace that cannot be read is kept aside, with a notice, and the app
/// starts fresh.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_save_is_kept_aside_with_a_notice() {
    let s = Session::open("unreadable").await;
    s.wait_for("textarea[data-editor]").await;
    // The save is damaged after the app's own save on the way out (its pagehide
    // listener was added first, so this one runs after it).
    s.client
        .execute(
            "window.addEventListener('pagehide', () => localStorage.setItem('podlab.workspace.v1', '{\"editor\": 1'));",
            vec![],
        )
        .await
        .unwrap();
    s.client.refresh().await.unwrap();
    let notice = s.wait_for("[data-notice]").await.text().await.unwrap();
    assert!(notice.contains("podlab.workspace.unreadable"), "{notice}");
    let kept = s
        .client
        .execute(
            "return localStorage.getItem('podlab.workspace.unreadable');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept.as_str(), Some("{\"editor\": 1"));
    s.finish().await;
}

/// Tab completes in the terminal: a command, then a node name.
#[tokio::test(flavor = "multi_thread")]
async fn tab_completes_kubectl_words() {
    let s = Session::open("tab").await;
    let input = s.wait_for("input[data-terminal-input]").await;
    // WebDriver's Tab key.
    input.send_keys("kubectl cor\u{E004}").await.unwrap();
    s.wait_until(
        "the command to complete",
        "document.querySelector('input[data-terminal-input]').value === 'kubectl cordon '",
    )
    .await;
    input.send_keys("k8s-w\u{E004}").await.unwrap();
    s.wait_until(
        "the common prefix",
        "document.querySelector('input[data-terminal-input]').value === 'kubectl cordon k8s-worker-0'",
    )
    .await;
    input.send_keys("\u{E004}").await.unwrap();
    let shown = s.wait_for("[data-completions]").await.text().await.unwrap();
    assert_eq!(shown, "k8s-worker-01  k8s-worker-02");
    s.finish().await;
}

/// The pod's node as the cluster view shows it.
async fn node_of_nginx(s: &Session) -> String {
    let v = s
        .client
        .execute(
            "const p = document.querySelector(\"[data-pod='default/nginx']\"); \
             const n = p && p.closest('[data-node]'); return n ? n.getAttribute('data-node') : '';",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

/// Share makes a link; another browser (its own profile) opens the same workspace: the
/// pod on the same node, the editor's text, the clock.
#[tokio::test(flavor = "multi_thread")]
async fn a_share_link_opens_the_workspace_in_another_browser() {
    let a = Session::open("share-a").await;
    a.type_manifest(NGINX).await;
    a.apply().await;
    a.wait_for("[data-node^='k8s-worker-'] [data-pod='default/nginx']")
        .await;
    let node = node_of_nginx(&a).await;
    a.wait_for("button[data-action='share']")
        .await
        .click()
        .await
        .unwrap();
    let link = a
        .wait_for("[data-share-url]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(link.contains("#share=1."), "{link}");
    a.finish().await;

    let b = Session::open("share-b").await;
    // Pasted into the address bar of an open playground: only the fragment changes.
    b.client.goto(&link).await.unwrap();
    b.wait_for("[data-pod='default/nginx']").await;
    b.wait_until(
        "the running pod",
        "document.querySelector(\"[data-pod='default/nginx'][data-phase='Running']\")",
    )
    .await;
    assert_eq!(node_of_nginx(&b).await, node);
    let editor = b
        .wait_for("textarea[data-editor]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(editor.contains("name: nginx"), "{editor}");
    // The link is dropped from the address bar once opened.
    let url = b.client.current_url().await.unwrap();
    assert!(url.fragment().is_none(), "{url}");
    b.finish().await;
}

/// A damaged share link is refused with a notice; the workspace stays as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_share_link_leaves_the_workspace_alone() {
    let s = Session::open("share-damaged").await;
    s.type_manifest(NGINX).await;
    s.apply().await;
    s.wait_for("[data-pod='default/nginx']").await;
    s.client
        .goto(&format!("{}#share=1.eJzLSM3JyVcozy_KSQEAGgQEXQ", s.app_url))
        .await
        .unwrap();
    let notice = s.wait_for("[data-notice]").await.text().await.unwrap();
    assert!(notice.contains("could not be opened"), "{notice}");
    assert!(notice.contains("unchanged"), "{notice}");
    s.wait_for("[data-pod='default/nginx']").await;
    s.finish().await;
}

/// The docs-like example page holds two embedded playgrounds, each with its lesson open
/// and only its chosen panels.
#[tokio::test(flavor = "multi_thread")]
async fn the_embed_example_holds_two_playgrounds() {
    let s = Session::open("embed").await;
    s.client
        .goto(&format!("{}embed-example.html", s.app_url))
        .await
        .unwrap();
    for (i, (lesson, hidden)) in [
        ("node-selector", "[data-terminal-screen]"),
        ("taints", "textarea[data-editor]"),
    ]
    .into_iter()
    .enumerate()
    {
        s.wait_for(&format!("iframe[data-playground='{lesson}']"))
            .await;
        s.client.clone().enter_frame(i as u16).await.unwrap();
        s.wait_for(".app.embed [data-node='k8s-worker-01']").await;
        s.wait_for("[data-step='0']").await;
        let shown = s
            .client
            .execute(
                &format!("return !!document.querySelector(\"{hidden}\");"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(shown.as_bool(), Some(false), "{lesson}: {hidden} shows");
        s.client.clone().enter_parent_frame().await.unwrap();
    }
    s.screenshot("embed-example").await;
    s.finish().await;
}

/// The chapter's sidecar loop through the page: a commit made in the Git panel is pulled
/// by the git-pull sidecar into the shared volume and served on the NodePort.
#[tokio::test(flavor = "multi_thread")]
async fn a_commit_in_the_git_panel_reaches_the_page_through_the_sidecar() {
    const SELECT_ALL_AND_DELETE: &str = "\u{E009}a\u{E000}\u{E003}";
    let s = Session::open("git-sidecar").await;
    run_lesson_steps(&s, "sidecar", 3).await;
    // The last step: edit index.html in the Git panel, commit and push.
    s.wait_for("[data-step='3'] button[data-action='open-git']")
        .await
        .click()
        .await
        .unwrap();
    // The panel opens with index.html loaded, and its commit form in view.
    s.wait_for("textarea[data-git-text]").await;
    let opened = s
        .client
        .execute(
            "const pane = document.querySelector('.tools').getBoundingClientRect(); \
             const commit = document.querySelector(\"button[data-action='commit']\").getBoundingClientRect(); \
             return [document.querySelector('input[data-git-path]').value, \
                     document.querySelector('textarea[data-git-text]').value.includes('Kubernetes demo web'), \
                     commit.bottom <= pane.bottom];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(opened, serde_json::json!(["index.html", true, true]));
    s.wait_for("button[data-git-file='index.html']")
        .await
        .click()
        .await
        .unwrap();
    let text = s.wait_for("textarea[data-git-text]").await;
    text.click().await.unwrap();
    text.send_keys(SELECT_ALL_AND_DELETE).await.unwrap();
    text.send_keys("<h1>Fresh from the Git panel</h1>\n")
        .await
        .unwrap();
    let message = s.wait_for("input[data-git-message]").await;
    message.send_keys("Fresh page").await.unwrap();
    s.wait_for("button[data-action='commit']")
        .await
        .click()
        .await
        .unwrap();
    let result = s.wait_for("[data-git-result]").await.text().await.unwrap();
    assert!(
        result.starts_with("[master ") && result.contains("] Fresh page"),
        "{result}"
    );
    s.screenshot("git-panel-commit").await;
    // The NodePort, from the terminal.
    let input = s.wait_for("input[data-terminal-input]").await;
    input
        .send_keys("kubectl get svc demo-web -o jsonpath={.spec.ports[0].nodePort}\n")
        .await
        .unwrap();
    s.wait_until(
        "the node port",
        "[...document.querySelectorAll('[data-terminal-output]')].some(e => /^3\\d{4}$/.test(e.textContent.trim()))",
    )
    .await;
    let port = s
        .client
        .execute(
            "return [...document.querySelectorAll('[data-terminal-output]')].map(e => e.textContent.trim()).find(t => /^3\\d{4}$/.test(t));",
            vec![],
        )
        .await
        .unwrap();
    let port = port.as_str().unwrap().to_string();
    s.wait_for("button[data-tool='browser']")
        .await
        .click()
        .await
        .unwrap();
    let url = s.wait_for("input[data-browser-url]").await;
    url.click().await.unwrap();
    url.send_keys(SELECT_ALL_AND_DELETE).await.unwrap();
    url.send_keys(&format!("http://192.168.56.202:{port}/"))
        .await
        .unwrap();
    // The sidecar pulls every 5 simulated seconds: reload until the page has changed.
    s.wait_until(
        "the NodePort to serve the committed page",
        "(document.querySelector(\"[data-action='browse']\").click(), document.querySelector('iframe[data-browser-frame]')?.srcdoc.includes('Fresh from the Git panel'))",
    )
    .await;
    s.wait_until(
        "the lesson's last step to be done",
        "document.querySelector(\"[data-step='3']\")?.dataset.done === 'true'",
    )
    .await;
    let progress = s.wait_for("[data-progress]").await.text().await.unwrap();
    // The fifth step (the same sidecar as a native sidecar) is for later.
    assert_eq!(progress, "4/5");
    s.screenshot("sidecar-serves-the-commit").await;
    s.finish().await;
}

/// A manifest longer than the pane: every line of the highlighted layer is drawn where
/// the text is (the layer is as tall as the textarea, not clipped at the pane), the
/// editor scrolls as one, and the pane has one scrollbar, not two.
#[tokio::test(flavor = "multi_thread")]
async fn long_manifests_are_drawn_to_the_last_line() {
    let s = Session::open("long-manifest").await;
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: long\n  labels:\n");
    for i in 0..60 {
        text.push_str(&format!("    l{i}: v{i}\n"));
    }
    text.push_str("spec:\n  containers:\n  - name: c\n    image: nginx\n");
    s.type_manifest(&text).await;
    s.wait_until(
        "the highlighted layer to be as tall as the text",
        "(() => { const h = document.querySelector('.code .highlight').getBoundingClientRect(); \
         const t = document.querySelector('textarea[data-editor]').getBoundingClientRect(); \
         return t.height > 1000 && h.height >= t.height - 1; })()",
    )
    .await;
    let last_visible = s
        .client
        .execute(
            "const e = document.querySelector('.editor'); e.scrollTop = e.scrollHeight; \
             const pane = document.querySelector('.editor-pane'); \
             return [pane.scrollHeight <= pane.clientHeight, \
                     document.querySelector('.code .highlight').textContent.includes('image: nginx')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        last_visible,
        serde_json::json!([true, true]),
        "the pane scrolls only through its editor, and the layer holds the last line"
    );
    s.screenshot("long-manifest-bottom").await;
    s.finish().await;
}

/// A line wider than the pane: the highlighted layer is as wide as the textarea, so the
/// end of the long line is drawn when the editor is scrolled to it, and once the caret is
/// back at the start of a short line no text is hidden under the line numbers.
#[tokio::test(flavor = "multi_thread")]
async fn wide_lines_are_drawn_and_never_hidden_under_the_line_numbers() {
    let s = Session::open("wide-manifest").await;
    let long = format!(
        "    command: ['sh', '-c', 'echo {} && sleep 3600']\n",
        "x".repeat(120)
    );
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wide\nspec:\n  containers:\n  - name: c\n    image: busybox\n{long}  restartPolicy: Never\n"
    );
    s.type_manifest(&text).await;
    s.wait_until(
        "the highlighted layer to hold the typed text",
        "document.querySelector('.code .highlight').textContent.includes('restartPolicy')",
    )
    .await;
    let layout = s
        .client
        .execute(
            "const h = document.querySelector('.code .highlight').getBoundingClientRect(); \
             const t = document.querySelector('textarea[data-editor]').getBoundingClientRect(); \
             const g = document.querySelector('.editor .gutter').getBoundingClientRect(); \
             return [Math.round(h.width) >= Math.round(t.width), \
                     Math.round(t.left) + 8 >= Math.round(g.right)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        layout,
        serde_json::json!([true, true]),
        "[the layer is as wide as the text, the start of each line is right of the line numbers]"
    );
    s.client
        .execute(
            "const e = document.querySelector('.editor'); e.scrollLeft = e.scrollWidth; return true;",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("wide-manifest-right").await;
    s.finish().await;
}

/// The inspector has a way back: its close control and Escape show the lessons again,
/// also once the selected pod is gone.
#[tokio::test(flavor = "multi_thread")]
async fn the_inspector_closes_back_to_the_lessons() {
    let s = Session::open("inspector-close").await;
    s.type_manifest(NGINX).await;
    s.apply().await;
    s.wait_for("[data-inspect='default/nginx']").await;
    s.wait_for("button[data-action='close-inspector']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_until(
        "the lessons to show again",
        "!document.querySelector('[data-inspect]') && !!document.querySelector('[data-lessons]')",
    )
    .await;
    // Select the pod again, then Escape from inside the inspector.
    s.wait_for("[data-pod='default/nginx']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("[data-inspect='default/nginx'] button[data-action='delete']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_until(
        "the gone pod's note to offer the way back",
        "document.querySelector('.inspector')?.textContent.includes('no longer exists')",
    )
    .await;
    s.client
        .execute(
            "document.querySelector(\"button[data-action='close-inspector']\").focus();",
            vec![],
        )
        .await
        .unwrap();
    s.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    s.wait_until(
        "Escape to show the lessons again",
        "!document.querySelector('.inspector')?.textContent.includes('no longer exists')",
    )
    .await;
    s.finish().await;
}

/// The three nodes sit side by side in the default layout, also once the cluster pane
/// scrolls (a scrollbar used to drop a column and hide k8s-worker-02 below the fold),
/// and a long taint stays inside its card.
#[tokio::test(flavor = "multi_thread")]
async fn three_nodes_side_by_side() {
    let s = Session::open("node-grid").await;
    let input = s.wait_for("input[data-terminal-input]").await;
    input
        .send_keys("kubectl taint nodes k8s-worker-02 a-rather-long-taint-key.example.com/with-a-path=and-a-long-value:NoSchedule\n")
        .await
        .unwrap();
    s.wait_for("[data-node='k8s-worker-02'] [data-taint]").await;
    let (same_row, inside) = {
        let v = s
            .client
            .execute(
                "const tops = ['k8s-master-01','k8s-worker-01','k8s-worker-02'].map(n => document.querySelector(`[data-node='${n}']`).getBoundingClientRect().top); \
                 const card = document.querySelector(\"[data-node='k8s-worker-02']\").getBoundingClientRect(); \
                 const taint = document.querySelector(\"[data-node='k8s-worker-02'] [data-taint]\").getBoundingClientRect(); \
                 return [tops.every(t => Math.abs(t - tops[0]) < 1), taint.right <= card.right + 0.5];",
                vec![],
            )
            .await
            .unwrap();
        (v[0].as_bool(), v[1].as_bool())
    };
    s.screenshot("three-nodes-side-by-side").await;
    assert_eq!(same_row, Some(true), "the three node cards share one row");
    assert_eq!(inside, Some(true), "the long taint stays inside its card");
    s.finish().await;
}
