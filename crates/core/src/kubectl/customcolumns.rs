//! `-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE`, as kubectl's
//! CustomColumnsPrinter prints them: a header line, then one line per object whose cells
//! are the JSONPath results joined by commas (`<none>` when nothing is found), each value
//! printed as Go's `fmt.Sprint` prints a decoded JSON value.

use super::printers;
use crate::jsonpath::{self, Found, JsonPathError, Options, Template};
use serde_json::Value;
use std::fmt;

/// Why custom columns (or a relaxed JSONPath) are not usable; `Display` is kubectl's
/// text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnsError {
    /// A path [`relaxed_jsonpath`] does not take.
    BadPath,
    /// The JSONPath did not parse, or failed when run.
    JsonPath(JsonPathError),
    NoColumns,
    /// A `-o custom-columns` part without `HEADER:`.
    BadSpec(String),
    MissingHeaderLine,
    MissingSpecLine,
    CountMismatch {
        headers: usize,
        specs: usize,
    },
}

const TEMPLATE_FORMAT: &str = "Expected format is one line of space separated headers, one line of space separated column specs.";

impl fmt::Display for ColumnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnsError::BadPath => f.write_str("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"),
            ColumnsError::JsonPath(e) => write!(f, "{e}"),
            ColumnsError::NoColumns => {
                f.write_str("custom-columns format specified but no custom columns given")
            }
            ColumnsError::BadSpec(part) => write!(
                f,
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ),
            ColumnsError::MissingHeaderLine => {
                write!(f, "invalid template, missing header line. {TEMPLATE_FORMAT}")
            }
            ColumnsError::MissingSpecLine => {
                write!(f, "invalid template, missing spec line. {TEMPLATE_FORMAT}")
            }
            ColumnsError::CountMismatch { headers, specs } => write!(
                f,
                "number of headers ({headers}) and field specifications ({specs}) don't match"
            ),
        }
    }
}

impl std::error::Error for ColumnsError {}

/// One column: its header and its JSONPath (already in `{.a.b}` form).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub field_spec: String,
    template: Template,
}

/// kubectl's `RelaxedJSONPathExpression`: accepts `a.b`, `.a.b`, `{a.b}` and `{.a.b}`
/// and returns `{.a.b}`.
pub fn relaxed_jsonpath(expr: &str) -> Result<String, ColumnsError> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let inner = match expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
        Some(inner) => inner,
        None => expr,
    };
    // The rest may hold no braces and must keep at least one character after the dot.
    let body = match inner.strip_prefix('.') {
        Some(rest) if !rest.is_empty() => rest,
        _ => inner,
    };
    if body.is_empty() || body.contains(['{', '}']) {
        return Err(ColumnsError::BadPath);
    }
    Ok(format!("{{.{body}}}"))
}

fn column(header: &str, spec: &str) -> Result<Column, ColumnsError> {
    let field_spec = relaxed_jsonpath(spec)?;
    let template = Template::parse(&field_spec).map_err(ColumnsError::JsonPath)?;
    Ok(Column {
        header: header.to_string(),
        field_spec,
        template,
    })
}

/// Columns from `NAME:.metadata.name,NODE:.spec.nodeName`.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, ColumnsError> {
    if spec.is_empty() {
        return Err(ColumnsError::NoColumns);
    }
    spec.split(',')
        .map(|part| match part.split_once(':') {
            Some((header, path)) => column(header, path),
            None => Err(ColumnsError::BadSpec(part.to_string())),
        })
        .collect()
}

/// Columns from a template file: a line of headers, then a line of paths, each
/// separated by whitespace.
pub fn parse_template(text: &str) -> Result<Vec<Column>, ColumnsError> {
    let mut lines = text.lines();
    let Some(headers) = lines.next() else {
        return Err(ColumnsError::MissingHeaderLine);
    };
    let Some(specs) = lines.next() else {
        return Err(ColumnsError::MissingSpecLine);
    };
    let headers: Vec<&str> = headers.split_whitespace().collect();
    let specs: Vec<&str> = specs.split_whitespace().collect();
    if headers.len() != specs.len() {
        return Err(ColumnsError::CountMismatch {
            headers: headers.len(),
            specs: specs.len(),
        });
    }
    headers
        .iter()
        .zip(&specs)
        .map(|(h, s)| column(h, s))
        .collect()
}

/// Go's `fmt.Sprint` of a value decoded from JSON (`map[a:1 b:x]`, `[1 2]`, `<nil>`).
pub fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => crate::gofmt::float_g(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_sprint).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", go_sprint(&m[k.as_str()])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

