//! Component tests of the terminal a learner expects: here-documents typed a line at
//! a time, `kubectl port-forward` opening the browser tab, and `kubectl edit` in the
//! editor pane.

use super::common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// A here-document spans several input lines: the prompt is `> ` until its
/// delimiter, then the whole command runs (`cat <<EOF | kubectl apply -f -`).
#[wasm_bindgen_test]
async fn a_here_document_continues_with_the_secondary_prompt() {
    let root = mount().await;
    let first = prompt(&root);
    terminal(&root, "cat <<EOF | kubectl apply -f -").await;
    prompt_is(&root, "> ").await;
    for line in [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: typed",
        "spec:",
        "  containers:",
        "  - name: web",
        "    image: nginx",
    ] {
        terminal(&root, line).await;
        assert_eq!(prompt(&root), "> ");
    }
    let done = terminal(&root, "EOF").await;
    assert!(done.contains("pod/typed created"), "{done}");
    prompt_is(&root, &first).await;
    find(&root, "[data-pod='default/typed']").await;
    // The `k` alias the docs' setup makes.
    let listed = terminal(&root, "k get pod typed -o name").await;
    assert!(listed.contains("pod/typed"), "{listed}");
    root.remove();
}

/// `kubectl port-forward` prints its forwards, opens the browser tab on the local
/// port (which reaches the pod while it runs) and holds the terminal until Ctrl-C.
#[wasm_bindgen_test]
async fn port_forward_opens_the_browser_tab() {
    let root = mount().await;
    speed_up(&root).await;
    terminal(&root, "kubectl run web --image=nginx --port=80").await;
    until_phase(
        &root,
        "kubectl get pod web -o jsonpath={.status.phase}",
        "Running",
    )
    .await;
    let first = terminal(&root, "kubectl port-forward pod/web 8080:80").await;
    assert!(
        first.contains("Forwarding from 127.0.0.1:8080 -> 80")
            && first.contains("Forwarding from [::1]:8080 -> 80"),
        "{first}"
    );
    until_following(&root).await;
    let url = find(&root, "input[data-browser-url]").await;
    let url: web_sys::HtmlInputElement = url.dyn_into().unwrap();
    wait_for("the browser tab on localhost:8080", || {
        (url.value() == "http://localhost:8080/").then_some(())
    })
    .await;
    let srcdoc = attribute_when(&root, "iframe[data-browser-frame]", "srcdoc", |d| {
        !d.is_empty()
    })
    .await;
    assert!(srcdoc.contains("Welcome to nginx!"), "{srcdoc}");
    let last = last_entry(&root);
    entry_shows(&last, "the connection handled", |t| {
        t.contains("Handling connection for 8080")
    })
    .await;
    ctrl_c_stops_it(&root, &last).await;
    // Stopped, the forward no longer answers.
    browse(&root, "http://localhost:8080/").await;
    text_has(&root, "[data-browser-error]", "ERR_CONNECTION_REFUSED").await;
    root.remove();
}

/// `kubectl edit` opens the object's YAML in the editor as a new file; Apply saves it
/// as kubectl edit would: unchanged it cancels, changed it is applied.
#[wasm_bindgen_test]
async fn kubectl_edit_opens_the_object_in_the_editor() {
    let root = mount().await;
    terminal(&root, "kubectl run web --image=nginx").await;
    terminal(&root, "kubectl edit pod/web").await;
    until_following(&root).await;
    find(
        &root,
        "[data-file='kubectl-edit-pod-web.yaml'][aria-selected='true']",
    )
    .await;
    let area = find(&root, "textarea[data-editor]").await;
    let area: web_sys::HtmlTextAreaElement = area.dyn_into().unwrap();
    let text = wait_for("the object in the editor", || {
        let t = area.value();
        t.starts_with("# Please edit the object below.")
            .then_some(t)
    })
    .await;
    let last = last_entry(&root);
    click(&root, "button[data-action=apply]").await;
    entry_shows(&last, "the edit cancelled", |t| {
        t.contains("Edit cancelled, no changes made.")
    })
    .await;
    terminal(&root, "kubectl edit pod/web").await;
    until_following(&root).await;
    let last = last_entry(&root);
    type_into(
        &root,
        "textarea[data-editor]",
        &text.replace("run: web", "run: web\n    tier: front"),
    )
    .await;
    click(&root, "button[data-action=apply]").await;
    entry_shows(&last, "the edit applied", |t| t.contains("pod/web edited")).await;
    text_has(&root, "[data-result]", "pod/web edited").await;
    let labels = terminal(
        &root,
        "kubectl get pod web -o jsonpath={.metadata.labels.tier}",
    )
    .await;
    assert!(labels.contains("front"), "{labels}");
    root.remove();
}

/// The terminal's scrollback and its history survive a reload: the commands and what
/// they printed are back on the screen, and ↑ recalls the last command.
#[wasm_bindgen_test]
async fn scrollback_and_history_survive_a_reload() {
    let root = mount().await;
    terminal(&root, "echo kept across reloads").await;
    terminal(&root, "kubectl get nodes").await;
    let root = reload().await;
    let screen = wait_text(&root, "[data-terminal-screen]", |t| {
        t.contains("kept across reloads")
    })
    .await;
    assert!(screen.contains("k8s-worker-02"), "{screen}");
    let input = find(&root, "input[data-terminal-input]").await;
    press(&input, "ArrowUp", false);
    let input: web_sys::HtmlInputElement = input.dyn_into().unwrap();
    wait_for("the last command recalled", || {
        (input.value() == "kubectl get nodes").then_some(())
    })
    .await;
    root.remove();
}
