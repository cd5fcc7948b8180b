//! `podlab kubectl ARGS...`, including the commands that go on: `exec -it` (a shell
//! reading what is typed; each line is a locked step, so other commands go ahead
//! between lines), and the following ones (`logs -f`, `get -w`, `events -w`, `wait`).
//!
//! A following command runs simulated time at the wall clock's pace, as on a real
//! cluster, until it ends; Ctrl-C ends it sooner. It does not keep the state file
//! locked while it waits: each second it takes the lock, picks up what other podlab
//! commands changed meanwhile (a watch prints their changes), lets a second pass, prints
//! and saves ([`crate::state::Following`]). So `podlab kubectl create` in another
//! terminal goes ahead while `podlab kubectl get pods -w` runs, as with kubectl. Ctrl-C
//! keeps the state as of the last whole second, and nothing printed is newer than that:
//! each second's output is printed once the state holding it is saved, so a command run
//! afterwards contradicts nothing the follower showed.
//!
//! In a transcript (`podlab run`) nothing waits for the wall clock: a following command
//! runs simulated time a second at a time until it ends, or until the run's follow
//! limit (`--follow-limit`, default 60s of simulated time) has passed; then it stops
//! with a message on standard error and exit code 130, as if interrupted.

use crate::state::{self, Access, Following};
use crate::{interact, print_chunks, Code, RealFiles};
use podlab_core::kubectl::{Follow, Polled};
use std::cell::Cell;
use std::io::Write;

thread_local! {
    /// How much simulated time a transcript lets a following command run (ms).
    pub(crate) static FOLLOW_LIMIT: Cell<u64> = const { Cell::new(60_000) };
}

/// The exit code of a following command a transcript stopped (128 + SIGINT, as a
/// shell reports a command ended by Ctrl-C).
const STOPPED: i32 = 130;

pub(crate) fn kubectl(
    state_path: &str,
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Code> {
    let in_transcript = state::is_open(state_path);
    let mut following = None;
    let mut interactive = None;
    let mut editing = None;
    let (o, e, code) = state::with_state(state_path, Access::Write, err, |cluster| {
        let mut output = podlab_core::kubectl::run(cluster, args, &RealFiles);
        if let Some(edit) = output.edit.take() {
            // `kubectl edit`: the editor opens once the lock is free (below).
            editing = Some(edit);
            return (Vec::new(), output.stderr, 0);
        }
        if let Some(session) = output.exec {
            // `exec -it POD -- sh` at a terminal: the shell reads what is typed, once
            // the command's start is saved (below).
            interactive = Some((session, cluster.clone()));
            return (output.stdout.into_bytes(), output.stderr, 0);
        }
        // Bytes as kubectl wrote them (`exec POD -- cat picture.jpg > copy.jpg`).
        let stdout = output.stdout_raw().to_vec();
        match output.follow {
            Some(follow) if in_transcript => {
                let _ = out.write_all(&stdout);
                let (o, e, code) = follow_in_transcript(cluster, follow, output.stderr, out);
                (o.into_bytes(), e, code)
            }
            // What it printed first is shown once it is saved (below): a follower
            // prints nothing from a state it does not keep.
            Some(follow) => {
                following = Some((follow, cluster.clone()));
                (stdout, output.stderr, 0)
            }
            None => (stdout, output.stderr, output.exit_code),
        }
    })?;
    out.write_all(&o)?;
    out.flush()?;
    if let Some(edit) = editing {
        write!(err, "{e}")?;
        return edit_in_editor(state_path, &edit, in_transcript, out, err);
    }
    if let Some((session, cluster)) = interactive {
        return exec_session(state_path, session, cluster, e, err);
    }
    let Some((mut follow, cluster)) = following else {
        write!(err, "{e}")?;
        return Ok(code.clamp(0, 255) as u8);
    };
    // The first output is saved and the lock free: follow, a locked step a second.
    let mut stderr = e;
    let mut following = Following::new(state_path, cluster);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let polled: Polled = match following.step(1_000, |c| follow.poll(c)) {
            Ok(p) => p,
            Err(e) => {
                write!(err, "{stderr}")?;
                writeln!(err, "podlab: {e}")?;
                return Ok(1);
            }
        };
        write!(out, "{}", polled.stdout)?;
        out.flush()?;
        stderr.push_str(&polled.stderr);
        if let Some(code) = polled.ended {
            write!(err, "{stderr}")?;
            return Ok(code.clamp(0, 255) as u8);
        }
    }
}

