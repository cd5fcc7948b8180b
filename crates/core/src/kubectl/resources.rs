//! The resource types kubectl knows here, with their names, short names and scope
//! (what `kubectl api-resources` lists).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// Plural, lower case: `pods`.
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static [&'static str],
    pub kind: &'static str,
    pub namespaced: bool,
}

pub const PODS: ResourceType = ResourceType {
    plural: "pods",
    singular: "pod",
    short: &["po"],
    kind: "Pod",
    namespaced: true,
};
pub const NODES: ResourceType = ResourceType {
    plural: "nodes",
    singular: "node",
    short: &["no"],
    kind: "Node",
    namespaced: false,
};
pub const SERVICES: ResourceType = ResourceType {
    plural: "services",
    singular: "service",
    short: &["svc"],
    kind: "Service",
    namespaced: true,
};
pub const NAMESPACES: ResourceType = ResourceType {
    plural: "namespaces",
    singular: "namespace",
    short: &["ns"],
    kind: "Namespace",
    namespaced: false,
};
pub const EVENTS: ResourceType = ResourceType {
    plural: "events",
    singular: "event",
    short: &["ev"],
    kind: "Event",
    namespaced: true,
};

pub const ENDPOINTS: ResourceType = ResourceType {
    plural: "endpoints",
    singular: "endpoints",
    short: &["ep"],
    kind: "Endpoints",
    namespaced: true,
};

pub const ALL: &[ResourceType] = &[PODS, NODES, SERVICES, NAMESPACES, EVENTS, ENDPOINTS];

/// Resolves what a user typed (`po`, `pod`, `pods`, `Pod`, `pods.v1`) to a type.
pub fn lookup(name: &str) -> Option<ResourceType> {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".v1").unwrap_or(&lower);
    ALL.iter()
        .find(|t| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in ["po", "pod", "pods", "Pod", "PODS"] {
            assert_eq!(lookup(n), Some(PODS), "{n}");
        }
        assert_eq!(lookup("svc"), Some(SERVICES));
        assert_eq!(lookup("ns"), Some(NAMESPACES));
        assert_eq!(lookup("no"), Some(NODES));
        assert_eq!(lookup("deploy"), None);
    }
}

/// `kubectl api-resources [--namespaced=BOOL] [--api-group=G] [-o wide|name] [--no-headers]
/// [--sort-by=name|kind]`: the resource types this API server serves.
pub(super) fn api_resources(args: &[String], out: &mut super::Output) {
    use super::flags::{flag, Flag, Kind};
    const SPEC: &[Flag] = &[
        flag("namespaced", None, Kind::Bool),
        flag("api-group", None, Kind::String),
        flag("output", Some('o'), Kind::String),
        flag("no-headers", None, Kind::Bool),
        flag("sort-by", None, Kind::String),
        flag("verbs", None, Kind::StringArray),
        flag("cached", None, Kind::Bool),
    ];
    let Some(p) = super::commands::parse("api-resources", args, SPEC, out) else {
        return;
    };
    if !p.positionals.is_empty() {
        return out.fail(format!(
            "unexpected arguments: [{}]\nSee 'kubectl api-resources -h' for help and examples",
            p.positionals.join(" ")
        ));
    }
    let output = p.string("output").unwrap_or_default();
    if !matches!(output, "" | "wide" | "name") {
        return out.fail(format!(
            "-o {output} for api-resources is not supported here yet (wide and name are)"
        ));
    }
    let sort_by = p.string("sort-by").unwrap_or("name");
    if !matches!(sort_by, "name" | "kind") {
        return out.fail("--sort-by accepts only name or kind");
    }
    // What this API server does with every type it serves.
    const VERBS: &[&str] = &["create", "delete", "get", "list", "update", "watch"];
    let wanted_verbs = p.strings("verbs");
    let mut types: Vec<&ResourceType> = ALL
        .iter()
        .filter(|t| !p.has("namespaced") || p.bool("namespaced") == t.namespaced)
        .filter(|_| p.string("api-group").is_none_or(str::is_empty))
        .filter(|_| wanted_verbs.iter().all(|v| VERBS.contains(&v.as_str())))
        .collect();
    match sort_by {
        "kind" => types.sort_by_key(|t| t.kind),
        _ => types.sort_by_key(|t| t.plural),
    }
    if output == "name" {
        for t in types {
            out.out(format!("{}\n", t.plural));
        }
        return;
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
            "v1".to_string(),
            t.namespaced.to_string(),
            t.kind.to_string(),
        ];
        if output == "wide" {
            row.push(format!("[{}]", VERBS.join(" ")));
            row.push(
                if matches!(t.kind, "Pod" | "Service") {
                    "all"
                } else {
                    ""
                }
                .to_string(),
            );
        }
        rows.push(row);
    }
    out.out(super::printers::table(&rows));
}
