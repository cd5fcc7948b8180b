//! The DaemonSet controller (kube-controller-manager's daemonset-controller,
//! pkg/controller/daemon). For each DaemonSet, as `syncDaemonSet`:
//! - its history (`constructHistory`): the ControllerRevision whose data is the
//!   template's patch is the current one (made when missing: `<ds>-<hash>`, labelled
//!   `controller-revision-hash`, revision one past the others'; a rollback's old
//!   revision is moved to the top), the others are old;
//! - its pods are claimed as the ReplicaSet controller claims them (adopted, released);
//! - `manage`: every node the daemon should run on (`NodeShouldRunDaemonPod`: the
//!   template's nodeName, nodeSelector and required node affinity, taints against the
//!   template's tolerations and the ones the controller adds) without a pod gets one,
//!   made from the template with the `controller-revision-hash` and
//!   `pod-template-generation` labels, the daemon tolerations, and a required node
//!   affinity `metadata.name In [node]` so the default scheduler places it there;
//!   failed and succeeded pods are deleted, so are pods beyond the first on a node
//!   (unless surging) and pods on nodes the daemon must leave (untolerated NoExecute
//!   taint, labels that stop matching);
//! - `rollingUpdate` (RollingUpdate strategy): old pods deleted within maxUnavailable
//!   (the manage step then makes their replacements), or with maxSurge new pods made
//!   beside old ones, each old one deleted once its replacement is available; OnDelete
//!   replaces only pods the user deletes;
//! - `cleanupHistory`: old revisions beyond revisionHistoryLimit that no pod runs are
//!   deleted;
//! - the status (desiredNumberScheduled, currentNumberScheduled, numberMisscheduled,
//!   numberReady, updatedNumberScheduled, numberAvailable, numberUnavailable,
//!   observedGeneration) is written when it changed.
//!
//! kube waits for its informers between a create and the next step (expectations);
//! here every write of a sync is seen at once, so one sync goes as far as kube's
//! successive syncs would without anything changing in between.

use super::replicaset::{available, claim_pods, controller_of, controller_ref, Owner};
use super::work_queue::WorkQueue;
use super::{Progress, SyncHandler};
use crate::apiserver::{ApiServer, Store};
use crate::clock::SimTime;
use crate::keyed::Keyed;
use crate::model::labels::Selector;
use crate::model::{ControllerRevision, DaemonSet, Node, Pod, ResourceExt, Toleration};
use crate::scheduler::framework::{NodeInfo, PodInfo};
use crate::scheduler::plugins::node_affinity;
use k8s_openapi::api::apps::v1::DaemonSetStatus;
use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PodTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;

const COMPONENT: &str = "daemonset-controller";
/// The label naming the revision a daemon pod (and a ControllerRevision) belongs to.
pub const REVISION_HASH: &str = "controller-revision-hash";
/// The label carrying the template generation a pod was made from.
pub const TEMPLATE_GENERATION: &str = "pod-template-generation";

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DaemonSetController {
    /// When a ready pod next becomes available (minReadySeconds), or a failed pod's
    /// back-off runs out, if any is waiting (worked out again by every sync).
    #[serde(skip)]
    queue: WorkQueue,
    /// `failedPodsBackoff`: by DaemonSet and node, when a failed pod was last deleted
    /// and how long the next one waits (1 s, doubling up to 15 min).
    failed_backoff: Keyed<String, (SimTime, u64)>,
}

impl DaemonSetController {
    /// Nothing to keep in a snapshot.
    pub fn is_idle(&self) -> bool {
        self.failed_backoff.is_empty()
    }
}

/// `failedPodsBackoff`'s bounds, in milliseconds.
const BACKOFF_INITIAL_MS: u64 = 1_000;
const BACKOFF_MAX_MS: u64 = 15 * 60 * 1_000;

impl SyncHandler for DaemonSetController {
    type Object = DaemonSet;

    fn store(api: &ApiServer) -> &Store<DaemonSet> {
        &api.daemon_sets
    }

    fn queue(&self) -> &WorkQueue {
        &self.queue
    }

    fn queue_mut(&mut self) -> &mut WorkQueue {
        &mut self.queue
    }

    fn sync_key(&mut self, api: &mut ApiServer, ns: &str, name: &str, now: SimTime) -> Progress {
        self.sync_daemon_set(api, ns, name, now)
    }
}

