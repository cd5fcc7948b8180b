//! The `git` program inside containers and on nodes: clone, pull, fetch, log, status,
//! rev-parse, with git's messages. A clone keeps its state in files under `.git`.

mod branch;

use super::Ex;
use super::{diffstat, hash_object, normalize_url, Commit, FileChange};
use crate::fs::{self, normalize};
use crate::shell::exec::{Flow, Io};

const VERSION: &str = "git version 2.43.0";

/// Why `git` in a working tree refused: git's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WorkTreeError {
    /// Local edits a merge or checkout would overwrite.
    LocalChanges { action: String, paths: Vec<String> },
    /// Untracked files a merge or checkout would overwrite.
    Untracked { action: String, paths: Vec<String> },
    /// A file could not be written.
    CannotCreate { path: String, errno: fs::Errno },
    /// `git log` on a branch without commits.
    NoCommits { branch: String },
}

impl std::fmt::Display for WorkTreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let then = |action: &str| {
            if action == "merge" {
                "merge"
            } else {
                "switch branches"
            }
        };
        let list =
            |paths: &[String]| -> String { paths.iter().map(|p| format!("\t{p}\n")).collect() };
        match self {
            WorkTreeError::LocalChanges { action, paths } => write!(
                f,
                "error: Your local changes to the following files would be overwritten by {action}:\n{}Please commit your changes or stash them before you {}.\nAborting\n",
                list(paths),
                then(action)
            ),
            WorkTreeError::Untracked { action, paths } => write!(
                f,
                "error: The following untracked working tree files would be overwritten by {action}:\n{}Please move or remove them before you {}.\nAborting\n",
                list(paths),
                then(action)
            ),
            WorkTreeError::CannotCreate { path, errno } => {
                writeln!(f, "error: unable to create file {path}: {errno}")
            }
            WorkTreeError::NoCommits { branch } => writeln!(
                f,
                "fatal: your current branch '{branch}' does not have any commits yet"
            ),
        }
    }
}

fn fail(ex: &mut Ex, io: &Io, msg: &str, code: i32) -> Flow {
    ex.err(io, msg);
    ex.status(code);
    Flow::Next
}

pub fn run(ex: &mut Ex, argv: &[String], io: &Io) -> Flow {
    let mut args: Vec<String> = argv[1..].to_vec();
    let mut dir_override = None;
    while args.first().map(String::as_str) == Some("-C") && args.len() >= 2 {
        dir_override = Some(args[1].clone());
        args.drain(..2);
    }
    if let Some(d) = dir_override {
        let cwd = normalize(&ex.p.cwd, &d);
        let saved = std::mem::replace(&mut ex.p.cwd, cwd);
        let f = run_sub(ex, &args, io);
        ex.p.cwd = saved;
        return f;
    }
    run_sub(ex, &args, io)
}

fn run_sub(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let Some(sub) = args.first() else {
        ex.out(
            io,
            "usage: git [-v | --version] [-h | --help] [-C <path>] <command> [<args>]\n",
        );
        ex.status(1);
        return Flow::Next;
    };
    let rest = &args[1..];
    match sub.as_str() {
        "--version" | "version" => {
            ex.out(io, &format!("{VERSION}\n"));
            ex.status(0);
            Flow::Next
        }
        "clone" => clone(ex, rest, io),
        "pull" => pull(ex, rest, io, true),
        "fetch" => pull(ex, rest, io, false),
        "log" => log(ex, rest, io),
        "status" => status(ex, io),
        "rev-parse" => rev_parse(ex, rest, io),
        "branch" => branch::branch(ex, rest, io),
        "checkout" | "switch" => branch::checkout(ex, rest, io, sub == "switch"),
        "add" | "commit" | "push" | "merge" | "rebase" | "reset" | "stash" | "init"
        | "remote" | "diff" | "show" | "tag" => fail(
            ex,
            io,
            &format!("podlab: `git {sub}` inside the cluster is not emulated; change the remote repository from the Git panel or with `podlab git`\n"),
            1,
        ),
        other => fail(
            ex,
            io,
            &format!("git: '{other}' is not a git command. See 'git --help'.\n"),
            1,
        ),
    }
}

