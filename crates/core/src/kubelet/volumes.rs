//! Volumes, as the kubelet's volume manager sets them up: emptyDir (per pod, gone with
//! it), hostPath (the node's own disk, with the type checks of the hostPath plugin),
//! persistentVolumeClaim (the bound volume's hostPath or local directory on the node),
//! configMap, secret, downwardAPI and projected volumes (their files written as the
//! atomic writer does, `atomic_writer.rs`, and refreshed on the pod's periodic sync),
//! and the container's view of them (mounts, subPath, readOnly) over its root file
//! system.

use super::atomic_writer;
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::fs::{normalize, Filesystems, Mount, Tree, View};
use crate::keyed::Keyed;
use crate::model::Pod;

/// Where a volume's files live.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub tree: String,
    pub path: String,
    pub read_only: bool,
    /// Written by the atomic writer (configMap, secret, downwardAPI, projected): a
    /// subPath into it is the file as it was when the container started.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub atomic: bool,
}

pub fn node_tree(node: &str) -> String {
    format!("node/{node}")
}

pub fn rootfs_tree(uid: &str, container: &str) -> String {
    format!("rootfs/{uid}/{container}")
}

/// Every tree of a pod starts with one of these prefixes (removed with the pod).
pub fn pod_prefixes(uid: &str) -> [String; 3] {
    [
        format!("rootfs/{uid}/"),
        format!("emptydir/{uid}/"),
        format!("projected/{uid}/"),
    ]
}

/// A node's disk as the chapter's Ubuntu nodes have it.
pub fn ensure_node(fs: &mut Filesystems, node: &str, now: SimTime) {
    let key = node_tree(node);
    if fs.tree(&key).is_some() {
        return;
    }
    let mut t = Tree::new(SimTime(0));
    for d in [
        "bin",
        "boot",
        "dev",
        "etc",
        "home",
        "lib",
        "media",
        "mnt",
        "opt",
        "proc",
        "run",
        "sbin",
        "srv",
        "sys",
        "usr/bin",
        "usr/local/bin",
        "var/lib/kubelet",
        "var/log",
        "etc/kubernetes/manifests",
    ] {
        t.mkdir_all(&format!("/{d}"), 0o755, 0, SimTime(0));
    }
    t.mkdir_all("/tmp", 0o1777, 0, SimTime(0));
    t.add_dev_null(SimTime(0));
    t.mkdir_all("/root", 0o700, 0, SimTime(0));
    t.mkdir_all("/home/k8s", 0o750, 1000, SimTime(0));
    t.put(
        "/etc/hostname",
        format!("{node}\n").as_bytes(),
        0o644,
        SimTime(0),
    );
    t.put(
        "/home/k8s/.bashrc",
        b"# ~/.bashrc: executed by bash(1) for non-login shells.\n",
        0o644,
        SimTime(0),
    );
    let _ = now;
    fs.insert(&key, t);
}

/// Why a volume could not be set up; `Display` is the FailedMount event's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountError {
    pub volume: String,
    /// What failed (`hostPath type check failed: /x is not a directory`).
    pub reason: String,
}

impl std::fmt::Display for MountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MountVolume.SetUp failed for volume {:?} : {}",
            self.volume, self.reason
        )
    }
}

impl std::error::Error for MountError {}

/// Sets up every volume of the pod; `Err` is the FailedMount event.
pub fn setup(
    fs: &mut Filesystems,
    api: &ApiServer,
    pod: &Pod,
    uid: &str,
    node: &str,
    now: SimTime,
) -> Result<Keyed<String, Source>, MountError> {
    let mut out = Keyed::new();
    for v in pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
    {
        let fail = |reason: String| MountError {
            volume: v.name.clone(),
            reason,
        };
        let source = if v.empty_dir.is_some() {
            let key = format!("emptydir/{uid}/{}", v.name);
            if fs.tree(&key).is_none() {
                let mut t = Tree::new(now);
                t.set_mode("/", 0o777);
                fs.insert(&key, t);
            }
            Source {
                tree: key,
                path: "/".into(),
                read_only: false,
                atomic: false,
            }
        } else if let Some(hp) = &v.host_path {
            host_path(
                fs,
                node,
                &hp.path,
                hp.type_.as_deref().unwrap_or_default(),
                now,
            )
            .map_err(fail)?
        } else if let Some(claim) = &v.persistent_volume_claim {
            let mut source =
                claim_source(fs, api, pod, &claim.claim_name, node, now).map_err(fail)?;
            source.read_only |= claim.read_only.unwrap_or(false);
            source
        } else if atomic_writer::is_atomic(v) {
            let key = atomic_tree(uid, &v.name);
            let payload = atomic_writer::payload(api, pod, v, uid).map_err(fail)?;
            let tree = fs.ensure(&key, now);
            tree.set_mode("/", 0o777);
            atomic_writer::write(tree, &payload, &key, now);
            Source {
                tree: key,
                path: "/".into(),
                read_only: true,
                atomic: true,
            }
        } else {
            return Err(fail("podlab: this volume type is not emulated (emptyDir, hostPath, persistentVolumeClaim and the service-account token are)".into()));
        };
        out.insert(v.name.clone(), source);
    }
    Ok(out)
}

