//! Text filters: head, tail, wc, grep, sort, seq.

use super::{args, base, done, Program, ShellFn};
use crate::fs::normalize;
use crate::shell::exec::{Exec, Flow, Io};

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::every("head", |ex, argv, io| {
        head_tail(ex, base(argv), args(argv), io)
    }),
    Program::every("tail", |ex, argv, io| {
        head_tail(ex, base(argv), args(argv), io)
    }),
    Program::every("wc", |ex, argv, io| wc(ex, args(argv), io)),
    Program::every("grep", |ex, argv, io| grep(ex, args(argv), io)),
    Program::every("sort", sort),
    Program::every("seq", seq),
];

fn sort(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let Some(text) = inputs(ex, args(argv), io, "sort") else {
        return done(ex, 2);
    };
    let mut lines: Vec<&str> = text.lines().collect();
    crate::sort::sort(&mut lines);
    let out: String = lines.iter().map(|l| format!("{l}\n")).collect();
    ex.out(io, &out);
    done(ex, 0)
}

/// `seq [FIRST [INCREMENT]] LAST`, written in chunks: it stops where its output
/// cannot go on (a failed write, a full pipe, a limit).
fn seq(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let nums: Vec<i64> = args(argv).iter().filter_map(|a| a.parse().ok()).collect();
    let (a, step, b) = match nums.as_slice() {
        [b] => (1, 1, *b),
        [a, b] => (*a, 1, *b),
        [a, s, b, ..] => (*a, *s, *b),
        _ => return done(ex, 1),
    };
    if step == 0 {
        ex.err(io, "seq: invalid Zero increment value: '0'\n");
        return done(ex, 1);
    }
    let mut n = a;
    let mut chunk = String::new();
    let mut count = 0u32;
    let out = io.out.clone();
    while (step > 0 && n <= b) || (step < 0 && n >= b) {
        chunk.push_str(&n.to_string());
        chunk.push('\n');
        count += 1;
        n = match n.checked_add(step) {
            Some(n) => n,
            None => break,
        };
        if chunk.len() >= 1 << 15 {
            // Four numbers a step: `seq 1 1000000` fits a line's budget.
            if let Some(f) = ex.tick(std::mem::take(&mut count) / 4) {
                return f;
            }
            ex.write(&out, chunk.as_bytes());
            chunk.clear();
            if ex.blocked(&out) {
                return done(ex, 1);
            }
        }
    }
    ex.write(&out, chunk.as_bytes());
    done(ex, 0)
}

/// The concatenated input of a text filter: its files, or stdin.
fn inputs(ex: &mut Exec, files: &[String], io: &Io, prog: &str) -> Option<String> {
    input_bytes(ex, files, io, prog).map(|d| String::from_utf8_lossy(&d).into_owned())
}

/// What the files (or stdin) hold, as bytes.
fn input_bytes(ex: &mut Exec, files: &[String], io: &Io, prog: &str) -> Option<Vec<u8>> {
    let files: Vec<&String> = files
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .collect();
    if files.is_empty() {
        return Some(io.input.clone().unwrap_or_default());
    }
    let mut out = Vec::new();
    let mut ok = true;
    for f in files {
        if f == "-" {
            out.extend_from_slice(io.input.as_deref().unwrap_or_default());
            continue;
        }
        let path = normalize(&ex.p.cwd, f);
        let view = ex.p.view.clone();
        match ex.host.fs().read(&view, &path) {
            Ok(d) => out.extend_from_slice(d),
            Err(e) => {
                ex.err(io, &format!("{prog}: {f}: {e}\n"));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn head_tail(ex: &mut Exec, prog: &str, args: &[String], io: &Io) -> Flow {
    let mut n: usize = 10;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            i += 1;
            n = args.get(i).and_then(|v| v.parse().ok()).unwrap_or(10);
        } else if let Some(v) = a
            .strip_prefix("-n")
            .or_else(|| a.strip_prefix('-'))
            .and_then(|v| v.parse().ok())
        {
            n = v;
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(text) = inputs(ex, &files, io, prog) else {
        return done(ex, 1);
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if prog == "head" && lines.len() > n {
        // head stops reading here: a writer that goes on does not matter.
        ex.close_input();
    }
    let pick: String = if prog == "head" {
        lines.iter().take(n).copied().collect()
    } else {
        lines
            .iter()
            .skip(lines.len().saturating_sub(n))
            .copied()
            .collect()
    };
    ex.out(io, &pick);
    done(ex, 0)
}

fn wc(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let files: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let Some(data) = input_bytes(ex, &files, io, "wc") else {
        return done(ex, 1);
    };
    let (l, w, c) = (
        data.iter().filter(|b| **b == b'\n').count(),
        data.split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .count(),
        data.len(),
    );
    let mut parts = Vec::new();
    if flags.is_empty() || flags.contains('l') {
        parts.push(l);
    }
    if flags.is_empty() || flags.contains('w') {
        parts.push(w);
    }
    if flags.is_empty() || flags.contains('c') {
        parts.push(c);
    }
    let mut line = if parts.len() == 1 {
        parts[0].to_string()
    } else {
        parts
            .iter()
            .map(|p| format!("{p:>7}"))
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start()
            .to_string()
    };
    if let Some(f) = files.first() {
        line.push_str(&format!(" {f}"));
    }
    ex.out(io, &format!("{line}\n"));
    done(ex, 0)
}

/// grep with fixed strings (-F semantics for every pattern; no regular expressions).
fn grep(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut flags = String::new();
    let mut rest = Vec::new();
    for a in args {
        if a.len() > 1 && a.starts_with('-') && rest.is_empty() {
            flags.push_str(&a[1..]);
        } else {
            rest.push(a.clone());
        }
    }
    let Some(pattern) = rest.first().cloned() else {
        ex.err(io, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return done(ex, 2);
    };
    let Some(text) = inputs(ex, &rest[1..], io, "grep") else {
        return done(ex, 2);
    };
    let ci = flags.contains('i');
    let inv = flags.contains('v');
    let p = if ci {
        pattern.to_lowercase()
    } else {
        pattern.clone()
    };
    let hits: Vec<&str> = text
        .lines()
        .filter(|l| {
            let l = if ci { l.to_lowercase() } else { l.to_string() };
            l.contains(&p) != inv
        })
        .collect();
    if flags.contains('c') {
        ex.out(io, &format!("{}\n", hits.len()));
    } else if !flags.contains('q') {
        let out: String = hits.iter().map(|l| format!("{l}\n")).collect();
        ex.out(io, &out);
    }
    done(ex, i32::from(hits.is_empty()))
}
