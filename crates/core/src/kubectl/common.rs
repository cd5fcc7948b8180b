//! What several kubectl commands share: listing and finding objects, reading `-f`
//! files, `--dry-run`, printing the object a command made, waiting for deletions.

use super::flags;
use super::printers;
use super::resources::{self, ResourceType};
use super::{FileSource, Output, ReadError};
use crate::apiserver::ApiError;
use crate::manifest::{Diagnostic, ManifestError};
use crate::model::ResourceExt;
use crate::model::{Object, ObjectRef};
use crate::Cluster;

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

/// kubectl's error for a command given no resource at all.
pub(super) const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// The objects a command's arguments name: `TYPE NAME...` or `TYPE/NAME...`, with
/// kubectl's errors for none, an unknown type, or a type without a name.
pub(super) fn named_resources(args: &[String]) -> Result<Vec<(ResourceType, String)>, String> {
    match args.first() {
        None => Err(NO_RESOURCES.to_string()),
        Some(first) if first.contains('/') => type_slash_name(args),
        Some(first) => {
            let rt = resources::lookup(first).ok_or_else(|| resources::unknown_type(first))?;
            if args.len() == 1 {
                return Err("resource(s) were provided, but no name was specified".to_string());
            }
            Ok(args[1..].iter().map(|n| (rt, n.clone())).collect())
        }
    }
}

/// An object a command changes.
pub(super) enum Target {
    /// An object in the cluster: its type, namespace and name.
    Live(ResourceType, String, String),
    /// An object read from a file with `--local`, changed and printed, never sent.
    Local(Object),
}

impl Target {
    /// The object with where it keeps its pod spec: the file's object, or the stored one
    /// (a missing one is reported); an object without a pod template is reported as
    /// kubectl's set image and set env report it.
    pub(super) fn with_pod_spec(
        self,
        cluster: &Cluster,
        out: &mut Output,
    ) -> Option<(ResourceType, String, Object, &'static str)> {
        let (rt, name, live) = match self {
            Target::Local(o) => {
                let rt = resources::lookup(o.kind())?;
                (rt, o.name_any().to_string(), o)
            }
            Target::Live(rt, ns, name) => match cluster.api().object(rt.plural, &ns, &name) {
                Some(o) => (rt, name, o.to_owned()),
                None => {
                    out.not_found(rt.plural, &name);
                    return None;
                }
            },
        };
        let Some(pointer) = pod_spec_pointer(rt.kind) else {
            out.err(format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: {}\n",
                rt.name_prefix, rt.kind
            ));
            out.exit_code = 1;
            return None;
        };
        Some((rt, name, live, pointer))
    }
}

/// Where a kind keeps its pod spec (`UpdatePodSpecForObject`).
pub(super) fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("/spec"),
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => Some("/spec/template/spec"),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// The objects `-f` names, as targets: the files' objects themselves with `--local`,
/// else the stored objects they name (in `namespace` unless they name their own). A
/// file that does not decode is reported and ends the command (`None`).
pub(super) fn file_targets(
    cluster: &Cluster,
    p: &flags::Parsed,
    files: &dyn FileSource,
    namespace: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let local = p.bool("local");
    let mut targets = Vec::new();
    for (file, text) in read_files(cluster, p, files, out)? {
        match crate::manifest::decode(&file, &text, crate::manifest::Validation::Ignore) {
            Ok(decoded) => {
                for m in decoded.manifests {
                    if local {
                        targets.push(Target::Local(m.object));
                    } else if let Some(rt) = resources::lookup(m.object.kind()) {
                        let ns = m.object.namespace().unwrap_or(namespace).to_string();
                        let name = m.object.name_any().to_string();
                        targets.push(Target::Live(rt, ns, name));
                    }
                }
            }
            Err(ds) => {
                for d in &ds {
                    out.err(format!("{}\n", manifest_message(d)));
                }
                out.exit_code = 1;
                return None;
            }
        }
    }
    Some(targets)
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
        .find(|o| o.name_any() == name)
}

/// Objects of one type, in the order the API server lists them.
/// The pod an argument names (`web`, `pod/web`, `pods/web`) in `ns`, a copy; else the
/// API server's NotFound is printed.
pub(super) fn pod_named(
    cluster: &Cluster,
    ns: &str,
    arg: &str,
    out: &mut Output,
) -> Option<crate::model::Pod> {
    if let Some((type_name, name)) = arg.split_once('/') {
        if let Some(rt) = resources::lookup(type_name).filter(|rt| rt.kind != "Pod") {
            return first_pod_of(cluster, ns, rt, name, out);
        }
    }
    let name = arg
        .strip_prefix("pod/")
        .or_else(|| arg.strip_prefix("pods/"))
        .unwrap_or(arg);
    let pod = cluster.api().pods.get(ns, name).cloned();
    if pod.is_none() {
        out.not_found("pods", name);
    }
    pod
}

