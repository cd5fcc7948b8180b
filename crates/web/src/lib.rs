//! podlab-web: the playground in the browser. The app owns one `podlab_core::Cluster`
//! and renders its state; it keeps no copy of any object (core is the one source of
//! truth). Simulated time runs from a timer at the chosen speed.

mod inspect;
mod panels;
mod view;

use gloo_timers::callback::Interval;
use podlab_core::manifest::Diagnostic;
use podlab_core::share::{EditorFile, Workspace};
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
    /// Tab in the terminal: complete the last word.
    TermComplete,
    Apply,
    /// `kubectl delete -f` of the open file.
    DeleteObjects,
    Tick,
    TogglePlay,
    SetSpeed(u32),
    Select(String),
    /// Show a node in the inspector.
    SelectNode(String),
    DeletePod(String),
    /// Run kubectl with these arguments from an inspector action (label, taint, ...);
    /// its output shows in the inspector.
    Kubectl(Vec<String>),
    /// The node inspector's label and taint fields, and their buttons (for this node).
    NodeLabelInput(String),
    NodeTaintInput(String),
    LabelNode(String),
    TaintNode(String),
    /// Advance the clock one second (Step), or to the next moment something is due.
    Step,
    NextEvent,
    /// The editor's files: open one, type a new one's name, create it, close one.
    OpenFile(usize),
    NewFileName(String),
    NewFile,
    CloseFile(usize),
    /// Which tool the lower right pane shows.
    Tool(Tool),
    /// Open this address in the browser tab.
    Browse(String),
    /// Fetch a pod's page (key, address) on its node, for the inspector.
    Served(String, String),
    /// The git panel: pick a repository, a file; edit; commit and push.
    GitRepo(String),
    GitFile(String),
    GitPath(String),
    GitText(String),
    GitMessage(String),
    GitCommit,
    /// Export the scenario for kind; paste and load a real cluster's nodes and pods.
    Export,
    ImportText(String),
    Import,
    /// Cordon (true) or uncordon (false) a node.
    Cordon(String, bool),
    /// Start (true) or stop (false) a node's kubelet, as `systemctl` on the node would.
    Kubelet(String, bool),
    /// Open a lesson (or go back to the list).
    OpenLesson(Option<usize>),
    /// Do step N of the open lesson: its manifest into the editor, its command typed.
    LessonStep(usize),
    /// A fresh cluster for the open lesson.
    ResetLesson,
    BrowserUrl(String),
    BrowserGo,
    /// Ctrl-C in the terminal.
    Interrupt,
    /// Switch between the light and the dark theme (and remember the choice).
    ToggleTheme,
    /// Have the scheduler evaluate every node (true) or sample as kube-scheduler does.
    EvaluateEveryNode(bool),
    /// Save the workspace now (the page is being hidden or left).
    Save,
    /// Make a share link for the workspace.
    Share,
    /// The link (or why it could not be made).
    Shared(Result<String, String>),
}

/// What the browser tab shows: the page, or why it could not be loaded.
pub enum Page {
    Loaded {
        status: u16,
        reason: String,
        content_type: String,
        body: String,
    },
    Failed(String),
}

/// The editor's open file as kubectl's `-f` source.
struct OneFile(String, String);

impl podlab_core::kubectl::FileSource for OneFile {
    fn read(&self, path: &str) -> Result<String, String> {
        if path == self.0 {
            Ok(self.1.clone())
        } else {
            Err(format!("the path {path:?} does not exist"))
        }
    }
}

/// What a browser shows for a response (or the error page's text).
fn page_of(response: Result<podlab_core::net::HttpResponse, podlab_core::net::NetError>) -> Page {
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
            body: String::from_utf8_lossy(&r.body).into_owned(),
        },
        Err(e) => Page::Failed(podlab_core::net::browser_error(&e)),
    }
}

/// The outcome of the last Apply, shown under the editor.
#[derive(Default)]
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

/// One command typed in the terminal and what it printed.
pub struct TermEntry {
    /// The shell's prompt when the command was typed (`k8s@k8s-master-01:~$ `).
    pub prompt: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
}

/// The name of the editor's first file (in messages and for `kubectl create -f`).
pub const EDITOR_FILE: &str = "pod.yaml";

/// Where the terminal logs in, and the home directory that holds the editor's files.
pub const TERMINAL_NODE: &str = "k8s-master-01";
const EDITOR_DIR: &str = "/home/k8s";

/// What the inspector shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// A pod by `namespace/name`.
    Pod(String),
    Node(String),
}

/// The tools sharing the lower right pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Browser,
    Git,
    Timeline,
    Export,
}

impl Tool {
    pub const ALL: [Tool; 4] = [Tool::Browser, Tool::Git, Tool::Timeline, Tool::Export];

    /// Its name in `panels=` and `data-tool`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Browser => "browser",
            Tool::Git => "git",
            Tool::Timeline => "timeline",
            Tool::Export => "export",
        }
    }
}

/// The git panel's choices and the file being edited.
#[derive(Default)]
pub struct GitPanel {
    pub repo: Option<String>,
    pub path: String,
    pub text: String,
    pub message: String,
    /// git's answer to the last commit, and whether it was an error.
    pub result: Option<(String, bool)>,
}

/// A pod that left a node (deleted, evicted), drawn fading out of it for a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaving {
    pub key: String,
    pub name: String,
    pub node: String,
    /// The tick after which it is no longer drawn.
    pub until: u64,
}

