//! Go's `text/tabwriter` (elastic tabstops), which kubectl prints every table and
//! `describe` through. Text is cut into cells at `\t`; a cell is tab-terminated, so the
//! last cell of a line does not take part in alignment. A column's width is set per
//! block of consecutive lines that have a cell in that column: a line with fewer cells
//! ends the block. Cells are left-aligned and padded with spaces.

/// Lays out `text` as `tabwriter.NewWriter(out, minwidth, 8, padding, ' ', 0)` would.
pub fn format(text: &str, minwidth: usize, padding: usize) -> String {
    TabWriter::new(minwidth, padding, false).flush(text)
}

/// A tab writer that lives across flushes. With `remember` it is kubectl's
/// (`github.com/liggitt/tabwriter` with `RememberWidths`): a column never gets
/// narrower than it was in an earlier flush, so the rows `kubectl get --watch` prints
/// one at a time line up with the table above them until a wider cell comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    remember: bool,
    /// The widest each column has been, by column.
    remembered: Vec<usize>,
}

impl TabWriter {
    pub fn new(minwidth: usize, padding: usize, remember: bool) -> TabWriter {
        TabWriter {
            minwidth,
            padding,
            remember,
            remembered: Vec::new(),
        }
    }

    /// Lays out `text` (the lines written since the last flush).
    pub fn flush(&mut self, text: &str) -> String {
        let lines: Vec<Vec<&str>> = text
            .split_terminator('\n')
            .map(|l| l.split('\t').collect())
            .collect();
        let mut block = Block {
            lines: &lines,
            writer: self,
            widths: Vec::new(),
            out: String::with_capacity(text.len() + text.len() / 2),
        };
        block.format(0, lines.len(), 0);
        let mut out = block.out;
        // `text` ends with '\n' when it is complete; keep what was not terminated as is.
        if !text.ends_with('\n') && !text.is_empty() {
            out.pop();
        }
        out
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// One flush: the lines cut into cells and the widths of the columns being laid out.
struct Block<'a, 'w> {
    lines: &'a [Vec<&'a str>],
    writer: &'w mut TabWriter,
    widths: Vec<usize>,
    out: String,
}

impl Block<'_, '_> {
    /// Go's `Writer.format`: returns the index of the first line not yet written.
    fn format(&mut self, mut line0: usize, line1: usize, mut pos: usize) -> usize {
        let lines = self.lines;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: write the lines before the block.
            self.write_lines(pos, this);
            pos = this;
            line0 = this;
            let mut w = self.writer.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                w = w.max(width(lines[this][column]) + self.writer.padding);
                this += 1;
            }
            if self.writer.remember {
                let remembered = &mut self.writer.remembered;
                if remembered.len() < column {
                    remembered.extend_from_slice(&self.widths[remembered.len()..]);
                }
                match remembered.get_mut(column) {
                    None => remembered.push(w),
                    Some(r) if *r > w => w = *r,
                    Some(r) => *r = w,
                }
            }
            self.widths.push(w);
            pos = self.format(line0, this, pos);
            self.widths.pop();
            line0 = this;
        }
        let _ = line0;
        self.write_lines(pos, line1);
        line1
    }

    fn write_lines(&mut self, from: usize, to: usize) {
        for line in &self.lines[from.min(to)..to] {
            for (j, cell) in line.iter().enumerate() {
                self.out.push_str(cell);
                if j + 1 < line.len() {
                    // Tab-terminated cell: pad to the column width where there is one.
                    let w = self.widths.get(j).copied().unwrap_or(0);
                    self.out
                        .extend(std::iter::repeat_n(' ', w.saturating_sub(width(cell))));
                }
            }
            self.out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{format, TabWriter};

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

    #[test]
    fn remembered_widths_outlive_a_flush() {
        // kubectl get --watch: the table, then one row per flush.
        let mut w = TabWriter::new(6, 3, true);
        assert_eq!(
            w.flush("NAME\tREADY\tSTATUS\tAGE\nweb\t0/1\tPending\t0s\n"),
            "NAME   READY   STATUS    AGE\nweb    0/1     Pending   0s\n"
        );
        assert_eq!(
            w.flush("web\t0/1\tContainerCreating\t1s\n"),
            "web    0/1     ContainerCreating   1s\n"
        );
        // The wider column stays wide.
        assert_eq!(
            w.flush("web\t1/1\tRunning\t3s\n"),
            "web    1/1     Running             3s\n"
        );
        // Without remembering, each flush stands alone.
        let mut w = TabWriter::new(6, 3, false);
        w.flush("NAME\tREADY\tSTATUS\tAGE\nweb\t0/1\tContainerCreating\t0s\n");
        assert_eq!(
            w.flush("web\t1/1\tRunning\t3s\n"),
            "web   1/1   Running   3s\n"
        );
    }
}
