//! Shell transcripts: a script in, what it printed and its state out.

use super::*;
use crate::fs::{Mount, Tree};
use crate::git::{GitHost, Remotes};
use exec::{Flow, Io, Parts};
use programs::Found;

struct TestHost {
    fs: Filesystems,
    git: Remotes,
    now: SimTime,
}

impl Host for TestHost {
    fn now(&self) -> SimTime {
        self.now
    }
    fn fs(&mut self) -> &mut Filesystems {
        &mut self.fs
    }
    fn hostname(&self) -> String {
        "demo-web".into()
    }
    /// The shell's own programs and git.
    fn program(&self, system: System, name: &str) -> Option<Found> {
        if let Some(p) = programs::find(programs::SHELL, system, name) {
            return Some(p.into());
        }
        let at = crate::git::PROGRAMS
            .iter()
            .position(|p| p.name == name && programs::runs_on(p.on, system))?;
        let p = crate::git::PROGRAMS[at];
        Some(Found::Host(p.kind, p.name, at as u32))
    }
    fn run_program(&mut self, at: u32, ex: Parts<'_>, argv: &[String], io: &Io) -> Flow {
        match crate::git::PROGRAMS.get(at as usize) {
            Some(p) => ex.attach(self as &mut dyn GitHost, |ex| (p.run)(ex, argv, io)),
            None => Flow::Next,
        }
    }
}

impl GitHost for TestHost {
    fn git(&mut self) -> &mut Remotes {
        &mut self.git
    }
}

fn host() -> TestHost {
    let mut fs = Filesystems::default();
    let mut root = Tree::new(SimTime(0));
    root.mkdir_all("/tmp", 0o1777, 0, SimTime(0));
    root.mkdir_all("/html", 0o755, 0, SimTime(0));
    fs.insert("root", root);
    TestHost {
        fs,
        git: Remotes::default(),
        now: SimTime(1000),
    }
}

fn spawn(system: System) -> Spawn {
    Spawn {
        system,
        view: View {
            mounts: vec![Mount {
                path: "/".into(),
                tree: "root".into(),
                source: "/".into(),
                read_only: false,
            }],
        },
        user: User::ROOT,
        env: [
            ("HOME".to_string(), "/root".to_string()),
            ("MY_NODE_NAME".to_string(), "k8s-worker-01".to_string()),
        ]
        .into(),
        cwd: "/".into(),
    }
}

fn text(out: Vec<(Stream, Vec<u8>)>) -> String {
    out.into_iter()
        .map(|(_, d)| String::from_utf8_lossy(&d).into_owned())
        .collect()
}

fn run(h: &mut TestHost, script: &str) -> (String, State) {
    let mut p = Process::exec(
        spawn(System::DebugTools),
        vec!["sh".into(), "-c".into(), script.into()],
    );
    p.run(h);
    (text(p.take_output()), p.state.clone())
}

