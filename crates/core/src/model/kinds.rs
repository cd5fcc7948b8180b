//! The one table of served kinds.
//!
//! [`with_kinds!`] holds a row per kind: its variant in [`super::Object`] (named as the
//! kind), its Rust type, the API server's store field, the name of its [`KindInfo`]
//! constant, and the rest of its [`KindInfo`] (group, version, names, scope, verbs,
//! categories) as struct-literal fields. `with_kinds!(consumer)` expands
//! `consumer! { {row} {row} ... }`; each place that must name every kind (the `Object`
//! enums here, the API server's stores, the manifest decoder, ...) is one such consumer,
//! matching `$({ $variant:ident, $ty:ty, $store:ident, $info:ident, $($fields:tt)* })*`
//! and keeping what it needs. Adding a kind is a row here, plus the kind's own files:
//! its defaults and validation (apiserver), its controller, its printers (kubectl).
//!
//! Code generated per kind is kept to matches whose arms call one generic function, so
//! the wasm bundle carries each piece of logic once.

/// The verbs of most types, as discovery lists them.
pub const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// A namespace's verbs (no deletecollection).
pub const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];

/// Calls `$consumer!` with every served kind's row (see the module's documentation).
/// The order is the API server's store order, the order of its saved form and of
/// `kubectl api-resources`' rows before sorting.
macro_rules! with_kinds {
    ($consumer:ident) => {
        $consumer! {
            { Pod, $crate::model::Pod, pods, PODS,
              group: "", api_version: "v1", plural: "pods", singular: "pod", short: &["po"],
              namespaced: true, verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { Node, $crate::model::Node, nodes, NODES,
              group: "", api_version: "v1", plural: "nodes", singular: "node", short: &["no"],
              namespaced: false, verbs: $crate::model::kinds::VERBS, categories: &[] }
            { Service, $crate::model::Service, services, SERVICES,
              group: "", api_version: "v1", plural: "services", singular: "service",
              short: &["svc"], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &["all"] }
            { Namespace, $crate::model::Namespace, namespaces, NAMESPACES,
              group: "", api_version: "v1", plural: "namespaces", singular: "namespace",
              short: &["ns"], namespaced: false,
              verbs: $crate::model::kinds::NAMESPACE_VERBS, categories: &[] }
            { Event, $crate::model::Event, events, EVENTS,
              group: "", api_version: "v1", plural: "events", singular: "event",
              short: &["ev"], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &[] }
            { Endpoints, $crate::model::Endpoints, endpoints, ENDPOINTS,
              group: "", api_version: "v1", plural: "endpoints", singular: "endpoints",
              short: &["ep"], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &[] }
            { PriorityClass, $crate::model::PriorityClass, priority_classes, PRIORITYCLASSES,
              group: "scheduling.k8s.io", api_version: "scheduling.k8s.io/v1",
              plural: "priorityclasses", singular: "priorityclass", short: &["pc"],
              namespaced: false, verbs: $crate::model::kinds::VERBS, categories: &[] }
            { Lease, $crate::model::Lease, leases, LEASES,
              group: "coordination.k8s.io", api_version: "coordination.k8s.io/v1",
              plural: "leases", singular: "lease", short: &[], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &[] }
            { EndpointSlice, $crate::model::EndpointSlice, endpoint_slices, ENDPOINTSLICES,
              group: "discovery.k8s.io", api_version: "discovery.k8s.io/v1",
              plural: "endpointslices", singular: "endpointslice", short: &[],
              namespaced: true, verbs: $crate::model::kinds::VERBS, categories: &[] }
            { ReplicaSet, $crate::model::ReplicaSet, replica_sets, REPLICASETS,
              group: "apps", api_version: "apps/v1", plural: "replicasets",
              singular: "replicaset", short: &["rs"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { Deployment, $crate::model::Deployment, deployments, DEPLOYMENTS,
              group: "apps", api_version: "apps/v1", plural: "deployments",
              singular: "deployment", short: &["deploy"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { ConfigMap, $crate::model::ConfigMap, config_maps, CONFIGMAPS,
              group: "", api_version: "v1", plural: "configmaps", singular: "configmap",
              short: &["cm"], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &[] }
            { Secret, $crate::model::Secret, secrets, SECRETS,
              group: "", api_version: "v1", plural: "secrets", singular: "secret",
              short: &[], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &[] }
            { ServiceAccount, $crate::model::ServiceAccount, service_accounts, SERVICEACCOUNTS,
              group: "", api_version: "v1", plural: "serviceaccounts",
              singular: "serviceaccount", short: &["sa"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &[] }
            { PersistentVolume, $crate::model::PersistentVolume, persistent_volumes,
              PERSISTENTVOLUMES, group: "", api_version: "v1", plural: "persistentvolumes",
              singular: "persistentvolume", short: &["pv"], namespaced: false,
              verbs: $crate::model::kinds::VERBS, categories: &[] }
            { PersistentVolumeClaim, $crate::model::PersistentVolumeClaim,
              persistent_volume_claims, PERSISTENTVOLUMECLAIMS, group: "", api_version: "v1",
              plural: "persistentvolumeclaims", singular: "persistentvolumeclaim",
              short: &["pvc"], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &[] }
            { StorageClass, $crate::model::StorageClass, storage_classes, STORAGECLASSES,
              group: "storage.k8s.io", api_version: "storage.k8s.io/v1",
              plural: "storageclasses", singular: "storageclass", short: &["sc"],
              namespaced: false, verbs: $crate::model::kinds::VERBS, categories: &[] }
            { DaemonSet, $crate::model::DaemonSet, daemon_sets, DAEMONSETS,
              group: "apps", api_version: "apps/v1", plural: "daemonsets",
              singular: "daemonset", short: &["ds"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { StatefulSet, $crate::model::StatefulSet, stateful_sets, STATEFULSETS,
              group: "apps", api_version: "apps/v1", plural: "statefulsets",
              singular: "statefulset", short: &["sts"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { ControllerRevision, $crate::model::ControllerRevision, controller_revisions,
              CONTROLLERREVISIONS, group: "apps", api_version: "apps/v1",
              plural: "controllerrevisions", singular: "controllerrevision", short: &[],
              namespaced: true, verbs: $crate::model::kinds::VERBS, categories: &[] }
            { Job, $crate::model::Job, jobs, JOBS,
              group: "batch", api_version: "batch/v1", plural: "jobs", singular: "job",
              short: &[], namespaced: true, verbs: $crate::model::kinds::VERBS,
              categories: &["all"] }
            { CronJob, $crate::model::CronJob, cron_jobs, CRONJOBS,
              group: "batch", api_version: "batch/v1", plural: "cronjobs",
              singular: "cronjob", short: &["cj"], namespaced: true,
              verbs: $crate::model::kinds::VERBS, categories: &["all"] }
            { PodDisruptionBudget, $crate::model::PodDisruptionBudget, pod_disruption_budgets,
              PODDISRUPTIONBUDGETS, group: "policy", api_version: "policy/v1",
              plural: "poddisruptionbudgets", singular: "poddisruptionbudget", short: &["pdb"],
              namespaced: true, verbs: $crate::model::kinds::VERBS, categories: &[] }
        }
    };
}
pub(crate) use with_kinds;

/// A served kind: its names, group and version, scope and what discovery lists for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// `Pod`.
    pub kind: &'static str,
    /// The API group (empty for the core group).
    pub group: &'static str,
    /// `v1`, `coordination.k8s.io/v1`.
    pub api_version: &'static str,
    /// Plural, lower case: `pods` (the resource).
    pub plural: &'static str,
    pub singular: &'static str,
    /// What `-o name` and `pod/x created` print before the name: the singular,
    /// qualified with the group outside the core group (`pod`,
    /// `lease.coordination.k8s.io`).
    pub name_prefix: &'static str,
    /// The resource as the API server names it in messages: qualified with its group
    /// outside the core group (`pods`, `leases.coordination.k8s.io`).
    pub qualified: &'static str,
    pub short: &'static [&'static str],
    pub namespaced: bool,
    /// What the API server does with the type, as discovery lists it.
    pub verbs: &'static [&'static str],
    /// Categories (`all`: what `kubectl get all` shows).
    pub categories: &'static [&'static str],
}

impl KindInfo {
    /// The group and version discovery lists the type under (`v1`,
    /// `coordination.k8s.io/v1`).
    pub fn api_version(&self) -> String {
        self.api_version.to_string()
    }

    /// The version alone (`v1`).
    pub fn version(&self) -> &'static str {
        self.api_version
            .rsplit_once('/')
            .map_or(self.api_version, |(_, v)| v)
    }
}

macro_rules! kind_infos {
    ($({ $variant:ident, $ty:ty, $store:ident, $info:ident,
         group: $group:literal, api_version: $api_version:literal, plural: $plural:literal,
         singular: $singular:literal, $($fields:tt)* })*) => {
        $(
            pub const $info: KindInfo = KindInfo {
                kind: stringify!($variant),
                group: $group,
                api_version: $api_version,
                plural: $plural,
                singular: $singular,
                name_prefix: if $group.is_empty() {
                    $singular
                } else {
                    concat!($singular, ".", $group)
                },
                qualified: if $group.is_empty() {
                    $plural
                } else {
                    concat!($plural, ".", $group)
                },
                $($fields)*
            };
        )*
        /// Every served kind, in the table's order.
        pub const ALL: &[KindInfo] = &[$($info),*];
    };
}
with_kinds!(kind_infos);

/// The served kind named `kind` (`Pod`), exactly as the API names it.
pub fn by_kind(kind: &str) -> Option<&'static KindInfo> {
    ALL.iter().find(|k| k.kind == kind)
}

/// The served kind whose resource is `plural` (`pods`).
pub fn by_resource(plural: &str) -> Option<&'static KindInfo> {
    ALL.iter().find(|k| k.plural == plural)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_consistent() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(a.api_version.ends_with("v1"), "{}", a.kind);
            assert_eq!(a.group.is_empty(), a.api_version == "v1", "{}", a.kind);
            for b in &ALL[i + 1..] {
                assert_ne!(a.kind, b.kind);
                assert_ne!(a.plural, b.plural);
                assert!(a.short.iter().all(|s| !b.short.contains(s)));
            }
        }
        assert_eq!(by_kind("Lease").map(|k| k.plural), Some("leases"));
        assert_eq!(by_resource("endpointslices"), Some(&ENDPOINTSLICES));
        assert_eq!(LEASES.name_prefix, "lease.coordination.k8s.io");
        assert_eq!(LEASES.version(), "v1");
        assert_eq!(LEASES.qualified, "leases.coordination.k8s.io");
        assert_eq!(PODS.qualified, "pods");
    }
}
