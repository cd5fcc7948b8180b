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
        programs::find(&[crate::git::PROGRAMS], system, name).map(|p| Found::Host(p.kind, p.name))
    }
    fn run_program(&mut self, system: System, ex: Parts<'_>, argv: &[String], io: &Io) -> Flow {
        match programs::find(&[crate::git::PROGRAMS], system, &argv[0]) {
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