/// The working tree root, or git's error outside a repository.
fn work_tree(ex: &mut Ex, io: &Io) -> Result<String, Flow> {
    match repo_root(ex) {
        Some(root) => Ok(root),
        None => Err(fail(
            ex,
            io,
            "fatal: not a git repository (or any of the parent directories): .git\n",
            128,
        )),
    }
}

/// git's answer to an option it does not know.
fn unknown_option(ex: &mut Ex, io: &Io, option: &str) -> Flow {
    let name = option.trim_start_matches('-');
    fail(ex, io, &format!("error: unknown option `{name}'\n"), 129)
}

/// The working tree root (the directory holding `.git`) at or above the cwd.
fn repo_root(ex: &mut Ex) -> Option<String> {
    let mut at = ex.p.cwd.clone();
    loop {
        let git = normalize(&at, ".git");
        if ex.host.fs().stat(&ex.p.view, &git).is_ok_and(|s| s.is_dir) {
            return Some(at);
        }
        if at == "/" {
            return None;
        }
        at = fs::parent(&at).to_string();
    }
}

fn read_text(ex: &mut Ex, path: &str) -> Option<String> {
    ex.host
        .fs()
        .read(&ex.p.view, path)
        .ok()
        .map(|d| String::from_utf8_lossy(d).into_owned())
}

/// `f` of a file's text (lossy UTF-8), without copying a file that is valid UTF-8.
fn with_text<T>(ex: &mut Ex, path: &str, f: impl FnOnce(&str) -> T) -> Option<T> {
    let view = &ex.p.view;
    let data = ex.host.fs().read(view, path).ok()?;
    // `from_utf8` checks ASCII a word at a time; the lossy decoder goes byte by byte.
    Some(match std::str::from_utf8(data) {
        Ok(text) => f(text),
        Err(_) => f(&String::from_utf8_lossy(data)),
    })
}

fn write(ex: &mut Ex, path: &str, data: &[u8]) -> Result<(), fs::Errno> {
    let now = ex.now();
    let (view, user) = (ex.p.view.clone(), ex.p.user);
    ex.host
        .fs()
        .mkdir(&view, fs::parent(path), true, user, now)?;
    ex.host.fs().write(&view, path, data, false, user, now)
}

/// The remote URL from `.git/config`.
fn remote_url(ex: &mut Ex, root: &str) -> Option<String> {
    with_text(ex, &normalize(root, ".git/config"), |config| {
        config
            .lines()
            .find_map(|l| l.trim().strip_prefix("url = ").map(str::to_string))
    })?
}

/// The ref `.git/HEAD` names (`refs/heads/main`), if it names one.
fn head_ref(ex: &mut Ex, root: &str) -> Option<String> {
    with_text(ex, &normalize(root, ".git/HEAD"), |head| {
        head.trim().strip_prefix("ref: ").map(str::to_string)
    })?
}

/// The commit the ref `head_ref` names points at.
fn head_of(ex: &mut Ex, root: &str, head_ref: Option<&str>) -> Option<String> {
    read_ref(ex, root, head_ref?)
}

/// The branch `head_ref` names (`master` when HEAD names no branch).
fn branch_of(head_ref: Option<&str>) -> String {
    head_ref
        .and_then(|r| r.strip_prefix("refs/heads/"))
        .unwrap_or("master")
        .to_string()
}

fn local_head(ex: &mut Ex, root: &str) -> Option<String> {
    let r = head_ref(ex, root);
    head_of(ex, root, r.as_deref())
}

/// The checked-out branch, from `.git/HEAD`.
fn local_branch(ex: &mut Ex, root: &str) -> String {
    branch_of(head_ref(ex, root).as_deref())
}

fn read_ref(ex: &mut Ex, root: &str, name: &str) -> Option<String> {
    with_text(ex, &normalize(root, &format!(".git/{name}")), |s| {
        s.trim().to_string()
    })
}

fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// GitHub's answer for a repository that does not exist.
fn not_found(url: &str) -> String {
    let shown = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    format!("remote: Repository not found.\nfatal: repository '{shown}' not found\n")
}

fn is_local_path(url: &str) -> bool {
    !url.contains("://") && !url.contains('@')
}

