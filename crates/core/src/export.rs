//! Past the playground: the scenario as a kind cluster config (the nodes with their
//! labels and taints) and the objects as manifests to apply there, so a lesson can be
//! replayed on a real cluster (`kind create cluster --config kind.yaml`, then `kubectl
//! apply -f manifests.yaml`).
//!
//! kind names its nodes itself (`podlab-control-plane`, `podlab-worker`,
//! `podlab-worker2`, ...): [`kind_names`] pairs each playground node with the kind node
//! it becomes, and a pod pinned to a node with `spec.nodeName` is pinned to that node's
//! kind name. A node a pod was bound to by the scheduler is not kept: the real
//! scheduler decides there.

use crate::kubectl::apply::LAST_APPLIED;
use crate::model::Node;
use crate::Cluster;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The name kind's cluster gets (`kind create cluster` reads it from the config).
pub const KIND_CLUSTER: &str = "podlab";

/// Labels the kubelet, kubeadm or kind set on every node: not carried over.
fn kept_label(key: &str) -> bool {
    !(key.starts_with("node-role.kubernetes.io/")
        || key.starts_with("beta.kubernetes.io/")
        || matches!(
            key,
            "kubernetes.io/hostname"
                | "kubernetes.io/os"
                | "kubernetes.io/arch"
                | "node.kubernetes.io/exclude-from-external-load-balancers"
        ))
}

fn is_control_plane(node: &Node) -> bool {
    node.metadata
        .labels
        .as_ref()
        .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane"))
}

/// Each playground node's kind name: control-plane nodes first, then workers, each in
/// name order, numbered as kind numbers them.
pub fn kind_names(cluster: &Cluster) -> BTreeMap<String, String> {
    let mut nodes: Vec<&Node> = cluster.nodes().collect();
    crate::sort::sort_by_key(&mut nodes, |n| {
        (!is_control_plane(n), n.metadata.name.clone())
    });
    let (mut planes, mut workers) = (0, 0);
    let mut names = BTreeMap::new();
    for n in nodes {
        let (role, count) = if is_control_plane(n) {
            ("control-plane", &mut planes)
        } else {
            ("worker", &mut workers)
        };
        *count += 1;
        let suffix = if *count == 1 {
            String::new()
        } else {
            count.to_string()
        };
        names.insert(
            n.metadata.name.clone().unwrap_or_default(),
            format!("{KIND_CLUSTER}-{role}{suffix}"),
        );
    }
    names
}

/// The kind cluster config: one entry per node with its role, its own labels, and its
/// taints through a kubeadm patch (kind has no field for them).
pub fn kind_config(cluster: &Cluster) -> String {
    let names = kind_names(cluster);
    let mut nodes: Vec<&Node> = cluster.nodes().collect();
    crate::sort::sort_by_key(&mut nodes, |n| {
        (!is_control_plane(n), n.metadata.name.clone())
    });
    let mut out = format!(
        "# kind cluster config exported by Podlab: create it with\n#   kind create cluster --config kind.yaml\nkind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: {KIND_CLUSTER}\nnodes:\n"
    );
    let mut first_plane = true;
    for n in nodes {
        let name = n.metadata.name.clone().unwrap_or_default();
        let plane = is_control_plane(n);
        out.push_str(&format!(
            "# {name} (becomes {})\n- role: {}\n",
            names.get(&name).map(String::as_str).unwrap_or_default(),
            if plane { "control-plane" } else { "worker" }
        ));
        let labels: Vec<(&String, &String)> = n
            .metadata
            .labels
            .iter()
            .flatten()
            .filter(|(k, _)| kept_label(k))
            .collect();
        if !labels.is_empty() {
            out.push_str("  labels:\n");
            for (k, v) in labels {
                out.push_str(&format!("    {}: {}\n", yaml_scalar(k), yaml_scalar(v)));
            }
        }
        // Taints the node lifecycle controller or cordon put there are state, not
        // configuration; kubeadm gives a control plane its own taint unless told others.
        let taints: Vec<_> = n
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .filter(|t| !t.key.starts_with("node.kubernetes.io/"))
            .collect();
        let default_plane_taint = |t: &&crate::model::Taint| {
            t.key == "node-role.kubernetes.io/control-plane" && t.effect == "NoSchedule"
        };
        let is_default = if plane {
            taints.len() == 1 && taints.iter().all(default_plane_taint)
        } else {
            taints.is_empty()
        };
        if !is_default {
            let kind = if plane && first_plane {
                "InitConfiguration"
            } else {
                "JoinConfiguration"
            };
            out.push_str(&format!(
                "  kubeadmConfigPatches:\n  - |\n    kind: {kind}\n    nodeRegistration:\n"
            ));
            if taints.is_empty() {
                out.push_str("      taints: []\n");
            } else {
                out.push_str("      taints:\n");
                for t in &taints {
                    out.push_str(&format!("      - key: {}\n", yaml_scalar(&t.key)));
                    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
                        out.push_str(&format!("        value: {}\n", yaml_scalar(v)));
                    }
                    out.push_str(&format!("        effect: {}\n", t.effect));
                }
            }
        }
        if plane {
            first_plane = false;
        }
        if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            out.push_str(&format!(
                "# {name} is cordoned here: kubectl cordon {} once the cluster is up\n",
                names.get(&name).map(String::as_str).unwrap_or_default()
            ));
        }
    }
    out
}

