//! The manifest editor: named files (open one, create, close), Apply (`kubectl create
//! -f`) and Delete (`kubectl delete -f`) of the open file, and the report under it
//! (diagnostics on their lines, kubectl's line per object).

use crate::code::{Code, Mark};
use crate::common::{keys, ApplyReport, Outcome};
use crate::panes::Focus;
use podlab_core::lessons::Manifest;
use podlab_core::manifest::Severity;
use podlab_core::share::EditorFile;
use podlab_core::Cluster;
use std::rc::Rc;
use yew::prelude::*;

/// The name of the editor's first file (in messages and for `kubectl create -f`).
pub const EDITOR_FILE: &str = "pod.yaml";

pub enum Msg {
    Edit(String),
    /// The editor's files: open one, type a new one's name, create it, close one.
    OpenFile(usize),
    NewFileName(String),
    NewFile,
    CloseFile(usize),
    /// `kubectl create -f` of the open file.
    Apply,
    /// `kubectl delete -f` of the open file.
    DeleteObjects,
}

/// The editor's named files, the open one, and the last report.
pub struct Editor {
    /// Shared with the pane's props (as is the report): an unchanged pane is not
    /// redrawn.
    pub files: Rc<Vec<EditorFile>>,
    pub open: usize,
    /// The name typed for a new file.
    new_file: String,
    pub report: Rc<ApplyReport>,
    /// The textarea's input handler, made once (see [`Code`]).
    edit_callback: Callback<InputEvent>,
}

/// The open file's name and text as kubectl's `-f` source.
struct OneFile(String, String);

impl podlab_core::kubectl::FileSource for OneFile {
    fn read(&self, path: &str) -> Result<String, podlab_core::kubectl::ReadError> {
        if path == self.0 {
            Ok(self.1.clone())
        } else {
            Err(podlab_core::kubectl::ReadError::NotFound(path.to_string()))
        }
    }
}

impl Editor {
    pub fn new(files: Vec<EditorFile>, open: usize, send: &Callback<Msg>) -> Editor {
        let open = open.min(files.len().saturating_sub(1));
        let send = send.clone();
        Editor {
            files: Rc::new(files),
            open,
            new_file: String::new(),
            report: Rc::default(),
            edit_callback: Callback::from(move |e: InputEvent| {
                let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
                send.emit(Msg::Edit(area.value()))
            }),
        }
    }

    /// The open file's name and text.
    pub fn open_file_text(&self) -> (&str, &str) {
        self.files
            .get(self.open)
            .map_or((EDITOR_FILE, ""), |f| (f.name.as_str(), f.text.as_str()))
    }

    /// Opens `text` as the file `name` (`kubectl edit`'s object), replacing the text of
    /// a file of that name.
    pub fn open_text(&mut self, name: &str, text: &str) {
        let files = Rc::make_mut(&mut self.files);
        match files.iter().position(|f| f.name == name) {
            Some(i) => {
                files[i].text = text.to_string();
                self.open = i;
            }
            None => {
                files.push(EditorFile::new(name, text));
                self.open = files.len() - 1;
            }
        }
        self.report = Rc::default();
    }

    /// Replaces the text of the file `name`, when the editor has one of that name (a
    /// file written in the terminal's editor).
    pub fn set_text(&mut self, name: &str, text: &str) {
        if let Some(i) = self.files.iter().position(|f| f.name == name) {
            if self.files[i].text != text {
                Rc::make_mut(&mut self.files)[i].text = text.to_string();
            }
        }
    }

    /// Shows kubectl's lines (each with whether it is an error) under the editor.
    pub fn show_lines(&mut self, lines: Vec<(String, bool)>) {
        self.report = Rc::new(ApplyReport {
            diagnostics: Vec::new(),
            text: String::new(),
            lines,
        });
    }

    /// Adds a lesson's file when the editor has none of that name (a file the user
    /// has is left as it is).
    pub fn add_lesson_file(&mut self, manifest: Manifest) {
        if !self.files.iter().any(|f| f.name == manifest.file) {
            Rc::make_mut(&mut self.files).push(EditorFile::new(manifest.file, manifest.text));
        }
    }

