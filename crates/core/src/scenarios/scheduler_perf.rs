//! kube-scheduler's own throughput workloads (kubernetes/kubernetes,
//! test/integration/scheduler_perf): the nodes and pods of the `5000Nodes` variants CI
//! holds to a floor (`threshold`, pods/s), with their templates written out here.
//!
//! As scheduler_perf does, the nodes are made, the init pods are scheduled (untimed),
//! then the measured pods are scheduled one by one, each assumed onto its node before
//! the next, and the throughput is the measured pods over the time they took.
//! [`PerfWorkload::prepare`] does the untimed part once (the init pods keep the nodes the
//! scheduler chose, and the scheduler its round-robin and tie-break state), so that every
//! run of [`Prepared::start`] and [`Run::finish`] times the same measured phase.

use crate::clock::SimTime;
use crate::model::{Node, Pod};
use crate::scheduler::preemption::PostFilter;
use crate::scheduler::{Scheduler, Snapshot};
use std::collections::HashMap;

/// A scheduler_perf workload at 5,000 nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerfWorkload {
    /// The test case's name (`SchedulingPodAntiAffinity`).
    pub name: &'static str,
    /// The workload's name under it (`5000Nodes_2000Pods`).
    pub variant: &'static str,
    pub init_nodes: usize,
    pub init_pods: usize,
    pub measure_pods: usize,
    /// The pods/s floor CI sets for it (the workload's `threshold`).
    pub threshold: u32,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PodAntiAffinity,
    PodAffinity,
    NodeAffinity,
    TopologySpreading,
    PreemptionAsync,
}

/// The five workloads, with the parameters of their thresholded 5,000-node variants:
/// `affinity/performance-config.yaml` (the first three),
/// `topology_spreading/performance-config.yaml` and
/// `default_preemption/performance-config.yaml`.
pub const SCHEDULER_PERF: [PerfWorkload; 5] = [
    PerfWorkload {
        name: "SchedulingPodAntiAffinity",
        variant: "5000Nodes_2000Pods",
        init_nodes: 5_000,
        init_pods: 1_000,
        measure_pods: 2_000,
        threshold: 60,
        kind: Kind::PodAntiAffinity,
    },
    PerfWorkload {
        name: "SchedulingPodAffinity",
        variant: "5000Nodes_5000Pods",
        init_nodes: 5_000,
        init_pods: 5_000,
        measure_pods: 5_000,
        threshold: 35,
        kind: Kind::PodAffinity,
    },
    PerfWorkload {
        name: "SchedulingNodeAffinity",
        variant: "5000Nodes_10000Pods",
        init_nodes: 5_000,
        init_pods: 5_000,
        measure_pods: 10_000,
        threshold: 220,
        kind: Kind::NodeAffinity,
    },
    PerfWorkload {
        name: "TopologySpreading",
        variant: "5000Nodes_5000Pods",
        init_nodes: 5_000,
        init_pods: 5_000,
        measure_pods: 5_000,
        threshold: 460,
        kind: Kind::TopologySpreading,
    },
    PerfWorkload {
        name: "PreemptionAsync",
        variant: "5000Nodes",
        init_nodes: 5_000,
        init_pods: 20_000,
        measure_pods: 5_000,
        threshold: 570,
        kind: Kind::PreemptionAsync,
    },
];

/// templates/node-default.yaml. The API server defaults `status.allocatable` to
/// `status.capacity` (`SetDefaults_NodeStatus`), so it is written out as well.
const NODE_DEFAULT: &str = "apiVersion: v1
kind: Node
metadata:
  generateName: scheduler-perf-
spec: {}
status:
  capacity:
    pods: '110'
    cpu: '4'
    memory: 32Gi
  allocatable:
    pods: '110'
    cpu: '4'
    memory: 32Gi
  conditions:
  - status: 'True'
    type: Ready
  phase: Running
";

/// The pause container every template runs, with its requests (and equal limits).
macro_rules! pause {
    ($cpu:literal) => {
        concat!(
            "  containers:
  - image: registry.k8s.io/pause:3.10
    name: pause
    ports:
    - containerPort: 80
    resources:
      limits:
        cpu: ",
            $cpu,
            "
        memory: 500Mi
      requests:
        cpu: ",
            $cpu,
            "
        memory: 500Mi
"
        )
    };
}

