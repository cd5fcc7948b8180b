//! A here-document typed into the terminal a line at a time, as a learner types (or
//! pastes) the docs' `cat <<EOF | kubectl apply -f -`: the secondary prompt `> ` until
//! the delimiter, then the pod it creates lands on a worker's card.

use podlab_e2e::Session;

#[tokio::test(flavor = "multi_thread")]
async fn a_here_document_typed_in_the_terminal_puts_a_pod_on_a_node_card() {
    let s = Session::open("here-document").await;
    let input = s.wait_for("input[data-terminal-input]").await;
    let first_prompt = s
        .client
        .execute(
            "return document.querySelector('[data-terminal-prompt]').textContent;",
            vec![],
        )
        .await
        .unwrap();
    let lines = [
        "cat <<EOF | kubectl apply -f -",
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: typed",
        "spec:",
        "  containers:",
        "  - name: web",
        "    image: nginx",
    ];
    for line in lines {
        // WebDriver's Enter key ends each line.
        input.send_keys(&format!("{line}\u{E007}")).await.unwrap();
        s.wait_until(
            "the secondary prompt",
            "document.querySelector('[data-terminal-prompt]')?.textContent === '> '",
        )
        .await;
    }
    input.send_keys("EOF\u{E007}").await.unwrap();
    s.wait_until(
        "kubectl's answer",
        "[...document.querySelectorAll('[data-terminal-output]')].some(e => e.textContent.includes('pod/typed created'))",
    )
    .await;
    s.wait_until(
        "the first prompt again",
        &format!(
            "document.querySelector('[data-terminal-prompt]')?.textContent === {first_prompt}"
        ),
    )
    .await;
    // The lines typed are shown as typed, indentation and all.
    s.wait_until(
        "an indented line shown indented",
        "[...document.querySelectorAll('[data-terminal-entry] .prompt-line')].some(e => e.innerText === '>   name: typed')",
    )
    .await;
    s.wait_for("[data-node^='k8s-worker-'] [data-pod='default/typed']")
        .await;
    s.wait_until(
        "the typed pod to be Running",
        "document.querySelector(\"[data-pod='default/typed']\")?.dataset.phase === 'Running'",
    )
    .await;
    s.screenshot("here-document-pod-on-a-node").await;
    s.finish().await;
}
