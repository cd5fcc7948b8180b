//! Field selectors (`--field-selector status.phase=Running,spec.nodeName!=x`): the
//! syntax of k8s.io/apimachinery/pkg/fields and, per kind, the fields the API server
//! lets a list be selected by.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub field: String,
    /// `=` or `==` when true, `!=` when false.
    pub equals: bool,
    pub value: String,
}

/// A parsed field selector; empty selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub requirements: Vec<Requirement>,
    /// The text as given (the API server quotes it back in errors).
    pub text: String,
}

/// Splits on commas not escaped with a backslash.
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if escaped {
        cur.push('\\');
    }
    out.push(cur);
    out
}

/// Why a field selector did not parse (`fields.ParseSelector`'s errors, in its
/// wording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSelectorError {
    InvalidEscape(char),
    UnterminatedEscape,
    /// A term without an operator: the whole selector and the term.
    CantUnderstand {
        selector: String,
        term: String,
    },
}

impl std::fmt::Display for FieldSelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldSelectorError::InvalidEscape(c) => write!(f, "invalid escape sequence: \\{c}"),
            FieldSelectorError::UnterminatedEscape => f.write_str("unterminated escape sequence"),
            FieldSelectorError::CantUnderstand { selector, term } => {
                write!(
                    f,
                    "invalid selector: '{selector}'; can't understand '{term}'"
                )
            }
        }
    }
}

impl std::error::Error for FieldSelectorError {}

/// Removes the backslash escapes of `\,`, `\=` and `\\` in a value.
fn unescape(value: &str) -> Result<String, FieldSelectorError> {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(x @ ('\\' | ',' | '=')) => out.push(x),
                Some(x) => return Err(FieldSelectorError::InvalidEscape(x)),
                None => return Err(FieldSelectorError::UnterminatedEscape),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

impl FieldSelector {
    /// Parses `a=b,c!=d,e==f` as `fields.ParseSelector` does, with its errors.
    pub fn parse(text: &str) -> Result<FieldSelector, FieldSelectorError> {
        let mut requirements = Vec::new();
        if !text.trim().is_empty() {
            for term in terms(text) {
                if term.is_empty() {
                    continue;
                }
                let (field, equals, value) = if let Some((f, v)) = term.split_once("!=") {
                    (f, false, v)
                } else if let Some((f, v)) = term.split_once("==") {
                    (f, true, v)
                } else if let Some((f, v)) = term.split_once('=') {
                    (f, true, v)
                } else {
                    return Err(FieldSelectorError::CantUnderstand {
                        selector: text.to_string(),
                        term: term.to_string(),
                    });
                };
                requirements.push(Requirement {
                    field: field.to_string(),
                    equals,
                    value: unescape(value)?,
                });
            }
        }
        Ok(FieldSelector {
            requirements,
            text: text.to_string(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The first field `kind` cannot be selected by, if any.
    pub fn unsupported(&self, kind: &str) -> Option<&str> {
        let fields = supported_fields(kind);
        self.requirements
            .iter()
            .map(|r| r.field.as_str())
            .find(|f| !fields.contains(f))
    }

    /// Whether `object` (as JSON) satisfies every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        self.requirements
            .iter()
            .all(|r| (field_value(object, &r.field) == r.value) == r.equals)
    }
}

/// The fields each kind's list can be selected by (the API server's field label
/// conversions for core/v1).
pub fn supported_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        "Node" => &["metadata.name", "spec.unschedulable"],
        "Service" => &[
            "metadata.name",
            "metadata.namespace",
            "spec.clusterIP",
            "spec.type",
        ],
        "Namespace" => &["metadata.name", "status.phase"],
        "Event" => &[
            "metadata.name",
            "metadata.namespace",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        _ => &["metadata.name", "metadata.namespace"],
    }
}

/// A field's value as the API server compares it: strings as they are, booleans as
/// `true`/`false` (absent is `false`), anything missing as the empty string.
fn field_value(object: &Value, field: &str) -> String {
    match field {
        "spec.hostNetwork" | "spec.unschedulable" => {
            let v = lookup(object, field)
                .and_then(Value::as_bool)
                .unwrap_or(false);
            return v.to_string();
        }
        // Events select by their source component.
        "source" => {
            return lookup(object, "source.component")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        }
        _ => {}
    }
    match lookup(object, field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        // status.podIPs selects by the first IP.
        Some(Value::Array(a)) => a
            .first()
            .and_then(|x| x.get("ip").or(Some(x)))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

fn lookup<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(object, |v, key| v.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_and_match() {
        let pod = json!({"metadata": {"name": "tea"}, "spec": {"nodeName": "w1"}, "status": {"phase": "Running"}});
        for (sel, want) in [
            ("", true),
            ("status.phase=Running", true),
            ("status.phase==Running", true),
            ("status.phase!=Running", false),
            ("spec.nodeName=w1,metadata.name=tea", true),
            ("spec.nodeName=w2", false),
            ("spec.hostNetwork=false", true),
            ("status.podIP=", true),
        ] {
            assert_eq!(
                FieldSelector::parse(sel).unwrap().matches(&pod),
                want,
                "{sel}"
            );
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            FieldSelector::parse("status.phase")
                .unwrap_err()
                .to_string(),
            "invalid selector: 'status.phase'; can't understand 'status.phase'"
        );
        let s = FieldSelector::parse("spec.foo=bar").unwrap();
        assert_eq!(s.unsupported("Pod"), Some("spec.foo"));
        assert_eq!(
            FieldSelector::parse("a=b\\,c").unwrap().requirements[0].value,
            "b,c"
        );
        assert_eq!(
            FieldSelector::parse("a=b\\x").unwrap_err().to_string(),
            "invalid escape sequence: \\x"
        );
        assert_eq!(
            FieldSelector::parse("a=b\\").unwrap_err(),
            FieldSelectorError::UnterminatedEscape
        );
    }
}
