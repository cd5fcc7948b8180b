//! The playground on narrow screens (a small laptop window, a phone): the panes stack,
//! each tall enough to use, the page scrolls to them, and the top bar keeps its clock
//! and Share on the screen.

use podlab_e2e::{Encoding, Session};

#[tokio::test(flavor = "multi_thread")]
async fn narrow_screens_stack_the_panes_and_scroll() {
    let s = Session::blank("small-screens", Encoding::Identity).await;
    for (width, height) in [(800, 900), (390, 844)] {
        s.cdp(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
        s.client.goto(&s.app_url).await.unwrap();
        s.wait_for("[data-node='k8s-worker-02']").await;
        s.wait_for("input[data-terminal-input]").await;
        let v = s
            .client
            .execute(
                "const r = e => e.getBoundingClientRect();\
                 const bar = document.querySelector('.topbar');\
                 const share = r(document.querySelector(\"button[data-action='share']\"));\
                 const editor = r(document.querySelector('.editor-pane')).height;\
                 const terminal = r(document.querySelector('.terminal')).height;\
                 const scrolls = document.scrollingElement.scrollHeight > innerHeight;\
                 return [bar.scrollWidth <= bar.clientWidth && share.right <= innerWidth, editor, terminal, scrolls];",
                vec![],
            )
            .await
            .unwrap();
        s.screenshot(&format!("small-screen-{width}")).await;
        assert_eq!(v[0].as_bool(), Some(true), "{width}: the top bar overflows");
        let (editor, terminal) = (v[1].as_f64().unwrap(), v[2].as_f64().unwrap());
        assert!(editor >= 300.0, "{width}: the editor is {editor} px high");
        assert!(
            terminal >= 250.0,
            "{width}: the terminal is {terminal} px high"
        );
        assert_eq!(
            v[3].as_bool(),
            Some(true),
            "{width}: the page does not scroll"
        );
    }
    s.finish().await;
}

/// On a phone one pane can be shown alone, filling the screen below the top bar (the
/// page does not scroll), and all of them again: with the pane's control, and with
/// Alt+digit from the keyboard.
#[tokio::test(flavor = "multi_thread")]
async fn a_pane_shown_alone_fills_a_small_screen() {
    let s = Session::blank("pane-alone", Encoding::Identity).await;
    s.cdp(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await;
    s.client.goto(&s.app_url).await.unwrap();
    s.wait_for("[data-node='k8s-worker-02']").await;
    s.wait_for("[data-focus-pane='terminal']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_for("main[data-focus='terminal']").await;
    let v = s
        .client
        .execute(
            "const t = document.querySelector('.terminal').getBoundingClientRect();\
             const bar = document.querySelector('.topbar').getBoundingClientRect();\
             return [t.height, innerHeight - bar.bottom, document.querySelectorAll('.layout > *').length,\
                     document.scrollingElement.scrollHeight <= innerHeight + 1];",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("small-screen-terminal-alone").await;
    let (pane, room) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
    assert!(
        pane >= room - 40.0,
        "the terminal alone is {pane} px high of {room}"
    );
    assert_eq!(v[2].as_u64(), Some(1), "only the terminal is drawn");
    assert_eq!(v[3].as_bool(), Some(true), "the page scrolls");
    // The terminal alone still runs commands; its control shows all the panes again.
    let input = s.wait_for("input[data-terminal-input]").await;
    input.send_keys("kubectl get nodes\u{E007}").await.unwrap();
    s.wait_until(
        "the get output",
        "[...document.querySelectorAll('[data-terminal-output]')].some(e => e.textContent.includes('k8s-worker-02'))",
    )
    .await;
    s.wait_for("[data-focus-pane='terminal']")
        .await
        .click()
        .await
        .unwrap();
    s.wait_until(
        "all the panes again",
        "!document.querySelector('main[data-focus]') && document.querySelectorAll('.layout > *').length === 5",
    )
    .await;
    // Alt+2 (WebDriver's Alt, then release) shows the cluster alone; Alt+0 all again.
    let input = s.wait_for("input[data-terminal-input]").await;
    input.send_keys("\u{E00A}2\u{E000}").await.unwrap();
    s.wait_for("main[data-focus='cluster']").await;
    s.screenshot("small-screen-cluster-alone").await;
    s.wait_for("[data-node='k8s-worker-01'] button[data-action='cordon']")
        .await
        .send_keys("\u{E00A}0\u{E000}")
        .await
        .unwrap();
    s.wait_until(
        "all the panes again",
        "!document.querySelector('main[data-focus]')",
    )
    .await;
    s.finish().await;
}
