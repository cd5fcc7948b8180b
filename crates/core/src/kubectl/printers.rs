//! Column values exactly as kubectl's table printers compute them.

use crate::model::Pod;

/// The STATUS column of `kubectl get pods` (printPod): the pod's reason, an init
/// container's progress (`Init:0/1`), a waiting or terminated container's reason
/// (`ContainerCreating`, `ErrImagePull`, `CrashLoopBackOff`, `Completed`), or the phase.
pub fn pod_status(pod: &Pod) -> String {
    PodRow::of(pod).status
}

/// The READY column: ready containers / all containers, native sidecars (init
/// containers with `restartPolicy: Always`) counted with the app containers.
pub fn pod_ready(pod: &Pod) -> String {
    let row = PodRow::of(pod);
    format!("{}/{}", row.ready, row.total)
}

/// The RESTARTS column: restarts of init and app containers, with "(5s ago)" from
/// the latest termination, as printPod writes it.
pub fn pod_restarts(pod: &Pod, now: crate::clock::SimTime) -> String {
    let row = PodRow::of(pod);
    match row.last_restart {
        Some(t) if row.restarts != 0 => format!(
            "{} ({} ago)",
            row.restarts,
            human_duration(now.0.saturating_sub(t.0) as i64)
        ),
        _ => row.restarts.to_string(),
    }
}

/// What printPod works out for a pod's READY, STATUS and RESTARTS cells.
struct PodRow {
    ready: usize,
    total: usize,
    status: String,
    restarts: i32,
    last_restart: Option<crate::clock::SimTime>,
}

impl PodRow {
    fn of(pod: &Pod) -> PodRow {
        use k8s_openapi::api::core::v1::{ContainerState, ContainerStatus};
        let empty = k8s_openapi::api::core::v1::PodStatus::default();
        let status = pod.status.as_ref().unwrap_or(&empty);
        let phase = status.phase.clone().unwrap_or_default();
        let mut reason = phase.clone();
        if let Some(r) = status.reason.as_deref().filter(|r| !r.is_empty()) {
            reason = r.to_string();
        }
        let gated =
            status.conditions.iter().flatten().any(|c| {
                c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated")
            });
        if gated {
            reason = "SchedulingGated".to_string();
        }
        let init_specs = pod
            .spec
            .as_ref()
            .and_then(|s| s.init_containers.as_deref())
            .unwrap_or_default();
        let sidecar = |name: &str| {
            init_specs
                .iter()
                .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
        };
        let total = pod.spec.as_ref().map_or(0, |s| s.containers.len())
            + init_specs
                .iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"))
                .count();
        let last_of = |c: &ContainerStatus| {
            c.last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
                .map(crate::clock::SimTime::from_time)
        };
        let later =
            |a: Option<crate::clock::SimTime>, b: Option<crate::clock::SimTime>| match (a, b) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        let (mut ready, mut restarts, mut last) = (0, 0, None);
        let (mut sidecar_restarts, mut sidecar_last) = (0, None);
        let no_state = ContainerState::default();
        let mut initializing = false;
        let init_total = init_specs.len();
        for (i, c) in status.init_container_statuses.iter().flatten().enumerate() {
            restarts += c.restart_count;
            last = later(last, last_of(c));
            let is_sidecar = sidecar(&c.name);
            if is_sidecar {
                sidecar_restarts += c.restart_count;
                sidecar_last = later(sidecar_last, last_of(c));
            }
            let state = c.state.as_ref().unwrap_or(&no_state);
            if state.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
                continue;
            }
            if is_sidecar && c.started == Some(true) {
                if c.ready {
                    ready += 1;
                }
                continue;
            }
            if let Some(t) = &state.terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => format!("Init:{r}"),
                    None if t.signal.unwrap_or(0) != 0 => {
                        format!("Init:Signal:{}", t.signal.unwrap_or(0))
                    }
                    None => format!("Init:ExitCode:{}", t.exit_code),
                };
            } else if let Some(r) = state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty() && *r != "PodInitializing")
            {
                reason = format!("Init:{r}");
            } else {
                reason = format!("Init:{i}/{init_total}");
            }
            initializing = true;
            break;
        }
        let initialized = status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Initialized" && c.status == "True");
        if !initializing || initialized {
            restarts = sidecar_restarts;
            last = sidecar_last;
            let mut has_running = false;
            for c in status.container_statuses.iter().flatten().rev() {
                restarts += c.restart_count;
                last = later(last, last_of(c));
                let state = c.state.as_ref().unwrap_or(&no_state);
                if let Some(r) = state
                    .waiting
                    .as_ref()
                    .and_then(|w| w.reason.as_deref())
                    .filter(|r| !r.is_empty())
                {
                    reason = r.to_string();
                } else if let Some(t) = &state.terminated {
                    reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                        Some(r) => r.to_string(),
                        None if t.signal.unwrap_or(0) != 0 => {
                            format!("Signal:{}", t.signal.unwrap_or(0))
                        }
                        None => format!("ExitCode:{}", t.exit_code),
                    };
                } else if state.running.is_some() && c.ready {
                    has_running = true;
                    ready += 1;
                }
            }
            if reason == "Completed" && has_running {
                let pod_ready = crate::model::pod::is_ready(pod);
                reason = if pod_ready { "Running" } else { "NotReady" }.into();
            }
        }
        if pod.metadata.deletion_timestamp.is_some() {
            if status.reason.as_deref() == Some("NodeLost") {
                reason = "Unknown".into();
            } else if phase != "Succeeded" && phase != "Failed" {
                reason = "Terminating".into();
            }
        }
        PodRow {
            ready,
            total,
            status: reason,
            restarts,
            last_restart: last,
        }
    }
}

