//! UI timings in headless Chromium, for `cargo xtask bench`: the app's first render,
//! Apply of a large manifest, and the ticks of a busy cluster (100 nodes, 2,000 pods),
//! read from the User Timing marks and measures the app records (`podlab:first-render`,
//! `podlab:apply`, `podlab:tick`: from the update's start to the end of its render).
//! Prints Markdown. Needs `PODLAB_DIST` (a release dist) and Chromium with ChromeDriver,
//! as the end-to-end tests do.

use podlab_e2e::Session;
use std::time::Duration;

/// Page loads measured for the first render.
const LOADS: usize = 5;
/// Real seconds of ticks measured on the busy cluster.
const BUSY_SECONDS: u64 = 20;

async fn number(s: &Session, script: &str) -> Option<f64> {
    s.client
        .execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
}

async fn durations(s: &Session, name: &str) -> Vec<f64> {
    let script = format!("return performance.getEntriesByName('{name}').map(e => e.duration);");
    let v = s.client.execute(&script, vec![]).await.unwrap_or_default();
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_f64())
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "{} samples: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        v.len(),
        percentile(&v, 0.5),
        percentile(&v, 0.95),
        v.last().copied().unwrap_or(f64::NAN)
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let s = Session::open("ui-timings").await;
    let mut first = Vec::new();
    let mut loaded = Vec::new();
    for _ in 0..LOADS {
        s.client.goto(&s.app_url).await.expect("load the app");
        s.wait_for("[data-node='k8s-worker-01']").await;
        s.wait_until(
            "the first render mark",
            "performance.getEntriesByName('podlab:first-render').length > 0",
        )
        .await;
        if let Some(t) = number(
            &s,
            "return performance.getEntriesByName('podlab:first-render')[0].startTime;",
        )
        .await
        {
            first.push(t);
        }
        if let Some(t) = number(
            &s,
            "return performance.getEntriesByType('navigation')[0].loadEventEnd;",
        )
        .await
        {
            loaded.push(t);
        }
    }
    let idle_ticks = {
        tokio::time::sleep(Duration::from_secs(5)).await;
        durations(&s, "podlab:tick").await
    };

    // Frames while 20 pods land (each chip flies in from the pending lane): the
    // intervals between animation frames for 2 s after Apply.
    let twenty: String = (0..20)
        .map(|i| format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: fly-{i:02}\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: ['sleep', '3600']\n"))
        .collect();
    s.client
        .execute(
            "const t = document.querySelector('textarea[data-editor]');\
             t.value = arguments[0];\
             t.dispatchEvent(new Event('input', { bubbles: true }));\
             window.__frames = [];\
             const until = performance.now() + 2500;\
             const step = (ts) => { window.__frames.push(ts); if (ts < until) requestAnimationFrame(step); };\
             requestAnimationFrame(step);\
             document.querySelector(\"button[data-action='apply']\").click();",
            vec![serde_json::Value::String(twenty)],
        )
        .await
        .expect("apply 20 pods while counting frames");
    tokio::time::sleep(Duration::from_millis(2800)).await;
    let frames: Vec<f64> = s
        .client
        .execute(
            "const f = window.__frames; return f.slice(1).map((t, i) => t - f[i]);",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_f64())
        .collect();
    let landed = number(
        &s,
        "return document.querySelectorAll(\"[data-node] [data-pod^='default/fly-']\").length;",
    )
    .await
    .unwrap_or(0.0);
    let slow = frames.iter().filter(|&&d| d > 1000.0 / 60.0 + 1.0).count();
    let fps = if frames.is_empty() {
        f64::NAN
    } else {
        1000.0 * frames.len() as f64 / frames.iter().sum::<f64>()
    };
    let flight = format!(
        "{fps:.0} fps; frame intervals {}; {slow} over 17.7 ms",
        summary(frames.clone())
    );

    // The busy cluster: the manifest goes into the editor as if pasted, then Apply.
    let manifest = podlab_core::scenarios::busy_cluster_manifest();
    s.client
        .execute(
            "const t = document.querySelector('textarea[data-editor]');\
             t.value = arguments[0];\
             t.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::Value::String(manifest)],
        )
        .await
        .expect("paste the manifest");
    s.client
        .execute(
            "performance.clearMeasures('podlab:tick'); performance.clearMeasures('podlab:apply');",
            vec![],
        )
        .await
        .expect("clear tick measures");
    s.apply().await;
    s.wait_until(
        "Apply to finish",
        "performance.getEntriesByName('podlab:apply').length > 0",
    )
    .await;
    let apply = durations(&s, "podlab:apply").await;
    tokio::time::sleep(Duration::from_secs(BUSY_SECONDS)).await;
    let busy_ticks = durations(&s, "podlab:tick").await;
    let chips = number(&s, "return document.querySelectorAll('[data-pod]').length;")
        .await
        .unwrap_or(0.0);
    let nodes = number(
        &s,
        "return document.querySelectorAll('[data-node]').length;",
    )
    .await
    .unwrap_or(0.0);
    s.screenshot("ui-timings-busy").await;
    s.finish().await;

    first.sort_by(f64::total_cmp);
    loaded.sort_by(f64::total_cmp);
    println!("| What | Figure |\n|---|---|");
    println!(
        "| first render (ms after navigation start, median of {LOADS} loads) | {:.0} ms |",
        percentile(&first, 0.5)
    );
    println!(
        "| page load event end (median of {LOADS} loads) | {:.0} ms |",
        percentile(&loaded, 0.5)
    );
    println!(
        "| tick, default cluster (3 nodes, no pods) | {} |",
        summary(idle_ticks)
    );
    println!(
        "| frames while {landed:.0} pods land and fly in from the pending lane, 2.5 s | {flight} |"
    );
    println!(
        "| Apply of 97 nodes and 2,000 pods (decode, admit, schedule, render) | {} |",
        apply
            .first()
            .map_or("not measured".to_string(), |d| format!("{d:.0} ms"))
    );
    println!(
        "| tick, busy cluster ({nodes:.0} node cards, {chips:.0} pod chips), {BUSY_SECONDS} s | {} |",
        summary(busy_ticks)
    );
    println!("\nA tick must stay under 16.7 ms for the page to keep 60 frames per second.");
}
