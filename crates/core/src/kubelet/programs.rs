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
use crate::shell::programs::{self, Found, Program, ShellFn};
use crate::shell::System;

/// A family of the table, by the host interface its programs see.
enum Family {
    Shell(&'static [&'static [Program<ShellFn>]]),
    Net(&'static [Program<NetFn>]),
    Git(&'static [Program<GitFn>]),
}

/// Every program a container's shell can run.
const TABLE: &[Family] = &[
    Family::Shell(programs::SHELL),
    Family::Shell(&[crate::net::daemons::PROGRAMS, crate::net::agnhost::PROGRAMS]),
    Family::Net(crate::net::tools::PROGRAMS),
    Family::Git(crate::git::PROGRAMS),
];

/// A program of the table, with its function.
enum Hit {
    Shell(Program<ShellFn>),
    Net(Program<NetFn>),
    Git(Program<GitFn>),
}

fn lookup(system: System, name: &str) -> Option<Hit> {
    TABLE.iter().find_map(|family| match family {
        Family::Shell(f) => programs::find(f, system, name).map(Hit::Shell),
        Family::Net(f) => programs::find(&[*f], system, name).map(Hit::Net),
        Family::Git(f) => programs::find(&[*f], system, name).map(Hit::Git),
    })
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
