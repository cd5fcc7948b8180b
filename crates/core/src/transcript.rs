//! Transcripts: a session written down as commands and what they printed.
//!
//! ```text
//! # a comment
//! $ podlab kubectl get pods
//! NAME   READY   STATUS    RESTARTS   AGE
//! tea    1/1     Running   0          20s
//! $ podlab kubectl get pod nope
//! ! exit 1
//! ! stderr: Error from server (NotFound): pods "nope" not found
//! ```
//!
//! Lines starting `$ ` are commands; the lines under one are its standard output.
//! `! exit N` expects an exit code other than 0 and `! stderr: TEXT` a line of standard
//! error starting with TEXT. An output line starting with a backslash is taken without
//! it (for output beginning with `#`, `$ `, `! ` or a backslash). A command may end in
//! `> FILE` to write its output to FILE instead, `< FILE` to read its standard input
//! from FILE, or `&& echo` to add a newline when it succeeds (as the chapter writes
//! after a JSONPath).
//!
//! This is the one transcript format and runner: `podlab run` replays a transcript
//! file with [`replay`], and core's own tests check theirs with [`check`].

use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Comment(String),
    Step(Step),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line of the `$ ` line.
    pub line: usize,
    pub command: String,
    pub stdout: String,
    pub exit: i32,
    /// Prefixes of lines expected on standard error.
    pub stderr: Vec<String>,
}

/// What one command did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

/// A line of the transcript that cannot be read, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Vec<Item>, ParseError> {
    let mut items: Vec<Item> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.starts_with('#') {
            items.push(Item::Comment(line.to_string()));
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            items.push(Item::Step(Step {
                line: line_no,
                command: cmd.to_string(),
                stdout: String::new(),
                exit: 0,
                stderr: Vec::new(),
            }));
            continue;
        }
        let Some(Item::Step(step)) = items.iter_mut().rev().find(|i| matches!(i, Item::Step(_)))
        else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(ParseError {
                line: line_no,
                message: "output before the first command (commands start with \"$ \")".into(),
            });
        };
        if let Some(code) = line.strip_prefix("! exit ") {
            step.exit = code.trim().parse().map_err(|_| ParseError {
                line: line_no,
                message: format!("invalid exit code {:?}", code.trim()),
            })?;
        } else if let Some(e) = line.strip_prefix("! stderr: ") {
            step.stderr.push(e.to_string());
        } else if line.starts_with("! ") {
            return Err(ParseError {
                line: line_no,
                message: format!(
                    "unknown directive {line:?} (expected \"! exit N\" or \"! stderr: TEXT\"; escape output with a backslash)"
                ),
            });
        } else {
            step.stdout
                .push_str(line.strip_prefix('\\').unwrap_or(line));
            step.stdout.push('\n');
        }
    }
    Ok(items)
}

/// A command line split into what runs, where its output goes, where its input comes
/// from, and whether `&& echo` follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub words: Vec<String>,
    pub redirect: Option<String>,
    pub stdin: Option<String>,
    pub echo: bool,
}

pub fn split_command(command: &str) -> Result<CommandLine, crate::kubectl::UnterminatedQuote> {
    let (text, echo) = match command.strip_suffix(" && echo") {
        Some(c) => (c, true),
        None => (command, false),
    };
    let (text, redirect) = match unquoted(text, " > ") {
        Some(at) => (&text[..at], Some(text[at + 3..].trim().to_string())),
        None => (text, None),
    };
    let (text, stdin) = match unquoted(text, " < ") {
        Some(at) => (&text[..at], Some(text[at + 3..].trim().to_string())),
        None => (text, None),
    };
    let words = crate::kubectl::split_words(text)?;
    Ok(CommandLine {
        words,
        redirect,
        stdin,
        echo,
    })
}

/// Where `token` (` > `, ` < `) redirects the command: the first one outside quotes.
fn unquoted(text: &str, token: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"'), '\\') | (None, '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (None, ' ') if text[i..].starts_with(token) => return Some(i),
            _ => {}
        }
    }
    None
}

