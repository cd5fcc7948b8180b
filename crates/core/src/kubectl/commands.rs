//! The kubectl commands: each parses its flags and acts on the cluster through its
//! public API, printing what kubectl prints.

use super::flags::{self, flag, Flag, Kind};
use super::printers;
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::manifest::{Diagnostic, ManifestError};
use crate::model::labels::Selector;
use crate::model::{Object, ObjectRef, KUBERNETES_VERSION};
use crate::Cluster;
use std::collections::BTreeMap;

pub const USAGE: &str = "kubectl controls the Kubernetes cluster manager.

Basic Commands (Beginner):
  create        Create a resource from a file or from stdin
  expose        Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run           Run a particular image on the cluster

Basic Commands (Intermediate):
  explain       Get documentation for a resource
  get           Display one or many resources
  delete        Delete resources by file names, stdin, resources and names, or by label selector

Troubleshooting and Debugging Commands:
  describe      Show details of a specific resource or group of resources
  logs          Print the logs for a container in a pod
  exec          Execute a command in a container
  events        List events

Advanced Commands:
  apply         Apply a configuration to a resource by file name or stdin
  patch         Update fields of a resource
  wait          Experimental: Wait for a specific condition on one or many resources

Settings Commands:
  label         Update the labels on a resource
  annotate      Update the annotations on a resource

Cluster Management Commands:
  top           Display resource (CPU/memory) usage
  cordon        Mark node as unschedulable
  uncordon      Mark node as schedulable
  drain         Drain node in preparation for maintenance
  taint         Update the taints on one or more nodes

Other Commands:
  api-resources Print the supported API resources on the server
  version       Print the client and server version information

Usage:
  kubectl [flags] [options]
";

pub(super) const NAMESPACE: Flag = flag("namespace", Some('n'), Kind::String);

pub fn dispatch(
    cluster: &mut Cluster,
    command: &str,
    args: &[String],
    files: &dyn FileSource,
    out: &mut Output,
) {
    match command {
        "version" => version(args, out),
        "get" => super::get::get(cluster, args, files, out),
        "create" => create(cluster, args, files, out),
        "apply" => super::apply::apply(cluster, args, files, out),
        "delete" => delete(cluster, args, files, out),
        "label" => label(cluster, args, out, crate::apiserver::MetaMap::Labels),
        "annotate" => label(cluster, args, out, crate::apiserver::MetaMap::Annotations),
        "describe" => describe(cluster, args, out),
        "run" => run(cluster, args, out),
        "taint" => taint(cluster, args, out),
        "logs" => super::container::logs(cluster, args, out),
        "exec" => super::container::exec(cluster, args, files, out),
        "expose" => super::expose::expose(cluster, args, out),
        "explain" => super::explain::explain_command(args, out),
        "api-resources" => super::resources::api_resources(args, out),
        "cordon" => cordon(cluster, args, true, out),
        "uncordon" => cordon(cluster, args, false, out),
        "drain" => super::drain::drain(cluster, args, out),
        "wait" => super::wait::wait(cluster, args, out),
        "top" => top(args, out),
        "events" => super::events::events(cluster, args, out),
        "patch" => super::patch::patch(cluster, args, files, out),
        "help" | "-h" | "--help" => out.out(USAGE),
        other => {
            out.fail(format!("unknown command {other:?} for \"kubectl\""));
        }
    }
}

/// Parses flags; on error prints pflag's message with the command's help hint.
pub(super) fn parse(
    command: &str,
    args: &[String],
    spec: &[Flag],
    out: &mut Output,
) -> Option<flags::Parsed> {
    match flags::parse(args, spec) {
        Ok(p) => Some(p),
        Err(e) => {
            out.fail(format!("{e}\nSee 'kubectl {command} --help' for usage."));
            None
        }
    }
}

/// `kubectl top`: the cluster runs no metrics-server (a kubeadm cluster has none until
/// one is installed), so the metrics API is not there to ask, as kubectl says.
fn top(args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("all-namespaces", Some('A'), Kind::Bool),
        flag("selector", Some('l'), Kind::String),
        flag("containers", None, Kind::Bool),
        flag("no-headers", None, Kind::Bool),
        flag("sort-by", None, Kind::String),
    ];
    let Some(p) = parse("top", args, SPEC, out) else {
        return;
    };
    match p.positionals.first().map(String::as_str) {
        Some("pod" | "pods" | "po" | "node" | "nodes" | "no") => {
            out.fail("Metrics API not available")
        }
        _ => out.out(TOP_USAGE),
    }
}

const TOP_USAGE: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use \"kubectl top <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

fn version(args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        flag("client", None, Kind::Bool),
        flag("output", Some('o'), Kind::String),
    ];
    let Some(p) = parse("version", args, SPEC, out) else {
        return;
    };
    out.out(format!(
        "Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.7.1\n"
    ));
    if !p.bool("client") {
        out.out(format!("Server Version: {KUBERNETES_VERSION}\n"));
    }
}

