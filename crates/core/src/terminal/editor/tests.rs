//! Key sequences to file contents and message lines, for both editors.

use super::*;

/// A disk of files by path; paths under `/etc` are not writable.
#[derive(Default)]
struct Mem {
    files: Vec<(String, Vec<u8>)>,
}

impl Disk for Mem {
    fn write(&mut self, path: &str, data: &[u8]) -> Result<(), Errno> {
        if path.starts_with("/etc/") {
            return Err(Errno::Access);
        }
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.to_string(), data.to_vec()));
        Ok(())
    }
}

/// `text` as keys: `<Esc>`, `<CR>`, `<BS>`, `<Del>`, `<Up>`, `<Down>`, `<Left>`,
/// `<Right>`, `<C-x>` spelled out, anything else typed.
fn keys(text: &str) -> Vec<Key> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let name = &rest[1..end];
                let key = match name {
                    "Esc" => Some(Key::Esc),
                    "CR" => Some(Key::Enter),
                    "BS" => Some(Key::Backspace),
                    "Del" => Some(Key::Delete),
                    "Up" => Some(Key::Up),
                    "Down" => Some(Key::Down),
                    "Left" => Some(Key::Left),
                    "Right" => Some(Key::Right),
                    n if n.starts_with("C-") => n.chars().nth(2).map(Key::Ctrl),
                    _ => None,
                };
                if let Some(key) = key {
                    out.push(key);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        out.push(Key::Char(c));
        rest = &rest[c.len_utf8()..];
    }
    out
}

