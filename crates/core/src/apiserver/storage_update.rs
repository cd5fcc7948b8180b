//! What a user may change in a PersistentVolume or PersistentVolumeClaim once it
//! exists (ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaimUpdate) and the
//! PersistentVolumeClaimResize admission plugin. The API server appends a go-cmp diff
//! of the two specs to its "immutable" messages; go-cmp's output is deliberately
//! unstable, so this prints a faithful approximation of its format: the spec's Go
//! type, `-`/`+` lines for the changed fields, two unchanged fields of context around a
//! change and `... // N identical fields` for the rest.

use super::error::{ApiError, FieldError};
use super::storage::storage_milli;
use crate::model::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use k8s_openapi::api::core::v1::{PersistentVolumeClaimSpec, PersistentVolumeSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// How many unchanged records go-cmp shows next to a change.
const CONTEXT: usize = 2;

/// A value as go-cmp prints it: text on one line, or a struct behind a pointer whose
/// fields are compared one by one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GoValue {
    Text(String),
    Struct {
        ty: &'static str,
        fields: Vec<(&'static str, GoValue)>,
    },
}

impl GoValue {
    fn line(&self) -> String {
        match self {
            GoValue::Text(t) => t.clone(),
            GoValue::Struct { ty, fields } => {
                let set: Vec<String> = fields
                    .iter()
                    .filter(|(_, v)| !v.is_zero())
                    .map(|(n, v)| format!("{n}: {}", v.line()))
                    .collect();
                format!("{ty}{{{}}}", set.join(", "))
            }
        }
    }

    fn is_zero(&self) -> bool {
        matches!(self, GoValue::Text(t) if matches!(t.as_str(), "nil" | "\"\"" | "false" | "0"))
    }
}

fn text(s: impl Into<String>) -> GoValue {
    GoValue::Text(s.into())
}

fn opt_str(s: Option<&String>) -> GoValue {
    s.map_or(text("nil"), |s| text(format!("&{s:?}")))
}

fn quoted(s: Option<&String>) -> GoValue {
    text(format!("{:?}", s.map(String::as_str).unwrap_or_default()))
}

/// A resource.Quantity: its int64Amount and format, as the API server holds it once
/// parsed.
fn quantity(q: &Quantity) -> String {
    let s = q.0.as_str();
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        .iter()
        .any(|suffix| s.ends_with(suffix));
    let value = storage_milli(Some(q)) / 1000;
    let format = if binary { "BinarySI" } else { "DecimalSI" };
    format!("{{i: resource.int64Amount{{value: {value}}}, s: {s:?}, Format: {format:?}}}")
}

fn resource_list(r: Option<&std::collections::BTreeMap<String, Quantity>>) -> String {
    match r {
        None => "nil".into(),
        Some(r) => {
            let items: Vec<String> = r
                .iter()
                .map(|(k, q)| format!("s{k:?}: {}", quantity(q)))
                .collect();
            format!("core.ResourceList{{{}}}", items.join(", "))
        }
    }
}

fn string_list(ty: &str, items: Option<&Vec<String>>) -> GoValue {
    match items {
        None => text("nil"),
        Some(v) => {
            let items: Vec<String> = v.iter().map(|m| format!("{m:?}")).collect();
            text(format!("[]{ty}{{{}}}", items.join(", ")))
        }
    }
}

/// core.PersistentVolumeClaimSpec's fields, in the Go type's order.
fn claim_spec_fields(s: &PersistentVolumeClaimSpec) -> Vec<(&'static str, GoValue)> {
    let selector = match &s.selector {
        None => text("nil"),
        Some(sel) => {
            let labels: Vec<String> = sel
                .match_labels
                .iter()
                .flatten()
                .map(|(k, v)| format!("{k:?}: {v:?}"))
                .collect();
            text(format!(
                "&v1.LabelSelector{{MatchLabels: map[string]string{{{}}}}}",
                labels.join(", ")
            ))
        }
    };
    let resources = s.resources.as_ref();
    let resources = GoValue::Struct {
        ty: "core.VolumeResourceRequirements",
        fields: vec![
            (
                "Limits",
                text(resource_list(resources.and_then(|r| r.limits.as_ref()))),
            ),
            (
                "Requests",
                text(resource_list(resources.and_then(|r| r.requests.as_ref()))),
            ),
        ],
    };
    let reference = |r: Option<String>| r.map_or(text("nil"), text);
    vec![
        (
            "AccessModes",
            string_list("core.PersistentVolumeAccessMode", s.access_modes.as_ref()),
        ),
        ("Selector", selector),
        ("Resources", resources),
        ("VolumeName", quoted(s.volume_name.as_ref())),
        ("StorageClassName", opt_str(s.storage_class_name.as_ref())),
        ("VolumeMode", opt_str(s.volume_mode.as_ref())),
        (
            "DataSource",
            reference(s.data_source.as_ref().map(|d| {
                format!(
                    "&core.TypedLocalObjectReference{{Kind: {:?}, Name: {:?}}}",
                    d.kind, d.name
                )
            })),
        ),
        (
            "DataSourceRef",
            reference(s.data_source_ref.as_ref().map(|d| {
                format!(
                    "&core.TypedObjectReference{{Kind: {:?}, Name: {:?}}}",
                    d.kind, d.name
                )
            })),
        ),
        (
            "VolumeAttributesClassName",
            opt_str(s.volume_attributes_class_name.as_ref()),
        ),
    ]
}

/// core.PersistentVolumeSource's fields, in the Go type's order (the sources Podlab
/// serves compared field by field, the others by presence).
fn volume_source_fields(s: &PersistentVolumeSpec) -> Vec<(&'static str, GoValue)> {
    let present = |p: bool, ty: &str| {
        text(if p {
            format!("&core.{ty}{{...}}")
        } else {
            "nil".into()
        })
    };
    let host_path = s
        .host_path
        .as_ref()
        .map_or(text("nil"), |h| GoValue::Struct {
            ty: "&core.HostPathVolumeSource",
            fields: vec![
                ("Path", text(format!("{:?}", h.path))),
                ("Type", opt_str(h.type_.as_ref())),
            ],
        });
    let local = s.local.as_ref().map_or(text("nil"), |l| GoValue::Struct {
        ty: "&core.LocalVolumeSource",
        fields: vec![
            ("Path", text(format!("{:?}", l.path))),
            ("FSType", opt_str(l.fs_type.as_ref())),
        ],
    });
    let nfs = s.nfs.as_ref().map_or(text("nil"), |n| GoValue::Struct {
        ty: "&core.NFSVolumeSource",
        fields: vec![
            ("Server", text(format!("{:?}", n.server))),
            ("Path", text(format!("{:?}", n.path))),
            ("ReadOnly", text(n.read_only.unwrap_or(false).to_string())),
        ],
    });
    let csi = s.csi.as_ref().map_or(text("nil"), |c| GoValue::Struct {
        ty: "&core.CSIPersistentVolumeSource",
        fields: vec![
            ("Driver", text(format!("{:?}", c.driver))),
            ("VolumeHandle", text(format!("{:?}", c.volume_handle))),
            ("ReadOnly", text(c.read_only.unwrap_or(false).to_string())),
            ("FSType", quoted(c.fs_type.as_ref())),
        ],
    });
    vec![
        ("GCEPersistentDisk", text("nil")),
        ("AWSElasticBlockStore", text("nil")),
        ("HostPath", host_path),
        ("Glusterfs", text("nil")),
        ("NFS", nfs),
        ("RBD", text("nil")),
        ("Quobyte", text("nil")),
        (
            "ISCSI",
            present(s.iscsi.is_some(), "ISCSIPersistentVolumeSource"),
        ),
        ("FlexVolume", text("nil")),
        ("Cinder", text("nil")),
        ("CephFS", text("nil")),
        ("FC", present(s.fc.is_some(), "FCVolumeSource")),
        ("Flocker", text("nil")),
        ("AzureFile", text("nil")),
        ("VsphereVolume", text("nil")),
        ("AzureDisk", text("nil")),
        ("PhotonPersistentDisk", text("nil")),
        ("PortworxVolume", text("nil")),
        ("ScaleIO", text("nil")),
        ("Local", local),
        ("StorageOS", text("nil")),
        ("CSI", csi),
    ]
}

/// `cmp.Diff(old, new)` of two structs of type `ty` given as their fields.
fn diff(ty: &str, old: &[(&'static str, GoValue)], new: &[(&'static str, GoValue)]) -> String {
    let mut out = format!("  {ty}{{\n");
    diff_fields(old, new, 1, &mut out);
    out.push_str("  }");
    out
}

fn diff_fields(
    old: &[(&'static str, GoValue)],
    new: &[(&'static str, GoValue)],
    depth: usize,
    out: &mut String,
) {
    let tabs = "\t".repeat(depth);
    let changed: Vec<bool> = old.iter().zip(new).map(|(a, b)| a.1 != b.1).collect();
    let near = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT).min(changed.len() - 1);
        (lo..=hi).any(|j| changed[j])
    };
    // go-cmp pads the names of the records it shows to align their values.
    let width = old
        .iter()
        .enumerate()
        .filter(|(i, _)| changed[*i] || near(*i))
        .map(|(_, (n, _))| n.len())
        .max()
        .unwrap_or(0)
        + 1;
    let mut elided = 0;
    let flush = |elided: &mut usize, out: &mut String| {
        match *elided {
            0 => {}
            1 => out.push_str(&format!("  {tabs}... // 1 identical field\n")),
            n => out.push_str(&format!("  {tabs}... // {n} identical fields\n")),
        }
        *elided = 0;
    };
    for (i, ((name, a), (_, b))) in old.iter().zip(new).enumerate() {
        let key = format!("{name}:");
        if !changed[i] {
            if near(i) {
                flush(&mut elided, out);
                out.push_str(&format!("  {tabs}{key:width$} {},\n", a.line()));
            } else {
                elided += 1;
            }
            continue;
        }
        flush(&mut elided, out);
        match (a, b) {
            (
                GoValue::Struct { ty, fields: fa },
                GoValue::Struct {
                    ty: tb, fields: fb, ..
                },
            ) if ty == tb => {
                out.push_str(&format!("  {tabs}{key:width$} {ty}{{\n"));
                diff_fields(fa, fb, depth + 1, out);
                out.push_str(&format!("  {tabs}}},\n"));
            }
            _ => {
                out.push_str(&format!("- {tabs}{key:width$} {},\n", a.line()));
                out.push_str(&format!("+ {tabs}{key:width$} {},\n", b.line()));
            }
        }
    }
    flush(&mut elided, out);
}

/// The storage a claim requests.
fn requested(spec: &PersistentVolumeClaimSpec) -> Option<&Quantity> {
    spec.resources.as_ref()?.requests.as_ref()?.get("storage")
}

/// `ValidatePersistentVolumeClaimUpdate`'s rules on the spec (the object's own
/// validation aside): a claim's spec is fixed once created, but its volumeName may be
/// set once and, once it is Bound, its storage request may change; the request may go
/// down only while it stays above the capacity the claim has (1.34's
/// RecoverVolumeExpansionFailure); the volumeMode is fixed.
pub(crate) fn validate_claim_update(
    new: &PersistentVolumeClaim,
    old: &PersistentVolumeClaim,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    let mut new_clone = new_spec.clone();
    let mut old_clone = old_spec.clone();
    if old_spec
        .volume_name
        .as_deref()
        .unwrap_or_default()
        .is_empty()
    {
        old_clone.volume_name = new_clone.volume_name.clone();
    }
    if old_spec.storage_class_name.is_none() && new_spec.storage_class_name.is_some() {
        new_clone.storage_class_name = None;
    }
    let bound = old
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_some_and(|p| p == "Bound");
    if bound {
        if let (Some(r), Some(q)) = (
            new_clone
                .resources
                .as_mut()
                .and_then(|r| r.requests.as_mut()),
            requested(&old_spec),
        ) {
            r.insert("storage".into(), q.clone());
        }
    }
    new_clone.volume_attributes_class_name = old_clone.volume_attributes_class_name.clone();
    let (old_fields, new_fields) = (claim_spec_fields(&old_clone), claim_spec_fields(&new_clone));
    if old_fields != new_fields {
        let diff = diff("core.PersistentVolumeClaimSpec", &old_fields, &new_fields);
        errs.push(FieldError::forbidden(
            "spec",
            &format!("spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{diff}"),
        ));
    }
    let new_size = storage_milli(requested(&new_spec));
    let old_size = storage_milli(requested(&old_spec));
    let capacity = storage_milli(
        old.status
            .as_ref()
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage")),
    );
    if new_size < old_size && new_size <= capacity {
        errs.push(FieldError::forbidden(
            "spec.resources.requests.storage",
            "field can not be less than status.capacity",
        ));
    }
    volume_mode_fixed(&new_spec.volume_mode, &old_spec.volume_mode, &mut errs);
    errs
}

/// `ValidateImmutableField` on a claim's or volume's volumeMode.
fn volume_mode_fixed(new: &Option<String>, old: &Option<String>, errs: &mut Vec<FieldError>) {
    if new != old {
        let shown = new
            .as_ref()
            .map_or("null".to_string(), |m| format!("{m:?}"));
        errs.push(FieldError::invalid_raw(
            "volumeMode",
            &shown,
            "field is immutable",
        ));
    }
}

/// `ValidatePersistentVolumeUpdate`'s rules: the volume's source and volumeMode are
/// fixed once created, its nodeAffinity once set.
pub(crate) fn validate_volume_update(
    new: &PersistentVolume,
    old: &PersistentVolume,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    let (old_fields, new_fields) = (
        volume_source_fields(&old_spec),
        volume_source_fields(&new_spec),
    );
    if old_fields != new_fields {
        let diff = diff("core.PersistentVolumeSource", &old_fields, &new_fields);
        errs.push(FieldError::forbidden(
            "spec.persistentvolumesource",
            &format!("spec.persistentvolumesource is immutable after creation\n{diff}"),
        ));
    }
    volume_mode_fixed(&new_spec.volume_mode, &old_spec.volume_mode, &mut errs);
    // Set once (1.34 has no MutablePVNodeAffinity).
    if old_spec.node_affinity.is_some() && new_spec.node_affinity != old_spec.node_affinity {
        errs.push(FieldError::invalid_raw(
            "nodeAffinity",
            &node_affinity_shown(new),
            "field is immutable",
        ));
    }
    errs
}

/// How the field error shows a new node affinity: Go's `%#v` of the struct, whose one
/// field is a pointer, so an address of the API server's heap (arbitrary there; a
/// stable one from the volume's name here); a removed affinity is `"null"`.
fn node_affinity_shown(pv: &PersistentVolume) -> String {
    let affinity = pv.spec.as_ref().and_then(|s| s.node_affinity.as_ref());
    let Some(a) = affinity else {
        return "\"null\"".into();
    };
    let required = match &a.required {
        None => "(*core.NodeSelector)(nil)".to_string(),
        Some(_) => {
            let name = pv.metadata.name.as_deref().unwrap_or_default();
            let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            format!("(*core.NodeSelector)(0xc000{:06x})", (h & 0xff_fff0) as u32)
        }
    };
    format!("core.VolumeNodeAffinity{{Required:{required}}}")
}

/// The PersistentVolumeClaimResize admission plugin: a Bound claim may ask for more
/// storage only when its StorageClass allows volume expansion.
pub(crate) fn admit_resize(
    new: &PersistentVolumeClaim,
    old: &PersistentVolumeClaim,
    classes: &[&StorageClass],
) -> Result<(), ApiError> {
    let bound = old
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_some_and(|p| p == "Bound");
    let (Some(new_spec), Some(old_spec)) = (new.spec.as_ref(), old.spec.as_ref()) else {
        return Ok(());
    };
    if !bound || storage_milli(requested(new_spec)) <= storage_milli(requested(old_spec)) {
        return Ok(());
    }
    let class = new_spec.storage_class_name.as_deref().unwrap_or_default();
    let allowed = !class.is_empty()
        && classes
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(class))
            .is_some_and(|c| c.allow_volume_expansion == Some(true));
    if allowed {
        return Ok(());
    }
    Err(ApiError::Forbidden {
        resource: "persistentvolumeclaims",
        name: new.metadata.name.clone().unwrap_or_default(),
        reason: "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claim(
        spec: serde_json::Value,
        phase: &str,
        capacity: Option<&str>,
    ) -> PersistentVolumeClaim {
        let mut status = json!({"phase": phase});
        if let Some(c) = capacity {
            status["capacity"] = json!({"storage": c});
        }
        serde_json::from_value(json!({"metadata": {"name": "c"}, "spec": spec, "status": status}))
            .unwrap()
    }

    fn spec(size: &str, modes: &[&str]) -> serde_json::Value {
        json!({"accessModes": modes, "resources": {"requests": {"storage": size}},
               "storageClassName": "standard", "volumeMode": "Filesystem"})
    }

    fn texts(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn claim_update_rules() {
        let bound = claim(spec("1Gi", &["ReadWriteOnce"]), "Bound", Some("1Gi"));
        let pending = claim(spec("1Gi", &["ReadWriteOnce"]), "Pending", None);
        // A bound claim may grow; a pending one may not change its request.
        let grown = claim(spec("2Gi", &["ReadWriteOnce"]), "Bound", Some("1Gi"));
        assert!(validate_claim_update(&grown, &bound).is_empty());
        let errs = texts(validate_claim_update(&grown, &pending));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n"));
        assert!(errs[0].contains("- \t\tRequests:"), "{}", errs[0]);
        // Not below what it has.
        let shrunk = claim(spec("500Mi", &["ReadWriteOnce"]), "Bound", Some("1Gi"));
        assert_eq!(
            texts(validate_claim_update(&shrunk, &bound)),
            vec!["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]
        );
        // The access modes are fixed: the diff names them.
        let modes = claim(spec("1Gi", &["ReadWriteMany"]), "Bound", Some("1Gi"));
        let errs = texts(validate_claim_update(&modes, &bound));
        assert!(errs[0].contains("- \tAccessModes:"), "{}", errs[0]);
        assert!(errs[0].contains("+ \tAccessModes:"), "{}", errs[0]);
        assert!(errs[0].contains("... // 6 identical fields"), "{}", errs[0]);
        // volumeName once.
        let mut named = pending.clone();
        named.spec.as_mut().unwrap().volume_name = Some("pv".into());
        assert!(validate_claim_update(&named, &pending).is_empty());
        let mut renamed = named.clone();
        renamed.spec.as_mut().unwrap().volume_name = Some("other".into());
        assert_eq!(validate_claim_update(&renamed, &named).len(), 1);
    }

    #[test]
    fn the_resize_admission_needs_an_expandable_class() {
        let bound = claim(spec("1Gi", &["ReadWriteOnce"]), "Bound", Some("1Gi"));
        let grown = claim(spec("2Gi", &["ReadWriteOnce"]), "Bound", Some("1Gi"));
        let mut class: StorageClass =
            serde_json::from_value(json!({"metadata": {"name": "standard"}, "provisioner": "p"}))
                .unwrap();
        let refused = admit_resize(&grown, &bound, &[&class]).unwrap_err();
        assert_eq!(refused.to_string(), "persistentvolumeclaims \"c\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        class.allow_volume_expansion = Some(true);
        assert!(admit_resize(&grown, &bound, &[&class]).is_ok());
    }

    #[test]
    fn volume_update_rules() {
        let volume = |path: &str, mode: &str, affinity: Option<&str>| -> PersistentVolume {
            let mut spec = json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                  "hostPath": {"path": path, "type": ""}, "volumeMode": mode});
            if let Some(node) = affinity {
                spec["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}});
            }
            serde_json::from_value(json!({"metadata": {"name": "v"}, "spec": spec})).unwrap()
        };
        let old = volume("/a", "Filesystem", None);
        // A node affinity may be added, and the capacity may change.
        assert!(validate_volume_update(&volume("/a", "Filesystem", Some("n1")), &old).is_empty());
        let moved = texts(validate_volume_update(
            &volume("/b", "Filesystem", None),
            &old,
        ));
        assert_eq!(moved.len(), 1);
        assert!(moved[0].starts_with("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n  core.PersistentVolumeSource{\n"));
        assert!(
            moved[0].contains("- \t\tPath: \"/a\",\n+ \t\tPath: \"/b\",\n"),
            "{}",
            moved[0]
        );
        assert_eq!(
            texts(validate_volume_update(&volume("/a", "Block", None), &old)),
            vec!["volumeMode: Invalid value: \"Block\": field is immutable"]
        );
        // Once set, the affinity stays.
        let pinned = volume("/a", "Filesystem", Some("n1"));
        let errs = texts(validate_volume_update(
            &volume("/a", "Filesystem", Some("n2")),
            &pinned,
        ));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("nodeAffinity: Invalid value: core.VolumeNodeAffinity{Required:(*core.NodeSelector)(0xc000"), "{}", errs[0]);
        assert_eq!(
            texts(validate_volume_update(&old, &pinned)),
            vec!["nodeAffinity: Invalid value: \"null\": field is immutable"]
        );
    }
}
