//! Rendering: every element here is drawn from core state. Data attributes
//! (`data-node`, `data-pod`, `data-phase`, `data-lane`, `data-editor`, `data-action`,
//! `data-diagnostic`) are the app's stable hooks for tests and embedding pages.

use crate::{App, Msg};
use podlab_core::kubectl::printers;
use podlab_core::manifest::Severity;
use podlab_core::model::{quantity, Node, Pod};
use yew::prelude::*;

pub fn app(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let o = &app.options;
    let panel = |name: &str, html: Html| if o.shows(name) { html } else { Html::default() };
    let cards = node_cards(app);
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
                            { for cards.iter().map(|data| {
                                let key = data.name.clone();
                                html! { <NodeCard {key} data={data.clone()} actions={app.card_actions.clone()} /> }
                            }) }
                        </div>
                    </section>
                }) }
                { panel("inspector", crate::inspect::inspector(app, link)) }
                { crate::panels::tools(app, link) }
            </main>
        </div>
    }
}

/// The node cards' data: worked out again only when the cluster's resourceVersion or
/// what the app shows beside it (selection, leaving pods, kubelets) changed; on a busy
/// cluster most ticks change neither, and the same `Rc`s compare equal at once.
fn node_cards(app: &App) -> Vec<std::rc::Rc<CardData>> {
    let key = (app.cluster.api().resource_version(), app.view_generation);
    let mut cache = app.card_cache.borrow_mut();
    if cache.0 == Some(key) {
        return cache.1.clone();
    }
    // Each node's pods, in one pass over the pods (not one per node card).
    let mut by_node: std::collections::BTreeMap<&str, Vec<&Pod>> = Default::default();
    for p in app.cluster.pods() {
        if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            by_node.entry(n).or_default().push(p);
        }
    }
    let verdicts = verdicts(app);
    {
        // Chips of pods that are gone go too.
        let mut chips = app.chip_cache.borrow_mut();
        if chips.len() > app.cluster.api().pods.len() * 2 + 64 {
            chips.clear();
        }
    }
    let cards: Vec<std::rc::Rc<CardData>> = app
        .cluster
        .nodes()
        .map(|n| {
            let pods = n
                .metadata
                .name
                .as_deref()
                .and_then(|name| by_node.get(name));
            let mut data = card_data(app, n, pods.map_or(&[][..], Vec::as_slice));
            data.verdict = verdicts.get(data.name.as_str()).cloned();
            std::rc::Rc::new(data)
        })
        .collect();
    *cache = (Some(key), cards.clone());
    cards
}

