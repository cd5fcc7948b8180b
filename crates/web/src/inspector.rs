//! The inspector: a pod (status, its controller, containers, conditions, the
//! environment as the kubelet resolved it and where each entry comes from, volumes,
//! mounts and their files, the page it serves, the scheduler's decision, logs,
//! events), a node (labels, taints, conditions, capacity, pods, and the actions a
//! person takes on it: label, taint, cordon, stop its kubelet), or a workload (see
//! `workload`). Every action runs the kubectl command a person would type, and shows
//! its answer.

mod config;
mod workload;

use crate::common::{
    clock_text, frame, keys, kubectl, page_of, ApplyReport, Outcome, Page, Selected, Workload,
};
use podlab_core::clock::SimTime;
use podlab_core::kubectl::printers;
use podlab_core::kubelet::ProbeResult;
use podlab_core::model::{Node, Pod};
use podlab_core::scheduler::{Decision, FilterOutcome};
use podlab_core::Cluster;
use yew::prelude::*;

/// The inspector's selection, its fields, the answer to its last action, and the page
/// a pod serves as it was last fetched.
#[derive(Default)]
pub struct Inspector {
    pub selected: Option<Selected>,
    /// The node inspector's label and taint fields.
    label_input: String,
    taint_input: String,
    action_result: Option<(String, bool)>,
    /// (pod, address, page).
    served: Option<(String, String, Page)>,
    /// The Secret files shown unmasked (`namespace/pod/volume/path`).
    revealed: Vec<String>,
}

pub enum Msg {
    /// Close the inspector: back to the lessons.
    Close,
    /// Show a pod (`namespace/name`).
    Select(String),
    /// Show a node.
    SelectNode(String),
    /// Show a workload.
    SelectWorkload(Workload),
    /// Show (or mask again) a Secret file's contents (`namespace/pod/volume/path`).
    Reveal(String),
    DeletePod(String),
    /// Run kubectl with these arguments from an action (label, taint, ...); its output
    /// shows in the inspector.
    Kubectl(Vec<String>),
    /// The node inspector's label and taint fields, and their buttons (for this node).
    NodeLabelInput(String),
    NodeTaintInput(String),
    LabelNode(String),
    TaintNode(String),
    /// Fetch a pod's page (key, address) on its node.
    Served(String, String),
    /// Start (true) or stop (false) a node's kubelet.
    Kubelet(String, bool),
    /// Have the scheduler evaluate every node (true) or sample as kube-scheduler does.
    EvaluateEveryNode(bool),
}

/// What the inspector's views read.
struct Ctx<'a> {
    st: &'a Inspector,
    cluster: &'a Cluster,
    send: &'a Callback<Msg>,
    /// The control that shows the pane alone.
    focus: Html,
}

impl Inspector {
    pub fn update(&mut self, cluster: &mut Cluster, msg: Msg) -> Outcome {
        match msg {
            Msg::Close => {
                self.selected = None;
                self.action_result = None;
                self.served = None;
                self.revealed.clear();
                Outcome::render()
            }
            Msg::Select(key) => {
                self.selected = Some(Selected::Pod(key));
                Outcome::render()
            }
            Msg::SelectNode(name) => {
                if self.selected != Some(Selected::Node(name.clone())) {
                    self.action_result = None;
                }
                self.selected = Some(Selected::Node(name));
                Outcome::render()
            }
            Msg::SelectWorkload(w) => {
                self.selected = Some(Selected::Workload(w));
                Outcome::render()
            }
            Msg::Reveal(key) => {
                match self.revealed.iter().position(|k| *k == key) {
                    Some(i) => {
                        self.revealed.remove(i);
                    }
                    None => self.revealed.push(key),
                }
                Outcome::render()
            }
            Msg::Kubectl(args) => {
                self.kubectl_action(cluster, &args);
                Outcome::saved()
            }
            Msg::LabelNode(node) => {
                let spec = self.label_input.trim().to_string();
                if self.kubectl_action(cluster, &["label".into(), "node".into(), node, spec]) {
                    self.label_input.clear();
                }
                Outcome::saved()
            }
            Msg::TaintNode(node) => {
                let spec = self.taint_input.trim().to_string();
                if self.kubectl_action(cluster, &["taint".into(), "nodes".into(), node, spec]) {
                    self.taint_input.clear();
                }
                Outcome::saved()
            }
            Msg::NodeLabelInput(text) => {
                self.label_input = text;
                Outcome::quiet()
            }
            Msg::NodeTaintInput(text) => {
                self.taint_input = text;
                Outcome::quiet()
            }
            Msg::Served(key, url) => {
                let node = key
                    .split_once('/')
                    .and_then(|(ns, n)| cluster.api().pods.get(ns, n))
                    .and_then(|p| p.spec.as_ref()?.node_name.clone())
                    .unwrap_or_default();
                let response = cluster.http_get_from_node(&node, &url);
                let page = page_of(&url, response, &mut |u| {
                    cluster.http_get_from_node(&node, u).ok()
                });
                self.served = Some((key, url, page));
                Outcome::render()
            }
            Msg::Kubelet(node, running) => {
                cluster.set_kubelet_running(&node, running);
                Outcome::render()
            }
            Msg::EvaluateEveryNode(on) => {
                cluster.set_sampling(if on {
                    podlab_core::scheduler::Sampling::Exhaustive
                } else {
                    podlab_core::scheduler::Sampling::Adaptive
                });
                Outcome::saved()
            }
            Msg::DeletePod(key) => match key.split_once('/') {
                Some((ns, name)) => Outcome::report(match cluster.delete_pod(ns, name, None) {
                    Ok(_) => ApplyReport::line(
                        &format!("pod \"{name}\" deleted from {ns} namespace"),
                        false,
                    ),
                    Err(e) => ApplyReport::line(&e.kubectl_line(), true),
                }),
                None => Outcome::render(),
            },
        }
    }

