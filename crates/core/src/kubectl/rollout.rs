//! `kubectl rollout status deployment/NAME` (or `daemonset/NAME`): follows a rollout
//! as simulated time runs, printing kubectl's DeploymentStatusViewer lines
//! (`Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are
//! available...`) until `deployment "web" successfully rolled out`, or its
//! DaemonSetStatusViewer's (`daemon set "x" successfully rolled out`). kubectl prints a
//! line on every watch event; here a line is printed when it differs from the last.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::resources;
use super::{FileSource, Output, Polled};
use crate::clock::SimTime;
use crate::model::{DaemonSet, Deployment, StatefulSet};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "rollout",
    aliases: &[],
    group: Group::Deploy,
    summary: "Manage the rollout of a resource",
    usage: "kubectl rollout SUBCOMMAND",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[
        super::rollout_history::COMMAND,
        super::rollout_pause::PAUSE,
        super::rollout_restart::COMMAND,
        super::rollout_pause::RESUME,
        STATUS,
        super::rollout_undo::COMMAND,
    ],
    run,
};

const STATUS: Command = Command {
    name: "status",
    aliases: &[],
    group: Group::Deploy,
    summary: "Show the status of the rollout",
    usage: "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags]",
    flags: &[
        NAMESPACE,
        flag("watch", Some('w'), Kind::Bool).default("true").help("Watch the status of the rollout until it's done."),
        flag("timeout", None, Kind::String).default("0s").help("The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h)."),
        flag("revision", None, Kind::String).default("0").help("Pin to a specific revision for showing its status. Defaults to 0 (last revision)."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run: status,
};

fn run(_: &mut Cluster, _: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(super::command::help(&COMMAND));
}

/// `kubectl rollout status` still watching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStatus {
    /// `Deployment`, `DaemonSet` or `StatefulSet`.
    kind: &'static str,
    namespace: String,
    name: String,
    /// The last line printed.
    last: String,
    /// None: never give up.
    deadline: Option<SimTime>,
    watch: bool,
}

fn status(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let args = &p.positionals;
    let (rt, name) = match args.as_slice() {
        [one] if one.contains('/') => match super::common::type_slash_name(args) {
            Ok(mut t) => t.remove(0),
            Err(e) => return out.fail(e),
        },
        [t, name] => match resources::lookup(t) {
            Some(rt) => (rt, name.clone()),
            None => return out.fail(resources::unknown_type(t)),
        },
        [] => return out.fail("required resource not specified"),
        _ => return out.fail("only one resource is supported"),
    };
    if !matches!(rt.kind, "Deployment" | "DaemonSet" | "StatefulSet") {
        let group_kind = if rt.group.is_empty() {
            rt.kind.to_string()
        } else {
            format!("{}.{}", rt.kind, rt.group)
        };
        return out.fail(format!(
            "no status viewer has been implemented for {group_kind}"
        ));
    }
    let timeout = match p.string("timeout").unwrap_or("0s") {
        "0" => 0,
        t => match crate::clock::parse_duration(t) {
            Ok(ms) => ms,
            Err(_) => {
                return out.fail(format!(
                    "invalid argument {t:?} for \"--timeout\" flag: time: invalid duration {t:?}\nSee 'kubectl rollout status --help' for usage."
                ))
            }
        },
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    if cluster.api().object(rt.plural, &namespace, &name).is_none() {
        return out.not_found(rt.plural, &name);
    }
    let mut follow = RolloutStatus {
        kind: rt.kind,
        namespace,
        name,
        last: String::new(),
        deadline: (timeout > 0).then(|| cluster.now().plus_ms(timeout)),
        watch: !p.has("watch") || p.bool("watch"),
    };
    let polled = follow.poll(cluster);
    out.out(polled.stdout);
    match polled.ended {
        Some(code) => {
            out.err(polled.stderr);
            out.exit_code = code;
        }
        None => out.follow = Some(super::Follow::Rollout(Box::new(follow))),
    }
}

/// DeploymentStatusViewer.Status: the line to print, and whether the rollout is done.
fn deployment_status(d: &Deployment) -> Result<(String, bool), String> {
    let name = d.metadata.name.clone().unwrap_or_default();
    let s = d.status.clone().unwrap_or_default();
    if d.metadata.generation > s.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let timed_out = s.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if timed_out {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let n = |v: Option<i32>| v.unwrap_or(0);
    let replicas = d.spec.as_ref().and_then(|s| s.replicas);
    let (updated, total, available) = (
        n(s.updated_replicas),
        n(s.replicas),
        n(s.available_replicas),
    );
    if let Some(r) = replicas.filter(|r| updated < *r) {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {r} new replicas have been updated...\n"), false));
    }
    if total > updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", total - updated), false));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available...\n"), false));
    }
    Ok((
        format!("deployment {name:?} successfully rolled out\n"),
        true,
    ))
}

