//! Admission defaults: what the API server fills in on a new pod, as `kubectl get -o yaml`
//! shows it back (SetDefaults_Pod, the ServiceAccount and DefaultTolerationSeconds
//! admission plugins, the Priority plugin).

use crate::clock::Rng;
use crate::model::quantity;
use crate::model::{Container, Pod, PodSpec, RestartPolicy, Toleration};
use k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, EmptyDirVolumeSource,
    HTTPGetAction, KeyToPath, LifecycleHandler, ObjectFieldSelector, PodSecurityContext, Probe,
    ProjectedVolumeSource, ResourceFieldSelector, ResourceRequirements,
    ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};

/// The mode secret, config map, downward API and projected volumes default to (0644).
const DEFAULT_MODE: i32 = 0o644;

/// Where the service-account token is mounted in every container.
pub const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The grace period a pod gets when its spec names none.
pub const TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;

/// `SetDefaults_PodSpec` and the defaults of what a pod spec holds (containers,
/// volumes, probes): what a pod template gets too.
pub fn pod_spec(spec: &mut PodSpec) {
    spec.restart_policy
        .get_or_insert_with(|| RestartPolicy::default().as_str().into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.termination_grace_period_seconds
        .get_or_insert(TERMINATION_GRACE_PERIOD_SECONDS);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.security_context
        .get_or_insert_with(PodSecurityContext::default);
    for v in spec.volumes.iter_mut().flatten() {
        volume(v);
    }
    let host_network = spec.host_network == Some(true);
    for c in spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut())
    {
        container(c);
        if host_network {
            // With host networking every container port is a host port.
            for port in c.ports.iter_mut().flatten() {
                if port.host_port.unwrap_or(0) == 0 {
                    port.host_port = Some(port.container_port);
                }
            }
        }
    }
}

/// A new pod: its spec's defaults ([`pod_spec`]), `SetDefaults_Pod`'s, and the
/// admission plugins' (ServiceAccount, DefaultTolerationSeconds; Priority is
/// `ApiServer::admit_pod_priority`, which reads the PriorityClasses).
pub fn pod(pod: &mut Pod, token: super::service_accounts::TokenMount, rng: &mut Rng) {
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    pod_spec(spec);
    spec.enable_service_links.get_or_insert(true);
    let sa = spec
        .service_account_name
        .get_or_insert_with(|| "default".into())
        .clone();
    spec.service_account.get_or_insert(sa);

    // DefaultTolerationSeconds: tolerate not-ready/unreachable for 300 s.
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let present = tolerations.iter().any(|t| {
            t.key.as_deref() == Some(key) && t.effect.as_deref().is_none_or(|e| e == "NoExecute")
        });
        if !present {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }

    // ServiceAccount admission: a projected token volume mounted in every container.
    // (Whether it is mounted: the pod's automountServiceAccountToken, else its account's.)
    let mut token_volume = None;
    if token == super::service_accounts::TokenMount::Mount {
        let volumes = spec.volumes.get_or_insert_with(Vec::new);
        let existing = volumes
            .iter()
            .find(|v| v.name.starts_with("kube-api-access-"));
        let name = match existing {
            Some(v) => v.name.clone(),
            None => {
                let name = format!("kube-api-access-{}", rng.name_suffix(5));
                volumes.push(service_account_volume(&name));
                name
            }
        };
        token_volume = Some(name);
    }

    for c in spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut())
    {
        if let Some(volume) = &token_volume {
            let mounts = c.volume_mounts.get_or_insert_with(Vec::new);
            if !mounts.iter().any(|m| m.mount_path == SERVICE_ACCOUNT_MOUNT) {
                mounts.push(VolumeMount {
                    name: volume.clone(),
                    mount_path: SERVICE_ACCOUNT_MOUNT.into(),
                    read_only: Some(true),
                    ..Default::default()
                });
            }
        }
    }
}

fn container(c: &mut Container) {
    c.termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    c.termination_message_policy
        .get_or_insert_with(|| "File".into());
    c.resources.get_or_insert_with(Default::default);
    if c.image_pull_policy.is_none() {
        let image = c.image.as_deref().unwrap_or_default();
        c.image_pull_policy = Some(image_pull_policy(image).into());
    }
    for port in c.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
    if let Some(res) = c.resources.as_mut() {
        resources(res);
    }
    for env in c.env.iter_mut().flatten() {
        if let Some(from) = env.value_from.as_mut() {
            if let Some(f) = from.field_ref.as_mut() {
                field_ref(f);
            }
            if let Some(r) = from.resource_field_ref.as_mut() {
                resource_field_ref(r);
            }
        }
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        self::probe(probe);
    }
    if let Some(lifecycle) = c.lifecycle.as_mut() {
        for h in [&mut lifecycle.post_start, &mut lifecycle.pre_stop]
            .into_iter()
            .flatten()
        {
            handler(h);
        }
    }
}

