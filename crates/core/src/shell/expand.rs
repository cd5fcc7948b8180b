//! Expansion: parameters, command substitution, arithmetic, field splitting and
//! pathname expansion.

use super::exec::{Dest, Exec, Flow, Io, Limit, Pipe, MAX_DEPTH};
use super::parse::{Part, Script, Word};
use super::pattern::{arith, glob_match, glob_special};
use crate::fs::normalize;

impl<'a> Exec<'a> {
    /// Expands words into fields.
    pub fn expand(&mut self, words: &[Word], io: &Io) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for w in words {
            self.expand_word(w, io, true, &mut out)?;
        }
        Some(out)
    }

    /// Expands a word without field splitting (assignments, redirection targets).
    pub fn expand_one(&mut self, w: &Word, io: &Io) -> Option<String> {
        let mut out = Vec::new();
        self.expand_word(w, io, false, &mut out)?;
        Some(out.join(" "))
    }

    pub(super) fn param(&mut self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.p.status.to_string()),
            "#" => Some(self.p.args.len().saturating_sub(1).to_string()),
            "$" => Some("1".into()),
            "!" => Some(String::new()),
            "@" | "*" => Some(
                self.p
                    .args
                    .iter()
                    .skip(1)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| self.p.args.get(i).cloned()),
            n => self.p.env.get(n).cloned(),
        }
    }

    pub(super) fn expand_word(
        &mut self,
        w: &Word,
        io: &Io,
        split: bool,
        out: &mut Vec<String>,
    ) -> Option<()> {
        // Most words are one plain literal (`git`, `pull`, `/html`): one field, as it is.
        if let [Part::Lit(s)] = w.0.as_slice() {
            let special = s.starts_with('~') || s.contains('\u{0}') || (split && is_pattern(s));
            if !special {
                out.push(s.clone());
                return Some(());
            }
        }
        // So is one quoted part (an exec probe's argv word, `'/etc/hostname'`): quoted,
        // it is neither split nor a pattern.
        if let [Part::Quoted(s)] = w.0.as_slice() {
            if !s.contains('\u{0}') {
                out.push(s.clone());
                return Some(());
            }
        }
        // Fields under construction; `glob` marks unquoted pattern characters.
        let mut fields: Vec<(String, bool)> = Vec::new();
        let mut cur = String::new();
        let mut have = false;
        let mut glob = false;
        let push_split = |text: &str,
                          cur: &mut String,
                          have: &mut bool,
                          glob: &mut bool,
                          fields: &mut Vec<(String, bool)>,
                          pattern: bool| {
            if !split {
                cur.push_str(text);
                *have = true;
                return;
            }
            for ch in text.chars() {
                if ch == ' ' || ch == '\t' || ch == '\n' {
                    if *have || !cur.is_empty() {
                        fields.push((std::mem::take(cur), *glob));
                        *have = false;
                        *glob = false;
                    }
                } else {
                    if pattern && (ch == '*' || ch == '?' || (ch == '[' && text.contains(']'))) {
                        *glob = true;
                    }
                    cur.push(ch);
                }
            }
        };
        for (i, part) in w.0.iter().enumerate() {
            match part {
                Part::Lit(s) => {
                    let s = if i == 0 && (s == "~" || s.starts_with("~/")) {
                        let home = self
                            .p
                            .env
                            .get("HOME")
                            .cloned()
                            .unwrap_or_else(|| "/".into());
                        format!("{home}{}", &s[1..])
                    } else {
                        s.clone()
                    };
                    if !split {
                        cur.push_str(&s);
                        have = true;
                    } else {
                        for (k, ch) in s.char_indices() {
                            // `[` is a pattern only with a closing `]` after it.
                            if ch == '*' || ch == '?' || (ch == '[' && s[k..].contains(']')) {
                                glob = true;
                            }
                            cur.push(ch);
                        }
                        have = true;
                    }
                }
                Part::Quoted(s) => {
                    // Quoted glob characters must not match: escape them for the matcher.
                    for ch in s.chars() {
                        if glob_special(ch) {
                            cur.push('\u{0}');
                        }
                        cur.push(ch);
                    }
                    have = true;
                }
                Part::Param { name, op, quoted } => {
                    let mut v = self.param(name);
                    if let Some((op, word)) = op.as_ref().filter(|(o, _)| o.starts_with(['#', '%']))
                    {
                        let value = v.clone().unwrap_or_default();
                        v = Some(if op == "#len" {
                            value.chars().count().to_string()
                        } else {
                            let pattern = self.expand_one(word, io)?;
                            trim_pattern(&value, &pattern, op)
                        });
                    } else if let Some((op, word)) = op {
                        let colon = op.starts_with(':');
                        let unset = v.is_none() || (colon && v.as_deref() == Some(""));
                        match op.trim_start_matches(':') {
                            "-" if unset => v = Some(self.expand_one(word, io)?),
                            "=" if unset => {
                                let d = self.expand_one(word, io)?;
                                self.p.env.insert(name.clone(), d.clone());
                                v = Some(d);
                            }
                            "+" => {
                                v = if unset {
                                    Some(String::new())
                                } else {
                                    Some(self.expand_one(word, io)?)
                                }
                            }
                            "?" if unset => {
                                let msg = self.expand_one(word, io)?;
                                let msg = if msg.is_empty() {
                                    "parameter not set".to_string()
                                } else {
                                    msg
                                };
                                let shell = self.p.name.clone();
                                self.err(io, &format!("{shell}: {name}: {msg}\n"));
                                self.p.status = 1;
                                return None;
                            }
                            _ => {}
                        }
                    }
                    let v = v.unwrap_or_default();
                    if *quoted && name == "@" && split {
                        let args: Vec<String> = self.p.args.iter().skip(1).cloned().collect();
                        let n = args.len();
                        for (k, a) in args.into_iter().enumerate() {
                            cur.push_str(&a);
                            have = true;
                            if k + 1 < n {
                                fields.push((std::mem::take(&mut cur), glob));
                                glob = false;
                            }
                        }
                    } else if *quoted {
                        for ch in v.chars() {
                            if glob_special(ch) {
                                cur.push('\u{0}');
                            }
                            cur.push(ch);
                        }
                        have = true;
                    } else {
                        push_split(&v, &mut cur, &mut have, &mut glob, &mut fields, true);
                    }
                }
                Part::Subst { script, quoted } => {
                    let text = self.capture(script, io);
                    if self.f.limit.is_some() {
                        // A limit stopped the substitution: the command does not run.
                        return None;
                    }
                    let text = text.trim_end_matches('\n').to_string();
                    if *quoted {
                        cur.push_str(&text);
                        have = true;
                    } else {
                        push_split(&text, &mut cur, &mut have, &mut glob, &mut fields, false);
                    }
                }
                Part::ProcSubst(script) => {
                    let text = self.capture(script, io);
                    if self.f.limit.is_some() {
                        return None;
                    }
                    let path = format!("/dev/fd/{}", 63 - self.p.substitutions.len().min(60));
                    self.p.substitutions.push((path.clone(), text));
                    cur.push_str(&path);
                    have = true;
                }
                Part::Arith { expr, quoted } => {
                    let expr = self.expand_arith_text(expr);
                    match arith(&expr, &self.p.env) {
                        Ok(n) => {
                            let text = n.to_string();
                            if *quoted {
                                cur.push_str(&text);
                                have = true;
                            } else {
                                push_split(
                                    &text,
                                    &mut cur,
                                    &mut have,
                                    &mut glob,
                                    &mut fields,
                                    false,
                                );
                            }
                        }
                        Err(e) => {
                            let shell = self.p.name.clone();
                            self.err(io, &format!("{shell}: arithmetic syntax error: {e}\n"));
                            self.p.status = 2;
                            return None;
                        }
                    }
                }
            }
        }
        if have || !cur.is_empty() {
            fields.push((cur, glob));
        }
        for (f, glob) in fields {
            if glob && split {
                let matches = self.glob(&f);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            // Most fields hold no quoting mark: kept as they are, not copied.
            out.push(if f.contains('\u{0}') {
                f.replace('\u{0}', "")
            } else {
                f
            });
        }
        Some(())
    }

    /// `$x` inside `$((...))` is substituted before evaluation.
    pub(super) fn expand_arith_text(&mut self, expr: &str) -> String {
        let mut out = String::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' {
                let mut name = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        name.push(c);
                    }
                } else {
                    while let Some(&c) = chars.peek() {
                        if c.is_ascii_alphanumeric()
                            || c == '_'
                            || (name.is_empty() && "?#".contains(c))
                        {
                            name.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push_str(&self.param(&name).unwrap_or_default());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Runs a script and returns what it wrote to stdout (`$(...)`). Past the pipe's
    /// limit, or stopped by another, it sets the run's limit (the caller stops).
    pub fn capture(&mut self, script: &Script, io: &Io) -> String {
        let slot = self.f.captures.len();
        self.f.captures.push(Pipe::default());
        let sub = Io {
            out: Dest::Capture(slot),
            err: io.err.clone(),
            input: None,
        };
        let env = self.p.env.clone();
        let cwd = self.p.cwd.clone();
        let resume = std::mem::take(&mut self.p.resume);
        self.f.no_suspend += 1;
        self.f.depth += 1;
        if self.f.depth <= MAX_DEPTH {
            let _ = self.script(script, &sub);
        } else {
            let _ = self.too_deep(io);
        }
        self.f.depth -= 1;
        self.f.no_suspend -= 1;
        self.p.resume = resume;
        self.p.env = env;
        self.p.cwd = cwd;
        let pipe = self.f.captures.pop().unwrap_or_default();
        if pipe.cut {
            // The shell reads a substitution to its end: it would have taken it all.
            self.f.limit.get_or_insert(Limit::Pipe);
        }
        String::from_utf8_lossy(&pipe.data).into_owned()
    }

    /// Runs a nested script (`sh -c` inside a script) to completion on `io`.
    pub fn capture_into(&mut self, script: &Script, io: &Io) -> Flow {
        let resume = std::mem::take(&mut self.p.resume);
        self.f.no_suspend += 1;
        self.f.depth += 1;
        let f = if self.f.depth <= MAX_DEPTH {
            self.script(script, io)
        } else {
            self.too_deep(io)
        };
        self.f.depth -= 1;
        self.f.no_suspend -= 1;
        self.p.resume = resume;
        f
    }

    /// Pathname expansion, sorted; no match gives nothing (the caller keeps the word).
    pub(super) fn glob(&mut self, pattern: &str) -> Vec<String> {
        let absolute = pattern.starts_with('/');
        let mut candidates: Vec<String> = vec![if absolute { "/".into() } else { String::new() }];
        let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let mut next = Vec::new();
            for base in &candidates {
                let join = |name: &str| {
                    if base.is_empty() {
                        name.to_string()
                    } else if base.ends_with('/') {
                        format!("{base}{name}")
                    } else {
                        format!("{base}/{name}")
                    }
                };
                if !part.contains(['*', '?', '[']) {
                    let lit = part.replace('\u{0}', "");
                    let p = join(&lit);
                    if last
                        || self
                            .host
                            .fs()
                            .exists(&self.p.view, &normalize(&self.p.cwd, &p))
                    {
                        next.push(p);
                    }
                    continue;
                }
                let dir = normalize(&self.p.cwd, if base.is_empty() { "." } else { base });
                let view = self.p.view.clone();
                if let Ok(entries) = self.host.fs().list(&view, &dir) {
                    for (name, st) in entries {
                        if name.starts_with('.') && !part.starts_with('.') {
                            continue;
                        }
                        if (last || st.is_dir) && glob_match(part, &name) {
                            next.push(join(&name));
                        }
                    }
                }
            }
            candidates = next;
        }
        if !pattern.ends_with('/') {
            candidates.retain(|c| {
                self.host
                    .fs()
                    .exists(&self.p.view, &normalize(&self.p.cwd, c))
            });
        }
        crate::sort::sort(&mut candidates);
        candidates
    }
}

/// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`: the value without the shortest or longest
/// prefix or suffix matching the pattern.
fn trim_pattern(value: &str, pattern: &str, op: &str) -> String {
    let cuts: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain([value.len()])
        .collect();
    match op {
        "#" => cuts
            .iter()
            .find(|&&i| glob_match(pattern, &value[..i]))
            .map(|&i| value[i..].to_string()),
        "##" => cuts
            .iter()
            .rev()
            .find(|&&i| glob_match(pattern, &value[..i]))
            .map(|&i| value[i..].to_string()),
        "%" => cuts
            .iter()
            .rev()
            .find(|&&i| glob_match(pattern, &value[i..]))
            .map(|&i| value[..i].to_string()),
        _ => cuts
            .iter()
            .find(|&&i| glob_match(pattern, &value[i..]))
            .map(|&i| value[..i].to_string()),
    }
    .unwrap_or_else(|| value.to_string())
}

/// An unquoted literal that pathname expansion would treat as a pattern: a `*` or `?`,
/// or a `[` with a closing `]` after it.
fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?']) || s.find('[').is_some_and(|k| s[k..].contains(']'))
}
