//! The template parser, following client-go's jsonpath/parser.go rule by rule: text
//! outside braces, and inside an action fields (`.a`, escaped dots), `[...]` (indexes,
//! slices, `*`, unions, quoted keys), filters `[?(...)]`, recursive descent `..`,
//! quoted literals, numbers, `true`/`false`, `range` and `end`.

use super::{JsonPathError, Param, Segment, Step, Template};

/// Nesting of `range` and of sub-templates (unions, filters) is bounded so that hostile
/// input cannot exhaust the stack.
const MAX_NESTING: usize = 64;

fn err(m: impl Into<String>) -> JsonPathError {
    JsonPathError::Parse(m.into())
}

/// An action's steps plus whether it is a `range` or `end` marker.
enum Action {
    Steps(Vec<Step>),
    Range(Vec<Step>),
    End,
}

/// Parses a whole template.
pub fn parse(text: &str) -> Result<Template, JsonPathError> {
    let actions = parse_flat(text, 0)?;
    // Fold range ... end into nested segments.
    let mut stack: Vec<(Vec<Step>, Vec<Segment>)> = Vec::new();
    let mut top: Vec<Segment> = Vec::new();
    for item in actions {
        let target = match stack.last_mut() {
            Some((_, body)) => body,
            None => &mut top,
        };
        match item {
            Flat::Text(t) => target.push(Segment::Text(t)),
            Flat::Action(Action::Steps(s)) => target.push(Segment::Action(s)),
            Flat::Action(Action::Range(s)) => {
                if stack.len() >= MAX_NESTING {
                    return Err(err("too many nested range actions"));
                }
                stack.push((s, Vec::new()));
            }
            Flat::Action(Action::End) => match stack.pop() {
                Some((s, body)) => {
                    let seg = Segment::Range(s, body);
                    match stack.last_mut() {
                        Some((_, b)) => b.push(seg),
                        None => top.push(seg),
                    }
                }
                // client-go fails only when executing it.
                None => top.push(Segment::EndWithoutRange),
            },
        }
    }
    // A range without end runs to the end of the template.
    while let Some((s, body)) = stack.pop() {
        let seg = Segment::Range(s, body);
        match stack.last_mut() {
            Some((_, b)) => b.push(seg),
            None => top.push(seg),
        }
    }
    Ok(Template(top))
}

enum Flat {
    Text(String),
    Action(Action),
}

fn parse_flat(text: &str, depth: usize) -> Result<Vec<Flat>, JsonPathError> {
    if depth > MAX_NESTING {
        return Err(err("template nested too deeply"));
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        if i > 0 {
            out.push(Flat::Text(rest[..i].to_string()));
        }
        let mut p = ActionParser {
            input: &rest[i + 1..],
            pos: 0,
            depth,
        };
        let action = p.action()?;
        rest = &p.input[p.pos..];
        out.push(Flat::Action(action));
    }
    if !rest.is_empty() {
        out.push(Flat::Text(rest.to_string()));
    }
    Ok(out)
}

/// Parses `text` as one action (`{text}`), as client-go's `parseAction` does.
fn parse_one(text: &str, depth: usize) -> Result<Vec<Step>, JsonPathError> {
    let mut p = ActionParser {
        input: text,
        pos: 0,
        depth: depth + 1,
    };
    let mut steps = Vec::new();
    p.inside(&mut steps, true)?;
    Ok(steps)
}

struct ActionParser<'a> {
    input: &'a str,
    pos: usize,
    depth: usize,
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

impl<'a> ActionParser<'a> {
    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// One `{...}` action (the opening brace already consumed).
    fn action(&mut self) -> Result<Action, JsonPathError> {
        let mut steps = Vec::new();
        self.inside(&mut steps, false)?;
        // range / end are identifiers at the start of the action.
        match steps.first() {
            Some(Step::Field(f)) if f == "\u{0}range" => Ok(Action::Range(steps[1..].to_vec())),
            Some(Step::Field(f)) if f == "\u{0}end" && steps.len() == 1 => Ok(Action::End),
            _ => Ok(Action::Steps(steps)),
        }
    }

