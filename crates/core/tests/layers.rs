//! The top-level modules of core import each other without cycles: reads the sources,
//! builds the graph of `crate::x` imports between top-level modules (tests aside) and
//! fails naming every cycle it finds.

// A test: not in the wasm bundle, so the standard sorts are fine here.
#![allow(clippy::disallowed_methods)]

mod common;
use common::sources;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Imports known to close a cycle, each fixed on its own branch: remove an entry once
/// the import is gone (the test fails on an entry that no longer closes anything).
const KNOWN: &[(&str, &str)] = &[];

/// The module path of a source file below `src`: `shell/programs/mod.rs` is
/// `[shell, programs]`, `shell/exec.rs` is `[shell, exec]`, `lib.rs` is `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The text without comments, string literals and inline `#[cfg(test)] mod NAME { ... }`.
fn code(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if rest == "//" {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest == "/*" {
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    // Inline test modules.
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        result.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        if trimmed.starts_with("mod ") {
            let header_end = trimmed.find(['{', ';']).unwrap_or(trimmed.len());
            if trimmed[header_end..].starts_with('{') {
                let mut depth = 0;
                let mut end = trimmed.len();
                for (k, c) in trimmed[header_end..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = header_end + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &trimmed[end..];
                continue;
            }
        }
        rest = after;
    }
    result.push_str(rest);
    result
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level module each root-level re-export (`pub use cluster::Cluster`) names.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(at) = stmt.find("pub use ") else {
            continue;
        };
        let path = stmt[at + "pub use ".len()..].trim();
        let module = ident(path).to_string();
        let tail = &path[module.len()..];
        let names: Vec<&str> = match tail.find('{') {
            Some(b) => tail[b + 1..].trim_end_matches('}').split(',').collect(),
            None => vec![tail.rsplit("::").next().unwrap_or("")],
        };
        for n in names {
            let n = n.trim().rsplit("::").next().unwrap_or("").trim();
            if !n.is_empty() {
                map.insert(n.to_string(), module.clone());
            }
        }
    }
    map
}

/// The top-level modules a file's code names: `crate::x::...`, `crate::{x::.., y}`,
/// and `super::` paths that leave the file's own top-level module.
fn imports(path: &[String], code: &str, roots: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |name: &str| {
        let name = ident(name.trim_start());
        if name.is_empty() || name == "self" {
            return;
        }
        if name.starts_with(|c: char| c.is_uppercase()) {
            if let Some(m) = roots.get(name) {
                out.insert(m.clone());
            }
        } else {
            out.insert(name.to_string());
        }
    };
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        item_start = true;
                        continue;
                    }
                    _ => {}
                }
                if item_start && !c.is_whitespace() {
                    add(&group[k..]);
                    item_start = false;
                }
            }
        } else {
            add(rest);
        }
    }
    // `super::` from a module file one level below the root reaches the root.
    for (at, _) in code.match_indices("super::") {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut rest = &code[at..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            up += 1;
            rest = r;
        }
        if up >= path.len() {
            add(rest);
        }
    }
    out
}

/// Every elementary cycle through the graph's edges, each named once, smallest first.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, trail)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    // Name the cycle from its smallest module so each is listed once.
                    let min = trail.iter().enumerate().min_by_key(|(_, m)| *m).unwrap().0;
                    let mut c = trail[min..].to_vec();
                    c.extend_from_slice(&trail[..min]);
                    found.insert(c);
                } else if next > start && !trail.contains(next) && trail.len() < 8 {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    let mut all: Vec<Vec<String>> = found.into_iter().collect();
    podlab_core::sort::sort_by_key(&mut all, |c| c.len());
    all
}

/// Whether `to` is reachable from `from`.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            todo.extend(graph.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn top_level_modules_import_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let roots = reexports(&code(&lib));
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut why: BTreeMap<(String, String), String> = BTreeMap::new();
    for file in &files {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let path = module_path(&src, file);
        let Some(top) = path.first().cloned() else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for to in imports(&path, &code(&text), &roots) {
            if to != top {
                let rel = file.strip_prefix(&src).unwrap().display().to_string();
                why.entry((top.clone(), to.clone())).or_insert(rel);
                graph.entry(top.clone()).or_default().insert(to);
            }
        }
    }
    assert!(
        graph.get("shell").is_some_and(|s| s.contains("fs")),
        "the import graph misses shell -> fs: the source scan is broken"
    );
    let mut stale = Vec::new();
    for (from, to) in KNOWN {
        let closes = graph.get(*from).is_some_and(|s| s.contains(*to)) && reaches(&graph, to, from);
        if closes {
            graph.get_mut(*from).unwrap().remove(*to);
        } else {
            stale.push(format!("{from} -> {to}"));
        }
    }
    let found = cycles(&graph);
    let named: Vec<String> = found
        .iter()
        .map(|c| {
            let mut hops: Vec<String> = Vec::new();
            for (i, m) in c.iter().enumerate() {
                let next = &c[(i + 1) % c.len()];
                let file = why
                    .get(&(m.clone(), next.clone()))
                    .cloned()
                    .unwrap_or_default();
                hops.push(format!("{m} -> {next} ({file})"));
            }
            hops.join(", ")
        })
        .collect();
    assert!(
        named.is_empty(),
        "top-level modules import each other in a circle:\n{}",
        named.join("\n")
    );
    assert!(
        stale.is_empty(),
        "known cycles that no longer exist (remove them from KNOWN): {stale:?}"
    );
}