/// A scalar as YAML writes it (quoted when plain style would read differently).
fn yaml_scalar(s: &str) -> String {
    crate::manifest::emit::to_yaml(&Value::String(s.to_string()))
        .trim_end()
        .to_string()
}

/// The objects people made, as manifests to apply on the kind cluster: namespaces,
/// services, ConfigMaps, Secrets, storage (classes, volumes, claims), ServiceAccounts
/// and pods, each as it was applied when `kubectl apply` kept its
/// configuration, otherwise without what the API server and controllers filled in.
pub fn manifests(cluster: &Cluster) -> String {
    let names = kind_names(cluster);
    let mut docs: Vec<Value> = Vec::new();
    let api = cluster.api();
    for ns in api.namespaces.list() {
        let name = ns.metadata.name.as_deref().unwrap_or_default();
        if !matches!(
            name,
            "default" | "kube-system" | "kube-public" | "kube-node-lease"
        ) {
            docs.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}));
        }
    }
    for svc in api.services.list() {
        let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
        let name = svc.metadata.name.as_deref().unwrap_or_default();
        if ns == "default" && name == "kubernetes" {
            continue;
        }
        let mut v = as_applied(serde_json::to_value(svc).unwrap_or_default(), "Service");
        if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
            // The real cluster allocates its own addresses.
            for k in ["clusterIP", "clusterIPs"] {
                spec.remove(k);
            }
        }
        docs.push(v);
    }
    // What pods read goes before them.
    for cm in api.config_maps.list() {
        // Every namespace of the real cluster has its own.
        if cm.metadata.name.as_deref() == Some(crate::apiserver::config::ROOT_CA_CONFIG_MAP) {
            continue;
        }
        docs.push(as_applied(
            serde_json::to_value(cm).unwrap_or_default(),
            "ConfigMap",
        ));
    }
    for secret in api.secrets.list() {
        docs.push(as_applied(
            serde_json::to_value(secret).unwrap_or_default(),
            "Secret",
        ));
    }
    // Storage: classes, volumes, claims; what the PV controller filled in (a binding
    // it made) is the real cluster's to make again.
    for sc in api.storage_classes.list() {
        // The kind cluster has its `standard` class already.
        let applied = sc
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(LAST_APPLIED));
        if !applied
            && sc.metadata.name.as_deref() == Some("standard")
            && sc.provisioner == crate::controllers::local_path_provisioner::PROVISIONER
        {
            continue;
        }
        let stored = serde_json::to_value(sc).unwrap_or_default();
        let mut v = as_applied(stored.clone(), "StorageClass");
        v["apiVersion"] = Value::String("storage.k8s.io/v1".into());
        // A class has no spec: its fields are at the top.
        if let (Some(out), Value::Object(all)) = (v.as_object_mut(), stored) {
            for (k, field) in all {
                if !matches!(k.as_str(), "metadata" | "apiVersion" | "kind") {
                    out.entry(k).or_insert(field);
                }
            }
        }
        docs.push(v);
    }
    for pv in api.persistent_volumes.list() {
        // A provisioned volume: the real cluster's provisioner makes it again.
        let provisioned = pv
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key("pv.kubernetes.io/provisioned-by"));
        if provisioned {
            continue;
        }
        let by_controller = bound_by_controller(&pv.metadata);
        let mut v = as_applied(
            serde_json::to_value(pv).unwrap_or_default(),
            "PersistentVolume",
        );
        if by_controller {
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("claimRef");
            }
        }
        drop_binding_annotations(&mut v);
        docs.push(v);
    }
    for pvc in api.persistent_volume_claims.list() {
        let by_controller = bound_by_controller(&pvc.metadata);
        let mut v = as_applied(
            serde_json::to_value(pvc).unwrap_or_default(),
            "PersistentVolumeClaim",
        );
        if by_controller {
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("volumeName");
            }
        }
        drop_binding_annotations(&mut v);
        docs.push(v);
    }
    // The accounts pods run as (each namespace's `default` the real cluster makes).
    for sa in api.service_accounts.list() {
        if sa.metadata.name.as_deref() == Some("default") {
            continue;
        }
        docs.push(as_applied(
            serde_json::to_value(sa).unwrap_or_default(),
            "ServiceAccount",
        ));
    }
    for pod in api.pods.list() {
        let key = format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or_default()
        );
        let scheduled = cluster.decision(&key).is_some_and(|d| d.chosen.is_some());
        let mut v = as_applied(serde_json::to_value(pod).unwrap_or_default(), "Pod");
        if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
            match spec
                .get("nodeName")
                .and_then(Value::as_str)
                .map(str::to_string)
            {
                // The scheduler put it there: the real one decides anew.
                Some(_) if scheduled => {
                    spec.remove("nodeName");
                }
                Some(node) => {
                    let kind = names.get(&node).cloned().unwrap_or(node);
                    spec.insert("nodeName".into(), Value::String(kind));
                }
                None => {}
            }
            // A selector on a node's hostname label names the node kind will give it.
            if let Some(Value::String(host)) = spec
                .get_mut("nodeSelector")
                .and_then(|s| s.get_mut("kubernetes.io/hostname"))
            {
                if let Some(kind) = names.get(host.as_str()) {
                    *host = kind.clone();
                }
            }
        }
        docs.push(v);
    }
    let mut out = String::from(
        "# Objects exported by Podlab: apply them to the kind cluster with\n#   kubectl apply -f manifests.yaml\n",
    );
    for d in docs {
        out.push_str("---\n");
        out.push_str(&crate::manifest::emit::to_yaml(&d));
    }
    out
}