/// `polymorphichelpers.AttachablePodForObject` for `TYPE/NAME`: the first pod (as
/// [`first_pod`] ranks them) its selector matches, for the kinds `SelectorsForObject`
/// knows (workloads with a label selector, a Service's selector map).
fn first_pod_of(
    cluster: &Cluster,
    ns: &str,
    rt: ResourceType,
    name: &str,
    out: &mut Output,
) -> Option<crate::model::Pod> {
    let Some(object) = cluster.api().object(rt.plural, ns, name) else {
        out.not_found(rt.qualified, name);
        return None;
    };
    let json = object.to_json();
    let selector = match rt.kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" => {
            let given = json.pointer("/spec/selector").cloned().unwrap_or_default();
            crate::model::de::from_value::<
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
            >(&given)
            .ok()
            .and_then(|s| crate::model::labels::Selector::from_label_selector(&s).ok())
        }
        "Service" | "ReplicationController" => {
            let labels = json.pointer("/spec/selector").cloned().unwrap_or_default();
            crate::model::de::from_value::<std::collections::BTreeMap<String, String>>(&labels)
                .ok()
                .map(|m| {
                    crate::model::labels::Selector::from_label_selector(
                        &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
                            match_labels: Some(m),
                            match_expressions: None,
                        },
                    )
                    .unwrap_or_default()
                })
        }
        other => {
            out.fail(format!(
                "cannot attach to *v1.{other}: selector for *v1.{other} not implemented"
            ));
            return None;
        }
    };
    let Some(selector) = selector else {
        out.fail(format!("invalid label selector for {}/{name}", rt.plural));
        return None;
    };
    first_pod(cluster, ns, &selector, out)
}

/// `polymorphichelpers.GetFirstPod`: the pods `selector` matches in `ByLogging` order
/// (scheduled, running, ready, more restarts, older first), with kubectl's note when
/// there is more than one.
pub(super) fn first_pod(
    cluster: &Cluster,
    ns: &str,
    selector: &crate::model::labels::Selector,
    out: &mut Output,
) -> Option<crate::model::Pod> {
    let mut pods: Vec<&crate::model::Pod> = cluster
        .api()
        .pods
        .list_namespace(ns)
        .filter(|p| selector.matches(p.metadata.labels.as_ref()))
        .collect();
    let rank = |p: &crate::model::Pod| {
        let status = p.status.as_ref();
        let phase = match status.and_then(|s| s.phase.as_deref()) {
            Some("Running") => 0,
            Some("Unknown") => 1,
            _ => 2,
        };
        let restarts: i32 = status
            .and_then(|s| s.container_statuses.as_ref())
            .map_or(0, |c| c.iter().map(|c| c.restart_count).sum());
        let created = p
            .metadata
            .creation_timestamp
            .as_ref()
            .map(crate::clock::SimTime::from_time);
        (
            p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none(),
            phase,
            !crate::model::pod::is_ready(p),
            std::cmp::Reverse(restarts),
            created.is_none(),
            created,
        )
    };
    crate::sort::sort_by_key(&mut pods, |p| rank(p));
    let Some(first) = pods.first() else {
        out.fail("error: timed out waiting for the condition");
        return None;
    };
    if pods.len() > 1 {
        out.err(format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            first.metadata.name.as_deref().unwrap_or_default()
        ));
    }
    Some((*first).clone())
}

pub(super) fn list(cluster: &Cluster, rt: &ResourceType, namespace: Option<&str>) -> Vec<Object> {
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
    let ns = if rt.namespaced { namespace } else { None };
    cluster.api().list(rt.plural, ns)
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
        ManifestError::InvalidValue { .. }
        | ManifestError::UnknownField { .. }
        | ManifestError::UnknownFields { .. } => {
            ApiError::bad_request(d.error.to_string())
                .kubectl_line_when(&format!("error when creating {file:?}"))
        }
    }
}

