//! Terminal sessions on the nodes: a login shell as `k8s` on a node (the chapter's
//! `k8s@k8s-master-01:~$`), nested shells from `sudo -i` and `ssh`, kubectl on the
//! control plane. The shell is the same one containers run; here it sees the node's
//! disk, the node's network, and the cluster through kubectl. This is where the shell,
//! kubectl and the kubelet's `exec` meet: a following kubectl command or a shell in a
//! container takes the terminal over, and the session keeps it.

pub mod complete;
mod crictl;
mod crictl_exec;
mod crictl_inspect;
pub mod editor;
mod programs;
mod script;

use crate::cluster::Cluster;
use crate::fs::{normalize, Filesystems, Mount, User, View};
use crate::git::{GitHost, Remotes};
use crate::kubectl::Follow;
use crate::kubelet::exec::ExecSession;
use crate::kubelet::volumes;
use crate::kubelet::Origin;
use crate::net::servers::Reply;
use crate::net::{HttpRequest, HttpResponse, NetError, NetHost};
use crate::shell::exec::{Flow, Io, Parts};
use crate::shell::programs::Found;
use crate::shell::{Chunks, Host, Process, Request, Spawn, Stream, System};
use serde::{Deserialize, Serialize};

/// `ssh NODE CMD` inside `ssh NODE CMD` ... stops this deep (a script that ssh-es
/// into itself would otherwise never end).
const MAX_SSH_DEPTH: u32 = 8;

const K8S: User = User {
    uid: 1000,
    gid: 1000,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Shell {
    node: String,
    process: Process,
}

/// A terminal: a stack of shells (login, then `sudo -i` or `ssh` on top), and above
/// them a shell in a container while `kubectl exec -it` runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    stack: Vec<Shell>,
    #[serde(default)]
    exec: Option<Box<ExecSession>>,
    /// The container id the shell in a container was opened by with `crictl exec -it`
    /// (crictl, not kubectl, then reports how it ended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exec_by_crictl: Option<String>,
    /// The last line logged out of the outermost shell (a fresh login took its place).
    #[serde(skip)]
    logged_out: bool,
    /// A following command (`kubectl logs -f`, `get -w`, `events -w`, `wait`) still
    /// running in the foreground.
    #[serde(skip)]
    following: Option<Follow>,
    /// The exit status the session's shell ended with: `exit` at the outermost shell,
    /// or the end of a script it read ([`Cluster::terminal_script`]).
    #[serde(skip)]
    ended: Option<i32>,
    /// The lines typed so far of a command still open (a here-document before its
    /// delimiter, an `if` before its `fi`, a quote): bash's `> ` prompt asks for more.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    continued: String,
    /// `kubectl edit` waiting for the editor to save the object.
    #[serde(skip)]
    editing: Option<crate::kubectl::edit::Edit>,
    /// `vi FILE` or `nano FILE` holding the terminal full-screen.
    #[serde(skip)]
    full_screen: Option<Box<FullScreen>>,
}

/// A full-screen editor and whom it writes as: the user and view of the command that
/// started it (`sudo vi` writes as root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FullScreen {
    editor: editor::Editor,
    user: User,
    view: View,
}

/// The node's filesystem as an editor writes to it.
struct NodeDisk<'a> {
    fs: &'a mut Filesystems,
    view: &'a View,
    user: User,
    now: crate::clock::SimTime,
}

impl editor::Disk for NodeDisk<'_> {
    fn write(&mut self, path: &str, data: &[u8]) -> Result<(), crate::fs::Errno> {
        self.fs
            .write(self.view, path, data, false, self.user, self.now)
    }
}

/// Where the lines a shell runs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// Typed at a terminal: a shell leaving says `logout` (and ssh `Connection to NODE
    /// closed.`).
    Terminal,
    /// Read from a pipe or file (`ssh NODE < script`, `ssh NODE CMD`): no terminal, so
    /// nothing is said when a shell leaves.
    Script,
}

