//! kube-scheduler in small: pick a node for each pending pod, run the Filter plugins
//! per node, Score the feasible ones, bind the best, and keep a decision record of every
//! attempt that the UI can draw ("why here, why not there?").

pub mod config;
mod decision;
pub(crate) mod equivalence;
pub mod framework;
pub mod listers;
pub(crate) mod plugins;
pub(crate) mod pod_groups;
pub mod preemption;
mod profile;
pub mod queue;
pub mod resources;
#[cfg(test)]
pub(crate) mod testing;

use crate::clock::{Rng, SimTime};
use crate::model::{Node, Pod};
use decision::FEASIBLE;
pub use decision::{Decision, FilterOutcome, NodeVerdict, PluginScore, Rejection};
use framework::{Code, FilterPlugin, NodeInfo, PodInfo, Reasons, ScorePlugin, Status};
pub use listers::{ControllerSelector, Listers};
use plugins::inter_pod_affinity::ExistingTerms;
pub use plugins::node_resources_fit::{
    Resource as FitResource, ResourceWeight, ScoringStrategy, UtilizationShapePoint,
};
pub use profile::Profile;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The scheduler's name, as pods' `spec.schedulerName` and event sources show it.
pub const SCHEDULER_NAME: &str = "default-scheduler";

/// How many nodes to look at per pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sampling {
    /// kube-scheduler's adaptive `percentageOfNodesToScore`: stop filtering once enough
    /// feasible nodes were found (all nodes in clusters under 100 nodes).
    #[default]
    Adaptive,
    /// Evaluate every node, for complete explanations.
    Exhaustive,
}

/// kube-scheduler's `numFeasibleNodesToFind` with the adaptive percentage.
pub fn num_feasible_nodes_to_find(num_all_nodes: usize) -> usize {
    num_feasible_nodes_to_find_at(0, num_all_nodes)
}

/// kube-scheduler's `numFeasibleNodesToFind` with `percentageOfNodesToScore` (0:
/// adaptive, 50% less 1% per 125 nodes, at least 5%): all nodes under 100, else that
/// share of them but at least 100.
pub fn num_feasible_nodes_to_find_at(percentage: i32, num_all_nodes: usize) -> usize {
    const MIN_FEASIBLE_NODES: usize = 100;
    const MIN_PERCENTAGE: usize = 5;
    if num_all_nodes < MIN_FEASIBLE_NODES {
        return num_all_nodes;
    }
    let percentage = match usize::try_from(percentage) {
        Ok(p) if p > 0 => p,
        _ => 50usize
            .saturating_sub(num_all_nodes / 125)
            .max(MIN_PERCENTAGE),
    };
    (num_all_nodes * percentage / 100).max(MIN_FEASIBLE_NODES)
}

/// Each image name: its size and the places of the nodes that report it.
type ImageStates<'a> = std::collections::HashMap<&'a str, (i64, Arc<[u32]>)>;

