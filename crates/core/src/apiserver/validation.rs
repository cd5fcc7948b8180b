//! Pod validation with the API server's field paths and messages (ValidatePod).

use super::FieldError;
use crate::model::quantity::{self, Quantity};
use crate::model::{meta, ObjectMeta, Pod, RestartPolicy};
use k8s_openapi::api::core::v1::ResourceRequirements;
use std::collections::{BTreeMap, BTreeSet};

/// apimachinery's `TotalAnnotationSizeLimitB`: keys and values together, 256 KiB.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// The labels and annotations checks of `ValidateObjectMeta`, shared by every kind.
pub fn object_meta(meta: &ObjectMeta) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (key, value) in meta.labels.iter().flatten() {
        for msg in meta::qualified_name_errors(key) {
            errs.push(FieldError::invalid("metadata.labels", key, &msg));
        }
        for msg in meta::label_value_errors(value) {
            errs.push(FieldError::invalid("metadata.labels", value, &msg));
        }
    }
    let annotations = meta.annotations.iter().flatten();
    let mut total = 0;
    for (key, value) in annotations {
        // Case does not matter in annotation keys.
        for msg in meta::qualified_name_errors(&key.to_lowercase()) {
            errs.push(FieldError::invalid("metadata.annotations", key, &msg));
        }
        total += key.len() + value.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(
            "metadata.annotations",
            TOTAL_ANNOTATION_SIZE_LIMIT,
        ));
    }
    errs
}

