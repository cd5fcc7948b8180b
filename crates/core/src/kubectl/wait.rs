//! `kubectl wait --for=...`: waits, as simulated time runs, until each object named
//! meets a condition (a status condition, a JSONPath value, or being deleted), and
//! prints `pod/web condition met` for each in turn; at the timeout it says on which
//! object it gave up.

use super::command::{Command, Group, Operands};
use super::common::list_refs;
use super::flags::{flag, Kind, Parsed, ALL_NAMESPACES, NAMESPACE, SELECTOR};
use super::resources::{self, ResourceType};
use super::{FileSource, Output, Polled};
use crate::clock::SimTime;
use crate::model::labels::Selector;
use crate::model::ObjectRef;
use crate::model::ResourceExt;
use crate::Cluster;

/// What `--for` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    /// `delete`: the object is gone (or was replaced by another of the same name).
    Delete,
    /// `condition=Ready[=true]`: a `status.conditions` entry of that type (names and
    /// statuses compared without regard to case).
    Status { name: String, status: String },
    /// `jsonpath='{.status.phase}'[=Running]`: the expression finds one value (equal
    /// to the given one, when one is given). The template is kept as text and parsed
    /// where used; it was checked when the command started.
    JsonPath {
        template: String,
        value: Option<String>,
    },
}

/// One object waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    rt: ResourceType,
    namespace: String,
    name: String,
    /// The object's uid when the wait started (`--for=delete` is met by a new object
    /// of the same name too).
    uid: String,
}

/// `kubectl wait` still waiting: the objects left, in order, and the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    condition: Condition,
    targets: Vec<Target>,
    /// None: `--timeout=0`, check once and do not wait.
    deadline: Option<SimTime>,
}

/// A negative `--timeout`: a week.
const WEEK_MS: u64 = 7 * 24 * 3_600_000;

