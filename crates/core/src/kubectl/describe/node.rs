//! `kubectl describe node` (describeNode), with the Allocated resources of its pods.

use super::writer::*;
use crate::apiserver::ApiError;
use crate::clock::SimTime;
use crate::model::quantity::{self, format_milli};
use crate::model::ResourceExt;
use crate::model::{Event, Lease, Node, Pod};
use std::collections::BTreeMap;

/// `kubectl describe node`, with the pods bound to it.
pub fn node(
    node: &Node,
    lease: Result<&Lease, ApiError>,
    pods: &[&Pod],
    node_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let meta = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    w.write(0, &format!("Name:\t{}\n", node.name_any()));
    let roles = crate::kubectl::printers::node_roles(node);
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
    // The node's heartbeat Lease in kube-node-lease.
    match lease {
        Ok(lease) => {
            let spec = lease.spec.clone().unwrap_or_default();
            let micro = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime>| {
                t.map_or("<unset>".to_string(), |t| {
                    rfc1123z(Some(&crate::model::Time(t.0)))
                })
            };
            w.write(0, "Lease:\n");
            w.write(
                1,
                &format!(
                    "HolderIdentity:\t{}\n",
                    spec.holder_identity.as_deref().unwrap_or("<unset>")
                ),
            );
            w.write(
                1,
                &format!("AcquireTime:\t{}\n", micro(spec.acquire_time.as_ref())),
            );
            w.write(
                1,
                &format!("RenewTime:\t{}\n", micro(spec.renew_time.as_ref())),
            );
        }
        Err(e) => w.write(0, &format!("Lease:\tFailed to get lease: {e}\n")),
    }
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
            // Quantity.Add: a zero sum takes the unit style of what is added to it.
            let e = totals.entry(k).or_insert((0i128, v.1));
            if e.0 == 0 && v.0 != 0 {
                e.1 = v.1;
            }
            e.0 += v.0;
        }
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                p.namespace_any(),
                p.name_any(),
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
