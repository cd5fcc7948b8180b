//! `podlab`: the simulated cluster on the command line. A thin front over podlab-core.
//!
//! Exit codes: 0 success, 1 the command failed, 2 usage error.

use podlab_core::clock::parse_duration;
use podlab_core::kubectl::{printers, ReadError};
use podlab_core::Cluster;
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;

mod kubectl;
mod run;
mod state;

use state::Access;

/// A command's exit status: 0 success, 1 failed, 2 usage error.
type Code = u8;

thread_local! {
    /// A transcript's `< FILE`: what standard input reads instead of the process's.
    static STDIN_FILE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// All of standard input (or of the file a transcript redirects it from).
fn read_stdin_bytes() -> std::io::Result<Vec<u8>> {
    if let Some(path) = STDIN_FILE.with(|f| f.borrow().clone()) {
        return std::fs::read(path);
    }
    let mut data = Vec::new();
    std::io::stdin().read_to_end(&mut data)?;
    Ok(data)
}

fn read_stdin() -> std::io::Result<String> {
    let data = read_stdin_bytes()?;
    String::from_utf8(data)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
}

/// Whether standard input is the person's terminal.
fn stdin_is_terminal() -> bool {
    STDIN_FILE.with(|f| f.borrow().is_none()) && std::io::stdin().is_terminal()
}

/// A terminal session in the CLI: shows `prompt()`, hands each line read from the
/// terminal to `line` (which prints its output and says whether the session ended),
/// until it ends or input does (Ctrl-D).
fn interact(prompt: impl Fn() -> String, mut line: impl FnMut(&str) -> bool) {
    use std::io::Write;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let mut err = std::io::stderr();
        let _ = write!(err, "{}", prompt());
        let _ = err.flush();
        let mut text = String::new();
        match input.read_line(&mut text) {
            Ok(0) | Err(_) => {
                let _ = writeln!(err);
                return;
            }
            Ok(_) => {}
        }
        if line(text.trim_end_matches(['\n', '\r'])) {
            return;
        }
    }
}

/// Prints a shell's output chunks to the process's stdout and stderr as they come.
fn print_chunks(chunks: podlab_core::shell::Chunks) {
    use std::io::Write;
    for (stream, data) in chunks {
        let _ = match stream {
            podlab_core::shell::Stream::Stdout => std::io::stdout().write_all(&data),
            podlab_core::shell::Stream::Stderr => std::io::stderr().write_all(&data),
        };
    }
    let _ = std::io::stdout().flush();
}

const USAGE: &str = "podlab: a simulated Kubernetes cluster