/// Writes an output line so that [`parse`] reads it back unchanged.
fn escape_line(line: &str) -> String {
    if line.starts_with('#')
        || line.starts_with("$ ")
        || line.starts_with("! ")
        || line.starts_with('\\')
    {
        format!("\\{line}")
    } else {
        line.to_string()
    }
}

/// The transcript text for a command and what it did (what `podlab run` prints).
pub fn render(command: &str, outcome: &Outcome) -> String {
    let mut s = format!("$ {command}\n");
    for line in outcome.stdout.lines() {
        s.push_str(&escape_line(line));
        s.push('\n');
    }
    if outcome.exit != 0 {
        let _ = writeln!(s, "! exit {}", outcome.exit);
    }
    for line in outcome.stderr.lines() {
        let _ = writeln!(s, "! stderr: {line}");
    }
    s
}

/// How a command's outcome differs from the transcript, or `None` when it matches.
pub fn difference(step: &Step, outcome: &Outcome) -> Option<String> {
    let missing: Vec<&String> = step
        .stderr
        .iter()
        .filter(|want| !outcome.stderr.lines().any(|l| l.starts_with(want.as_str())))
        .collect();
    if outcome.stdout == step.stdout && outcome.exit == step.exit && missing.is_empty() {
        return None;
    }
    let mut s = String::new();
    if outcome.exit != step.exit {
        let _ = writeln!(
            s,
            "  exit code: expected {}, got {}",
            step.exit, outcome.exit
        );
    }
    if outcome.stdout != step.stdout {
        s.push_str("  stdout (- expected, + actual):\n");
        s.push_str(&line_diff(&step.stdout, &outcome.stdout));
    }
    for want in missing {
        let _ = writeln!(s, "  stderr: no line starts with {want:?}");
    }
    if !outcome.stderr.is_empty() && (outcome.exit != step.exit || !step.stderr.is_empty()) {
        s.push_str("  actual stderr:\n");
        for line in outcome.stderr.lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    Some(s)
}

/// What a replay does with each command's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compare it with the transcript's expected output ([`difference`]).
    Check,
    /// Print the transcript anew with it ([`render`]).
    Print,
}

/// How a replay went: how many commands ran, and how many differed ([`Mode::Check`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub differ: usize,
}

/// Replays the transcript `items` read from `name`: `run` runs each step's command and
/// says what it did; `emit` is handed what to show as the replay goes. With
/// [`Mode::Print`] that is the transcript with what each command printed now (comments
/// kept); with [`Mode::Check`], for each command that differs, `NAME:LINE: $ COMMAND`
/// and the difference. The first error from `run` or `emit` stops the replay.
pub fn replay<E>(
    name: &str,
    items: &[Item],
    mode: Mode,
    mut run: impl FnMut(&Step) -> Result<Outcome, E>,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<Summary, E> {
    let mut summary = Summary::default();
    for item in items {
        let step = match item {
            Item::Comment(c) => {
                if mode == Mode::Print {
                    emit(&format!("{c}\n"))?;
                }
                continue;
            }
            Item::Step(step) => step,
        };
        summary.total += 1;
        let outcome = run(step)?;
        match mode {
            Mode::Check => {
                if let Some(d) = difference(step, &outcome) {
                    summary.differ += 1;
                    emit(&format!("{name}:{}: $ {}\n{d}", step.line, step.command))?;
                }
            }
            Mode::Print => emit(&render(&step.command, &outcome))?,
        }
    }
    Ok(summary)
}

/// Why [`check`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The transcript `name` does not parse: at which line and why.
    Parse {
        name: String,
        line: usize,
        message: String,
    },
    /// Commands differ: the report of every difference, and their count.
    Differs(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Parse {
                name,
                line,
                message,
            } => write!(f, "{name}:{line}: {message}"),
            CheckError::Differs(report) => f.write_str(report),
        }
    }
}

impl std::error::Error for CheckError {}

