//! NodeResourcesFit: the pod's requests must fit in what the node has left (cpu,
//! memory, pod count); nodes are scored by the plugin's scoring strategy
//! (`NodeResourcesFitArgs.scoringStrategy`): LeastAllocated (the default),
//! MostAllocated, or RequestedToCapacityRatio with its shape.

use crate::model::Pod;
use crate::scheduler::framework::{
    node_hint, ClusterEvent, Code, FilterPlugin, NodeInfo, PodInfo, QueueingHint, Reason, Reasons,
    Resources, ScorePlugin, Status, MAX_NODE_SCORE,
};
use crate::scheduler::resources;

/// The reason when the node runs as many pods as it allows.
pub const ERR_REASON_TOO_MANY_PODS: &str = "Too many pods";
/// `Insufficient <resource>` for cpu and memory.
pub const ERR_REASON_CPU: &str = "Insufficient cpu";
pub const ERR_REASON_MEMORY: &str = "Insufficient memory";

/// `ScoringStrategy`: how Score weighs what the node would have requested with the pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Prefer the node with the most left free (`leastRequestedScore`).
    LeastAllocated { resources: Vec<ResourceWeight> },
    /// Prefer the fullest node (`mostRequestedScore`), to pack pods.
    MostAllocated { resources: Vec<ResourceWeight> },
    /// Score each resource's utilization through a piecewise linear `shape`.
    RequestedToCapacityRatio {
        resources: Vec<ResourceWeight>,
        shape: Vec<UtilizationShapePoint>,
    },
}

/// A resource the strategy scores, with its weight (`ResourceSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceWeight {
    pub resource: Resource,
    pub weight: i64,
}

/// The resources Podlab schedules by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Cpu,
    Memory,
}

/// A point of RequestedToCapacityRatio's shape: utilization 0..=100 and its score
/// 0..=10 (`MaxCustomPriorityScore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtilizationShapePoint {
    pub utilization: i64,
    pub score: i64,
}

/// `MaxCustomPriorityScore`: the top of a shape's score scale.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;

/// The default resources, cpu and memory with weight 1 each.
const DEFAULT_RESOURCES: [ResourceWeight; 2] = [
    ResourceWeight {
        resource: Resource::Cpu,
        weight: 1,
    },
    ResourceWeight {
        resource: Resource::Memory,
        weight: 1,
    },
];

/// The default resources, cpu and memory with weight 1 each.
pub fn default_resources() -> Vec<ResourceWeight> {
    DEFAULT_RESOURCES.to_vec()
}

impl Default for ScoringStrategy {
    fn default() -> ScoringStrategy {
        ScoringStrategy::LeastAllocated {
            resources: default_resources(),
        }
    }
}

/// The plugin, with its scoring strategy (the default profile's is LeastAllocated over
/// cpu and memory).
#[derive(Debug, Clone, Default)]
pub struct NodeResourcesFit {
    pub strategy: ScoringStrategy,
}

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        "NodeResourcesFit"
    }

    fn filter(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> Status {
        let want = pod.requests;
        let free = |allocatable: i64, requested: i64| allocatable.saturating_sub(requested);
        let too_many_pods = node.requested.pods.saturating_add(1) > node.allocatable.pods;
        let short_cpu = want.milli_cpu > 0
            && want.milli_cpu > free(node.allocatable.milli_cpu, node.requested.milli_cpu);
        let short_memory =
            want.memory > 0 && want.memory > free(node.allocatable.memory, node.requested.memory);
        let short_other = !pod.other_requests.is_empty() && short_of_other(pod, node).is_some();
        if !(too_many_pods || short_cpu || short_memory || short_other) {
            return Status::success();
        }
        insufficient(pod, node, too_many_pods, short_cpu, short_memory)
    }

    /// A deleted bound pod frees requests; a node is judged by its allocatable.
    fn queueing_hint(&self, pod: &Pod, event: &ClusterEvent<'_>) -> QueueingHint {
        match event {
            ClusterEvent::AssignedPodDeleted => QueueingHint::Queue,
            _ => node_hint(self, pod, event),
        }
    }
}