/// A directory or file of the node's own disk, after the hostPath plugin's type check
/// (`DirectoryOrCreate` makes the directory).
fn host_path(
    fs: &mut Filesystems,
    node: &str,
    path: &str,
    kind: &str,
    now: SimTime,
) -> Result<Source, String> {
    ensure_node(fs, node, now);
    let key = node_tree(node);
    let path = normalize("/", path);
    let tree = fs
        .tree_mut(&key)
        .ok_or_else(|| "node disk missing".to_string())?;
    let existing = tree.get(&path).map(|i| i.is_dir());
    match (kind, existing) {
        ("" | "DirectoryOrCreate", None) => tree.mkdir_all(&path, 0o755, 0, now),
        ("", Some(_)) => {}
        ("DirectoryOrCreate" | "Directory", Some(true)) => {}
        ("DirectoryOrCreate" | "Directory", _) => {
            return Err(format!(
                "hostPath type check failed: {path} is not a directory"
            ))
        }
        ("FileOrCreate", None) => {
            if tree.get(crate::fs::parent(&path)).is_none() {
                return Err(format!("hostPath type check failed: {path} is not a file"));
            }
            tree.put(&path, b"", 0o644, now);
        }
        ("FileOrCreate" | "File", Some(false)) => {}
        ("FileOrCreate" | "File", _) => {
            return Err(format!("hostPath type check failed: {path} is not a file"))
        }
        ("Socket", _) => {
            return Err(format!(
                "hostPath type check failed: {path} is not a socket file"
            ))
        }
        ("CharDevice", _) => {
            return Err(format!(
                "hostPath type check failed: {path} is not a character device"
            ))
        }
        ("BlockDevice", _) => {
            return Err(format!(
                "hostPath type check failed: {path} is not a block device"
            ))
        }
        (other, _) => return Err(format!("invalid HostPathType {other:?}")),
    }
    Ok(Source {
        tree: key,
        path,
        read_only: false,
        atomic: false,
    })
}

/// A claim's volume: the bound PersistentVolume's hostPath or local directory on the
/// node's disk, so its files outlive the pod and follow the claim.
fn claim_source(
    fs: &mut Filesystems,
    api: &ApiServer,
    pod: &Pod,
    claim: &str,
    node: &str,
    now: SimTime,
) -> Result<Source, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let pvc = api.persistent_volume_claims.get(ns, claim).ok_or_else(|| {
        format!("error processing PVC {ns}/{claim}: persistentvolumeclaim {claim:?} not found")
    })?;
    let volume = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("error processing PVC {ns}/{claim}: PVC is not bound"))?;
    let pv = api
        .persistent_volumes
        .get("", volume)
        .ok_or_else(|| format!("persistentvolume {volume:?} not found"))?;
    let spec = pv.spec.as_ref();
    if let Some(hp) = spec.and_then(|s| s.host_path.as_ref()) {
        return host_path(
            fs,
            node,
            &hp.path,
            hp.type_.as_deref().unwrap_or_default(),
            now,
        );
    }
    if let Some(local) = spec.and_then(|s| s.local.as_ref()) {
        return host_path(fs, node, &local.path, "Directory", now);
    }
    Err("podlab: this volume type is not emulated (hostPath and local volumes are)".into())
}

/// Whether any of the pod's volumes has files from stored ConfigMaps or Secrets (the
/// periodic sync refreshes those).
pub fn follows_objects(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|vs| vs.iter().any(atomic_writer::follows_objects))
}

/// The tree of a configMap, secret, downwardAPI or projected volume.
fn atomic_tree(uid: &str, volume: &str) -> String {
    format!("projected/{uid}/{volume}")
}

