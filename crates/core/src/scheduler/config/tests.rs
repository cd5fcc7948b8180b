//! Table tests: configurations kube-scheduler accepts, with the profiles they give, and
//! each error with its field path, line and column.

use super::registry::ExtensionPoint as E;
use super::*;
use crate::scheduler::{FitResource as Resource, ResourceWeight};

const HEAD: &str = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

fn ok(body: &str) -> SchedulerConfiguration {
    let text = format!("{HEAD}{body}");
    match parse("c.yaml", &text) {
        Ok(c) => c,
        Err(e) => panic!("{body}\n{e:?}"),
    }
}

fn names(p: &ProfileConfig, point: E) -> Vec<(&str, i64)> {
    p.plugins(point)
        .iter()
        .map(|e| (e.name, e.weight))
        .collect()
}

const DEFAULT_SCORES: [(&str, i64); 7] = [
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodeResourcesFit", 1),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
];

#[test]
fn an_empty_configuration_is_the_default_profile() {
    let c = ok("");
    assert_eq!(c.percentage_of_nodes_to_score, 0);
    assert_eq!(c.profiles.len(), 1);
    let p = &c.profiles[0];
    assert_eq!(p.scheduler_name, "default-scheduler");
    assert_eq!(names(p, E::Score), DEFAULT_SCORES);
    let filters: Vec<&str> = names(p, E::Filter).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        filters,
        [
            "NodeUnschedulable",
            "NodeName",
            "TaintToleration",
            "NodeAffinity",
            "NodePorts",
            "NodeResourcesFit",
            "VolumeRestrictions",
            "VolumeBinding",
            "PodTopologySpread",
            "InterPodAffinity"
        ]
    );
    assert_eq!(names(p, E::QueueSort), [("PrioritySort", 0)]);
    assert_eq!(names(p, E::PostFilter), [("DefaultPreemption", 0)]);
    assert_eq!(names(p, E::Bind), [("DefaultBinder", 0)]);
    assert_eq!(p.fit_strategy, ScoringStrategy::default());
    // The default profile built from it is the built-in one, plugin for plugin.
    let built = crate::scheduler::Profile::from_config(p);
    let default = crate::scheduler::Profile::default();
    assert_eq!(format!("{built:?}"), format!("{default:?}"));
}

/// A configuration, the score plugins (and weights) it gives, and its filters when
/// they are not the default ones.
type MergeCase<'a> = (&'a str, &'a [(&'a str, i64)], Option<&'a [&'a str]>);

/// Each configuration with the score plugins (and weights) and filters it gives.
#[test]
fn plugins_are_merged_with_the_defaults_as_kube_scheduler_does() {
    let cases: &[MergeCase] = &[
        // A default re-weighted at score keeps its place; weight 0 counts as 1.
        (
            "profiles:\n- plugins:\n    score:\n      enabled:\n      - name: NodeResourcesFit\n        weight: 5\n      - name: ImageLocality\n        weight: 0\n",
            &[
                ("NodeResourcesFit", 5),
                ("ImageLocality", 1),
                ("TaintToleration", 3),
                ("NodeAffinity", 2),
                ("PodTopologySpread", 2),
                ("InterPodAffinity", 2),
                ("NodeResourcesBalancedAllocation", 1),
            ],
            None,
        ),
        // Re-weighted through multiPoint: in place, in the default order.
        (
            "profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: ImageLocality\n        weight: 4\n",
            &[
                ("TaintToleration", 3),
                ("NodeAffinity", 2),
                ("NodeResourcesFit", 1),
                ("PodTopologySpread", 2),
                ("InterPodAffinity", 2),
                ("NodeResourcesBalancedAllocation", 1),
                ("ImageLocality", 4),
            ],
            None,
        ),
        // "*" at score: only what the score point enables.
        (
            "profiles:\n- plugins:\n    score:\n      disabled:\n      - name: '*'\n      enabled:\n      - name: NodeResourcesFit\n",
            &[("NodeResourcesFit", 1)],
            None,
        ),
        // Disabled at filter only: still scores.
        (
            "profiles:\n- plugins:\n    filter:\n      disabled:\n      - name: TaintToleration\n",
            &DEFAULT_SCORES,
            Some(&[
                "NodeUnschedulable",
                "NodeName",
                "NodeAffinity",
                "NodePorts",
                "NodeResourcesFit",
                "VolumeRestrictions",
                "VolumeBinding",
                "PodTopologySpread",
                "InterPodAffinity",
            ]),
        ),
        // Disabled in multiPoint: gone from every extension point.
        (
            "profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: TaintToleration\n",
            &DEFAULT_SCORES[1..],
            Some(&[
                "NodeUnschedulable",
                "NodeName",
                "NodeAffinity",
                "NodePorts",
                "NodeResourcesFit",
                "VolumeRestrictions",
                "VolumeBinding",
                "PodTopologySpread",
                "InterPodAffinity",
            ]),
        ),
        // kube-scheduler's plugins Podlab lacks may be disabled.
        (
            "profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: VolumeZone\n      - name: SomethingElse\n",
            &DEFAULT_SCORES,
            None,
        ),
    ];
    for (body, scores, filters) in cases {
        let c = ok(body);
        let p = &c.profiles[0];
        assert_eq!(&names(p, E::Score), scores, "{body}");
        if let Some(filters) = filters {
            let got: Vec<&str> = names(p, E::Filter).into_iter().map(|(n, _)| n).collect();
            assert_eq!(&got, filters, "{body}");
        }
    }
}