fn clone(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let mut positional = Vec::new();
    let mut quiet = false;
    let mut wanted: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-q" | "--quiet" => quiet = true,
            "-b" | "--branch" => {
                i += 1;
                wanted = args.get(i).cloned();
            }
            "--depth" | "--origin" | "-o" => i += 1,
            a if a.starts_with("--branch=") => wanted = Some(a["--branch=".len()..].to_string()),
            a if a.starts_with("--depth=") => {}
            a if a.starts_with('-') && a.len() > 1 => return unknown_option(ex, io, a),
            a => positional.push(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = positional.first().cloned() else {
        return fail(
            ex,
            io,
            "fatal: You must specify a repository to clone.\n",
            129,
        );
    };
    let dir_arg = positional.get(1).cloned().unwrap_or_else(|| {
        let base = normalize_url(&url);
        fs::base_name(&base).to_string()
    });
    let shown = {
        let t = dir_arg.trim_end_matches('/');
        if t.is_empty() {
            "/".to_string()
        } else {
            t.to_string()
        }
    };
    let dest = normalize(&ex.p.cwd, &dir_arg);
    let view = ex.p.view.clone();
    if let Ok(st) = ex.host.fs().stat(&view, &dest) {
        let empty = st.is_dir && ex.host.fs().list(&view, &dest).is_ok_and(|l| l.is_empty());
        if !empty {
            return fail(
                ex,
                io,
                &format!("fatal: destination path '{shown}' already exists and is not an empty directory.\n"),
                128,
            );
        }
    }
    let repo = ex.host.git().repo(&url).cloned();
    let Some(repo) = repo else {
        if is_local_path(&url) {
            return fail(
                ex,
                io,
                &format!("fatal: repository '{url}' does not exist\n"),
                128,
            );
        }
        if !quiet {
            ex.err(io, &format!("Cloning into '{shown}'...\n"));
        }
        return fail(ex, io, &not_found(&url), 128);
    };
    if !quiet {
        ex.err(io, &format!("Cloning into '{shown}'...\n"));
    }
    let branch = wanted.clone().unwrap_or_else(|| repo.branch.clone());
    if wanted.is_some() && repo.branch_head(&branch).is_none() {
        return fail(
            ex,
            io,
            &format!("fatal: Remote branch {branch} not found in upstream origin\n"),
            128,
        );
    }
    let now = ex.now();
    let user = ex.p.user;
    if let Err(e) = ex.host.fs().mkdir(&view, &dest, true, user, now) {
        return fail(
            ex,
            io,
            &format!("fatal: could not create work tree dir '{shown}': {e}\n"),
            128,
        );
    }
    let head = repo.branch_head(&branch).cloned();
    let git = |p: &str| normalize(&dest, &format!(".git/{p}"));
    let config = format!(
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n[remote \"origin\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"{branch}\"]\n\tremote = origin\n\tmerge = refs/heads/{branch}\n"
    );
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            git("HEAD"),
            format!("ref: refs/heads/{branch}\n").into_bytes(),
        ),
        (git("config"), config.into_bytes()),
        (
            git("description"),
            b"Unnamed repository; edit this file 'description' to name the repository.\n".to_vec(),
        ),
    ];
    for d in ["branches", "hooks", "info", "objects/pack", "refs/tags"] {
        let _ = ex.host.fs().mkdir(&view, &git(d), true, user, now);
    }
    if let Some(h) = &head {
        files.push((
            git(&format!("refs/heads/{branch}")),
            format!("{}\n", h.id).into_bytes(),
        ));
        for (b, id) in repo.branch_list() {
            files.push((
                git(&format!("refs/remotes/origin/{b}")),
                format!("{id}\n").into_bytes(),
            ));
        }
        files.push((
            git("refs/remotes/origin/HEAD"),
            format!("ref: refs/remotes/origin/{}\n", repo.branch).into_bytes(),
        ));
        for (path, blob) in &h.files {
            let data = ex.host.git().blob(blob).unwrap_or_default().to_vec();
            files.push((normalize(&dest, path), data));
        }
    }
    for (p, d) in files {
        if let Err(e) = write(ex, &p, &d) {
            return fail(
                ex,
                io,
                &format!("error: unable to create file {p}: {e}\n"),
                128,
            );
        }
    }
    if head.is_none() {
        ex.err(
            io,
            "warning: You appear to have cloned an empty repository.\n",
        );
    }
    ex.status(0);
    Flow::Next
}