fn found_text(f: &Found) -> String {
    match f {
        Found::Value(v) => go_sprint(v),
        Found::Text(t) => t.clone(),
        Found::Int(i) => i.to_string(),
        Found::Float(x) => crate::gofmt::float_g(*x),
        Found::Bool(b) => b.to_string(),
    }
}

/// kubectl's `printers.EscapeTerminal`: control sequences cannot reach the terminal.
fn escape_terminal(s: &str) -> String {
    s.replace('\x1b', "^[").replace('\r', "\\r")
}

/// The table for `objects`. An error is kubectl's JSONPath execution error.
pub fn print(
    columns: &[Column],
    objects: &[Value],
    no_headers: bool,
) -> Result<String, ColumnsError> {
    let mut rows = Vec::with_capacity(objects.len() + 1);
    if !no_headers {
        rows.push(headers(columns));
    }
    rows.extend(self::rows(columns, objects)?);
    Ok(printers::table(&rows))
}

/// The header line's cells.
pub fn headers(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.header.clone()).collect()
}

/// A row of cells per object.
pub fn rows(columns: &[Column], objects: &[Value]) -> Result<Vec<Vec<String>>, ColumnsError> {
    let opts = Options {
        allow_missing_keys: true,
    };
    let mut rows = Vec::with_capacity(objects.len());
    for o in objects {
        let mut row = Vec::with_capacity(columns.len());
        for c in columns {
            let results =
                jsonpath::find_results(&c.template, o, &opts).map_err(ColumnsError::JsonPath)?;
            let mut cells: Vec<String> = Vec::new();
            if results.first().is_none_or(|r| r.is_empty()) {
                cells.push("<none>".into());
            }
            for r in &results {
                cells.extend(r.iter().map(|f| escape_terminal(&found_text(f))));
            }
            row.push(cells.join(","));
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relaxed_paths() {
        for (input, want) in [
            ("metadata.name", Ok("{.metadata.name}")),
            (".metadata.name", Ok("{.metadata.name}")),
            ("{metadata.name}", Ok("{.metadata.name}")),
            ("{.metadata.name}", Ok("{.metadata.name}")),
            (
                ".spec.containers[*].image",
                Ok("{.spec.containers[*].image}"),
            ),
            ("", Ok("")),
            ("{.a}{.b}", Err(())),
            ("{", Err(())),
        ] {
            let got = relaxed_jsonpath(input).map_err(|_| ());
            assert_eq!(got, want.map(str::to_string), "{input}");
        }
    }

    #[test]
    fn specs_and_errors() {
        assert_eq!(
            parse_spec("NAME:.metadata.name,NODE:.spec.nodeName")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_spec("NAME").unwrap_err().to_string(),
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
        assert_eq!(
            parse_spec("").unwrap_err().to_string(),
            "custom-columns format specified but no custom columns given"
        );
        assert_eq!(
            parse_template("NAME IMAGE\n.metadata.name\n")
                .unwrap_err()
                .to_string(),
            "number of headers (2) and field specifications (1) don't match"
        );
    }

    #[test]
    fn cells_print_as_go_does() {
        let cols = parse_spec("NAME:.metadata.name,IMAGES:.spec.containers[*].image,PORTS:.spec.containers[0].ports,NODE:.spec.nodeName,X:.a.b").unwrap();
        let pod = json!({
            "metadata": {"name": "tea"},
            "spec": {"containers": [
                {"image": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
                {"image": "busybox"}
            ]},
            "a": {"b": 2.5}
        });
        let text = print(&cols, &[pod], false).unwrap();
        assert_eq!(
            text,
            "NAME   IMAGES          PORTS                                  NODE     X\ntea    nginx,busybox   [map[containerPort:80 protocol:TCP]]   <none>   2.5\n"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_spec_parses_or_errs(spec in ".{0,60}") {
            if let Ok(cols) = parse_spec(&spec) {
                let _ = print(&cols, &[json!({"metadata": {"name": "x"}})], false);
            }
            let _ = parse_template(&spec);
        }

        #[test]
        fn any_sort_path_sorts_or_errs(path in "[a-z.{}\\[\\]*0-9:]{0,20}") {
            let mut objs = vec![json!({"a": 1}), json!({"a": "x"}), json!({"b": [1]}), json!(null)];
            let _ = super::super::sorter::sort(&mut objs, &path);
        }
    }
}
