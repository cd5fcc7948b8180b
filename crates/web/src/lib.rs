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
    TermInput(String),
    TermRun,
    TermHistory(i32),
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

/// One command typed in the terminal and what it printed.
pub struct TermEntry {
    pub command: String,
    pub stdout: String,
    pub stderr: String,
}

/// `-f pod.yaml` in the terminal reads the editor.
struct EditorFiles<'a> {
    text: &'a str,
}

impl podlab_core::kubectl::FileSource for EditorFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            EDITOR_FILE | "./pod.yaml" => Ok(self.text.to_string()),
            _ => Err(format!("the path {path:?} does not exist")),
        }
    }
}

/// The name the editor's text goes by (in messages and for `kubectl create -f`).
pub const EDITOR_FILE: &str = "pod.yaml";

pub struct App {
    cluster: Cluster,
    editor: String,
    terminal: Vec<TermEntry>,
    term_input: String,
    /// Position while walking back through history with the arrow keys.
    history_pos: Option<usize>,
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
            terminal: Vec::new(),
            term_input: String::new(),
            history_pos: None,
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
            Msg::TermInput(text) => {
                self.term_input = text;
                false
            }
            Msg::TermRun => {
                let line = std::mem::take(&mut self.term_input);
                self.history_pos = None;
                self.run_command(line.trim());
                true
            }
            Msg::TermHistory(step) => {
                let commands: Vec<&TermEntry> = self
                    .terminal
                    .iter()
                    .filter(|e| !e.command.is_empty())
                    .collect();
                if commands.is_empty() {
                    return false;
                }
                let last = commands.len() - 1;
                let pos = match (self.history_pos, step < 0) {
                    (None, true) => Some(last),
                    (None, false) => None,
                    (Some(p), true) => Some(p.saturating_sub(1)),
                    (Some(p), false) if p < last => Some(p + 1),
                    (Some(_), false) => None,
                };
                self.history_pos = pos;
                self.term_input = pos.map(|p| commands[p].command.clone()).unwrap_or_default();
                true
            }
            Msg::Apply => {
                self.report = match self.cluster.create_from_text(EDITOR_FILE, &self.editor) {
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

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        view::scroll_terminal();
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        view::app(self, ctx)
    }
}

/// Mounts the app into `root`.
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

impl App {
    /// Runs one terminal line: `kubectl ...` goes to core's kubectl; `clear` empties
    /// the screen; anything else is unknown to this shell.
    fn run_command(&mut self, line: &str) {
        if line.is_empty() {
            self.terminal.push(TermEntry {
                command: String::new(),
                stdout: String::new(),
                stderr: String::new(),
            });
            return;
        }
        let words = match podlab_core::kubectl::split_words(line) {
            Ok(w) => w,
            Err(e) => {
                self.terminal.push(TermEntry {
                    command: line.into(),
                    stdout: String::new(),
                    stderr: format!("bash: {e}\n"),
                });
                return;
            }
        };
        let (stdout, stderr) = match words.first().map(String::as_str) {
            Some("clear") => {
                self.terminal.clear();
                return;
            }
            Some("kubectl") | Some("k") => {
                let files = EditorFiles { text: &self.editor };
                let out = podlab_core::kubectl::run(&mut self.cluster, &words[1..], &files);
                (out.stdout, out.stderr)
            }
            Some(other) => (String::new(), format!("bash: {other}: command not found\n")),
            None => (String::new(), String::new()),
        };
        self.terminal.push(TermEntry {
            command: line.into(),
            stdout,
            stderr,
        });
    }
}
