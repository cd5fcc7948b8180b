//! The chapter's lessons: the list (finished ones marked), an open lesson's steps with
//! their checks (a step is done once its check holds for what was made since the lesson
//! opened), and the actions a step offers.

use podlab_core::lessons::{Manifest, Progress};
use podlab_core::Cluster;
use yew::prelude::*;

pub enum Msg {
    /// Open a lesson (or go back to the list).
    Open(Option<usize>),
    /// Do step N of the open lesson: its manifest into its editor file, its command
    /// typed.
    Step(usize),
    /// A fresh cluster for the open lesson.
    Reset,
    /// Open a repository in the git panel (a step done by hand there).
    OpenGit(String),
    /// Open the Service's node port in the browser tab (a step that asks to browse).
    Browse(String),
}

/// The open lesson, which of its steps are done, its progress (what the cluster held
/// when it was opened, the node ports browsed since), and the lessons finished.
#[derive(Default)]
pub struct Lessons {
    pub lesson: Option<usize>,
    pub done: Vec<bool>,
    pub progress: Progress,
    /// Ids of the lessons finished.
    pub finished: Vec<String>,
}

/// A step's manifest (for the editor) and command (for the terminal).
pub struct StepActions {
    pub manifest: Option<Manifest>,
    pub command: Option<String>,
}

impl Lessons {
    /// Opens lesson `i` (or the list): the cluster gets what the lessons need, and
    /// what it holds now is the lesson's baseline. Returns the lesson's files, for the
    /// editor.
    pub fn open(&mut self, cluster: &mut Cluster, i: Option<usize>) -> Vec<Manifest> {
        if i.is_some() {
            podlab_core::lessons::prepare(cluster);
        }
        self.lesson = i;
        self.progress = Progress::start(cluster);
        let lessons = podlab_core::lessons::lessons();
        let lesson = i.and_then(|i| lessons.get(i));
        self.done = lesson
            .map(|l| vec![false; l.steps.len()])
            .unwrap_or_default();
        self.check(cluster);
        lesson.map(|l| l.files().collect()).unwrap_or_default()
    }

    /// The browser tab opened `url`.
    pub fn browsed(&mut self, url: &str) {
        if self.lesson.is_some() {
            self.progress.browsed(url);
        }
    }

    /// Step `n` of the open lesson.
    pub fn step(&self, n: usize) -> Option<StepActions> {
        let lessons = podlab_core::lessons::lessons();
        let step = self
            .lesson
            .and_then(|i| lessons.get(i))
            .and_then(|l| l.steps.get(n))?;
        Some(StepActions {
            manifest: step.manifest,
            command: step.command.clone(),
        })
    }

    /// The open lesson's steps to do again, on `cluster` (a fresh one).
    pub fn restart(&mut self, cluster: &Cluster) {
        self.done.iter_mut().for_each(|d| *d = false);
        self.progress = Progress::start(cluster);
    }

    /// Ticks the open lesson's first step not yet done, if its check now holds (steps
    /// stay done); a lesson with every step done is finished. Returns whether anything
    /// changed.
    pub fn check(&mut self, cluster: &Cluster) -> bool {
        let lessons = podlab_core::lessons::lessons();
        let Some(lesson) = self.lesson.and_then(|i| lessons.get(i)) else {
            return false;
        };
        let Some(next) = self.done.iter().position(|d| !d) else {
            return false;
        };
        let check = &lesson.steps[next].check;
        if !podlab_core::lessons::check(cluster, check, &self.progress) {
            return false;
        }
        self.done[next] = true;
        if self.done.iter().all(|d| *d) && !self.finished.iter().any(|f| f == lesson.id) {
            self.finished.push(lesson.id.to_string());
        }
        true
    }

