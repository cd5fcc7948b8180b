//! VolumeRestrictions: a claim with the ReadWriteOncePod access mode is used by one pod
//! at most. PreFilter looks up the pod's claims (a missing one rejects the pod) and
//! counts those of its ReadWriteOncePod claims a pod on some node already uses; with
//! none the plugin is skipped, otherwise Filter rejects every node (preemption of that
//! pod could help). The in-tree disk conflicts (GCE PD, AWS EBS, RBD, iSCSI) have no
//! volumes here to conflict.

use crate::model::Pod;
use crate::scheduler::framework::{
    ClusterEvent, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Status,
};
use crate::scheduler::plugins::volume_binding::claim_names;
use crate::scheduler::Snapshot;

pub const ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

pub struct VolumeRestrictions;

/// What PreFilter found (kube-scheduler's `preFilterState`).
#[derive(Debug, Clone, Default)]
struct State {
    /// A claim of the pod that does not exist.
    missing: Option<String>,
    /// How many of its ReadWriteOncePod claims another pod uses.
    conflicting: usize,
}

/// Whether `other`, in the pod's namespace, uses the claim `name`.
fn uses(other: &Pod, namespace: &str, name: &str) -> bool {
    other.metadata.namespace.as_deref().unwrap_or("default") == namespace
        && claim_names(other).any(|c| c == name)
}

impl FilterPlugin for VolumeRestrictions {
    fn name(&self) -> &'static str {
        "VolumeRestrictions"
    }

    fn pre_filter(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let mut state = State::default();
        for name in claim_names(pod.pod) {
            let Some(pvc) = snapshot.listers.claim(ns, name) else {
                state.missing = Some(format!("persistentvolumeclaim {name:?} not found"));
                break;
            };
            let once_pod = pvc
                .spec
                .as_ref()
                .and_then(|s| s.access_modes.as_ref())
                .is_some_and(|m| m.iter().any(|m| m == "ReadWriteOncePod"));
            let uid = pod.metadata.uid.as_deref();
            let used = once_pod
                && snapshot.infos.iter().any(|n| {
                    n.pods
                        .iter()
                        .any(|p| p.metadata.uid.as_deref() != uid && uses(p, ns, name))
                });
            if used {
                state.conflicting += 1;
            }
        }
        if state.missing.is_some() || state.conflicting > 0 {
            pod.cycle.insert(state);
        }
    }

    fn pre_filter_status(&self, pod: &PodInfo<'_>) -> Option<Status> {
        let missing = pod.cycle.get::<State>()?.missing.clone()?;
        Some(Status::unresolvable(missing))
    }

    /// Skipped unless a ReadWriteOncePod claim of the pod is in use.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<State>().is_none_or(|s| s.conflicting == 0)
    }

    fn filter(&self, pod: &PodInfo<'_>, _node: &NodeInfo<'_>) -> Status {
        match pod.cycle.get::<State>() {
            Some(s) if s.conflicting > 0 => {
                Status::unschedulable(ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT)
            }
            _ => Status::success(),
        }
    }

    /// The pod using the claim went, or a claim changed.
    fn queueing_hint(&self, _pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::AssignedPodDeleted | ClusterEvent::StorageChanged => QueueingHint::Queue,
            _ => QueueingHint::Skip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PersistentVolumeClaim;
    use crate::scheduler::testing::{filter_in_snapshot, make_node, make_pod};
    use crate::scheduler::Listers;
    use serde_json::json;

    fn pod_with(name: &str, claims: &[&str], node: Option<&str>) -> Pod {
        let mut p = serde_json::to_value(make_pod().obj()).unwrap();
        p["metadata"]["name"] = json!(name);
        p["metadata"]["uid"] = json!(name);
        p["spec"]["volumes"] = claims
            .iter()
            .map(|c| json!({"name": c, "persistentVolumeClaim": {"claimName": c}}))
            .collect();
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        serde_json::from_value(p).unwrap()
    }

    fn claim(name: &str, mode: &str) -> PersistentVolumeClaim {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"accessModes": [mode], "resources": {"requests": {"storage": "1Gi"}}}
        }))
        .unwrap()
    }

    /// kube-scheduler's `TestAccessModeConflicts`: a ReadWriteOncePod claim in use
    /// rejects every node; ReadWriteOnce claims do not conflict here; a missing claim
    /// fails PreFilter.
    #[test]
    fn read_write_once_pod_claims_have_one_pod() {
        let nodes = [make_node("node-a").obj(), make_node("node-b").obj()];
        let claims = [
            claim("once", "ReadWriteOncePod"),
            claim("shared", "ReadWriteOnce"),
        ];
        let listers = || Listers {
            claims: claims.iter().collect(),
            ..Listers::default()
        };
        let conflict = Status::unschedulable(ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT);
        // (name, the claim the pod uses, the pods on nodes, Filter's verdicts).
        type Case<'a> = (&'a str, &'a str, Vec<Pod>, Option<Vec<Status>>);
        let cases: [Case; 4] = [
            (
                "an unused ReadWriteOncePod claim: skipped",
                "once",
                vec![],
                None,
            ),
            (
                "in use by a pod on node-a: every node",
                "once",
                vec![pod_with("other", &["once"], Some("node-a"))],
                Some(vec![conflict.clone(), conflict]),
            ),
            (
                "a ReadWriteOnce claim in use: skipped",
                "shared",
                vec![pod_with("other", &["shared"], Some("node-a"))],
                None,
            ),
            (
                "used by a pod of another claim: skipped",
                "once",
                vec![pod_with("other", &["shared"], Some("node-a"))],
                None,
            ),
        ];
        for (name, uses, bound, want) in cases {
            let pod = pod_with("p", &[uses], None);
            let got = filter_in_snapshot(&VolumeRestrictions, &pod, &nodes, &bound, listers());
            assert_eq!(got, want, "{name}");
        }
        // A missing claim: PreFilter rejects the pod.
        let pod = pod_with("p", &["gone"], None);
        let snapshot = Snapshot::new(&nodes, &[]).with_listers(listers());
        let mut info = snapshot.pod_info(&pod);
        VolumeRestrictions.pre_filter(&mut info, &snapshot);
        assert_eq!(
            VolumeRestrictions.pre_filter_status(&info),
            Some(Status::unresolvable(
                "persistentvolumeclaim \"gone\" not found".to_string()
            ))
        );
    }
}
