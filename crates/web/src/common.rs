//! What several panels share: simulated time as text, the pages the browser tab and
//! the inspector show, what the inspector shows, the one-line reports under the
//! editor, and what a panel's update asks of the app. This module imports no panel.

use podlab_core::manifest::Diagnostic;
use yew::prelude::*;

/// hh:mm:ss of simulated time.
pub fn clock_text(t: podlab_core::clock::SimTime) -> String {
    let secs = t.0 / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// What the inspector shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// A pod by `namespace/name`.
    Pod(String),
    Node(String),
    /// A workload: a Deployment, ReplicaSet, DaemonSet, StatefulSet, Job or CronJob.
    Workload(Workload),
}

/// A workload by kind (`Deployment`), namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Workload {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Workload {
    /// As kubectl names it on the command line: `deployment/web`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.name)
    }
}

/// The outcome of the last Apply (or of an action), shown under the editor.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub diagnostics: Vec<Diagnostic>,
    /// The text the diagnostics are about (hints read it).
    pub text: String,
    /// kubectl's line per object (`pod/nginx created`) and whether it was an error.
    pub lines: Vec<(String, bool)>,
}

impl ApplyReport {
    /// A report of one line (an action's result), and whether it is an error.
    pub fn line(text: &str, error: bool) -> ApplyReport {
        ApplyReport {
            diagnostics: Vec::new(),
            text: String::new(),
            lines: vec![(text.to_string(), error)],
        }
    }
}

/// Whether a panel's update needs the page redrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Render {
    Yes,
    No,
}

/// What a panel's update asks of the app besides its own state: a redraw, saving the
/// workspace, a line under the editor.
pub struct Outcome {
    pub render: Render,
    pub save: bool,
    pub report: Option<ApplyReport>,
}

impl Outcome {
    /// Redraw, nothing more.
    pub fn render() -> Outcome {
        Outcome {
            render: Render::Yes,
            save: false,
            report: None,
        }
    }

    /// Nothing the page shows changed (a field's text kept for later).
    pub fn quiet() -> Outcome {
        Outcome {
            render: Render::No,
            save: false,
            report: None,
        }
    }

    /// Redraw and save the workspace.
    pub fn saved() -> Outcome {
        Outcome {
            save: true,
            ..Outcome::render()
        }
    }

    /// Redraw and show this report under the editor.
    pub fn report(report: ApplyReport) -> Outcome {
        Outcome {
            report: Some(report),
            ..Outcome::render()
        }
    }
}

/// A kubectl command run for a button: what it printed (its error when it failed)
/// and whether it failed.
pub fn kubectl(cluster: &mut podlab_core::Cluster, args: &[String]) -> (String, bool) {
    let out = podlab_core::kubectl::run(cluster, args, &podlab_core::kubectl::NoFiles);
    let failed = out.exit_code != 0;
    let text = if failed { out.stderr } else { out.stdout };
    (text.trim_end().to_string(), failed)
}

/// What the browser tab shows: the page, or why it could not be loaded.
pub enum Page {
    Loaded {
        status: u16,
        reason: String,
        content_type: String,
        /// The document the frame shows (images inlined).
        body: String,
    },
    Failed(String),
}

/// What a browser shows for a response from `url` (or the error page's text); `fetch`
/// gets the images an HTML page shows, which are inlined (see core's `net::browser`).
pub fn page_of(
    url: &str,
    response: Result<podlab_core::net::HttpResponse, podlab_core::net::NetError>,
    fetch: &mut dyn FnMut(&str) -> Option<podlab_core::net::HttpResponse>,
) -> Page {
    match response {
        Ok(r) => Page::Loaded {
            status: r.status,
            reason: r.reason.clone(),
            content_type: r
                .headers
                .iter()
                .find(|(k, _)| k == "Content-Type")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            body: podlab_core::net::browser::document(url, &r, fetch),
        },
        Err(e) => Page::Failed(podlab_core::net::browser_error(&e)),
    }
}

/// A loaded page in a sandboxed frame (no scripts, no access to the app's origin), or
/// the browser's error text.
pub fn frame(page: &Page) -> Html {
    match page {
        Page::Failed(msg) => html! {
            <p class="browser-error" data-browser-error="">{ msg.clone() }</p>
        },
        Page::Loaded {
            status,
            reason,
            content_type,
            body,
        } => {
            html! {
                <>
                    <div class="browser-status" data-browser-status={status.to_string()}>{ format!("HTTP/1.1 {status} {reason} · {content_type}") }</div>
                    <iframe class="browser-frame" data-browser-frame="" sandbox="" referrerpolicy="no-referrer" title="Page" srcdoc={body.clone()}></iframe>
                </>
            }
        }
    }
}

/// The text of the input or textarea an input event came from.
pub fn input_value(e: InputEvent) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(|a| a.value())
                })
        })
        .unwrap_or_default()
}

/// A key handler that sends `f`'s message, if any, for a key.
pub fn keys<M: 'static>(
    send: &Callback<M>,
    f: impl Fn(KeyboardEvent) -> Option<M> + 'static,
) -> Callback<KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: KeyboardEvent| {
        if let Some(msg) = f(e) {
            send.emit(msg);
        }
    })
}

/// The node a PersistentVolume is pinned to: its required node affinity on
/// `kubernetes.io/hostname`, as local and provisioned volumes have.
pub fn pinned_node(pv: &podlab_core::model::PersistentVolume) -> Option<String> {
    pv.spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
        .into_iter()
        .flat_map(|r| &r.node_selector_terms)
        .flat_map(|t| t.match_expressions.iter().flatten())
        .find(|e| e.key == "kubernetes.io/hostname" && e.operator == "In")
        .and_then(|e| e.values.as_ref()?.first().cloned())
}