Usage:
  podlab [--state FILE] kubectl ARGS...
      Run a kubectl command against the saved cluster in FILE (default: $PODLAB_STATE,
      else .podlab/state.json; created with the default three-node cluster if missing).
      Commands on one FILE take turns (FILE.lock); one that cannot have it within
      $PODLAB_LOCK_TIMEOUT (default 10s) fails. logs -f, get -w and wait let simulated
      time pass at the wall clock's pace and take their turn once a second.
  podlab [--state FILE] advance DURATION
      Let simulated time pass (500ms, 10s, 5m, 1h) and run everything due.
  podlab place [--advance DURATION] [--seed N] [--no-default-nodes]
               [--scheduler-config FILE] FILE...
      Create the objects in FILE (YAML or JSON; '-' reads stdin) on the default
      three-node cluster, let DURATION of simulated time pass (default 30s) and
      print where each pod landed, or why it could not be placed. With
      --no-default-nodes the files' nodes are the whole cluster: give it
      `kubectl get nodes,pods -o yaml` from a real cluster and a new pod to ask where
      it would land there. With --scheduler-config the scheduler runs the profiles
      of a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, as
      kube-scheduler's --config reads it): a pod's spec.schedulerName picks its
      profile; a pod naming no profile stays Pending.
  podlab [--state FILE] scheduler-config set FILE | show | reset
      Run the saved cluster's scheduler with the KubeSchedulerConfiguration in FILE
      ('-' reads stdin), print the configuration it runs, or go back to
      kube-scheduler's defaults (one profile, default-scheduler).
  podlab [--state FILE] ssh NODE COMMAND...
      Run a shell command on a node as user k8s (sudo works), as after `ssh NODE`.
  podlab [--state FILE] curl [-sSvfiIL] [-o FILE | -O] [-H 'NAME: VALUE'] [-w FORMAT] [-X METHOD] URL
      An HTTP request from outside the cluster (http://NODE_IP:NODE_PORT/path), with
      curl's everyday options; the body is written as it came, byte for byte.
  podlab [--state FILE] git init URL | put URL PATH [FILE] | rm URL PATH |
                              commit URL -m MESSAGE [--author 'NAME <EMAIL>'] |
                              branch URL [NAME [START]] | checkout URL BRANCH | log URL [BRANCH]
      Change the git repositories outside the cluster that pods clone and pull.
  podlab [--state FILE] share [--base URL] [--editor FILE]
      Print a link that opens the saved cluster (and FILE in the editor) in the
      playground at URL (default http://127.0.0.1:8080/).
  podlab [--state FILE] open LINK [--editor FILE]
      Make a share link's cluster the saved one (its editor text goes to FILE). LINK
      may be a file holding the link, or '-' for standard input.
  podlab [--state FILE] export kind|manifests
      Print the saved cluster for a real one: `kind` a kind cluster config with its
      nodes' labels and taints, `manifests` its namespaces, services and pods to
      apply there.
  podlab [--state FILE] run [--check] [--follow-limit DURATION] SCRIPT
      Replay a transcript ('$ podlab ...' lines with the expected output under each;
      '-' reads stdin) against the saved cluster, from the current directory. Prints
      the transcript with what each command printed now; with --check, reports every
      command whose output, exit code or expected stderr differs, and exits 1 if any.
      The saved cluster stays locked and in memory until the transcript ends, then is
      written. Following commands (logs -f, get -w, wait) run simulated time without
      waiting, for at most DURATION (default 60s) each: then they stop with a message
      and exit code 130. A run that takes longer than 10 seconds reports its progress
      on stderr every 10 seconds.
  podlab jsonpath [--allow-missing-template-keys=false] TEMPLATE [FILE]
      Evaluate a kubectl JSONPath template over a JSON or YAML document (default:
      stdin) and print what `kubectl get -o jsonpath=TEMPLATE` would.
  podlab version
      Print podlab's version and the Kubernetes version it emulates.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args, &mut std::io::stdout(), &mut std::io::stderr()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("podlab: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage_error(err: &mut dyn std::io::Write, msg: &str) -> std::io::Result<Code> {
    writeln!(err, "error: {msg}\nSee 'podlab --help' for usage.")?;
    Ok(2)
}

fn run(
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut args = args;
    let mut state_path =
        std::env::var("PODLAB_STATE").unwrap_or_else(|_| ".podlab/state.json".into());
    while let Some(first) = args.first() {
        if first == "--state" {
            let Some(p) = args.get(1) else {
                return usage_error(err, "flag needs an argument: --state");
            };
            state_path = p.clone();
            args = &args[2..];
        } else if let Some(p) = first.strip_prefix("--state=") {
            state_path = p.to_string();
            args = &args[1..];
        } else {
            break;
        }
    }
    match args.first().map(String::as_str) {
        Some("kubectl") => kubectl::kubectl(&state_path, &args[1..], out, err),
        Some("advance") => {
            let Some(d) = args.get(1) else {
                return usage_error(err, "advance needs a DURATION (e.g. 10s, 5m)");
            };
            let ms = match parse_duration(d) {
                Ok(ms) => ms,
                Err(e) => return usage_error(err, &e.to_string()),
            };
            let (_, _, code) = state::with_state(&state_path, Access::Write, err, |cluster| {
                cluster.advance(ms);
                (String::new(), String::new(), 0)
            })?;
            Ok(code.clamp(0, 255) as u8)
        }
        None | Some("-h") | Some("--help") | Some("help") => {
            write!(out, "{USAGE}")?;
            Ok(if args.is_empty() { 2 } else { 0 })
        }
        Some("version") => {
            writeln!(out, "podlab {}", env!("CARGO_PKG_VERSION"))?;
            writeln!(out, "Kubernetes {}", podlab_core::model::KUBERNETES_VERSION)?;
            Ok(0)
        }
        Some("place") => place(&args[1..], out, err),
        Some("scheduler-config") => scheduler_config(&state_path, &args[1..], out, err),
        Some("ssh") => {
            let Some(node) = args.get(1) else {
                return usage_error(err, "ssh needs a NODE and a COMMAND");
            };
            // `podlab ssh NODE -- CMD` as well as `podlab ssh NODE CMD`.
            let words = match args.get(2).map(String::as_str) {
                Some("--") => &args[3..],
                _ => &args[2..],
            };
            let line = words.join(" ");
            let mut login = None;
            let (o, e, code) = state::with_state(&state_path, Access::Write, err, |cluster| {
                let mut session = podlab_core::Session::new(node);
                if cluster.api().nodes.get("", node).is_none() {
                    return (
                        String::new(),
                        format!(
                            "ssh: Could not resolve hostname {node}: Name or service not known\n"
                        ),
                        255,
                    );
                }
                if words.is_empty() && stdin_is_terminal() {
                    // `podlab ssh NODE` at a terminal: a login shell (below).
                    login = Some((session, cluster.clone()));
                    return (String::new(), String::new(), 0);
                }
                let chunks = if words.is_empty() {
                    // `podlab ssh NODE < script`: the login shell reads the script, a
                    // command at a time (`sudo -i` opens a root shell reading the rest).
                    let script = read_stdin().unwrap_or_default();
                    cluster.terminal_script(&mut session, &script)
                } else {
                    // `podlab ssh NODE CMD`; a shell it opens (`sudo -i < script`)
                    // reads standard input (none at a terminal or in a transcript
                    // without `< FILE`).
                    cluster.terminal_command(&mut session, &line, || {
                        let redirected = STDIN_FILE.with(|f| f.borrow().is_some());
                        if redirected || !(stdin_is_terminal() || state::is_open(&state_path)) {
                            read_stdin().unwrap_or_default()
                        } else {
                            String::new()
                        }
                    })
                };
                let (mut o, mut e) = (String::new(), String::new());
                for (stream, data) in chunks {
                    let t = String::from_utf8_lossy(&data);
                    match stream {
                        podlab_core::shell::Stream::Stdout => o.push_str(&t),
                        podlab_core::shell::Stream::Stderr => e.push_str(&t),
                    }
                }
                (o, e, session.last_status())
            })?;
            if let Some((session, cluster)) = login {
                return login_shell(&state_path, session, cluster, err);
            }
            write!(out, "{o}")?;
            write!(err, "{e}")?;
            Ok(code.clamp(0, 255) as u8)
        }
        Some("curl") => curl(&state_path, &args[1..], out, err),
        Some("git") => git(&state_path, &args[1..], out, err),
        Some("run") => run::run_script(&state_path, &args[1..], out, err),
        Some("jsonpath") => jsonpath(&args[1..], out, err),
        Some("share") => share(&state_path, &args[1..], out, err),
        Some("open") => open(&state_path, &args[1..], out, err),
        Some("export") => {
            let what = args.get(1).map(String::as_str);
            if !matches!(what, Some("kind" | "manifests")) || args.len() > 2 {
                return usage_error(
                    err,
                    "export needs what to print: kind (the cluster config) or manifests (the objects)",
                );
            }
            let (o, e, code) = state::with_state(&state_path, Access::Read, err, |cluster| {
                let text = match what {
                    Some("kind") => podlab_core::export::kind_config(cluster),
                    _ => podlab_core::export::manifests(cluster),
                };
                (text, String::new(), 0)
            })?;
            write!(out, "{o}")?;
            write!(err, "{e}")?;
            Ok(code.clamp(0, 255) as u8)
        }
        Some(other) => usage_error(err, &format!("unknown command {other:?} for \"podlab\"")),
    }
}

/// `podlab ssh NODE` at a terminal: a login shell until `exit` leaves it (nested
/// `sudo -i` and `ssh` shells exit first). Each line typed is a locked step on the saved
/// cluster, so other podlab commands go ahead between lines.
fn login_shell(
    state_path: &str,
    mut session: podlab_core::Session,
    cluster: Cluster,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut following = state::Following::new(state_path, cluster);
    let prompt = RefCell::new(session.prompt());
    let mut failed = None;
    interact(
        || prompt.borrow().clone(),
        |line| match following.step(0, |c| c.terminal(&mut session, line)) {
            Ok(chunks) => {
                print_chunks(chunks);
                *prompt.borrow_mut() = session.prompt();
                session.logged_out()
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
    Ok(session.last_status().clamp(0, 255) as u8)
}

/// `podlab curl ARGS`: curl from outside the cluster; `-o` files are real files.
struct CliTransport<'c> {
    cluster: &'c mut Cluster,
}

impl podlab_core::net::curl::Transport for CliTransport<'_> {
    fn send(
        &mut self,
        req: &podlab_core::net::HttpRequest,
    ) -> Result<podlab_core::net::HttpResponse, podlab_core::net::NetError> {
        self.cluster.http_from_outside(req)
    }

    fn resolve(&mut self, host: &str) -> Option<String> {
        if host.parse::<std::net::IpAddr>().is_ok() {
            return Some(host.to_string());
        }
        let node = self.cluster.api().nodes.get("", host)?;
        node.status
            .as_ref()?
            .addresses
            .as_ref()?
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone())
    }

    fn write_file(
        &mut self,
        path: &str,
        data: &[u8],
    ) -> Result<(), podlab_core::net::curl::WriteError> {
        std::fs::write(path, data).map_err(|e| {
            let text = e.to_string();
            // "No such file or directory (os error 2)" as strerror says it.
            podlab_core::net::curl::WriteError(
                text.split(" (os error").next().unwrap_or(&text).to_string(),
            )
        })
    }
}

fn curl(
    state_path: &str,
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut run = podlab_core::net::curl::CurlRun::default();
    let (_, e, code) = state::with_state(state_path, Access::Write, err, |cluster| {
        run = podlab_core::net::curl::run(args, &mut CliTransport { cluster });
        (String::new(), String::new(), 0)
    })?;
    if code != 0 {
        write!(err, "{e}")?;
        return Ok(code.clamp(0, 255) as u8);
    }
    out.write_all(&run.stdout)?;
    write!(err, "{}", run.stderr)?;
    Ok(run.code.clamp(0, 255) as u8)
}

fn git(
    state_path: &str,
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let (Some(sub), Some(url)) = (args.first(), args.get(1)) else {
        return usage_error(
            err,
            "git needs a subcommand (init, put, rm, commit, branch, checkout, log) and a URL",
        );
    };
    // Content for `put` comes from a file or stdin, read before the state is locked.
    let content = if sub == "put" {
        let Some(_) = args.get(2) else {
            return usage_error(err, "git put needs a PATH inside the repository");
        };
        match args.get(3) {
            Some(f) if f != "-" => match std::fs::read(f) {
                Ok(d) => Some(d),
                Err(e) => {
                    writeln!(err, "error: cannot read {f}: {e}")?;
                    return Ok(1);
                }
            },
            _ => Some(read_stdin_bytes()?),
        }
    } else {
        None
    };
    let mut message = None;
    let mut author = ("Podlab".to_string(), "podlab@example.com".to_string());
    if sub == "commit" {
        let mut i = 2;
        while i < args.len() {
            match args[i].as_str() {
                "-m" | "--message" => message = args.get(i + 1).cloned(),
                "--author" => {
                    let a = args.get(i + 1).cloned().unwrap_or_default();
                    match a.split_once(" <") {
                        Some((n, e)) => {
                            author = (n.to_string(), e.trim_end_matches('>').to_string())
                        }
                        None => return usage_error(err, "--author must look like 'Name <email>'"),
                    }
                }
                other => {
                    return usage_error(err, &format!("unknown flag {other:?} for git commit"))
                }
            }
            i += 2;
        }
        if message.is_none() {
            return usage_error(err, "git commit needs -m MESSAGE");
        }
    }
    // Listing branches and the log only read the saved cluster.
    let access = match sub.as_str() {
        "log" => Access::Read,
        "branch" if args.len() == 2 => Access::Read,
        _ => Access::Write,
    };
    let (o, e, code) = state::with_state(state_path, access, err, |cluster| {
        let now = cluster.now();
        let r: Result<String, podlab_core::git::GitError> = match sub.as_str() {
            "init" => cluster
                .git_mut()
                .init(url)
                .map(|_| format!("Initialized empty Git repository at {url}\n")),
            "put" => cluster
                .git_mut()
                .put(url, &args[2], content.as_deref().unwrap_or_default())
                .map(|_| String::new()),
            "rm" => match args.get(2) {
                Some(p) => cluster
                    .git_mut()
                    .remove(url, p)
                    .map(|_| format!("rm '{p}'\n")),
                None => return (String::new(), "error: git rm needs a PATH\n".into(), 2),
            },
            "commit" => cluster.git_mut().commit_reported(
                url,
                message.as_deref().unwrap_or_default(),
                (&author.0, &author.1),
                now,
            ),
            "branch" => match (args.get(2), cluster.git().repo(url)) {
                (Some(name), _) => cluster
                    .git_mut()
                    .create_branch(url, name, args.get(3).map(String::as_str))
                    .map(|_| String::new()),
                (None, Some(r)) => Ok(r
                    .branch_list()
                    .iter()
                    .map(|(b, _)| {
                        let mark = if b == r.current_branch() { '*' } else { ' ' };
                        format!("{mark} {b}\n")
                    })
                    .collect()),
                (None, None) => Err(podlab_core::git::GitError::NotFound(url.clone())),
            },
            "checkout" => match args.get(2) {
                Some(b) => cluster
                    .git_mut()
                    .checkout(url, b)
                    .map(|_| format!("Switched to branch '{b}'\n")),
                None => return (String::new(), "error: git checkout needs a BRANCH\n".into(), 2),
            },
            "log" => match cluster.git().repo(url) {
                Some(r) => {
                    let rev = args.get(2).map_or(r.current_branch(), String::as_str);
                    match r.resolve(rev) {
                        Some(head) => Ok(r.history(&head.id)),
                        None if args.len() > 2 => Err(podlab_core::git::GitError::BadRevision(rev.to_string())),
                        None => Ok(Vec::new()),
                    }
                }
                .map(|history| history
                    .into_iter()
                    .map(|c| {
                        format!(
                            "{} {}\n",
                            &c.id[..7],
                            c.message.lines().next().unwrap_or("")
                        )
                    })
                    .collect()),
                None => Err(podlab_core::git::GitError::NotFound(url.clone())),
            },
            other => {
                return (
                    String::new(),
                    format!(
                        "error: unknown git subcommand {other:?} (init, put, rm, commit, branch, checkout, log)\n"
                    ),
                    2,
                )
            }
        };
        match r {
            Ok(o) => (o, String::new(), 0),
            Err(e) => (String::new(), format!("{e}\n"), 1),
        }
    })?;
    write!(out, "{o}")?;
    write!(err, "{e}")?;
    Ok(code.clamp(0, 255) as u8)
}

fn place(
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut advance = 30_000;
    let mut seed = 1;
    let mut default_nodes = true;
    let mut scheduler_config = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--advance" | "--seed" => {
                let Some(value) = inline.or_else(|| it.next().cloned()) else {
                    return usage_error(err, &format!("flag needs an argument: {flag}"));
                };
                if flag == "--advance" {
                    match parse_duration(&value) {
                        Ok(ms) => advance = ms,
                        Err(e) => {
                            return usage_error(
                                err,
                                &format!("invalid argument {value:?} for \"--advance\" flag: {e}"),
                            )
                        }
                    }
                } else {
                    match value.parse() {
                        Ok(n) => seed = n,
                        Err(_) => return usage_error(err, &format!("invalid argument {value:?} for \"--seed\" flag: must be a whole number")),
                    }
                }
            }
            "--scheduler-config" => {
                let Some(value) = inline.or_else(|| it.next().cloned()) else {
                    return usage_error(err, &format!("flag needs an argument: {flag}"));
                };
                scheduler_config = Some(value);
            }
            "--no-default-nodes" if inline.is_none() => default_nodes = false,
            f if f.starts_with('-') && f != "-" => {
                return usage_error(err, &format!("unknown flag: {f}"))
            }
            _ => files.push(arg.clone()),
        }
    }
    if files.is_empty() {
        return usage_error(err, "must specify at least one FILE");
    }

    // Without the chapter's three nodes, the files' nodes are the whole cluster (the
    // output of `kubectl get nodes,pods -o yaml` from a real one, say).
    // A bad configuration stops everything, as kube-scheduler does not start with one.
    let config = match &scheduler_config {
        Some(file) => match read_scheduler_config(file, err)? {
            Some(config) => Some(config),
            None => return Ok(1),
        },
        None => None,
    };
    let mut cluster = if default_nodes {
        Cluster::with_default_nodes(seed)
    } else {
        Cluster::empty(seed)
    };
    if config.is_some() {
        cluster.set_scheduler_configuration(config);
    }
    let mut failed = false;
    for file in &files {
        let text = match read_path(file) {
            Ok(t) => t,
            Err(e) => {
                writeln!(err, "error: the path {file:?} cannot be read: {e}")?;
                failed = true;
                continue;
            }
        };
        let name = if file == "-" { "STDIN" } else { file.as_str() };
        match cluster.create_from_text(name, &text) {
            Ok(applied) => {
                for a in applied {
                    if a.result.is_ok() {
                        writeln!(out, "{}", a.message())?;
                    } else {
                        writeln!(err, "{}", a.message())?;
                        failed = true;
                    }
                }
            }
            Err(rejected) => {
                for d in rejected.diagnostics {
                    writeln!(err, "error: {d}")?;
                }
                failed = true;
            }
        }
    }
    cluster.advance(advance);

    let mut rows = vec![["NAMESPACE", "NAME", "READY", "STATUS", "NODE"]
        .map(String::from)
        .to_vec()];
    let mut reasons = Vec::new();
    for pod in cluster.pods() {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| "<none>".into());
        if let Some(why) = cluster
            .decision(&format!("{ns}/{name}"))
            .and_then(|d| d.failure.clone())
        {
            reasons.push(format!("{ns}/{name}: {why}"));
        }
        rows.push(vec![
            ns,
            name,
            printers::pod_ready(pod),
            printers::pod_status(pod),
            node,
        ]);
    }
    if rows.len() > 1 {
        writeln!(out)?;
        write!(out, "{}", printers::table(&rows))?;
    }
    for r in reasons {
        writeln!(out, "\nWarning  FailedScheduling  {r}")?;
    }
    Ok(if failed { 1 } else { 0 })
}

