//! The first second: the skeleton index.html paints before the wasm arrives, its
//! progress bar follows the download, the app replaces it, and a browser that cannot
//! run the app is told why. The release dist served brotli, as a static host sends it.

use podlab_e2e::{Encoding, Session};
use serde_json::json;

/// Records, from before the page's own scripts, every fraction the progress bar showed
/// and whether the skeleton was still there once the app had drawn its nodes.
const RECORDER: &str = "window.__boot = { fractions: [], skeletonWithApp: false };
new MutationObserver(() => {
  const bar = document.querySelector('[data-boot-progress]');
  const seen = window.__boot.fractions;
  if (bar && bar.hasAttribute('value') && seen[seen.length - 1] !== bar.value / bar.max) {
    seen.push(bar.value / bar.max);
  }
  if (document.querySelector('[data-node]') && document.querySelector('[data-boot]')) {
    window.__boot.skeletonWithApp = true;
  }
}).observe(document, { childList: true, subtree: true, attributes: true });";

#[tokio::test(flavor = "multi_thread")]
async fn the_skeleton_shows_the_download_then_gives_way_to_the_app() {
    let s = Session::blank("skeleton", Encoding::Brotli).await;
    s.cdp("Network.enable", json!({})).await;
    // 4 Mbps: the brotli wasm takes over a second, in many chunks.
    s.cdp(
        "Network.emulateNetworkConditions",
        json!({ "offline": false, "latency": 40, "downloadThroughput": 500_000, "uploadThroughput": 500_000 }),
    )
    .await;
    s.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": RECORDER }),
    )
    .await;
    // Navigates without waiting for the page to load: the skeleton is seen mid-download.
    s.cdp("Page.navigate", json!({ "url": s.app_url })).await;
    s.wait_until(
        "the progress bar part way",
        "(b => b && b.value > 0 && b.value < b.max)(document.querySelector('[data-boot-progress]'))",
    )
    .await;
    s.screenshot("skeleton-downloading").await;
    for node in ["k8s-master-01", "k8s-worker-01", "k8s-worker-02"] {
        s.wait_for(&format!("[data-node='{node}']")).await;
    }
    s.wait_for("input[data-terminal-input]").await;
    let boot = s
        .client
        .execute("return window.__boot;", vec![])
        .await
        .unwrap();
    let fractions: Vec<f64> = boot["fractions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    assert!(fractions.len() >= 3, "few progress steps: {fractions:?}");
    assert!(
        fractions.windows(2).all(|w| w[0] <= w[1]),
        "the bar went back: {fractions:?}"
    );
    assert_eq!(fractions.last(), Some(&1.0), "{fractions:?}");
    assert_eq!(
        boot["skeletonWithApp"],
        json!(false),
        "skeleton and app at once"
    );
    let page = s
        .client
        .execute(
            "const wasms = performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm'));\
             const wasm = wasms[0];\
             return [document.querySelectorAll('[data-boot]').length, document.querySelectorAll('.app').length,\
                     wasm.encodedBodySize, wasm.decodedBodySize, wasms.length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(page[0], json!(0), "the skeleton is left in the page");
    assert_eq!(page[1], json!(1), "one app");
    // The preload in index.html and the loader's fetch are one download.
    assert_eq!(page[4], json!(1), "the wasm was downloaded more than once");
    let (encoded, decoded) = (page[2].as_f64().unwrap(), page[3].as_f64().unwrap());
    assert!(
        encoded > 0.0 && encoded < decoded * 0.4,
        "the wasm came {encoded} bytes for {decoded}: not brotli"
    );
    s.finish().await;
}

/// The wasm cannot be downloaded: the skeleton stays, with a message saying so.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_download_leaves_a_message_on_the_skeleton() {
    let s = Session::blank("boot-failed", Encoding::Gzip).await;
    s.cdp("Network.enable", json!({})).await;
    s.cdp("Network.setBlockedURLs", json!({ "urls": ["*.wasm"] }))
        .await;
    s.client.goto(&s.app_url).await.unwrap();
    let message = s.wait_for("[data-boot-failed]:not([hidden])").await;
    let text = message.text().await.unwrap();
    assert!(
        text.starts_with("Podlab could not start:") && text.contains("Reload the page"),
        "{text}"
    );
    // The skeleton: the top bar and the three nodes' places.
    let cards = s
        .client
        .find_all(fantoccini::Locator::Css(".app.boot .node-card"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 3);
    s.screenshot("skeleton-download-failed").await;
    let _ = s.client.close().await;
}

/// A browser without WebAssembly is told so on the skeleton.
#[tokio::test(flavor = "multi_thread")]
async fn a_browser_without_webassembly_is_told_so() {
    let s = Session::blank("no-wasm", Encoding::Identity).await;
    s.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "delete globalThis.WebAssembly;" }),
    )
    .await;
    s.client.goto(&s.app_url).await.unwrap();
    let message = s.wait_for("[data-boot-failed]:not([hidden])").await;
    let text = message.text().await.unwrap();
    assert!(
        text.starts_with("This browser cannot run WebAssembly"),
        "{text}"
    );
    s.screenshot("skeleton-no-webassembly").await;
    let _ = s.client.close().await;
}