#[test]
fn scripts() {
    let cases: &[(&str, &str, i32)] = &[
        ("echo hello world", "hello world\n", 0),
        ("echo $MY_NODE_NAME", "k8s-worker-01\n", 0),
        ("X=1; echo \"x=$X\" '$X' ${Y:-dflt}", "x=1 $X dflt\n", 0),
        ("false || echo ok && echo yes", "ok\nyes\n", 0),
        ("true && false; echo $?", "1\n", 0),
        ("for i in a b c; do echo $i; done", "a\nb\nc\n", 0),
        ("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n", 0),
        ("if [ -d /html ]; then echo dir; else echo no; fi", "dir\n", 0),
        ("[ ! -d /html/.git ] && echo missing", "missing\n", 0),
        ("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f", "a\nb\n", 0),
        ("cat /nope", "cat: /nope: No such file or directory\n", 1),
        ("echo $(echo inner) `echo back`", "inner back\n", 0),
        ("echo hi | cat", "hi\n", 0),
        ("printf '%s-%d\\n' a 5", "a-5\n", 0),
        ("cd /html; pwd", "/html\n", 0),
        ("cd /nope", "sh: cd: /nope: No such file or directory\n", 2),
        ("nosuch", "sh: nosuch: not found\n", 127),
        ("exit 3", "", 3),
        ("touch /tmp/a.txt /tmp/b.txt; ls /tmp/*.txt", "/tmp/a.txt\n/tmp/b.txt\n", 0),
        ("echo '*'", "*\n", 0),
        ("git clone https://github.com/ansilh/none /html/", "Cloning into '/html'...\nremote: Repository not found.\nfatal: repository 'https://github.com/ansilh/none/' not found\n", 128),
        ("git  clone /html/", "fatal: repository '/html/' does not exist\n", 128),
        ("[ 1 -eq", "sh: [: missing ]\n", 2),
        ("case x in", "sh: syntax error: unexpected end of file\n", 2),
        ("date", "Mon Jan  5 09:00:01 UTC 2026\n", 0),
        ("set -- a b c; echo $2 $#", "b 3\n", 0),
        ("x=requests:42; echo ${x#requests:} ${x#*:} ${x%:*} ${#x}", "42 42 requests 11\n", 0),
        ("f=a.tar.gz; echo ${f%%.*} ${f##*.} ${f%.*}", "a gz a.tar\n", 0),
        ("echo one & echo two", "two\none\n", 0),
        ("for f in a.html b.txt c; do case $f in *.html|*.htm) echo page;; *.txt) echo text;; *) echo other;; esac; done", "page\ntext\nother\n", 0),
        ("case x in y) echo no;; esac; echo $?", "0\n", 0),
        ("case x in (x) echo yes; esac", "yes\n", 0),
    ];
    for (script, want, code) in cases {
        let mut h = host();
        let (out, state) = run(&mut h, script);
        assert_eq!(out, *want, "{script}");
        assert_eq!(state, State::Exited(*code), "{script}");
    }
}

#[test]
fn sleeping_loops_resume_where_they_stopped() {
    let mut h = host();
    let mut p = Process::exec(
        spawn(System::DebugTools),
        vec![
            "sh".into(),
            "-c".into(),
            "n=0; while true; do n=$((n+1)); echo tick $n; sleep 5; done".into(),
        ],
    );
    p.run(&mut h);
    assert_eq!(p.state, State::Sleeping(SimTime(6000)));
    h.now = SimTime(6000);
    p.run(&mut h);
    h.now = SimTime(11000);
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "tick 1\ntick 2\ntick 3\n");
    // A snapshot of the process continues identically.
    let mut copy: Process = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    h.now = SimTime(16000);
    copy.run(&mut h);
    assert_eq!(text(copy.take_output()), "tick 4\n");
}

#[test]
fn busy_loops_yield() {
    let mut h = host();
    let mut p = Process::exec(
        spawn(System::Busybox),
        vec!["sh".into(), "-c".into(), "while true; do :; done".into()],
    );
    p.run(&mut h);
    assert_eq!(p.state, State::Busy);
    p.run(&mut h);
    assert_eq!(p.state, State::Busy);
}