/// A node's roles (`findNodeRoles`): from `node-role.kubernetes.io/ROLE` labels and the
/// legacy `kubernetes.io/role` label, sorted and unique.
pub fn node_roles(node: &crate::model::Node) -> Vec<String> {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

/// Three values at most, then `+ N more...`; nothing at all is `<unset>`
/// (listWithMoreString).
fn list_with_more(list: &[String], count: usize) -> String {
    const MAX: usize = 3;
    let shown = list[..list.len().min(MAX)].join(",");
    if count > MAX {
        format!("{shown} + {} more...", count - MAX)
    } else if shown.is_empty() {
        "<unset>".into()
    } else {
        shown
    }
}

/// An EndpointSlice's PORTS column: each port's number, else its name, else `*`
/// (formatDiscoveryPorts).
pub fn discovery_ports(s: &crate::model::EndpointSlice) -> String {
    let ports = s.ports.as_deref().unwrap_or_default();
    let list: Vec<String> = ports
        .iter()
        .map(|p| match (p.port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".into(),
        })
        .collect();
    list_with_more(&list, list.len())
}

/// An EndpointSlice's ENDPOINTS column: every endpoint's addresses, ready or not
/// (formatDiscoveryEndpoints).
pub fn discovery_endpoints(s: &crate::model::EndpointSlice) -> String {
    let list: Vec<String> = s
        .endpoints
        .iter()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    list_with_more(&list, list.len())
}

/// The ENDPOINTS column: `ip:port` for every address and port, three at most, then
/// `+ N more...` (formatEndpoints).
pub fn endpoints(e: &k8s_openapi::api::core::v1::Endpoints) -> String {
    let Some(subsets) = e.subsets.as_ref().filter(|s| !s.is_empty()) else {
        return "<none>".into();
    };
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in subsets {
        let addrs = ss.addresses.clone().unwrap_or_default();
        match ss.ports.as_ref().filter(|p| !p.is_empty()) {
            None => {
                count += addrs.len();
                for a in &addrs {
                    if list.len() == MAX {
                        more = true;
                        break;
                    }
                    list.push(a.ip.clone());
                }
            }
            Some(ports) => {
                for p in ports {
                    count += addrs.len();
                    for a in &addrs {
                        if list.len() == MAX {
                            more = true;
                        }
                        if !more {
                            list.push(format!("{}:{}", a.ip, p.port));
                        }
                    }
                }
            }
        }
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", count - MAX)
    } else {
        text
    }
}

/// Lays out rows as kubectl's table printer does: Go's tabwriter with padding 3.
pub fn table(rows: &[Vec<String>]) -> String {
    table_writer().flush(&tab_separated(rows))
}

/// kubectl's printers.GetNewTabWriter: minwidth 6, padding 3, widths remembered
/// across flushes.
pub fn table_writer() -> super::tabwriter::TabWriter {
    super::tabwriter::TabWriter::new(6, 3, true)
}

/// Rows as the table printer writes them to its tab writer: cells ended by tabs.
pub fn tab_separated(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_like_kubectl() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".into(), "STATUS".into()],
            vec!["tea".to_string(), "1/1".into(), "Running".into()],
        ];
        assert_eq!(
            table(&rows),
            "NAME   READY   STATUS\ntea    1/1     Running\n"
        );
    }

    /// A pod from YAML (its status included), as the API server would hand it out.
    fn pod(yaml: &str) -> Pod {
        let text = format!("apiVersion: v1\nkind: Pod\n{yaml}");
        let decoded = crate::manifest::decode("t.yaml", &text, crate::manifest::Validation::Strict)
            .expect("a valid pod");
        match decoded.manifests.into_iter().next().map(|m| m.object) {
            Some(crate::model::Object::Pod(p)) => *p,
            _ => panic!("not a pod"),
        }
    }

    const SIDECAR_SPEC: &str = "metadata: {name: p}
