//! podlab-web: the playground in the browser. The app owns one `podlab_core::Cluster`
//! and the simulated clock, and renders the cluster's state; it keeps no copy of any
//! object (core is the one source of truth). Each panel keeps its own state and has
//! its own messages and update; the app routes messages to them and carries out what
//! one panel's action means for another (an Apply selects its pod, a lesson step fills
//! the editor and types in the terminal).
//!
//! Modules, lowest first (each imports only modules before it): `common`, `panes`, `schema`,
//! `persist`, `options`, `code`, `owners`, `node_card`, `motion`; then the panels `editor`,
//! `terminal`, `cluster_view`, `inspector` (with `inspector::workload` and
//! `inspector::config`), `tools`, `lessons`, `header`; then this one.

mod cluster_view;
mod code;
mod common;
mod editor;
mod fullscreen;
mod header;
mod inspector;
mod lessons;
mod motion;
mod node_card;
mod options;
mod owners;
mod panes;
mod persist;
mod preemption;
mod scheduler_panel;
mod schema;
mod terminal;
mod tools;

use common::{Outcome, Render, Selected};
use gloo_timers::callback::Interval;
use podlab_core::share::{EditorFile, Workspace};
use podlab_core::Cluster;
use yew::prelude::*;

pub use editor::EDITOR_FILE;
pub use options::PageOptions;
pub use owners::OWNER_PALETTE;
pub use persist::{
    Theme, BEFORE_IMPORT_KEY, BEFORE_SHARE_KEY, STORAGE_KEY, THEME_KEY, UNREADABLE_KEY,
};
pub use terminal::TERMINAL_NODE;
pub use tools::Tool;

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

/// A message for the app: a clock tick, or one of a panel's.
pub enum Msg {
    Tick,
    Clock(header::Clock),
    Editor(editor::Msg),
    Terminal(terminal::Msg),
    Cluster(cluster_view::Msg),
    Inspector(inspector::Msg),
    Tools(tools::Msg),
    Lessons(lessons::Msg),
    Persist(persist::Msg),
    /// The notice's close button.
    DismissNotice,
    /// The explain schema's fetch has ended: who waited for it goes on.
    SchemaFetched,
    /// Show a pane alone (the one shown alone again: all of them), or all of them.
    Focus(Option<panes::Pane>),
}

/// Each panel's way to send its messages, made once.
struct Senders {
    clock: Callback<header::Clock>,
    editor: Callback<editor::Msg>,
    terminal: Callback<terminal::Msg>,
    cluster: Callback<cluster_view::Msg>,
    inspector: Callback<inspector::Msg>,
    tools: Callback<tools::Msg>,
    lessons: Callback<lessons::Msg>,
    persist: Callback<persist::Msg>,
    dismiss: Callback<()>,
    schema: Callback<()>,
    focus: Callback<Option<panes::Pane>>,
    /// Alt+1 … Alt+5 and Alt+0 anywhere in the app.
    focus_key: Callback<KeyboardEvent>,
}

impl Senders {
    fn new(link: &yew::html::Scope<App>) -> Senders {
        Senders {
            clock: link.callback(Msg::Clock),
            editor: link.callback(Msg::Editor),
            terminal: link.callback(Msg::Terminal),
            cluster: link.callback(Msg::Cluster),
            inspector: link.callback(Msg::Inspector),
            tools: link.callback(Msg::Tools),
            lessons: link.callback(Msg::Lessons),
            persist: link.callback(Msg::Persist),
            dismiss: link.callback(|()| Msg::DismissNotice),
            schema: link.callback(|()| Msg::SchemaFetched),
            focus: link.callback(Msg::Focus),
            focus_key: {
                let focus = link.callback(Msg::Focus);
                Callback::from(move |e: KeyboardEvent| {
                    if let Some(pane) = panes::Pane::for_key(&e) {
                        e.prevent_default();
                        focus.emit(pane);
                    }
                })
            },
        }
    }
}

