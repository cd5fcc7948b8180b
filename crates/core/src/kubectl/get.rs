//! `kubectl get`: lists objects and prints them as a table or with `-o`, and with
//! `--watch` goes on printing every change of them as simulated time runs.

use super::command::{Command, Group, Operands};
use super::common::list_refs;
use super::flags::{
    flag, Kind, Parsed, ALL_NAMESPACES, FIELD_SELECTOR, NAMESPACE, REQUEST_TIMEOUT, SELECTOR,
};
use super::printers::{self, age, table};
use super::resources::{self, ResourceType};
use super::storage_printers;
use super::tabwriter::TabWriter;
use super::workload_printers;
use super::{FileSource, Output};
use crate::apiserver::watch_cache::{ChangeType, Closed};
use crate::apiserver::ApiError;
use crate::clock::SimTime;
use crate::model::fields::FieldSelector;
use crate::model::labels::Selector;
use crate::model::ports::Protocol;
use crate::model::ObjectRef;
use crate::model::ResourceExt;
use crate::Cluster;
use std::collections::BTreeMap;

/// How `get` prints objects: the `-o` format and the table flags. `get --watch` keeps
/// it and prints each change with it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GetPrinter {
    format: Format,
    no_headers: bool,
    show_labels: bool,
    /// `-L KEY`: a column with each object's value of that label.
    label_columns: Vec<String>,
    all_namespaces: bool,
    allow_missing_keys: bool,
}

/// `-o`: templates are kept as text (checked when the command starts) and parsed
/// where they are used.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Format {
    Table {
        wide: bool,
    },
    Name,
    Json,
    Yaml,
    JsonPath(String),
    /// `custom-columns=SPEC`, or a template file's text.
    CustomColumns {
        text: String,
        file: bool,
    },
}

impl GetPrinter {
    fn from_flags(p: &Parsed, files: &dyn FileSource) -> Result<GetPrinter, String> {
        let output = p.string("output").unwrap_or_default();
        let read = |path: &str, what: &str| {
            files
                .read(path)
                .map_err(|e| format!("error reading {what} {path}, {e}"))
        };
        let format = if let Some(text) = output.strip_prefix("jsonpath=") {
            Format::JsonPath(text.to_string())
        } else if let Some(path) = output.strip_prefix("jsonpath-file=") {
            Format::JsonPath(read(path, "--template")?)
        } else if output == "jsonpath" || output == "jsonpath-file" {
            return Err("template format specified but no template given".into());
        } else if let Some(spec) = output.strip_prefix("custom-columns=") {
            Format::CustomColumns {
                text: spec.to_string(),
                file: false,
            }
        } else if let Some(path) = output.strip_prefix("custom-columns-file=") {
            Format::CustomColumns {
                text: read(path, "template")?,
                file: true,
            }
        } else if output == "custom-columns" || output == "custom-columns-file" {
            return Err("custom-columns format specified but no custom columns given".into());
        } else {
            match output {
                "" | "wide" => Format::Table {
                    wide: output == "wide",
                },
                "name" => Format::Name,
                "json" => Format::Json,
                "yaml" => Format::Yaml,
                _ => return Err(format!(
                    "unable to match a printer suitable for the output format {output:?}, allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml"
                )),
            }
        };
        let printer = GetPrinter {
            format,
            no_headers: p.bool("no-headers"),
            show_labels: p.bool("show-labels"),
            label_columns: p
                .strings("label-columns")
                .iter()
                .flat_map(|l| l.split(','))
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            all_namespaces: p.bool("all-namespaces"),
            allow_missing_keys: !p.has("allow-missing-template-keys")
                || p.bool("allow-missing-template-keys"),
        };
        // Templates are checked now, so that printing cannot fail on them later.
        printer.jsonpath()?;
        printer.custom_columns()?;
        Ok(printer)
    }

    fn jsonpath(&self) -> Result<Option<(&str, crate::jsonpath::Template)>, String> {
        match &self.format {
            Format::JsonPath(text) => crate::jsonpath::Template::parse(text)
                .map(|t| Some((text.as_str(), t)))
                .map_err(|e| format!("error parsing jsonpath {text}, {e}")),
            _ => Ok(None),
        }
    }