/// `kubectl exec -it` at a terminal: each line typed runs in the container's shell as
/// a locked step on the saved cluster ([`Following::step`], no time passing), so other
/// podlab commands go ahead between lines.
fn exec_session(
    state_path: &str,
    mut session: podlab_core::kubelet::exec::ExecSession,
    cluster: podlab_core::Cluster,
    stderr: String,
    err: &mut dyn Write,
) -> std::io::Result<Code> {
    let mut following = Following::new(state_path, cluster);
    let prompt = std::cell::RefCell::new(session.prompt());
    let mut failed = None;
    interact(
        || prompt.borrow().clone(),
        |line| match following.step(0, |c| c.exec_line(&mut session, line)) {
            Ok(chunks) => {
                print_chunks(chunks);
                *prompt.borrow_mut() = session.prompt();
                session.ended().is_some()
            }
            Err(e) => {
                failed = Some(e);
                true
            }
        },
    );
    if let Some(e) = failed {
        writeln!(err, "podlab: {e}")?;
        return Ok(1);
    }
    match session.ended() {
        Some(code) if code != 0 => {
            writeln!(err, "command terminated with exit code {code}")?;
            Ok(code.clamp(0, 255) as u8)
        }
        _ => {
            write!(err, "{stderr}")?;
            Ok(0)
        }
    }
}

/// A following command in a transcript: simulated time a second at a time, no waiting,
/// until it ends or the follow limit has passed.
fn follow_in_transcript(
    cluster: &mut podlab_core::Cluster,
    mut follow: Follow,
    mut stderr: String,
    out: &mut dyn Write,
) -> (String, String, i32) {
    let limit = FOLLOW_LIMIT.with(Cell::get);
    let mut followed = 0;
    loop {
        if followed >= limit {
            stderr.push_str(&format!(
                "podlab run: stopped following after {}s of simulated time, the limit in a \
                 transcript (end the command sooner with --request-timeout or --timeout, or \
                 raise the limit with podlab run --follow-limit)\n",
                limit / 1000
            ));
            return (String::new(), stderr, STOPPED);
        }
        let step = 1_000.min(limit - followed);
        cluster.advance(step);
        followed += step;
        let polled = follow.poll(cluster);
        let _ = write!(out, "{}", polled.stdout);
        stderr.push_str(&polled.stderr);
        if let Some(code) = polled.ended {
            return (String::new(), stderr, code);
        }
    }
}

/// `kubectl edit` in a terminal: the object in `$KUBE_EDITOR`, `$EDITOR` or `vi` (as
/// kubectl picks it), then what was saved is applied. A refused change is kept in the
/// file, whose path is printed, as kubectl does when the editor is left without a fix.
fn edit_in_editor(
    state_path: &str,
    edit: &podlab_core::kubectl::edit::Edit,
    in_transcript: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Code> {
    if in_transcript {
        writeln!(err, "error: podlab: kubectl edit needs an editor, which a transcript has not: use kubectl get -o yaml > FILE, edit FILE, then kubectl apply -f FILE")?;
        return Ok(1);
    }
    let editor = ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let path = std::env::temp_dir().join(format!("{}-{}", std::process::id(), edit.file));
    std::fs::write(&path, &edit.text)?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let ran = std::process::Command::new(program)
        .args(words)
        .arg(&path)
        .status();
    if !ran.is_ok_and(|s| s.success()) {
        writeln!(err, "error: there was a problem with the editor {editor:?}")?;
        return Ok(1);
    }
    let text = std::fs::read_to_string(&path)?;
    let mut done = true;
    let (o, e, code) = state::with_state(state_path, Access::Write, err, |cluster| {
        let (output, finished) = edit.save(cluster, &text);
        done = finished;
        (output.stdout.into_bytes(), output.stderr, output.exit_code)
    })?;
    out.write_all(&o)?;
    write!(err, "{e}")?;
    if done {
        let _ = std::fs::remove_file(&path);
    } else {
        writeln!(
            err,
            "A copy of your changes has been stored to {:?}",
            path.display().to_string()
        )?;
    }
    Ok(code.clamp(0, 255) as u8)
}
