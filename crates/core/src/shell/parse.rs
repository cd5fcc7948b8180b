//! The POSIX `sh` grammar subset container commands use: simple commands with
//! assignments and redirections, pipelines, `&&`/`||`, `;`/`&`/newline lists, `!`,
//! `{ ...; }`, `( ... )`, `if`/`elif`/`else`, `while`/`until`, `for ... in`, single and
//! double quotes, backslashes, `$VAR`, `${VAR}`, `${VAR:-word}`, `$?`, `$#`, `$@`,
//! `$(...)`, backquotes and `$((...))`.

use super::lex::{Lexer, Tok};
use serde::{Deserialize, Serialize};

/// A list of and-or lists (`a; b && c`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Script(pub Vec<AndOr>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndOr {
    pub first: Pipeline,
    /// `(true, p)` for `&& p`, `(false, p)` for `|| p`.
    pub rest: Vec<(bool, Pipeline)>,
    /// Ended with `&`: runs as a background job.
    #[serde(default)]
    pub background: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub negate: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    Simple {
        assigns: Vec<(String, Word)>,
        words: Vec<Word>,
        redirs: Vec<Redir>,
    },
    Compound(Compound, Vec<Redir>),
    /// `name() compound-command`: defines a function.
    Function {
        name: String,
        body: Box<Command>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compound {
    Brace(Script),
    Subshell(Script),
    If {
        /// `if`/`elif` conditions with their bodies.
        branches: Vec<(Script, Script)>,
        otherwise: Option<Script>,
    },
    Loop {
        cond: Script,
        body: Script,
        until: bool,
    },
    /// `case WORD in PATTERN|PATTERN) LIST ;; ... esac`
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, Script)>,
    },
    For {
        var: String,
        /// `None` for `for x; do` (the positional parameters).
        words: Option<Vec<Word>>,
        body: Script,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redir {
    pub fd: u32,
    pub op: RedirOp,
    pub target: Word,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirOp {
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `>&N` (target is the fd number)
    Dup,
    /// `<<EOF`, `<<< word`: the target is the document's text.
    HereDoc,
}

/// A word: parts concatenated after expansion.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Word(pub Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    /// Unquoted text: field splitting and pathname expansion apply.
    Lit(String),
    /// Quoted text, taken as is.
    Quoted(String),
    /// `$name`, `${name}`, `${name:-word}`; `quoted` inside double quotes.
    Param {
        name: String,
        op: Option<(String, Word)>,
        quoted: bool,
    },
    /// `$(...)` or backquotes.
    Subst { script: Script, quoted: bool },
    /// `$((...))`
    Arith { expr: String, quoted: bool },
    /// `<(...)`: a path from which the list's output is read.
    ProcSubst(Script),
}

impl Word {
    /// The word's text when it is a plain literal (keywords, assignments).
    pub fn literal(&self) -> Option<&str> {
        match self.0.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    pub fn lit(s: &str) -> Word {
        Word(vec![Part::Lit(s.to_string())])
    }
}

/// A syntax error: what was unexpected (`"done"`, `end of file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub unexpected: String,
    pub line: usize,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.unexpected == "end of file" {
            write!(f, "syntax error: unexpected end of file")
        } else {
            write!(f, "syntax error: unexpected {}", self.unexpected)
        }
    }
}

/// Nesting limit: deeper scripts are refused rather than overflowing the stack.
pub(super) const MAX_DEPTH: usize = 100;

pub fn parse(text: &str) -> Result<Script, SyntaxError> {
    parse_depth(text, 0)
}

pub(super) fn parse_depth(text: &str, depth: usize) -> Result<Script, SyntaxError> {
    if depth > MAX_DEPTH {
        return Err(SyntaxError {
            unexpected: "nesting".into(),
            line: 1,
        });
    }
    let mut p = Parser {
        lx: Lexer {
            src: text.as_bytes(),
            text,
            pos: 0,
            line: 1,
            depth,
            heredoc_end: None,
        },
        peeked: None,
        depth,
    };
    let script = p.list(&[])?;
    match p.next()? {
        Tok::Eof => Ok(script),
        t => Err(p.unexpected(&t)),
    }
}

