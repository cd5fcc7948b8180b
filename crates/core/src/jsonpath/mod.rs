//! kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): the parser, the
//! evaluator and the printing rules, as `kubectl get -o jsonpath=...` uses them.
//!
//! Text outside `{}` is printed as is; each action's results are printed separated by a
//! space: strings raw, numbers as Go's `%v`, booleans, `null`, and objects and arrays
//! as compact JSON. `{range ...}{end}` repeats its body for every result.

mod doc;
mod parse;
#[cfg(test)]
mod tests;

use serde_json::Value;
use std::fmt;

pub use doc::{Doc, DocError};
use doc::{Id, Node};
pub use parse::parse;

/// A parse or execution error; `Display` is client-go's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonPathError {
    Parse(String),
    Execute(String),
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonPathError::Parse(m) | JsonPathError::Execute(m) => f.write_str(m),
        }
    }
}

/// One part of a slice `[start:end:step]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Param {
    pub value: i64,
    pub known: bool,
    pub derived: bool,
}

/// One step of a path inside an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Step>,
        op: String,
        right: Vec<Step>,
    },
    Wildcard,
    Recursive,
    Union(Vec<Vec<Step>>),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Text(String),
    Action(Vec<Step>),
    /// `{range PATH}` ... `{end}`.
    Range(Vec<Step>, Vec<Segment>),
    /// An `{end}` with no `{range}` open: an error when executed.
    EndWithoutRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template(pub Vec<Segment>);

impl Template {
    pub fn parse(text: &str) -> Result<Template, JsonPathError> {
        parse(text)
    }
}

/// Execution options (kubectl: `--allow-missing-template-keys`, default true).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub allow_missing_keys: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_missing_keys: true,
        }
    }
}

