//! kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): the parser, the
//! evaluator and the printing rules, as `kubectl get -o jsonpath=...` uses them.
//!
//! Text outside `{}` is printed as is; each action's results are printed separated by a
//! space: strings raw, numbers as Go's `%v`, booleans, `null`, and objects and arrays
//! as compact JSON. `{range ...}{end}` repeats its body for every result.

mod parse;
#[cfg(test)]
mod tests;

use serde_json::Value;
use std::fmt;

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

/// A value during evaluation: a reference into the data, or a literal from the template.
#[derive(Debug, Clone)]
enum Val<'a> {
    Ref(&'a Value),
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Runs `template` over `data` and returns what kubectl prints.
pub fn execute(template: &Template, data: &Value, opts: &Options) -> Result<String, JsonPathError> {
    let mut out = String::new();
    run_segments(&template.0, &Val::Ref(data), opts, &mut out)?;
    Ok(out)
}

fn run_segments<'a>(
    segments: &'a [Segment],
    cur: &Val<'a>,
    opts: &Options,
    out: &mut String,
) -> Result<(), JsonPathError> {
    for seg in segments {
        match seg {
            Segment::Text(t) => out.push_str(t),
            Segment::Action(steps) => {
                let results = eval_list(std::slice::from_ref(cur), steps, opts)?;
                print_results(&results, out)?;
            }
            Segment::EndWithoutRange => return Err(exec_err("not in range, nothing to end")),
            Segment::Range(steps, body) => {
                let results = eval_list(std::slice::from_ref(cur), steps, opts)?;
                for r in &results {
                    run_segments(body, r, opts, out)?;
                }
            }
        }
    }
    Ok(())
}

fn exec_err(m: impl Into<String>) -> JsonPathError {
    JsonPathError::Execute(m.into())
}

fn eval_list<'a>(
    input: &[Val<'a>],
    steps: &'a [Step],
    opts: &Options,
) -> Result<Vec<Val<'a>>, JsonPathError> {
    // The common case, one value through plain field names (`.metadata.name` for each
    // item of a range or filter), walks the tree without intermediate lists; the result
    // and the errors are those of the general path below.
    if let [start] = input {
        if !steps.is_empty() && steps.iter().all(|s| matches!(s, Step::Field(_))) {
            let mut cur = match start {
                Val::Ref(v) => Some(*v),
                _ => None,
            };
            let names = steps.iter().filter_map(|s| match s {
                Step::Field(name) => Some(name),
                _ => None,
            });
            for name in names {
                cur = match cur {
                    Some(Value::Object(m)) => m.get(name).filter(|x| !x.is_null()),
                    _ => None,
                };
                if cur.is_none() {
                    if !opts.allow_missing_keys {
                        return Err(exec_err(format!("{name} is not found")));
                    }
                    return Ok(Vec::new());
                }
            }
            return Ok(cur.map(Val::Ref).into_iter().collect());
        }
    }
    let mut cur: Vec<Val<'a>> = input.to_vec();
    for step in steps {
        cur = eval_step(cur, step, opts)?;
    }
    Ok(cur)
}

/// The children of a value as client-go's wildcard sees them (map values in key order,
/// array elements, a string's bytes).
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    match v {
        Val::Ref(Value::Object(m)) => m.values().map(Val::Ref).collect(),
        Val::Ref(Value::Array(a)) => a.iter().map(Val::Ref).collect(),
        Val::Ref(Value::String(s)) => s.bytes().map(|b| Val::Int(i64::from(b))).collect(),
        Val::Text(s) => s.bytes().map(|b| Val::Int(i64::from(b))).collect(),
        _ => Vec::new(),
    }
}

fn is_nil(v: &Val<'_>) -> bool {
    matches!(v, Val::Ref(Value::Null))
}

