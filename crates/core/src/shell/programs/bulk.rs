//! Programs that move data in bulk: `yes`, `dd` and `truncate`. They meet the shell's
//! and the file system's limits and say so as the real ones do (`dd: error writing
//! 'f': File too large`).

use super::{args, done, Program, ShellFn};
use crate::fs::{self, normalize, Errno};
use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::State;

pub(super) const PROGRAMS: &[Program<ShellFn>] = &[
    Program::every("yes", yes),
    Program::every("dd", |ex, argv, io| dd(ex, args(argv), io)),
    Program::every("truncate", |ex, argv, io| truncate(ex, args(argv), io)),
];

/// `yes [STRING...]`: the line again and again, until its reader stops (`yes | head`),
/// a limit stops it, or (a container's process) the run's budget is spent and it goes
/// on at the next run.
fn yes(ex: &mut Exec, argv: &[String], io: &Io) -> Flow {
    let words = args(argv);
    let line = if words.is_empty() {
        "y\n".to_string()
    } else {
        format!("{}\n", words.join(" "))
    };
    let chunk = line.repeat((8192 / line.len()).max(1));
    loop {
        if let Some(f) = ex.step() {
            return f;
        }
        if ex.blocked(&io.out) {
            // A failed write (reported by the table) or a full pipe (its reader decides).
            return done(ex, 1);
        }
        if ex.full(&io.out) {
            // This run printed its share: go on at the next run.
            ex.p.state = State::Busy;
            return Flow::Suspend;
        }
        let out = io.out.clone();
        ex.write(&out, chunk.as_bytes());
    }
}

/// A byte count with dd's and truncate's suffixes: `c` 1, `w` 2, `b` 512, `K`/`KiB`
/// 1024, `kB`/`KB` 1000, and so on up to `T`.
fn size(text: &str) -> Option<u64> {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let n: u64 = text[..digits].parse().ok()?;
    let unit = &text[digits..];
    let mult: u64 = match unit {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        _ => {
            let (letter, rest) = unit.split_at(1);
            let power = "KMGT".find(&letter.to_ascii_uppercase())? as u32 + 1;
            match rest {
                "" | "iB" => 1024u64.pow(power),
                "B" => 1000u64.pow(power),
                _ => return None,
            }
        }
    };
    n.checked_mul(mult)
}

