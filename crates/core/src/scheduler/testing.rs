//! Builders for the plugins' table tests (kube-scheduler's `st.MakeNode()` and
//! `st.MakePod()`), and the calls the tests make: one plugin's Filter on one node, one
//! plugin's Score and NormalizeScore over a list of nodes.

use crate::model::{Node, Pod};
use crate::scheduler::framework::{FilterPlugin, NodeInfo, PodInfo, ScorePlugin, Status};
use crate::scheduler::{Listers, Snapshot};
use serde_json::{json, Value};

/// A node, built up as JSON.
pub struct MakeNode(Value);

pub fn make_node(name: &str) -> MakeNode {
    MakeNode(json!({"metadata": {"name": name, "labels": {}}, "spec": {}, "status": {}}))
}

impl MakeNode {
    pub fn label(mut self, key: &str, value: &str) -> MakeNode {
        self.0["metadata"]["labels"][key] = json!(value);
        self
    }

    pub fn taint(mut self, key: &str, value: &str, effect: &str) -> MakeNode {
        let mut taint = json!({"key": key, "effect": effect});
        if !value.is_empty() {
            taint["value"] = json!(value);
        }
        push(&mut self.0["spec"]["taints"], taint);
        self
    }

    pub fn unschedulable(mut self) -> MakeNode {
        self.0["spec"]["unschedulable"] = json!(true);
        self
    }

    /// Allocatable cpu, memory and pods, as quantities (`"4"`, `"10000"`, `"110"`).
    pub fn allocatable(mut self, cpu: &str, memory: &str, pods: &str) -> MakeNode {
        self.0["status"]["allocatable"] = json!({"cpu": cpu, "memory": memory, "pods": pods});
        self
    }

    /// Allocatable of another resource (an extended one: `example.com/foo`).
    pub fn allocatable_of(mut self, resource: &str, quantity: &str) -> MakeNode {
        self.0["status"]["allocatable"][resource] = json!(quantity);
        self
    }

    pub fn obj(self) -> Node {
        serde_json::from_value(self.0).expect("a node")
    }
}

/// A pod, built up as JSON; it starts with one container `c` without requests.
pub struct MakePod(Value);

