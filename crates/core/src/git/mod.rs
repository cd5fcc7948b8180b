//! The mock git store: remote repositories addressed by URL, with commits whose ids
//! are real git object hashes (so short SHAs look like git's), and the clone / pull /
//! log / status behaviour the lessons' sidecars rely on, with git's own output.
//!
//! Remotes live here ([`Remotes`]); a clone is ordinary files plus a small `.git`
//! directory in whatever file system it was cloned into.

mod client;

pub use client::run as run_git;

use crate::shell::exec::{Exec, Flow, Io};
use crate::shell::programs::Program;
use crate::shell::{Host, System};

/// What `git` needs of its host beyond the shell's: the mock remotes.
pub trait GitHost: Host {
    /// The mock git remotes.
    fn git(&mut self) -> &mut Remotes;
}

/// A run as `git` sees it.
pub type Ex<'a> = Exec<'a, dyn GitHost + 'a>;

/// The git program.
pub type GitFn = for<'a> fn(&mut Ex<'a>, &[String], &Io) -> Flow;

/// `git`, on the systems that have it.
pub const PROGRAMS: &[Program<GitFn>] = &[Program::on(
    "git",
    &[System::DebugTools, System::Node],
    client::run,
)];

use crate::clock::SimTime;
use crate::keyed::Keyed;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One commit of a remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub id: String,
    pub parent: Option<String>,
    pub tree: String,
    pub author: String,
    pub email: String,
    pub time: SimTime,
    pub message: String,
    /// The full tree: path to blob id.
    pub files: BTreeMap<String, String>,
}

/// A remote repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    pub url: String,
    /// The default branch (the remote's HEAD): what a clone checks out.
    pub branch: String,
    /// Every commit of every branch, oldest first.
    pub commits: Vec<Commit>,
    /// Branch heads: name to commit id.
    #[serde(default)]
    pub branches: BTreeMap<String, String>,
    /// The branch the next commit goes on (`podlab git checkout`); the default branch
    /// when unset.
    #[serde(default)]
    pub work_branch: Option<String>,
    /// What the next commit will hold (path to contents).
    #[serde(with = "staged")]
    pub staged: Keyed<String, Vec<u8>>,
}

impl Repo {
    /// The head of the default branch.
    pub fn head(&self) -> Option<&Commit> {
        self.branch_head(&self.branch)
    }

    /// The head commit of a branch (None for a branch without commits or none at all).
    pub fn branch_head(&self, name: &str) -> Option<&Commit> {
        match self.branches.get(name) {
            Some(id) => self.commit(id),
            // Saved before branches existed: one linear branch.
            None if self.branches.is_empty() && name == self.branch => self.commits.last(),
            None => None,
        }
    }

    /// The branch `podlab git commit` adds to.
    pub fn current_branch(&self) -> &str {
        self.work_branch.as_deref().unwrap_or(&self.branch)
    }

    pub fn commit(&self, id: &str) -> Option<&Commit> {
        self.commits.iter().find(|c| c.id == id)
    }

    /// A branch name or a (possibly abbreviated, at least 4 digits) commit id.
    pub fn resolve(&self, rev: &str) -> Option<&Commit> {
        if let Some(c) = self.branch_head(rev) {
            return Some(c);
        }
        if rev.len() < 4 || !rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut found = self.commits.iter().filter(|c| c.id.starts_with(rev));
        match (found.next(), found.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// Branch names in git's order (sorted), with their head ids.
    pub fn branch_list(&self) -> Vec<(String, String)> {
        if self.branches.is_empty() {
            return self
                .commits
                .last()
                .map(|c| vec![(self.branch.clone(), c.id.clone())])
                .unwrap_or_default();
        }
        self.branches
            .iter()
            .map(|(b, id)| (b.clone(), id.clone()))
            .collect()
    }

    /// The commits reachable from `id`, newest first.
    pub fn history(&self, id: &str) -> Vec<&Commit> {
        let mut out = Vec::new();
        let mut at = Some(id.to_string());
        while let Some(c) = at.as_deref().and_then(|id| self.commit(id)) {
            out.push(c);
            at = c.parent.clone();
            if out.len() > self.commits.len() {
                break;
            }
        }
        out
    }

    /// Fills `branches` for a repository saved before branches existed.
    fn migrate(&mut self) {
        if self.branches.is_empty() {
            if let Some(last) = self.commits.last() {
                self.branches.insert(self.branch.clone(), last.id.clone());
            }
        }
    }
}

/// `git check-ref-format --branch`'s rules, the ones a person can trip over.
pub fn valid_branch_name(name: &str) -> bool {
    !name.is_empty()
        && name != "@"
        && name != "HEAD"
        && !name.starts_with('-')
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.ends_with('.')
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name.split('/').any(|c| c.starts_with('.'))
        && !name
            .chars()
            .any(|c| c.is_ascii_control() || " ~^:?*[\\".contains(c))
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    NotFound(String),
    Exists(String),
    NothingToCommit,
    BadPath(String),
    BranchExists(String),
    InvalidBranchName(String),
    /// A start point that names no branch or commit.
    BadRevision(String),
    /// A branch to check out that does not exist.
    InvalidReference(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotFound(u) => write!(f, "fatal: repository '{u}' not found"),
            GitError::Exists(u) => write!(f, "fatal: repository '{u}' already exists"),
            GitError::NothingToCommit => write!(f, "nothing to commit, working tree clean"),
            GitError::BadPath(p) => write!(f, "fatal: invalid path '{p}'"),
            GitError::BranchExists(b) => write!(f, "fatal: a branch named '{b}' already exists"),
            GitError::InvalidBranchName(b) => write!(f, "fatal: '{b}' is not a valid branch name"),
            GitError::BadRevision(r) => write!(f, "fatal: not a valid object name: '{r}'"),
            GitError::InvalidReference(r) => write!(f, "fatal: invalid reference: {r}"),
        }
    }
}

/// All remotes, and every blob by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remotes {
    repos: Keyed<String, Repo>,
    #[serde(with = "blobs")]
    blobs: Keyed<String, Vec<u8>>,
}

