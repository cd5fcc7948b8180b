//! The terminal: a login shell as k8s on the control plane (then `sudo -i`, `ssh NODE`
//! on top), history, Tab completion, Ctrl-C, and the following commands (`kubectl logs
//! -f`, `get -w`, `events -w`, `wait`) that print as the clock runs. The editor's files
//! are in the home directory. This is the web app's one user of core's terminal
//! session.

use crate::common::{keys, Outcome};
use crate::panes::Focus;
use podlab_core::share::EditorFile;
use podlab_core::shell::Stream;
use podlab_core::{Cluster, Session};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Where the terminal logs in, and the home directory that holds the editor's files.
pub const TERMINAL_NODE: &str = "k8s-master-01";
const EDITOR_DIR: &str = "/home/k8s";
/// How much of the scrollback is saved: the newest entries, each output cut to its end.
const SAVED_ENTRIES: usize = 300;
const SAVED_OUTPUT: usize = 16 * 1024;

/// The prompt of a line that continues a command (a here-document's, bash's PS2).
const CONTINUED: &str = "> ";

pub enum Msg {
    Input(String),
    Run,
    /// Walk back (-1) or forward (1) through the commands typed.
    History(i32),
    /// Tab: complete the last word.
    Complete,
    /// Ctrl-C.
    Interrupt,
    /// A key pressed in the full-screen editor (`vi FILE`, `nano FILE`).
    Key(podlab_core::terminal::editor::Key),
}

/// One command typed in the terminal and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermEntry {
    /// The shell's prompt when the command was typed (`k8s@k8s-master-01:~$ `).
    pub prompt: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
}

pub struct Terminal {
    /// Shared with the screen's props: an unchanged screen is not redrawn.
    entries: std::rc::Rc<Vec<TermEntry>>,
    /// The shell behind the terminal: k8s@k8s-master-01, then sudo -i or ssh on top.
    session: Session,
    input: String,
    /// Position while walking back through history with the arrow keys.
    history_pos: Option<usize>,
    /// What Tab offered when several completions fit.
    completions: Vec<String>,
    /// Where Enter on a line that needs the explain schema is.
    schema: SchemaWait,
    /// The full-screen editor's writes to the editor's files: name and text.
    written: Vec<(String, String)>,
    /// The full-screen editor has just exited: the input line takes the focus back.
    returned: bool,
}

/// A line that needs the explain schema: none, one waiting for it, one to run now
/// that its fetch has ended.
#[derive(Clone, Copy, PartialEq)]
enum SchemaWait {
    None,
    Waiting,
    Fetched,
}

impl Default for Terminal {
    fn default() -> Terminal {
        Terminal {
            entries: Default::default(),
            session: Session::new(TERMINAL_NODE),
            input: String::new(),
            history_pos: None,
            completions: Vec::new(),
            schema: SchemaWait::None,
            written: Vec::new(),
            returned: false,
        }
    }
}

