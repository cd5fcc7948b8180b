//! The cluster view: the pending lane and a card per node, pods moving between them
//! (see `motion`). Its caches are keyed by resourceVersion: the node cards by the
//! cluster's and what the view shows beside the API objects, each chip by its pod's.

use crate::common::{ApplyReport, Outcome, Selected};
use crate::motion::{Leaving, Motion};
use crate::node_card::{chip_html, CardActions, CardData, Chip, NodeCard, ZONE_LABEL};
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

pub struct ClusterView {
    /// The node cards' callbacks, made once so unchanged cards are not redrawn.
    actions: CardActions,
    pub motion: Motion,
    cards: RefCell<CardCache>,
    chips: RefCell<ChipCache>,
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
            Msg::Select(_) | Msg::Inspect(_) | Msg::Deselect => Outcome::quiet(),
        }
    }

    pub fn view(&self, cluster: &Cluster, selected: Option<&Selected>, focus: &Focus) -> Html {
        let selected = match selected {
            Some(Selected::Pod(key)) => Some(key.as_str()),
            _ => None,
        };
        let cards = self.node_cards(cluster, selected);
        html! {
            <section class="cluster" aria-label="Cluster" onkeydown={self.on_key.clone()}>
                { focus.control(crate::panes::Pane::Cluster) }
                { self.pending_lane(cluster, selected) }
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
        let chips: Vec<(Chip, (i128, i128))> =
            pods.iter().map(|p| self.chip(p, selected)).collect();
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
    fn chip(&self, pod: &Pod, selected: Option<&str>) -> (Chip, (i128, i128)) {
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
                };
                let r = podlab_core::scheduler::framework::pod_requests(pod, false);
                let requests = (i128::from(r.milli_cpu), i128::from(r.memory));
                cache.insert(uid.to_string(), (rv.to_string(), chip.clone(), requests));
                (chip, requests)
            }
        };
        let selected = selected == Some(chip.key.as_str());
        (Chip { selected, ..chip }, requests)
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
                            { chip_html(&self.chip(p, selected).0, &self.actions.select) }
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

/// Running, but its Ready condition is not True.
fn pod_not_ready(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        && !podlab_core::model::pod::is_ready(pod)
}