spec:
  initContainers:
  - {name: side, image: busybox, restartPolicy: Always}
  - {name: setup, image: busybox}
  containers:
  - {name: app, image: nginx}
";

    /// printPod's cells for pods with a native sidecar: the sidecar counts in READY
    /// once started and ready, a started sidecar does not hold up `Init:N/M`, and a
    /// crashing sidecar shows through after initialization.
    #[test]
    fn sidecars_count_in_ready_and_status() {
        let running = "{running: {startedAt: '2026-01-05T09:00:00Z'}}";
        let cases = [
            (
                format!(
                    "  initContainerStatuses:
  - {{name: side, ready: true, started: true, restartCount: 0, image: busybox, imageID: '', state: {running}}}
  - {{name: setup, ready: false, started: true, restartCount: 0, image: busybox, imageID: '', state: {running}}}
  containerStatuses:
  - {{name: app, ready: false, restartCount: 0, image: nginx, imageID: '', state: {{waiting: {{reason: PodInitializing}}}}}}
  conditions:
  - {{type: Initialized, status: 'False'}}
"
                ),
                ("1/2", "Init:1/2", "0"),
            ),
            (
                format!(
                    "  initContainerStatuses:
  - {{name: side, ready: true, started: true, restartCount: 0, image: busybox, imageID: '', state: {running}}}
  - {{name: setup, ready: true, started: false, restartCount: 0, image: busybox, imageID: '', state: {{terminated: {{exitCode: 0, reason: Completed}}}}}}
  containerStatuses:
  - {{name: app, ready: true, restartCount: 0, image: nginx, imageID: '', state: {running}}}
  conditions:
  - {{type: Initialized, status: 'True'}}
  - {{type: Ready, status: 'True'}}
"
                ),
                ("2/2", "Running", "0"),
            ),
            (
                format!(
                    "  initContainerStatuses:
  - {{name: side, ready: false, started: false, restartCount: 3, image: busybox, imageID: '', state: {{waiting: {{reason: CrashLoopBackOff}}}}}}
  - {{name: setup, ready: true, started: false, restartCount: 2, image: busybox, imageID: '', state: {{terminated: {{exitCode: 0, reason: Completed}}}}}}
  containerStatuses:
  - {{name: app, ready: true, restartCount: 1, image: nginx, imageID: '', state: {running}}}
  conditions:
  - {{type: Initialized, status: 'True'}}
"
                ),
                // Restarts of the sidecar and the app, not of the regular init container.
                ("1/2", "Init:CrashLoopBackOff", "4"),
            ),
        ];
        for (status, (ready, shown, restarts)) in cases {
            let p = pod(&format!(
                "{SIDECAR_SPEC}status:\n  phase: Running\n{status}"
            ));
            let row = PodRow::of(&p);
            assert_eq!(
                (
                    format!("{}/{}", row.ready, row.total).as_str(),
                    row.status.as_str(),
                    row.restarts.to_string().as_str()
                ),
                (ready, shown, restarts),
                "{status}"
            );
        }
    }

    /// A deleted pod that reached a terminal phase shows it, not Terminating; a
    /// Completed container beside a running one shows Running, or NotReady.
    #[test]
    fn terminal_phases_outrank_terminating() {
        let base = "metadata: {name: p, deletionTimestamp: '2026-01-05T09:00:30Z'}
spec:
  containers:
  - {name: a, image: nginx}
status:
  phase: PHASE
  containerStatuses:
  - {name: a, ready: false, restartCount: 0, image: nginx, imageID: '', state: {terminated: {exitCode: 0, reason: Completed}}}
";
        assert_eq!(
            pod_status(&pod(&base.replace("PHASE", "Succeeded"))),
            "Completed"
        );
        assert_eq!(
            pod_status(&pod(&base.replace("PHASE", "Running"))),
            "Terminating"
        );
        let two = "metadata: {name: p}
spec:
  containers:
  - {name: a, image: nginx}
  - {name: b, image: nginx}
status:
  phase: Running
  conditions: [{type: Ready, status: READY}]
  containerStatuses:
  - {name: a, ready: true, restartCount: 0, image: nginx, imageID: '', state: {running: {}}}
  - {name: b, ready: false, restartCount: 0, image: nginx, imageID: '', state: {terminated: {exitCode: 0, reason: Completed}}}
";
        assert_eq!(pod_status(&pod(&two.replace("READY", "'True'"))), "Running");
        assert_eq!(
            pod_status(&pod(&two.replace("READY", "'False'"))),
            "NotReady"
        );
    }
}