/// Ticks a leaving pod stays drawn (with its animation).
const LEAVING_TICKS: u64 = 5;
/// The most newly bound pods animated from the pending lane at once.
const MAX_FLIGHTS: usize = 20;

pub struct App {
    cluster: Cluster,
    /// The editor's named files and the open one.
    files: Vec<EditorFile>,
    open_file: usize,
    /// The name typed for a new file.
    new_file: String,
    terminal: Vec<TermEntry>,
    /// The shell behind the terminal: k8s@k8s-master-01, then sudo -i or ssh on top.
    session: podlab_core::Session,
    term_input: String,
    /// Position while walking back through history with the arrow keys.
    history_pos: Option<usize>,
    /// What Tab offered when several completions fit.
    completions: Vec<String>,
    report: ApplyReport,
    /// The browser tab: its address bar and the last page loaded.
    browser_url: String,
    page: Option<Page>,
    selected: Option<Selected>,
    /// The node inspector's fields and the answer to its last action.
    label_input: String,
    taint_input: String,
    action_result: Option<(String, bool)>,
    tool: Tool,
    git: GitPanel,
    /// The last export (kind config, manifests), and the text pasted to import.
    exported: Option<(String, String)>,
    import_text: String,
    import_errors: Vec<String>,
    /// Where each pod was bound at the last look (to see pods leave), the
    /// resourceVersion then, and the pods drawn leaving.
    placed: std::collections::BTreeMap<String, String>,
    placed_version: u64,
    leaving: Vec<Leaving>,
    /// Pods bound since the last render: their chips fly in from the pending lane.
    arrived: Vec<String>,
    ticks: u64,
    /// The page a pod serves, as the inspector last fetched it: (pod, address, page).
    served: Option<(String, String, Page)>,
    playing: bool,
    speed: u32,
    /// The open lesson and which of its steps are done.
    lesson: Option<usize>,
    lesson_done: Vec<bool>,
    /// A message about the saved workspace (one that could not be read).
    notice: Option<String>,
    /// The last share link made, shown for copying.
    share_url: Option<String>,
    theme: Theme,
    /// How the page was opened (embedding, panels, lesson).
    options: PageOptions,
    /// Ticks since the workspace was last saved.
    since_save: u32,
    /// Ticks between periodic saves (longer once a save proved slow).
    save_every: u32,
    /// The User Timing measure (`podlab:tick`, `podlab:apply`) to close when the
    /// update that started it has rendered.
    measuring: Option<&'static str>,
    /// Ticks measured since the measures were last cleared.
    measured_ticks: u32,
    /// This app's mark for the start of a measured update (apps on one page each
    /// have their own).
    start_mark: String,
    /// The node cards' callbacks, made once so unchanged cards are not redrawn.
    card_actions: view::CardActions,
    /// Moves when something the node cards show besides API objects may have changed
    /// (any message but a tick; pods starting or ending their leave).
    view_generation: u64,
    /// The editor's input handler, made once (see `view::Code`).
    edit_callback: Callback<InputEvent>,
    /// The node cards' data for (resourceVersion, view_generation).
    card_cache: std::cell::RefCell<view::CardCache>,
    chip_cache: std::cell::RefCell<view::ChipCache>,
    _ticker: Interval,
}

/// The page's Performance, for User Timing marks and measures.
fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Numbers the apps on a page, for their start marks.
static APPS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
/// Tick measures kept before they are cleared (about 12 minutes of ticks).
const TICK_MEASURES_KEPT: u32 = 3600;

/// Where the workspace is saved, and where an unreadable save is kept aside.
pub const STORAGE_KEY: &str = "podlab.workspace.v1";
pub const UNREADABLE_KEY: &str = "podlab.workspace.unreadable";
/// Saved every this many ticks (5 s), after every Apply and command, and when the page
/// is hidden or left (`pagehide`).
const SAVE_EVERY_TICKS: u32 = 25;
/// A save that took longer than this (a big cluster's snapshot) would stall the page
/// every 5 s: such workspaces are saved every 30 s instead (and still on every action
/// and when the page is left).
const SLOW_SAVE_MS: f64 = 16.0;
const SLOW_SAVE_EVERY_TICKS: u32 = 150;

/// Where the previous workspace is kept when a share link replaces it.
pub const BEFORE_SHARE_KEY: &str = "podlab.workspace.before-share";
/// Where the previous workspace is kept when an imported cluster replaces it.
pub const BEFORE_IMPORT_KEY: &str = "podlab.workspace.before-import";

/// How the page was opened: `?embed=1` (compact, nothing saved), `panels=` (which
/// panels show), `lesson=` (a lesson to open), and a share link's `#share=…`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageOptions {
    pub embed: bool,
    /// Panel names (`editor`, `terminal`, `cluster`, `inspector`, and the tools
    /// `browser`, `git`, `timeline`, `export`); empty
    /// shows them all.
    pub panels: Vec<String>,
    pub lesson: Option<String>,
    pub share: Option<String>,
    /// `theme=light|dark` (an embedding page's choice).
    pub theme: Option<Theme>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The address's choice, else the one saved, else the system's preference.
    fn initial(options: &PageOptions) -> Theme {
        let saved = storage()
            .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
            .and_then(|t| Theme::parse(&t));
        let system_dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches());
        options.theme.or(saved).unwrap_or(if system_dark {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    /// Puts the theme on `<html data-theme>`, where the style sheet looks for it.
    fn apply(self) {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = root.set_attribute("data-theme", self.name());
        }
    }
}