/// A value during evaluation: a node of the document, or a literal from the template.
#[derive(Debug, Clone, Copy)]
enum Val<'t> {
    Node(Id),
    /// (A `&String`, so that a value stays two words.)
    Text(&'t String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A filter's comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op<'t> {
    Exists,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Parsed but unknown (`=<`): an error when a comparison runs.
    Unknown(&'t str),
}

/// A step with its field names resolved against one document.
#[derive(Debug)]
enum Bound<'t> {
    /// The key, and its symbol in the document (`None`: no object has it).
    Field(&'t String, Option<u32>),
    Array([Param; 3]),
    Filter {
        left: Path<'t>,
        op: Op<'t>,
        right: Path<'t>,
    },
    Wildcard,
    Recursive,
    Union(Vec<Path<'t>>),
    Text(&'t String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// An action's bound steps, with the shortcut their shape allows.
#[derive(Debug)]
struct Path<'t> {
    steps: Vec<Bound<'t>>,
    shape: Shape<'t>,
}

#[derive(Debug)]
enum Shape<'t> {
    /// Plain field names (`.metadata.name`): one value in, at most one out.
    Fields(Vec<(&'t String, Option<u32>)>),
    /// One literal (`"node-007"`, `8080`).
    Literal(Val<'t>),
    General,
}

/// A template segment bound to a document.
#[derive(Debug)]
enum BoundSegment<'t> {
    Text(&'t str),
    Action(Path<'t>),
    Range(Path<'t>, Vec<BoundSegment<'t>>),
    EndWithoutRange,
}

fn bind_path<'t>(steps: &'t [Step], doc: &Doc) -> Path<'t> {
    let steps = bind_steps(steps, doc);
    let shape = match steps.as_slice() {
        [Bound::Text(t)] => Shape::Literal(Val::Text(t)),
        [Bound::Int(i)] => Shape::Literal(Val::Int(*i)),
        [Bound::Float(f)] => Shape::Literal(Val::Float(*f)),
        [Bound::Bool(b)] => Shape::Literal(Val::Bool(*b)),
        [] => Shape::General,
        all => all
            .iter()
            .map(|s| match s {
                Bound::Field(name, key) => Some((*name, *key)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map_or(Shape::General, Shape::Fields),
    };
    Path { steps, shape }
}

fn bind_steps<'t>(steps: &'t [Step], doc: &Doc) -> Vec<Bound<'t>> {
    steps
        .iter()
        .map(|s| match s {
            Step::Field(name) => Bound::Field(name, doc.symbol(name)),
            Step::Array(p) => Bound::Array(*p),
            Step::Filter { left, op, right } => Bound::Filter {
                left: bind_path(left, doc),
                op: match op.as_str() {
                    "exists" => Op::Exists,
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    other => Op::Unknown(other),
                },
                right: bind_path(right, doc),
            },
            Step::Wildcard => Bound::Wildcard,
            Step::Recursive => Bound::Recursive,
            Step::Union(lists) => Bound::Union(lists.iter().map(|l| bind_path(l, doc)).collect()),
            Step::Text(t) => Bound::Text(t),
            Step::Int(i) => Bound::Int(*i),
            Step::Float(f) => Bound::Float(*f),
            Step::Bool(b) => Bound::Bool(*b),
        })
        .collect()
}

fn bind<'t>(segments: &'t [Segment], doc: &Doc) -> Vec<BoundSegment<'t>> {
    segments
        .iter()
        .map(|seg| match seg {
            Segment::Text(t) => BoundSegment::Text(t),
            Segment::Action(steps) => BoundSegment::Action(bind_path(steps, doc)),
            Segment::Range(steps, body) => {
                BoundSegment::Range(bind_path(steps, doc), bind(body, doc))
            }
            Segment::EndWithoutRange => BoundSegment::EndWithoutRange,
        })
        .collect()
}

/// Runs `template` over `data` and returns what kubectl prints.
pub fn execute(template: &Template, data: &Value, opts: &Options) -> Result<String, JsonPathError> {
    execute_doc(template, &Doc::new(data), opts)
}

/// [`execute`] over a document laid out beforehand, for running several templates (or
/// one template many times) over the same data.
pub fn execute_doc(
    template: &Template,
    doc: &Doc,
    opts: &Options,
) -> Result<String, JsonPathError> {
    let mut out = String::new();
    let eval = Eval {
        doc,
        allow_missing_keys: opts.allow_missing_keys,
    };
    eval.run(&bind(&template.0, doc), Val::Node(doc.root()), &mut out)?;
    Ok(out)
}

fn exec_err(m: impl Into<String>) -> JsonPathError {
    JsonPathError::Execute(m.into())
}

/// What a path gives for one value when it can be found without building lists: a
/// small flat value, since it is returned once per item of a range or filter.
#[derive(Clone, Copy)]
enum Single<'t> {
    /// The path needs the general evaluation.
    General,
    /// Nothing found; the field that was missing.
    Missing(&'t String),
    One(Val<'t>),
}

struct Eval<'d> {
    doc: &'d Doc,
    allow_missing_keys: bool,
}

impl Eval<'_> {
    fn run<'t>(
        &self,
        segments: &[BoundSegment<'t>],
        cur: Val<'t>,
        out: &mut String,
    ) -> Result<(), JsonPathError> {
        for seg in segments {
            match seg {
                BoundSegment::Text(t) => out.push_str(t),
                BoundSegment::Action(steps) => match self.single(cur, steps) {
                    Single::One(v) => self.print_one(v, out),
                    Single::Missing(name) => self.missing(name)?,
                    Single::General => {
                        let results = self.list(&[cur], steps)?;
                        self.print_results(&results, out);
                    }
                },
                BoundSegment::EndWithoutRange => {
                    return Err(exec_err("not in range, nothing to end"))
                }
                BoundSegment::Range(steps, body) => {
                    for r in self.list(&[cur], steps)? {
                        self.run(body, r, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The result of `steps` from one value when they are plain field names (the
    /// `.metadata.name` of every item of a range or filter) or one literal: walked
    /// without intermediate lists, with the results and errors of [`Self::list`].
    /// `None` when the steps need the general path.
    /// The result of `path` from one value when it is plain field names (the
    /// `.metadata.name` of every item of a range or filter) or one literal: walked
    /// without intermediate lists, with the results of [`Self::list`] (a missing field
    /// is an error only through [`Self::missing`]).
    #[inline(always)]
    fn single<'t>(&self, start: Val<'t>, path: &Path<'t>) -> Single<'t> {
        let fields = match &path.shape {
            Shape::Literal(v) => return Single::One(*v),
            Shape::General => return Single::General,
            Shape::Fields(fields) => fields,
        };
        let Val::Node(mut cur) = start else {
            return fields
                .first()
                .map_or(Single::General, |f| Single::Missing(f.0));
        };
        for &(name, key) in fields {
            // A JSON null is a value (printed `null`); a field of it is missing.
            match key.and_then(|k| self.doc.get(cur, k)) {
                Some(n) => cur = n,
                None => return Single::Missing(name),
            }
        }
        Single::One(Val::Node(cur))
    }

    /// A missing field: nothing, or with `--allow-missing-template-keys=false`
    /// client-go's error.
    fn missing(&self, name: &str) -> Result<(), JsonPathError> {
        if self.allow_missing_keys {
            Ok(())
        } else {
            Err(exec_err(format!("{name} is not found")))
        }
    }

    fn list<'t>(&self, input: &[Val<'t>], path: &Path<'t>) -> Result<Vec<Val<'t>>, JsonPathError> {
        if let [start] = input {
            match self.single(*start, path) {
                Single::One(v) => return Ok(vec![v]),
                Single::Missing(name) => return self.missing(name).map(|()| Vec::new()),
                Single::General => {}
            }
        }
        let mut cur: Vec<Val<'t>> = input.to_vec();
        for step in &path.steps {
            cur = self.step(cur, step)?;
        }
        Ok(cur)
    }

    /// The children of a value as client-go's wildcard sees them (map values in key
    /// order, array elements, a string's bytes), in order or reversed.
    fn children<'t>(&self, v: Val<'t>, out: &mut Vec<Val<'t>>, reversed: bool) {
        let bytes = |s: &str, out: &mut Vec<Val<'t>>| {
            let b = s.bytes().map(|b| Val::Int(i64::from(b)));
            if reversed {
                out.extend(b.rev())
            } else {
                out.extend(b)
            }
        };
        match v {
            Val::Node(n) => match self.doc.node(n) {
                Node::Object { start, len } => {
                    let e = self.doc.entries(start, len).iter().map(|e| Val::Node(e.1));
                    if reversed {
                        out.extend(e.rev())
                    } else {
                        out.extend(e)
                    }
                }
                Node::Array { start, len } => {
                    let i = self.doc.items(start, len).iter().map(|&i| Val::Node(i));
                    if reversed {
                        out.extend(i.rev())
                    } else {
                        out.extend(i)
                    }
                }
                Node::Str { start, len } => bytes(self.doc.str(start, len), out),
                _ => {}
            },
            Val::Text(s) => bytes(s, out),
            _ => {}
        }
    }

    fn has_children(&self, v: Val<'_>) -> bool {
        match v {
            Val::Node(n) => match self.doc.node(n) {
                Node::Object { len, .. } | Node::Array { len, .. } => len > 0,
                Node::Str { len, .. } => len > 0,
                _ => false,
            },
            Val::Text(s) => !s.is_empty(),
            _ => false,
        }
    }

    fn is_nil(&self, v: Val<'_>) -> bool {
        matches!(v, Val::Node(n) if matches!(self.doc.node(n), Node::Null))
    }

    fn type_name(&self, v: Val<'_>) -> &'static str {
        match v {
            Val::Node(n) => match self.doc.node(n) {
                Node::Object { .. } => "map[string]interface {}",
                Node::Array { .. } => "[]interface {}",
                Node::Str { .. } => "string",
                Node::Bool(_) => "bool",
                Node::Int(_) | Node::UInt(_) => "int64",
                Node::Float(_) => "float64",
                Node::Null => "interface {}",
            },
            Val::Text(_) => "string",
            Val::Bool(_) => "bool",
            Val::Float(_) => "float64",
            Val::Int(_) => "int",
        }
    }

    fn step<'t>(
        &self,
        input: Vec<Val<'t>>,
        step: &Bound<'t>,
    ) -> Result<Vec<Val<'t>>, JsonPathError> {
        match step {
            Bound::Text(t) => Ok(vec![Val::Text(t)]),
            Bound::Int(i) => Ok(input.iter().map(|_| Val::Int(*i)).collect()),
            Bound::Float(f) => Ok(input.iter().map(|_| Val::Float(*f)).collect()),
            Bound::Bool(b) => Ok(input.iter().map(|_| Val::Bool(*b)).collect()),
            Bound::Field(name, key) => {
                if input.is_empty() {
                    return Ok(input);
                }
                let mut out = Vec::new();
                if let Some(key) = key {
                    for v in &input {
                        if let Val::Node(n) = v {
                            if let Some(x) = self.doc.get(*n, *key) {
                                out.push(Val::Node(x));
                            }
                        }
                    }
                }
                if out.is_empty() && !self.allow_missing_keys {
                    return Err(exec_err(format!("{name} is not found")));
                }
                Ok(out)
            }
            Bound::Wildcard => {
                let mut out = Vec::new();
                for v in input {
                    if !self.is_nil(v) {
                        self.children(v, &mut out, false);
                    }
                }
                Ok(out)
            }
            Bound::Recursive => {
                // Preorder: every value that has children, then its descendants.
                let mut out = Vec::new();
                let (mut stack, mut kids) = (Vec::new(), Vec::new());
                for v in input {
                    if self.is_nil(v) {
                        continue;
                    }
                    stack.push(v);
                    while let Some(x) = stack.pop() {
                        if !self.has_children(x) {
                            continue;
                        }
                        out.push(x);
                        kids.clear();
                        self.children(x, &mut kids, true);
                        // Nil children are not descended into.
                        stack.extend(kids.iter().filter(|k| !self.is_nil(**k)));
                    }
                }
                Ok(out)
            }
            Bound::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.list(&input, l)?);
                }
                Ok(out)
            }
            Bound::Array(params) => {
                let mut out = Vec::new();
                for v in &input {
                    let items = match *v {
                        Val::Node(n) => match self.doc.node(n) {
                            Node::Null => continue,
                            Node::Array { start, len } => self.doc.items(start, len),
                            _ => {
                                return Err(exec_err(format!(
                                    "{} is not array or slice",
                                    self.type_name(*v)
                                )))
                            }
                        },
                        other => {
                            return Err(exec_err(format!(
                                "{} is not array or slice",
                                self.type_name(other)
                            )))
                        }
                    };
                    let len = items.len() as i64;
                    let mut p = *params;
                    if !p[0].known {
                        p[0].value = 0;
                    }
                    if p[0].value < 0 {
                        p[0].value += len;
                    }
                    if !p[1].known {
                        p[1].value = len;
                    }
                    if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
                        p[1].value += len;
                    }
                    // client-go returns what it has when a value asks for nothing.
                    if p[1].value == p[0].value {
                        return Ok(out);
                    }
                    if p[0].value >= len || p[0].value < 0 {
                        return Err(exec_err(format!(
                            "array index out of bounds: index {}, length {len}",
                            p[0].value
                        )));
                    }
                    if p[1].value > len || p[1].value < 0 {
                        return Err(exec_err(format!(
                            "array index out of bounds: index {}, length {len}",
                            p[1].value - 1
                        )));
                    }
                    if p[0].value > p[1].value {
                        return Err(exec_err(format!(
                            "starting index {} is greater than ending index {}",
                            p[0].value, p[1].value
                        )));
                    }
                    let step = if p[2].known {
                        if p[2].value <= 0 {
                            return Err(exec_err("step must be > 0"));
                        }
                        p[2].value as usize
                    } else {
                        1
                    };
                    out.extend(
                        items[p[0].value as usize..p[1].value as usize]
                            .iter()
                            .step_by(step)
                            .map(|&i| Val::Node(i)),
                    );
                }
                Ok(out)
            }
            Bound::Filter { left, op, right } => {
                let mut out = Vec::new();
                for v in &input {
                    let items = match *v {
                        Val::Node(n) => match self.doc.node(n) {
                            Node::Array { start, len } => self.doc.items(start, len),
                            _ => {
                                return Err(exec_err(format!(
                                    "{} is not array or slice and cannot be filtered",
                                    self.go_print(*v)
                                )))
                            }
                        },
                        other => {
                            return Err(exec_err(format!(
                                "{} is not array or slice and cannot be filtered",
                                self.go_print(other)
                            )))
                        }
                    };
                    for &item in items {
                        if self.keep(Val::Node(item), left, *op, right)? {
                            out.push(Val::Node(item));
                        }
                    }
                }
                Ok(out)
            }
        }
    }

    /// Whether a filter keeps `item`.
    fn keep<'t>(
        &self,
        item: Val<'t>,
        left: &Path<'t>,
        op: Op<'t>,
        right: &Path<'t>,
    ) -> Result<bool, JsonPathError> {
        if op == Op::Exists {
            // Any error, like a missing key, means the item has no such field.
            return Ok(self.one_of(item, left).is_ok_and(|l| l.is_some()));
        }
        let Some(l) = self.one_of(item, left)? else {
            return Ok(false);
        };
        let Some(r) = self.one_of(item, right)? else {
            return Ok(false);
        };
        self.compare(l, r, op)
    }

    /// The single value a filter's side gives for `item`, `None` for none.
    #[inline(always)]
    fn one_of<'t>(&self, item: Val<'t>, path: &Path<'t>) -> Result<Option<Val<'t>>, JsonPathError> {
        match self.single(item, path) {
            Single::One(v) => return Ok(Some(v)),
            Single::Missing(name) => return self.missing(name).map(|()| None),
            Single::General => {}
        }
        let results = self.list(&[item], path)?;
        match results.len() {
            0 => Ok(None),
            1 => Ok(Some(results[0])),
            _ => Err(exec_err("can only compare one element at a time")),
        }
    }

    fn basic<'s>(&'s self, v: Val<'s>) -> Option<Basic<'s>> {
        Some(match v {
            Val::Node(n) => match self.doc.node(n) {
                Node::Int(i) => Basic::Int(i),
                Node::UInt(u) => Basic::Float(u as f64),
                Node::Float(f) => Basic::Float(f),
                Node::Str { start, len } => Basic::Str(self.doc.str(start, len)),
                Node::Bool(b) => Basic::Bool(b),
                _ => return None,
            },
            Val::Text(s) => Basic::Str(s),
            Val::Int(i) => Basic::Int(i),
            Val::Float(f) => Basic::Float(f),
            Val::Bool(b) => Basic::Bool(b),
        })
    }

    /// text/template's eq/ne/lt/le/gt/ge on two values.
    fn compare(&self, l: Val<'_>, r: Val<'_>, op: Op<'_>) -> Result<bool, JsonPathError> {
        let equality = matches!(op, Op::Eq | Op::Ne);
        let (a, b) = match (self.basic(l), self.basic(r)) {
            (Some(a), Some(b)) => (a, b),
            _ if equality => return Err(exec_err("incompatible types for comparison")),
            _ => return Err(exec_err("invalid type for comparison")),
        };
        if std::mem::discriminant(&a) != std::mem::discriminant(&b) {
            return Err(exec_err("incompatible types for comparison"));
        }
        if matches!(a, Basic::Bool(_)) && !equality {
            return Err(exec_err("invalid type for comparison"));
        }
        Ok(match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Exists => true,
            Op::Unknown(other) => {
                return Err(exec_err(format!("unrecognized filter operator {other}")))
            }
        })
    }

    /// `fmt.Fprint` of a value for the "is not array" message.
    fn go_print(&self, v: Val<'_>) -> String {
        let mut s = String::new();
        self.print_one(v, &mut s);
        s
    }

    fn print_one(&self, v: Val<'_>, out: &mut String) {
        use std::fmt::Write;
        match v {
            Val::Node(n) => match self.doc.node(n) {
                Node::Str { start, len } => out.push_str(self.doc.str(start, len)),
                Node::Null => out.push_str("null"),
                Node::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                Node::Int(i) => {
                    let _ = write!(out, "{i}");
                }
                Node::UInt(u) => {
                    let _ = write!(out, "{u}");
                }
                Node::Float(f) => out.push_str(&crate::gofmt::float_g(f)),
                Node::Object { .. } | Node::Array { .. } => {
                    out.push_str(&crate::gofmt::json(&self.doc.to_value(n), None))
                }
            },
            Val::Text(s) => out.push_str(s),
            Val::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Val::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Val::Float(f) => out.push_str(&crate::gofmt::float_g(f)),
        }
    }

    fn print_results(&self, results: &[Val<'_>], out: &mut String) {
        for (i, r) in results.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            self.print_one(*r, out);
        }
    }

    fn found(&self, v: Val<'_>) -> Found {
        match v {
            Val::Node(n) => Found::Value(self.doc.to_value(n)),
            Val::Text(t) => Found::Text(t.to_string()),
            Val::Int(i) => Found::Int(i),
            Val::Float(f) => Found::Float(f),
            Val::Bool(b) => Found::Bool(b),
        }
    }

    fn find<'t>(
        &self,
        segments: &[BoundSegment<'t>],
        cur: Val<'t>,
        out: &mut Vec<Vec<Found>>,
    ) -> Result<(), JsonPathError> {
        for seg in segments {
            match seg {
                BoundSegment::Text(t) => out.push(vec![Found::Text(t.to_string())]),
                BoundSegment::Action(steps) => {
                    let results = self.list(&[cur], steps)?;
                    out.push(results.into_iter().map(|v| self.found(v)).collect());
                }
                BoundSegment::EndWithoutRange => {
                    return Err(exec_err("not in range, nothing to end"))
                }
                BoundSegment::Range(steps, body) => {
                    for r in self.list(&[cur], steps)? {
                        self.find(body, r, out)?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(PartialEq, PartialOrd)]
enum Basic<'a> {
    Int(i64),
    Float(f64),
    Str(&'a str),
    Bool(bool),
}

/// A result of [`find_results`]: a value of the data, or a literal of the template.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Value(Value),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// client-go's `FindResults`: for each top-level part of the template, the values it
/// finds (text outside braces is one literal; a range contributes its body's results
/// for every element). What kubectl's custom-columns and sort-by read.
pub fn find_results(
    template: &Template,
    data: &Value,
    opts: &Options,
) -> Result<Vec<Vec<Found>>, JsonPathError> {
    let doc = Doc::new(data);
    let eval = Eval {
        doc: &doc,
        allow_missing_keys: opts.allow_missing_keys,
    };
    let mut out = Vec::new();
    eval.find(&bind(&template.0, &doc), Val::Node(doc.root()), &mut out)?;
    Ok(out)
}

/// Why [`evaluate_document`] printed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// The document is neither JSON nor YAML (`file:line:column: message`).
    Document(String),
    /// The template does not parse (kubectl's `error parsing jsonpath ...`).
    Parse(String),
    /// The template failed on this document (kubectl's `error executing jsonpath ...`).
    Execute(String),
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentError::Document(m) | DocumentError::Parse(m) | DocumentError::Execute(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Evaluates `template` over a JSON or YAML document the way `kubectl get -o jsonpath=`
/// evaluates it over an object (what `podlab jsonpath` runs). `name` names the document
/// in errors. A YAML stream of several documents is read as a `kind: List` of them.
pub fn evaluate_document(
    template: &str,
    name: &str,
    document: &str,
    opts: &Options,
) -> Result<String, DocumentError> {
    let parsed = Template::parse(template)
        .map_err(|e| DocumentError::Parse(format!("error parsing jsonpath {template}, {e}")))?;
    let data = if document.trim_start().starts_with(['{', '[']) {
        serde_json::from_str::<Value>(document).map_err(|e| {
            DocumentError::Document(format!("{name}:{}:{}: {e}", e.line(), e.column()))
        })?
    } else {
        let docs = crate::manifest::yaml::parse(document).map_err(|e| {
            DocumentError::Document(format!(
                "{name}:{}:{}: {}",
                e.pos.line, e.pos.column, e.message
            ))
        })?;
        let mut values: Vec<Value> = docs
            .iter()
            .filter_map(|d| d.root.as_ref().map(|n| n.to_json()))
            .collect();
        match values.len() {
            0 => Value::Null,
            1 => values.remove(0),
            _ => {
                serde_json::json!({"apiVersion": "v1", "items": values, "kind": "List", "metadata": {"resourceVersion": ""}})
            }
        }
    };
    execute(&parsed, &data, opts).map_err(|e| {
        DocumentError::Execute(format!(
            "error executing jsonpath {template:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}"
        ))
    })
}
