//! How Go prints values, for output that must match kubectl byte for byte:
//! `encoding/json` (key order, escaping, number format), `fmt`'s `%v` for floats, and
//! `strconv.FormatFloat(f, 'g', -1, 64)`.

use serde_json::Value;

/// `strconv.FormatFloat(f, 'g', -1, 64)` (also `fmt`'s `%v`): shortest digits, in
/// exponent form when the decimal exponent is below -4 or at least 6 (strconv uses
/// precision 6 for that decision when printing the shortest form).
pub fn float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (mant, exp) = exponent_form(f);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// A float as `encoding/json` writes it: plain decimal, or exponent form below 1e-6 or
/// from 1e21, with a one-digit negative exponent (`1e-7`).
pub fn float_json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let (mant, exp) = exponent_form(f);
        let sign = if exp < 0 { '-' } else { '+' };
        if exp < 0 {
            format!("{mant}e{sign}{}", exp.abs())
        } else {
            format!("{mant}e{sign}{:02}", exp)
        }
    } else {
        format!("{f}")
    }
}

/// Shortest mantissa digits and the decimal exponent.
fn exponent_form(f: f64) -> (String, i32) {
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    (mant.to_string(), exp.parse().unwrap_or(0))
}

/// `json.Marshal` (compact) or `json.MarshalIndent(v, "", indent)`: keys sorted, `<`,
/// `>`, `&`, U+2028 and U+2029 escaped, Go's number format.
pub fn json(v: &Value, indent: Option<&str>) -> String {
    let mut out = String::new();
    write_json(v, indent, 0, "", &mut out);
    out
}

