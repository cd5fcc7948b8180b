//! Go's `time.Parse` as the API server runs it on a `Time` (layout RFC 3339) or a
//! `MicroTime` (RFC 3339 with exactly six fractional digits): which strings it takes,
//! and its `ParseError` texts for those it refuses
//! (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`).

/// Go's layout for `metav1.Time`.
pub const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
/// Go's layout for `metav1.MicroTime`.
pub const RFC3339_MICRO: &str = "2006-01-02T15:04:05.000000Z07:00";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Elem {
    Literal(&'static str),
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Micros,
    Zone,
}

impl Elem {
    fn text(self) -> &'static str {
        match self {
            Elem::Literal(s) => s,
            Elem::Year => "2006",
            Elem::Month => "01",
            Elem::Day => "02",
            Elem::Hour => "15",
            Elem::Minute => "04",
            Elem::Second => "05",
            Elem::Micros => ".000000",
            Elem::Zone => "Z07:00",
        }
    }
}

/// Go's std chunks, as `nextStdChunk` finds them in the two layouts.
const CHUNKS: [(&str, Elem); 8] = [
    ("2006", Elem::Year),
    ("01", Elem::Month),
    ("02", Elem::Day),
    ("15", Elem::Hour),
    ("04", Elem::Minute),
    ("05", Elem::Second),
    (".000000", Elem::Micros),
    ("Z07:00", Elem::Zone),
];

/// The layout's next element (a std chunk, or the literal text before one) and the
/// layout after it.
fn next_elem(layout: &'static str) -> Option<(Elem, &'static str)> {
    if layout.is_empty() {
        return None;
    }
    for i in 0..layout.len() {
        if let Some((chunk, elem)) = CHUNKS.iter().find(|(c, _)| layout[i..].starts_with(c)) {
            return Some(if i == 0 {
                (*elem, &layout[chunk.len()..])
            } else {
                (Elem::Literal(&layout[..i]), &layout[i..])
            });
        }
    }
    Some((Elem::Literal(layout), ""))
}

/// The two layouts the API server parses times with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `metav1.Time`: RFC 3339.
    Time,
    /// `metav1.MicroTime`: RFC 3339 with six fractional digits.
    MicroTime,
}

impl Layout {
    /// The layout as Go writes it.
    pub fn text(self) -> &'static str {
        match self {
            Layout::Time => RFC3339,
            Layout::MicroTime => RFC3339_MICRO,
        }
    }
}

/// Go's `quote`: in double quotes, `"` and `\` escaped, bytes outside printable ASCII
/// as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn digit(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    if !digit(s, 0) {
        return None;
    }
    let b = s.as_bytes();
    if !digit(s, 1) {
        return (!fixed).then(|| (u32::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
        &s[2..],
    ))
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Where Go's parse stopped: the element it could not read, or the field out of range.
enum Stop<'a> {
    Bad { elem: &'static str, value: &'a str },
    Range(&'static str),
    Extra(&'a str),
}

fn parse(layout: Layout, mut value: &str) -> Result<(), Stop<'_>> {
    let (mut year, mut month, mut day) = (0i64, 1u32, 1u32);
    let mut layout = layout.text();
    while let Some((elem, rest)) = next_elem(layout) {
        layout = rest;
        let hold = value;
        let bad = Stop::Bad {
            elem: elem.text(),
            value: hold,
        };
        match elem {
            Elem::Literal(prefix) => {
                value = value.strip_prefix(prefix).ok_or(bad)?;
            }
            Elem::Year => {
                let y = value.get(..4).filter(|_| digit(value, 0)).ok_or(bad)?;
                year = y.parse().map_err(|_| Stop::Bad {
                    elem: "2006",
                    value: hold,
                })?;
                value = &value[4..];
            }
            Elem::Month => {
                let (m, rest) = getnum(value, true).ok_or(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(Stop::Range("month"));
                }
                (month, value) = (m, rest);
            }
            Elem::Day => (day, value) = getnum(value, true).ok_or(bad)?,
            Elem::Hour | Elem::Minute | Elem::Second => {
                let (n, rest) = getnum(value, elem != Elem::Hour).ok_or(bad)?;
                let (limit, field) = match elem {
                    Elem::Hour => (24, "hour"),
                    Elem::Minute => (60, "minute"),
                    _ => (60, "second"),
                };
                if n >= limit {
                    return Err(Stop::Range(field));
                }
                value = rest;
                // A fraction the layout does not have is read anyway.
                let b = value.as_bytes();
                if elem == Elem::Second
                    && !layout.starts_with(".000000")
                    && matches!(b.first(), Some(b'.' | b','))
                    && digit(value, 1)
                {
                    let n = 2 + value[2..].bytes().take_while(u8::is_ascii_digit).count();
                    value = &value[n..];
                }
            }
            Elem::Micros => {
                let ok = value.len() >= 7
                    && matches!(value.as_bytes()[0], b'.' | b',')
                    && value[1..7].bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    return Err(bad);
                }
                value = &value[7..];
            }
            Elem::Zone => {
                if let Some(rest) = value.strip_prefix('Z') {
                    value = rest;
                    continue;
                }
                let b = value.as_bytes();
                if b.len() < 6 || b[3] != b':' {
                    return Err(bad);
                }
                let (hh, _) = getnum(&value[1..3], true).ok_or(Stop::Bad {
                    elem: "Z07:00",
                    value: hold,
                })?;
                let (mm, _) = getnum(&value[4..6], true).ok_or(Stop::Bad {
                    elem: "Z07:00",
                    value: hold,
                })?;
                if hh > 24 {
                    return Err(Stop::Range("time zone offset hour"));
                }
                if mm > 60 {
                    return Err(Stop::Range("time zone offset minute"));
                }
                if !matches!(b[0], b'+' | b'-') {
                    return Err(bad);
                }
                value = &value[6..];
            }
        }
    }
    if !value.is_empty() {
        return Err(Stop::Extra(value));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(Stop::Range("day"));
    }
    Ok(())
}

