//! The chapter's lessons: the list, an open lesson's steps with their checks (a step
//! is done once its check holds), and the actions a step offers.

use podlab_core::Cluster;
use yew::prelude::*;

pub enum Msg {
    /// Open a lesson (or go back to the list).
    Open(Option<usize>),
    /// Do step N of the open lesson: its manifest into the editor, its command typed.
    Step(usize),
    /// A fresh cluster for the open lesson.
    Reset,
    /// Open a repository in the git panel (a step done by hand there).
    OpenGit(String),
}

/// The open lesson and which of its steps are done.
#[derive(Default)]
pub struct Lessons {
    pub lesson: Option<usize>,
    pub done: Vec<bool>,
}

/// A step's manifest (for the editor) and command (for the terminal).
pub struct StepActions {
    pub manifest: Option<&'static str>,
    pub command: Option<&'static str>,
}

impl Lessons {
    pub fn open(&mut self, cluster: &mut Cluster, i: Option<usize>) {
        if i.is_some() {
            podlab_core::lessons::prepare(cluster);
        }
        self.lesson = i;
        self.done = i
            .and_then(|i| {
                podlab_core::lessons::lessons()
                    .get(i)
                    .map(|l| vec![false; l.steps.len()])
            })
            .unwrap_or_default();
        self.check(cluster);
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
            command: step.command,
        })
    }

    /// The open lesson's steps to do again (a fresh cluster).
    pub fn restart(&mut self) {
        self.done.iter_mut().for_each(|d| *d = false);
    }

    /// Ticks the open lesson's first step not yet done, if its check now holds (steps
    /// stay done). Returns whether anything changed.
    pub fn check(&mut self, cluster: &Cluster) -> bool {
        let lessons = podlab_core::lessons::lessons();
        let Some(lesson) = self.lesson.and_then(|i| lessons.get(i)) else {
            return false;
        };
        let Some(next) = self.done.iter().position(|d| !d) else {
            return false;
        };
        if podlab_core::lessons::check(cluster, &lesson.steps[next].check) {
            self.done[next] = true;
            return true;
        }
        false
    }

    pub fn view(&self, send: &Callback<Msg>) -> Html {
        html! { <LessonsPanel lesson={self.lesson} done={self.done.clone()} send={send.clone()} /> }
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    lesson: Option<usize>,
    done: Vec<bool>,
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
                    { for lessons.iter().enumerate().map(|(i, l)| html! {
                        <li><button data-lesson={l.id} onclick={send.reform(move |_| Msg::Open(Some(i)))}>{ l.title }</button></li>
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
            <ol>
                { for lesson.steps.iter().enumerate().map(|(n, step)| {
                    let ok = app.done.get(n).copied().unwrap_or(false);
                    html! {
                        <li class={classes!("step", ok.then_some("done"))} data-step={n.to_string()} data-done={ok.to_string()}>
                            <span class="check" aria-label={ if ok { "done" } else { "to do" } }>{ if ok { "✓" } else { "○" } }</span>
                            <span class="text">{ step.text }</span>
                            { for step.command.map(|c| html! { <code>{ c }</code> }) }
                            { match (&step.check, step.manifest.is_some() || step.command.is_some()) {
                                (_, true) => html! {
                                    <button data-action="run-step" onclick={send.reform(move |_| Msg::Step(n))}>
                                        { if step.manifest.is_some() { "Load manifest and run" } else { "Run" } }
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