/// Where the chosen theme is remembered.
pub const THEME_KEY: &str = "podlab.theme";

impl PageOptions {
    /// Reads a page address's query and fragment.
    pub fn parse(search: &str, hash: &str) -> PageOptions {
        let mut o = PageOptions::default();
        for pair in search.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "embed" => o.embed = v != "0" && v != "false",
                "panels" => {
                    o.panels = v
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                }
                "lesson" if !v.is_empty() => o.lesson = Some(v.to_string()),
                "theme" => o.theme = Theme::parse(v),
                _ => {}
            }
        }
        let hash = hash.trim_start_matches('#');
        if hash.contains(podlab_core::share::FRAGMENT_KEY) {
            o.share = Some(hash.to_string());
        }
        o
    }

    pub fn shows(&self, panel: &str) -> bool {
        self.panels.is_empty() || self.panels.iter().any(|p| p == panel)
    }

    fn from_location() -> PageOptions {
        let location = web_sys::window().map(|w| w.location());
        let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location
                .as_ref()
                .and_then(|l| f(l).ok())
                .unwrap_or_default()
        };
        PageOptions::parse(
            &get(web_sys::Location::search),
            &get(web_sys::Location::hash),
        )
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved workspace, or why it could not be read (it is then kept aside).
fn load_saved() -> Result<Option<(Workspace, Cluster)>, String> {
    let Some(store) = storage() else {
        return Ok(None);
    };
    let Ok(Some(text)) = store.get_item(STORAGE_KEY) else {
        return Ok(None);
    };
    match Workspace::parse(&text) {
        Ok(ok) => Ok(Some(ok)),
        Err(e) => {
            let _ = store.set_item(UNREADABLE_KEY, &text);
            let _ = store.remove_item(STORAGE_KEY);
            Err(format!(
                "The saved workspace could not be read ({e}); it is kept in localStorage under \"{UNREADABLE_KEY}\", and a fresh cluster started."
            ))
        }
    }
}

/// Opens a share link's workspace. The workspace it replaces is kept aside (embedded
/// playgrounds save nothing, so there is nothing to keep).
fn open_shared(
    fragment: &str,
    embed: bool,
) -> Result<((Workspace, Cluster), Option<String>), String> {
    forget_fragment();
    let opened = podlab_core::share::decode(fragment).map_err(|e| {
        format!("The shared link could not be opened: {e}. Your workspace is unchanged.")
    })?;
    let mut notice = None;
    if !embed {
        if let Some(store) = storage() {
            if let Ok(Some(previous)) = store.get_item(STORAGE_KEY) {
                let _ = store.set_item(BEFORE_SHARE_KEY, &previous);
                notice = Some(format!(
                    "Opened the shared scenario. Your previous workspace is kept in localStorage under \"{BEFORE_SHARE_KEY}\"."
                ));
            }
        }
    }
    Ok((opened, notice))
}

/// This page's address without its fragment: a share link adds the workspace to it.
fn page_address() -> String {
    let location = web_sys::window().map(|w| w.location());
    location
        .map(|l| {
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `CompressionStream` (web-sys has it only behind an unstable flag).
    type CompressionStream;
    #[wasm_bindgen::prelude::wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, wasm_bindgen::JsValue>;
    #[wasm_bindgen::prelude::wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen::prelude::wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

/// zlib-compresses `data` with the browser's `CompressionStream("deflate")`.
async fn deflate(data: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_bindgen_futures::JsFuture;
    let js_error = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let stream = CompressionStream::new("deflate").map_err(js_error)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let compressed = blob.stream().pipe_through(&pair);
    let response =
        web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).map_err(js_error)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Drops the share link from the address bar: a reload then restores the autosave
/// instead of reopening (or again refusing) the link.
fn forget_fragment() {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let location = w.location();
            let url = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// Saves when the page is hidden or left, so a reload finds the latest state even
/// between periodic saves.
fn save_on_pagehide(link: &yew::html::Scope<App>) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let link = link.clone();
    let handler =
        wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || link.send_message(Msg::Save));
    let _ = window.add_event_listener_with_callback("pagehide", handler.as_ref().unchecked_ref());
    // The page keeps the handler for its lifetime.
    handler.forget();
}

/// A share link pasted into the address bar of an open playground changes only the
/// fragment, which loads nothing: reload so that it opens.
fn reload_on_share_links() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            if location
                .hash()
                .is_ok_and(|h| h.contains(podlab_core::share::FRAGMENT_KEY))
            {
                let _ = location.reload();
            }
        }
    });
    window.set_onhashchange(Some(handler.as_ref().unchecked_ref()));
    // The page keeps the handler for its lifetime.
    handler.forget();
}

/// Where the app finds `kubectl explain`'s OpenAPI schema (copied into dist by trunk).
const SCHEMA_URL: &str = "openapi-v1_34.json";