#[test]
fn sidecar_clones_then_pulls() {
    let mut h = host();
    let url = "https://github.com/ansilh/k8s-demo-web.git";
    h.git.init(url).unwrap();
    h.git
        .put(url, "index.html", b"<h1>v1</h1>\nline2\n")
        .unwrap();
    h.git
        .commit(
            url,
            "Initial page",
            ("ansilh", "ansilh@example.com"),
            SimTime(0),
        )
        .unwrap();
    let script = format!("while true ; do [ ! -d /html/.git ] && git  clone {url} /html/ || {{ cd /html; git pull; }} ; date; sleep 5 ; done");
    let mut p = Process::exec(
        spawn(System::DebugTools),
        vec!["sh".into(), "-c".into(), script],
    );
    p.run(&mut h);
    h.now = SimTime(6000);
    p.run(&mut h);
    assert_eq!(
        text(p.take_output()),
        "Cloning into '/html'...\nMon Jan  5 09:00:01 UTC 2026\nAlready up to date.\nMon Jan  5 09:00:06 UTC 2026\n"
    );
    h.git
        .put(url, "index.html", b"<h1>v2</h1>\nline two\n")
        .unwrap();
    h.git
        .put(url, "images/pic-k8s.jpg", &[0xff, 0xd8, 0, 1, 2])
        .unwrap();
    let old = h.git.repo(url).unwrap().head().unwrap().id.clone();
    let new = h
        .git
        .commit(
            url,
            "Add picture",
            ("ansilh", "ansilh@example.com"),
            SimTime(7000),
        )
        .unwrap();
    h.now = SimTime(11000);
    p.run(&mut h);
    let (o, n) = (&old[..7], &new[..7]);
    assert_eq!(
        text(p.take_output()),
        format!("From {url}\n   {o}..{n}  master     -> origin/master\nUpdating {o}..{n}\nFast-forward\n images/pic-k8s.jpg | Bin 0 -> 5 bytes\n index.html         |   4 ++--\n 2 files changed, 2 insertions(+), 2 deletions(-)\n create mode 100644 images/pic-k8s.jpg\nMon Jan  5 09:00:11 UTC 2026\n")
    );
    let view = spawn(System::DebugTools).view;
    assert_eq!(
        h.fs.read(&view, "/html/index.html").unwrap(),
        b"<h1>v2</h1>\nline two\n"
    );
}