/// The field order of the Go structs of k8s.io/api/core/v1 and apimachinery's meta/v1
/// (types.go) that `json.Marshal` follows for a typed object: a type's JSON field names
/// in order, `name:Type` when the value (or each item of it) is itself such a struct.
/// Embedded structs (TypeMeta, VolumeSource, ProbeHandler, LocalObjectReference) are
/// spelled out. Types whose fields are in sorted order anyway are left out.
const GO_FIELDS: &[(&str, &str)] = &[
    ("Pod", "kind apiVersion metadata:ObjectMeta spec:PodSpec status:PodStatus"),
    ("ObjectMeta", "name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences:OwnerReference finalizers managedFields"),
    ("OwnerReference", "apiVersion kind name uid controller blockOwnerDeletion"),
    ("PodSpec", "volumes:Volume initContainers:Container containers:Container ephemeralContainers restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext:PodSecurityContext imagePullSecrets hostname subdomain affinity schedulerName tolerations:Toleration hostAliases priorityClassName priority dnsConfig readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates resourceClaims resources:ResourceRequirements hostnameOverride schedulingGroup evictionResponders"),
    ("Volume", "name hostPath emptyDir:EmptyDirVolumeSource gcePersistentDisk awsElasticBlockStore gitRepo secret:SecretVolumeSource nfs iscsi glusterfs persistentVolumeClaim rbd flexVolume cinder cephfs flocker downwardAPI:DownwardAPIVolumeSource fc azureFile configMap:ConfigMapVolumeSource vsphereVolume quobyte azureDisk photonPersistentDisk projected:ProjectedVolumeSource portworxVolume scaleIO storageos csi ephemeral image"),
    ("EmptyDirVolumeSource", "medium sizeLimit mode"),
    ("SecretVolumeSource", "secretName items:KeyToPath defaultMode optional defaultUser"),
    ("KeyToPath", "key path mode user"),
    ("DownwardAPIVolumeSource", "items:DownwardAPIVolumeFile defaultMode defaultUser"),
    ("DownwardAPIVolumeFile", "path fieldRef resourceFieldRef:ResourceFieldSelector mode user"),
    ("ResourceFieldSelector", "containerName resource divisor"),
    ("ConfigMapVolumeSource", "name items:KeyToPath defaultMode optional defaultUser"),
    ("ProjectedVolumeSource", "sources:VolumeProjection defaultMode defaultUser"),
    ("VolumeProjection", "secret downwardAPI:DownwardAPIProjection configMap:ConfigMapProjection serviceAccountToken clusterTrustBundle podCertificate"),
    ("DownwardAPIProjection", "items:DownwardAPIVolumeFile"),
    ("ConfigMapProjection", "name items:KeyToPath optional"),
    ("Container", "name image command args workingDir ports:ContainerPort envFrom:EnvFromSource env:EnvVar resources:ResourceRequirements resizePolicy restartPolicy restartPolicyRules volumeMounts:VolumeMount volumeDevices livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:Lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext:SecurityContext stdin stdinOnce tty"),
    ("ContainerPort", "name hostPort containerPort protocol hostIP"),
    ("EnvFromSource", "prefix configMapRef secretRef"),
    ("EnvVar", "name value valueFrom:EnvVarSource"),
    ("EnvVarSource", "fieldRef resourceFieldRef:ResourceFieldSelector configMapKeyRef:ConfigMapKeySelector secretKeyRef:SecretKeySelector fileKeyRef"),
    ("ConfigMapKeySelector", "name key optional"),
    ("SecretKeySelector", "name key optional"),
    ("ResourceRequirements", "limits requests claims"),
    ("VolumeMount", "name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr bindMountOptions"),
    ("Probe", "exec httpGet:HTTPGetAction tcpSocket:TCPSocketAction grpc initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds"),
    ("HTTPGetAction", "path port host scheme httpHeaders protocol"),
    ("TCPSocketAction", "port host"),
    ("Lifecycle", "postStart:LifecycleHandler preStop:LifecycleHandler stopSignal"),
    ("LifecycleHandler", "exec httpGet:HTTPGetAction tcpSocket:TCPSocketAction sleep"),
    ("SecurityContext", "capabilities privileged seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount seccompProfile appArmorProfile"),
    ("PodSecurityContext", "seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot supplementalGroups supplementalGroupsPolicy fsGroup sysctls fsGroupChangePolicy seccompProfile appArmorProfile seLinuxChangePolicy"),
    ("Toleration", "key operator value effect tolerationSeconds"),
    ("PodStatus", "observedGeneration phase conditions:PodCondition message reason nominatedNodeName hostIP hostIPs podIP podIPs startTime initContainerStatuses:ContainerStatus containerStatuses:ContainerStatus qosClass ephemeralContainerStatuses:ContainerStatus resize resourceClaimStatuses extendedResourceClaimStatus allocatedResources resources:ResourceRequirements nodeAllocatableResourceClaimStatuses volumeHealth"),
    ("PodCondition", "type observedGeneration status lastProbeTime lastTransitionTime reason message"),
    ("ContainerStatus", "name state:ContainerState lastState:ContainerState ready restartCount image imageID containerID started allocatedResources resources:ResourceRequirements volumeMounts user allocatedResourcesStatus stopSignal"),
    ("ContainerState", "waiting:ContainerStateWaiting running terminated:ContainerStateTerminated"),
    ("ContainerStateWaiting", "reason message"),
    ("ContainerStateTerminated", "exitCode signal reason message startedAt finishedAt containerID"),
    ("Service", "kind apiVersion metadata:ObjectMeta spec:ServiceSpec status:ServiceStatus"),
    ("ServiceSpec", "ports:ServicePort selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses sessionAffinityConfig ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution"),
    ("ServicePort", "name protocol appProtocol port targetPort nodePort"),
    ("ServiceStatus", "loadBalancer:LoadBalancerStatus conditions"),
    ("LoadBalancerStatus", "ingress:LoadBalancerIngress"),
    ("LoadBalancerIngress", "ip hostname ipMode ports"),
    ("Namespace", "kind apiVersion metadata:ObjectMeta spec status:NamespaceStatus"),
    ("ConfigMap", "kind apiVersion metadata:ObjectMeta immutable data binaryData"),
    ("Secret", "kind apiVersion metadata:ObjectMeta immutable data stringData type"),
    ("NamespaceStatus", "phase conditions"),
    ("LabelSelector", "matchLabels matchExpressions:LabelSelectorRequirement"),
    ("LabelSelectorRequirement", "key operator values"),
    ("PodTemplateSpec", "metadata:ObjectMeta spec:PodSpec"),
    ("Deployment", "kind apiVersion metadata:ObjectMeta spec:DeploymentSpec status:DeploymentStatus"),
    ("DeploymentSpec", "replicas selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds"),
    ("DeploymentStrategy", "type rollingUpdate:RollingUpdateDeployment"),
    ("RollingUpdateDeployment", "maxUnavailable maxSurge"),
    ("DeploymentStatus", "observedGeneration replicas updatedReplicas readyReplicas availableReplicas unavailableReplicas terminatingReplicas conditions collisionCount"),
    ("ReplicaSet", "kind apiVersion metadata:ObjectMeta spec:ReplicaSetSpec status:ReplicaSetStatus"),
    ("ReplicaSetSpec", "replicas minReadySeconds selector:LabelSelector template:PodTemplateSpec"),
    ("ReplicaSetStatus", "replicas fullyLabeledReplicas readyReplicas availableReplicas terminatingReplicas observedGeneration conditions"),
    ("DaemonSet", "kind apiVersion metadata:ObjectMeta spec:DaemonSetSpec status:DaemonSetStatus"),
    ("DaemonSetSpec", "selector:LabelSelector template:PodTemplateSpec updateStrategy:DaemonSetUpdateStrategy minReadySeconds revisionHistoryLimit"),
    ("DaemonSetUpdateStrategy", "type rollingUpdate:RollingUpdateDaemonSet"),
    ("RollingUpdateDaemonSet", "maxUnavailable maxSurge"),
    ("DaemonSetStatus", "currentNumberScheduled numberMisscheduled desiredNumberScheduled numberReady observedGeneration updatedNumberScheduled numberAvailable numberUnavailable collisionCount conditions"),
    ("StatefulSet", "kind apiVersion metadata:ObjectMeta spec:StatefulSetSpec status:StatefulSetStatus"),
    ("StatefulSetSpec", "replicas selector:LabelSelector template:PodTemplateSpec volumeClaimTemplates serviceName podManagementPolicy updateStrategy:StatefulSetUpdateStrategy revisionHistoryLimit minReadySeconds persistentVolumeClaimRetentionPolicy ordinals"),
    ("StatefulSetUpdateStrategy", "type rollingUpdate:RollingUpdateStatefulSetStrategy"),
    ("RollingUpdateStatefulSetStrategy", "partition maxUnavailable"),
    ("StatefulSetStatus", "observedGeneration replicas readyReplicas currentReplicas updatedReplicas currentRevision updateRevision collisionCount conditions availableReplicas"),
    ("Job", "kind apiVersion metadata:ObjectMeta spec:JobSpec status"),
    ("JobSpec", "parallelism completions activeDeadlineSeconds podFailurePolicy successPolicy backoffLimit backoffLimitPerIndex maxFailedIndexes selector:LabelSelector manualSelector template:PodTemplateSpec ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy"),
    ("CronJob", "kind apiVersion metadata:ObjectMeta spec:CronJobSpec status"),
    ("CronJobSpec", "schedule timeZone startingDeadlineSeconds concurrencyPolicy suspend jobTemplate:JobTemplateSpec successfulJobsHistoryLimit failedJobsHistoryLimit"),
    ("JobTemplateSpec", "metadata:ObjectMeta spec:JobSpec"),
    ("ReplicationController", "kind apiVersion metadata:ObjectMeta spec:ReplicationControllerSpec status:ReplicationControllerStatus"),
    ("ReplicationControllerSpec", "replicas minReadySeconds selector template:PodTemplateSpec"),
    ("ReplicationControllerStatus", "replicas fullyLabeledReplicas readyReplicas availableReplicas observedGeneration conditions"),
];

