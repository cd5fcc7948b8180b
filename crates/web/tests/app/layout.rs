//! Component tests of the layout: one pane shown alone (its control, Alt+digit) and
//! back, and what a node card shows of the node's place (its zone).

use super::common::*;
use wasm_bindgen_test::*;

/// The panes in the stacked order (Alt+1 is the first): name, the pane's element.
const PANES: [(&str, &str); 5] = [
    ("editor", ".layout > .editor-pane"),
    ("cluster", ".layout > .cluster"),
    ("terminal", ".layout > .terminal"),
    ("inspector", ".layout > .inspector"),
    ("tools", ".layout > .tools"),
];

/// Alt+`digit` on `target`, as the keyboard sends it (the key's place as well as its
/// character).
fn press_alt(target: &web_sys::EventTarget, digit: u8) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(&digit.to_string());
    init.set_code(&format!("Digit{digit}"));
    init.set_alt_key(true);
    init.set_bubbles(true);
    target
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
}

/// Only `name`'s pane is drawn, full height (the layout says which); its control
/// says it is pressed.
async fn alone(root: &web_sys::Element, name: &str) {
    attribute_is(root, "main.layout", "data-focus", name).await;
    for (other, selector) in PANES {
        let drawn = root.query_selector(selector).unwrap().is_some();
        assert_eq!(drawn, other == name, "{selector} while {name} is alone");
    }
    attribute_is(
        root,
        &format!("[data-focus-pane='{name}']"),
        "aria-pressed",
        "true",
    )
    .await;
    assert!(root.query_selector(".app.pane-focused").unwrap().is_some());
}

/// All the panes are drawn again, each with its control.
async fn all_shown(root: &web_sys::Element) {
    gone(root, "main[data-focus]").await;
    for (name, selector) in PANES {
        find(root, selector).await;
        attribute_is(
            root,
            &format!("{selector} [data-focus-pane='{name}']"),
            "aria-pressed",
            "false",
        )
        .await;
    }
}

/// Each pane's control shows it alone and, pressed again, all of them; Alt+1 … Alt+5
/// do the same from the keyboard (the pane's digit again, or Alt+0, goes back).
#[wasm_bindgen_test]
async fn a_pane_can_be_shown_alone_and_back() {
    let root = mount().await;
    all_shown(&root).await;
    for (name, _) in PANES {
        click(&root, &format!("[data-focus-pane='{name}']")).await;
        alone(&root, name).await;
        click(&root, &format!("[data-focus-pane='{name}']")).await;
        all_shown(&root).await;
    }
    // From the keyboard, typing in the terminal: Alt+3 is the terminal, Alt+3 again
    // shows all.
    let input = find(&root, "input[data-terminal-input]").await;
    press_alt(&input, 3);
    alone(&root, "terminal").await;
    let input = find(&root, "input[data-terminal-input]").await;
    press_alt(&input, 3);
    all_shown(&root).await;
    // Alt+2 the cluster; Alt+0 from inside it shows all; Alt+9 is nothing.
    let input = find(&root, "input[data-terminal-input]").await;
    press_alt(&input, 2);
    alone(&root, "cluster").await;
    let card = find(
        &root,
        "[data-node='k8s-worker-01'] button[data-action='cordon']",
    )
    .await;
    press_alt(&card, 0);
    all_shown(&root).await;
    let input = find(&root, "input[data-terminal-input]").await;
    press_alt(&input, 9);
    all_shown(&root).await;
    // What the shown pane holds carries on: the terminal alone still runs kubectl.
    click(&root, "[data-focus-pane='terminal']").await;
    alone(&root, "terminal").await;
    let out = terminal(&root, "kubectl get nodes -o name").await;
    assert!(out.contains("node/k8s-worker-01"), "{out}");
    click(&root, "[data-focus-pane='terminal']").await;
    all_shown(&root).await;
    root.remove();
}

/// A node card shows the node's zone (its `topology.kubernetes.io/zone` label) once
/// it has one, and not otherwise.
#[wasm_bindgen_test]
async fn a_node_card_shows_its_zone() {
    let root = mount().await;
    find(&root, "[data-node='k8s-worker-02']").await;
    assert!(root.query_selector("[data-zone]").unwrap().is_none());
    let out = terminal(
        &root,
        "kubectl label node k8s-worker-01 topology.kubernetes.io/zone=us-east-1a",
    )
    .await;
    assert!(out.contains("node/k8s-worker-01 labeled"), "{out}");
    attribute_is(
        &root,
        "[data-node='k8s-worker-01'] [data-zone]",
        "data-zone",
        "us-east-1a",
    )
    .await;
    text_is(
        &root,
        "[data-node='k8s-worker-01'] [data-zone]",
        "zone us-east-1a",
    )
    .await;
    // Well-known, it is not listed again among the node's own labels.
    assert!(!text_of(&root, "[data-node='k8s-worker-01']").contains("topology.kubernetes.io"));
    assert!(root
        .query_selector("[data-node='k8s-worker-02'] [data-zone]")
        .unwrap()
        .is_none());
    terminal(
        &root,
        "kubectl label node k8s-worker-01 topology.kubernetes.io/zone-",
    )
    .await;
    gone(&root, "[data-node='k8s-worker-01'] [data-zone]").await;
    root.remove();
}
