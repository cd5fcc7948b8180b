//! Node status (kubelet's pkg/kubelet/nodestatus and its registration): a joining
//! machine's kubelet registers its node (default labels, addresses, capacity,
//! allocatable, system info), a kubelet posts its node's conditions (Ready, no
//! pressure) and the images on the node, and, started again, posts them afresh with its
//! pods' status.

use super::status::write_status;
use super::Kubelet;
use crate::apiserver::{ApiServer, EventRecord};
use crate::clock::SimTime;
use crate::model::node::{ready_status, set_conditions};
use crate::model::{Node, Quantity};
use k8s_openapi::api::core::v1::{ContainerImage, NodeSystemInfo};
use std::collections::{BTreeMap, BTreeSet};

impl Kubelet {
    /// A Node object no kubelet has posted status for (one created with kubectl) is a
    /// machine joining: its kubelet sets the default labels (hostname, OS, arch) and
    /// posts what the object lacks — an InternalIP (the next free one after the default
    /// nodes' 192.168.56.201–203) and Hostname, the machine's capacity and allocatable,
    /// its system info — and Ready, with the Starting and NodeReady events. A node whose
    /// kubelet is stopped stays as it is.
    pub(super) fn register(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let joining: Vec<String> = api
            .nodes
            .list()
            .filter(|n| ready_status(n).is_empty())
            .filter_map(|n| n.metadata.name.clone())
            .filter(|n| !self.is_stopped(n))
            .collect();
        let mut changed = false;
        for name in joining {
            let Some(mut node) = api.nodes.get("", &name).cloned() else {
                continue;
            };
            let taken = crate::sort::collect_set(
                api.nodes
                    .list()
                    .flat_map(|n| n.status.iter().flat_map(|s| s.addresses.iter().flatten()))
                    .filter(|a| a.type_ == "InternalIP")
                    .map(|a| a.address.clone()),
            );
            // updateDefaultLabels: the machine's hostname, OS and architecture.
            let labels = node.metadata.labels.get_or_insert_with(Default::default);
            for (key, value) in [
                ("beta.kubernetes.io/arch", "amd64"),
                ("beta.kubernetes.io/os", "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("kubernetes.io/hostname", name.as_str()),
                ("kubernetes.io/os", "linux"),
            ] {
                labels.insert(key.into(), value.into());
            }
            let status = node.status.get_or_insert_with(Default::default);
            let addresses = status.addresses.get_or_insert_with(Vec::new);
            if !addresses.iter().any(|a| a.type_ == "InternalIP") {
                // 192.168.56.201 on, then 192.168.57.1 and so on.
                let free = (200..=u32::from(u16::MAX))
                    .map(|i| format!("192.168.{}.{}", 56 + i / 254, 1 + i % 254))
                    .find(|ip| !taken.contains(ip));
                if let Some(ip) = free {
                    addresses.insert(
                        0,
                        k8s_openapi::api::core::v1::NodeAddress {
                            type_: "InternalIP".into(),
                            address: ip,
                        },
                    );
                }
            }
            if !addresses.iter().any(|a| a.type_ == "Hostname") {
                addresses.push(k8s_openapi::api::core::v1::NodeAddress {
                    type_: "Hostname".into(),
                    address: name.clone(),
                });
            }
            status.capacity.get_or_insert_with(machine_capacity);
            status.allocatable.get_or_insert_with(machine_allocatable);
            status.node_info.get_or_insert_with(system_info);
            set_kubelet_conditions(&mut node, now);
            let uid = node.metadata.uid.clone().unwrap_or_default();
            if api.update_node(node).is_err() {
                continue;
            }
            changed = true;
            announce_start(api, &name, &uid, true, now);
        }
        changed
    }

    /// The images setter: a running kubelet reports the images present on its node in
    /// `status.images` (see [`status_images`]) once an image has come (a stopped kubelet
    /// posts when it runs again). Returns whether a node changed.
    pub(super) fn post_images(&mut self, api: &mut ApiServer) -> bool {
        let mut changed = false;
        let lists: Vec<(String, Vec<ContainerImage>)> = self
            .nodes
            .iter_mut()
            .filter(|(_, n)| n.stopped.is_none() && n.images_changed)
            .map(|(name, n)| {
                n.images_changed = false;
                (name.clone(), status_images(&n.images))
            })
            .collect();
        for (name, images) in lists {
            let Some(mut node) = api.nodes.get("", &name).cloned() else {
                continue;
            };
            let status = node.status.get_or_insert_with(Default::default);
            if status.images.as_ref() == Some(&images) {
                continue;
            }
            status.images = Some(images);
            changed |= api.update_node(node).is_ok();
        }
        changed
    }

    /// A restarted kubelet posts its node Ready again (with the Starting and NodeReady
    /// events) and rewrites its pods' status.
    pub(super) fn post_status_again(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let nodes: Vec<String> = self
            .nodes
            .iter_mut()
            .filter_map(|(name, n)| std::mem::take(&mut n.resync).then(|| name.clone()))
            .collect();
        let mut changed = false;
        for node in nodes {
            if let Some(mut n) = api.nodes.get("", &node).cloned() {
                let uid = n.metadata.uid.clone().unwrap_or_default();
                let was_ready = ready_status(&n) == "True";
                set_kubelet_conditions(&mut n, now);
                if api.update_node(n).is_ok() {
                    changed = true;
                }
                announce_start(api, &node, &uid, !was_ready, now);
            }
            let uids: Vec<String> = self
                .pods
                .iter()
                .filter(|(_, w)| w.node == node)
                .map(|(uid, _)| uid.clone())
                .collect();
            for uid in uids {
                let Some(work) = self.pods.get(&uid) else {
                    continue;
                };
                if let Some(mut pod) = api.pods.get(&work.namespace, &work.name).cloned() {
                    write_status(&mut pod, work, now);
                    let _ = api.update_pod(pod);
                    changed = true;
                }
            }
        }
        changed
    }
}

/// `nodeStatusMaxImages`: the kubelet reports at most this many images (its default).
pub(crate) const NODE_STATUS_MAX_IMAGES: usize = 50;

/// `MaxNamesPerImageInNodeStatus`: at most this many names per image.
const MAX_NAMES_PER_IMAGE: usize = 5;

/// What the kubelet reports of the images on its node (the references it pulled): one
/// entry per image, its names its repo digests then its repo tags as the runtime lists
/// them (`docker.io/library/nginx@sha256:…`, `docker.io/library/nginx:latest`), at most
/// five, with its size; the largest images first (the image manager's order), at most
/// [`NODE_STATUS_MAX_IMAGES`]. References the registry does not know are not images.
pub(crate) fn status_images(references: &BTreeSet<String>) -> Vec<ContainerImage> {
    // Per image (by digest): its size, repo digests and repo tags.
    type Names = (BTreeSet<String>, BTreeSet<String>);
    let mut by_digest: BTreeMap<&str, (u64, Names)> = BTreeMap::new();
    for reference in references {
        let (Some(image), Some(repository)) = (
            super::images::lookup(reference),
            super::images::qualified_repository(reference),
        ) else {
            continue;
        };
        let entry = by_digest.entry(image.digest).or_default();
        entry.0 = image.size_bytes;
        entry.1 .0.insert(format!("{repository}@{}", image.digest));
        let qualified = super::images::qualified(reference);
        if !qualified.contains('@') {
            entry.1 .1.insert(qualified);
        }
    }
    let mut images: Vec<(std::cmp::Reverse<u64>, Vec<String>)> = by_digest
        .into_values()
        .map(|(size, (digests, tags))| {
            let names = digests.into_iter().chain(tags).take(MAX_NAMES_PER_IMAGE);
            (std::cmp::Reverse(size), names.collect())
        })
        .collect();
    crate::sort::sort(&mut images);
    images
        .into_iter()
        .take(NODE_STATUS_MAX_IMAGES)
        .map(|(std::cmp::Reverse(size), names)| ContainerImage {
            names: Some(names),
            size_bytes: i64::try_from(size).ok(),
        })
        .collect()
}

/// The conditions a healthy kubelet posts (Ready, no pressure), with transition times
/// moved to `now` where the status changes.
pub(crate) fn set_kubelet_conditions(node: &mut Node, now: SimTime) {
    const HEALTHY: [(&str, &str, &str, &str); 4] = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    set_conditions(node, now, &HEALTHY);
}

/// What every machine of this cluster has (2 CPUs, 4 GiB): a node's capacity...
fn resources(cpu: &str, mem: &str) -> BTreeMap<String, Quantity> {
    crate::sort::collect_map(
        [
            ("cpu", cpu),
            ("ephemeral-storage", "37206272Ki"),
            ("hugepages-2Mi", "0"),
            ("memory", mem),
            ("pods", "110"),
        ]
        .map(|(k, v)| (k.to_string(), Quantity(v.to_string()))),
    )
}

pub(crate) fn machine_capacity() -> BTreeMap<String, Quantity> {
    resources("2", "4015828Ki")
}

/// ...and what the kubelet leaves for pods after its reservations.
pub(crate) fn machine_allocatable() -> BTreeMap<String, Quantity> {
    resources("2", "3913428Ki")
}

/// What a kubelet reports of its machine.
pub(crate) fn system_info() -> NodeSystemInfo {
    NodeSystemInfo {
        architecture: "amd64".into(),
        boot_id: String::new(),
        container_runtime_version: "containerd://2.1.4".into(),
        kernel_version: crate::model::KERNEL_RELEASE.into(),
        kube_proxy_version: crate::model::KUBERNETES_VERSION.into(),
        kubelet_version: crate::model::KUBERNETES_VERSION.into(),
        machine_id: String::new(),
        operating_system: "linux".into(),
        os_image: "Ubuntu 24.04.1 LTS".into(),
        system_uuid: String::new(),
        ..Default::default()
    }
}

/// The node's allocatable cpu and memory in milli-units (limits default to them).
pub(super) fn node_allocatable(api: &ApiServer, node: &str) -> (i128, i128) {
    let alloc = api
        .nodes
        .get("", node)
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    let get = |k: &str| {
        alloc
            .get(k)
            .and_then(|q| crate::model::quantity::parse_milli(&q.0).ok())
            .unwrap_or(0)
    };
    (get("cpu"), get("memory"))
}

/// A kubelet starting on `node`: the Starting event, and NodeReady when the node became
/// Ready with it.
fn announce_start(api: &mut ApiServer, node: &str, uid: &str, became_ready: bool, now: SimTime) {
    let start = EventRecord::node(
        node,
        uid,
        "Starting",
        "Starting kubelet.".into(),
        "kubelet",
        Some(node),
    );
    api.record_event(start, now);
    if became_ready {
        let message = format!("Node {node} status is now: NodeReady");
        let ready = EventRecord::node(node, uid, "NodeReady", message, "kubelet", Some(node));
        api.record_event(ready, now);
    }
}

/// The namespace of the nodes' heartbeat Leases.
pub(crate) const LEASE_NAMESPACE: &str = "kube-node-lease";
/// The kubelet's `nodeLeaseDurationSeconds` (40 s).
const LEASE_DURATION_SECONDS: i32 = 40;
/// The lease controller renews every quarter of the duration: 10 s.
pub(crate) const LEASE_RENEW_MS: u64 = 10_000;

/// When `node`'s lease was last renewed (its renewTime), if it has one.
fn renewed_at(lease: &crate::model::Lease) -> Option<SimTime> {
    let t = lease.spec.as_ref()?.renew_time.as_ref()?;
    Some(SimTime(
        (t.0.as_millisecond() - crate::clock::EPOCH_UNIX_MS).max(0) as u64,
    ))
}

impl Kubelet {
    /// The node lease controller (component-helpers' lease controller, as the kubelet
    /// runs it): every running kubelet keeps a Lease named after its node in
    /// kube-node-lease, held by the node (holderIdentity, leaseDurationSeconds 40, an
    /// owner reference to the Node; acquireTime stays unset, as the kubelet leaves it),
    /// and renews it (renewTime, a new resourceVersion) once 10 s have passed since the
    /// last renewal. A stopped kubelet renews nothing. A lease whose Node is gone goes
    /// (the garbage collector's part, through the owner reference). Returns whether
    /// anything changed.
    pub(crate) fn renew_leases(&mut self, api: &mut ApiServer, now: SimTime) -> bool {
        let mut changed = false;
        let orphans: Vec<String> = api
            .leases
            .list()
            .filter(|l| l.metadata.namespace.as_deref() == Some(LEASE_NAMESPACE))
            .filter(|l| {
                l.metadata.owner_references.iter().flatten().any(|o| {
                    o.kind == "Node"
                        && api
                            .nodes
                            .get("", &o.name)
                            .is_none_or(|n| n.metadata.uid.as_deref() != Some(o.uid.as_str()))
                })
            })
            .filter_map(|l| l.metadata.name.clone())
            .collect();
        for name in orphans {
            changed |= api.delete_lease(LEASE_NAMESPACE, &name).is_ok();
        }
        // Names are copied only for the nodes due, not for every node at every pass.
        let due: Vec<(String, String)> = api
            .nodes
            .list()
            .filter_map(|n| Some((n.metadata.name.as_ref()?, n.metadata.uid.as_ref()?)))
            .filter(|(name, _)| !self.is_stopped(name))
            .filter(|(name, _)| {
                api.leases
                    .get(LEASE_NAMESPACE, name)
                    .and_then(renewed_at)
                    .is_none_or(|t| t.plus_ms(LEASE_RENEW_MS) <= now)
            })
            .map(|(name, uid)| (name.clone(), uid.clone()))
            .collect();
        let renew_time = k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
            k8s_openapi::jiff::Timestamp::from_millisecond(
                crate::clock::EPOCH_UNIX_MS + now.0 as i64,
            )
            .unwrap_or_default(),
        );
        for (name, uid) in due {
            match api.leases.get(LEASE_NAMESPACE, &name).cloned() {
                Some(mut lease) => {
                    lease.spec.get_or_insert_with(Default::default).renew_time =
                        Some(renew_time.clone());
                    changed |= api.update_lease(lease).is_ok();
                }
                None => {
                    let lease = crate::model::Lease {
                        metadata: crate::model::ObjectMeta {
                            name: Some(name.clone()),
                            namespace: Some(LEASE_NAMESPACE.into()),
                            owner_references: Some(vec![
                                k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                                    api_version: "v1".into(),
                                    kind: "Node".into(),
                                    name: name.clone(),
                                    uid,
                                    ..Default::default()
                                },
                            ]),
                            ..Default::default()
                        },
                        spec: Some(k8s_openapi::api::coordination::v1::LeaseSpec {
                            holder_identity: Some(name.clone()),
                            lease_duration_seconds: Some(LEASE_DURATION_SECONDS),
                            renew_time: Some(renew_time.clone()),
                            ..Default::default()
                        }),
                    };
                    // Fails only when kube-node-lease is gone: no lease then.
                    changed |= api.create_node_lease(lease, now).is_ok();
                }
            }
        }
        changed
    }

    /// When the next lease renewal is due: 10 s after the earliest renewal of a lease
    /// whose kubelet runs.
    pub fn next_lease_renewal(&self, api: &ApiServer) -> Option<SimTime> {
        api.leases
            .list()
            .filter(|l| l.metadata.namespace.as_deref() == Some(LEASE_NAMESPACE))
            .filter(|l| {
                l.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| !self.is_stopped(n) && api.nodes.get("", n).is_some())
            })
            .filter_map(renewed_at)
            .map(|t| t.plus_ms(LEASE_RENEW_MS))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(images: &[ContainerImage]) -> Vec<Vec<String>> {
        images
            .iter()
            .map(|i| i.names.clone().unwrap_or_default())
            .collect()
    }

    /// One entry per image (two references to nginx are one image with two tags), repo
    /// digest first, the largest image first; unknown references are no image.
    #[test]
    fn images_by_size_with_digest_and_tags() {
        let refs: BTreeSet<String> = ["busybox:1.36", "nginx", "nginx:1.27", "no-such-image"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let images = status_images(&refs);
        let nginx = super::super::images::lookup("nginx")
            .map(|i| i.digest)
            .unwrap_or_default();
        let busybox = super::super::images::lookup("busybox")
            .map(|i| i.digest)
            .unwrap_or_default();
        assert_eq!(
            names(&images),
            vec![
                vec![
                    format!("docker.io/library/nginx@{nginx}"),
                    "docker.io/library/nginx:1.27".to_string(),
                    "docker.io/library/nginx:latest".to_string(),
                ],
                vec![
                    format!("docker.io/library/busybox@{busybox}"),
                    "docker.io/library/busybox:1.36".to_string(),
                ],
            ]
        );
        assert_eq!(images[0].size_bytes, Some(72_223_946));
    }
}
