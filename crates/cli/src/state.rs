//! The saved cluster: a JSON state file, read and written under a lock so that
//! podlab commands run at the same time on one file do not lose each other's changes.
//!
//! The lock is a file beside the state file (`STATE.lock`, which stays): the state file
//! itself is replaced by a rename on every save, so it cannot carry the lock. A command
//! that changes the cluster holds the lock exclusively from reading the file to writing
//! it back; one that only reads it (`share`, `export`) holds it shared. A command that
//! cannot get the lock within `PODLAB_LOCK_TIMEOUT` (a duration, default 10s) fails
//! with exit code 1, naming the state file.
//!
//! Following commands (`kubectl logs -f`, `get -w`, `events -w`, `wait`) do not hold the
//! lock while they wait: they take it for each one-second step (see [`Following`]), so
//! `podlab kubectl create` in another terminal goes ahead, and a watch shows it, as
//! `kubectl get -w` shows what another kubectl did.
//!
//! `podlab run` holds the lock for the whole transcript and keeps the cluster in memory
//! between its commands ([`open`]); it writes the file when the transcript ends.

use podlab_core::clock::parse_duration;
use podlab_core::Cluster;
use std::cell::RefCell;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a command does with the saved cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads it only: a shared lock, and the file is not written.
    Read,
    /// Changes it: an exclusive lock, and the file is written back.
    Write,
}

/// A held lock on a state file; dropping it releases the lock.
pub(crate) struct Lock {
    _file: File,
}

/// How long a command waits for the lock: `PODLAB_LOCK_TIMEOUT`, else 10 seconds.
fn lock_timeout() -> Duration {
    std::env::var("PODLAB_LOCK_TIMEOUT")
        .ok()
        .and_then(|v| parse_duration(&v).ok())
        .map_or(Duration::from_secs(10), Duration::from_millis)
}

fn lock_path(path: &str) -> PathBuf {
    let mut p = Path::new(path).as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Takes the lock on the state file `path`, waiting at most [`lock_timeout`].
pub(crate) fn lock(path: &str, access: Access) -> Result<Lock, String> {
    let lock_file = lock_path(path);
    if let Some(dir) = lock_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the directory of the state file {path}: {e}"))?;
    }
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_file)
        .map_err(|e| {
            format!(
                "cannot lock the state file {path}: cannot open {}: {e}",
                lock_file.display()
            )
        })?;
    let timeout = lock_timeout();
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        let tried = match access {
            Access::Read => file.try_lock_shared(),
            Access::Write => file.try_lock(),
        };
        match tried {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(format!(
                "the state file {path} is in use by another podlab command (waited {}s for it); \
                     try again when it has finished, or set PODLAB_LOCK_TIMEOUT to wait longer",
                timeout.as_secs_f64()
            ))
            }
            Err(TryLockError::Error(e)) => {
                return Err(format!(
                    "cannot lock the state file {path} ({}): {e}",
                    lock_file.display()
                ))
            }
        }
    }
}

/// The cluster in `path`, or the default cluster when the file does not exist, with
/// the text it was read from (`None` for a new cluster). The caller holds the lock.
fn load(path: &str) -> Result<(Cluster, Option<String>), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => match Cluster::restore(&text) {
            Ok(c) => Ok((c, Some(text))),
            Err(e) => Err(format!(
                "{path}: {e}
The file is left as it is; move it aside or delete it to start a new cluster."
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((Cluster::with_default_nodes(1), None))
        }
        Err(e) => Err(format!("cannot read the state file {path}: {e}")),
    }
}

/// Writes `text` to `path` atomically (a temporary file renamed over it). The caller
/// holds the lock.
fn save(path: &str, text: &str) -> std::io::Result<()> {
    let target = Path::new(path);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, target)
}

/// A state file `podlab run` has open: locked, its cluster in memory.
struct Open {
    path: String,
    /// `None` while a command runs on it.
    cluster: Option<Cluster>,
    _lock: Lock,
}

thread_local! {
    /// The state files open for transcripts being replayed (nested ones included).
    static OPEN: RefCell<Vec<Open>> = const { RefCell::new(Vec::new()) };
}

/// Whether `path` is open for a transcript (its commands run in memory).
pub(crate) fn is_open(path: &str) -> bool {
    OPEN.with(|o| o.borrow().iter().any(|s| s.path == path))
}

