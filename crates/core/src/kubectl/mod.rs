//! kubectl: argument parsing, the commands over the cluster, and kubectl's printers.
//!
//! `run` takes the words after `kubectl` and returns what kubectl would print and its
//! exit code, as data. Files named by `-f` come from a [`FileSource`] the front end
//! supplies (the CLI reads real files; the web app its editor files), so core stays free
//! of any OS access.

mod api_versions;
pub(crate) mod apply;
mod autoscale;
mod command;
mod common;
pub mod complete;
mod completion;
mod config;
mod config_hash;
pub(crate) mod container;
mod cordon;
mod create;
mod create_config;
mod create_deployment;
mod create_job;
mod create_pdb;
mod create_serviceaccount;
pub(crate) mod customcolumns;
mod delete;
pub(crate) mod describe;
mod drain;
pub mod edit;
pub(crate) mod events;
mod exec;
pub(crate) mod explain;
mod expose;
pub(crate) mod flags;
pub(crate) mod get;
mod label;
mod logs;
mod patch;
pub mod port_forward;
pub mod printers;
pub(crate) mod resources;
pub(crate) mod rollout;
pub use rollout::{rollout_now, Rollout};
mod rollout_history;
mod rollout_pause;
mod rollout_restart;
mod rollout_undo;
mod run;
mod scale;
mod set_env;
mod set_image;
mod set_resources;
pub(crate) mod sorter;
mod storage_printers;
pub(crate) mod tabwriter;
mod taint;
mod top;
mod version;
pub(crate) mod wait;
mod workload_printers;

use crate::Cluster;

/// Why a [`FileSource`] could not read a file; `Display` is kubectl's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// No file at the path given.
    NotFound(String),
    /// The path exists but cannot be opened (the reason as Go's `os.Open` words it:
    /// `permission denied`).
    Unreadable { path: String, reason: String },
    /// Standard input could not be read (the reason as the OS gives it).
    Stdin(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound(path) => write!(f, "the path {path:?} does not exist"),
            ReadError::Unreadable { path, reason } => write!(f, "open {path}: {reason}"),
            ReadError::Stdin(reason) => write!(f, "reading stdin: {reason}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// A command line [`split_words`] cannot split: a quote is left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnterminatedQuote;

impl std::fmt::Display for UnterminatedQuote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unterminated quoted string")
    }
}

impl std::error::Error for UnterminatedQuote {}

/// Where `-f FILE` reads from.
pub trait FileSource {
    /// The text of `path` (`-` is standard input), or why it cannot be read.
    fn read(&self, path: &str) -> Result<String, ReadError>;

    /// Standard input as bytes (`kubectl exec -i` hands the container what was piped
    /// in, a binary file included).
    fn stdin_bytes(&self) -> Result<Vec<u8>, ReadError> {
        self.read("-").map(String::into_bytes)
    }

    /// Whether standard input is the person's terminal (not a pipe or a file): `kubectl
    /// exec -it` then opens an interactive shell instead of reading stdin to its end.
    fn stdin_is_terminal(&self) -> bool {
        false
    }

    /// The exact bytes of `path` (`kubectl create configmap --from-file` keeps a file
    /// that is not UTF-8 text as binaryData); a source of text only reads its text.
    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        self.read(path).map(String::into_bytes)
    }

    /// [`FileSource::read_bytes`] while kubectl runs against `cluster` (as
    /// [`FileSource::read_in`]).
    fn read_bytes_in(&self, cluster: &Cluster, path: &str) -> Result<Vec<u8>, ReadError> {
        let _ = cluster;
        self.read_bytes(path)
    }

    /// [`FileSource::read`] while kubectl runs against `cluster`: a source that reads
    /// the cluster's own files (a node's disk, for kubectl on the control plane) reads
    /// them here, borrowed, instead of keeping a copy.
    fn read_in(&self, cluster: &Cluster, path: &str) -> Result<String, ReadError> {
        let _ = cluster;
        self.read(path)
    }

    /// `-f DIR`: the names of the entries in the directory `path` (any order), or
    /// `None` when `path` is not a directory (a file, or nothing: [`FileSource::read`]
    /// then says which).
    fn list(&self, path: &str) -> Result<Option<Vec<String>>, ReadError> {
        let _ = path;
        Ok(None)
    }

    /// [`FileSource::list`] while kubectl runs against `cluster` (as
    /// [`FileSource::read_in`]).
    fn list_in(&self, cluster: &Cluster, path: &str) -> Result<Option<Vec<String>>, ReadError> {
        let _ = cluster;
        self.list(path)
    }
}

/// No files at all (`-f` always fails).
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, path: &str) -> Result<String, ReadError> {
        Err(ReadError::NotFound(path.to_string()))
    }
}

