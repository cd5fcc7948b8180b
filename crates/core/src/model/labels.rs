//! Label selectors as `kubectl -l` takes them: equality-based (`a=b`, `a==b`, `a!=b`)
//! and set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`), comma-separated and ANDed.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed selector; the empty selector matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector(pub Vec<Requirement>);

/// Why a selector did not parse: the requirement and what is wrong with it
/// (`labels.Parse`'s errors, in its wording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub requirement: String,
    pub kind: SelectorErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorErrorKind {
    InvalidKey,
    InvalidValue,
    ExpectedOperator,
    ExpectedValueSet,
}

impl std::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.kind {
            SelectorErrorKind::InvalidKey => "invalid label key",
            SelectorErrorKind::InvalidValue => "invalid label value",
            SelectorErrorKind::ExpectedOperator => {
                "expected one of ['in', 'notin', '=', '==', '!=']"
            }
            SelectorErrorKind::ExpectedValueSet => "expected a parenthesized set of values",
        };
        write!(
            f,
            "unable to parse requirement: {why}: {:?}",
            self.requirement
        )
    }
}

impl std::error::Error for SelectorError {}

/// Why a `LabelSelector` is not a selector (`metav1.LabelSelectorAsSelector`'s errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelSelectorError {
    EmptyValues,
    ValuesGiven,
    Operator(String),
}

impl std::fmt::Display for LabelSelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabelSelectorError::EmptyValues => {
                f.write_str("for 'in', 'notin' operators, values set can't be empty")
            }
            LabelSelectorError::ValuesGiven => {
                f.write_str("values set must be empty for exists and does not exist")
            }
            LabelSelectorError::Operator(op) => {
                write!(f, "{op:?} is not a valid label selector operator")
            }
        }
    }
}

impl std::error::Error for LabelSelectorError {}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut reqs = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(part)?);
        }
        Ok(Selector(reqs))
    }

    /// Builds the equality selector kubectl expose derives from a pod's labels.
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Selector {
        Selector(
            labels
                .iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        )
    }

    /// `labels.Nothing()`: matches no labels at all.
    pub fn nothing() -> Selector {
        Selector(vec![Requirement::In(String::new(), Vec::new())])
    }

    /// The empty selector (it matches everything).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `metav1.LabelSelectorAsSelector`: matchLabels as equalities, matchExpressions
    /// (`In`, `NotIn`, `Exists`, `DoesNotExist`) as set requirements; an operator it
    /// does not know, or values where there may be none, is an error naming it.
    pub(crate) fn from_label_selector(
        s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    ) -> Result<Selector, LabelSelectorError> {
        let mut reqs: Vec<Requirement> = s
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
            .collect();
        for e in s.match_expressions.iter().flatten() {
            let values = e.values.clone().unwrap_or_default();
            let key = e.key.clone();
            reqs.push(match e.operator.as_str() {
                "In" if !values.is_empty() => Requirement::In(key, values),
                "NotIn" if !values.is_empty() => Requirement::NotIn(key, values),
                "Exists" if values.is_empty() => Requirement::Exists(key),
                "DoesNotExist" if values.is_empty() => Requirement::DoesNotExist(key),
                "In" | "NotIn" => return Err(LabelSelectorError::EmptyValues),
                "Exists" | "DoesNotExist" => return Err(LabelSelectorError::ValuesGiven),
                other => return Err(LabelSelectorError::Operator(other.to_string())),
            });
        }
        Ok(Selector(reqs))
    }

    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn valid_value(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn parse_requirement(part: &str) -> Result<Requirement, SelectorError> {
    let bad = |kind| SelectorError {
        requirement: part.to_string(),
        kind,
    };
    let key_ok = |k: &str| {
        if valid_key(k) {
            Ok(k.to_string())
        } else {
            Err(bad(SelectorErrorKind::InvalidKey))
        }
    };
    let value_ok = |v: &str| {
        if valid_value(v) {
            Ok(v.to_string())
        } else {
            Err(bad(SelectorErrorKind::InvalidValue))
        }
    };
    if let Some(k) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key_ok(k.trim())?));
    }
    for (op, ctor) in [("!=", 0), ("==", 1), ("=", 1)] {
        if let Some((k, v)) = part.split_once(op) {
            let (k, v) = (key_ok(k.trim())?, value_ok(v.trim())?);
            return Ok(if ctor == 0 {
                Requirement::NotEquals(k, v)
            } else {
                Requirement::Equals(k, v)
            });
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words[..] {
        let rest = rest.trim();
        let (not, set) = if let Some(s) = rest.strip_prefix("notin") {
            (true, s)
        } else if let Some(s) = rest.strip_prefix("in") {
            (false, s)
        } else {
            return Err(bad(SelectorErrorKind::ExpectedOperator));
        };
        let set = set.trim();
        let inner = set
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(|| bad(SelectorErrorKind::ExpectedValueSet))?;
        let values = inner
            .split(',')
            .map(|v| value_ok(v.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let key = key_ok(key)?;
        return Ok(if not {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(key_ok(part)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let labels: BTreeMap<String, String> = [("run", "tea"), ("env", "test"), ("tier", "web")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cases = [
            ("", true),
            ("run=tea", true),
            ("run==tea", true),
            ("run!=tea", false),
            ("run=coffee", false),
            ("env in (test,prod)", true),
            ("env notin (test)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing", true),
            ("run=tea,env in (prod)", false),
            ("run=tea, tier", true),
        ];
        for (sel, want) in cases {
            assert_eq!(
                Selector::parse(sel).unwrap().matches(Some(&labels)),
                want,
                "{sel}"
            );
        }
        assert!(Selector::parse("a in x").is_err());
        assert!(Selector::parse("a=b c").is_err());
    }
}