    /// Puts a lesson's manifest into its file and opens it. A file of that name that
    /// holds other text (the user's edits) is kept first as `NAME.bak` (or
    /// `NAME.1.bak`, ... when that is taken): its name is returned.
    pub fn load_lesson_file(&mut self, manifest: Manifest) -> Option<String> {
        self.add_lesson_file(manifest);
        let files = Rc::make_mut(&mut self.files);
        let i = files.iter().position(|f| f.name == manifest.file)?;
        let mut kept = None;
        if files[i].text != manifest.text {
            let name = (0..)
                .map(|n| match n {
                    0 => format!("{}.bak", manifest.file),
                    n => format!("{}.{n}.bak", manifest.file),
                })
                .find(|name| !files.iter().any(|f| &f.name == name))?;
            let edited = std::mem::replace(&mut files[i].text, manifest.text.to_string());
            files.push(EditorFile::new(&name, &edited));
            kept = Some(name);
        }
        self.open = i;
        kept
    }

    /// Applies a message; a successful Apply also returns the first pod it created
    /// (`default/NAME`), for the inspector.
    pub fn update(&mut self, cluster: &mut Cluster, msg: Msg) -> (Outcome, Option<String>) {
        let outcome = match msg {
            Msg::Edit(text) => {
                if let Some(f) = Rc::make_mut(&mut self.files).get_mut(self.open) {
                    f.text = text;
                }
                // Redrawn for the highlighting.
                Outcome::render()
            }
            Msg::Apply => return self.apply(cluster),
            Msg::DeleteObjects => {
                let (name, text) = self.open_file_text();
                let files = OneFile(name.to_string(), text.to_string());
                let args = ["delete".to_string(), "-f".into(), name.to_string()];
                let out = podlab_core::kubectl::run(cluster, &args, &files);
                let mut lines: Vec<(String, bool)> =
                    out.stdout.lines().map(|l| (l.to_string(), false)).collect();
                lines.extend(out.stderr.lines().map(|l| (l.to_string(), true)));
                self.report = Rc::new(ApplyReport {
                    diagnostics: Vec::new(),
                    text: String::new(),
                    lines,
                });
                Outcome::saved()
            }
            Msg::OpenFile(i) => {
                if i < self.files.len() {
                    self.open = i;
                    self.report = Rc::default();
                }
                Outcome::render()
            }
            Msg::NewFileName(name) => {
                self.new_file = name;
                Outcome::quiet()
            }
            Msg::NewFile => {
                let name = self.new_file.trim().to_string();
                let problem = podlab_core::share::check_file_name(&name)
                    .err()
                    .map(|e| e.to_string())
                    .or_else(|| {
                        self.files
                            .iter()
                            .any(|f| f.name == name)
                            .then(|| format!("there is already a file named {name:?}"))
                    });
                match problem {
                    Some(p) => {
                        self.report = Rc::new(ApplyReport::line(&format!("error: {p}"), true));
                        Outcome::render()
                    }
                    None => {
                        Rc::make_mut(&mut self.files).push(EditorFile::new(&name, ""));
                        self.open = self.files.len() - 1;
                        self.new_file.clear();
                        self.report = Rc::default();
                        Outcome::saved()
                    }
                }
            }
            Msg::CloseFile(i) => {
                // The last file stays: the editor always has one.
                if i < self.files.len() && self.files.len() > 1 {
                    Rc::make_mut(&mut self.files).remove(i);
                    if self.open >= i && self.open > 0 {
                        self.open -= 1;
                    }
                    self.report = Rc::default();
                    Outcome::saved()
                } else {
                    Outcome::render()
                }
            }
        };
        (outcome, None)
    }