/// `ValidateContainerResourceRequirements`: standard resource names, no negative
/// quantity, and no request above its limit. Quantities are shown in canonical form.
/// `container`: the container's path (`spec.containers[0]`).
fn resources(res: &ResourceRequirements, container: &str, errs: &mut Vec<FieldError>) {
    let empty = BTreeMap::new();
    let limits = res.limits.as_ref().unwrap_or(&empty);
    for (group, list) in [
        ("limits", limits),
        ("requests", res.requests.as_ref().unwrap_or(&empty)),
    ] {
        for (name, q) in list {
            let field = || format!("{container}.resources.{group}[{name}]");
            if !name.contains('/')
                && !matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage")
                && !name.starts_with("hugepages-")
            {
                errs.push(FieldError::invalid(
                    field(),
                    name,
                    "must be a standard resource for containers",
                ));
            }
            let Ok(milli) = quantity::milli(q) else {
                continue;
            };
            if milli < 0 {
                errs.push(FieldError::invalid(
                    field(),
                    &canonical(q, milli),
                    "must be greater than or equal to 0",
                ));
            }
            // `IsIntegerResourceName`: extended resources come in whole units.
            if quantity::is_extended_resource_name(name) && milli % 1000 != 0 {
                errs.push(FieldError::invalid(
                    field(),
                    &canonical(q, milli),
                    "must be an integer",
                ));
            }
            if group == "requests" {
                // `IsOvercommitAllowed`: only native resources other than hugepages may
                // be requested below their limit, or without one.
                let overcommit =
                    quantity::is_native_resource(name) && !name.starts_with("hugepages-");
                let limit = limits
                    .get(name)
                    .and_then(|l| Some((l, quantity::milli(l).ok()?)));
                match limit {
                    Some((l, lmilli)) if !overcommit && milli != lmilli => {
                        errs.push(FieldError::invalid(
                            format!("{container}.resources.requests"),
                            &canonical(q, milli),
                            &format!("must be equal to {name} limit of {}", canonical(l, lmilli)),
                        ));
                    }
                    Some((l, lmilli)) if milli > lmilli => {
                        errs.push(FieldError::invalid(
                            format!("{container}.resources.requests"),
                            &canonical(q, milli),
                            &format!(
                                "must be less than or equal to {name} limit of {}",
                                canonical(l, lmilli)
                            ),
                        ));
                    }
                    None if !overcommit && !limits.contains_key(name) => {
                        errs.push(FieldError::required(
                            format!("{container}.resources.limits"),
                            "Limit must be set for non overcommitable resources",
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    let requests = res.requests.as_ref().unwrap_or(&empty);
    let any = |p: fn(&str) -> bool| limits.keys().chain(requests.keys()).any(|k| p(k));
    if any(|k| k.starts_with("hugepages-")) && !any(|k| k == "cpu" || k == "memory") {
        errs.push(FieldError::forbidden(
            format!("{container}.resources"),
            "HugePages require cpu or memory",
        ));
    }
}

/// `validateContainerPorts`: port names (IsValidPortName, unique), port numbers
/// (IsValidPortNum) and protocols.
fn container_ports(
    ports: &[k8s_openapi::api::core::v1::ContainerPort],
    base: &str,
    errs: &mut Vec<FieldError>,
) {
    const RANGE: &str = "must be between 1 and 65535, inclusive";
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let at = format!("{base}.ports[{i}]");
        if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = port_name_errors(name);
            for msg in &msgs {
                errs.push(FieldError::invalid(format!("{at}.name"), name, msg));
            }
            if msgs.is_empty() && !names.insert(name) {
                errs.push(FieldError::duplicate(format!("{at}.name"), name));
            }
        }
        if p.container_port == 0 {
            errs.push(FieldError::required(format!("{at}.containerPort"), ""));
        } else if !(1..=65535).contains(&p.container_port) {
            let field = format!("{at}.containerPort");
            errs.push(FieldError::invalid_int(
                field,
                p.container_port.into(),
                RANGE,
            ));
        }
        if let Some(host) = p.host_port.filter(|h| *h != 0 && !(1..=65535).contains(h)) {
            errs.push(FieldError::invalid_int(
                format!("{at}.hostPort"),
                host.into(),
                RANGE,
            ));
        }
        // Defaulting gives every port a protocol before validation; an update Podlab
        // has not defaulted is not asked for one.
        match p.protocol.as_deref() {
            None => {}
            Some("") => errs.push(FieldError::required(format!("{at}.protocol"), "")),
            Some("TCP" | "UDP" | "SCTP") => {}
            Some(other) => errs.push(FieldError::not_supported(
                format!("{at}.protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
}

/// apimachinery's `IsValidPortName`: at most 15 of `[-a-z0-9]`, a letter, no `--`,
/// no hyphen at either end.
pub(super) fn port_name_errors(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !name.chars().all(lower) {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

/// `Quantity.String()`: the canonical form of a parsed quantity.
fn canonical(q: &Quantity, milli: i128) -> String {
    quantity::format_milli(milli, quantity::is_binary(&q.0))
}

pub fn pod(pod: &Pod) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    if let Err(msg) = meta::validate_dns1123_subdomain(name) {
        errs.push(FieldError::invalid("metadata.name", name, &msg.to_string()));
    }
    errs.extend(object_meta(&pod.metadata));
    let Some(spec) = &pod.spec else {
        errs.push(FieldError::required("spec.containers", ""));
        return errs;
    };

    let mut volumes = BTreeSet::new();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        // Field paths are made only for an error: a valid pod costs none.
        let field = || format!("spec.volumes[{i}].name");
        if v.name.is_empty() {
            errs.push(FieldError::required(field(), ""));
        } else if let Err(msg) = meta::validate_dns1123_label(&v.name) {
            errs.push(FieldError::invalid(field(), &v.name, &msg.to_string()));
        } else if !volumes.insert(v.name.as_str()) {
            errs.push(FieldError::duplicate(field(), &v.name));
        }
    }

    if spec.containers.is_empty() {
        errs.push(FieldError::required("spec.containers", ""));
    }
    // Container names are unique across init and app containers.
    let mut names = BTreeSet::new();
    let groups = [
        (
            "initContainers",
            spec.init_containers.as_deref().unwrap_or_default(),
        ),
        ("containers", &spec.containers[..]),
    ];
    for (group, containers) in groups {
        for (i, c) in containers.iter().enumerate() {
            let base = format!("spec.{group}[{i}]");
            if c.name.is_empty() {
                errs.push(FieldError::required(format!("{base}.name"), ""));
            } else if let Err(msg) = meta::validate_dns1123_label(&c.name) {
                errs.push(FieldError::invalid(
                    format!("{base}.name"),
                    &c.name,
                    &msg.to_string(),
                ));
            } else if !names.insert(c.name.as_str()) {
                errs.push(FieldError::duplicate(format!("{base}.name"), &c.name));
            }
            if c.image.as_deref().unwrap_or_default().trim().is_empty() {
                errs.push(FieldError::required(format!("{base}.image"), ""));
            }
            container_ports(c.ports.as_deref().unwrap_or_default(), &base, &mut errs);
            let mut paths = BTreeSet::new();
            for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
                let field = |f: &str| format!("{base}.volumeMounts[{j}].{f}");
                if m.name.is_empty() {
                    errs.push(FieldError::required(field("name"), ""));
                } else if !volumes.contains(m.name.as_str()) {
                    errs.push(FieldError::not_found(field("name"), &m.name));
                }
                if m.mount_path.is_empty() {
                    errs.push(FieldError::required(field("mountPath"), ""));
                } else if !paths.insert(m.mount_path.as_str()) {
                    errs.push(FieldError::invalid(
                        field("mountPath"),
                        &m.mount_path,
                        "must be unique",
                    ));
                }
            }
            if let Some(res) = &c.resources {
                resources(res, &base, &mut errs);
            }
            // A container's restartPolicy: `Always` makes an init container a native
            // sidecar; regular containers may not set it (ContainerRestartRules is off
            // in 1.34).
            match (group, c.restart_policy.as_deref()) {
                (_, None) | ("initContainers", Some("Always")) => {}
                ("initContainers", Some(other)) => errs.push(FieldError::not_supported(
                    format!("{base}.restartPolicy"),
                    other,
                    &["Always"],
                )),
                (_, Some(_)) => errs.push(FieldError::forbidden(
                    format!("{base}.restartPolicy"),
                    "may not be set for non-init containers",
                )),
            }
            let group = if group == "initContainers" {
                super::probe_validation::Group::Init
            } else {
                super::probe_validation::Group::App
            };
            let grace = spec.termination_grace_period_seconds;
            super::probe_validation::container(c, &base, group, grace, &mut errs);
        }
    }

    if let Some(policy) = spec.restart_policy.as_deref() {
        if RestartPolicy::parse(policy).is_none() {
            errs.push(FieldError::not_supported(
                "spec.restartPolicy",
                policy,
                RestartPolicy::NAMES,
            ));
        }
    }
    if let Some(policy) = spec.dns_policy.as_deref() {
        const ALLOWED: &[&str] = &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
        if !ALLOWED.contains(&policy) {
            errs.push(FieldError::not_supported("spec.dnsPolicy", policy, ALLOWED));
        }
    }

    for (i, t) in spec.tolerations.iter().flatten().enumerate() {
        let base = format!("spec.tolerations[{i}]");
        let op = t.operator.as_deref().unwrap_or("Equal");
        match op {
            "Equal" | "" => {
                if t.key.as_deref().unwrap_or_default().is_empty() {
                    errs.push(FieldError::invalid(
                        format!("{base}.operator"),
                        op,
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                    ));
                }
            }
            "Exists" => {
                if !t.value.as_deref().unwrap_or_default().is_empty() {
                    errs.push(FieldError::invalid(
                        format!("{base}.operator"),
                        t.value.as_deref().unwrap_or_default(),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(FieldError::not_supported(
                format!("{base}.operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if let Some(effect) = t.effect.as_deref().filter(|e| !e.is_empty()) {
            const ALLOWED: &[&str] = &["NoExecute", "NoSchedule", "PreferNoSchedule"];
            if !ALLOWED.contains(&effect) {
                errs.push(FieldError::not_supported(
                    format!("{base}.effect"),
                    effect,
                    ALLOWED,
                ));
            }
        }
        if t.toleration_seconds.is_some() && t.effect.as_deref() != Some("NoExecute") {
            errs.push(FieldError::invalid(
                format!("{base}.effect"),
                t.effect.as_deref().unwrap_or_default(),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
    }
    // validateSchedulingGates: qualified names, no duplicates; and a pod cannot be
    // created bound while gates remain (ValidatePodCreate).
    let mut gates = BTreeSet::new();
    for (i, gate) in spec.scheduling_gates.iter().flatten().enumerate() {
        let field = format!("spec.schedulingGates[{i}]");
        for msg in meta::qualified_name_errors(&gate.name) {
            errs.push(FieldError::invalid(field.clone(), &gate.name, &msg));
        }
        if !gates.insert(gate.name.as_str()) {
            errs.push(FieldError::duplicate(field, &gate.name));
        }
    }
    if !gates.is_empty() && spec.node_name.as_deref().is_some_and(|n| !n.is_empty()) {
        errs.push(FieldError::forbidden(
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const QUALIFIED: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    /// A pod with `metadata` merged into its metadata and `resources` as its container's.
    fn errors(metadata: Value, resources: Value) -> Vec<String> {
        let mut pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "resources": resources}]}
        });
        if let (Some(m), Value::Object(extra)) = (pod["metadata"].as_object_mut(), metadata) {
            m.extend(extra);
        }
        let pod: Pod = crate::model::de::from_value(&pod).unwrap();
        super::pod(&pod).iter().map(|e| e.to_string()).collect()
    }

    /// ValidateContainerResourceRequirements's messages (the value in canonical form).
    #[test]
    fn resources_table() {
        let cases: &[(Value, &[&str])] = &[
            (json!({"requests": {"cpu": "-1"}}), &[
                "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
            ]),
            (json!({"limits": {"memory": "-0.5Gi"}, "requests": {"memory": "-0.5Gi"}}), &[
                "spec.containers[0].resources.limits[memory]: Invalid value: \"-512Mi\": must be greater than or equal to 0",
                "spec.containers[0].resources.requests[memory]: Invalid value: \"-512Mi\": must be greater than or equal to 0",
            ]),
            (json!({"limits": {"cpu": "500m"}, "requests": {"cpu": "1"}}), &[
                "spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m",
            ]),
            (json!({"limits": {"memory": "1024Mi"}, "requests": {"memory": "2Gi"}}), &[
                "spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi",
            ]),
            (json!({"limits": {"cpus": "1"}}), &[
                "spec.containers[0].resources.limits[cpus]: Invalid value: \"cpus\": must be a standard resource for containers",
            ]),
            (json!({"limits": {"cpu": "1", "memory": "1Gi", "hugepages-2Mi": "2Mi", "example.com/gpu": "1"}, "requests": {"cpu": "0.5"}}), &[]),
            // Extended resources and hugepages cannot be overcommitted: a request needs
            // a limit, and an equal one; extended resources come in whole units.
            (json!({"requests": {"example.com/dongle": "3"}}), &[
                "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
            ]),
            (json!({"limits": {"example.com/dongle": "3"}, "requests": {"example.com/dongle": "2"}}), &[
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be equal to example.com/dongle limit of 3",
            ]),
            (json!({"limits": {"hugepages-2Mi": "4Mi", "memory": "1Gi"}, "requests": {"hugepages-2Mi": "2Mi", "memory": "1Gi"}}), &[
                "spec.containers[0].resources.requests: Invalid value: \"2Mi\": must be equal to hugepages-2Mi limit of 4Mi",
            ]),
            (json!({"limits": {"example.com/dongle": "500m"}, "requests": {"example.com/dongle": "500m"}}), &[
                "spec.containers[0].resources.limits[example.com/dongle]: Invalid value: \"500m\": must be an integer",
                "spec.containers[0].resources.requests[example.com/dongle]: Invalid value: \"500m\": must be an integer",
            ]),
            (json!({"limits": {"example.com/dongle": "3"}, "requests": {"example.com/dongle": "3"}}), &[]),
            (json!({"limits": {"hugepages-2Mi": "2Mi"}}), &[
                "spec.containers[0].resources: Forbidden: HugePages require cpu or memory",
            ]),
        ];
        for (resources, want) in cases {
            assert_eq!(errors(json!({}), resources.clone()), *want, "{resources}");
        }
    }

    /// validateContainerPorts's messages.
    #[test]
    fn container_ports_table() {
        let with_ports = |ports: Value| {
            let pod = json!({
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"containers": [{"name": "c", "image": "nginx", "ports": ports}]}
            });
            let pod: Pod = crate::model::de::from_value(&pod).unwrap();
            super::pod(&pod)
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        let cases: &[(Value, &[&str])] = &[
            (json!([{"containerPort": 80, "name": "http", "protocol": "TCP"}]), &[]),
            (json!([{"containerPort": 70000, "hostPort": -1, "protocol": "TCP"}]), &[
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive",
            ]),
            (json!([{"containerPort": 0, "protocol": "HTTP"}]), &[
                "spec.containers[0].ports[0].containerPort: Required value",
                "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            ]),
            (json!([{"containerPort": 80, "name": "Web--Port-8080", "protocol": "TCP"}]), &[
                "spec.containers[0].ports[0].name: Invalid value: \"Web--Port-8080\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "spec.containers[0].ports[0].name: Invalid value: \"Web--Port-8080\": must not contain consecutive hyphens",
            ]),
            (json!([{"containerPort": 80, "name": "8080", "protocol": "TCP"}, {"containerPort": 81, "name": "a", "protocol": "TCP"}, {"containerPort": 82, "name": "a", "protocol": "TCP"}]), &[
                "spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)",
                "spec.containers[0].ports[2].name: Duplicate value: \"a\"",
            ]),
        ];
        for (ports, want) in cases {
            assert_eq!(with_ports(ports.clone()), *want, "{ports}");
        }
    }

    /// ValidateObjectMeta's label and annotation messages
    /// (validation.IsQualifiedName, IsValidLabelValue, ValidateAnnotations).
    #[test]
    fn labels_and_annotations_table() {
        let long = "a".repeat(64);
        let cases: Vec<(Value, Vec<String>)> = vec![
            (json!({"labels": {"app": "web", "example.com/tier": "", "A_b.c": "X-1"}}), vec![]),
            (json!({"labels": {"bad key": "v"}}), vec![
                format!("metadata.labels: Invalid value: \"bad key\": name part {QUALIFIED}"),
            ]),
            (json!({"labels": {"app": "-x"}}), vec![
                "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into(),
            ]),
            (json!({"labels": {"app": long.clone()}}), vec![
                format!("metadata.labels: Invalid value: \"{long}\": must be no more than 63 characters"),
            ]),
            (json!({"labels": {long.clone(): "x"}}), vec![
                format!("metadata.labels: Invalid value: \"{long}\": name part must be no more than 63 characters"),
            ]),
            (json!({"labels": {"a/b/c": "x"}}), vec![
                format!("metadata.labels: Invalid value: \"a/b/c\": a qualified name {QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
            ]),
            (json!({"labels": {"/x": "x", "Example.com/": "y"}}), vec![
                "metadata.labels: Invalid value: \"/x\": prefix part must be non-empty".into(),
                "metadata.labels: Invalid value: \"Example.com/\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into(),
                "metadata.labels: Invalid value: \"Example.com/\": name part must be non-empty".into(),
                format!("metadata.labels: Invalid value: \"Example.com/\": name part {QUALIFIED}"),
            ]),
            // Annotation keys are checked case-insensitively.
            (json!({"annotations": {"Example.COM/Change-Cause": "x", "bad key": "y"}}), vec![
                format!("metadata.annotations: Invalid value: \"bad key\": name part {QUALIFIED}"),
            ]),
            (json!({"annotations": {"a": "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT)}}), vec![
                "metadata.annotations: Too long: must have at most 262144 bytes".into(),
            ]),
            (json!({"annotations": {"a": "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1)}}), vec![]),
        ];
        for (metadata, want) in cases {
            let got = errors(metadata.clone(), json!({}));
            assert_eq!(
                got,
                want,
                "{}",
                &metadata.to_string()[..metadata.to_string().len().min(200)]
            );
        }
    }
}
