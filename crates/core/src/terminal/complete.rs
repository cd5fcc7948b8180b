//! Tab completion at a node's terminal: the first word from the programs the node's
//! shell finds (its builtins among them), then each program's own words: kubectl's
//! commands, types, names and flags, `ssh`'s nodes; after `sudo`, the command it runs.

use super::{programs, Session};
use crate::cluster::Cluster;
use crate::shell::System;

/// The completions of the last word of `line` (the line as typed so far) at the
/// session's shell: whole words that start with it, sorted. `files` are names kubectl's
/// `-f` offers (the editor's files). Empty when nothing fits. In a container's shell
/// (`kubectl exec -it`) nothing is offered.
pub fn complete(cluster: &Cluster, session: &Session, line: &str, files: &[String]) -> Vec<String> {
    if session.in_container() {
        return Vec::new();
    }
    // An alias for kubectl completes as kubectl (the docs' `complete -o default -F
    // __start_kubectl k`).
    let trimmed = line.trim_start();
    if let Some((first, rest)) = trimmed.split_once(char::is_whitespace) {
        let alias = session
            .stack
            .last()
            .and_then(|s| s.process.aliases.get(first));
        if alias.is_some_and(|a| a == "kubectl") {
            return complete_words(cluster, &format!("kubectl {rest}"), files);
        }
    }
    complete_words(cluster, line, files)
}

fn complete_words(cluster: &Cluster, line: &str, files: &[String]) -> Vec<String> {
    let trimmed = line.trim_start();
    let first_done = trimmed.contains(char::is_whitespace);
    if !first_done {
        // The command's name: the node's program table.
        return programs::names(System::Node)
            .into_iter()
            .filter(|n| n.starts_with(trimmed))
            .map(str::to_string)
            .collect();
    }
    let (first, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    match first {
        // `sudo CMD ...`: the command it runs, completed as typed alone.
        "sudo" => {
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix("-i ")
                .or_else(|| rest.strip_prefix("-s "))
                .unwrap_or(rest);
            complete_words(cluster, rest, files)
        }
        "kubectl" | "ssh" => crate::kubectl::complete::complete(cluster, trimmed, files),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_word_comes_from_the_node_program_table() {
        let mut c = Cluster::with_default_nodes(1);
        let _ = c.create_from_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
        );
        let s = Session::new("k8s-master-01");
        let files = vec!["pod.yaml".to_string()];
        let table: &[(&str, &[&str])] = &[
            ("kub", &["kubectl"]),
            // Programs the old hand-picked list lacked, from the table.
            ("sys", &["systemctl"]),
            ("gi", &["git"]),
            ("ec", &["echo"]),
            ("cl", &["clear"]),
            ("su", &["su", "sudo"]),
            ("sudo systemc", &["systemctl"]),
            ("sudo -i kubectl ge", &["get"]),
            // kubectl's and ssh's own words, as before.
            ("kubectl ge", &["get"]),
            ("kubectl get pods t", &["tea"]),
            // The `k` alias completes as kubectl.
            ("k get pods t", &["tea"]),
            ("k ge", &["get"]),
            ("kubectl create -f ", &["pod.yaml"]),
            ("ssh k8s-worker-0", &["k8s-worker-01", "k8s-worker-02"]),
            // Images' programs are not a node's.
            ("ngin", &[]),
            ("cat po", &[]),
        ];
        for (line, want) in table {
            assert_eq!(complete(&c, &s, line, &files), *want, "{line:?}");
        }
        let all = complete(&c, &s, "", &files);
        for name in [
            "kubectl", "ssh", "sudo", "ls", "cat", "curl", "clear", "exit", "cd",
        ] {
            assert!(all.iter().any(|n| n == name), "{name} in {all:?}");
        }
    }
}
