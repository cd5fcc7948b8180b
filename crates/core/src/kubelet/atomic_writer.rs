//! The files of configMap, secret, downwardAPI and projected volumes, as the kubelet's
//! volume plugins build their payload (pkg/volume/configmap, secret, downwardapi,
//! projected: `items`, `defaultMode`/`mode`, `optional`) and write it with the atomic
//! writer (pkg/volume/util/atomic_writer.go): the files go into a timestamped directory
//! (`..2026_01_05_09_00_00.1234567890`), `..data` links to it and each top-level name
//! links through `..data`, so an update swaps one link.

use super::env::{lookup, ConfigSource};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::fs::{components, Content, Tree};
use crate::model::{fieldpath, Pod, Volume};
use k8s_openapi::api::core::v1::KeyToPath;
use std::collections::BTreeMap;

/// The mode of a file the volume's source gives none for (`0644`).
const DEFAULT_MODE: i32 = 0o644;

/// Relative path → (contents, mode).
pub(super) type Payload = BTreeMap<String, (Vec<u8>, u32)>;

/// Whether a volume's files are written by the atomic writer.
pub(super) fn is_atomic(v: &Volume) -> bool {
    v.config_map.is_some()
        || v.secret.is_some()
        || v.projected.is_some()
        || v.downward_api.is_some()
}

/// Whether a volume's files can change: they come from stored ConfigMaps or Secrets,
/// or from the pod's labels or annotations, so the periodic sync has something to
/// refresh (the service-account volume's token, namespace and cluster CA do not
/// change here).
pub(super) fn follows_objects(v: &Volume) -> bool {
    let metadata = |items: Option<&Vec<k8s_openapi::api::core::v1::DownwardAPIVolumeFile>>| {
        items.into_iter().flatten().any(|i| {
            i.field_ref.as_ref().is_some_and(|f| {
                f.field_path.starts_with("metadata.labels")
                    || f.field_path.starts_with("metadata.annotations")
            })
        })
    };
    v.config_map.is_some()
        || v.secret.is_some()
        || v.downward_api
            .as_ref()
            .is_some_and(|d| metadata(d.items.as_ref()))
        || v.projected.as_ref().is_some_and(|p| {
            p.sources.iter().flatten().any(|s| {
                s.secret.is_some()
                    || s.config_map
                        .as_ref()
                        .is_some_and(|c| c.name != super::env::ROOT_CA_CONFIG_MAP)
                    || s.downward_api
                        .as_ref()
                        .is_some_and(|d| metadata(d.items.as_ref()))
            })
        })
}

/// A volume's reference to one ConfigMap or Secret.
struct ObjectRef<'a> {
    source: ConfigSource,
    name: &'a str,
    items: Option<&'a Vec<KeyToPath>>,
    optional: bool,
}

impl<'a> ObjectRef<'a> {
    /// From the fields every ConfigMap and Secret source spells the same way (volume
    /// source or projection).
    fn new(
        source: ConfigSource,
        name: &'a str,
        items: &'a Option<Vec<KeyToPath>>,
        optional: Option<bool>,
    ) -> Self {
        ObjectRef {
            source,
            name,
            items: items.as_ref(),
            optional: optional == Some(true),
        }
    }
}

