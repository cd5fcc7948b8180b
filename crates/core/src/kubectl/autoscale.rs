//! `kubectl autoscale (TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS
//! [--cpu-percent=CPU]`: kubectl's checks of the flags and of the target (it must
//! exist and have a scale subresource), then the HorizontalPodAutoscaler's POST,
//! which Podlab's API server refuses as a server without the autoscaling API does:
//! it has no metrics to scale on.

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed, NAMESPACE};
use super::{FileSource, Output};
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "autoscale",
    aliases: &[],
    group: Group::Deploy,
    summary: "Auto-scale a deployment, replica set, stateful set, or replication controller",
    usage: "kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU]",
    flags: &[
        NAMESPACE,
        flag("cpu-percent", None, Kind::String).default("-1").help("The target average CPU utilization (represented as a percent of requested CPU) over all the pods. If it's not specified or negative, a default autoscaling policy will be used."),
        flag("max", None, Kind::String).default("-1").help("The upper limit for the number of pods that can be set by the autoscaler. Required."),
        flag("min", None, Kind::String).default("-1").help("The lower limit for the number of pods that can be set by the autoscaler. If it's not specified or negative, the server will apply a default value."),
        flag("name", None, Kind::String).help("The name for the newly created object. If not specified, the name of the input resource will be used."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

/// An integer flag as pflag parses it, or its error.
fn int_flag(p: &Parsed, name: &str, out: &mut Output) -> Option<i64> {
    let v = p.string(name).unwrap_or("-1");
    match v.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            out.fail(format!("invalid argument {v:?} for \"--{name}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl autoscale --help' for usage."));
            None
        }
    }
}

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let (Some(max), Some(min), Some(_cpu)) = (
        int_flag(p, "max", out),
        int_flag(p, "min", out),
        int_flag(p, "cpu-percent", out),
    ) else {
        return;
    };
    if max < 1 {
        return out.fail(format!(
            "--max=MAXPODS is required and must be at least 1, max: {max}"
        ));
    }
    if max < min {
        return out.fail(format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let args = &p.positionals;
    let targets = match super::common::named_resources(args) {
        Ok(t) => t,
        Err(e) => return out.fail(e),
    };
    let namespace = p.string("namespace").unwrap_or("default");
    // The builder fetches every object first.
    for (rt, name) in &targets {
        if cluster.api().object(rt.plural, namespace, name).is_none() {
            return out.not_found(rt.qualified, name);
        }
    }
    if let Some((rt, _)) = targets.first() {
        if !matches!(
            rt.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            // The scale kind resolver finds no `scale` subresource in discovery.
            let (group, version) = rt
                .api_version
                .split_once('/')
                .unwrap_or(("", rt.api_version));
            return out.fail(format!(
                "cannot autoscale a {}: could not find scale subresource for {group}/{version}, Resource={} in discovery information",
                rt.kind, rt.plural
            ));
        }
        // The POST of the HorizontalPodAutoscaler: no autoscaling API is served.
        out.err("Error from server (NotFound): the server could not find the requested resource (post horizontalpodautoscalers.autoscaling)\n");
        out.exit_code = 1;
    }
}