/// templates/pod-default.yaml.
const POD_DEFAULT: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: pod-
spec:
",
    pause!("100m")
);

/// templates/pod-with-pod-anti-affinity.yaml.
const POD_WITH_POD_ANTI_AFFINITY: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: anti-affinity-pod-
  labels:
    color: green
spec:
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector:
          matchLabels:
            color: green
        topologyKey: kubernetes.io/hostname
        namespaces: [sched-1, sched-0]
",
    pause!("100m")
);

/// templates/pod-with-pod-affinity.yaml.
const POD_WITH_POD_AFFINITY: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: affinity-pod-
  labels:
    color: blue
spec:
  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector:
          matchLabels:
            color: blue
        topologyKey: topology.kubernetes.io/zone
        namespaces: [sched-1, sched-0]
",
    pause!("100m")
);

/// templates/pod-with-node-affinity.yaml.
const POD_WITH_NODE_AFFINITY: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: node-affinity-
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - key: topology.kubernetes.io/zone
            operator: In
            values: [zone1, zone2]
",
    pause!("100m")
);

/// templates/pod-with-topology-spreading.yaml.
const POD_WITH_TOPOLOGY_SPREADING: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: spreading-pod-
  labels:
    color: blue
spec:
  topologySpreadConstraints:
  - maxSkew: 5
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector:
      matchLabels:
        color: blue
",
    pause!("100m")
);

/// templates/pod-low-priority.yaml.
const POD_LOW_PRIORITY: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: pod-
spec:
  terminationGracePeriodSeconds: 0
",
    pause!("900m")
);

/// templates/pod-high-priority.yaml.
const POD_HIGH_PRIORITY: &str = concat!(
    "apiVersion: v1
kind: Pod
metadata:
  generateName: pod-
spec:
  priority: 10
",
    pause!("3000m")
);

/// PreemptionAsync's churn op creates a high-priority pod every 200 ms while the
/// measured pods are created. Wall time has no place in a deterministic run, so one is
/// created every this many measured pods: 50 over the 5,000, as many as the churn makes
/// while kube-scheduler schedules them at its 570 pods/s floor (44), and ten times what
/// it makes at 5,700 pods/s (4 or 5).
pub const PREEMPTORS_EVERY: usize = 100;

/// `rand.String`'s alphabet, for the 5 characters `generateName` appends.
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The name `generateName` gives the `i`th object: 5 characters of the alphabet,
/// distinct for every `i` under 27^5 (a fixed permutation stands in for randomness).
fn generated_name(prefix: &str, i: usize) -> String {
    const SPACE: usize = 27 * 27 * 27 * 27 * 27;
    let mut n = (i.wrapping_mul(7_919).wrapping_add(4_241)) % SPACE;
    let mut name = String::with_capacity(prefix.len() + 5);
    name.push_str(prefix);
    for _ in 0..5 {
        name.push(char::from(NAME_ALPHABET[n % 27]));
        n /= 27;
    }
    name
}

fn parse<T: serde::de::DeserializeOwned>(template: &str) -> T {
    let docs = crate::manifest::yaml::parse(template).expect("a template in YAML");
    let json = docs
        .first()
        .and_then(|d| d.root.as_ref())
        .map(|r| r.to_json())
        .unwrap_or_default();
    serde_json::from_value(json).expect("a template of its kind")
}

/// `count` nodes from node-default.yaml, named as `generateName` does and labelled
/// `kubernetes.io/hostname` (the node preparer's), with `topology.kubernetes.io/zone`
/// taking `zones` in turn (`labelNodePrepareStrategy`, round robin) when there are any.
fn nodes(count: usize, zones: &[&str]) -> Vec<Node> {
    let template: Node = parse(NODE_DEFAULT);
    (0..count)
        .map(|i| {
            let mut node = template.clone();
            let name = generated_name("scheduler-perf-", i);
            let labels = node.metadata.labels.get_or_insert_with(Default::default);
            labels.insert("kubernetes.io/hostname".into(), name.clone());
            if !zones.is_empty() {
                labels.insert(
                    "topology.kubernetes.io/zone".into(),
                    zones[i % zones.len()].into(),
                );
            }
            node.metadata.generate_name = None;
            node.metadata.name = Some(name);
            node
        })
        .collect()
}

