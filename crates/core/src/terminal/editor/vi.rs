//! vim's basics: Normal and Insert modes, the command line (`:w`, `:q`, `:wq`, `:x`),
//! its messages as vim words them.

use super::{Disk, Editor, Key, Mode, Opened, Screen, ROWS};
use crate::fs::Errno;

/// The buffer from what opening the file gave, and vim's message about it.
pub(super) fn open(e: &mut Editor, opened: Opened) {
    let name = e.name.clone();
    if name.is_empty() {
        return;
    }
    match opened {
        Opened::File { data, writable } => {
            e.readonly = !writable;
            let (lines, eol) = Editor::split(&data);
            let mut flags = String::new();
            if e.readonly {
                flags.push_str("[readonly]");
            }
            if data.is_empty() {
                e.message = format!("\"{name}\" {}0L, 0B", spaced(&flags));
                return;
            }
            if !eol {
                flags.push_str("[noeol]");
            }
            e.empty = false;
            e.message = format!(
                "\"{name}\" {}{}L, {}B",
                spaced(&flags),
                lines.len(),
                data.len()
            );
            e.lines = lines;
        }
        Opened::New => {
            e.is_new = true;
            e.message = format!("\"{name}\" [New]");
        }
        Opened::Error(Errno::IsDir) => e.message = format!("\"{name}\" is a directory"),
        Opened::Error(Errno::Access) => e.message = format!("\"{name}\" [Permission Denied]"),
        Opened::Error(_) => {
            e.is_new = true;
            e.message = format!("\"{name}\" [New]");
        }
    }
}

/// `[readonly] ` before the counts, nothing without flags.
fn spaced(flags: &str) -> String {
    if flags.is_empty() {
        String::new()
    } else {
        format!("{flags} ")
    }
}

pub(super) fn key(e: &mut Editor, key: Key, disk: &mut dyn Disk) {
    match e.mode.clone() {
        Mode::Insert => insert(e, key),
        Mode::Command(line) => command_line(e, line, key, disk),
        _ => normal(e, key, disk),
    }
}

/// The last column Normal mode may rest on.
fn clamp(e: &mut Editor) {
    e.col = e.col.min(e.line_len().saturating_sub(1));
}

fn first_non_blank(e: &Editor) -> usize {
    e.line()
        .chars()
        .position(|c| !c.is_whitespace())
        .unwrap_or(0)
}

fn start_insert(e: &mut Editor) {
    e.mode = Mode::Insert;
    e.message.clear();
}

fn normal(e: &mut Editor, key: Key, disk: &mut dyn Disk) {
    if let Some(first) = e.pending.take() {
        match (first, key) {
            ('d', Key::Char('d')) => delete_line(e),
            ('y', Key::Char('y')) => {
                e.register = vec![e.line().to_string()];
                e.register_chars = None;
            }
            ('g', Key::Char('g')) => {
                e.row = 0;
                e.col = first_non_blank(e);
            }
            ('Z', Key::Char('Z')) => run(e, "x", disk),
            ('Z', Key::Char('Q')) => run(e, "q!", disk),
            _ => {}
        }
        return;
    }
    match key {
        Key::Char(c @ ('d' | 'y' | 'g' | 'Z')) => e.pending = Some(c),
        Key::Char('i') => start_insert(e),
        Key::Char('a') => {
            if e.line_len() > 0 {
                e.col += 1;
            }
            start_insert(e);
        }
        Key::Char('A') => {
            e.col = e.line_len();
            start_insert(e);
        }
        Key::Char('I') => {
            e.col = first_non_blank(e);
            start_insert(e);
        }
        Key::Char('o') => {
            e.lines.insert(e.row + 1, String::new());
            e.row += 1;
            e.col = 0;
            e.changed();
            start_insert(e);
        }
        Key::Char('O') => {
            e.lines.insert(e.row, String::new());
            e.col = 0;
            e.changed();
            start_insert(e);
        }
        Key::Char('h') | Key::Left | Key::Backspace => e.col = e.col.saturating_sub(1),
        Key::Char('l' | ' ') | Key::Right => {
            e.col += 1;
            clamp(e);
        }
        Key::Char('j') | Key::Down => {
            e.down();
            clamp(e);
        }
        Key::Enter | Key::Char('+') => {
            e.down();
            e.col = first_non_blank(e);
        }
        Key::Char('k') | Key::Up => {
            e.up();
            clamp(e);
        }
        Key::Char('0') | Key::Home => e.col = 0,
        Key::Char('$') | Key::End => e.col = e.line_len().saturating_sub(1),
        Key::Char('G') => {
            e.row = e.lines.len().saturating_sub(1);
            e.col = first_non_blank(e);
        }
        Key::Char('x') | Key::Delete => {
            if let Some(c) = e.delete_at_cursor() {
                e.register_chars = Some(c.to_string());
            }
            clamp(e);
        }
        Key::Char('p') => put(e, true),
        Key::Char('P') => put(e, false),
        Key::Char(':') => {
            e.mode = Mode::Command(String::new());
        }
        Key::Ctrl('c') => {
            e.message = "Type  :qa!  and press <Enter> to abandon all changes and exit Vim".into();
        }
        _ => {}
    }
}

