//! The program table of containers: the shell's own programs, the servers the images
//! run, the networking tools and git, with the images that have each. Programs that
//! need more of the host than the shell does see the container's host ([`RunHost`])
//! as their family's interface.

use super::RunHost;
use crate::git::{GitFn, GitHost, Remotes};
use crate::net::servers::Reply;
use crate::net::tools::NetFn;
use crate::net::{HttpRequest, HttpResponse, NetError, NetHost};
use crate::shell::exec::{Flow, Io, Parts};
use crate::shell::programs::{self, Found, Index, Program, ShellFn};
use crate::shell::System;
use std::sync::OnceLock;

/// A program of the table, with its function, by the host interface it sees.
#[derive(Clone, Copy)]
enum Hit {
    Shell(Program<ShellFn>),
    Net(Program<NetFn>),
    Git(Program<GitFn>),
}

/// Every program a container's shell can run: the shell's own, the servers, the
/// networking tools and git, in that order; indexed by name on first use.
fn table() -> &'static Index<Hit> {
    static TABLE: OnceLock<Index<Hit>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Index::new(|out| {
            for family in programs::SHELL {
                programs::flatten(out, family, Hit::Shell);
            }
            programs::flatten(out, crate::net::daemons::PROGRAMS, Hit::Shell);
            programs::flatten(out, crate::net::tools::PROGRAMS, Hit::Net);
            programs::flatten(out, crate::git::PROGRAMS, Hit::Git);
        })
    })
}

fn lookup(system: System, name: &str) -> Option<Hit> {
    table().find(system, name)
}

/// The program `system` (an image) runs for `name`.
pub(crate) fn find(system: System, name: &str) -> Option<Found> {
    Some(match lookup(system, name)? {
        Hit::Shell(p) => p.into(),
        Hit::Net(p) => Found::Host(p.kind, p.name),
        Hit::Git(p) => Found::Host(p.kind, p.name),
    })
}

/// Runs a program that needs the container's host.
pub(super) fn run(
    host: &mut RunHost<'_>,
    system: System,
    ex: Parts<'_>,
    argv: &[String],
    io: &Io,
) -> Flow {
    match lookup(system, &argv[0]) {
        Some(Hit::Net(p)) => ex.attach(host as &mut dyn NetHost, |ex| (p.run)(ex, argv, io)),
        Some(Hit::Git(p)) => ex.attach(host as &mut dyn GitHost, |ex| (p.run)(ex, argv, io)),
        Some(Hit::Shell(p)) => ex.attach(host as &mut dyn crate::shell::Host, |ex| {
            (p.run)(ex, argv, io)
        }),
        None => Flow::Next,
    }
}

impl GitHost for RunHost<'_> {
    fn git(&mut self) -> &mut Remotes {
        self.git
    }
}

impl NetHost for RunHost<'_> {
    fn http(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.kubelet.request(self.api, &self.origin, req, self.now)
    }
    fn redis(&mut self, host: &str, port: u16, args: &[String]) -> Result<Reply, NetError> {
        self.kubelet
            .redis(self.api, &self.origin, host, port, args, 0)
    }
    fn resolve(&mut self, name: &str) -> Option<String> {
        self.kubelet.resolve(self.api, &self.origin, name)
    }
    fn connect(&mut self, host: &str, port: u16) -> Result<(), NetError> {
        self.kubelet.connect(self.api, &self.origin, host, port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each image has the common programs plus its own, and nothing else.
    #[test]
    fn images_have_their_programs() {
        const COMMON: &[&str] = &[
            ":", "true", "false", "echo", "printf", "cd", "pwd", "export", "unset", "exit",
            "break", "continue", "sleep", "test", "[", "set", "read", "exec", "command", "type",
            "cat", "ls", "mkdir", "rm", "rmdir", "touch", "cp", "mv", "date", "hostname", "uname",
            "whoami", "id", "env", "printenv", "head", "tail", "wc", "grep", "sort", "sh", "seq",
            "basename", "dirname", "yes", "dd", "truncate", "local", "return",
        ];
        let images: &[(System, &[&str])] = &[
            (System::Busybox, &["ash", "wget", "nslookup", "httpd", "nc"]),
            (
                System::Nginx,
                &[
                    "bash",
                    "dash",
                    "curl",
                    "nginx",
                    "/docker-entrypoint.sh",
                    "docker-entrypoint.sh",
                ],
            ),
            (
                System::Redis,
                &[
                    "bash",
                    "dash",
                    "redis-server",
                    "redis-cli",
                    "docker-entrypoint.sh",
                ],
            ),
            (
                System::Demo,
                &[
                    "ash",
                    "wget",
                    "nslookup",
                    "demo-tea",
                    "demo-coffee",
                    "/demo",
                    "nc",
                ],
            ),
            (
                System::DebugTools,
                &[
                    "bash",
                    "ash",
                    "git",
                    "curl",
                    "wget",
                    "redis-cli",
                    "nslookup",
                    "socat",
                    "nc",
                ],
            ),
        ];
        let everything: Vec<&str> = images
            .iter()
            .flat_map(|(_, own)| own.iter().copied())
            .chain([
                "sudo",
                "su",
                "ssh",
                "kubectl",
                "systemctl",
                "demo",
                "python",
            ])
            .collect();
        for (system, own) in images {
            for name in COMMON.iter().chain(own.iter()) {
                assert!(find(*system, name).is_some(), "{system:?} lacks {name}");
                let path = format!("/usr/bin/{name}");
                if !name.starts_with('/') {
                    assert!(find(*system, &path).is_some(), "{system:?} lacks {path}");
                }
            }
            for name in &everything {
                // A path finds the program by its base name too (`/docker-entrypoint.sh`).
                let base = name.rsplit('/').next().unwrap_or(name);
                if !own.contains(name) && !own.contains(&base) {
                    assert!(find(*system, name).is_none(), "{system:?} has {name}");
                }
            }
        }
    }
}