/// Go's `time.ParseError` as its `Error()` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// `Ok` when Go's `time.Parse(layout, value)` takes `value`, else its error.
pub fn check(value: &str, layout: Layout) -> Result<(), ParseError> {
    parse(layout, value).map_err(|stop| ParseError(message(value, layout.text(), stop)))
}

/// The text of Go's error for `value` against `layout` (written `text`).
fn message(value: &str, text: &str, stop: Stop<'_>) -> String {
    match stop {
        Stop::Bad { elem, value: rest } => format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(text),
            quote(rest),
            quote(elem)
        ),
        Stop::Extra(rest) => format!("parsing time {}: extra text: {}", quote(value), quote(rest)),
        Stop::Range(field) => format!("parsing time {}: {field} out of range", quote(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::{check, Layout};

    /// Each text as Go 1.24's `time.Parse(time.RFC3339, v)` (or RFC3339Micro) gives it.
    #[test]
    fn go_parse_errors() {
        for ok in [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:00.5Z",
            "2026-01-05T9:00:00+01:00",
            "2024-02-29T23:59:59-07:30",
        ] {
            assert_eq!(check(ok, Layout::Time), Ok(()), "{ok}");
        }
        assert_eq!(
            check("2026-01-05T09:00:00.123456Z", Layout::MicroTime),
            Ok(())
        );
        for (v, layout, want) in [
            (
                "abc",
                Layout::Time,
                r#"parsing time "abc" as "2006-01-02T15:04:05Z07:00": cannot parse "abc" as "2006""#,
            ),
            (
                "2026/01/05",
                Layout::Time,
                r#"parsing time "2026/01/05" as "2006-01-02T15:04:05Z07:00": cannot parse "/01/05" as "-""#,
            ),
            (
                "2026-13-05T09:00:00Z",
                Layout::Time,
                r#"parsing time "2026-13-05T09:00:00Z": month out of range"#,
            ),
            (
                "2026-02-30T09:00:00Z",
                Layout::Time,
                r#"parsing time "2026-02-30T09:00:00Z": day out of range"#,
            ),
            (
                "2026-01-05T24:00:00Z",
                Layout::Time,
                r#"parsing time "2026-01-05T24:00:00Z": hour out of range"#,
            ),
            (
                "2026-01-05T09:00:00",
                Layout::Time,
                r#"parsing time "2026-01-05T09:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#,
            ),
            (
                "2026-01-05 09:00:00Z",
                Layout::Time,
                r#"parsing time "2026-01-05 09:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 09:00:00Z" as "T""#,
            ),
            (
                "2026-01-05T09:00:00Zjunk",
                Layout::Time,
                r#"parsing time "2026-01-05T09:00:00Zjunk": extra text: "junk""#,
            ),
            (
                "2026-01-05T09:00:00Z",
                Layout::MicroTime,
                r#"parsing time "2026-01-05T09:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#,
            ),
            (
                "2026-1-05T09:00:00Z",
                Layout::Time,
                r#"parsing time "2026-1-05T09:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-05T09:00:00Z" as "01""#,
            ),
        ] {
            assert_eq!(check(v, layout).unwrap_err().to_string(), want, "{v}");
        }
    }
}
