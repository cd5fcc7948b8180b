//! The full-screen editors a node's terminal runs: `vi` (vim) and `nano`, their basics.
//! An [`Editor`] is a value: the file's lines, the cursor, the mode and the message
//! line, fed a key at a time; [`Editor::screen`] is what an 80x24 terminal shows. Writes
//! go through a [`Disk`] (the node's filesystem, as the user running the editor).

mod nano;
mod vi;

use crate::fs::Errno;

/// The screen's size: the classic 80x24 terminal.
pub const COLUMNS: usize = 80;
pub const ROWS: usize = 24;

/// Which editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `vi` and `vim`.
    Vim,
    Nano,
}

/// A key pressed in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Backspace,
    Delete,
    Esc,
    Tab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    /// Ctrl and a letter (`Ctrl('o')`).
    Ctrl(char),
}

impl Key {
    /// The keys in bytes read from a pipe: ESC, CR or LF, DEL and control characters.
    pub fn parse(bytes: &[u8]) -> Vec<Key> {
        String::from_utf8_lossy(bytes)
            .chars()
            .map(|c| match c {
                '\x1b' => Key::Esc,
                '\r' | '\n' => Key::Enter,
                '\x7f' | '\x08' => Key::Backspace,
                '\t' => Key::Tab,
                c if (c as u32) < 0x20 => Key::Ctrl((b'a' + (c as u8).saturating_sub(1)) as char),
                c => Key::Char(c),
            })
            .collect()
    }
}

/// What the editor is doing: vim's modes, nano's prompts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// vim's Normal mode (an operator's first key waiting in `pending`).
    Normal,
    /// vim's Insert mode.
    Insert,
    /// vim's command line after `:` (the text typed so far).
    Command(String),
    /// nano editing the buffer.
    Edit,
    /// nano's `File Name to Write:` prompt (the name being edited); `then_exit`: the
    /// prompt came from Ctrl-X.
    WriteOut { name: String, then_exit: bool },
    /// nano's `Save modified buffer?`.
    SaveModified,
}

/// Where the editor's file is written: the node's filesystem as its user.
pub trait Disk {
    fn write(&mut self, path: &str, data: &[u8]) -> Result<(), Errno>;
}

/// An editor on a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    flavor: Flavor,
    /// The file's name as typed (`pod.yaml`); empty for a buffer without one.
    name: String,
    /// Its absolute path on the node.
    path: String,
    /// The working directory names resolve from (a name given to `:w NAME`).
    cwd: String,
    lines: Vec<String>,
    /// Line and column (in characters) of the cursor.
    row: usize,
    col: usize,
    /// The first line on the screen.
    top: usize,
    mode: Mode,
    /// The message line (vim's last line, nano's status bar).
    message: String,
    modified: bool,
    /// vim: the buffer has no lines at all (an empty or new file, `dd` of the last line).
    empty: bool,
    /// vim: the file is not writable by the user (`[readonly]`).
    readonly: bool,
    /// The file did not exist when opened, and has not been written since.
    is_new: bool,
    /// vim's register (whole lines) or nano's cut buffer.
    register: Vec<String>,
    /// vim: the line register holds characters, not lines (after `x`).
    register_chars: Option<String>,
    /// vim: the first key of `dd`, `yy`, `gg`, `ZZ`.
    pending: Option<char>,
    /// nano: keystrokes until the status message is blanked.
    blank_in: u8,
    /// nano: the last key was Ctrl-K (cuts add to the cut buffer).
    cutting: bool,
    /// The editor has exited, with this status.
    exited: Option<i32>,
    /// Files the editor wrote, with what it wrote, since the last [`Editor::take_written`].
    written: Vec<(String, Vec<u8>)>,
}

/// What the terminal shows of an editor: every row of the 80x24 screen, and where the
/// cursor is on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub rows: Vec<String>,
    /// Row and column of the cursor on the screen.
    pub cursor: (usize, usize),
    /// Rows shown in reverse video (nano's title bar and status message).
    pub inverse: Vec<usize>,
}

/// How a file opened: its bytes, or why not.
pub enum Opened {
    File { data: Vec<u8>, writable: bool },
    New,
    Error(Errno),
}

impl Editor {
    /// `flavor` opened on `name` (as typed; `path` absolute), with what reading it gave.
    pub fn open(flavor: Flavor, name: &str, path: &str, cwd: &str, opened: Opened) -> Editor {
        let mut e = Editor {
            flavor,
            name: name.to_string(),
            path: path.to_string(),
            cwd: cwd.to_string(),
            lines: vec![String::new()],
            row: 0,
            col: 0,
            top: 0,
            mode: match flavor {
                Flavor::Vim => Mode::Normal,
                Flavor::Nano => Mode::Edit,
            },
            message: String::new(),
            modified: false,
            empty: true,
            readonly: false,
            is_new: false,
            register: Vec::new(),
            register_chars: None,
            pending: None,
            blank_in: 0,
            cutting: false,
            exited: None,
            written: Vec::new(),
        };
        match flavor {
            Flavor::Vim => vi::open(&mut e, opened),
            Flavor::Nano => nano::open(&mut e, opened),
        }
        e
    }

