//! The describers' shared writer: kubectl's PrefixWriter with two-space levels over Go's
//! tabwriter (padding 2), flushed before Events, and the sections every describer prints.

use super::super::tabwriter;
use crate::clock::SimTime;
use crate::kubectl::printers::human_duration;
use crate::model::{Event, Time};
use std::collections::BTreeMap;

/// kubectl's PrefixWriter over a tabwriter that can be flushed.
pub(super) struct Writer {
    done: String,
    pending: String,
}

impl Writer {
    pub(super) fn new() -> Writer {
        Writer {
            done: String::new(),
            pending: String::new(),
        }
    }

    pub(super) fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }

    pub(super) fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.done.push_str(&tabwriter::format(&text, 0, 2));
    }

    pub(super) fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

/// `Time.Format(time.RFC1123Z)`: `Mon, 05 Jan 2026 09:00:00 +0000`.
pub(super) fn rfc1123z(t: Option<&Time>) -> String {
    match t {
        Some(t) => k8s_openapi::jiff::fmt::strtime::format("%a, %d %b %Y %H:%M:%S %z", t.0)
            .unwrap_or_default(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

pub(super) fn since(t: Option<&Time>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(now.0 as i64 - SimTime::from_time(t).0 as i64),
        None => "<unknown>".into(),
    }
}

/// kubectl's `translateTimestampUntil`: how long until `t`.
pub(super) fn until(t: Option<&Time>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(SimTime::from_time(t).0 as i64 - now.0 as i64),
        None => "<unknown>".into(),
    }
}

pub(super) fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `Name:` and `Namespace:`, the first two lines of a namespaced object's description.
pub(super) fn name_and_namespace(w: &mut Writer, meta: &crate::model::ObjectMeta) {
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    w.write(
        0,
        &format!(
            "Namespace:\t{}\n",
            meta.namespace.as_deref().unwrap_or_default()
        ),
    );
}

/// The lines most describers start with: Name, Namespace, Labels and Annotations.
pub(super) fn object_header(w: &mut Writer, meta: &crate::model::ObjectMeta) {
    name_and_namespace(w, meta);
    labels(w, "Labels", meta.labels.as_ref());
    annotations(w, meta.annotations.as_ref());
}

pub(super) fn labels(w: &mut Writer, title: &str, labels: Option<&BTreeMap<String, String>>) {
    w.write(0, &format!("{title}:\t"));
    match labels.filter(|l| !l.is_empty()) {
        None => w.write(0, "<none>\n"),
        Some(l) => {
            for (i, (k, v)) in l.iter().enumerate() {
                if i != 0 {
                    w.write(0, "\t");
                }
                w.write(0, &format!("{k}={v}\n"));
            }
        }
    }
}

pub(super) fn annotations(w: &mut Writer, annotations: Option<&BTreeMap<String, String>>) {
    annotations_titled(w, "Annotations", annotations);
}

/// `printAnnotationsMultiline` under a title of the caller's (`  Annotations` in a pod
/// template).
pub(super) fn annotations_titled(
    w: &mut Writer,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) {
    const MAX: usize = 140;
    w.write(0, &format!("{title}:\t"));
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        w.write(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX || value.contains('\n') {
            w.write(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                let short = if s.len() > MAX - 2 {
                    let cut = (0..=MAX - 2)
                        .rev()
                        .find(|&i| s.is_char_boundary(i))
                        .unwrap_or(0);
                    format!("{}...", &s[..cut])
                } else {
                    s.to_string()
                };
                w.write(0, &format!("\t  {short}\n"));
            }
        } else {
            w.write(0, &format!("{k}: {value}\n"));
        }
    }
}

/// The Events section for one object's events.
pub(super) fn events(w: &mut Writer, events: &[&Event], now: SimTime) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&&Event> = events.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |e| e.last_timestamp.as_ref().map(|t| t.0));
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = since(e.first_timestamp.as_ref(), now);
        let count = e.count.unwrap_or(1);
        let interval = if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since(e.last_timestamp.as_ref(), now)
            )
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        w.write(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or_default(),
                e.reason.as_deref().unwrap_or_default(),
                e.message.as_deref().unwrap_or_default().trim()
            ),
        );
    }
}
