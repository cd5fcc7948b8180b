//! The tools sharing the lower right pane: the browser tab, the git panel (the mock
//! remotes: files, history, edit and commit), the timeline (every event in simulated
//! time), export/import (the scenario for kind; a real cluster's nodes and pods in),
//! and the scheduler's configuration (`scheduler_panel`).

use crate::common::{clock_text, frame, input_value, keys, page_of, Outcome, Page};
use podlab_core::clock::SimTime;
use podlab_core::Cluster;
use yew::prelude::*;

/// The tools sharing the lower right pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Browser,
    Git,
    Timeline,
    Export,
    Scheduler,
}

impl Tool {
    pub const ALL: [Tool; 5] = [
        Tool::Browser,
        Tool::Git,
        Tool::Timeline,
        Tool::Export,
        Tool::Scheduler,
    ];

    /// Its name in `panels=` and `data-tool`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Browser => "browser",
            Tool::Git => "git",
            Tool::Timeline => "timeline",
            Tool::Export => "export",
            Tool::Scheduler => "scheduler",
        }
    }
}

/// The git panel's choices and the file being edited.
#[derive(Default)]
pub struct GitPanel {
    pub repo: Option<String>,
    pub path: String,
    pub text: String,
    /// The file opened is binary (not UTF-8 text, as git and GitHub tell): its path and
    /// size. The panel shows `Binary file` and never commits text over it.
    pub binary: Option<(String, usize)>,
    pub message: String,
    /// git's answer to the last commit, and whether it was an error.
    pub result: Option<(String, bool)>,
}

pub enum Msg {
    /// Which tool the pane shows.
    Tool(Tool),
    /// Open this address in the browser tab.
    Browse(String),
    BrowserUrl(String),
    BrowserGo,
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
    /// A timeline event's pod or node, for the inspector.
    Select(String),
    SelectNode(String),
    /// The scheduler configuration panel.
    Scheduler(crate::scheduler_panel::Msg),
}

pub struct Tools {
    pub tool: Tool,
    /// The browser tab: its address bar and the last page loaded.
    browser_url: String,
    page: Option<Page>,
    /// The address loaded since the app last asked (a lesson's step may be to browse).
    loaded: Option<String>,
    git: GitPanel,
    /// The last export (kind config, manifests), and the text pasted to import.
    exported: Option<(String, String)>,
    import_text: String,
    import_errors: Vec<String>,
    scheduler: crate::scheduler_panel::SchedulerPanel,
    /// The terminal's `kubectl port-forward`, while it runs: the browser reaches
    /// `http://localhost:PORT` through it.
    pub forward: Option<podlab_core::kubectl::port_forward::PortForward>,
    /// The local port of a connection the forward handled since the app last asked.
    handled: Option<u16>,
}

/// What the tools' views read.
struct Ctx<'a> {
    st: &'a Tools,
    cluster: &'a Cluster,
    send: &'a Callback<Msg>,
}

impl Tools {
    pub fn new(tool: Tool) -> Tools {
        Tools {
            tool,
            browser_url: "http://192.168.56.202:30080/".into(),
            page: None,
            loaded: None,
            git: GitPanel::default(),
            exported: None,
            import_text: String::new(),
            import_errors: Vec::new(),
            scheduler: Default::default(),
            forward: None,
            handled: None,
        }
    }

    /// The local port of the connection the port forward handled since the last call.
    pub fn take_handled(&mut self) -> Option<u16> {
        self.handled.take()
    }

