//! `kubectl delete TYPE NAME... | TYPE --all | TYPE -l SEL | -f FILE`.

use super::command::{Command, Group, Operands};
use super::common::{list, manifest_message, read_files, wait_for_deletion, Deleting};
use super::flags::{flag, Kind, Parsed, FIELD_SELECTOR, FILENAME, NAMESPACE, RECURSIVE, SELECTOR};
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::apiserver::Propagation;
use crate::model::labels::Selector;
use crate::model::ResourceExt;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "delete",
    aliases: &[],
    group: Group::Intermediate,
    summary: "Delete resources by file names, stdin, resources and names, or by label selector",
    usage: "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])",
    flags: &[
        NAMESPACE,
        flag("all", None, Kind::Bool).help("Delete all resources, in the namespace of the specified resource types."),
        SELECTOR,
        FILENAME,
        RECURSIVE,
        FIELD_SELECTOR,
        flag("grace-period", None, Kind::String).default("-1").help("Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion)."),
        flag("now", None, Kind::Bool).help("If true, resources are signaled for immediate shutdown (same as --grace-period=1)."),
        flag("force", None, Kind::Bool).help("If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation."),
        flag("cascade", None, Kind::String).default("background").no_value("background").help("Must be \"background\", \"orphan\", or \"foreground\". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background."),
        flag("wait", None, Kind::Bool).default("true").help("If true, wait for resources to be gone before returning. This waits for finalizers."),
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    // kubectl's rules: --now is a grace of 1 s; --force alone is 0; 0 without --force
    // becomes 1 (so nothing is killed by accident).
    let force = p.bool("force");
    let mut grace: i64 = match p.string("grace-period").map(str::parse::<i64>) {
        None => -1,
        Some(Ok(g)) => g,
        Some(Err(_)) => {
            let v = p.string("grace-period").unwrap_or_default();
            return out.fail(format!(
                "invalid argument {v:?} for \"--grace-period\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl delete --help' for usage."
            ));
        }
    };
    if p.bool("now") {
        if grace != -1 {
            return out.fail("--now and --grace-period cannot be specified together");
        }
        grace = 1;
    }
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let cascade_flag = p.string("cascade").unwrap_or("background");
    let Some(cascade) = Propagation::from_cascade(cascade_flag) else {
        return out.fail(format!(
            "invalid cascade value ({cascade_flag}). Must be \"background\", \"foreground\", or \"orphan\""
        ));
    };
    if cascade_flag == "false" {
        out.err("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
    }
    let wait = !p.has("wait") || p.bool("wait");
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let mut targets: Vec<(ResourceType, String, String)> = Vec::new();
    if !p.strings("filename").is_empty() {
        let Some(texts) = read_files(cluster, p, files, out) else {
            return;
        };
        for (file, text) in texts {
            match crate::manifest::decode(&file, &text, crate::manifest::Validation::Ignore) {
                Ok(decoded) => {
                    for m in decoded.manifests {
                        let Some(rt) = resources::lookup(m.object.kind()) else {
                            continue;
                        };
                        let meta = m.object.metadata();
                        let ns = meta.namespace.clone().unwrap_or_else(|| namespace.clone());
                        targets.push((rt, ns, meta.name.clone().unwrap_or_default()));
                    }
                }
                Err(ds) => {
                    for d in &ds {
                        out.err(format!("{}\n", manifest_message(d)));
                    }
                    out.exit_code = 1;
                    return;
                }
            }
        }
    } else {
        let Some(first) = p.positionals.first() else {
            out.fail(super::common::NO_RESOURCES);
            return;
        };
        let Some(rt) = resources::lookup(first) else {
            return out.fail(resources::unknown_type(first));
        };
        let names = &p.positionals[1..];
        if names.is_empty() && !p.bool("all") && !p.has("selector") && !p.has("field-selector") {
            out.fail("resource(s) were provided, but no name was specified");
            return;
        }
        if !names.is_empty() {
            targets.extend(names.iter().map(|n| (rt, namespace.clone(), n.clone())));
        } else {
            let selector = match p.string("selector").map(Selector::parse).transpose() {
                Ok(s) => s.unwrap_or_default(),
                Err(e) => return out.fail(e.to_string()),
            };
            let fields = match crate::model::fields::FieldSelector::parse(
                p.string("field-selector").unwrap_or_default(),
            ) {
                Ok(f) => f,
                Err(e) => return out.fail(e.to_string()),
            };
            if let Some(field) = fields.unsupported(rt.kind) {
                return out.api_error(&crate::apiserver::ApiError::bad_request(format!(
                    "Unable to find \"/v1, Resource={}\" that match label selector {:?}, field selector {:?}: field label not supported: {field}",
                    rt.plural,
                    p.string("selector").unwrap_or_default(),
                    fields.text
                )));
            }
            for o in list(cluster, &rt, Some(&namespace)) {
                if selector.matches(Some(o.labels()))
                    && (fields.is_empty() || fields.matches(&o.to_json()))
                {
                    targets.push((rt, namespace.clone(), o.name_any().to_string()));
                }
            }
            if targets.is_empty() {
                out.out("No resources found\n");
                return;
            }
        }
    }
    if force && grace == 0 {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let verb = if force && grace == 0 {
        "force deleted"
    } else {
        "deleted"
    };
    // Objects still terminating after their DELETE: kubectl waits for them to go.
    let mut terminating: Vec<Deleting> = Vec::new();
    for (rt, ns, name) in targets {
        let result = match rt.kind {
            "Pod" => cluster
                .delete_pod(&ns, &name, (grace >= 0).then_some(grace))
                .map(|d| {
                    if let crate::apiserver::PodDeletion::Terminating(pod) = d {
                        terminating.push(Deleting {
                            resource: "pods",
                            namespace: ns.clone(),
                            name: name.clone(),
                            uid: pod.uid_any().to_string(),
                            grace: pod.metadata.deletion_grace_period_seconds.unwrap_or(0),
                        });
                    }
                }),
            "Service" => cluster.delete_service(&ns, &name),
            "EndpointSlice" => cluster.delete_endpoint_slice(&ns, &name),
            "Deployment"
            | "ReplicaSet"
            | "DaemonSet"
            | "StatefulSet"
            | "ControllerRevision"
            | "ConfigMap"
            | "Secret"
            | "Job"
            | "CronJob"
            | "ServiceAccount"
            | "PodDisruptionBudget" => cluster.delete_object(rt.plural, &ns, &name, cascade),
            // A claim a pod uses, a volume bound to a claim: their protection
            // finalizers keep them Terminating, and kubectl waits.
            "PersistentVolumeClaim" | "PersistentVolume" => {
                let ns = if rt.namespaced {
                    ns.clone()
                } else {
                    String::new()
                };
                cluster
                    .delete_object(rt.plural, &ns, &name, cascade)
                    .map(|()| {
                        if let Some(o) = cluster.api().object(rt.plural, &ns, &name) {
                            terminating.push(Deleting {
                                resource: rt.plural,
                                namespace: ns.clone(),
                                name: name.clone(),
                                uid: o.metadata().uid.clone().unwrap_or_default(),
                                grace: 0,
                            });
                        }
                    })
            }
            "StorageClass" => cluster.delete_object(rt.plural, "", &name, cascade),
            "Namespace" => {
                let uid = cluster
                    .api()
                    .namespaces
                    .get("", &name)
                    .map(|n| n.uid_any().to_string())
                    .unwrap_or_default();
                cluster.delete_namespace(&name).map(|()| {
                    // Emptied within its pods' grace periods.
                    let grace = cluster
                        .api()
                        .pods
                        .list_namespace(&name)
                        .filter_map(|p| p.metadata.deletion_grace_period_seconds)
                        .max()
                        .unwrap_or(0);
                    terminating.push(Deleting {
                        resource: "namespaces",
                        namespace: String::new(),
                        name: name.clone(),
                        uid,
                        grace,
                    });
                })
            }
            _ => {
                out.fail(format!("deleting {} is not supported here yet", rt.plural));
                continue;
            }
        };
        match result {
            // `pod "x"`, `endpointslice.discovery.k8s.io "x"`.
            Ok(()) if rt.namespaced => out.out(format!(
                "{} {name:?} {verb} from {ns} namespace\n",
                rt.name_prefix
            )),
            Ok(()) => out.out(format!("{} {name:?} {verb}\n", rt.name_prefix)),
            Err(e) => out.api_error(&e),
        }
    }
    if wait {
        wait_for_deletion(cluster, &terminating);
    }
}
