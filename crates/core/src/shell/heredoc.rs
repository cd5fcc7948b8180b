//! Here-documents (`<<EOF`, `<<'EOF'`, `<<-EOF`) and bash's here-strings (`<<< word`).
//!
//! The lexer meets `<<` in the middle of a line; the document's body starts after the
//! line's newline (after the bodies of earlier here-documents on the same line) and
//! ends at a line that is the delimiter alone. The body becomes the redirection's word:
//! quoted text when any part of the delimiter was quoted, otherwise text with `$name`,
//! `${...}`, `$(...)`, backquotes and `$((...))` expanded as inside double quotes.

use super::lex::{Lexer, Tok};
use super::parse::{Part, SyntaxError, Word};

impl Lexer<'_> {
    /// After `<<` (at the `-` of `<<-` or the delimiter, blanks allowed), or after `<<<`
    /// with `here_string`.
    pub(super) fn here_doc(&mut self, fd: u32, here_string: bool) -> Result<Tok, SyntaxError> {
        let strip = !here_string && self.peek_byte() == Some(b'-');
        if strip {
            self.pos += 1;
        }
        while matches!(self.peek_byte(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        let start = self.pos;
        let word = self.word()?;
        if self.pos == start {
            let what = match self.peek_byte() {
                None => "end of file".to_string(),
                Some(b'\n') => "newline".to_string(),
                Some(b) => format!("\"{}\"", b as char),
            };
            return Err(self.err(&what));
        }
        if here_string {
            let mut parts = word.0;
            parts.push(Part::Quoted("\n".into()));
            return Ok(Tok::HereDoc(fd, Word(parts)));
        }
        let raw = &self.text[start..self.pos];
        let quoted = raw.contains(['\'', '"', '\\']);
        let delim: String = raw
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        // Where the body starts: after this line, or after the documents already
        // opened on it.
        let body_start = match self.heredoc_end {
            Some((end, _)) => end,
            None => match self.text.get(self.pos..).and_then(|r| r.find('\n')) {
                Some(i) => self.pos + i + 1,
                None => return Err(self.unterminated(&delim)),
            },
        };
        let mut body = String::new();
        let mut at = body_start;
        let mut lines = 0;
        let end = loop {
            let Some(rest) = self.text.get(at..).filter(|r| !r.is_empty()) else {
                return Err(self.unterminated(&delim));
            };
            let (line, next) = match rest.find('\n') {
                Some(i) => (&rest[..i], at + i + 1),
                None => (rest, self.text.len()),
            };
            lines += 1;
            let line = if strip {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == delim {
                break next;
            }
            body.push_str(line);
            body.push('\n');
            at = next;
        };
        let before = self.heredoc_end.map_or(0, |(_, n)| n);
        self.heredoc_end = Some((end, before + lines));
        let word = if quoted {
            Word(vec![Part::Quoted(body)])
        } else {
            expandable(&body, self.depth, self.line)?
        };
        Ok(Tok::HereDoc(fd, word))
    }

    fn unterminated(&self, delim: &str) -> SyntaxError {
        self.err(&format!("end of file (expecting \"{delim}\")"))
    }

    /// At a newline that ends a line with here-documents: past their bodies.
    pub(super) fn skip_here_docs(&mut self) {
        if let Some((end, lines)) = self.heredoc_end.take() {
            self.pos = end;
            self.line += lines;
        }
    }
}

/// An unquoted here-document's body: text as inside double quotes, where a backslash
/// escapes only `$`, a backquote, a backslash and a newline, and `"` is itself.
fn expandable(body: &str, depth: usize, line: usize) -> Result<Word, SyntaxError> {
    let mut lx = Lexer {
        src: body.as_bytes(),
        text: body,
        pos: 0,
        line,
        depth,
        heredoc_end: None,
    };
    let mut parts = Vec::new();
    let mut s = String::new();
    while let Some(b) = lx.peek_byte() {
        match b {
            b'\\' => {
                lx.pos += 1;
                match lx.next_char() {
                    Some(c @ ('$' | '`' | '\\')) => s.push(c),
                    Some('\n') => {}
                    Some(c) => {
                        s.push('\\');
                        s.push(c);
                    }
                    None => s.push('\\'),
                }
            }
            b'$' | b'`' => match lx.dollar(true)? {
                Part::Quoted(t) => s.push_str(&t),
                p => {
                    parts.push(Part::Quoted(std::mem::take(&mut s)));
                    parts.push(p);
                }
            },
            _ => {
                if let Some(c) = lx.next_char() {
                    s.push(c);
                }
            }
        }
    }
    parts.push(Part::Quoted(s));
    Ok(Word(parts))
}
