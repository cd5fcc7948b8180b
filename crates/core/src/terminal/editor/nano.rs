//! nano's basics (GNU nano 7.2, as Debian 12 has it): typing edits, Ctrl-O writes out,
//! Ctrl-X exits (asking to save a modified buffer), Ctrl-K cuts lines and Ctrl-U pastes
//! them, Ctrl-C tells the cursor's position; the title bar, status bar and two help
//! lines of an 80-column terminal.

use super::{Disk, Editor, Key, Mode, Opened, Screen, COLUMNS, ROWS};
use crate::fs::Errno;

/// Keystrokes a status message stays for.
const MESSAGE_KEYS: u8 = 20;

/// The main help lines at 80 columns: nano's first 12 shortcuts, two rows.
const MAIN_HELP: [&str; 2] = [
    "^G Help      ^O Write Out ^W Where Is  ^K Cut       ^T Execute   ^C Location",
    "^X Exit      ^R Read File ^\\ Replace   ^U Paste     ^J Justify   ^/ Go To Line",
];
/// The Write Out prompt's help lines.
const WRITE_HELP: [&str; 2] = [
    "^G Help             M-D DOS Format      M-A Append          M-B Backup File",
    "^C Cancel           M-M Mac Format      M-P Prepend         ^T Browse",
];
/// The yes-no prompt's.
const YES_NO_HELP: [&str; 2] = [" Y Yes", " N No           ^C Cancel"];

pub(super) fn open(e: &mut Editor, opened: Opened) {
    let name = e.name.clone();
    match opened {
        Opened::File { data, writable } => {
            let (lines, _) = Editor::split(&data);
            if !data.is_empty() {
                e.lines = lines;
                e.empty = false;
            }
            let count = if data.is_empty() { 0 } else { e.lines.len() };
            magic_line(e);
            set_message(
                e,
                &if writable {
                    format!("Read {count} {}", lines_word(count))
                } else {
                    format!("File '{name}' is unwritable")
                },
            );
        }
        Opened::New if name.is_empty() => {}
        Opened::New => {
            e.is_new = true;
            set_message(e, "New File");
        }
        Opened::Error(Errno::IsDir) => set_message(e, &format!("\"{name}\" is a directory")),
        Opened::Error(err) => set_message(e, &format!("Error reading {name}: {err}")),
    }
}

fn lines_word(n: usize) -> &'static str {
    if n == 1 {
        "line"
    } else {
        "lines"
    }
}

fn set_message(e: &mut Editor, text: &str) {
    e.message = text.to_string();
    e.blank_in = MESSAGE_KEYS;
}

/// The buffer always ends in an empty line (where text typed at the end goes).
fn magic_line(e: &mut Editor) {
    if e.lines.last().is_none_or(|l| !l.is_empty()) {
        e.lines.push(String::new());
    }
}

pub(super) fn key(e: &mut Editor, key: Key, disk: &mut dyn Disk) {
    if e.blank_in > 0 {
        e.blank_in -= 1;
        if e.blank_in == 0 {
            e.message.clear();
        }
    }
    match e.mode.clone() {
        Mode::WriteOut { name, then_exit } => write_prompt(e, name, then_exit, key, disk),
        Mode::SaveModified => match key {
            Key::Char('y' | 'Y') => {
                e.mode = Mode::WriteOut {
                    name: e.name.clone(),
                    then_exit: true,
                }
            }
            Key::Char('n' | 'N') => e.exited = Some(0),
            Key::Ctrl('c') => cancel(e),
            _ => {}
        },
        _ => edit(e, key),
    }
    let was_cut = key == Key::Ctrl('k');
    if !was_cut {
        e.cutting = false;
    }
}

fn cancel(e: &mut Editor) {
    e.mode = Mode::Edit;
    set_message(e, "Cancelled");
}

