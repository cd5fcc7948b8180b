//! `kubectl exec`: a process started in a running container, beside its main process,
//! with the container's file system view, environment and network. Either a command run
//! to completion (with what was piped to its stdin), or an interactive session (`-it --
//! sh`): a shell that keeps its working directory and variables between the lines typed
//! at it, until it exits or its container stops.

use super::{Kubelet, Origin, Phase, RunHost};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::git::Remotes;
use crate::shell::{Chunks, Process, Spawn, State, Stream, System};
use serde::{Deserialize, Serialize};

/// Which container an exec runs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
}

/// An interactive `kubectl exec -i[t]` in progress: each line typed goes to the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecSession {
    pub target: Target,
    process: Process,
    /// `-t`: the shell has a terminal, so it prompts.
    tty: bool,
    /// How it ended: the shell's exit status, or 137 when the container went away.
    ended: Option<i32>,
}

impl ExecSession {
    /// The shell's prompt (`/ # ` for busybox's ash, `root@web:/# ` for bash, `# ` for
    /// Debian's dash); empty without a terminal, as a shell reading a pipe prints none.
    pub fn prompt(&self) -> String {
        if !self.tty {
            return String::new();
        }
        let p = &self.process;
        let shown = p.prompt_dir("/root");
        let sigil = p.sigil();
        match (p.system, self.shell()) {
            (_, "bash") => {
                let user = crate::fs::user_name(p.user.uid);
                format!("{user}@{}:{shown}{sigil} ", self.target.pod)
            }
            (s, _) if s.is_busybox() => format!("{shown} {sigil} "),
            _ => format!("{sigil} "),
        }
    }

    /// The shell's exit status once the session is over.
    pub fn ended(&self) -> Option<i32> {
        self.ended
    }

    fn shell(&self) -> &str {
        self.process.name()
    }
}

/// Whether `argv` starts an interactive shell when given a terminal.
pub fn is_shell(argv: &[String]) -> bool {
    let base = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or_default();
    matches!(base, "sh" | "bash" | "ash" | "dash") && argv.len() == 1
}

/// Why an exec could not start; `Display` is what kubectl prints after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// The API server has no pod of that name (`pods "web" not found`).
    NoSuchPod(String),
    /// The kubelet runs no pod of that uid.
    PodNotFound,
    /// The pod has no container of that name.
    ContainerNotFound,
    /// The container (named) is not running.
    NotRunning(String),
    /// The image has no such program (named).
    NoProgram(String),
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::NoSuchPod(pod) => write!(f, "pods {pod:?} not found"),
            ExecError::PodNotFound => f.write_str("pod not found"),
            ExecError::ContainerNotFound => f.write_str("container not found"),
            ExecError::NotRunning(container) => write!(
                f,
                "unable to upgrade connection: container not found ({container:?})"
            ),
            ExecError::NoProgram(program) => write!(f, "OCI runtime exec failed: exec failed: unable to start container process: exec: {program:?}: executable file not found in $PATH: unknown"),
        }
    }
}

impl std::error::Error for ExecError {}

impl Kubelet {
    /// What an exec in `target` starts from: the running container's system, view,
    /// user and environment, working directory `/`.
    fn exec_spawn(&self, uid: &str, container: &str) -> Result<(Spawn, String, String), ExecError> {
        let work = self.pods.get(uid).ok_or(ExecError::PodNotFound)?;
        let c = work
            .containers
            .iter()
            .chain(&work.init)
            .find(|c| c.name == container)
            .ok_or(ExecError::ContainerNotFound)?;
        let running = matches!(c.phase, Phase::Running { .. });
        let p = c
            .process
            .as_ref()
            .filter(|_| running)
            .ok_or_else(|| ExecError::NotRunning(container.to_string()))?;
        let spawn = Spawn {
            system: p.system,
            view: p.view.clone(),
            user: p.user,
            env: p.env.clone(),
            cwd: "/".into(),
        };
        Ok((spawn, work.namespace.clone(), work.name.clone()))
    }