pub struct App {
    cluster: Cluster,
    playing: bool,
    speed: u32,
    /// Ticks since the app started (leaving pods are drawn for a few).
    ticks: u64,
    editor: editor::Editor,
    terminal: terminal::Terminal,
    cluster_view: cluster_view::ClusterView,
    inspector: inspector::Inspector,
    tools: tools::Tools,
    lessons: lessons::Lessons,
    persist: persist::Persistence,
    /// A message about the workspace (one that could not be read, a share link opened).
    notice: Option<String>,
    /// The file `kubectl edit` opened in the editor, while the terminal waits for it.
    editing: Option<String>,
    /// How the page was opened (embedding, panels, lesson).
    options: PageOptions,
    /// The pane shown alone, full height (the others are not drawn).
    focused: Option<panes::Pane>,
    send: Senders,
    /// The User Timing measures (`podlab:tick`, `podlab:apply`) to close when the
    /// updates that started them have rendered (a tick and an Apply handled before one
    /// render are both measured).
    measuring: Vec<&'static str>,
    /// Ticks measured since the measures were last cleared.
    measured_ticks: u32,
    /// This app's mark for the start of a measured update (apps on one page each
    /// have their own).
    start_mark: String,
    /// The explain schema's fetch under way, for a terminal line (`explain`, `-f`) that
    /// runs once it has ended ...
    schema_for_terminal: bool,
    /// ... and for a rejected Apply, made again with the schema's words.
    schema_for_editor: bool,
    _ticker: Interval,
}

/// Numbers the apps on a page, for their start marks.
static APPS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
/// Tick measures kept before they are cleared (about 12 minutes of ticks).
const TICK_MEASURES_KEPT: u32 = 3600;