    /// Runs an action's kubectl command; its answer shows in the inspector. Returns
    /// whether it succeeded.
    fn kubectl_action(&mut self, cluster: &mut Cluster, args: &[String]) -> bool {
        let (text, failed) = kubectl(cluster, args);
        self.action_result = Some((text, failed));
        !failed
    }

    /// The selected pod or node; with nothing selected, `lessons` and a hint.
    pub fn view(
        &self,
        cluster: &Cluster,
        send: &Callback<Msg>,
        lessons: Html,
        focus: &crate::panes::Focus,
    ) -> Html {
        inspector(
            &Ctx {
                st: self,
                cluster,
                send,
                focus: focus.control(crate::panes::Pane::Inspector),
            },
            lessons,
        )
    }
}

fn inspector(app: &Ctx, lessons: Html) -> Html {
    match &app.st.selected {
        None => html! {
            <aside class="inspector" aria-label="Inspector">
                { app.focus.clone() }
                { lessons }
                <p class="hint">{"Apply a pod, then select it to see where the scheduler placed it and why. Select a node's name to inspect the node."}</p>
            </aside>
        },
        Some(Selected::Pod(key)) => pod_inspector(app, key),
        Some(Selected::Node(name)) => node_inspector(app, name),
        Some(Selected::Workload(w)) => workload::workload_inspector(app, w),
    }
}

/// Escape anywhere in the inspector closes it.
fn on_escape(send: &Callback<Msg>) -> Callback<KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            send.emit(Msg::Close);
        }
    })
}

/// The control that closes the inspector and goes back to the lessons.
fn close_button(send: &Callback<Msg>) -> Html {
    html! {
        <button class="close" data-action="close-inspector" title="Back to the lessons (Esc)"
            aria-label="Close the inspector and go back to the lessons"
            onclick={send.reform(|_| Msg::Close)}>{"\u{2190} Lessons"}</button>
    }
}

fn gone(what: &str, app: &Ctx) -> Html {
    let send = app.send;
    html! {
        <aside class="inspector" aria-label="Inspector" onkeydown={on_escape(send)}>
            <div class="inspector-title">
                <p class="hint">{ format!("{what} no longer exists.") }</p>
                { close_button(send) }
                { app.focus.clone() }
            </div>
        </aside>
    }
}

