//! `kubectl describe` for pods and nodes, laid out as kubectl's describers do: a prefix
//! writer with two-space levels over Go's tabwriter (padding 2), flushed before Events.

use super::printers::human_duration;
use super::tabwriter;
use crate::clock::SimTime;
use crate::model::quantity::{self, format_milli};
use crate::model::{fieldpath, Event, Node, Pod, Time};
use std::collections::BTreeMap;

/// kubectl's PrefixWriter over a tabwriter that can be flushed.
struct Writer {
    done: String,
    pending: String,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            done: String::new(),
            pending: String::new(),
        }
    }

    fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.done.push_str(&tabwriter::format(&text, 0, 2));
    }

    fn finish(mut self) -> String {
        self.flush();
        self.done
    }
}

/// `Time.Format(time.RFC1123Z)`: `Mon, 05 Jan 2026 09:00:00 +0000`.
fn rfc1123z(t: Option<&Time>) -> String {
    match t {
        Some(t) => k8s_openapi::jiff::fmt::strtime::format("%a, %d %b %Y %H:%M:%S %z", t.0)
            .unwrap_or_default(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

fn since(t: Option<&Time>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(now.0 as i64 - SimTime::from_time(t).0 as i64),
        None => "<unknown>".into(),
    }
}

/// kubectl's `translateTimestampUntil`: how long until `t`.
fn until(t: Option<&Time>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(SimTime::from_time(t).0 as i64 - now.0 as i64),
        None => "<unknown>".into(),
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

fn labels(w: &mut Writer, title: &str, labels: Option<&BTreeMap<String, String>>) {
    w.write(0, &format!("{title}:\t"));
    match labels.filter(|l| !l.is_empty()) {
        None => w.write(0, "<none>\n"),
        Some(l) => {
            for (i, (k, v)) in l.iter().enumerate() {
                if i != 0 {
                    w.write(0, "\t");
                }
                w.write(0, &format!("{k}={v}\n"));
            }
        }
    }
}

fn annotations(w: &mut Writer, annotations: Option<&BTreeMap<String, String>>) {
    const MAX: usize = 140;
    w.write(0, "Annotations:\t");
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        w.write(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX || value.contains('\n') {
            w.write(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                let short = if s.len() > MAX - 2 {
                    let cut = (0..=MAX - 2)
                        .rev()
                        .find(|&i| s.is_char_boundary(i))
                        .unwrap_or(0);
                    format!("{}...", &s[..cut])
                } else {
                    s.to_string()
                };
                w.write(0, &format!("\t  {short}\n"));
            }
        } else {
            w.write(0, &format!("{k}: {value}\n"));
        }
    }
}

/// The Events section for one object's events.
fn events(w: &mut Writer, events: &[&Event], now: SimTime) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&&Event> = events.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |e| e.last_timestamp.as_ref().map(|t| t.0));
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = since(e.first_timestamp.as_ref(), now);
        let count = e.count.unwrap_or(1);
        let interval = if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since(e.last_timestamp.as_ref(), now)
            )
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        w.write(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or_default(),
                e.reason.as_deref().unwrap_or_default(),
                e.message.as_deref().unwrap_or_default().trim()
            ),
        );
    }
}

fn container_state(w: &mut Writer, title: &str, state: &crate::model::ContainerState) {
    if let Some(r) = &state.running {
        w.write(2, &format!("{title}:\tRunning\n"));
        w.write(
            3,
            &format!("Started:\t{}\n", rfc1123z(r.started_at.as_ref())),
        );
    } else if let Some(wt) = &state.waiting {
        w.write(2, &format!("{title}:\tWaiting\n"));
        if let Some(reason) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
    } else if let Some(t) = &state.terminated {
        w.write(2, &format!("{title}:\tTerminated\n"));
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            w.write(3, &format!("Message:\t{m}\n"));
        }
        w.write(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(sig) = t.signal.filter(|s| *s > 0) {
            w.write(3, &format!("Signal:\t{sig}\n"));
        }
        w.write(
            3,
            &format!("Started:\t{}\n", rfc1123z(t.started_at.as_ref())),
        );
        w.write(
            3,
            &format!("Finished:\t{}\n", rfc1123z(t.finished_at.as_ref())),
        );
    } else {
        w.write(2, &format!("{title}:\tWaiting\n"));
    }
}