/// `kubectl get`.
/// `--request-timeout` in milliseconds: a watch ends when it runs out (0, the default,
/// is never).
pub(super) fn request_timeout(p: &flags::Parsed) -> Result<Option<u64>, String> {
    match p.string("request-timeout").unwrap_or("0") {
        "0" => Ok(None),
        t => match crate::clock::parse_duration(t) {
            Ok(0) => Ok(None),
            Ok(ms) => Ok(Some(ms)),
            Err(_) => Err("invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".into()),
        },
    }
}

/// Arguments in `TYPE/NAME` form: each object's type and name, or kubectl's error.
pub(super) fn type_slash_name(args: &[String]) -> Result<Vec<(ResourceType, String)>, String> {
    args.iter()
        .map(|arg| {
            let (t, name) = arg.split_once('/').ok_or("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")?;
            let rt = resources::lookup(t).ok_or_else(|| resources::unknown_type(t))?;
            Ok((rt, name.to_string()))
        })
        .collect()
}

/// The stored object of a type by namespace and name.
pub(super) fn find(
    cluster: &Cluster,
    rt: &ResourceType,
    namespace: &str,
    name: &str,
) -> Option<Object> {
    list(cluster, rt, Some(namespace))
        .into_iter()
        .find(|o| o.metadata().name.as_deref() == Some(name))
}

/// Objects of one type, in the order the API server lists them.
fn list(cluster: &Cluster, rt: &ResourceType, namespace: Option<&str>) -> Vec<Object> {
    list_refs(cluster, rt, namespace)
        .iter()
        .map(ObjectRef::to_owned)
        .collect()
}

/// Objects of one type, borrowed, in the order the API server lists them.
pub(super) fn list_refs<'a>(
    cluster: &'a Cluster,
    rt: &ResourceType,
    namespace: Option<&str>,
) -> Vec<ObjectRef<'a>> {
    fn collect<'a, T: k8s_openapi::Metadata<Ty = crate::model::ObjectMeta>>(
        store: &'a crate::apiserver::Store<T>,
        namespace: Option<&str>,
        wrap: fn(&'a T) -> ObjectRef<'a>,
    ) -> Vec<ObjectRef<'a>> {
        store
            .list()
            .filter(|o| namespace.is_none() || o.metadata().namespace.as_deref() == namespace)
            .map(wrap)
            .collect()
    }
    let api = cluster.api();
    let ns = if rt.namespaced { namespace } else { None };
    match rt.kind {
        "Pod" => collect(&api.pods, ns, ObjectRef::Pod),
        "Node" => collect(&api.nodes, ns, ObjectRef::Node),
        "Service" => collect(&api.services, ns, ObjectRef::Service),
        "Namespace" => collect(&api.namespaces, ns, ObjectRef::Namespace),
        "Event" => collect(&api.events, ns, ObjectRef::Event),
        "Endpoints" => collect(&api.endpoints, ns, ObjectRef::Endpoints),
        _ => Vec::new(),
    }
}

/// kubectl's message for a manifest problem found before anything reaches the server.
pub fn manifest_message(d: &Diagnostic) -> String {
    let file = &d.location.file;
    match &d.error {
        ManifestError::Syntax { .. } => format!("error: error parsing {file}: {}", d.error),
        ManifestError::KindNotSet | ManifestError::ApiVersionNotSet | ManifestError::NotAnObject => format!(
            "error: error validating {file:?}: {}; if you choose to ignore these errors, turn validation off with --validate=false",
            d.error
        ),
        ManifestError::NoMatchForKind { .. } => format!(
            "error: resource mapping not found for name: \"\" namespace: \"\" from {file:?}: {}\nensure CRDs are installed first",
            d.error
        ),
        ManifestError::InvalidValue { .. } | ManifestError::UnknownField { .. } => {
            format!("Error from server (BadRequest): error when creating {file:?}: {}", d.error)
        }
    }
}

pub(super) fn read_files(
    p: &flags::Parsed,
    files: &dyn FileSource,
    out: &mut Output,
) -> Option<Vec<(String, String)>> {
    let mut texts = Vec::new();
    for f in p.strings("filename") {
        match files.read(f) {
            Ok(t) => texts.push((
                if f == "-" {
                    "STDIN".to_string()
                } else {
                    f.clone()
                },
                t,
            )),
            Err(e) => {
                out.fail(e);
                return None;
            }
        }
    }
    Some(texts)
}