/// SetDefaults_Pod's requests from limits, and SetDefaults_ResourceList: every quantity
/// rounded up to milli-units and stored in its canonical form (`0.5` is kept as `500m`,
/// `1024Mi` as `1Gi`), as `Quantity` serializes.
fn resources(res: &mut ResourceRequirements) {
    if let Some(limits) = &res.limits {
        let requests = res.requests.get_or_insert_with(Default::default);
        for (k, v) in limits {
            if !requests.contains_key(k) {
                requests.insert(k.clone(), v.clone());
            }
        }
    }
    for list in [&mut res.limits, &mut res.requests].into_iter().flatten() {
        for q in list.values_mut() {
            if let Ok(milli) = quantity::milli(q) {
                q.0 = quantity::format_milli(milli, quantity::is_binary(&q.0));
            }
        }
    }
}

/// SetDefaults_ObjectFieldSelector.
fn field_ref(f: &mut ObjectFieldSelector) {
    f.api_version.get_or_insert_with(|| "v1".into());
}

/// A resource field selector's divisor is a `Quantity` (not a pointer): the API server
/// always returns it, `"0"` when none was given.
fn resource_field_ref(r: &mut ResourceFieldSelector) {
    r.divisor
        .get_or_insert_with(|| quantity::Quantity("0".into()));
}

/// SetDefaults_Probe, with SetDefaults_HTTPGetAction and the gRPC service's `""`.
fn probe(p: &mut Probe) {
    // Go's zero is "not set": 0 is defaulted as a missing field is.
    for (field, default) in [
        (&mut p.timeout_seconds, 1),
        (&mut p.period_seconds, 10),
        (&mut p.success_threshold, 1),
        (&mut p.failure_threshold, 3),
    ] {
        if field.unwrap_or(0) == 0 {
            *field = Some(default);
        }
    }
    if let Some(get) = p.http_get.as_mut() {
        http_get(get);
    }
    if let Some(grpc) = p.grpc.as_mut() {
        grpc.service.get_or_insert_with(String::new);
    }
}

fn handler(h: &mut LifecycleHandler) {
    if let Some(get) = h.http_get.as_mut() {
        http_get(get);
    }
}

/// SetDefaults_HTTPGetAction.
fn http_get(get: &mut HTTPGetAction) {
    if get.path.as_deref().unwrap_or_default().is_empty() {
        get.path = Some("/".into());
    }
    if get.scheme.as_deref().unwrap_or_default().is_empty() {
        get.scheme = Some("HTTP".into());
    }
}

/// SetDefaults_Volume (no source is an emptyDir), SetDefaults_HostPathVolumeSource, the
/// volume sources' default modes and SetDefaults_ServiceAccountTokenProjection.
fn volume(v: &mut Volume) {
    let has_source = serde_json::to_value(&*v)
        .ok()
        .and_then(|j| j.as_object().map(|o| o.keys().any(|k| k != "name")))
        .unwrap_or(true);
    if !has_source {
        v.empty_dir = Some(EmptyDirVolumeSource::default());
    }
    if let Some(h) = v.host_path.as_mut() {
        h.type_.get_or_insert_with(String::new);
    }
    if let Some(s) = v.secret.as_mut() {
        s.default_mode.get_or_insert(DEFAULT_MODE);
    }
    if let Some(c) = v.config_map.as_mut() {
        c.default_mode.get_or_insert(DEFAULT_MODE);
    }
    if let Some(d) = v.downward_api.as_mut() {
        d.default_mode.get_or_insert(DEFAULT_MODE);
        for item in d.items.iter_mut().flatten() {
            downward_file(item);
        }
    }
    if let Some(p) = v.projected.as_mut() {
        p.default_mode.get_or_insert(DEFAULT_MODE);
        for source in p.sources.iter_mut().flatten() {
            if let Some(t) = source.service_account_token.as_mut() {
                t.expiration_seconds.get_or_insert(3600);
            }
            if let Some(d) = source.downward_api.as_mut() {
                for item in d.items.iter_mut().flatten() {
                    downward_file(item);
                }
            }
        }
    }
}

fn downward_file(item: &mut DownwardAPIVolumeFile) {
    if let Some(f) = item.field_ref.as_mut() {
        field_ref(f);
    }
    if let Some(r) = item.resource_field_ref.as_mut() {
        resource_field_ref(r);
    }
}

/// SetDefaults_Endpoints: every port's protocol is TCP unless given.
pub fn endpoints(ep: &mut crate::model::Endpoints) {
    for subset in ep.subsets.iter_mut().flatten() {
        for port in subset.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
}

/// SetDefaults_NodeStatus: allocatable is the capacity when not given.
pub fn node(node: &mut crate::model::Node) {
    if let Some(status) = node.status.as_mut() {
        if status.allocatable.is_none() && status.capacity.is_some() {
            status.allocatable = status.capacity.clone();
        }
    }
}

/// SetDefaults_Container: `Always` when the tag is `latest` (an untagged image has
/// it), `IfNotPresent` otherwise, also for a digest or a reference that does not parse.
pub fn image_pull_policy(image: &str) -> &'static str {
    match crate::model::reference::parse_normalized(image) {
        Ok(r) if r.tag_or_latest() == "latest" => "Always",
        _ => "IfNotPresent",
    }
}