fn resources(
    w: &mut Writer,
    res: Option<&k8s_openapi::api::core::v1::ResourceRequirements>,
    level: usize,
) {
    let Some(res) = res else { return };
    for (title, list) in [("Limits", &res.limits), ("Requests", &res.requests)] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        w.write(level, &format!("{title}:\n"));
        for (name, q) in list {
            let shown = quantity::milli(q)
                .map(|m| format_milli(m, quantity::is_binary(&q.0)))
                .unwrap_or_else(|_| q.0.clone());
            w.write(level + 1, &format!("{name}:\t{shown}\n"));
        }
    }
}

fn containers(
    w: &mut Writer,
    title: &str,
    pod: &Pod,
    list: &[crate::model::Container],
    statuses: &[crate::model::ContainerStatus],
) {
    w.write(
        0,
        &format!("{title}:{}\n", if list.is_empty() { " <none>" } else { "" }),
    );
    for c in list {
        let status = statuses.iter().find(|s| s.name == c.name);
        w.write(1, &format!("{}:\n", c.name));
        if let Some(s) = status {
            w.write(
                2,
                &format!(
                    "Container ID:\t{}\n",
                    s.container_id.as_deref().unwrap_or_default()
                ),
            );
        }
        w.write(
            2,
            &format!("Image:\t{}\n", c.image.as_deref().unwrap_or_default()),
        );
        if let Some(s) = status {
            w.write(2, &format!("Image ID:\t{}\n", s.image_id));
        }
        let ports: Vec<_> = c.ports.iter().flatten().collect();
        let port_text = |host: bool| {
            ports
                .iter()
                .map(|p| {
                    let n = if host {
                        p.host_port.unwrap_or(0)
                    } else {
                        p.container_port
                    };
                    let mut s = format!("{n}/{}", p.protocol.as_deref().unwrap_or("TCP"));
                    if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
                        s = format!("{s} ({name})");
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (host, one, many) in [(false, "Port", "Ports"), (true, "Host Port", "Host Ports")] {
            let text = port_text(host);
            if text.contains(',') {
                w.write(2, &format!("{many}:\t{text}\n"));
            } else {
                w.write(2, &format!("{one}:\t{}\n", or_none(&text)));
            }
        }
        for (label, items) in [("Command", &c.command), ("Args", &c.args)] {
            if let Some(items) = items.as_ref().filter(|v| !v.is_empty()) {
                w.write(2, &format!("{label}:\n"));
                for item in items {
                    for line in item.split('\n') {
                        w.write(3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let Some(s) = status {
            container_state(w, "State", s.state.as_ref().unwrap_or(&Default::default()));
            if let Some(last) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                container_state(w, "Last State", last);
            }
            w.write(
                2,
                &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }),
            );
            w.write(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        resources(w, c.resources.as_ref(), 2);
        let env = c.env.as_deref().unwrap_or_default();
        w.write(
            2,
            &format!(
                "Environment:{}\n",
                if env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for e in env {
            match e.value_from.as_ref() {
                None => {
                    for (i, line) in e
                        .value
                        .as_deref()
                        .unwrap_or_default()
                        .split('\n')
                        .enumerate()
                    {
                        if i == 0 {
                            w.write(3, &format!("{}:\t{line}\n", e.name));
                        } else {
                            w.write(3, &format!("\t{line}\n"));
                        }
                    }
                }
                Some(from) => {
                    if let Some(f) = &from.field_ref {
                        let value = fieldpath::extract(pod, &f.field_path).unwrap_or_default();
                        let api = f.api_version.as_deref().unwrap_or("v1");
                        w.write(
                            3,
                            &format!("{}:\t{value} ({api}:{})\n", e.name, f.field_path),
                        );
                    } else if let Some(r) = &from.resource_field_ref {
                        w.write(
                            3,
                            &format!(
                                "{}:\t{} ({})\n",
                                e.name,
                                r.container_name.as_deref().unwrap_or(&c.name),
                                r.resource
                            ),
                        );
                    } else if let Some(s) = &from.secret_key_ref {
                        w.write(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                                e.name,
                                s.key,
                                s.name,
                                s.optional.unwrap_or(false)
                            ),
                        );
                    } else if let Some(m) = &from.config_map_key_ref {
                        w.write(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                                e.name,
                                m.key,
                                m.name,
                                m.optional.unwrap_or(false)
                            ),
                        );
                    }
                }
            }
        }
        let mut mounts: Vec<_> = c.volume_mounts.iter().flatten().collect();
        crate::sort::sort_by(&mut mounts, |a, b| a.mount_path.cmp(&b.mount_path));
        w.write(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for m in mounts {
            let mut flags = vec![if m.read_only.unwrap_or(false) {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            if let Some(sp) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w.write(
                3,
                &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
            );
        }
    }
}

fn volumes(w: &mut Writer, pod: &Pod) {
    let volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default();
    if volumes.is_empty() {
        w.write(0, "Volumes:\t<none>\n");
        return;
    }
    w.write(0, "Volumes:\n");
    for v in volumes {
        w.write(1, &format!("{}:\n", v.name));
        if let Some(h) = &v.host_path {
            w.write(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", h.path, h.type_.as_deref().unwrap_or("<none>")));
        } else if let Some(e) = &v.empty_dir {
            let limit = e
                .size_limit
                .as_ref()
                .map(|q| q.0.clone())
                .filter(|q| q != "0")
                .unwrap_or_else(|| "<unset>".into());
            w.write(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n", e.medium.as_deref().unwrap_or_default()));
        } else if let Some(p) = &v.projected {
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for s in p.sources.iter().flatten() {
                if let Some(sec) = &s.secret {
                    w.write(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            sec.name,
                            sec.optional.unwrap_or(false)
                        ),
                    );
                } else if s.downward_api.is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if let Some(cm) = &s.config_map {
                    w.write(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            cm.name,
                            cm.optional.unwrap_or(false)
                        ),
                    );
                } else if let Some(t) = &s.service_account_token {
                    w.write(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            t.expiration_seconds.unwrap_or(3600)
                        ),
                    );
                }
            }
        } else if let Some(s) = &v.secret {
            w.write(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s.secret_name.as_deref().unwrap_or_default(), s.optional.unwrap_or(false)));
        } else if let Some(cm) = &v.config_map {
            w.write(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", cm.name, cm.optional.unwrap_or(false)));
        } else if v.downward_api.is_some() {
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n",
            );
        } else {
            w.write(2, "<unknown>\n");
        }
    }
}

fn tolerations(w: &mut Writer, pod: &Pod) {
    w.write(0, "Tolerations:\t");
    let mut list: Vec<_> = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default();
    if list.is_empty() {
        w.write(0, "<none>\n");
        return;
    }
    crate::sort::sort_by(&mut list, |a, b| a.key.cmp(&b.key));
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let key = t.key.as_deref().unwrap_or_default();
        let value = t.value.as_deref().unwrap_or_default();
        let effect = t.effect.as_deref().unwrap_or_default();
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            s.push_str(if !key.is_empty() || !effect.is_empty() {
                " op=Exists"
            } else {
                "op=Exists"
            });
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.write(0, &format!("{s}\n"));
    }
}

/// `kubectl describe pod`.
pub fn pod(pod: &Pod, pod_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    w.write(
        0,
        &format!(
            "Namespace:\t{}\n",
            meta.namespace.as_deref().unwrap_or_default()
        ),
    );
    if let Some(p) = spec.priority {
        w.write(0, &format!("Priority:\t{p}\n"));
    }
    if let Some(pc) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.write(0, "Node:\t<none>\n"),
        Some(n) => w.write(
            0,
            &format!(
                "Node:\t{n}/{}\n",
                status.host_ip.as_deref().unwrap_or_default()
            ),
        ),
    }
    if status.start_time.is_some() {
        w.write(
            0,
            &format!("Start Time:\t{}\n", rfc1123z(status.start_time.as_ref())),
        );
    }
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    let phase = status.phase.as_deref().unwrap_or_default();
    if meta.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        w.write(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                until(meta.deletion_timestamp.as_ref(), now)
            ),
        );
        w.write(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                meta.deletion_grace_period_seconds.unwrap_or(0)
            ),
        );
    } else {
        w.write(0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = status.reason.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(m) = status.message.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("Message:\t{m}\n"));
    }
    w.write(
        0,
        &format!("IP:\t{}\n", status.pod_ip.as_deref().unwrap_or_default()),
    );
    match status.pod_ips.as_deref().filter(|v| !v.is_empty()) {
        None => w.write(0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.write(0, "IPs:\n");
            for ip in ips {
                w.write(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(n) = status
        .nominated_node_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    if let Some(init) = spec.init_containers.as_deref().filter(|v| !v.is_empty()) {
        containers(
            &mut w,
            "Init Containers",
            pod,
            init,
            status
                .init_container_statuses
                .as_deref()
                .unwrap_or_default(),
        );
    }
    containers(
        &mut w,
        "Containers",
        pod,
        &spec.containers,
        status.container_statuses.as_deref().unwrap_or_default(),
    );
    if let Some(conds) = status.conditions.as_deref().filter(|v| !v.is_empty()) {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.write(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    volumes(&mut w, pod);
    w.write(
        0,
        &format!(
            "QoS Class:\t{}\n",
            status.qos_class.as_deref().unwrap_or_default()
        ),
    );
    labels(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    tolerations(&mut w, pod);
    events(&mut w, pod_events, now);
    w.finish()
}

/// `kubectl describe node`, with the pods bound to it.
pub fn node(node: &Node, pods: &[&Pod], node_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    let roles = super::printers::node_roles(node);
    w.write(
        0,
        &format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            }
        ),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(meta.creation_timestamp.as_ref())
        ),
    );
    w.write(0, "Taints:\t");
    let mut taints = spec.taints.clone().unwrap_or_default();
    if taints.is_empty() {
        w.write(0, "<none>\n");
    } else {
        crate::sort::sort_by(&mut taints, |a, b| {
            (a.effect.as_str(), a.key.as_str()).cmp(&(b.effect.as_str(), b.key.as_str()))
        });
        for (i, t) in taints.iter().enumerate() {
            if i != 0 {
                w.write(0, "\t");
            }
            let value = t
                .value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("={v}"))
                .unwrap_or_default();
            w.write(0, &format!("{}{value}:{}\n", t.key, t.effect));
        }
    }
    w.write(
        0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );
    if let Some(conds) = status.conditions.as_deref().filter(|c| !c.is_empty()) {
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conds {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_heartbeat_time.as_ref()),
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or_default(),
                    c.message.as_deref().unwrap_or_default()
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        w.write(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.write(0, &format!("{title}:\n"));
            for (name, q) in list {
                w.write(0, &format!("  {name}:\t{}\n", q.0));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(0, "System Info:\n");
    for (k, v) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.write(0, &format!("  {k}:\t{v}\n"));
    }
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("PodCIDR:\t{cidr}\n"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|v| !v.is_empty()) {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    node_resources(&mut w, node, pods, now);
    events(&mut w, node_events, now);
    w.finish()
}

/// Requests and limits of one pod for one resource, as `PodRequestsAndLimits` sums them
/// (app containers added, init containers as a floor), with the unit style kept.
fn pod_totals(pod: &Pod, resource: &str) -> ((i128, bool), (i128, bool)) {
    let spec = pod.spec.clone().unwrap_or_default();
    let get = |c: &crate::model::Container, limits: bool| {
        let res = c.resources.as_ref();
        let list = if limits {
            res.and_then(|r| r.limits.as_ref())
        } else {
            res.and_then(|r| r.requests.as_ref())
        };
        list.and_then(|l| l.get(resource))
            .map(|q| (quantity::milli(q).unwrap_or(0), quantity::is_binary(&q.0)))
    };
    let mut out = [(0i128, resource == "memory"), (0i128, resource == "memory")];
    for (i, limits) in [false, true].into_iter().enumerate() {
        let mut sum = 0;
        let mut binary = None;
        for c in &spec.containers {
            if let Some((m, b)) = get(c, limits) {
                sum += m;
                binary.get_or_insert(b);
            }
        }
        for c in spec.init_containers.iter().flatten() {
            if let Some((m, b)) = get(c, limits) {
                if m > sum {
                    sum = m;
                    binary.get_or_insert(b);
                }
            }
        }
        out[i] = (sum, binary.unwrap_or(resource == "memory" && sum != 0));
    }
    (out[0], out[1])
}

fn node_resources(w: &mut Writer, node: &Node, pods: &[&Pod], now: SimTime) {
    let status = node.status.clone().unwrap_or_default();
    let alloc = status
        .allocatable
        .clone()
        .filter(|a| !a.is_empty())
        .or(status.capacity.clone())
        .unwrap_or_default();
    let alloc_of = |r: &str| {
        alloc
            .get(r)
            .and_then(|q| quantity::milli(q).ok())
            .unwrap_or(0)
    };
    let pct = |v: i128, total: i128| {
        if total != 0 {
            (v as f64 / total as f64 * 100.0) as i64
        } else {
            0
        }
    };
    let fmt = |(m, b): (i128, bool)| format_milli(m, b);
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut totals = BTreeMap::new();
    for p in pods {
        let (cpu_req, cpu_lim) = pod_totals(p, "cpu");
        let (mem_req, mem_lim) = pod_totals(p, "memory");
        for (k, v) in [
            ("cpu-req", cpu_req),
            ("cpu-lim", cpu_lim),
            ("mem-req", mem_req),
            ("mem-lim", mem_lim),
        ] {
            let e = totals.entry(k).or_insert((0i128, v.1));
            e.0 += v.0;
        }
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default(),
                fmt(cpu_req),
                pct(cpu_req.0, alloc_of("cpu")),
                fmt(cpu_lim),
                pct(cpu_lim.0, alloc_of("cpu")),
                fmt(mem_req),
                pct(mem_req.0, alloc_of("memory")),
                fmt(mem_lim),
                pct(mem_lim.0, alloc_of("memory")),
                since(p.metadata.creation_timestamp.as_ref(), now)
            ),
        );
    }
    let total = |k: &str| totals.get(k).copied().unwrap_or((0, false));
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    for (name, req, lim) in [
        ("cpu", total("cpu-req"), total("cpu-lim")),
        ("memory", total("mem-req"), total("mem-lim")),
        ("ephemeral-storage", (0, false), (0, false)),
    ] {
        w.write(
            1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                fmt(req),
                pct(req.0, alloc_of(name)),
                fmt(lim),
                pct(lim.0, alloc_of(name))
            ),
        );
    }
    let mut huge: Vec<&String> = alloc
        .keys()
        .filter(|k| k.starts_with("hugepages-"))
        .collect();
    crate::sort::sort(&mut huge);
    for h in huge {
        w.write(1, &format!("{h}\t0 (0%)\t0 (0%)\n"));
    }
}

/// `kubectl describe service` (describeService; endpoints as the slices give them).
pub fn service(
    svc: &crate::model::Service,
    endpoints: Option<&k8s_openapi::api::core::v1::Endpoints>,
    svc_events: &[&Event],
    now: SimTime,
) -> String {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let mut w = Writer::new();
    let spec = svc.spec.clone().unwrap_or_default();
    w.write(
        0,
        &format!(
            "Name:\t{}\n",
            svc.metadata.name.as_deref().unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!(
            "Namespace:\t{}\n",
            svc.metadata.namespace.as_deref().unwrap_or_default()
        ),
    );
    labels(&mut w, "Labels", svc.metadata.labels.as_ref());
    labels(&mut w, "Annotations", svc.metadata.annotations.as_ref());
    let selector = spec
        .selector
        .as_ref()
        .map(|s| {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    w.write(0, &format!("Selector:\t{selector}\n"));
    w.write(
        0,
        &format!("Type:\t{}\n", spec.type_.as_deref().unwrap_or_default()),
    );
    if let Some(p) = &spec.ip_family_policy {
        w.write(0, &format!("IP Family Policy:\t{p}\n"));
    }
    match spec.ip_families.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(0, &format!("IP Families:\t{}\n", f.join(","))),
        None => w.write(0, "IP Families:\t<none>\n"),
    }
    w.write(
        0,
        &format!("IP:\t{}\n", spec.cluster_ip.as_deref().unwrap_or_default()),
    );
    match spec.cluster_ips.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(0, &format!("IPs:\t{}\n", f.join(","))),
        None => w.write(0, "IPs:\t<none>\n"),
    }
    if let Some(ips) = spec.external_ips.as_ref().filter(|v| !v.is_empty()) {
        w.write(0, &format!("External IPs:\t{}\n", ips.join(",")));
    }
    for sp in spec.ports.iter().flatten() {
        let name = sp
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".into());
        let proto = sp.protocol.as_deref().unwrap_or("TCP");
        w.write(0, &format!("Port:\t{name}\t{}/{proto}\n", sp.port));
        match &sp.target_port {
            Some(IntOrString::String(s)) => w.write(0, &format!("TargetPort:\t{s}/{proto}\n")),
            Some(IntOrString::Int(n)) => w.write(0, &format!("TargetPort:\t{n}/{proto}\n")),
            None => w.write(0, &format!("TargetPort:\t0/{proto}\n")),
        }
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        let eps = match endpoints {
            None => "<none>".to_string(),
            Some(e) => super::printers::endpoints(e).replace("<none>", ""),
        };
        w.write(0, &format!("Endpoints:\t{eps}\n"));
    }
    w.write(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            spec.session_affinity.as_deref().unwrap_or_default()
        ),
    );
    if let Some(p) = &spec.external_traffic_policy {
        w.write(0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.write(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    events(&mut w, svc_events, now);
    w.finish()
}