/// `kubectl create -f FILE`, and `kubectl create namespace NAME`.
fn create(cluster: &mut Cluster, args: &[String], files: &dyn FileSource, out: &mut Output) {
    if let Some(rest) = args
        .first()
        .filter(|a| matches!(a.as_str(), "namespace" | "ns"))
        .map(|_| &args[1..])
    {
        return create_namespace(cluster, rest, out);
    }
    const SPEC: &[Flag] = &[NAMESPACE, flag("filename", Some('f'), Kind::StringArray)];
    let Some(p) = parse("create", args, SPEC, out) else {
        return;
    };
    if p.strings("filename").is_empty() {
        out.fail("must specify one of -f and -k\n\nSee 'kubectl create -h' for help and examples");
        return;
    }
    let Some(texts) = read_files(&p, files, out) else {
        return;
    };
    for (name, text) in texts {
        match cluster.create_from_text(&name, &text) {
            Ok(applied) => {
                for a in applied {
                    if a.result.is_ok() {
                        out.out(format!("{}\n", a.message()));
                    } else {
                        out.err(format!("{}\n", a.message()));
                        out.exit_code = 1;
                    }
                }
            }
            Err(rejected) => {
                for d in &rejected.diagnostics {
                    out.err(format!("{}\n", manifest_message(d)));
                }
                out.exit_code = 1;
            }
        }
    }
}

/// `kubectl create namespace NAME [--dry-run=client|server] [-o json|yaml|name]`.
fn create_namespace(cluster: &mut Cluster, args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[flag("output", Some('o'), Kind::String), DRY_RUN];
    let Some(p) = parse("create namespace", args, SPEC, out) else {
        return;
    };
    let [name] = p.positionals.as_slice() else {
        return out.fail(format!(
            "exactly one NAME is required, got {}\nSee 'kubectl create namespace -h' for help and examples",
            p.positionals.len()
        ));
    };
    let Some(mode) = dry_run(&p, cluster, out) else {
        return;
    };
    let ns = crate::model::Namespace {
        metadata: crate::model::ObjectMeta {
            name: Some(name.clone()),
            ..Default::default()
        },
        spec: Some(Default::default()),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::Namespace(Box::new(ns)),
        mode,
        p.string("output"),
        out,
    );
}

/// `kubectl delete TYPE NAME... | TYPE --all | TYPE -l SEL | -f FILE`.
fn delete(cluster: &mut Cluster, args: &[String], files: &dyn FileSource, out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("all", None, Kind::Bool),
        flag("selector", Some('l'), Kind::String),
        flag("filename", Some('f'), Kind::StringArray),
        flag("field-selector", None, Kind::String),
        flag("grace-period", None, Kind::String),
        flag("now", None, Kind::Bool),
        flag("force", None, Kind::Bool),
        flag("wait", None, Kind::Bool),
    ];
    let Some(p) = parse("delete", args, SPEC, out) else {
        return;
    };
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
    let wait = !p.has("wait") || p.bool("wait");
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let mut targets: Vec<(ResourceType, String, String)> = Vec::new();
    if !p.strings("filename").is_empty() {
        let Some(texts) = read_files(&p, files, out) else {
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
            out.fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
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
                out.err(format!(
                    "Error from server (BadRequest): Unable to find \"/v1, Resource={}\" that match label selector {:?}, field selector {:?}: field label not supported: {field}\n",
                    rt.plural,
                    p.string("selector").unwrap_or_default(),
                    fields.text
                ));
                out.exit_code = 1;
                return;
            }
            for o in list(cluster, &rt, Some(&namespace)) {
                if selector.matches(o.metadata().labels.as_ref())
                    && (fields.is_empty() || fields.matches(&o.to_json()))
                {
                    targets.push((
                        rt,
                        namespace.clone(),
                        o.metadata().name.clone().unwrap_or_default(),
                    ));
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
                            uid: pod.metadata.uid.clone().unwrap_or_default(),
                            grace: pod.metadata.deletion_grace_period_seconds.unwrap_or(0),
                        });
                    }
                }),
            "Service" => cluster.delete_service(&ns, &name),
            "Namespace" => {
                let uid = cluster
                    .api()
                    .namespaces
                    .get("", &name)
                    .and_then(|n| n.metadata.uid.clone())
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
            Ok(()) if rt.namespaced => out.out(format!(
                "{} {name:?} {verb} from {ns} namespace\n",
                rt.singular
            )),
            Ok(()) => out.out(format!("{} {name:?} {verb}\n", rt.singular)),
            Err(e) => {
                out.err(format!("Error from server ({}): {e}\n", e.reason()));
                out.exit_code = 1;
            }
        }
    }
    if wait {
        wait_for_deletion(cluster, &terminating);
    }
}

/// `kubectl delete --wait`: simulated time passes until every pod is gone (or well past
/// its grace period, should something keep it).
/// An object a DELETE has marked, which kubectl waits for (`--wait`, the default).
pub(super) struct Deleting {
    /// `pods` or `namespaces`.
    pub resource: &'static str,
    pub namespace: String,
    pub name: String,
    /// The object marked: one created again under the same name is not waited for.
    pub uid: String,
    /// Seconds it may take.
    pub grace: i64,
}