    pub fn view(&self, cluster: &Cluster, send: &Callback<Msg>) -> Html {
        // A clean start is offered until the lesson's first step is done.
        let offer_reset = self.lesson.is_some()
            && !self.done.iter().any(|d| *d)
            && !podlab_core::lessons::is_clean(cluster);
        html! {
            <LessonsPanel lesson={self.lesson} done={self.done.clone()}
                finished={self.finished.clone()} {offer_reset} send={send.clone()} />
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    lesson: Option<usize>,
    done: Vec<bool>,
    finished: Vec<String>,
    offer_reset: bool,
    send: Callback<Msg>,
}

/// The chapter's lessons: the list, or the open lesson's steps with their checks.
#[function_component(LessonsPanel)]
fn lessons_panel(props: &LessonsProps) -> Html {
    let (app, send) = (props, &props.send);
    let lessons = podlab_core::lessons::lessons();
    let Some((i, lesson)) = app.lesson.and_then(|i| lessons.get(i).map(|l| (i, l))) else {
        return html! {
            <section class="lessons" data-lessons="" aria-label="Lessons">
                <h2>{"Lessons"}</h2>
                <ul>
                    { for lessons.iter().enumerate().map(|(i, l)| {
                        let finished = app.finished.iter().any(|f| f == l.id);
                        html! {
                            <li class={classes!(finished.then_some("done"))}>
                                <button data-lesson={l.id} data-finished={finished.to_string()}
                                    onclick={send.reform(move |_| Msg::Open(Some(i)))}>
                                    { l.title }
                                    { if finished { html! { <span class="check" aria-label="finished">{" ✓"}</span> } } else { Html::default() } }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </section>
        };
    };
    let done = app.done.iter().filter(|d| **d).count();
    html! {
        <section class="lessons" data-lessons="" data-open-lesson={lesson.id} aria-label="Lesson">
            <header>
                <h2>{ lesson.title }</h2>
                <span class="progress" data-progress="" aria-live="polite">{ format!("{done}/{}", lesson.steps.len()) }</span>
            </header>
            <p>{ lesson.intro }</p>
            { if app.offer_reset {
                html! {
                    <p class="lesson-clean" data-offer-reset="">
                        {"The cluster already has pods, Services or taints; the lesson counts only what you make from now on. "}
                        <button class="primary" data-action="clean-start" onclick={send.reform(|_| Msg::Reset)}>{"Start with a clean cluster"}</button>
                    </p>
                }
            } else { Html::default() } }
            <ol>
                { for lesson.steps.iter().enumerate().map(|(n, step)| {
                    let ok = app.done.get(n).copied().unwrap_or(false);
                    html! {
                        <li class={classes!("step", ok.then_some("done"))} data-step={n.to_string()} data-done={ok.to_string()}>
                            <span class="check" aria-label={ if ok { "done" } else { "to do" } }>{ if ok { "✓" } else { "○" } }</span>
                            <span class="text">{ step.text }</span>
                            { for step.command.as_deref().map(|c| html! { <code>{ c }</code> }) }
                            { match (&step.check, step.manifest.is_some() || step.command.is_some()) {
                                (_, true) => html! {
                                    <button data-action="run-step" onclick={send.reform(move |_| Msg::Step(n))}>
                                        { match step.manifest {
                                            Some(m) => format!("Load {} and run", m.file),
                                            None => "Run".to_string(),
                                        } }
                                    </button>
                                },
                                // Done by hand in the Git panel.
                                (podlab_core::lessons::Check::ServesNewCommit { repo, .. }, false) => {
                                    let repo = repo.to_string();
                                    html! {
                                        <button data-action="open-git" onclick={send.reform(move |_| Msg::OpenGit(repo.clone()))}>
                                            {"Open the Git panel"}
                                        </button>
                                    }
                                }
                                _ => Html::default(),
                            } }
                            { match &step.check {
                                podlab_core::lessons::Check::ServedThroughNodePort { service, .. } => {
                                    let service = service.to_string();
                                    html! {
                                        <button data-action="browse-step" onclick={send.reform(move |_| Msg::Browse(service.clone()))}>
                                            {"Open in the browser tab"}
                                        </button>
                                    }
                                }
                                _ => Html::default(),
                            } }
                        </li>
                    }
                }) }
            </ol>
            <div class="lesson-actions">
                <button data-action="reset-lesson" onclick={send.reform(|_| Msg::Reset)}>{"Reset cluster"}</button>
                <button data-action="all-lessons" onclick={send.reform(|_| Msg::Open(None))}>{"All lessons"}</button>
            </div>
            { if i + 1 < lessons.len() && done == lesson.steps.len() {
                html! { <button class="primary" onclick={send.reform(move |_| Msg::Open(Some(i + 1)))}>{"Next lesson"}</button> }
            } else { html! {} } }
        </section>
    }
}
