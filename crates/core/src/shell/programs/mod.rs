//! The programs a shell can run, as a table: each program registered once, by name,
//! with the systems (images, nodes) that have it and the function that runs it.
//!
//! The shell's own families live here (builtins, coreutils, text tools, shells);
//! networking tools and servers are registered by `net`, git by `git`, the node's
//! programs (sudo, ssh, systemctl, kubectl) by `terminal`. The module that owns a host
//! assembles the full table from the families and answers [`Host::program`] from it:
//! what is not in the table is `not found` (exit 127), and what is in it has a function.

mod builtins;
mod bulk;
mod coreutils;
mod interactive;
mod shells;
mod text;

use super::exec::{Exec, Flow, Io};
use super::{Host, System};
pub(crate) use interactive::expand as expand_alias;

/// How a program runs: `F` is its function's type (the family's host interface).
#[derive(Clone, Copy)]
pub struct Program<F> {
    /// The name it is run by (`wget`; `/demo` for one found by its path only).
    pub name: &'static str,
    pub kind: Kind,
    pub on: On,
    /// Runs it: the process, its full argv (`argv[0]` the name as typed), its streams.
    pub run: F,
}

/// What `type` says a program is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Part of the shell (`echo`, `cd`).
    Builtin,
    /// A file in `/usr/bin`.
    Utility,
}

/// Which systems have a program.
#[derive(Debug, Clone, Copy)]
pub enum On {
    Every,
    Only(&'static [System]),
}

/// A program of the shell's own families: it sees the host only as the shell does.
pub type ShellFn = for<'a> fn(&mut Exec<'a>, &[String], &Io) -> Flow;

impl<F> Program<F> {
    /// A shell builtin (every system's shell has it).
    pub const fn builtin(name: &'static str, run: F) -> Program<F> {
        Program {
            name,
            kind: Kind::Builtin,
            on: On::Every,
            run,
        }
    }

    /// A program every system has.
    pub const fn every(name: &'static str, run: F) -> Program<F> {
        Program {
            name,
            kind: Kind::Utility,
            on: On::Every,
            run,
        }
    }

    /// A program only these systems have.
    pub const fn on(name: &'static str, systems: &'static [System], run: F) -> Program<F> {
        Program {
            name,
            kind: Kind::Utility,
            on: On::Only(systems),
            run,
        }
    }

    /// Whether `system` runs this program for `name` as typed: by its base name
    /// (`/usr/bin/wget`), or by its whole path for one registered by path (`/demo`).
    pub fn runs(&self, system: System, name: &str) -> bool {
        self.runs_as(system, name, base_name(name))
    }

    /// [`Program::runs`] with `name`'s base name worked out once by the caller.
    fn runs_as(&self, system: System, name: &str, base: &str) -> bool {
        (self.name == base || self.name == name) && runs_on(self.on, system)
    }
}