/// Runs the simulated clock until every object in `objects` is gone (at most a minute
/// past the longest grace period).
pub(super) fn wait_for_deletion(cluster: &mut Cluster, objects: &[Deleting]) {
    let longest = objects.iter().map(|d| d.grace).max().unwrap_or(0).max(0) as u64;
    let limit = cluster.now().plus_ms((longest + 60) * 1000);
    let exists = |c: &Cluster, d: &Deleting| {
        let meta = match d.resource {
            "namespaces" => c.api().namespaces.get("", &d.name).map(|n| &n.metadata),
            _ => c.api().pods.get(&d.namespace, &d.name).map(|p| &p.metadata),
        };
        meta.is_some_and(|m| m.uid.as_deref() == Some(d.uid.as_str()))
    };
    while objects.iter().any(|d| exists(cluster, d)) && cluster.now() < limit {
        let now = cluster.now();
        let step = cluster
            .next_event_time()
            .filter(|t| *t > now)
            .map_or(1000, |t| (t.0 - now.0).clamp(1, 1000));
        cluster.advance(step);
    }
}

/// `kubectl label|annotate TYPE NAME key=value... key-... [--overwrite]`.
fn label(
    cluster: &mut Cluster,
    args: &[String],
    out: &mut Output,
    which: crate::apiserver::MetaMap,
) {
    use crate::apiserver::MetaMap;
    let (command, noun) = match which {
        MetaMap::Labels => ("label", "label"),
        MetaMap::Annotations => ("annotate", "annotation"),
    };
    const SPEC: &[Flag] = &[NAMESPACE, flag("overwrite", None, Kind::Bool)];
    let Some(p) = parse(command, args, SPEC, out) else {
        return;
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let mut words = p.positionals.iter();
    let Some(first) = words.next() else {
        out.fail(format!("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {command} -h' for help and examples"));
        return;
    };
    let (type_name, name) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), Some(n.to_string())),
        None => (first.clone(), None),
    };
    let Some(rt) = resources::lookup(&type_name) else {
        return out.fail(resources::unknown_type(&type_name));
    };
    let name = match name.or_else(|| words.next().cloned()) {
        Some(n) => n,
        None => {
            out.fail(format!("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {command} -h' for help and examples"));
            return;
        }
    };
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for w in words {
        if let Some((k, v)) = w.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if let Some(k) = w.strip_suffix('-') {
            changes.push((k.to_string(), None));
        } else {
            out.fail(match which {
                MetaMap::Labels => format!("invalid label spec: {w}"),
                MetaMap::Annotations => format!("invalid annotation format: {w}"),
            });
            return;
        }
    }
    if changes.is_empty() {
        out.fail(format!(
            "at least one {noun} update is required\nSee 'kubectl {command} -h' for help and examples"
        ));
        return;
    }
    let ns = if rt.namespaced {
        namespace.as_str()
    } else {
        ""
    };
    let current = match list(cluster, &rt, if rt.namespaced { Some(ns) } else { None })
        .into_iter()
        .find(|o| o.metadata().name.as_deref() == Some(name.as_str()))
    {
        Some(o) => match which {
            MetaMap::Labels => o.metadata().labels.clone().unwrap_or_default(),
            MetaMap::Annotations => o.metadata().annotations.clone().unwrap_or_default(),
        },
        None => {
            out.not_found(rt.plural, &name);
            return;
        }
    };
    let overwrite = p.bool("overwrite");
    let mut next = current.clone();
    let mut errors = Vec::new();
    for (k, v) in &changes {
        match v {
            Some(v) => {
                if let Some(old) = current.get(k) {
                    if !overwrite && old != v {
                        errors.push(match which {
                            MetaMap::Labels => format!(
                                "'{k}' already has a value ({old}), and --overwrite is false"
                            ),
                            MetaMap::Annotations => format!("'{k}' already has a value ({old})"),
                        });
                        continue;
                    }
                }
                next.insert(k.clone(), v.clone());
            }
            None => {
                next.remove(k);
            }
        }
    }
    if !errors.is_empty() {
        out.fail(match which {
            MetaMap::Labels => errors.join("\n"),
            MetaMap::Annotations => format!(
                "--overwrite is false but found the following declared annotation(s): {}",
                errors.join("; ")
            ),
        });
        return;
    }
    let removing_only = changes.iter().all(|(_, v)| v.is_none());
    let verb = if which == MetaMap::Annotations {
        "annotated"
    } else if next == current {
        "not labeled"
    } else if removing_only {
        "unlabeled"
    } else {
        "labeled"
    };
    if next != current {
        let result = match which {
            MetaMap::Labels => cluster.set_labels(rt.kind, ns, &name, next),
            MetaMap::Annotations => cluster.set_annotations(rt.kind, ns, &name, next),
        };
        if let Err(e) = result {
            out.err(format!("Error from server ({}): {e}\n", e.reason()));
            out.exit_code = 1;
            return;
        }
    }
    out.out(format!("{}/{name} {verb}\n", rt.singular));
}