#[test]
fn hostile_scripts_end() {
    for script in [
        "$(",
        "echo $((1/0))",
        "f() { f; }",
        "echo ${",
        "x=$(while true; do :; done); echo done",
    ] {
        let mut h = host();
        let (_, state) = run(&mut h, script);
        assert!(
            matches!(state, State::Exited(_) | State::Busy),
            "{script}: {state:?}"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The parser never panics, whatever it is given.
        #[test]
        fn parsing_never_panics(src in "\\PC{0,200}") {
            let _ = parse(&src);
        }

        /// Scripts built from shell-ish tokens parse or fail cleanly, and running them
        /// never panics and always ends within the budget.
        #[test]
        fn running_never_panics(words in proptest::collection::vec(
            prop::sample::select(vec![
                "echo", "x", "$x", "${x:-d}", "\"$y\"", "'q'", ";", "&&", "||", "|", "(", ")",
                "{", "}", "if", "then", "else", "fi", "while", "do", "done", "for", "in", "true",
                "false", "cat", "ls", "/", "x=1", ">", ">>", "<", "/tmp/f", "$(echo", "`", "2>&1",
                "[", "]", "-d", "!", "sleep", "1", "$((1+2))", "exit", "*", "\n", "break", "cd",
                "case", "esac", ";;", "x)", "&",
            ]),
            0..40,
        )) {
            let script = words.join(" ");
            let mut h = host();
            let mut p = Process::exec(spawn(System::Busybox), vec!["sh".into(), "-c".into(), script]);
            for _ in 0..3 {
                p.run(&mut h);
                h.now = h.now.plus_ms(2000);
            }
        }
    }
}

/// A line typed at an interactive shell: (stdout and stderr together, status, whether
/// the shell logged out).
fn line(h: &mut TestHost, script: &str) -> (String, i32, bool) {
    let mut p = Process::login(spawn(System::DebugTools), "sh");
    let out = p.run_line(h, script);
    (text(out), p.status(), p.exited())
}

#[test]
fn limits_stop_the_command_and_say_so() {
    let steps = "podlab: command stopped after 1000000 steps (the shell's step limit)\n";
    let pipe = "podlab: command stopped: a pipe or $(...) passed 16 MiB (the shell's pipe limit)\n";
    let cases: &[(&str, &str, i32)] = &[
        // Steps: a line cannot yield, so it is stopped as `timeout` stops a command.
        ("while true; do :; done", steps, 124),
        ("x=$(while true; do :; done); echo never", steps, 124),
        ("while true; do :; done | cat; echo never", steps, 124),
        ("sh -c 'while true; do :; done'; echo never", steps, 124),
        ("yes > /dev/null", steps, 124),
        // An ordinary long loop fits.
        ("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo $i", "100000\n", 0),
        // Pipes and substitutions: a reader that wants everything of an endless writer.
        ("yes | wc -l", pipe, 124),
        ("x=$(yes); echo never", pipe, 124),
        ("yes | head -3", "y\ny\ny\n", 0),
        ("yes no | head -n 2", "no\nno\n", 0),
        ("seq 1 1000000 | tail -1", "1000000\n", 0),
        ("echo $(seq 1 1000000) | wc -w", "1000000\n", 0),
        // Nesting.
        (
            "f() { f; }; f; echo never",
            "sh: f: maximum function nesting level exceeded (60)\n",
            2,
        ),
        // Files: the size limit is EFBIG, the tree's is ENOSPC; what fits is written.
        (
            "seq 1 1000000 > /tmp/n; echo $?; wc -c < /tmp/n",
            "seq: write error: File too large\n1\n4194304\n",
            0,
        ),
        (
            "truncate -s 4M /tmp/f; echo hi >> /tmp/f; echo $?; wc -c < /tmp/f",
            "sh: echo: write error: File too large\n1\n4194304\n",
            0,
        ),
        (
            "dd if=/dev/zero of=/tmp/big bs=1M count=5",
            "dd: error writing '/tmp/big': File too large\n5+0 records in\n4+0 records out\n4194304 bytes (4.2 MB, 4.0 MiB) copied, 0.0042063 s, 997 MB/s\n",
            1,
        ),
        (
            "truncate -s 5M /tmp/f; echo $?; ls /tmp",
            "truncate: failed to truncate '/tmp/f' at 5242880 bytes: File too large\n1\n",
            0,
        ),
        (
            "for i in 1 2 3 4 5 6 7 8; do truncate -s 4M /tmp/f$i; done",
            "truncate: failed to truncate '/tmp/f8' at 4194304 bytes: No space left on device\n",
            1,
        ),
    ];
    for (script, want, code) in cases {
        let mut h = host();
        h.fs.tree_mut("root").unwrap().add_dev_null(SimTime(0));
        let (out, status, exited) = line(&mut h, script);
        assert_eq!(out, *want, "{script}");
        assert_eq!(status, *code, "{script}");
        assert!(!exited, "{script}: a limit does not log the shell out");
    }
}

#[test]
fn output_past_the_limit_stops_the_line() {
    let mut h = host();
    let mut p = Process::login(spawn(System::DebugTools), "sh");
    let out = p.run_line(&mut h, "yes");
    assert_eq!(p.status(), 124);
    let (stdout, stderr): (Vec<_>, Vec<_>) =
        out.into_iter().partition(|(s, _)| *s == Stream::Stdout);
    let printed = stdout.iter().map(|(_, d)| d.len()).sum::<usize>();
    assert!((exec::MAX_OUTPUT - (1 << 16)..=exec::MAX_OUTPUT).contains(&printed));
    assert_eq!(
        text(stderr),
        "podlab: command stopped after printing 16 MiB (the shell's output limit)\n"
    );
}

#[test]
fn foreground_commands_end_with_124() {
    let mut h = host();
    let mut p = Process::exec(
        spawn(System::Busybox),
        vec!["sh".into(), "-c".into(), "while true; do :; done".into()],
    );
    p.make_foreground();
    p.run(&mut h);
    assert_eq!(p.state, State::Exited(124));
    assert_eq!(
        text(p.take_output()),
        "podlab: command stopped after 1000000 steps (the shell's step limit)\n"
    );
}

#[test]
fn endless_writers_in_containers_yield() {
    let mut h = host();
    let mut p = Process::exec(spawn(System::Busybox), vec!["yes".into()]);
    p.run(&mut h);
    assert_eq!(p.state, State::Busy);
    let first = text(p.take_output()).len();
    assert!((1 << 20..2 << 20).contains(&first), "{first}");
    p.run(&mut h);
    assert_eq!(p.state, State::Busy);
    assert!(text(p.take_output()).starts_with("y\ny\n"));
}

#[test]
fn new_programs_and_functions() {
    let cases: &[(&str, &str, i32)] = &[
        ("f() { echo \"$1-$#\"; return 3; echo no; }; f a b; echo $? $#", "a-2\n3 0\n", 0),
        ("x=1; f() { local x=2 y; y=3; echo $x$y; }; f; echo $x${y:-unset}", "23\n1unset\n", 0),
        ("f()\n{\n  echo multi\n}\nf", "multi\n", 0),
        ("f() { echo hi; }; type f; unset -f f; f", "f is a function\nsh: f: not found\n", 127),
        ("f() { echo fn; }; command -v ls echo f; command -v nosuch; echo $?", "/usr/bin/ls\necho\nf\n1\n", 0),
        ("echo() { :; }; command echo real", "real\n", 0),
        ("return", "sh: return: can only `return' from a function or sourced script\n", 1),
        ("local x", "sh: local: can only be used in a function\n", 1),
        ("seq 3 -1 1; seq 2 2 6", "3\n2\n1\n2\n4\n6\n", 0),
        ("printf abcde | dd bs=2 2>/dev/null; echo", "abcde\n", 0),
        ("printf abcde | dd bs=2 count=2 of=/tmp/x; cat /tmp/x", "2+0 records in\n2+0 records out\n4 bytes copied, 1.2004e-05 s, 333 kB/s\nabcd", 0),
        ("dd if=/nope", "dd: failed to open '/nope': No such file or directory\n", 1),
        ("dd bs=x", "dd: invalid number: 'x'\n", 1),
        ("truncate -s 10 /tmp/t; wc -c < /tmp/t; truncate -s -4 /tmp/t; wc -c < /tmp/t", "10\n6\n", 0),
        ("truncate /tmp/t", "truncate: you must specify either '--size' or '--reference'\nTry 'truncate --help' for more information.\n", 1),
        ("truncate -c -s 1 /tmp/none; ls /tmp", "", 0),
    ];
    for (script, want, code) in cases {
        let mut h = host();
        h.fs.tree_mut("root").unwrap().add_dev_null(SimTime(0));
        let (out, state) = run(&mut h, script);
        assert_eq!(out, *want, "{script}");
        assert_eq!(state, State::Exited(*code), "{script}");
    }
}

#[test]
fn functions_sleep_and_resume() {
    let mut h = host();
    let mut p = Process::exec(
        spawn(System::Busybox),
        vec![
            "sh".into(),
            "-c".into(),
            "f() { local n=$1; echo a$n; sleep 5; echo b$n; }; f 1; f 2; echo $#".into(),
        ],
    );
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "a1\n");
    let mut p: Process = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    h.now = SimTime(6000);
    p.run(&mut h);
    h.now = SimTime(11000);
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "b1\na2\nb2\n0\n");
    assert_eq!(p.state, State::Exited(0));
}