/// The first program of `families` that `system` runs for `name`.
pub fn find<F: Copy>(
    families: &[&'static [Program<F>]],
    system: System,
    name: &str,
) -> Option<Program<F>> {
    // Every command a shell runs is looked up here: the base name once, not per entry.
    let base = base_name(name);
    families
        .iter()
        .flat_map(|f| f.iter())
        .find(|p| p.runs_as(system, name, base))
        .copied()
}

/// A host's whole program table, its families flattened in table order and indexed by
/// name once: finding the program for a command is a binary search, not a scan with a
/// string comparison per entry (every command a shell runs is looked up).
pub struct Index<T> {
    /// Each entry's name, systems and what the host keeps for it, in table order.
    entries: Vec<(&'static str, On, T)>,
    /// Entry positions sorted by name, then position.
    by_name: Vec<u32>,
    /// Where the names beginning with each byte start in `by_name` (and, at 256, its
    /// end): a lookup searches only its first byte's few names.
    first: Vec<u32>,
}

impl<T: Copy> Index<T> {
    /// Flattens `families` (each listed with how the host wraps its entries) in order.
    pub fn new(fill: impl FnOnce(&mut Vec<(&'static str, On, T)>)) -> Index<T> {
        let mut entries = Vec::new();
        fill(&mut entries);
        let mut by_name: Vec<u32> = (0..entries.len() as u32).collect();
        crate::sort::sort_by_key(&mut by_name, |&i| (entries[i as usize].0, i));
        let first = (0..=256u32)
            .map(|b| {
                by_name.partition_point(|&i| {
                    entries[i as usize]
                        .0
                        .as_bytes()
                        .first()
                        .map_or(0, |&c| c as u32 + 1)
                        <= b
                }) as u32
            })
            .collect();
        Index {
            entries,
            by_name,
            first,
        }
    }

    /// The first entry in table order that `system` runs for `name` as typed: by its
    /// base name (`/usr/bin/wget`), or by its whole path for one registered by path.
    pub fn find(&self, system: System, name: &str) -> Option<T> {
        self.find_at(system, name).map(|(_, t)| t)
    }

    /// The entry at position `at` of the table ([`Index::find_at`] gives positions).
    pub fn at(&self, at: u32) -> Option<T> {
        self.entries.get(at as usize).map(|e| e.2)
    }

    /// [`Index::find`], with the entry's position in the table.
    pub fn find_at(&self, system: System, name: &str) -> Option<(u32, T)> {
        let base = base_name(name);
        let first = |key: &str| {
            // The names that begin as `key` does (the empty name sorts first).
            let b = key.as_bytes().first().map_or(0, |&c| c as usize + 1);
            let (lo, hi) = match b {
                0 => (0, self.first[0]),
                _ => (self.first[b - 1], self.first[b]),
            };
            let bucket = &self.by_name[lo as usize..hi as usize];
            let start = bucket.partition_point(|&i| self.entries[i as usize].0 < key);
            bucket[start..]
                .iter()
                .take_while(|&&i| self.entries[i as usize].0 == key)
                .copied()
                .find(|&i| runs_on(self.entries[i as usize].1, system))
        };
        let hit = match (first(base), (base != name).then(|| first(name)).flatten()) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some((hit, self.entries[hit as usize].2))
    }

    /// Every entry in table order, with its name and systems.
    pub fn entries(&self) -> impl Iterator<Item = &(&'static str, On, T)> {
        self.entries.iter()
    }
}

/// Adds a family's programs to a table being filled, each wrapped as the host keeps it.
pub fn flatten<F: Copy, T>(
    out: &mut Vec<(&'static str, On, T)>,
    family: &'static [Program<F>],
    wrap: impl Fn(Program<F>) -> T,
) {
    out.extend(family.iter().map(|p| (p.name, p.on, wrap(*p))));
}

/// Whether a program registered for `on` exists on `system`.
pub fn runs_on(on: On, system: System) -> bool {
    match on {
        On::Every => system.has_shell(),
        On::Only(systems) => systems.contains(&system),
    }
}

/// `wget` of `/usr/bin/wget`.
fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// The shell's own families, in the order a table lists them.
pub const SHELL: &[&[Program<ShellFn>]] = &[
    builtins::PROGRAMS,
    interactive::PROGRAMS,
    coreutils::PROGRAMS,
    bulk::PROGRAMS,
    text::PROGRAMS,
    shells::PROGRAMS,
];

/// A program as [`Host::program`] finds it.
#[derive(Clone, Copy)]
pub enum Found {
    /// One of the shell's own (or one that sees the host only as the shell does).
    Shell(Kind, &'static str, ShellFn),
    /// One the host runs ([`Host::run_program`]), attached as its own interface; the
    /// last field is where the host's table has it, so running it looks nothing up.
    Host(Kind, &'static str, u32),
}

impl Found {
    pub fn kind(&self) -> Kind {
        match self {
            Found::Shell(kind, ..) | Found::Host(kind, ..) => *kind,
        }
    }

    /// The name the program is registered by.
    pub fn name(&self) -> &'static str {
        match self {
            Found::Shell(_, name, _) | Found::Host(_, name, _) => name,
        }
    }
}

impl From<Program<ShellFn>> for Found {
    fn from(p: Program<ShellFn>) -> Found {
        Found::Shell(p.kind, p.name, p.run)
    }
}

/// The shell's utilities whose exit status and output follow from their arguments and
/// the files they read alone: no clock, environment, host name or network, and they
/// write nothing. Run again over the same files (and no stdin), they do the same.
pub const FILE_READERS: &[&str] = &["cat", "head", "tail", "wc", "grep"];

/// Whether `found` is one of the [`FILE_READERS`], as the shell runs it.
pub fn reads_files_only(found: &Found) -> bool {
    matches!(found, Found::Shell(Kind::Utility, name, _) if FILE_READERS.contains(name))
}

/// Whether `system`'s shell itself has `name` (`sh -c` as a container's command).
pub fn is_shell(system: System, name: &str) -> bool {
    find(&[shells::PROGRAMS], system, name).is_some()
}

pub(crate) fn done<H: Host + ?Sized>(ex: &mut Exec<'_, H>, code: i32) -> Flow {
    ex.done(code)
}

/// The arguments after the program's name.
pub(crate) fn args(argv: &[String]) -> &[String] {
    argv.get(1..).unwrap_or_default()
}

/// The name a program was run by, without its directory.
pub(crate) fn base(argv: &[String]) -> &str {
    let name = argv.first().map_or("", String::as_str);
    name.rsplit('/').next().unwrap_or(name)
}

/// Runs one program with its arguments: a name the table lacks is sh's `not found`.
/// A write to a file that failed while it ran is reported as the program would
/// (`cat: write error: File too large`), and fails it.
pub fn run(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let name = argv[0].as_str();
    let found = ex.host.program(ex.p.system, name);
    let flow = match found {
        Some(Found::Shell(_, _, run)) => run(ex, argv, io),
        Some(Found::Host(_, _, at)) => {
            let (host, parts) = ex.parts();
            host.run_program(at, parts, argv, io)
        }
        None => {
            let shell = ex.shell_name().to_string();
            let msg = if ex.p.system == System::Node {
                format!("{name}: command not found\n")
            } else if matches!(ex.p.system, System::Nginx | System::Redis) {
                format!("{shell}: 1: {name}: not found\n")
            } else {
                format!("{shell}: {name}: not found\n")
            };
            ex.err(io, &msg);
            done(ex, 127)
        }
    };
    if let (Some(e), Some(found)) = (ex.take_write_error(), found) {
        let prog = base(argv);
        let shell = ex.shell_name().to_string();
        let msg = match found.kind() {
            _ if prog == "yes" => format!("yes: standard output: {e}\n"),
            Kind::Builtin if ex.p.system.is_busybox() => {
                format!("{shell}: write error: {e}\n")
            }
            Kind::Builtin => format!("{shell}: {prog}: write error: {e}\n"),
            Kind::Utility => format!("{prog}: write error: {e}\n"),
        };
        ex.err(io, &msg);
        // The failed write may have been to the error stream itself.
        ex.f.write_error = None;
        if ex.p.status == 0 {
            ex.p.status = 1;
        }
    }
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index finds what a scan of the table in order finds, for every registered
    /// name, its path, names no program has, and every system.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let index = Index::new(|out| {
            for family in SHELL {
                flatten(out, family, |p| p);
            }
        });
        let mut names: Vec<String> = vec![
            String::new(),
            "/".into(),
            "nope".into(),
            "~x".into(),
            "\u{e9}t\u{e9}".into(),
        ];
        for family in SHELL {
            for p in family.iter() {
                names.push(p.name.to_string());
                names.push(format!("/usr/bin/{}", p.name));
                names.push(format!("{}x", p.name));
            }
        }
        let systems = [
            System::Busybox,
            System::Nginx,
            System::Redis,
            System::Demo,
            System::DebugTools,
            System::Node,
            System::Agnhost,
            System::ServeHostname,
            System::Goproxy,
            System::Etcd,
        ];
        for system in systems {
            for name in &names {
                let key = |p: Program<ShellFn>| (p.name, p.kind, p.run as usize);
                assert_eq!(
                    index.find(system, name).map(key),
                    find(SHELL, system, name).map(key),
                    "{system:?} {name}"
                );
            }
        }
    }
}