/// A file of a configMap, secret, downwardAPI or projected volume as the kubelet has
/// written it: its path under the mount, contents and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeFile {
    pub path: String,
    pub data: Vec<u8>,
    pub mode: u32,
}

/// The files a configMap, secret, downwardAPI or projected volume of the pod (by uid)
/// holds now (what the timestamped directory `..data` links to holds), in path order;
/// None for another kind of volume or one not set up.
pub fn files(fs: &Filesystems, uid: &str, volume: &str) -> Option<Vec<VolumeFile>> {
    let tree = fs.tree(&atomic_tree(uid, volume))?;
    let written = atomic_writer::written(tree)?;
    Some(
        written
            .into_iter()
            .map(|(path, (data, mode))| VolumeFile { path, data, mode })
            .collect(),
    )
}

/// The pod's periodic sync: each configMap, secret, downwardAPI and projected volume
/// gets its objects' current contents (a file a subPath mount took stays as it was).
/// `Err` is a FailedMount for a source that is gone; the files stay.
pub fn refresh(
    fs: &mut Filesystems,
    api: &ApiServer,
    pod: &Pod,
    uid: &str,
    now: SimTime,
) -> Result<(), MountError> {
    for v in pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter(|v| atomic_writer::is_atomic(v))
    {
        if !atomic_writer::follows_objects(v) {
            continue;
        }
        let key = atomic_tree(uid, &v.name);
        let payload = atomic_writer::payload(api, pod, v, uid).map_err(|reason| MountError {
            volume: v.name.clone(),
            reason,
        })?;
        if let Some(tree) = fs.tree_mut(&key) {
            atomic_writer::write(tree, &payload, &key, now);
        }
    }
    Ok(())
}

/// A container's view: its root file system plus its volume mounts. Creates the mount
/// points in the root and subPath directories in the volumes, as the runtime does.
pub fn container_view(
    fs: &mut Filesystems,
    root_key: &str,
    mounts: &[k8s_openapi::api::core::v1::VolumeMount],
    volumes: &Keyed<String, Source>,
    now: SimTime,
) -> View {
    let mut view = View {
        mounts: vec![Mount {
            path: "/".into(),
            tree: root_key.to_string(),
            source: "/".into(),
            read_only: false,
        }],
    };
    for m in mounts {
        let Some(src) = volumes.get(&m.name) else {
            continue;
        };
        let mut source = src.path.clone();
        let mut tree = src.tree.clone();
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            source = normalize(&source, sub);
            if src.atomic {
                // The file as it is now, bound on its own: later updates do not reach it.
                let resolved = fs.tree(&src.tree).and_then(|t| t.resolve(&source));
                if let Some(resolved) = resolved {
                    let copy_key = format!("{}#{root_key}#{}", src.tree, m.mount_path);
                    let copy = subpath_copy(fs, &src.tree, &resolved, now);
                    fs.insert(&copy_key, copy);
                    tree = copy_key;
                    source = resolved;
                }
            } else if let Some(t) = fs.tree_mut(&src.tree) {
                if t.get(&source).is_none() {
                    t.mkdir_all(&source, 0o755, 0, now);
                }
            }
        }
        let path = normalize("/", &m.mount_path);
        if let Some(t) = fs.tree_mut(root_key) {
            if t.get(&path).is_none() {
                t.mkdir_all(&path, 0o755, 0, now);
            }
        }
        view.mounts.push(Mount {
            path,
            tree,
            source,
            read_only: src.read_only || m.read_only.unwrap_or(false),
        });
    }
    view
}

/// A copy of `path` (a file or a directory and what is under it) of tree `key`, at the
/// same path: what a subPath bind mount of an atomic-writer volume holds on to.
fn subpath_copy(fs: &Filesystems, key: &str, path: &str, now: SimTime) -> Tree {
    let mut copy = Tree::new(now);
    let Some(tree) = fs.tree(key) else {
        return copy;
    };
    if let Some(inode) = tree.get(path) {
        if let crate::fs::Content::File(d) = &inode.content {
            copy.put(path, d, inode.mode, now);
        } else {
            copy.mkdir_all(path, inode.mode, 0, now);
        }
    }
    for (p, inode) in tree.walk(path) {
        match &inode.content {
            crate::fs::Content::File(d) => copy.put(p, d, inode.mode, now),
            crate::fs::Content::Dir => copy.mkdir_all(p, inode.mode, 0, now),
            _ => {}
        }
    }
    copy
}