/// `AddOrUpdateDaemonPodTolerations`: what every daemon pod tolerates (node problems
/// must not evict it nor keep it off a node), network-unavailable too for host-network
/// pods.
pub(crate) fn add_daemon_tolerations(spec: &mut crate::model::PodSpec) {
    const EXISTS: [(&str, &str); 6] = [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    let network = ("node.kubernetes.io/network-unavailable", "NoSchedule");
    let host_network = spec.host_network == Some(true);
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for (key, effect) in EXISTS.into_iter().chain(host_network.then_some(network)) {
        let t = Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some(effect.into()),
            ..Default::default()
        };
        // AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and
        // effect is replaced in place.
        let same = |o: &Toleration| {
            o.key == t.key
                && o.effect == t.effect
                && o.operator == t.operator
                && o.value.as_deref().unwrap_or_default().is_empty()
        };
        match tolerations.iter_mut().find(|o| same(o)) {
            Some(o) => *o = t,
            None => tolerations.push(t),
        }
    }
}

/// `NodeShouldRunDaemonPod`: whether a daemon pod should be made on the node, and
/// whether one already there may stay (it tolerates the node's NoExecute taints).
pub fn should_run(node: &Node, ds: &DaemonSet) -> (bool, bool) {
    let node_name = node.metadata.name.as_deref().unwrap_or_default();
    let mut spec = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default();
    if spec
        .node_name
        .as_deref()
        .is_some_and(|n| !n.is_empty() && n != node_name)
    {
        return (false, false);
    }
    spec.node_name = Some(node_name.to_string());
    add_daemon_tolerations(&mut spec);
    let pod = Pod {
        metadata: ObjectMeta::default(),
        spec: Some(spec),
        status: None,
    };
    if !node_affinity::required_matches(&PodInfo::new(&pod), &NodeInfo::new(node)) {
        return (false, false);
    }
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default();
    let tolerations = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    let untolerated = |effects: &[&str]| {
        crate::model::taints::first_untolerated(taints, tolerations, effects).is_some()
    };
    if untolerated(&["NoExecute", "NoSchedule"]) {
        return (false, !untolerated(&["NoExecute"]));
    }
    (true, true)
}

/// `util.SurgeCount` and `util.UnavailableCount` for `desired` nodes, never both zero
/// while there is a node to run on (`updatedDesiredNodeCounts`).
pub fn surge_and_unavailable(ds: &DaemonSet, desired: i32) -> (i32, i32) {
    let strategy = ds.spec.as_ref().and_then(|s| s.update_strategy.as_ref());
    let rolling = strategy
        .filter(|s| s.type_.as_deref() == Some("RollingUpdate"))
        .and_then(|s| s.rolling_update.as_ref());
    let scaled = |v| super::deployment_util::scaled(v, desired, true);
    let surge = rolling.map_or(0, |r| scaled(r.max_surge.as_ref()));
    let mut unavailable = rolling.map_or(0, |r| scaled(r.max_unavailable.as_ref()));
    if desired > 0 && surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// The node a daemon pod is for: its nodeName, else the node its required affinity
/// names (`GetTargetNodeName`).
fn target_node(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(n) = spec.node_name.as_ref().filter(|n| !n.is_empty()) {
        return Some(n.clone());
    }
    node_affinity::required(pod)?
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

fn phase(pod: &Pod) -> Option<&str> {
    pod.status.as_ref().and_then(|s| s.phase.as_deref())
}

/// `podByCreationTimestampAndPhase`: scheduled first, then oldest, then by name.
fn sort_oldest_first(pods: &mut [Pod]) {
    crate::sort::sort_by_key(pods, |p| {
        let unscheduled = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_none_or(String::is_empty);
        let created = p
            .metadata
            .creation_timestamp
            .as_ref()
            .map(SimTime::from_time);
        (unscheduled, created, p.name_any().to_string())
    });
}

/// A revision's data: the DaemonSet's template as a patch that replaces it
/// (`getPatch`), the template's metadata with Go's `creationTimestamp: null`.
pub(crate) fn template_patch(template: &PodTemplateSpec) -> serde_json::Value {
    let mut t = serde_json::to_value(template).unwrap_or_default();
    if let Some(object) = t.as_object_mut() {
        let meta = object
            .entry("metadata")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("creationTimestamp".into(), serde_json::Value::Null);
        }
        object.insert("$patch".into(), "replace".into());
    }
    serde_json::json!({ "spec": { "template": t } })
}

/// The template a revision holds (its patch's, without the patch directive).
pub(crate) fn revision_template(cr: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut t = cr.data.as_ref()?.0.get("spec")?.get("template")?.clone();
    if let Some(object) = t.as_object_mut() {
        object.remove("$patch");
        if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            meta.remove("creationTimestamp");
        }
    }
    crate::model::de::from_value(&t).ok()
}

