//! VolumeBinding: a pod's PersistentVolumeClaims. PreFilter rejects the pod when a
//! claim is missing, lost or being deleted, or when a claim of an Immediate class is
//! still unbound (the PV controller binds those); a pod without claims skips the
//! plugin. Filter checks, per node, that each bound claim's volume is there and its
//! node affinity admits the node, and that each claim of a WaitForFirstConsumer class
//! can be bound there: to an Available volume that fits it and whose node affinity
//! admits the node (the smallest; a volume at most once), or by provisioning (its
//! class has a provisioner whose allowedTopologies admit the node; a claim whose node
//! was selected already, only there). After the node is chosen, the cluster's binder
//! (PreBind) binds those claims or selects the node for them ([`State::find`]).

use crate::apiserver::storage::{
    capacity_milli, fits, is_delay_binding, refers_to, request_milli, BIND_COMPLETED, SELECTED_NODE,
};
use crate::model::{Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass};
use crate::scheduler::framework::{
    node_hint, ClusterEvent, Code, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Reasons, Status,
};
use crate::scheduler::plugins::node_affinity::term_matches;
use crate::scheduler::{Listers, Snapshot};
use k8s_openapi::api::core::v1::{NodeSelector, TopologySelectorTerm};

pub const ERR_REASON_BIND_CONFLICT: &str =
    "node(s) didn't find available persistent volumes to bind";
pub const ERR_REASON_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const ERR_REASON_PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
pub const ERR_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
/// The provisioner of classes that provision nothing (local volumes made by hand).
pub const NOT_SUPPORTED_PROVISIONER: &str = "kubernetes.io/no-provisioner";

pub struct VolumeBinding;

/// The names of the claims the pod's volumes use, in order.
pub fn claim_names(pod: &Pod) -> impl Iterator<Item = &str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| c.claim_name.as_str())
}

/// A volume as the plugin compares it with nodes.
#[derive(Debug, Clone)]
struct Candidate {
    name: String,
    affinity: Option<NodeSelector>,
    size: i128,
    /// Pre-bound to the claim (its claimRef names it): chosen first.
    pre_bound: bool,
}

/// A claim of a WaitForFirstConsumer class still to be bound.
#[derive(Debug, Clone)]
struct ToBind {
    claim: String,
    selected_node: Option<String>,
    /// The volumes that fit it, smallest first.
    candidates: Vec<Candidate>,
    /// Its class's allowedTopologies when the class provisions; `None` when it does not.
    provisioning: Option<Vec<TopologySelectorTerm>>,
    request: i128,
}

/// What PreFilter works out for the pod (kube-scheduler's `stateData`).
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Why no node can take the pod.
    rejection: Option<String>,
    /// The pod uses no claim.
    skip: bool,
    /// Each bound claim's volume's node affinity; `None` when the volume is gone.
    bound: Vec<Option<Option<NodeSelector>>>,
    to_bind: Vec<ToBind>,
}

/// What binding the pod's claims on a node takes (PreBind's API writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Bind the claim to this volume (its claimRef).
    Bind { claim: String, volume: String },
    /// Select the node for the claim: its provisioner makes a volume there.
    Provision { claim: String },
}

fn affinity_admits(affinity: &Option<NodeSelector>, node: &Node) -> bool {
    match affinity {
        None => true,
        Some(sel) => sel
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node)),
    }
}

/// `MatchTopologySelectorTerms`: no terms admit every node.
fn topology_admits(terms: &[TopologySelectorTerm], node: &Node) -> bool {
    if terms.is_empty() {
        return true;
    }
    let labels = node.metadata.labels.as_ref();
    terms.iter().any(|t| {
        t.match_label_expressions.iter().flatten().all(|e| {
            labels
                .and_then(|l| l.get(&e.key))
                .is_some_and(|v| e.values.contains(v))
        })
    })
}

fn volume_affinity(pv: &PersistentVolume) -> Option<NodeSelector> {
    pv.spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.clone())
}