/// The scheduler's view of the cluster for one pass (its cache): every node with the
/// requests of the pods bound or assumed onto it.
#[derive(Debug, Clone)]
pub struct Snapshot<'a> {
    pub infos: Vec<NodeInfo<'a>>,
    /// Each node's place in `infos`, sorted by name (looked up by binary search).
    index: Vec<(Arc<str>, usize)>,
    /// The nodes' names in `infos` order, shared by every decision made on it.
    names: Arc<[Arc<str>]>,
    /// Every label key and value of the nodes, numbered (`NodeInfo::label_ids`).
    labels: std::collections::HashMap<&'a str, u32>,
    /// The node-only filters' verdicts per class of pods, worked out during the pass.
    equivalence: equivalence::EquivalenceCache,
    /// The bound or assumed pods with pod affinity or anti-affinity of any kind, by node
    /// (kube-scheduler's `HavePodsWithAffinityList`), with their terms compiled.
    pub(crate) with_affinity: Vec<(u32, &'a Pod, Arc<ExistingTerms>)>,
    /// Those among them with required anti-affinity
    /// (`HavePodsWithRequiredAntiAffinityList`).
    pub(crate) with_required_anti_affinity: Vec<(u32, &'a Pod, Arc<ExistingTerms>)>,
    /// The bound or assumed pods by namespace and labels, with their nodes.
    pub(crate) pod_groups: pod_groups::PodGroups<'a>,
    /// The other objects the plugins read (the scheduler's informers).
    pub(crate) listers: Listers<'a>,
    /// Each image name the nodes report: its size on the first node that has it and
    /// how many nodes have it (kube-scheduler's `imageStates`), worked out when first
    /// asked for (node objects do not change during a pass).
    image_states: std::cell::OnceCell<ImageStates<'a>>,
}

impl<'a> Snapshot<'a> {
    /// The size (on the first node, in snapshot order, that reports it) of an image
    /// called `name` and the places in `infos` of the nodes reporting it, ascending
    /// (`createImageExistenceMap`).
    pub(crate) fn image_state(&self, name: &str) -> Option<(i64, Arc<[u32]>)> {
        let states = self.image_states.get_or_init(|| {
            let mut states: std::collections::HashMap<&'a str, (i64, Vec<u32>)> =
                std::collections::HashMap::new();
            for (i, info) in self.infos.iter().enumerate() {
                let node: &'a Node = info.node;
                let i = i as u32;
                let images = node.status.as_ref().and_then(|s| s.images.as_ref());
                for image in images.into_iter().flatten() {
                    for n in image.names.iter().flatten() {
                        let size = image.size_bytes.unwrap_or(0);
                        let entry = states.entry(n.as_str()).or_insert((size, Vec::new()));
                        // A node counts once per name, with its first image of it.
                        if entry.1.last() != Some(&i) {
                            entry.1.push(i);
                        }
                    }
                }
            }
            states
                .into_iter()
                .map(|(name, (size, nodes))| (name, (size, Arc::from(nodes))))
                .collect()
        });
        states.get(name).cloned()
    }

    pub fn new(
        nodes: impl IntoIterator<Item = &'a Node>,
        pods: impl IntoIterator<Item = &'a Pod>,
    ) -> Snapshot<'a> {
        let mut infos: Vec<NodeInfo<'a>> = nodes.into_iter().map(NodeInfo::new).collect();
        let mut labels = std::collections::HashMap::new();
        for info in &mut infos {
            let map: &'a std::collections::BTreeMap<String, String> = info.labels;
            let mut id = |s: &'a str| {
                let next = labels.len() as u32;
                *labels.entry(s).or_insert(next)
            };
            info.label_ids = map.iter().map(|(k, v)| (id(k), id(v))).collect();
        }
        // What the plugins work out once per node.
        for filter in &Profile::default().filters {
            filter.prepare(&mut infos);
        }
        // A sorted vector, not a B-tree map: read-only after this, and the wasm bundle
        // then needs no map code for this key type.
        let mut index: Vec<(Arc<str>, usize)> = infos
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        crate::sort::sort_by(&mut index, |a, b| a.0.cmp(&b.0));
        // A repeated name keeps its last node, as a map would.
        index.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        let names = infos.iter().map(|n| n.name.clone()).collect();
        for (i, info) in infos.iter_mut().enumerate() {
            info.index = i as u32;
        }
        let mut snap = Snapshot {
            infos,
            index,
            names,
            labels,
            equivalence: Default::default(),
            with_affinity: Vec::new(),
            with_required_anti_affinity: Vec::new(),
            pod_groups: Default::default(),
            listers: Listers::default(),
            image_states: Default::default(),
        };
        for p in pods {
            if let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
                if !is_terminal(p) {
                    snap.assume(node, p);
                }
            }
        }
        snap
    }

    /// What PreFilter works out for `pod` against this snapshot (its node selector
    /// compiled to the snapshot's label ids).
    pub fn pod_info<'p>(&self, pod: &'p Pod) -> PodInfo<'p> {
        let mut info = PodInfo::new(pod);
        info.compile_selector(&self.labels);
        info
    }

    /// The snapshot with the cluster's other objects the plugins read.
    pub fn with_listers(mut self, listers: Listers<'a>) -> Snapshot<'a> {
        self.listers = listers;
        self
    }

    /// The id of a label key or value in the nodes' label table; `None` when no node
    /// has it.
    pub fn label_id(&self, text: &str) -> Option<u32> {
        self.labels.get(text).copied()
    }

    /// Counts `pod` on `node` (kube-scheduler's AssumePod).
    pub fn assume(&mut self, node: &str, pod: &'a Pod) {
        if let Some(i) = self.position(node) {
            self.infos[i].add_pod(pod);
            self.pod_groups.add(i as u32, pod);
            self.note_affinity(i, pod);
        }
    }

    /// [`Snapshot::assume`] for a pod whose PreFilter ran already.
    pub fn assume_info(&mut self, node: &str, pod: &PodInfo<'a>) {
        if let Some(i) = self.position(node) {
            self.infos[i].add(pod);
            self.pod_groups.add(i as u32, pod.pod);
            self.note_affinity(i, pod.pod);
        }
    }

    /// Stops counting a pod [`Snapshot::assume`] counted on `node` (a nominated pod
    /// counted only while a pod of lower or equal priority is tried).
    pub fn forget(&mut self, node: &str, pod: &Pod) {
        if let Some(i) = self.position(node) {
            if self.infos[i].take_pod(pod).is_some() {
                self.pod_groups.remove(i as u32, pod);
            }
            self.with_affinity
                .retain(|(_, p, _)| !std::ptr::eq(*p, pod));
            self.with_required_anti_affinity
                .retain(|(_, p, _)| !std::ptr::eq(*p, pod));
        }
    }

    /// Keeps a pod with pod (anti-)affinity in the lists InterPodAffinity reads.
    fn note_affinity(&mut self, node: usize, pod: &'a Pod) {
        let Some(affinity) = pod.spec.as_ref().and_then(|s| s.affinity.as_ref()) else {
            return;
        };
        if affinity.pod_affinity.is_none() && affinity.pod_anti_affinity.is_none() {
            return;
        }
        // A pod of the same namespace and pod (anti-)affinity as the last one noted (a
        // workload's pods, as they come) has the same compiled terms: shared, so that
        // InterPodAffinity matches them once for a run of such pods.
        let same = |other: &Pod| {
            let theirs = other.spec.as_ref().and_then(|s| s.affinity.as_ref());
            other.metadata.namespace == pod.metadata.namespace
                && theirs.is_some_and(|a| {
                    a.pod_affinity == affinity.pod_affinity
                        && a.pod_anti_affinity == affinity.pod_anti_affinity
                })
        };
        let terms = match self.with_affinity.last() {
            Some((_, other, terms)) if same(other) => terms.clone(),
            _ => Arc::new(ExistingTerms::of(pod, self)),
        };
        if terms.has_required_anti_affinity() {
            self.with_required_anti_affinity
                .push((node as u32, pod, terms.clone()));
        }
        self.with_affinity.push((node as u32, pod, terms));
    }

    /// The place of the node called `node` in `infos`.
    pub(crate) fn position(&self, node: &str) -> Option<usize> {
        let at = self
            .index
            .binary_search_by(|(name, _)| (**name).cmp(node))
            .ok()?;
        Some(self.index[at].1)
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(from = "SchedulerState", into = "SchedulerState")]
pub struct Scheduler {
    /// The profiles, one per scheduler name, from the configuration (the default
    /// profile without one).
    profiles: Vec<Profile>,
    /// The KubeSchedulerConfiguration; `None` for kube-scheduler's defaults.
    config: Option<config::SchedulerConfiguration>,
    pub sampling: Sampling,
    /// Where the next pod's node search starts (round-robin, as kube-scheduler).
    next_start_node_index: usize,
    rng: Rng,
    /// Buffers one attempt works in, kept between attempts (a decision copies out what
    /// it keeps, at its exact size).
    scratch: Scratch,
}

/// The scheduler as snapshots keep it: the configuration as its text (older
/// snapshots have none), the profiles built from it again.
#[derive(Serialize, Deserialize)]
struct SchedulerState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config: Option<ConfigText>,
    sampling: Sampling,
    next_start_node_index: usize,
    rng: Rng,
}