/// Fetches the explain schema in the background and hands it to core; until it arrives,
/// or if it cannot be loaded, `kubectl explain` says the schema is unavailable.
fn load_explain_schema() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    wasm_bindgen_futures::spawn_local(async {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(response) = JsFuture::from(window.fetch_with_str(SCHEMA_URL)).await else {
            return;
        };
        let Ok(response) = response.dyn_into::<web_sys::Response>() else {
            return;
        };
        if !response.ok() {
            return;
        }
        let Ok(text) = response.text() else { return };
        if let Ok(text) = JsFuture::from(text).await {
            if let Some(text) = text.as_string() {
                if podlab_core::openapi::provide_schema(&text).is_ok() {
                    // A hook for tests and tools: explain answers from now on.
                    if let Some(root) = window.document().and_then(|d| d.document_element()) {
                        let _ = root.set_attribute("data-explain-schema", "loaded");
                    }
                }
            }
        }
    });
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        load_explain_schema();
        reload_on_share_links();
        let link = ctx.link().clone();
        let options = PageOptions::from_location();
        let theme = Theme::initial(&options);
        theme.apply();
        let (mut saved, mut notice) = if options.embed {
            (None, None)
        } else {
            match load_saved() {
                Ok(s) => (s, None),
                Err(e) => (None, Some(e)),
            }
        };
        let mut shared = false;
        if let Some(fragment) = &options.share {
            match open_shared(fragment, options.embed) {
                Ok((opened, kept)) => {
                    saved = Some(opened);
                    notice = kept;
                    shared = true;
                }
                Err(e) => notice = Some(e),
            }
        }
        let (files, open_file, cluster, lesson, lesson_done) = match saved {
            Some((s, c)) => (
                s.editor_files(EDITOR_FILE),
                s.open_file,
                c,
                s.lesson,
                s.lesson_done,
            ),
            None => (
                vec![EditorFile::new(EDITOR_FILE, DEFAULT_MANIFEST)],
                0,
                Cluster::with_default_nodes(1),
                None,
                Vec::new(),
            ),
        };
        let open_file = open_file.min(files.len().saturating_sub(1));
        let tool = Tool::ALL
            .into_iter()
            .find(|t| options.shows(t.name()))
            .unwrap_or(Tool::Browser);
        let mut app = App {
            cluster,
            files,
            open_file,
            new_file: String::new(),
            terminal: Vec::new(),
            session: podlab_core::Session::new(TERMINAL_NODE),
            term_input: String::new(),
            history_pos: None,
            completions: Vec::new(),
            report: ApplyReport::default(),
            browser_url: "http://192.168.56.202:30080/".into(),
            page: None,
            selected: None,
            label_input: String::new(),
            taint_input: String::new(),
            action_result: None,
            tool,
            git: GitPanel::default(),
            exported: None,
            import_text: String::new(),
            import_errors: Vec::new(),
            placed: Default::default(),
            placed_version: u64::MAX,
            leaving: Vec::new(),
            arrived: Vec::new(),
            ticks: 0,
            served: None,
            playing: true,
            speed: 1,
            lesson,
            lesson_done,
            notice,
            share_url: None,
            theme,
            options,
            since_save: 0,
            save_every: SAVE_EVERY_TICKS,
            card_actions: view::CardActions::new(ctx.link()),
            view_generation: 0,
            edit_callback: ctx.link().callback(|e: InputEvent| {
                let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
                Msg::Edit(area.value())
            }),
            card_cache: Default::default(),
            chip_cache: Default::default(),
            measuring: None,
            measured_ticks: 0,
            start_mark: format!(
                "podlab:start:{}",
                APPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
            _ticker: Interval::new(TICK_MS, move || link.send_message(Msg::Tick)),
        };
        save_on_pagehide(ctx.link());
        // Where pods are now: the next change is drawn moving.
        app.watch_placements();
        // `?lesson=ID` opens a lesson, unless a share link brought its own workspace.
        if let (Some(id), false) = (&app.options.lesson, shared) {
            let index = podlab_core::lessons::lessons()
                .iter()
                .position(|l| l.id == id.as_str());
            match index {
                Some(i) if app.lesson != Some(i) => app.open_lesson(Some(i)),
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
    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let measure = match msg {
            Msg::Tick => Some("podlab:tick"),
            Msg::Apply => Some("podlab:apply"),
            _ => None,
        };
        let perf = measure.and_then(|_| performance());
        if let Some(p) = &perf {
            let _ = p.mark(&self.start_mark);
        }
        let mut render = self.handle(ctx, msg);
        // Whatever the message did (Apply, a command, an action), pods that moved are
        // drawn moving on this render.
        if self.watch_placements() {
            self.view_generation += 1;
            render = true;
        }
        if let (Some(p), Some(name)) = (&perf, measure) {
            if render {
                self.measuring = Some(name);
            } else {
                let _ = p.measure_with_start_mark(name, &self.start_mark);
                p.clear_marks_with_mark_name(&self.start_mark);
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
        view::scroll_terminal();
        if !self.arrived.is_empty() {
            view::fly_in(&std::mem::take(&mut self.arrived));
        }
        let perf = performance();
        if let Some(p) = &perf {
            if first {
                let _ = p.mark("podlab:first-render");
            }
            if let Some(name) = self.measuring.take() {
                let _ = p.measure_with_start_mark(name, &self.start_mark);
                p.clear_marks_with_mark_name(&self.start_mark);
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        view::app(self, ctx)
    }
}

impl App {
    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        if !matches!(msg, Msg::Tick) {
            self.view_generation += 1;
        }
        match msg {
            Msg::Edit(text) => {
                if let Some(f) = self.files.get_mut(self.open_file) {
                    f.text = text;
                }
                // Redrawn for the highlighting.
                true
            }
            Msg::DeleteObjects => {
                let (name, text) = self.open_file_text();
                let files = OneFile(name.to_string(), text.to_string());
                let args = ["delete".to_string(), "-f".into(), name.to_string()];
                let out = podlab_core::kubectl::run(&mut self.cluster, &args, &files);
                let mut lines: Vec<(String, bool)> =
                    out.stdout.lines().map(|l| (l.to_string(), false)).collect();
                lines.extend(out.stderr.lines().map(|l| (l.to_string(), true)));
                self.report = ApplyReport {
                    diagnostics: Vec::new(),
                    text: String::new(),
                    lines,
                };
                self.save();
                true
            }
            Msg::TermInput(text) => {
                self.term_input = text;
                false
            }
            // `kubectl logs -f` holds the terminal until Ctrl-C.
            Msg::TermRun if self.session.following() => false,
            Msg::TermRun => {
                let line = std::mem::take(&mut self.term_input);
                self.history_pos = None;
                self.completions.clear();
                self.run_command(line.trim());
                self.save();
                true
            }
            Msg::TermComplete => {
                let files: Vec<String> = self.files.iter().map(|f| f.name.clone()).collect();
                let candidates = podlab_core::kubectl::complete::complete(
                    &self.cluster,
                    &self.term_input,
                    &files,
                );
                let (line, shown) =
                    podlab_core::kubectl::complete::apply_completion(&self.term_input, &candidates);
                self.term_input = line;
                self.completions = shown;
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
                let (name, text) = self.open_file_text();
                let (name, text) = (name.to_string(), text.to_string());
                self.report = match self.cluster.create_from_text(&name, &text) {
                    Ok(applied) => {
                        if let Some(first) = applied
                            .iter()
                            .find(|a| a.resource == "pod" && a.result.is_ok())
                        {
                            self.selected = Some(Selected::Pod(format!("default/{}", first.name)));
                        }
                        ApplyReport {
                            diagnostics: Vec::new(),
                            text: String::new(),
                            lines: applied
                                .iter()
                                .map(|a| (a.message(), a.result.is_err()))
                                .collect(),
                        }
                    }
                    Err(rejected) => ApplyReport {
                        diagnostics: rejected.diagnostics,
                        text,
                        lines: Vec::new(),
                    },
                };
                self.save();
                true
            }
            Msg::Tick => {
                self.ticks += 1;
                if self.playing {
                    self.cluster
                        .advance(u64::from(TICK_MS) * u64::from(self.speed));
                }
                let followed = self.follow();
                let ticked = self.update_lesson_checks();
                self.since_save += 1;
                if self.since_save >= self.save_every {
                    self.save();
                }
                self.playing || ticked || followed
            }
            Msg::Step => {
                self.cluster.advance(1000);
                self.update_lesson_checks();
                true
            }
            Msg::NextEvent => {
                match self.cluster.next_event_time() {
                    Some(t) => {
                        let now = self.cluster.now();
                        self.cluster.advance(t.0.saturating_sub(now.0));
                        self.update_lesson_checks();
                    }
                    None => {
                        self.notice = Some(
                            "Nothing is scheduled to happen: no container, timer or controller is waiting for a moment to come.".into(),
                        )
                    }
                }
                true
            }
            Msg::EvaluateEveryNode(on) => {
                self.cluster.set_sampling(if on {
                    podlab_core::scheduler::Sampling::Exhaustive
                } else {
                    podlab_core::scheduler::Sampling::Adaptive
                });
                self.save();
                true
            }
            Msg::ToggleTheme => {
                self.theme = match self.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                };
                self.theme.apply();
                if let Some(store) = storage() {
                    let _ = store.set_item(THEME_KEY, self.theme.name());
                }
                true
            }
            Msg::Interrupt => {
                // Ctrl-C: ends `kubectl logs -f`, or drops the line being typed.
                if self.session.interrupt() {
                    if let Some(entry) = self.terminal.last_mut() {
                        entry.stdout.push_str("^C\n");
                    }
                } else {
                    let prompt = self.session.prompt();
                    let command = format!("{}^C", std::mem::take(&mut self.term_input));
                    self.terminal.push(TermEntry {
                        prompt,
                        command,
                        stdout: String::new(),
                        stderr: String::new(),
                    });
                }
                true
            }
            Msg::Save => {
                self.save();
                false
            }
            Msg::Share => {
                let json = self.workspace().to_json();
                let base = page_address();
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let shared = match deflate(json.as_bytes()).await {
                        Ok(zlib) => Ok(format!("{base}#{}", podlab_core::share::fragment(&zlib))),
                        Err(e) => Err(format!("The share link could not be made: {e}")),
                    };
                    link.send_message(Msg::Shared(shared));
                });
                false
            }
            Msg::Shared(Ok(url)) => {
                self.share_url = Some(url);
                true
            }
            Msg::Shared(Err(e)) => {
                self.notice = Some(e);
                true
            }
            Msg::OpenLesson(i) => {
                self.open_lesson(i);
                true
            }
            Msg::LessonStep(n) => {
                let lessons = podlab_core::lessons::lessons();
                if let Some(step) = self
                    .lesson
                    .and_then(|i| lessons.get(i))
                    .and_then(|l| l.steps.get(n))
                {
                    if let Some(m) = step.manifest {
                        // Lessons run `kubectl create -f pod.yaml`: the manifest goes there.
                        let i = match self.files.iter().position(|f| f.name == EDITOR_FILE) {
                            Some(i) => i,
                            None => {
                                self.files.insert(0, EditorFile::new(EDITOR_FILE, ""));
                                0
                            }
                        };
                        self.files[i].text = m.to_string();
                        self.open_file = i;
                    }
                    if let Some(cmd) = step.command {
                        self.run_command(cmd);
                    }
                }
                self.update_lesson_checks();
                true
            }
            Msg::ResetLesson => {
                self.cluster = podlab_core::lessons::reset();
                self.terminal.clear();
                self.session = podlab_core::Session::new(TERMINAL_NODE);
                self.selected = None;
                self.report = ApplyReport::default();
                self.lesson_done.iter_mut().for_each(|d| *d = false);
                true
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
                self.selected = Some(Selected::Pod(key));
                true
            }
            Msg::SelectNode(name) => {
                if self.selected != Some(Selected::Node(name.clone())) {
                    self.action_result = None;
                }
                self.selected = Some(Selected::Node(name));
                true
            }
            Msg::Kubectl(args) => {
                self.kubectl_action(&args);
                true
            }
            Msg::LabelNode(node) => {
                let spec = self.label_input.trim().to_string();
                if self.kubectl_action(&["label".into(), "node".into(), node, spec]) {
                    self.label_input.clear();
                }
                true
            }
            Msg::TaintNode(node) => {
                let spec = self.taint_input.trim().to_string();
                if self.kubectl_action(&["taint".into(), "nodes".into(), node, spec]) {
                    self.taint_input.clear();
                }
                true
            }
            Msg::NodeLabelInput(text) => {
                self.label_input = text;
                false
            }
            Msg::NodeTaintInput(text) => {
                self.taint_input = text;
                false
            }
            Msg::OpenFile(i) => {
                if i < self.files.len() {
                    self.open_file = i;
                    self.report = ApplyReport::default();
                }
                true
            }
            Msg::NewFileName(name) => {
                self.new_file = name;
                false
            }
            Msg::NewFile => {
                let name = self.new_file.trim().to_string();
                let problem = podlab_core::share::check_file_name(&name)
                    .err()
                    .or_else(|| {
                        self.files
                            .iter()
                            .any(|f| f.name == name)
                            .then(|| format!("there is already a file named {name:?}"))
                    });
                match problem {
                    Some(p) => self.report = ApplyReport::line(&format!("error: {p}"), true),
                    None => {
                        self.files.push(EditorFile::new(&name, ""));
                        self.open_file = self.files.len() - 1;
                        self.new_file.clear();
                        self.report = ApplyReport::default();
                        self.save();
                    }
                }
                true
            }
            Msg::CloseFile(i) => {
                // The last file stays: the editor always has one.
                if i < self.files.len() && self.files.len() > 1 {
                    self.files.remove(i);
                    if self.open_file >= i && self.open_file > 0 {
                        self.open_file -= 1;
                    }
                    self.report = ApplyReport::default();
                    self.save();
                }
                true
            }
            Msg::Tool(t) => {
                self.tool = t;
                true
            }
            Msg::Browse(url) => {
                self.browser_url = url;
                self.tool = Tool::Browser;
                self.load_page();
                true
            }
            Msg::Served(key, url) => {
                let node = key
                    .split_once('/')
                    .and_then(|(ns, n)| self.cluster.api().pods.get(ns, n))
                    .and_then(|p| p.spec.as_ref()?.node_name.clone())
                    .unwrap_or_default();
                let page = page_of(self.cluster.http_get_from_node(&node, &url));
                self.served = Some((key, url, page));
                true
            }
            Msg::GitRepo(url) => {
                self.tool = Tool::Git;
                self.git = GitPanel {
                    repo: Some(url),
                    ..GitPanel::default()
                };
                true
            }
            Msg::GitFile(path) => {
                let text = self
                    .git
                    .repo
                    .as_deref()
                    .map(|url| self.cluster.git().head_files(url))
                    .unwrap_or_default()
                    .into_iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, d)| String::from_utf8_lossy(&d).into_owned())
                    .unwrap_or_default();
                self.git.path = path;
                self.git.text = text;
                self.git.result = None;
                true
            }
            Msg::GitPath(path) => {
                self.git.path = path;
                false
            }
            Msg::GitText(text) => {
                self.git.text = text;
                false
            }
            Msg::GitMessage(text) => {
                self.git.message = text;
                false
            }
            Msg::GitCommit => {
                self.git.result = Some(self.git_commit());
                self.save();
                true
            }
            Msg::Export => {
                self.exported = Some((
                    podlab_core::export::kind_config(&self.cluster),
                    podlab_core::export::manifests(&self.cluster),
                ));
                true
            }
            Msg::ImportText(text) => {
                self.import_text = text;
                false
            }
            Msg::Import => {
                self.import();
                true
            }
            Msg::BrowserUrl(url) => {
                self.browser_url = url;
                false
            }
            Msg::BrowserGo => {
                self.load_page();
                true
            }
            Msg::Cordon(node, cordon) => {
                // The same command the terminal runs, with its output.
                let command = if cordon { "cordon" } else { "uncordon" };
                let (text, failed) = self.kubectl(&[command.to_string(), node]);
                self.report = ApplyReport::line(&text, failed);
                true
            }
            Msg::Kubelet(node, running) => {
                self.cluster.set_kubelet_running(&node, running);
                true
            }
            Msg::DeletePod(key) => {
                if let Some((ns, name)) = key.split_once('/') {
                    self.report = match self.cluster.delete_pod(ns, name, None) {
                        Ok(_) => ApplyReport::line(
                            &format!("pod \"{name}\" deleted from {ns} namespace"),
                            false,
                        ),
                        Err(e) => ApplyReport::line(
                            &format!("Error from server ({}): {e}", e.reason()),
                            true,
                        ),
                    };
                }
                true
            }
        }
    }
}