/// The Filter's rejection: each shortage's reason, in kube-scheduler's order (kept
/// out of the fitting case's way).
#[cold]
#[inline(never)]
fn insufficient(
    pod: &PodInfo<'_>,
    node: &NodeInfo<'_>,
    too_many_pods: bool,
    short_cpu: bool,
    short_memory: bool,
) -> Status {
    let want = pod.requests;
    let mut reasons = Reasons::default();
    // A request beyond the node's whole allocatable cannot be met by preempting
    // (`InsufficientResource.Unresolvable`).
    let mut code = Code::Unschedulable;
    if too_many_pods {
        reasons.push(Reason::Fixed(ERR_REASON_TOO_MANY_PODS));
    }
    if short_cpu {
        reasons.push(Reason::Fixed(ERR_REASON_CPU));
        if want.milli_cpu > node.allocatable.milli_cpu {
            code = Code::UnschedulableAndUnresolvable;
        }
    }
    if short_memory {
        reasons.push(Reason::Fixed(ERR_REASON_MEMORY));
        if want.memory > node.allocatable.memory {
            code = Code::UnschedulableAndUnresolvable;
        }
    }
    for short in other_shortages(pod, node) {
        reasons.push(Reason::Shared(
            format!("Insufficient {}", short.name).into(),
        ));
        if short.want > short.allocatable {
            code = Code::UnschedulableAndUnresolvable;
        }
    }
    Status::Rejected { code, reasons }
}

/// A request of ephemeral-storage or a scalar resource that the node cannot meet.
struct OtherShortage<'p> {
    name: &'p str,
    want: i64,
    allocatable: i64,
}

/// Each of the pod's other requests beyond what the node has left of it (`fitsRequest`:
/// a node reporting none of a resource has none of it), in name order.
fn other_shortages<'p>(
    pod: &'p PodInfo<'_>,
    node: &'p NodeInfo<'_>,
) -> impl Iterator<Item = OtherShortage<'p>> + 'p {
    pod.other_requests.iter().filter_map(|&(name, want)| {
        let allocatable = resources::node_allocatable(node.node, name).unwrap_or(0);
        let left = allocatable.saturating_sub(resources::pods_requested(&node.pods, name));
        // ephemeral-storage counts only when requested; a listed scalar always does.
        let counted = name != "ephemeral-storage" || want > 0;
        (counted && want > left).then_some(OtherShortage {
            name,
            want,
            allocatable,
        })
    })
}

/// The first of [`other_shortages`] (the Filter's question: does the pod fit?).
fn short_of_other<'p>(pod: &'p PodInfo<'_>, node: &'p NodeInfo<'_>) -> Option<OtherShortage<'p>> {
    other_shortages(pod, node).next()
}

/// `leastRequestedScore`: the share of capacity left free, 0..=100.
#[inline(always)]
fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 || requested > capacity {
        return 0;
    }
    // (capacity - requested) * 100 overflows 64 bits only past 92 PB: then in 128.
    const LIMIT: i64 = i64::MAX / MAX_NODE_SCORE;
    if capacity <= LIMIT && requested >= 0 {
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }
    let (c, r) = (i128::from(capacity), i128::from(requested));
    ((c - r) * i128::from(MAX_NODE_SCORE) / c) as i64
}

impl ScorePlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        "NodeResourcesFit"
    }

    fn weight(&self) -> i64 {
        1
    }

    /// The strategy chosen once for all the nodes (each node is then a few integer
    /// operations per resource).
    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        let want = pod.non_zero_requests;
        match &self.strategy {
            // The default resources: both weigh 1, so the sum halves.
            ScoringStrategy::LeastAllocated { resources } if resources[..] == DEFAULT_RESOURCES => {
                out.extend(nodes.iter().map(|n| {
                    let (cpu, cpu_cap) = requested(want, n, Resource::Cpu);
                    let (memory, memory_cap) = requested(want, n, Resource::Memory);
                    match (cpu_cap != 0, memory_cap != 0) {
                        (true, true) => {
                            (least_requested(cpu, cpu_cap) + least_requested(memory, memory_cap))
                                / 2
                        }
                        (true, false) => least_requested(cpu, cpu_cap),
                        (false, true) => least_requested(memory, memory_cap),
                        (false, false) => 0,
                    }
                }))
            }
            ScoringStrategy::LeastAllocated { resources } => out.extend(
                nodes
                    .iter()
                    .map(|n| weighed(resources, least_requested, want, n)),
            ),
            ScoringStrategy::MostAllocated { resources } => out.extend(
                nodes
                    .iter()
                    .map(|n| weighed(resources, most_requested, want, n)),
            ),
            ScoringStrategy::RequestedToCapacityRatio { .. } => {
                out.extend(nodes.iter().map(|n| self.score(pod, n)))
            }
        }
    }

    /// The strategy over its resources: each resource's score by its weight, summed
    /// and divided by the weights' sum (a resource the node has none of left out).
    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        let want = pod.non_zero_requests;
        match &self.strategy {
            ScoringStrategy::LeastAllocated { resources } => {
                weighed(resources, least_requested, want, node)
            }
            ScoringStrategy::MostAllocated { resources } => {
                weighed(resources, most_requested, want, node)
            }
            ScoringStrategy::RequestedToCapacityRatio { resources, shape } => {
                requested_to_capacity_ratio(resources, shape, |r| requested(want, node, r))
            }
        }
    }
}

