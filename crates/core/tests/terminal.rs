//! The terminal as a person uses it: lines typed at a node's shell, what each prints, and
//! the prompt after it, through `Cluster::terminal` — including `kubectl exec -it`, which
//! hands the terminal to a shell in a container until it exits.

use podlab_core::shell::Stream;
use podlab_core::{Cluster, Session};

const PODS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox
    command: ['sleep', '3600']
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
";

fn cluster() -> Cluster {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("pods.yaml", PODS)
        .expect("the pods are valid");
    c.advance(60_000);
    c
}

/// Types each line; checks what it wrote to stdout and to stderr, and the prompt after.
fn replay(c: &mut Cluster, session: &mut Session, steps: &[(&str, &str, &str, &str)]) {
    for (line, want_out, want_err, want_prompt) in steps {
        let (mut out, mut err) = (String::new(), String::new());
        for (stream, data) in c.terminal(session, line) {
            let text = String::from_utf8_lossy(&data);
            match stream {
                Stream::Stdout => out.push_str(&text),
                Stream::Stderr => err.push_str(&text),
            }
        }
        assert_eq!(&out, want_out, "stdout of {line:?}");
        assert_eq!(&err, want_err, "stderr of {line:?}");
        assert_eq!(&session.prompt(), want_prompt, "prompt after {line:?}");
    }
}

const HOST: &str = "k8s@k8s-master-01:~$ ";

#[test]
fn exec_it_opens_a_shell_in_the_container() {
    let mut c = cluster();
    let mut s = Session::new("k8s-master-01");
    replay(
        &mut c,
        &mut s,
        &[
            // busybox's ash: `/ # `, with the working directory.
            ("kubectl exec -it bb -- sh", "", "", "/ # "),
            ("cd /tmp", "", "", "/tmp # "),
            ("X=kept; echo hi > f", "", "", "/tmp # "),
            ("cat f; echo $X", "hi\nkept\n", "", "/tmp # "),
            ("hostname", "bb\n", "", "/tmp # "),
            ("nosuch", "", "sh: nosuch: not found\n", "/tmp # "),
            // /dev/null is the null device: written to, it stays empty.
            (
                "echo gone > /dev/null; cp f /dev/null; cat /dev/null",
                "",
                "",
                "/tmp # ",
            ),
            (
                "wc -c < /dev/null; ls /dev",
                "0\nnull  termination-log\n",
                "",
                "/tmp # ",
            ),
            (
                "[ -c /dev/null ] && [ ! -f /dev/null ] && echo device",
                "device\n",
                "",
                "/tmp # ",
            ),
            (
                "ls -l /dev/null",
                "crw-rw-rw- 1 root root 1, 3 Jan  5 09:00 /dev/null\n",
                "",
                "/tmp # ",
            ),
            ("exit 3", "", "command terminated with exit code 3\n", HOST),
            // Debian's bash in nginx: `root@web:/# `; it says `exit` as it leaves.
            (
                "kubectl exec -it web -c web -- bash",
                "",
                "",
                "root@web:/# ",
            ),
            (
                "grep -c nginx /usr/share/nginx/html/index.html",
                "6\n",
                "",
                "root@web:/# ",
            ),
            ("exit", "", "exit\n", HOST),
            // dash, the image's sh: a bare `# `.
            ("kubectl exec -it web -- sh", "", "", "# "),
            ("exit", "", "", HOST),
            // Without -t the shell still reads the terminal but shows no prompt.
            ("kubectl exec -i bb -- sh", "", "", ""),
            ("echo quiet", "quiet\n", "", ""),
            ("exit", "", "", HOST),
            // A program that is not a shell gets end-of-file from the terminal.
            ("kubectl exec -it bb -- cat", "", "", HOST),
        ],
    );
}

#[test]
fn exec_reads_what_is_piped_to_it() {
    let mut c = cluster();
    let mut s = Session::new("k8s-master-01");
    let tty = "Unable to use a TTY - input is not a terminal or the right kind of file\n";
    replay(
        &mut c,
        &mut s,
        &[
            (
                "echo 'echo from-pipe; exit 4' | kubectl exec -i bb -- sh",
                "from-pipe\n",
                "command terminated with exit code 4\n",
                HOST,
            ),
            (
                "printf 'a\\nb\\n' | kubectl exec -i bb -- wc -l",
                "2\n",
                "",
                HOST,
            ),
            // Without -i the container sees no input at all.
            ("echo lost | kubectl exec bb -- cat", "", "", HOST),
            // -t with a pipe: kubectl says it cannot use a terminal and goes on.
            (
                "echo 'echo piped' | kubectl exec -it bb -- sh",
                "piped\n",
                tty,
                HOST,
            ),
        ],
    );
}