    /// `parseInsideAction`: steps until `}` (or the end of input when `whole`).
    fn inside(&mut self, steps: &mut Vec<Step>, whole: bool) -> Result<(), JsonPathError> {
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.filter(steps)?;
                continue;
            }
            if rest.starts_with("..") {
                if matches!(steps.last(), Some(Step::Recursive)) {
                    return Err(err("invalid multiple recursive descent"));
                }
                self.pos += 2;
                steps.push(Step::Recursive);
                if self.peek().is_some_and(is_alnum) {
                    self.field(steps);
                }
                continue;
            }
            match self.next() {
                None if whole => return Ok(()),
                None | Some('\r' | '\n') => return Err(err("unclosed action")),
                Some(' ' | '@' | '$') => {}
                Some('[') => self.array(steps)?,
                Some(q @ ('"' | '\'')) => self.quote(steps, q)?,
                Some('.') => self.field(steps),
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    self.pos -= c.len_utf8();
                    self.number(steps)?;
                }
                Some(c) if is_alnum(c) => {
                    self.pos -= c.len_utf8();
                    self.identifier(steps)?;
                }
                Some(c) => {
                    return Err(err(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    )));
                }
            }
        }
    }

    fn identifier(&mut self, steps: &mut Vec<Step>) -> Result<(), JsonPathError> {
        let start = self.pos;
        while !is_terminator(self.peek()) {
            self.next();
        }
        let word = &self.input[start..self.pos];
        match word {
            "true" => steps.push(Step::Bool(true)),
            "false" => steps.push(Step::Bool(false)),
            "range" | "end" => steps.push(Step::Field(format!("\u{0}{word}"))),
            other => {
                return Err(JsonPathError::Execute(format!(
                    "unrecognized identifier {other}"
                )))
            }
        }
        Ok(())
    }

    fn number(&mut self, steps: &mut Vec<Step>) -> Result<(), JsonPathError> {
        let start = self.pos;
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while self.peek().is_some_and(|c| c == '.' || c.is_ascii_digit()) {
            self.next();
        }
        let text = &self.input[start..self.pos];
        if let Ok(i) = text.parse::<i64>() {
            steps.push(Step::Int(i));
        } else if let Ok(f) = text.parse::<f64>() {
            steps.push(Step::Float(f));
        } else {
            return Err(err(format!("cannot parse number {text}")));
        }
        Ok(())
    }

    /// `.name` (or `.*`), with backslash escapes removed.
    fn field(&mut self, steps: &mut Vec<Step>) {
        let start = self.pos;
        loop {
            match self.peek() {
                Some('\\') => {
                    self.next();
                    self.next();
                }
                c if is_terminator(c) => break,
                _ => {
                    self.next();
                }
            }
        }
        let value = &self.input[start..self.pos];
        if value == "*" {
            steps.push(Step::Wildcard);
        } else {
            steps.push(Step::Field(value.replace('\\', "")));
        }
    }

    fn quote(&mut self, steps: &mut Vec<Step>, q: char) -> Result<(), JsonPathError> {
        let start = self.pos - 1;
        loop {
            match self.next() {
                None | Some('\n') => return Err(err("unterminated quoted string")),
                Some(c) if c == q && !self.input[..self.pos - 1].ends_with('\\') => break,
                _ => {}
            }
        }
        let raw = &self.input[start..self.pos];
        let text = unquote(raw)
            .ok_or_else(|| err(format!("unquote string {raw} error invalid syntax")))?;
        steps.push(Step::Text(text));
        Ok(())
    }

    fn array(&mut self, steps: &mut Vec<Step>) -> Result<(), JsonPathError> {
        let start = self.pos;
        loop {
            match self.next() {
                None | Some('\n') => return Err(err("unterminated array")),
                Some(']') => break,
                _ => {}
            }
        }
        let mut text = &self.input[start..self.pos - 1];
        if text == "*" {
            text = ":";
        }
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_one(
                    &format!("[{}]", part.trim_matches(' ')),
                    self.depth,
                )?);
            }
            steps.push(Step::Union(union));
            return Ok(());
        }
        // ['key']
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            steps.extend(parse_one(
                &format!(".{}", &text[1..text.len() - 1]),
                self.depth,
            )?);
            return Ok(());
        }
        steps.push(Step::Array(slice_params(text)?));
        Ok(())
    }

    fn filter(&mut self, steps: &mut Vec<Step>) -> Result<(), JsonPathError> {
        self.pos += 3;
        let start = self.pos;
        let (mut begin, mut end, mut pair) = (false, false, '"');
        loop {
            let Some(c) = self.next() else {
                return Err(err("unterminated filter"));
            };
            match c {
                '\n' => return Err(err("unterminated filter")),
                '"' | '\'' => {
                    if !begin {
                        begin = true;
                        pair = c;
                        continue;
                    }
                    if !self.input[..self.pos - 1].ends_with('\\') && c == pair {
                        end = true;
                    }
                }
                ')' if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err(err("unclosed array expect ]"));
        }
        let text = &self.input[start..self.pos - 2];
        // ^([^!<>=]+)([!<>=]+)(.+?)$
        let op_start = text.find(['!', '<', '>', '=']);
        let split = op_start.filter(|&i| i > 0).and_then(|i| {
            let op_len = text[i..].find(|c: char| !"!<>=".contains(c))?;
            let (op, right) = (&text[i..i + op_len], &text[i + op_len..]);
            (!right.is_empty()).then_some((&text[..i], op, right))
        });
        match split {
            None => steps.push(Step::Filter {
                left: parse_one(text, self.depth)?,
                op: "exists".into(),
                right: Vec::new(),
            }),
            Some((left, op, right)) => steps.push(Step::Filter {
                left: parse_one(left, self.depth)?,
                op: op.into(),
                right: parse_one(right, self.depth)?,
            }),
        }
        Ok(())
    }
}

/// `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$` and client-go's defaults for missing parts.
fn slice_params(text: &str) -> Result<[Param; 3], JsonPathError> {
    let invalid = || err(format!("invalid array index {text}"));
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return Err(invalid());
    }
    let valid = |s: &str| {
        let d = s.strip_prefix('-').unwrap_or(s);
        d.chars().all(|c| c.is_ascii_digit())
    };
    if !parts.iter().all(|p| valid(p)) {
        return Err(invalid());
    }
    let mut params = [Param::default(); 3];
    for i in 0..3 {
        match parts.get(i) {
            Some(s) if !s.is_empty() && *s != "-" => {
                params[i].known = true;
                params[i].value = s
                    .parse()
                    .map_err(|_| err(format!("array index {s} is not a number")))?;
            }
            Some(s) if *s == "-" => return Err(err(format!("array index {s} is not a number"))),
            Some(_) if i > 0 => params[i].known = false,
            _ if i == 1 && parts.len() == 1 => {
                params[1] = Param {
                    value: params[0].value + 1,
                    known: true,
                    derived: true,
                };
            }
            _ => {}
        }
    }
    Ok(params)
}

/// `UnquoteExtend`: Go's string unquoting, for single quotes too.
fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if s.len() < 2 || !s.ends_with(q) {
        return None;
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&h, 16).ok()?));
            }
            'u' => {
                let h: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}
