//! `kubectl describe pod` (describePod).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::ports::Protocol;
use crate::model::quantity::{self, format_milli};
use crate::model::ResourceExt;
use crate::model::{fieldpath, Event, Pod};

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

/// kubectl's DescribeProbe: `http-get http://:8080/healthz delay=3s timeout=1s period=3s
/// #success=1 #failure=3`.
/// describeContainerEnvFrom: each ConfigMap or Secret `envFrom` reads, with its
/// prefix.
fn env_from(w: &mut Writer, c: &k8s_openapi::api::core::v1::Container) {
    let Some(sources) = c.env_from.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    w.write(2, "Environment Variables from:\n");
    for e in sources {
        let (from, name, optional) = if let Some(r) = &e.config_map_ref {
            ("ConfigMap", r.name.as_str(), r.optional.unwrap_or(false))
        } else if let Some(r) = &e.secret_ref {
            ("Secret", r.name.as_str(), r.optional.unwrap_or(false))
        } else {
            ("", "", false)
        };
        match e.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => w.write(3, &format!("{name}\t{from}\tOptional: {optional}\n")),
            Some(p) => w.write(
                3,
                &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}\n"),
            ),
        }
    }
}

pub(crate) fn describe_probe(p: &k8s_openapi::api::core::v1::Probe) -> String {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    let port = |p: &IntOrString| match p {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    };
    if let Some(exec) = &p.exec {
        let argv = exec.command.as_deref().unwrap_or_default().join(" ");
        return format!("exec [{argv}] {attrs}");
    }
    if let Some(get) = &p.http_get {
        let scheme = get
            .scheme
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let host = get.host.as_deref().unwrap_or_default();
        let port = port(&get.port);
        // net.JoinHostPort, then url.URL's String.
        let host = match (port.is_empty(), host.contains(':')) {
            (true, _) => host.to_string(),
            (false, true) => format!("[{host}]:{port}"),
            (false, false) => format!("{host}:{port}"),
        };
        let mut path = get.path.clone().unwrap_or_default();
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            path.insert(0, '/');
        }
        let path = path.replace(' ', "%20");
        let url = if scheme.is_empty() {
            format!("//{host}{path}")
        } else {
            format!("{scheme}://{host}{path}")
        };
        return format!("http-get {url} {attrs}");
    }
    if let Some(tcp) = &p.tcp_socket {
        let host = tcp.host.as_deref().unwrap_or_default();
        return format!("tcp-socket {host}:{} {attrs}", port(&tcp.port));
    }
    if let Some(grpc) = &p.grpc {
        let service = grpc.service.as_deref().unwrap_or_default();
        return format!("grpc <pod>:{} {service} {attrs}", grpc.port);
    }
    format!("unknown {attrs}")
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
                    let mut s = format!("{n}/{}", Protocol::of(p.protocol.as_deref()));
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
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        env_from(w, c);
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
                        // kubectl resolves the path through its client scheme's field
                        // label conversion, which knows only the name and namespace: any
                        // other path (spec.nodeName, status.podIP, labels) prints empty.
                        let value = match f.field_path.as_str() {
                            "metadata.name" | "metadata.namespace" => {
                                fieldpath::extract(pod, &f.field_path).unwrap_or_default()
                            }
                            _ => String::new(),
                        };
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
        } else if let Some(d) = &v.downward_api {
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in d.items.iter().flatten() {
                if let Some(f) = &item.field_ref {
                    w.write(3, &format!("{} -> {}\n", f.field_path, item.path));
                }
                if let Some(r) = &item.resource_field_ref {
                    w.write(3, &format!("{} -> {}\n", r.resource, item.path));
                }
            }
        } else if let Some(c) = &v.persistent_volume_claim {
            w.write(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", c.claim_name, c.read_only.unwrap_or(false)));
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
    w.write(0, &format!("Name:\t{}\n", pod.name_any()));
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
