//! Workspaces and share links. A [`Workspace`] is everything a person has in the
//! playground (the editor's text, the cluster with its clock, the open lesson); the web
//! app autosaves one and a share link carries one: JSON, zlib-compressed (its checksum
//! catches altered links), base64url, in the URL's fragment (`#share=1.…`) so it never
//! reaches a server.
//!
//! Decoding takes untrusted text: a truncated or altered link, a link from another
//! Podlab, or a decompression bomb each come back as a [`ShareError`] that says what
//! is wrong; nothing panics and nothing larger than [`MAX_INFLATED`] is ever built.

use crate::cluster::{Cluster, SnapshotError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The share format written by [`encode`].
pub const SHARE_VERSION: u32 = 1;
/// The fragment key: `https://…/#share=1.<data>`.
pub const FRAGMENT_KEY: &str = "share=";
/// The most a share link may inflate to (a workspace is a few hundred KB).
pub const MAX_INFLATED: usize = 32 << 20;

/// What the playground saves and shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// The first editor file's text (all a workspace had before named files).
    pub editor: String,
    /// The editor's named files, the first being `editor` (none in older saves).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<EditorFile>,
    /// Which of `files` is open.
    #[serde(default)]
    pub open_file: usize,
    /// [`Cluster::snapshot`]: objects, clock, component state.
    pub cluster: String,
    pub lesson: Option<usize>,
    #[serde(default)]
    pub lesson_done: Vec<bool>,
    /// The open lesson's progress: what was in the cluster when it was opened (its
    /// checks do not count it) and the node ports browsed since.
    #[serde(default, skip_serializing_if = "is_default")]
    pub lesson_progress: crate::lessons::Progress,
    /// The ids of the lessons finished, in the order they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lessons_finished: Vec<String>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Workspace {
    pub fn new(editor: &str, cluster: &Cluster, lesson: Option<usize>, done: &[bool]) -> Self {
        Workspace {
            editor: editor.to_string(),
            files: Vec::new(),
            open_file: 0,
            cluster: cluster.snapshot(),
            lesson,
            lesson_done: done.to_vec(),
            lesson_progress: Default::default(),
            lessons_finished: Vec::new(),
        }
    }

    /// With the open lesson's progress and the lessons finished.
    pub fn with_lesson_progress(
        mut self,
        progress: &crate::lessons::Progress,
        finished: &[String],
    ) -> Self {
        self.lesson_progress = progress.clone();
        self.lessons_finished = finished.to_vec();
        self
    }

    /// With the editor's named files (the first one's text becomes `editor` too).
    pub fn with_files(mut self, files: &[EditorFile], open: usize) -> Self {
        if let Some(first) = files.first() {
            self.editor = first.text.clone();
        }
        self.files = files.to_vec();
        self.open_file = open.min(files.len().saturating_sub(1));
        self
    }

    /// The editor's files: the named ones, or for a save from before named files its
    /// one text as `default_name`.
    pub fn editor_files(&self, default_name: &str) -> Vec<EditorFile> {
        if self.files.is_empty() {
            vec![EditorFile {
                name: default_name.to_string(),
                text: self.editor.clone(),
            }]
        } else {
            self.files.clone()
        }
    }

    /// Reads a saved workspace and restores its cluster.
    pub fn parse(text: &str) -> Result<(Workspace, Cluster), ShareError> {
        // Through a Value and the deserializer snapshots use: one copy of that code in
        // the wasm bundle.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ShareError::Unreadable(e.to_string()))?;
        let workspace: Workspace = crate::model::de::from_value(&value)
            .map_err(|e| ShareError::Unreadable(e.to_string()))?;
        let cluster = Cluster::restore(&workspace.cluster).map_err(ShareError::Cluster)?;
        Ok((workspace, cluster))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_value(self)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}

/// A file in the playground's editor: its name (what `kubectl create -f NAME` reads in
/// the terminal's home directory) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorFile {
    pub name: String,
    pub text: String,
}