fn type_name(v: &Val<'_>) -> &'static str {
    match v {
        Val::Ref(Value::Object(_)) => "map[string]interface {}",
        Val::Ref(Value::Array(_)) => "[]interface {}",
        Val::Ref(Value::String(_)) | Val::Text(_) => "string",
        Val::Ref(Value::Bool(_)) | Val::Bool(_) => "bool",
        Val::Ref(Value::Number(n)) if n.is_i64() || n.is_u64() => "int64",
        Val::Ref(Value::Number(_)) | Val::Float(_) => "float64",
        Val::Int(_) => "int",
        Val::Ref(Value::Null) => "interface {}",
    }
}

fn eval_step<'a>(
    input: Vec<Val<'a>>,
    step: &'a Step,
    opts: &Options,
) -> Result<Vec<Val<'a>>, JsonPathError> {
    match step {
        Step::Text(t) => Ok(vec![Val::Text(t)]),
        Step::Int(i) => Ok(input.iter().map(|_| Val::Int(*i)).collect()),
        Step::Float(f) => Ok(input.iter().map(|_| Val::Float(*f)).collect()),
        Step::Bool(b) => Ok(input.iter().map(|_| Val::Bool(*b)).collect()),
        Step::Field(name) => {
            if input.is_empty() {
                return Ok(input);
            }
            let mut out = Vec::new();
            for v in &input {
                if let Val::Ref(Value::Object(m)) = v {
                    if let Some(x) = m.get(name) {
                        if !x.is_null() {
                            out.push(Val::Ref(x));
                        }
                    }
                }
            }
            if out.is_empty() && !opts.allow_missing_keys {
                return Err(exec_err(format!("{name} is not found")));
            }
            Ok(out)
        }
        Step::Wildcard => Ok(input
            .iter()
            .filter(|v| !is_nil(v))
            .flat_map(children)
            .collect()),
        Step::Recursive => {
            // Preorder: every value that has children, then its descendants.
            let mut out = Vec::new();
            for v in input.iter().filter(|v| !is_nil(v)) {
                let mut stack = vec![v.clone()];
                while let Some(x) = stack.pop() {
                    let kids = children(&x);
                    if kids.is_empty() {
                        continue;
                    }
                    out.push(x);
                    for k in kids.into_iter().rev() {
                        if !is_nil(&k) {
                            stack.push(k);
                        }
                    }
                }
            }
            Ok(out)
        }
        Step::Union(lists) => {
            let mut out = Vec::new();
            for l in lists {
                out.extend(eval_list(&input, l, opts)?);
            }
            Ok(out)
        }
        Step::Array(params) => {
            let mut out = Vec::new();
            for v in &input {
                let items = match v {
                    Val::Ref(Value::Null) => continue,
                    Val::Ref(Value::Array(a)) => a,
                    other => {
                        return Err(exec_err(format!(
                            "{} is not array or slice",
                            type_name(other)
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
                        .map(Val::Ref),
                );
            }
            Ok(out)
        }
        Step::Filter { left, op, right } => {
            let mut out = Vec::new();
            for v in &input {
                let items = match v {
                    Val::Ref(Value::Array(a)) => a,
                    other => {
                        return Err(exec_err(format!(
                            "{} is not array or slice and cannot be filtered",
                            go_print(other)
                        )))
                    }
                };
                for item in items {
                    let here = [Val::Ref(item)];
                    let lefts = eval_list(&here, left, opts);
                    if op == "exists" {
                        if lefts.is_ok_and(|l| !l.is_empty()) {
                            out.push(Val::Ref(item));
                        }
                        continue;
                    }
                    let lefts = lefts?;
                    let l = match lefts.len() {
                        0 => continue,
                        1 => &lefts[0],
                        _ => return Err(exec_err("can only compare one element at a time")),
                    };
                    let rights = eval_list(&here, right, opts)?;
                    let r = match rights.len() {
                        0 => continue,
                        1 => &rights[0],
                        _ => return Err(exec_err("can only compare one element at a time")),
                    };
                    if compare(l, r, op)? {
                        out.push(Val::Ref(item));
                    }
                }
            }
            Ok(out)
        }
    }
}

#[derive(PartialEq, PartialOrd)]
enum Basic<'a> {
    Int(i64),
    Float(f64),
    Str(&'a str),
    Bool(bool),
}

fn basic<'a>(v: &Val<'a>) -> Option<Basic<'a>> {
    Some(match v {
        Val::Ref(Value::Number(n)) => match n.as_i64() {
            Some(i) => Basic::Int(i),
            None => Basic::Float(n.as_f64()?),
        },
        Val::Ref(Value::String(s)) => Basic::Str(s),
        Val::Ref(Value::Bool(b)) | Val::Bool(b) => Basic::Bool(*b),
        Val::Text(s) => Basic::Str(s),
        Val::Int(i) => Basic::Int(*i),
        Val::Float(f) => Basic::Float(*f),
        _ => return None,
    })
}

/// text/template's eq/ne/lt/le/gt/ge on two values.
fn compare(l: &Val<'_>, r: &Val<'_>, op: &str) -> Result<bool, JsonPathError> {
    let (a, b) = match (basic(l), basic(r)) {
        (Some(a), Some(b)) => (a, b),
        _ if op == "==" || op == "!=" => {
            return Err(exec_err("incompatible types for comparison"));
        }
        _ => return Err(exec_err("invalid type for comparison")),
    };
    let same_kind = std::mem::discriminant(&a) == std::mem::discriminant(&b);
    if !same_kind {
        return Err(exec_err("incompatible types for comparison"));
    }
    if matches!(a, Basic::Bool(_)) && !matches!(op, "==" | "!=") {
        return Err(exec_err("invalid type for comparison"));
    }
    Ok(match op {
        "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        ">=" => a >= b,
        other => return Err(exec_err(format!("unrecognized filter operator {other}"))),
    })
}

/// `fmt.Fprint` of a value for the "is not array" message.
fn go_print(v: &Val<'_>) -> String {
    match v {
        Val::Ref(Value::String(s)) => s.to_string(),
        Val::Text(s) => s.to_string(),
        other => {
            let mut s = String::new();
            let _ = print_one(other, &mut s);
            s
        }
    }
}

fn print_one(v: &Val<'_>, out: &mut String) -> Result<(), JsonPathError> {
    match v {
        Val::Ref(Value::String(s)) => out.push_str(s),
        Val::Text(s) => out.push_str(s),
        Val::Ref(Value::Null) => out.push_str("null"),
        Val::Ref(Value::Bool(b)) | Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Ref(Value::Number(n)) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (_, Some(u)) => out.push_str(&u.to_string()),
            _ => out.push_str(&crate::gofmt::float_g(n.as_f64().unwrap_or(0.0))),
        },
        Val::Int(i) => out.push_str(&i.to_string()),
        Val::Float(f) => out.push_str(&crate::gofmt::float_g(*f)),
        Val::Ref(v @ (Value::Object(_) | Value::Array(_))) => compact_json(v, out),
    }
    Ok(())
}