/// Pods on each node, as `getNodesToDaemonPods` finds them (finished pods being
/// deleted left out).
type NodePods = Keyed<String, Vec<Pod>>;

fn nodes_to_pods(pods: &[Pod]) -> NodePods {
    let mut map = NodePods::new();
    for pod in pods {
        let finished = matches!(phase(pod), Some("Succeeded" | "Failed"));
        if finished && pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        if let Some(node) = target_node(pod) {
            map.get_or_insert_with(node, Vec::new).push(pod.clone());
        }
    }
    map
}

/// `IsPodUpdated`: the pod carries the current revision's hash. (kube also compares
/// the template generation label, with `fmt.Sprint` of a pointer, which never matches.)
fn is_updated(pod: &Pod, hash: &str) -> bool {
    pod.labels().get(REVISION_HASH).is_some_and(|h| h == hash)
}

/// `findUpdatedPodsOnNode`: the node's new and old pod (None when it has more than one
/// of either).
fn updated_and_old<'a>(pods: &'a [Pod], hash: &str) -> Option<(Option<&'a Pod>, Option<&'a Pod>)> {
    let (mut new, mut old) = (None, None);
    for pod in pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        let slot = if is_updated(pod, hash) {
            &mut new
        } else {
            &mut old
        };
        if slot.replace(pod).is_some() {
            return None;
        }
    }
    Some((new, old))
}

/// What one node needs (`podsShouldBeOnNode`): a pod made, and pods deleted.
fn pods_should_be_on_node(
    node: &Node,
    pods: Option<&Vec<Pod>>,
    ds: &DaemonSet,
    hash: &str,
    now: SimTime,
) -> (bool, Vec<String>) {
    // `util.AllowsSurge`.
    let surge = surge_and_unavailable(ds, 1).0 > 0;
    let (run, keep) = should_run(node, ds);
    let mut delete = Vec::new();
    let Some(pods) = pods else {
        return (run, delete);
    };
    if !keep {
        delete.extend(
            pods.iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .map(|p| p.name_any().to_string()),
        );
        return (false, delete);
    }
    let mut running = Vec::new();
    for pod in pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        match phase(pod) {
            Some("Failed" | "Succeeded") => delete.push(pod.name_any().to_string()),
            _ => running.push(pod.clone()),
        }
    }
    sort_oldest_first(&mut running);
    if !surge {
        delete.extend(running.iter().skip(1).map(|p| p.name_any().to_string()));
        return (false, delete);
    }
    if running.is_empty() {
        return (run, delete);
    }
    // Surging: the oldest new pod and the oldest old one may both stay while the new
    // one is not yet available and the old one is ready.
    let (mut oldest_new, mut oldest_old): (Option<&Pod>, Option<&Pod>) = (None, None);
    for pod in &running {
        let slot = if pod.labels().get(REVISION_HASH).map(String::as_str) == Some(hash) {
            &mut oldest_new
        } else {
            &mut oldest_old
        };
        if slot.is_none() {
            *slot = Some(pod);
        } else {
            delete.push(pod.name_any().to_string());
        }
    }
    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
        let min_ready = min_ready_seconds(ds);
        if !crate::model::pod::is_ready(old) || available(new, min_ready, now).is_ok() {
            delete.push(old.name_any().to_string());
        }
    }
    (false, delete)
}

fn min_ready_seconds(ds: &DaemonSet) -> i32 {
    ds.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
}

/// A node's state in a rolling update, as `rollingUpdate` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRollout {
    /// More than one new or old pod: the manage step tidies it first.
    Crowded,
    /// No pod, or both a new and an old one.
    Settling,
    /// Only an up-to-date pod.
    New { available: bool },
    /// Only an old pod.
    Old { available: bool, should_run: bool },
    /// An old pod and a new one made beside it (surging).
    Both {
        new_available: bool,
        old_available: bool,
    },
}