    /// Runs `process` to completion in the pod's network namespace.
    fn run_in_pod(
        &mut self,
        api: &ApiServer,
        git: &mut Remotes,
        now: SimTime,
        target: &Target,
        process: &mut Process,
        line: Option<&str>,
    ) -> Chunks {
        let ip = api
            .pods
            .get(&target.namespace, &target.pod)
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default();
        let mut host = RunHost {
            kubelet: self,
            api,
            git,
            now,
            hostname: target.pod.clone(),
            origin: Origin::Pod {
                uid: target.uid.clone(),
                namespace: target.namespace.clone(),
                ip,
            },
        };
        match line {
            Some(line) => process.run_line(&mut host, line),
            None => {
                process.run(&mut host);
                process.take_output()
            }
        }
    }

    /// Runs a command in a running container (`kubectl exec`), with `stdin` as its
    /// standard input: (output, exit code), or the runtime's error.
    #[allow(clippy::too_many_arguments)]
    pub fn exec(
        &mut self,
        api: &ApiServer,
        git: &mut Remotes,
        now: SimTime,
        uid: &str,
        container: &str,
        argv: Vec<String>,
        stdin: Option<Vec<u8>>,
    ) -> Result<(Chunks, i32), ExecError> {
        let (spawn, namespace, pod) = self.exec_spawn(uid, container)?;
        check_program(spawn.system, &argv)?;
        let mut process = Process::exec(spawn, argv);
        process.make_foreground();
        if let Some(data) = stdin {
            process.set_stdin(data);
        }
        let target = Target {
            namespace,
            pod,
            uid: uid.to_string(),
            container: container.to_string(),
        };
        let out = self.run_in_pod(api, git, now, &target, &mut process, None);
        let code = match process.state {
            State::Exited(c) => c,
            _ => 0,
        };
        Ok((out, code))
    }

    /// Starts an interactive shell (`argv` is `sh`, `bash`, ...) in a running container.
    pub fn exec_session(
        &mut self,
        uid: &str,
        container: &str,
        argv: &[String],
        tty: bool,
    ) -> Result<ExecSession, ExecError> {
        let (spawn, namespace, pod) = self.exec_spawn(uid, container)?;
        check_program(spawn.system, argv)?;
        let name = argv
            .first()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
            .unwrap_or_else(|| "sh".into());
        Ok(ExecSession {
            target: Target {
                namespace,
                pod,
                uid: uid.to_string(),
                container: container.to_string(),
            },
            process: Process::login(spawn, &name),
            tty,
            ended: None,
        })
    }

    /// Runs one line typed into an exec session. When the shell exits, or its container
    /// is no longer running, the session ends (see [`ExecSession::ended`]).
    pub fn exec_line(
        &mut self,
        api: &ApiServer,
        git: &mut Remotes,
        now: SimTime,
        session: &mut ExecSession,
        line: &str,
    ) -> Chunks {
        if session.ended.is_some() {
            return Vec::new();
        }
        if self
            .exec_spawn(&session.target.uid, &session.target.container)
            .is_err()
        {
            // The container stopped under the shell: kubectl reports the kill.
            session.ended = Some(137);
            return Vec::new();
        }
        let target = session.target.clone();
        let mut out = self.run_in_pod(api, git, now, &target, &mut session.process, Some(line));
        if session.process.exited() {
            if session.tty && session.shell() == "bash" {
                out.push((Stream::Stderr, b"exit\n".to_vec()));
            }
            session.ended = Some(session.process.status());
        }
        out
    }
}

/// The runtime's error for a program the image does not have.
fn check_program(system: System, argv: &[String]) -> Result<(), ExecError> {
    let program = argv.first().cloned().unwrap_or_default();
    if super::programs::find(system, &program).is_some() {
        Ok(())
    } else {
        Err(ExecError::NoProgram(program))
    }
}
