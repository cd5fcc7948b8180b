//! A login shell reading a script instead of a terminal (`ssh NODE < script`,
//! `ssh NODE sudo -i < script`): as bash reads a script from a pipe, a command at a
//! time, so `sudo -i` (or `su -`, `ssh NODE`) starts a nested shell that reads the rest
//! of the input and `exit` returns to the shell below. Nothing is said when a shell
//! leaves (there is no terminal), and the end of the input ends every shell.

use super::{Input, Session};
use crate::cluster::Cluster;
use crate::shell::Stream;

/// The commands of `script` as a shell reading it reads them: a line at a time, with
/// the lines after it while a construct (`if`, `while`, a quote) is still open.
fn commands(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut lines = script.lines().peekable();
    while let Some(line) = lines.next() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        let open = crate::shell::opens(&pending);
        if open && lines.peek().is_some() {
            continue;
        }
        if !pending.trim().is_empty() {
            out.push(std::mem::take(&mut pending));
        }
        pending.clear();
    }
    out
}

impl Cluster {
    /// Runs `script` as the session's shell reads it from its standard input: command
    /// after command, each in the shell on top of the session at the time (a `sudo -i`
    /// in it opens a root shell that reads the rest; `exit` leaves it). It stops where
    /// the outermost shell exits; at the end of the input every shell ends, with the
    /// last command's status ([`Session::last_status`]).
    pub fn terminal_script(
        &mut self,
        session: &mut Session,
        script: &str,
    ) -> Vec<(Stream, Vec<u8>)> {
        let mut out = Vec::new();
        for command in commands(script) {
            out.extend(self.terminal_at(session, &command, 0, Input::Script));
            if session.logged_out() {
                return out;
            }
        }
        session.ended = Some(session.last_status());
        out
    }

    /// Runs `line` as `ssh NODE LINE` does (no terminal): when it opens a nested shell
    /// (`sudo -i`, `su -`, `ssh NODE`), that shell reads its standard input, which
    /// `stdin` gives (called only then), as [`Cluster::terminal_script`] reads it.
    pub fn terminal_command(
        &mut self,
        session: &mut Session,
        line: &str,
        stdin: impl FnOnce() -> String,
    ) -> Vec<(Stream, Vec<u8>)> {
        let shells = session.stack.len();
        let mut out = self.terminal_at(session, line, 0, Input::Script);
        if session.stack.len() > shells && !session.in_container() && !session.following() {
            out.extend(self.terminal_script(session, &stdin()));
        } else if !session.logged_out() {
            session.ended = Some(session.last_status());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(c: &mut Cluster, s: &mut Session, script: &str) -> (String, String) {
        let (mut o, mut e) = (String::new(), String::new());
        for (stream, data) in c.terminal_script(s, script) {
            let t = String::from_utf8_lossy(&data);
            match stream {
                Stream::Stdout => o.push_str(&t),
                Stream::Stderr => e.push_str(&t),
            }
        }
        (o, e)
    }

    #[test]
    fn a_script_reads_a_command_at_a_time() {
        assert_eq!(
            commands("echo a\nif true; then\n  echo b\nfi\n\necho 'c\nd'\n"),
            ["echo a", "if true; then\n  echo b\nfi", "echo 'c\nd'"]
        );
        // An unfinished construct at the end is the shell's syntax error.
        assert_eq!(commands("while true; do"), ["while true; do"]);
    }

    /// The chapter's hostPath step through `ssh NODE < script`: after `sudo -i` the
    /// lines run as root, `exit` returns to k8s.
    #[test]
    fn sudo_i_reads_the_rest_of_the_script_as_root() {
        let mut c = Cluster::with_default_nodes(1);
        let mut s = Session::new("k8s-worker-01");
        let (o, e) = run(
            &mut c,
            &mut s,
            "whoami\nsudo -i\nwhoami\nmkdir -p /var/data\ncd /var/data\necho 'This is a test page' > index.html\npwd\nexit\nwhoami\ncat /var/data/index.html\n",
        );
        assert_eq!(o, "k8s\nroot\n/var/data\nk8s\nThis is a test page\n", "{e}");
        assert_eq!(e, "[sudo] password for k8s: \n");
        assert_eq!(s.last_status(), 0);
        // Without `exit`, the end of the input ends both shells with the last status.
        let mut s = Session::new("k8s-worker-01");
        let (o, _) = run(&mut c, &mut s, "sudo -i\nwhoami\nfalse\n");
        assert_eq!(o, "root\n");
        assert_eq!(s.last_status(), 1);
        // `exit` in the outermost shell ends the script there.
        let mut s = Session::new("k8s-worker-01");
        let (o, _) = run(&mut c, &mut s, "echo one\nexit 3\necho two\n");
        assert_eq!(o, "one\n");
        assert_eq!(s.last_status(), 3);
    }

    /// `ssh NODE sudo -i < script`: the root shell reads the script.
    #[test]
    fn a_command_that_opens_a_shell_reads_stdin() {
        let mut c = Cluster::with_default_nodes(1);
        let mut s = Session::new("k8s-worker-01");
        let mut read = false;
        let chunks = c.terminal_command(&mut s, "sudo -i", || {
            read = true;
            "cd /etc\npwd\nwhoami\n".into()
        });
        let o: String = chunks
            .iter()
            .filter(|(st, _)| *st == Stream::Stdout)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
            .collect();
        assert!(read);
        assert_eq!(o, "/etc\nroot\n");
        // A command that opens no shell does not read it.
        let mut s = Session::new("k8s-worker-01");
        let chunks = c.terminal_command(&mut s, "hostname", || unreachable!());
        assert_eq!(chunks, vec![(Stream::Stdout, b"k8s-worker-01\n".to_vec())]);
    }
}