/// `rollingUpdate`'s choice for nodes in order: the nodes whose old pod goes now, and
/// (surging) the nodes that get a new pod beside their old one.
pub fn rolling_update_plan(
    nodes: &[NodeRollout],
    surge: i32,
    unavailable: i32,
    desired: i32,
) -> (Vec<usize>, Vec<usize>) {
    if surge == 0 {
        let mut unavailable_now = 0;
        let (mut replace, mut candidates) = (Vec::new(), Vec::new());
        for (i, n) in nodes.iter().enumerate() {
            match *n {
                NodeRollout::Crowded | NodeRollout::Settling | NodeRollout::Both { .. } => {
                    unavailable_now += 1
                }
                NodeRollout::New { available } => unavailable_now += i32::from(!available),
                NodeRollout::Old {
                    available: false, ..
                } => replace.push(i),
                NodeRollout::Old { .. } if unavailable_now >= unavailable => {}
                NodeRollout::Old { .. } => candidates.push(i),
            }
        }
        let room = usize::try_from((unavailable - unavailable_now).max(0)).unwrap_or(0);
        replace.extend(candidates.into_iter().take(room));
        return (replace, Vec::new());
    }
    let (mut delete, mut sunset, mut allowed, mut candidates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut surging, mut available_now) = (0, 0);
    for (i, n) in nodes.iter().enumerate() {
        match *n {
            NodeRollout::Crowded => surging += 1,
            NodeRollout::Settling => {}
            NodeRollout::New { available } => available_now += i32::from(available),
            NodeRollout::Old {
                available,
                should_run,
            } => {
                available_now += i32::from(available);
                match (available, should_run) {
                    (false, false) => delete.push(i),
                    (false, true) => allowed.push(i),
                    (true, false) => sunset.push(i),
                    (true, true) if surging >= surge => {}
                    (true, true) => candidates.push(i),
                }
            }
            NodeRollout::Both {
                new_available,
                old_available,
            } => {
                available_now += i32::from(old_available);
                if new_available {
                    delete.push(i);
                } else {
                    surging += 1;
                }
            }
        }
    }
    let deletable = usize::try_from((available_now - desired).max(0)).unwrap_or(0);
    delete.extend(sunset.into_iter().take(deletable));
    let room = usize::try_from((surge - surging).max(0)).unwrap_or(0);
    allowed.extend(candidates.into_iter().take(room));
    (delete, allowed)
}

/// What one sync of a DaemonSet works with.
struct SyncContext<'a> {
    ds: &'a DaemonSet,
    owner: Owner<'a>,
    selector: &'a Selector,
    /// Every node, sorted by name.
    nodes: &'a [Node],
    /// The current revision's hash.
    hash: &'a str,
    /// The template generation.
    generation: Option<i64>,
    now: SimTime,
}

impl SyncContext<'_> {
    /// The DaemonSet's pods, claimed (`getDaemonPods`).
    fn claim(&self, api: &mut ApiServer, progress: &mut Progress) -> Vec<Pod> {
        let ns = self.ds.namespace_any();
        claim_pods(api, ns, &|_| true, self.selector, &self.owner, progress)
    }
}

impl DaemonSetController {
    fn sync_daemon_set(
        &mut self,
        api: &mut ApiServer,
        ns: &str,
        name: &str,
        now: SimTime,
    ) -> Progress {
        let Some(ds) = api.daemon_sets.get(ns, name).cloned() else {
            return Progress::Idle;
        };
        let spec = ds.spec.clone().unwrap_or_default();
        let Ok(selector) = Selector::from_label_selector(&spec.selector) else {
            return Progress::Idle;
        };
        if selector.is_empty() || ds.metadata.deletion_timestamp.is_some() {
            return Progress::Idle;
        }
        let mut progress = Progress::Idle;
        let (hash, old) = construct_history(api, &ds, &selector, now, &mut progress);
        let mut nodes: Vec<Node> = api.nodes.list().cloned().collect();
        crate::sort::sort_by_key(&mut nodes, |n| n.name_any().to_string());
        let cx = SyncContext {
            ds: &ds,
            owner: Owner {
                kind: "DaemonSet",
                meta: &ds.metadata,
                component: COMPONENT,
            },
            selector: &selector,
            nodes: &nodes,
            hash: &hash,
            generation: crate::apiserver::template_generation(&ds),
            now,
        };
        self.manage(api, &cx, &mut progress);
        let rolling = spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            == Some("RollingUpdate");
        if rolling {
            rolling_update(api, &cx, &mut progress);
        }
        let pods = cx.claim(api, &mut progress);
        progress |= cleanup_history(api, &ds, old, &pods);
        progress |= self.update_status(api, &ds, &nodes, &pods, &hash, now);
        progress
    }