/// The files `-f` names, as kubectl's resource builder visits them: `-` is standard
/// input (named `STDIN`); a file is read whatever its name; a directory gives its files
/// ending `.json`, `.yaml` or `.yml` in name order, and with `-R` those of the
/// directories below it, depth first (Go's `filepath.Walk`). Prints kubectl's error
/// and returns `None` when a path does not exist or cannot be read, or when a
/// directory holds no such file.
pub(super) fn read_files(
    cluster: &Cluster,
    p: &flags::Parsed,
    files: &dyn FileSource,
    out: &mut Output,
) -> Option<Vec<(String, String)>> {
    let recursive = if p.bool("recursive") {
        Walk::Recursive
    } else {
        Walk::TopOnly
    };
    let mut texts = Vec::new();
    for f in p.strings("filename") {
        if f == "-" {
            match files.read_in(cluster, f) {
                Ok(t) => texts.push(("STDIN".to_string(), t)),
                Err(e) => {
                    out.fail(e.to_string());
                    return None;
                }
            }
            continue;
        }
        let mut paths = Vec::new();
        let found = match files.list_in(cluster, f) {
            Ok(None) => {
                paths.push(f.clone());
                Ok(())
            }
            Ok(Some(names)) => walk_dir(cluster, files, f, names, recursive, &mut paths)
                .map_err(|e| format!("error reading {f:?}: {e}")),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = found {
            out.fail(e);
            return None;
        }
        for path in paths {
            match files.read_in(cluster, &path) {
                Ok(t) => texts.push((path, t)),
                Err(e) => {
                    out.fail(e.to_string());
                    return None;
                }
            }
        }
        if texts.is_empty() {
            out.fail(format!(
                "error reading [{f}]: recognized file extensions are [.json .yaml .yml]"
            ));
            return None;
        }
    }
    Some(texts)
}

/// Whether `-f DIR` goes into the directories below DIR (`-R`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    TopOnly,
    Recursive,
}

/// The manifests' paths in directory `dir` (whose entries are `names`), appended to
/// `paths`.
fn walk_dir(
    cluster: &Cluster,
    files: &dyn FileSource,
    dir: &str,
    mut names: Vec<String>,
    walk: Walk,
    paths: &mut Vec<String>,
) -> Result<(), ReadError> {
    crate::sort::sort(&mut names);
    for name in names {
        let path = join_path(dir, &name);
        // Only a directory can fail to be listed: without -R it is skipped unread.
        match files.list_in(cluster, &path) {
            Ok(Some(below)) if walk == Walk::Recursive => {
                walk_dir(cluster, files, &path, below, walk, paths)?
            }
            Err(e) if walk == Walk::Recursive => return Err(e),
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => {
                let manifest = [".json", ".yaml", ".yml"]
                    .iter()
                    .any(|ext| extension(&name) == Some(ext));
                if manifest {
                    paths.push(path);
                }
            }
        }
    }
    Ok(())
}

/// Go's `filepath.Ext`: the suffix from the last dot of the last element.
fn extension(name: &str) -> Option<&str> {
    name.rfind('.').map(|i| &name[i..])
}

/// Go's `filepath.Join(dir, name)` for a clean `name`: `./d` and `d/` give `d/name`.
pub(super) fn join_path(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    let dir = dir.strip_prefix("./").unwrap_or(dir);
    match dir {
        "" if name.is_empty() => "/".to_string(),
        "" => format!("/{name}"),
        "." => name.to_string(),
        _ => format!("{dir}/{name}"),
    }
}

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
            "pods" => c.api().pods.get(&d.namespace, &d.name).map(|p| &p.metadata),
            other => {
                return c
                    .api()
                    .object(other, &d.namespace, &d.name)
                    .is_some_and(|o| o.metadata().uid.as_deref() == Some(d.uid.as_str()))
            }
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

/// Prints an object for `-o json|yaml|name|jsonpath=...`, or kubectl's `pod/x created`
/// line.
pub(super) fn print_object(
    obj: &Object,
    output: Option<&str>,
    verb: &str,
    out: &mut Output,
) -> bool {
    // A zero creationTimestamp is left out (`omitzero` since Kubernetes 1.34), as
    // k8s-openapi leaves it out; what Go's encoder writes of unset fields (`status:
    // {}`, `resources: {}`, ...) is filled in, as kubectl prints a typed object.
    let mut json = obj.to_json();
    crate::gofmt::fill_go_zeros(&mut json, obj.kind());
    let name = obj.name_any().to_string();
    match output {
        // A typed object: Go's field order (kubectl get's unstructured ones are sorted).
        Some("json") => out.out(printers::json_typed(&json, obj.kind())),
        Some("yaml") => out.out(crate::manifest::emit::to_yaml(&json)),
        Some("name") => out.out(format!("{}/{name}\n", crate::cluster::singular(obj))),
        None | Some("") => out.out(format!("{}/{name} {verb}\n", crate::cluster::singular(obj))),
        Some(o) if o.starts_with("jsonpath=") => {
            let text = o.trim_start_matches("jsonpath=");
            let printed = crate::jsonpath::Template::parse(text)
                .map_err(|e| format!("error parsing jsonpath {text}, {e}"))
                .and_then(|template| {
                    let doc = crate::jsonpath::Doc::new(&json);
                    crate::jsonpath::execute_doc(&template, &doc, &Default::default()).map_err(|e| format!(
                        "error executing jsonpath {text:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{text}"
                    ))
                });
            match printed {
                Ok(text) => out.out(text),
                Err(e) => {
                    out.fail(e);
                    return false;
                }
            }
        }
        Some(other) => {
            out.fail(format!("unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,yaml"));
            return false;
        }
    }
    true
}

