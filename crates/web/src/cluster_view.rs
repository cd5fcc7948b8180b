//! The cluster view: the pending lane and a card per node, pods moving between them
//! (see `motion`). Its caches are keyed by resourceVersion: the node cards by the
//! cluster's and what the view shows beside the API objects, each chip by its pod's.

use crate::common::{ApplyReport, Outcome, Selected, Workload};
use crate::motion::{Leaving, Motion};
use crate::node_card::{
    chip_html, volume_html, CardActions, CardData, Chip, NodeCard, VolumeItem, ZONE_LABEL,
};
use crate::owners::{owner_of, top_workloads, Owner};
use crate::panes::Focus;
use podlab_core::kubectl::printers;
use podlab_core::model::{quantity, Node, Pod};
use podlab_core::Cluster;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

pub enum Msg {
    /// Show a pod (`namespace/name`) in the inspector.
    Select(String),
    /// Show a node in the inspector.
    Inspect(String),
    /// Show a workload in the inspector (from the legend).
    SelectOwner(Workload),
    /// Cordon (true) or uncordon (false) a node.
    Cordon(String, bool),
    /// Start (true) or stop (false) a node's kubelet, as `systemctl` on the node would.
    Kubelet(String, bool),
    /// Escape in the cluster view: nothing selected (the inspector shows the lessons).
    Deselect,
}

/// What the node cards show besides the API objects: the cards are worked out again
/// only when this or the cluster's resourceVersion changes.
#[derive(Debug, Clone, PartialEq)]
struct CardKey {
    resource_version: u64,
    /// The pod selected (its chip is marked, its scheduling verdicts shown).
    selected: Option<String>,
    /// Each node's kubelet, running or stopped (not an API object).
    kubelets: Vec<bool>,
    leaving: Vec<Leaving>,
}

/// The node cards worked out for a key.
type CardCache = Option<(CardKey, Vec<Rc<CardData>>)>;

/// Pod chips by uid: (resourceVersion, chip, (cpu, memory) requests).
type ChipCache = std::collections::HashMap<String, (String, Chip, (i128, i128))>;

/// What the view shows of the API objects beside the node cards, worked out again
/// when the cluster's resourceVersion changes.
#[derive(Default)]
struct Beside {
    resource_version: Option<u64>,
    /// The workloads that own pods, with their pod counts, in name order.
    owners: Vec<(Owner, usize)>,
    /// The PersistentVolumes pinned to each node.
    pinned: std::collections::BTreeMap<String, Vec<VolumeItem>>,
    /// Volumes pinned to no node, and claims bound to none.
    unpinned: Vec<VolumeItem>,
}

pub struct ClusterView {
    /// The node cards' callbacks, made once so unchanged cards are not redrawn.
    actions: CardActions,
    pub motion: Motion,
    cards: RefCell<CardCache>,
    chips: RefCell<ChipCache>,
    beside: RefCell<Beside>,
    select_owner: Callback<Workload>,
    /// Escape in the cluster view.
    on_key: Callback<KeyboardEvent>,
}

