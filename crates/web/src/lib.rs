//! podlab-web: the playground in the browser. The app owns one `podlab_core::Cluster`
//! and renders its state; it keeps no copy of any object (core is the one source of
//! truth). Simulated time runs from a timer at the chosen speed.

mod view;

use gloo_timers::callback::Interval;
use podlab_core::manifest::Diagnostic;
use podlab_core::Cluster;
use yew::prelude::*;

/// The manifest the editor starts with.
pub const DEFAULT_MANIFEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    run: nginx
spec:
  containers:
  - name: nginx
    image: nginx
";

/// Real milliseconds between clock ticks.
const TICK_MS: u32 = 200;

pub enum Msg {
    Edit(String),
    Apply,
    Tick,
    TogglePlay,
    SetSpeed(u32),
    Select(String),
    DeletePod(String),
}

/// The outcome of the last Apply, shown under the editor.
#[derive(Default)]
pub struct ApplyReport {
    pub diagnostics: Vec<Diagnostic>,
    /// kubectl's line per object (`pod/nginx created`) and whether it was an error.
    pub lines: Vec<(String, bool)>,
}

pub struct App {
    cluster: Cluster,
    editor: String,
    report: ApplyReport,
    selected: Option<String>,
    playing: bool,
    speed: u32,
    _ticker: Interval,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        App {
            cluster: Cluster::with_default_nodes(1),
            editor: DEFAULT_MANIFEST.to_string(),
            report: ApplyReport::default(),
            selected: None,
            playing: true,
            speed: 1,
            _ticker: Interval::new(TICK_MS, move || link.send_message(Msg::Tick)),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Edit(text) => {
                self.editor = text;
                false
            }
            Msg::Apply => {
                self.report = match self.cluster.create_from_text("pod.yaml", &self.editor) {
                    Ok(applied) => {
                        if let Some(first) = applied
                            .iter()
                            .find(|a| a.resource == "pod" && a.result.is_ok())
                        {
                            self.selected = Some(format!("default/{}", first.name));
                        }
                        ApplyReport {
                            diagnostics: Vec::new(),
                            lines: applied
                                .iter()
                                .map(|a| (a.message(), a.result.is_err()))
                                .collect(),
                        }
                    }
                    Err(rejected) => ApplyReport {
                        diagnostics: rejected.diagnostics,
                        lines: Vec::new(),
                    },
                };
                true
            }
            Msg::Tick => {
                if self.playing {
                    self.cluster
                        .advance(u64::from(TICK_MS) * u64::from(self.speed));
                }
                self.playing
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                true
            }
            Msg::SetSpeed(s) => {
                self.speed = s.clamp(1, 100);
                true
            }
            Msg::Select(key) => {
                self.selected = Some(key);
                true
            }
            Msg::DeletePod(key) => {
                if let Some((ns, name)) = key.split_once('/') {
                    let line = match self.cluster.delete_pod(ns, name) {
                        Ok(()) => (format!("pod \"{name}\" deleted from {ns} namespace"), false),
                        Err(e) => (format!("Error from server ({}): {e}", e.reason()), true),
                    };
                    self.report = ApplyReport {
                        diagnostics: Vec::new(),
                        lines: vec![line],
                    };
                }
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        view::app(self, ctx)
    }
}

/// Mounts the app into `root`.
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}
