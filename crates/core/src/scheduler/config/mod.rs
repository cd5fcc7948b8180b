//! KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`): the scheduler's
//! profiles, each with its `schedulerName`, the plugins enabled and disabled per
//! extension point with their weights, and the plugins' arguments; and
//! `percentageOfNodesToScore`, for all profiles or per profile.
//!
//! [`parse`] reads the YAML (strictly: an unknown field is an error, as kube-scheduler's
//! decoder has it), applies kube-scheduler's defaults (`pkg/scheduler/apis/config/v1`),
//! validates as its `validation` package and its framework do, with their messages, and
//! works out each profile's plugin lists (`registry`) and arguments (`args`). Every error
//! names its field path and, where the text has it, its line and column.

mod args;
pub mod registry;
#[cfg(test)]
mod tests;

use super::plugins::{
    DefaultPreemption, InterPodAffinity, NodeAffinity, NodeResourcesBalancedAllocation,
    PodTopologySpread,
};
use super::ScoringStrategy;
use crate::manifest::Pos;
use crate::model::de::{Path, Segment};
use registry::{Enabled, ExtensionPoint};
use serde::Deserialize;
use std::fmt;

/// The configuration's API group and version.
pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";
pub const KIND: &str = "KubeSchedulerConfiguration";

/// kube-scheduler's defaults written out: one profile, `default-scheduler`, with the
/// default plugins (what a configuration that sets nothing gives).
pub const DEFAULT_TEXT: &str = "apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
";

/// A parsed, defaulted and validated configuration, with the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfiguration {
    text: String,
    /// The global `percentageOfNodesToScore` (0: adaptive).
    pub percentage_of_nodes_to_score: i32,
    pub profiles: Vec<ProfileConfig>,
}

/// One profile: what the framework runs for pods naming its scheduler.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileConfig {
    pub scheduler_name: String,
    /// The profile's own `percentageOfNodesToScore`, over the global one.
    pub percentage_of_nodes_to_score: Option<i32>,
    /// The plugins of each extension point, in [`ExtensionPoint::ALL`] order.
    plugins: Vec<Vec<Enabled>>,
    /// NodeResourcesFit's scoring strategy (`NodeResourcesFitArgs.scoringStrategy`).
    pub fit_strategy: ScoringStrategy,
    /// InterPodAffinity with its arguments (`InterPodAffinityArgs`).
    pub inter_pod_affinity: InterPodAffinity,
    /// NodeAffinity with the affinity the profile adds (`NodeAffinityArgs`).
    pub node_affinity: NodeAffinity,
    /// DefaultPreemption's candidate counts (`DefaultPreemptionArgs`).
    pub default_preemption: DefaultPreemption,
    /// PodTopologySpread with its default constraints (`PodTopologySpreadArgs`).
    pub pod_topology_spread: PodTopologySpread,
    /// NodeResourcesBalancedAllocation with its resources
    /// (`NodeResourcesBalancedAllocationArgs`).
    pub balanced_allocation: NodeResourcesBalancedAllocation,
}

impl ProfileConfig {
    /// The plugins the profile runs at `point`, in order.
    pub fn plugins(&self, point: ExtensionPoint) -> &[Enabled] {
        self.plugins
            .get(point as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn runs(&self, point: ExtensionPoint, name: &str) -> bool {
        self.plugins(point).iter().any(|p| p.name == name)
    }
}

impl SchedulerConfiguration {
    /// The text the configuration was read from.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A path to a field of the configuration (`profiles[0].plugins.score.enabled[1]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    pub fn root(name: &str) -> FieldPath {
        FieldPath::default().child(name)
    }

    pub fn child(&self, name: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Map { key: name.into() });
        p
    }