fn service_account_volume(name: &str) -> Volume {
    Volume {
        name: name.into(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}

/// The pod's QoS class from its containers' requests and limits.
pub fn qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = &pod.spec else {
        return "BestEffort";
    };
    let mut any = false;
    let mut guaranteed = true;
    for c in spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
    {
        let res = c.resources.clone().unwrap_or_default();
        let requests = res.requests.unwrap_or_default();
        let limits = res.limits.unwrap_or_default();
        let relevant = |k: &String| k == "cpu" || k == "memory";
        if requests.keys().any(relevant) || limits.keys().any(relevant) {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let limit = limits.get(r).and_then(|q| quantity::milli(q).ok());
            // A request defaults to the limit when only the limit is set.
            let request = requests
                .get(r)
                .and_then(|q| quantity::milli(q).ok())
                .or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What SetDefaults_* of k8s.io/kubernetes/pkg/apis/core/v1/defaults.go add to a
    /// pod, as the stored object shows them.
    #[test]
    fn set_defaults_table() {
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {
                "hostNetwork": true,
                "automountServiceAccountToken": false,
                "containers": [{
                    "name": "c", "image": "nginx",
                    "ports": [{"containerPort": 80}],
                    "env": [
                        {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}
                    ],
                    "resources": {"limits": {"cpu": "0.5", "memory": "1024Mi"}, "requests": {"memory": "128Mi"}},
                    "livenessProbe": {"httpGet": {"port": 80}},
                    "readinessProbe": {"grpc": {"port": 9000}, "periodSeconds": 5},
                    "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/quit"}}}
                }],
                "volumes": [
                    {"name": "scratch"},
                    {"name": "host", "hostPath": {"path": "/data"}},
                    {"name": "cm", "configMap": {"name": "cm"}},
                    {"name": "secret", "secret": {"secretName": "s"}},
                    {"name": "info", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
                    {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}
                ]
            }
        });
        let mut pod: Pod = crate::model::de::from_value(&pod).unwrap();
        super::pod(
            &mut pod,
            super::super::service_accounts::TokenMount::Skip,
            &mut Rng::new(1),
        );
        let got = serde_json::to_value(&pod).unwrap();
        let c = &got["spec"]["containers"][0];
        for (value, want) in [
            (
                &c["ports"][0],
                json!({"containerPort": 80, "hostPort": 80, "protocol": "TCP"}),
            ),
            (
                &c["env"][0]["valueFrom"]["fieldRef"],
                json!({"apiVersion": "v1", "fieldPath": "spec.nodeName"}),
            ),
            (
                &c["env"][1]["valueFrom"]["resourceFieldRef"],
                json!({"divisor": "0", "resource": "limits.cpu"}),
            ),
            (
                &c["resources"],
                json!({
                    "limits": {"cpu": "500m", "memory": "1Gi"},
                    "requests": {"cpu": "500m", "memory": "128Mi"}
                }),
            ),
            (
                &c["livenessProbe"],
                json!({
                    "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                    "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3
                }),
            ),
            (
                &c["readinessProbe"],
                json!({
                    "grpc": {"port": 9000, "service": ""},
                    "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3
                }),
            ),
            (
                &c["lifecycle"]["preStop"]["httpGet"],
                json!({"path": "/quit", "port": 80, "scheme": "HTTP"}),
            ),
            (
                &got["spec"]["volumes"],
                json!([
                    {"name": "scratch", "emptyDir": {}},
                    {"name": "host", "hostPath": {"path": "/data", "type": ""}},
                    {"name": "cm", "configMap": {"name": "cm", "defaultMode": 420}},
                    {"name": "secret", "secret": {"secretName": "s", "defaultMode": 420}},
                    {"name": "info", "downwardAPI": {"defaultMode": 420, "items": [
                        {"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}}
                    ]}},
                    {"name": "token", "projected": {"defaultMode": 420, "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3600, "path": "t"}}
                    ]}}
                ]),
            ),
        ] {
            assert_eq!(value, &want);
        }
    }

    #[test]
    fn pull_policy_by_tag() {
        for (image, want) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.27", "IfNotPresent"),
            ("localhost:5000/app", "Always"),
            ("localhost:5000/app:v1", "IfNotPresent"),
            (
                "nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
                "IfNotPresent",
            ),
            ("registry.k8s.io/busybox", "Always"),
            ("registry.k8s.io/busybox:1.27.2", "IfNotPresent"),
            // ParseImageName fails: no tag, so not `latest`.
            ("Nginx", "IfNotPresent"),
        ] {
            assert_eq!(image_pull_policy(image), want, "{image}");
        }
    }
}
