//! A node as a card (name, Ready, actions, roles, zone, labels, taints, requests against
//! allocatable, the volumes pinned to it, its pods as chips), and a pod's chip. Cards get their data and
//! callbacks as props: an unchanged card is not redrawn.

use crate::owners::Owner;
use yew::prelude::*;

/// The well-known label naming a node's zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// What a pod chip shows; equal chips draw the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    pub key: String,
    pub name: String,
    pub phase: String,
    pub status: String,
    /// Running but not Ready (a readiness probe failing, a container restarting): the
    /// pod gets no Service traffic.
    pub not_ready: bool,
    /// The READY column (`1/2`).
    pub ready: String,
    pub selected: bool,
    /// The workload it belongs to (drawn in its colour), if a controller owns it.
    pub owner: Option<Owner>,
}

pub fn chip_html(c: &Chip, select: &Callback<String>) -> Html {
    let key = c.key.clone();
    let select = select.clone();
    let owner = c.owner.as_ref().map(|o| o.workload.label());
    let controlled = owner
        .as_ref()
        .map(|o| format!(", controlled by {o}"))
        .unwrap_or_default();
    html! {
        <button key={c.key.clone()} class={classes!("pod", c.phase.to_lowercase(), c.not_ready.then_some("not-ready"), c.selected.then_some("selected"), c.owner.is_some().then_some("owned"))}
            data-pod={c.key.clone()} data-phase={c.phase.clone()} data-status={c.status.clone()}
            data-ready={c.ready.clone()} data-owner={owner.clone()}
            style={c.owner.as_ref().map(Owner::style)}
            title={format!("{}: {}, {} ready{}{controlled}", c.key, c.status, c.ready, if c.not_ready { " (not Ready: no Service traffic)" } else { "" })}
            onclick={move |_| select.emit(key.clone())}>
            <span class="pod-name">{ &c.name }</span>
            <span class="pod-status">{ &c.status }{ if c.not_ready { format!(" {}", c.ready) } else { String::new() } }</span>
        </button>
    }
}

/// A PersistentVolume pinned to a node (a local or hostPath volume with node
/// affinity), and the claim bound to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeItem {
    pub pv: String,
    /// The claim (`namespace/name`) bound to it, if any.
    pub claim: Option<String>,
    /// Available, Bound, Released, Failed.
    pub phase: String,
    pub capacity: String,
    /// Where its files are on the node (`hostPath /mnt/data`, `local /opt/x`).
    pub source: String,
}

/// A volume as a small item: claim → volume, status, capacity (a claim bound to no
/// volume yet has no volume name).
pub fn volume_html(v: &VolumeItem) -> Html {
    let name = match (&v.claim, v.pv.is_empty()) {
        (Some(c), true) => format!("pvc {c}"),
        (Some(c), false) => format!("pvc {c} \u{2192} pv {}", v.pv),
        (None, _) => format!("pv {}", v.pv),
    };
    let what = if v.pv.is_empty() {
        format!(
            "PersistentVolumeClaim {}",
            v.claim.as_deref().unwrap_or_default()
        )
    } else {
        format!("PersistentVolume {}", v.pv)
    };
    html! {
        <li class={classes!("volume", v.phase.to_lowercase())} data-pv={(!v.pv.is_empty()).then(|| v.pv.clone())} data-claim={v.claim.clone()}
            data-volume-phase={v.phase.clone()} title={format!("{what} ({}), {}", v.source, v.phase)}>
            <span class="volume-name">{ name }</span>
            <span class="volume-status">{ format!("{} · {}", v.phase, v.capacity) }</span>
        </li>
    }
}

/// What a node card shows, worked out from the cluster each render; a card whose data
/// is unchanged is not redrawn (on a busy cluster most are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardData {
    pub name: String,
    pub roles: String,
    /// The node's zone (its `topology.kubernetes.io/zone` label), if it has one.
    pub zone: Option<String>,
    /// The node's own labels (`key=value`), not the well-known ones every node has.
    pub labels: Vec<String>,
    /// (key, `key=value:Effect`).
    pub taints: Vec<(String, String)>,
    pub ready: bool,
    pub cordoned: bool,
    pub kubelet_running: bool,
    pub cpu_pct: i128,
    pub memory_pct: i128,
    pub chips: Vec<Chip>,
    /// The PersistentVolumes pinned to the node.
    pub volumes: Vec<VolumeItem>,
    /// Pods that just left the node (key, name), drawn fading out.
    pub leaving: Vec<(String, String)>,
    /// What the selected pod's scheduling said about this node (class, text).
    pub verdict: Option<(&'static str, String)>,
}