fn pull(ex: &mut Ex, _args: &[String], io: &Io, merge: bool) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let Some(url) = remote_url(ex, &root) else {
        return fail(ex, io, "fatal: No remote repository specified.  Please, specify either a URL or a\nremote name from which new revisions should be fetched.\n", 1);
    };
    // `.git/HEAD` read once for both the local commit and the branch.
    let head = head_ref(ex, &root);
    let local = head_of(ex, &root, head.as_deref());
    let branch = branch_of(head.as_deref());
    let Some(repo) = ex.host.git().repo(&url) else {
        return fail(ex, io, &not_found(&url), 128);
    };
    let remote_branches = repo.branch_list();
    let head_id = repo.branch_head(&branch).map(|h| h.id.clone());
    // What `git fetch` updates: every remote-tracking branch that moved.
    let mut moved = Vec::new();
    for (b, id) in &remote_branches {
        let fetched = read_ref(ex, &root, &format!("refs/remotes/origin/{b}"));
        if fetched.as_deref() != Some(id.as_str()) {
            moved.push((b.clone(), fetched, id.clone()));
        }
    }
    // The common case, nothing new: answer without copying the repository.
    if merge && moved.is_empty() && head_id.is_some() && head_id == local {
        ex.out(io, "Already up to date.\n");
        ex.status(0);
        return Flow::Next;
    }
    let Some(repo) = ex.host.git().repo(&url).cloned() else {
        return fail(ex, io, &not_found(&url), 128);
    };
    if !moved.is_empty() {
        let width = remote_branches
            .iter()
            .map(|(b, _)| b.len())
            .max()
            .unwrap_or(0)
            .max(10);
        let mut text = format!("From {url}\n");
        for (b, old, new) in &moved {
            let (flag, summary) = match old {
                Some(old) => (' ', format!("{}..{}", short(old), short(new))),
                None => ('*', "[new branch]".to_string()),
            };
            text.push_str(&format!(
                " {flag} {summary:<17} {b:<width$} -> origin/{b}\n"
            ));
            let _ = write(
                ex,
                &normalize(&root, &format!(".git/refs/remotes/origin/{b}")),
                format!("{new}\n").as_bytes(),
            );
        }
        ex.err(io, &text);
    }
    if !merge {
        ex.status(0);
        return Flow::Next;
    }
    let Some(remote) = repo.branch_head(&branch).cloned() else {
        return fail(ex, io, &format!("Your configuration specifies to merge with the ref 'refs/heads/{branch}'\nfrom the remote, but no such ref was fetched.\n"), 1);
    };
    if local.as_deref() == Some(remote.id.as_str()) {
        ex.out(io, "Already up to date.\n");
        ex.status(0);
        return Flow::Next;
    }
    let old: Option<Commit> = local.as_deref().and_then(|id| repo.commit(id)).cloned();
    let changes = ex.host.git().diff(old.as_ref(), Some(&remote));
    if let Some(l) = &local {
        ex.out(
            io,
            &format!("Updating {}..{}\n", short(l), short(&remote.id)),
        );
    }
    if let Err(e) = update_work_tree(ex, &root, &changes, "merge") {
        return fail(ex, io, &e.to_string(), 1);
    }
    let head_ref = normalize(&root, &format!(".git/refs/heads/{branch}"));
    let _ = write(ex, &head_ref, format!("{}\n", remote.id).as_bytes());
    if local.is_some() {
        ex.out(io, "Fast-forward\n");
    }
    ex.out(io, &diffstat(&changes));
    ex.status(0);
    Flow::Next
}