/// What took the terminal over from the shell.
pub(crate) enum Takeover {
    /// A following command (`kubectl logs -f`, `get -w`, ...).
    Follow(Follow),
    /// A shell in a container (`kubectl exec -it POD -- sh`).
    Exec(Box<ExecSession>),
    /// The same from `crictl exec -it ID sh`, with the id as typed.
    CrictlExec(Box<ExecSession>, String),
    /// `kubectl edit`: waits for the editor.
    Edit(Box<crate::kubectl::edit::Edit>),
    /// `vi` or `nano`, full-screen.
    Editor(Box<FullScreen>),
}

fn login(node: &str, user: User) -> Shell {
    let (home, name) = if user.uid == 0 {
        ("/root", "root")
    } else {
        ("/home/k8s", "k8s")
    };
    let env = crate::sort::collect_map(
        [
            ("HOME", home),
            ("USER", name),
            ("LOGNAME", name),
            ("SHELL", "/bin/bash"),
            (
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ),
            ("LANG", "C.UTF-8"),
            ("HOSTNAME", node),
            ("PWD", home),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let mut process = Process::login(
        Spawn {
            system: System::Node,
            view: View {
                mounts: vec![Mount {
                    path: "/".into(),
                    tree: volumes::node_tree(node),
                    source: "/".into(),
                    read_only: false,
                }],
            },
            user,
            env,
            cwd: home.to_string(),
        },
        "-bash",
    );
    // The alias the kubectl docs' setup suggests (`k get pods`).
    process.set_alias("k", "kubectl");
    Shell {
        node: node.to_string(),
        process,
    }
}

impl Session {
    /// A login shell as `k8s` on `node`.
    pub fn new(node: &str) -> Session {
        Session {
            stack: vec![login(node, K8S)],
            exec: None,
            exec_by_crictl: None,
            logged_out: false,
            following: None,
            ended: None,
            continued: String::new(),
            editing: None,
            full_screen: None,
        }
    }

    /// Whether a following command (`kubectl logs -f`, `get -w`, ...) holds the terminal.
    pub fn following(&self) -> bool {
        self.following.is_some() || self.editing.is_some()
    }

    /// The forward `kubectl port-forward` keeps while it runs.
    pub fn port_forward(&self) -> Option<&crate::kubectl::port_forward::PortForward> {
        self.following.as_ref()?.port_forward()
    }

    /// The object `kubectl edit` opened, while it waits for the editor to save it.
    pub fn editing(&self) -> Option<&crate::kubectl::edit::Edit> {
        self.editing.as_ref()
    }

    /// The full-screen editor (`vi FILE`, `nano FILE`) holding the terminal: keys go to
    /// it ([`Cluster::terminal_key`]) until it exits.
    pub fn editor(&self) -> Option<&editor::Editor> {
        self.full_screen.as_ref().map(|f| &f.editor)
    }

    /// Ctrl-C: stops the following command; false when nothing was running (then a
    /// command still open is dropped, as bash drops it).
    pub fn interrupt(&mut self) -> bool {
        if self.following.take().is_some() || self.editing.take().is_some() {
            return true;
        }
        self.continued.clear();
        false
    }

    /// Whether the lines typed so far leave a command open (a here-document, an `if`,
    /// a quote): the next line continues it, and is taken as typed (not trimmed).
    pub fn continuing(&self) -> bool {
        !self.continued.is_empty()
    }

    /// The exit status of the last command.
    pub fn last_status(&self) -> i32 {
        if let Some(code) = self.ended {
            return code;
        }
        self.stack.last().map_or(0, |s| s.process.status())
    }

    /// The node the current shell runs on.
    pub fn node(&self) -> &str {
        self.stack.last().map_or("", |s| s.node.as_str())
    }

    /// Whether the last line logged out of the outermost shell (`exit` at the login
    /// shell): a terminal window would close here.
    pub fn logged_out(&self) -> bool {
        self.logged_out
    }

    /// Whether a shell in a container (`kubectl exec -it`) has the terminal.
    pub fn in_container(&self) -> bool {
        self.exec.is_some()
    }

    /// bash's prompt: `k8s@k8s-master-01:~$ `, `root@k8s-worker-01:/var/data# `; a
    /// container shell's own while `kubectl exec -it` runs.
    pub fn prompt(&self) -> String {
        if self.full_screen.is_some() {
            // A full-screen editor has the terminal: no prompt until it exits.
            return String::new();
        }
        if self.continuing() {
            // bash's PS2.
            return "> ".into();
        }
        if let Some(exec) = &self.exec {
            return exec.prompt();
        }
        let Some(s) = self.stack.last() else {
            return "$ ".into();
        };
        let p = &s.process;
        let user = crate::fs::user_name(p.user.uid);
        format!("{user}@{}:{}{} ", s.node, p.prompt_dir(""), p.sigil())
    }
}

/// What a node's shell runs against.
struct NodeHost<'a> {
    cluster: &'a mut Cluster,
    /// How many `ssh NODE CMD` this shell runs inside.
    depth: u32,
    node: String,
    cwd: String,
    view: View,
    /// What a command in this line handed the terminal to.
    takeover: Option<Takeover>,
    /// Whether the line was typed at a terminal or read from a script.
    input: Input,
}

/// `kubectl -f FILE` on a node reads the node's disk (through the view of the shell
/// that runs it, borrowed from the cluster kubectl runs against), and `-f -` what was
/// piped to it.
struct NodeFiles {
    view: View,
    cwd: String,
    /// `None`: kubectl's input is the terminal.
    stdin: Option<Vec<u8>>,
}

impl crate::kubectl::FileSource for NodeFiles {
    fn stdin_is_terminal(&self) -> bool {
        self.stdin.is_none()
    }

    fn stdin_bytes(&self) -> Result<Vec<u8>, crate::kubectl::ReadError> {
        Ok(self.stdin.clone().unwrap_or_default())
    }

    fn read(&self, path: &str) -> Result<String, crate::kubectl::ReadError> {
        match (&self.stdin, path) {
            (Some(data), "-") => Ok(String::from_utf8_lossy(data).into_owned()),
            _ => Err(crate::kubectl::ReadError::NotFound(path.to_string())),
        }
    }

    fn read_in(&self, cluster: &Cluster, path: &str) -> Result<String, crate::kubectl::ReadError> {
        if path == "-" {
            return self.read(path);
        }
        let abs = normalize(&self.cwd, path);
        match cluster.kubelet.fs.read(&self.view, &abs) {
            Ok(d) => Ok(String::from_utf8_lossy(d).into_owned()),
            Err(e) => Err(read_error(path, e)),
        }
    }

    fn read_bytes_in(
        &self,
        cluster: &Cluster,
        path: &str,
    ) -> Result<Vec<u8>, crate::kubectl::ReadError> {
        if path == "-" {
            return self.stdin_bytes();
        }
        let abs = normalize(&self.cwd, path);
        match cluster.kubelet.fs.read(&self.view, &abs) {
            Ok(d) => Ok(d.to_vec()),
            Err(e) => Err(read_error(path, e)),
        }
    }

    fn list_in(
        &self,
        cluster: &Cluster,
        path: &str,
    ) -> Result<Option<Vec<String>>, crate::kubectl::ReadError> {
        if path == "-" {
            return Ok(None);
        }
        let abs = normalize(&self.cwd, path);
        match cluster.kubelet.fs.list(&self.view, &abs) {
            Ok(entries) => Ok(Some(entries.into_iter().map(|(name, _)| name).collect())),
            Err(crate::fs::Errno::NotDir | crate::fs::Errno::NoEnt) => Ok(None),
            Err(e) => Err(read_error(path, e)),
        }
    }
}

/// kubectl's error for a file on a node's disk it cannot open.
fn read_error(path: &str, e: crate::fs::Errno) -> crate::kubectl::ReadError {
    match e {
        crate::fs::Errno::NoEnt | crate::fs::Errno::NotDir => {
            crate::kubectl::ReadError::NotFound(path.to_string())
        }
        e => crate::kubectl::ReadError::Unreadable {
            path: path.to_string(),
            reason: e.to_string().to_lowercase(),
        },
    }
}

impl Host for NodeHost<'_> {
    fn now(&self) -> crate::clock::SimTime {
        self.cluster.now
    }
    fn fs(&mut self) -> &mut Filesystems {
        &mut self.cluster.kubelet.fs
    }
    fn hostname(&self) -> String {
        self.node.clone()
    }
    fn program(&self, system: System, name: &str) -> Option<Found> {
        programs::find(system, name)
    }
    fn run_program(&mut self, at: u32, ex: Parts<'_>, argv: &[String], io: &Io) -> Flow {
        programs::run(self, at, ex, argv, io)
    }
}