/// GNU's `%g`: six significant digits, trailing zeros dropped.
fn g6(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&exp) {
        let s = format!("{:.5e}", x);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = m.trim_end_matches('0').trim_end_matches('.');
        let e: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    let s = format!("{:.*}", (5 - exp).max(0) as usize, x);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A size as coreutils' human-readable form: `4.2 MB` (`si`) or `4.0 MiB`.
fn human(n: f64, si: bool) -> String {
    let base = if si { 1000.0 } else { 1024.0 };
    let units = if si {
        ["B", "kB", "MB", "GB", "TB"]
    } else {
        ["B", "KiB", "MiB", "GiB", "TiB"]
    };
    let mut v = n;
    let mut i = 0;
    while v >= base && i + 1 < units.len() {
        v /= base;
        i += 1;
    }
    if i == 0 {
        format!("{} {}", v.round(), units[0])
    } else if v < 10.0 {
        format!("{v:.1} {}", units[i])
    } else {
        format!("{} {}", v.round(), units[i])
    }
}

/// What dd reads from.
enum Source {
    Data(Vec<u8>),
    Zero,
    Random(u64),
}

/// `dd if= of= bs= count= skip= seek= conv=notrunc status=none|noxfer`: copies blocks,
/// then reports the records in and out and the bytes copied on stderr (GNU's wording
/// on Debian, Ubuntu and the toolbox, busybox's on busybox and alpine images).
fn dd(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut ops = std::collections::BTreeMap::new();
    for a in args {
        let Some((k, v)) = a.split_once('=') else {
            ex.err(
                io,
                &format!("dd: unrecognized operand '{a}'\nTry 'dd --help' for more information.\n"),
            );
            return done(ex, 1);
        };
        if !matches!(
            k,
            "if" | "of"
                | "bs"
                | "ibs"
                | "obs"
                | "count"
                | "skip"
                | "seek"
                | "conv"
                | "status"
                | "iflag"
                | "oflag"
        ) {
            ex.err(
                io,
                &format!("dd: unrecognized operand '{a}'\nTry 'dd --help' for more information.\n"),
            );
            return done(ex, 1);
        }
        ops.insert(k.to_string(), v.to_string());
    }
    let number = |key: &str, default: u64| -> Result<u64, String> {
        match ops.get(key) {
            None => Ok(default),
            Some(v) => size(v).ok_or_else(|| format!("dd: invalid number: '{v}'\n")),
        }
    };
    let parsed = (|| {
        let bs = number("bs", 512)?;
        Ok::<_, String>((
            bs,
            number("count", u64::MAX)?,
            number("skip", 0)?,
            number("seek", 0)?,
        ))
    })();
    let (bs, count, skip, seek) = match parsed {
        Ok(v) => v,
        Err(msg) => {
            ex.err(io, &msg);
            return done(ex, 1);
        }
    };
    if bs == 0 {
        ex.err(io, "dd: invalid number: '0'\n");
        return done(ex, 1);
    }
    let bs = bs.min(fs::MAX_FILE_BYTES as u64 * 4) as usize;
    let view = ex.p.view.clone();
    let (now, user) = (ex.now(), ex.p.user);
    let mut source = match ops.get("if").map(String::as_str) {
        None => Source::Data(io.input.clone().unwrap_or_default()),
        Some("/dev/zero") => Source::Zero,
        Some("/dev/urandom" | "/dev/random") => Source::Random(0x9e37_79b9_7f4a_7c15),
        Some(f) => match ex.host.fs().read(&view, &normalize(&ex.p.cwd, f)) {
            Ok(d) => Source::Data(d.to_vec()),
            Err(e) => {
                ex.err(io, &format!("dd: failed to open '{f}': {e}\n"));
                return done(ex, 1);
            }
        },
    };
    let out_path = ops.get("of").map(|f| (f.clone(), normalize(&ex.p.cwd, f)));
    if let Some((shown, path)) = &out_path {
        let keep = seek > 0
            || ops
                .get("conv")
                .is_some_and(|c| c.split(',').any(|c| c == "notrunc"));
        if let Err(e) = ex.host.fs().write(&view, path, b"", keep, user, now) {
            ex.err(io, &format!("dd: failed to open '{shown}': {e}\n"));
            return done(ex, 1);
        }
    }
    let mut offset = 0usize;
    if let Source::Data(d) = &source {
        offset = (skip as usize).saturating_mul(bs).min(d.len());
    }
    let (mut full_in, mut part_in, mut full_out, mut part_out) = (0u64, 0u64, 0u64, 0u64);
    let mut bytes = 0u64;
    let mut failed: Option<Errno> = None;
    while full_in + part_in < count {
        if let Some(f) = ex.tick(1) {
            return f;
        }
        let block: Vec<u8> = match &mut source {
            Source::Data(d) => {
                let end = (offset + bs).min(d.len());
                let b = d[offset..end].to_vec();
                offset = end;
                b
            }
            Source::Zero => vec![0; bs],
            Source::Random(state) => (0..bs)
                .map(|_| {
                    *state ^= *state << 13;
                    *state ^= *state >> 7;
                    *state ^= *state << 17;
                    *state as u8
                })
                .collect(),
        };
        if block.is_empty() {
            break;
        }
        if block.len() == bs {
            full_in += 1;
        } else {
            part_in += 1;
        }
        let written = match &out_path {
            Some((_, path)) => {
                let fs = ex.host.fs();
                match fs.write(&view, path, &block, true, user, now) {
                    Ok(()) => block.len(),
                    Err(Errno::TooLarge) => {
                        let size = fs.stat(&view, path).map_or(0, |s| s.size as usize);
                        let room = fs::MAX_FILE_BYTES.saturating_sub(size).min(block.len());
                        if room > 0
                            && fs
                                .write(&view, path, &block[..room], true, user, now)
                                .is_err()
                        {
                            0
                        } else {
                            failed = Some(Errno::TooLarge);
                            room
                        }
                    }
                    Err(e) => {
                        failed = Some(e);
                        0
                    }
                }
            }
            None => {
                let out = io.out.clone();
                ex.write(&out, &block);
                if let Some(e) = ex.take_write_error() {
                    failed = Some(e);
                    0
                } else if ex.blocked(&out) {
                    // The pipe is full: its reader decides (`dd ... | head -c 10`).
                    return done(ex, 0);
                } else {
                    block.len()
                }
            }
        };
        bytes += written as u64;
        if written == block.len() && written == bs {
            full_out += 1;
        } else if written > 0 {
            part_out += 1;
        }
        if failed.is_some() {
            break;
        }
    }
    let mut report = String::new();
    if let Some(e) = failed {
        let shown = out_path
            .as_ref()
            .map_or("standard output", |(s, _)| s.as_str());
        report.push_str(&format!("dd: error writing '{shown}': {e}\n"));
    }
    let status = ops.get("status").map(String::as_str);
    if status != Some("none") {
        report.push_str(&format!(
            "{full_in}+{part_in} records in\n{full_out}+{part_out} records out\n"
        ));
        if status != Some("noxfer") {
            // The simulated disk copies a gigabyte a second.
            let secs = 0.000_012 + bytes as f64 / 1e9;
            let rate = bytes as f64 / secs;
            report.push_str(&if ex.p.system.is_busybox() {
                format!(
                    "{bytes} bytes ({}B) copied, {secs:.6} seconds, {}B/s\n",
                    human(bytes as f64, false)
                        .replace(' ', "")
                        .replace("iB", ""),
                    human(rate, false).replace(' ', "").replace("iB", "")
                )
            } else if bytes < 1000 {
                format!(
                    "{bytes} bytes copied, {} s, {}/s\n",
                    g6(secs),
                    human(rate, true)
                )
            } else {
                format!(
                    "{bytes} bytes ({}, {}) copied, {} s, {}/s\n",
                    human(bytes as f64, true),
                    human(bytes as f64, false),
                    g6(secs),
                    human(rate, true)
                )
            });
        }
    }
    ex.err(io, &report);
    done(ex, i32::from(failed.is_some()))
}

/// `truncate -s SIZE FILE...` (`-c`: do not create): sets each file's size, cutting it
/// or filling it with zero bytes. `SIZE` may be relative (`+1K`, `-1K`).
fn truncate(ex: &mut Exec, args: &[String], io: &Io) -> Flow {
    let mut spec = None;
    let mut create = true;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-s" || a == "--size" {
            i += 1;
            spec = args.get(i).cloned();
        } else if let Some(v) = a.strip_prefix("--size=").or_else(|| a.strip_prefix("-s")) {
            spec = Some(v.to_string());
        } else if a == "-c" || a == "--no-create" {
            create = false;
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(spec) = spec else {
        ex.err(io, "truncate: you must specify either '--size' or '--reference'\nTry 'truncate --help' for more information.\n");
        return done(ex, 1);
    };
    if files.is_empty() {
        ex.err(
            io,
            "truncate: missing file operand\nTry 'truncate --help' for more information.\n",
        );
        return done(ex, 1);
    }
    let (op, num) = match spec.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &spec[1..]),
        _ => (None, spec.as_str()),
    };
    let Some(n) = size(num) else {
        ex.err(io, &format!("truncate: Invalid number: '{spec}'\n"));
        return done(ex, 1);
    };
    let (view, now, user) = (ex.p.view.clone(), ex.now(), ex.p.user);
    let mut code = 0;
    for f in files {
        let path = normalize(&ex.p.cwd, &f);
        let mut data = match ex.host.fs().read(&view, &path) {
            Ok(d) => d.to_vec(),
            Err(Errno::NoEnt) if !create => continue,
            Err(Errno::NoEnt) => Vec::new(),
            Err(e) => {
                ex.err(
                    io,
                    &format!("truncate: cannot open '{f}' for writing: {e}\n"),
                );
                code = 1;
                continue;
            }
        };
        let len = data.len() as u64;
        let want = match op {
            Some('+') => len.saturating_add(n),
            Some(_) => len.saturating_sub(n),
            None => n,
        };
        let result = if want > fs::MAX_FILE_BYTES as u64 {
            Err(Errno::TooLarge)
        } else {
            data.resize(want as usize, 0);
            ex.host.fs().write(&view, &path, &data, false, user, now)
        };
        if let Err(e) = result {
            let msg = match e {
                Errno::TooLarge | Errno::NoSpace => {
                    format!("truncate: failed to truncate '{f}' at {want} bytes: {e}\n")
                }
                e => format!("truncate: cannot open '{f}' for writing: {e}\n"),
            };
            ex.err(io, &msg);
            code = 1;
        }
    }
    done(ex, code)
}