impl Terminal {
    /// `files` are the editor's (Tab completes their names; commands find them in ~).
    pub fn update(&mut self, cluster: &mut Cluster, files: &[EditorFile], msg: Msg) -> Outcome {
        match msg {
            Msg::Input(text) => {
                self.input = text;
                Outcome::quiet()
            }
            Msg::Key(key) => {
                let on_home_node = self.session.node() == TERMINAL_NODE;
                let written = cluster.terminal_key(&mut self.session, key);
                let wrote = !written.is_empty();
                for (path, data) in written {
                    let name = path
                        .strip_prefix(EDITOR_DIR)
                        .and_then(|p| p.strip_prefix('/'))
                        .filter(|n| on_home_node && !n.contains('/'));
                    if let Some(name) = name {
                        let text = String::from_utf8_lossy(&data).into_owned();
                        self.written.push((name.to_string(), text));
                    }
                }
                self.returned = self.session.editor().is_none();
                // The workspace is saved when a file was written or the editor exited,
                // not at every key.
                if wrote || self.returned {
                    Outcome::saved()
                } else {
                    Outcome::render()
                }
            }
            // `kubectl logs -f` holds the terminal until Ctrl-C; a line waiting for the
            // schema runs once it has arrived.
            Msg::Run if self.session.following() || self.schema == SchemaWait::Waiting => {
                Outcome::quiet()
            }
            Msg::Run => {
                self.returned = false;
                let line = std::mem::take(&mut self.input);
                self.history_pos = None;
                self.completions.clear();
                // A line of a here-document is taken as typed (`<<-` strips its tabs).
                let line = if self.session.continuing() {
                    line.as_str()
                } else {
                    line.trim()
                };
                self.run(cluster, files, line);
                Outcome::saved()
            }
            Msg::Complete => {
                let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
                let candidates = podlab_core::terminal::complete::complete(
                    cluster,
                    &self.session,
                    &self.input,
                    &names,
                );
                let (line, shown) =
                    podlab_core::kubectl::complete::apply_completion(&self.input, &candidates);
                self.input = line;
                self.completions = shown;
                Outcome::render()
            }
            Msg::History(step) => {
                let commands: Vec<&TermEntry> = self
                    .entries
                    .iter()
                    .filter(|e| !e.command.is_empty() && e.prompt != CONTINUED)
                    .collect();
                if commands.is_empty() {
                    return Outcome::quiet();
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
                self.input = pos.map(|p| commands[p].command.clone()).unwrap_or_default();
                Outcome::render()
            }
            Msg::Interrupt => {
                // Ctrl-C: ends `kubectl logs -f`, or drops the line being typed (and
                // the command it continued).
                let prompt = self.session.prompt();
                if self.session.interrupt() {
                    if let Some(entry) = std::rc::Rc::make_mut(&mut self.entries).last_mut() {
                        entry.stdout.push_str("^C\n");
                    }
                } else {
                    let command = format!("{}^C", std::mem::take(&mut self.input));
                    std::rc::Rc::make_mut(&mut self.entries).push(TermEntry {
                        prompt,
                        command,
                        stdout: String::new(),
                        stderr: String::new(),
                    });
                }
                Outcome::render()
            }
        }
    }

    /// Enter on a line that needs the explain schema (`kubectl explain`, or kubectl
    /// reading manifests with `-f`: Go's type errors name the schema's types) while core
    /// does not have it: the line waits (Enter again does nothing) and the caller fetches
    /// the schema, then calls [`Terminal::schema_fetched`] and sends Enter again. False
    /// when the line runs now.
    pub fn wait_for_schema(&mut self) -> bool {
        let wait = match self.schema {
            SchemaWait::None => {
                !self.session.following() && needs_schema(&self.input) && !crate::schema::loaded()
            }
            SchemaWait::Waiting | SchemaWait::Fetched => false,
        };
        self.schema = if wait {
            SchemaWait::Waiting
        } else if self.schema == SchemaWait::Fetched {
            SchemaWait::None
        } else {
            self.schema
        };
        wait
    }

    /// The schema's fetch has ended (with it or without): the waiting line runs next.
    pub fn schema_fetched(&mut self) {
        if self.schema == SchemaWait::Waiting {
            self.schema = SchemaWait::Fetched;
        }
    }

    /// What the full-screen editor wrote to the editor's files since the last call
    /// (name and text): the editor pane shows them.
    pub fn take_written(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.written)
    }

    /// The forward `kubectl port-forward` keeps while it runs in the terminal.
    pub fn port_forward(&self) -> Option<&podlab_core::kubectl::port_forward::PortForward> {
        self.session.port_forward()
    }

    /// The object `kubectl edit` opened, while it waits for the editor to save it.
    pub fn editing(&self) -> Option<&podlab_core::kubectl::edit::Edit> {
        self.session.editing()
    }