fn edit(e: &mut Editor, key: Key) {
    match key {
        Key::Char(c) => {
            e.insert_char(c);
            magic_line(e);
        }
        Key::Tab => {
            e.insert_char('\t');
            magic_line(e);
        }
        Key::Enter => e.split_line(),
        Key::Backspace | Key::Ctrl('h') => e.backspace(),
        Key::Delete | Key::Ctrl('d') => {
            if e.col >= e.line_len() {
                e.join_next();
                magic_line(e);
            } else {
                e.delete_at_cursor();
            }
        }
        Key::Left | Key::Ctrl('b') => {
            if e.col > 0 {
                e.col -= 1;
            } else if e.row > 0 {
                e.row -= 1;
                e.col = e.line_len();
            }
        }
        Key::Right | Key::Ctrl('f') => {
            if e.col < e.line_len() {
                e.col += 1;
            } else if e.row + 1 < e.lines.len() {
                e.row += 1;
                e.col = 0;
            }
        }
        Key::Up | Key::Ctrl('p') => {
            e.up();
            e.col = e.col.min(e.line_len());
        }
        Key::Down | Key::Ctrl('n') => {
            e.down();
            e.col = e.col.min(e.line_len());
        }
        Key::Home | Key::Ctrl('a') => e.col = 0,
        Key::End | Key::Ctrl('e') => e.col = e.line_len(),
        Key::Ctrl('k') => cut(e),
        Key::Ctrl('u') => paste(e),
        Key::Ctrl('o') => {
            e.mode = Mode::WriteOut {
                name: e.name.clone(),
                then_exit: false,
            }
        }
        Key::Ctrl('x') if e.modified => e.mode = Mode::SaveModified,
        Key::Ctrl('x') => e.exited = Some(0),
        Key::Ctrl('c') => location(e),
        Key::Ctrl(c) => {
            let what = match c {
                'g' => "Help",
                'w' => "Where Is",
                't' => "Execute",
                'r' => "Read File",
                '\\' => "Replace",
                'j' => "Justify",
                '/' | '_' => "Go To Line",
                _ => return,
            };
            set_message(e, &format!("podlab: {what} is not part of this nano"));
        }
        Key::Esc => {}
    }
}

/// Ctrl-K: the cursor's line into the cut buffer (consecutive cuts add to it).
fn cut(e: &mut Editor) {
    if e.row + 1 >= e.lines.len() && e.line().is_empty() {
        return;
    }
    if !e.cutting {
        e.register.clear();
    }
    let line = e.lines.remove(e.row);
    e.register.push(line);
    e.col = 0;
    e.cutting = true;
    e.changed();
    magic_line(e);
}

/// Ctrl-U: the cut buffer's lines above the cursor's line.
fn paste(e: &mut Editor) {
    if e.register.is_empty() {
        set_message(e, "Cut buffer is empty");
        return;
    }
    let lines = e.register.clone();
    for (i, line) in lines.iter().enumerate() {
        e.lines.insert(e.row + i, line.clone());
    }
    e.row += lines.len();
    e.col = 0;
    e.changed();
}

/// Ctrl-C: `[ line 2/13 (15%), col 1/24 (4%), char 27/230 (11%) ]`.
fn location(e: &mut Editor) {
    let total_lines = e.lines.len();
    let line = e.row + 1;
    let len = super::display_col(e.line(), e.line_len()) + 1;
    let col = super::display_col(e.line(), e.col) + 1;
    let before: usize = e
        .lines
        .iter()
        .take(e.row)
        .map(|l| l.chars().count() + 1)
        .sum::<usize>()
        + e.col;
    let total: usize = e
        .lines
        .iter()
        .take(total_lines - 1)
        .map(|l| l.chars().count() + 1)
        .sum();
    let pct = |a: usize, b: usize| (100 * a).checked_div(b).unwrap_or(0);
    set_message(
        e,
        &format!(
            "line {line}/{total_lines} ({}%), col {col}/{len} ({}%), char {before}/{total} ({}%)",
            pct(line, total_lines),
            pct(col, len),
            pct(before, total)
        ),
    );
}