    pub fn index(&self, index: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Seq { index });
        p
    }

    /// A map entry by key, written `[key]` (`field.Path.Key`).
    pub fn key(&self, key: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Map {
            key: format!("[{key}]"),
        });
        p
    }

    fn of(path: &Path) -> FieldPath {
        FieldPath(path.iter().cloned().collect())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keyed = self
            .0
            .iter()
            .position(|s| matches!(s, Segment::Map { key } if key.starts_with('[')));
        match keyed {
            // A `[key]` follows its field without a dot.
            Some(at) if at > 0 => {
                let head = Path::from_segments(self.0[..at].iter().cloned());
                let tail = FieldPath(self.0[at..].to_vec());
                let tail = tail.to_string();
                write!(f, "{head}{}", tail.strip_prefix('.').unwrap_or(&tail))
            }
            _ => fmt::Display::fmt(&Path::from_segments(self.0.iter().cloned()), f),
        }
    }
}

/// A bad value in a field error: numbers as they are, strings quoted (as Go's `%q`),
/// a list of strings as Go's `%#v` of a `[]string` (`None`: a nil slice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadValue {
    Int(i64),
    Str(String),
    Strs(Option<Vec<String>>),
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Int(i) => write!(f, "{i}"),
            BadValue::Str(s) => write!(f, "{s:?}"),
            BadValue::Strs(None) => f.write_str("[]string(nil)"),
            BadValue::Strs(Some(list)) => {
                let quoted: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
                write!(f, "[]string{{{}}}", quoted.join(", "))
            }
        }
    }
}

/// The kinds of `field.Error` kube-scheduler's validation reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    Invalid {
        value: BadValue,
        detail: String,
    },
    Required {
        detail: String,
    },
    NotSupported {
        value: String,
        supported: Vec<&'static str>,
    },
    Forbidden {
        detail: String,
    },
    Duplicate {
        value: String,
    },
}

/// What is wrong with a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not YAML.
    Syntax { message: String },
    /// Not a KubeSchedulerConfiguration of the v1 API.
    Kind { api_version: String, kind: String },
    /// A field the type does not have (`strict decoding error`), or a value of the
    /// wrong type.
    Decode { path: FieldPath, message: String },
    /// kube-scheduler's validation (`field.Error`).
    Field {
        path: FieldPath,
        kind: FieldErrorKind,
    },
    /// The scheduling framework refused to build a profile (`NewFramework`).
    Framework {
        path: FieldPath,
        profile: String,
        message: String,
    },
    /// Valid for kube-scheduler, but something Podlab's scheduler does not do.
    NotImplemented { path: FieldPath, what: String },
}

impl ConfigError {
    fn invalid(path: FieldPath, value: BadValue, detail: impl Into<String>) -> ConfigError {
        ConfigError::Field {
            path,
            kind: FieldErrorKind::Invalid {
                value,
                detail: detail.into(),
            },
        }
    }

    fn required(path: FieldPath, detail: impl Into<String>) -> ConfigError {
        ConfigError::Field {
            path,
            kind: FieldErrorKind::Required {
                detail: detail.into(),
            },
        }
    }

    fn not_implemented(path: FieldPath, what: impl Into<String>) -> ConfigError {
        ConfigError::NotImplemented {
            path,
            what: what.into(),
        }
    }

    /// The field the error is about.
    pub fn path(&self) -> Option<&FieldPath> {
        match self {
            ConfigError::Syntax { .. } | ConfigError::Kind { .. } => None,
            ConfigError::Decode { path, .. }
            | ConfigError::Field { path, .. }
            | ConfigError::Framework { path, .. }
            | ConfigError::NotImplemented { path, .. } => Some(path),
        }
    }
}