/// A configuration saved as the text it was read from, read again on restore.
struct ConfigText(config::SchedulerConfiguration);

impl Serialize for ConfigText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.text())
    }
}

impl<'de> Deserialize<'de> for ConfigText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ConfigText, D::Error> {
        let text = String::deserialize(d)?;
        config::parse("the saved scheduler configuration", &text)
            .map(ConfigText)
            .map_err(|errors| {
                let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                serde::de::Error::custom(texts.join("; "))
            })
    }
}

impl From<SchedulerState> for Scheduler {
    fn from(s: SchedulerState) -> Scheduler {
        let mut scheduler = Scheduler {
            profiles: vec![Profile::default()],
            config: None,
            sampling: s.sampling,
            next_start_node_index: s.next_start_node_index,
            rng: s.rng,
            scratch: Scratch::default(),
        };
        scheduler.configure(s.config.map(|c| c.0));
        scheduler
    }
}

impl From<Scheduler> for SchedulerState {
    fn from(s: Scheduler) -> SchedulerState {
        SchedulerState {
            config: s.config.map(ConfigText),
            sampling: s.sampling,
            next_start_node_index: s.next_start_node_index,
            rng: s.rng,
        }
    }
}

#[derive(Debug, Default)]
struct Scratch {
    verdicts: Vec<NodeVerdict>,
    /// (place in `verdicts`, node index) of each feasible node.
    feasible: Vec<(u32, u32)>,
    /// One score plugin's raw scores of the feasible nodes.
    raw: Vec<i64>,
    /// The same normalized.
    column: Vec<i64>,
    slots: Vec<u32>,
}

