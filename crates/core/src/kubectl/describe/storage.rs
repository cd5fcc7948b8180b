//! `kubectl describe pvc` (describePersistentVolumeClaim), `kubectl describe pv`
//! (PersistentVolumeDescriber) and `kubectl describe storageclass`
//! (describeStorageClass), laid out as kubectl's describers do.

use super::writer::*;
use crate::clock::SimTime;
use crate::kubectl::storage_printers::access_modes;
use crate::model::{Event, PersistentVolume, PersistentVolumeClaim, StorageClass};
use std::collections::BTreeMap;

/// Go's `%v` of a string slice: `[a b]`.
fn finalizers(f: Option<&Vec<String>>) -> String {
    format!("[{}]", f.map(|f| f.join(" ")).unwrap_or_default())
}

/// `kubectl describe pvc`, with the pods whose volumes use it (sorted by name).
pub fn claim(
    pvc: &PersistentVolumeClaim,
    used_by: &[&str],
    claim_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let meta = &pvc.metadata;
    name_and_namespace(&mut w, meta);
    w.write(
        0,
        &format!(
            "StorageClass:\t{}\n",
            spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!("Status:\t{}\n", status.phase.clone().unwrap_or_default()),
    );
    let volume = spec.volume_name.clone().unwrap_or_default();
    w.write(0, &format!("Volume:\t{volume}\n"));
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!("Finalizers:\t{}\n", finalizers(meta.finalizers.as_ref())),
    );
    let (capacity, access) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            status
                .capacity
                .as_ref()
                .and_then(|c| c.get("storage"))
                .map(|q| q.0.clone())
                // A zero Quantity's String(), for a claim not bound yet.
                .unwrap_or_else(|| "0".into()),
            access_modes(status.access_modes.as_ref()),
        )
    };
    w.write(0, &format!("Capacity:\t{capacity}\n"));
    w.write(0, &format!("Access Modes:\t{access}\n"));
    if let Some(m) = &spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{m}\n"));
    }
    match used_by.split_first() {
        None => w.write(0, "Used By:\t<none>\n"),
        Some((first, rest)) => {
            w.write(0, &format!("Used By:\t{first}\n"));
            for pod in rest {
                w.write(0, &format!("\t{pod}\n"));
            }
        }
    }
    events(&mut w, claim_events, now);
    w.finish()
}

/// `printVolumeNodeAffinity`: the required terms, one line per expression.
fn node_affinity(
    w: &mut Writer,
    affinity: Option<&k8s_openapi::api::core::v1::VolumeNodeAffinity>,
) {
    let Some(required) = affinity.and_then(|a| a.required.as_ref()) else {
        w.write(0, "Node Affinity:\t<none>\n");
        return;
    };
    w.write(0, "Node Affinity:\t\n");
    if required.node_selector_terms.is_empty() {
        w.write(1, "Required Terms:\t<none>\n");
        return;
    }
    w.write(1, "Required Terms:\t\n");
    for (i, term) in required.node_selector_terms.iter().enumerate() {
        let exprs = term.match_expressions.as_deref().unwrap_or_default();
        if exprs.is_empty() {
            w.write(2, &format!("Term {i}:\t<none>\n"));
            continue;
        }
        for (j, req) in exprs.iter().enumerate() {
            let mut text = format!("{} {}", req.key, req.operator.to_lowercase());
            if let Some(values) = req.values.as_ref().filter(|v| !v.is_empty()) {
                text.push_str(&format!(" [{}]", values.join(", ")));
            }
            if j == 0 {
                w.write(2, &format!("Term {i}:\t{text}\n"));
            } else {
                w.write(2, &format!("\t{text}\n"));
            }
        }
    }
}