    /// `manage`: a pod made on each node that should run one and has none, pods
    /// deleted where they must not be (or are one too many, or failed).
    fn manage(&mut self, api: &mut ApiServer, cx: &SyncContext<'_>, progress: &mut Progress) {
        let pods = cx.claim(api, progress);
        let by_node = nodes_to_pods(&pods);
        let (mut create, mut delete) = (Vec::new(), Vec::new());
        for node in cx.nodes {
            let node_name = node.name_any().to_string();
            let on_node = by_node.get(&node_name);
            let (make, gone) = pods_should_be_on_node(node, on_node, cx.ds, cx.hash, cx.now);
            if make {
                create.push(node_name.clone());
            }
            for name in gone {
                let failed = on_node
                    .into_iter()
                    .flatten()
                    .any(|p| p.name_any() == name.as_str() && phase(p) == Some("Failed"));
                if failed && !self.failed_pod_may_go(cx, api, &name, &node_name) {
                    continue;
                }
                delete.push(name);
            }
        }
        // Pods for nodes that are gone and that no scheduler placed.
        for (node, pods) in by_node.iter() {
            if !cx.nodes.iter().any(|n| n.name_any() == node) {
                delete.extend(
                    pods.iter()
                        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none())
                        .map(|p| p.name_any().to_string()),
                );
            }
        }
        *progress |= sync_nodes(api, cx, &create, &delete);
    }

    /// A failed daemon pod is deleted (with a `FailedDaemonPod` warning) unless the
    /// node's back-off since the last one has not run out.
    fn failed_pod_may_go(
        &mut self,
        cx: &SyncContext<'_>,
        api: &mut ApiServer,
        pod: &str,
        node: &str,
    ) -> bool {
        let (ds, now) = (cx.ds, cx.now);
        let key = format!("{}/{}/{node}", ds.namespace_any(), ds.name_any());
        let entry = self.failed_backoff.get(&key).copied();
        if let Some((last, backoff)) = entry {
            let until = last.plus_ms(backoff);
            if now < until {
                self.requeue_at(until);
                return false;
            }
        }
        // Backoff.Next: a fresh entry once the last one is long expired.
        let backoff = match entry {
            Some((last, backoff)) if now < last.plus_ms(2 * BACKOFF_MAX_MS) => {
                (backoff * 2).min(BACKOFF_MAX_MS)
            }
            _ => BACKOFF_INITIAL_MS,
        };
        self.failed_backoff.insert(key, (now, backoff));
        let message = format!(
            "Found failed daemon pod {}/{pod} on node {node}, will try to kill it",
            ds.namespace_any()
        );
        cx.owner.event(api, "FailedDaemonPod", message, true, now);
        true
    }

    /// `updateDaemonSetStatus`: counted on each node's oldest pod.
    fn update_status(
        &mut self,
        api: &mut ApiServer,
        ds: &DaemonSet,
        nodes: &[Node],
        pods: &[Pod],
        hash: &str,
        now: SimTime,
    ) -> Progress {
        let by_node = nodes_to_pods(pods);
        let min_ready = min_ready_seconds(ds);
        let mut s = DaemonSetStatus {
            observed_generation: ds.metadata.generation,
            collision_count: ds.status.as_ref().and_then(|s| s.collision_count),
            conditions: ds.status.as_ref().and_then(|s| s.conditions.clone()),
            ..Default::default()
        };
        let (mut updated, mut avail) = (0, 0);
        for node in nodes {
            let (run, _) = should_run(node, ds);
            let on_node = by_node.get(node.name_any()).filter(|p| !p.is_empty());
            match (run, on_node) {
                (true, None) => s.desired_number_scheduled += 1,
                (true, Some(pods)) => {
                    s.desired_number_scheduled += 1;
                    s.current_number_scheduled += 1;
                    let mut pods = pods.clone();
                    sort_oldest_first(&mut pods);
                    let pod = &pods[0];
                    if crate::model::pod::is_ready(pod) {
                        s.number_ready += 1;
                        match available(pod, min_ready, now) {
                            Ok(()) => avail += 1,
                            Err(Some(at)) => {
                                self.requeue_at(at);
                            }
                            Err(None) => {}
                        }
                    }
                    if is_updated(pod, hash) {
                        updated += 1;
                    }
                }
                (false, Some(_)) => s.number_misscheduled += 1,
                (false, None) => {}
            }
        }
        s.updated_number_scheduled = (updated > 0).then_some(updated);
        s.number_available = (avail > 0).then_some(avail);
        let unavailable = s.desired_number_scheduled - avail;
        s.number_unavailable = (unavailable > 0).then_some(unavailable);
        if ds.status.as_ref() == Some(&s) {
            return Progress::Idle;
        }
        let Some(current) = api.daemon_sets.get(ds.namespace_any(), ds.name_any()) else {
            return Progress::Idle;
        };
        let mut current = current.clone();
        current.status = Some(s);
        Progress::changed_if(api.update_daemon_set(current).is_ok())
    }
}