/// `kubectl describe TYPE [NAME_PREFIX]` / `TYPE/NAME`.
fn describe(cluster: &mut Cluster, args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("selector", Some('l'), Kind::String),
        flag("all-namespaces", Some('A'), Kind::Bool),
    ];
    let Some(p) = parse("describe", args, SPEC, out) else {
        return;
    };
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let all_ns = p.bool("all-namespaces");
    let Some(first) = p.positionals.first() else {
        out.fail("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return;
    };
    let (type_name, names): (String, Vec<String>) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (first.clone(), p.positionals[1..].to_vec()),
    };
    let Some(rt) = resources::lookup(&type_name) else {
        return out.fail(resources::unknown_type(&type_name));
    };
    let selector = match p.string("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return out.fail(e.to_string()),
    };
    let listed = list(
        cluster,
        &rt,
        if all_ns {
            None
        } else {
            Some(namespace.as_str())
        },
    );
    let mut chosen: Vec<&Object> = Vec::new();
    if names.is_empty() {
        chosen.extend(
            listed
                .iter()
                .filter(|o| selector.matches(o.metadata().labels.as_ref())),
        );
        if chosen.is_empty() {
            if rt.namespaced && !all_ns {
                out.err(format!("No resources found in {namespace} namespace.\n"));
            } else {
                out.err("No resources found\n");
            }
            return;
        }
    }
    for name in &names {
        // An exact name, else every object whose name starts with it.
        let exact: Vec<&Object> = listed
            .iter()
            .filter(|o| o.metadata().name.as_deref() == Some(name.as_str()))
            .collect();
        let matches = if exact.is_empty() {
            listed
                .iter()
                .filter(|o| {
                    o.metadata()
                        .name
                        .as_deref()
                        .is_some_and(|n| n.starts_with(name.as_str()))
                })
                .collect()
        } else {
            exact
        };
        if matches.is_empty() {
            out.not_found(rt.plural, name);
        }
        chosen.extend(matches);
    }
    let api = cluster.api();
    let now = cluster.now();
    for (i, o) in chosen.iter().enumerate() {
        let uid = o.metadata().uid.clone().unwrap_or_default();
        let events = api.events_for(&uid);
        let text = match o {
            Object::Pod(p) => super::describe::pod(p, &events, now),
            Object::Node(n) => {
                let name = n.metadata.name.as_deref().unwrap_or_default();
                let pods: Vec<&crate::model::Pod> = api
                    .pods
                    .list()
                    .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name))
                    .filter(|p| {
                        !matches!(
                            p.status.as_ref().and_then(|s| s.phase.as_deref()),
                            Some("Succeeded" | "Failed")
                        )
                    })
                    .collect();
                super::describe::node(n, &pods, &events, now)
            }
            Object::Service(s) => {
                let (ns, name) = (
                    s.metadata.namespace.as_deref().unwrap_or_default(),
                    s.metadata.name.as_deref().unwrap_or_default(),
                );
                super::describe::service(s, api.endpoints.get(ns, name), &events, now)
            }
            _ => {
                out.fail(format!(
                    "describing {} is not supported here yet",
                    rt.plural
                ));
                return;
            }
        };
        if i == 0 {
            out.out(text);
        } else {
            out.out(format!("\n\n{text}"));
        }
    }
}

/// The `--dry-run` flag: bare (deprecated, means client), `client`, `server`, `none`.
pub(super) const DRY_RUN: Flag = Flag {
    name: "dry-run",
    short: None,
    kind: Kind::String,
    no_value: Some("unchanged"),
};

#[derive(PartialEq, Eq, Clone, Copy)]
pub(super) enum DryRun {
    None,
    Client,
    Server,
}

/// `GetDryRunStrategy`, with klog's deprecation warning for the bare flag.
pub(super) fn dry_run(p: &flags::Parsed, cluster: &Cluster, out: &mut Output) -> Option<DryRun> {
    match p.string("dry-run") {
        None | Some("none") | Some("false") => Some(DryRun::None),
        Some("unchanged") => {
            out.err(format!(
                "{}\n",
                klog_warning(
                    cluster.now(),
                    "helpers.go:731",
                    "--dry-run is deprecated and can be replaced with --dry-run=client."
                )
            ));
            Some(DryRun::Client)
        }
        Some("client") | Some("true") => Some(DryRun::Client),
        Some("server") => Some(DryRun::Server),
        Some(other) => {
            out.fail(format!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ));
            None
        }
    }
}

