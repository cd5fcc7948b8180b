//! The tools sharing the lower right pane: the browser tab, the git panel (the mock
//! remotes: files, history, edit and commit), the timeline (every event in simulated
//! time), and export/import (the scenario for kind; a real cluster's nodes and pods in).

use crate::view::clock_text;
use crate::{App, Msg, Page, Tool};
use podlab_core::clock::SimTime;
use yew::prelude::*;

pub fn tools(app: &App, link: &yew::html::Scope<App>) -> Html {
    let shown: Vec<Tool> = Tool::ALL
        .into_iter()
        .filter(|t| app.options.shows(t.name()))
        .collect();
    if shown.is_empty() {
        return Html::default();
    }
    let body = match app.tool {
        Tool::Browser => browser(app, link),
        Tool::Git => git(app, link),
        Tool::Timeline => timeline(app, link),
        Tool::Export => export(app, link),
    };
    html! {
        <section class="tools" data-tools={app.tool.name()} aria-label="Tools">
            <div class="tabs" role="tablist">
                { for shown.iter().map(|t| {
                    let t = *t;
                    let label = match t {
                        Tool::Browser => "Browser",
                        Tool::Git => "Git",
                        Tool::Timeline => "Timeline",
                        Tool::Export => "Export / import",
                    };
                    html! {
                        <button role="tab" data-tool={t.name()} aria-selected={(app.tool == t).to_string()}
                            class={classes!((app.tool == t).then_some("active"))}
                            onclick={link.callback(move |_| Msg::Tool(t))}>{ label }</button>
                    }
                }) }
            </div>
            { body }
        </section>
    }
}

/// A loaded page in a sandboxed frame (no scripts, no access to the app's origin), or
/// the browser's error text.
pub fn frame(page: &Page) -> Html {
    match page {
        Page::Failed(msg) => html! {
            <p class="browser-error" data-browser-error="">{ msg.clone() }</p>
        },
        Page::Loaded {
            status,
            reason,
            content_type,
            body,
        } => {
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
    }
}

/// The browser tab: an address bar and the page.
fn browser(app: &App, link: &yew::html::Scope<App>) -> Html {
    let oninput = link.callback(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::BrowserUrl(input.value())
    });
    let onkeydown =
        link.batch_callback(|e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::BrowserGo));
    let go = link.callback(|_| Msg::BrowserGo);
    html! {
        <div class="browser" data-browser="">
            <div class="address">
                <input data-browser-url="" type="url" spellcheck="false" aria-label="Address"
                    value={app.browser_url.clone()} {oninput} {onkeydown} />
                <button data-action="browse" onclick={go}>{"Go"}</button>
            </div>
            { match &app.page {
                None => html! { <p class="muted">{"Open a NodePort: http://NODE_IP:NODE_PORT/ (kubectl get svc shows the port)."}</p> },
                Some(page) => frame(page),
            } }
        </div>
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn input_value(e: InputEvent) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(|a| a.value())
                })
        })
        .unwrap_or_default()
}

/// The mock remotes: pick one; its history and files; edit a file (or name a new one)
/// and commit it, which is pushing (pods pulling from it see the change).
fn git(app: &App, link: &yew::html::Scope<App>) -> Html {
    let remotes = app.cluster.git();
    let repos: Vec<&podlab_core::git::Repo> = remotes.repos().collect();
    if repos.is_empty() {
        return html! { <div class="git" data-git=""><p class="muted">{"No repositories yet: open a lesson that clones one, or run podlab git init URL."}</p></div> };
    }
    let current = app.git.repo.as_deref().and_then(|u| remotes.repo(u));
    let choose = |url: String| link.callback(move |_| Msg::GitRepo(url.clone()));
    let body = match current {
        None => html! { <p class="muted">{"Choose a repository."}</p> },
        Some(repo) => {
            let head = repo.head();
            let files: Vec<&String> = head.map(|h| h.files.keys().collect()).unwrap_or_default();
            let history = head.map(|h| repo.history(&h.id)).unwrap_or_default();
            html! {
                <>
                    <div class="git-files" data-git-files="">
                        { for files.iter().map(|p| {
                            let path = (*p).clone();
                            let open = app.git.path == path;
                            html! { <button class={classes!("small", open.then_some("active"))} data-git-file={path.clone()}
                                onclick={link.callback(move |_| Msg::GitFile(path.clone()))}>{ *p }</button> }
                        }) }
                    </div>
                    <div class="git-edit">
                        <input data-git-path="" type="text" spellcheck="false" placeholder="index.html" aria-label="File path"
                            value={app.git.path.clone()} oninput={link.callback(|e| Msg::GitPath(input_value(e)))} />
                        <textarea data-git-text="" spellcheck="false" aria-label="File contents" wrap="off"
                            value={app.git.text.clone()} oninput={link.callback(|e| Msg::GitText(input_value(e)))} />
                        <div class="inline-form">
                            <input data-git-message="" type="text" placeholder="Commit message" aria-label="Commit message"
                                value={app.git.message.clone()} oninput={link.callback(|e| Msg::GitMessage(input_value(e)))}
                                onkeydown={link.batch_callback(|e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::GitCommit))} />
                            <button class="primary" data-action="commit" onclick={link.callback(|_| Msg::GitCommit)}>{"Commit and push"}</button>
                        </div>
                        { for app.git.result.as_ref().map(|(text, err)| html! {
                            <pre class={classes!("result", err.then_some("error"))} data-git-result="">{ text }</pre>
                        }) }
                    </div>
                    <h3>{ format!("History of {}", repo.current_branch()) }</h3>
                    <ol class="git-log" data-git-log="">
                        { for history.iter().map(|c| html! {
                            <li><code>{ &c.id[..7.min(c.id.len())] }</code>{ " " }{ c.message.lines().next().unwrap_or_default() }
                                <span class="muted">{ format!(" — {} at {}", c.author, clock_text(c.time)) }</span></li>
                        }) }
                    </ol>
                </>
            }
        }
    };
    html! {
        <div class="git" data-git="">
            <div class="git-repos">
                { for repos.iter().map(|r| {
                    let active = app.git.repo.as_deref() == Some(r.url.as_str());
                    html! { <button class={classes!("small", active.then_some("active"))} data-git-repo={r.url.clone()} onclick={choose(r.url.clone())}>{ &r.url }</button> }
                }) }
            </div>
            { body }
        </div>
    }
}