/// `count` pods of `template` in `namespace`; `first` numbers their names on from
/// earlier pods of the same namespace.
fn pods(template: &str, namespace: &str, count: usize, first: usize) -> Vec<Pod> {
    let template: Pod = parse(template);
    let prefix = template.metadata.generate_name.clone().unwrap_or_default();
    (first..first + count)
        .map(|i| {
            let mut pod = template.clone();
            pod.metadata.generate_name = None;
            pod.metadata.name = Some(generated_name(&prefix, i));
            pod.metadata.namespace = Some(namespace.into());
            pod
        })
        .collect()
}

/// A workload made and its init pods placed.
pub struct Prepared {
    pub workload: PerfWorkload,
    pub nodes: Vec<Node>,
    /// The init pods, bound (`spec.nodeName`) where the scheduler put them.
    pub init: Vec<Pod>,
    pub measured: Vec<Pod>,
    /// PreemptionAsync's high-priority pods, one before every [`PREEMPTORS_EVERY`]
    /// measured pods.
    pub preemptors: Vec<Pod>,
    /// The scheduler as the init pods left it.
    scheduler: Scheduler,
}

impl PerfWorkload {
    /// The test case and workload, as `go test -bench` names them.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.name, self.variant)
    }

    /// Makes the nodes and pods (the workload's ops, namespaces as scheduler_perf names
    /// them: `namespace-<op index>` when the op sets none) and schedules the init pods.
    pub fn prepare(&self) -> Prepared {
        let (zones, init_template, measured_template, init_ns, measured_ns): (&[&str], _, _, _, _) =
            match self.kind {
                Kind::PodAntiAffinity => (
                    &[],
                    POD_WITH_POD_ANTI_AFFINITY,
                    POD_WITH_POD_ANTI_AFFINITY,
                    "sched-0",
                    "sched-1",
                ),
                Kind::PodAffinity => (
                    &["zone1"],
                    POD_WITH_POD_AFFINITY,
                    POD_WITH_POD_AFFINITY,
                    "sched-0",
                    "sched-1",
                ),
                Kind::NodeAffinity => (
                    &["zone1"],
                    POD_WITH_NODE_AFFINITY,
                    POD_WITH_NODE_AFFINITY,
                    "namespace-1",
                    "namespace-2",
                ),
                Kind::TopologySpreading => (
                    &["moon-1", "moon-2", "moon-3"],
                    POD_DEFAULT,
                    POD_WITH_TOPOLOGY_SPREADING,
                    "namespace-1",
                    "namespace-2",
                ),
                Kind::PreemptionAsync => (
                    &[],
                    POD_LOW_PRIORITY,
                    POD_DEFAULT,
                    "namespace-1",
                    "namespace-3",
                ),
            };
        let nodes = nodes(self.init_nodes, zones);
        let mut init = pods(init_template, init_ns, self.init_pods, 0);
        let measured = pods(measured_template, measured_ns, self.measure_pods, 0);
        let preemptors = if self.kind == Kind::PreemptionAsync {
            pods(
                POD_HIGH_PRIORITY,
                "namespace-2",
                self.measure_pods / PREEMPTORS_EVERY,
                0,
            )
        } else {
            Vec::new()
        };
        let mut scheduler = Scheduler::new(1);
        let chosen: Vec<Option<String>> = {
            let mut snapshot = Snapshot::new(&nodes, std::iter::empty());
            init.iter()
                .map(|p| {
                    scheduler
                        .schedule_and_assume(p, &mut snapshot, SimTime(0))
                        .chosen
                })
                .collect()
        };
        for (pod, node) in init.iter_mut().zip(chosen) {
            pod.spec.get_or_insert_with(Default::default).node_name = node;
        }
        Prepared {
            workload: *self,
            nodes,
            init,
            measured,
            preemptors,
            scheduler,
        }
    }
}