/// A claim is bound once its volume is named and the binding completed.
fn fully_bound(pvc: &PersistentVolumeClaim) -> bool {
    let named = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .is_some_and(|v| !v.is_empty());
    named
        && pvc
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(BIND_COMPLETED))
}

/// The volumes that could take the claim on some node (`FindMatchingVolume` before
/// its node check): pre-bound to it, or Available, unclaimed and fitting.
fn candidates(volumes: &[&PersistentVolume], pvc: &PersistentVolumeClaim) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = volumes
        .iter()
        .filter(|pv| pv.metadata.deletion_timestamp.is_none() && fits(pv, pvc))
        .filter_map(|pv| {
            let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
            let pre_bound = claim_ref.is_some_and(|r| refers_to(r, pvc));
            let available =
                pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Available");
            (pre_bound || (claim_ref.is_none() && available)).then(|| Candidate {
                name: pv.metadata.name.clone().unwrap_or_default(),
                affinity: volume_affinity(pv),
                size: capacity_milli(pv),
                pre_bound,
            })
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        (!a.pre_bound, a.size, &a.name).cmp(&(!b.pre_bound, b.size, &b.name))
    });
    out
}

fn provisioning(class: Option<&StorageClass>) -> Option<Vec<TopologySelectorTerm>> {
    let class = class?;
    if class.provisioner.is_empty() || class.provisioner == NOT_SUPPORTED_PROVISIONER {
        return None;
    }
    Some(class.allowed_topologies.clone().unwrap_or_default())
}

impl State {
    /// PreFilter (`podHasPVCs`, `GetPodVolumeClaims`) for `pod` against the listers.
    pub fn of(pod: &Pod, listers: &Listers<'_>) -> State {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let mut state = State {
            skip: true,
            ..State::default()
        };
        let mut immediate = false;
        for name in claim_names(pod) {
            state.skip = false;
            let Some(pvc) = listers.claim(ns, name) else {
                state.rejection = Some(format!("persistentvolumeclaim {name:?} not found"));
                return state;
            };
            let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref());
            let volume = pvc
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.clone())
                .unwrap_or_default();
            if phase == Some("Lost") {
                state.rejection = Some(format!(
                    "persistentvolumeclaim {name:?} bound to non-existent persistentvolume {volume:?}"
                ));
                return state;
            }
            if pvc.metadata.deletion_timestamp.is_some() {
                state.rejection = Some(format!("persistentvolumeclaim {name:?} is being deleted"));
                return state;
            }
            if fully_bound(pvc) {
                state
                    .bound
                    .push(listers.volume(&volume).map(volume_affinity));
            } else if is_delay_binding(&listers.classes, pvc) && volume.is_empty() {
                let class = pvc
                    .spec
                    .as_ref()
                    .and_then(|s| s.storage_class_name.as_deref())
                    .unwrap_or_default();
                state.to_bind.push(ToBind {
                    claim: name.to_string(),
                    selected_node: pvc
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(SELECTED_NODE))
                        .cloned(),
                    candidates: candidates(&listers.volumes, pvc),
                    provisioning: provisioning(listers.class(class)),
                    request: request_milli(pvc),
                });
            } else {
                immediate = true;
            }
        }
        if immediate {
            state.rejection = Some(ERR_UNBOUND_IMMEDIATE.into());
        }
        crate::sort::sort_by(&mut state.to_bind, |a, b| a.request.cmp(&b.request));
        state
    }

    /// Whether the pod has claims of a WaitForFirstConsumer class to bind.
    pub fn binds_claims(&self) -> bool {
        !self.to_bind.is_empty()
    }

    /// `FindPodVolumes` on `node`: what binding the claims there takes, or why they
    /// cannot be bound there (in kube-scheduler's order of reasons).
    pub fn find(&self, node: &Node) -> Result<Vec<Action>, Vec<&'static str>> {
        let node_name = node.metadata.name.as_deref().unwrap_or_default();
        let (mut bound_ok, mut found) = (true, true);
        for volume in &self.bound {
            match volume {
                None => {
                    found = false;
                    break;
                }
                Some(affinity) if !affinity_admits(affinity, node) => {
                    bound_ok = false;
                    break;
                }
                Some(_) => {}
            }
        }
        let mut unbound_ok = true;
        let mut actions = Vec::new();
        let mut to_provision: Vec<&ToBind> = Vec::new();
        let mut to_match: Vec<&ToBind> = Vec::new();
        for claim in &self.to_bind {
            match &claim.selected_node {
                Some(selected) if selected != node_name => {
                    unbound_ok = false;
                    to_match.clear();
                    to_provision.clear();
                    break;
                }
                Some(_) => to_provision.push(claim),
                None => to_match.push(claim),
            }
        }
        let mut chosen: Vec<&str> = Vec::new();
        for claim in to_match {
            let pick = claim
                .candidates
                .iter()
                .find(|c| !chosen.contains(&c.name.as_str()) && affinity_admits(&c.affinity, node));
            match pick {
                Some(c) => {
                    chosen.push(c.name.as_str());
                    actions.push(Action::Bind {
                        claim: claim.claim.clone(),
                        volume: c.name.clone(),
                    });
                }
                None => {
                    unbound_ok = false;
                    to_provision.push(claim);
                }
            }
        }
        if !to_provision.is_empty() {
            unbound_ok = to_provision.iter().all(|c| {
                c.provisioning
                    .as_ref()
                    .is_some_and(|terms| topology_admits(terms, node))
            });
            for c in to_provision {
                actions.push(Action::Provision {
                    claim: c.claim.clone(),
                });
            }
        }
        let mut reasons = Vec::new();
        if !bound_ok {
            reasons.push(ERR_REASON_NODE_CONFLICT);
        }
        if !unbound_ok {
            reasons.push(ERR_REASON_BIND_CONFLICT);
        }
        if !found {
            reasons.push(ERR_REASON_PV_NOT_EXIST);
        }
        if reasons.is_empty() {
            Ok(actions)
        } else {
            Err(reasons)
        }
    }
}