/// `dd`: the line into the register; the last line leaves an empty buffer.
fn delete_line(e: &mut Editor) {
    if e.empty {
        return;
    }
    let line = e.lines.remove(e.row.min(e.lines.len().saturating_sub(1)));
    e.register = vec![line];
    e.register_chars = None;
    e.modified = true;
    if e.lines.is_empty() {
        e.lines.push(String::new());
        e.empty = true;
        e.message = "--No lines in buffer--".into();
    }
    e.row = e.row.min(e.lines.len() - 1);
    e.col = first_non_blank(e);
}

/// `p` (after the cursor, below its line) and `P` (before, above).
fn put(e: &mut Editor, after: bool) {
    if let Some(text) = e.register_chars.clone() {
        if after && e.line_len() > 0 {
            e.col += 1;
        }
        for c in text.chars() {
            e.insert_char(c);
        }
        e.col = e.col.saturating_sub(1);
        return;
    }
    if e.register.is_empty() {
        e.message = "E353: Nothing in register \"".into();
        return;
    }
    if e.empty {
        // The empty buffer's one line is no line: the put replaces it.
        e.lines = e.register.clone();
        e.row = 0;
    } else {
        let at = if after { e.row + 1 } else { e.row };
        for (i, line) in e.register.clone().into_iter().enumerate() {
            e.lines.insert(at + i, line);
        }
        e.row = at;
    }
    e.changed();
    e.col = first_non_blank(e);
}

fn insert(e: &mut Editor, key: Key) {
    match key {
        Key::Esc | Key::Ctrl('c') => {
            e.mode = Mode::Normal;
            e.col = e.col.saturating_sub(1);
            clamp(e);
        }
        Key::Char(c) => e.insert_char(c),
        Key::Tab => e.insert_char('\t'),
        Key::Enter => e.split_line(),
        Key::Backspace => e.backspace(),
        Key::Delete => {
            if e.col >= e.line_len() {
                e.join_next();
            } else {
                e.delete_at_cursor();
            }
        }
        Key::Left => e.col = e.col.saturating_sub(1),
        Key::Right => e.col = (e.col + 1).min(e.line_len()),
        Key::Up | Key::Down => {
            if key == Key::Up {
                e.up();
            } else {
                e.down();
            }
            e.col = e.col.min(e.line_len());
        }
        Key::Home => e.col = 0,
        Key::End => e.col = e.line_len(),
        Key::Ctrl(_) => {}
    }
}