/// Mounts the app into `root`.
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

impl App {
    /// The open lesson's index and which steps are done (for the view).
    pub fn lesson_state(&self) -> (Option<usize>, &[bool]) {
        (self.lesson, &self.lesson_done)
    }

    /// The terminal's current prompt.
    pub fn prompt(&self) -> String {
        self.session.prompt()
    }

    /// Runs one terminal line in the node shell (kubectl, ssh, sudo -i, ls, cat, ...);
    /// `clear` empties the screen. The editor's text is ~/pod.yaml on the control plane.
    /// Appends what the following command (`kubectl logs -f`, `get -w`, `wait`, ...)
    /// printed since the last tick to its output.
    fn follow(&mut self) -> bool {
        if !self.session.following() {
            return false;
        }
        let mut changed = false;
        for (stream, data) in self.cluster.terminal_follow(&mut self.session) {
            if let Some(entry) = self.terminal.last_mut() {
                let text = String::from_utf8_lossy(&data);
                match stream {
                    podlab_core::shell::Stream::Stdout => entry.stdout.push_str(&text),
                    podlab_core::shell::Stream::Stderr => entry.stderr.push_str(&text),
                }
                changed = true;
            }
        }
        changed || !self.session.following()
    }

    fn open_lesson(&mut self, i: Option<usize>) {
        if i.is_some() {
            podlab_core::lessons::prepare(&mut self.cluster);
        }
        self.lesson = i;
        self.lesson_done = i
            .and_then(|i| {
                podlab_core::lessons::lessons()
                    .get(i)
                    .map(|l| vec![false; l.steps.len()])
            })
            .unwrap_or_default();
        self.update_lesson_checks();
    }