fn pod_inspector(app: &Ctx, key: &str) -> Html {
    let pod = key
        .split_once('/')
        .and_then(|(ns, n)| app.cluster.api().pods.get(ns, n));
    let Some(pod) = pod else {
        return gone(key, app);
    };
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let events = app.cluster.api().events_for(&uid);
    let target = key.to_string();
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    html! {
        <aside class="inspector" aria-label="Inspector" data-inspect={key.to_string()} onkeydown={on_escape(app.send)}>
            <div class="inspector-title">
                <h2>{ key }</h2>
                <button data-action="delete" onclick={app.send.reform(move |_| Msg::DeletePod(target.clone()))}>{"Delete"}</button>
                { close_button(app.send) }
                { app.focus.clone() }
            </div>
            <dl class="facts">
                <dt>{"Status"}</dt><dd>{ printers::pod_status(pod) }</dd>
                <dt>{"Ready"}</dt><dd>{ printers::pod_ready(pod) }</dd>
                <dt>{"Node"}</dt><dd>{
                    match node.clone() {
                        Some(n) => html! { <button class="link" data-action="inspect-node" onclick={app.send.reform(move |_| Msg::SelectNode(n.clone()))}>{ node.clone().unwrap_or_default() }</button> },
                        None => html! { "<none>" },
                    }
                }</dd>
                <dt>{"Pod IP"}</dt><dd>{ pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_else(|| "<none>".into()) }</dd>
                <dt>{"QoS Class"}</dt><dd>{ pod.status.as_ref().and_then(|s| s.qos_class.clone()).unwrap_or_default() }</dd>
                { workload::controlled_by(app, &pod.metadata) }
            </dl>
            { queue_section(app, key) }
            { for app.cluster.decision(key).map(|d| decision_table(d, app)) }
            { containers_section(pod) }
            { probes_section(app, key) }
            { conditions_section(pod) }
            { env_section(app, pod) }
            { config::sources_section(app, pod) }
            { config::volumes_section(app, pod) }
            { served_section(app, pod, key) }
            { logs_section(app, pod) }
            <h3>{"Events"}</h3>
            { events_table(&events) }
        </aside>
    }
}

/// Each container's state as `kubectl describe` words it: Waiting (reason),
/// Running (since), Terminated (reason, exit code).
fn containers_section(pod: &Pod) -> Html {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let inits = spec
        .and_then(|s| s.init_containers.as_ref())
        .into_iter()
        .flatten();
    let mains = spec.into_iter().flat_map(|s| &s.containers);
    let rows = inits
        .map(|c| (c, true))
        .chain(mains.map(|c| (c, false)))
        .map(|(c, init)| {
            let st = status
                .and_then(|s| {
                    if init {
                        s.init_container_statuses.as_ref()
                    } else {
                        s.container_statuses.as_ref()
                    }
                })
                .and_then(|l| l.iter().find(|s| s.name == c.name));
            let state = st.and_then(|s| s.state.as_ref()).map_or_else(
                || "Waiting".to_string(),
                |s| {
                    if let Some(w) = &s.waiting {
                        format!("Waiting: {}", w.reason.clone().unwrap_or_default())
                    } else if let Some(t) = s.running.as_ref().and_then(|r| r.started_at.as_ref()) {
                        format!("Running since {}", clock_text(SimTime::from_time(t)))
                    } else if let Some(t) = &s.terminated {
                        let reason = t.reason.clone().unwrap_or_default();
                        format!("Terminated: {reason} (exit code {})", t.exit_code)
                    } else {
                        "Running".into()
                    }
                },
            );
            let name = if init {
                format!("{} (init)", c.name)
            } else {
                c.name.clone()
            };
            (
                c.name.clone(),
                vec![
                    text(name),
                    text(c.image.clone().unwrap_or_default()),
                    text(state),
                    text(st.is_some_and(|s| s.ready).to_string()),
                    text(st.map_or(0, |s| s.restart_count).to_string()),
                ],
            )
        });
    section(
        "Containers",
        table(
            "containers",
            &["Name", "Image", "State", "Ready", "Restarts"],
            rows,
        ),
    )
}

/// An object's `status.conditions` (pods' and nodes' are different types with the same
/// fields) as the conditions table.
macro_rules! conditions_of {
    ($object:expr) => {{
        let list = $object
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten();
        conditions(list.map(|c| {
            let (reason, message) = (c.reason.as_ref(), c.message.as_ref());
            (c.type_.as_str(), c.status.as_str(), reason, message)
        }))
    }};
}

/// Pod or node conditions: type, status, reason, message.
fn conditions<'a>(
    list: impl Iterator<Item = (&'a str, &'a str, Option<&'a String>, Option<&'a String>)>,
) -> Html {
    let rows = list.map(|(t, status, reason, message)| {
        (
            t.to_string(),
            vec![
                text(t.to_string()),
                text(status.to_string()),
                text(reason.cloned().unwrap_or_default()),
                text(message.cloned().unwrap_or_default()),
            ],
        )
    });
    section(
        "Conditions",
        table("conditions", &["Type", "Status", "Reason", "Message"], rows),
    )
}