impl EditorFile {
    pub fn new(name: &str, text: &str) -> EditorFile {
        EditorFile {
            name: name.to_string(),
            text: text.to_string(),
        }
    }
}

/// Why a name cannot be an editor file's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileNameError {
    Empty,
    /// `.`, `..` or longer than 100 bytes.
    Unusable(String),
    /// The name has a character outside letters, digits, `.`, `-` and `_`.
    BadChar(String, char),
}

impl fmt::Display for FileNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileNameError::Empty => f.write_str("a file name is required"),
            FileNameError::Unusable(name) => write!(f, "{name:?} is not a usable file name"),
            FileNameError::BadChar(name, c) => write!(
                f,
                "{name:?} is not a usable file name: {c:?} is not allowed (use letters, digits, '.', '-' and '_')"
            ),
        }
    }
}

impl std::error::Error for FileNameError {}

/// Why a name cannot be an editor file's: it must be a plain file name (no `/`, not
/// `.` or `..`, at most 100 bytes, letters, digits, `.`, `-` and `_`).
pub fn check_file_name(name: &str) -> Result<(), FileNameError> {
    if name.is_empty() {
        return Err(FileNameError::Empty);
    }
    if name == "." || name == ".." || name.len() > 100 {
        return Err(FileNameError::Unusable(name.to_string()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(FileNameError::BadChar(name.to_string(), c));
    }
    Ok(())
}

/// Why a share link (or a saved workspace) could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// No `share=` in the fragment.
    NotAShareLink,
    /// Made by a Podlab with another share format.
    Version(String),
    /// Not base64url, or cut short.
    Damaged(String),
    /// Inflates to more than [`MAX_INFLATED`].
    TooLarge,
    /// Decompressed, but not a workspace.
    Unreadable(String),
    Cluster(SnapshotError),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotAShareLink => {
                write!(f, "the link carries no scenario (no #{FRAGMENT_KEY}… part)")
            }
            ShareError::Version(v) => write!(
                f,
                "the link was made by a Podlab with share format {v:?}; this one reads format {SHARE_VERSION}"
            ),
            ShareError::Damaged(why) => write!(
                f,
                "the link is damaged (cut short or changed on the way): {why}"
            ),
            ShareError::TooLarge => write!(
                f,
                "the link's scenario is larger than {} MB once unpacked",
                MAX_INFLATED >> 20
            ),
            ShareError::Unreadable(why) => write!(f, "the scenario cannot be read: {why}"),
            ShareError::Cluster(e) => write!(f, "{e}"),
        }
    }
}

/// The fragment part of a share link for `workspace` (without the `#`). The web app
/// leaves this out of its bundle: it compresses with the browser's
/// `CompressionStream("deflate")` (the same zlib format) and calls [`fragment`].
#[cfg(feature = "share-deflate")]
pub fn encode(workspace: &Workspace) -> String {
    let json = workspace.to_json();
    fragment(&miniz_oxide::deflate::compress_to_vec_zlib(
        json.as_bytes(),
        9,
    ))
}

/// The fragment for a workspace's JSON already zlib-compressed.
pub fn fragment(zlib: &[u8]) -> String {
    format!(
        "{FRAGMENT_KEY}{SHARE_VERSION}.{}",
        URL_SAFE_NO_PAD.encode(zlib)
    )
}

/// The workspace a share link carries. Takes a whole URL, a fragment with or without
/// `#`, or just the `1.…` payload.
pub fn decode(link: &str) -> Result<(Workspace, Cluster), ShareError> {
    let fragment = link.split_once('#').map_or(link, |(_, f)| f).trim();
    let payload = fragment
        .split('&')
        .find_map(|part| part.strip_prefix(FRAGMENT_KEY))
        .or_else(|| fragment.starts_with(char::is_numeric).then_some(fragment))
        .ok_or(ShareError::NotAShareLink)?;
    let (version, data) = payload
        .split_once('.')
        .ok_or_else(|| ShareError::Damaged("no format version before the data".into()))?;
    if version != SHARE_VERSION.to_string() {
        return Err(ShareError::Version(version.chars().take(16).collect()));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| ShareError::Damaged(e.to_string()))?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_INFLATED)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Damaged("the data does not unpack".into()),
        })?;
    let text = std::str::from_utf8(&json)
        .map_err(|e| ShareError::Damaged(format!("the data is not text ({e})")))?;
    Workspace::parse(text)
}

