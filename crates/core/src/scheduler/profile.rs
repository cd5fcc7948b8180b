//! A scheduling profile (kube-scheduler's framework for one `schedulerName`): its
//! filter and score plugins in order, with their weights and arguments, whether it
//! preempts (DefaultPreemption at PostFilter) and honours scheduling gates
//! (SchedulingGates at PreEnqueue), and its `percentageOfNodesToScore`. The default
//! profile is kube-scheduler's `getDefaultPlugins`; [`Profile::from_config`] builds one
//! from a [`ProfileConfig`](super::config::ProfileConfig).

use super::config::registry::ExtensionPoint;
use super::config::ProfileConfig;
use super::framework::{FilterPlugin, NodeInfo, PodInfo, ScorePlugin};
use super::plugins;
use super::Snapshot;
use super::{ScoringStrategy, SCHEDULER_NAME};

/// The plugins of one profile, in its order.
pub struct Profile {
    /// The `spec.schedulerName` of the pods it schedules.
    pub scheduler_name: String,
    pub filters: Vec<Box<dyn FilterPlugin>>,
    pub scores: Vec<Box<dyn ScorePlugin>>,
    /// DefaultPreemption, with its arguments, when it runs at PostFilter.
    pub preemption: Option<plugins::DefaultPreemption>,
    /// SchedulingGates runs at PreEnqueue (a gated pod waits outside the queue).
    pub scheduling_gates: bool,
    /// The profile's own `percentageOfNodesToScore`, over the configuration's.
    pub percentage_of_nodes_to_score: Option<i32>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::with_fit_strategy(ScoringStrategy::default())
    }
}

fn filter_plugin(name: &str, config: &ProfileConfig) -> Option<Box<dyn FilterPlugin>> {
    let (strategy, inter_pod_affinity) = (&config.fit_strategy, config.inter_pod_affinity);
    let pod_topology_spread = config.pod_topology_spread.clone();
    use plugins::*;
    Some(match name {
        "NodeUnschedulable" => Box::new(NodeUnschedulable),
        "NodeName" => Box::new(NodeName),
        "TaintToleration" => Box::new(TaintToleration),
        "NodeAffinity" => Box::new(config.node_affinity.clone()),
        "NodePorts" => Box::new(NodePorts),
        "NodeResourcesFit" => Box::new(NodeResourcesFit {
            strategy: strategy.clone(),
        }),
        "VolumeRestrictions" => Box::new(VolumeRestrictions),
        "VolumeBinding" => Box::new(VolumeBinding),
        "PodTopologySpread" => Box::new(pod_topology_spread),
        "InterPodAffinity" => Box::new(inter_pod_affinity),
        _ => return None,
    })
}

fn score_plugin(name: &str, config: &ProfileConfig) -> Option<Box<dyn ScorePlugin>> {
    let (strategy, inter_pod_affinity) = (&config.fit_strategy, config.inter_pod_affinity);
    let pod_topology_spread = config.pod_topology_spread.clone();
    use plugins::*;
    Some(match name {
        "TaintToleration" => Box::new(TaintToleration),
        "NodeAffinity" => Box::new(config.node_affinity.clone()),
        "NodeResourcesFit" => Box::new(NodeResourcesFit {
            strategy: strategy.clone(),
        }),
        "PodTopologySpread" => Box::new(pod_topology_spread),
        "InterPodAffinity" => Box::new(inter_pod_affinity),
        "NodeResourcesBalancedAllocation" => Box::new(config.balanced_allocation.clone()),
        "ImageLocality" => Box::new(ImageLocality),
        _ => return None,
    })
}

impl Profile {
    /// The default profile with NodeResourcesFit scoring by `strategy`
    /// (`NodeResourcesFitArgs.scoringStrategy`, which a profile's configuration chooses).
    pub fn with_fit_strategy(strategy: ScoringStrategy) -> Profile {
        use plugins::*;
        Profile {
            scheduler_name: SCHEDULER_NAME.to_string(),
            filters: vec![
                Box::new(NodeUnschedulable),
                Box::new(NodeName),
                Box::new(TaintToleration),
                Box::new(NodeAffinity::default()),
                Box::new(NodePorts),
                Box::new(NodeResourcesFit::default()),
                Box::new(VolumeRestrictions),
                Box::new(VolumeBinding),
                Box::new(PodTopologySpread::default()),
                Box::new(InterPodAffinity::default()),
            ],
            scores: vec![
                Box::new(TaintToleration),
                Box::new(NodeAffinity::default()),
                Box::new(NodeResourcesFit { strategy }),
                Box::new(PodTopologySpread::default()),
                Box::new(InterPodAffinity::default()),
                Box::new(NodeResourcesBalancedAllocation::default()),
                Box::new(ImageLocality),
            ],
            preemption: Some(plugins::DefaultPreemption::default()),
            scheduling_gates: true,
            percentage_of_nodes_to_score: None,
        }
    }

    /// The profile a configuration describes: its Filter and Score plugins in the
    /// configured order, each score plugin with its configured weight.
    pub fn from_config(config: &ProfileConfig) -> Profile {
        let filters = config
            .plugins(ExtensionPoint::Filter)
            .iter()
            .filter_map(|p| filter_plugin(p.name, config))
            .collect();
        let scores = config
            .plugins(ExtensionPoint::Score)
            .iter()
            .filter_map(|p| {
                let plugin = score_plugin(p.name, config)?;
                Some(if plugin.weight() == p.weight {
                    plugin
                } else {
                    Box::new(Weighted {
                        plugin,
                        weight: p.weight,
                    }) as Box<dyn ScorePlugin>
                })
            })
            .collect();
        let runs = |point, name| config.plugins(point).iter().any(|p| p.name == name);
        Profile {
            scheduler_name: config.scheduler_name.clone(),
            filters,
            scores,
            preemption: runs(ExtensionPoint::PostFilter, "DefaultPreemption")
                .then_some(config.default_preemption),
            scheduling_gates: runs(ExtensionPoint::PreEnqueue, "SchedulingGates"),
            percentage_of_nodes_to_score: config.percentage_of_nodes_to_score,
        }
    }
}

/// A score plugin with the weight a profile gives it instead of its default one.
struct Weighted {
    plugin: Box<dyn ScorePlugin>,
    weight: i64,
}

impl ScorePlugin for Weighted {
    fn name(&self) -> &'static str {
        self.plugin.name()
    }

    fn weight(&self) -> i64 {
        self.weight
    }

    fn skip(&self, pod: &PodInfo<'_>) -> bool {
        self.plugin.skip(pod)
    }

    fn pre_score(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        self.plugin.pre_score(pod, snapshot)
    }

    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        self.plugin.score(pod, node)
    }

    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        self.plugin.score_nodes(pod, nodes, out)
    }

    fn normalize(&self, scores: &mut [i64]) {
        self.plugin.normalize(scores)
    }

    fn normalize_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], scores: &mut [i64]) {
        self.plugin.normalize_nodes(pod, nodes, scores)
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.filters.iter().map(|p| p.name()).collect();
        let scores: Vec<_> = self.scores.iter().map(|p| (p.name(), p.weight())).collect();
        f.debug_struct("Profile")
            .field("scheduler_name", &self.scheduler_name)
            .field("filters", &names)
            .field("scores", &scores)
            .finish()
    }
}