/// Runs `f` with `path`'s cluster for a transcript's commands: locked and loaded once,
/// kept in memory by every command until `f` returns, then written back (unless it was
/// already open, for a transcript replaying another).
pub(crate) fn open<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    if is_open(path) {
        return Ok(f());
    }
    let lock = lock(path, Access::Write)?;
    let (cluster, _) = load(path)?;
    OPEN.with(|o| {
        o.borrow_mut().push(Open {
            path: path.to_string(),
            cluster: Some(cluster),
            _lock: lock,
        })
    });
    let result = f();
    let open = OPEN.with(|o| {
        let mut o = o.borrow_mut();
        let at = o.iter().position(|s| s.path == path);
        at.map(|i| o.remove(i))
    });
    if let Some(cluster) = open.and_then(|o| o.cluster) {
        save(path, &cluster.snapshot())
            .map_err(|e| format!("cannot write the state file {path}: {e}"))?;
    }
    Ok(result)
}

/// Runs `f` on the cluster saved in `path` (or the default cluster when there is none)
/// and, for [`Access::Write`], saves the result atomically: a failed or interrupted run
/// leaves the old file. Errors (the lock, a corrupt file) go to `err` with exit code 1.
pub(crate) fn with_state<O: Default>(
    path: &str,
    access: Access,
    err: &mut dyn std::io::Write,
    f: impl FnOnce(&mut Cluster) -> (O, String, i32),
) -> std::io::Result<(O, String, i32)> {
    // Open for a transcript: the cluster in memory (taken out while `f` runs).
    let taken = OPEN.with(|o| {
        let mut o = o.borrow_mut();
        o.iter_mut()
            .find(|s| s.path == path)
            .map(|s| s.cluster.take())
    });
    match taken {
        Some(Some(mut cluster)) => {
            let result = f(&mut cluster);
            OPEN.with(|o| {
                if let Some(open) = o.borrow_mut().iter_mut().find(|s| s.path == path) {
                    open.cluster = Some(cluster);
                }
            });
            return Ok(result);
        }
        Some(None) => {
            writeln!(
                err,
                "podlab: the state file {path} is in use by the command running"
            )?;
            return Ok((O::default(), String::new(), 1));
        }
        None => {}
    }
    let _lock = match lock(path, access) {
        Ok(l) => l,
        Err(e) => {
            writeln!(err, "podlab: {e}")?;
            return Ok((O::default(), String::new(), 1));
        }
    };
    let mut cluster = match load(path) {
        Ok((c, _)) => c,
        Err(e) => {
            writeln!(err, "podlab: {e}")?;
            return Ok((O::default(), String::new(), 1));
        }
    };
    let result = f(&mut cluster);
    if access == Access::Write {
        save(path, &cluster.snapshot())?;
    }
    Ok(result)
}

/// Makes `cluster` the one saved in `path` (`podlab open`).
pub(crate) fn replace(path: &str, cluster: Cluster) -> Result<(), String> {
    let mut cluster = Some(cluster);
    OPEN.with(|o| {
        if let Some(open) = o.borrow_mut().iter_mut().find(|s| s.path == path) {
            open.cluster = cluster.take();
        }
    });
    let Some(cluster) = cluster else {
        return Ok(());
    };
    let _lock = lock(path, Access::Write)?;
    save(path, &cluster.snapshot()).map_err(|e| format!("cannot write the state file {path}: {e}"))
}

/// A following command outside a transcript, between its one-second steps: the
/// cluster it follows, kept in memory (the watch cache `get -w` reads lives only
/// there), and the state file's text as it last wrote it.
pub(crate) struct Following {
    path: String,
    cluster: Cluster,
    written: String,
}

impl Following {
    /// Starts following after the command's first output; `cluster` was just saved to `path`.
    pub(crate) fn new(path: &str, cluster: Cluster) -> Following {
        let written = cluster.snapshot();
        Following {
            path: path.to_string(),
            cluster,
            written,
        }
    }

    /// One step: takes the lock, picks up what other commands changed in the file since
    /// the last step, lets `ms` of simulated time pass (less what another command let
    /// pass meanwhile, so two followers do not run the clock twice as fast), runs `f`,
    /// and saves. The lock is free between steps.
    pub(crate) fn step<T>(
        &mut self,
        ms: u64,
        f: impl FnOnce(&mut Cluster) -> T,
    ) -> Result<T, String> {
        let _lock = lock(&self.path, Access::Write)?;
        let mut ms = ms;
        match std::fs::read_to_string(&self.path) {
            Ok(text) if text != self.written => {
                let mut now = Cluster::restore(&text).map_err(|e| format!("{}: {e}", self.path))?;
                let passed = now.now().0.saturating_sub(self.cluster.now().0);
                ms = ms.saturating_sub(passed);
                now.adopt_watches(&self.cluster);
                self.cluster = now;
            }
            _ => {}
        }
        if ms > 0 {
            self.cluster.advance(ms);
        }
        let result = f(&mut self.cluster);
        let text = self.cluster.snapshot();
        save(&self.path, &text)
            .map_err(|e| format!("cannot write the state file {}: {e}", self.path))?;
        self.written = text;
        Ok(result)
    }
}