/// `rollingUpdate`: the nodes' states, the plan ([`rolling_update_plan`]) carried out.
fn rolling_update(api: &mut ApiServer, cx: &SyncContext<'_>, progress: &mut Progress) {
    let pods = cx.claim(api, progress);
    let mut by_node = nodes_to_pods(&pods);
    let mut desired = 0;
    for node in cx.nodes {
        if should_run(node, cx.ds).0 {
            desired += 1;
            by_node.get_or_insert_with(node.name_any().to_string(), Vec::new);
        }
    }
    let (surge, unavailable) = surge_and_unavailable(cx.ds, desired);
    let min_ready = min_ready_seconds(cx.ds);
    let is_available = |p: &Pod| available(p, min_ready, cx.now).is_ok();
    let mut states = Vec::new();
    let mut old_pods = Vec::new();
    for (node_name, pods) in by_node.iter() {
        let node = cx.nodes.iter().find(|n| n.name_any() == node_name.as_str());
        let found = updated_and_old(pods, cx.hash);
        let state = match found {
            None => NodeRollout::Crowded,
            Some((None, None)) => NodeRollout::Settling,
            Some((Some(new), None)) => NodeRollout::New {
                available: is_available(new),
            },
            Some((None, Some(old))) => NodeRollout::Old {
                available: is_available(old),
                should_run: node.is_some_and(|n| should_run(n, cx.ds).0),
            },
            Some((Some(_), Some(_))) if surge == 0 => NodeRollout::Settling,
            Some((Some(new), Some(old))) => NodeRollout::Both {
                new_available: is_available(new),
                old_available: is_available(old),
            },
        };
        states.push(state);
        let old = found.and_then(|(_, o)| o).map(|o| o.name_any().to_string());
        old_pods.push((node_name.clone(), old));
    }
    let (delete_at, create_at) = rolling_update_plan(&states, surge, unavailable, desired);
    let delete: Vec<String> = delete_at
        .iter()
        .filter_map(|i| old_pods.get(*i).and_then(|(_, o)| o.clone()))
        .collect();
    let create: Vec<String> = create_at
        .iter()
        .filter_map(|i| old_pods.get(*i).map(|(n, _)| n.clone()))
        .collect();
    *progress |= sync_nodes(api, cx, &create, &delete);
}

/// `syncNodes`: a pod made for each node of `create` (the template with the revision's
/// hash and the template generation as labels and the daemon tolerations, bound to the
/// node by its required affinity), then the pods of `delete` deleted.
fn sync_nodes(
    api: &mut ApiServer,
    cx: &SyncContext<'_>,
    create: &[String],
    delete: &[String],
) -> Progress {
    let (owner, ds, hash, now) = (&cx.owner, cx.ds, cx.hash, cx.now);
    let mut progress = Progress::Idle;
    let template = ds
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    for node in create {
        let mut t = template.clone();
        let labels = t
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(Default::default);
        if let Some(g) = cx.generation {
            labels.insert(TEMPLATE_GENERATION.into(), g.to_string());
        }
        labels.insert(REVISION_HASH.into(), hash.to_string());
        let spec = t.spec.get_or_insert_with(Default::default);
        add_daemon_tolerations(spec);
        // ReplaceDaemonSetPodNodeNameNodeAffinity.
        let term = NodeSelectorTerm {
            match_fields: Some(vec![NodeSelectorRequirement {
                key: "metadata.name".into(),
                operator: "In".into(),
                values: Some(vec![node.clone()]),
            }]),
            match_expressions: None,
        };
        let affinity = spec.affinity.get_or_insert_with(Affinity::default);
        let node_affinity = affinity
            .node_affinity
            .get_or_insert_with(NodeAffinity::default);
        node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
            node_selector_terms: vec![term],
        });
        progress = Progress::Changed;
        if owner.create_pod(api, &t, now).is_err() {
            break;
        }
    }
    for name in delete {
        progress |= owner.delete_pod(api, name, now);
    }
    progress
}