/// A copy runs the same profiles (built again from the configuration) with the same
/// state.
impl Clone for Scheduler {
    fn clone(&self) -> Scheduler {
        Scheduler::from(SchedulerState {
            config: self.config.clone().map(ConfigText),
            sampling: self.sampling,
            next_start_node_index: self.next_start_node_index,
            rng: self.rng.clone(),
        })
    }
}

impl Scheduler {
    pub fn new(seed: u64) -> Scheduler {
        Scheduler {
            profiles: vec![Profile::default()],
            config: None,
            sampling: Sampling::Adaptive,
            next_start_node_index: 0,
            rng: Rng::new(seed ^ 0x5c4e_d01e),
            scratch: Scratch::default(),
        }
    }

    /// Runs the profiles of `config` from the next attempt on (`None`: kube-scheduler's
    /// default profile).
    pub fn configure(&mut self, config: Option<config::SchedulerConfiguration>) {
        self.profiles = match &config {
            Some(c) => c.profiles.iter().map(Profile::from_config).collect(),
            None => vec![Profile::default()],
        };
        self.config = config;
    }

    /// The configuration the scheduler runs; `None` for the defaults.
    pub fn configuration(&self) -> Option<&config::SchedulerConfiguration> {
        self.config.as_ref()
    }

    /// The profiles, in the configuration's order.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profile that schedules pods naming `scheduler_name`.
    pub fn profile(&self, scheduler_name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.scheduler_name == scheduler_name)
    }

    /// The place of the profile for `pod` (by `spec.schedulerName`), the first one
    /// when none names it.
    fn profile_index(&self, pod: &Pod) -> usize {
        let name = pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.as_deref())
            .unwrap_or(SCHEDULER_NAME);
        self.profiles
            .iter()
            .position(|p| p.scheduler_name == name)
            .unwrap_or(0)
    }

    /// Runs `f` with the profile for `pod` (and its place), lent out of the scheduler.
    fn with_profile<R>(
        &mut self,
        pod: &Pod,
        f: impl FnOnce(&mut Scheduler, &Profile, usize) -> R,
    ) -> R {
        let index = self.profile_index(pod);
        let profiles = std::mem::take(&mut self.profiles);
        let fallback;
        let profile = match profiles.get(index) {
            Some(p) => p,
            None => {
                fallback = Profile::default();
                &fallback
            }
        };
        let result = f(self, profile, index);
        self.profiles = profiles;
        result
    }

    /// Finds a node for `pod` in `snapshot` with the profile its `spec.schedulerName`
    /// names. The caller assumes the pod onto the chosen node ([`Snapshot::assume`]) so
    /// the next pod of the same pass sees it.
    pub fn schedule(&mut self, pod: &Pod, snapshot: &mut Snapshot<'_>, at: SimTime) -> Decision {
        self.with_profile(pod, |s, profile, index| {
            let info = Scheduler::pre_filter(profile, pod, snapshot);
            s.schedule_info(profile, index, &info, snapshot, at)
        })
    }

    /// PreFilter: the pod's node selector compiled against the snapshot, and what each
    /// plugin works out for it over the whole snapshot.
    fn pre_filter<'p>(profile: &Profile, pod: &'p Pod, snapshot: &Snapshot<'_>) -> PodInfo<'p> {
        let mut info = snapshot.pod_info(pod);
        for f in &profile.filters {
            f.pre_filter(&mut info, snapshot);
        }
        for s in &profile.scores {
            s.pre_score(&mut info, snapshot);
        }
        info
    }

    /// [`Scheduler::schedule`], then the pod assumed onto the chosen node.
    pub fn schedule_and_assume<'a>(
        &mut self,
        pod: &'a Pod,
        snapshot: &mut Snapshot<'a>,
        at: SimTime,
    ) -> Decision {
        self.with_profile(pod, |s, profile, index| {
            let info = Scheduler::pre_filter(profile, pod, snapshot);
            let decision = s.schedule_info(profile, index, &info, snapshot, at);
            if let Some(node) = &decision.chosen {
                snapshot.assume_info(node, &info);
            }
            decision
        })
    }

    fn schedule_info(
        &mut self,
        profile: &Profile,
        index: usize,
        pod: &PodInfo<'_>,
        snapshot: &mut Snapshot<'_>,
        at: SimTime,
    ) -> Decision {
        let mut scratch = std::mem::take(&mut self.scratch);
        // evaluateNominatedNode: a pod nominated by an earlier preemption tries that
        // node first, and takes it if it passes the filters.
        let nominated = pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .and_then(|n| snapshot.position(n));
        let mut decision = match nominated {
            Some(n) => {
                let d = self.attempt(profile, index, pod, snapshot, at, &mut scratch, Some(n));
                if d.chosen.is_some() {
                    d
                } else {
                    self.attempt(profile, index, pod, snapshot, at, &mut scratch, None)
                }
            }
            None => self.attempt(profile, index, pod, snapshot, at, &mut scratch, None),
        };
        self.scratch = scratch;
        if let (None, Some(preemption)) = (&decision.chosen, &profile.preemption) {
            self.post_filter(profile, preemption, pod, snapshot, &mut decision);
        }
        decision
    }

    /// PostFilter (DefaultPreemption) after a pass without a feasible node: the pod
    /// nominated to a node once victims go, or why not, added to the FitError message.
    fn post_filter(
        &mut self,
        profile: &Profile,
        preemption: &plugins::DefaultPreemption,
        pod: &PodInfo<'_>,
        snapshot: &Snapshot<'_>,
        decision: &mut Decision,
    ) {
        if snapshot.infos.is_empty() {
            return;
        }
        let verdicts: Vec<(usize, Code)> = decision
            .nodes
            .iter()
            .map(|v| (v.node as usize, v.code))
            .collect();
        let filters = &profile.filters;
        let outcome = preemption.post_filter(filters, pod, snapshot, &verdicts, &mut self.rng);
        if let Some(failure) = decision.failure.as_mut() {
            if !outcome.message.is_empty() {
                failure.push(' ');
                failure.push_str(&outcome.message);
            }
        }
        decision.post_filter = Some(outcome.result);
        decision.preemption = outcome.choice;
    }

    #[allow(clippy::too_many_arguments)]
    fn attempt(
        &mut self,
        profile: &Profile,
        profile_index: usize,
        pod: &PodInfo<'_>,
        snapshot: &mut Snapshot<'_>,
        at: SimTime,
        scratch: &mut Scratch,
        only: Option<usize>,
    ) -> Decision {
        let key = format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or_default()
        );
        let Snapshot {
            infos,
            names,
            equivalence,
            ..
        } = snapshot;
        let infos = &*infos;
        let total = infos.len();
        // PreFilter rejected the pod as a whole: every node has that status, and no
        // Filter runs.
        let pre_filter =
            profile
                .filters
                .iter()
                .enumerate()
                .find_map(|(i, f)| match f.pre_filter_status(pod) {
                    Some(Status::Rejected { code, reasons }) => Some((i, code, reasons)),
                    _ => None,
                });
        let percentage = profile
            .percentage_of_nodes_to_score
            .or(self.config.as_ref().map(|c| c.percentage_of_nodes_to_score))
            .unwrap_or(0);
        let want = match self.sampling {
            Sampling::Adaptive => num_feasible_nodes_to_find_at(percentage, total),
            Sampling::Exhaustive => total,
        };
        // PreFilter: the filters that concern this pod, with their places in the profile;
        // the leading node-only ones, whose verdicts the pod's equivalence class shares,
        // apart from the rest.
        let node_only = profile.filters.iter().take_while(|f| f.node_only()).count();
        let (mut shared, mut own): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
        for (i, f) in profile.filters.iter().enumerate() {
            if !f.skip(pod) {
                let list = if i < node_only { &mut shared } else { &mut own };
                list.push((i, f.as_ref()));
            }
        }
        let mut class = equivalence.class_of(pod, total, profile_index);
        let Scratch {
            verdicts,
            feasible: feasible_idx,
            raw,
            column,
            slots,
        } = scratch;
        verdicts.clear();
        feasible_idx.clear();
        // A class's reasons by their place in the decision's table, as they come up.
        slots.clear();
        let mut rejections = Vec::new();
        let mut last_reasons = 0;
        if let Some((plugin, code, reasons)) = &pre_filter {
            let plugin = u8::try_from(*plugin).unwrap_or(FEASIBLE - 1);
            verdicts.extend((0..total as u32).map(|node| NodeVerdict {
                node,
                slot: 0,
                plugin,
                code: *code,
            }));
            rejections.push(reasons.clone());
        }
        let start = if total == 0 {
            0
        } else {
            self.next_start_node_index % total
        };
        // Round-robin from `start`: the index wraps by a compare, not a division. A
        // pod's nominated node alone is one step from it.
        let (mut idx, count) = match only {
            Some(n) if n < total => (n, 1),
            _ => (start, total),
        };
        for _ in 0..count {
            if feasible_idx.len() >= want || pre_filter.is_some() {
                break;
            }
            let at = idx;
            idx += 1;
            if idx == total {
                idx = 0;
            }
            let idx = at;
            let info = &infos[idx];
            let first = match class.as_deref_mut() {
                Some(class) => {
                    let cached = class.verdict(idx, |table, last| {
                        run_filters(&shared, pod, info, table, last)
                    });
                    cached.map(|(plugin, code, slot)| {
                        let slot = slot as usize;
                        if slots.len() <= slot {
                            slots.resize(slot + 1, u32::MAX);
                        }
                        if slots[slot] == u32::MAX {
                            rejections.push(class.reasons[slot].clone());
                            slots[slot] = (rejections.len() - 1) as u32;
                        }
                        (plugin, code, slots[slot])
                    })
                }
                None => run_filters(&shared, pod, info, &mut rejections, &mut last_reasons),
            };
            let outcome = match first {
                None => run_filters(&own, pod, info, &mut rejections, &mut last_reasons),
                rejected => rejected,
            };
            let verdict = match outcome {
                None => {
                    feasible_idx.push((verdicts.len() as u32, idx as u32));
                    NodeVerdict {
                        node: idx as u32,
                        slot: (feasible_idx.len() - 1) as u32,
                        plugin: FEASIBLE,
                        code: Code::Success,
                    }
                }
                Some((plugin, code, slot)) => NodeVerdict {
                    node: idx as u32,
                    slot,
                    plugin,
                    code,
                },
            };
            verdicts.push(verdict);
        }
        let evaluated = verdicts.len();
        if total > 0 && pre_filter.is_none() && only.is_none() {
            self.next_start_node_index = (start + evaluated) % total;
        }

        let mut decision = Decision {
            pod: key,
            at,
            total_nodes: total,
            evaluated,
            feasible: feasible_idx.len(),
            filter_plugins: profile
                .filters
                .iter()
                .map(|p| Cow::Borrowed(p.name()))
                .collect(),
            names: names.clone(),
            nodes: verdicts.to_vec(),
            rejections,
            score_columns: Vec::new(),
            scores: decision::ScoreTable::default(),
            chosen: None,
            failure: None,
            post_filter: None,
            preemption: None,
        };
        if feasible_idx.is_empty() {
            decision.failure = Some(match &pre_filter {
                Some((_, _, reasons)) => pre_filter_error_message(total, reasons, &decision),
                None => fit_error_message(total, &decision),
            });
            return decision;
        }

        // Score, normalize, weigh. PreScore may skip a plugin for this pod: it then
        // takes no part.
        let scoring: Vec<&dyn ScorePlugin> = profile
            .scores
            .iter()
            .map(|p| p.as_ref())
            .filter(|p| !p.skip(pod))
            .collect();
        let n = scoring.len();
        let f = feasible_idx.len();
        // Plugin by plugin (one plugin's scores of every feasible node together, in
        // the scratch buffers), each node's (raw, normalized) pair written into its row
        // of the record; the totals from the first plugin's weighed scores on. Every
        // entry of `rows` is written over: the fill value is never kept.
        let mut rows = vec![[i32::MIN, i32::MIN]; f * n];
        let mut totals: Vec<i64> = Vec::with_capacity(f);
        let feasible_infos: Vec<&NodeInfo<'_>> = feasible_idx
            .iter()
            .map(|&(_, i)| &infos[i as usize])
            .collect();
        for (j, plugin) in scoring.iter().enumerate() {
            raw.clear();
            plugin.score_nodes(pod, &feasible_infos, raw);
            // One score per feasible node, whatever the plugin gave.
            raw.resize(f, 0);
            column.clear();
            column.extend_from_slice(raw);
            plugin.normalize_nodes(pod, &feasible_infos, column);
            column.resize(f, 0);
            let weight = plugin.weight();
            for ((row, &r), &c) in rows.chunks_exact_mut(n).zip(raw.iter()).zip(column.iter()) {
                if let Some(pair) = row.get_mut(j) {
                    *pair = [small_score(r), small_score(c)];
                }
            }
            if totals.is_empty() {
                totals.extend(column.iter().map(|&c| c * weight));
            } else {
                for (total, &c) in totals.iter_mut().zip(column.iter()) {
                    *total += c * weight;
                }
            }
        }
        totals.resize(f, 0);
        // selectHost: the highest total; ties broken uniformly at random (seeded).
        let mut best: Option<(i64, usize)> = None;
        let mut ties = 0u64;
        for (&(v, _), &t) in feasible_idx.iter().zip(&totals) {
            let v = v as usize;
            match best {
                Some((b, _)) if t < b => {}
                Some((b, _)) if t == b => {
                    ties += 1;
                    if self.rng.below(ties + 1) == 0 {
                        best = Some((t, v));
                    }
                }
                _ => {
                    best = Some((t, v));
                    ties = 0;
                }
            }
        }
        decision.chosen = best.map(|(_, v)| names[verdicts[v].node as usize].to_string());
        decision.scores = decision::ScoreTable::from_rows(n, &rows, &totals);
        decision.score_columns = scoring
            .iter()
            .map(|p| (Cow::Borrowed(p.name()), p.weight()))
            .collect();
        decision
    }
}

