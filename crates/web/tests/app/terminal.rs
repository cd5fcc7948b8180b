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

/// Presses each key on `target`: `^X` is Ctrl-X, anything else a key's name.
fn keys(target: &web_sys::Element, keys: &[&str]) {
    for key in keys {
        match key.strip_prefix('^') {
            Some(c) if !c.is_empty() => press(target, c, true),
            _ => press(target, key, false),
        }
    }
}

/// Waits until the focus is in the full-screen editor, and returns it.
async fn editor_has_focus(root: &web_sys::Element) -> web_sys::Element {
    let screen = find(root, "[data-fullscreen]").await;
    wait_for("the focus in the full-screen editor", || {
        (document().active_element().as_ref() == Some(&screen)).then_some(())
    })
    .await;
    screen
}

/// `vi pod.yaml` takes the terminal over full-screen with the focus in it: `O`, text,
/// Esc and `:wq` write the file (the editor pane shows it), the terminal comes back
/// with its scrollback, and `cat pod.yaml` shows the line. nano likewise: typing, Ctrl-O,
/// Enter (`[ Wrote 1 line ]`), Ctrl-X.
#[wasm_bindgen_test]
async fn vi_and_nano_edit_files_full_screen() {
    let root = mount().await;
    terminal(&root, "echo before the editor").await;
    terminal(&root, "vi pod.yaml").await;
    let screen = editor_has_focus(&root).await;
    text_has(&root, "[data-fs-row='23']", "\"pod.yaml\"").await;
    keys(&screen, &["g", "g", "O"]);
    text_is(&root, "[data-fs-row='23']", "-- INSERT --").await;
    for c in "# edited in vi".chars() {
        press(&screen, &c.to_string(), false);
    }
    keys(&screen, &["Escape", ":", "q", "Enter"]);
    text_has(
        &root,
        "[data-fs-row='23']",
        "E37: No write since last change (add ! to override)",
    )
    .await;
    keys(&screen, &[":", "w", "q", "Enter"]);
    gone(&root, "[data-fullscreen]").await;
    text_has(&root, "[data-terminal-screen]", "before the editor").await;
    let input = find(&root, "input[data-terminal-input]").await;
    wait_for("the focus back in the input line", || {
        (document().active_element().as_ref() == Some(&input)).then_some(())
    })
    .await;
    let shown = terminal(&root, "head -n 1 pod.yaml").await;
    assert!(shown.contains("# edited in vi"), "{shown}");
    let area: web_sys::HtmlTextAreaElement = find(&root, "textarea[data-editor]")
        .await
        .dyn_into()
        .unwrap();
    assert!(
        area.value().starts_with("# edited in vi\n"),
        "{}",
        area.value()
    );

    terminal(&root, "nano notes.txt").await;
    let screen = editor_has_focus(&root).await;
    text_has(&root, "[data-fs-row='21']", "[ New File ]").await;
    text_is(
        &root,
        "[data-fs-row='22']",
        "^G Help      ^O Write Out ^W Where Is  ^K Cut       ^T Execute   ^C Location",
    )
    .await;
    for c in "hello".chars() {
        press(&screen, &c.to_string(), false);
    }
    keys(&screen, &["^o"]);
    // The cursor stands after the name.
    text_is(
        &root,
        "[data-fs-row='21']",
        "File Name to Write: notes.txt ",
    )
    .await;
    keys(&screen, &["Enter"]);
    text_has(&root, "[data-fs-row='21']", "[ Wrote 1 line ]").await;
    keys(&screen, &["^x"]);
    gone(&root, "[data-fullscreen]").await;
    let shown = terminal(&root, "cat notes.txt").await;
    assert!(shown.contains("hello"), "{shown}");
    root.remove();
}