    /// The editor saved the object `kubectl edit` opened: what kubectl printed goes
    /// under the command (and is returned for the editor's report, with whether each
    /// line is an error).
    pub fn save_edit(&mut self, cluster: &mut Cluster, text: &str) -> Vec<(String, bool)> {
        let chunks = cluster.terminal_save_edit(&mut self.session, text);
        let mut lines = Vec::new();
        for (stream, data) in chunks {
            let text = String::from_utf8_lossy(&data).into_owned();
            let error = stream == Stream::Stderr;
            lines.extend(text.lines().map(|l| (l.to_string(), error)));
            self.print(&text, error);
        }
        lines
    }

    /// Output of the command that holds the terminal (`kubectl port-forward`'s
    /// `Handling connection for 8080`), under it.
    pub fn print(&mut self, text: &str, error: bool) {
        if let Some(entry) = std::rc::Rc::make_mut(&mut self.entries).last_mut() {
            if error {
                entry.stderr.push_str(text);
            } else {
                entry.stdout.push_str(text);
            }
        }
    }

    /// The scrollback as saved: the newest entries, each `[prompt, command, stdout,
    /// stderr]`, as JSON.
    pub fn scrollback(&self) -> String {
        let tail = |text: &str| -> serde_json::Value {
            let mut start = text.len().saturating_sub(SAVED_OUTPUT);
            while !text.is_char_boundary(start) {
                start += 1;
            }
            text[start..].into()
        };
        let skip = self.entries.len().saturating_sub(SAVED_ENTRIES);
        let entries: Vec<serde_json::Value> = self
            .entries
            .iter()
            .skip(skip)
            .map(|e| {
                serde_json::Value::Array(vec![
                    e.prompt.as_str().into(),
                    e.command.as_str().into(),
                    tail(&e.stdout),
                    tail(&e.stderr),
                ])
            })
            .collect();
        serde_json::Value::Array(entries).to_string()
    }

