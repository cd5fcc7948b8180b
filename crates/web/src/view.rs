//! Rendering: every element here is drawn from core state. Data attributes
//! (`data-node`, `data-pod`, `data-phase`, `data-lane`, `data-editor`, `data-action`,
//! `data-diagnostic`) are the app's stable hooks for tests and embedding pages.

use crate::{App, Msg};
use podlab_core::kubectl::printers;
use podlab_core::manifest::Severity;
use podlab_core::model::{quantity, Node, Pod};
use podlab_core::scheduler::{Decision, FilterOutcome};
use yew::prelude::*;

pub fn app(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let o = &app.options;
    let panel = |name: &str, html: Html| if o.shows(name) { html } else { Html::default() };
    // Each node's pods, in one pass over the pods (not one per node card).
    let mut by_node: std::collections::BTreeMap<&str, Vec<&Pod>> = Default::default();
    for p in app.cluster.pods() {
        if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            by_node.entry(n).or_default().push(p);
        }
    }
    html! {
        <div class={classes!("app", o.embed.then_some("embed"))} data-embed={o.embed.to_string()}>
            { header(app, link) }
            <main class={classes!("layout", (!o.panels.is_empty()).then_some("chosen-panels"))}>
                { panel("editor", editor(app, link)) }
                { panel("terminal", terminal(app, link)) }
                { panel("cluster", html! {
                    <section class="cluster" aria-label="Cluster">
                        { pending_lane(app) }
                        <div class="nodes">
                            { for app.cluster.nodes().map(|n| {
                                let pods = n.metadata.name.as_deref().and_then(|name| by_node.get(name));
                                let data = card_data(app, n, pods.map_or(&[][..], Vec::as_slice));
                                let key = data.name.clone();
                                html! { <NodeCard {key} data={std::rc::Rc::new(data)} actions={app.card_actions.clone()} /> }
                            }) }
                        </div>
                    </section>
                }) }
                { panel("inspector", inspector(app, link)) }
                { panel("browser", browser(app, link)) }
            </main>
        </div>
    }
}

fn header(app: &App, link: &yew::html::Scope<App>) -> Html {
    let clock = clock_text(app.cluster.now());
    let speeds = [1u32, 10, 100];
    html! {
        <header class="topbar">
            <h1 class="brand">{"Podlab"}</h1>
            { for app.notice.as_ref().map(|n| html! { <div class="notice" role="alert" data-notice="">{ n }</div> }) }
            <span class="version">{ format!("Kubernetes {}", podlab_core::model::KUBERNETES_VERSION) }</span>
            <div class="clock" role="group" aria-label="Simulated clock">
                <button data-action="play" onclick={link.callback(|_| Msg::TogglePlay)}
                    aria-pressed={app.playing.to_string()}>
                    { if app.playing { "Pause" } else { "Play" } }
                </button>
                <span class="time" data-clock={app.cluster.now().0.to_string()}>{ clock }</span>
                { for speeds.iter().map(|&s| html! {
                    <button class={classes!("speed", (app.speed == s).then_some("active"))} data-speed={s.to_string()}
                        onclick={link.callback(move |_| Msg::SetSpeed(s))}>{ format!("{s}×") }</button>
                }) }
            </div>
            <button data-action="theme" aria-pressed={(app.theme == crate::Theme::Dark).to_string()}
                title="Switch between the light and the dark theme"
                onclick={link.callback(|_| Msg::ToggleTheme)}>
                { if app.theme == crate::Theme::Dark { "Light theme" } else { "Dark theme" } }
            </button>
            <div class="share" role="group" aria-label="Share">
                <button data-action="share" onclick={link.callback(|_| Msg::Share)}
                    title="A link that opens this workspace (manifest, cluster, clock, lesson) in any browser">{"Share"}</button>
                { for app.share_url.as_ref().map(|url| html! {
                    <input class="share-url" data-share-url="" readonly=true value={url.clone()}
                        aria-label="Share link (select and copy)"
                        onfocus={Callback::from(|e: FocusEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            input.select();
                        })} />
                }) }
            </div>
        </header>
    }
}