/// Checks the transcript `text` (from `name`) with `run` running each command: `Err`
/// with every difference and a count when any command differs, or when the text
/// cannot be read (for tests).
pub fn check(
    name: &str,
    text: &str,
    run: impl FnMut(&Step) -> Outcome,
) -> Result<Summary, CheckError> {
    let items = parse(text).map_err(|e| CheckError::Parse {
        name: name.to_string(),
        line: e.line,
        message: e.message,
    })?;
    let mut run = run;
    let mut report = String::new();
    let summary = replay(
        name,
        &items,
        Mode::Check,
        |step| Ok::<_, std::convert::Infallible>(run(step)),
        |text| {
            report.push_str(text);
            Ok(())
        },
    )
    .unwrap_or_else(|e| match e {});
    if summary.differ > 0 {
        let _ = write!(
            report,
            "{} of {} commands differ from {name}",
            summary.differ, summary.total
        );
        return Err(CheckError::Differs(report));
    }
    Ok(summary)
}

/// A line diff (longest common subsequence) of two texts: `-` lines only in `a`, `+`
/// lines only in `b`, unchanged lines with two spaces.
pub fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let mut out = String::new();
    // Past this size print both sides whole rather than build the table.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        for l in &a {
            let _ = writeln!(out, "    -{l}");
        }
        for l in &b {
            let _ = writeln!(out, "    +{l}");
        }
        return out;
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            let _ = writeln!(out, "     {}", a[i]);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            let _ = writeln!(out, "    -{}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "    +{}", b[j]);
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_render_round_trip() {
        let outcome = Outcome {
            stdout: "# TYPE x\n$ not a command\n! bang\n\\back\nplain\n".into(),
            stderr: "error: boom\n".into(),
            exit: 1,
        };
        let text = render("podlab kubectl get pods", &outcome);
        let items = parse(&text).unwrap();
        let [Item::Step(step)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(step.stdout, outcome.stdout);
        assert_eq!(step.exit, 1);
        assert_eq!(difference(step, &outcome), None);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("oops\n").unwrap_err().line, 1);
        assert_eq!(parse("$ podlab x\n! exit one\n").unwrap_err().line, 2);
        assert_eq!(parse("# c\n$ podlab x\n! what\n").unwrap_err().line, 3);
    }

    #[test]
    fn differences_are_reported() {
        let step = Step {
            line: 1,
            command: "podlab x".into(),
            stdout: "a\nb\nc\n".into(),
            exit: 0,
            stderr: vec!["warn".into()],
        };
        let got = Outcome {
            stdout: "a\nB\nc\n".into(),
            stderr: String::new(),
            exit: 1,
        };
        let d = difference(&step, &got).unwrap();
        assert!(d.contains("exit code: expected 0, got 1"), "{d}");
        assert!(d.contains("    -b\n    +B\n"), "{d}");
        assert!(d.contains("no line starts with \"warn\""), "{d}");
    }

    #[test]
    fn command_lines() {
        let c = split_command("podlab kubectl get pod tea -o jsonpath='{.x}' && echo").unwrap();
        assert_eq!(
            c.words,
            [
                "podlab",
                "kubectl",
                "get",
                "pod",
                "tea",
                "-o",
                "jsonpath={.x}"
            ]
        );
        assert!(c.echo);
        let c = split_command("podlab kubectl get pods -o yaml > out.yaml").unwrap();
        assert_eq!(c.redirect.as_deref(), Some("out.yaml"));
        // A `>` inside quotes belongs to the command.
        let c = split_command("podlab ssh n 'echo a > b' > out.txt").unwrap();
        assert_eq!(c.words, ["podlab", "ssh", "n", "echo a > b"]);
        assert_eq!(c.redirect.as_deref(), Some("out.txt"));
        let c = split_command("podlab kubectl exec -i tea -- sh < script.sh > out").unwrap();
        assert_eq!(c.stdin.as_deref(), Some("script.sh"));
        assert_eq!(c.redirect.as_deref(), Some("out"));
        assert_eq!(c.words.last().map(String::as_str), Some("sh"));
        let c = split_command("podlab ssh n \"echo a > b\"").unwrap();
        assert_eq!((c.words.len(), c.redirect), (4, None));
    }
}
