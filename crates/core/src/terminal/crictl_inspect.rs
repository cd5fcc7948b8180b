//! `crictl inspect` and `crictl inspectp`: the runtime's status of a container or a pod
//! sandbox, as containerd answers ContainerStatus and PodSandboxStatus and crictl 1.34
//! prints them: `json.MarshalIndent` of a map, so every key in sorted order, times in
//! RFC 3339 with nanoseconds. Only what the simulated runtime knows is shown (no
//! mounts, no OCI runtime spec).

use super::crictl::{fail, find_one, CONTAINER, SANDBOX};
use super::programs::Ex;
use crate::clock::{SimTime, EPOCH_UNIX_MS};
use crate::kubelet::cri::{CriContainer, CriState, Sandbox};
use crate::shell::exec::{Flow, Io};
use crate::shell::programs::done;
use serde_json::{json, Map, Value};

/// The kubelet's container labels (newContainerLabels) and pod labels.
const CONTAINER_NAME: &str = "io.kubernetes.container.name";
const POD_NAME: &str = "io.kubernetes.pod.name";
const POD_NAMESPACE: &str = "io.kubernetes.pod.namespace";
const POD_UID: &str = "io.kubernetes.pod.uid";

/// Go's `time.Time.Format(time.RFC3339Nano)` of a simulated instant (the node's zone
/// is UTC): trailing zeros of the fraction dropped.
pub(super) fn rfc3339_nano(t: SimTime) -> String {
    let whole = serde_json::to_value(t.to_time())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let ms = (EPOCH_UNIX_MS as u64 + t.0) % 1000;
    if ms == 0 {
        return whole;
    }
    let fraction = format!("{ms:03}");
    let fraction = fraction.trim_end_matches('0');
    match whole.strip_suffix('Z') {
        Some(base) => format!("{base}.{fraction}Z"),
        None => whole,
    }
}

/// Go's zero time as RFC 3339 (a container not finished yet).
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn string_map(pairs: Vec<(String, String)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// `crictl inspect ID...`.
pub(super) fn inspect(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let ids: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if ids.is_empty() {
        return fail(ex, io, "ID cannot be empty");
    }
    let node = ex.host.node.clone();
    let containers = ex.host.cluster.kubelet.cri_containers(&node);
    let mut out = Vec::new();
    for id in ids {
        let c = match find_one(&containers, |c| &c.id, id, CONTAINER) {
            Ok(c) => c,
            Err(e) => return fail(ex, io, &format!("get container status: {e}")),
        };
        out.push(container_status(ex, c));
    }
    print(ex, io, out)
}

/// `crictl inspectp ID...`.
pub(super) fn inspectp(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let ids: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if ids.is_empty() {
        return fail(ex, io, "ID cannot be empty");
    }
    let node = ex.host.node.clone();
    let sandboxes = ex.host.cluster.kubelet.sandboxes(&node);
    let mut out = Vec::new();
    for id in ids {
        let s = match find_one(&sandboxes, |s| &s.id, id, SANDBOX) {
            Ok(s) => s,
            Err(e) => return fail(ex, io, &format!("get pod sandbox status: {e}")),
        };
        out.push(sandbox_status(ex, s));
    }
    print(ex, io, out)
}

/// One status as it is, several as a list (crictl's "old behaviour").
fn print(ex: &mut Ex, io: &Io, mut out: Vec<Value>) -> Flow {
    let value = if out.len() == 1 {
        out.remove(0)
    } else {
        Value::Array(out)
    };
    let text = crate::gofmt::json(&value, Some("  "));
    ex.out(io, &format!("{text}\n"));
    done(ex, 0)
}

/// The pod of a container or sandbox, if the API server still has it.
fn pod<'a>(ex: &'a Ex, namespace: &str, name: &str, uid: &str) -> Option<&'a crate::model::Pod> {
    ex.host
        .cluster
        .api
        .pods
        .get(namespace, name)
        .filter(|p| p.metadata.uid.as_deref() == Some(uid))
}

