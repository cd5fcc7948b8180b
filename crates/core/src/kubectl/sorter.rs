//! `--sort-by=PATH`, as kubectl's sorter orders objects: by the first value the JSONPath
//! finds in each; objects without one first; integers and floats numerically; strings
//! as quantities when both parse as one (`500m` < `1`), else byte-wise; anything else
//! (booleans, maps, lists, mixed types) is unsortable.
//!
//! kubectl sorts with Go's `sort.Sort`: an insertion sort up to 12 items, which this
//! reproduces step for step (its comparator treats two objects without the field
//! unequally, so the exact algorithm matters). Past 12 items Go's pattern-defeating
//! quicksort may order equal keys either way; here they keep their listed order.

use super::customcolumns::relaxed_jsonpath;
use crate::jsonpath::{self, Found, Options, Template};
use crate::model::quantity::parse_milli;
use serde_json::Value;
use std::cmp::Ordering;

/// Why a sort failed, in kubectl's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortError(pub String);

impl std::fmt::Display for SortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SortError {}

/// The first value the path finds, if any.
fn key(template: &Template, obj: &Value) -> Result<Option<Found>, SortError> {
    let opts = Options {
        allow_missing_keys: true,
    };
    let results =
        jsonpath::find_results(template, obj, &opts).map_err(|e| SortError(e.to_string()))?;
    Ok(results
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next()))
}

fn type_name(f: &Found) -> &'static str {
    match f {
        Found::Value(Value::Object(_)) => "map[string]interface {}",
        Found::Value(Value::Array(_)) => "[]interface {}",
        Found::Value(Value::Bool(_)) | Found::Bool(_) => "bool",
        Found::Value(Value::Null) => "<nil>",
        Found::Value(Value::String(_)) | Found::Text(_) => "string",
        Found::Value(Value::Number(n)) if n.is_i64() => "int64",
        Found::Value(Value::Number(_)) | Found::Float(_) => "float64",
        Found::Int(_) => "int",
    }
}

/// kubectl's `isLess` for two values decoded from JSON.
fn is_less(i: &Found, j: &Found) -> Result<bool, String> {
    use Found::{Float, Int, Text, Value as V};
    let as_str = |f: &Found| match f {
        V(Value::String(s)) => Some(s.clone()),
        Text(s) => Some(s.clone()),
        _ => None,
    };
    match i {
        V(Value::Number(a)) if a.is_i64() => match j {
            V(Value::Number(b)) if b.is_i64() => Ok(a.as_i64() < b.as_i64()),
            _ => Err("unsortable interface: interface".into()),
        },
        V(Value::Number(a)) => match j {
            V(Value::Number(b)) if !b.is_i64() => Ok(a.as_f64() < b.as_f64()),
            _ => Err("unsortable interface: interface".into()),
        },
        Float(a) => match j {
            Float(b) => Ok(a < b),
            _ => Err("unsortable interface: interface".into()),
        },
        Int(a) => match j {
            Int(b) => Ok(a < b),
            _ => Err("unsortable interface: interface".into()),
        },
        V(Value::String(_)) | Text(_) => {
            let (Some(a), Some(b)) = (as_str(i), as_str(j)) else {
                return Err("unsortable interface: interface".into());
            };
            match (parse_milli(&a), parse_milli(&b)) {
                (Ok(x), Ok(y)) => Ok(x < y),
                _ => Ok(a.as_bytes() < b.as_bytes()),
            }
        }
        other => Err(format!("unsortable type: {}", type_name(other))),
    }
}

/// Sorts `objects` by `sort_by` (any of kubectl's relaxed path forms). (kubectl itself
/// sorts by [`sort_order`].)
#[cfg(test)]
pub fn sort(objects: &mut Vec<Value>, sort_by: &str) -> Result<(), SortError> {
    let order = sort_order(objects, sort_by)?;
    let mut taken: Vec<Option<Value>> = std::mem::take(objects).into_iter().map(Some).collect();
    objects.extend(order.into_iter().filter_map(|i| taken[i].take()));
    Ok(())
}

