//! Syntax highlighting for the playground's editor: a manifest's text cut into spans,
//! each with the kind of token it is. It reads a line at a time as YAML's block style
//! is written (keys, `- ` items, scalars, comments, block scalars) and never fails:
//! text it does not recognise is plain. JSON manifests come out right too (quoted keys
//! and strings, numbers, literals).

/// What a span of the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Plain,
    /// A mapping key (`name` in `name: web`).
    Key,
    /// `:`, `- `, `{`, `}`, `[`, `]`, `,`, `---`, block scalar indicators.
    Punct,
    /// A quoted scalar, or a line of a block scalar.
    Str,
    Number,
    /// `true`, `false`, `null`, `~`.
    Literal,
    Comment,
}

impl Token {
    /// The CSS class the editor gives it.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "t-plain",
            Token::Key => "t-key",
            Token::Punct => "t-punct",
            Token::Str => "t-str",
            Token::Number => "t-num",
            Token::Literal => "t-lit",
            Token::Comment => "t-comment",
        }
    }
}

/// The text as spans that cover it exactly, in order (line ends are Plain).
pub fn highlight(text: &str) -> Vec<(Token, &str)> {
    let mut out: Vec<(Token, &str)> = Vec::new();
    // Inside a block scalar (`|`, `>`): lines indented more than its key's line.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if let Some(parent) = block {
            if body.trim().is_empty() || indent > parent {
                push(&mut out, Token::Str, body);
                push(&mut out, Token::Plain, &line[body.len()..]);
                continue;
            }
            block = None;
        }
        if line_tokens(body, &mut out) {
            block = Some(indent);
        }
        push(&mut out, Token::Plain, &line[body.len()..]);
    }
    out
}

fn push<'a>(out: &mut Vec<(Token, &'a str)>, token: Token, text: &'a str) {
    if !text.is_empty() {
        out.push((token, text));
    }
}

/// The tokens of one line (without its end); returns whether a block scalar starts.
fn line_tokens<'a>(line: &'a str, out: &mut Vec<(Token, &'a str)>) -> bool {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    push(out, Token::Plain, indent);
    if trimmed.starts_with('#') {
        push(out, Token::Comment, trimmed);
        return false;
    }
    if trimmed == "---" || trimmed == "..." || trimmed.starts_with("--- ") {
        push(out, Token::Punct, &trimmed[..3]);
        return flow(&trimmed[3..], out);
    }
    // Sequence dashes: `- `, `- - `.
    let mut rest = trimmed;
    while let Some(after) = rest.strip_prefix('-') {
        if after.is_empty() || after.starts_with(' ') {
            push(out, Token::Punct, &rest[..1]);
            let spaces = after.len() - after.trim_start().len();
            push(out, Token::Plain, &after[..spaces]);
            rest = &after[spaces..];
        } else {
            break;
        }
    }
    // A key: text up to `: ` (or `:` at the end), outside quotes.
    if let Some(colon) = key_end(rest) {
        push(out, Token::Key, &rest[..colon]);
        push(out, Token::Punct, &rest[colon..colon + 1]);
        return flow(&rest[colon + 1..], out);
    }
    flow(rest, out)
}

/// Where a mapping key ends (the index of its `:`), if the text starts with one.
fn key_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    if let Some(&q @ (b'"' | b'\'')) = bytes.first() {
        // A quoted key: past its closing quote.
        i = 1;
        while i < bytes.len() && bytes[i] != q {
            if q == b'"' && bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
        let after = s.get(i..)?.trim_start();
        let skipped = s.len() - i - after.len();
        return after.starts_with(':').then_some(i + skipped);
    }
    if matches!(
        bytes.first(),
        Some(b'{' | b'[' | b'#' | b'|' | b'>' | b'&' | b'*' | b'!')
    ) {
        return None;
    }
    while i < bytes.len() {
        match bytes[i] {
            b':' if i + 1 == bytes.len() || bytes[i + 1] == b' ' => return Some(i),
            b' ' if bytes.get(i + 1) == Some(&b'#') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A value after a key or dash: scalars, flow collections, a comment at the end.
/// Returns whether it opens a block scalar (`|`, `>-`, ...).
fn flow<'a>(s: &'a str, out: &mut Vec<(Token, &'a str)>) -> bool {
    let mut rest = s;
    let mut opens_block = false;
    while !rest.is_empty() {
        let trimmed = rest.trim_start();
        push(out, Token::Plain, &rest[..rest.len() - trimmed.len()]);
        rest = trimmed;
        let Some(c) = rest.chars().next() else { break };
        let len = match c {
            '#' => {
                push(out, Token::Comment, rest);
                return opens_block;
            }
            '"' | '\'' => {
                let len = quoted_len(rest, c);
                push(out, Token::Str, &rest[..len]);
                len
            }
            '{' | '}' | '[' | ']' | ',' => {
                push(out, Token::Punct, &rest[..1]);
                1
            }
            ':' => {
                push(out, Token::Punct, &rest[..1]);
                1
            }
            '|' | '>' if word_len(rest) == rest.trim_end().len() || word_len(rest) <= 3 => {
                let len = word_len(rest);
                push(out, Token::Punct, &rest[..len]);
                opens_block = true;
                len
            }
            _ => {
                let len = word_len(rest);
                let word = &rest[..len];
                // A `key:` inside a flow mapping.
                let (word, colon) = match word.strip_suffix(':') {
                    Some(w) if !w.is_empty() => (w, true),
                    _ => (word, false),
                };
                let token = if colon {
                    Token::Key
                } else if matches!(
                    word,
                    "true"
                        | "false"
                        | "null"
                        | "~"
                        | "True"
                        | "False"
                        | "Null"
                        | "NULL"
                        | "TRUE"
                        | "FALSE"
                ) {
                    Token::Literal
                } else if is_number(word) {
                    Token::Number
                } else {
                    Token::Plain
                };
                push(out, token, word);
                if colon {
                    push(out, Token::Punct, &rest[word.len()..word.len() + 1]);
                }
                len
            }
        };
        rest = &rest[len.max(1).min(rest.len())..];
    }
    opens_block
}

/// The length of a quoted scalar starting at `s` (to its end if unclosed).
fn quoted_len(s: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if quote == '"' && !escaped && c == '\\' {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            return i + c.len_utf8();
        }
        escaped = false;
    }
    s.len()
}

/// A plain word: up to a space, a flow indicator or the end.
fn word_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(i, c)| i > 0 && (c == ' ' || matches!(c, ',' | ']' | '}' | '[' | '{')))
        .map_or(s.len(), |(i, _)| i)
}

