//! File systems: every node's disk, every container's root file system and every
//! emptyDir volume is a [`Tree`] in one [`Filesystems`] store. A process sees them
//! through a [`View`]: its root plus the volumes mounted into it, exactly as a container
//! runtime assembles a container's mount namespace.
//!
//! Errors are `errno` values with libc's texts, so the shell prints
//! `cat: /x: No such file or directory` as a real one does.

use crate::clock::SimTime;
use crate::keyed::Keyed;
use serde::{Deserialize, Serialize};

/// An `errno` a file operation can fail with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    NoEnt,
    NotDir,
    IsDir,
    Exist,
    Access,
    ReadOnly,
    NotEmpty,
    /// The tree is full: the write would pass [`MAX_TREE_BYTES`] (ENOSPC).
    NoSpace,
    /// The file would pass [`MAX_FILE_BYTES`], the file size limit (EFBIG, as a
    /// process under `ulimit -f` meets it).
    TooLarge,
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Errno::NoEnt => "No such file or directory",
            Errno::NotDir => "Not a directory",
            Errno::IsDir => "Is a directory",
            Errno::Exist => "File exists",
            Errno::Access => "Permission denied",
            Errno::ReadOnly => "Read-only file system",
            Errno::NotEmpty => "Directory not empty",
            Errno::NoSpace => "No space left on device",
            Errno::TooLarge => "File too large",
        })
    }
}

/// Largest file (a write past it fails with EFBIG, `File too large`) and largest tree
/// (ENOSPC, `No space left on device`): keeps a runaway `while` loop appending to a
/// file from eating the page's memory.
pub const MAX_FILE_BYTES: usize = 4 << 20;
pub const MAX_TREE_BYTES: usize = 32 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Content {
    Dir,
    File(#[serde(with = "bytes")] Vec<u8>),
    /// The null device (`/dev/null`, character device 1,3): reads as empty, swallows
    /// whatever is written to it.
    Null,
    /// A symbolic link to a path of the same tree, relative to the link's directory or
    /// absolute from the tree's root (what the kubelet's atomic writer makes in a
    /// ConfigMap or Secret volume: `..data -> ..2026_...`, `key -> ..data/key`).
    Link(String),
}

/// One file or directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inode {
    pub content: Content,
    /// Permission bits (`0o755`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: SimTime,
}

impl Inode {
    pub fn dir(mode: u32, uid: u32, mtime: SimTime) -> Inode {
        Inode {
            content: Content::Dir,
            mode,
            uid,
            gid: uid,
            mtime,
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.content, Content::Dir)
    }

    /// What `stat` reports, with `nlink` hard links.
    pub fn stat(&self, nlink: u64) -> Stat {
        Stat {
            is_dir: self.is_dir(),
            device: matches!(self.content, Content::Null).then_some((1, 3)),
            link: match &self.content {
                Content::Link(target) => Some(target.clone()),
                _ => None,
            },
            mode: self.mode,
            uid: self.uid,
            gid: self.gid,
            size: self.size(),
            mtime: self.mtime,
            nlink,
        }
    }

    pub fn size(&self) -> u64 {
        match &self.content {
            Content::Dir => 4096,
            Content::File(d) => d.len() as u64,
            Content::Null => 0,
            Content::Link(target) => target.len() as u64,
        }
    }
}

/// One file system: absolute paths (`/`, `/var/data`) to inodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    entries: Keyed<String, Inode>,
}

impl Tree {
    /// A tree holding only its root directory.
    pub fn new(mtime: SimTime) -> Tree {
        let mut entries = Keyed::new();
        entries.insert("/".to_string(), Inode::dir(0o755, 0, mtime));
        Tree { entries }
    }

    /// `/dev` with the null device, as every container and machine has it.
    pub fn add_dev_null(&mut self, mtime: SimTime) {
        self.mkdir_all("/dev", 0o755, 0, mtime);
        self.entries.insert(
            "/dev/null".to_string(),
            Inode {
                content: Content::Null,
                mode: 0o666,
                uid: 0,
                gid: 0,
                mtime,
            },
        );
    }

    pub fn get(&self, path: &str) -> Option<&Inode> {
        self.entries.get(path)
    }