/// What the node would have requested of `resource` with the pod there (the scoring
/// defaults for unset requests), and its allocatable.
#[inline(always)]
fn requested(want: Resources, node: &NodeInfo<'_>, resource: Resource) -> (i64, i64) {
    match resource {
        Resource::Cpu => (
            node.non_zero_requested
                .milli_cpu
                .saturating_add(want.milli_cpu),
            node.allocatable.milli_cpu,
        ),
        Resource::Memory => (
            node.non_zero_requested.memory.saturating_add(want.memory),
            node.allocatable.memory,
        ),
    }
}

/// LeastAllocated's and MostAllocated's score: `per` resource by its weight, summed and
/// divided by the weights' sum (a resource the node has none of left out).
#[inline(always)]
fn weighed(
    resources: &[ResourceWeight],
    per: impl Fn(i64, i64) -> i64,
    want: Resources,
    node: &NodeInfo<'_>,
) -> i64 {
    let (mut sum, mut weights) = (0i64, 0i64);
    for r in resources {
        let (req, cap) = requested(want, node, r.resource);
        if cap == 0 {
            continue;
        }
        sum = sum.saturating_add(per(req, cap).saturating_mul(r.weight));
        weights += r.weight;
    }
    if weights == 0 {
        return 0;
    }
    sum / weights
}

/// `mostRequestedScore`: the share of capacity requested, 0..=100 (a request beyond
/// the capacity counts as the capacity).
fn most_requested(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 {
        return 0;
    }
    let requested = requested.clamp(0, capacity);
    (i128::from(requested) * i128::from(MAX_NODE_SCORE) / i128::from(capacity)) as i64
}

/// `buildBrokenLinearFunction` at `p`: the shape's scores (scaled to MaxNodeScore)
/// joined by straight lines, flat before the first point and after the last.
fn broken_linear(shape: &[UtilizationShapePoint], p: i64) -> i64 {
    let scaled = |s: i64| s * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE);
    for (i, point) in shape.iter().enumerate() {
        if p <= point.utilization {
            let Some(prev) = i.checked_sub(1).and_then(|i| shape.get(i)) else {
                return scaled(point.score);
            };
            let (x0, y0) = (prev.utilization, scaled(prev.score));
            let (x1, y1) = (point.utilization, scaled(point.score));
            if x1 == x0 {
                return y1;
            }
            return y0 + (y1 - y0) * (p - x0) / (x1 - x0);
        }
    }
    shape.last().map_or(0, |p| scaled(p.score))
}