/// Reads and checks the KubeSchedulerConfiguration in `file` ('-': stdin); prints
/// each error (file, line, column, field) to `err` and gives `None` when it is bad.
fn read_scheduler_config(
    file: &str,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Option<podlab_core::scheduler::config::SchedulerConfiguration>> {
    let text = match read_path(file) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: the path {file:?} cannot be read: {e}")?;
            return Ok(None);
        }
    };
    let name = if file == "-" { "STDIN" } else { file };
    match podlab_core::scheduler::config::parse(name, &text) {
        Ok(config) => Ok(Some(config)),
        Err(errors) => {
            for e in errors {
                writeln!(err, "error: {e}")?;
            }
            Ok(None)
        }
    }
}

/// `podlab scheduler-config set FILE | show | reset`: the saved cluster's scheduler
/// configuration.
fn scheduler_config(
    state_path: &str,
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let usage = "scheduler-config needs what to do: set FILE, show or reset";
    let (config, access) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["set", file] => match read_scheduler_config(file, err)? {
            Some(config) => (Some(config), Access::Write),
            None => return Ok(1),
        },
        ["show"] => (None, Access::Read),
        ["reset"] => (None, Access::Write),
        _ => return usage_error(err, usage),
    };
    let show = args.first().map(String::as_str) == Some("show");
    let (o, e, code) = state::with_state(state_path, access, err, |cluster| {
        if show {
            let text = cluster
                .scheduler_configuration()
                .map(|c| c.text().to_string())
                .unwrap_or_else(|| podlab_core::scheduler::config::DEFAULT_TEXT.to_string());
            return (text, String::new(), 0);
        }
        cluster.set_scheduler_configuration(config);
        let names: Vec<&str> = cluster
            .scheduler_profiles()
            .iter()
            .map(|p| p.scheduler_name.as_str())
            .collect();
        let text = if cluster.scheduler_configuration().is_some() {
            format!("scheduler configured: profiles {}\n", names.join(", "))
        } else {
            format!(
                "scheduler reset to kube-scheduler's defaults: profile {}\n",
                names.join(", ")
            )
        };
        (text, String::new(), 0)
    })?;
    write!(out, "{o}")?;
    write!(err, "{e}")?;
    Ok(code.clamp(0, 255) as u8)
}