/// The bytes nano writes: every line but the last, empty one, each with its newline.
fn contents(e: &Editor) -> (Vec<u8>, usize) {
    let count = e.lines.len().saturating_sub(1);
    let mut data = Vec::new();
    for line in e.lines.iter().take(count) {
        data.extend_from_slice(line.as_bytes());
        data.push(b'\n');
    }
    (data, count)
}

fn write_prompt(e: &mut Editor, mut name: String, then_exit: bool, key: Key, disk: &mut dyn Disk) {
    match key {
        Key::Ctrl('c') => cancel(e),
        Key::Char(c) => {
            name.push(c);
            e.mode = Mode::WriteOut { name, then_exit };
        }
        Key::Backspace => {
            name.pop();
            e.mode = Mode::WriteOut { name, then_exit };
        }
        Key::Enter if name.is_empty() => cancel(e),
        Key::Enter => {
            e.mode = Mode::Edit;
            let (data, count) = contents(e);
            match e.write_file(disk, &name, data) {
                Ok(()) => {
                    e.name = name;
                    e.modified = false;
                    e.is_new = false;
                    set_message(e, &format!("Wrote {count} {}", lines_word(count)));
                    if then_exit {
                        e.exited = Some(0);
                    }
                }
                Err(err) => set_message(e, &format!("Error writing {name}: {err}")),
            }
        }
        _ => {}
    }
}

/// `text` centred in `width` columns.
fn centred(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let left = width.saturating_sub(len) / 2;
    format!("{}{text}", " ".repeat(left))
}

pub(super) fn screen(e: &Editor) -> Screen {
    let mut rows = Vec::with_capacity(ROWS);
    // The title bar: the version, the file's name in the middle, its state at the right.
    let name = if e.name.is_empty() {
        "New Buffer"
    } else {
        e.name.as_str()
    };
    let mut title: Vec<char> = format!("  GNU nano 7.2{}", " ".repeat(COLUMNS))
        .chars()
        .take(COLUMNS)
        .collect();
    let start = COLUMNS.saturating_sub(name.chars().count()) / 2;
    for (i, c) in name.chars().enumerate() {
        if let Some(slot) = title.get_mut(start + i) {
            *slot = c;
        }
    }
    if e.modified {
        let state = "Modified";
        let at = COLUMNS - state.len() - 1;
        for (i, c) in state.chars().enumerate() {
            if let Some(slot) = title.get_mut(at + i) {
                *slot = c;
            }
        }
    }
    rows.push(title.into_iter().collect::<String>());
    for i in 0..e.text_rows() {
        rows.push(
            e.lines
                .get(e.top + i)
                .map(|l| super::display(l))
                .unwrap_or_default(),
        );
    }
    let status_row = rows.len();
    let (status, help, cursor) = match &e.mode {
        Mode::WriteOut { name, .. } => {
            let text = format!("File Name to Write: {name}");
            let col = text.chars().count().min(COLUMNS - 1);
            (text, WRITE_HELP, (status_row, col))
        }
        Mode::SaveModified => {
            let text = "Save modified buffer? ".to_string();
            let col = text.len();
            (text, YES_NO_HELP, (status_row, col))
        }
        _ => {
            let text = if e.message.is_empty() {
                String::new()
            } else {
                centred(&format!("[ {} ]", e.message), COLUMNS)
            };
            let cursor = (1 + e.row - e.top, super::display_col(e.line(), e.col));
            (text, MAIN_HELP, cursor)
        }
    };
    rows.push(status);
    rows.extend(help.iter().map(|h| h.to_string()));
    let mut inverse = vec![0];
    if !rows[status_row].is_empty() {
        inverse.push(status_row);
    }
    Screen {
        rows,
        cursor,
        inverse,
    }
}
