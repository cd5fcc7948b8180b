//! Shell patterns (`*`, `?`, `[a-z]`) and `$((...))` arithmetic.

use std::collections::BTreeMap;

pub(super) fn glob_special(c: char) -> bool {
    matches!(c, '*' | '?' | '[')
}

/// Shell pattern matching (`*`, `?`, `[a-z]`, `[!x]`); `\0` before a character makes
/// it literal.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn go(p: &[char], n: &[char]) -> bool {
        let (mut pi, mut ni) = (0, 0);
        let (mut star_p, mut star_n) = (usize::MAX, 0);
        while ni < n.len() {
            let (matched, width) = match p.get(pi) {
                Some('\u{0}') => (p.get(pi + 1) == Some(&n[ni]), 2),
                Some('?') => (true, 1),
                Some('*') => {
                    star_p = pi;
                    star_n = ni;
                    pi += 1;
                    continue;
                }
                Some('[') => match class(&p[pi..], n[ni]) {
                    Some((m, w)) => (m, w),
                    None => (n[ni] == '[', 1),
                },
                Some(c) => (*c == n[ni], 1),
                None => (false, 1),
            };
            if matched {
                pi += width;
                ni += 1;
            } else if star_p != usize::MAX {
                pi = star_p + 1;
                star_n += 1;
                ni = star_n;
            } else {
                return false;
            }
        }
        while p.get(pi) == Some(&'*') {
            pi += 1;
        }
        pi == p.len()
    }
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 1;
        let negate = matches!(p.get(1), Some('!' | '^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while let Some(&ch) = p.get(i) {
            if ch == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
                let hi = p[i + 2];
                if ch <= c && c <= hi {
                    matched = true;
                }
                i += 3;
            } else {
                if ch == c {
                    matched = true;
                }
                i += 1;
            }
        }
        None
    }
    go(&p, &n)
}

/// Why `$((...))` cannot be evaluated; shown as the shell words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArithError {
    DivisionByZero,
    TooDeep,
    MissingParen,
    ExpressionExpected,
    /// A number past 64 bits.
    TooGreat(String),
    /// A token (or a variable's value) that is not a number or an operator here.
    Unexpected(String),
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArithError::DivisionByZero => f.write_str("division by zero"),
            ArithError::TooDeep => f.write_str("expression too deep"),
            ArithError::MissingParen => f.write_str("missing )"),
            ArithError::ExpressionExpected => f.write_str("expression expected"),
            ArithError::TooGreat(t) => write!(f, "{t}: value too great"),
            ArithError::Unexpected(t) => f.write_str(t),
        }
    }
}

/// `$((...))`: integers with + - * / % comparisons, && || and parentheses.
pub fn arith(expr: &str, env: &BTreeMap<String, String>) -> Result<i64, ArithError> {
    struct P<'a> {
        t: Vec<String>,
        i: usize,
        env: &'a BTreeMap<String, String>,
        depth: u32,
    }
    impl P<'_> {
        fn peek(&self) -> Option<&str> {
            self.t.get(self.i).map(String::as_str)
        }
        fn bin(&mut self, level: usize) -> Result<i64, ArithError> {
            const LEVELS: &[&[&str]] = &[
                &["||"],
                &["&&"],
                &["==", "!="],
                &["<", "<=", ">", ">="],
                &["+", "-"],
                &["*", "/", "%"],
            ];
            if level == LEVELS.len() {
                return self.unary();
            }
            let mut l = self.bin(level + 1)?;
            while let Some(op) = self
                .peek()
                .filter(|o| LEVELS[level].contains(o))
                .map(str::to_string)
            {
                self.i += 1;
                let r = self.bin(level + 1)?;
                l = match op.as_str() {
                    "||" => i64::from(l != 0 || r != 0),
                    "&&" => i64::from(l != 0 && r != 0),
                    "==" => i64::from(l == r),
                    "!=" => i64::from(l != r),
                    "<" => i64::from(l < r),
                    "<=" => i64::from(l <= r),
                    ">" => i64::from(l > r),
                    ">=" => i64::from(l >= r),
                    "+" => l.wrapping_add(r),
                    "-" => l.wrapping_sub(r),
                    "*" => l.wrapping_mul(r),
                    "/" | "%" if r == 0 => return Err(ArithError::DivisionByZero),
                    "/" => l.wrapping_div(r),
                    _ => l.wrapping_rem(r),
                };
            }
            Ok(l)
        }
        fn unary(&mut self) -> Result<i64, ArithError> {
            self.depth += 1;
            if self.depth > 200 {
                return Err(ArithError::TooDeep);
            }
            let r = match self.peek() {
                Some("-") => {
                    self.i += 1;
                    self.unary().map(i64::wrapping_neg)
                }
                Some("+") => {
                    self.i += 1;
                    self.unary()
                }
                Some("!") => {
                    self.i += 1;
                    self.unary().map(|v| i64::from(v == 0))
                }
                Some("(") => {
                    self.i += 1;
                    let v = self.bin(0)?;
                    if self.peek() != Some(")") {
                        return Err(ArithError::MissingParen);
                    }
                    self.i += 1;
                    Ok(v)
                }
                Some(tok) => {
                    let tok = tok.to_string();
                    self.i += 1;
                    if tok.chars().all(|c| c.is_ascii_digit()) {
                        tok.parse().map_err(|_| ArithError::TooGreat(tok))
                    } else if super::parse::is_name(&tok) {
                        let v = self
                            .env
                            .get(&tok)
                            .map(|s| s.trim().to_string())
                            .unwrap_or_default();
                        if v.is_empty() {
                            Ok(0)
                        } else {
                            v.parse().map_err(|_| ArithError::Unexpected(v.clone()))
                        }
                    } else {
                        Err(ArithError::Unexpected(tok))
                    }
                }
                None => Err(ArithError::ExpressionExpected),
            };
            self.depth -= 1;
            r
        }
    }
    let mut t = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let s = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            t.push(chars[s..i].iter().collect());
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["||", "&&", "==", "!=", "<=", ">="].contains(&two.as_str()) {
                t.push(two);
                i += 2;
            } else {
                t.push(c.to_string());
                i += 1;
            }
        }
    }
    let mut p = P {
        t,
        i: 0,
        env,
        depth: 0,
    };
    let v = p.bin(0)?;
    match p.peek() {
        None => Ok(v),
        Some(x) => Err(ArithError::Unexpected(x.to_string())),
    }
}
