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
