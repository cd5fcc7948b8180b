//! The plugins a profile may name (kube-scheduler's in-tree registry, as far as Podlab
//! implements it), the extension points each one extends, and a profile's `plugins`
//! worked out as kube-scheduler does it: the defaults merged with what the profile
//! enables and disables per extension point (`mergePluginSet`), then the framework's
//! lists per extension point with `multiPoint` expanded (`updatePluginList`,
//! `expandMultiPointPlugins`) and the score weights (`getScoreWeights`).

use super::{ConfigError, FieldPath, PluginSetV1, PluginV1, PluginsV1};

/// An extension point of the scheduling framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExtensionPoint {
    PreEnqueue,
    QueueSort,
    PreFilter,
    Filter,
    PostFilter,
    PreScore,
    Score,
    Reserve,
    Permit,
    PreBind,
    Bind,
    PostBind,
}

use ExtensionPoint as E;

impl ExtensionPoint {
    /// In the order of the configuration's `plugins` fields.
    pub const ALL: [ExtensionPoint; 12] = [
        E::PreEnqueue,
        E::QueueSort,
        E::PreFilter,
        E::Filter,
        E::PostFilter,
        E::PreScore,
        E::Score,
        E::Reserve,
        E::Permit,
        E::PreBind,
        E::Bind,
        E::PostBind,
    ];

    /// The order the framework walks them in (`getExtensionPoints`), which decides
    /// which error about a `multiPoint` plugin comes first.
    const FRAMEWORK_ORDER: [ExtensionPoint; 12] = [
        E::PreFilter,
        E::Filter,
        E::PostFilter,
        E::Reserve,
        E::PreScore,
        E::Score,
        E::PreBind,
        E::Bind,
        E::PostBind,
        E::Permit,
        E::PreEnqueue,
        E::QueueSort,
    ];

    /// The field name in `plugins` (`preFilter`).
    pub fn field(self) -> &'static str {
        match self {
            E::PreEnqueue => "preEnqueue",
            E::QueueSort => "queueSort",
            E::PreFilter => "preFilter",
            E::Filter => "filter",
            E::PostFilter => "postFilter",
            E::PreScore => "preScore",
            E::Score => "score",
            E::Reserve => "reserve",
            E::Permit => "permit",
            E::PreBind => "preBind",
            E::Bind => "bind",
            E::PostBind => "postBind",
        }
    }

    /// The framework's interface name (`PreFilterPlugin`), as its errors say it.
    pub fn interface(self) -> &'static str {
        match self {
            E::PreEnqueue => "PreEnqueuePlugin",
            E::QueueSort => "QueueSortPlugin",
            E::PreFilter => "PreFilterPlugin",
            E::Filter => "FilterPlugin",
            E::PostFilter => "PostFilterPlugin",
            E::PreScore => "PreScorePlugin",
            E::Score => "ScorePlugin",
            E::Reserve => "ReservePlugin",
            E::Permit => "PermitPlugin",
            E::PreBind => "PreBindPlugin",
            E::Bind => "BindPlugin",
            E::PostBind => "PostBindPlugin",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    fn set(self, plugins: &PluginsV1) -> Option<&PluginSetV1> {
        match self {
            E::PreEnqueue => plugins.pre_enqueue.as_ref(),
            E::QueueSort => plugins.queue_sort.as_ref(),
            E::PreFilter => plugins.pre_filter.as_ref(),
            E::Filter => plugins.filter.as_ref(),
            E::PostFilter => plugins.post_filter.as_ref(),
            E::PreScore => plugins.pre_score.as_ref(),
            E::Score => plugins.score.as_ref(),
            E::Reserve => plugins.reserve.as_ref(),
            E::Permit => plugins.permit.as_ref(),
            E::PreBind => plugins.pre_bind.as_ref(),
            E::Bind => plugins.bind.as_ref(),
            E::PostBind => plugins.post_bind.as_ref(),
        }
    }
}

/// A plugin of the registry: its name, the extension points it extends, and its place
/// and weight in the default profile's `multiPoint` list.
pub struct PluginDef {
    pub name: &'static str,
    points: u16,
    /// The weight the default profile gives it (score plugins), 0 when none.
    default_weight: i64,
}

impl PluginDef {
    pub fn extends(&self, point: ExtensionPoint) -> bool {
        self.points & point.bit() != 0
    }
}

const fn points(list: &[ExtensionPoint]) -> u16 {
    let mut bits = 0;
    let mut i = 0;
    while i < list.len() {
        bits |= 1 << (list[i] as u16);
        i += 1;
    }
    bits
}

