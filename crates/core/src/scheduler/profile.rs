//! The default profile (kube-scheduler's `getDefaultPlugins`): its filter and score
//! plugins in order, with their weights, and NodeResourcesFit's scoring strategy as the
//! one argument a profile may set so far.

use super::framework::{FilterPlugin, ScorePlugin};
use super::plugins;
use super::ScoringStrategy;

/// The filter and score plugins of the default profile, in its order.
pub struct Profile {
    pub filters: Vec<Box<dyn FilterPlugin>>,
    pub scores: Vec<Box<dyn ScorePlugin>>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::with_fit_strategy(ScoringStrategy::default())
    }
}

impl Profile {
    /// The default profile with NodeResourcesFit scoring by `strategy`
    /// (`NodeResourcesFitArgs.scoringStrategy`, which a profile's configuration chooses).
    pub fn with_fit_strategy(strategy: ScoringStrategy) -> Profile {
        use plugins::*;
        Profile {
            filters: vec![
                Box::new(NodeUnschedulable),
                Box::new(NodeName),
                Box::new(TaintToleration),
                Box::new(NodeAffinity),
                Box::new(NodePorts),
                Box::new(NodeResourcesFit::default()),
                Box::new(VolumeRestrictions),
                Box::new(VolumeBinding),
                Box::new(PodTopologySpread),
                Box::new(InterPodAffinity),
            ],
            scores: vec![
                Box::new(TaintToleration),
                Box::new(NodeAffinity),
                Box::new(NodeResourcesFit { strategy }),
                Box::new(PodTopologySpread),
                Box::new(InterPodAffinity),
                Box::new(NodeResourcesBalancedAllocation),
                Box::new(ImageLocality),
            ],
        }
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.filters.iter().map(|p| p.name()).collect();
        f.debug_struct("Profile").field("filters", &names).finish()
    }
}
