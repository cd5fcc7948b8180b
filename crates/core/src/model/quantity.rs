//! Resource quantities (`100m`, `1.5`, `128Mi`, `2Gi`, `1e3`) as the API machinery
//! parses them, with exact integer arithmetic in milli-units.

use std::fmt;

pub use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // apimachinery's error text for any malformed quantity.
        write!(f, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    }
}

/// Parses a quantity to milli-units, rounding up as `Quantity.MilliValue()` does.
/// `1` is 1000, `100m` is 100, `1Ki` is 1_024_000.
pub fn parse_milli(text: &str) -> Result<i128, QuantityError> {
    let err = || QuantityError(text.to_string());
    let s = text.trim();
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(num_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return Err(err());
    }
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    // "No quantity may represent a number greater than 2^63-1 in magnitude ... Numbers
    // larger will be capped": a well-formed number too large to hold is the cap.
    let cap = || Ok(if neg { -MAX_MILLI } else { MAX_MILLI });
    let int_digits = int_part.trim_start_matches('0');
    if int_digits.len() + frac_part.len() > 30 {
        if int_digits.len() > 19 && valid_suffix(suffix) {
            return cap();
        }
        return Err(err());
    }
    let mut mantissa: i128 = 0;
    for c in int_part.chars().chain(frac_part.chars()) {
        mantissa = mantissa * 10 + i128::from(c as u8 - b'0');
    }
    // value = mantissa * 10^(-frac) * 2^bin * 10^dec ; we want value * 1000.
    let (bin, dec): (u32, i32) = match suffix {
        "" => (0, 0),
        "Ki" => (10, 0),
        "Mi" => (20, 0),
        "Gi" => (30, 0),
        "Ti" => (40, 0),
        "Pi" => (50, 0),
        "Ei" => (60, 0),
        "n" => (0, -9),
        "u" => (0, -6),
        "m" => (0, -3),
        "k" => (0, 3),
        "M" => (0, 6),
        "G" => (0, 9),
        "T" => (0, 12),
        "P" => (0, 15),
        "E" => (0, 18),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().map_err(|_| err())?;
            if !(-40..=40).contains(&exp) {
                return Err(err());
            }
            (0, exp)
        }
        _ => return Err(err()),
    };
    let exp10 = dec + 3 - frac_part.len() as i32;
    let Some(mut value) = mantissa.checked_mul(1i128 << bin) else {
        return cap();
    };
    if exp10 >= 0 {
        match 10i128
            .checked_pow(exp10 as u32)
            .and_then(|p| value.checked_mul(p))
        {
            Some(v) => value = v,
            None => return cap(),
        }
    } else {
        let div = 10i128.checked_pow((-exp10) as u32).ok_or_else(err)?;
        value = (value + div - 1) / div; // round up, as MilliValue does
    }
    Ok(if neg {
        -value.min(MAX_MILLI)
    } else {
        value.min(MAX_MILLI)
    })
}

/// The largest magnitude a quantity holds, in milli-units (2^63-1 whole units).
pub const MAX_MILLI: i128 = i64::MAX as i128 * 1000;

fn valid_suffix(suffix: &str) -> bool {
    matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || suffix
        .strip_prefix(['e', 'E'])
        .is_some_and(|e| e.parse::<i32>().is_ok())
}

/// Milli-units of a k8s-openapi `Quantity`.
pub fn milli(q: &Quantity) -> Result<i128, QuantityError> {
    parse_milli(&q.0)
}

/// `IsNativeResource`: a resource name without a domain, or in kubernetes.io.
pub fn is_native_resource(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`: a domain-prefixed name outside kubernetes.io that makes a
/// valid quota name with `requests.` in front (and is not one already).
pub fn is_extended_resource_name(name: &str) -> bool {
    !is_native_resource(name)
        && !name.starts_with("requests.")
        && crate::model::meta::qualified_name_errors(&format!("requests.{name}")).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, i128)] = &[
            ("1", 1000),
            ("100m", 100),
            ("0.5", 500),
            ("1.5", 1500),
            ("2k", 2_000_000),
            ("1Ki", 1_024_000),
            ("128Mi", 128 * 1024 * 1024 * 1000),
            ("1Gi", 1024 * 1024 * 1024 * 1000),
            ("1e3", 1_000_000),
            ("1n", 1),
            ("-1", -1000),
            ("110", 110_000),
        ];
        for (text, want) in cases {
            assert_eq!(parse_milli(text), Ok(*want), "{text}");
        }
        for bad in ["", "abc", "1Zi", "1..2", "m", "1e99"] {
            assert!(parse_milli(bad).is_err(), "{bad}");
        }
    }
}

/// Formats milli-units the way `Quantity.String()` prints a canonical quantity:
/// binary suffixes (Ki, Mi, Gi, ...) when `binary` and the value is a whole multiple,
/// otherwise the largest decimal suffix (m, "", k, M, G, ...) that keeps it whole.
pub fn format_milli(milli: i128, binary: bool) -> String {
    if milli == 0 {
        return "0".into();
    }
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.abs();
    if binary && m % 1000 == 0 {
        let v = m / 1000;
        for (shift, suffix) in [
            (60, "Ei"),
            (50, "Pi"),
            (40, "Ti"),
            (30, "Gi"),
            (20, "Mi"),
            (10, "Ki"),
        ] {
            let unit = 1i128 << shift;
            if v % unit == 0 {
                return format!("{sign}{}{suffix}", v / unit);
            }
        }
        if v < 1024 {
            return format!("{sign}{v}");
        }
    }
    for (exp, suffix) in [
        (21u32, "E"),
        (18, "P"),
        (15, "T"),
        (12, "G"),
        (9, "M"),
        (6, "k"),
        (3, ""),
    ] {
        let unit = 10i128.pow(exp);
        if m % unit == 0 {
            return format!("{sign}{}{suffix}", m / unit);
        }
    }
    format!("{sign}{m}m")
}

/// Whether a quantity's text uses a binary suffix (its sums print in binary too).
pub fn is_binary(text: &str) -> bool {
    text.ends_with('i')
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn canonical() {
        for (text, want) in [
            ("0", "0"),
            ("100m", "100m"),
            ("2", "2"),
            ("1000", "1k"),
            ("128Mi", "128Mi"),
            ("1536Mi", "1536Mi"),
            ("2Gi", "2Gi"),
            ("1500", "1500"),
            ("0.5", "500m"),
        ] {
            assert_eq!(
                format_milli(parse_milli(text).unwrap(), is_binary(text)),
                want,
                "{text}"
            );
        }
    }
}