    /// A copy of the tree with every path's mtime set to `mtime`: a template's files as
    /// if written at that time.
    pub fn stamped(&self, mtime: SimTime) -> Tree {
        let mut t = self.clone();
        for inode in t.entries.values_mut() {
            inode.mtime = mtime;
        }
        t
    }

    /// Creates a directory and its missing parents, owned by `uid`.
    pub fn mkdir_all(&mut self, path: &str, mode: u32, uid: u32, mtime: SimTime) {
        let mut at = String::new();
        for part in components(path) {
            at.push('/');
            at.push_str(part);
            self.entries
                .get_or_insert_with(at.clone(), || Inode::dir(mode, uid, mtime));
        }
    }

    /// Changes a path's permission bits.
    pub fn set_mode(&mut self, path: &str, mode: u32) {
        if let Some(i) = self.entries.get_mut(path) {
            i.mode = mode;
        }
    }

    /// Writes a file (creating its parents), for images and tests.
    pub fn put(&mut self, path: &str, data: &[u8], mode: u32, mtime: SimTime) {
        self.mkdir_all(parent(path), 0o755, 0, mtime);
        self.entries.insert(
            path.to_string(),
            Inode {
                content: Content::File(data.to_vec()),
                mode,
                uid: 0,
                gid: 0,
                mtime,
            },
        );
    }

    /// Makes a symbolic link at `path` pointing to `target` (`ln -s`).
    pub fn symlink(&mut self, path: &str, target: &str, mtime: SimTime) {
        self.mkdir_all(parent(path), 0o755, 0, mtime);
        self.entries.insert(
            path.to_string(),
            Inode {
                content: Content::Link(target.to_string()),
                mode: 0o777,
                uid: 0,
                gid: 0,
                mtime,
            },
        );
    }

    /// Removes a path and everything below it.
    pub fn remove_all(&mut self, path: &str) {
        let prefix = format!("{path}/");
        self.entries
            .retain(|k, _| k != path && !k.starts_with(&prefix));
    }

    /// `path` with the symbolic links along it followed (at most 40, as the kernel's
    /// ELOOP limit): the path of what it names, or `None` past the limit. A path whose
    /// every prefix is a plain entry comes back as it is.
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut current = path.to_string();
        'follow: for _ in 0..40 {
            let mut at = String::new();
            let parts: Vec<&str> = components(&current).collect();
            for (i, part) in parts.iter().enumerate() {
                at.push('/');
                at.push_str(part);
                if let Some(Inode {
                    content: Content::Link(target),
                    ..
                }) = self.entries.get(&at)
                {
                    let base = normalize(parent(&at), target);
                    let rest = parts[i + 1..].join("/");
                    current = if rest.is_empty() {
                        base
                    } else {
                        normalize(&base, &rest)
                    };
                    continue 'follow;
                }
            }
            return Some(current);
        }
        None
    }

    /// Names and inodes directly inside directory `dir`, sorted by name. Jumps over
    /// each child directory's subtree instead of walking it.
    pub fn children(&self, dir: &str) -> Vec<(&str, &Inode)> {
        use std::ops::Bound::{Excluded, Unbounded};
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut out = Vec::new();
        let mut from = prefix.clone();
        while let Some((k, v)) = self
            .entries
            .range::<str, _>((Excluded(from.as_str()), Unbounded))
            .next()
        {
            let Some(rest) = k.strip_prefix(prefix.as_str()) else {
                break;
            };
            match rest.find('/') {
                // Inside a child directory: jump past its subtree ('0' follows '/').
                Some(i) => from = format!("{prefix}{}0", &rest[..i]),
                None => {
                    out.push((rest, v));
                    from = k.clone();
                }
            }
        }
        out
    }

    /// Every path under `dir` (not `dir` itself), in order.
    pub fn walk(&self, dir: &str) -> Vec<(&str, &Inode)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        self.entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len())
            .map(|(k, v)| (k.as_str(), v))
            .collect()
    }

    fn bytes(&self) -> usize {
        self.entries.values().map(|i| i.size() as usize).sum()
    }
}

