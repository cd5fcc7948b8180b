use super::*;

fn setup() -> (Filesystems, View) {
    let mut fs = Filesystems::default();
    let mut root = Tree::new(SimTime(0));
    root.put(
        "/usr/share/nginx/html/index.html",
        b"welcome",
        0o644,
        SimTime(0),
    );
    root.mkdir_all("/html", 0o755, 0, SimTime(0));
    fs.insert("rootfs", root);
    fs.insert("vol", Tree::new(SimTime(0)));
    let mut node = Tree::new(SimTime(0));
    node.mkdir_all("/var/data", 0o755, 0, SimTime(0));
    fs.insert("node", node);
    let view = View {
        mounts: vec![
            Mount {
                path: "/".into(),
                tree: "rootfs".into(),
                source: "/".into(),
                read_only: false,
            },
            Mount {
                path: "/usr/share/nginx/html".into(),
                tree: "node".into(),
                source: "/var/data".into(),
                read_only: false,
            },
            Mount {
                path: "/html".into(),
                tree: "vol".into(),
                source: "/".into(),
                read_only: true,
            },
        ],
    };
    (fs, view)
}

#[test]
fn symbolic_links_are_followed_within_their_tree() {
    let (mut fs, view) = setup();
    if let Some(vol) = fs.tree_mut("vol") {
        vol.put("/..v1/color", b"blue", 0o644, SimTime(0));
        vol.symlink("/..data", "..v1", SimTime(0));
        vol.symlink("/color", "..data/color", SimTime(0));
        vol.symlink("/loop", "loop2", SimTime(0));
        vol.symlink("/loop2", "loop", SimTime(0));
    }
    assert_eq!(fs.read(&view, "/html/color"), Ok(&b"blue"[..]));
    assert_eq!(fs.read(&view, "/html/..data/color"), Ok(&b"blue"[..]));
    let listed = fs.list(&view, "/html/..data").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, "color");
    // `ls -l` sees the links themselves; `stat` follows them.
    let root = fs.list(&view, "/html").unwrap();
    let color = root.iter().find(|(n, _)| n == "color").unwrap();
    assert_eq!(color.1.link.as_deref(), Some("..data/color"));
    assert_eq!(fs.stat(&view, "/html/color").unwrap().link, None);
    assert_eq!(fs.read(&view, "/html/loop"), Err(Errno::NoEnt));
    assert_eq!(fs.read(&view, "/html/..data/nothing"), Err(Errno::NoEnt));
}

#[test]
fn mounts_hide_what_is_below_them() {
    let (mut fs, view) = setup();
    assert_eq!(
        fs.read(&view, "/usr/share/nginx/html/index.html"),
        Err(Errno::NoEnt)
    );
    fs.write(
        &view,
        "/usr/share/nginx/html/index.html",
        b"hi",
        false,
        User::ROOT,
        SimTime(5),
    )
    .unwrap();
    let node_view = View {
        mounts: vec![Mount {
            path: "/".into(),
            tree: "node".into(),
            source: "/".into(),
            read_only: false,
        }],
    };
    assert_eq!(fs.read(&node_view, "/var/data/index.html").unwrap(), b"hi");
    assert_eq!(
        fs.write(&view, "/html/x", b"", false, User::ROOT, SimTime(0)),
        Err(Errno::ReadOnly)
    );
}

#[test]
fn permissions_and_errors() {
    let (mut fs, view) = setup();
    let k8s = User {
        uid: 1000,
        gid: 1000,
    };
    assert_eq!(
        fs.write(
            &view,
            "/usr/share/nginx/html/a",
            b"",
            false,
            k8s,
            SimTime(0)
        ),
        Err(Errno::Access)
    );
    assert_eq!(fs.read(&view, "/usr"), Err(Errno::IsDir));
    assert_eq!(
        fs.mkdir(&view, "/usr", false, User::ROOT, SimTime(0)),
        Err(Errno::Exist)
    );
    fs.mkdir(&view, "/a/b/c", true, User::ROOT, SimTime(0))
        .unwrap();
    assert!(fs.stat(&view, "/a/b/c").unwrap().is_dir);
    assert_eq!(fs.nlink(&view, "/a"), 3);
    let names: Vec<String> = fs
        .list(&view, "/")
        .unwrap()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(names, ["a", "html", "usr"]);
    assert_eq!(normalize("/a/b", "../c/./d"), "/a/c/d");
    assert_eq!(normalize("/", ".."), "/");
}

#[test]
fn normalize_table() {
    // (cwd, path, normal form); the cwd is normal already (only `path` is resolved)
    let cases = [
        ("/html", ".git/HEAD", "/html/.git/HEAD"),
        ("/", ".git/HEAD", "/.git/HEAD"),
        ("/a/b", "c", "/a/b/c"),
        ("/a/b", "c/", "/a/b/c"),
        ("/a/b", "c//d", "/a/b/c/d"),
        ("/a/b", "./c", "/a/b/c"),
        ("/a/b", "c/..", "/a/b"),
        ("/a/b", "...", "/a/b/..."),
        ("/a/b", "", "/a/b"),
        ("/a/b/", "c", "/a/b/c"),
        ("/a/b", "/x/y", "/x/y"),
        ("/a/b", "/x//y/", "/x/y"),
        ("/a/b", "/", "/"),
        ("/", "", "/"),
    ];
    for (cwd, path, want) in cases {
        assert_eq!(normalize(cwd, path), want, "normalize({cwd:?}, {path:?})");
    }
}

#[test]
fn binary_contents_round_trip_in_snapshots() {
    let mut t = Tree::new(SimTime(0));
    let jpg: Vec<u8> = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', 0x80, 0xfe];
    t.put("/a.jpg", &jpg, 0o644, SimTime(0));
    t.put("/a.txt", b"text\n", 0o644, SimTime(0));
    let json = serde_json::to_string(&t).unwrap();
    assert!(json.contains(r#"{"base64":"/9j/4AAQSkaA/g=="}"#), "{json}");
    assert!(json.contains(r#""text\n""#), "{json}");
    let back: Tree = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    // Written before base64: a list of byte values.
    let old = json.replace(
        r#"{"base64":"/9j/4AAQSkaA/g=="}"#,
        "[255,216,255,224,0,16,74,70,128,254]",
    );
    let back: Tree = serde_json::from_str(&old).unwrap();
    assert_eq!(
        back.get("/a.jpg").map(|i| i.content.clone()),
        Some(Content::File(jpg))
    );
}