#[cfg(all(test, feature = "share-deflate"))]
mod tests {
    use super::*;

    fn workspace() -> (Workspace, Cluster) {
        let mut c = Cluster::with_default_nodes(7);
        c.create_from_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
        )
        .unwrap();
        c.advance(30_000);
        (
            Workspace::new("kind: Pod\n", &c, Some(2), &[true, false]),
            c,
        )
    }

    #[test]
    fn a_link_opens_the_same_workspace() {
        let (w, c) = workspace();
        let link = format!("https://podlab.example/?embed=1#{}", encode(&w));
        let (back, cluster) = decode(&link).unwrap();
        assert_eq!(back, w);
        assert_eq!(cluster.snapshot(), c.snapshot());
        // The fragment alone and the bare payload work too.
        let fragment = encode(&w);
        assert_eq!(decode(&fragment).unwrap().0, w);
        assert_eq!(decode(&fragment[FRAGMENT_KEY.len()..]).unwrap().0, w);
    }

    #[test]
    fn named_files_travel_and_older_saves_read_as_one_file() {
        let (w, c) = workspace();
        let files = [
            EditorFile::new("pod.yaml", "kind: Pod\n"),
            EditorFile::new("svc.yaml", "kind: Service\n"),
        ];
        let w = w.with_files(&files, 1);
        let (back, _) = decode(&encode(&w)).unwrap();
        assert_eq!(back.editor_files("pod.yaml"), files);
        assert_eq!(back.open_file, 1);
        // A save from before named files: its one text is the default file.
        let old = Workspace::new("kind: Pod\n", &c, None, &[]);
        let (back, _) = decode(&encode(&old)).unwrap();
        assert_eq!(back.editor_files("pod.yaml"), [files[0].clone()]);
        assert!(!old.to_json().contains("\"files\""));
    }

    #[test]
    fn file_names_must_be_plain() {
        let cases = [
            ("svc.yaml", None),
            ("my-pod_2.json", None),
            ("", Some("a file name is required")),
            ("..", Some("not a usable file name")),
            ("a/b.yaml", Some("'/' is not allowed")),
            ("<script>", Some("'<' is not allowed")),
        ];
        for (name, want) in cases {
            match (check_file_name(name), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, _) => panic!("{name}: {got:?}"),
            }
        }
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let (w, _) = workspace();
        let good = encode(&w);
        let cut = &good[..good.len() / 2];
        let mut flipped = good.clone().into_bytes();
        let mid = flipped.len() / 2;
        flipped[mid] = if flipped[mid] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        let bomb = format!(
            "{FRAGMENT_KEY}{SHARE_VERSION}.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(
                &vec![b' '; MAX_INFLATED + 1],
                9
            ))
        );
        let not_json = format!(
            "{FRAGMENT_KEY}1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(
                b"{\"editor\": 3}",
                9
            ))
        );
        let cases: &[(&str, &str)] = &[
            ("https://podlab.example/", "the link carries no scenario"),
            ("#share=2.abc", "share format \"2\""),
            ("#share=1", "no format version"),
            ("#share=1.***", "the link is damaged"),
            (cut, "the link is damaged"),
            (&flipped, "the link is damaged"),
            (&bomb, "larger than 32 MB"),
            (
                &not_json,
                "the scenario cannot be read: editor: invalid type",
            ),
        ];
        for (link, want) in cases {
            let err = decode(link).unwrap_err().to_string();
            assert!(err.contains(want), "{link:.40}: {err}");
        }
    }
}