/// A klog warning line (`W0105 09:00:00.000000       1 file.go:N] msg`) stamped with
/// simulated time.
fn klog_warning(now: crate::clock::SimTime, at: &str, msg: &str) -> String {
    let t = now.to_time();
    let stamp = k8s_openapi::jiff::fmt::strtime::format("%m%d %H:%M:%S", t.0).unwrap_or_default();
    format!("W{stamp}.{:06} {:>7} {at}] {msg}", (now.0 % 1000) * 1000, 1)
}

/// Prints an object for `-o json|yaml|name`, or kubectl's `pod/x created` line.
pub(super) fn print_object(
    obj: &Object,
    output: Option<&str>,
    verb: &str,
    out: &mut Output,
) -> bool {
    let mut json = obj.to_json();
    // Go prints a zero metav1.Time as null; k8s-openapi leaves it out.
    if let Some(meta) = json.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.entry("creationTimestamp")
            .or_insert(serde_json::Value::Null);
    }
    let name = obj.metadata().name.clone().unwrap_or_default();
    match output {
        Some("json") => out.out(printers::json(&json)),
        Some("yaml") => out.out(crate::manifest::emit::to_yaml(&json)),
        Some("name") => out.out(format!("{}/{name}\n", crate::cluster::singular(obj))),
        None | Some("") => out.out(format!("{}/{name} {verb}\n", crate::cluster::singular(obj))),
        Some(other) => {
            out.fail(format!("unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,yaml"));
            return false;
        }
    }
    true
}

/// `kubectl run NAME --image=IMAGE [--env=K=V] [--labels=..] [--restart=..] [--port=..]
/// [--command] [--dry-run[=client|server]] [-o yaml|json|name] [-- ARGS...]`.
fn run(cluster: &mut Cluster, args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("image", None, Kind::String),
        flag("env", None, Kind::StringArray),
        flag("labels", Some('l'), Kind::String),
        flag("annotations", None, Kind::StringArray),
        flag("restart", None, Kind::String),
        flag("port", None, Kind::String),
        flag("command", None, Kind::Bool),
        flag("image-pull-policy", None, Kind::String),
        flag("output", Some('o'), Kind::String),
        flag("privileged", None, Kind::Bool),
        DRY_RUN,
    ];
    let Some(p) = parse("run", args, SPEC, out) else {
        return;
    };
    let usage = |out: &mut Output, msg: &str| {
        out.fail(format!("{msg}\nSee 'kubectl run -h' for help and examples"))
    };
    let Some(name) = p.positionals.first().cloned() else {
        return usage(out, "NAME is required for run");
    };
    let Some(image) = p.string("image").map(str::to_string) else {
        return out.fail("required flag(s) \"image\" not set");
    };
    if image.is_empty() || image.contains(char::is_whitespace) {
        return out.fail(format!(
            "Invalid image name {image:?}: invalid reference format"
        ));
    }
    let restart = p.string("restart").unwrap_or("Always").to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return usage(out, &format!("invalid restart policy: {restart}"));
    }
    let Some(mode) = dry_run(&p, cluster, out) else {
        return;
    };

    let mut labels = BTreeMap::new();
    match p.string("labels") {
        Some(text) => {
            for pair in text.split(',') {
                match pair.split_once('=') {
                    Some((k, v)) if !k.is_empty() => {
                        labels.insert(k.to_string(), v.to_string());
                    }
                    _ => return out.fail(format!("invalid label spec: {pair}")),
                }
            }
        }
        None => {
            labels.insert("run".to_string(), name.clone());
        }
    }
    let mut annotations = BTreeMap::new();
    for a in p.strings("annotations") {
        match a.split_once('=') {
            Some((k, v)) => {
                annotations.insert(k.to_string(), v.to_string());
            }
            None => return out.fail(format!("invalid annotation spec: {a}")),
        }
    }
    let mut env = Vec::new();
    for e in p.strings("env") {
        match e.split_once('=') {
            Some((k, v)) if !k.is_empty() => env.push(k8s_openapi::api::core::v1::EnvVar {
                name: k.to_string(),
                value: Some(v.to_string()),
                value_from: None,
            }),
            _ => return out.fail(format!("invalid env: {e}")),
        }
    }
    let mut extra: Vec<String> = p.positionals[1..].to_vec();
    extra.extend(p.trailing.iter().cloned());
    let ports = match p.string("port") {
        Some(port) => match port.parse::<i32>() {
            Ok(n) => Some(vec![k8s_openapi::api::core::v1::ContainerPort {
                container_port: n,
                ..Default::default()
            }]),
            Err(_) => return out.fail(format!("strconv.Atoi: parsing {port:?}: invalid syntax")),
        },
        None => None,
    };
    let container = crate::model::Container {
        name: name.clone(),
        image: Some(image),
        env: (!env.is_empty()).then_some(env),
        command: (p.bool("command") && !extra.is_empty()).then(|| extra.clone()),
        args: (!p.bool("command") && !extra.is_empty()).then(|| extra.clone()),
        ports,
        image_pull_policy: p
            .string("image-pull-policy")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        resources: Some(Default::default()),
        security_context: p.bool("privileged").then(|| {
            k8s_openapi::api::core::v1::SecurityContext {
                privileged: Some(true),
                ..Default::default()
            }
        }),
        ..Default::default()
    };
    let pod = crate::model::Pod {
        metadata: crate::model::ObjectMeta {
            name: Some(name),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            namespace: p.string("namespace").map(str::to_string),
            ..Default::default()
        },
        spec: Some(crate::model::PodSpec {
            containers: vec![container],
            dns_policy: Some("ClusterFirst".into()),
            restart_policy: Some(restart),
            ..Default::default()
        }),
        status: Some(Default::default()),
    };
    create_object(
        cluster,
        Object::Pod(Box::new(pod)),
        mode,
        p.string("output"),
        out,
    );
}

