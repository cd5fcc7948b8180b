//! kubectl: argument parsing, the commands over the cluster, and kubectl's printers.
//!
//! `run` takes the words after `kubectl` and returns what kubectl would print and its
//! exit code, as data. Files named by `-f` come from a [`FileSource`] the front end
//! supplies (the CLI reads real files; the web app its editor files), so core stays free
//! of any OS access.

pub mod apply;
mod command;
mod common;
pub mod complete;
pub mod container;
mod cordon;
mod create;
pub mod customcolumns;
mod delete;
pub mod describe;
mod drain;
pub mod events;
mod exec;
pub mod explain;
mod expose;
pub mod flags;
pub mod get;
mod label;
mod logs;
mod patch;
pub mod printers;
pub mod resources;
mod run;
pub mod sorter;
pub mod tabwriter;
mod taint;
mod top;
mod version;
pub mod wait;

use crate::Cluster;

/// Where `-f FILE` reads from.
pub trait FileSource {
    /// The text of `path` (`-` is standard input), or the error text to print.
    fn read(&self, path: &str) -> Result<String, String>;

    /// Whether standard input is the person's terminal (not a pipe or a file): `kubectl
    /// exec -it` then opens an interactive shell instead of reading stdin to its end.
    fn stdin_is_terminal(&self) -> bool {
        false
    }
}

/// No files at all (`-f` always fails).
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        Err(format!("the path {path:?} does not exist"))
    }
}

/// What a kubectl invocation printed and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
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
        }
    }
}

impl Output {
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
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
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
                        None => return Err("unterminated quoted string".into()),
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
                            None => return Err("unterminated quoted string".into()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quoted string".into()),
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
mod lease_tests;

#[cfg(test)]
mod describe_tests;