/// One ConfigMap or Secret as a volume reads it: its keys, or the items chosen, each
/// at its path with its mode. `Err` is the plugin's message.
fn object_payload(
    api: &ApiServer,
    namespace: &str,
    r: ObjectRef<'_>,
    default_mode: i32,
    out: &mut Payload,
) -> Result<(), String> {
    let ObjectRef {
        source,
        name,
        items,
        optional,
    } = r;
    let data = match lookup(api, source, namespace, name) {
        Ok(d) => d,
        Err(_) if optional => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    match items {
        None => {
            for (k, v) in data {
                out.insert(k, (v, default_mode as u32));
            }
        }
        Some(items) => {
            for item in items {
                let Some(v) = data.get(&item.key) else {
                    if optional {
                        continue;
                    }
                    return Err(match source {
                        ConfigSource::ConfigMap => {
                            format!("configmap references non-existent config key: {}", item.key)
                        }
                        ConfigSource::Secret => {
                            format!("references non-existent secret key: {}", item.key)
                        }
                    });
                };
                let mode = item.mode.unwrap_or(default_mode) as u32;
                out.insert(item.path.clone(), (v.clone(), mode));
            }
        }
    }
    Ok(())
}

/// Downward API files: each item's field of the pod, or a container's resource (its
/// limits defaulting to the node's allocatable), as the env code reads them.
fn downward_payload(
    api: &ApiServer,
    pod: &Pod,
    items: Option<&Vec<k8s_openapi::api::core::v1::DownwardAPIVolumeFile>>,
    default_mode: i32,
    out: &mut Payload,
) -> Result<(), String> {
    for item in items.into_iter().flatten() {
        let value = match (&item.field_ref, &item.resource_field_ref) {
            (Some(f), _) => fieldpath::extract(pod, &f.field_path).map_err(|e| e.to_string())?,
            (None, Some(r)) => {
                let spec = pod.spec.as_ref();
                let wanted = r.container_name.as_deref().unwrap_or_default();
                let container = spec
                    .and_then(|s| s.containers.iter().find(|c| c.name == wanted))
                    .ok_or_else(|| format!("container {wanted} not found"))?;
                let node = spec
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or_default();
                let allocatable = super::nodestatus::node_allocatable(api, node);
                let divisor = r.divisor.as_ref().map(|d| d.0.as_str());
                super::env::resource_value(container, &r.resource, divisor, allocatable)
                    .map_err(|e| e.0)?
            }
            (None, None) => String::new(),
        };
        let mode = item.mode.unwrap_or(default_mode) as u32;
        out.insert(item.path.clone(), (value.into_bytes(), mode));
    }
    Ok(())
}

/// The files a configMap, secret, downwardAPI or projected volume holds now; `Err` is
/// the FailedMount reason (a projected volume's errors joined as an aggregate prints
/// them).
pub(super) fn payload(
    api: &ApiServer,
    pod: &Pod,
    v: &Volume,
    uid: &str,
) -> Result<Payload, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut out = Payload::new();
    if let Some(cm) = &v.config_map {
        let r = ObjectRef::new(ConfigSource::ConfigMap, &cm.name, &cm.items, cm.optional);
        object_payload(
            api,
            ns,
            r,
            cm.default_mode.unwrap_or(DEFAULT_MODE),
            &mut out,
        )?;
    } else if let Some(s) = &v.secret {
        let name = s.secret_name.as_deref().unwrap_or_default();
        let r = ObjectRef::new(ConfigSource::Secret, name, &s.items, s.optional);
        object_payload(api, ns, r, s.default_mode.unwrap_or(DEFAULT_MODE), &mut out)?;
    } else if let Some(d) = &v.downward_api {
        let mode = d.default_mode.unwrap_or(DEFAULT_MODE);
        downward_payload(api, pod, d.items.as_ref(), mode, &mut out)?;
    } else if let Some(p) = &v.projected {
        let mode = p.default_mode.unwrap_or(DEFAULT_MODE);
        let mut errors = Vec::new();
        for source in p.sources.iter().flatten() {
            let result = if let Some(cm) = &source.config_map {
                let r = ObjectRef::new(ConfigSource::ConfigMap, &cm.name, &cm.items, cm.optional);
                object_payload(api, ns, r, mode, &mut out)
            } else if let Some(s) = &source.secret {
                let r = ObjectRef::new(ConfigSource::Secret, &s.name, &s.items, s.optional);
                object_payload(api, ns, r, mode, &mut out)
            } else if let Some(d) = &source.downward_api {
                downward_payload(api, pod, d.items.as_ref(), mode, &mut out)
            } else if let Some(t) = &source.service_account_token {
                let token = bound_token(api, pod, t, uid);
                out.insert(t.path.clone(), (token.into_bytes(), mode as u32));
                Ok(())
            } else {
                Ok(())
            };
            if let Err(e) = result {
                errors.push(e);
            }
        }
        match errors.len() {
            0 => {}
            1 => return Err(errors.remove(0)),
            _ => return Err(format!("[{}]", errors.join(", "))),
        }
    }
    Ok(out)
}