    /// Handles one key; a write goes to `disk`.
    pub fn key(&mut self, key: Key, disk: &mut dyn Disk) {
        if self.exited.is_some() {
            return;
        }
        match self.flavor {
            Flavor::Vim => vi::key(self, key, disk),
            Flavor::Nano => nano::key(self, key, disk),
        }
        self.scroll();
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The buffer's lines (nano's last, empty line is where a new line would go).
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Line and column (characters) of the cursor in the buffer.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The message line: vim's `"pod.yaml" 12L, 230B written`, nano's `[ Wrote 12 lines ]`.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn modified(&self) -> bool {
        self.modified
    }

    /// The status the editor exited with, once it has.
    pub fn exited(&self) -> Option<i32> {
        self.exited
    }

    /// The files written since the last call: absolute path and contents.
    pub fn take_written(&mut self) -> Vec<(String, Vec<u8>)> {
        std::mem::take(&mut self.written)
    }

    /// The screen, 24 rows of 80 columns at most.
    pub fn screen(&self) -> Screen {
        match self.flavor {
            Flavor::Vim => vi::screen(self),
            Flavor::Nano => nano::screen(self),
        }
    }

    /// Rows of the buffer on the screen.
    fn text_rows(&self) -> usize {
        match self.flavor {
            Flavor::Vim => ROWS - 1,
            Flavor::Nano => ROWS - 4,
        }
    }

    /// Keeps the cursor's line on the screen.
    fn scroll(&mut self) {
        let rows = self.text_rows();
        if self.row < self.top {
            self.top = self.row;
        } else if self.row >= self.top + rows {
            self.top = self.row + 1 - rows;
        }
    }

    fn line(&self) -> &str {
        self.lines.get(self.row).map_or("", String::as_str)
    }

    fn line_len(&self) -> usize {
        self.line().chars().count()
    }

    /// The byte offset of character `col` in the cursor's line.
    fn byte_at(&self, col: usize) -> usize {
        let line = self.line();
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn insert_char(&mut self, c: char) {
        let at = self.byte_at(self.col);
        if let Some(line) = self.lines.get_mut(self.row) {
            line.insert(at, c);
            self.col += 1;
            self.changed();
        }
    }

    /// Splits the line at the cursor (Enter).
    fn split_line(&mut self) {
        let at = self.byte_at(self.col);
        let Some(line) = self.lines.get_mut(self.row) else {
            return;
        };
        let rest = line.split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
        self.changed();
    }

    /// Backspace: the character before the cursor, or joins the line to the one above.
    fn backspace(&mut self) {
        if self.col > 0 {
            self.col -= 1;
            self.delete_at_cursor();
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len();
            if let Some(above) = self.lines.get_mut(self.row) {
                above.push_str(&line);
            }
            self.changed();
        }
    }

    /// Delete: the character under the cursor, or joins the next line to this one.
    fn delete_at_cursor(&mut self) -> Option<char> {
        let at = self.byte_at(self.col);
        let line = self.lines.get_mut(self.row)?;
        if at < line.len() {
            let c = line.remove(at);
            self.changed();
            Some(c)
        } else {
            None
        }
    }

    fn join_next(&mut self) {
        if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            if let Some(line) = self.lines.get_mut(self.row) {
                line.push_str(&next);
            }
            self.changed();
        }
    }

    fn changed(&mut self) {
        self.modified = true;
        self.empty = false;
    }

    fn up(&mut self) {
        self.row = self.row.saturating_sub(1);
    }

    fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
        }
    }

    /// The lines from bytes: split at newlines; whether the last line ended with one.
    fn split(data: &[u8]) -> (Vec<String>, bool) {
        let text = String::from_utf8_lossy(data);
        let eol = text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(&text);
        (body.split('\n').map(str::to_string).collect(), eol)
    }

    /// Writes `data` to `path` (as typed: resolved from the working directory).
    fn write_file(&mut self, disk: &mut dyn Disk, name: &str, data: Vec<u8>) -> Result<(), Errno> {
        let path = crate::fs::normalize(&self.cwd, name);
        disk.write(&path, &data)?;
        self.written.push((path, data));
        Ok(())
    }
}

/// A line as the terminal shows it: tabs to the next multiple of 8, cut at the width.
fn display(line: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let next = (col / 8 + 1) * 8;
            out.extend(std::iter::repeat_n(' ', next - col));
            col = next;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out.chars().take(COLUMNS).collect()
}

/// The screen column of character `col` of `line` (tabs expanded).
fn display_col(line: &str, col: usize) -> usize {
    let mut at = 0;
    for c in line.chars().take(col) {
        at = if c == '\t' { (at / 8 + 1) * 8 } else { at + 1 };
    }
    at.min(COLUMNS - 1)
}

#[cfg(test)]
mod tests;