/// A score as a decision keeps it: small (0..=100 normalized), a larger raw one
/// saturated at i32's bounds.
#[inline(always)]
fn small_score(v: i64) -> i32 {
    match i32::try_from(v) {
        Ok(v) => v,
        Err(_) => saturated(v),
    }
}

#[cold]
#[inline(never)]
fn saturated(v: i64) -> i32 {
    if v < 0 {
        i32::MIN
    } else {
        i32::MAX
    }
}

/// The place of `reasons` in a decision's table of them, added if new. Most nodes are
/// rejected for one of a few reasons, shared (fixed texts, or texts a plugin's
/// `prepare` shares among a snapshot's nodes, as TaintToleration does a taint's), so
/// they are told apart by address: the last one used is tried first, then the 16
/// before it.
fn intern_reasons(table: &mut Vec<Reasons>, last: &mut usize, reasons: &Reasons) -> u32 {
    let same = |a: &Reasons| a.same_as(reasons);
    if table.get(*last).is_some_and(same) {
        return *last as u32;
    }
    let from = table.len().saturating_sub(16);
    if let Some(i) = table[from..].iter().position(same) {
        *last = from + i;
        return *last as u32;
    }
    table.push(reasons.clone());
    *last = table.len() - 1;
    *last as u32
}

/// The filters in order until one rejects the node: (its index, code, the place of
/// its reasons in `table`). The reasons are looked at in place, not moved: most are
/// in the table already.
fn run_filters(
    filters: &[(usize, &dyn FilterPlugin)],
    pod: &PodInfo<'_>,
    info: &NodeInfo<'_>,
    table: &mut Vec<Reasons>,
    last: &mut usize,
) -> Option<(u8, Code, u32)> {
    for &(plugin, filter) in filters {
        let status = filter.filter(pod, info);
        if !status.is_success() {
            return Some(rejected(plugin, status, table, last));
        }
    }
    None
}