/// The order `sort` puts `objects` in: positions into `objects`.
pub fn sort_order(objects: &[Value], sort_by: &str) -> Result<Vec<usize>, SortError> {
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let field = relaxed_jsonpath(sort_by).map_err(|e| SortError(e.to_string()))?;
    let template = Template::parse(&field).map_err(|e| SortError(e.to_string()))?;
    let keys: Vec<Option<Found>> = objects
        .iter()
        .map(|o| key(&template, o))
        .collect::<Result<_, _>>()?;
    if keys.iter().all(Option::is_none) {
        return Err(SortError(format!(
            "couldn't find any field with path {field:?} in the list of objects"
        )));
    }
    let mut failure: Option<String> = None;
    let mut less = |a: &Option<Found>, b: &Option<Found>| -> bool {
        match (a, b) {
            (None, _) => true,
            (_, None) => false,
            (Some(x), Some(y)) => match is_less(x, y) {
                Ok(l) => l,
                Err(e) => {
                    if failure.is_none() {
                        failure = Some(format!(
                            "Field {field} in *unstructured.Unstructured is an unsortable type: interface, err: {e}"
                        ));
                    }
                    false
                }
            },
        }
    };
    let mut order: Vec<usize> = (0..objects.len()).collect();
    if order.len() <= 12 {
        // Go's insertionSort(data, 0, n).
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && less(&keys[order[j]], &keys[order[j - 1]]) {
                order.swap(j, j - 1);
                j -= 1;
            }
        }
    } else {
        crate::sort::sort_by(&mut order, |&a, &b| {
            if less(&keys[a], &keys[b]) && !matches!((&keys[a], &keys[b]), (None, None)) {
                Ordering::Less
            } else if less(&keys[b], &keys[a]) && !matches!((&keys[a], &keys[b]), (None, None)) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
    }
    match failure {
        Some(e) => Err(SortError(e)),
        None => Ok(order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(objs: &[Value]) -> Vec<&str> {
        objs.iter().map(|o| o["n"].as_str().unwrap()).collect()
    }

    #[test]
    fn orders_like_kubectl() {
        let mut objs = vec![
            json!({"n": "c", "cpu": "1", "port": 80}),
            json!({"n": "a", "cpu": "500m", "port": 8080}),
            json!({"n": "b", "cpu": "250m"}),
        ];
        sort(&mut objs, ".n").unwrap();
        assert_eq!(names(&objs), ["a", "b", "c"]);
        sort(&mut objs, "{.cpu}").unwrap();
        assert_eq!(names(&objs), ["b", "a", "c"]);
        sort(&mut objs, "port").unwrap();
        assert_eq!(names(&objs), ["b", "c", "a"]);
    }

    #[test]
    fn errors() {
        let mut objs = vec![json!({"n": "a", "b": true}), json!({"n": "b", "b": false})];
        assert_eq!(
            sort(&mut objs, ".nope").unwrap_err().0,
            "couldn't find any field with path \"{.nope}\" in the list of objects"
        );
        assert!(sort(&mut objs, ".b")
            .unwrap_err()
            .0
            .contains("unsortable type: bool"));
        let mut mixed = vec![json!({"x": 1}), json!({"x": "a"})];
        assert!(sort(&mut mixed, ".x")
            .unwrap_err()
            .0
            .contains("unsortable interface"));
    }

    #[test]
    fn many_items_keep_ties_in_order() {
        let mut objs: Vec<Value> = (0..40)
            .map(|i| json!({"n": format!("p{i}"), "k": i % 3}))
            .collect();
        sort(&mut objs, ".k").unwrap();
        let ks: Vec<i64> = objs.iter().map(|o| o["k"].as_i64().unwrap()).collect();
        assert!(ks.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(objs[0]["n"], "p0");
        assert_eq!(objs[1]["n"], "p3");
    }
}