fn editor(app: &App, link: &yew::html::Scope<App>) -> Html {
    let oninput = link.callback(|e: InputEvent| {
        let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        Msg::Edit(area.value())
    });
    let lines = app.editor.lines().count().max(1);
    html! {
        <section class="editor-pane" aria-label="Manifest editor">
            <div class="pane-title">
                <span>{"pod.yaml"}</span>
                <button class="primary" data-action="apply" onclick={link.callback(|_| Msg::Apply)}>{"Apply"}</button>
            </div>
            <div class="editor">
                <pre class="gutter" aria-hidden="true">
                    { (1..=lines).map(|i| format!("{i}\n")).collect::<String>() }
                </pre>
                <textarea data-editor="" spellcheck="false" autocomplete="off" wrap="off"
                    aria-label="Pod manifest (YAML or JSON)" value={app.editor.clone()} {oninput} />
            </div>
            <div class="diagnostics" data-diagnostics="">
                { for app.report.diagnostics.iter().map(|d| {
                    let sev = if d.severity == Severity::Error { "error" } else { "warning" };
                    html! {
                        <div class={classes!("diagnostic", sev)} data-diagnostic=""
                            data-line={d.location.pos.line.to_string()}
                            data-column={d.location.pos.column.to_string()}>
                            <span class="where">{ format!("{}:{}:{}", d.location.file, d.location.pos.line, d.location.pos.column) }</span>
                            { " " }{ d.error.to_string() }
                            { for d.hint(&app.report.text).map(|h| html! {
                                <div class="hint" data-hint="">{ h }</div>
                            }) }
                        </div>
                    }
                }) }
                { for app.report.lines.iter().map(|(line, err)| html! {
                    <div class={classes!("result", err.then_some("error"))} data-result="">{ line }</div>
                }) }
            </div>
        </section>
    }
}

/// What a pod chip shows; equal chips draw the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Chip {
    key: String,
    name: String,
    phase: String,
    status: String,
    selected: bool,
}

fn chip(app: &App, pod: &Pod) -> Chip {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let key = format!("{ns}/{name}");
    Chip {
        selected: app.selected.as_deref() == Some(key.as_str()),
        key,
        name,
        phase: pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        status: printers::pod_status(pod),
    }
}

fn chip_html(c: &Chip, select: &Callback<String>) -> Html {
    let key = c.key.clone();
    let select = select.clone();
    html! {
        <button class={classes!("pod", c.phase.to_lowercase(), c.selected.then_some("selected"))}
            data-pod={c.key.clone()} data-phase={c.phase.clone()} data-status={c.status.clone()}
            title={format!("{}: {}", c.key, c.status)}
            onclick={move |_| select.emit(key.clone())}>
            <span class="pod-name">{ &c.name }</span>
            <span class="pod-status">{ &c.status }</span>
        </button>
    }
}

fn pending_lane(app: &App) -> Html {
    let pending: Vec<&Pod> = app
        .cluster
        .pods()
        .filter(|p| {
            p.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or_default()
                .is_empty()
        })
        .collect();
    html! {
        <div class="lane" data-lane="pending" aria-label="Pending pods">
            <div class="lane-title">{ format!("Pending ({})", pending.len()) }</div>
            { for pending.iter().map(|p| {
                let key = format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or_default(), p.metadata.name.as_deref().unwrap_or_default());
                let why = app.cluster.decision(&key).and_then(|d| d.failure.clone());
                html! {
                    <div class="pending-item">
                        { chip_html(&chip(app, p), &app.card_actions.select) }
                        { for why.map(|w| html! { <div class="why" data-why="">{ w }</div> }) }
                    </div>
                }
            }) }
        </div>
    }
}