/// Every event in the cluster, newest first, at its simulated time; an event's object
/// opens in the inspector.
fn timeline(app: &App, link: &yew::html::Scope<App>) -> Html {
    const SHOWN: usize = 200;
    // The newest SHOWN by time, then resourceVersion, kept in order as the events are
    // read: a busy cluster has thousands and the pane redraws every tick, so they are
    // not all sorted (and few come in newer than the oldest one kept).
    let mut events: Vec<((SimTime, u64), &podlab_core::model::Event)> =
        Vec::with_capacity(SHOWN + 1);
    for e in app.cluster.api().events.list() {
        let time = e
            .last_timestamp
            .as_ref()
            .or(e.first_timestamp.as_ref())
            .map(SimTime::from_time)
            .unwrap_or_default();
        let rv = e
            .metadata
            .resource_version
            .as_deref()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let key = (time, rv);
        if events.len() == SHOWN && events.last().is_some_and(|(oldest, _)| *oldest >= key) {
            continue;
        }
        let at = events.partition_point(|(k, _)| *k > key);
        events.insert(at, (key, e));
        events.truncate(SHOWN);
    }
    html! {
        <div class="timeline" data-timeline="">
            <div class="timeline-clock">
                <span>{ format!("Now {}", clock_text(app.cluster.now())) }</span>
                { match app.cluster.next_event_time() {
                    Some(t) => html! { <span class="muted">{ format!(" · next due {}", clock_text(t)) }</span> },
                    None => Html::default(),
                } }
            </div>
            <ol>
            { for events.iter().map(|((t, _), e)| {
                let o = &e.involved_object;
                let kind = o.kind.clone().unwrap_or_default();
                let name = o.name.clone().unwrap_or_default();
                let ns = o.namespace.clone().unwrap_or_default();
                let select = match kind.as_str() {
                    "Pod" => {
                        let k = format!("{ns}/{name}");
                        Some(link.callback(move |_: MouseEvent| Msg::Select(k.clone())))
                    }
                    "Node" => {
                        let n = name.clone();
                        Some(link.callback(move |_: MouseEvent| Msg::SelectNode(n.clone())))
                    }
                    _ => None,
                };
                let label = format!("{}/{}", kind.to_lowercase(), name);
                let warning = e.type_.as_deref() == Some("Warning");
                let count = e.count.unwrap_or(1);
                html! {
                    <li class={classes!(warning.then_some("warning"))} data-event={e.reason.clone().unwrap_or_default()}>
                        <span class="time">{ clock_text(*t) }</span>
                        <span class="reason">{ e.reason.clone().unwrap_or_default() }</span>
                        { match select {
                            Some(onclick) => html! { <button class="link" {onclick}>{ label }</button> },
                            None => html! { <span>{ label }</span> },
                        } }
                        <span class="message">{ e.message.clone().unwrap_or_default() }</span>
                        if count > 1 { <span class="muted">{ format!(" (x{count})") }</span> }
                    </li>
                }
            }) }
            </ol>
        </div>
    }
}

/// The scenario for a real cluster (a kind config, the manifests), and a real cluster
/// brought in: the output of `kubectl get nodes,pods -o yaml`.
fn export(app: &App, link: &yew::html::Scope<App>) -> Html {
    let download = |name: &str, text: &str| {
        let href = format!(
            "data:text/yaml;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(text))
        );
        html! { <a class="download" download={name.to_string()} href={href} data-download={name.to_string()}>{ format!("Download {name}") }</a> }
    };
    html! {
        <div class="export" data-export="">
            <p class="muted">{"Replay this cluster on a real one: kind create cluster --config kind.yaml, then kubectl apply -f manifests.yaml."}</p>
            <button data-action="export" onclick={link.callback(|_| Msg::Export)}>{"Export for kind"}</button>
            { for app.exported.as_ref().map(|(kind, manifests)| html! {
                <>
                    <h3>{"kind.yaml"}{ download("kind.yaml", kind) }</h3>
                    <pre class="exported" data-exported="kind">{ kind }</pre>
                    <h3>{"manifests.yaml"}{ download("manifests.yaml", manifests) }</h3>
                    <pre class="exported" data-exported="manifests">{ manifests }</pre>
                </>
            }) }
            <h3>{"Import a real cluster"}</h3>
            <p class="muted">{"Paste the output of kubectl get nodes,pods -o yaml: its nodes become the cluster (bound pods count against them); then apply a pod to see where it would land."}</p>
            <textarea data-import="" spellcheck="false" wrap="off" aria-label="kubectl get nodes,pods -o yaml"
                value={app.import_text.clone()} oninput={link.callback(|e| Msg::ImportText(input_value(e)))} />
            <button data-action="import" onclick={link.callback(|_| Msg::Import)}>{"Load as the cluster"}</button>
            { for app.import_errors.iter().map(|e| html! { <pre class="result error" data-import-error="">{ e }</pre> }) }
        </div>
    }
}