impl GitHost for NodeHost<'_> {
    fn git(&mut self) -> &mut Remotes {
        &mut self.cluster.git
    }
}

impl NetHost for NodeHost<'_> {
    fn http(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        let c = &mut *self.cluster;
        c.kubelet
            .request(&c.api, &Origin::Node(self.node.clone()), req, c.now)
    }
    fn redis(&mut self, host: &str, port: u16, args: &[String]) -> Result<Reply, NetError> {
        let c = &mut *self.cluster;
        c.kubelet.redis(
            &c.api,
            &Origin::Node(self.node.clone()),
            host,
            port,
            args,
            0,
        )
    }
    fn connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        let c = &mut *self.cluster;
        c.kubelet
            .connect(&c.api, &Origin::Node(self.node.clone()), host, port)
    }
    fn resolve(&mut self, name: &str) -> Option<String> {
        let c = &*self.cluster;
        c.kubelet
            .resolve(&c.api, &Origin::Node(self.node.clone()), name)
    }
}

impl NodeHost<'_> {
    /// Runs `command` in a login shell on the machine `host` (`ssh HOST CMD`): its
    /// output and exit status, or `None` when no such machine can be reached.
    fn ssh(&mut self, host: &str, command: &str) -> Option<(Chunks, i32)> {
        let target = self.cluster.ssh_target(host)?;
        volumes::ensure_node(&mut self.cluster.kubelet.fs, &target, self.cluster.now);
        if self.depth >= MAX_SSH_DEPTH {
            let msg = format!("podlab: ssh sessions nest more than {MAX_SSH_DEPTH} deep\n");
            return Some((vec![(Stream::Stderr, msg.into_bytes())], 255));
        }
        let mut remote = Session::new(&target);
        let out = self
            .cluster
            .terminal_at(&mut remote, command, self.depth + 1, Input::Script);
        Some((out, remote.last_status()))
    }
    /// A systemd unit of this machine (`kubelet`, `containerd`): whether it is active and
    /// since when; `None` for a unit it does not have.
    fn unit(&mut self, name: &str) -> Option<(bool, crate::clock::SimTime)> {
        match name {
            "kubelet" => Some(self.cluster.kubelet.service_state(&self.node)),
            "containerd" => Some((true, crate::clock::SimTime(0))),
            _ => None,
        }
    }
    /// Starts or stops a unit (as root); false for a unit it does not have.
    fn set_unit(&mut self, name: &str, active: bool) -> bool {
        match name {
            "kubelet" => self.cluster.set_kubelet_running(&self.node, active),
            // The container runtime keeps running here (stopping it is not simulated).
            "containerd" => true,
            _ => false,
        }
    }
    /// Runs kubectl, when this node has it (the control plane). `stdin` is what was
    /// piped to it; `None` when its input is the person's terminal.
    fn kubectl(&mut self, args: &[String], stdin: Option<&[u8]>) -> Option<crate::kubectl::Output> {
        // kubectl is configured on the control plane only.
        let control_plane = self
            .cluster
            .api
            .nodes
            .get("", &self.node)
            .and_then(|n| n.metadata.labels.as_ref())
            .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"));
        if !control_plane {
            return None;
        }
        let files = NodeFiles {
            view: self.view.clone(),
            cwd: self.cwd.clone(),
            stdin: stdin.map(<[u8]>::to_vec),
        };
        Some(crate::kubectl::run(self.cluster, args, &files))
    }
}