struct Case {
    flavor: Flavor,
    name: &'static str,
    /// The file's contents before; `None`: no such file.
    before: Option<&'static str>,
    keys: &'static str,
    /// What the disk holds at the file's path after; `None`: nothing was written.
    after: Option<&'static str>,
    /// The message line (vim's last line, nano's status without its brackets).
    message: &'static str,
    exited: bool,
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n";

fn vim(
    name: &'static str,
    before: Option<&'static str>,
    keys: &'static str,
    after: Option<&'static str>,
    message: &'static str,
    exited: bool,
) -> Case {
    Case {
        flavor: Flavor::Vim,
        name,
        before,
        keys,
        after,
        message,
        exited,
    }
}

fn nano(
    name: &'static str,
    before: Option<&'static str>,
    keys: &'static str,
    after: Option<&'static str>,
    message: &'static str,
    exited: bool,
) -> Case {
    Case {
        flavor: Flavor::Nano,
        ..vim(name, before, keys, after, message, exited)
    }
}

#[test]
fn key_sequences_edit_and_write_files() {
    let cases = [
        // Opening: vim's file info.
        vim(
            "pod.yaml",
            Some(POD),
            "",
            None,
            "\"pod.yaml\" 4L, 49B",
            false,
        ),
        vim("new.yaml", None, "", None, "\"new.yaml\" [New]", false),
        vim("x", Some("abc"), "", None, "\"x\" [noeol] 1L, 3B", false),
        // Insert, Esc, :wq.
        vim(
            "new.yaml",
            None,
            "ihello<CR>world<Esc>:wq<CR>",
            Some("hello\nworld\n"),
            "\"new.yaml\" [New] 2L, 12B written",
            true,
        ),
        vim(
            "pod.yaml",
            Some(POD),
            "Goimage: nginx<Esc>:w<CR>",
            Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nimage: nginx\n"),
            "\"pod.yaml\" 5L, 62B written",
            false,
        ),
        // :q refused with changes; :q! leaves without writing.
        vim(
            "pod.yaml",
            Some(POD),
            "dd:q<CR>",
            None,
            "E37: No write since last change (add ! to override)",
            false,
        ),
        vim("pod.yaml", Some(POD), "dd:q!<CR>", None, "", true),
        vim("pod.yaml", Some(POD), ":q<CR>", None, "", true),
        // :x and ZZ write only a changed buffer.
        vim("pod.yaml", Some(POD), "ZZ", None, "", true),
        vim(
            "pod.yaml",
            Some(POD),
            "jddZZ",
            Some("apiVersion: v1\nmetadata:\n  name: nginx\n"),
            "\"pod.yaml\" 3L, 39B written",
            true,
        ),
        // yy and p, P; x; 0 and $; gg and G; A, I, a, O.
        vim(
            "f",
            Some("one\ntwo\n"),
            "yyGp:x<CR>",
            Some("one\ntwo\none\n"),
            "\"f\" 3L, 12B written",
            true,
        ),
        vim(
            "f",
            Some("one\ntwo\n"),
            "jyyggP:x<CR>",
            Some("two\none\ntwo\n"),
            "\"f\" 3L, 12B written",
            true,
        ),
        vim(
            "f",
            Some("abc\n"),
            "$x0x:x<CR>",
            Some("b\n"),
            "\"f\" 1L, 2B written",
            true,
        ),
        vim(
            "f",
            Some("  abc\n"),
            "AZ<Esc>I<<Esc>la!<Esc>:x<CR>",
            Some("  <a!bcZ\n"),
            "\"f\" 1L, 9B written",
            true,
        ),
        vim(
            "f",
            Some("b\n"),
            "Oa<Esc>:x<CR>",
            Some("a\nb\n"),
            "\"f\" 2L, 4B written",
            true,
        ),
        vim(
            "f",
            Some("ab\ncd\n"),
            "jlkx:x<CR>",
            Some("a\ncd\n"),
            "\"f\" 2L, 5B written",
            true,
        ),
        vim(
            "f",
            Some("ab\ncd\n"),
            "<Down><Right><Up>x:x<CR>",
            Some("a\ncd\n"),
            "\"f\" 2L, 5B written",
            true,
        ),
        // Insert mode's Backspace joins lines; dd of the only line empties the buffer.
        vim(
            "f",
            Some("ab\ncd\n"),
            "ji<BS><Esc>:x<CR>",
            Some("abcd\n"),
            "\"f\" 1L, 5B written",
            true,
        ),
        vim(
            "f",
            Some("ab\n"),
            "dd",
            None,
            "--No lines in buffer--",
            false,
        ),
        vim(
            "f",
            Some("ab\n"),
            "dd:w<CR>",
            Some(""),
            "\"f\" 0L, 0B written",
            false,
        ),
        // Errors.
        vim(
            "/etc/x",
            None,
            "ia<Esc>:wq<CR>",
            None,
            "\"/etc/x\" E212: Can't open file for writing",
            false,
        ),
        vim("", None, "ia<Esc>:w<CR>", None, "E32: No file name", false),
        vim(
            "f",
            None,
            ":wat<CR>",
            None,
            "E492: Not an editor command: wat",
            false,
        ),
        vim(
            "f",
            None,
            "<C-c>",
            None,
            "Type  :qa!  and press <Enter> to abandon all changes and exit Vim",
            false,
        ),
        // nano: typing inserts; Ctrl-O writes out after the name prompt.
        nano("pod.yaml", Some(POD), "", None, "Read 4 lines", false),
        nano("new.yaml", None, "", None, "New File", false),
        nano(
            "new.yaml",
            None,
            "hello<CR>world<C-o><CR>",
            Some("hello\nworld\n"),
            "Wrote 2 lines",
            false,
        ),
        nano(
            "pod.yaml",
            Some(POD),
            "# top<CR><C-o><CR><C-x>",
            Some("# top\napiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n"),
            "Wrote 5 lines",
            true,
        ),
        // Ctrl-X with changes asks; N leaves without writing, Y writes after the
        // name prompt, Ctrl-C cancels.
        nano("f", Some("a\n"), "b<C-x>n", None, "Read 1 line", true),
        nano(
            "f",
            Some("a\n"),
            "b<C-x>y<CR>",
            Some("ba\n"),
            "Wrote 1 line",
            true,
        ),
        nano("f", Some("a\n"), "b<C-x><C-c>", None, "Cancelled", false),
        nano("f", Some("a\n"), "<C-x>", None, "Read 1 line", true),
        // Cut and paste lines; Backspace and Delete; arrows.
        nano(
            "f",
            Some("one\ntwo\nthree\n"),
            "<C-k><C-k><Down><C-u><C-o><CR>",
            Some("three\none\ntwo\n"),
            "Wrote 3 lines",
            false,
        ),
        nano(
            "f",
            Some("ab\ncd\n"),
            "<Down><BS><Right><Del><C-o><CR>",
            Some("abc\n"),
            "Wrote 1 line",
            false,
        ),
        nano(
            "f",
            Some("ab\ncd\n"),
            "<Right><Right><Right>x<C-o><CR>",
            Some("ab\nxcd\n"),
            "Wrote 2 lines",
            false,
        ),
        // Write errors; the Location.
        nano(
            "/etc/x",
            None,
            "a<C-o><CR>",
            None,
            "Error writing /etc/x: Permission denied",
            false,
        ),
        nano(
            "f",
            Some("ab\ncd\n"),
            "<Down><Right><C-c>",
            None,
            "line 2/3 (66%), col 2/3 (66%), char 4/6 (66%)",
            false,
        ),
    ];
    for (i, c) in cases.iter().enumerate() {
        let path = crate::fs::normalize("/home/k8s", c.name);
        let opened = match c.before {
            Some(text) => Opened::File {
                data: text.as_bytes().to_vec(),
                writable: true,
            },
            None => Opened::New,
        };
        let mut e = Editor::open(c.flavor, c.name, &path, "/home/k8s", opened);
        let mut disk = Mem::default();
        for key in keys(c.keys) {
            e.key(key, &mut disk);
        }
        let written = disk
            .files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned());
        let what = format!("case {i}: {:?} {} {:?}", c.flavor, c.name, c.keys);
        assert_eq!(written.as_deref(), c.after, "{what}");
        assert_eq!(e.message(), c.message, "{what}");
        assert_eq!(e.exited().is_some(), c.exited, "{what}");
    }
}