/// The callbacks a node card sends: made once, so that cards compare equal.
#[derive(Clone, PartialEq)]
pub struct CardActions {
    pub select: Callback<String>,
    pub cordon: Callback<(String, bool)>,
    pub kubelet: Callback<(String, bool)>,
    pub inspect: Callback<String>,
}

#[derive(Properties, PartialEq)]
pub struct NodeCardProps {
    pub data: std::rc::Rc<CardData>,
    pub actions: CardActions,
}

/// A node as a card: name, Ready, actions, roles, taints, requested vs allocatable,
/// and its pods as chips.
#[function_component(NodeCard)]
pub fn node_card(props: &NodeCardProps) -> Html {
    let d = &*props.data;
    let bar = |label: &str, pct: i128| {
        html! {
            <div class="bar" title={format!("{label} requests: {pct}% of allocatable")}>
                <span class="bar-label">{ label }</span>
                <span class="bar-track"><span class="bar-fill" style={format!("width:{pct}%")}></span></span>
                <span class="bar-pct">{ format!("{pct}%") }</span>
            </div>
        }
    };
    let (ready, cordoned, running) = (d.ready, d.cordoned, d.kubelet_running);
    let cordon = {
        let (n, cb) = (d.name.clone(), props.actions.cordon.clone());
        move |_| cb.emit((n.clone(), !cordoned))
    };
    let kubelet = {
        let (n, cb) = (d.name.clone(), props.actions.kubelet.clone());
        move |_| cb.emit((n.clone(), !running))
    };
    html! {
        <article class={classes!("node-card", (!ready).then_some("not-ready"))} data-node={d.name.clone()}>
            <header>
                <h2><button class="link" data-action="inspect-node" title="Inspect the node: labels, taints, conditions, capacity, actions"
                    onclick={{ let (n, cb) = (d.name.clone(), props.actions.inspect.clone()); move |_| cb.emit(n.clone()) }}>{ &d.name }</button></h2>
                <span class={classes!("ready", if ready { "yes" } else { "no" })} data-node-status="">{
                    format!("{}{}", if ready { "Ready" } else { "NotReady" }, if cordoned { ",SchedulingDisabled" } else { "" })
                }</span>
            </header>
            <div class="node-actions">
                <button data-action="cordon" aria-pressed={cordoned.to_string()}
                    title="kubectl cordon / uncordon" onclick={cordon}>
                    { if cordoned { "Uncordon" } else { "Cordon" } }
                </button>
                <button data-action="kubelet" aria-pressed={(!running).to_string()}
                    title="systemctl stop / start kubelet on the node: stopped, the node goes NotReady after 50 s and its pods are evicted after 5 min"
                    onclick={kubelet}>
                    { if running { "Stop kubelet" } else { "Start kubelet" } }
                </button>
            </div>
            <div class="roles">{ &d.roles }</div>
            if let Some(zone) = &d.zone {
                <div class="zone" data-zone={zone.clone()} title={format!("{ZONE_LABEL}={zone}")}>{ format!("zone {zone}") }</div>
            }
            if !d.labels.is_empty() {
                <ul class="labels" aria-label="Labels">
                    { for d.labels.iter().map(|l| html! { <li class="label" data-card-label={l.clone()}>{ l }</li> }) }
                </ul>
            }
            <ul class="taints" aria-label="Taints">
                { for d.taints.iter().map(|(key, text)| html! {
                    <li class="taint" data-taint={key.clone()}>{ text }</li>
                }) }
            </ul>
            { bar("cpu", d.cpu_pct) }
            { bar("memory", d.memory_pct) }
            { for d.verdict.as_ref().map(|(class, text)| html! {
                <div class={classes!("verdict", *class)} data-verdict={*class}>{ text }</div>
            }) }
            if !d.volumes.is_empty() {
                <ul class="volumes" aria-label="Volumes on this node">
                    { for d.volumes.iter().map(volume_html) }
                </ul>
            }
            <div class="pods">
                { for d.chips.iter().map(|c| chip_html(c, &props.actions.select)) }
                { for d.leaving.iter().map(|(key, name)| html! {
                    <span key={format!("leaving/{key}")} class="pod leaving" data-leaving={key.clone()} aria-hidden="true">
                        <span class="pod-name">{ name }</span>
                    </span>
                }) }
            </div>
        </article>
    }
}
