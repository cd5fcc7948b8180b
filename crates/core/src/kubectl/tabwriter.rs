//! Go's `text/tabwriter` (elastic tabstops), which kubectl prints every table and
//! `describe` through. Text is cut into cells at `\t`; a cell is tab-terminated, so the
//! last cell of a line does not take part in alignment. A column's width is set per
//! block of consecutive lines that have a cell in that column: a line with fewer cells
//! ends the block. Cells are left-aligned and padded with spaces.

/// Lays out `text` as `tabwriter.NewWriter(out, minwidth, 8, padding, ' ', 0)` would.
pub fn format(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text
        .split_terminator('\n')
        .map(|l| l.split('\t').collect())
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths = Vec::new();
    format_block(
        &lines,
        0,
        lines.len(),
        &mut widths,
        minwidth,
        padding,
        &mut out,
        0,
    );
    // `text` ends with '\n' when it is complete; keep what was not terminated as is.
    if !text.ends_with('\n') && !text.is_empty() {
        out.pop();
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Go's `Writer.format`: returns the index of the first line not yet written.
#[allow(clippy::too_many_arguments)]
fn format_block(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    minwidth: usize,
    padding: usize,
    out: &mut String,
    mut pos: usize,
) -> usize {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        // A cell exists in this column: write the lines before the block.
        write_lines(lines, pos, this, widths, out);
        pos = this;
        line0 = this;
        let mut w = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(w);
        pos = format_block(lines, line0, this, widths, minwidth, padding, out, pos);
        widths.pop();
        line0 = this;
    }
    let _ = line0;
    write_lines(lines, pos, line1, widths, out);
    line1
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from.min(to)..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                // Tab-terminated cell: pad to the column width where there is one.
                let w = widths.get(j).copied().unwrap_or(0);
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(cell))));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn columns_align_within_blocks() {
        let text = "NAME\tREADY\tSTATUS\ntea\t1/1\tRunning\n";
        assert_eq!(
            format(text, 0, 3),
            "NAME   READY   STATUS\ntea    1/1     Running\n"
        );
        // A line without tabs ends the block; the next block aligns on its own.
        let text = "Name:\tnginx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\n";
        assert_eq!(
            format(text, 0, 2),
            "Name:       nginx\nNamespace:  default\nIPs:\n  IP:  10.0.0.1\n"
        );
    }

    #[test]
    fn nested_columns() {
        // Column 1 only spans the lines that have a second tab-terminated cell.
        let text = "a\tb\tc\naaaa\tb\nx\ty\tzz\tw\n";
        assert_eq!(format(text, 0, 1), "a    b c\naaaa b\nx    y zz w\n");
    }
}
