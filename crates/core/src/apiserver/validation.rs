//! Pod validation with the API server's field paths and messages (ValidatePod).

use super::FieldError;
use crate::model::{meta, Pod};
use std::collections::BTreeSet;

pub fn pod(pod: &Pod) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    if let Err(msg) = meta::validate_dns1123_subdomain(name) {
        errs.push(FieldError::invalid("metadata.name", name, &msg.to_string()));
    }
    let Some(spec) = &pod.spec else {
        errs.push(FieldError::required("spec.containers", ""));
        return errs;
    };

    let mut volumes = BTreeSet::new();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        let field = format!("spec.volumes[{i}].name");
        if v.name.is_empty() {
            errs.push(FieldError::required(field, ""));
        } else if let Err(msg) = meta::validate_dns1123_label(&v.name) {
            errs.push(FieldError::invalid(field, &v.name, &msg.to_string()));
        } else if !volumes.insert(v.name.as_str()) {
            errs.push(FieldError::duplicate(field, &v.name));
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
            let mut paths = BTreeSet::new();
            for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
                let mbase = format!("{base}.volumeMounts[{j}]");
                if m.name.is_empty() {
                    errs.push(FieldError::required(format!("{mbase}.name"), ""));
                } else if !volumes.contains(m.name.as_str()) {
                    errs.push(FieldError::not_found(format!("{mbase}.name"), &m.name));
                }
                if m.mount_path.is_empty() {
                    errs.push(FieldError::required(format!("{mbase}.mountPath"), ""));
                } else if !paths.insert(m.mount_path.as_str()) {
                    errs.push(FieldError::invalid(
                        format!("{mbase}.mountPath"),
                        &m.mount_path,
                        "must be unique",
                    ));
                }
            }
        }
    }

    if let Some(policy) = spec.restart_policy.as_deref() {
        const ALLOWED: &[&str] = &["Always", "OnFailure", "Never"];
        if !ALLOWED.contains(&policy) {
            errs.push(FieldError::not_supported(
                "spec.restartPolicy",
                policy,
                ALLOWED,
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
    errs
}
