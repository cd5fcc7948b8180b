//! Tab completion for the playground's terminal: kubectl commands, resource types,
//! object names, flags and file names, from what the cluster holds now.

use super::command::{self, Operands};
use super::resources;
use crate::Cluster;

/// The completions of the last word of `line` (the line as typed so far): whole words
/// that start with it. An empty result means nothing fits.
pub fn complete(cluster: &Cluster, line: &str, files: &[String]) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let ends_with_space = line.ends_with(' ') || line.is_empty();
    let (done, current): (&[&str], &str) = if ends_with_space {
        (&words[..], "")
    } else {
        (
            &words[..words.len().saturating_sub(1)],
            words.last().copied().unwrap_or(""),
        )
    };
    let candidates: Vec<String> = match done {
        // The command's name: kubectl only (a node's terminal offers every program
        // its table has, the terminal module's `complete`).
        [] => vec!["kubectl".to_string()],
        ["kubectl"] => command::COMMANDS
            .iter()
            .map(|c| c.name.to_string())
            .collect(),
        ["ssh"] => cluster
            .nodes()
            .filter_map(|n| n.metadata.name.clone())
            .collect(),
        ["kubectl", name, rest @ ..] => {
            let Some(command) = command::lookup(name) else {
                return Vec::new();
            };
            let positional: Vec<&&str> = rest.iter().filter(|w| !w.starts_with('-')).collect();
            let previous = rest.last().copied().unwrap_or("");
            let node_names = || {
                cluster
                    .nodes()
                    .filter_map(|n| n.metadata.name.clone())
                    .collect()
            };
            if current.starts_with('-') {
                command
                    .flags
                    .iter()
                    .map(|f| format!("--{}", f.name))
                    .collect()
            } else if matches!(previous, "-f" | "--filename") {
                files.to_vec()
            } else {
                match (command.operands, positional.len()) {
                    (Operands::Nodes, 0) | (Operands::NodesWord, 1) => node_names(),
                    (Operands::NodesWord, 0) => vec!["nodes".to_string()],
                    (Operands::Pod, 0) => cluster
                        .pods()
                        .filter_map(|p| p.metadata.name.clone())
                        .collect(),
                    (Operands::TypeThenNames | Operands::Type, 0) => {
                        let mut types: Vec<String> = resources::ALL
                            .iter()
                            .flat_map(|t| [t.plural, t.singular])
                            .map(str::to_string)
                            .collect();
                        if command.name == "get" {
                            types.push("all".into());
                        }
                        crate::sort::sort(&mut types);
                        types.dedup();
                        types
                    }
                    (Operands::TypeThenNames, 1) => match resources::lookup(positional[0]) {
                        Some(rt) => names(cluster, &rt),
                        None => Vec::new(),
                    },
                    _ => Vec::new(),
                }
            }
        }
        _ => Vec::new(),
    };
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(current))
        .collect();
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// The names of a type's objects (events' generated names are not offered).
fn names(cluster: &Cluster, rt: &super::resources::ResourceType) -> Vec<String> {
    if rt.kind == "Event" {
        return Vec::new();
    }
    cluster
        .api()
        .list(rt.plural, None)
        .iter()
        .filter_map(|o| o.metadata().name.clone())
        .collect()
}

/// What Tab does to `line`: the line with its last word completed as far as every
/// candidate agrees (plus a space when only one fits), and the candidates to show when
/// several remain.
pub fn apply_completion(line: &str, candidates: &[String]) -> (String, Vec<String>) {
    let current = if line.ends_with(' ') {
        ""
    } else {
        line.split_whitespace().last().unwrap_or("")
    };
    let stem = &line[..line.len() - current.len()];
    match candidates {
        [] => (line.to_string(), Vec::new()),
        [only] => (format!("{stem}{only} "), Vec::new()),
        many => {
            let mut prefix = many[0].clone();
            for c in &many[1..] {
                while !c.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            if prefix.len() > current.len() {
                (format!("{stem}{prefix}"), Vec::new())
            } else {
                (line.to_string(), many.to_vec())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_like_a_shell() {
        let mut c = Cluster::with_default_nodes(1);
        let _ = c.create_from_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
        );
        let files = vec!["pod.yaml".to_string()];
        let table: &[(&str, &[&str])] = &[
            ("kub", &["kubectl"]),
            ("kubectl ge", &["get"]),
            (
                "kubectl get po",
                &["pod", "poddisruptionbudget", "poddisruptionbudgets", "pods"],
            ),
            ("kubectl get pods t", &["tea"]),
            (
                "kubectl describe node k8s-w",
                &["k8s-worker-01", "k8s-worker-02"],
            ),
            ("kubectl logs ", &["tea"]),
            ("kubectl create -f ", &["pod.yaml"]),
            ("kubectl get pods --sh", &["--show-labels"]),
            ("kubectl cordon k8s-m", &["k8s-master-01"]),
            ("ssh k8s-worker-0", &["k8s-worker-01", "k8s-worker-02"]),
        ];
        for (line, want) in table {
            assert_eq!(complete(&c, line, &files), *want, "{line:?}");
        }
    }

    #[test]
    fn applies_the_common_prefix() {
        let one = vec!["get".to_string()];
        assert_eq!(
            apply_completion("kubectl ge", &one),
            ("kubectl get ".to_string(), vec![])
        );
        let two = vec!["k8s-worker-01".to_string(), "k8s-worker-02".to_string()];
        assert_eq!(apply_completion("ssh k8s", &two).0, "ssh k8s-worker-0");
        assert_eq!(apply_completion("ssh k8s-worker-0", &two).1, two);
    }
}