    fn workspace(&self) -> Workspace {
        let (_, first) = self.open_file_text();
        Workspace::new(first, &self.cluster, self.lesson, &self.lesson_done)
            .with_files(&self.files, self.open_file)
    }

    /// The open file's name and text.
    pub fn open_file_text(&self) -> (&str, &str) {
        self.files
            .get(self.open_file)
            .map_or((EDITOR_FILE, ""), |f| (f.name.as_str(), f.text.as_str()))
    }

    /// The editor's files and which is open (for the view).
    pub fn editor_files(&self) -> (&[EditorFile], usize) {
        (&self.files, self.open_file)
    }

    /// Runs an inspector action's kubectl command; its answer shows in the inspector.
    /// Returns whether it succeeded.
    fn kubectl_action(&mut self, args: &[String]) -> bool {
        let (text, failed) = self.kubectl(args);
        self.action_result = Some((text, failed));
        self.save();
        !failed
    }

    /// Runs a kubectl command for a button: what it printed (its error when it failed)
    /// and whether it failed.
    fn kubectl(&mut self, args: &[String]) -> (String, bool) {
        let out =
            podlab_core::kubectl::run(&mut self.cluster, args, &podlab_core::kubectl::NoFiles);
        let failed = out.exit_code != 0;
        let text = if failed { out.stderr } else { out.stdout };
        (text.trim_end().to_string(), failed)
    }