#[test]
fn an_exec_shell_ends_when_its_container_goes() {
    let mut c = cluster();
    let mut s = Session::new("k8s-master-01");
    replay(
        &mut c,
        &mut s,
        &[("kubectl exec -it bb -- sh", "", "", "/ # ")],
    );
    let mut other = Session::new("k8s-master-01");
    c.terminal(&mut other, "kubectl delete pod bb --grace-period=0 --force");
    c.advance(5_000);
    replay(
        &mut c,
        &mut s,
        &[(
            "echo still-here",
            "",
            "command terminated with exit code 137\n",
            HOST,
        )],
    );
}

#[test]
fn ssh_and_sudo_run_one_command_or_open_a_shell() {
    let mut c = cluster();
    let mut s = Session::new("k8s-master-01");
    let not_found = "ssh: Could not resolve hostname nosuch: Name or service not known\n";
    replay(
        &mut c,
        &mut s,
        &[
            // With a command, ssh runs it there and comes back, with its status.
            (
                "ssh k8s-worker-02 hostname; hostname",
                "k8s-worker-02\nk8s-master-01\n",
                "",
                HOST,
            ),
            ("ssh k8s-worker-02 false; echo $?", "1\n", "", HOST),
            ("ssh nosuch true; echo $?", "255\n", not_found, HOST),
            // `sudo -i CMD` runs CMD in root's login environment; `sudo CMD` where it is.
            (
                "sudo -i pwd; sudo whoami; pwd",
                "/root\nroot\n/home/k8s\n",
                "[sudo] password for k8s: \n",
                HOST,
            ),
            // A script that ssh-es into itself stops.
            (
                "echo 'ssh k8s-master-01 sh loop.sh' > loop.sh; sh loop.sh; echo $?",
                "255\n",
                "podlab: ssh sessions nest more than 8 deep\n",
                HOST,
            ),
            // Without a command: a login shell there, until exit.
            ("ssh k8s-worker-01", "", "", "k8s@k8s-worker-01:~$ "),
            (
                "sudo -i",
                "",
                "[sudo] password for k8s: \n",
                "root@k8s-worker-01:~# ",
            ),
            ("exit", "logout\n", "", "k8s@k8s-worker-01:~$ "),
            (
                "exit",
                "logout\nConnection to k8s-worker-01 closed.\n",
                "",
                HOST,
            ),
        ],
    );
}

/// `crictl exec -it ID sh` as root on the pod's node opens the same shell in the
/// container as `kubectl exec -it`, by a prefix of the container's id; leaving it gives
/// the node's shell back.
#[test]
fn crictl_exec_it_opens_a_shell_by_container_id() {
    let mut c = cluster();
    let pod = c.api().pods.get("default", "bb").expect("bb exists");
    let status = pod.status.as_ref().expect("bb has a status");
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .expect("bb is placed");
    let id = status.container_statuses.as_ref().expect("bb has statuses")[0]
        .container_id
        .clone()
        .expect("bb runs");
    let prefix: String = id
        .trim_start_matches("containerd://")
        .chars()
        .take(8)
        .collect();
    let mut s = Session::new(&node);
    let root = format!("root@{node}:~# ");
    let sudo = "[sudo] password for k8s: \n";
    replay(&mut c, &mut s, &[("sudo -i", "", sudo, &root)]);
    replay(
        &mut c,
        &mut s,
        &[
            (&format!("crictl exec -it {prefix} sh"), "", "", "/ # "),
            ("hostname", "bb\n", "", "/ # "),
            ("exit", "", "", &root),
            // crictl, not kubectl, reports a shell that ends with a failure.
            (&format!("crictl exec -it {prefix} sh"), "", "", "/ # "),
            (
                "exit 2",
                "",
                &format!("ERRO[0000] execing command in container {prefix}: command terminated with exit code 2\n"),
                &root,
            ),
        ],
    );
}