/// `-f` reads real files; `-` is standard input.
struct RealFiles;

impl podlab_core::kubectl::FileSource for RealFiles {
    fn stdin_is_terminal(&self) -> bool {
        stdin_is_terminal()
    }

    fn stdin_bytes(&self) -> Result<Vec<u8>, ReadError> {
        read_stdin_bytes().map_err(|e| ReadError::Stdin(e.to_string()))
    }

    fn read(&self, path: &str) -> Result<String, ReadError> {
        if path == "-" {
            return read_stdin().map_err(|e| ReadError::Stdin(e.to_string()));
        }
        let bytes = self.read_bytes(path)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        if path == "-" {
            return self.stdin_bytes();
        }
        std::fs::read(path).map_err(|e| read_error(path, &e))
    }

    fn list(&self, path: &str) -> Result<Option<Vec<String>>, ReadError> {
        if path == "-" || !std::path::Path::new(path).is_dir() {
            return Ok(None);
        }
        let entries = std::fs::read_dir(path).map_err(|e| read_error(path, &e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| read_error(path, &e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        Ok(Some(names))
    }
}

/// kubectl's error for a path it cannot open: Go words the OS's reason in lower case
/// (`open x.yaml: permission denied`).
fn read_error(path: &str, e: &std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        return ReadError::NotFound(path.to_string());
    }
    let text = e.to_string();
    let reason = text.split(" (os error").next().unwrap_or_default();
    ReadError::Unreadable {
        path: path.to_string(),
        reason: reason.to_lowercase(),
    }
}

/// `podlab share [--base URL] [--editor FILE]`: a link that opens the saved cluster (and
/// FILE in the editor) in the playground.
fn share(
    state_path: &str,
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut base = "http://127.0.0.1:8080/".to_string();
    let mut editor = String::new();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1);
        match (args[i].as_str(), value) {
            ("--base", Some(v)) => base = v.clone(),
            ("--editor", Some(f)) => match read_input(f) {
                Ok(text) => editor = text,
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    return Ok(1);
                }
            },
            (flag @ ("--base" | "--editor"), None) => {
                return usage_error(err, &format!("flag needs an argument: {flag}"))
            }
            (other, _) => {
                return usage_error(err, &format!("unknown argument {other:?} for share"))
            }
        }
        i += 2;
    }
    let (link, e, code) = state::with_state(state_path, Access::Read, err, |cluster| {
        let workspace = podlab_core::share::Workspace::new(&editor, cluster, None, &[]);
        let base = base.split('#').next().unwrap_or_default();
        (
            format!("{base}#{}\n", podlab_core::share::encode(&workspace)),
            String::new(),
            0,
        )
    })?;
    write!(out, "{link}")?;
    write!(err, "{e}")?;
    Ok(code.clamp(0, 255) as u8)
}