    /// Loads the browser tab's address.
    fn load_page(&mut self) {
        let url = self.browser_url.trim().to_string();
        self.page = Some(page_of(self.cluster.http_get(&url)));
    }

    /// Commits the git panel's file to its repository (the mock remote: committing there
    /// is pushing), as the person editing the lesson's site would.
    fn git_commit(&mut self) -> (String, bool) {
        let Some(url) = self.git.repo.clone() else {
            return ("error: choose a repository first".into(), true);
        };
        let path = self.git.path.trim().to_string();
        if path.is_empty() {
            return (
                "error: the file needs a path (index.html, docs/a.md)".into(),
                true,
            );
        }
        let message = self.git.message.trim().to_string();
        if message.is_empty() {
            return ("Aborting commit due to empty commit message.".into(), true);
        }
        let now = self.cluster.now();
        let git = self.cluster.git_mut();
        let done = git
            .put(&url, &path, self.git.text.as_bytes())
            .and_then(|()| {
                git.commit_reported(&url, &message, ("Podlab User", "user@podlab.local"), now)
            });
        match done {
            Ok(out) => {
                self.git.message.clear();
                (out.trim_end().to_string(), false)
            }
            Err(e) => (e.to_string(), true),
        }
    }

    /// Replaces the cluster with the nodes and pods pasted (the output of `kubectl get
    /// nodes,pods -o yaml` from a real cluster). The workspace it replaces is kept in
    /// localStorage; a paste that cannot be read changes nothing.
    fn import(&mut self) {
        let mut cluster = Cluster::empty(1);
        match cluster.create_from_text("import.yaml", &self.import_text) {
            Err(rejected) => {
                self.import_errors = rejected.diagnostics.iter().map(|d| d.to_string()).collect();
            }
            Ok(applied) => {
                let errors: Vec<String> = applied
                    .iter()
                    .filter(|a| a.result.is_err())
                    .map(|a| a.message())
                    .collect();
                let nodes = cluster.nodes().count();
                if nodes == 0 {
                    self.import_errors = vec![
                        "error: import.yaml has no Node: paste the output of kubectl get nodes,pods -o yaml".into(),
                    ];
                    return;
                }
                if !self.options.embed {
                    if let Some(store) = storage() {
                        let _ = store.set_item(BEFORE_IMPORT_KEY, &self.workspace().to_json());
                    }
                }
                cluster.advance(0);
                self.cluster = cluster;
                self.import_errors = errors;
                self.selected = None;
                self.exported = None;
                self.placed_version = u64::MAX;
                self.notice = Some(format!(
                    "Loaded {nodes} node(s) and {} pod(s) as the cluster. The workspace before is kept in localStorage under \"{BEFORE_IMPORT_KEY}\". Apply a pod to see where it would land.",
                    self.cluster.pods().count()
                ));
                self.save();
            }
        }
    }

