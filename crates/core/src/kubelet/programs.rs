//! The program table of containers: the shell's own programs, the servers the images
//! run, the networking tools and git, with the images that have each. The families
//! every host on the pod network shares are assembled here for the node's table too. Programs that
//! need more of the host than the shell does see the container's host ([`RunHost`])
//! as their family's interface.

use super::RunHost;
use crate::git::{GitFn, GitHost, Remotes};
use crate::net::servers::Reply;
use crate::net::tools::NetFn;
use crate::net::{HttpRequest, HttpResponse, NetError, NetHost};
use crate::shell::exec::{Flow, Io, Parts};
use crate::shell::programs::{self, Found, Index, On, Program, ShellFn};
use crate::shell::System;
use std::convert::Infallible;
use std::sync::OnceLock;

/// A program of a host's table, with its function, by the host interface it sees: the
/// families every host on the pod network has (the shell's own, networking tools, git),
/// and the host's own programs (`X`; a container has none).
#[derive(Clone, Copy)]
pub(crate) enum Hit<X: Copy = Infallible> {
    Shell(Program<ShellFn>),
    Net(Program<NetFn>),
    Git(Program<GitFn>),
    Own(X),
}

/// The families of a host's table, in table order: the shell's own, then the servers
/// (`Servers::Yes` for containers: the images have them; no node does), the networking
/// tools and git. The host adds its own programs after them.
pub(crate) fn families<X: Copy>(out: &mut Vec<(&'static str, On, Hit<X>)>, servers: Servers) {
    for family in programs::SHELL {
        programs::flatten(out, family, Hit::Shell);
    }
    if servers == Servers::Yes {
        programs::flatten(out, crate::net::daemons::PROGRAMS, Hit::Shell);
        programs::flatten(out, crate::net::agnhost::PROGRAMS, Hit::Shell);
    }
    programs::flatten(out, crate::net::tools::PROGRAMS, Hit::Net);
    programs::flatten(out, crate::git::PROGRAMS, Hit::Git);
}

/// Whether a table has the servers' family.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Servers {
    Yes,
    No,
}

impl<X: Copy> Hit<X> {
    /// The program as the shell's [`crate::shell::Host::program`] answers it, found at
    /// `at` in the host's table.
    pub(crate) fn found(self, at: u32, own: impl FnOnce(X) -> Found) -> Found {
        match self {
            Hit::Shell(p) => p.into(),
            Hit::Net(p) => Found::Host(p.kind, p.name, at),
            Hit::Git(p) => Found::Host(p.kind, p.name, at),
            Hit::Own(x) => own(x),
        }
    }

    /// Runs the program against `host`, attached as the interface its family sees;
    /// the host's own programs through `own`.
    pub(crate) fn run<H: NetHost + GitHost + crate::shell::Host>(
        self,
        host: &mut H,
        ex: Parts<'_>,
        argv: &[String],
        io: &Io,
        own: impl FnOnce(X, &mut H, Parts<'_>) -> Flow,
    ) -> Flow {
        match self {
            Hit::Net(p) => ex.attach(host as &mut dyn NetHost, |ex| (p.run)(ex, argv, io)),
            Hit::Git(p) => ex.attach(host as &mut dyn GitHost, |ex| (p.run)(ex, argv, io)),
            Hit::Shell(p) => ex.attach(host as &mut dyn crate::shell::Host, |ex| {
                (p.run)(ex, argv, io)
            }),
            Hit::Own(x) => own(x, host, ex),
        }
    }
}

/// Every program a container's shell can run, indexed by name on first use.
fn table() -> &'static Index<Hit> {
    static TABLE: OnceLock<Index<Hit>> = OnceLock::new();
    TABLE.get_or_init(|| Index::new(|out| families(out, Servers::Yes)))
}

/// The program `system` (an image) runs for `name`.
pub(crate) fn find(system: System, name: &str) -> Option<Found> {
    let (at, hit) = table().find_at(system, name)?;
    Some(hit.found(at, |never| match never {}))
}

/// Runs the program at `at` of the table, which needs the container's host.
pub(super) fn run(
    host: &mut RunHost<'_>,
    at: u32,
    ex: Parts<'_>,
    argv: &[String],
    io: &Io,
) -> Flow {
    match table().at(at) {
        Some(hit) => hit.run(host, ex, argv, io, |never, _, _| match never {}),
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
            (
                System::Agnhost,
                &[
                    "bash",
                    "ash",
                    "curl",
                    "wget",
                    "nslookup",
                    "nc",
                    "agnhost",
                    "/agnhost",
                    "agnhost-2",
                ],
            ),
            (
                System::ServeHostname,
                &[
                    "ash",
                    "wget",
                    "nslookup",
                    "nc",
                    "serve_hostname",
                    "/serve_hostname",
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
                "goproxy",
                "etcd",
                "etcdctl",
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

    /// Scratch and distroless images have their own binaries and nothing else: no
    /// shell, no coreutils.
    #[test]
    fn shell_less_images() {
        let own: &[(System, &[&str])] = &[
            (System::Goproxy, &["/goproxy", "goproxy"]),
            (System::Etcd, &["/usr/local/bin/etcd", "etcd", "etcdctl"]),
        ];
        for (system, names) in own {
            for name in *names {
                assert!(find(*system, name).is_some(), "{system:?} lacks {name}");
            }
            for name in [
                "sh", "bash", "echo", "cat", "ls", "curl", "wget", "nc", "agnhost",
            ] {
                assert!(find(*system, name).is_none(), "{system:?} has {name}");
            }
        }
    }
}