fn compact_json(v: &Value, out: &mut String) {
    out.push_str(&crate::gofmt::json(v, None));
}

fn print_results(results: &[Val<'_>], out: &mut String) -> Result<(), JsonPathError> {
    for (i, r) in results.iter().enumerate() {
        print_one(r, out)?;
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
    Ok(())
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

impl Found {
    fn from_val(v: &Val<'_>) -> Found {
        match v {
            Val::Ref(x) => Found::Value((*x).clone()),
            Val::Text(t) => Found::Text((*t).to_string()),
            Val::Int(i) => Found::Int(*i),
            Val::Float(f) => Found::Float(*f),
            Val::Bool(b) => Found::Bool(*b),
        }
    }
}

/// client-go's `FindResults`: for each top-level part of the template, the values it
/// finds (text outside braces is one literal; a range contributes its body's results
/// for every element). What kubectl's custom-columns and sort-by read.
pub fn find_results(
    template: &Template,
    data: &Value,
    opts: &Options,
) -> Result<Vec<Vec<Found>>, JsonPathError> {
    let mut out = Vec::new();
    find_segments(&template.0, &Val::Ref(data), opts, &mut out)?;
    Ok(out)
}

fn find_segments<'a>(
    segments: &'a [Segment],
    cur: &Val<'a>,
    opts: &Options,
    out: &mut Vec<Vec<Found>>,
) -> Result<(), JsonPathError> {
    for seg in segments {
        match seg {
            Segment::Text(t) => out.push(vec![Found::Text(t.clone())]),
            Segment::Action(steps) => {
                let results = eval_list(std::slice::from_ref(cur), steps, opts)?;
                out.push(results.iter().map(Found::from_val).collect());
            }
            Segment::EndWithoutRange => return Err(exec_err("not in range, nothing to end")),
            Segment::Range(steps, body) => {
                let results = eval_list(std::slice::from_ref(cur), steps, opts)?;
                for r in &results {
                    find_segments(body, r, opts, out)?;
                }
            }
        }
    }
    Ok(())
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