    /// The saved scrollback back on the screen (its commands are the history again),
    /// above a fresh login's prompt.
    pub fn restore(&mut self, saved: &str) {
        let Ok(serde_json::Value::Array(entries)) = serde_json::from_str(saved) else {
            return;
        };
        let field = |e: &serde_json::Value, i: usize| {
            e.get(i)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        self.entries = std::rc::Rc::new(
            entries
                .iter()
                .map(|e| TermEntry {
                    prompt: field(e, 0),
                    command: field(e, 1),
                    stdout: field(e, 2),
                    stderr: field(e, 3),
                })
                .collect(),
        );
    }

    /// A fresh login and an empty screen (a new cluster for a lesson).
    pub fn reset(&mut self) {
        std::rc::Rc::make_mut(&mut self.entries).clear();
        self.session = Session::new(TERMINAL_NODE);
    }

    /// Runs one terminal line in the node shell (kubectl, ssh, sudo -i, ls, cat, ...);
    /// `clear` empties the screen. The editor's files are in ~ on the control plane.
    pub fn run(&mut self, cluster: &mut Cluster, files: &[EditorFile], line: &str) {
        let prompt = self.session.prompt();
        let continuing = self.session.continuing();
        if line == "clear" && !continuing {
            std::rc::Rc::make_mut(&mut self.entries).clear();
            return;
        }
        if line.is_empty() && !continuing {
            std::rc::Rc::make_mut(&mut self.entries).push(TermEntry {
                prompt,
                command: String::new(),
                stdout: String::new(),
                stderr: String::new(),
            });
            return;
        }
        write_editor_files(cluster, files);
        let chunks = cluster.terminal(&mut self.session, line);
        let (mut stdout, mut stderr) = (String::new(), String::new());
        for (stream, data) in chunks {
            let text = String::from_utf8_lossy(&data);
            match stream {
                Stream::Stdout => stdout.push_str(&text),
                Stream::Stderr => stderr.push_str(&text),
            }
        }
        std::rc::Rc::make_mut(&mut self.entries).push(TermEntry {
            prompt,
            command: line.into(),
            stdout,
            stderr,
        });
    }

    /// Appends what the following command (`kubectl logs -f`, `get -w`, `wait`, ...)
    /// printed since the last tick to its output. Returns whether the screen changed.
    pub fn follow(&mut self, cluster: &Cluster) -> bool {
        if !self.session.following() {
            return false;
        }
        let mut changed = false;
        for (stream, data) in cluster.terminal_follow(&mut self.session) {
            if let Some(entry) = std::rc::Rc::make_mut(&mut self.entries).last_mut() {
                let text = String::from_utf8_lossy(&data);
                match stream {
                    Stream::Stdout => entry.stdout.push_str(&text),
                    Stream::Stderr => entry.stderr.push_str(&text),
                }
                changed = true;
            }
        }
        changed || !self.session.following()
    }

    pub fn view(&self, send: &Callback<Msg>, focus: &Focus) -> Html {
        if let Some(editor) = self.session.editor() {
            // The scrollback stays in `entries`, drawn again when the editor exits.
            let label = match editor.flavor() {
                podlab_core::terminal::editor::Flavor::Vim => {
                    "Terminal: vim (full screen; :q quits)"
                }
                podlab_core::terminal::editor::Flavor::Nano => {
                    "Terminal: nano (full screen; Ctrl-X exits)"
                }
            };
            return html! {
                <section class="terminal" data-terminal="" aria-label="Terminal">
                    <div class="pane-title"><span>{"Terminal"}</span>{ focus.control(crate::panes::Pane::Terminal) }</div>
                    <crate::fullscreen::FullScreen screen={editor.screen()} label={label}
                        on_key={send.reform(Msg::Key)} />
                </section>
            };
        }
        let following = self.session.following();
        html! {
            <Screen focus={focus.clone()} entries={self.entries.clone()}
                completions={AttrValue::from(self.completions.join("  "))}
                prompt={AttrValue::from(if following { String::new() } else { self.session.prompt() })}
                {following} input={AttrValue::from(self.input.clone())} send={send.clone()}
                returned={self.returned} />
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ScreenProps {
    /// The control that shows the pane alone.
    focus: Focus,
    entries: std::rc::Rc<Vec<TermEntry>>,
    /// What Tab offered, when several completions fit.
    completions: AttrValue,
    /// The shell's prompt (none while a following command runs).
    prompt: AttrValue,
    following: bool,
    input: AttrValue,
    send: Callback<Msg>,
    /// A full-screen editor has just exited: the input line takes the focus back.
    returned: bool,
}

/// The terminal's screen: the commands typed and their output, and the input line.
#[function_component(Screen)]
fn screen(props: &ScreenProps) -> Html {
    let send = &props.send;
    let following = props.following;
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with(props.returned, move |returned| {
            if *returned {
                if let Some(input) = input_ref.cast::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
            }
        });
    }
    let oninput = send.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::Input(input.value())
    });
    let onkeydown = keys(send, |e: KeyboardEvent| match e.key().as_str() {
        "Enter" => Some(Msg::Run),
        "ArrowUp" => {
            e.prevent_default();
            Some(Msg::History(-1))
        }
        "ArrowDown" => {
            e.prevent_default();
            Some(Msg::History(1))
        }
        // Tab completes what is typed; on an empty line Tab moves the focus on, and
        // Shift+Tab always moves it back (no keyboard trap).
        "Tab" if !e.shift_key() => {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            (!input.value().is_empty()).then(|| {
                e.prevent_default();
                Msg::Complete
            })
        }
        // Ctrl-C interrupts, unless text is selected to be copied.
        "c" if e.ctrl_key() => {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let selected =
                input.selection_start().ok().flatten() != input.selection_end().ok().flatten();
            (!selected).then(|| {
                e.prevent_default();
                Msg::Interrupt
            })
        }
        _ => None,
    });
    html! {
        <section class="terminal" data-terminal="" aria-label="Terminal">
            <div class="pane-title"><span>{"Terminal"}</span><span class="hint">{"kubectl · ssh NODE · sudo -i · Tab completes (on an empty line it leaves) · ↑/↓ history · clear"}</span>{ props.focus.control(crate::panes::Pane::Terminal) }</div>
            <div class="screen" data-terminal-screen="" role="log" aria-live="polite" onmouseup={focus_input_unless_selecting()}>
                { for props.entries.iter().map(|e| html! {
                    <div class="entry" data-terminal-entry="">
                        <div class="prompt-line"><span class="prompt">{ &e.prompt }</span>{ &e.command }</div>
                        if !e.stdout.is_empty() { <pre class="stdout" data-terminal-output="">{ &e.stdout }</pre> }
                        if !e.stderr.is_empty() { <pre class="stderr" data-terminal-error="">{ &e.stderr }</pre> }
                    </div>
                }) }
                if !props.completions.is_empty() {
                    <pre class="stdout completions" data-completions="">{ props.completions.clone() }</pre>
                }
                <div class="prompt-line input-line" data-following={following.to_string()}>
                    // While `kubectl logs -f` runs there is no prompt, as in a terminal.
                    <span class="prompt" data-terminal-prompt="">{ props.prompt.clone() }</span>
                    <input ref={input_ref} data-terminal-input="" type="text" spellcheck="false" autocomplete="off"
                        aria-label="Terminal command"
                        placeholder={ if following { "Ctrl-C stops it" } else { "kubectl get pods -o wide" } }
                        value={props.input.clone()} {oninput} {onkeydown} />
                </div>
            </div>
        </section>
    }
}

/// Whether a command line may need the explain schema: `explain`, or a kubectl command
/// that reads manifests (`-f`, `--filename`).
fn needs_schema(line: &str) -> bool {
    const READS_MANIFESTS: [&str; 12] = [
        "apply", "create", "replace", "delete", "label", "annotate", "patch", "get", "describe",
        "expose", "wait", "set",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    let file = words
        .iter()
        .any(|w| *w == "-f" || w.starts_with("-f=") || w.starts_with("--filename"));
    words.contains(&"explain") || file && words.iter().any(|w| READS_MANIFESTS.contains(w))
}

/// A click on the terminal's output puts the focus in its input line (so Ctrl-C reaches
/// a follower at once), unless the click selected text to copy.
fn focus_input_unless_selecting() -> Callback<MouseEvent> {
    Callback::from(|_: MouseEvent| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let selecting = window
            .get_selection()
            .ok()
            .flatten()
            .is_some_and(|s| !s.is_collapsed());
        if selecting {
            return;
        }
        let input = window
            .document()
            .and_then(|d| {
                d.query_selector("input[data-terminal-input]")
                    .ok()
                    .flatten()
            })
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
        }
    })
}

/// Puts the editor's files in the home directory on the control plane, each only when
/// the disk does not already hold its text (what the shell writes to them is not read
/// back: a file the shell changed or removed gets the editor's text again).
fn write_editor_files(cluster: &mut Cluster, files: &[EditorFile]) {
    for f in files {
        let path = format!("{EDITOR_DIR}/{}", f.name);
        let tree = podlab_core::kubelet::volumes::node_tree(TERMINAL_NODE);
        let current = cluster.filesystems().tree(&tree).and_then(|t| t.get(&path));
        let same = matches!(current, Some(podlab_core::fs::Inode {
            content: podlab_core::fs::Content::File(data),
            ..
        }) if *data == f.text.as_bytes());
        if !same {
            let _ = cluster.put_node_file(TERMINAL_NODE, &path, f.text.as_bytes());
        }
    }
}

/// Keeps the newest terminal output in view.
pub fn scroll_terminal() {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-terminal-screen]").ok().flatten());
    if let Some(el) = el {
        el.set_scroll_top(el.scroll_height());
    }
}