fn container_status(ex: &Ex, c: &CriContainer) -> Value {
    let spec = pod(ex, &c.namespace, &c.pod, &c.pod_uid).and_then(|p| {
        let s = p.spec.as_ref()?;
        let grace = s.termination_grace_period_seconds.unwrap_or(30);
        let container = s
            .init_containers
            .iter()
            .flatten()
            .chain(&s.containers)
            .find(|k| k.name == c.name)?
            .clone();
        Some((container, grace))
    });
    let mut annotations = vec![(
        "io.kubernetes.container.restartCount".to_string(),
        c.attempt.to_string(),
    )];
    if let Some((k, grace)) = &spec {
        if let Some(ports) = k.ports.as_ref().filter(|p| !p.is_empty()) {
            let value = serde_json::to_value(ports).unwrap_or(Value::Null);
            annotations.push((
                "io.kubernetes.container.ports".into(),
                crate::gofmt::json_typed(&value, "ContainerPort", None),
            ));
        }
        annotations.push((
            "io.kubernetes.container.terminationMessagePath".into(),
            k.termination_message_path
                .clone()
                .unwrap_or_else(|| "/dev/termination-log".into()),
        ));
        annotations.push((
            "io.kubernetes.container.terminationMessagePolicy".into(),
            k.termination_message_policy
                .clone()
                .unwrap_or_else(|| "File".into()),
        ));
        annotations.push((
            "io.kubernetes.pod.terminationGracePeriod".into(),
            grace.to_string(),
        ));
    }
    let labels = vec![
        (CONTAINER_NAME.to_string(), c.name.clone()),
        (POD_NAME.to_string(), c.pod.clone()),
        (POD_NAMESPACE.to_string(), c.namespace.clone()),
        (POD_UID.to_string(), c.pod_uid.clone()),
    ];
    let qualified = crate::kubelet::images::qualified(&c.image);
    let repository =
        crate::kubelet::images::qualified_repository(&c.image).unwrap_or_else(|| c.image.clone());
    let image_ref = if c.image_id.is_empty() {
        qualified.clone()
    } else {
        format!("{repository}@{}", c.image_id)
    };
    let (state, finished, exit_code, reason) = match (&c.state, &c.finished) {
        (CriState::Exited, Some((at, code, reason))) => {
            ("CONTAINER_EXITED", rfc3339_nano(*at), *code, reason.clone())
        }
        _ => ("CONTAINER_RUNNING", ZERO_TIME.to_string(), 0, String::new()),
    };
    let log_path = format!(
        "/var/log/pods/{}_{}_{}/{}/{}.log",
        c.namespace, c.pod, c.pod_uid, c.name, c.attempt
    );
    json!({
        "info": {
            "runtimeType": "io.containerd.runc.v2",
            "sandboxID": c.pod_id,
            "snapshotKey": c.id,
            "snapshotter": "overlayfs",
        },
        "status": {
            "annotations": string_map(annotations),
            "createdAt": rfc3339_nano(c.created),
            "exitCode": exit_code,
            "finishedAt": finished,
            "id": c.id,
            "image": {
                "annotations": {},
                "image": qualified,
                "runtimeHandler": "",
                "userSpecifiedImage": "",
            },
            "imageId": c.image_id,
            "imageRef": image_ref,
            "labels": string_map(labels),
            "logPath": log_path,
            "message": "",
            "metadata": {"attempt": c.attempt, "name": c.name},
            "reason": reason,
            "startedAt": rfc3339_nano(c.created),
            "state": state,
        }
    })
}

fn sandbox_status(ex: &Ex, s: &Sandbox) -> Value {
    let pod = pod(ex, &s.namespace, &s.name, &s.uid);
    let meta = pod.map(|p| p.metadata.clone()).unwrap_or_default();
    let status = pod.and_then(|p| p.status.clone()).unwrap_or_default();
    let created = status
        .start_time
        .as_ref()
        .map_or(ex.host.cluster.now, SimTime::from_time);
    let mut labels: Vec<(String, String)> = meta
        .labels
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    labels.push(("io.kubernetes.pod.name".into(), s.name.clone()));
    labels.push(("io.kubernetes.pod.namespace".into(), s.namespace.clone()));
    labels.push(("io.kubernetes.pod.uid".into(), s.uid.clone()));
    let mut annotations: Vec<(String, String)> = meta
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    annotations.push(("kubernetes.io/config.seen".into(), rfc3339_nano(created)));
    annotations.push(("kubernetes.io/config.source".into(), "api".into()));
    let mut status_map = Map::new();
    status_map.insert("annotations".into(), string_map(annotations));
    status_map.insert("createdAt".into(), rfc3339_nano(created).into());
    status_map.insert("id".into(), s.id.clone().into());
    status_map.insert("labels".into(), string_map(labels));
    status_map.insert(
        "metadata".into(),
        json!({"attempt": 0, "name": s.name, "namespace": s.namespace, "uid": s.uid}),
    );
    let ip = status.pod_ip.clone().unwrap_or_default();
    status_map.insert(
        "network".into(),
        json!({"additionalIps": [], "ip": if s.ready { ip } else { String::new() }}),
    );
    status_map.insert("runtimeHandler".into(), "".into());
    let state = if s.ready {
        "SANDBOX_READY"
    } else {
        "SANDBOX_NOTREADY"
    };
    status_map.insert("state".into(), state.into());
    json!({ "status": Value::Object(status_map) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_nano_drops_trailing_zeros() {
        assert_eq!(rfc3339_nano(SimTime(0)), "2026-01-05T09:00:00Z");
        assert_eq!(rfc3339_nano(SimTime(1_500)), "2026-01-05T09:00:01.5Z");
        assert_eq!(rfc3339_nano(SimTime(61_023)), "2026-01-05T09:01:01.023Z");
    }
}
