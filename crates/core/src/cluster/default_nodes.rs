//! The chapter's three-node cluster.

use crate::clock::SimTime;
use crate::kubelet::nodestatus::{machine_allocatable, machine_capacity, system_info};
use crate::model::{Node, NodeSpec, NodeStatus, ObjectMeta, Taint};
use k8s_openapi::api::core::v1::{NodeAddress, NodeCondition};

struct Spec {
    name: &'static str,
    ip: &'static str,
    pod_cidr: &'static str,
    control_plane: bool,
}

const NODES: &[Spec] = &[
    Spec {
        name: "k8s-master-01",
        ip: "192.168.56.201",
        pod_cidr: "10.244.0.0/24",
        control_plane: true,
    },
    Spec {
        name: "k8s-worker-01",
        ip: "192.168.56.202",
        pod_cidr: "10.244.1.0/24",
        control_plane: false,
    },
    Spec {
        name: "k8s-worker-02",
        ip: "192.168.56.203",
        pod_cidr: "10.244.2.0/24",
        control_plane: false,
    },
];

/// The default nodes, as `kubectl get node -o yaml` would show them (before the API
/// server stamps uid and resourceVersion).
pub fn default_nodes() -> Vec<Node> {
    NODES.iter().map(node).collect()
}

fn node(s: &Spec) -> Node {
    let mut labels = crate::sort::collect_map(
        [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", s.name),
            ("kubernetes.io/os", "linux"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let mut taints = None;
    if s.control_plane {
        labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
        taints = Some(vec![Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            effect: "NoSchedule".into(),
            value: None,
            time_added: None,
        }]);
    }
    let condition = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(crate::clock::SimTime(0).to_time()),
        last_transition_time: Some(crate::clock::SimTime(0).to_time()),
    };
    Node {
        metadata: ObjectMeta {
            name: Some(s.name.into()),
            labels: Some(labels),
            annotations: Some(crate::sort::collect_map([(
                "node.alpha.kubernetes.io/ttl".to_string(),
                "0".to_string(),
            )])),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            pod_cidr: Some(s.pod_cidr.into()),
            pod_cidrs: Some(vec![s.pod_cidr.into()]),
            taints,
            ..Default::default()
        }),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: s.ip.into(),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: s.name.into(),
                },
            ]),
            capacity: Some(machine_capacity()),
            allocatable: Some(machine_allocatable()),
            conditions: Some(vec![
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ]),
            node_info: Some(system_info()),
            ..Default::default()
        }),
    }
}

/// The default StorageClass a kind cluster has: `standard`, rancher.io/local-path.
pub fn create_default_storage_class(api: &mut crate::apiserver::ApiServer, now: SimTime) {
    api.create_default_storage_class(now);
}

/// The `kubernetes` Service in `default` (10.96.0.1:443), its Endpoints and its
/// EndpointSlice (the API server's own, as its endpoints reconciler writes them), the
/// API server on the control plane (192.168.56.201:6443), as every cluster has them.
pub fn create_kubernetes_service(api: &mut crate::apiserver::ApiServer, now: SimTime) {
    use k8s_openapi::api::core::v1::{
        EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ServicePort, ServiceSpec,
    };
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let labels: std::collections::BTreeMap<String, String> = [
        ("component".to_string(), "apiserver".to_string()),
        ("provider".to_string(), "kubernetes".to_string()),
    ]
    .into();
    let svc = crate::model::Service {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(labels.clone()),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some(crate::apiserver::services::KUBERNETES_SERVICE_IP.into()),
            ports: Some(vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                protocol: Some("TCP".into()),
                target_port: Some(IntOrString::Int(6443)),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    };
    let _ = api.create_service(svc, now);
    let ep = Endpoints {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(
                [(
                    "endpointslice.kubernetes.io/skip-mirror".to_string(),
                    "true".to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        subsets: Some(vec![EndpointSubset {
            addresses: Some(vec![EndpointAddress {
                ip: "192.168.56.201".into(),
                ..Default::default()
            }]),
            ports: Some(vec![EndpointPort {
                name: Some("https".into()),
                port: 6443,
                protocol: Some("TCP".into()),
                app_protocol: None,
            }]),
            not_ready_addresses: None,
        }]),
    };
    let _ = api.delete_endpoints("default", "kubernetes");
    let _ = api.create_endpoints(ep, now);
    let slice = crate::model::EndpointSlice {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(
                [(
                    crate::model::LABEL_SERVICE_NAME.to_string(),
                    "kubernetes".to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: vec![k8s_openapi::api::discovery::v1::Endpoint {
            addresses: vec!["192.168.56.201".into()],
            conditions: Some(k8s_openapi::api::discovery::v1::EndpointConditions {
                ready: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ports: Some(vec![k8s_openapi::api::discovery::v1::EndpointPort {
            name: Some("https".into()),
            port: Some(6443),
            protocol: Some("TCP".into()),
            app_protocol: None,
        }]),
    };
    let _ = api.delete_endpoint_slice("default", "kubernetes");
    let _ = api.create_managed_endpoint_slice(slice, now);
}