/// `podlab open LINK [--editor FILE]`: makes a share link's cluster the saved one (and
/// writes its editor text to FILE).
fn open(
    state_path: &str,
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let (link, editor_file) = match args {
        [link] => (link, None),
        [link, flag, file] if flag == "--editor" => (link, Some(file)),
        _ => {
            return usage_error(
                err,
                "open needs a share LINK (and optionally --editor FILE)",
            )
        }
    };
    // The link itself, or a file holding it (`-`: standard input).
    let text = if link == "-" || std::path::Path::new(link).is_file() {
        match read_input(link) {
            Ok(t) => t,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(1);
            }
        }
    } else {
        link.clone()
    };
    let (workspace, cluster) = match podlab_core::share::decode(&text) {
        Ok(opened) => opened,
        Err(e) => {
            writeln!(
                err,
                "podlab: the shared link could not be opened: {e}\nThe saved cluster is unchanged."
            )?;
            return Ok(1);
        }
    };
    if let Some(file) = editor_file {
        std::fs::write(file, &workspace.editor)?;
    }
    let secs = cluster.now().0 / 1000;
    let opened = format!(
        "Opened the shared scenario: {}, {}, simulated time {:02}:{:02}:{:02}",
        plural(cluster.nodes().count(), "node"),
        plural(cluster.pods().count(), "pod"),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if let Err(e) = state::replace(state_path, cluster) {
        writeln!(err, "podlab: {e}")?;
        return Ok(1);
    }
    writeln!(out, "{opened}")?;
    Ok(0)
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Reads FILE, or stdin for `-`.
fn read_input(path: &str) -> Result<String, String> {
    read_path(path).map_err(|e| match path {
        "-" => format!("cannot read standard input: {e}"),
        _ => format!("cannot read {path}: {e}"),
    })
}

/// The text of the file at `path`, or standard input for `-`.
fn read_path(path: &str) -> std::io::Result<String> {
    if path == "-" {
        read_stdin()
    } else {
        std::fs::read_to_string(path)
    }
}

/// `podlab jsonpath [--allow-missing-template-keys=BOOL] TEMPLATE [FILE]`.
fn jsonpath(
    args: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Code> {
    let mut opts = podlab_core::jsonpath::Options::default();
    let mut positionals = Vec::new();
    for a in args {
        if let Some(v) = a.strip_prefix("--allow-missing-template-keys") {
            opts.allow_missing_keys = match v {
                "" | "=true" => true,
                "=false" => false,
                other => {
                    let v = other.trim_start_matches('=');
                    return usage_error(err, &format!("invalid argument {v:?} for \"--allow-missing-template-keys\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax"));
                }
            };
        } else if a.starts_with("--") {
            return usage_error(err, &format!("unknown flag: {a}"));
        } else {
            positionals.push(a.as_str());
        }
    }
    let (template, file) = match positionals.as_slice() {
        [t] => (*t, "-"),
        [t, f] => (*t, *f),
        _ => return usage_error(err, "jsonpath needs a TEMPLATE and at most one FILE"),
    };
    let text = match read_input(file) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(1);
        }
    };
    let name = if file == "-" { "<stdin>" } else { file };
    match podlab_core::jsonpath::evaluate_document(template, name, &text, &opts) {
        Ok(s) => {
            write!(out, "{s}")?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
    }
}