    fn custom_columns(&self) -> Result<Option<Vec<super::customcolumns::Column>>, String> {
        match &self.format {
            Format::CustomColumns { text, file: false } => super::customcolumns::parse_spec(text)
                .map(Some)
                .map_err(|e| e.to_string()),
            Format::CustomColumns { text, file: true } => {
                super::customcolumns::parse_template(text)
                    .map(Some)
                    .map_err(|e| e.to_string())
            }
            _ => Ok(None),
        }
    }

    /// What the JSONPath template prints for `data`, or kubectl's error.
    fn execute_jsonpath(&self, data: &serde_json::Value) -> Result<String, String> {
        let Some((text, template)) = self.jsonpath()? else {
            return Ok(String::new());
        };
        let opts = crate::jsonpath::Options {
            allow_missing_keys: self.allow_missing_keys,
        };
        let doc = crate::jsonpath::Doc::new(data);
        crate::jsonpath::execute_doc(&template, &doc, &opts).map_err(|e| format!(
            "error executing jsonpath {text:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{text}"
        ))
    }

    /// The table of `objects` (one type), the header first: the type's columns, and
    /// around them what the flags add (EVENT for a watch's change, NAMESPACE across
    /// namespaces, `-L` label columns, LABELS).
    fn table_rows(
        &self,
        rt: &ResourceType,
        objects: &[ObjectRef<'_>],
        now: SimTime,
        several_types: bool,
        event: Option<ChangeType>,
    ) -> Vec<Vec<String>> {
        let wide = matches!(self.format, Format::Table { wide: true });
        let mut rows = Vec::with_capacity(objects.len() + 1);
        let mut header = Vec::new();
        if event.is_some() {
            header.push("EVENT".to_string());
        }
        let namespace_column = self.all_namespaces && rt.namespaced;
        if namespace_column {
            header.push("NAMESPACE".into());
        }
        header.extend(headers(rt, wide));
        // The header of `-L app.kubernetes.io/name` is NAME: the key's last part.
        header.extend(self.label_columns.iter().map(|key| {
            key.rsplit('/')
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase()
        }));
        if self.show_labels {
            header.push("LABELS".into());
        }
        rows.push(header);
        for o in objects {
            let meta = o.metadata();
            let mut row = Vec::new();
            if let Some(e) = event {
                row.push(e.name().to_string());
            }
            if namespace_column {
                row.push(meta.namespace.clone().unwrap_or_default());
            }
            let mut cells = columns(o, now, wide);
            if several_types {
                cells[0] = format!("{}/{}", rt.name_prefix, cells[0]);
            }
            row.extend(cells);
            let labels = meta.labels.as_ref();
            row.extend(
                self.label_columns
                    .iter()
                    .map(|key| labels.and_then(|l| l.get(key)).cloned().unwrap_or_default()),
            );
            if self.show_labels {
                row.push(labels_text(labels));
            }
            rows.push(row);
        }
        rows
    }
}

pub(super) const COMMAND: Command = Command {
    name: "get",
    aliases: &[],
    group: Group::Intermediate,
    summary: "Display one or many resources",
    usage: "kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
    flags: &[
        NAMESPACE,
        ALL_NAMESPACES,
        flag("output", Some('o'), Kind::String).help("Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide)."),
        SELECTOR,
        flag("show-labels", None, Kind::Bool).help("When printing, show all labels as the last column (default hide labels column)"),
        flag("label-columns", Some('L'), Kind::StringArray).help("Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2..."),
        flag("allow-missing-template-keys", None, Kind::Bool).default("true").help("If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats."),
        flag("sort-by", None, Kind::String).help("If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string."),
        flag("no-headers", None, Kind::Bool).help("When using the default or custom-column output format, don't print headers (default print headers)."),
        FIELD_SELECTOR,
        flag("watch", Some('w'), Kind::Bool).help("After listing/getting the requested object, watch for changes."),
        flag("watch-only", None, Kind::Bool).help("Watch for changes to the requested object(s), without listing/getting first."),
        flag("output-watch-events", None, Kind::Bool).help("Output watch event objects when --watch or --watch-only is used. Existing objects are output as initial ADDED events."),
        REQUEST_TIMEOUT,
    ],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let printer = match GetPrinter::from_flags(p, files) {
        Ok(printer) => printer,
        Err(e) => return out.fail(e),
    };
    let sort_by = p.string("sort-by").unwrap_or_default().to_string();
    let all_ns = printer.all_namespaces;
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let selector = match p.string("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return out.fail(e.to_string()),
    };
    let field_selector = match FieldSelector::parse(p.string("field-selector").unwrap_or_default())
    {
        Ok(s) => s,
        Err(e) => return out.fail(e.to_string()),
    };
    let timeout = match super::common::request_timeout(p) {
        Ok(t) => t,
        Err(e) => return out.fail(e),
    };

    // TYPE [NAME...], TYPE1,TYPE2, or TYPE/NAME...
    let Some(first) = p.positionals.first() else {
        out.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        out.fail("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return;
    };
    let mut requests: Vec<(ResourceType, Vec<String>)> = Vec::new();
    if first.contains('/') {
        let named = match super::common::type_slash_name(&p.positionals) {
            Ok(named) => named,
            Err(e) => return out.fail(e),
        };
        for (rt, name) in named {
            match requests.iter_mut().find(|(r, _)| *r == rt) {
                Some((_, names)) => names.push(name),
                None => requests.push((rt, vec![name])),
            }
        }
    } else {
        for t in first.split(',') {
            // The "all" category: the types discovery lists in it, in discovery's order
            // (the core group first, then the groups and each group's resources by
            // name: pods, services, deployments, replicasets).
            let types: Vec<ResourceType> = if t == "all" {
                let mut all: Vec<ResourceType> = resources::ALL
                    .iter()
                    .filter(|rt| rt.categories.contains(&"all"))
                    .copied()
                    .collect();
                crate::sort::sort_by_key(&mut all, |rt| (rt.group, rt.plural));
                all
            } else {
                match resources::lookup(t) {
                    Some(rt) => vec![rt],
                    None => return out.fail(resources::unknown_type(t)),
                }
            };
            for rt in types {
                if !requests.iter().any(|(r, _)| *r == rt) {
                    requests.push((rt, p.positionals[1..].to_vec()));
                }
            }
        }
    }
    // kubectl shows kinds (`pod/tea`) whenever several types were asked for.
    let multiple_types =
        first == "all" || ((first.contains(',') || first.contains('/')) && requests.len() > 1);
    let watch = p.bool("watch") || p.bool("watch-only");
    if watch && requests.len() > 1 {
        return out.fail("you may only specify a single resource type");
    }
    if p.bool("output-watch-events") && !matches!(printer.format, Format::Table { .. }) {
        return out
            .fail("--output-watch-events is supported with table output only (-o wide or none)");
    }
    // A watch reads the changes after this point (nothing changes while listing).
    let seq = match requests.first() {
        Some((rt, _)) if watch => cluster.watch(rt.plural),
        _ => 0,
    };

    // The API server's deprecation warning, as kubectl relays it.
    if requests.iter().any(|(rt, _)| rt.kind == "Endpoints") {
        out.err("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    // Listing only reads: objects are borrowed, never copied.
    let cluster: &Cluster = cluster;
    let now = cluster.now();
    let mut found: Vec<(ResourceType, Vec<ObjectRef<'_>>)> = Vec::new();
    let mut errors = Vec::new();
    let by_name = requests.iter().any(|(_, names)| !names.is_empty());
    for (rt, names) in &requests {
        let listed = list_refs(cluster, rt, (!all_ns).then_some(namespace.as_str()));
        let mut objects = Vec::new();
        if names.is_empty() {
            if let Some(field) = field_selector.unsupported(rt.kind) {
                let e = ApiError::bad_request(format!(
                    "Unable to find \"/v1, Resource={}\" that match label selector {:?}, field selector {:?}: field label not supported: {field}",
                    rt.plural,
                    p.string("selector").unwrap_or_default(),
                    field_selector.text
                ));
                errors.push(format!("{}\n", e.kubectl_line()));
                found.push((*rt, objects));
                continue;
            }
            objects.extend(
                listed
                    .into_iter()
                    .filter(|o| selected(o, &selector, &field_selector)),
            );
        } else {
            for name in names {
                match listed.iter().find(|o| o.name_any() == name.as_str()) {
                    Some(o) => objects.push(*o),
                    None => {
                        let e = ApiError::NotFound {
                            resource: rt.plural,
                            name: name.clone(),
                        };
                        errors.push(format!("{}\n", e.kubectl_line()))
                    }
                }
            }
        }
        found.push((*rt, objects));
    }
    if watch {
        // The watch stops at the first error, before printing anything.
        if let Some(e) = errors.first() {
            out.err(e);
            out.exit_code = 1;
            return;
        }
        let Some((rt, names)) = requests.pop() else {
            return;
        };
        let objects = found.pop().map(|(_, o)| o).unwrap_or_default();
        let mut w = GetWatch {
            rt,
            namespace: (rt.namespaced && !all_ns).then_some(namespace),
            names: names.clone(),
            selector,
            field_selector,
            printer,
            seq,
            until: timeout.map(|ms| SimTime(now.0.saturating_add(ms))),
            tabwriter: printers::table_writer(),
            events: p.bool("output-watch-events"),
            printed_headers: false,
            printed: 0,
        };
        if !p.bool("watch-only") {
            match w.print(&objects, Some(ChangeType::Added), now) {
                Ok(text) => out.out(text),
                Err(e) => return out.fail(e),
            }
        }
        if names.len() > 1 {
            return out.fail("you may only watch a single resource or type of resource at a time");
        }
        out.follow = Some(super::Follow::Watch(Box::new(w)));
        return;
    }

    let total: usize = found.iter().map(|(_, o)| o.len()).sum();
    let table_output = matches!(printer.format, Format::Table { .. });
    let single = by_name && total == 1 && requests.len() == 1;
    // --sort-by: each table is sorted on its own; other printers sort the whole List
    // (one object asked for by name is printed as is).
    if !sort_by.is_empty() {
        if table_output {
            for (_, objects) in found.iter_mut() {
                if let Err(e) = sort_objects(objects, &sort_by) {
                    return out.fail(e.0);
                }
            }
        } else if !single {
            let mut all: Vec<ObjectRef<'_>> = found
                .iter_mut()
                .flat_map(|(_, o)| std::mem::take(o))
                .collect();
            if let Err(e) = sort_objects(&mut all, &sort_by) {
                return out.fail(e.0);
            }
            // The sorted List is printed as one group from here on.
            let rt = found.first().map(|(rt, _)| *rt);
            found.clear();
            if let Some(rt) = rt {
                found.push((rt, all));
            }
        }
    }
    // -o json|yaml|jsonpath print one object when one was asked for by name, else a List.
    let printed = Printed {
        found: &found,
        single,
    };
    let data = || serde_json::to_value(&printed).unwrap_or_default();
    match &printer.format {
        Format::CustomColumns { .. } => {
            let columns = printer.custom_columns().ok().flatten().unwrap_or_default();
            let objects: Vec<serde_json::Value> = found
                .iter()
                .flat_map(|(_, os)| os.iter().map(ObjectRef::to_json))
                .collect();
            match super::customcolumns::print(&columns, &objects, printer.no_headers) {
                Ok(text) => out.out(text),
                Err(e) => return out.fail(e.to_string()),
            }
        }
        Format::JsonPath(_) => match printer.execute_jsonpath(&data()) {
            Ok(s) => out.out(s),
            Err(e) => out.fail(e),
        },
        Format::Json | Format::Yaml if total > 0 || errors.is_empty() => {
            let data = data();
            if printer.format == Format::Json {
                out.out(printers::json(&data));
            } else {
                out.out(crate::manifest::emit::to_yaml(&data));
            }
        }
        Format::Json | Format::Yaml => {}
        Format::Name => {
            for (rt, objects) in &found {
                for o in objects {
                    out.out(format!("{}/{}\n", rt.name_prefix, o.name_any()));
                }
            }
        }
        Format::Table { .. } => {
            let mut first_table = true;
            for (rt, objects) in &found {
                if objects.is_empty() {
                    continue;
                }
                if !first_table {
                    out.out("\n");
                }
                first_table = false;
                let mut rows = printer.table_rows(rt, objects, now, multiple_types, None);
                if printer.no_headers {
                    rows.remove(0);
                }
                out.out(table(&rows));
            }
            if total == 0 && errors.is_empty() {
                let namespaced = requests.iter().any(|(rt, _)| rt.namespaced);
                if namespaced && !all_ns {
                    out.err(format!("No resources found in {namespace} namespace.\n"));
                } else {
                    out.err("No resources found\n");
                }
            }
        }
    }
    if !errors.is_empty() {
        for e in errors {
            out.err(e);
        }
        out.exit_code = 1;
    }
}

/// Whether the selectors pick `o`.
fn selected(o: &ObjectRef<'_>, selector: &Selector, field_selector: &FieldSelector) -> bool {
    selector.matches(Some(o.labels()))
        && (field_selector.is_empty() || field_selector.matches(&o.to_json()))
}

/// `kubectl get --watch` after its first lines: what it watches, how it prints, and how
/// far into the API server's watch cache it has read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetWatch {
    rt: ResourceType,
    /// None: every namespace (or a cluster-scoped type).
    namespace: Option<String>,
    /// The one object watched, when named (`get pod web -w`).
    names: Vec<String>,
    selector: Selector,
    field_selector: FieldSelector,
    printer: GetPrinter,
    /// The last change read from the watch cache.
    seq: u64,
    /// `--request-timeout`: the watch ends then.
    until: Option<SimTime>,
    /// kubectl prints every change through one tab writer that remembers its widths.
    tabwriter: TabWriter,
    /// `--output-watch-events`: an EVENT column.
    events: bool,
    printed_headers: bool,
    /// Objects printed so far (YAML separates documents after the first).
    printed: usize,
}

impl GetWatch {
    /// The rows (or documents) for the changes since the last poll, and whether the
    /// watch has ended: its `--request-timeout` ran out, or the server closed it
    /// because it fell too far behind.
    pub fn poll(&mut self, cluster: &Cluster) -> super::Polled {
        let now = cluster.now();
        let mut text = String::new();
        let changes = match cluster.api().watch_cache().since(self.seq) {
            Ok(changes) => changes,
            Err(Closed) => return super::Polled::finished(),
        };
        for c in changes {
            self.seq = c.seq;
            let o = c.object.as_ref();
            if self.watches(&o) {
                // Printed as it arrived (AGE then). Templates were checked when the
                // watch started.
                text.push_str(&self.print(&[o], Some(c.change), c.at).unwrap_or_default());
            }
        }
        super::Polled::printed(text, self.until.is_some_and(|t| now >= t))
    }

    fn watches(&self, o: &ObjectRef<'_>) -> bool {
        let meta = o.metadata();
        o.kind() == self.rt.kind
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| meta.namespace.as_deref() == Some(ns))
            && (self.names.is_empty()
                || self
                    .names
                    .iter()
                    .any(|n| meta.name.as_deref() == Some(n.as_str())))
            && selected(o, &self.selector, &self.field_selector)
    }

    /// Prints `objects` as one flush of kubectl's writer: a table's header only the
    /// first time there are rows, YAML documents separated by `---`.
    fn print(
        &mut self,
        objects: &[ObjectRef<'_>],
        change: Option<ChangeType>,
        now: SimTime,
    ) -> Result<String, String> {
        let mut text = String::new();
        match &self.printer.format {
            Format::Table { .. } | Format::CustomColumns { .. } if objects.is_empty() => {}
            Format::Table { .. } => {
                let event = change.filter(|_| self.events);
                let mut rows = self
                    .printer
                    .table_rows(&self.rt, objects, now, false, event);
                if self.printed_headers || self.printer.no_headers {
                    rows.remove(0);
                }
                self.printed_headers = true;
                text = self.tabwriter.flush(&printers::tab_separated(&rows));
            }
            Format::CustomColumns { .. } => {
                let columns = self.printer.custom_columns()?.unwrap_or_default();
                let values: Vec<serde_json::Value> =
                    objects.iter().map(ObjectRef::to_json).collect();
                let mut rows =
                    super::customcolumns::rows(&columns, &values).map_err(|e| e.to_string())?;
                if !self.printed_headers && !self.printer.no_headers {
                    rows.insert(0, super::customcolumns::headers(&columns));
                }
                self.printed_headers = true;
                text = self.tabwriter.flush(&printers::tab_separated(&rows));
            }
            Format::Name => {
                for o in objects {
                    let name = o.name_any();
                    text.push_str(&format!("{}/{name}\n", self.rt.name_prefix));
                }
            }
            Format::Json => {
                for o in objects {
                    text.push_str(&printers::json(&o.to_json()));
                }
            }
            Format::Yaml => {
                for o in objects {
                    if self.printed > 0 {
                        text.push_str("---\n");
                    }
                    self.printed += 1;
                    text.push_str(&crate::manifest::emit::to_yaml(&o.to_json()));
                }
            }
            Format::JsonPath(_) => {
                for o in objects {
                    text.push_str(&self.printer.execute_jsonpath(&o.to_json())?);
                }
            }
        }
        Ok(text)
    }
}

/// Sorts objects by a `--sort-by` path (see [`super::sorter`]).
fn sort_objects(
    objects: &mut Vec<ObjectRef<'_>>,
    sort_by: &str,
) -> Result<(), super::sorter::SortError> {
    let values: Vec<serde_json::Value> = objects.iter().map(ObjectRef::to_json).collect();
    let order = super::sorter::sort_order(&values, sort_by)?;
    let mut taken: Vec<Option<ObjectRef<'_>>> =
        std::mem::take(objects).into_iter().map(Some).collect();
    objects.extend(
        order
            .into_iter()
            .filter_map(|i| taken.get_mut(i).and_then(Option::take)),
    );
    Ok(())
}

fn headers(rt: &ResourceType, wide: bool) -> Vec<String> {
    let h: &[&str] = match (rt.kind, wide) {
        ("Pod", false) => &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ("Pod", true) => &[
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED NODE",
            "READINESS GATES",
        ],
        ("Node", false) => &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        ("Node", true) => &[
            "NAME",
            "STATUS",
            "ROLES",
            "AGE",
            "VERSION",
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ],
        ("Service", false) => &[
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        ("Service", true) => &[
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
            "SELECTOR",
        ],
        ("Namespace", _) => &["NAME", "STATUS", "AGE"],
        ("Endpoints", _) => &["NAME", "ENDPOINTS", "AGE"],
        ("Lease", _) => &["NAME", "HOLDER", "AGE"],
        ("PriorityClass", _) => &["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
        ("PodDisruptionBudget", _) => &[
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        ("ConfigMap", _) => &["NAME", "DATA", "AGE"],
        ("Secret", _) => &["NAME", "TYPE", "DATA", "AGE"],
        ("ServiceAccount", _) => &["NAME", "SECRETS", "AGE"],
        ("StorageClass", _) => storage_printers::STORAGECLASS,
        ("PersistentVolume", _) => storage_printers::PERSISTENTVOLUME,
        ("PersistentVolumeClaim", _) => storage_printers::PERSISTENTVOLUMECLAIM,
        ("EndpointSlice", _) => &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        ("Event", _) => &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        ("Deployment", _) => workload_printers::DEPLOYMENT,
        ("ReplicaSet", _) => workload_printers::REPLICASET,
        ("DaemonSet", _) => workload_printers::DAEMONSET,
        ("StatefulSet", _) => workload_printers::STATEFULSET,
        ("ControllerRevision", _) => workload_printers::CONTROLLERREVISION,
        ("Job", _) => workload_printers::JOB,
        ("CronJob", _) => workload_printers::CRONJOB,
        _ => &["NAME"],
    };
    let mut h: Vec<String> = h.iter().map(|s| s.to_string()).collect();
    if wide
        && matches!(
            rt.kind,
            "Deployment" | "ReplicaSet" | "DaemonSet" | "Job" | "CronJob"
        )
    {
        h.extend(workload_printers::WIDE.iter().map(|s| s.to_string()));
    } else if wide && rt.kind == "StatefulSet" {
        h.extend(workload_printers::WIDE[..2].iter().map(|s| s.to_string()));
    }
    h
}

fn none_if_empty(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("<none>").to_string()
}

fn columns(o: &ObjectRef<'_>, now: crate::clock::SimTime, wide: bool) -> Vec<String> {
    let meta = o.metadata();
    let name = meta.name.clone().unwrap_or_default();
    let created = age(meta.creation_timestamp.as_ref(), now);
    match o {
        ObjectRef::Pod(pod) => {
            let restarts = printers::pod_restarts(pod, now);
            let mut row = vec![
                name,
                printers::pod_ready(pod),
                printers::pod_status(pod),
                restarts,
                created,
            ];
            if wide {
                let status = pod.status.as_ref();
                row.push(none_if_empty(status.and_then(|s| s.pod_ip.as_deref())));
                row.push(none_if_empty(
                    pod.spec.as_ref().and_then(|s| s.node_name.as_deref()),
                ));
                row.push(none_if_empty(
                    status.and_then(|s| s.nominated_node_name.as_deref()),
                ));
                row.push("<none>".into());
            }
            row
        }
        ObjectRef::Node(node) => {
            let status = node.status.clone().unwrap_or_default();
            let ready = status
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == "Ready");
            let mut state = match ready.map(|c| c.status.as_str()) {
                Some("True") => "Ready".to_string(),
                // False and Unknown alike: kubectl prints "Not" + the condition type.
                Some(_) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if node
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false)
            {
                state.push_str(",SchedulingDisabled");
            }
            let roles = printers::node_roles(node);
            let info = status.node_info.clone().unwrap_or_default();
            let mut row = vec![
                name,
                state,
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                created,
                info.kubelet_version.clone(),
            ];
            if wide {
                let addr = |t: &str| {
                    status
                        .addresses
                        .iter()
                        .flatten()
                        .find(|a| a.type_ == t)
                        .map(|a| a.address.as_str())
                };
                row.push(none_if_empty(addr("InternalIP")));
                row.push(none_if_empty(addr("ExternalIP")));
                row.push(info.os_image);
                row.push(info.kernel_version);
                row.push(info.container_runtime_version);
            }
            row
        }
        ObjectRef::Service(svc) => {
            let spec = svc.spec.clone().unwrap_or_default();
            let ports: Vec<String> = spec
                .ports
                .iter()
                .flatten()
                .map(|p| {
                    let proto = Protocol::of(p.protocol.as_deref());
                    match p.node_port {
                        Some(np) => format!("{}:{np}/{proto}", p.port),
                        None => format!("{}/{proto}", p.port),
                    }
                })
                .collect();
            let mut row = vec![
                name,
                spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
                none_if_empty(spec.cluster_ip.as_deref()),
                none_if_empty(spec.external_ips.map(|v| v.join(",")).as_deref()),
                if ports.is_empty() {
                    "<none>".into()
                } else {
                    ports.join(",")
                },
                created,
            ];
            if wide {
                row.push(labels_text(spec.selector.as_ref()));
            }
            row
        }
        ObjectRef::Namespace(ns) => {
            let phase = ns
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default();
            vec![name, phase, created]
        }
        ObjectRef::Endpoints(e) => vec![name, printers::endpoints(e), created],
        ObjectRef::EndpointSlice(s) => vec![
            name,
            s.address_type.clone(),
            printers::discovery_ports(s),
            printers::discovery_endpoints(s),
            created,
        ],
        ObjectRef::Lease(l) => {
            let holder = l.spec.as_ref().and_then(|s| s.holder_identity.clone());
            vec![name, holder.unwrap_or_default(), created]
        }
        ObjectRef::PodDisruptionBudget(pdb) => {
            use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
            let spec = pdb.spec.as_ref();
            let text = |v: Option<&IntOrString>| match v {
                Some(IntOrString::Int(i)) => i.to_string(),
                Some(IntOrString::String(s)) => s.clone(),
                None => "N/A".to_string(),
            };
            vec![
                name,
                text(spec.and_then(|s| s.min_available.as_ref())),
                text(spec.and_then(|s| s.max_unavailable.as_ref())),
                pdb.status
                    .as_ref()
                    .map_or(0, |s| s.disruptions_allowed)
                    .to_string(),
                created,
            ]
        }
        ObjectRef::PriorityClass(pc) => vec![
            name,
            pc.value.to_string(),
            pc.global_default.unwrap_or(false).to_string(),
            created,
            pc.preemption_policy.clone().unwrap_or_default(),
        ],
        ObjectRef::ConfigMap(c) => {
            let n = c.data.as_ref().map_or(0, |d| d.len())
                + c.binary_data.as_ref().map_or(0, |d| d.len());
            vec![name, n.to_string(), created]
        }
        ObjectRef::Secret(s) => vec![
            name,
            s.type_.clone().unwrap_or_default(),
            s.data.as_ref().map_or(0, |d| d.len()).to_string(),
            created,
        ],
        ObjectRef::ServiceAccount(sa) => {
            let n = sa.secrets.as_ref().map_or(0, |s| s.len());
            vec![name, n.to_string(), created]
        }
        ObjectRef::StorageClass(sc) => storage_printers::storage_class(sc, name, created),
        ObjectRef::PersistentVolume(pv) => storage_printers::persistent_volume(pv, name, created),
        ObjectRef::PersistentVolumeClaim(c) => storage_printers::claim(c, name, created),
        ObjectRef::Deployment(d) => workload_printers::deployment(d, name, created, wide),
        ObjectRef::ReplicaSet(rs) => workload_printers::replica_set(rs, name, created, wide),
        ObjectRef::DaemonSet(ds) => workload_printers::daemon_set(ds, name, created, wide),
        ObjectRef::StatefulSet(s) => workload_printers::stateful_set(s, name, created, wide),
        ObjectRef::ControllerRevision(cr) => {
            workload_printers::controller_revision(cr, name, created)
        }
        ObjectRef::Job(j) => workload_printers::job(j, name, created, wide, now),
        ObjectRef::CronJob(c) => workload_printers::cron_job(c, name, created, wide, now),
        ObjectRef::Event(e) => {
            let last = e.last_timestamp.as_ref().or(e.first_timestamp.as_ref());
            let obj = &e.involved_object;
            vec![
                age(last, now),
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                format!(
                    "{}/{}",
                    obj.kind.as_deref().unwrap_or_default().to_ascii_lowercase(),
                    obj.name.as_deref().unwrap_or_default()
                ),
                e.message.clone().unwrap_or_default(),
            ]
        }
    }
}

fn labels_text(labels: Option<&BTreeMap<String, String>>) -> String {
    match labels {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

/// What `-o json|yaml|jsonpath` print: the one object asked for by name (null when none
/// was found), else a `List` of everything found.
struct Printed<'a, 'b> {
    found: &'b [(ResourceType, Vec<ObjectRef<'a>>)],
    single: bool,
}

impl serde::Serialize for Printed<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut objects = self.found.iter().flat_map(|(_, os)| os.iter());
        if self.single {
            return match objects.next() {
                Some(o) => o.serialize(s),
                None => s.serialize_unit(),
            };
        }
        struct Items<'c, 'a>(&'c [(ResourceType, Vec<ObjectRef<'a>>)]);
        impl serde::Serialize for Items<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().flat_map(|(_, os)| os.iter()))
            }
        }
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("apiVersion", "v1")?;
        m.serialize_entry("items", &Items(self.found))?;
        m.serialize_entry("kind", "List")?;
        m.serialize_entry("metadata", &BTreeMap::from([("resourceVersion", "")]))?;
        m.end()
    }
}
