//! `podlab run [--check] [--follow-limit DURATION] SCRIPT`: replays a transcript (the
//! format and the runner are core's, [`podlab_core::transcript`]).
//!
//! The saved cluster is locked and read once, kept in memory by every command of the
//! transcript (so each costs what the command does, not a read and write of the whole
//! state), and written when the transcript ends ([`crate::state::open`]). Following
//! commands run simulated time without waiting for the wall clock, for at most the
//! follow limit each ([`crate::kubectl`]). A run that has taken more than
//! [`PROGRESS_EVERY`] reports how far it got on standard error, then again every
//! [`PROGRESS_EVERY`], whether or not standard error is a terminal (a CI log shows a
//! long run is alive; a short run, such as a test's, prints nothing extra).

use crate::kubectl::FOLLOW_LIMIT;
use crate::{read_input, state, usage_error, Code, STDIN_FILE};
use podlab_core::clock::parse_duration;
use podlab_core::transcript::{self, CommandLine, Item, Mode, Outcome};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How often a long run reports its progress on standard error.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// How deep transcripts replaying transcripts go; one that (indirectly) replays itself
/// stops there.
const MAX_DEPTH: usize = 8;
static DEPTH: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn run_script(
    state_path: &str,
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Code> {
    let mut mode = Mode::Print;
    let mut script = None;
    let mut limit = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => mode = Mode::Check,
            "--follow-limit" | "--follow-limit=" => {
                let Some(v) = it.next() else {
                    return usage_error(err, "flag needs an argument: --follow-limit");
                };
                limit = Some(v.clone());
            }
            s if s.starts_with("--follow-limit=") => {
                limit = Some(s["--follow-limit=".len()..].to_string());
            }
            s if s.starts_with("--") => return usage_error(err, &format!("unknown flag: {s}")),
            s if script.is_none() => script = Some(s.to_string()),
            s => return usage_error(err, &format!("run takes one SCRIPT, got another: {s:?}")),
        }
    }
    let limit = match limit.map(|v| parse_duration(&v).map_err(|e| (v, e))) {
        None => FOLLOW_LIMIT.with(|l| l.get()),
        Some(Ok(ms)) => ms,
        Some(Err((v, e))) => {
            return usage_error(
                err,
                &format!("invalid argument {v:?} for \"--follow-limit\" flag: {e}"),
            )
        }
    };
    let Some(script) = script else {
        return usage_error(
            err,
            "run needs a SCRIPT (a transcript file, or - for stdin)",
        );
    };
    let text = match read_input(&script) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(1);
        }
    };
    let items = match transcript::parse(&text) {
        Ok(items) => items,
        Err(e) => {
            writeln!(err, "error: {script}:{}: {}", e.line, e.message)?;
            return Ok(1);
        }
    };
    // Every command is checked before any runs, so a bad line changes nothing.
    let mut commands = Vec::new();
    for item in &items {
        if let Item::Step(step) = item {
            let line = match transcript::split_command(&step.command) {
                Ok(l) => l,
                Err(e) => {
                    writeln!(err, "error: {script}:{}: {e}", step.line)?;
                    return Ok(1);
                }
            };
            if line.words.first().map(String::as_str) != Some("podlab") {
                writeln!(
                    err,
                    "error: {script}:{}: only podlab commands can be replayed: {:?}",
                    step.line, step.command
                )?;
                return Ok(1);
            }
            commands.push(line);
        }
    }
    if DEPTH.load(Ordering::Relaxed) >= MAX_DEPTH {
        writeln!(
            err,
            "error: {script}: transcripts nest more than {MAX_DEPTH} deep (does one replay itself?)"
        )?;
        return Ok(1);
    }
    DEPTH.fetch_add(1, Ordering::Relaxed);
    let outer_limit = FOLLOW_LIMIT.with(|l| l.replace(limit));
    let result = state::open(state_path, || {
        replay(state_path, &script, &items, commands, mode, out, err)
    });
    FOLLOW_LIMIT.with(|l| l.set(outer_limit));
    DEPTH.fetch_sub(1, Ordering::Relaxed);
    match result {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "podlab: {e}")?;
            Ok(1)
        }
    }
}

/// Runs the checked commands of a parsed transcript (see [`run_script`]).
fn replay(
    state_path: &str,
    script: &str,
    items: &[Item],
    commands: Vec<CommandLine>,
    mode: Mode,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Code> {
    let total = commands.len();
    let mut commands = commands.into_iter();
    // Progress goes to the process's standard error, from the outermost run only (a
    // nested run's standard error is a command's output in its transcript).
    let outermost = DEPTH.load(Ordering::Relaxed) == 1;
    let start = Instant::now();
    let mut next_report = start + PROGRESS_EVERY;
    let mut done = 0;
    let summary = transcript::replay(
        script,
        items,
        mode,
        |_step| {
            let Some(line) = commands.next() else {
                return Ok(Outcome::default());
            };
            let outcome = run_command(state_path, &line)?;
            done += 1;
            let now = Instant::now();
            if outermost && now >= next_report {
                eprintln!(
                    "podlab run: {script}: {done} of {total} commands after {}s",
                    start.elapsed().as_secs()
                );
                next_report = now + PROGRESS_EVERY;
            }
            Ok(outcome)
        },
        |text| write!(out, "{text}"),
    )?;
    if mode == Mode::Print {
        return Ok(0);
    }
    if summary.differ > 0 {
        writeln!(
            err,
            "podlab run: {} of {} commands differ from {script}",
            summary.differ, summary.total
        )?;
        Ok(1)
    } else {
        writeln!(out, "{script}: all {} commands match", summary.total)?;
        Ok(0)
    }
}

/// Runs one command of a transcript as `podlab --state STATE ...` in this process.
fn run_command(state_path: &str, line: &CommandLine) -> std::io::Result<Outcome> {
    let mut argv = vec!["--state".to_string(), state_path.to_string()];
    argv.extend(line.words[1..].iter().cloned());
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let saved = STDIN_FILE.with(|f| f.replace(line.stdin.clone()));
    let code = crate::run(&argv, &mut o, &mut e);
    STDIN_FILE.with(|f| f.replace(saved));
    let code = code?;
    // Transcripts are text with \n line ends; servers answer with \r\n.
    let mut outcome = Outcome {
        stdout: String::from_utf8_lossy(&o).replace("\r\n", "\n"),
        stderr: String::from_utf8_lossy(&e).into_owned(),
        exit: i32::from(code),
    };
    let mut raw = o;
    if line.echo && code == 0 {
        outcome.stdout.push('\n');
        raw.push(b'\n');
    }
    if let Some(target) = &line.redirect {
        // Bytes as the command wrote them (an image fetched with curl stays an image).
        if let Err(e) = std::fs::write(target, &raw) {
            outcome
                .stderr
                .push_str(&format!("podlab run: cannot write {target}: {e}\n"));
            outcome.exit = 1;
        }
        outcome.stdout.clear();
    }
    Ok(outcome)
}