/// Podlab's plugins, in the order of kube-scheduler 1.34's default `multiPoint` list
/// (`getDefaultPlugins`); every one of them is enabled by default.
pub const REGISTRY: &[PluginDef] = &[
    PluginDef {
        name: "SchedulingGates",
        points: points(&[E::PreEnqueue]),
        default_weight: 0,
    },
    PluginDef {
        name: "PrioritySort",
        points: points(&[E::QueueSort]),
        default_weight: 0,
    },
    PluginDef {
        name: "NodeUnschedulable",
        points: points(&[E::Filter]),
        default_weight: 0,
    },
    PluginDef {
        name: "NodeName",
        points: points(&[E::Filter]),
        default_weight: 0,
    },
    PluginDef {
        name: "TaintToleration",
        points: points(&[E::Filter, E::PreScore, E::Score]),
        default_weight: 3,
    },
    PluginDef {
        name: "NodeAffinity",
        points: points(&[E::PreFilter, E::Filter, E::PreScore, E::Score]),
        default_weight: 2,
    },
    PluginDef {
        name: "NodePorts",
        points: points(&[E::PreFilter, E::Filter]),
        default_weight: 0,
    },
    PluginDef {
        name: "NodeResourcesFit",
        points: points(&[E::PreFilter, E::Filter, E::PreScore, E::Score]),
        default_weight: 1,
    },
    PluginDef {
        name: "VolumeRestrictions",
        points: points(&[E::PreFilter, E::Filter]),
        default_weight: 0,
    },
    PluginDef {
        name: "VolumeBinding",
        points: points(&[E::PreFilter, E::Filter, E::Reserve, E::PreBind]),
        default_weight: 0,
    },
    PluginDef {
        name: "PodTopologySpread",
        points: points(&[E::PreFilter, E::Filter, E::PreScore, E::Score]),
        default_weight: 2,
    },
    PluginDef {
        name: "InterPodAffinity",
        points: points(&[E::PreFilter, E::Filter, E::PreScore, E::Score]),
        default_weight: 2,
    },
    PluginDef {
        name: "DefaultPreemption",
        points: points(&[E::PostFilter]),
        default_weight: 0,
    },
    PluginDef {
        name: "NodeResourcesBalancedAllocation",
        points: points(&[E::PreScore, E::Score]),
        default_weight: 1,
    },
    PluginDef {
        name: "ImageLocality",
        points: points(&[E::Score]),
        default_weight: 1,
    },
    PluginDef {
        name: "DefaultBinder",
        points: points(&[E::Bind]),
        default_weight: 0,
    },
];

/// kube-scheduler's other in-tree plugins: a profile may disable them (nothing
/// happens), but Podlab cannot run them.
pub const NOT_IMPLEMENTED: &[&str] = &["DynamicResources", "NodeVolumeLimits", "VolumeZone"];

pub fn lookup(name: &str) -> Option<&'static PluginDef> {
    REGISTRY.iter().find(|p| p.name == name)
}

/// A plugin as a profile runs it at one extension point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enabled {
    pub name: &'static str,
    /// Its weight at Score (1 when the configuration gives 0 or none).
    pub weight: i64,
}

/// One plugin entry of the configuration: its name, weight, and where it was written.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    weight: i32,
    path: FieldPath,
}

fn entries(set: Option<&PluginSetV1>, list: &str, path: &FieldPath) -> Vec<Entry> {
    let items = set.and_then(|s| match list {
        "enabled" => s.enabled.as_ref(),
        _ => s.disabled.as_ref(),
    });
    items
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, PluginV1 { name, weight })| Entry {
            name: name.clone(),
            weight: weight.unwrap_or(0),
            path: path.child(list).index(i),
        })
        .collect()
}