/// Whether the PV controller made the object's binding (its annotation says so).
fn bound_by_controller(meta: &crate::model::ObjectMeta) -> bool {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get("pv.kubernetes.io/bound-by-controller"))
        .is_some_and(|v| v == "yes")
}

/// Removes the PV controller's and the scheduler's annotations (the binding, the node
/// and provisioner chosen, which are not exported).
fn drop_binding_annotations(v: &mut Value) {
    if let Some(a) = v
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        for key in [
            "pv.kubernetes.io/bound-by-controller",
            "pv.kubernetes.io/bind-completed",
            "volume.kubernetes.io/selected-node",
            "volume.kubernetes.io/storage-provisioner",
            "volume.beta.kubernetes.io/storage-provisioner",
        ] {
            a.remove(key);
        }
        if a.is_empty() {
            if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("annotations");
            }
        }
    }
}

/// The object as it was applied (`kubectl apply` keeps that), or the stored one without
/// the fields the API server sets (uid, resourceVersion, timestamps, status, the
/// service account token volume it injects).
fn as_applied(stored: Value, kind: &str) -> Value {
    if let Some(text) = stored
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
    {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            return v;
        }
    }
    let Value::Object(mut obj) = stored else {
        return stored;
    };
    obj.remove("status");
    let mut out = Map::new();
    out.insert("apiVersion".into(), Value::String("v1".into()));
    out.insert("kind".into(), Value::String(kind.into()));
    if let Some(Value::Object(mut meta)) = obj.remove("metadata") {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            meta.remove(k);
        }
        out.insert("metadata".into(), Value::Object(meta));
    }
    if let Some(mut spec) = obj.remove("spec") {
        strip_token_volume(&mut spec);
        out.insert("spec".into(), spec);
    }
    Value::Object(out)
}

/// Removes the `kube-api-access-*` volume and its mounts, which admission added and the
/// real cluster's admission adds again.
fn strip_token_volume(spec: &mut Value) {
    let is_token = |v: &Value| {
        v.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.starts_with("kube-api-access-"))
    };
    if let Some(vols) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        vols.retain(|v| !is_token(v));
        if vols.is_empty() {
            if let Some(o) = spec.as_object_mut() {
                o.remove("volumes");
            }
        }
    }
    for list in ["containers", "initContainers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(mounts) = c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                mounts.retain(|m| !is_token(m));
                if mounts.is_empty() {
                    if let Some(o) = c.as_object_mut() {
                        o.remove("volumeMounts");
                    }
                }
            }
        }
    }
}
