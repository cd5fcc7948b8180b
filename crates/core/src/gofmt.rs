//! How Go prints values, for output that must match kubectl byte for byte:
//! `encoding/json` (key order, escaping, number format), `fmt`'s `%v` for floats, and
//! `strconv.FormatFloat(f, 'g', -1, 64)`.

use serde_json::Value;

/// `strconv.FormatFloat(f, 'g', -1, 64)` (also `fmt`'s `%v`): shortest digits, in
/// exponent form when the decimal exponent is below -4 or at least 6 (strconv uses
/// precision 6 for that decision when printing the shortest form).
pub fn float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (mant, exp) = exponent_form(f);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// A float as `encoding/json` writes it: plain decimal, or exponent form below 1e-6 or
/// from 1e21, with a one-digit negative exponent (`1e-7`).
pub fn float_json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let (mant, exp) = exponent_form(f);
        let sign = if exp < 0 { '-' } else { '+' };
        if exp < 0 {
            format!("{mant}e{sign}{}", exp.abs())
        } else {
            format!("{mant}e{sign}{:02}", exp)
        }
    } else {
        format!("{f}")
    }
}

/// Shortest mantissa digits and the decimal exponent.
fn exponent_form(f: f64) -> (String, i32) {
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    (mant.to_string(), exp.parse().unwrap_or(0))
}

/// `json.Marshal` (compact) or `json.MarshalIndent(v, "", indent)`: keys sorted, `<`,
/// `>`, `&`, U+2028 and U+2029 escaped, Go's number format.
pub fn json(v: &Value, indent: Option<&str>) -> String {
    let mut out = String::new();
    write_json(v, indent, 0, &mut out);
    out
}

fn write_json(v: &Value, indent: Option<&str>, level: usize, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&float_json(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => string(s, out),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json(x, indent, level + 1, out);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(x, indent, level + 1, out);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats() {
        for (f, g, j) in [
            (2.0, "2", "2"),
            (0.5, "0.5", "0.5"),
            (1e21, "1e+21", "1e+21"),
            (1e20, "1e+20", "100000000000000000000"),
            (1e6, "1e+06", "1000000"),
            (123456.0, "123456", "123456"),
            (1e-6, "1e-06", "0.000001"),
            (1e-7, "1e-07", "1e-7"),
            (0.0001, "0.0001", "0.0001"),
            (123456789.0, "1.23456789e+08", "123456789"),
        ] {
            assert_eq!(float_g(f), g, "g {f}");
            assert_eq!(float_json(f), j, "json {f}");
        }
    }

    #[test]
    fn json_forms() {
        let v = json!({"b": [1, 2.0, {"x": "<a&b>"}], "a": {}, "c": []});
        assert_eq!(
            json(&v, None),
            "{\"a\":{},\"b\":[1,2,{\"x\":\"\\u003ca\\u0026b\\u003e\"}],\"c\":[]}"
        );
        assert_eq!(
            json(&v, Some("    ")),
            "{\n    \"a\": {},\n    \"b\": [\n        1,\n        2,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\"\n        }\n    ],\n    \"c\": []\n}"
        );
    }
}