/// Every tree in the cluster, by key (`node/k8s-worker-01`, `rootfs/UID/nginx`,
/// `emptydir/UID/html`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filesystems {
    trees: Keyed<String, Tree>,
    /// Counts the calls that may have changed a tree (not kept in snapshots).
    #[serde(skip)]
    changes: Changes,
}

/// How many times the file systems may have changed: each call that can change a tree
/// counts one, whether or not it did. A reader that saw the same count twice saw the
/// same files (what the kubelet's exec probes rely on to reuse a result). It takes no
/// part in equality: two file systems with the same trees are equal.
#[derive(Debug, Clone, Copy, Default)]
struct Changes(u64);

impl PartialEq for Changes {
    fn eq(&self, _: &Changes) -> bool {
        true
    }
}

impl Eq for Changes {}

/// A volume or root mounted into a process's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// Where it appears (`/`, `/usr/share/nginx/html`).
    pub path: String,
    /// Which tree.
    pub tree: String,
    /// The directory inside the tree that appears at `path` (`/` or a hostPath).
    pub source: String,
    pub read_only: bool,
}

/// What one process sees: mounts, longest path wins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub mounts: Vec<Mount>,
}

/// Who is acting: file permission checks use it (root passes them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
}

impl User {
    pub const ROOT: User = User { uid: 0, gid: 0 };
}

/// The user and group names the emulated systems know.
pub fn user_name(uid: u32) -> String {
    match uid {
        0 => "root".into(),
        101 => "nginx".into(),
        1000 => "k8s".into(),
        n => n.to_string(),
    }
}

/// Splits a path into its non-empty components.
pub fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|p| !p.is_empty())
}

/// The parent directory of an absolute, normalised path.
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a path (`/` for the root).
pub fn base_name(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// `path` made absolute against `cwd` with `.` and `..` resolved.
pub fn normalize(cwd: &str, path: &str) -> String {
    // An absolute path already in normal form (most are) is its own normal form.
    if is_normal_absolute(path) {
        return path.to_string();
    }
    // A relative path of plain names under a cwd in normal form (`.git/HEAD` under
    // `/html`): the two joined by a slash, without splitting either.
    if is_normal_relative(path) && is_normal_absolute(cwd) {
        let mut s = String::with_capacity(cwd.len() + 1 + path.len());
        if cwd != "/" {
            s.push_str(cwd);
        }
        s.push('/');
        s.push_str(path);
        return s;
    }
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        components(cwd).collect()
    };
    for c in components(path) {
        match c {
            "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        let mut s = String::new();
        for p in parts {
            s.push('/');
            s.push_str(p);
        }
        s
    }
}

/// `/`, or `/` followed by names separated by single slashes (no `.`, `..` or empty name).
fn is_normal_absolute(path: &str) -> bool {
    path == "/" || path.strip_prefix('/').is_some_and(is_normal_relative)
}

/// Names separated by single slashes, at least one, none of them `.` or `..`.
fn is_normal_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn join(base: &str, rest: &str) -> String {
    if rest.is_empty() || rest == "/" {
        return base.to_string();
    }
    if base == "/" {
        rest.to_string()
    } else {
        format!("{base}{rest}")
    }
}

/// Metadata for `ls -l` and `test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub is_dir: bool,
    /// A character device's (major, minor): `/dev/null` is (1, 3).
    pub device: Option<(u32, u32)>,
    /// A symbolic link's target (as `lstat` sees a link; `stat` follows it).
    pub link: Option<String>,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub mtime: SimTime,
    /// Hard links: 1 for files, 2 + subdirectories for directories.
    pub nlink: u64,
}

impl Filesystems {
    pub fn tree(&self, key: &str) -> Option<&Tree> {
        self.trees.get(key)
    }

    pub fn tree_mut(&mut self, key: &str) -> Option<&mut Tree> {
        self.changed();
        self.trees.get_mut(key)
    }

    /// The tree for `key`, created empty (root directory only) when missing.
    pub fn ensure(&mut self, key: &str, now: SimTime) -> &mut Tree {
        self.changed();
        self.trees
            .get_or_insert_with(key.to_string(), || Tree::new(now))
    }

    pub fn insert(&mut self, key: &str, tree: Tree) {
        self.changed();
        self.trees.insert(key.to_string(), tree);
    }

