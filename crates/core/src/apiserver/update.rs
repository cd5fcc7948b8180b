//! Updates from users (`kubectl apply` of an object that exists): what the API server
//! lets change, validated as `ValidatePodUpdate` and the Service update strategy do.

use super::error::{ApiError, FieldError};
use super::{services, validation, ApiServer};
use crate::model::{Pod, Service};

/// The update a Pod may take: the image of each container and init container,
/// activeDeadlineSeconds, additions to tolerations, and labels and annotations.
pub const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate`'s spec check: the new spec with the changeable fields taken from
/// the old one must equal the old spec.
pub fn validate_pod_update(old: &Pod, new: &Pod) -> Vec<FieldError> {
    let (Some(old_spec), Some(new_spec)) = (old.spec.as_ref(), new.spec.as_ref()) else {
        return vec![FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN)];
    };
    let mut masked = new_spec.clone();
    if masked.containers.len() == old_spec.containers.len() {
        for (m, o) in masked.containers.iter_mut().zip(&old_spec.containers) {
            m.image = o.image.clone();
        }
    }
    if let (Some(m), Some(o)) = (
        masked.init_containers.as_mut(),
        old_spec.init_containers.as_ref(),
    ) {
        if m.len() == o.len() {
            for (m, o) in m.iter_mut().zip(o) {
                m.image = o.image.clone();
            }
        }
    }
    masked.active_deadline_seconds = old_spec.active_deadline_seconds;
    // validateOnlyDeletedSchedulingGates: gates may only be removed.
    let mut errs = Vec::new();
    let old_gates: Vec<&str> = old_spec
        .scheduling_gates
        .iter()
        .flatten()
        .map(|g| g.name.as_str())
        .collect();
    for (i, gate) in new_spec.scheduling_gates.iter().flatten().enumerate() {
        if !old_gates.contains(&gate.name.as_str()) {
            errs.push(FieldError::forbidden(
                format!("spec.schedulingGates[{i}].name"),
                &format!(
                    "only deletion is allowed, but found new scheduling gate '{}'",
                    gate.name
                ),
            ));
        }
    }
    masked.scheduling_gates = old_spec.scheduling_gates.clone();
    // Tolerations may only grow.
    let old_tolerations = old_spec.tolerations.clone().unwrap_or_default();
    let new_tolerations = masked.tolerations.clone().unwrap_or_default();
    if old_tolerations.iter().all(|t| new_tolerations.contains(t)) {
        masked.tolerations = old_spec.tolerations.clone();
    }
    if old_spec
        .termination_grace_period_seconds
        .is_some_and(|g| g < 0)
        && masked.termination_grace_period_seconds == Some(1)
    {
        masked.termination_grace_period_seconds = old_spec.termination_grace_period_seconds;
    }
    if &masked != old_spec {
        errs.push(FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN));
    }
    errs
}

impl ApiServer {
    /// A user's update of a stored pod: metadata labels and annotations, and the spec
    /// fields [`validate_pod_update`] allows. Status stays the system's.
    pub fn update_pod_by_user(&mut self, mut pod: Pod) -> Result<&Pod, ApiError> {
        let ns = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let name = pod.metadata.name.clone().unwrap_or_default();
        let Some(old) = self.pods.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "pods",
                name,
            });
        };
        let mut causes = validation::pod(&pod);
        causes.extend(validate_pod_update(&old, &pod));
        if !causes.is_empty() {
            return Err(ApiError::Invalid {
                kind: "Pod",
                name,
                causes,
            });
        }
        pod.status = old.status.clone();
        pod.metadata.uid = old.metadata.uid.clone();
        pod.metadata.creation_timestamp = old.metadata.creation_timestamp.clone();
        self.update_pod(pod)
    }

    /// A user's update of a stored Service: the allocated cluster IP and node ports stay
    /// (a port keeps its nodePort unless the update names another), then the Service is
    /// validated as on create.
    pub fn update_service_by_user(&mut self, mut svc: Service) -> Result<&Service, ApiError> {
        let ns = svc
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let name = svc.metadata.name.clone().unwrap_or_default();
        let Some(old) = self.services.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "services",
                name,
            });
        };
        let old_spec = old.spec.clone().unwrap_or_default();
        let spec = svc.spec.get_or_insert_with(Default::default);
        if spec.cluster_ip.is_none() {
            spec.cluster_ip = old_spec.cluster_ip.clone();
            spec.cluster_ips = old_spec.cluster_ips.clone();
        } else if spec.cluster_ip != old_spec.cluster_ip {
            return Err(ApiError::Invalid {
                kind: "Service",
                name,
                causes: vec![FieldError::invalid(
                    "spec.clusterIPs[0]",
                    spec.cluster_ip.as_deref().unwrap_or_default(),
                    "may not change once set",
                )],
            });
        }
        if let Some(ports) = spec.ports.as_mut() {
            for p in ports.iter_mut().filter(|p| p.node_port.is_none()) {
                p.node_port = old_spec
                    .ports
                    .iter()
                    .flatten()
                    .find(|o| o.port == p.port)
                    .and_then(|o| o.node_port);
            }
        }
        let others: Vec<Service> = self
            .services
            .list()
            .filter(|s| s.metadata.uid != old.metadata.uid)
            .cloned()
            .collect();
        let others: Vec<&Service> = others.iter().collect();
        services::admit(&mut svc, &others, &mut self.rng)?;
        svc.metadata.uid = old.metadata.uid.clone();
        svc.metadata.creation_timestamp = old.metadata.creation_timestamp.clone();
        svc.status = old.status.clone();
        self.replace(|a| &mut a.services, "services", svc)
    }

    pub fn update_namespace(
        &mut self,
        ns: crate::model::Namespace,
    ) -> Result<&crate::model::Namespace, ApiError> {
        self.replace(|a| &mut a.namespaces, "namespaces", ns)
    }

    pub fn update_event(
        &mut self,
        event: crate::model::Event,
    ) -> Result<&crate::model::Event, ApiError> {
        self.replace(|a| &mut a.events, "events", event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gated(gates: &[&str]) -> Pod {
        let gates: Vec<_> = gates
            .iter()
            .map(|g| serde_json::json!({"name": g}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"schedulingGates": gates, "containers": [{"name": "c", "image": "nginx"}]}
        }))
        .unwrap()
    }

    /// `validateOnlyDeletedSchedulingGates`: gates may be removed, never added.
    #[test]
    fn scheduling_gates_may_only_be_removed() {
        let text =
            |errs: Vec<FieldError>| -> Vec<String> { errs.iter().map(|e| e.to_string()).collect() };
        let cases: Vec<(&str, Pod, Pod, Vec<&str>)> = vec![
            ("unchanged", gated(&["a", "b"]), gated(&["a", "b"]), vec![]),
            ("one removed", gated(&["a", "b"]), gated(&["b"]), vec![]),
            ("all removed", gated(&["a", "b"]), gated(&[]), vec![]),
            (
                "one added",
                gated(&["a"]),
                gated(&["a", "c"]),
                vec!["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"],
            ),
            (
                "added to a pod without gates",
                gated(&[]),
                gated(&["x"]),
                vec!["spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'x'"],
            ),
        ];
        for (name, old, new, want) in cases {
            assert_eq!(text(validate_pod_update(&old, &new)), want, "{name}");
        }
    }
}
