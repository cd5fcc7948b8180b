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