/// The stop signal: ignored by a shell without a trap (PID 1), handled by `trap ...
/// TERM` once the current `sleep` ends, the action may sleep and the script goes on
/// after it unless it exits.
#[test]
fn sigterm_runs_the_trap_after_the_current_sleep() {
    let mut h = host();
    let sh = |script: &str| {
        Process::exec(
            spawn(System::Busybox),
            vec!["sh".into(), "-c".into(), script.into()],
        )
    };
    let mut plain = sh("while true; do sleep 5; done");
    plain.run(&mut h);
    assert_eq!(plain.terminate(), Stop::Ignored);

    let mut p = sh("trap 'echo got TERM; sleep 2; echo bye; exit 3' TERM; echo up; while true; do sleep 5; done");
    p.run(&mut h);
    assert_eq!(p.terminate(), Stop::Handling);
    // Still in `sleep 5`: nothing yet.
    h.now = SimTime(3000);
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "up\n");
    h.now = SimTime(6000);
    p.run(&mut h);
    assert_eq!(p.state, State::Sleeping(SimTime(8000)));
    h.now = SimTime(8000);
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "got TERM\nbye\n");
    assert_eq!(p.state, State::Exited(3));

    // An action without `exit`: the loop goes on.
    let mut q =
        sh("trap 'echo noted' TERM; n=0; while true; do n=$((n+1)); echo tick $n; sleep 5; done");
    h.now = SimTime(1000);
    q.run(&mut h);
    q.terminate();
    h.now = SimTime(6000);
    q.run(&mut h);
    assert_eq!(text(q.take_output()), "tick 1\nnoted\ntick 2\n");
    assert_eq!(q.state, State::Sleeping(SimTime(11000)));
}