impl Prepared {
    /// How many init pods the scheduler placed.
    pub fn init_bound(&self) -> usize {
        self.init
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some())
            .count()
    }

    /// The cluster as the measured phase finds it: the scheduler's cache with the init
    /// pods on their nodes.
    pub fn start(&self) -> Run<'_> {
        let snapshot = Snapshot::new(&self.nodes, &self.init);
        let pods = if self.preemptors.is_empty() {
            HashMap::new()
        } else {
            self.init
                .iter()
                .chain(&self.measured)
                .map(|p| (key(p), p))
                .collect()
        };
        Run {
            prepared: self,
            scheduler: self.scheduler.clone(),
            snapshot,
            pods,
        }
    }
}

fn key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.name.as_deref().unwrap_or_default()
    )
}

/// One measured phase, ready to go.
pub struct Run<'a> {
    prepared: &'a Prepared,
    scheduler: Scheduler,
    snapshot: Snapshot<'a>,
    /// The pods preemption may pick as victims, by `namespace/name`.
    pods: HashMap<String, &'a Pod>,
}

/// What a measured phase did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Measured pods bound.
    pub bound: usize,
    /// High-priority pods that preempted pods and were then bound where they made room.
    pub preemptions: usize,
    /// Pods preempted.
    pub victims: usize,
}

impl<'a> Run<'a> {
    /// Schedules the measured pods in turn (with PreemptionAsync's high-priority pods
    /// among them: each preempts, its victims go at once, as their grace period is 0,
    /// and it is scheduled again onto the room it made). The run keeps the cluster it
    /// left, so that dropping it is not part of a measurement.
    pub fn finish(&mut self) -> Outcome {
        let mut out = Outcome::default();
        let prepared = self.prepared;
        let mut preemptors = prepared.preemptors.iter();
        for (i, pod) in prepared.measured.iter().enumerate() {
            if i % PREEMPTORS_EVERY == 0 {
                if let Some(p) = preemptors.next() {
                    self.preempt(p, &mut out);
                }
            }
            let d = self
                .scheduler
                .schedule_and_assume(pod, &mut self.snapshot, SimTime(0));
            out.bound += usize::from(d.chosen.is_some());
        }
        out
    }

    fn preempt(&mut self, pod: &'a Pod, out: &mut Outcome) {
        let d = self
            .scheduler
            .schedule_and_assume(pod, &mut self.snapshot, SimTime(0));
        let Some(PostFilter::Nominated { node, victims }) = d.post_filter else {
            return;
        };
        for v in &victims {
            if let Some(victim) = self.pods.get(v) {
                self.snapshot.forget(&node, victim);
                out.victims += 1;
            }
        }
        let again = self
            .scheduler
            .schedule_and_assume(pod, &mut self.snapshot, SimTime(0));
        if again.chosen.as_deref() == Some(node.as_str()) {
            out.preemptions += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workloads at a small scale place every pod; the anti-affinity pods land one
    /// per node and the spreading pods stay within their skew.
    #[test]
    fn small_workloads_place_every_pod() {
        for w in SCHEDULER_PERF {
            let small = PerfWorkload {
                init_nodes: 50,
                init_pods: w.init_pods / 100,
                measure_pods: w.measure_pods / 50,
                ..w
            };
            let prepared = small.prepare();
            assert_eq!(prepared.init_bound(), small.init_pods, "{}", w.name);
            let outcome = prepared.start().finish();
            assert_eq!(outcome.bound, small.measure_pods, "{}", w.name);
            if w.kind == Kind::PreemptionAsync {
                assert_eq!(outcome.preemptions, prepared.preemptors.len());
                assert_eq!(outcome.victims, 3 * prepared.preemptors.len());
            }
        }
    }

    #[test]
    fn generated_names_are_distinct() {
        let mut names: Vec<String> = (0..20_000).map(|i| generated_name("pod-", i)).collect();
        crate::sort::sort(&mut names);
        names.dedup();
        assert_eq!(names.len(), 20_000);
    }
}