/// [`run_filters`]' answer for the filter at `plugin` rejecting the node (kept out of
/// the passing nodes' way).
#[cold]
#[inline(never)]
fn rejected(
    plugin: usize,
    status: Status,
    table: &mut Vec<Reasons>,
    last: &mut usize,
) -> (u8, Code, u32) {
    let code = status.code();
    let slot = match &status {
        Status::Rejected { reasons, .. } => intern_reasons(table, last, reasons),
        Status::Success => 0,
    };
    (u8::try_from(plugin).unwrap_or(FEASIBLE - 1), code, slot)
}

fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded") | Some("Failed")
    )
}

/// Counts reasons over nodes and renders them as kube-scheduler does: `"N reason"`
/// strings sorted, joined by ", ".
fn histogram<'a>(reasons: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reasons {
        *counts.entry(r).or_default() += 1;
    }
    let mut parts: Vec<String> = counts
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    crate::sort::sort(&mut parts);
    parts.join(", ")
}

/// The FailedScheduling message when a PreFilter plugin rejected the pod: its
/// message once (`FitError.Error()` with `PreFilterMsg`), then DefaultPreemption's.
fn pre_filter_error_message(total: usize, reasons: &Reasons, decision: &Decision) -> String {
    let message = reasons.to_texts().join(", ");
    let full = fit_error_message(total, decision);
    let preemption = full
        .find(" preemption: ")
        .map(|i| &full[i..])
        .unwrap_or_default();
    format!("0/{total} nodes are available: {message}.{preemption}")
}