/// kubectl's AGE column (`duration.HumanDuration`).
pub fn human_duration(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// The age of a timestamp at simulated time `now`, as the AGE column shows it.
pub fn age(t: Option<&crate::model::Time>, now: crate::clock::SimTime) -> String {
    match t {
        Some(t) => human_duration(now.0 as i64 - crate::clock::SimTime::from_time(t).0 as i64),
        None => "<unknown>".into(),
    }
}

/// JSON as kubectl's `-o json` prints it: Go's `json.MarshalIndent` with four spaces,
/// keys sorted, `<`, `>` and `&` escaped, a final newline.
pub fn json(value: &serde_json::Value) -> String {
    let mut out = crate::gofmt::json(value, Some("    "));
    out.push('\n');
    out
}

/// `-o json` of a typed object (what `run`, `create namespace` and `expose` build or get
/// back): struct fields in the Go types' order, maps sorted, a final newline.
pub fn json_typed(value: &serde_json::Value, kind: &str) -> String {
    let mut out = crate::gofmt::json_typed(value, kind, Some("    "));
    out.push('\n');
    out
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn human_durations() {
        for (secs, want) in [
            (0, "0s"),
            (7, "7s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (30 * 3600, "30h"),
            (50 * 3600, "2d2h"),
            (10 * 86400, "10d"),
            (800 * 86400, "2y70d"),
        ] {
            assert_eq!(human_duration(secs * 1000), want, "{secs}");
        }
    }

    #[test]
    fn json_like_go() {
        let v = serde_json::json!({"b": [1, {"x": "<a&b>"}], "a": {}, "c": []});
        assert_eq!(json(&v), "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\"\n        }\n    ],\n    \"c\": []\n}\n");
    }
}
