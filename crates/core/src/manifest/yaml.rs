//! YAML text to a positioned document tree.
//!
//! The only place in Podlab that touches the YAML parser. Every node keeps the line and
//! column where it starts, so later stages (typed decoding, strict field checks, hints)
//! can point at the exact place in the user's text. Scalars are resolved the way kubectl's
//! YAML-to-JSON conversion (go-yaml v2, YAML 1.1 rules) resolves them: `yes`/`no`/`on`/`off`
//! are booleans, `~` and an empty value are null, `0x1F` and `0o17` are integers.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};
use std::collections::HashMap;

/// Where something starts in the source text. Both are 1-based, as editors show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_span(span: &Span) -> Pos {
        Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Keys in document order; each key keeps its own position.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub pos: Pos,
    pub name: String,
}

/// One `---`-separated document; `root` is `None` for an empty document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub pos: Pos,
    pub root: Option<Node>,
}

/// A YAML error with the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Aliases are expanded, so a small text can describe a huge tree ("billion laughs").
/// Past this many nodes the document is refused instead of exhausting memory.
pub const MAX_NODES: usize = 1_000_000;
/// Deeper nesting than this is refused (the tree is walked recursively later on).
pub const MAX_DEPTH: usize = 512;

/// Parses every document in `text`.
pub fn parse(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(scan_error)?;
        builder.event(event, span)?;
    }
    Ok(builder.docs)
}

fn scan_error(e: ScanError) -> YamlError {
    let m = e.marker();
    YamlError {
        pos: Pos {
            line: m.line(),
            column: m.col() + 1,
        },
        message: e.info().to_string(),
    }
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
    },
}

#[derive(Default)]
struct Builder {
    docs: Vec<Document>,
    doc_pos: Pos,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = Pos::from_span(&span);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.doc_pos = pos;
                self.docs.push(Document { pos, root: None });
                self.anchors.clear();
                Ok(())
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    pos,
                    message: "unknown anchor".into(),
                })?;
                self.count(count_nodes(&node), pos)?;
                // The alias is placed where it is written.
                self.push(Node {
                    pos,
                    value: node.value,
                })
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, pos)?;
                let tag = tag.map(|t| t.suffix.clone());
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node { pos, value };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Seq {
                    pos,
                    anchor,
                    items: Vec::new(),
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Map {
                    pos,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { pos, anchor, items }) => (
                        Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    }) => (
                        Node {
                            pos,
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => {
                        return Err(YamlError {
                            pos,
                            message: "unbalanced collection end".into(),
                        })
                    }
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)
            }
        }
    }

    fn open(&mut self, pos: Pos) -> Result<(), YamlError> {
        self.count(1, pos)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                pos,
                message: format!("exceeded max depth of {MAX_DEPTH}"),
            });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                pos,
                message: format!(
                    "document is too large: more than {MAX_NODES} nodes after expanding aliases"
                ),
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                if self.docs.is_empty() {
                    self.docs.push(Document {
                        pos: self.doc_pos,
                        root: None,
                    });
                }
                if let Some(doc) = self.docs.last_mut() {
                    doc.root = Some(node);
                }
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let name = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(YamlError {
                                pos: node.pos,
                                message: "invalid map key: a key must be a scalar".into(),
                            })
                        }
                    };
                    if entries.iter().any(|(k, _)| k.name == name) {
                        return Err(YamlError {
                            pos: node.pos,
                            message: format!("key {name:?} already set in map"),
                        });
                    }
                    *key = Some(Key {
                        pos: node.pos,
                        name,
                    });
                    Ok(())
                }
                Some(k) => {
                    entries.push((k, node));
                    Ok(())
                }
            },
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| 1 + count_nodes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// What an unquoted scalar with this text resolves to (go-yaml v2's `resolve`).
pub fn resolve_plain(text: &str) -> Value {
    resolve_scalar(text, ScalarStyle::Plain, None)
}

/// Resolves a scalar as go-yaml v2 does (YAML 1.1 core types).
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(text.to_string()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if looks_like_float(text) {
        // Go's ParseFloat fails on overflow (1e999), and go-yaml then keeps the text.
        if let Ok(f) = text.replace('_', "").parse::<f64>() {
            if f.is_finite() {
                return Value::Float(f);
            }
        }
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = clean.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = clean.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = clean.strip_prefix("0b") {
        (2, d)
    } else if clean.len() > 1 && clean.starts_with('0') {
        (8, &clean[1..])
    } else {
        (10, clean.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

fn looks_like_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut digits = 0;
    let mut dot = false;
    let mut exp = false;
    let mut prev = ' ';
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '_' => {}
            '.' if !dot && !exp => dot = true,
            'e' | 'E' if digits > 0 && !exp => exp = true,
            '+' | '-' if prev == 'e' || prev == 'E' => {}
            _ => return false,
        }
        prev = c;
    }
    digits > 0 && !prev.eq_ignore_ascii_case(&'e')
}

impl Node {
    /// The entry for `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Converts the tree to JSON, the form the typed decoders take.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(crate::sort::collect_object(
                entries.iter().map(|(k, v)| (k.name.clone(), v.to_json())),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn scalars_resolve_like_go_yaml_v2() {
        let cases: &[(&str, Value)] = &[
            ("a: 1", Value::Int(1)),
            ("a: -17", Value::Int(-17)),
            ("a: 0x1F", Value::Int(31)),
            ("a: 0o17", Value::Int(15)),
            ("a: 1.5", Value::Float(1.5)),
            ("a: 1e3", Value::Float(1000.0)),
            ("a: yes", Value::Bool(true)),
            ("a: Off", Value::Bool(false)),
            ("a: ~", Value::Null),
            ("a:", Value::Null),
            ("a: '1'", Value::String("1".into())),
            ("a: !!str 12", Value::String("12".into())),
            ("a: nginx:1.25", Value::String("nginx:1.25".into())),
            ("a: 100m", Value::String("100m".into())),
            ("a: 1e", Value::String("1e".into())),
            // Too big for an integer: go-yaml falls back to a float.
            ("a: 99999999999999999999", Value::Float(1e20)),
        ];
        for (text, want) in cases {
            assert_eq!(&root(text).get("a").unwrap().value, want, "{text}");
        }
    }

    #[test]
    fn positions_are_one_based() {
        let r = root("a:\n  b: c\n  d:\n  - e\n");
        let b = r.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.pos, Pos { line: 2, column: 6 });
        if let Value::Map(entries) = &r.get("a").unwrap().value {
            assert_eq!(entries[1].0.pos, Pos { line: 3, column: 3 });
        }
    }

    #[test]
    fn multiple_documents_and_empty_ones() {
        let docs = parse("a: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[1].root.as_ref().is_none_or(|n| n.value == Value::Null));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert!(e.message.contains("already set"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("too large"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
    }
}