impl Cluster {
    /// Writes a file on a node's disk as user k8s would (the web editor's files live
    /// in /home/k8s on the control plane, so `kubectl create -f pod.yaml` finds them).
    pub fn put_node_file(
        &mut self,
        node: &str,
        path: &str,
        data: &[u8],
    ) -> Result<(), crate::fs::Errno> {
        volumes::ensure_node(&mut self.kubelet.fs, node, self.now);
        let view = login(node, K8S).process.view;
        self.kubelet
            .fs
            .write(&view, path, data, false, K8S, self.now)
    }

    /// Runs one line typed at the session's current shell; returns what it printed.
    /// A line that leaves a command open (a here-document before its delimiter, an
    /// `if` before its `fi`) prints nothing: the session's prompt becomes `> ` and the
    /// next lines continue the command until it is whole.
    pub fn terminal(&mut self, session: &mut Session, line: &str) -> Vec<(Stream, Vec<u8>)> {
        if session.full_screen.is_some() {
            // A terminal that sends lines (the CLI's): each line is keys, then Enter.
            for key in editor::Key::parse(format!("{line}\n").as_bytes()) {
                self.terminal_key(session, key);
            }
            return Vec::new();
        }
        let mut text = std::mem::take(&mut session.continued);
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
        if session.following.is_none() && crate::shell::opens(&text) {
            session.continued = text;
            return Vec::new();
        }
        self.terminal_at(session, &text, 0, Input::Terminal)
    }