/// What the selected pod's last scheduling attempt said about each node it looked at:
/// (`chosen`, `feasible` or `rejected`, the text the node card shows).
fn verdicts(app: &App) -> std::collections::BTreeMap<String, (&'static str, String)> {
    let mut out = std::collections::BTreeMap::new();
    let Some(crate::Selected::Pod(key)) = &app.selected else {
        return out;
    };
    let Some(d) = app.cluster.decision(key) else {
        return out;
    };
    let pod = key.split_once('/').map_or(key.as_str(), |(_, n)| n);
    for v in &d.nodes {
        let node = d.node_name(v);
        let verdict = match (d.rejection(v), d.total(v)) {
            (Some((_, reasons)), _) => {
                let plugin = v
                    .rejected_by()
                    .and_then(|i| d.filter_plugins.get(i))
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                let texts = reasons.to_texts().join(", ");
                ("rejected", format!("{pod}: ✗ {plugin}: {texts}"))
            }
            (None, total) if d.chosen.as_deref() == Some(node) => (
                "chosen",
                format!("{pod}: ✓ chosen (score {})", total.unwrap_or_default()),
            ),
            (None, Some(total)) => ("feasible", format!("{pod}: feasible (score {total})")),
            (None, None) => continue,
        };
        out.insert(node.to_string(), verdict);
    }
    out
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
                <button data-action="step" title="Advance the clock one second"
                    onclick={link.callback(|_| Msg::Step)}>{"Step"}</button>
                <button data-action="next-event" title="Jump to the next moment something is due (a container, a timer, a controller)"
                    onclick={link.callback(|_| Msg::NextEvent)}>{"Next event"}</button>
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
    let (files, open) = app.editor_files();
    let (name, text) = app.open_file_text();
    // The last Apply's diagnostics, marked on their lines while its text is shown.
    let marks: Vec<Mark> = if app.report.text == text {
        app.report
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
    let new_name = link.callback(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::NewFileName(input.value())
    });
    let new_enter =
        link.batch_callback(|e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::NewFile));
    html! {
        <section class="editor-pane" aria-label="Manifest editor">
            <div class="pane-title files" role="tablist" aria-label="Files">
                { for files.iter().enumerate().map(|(i, f)| html! {
                    <span class={classes!("file-tab", (i == open).then_some("active"))}>
                        <button role="tab" class="file" data-file={f.name.clone()} aria-selected={(i == open).to_string()}
                            onclick={link.callback(move |_| Msg::OpenFile(i))}>{ &f.name }</button>
                        if files.len() > 1 {
                            <button class="close" data-close-file={f.name.clone()} aria-label={format!("Close {}", f.name)}
                                title="Close the file (its text is dropped)"
                                onclick={link.callback(move |_| Msg::CloseFile(i))}>{"×"}</button>
                        }
                    </span>
                }) }
                <input class="new-file" data-new-file="" type="text" spellcheck="false" placeholder="new.yaml"
                    aria-label="New file name" value={app.new_file.clone()} oninput={new_name} onkeydown={new_enter} />
                <button data-action="new-file" title="A new file in the editor (and in ~ in the terminal)"
                    onclick={link.callback(|_| Msg::NewFile)}>{"+"}</button>
                <button data-action="delete-file" title={format!("kubectl delete -f {name}")}
                    onclick={link.callback(|_| Msg::DeleteObjects)}>{"Delete"}</button>
                <button class="primary" data-action="apply" title={format!("kubectl create -f {name}")}
                    onclick={link.callback(|_| Msg::Apply)}>{"Apply"}</button>
            </div>
            <Code text={AttrValue::from(text.to_string())} marks={std::rc::Rc::new(marks)} oninput={app.edit_callback.clone()} />
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    key: String,
    name: String,
    phase: String,
    status: String,
    selected: bool,
}

/// A pod's chip and its (cpu, memory) requests, worked out once per resourceVersion of
/// the pod: redrawing a busy cluster reuses the rest.
fn chip(app: &App, pod: &Pod) -> (Chip, (i128, i128)) {
    let uid = pod.metadata.uid.as_deref().unwrap_or_default();
    let rv = pod.metadata.resource_version.as_deref().unwrap_or_default();
    let mut cache = app.chip_cache.borrow_mut();
    let (chip, requests) = match cache.get(uid) {
        Some((seen, chip, requests)) if seen == rv => (chip.clone(), *requests),
        _ => {
            let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
            let name = pod.metadata.name.clone().unwrap_or_default();
            let chip = Chip {
                key: format!("{ns}/{name}"),
                name,
                phase: pod
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Pending".into()),
                status: printers::pod_status(pod),
                selected: false,
            };
            let r = podlab_core::scheduler::framework::pod_requests(pod, false);
            let requests = (i128::from(r.milli_cpu), i128::from(r.memory));
            cache.insert(uid.to_string(), (rv.to_string(), chip.clone(), requests));
            (chip, requests)
        }
    };
    let selected = matches!(&app.selected, Some(crate::Selected::Pod(k)) if *k == chip.key);
    (Chip { selected, ..chip }, requests)
}

fn chip_html(c: &Chip, select: &Callback<String>) -> Html {
    let key = c.key.clone();
    let select = select.clone();
    html! {
        <button key={c.key.clone()} class={classes!("pod", c.phase.to_lowercase(), c.selected.then_some("selected"))}
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
                        { chip_html(&chip(app, p).0, &app.card_actions.select) }
                        { for why.map(|w| html! { <div class="why" data-why="">{ w }</div> }) }
                    </div>
                }
            }) }
        </div>
    }
}

/// What a node card shows, worked out from the cluster each render; a card whose data
/// is unchanged is not redrawn (on a busy cluster most are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardData {
    name: String,
    roles: String,
    /// The node's own labels (`key=value`), not the well-known ones every node has.
    labels: Vec<String>,
    /// (key, `key=value:Effect`).
    taints: Vec<(String, String)>,
    ready: bool,
    cordoned: bool,
    kubelet_running: bool,
    cpu_pct: i128,
    memory_pct: i128,
    chips: Vec<Chip>,
    /// Pods that just left the node (key, name), drawn fading out.
    leaving: Vec<(String, String)>,
    /// What the selected pod's scheduling said about this node (class, text).
    verdict: Option<(&'static str, String)>,
}