/// What a node card shows, worked out from the cluster each render; a card whose data
/// is unchanged is not redrawn (on a busy cluster most are not).
#[derive(Debug, Clone, PartialEq)]
pub struct CardData {
    name: String,
    roles: String,
    /// (key, `key=value:Effect`).
    taints: Vec<(String, String)>,
    ready: bool,
    cordoned: bool,
    kubelet_running: bool,
    cpu_pct: i128,
    memory_pct: i128,
    chips: Vec<Chip>,
}

/// The callbacks a node card sends: made once, so that cards compare equal.
#[derive(Clone, PartialEq)]
pub struct CardActions {
    pub select: Callback<String>,
    pub cordon: Callback<(String, bool)>,
    pub kubelet: Callback<(String, bool)>,
}

impl CardActions {
    pub fn new(link: &yew::html::Scope<App>) -> CardActions {
        CardActions {
            select: link.callback(Msg::Select),
            cordon: link.callback(|(n, on)| Msg::Cordon(n, on)),
            kubelet: link.callback(|(n, on)| Msg::Kubelet(n, on)),
        }
    }
}

fn card_data(app: &App, node: &Node, pods: &[&Pod]) -> CardData {
    let name = node.metadata.name.clone().unwrap_or_default();
    let mut roles = printers::node_roles(node);
    if roles.is_empty() {
        roles.push("<none>".into());
    }
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .map(|t| {
            let text = match &t.value {
                Some(v) if !v.is_empty() => format!("{}={}:{}", t.key, v, t.effect),
                _ => format!("{}:{}", t.key, t.effect),
            };
            (t.key.clone(), text)
        })
        .collect();
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True");
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    let (kubelet_running, _) = app.cluster.kubelet_state(&name);
    let alloc = |k: &str| {
        node.status
            .as_ref()
            .and_then(|s| s.allocatable.as_ref())
            .and_then(|a| a.get(k))
            .and_then(|q| quantity::milli(q).ok())
            .unwrap_or(0)
    };
    let requested: (i128, i128) = pods.iter().fold((0, 0), |acc, p| {
        let r = podlab_core::scheduler::framework::pod_requests(p, false);
        (acc.0 + r.milli_cpu, acc.1 + r.memory)
    });
    let pct = |used: i128, total: i128| {
        if total > 0 {
            (used * 100 / total).clamp(0, 100)
        } else {
            0
        }
    };
    CardData {
        roles: roles.join(","),
        taints,
        ready,
        cordoned,
        kubelet_running,
        cpu_pct: pct(requested.0, alloc("cpu")),
        memory_pct: pct(requested.1, alloc("memory")),
        chips: pods.iter().map(|p| chip(app, p)).collect(),
        name,
    }
}

#[derive(Properties, PartialEq)]
pub struct NodeCardProps {
    pub data: std::rc::Rc<CardData>,
    pub actions: CardActions,
}

/// A node as a card: name, Ready, actions, roles, taints, requested vs allocatable,
/// and its pods as chips.
#[function_component(NodeCard)]
pub fn node_card(props: &NodeCardProps) -> Html {
    let d = &*props.data;
    let bar = |label: &str, pct: i128| {
        html! {
            <div class="bar" title={format!("{label} requests: {pct}% of allocatable")}>
                <span class="bar-label">{ label }</span>
                <span class="bar-track"><span class="bar-fill" style={format!("width:{pct}%")}></span></span>
                <span class="bar-pct">{ format!("{pct}%") }</span>
            </div>
        }
    };
    let (ready, cordoned, running) = (d.ready, d.cordoned, d.kubelet_running);
    let cordon = {
        let (n, cb) = (d.name.clone(), props.actions.cordon.clone());
        move |_| cb.emit((n.clone(), !cordoned))
    };
    let kubelet = {
        let (n, cb) = (d.name.clone(), props.actions.kubelet.clone());
        move |_| cb.emit((n.clone(), !running))
    };
    html! {
        <article class={classes!("node-card", (!ready).then_some("not-ready"))} data-node={d.name.clone()}>
            <header>
                <h2>{ &d.name }</h2>
                <span class={classes!("ready", if ready { "yes" } else { "no" })} data-node-status="">{
                    format!("{}{}", if ready { "Ready" } else { "NotReady" }, if cordoned { ",SchedulingDisabled" } else { "" })
                }</span>
            </header>
            <div class="node-actions">
                <button data-action="cordon" aria-pressed={cordoned.to_string()}
                    title="kubectl cordon / uncordon" onclick={cordon}>
                    { if cordoned { "Uncordon" } else { "Cordon" } }
                </button>
                <button data-action="kubelet" aria-pressed={(!running).to_string()}
                    title="systemctl stop / start kubelet on the node: stopped, the node goes NotReady after 50 s and its pods are evicted after 5 min"
                    onclick={kubelet}>
                    { if running { "Stop kubelet" } else { "Start kubelet" } }
                </button>
            </div>
            <div class="roles">{ &d.roles }</div>
            <ul class="taints" aria-label="Taints">
                { for d.taints.iter().map(|(key, text)| html! {
                    <li class="taint" data-taint={key.clone()}>{ text }</li>
                }) }
            </ul>
            { bar("cpu", d.cpu_pct) }
            { bar("memory", d.memory_pct) }
            <div class="pods">
                { for d.chips.iter().map(|c| chip_html(c, &props.actions.select)) }
            </div>
        </article>
    }
}