    fn apply(&mut self, cluster: &mut Cluster) -> (Outcome, Option<String>) {
        let (name, text) = self.open_file_text();
        let (name, text) = (name.to_string(), text.to_string());
        let mut created = None;
        self.report = Rc::new(match cluster.create_from_text(&name, &text) {
            Ok(applied) => {
                created = applied
                    .iter()
                    .find(|a| a.resource == "pod" && a.result.is_ok())
                    .map(|first| format!("default/{}", first.name));
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
        });
        (Outcome::saved(), created)
    }

    /// Whether the last Apply was rejected and the open file still holds its text.
    pub fn rejected(&self) -> bool {
        !self.report.diagnostics.is_empty() && self.report.text == self.open_file_text().1
    }

    pub fn view(&self, send: &Callback<Msg>, focus: &Focus) -> Html {
        html! {
            <Pane focus={focus.clone()} files={self.files.clone()} open={self.open} new_file={AttrValue::from(self.new_file.clone())}
                report={self.report.clone()} schema={crate::schema::loaded()}
                edit={self.edit_callback.clone()} send={send.clone()} />
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PaneProps {
    /// The control that shows the pane alone.
    focus: Focus,
    files: Rc<Vec<EditorFile>>,
    open: usize,
    new_file: AttrValue,
    report: Rc<ApplyReport>,
    /// Whether core has the explain schema (the hints read it).
    schema: bool,
    /// The textarea's input handler.
    edit: Callback<InputEvent>,
    send: Callback<Msg>,
}

/// The editor pane: file tabs, the text, Apply and Delete, the report.
#[function_component(Pane)]
fn pane(props: &PaneProps) -> Html {
    let send = &props.send;
    let (files, open) = (&*props.files, props.open);
    let (name, text) = files
        .get(open)
        .map_or((EDITOR_FILE, ""), |f| (f.name.as_str(), f.text.as_str()));
    let report = &*props.report;
    // The last Apply's diagnostics, marked on their lines while its text is shown;
    // once the text changes they are shown as stale.
    let stale = !report.diagnostics.is_empty() && report.text != text;
    let marks: Vec<Mark> = if report.text == text {
        report
            .diagnostics
            .iter()
            .map(|d| Mark {
                line: d.location.pos.line,
                error: d.severity == Severity::Error,
                message: d.error.to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let new_name = send.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::NewFileName(input.value())
    });
    let new_enter = keys(send, |e: KeyboardEvent| {
        (e.key() == "Enter").then_some(Msg::NewFile)
    });
    let on = |m: fn() -> Msg| send.reform(move |_: MouseEvent| m());
    html! {
        <section class="editor-pane" aria-label="Manifest editor">
            <div class="pane-title files" role="tablist" aria-label="Files">
                { for files.iter().enumerate().map(|(i, f)| html! {
                    <span class={classes!("file-tab", (i == open).then_some("active"))}>
                        <button role="tab" class="file" data-file={f.name.clone()} aria-selected={(i == open).to_string()}
                            onclick={send.reform(move |_| Msg::OpenFile(i))}>{ &f.name }</button>
                        if files.len() > 1 {
                            <button class="close" data-close-file={f.name.clone()} aria-label={format!("Close {}", f.name)}
                                title="Close the file (its text is dropped)"
                                onclick={send.reform(move |_| Msg::CloseFile(i))}>{"×"}</button>
                        }
                    </span>
                }) }
                <input class="new-file" data-new-file="" type="text" spellcheck="false" placeholder="new.yaml"
                    aria-label="New file name" value={props.new_file.clone()} oninput={new_name} onkeydown={new_enter} />
                <button data-action="new-file" title="A new file in the editor (and in ~ in the terminal)"
                    onclick={on(|| Msg::NewFile)}>{"+"}</button>
                <button data-action="delete-file" title={format!("kubectl delete -f {name}")}
                    onclick={on(|| Msg::DeleteObjects)}>{"Delete"}</button>
                <button class="primary" data-action="apply" title={format!("kubectl create -f {name}")}
                    onclick={on(|| Msg::Apply)}>{"Apply"}</button>
                { props.focus.control(crate::panes::Pane::Editor) }
            </div>
            <Code text={AttrValue::from(text.to_string())} marks={std::rc::Rc::new(marks)} oninput={props.edit.clone()} />
            <div class={classes!("diagnostics", stale.then_some("stale"))} data-diagnostics="">
                if stale {
                    <div class="stale-note" data-stale="">{"From the last Apply: the text has changed since. Apply again to check it."}</div>
                }
                { for report.diagnostics.iter().map(|d| {
                    let sev = if d.severity == Severity::Error { "error" } else { "warning" };
                    html! {
                        <div class={classes!("diagnostic", sev)} data-diagnostic=""
                            data-line={d.location.pos.line.to_string()}
                            data-column={d.location.pos.column.to_string()}>
                            <span class="where">{ format!("{}:{}:{}", d.location.file, d.location.pos.line, d.location.pos.column) }</span>
                            { " " }{ d.error.to_string() }
                            { for d.hint(&report.text).map(|h| html! {
                                <div class="hint" data-hint="">{ h }</div>
                            }) }
                        </div>
                    }
                }) }
                { for report.lines.iter().map(|(line, err)| html! {
                    <div class={classes!("result", err.then_some("error"))} data-result="">{ line }</div>
                }) }
            </div>
        </section>
    }
}