/// The FailedScheduling message's FitError part (`FitError.Error()`; the PostFilter's
/// message follows it, [`Scheduler::post_filter`]).
pub fn fit_error_message(total: usize, decision: &Decision) -> String {
    let failures: Vec<(Code, &Reasons)> = decision
        .nodes
        .iter()
        .filter_map(|v| decision.rejection(v))
        .collect();
    let mut msg = format!("0/{total} nodes are available");
    let filter_msg = histogram(failures.iter().flat_map(|(_, r)| r.iter().map(|r| &**r)));
    if !filter_msg.is_empty() {
        msg.push_str(&format!(": {filter_msg}."));
    } else {
        msg.push('.');
    }
    msg
}

/// The scheduling queue asks the filter plugins of the profile that schedules the pod.
impl queue::HintPlugins for Scheduler {
    fn hint_plugins(&self, pod: &Pod) -> &[Box<dyn FilterPlugin>] {
        self.profiles
            .get(self.profile_index(pod))
            .map(|p| p.filters.as_slice())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> Node {
        serde_json::from_value(serde_json::json!({"metadata": {"name": name}})).unwrap()
    }

    fn pod(node: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}
        }))
        .unwrap()
    }

    /// Every name finds its node; a repeated name finds the last node of that name.
    #[test]
    fn the_snapshot_finds_nodes_by_name() {
        let nodes = [node("b"), node("a"), node("c"), node("a")];
        let pods = [pod("a"), pod("b"), pod("c"), pod("c"), pod("missing")];
        let snap = Snapshot::new(&nodes, &pods);
        let counts: Vec<i64> = snap.infos.iter().map(|i| i.requested.pods).collect();
        assert_eq!(counts, [1, 0, 2, 1]);
    }
}