pub(super) const COMMAND: Command = Command {
    name: "wait",
    aliases: &[],
    group: Group::Advanced,
    summary: "Experimental: Wait for a specific condition on one or many resources",
    usage: "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
    flags: &[
        NAMESPACE,
        ALL_NAMESPACES,
        flag("all", None, Kind::Bool).help("Select all resources in the namespace of the specified resource types"),
        SELECTOR,
        flag("for", None, Kind::String).help("The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true.  Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity."),
        flag("timeout", None, Kind::String).default("30s").help("The length of time to wait before giving up.  Zero means check once and don't wait, negative means wait for a week."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let condition = match parse_condition(p.string("for").unwrap_or_default()) {
        Ok(c) => c,
        Err(e) => return out.fail(e),
    };
    // kubectl's default is 30 s.
    let timeout = match p.string("timeout").unwrap_or("30s") {
        "0" => 0,
        t if t.starts_with('-') => WEEK_MS,
        // Go's durations need a unit.
        t if t.bytes().all(|b| b.is_ascii_digit()) => {
            return out.fail(format!(
                "invalid argument {t:?} for \"--timeout\" flag: time: missing unit in duration {t:?}\nSee 'kubectl wait --help' for usage."
            ))
        }
        t => match crate::clock::parse_duration(t) {
            Ok(ms) => ms,
            Err(_) => {
                return out.fail(format!(
                    "invalid argument {t:?} for \"--timeout\" flag: time: invalid duration {t:?}\nSee 'kubectl wait --help' for usage."
                ))
            }
        },
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let all_namespaces = p.bool("all-namespaces");
    let selector = match p.string("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return out.fail(e.to_string()),
    };

    // TYPE NAME..., TYPE/NAME..., or TYPE with -l or --all.
    let Some(first) = p.positionals.first() else {
        out.fail(super::common::NO_RESOURCES);
        return;
    };
    let mut asked: Vec<(ResourceType, String)> = Vec::new();
    let mut listed_type = None;
    if first.contains('/') {
        asked = match super::common::type_slash_name(&p.positionals) {
            Ok(named) => named,
            Err(e) => return out.fail(e),
        };
    } else {
        let Some(rt) = resources::lookup(first) else {
            return out.fail(resources::unknown_type(first));
        };
        let names = &p.positionals[1..];
        if names.is_empty() {
            if selector.is_none() && !p.bool("all") {
                return out.fail("resource(s) were provided, but no name was specified");
            }
            listed_type = Some(rt);
        }
        asked.extend(names.iter().map(|n| (rt, n.clone())));
    }

    let for_delete = condition == Condition::Delete;
    let mut targets = Vec::new();
    if let Some(rt) = listed_type {
        let ns = (rt.namespaced && !all_namespaces).then_some(namespace.as_str());
        let selector = selector.unwrap_or_default();
        for o in list_refs(cluster, &rt, ns) {
            if selector.matches(Some(o.labels())) {
                targets.push(target(rt, &o));
            }
        }
    } else {
        for (rt, name) in asked {
            let ns = if rt.namespaced {
                namespace.as_str()
            } else {
                ""
            };
            match cluster.api().object(rt.plural, ns, &name) {
                Some(o) => targets.push(target(rt, &o)),
                // Gone already is what --for=delete waits for.
                None if for_delete => {}
                None => {
                    out.not_found(rt.plural, &name);
                    return;
                }
            }
        }
    }
    if targets.is_empty() && !for_delete {
        return out.fail("no matching resources found");
    }

    let mut wait = Wait {
        condition,
        targets,
        deadline: (timeout > 0).then(|| cluster.now().plus_ms(timeout)),
    };
    let polled = wait.poll(cluster);
    out.out(polled.stdout);
    match polled.ended {
        Some(code) => {
            out.err(polled.stderr);
            out.exit_code = code;
        }
        None => out.follow = Some(super::Follow::Wait(Box::new(wait))),
    }
}

fn target(rt: ResourceType, o: &ObjectRef<'_>) -> Target {
    Target {
        rt,
        namespace: o.namespace_any().to_string(),
        name: o.name_any().to_string(),
        uid: o.uid_any().to_string(),
    }
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    if text.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, status) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status {
            name: name.to_string(),
            status: status.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        let shape = "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'";
        // `==` inside a filter is part of the expression, not the separator.
        let parts = split_jsonpath_input(rest);
        let (expr, value) = match parts.as_slice() {
            [expr] => (expr.as_str(), None),
            [expr, value] => (expr.as_str(), Some(value.trim_matches(['\'', '"']))),
            _ => return Err(shape.into()),
        };
        if value == Some("") {
            return Err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
        }
        let template = super::customcolumns::relaxed_jsonpath(expr).map_err(|e| e.to_string())?;
        if template.is_empty() {
            return Err("jsonpath expression cannot be empty".into());
        }
        crate::jsonpath::Template::parse(&template).map_err(|e| e.to_string())?;
        return Ok(Condition::JsonPath {
            template,
            value: value.map(str::to_string),
        });
    }
    Err(format!("unrecognized condition: {text:?}"))
}

/// Splits at `=`, keeping `==` in the part it is in.
fn split_jsonpath_input(input: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            if chars.peek() == Some(&'=') {
                chars.next();
                if let Some(p) = parts.last_mut() {
                    p.push_str("==");
                }
                continue;
            }
            parts.push(String::new());
            continue;
        }
        if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    parts
}

impl Wait {
    /// `pod/NAME condition met` for each object, in order, that now meets the
    /// condition; ended when all have, or at the timeout (on the first one that has
    /// not), or when the condition cannot be checked.
    pub fn poll(&mut self, cluster: &Cluster) -> Polled {
        let mut polled = Polled::default();
        while let Some(t) = self.targets.first() {
            let object = cluster.api().object(t.rt.plural, &t.namespace, &t.name);
            match self.met(t, object) {
                Ok(true) => {
                    polled
                        .stdout
                        .push_str(&format!("{}/{} condition met\n", t.rt.name_prefix, t.name));
                    self.targets.remove(0);
                }
                Ok(false) if self.deadline.is_none_or(|d| cluster.now() >= d) => {
                    polled.stderr = match self.deadline {
                        None => {
                            format!("error: condition not met for {}/{}\n", t.rt.plural, t.name)
                        }
                        Some(_) => format!(
                            "error: timed out waiting for the condition on {}/{}\n",
                            t.rt.plural, t.name
                        ),
                    };
                    polled.ended = Some(1);
                    return polled;
                }
                Ok(false) => return polled,
                Err(e) => {
                    polled.stderr = format!("error: {e}\n");
                    polled.ended = Some(1);
                    return polled;
                }
            }
        }
        polled.ended = Some(0);
        polled
    }

    fn met(&self, t: &Target, object: Option<ObjectRef<'_>>) -> Result<bool, String> {
        let Some(o) = object else {
            return match self.condition {
                Condition::Delete => Ok(true),
                // Gone while waiting for something else: kubectl's watch finds it no
                // more.
                _ => Err(format!("{} {:?} not found", t.rt.plural, t.name)),
            };
        };
        match &self.condition {
            Condition::Delete => Ok(o.uid_any() != t.uid),
            Condition::Status { name, status } => {
                let json = o.to_json();
                let conditions = json
                    .pointer("/status/conditions")
                    .and_then(|c| c.as_array())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                Ok(conditions
                    .iter()
                    .find(|c| {
                        c.get("type")
                            .and_then(|t| t.as_str())
                            .is_some_and(|t| t.eq_ignore_ascii_case(name))
                    })
                    .and_then(|c| c.get("status").and_then(|s| s.as_str()))
                    .is_some_and(|s| s.eq_ignore_ascii_case(status)))
            }
            Condition::JsonPath { template, value } => {
                let template =
                    crate::jsonpath::Template::parse(template).map_err(|e| e.to_string())?;
                let opts = crate::jsonpath::Options {
                    allow_missing_keys: true,
                };
                let results = crate::jsonpath::find_results(&template, &o.to_json(), &opts)
                    .map_err(|e| e.to_string())?;
                let Some(first) = results.first().filter(|r| !r.is_empty()) else {
                    return Ok(false);
                };
                if results.len() > 1 {
                    return Err("given jsonpath expression matches more than one list".into());
                }
                if first.len() > 1 {
                    return Err("given jsonpath expression matches more than one value".into());
                }
                let Some(value) = value else {
                    return Ok(true);
                };
                let found = match &first[0] {
                    crate::jsonpath::Found::Value(v) if v.is_object() || v.is_array() => {
                        return Err(
                            "jsonpath leads to a nested object or list which is not supported"
                                .into(),
                        )
                    }
                    crate::jsonpath::Found::Value(v) => super::customcolumns::go_sprint(v),
                    crate::jsonpath::Found::Text(s) => s.clone(),
                    crate::jsonpath::Found::Int(i) => i.to_string(),
                    crate::jsonpath::Found::Float(f) => f.to_string(),
                    crate::jsonpath::Found::Bool(b) => b.to_string(),
                };
                Ok(found.trim() == value.trim())
            }
        }
    }
}