impl FilterPlugin for VolumeBinding {
    fn name(&self) -> &'static str {
        "VolumeBinding"
    }

    fn pre_filter(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        if claim_names(pod.pod).next().is_none() {
            return;
        }
        let state = State::of(pod.pod, &snapshot.listers);
        pod.cycle.insert(state);
    }

    fn pre_filter_status(&self, pod: &PodInfo<'_>) -> Option<Status> {
        let reason = pod.cycle.get::<State>()?.rejection.clone()?;
        Some(Status::unresolvable(reason))
    }

    /// A pod without claims skips the plugin.
    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        pod.cycle.get::<State>().is_none_or(|s| s.skip)
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let Some(state) = pod.cycle.get::<State>() else {
            return Status::success();
        };
        match state.find(node.node) {
            Ok(_) => Status::success(),
            Err(reasons) => {
                let mut all = Reasons::default();
                for r in reasons {
                    all.push(r.into());
                }
                Status::Rejected {
                    code: Code::UnschedulableAndUnresolvable,
                    reasons: all,
                }
            }
        }
    }

    /// A claim, volume or class added or changed, or a node.
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::StorageChanged | ClusterEvent::NodeAdded(_) => QueueingHint::Queue,
            _ => node_hint(self, pod, event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::testing::{filter_in_snapshot, make_node, make_pod};
    use serde_json::json;

    fn pod_with(claims: &[&str]) -> Pod {
        let mut p = serde_json::to_value(make_pod().obj()).unwrap();
        p["spec"]["volumes"] = claims
            .iter()
            .map(|c| json!({"name": c, "persistentVolumeClaim": {"claimName": c}}))
            .collect();
        serde_json::from_value(p).unwrap()
    }

    fn claim(
        name: &str,
        class: &str,
        volume: Option<&str>,
        extra: serde_json::Value,
    ) -> PersistentVolumeClaim {
        let mut c = json!({
            "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class,
                     "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Pending"}
        });
        if let Some(v) = volume {
            c["spec"]["volumeName"] = json!(v);
            c["metadata"]["annotations"] = json!({BIND_COMPLETED: "yes"});
            c["status"]["phase"] = json!("Bound");
        }
        merge(&mut c, extra);
        serde_json::from_value(c).unwrap()
    }

    fn merge(a: &mut serde_json::Value, b: serde_json::Value) {
        if let (Some(a), serde_json::Value::Object(b)) = (a.as_object_mut(), b) {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(old) if old.is_object() && v.is_object() => merge(old, v),
                    _ => {
                        a.insert(k, v);
                    }
                }
            }
        }
    }

    fn volume(name: &str, class: &str, node: Option<&str>, phase: &str) -> PersistentVolume {
        let mut v = json!({
            "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "5Gi"},
                     "storageClassName": class, "hostPath": {"path": "/d"}},
            "status": {"phase": phase}
        });
        if let Some(n) = node {
            v["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}]}]}});
        }
        serde_json::from_value(v).unwrap()
    }

    fn class(name: &str, provisioner: &str, wffc: bool) -> StorageClass {
        serde_json::from_value(json!({
            "metadata": {"name": name}, "provisioner": provisioner,
            "volumeBindingMode": if wffc { "WaitForFirstConsumer" } else { "Immediate" }
        }))
        .unwrap()
    }

    /// kube-scheduler's `TestVolumeBinding`: PreFilter's rejections and skip, then
    /// Filter's verdict on each of two nodes.
    #[test]
    fn claims_decide_where_a_pod_fits() {
        let nodes = [
            make_node("node-a")
                .label("kubernetes.io/hostname", "node-a")
                .obj(),
            make_node("node-b")
                .label("kubernetes.io/hostname", "node-b")
                .obj(),
        ];
        let classes = [
            class("wait", "kubernetes.io/no-provisioner", true),
            class("immediate", "example.com/disk", false),
            class("dynamic", "rancher.io/local-path", true),
        ];
        let ok = Status::success();
        let no = |reasons: &[&'static str]| {
            let mut all = Reasons::default();
            for r in reasons {
                all.push((*r).into());
            }
            Status::Rejected {
                code: Code::UnschedulableAndUnresolvable,
                reasons: all,
            }
        };
        type Case<'a> = (
            &'a str,
            Vec<&'a str>,
            Vec<PersistentVolumeClaim>,
            Vec<PersistentVolume>,
            Result<Option<[Status; 2]>, &'a str>,
        );
        let cases: Vec<Case> = vec![
            ("no claims: skipped", vec![], vec![], vec![], Ok(None)),
            (
                "a missing claim",
                vec!["data"],
                vec![],
                vec![],
                Err("persistentvolumeclaim \"data\" not found"),
            ),
            (
                "an unbound claim of an Immediate class",
                vec!["data"],
                vec![claim("data", "immediate", None, json!({}))],
                vec![],
                Err(ERR_UNBOUND_IMMEDIATE),
            ),
            (
                "a claim of a class that does not exist is immediate",
                vec!["data"],
                vec![claim("data", "gone", None, json!({}))],
                vec![],
                Err(ERR_UNBOUND_IMMEDIATE),
            ),
            (
                "a claim being deleted",
                vec!["data"],
                vec![claim(
                    "data",
                    "wait",
                    Some("pv-a"),
                    json!({"metadata": {"deletionTimestamp": "2026-01-05T09:00:00Z"}}),
                )],
                vec![],
                Err("persistentvolumeclaim \"data\" is being deleted"),
            ),
            (
                "a bound claim whose volume is on node-a",
                vec!["data"],
                vec![claim("data", "wait", Some("pv-a"), json!({}))],
                vec![volume("pv-a", "wait", Some("node-a"), "Bound")],
                Ok(Some([ok.clone(), no(&[ERR_REASON_NODE_CONFLICT])])),
            ),
            (
                "a bound claim whose volume is gone",
                vec!["data"],
                vec![claim("data", "wait", Some("pv-a"), json!({}))],
                vec![],
                Ok(Some([
                    no(&[ERR_REASON_PV_NOT_EXIST]),
                    no(&[ERR_REASON_PV_NOT_EXIST]),
                ])),
            ),
            (
                "a WaitForFirstConsumer claim and a local volume on node-b",
                vec!["data"],
                vec![claim("data", "wait", None, json!({}))],
                vec![volume("pv-b", "wait", Some("node-b"), "Available")],
                Ok(Some([no(&[ERR_REASON_BIND_CONFLICT]), ok.clone()])),
            ),
            (
                "two claims, one local volume: no node has both",
                vec!["data", "logs"],
                vec![
                    claim("data", "wait", None, json!({})),
                    claim("logs", "wait", None, json!({})),
                ],
                vec![volume("pv-b", "wait", Some("node-b"), "Available")],
                Ok(Some([
                    no(&[ERR_REASON_BIND_CONFLICT]),
                    no(&[ERR_REASON_BIND_CONFLICT]),
                ])),
            ),
            (
                "a bound volume's node conflicts, another claim has none to bind",
                vec!["data", "logs"],
                vec![
                    claim("data", "wait", Some("pv-a"), json!({})),
                    claim("logs", "wait", None, json!({})),
                ],
                vec![volume("pv-a", "wait", Some("node-a"), "Bound")],
                Ok(Some([
                    no(&[ERR_REASON_BIND_CONFLICT]),
                    no(&[ERR_REASON_NODE_CONFLICT, ERR_REASON_BIND_CONFLICT]),
                ])),
            ),
            (
                "a claim to provision: every node",
                vec!["data"],
                vec![claim("data", "dynamic", None, json!({}))],
                vec![],
                Ok(Some([ok.clone(), ok.clone()])),
            ),
            (
                "a claim whose node was selected: only there",
                vec!["data"],
                vec![claim(
                    "data",
                    "dynamic",
                    None,
                    json!({"metadata": {"annotations": {SELECTED_NODE: "node-b"}}}),
                )],
                vec![],
                Ok(Some([no(&[ERR_REASON_BIND_CONFLICT]), ok.clone()])),
            ),
        ];
        for (name, uses, claims, volumes, want) in cases {
            let pod = pod_with(&uses);
            let listers = Listers {
                claims: claims.iter().collect(),
                volumes: volumes.iter().collect(),
                classes: classes.iter().collect(),
                ..Listers::default()
            };
            let state = State::of(&pod, &listers);
            match want {
                Err(message) => {
                    assert_eq!(state.rejection.as_deref(), Some(message), "{name}");
                }
                Ok(verdicts) => {
                    assert_eq!(state.rejection, None, "{name}");
                    let got = filter_in_snapshot(&VolumeBinding, &pod, &nodes, &[], listers)
                        .map(|v| [v[0].clone(), v[1].clone()]);
                    assert_eq!(got, verdicts, "{name}");
                }
            }
        }
    }

    /// PreBind's actions: a fitting local volume is bound, else the node is selected
    /// for provisioning.
    #[test]
    fn binding_binds_a_volume_or_selects_the_node() {
        let node = make_node("node-b")
            .label("kubernetes.io/hostname", "node-b")
            .obj();
        let classes = [class("dynamic", "rancher.io/local-path", true)];
        let claims = [
            claim("data", "dynamic", None, json!({})),
            claim("logs", "dynamic", None, json!({})),
        ];
        let volumes = [volume("pv-b", "dynamic", Some("node-b"), "Available")];
        let listers = Listers {
            claims: claims.iter().collect(),
            volumes: volumes.iter().collect(),
            classes: classes.iter().collect(),
            ..Listers::default()
        };
        let state = State::of(&pod_with(&["data", "logs"]), &listers);
        assert_eq!(
            state.find(&node),
            Ok(vec![
                Action::Bind {
                    claim: "data".into(),
                    volume: "pv-b".into()
                },
                Action::Provision {
                    claim: "logs".into()
                },
            ])
        );
    }
}