/// Each probe of each container, as the kubelet's prober keeps it: the last result,
/// the consecutive successes or failures, and when it runs next.
fn probes_section(app: &Ctx, key: &str) -> Html {
    let Some((ns, name)) = key.split_once('/') else {
        return Html::default();
    };
    let probes = app.cluster.probe_status(ns, name);
    if probes.is_empty() {
        return Html::default();
    }
    let now = app.cluster.now();
    let rows = probes.iter().map(|p| {
        let (class, last) = match &p.last {
            None => ("", "not run yet".to_string()),
            Some(ProbeResult::Success) => ("pass", "success".to_string()),
            Some(ProbeResult::Warning(w)) => ("pass", format!("success (warning: {w})")),
            Some(ProbeResult::Failure(why)) => ("fail", format!("failure: {}", why.trim_end())),
        };
        let streak = match (p.successes, p.failures) {
            (0, 0) => String::new(),
            (s, 0) => format!("{s} ok in a row"),
            (_, f) => format!("{f} failed in a row"),
        };
        let next = match p.next {
            Some(t) if t.0 > now.0 => format!("in {}s", (t.0 - now.0).div_ceil(1000)),
            Some(_) => "now".to_string(),
            None => "on hold".to_string(),
        };
        let outcome = match p.result {
            Some(true) => "passing",
            Some(false) => "failing",
            None => "unknown",
        };
        (
            format!("{}/{}", p.container, p.kind.title().to_lowercase()),
            vec![
                text(p.container.clone()),
                text(p.kind.title().to_string()),
                html! { <span class={classes!("probe-last", class)} data-probe-last="">{ last }</span> },
                text(streak),
                text(outcome.to_string()),
                text(next),
            ],
        )
    });
    section(
        "Probes",
        table(
            "probes",
            &[
                "Container",
                "Probe",
                "Last result",
                "Streak",
                "Acted on",
                "Next run",
            ],
            rows,
        ),
    )
}

fn conditions_section(pod: &Pod) -> Html {
    conditions_of!(pod)
}

/// An object's events: type, reason, from, message.
fn events_table(events: &[&podlab_core::model::Event]) -> Html {
    table(
        "events",
        &["Type", "Reason", "From", "Message"],
        events.iter().map(|e| {
            let reason = e.reason.clone().unwrap_or_default();
            (
                reason.clone(),
                vec![
                    text(e.type_.clone().unwrap_or_default()),
                    text(reason),
                    text(
                        e.source
                            .as_ref()
                            .and_then(|s| s.component.clone())
                            .unwrap_or_default(),
                    ),
                    text(e.message.clone().unwrap_or_default()),
                ],
            )
        }),
    )
}

fn section(title: &str, body: Html) -> Html {
    html! { <section><h3>{ title }</h3>{ body }</section> }
}

fn text(s: String) -> Html {
    html! { { s } }
}

/// A table the inspector draws: `data-table={name}`, each row `data-row={key}`.
fn table(name: &str, headers: &[&str], rows: impl Iterator<Item = (String, Vec<Html>)>) -> Html {
    html! {
        <table class="events" data-table={name.to_string()}>
            <thead><tr>{ for headers.iter().map(|h| html! { <th>{ *h }</th> }) }</tr></thead>
            <tbody>
            { for rows.map(|(key, cells)| html! {
                <tr data-row={key}>{ for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }</tr>
            }) }
            </tbody>
        </table>
    }
}

/// The environment each container was started with, as the kubelet resolved it
/// (fieldRef, resourceFieldRef, `$(VAR)`, Service variables, the image's own).
fn env_section(app: &Ctx, pod: &Pod) -> Html {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let containers = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers));
    html! {
        <section class="env" data-env="">
            <h3>{"Environment (as resolved)"}</h3>
            { for containers.map(|c| {
                let env = app.cluster.environment(ns, name, &c.name);
                html! {
                    <details data-env-container={c.name.clone()}>
                        <summary>{ &c.name }</summary>
                        { match env {
                            Some(vars) => html! {
                                <pre>{ vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect::<String>() }</pre>
                            },
                            None => html! { <p class="hint">{"Not started yet."}</p> },
                        } }
                    </details>
                }
            }) }
        </section>
    }
}

