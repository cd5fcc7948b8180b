//! An embedded playground with chosen panels, at the size a docs page gives it: no grid
//! cell left empty, the cluster pane shows its three nodes side by side, and the
//! terminal's title keeps apart from its hint.

use podlab_e2e::{Encoding, Session};

#[tokio::test(flavor = "multi_thread")]
async fn an_embed_with_three_panels_fills_its_frame() {
    let s = Session::blank("embed-layout", Encoding::Identity).await;
    // The frame a docs page gives it (the README's example is 560 px high).
    s.cdp(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 900, "height": 560, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await;
    s.client
        .goto(&format!(
            "{}?embed=1&lesson=taints&panels=terminal,cluster,inspector",
            s.app_url
        ))
        .await
        .unwrap();
    s.wait_for("[data-node='k8s-worker-02']").await;
    s.wait_for("[data-step='0']").await;
    // Rectangles: the layout, each panel, each node card inside the cluster pane's
    // visible box, the terminal's title and hint.
    let v = s
        .client
        .execute(
            "const r = e => e.getBoundingClientRect();\
             const layout = r(document.querySelector('main.layout'));\
             const panels = [...document.querySelector('main.layout').children].map(r);\
             const covered = panels.reduce((n, p) => n + p.width * p.height, 0);\
             const inner = (layout.width - 24) * (layout.height - 24);\
             const pane = r(document.querySelector('section.cluster'));\
             const cards = [...document.querySelectorAll('[data-node]')].map(r);\
             const visible = cards.every(c => c.left >= pane.left && c.right <= pane.right && c.top < pane.bottom && c.top >= pane.top);\
             const rows = new Set(cards.map(c => Math.round(c.top))).size;\
             const title = r(document.querySelector('.terminal .pane-title > span:first-child'));\
             const hint = r(document.querySelector('.terminal .pane-title .hint'));\
             const scrolls = document.scrollingElement.scrollHeight > innerHeight;\
             return [covered / inner, visible, rows, hint.left - title.right, scrolls];",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("embed-three-panels").await;
    let covered = v[0].as_f64().unwrap();
    assert!(covered > 0.9, "the panels cover {covered:.2} of the layout");
    assert_eq!(v[1].as_bool(), Some(true), "a node card is out of view");
    assert_eq!(
        v[2].as_u64(),
        Some(1),
        "the node cards are not side by side"
    );
    let gap = v[3].as_f64().unwrap();
    assert!(
        gap >= 8.0,
        "the terminal's title and hint are {gap} px apart"
    );
    assert_eq!(v[4].as_bool(), Some(false), "the page scrolls in its frame");
    s.finish().await;
}