/// `kubectl describe pv`.
pub fn volume(pv: &PersistentVolume, volume_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let spec = pv.spec.clone().unwrap_or_default();
    let status = pv.status.clone().unwrap_or_default();
    let meta = &pv.metadata;
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!("Finalizers:\t{}\n", finalizers(meta.finalizers.as_ref())),
    );
    w.write(
        0,
        &format!(
            "StorageClass:\t{}\n",
            spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!("Status:\t{}\n", status.phase.clone().unwrap_or_default()),
    );
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|r| {
            format!(
                "{}/{}",
                r.namespace.as_deref().unwrap_or_default(),
                r.name.as_deref().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    w.write(0, &format!("Claim:\t{claim}\n"));
    w.write(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            spec.persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(spec.access_modes.as_ref())
        ),
    );
    if let Some(m) = &spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{m}\n"));
    }
    let capacity = spec
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map(|q| q.0.clone())
        .unwrap_or_default();
    w.write(0, &format!("Capacity:\t{capacity}\n"));
    node_affinity(&mut w, spec.node_affinity.as_ref());
    w.write(
        0,
        &format!("Message:\t{}\n", status.message.clone().unwrap_or_default()),
    );
    w.write(0, "Source:\n");
    if let Some(h) = &spec.host_path {
        let ty = h.type_.clone().unwrap_or_else(|| "<none>".into());
        w.write(0, "    Type:\tHostPath (bare host directory volume)\n");
        w.write(0, &format!("    Path:\t{}\n", h.path));
        w.write(0, &format!("    HostPathType:\t{ty}\n"));
    } else if let Some(l) = &spec.local {
        w.write(
            0,
            "    Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n",
        );
        w.write(0, &format!("    Path:\t{}\n", l.path));
    }
    events(&mut w, volume_events, now);
    w.finish()
}

/// `labels.FormatLabels`: `k=v` pairs by key, joined with commas; `<none>` for none.
fn format_labels(m: Option<&BTreeMap<String, String>>) -> String {
    let pairs: Vec<String> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if pairs.is_empty() {
        "<none>".into()
    } else {
        pairs.join(",")
    }
}

/// `kubectl describe storageclass`.
pub fn storage_class(sc: &StorageClass, class_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    let meta = &sc.metadata;
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or_default()),
    );
    let default = if crate::apiserver::storage::is_default_class(sc) {
        "Yes"
    } else {
        "No"
    };
    w.write(0, &format!("IsDefaultClass:\t{default}\n"));
    w.write(
        0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(meta.annotations.as_ref())
        ),
    );
    w.write(0, &format!("Provisioner:\t{}\n", sc.provisioner));
    w.write(
        0,
        &format!("Parameters:\t{}\n", format_labels(sc.parameters.as_ref())),
    );
    let expansion = match sc.allow_volume_expansion {
        None => "<unset>",
        Some(true) => "True",
        Some(false) => "False",
    };
    w.write(0, &format!("AllowVolumeExpansion:\t{expansion}\n"));
    match sc.mount_options.as_deref() {
        None | Some([]) => w.write(0, "MountOptions:\t<none>\n"),
        Some(options) => {
            w.write(0, "MountOptions:\n");
            for o in options {
                w.write(1, &format!("{o}\n"));
            }
        }
    }
    if let Some(p) = &sc.reclaim_policy {
        w.write(0, &format!("ReclaimPolicy:\t{p}\n"));
    }
    if let Some(m) = &sc.volume_binding_mode {
        w.write(0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    if let Some(terms) = &sc.allowed_topologies {
        if terms.is_empty() {
            w.write(0, "AllowedTopologies:\t<none>\n");
        } else {
            w.write(0, "AllowedTopologies:\t\n");
        }
        for (i, term) in terms.iter().enumerate() {
            let reqs = term.match_label_expressions.as_deref().unwrap_or_default();
            if reqs.is_empty() {
                w.write(1, &format!("Term {i}:\t<none>\n"));
            }
            for (j, req) in reqs.iter().enumerate() {
                let mut text = format!("{} in", req.key);
                if !req.values.is_empty() {
                    text.push_str(&format!(" [{}]", req.values.join(", ")));
                }
                if j == 0 {
                    w.write(1, &format!("Term {i}:\t{text}\n"));
                } else {
                    w.write(1, &format!("\t{text}\n"));
                }
            }
        }
    }
    events(&mut w, class_events, now);
    w.finish()
}