/// The page each declared container port serves, fetched on the pod's node (pod IPs
/// answer there), in the same sandboxed frame as the browser tab.
fn served_section(app: &Ctx, pod: &Pod, key: &str) -> Html {
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
    let ports: Vec<i32> = pod
        .spec
        .iter()
        .flat_map(|s| &s.containers)
        .flat_map(|c| c.ports.iter().flatten())
        .filter(|p| p.protocol.as_deref().unwrap_or("TCP") == "TCP")
        .map(|p| p.container_port)
        .collect();
    let (Some(ip), false) = (ip, ports.is_empty()) else {
        return Html::default();
    };
    let shown = app.st.served.as_ref().filter(|(k, _, _)| k == key);
    html! {
        <section class="served" data-served="">
            <h3>{"Served page"}</h3>
            <div class="served-actions">
            { for ports.iter().map(|port| {
                let url = format!("http://{ip}:{port}/");
                let (k, u) = (key.to_string(), url.clone());
                html! { <button data-action="served" data-url={url.clone()} onclick={app.send.reform(move |_| Msg::Served(k.clone(), u.clone()))}>{ format!("Open {url}") }</button> }
            }) }
            </div>
            { for shown.map(|(_, url, page)| html! {
                <>
                    <p class="hint">{ format!("{url}, fetched on the pod's node") }</p>
                    { frame(page) }
                </>
            }) }
        </section>
    }
}