/// Creates what a generator built (`run`, `create namespace`), or with a dry run only
/// prints it, as kubectl does.
fn create_object(
    cluster: &mut Cluster,
    object: Object,
    mode: DryRun,
    output: Option<&str>,
    out: &mut Output,
) {
    let result = match mode {
        DryRun::Client => {
            print_object(&object, output, "created (dry run)", out);
            return;
        }
        DryRun::Server => cluster
            .dry_run_create(object)
            .map(|o| (o, "created (server dry run)")),
        DryRun::None => cluster.create(object).map(|o| (o, "created")),
    };
    match result {
        Ok((o, verb)) => {
            print_object(&o, output, verb, out);
        }
        Err(e @ crate::apiserver::ApiError::Invalid { .. }) => {
            out.err(format!("{e}\n"));
            out.exit_code = 1;
        }
        Err(e) => {
            out.err(format!("Error from server ({}): {e}\n", e.reason()));
            out.exit_code = 1;
        }
    }
}

/// `Taint.ToString()`: `key=value:Effect`, `key:Effect`, `key=value` or `key`.
fn taint_string(key: &str, value: &str, effect: &str) -> String {
    let mut s = key.to_string();
    if !value.is_empty() {
        s.push('=');
        s.push_str(value);
    }
    if !effect.is_empty() {
        s.push(':');
        s.push_str(effect);
    }
    s
}

/// `parseTaint`: `<key>=<value>:<effect>`, `<key>:<effect>` or `<key>`.
fn parse_taint(spec: &str) -> Result<crate::model::Taint, String> {
    let invalid = || format!("invalid taint spec: {spec}");
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts[..] {
        [key] => (key, "", ""),
        [kv, effect] => {
            if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv[..] {
                [k] => (k, "", effect),
                [k, v] => (k, v, effect),
                _ => return Err(invalid()),
            }
        }
        _ => return Err(invalid()),
    };
    let key_ok = !key.is_empty()
        && key.len() <= 316
        && key.rsplit('/').next().is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 63
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    if !key_ok {
        return Err(format!("{}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", invalid()));
    }
    if value.len() > 63
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!("{}, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'", invalid()));
    }
    Ok(crate::model::Taint {
        key: key.into(),
        value: (!value.is_empty()).then(|| value.to_string()),
        effect: effect.into(),
        time_added: None,
    })
}

/// Resolves `nodes NAME...` / `node/NAME` arguments; the rest are returned.
fn node_args<'a>(words: &'a [String], out: &mut Output) -> Option<(Vec<String>, &'a [String])> {
    let first = words.first()?;
    if let Some((t, n)) = first.split_once('/') {
        if resources::lookup(t) != Some(resources::NODES) {
            out.fail(format!(
                "invalid resource type {t}, only node types are supported"
            ));
            return None;
        }
        return Some((vec![n.to_string()], &words[1..]));
    }
    match resources::lookup(first) {
        Some(rt) if rt == resources::NODES => {
            let name = words.get(1)?;
            Some((vec![name.clone()], &words[2..]))
        }
        Some(rt) => {
            out.fail(format!(
                "invalid resource type {}, only node types are supported",
                rt.plural
            ));
            None
        }
        None => {
            out.fail(resources::unknown_type(first));
            None
        }
    }
}