/// The zero value `encoding/json` writes for a field it cannot leave out.
#[derive(Clone, Copy)]
enum Zero {
    /// A struct (omitempty never leaves one out): `{}`.
    Struct,
    /// A pointer or slice without omitempty: `null`.
    Null,
    /// A LabelSelector pointer without omitempty: `null` when unset. k8s-openapi
    /// requires the workloads' selector and holds an unset one as `{}`, so `{}` is
    /// taken for unset too (an explicit empty selector is refused by the API server).
    Selector,
    /// A number without omitempty: `0`.
    Int,
    /// A string without omitempty: `""`.
    Str,
}

/// The fields of the Go structs above that `json.Marshal` writes even when unset, with
/// the value it writes (what kubectl prints of an object it built or read from a file:
/// `strategy: {}`, `resources: {}`, `status: {}`, a ReplicaSet's `replicas: 0`).
const GO_ZEROS: &[(&str, &[(&str, Zero)])] = &[
    (
        "Pod",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "PodTemplateSpec",
        &[("metadata", Zero::Struct), ("spec", Zero::Struct)],
    ),
    ("PodSpec", &[("containers", Zero::Null)]),
    (
        "Container",
        &[("name", Zero::Str), ("resources", Zero::Struct)],
    ),
    ("ContainerPort", &[("containerPort", Zero::Int)]),
    ("EnvVar", &[("name", Zero::Str)]),
    (
        "Deployment",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "DeploymentSpec",
        &[
            ("selector", Zero::Selector),
            ("template", Zero::Struct),
            ("strategy", Zero::Struct),
        ],
    ),
    (
        "ReplicaSet",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "ReplicaSetSpec",
        &[("selector", Zero::Selector), ("template", Zero::Struct)],
    ),
    ("ReplicaSetStatus", &[("replicas", Zero::Int)]),
    (
        "DaemonSet",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "DaemonSetSpec",
        &[
            ("selector", Zero::Selector),
            ("template", Zero::Struct),
            ("updateStrategy", Zero::Struct),
        ],
    ),
    (
        "DaemonSetStatus",
        &[
            ("currentNumberScheduled", Zero::Int),
            ("numberMisscheduled", Zero::Int),
            ("desiredNumberScheduled", Zero::Int),
            ("numberReady", Zero::Int),
        ],
    ),
    (
        "StatefulSet",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "StatefulSetSpec",
        &[
            ("selector", Zero::Selector),
            ("template", Zero::Struct),
            ("serviceName", Zero::Str),
            ("updateStrategy", Zero::Struct),
        ],
    ),
    (
        "StatefulSetStatus",
        &[("replicas", Zero::Int), ("availableReplicas", Zero::Int)],
    ),
    (
        "Job",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    ("JobSpec", &[("template", Zero::Struct)]),
    (
        "CronJob",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    (
        "CronJobSpec",
        &[("schedule", Zero::Str), ("jobTemplate", Zero::Struct)],
    ),
    (
        "JobTemplateSpec",
        &[("metadata", Zero::Struct), ("spec", Zero::Struct)],
    ),
    (
        "ReplicationController",
        &[
            ("metadata", Zero::Struct),
            ("spec", Zero::Struct),
            ("status", Zero::Struct),
        ],
    ),
    ("ReplicationControllerStatus", &[("replicas", Zero::Int)]),
];

/// Fills in what `json.Marshal` of a typed object of `kind` writes for fields the value
/// leaves unset ([`GO_ZEROS`]), through the nested structs [`GO_FIELDS`] names.
pub fn fill_go_zeros(v: &mut Value, kind: &str) {
    let Value::Object(m) = v else {
        return;
    };
    let zeros = GO_ZEROS
        .iter()
        .find(|(t, _)| *t == kind)
        .map_or(&[][..], |(_, z)| *z);
    for &(name, zero) in zeros {
        let empty = m
            .get(name)
            .is_some_and(|x| x.as_object().is_some_and(|o| o.is_empty()));
        if matches!(zero, Zero::Selector) && empty {
            m.insert(name.to_string(), Value::Null);
        }
        if !m.contains_key(name) {
            let value = match zero {
                Zero::Struct => Value::Object(Default::default()),
                Zero::Null | Zero::Selector => Value::Null,
                Zero::Int => Value::from(0),
                Zero::Str => Value::from(""),
            };
            m.insert(name.to_string(), value);
        }
    }
    for field in go_fields(kind).unwrap_or_default().split(' ') {
        let Some((name, child)) = field.split_once(':') else {
            continue;
        };
        match m.get_mut(name) {
            Some(Value::Array(items)) => items.iter_mut().for_each(|x| fill_go_zeros(x, child)),
            Some(x) => fill_go_zeros(x, child),
            None => {}
        }
    }
}

/// `json.MarshalIndent` of a typed object of `kind` (a Go struct, as kubectl prints what
/// it built itself or got back typed): struct fields in the Go types' order, map keys
/// sorted. A kind without a table entry is printed with sorted keys.
pub fn json_typed(v: &Value, kind: &str, indent: Option<&str>) -> String {
    let mut out = String::new();
    write_json(v, indent, 0, kind, &mut out);
    out
}

/// The Go field order of struct `ty`, if known.
fn go_fields(ty: &str) -> Option<&'static str> {
    GO_FIELDS.iter().find(|(t, _)| *t == ty).map(|(_, f)| *f)
}

/// Writes `v`; `ty` names the Go struct an object is (`""`: a map, keys sorted).
fn write_json(v: &Value, indent: Option<&str>, level: usize, ty: &str, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&float_json(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => string(s, out),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json(x, indent, level + 1, ty, out);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            // Struct fields in Go order with their types, then any other key sorted.
            let fields = go_fields(ty).unwrap_or_default();
            let known = fields.split(' ').filter_map(|f| {
                let (name, child) = f.split_once(':').unwrap_or((f, ""));
                m.get_key_value(name).map(|(k, x)| (k, x, child))
            });
            let listed = |k: &str| fields.split(' ').any(|f| f.split(':').next() == Some(k));
            let rest = m
                .iter()
                .filter(|(k, _)| !listed(k))
                .map(|(k, x)| (k, x, ""));
            for (i, (k, x, child)) in known.chain(rest).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(x, indent, level + 1, child, out);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats() {
        for (f, g, j) in [
            (2.0, "2", "2"),
            (0.5, "0.5", "0.5"),
            (1e21, "1e+21", "1e+21"),
            (1e20, "1e+20", "100000000000000000000"),
            (1e6, "1e+06", "1000000"),
            (123456.0, "123456", "123456"),
            (1e-6, "1e-06", "0.000001"),
            (1e-7, "1e-07", "1e-7"),
            (0.0001, "0.0001", "0.0001"),
            (123456789.0, "1.23456789e+08", "123456789"),
        ] {
            assert_eq!(float_g(f), g, "g {f}");
            assert_eq!(float_json(f), j, "json {f}");
        }
    }

    /// A typed object prints in the Go structs' field order (as kubectl 1.32 prints
    /// `kubectl create namespace dev --dry-run=client -o json`); maps stay sorted.
    #[test]
    fn typed_json_in_go_field_order() {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "creationTimestamp": null}, "spec": {}, "status": {}});
        assert_eq!(
            json_typed(&ns, "Namespace", Some("    ")),
            "{\n    \"kind\": \"Namespace\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"dev\",\n        \"creationTimestamp\": null\n    },\n    \"spec\": {},\n    \"status\": {}\n}"
        );
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "nginx", "creationTimestamp": null, "labels": {"run": "nginx", "app": "web"}},
            "spec": {
                "containers": [{"resources": {}, "name": "nginx", "image": "nginx", "ports": [{"protocol": "TCP", "containerPort": 80}]}],
                "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"
            },
            "status": {}
        });
        assert_eq!(
            json_typed(&pod, "Pod", None),
            concat!(
                r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx","creationTimestamp":null,"labels":{"app":"web","run":"nginx"}},"#,
                r#""spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{}}],"#,
                r#""restartPolicy":"Always","dnsPolicy":"ClusterFirst"},"status":{}}"#
            )
        );
        // Unknown kinds and keys fall back to sorted order.
        assert_eq!(
            json_typed(&json!({"b": 1, "a": 2}), "Nope", None),
            r#"{"a":2,"b":1}"#
        );
    }

    /// What Go's encoder writes of a hand-written ReplicaSet's unset fields, as
    /// `kubectl set resources -f rs.yaml --local -o yaml` prints it.
    #[test]
    fn go_zeros_of_a_typed_object() {
        let mut rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                "spec": {"containers": [{"name": "app", "image": "nginx", "ports": [{"name": "http"}]}]}
            }}
        });
        fill_go_zeros(&mut rs, "ReplicaSet");
        assert_eq!(
            rs,
            json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                    "metadata": {},
                    "spec": {"containers": [{"name": "app", "image": "nginx", "resources": {},
                        "ports": [{"name": "http", "containerPort": 0}]}]}
                }},
                "status": {"replicas": 0}
            })
        );
        // An unset selector pointer (k8s-openapi's `{}`) is `null`.
        let mut ds = json!({"kind": "DaemonSet", "spec": {"selector": {}, "template": {}}});
        fill_go_zeros(&mut ds, "DaemonSet");
        assert_eq!(ds["spec"]["selector"], Value::Null);
        assert_eq!(ds["spec"]["updateStrategy"], json!({}));
        let mut cj = json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {}}}});
        fill_go_zeros(&mut cj, "CronJob");
        assert_eq!(
            cj,
            json!({"kind": "CronJob", "metadata": {}, "status": {}, "spec": {
                "schedule": "",
                "jobTemplate": {"metadata": {}, "spec": {"template": {"metadata": {}, "spec": {"containers": null}}}}
            }})
        );
    }

    #[test]
    fn json_forms() {
        let v = json!({"b": [1, 2.0, {"x": "<a&b>"}], "a": {}, "c": []});
        assert_eq!(
            json(&v, None),
            "{\"a\":{},\"b\":[1,2,{\"x\":\"\\u003ca\\u0026b\\u003e\"}],\"c\":[]}"
        );
        assert_eq!(
            json(&v, Some("    ")),
            "{\n    \"a\": {},\n    \"b\": [\n        1,\n        2,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\"\n        }\n    ],\n    \"c\": []\n}"
        );
    }
}
