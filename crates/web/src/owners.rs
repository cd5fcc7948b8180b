//! Who controls a pod (its ownerReferences' controller, up to the workload a person
//! made: a Deployment through its ReplicaSet, a CronJob through its Job), and the
//! colour each workload is drawn in, the same on every render.

use crate::common::Workload;
use podlab_core::model::{ObjectMeta, Pod};
use podlab_core::Cluster;

/// The colours workloads are drawn in: (light theme, dark theme). Each has a contrast
/// of at least 5:1 with its theme's panel and page backgrounds (WCAG AA asks 4.5:1 of
/// text), and a chip tinted with it keeps its text above 4.5:1.
pub const OWNER_PALETTE: [(&str, &str); 10] = [
    ("#1b6bbb", "#3b8fe3"),
    ("#cd1d1d", "#e85e5e"),
    ("#117822", "#19b333"),
    ("#9832e2", "#b56cea"),
    ("#9c5916", "#cd751d"),
    ("#117474", "#19b2b3"),
    ("#c41c8c", "#e651b4"),
    ("#746c11", "#b3a619"),
    ("#4c4ce6", "#8282ed"),
    ("#3c7811", "#59b319"),
];

/// A pod's workload as its chip shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub workload: Workload,
    /// Its place in [`OWNER_PALETTE`], from its uid.
    pub colour: usize,
}

impl Owner {
    /// The inline style giving an element the owner's colours (the stylesheet picks
    /// the theme's).
    pub fn style(&self) -> String {
        let (light, dark) = OWNER_PALETTE[self.colour % OWNER_PALETTE.len()];
        format!("--owner-light:{light};--owner-dark:{dark}")
    }
}

/// The controller among an object's ownerReferences (`controller: true`), in the
/// object's namespace.
pub fn controller_of(meta: &ObjectMeta) -> Option<(Workload, String)> {
    let r = meta
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))?;
    Some((
        Workload {
            kind: r.kind.clone(),
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: r.name.clone(),
        },
        r.uid.clone(),
    ))
}

/// A workload's metadata, if it exists.
pub fn meta_of<'a>(cluster: &'a Cluster, w: &Workload) -> Option<&'a ObjectMeta> {
    let api = cluster.api();
    let (ns, name) = (w.namespace.as_str(), w.name.as_str());
    match w.kind.as_str() {
        "Deployment" => api.deployments.get(ns, name).map(|o| &o.metadata),
        "ReplicaSet" => api.replica_sets.get(ns, name).map(|o| &o.metadata),
        "DaemonSet" => api.daemon_sets.get(ns, name).map(|o| &o.metadata),
        "StatefulSet" => api.stateful_sets.get(ns, name).map(|o| &o.metadata),
        "Job" => api.jobs.get(ns, name).map(|o| &o.metadata),
        "CronJob" => api.cron_jobs.get(ns, name).map(|o| &o.metadata),
        _ => None,
    }
}

/// The workload a pod is grouped under: its controller, then that one's controller
/// while there is one (a ReplicaSet's Deployment, a Job's CronJob). None for a pod
/// no controller owns.
pub fn owner_of(cluster: &Cluster, pod: &Pod) -> Option<Owner> {
    let (mut workload, mut uid) = controller_of(&pod.metadata)?;
    // ReplicaSet → Deployment and Job → CronJob: two levels at most.
    for _ in 0..2 {
        let Some(meta) = meta_of(cluster, &workload) else {
            break;
        };
        if meta.uid.as_deref() != Some(uid.as_str()) {
            break;
        }
        match controller_of(meta) {
            Some((up, up_uid)) if meta_of(cluster, &up).is_some() => {
                workload = up;
                uid = up_uid;
            }
            _ => break,
        }
    }
    Some(Owner {
        workload,
        colour: colour_index(&uid),
    })
}

/// The workloads no controller owns: the Deployments, DaemonSets, StatefulSets and
/// CronJobs, and the ReplicaSets and Jobs made on their own, each in its colour.
pub fn top_workloads(cluster: &Cluster) -> Vec<Owner> {
    let api = cluster.api();
    let metas = api
        .deployments
        .list()
        .map(|o| ("Deployment", &o.metadata))
        .chain(api.replica_sets.list().map(|o| ("ReplicaSet", &o.metadata)))
        .chain(api.daemon_sets.list().map(|o| ("DaemonSet", &o.metadata)))
        .chain(
            api.stateful_sets
                .list()
                .map(|o| ("StatefulSet", &o.metadata)),
        )
        .chain(api.jobs.list().map(|o| ("Job", &o.metadata)))
        .chain(api.cron_jobs.list().map(|o| ("CronJob", &o.metadata)));
    metas
        .filter(|(_, m)| controller_of(m).is_none())
        .map(|(kind, m)| Owner {
            workload: Workload {
                kind: kind.to_string(),
                namespace: m.namespace.clone().unwrap_or_default(),
                name: m.name.clone().unwrap_or_default(),
            },
            colour: colour_index(m.uid.as_deref().unwrap_or_default()),
        })
        .collect()
}

/// A place in the palette from a uid (FNV-1a): the same workload gets the same
/// colour on every render and after a reload.
fn colour_index(uid: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in uid.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize % OWNER_PALETTE.len()
}
