//! Tab completion for the playground's terminal: kubectl commands, resource types,
//! object names, flags and file names, from what the cluster holds now.

use super::resources;
use crate::Cluster;

/// kubectl's commands here, as `kubectl <TAB>` offers them.
const COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
    "run",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Flags offered after `-`, per command (the common ones).
fn flags(command: &str) -> &'static [&'static str] {
    match command {
        "get" => &[
            "--all-namespaces",
            "--field-selector",
            "--label-columns",
            "--namespace",
            "--no-headers",
            "--output",
            "--output-watch-events",
            "--request-timeout",
            "--selector",
            "--show-labels",
            "--sort-by",
            "--watch",
            "--watch-only",
        ],
        "delete" => &[
            "--all",
            "--field-selector",
            "--filename",
            "--force",
            "--grace-period",
            "--now",
            "--selector",
            "--wait",
        ],
        "run" => &[
            "--command",
            "--dry-run",
            "--env",
            "--image",
            "--labels",
            "--output",
            "--port",
            "--restart",
        ],
        "logs" => &[
            "--container",
            "--follow",
            "--previous",
            "--tail",
            "--timestamps",
        ],
        "expose" => &["--name", "--port", "--selector", "--target-port", "--type"],
        "wait" => &["--all", "--for", "--selector", "--timeout"],
        "events" => &[
            "--all-namespaces",
            "--for",
            "--no-headers",
            "--types",
            "--watch",
        ],
        "patch" => &["--patch", "--patch-file", "--type"],
        "create" | "apply" => &["--filename"],
        "drain" => &[
            "--delete-emptydir-data",
            "--force",
            "--grace-period",
            "--ignore-daemonsets",
        ],
        "explain" => &["--api-version", "--output", "--recursive"],
        "label" | "annotate" => &["--overwrite"],
        _ => &[],
    }
}

/// Commands whose next word is a resource type.
fn takes_type(command: &str) -> bool {
    matches!(
        command,
        "get" | "describe" | "delete" | "label" | "annotate" | "explain" | "expose"
    )
}

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
        [] => [
            "kubectl", "ssh", "sudo", "ls", "cat", "curl", "clear", "exit",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        ["kubectl"] => COMMANDS.iter().map(|s| s.to_string()).collect(),
        ["ssh"] => cluster
            .nodes()
            .filter_map(|n| n.metadata.name.clone())
            .collect(),
        ["kubectl", command, rest @ ..] => {
            let positional: Vec<&&str> = rest.iter().filter(|w| !w.starts_with('-')).collect();
            let previous = rest.last().copied().unwrap_or("");
            if current.starts_with('-') {
                flags(command).iter().map(|s| s.to_string()).collect()
            } else if matches!(previous, "-f" | "--filename") {
                files.to_vec()
            } else if matches!(*command, "cordon" | "uncordon" | "drain" | "taint")
                && positional.is_empty()
            {
                if *command == "taint" {
                    vec!["nodes".to_string()]
                } else {
                    cluster
                        .nodes()
                        .filter_map(|n| n.metadata.name.clone())
                        .collect()
                }
            } else if *command == "taint" && positional.len() == 1 {
                cluster
                    .nodes()
                    .filter_map(|n| n.metadata.name.clone())
                    .collect()
            } else if matches!(*command, "logs" | "exec") && positional.is_empty() {
                cluster
                    .pods()
                    .filter_map(|p| p.metadata.name.clone())
                    .collect()
            } else if takes_type(command) && positional.is_empty() {
                let mut types: Vec<String> = resources::ALL
                    .iter()
                    .flat_map(|t| [t.plural, t.singular])
                    .map(str::to_string)
                    .collect();
                if *command == "get" {
                    types.push("all".into());
                }
                crate::sort::sort(&mut types);
                types.dedup();
                types
            } else if takes_type(command) && positional.len() == 1 && *command != "explain" {
                match resources::lookup(positional[0]) {
                    Some(rt) => names(cluster, rt.kind),
                    None => Vec::new(),
                }
            } else {
                Vec::new()
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

fn names(cluster: &Cluster, kind: &str) -> Vec<String> {
    let api = cluster.api();
    let from = |meta: &crate::model::ObjectMeta| meta.name.clone();
    match kind {
        "Pod" => api.pods.list().filter_map(|o| from(&o.metadata)).collect(),
        "Node" => api.nodes.list().filter_map(|o| from(&o.metadata)).collect(),
        "Service" => api
            .services
            .list()
            .filter_map(|o| from(&o.metadata))
            .collect(),
        "Namespace" => api
            .namespaces
            .list()
            .filter_map(|o| from(&o.metadata))
            .collect(),
        "Endpoints" => api
            .endpoints
            .list()
            .filter_map(|o| from(&o.metadata))
            .collect(),
        _ => Vec::new(),
    }
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
            ("kubectl get po", &["pod", "pods"]),
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