/// `requestedToCapacityRatioScorer`: each resource's utilization (requested × 100 /
/// capacity, 100 when over) through the shape, weighed (a resource the node has none
/// of, or that scores 0, left out), the sum rounded.
fn requested_to_capacity_ratio(
    resources: &[ResourceWeight],
    shape: &[UtilizationShapePoint],
    requested: impl Fn(Resource) -> (i64, i64),
) -> i64 {
    let (mut sum, mut weights) = (0i64, 0i64);
    for r in resources {
        let (req, cap) = requested(r.resource);
        if cap == 0 {
            continue;
        }
        let score = if req > cap {
            broken_linear(shape, 100)
        } else {
            broken_linear(shape, (i128::from(req) * 100 / i128::from(cap)) as i64)
        };
        if score > 0 {
            sum = sum.saturating_add(score.saturating_mul(r.weight));
            weights += r.weight;
        }
    }
    if weights == 0 {
        return 0;
    }
    (sum as f64 / weights as f64).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;
    use crate::scheduler::testing::{filter, make_node, make_pod, scores, MakePod};

    fn rejected(reasons: &[&'static str]) -> Option<Status> {
        let mut all = Reasons::default();
        for r in reasons {
            all.push(Reason::Fixed(r));
        }
        Some(Status::Rejected {
            code: Code::Unschedulable,
            reasons: all,
        })
    }

    /// kube-scheduler's `TestEnoughRequests` and `TestNotEnoughRequests`: a node with
    /// 10m cpu, 20 bytes of memory and room for 32 pods (or 1), one pod already there.
    #[test]
    fn filter_checks_requests_against_what_is_left() {
        let ok = Some(Status::success());
        let cpu = rejected(&[ERR_REASON_CPU]);
        let memory = rejected(&[ERR_REASON_MEMORY]);
        let req = |cpu: &str, mem: &str| make_pod().req(cpu, mem);
        // (name, pod, the requests of the pod already there, allocatable pods, verdict).
        type Case<'a> = (
            &'a str,
            MakePod,
            (&'a str, &'a str),
            &'a str,
            Option<Status>,
        );
        let cases: Vec<Case> = vec![
            (
                "no resources requested always fits",
                make_pod(),
                ("10m", "20"),
                "32",
                ok.clone(),
            ),
            (
                "too many resources fails",
                req("1m", "1"),
                ("10m", "20"),
                "32",
                rejected(&[ERR_REASON_CPU, ERR_REASON_MEMORY]),
            ),
            (
                "fails due to init container cpu",
                req("1m", "1").init_req("3m", "1"),
                ("8m", "19"),
                "32",
                cpu.clone(),
            ),
            (
                "fails due to the highest init container cpu",
                req("1m", "1").init_req("3m", "1").init_req("2m", "1"),
                ("8m", "19"),
                "32",
                cpu.clone(),
            ),
            (
                "fails due to init container memory",
                req("1m", "1").init_req("1m", "3"),
                ("9m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "fails due to the highest init container memory",
                req("1m", "1").init_req("1m", "3").init_req("1m", "2"),
                ("9m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "init containers count by their max, not their sum",
                req("1m", "1").init_req("1m", "1").init_req("1m", "1"),
                ("9m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "both resources fit",
                req("1m", "1"),
                ("5m", "5"),
                "32",
                ok.clone(),
            ),
            (
                "memory fits, cpu does not",
                req("2m", "1"),
                ("9m", "5"),
                "32",
                cpu.clone(),
            ),
            (
                "cpu fits, memory does not",
                req("1m", "2"),
                ("5m", "19"),
                "32",
                memory.clone(),
            ),
            (
                "equal edge case",
                req("5m", "1"),
                ("5m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "equal edge case for an init container",
                req("4m", "1").init_req("5m", "1"),
                ("5m", "19"),
                "32",
                ok.clone(),
            ),
            (
                "no room for another pod, even without requests",
                make_pod(),
                ("10m", "20"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS]),
            ),
            (
                "no room for another pod though both resources fit",
                req("1m", "1"),
                ("5m", "5"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS]),
            ),
            (
                "no room for another pod, nor cpu, nor memory",
                req("1m", "1"),
                ("10m", "20"),
                "1",
                rejected(&[ERR_REASON_TOO_MANY_PODS, ERR_REASON_CPU, ERR_REASON_MEMORY]),
            ),
            (
                "more cpu than the node has at all: preemption cannot help",
                req("11m", "1"),
                ("1m", "1"),
                "32",
                Some(Status::Rejected {
                    code: Code::UnschedulableAndUnresolvable,
                    reasons: Reasons::One(Reason::Fixed(ERR_REASON_CPU)),
                }),
            ),
            (
                "more memory than the node has at all, and not enough cpu left",
                req("5m", "21"),
                ("9m", "1"),
                "32",
                Some(Status::Rejected {
                    code: Code::UnschedulableAndUnresolvable,
                    reasons: Reasons::Many(vec![
                        Reason::Fixed(ERR_REASON_CPU),
                        Reason::Fixed(ERR_REASON_MEMORY),
                    ]),
                }),
            ),
        ];
        for (name, pod, (cpu, mem), pods, want) in cases {
            let node = make_node("n").allocatable("10m", "20", pods).obj();
            let bound = [make_pod().req(cpu, mem).obj()];
            assert_eq!(
                filter(&NodeResourcesFit::default(), &pod.obj(), &node, &bound),
                want,
                "{name}"
            );
        }
    }

    /// kube-scheduler's `TestEnoughRequests` cases for extended resources, hugepages and
    /// ephemeral-storage: a node with 10m cpu, 20 bytes, 5 example.com/foo, 20
    /// ephemeral-storage bytes and no hugepages; the pod already there uses 1 foo and 5
    /// bytes of storage.
    #[test]
    fn filter_checks_other_resources_against_what_is_left() {
        let foo = "example.com/foo";
        let short = |name: &str, code: Code| {
            Some(Status::Rejected {
                code,
                reasons: Reasons::One(Reason::Shared(format!("Insufficient {name}").into())),
            })
        };
        let cases: Vec<(&str, MakePod, Option<Status>)> = vec![
            (
                "extended resource fits",
                make_pod().req("1m", "1").req_of(foo, "4"),
                Some(Status::success()),
            ),
            (
                "extended resource capacity enforced",
                make_pod().req("1m", "1").req_of(foo, "5"),
                short(foo, Code::Unschedulable),
            ),
            (
                "more of the extended resource than the node has at all",
                make_pod().req("1m", "1").req_of(foo, "6"),
                short(foo, Code::UnschedulableAndUnresolvable),
            ),
            (
                "a resource the node does not report",
                make_pod().req_of("example.com/bar", "1"),
                short("example.com/bar", Code::UnschedulableAndUnresolvable),
            ),
            (
                "hugepages the node has none of",
                make_pod().req_of("hugepages-2Mi", "2Mi"),
                short("hugepages-2Mi", Code::UnschedulableAndUnresolvable),
            ),
            (
                "ephemeral-storage fits",
                make_pod().req_of("ephemeral-storage", "15"),
                Some(Status::success()),
            ),
            (
                "ephemeral-storage capacity enforced",
                make_pod().req_of("ephemeral-storage", "16"),
                short("ephemeral-storage", Code::Unschedulable),
            ),
            (
                "a resource that is neither extended nor scalar is not checked",
                make_pod().req_of("example.com", "1"),
                Some(Status::success()),
            ),
        ];
        let node = make_node("n")
            .allocatable("10m", "20", "32")
            .allocatable_of(foo, "5")
            .allocatable_of("ephemeral-storage", "20")
            .obj();
        let bound = [make_pod()
            .req("1m", "1")
            .req_of(foo, "1")
            .req_of("ephemeral-storage", "5")
            .obj()];
        for (name, pod, want) in cases {
            assert_eq!(
                filter(&NodeResourcesFit::default(), &pod.obj(), &node, &bound),
                want,
                "{name}"
            );
        }
    }

    fn node(name: &str, cpu: &str, memory: &str) -> Node {
        make_node(name).allocatable(cpu, memory, "110").obj()
    }

    /// kube-scheduler's `TestLeastAllocatedScoringStrategy` (and Podlab's own cases for
    /// the scoring defaults and for more than a node has).
    #[test]
    fn score_prefers_the_least_allocated_node() {
        // cpu (4000 - 3000) / 4000 = 25, memory (10000 - 5000) / 10000 = 50: 37;
        // cpu 50, memory 50: 50.
        let pod = make_pod()
            .req("1000m", "2000")
            .container_req("2000m", "3000")
            .obj();
        let nodes = [node("node1", "4", "10000"), node("node2", "6", "10000")];
        assert_eq!(
            scores(&NodeResourcesFit::default(), &pod, &nodes, &[]),
            Some((vec![37, 50], vec![37, 50]))
        );
        // Pods already there count; a pod without requests counts as 100m and 200Mi.
        let nodes = [node("node1", "1", "1000Mi"), node("node2", "1", "1000Mi")];
        let bound = [make_pod().node_name("node2").req("500m", "500Mi").obj()];
        // node1: cpu 900/1000 → 90, memory 800/1000 → 80: 85. node2: cpu 400 → 40,
        // memory 300 → 30: 35.
        assert_eq!(
            scores(
                &NodeResourcesFit::default(),
                &make_pod().obj(),
                &nodes,
                &bound
            ),
            Some((vec![85, 35], vec![85, 35]))
        );
        // More than the node has scores 0 for that resource; no allocatable scores 0.
        let nodes = [node("node1", "1", "1000Mi"), make_node("bare").obj()];
        assert_eq!(
            scores(
                &NodeResourcesFit::default(),
                &make_pod().req("2", "500Mi").obj(),
                &nodes,
                &[]
            ),
            Some((vec![25, 0], vec![25, 0]))
        );
    }

    /// kube-scheduler's `TestMostAllocatedScoringStrategy`: the fuller node scores higher.
    #[test]
    fn most_allocated_prefers_the_fuller_node() {
        let plugin = NodeResourcesFit {
            strategy: ScoringStrategy::MostAllocated {
                resources: default_resources(),
            },
        };
        // cpu 3000/4000 → 75, memory 5000/10000 → 50: 62; cpu 3000/6000 → 50,
        // memory 50: 50.
        let pod = make_pod()
            .req("1000m", "2000")
            .container_req("2000m", "3000")
            .obj();
        let nodes = [node("node1", "4", "10000"), node("node2", "6", "10000")];
        assert_eq!(
            scores(&plugin, &pod, &nodes, &[]),
            Some((vec![62, 50], vec![62, 50]))
        );
        // More than the node has counts as full.
        assert_eq!(
            scores(
                &plugin,
                &make_pod().req("8", "20000").obj(),
                &nodes[..1],
                &[]
            ),
            Some((vec![100], vec![100]))
        );
    }

    /// kube-scheduler's `TestRequestedToCapacityRatioScoringStrategy`: a shape from
    /// (0, 10) to (100, 0) spreads (as LeastAllocated), one from (0, 0) to (100, 10)
    /// packs; weights weigh the resources.
    #[test]
    fn requested_to_capacity_ratio_follows_its_shape() {
        let point = |utilization, score| UtilizationShapePoint { utilization, score };
        let with = |shape: Vec<UtilizationShapePoint>, cpu: i64, memory: i64| NodeResourcesFit {
            strategy: ScoringStrategy::RequestedToCapacityRatio {
                resources: vec![
                    ResourceWeight {
                        resource: Resource::Cpu,
                        weight: cpu,
                    },
                    ResourceWeight {
                        resource: Resource::Memory,
                        weight: memory,
                    },
                ],
                shape,
            },
        };
        let pod = make_pod().req("3000m", "5000").obj();
        // cpu 3000/4000 → 75 %, memory 5000/10000 → 50 %.
        let nodes = [node("node1", "4", "10000"), node("node2", "6", "10000")];
        // Spread: cpu 25, memory 50 → 37.5 → 38; node2: cpu 50, memory 50 → 50.
        let spread = with(vec![point(0, 10), point(100, 0)], 1, 1);
        assert_eq!(
            scores(&spread, &pod, &nodes, &[]),
            Some((vec![38, 50], vec![38, 50]))
        );
        // Pack: cpu 75, memory 50 → 62.5 → 63; node2: 50.
        let pack = with(vec![point(0, 0), point(100, 10)], 1, 1);
        assert_eq!(
            scores(&pack, &pod, &nodes, &[]),
            Some((vec![63, 50], vec![63, 50]))
        );
        // cpu weighs 3: (75 × 3 + 50) / 4 = 68.75 → 69.
        let heavy_cpu = with(vec![point(0, 0), point(100, 10)], 3, 1);
        assert_eq!(
            scores(&heavy_cpu, &pod, &nodes[..1], &[]),
            Some((vec![69], vec![69]))
        );
        // A step: 0 up to 50 %, 10 from 80 %: cpu 75 % → 83, memory 50 % → 0 (left out).
        let step = with(vec![point(50, 0), point(80, 10)], 1, 1);
        assert_eq!(
            scores(&step, &pod, &nodes[..1], &[]),
            Some((vec![83], vec![83]))
        );
    }
}