    /// A key pressed in the full-screen editor holding the session's terminal: what it
    /// wrote to the node's disk with this key (path and contents). The editor leaves the
    /// terminal when it exits ([`Session::editor`] is `None` again).
    pub fn terminal_key(
        &mut self,
        session: &mut Session,
        key: editor::Key,
    ) -> Vec<(String, Vec<u8>)> {
        let Some(full) = session.full_screen.as_mut() else {
            return Vec::new();
        };
        let mut disk = NodeDisk {
            fs: &mut self.kubelet.fs,
            view: &full.view,
            user: full.user,
            now: self.now,
        };
        full.editor.key(key, &mut disk);
        let written = full.editor.take_written();
        if full.editor.exited().is_some() {
            session.full_screen = None;
        }
        written
    }

    /// [`Cluster::terminal`] inside `depth` levels of `ssh NODE CMD`.
    fn terminal_at(
        &mut self,
        session: &mut Session,
        line: &str,
        depth: u32,
        input: Input,
    ) -> Vec<(Stream, Vec<u8>)> {
        session.logged_out = false;
        session.ended = None;
        if let Some(exec) = session.exec.as_mut() {
            let mut out = self.exec_line(exec, line);
            if let Some(code) = exec.ended() {
                session.exec = None;
                let by_crictl = session.exec_by_crictl.take();
                if code != 0 {
                    let ended = format!("command terminated with exit code {code}");
                    let line = match by_crictl {
                        Some(id) => {
                            format!("ERRO[0000] execing command in container {id}: {ended}\n")
                        }
                        None => format!("{ended}\n"),
                    };
                    out.push((Stream::Stderr, line.into_bytes()));
                }
            }
            return out;
        }
        let Some(mut shell) = session.stack.pop() else {
            session.stack.push(login("k8s-master-01", K8S));
            return Vec::new();
        };
        volumes::ensure_node(&mut self.kubelet.fs, &shell.node, self.now);
        let mut host = NodeHost {
            depth,
            node: shell.node.clone(),
            cwd: shell.process.cwd().to_string(),
            view: shell.process.view.clone(),
            cluster: self,
            takeover: None,
            input,
        };
        let mut out = shell.process.run_line(&mut host, line);
        let takeover = host.takeover.take();
        let request = shell.process.request.take();
        let exited = shell.process.exited();
        let node = shell.node.clone();
        if exited {
            if input == Input::Terminal {
                out.push((Stream::Stdout, b"logout\n".to_vec()));
            }
            if session.stack.is_empty() {
                // The last shell: a fresh login takes its place.
                session.logged_out = true;
                session.ended = Some(shell.process.status());
                session.stack.push(login(&node, K8S));
            } else if input == Input::Terminal
                && session.stack.last().is_some_and(|s| s.node != node)
            {
                out.push((
                    Stream::Stdout,
                    format!("Connection to {node} closed.\n").into_bytes(),
                ));
            }
        } else {
            session.stack.push(shell);
        }
        match request {
            Some(Request::Login { user }) => {
                session.stack.push(login(&node, user));
            }
            Some(Request::Ssh { host, .. }) => match self.ssh_target(&host) {
                Some(t) => {
                    volumes::ensure_node(&mut self.kubelet.fs, &t, self.now);
                    session.stack.push(login(&t, K8S));
                }
                None => out.push((
                    Stream::Stderr,
                    format!("ssh: Could not resolve hostname {host}: Name or service not known\n")
                        .into_bytes(),
                )),
            },
            Some(Request::Foreground) => match takeover {
                Some(Takeover::Follow(follow)) => session.following = Some(follow),
                Some(Takeover::Exec(exec)) => session.exec = Some(exec),
                Some(Takeover::CrictlExec(exec, id)) => {
                    session.exec = Some(exec);
                    session.exec_by_crictl = Some(id);
                }
                Some(Takeover::Edit(edit)) => session.editing = Some(*edit),
                Some(Takeover::Editor(full)) => session.full_screen = Some(full),
                None => {}
            },
            None => {}
        }
        out
    }