/// `https://github.com/a/b.git/` and `https://github.com/a/b` name the same repo.
pub fn normalize_url(url: &str) -> String {
    let u = url.trim().trim_end_matches('/');
    u.strip_suffix(".git").unwrap_or(u).to_string()
}

pub fn hash_object(kind: &str, data: &[u8]) -> String {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("{kind} {}\0", data.len()).as_bytes());
    h.update(data);
    h.digest().to_string()
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The id of the tree holding `files` (path to blob id), as git computes it.
fn tree_id(files: &BTreeMap<String, String>) -> String {
    fn build(entries: &[(Vec<&str>, &str)]) -> String {
        // Group by first component: files here, subtrees below.
        let mut items: Vec<(String, bool, String)> = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let (parts, blob) = &entries[i];
            if parts.len() == 1 {
                items.push((parts[0].to_string(), false, blob.to_string()));
                i += 1;
            } else {
                let name = parts[0];
                let mut j = i;
                let mut sub = Vec::new();
                while j < entries.len() && entries[j].0.len() > 1 && entries[j].0[0] == name {
                    sub.push((entries[j].0[1..].to_vec(), entries[j].1));
                    j += 1;
                }
                items.push((name.to_string(), true, build(&sub)));
                i = j;
            }
        }
        // git sorts tree entries by name, directories as if followed by '/'.
        crate::sort::sort_by(&mut items, |a, b| {
            let ka = if a.1 {
                format!("{}/", a.0)
            } else {
                a.0.clone()
            };
            let kb = if b.1 {
                format!("{}/", b.0)
            } else {
                b.0.clone()
            };
            ka.cmp(&kb)
        });
        let mut data = Vec::new();
        for (name, dir, id) in items {
            data.extend_from_slice(if dir { b"40000 " } else { b"100644 " });
            data.extend_from_slice(name.as_bytes());
            data.push(0);
            data.extend_from_slice(&hex_bytes(&id));
        }
        hash_object("tree", &data)
    }
    let entries: Vec<(Vec<&str>, &str)> = files
        .iter()
        .map(|(p, b)| (p.split('/').collect(), b.as_str()))
        .collect();
    build(&entries)
}

/// A valid path inside a repository: relative, no empty, `.` or `..` parts, not `.git`.
fn check_path(path: &str) -> Result<String, GitError> {
    let p = path.trim_start_matches("./");
    let ok = !p.is_empty()
        && !p.starts_with('/')
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && p.split('/').next() != Some(".git");
    if ok {
        Ok(p.to_string())
    } else {
        Err(GitError::BadPath(path.to_string()))
    }
}

impl Remotes {
    pub fn repos(&self) -> impl Iterator<Item = &Repo> {
        self.repos.values()
    }

    pub fn repo(&self, url: &str) -> Option<&Repo> {
        self.repos.get(&normalize_url(url))
    }

    pub fn blob(&self, id: &str) -> Option<&[u8]> {
        self.blobs.get(id).map(Vec::as_slice)
    }