    pub fn remove(&mut self, key: &str) {
        self.changed();
        self.trees.remove(key);
    }

    /// Removes every tree whose key starts with `prefix` (a pod's volumes and roots).
    pub fn remove_prefix(&mut self, prefix: &str) {
        self.changed();
        self.trees.retain(|k, _| !k.starts_with(prefix));
    }

    /// How many calls that may change a tree were made on these file systems (see
    /// `Changes`): equal counts, equal files.
    pub fn changes(&self) -> u64 {
        self.changes.0
    }

    fn changed(&mut self) {
        self.changes.0 = self.changes.0.wrapping_add(1);
    }

    /// Which tree and inner path an absolute path of `view` lands on.
    fn locate<'v>(&self, view: &'v View, path: &str) -> Option<(&'v Mount, String)> {
        let m = view
            .mounts
            .iter()
            .filter(|m| {
                m.path == "/"
                    || path == m.path
                    || path
                        .strip_prefix(m.path.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|m| m.path.len())?;
        let rest = if m.path == "/" {
            path
        } else {
            &path[m.path.len()..]
        };
        Some((m, join(&m.source, rest)))
    }

    /// [`Self::locate`] with the symbolic links inside the mount's tree followed.
    fn locate_resolved<'v>(&self, view: &'v View, path: &str) -> Option<(&'v Mount, String)> {
        let (m, inner) = self.locate(view, path)?;
        let tree = self.trees.get(&m.tree)?;
        match tree.get(&inner) {
            Some(i) if !matches!(i.content, Content::Link(_)) => Some((m, inner)),
            _ => Some((m, tree.resolve(&inner)?)),
        }
    }

    fn inode<'a>(&'a self, view: &View, path: &str) -> Result<&'a Inode, Errno> {
        let (m, inner) = self.locate(view, path).ok_or(Errno::NoEnt)?;
        let tree = self.trees.get(&m.tree).ok_or(Errno::NoEnt)?;
        // The path as it is (most are no link), else with the tree's links followed:
        // the tree and the path are looked up once each.
        let found = match tree.get(&inner) {
            Some(i) if !matches!(i.content, Content::Link(_)) => Some(i),
            _ => tree.resolve(&inner).and_then(|r| tree.get(&r)),
        };
        if let Some(i) = found {
            return Ok(i);
        }
        // A missing path below a file is ENOTDIR, as the kernel says.
        let mut at = parent(path);
        loop {
            if let Ok(i) = self.inode_exact(view, at) {
                return Err(if i.is_dir() {
                    Errno::NoEnt
                } else {
                    Errno::NotDir
                });
            }
            if at == "/" {
                return Err(Errno::NoEnt);
            }
            at = parent(at);
        }
    }

    fn inode_exact<'a>(&'a self, view: &View, path: &str) -> Result<&'a Inode, Errno> {
        let (m, inner) = self.locate(view, path).ok_or(Errno::NoEnt)?;
        let tree = self.trees.get(&m.tree).ok_or(Errno::NoEnt)?;
        match tree.get(&inner) {
            Some(i) if !matches!(i.content, Content::Link(_)) => Ok(i),
            _ => tree
                .resolve(&inner)
                .and_then(|r| tree.get(&r))
                .ok_or(Errno::NoEnt),
        }
    }

    pub fn stat(&self, view: &View, path: &str) -> Result<Stat, Errno> {
        let i = self.inode(view, path)?;
        // Cheap: directories report 2 here; `nlink` counts subdirectories for `ls -l`.
        let nlink = if i.is_dir() { 2 } else { 1 };
        Ok(i.stat(nlink))
    }

    /// Hard links as `ls -l` shows them: 1 for a file, 2 plus subdirectories for a
    /// directory.
    pub fn nlink(&self, view: &View, path: &str) -> u64 {
        match self.inode(view, path) {
            Ok(i) if i.is_dir() => {
                let subdirs = self
                    .locate(view, path)
                    .and_then(|(m, inner)| self.trees.get(&m.tree).map(|t| (t, inner)))
                    .map_or(0, |(t, inner)| {
                        t.children(&inner)
                            .iter()
                            .filter(|(_, i)| i.is_dir())
                            .count()
                    });
                2 + subdirs as u64
            }
            _ => 1,
        }
    }

    pub fn exists(&self, view: &View, path: &str) -> bool {
        self.inode(view, path).is_ok()
    }

    pub fn read(&self, view: &View, path: &str) -> Result<&[u8], Errno> {
        match &self.inode(view, path)?.content {
            Content::Dir => Err(Errno::IsDir),
            Content::File(d) => Ok(d),
            Content::Null => Ok(&[]),
            Content::Link(_) => Err(Errno::NoEnt),
        }
    }

    /// Entries of a directory with their metadata, sorted by name; mount points of
    /// `view` directly inside it appear too.
    pub fn list(&self, view: &View, dir: &str) -> Result<Vec<(String, Stat)>, Errno> {
        let i = self.inode(view, dir)?;
        if !i.is_dir() {
            return Err(Errno::NotDir);
        }
        let (m, inner) = self.locate_resolved(view, dir).ok_or(Errno::NoEnt)?;
        let tree = self.trees.get(&m.tree).ok_or(Errno::NoEnt)?;
        let mut out: Keyed<String, Stat> = Keyed::new();
        for (name, inode) in tree.children(&inner) {
            let subdirs = if inode.is_dir() {
                let p = join(&inner, &format!("/{name}"));
                tree.children(&p).iter().filter(|(_, i)| i.is_dir()).count() as u64
            } else {
                0
            };
            out.insert(
                name.to_string(),
                inode.stat(if inode.is_dir() { 2 + subdirs } else { 1 }),
            );
        }
        for mount in &view.mounts {
            if mount.path != "/" && parent(&mount.path) == dir {
                if let Some(i) = self
                    .trees
                    .get(&mount.tree)
                    .and_then(|t| t.get(&mount.source))
                {
                    out.insert(base_name(&mount.path).to_string(), i.stat(2));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    fn may_write(i: &Inode, user: User) -> bool {
        user.uid == 0
            || if i.uid == user.uid {
                i.mode & 0o200 != 0
            } else if i.gid == user.gid {
                i.mode & 0o020 != 0
            } else {
                i.mode & 0o002 != 0
            }
    }

    /// The writable tree and inner path for creating or changing `path`.
    fn writable(
        &mut self,
        view: &View,
        path: &str,
        user: User,
    ) -> Result<(&mut Tree, String), Errno> {
        self.changed();
        let dir = self.inode(view, parent(path))?;
        if !dir.is_dir() {
            return Err(Errno::NotDir);
        }
        let dir_ok = Self::may_write(dir, user);
        let (m, inner) = self.locate(view, path).ok_or(Errno::NoEnt)?;
        if m.read_only {
            return Err(Errno::ReadOnly);
        }
        let tree_key = m.tree.clone();
        let tree = self.trees.get_mut(&tree_key).ok_or(Errno::NoEnt)?;
        match tree.get(&inner) {
            Some(i) if !i.is_dir() && !Self::may_write(i, user) => return Err(Errno::Access),
            None if !dir_ok => return Err(Errno::Access),
            _ => {}
        }
        Ok((tree, inner))
    }

    /// Writes (or with `append`, extends) a file, creating it with mode 0644.
    pub fn write(
        &mut self,
        view: &View,
        path: &str,
        data: &[u8],
        append: bool,
        user: User,
        now: SimTime,
    ) -> Result<(), Errno> {
        let (tree, inner) = self.writable(view, path, user)?;
        let used = tree.bytes();
        match tree.entries.get_mut(&inner) {
            Some(Inode {
                content: Content::Dir,
                ..
            }) => Err(Errno::IsDir),
            Some(Inode {
                content: Content::Null,
                ..
            }) => Ok(()),
            Some(i) => {
                let Content::File(d) = &mut i.content else {
                    return Err(Errno::IsDir);
                };
                let new_len = if append {
                    d.len() + data.len()
                } else {
                    data.len()
                };
                if new_len > MAX_FILE_BYTES {
                    return Err(Errno::TooLarge);
                }
                if used + data.len() > MAX_TREE_BYTES {
                    return Err(Errno::NoSpace);
                }
                if !append {
                    d.clear();
                }
                d.extend_from_slice(data);
                i.mtime = now;
                Ok(())
            }
            None => {
                if data.len() > MAX_FILE_BYTES {
                    return Err(Errno::TooLarge);
                }
                if used + data.len() > MAX_TREE_BYTES {
                    return Err(Errno::NoSpace);
                }
                tree.entries.insert(
                    inner,
                    Inode {
                        content: Content::File(data.to_vec()),
                        mode: 0o644,
                        uid: user.uid,
                        gid: user.gid,
                        mtime: now,
                    },
                );
                Ok(())
            }
        }
    }

    /// `mkdir` (with `parents`, `mkdir -p`: existing directories are fine).
    pub fn mkdir(
        &mut self,
        view: &View,
        path: &str,
        parents: bool,
        user: User,
        now: SimTime,
    ) -> Result<(), Errno> {
        if parents {
            let mut at = String::new();
            for c in components(path) {
                at.push('/');
                at.push_str(c);
                match self.inode(view, &at) {
                    Ok(i) if i.is_dir() => continue,
                    Ok(_) => return Err(Errno::NotDir),
                    Err(_) => self.mkdir(view, &at.clone(), false, user, now)?,
                }
            }
            return Ok(());
        }
        if self.inode(view, path).is_ok() {
            return Err(Errno::Exist);
        }
        let (tree, inner) = self.writable(view, path, user)?;
        tree.entries.insert(inner, Inode::dir(0o755, user.uid, now));
        Ok(())
    }

    /// `rm` / `rmdir`: a directory needs `recursive` unless empty and `dir_ok`.
    pub fn remove_path(
        &mut self,
        view: &View,
        path: &str,
        recursive: bool,
        user: User,
    ) -> Result<(), Errno> {
        self.changed();
        let i = self.inode(view, path)?;
        if i.is_dir() && !recursive {
            return Err(Errno::IsDir);
        }
        if view.mounts.iter().any(|m| m.path == path) {
            // A mount point cannot go away (EBUSY); its contents can.
            let (m, inner) = self.locate(view, path).ok_or(Errno::NoEnt)?;
            if m.read_only {
                return Err(Errno::ReadOnly);
            }
            let key = m.tree.clone();
            if let Some(t) = self.trees.get_mut(&key) {
                let prefix = if inner == "/" {
                    "/".to_string()
                } else {
                    format!("{inner}/")
                };
                t.entries
                    .retain(|k, _| *k == inner || !k.starts_with(&prefix));
            }
            return Ok(());
        }
        let (tree, inner) = self.writable(view, path, user)?;
        let prefix = format!("{inner}/");
        tree.entries
            .retain(|k, _| *k != inner && !k.starts_with(&prefix));
        Ok(())
    }

    /// Creates `path` if missing, else updates its time (`touch`).
    pub fn touch(
        &mut self,
        view: &View,
        path: &str,
        user: User,
        now: SimTime,
    ) -> Result<(), Errno> {
        let (tree, inner) = self.writable(view, path, user)?;
        match tree.entries.get_mut(&inner) {
            Some(i) => i.mtime = now,
            None => {
                tree.entries.insert(
                    inner,
                    Inode {
                        content: Content::File(Vec::new()),
                        mode: 0o644,
                        uid: user.uid,
                        gid: user.gid,
                        mtime: now,
                    },
                );
            }
        }
        Ok(())
    }
}

/// Binary-safe file contents in JSON snapshots: UTF-8 text stays a string; anything
/// else is `{"base64": "..."}`. Snapshots written before that kept such contents as a
/// list of byte values: they still read.
mod bytes {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Base64 { base64: String },
        Bytes(Vec<u8>),
    }

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(v) {
            Ok(t) => Repr::Text(t.to_string()).serialize(s),
            Err(_) => Repr::Base64 {
                base64: STANDARD.encode(v),
            }
            .serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(match Repr::deserialize(d)? {
            Repr::Text(t) => t.into_bytes(),
            Repr::Base64 { base64 } => STANDARD
                .decode(base64)
                .map_err(|e| serde::de::Error::custom(format!("file contents: {e}")))?,
            Repr::Bytes(b) => b,
        })
    }
}

#[cfg(test)]
mod tests;
