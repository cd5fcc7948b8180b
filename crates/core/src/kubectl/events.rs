//! `kubectl events`: the namespace's events oldest first, `LAST SEEN` counting repeats
//! (`5s (x3 over 40s)`) and `OBJECT` as `Kind/name`; `--for TYPE/NAME` keeps one
//! object's, `--types` Normal or Warning ones. With `--watch` it prints the events
//! there are, then each new one or repeat as simulated time brings it.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, ALL_NAMESPACES, NAMESPACE, REQUEST_TIMEOUT};
use super::printers::{self, age};
use super::tabwriter::TabWriter;
use super::{FileSource, Output, Polled};
use crate::apiserver::watch_cache::{ChangeType, Closed};
use crate::clock::SimTime;
use crate::model::ResourceExt;
use crate::model::{Event, ObjectRef};
use crate::Cluster;

/// Which events, and what has been printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsWatch {
    filter: Filter,
    no_headers: bool,
    headers_printed: bool,
    seq: u64,
    /// `--request-timeout`: the watch ends then.
    until: Option<SimTime>,
    tabwriter: TabWriter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Filter {
    /// None: every namespace (and a NAMESPACE column).
    namespace: Option<String>,
    /// `--for`: the involved object's kind and name.
    object: Option<(&'static str, String)>,
    /// `--types`, in lower case; empty keeps every type.
    types: Vec<String>,
}

impl Filter {
    fn keeps(&self, e: &Event) -> bool {
        let o = &e.involved_object;
        self.namespace
            .as_deref()
            .is_none_or(|ns| e.namespace() == Some(ns))
            && self.object.as_ref().is_none_or(|(kind, name)| {
                o.kind.as_deref() == Some(*kind) && o.name.as_deref() == Some(name.as_str())
            })
            && (self.types.is_empty()
                || self
                    .types
                    .contains(&e.type_.as_deref().unwrap_or_default().to_ascii_lowercase()))
    }
}

pub(super) const COMMAND: Command = Command {
    name: "events",
    aliases: &[],
    group: Group::Troubleshooting,
    summary: "List events",
    usage: "kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]",
    flags: &[
        NAMESPACE,
        ALL_NAMESPACES,
        flag("watch", Some('w'), Kind::Bool).help("After listing the requested events, watch for more events."),
        flag("for", None, Kind::String).help("Filter events to only those pertaining to the specified resource."),
        flag("types", None, Kind::StringArray).help("Output only events of given types."),
        flag("no-headers", None, Kind::Bool).help("When using the default output format, don't print headers."),
        REQUEST_TIMEOUT,
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let object = match p.string("for") {
        None => None,
        Some(text) => {
            if text.matches('/').count() > 1 {
                return out
                    .fail("arguments in resource/name form may not have more than one slash");
            }
            let Some((t, name)) = text.split_once('/') else {
                return out.fail("--for must be in resource/name form");
            };
            match super::resources::lookup(t) {
                Some(rt) => Some((rt.kind, name.to_string())),
                None => return out.fail(super::resources::unknown_type(t)),
            }
        }
    };
    let types: Vec<String> = p
        .strings("types")
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::to_ascii_lowercase)
        .collect();
    if types.iter().any(|t| t != "normal" && t != "warning") {
        return out.fail("valid --types are Normal or Warning");
    }
    let timeout = match super::common::request_timeout(p) {
        Ok(t) => t,
        Err(e) => return out.fail(e),
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let all = p.bool("all-namespaces");
    let now = cluster.now();
    let mut watch = EventsWatch {
        filter: Filter {
            namespace: (!all).then(|| namespace.clone()),
            object,
            types,
        },
        no_headers: p.bool("no-headers"),
        headers_printed: false,
        seq: 0,
        until: timeout.map(|ms| now.plus_ms(ms)),
        tabwriter: printers::table_writer(),
    };
    if p.bool("watch") {
        // A watch from no resourceVersion: the events there are come first, as ADDED.
        watch.seq = cluster.watch("events");
        let existing: Vec<&Event> = cluster
            .api()
            .events
            .list()
            .filter(|e| watch.filter.keeps(e))
            .collect();
        out.out(watch.print(&existing, now));
        out.follow = Some(super::Follow::Events(Box::new(watch)));
        return;
    }
    let mut found: Vec<&Event> = cluster
        .api()
        .events
        .list()
        .filter(|e| watch.filter.keeps(e))
        .collect();
    if found.is_empty() {
        match &watch.filter.namespace {
            None => out.err("No events found.\n"),
            Some(ns) => out.err(format!("No events found in {ns} namespace.\n")),
        }
        return;
    }
    // Oldest first, by when each was last seen.
    let time = |e: &Event| e.last_timestamp.as_ref().map(SimTime::from_time);
    crate::sort::sort_by(&mut found, |a, b| time(a).cmp(&time(b)));
    out.out(watch.print(&found, now));
}

impl EventsWatch {
    /// The events' rows as one flush of kubectl's writer, the header before the first.
    fn print(&mut self, events: &[&Event], now: SimTime) -> String {
        let mut rows = Vec::new();
        let all = self.filter.namespace.is_none();
        if !self.no_headers && !self.headers_printed {
            let mut header = Vec::new();
            if all {
                header.push("NAMESPACE".to_string());
            }
            header.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(str::to_string));
            rows.push(header);
            self.headers_printed = true;
        }
        for e in events {
            let mut row = Vec::new();
            if all {
                row.push(e.metadata.namespace.clone().unwrap_or_default());
            }
            let first = age(e.first_timestamp.as_ref(), now);
            let o = &e.involved_object;
            row.extend([
                match e.count {
                    Some(n) if n > 1 => {
                        format!(
                            "{} (x{n} over {first})",
                            age(e.last_timestamp.as_ref(), now)
                        )
                    }
                    _ => first,
                },
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                format!(
                    "{}/{}",
                    o.kind.as_deref().unwrap_or_default(),
                    o.name.as_deref().unwrap_or_default()
                ),
                e.message.as_deref().unwrap_or_default().trim().to_string(),
            ]);
            rows.push(row);
        }
        if rows.is_empty() {
            return String::new();
        }
        self.tabwriter.flush(&printers::tab_separated(&rows))
    }

    /// New events and repeats since the last poll (deleted ones are not printed); ends
    /// at the request timeout or when the server closes the watch.
    pub fn poll(&mut self, cluster: &Cluster) -> Polled {
        let mut polled = Polled::default();
        let changes = match cluster.api().watch_cache().since(self.seq) {
            Ok(changes) => changes,
            Err(Closed) => return Polled::finished(),
        };
        for c in changes {
            self.seq = c.seq;
            if let (ChangeType::Added | ChangeType::Modified, ObjectRef::Event(e)) =
                (c.change, c.object.as_ref())
            {
                if self.filter.keeps(e) {
                    polled.stdout.push_str(&self.print(&[e], c.at));
                }
            }
        }
        if self.until.is_some_and(|t| cluster.now() >= t) {
            polled.ended = Some(0);
        }
        polled
    }
}