/// Creates what a generator built (`run`, `create namespace`), or with a dry run only
/// prints it, as kubectl does.
pub(super) fn create_object(
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
        Err(e) => out.api_error(&e),
    }
}

impl Output {
    /// Prints the API server's error as kubectl does and marks the run failed.
    pub(crate) fn api_error(&mut self, e: &ApiError) {
        self.err(format!("{}\n", e.kubectl_line()));
        self.exit_code = 1;
    }
}

/// `NameFromCommandArgs` of `kubectl create SUBCOMMAND`: the one NAME, else its error.
pub(super) fn create_name<'a>(
    p: &'a flags::Parsed,
    subcommand: &str,
    out: &mut Output,
) -> Option<&'a String> {
    match p.positionals.as_slice() {
        [name] => Some(name),
        other => {
            out.fail(format!(
                "exactly one NAME is required, got {}\nSee 'kubectl create {subcommand} -h' for help and examples",
                other.len()
            ));
            None
        }
    }
}

/// What a `set` command (image, env, resources) does with an object it changed, as
/// kubectl's set commands share it: under `--local` or a client dry run the object is
/// printed without the server; otherwise it is sent as an update (a server dry run under
/// `--dry-run=server`) and the server's object printed. YAML documents after the first
/// are set off by `---`.
pub(super) struct SetOutput<'a> {
    pub output: Option<&'a str>,
    pub local: bool,
    pub mode: DryRun,
    printed: usize,
}

impl<'a> SetOutput<'a> {
    pub fn new(output: Option<&'a str>, local: bool, mode: DryRun) -> SetOutput<'a> {
        SetOutput {
            output,
            local,
            mode,
            printed: 0,
        }
    }

    /// From the command's `--dry-run`, `--local` and `-o`; `None` when they are refused
    /// (reported).
    pub fn from_flags(
        p: &'a flags::Parsed,
        cluster: &Cluster,
        out: &mut Output,
    ) -> Option<SetOutput<'a>> {
        let mode = dry_run(p, cluster, out)?;
        let local = p.bool("local");
        if local && mode == DryRun::Server {
            out.fail(
                "cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
            );
            return None;
        }
        let output = p.string("output").filter(|o| !o.is_empty());
        Some(SetOutput::new(output, local, mode))
    }

    /// Prints `o` as `-o` asks, or `KIND/NAME verb`.
    pub fn print(&mut self, o: &Object, verb: &str, out: &mut Output) {
        if self.output == Some("yaml") && self.printed > 0 {
            out.out("---\n");
        }
        self.printed += 1;
        print_object(o, self.output, verb, out);
    }

    /// [`SetOutput::send`] for the JSON of an object of `kind` the command changed from
    /// `before`: nothing is sent or printed when nothing changed. The errors are the
    /// command's to word.
    pub fn send_json(
        &mut self,
        cluster: &mut Cluster,
        kind: &str,
        before: &serde_json::Value,
        json: serde_json::Value,
        verb: &str,
        out: &mut Output,
    ) -> Result<(), SetError> {
        if json == *before {
            return Ok(());
        }
        let changed = Object::from_json(kind, json).map_err(|e| SetError::Decode(e.to_string()))?;
        self.send(cluster, changed, verb, out)
            .map_err(SetError::Server)
    }

    /// Prints `changed` or sends it, with `verb` and the dry run's suffix; the server's
    /// error is the command's to word.
    pub fn send(
        &mut self,
        cluster: &mut Cluster,
        changed: Object,
        verb: &str,
        out: &mut Output,
    ) -> Result<(), ApiError> {
        if self.local || self.mode == DryRun::Client {
            let verb = if self.local {
                verb.to_string()
            } else {
                format!("{verb} (dry run)")
            };
            self.print(&changed, &verb, out);
            return Ok(());
        }
        let (o, verb) = if self.mode == DryRun::Server {
            (
                cluster.dry_run_update(changed)?,
                format!("{verb} (server dry run)"),
            )
        } else {
            (cluster.update(changed)?, verb.to_string())
        };
        self.print(&o, &verb, out);
        Ok(())
    }
}

/// Why a set command's change was not made.
pub(super) enum SetError {
    /// The changed object no longer decodes as its kind.
    Decode(String),
    /// The API server refused it.
    Server(ApiError),
}

impl SetError {
    /// The server's message as kubectl's set commands wrap it ("failed to patch ... :
    /// MESSAGE"): without the leading "The ".
    pub fn server_message(e: &ApiError) -> String {
        let text = e.to_string();
        text.strip_prefix("The ").unwrap_or(&text).to_string()
    }
}