    /// The node `ssh HOST` reaches: by name or by one of its addresses.
    fn ssh_target(&self, host: &str) -> Option<String> {
        self.api
            .nodes
            .list()
            .find(|n| {
                n.metadata.name.as_deref() == Some(host)
                    || n.status
                        .as_ref()
                        .and_then(|s| s.addresses.as_ref())
                        .is_some_and(|a| a.iter().any(|a| a.address == host))
            })
            .and_then(|n| n.metadata.name.clone())
    }

    /// The editor saved `text` for the session's `kubectl edit`: what kubectl printed.
    /// The terminal is free again unless the change was refused (then the editor keeps
    /// the file to fix and save again).
    pub fn terminal_save_edit(
        &mut self,
        session: &mut Session,
        text: &str,
    ) -> Vec<(Stream, Vec<u8>)> {
        let Some(edit) = session.editing.clone() else {
            return Vec::new();
        };
        let (out, done) = edit.save(self, text);
        if done {
            session.editing = None;
        }
        [(Stream::Stdout, out.stdout), (Stream::Stderr, out.stderr)]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .map(|(stream, text)| (stream, text.into_bytes()))
            .collect()
    }

    /// What the following command in the session's foreground printed since the last
    /// call; the session is free again once it ended.
    pub fn terminal_follow(&self, session: &mut Session) -> Vec<(Stream, Vec<u8>)> {
        let Some(follow) = session.following.as_mut() else {
            return Vec::new();
        };
        let polled = follow.poll(self);
        if polled.ended.is_some() {
            session.following = None;
        }
        [
            (Stream::Stdout, polled.stdout),
            (Stream::Stderr, polled.stderr),
        ]
        .into_iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(stream, text)| (stream, text.into_bytes()))
        .collect()
    }
}

#[cfg(test)]
mod tests;