/// kube-scheduler's wording: `field.Error`'s `path: Type: value: detail`, the strict
/// decoder's `unknown field`, the framework's own messages.
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Syntax { message } => {
                write!(f, "error converting YAML to JSON: {message}")
            }
            ConfigError::Kind { kind, .. } if kind.is_empty() => {
                write!(f, "Object 'Kind' is missing")
            }
            ConfigError::Kind { api_version, kind } => {
                write!(
                    f,
                    "no kind {kind:?} is registered for version {api_version:?}"
                )
            }
            ConfigError::Decode { path, message } => write!(f, "{path}: {message}"),
            ConfigError::Field { path, kind } => {
                write!(f, "{path}: ")?;
                match kind {
                    FieldErrorKind::Invalid { value, detail } => {
                        write!(f, "Invalid value: {value}: {detail}")
                    }
                    FieldErrorKind::Required { detail } if detail.is_empty() => {
                        write!(f, "Required value")
                    }
                    FieldErrorKind::Required { detail } => write!(f, "Required value: {detail}"),
                    FieldErrorKind::NotSupported { value, supported } => {
                        let list: Vec<String> =
                            supported.iter().map(|s| format!("{s:?}")).collect();
                        write!(
                            f,
                            "Unsupported value: {value:?}: supported values: {}",
                            list.join(", ")
                        )
                    }
                    FieldErrorKind::Forbidden { detail } => write!(f, "Forbidden: {detail}"),
                    FieldErrorKind::Duplicate { value } => write!(f, "Duplicate value: {value:?}"),
                }
            }
            ConfigError::Framework { path, message, .. } => write!(f, "{path}: {message}"),
            ConfigError::NotImplemented { path, what } => {
                write!(f, "{path}: Podlab's scheduler does not implement {what}")
            }
        }
    }
}

/// An error with where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    pub pos: Option<Pos>,
    pub error: ConfigError,
}

/// `FILE:LINE:COLUMN: error`.
impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.error),
            None => write!(f, "{}: {}", self.file, self.error),
        }
    }
}

// The v1 types, as they are written (strict: unknown fields are errors).

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigurationV1 {
    /// Checked before decoding.
    #[serde(rename = "apiVersion")]
    _api_version: Option<String>,
    #[serde(rename = "kind")]
    _kind: Option<String>,
    parallelism: Option<i32>,
    leader_election: Option<serde_json::Value>,
    client_connection: Option<serde_json::Value>,
    enable_profiling: Option<bool>,
    enable_contention_profiling: Option<bool>,
    percentage_of_nodes_to_score: Option<i32>,
    pod_initial_backoff_seconds: Option<i64>,
    pod_max_backoff_seconds: Option<i64>,
    profiles: Option<Vec<ProfileV1>>,
    extenders: Option<Vec<serde_json::Value>>,
    delay_cache_until_active: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProfileV1 {
    scheduler_name: Option<String>,
    percentage_of_nodes_to_score: Option<i32>,
    plugins: Option<PluginsV1>,
    plugin_config: Option<Vec<PluginConfigV1>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PluginsV1 {
    pre_enqueue: Option<PluginSetV1>,
    queue_sort: Option<PluginSetV1>,
    pre_filter: Option<PluginSetV1>,
    filter: Option<PluginSetV1>,
    post_filter: Option<PluginSetV1>,
    pre_score: Option<PluginSetV1>,
    score: Option<PluginSetV1>,
    reserve: Option<PluginSetV1>,
    permit: Option<PluginSetV1>,
    pre_bind: Option<PluginSetV1>,
    bind: Option<PluginSetV1>,
    post_bind: Option<PluginSetV1>,
    multi_point: Option<PluginSetV1>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PluginSetV1 {
    enabled: Option<Vec<PluginV1>>,
    disabled: Option<Vec<PluginV1>>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PluginV1 {
    name: String,
    weight: Option<i32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PluginConfigV1 {
    name: String,
    args: Option<serde_json::Value>,
}

/// Reads, defaults and validates a configuration; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<SchedulerConfiguration, Vec<Located>> {
    let at = |pos: Option<Pos>, error: ConfigError| Located {
        file: file.to_string(),
        pos,
        error,
    };
    let docs = crate::manifest::yaml::parse(text).map_err(|e| {
        vec![at(
            Some(e.pos),
            ConfigError::Syntax {
                message: format!("yaml: line {}: {}", e.pos.line, e.message),
            },
        )]
    })?;
    let root = docs.into_iter().find_map(|d| d.root);
    let json = root
        .as_ref()
        .map(|r| r.to_json())
        .unwrap_or(serde_json::Value::Null);
    let locate = |path: &FieldPath| {
        root.as_ref()
            .map(|r| crate::manifest::locate(r, &Path::from_segments(path.0.iter().cloned())))
    };
    let api_version = json
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let kind = json.get("kind").and_then(|v| v.as_str()).unwrap_or("");
    if kind != KIND || api_version != API_VERSION {
        return Err(vec![at(
            root.as_ref().map(|r| r.pos),
            ConfigError::Kind {
                api_version: api_version.into(),
                kind: kind.into(),
            },
        )]);
    }
    let v1: ConfigurationV1 = crate::model::de::from_value(&json).map_err(|e| {
        let path = FieldPath::of(e.path());
        let inner = e.into_inner().to_string();
        let message = match inner.strip_prefix("unknown field `") {
            Some(rest) => {
                let name = rest.split('`').next().unwrap_or_default();
                let full = if path.0.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                };
                format!("strict decoding error: unknown field {full:?}")
            }
            None => inner,
        };
        let pos = locate(&path);
        vec![at(pos, ConfigError::Decode { path, message })]
    })?;
    build(v1, text).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| {
                let pos = e.path().and_then(&locate);
                at(pos, e)
            })
            .collect()
    })
}