fn is_number(w: &str) -> bool {
    let w = w.strip_prefix(['-', '+']).unwrap_or(w);
    !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
        && w.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(Token, String)> {
        highlight(text)
            .into_iter()
            .filter(|(t, s)| !(*t == Token::Plain && s.trim().is_empty()))
            .map(|(t, s)| (t, s.to_string()))
            .collect()
    }

    #[test]
    fn spans_cover_the_text_exactly() {
        let texts = [
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea # the pod\nspec:\n  containers:\n  - name: c\n    image: \"nginx\"\n    command: ['sh', '-c', 'echo hi: there']\n    args:\n    - |\n      line one\n      line two\n    ports:\n    - containerPort: 80\n",
            "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"x\"}}",
            "- - a\n---\n...\n: odd\n\"unterminated\n|\n  \u{e9}t\u{e9}: \u{fc}\n\t-\ttab\n",
            "",
        ];
        for text in texts {
            let joined: String = highlight(text).iter().map(|(_, s)| *s).collect();
            assert_eq!(joined, text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_covered_without_panics(text in "[ a-z0-9:#'\"|>\\\\\\-{}\\[\\],\n\u{e9}\u{1f600}]{0,80}") {
            let joined: String = highlight(&text).iter().map(|(_, s)| *s).collect();
            proptest::prop_assert_eq!(joined, text);
        }
    }

    #[test]
    fn tokens_of_a_manifest() {
        use Token::*;
        let cases: &[(&str, &[(Token, &str)])] = &[
            (
                "name: tea\n",
                &[(Key, "name"), (Punct, ":"), (Plain, "tea")],
            ),
            (
                "  - name: c\n",
                &[(Punct, "-"), (Key, "name"), (Punct, ":"), (Plain, "c")],
            ),
            (
                "port: 8080\n",
                &[(Key, "port"), (Punct, ":"), (Number, "8080")],
            ),
            (
                "stdin: true\n",
                &[(Key, "stdin"), (Punct, ":"), (Literal, "true")],
            ),
            (
                "image: \"nginx\" # web\n",
                &[
                    (Key, "image"),
                    (Punct, ":"),
                    (Str, "\"nginx\""),
                    (Comment, "# web"),
                ],
            ),
            ("# all of it\n", &[(Comment, "# all of it")]),
            (
                "url: http://x:80/\n",
                &[(Key, "url"), (Punct, ":"), (Plain, "http://x:80/")],
            ),
            (
                "cmd: ['a', b]\n",
                &[
                    (Key, "cmd"),
                    (Punct, ":"),
                    (Punct, "["),
                    (Str, "'a'"),
                    (Punct, ","),
                    (Plain, "b"),
                    (Punct, "]"),
                ],
            ),
            (
                "\"kind\": \"Pod\",\n",
                &[
                    (Key, "\"kind\""),
                    (Punct, ":"),
                    (Str, "\"Pod\""),
                    (Punct, ","),
                ],
            ),
            ("---\n", &[(Punct, "---")]),
            (
                "s: |\n  a: b\n  c\nk: v\n",
                &[
                    (Key, "s"),
                    (Punct, ":"),
                    (Punct, "|"),
                    (Str, "  a: b"),
                    (Str, "  c"),
                    (Key, "k"),
                    (Punct, ":"),
                    (Plain, "v"),
                ],
            ),
        ];
        for (text, want) in cases {
            let got = spans(text);
            let want: Vec<(Token, String)> =
                want.iter().map(|(t, s)| (*t, s.to_string())).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