/// The workspace (editor files, cluster, open lesson) as saved and shared.
fn workspace(editor: &editor::Editor, cluster: &Cluster, lessons: &lessons::Lessons) -> Workspace {
    let (_, first) = editor.open_file_text();
    Workspace::new(first, cluster, lessons.lesson, &lessons.done)
        .with_files(&editor.files, editor.open)
        .with_lesson_progress(&lessons.progress, &lessons.finished)
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        persist::reload_on_share_links();
        let link = ctx.link().clone();
        let send = Senders::new(ctx.link());
        let options = PageOptions::from_location();
        let theme = Theme::initial(options.theme);
        theme.apply();
        let (mut saved, mut notice) = if options.embed {
            (None, None)
        } else {
            match persist::load_saved() {
                Ok(s) => (s, None),
                Err(e) => (None, Some(e)),
            }
        };
        let mut shared = false;
        if let Some(fragment) = &options.share {
            match persist::open_shared(fragment, options.embed) {
                Ok((opened, kept)) => {
                    saved = Some(opened);
                    notice = kept;
                    shared = true;
                }
                Err(e) => notice = Some(e),
            }
        }
        let (files, open_file, cluster, lessons) = match saved {
            Some((s, c)) => (
                s.editor_files(EDITOR_FILE),
                s.open_file,
                c,
                lessons::Lessons {
                    lesson: s.lesson,
                    done: s.lesson_done,
                    progress: s.lesson_progress,
                    finished: s.lessons_finished,
                },
            ),
            None => (
                vec![EditorFile::new(EDITOR_FILE, DEFAULT_MANIFEST)],
                0,
                Cluster::with_default_nodes(1),
                lessons::Lessons::default(),
            ),
        };
        let tool = Tool::ALL
            .into_iter()
            .find(|t| options.shows(t.name()))
            .unwrap_or(Tool::Browser);
        let mut app = App {
            cluster,
            playing: true,
            speed: 1,
            ticks: 0,
            editor: editor::Editor::new(files, open_file, &send.editor),
            terminal: terminal::Terminal::default(),
            cluster_view: cluster_view::ClusterView::new(&send.cluster),
            inspector: inspector::Inspector::default(),
            tools: tools::Tools::new(tool),
            lessons,
            persist: persist::Persistence::new(options.embed, theme),
            notice,
            editing: None,
            options,
            focused: None,
            send,
            measuring: Vec::new(),
            measured_ticks: 0,
            schema_for_terminal: false,
            schema_for_editor: false,
            start_mark: format!(
                "podlab:start:{}",
                APPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
            _ticker: Interval::new(TICK_MS, move || link.send_message(Msg::Tick)),
        };
        if !app.options.embed {
            if let Some(saved) = persist::load_terminal() {
                app.terminal.restore(&saved);
            }
        }
        persist::save_on_pagehide(ctx.link().callback(|()| Msg::Persist(persist::Msg::Save)));
        // Where pods are now: the next change is drawn moving.
        app.cluster_view.motion.watch(&mut app.cluster, app.ticks);
        // `?lesson=ID` opens a lesson, unless a share link brought its own workspace.
        if let (Some(id), false) = (&app.options.lesson, shared) {
            let index = podlab_core::lessons::lessons()
                .iter()
                .position(|l| l.id == id.as_str());
            match index {
                Some(i) if app.lessons.lesson != Some(i) => app.open_lesson(Some(i)),
                Some(_) => {}
                None => {
                    app.notice = Some(format!(
                        "There is no lesson {id:?}; the lessons are listed in the inspector."
                    ))
                }
            }
        }
        app
    }

    /// Every update, timed for the ones people wait on: a tick (the simulation
    /// advancing and the cluster view redrawn) and Apply. Each becomes a User Timing
    /// measure (`podlab:tick`, `podlab:apply`) from the update's start to the end of
    /// its render; the first render is marked `podlab:first-render`.
    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        let measure = match msg {
            Msg::Tick => Some("podlab:tick"),
            Msg::Editor(editor::Msg::Apply) => Some("podlab:apply"),
            _ => None,
        };
        let perf = measure.and_then(|_| persist::performance());
        // Each measure starts at its own mark; one already waiting for a render keeps
        // its earlier start.
        let start = match measure {
            Some(_) => self.start_mark.clone(),
            None => String::new(),
        };
        let mark = |name: &str| format!("{start}:{name}");
        if let (Some(p), Some(name)) = (&perf, measure) {
            if !self.measuring.contains(&name) {
                let _ = p.mark(&mark(name));
            }
        }
        let mut render = self.route(msg);
        // Whatever the message did (Apply, a command, an action), pods that moved are
        // drawn moving on this render.
        if self
            .cluster_view
            .motion
            .watch(&mut self.cluster, self.ticks)
        {
            render = true;
        }
        if let (Some(p), Some(name)) = (&perf, measure) {
            if render || self.measuring.contains(&name) {
                if !self.measuring.contains(&name) {
                    self.measuring.push(name);
                }
            } else {
                let _ = p.measure_with_start_mark(name, &mark(name));
                p.clear_marks_with_mark_name(&mark(name));
            }
            if name == "podlab:tick" {
                self.measured_ticks += 1;
                if self.measured_ticks >= TICK_MEASURES_KEPT {
                    p.clear_measures_with_measure_name(name);
                    self.measured_ticks = 0;
                }
            }
        }
        render
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        terminal::scroll_terminal();
        let arrived = self.cluster_view.motion.take_arrived();
        if !arrived.is_empty() {
            motion::fly_in(&arrived);
        }
        if let Some(p) = &persist::performance() {
            if first {
                let _ = p.mark("podlab:first-render");
            }
            for name in std::mem::take(&mut self.measuring) {
                let mark = format!("{}:{name}", self.start_mark);
                let _ = p.measure_with_start_mark(name, &mark);
                p.clear_marks_with_mark_name(&mark);
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let o = &self.options;
        let s = &self.send;
        let focused = self.focused;
        let drawn = |pane: panes::Pane| focused.is_none_or(|f| f == pane);
        let panel = |pane: panes::Pane, html: &dyn Fn(&panes::Focus) -> Html| {
            if o.shows(pane.name()) && drawn(pane) {
                html(&panes::Focus {
                    alone: focused == Some(pane),
                    send: s.focus.clone(),
                })
            } else {
                Html::default()
            }
        };
        let shows = |name: &str| o.shows(name) && drawn(panes::Pane::Tools);
        let tools_focus = panes::Focus {
            alone: focused == Some(panes::Pane::Tools),
            send: s.focus.clone(),
        };
        use panes::Pane;
        html! {
            <div class={classes!("app", o.embed.then_some("embed"), focused.is_some().then_some("pane-focused"))}
                data-embed={o.embed.to_string()} onkeydown={s.focus_key.clone()}>
                <header::Header notice={self.notice.clone().map(AttrValue::from)} now={self.cluster.now()}
                    playing={self.playing} speed={self.speed} theme={self.persist.theme}
                    share_url={self.persist.share_url.clone().map(AttrValue::from)}
                    share_copied={self.persist.share_copied}
                    dismiss={s.dismiss.clone()}
                    clock={s.clock.clone()} save={s.persist.clone()} />
                <main class={classes!("layout", (!o.panels.is_empty()).then_some("chosen-panels"), focused.is_some().then_some("focused"))}
                    data-focus={focused.map(Pane::name)}>
                    { panel(Pane::Editor, &|f| self.editor.view(&s.editor, f)) }
                    { panel(Pane::Terminal, &|f| self.terminal.view(&s.terminal, f)) }
                    { panel(Pane::Cluster, &|f| self.cluster_view.view(&self.cluster, self.inspector.selected.as_ref(), f)) }
                    { panel(Pane::Inspector, &|f| self.inspector.view(&self.cluster, &s.inspector, self.lessons.view(&self.cluster, &s.lessons), f)) }
                    { self.tools.view(&self.cluster, &s.tools, &shows, &tools_focus) }
                </main>
            </div>
        }
    }
}

impl App {
    /// Hands a message to its panel, and carries out what it means for the others.
    /// What a command holding the terminal means for the other panels: `kubectl
    /// port-forward` opens the browser tab on its local port (and the tab reaches it
    /// while it runs); `kubectl edit` opens the object in the editor.
    fn took_over(&mut self) {
        let forward = self.terminal.port_forward().cloned();
        if forward != self.tools.forward {
            let local = forward.as_ref().and_then(|f| f.ports.first()).map(|p| p.0);
            self.tools.forward = forward;
            if let Some(port) = local {
                self.send
                    .tools
                    .emit(tools::Msg::Browse(format!("http://localhost:{port}/")));
            }
        }
        let editing = self.terminal.editing().map(|e| e.file.clone());
        if editing != self.editing {
            if let Some(edit) = self.terminal.editing() {
                self.editor.open_text(&edit.file, &edit.text);
            }
            self.editing = editing;
        }
    }

    /// Returns whether to redraw.
    fn route(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Tick => {
                self.ticks += 1;
                if self.playing {
                    self.cluster
                        .advance(u64::from(TICK_MS) * u64::from(self.speed));
                }
                let followed = self.terminal.follow(&self.cluster);
                if followed {
                    self.took_over();
                }
                let ticked = self.lessons.check(&self.cluster);
                let (e, c, l) = (&self.editor, &self.cluster, &self.lessons);
                self.persist.tick(|| workspace(e, c, l).to_json());
                self.playing || ticked || followed
            }
            Msg::Clock(clock) => {
                self.clock(clock);
                true
            }
            // The object `kubectl edit` opened is saved: kubectl applies it.
            Msg::Editor(editor::Msg::Apply)
                if self
                    .terminal
                    .editing()
                    .is_some_and(|e| e.file == self.editor.open_file_text().0) =>
            {
                let text = self.editor.open_file_text().1.to_string();
                let lines = self.terminal.save_edit(&mut self.cluster, &text);
                self.editor.show_lines(lines);
                self.finish(Outcome::saved())
            }
            Msg::Editor(msg) => {
                let applying = matches!(msg, editor::Msg::Apply);
                let (outcome, created) = self.editor.update(&mut self.cluster, msg);
                if let Some(pod) = created {
                    self.inspector.selected = Some(Selected::Pod(pod));
                }
                if applying && !self.editor.report.diagnostics.is_empty() && !schema::loaded() {
                    self.fetch_schema();
                    self.schema_for_editor = true;
                }
                self.finish(outcome)
            }
            Msg::Terminal(terminal::Msg::Run) if self.terminal.wait_for_schema() => {
                self.fetch_schema();
                self.schema_for_terminal = true;
                false
            }
            Msg::Focus(pane) => {
                let shown = |p: panes::Pane| match p {
                    panes::Pane::Tools => Tool::ALL.iter().any(|t| self.options.shows(t.name())),
                    p => self.options.shows(p.name()),
                };
                let pane = pane.filter(|p| shown(*p) && self.focused != Some(*p));
                let changed = pane != self.focused;
                self.focused = pane;
                changed
            }
            Msg::SchemaFetched => {
                if std::mem::take(&mut self.schema_for_terminal) {
                    self.terminal.schema_fetched();
                    self.send.terminal.emit(terminal::Msg::Run);
                }
                // Rejected again (nothing is created), now with the schema's words.
                if std::mem::take(&mut self.schema_for_editor)
                    && schema::loaded()
                    && self.editor.rejected()
                {
                    self.send.editor.emit(editor::Msg::Apply);
                }
                false
            }
            Msg::Terminal(msg) => {
                let outcome = self
                    .terminal
                    .update(&mut self.cluster, &self.editor.files, msg);
                // What vi or nano wrote to the editor's files is the editor's text now.
                for (name, text) in self.terminal.take_written() {
                    self.editor.set_text(&name, &text);
                }
                self.took_over();
                self.finish(outcome)
            }
            Msg::Cluster(cluster_view::Msg::Select(key)) => {
                self.inspect(inspector::Msg::Select(key))
            }
            Msg::Cluster(cluster_view::Msg::Deselect) => self.inspect(inspector::Msg::Close),
            Msg::Cluster(cluster_view::Msg::Inspect(node)) => {
                self.inspect(inspector::Msg::SelectNode(node))
            }
            Msg::Cluster(cluster_view::Msg::SelectOwner(w)) => {
                self.inspect(inspector::Msg::SelectWorkload(w))
            }
            Msg::Cluster(msg) => {
                let outcome = self.cluster_view.update(&mut self.cluster, msg);
                self.finish(outcome)
            }
            Msg::Inspector(msg) => self.inspect(msg),
            Msg::Tools(tools::Msg::Select(key)) => self.inspect(inspector::Msg::Select(key)),
            Msg::Tools(tools::Msg::SelectNode(node)) => {
                self.inspect(inspector::Msg::SelectNode(node))
            }
            Msg::Tools(tools::Msg::Import) => {
                self.import();
                true
            }
            Msg::Tools(msg) => {
                let outcome = self.tools.update(&mut self.cluster, msg);
                if let Some(port) = self.tools.take_handled() {
                    self.terminal
                        .print(&format!("Handling connection for {port}\n"), false);
                }
                if let Some(url) = self.tools.take_loaded() {
                    self.lessons.browsed(&url);
                    self.lessons.check(&self.cluster);
                }
                self.finish(outcome)
            }
            Msg::Lessons(msg) => {
                self.lesson(msg);
                true
            }
            Msg::DismissNotice => self.notice.take().is_some(),
            Msg::Persist(msg) => {
                if matches!(msg, persist::Msg::Save) {
                    let terminal = &self.terminal;
                    self.persist.save_terminal(|| terminal.scrollback());
                }
                let (e, c, l) = (&self.editor, &self.cluster, &self.lessons);
                let done =
                    self.persist
                        .update(msg, || workspace(e, c, l).to_json(), &self.send.persist);
                if let Some(notice) = done.notice {
                    self.notice = Some(notice);
                }
                done.render
            }
        }
    }

    /// Fetches the explain schema unless a fetch is under way; [`Msg::SchemaFetched`]
    /// comes when it has ended, with the schema or without (a later need fetches again).
    fn fetch_schema(&self) {
        if !self.schema_for_terminal && !self.schema_for_editor {
            schema::fetch(self.send.schema.clone());
        }
    }

    fn inspect(&mut self, msg: inspector::Msg) -> bool {
        let outcome = self.inspector.update(&mut self.cluster, msg);
        self.finish(outcome)
    }

    /// Carries out what a panel's update asked for; returns whether to redraw.
    fn finish(&mut self, outcome: Outcome) -> bool {
        if let Some(report) = outcome.report {
            self.editor.report = std::rc::Rc::new(report);
        }
        if outcome.save {
            self.save();
        }
        outcome.render == Render::Yes
    }

    fn save(&mut self) {
        let (e, c, l) = (&self.editor, &self.cluster, &self.lessons);
        self.persist.save(|| workspace(e, c, l).to_json());
        let terminal = &self.terminal;
        self.persist.save_terminal(|| terminal.scrollback());
    }

    fn clock(&mut self, clock: header::Clock) {
        match clock {
            header::Clock::TogglePlay => self.playing = !self.playing,
            header::Clock::SetSpeed(s) => self.speed = s.clamp(1, 100),
            header::Clock::Step => {
                self.notice = None;
                self.cluster.advance(1000);
                self.lessons.check(&self.cluster);
            }
            header::Clock::NextEvent => match self.cluster.next_event_time() {
                Some(t) => {
                    self.notice = None;
                    let now = self.cluster.now();
                    self.cluster.advance(t.0.saturating_sub(now.0));
                    self.lessons.check(&self.cluster);
                }
                None => {
                    self.notice = Some(
                        "Nothing is scheduled to happen: no container, timer or controller is waiting for a moment to come.".into(),
                    )
                }
            },
        }
    }

    fn lesson(&mut self, msg: lessons::Msg) {
        match msg {
            lessons::Msg::Open(i) => self.open_lesson(i),
            lessons::Msg::Step(n) => {
                if let Some(step) = self.lessons.step(n) {
                    if let Some(manifest) = step.manifest {
                        if let Some(kept) = self.editor.load_lesson_file(manifest) {
                            self.notice = Some(format!(
                                "{} had your edits: they are kept in {kept}.",
                                manifest.file
                            ));
                        }
                    }
                    if let Some(command) = step.command {
                        self.terminal
                            .run(&mut self.cluster, &self.editor.files, &command);
                    }
                }
                self.lessons.check(&self.cluster);
            }
            lessons::Msg::Reset => {
                self.replace_cluster(podlab_core::lessons::reset());
                self.terminal.reset();
                self.editor.report = Default::default();
                self.lessons.restart(&self.cluster);
            }
            lessons::Msg::OpenGit(url) => self.tools.open_repo(&self.cluster, url),
            lessons::Msg::Browse(service) => {
                match podlab_core::lessons::node_port_url(&self.cluster, &service) {
                    Some(url) => {
                        self.tools
                            .update(&mut self.cluster, tools::Msg::Browse(url));
                        if let Some(url) = self.tools.take_loaded() {
                            self.lessons.browsed(&url);
                        }
                        self.lessons.check(&self.cluster);
                    }
                    None => {
                        self.notice = Some(format!(
                        "The Service {service} has no node port yet: the step before exposes it."
                    ))
                    }
                }
            }
        }
    }

    /// Opens lesson `i` (or the list) and adds its files the editor does not have yet.
    fn open_lesson(&mut self, i: Option<usize>) {
        for manifest in self.lessons.open(&mut self.cluster, i) {
            self.editor.add_lesson_file(manifest);
        }
    }

    /// A new cluster in the old one's place: nothing selected in it yet.
    fn replace_cluster(&mut self, cluster: Cluster) {
        self.cluster = cluster;
        self.inspector.selected = None;
        self.cluster_view.reset();
    }

    /// Replaces the cluster with the nodes and pods pasted in the export tool. The
    /// workspace it replaces is kept in localStorage; a paste that cannot be read
    /// changes nothing.
    fn import(&mut self) {
        let Some(cluster) = self.tools.import() else {
            return;
        };
        self.persist
            .keep_before_import(&workspace(&self.editor, &self.cluster, &self.lessons).to_json());
        let (nodes, pods) = (cluster.nodes().count(), cluster.pods().count());
        self.replace_cluster(cluster);
        self.notice = Some(format!(
            "Loaded {nodes} node(s) and {pods} pod(s) as the cluster. The workspace before is kept in localStorage under \"{BEFORE_IMPORT_KEY}\". Apply a pod to see where it would land."
        ));
        self.save();
    }
}

/// Mounts the app into `root`.
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}