    /// The tools' own messages (importing and selecting go through the app).
    pub fn update(&mut self, cluster: &mut Cluster, msg: Msg) -> Outcome {
        match msg {
            Msg::Tool(t) => {
                self.tool = t;
                Outcome::render()
            }
            Msg::Browse(url) => {
                self.browser_url = url;
                self.tool = Tool::Browser;
                self.load_page(cluster);
                Outcome::render()
            }
            Msg::BrowserUrl(url) => {
                self.browser_url = url;
                Outcome::quiet()
            }
            Msg::BrowserGo => {
                self.load_page(cluster);
                Outcome::render()
            }
            Msg::GitRepo(url) => {
                self.open_repo(cluster, url);
                Outcome::render()
            }
            Msg::GitFile(path) => {
                self.open_git_file(cluster, path);
                Outcome::render()
            }
            Msg::GitPath(path) => {
                self.git.path = path;
                Outcome::quiet()
            }
            Msg::GitText(text) => {
                self.git.text = text;
                Outcome::quiet()
            }
            Msg::GitMessage(text) => {
                self.git.message = text;
                Outcome::quiet()
            }
            Msg::GitCommit => {
                self.git.result = Some(self.git_commit(cluster));
                Outcome::saved()
            }
            Msg::Export => {
                self.exported = Some((
                    podlab_core::export::kind_config(cluster),
                    podlab_core::export::manifests(cluster),
                ));
                Outcome::render()
            }
            Msg::ImportText(text) => {
                self.import_text = text;
                Outcome::quiet()
            }
            Msg::Scheduler(msg) => self.scheduler.update(cluster, msg),
            Msg::Import | Msg::Select(_) | Msg::SelectNode(_) => Outcome::quiet(),
        }
    }

    /// Shows a repository in the git panel, with a file open (its index.html, else
    /// its first): a commit never starts from an empty text.
    pub fn open_repo(&mut self, cluster: &Cluster, url: String) {
        self.tool = Tool::Git;
        let files = cluster.git().head_files(&url);
        let first = files
            .iter()
            .find(|(p, _)| p == "index.html")
            .or(files.first())
            .map(|(p, _)| p.clone());
        self.git = GitPanel {
            repo: Some(url),
            ..GitPanel::default()
        };
        if let Some(path) = first {
            self.open_git_file(cluster, path);
        }
    }

    /// Opens a file of the git panel's repository: its text, or that it is binary.
    fn open_git_file(&mut self, cluster: &Cluster, path: String) {
        let data = self
            .git
            .repo
            .as_deref()
            .map(|url| cluster.git().head_files(url))
            .unwrap_or_default()
            .into_iter()
            .find(|(p, _)| *p == path)
            .map(|(_, d)| d)
            .unwrap_or_default();
        let (text, binary) = match String::from_utf8(data) {
            Ok(t) if !t.contains('\0') => (t, None),
            Ok(t) => (String::new(), Some((path.clone(), t.len()))),
            Err(e) => (String::new(), Some((path.clone(), e.as_bytes().len()))),
        };
        self.git.path = path;
        self.git.text = text;
        self.git.binary = binary;
        self.git.result = None;
    }

    /// The address the browser tab loaded since this was last asked.
    pub fn take_loaded(&mut self) -> Option<String> {
        self.loaded.take()
    }

    /// Loads the browser tab's address.
    fn load_page(&mut self, cluster: &mut Cluster) {
        let url = self.browser_url.trim().to_string();
        self.loaded = Some(url.clone());
        let forward = self.forward.clone();
        let get =
            |cluster: &mut Cluster, u: &str| match forward.as_ref().and_then(|f| f.get(cluster, u))
            {
                Some(response) => (response, true),
                None => (cluster.http_get(u), false),
            };
        let (response, forwarded) = get(cluster, &url);
        if forwarded {
            self.handled = podlab_core::net::parse_url(&url).ok().map(|u| u.port);
        }
        self.page = Some(page_of(&url, response, &mut |u| get(cluster, u).0.ok()));
    }