    /// Notes pods that left their node since the last look, to draw them leaving, and
    /// pods bound since, to fly them in. Returns whether the drawing changed.
    fn watch_placements(&mut self) -> bool {
        let before = self.leaving.len();
        self.leaving.retain(|l| l.until > self.ticks);
        let version = self.cluster.api().resource_version();
        if version == self.placed_version {
            return self.leaving.len() != before;
        }
        let first_look = self.placed_version == u64::MAX;
        self.placed_version = version;
        let mut now = std::collections::BTreeMap::new();
        for p in self.cluster.pods() {
            if let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
                let ns = p.metadata.namespace.as_deref().unwrap_or_default();
                let name = p.metadata.name.as_deref().unwrap_or_default();
                now.insert(format!("{ns}/{name}"), node.to_string());
            }
        }
        let old = std::mem::replace(&mut self.placed, now);
        if !first_look {
            // A few at a time: a pasted cluster's thousands land without a flight each.
            self.arrived = self
                .placed
                .iter()
                .filter(|(key, node)| old.get(*key) != Some(*node))
                .map(|(key, _)| key.clone())
                .take(MAX_FLIGHTS)
                .collect();
            for (key, node) in old {
                if self.placed.get(&key) != Some(&node) {
                    let name = key
                        .split_once('/')
                        .map_or(key.as_str(), |(_, n)| n)
                        .to_string();
                    self.leaving.push(Leaving {
                        key,
                        name,
                        node,
                        until: self.ticks + LEAVING_TICKS,
                    });
                }
            }
        }
        self.leaving.len() != before || !self.arrived.is_empty()
    }

    /// The pods drawn leaving a node.
    pub fn leaving(&self) -> &[Leaving] {
        &self.leaving
    }

    /// Autosaves (not when embedded: several playgrounds on one page would share it).
    fn save(&mut self) {
        self.since_save = 0;
        if self.options.embed {
            return;
        }
        let perf = performance();
        let start = perf.as_ref().map(|p| p.now());
        if let Some(store) = storage() {
            let _ = store.set_item(STORAGE_KEY, &self.workspace().to_json());
        }
        if let (Some(p), Some(start)) = (perf, start) {
            self.save_every = if p.now() - start > SLOW_SAVE_MS {
                SLOW_SAVE_EVERY_TICKS
            } else {
                SAVE_EVERY_TICKS
            };
        }
    }

    /// Ticks the open lesson's first step not yet done, if its check now holds (steps
    /// stay done). Returns whether anything changed.
    fn update_lesson_checks(&mut self) -> bool {
        let lessons = podlab_core::lessons::lessons();
        let Some(lesson) = self.lesson.and_then(|i| lessons.get(i)) else {
            return false;
        };
        let Some(next) = self.lesson_done.iter().position(|d| !d) else {
            return false;
        };
        if podlab_core::lessons::check(&self.cluster, &lesson.steps[next].check) {
            self.lesson_done[next] = true;
            return true;
        }
        false
    }

    fn run_command(&mut self, line: &str) {
        let prompt = self.session.prompt();
        if line == "clear" {
            self.terminal.clear();
            return;
        }
        if line.is_empty() {
            self.terminal.push(TermEntry {
                prompt,
                command: String::new(),
                stdout: String::new(),
                stderr: String::new(),
            });
            return;
        }
        // The editor's files are in the home directory; what the shell writes to them
        // is not read back.
        for f in &self.files {
            let _ = self.cluster.put_node_file(
                TERMINAL_NODE,
                &format!("{EDITOR_DIR}/{}", f.name),
                f.text.as_bytes(),
            );
        }
        let chunks = self.cluster.terminal(&mut self.session, line);
        let (mut stdout, mut stderr) = (String::new(), String::new());
        for (stream, data) in chunks {
            let text = String::from_utf8_lossy(&data);
            match stream {
                podlab_core::shell::Stream::Stdout => stdout.push_str(&text),
                podlab_core::shell::Stream::Stderr => stderr.push_str(&text),
            }
        }
        self.terminal.push(TermEntry {
            prompt,
            command: line.into(),
            stdout,
            stderr,
        });
    }
}