    /// The files of a repository's head commit, for the Git panel and `podlab git`.
    pub fn head_files(&self, url: &str) -> Vec<(String, Vec<u8>)> {
        self.repo(url)
            .and_then(|r| r.head())
            .map(|h| {
                h.files
                    .iter()
                    .map(|(p, b)| (p.clone(), self.blob(b).unwrap_or_default().to_vec()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Creates an empty repository (`git init` on the server side).
    pub fn init(&mut self, url: &str) -> Result<(), GitError> {
        let key = normalize_url(url);
        if key.is_empty() {
            return Err(GitError::NotFound(url.to_string()));
        }
        if self.repos.contains_key(&key) {
            return Err(GitError::Exists(key));
        }
        self.repos.insert(
            key.clone(),
            Repo {
                url: key,
                branch: "master".into(),
                ..Default::default()
            },
        );
        Ok(())
    }

    /// Stages a file's new contents for the next commit.
    pub fn put(&mut self, url: &str, path: &str, data: &[u8]) -> Result<(), GitError> {
        let path = check_path(path)?;
        let repo = self
            .repos
            .get_mut(&normalize_url(url))
            .ok_or_else(|| GitError::NotFound(url.to_string()))?;
        repo.staged.insert(path, data.to_vec());
        Ok(())
    }

    /// Stages a file's removal.
    pub fn remove(&mut self, url: &str, path: &str) -> Result<(), GitError> {
        let repo = self
            .repos
            .get_mut(&normalize_url(url))
            .ok_or_else(|| GitError::NotFound(url.to_string()))?;
        repo.staged
            .remove(path)
            .map(|_| ())
            .ok_or_else(|| GitError::BadPath(path.to_string()))
    }

    /// Commits what is staged; returns the new commit's id.
    pub fn commit(
        &mut self,
        url: &str,
        message: &str,
        author: (&str, &str),
        time: SimTime,
    ) -> Result<String, GitError> {
        let key = normalize_url(url);
        let repo = self
            .repos
            .get(&key)
            .ok_or_else(|| GitError::NotFound(url.to_string()))?;
        let mut files = BTreeMap::new();
        let mut new_blobs = Vec::new();
        for (p, data) in repo.staged.iter() {
            let id = hash_object("blob", data);
            files.insert(p.clone(), id.clone());
            new_blobs.push((id, data.clone()));
        }
        let tree = tree_id(&files);
        let parent = repo
            .branch_head(repo.current_branch())
            .map(|h| h.id.clone());
        if parent.is_some()
            && repo
                .branch_head(repo.current_branch())
                .is_some_and(|h| h.files == files)
        {
            return Err(GitError::NothingToCommit);
        }
        let secs = (crate::clock::EPOCH_UNIX_MS + time.0 as i64) / 1000;
        let mut body = format!("tree {tree}\n");
        if let Some(p) = &parent {
            body.push_str(&format!("parent {p}\n"));
        }
        let who = format!("{} <{}> {secs} +0000", author.0, author.1);
        body.push_str(&format!("author {who}\ncommitter {who}\n\n{message}\n"));
        let id = hash_object("commit", body.as_bytes());
        for (b, d) in new_blobs {
            self.blobs.insert(b, d);
        }
        if let Some(repo) = self.repos.get_mut(&key) {
            repo.migrate();
            let branch = repo.current_branch().to_string();
            repo.branches.insert(branch, id.clone());
            repo.commits.push(Commit {
                id: id.clone(),
                parent,
                tree,
                author: author.0.to_string(),
                email: author.1.to_string(),
                time,
                message: message.to_string(),
                files,
            });
        }
        Ok(id)
    }
}

impl Remotes {
    /// Commits what is staged on the current branch and returns what `git commit -m`
    /// prints: `[master (root-commit) 1a2b3c4] message`, the summary line and the
    /// create/delete mode lines.
    pub fn commit_reported(
        &mut self,
        url: &str,
        message: &str,
        author: (&str, &str),
        time: SimTime,
    ) -> Result<String, GitError> {
        let id = self.commit(url, message, author, time)?;
        let Some(repo) = self.repo(url) else {
            return Ok(String::new());
        };
        let Some(new) = repo.commit(&id) else {
            return Ok(String::new());
        };
        let old = new.parent.as_deref().and_then(|p| repo.commit(p));
        let changes = self.diff(old, Some(new));
        let root = if old.is_none() { " (root-commit)" } else { "" };
        let title = message.lines().next().unwrap_or_default();
        let mut out = format!("[{}{root} {}] {title}\n", repo.current_branch(), &id[..7]);
        // `--stat` without its per-file lines.
        for line in diffstat(&changes).lines().skip(changes.len()) {
            out.push_str(line);
            out.push('\n');
        }
        Ok(out)
    }

    /// Creates a branch at `start` (a branch or commit; the current branch's head when
    /// None), as `git branch NAME [START]` on the server.
    pub fn create_branch(
        &mut self,
        url: &str,
        name: &str,
        start: Option<&str>,
    ) -> Result<String, GitError> {
        let repo = self
            .repos
            .get_mut(&normalize_url(url))
            .ok_or_else(|| GitError::NotFound(url.to_string()))?;
        if !valid_branch_name(name) {
            return Err(GitError::InvalidBranchName(name.to_string()));
        }
        repo.migrate();
        if repo.branches.contains_key(name) {
            return Err(GitError::BranchExists(name.to_string()));
        }
        let start_name = start.unwrap_or(repo.current_branch()).to_string();
        let id = repo
            .resolve(&start_name)
            .map(|c| c.id.clone())
            .ok_or(GitError::BadRevision(start_name))?;
        repo.branches.insert(name.to_string(), id.clone());
        Ok(id)
    }

    /// Makes `name` the branch the next commit goes on, with its files staged
    /// (`git switch` on the server's work tree).
    pub fn checkout(&mut self, url: &str, name: &str) -> Result<(), GitError> {
        let repo = self
            .repos
            .get_mut(&normalize_url(url))
            .ok_or_else(|| GitError::NotFound(url.to_string()))?;
        let unborn = repo.commits.is_empty() && name == repo.branch;
        let files = match repo.branch_head(name) {
            Some(head) => head.files.clone(),
            None if unborn => BTreeMap::new(),
            None => return Err(GitError::InvalidReference(name.to_string())),
        };
        let mut staged = Keyed::new();
        for (path, blob) in files {
            let data = self.blobs.get(&blob).cloned().unwrap_or_default();
            staged.insert(path, data);
        }
        repo.staged = staged;
        repo.work_branch = (name != repo.branch).then(|| name.to_string());
        Ok(())
    }
}

/// Per-file line counts of a change, as `git diff --stat` counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub binary: bool,
    pub insertions: usize,
    pub deletions: usize,
    pub old_size: usize,
    pub new_size: usize,
}

fn is_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|b| *b == 0)
}

/// Lines added and removed between two texts (longest common subsequence).
fn line_counts(old: &[u8], new: &[u8]) -> (usize, usize) {
    let a: Vec<&[u8]> = old.split_inclusive(|b| *b == b'\n').collect();
    let b: Vec<&[u8]> = new.split_inclusive(|b| *b == b'\n').collect();
    // Trim the common prefix and suffix first: most edits are small.
    let mut s = 0;
    while s < a.len() && s < b.len() && a[s] == b[s] {
        s += 1;
    }
    let mut e = 0;
    while e < a.len() - s && e < b.len() - s && a[a.len() - 1 - e] == b[b.len() - 1 - e] {
        e += 1;
    }
    let a = &a[s..a.len() - e];
    let b = &b[s..b.len() - e];
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return (b.len(), a.len());
    }
    let mut dp = vec![0u32; (a.len() + 1) * (b.len() + 1)];
    let w = b.len() + 1;
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            dp[i * w + j] = if a[i] == b[j] {
                dp[(i + 1) * w + j + 1] + 1
            } else {
                dp[(i + 1) * w + j].max(dp[i * w + j + 1])
            };
        }
    }
    let common = dp[0] as usize;
    (b.len() - common, a.len() - common)
}

