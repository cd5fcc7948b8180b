//! The shells themselves: `sh`, and bash, ash and dash where the image has them.

use super::{args, done, Program, ShellFn};
use crate::fs::normalize;
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::System;

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::every("sh", run_sh),
    Program::on(
        "bash",
        &[
            System::Nginx,
            System::Redis,
            System::DebugTools,
            System::Node,
            System::Agnhost,
        ],
        run_sh,
    ),
    Program::on(
        "ash",
        &[
            System::Busybox,
            System::Demo,
            System::DebugTools,
            System::Agnhost,
            System::ServeHostname,
        ],
        run_sh,
    ),
    Program::on("dash", &[System::Nginx, System::Redis], run_sh),
];

fn run_sh(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    sh(ex, args(argv), io)
}

fn sh(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let (script_text, positional) = match args.first().map(String::as_str) {
        Some("-c") => match args.get(1) {
            Some(s) => (s.clone(), args[2..].to_vec()),
            None => {
                let shell = ex.shell_name().to_string();
                ex.err(io, &format!("{shell}: -c: option requires an argument\n"));
                return done(ex, 2);
            }
        },
        Some(file) => {
            let path = normalize(&ex.p.cwd, file);
            let view = ex.p.view.clone();
            match ex.host.fs().read(&view, &path) {
                Ok(d) => (String::from_utf8_lossy(d).into_owned(), args.to_vec()),
                Err(e) => {
                    ex.err(io, &format!("sh: can't open '{file}': {e}\n"));
                    return done(ex, 2);
                }
            }
        }
        None => {
            // No terminal and nothing on stdin: the shell reads EOF and exits.
            match io.input.clone() {
                Some(d) => (String::from_utf8_lossy(&d).into_owned(), Vec::new()),
                None => return done(ex, 0),
            }
        }
    };
    let script = match crate::shell::parse(&script_text) {
        Ok(s) => s,
        Err(e) => {
            ex.err(io, &format!("sh: {e}\n"));
            return done(ex, 2);
        }
    };
    let saved = std::mem::take(&mut ex.p.args);
    let mut a = vec![positional.first().cloned().unwrap_or_else(|| "sh".into())];
    a.extend(positional.into_iter().skip(1));
    ex.set_args(a);
    let env = ex.p.env.clone();
    let cwd = ex.p.cwd.clone();
    let flow = ex.capture_into(&script, io);
    ex.p.env = env;
    ex.p.cwd = cwd;
    ex.set_args(saved);
    // `exit` ends only this shell; a limit ends the whole command.
    match flow {
        Flow::Abort => Flow::Abort,
        _ => Flow::Next,
    }
}
