//! What kube-scheduler reads through its informers besides nodes and pods.

use crate::model::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use std::collections::BTreeMap;

/// What the scheduler reads of the cluster besides nodes and pods (its listers): the
/// namespaces' labels (InterPodAffinity's `namespaceSelector`), and the selectors of
/// Services and of the workload controllers that own pods (the default topology spread
/// constraints' selector, `helper.DefaultSelector`).
#[derive(Debug, Clone, Default)]
pub struct Listers<'a> {
    /// Each namespace's name and labels.
    pub namespaces: Vec<(&'a str, Option<&'a BTreeMap<String, String>>)>,
    /// Each Service's namespace and `spec.selector`.
    pub services: Vec<(&'a str, &'a BTreeMap<String, String>)>,
    /// The controllers whose pods spread by default: kind (`ReplicaSet`,
    /// `StatefulSet`, `ReplicationController`), namespace, name and selector.
    pub controllers: Vec<ControllerSelector<'a>>,
    /// PersistentVolumeClaims, PersistentVolumes and StorageClasses (the volume
    /// plugins').
    pub claims: Vec<&'a PersistentVolumeClaim>,
    pub volumes: Vec<&'a PersistentVolume>,
    pub classes: Vec<&'a StorageClass>,
    /// The PodDisruptionBudgets, as preemption reads them.
    pub budgets: Vec<crate::scheduler::preemption::Budget<'a>>,
}

/// A workload controller's pod selector, as `helper.DefaultSelector` reads it.
#[derive(Debug, Clone)]
pub struct ControllerSelector<'a> {
    pub kind: &'static str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub selector: crate::model::labels::Selector,
}

impl<'a> Listers<'a> {
    /// What the API server holds of these: namespaces, Services with a selector, and
    /// ReplicaSets (the workload controllers Podlab serves).
    pub fn of(api: &'a crate::apiserver::ApiServer) -> Listers<'a> {
        fn ns_of(m: &crate::model::ObjectMeta) -> &str {
            m.namespace.as_deref().unwrap_or_default()
        }
        let name = |m: &'a crate::model::ObjectMeta| m.name.as_deref().unwrap_or_default();
        Listers {
            namespaces: api
                .namespaces
                .list()
                .map(|n| (name(&n.metadata), n.metadata.labels.as_ref()))
                .collect(),
            services: api
                .services
                .list()
                .filter_map(|s| {
                    let sel = s.spec.as_ref()?.selector.as_ref()?;
                    (!sel.is_empty()).then(|| (ns_of(&s.metadata), sel))
                })
                .collect(),
            controllers: api
                .replica_sets
                .list()
                .filter_map(|rs| {
                    Some(ControllerSelector {
                        kind: "ReplicaSet",
                        namespace: ns_of(&rs.metadata),
                        name: name(&rs.metadata),
                        selector: crate::model::labels::Selector::from_label_selector(
                            &rs.spec.as_ref()?.selector,
                        )
                        .ok()?,
                    })
                })
                .collect(),
            claims: api.persistent_volume_claims.list().collect(),
            volumes: api.persistent_volumes.list().collect(),
            classes: api.storage_classes.list().collect(),
            budgets: api
                .pod_disruption_budgets
                .list()
                .map(|b| crate::scheduler::preemption::Budget {
                    namespace: ns_of(&b.metadata),
                    // A missing, empty or invalid selector matches nothing here.
                    selector: b
                        .spec
                        .as_ref()
                        .and_then(|s| s.selector.as_ref())
                        .and_then(|s| crate::model::labels::Selector::from_label_selector(s).ok())
                        .filter(|s| !s.is_empty()),
                    disruptions_allowed: b.status.as_ref().map_or(0, |s| s.disruptions_allowed),
                    disrupted_pods: b
                        .status
                        .as_ref()
                        .and_then(|s| s.disrupted_pods.as_ref())
                        .map(|d| d.keys().map(String::as_str).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The claim `name` in `namespace`.
    pub fn claim(&self, namespace: &str, name: &str) -> Option<&'a PersistentVolumeClaim> {
        self.claims.iter().copied().find(|c| {
            c.metadata.namespace.as_deref() == Some(namespace)
                && c.metadata.name.as_deref() == Some(name)
        })
    }

    /// The PersistentVolume `name`.
    pub fn volume(&self, name: &str) -> Option<&'a PersistentVolume> {
        self.volumes
            .iter()
            .copied()
            .find(|v| v.metadata.name.as_deref() == Some(name))
    }

    /// The StorageClass `name`.
    pub fn class(&self, name: &str) -> Option<&'a StorageClass> {
        self.classes
            .iter()
            .copied()
            .find(|c| c.metadata.name.as_deref() == Some(name))
    }

    /// The labels of the namespace called `name`, if it exists.
    pub fn namespace_labels(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.namespaces
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, labels)| *labels)
    }
}
