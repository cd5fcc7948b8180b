//! `kubectl get`: lists objects and prints them as a table or with `-o`, and with
//! `--watch` goes on printing every change of them as simulated time runs.

use super::commands::{list_refs, parse, NAMESPACE};
use super::flags::{flag, Flag, Kind};
use super::printers::{self, age, table};
use super::resources::{self, ResourceType};
use super::{FileSource, Output};
use crate::model::labels::Selector;
use crate::model::ObjectRef;
use crate::Cluster;
use std::collections::BTreeMap;

pub(super) fn get(
    cluster: &mut Cluster,
    args: &[String],
    files: &dyn FileSource,
    out: &mut Output,
) {
    // get only reads: objects are listed borrowed, never copied.
    let cluster: &Cluster = cluster;
    const SPEC: &[Flag] = &[
        NAMESPACE,
        flag("all-namespaces", Some('A'), Kind::Bool),
        flag("output", Some('o'), Kind::String),
        flag("selector", Some('l'), Kind::String),
        flag("show-labels", None, Kind::Bool),
        flag("allow-missing-template-keys", None, Kind::Bool),
        flag("sort-by", None, Kind::String),
        flag("no-headers", None, Kind::Bool),
        flag("field-selector", None, Kind::String),
    ];
    let Some(p) = parse("get", args, SPEC, out) else {
        return;
    };
    let sort_by = p.string("sort-by").unwrap_or_default().to_string();
    let no_headers = p.bool("no-headers");
    let all_ns = p.bool("all-namespaces");
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let output = p.string("output").unwrap_or_default().to_string();
    let jsonpath_text = if let Some(text) = output.strip_prefix("jsonpath=") {
        Some(text.to_string())
    } else if let Some(path) = output.strip_prefix("jsonpath-file=") {
        match files.read(path) {
            Ok(text) => Some(text),
            Err(e) => return out.fail(format!("error reading --template {path}, {e}")),
        }
    } else if output == "jsonpath" || output == "jsonpath-file" {
        return out.fail("template format specified but no template given");
    } else {
        None
    };
    let jsonpath = match jsonpath_text {
        Some(text) => match crate::jsonpath::Template::parse(&text) {
            Ok(t) => Some((text, t)),
            Err(e) => return out.fail(format!("error parsing jsonpath {text}, {e}")),
        },
        None => None,
    };
    let custom_columns = if let Some(spec) = output.strip_prefix("custom-columns=") {
        match super::customcolumns::parse_spec(spec) {
            Ok(c) => Some(c),
            Err(e) => return out.fail(e),
        }
    } else if let Some(path) = output.strip_prefix("custom-columns-file=") {
        let text = match files.read(path) {
            Ok(text) => text,
            Err(e) => return out.fail(format!("error reading template {path}, {e}")),
        };
        match super::customcolumns::parse_template(&text) {
            Ok(c) => Some(c),
            Err(e) => return out.fail(e),
        }
    } else if output == "custom-columns" || output == "custom-columns-file" {
        return out.fail("custom-columns format specified but no custom columns given");
    } else {
        None
    };
    if jsonpath.is_none()
        && custom_columns.is_none()
        && !matches!(output.as_str(), "" | "wide" | "name" | "json" | "yaml")
    {
        out.fail(format!(
            "unable to match a printer suitable for the output format {output:?}, allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml"
        ));
        return;
    }
    let selector = match p.string("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return out.fail(e),
    };
    let field_selector = match crate::model::fields::FieldSelector::parse(
        p.string("field-selector").unwrap_or_default(),
    ) {
        Ok(s) => s,
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
        for arg in &p.positionals {
            let Some((t, name)) = arg.split_once('/') else {
                return out.fail("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            };
            let Some(rt) = resources::lookup(t) else {
                return out.fail(resources::unknown_type(t));
            };
            match requests.iter_mut().find(|(r, _)| *r == rt) {
                Some((_, names)) => names.push(name.to_string()),
                None => requests.push((rt, vec![name.to_string()])),
            }
        }
    } else {
        for t in first.split(',') {
            // The "all" category: the types discovery lists in it.
            let types: Vec<ResourceType> = if t == "all" {
                resources::ALL
                    .iter()
                    .filter(|rt| rt.categories.contains(&"all"))
                    .copied()
                    .collect()
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

    // The API server's deprecation warning, as kubectl relays it.
    if requests.iter().any(|(rt, _)| rt.kind == "Endpoints") {
        out.err("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    let now = cluster.now();
    let mut found: Vec<(ResourceType, Vec<ObjectRef<'_>>)> = Vec::new();
    let mut errors = Vec::new();
    let by_name = requests.iter().any(|(_, names)| !names.is_empty());
    for (rt, names) in &requests {
        let listed = list_refs(
            cluster,
            rt,
            if all_ns {
                None
            } else {
                Some(namespace.as_str())
            },
        );
        let mut objects = Vec::new();
        if names.is_empty() {
            if let Some(field) = field_selector.unsupported(rt.kind) {
                errors.push(format!(
                    "Error from server (BadRequest): Unable to find \"/v1, Resource={}\" that match label selector {:?}, field selector {:?}: field label not supported: {field}\n",
                    rt.plural,
                    p.string("selector").unwrap_or_default(),
                    field_selector.text
                ));
                found.push((*rt, objects));
                continue;
            }
            objects.extend(listed.into_iter().filter(|o| {
                selector.matches(o.metadata().labels.as_ref())
                    && (field_selector.is_empty() || field_selector.matches(&o.to_json()))
            }));
        } else {
            for name in names {
                match listed
                    .iter()
                    .find(|o| o.metadata().name.as_deref() == Some(name.as_str()))
                {
                    Some(o) => objects.push(*o),
                    None => errors.push(format!(
                        "Error from server (NotFound): {} {name:?} not found\n",
                        rt.plural
                    )),
                }
            }
        }
        found.push((*rt, objects));
    }

    let total: usize = found.iter().map(|(_, o)| o.len()).sum();
    let table_output = matches!(output.as_str(), "" | "wide");
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
    if let Some(columns) = &custom_columns {
        let objects: Vec<serde_json::Value> = found
            .iter()
            .flat_map(|(_, os)| os.iter().map(ObjectRef::to_json))
            .collect();
        match super::customcolumns::print(columns, &objects, no_headers) {
            Ok(text) => out.out(text),
            Err(e) => return out.fail(e),
        }
        for e in errors {
            out.err(e);
            out.exit_code = 1;
        }
        return;
    }
    if let Some((text, template)) = &jsonpath {
        let allow = !p.has("allow-missing-template-keys") || p.bool("allow-missing-template-keys");
        let opts = crate::jsonpath::Options {
            allow_missing_keys: allow,
        };
        let data = data();
        let doc = crate::jsonpath::Doc::new(&data);
        match crate::jsonpath::execute_doc(template, &doc, &opts) {
            Ok(s) => out.out(s),
            Err(e) => out.fail(format!(
                "error executing jsonpath {text:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{text}"
            )),
        }
        for e in errors {
            out.err(e);
            out.exit_code = 1;
        }
        return;
    }
    match output.as_str() {
        "json" | "yaml" if total > 0 || errors.is_empty() => {
            let data = data();
            if output == "json" {
                out.out(printers::json(&data));
            } else {
                out.out(crate::manifest::emit::to_yaml(&data));
            }
        }
        "json" | "yaml" => {}
        "name" => {
            for (rt, objects) in &found {
                for o in objects {
                    out.out(format!(
                        "{}/{}\n",
                        rt.singular,
                        o.metadata().name.as_deref().unwrap_or_default()
                    ));
                }
            }
        }
        _ => {
            let wide = output == "wide";
            let show_labels = p.bool("show-labels");
            let several_types = multiple_types;
            let mut first_table = true;
            for (rt, objects) in &found {
                if objects.is_empty() {
                    continue;
                }
                if !first_table {
                    out.out("\n");
                }
                first_table = false;
                let mut rows = vec![headers(rt, wide)];
                let header_row = !no_headers;
                for o in objects {
                    let mut row = columns(o, now, wide);
                    if several_types {
                        row[0] = format!("{}/{}", rt.singular, row[0]);
                    }
                    rows.push(row);
                }
                if all_ns && rt.namespaced {
                    rows[0].insert(0, "NAMESPACE".into());
                    for (row, o) in rows[1..].iter_mut().zip(objects) {
                        row.insert(0, o.metadata().namespace.clone().unwrap_or_default());
                    }
                }
                if show_labels {
                    rows[0].push("LABELS".into());
                    for (row, o) in rows[1..].iter_mut().zip(objects) {
                        row.push(labels_text(o.metadata().labels.as_ref()));
                    }
                }
                if !header_row {
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
        ("Event", _) => &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        _ => &["NAME"],
    };
    h.iter().map(|s| s.to_string()).collect()
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
                    let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
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
