//! `git branch`, `git checkout` and `git switch`: branches listed, made and switched to.

use super::*;

/// `git branch`: list local branches (`-r` remote-tracking ones, `-a` both), or create
/// one at HEAD.
pub(super) fn branch(ex: &mut Ex, args: &[String], io: &Io) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let (mut local, mut remote) = (true, false);
    let mut names = Vec::new();
    for a in args {
        match a.as_str() {
            "-r" | "--remotes" => (local, remote) = (false, true),
            "-a" | "--all" => (local, remote) = (true, true),
            "-l" | "--list" => {}
            a if a.starts_with('-') => return unknown_option(ex, io, a),
            a => names.push(a.to_string()),
        }
    }
    let current = local_branch(ex, &root);
    if let Some(name) = names.first() {
        if !crate::git::valid_branch_name(name) {
            return fail(
                ex,
                io,
                &format!("fatal: '{name}' is not a valid branch name\n"),
                128,
            );
        }
        if read_ref(ex, &root, &format!("refs/heads/{name}")).is_some() {
            return fail(
                ex,
                io,
                &format!("fatal: a branch named '{name}' already exists\n"),
                128,
            );
        }
        let Some(head) = local_head(ex, &root) else {
            return fail(
                ex,
                io,
                &format!("fatal: not a valid object name: '{current}'\n"),
                128,
            );
        };
        let _ = write(
            ex,
            &normalize(&root, &format!(".git/refs/heads/{name}")),
            format!("{head}\n").as_bytes(),
        );
        ex.status(0);
        return Flow::Next;
    }
    let mut text = String::new();
    if local {
        for b in ref_names(ex, &root, "refs/heads") {
            let mark = if b == current { '*' } else { ' ' };
            text.push_str(&format!("{mark} {b}\n"));
        }
    }
    if remote {
        let prefix = if local { "remotes/" } else { "" };
        if let Some(h) = read_ref(ex, &root, "refs/remotes/origin/HEAD") {
            let target = h.strip_prefix("ref: refs/remotes/").unwrap_or(&h);
            text.push_str(&format!("  {prefix}origin/HEAD -> {target}\n"));
        }
        for b in ref_names(ex, &root, "refs/remotes/origin") {
            if b != "HEAD" {
                text.push_str(&format!("  {prefix}origin/{b}\n"));
            }
        }
    }
    ex.out(io, &text);
    ex.status(0);
    Flow::Next
}

/// The refs under `.git/DIR` (branch names may hold slashes), sorted.
fn ref_names(ex: &mut Ex, root: &str, dir: &str) -> Vec<String> {
    let view = ex.p.view.clone();
    let mut files = std::collections::BTreeMap::new();
    collect(
        ex,
        &view,
        &normalize(root, &format!(".git/{dir}")),
        "",
        &mut files,
    );
    files.into_keys().collect()
}

/// `git checkout BRANCH` / `git switch BRANCH` (and `-b` / `-c NEW`): switch the working
/// tree to a local branch, or to a new one tracking `origin/BRANCH`.
pub(super) fn checkout(ex: &mut Ex, args: &[String], io: &Io, switch: bool) -> Flow {
    let root = match work_tree(ex, io) {
        Ok(root) => root,
        Err(flow) => return flow,
    };
    let mut create = false;
    let mut target = None;
    for a in args {
        match a.as_str() {
            "-b" if !switch => create = true,
            "-c" | "--create" if switch => create = true,
            "-q" | "--quiet" => {}
            a if a.starts_with('-') => {
                return fail(
                    ex,
                    io,
                    &format!("error: unknown switch `{}'\n", a.trim_start_matches('-')),
                    129,
                )
            }
            a if target.is_none() => target = Some(a.to_string()),
            _ => {}
        }
    }
    let Some(target) = target else {
        return fail(
            ex,
            io,
            if switch {
                "fatal: missing branch or commit argument\n"
            } else {
                ""
            },
            if switch { 128 } else { 0 },
        );
    };
    let url = remote_url(ex, &root).unwrap_or_default();
    let repo = ex.host.git().repo(&url).cloned();
    let head_ref = head_ref(ex, &root);
    let current = branch_of(head_ref.as_deref());
    let head = head_of(ex, &root, head_ref.as_deref());
    let local_ref = read_ref(ex, &root, &format!("refs/heads/{target}"));
    let remote_ref = read_ref(ex, &root, &format!("refs/remotes/origin/{target}"));
    if create {
        if !crate::git::valid_branch_name(&target) {
            return fail(
                ex,
                io,
                &format!("fatal: '{target}' is not a valid branch name\n"),
                128,
            );
        }
        if local_ref.is_some() {
            return fail(
                ex,
                io,
                &format!("fatal: a branch named '{target}' already exists\n"),
                128,
            );
        }
        if let Some(h) = &head {
            let _ = write(
                ex,
                &normalize(&root, &format!(".git/refs/heads/{target}")),
                format!("{h}\n").as_bytes(),
            );
        }
        let _ = write(
            ex,
            &normalize(&root, ".git/HEAD"),
            format!("ref: refs/heads/{target}\n").as_bytes(),
        );
        ex.err(io, &format!("Switched to a new branch '{target}'\n"));
        ex.status(0);
        return Flow::Next;
    }
    if target == current && local_ref.is_some() {
        ex.err(io, &format!("Already on '{target}'\n"));
        let line = tracking(ex, &root, repo.as_ref(), &target, head.as_deref());
        ex.out(io, &line);
        ex.status(0);
        return Flow::Next;
    }
    let (new_id, tracking_new) = match (local_ref, remote_ref) {
        (Some(id), _) => (id, false),
        (None, Some(id)) => (id, true),
        (None, None) if switch => {
            return fail(
                ex,
                io,
                &format!("fatal: invalid reference: {target}\n"),
                128,
            )
        }
        (None, None) => {
            return fail(
                ex,
                io,
                &format!("error: pathspec '{target}' did not match any file(s) known to git\n"),
                1,
            )
        }
    };
    let Some(repo) = repo else {
        return fail(
            ex,
            io,
            &format!("fatal: reference is not a tree: {target}\n"),
            128,
        );
    };
    let old = head.as_deref().and_then(|id| repo.commit(id));
    let new = repo.commit(&new_id);
    let changes = ex.host.git().diff(old, new);
    if let Err(e) = update_work_tree(ex, &root, &changes, "checkout") {
        return fail(ex, io, &e.to_string(), 1);
    }
    if tracking_new {
        let _ = write(
            ex,
            &normalize(&root, &format!(".git/refs/heads/{target}")),
            format!("{new_id}\n").as_bytes(),
        );
        let config_path = normalize(&root, ".git/config");
        let mut config = read_text(ex, &config_path).unwrap_or_default();
        config.push_str(&format!(
            "[branch \"{target}\"]\n\tremote = origin\n\tmerge = refs/heads/{target}\n"
        ));
        let _ = write(ex, &config_path, config.as_bytes());
    }
    let _ = write(
        ex,
        &normalize(&root, ".git/HEAD"),
        format!("ref: refs/heads/{target}\n").as_bytes(),
    );
    if tracking_new {
        ex.out(
            io,
            &format!("branch '{target}' set up to track 'origin/{target}'.\n"),
        );
        ex.err(io, &format!("Switched to a new branch '{target}'\n"));
    } else {
        ex.err(io, &format!("Switched to branch '{target}'\n"));
        let line = tracking(ex, &root, Some(&repo), &target, Some(&new_id));
        ex.out(io, &line);
    }
    ex.status(0);
    Flow::Next
}
