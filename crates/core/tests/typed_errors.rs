//! Core's public API reports errors as typed values, never as bare text: reads the
//! sources and fails naming (file:line) every `pub` or `pub(crate)` function, field or
//! type alias, and every method of a public trait, whose signature holds a
//! `Result<_, String>`. An error is an enum or struct with `Display` (Kubernetes'
//! wording) and `std::error::Error`.

mod common;
use common::sources;
use std::path::Path;

/// Signatures still returning text, each being converted on its own branch: remove an
/// entry once it is typed (the test fails on an entry that no longer matches).
/// (file below `src`, the function's name)
const KNOWN: &[(&str, &str)] = &[];

/// The text with comments, string and char literals and inline `#[cfg(test)] mod NAME
/// { ... }` blanked out (newlines kept, so that lines still count).
fn code(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in out.iter_mut().take(to.min(chars.len())).skip(from) {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
        if at(i) == '/' && at(i + 1) == '/' {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            blank(&mut out, start, i);
        } else if at(i) == '/' && at(i + 1) == '*' {
            let start = i;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            blank(&mut out, start, i);
        } else if at(i) == '"' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            blank(&mut out, start, i);
            i += 1;
        } else if at(i) == '\'' && (at(i + 2) == '\'' || (at(i + 1) == '\\' && at(i + 3) == '\'')) {
            // A char literal ('{', '\n'); lifetimes ('a) are left alone.
            let end = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            blank(&mut out, i + 1, end);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    // Inline test modules.
    let mut from = 0;
    while let Some(at) = find(&out, from, "#[cfg(test)]") {
        from = at + "#[cfg(test)]".len();
        let mut k = from;
        while out.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        if !starts_with(&out, k, "mod ") {
            continue;
        }
        let Some(open) = (k..out.len()).find(|&j| out[j] == '{' || out[j] == ';') else {
            continue;
        };
        if out[open] == '{' {
            let end = matching(&out, open);
            blank(&mut out, at, end);
            from = end;
        }
    }
    out
}

fn starts_with(code: &[char], at: usize, pat: &str) -> bool {
    pat.chars()
        .enumerate()
        .all(|(k, p)| code.get(at + k) == Some(&p))
}

/// The first position at or after `from` where `pat` starts.
fn find(code: &[char], from: usize, pat: &str) -> Option<usize> {
    (from..code.len()).find(|&at| starts_with(code, at, pat))
}

/// The position after the `}` closing the `{` at `open`.
fn matching(code: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (k, c) in code.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The item starting at `start` up to its body, its `;`, or (a field) its `,` or the
/// closing `}`.
fn signature(code: &[char], start: usize) -> String {
    let mut depth = 0i32;
    let mut out = String::new();
    for (k, &c) in code.iter().enumerate().skip(start) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '<' => depth += 1,
            '>' if k > 0 && code[k - 1] != '-' && code[k - 1] != '=' => depth -= 1,
            '{' | ';' | '}' if depth <= 0 => break,
            ',' if depth <= 0 => break,
            _ => {}
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `sig` holds a `Result<T, String>`.
fn text_error(sig: &str) -> bool {
    let mut rest = sig;
    while let Some(at) = rest.find("Result<") {
        let args = &rest[at + "Result<".len()..];
        let mut depth = 0;
        let mut comma = None;
        for (k, c) in args.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '>' if depth == 0 => {
                    if let Some(comma) = comma {
                        if args[comma + 1..k].trim() == "String" {
                            return true;
                        }
                    }
                    break;
                }
                '>' => depth -= 1,
                ',' if depth == 0 => comma = Some(k),
                _ => {}
            }
        }
        rest = &rest[at + 1..];
    }
    false
}

fn is_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The start of every `pub` and `pub(crate)` item, and of every `fn` in a `pub trait`.
fn public_items(code: &[char]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(code, from, "pub") {
        from = at + 3;
        if is_word(at.checked_sub(1).and_then(|k| code.get(k))) {
            continue;
        }
        let mut k = at + 3;
        if starts_with(code, k, "(crate)") {
            k += "(crate)".len();
        } else if !code.get(k).is_some_and(|c| c.is_whitespace()) {
            continue;
        }
        out.push(at);
        while code.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        if !starts_with(code, k, "trait ") {
            continue;
        }
        let Some(open) = find(code, k, "{") else {
            continue;
        };
        let end = matching(code, open);
        let mut f = open;
        while let Some(j) = find(&code[..end], f, "fn ") {
            f = j + 3;
            if !is_word(j.checked_sub(1).and_then(|k| code.get(k))) {
                out.push(j);
            }
        }
    }
    out
}

fn fn_name(sig: &str) -> &str {
    let Some(at) = sig.find("fn ") else {
        return "";
    };
    let rest = &sig[at + 3..];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn public_signatures_have_typed_errors() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut found = Vec::new();
    let mut known_seen = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        // Test modules in their own files.
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let code = code(&text);
        for start in public_items(&code) {
            let sig = signature(&code, start);
            if !text_error(&sig) {
                continue;
            }
            if KNOWN.contains(&(rel.as_str(), fn_name(&sig))) {
                known_seen.push((rel.clone(), fn_name(&sig).to_string()));
                continue;
            }
            let line = code[..start].iter().filter(|c| **c == '\n').count() + 1;
            found.push(format!("{rel}:{line}: {sig}"));
        }
    }
    assert!(
        found.is_empty(),
        "public signatures with a Result<_, String> (use a typed error: an enum or struct \
         with Display and std::error::Error):\n{}",
        found.join("\n")
    );
    let stale: Vec<String> = KNOWN
        .iter()
        .filter(|(f, n)| !known_seen.iter().any(|(sf, sn)| sf == f && sn == n))
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    assert!(
        stale.is_empty(),
        "entries of KNOWN that are typed now (remove them): {stale:?}"
    );
}

#[test]
fn the_scan_finds_text_errors() {
    assert!(text_error(
        "pub fn f(x: &str) -> Result<Vec<(u8, String)>, String>"
    ));
    assert!(text_error(
        "pub fn f() -> Option<Result<BTreeMap<String, String>, String>>"
    ));
    assert!(!text_error("pub fn f() -> Result<String, Error>"));
    assert!(!text_error(
        "pub fn f() -> Result<BTreeMap<String, String>, E>"
    ));
    let text = "/// Result<u8, String>\npub trait T {\n    fn read(&self) -> Result<String, String>;\n}\n#[cfg(test)]\nmod tests {\n    pub fn t() -> Result<(), String> { Ok(()) }\n}\npub struct S {\n    pub f: Result<u8, String>,\n    g: u8,\n}\n";
    let code = code(text);
    let sigs: Vec<String> = public_items(&code)
        .into_iter()
        .map(|s| signature(&code, s))
        .filter(|s| text_error(s))
        .collect();
    assert_eq!(
        sigs,
        [
            "fn read(&self) -> Result<String, String>",
            "pub f: Result<u8, String>"
        ]
    );
}