struct Parser<'a> {
    lx: Lexer<'a>,
    peeked: Option<Tok>,
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("\"{}\"", w.literal().unwrap_or("word")),
        Tok::Op(o) => format!("\"{o}\""),
        Tok::Redir(..) | Tok::HereDoc(..) => "redirection".into(),
        Tok::Newline => "newline".into(),
        Tok::Eof => "end of file".into(),
    }
}

const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in", "{", "}", "!",
    "case", "esac",
];

impl Parser<'_> {
    fn next(&mut self) -> Result<Tok, SyntaxError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lx.next(),
        }
    }

    fn peek(&mut self) -> Result<&Tok, SyntaxError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lx.next()?);
        }
        Ok(self.peeked.as_ref().unwrap_or(&Tok::Eof))
    }

    fn unexpected(&self, t: &Tok) -> SyntaxError {
        SyntaxError {
            unexpected: describe(t),
            line: self.lx.line,
        }
    }

    fn peek_keyword(&mut self) -> Result<Option<&'static str>, SyntaxError> {
        Ok(match self.peek()? {
            Tok::Word(w) => w
                .literal()
                .and_then(|l| KEYWORDS.iter().find(|k| **k == l).copied()),
            _ => None,
        })
    }

    fn skip_newlines(&mut self) -> Result<(), SyntaxError> {
        while matches!(self.peek()?, Tok::Newline) {
            self.next()?;
        }
        Ok(())
    }

    /// A list up to one of the `stop` keywords (not consumed) or `)` / end of input.
    fn list(&mut self, stop: &[&str]) -> Result<Script, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines()?;
            if let Some(k) = self.peek_keyword()? {
                if stop.contains(&k) {
                    break;
                }
            }
            if matches!(self.peek()?, Tok::Eof | Tok::Op(")")) {
                break;
            }
            items.push(self.and_or()?);
            match self.peek()? {
                Tok::Op("&") => {
                    self.next()?;
                    if let Some(last) = items.last_mut() {
                        last.background = true;
                    }
                }
                Tok::Op(";") | Tok::Newline => {
                    self.next()?;
                }
                _ => break,
            }
        }
        Ok(Script(items))
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let and = match self.peek()? {
                Tok::Op("&&") => true,
                Tok::Op("||") => false,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            rest.push((and, self.pipeline()?));
        }
        Ok(AndOr {
            first,
            rest,
            background: false,
        })
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let mut negate = false;
        if self.peek_keyword()? == Some("!") {
            self.next()?;
            negate = true;
        }
        let mut commands = vec![self.command()?];
        while matches!(self.peek()?, Tok::Op("|")) {
            self.next()?;
            self.skip_newlines()?;
            commands.push(self.command()?);
        }
        Ok(Pipeline { negate, commands })
    }

    fn expect_keyword(&mut self, k: &str) -> Result<(), SyntaxError> {
        self.skip_newlines()?;
        let t = self.next()?;
        match &t {
            Tok::Word(w) if w.literal() == Some(k) => Ok(()),
            _ => Err(self.unexpected(&t)),
        }
    }

    fn nested(&mut self, stop: &[&str]) -> Result<Script, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.lx.err("nesting"));
        }
        self.depth += 1;
        let s = self.list(stop);
        self.depth -= 1;
        let s = s?;
        if s.0.is_empty() {
            let t = self.next()?;
            return Err(self.unexpected(&t));
        }
        Ok(s)
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        let compound = match self.peek_keyword()? {
            Some("{") => {
                self.next()?;
                let body = self.nested(&["}"])?;
                self.expect_keyword("}")?;
                Some(Compound::Brace(body))
            }
            Some("if") => {
                self.next()?;
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let cond = self.nested(&["then"])?;
                    self.expect_keyword("then")?;
                    let body = self.nested(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    match self.next()? {
                        Tok::Word(w) if w.literal() == Some("elif") => continue,
                        Tok::Word(w) if w.literal() == Some("else") => {
                            otherwise = Some(self.nested(&["fi"])?);
                            self.expect_keyword("fi")?;
                            break;
                        }
                        Tok::Word(w) if w.literal() == Some("fi") => break,
                        t => return Err(self.unexpected(&t)),
                    }
                }
                Some(Compound::If {
                    branches,
                    otherwise,
                })
            }
            Some(k @ ("while" | "until")) => {
                self.next()?;
                let cond = self.nested(&["do"])?;
                self.expect_keyword("do")?;
                let body = self.nested(&["done"])?;
                self.expect_keyword("done")?;
                Some(Compound::Loop {
                    cond,
                    body,
                    until: k == "until",
                })
            }
            Some("for") => {
                self.next()?;
                let var = match self.next()? {
                    Tok::Word(w) => match w.literal() {
                        Some(v) if is_name(v) => v.to_string(),
                        _ => return Err(self.lx.err("bad for loop variable")),
                    },
                    t => return Err(self.unexpected(&t)),
                };
                let mut words = None;
                if matches!(self.peek()?, Tok::Op(";")) {
                    self.next()?;
                } else {
                    self.skip_newlines()?;
                    if self.peek_keyword()? == Some("in") {
                        self.next()?;
                        let mut ws = Vec::new();
                        while let Tok::Word(_) = self.peek()? {
                            if let Tok::Word(w) = self.next()? {
                                ws.push(w);
                            }
                        }
                        match self.next()? {
                            Tok::Op(";") | Tok::Newline => {}
                            t => return Err(self.unexpected(&t)),
                        }
                        words = Some(ws);
                    }
                }
                self.expect_keyword("do")?;
                let body = self.nested(&["done"])?;
                self.expect_keyword("done")?;
                Some(Compound::For { var, words, body })
            }
            Some("case") => {
                self.next()?;
                let word = match self.next()? {
                    Tok::Word(w) => w,
                    t => return Err(self.unexpected(&t)),
                };
                self.expect_keyword("in")?;
                let mut arms = Vec::new();
                loop {
                    self.skip_newlines()?;
                    if self.peek_keyword()? == Some("esac") {
                        self.next()?;
                        break;
                    }
                    if matches!(self.peek()?, Tok::Op("(")) {
                        self.next()?;
                    }
                    let mut patterns = Vec::new();
                    loop {
                        match self.next()? {
                            Tok::Word(w) => patterns.push(w),
                            t => return Err(self.unexpected(&t)),
                        }
                        match self.next()? {
                            Tok::Op("|") => continue,
                            Tok::Op(")") => break,
                            t => return Err(self.unexpected(&t)),
                        }
                    }
                    if self.depth >= MAX_DEPTH {
                        return Err(self.lx.err("nesting"));
                    }
                    self.depth += 1;
                    let body = self.list(&["esac"]);
                    self.depth -= 1;
                    arms.push((patterns, body?));
                    self.skip_newlines()?;
                    match self.next()? {
                        Tok::Op(";;") => {}
                        Tok::Word(w) if w.literal() == Some("esac") => break,
                        t => return Err(self.unexpected(&t)),
                    }
                }
                Some(Compound::Case { word, arms })
            }
            Some(k @ ("then" | "elif" | "else" | "fi" | "do" | "done" | "}" | "in" | "esac")) => {
                return Err(SyntaxError {
                    unexpected: format!("\"{k}\""),
                    line: self.lx.line,
                })
            }
            _ => None,
        };
        let compound = match compound {
            Some(c) => Some(c),
            None if matches!(self.peek()?, Tok::Op("(")) => {
                self.next()?;
                if self.depth >= MAX_DEPTH {
                    return Err(self.lx.err("nesting"));
                }
                self.depth += 1;
                let body = self.list(&[]);
                self.depth -= 1;
                let body = body?;
                match self.next()? {
                    Tok::Op(")") => {}
                    t => return Err(self.unexpected(&t)),
                }
                Some(Compound::Subshell(body))
            }
            None => None,
        };
        if let Some(c) = compound {
            let mut redirs = Vec::new();
            while let Tok::Redir(..) | Tok::HereDoc(..) = self.peek()? {
                redirs.extend(self.redir()?);
            }
            return Ok(Command::Compound(c, redirs));
        }
        let mut assigns = Vec::new();
        let mut words = Vec::new();
        let mut redirs = Vec::new();
        loop {
            match self.peek()? {
                Tok::Redir(..) | Tok::HereDoc(..) => redirs.extend(self.redir()?),
                Tok::Word(_) => {
                    let Tok::Word(w) = self.next()? else { break };
                    if words.is_empty() {
                        if let Some((name, value)) = split_assignment(&w) {
                            assigns.push((name, value));
                            continue;
                        }
                        let name = w.literal().filter(|n| is_name(n)).map(str::to_string);
                        if let (Some(name), true, true) =
                            (name, assigns.is_empty(), redirs.is_empty())
                        {
                            if matches!(self.peek()?, Tok::Op("(")) {
                                return self.function(name);
                            }
                        }
                    }
                    words.push(w);
                }
                _ => break,
            }
        }
        if assigns.is_empty() && words.is_empty() && redirs.is_empty() {
            let t = self.next()?;
            return Err(self.unexpected(&t));
        }
        Ok(Command::Simple {
            assigns,
            words,
            redirs,
        })
    }

    /// `name() BODY` after the name: the body is a compound command.
    fn function(&mut self, name: String) -> Result<Command, SyntaxError> {
        self.next()?;
        match self.next()? {
            Tok::Op(")") => {}
            t => return Err(self.unexpected(&t)),
        }
        self.skip_newlines()?;
        if self.depth >= MAX_DEPTH {
            return Err(self.lx.err("nesting"));
        }
        self.depth += 1;
        let body = self.command();
        self.depth -= 1;
        match body? {
            body @ Command::Compound(..) => Ok(Command::Function {
                name,
                body: Box::new(body),
            }),
            _ => Err(self.lx.err("\"(\"")),
        }
    }

    fn redir(&mut self) -> Result<Vec<Redir>, SyntaxError> {
        let (fd, op) = match self.next()? {
            Tok::Redir(fd, op) => (fd, op),
            Tok::HereDoc(fd, target) => {
                return Ok(vec![Redir {
                    fd,
                    op: RedirOp::HereDoc,
                    target,
                }])
            }
            _ => return Err(self.lx.err("redirection")),
        };
        let target = match self.next()? {
            Tok::Word(w) => w,
            t => return Err(self.unexpected(&t)),
        };
        if fd == 99 {
            // `&>file`
            return Ok(vec![
                Redir { fd: 1, op, target },
                Redir {
                    fd: 2,
                    op: RedirOp::Dup,
                    target: Word::lit("1"),
                },
            ]);
        }
        Ok(vec![Redir { fd, op, target }])
    }
}

pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` at the start of a simple command.
fn split_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.0.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    if !rest.is_empty() {
        // The value is not field-split: keep it quoted.
        parts.push(Part::Quoted(rest.to_string()));
    }
    for p in &w.0[1..] {
        parts.push(match p {
            Part::Lit(s) => Part::Quoted(s.clone()),
            Part::Param { name, op, .. } => Part::Param {
                name: name.clone(),
                op: op.clone(),
                quoted: true,
            },
            Part::Subst { script, .. } => Part::Subst {
                script: script.clone(),
                quoted: true,
            },
            Part::Arith { expr, .. } => Part::Arith {
                expr: expr.clone(),
                quoted: true,
            },
            q => q.clone(),
        });
    }
    Some((name.to_string(), Word(parts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sidecar_loop() {
        let s = parse("while true ; do [ ! -d /html/.git ] && git  clone /html/ || { cd /html; git pull; } ; date; sleep 5 ; done").unwrap();
        assert_eq!(s.0.len(), 1);
        let Command::Compound(Compound::Loop { body, .. }, _) = &s.0[0].first.commands[0] else {
            panic!("not a loop: {s:?}");
        };
        assert_eq!(body.0.len(), 3);
        assert_eq!(body.0[0].rest.len(), 2);
    }

    #[test]
    fn errors_name_the_token() {
        for (src, want) in [
            ("done", "syntax error: unexpected \"done\""),
            ("while true; do", "syntax error: unexpected end of file"),
            (
                "echo 'abc",
                "syntax error: unexpected end of file (expecting \"'\")",
            ),
            ("a && ", "syntax error: unexpected end of file"),
            ("( echo", "syntax error: unexpected end of file"),
            (
                "echo ${",
                "syntax error: unexpected end of file (expecting \"}\")",
            ),
            ("if true; then fi", "syntax error: unexpected \"fi\""),
        ] {
            assert_eq!(parse(src).unwrap_err().to_string(), want, "{src}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "(".repeat(10_000);
        assert!(parse(&src).is_err());
        let src = "$(".repeat(10_000);
        assert!(parse(&src).is_err());
    }
}