/// What a kubectl invocation printed and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output as text (a command whose output is not UTF-8 has it here with
    /// U+FFFD for the bytes that are not, for display, and exactly in `stdout_bytes`).
    pub stdout: String,
    /// Standard output's exact bytes when they are not UTF-8 text (`kubectl exec POD
    /// -- cat picture.jpg`); see [`Output::stdout_raw`].
    pub stdout_bytes: Option<Vec<u8>>,
    pub stderr: String,
    pub exit_code: i32,
    /// `kubectl logs -f`, `get --watch`, `events --watch`, `wait`: the command goes on
    /// as simulated time runs; the front end polls it ([`Follow::poll`]) until it ends
    /// or the person stops it.
    pub follow: Option<Follow>,
    /// `kubectl exec -it POD -- sh` at a terminal: the shell now reads the lines the
    /// person types; the front end sends them to [`Cluster::exec_line`] until the
    /// session ends.
    pub exec: Option<crate::kubelet::exec::ExecSession>,
    /// `kubectl edit`: the object's YAML for an editor; what is saved goes to
    /// [`edit::Edit::save`].
    pub edit: Option<edit::Edit>,
}

/// A command that goes on as simulated time runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follow {
    /// `kubectl logs -f`
    Logs(container::LogFollow),
    /// `kubectl get --watch`
    Watch(Box<get::GetWatch>),
    /// `kubectl wait`
    Wait(Box<wait::Wait>),
    /// `kubectl events --watch`
    Events(Box<events::EventsWatch>),
    /// `kubectl rollout status`
    Rollout(Box<rollout::RolloutStatus>),
    /// `kubectl port-forward`: runs until Ctrl-C.
    PortForward(Box<port_forward::PortForward>),
}

/// What a [`Follow`] printed since it was last polled, and its exit code once it
/// has ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    pub stdout: String,
    pub stderr: String,
    pub ended: Option<i32>,
}

impl Polled {
    /// `stdout`, and a successful end if `ended`.
    fn printed(stdout: String, ended: bool) -> Polled {
        Polled {
            stdout,
            stderr: String::new(),
            ended: ended.then_some(0),
        }
    }

    /// A successful end with nothing more printed.
    fn finished() -> Polled {
        Polled::printed(String::new(), true)
    }
}

impl Follow {
    pub fn poll(&mut self, cluster: &Cluster) -> Polled {
        match self {
            Follow::Logs(logs) => logs.poll(cluster),
            Follow::Watch(watch) => watch.poll(cluster),
            Follow::Wait(wait) => wait.poll(cluster),
            Follow::Events(events) => events.poll(cluster),
            Follow::Rollout(rollout) => rollout.poll(cluster),
            Follow::PortForward(forward) => forward.poll(cluster),
        }
    }

    /// The port forward, when this is `kubectl port-forward`.
    pub fn port_forward(&self) -> Option<&port_forward::PortForward> {
        match self {
            Follow::PortForward(forward) => Some(forward),
            _ => None,
        }
    }
}

impl Output {
    /// Standard output byte for byte: what a front end writes to a file or a pipe.
    pub fn stdout_raw(&self) -> &[u8] {
        self.stdout_bytes
            .as_deref()
            .unwrap_or(self.stdout.as_bytes())
    }

    pub(crate) fn out(&mut self, s: impl AsRef<str>) {
        self.stdout.push_str(s.as_ref());
    }

    pub(crate) fn err(&mut self, s: impl AsRef<str>) {
        self.stderr.push_str(s.as_ref());
    }

    /// The API server's NotFound for `resource` (`pods`) `name`, and the run failed.
    pub(crate) fn not_found(&mut self, resource: &'static str, name: &str) {
        self.api_error(&crate::apiserver::ApiError::NotFound {
            resource,
            name: name.to_string(),
        });
    }

    /// Prints kubectl's `error: ...` line and marks the run failed.
    pub(crate) fn fail(&mut self, msg: impl AsRef<str>) {
        self.stderr.push_str(&format!("error: {}\n", msg.as_ref()));
        self.exit_code = 1;
    }
}

/// Runs `kubectl ARGS...` against `cluster`.
pub fn run(cluster: &mut Cluster, args: &[String], files: &dyn FileSource) -> Output {
    let mut out = Output::default();
    let Some(command) = args.first() else {
        out.out(command::usage());
        return out;
    };
    command::dispatch(cluster, command, &args[1..], files, &mut out);
    out
}

/// Splits a command line into words as a shell would for simple cases: whitespace
/// separates, single and double quotes group, backslash escapes the next character.
pub fn split_words(line: &str) -> Result<Vec<String>, UnterminatedQuote> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err(UnterminatedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err(UnterminatedQuote),
                        },
                        Some(x) => cur.push(x),
                        None => return Err(UnterminatedQuote),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fidelity_tests;
#[cfg(test)]
mod inspection_tests;

#[cfg(test)]
mod lease_tests;

#[cfg(test)]
mod describe_tests;