/// DaemonSetStatusViewer.Status: the line to print, and whether the rollout is done.
fn daemon_set_status(ds: &DaemonSet) -> Result<(String, bool), String> {
    let name = ds.metadata.name.clone().unwrap_or_default();
    let rolling = ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("RollingUpdate");
    if !rolling {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let s = ds.status.clone().unwrap_or_default();
    if ds.metadata.generation > s.observed_generation {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = s.desired_number_scheduled;
    let updated = s.updated_number_scheduled.unwrap_or(0);
    let available = s.number_available.unwrap_or(0);
    if updated < desired {
        return Ok((format!("Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false));
    }
    if available < desired {
        return Ok((format!("Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available...\n"), false));
    }
    Ok((
        format!("daemon set {name:?} successfully rolled out\n"),
        true,
    ))
}

/// StatefulSetStatusViewer.Status: the line to print, and whether the rollout is done.
fn stateful_set_status(set: &StatefulSet) -> Result<(String, bool), String> {
    let spec = set.spec.clone().unwrap_or_default();
    let strategy = spec.update_strategy.unwrap_or_default();
    if strategy.type_.as_deref() != Some("RollingUpdate") {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let s = set.status.clone().unwrap_or_default();
    let observed = s.observed_generation.unwrap_or(0);
    if observed == 0 || set.metadata.generation.unwrap_or(0) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let ready = s.ready_replicas.unwrap_or(0);
    let updated = s.updated_replicas.unwrap_or(0);
    if let Some(r) = spec.replicas.filter(|r| ready < *r) {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", r - ready),
            false,
        ));
    }
    if let Some(rolling) = strategy.rolling_update {
        if let (Some(r), Some(partition)) = (spec.replicas, rolling.partition) {
            if updated < r - partition {
                return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", r - partition), false));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let (current, update) = (
        s.current_revision.unwrap_or_default(),
        s.update_revision.unwrap_or_default(),
    );
    if update != current {
        return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {update}...\n"), false));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {current}...\n",
            s.current_replicas.unwrap_or(0)
        ),
        true,
    ))
}

/// Where a workload's rollout is now, in the words `kubectl rollout status
/// --watch=false` prints (its line, or its error without `error: `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// `Waiting for deployment "web" rollout to finish: ...`.
    Waiting(String),
    /// `deployment "web" successfully rolled out`.
    Done(String),
    /// `deployment "web" exceeded its progress deadline`, or no status for its
    /// update strategy.
    Failed(String),
}

/// The rollout of a Deployment, DaemonSet or StatefulSet (by kind) now; None when
/// there is no such object.
pub fn rollout_now(cluster: &Cluster, kind: &str, namespace: &str, name: &str) -> Option<Rollout> {
    let api = cluster.api();
    let status = match kind {
        "Deployment" => deployment_status(api.deployments.get(namespace, name)?),
        "DaemonSet" => daemon_set_status(api.daemon_sets.get(namespace, name)?),
        "StatefulSet" => stateful_set_status(api.stateful_sets.get(namespace, name)?),
        _ => return None,
    };
    Some(match status {
        Ok((line, true)) => Rollout::Done(line.trim_end().to_string()),
        Ok((line, false)) => Rollout::Waiting(line.trim_end().to_string()),
        Err(e) => Rollout::Failed(e),
    })
}

impl RolloutStatus {
    /// A new line when the status changed; ended when rolled out, at the timeout, or
    /// on an error.
    pub fn poll(&mut self, cluster: &Cluster) -> Polled {
        let mut polled = Polled::default();
        let api = cluster.api();
        let status = match self.kind {
            "DaemonSet" => api
                .daemon_sets
                .get(&self.namespace, &self.name)
                .map(daemon_set_status),
            "StatefulSet" => api
                .stateful_sets
                .get(&self.namespace, &self.name)
                .map(stateful_set_status),
            _ => api
                .deployments
                .get(&self.namespace, &self.name)
                .map(deployment_status),
        };
        let Some(status) = status else {
            let resource = crate::model::kinds::by_kind(self.kind).map_or("", |k| k.qualified);
            polled.stderr = format!("error: {resource} {:?} not found\n", self.name);
            polled.ended = Some(1);
            return polled;
        };
        match status {
            Err(e) => {
                polled.stderr = format!("error: {e}\n");
                polled.ended = Some(1);
            }
            Ok((line, done)) => {
                if line != self.last {
                    polled.stdout = line.clone();
                    self.last = line;
                }
                if done || !self.watch {
                    polled.ended = Some(0);
                } else if self.deadline.is_some_and(|d| cluster.now() >= d) {
                    polled.stderr = "error: timed out waiting for the condition\n".into();
                    polled.ended = Some(1);
                }
            }
        }
        polled
    }
}
