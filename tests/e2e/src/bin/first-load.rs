//! The first second, for `cargo xtask bench`: cold loads of the release dist in headless
//! Chromium under the DevTools protocol's network throttling (cache disabled, storage
//! cleared before each load), served brotli or gzip from the dist's precompressed files.
//! For each link and encoding, the median of five loads of: the skeleton painted (first
//! contentful paint) and a working cluster (the three node cards present and the
//! terminal's input enabled, stamped in the page by an observer installed before the
//! page's own scripts), and the bytes the page transferred. Prints Markdown. Needs
//! `PODLAB_DIST` (a release dist, with its `.br`/`.gz` files) and Chromium with
//! ChromeDriver, as the end-to-end tests do; `FIRST_LOAD_LINKS=10` measures only the
//! links whose name contains `10`.

use podlab_e2e::{browser, dist_dir, Cdp, ChromeDriver, Encoding, StaticServer};
use serde_json::json;
use std::time::{Duration, Instant};

/// Cold loads measured for each configuration.
const LOADS: usize = 5;

/// Stamps `window.__podlabReady` (ms since navigation) when the cluster works.
const OBSERVER: &str = "(() => {
  const ready = () => document.querySelectorAll('[data-node]').length >= 3 &&
    document.querySelector('input[data-terminal-input]:not([disabled])');
  const observer = new MutationObserver(() => {
    if (window.__podlabReady === undefined && ready()) {
      window.__podlabReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})();";

/// A link to emulate: its name, round-trip latency (ms), down and up bits per second;
/// `None` for loopback as it is, and the targets with brotli (ms).
struct Link {
    name: &'static str,
    shape: Option<(u32, u64, u64)>,
    target_ready_ms: f64,
    target_skeleton_ms: Option<f64>,
}

const LINKS: [Link; 3] = [
    Link {
        name: "loopback",
        shape: None,
        target_ready_ms: f64::NAN,
        target_skeleton_ms: Some(100.0),
    },
    Link {
        name: "10 Mbps, 40 ms",
        shape: Some((40, 10_000_000, 10_000_000)),
        target_ready_ms: 750.0,
        target_skeleton_ms: None,
    },
    Link {
        name: "1.6 Mbps, 150 ms",
        shape: Some((150, 1_600_000, 750_000)),
        target_ready_ms: 3300.0,
        target_skeleton_ms: None,
    },
];

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn cdp(client: &fantoccini::Client, cmd: &'static str, params: serde_json::Value) {
    client
        .issue_cmd(Cdp(cmd, params))
        .await
        .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"));
}

/// One cold load's figures.
struct Load {
    /// First contentful paint (the skeleton), ms after navigation start.
    paint: f64,
    /// The wasm's last byte.
    wasm: f64,
    /// The cluster works.
    ready: f64,
    /// Bytes the page transferred.
    bytes: f64,
    /// Whether the explain schema was fetched.
    schema: bool,
}

async fn load(client: &fantoccini::Client, url: &str) -> Load {
    client.goto("about:blank").await.expect("blank page");
    let origin = url.trim_end_matches('/');
    cdp(
        client,
        "Storage.clearDataForOrigin",
        json!({ "origin": origin, "storageTypes": "all" }),
    )
    .await;
    cdp(client, "Network.clearBrowserCache", json!({})).await;
    client.goto(url).await.expect("load the app");
    let deadline = Instant::now() + Duration::from_secs(120);
    let ready = loop {
        let v = client
            .execute("return window.__podlabReady ?? null;", vec![])
            .await
            .expect("read the ready stamp");
        if let Some(t) = v.as_f64() {
            break t;
        }
        assert!(
            Instant::now() < deadline,
            "the cluster did not work within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Every resource has ended (the cluster works), so their sizes are final.
    let facts = client
        .execute(
            "const paint = performance.getEntriesByName('first-contentful-paint')[0];\
             const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];\
             const wasm = all.filter(e => e.name.endsWith('.wasm')).map(e => e.responseEnd);\
             return [paint ? paint.startTime : null,\
                     all.reduce((n, e) => n + (e.transferSize || 0), 0),\
                     all.some(e => e.name.includes('openapi')),\
                     wasm.length ? Math.max(...wasm) : null];",
            vec![],
        )
        .await
        .expect("read the paint and resource timings");
    let facts = facts.as_array().cloned().unwrap_or_default();
    let num = |i: usize| facts.get(i).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    Load {
        paint: num(0),
        wasm: num(3),
        ready,
        bytes: num(1),
        schema: facts.get(2).and_then(|v| v.as_bool()).unwrap_or(false),
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dist = dist_dir();
    assert!(
        std::fs::read_dir(&dist)
            .expect("read the dist")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".wasm.br")),
        "{} has no precompressed files: build it with `trunk build --release`",
        dist.display()
    );
    let driver = ChromeDriver::start();
    let (client, _profile) = browser(&driver, "first-load").await;
    cdp(&client, "Network.enable", json!({})).await;
    cdp(
        &client,
        "Network.setCacheDisabled",
        json!({ "cacheDisabled": true }),
    )
    .await;
    cdp(
        &client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": OBSERVER }),
    )
    .await;
    let servers = [
        (
            "brotli",
            StaticServer::with_encoding(dist.clone(), Encoding::Brotli),
        ),
        (
            "gzip",
            StaticServer::with_encoding(dist.clone(), Encoding::Gzip),
        ),
    ];
    let mut rows = Vec::new();
    let mut schema_fetched = false;
    // `FIRST_LOAD_LINKS=10` measures only the links whose name contains it.
    let only = std::env::var("FIRST_LOAD_LINKS").unwrap_or_default();
    for link in LINKS.iter().filter(|l| l.name.contains(only.as_str())) {
        let (latency, down, up) = link.shape.map_or((0, -1.0, -1.0), |(l, d, u)| {
            (l, d as f64 / 8.0, u as f64 / 8.0)
        });
        cdp(
            &client,
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": latency,
                    "downloadThroughput": down, "uploadThroughput": up }),
        )
        .await;
        for (encoding, server) in &servers {
            let mut loads = Vec::new();
            for _ in 0..LOADS {
                let l = load(&client, &server.url).await;
                schema_fetched |= l.schema;
                loads.push(l);
            }
            let of = |f: fn(&Load) -> f64| median(loads.iter().map(f).collect());
            let (paint, ready) = (of(|l| l.paint), of(|l| l.ready));
            let target = |t: f64, v: f64| {
                if t.is_nan() || *encoding != "brotli" {
                    String::new()
                } else if v <= t {
                    format!(" (target ≤ {t:.0} ms: met)")
                } else {
                    format!(" (target ≤ {t:.0} ms: MISSED)")
                }
            };
            rows.push(format!(
                "| {} | {encoding} | {:.0} KB | {paint:.0} ms{} | {:.0} ms | {ready:.0} ms{} |",
                link.name,
                of(|l| l.bytes) / 1000.0,
                target(link.target_skeleton_ms.unwrap_or(f64::NAN), paint),
                of(|l| l.wasm),
                target(link.target_ready_ms, ready),
            ));
            eprintln!("first-load: {}", rows.last().map_or("", String::as_str));
        }
    }
    let _ = client.close().await;
    println!(
        "| Link (DevTools throttling) | Encoding | Transferred | Skeleton painted (first contentful paint) | Wasm downloaded | Working cluster (3 node cards, terminal input) |\n|---|---|---|---|---|---|"
    );
    for row in rows {
        println!("{row}");
    }
    println!(
        "\nMedians of {LOADS} cold loads each (cache disabled, storage cleared), in ms after navigation start. The explain schema was {}fetched during these loads.",
        if schema_fetched { "" } else { "not " }
    );
}