/// The callbacks a node card sends: made once, so that cards compare equal.
#[derive(Clone, PartialEq)]
pub struct CardActions {
    pub select: Callback<String>,
    pub cordon: Callback<(String, bool)>,
    pub kubelet: Callback<(String, bool)>,
    pub inspect: Callback<String>,
}

impl CardActions {
    pub fn new(link: &yew::html::Scope<App>) -> CardActions {
        CardActions {
            select: link.callback(Msg::Select),
            cordon: link.callback(|(n, on)| Msg::Cordon(n, on)),
            kubelet: link.callback(|(n, on)| Msg::Kubelet(n, on)),
            inspect: link.callback(Msg::SelectNode),
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
    let chips: Vec<(Chip, (i128, i128))> = pods.iter().map(|p| chip(app, p)).collect();
    let requested = chips
        .iter()
        .fold((0, 0), |acc, (_, r)| (acc.0 + r.0, acc.1 + r.1));
    let pct = |used: i128, total: i128| {
        if total > 0 {
            (used * 100 / total).clamp(0, 100)
        } else {
            0
        }
    };
    let labels = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter(|(k, _)| {
            let prefix = k.split_once('/').map_or("", |(p, _)| p);
            !(prefix.ends_with("kubernetes.io") || prefix.ends_with("k8s.io"))
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    CardData {
        labels,
        roles: roles.join(","),
        taints,
        ready,
        cordoned,
        kubelet_running,
        cpu_pct: pct(requested.0, alloc("cpu")),
        memory_pct: pct(requested.1, alloc("memory")),
        chips: chips.into_iter().map(|(c, _)| c).collect(),
        leaving: app
            .leaving()
            .iter()
            .filter(|l| l.node == name)
            .map(|l| (l.key.clone(), l.name.clone()))
            .collect(),
        verdict: None,
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
                <h2><button class="link" data-action="inspect-node" title="Inspect the node: labels, taints, conditions, capacity, actions"
                    onclick={{ let (n, cb) = (d.name.clone(), props.actions.inspect.clone()); move |_| cb.emit(n.clone()) }}>{ &d.name }</button></h2>
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
            if !d.labels.is_empty() {
                <ul class="labels" aria-label="Labels">
                    { for d.labels.iter().map(|l| html! { <li class="label" data-card-label={l.clone()}>{ l }</li> }) }
                </ul>
            }
            <ul class="taints" aria-label="Taints">
                { for d.taints.iter().map(|(key, text)| html! {
                    <li class="taint" data-taint={key.clone()}>{ text }</li>
                }) }
            </ul>
            { bar("cpu", d.cpu_pct) }
            { bar("memory", d.memory_pct) }
            { for d.verdict.as_ref().map(|(class, text)| html! {
                <div class={classes!("verdict", *class)} data-verdict={*class}>{ text }</div>
            }) }
            <div class="pods">
                { for d.chips.iter().map(|c| chip_html(c, &props.actions.select)) }
                { for d.leaving.iter().map(|(key, name)| html! {
                    <span key={format!("leaving/{key}")} class="pod leaving" data-leaving={key.clone()} aria-hidden="true">
                        <span class="pod-name">{ name }</span>
                    </span>
                }) }
            </div>
        </article>
    }
}

/// The chapter's lessons: the list, or the open lesson's steps with their checks.
pub fn lessons_panel(app: &App, link: &yew::html::Scope<App>) -> Html {
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
                            { match (&step.check, step.manifest.is_some() || step.command.is_some()) {
                                (_, true) => html! {
                                    <button data-action="run-step" onclick={link.callback(move |_| Msg::LessonStep(n))}>
                                        { if step.manifest.is_some() { "Load manifest and run" } else { "Run" } }
                                    </button>
                                },
                                // Done by hand in the Git panel.
                                (podlab_core::lessons::Check::ServesNewCommit { repo, .. }, false) => {
                                    let repo = repo.to_string();
                                    html! {
                                        <button data-action="open-git" onclick={link.callback(move |_| Msg::GitRepo(repo.clone()))}>
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
pub fn logs_section(app: &App, pod: &Pod) -> Html {
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
pub fn clock_text(t: podlab_core::clock::SimTime) -> String {
    let secs = t.0 / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Where a pod waiting for a node is in the scheduler's queue, and what brings it back.
pub fn queue_section(app: &App, key: &str) -> Html {
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
                        placeholder={ if app.session.following() { "Ctrl-C stops it" } else { "kubectl get pods -o wide" } }
                        value={app.term_input.clone()} {oninput} {onkeydown} />
                </div>
            </div>
        </section>
    }
}

/// The node cards worked out for a (resourceVersion, view generation).
pub type CardCache = (Option<(u64, u64)>, Vec<std::rc::Rc<CardData>>);

/// Pod chips by uid: (resourceVersion, chip, (cpu, memory) requests).
pub type ChipCache = std::collections::HashMap<String, (String, Chip, (i128, i128))>;

/// A diagnostic's mark in the editor's gutter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub error: bool,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct CodeProps {
    pub text: AttrValue,
    pub marks: std::rc::Rc<Vec<Mark>>,
    /// Made once, so the editor is redrawn only when its text or marks change.
    pub oninput: Callback<InputEvent>,
}

/// Files longer than this are shown without highlighting (the spans would cost more
/// than they help).
const HIGHLIGHT_MAX_BYTES: usize = 64 * 1024;

/// The editor: line numbers (with diagnostics marked), the text highlighted in a layer
/// under a transparent textarea that is sized to the text, so both scroll together.
#[function_component(Code)]
pub fn code(props: &CodeProps) -> Html {
    let text = props.text.as_str();
    let lines = text.split('\n').count().max(1);
    let cols = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    // A mark is an inline block: its line's newline goes after it, or the next number
    // would share its row.
    let gutter = (1..=lines).map(|n| match props.marks.iter().find(|m| m.line == n) {
        Some(m) => html! {
            <>
                <span class={classes!("mark", if m.error { "error" } else { "warning" })} data-mark={n.to_string()} title={m.message.clone()}>{ n }</span>
                { "\n" }
            </>
        },
        None => html! { { format!("{n}\n") } },
    });
    let layer = if text.len() <= HIGHLIGHT_MAX_BYTES {
        use podlab_core::manifest::highlight::{highlight, Token};
        highlight(text)
            .into_iter()
            .map(|(t, s)| match t {
                Token::Plain => html! { { s } },
                t => html! { <span class={t.class()}>{ s }</span> },
            })
            .collect::<Html>()
    } else {
        html! { { text } }
    };
    let size = format!("height:calc({lines} * 1.5em + 16px);min-width:calc({cols}ch + 24px)");
    html! {
        <div class="editor">
            <pre class="gutter" aria-hidden="true">{ for gutter }</pre>
            <div class="code">
                <pre class="highlight" aria-hidden="true">{ layer }{"\n"}</pre>
                <textarea data-editor="" spellcheck="false" autocomplete="off" wrap="off" style={size}
                    aria-label="Manifest (YAML or JSON)" value={props.text.clone()} oninput={props.oninput.clone()} />
            </div>
        </div>
    }
}

/// Newly bound pods' chips fly from the pending lane into their node (a Web Animations
/// transform from where the lane is to where the chip now sits), unless the person
/// prefers reduced motion.
pub fn fly_in(keys: &[String]) {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return;
    };
    let reduced = window
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let Some(doc) = window.document() else { return };
    let Some(lane) = doc.query_selector("[data-lane='pending']").ok().flatten() else {
        return;
    };
    if reduced {
        return;
    }
    let from = lane.get_bounding_client_rect();
    for key in keys {
        let selector = format!("[data-node] [data-pod=\"{}\"]", key.replace('"', ""));
        let Some(chip) = doc.query_selector(&selector).ok().flatten() else {
            continue;
        };
        let to = chip.get_bounding_client_rect();
        let (dx, dy) = (from.left() + 12.0 - to.left(), from.top() + 24.0 - to.top());
        let frame = |transform: &str, opacity: f64| {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"transform".into(), &transform.into());
            let _ = js_sys::Reflect::set(&o, &"opacity".into(), &opacity.into());
            o
        };
        let frames = js_sys::Array::of2(
            &frame(&format!("translate({dx}px, {dy}px) scale(.9)"), 0.6),
            &frame("none", 1.0),
        );
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"duration".into(), &JsValue::from(450));
        let _ = js_sys::Reflect::set(&options, &"easing".into(), &"ease-out".into());
        if let Ok(animate) = js_sys::Reflect::get(&chip, &"animate".into()) {
            if let Some(f) = animate.dyn_ref::<js_sys::Function>() {
                let _ = f.call2(&chip, &frames, &options);
            }
        }
    }
}
