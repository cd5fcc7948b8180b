//! The resource types kubectl knows here, with their names, short names and scope
//! (what `kubectl api-resources` lists).

use super::command::{Command, Group, Operands};
use super::flags::{flag, Kind, Parsed};
use super::{FileSource, Output};
use crate::Cluster;

/// A resource type kubectl knows: a row of the served kinds' table.
pub use crate::model::kinds::KindInfo as ResourceType;
pub use crate::model::kinds::{ALL, NODES};

/// Resolves what a user typed (`po`, `pod`, `pods`, `Pod`, `pods.v1`) to a type.
pub fn lookup(name: &str) -> Option<ResourceType> {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".v1").unwrap_or(&lower);
    ALL.iter()
        .find(|t| {
            // `leases.coordination.k8s.io`, `lease.v1.coordination.k8s.io`
            let base = match (t.group, base.split_once('.')) {
                ("", _) | (_, None) => base,
                (group, Some((head, rest))) => {
                    let rest = rest.strip_prefix("v1.").unwrap_or(rest);
                    if rest == group {
                        head
                    } else {
                        base
                    }
                }
            };
            t.plural == base
                || t.singular == base
                || t.short.contains(&base)
                || t.kind.eq_ignore_ascii_case(base)
        })
        .copied()
}

/// kubectl's error for a type it cannot map.
pub fn unknown_type(name: &str) -> String {
    format!("the server doesn't have a resource type {name:?}")
}