/// The token the kubelet requests for a pod's projected serviceAccountToken source:
/// bound to the pod, its node and its account (so it changes with the account),
/// issued when the pod was created (so a periodic sync finds it unchanged; the real
/// kubelet renews it at 80% of its lifetime, which a playground session does not
/// reach), its id from the pod's uid.
fn bound_token(
    api: &ApiServer,
    pod: &Pod,
    source: &k8s_openapi::api::core::v1::ServiceAccountTokenProjection,
    uid: &str,
) -> String {
    use crate::apiserver::service_accounts::{token, TokenClaims, TOKEN_ISSUER};
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let spec = pod.spec.as_ref();
    let account = spec
        .and_then(|s| s.service_account_name.as_deref())
        .unwrap_or("default");
    let account_uid = api
        .service_accounts
        .get(ns, account)
        .and_then(|a| a.metadata.uid.as_deref())
        .unwrap_or_default();
    let node = spec
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or_default();
    let node_uid = api
        .nodes
        .get("", node)
        .and_then(|n| n.metadata.uid.as_deref())
        .unwrap_or_default();
    let created = pod
        .metadata
        .creation_timestamp
        .as_ref()
        .map_or(0, |t| t.0.as_second());
    let mut id = sha1_smol::Sha1::new();
    id.update(uid.as_bytes());
    let b = id.digest().bytes();
    let half = |i: usize| b[i..i + 8].iter().fold(0u64, |h, x| h << 8 | u64::from(*x));
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    token(&TokenClaims {
        namespace: ns,
        account: (account, account_uid),
        pod: Some(((pod_name, uid), (node, node_uid))),
        audiences: vec![source
            .audience
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| TOKEN_ISSUER.to_string())],
        issued: created,
        lifetime: source.expiration_seconds.unwrap_or(3600),
        id: crate::model::meta::uid_from_bits(half(0), half(8)),
    })
}

/// The timestamped directory `..data` links to, if any.
fn current_dir(tree: &Tree) -> Option<String> {
    match &tree.get("/..data")?.content {
        Content::Link(target) => Some(format!("/{target}")),
        _ => None,
    }
}

/// The payload written now (what the current timestamped directory holds).
pub(super) fn written(tree: &Tree) -> Option<Payload> {
    let dir = current_dir(tree)?;
    let prefix = format!("{dir}/");
    Some(
        tree.walk(&dir)
            .into_iter()
            .filter_map(|(path, inode)| match &inode.content {
                Content::File(d) => Some((
                    path.strip_prefix(&prefix)?.to_string(),
                    (d.clone(), inode.mode),
                )),
                _ => None,
            })
            .collect(),
    )
}