    /// Commits the git panel's file to its repository (the mock remote: committing
    /// there is pushing), as the person editing the lesson's site would.
    fn git_commit(&mut self, cluster: &mut Cluster) -> (String, bool) {
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
        let now = cluster.now();
        let git = cluster.git_mut();
        // A binary file is shown, not edited: committing keeps its bytes.
        let keep = self.git.binary.as_ref().is_some_and(|(p, _)| *p == path);
        let staged = if keep {
            Ok(())
        } else {
            git.put(&url, &path, self.git.text.as_bytes())
        };
        let done = staged.and_then(|()| {
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

    /// The cluster made of the nodes and pods pasted (the output of `kubectl get
    /// nodes,pods -o yaml` from a real cluster), to replace the app's; a paste that
    /// cannot be read gives none, and says why.
    pub fn import(&mut self) -> Option<Cluster> {
        let mut cluster = Cluster::empty(1);
        match cluster.create_from_text("import.yaml", &self.import_text) {
            Err(rejected) => {
                self.import_errors = rejected.diagnostics.iter().map(|d| d.to_string()).collect();
                None
            }
            Ok(applied) => {
                let errors: Vec<String> = applied
                    .iter()
                    .filter(|a| a.result.is_err())
                    .map(|a| a.message())
                    .collect();
                if cluster.nodes().count() == 0 {
                    self.import_errors = vec![
                        "error: import.yaml has no Node: paste the output of kubectl get nodes,pods -o yaml".into(),
                    ];
                    return None;
                }
                cluster.advance(0);
                self.import_errors = errors;
                self.exported = None;
                Some(cluster)
            }
        }
    }

    /// The tools `shows` names (`browser`, `git`, ...), with the chosen one open.
    pub fn view(
        &self,
        cluster: &Cluster,
        send: &Callback<Msg>,
        shows: &dyn Fn(&str) -> bool,
        focus: &crate::panes::Focus,
    ) -> Html {
        tools(
            &Ctx {
                st: self,
                cluster,
                send,
            },
            shows,
            focus,
        )
    }
}

fn tools(app: &Ctx, shows: &dyn Fn(&str) -> bool, focus: &crate::panes::Focus) -> Html {
    let shown: Vec<Tool> = Tool::ALL.into_iter().filter(|t| shows(t.name())).collect();
    if shown.is_empty() {
        return Html::default();
    }
    let body = match app.st.tool {
        Tool::Browser => browser(app),
        Tool::Git => git(app),
        Tool::Timeline => timeline(app),
        Tool::Export => export(app),
        Tool::Scheduler => app
            .st
            .scheduler
            .view(app.cluster, &app.send.reform(Msg::Scheduler)),
    };
    html! {
        <section class="tools" data-tools={app.st.tool.name()} aria-label="Tools">
            <div class="tabs" role="tablist">
                { for shown.iter().map(|t| {
                    let t = *t;
                    let label = match t {
                        Tool::Browser => "Browser",
                        Tool::Git => "Git",
                        Tool::Timeline => "Timeline",
                        Tool::Export => "Export / import",
                        Tool::Scheduler => "Scheduler",
                    };
                    html! {
                        <button role="tab" data-tool={t.name()} aria-selected={(app.st.tool == t).to_string()}
                            class={classes!((app.st.tool == t).then_some("active"))}
                            onclick={app.send.reform(move |_| Msg::Tool(t))}>{ label }</button>
                    }
                }) }
                { focus.control(crate::panes::Pane::Tools) }
            </div>
            { body }
        </section>
    }
}

/// The browser tab: an address bar and the page.
fn browser(app: &Ctx) -> Html {
    let oninput = app.send.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::BrowserUrl(input.value())
    });
    let onkeydown = keys(app.send, |e: KeyboardEvent| {
        (e.key() == "Enter").then_some(Msg::BrowserGo)
    });
    let go = app.send.reform(|_| Msg::BrowserGo);
    html! {
        <div class="browser" data-browser="">
            <div class="address">
                <input data-browser-url="" type="url" spellcheck="false" aria-label="Address"
                    value={app.st.browser_url.clone()} {oninput} {onkeydown} />
                <button data-action="browse" onclick={go}>{"Go"}</button>
            </div>
            { match &app.st.page {
                None => html! { <p class="muted">{"Open a NodePort: http://NODE_IP:NODE_PORT/ (kubectl get svc shows the port)."}</p> },
                Some(page) => frame(page),
            } }
        </div>
    }
}

/// The mock remotes: pick one; its history and files; edit a file (or name a new one)
/// and commit it, which is pushing (pods pulling from it see the change).
fn git(app: &Ctx) -> Html {
    let remotes = app.cluster.git();
    let repos: Vec<&podlab_core::git::Repo> = remotes.repos().collect();
    if repos.is_empty() {
        return html! { <div class="git" data-git=""><p class="muted">{"No repositories yet: open a lesson that clones one, or run podlab git init URL."}</p></div> };
    }
    let current = app.st.git.repo.as_deref().and_then(|u| remotes.repo(u));
    let choose = |url: String| app.send.reform(move |_| Msg::GitRepo(url.clone()));
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
                            let open = app.st.git.path == path;
                            html! { <button class={classes!("small", open.then_some("active"))} data-git-file={path.clone()}
                                onclick={app.send.reform(move |_| Msg::GitFile(path.clone()))}>{ *p }</button> }
                        }) }
                    </div>
                    <div class="git-edit">
                        <input data-git-path="" type="text" spellcheck="false" placeholder="index.html" aria-label="File path"
                            value={app.st.git.path.clone()} oninput={app.send.reform(|e| Msg::GitPath(input_value(e)))} />
                        <div class="inline-form">
                            <input data-git-message="" type="text" placeholder="Commit message" aria-label="Commit message"
                                value={app.st.git.message.clone()} oninput={app.send.reform(|e| Msg::GitMessage(input_value(e)))}
                                onkeydown={keys(app.send, |e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::GitCommit))} />
                            <button class="primary" data-action="commit" onclick={app.send.reform(|_| Msg::GitCommit)}>{"Commit and push"}</button>
                        </div>
                        { for app.st.git.result.as_ref().map(|(text, err)| html! {
                            <pre class={classes!("result", err.then_some("error"))} data-git-result="">{ text }</pre>
                        }) }
                        { match app.st.git.binary.as_ref().filter(|(p, _)| *p == app.st.git.path) {
                            Some((_, size)) => html! {
                                <p class="git-binary muted" data-git-binary={size.to_string()}>{"Binary file"}<span>{ format!(" ({size} bytes)") }</span></p>
                            },
                            None => html! {
                                <textarea data-git-text="" spellcheck="false" aria-label="File contents" wrap="off"
                                    value={app.st.git.text.clone()} oninput={app.send.reform(|e| Msg::GitText(input_value(e)))} />
                            },
                        } }
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
                    let active = app.st.git.repo.as_deref() == Some(r.url.as_str());
                    html! { <button class={classes!("small", active.then_some("active"))} data-git-repo={r.url.clone()} onclick={choose(r.url.clone())}>{ &r.url }</button> }
                }) }
            </div>
            { body }
        </div>
    }
}

/// Every event in the cluster, newest first, at its simulated time; an event's object
/// opens in the inspector.
fn timeline(app: &Ctx) -> Html {
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
                        Some(app.send.reform(move |_: MouseEvent| Msg::Select(k.clone())))
                    }
                    "Node" => {
                        let n = name.clone();
                        Some(app.send.reform(move |_: MouseEvent| Msg::SelectNode(n.clone())))
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
fn export(app: &Ctx) -> Html {
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
            <button data-action="export" onclick={app.send.reform(|_| Msg::Export)}>{"Export for kind"}</button>
            { for app.st.exported.as_ref().map(|(kind, manifests)| html! {
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
                value={app.st.import_text.clone()} oninput={app.send.reform(|e| Msg::ImportText(input_value(e)))} />
            <button data-action="import" onclick={app.send.reform(|_| Msg::Import)}>{"Load as the cluster"}</button>
            { for app.st.import_errors.iter().map(|e| html! { <pre class="result error" data-import-error="">{ e }</pre> }) }
        </div>
    }
}