impl ClusterView {
    pub fn new(send: &Callback<Msg>) -> ClusterView {
        ClusterView {
            actions: CardActions {
                select: send.reform(Msg::Select),
                cordon: send.reform(|(n, on)| Msg::Cordon(n, on)),
                kubelet: send.reform(|(n, on)| Msg::Kubelet(n, on)),
                inspect: send.reform(Msg::Inspect),
            },
            motion: Motion::default(),
            cards: RefCell::default(),
            chips: RefCell::default(),
            beside: RefCell::default(),
            select_owner: send.reform(Msg::SelectOwner),
            on_key: {
                let send = send.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Escape" {
                        send.emit(Msg::Deselect);
                    }
                })
            },
        }
    }

    /// A new cluster took the old one's place: nothing worked out for it is kept.
    pub fn reset(&mut self) {
        self.motion.reset();
        *self.cards.get_mut() = None;
        self.chips.get_mut().clear();
        *self.beside.get_mut() = Beside::default();
    }

    /// Cordon and the kubelet; selections go to the inspector (see the app).
    pub fn update(&mut self, cluster: &mut Cluster, msg: Msg) -> Outcome {
        match msg {
            Msg::Cordon(node, cordon) => {
                // The same command the terminal runs, with its output.
                let command = if cordon { "cordon" } else { "uncordon" };
                let (text, failed) = crate::common::kubectl(cluster, &[command.to_string(), node]);
                Outcome::report(ApplyReport::line(&text, failed))
            }
            Msg::Kubelet(node, running) => {
                cluster.set_kubelet_running(&node, running);
                Outcome::render()
            }
            Msg::Select(_) | Msg::Inspect(_) | Msg::SelectOwner(_) | Msg::Deselect => {
                Outcome::quiet()
            }
        }
    }

    pub fn view(&self, cluster: &Cluster, selected: Option<&Selected>, focus: &Focus) -> Html {
        let selected = match selected {
            Some(Selected::Pod(key)) => Some(key.as_str()),
            _ => None,
        };
        self.update_beside(cluster);
        let cards = self.node_cards(cluster, selected);
        html! {
            <section class="cluster" aria-label="Cluster" onkeydown={self.on_key.clone()}>
                { focus.control(crate::panes::Pane::Cluster) }
                { self.legend() }
                { self.pending_lane(cluster, selected) }
                { self.volumes_lane() }
                <div class="nodes">
                    { for cards.iter().map(|data| {
                        let key = data.name.clone();
                        html! { <NodeCard {key} data={data.clone()} actions={self.actions.clone()} /> }
                    }) }
                </div>
            </section>
        }
    }

    /// The node cards' data: worked out again only when the cluster's resourceVersion
    /// or what the view shows beside it (selection, leaving pods, kubelets) changed; on
    /// a busy cluster most ticks change neither, and the same `Rc`s compare equal at
    /// once.
    fn node_cards(&self, cluster: &Cluster, selected: Option<&str>) -> Vec<Rc<CardData>> {
        let key = CardKey {
            resource_version: cluster.api().resource_version(),
            selected: selected.map(str::to_string),
            kubelets: cluster
                .nodes()
                .map(|n| {
                    cluster
                        .kubelet_state(n.metadata.name.as_deref().unwrap_or_default())
                        .0
                })
                .collect(),
            leaving: self.motion.leaving().to_vec(),
        };
        let mut cache = self.cards.borrow_mut();
        if let Some((seen, cards)) = cache.as_ref() {
            if *seen == key {
                return cards.clone();
            }
        }
        // Each node's pods, in one pass over the pods (not one per node card).
        let mut by_node: std::collections::BTreeMap<&str, Vec<&Pod>> = Default::default();
        for p in cluster.pods() {
            if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
                by_node.entry(n).or_default().push(p);
            }
        }
        let verdicts = verdicts(cluster, selected);
        {
            // Chips of pods that are gone go too.
            let mut chips = self.chips.borrow_mut();
            if chips.len() > cluster.api().pods.len() * 2 + 64 {
                chips.clear();
            }
        }
        let cards: Vec<Rc<CardData>> = cluster
            .nodes()
            .map(|n| {
                let pods = n
                    .metadata
                    .name
                    .as_deref()
                    .and_then(|name| by_node.get(name));
                let mut data =
                    self.card_data(cluster, selected, n, pods.map_or(&[][..], Vec::as_slice));
                data.volumes = self
                    .beside
                    .borrow()
                    .pinned
                    .get(&data.name)
                    .cloned()
                    .unwrap_or_default();
                data.verdict = verdicts.get(data.name.as_str()).cloned();
                Rc::new(data)
            })
            .collect();
        *cache = Some((key, cards.clone()));
        cards
    }

    fn card_data(
        &self,
        cluster: &Cluster,
        selected: Option<&str>,
        node: &Node,
        pods: &[&Pod],
    ) -> CardData {
        let name = node.metadata.name.clone().unwrap_or_default();
        let mut roles = printers::node_roles(node);
        if roles.is_empty() {
            roles.push("<none>".into());
        }
        let taints = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .map(|t| {
                let text = match &t.value {
                    Some(v) if !v.is_empty() => format!("{}={}:{}", t.key, v, t.effect),
                    _ => format!("{}:{}", t.key, t.effect),
                };
                (t.key.clone(), text)
            })
            .collect();
        let ready = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .is_some_and(|c| c.status == "True");
        let cordoned = node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        let (kubelet_running, _) = cluster.kubelet_state(&name);
        let alloc = |k: &str| {
            node.status
                .as_ref()
                .and_then(|s| s.allocatable.as_ref())
                .and_then(|a| a.get(k))
                .and_then(|q| quantity::milli(q).ok())
                .unwrap_or(0)
        };
        let chips: Vec<(Chip, (i128, i128))> = pods
            .iter()
            .map(|p| self.chip(cluster, p, selected))
            .collect();
        let requested = chips
            .iter()
            .fold((0, 0), |acc, (_, r)| (acc.0 + r.0, acc.1 + r.1));
        let pct = |used: i128, total: i128| {
            if total > 0 {
                (used * 100 / total).clamp(0, 100)
            } else {
                0
            }
        };
        let labels = node
            .metadata
            .labels
            .iter()
            .flatten()
            .filter(|(k, _)| {
                let prefix = k.split_once('/').map_or("", |(p, _)| p);
                !(prefix.ends_with("kubernetes.io") || prefix.ends_with("k8s.io"))
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let zone = node
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(ZONE_LABEL))
            .filter(|z| !z.is_empty())
            .cloned();
        CardData {
            zone,
            labels,
            roles: roles.join(","),
            taints,
            ready,
            cordoned,
            kubelet_running,
            cpu_pct: pct(requested.0, alloc("cpu")),
            memory_pct: pct(requested.1, alloc("memory")),
            chips: chips.into_iter().map(|(c, _)| c).collect(),
            volumes: Vec::new(),
            leaving: self
                .motion
                .leaving()
                .iter()
                .filter(|l| l.node == name)
                .map(|l| (l.key.clone(), l.name.clone()))
                .collect(),
            verdict: None,
            name,
        }
    }

    /// A pod's chip and its (cpu, memory) requests, worked out once per resourceVersion of
    /// the pod: redrawing a busy cluster reuses the rest.
    fn chip(&self, cluster: &Cluster, pod: &Pod, selected: Option<&str>) -> (Chip, (i128, i128)) {
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        let rv = pod.metadata.resource_version.as_deref().unwrap_or_default();
        let mut cache = self.chips.borrow_mut();
        let (chip, requests) = match cache.get(uid) {
            Some((seen, chip, requests)) if seen == rv => (chip.clone(), *requests),
            _ => {
                let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
                let name = pod.metadata.name.clone().unwrap_or_default();
                let chip = Chip {
                    key: format!("{ns}/{name}"),
                    name,
                    phase: pod
                        .status
                        .as_ref()
                        .and_then(|s| s.phase.clone())
                        .unwrap_or_else(|| "Pending".into()),
                    status: printers::pod_status(pod),
                    not_ready: pod_not_ready(pod),
                    ready: printers::pod_ready(pod),
                    selected: false,
                    owner: None,
                };
                let r = podlab_core::scheduler::framework::pod_requests(pod, false);
                let requests = (i128::from(r.milli_cpu), i128::from(r.memory));
                cache.insert(uid.to_string(), (rv.to_string(), chip.clone(), requests));
                (chip, requests)
            }
        };
        let selected = selected == Some(chip.key.as_str());
        // Its owner is looked up on each new card (a ReplicaSet adopted by another
        // Deployment does not change the pod).
        let owner = owner_of(cluster, pod);
        (
            Chip {
                selected,
                owner,
                ..chip
            },
            requests,
        )
    }

    /// Works out the workloads and volumes the view shows, when the cluster changed.
    fn update_beside(&self, cluster: &Cluster) {
        let rv = cluster.api().resource_version();
        let mut beside = self.beside.borrow_mut();
        if beside.resource_version == Some(rv) {
            return;
        }
        // Every workload no controller owns (a CronJob before its first Job too), and
        // the pods under each.
        let mut owners: std::collections::BTreeMap<Workload, (Owner, usize)> = Default::default();
        for o in top_workloads(cluster) {
            owners.insert(o.workload.clone(), (o, 0));
        }
        for p in cluster.pods() {
            if let Some(o) = owner_of(cluster, p) {
                owners.entry(o.workload.clone()).or_insert((o, 0)).1 += 1;
            }
        }
        let mut pinned: std::collections::BTreeMap<String, Vec<VolumeItem>> = Default::default();
        let mut unpinned = Vec::new();
        let api = cluster.api();
        for pv in api.persistent_volumes.list() {
            let (item, node) = pv_item(pv);
            match node {
                Some(n) => pinned.entry(n).or_default().push(item),
                None => unpinned.push(item),
            }
        }
        // Claims bound to no volume yet (Pending: WaitForFirstConsumer, or nothing fits).
        for pvc in api.persistent_volume_claims.list() {
            let bound = pvc
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.as_deref())
                .is_some_and(|v| !v.is_empty());
            if bound {
                continue;
            }
            let ns = pvc.metadata.namespace.as_deref().unwrap_or_default();
            let name = pvc.metadata.name.as_deref().unwrap_or_default();
            let class = pvc
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.clone())
                .unwrap_or_default();
            let request = pvc
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_default();
            unpinned.push(VolumeItem {
                pv: String::new(),
                claim: Some(format!("{ns}/{name}")),
                phase: pvc
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Pending".into()),
                capacity: request,
                source: format!("storage class {class:?}"),
            });
        }
        *beside = Beside {
            resource_version: Some(rv),
            owners: owners.into_values().collect(),
            pinned,
            unpinned,
        };
    }

    /// The workloads that own pods, each in its colour with its pod count: a button
    /// shows it in the inspector.
    fn legend(&self) -> Html {
        let beside = self.beside.borrow();
        if beside.owners.is_empty() {
            return Html::default();
        }
        html! {
            <ul class="owners" aria-label="Workloads" data-legend="">
                { for beside.owners.iter().map(|(o, n)| {
                    let w = o.workload.clone();
                    let label = w.label();
                    let send = self.select_owner.clone();
                    let pods = if *n == 1 { "1 pod".to_string() } else { format!("{n} pods") };
                    html! {
                        <li>
                            <button class="owner owned" style={o.style()} data-owner-select={label.clone()}
                                title={format!("Inspect {label} ({pods})")}
                                onclick={move |_| send.emit(w.clone())}>
                                <span class="swatch" aria-hidden="true"></span>
                                <span class="owner-name">{ label.clone() }</span>
                                <span class="owner-count">{ pods }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        }
    }

    /// Volumes pinned to no node and claims bound to none.
    fn volumes_lane(&self) -> Html {
        let beside = self.beside.borrow();
        if beside.unpinned.is_empty() {
            return Html::default();
        }
        html! {
            <div class="lane volumes-lane" data-lane="volumes">
                <div class="lane-title">{ "Volumes and claims on no node" }</div>
                <ul class="volumes" aria-label="Volumes and claims on no node">
                    { for beside.unpinned.iter().map(volume_html) }
                </ul>
            </div>
        }
    }

    fn pending_lane(&self, cluster: &Cluster, selected: Option<&str>) -> Html {
        let pending: Vec<&Pod> = cluster
            .pods()
            .filter(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or_default()
                    .is_empty()
            })
            .collect();
        html! {
            <div class="lane" data-lane="pending" aria-label="Pending pods">
                <div class="lane-title">{ format!("Pending ({})", pending.len()) }</div>
                { for pending.iter().map(|p| {
                    let key = format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or_default(), p.metadata.name.as_deref().unwrap_or_default());
                    let why = cluster.decision(&key).and_then(|d| d.failure.clone());
                    html! {
                        <div class="pending-item">
                            { chip_html(&self.chip(cluster, p, selected).0, &self.actions.select) }
                            { for why.map(|w| html! { <div class="why" data-why="">{ w }</div> }) }
                        </div>
                    }
                }) }
            </div>
        }
    }
}

/// What the selected pod's last scheduling attempt said about each node it looked at:
/// (`chosen`, `feasible` or `rejected`, the text the node card shows).
fn verdicts(
    cluster: &Cluster,
    selected: Option<&str>,
) -> std::collections::BTreeMap<String, (&'static str, String)> {
    let mut out = std::collections::BTreeMap::new();
    let Some(key) = selected else {
        return out;
    };
    let Some(d) = cluster.decision(key) else {
        return out;
    };
    let pod = key.split_once('/').map_or(key, |(_, n)| n);
    for v in &d.nodes {
        let node = d.node_name(v);
        let verdict = match (d.rejection(v), d.total(v)) {
            (Some((_, reasons)), _) => {
                let plugin = v
                    .rejected_by()
                    .and_then(|i| d.filter_plugins.get(i))
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                let texts = reasons.to_texts().join(", ");
                ("rejected", format!("{pod}: ✗ {plugin}: {texts}"))
            }
            (None, total) if d.chosen.as_deref() == Some(node) => (
                "chosen",
                format!("{pod}: ✓ chosen (score {})", total.unwrap_or_default()),
            ),
            (None, Some(total)) => ("feasible", format!("{pod}: feasible (score {total})")),
            (None, None) => continue,
        };
        out.insert(node.to_string(), verdict);
    }
    out
}

/// A PersistentVolume as an item, and the node it is pinned to (its required node
/// affinity on `kubernetes.io/hostname`, as local and provisioned volumes have).
fn pv_item(pv: &podlab_core::model::PersistentVolume) -> (VolumeItem, Option<String>) {
    let spec = pv.spec.as_ref();
    let node = crate::common::pinned_node(pv);
    let source = if let Some(h) = spec.and_then(|s| s.host_path.as_ref()) {
        format!("hostPath {}", h.path)
    } else if let Some(l) = spec.and_then(|s| s.local.as_ref()) {
        format!("local {}", l.path)
    } else {
        "volume".into()
    };
    let claim = spec.and_then(|s| s.claim_ref.as_ref()).map(|c| {
        format!(
            "{}/{}",
            c.namespace.as_deref().unwrap_or_default(),
            c.name.as_deref().unwrap_or_default()
        )
    });
    let item = VolumeItem {
        pv: pv.metadata.name.clone().unwrap_or_default(),
        claim,
        phase: pv
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        capacity: spec
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default(),
        source,
    };
    (item, node)
}

/// Running, but its Ready condition is not True.
fn pod_not_ready(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        && !podlab_core::model::pod::is_ready(pod)
}