/// `os.MkdirTemp`'s name for the timestamped directory: Go's layout
/// `..2006_01_02_15_04_05.` and a number (here from the volume and the time, so runs
/// repeat).
fn dir_name(seed: &str, now: SimTime) -> String {
    let stamp = k8s_openapi::jiff::fmt::strtime::format("%Y_%m_%d_%H_%M_%S", now.to_time().0)
        .unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in seed.bytes().chain(now.0.to_le_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("..{stamp}.{h}")
}

/// Writes `payload` into the volume's tree as the atomic writer does; nothing changes
/// when the files are already what the payload says. Returns whether it wrote.
pub(super) fn write(tree: &mut Tree, payload: &Payload, seed: &str, now: SimTime) -> bool {
    if written(tree).as_ref() == Some(payload) {
        return false;
    }
    let old = current_dir(tree);
    let dir = dir_name(seed, now);
    tree.mkdir_all(&format!("/{dir}"), 0o755, 0, now);
    for (path, (data, mode)) in payload {
        tree.put(&format!("/{dir}/{path}"), data, *mode, now);
    }
    tree.symlink("/..data", &dir, now);
    // The user-visible names: a link per top-level name of the payload.
    let mut top: Vec<&str> = payload
        .keys()
        .filter_map(|p| components(p).next())
        .collect();
    top.dedup();
    let stale: Vec<String> = tree
        .children("/")
        .into_iter()
        .filter(|(name, _)| !name.starts_with("..") && !top.contains(name))
        .map(|(name, _)| format!("/{name}"))
        .collect();
    for path in stale {
        tree.remove_all(&path);
    }
    for name in top {
        tree.symlink(&format!("/{name}"), &format!("..data/{name}"), now);
    }
    if let Some(old) = old.filter(|o| *o != format!("/{dir}")) {
        tree.remove_all(&old);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Object;
    use serde_json::json;

    /// The files of each volume (path, mode, contents), or the plugin's message, as the
    /// kubelet's configMap, secret, downwardAPI and projected plugins lay them out:
    /// every key or the items chosen, `defaultMode` or an item's `mode` (0644 when
    /// neither), `optional` sources and keys skipped, binaryData as its bytes.
    /// A volume's files (path, mode, contents), or the plugin's message.
    type Files = Result<Vec<(String, u32, Vec<u8>)>, String>;

    #[test]
    fn key_projection_and_file_modes_table() {
        let mut api = ApiServer::new(1, SimTime(0));
        let cm = json!({"metadata": {"name": "settings", "namespace": "default"},
            "data": {"color": "blue", "size": "L"}, "binaryData": {"logo": "/w=="}});
        let secret = json!({"metadata": {"name": "creds", "namespace": "default"},
            "stringData": {"user": "admin", "pass": "s3cret"}});
        for object in [
            Object::ConfigMap(Box::new(serde_json::from_value(cm).unwrap())),
            Object::Secret(Box::new(serde_json::from_value(secret).unwrap())),
        ] {
            api.create_object(object, SimTime(0)).unwrap();
        }
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}))
        .unwrap();
        let files = |v: serde_json::Value| -> Files {
            let mut v = v;
            v["name"] = json!("v");
            let v: Volume = serde_json::from_value(v).unwrap();
            let out = payload(&api, &pod, &v, "uid")?;
            Ok(out.into_iter().map(|(k, (d, m))| (k, m, d)).collect())
        };
        let f = |path: &str, mode: u32, data: &[u8]| (path.to_string(), mode, data.to_vec());
        let cases: Vec<(serde_json::Value, Files)> = vec![
            (
                json!({"configMap": {"name": "settings"}}),
                Ok(vec![
                    f("color", 0o644, b"blue"),
                    f("logo", 0o644, &[0xff]),
                    f("size", 0o644, b"L"),
                ]),
            ),
            (
                json!({"configMap": {"name": "settings", "defaultMode": 0o400}}),
                Ok(vec![
                    f("color", 0o400, b"blue"),
                    f("logo", 0o400, &[0xff]),
                    f("size", 0o400, b"L"),
                ]),
            ),
            (
                json!({"configMap": {"name": "settings", "defaultMode": 0o440, "items": [
                    {"key": "color", "path": "conf/color", "mode": 0o600},
                    {"key": "size", "path": "size"}]}}),
                Ok(vec![
                    f("conf/color", 0o600, b"blue"),
                    f("size", 0o440, b"L"),
                ]),
            ),
            (
                json!({"configMap": {"name": "settings", "items": [{"key": "nope", "path": "x"}]}}),
                Err("configmap references non-existent config key: nope".into()),
            ),
            (
                json!({"configMap": {"name": "settings", "optional": true, "items": [
                    {"key": "nope", "path": "x"}, {"key": "color", "path": "c"}]}}),
                Ok(vec![f("c", 0o644, b"blue")]),
            ),
            (
                json!({"configMap": {"name": "nope"}}),
                Err("configmap \"nope\" not found".into()),
            ),
            (
                json!({"configMap": {"name": "nope", "optional": true}}),
                Ok(vec![]),
            ),
            (
                json!({"secret": {"secretName": "creds", "defaultMode": 0o400}}),
                Ok(vec![
                    f("pass", 0o400, b"s3cret"),
                    f("user", 0o400, b"admin"),
                ]),
            ),
            (
                json!({"secret": {"secretName": "creds", "items": [
                    {"key": "user", "path": "my-group/my-username", "mode": 0o777}]}}),
                Ok(vec![f("my-group/my-username", 0o777, b"admin")]),
            ),
            (
                json!({"secret": {"secretName": "creds", "items": [{"key": "nope", "path": "x"}]}}),
                Err("references non-existent secret key: nope".into()),
            ),
            (
                json!({"downwardAPI": {"defaultMode": 0o444, "items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                    {"path": "name", "mode": 0o400, "fieldRef": {"fieldPath": "metadata.name"}}]}}),
                Ok(vec![
                    f("labels", 0o444, b"app=\"web\""),
                    f("name", 0o400, b"p"),
                ]),
            ),
            (
                json!({"projected": {"defaultMode": 0o440, "sources": [
                    {"configMap": {"name": "settings", "items": [{"key": "color", "path": "c"}]}},
                    {"secret": {"name": "creds", "items": [{"key": "user", "path": "u", "mode": 0o400}]}},
                    {"downwardAPI": {"items": [
                        {"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]}}]}}),
                Ok(vec![
                    f("c", 0o440, b"blue"),
                    f("n", 0o440, b"p"),
                    f("u", 0o400, b"admin"),
                ]),
            ),
            (
                json!({"projected": {"sources": [
                    {"configMap": {"name": "nope"}},
                    {"secret": {"name": "creds", "items": [{"key": "nope", "path": "x"}]}}]}}),
                Err(
                    "[configmap \"nope\" not found, references non-existent secret key: nope]"
                        .into(),
                ),
            ),
        ];
        for (volume, want) in cases {
            assert_eq!(files(volume.clone()), want, "{volume}");
        }
    }

    #[test]
    fn writes_through_links_and_swaps_on_change() {
        let mut tree = Tree::new(SimTime(0));
        let mut p = Payload::new();
        p.insert("color".into(), (b"blue".to_vec(), 0o644));
        p.insert("dir/x".into(), (b"1".to_vec(), 0o400));
        assert!(write(&mut tree, &p, "v", SimTime(0)));
        assert!(!write(&mut tree, &p, "v", SimTime(1000)));
        let first = current_dir(&tree).unwrap();
        assert!(first.starts_with("/..2026_01_05_09_00_00."), "{first}");
        assert_eq!(tree.resolve("/color").unwrap(), format!("{first}/color"));
        assert_eq!(tree.resolve("/dir/x").unwrap(), format!("{first}/dir/x"));
        p.remove("dir/x");
        p.insert("color".into(), (b"red".to_vec(), 0o644));
        assert!(write(&mut tree, &p, "v", SimTime(60_000)));
        let second = current_dir(&tree).unwrap();
        assert_ne!(first, second);
        assert!(tree.get(&first).is_none());
        assert!(tree.get("/dir").is_none());
        let file = tree.resolve("/color").unwrap();
        assert!(matches!(&tree.get(&file).unwrap().content, Content::File(d) if d == b"red"));
    }
}