fn command_line(e: &mut Editor, mut line: String, key: Key, disk: &mut dyn Disk) {
    match key {
        Key::Esc | Key::Ctrl('c') => e.mode = Mode::Normal,
        Key::Backspace if line.is_empty() => e.mode = Mode::Normal,
        Key::Backspace => {
            line.pop();
            e.mode = Mode::Command(line);
        }
        Key::Enter => {
            e.mode = Mode::Normal;
            run(e, line.trim(), disk);
            clamp(e);
        }
        Key::Char(c) => {
            line.push(c);
            e.mode = Mode::Command(line);
        }
        _ => {}
    }
}

/// Runs an Ex command typed after `:`.
fn run(e: &mut Editor, cmd: &str, disk: &mut dyn Disk) {
    e.message.clear();
    if cmd.is_empty() {
        return;
    }
    if let Ok(n) = cmd.parse::<usize>() {
        e.row = n.saturating_sub(1).min(e.lines.len() - 1);
        e.col = first_non_blank(e);
        return;
    }
    let (word, arg) = match cmd.split_once(' ') {
        Some((w, a)) => (w, a.trim()),
        None => (cmd, ""),
    };
    let (word, bang) = match word.strip_suffix('!') {
        Some(w) => (w, true),
        None => (word, false),
    };
    match word {
        "w" | "write" => {
            write(e, arg, bang, disk);
        }
        "q" | "quit" | "qa" | "qall" => {
            if e.modified && !bang {
                e.message = "E37: No write since last change (add ! to override)".into();
            } else {
                e.exited = Some(0);
            }
        }
        "wq" | "x" | "xit" | "exit" | "wqa" | "xa" => {
            let needed = e.modified || word.starts_with('w') || !arg.is_empty();
            if !needed || write(e, arg, bang, disk) {
                e.exited = Some(0);
            }
        }
        _ => e.message = format!("E492: Not an editor command: {cmd}"),
    }
}

/// `:w [NAME]`: whether the write happened (the message says what it did).
fn write(e: &mut Editor, arg: &str, bang: bool, disk: &mut dyn Disk) -> bool {
    let name = if arg.is_empty() {
        e.name.clone()
    } else {
        arg.to_string()
    };
    if name.is_empty() {
        e.message = "E32: No file name".into();
        return false;
    }
    let own = name == e.name;
    if own && e.readonly && !bang {
        e.message = "E45: 'readonly' option is set (add ! to override)".into();
        return false;
    }
    let mut data = Vec::new();
    let count = if e.empty { 0 } else { e.lines.len() };
    if !e.empty {
        for line in &e.lines {
            data.extend_from_slice(line.as_bytes());
            data.push(b'\n');
        }
    }
    let bytes = data.len();
    let new = own && e.is_new;
    match e.write_file(disk, &name, data) {
        Ok(()) => {
            let flag = if new { "[New] " } else { "" };
            e.message = format!("\"{name}\" {flag}{count}L, {bytes}B written");
            if own {
                e.modified = false;
                e.readonly = false;
                e.is_new = false;
            }
            true
        }
        Err(Errno::IsDir) => {
            e.message = format!("E502: \"{name}\" is a directory");
            false
        }
        Err(Errno::NoSpace | Errno::TooLarge) => {
            e.message = "E514: Write error (file system full?)".into();
            false
        }
        Err(_) => {
            e.message = format!("\"{name}\" E212: Can't open file for writing");
            false
        }
    }
}

pub(super) fn screen(e: &Editor) -> Screen {
    let text_rows = ROWS - 1;
    let mut rows = Vec::with_capacity(ROWS);
    for i in 0..text_rows {
        match e.lines.get(e.top + i) {
            Some(line) => rows.push(super::display(line)),
            None => rows.push("~".into()),
        }
    }
    let last = match &e.mode {
        Mode::Command(line) => format!(":{line}"),
        Mode::Insert => "-- INSERT --".into(),
        _ => e.message.clone(),
    };
    let cursor = match &e.mode {
        Mode::Command(line) => (text_rows, 1 + line.chars().count()),
        _ => (e.row - e.top, super::display_col(e.line(), e.col)),
    };
    rows.push(last);
    Screen {
        rows,
        cursor,
        inverse: Vec::new(),
    }
}