#[test]
fn profiles_args_and_percentages() {
    let c = ok("percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packing
  percentageOfNodesToScore: 70
  plugins:
    postFilter:
      disabled:
      - name: DefaultPreemption
    preEnqueue:
      disabled:
      - name: SchedulingGates
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
          weight: 2
");
    assert_eq!(c.percentage_of_nodes_to_score, 30);
    let names: Vec<&str> = c
        .profiles
        .iter()
        .map(|p| p.scheduler_name.as_str())
        .collect();
    assert_eq!(names, ["default-scheduler", "bin-packing"]);
    let p = &c.profiles[1];
    assert_eq!(p.percentage_of_nodes_to_score, Some(70));
    assert_eq!(
        p.fit_strategy,
        ScoringStrategy::MostAllocated {
            resources: vec![ResourceWeight {
                resource: Resource::Cpu,
                weight: 2
            }]
        }
    );
    let built = crate::scheduler::Profile::from_config(p);
    assert!(built.preemption.is_none() && !built.scheduling_gates);
    assert!(crate::scheduler::Profile::from_config(&c.profiles[0])
        .preemption
        .is_some());

    let c = ok("profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: NodeResourcesFitArgs
      scoringStrategy:
        type: RequestedToCapacityRatio
        requestedToCapacityRatio:
          shape:
          - utilization: 0
            score: 0
          - utilization: 100
            score: 10
  - name: InterPodAffinity
    args:
      hardPodAffinityWeight: 5
      ignorePreferredTermsOfExistingPods: true
  - name: PodTopologySpread
    args:
      defaultConstraints: []
      defaultingType: List
  - name: VolumeBinding
    args:
      bindTimeoutSeconds: 300
  - name: DefaultPreemption
    args:
      minCandidateNodesPercentage: 10
      minCandidateNodesAbsolute: 100
");
    assert!(matches!(
        c.profiles[0].fit_strategy,
        ScoringStrategy::RequestedToCapacityRatio { ref shape, .. } if shape.len() == 2
    ));
    assert_eq!(
        c.profiles[0].inter_pod_affinity,
        crate::scheduler::plugins::InterPodAffinity {
            hard_pod_affinity_weight: 5,
            ignore_preferred_terms_of_existing_pods: true
        }
    );
    assert_eq!(
        c.profiles[0].pod_topology_spread.default_constraints,
        crate::scheduler::plugins::pod_topology_spread::DefaultConstraints::List(Vec::new())
    );
}

/// Each bad configuration and the first error it gives, as printed.
#[test]
fn errors_name_the_field_line_and_column() {
    let cases: &[(&str, &str)] = &[
        (
            "percentageOfNodesToScore: 150\n",
            "c.yaml:3:27: percentageOfNodesToScore: Invalid value: 150: not in valid range [0-100]",
        ),
        (
            "profiles:\n- schedulerName: a\n  percentageOfNodesToScore: -1\n",
            "c.yaml:5:29: profiles[0].percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]",
        ),
        (
            "profiles:\n- schedulerName: a\n- schedulerName: a\n",
            "c.yaml:5:18: profiles[1].schedulerName: Duplicate value: \"profiles[0].schedulerName\"",
        ),
        (
            "profiles:\n- schedulerName: a\n- plugins: {}\n",
            "c.yaml:5:3: profiles[1].schedulerName: Required value",
        ),
        (
            "profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: NodeName\n      - name: NodeNmae\n",
            "c.yaml:8:15: profiles[0].plugins.filter.enabled[1].name: FilterPlugin \"NodeNmae\" does not exist",
        ),
        (
            "profiles:\n- plugins:\n    score:\n      enabled:\n      - name: NodeName\n        weight: 2\n",
            "c.yaml:7:15: profiles[0].plugins.score.enabled[0].name: plugin \"NodeName\" does not extend ScorePlugin plugin",
        ),
        (
            "profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: VolumeZone\n",
            "c.yaml:7:15: profiles[0].plugins.filter.enabled[0].name: Podlab's scheduler does not implement the VolumeZone plugin",
        ),
        (
            "profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: '*'\n",
            "c.yaml:5:5: profiles[0].plugins.queueSort: only one queue sort plugin required for profile with scheduler name \"default-scheduler\", but got 0",
        ),
        (
            "profiles:\n- plugins:\n    bind:\n      disabled:\n      - name: DefaultBinder\n",
            "c.yaml:6:7: profiles[0].plugins.bind: at least one bind plugin is needed for profile with scheduler name \"default-scheduler\"",
        ),
        (
            "profiles:\n- plugins:\n    filtr: {}\n",
            "c.yaml:5:5: profiles[0].plugins: strict decoding error: unknown field \"profiles[0].plugins.filtr\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Packed\n",
            "c.yaml:8:15: profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: \"Packed\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: MostAllocated\n        resources:\n        - name: cpu\n          weight: 101\n",
            "c.yaml:11:19: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n",
            "c.yaml:8:9: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: InterPodAffinity\n    args:\n      hardPodAffinityWeight: 101\n",
            "c.yaml:7:30: profiles[0].pluginConfig[0].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: DefaultPreemption\n    args:\n      minCandidateNodesPercentage: 0\n      minCandidateNodesAbsolute: 0\n",
            "c.yaml:7:36: profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: PodTopologySpread\n    args:\n      defaultingType: Cluster\n",
            "c.yaml:7:23: profiles[0].pluginConfig[0].args.defaultingType: Unsupported value: \"Cluster\": supported values: \"System\", \"List\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchExpressions:\n            - key: zone\n              operator: In\n",
            "c.yaml:11:15: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchExpressions:\n            - key: zone\n              operator: In\n              values: [a b]\n",
            "c.yaml:13:24: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0][zone]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 1\n          preference:\n            matchExpressions:\n            - key: zone\n              operator: Gt\n              values: [a, b]\n",
            "c.yaml:9:11: profiles[0].pluginConfig[0].args.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].matchExpressions[0].values: Invalid value: []string{\"a\", \"b\"}: for 'Gt', 'Lt' operators, exactly one value is required",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerms:\n          - matchFields:\n            - key: metadata.name\n              operator: Exists\n",
            "c.yaml:12:25: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator: Unsupported value: \"Exists\": supported values: \"In\", \"NotIn\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution:\n          nodeSelectorTerm: []\n",
            "c.yaml:9:11: profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution: strict decoding error: unknown field \"profiles[0].pluginConfig[0].args.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerm\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: VolumeBinding\n    args:\n      bindTimeoutSeconds: -1\n",
            "c.yaml:7:27: profiles[0].pluginConfig[0].args.bindTimeoutSeconds: Invalid value: -1: invalid BindTimeoutSeconds, should not be a negative value",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args:\n      resources:\n      - name: cpu\n      - name: cpu\n",
            "c.yaml:9:15: profiles[0].pluginConfig[0].args.resources[1].name: Duplicate value: \"cpu\"",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args:\n      resources:\n      - name: example.com/foo\n        weight: 2\n",
            "c.yaml:9:17: profiles[0].pluginConfig[0].args.resources[0].weight: Invalid value: 2: must be 1",
        ),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n  - name: NodeResourcesFit\n",
            "c.yaml:6:5: profiles[0].pluginConfig[1]: Duplicate value: \"NodeResourcesFit\"",
        ),
        (
            "profiles:\n- plugins:\n    preFilter:\n      disabled:\n      - name: NodeResourcesFit\n",
            "c.yaml:6:7: profiles[0].plugins.preFilter: Podlab's scheduler does not implement NodeResourcesFit at filter without it at preFilter (enable or disable both)",
        ),
        (
            "profiles:\n- schedulerName: a\n- schedulerName: b\n  plugins:\n    queueSort:\n      disabled:\n      - name: '*'\n      enabled:\n      - name: PrioritySort\n",
            "c.yaml:8:7: profiles[1].plugins.queueSort: Invalid value: \"queueSort\": must be the same for all profiles",
        ),
        (
            "parallelism: 0\n",
            "c.yaml:3:14: parallelism: Invalid value: 0: should be an integer value greater than zero",
        ),
        (
            "podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n",
            "c.yaml:4:23: podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds",
        ),
        (
            "profiles: 3\n",
            "c.yaml:3:11: profiles: invalid type: integer `3`, expected a sequence",
        ),
    ];
    let mut wrong = Vec::new();
    for (body, want) in cases {
        let text = format!("{HEAD}{body}");
        let errors = parse("c.yaml", &text).expect_err(body);
        if errors[0].to_string() != *want {
            wrong.push(format!("{body}\n  want {want}\n  got  {}", errors[0]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn other_kinds_and_versions_are_refused() {
    let cases: &[(&str, &str)] = &[
        (
            "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
            "c.yaml:1:1: no kind \"KubeSchedulerConfiguration\" is registered for version \"kubescheduler.config.k8s.io/v1beta3\"",
        ),
        ("apiVersion: v1\n", "c.yaml:1:1: Object 'Kind' is missing"),
        ("a: [", "c.yaml:"),
    ];
    for (text, want) in cases {
        let errors = parse("c.yaml", text).expect_err(text);
        assert!(
            errors[0].to_string().starts_with(want),
            "{text}: {}",
            errors[0]
        );
    }
}

/// `NodeAffinityArgs.addedAffinity` becomes the profile's NodeAffinity: its required
/// terms as they are, its preferred terms only when it lists any.
#[test]
fn added_affinity_is_the_profiles_node_affinity() {
    let c = ok("profiles:
- schedulerName: zoned
  pluginConfig:
  - name: NodeAffinity
    args:
      addedAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions:
            - key: topology.kubernetes.io/zone
              operator: In
              values: [zone-a]
        preferredDuringSchedulingIgnoredDuringExecution: []
");
    let added = &c.profiles[0].node_affinity;
    let terms = &added
        .added_required
        .as_ref()
        .expect("required")
        .node_selector_terms;
    assert_eq!(terms.len(), 1);
    assert_eq!(added.added_preferred, None);
    let plain = ok("profiles:\n- pluginConfig:\n  - name: NodeAffinity\n    args: {}\n");
    assert_eq!(plain.profiles[0].node_affinity, NodeAffinity::default());
}

const SPREAD_ARGS: &str = "profiles:\n- pluginConfig:\n  - name: PodTopologySpread\n    args:\n";

/// `ValidatePodTopologySpreadArgs`: every error of the arguments, in kube-scheduler's
/// order (the defaulting type, then each constraint's maxSkew, topologyKey,
/// whenUnsatisfiable, labelSelector and repetition).
#[test]
fn pod_topology_spread_args_validate_as_kube_scheduler() {
    let at = "profiles[0].pluginConfig[0].args";
    let cases: &[(&str, &[&str])] = &[
        (
            "      defaultConstraints:\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n",
            &["defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"],
        ),
        (
            "      defaultingType: List\n      defaultConstraints:\n      - maxSkew: 0\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n      - maxSkew: -1\n        topologyKey: \"\"\n        whenUnsatisfiable: ScheduleAnyway\n",
            &[
                "defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)",
                "defaultConstraints[1].maxSkew: Invalid value: -1: not in valid range (0, inf)",
                "defaultConstraints[1].topologyKey: Required value: can not be empty",
            ],
        ),
        (
            "      defaultingType: List\n      defaultConstraints:\n      - maxSkew: 1\n        topologyKey: a/b/c\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: Sometimes\n",
            &[
                "defaultConstraints[0].topologyKey: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                "defaultConstraints[0].whenUnsatisfiable: Required value: can not be empty",
                "defaultConstraints[1].whenUnsatisfiable: Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
            ],
        ),
        (
            "      defaultingType: List\n      defaultConstraints:\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: ScheduleAnyway\n        labelSelector:\n          matchLabels: {app: web}\n      - maxSkew: 2\n        topologyKey: zone\n        whenUnsatisfiable: ScheduleAnyway\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n",
            &[
                "defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod",
                "defaultConstraints[1]: Duplicate value: \"{zone, ScheduleAnyway}\"",
            ],
        ),
        (
            "      defaultingType: Cluster\n      defaultConstraints:\n      - maxSkew: 0\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n",
            &[
                "defaultingType: Unsupported value: \"Cluster\": supported values: \"System\", \"List\"",
                "defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)",
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (args, want) in cases {
        let text = format!("{HEAD}{SPREAD_ARGS}{args}");
        let got: Vec<String> = match parse("c.yaml", &text) {
            Ok(_) => vec!["accepted".into()],
            Err(errors) => errors.iter().map(|e| e.error.to_string()).collect(),
        };
        let want: Vec<String> = want.iter().map(|w| format!("{at}.{w}")).collect();
        if got != want {
            wrong.push(format!("{args}\n  want {want:#?}\n  got  {got:#?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // A field the constraint type does not have, and where an error is in the file.
    let text = format!(
        "{HEAD}{SPREAD_ARGS}      defaultingType: List\n      defaultConstraints:\n      - maxSkew: 1\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n        selector: {{}}\n"
    );
    let errors = parse("c.yaml", &text).expect_err("unknown field");
    assert_eq!(
        errors[0].to_string(),
        format!("c.yaml:9:9: {at}.defaultConstraints[0]: strict decoding error: unknown field \"{at}.defaultConstraints[0].selector\"")
    );
    let text = format!(
        "{HEAD}{SPREAD_ARGS}      defaultingType: List\n      defaultConstraints:\n      - maxSkew: 0\n        topologyKey: zone\n        whenUnsatisfiable: DoNotSchedule\n"
    );
    let errors = parse("c.yaml", &text).expect_err("maxSkew 0");
    assert!(
        errors[0].to_string().starts_with("c.yaml:9:18: "),
        "{}",
        errors[0]
    );
}

/// The docs' "Cluster-level default constraints": `defaultingType: List` with its
/// constraints, kept as written with no selector (each pod's is deduced).
#[test]
fn pod_topology_spread_list_defaulting_keeps_the_constraints() {
    use crate::scheduler::plugins::pod_topology_spread::DefaultConstraints;
    let c = ok("profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: PodTopologySpread
    args:
      defaultConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
      - maxSkew: 2
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: DoNotSchedule
        minDomains: 3
        nodeTaintsPolicy: Honor
      defaultingType: List
");
    let DefaultConstraints::List(list) = &c.profiles[0].pod_topology_spread.default_constraints
    else {
        panic!("not a list");
    };
    type Kept<'a> = (i32, &'a str, &'a str, Option<i32>, Option<&'a str>);
    let got: Vec<Kept<'_>> = list
        .iter()
        .map(|c| {
            (
                c.max_skew,
                c.topology_key.as_str(),
                c.when_unsatisfiable.as_str(),
                c.min_domains,
                c.node_taints_policy.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                "topology.kubernetes.io/zone",
                "ScheduleAnyway",
                None,
                None
            ),
            (
                2,
                "kubernetes.io/hostname",
                "DoNotSchedule",
                Some(3),
                Some("Honor")
            ),
        ]
    );
    assert!(list.iter().all(|c| c.label_selector.is_none()));
    // Without a defaulting type the system defaults apply.
    assert_eq!(
        ok("profiles:\n- pluginConfig:\n  - name: PodTopologySpread\n    args: {}\n").profiles[0]
            .pod_topology_spread
            .default_constraints,
        DefaultConstraints::System
    );
}

/// NodeResourcesBalancedAllocationArgs takes any resource names (an unset or 0 weight
/// is 1); the profile's plugin balances them.
#[test]
fn balanced_allocation_takes_any_resource() {
    use crate::scheduler::plugins::NodeResourcesBalancedAllocation;
    let c = ok("profiles:\n- pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args:\n      resources:\n      - name: cpu\n        weight: 1\n      - name: memory\n        weight: 0\n      - name: example.com/foo\n");
    assert_eq!(
        c.profiles[0].balanced_allocation,
        NodeResourcesBalancedAllocation::with_resources(["cpu", "memory", "example.com/foo"])
    );
    // cpu and memory alone, or no resources, are the default.
    for body in [
        "profiles:\n- pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args:\n      resources:\n      - name: memory\n      - name: cpu\n",
        "profiles:\n- pluginConfig:\n  - name: NodeResourcesBalancedAllocation\n    args: {}\n",
    ] {
        assert_eq!(
            ok(body).profiles[0].balanced_allocation,
            NodeResourcesBalancedAllocation::default(),
            "{body}"
        );
    }
}