pub fn make_pod() -> MakePod {
    MakePod(json!({
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
}

fn push(list: &mut Value, item: Value) {
    match list {
        Value::Array(items) => items.push(item),
        _ => *list = json!([item]),
    }
}

impl MakePod {
    pub fn node_name(mut self, node: &str) -> MakePod {
        self.0["spec"]["nodeName"] = json!(node);
        self
    }

    pub fn node_selector(mut self, key: &str, value: &str) -> MakePod {
        self.0["spec"]["nodeSelector"][key] = json!(value);
        self
    }

    /// A toleration; empty strings leave a field unset.
    pub fn toleration(mut self, key: &str, operator: &str, value: &str, effect: &str) -> MakePod {
        let mut t = json!({});
        for (field, v) in [
            ("key", key),
            ("operator", operator),
            ("value", value),
            ("effect", effect),
        ] {
            if !v.is_empty() {
                t[field] = json!(v);
            }
        }
        push(&mut self.0["spec"]["tolerations"], t);
        self
    }

    /// Requests of the first container; an empty string leaves that resource unset.
    pub fn req(mut self, cpu: &str, memory: &str) -> MakePod {
        let requests = &mut self.0["spec"]["containers"][0]["resources"]["requests"];
        *requests = json!({});
        if !cpu.is_empty() {
            requests["cpu"] = json!(cpu);
        }
        if !memory.is_empty() {
            requests["memory"] = json!(memory);
        }
        self
    }

    /// The first container's request of another resource (an extended one).
    pub fn req_of(mut self, resource: &str, quantity: &str) -> MakePod {
        self.0["spec"]["containers"][0]["resources"]["requests"][resource] = json!(quantity);
        self
    }

    /// Another app container with these requests.
    pub fn container_req(mut self, cpu: &str, memory: &str) -> MakePod {
        let n = self.0["spec"]["containers"].as_array().map_or(0, Vec::len);
        push(
            &mut self.0["spec"]["containers"],
            json!({"name": format!("c{n}"), "image": "nginx",
                   "resources": {"requests": {"cpu": cpu, "memory": memory}}}),
        );
        self
    }

    /// An init container with these requests.
    pub fn init_req(mut self, cpu: &str, memory: &str) -> MakePod {
        let n = self.0["spec"]["initContainers"]
            .as_array()
            .map_or(0, Vec::len);
        push(
            &mut self.0["spec"]["initContainers"],
            json!({"name": format!("i{n}"), "image": "busybox",
                   "resources": {"requests": {"cpu": cpu, "memory": memory}}}),
        );
        self
    }

    /// A host port of the first container, written as kube-scheduler's tests write it:
    /// `protocol/ip/port` (`"UDP/127.0.0.1/8080"`, an empty ip or protocol left unset).
    pub fn host_port(mut self, spec: &str) -> MakePod {
        let mut parts = spec.splitn(3, '/');
        let (protocol, ip, port) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let port: i32 = port.parse().expect("a port");
        let mut p = json!({"containerPort": port, "hostPort": port});
        if !protocol.is_empty() {
            p["protocol"] = json!(protocol);
        }
        if !ip.is_empty() {
            p["hostIP"] = json!(ip);
        }
        push(&mut self.0["spec"]["containers"][0]["ports"], p);
        self
    }

    /// A required node affinity term (ORed with the others): `(key, operator,
    /// values)` label expressions and `metadata.name` field expressions (ANDed).
    pub fn required_term(
        mut self,
        expressions: &[(&str, &str, &[&str])],
        fields: &[(&str, &str, &[&str])],
    ) -> MakePod {
        let term = term(expressions, fields);
        let terms = &mut self.0["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
        push(terms, term);
        self
    }

    /// A preferred node affinity term of `weight` over label expressions.
    pub fn preferred_term(mut self, weight: i32, expressions: &[(&str, &str, &[&str])]) -> MakePod {
        let preference = term(expressions, &[]);
        push(
            &mut self.0["spec"]["affinity"]["nodeAffinity"]
                ["preferredDuringSchedulingIgnoredDuringExecution"],
            json!({"weight": weight, "preference": preference}),
        );
        self
    }

    pub fn name(mut self, name: &str) -> MakePod {
        self.0["metadata"]["name"] = json!(name);
        self
    }

    pub fn namespace(mut self, namespace: &str) -> MakePod {
        self.0["metadata"]["namespace"] = json!(namespace);
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> MakePod {
        self.0["metadata"]["labels"][key] = json!(value);
        self
    }

    /// A controller owner reference (`apps/v1` `ReplicaSet` called `name`).
    pub fn owned_by_replica_set(mut self, name: &str) -> MakePod {
        push(
            &mut self.0["metadata"]["ownerReferences"],
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name,
                   "uid": "u", "controller": true}),
        );
        self
    }

    /// A pod (anti-)affinity term (a `PodAffinityTerm` as JSON): required without a
    /// weight, preferred with one.
    pub fn pod_affinity(
        mut self,
        kind: PodAffinityKind,
        weight: Option<i32>,
        term: Value,
    ) -> MakePod {
        let field = match kind {
            PodAffinityKind::Affinity => "podAffinity",
            PodAffinityKind::AntiAffinity => "podAntiAffinity",
        };
        let rules = &mut self.0["spec"]["affinity"][field];
        match weight {
            None => push(
                &mut rules["requiredDuringSchedulingIgnoredDuringExecution"],
                term,
            ),
            Some(w) => push(
                &mut rules["preferredDuringSchedulingIgnoredDuringExecution"],
                json!({"weight": w, "podAffinityTerm": term}),
            ),
        }
        self
    }

    /// A topology spread constraint (a `TopologySpreadConstraint` as JSON).
    pub fn spread(mut self, constraint: Value) -> MakePod {
        push(&mut self.0["spec"]["topologySpreadConstraints"], constraint);
        self
    }

    pub fn terminating(mut self) -> MakePod {
        self.0["metadata"]["deletionTimestamp"] = json!("2024-01-01T00:00:00Z");
        self
    }

    pub fn obj(self) -> Pod {
        serde_json::from_value(self.0).expect("a pod")
    }
}

/// Which of a pod's affinities a term goes to.
#[derive(Debug, Clone, Copy)]
pub enum PodAffinityKind {
    Affinity,
    AntiAffinity,
}

fn term(expressions: &[(&str, &str, &[&str])], fields: &[(&str, &str, &[&str])]) -> Value {
    let requirements = |list: &[(&str, &str, &[&str])]| -> Vec<Value> {
        list.iter()
            .map(|(key, operator, values)| {
                let mut r = json!({"key": key, "operator": operator});
                if !values.is_empty() {
                    r["values"] = json!(values);
                }
                r
            })
            .collect()
    };
    let mut t = json!({});
    if !expressions.is_empty() {
        t["matchExpressions"] = json!(requirements(expressions));
    }
    if !fields.is_empty() {
        t["matchFields"] = json!(requirements(fields));
    }
    t
}

/// What the filter says about `node` with `bound` pods on it, or `None` when PreFilter
/// skips the plugin for the pod (every node passes).
pub fn filter(plugin: &dyn FilterPlugin, pod: &Pod, node: &Node, bound: &[Pod]) -> Option<Status> {
    let pod = PodInfo::new(pod);
    if plugin.skip(&pod) {
        return None;
    }
    let mut info = NodeInfo::new(node);
    for p in bound {
        info.add_pod(p);
    }
    Some(plugin.filter(&pod, &info))
}

/// [`filter`] on a node that went through the plugin's [`FilterPlugin::prepare`], as in
/// a snapshot.
pub fn filter_prepared(plugin: &dyn FilterPlugin, pod: &Pod, node: &Node) -> Option<Status> {
    let pod = PodInfo::new(pod);
    if plugin.skip(&pod) {
        return None;
    }
    let mut infos = [NodeInfo::new(node)];
    plugin.prepare(&mut infos);
    Some(plugin.filter(&pod, &infos[0]))
}

/// What the plugin's Filter says about each of `nodes`, in a snapshot of them with the
/// `bound` pods (each on the node its `spec.nodeName` names) and `listers`, after its
/// PreFilter; `None` when PreFilter skips the plugin.
pub fn filter_in_snapshot(
    plugin: &dyn FilterPlugin,
    pod: &Pod,
    nodes: &[Node],
    bound: &[Pod],
    listers: Listers<'_>,
) -> Option<Vec<Status>> {
    let snapshot = Snapshot::new(nodes, bound).with_listers(listers);
    let mut info = snapshot.pod_info(pod);
    plugin.pre_filter(&mut info, &snapshot);
    if plugin.skip(&info) {
        return None;
    }
    Some(
        snapshot
            .infos
            .iter()
            .map(|n| plugin.filter(&info, n))
            .collect(),
    )
}

/// The plugin's scores of every node of such a snapshot, raw and then normalized, or
/// `None` when PreScore skips the plugin for the pod.
pub fn scores_in_snapshot<P: FilterPlugin + ScorePlugin>(
    plugin: &P,
    pod: &Pod,
    nodes: &[Node],
    bound: &[Pod],
    listers: Listers<'_>,
) -> Option<(Vec<i64>, Vec<i64>)> {
    let snapshot = Snapshot::new(nodes, bound).with_listers(listers);
    let mut info = snapshot.pod_info(pod);
    FilterPlugin::pre_filter(plugin, &mut info, &snapshot);
    if ScorePlugin::skip(plugin, &info) {
        return None;
    }
    let refs: Vec<&NodeInfo<'_>> = snapshot.infos.iter().collect();
    let mut raw = Vec::new();
    plugin.score_nodes(&info, &refs, &mut raw);
    let mut normalized = raw.clone();
    plugin.normalize_nodes(&info, &refs, &mut normalized);
    Some((raw, normalized))
}

/// The plugin's scores of `nodes` (each with the pods of `bound` naming it), raw and
/// then normalized, or `None` when PreScore skips the plugin for the pod.
pub fn scores(
    plugin: &dyn ScorePlugin,
    pod: &Pod,
    nodes: &[Node],
    bound: &[Pod],
) -> Option<(Vec<i64>, Vec<i64>)> {
    let pod = PodInfo::new(pod);
    if plugin.skip(&pod) {
        return None;
    }
    let infos: Vec<NodeInfo<'_>> = nodes
        .iter()
        .map(|n| {
            let mut info = NodeInfo::new(n);
            for p in bound {
                if p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(info.name()) {
                    info.add_pod(p);
                }
            }
            info
        })
        .collect();
    let refs: Vec<&NodeInfo<'_>> = infos.iter().collect();
    let mut raw = Vec::new();
    plugin.score_nodes(&pod, &refs, &mut raw);
    let one: Vec<i64> = refs.iter().map(|n| plugin.score(&pod, n)).collect();
    assert_eq!(raw, one, "score_nodes and score agree");
    let mut normalized = raw.clone();
    plugin.normalize(&mut normalized);
    Some((raw, normalized))
}