/// kube-scheduler's defaults and validation, then each profile's framework.
fn build(v1: ConfigurationV1, text: &str) -> Result<SchedulerConfiguration, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut profiles = v1.profiles.unwrap_or_default();
    // SetDefaults_KubeSchedulerConfiguration: one profile at least; a lone profile
    // without a name is the default scheduler.
    if profiles.is_empty() {
        profiles.push(ProfileV1::default());
    }
    if profiles.len() == 1 && profiles[0].scheduler_name.is_none() {
        profiles[0].scheduler_name = Some(super::SCHEDULER_NAME.into());
    }
    let parallelism = v1.parallelism.unwrap_or(16);
    if parallelism <= 0 {
        errors.push(ConfigError::invalid(
            FieldPath::root("parallelism"),
            BadValue::Int(parallelism.into()),
            "should be an integer value greater than zero",
        ));
    }
    let profiles_path = FieldPath::root("profiles");
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut parsed_args = Vec::new();
    for (i, profile) in profiles.iter().enumerate() {
        let path = profiles_path.index(i);
        let name = profile.scheduler_name.clone().unwrap_or_default();
        if name.is_empty() {
            errors.push(ConfigError::required(path.child("schedulerName"), ""));
        }
        check_percentage(
            &mut errors,
            path.child("percentageOfNodesToScore"),
            profile.percentage_of_nodes_to_score,
        );
        parsed_args.push(args::parse_all(
            &path,
            profile.plugin_config.as_deref().unwrap_or_default(),
            &mut errors,
        ));
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            errors.push(ConfigError::Field {
                path: path.child("schedulerName"),
                kind: FieldErrorKind::Duplicate {
                    value: profiles_path
                        .index(*first)
                        .child("schedulerName")
                        .to_string(),
                },
            });
        }
        seen.push((name, i));
    }
    // validateCommonQueueSort: every profile sorts the one queue the same way.
    let queue_sort = |p: &ProfileV1| p.plugins.as_ref().and_then(|p| p.queue_sort.clone());
    let canon = queue_sort(&profiles[0]);
    for (i, p) in profiles.iter().enumerate().skip(1) {
        if queue_sort(p) != canon {
            errors.push(ConfigError::Field {
                path: profiles_path.index(i).child("plugins").child("queueSort"),
                kind: FieldErrorKind::Invalid {
                    value: BadValue::Str("queueSort".into()),
                    detail: "must be the same for all profiles".into(),
                },
            });
        }
    }
    check_percentage(
        &mut errors,
        FieldPath::root("percentageOfNodesToScore"),
        v1.percentage_of_nodes_to_score,
    );
    let initial = v1.pod_initial_backoff_seconds.unwrap_or(1);
    let max = v1.pod_max_backoff_seconds.unwrap_or(10);
    if initial <= 0 {
        errors.push(ConfigError::invalid(
            FieldPath::root("podInitialBackoffSeconds"),
            BadValue::Int(initial),
            "must be greater than 0",
        ));
    }
    if max < initial {
        errors.push(ConfigError::invalid(
            FieldPath::root("podMaxBackoffSeconds"),
            BadValue::Int(max),
            "must be greater than or equal to PodInitialBackoffSeconds",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // What kube-scheduler accepts but Podlab's scheduler cannot do.
    if initial != 1 || max != 10 {
        let field = if initial != 1 {
            "podInitialBackoffSeconds"
        } else {
            "podMaxBackoffSeconds"
        };
        errors.push(ConfigError::not_implemented(
            FieldPath::root(field),
            "backoffs other than kube-scheduler's defaults (1s, doubling to 10s)",
        ));
    }
    if v1.extenders.as_ref().is_some_and(|e| !e.is_empty()) {
        errors.push(ConfigError::not_implemented(
            FieldPath::root("extenders"),
            "scheduler extenders (webhooks)",
        ));
    }
    // Fields that change nothing a simulation shows: the scheduler runs in order, in
    // one process, with no API connection, election or profiling endpoint.
    let _ = (
        &v1.leader_election,
        &v1.client_connection,
        v1.enable_profiling,
        v1.enable_contention_profiling,
        v1.delay_cache_until_active,
    );
    let mut out = Vec::new();
    for (i, (profile, parsed)) in profiles.iter().zip(parsed_args).enumerate() {
        let path = profiles_path.index(i);
        let name = profile.scheduler_name.clone().unwrap_or_default();
        // NewFramework stops at its first error.
        let plugins =
            registry::expand(profile.plugins.as_ref(), &path, &name).map_err(|e| vec![e])?;
        let config = ProfileConfig {
            scheduler_name: name,
            percentage_of_nodes_to_score: profile.percentage_of_nodes_to_score,
            plugins,
            fit_strategy: parsed.fit_strategy,
            inter_pod_affinity: parsed.inter_pod_affinity,
            node_affinity: parsed.node_affinity,
            default_preemption: parsed.default_preemption,
            pod_topology_spread: parsed.pod_topology_spread,
            balanced_allocation: parsed.balanced_allocation,
        };
        check_runnable(&config, &path, &mut errors);
        out.push(config);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SchedulerConfiguration {
        text: text.to_string(),
        percentage_of_nodes_to_score: v1.percentage_of_nodes_to_score.unwrap_or(0),
        profiles: out,
    })
}

fn check_percentage(errors: &mut Vec<ConfigError>, path: FieldPath, value: Option<i32>) {
    if let Some(v) = value {
        if !(0..=100).contains(&v) {
            errors.push(ConfigError::invalid(
                path,
                BadValue::Int(v.into()),
                "not in valid range [0-100]",
            ));
        }
    }
}

/// Podlab runs a plugin's PreFilter with its Filter, its PreScore with its Score, and
/// VolumeBinding's Reserve and PreBind with its Filter: a profile that splits them
/// (but for PreScore without Score) would make kube-scheduler's framework fail at run
/// time (Filter reading the state its PreFilter did not write), and is refused here.
fn check_runnable(config: &ProfileConfig, path: &FieldPath, errors: &mut Vec<ConfigError>) {
    use ExtensionPoint as E;
    let plugins_path = path.child("plugins");
    let pairs = [
        (E::PreFilter, E::Filter),
        (E::PreScore, E::Score),
        (E::Reserve, E::Filter),
        (E::PreBind, E::Filter),
    ];
    for def in registry::REGISTRY {
        for (a, b) in pairs {
            if !def.extends(a) || !def.extends(b) {
                continue;
            }
            // PreScore without Score does no harm: what it works out goes unread.
            let harmless = a == E::PreScore && config.runs(a, def.name);
            if config.runs(a, def.name) != config.runs(b, def.name) && !harmless {
                let (off, on) = if config.runs(a, def.name) {
                    (b, a)
                } else {
                    (a, b)
                };
                errors.push(ConfigError::not_implemented(
                    plugins_path.child(off.field()),
                    format!(
                        "{} at {} without it at {} (enable or disable both)",
                        def.name,
                        on.field(),
                        off.field()
                    ),
                ));
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl std::error::Error for Located {}