fn node_inspector(app: &Ctx, name: &str) -> Html {
    let Some(node) = app.cluster.api().nodes.get("", name) else {
        return gone(&format!("node/{name}"), app);
    };
    let n = name.to_string();
    let kubectl = |args: Vec<String>| app.send.reform(move |_| Msg::Kubectl(args.clone()));
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    let (running, _) = app.cluster.kubelet_state(name);
    let pods: Vec<&Pod> = app
        .cluster
        .pods()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name))
        .collect();
    let label_input = app.send.reform(|e: InputEvent| {
        let i: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::NodeLabelInput(i.value())
    });
    let taint_input = app.send.reform(|e: InputEvent| {
        let i: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::NodeTaintInput(i.value())
    });
    // The buttons and Enter read the fields when pressed.
    let label = {
        let n = n.clone();
        app.send
            .reform(move |_: MouseEvent| Msg::LabelNode(n.clone()))
    };
    let taint = {
        let n = n.clone();
        app.send
            .reform(move |_: MouseEvent| Msg::TaintNode(n.clone()))
    };
    let label_enter = {
        let n = n.clone();
        keys(app.send, move |e: KeyboardEvent| {
            (e.key() == "Enter").then(|| Msg::LabelNode(n.clone()))
        })
    };
    let taint_enter = {
        let n = n.clone();
        keys(app.send, move |e: KeyboardEvent| {
            (e.key() == "Enter").then(|| Msg::TaintNode(n.clone()))
        })
    };
    html! {
        <aside class="inspector" aria-label="Inspector" data-inspect={format!("node/{name}")} onkeydown={on_escape(app.send)}>
            <div class="inspector-title"><h2>{ format!("node/{name}") }</h2>{ close_button(app.send) }{ app.focus.clone() }</div>
            <div class="node-actions">
                <button data-action="cordon" onclick={kubectl(vec![if cordoned { "uncordon" } else { "cordon" }.into(), n.clone()])}>
                    { if cordoned { "Uncordon" } else { "Cordon" } }
                </button>
                <button data-action="drain" onclick={kubectl(vec!["drain".into(), n.clone(), "--ignore-daemonsets".into(), "--delete-emptydir-data".into(), "--force".into()])}>{"Drain"}</button>
                <button data-action="kubelet" onclick={app.send.reform({ let n = n.clone(); move |_| Msg::Kubelet(n.clone(), !running) })}
                    title="systemctl stop / start kubelet: stopped, the node goes NotReady after 50 s and its pods are evicted after 5 min">
                    { if running { "Make NotReady (stop kubelet)" } else { "Start kubelet" } }
                </button>
            </div>
            { for app.st.action_result.as_ref().map(|(text, err)| html! {
                <pre class={classes!("result", err.then_some("error"))} data-action-result="">{ text }</pre>
            }) }
            <h3>{"Labels"}</h3>
            { table("labels", &["Key", "Value", ""], labels.iter().map(|(k, v)| {
                let remove = html! {
                    <button class="small" title={format!("kubectl label node {name} {k}-")}
                        onclick={kubectl(vec!["label".into(), "node".into(), n.clone(), format!("{k}-")])}>{"Remove"}</button>
                };
                (k.clone(), vec![text(k.clone()), text(v.clone()), remove])
            })) }
            <div class="inline-form">
                <input data-node-label="" type="text" spellcheck="false" placeholder="disktype=ssd" aria-label="Label (key=value)"
                    value={app.st.label_input.clone()} oninput={label_input} onkeydown={label_enter} />
                <button data-action="label" onclick={label}>{"Label"}</button>
            </div>
            <h3>{"Taints"}</h3>
            <ul class="taints" data-taints="">
                { for taints.iter().map(|t| {
                    let text = match &t.value {
                        Some(v) if !v.is_empty() => format!("{}={}:{}", t.key, v, t.effect),
                        _ => format!("{}:{}", t.key, t.effect),
                    };
                    let remove = format!("{}:{}-", t.key, t.effect);
                    html! {
                        <li class="taint" data-taint={t.key.clone()}>{ text }
                            <button class="small" title={format!("kubectl taint nodes {name} {remove}")} onclick={kubectl(vec!["taint".into(), "nodes".into(), n.clone(), remove.clone()])}>{"×"}</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="inline-form">
                <input data-node-taint="" type="text" spellcheck="false" placeholder="key=value:NoSchedule" aria-label="Taint (key=value:Effect)"
                    value={app.st.taint_input.clone()} oninput={taint_input} onkeydown={taint_enter} />
                <button data-action="taint" onclick={taint}>{"Taint"}</button>
            </div>
            { node_conditions(node) }
            { capacity(node) }
            <h3>{ format!("Pods ({})", pods.len()) }</h3>
            <ul class="node-pods">
                { for pods.iter().map(|p| {
                    let key = format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or_default(), p.metadata.name.as_deref().unwrap_or_default());
                    let k = key.clone();
                    html! { <li><button class="link" onclick={app.send.reform(move |_| Msg::Select(k.clone()))}>{ key }</button>{ format!(" {}", printers::pod_status(p)) }</li> }
                }) }
            </ul>
        </aside>
    }
}

fn node_conditions(node: &Node) -> Html {
    conditions_of!(node)
}

fn capacity(node: &Node) -> Html {
    let status = node.status.as_ref();
    let cap = status.and_then(|s| s.capacity.clone()).unwrap_or_default();
    let alloc = status
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    let keys = podlab_core::sort::collect_set(cap.keys().chain(alloc.keys()));
    let amount = |m: &std::collections::BTreeMap<String, podlab_core::model::Quantity>, k: &str| {
        text(m.get(k).map(|q| q.0.clone()).unwrap_or_default())
    };
    let rows = keys.into_iter().map(|k| {
        (
            k.clone(),
            vec![text(k.clone()), amount(&cap, k), amount(&alloc, k)],
        )
    });
    section(
        "Capacity",
        table("capacity", &["Resource", "Capacity", "Allocatable"], rows),
    )
}

/// "Why here?" (or, for a pod no node took, "Why not scheduled?"): plugins × nodes, with each filter's verdict, each score and the total.
fn decision_table(d: &Decision, app: &Ctx) -> Html {
    let filters: Vec<&str> = d.filter_plugins.iter().map(|p| p.as_ref()).collect();
    let scores: Vec<&str> = d.score_plugins().collect();
    let chosen = |node: &str| d.chosen.as_deref() == Some(node);
    let every = app.cluster.sampling() == podlab_core::scheduler::Sampling::Exhaustive;
    html! {
        <section class="decision" data-decision="">
            <h3>{ if d.chosen.is_some() { "Why here?" } else { "Why not scheduled?" } }</h3>
            <p class="counts">{ format!("{} nodes, {} evaluated, {} feasible", d.total_nodes, d.evaluated, d.feasible) }</p>
            <p class="sampling">
                <button data-action="evaluate-every-node" aria-pressed={every.to_string()}
                    title="kube-scheduler stops looking once it has found enough feasible nodes (percentageOfNodesToScore; every node in clusters under 100 nodes). Pressed, the scheduler evaluates every node from the next pod on, so its table explains every node."
                    onclick={app.send.reform(move |_| Msg::EvaluateEveryNode(!every))}>
                    { if every { "Evaluating every node" } else { "Evaluate every node" } }
                </button>
            </p>
            <div class="table-scroll">
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
            </div>
            { for d.failure.as_ref().map(|f| html! { <p class="failure">{ f }</p> }) }
            { for d.preemption.as_ref().map(|c| crate::preemption::section(c, d.chosen.is_some())) }
        </section>
    }
}

/// The last lines each container logged (what `kubectl logs --tail=20` shows).
fn logs_section(app: &Ctx, pod: &Pod) -> Html {
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

/// Where a pod waiting for a node is in the scheduler's queue, and what brings it back.
fn queue_section(app: &Ctx, key: &str) -> Html {
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