/// The framework's plugin lists of one profile, per extension point (in
/// [`ExtensionPoint::ALL`] order).
pub(super) fn expand(
    plugins: Option<&PluginsV1>,
    path: &FieldPath,
    profile_name: &str,
) -> Result<Vec<Vec<Enabled>>, ConfigError> {
    let empty = PluginsV1::default();
    let plugins = plugins.unwrap_or(&empty);
    let plugins_path = path.child("plugins");
    let framework = |at: &FieldPath, message: String| ConfigError::Framework {
        path: at.clone(),
        profile: profile_name.to_string(),
        message,
    };
    // A name Podlab knows: kube-scheduler's own that Podlab lacks are refused by name.
    let known =
        |e: &Entry, point: Option<ExtensionPoint>| -> Result<&'static PluginDef, ConfigError> {
            if let Some(def) = lookup(&e.name) {
                return Ok(def);
            }
            let at = e.path.child("name");
            if NOT_IMPLEMENTED.contains(&e.name.as_str()) {
                return Err(ConfigError::NotImplemented {
                    path: at,
                    what: format!("the {} plugin", e.name),
                });
            }
            let interface = point
                .unwrap_or(ExtensionPoint::FRAMEWORK_ORDER[0])
                .interface();
            Err(framework(
                &at,
                format!("{interface} {:?} does not exist", e.name),
            ))
        };

    // mergePluginSet for multiPoint: the defaults, less the disabled ones ("*": all),
    // a default re-configured in place, then the other enabled ones.
    let mp_path = plugins_path.child("multiPoint");
    let mp_enabled = entries(plugins.multi_point.as_ref(), "enabled", &mp_path);
    let mp_disabled = entries(plugins.multi_point.as_ref(), "disabled", &mp_path);
    let all_off = mp_disabled.iter().any(|d| d.name == "*");
    let mut multi_point: Vec<Entry> = Vec::new();
    let mut replaced = vec![false; mp_enabled.len()];
    if !all_off {
        for def in REGISTRY {
            if mp_disabled.iter().any(|d| d.name == def.name) {
                continue;
            }
            match mp_enabled.iter().position(|e| e.name == def.name) {
                Some(i) => {
                    replaced[i] = true;
                    multi_point.push(mp_enabled[i].clone());
                }
                None => multi_point.push(Entry {
                    name: def.name.to_string(),
                    weight: def.default_weight as i32,
                    path: mp_path.clone(),
                }),
            }
        }
    }
    multi_point.extend(
        mp_enabled
            .iter()
            .zip(&replaced)
            .filter(|(_, r)| !**r)
            .map(|(e, _)| e.clone()),
    );

    let mut lists: Vec<Vec<Enabled>> = vec![Vec::new(); ExtensionPoint::ALL.len()];
    // updatePluginList: each extension point's own enabled plugins.
    let mut specific: Vec<Vec<Entry>> = vec![Vec::new(); ExtensionPoint::ALL.len()];
    for point in ExtensionPoint::FRAMEWORK_ORDER {
        let at = plugins_path.child(point.field());
        let enabled = entries(point.set(plugins), "enabled", &at);
        for (i, e) in enabled.iter().enumerate() {
            let def = known(e, Some(point))?;
            if !def.extends(point) {
                return Err(framework(
                    &e.path.child("name"),
                    format!(
                        "plugin {:?} does not extend {} plugin",
                        e.name,
                        point.interface()
                    ),
                ));
            }
            if enabled[..i].iter().any(|o| o.name == e.name) {
                return Err(framework(
                    &e.path.child("name"),
                    format!(
                        "plugin {:?} already registered as {:?}",
                        e.name,
                        point.interface()
                    ),
                ));
            }
        }
        specific[point as usize] = enabled;
    }
    for e in &multi_point {
        known(e, None)?;
    }

    // expandMultiPointPlugins, then the weights (getScoreWeights: an extension point's
    // own weight first, then multiPoint's; 0 means 1).
    for point in ExtensionPoint::FRAMEWORK_ORDER {
        let at = plugins_path.child(point.field());
        let disabled = entries(point.set(plugins), "disabled", &at);
        let own = &specific[point as usize];
        let list = &mut lists[point as usize];
        if disabled.iter().any(|d| d.name == "*") {
            list.extend(own.iter().map(|e| enabled_of(e, point)));
            continue;
        }
        let mut overrides = Vec::new();
        let mut from_multi_point: Vec<&Entry> = Vec::new();
        for e in &multi_point {
            let def = known(e, Some(point))?;
            if !def.extends(point) || disabled.iter().any(|d| d.name == e.name) {
                continue;
            }
            if own.iter().any(|o| o.name == e.name) {
                overrides.push(e.name.clone());
                continue;
            }
            if from_multi_point.iter().any(|o| o.name == e.name) {
                return Err(framework(
                    &e.path,
                    format!(
                        "plugin {:?} already registered as {:?}",
                        e.name,
                        point.interface()
                    ),
                ));
            }
            from_multi_point.push(e);
        }
        for e in own.iter().filter(|e| overrides.contains(&e.name)) {
            list.push(enabled_of(e, point));
        }
        for e in &from_multi_point {
            list.push(enabled_of(e, point));
        }
        for e in own.iter().filter(|e| !overrides.contains(&e.name)) {
            list.push(enabled_of(e, point));
        }
    }

    let count = |p: ExtensionPoint| lists[p as usize].len();
    if count(E::QueueSort) != 1 {
        return Err(framework(
            &plugins_path.child("queueSort"),
            format!(
                "only one queue sort plugin required for profile with scheduler name {profile_name:?}, but got {}",
                count(E::QueueSort)
            ),
        ));
    }
    if count(E::Bind) == 0 {
        return Err(framework(
            &plugins_path.child("bind"),
            format!("at least one bind plugin is needed for profile with scheduler name {profile_name:?}"),
        ));
    }
    Ok(lists)
}

/// A plugin at `point`, with its weight at Score: the weight of the entry that put it
/// there (the score extension point's own, else multiPoint's), 0 counting as 1.
fn enabled_of(e: &Entry, point: ExtensionPoint) -> Enabled {
    let name = lookup(&e.name).map(|d| d.name).unwrap_or("");
    let weight = match (point, e.weight) {
        (E::Score, 0) => 1,
        (E::Score, w) => i64::from(w),
        _ => 0,
    };
    Enabled { name, weight }
}