/// Writes a change set into the working tree, refusing (with git's words for `merge` or
/// `checkout`) when that would overwrite local edits or untracked files.
fn update_work_tree(
    ex: &mut Ex,
    root: &str,
    changes: &[FileChange],
    action: &str,
) -> Result<(), WorkTreeError> {
    let view = ex.p.view.clone();
    let mut dirty = Vec::new();
    let mut untracked = Vec::new();
    for c in changes {
        let path = normalize(root, &c.path);
        let current = ex
            .host
            .fs()
            .read(&view, &path)
            .ok()
            .map(|d| hash_object("blob", d));
        match (&c.old, current) {
            (Some(o), Some(cur)) if *o != cur => dirty.push(c.path.clone()),
            (Some(_), None) => {}
            (None, Some(cur)) if Some(&cur) != c.new.as_ref() => untracked.push(c.path.clone()),
            _ => {}
        }
    }
    if !dirty.is_empty() {
        return Err(WorkTreeError::LocalChanges {
            action: action.to_string(),
            paths: dirty,
        });
    }
    if !untracked.is_empty() {
        return Err(WorkTreeError::Untracked {
            action: action.to_string(),
            paths: untracked,
        });
    }
    for c in changes {
        let path = normalize(root, &c.path);
        match &c.new {
            Some(blob) => {
                let data = ex.host.git().blob(blob).unwrap_or_default().to_vec();
                if let Err(errno) = write(ex, &path, &data) {
                    return Err(WorkTreeError::CannotCreate {
                        path: c.path.clone(),
                        errno,
                    });
                }
            }
            None => {
                let user = ex.p.user;
                let _ = ex.host.fs().remove_path(&view, &path, false, user);
            }
        }
    }
    Ok(())
}

/// How the branch stands against its remote-tracking branch, as `git status` and
/// `git checkout` say it.
fn tracking(
    ex: &mut Ex,
    root: &str,
    repo: Option<&super::Repo>,
    branch: &str,
    head: Option<&str>,
) -> String {
    let fetched = read_ref(ex, root, &format!("refs/remotes/origin/{branch}"));
    match (fetched, head) {
        (Some(f), Some(h)) if f == h => {
            format!("Your branch is up to date with 'origin/{branch}'.\n")
        }
        (Some(f), Some(h)) => {
            let behind = repo.map_or(0, |r| {
                r.history(&f).iter().take_while(|c| c.id != h).count()
            });
            format!(
                "Your branch is behind 'origin/{branch}' by {behind} commit{}, and can be fast-forwarded.\n  (use \"git pull\" to update your local branch)\n",
                if behind == 1 { "" } else { "s" }
            )
        }
        _ => String::new(),
    }
}

fn history(ex: &mut Ex, root: &str) -> Result<Vec<Commit>, WorkTreeError> {
    let url = remote_url(ex, root).unwrap_or_default();
    let repo = ex.host.git().repo(&url).cloned();
    let Some(mut at) = local_head(ex, root) else {
        return Err(WorkTreeError::NoCommits {
            branch: "master".into(),
        });
    };
    let mut out = Vec::new();
    while let Some(c) = repo.as_ref().and_then(|r| r.commit(&at)) {
        out.push(c.clone());
        match &c.parent {
            Some(p) => at = p.clone(),
            None => break,
        }
    }
    Ok(out)
}

fn log(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let mut oneline = false;
    let mut limit = usize::MAX;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--oneline" {
            oneline = true;
        } else if a == "-n" {
            i += 1;
            limit = args.get(i).and_then(|n| n.parse().ok()).unwrap_or(limit);
        } else if let Some(n) = a.strip_prefix('-').and_then(|n| n.parse().ok()) {
            limit = n;
        } else if let Some(n) = a.strip_prefix("--max-count=").and_then(|n| n.parse().ok()) {
            limit = n;
        } else {
            return fail(ex, io, &format!("fatal: unrecognized argument: {a}\n"), 128);
        }
        i += 1;
    }
    let commits = match history(ex, &root) {
        Ok(c) => c,
        Err(e) => return fail(ex, io, &e.to_string(), 128),
    };
    let mut text = String::new();
    for (n, c) in commits.iter().take(limit).enumerate() {
        let subject = c.message.lines().next().unwrap_or("");
        if oneline {
            text.push_str(&format!("{} {subject}\n", short(&c.id)));
            continue;
        }
        if n > 0 {
            text.push('\n');
        }
        let date = k8s_openapi::jiff::fmt::strtime::format(
            "%a %b %-d %H:%M:%S %Y +0000",
            c.time.to_time().0,
        )
        .unwrap_or_default();
        text.push_str(&format!(
            "commit {}\nAuthor: {} <{}>\nDate:   {date}\n\n",
            c.id, c.author, c.email
        ));
        for l in c.message.lines() {
            text.push_str(&format!("    {l}\n"));
        }
    }
    ex.out(io, &text);
    ex.status(0);
    Flow::Next
}