/// `constructHistory`: the current revision's hash (made or renumbered when needed) and
/// the old revisions.
fn construct_history(
    api: &mut ApiServer,
    ds: &DaemonSet,
    selector: &Selector,
    now: SimTime,
    progress: &mut Progress,
) -> (String, Vec<ControllerRevision>) {
    let ns = ds.namespace_any().to_string();
    let uid = ds.uid_any().to_string();
    let template = ds
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let patch = template_patch(&template);
    let (mut current, mut old): (Vec<ControllerRevision>, Vec<ControllerRevision>) =
        (Vec::new(), Vec::new());
    let revisions: Vec<ControllerRevision> = api
        .controller_revisions
        .list_namespace(&ns)
        .cloned()
        .collect();
    for mut cr in revisions {
        match controller_of(&cr.metadata).map(|r| r.uid == uid) {
            Some(true) => {}
            // Adopted when the selector matches (ClaimControllerRevisions).
            None if selector.matches(cr.metadata.labels.as_ref()) => {
                cr.metadata
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(controller_ref("apps/v1", "DaemonSet", &ds.metadata));
                match api.update_controller_revision(cr) {
                    Ok(c) => cr = c.clone(),
                    Err(_) => continue,
                }
                *progress = Progress::Changed;
            }
            _ => continue,
        }
        if cr.data.as_ref().map(|d| &d.0) == Some(&patch) {
            current.push(cr);
        } else {
            old.push(cr);
        }
    }
    let next = old.iter().map(|c| c.revision).max().unwrap_or(0) + 1;
    crate::sort::sort_by_key(&mut current, |c| std::cmp::Reverse(c.revision));
    if let Some(mut cur) = current.into_iter().next() {
        let hash = cur
            .labels()
            .get(REVISION_HASH)
            .cloned()
            .unwrap_or_else(|| cur.name_any().to_string());
        if cur.revision < next {
            cur.revision = next;
            if api.update_controller_revision(cur).is_ok() {
                *progress = Progress::Changed;
            }
        }
        return (hash, old);
    }
    let collision = ds.status.as_ref().and_then(|s| s.collision_count);
    let hash = super::deployment_util::pod_template_hash(&template, collision);
    let mut labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(REVISION_HASH.into(), hash.clone());
    let cr = ControllerRevision {
        metadata: ObjectMeta {
            name: Some(format!("{}-{hash}", ds.name_any())),
            namespace: Some(ns),
            labels: Some(labels),
            annotations: ds.metadata.annotations.clone(),
            owner_references: Some(vec![controller_ref("apps/v1", "DaemonSet", &ds.metadata)]),
            ..Default::default()
        },
        data: Some(RawExtension(patch)),
        revision: next,
    };
    if api.create_controller_revision(cr, now).is_ok() {
        *progress = Progress::Changed;
    }
    (hash, old)
}

/// `cleanupHistory`: the oldest old revisions beyond revisionHistoryLimit that no live
/// pod runs are deleted.
fn cleanup_history(
    api: &mut ApiServer,
    ds: &DaemonSet,
    mut old: Vec<ControllerRevision>,
    pods: &[Pod],
) -> Progress {
    let keep = ds
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10);
    let mut kill = old
        .len()
        .saturating_sub(usize::try_from(keep.max(0)).unwrap_or(0));
    if kill == 0 {
        return Progress::Idle;
    }
    let live = crate::sort::collect_set(
        pods.iter()
            .filter_map(|p| p.labels().get(REVISION_HASH).cloned()),
    );
    crate::sort::sort_by_key(&mut old, |c| c.revision);
    let mut progress = Progress::Idle;
    for cr in old {
        if kill == 0 {
            break;
        }
        if cr
            .labels()
            .get(REVISION_HASH)
            .is_some_and(|h| live.contains(h))
        {
            continue;
        }
        let removed = api.remove_object("controllerrevisions", cr.namespace_any(), cr.name_any());
        progress |= Progress::changed_if(removed.is_ok());
        kill -= 1;
    }
    progress
}

#[cfg(test)]
#[path = "daemonset_tests.rs"]
mod tests;