/// The screens: vim's `~` rows and `-- INSERT --`; nano's title bar, centred status and
/// help lines, and the prompts' own help lines.
#[test]
fn screens_show_what_the_editors_show() {
    let mut disk = Mem::default();
    let opened = Opened::File {
        data: POD.as_bytes().to_vec(),
        writable: true,
    };
    let mut e = Editor::open(
        Flavor::Vim,
        "pod.yaml",
        "/home/k8s/pod.yaml",
        "/home/k8s",
        opened,
    );
    let s = e.screen();
    assert_eq!(s.rows.len(), ROWS);
    assert_eq!(s.rows[4], "~");
    assert_eq!(s.rows[23], "\"pod.yaml\" 4L, 49B");
    e.key(Key::Char('A'), &mut disk);
    let s = e.screen();
    assert_eq!(s.rows[23], "-- INSERT --");
    assert_eq!(s.cursor, (0, 14));
    e.key(Key::Esc, &mut disk);
    e.key(Key::Char(':'), &mut disk);
    e.key(Key::Char('w'), &mut disk);
    assert_eq!(e.screen().rows[23], ":w");
    assert_eq!(e.screen().cursor, (23, 2));

    let mut n = Editor::open(
        Flavor::Nano,
        "pod.yaml",
        "/home/k8s/pod.yaml",
        "/home/k8s",
        Opened::New,
    );
    n.key(Key::Char('a'), &mut disk);
    let s = n.screen();
    assert_eq!(s.rows.len(), ROWS);
    assert!(s.rows[0].starts_with("  GNU nano 7.2"), "{}", s.rows[0]);
    assert_eq!(&s.rows[0][36..44], "pod.yaml");
    assert!(s.rows[0].ends_with("Modified "), "{}", s.rows[0]);
    assert_eq!(s.rows[1], "a");
    assert_eq!(s.rows[21].trim(), "[ New File ]");
    assert_eq!(
        s.rows[22],
        "^G Help      ^O Write Out ^W Where Is  ^K Cut       ^T Execute   ^C Location"
    );
    assert_eq!(
        s.rows[23],
        "^X Exit      ^R Read File ^\\ Replace   ^U Paste     ^J Justify   ^/ Go To Line"
    );
    assert_eq!(s.cursor, (1, 1));
    n.key(Key::Ctrl('o'), &mut disk);
    let s = n.screen();
    assert_eq!(s.rows[21], "File Name to Write: pod.yaml");
    assert!(s.rows[23].starts_with("^C Cancel"));
    n.key(Key::Ctrl('c'), &mut disk);
    n.key(Key::Ctrl('x'), &mut disk);
    let s = n.screen();
    assert_eq!(s.rows[21], "Save modified buffer? ");
    assert_eq!(s.rows[22], " Y Yes");
    assert_eq!(s.rows[23], " N No           ^C Cancel");
}

/// Keys read from a pipe: ESC, CR, DEL and control characters.
#[test]
fn piped_bytes_are_keys() {
    assert_eq!(
        Key::parse(b"ia\x1b:wq\r\x0f\x18\x7f"),
        [
            Key::Char('i'),
            Key::Char('a'),
            Key::Esc,
            Key::Char(':'),
            Key::Char('w'),
            Key::Char('q'),
            Key::Enter,
            Key::Ctrl('o'),
            Key::Ctrl('x'),
            Key::Backspace
        ]
    );
}