fn rev_parse(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let head = local_head(ex, &root).unwrap_or_default();
    let shorten = args.iter().any(|a| a == "--short");
    let id = if shorten {
        short(&head).to_string()
    } else {
        head
    };
    ex.out(io, &format!("{id}\n"));
    ex.status(0);
    Flow::Next
}

fn status(ex: &mut Ex, io: &Io) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let url = remote_url(ex, &root).unwrap_or_default();
    let repo = ex.host.git().repo(&url).cloned();
    let head = local_head(ex, &root);
    let tracked: std::collections::BTreeMap<String, String> = head
        .as_deref()
        .and_then(|h| repo.as_ref().and_then(|r| r.commit(h)))
        .map(|c| c.files.clone())
        .unwrap_or_default();
    let view = ex.p.view.clone();
    let mut present = std::collections::BTreeMap::new();
    collect(ex, &view, &root, "", &mut present);
    let mut modified = Vec::new();
    let mut deleted = Vec::new();
    for (p, blob) in &tracked {
        match present.get(p) {
            Some(h) if h != blob => modified.push(p.clone()),
            None => deleted.push(p.clone()),
            _ => {}
        }
    }
    let mut untracked: Vec<String> = Vec::new();
    for p in present.keys().filter(|p| !tracked.contains_key(*p)) {
        // A directory with nothing tracked shows as `dir/`.
        let mut shown = p.clone();
        let parts: Vec<&str> = p.split('/').collect();
        for k in 1..parts.len() {
            let prefix = format!("{}/", parts[..k].join("/"));
            if !tracked.keys().any(|t| t.starts_with(&prefix)) {
                shown = prefix;
                break;
            }
        }
        if !untracked.contains(&shown) {
            untracked.push(shown);
        }
    }
    let branch = local_branch(ex, &root);
    let mut text = format!("On branch {branch}\n");
    text.push_str(&tracking(
        ex,
        &root,
        repo.as_ref(),
        &branch,
        head.as_deref(),
    ));
    if !modified.is_empty() || !deleted.is_empty() {
        text.push_str("\nChanges not staged for commit:\n  (use \"git add/rm <file>...\" to update what will be committed)\n  (use \"git restore <file>...\" to discard changes in working directory)\n");
        let mut all: Vec<(String, &str)> =
            modified.iter().map(|p| (p.clone(), "modified:")).collect();
        all.extend(deleted.iter().map(|p| (p.clone(), "deleted: ")));
        crate::sort::sort(&mut all);
        for (p, what) in all {
            text.push_str(&format!("\t{what}   {p}\n"));
        }
    }
    if !untracked.is_empty() {
        text.push_str("\nUntracked files:\n  (use \"git add <file>...\" to include in what will be committed)\n");
        for p in &untracked {
            text.push_str(&format!("\t{p}\n"));
        }
    }
    if modified.is_empty() && deleted.is_empty() {
        if untracked.is_empty() {
            text.push_str("\nnothing to commit, working tree clean\n");
        } else {
            text.push_str("\nnothing added to commit but untracked files present (use \"git add\" to track)\n");
        }
    } else {
        text.push_str("\nno changes added to commit (use \"git add\" and/or \"git commit -a\")\n");
    }
    ex.out(io, &text);
    ex.status(0);
    Flow::Next
}

/// Every file of the working tree (outside `.git`) with its blob id.
fn collect(
    ex: &mut Ex,
    view: &fs::View,
    root: &str,
    rel: &str,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    let dir = if rel.is_empty() {
        root.to_string()
    } else {
        normalize(root, rel)
    };
    let Ok(entries) = ex.host.fs().list(view, &dir) else {
        return;
    };
    for (name, st) in entries {
        if rel.is_empty() && name == ".git" {
            continue;
        }
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if st.is_dir {
            if out.len() < 10_000 {
                collect(ex, view, root, &r, out);
            }
        } else if let Ok(d) = ex.host.fs().read(view, &normalize(root, &r)) {
            out.insert(r, hash_object("blob", d));
        }
    }
}