impl Remotes {
    /// What changed between two commits of a repo (either may be absent: empty tree).
    pub fn diff(&self, old: Option<&Commit>, new: Option<&Commit>) -> Vec<FileChange> {
        let empty = BTreeMap::new();
        let of = old.map_or(&empty, |c| &c.files);
        let nf = new.map_or(&empty, |c| &c.files);
        let mut paths: Vec<&String> = of.keys().chain(nf.keys()).collect();
        crate::sort::sort(&mut paths);
        paths.dedup();
        let mut out = Vec::new();
        for p in paths {
            let (o, n) = (of.get(p), nf.get(p));
            if o == n {
                continue;
            }
            let od = o.and_then(|id| self.blob(id)).unwrap_or_default();
            let nd = n.and_then(|id| self.blob(id)).unwrap_or_default();
            let binary = is_binary(od) || is_binary(nd);
            let (ins, del) = if binary { (0, 0) } else { line_counts(od, nd) };
            out.push(FileChange {
                path: p.clone(),
                old: o.cloned(),
                new: n.cloned(),
                binary,
                insertions: ins,
                deletions: del,
                old_size: od.len(),
                new_size: nd.len(),
            });
        }
        out
    }
}

/// `git diff --stat` lines, the summary line and the create/delete mode lines.
pub fn diffstat(changes: &[FileChange]) -> String {
    let name_w = changes
        .iter()
        .map(|c| c.path.chars().count())
        .max()
        .unwrap_or(0);
    let max_change = changes
        .iter()
        .filter(|c| !c.binary)
        .map(|c| c.insertions + c.deletions)
        .max()
        .unwrap_or(0);
    let mut num_w = max_change.to_string().len();
    if changes.iter().any(|c| c.binary) {
        num_w = num_w.max(3);
    }
    // git scales the graph to fit 80 columns.
    let graph_w = 80usize.saturating_sub(name_w + num_w + 6).max(6);
    let mut out = String::new();
    for c in changes {
        if c.binary {
            out.push_str(&format!(
                " {:<name_w$} | {:>num_w$} {} -> {} bytes\n",
                c.path, "Bin", c.old_size, c.new_size
            ));
            continue;
        }
        let total = c.insertions + c.deletions;
        let (plus, minus) = if max_change > graph_w {
            let scale = |n: usize| {
                if n == 0 {
                    0
                } else {
                    (n * graph_w).div_ceil(max_change).max(1)
                }
            };
            (scale(c.insertions), scale(c.deletions))
        } else {
            (c.insertions, c.deletions)
        };
        out.push_str(&format!(
            " {:<name_w$} | {:>num_w$} {}{}\n",
            c.path,
            total,
            "+".repeat(plus),
            "-".repeat(minus)
        ));
    }
    let files = changes.len();
    let ins: usize = changes.iter().map(|c| c.insertions).sum();
    let del: usize = changes.iter().map(|c| c.deletions).sum();
    let mut summary = format!(" {files} file{} changed", if files == 1 { "" } else { "s" });
    if ins > 0 || del == 0 {
        summary.push_str(&format!(
            ", {ins} insertion{}(+)",
            if ins == 1 { "" } else { "s" }
        ));
    }
    if del > 0 || ins == 0 {
        summary.push_str(&format!(
            ", {del} deletion{}(-)",
            if del == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&summary);
    out.push('\n');
    for c in changes {
        match (&c.old, &c.new) {
            (None, Some(_)) => out.push_str(&format!(" create mode 100644 {}\n", c.path)),
            (Some(_), None) => out.push_str(&format!(" delete mode 100644 {}\n", c.path)),
            _ => {}
        }
    }
    out
}

mod staged {
    use crate::keyed::Keyed;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    /// Written as a map of path to hex contents.
    pub fn serialize<S: Serializer>(v: &Keyed<String, Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(v.iter().map(|(k, d)| (k, hex(d))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Keyed<String, Vec<u8>>, D::Error> {
        let m = BTreeMap::<String, String>::deserialize(d)?;
        Ok(m.into_iter()
            .map(|(k, v)| (k, super::hex_bytes(&v)))
            .collect())
    }

    pub fn hex(d: &[u8]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }
}

mod blobs {
    pub use super::staged::{deserialize, serialize};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_git_object_hashes() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            hash_object("blob", b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        // The empty tree.
        assert_eq!(
            tree_id(&BTreeMap::new()),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
        let mut files = BTreeMap::new();
        files.insert("hello.txt".to_string(), hash_object("blob", b"hello\n"));
        // `git write-tree` over a repo holding hello.txt.
        assert_eq!(tree_id(&files), "aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7");
    }

    #[test]
    fn diffstat_reads_like_git() {
        let changes = vec![
            FileChange {
                path: "images/pic-k8s.jpg".into(),
                old: None,
                new: Some("x".into()),
                binary: true,
                insertions: 0,
                deletions: 0,
                old_size: 0,
                new_size: 14645,
            },
            FileChange {
                path: "index.html".into(),
                old: Some("a".into()),
                new: Some("b".into()),
                binary: false,
                insertions: 2,
                deletions: 2,
                old_size: 10,
                new_size: 10,
            },
        ];
        assert_eq!(
            diffstat(&changes),
            " images/pic-k8s.jpg | Bin 0 -> 14645 bytes\n index.html         |   4 ++--\n 2 files changed, 2 insertions(+), 2 deletions(-)\n create mode 100644 images/pic-k8s.jpg\n"
        );
        assert_eq!(line_counts(b"a\nb\nc\n", b"a\nB\nc\nd\n"), (2, 1));
    }
}