/// `kubectl taint nodes NAME key=value:Effect ... | key:Effect- | key-`.
fn taint(cluster: &mut Cluster, args: &[String], out: &mut Output) {
    const SPEC: &[Flag] = &[
        flag("overwrite", None, Kind::Bool),
        flag("all", None, Kind::Bool),
    ];
    let Some(p) = parse("taint", args, SPEC, out) else {
        return;
    };
    let usage = |out: &mut Output, msg: &str| {
        out.fail(format!(
            "{msg}\nSee 'kubectl taint -h' for help and examples"
        ))
    };
    let Some((names, specs)) = node_args(&p.positionals, out) else {
        if out.exit_code == 0 {
            usage(
                out,
                "one or more resources must be specified as <resource> <name>",
            );
        }
        return;
    };
    if specs.is_empty() {
        return usage(out, "at least one taint update is required");
    }
    let mut add: Vec<crate::model::Taint> = Vec::new();
    let mut remove: Vec<crate::model::Taint> = Vec::new();
    for spec in specs {
        if let Some(r) = spec.strip_suffix('-') {
            match parse_taint(r) {
                Ok(t) => remove.push(t),
                Err(e) => return usage(out, &e),
            }
        } else {
            match parse_taint(spec) {
                Ok(t) if t.effect.is_empty() => {
                    return usage(out, &format!("invalid taint spec: {spec}"))
                }
                Ok(t) => {
                    if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                        return usage(
                            out,
                            &format!(
                                "duplicated taints with the same key and effect: {}",
                                taint_string(
                                    &t.key,
                                    t.value.as_deref().unwrap_or_default(),
                                    &t.effect
                                )
                            ),
                        );
                    }
                    add.push(t)
                }
                Err(e) => return usage(out, &e),
            }
        }
    }
    let conflicts: Vec<String> = remove
        .iter()
        .filter(|r| {
            add.iter()
                .any(|a| a.key == r.key && (r.effect.is_empty() || a.effect == r.effect))
        })
        .map(|r| format!("{}={}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return out.fail(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let overwrite = p.bool("overwrite");
    for name in names {
        let Some(mut node) = cluster.api().nodes.get("", &name).cloned() else {
            out.not_found("nodes", &name);
            continue;
        };
        let old = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| o.key == t.key && o.effect == t.effect))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                out.fail(format!("node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")));
                continue;
            }
        }
        // reorganizeTaints: the new ones first, then the old ones not replaced.
        let mut taints = add.clone();
        for o in &old {
            if !taints
                .iter()
                .any(|t| t.key == o.key && t.effect == o.effect)
            {
                taints.push(o.clone());
            }
        }
        let added = taints.len() != old.len();
        let mut errors = Vec::new();
        let mut deleted = false;
        for r in &remove {
            let before = taints.len();
            taints.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            deleted = taints.len() != before;
            if !deleted {
                errors.push(format!(
                    "taint {:?} not found",
                    taint_string(&r.key, "", &r.effect)
                ));
            }
        }
        if !errors.is_empty() {
            out.fail(errors.join("\n"));
            continue;
        }
        let verb = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        node.spec.get_or_insert_with(Default::default).taints =
            (!taints.is_empty()).then_some(taints);
        match cluster.update_node(node) {
            Ok(()) => out.out(format!("node/{name} {verb}\n")),
            Err(e) => {
                out.err(format!("Error from server ({}): {e}\n", e.reason()));
                out.exit_code = 1;
            }
        }
    }
}

/// `kubectl cordon NODE` / `kubectl uncordon NODE`.
pub(super) fn cordon(
    cluster: &mut Cluster,
    args: &[String],
    unschedulable: bool,
    out: &mut Output,
) {
    let command = if unschedulable { "cordon" } else { "uncordon" };
    let Some(p) = parse(
        command,
        args,
        &[flag("selector", Some('l'), Kind::String)],
        out,
    ) else {
        return;
    };
    if p.positionals.is_empty() && !p.has("selector") {
        return out.fail(format!(
            "USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        ));
    }
    let mut names = p.positionals.clone();
    if let Some(sel) = p.string("selector") {
        let sel = match Selector::parse(sel) {
            Ok(s) => s,
            Err(e) => return out.fail(e.to_string()),
        };
        names.extend(
            cluster
                .api()
                .nodes
                .list()
                .filter(|n| sel.matches(n.metadata.labels.as_ref()))
                .filter_map(|n| n.metadata.name.clone()),
        );
    }
    for name in names {
        let name = name
            .strip_prefix("node/")
            .or_else(|| name.strip_prefix("nodes/"))
            .unwrap_or(&name)
            .to_string();
        let Some(mut node) = cluster.api().nodes.get("", &name).cloned() else {
            out.not_found("nodes", &name);
            continue;
        };
        let spec = node.spec.get_or_insert_with(Default::default);
        if spec.unschedulable.unwrap_or(false) == unschedulable {
            out.out(format!("node/{name} already {command}ed\n"));
            continue;
        }
        spec.unschedulable = unschedulable.then_some(true);
        match cluster.update_node(node) {
            Ok(()) => out.out(format!("node/{name} {command}ed\n")),
            Err(e) => {
                out.err(format!("Error from server ({}): {e}\n", e.reason()));
                out.exit_code = 1;
            }
        }
    }
}
