//! YAML out, as `kubectl get -o yaml` prints objects: kubectl marshals to JSON and
//! converts with sigs.k8s.io/yaml, whose go-yaml v2 emitter decides the layout. So:
//! keys sorted in go-yaml's natural order, block style with two-space indents and
//! sequences not indented inside mappings, strings that would read back as another type
//! double-quoted, strings with line breaks as literal blocks, strings that cannot be plain
//! single-quoted, and long plain or quoted strings folded at spaces past column 80.

use serde_json::Value;
use std::cmp::Ordering;

/// go-yaml's preferred line width: scalars are folded at the first space past it.
const BEST_WIDTH: usize = 80;
/// Deeper than this, values are written in flow style on one line, so that printing a
/// pathological document never exhausts the stack.
const MAX_BLOCK_DEPTH: usize = 256;

/// YAML for `value` as kubectl prints it; ends with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match value {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0, 0),
        other => {
            e.scalar_or_flow(other, 2);
            e.newline();
        }
    }
    e.out
}

/// go-yaml v2's map key order (sorter.go): letters by code point, a non-letter before
/// a letter (after a digit, the letter first), digit runs compared as numbers.
pub fn key_cmp(a: &str, b: &str) -> Ordering {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = ar[i].is_ascii_digit();
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            let a_first = if digits { al } else { bl };
            return if a_first {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.column = s[i + 1..].chars().count(),
            None => self.column += s.chars().count(),
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn indent_to(&mut self, indent: usize) {
        self.newline();
        self.push(&" ".repeat(indent));
    }

    /// A block mapping whose keys sit at column `indent`; the first key continues
    /// the current line when `first_inline` (after "- ").
    fn mapping(&mut self, m: &serde_json::Map<String, Value>, indent: usize, depth: usize) {
        let mut keys: Vec<&String> = m.keys().collect();
        crate::sort::sort_by(&mut keys, |a, b| key_cmp(a, b));
        for (n, k) in keys.into_iter().enumerate() {
            if n > 0 || self.column > indent {
                if self.column != 0 {
                    self.newline();
                }
                self.push(&" ".repeat(indent));
            } else if self.column < indent {
                self.push(&" ".repeat(indent - self.column));
            }
            self.scalar_str(k, indent + 2, true);
            self.push(":");
            self.value(&m[k], indent, depth + 1);
        }
        if self.column != 0 {
            self.newline();
        }
    }

    fn sequence(&mut self, a: &[Value], indent: usize, depth: usize) {
        for (n, item) in a.iter().enumerate() {
            if n > 0 || self.column > indent {
                if self.column != 0 {
                    self.newline();
                }
                self.push(&" ".repeat(indent));
            } else if self.column < indent {
                self.push(&" ".repeat(indent - self.column));
            }
            self.push("-");
            match item {
                Value::Object(m) if !m.is_empty() && depth < MAX_BLOCK_DEPTH => {
                    self.push(" ");
                    self.mapping(m, indent + 2, depth + 1);
                }
                Value::Array(inner) if !inner.is_empty() && depth < MAX_BLOCK_DEPTH => {
                    self.push(" ");
                    self.sequence(inner, indent + 2, depth + 1);
                }
                other => {
                    self.push(" ");
                    self.scalar_or_flow(other, indent + 2);
                    self.newline();
                }
            }
        }
        if self.column != 0 {
            self.newline();
        }
    }

    /// The value after `key:` of a mapping whose keys sit at `indent`.
    fn value(&mut self, v: &Value, indent: usize, depth: usize) {
        match v {
            Value::Object(m) if !m.is_empty() && depth < MAX_BLOCK_DEPTH => {
                self.newline();
                self.mapping(m, indent + 2, depth + 1);
            }
            // Sequences in a mapping are not indented.
            Value::Array(a) if !a.is_empty() && depth < MAX_BLOCK_DEPTH => {
                self.newline();
                self.sequence(a, indent, depth + 1);
            }
            other => {
                self.push(" ");
                self.scalar_or_flow(other, indent + 2);
                self.newline();
            }
        }
    }

    /// A scalar, an empty collection, or (past the depth limit) a flow collection.
    fn scalar_or_flow(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let text = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => i.to_string(),
                    (_, Some(u), _) => u.to_string(),
                    (_, _, Some(f)) => go_float(f),
                    _ => n.to_string(),
                };
                self.push(&text);
            }
            Value::String(s) => self.scalar_str(s, indent, false),
            Value::Array(_) | Value::Object(_) => self.flow(v),
        }
    }

    /// A collection in flow style, written with an explicit stack (no recursion).
    fn flow(&mut self, v: &Value) {
        enum Item<'a> {
            Value(&'a Value),
            Text(&'static str),
            Key(&'a str),
        }
        let mut stack = vec![Item::Value(v)];
        while let Some(item) = stack.pop() {
            match item {
                Item::Text(t) => self.push(t),
                Item::Key(k) => {
                    self.push(&double_quoted(k));
                    self.push(": ");
                }
                Item::Value(Value::Array(a)) => {
                    self.push("[");
                    stack.push(Item::Text("]"));
                    for (i, x) in a.iter().enumerate().rev() {
                        stack.push(Item::Value(x));
                        if i > 0 {
                            stack.push(Item::Text(", "));
                        }
                    }
                }
                Item::Value(Value::Object(m)) => {
                    self.push("{");
                    stack.push(Item::Text("}"));
                    let mut keys: Vec<&String> = m.keys().collect();
                    crate::sort::sort_by(&mut keys, |a, b| key_cmp(a, b));
                    for (i, k) in keys.into_iter().enumerate().rev() {
                        stack.push(Item::Value(&m[k]));
                        stack.push(Item::Key(k));
                        if i > 0 {
                            stack.push(Item::Text(", "));
                        }
                    }
                }
                Item::Value(Value::String(s)) => self.push(&double_quoted(s)),
                Item::Value(other) => self.scalar_or_flow(other, 0),
            }
        }
    }

    /// A string scalar; continuation lines of folded or literal text go to `indent`.
    fn scalar_str(&mut self, s: &str, indent: usize, simple_key: bool) {
        match choose_style(s, simple_key) {
            Style::Plain => self.folded(s, indent, !simple_key, None),
            Style::Single => {
                self.push("'");
                self.folded(&s.replace('\'', "''"), indent, !simple_key, Some('\''));
                self.push("'");
            }
            Style::Double => self.push(&double_quoted(s)),
            Style::Literal => {
                let mut header = String::from("|");
                if s.starts_with([' ', '\n']) {
                    header.push('2');
                }
                if !s.ends_with('\n') {
                    header.push('-');
                } else if s.len() == 1 || s[..s.len() - 1].ends_with('\n') {
                    header.push('+');
                }
                self.push(&header);
                let body = s.strip_suffix('\n').unwrap_or(s);
                for line in body.split('\n') {
                    self.newline();
                    if !line.is_empty() {
                        self.push(&" ".repeat(indent));
                        self.push(line);
                    }
                }
            }
        }
    }

    /// Writes words, breaking at a single space once past the line width (as
    /// `yaml_emitter_write_plain_scalar` / `..._single_quoted_scalar` do).
    fn folded(&mut self, s: &str, indent: usize, allow_breaks: bool, _quote: Option<char>) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && !next_is_space
                    && i != 0
                    && i + 1 != chars.len()
                {
                    self.indent_to(indent);
                } else {
                    self.push(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.push(c.encode_utf8(&mut buf));
                spaces = false;
            }
            i += 1;
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` with YAML's names for the specials.
fn go_float(f: f64) -> String {
    match crate::gofmt::float_g(f).as_str() {
        "NaN" => ".nan".into(),
        "+Inf" => ".inf".into(),
        "-Inf" => "-.inf".into(),
        other => other.into(),
    }
}

/// Double-quoted with go-yaml's escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
        && c != '\u{feff}'
}

/// Whether the plain text would read back as something other than a string (go-yaml
/// v2's `resolve`), or is a base-60 float.
fn resolves_to_non_string(s: &str) -> bool {
    let plain = super::yaml::resolve_plain(s);
    !matches!(plain, super::yaml::Value::String(_))
        || s == "<<"
        || is_timestamp(s)
        || is_base60_float(s)
}

/// go-yaml v2 resolves timestamps (`2006-01-02`, RFC 3339) to a timestamp tag.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' ' | b'\t'))
}

fn is_base60_float(s: &str) -> bool {
    // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, _) = body.split_once('.').unwrap_or((body, ""));
    let mut parts = main.split(':');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && first.starts_with(|c: char| c.is_ascii_digit())
        && first.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().all(|p| {
            let b = p.as_bytes();
            matches!(b.len(), 1 | 2)
                && b.iter().all(u8::is_ascii_digit)
                && (b.len() == 1 || b[0] <= b'5')
        })
        && body
            .split_once('.')
            .is_none_or(|(_, f)| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
}

/// go-yaml v2's choice of scalar style for a string (encode.go's `stringv` followed by
/// the emitter's analysis in `yaml_emitter_select_scalar_style`).
fn choose_style(s: &str, simple_key: bool) -> Style {
    let wanted = if resolves_to_non_string(s) {
        Style::Double
    } else if s.contains('\n') {
        Style::Literal
    } else {
        Style::Plain
    };
    let a = analyze(s);
    match wanted {
        Style::Plain => {
            if !a.block_plain_allowed || (s.is_empty() && simple_key) {
                if a.single_quoted_allowed {
                    Style::Single
                } else {
                    Style::Double
                }
            } else {
                Style::Plain
            }
        }
        Style::Literal if !a.block_allowed || simple_key => Style::Double,
        other => other,
    }
}

struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// `yaml_emitter_analyze_scalar` for block context.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let is_blankz = |i: usize| {
        chars
            .get(i)
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    };
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = is_blankz(i + 1);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) || c == '\u{feff}' {
            special = true;
        }
        let is_break = matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
        if is_break {
            line_breaks = true;
        }
        // go-yaml counts only ' ' here; a leading or trailing tab is treated the same
        // way so that it is quoted and survives reading back.
        if c == ' ' || c == '\t' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == chars.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break {
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == chars.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\n' | '\r');
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a = Analysis {
            block_plain_allowed: false,
            single_quoted_allowed: false,
            block_allowed: false,
        };
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// (JSON in, YAML kubectl prints).
    #[test]
    fn table() {
        let cases: Vec<(Value, &str)> = vec![
            // Keys sorted; nested mappings indented by two; sequences not indented.
            (
                json!({"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [{"name": "a", "image": "nginx"}]}}),
                "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx\n    name: a\n",
            ),
            // Strings that would read back as other types are double-quoted.
            (
                json!({"a": "true", "b": "123", "c": "", "d": "2019-01-06T15:09:36Z", "e": "null", "f": "yes", "g": "1.5", "h": "0x1F"}),
                "a: \"true\"\nb: \"123\"\nc: \"\"\nd: \"2019-01-06T15:09:36Z\"\ne: \"null\"\nf: \"yes\"\ng: \"1.5\"\nh: \"0x1F\"\n",
            ),
            // Indicators and ': ' force single quotes; empty collections are inline.
            (
                json!({"a": "- x", "b": "a: b", "c": "*star", "d": {}, "e": [], "f": null, "g": 3, "h": false, "i": "a #b", "j": " lead"}),
                "a: '- x'\nb: 'a: b'\nc: '*star'\nd: {}\ne: []\nf: null\ng: 3\nh: false\ni: 'a #b'\nj: ' lead'\n",
            ),
            // Multi-line strings are literal blocks with chomping indicators.
            (
                json!({"a": "line1\nline2\n", "b": "x\ny", "c": "x\n\n"}),
                "a: |\n  line1\n  line2\nb: |-\n  x\n  y\nc: |+\n  x\n\n",
            ),
            // Sequences of scalars and nested sequences.
            (json!({"args": ["sh", "-c", "echo hi"]}), "args:\n- sh\n- -c\n- echo hi\n"),
            (json!([["a"], "b"]), "- - a\n- b\n"),
            // Go's natural key order: digit runs as numbers.
            (json!({"a10": 1, "a9": 2, "a-b": 3, "ab": 4}), "a-b: 3\na9: 2\na10: 1\nab: 4\n"),
            // Floats as Go prints them.
            (json!({"a": 0.5, "b": 1e21, "c": 1e-7}), "a: 0.5\nb: 1e+21\nc: 1e-07\n"),
        ];
        for (input, want) in cases {
            assert_eq!(to_yaml(&input), want, "{input}");
        }
    }

    #[test]
    fn long_plain_strings_fold_past_column_80() {
        let msg = "back-off 10s restarting failed container=busybox pod=busybox_default(4a6f3c1e-7b2d-4c5e-9f0a-1b2c3d4e5f60) again";
        let out = to_yaml(&json!({"status": {"message": msg}}));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2, "{out}");
        assert!(
            lines[2].starts_with("    "),
            "continuation indented past the key: {out}"
        );
        // Reading it back gives the same string.
        let doc = crate::manifest::yaml::parse(&out).unwrap();
        assert_eq!(
            doc[0].root.as_ref().unwrap().to_json()["status"]["message"],
            msg
        );
    }

    /// Values from manifests are at most 512 deep (the parser's limit); deeper than
    /// the block limit they are written in flow style without recursion.
    #[test]
    fn deep_values_switch_to_flow_style() {
        let mut v = json!("x");
        for _ in 0..1_000 {
            v = json!([v]);
        }
        let out = to_yaml(&v);
        assert!(
            out.contains(&format!("{}\"x\"{}", "[".repeat(700), "]".repeat(700))),
            "{}",
            &out[..200]
        );
    }

    fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            "[ -~\\n\\t\u{e9}\u{2028}]{0,12}".prop_map(Value::String),
            prop::sample::select(vec![
                "yes",
                "no",
                "on",
                "~",
                "null",
                "1e3",
                "0o17",
                "- a",
                "a: b",
                "#x",
                "2020-01-01",
                "1:20",
                "<<",
                " ",
                "a\n b",
                "x \ny"
            ])
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z0-9./-]{1,8}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// What kubectl prints reads back as the same value, for any JSON.
        #[test]
        fn round_trips(v in arb_json()) {
            let text = to_yaml(&v);
            let docs = crate::manifest::yaml::parse(&text).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e:?} in\n{text}")))?;
            let back = docs.first().and_then(|d| d.root.as_ref()).map(|r| r.to_json()).unwrap_or(Value::Null);
            proptest::prop_assert_eq!(back, v, "yaml:\n{}", text);
        }
    }
}