/// `wait` sleeps until the background jobs are gone; a trapped SIGTERM ends it at once.
#[test]
fn wait_for_jobs_and_the_signal_that_ends_it() {
    let mut h = host();
    let sh = |script: &str| {
        Process::exec(
            spawn(System::Busybox),
            vec!["sh".into(), "-c".into(), script.into()],
        )
    };
    let mut p = sh("sleep 5 & wait; echo jobs done");
    p.run(&mut h);
    assert_eq!(p.state, State::Sleeping(SimTime(6000)));
    h.now = SimTime(6000);
    p.run(&mut h);
    assert_eq!(text(p.take_output()), "jobs done\n");
    assert_eq!(p.state, State::Exited(0));

    let mut q = sh("trap 'echo stopping; exit 0' TERM; sleep 3600 & wait");
    q.run(&mut h);
    assert_eq!(q.terminate(), Stop::Handling);
    q.run(&mut h);
    assert_eq!(text(q.take_output()), "stopping\n");
    assert_eq!(q.state, State::Exited(0));
}

#[test]
fn here_documents() {
    let cases: &[(&str, &str)] = &[
        (
            "X=1\ncat <<EOF\na $X\n\"q\" \\$X $(echo sub)\nEOF\necho after",
            "a 1\n\"q\" $X sub\nafter\n",
        ),
        (
            "X=1\ncat <<'EOF'\na $X $(echo no)\nEOF",
            "a $X $(echo no)\n",
        ),
        ("cat <<\"END\"\n$X\nEND", "$X\n"),
        (
            "cat <<-EOF\n\t\tindented\n\tEOF\necho done",
            "indented\ndone\n",
        ),
        (
            "cat <<EOF > /tmp/f\nfirst\nEOF\ncat >> /tmp/f <<EOF\nsecond\nEOF\ncat /tmp/f",
            "first\nsecond\n",
        ),
        (
            "cat <<A; cat <<B\none\nA\ntwo\nB\necho end",
            "one\ntwo\nend\n",
        ),
        ("cat <<EOF | grep b\na\nb\nEOF", "b\n"),
        ("if true; then\ncat <<EOF\nin if\nEOF\nfi", "in if\n"),
        ("cat <<< 'here string'", "here string\n"),
        ("cat <<EOF\nEOF", ""),
    ];
    for (script, want) in cases {
        let mut h = host();
        let (out, state) = run(&mut h, script);
        assert_eq!(out, *want, "{script}");
        assert_eq!(state, State::Exited(0), "{script}");
    }
    assert!(opens("cat <<EOF\nabc"));
    assert!(opens("cat <<EOF"));
    assert!(!opens("cat <<EOF\nabc\nEOF"));
}