pub(super) const COMMAND: Command = Command {
    name: "api-resources",
    aliases: &[],
    group: Group::Other,
    summary: "Print the supported API resources on the server",
    usage: "kubectl api-resources",
    flags: &[
        flag("namespaced", None, Kind::Bool).default("true").help("If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default."),
        flag("api-group", None, Kind::String).help("Limit to resources in the specified API group."),
        flag("output", Some('o'), Kind::String).help("Output format. One of: (wide, name)."),
        flag("no-headers", None, Kind::Bool).help("When using the default or custom-column output format, don't print headers (default print headers)."),
        flag("sort-by", None, Kind::String).help("If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'."),
        flag("verbs", None, Kind::StringArray).help("Limit to resources that support the specified verbs."),
        flag("categories", None, Kind::StringArray).help("Limit to resources that belong to the specified categories."),
        flag("cached", None, Kind::Bool).help("Use the cached list of resources if available."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run,
};

/// `kubectl api-resources [--namespaced=BOOL] [--api-group=G] [--verbs=V,...]
/// [--categories=C,...] [-o wide|name|json|yaml] [--no-headers] [--sort-by=name|kind]`:
/// the resource types this API server serves.
fn run(_: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    if !p.positionals.is_empty() {
        return out.fail(format!(
            "unexpected arguments: [{}]\nSee 'kubectl api-resources -h' for help and examples",
            p.positionals.join(" ")
        ));
    }
    let output = p.string("output").unwrap_or_default();
    if !matches!(output, "" | "wide" | "name" | "json" | "yaml") {
        return out.fail(format!(
            "unable to match a printer suitable for the output format {output:?}, allowed formats are: json,name,wide,yaml"
        ));
    }
    let sort_by = p.string("sort-by").unwrap_or_default();
    if !matches!(sort_by, "" | "name" | "kind") {
        return out.fail("--sort-by accepts only name or kind");
    }
    // String slices: each value may list several, comma-separated.
    let list = |name: &str| -> Vec<String> {
        p.strings(name)
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (verbs, categories) = (list("verbs"), list("categories"));
    let mut types: Vec<&ResourceType> = ALL
        .iter()
        .filter(|t| !p.has("namespaced") || p.bool("namespaced") == t.namespaced)
        .filter(|t| {
            p.string("api-group")
                .is_none_or(|g| g.is_empty() || g == t.group)
        })
        .filter(|t| verbs.iter().all(|v| t.verbs.contains(&v.as_str())))
        .filter(|t| {
            categories
                .iter()
                .all(|c| t.categories.contains(&c.as_str()))
        })
        .collect();
    // Sorted by the field asked for, else by group (the core group first), then name.
    match sort_by {
        "kind" => crate::sort::sort_by_key(&mut types, |t| (t.kind, t.plural)),
        "name" => crate::sort::sort_by_key(&mut types, |t| t.plural),
        _ => crate::sort::sort_by_key(&mut types, |t| (t.group, t.plural)),
    }
    match output {
        "name" => {
            // Qualified with the group outside the core group.
            for t in types {
                match t.group {
                    "" => out.out(format!("{}\n", t.plural)),
                    group => out.out(format!("{}.{group}\n", t.plural)),
                }
            }
            return;
        }
        "json" | "yaml" => return out.out(resource_list(&types, output == "json")),
        _ => {}
    }
    let mut rows = Vec::new();
    if !p.bool("no-headers") {
        let mut h: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .map(String::from)
            .to_vec();
        if output == "wide" {
            h.extend(["VERBS".to_string(), "CATEGORIES".to_string()]);
        }
        rows.push(h);
    }
    for t in types {
        let mut row = vec![
            t.plural.to_string(),
            t.short.join(","),
            t.api_version(),
            t.namespaced.to_string(),
            t.kind.to_string(),
        ];
        if output == "wide" {
            row.push(t.verbs.join(","));
            row.push(t.categories.join(","));
        }
        rows.push(row);
    }
    out.out(super::printers::table(&rows));
}

/// The flattened `APIResourceList` kubectl prints for `-o json` (Go's struct order,
/// four-space indent) or `-o yaml` (keys sorted, as sigs.k8s.io/yaml writes).
fn resource_list(types: &[&ResourceType], json: bool) -> String {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ApiResource {
        name: &'static str,
        singular_name: &'static str,
        namespaced: bool,
        #[serde(skip_serializing_if = "str::is_empty")]
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        verbs: &'static [&'static str],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        short_names: &'static [&'static str],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        categories: &'static [&'static str],
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ApiResourceList {
        kind: &'static str,
        api_version: &'static str,
        group_version: &'static str,
        resources: Vec<ApiResource>,
    }
    let list = ApiResourceList {
        kind: "APIResourceList",
        api_version: "v1",
        group_version: "",
        resources: types
            .iter()
            .map(|t| ApiResource {
                name: t.plural,
                singular_name: t.singular,
                namespaced: t.namespaced,
                group: t.group,
                version: "v1",
                kind: t.kind,
                verbs: t.verbs,
                short_names: t.short,
                categories: t.categories,
            })
            .collect(),
    };
    if json {
        use serde::Serialize;
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        // Plain strings and booleans: serializing cannot fail.
        let _ = list.serialize(&mut ser);
        let mut text = String::from_utf8(buf).unwrap_or_default();
        text.push('\n');
        text
    } else {
        crate::manifest::emit::to_yaml(&serde_json::to_value(&list).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::{NAMESPACES, PODS, SERVICES};

    #[test]
    fn names() {
        for n in ["po", "pod", "pods", "Pod", "PODS"] {
            assert_eq!(lookup(n), Some(PODS), "{n}");
        }
        assert_eq!(lookup("svc"), Some(SERVICES));
        assert_eq!(lookup("ns"), Some(NAMESPACES));
        assert_eq!(lookup("no"), Some(NODES));
        assert_eq!(lookup("deploy").map(|t| t.kind), Some("Deployment"));
        assert_eq!(lookup("rs").map(|t| t.kind), Some("ReplicaSet"));
        assert_eq!(
            lookup("deployments.apps").map(|t| t.kind),
            Some("Deployment")
        );
        assert_eq!(
            lookup("deployment.v1.apps").map(|t| t.kind),
            Some("Deployment")
        );
        assert_eq!(lookup("cj").map(|t| t.kind), Some("CronJob"));
        assert_eq!(lookup("jobs.batch").map(|t| t.kind), Some("Job"));
        assert_eq!(lookup("sts").map(|t| t.kind), Some("StatefulSet"));
        assert_eq!(lookup("hpa"), None);
    }
}
