//! The shell's lexer: words (with their quoting and substitutions), operators,
//! redirections and newlines.

use super::parse::{parse_depth, Part, RedirOp, SyntaxError, Word};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    Word(Word),
    /// An operator: `;` `&` `|` `&&` `||` `(` `)` `;;`
    Op(&'static str),
    Redir(u32, RedirOp),
    /// `<<DELIM` with the document's body (or `<<< word`) as its word.
    HereDoc(u32, Word),
    Newline,
    Eof,
}

pub(super) struct Lexer<'a> {
    pub(super) src: &'a [u8],
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) line: usize,
    pub(super) depth: usize,
    /// Where the here-documents opened on the current line end (and how many lines
    /// they span): the newline that ends the line jumps there.
    pub(super) heredoc_end: Option<(usize, usize)>,
}

impl Lexer<'_> {
    pub(super) fn peek_byte(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    pub(super) fn err(&self, what: &str) -> SyntaxError {
        SyntaxError {
            unexpected: what.into(),
            line: self.line,
        }
    }

    pub(super) fn next(&mut self) -> Result<Tok, SyntaxError> {
        // Skip blanks, line continuations and comments.
        loop {
            match self.peek_byte() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.src.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                Some(b'#') => {
                    while self.peek_byte().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(b) = self.peek_byte() else {
            return Ok(Tok::Eof);
        };
        let two = self.src.get(self.pos..self.pos + 2);
        let op = |s: &'static str| Some(s);
        let found = match (b, two) {
            (_, Some(b"&&")) => op("&&"),
            (_, Some(b"||")) => op("||"),
            (_, Some(b";;")) => op(";;"),
            (b';', _) => op(";"),
            (b'&', _) if two != Some(b"&>") => op("&"),
            (b'|', _) => op("|"),
            (b'(', _) => op("("),
            (b')', _) => op(")"),
            _ => None,
        };
        if let Some(o) = found {
            self.pos += o.len();
            return Ok(Tok::Op(o));
        }
        if b == b'\n' {
            self.pos += 1;
            self.line += 1;
            self.skip_here_docs();
            return Ok(Tok::Newline);
        }
        if b == b'<' && self.src.get(self.pos + 1) == Some(&b'(') {
            // `<(list)`: bash's process substitution, a word of its own (read as
            // `$(list)` is, from the `<`).
            let Part::Subst { script, .. } = self.dollar(false)? else {
                return Err(self.err("\"(\""));
            };
            return Ok(Tok::Word(Word(vec![Part::ProcSubst(script)])));
        }
        // Redirections, with an optional fd number in front.
        let start = self.pos;
        let mut fd_end = self.pos;
        while self.src.get(fd_end).is_some_and(u8::is_ascii_digit) {
            fd_end += 1;
        }
        if let Some(&c) = self.src.get(fd_end) {
            if c == b'>'
                || c == b'<'
                || (c == b'&' && fd_end == start && self.src.get(fd_end + 1) == Some(&b'>'))
            {
                let fd_text = &self.text[start..fd_end];
                let mut i = fd_end;
                let (default_fd, op) = if c == b'&' {
                    // `&>file`: stdout and stderr; treated as `>file 2>&1` by the caller.
                    i += 2;
                    (99, RedirOp::Out)
                } else if c == b'<' && self.src.get(i + 1) == Some(&b'<') {
                    let here_string = self.src.get(i + 2) == Some(&b'<');
                    self.pos = i + if here_string { 3 } else { 2 };
                    let fd = if fd_text.is_empty() {
                        0
                    } else {
                        fd_text.parse().unwrap_or(u32::MAX)
                    };
                    return self.here_doc(fd, here_string);
                } else if c == b'<' {
                    i += 1;
                    (0, RedirOp::In)
                } else if self.src.get(i + 1) == Some(&b'>') {
                    i += 2;
                    (1, RedirOp::Append)
                } else if self.src.get(i + 1) == Some(&b'&') {
                    i += 2;
                    (1, RedirOp::Dup)
                } else {
                    i += 1;
                    (1, RedirOp::Out)
                };
                let fd = if fd_text.is_empty() {
                    default_fd
                } else {
                    fd_text.parse().unwrap_or(u32::MAX)
                };
                self.pos = i;
                return Ok(Tok::Redir(fd, op));
            }
        }
        self.word().map(Tok::Word)
    }

    pub(super) fn word(&mut self) -> Result<Word, SyntaxError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        while let Some(b) = self.peek_byte() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                    break
                }
                b'\'' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek_byte().is_some_and(|b| b != b'\'') {
                        if self.peek_byte() == Some(b'\n') {
                            self.line += 1;
                        }
                        self.pos += 1;
                    }
                    if self.peek_byte().is_none() {
                        return Err(self.err("end of file (expecting \"'\")"));
                    }
                    parts.push(Part::Quoted(self.text[start..self.pos].to_string()));
                    self.pos += 1;
                }
                b'"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    self.double_quoted(&mut parts)?;
                }
                b'\\' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    match self.next_char() {
                        Some('\n') => self.line += 1,
                        Some(c) => parts.push(Part::Quoted(c.to_string())),
                        None => {}
                    }
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut parts);
                    let p = self.dollar(false)?;
                    parts.push(p);
                }
                _ => {
                    if let Some(c) = self.next_char() {
                        lit.push(c);
                    }
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word(parts))
    }

    pub(super) fn next_char(&mut self) -> Option<char> {
        let c = self.text.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(super) fn double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), SyntaxError> {
        let mut s = String::new();
        loop {
            match self.peek_byte() {
                None => return Err(self.err("end of file (expecting '\"')")),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.next_char() {
                        Some(c @ ('$' | '`' | '"' | '\\')) => s.push(c),
                        Some('\n') => self.line += 1,
                        Some(c) => {
                            s.push('\\');
                            s.push(c);
                        }
                        None => {}
                    }
                }
                Some(b'$' | b'`') => {
                    let p = self.dollar(true)?;
                    if matches!(p, Part::Quoted(_)) {
                        if let Part::Quoted(t) = p {
                            s.push_str(&t);
                        }
                    } else {
                        parts.push(Part::Quoted(std::mem::take(&mut s)));
                        parts.push(p);
                    }
                }
                Some(_) => {
                    if let Some(c) = self.next_char() {
                        if c == '\n' {
                            self.line += 1;
                        }
                        s.push(c);
                    }
                }
            }
        }
        // An empty "" still makes a (empty) field.
        parts.push(Part::Quoted(s));
        Ok(())
    }

    /// At `$` or a backquote.
    pub(super) fn dollar(&mut self, quoted: bool) -> Result<Part, SyntaxError> {
        if self.peek_byte() == Some(b'`') {
            self.pos += 1;
            let start = self.pos;
            while self.peek_byte().is_some_and(|b| b != b'`') {
                if self.peek_byte() == Some(b'\\') {
                    self.pos += 1;
                }
                self.pos += 1;
            }
            if self.peek_byte().is_none() {
                return Err(self.err("end of file (expecting \"`\")"));
            }
            let inner = self.text[start..self.pos].replace("\\`", "`");
            self.pos += 1;
            let script = parse_depth(&inner, self.depth + 1)?;
            return Ok(Part::Subst { script, quoted });
        }
        self.pos += 1; // '$'
        match self.peek_byte() {
            Some(b'(') if self.src.get(self.pos + 1) == Some(&b'(') => {
                self.pos += 2;
                let start = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.peek_byte() {
                        None => return Err(self.err("end of file (expecting \"))\")")),
                        Some(b'(') => depth += 1,
                        Some(b')') if depth == 0 => break,
                        Some(b')') => depth -= 1,
                        _ => {}
                    }
                    self.pos += 1;
                }
                let expr = self.text[start..self.pos].to_string();
                if self.src.get(self.pos + 1) != Some(&b')') {
                    return Err(self.err("end of file (expecting \"))\")"));
                }
                self.pos += 2;
                Ok(Part::Arith { expr, quoted })
            }
            Some(b'(') => {
                self.pos += 1;
                let start = self.pos;
                let mut depth = 0usize;
                let mut in_sq = false;
                loop {
                    match self.peek_byte() {
                        None => return Err(self.err("end of file (expecting \")\")")),
                        Some(b'\'') => in_sq = !in_sq,
                        Some(b'(') if !in_sq => depth += 1,
                        Some(b')') if !in_sq && depth == 0 => break,
                        Some(b')') if !in_sq => depth -= 1,
                        _ => {}
                    }
                    self.pos += 1;
                }
                let inner = self.text[start..self.pos].to_string();
                self.pos += 1;
                let script = parse_depth(&inner, self.depth + 1)?;
                Ok(Part::Subst { script, quoted })
            }
            Some(b'{') => {
                self.pos += 1;
                let name_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                // `${#name}`: the length of a value.
                if self.peek_byte() == Some(b'#')
                    && self.src.get(self.pos + 1).is_some_and(|b| name_char(*b))
                {
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek_byte().is_some_and(name_char) {
                        self.pos += 1;
                    }
                    let name = self.text[start..self.pos].to_string();
                    if self.peek_byte() != Some(b'}') {
                        return Err(self.err("bad substitution"));
                    }
                    self.pos += 1;
                    return Ok(Part::Param {
                        name,
                        op: Some(("#len".into(), Word::default())),
                        quoted,
                    });
                }
                let start = self.pos;
                if self.peek_byte().is_some_and(|b| b"?#@*$!".contains(&b)) {
                    self.pos += 1;
                } else {
                    while self.peek_byte().is_some_and(name_char) {
                        self.pos += 1;
                    }
                }
                let name = self.text[start..self.pos].to_string();
                let op = match self.peek_byte() {
                    Some(b'}') => None,
                    Some(_) => {
                        let op_start = self.pos;
                        match self.peek_byte() {
                            Some(b'#' | b'%') => {
                                let c = self.peek_byte();
                                self.pos += 1;
                                if self.peek_byte() == c {
                                    self.pos += 1;
                                }
                            }
                            _ => {
                                if self.peek_byte() == Some(b':') {
                                    self.pos += 1;
                                }
                                match self.peek_byte() {
                                    Some(b'-' | b'=' | b'+' | b'?') => self.pos += 1,
                                    _ => return Err(self.err("bad substitution")),
                                }
                            }
                        }
                        let op = self.text[op_start..self.pos].to_string();
                        let wstart = self.pos;
                        let mut depth = 0usize;
                        loop {
                            match self.peek_byte() {
                                None => return Err(self.err("end of file (expecting \"}\")")),
                                Some(b'{') => depth += 1,
                                Some(b'}') if depth == 0 => break,
                                Some(b'}') => depth -= 1,
                                _ => {}
                            }
                            self.pos += 1;
                        }
                        let mut sub = Lexer {
                            src: &self.src[..self.pos],
                            text: &self.text[..self.pos],
                            pos: wstart,
                            line: self.line,
                            depth: self.depth + 1,
                            heredoc_end: None,
                        };
                        let w = sub.word_until_end()?;
                        Some((op, w))
                    }
                    None => return Err(self.err("end of file (expecting \"}\")")),
                };
                if self.peek_byte() != Some(b'}') {
                    return Err(self.err("bad substitution"));
                }
                self.pos += 1;
                if name.is_empty() {
                    return Err(self.err("bad substitution"));
                }
                Ok(Part::Param { name, op, quoted })
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let start = self.pos;
                while self
                    .peek_byte()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    self.pos += 1;
                }
                Ok(Part::Param {
                    name: self.text[start..self.pos].to_string(),
                    op: None,
                    quoted,
                })
            }
            Some(b) if b.is_ascii_digit() || b"?#@*$!".contains(&b) => {
                self.pos += 1;
                Ok(Part::Param {
                    name: (b as char).to_string(),
                    op: None,
                    quoted,
                })
            }
            _ => Ok(Part::Quoted("$".into())),
        }
    }

    /// The rest of the input as one word, spaces included (for `${x:-a b}`).
    pub(super) fn word_until_end(&mut self) -> Result<Word, SyntaxError> {
        let mut parts = Vec::new();
        while self.pos < self.src.len() {
            let w = self.word()?;
            parts.extend(w.0);
            if let Some(b) = self.peek_byte() {
                parts.push(Part::Quoted((b as char).to_string()));
                self.pos += 1;
            }
        }
        Ok(Word(parts))
    }
}