/// The chapter's lessons: the list, or the open lesson's steps with their checks.
fn lessons_panel(app: &App, link: &yew::html::Scope<App>) -> Html {
    let lessons = podlab_core::lessons::lessons();
    let Some((i, lesson)) = app.lesson.and_then(|i| lessons.get(i).map(|l| (i, l))) else {
        return html! {
            <section class="lessons" data-lessons="" aria-label="Lessons">
                <h2>{"Lessons"}</h2>
                <ul>
                    { for lessons.iter().enumerate().map(|(i, l)| html! {
                        <li><button data-lesson={l.id} onclick={link.callback(move |_| Msg::OpenLesson(Some(i)))}>{ l.title }</button></li>
                    }) }
                </ul>
            </section>
        };
    };
    let done = app.lesson_done.iter().filter(|d| **d).count();
    html! {
        <section class="lessons" data-lessons="" data-open-lesson={lesson.id} aria-label="Lesson">
            <header>
                <h2>{ lesson.title }</h2>
                <span class="progress" data-progress="">{ format!("{done}/{}", lesson.steps.len()) }</span>
            </header>
            <p>{ lesson.intro }</p>
            <ol>
                { for lesson.steps.iter().enumerate().map(|(n, step)| {
                    let ok = app.lesson_done.get(n).copied().unwrap_or(false);
                    html! {
                        <li class={classes!("step", ok.then_some("done"))} data-step={n.to_string()} data-done={ok.to_string()}>
                            <span class="check" aria-label={ if ok { "done" } else { "to do" } }>{ if ok { "✓" } else { "○" } }</span>
                            <span class="text">{ step.text }</span>
                            { for step.command.map(|c| html! { <code>{ c }</code> }) }
                            <button data-action="run-step" onclick={link.callback(move |_| Msg::LessonStep(n))}>
                                { if step.manifest.is_some() { "Load manifest and run" } else { "Run" } }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <div class="lesson-actions">
                <button data-action="reset-lesson" onclick={link.callback(|_| Msg::ResetLesson)}>{"Reset cluster"}</button>
                <button data-action="all-lessons" onclick={link.callback(|_| Msg::OpenLesson(None))}>{"All lessons"}</button>
            </div>
            { if i + 1 < lessons.len() && done == lesson.steps.len() {
                html! { <button class="primary" onclick={link.callback(move |_| Msg::OpenLesson(Some(i + 1)))}>{"Next lesson"}</button> }
            } else { html! {} } }
        </section>
    }
}

/// The last lines each container logged (what `kubectl logs --tail=20` shows).
fn logs_section(app: &App, pod: &Pod) -> Html {
    const TAIL: usize = 20;
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let containers: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
        .map(|c| c.name.clone())
        .collect();
    html! {
        <section class="logs" aria-label="Logs">
            <h3>{"Logs"}</h3>
            { for containers.iter().map(|c| {
                let lines = app.cluster.logs(&ns, &name, c, false).unwrap_or(&[]);
                let shown = &lines[lines.len().saturating_sub(TAIL)..];
                let text: String = shown.iter().map(|l| format!("{}\n", l.text)).collect();
                html! {
                    <div class="container-logs" data-logs={c.clone()}>
                        <div class="container-name">{ c }</div>
                        <pre>{ if text.is_empty() { "(no output yet)".to_string() } else { text } }</pre>
                    </div>
                }
            }) }
        </section>
    }
}

/// hh:mm:ss of simulated time.
fn clock_text(t: podlab_core::clock::SimTime) -> String {
    let secs = t.0 / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Where a pod waiting for a node is in the scheduler's queue, and what brings it back.
fn queue_section(app: &App, key: &str) -> Html {
    use podlab_core::scheduler::queue::QueueState;
    let Some(q) = key
        .split_once('/')
        .and_then(|(ns, name)| app.cluster.queued(ns, name))
    else {
        return Html::default();
    };
    let attempts = match q.attempts {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    let (state, text) = match &q.state {
        QueueState::Active => ("active", "In the scheduling queue (activeQ): tried next.".to_string()),
        QueueState::Backoff { until } => (
            "backoff",
            format!("Backing off after {attempts} until {} (backoffQ).", clock_text(*until)),
        ),
        QueueState::Unschedulable { since } => (
            "unschedulable",
            format!(
                "Unschedulable since {} after {attempts}; rejected by {}. Tried again when the cluster changes in a way one of them says may help (a node added, labelled, untainted or uncordoned, a pod deleted), else at {}.",
                clock_text(*since),
                q.unschedulable_plugins.join(", "),
                q.flush_at().map(clock_text).unwrap_or_default()
            ),
        ),
    };
    html! { <p class="queue" data-queue={state}>{ text }</p> }
}

fn inspector(app: &App, link: &yew::html::Scope<App>) -> Html {
    let Some(key) = &app.selected else {
        return html! {
            <aside class="inspector" aria-label="Inspector">
                { lessons_panel(app, link) }
                <p class="hint">{"Apply a pod, then select it to see where the scheduler placed it and why."}</p>
            </aside>
        };
    };
    let pod = key
        .split_once('/')
        .and_then(|(ns, n)| app.cluster.api().pods.get(ns, n));
    let Some(pod) = pod else {
        return html! { <aside class="inspector"><p class="hint">{ format!("{key} no longer exists.") }</p></aside> };
    };
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let events = app.cluster.api().events_for(&uid);
    let target = key.clone();
    html! {
        <aside class="inspector" aria-label="Inspector" data-inspect={key.clone()}>
            <div class="inspector-title">
                <h2>{ key }</h2>
                <button data-action="delete" onclick={link.callback(move |_| Msg::DeletePod(target.clone()))}>{"Delete"}</button>
            </div>
            <dl class="facts">
                <dt>{"Status"}</dt><dd>{ printers::pod_status(pod) }</dd>
                <dt>{"Ready"}</dt><dd>{ printers::pod_ready(pod) }</dd>
                <dt>{"Node"}</dt><dd>{ pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_else(|| "<none>".into()) }</dd>
                <dt>{"Pod IP"}</dt><dd>{ pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_else(|| "<none>".into()) }</dd>
            </dl>
            { queue_section(app, key) }
            { for app.cluster.decision(key).map(|d| decision_table(d, app, link)) }
            { logs_section(app, pod) }
            <h3>{"Events"}</h3>
            <table class="events">
                <thead><tr><th>{"Type"}</th><th>{"Reason"}</th><th>{"From"}</th><th>{"Message"}</th></tr></thead>
                <tbody>
                { for events.iter().map(|e| html! {
                    <tr>
                        <td>{ e.type_.clone().unwrap_or_default() }</td>
                        <td>{ e.reason.clone().unwrap_or_default() }</td>
                        <td>{ e.source.as_ref().and_then(|s| s.component.clone()).unwrap_or_default() }</td>
                        <td>{ e.message.clone().unwrap_or_default() }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </aside>
    }
}

/// "Why here?": plugins × nodes, with each filter's verdict, each score and the total.
fn decision_table(d: &Decision, app: &App, link: &yew::html::Scope<App>) -> Html {
    let filters: Vec<&str> = d.filter_plugins.iter().map(|p| p.as_ref()).collect();
    let scores: Vec<&str> = d.score_plugins().collect();
    let chosen = |node: &str| d.chosen.as_deref() == Some(node);
    let every = app.cluster.sampling() == podlab_core::scheduler::Sampling::Exhaustive;
    html! {
        <section class="decision" data-decision="">
            <h3>{"Why here?"}</h3>
            <p class="counts">{ format!("{} nodes, {} evaluated, {} feasible", d.total_nodes, d.evaluated, d.feasible) }</p>
            <p class="sampling">
                <button data-action="evaluate-every-node" aria-pressed={every.to_string()}
                    title="kube-scheduler stops looking once it has found enough feasible nodes (percentageOfNodesToScore; every node in clusters under 100 nodes). Pressed, the scheduler evaluates every node from the next pod on, so its table explains every node."
                    onclick={link.callback(move |_| Msg::EvaluateEveryNode(!every))}>
                    { if every { "Evaluating every node" } else { "Evaluate every node" } }
                </button>
            </p>
            <table>
                <thead><tr>
                    <th>{"Plugin"}</th>
                    { for d.nodes.iter().map(|n| html! {
                        <th class={classes!(chosen(d.node_name(n)).then_some("chosen"))} data-decision-node={d.node_name(n).to_string()}>
                            { d.node_name(n) }{ if chosen(d.node_name(n)) { " ✓" } else { "" } }
                        </th>
                    }) }
                </tr></thead>
                <tbody>
                { for filters.iter().enumerate().map(|(i, plugin)| html! {
                    <tr>
                        <th scope="row">{ *plugin }</th>
                        { for d.nodes.iter().map(|n| {
                            let cls = classes!(chosen(d.node_name(n)).then_some("chosen"));
                            match d.filter_outcome(n, i) {
                                FilterOutcome::Pass => html! { <td class={classes!("pass", cls)} data-filter={format!("{}/{plugin}", d.node_name(n))}>{"pass"}</td> },
                                FilterOutcome::Fail { reasons, .. } => html! { <td class={classes!("fail", cls)} data-filter={format!("{}/{plugin}", d.node_name(n))}>{ reasons.join(", ") }</td> },
                                _ => html! { <td class={classes!("skipped", cls)} title="not run: an earlier plugin rejected the node">{"–"}</td> },
                            }
                        }) }
                    </tr>
                }) }
                { for scores.iter().map(|plugin| html! {
                    <tr class="score">
                        <th scope="row">{ format!("{plugin} (score ×weight)") }</th>
                        { for d.nodes.iter().map(|n| {
                            let s = d.scores(n).find(|s| s.plugin == *plugin);
                            html! { <td class={classes!(chosen(d.node_name(n)).then_some("chosen"))}>{ s.map(|s| format!("{} ×{}", s.normalized, s.weight)).unwrap_or_default() }</td> }
                        }) }
                    </tr>
                }) }
                <tr class="total">
                    <th scope="row">{"Total"}</th>
                    { for d.nodes.iter().map(|n| html! {
                        <td class={classes!(chosen(d.node_name(n)).then_some("chosen"))}>{ d.total(n).map(|t| t.to_string()).unwrap_or_else(|| "infeasible".into()) }</td>
                    }) }
                </tr>
                </tbody>
            </table>
            { for d.failure.as_ref().map(|f| html! { <p class="failure">{ f }</p> }) }
        </section>
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

fn terminal(app: &App, link: &yew::html::Scope<App>) -> Html {
    let oninput = link.callback(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::TermInput(input.value())
    });
    let onkeydown = link.batch_callback(|e: KeyboardEvent| match e.key().as_str() {
        "Enter" => Some(Msg::TermRun),
        "ArrowUp" => {
            e.prevent_default();
            Some(Msg::TermHistory(-1))
        }
        "ArrowDown" => {
            e.prevent_default();
            Some(Msg::TermHistory(1))
        }
        // Tab completes; Shift+Tab still moves the focus out (no keyboard trap).
        "Tab" if !e.shift_key() => {
            e.prevent_default();
            Some(Msg::TermComplete)
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
            <div class="pane-title"><span>{"Terminal"}</span><span class="hint">{"kubectl · ssh NODE · sudo -i · Tab completes (Shift+Tab leaves) · ↑/↓ history · clear"}</span></div>
            <div class="screen" data-terminal-screen="">
                { for app.terminal.iter().map(|e| html! {
                    <div class="entry" data-terminal-entry="">
                        <div class="prompt-line"><span class="prompt">{ &e.prompt }</span>{ &e.command }</div>
                        if !e.stdout.is_empty() { <pre class="stdout" data-terminal-output="">{ &e.stdout }</pre> }
                        if !e.stderr.is_empty() { <pre class="stderr" data-terminal-error="">{ &e.stderr }</pre> }
                    </div>
                }) }
                if !app.completions.is_empty() {
                    <pre class="stdout completions" data-completions="">{ app.completions.join("  ") }</pre>
                }
                <div class="prompt-line input-line" data-following={app.session.following().to_string()}>
                    // While `kubectl logs -f` runs there is no prompt, as in a terminal.
                    <span class="prompt" data-terminal-prompt="">{ if app.session.following() { String::new() } else { app.prompt() } }</span>
                    <input data-terminal-input="" type="text" spellcheck="false" autocomplete="off"
                        aria-label="Terminal command"
                        placeholder={ if app.session.following() { "Ctrl-C stops kubectl logs -f" } else { "kubectl get pods -o wide" } }
                        value={app.term_input.clone()} {oninput} {onkeydown} />
                </div>
            </div>
        </section>
    }
}

/// The browser tab: an address bar and the page in a sandboxed frame (no scripts, no
/// access to the app's origin).
fn browser(app: &App, link: &yew::html::Scope<App>) -> Html {
    let oninput = link.callback(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::BrowserUrl(input.value())
    });
    let onkeydown =
        link.batch_callback(|e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::BrowserGo));
    let go = link.callback(|_| Msg::BrowserGo);
    let page = match &app.page {
        None => {
            html! { <p class="muted">{"Open a NodePort: http://NODE_IP:NODE_PORT/ (kubectl get svc shows the port)."}</p> }
        }
        Some(crate::Page::Failed(msg)) => html! {
            <p class="browser-error" data-browser-error="">{ msg.clone() }</p>
        },
        Some(crate::Page::Loaded {
            status,
            reason,
            content_type,
            body,
        }) => {
            let doc = if content_type.starts_with("text/html") {
                body.clone()
            } else {
                format!("<pre>{}</pre>", escape_html(body))
            };
            html! {
                <>
                    <div class="browser-status" data-browser-status={status.to_string()}>{ format!("HTTP/1.1 {status} {reason} · {content_type}") }</div>
                    <iframe class="browser-frame" data-browser-frame="" sandbox="" referrerpolicy="no-referrer" title="Page" srcdoc={doc}></iframe>
                </>
            }
        }
    };
    html! {
        <section class="browser" data-browser="" aria-label="Browser">
            <div class="pane-title"><span>{"Browser"}</span></div>
            <div class="address">
                <input data-browser-url="" type="url" spellcheck="false" aria-label="Address"
                    value={app.browser_url.clone()} {oninput} {onkeydown} />
                <button data-action="browse" onclick={go}>{"Go"}</button>
            </div>
            { page }
        </section>
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
