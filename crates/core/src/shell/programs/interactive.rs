//! What an interactive shell's setup uses: `alias` and `unalias` (and the expansion of
//! an alias as a command's first word), `source` (`.`), and bash's `complete`.

use super::{args, done, Program, ShellFn};
use crate::fs::normalize;
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::parse::{parse, Part, Word};
use crate::shell::{Process, System};

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::builtin("alias", alias),
    Program::builtin("unalias", unalias),
    Program::builtin("source", source),
    Program::builtin(".", source),
    Program::builtin("complete", |ex, _, _| done(ex, 0)),
];

/// `source FILE` / `. FILE`: runs the file's commands in this shell (a `<(...)`
/// substitution's output too: `source <(kubectl completion bash)`).
fn source(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let shell = ex.shell_name().to_string();
    let builtin = argv.first().map_or("source", String::as_str).to_string();
    let Some(file) = args(argv).first() else {
        let msg = format!(
            "{shell}: {builtin}: filename argument required\n{builtin}: usage: {builtin} filename [arguments]\n"
        );
        ex.err(io, &msg);
        return done(ex, 2);
    };
    let substituted =
        ex.p.substitutions
            .iter()
            .find(|(path, _)| path == file)
            .map(|(_, data)| data.clone());
    let text = match substituted {
        Some(data) => data,
        None => {
            let path = normalize(&ex.p.cwd, file);
            let view = ex.p.view.clone();
            match ex.host.fs().read(&view, &path) {
                Ok(d) => String::from_utf8_lossy(d).into_owned(),
                Err(e) => {
                    ex.err(io, &format!("{shell}: {file}: {e}\n"));
                    return done(ex, 1);
                }
            }
        }
    };
    match parse(&text) {
        Ok(script) => match ex.capture_into(&script, io) {
            Flow::Return => Flow::Next,
            f => f,
        },
        Err(e) => {
            ex.err(io, &format!("{shell}: {file}: line {}: {e}\n", e.line));
            done(ex, 2)
        }
    }
}

/// An alias as `alias` prints it: bash's `alias k='kubectl'`, ash's `k='kubectl'`.
fn shown(system: System, name: &str, value: &str) -> String {
    let value = value.replace('\'', "'\\''");
    if system == System::Node {
        format!("alias {name}='{value}'\n")
    } else {
        format!("{name}='{value}'\n")
    }
}

/// `alias [NAME[=VALUE]...]`: defines aliases, or prints them (all without names).
fn alias(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let mut names = args(argv);
    if names.first().map(String::as_str) == Some("-p") {
        names = &names[1..];
    }
    if names.is_empty() {
        let all: String =
            ex.p.aliases
                .iter()
                .map(|(n, v)| shown(ex.p.system, n, v))
                .collect();
        ex.out(io, &all);
        return done(ex, 0);
    }
    let mut code = 0;
    for arg in names {
        match arg.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                ex.p.aliases.insert(name.to_string(), value.to_string());
            }
            _ => match ex.p.aliases.get(arg.as_str()) {
                Some(value) => {
                    let line = shown(ex.p.system, arg, value);
                    ex.out(io, &line);
                }
                None => {
                    let msg = format!("{}: alias: {arg}: not found\n", ex.shell_name());
                    ex.err(io, &msg);
                    code = 1;
                }
            },
        }
    }
    done(ex, code)
}

/// `unalias [-a] NAME...`
fn unalias(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let names = args(argv);
    if names.first().map(String::as_str) == Some("-a") {
        ex.p.aliases.clear();
        return done(ex, 0);
    }
    if names.is_empty() {
        let msg = format!(
            "{}: unalias: usage: unalias [-a] name [name ...]\n",
            ex.shell_name()
        );
        ex.err(io, &msg);
        return done(ex, 2);
    }
    let mut code = 0;
    for name in names {
        if ex.p.aliases.remove(name.as_str()).is_none() {
            let msg = format!("{}: unalias: {name}: not found\n", ex.shell_name());
            ex.err(io, &msg);
            code = 1;
        }
    }
    done(ex, code)
}

/// The command's words with its first one replaced by its alias's words, when it is
/// an unquoted word that names an alias (`k get pods` runs `kubectl get pods`).
pub(crate) fn expand(p: &Process, first: Option<&Word>, argv: Vec<String>) -> Vec<String> {
    let Some(name) = first.and_then(|w| match w.0.as_slice() {
        [Part::Lit(s)] => Some(s),
        _ => None,
    }) else {
        return argv;
    };
    let Some(value) = p.aliases.get(name.as_str()) else {
        return argv;
    };
    let mut words: Vec<String> = value.split_whitespace().map(str::to_string).collect();
    words.extend(argv.into_iter().skip(1));
    words
}
