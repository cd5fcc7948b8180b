//! kubectl's output where Podlab once printed something else (Podlab issue 22).

use super::*;
use crate::model::ResourceExt;
use std::collections::BTreeMap;

struct Files(BTreeMap<&'static str, &'static str>);

impl FileSource for Files {
    fn read(&self, path: &str) -> Result<String, ReadError> {
        self.0
            .get(path)
            .map(|s| s.to_string())
            .ok_or_else(|| ReadError::NotFound(path.to_string()))
    }
}

fn files() -> Files {
    Files(
        [
            ("empty.yaml", ""),
            ("dashes.yaml", "---\n"),
            (
                "pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\n  labels:\n    app: tea\nspec:\n  containers:\n  - name: tea\n    image: nginx\n    ports:\n    - containerPort: 80\n    resources:\n      requests:\n        memory: 64Mi\n        cpu: 100m\n",
            ),
            (
                "bare.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  nodeName: k8s-worker-01\n  containers:\n  - name: bare\n    image: nginx\n",
            ),
            (
                "sized.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sized\nspec:\n  nodeName: k8s-worker-01\n  containers:\n  - name: sized\n    image: nginx\n    resources:\n      requests:\n        memory: 64Mi\n",
            ),
            (
                "svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  ports:\n  - port: 80\n",
            ),
        ]
        .into(),
    )
}

fn kubectl(c: &mut Cluster, line: &str) -> Output {
    let words = split_words(line).unwrap();
    run(c, &words, &files())
}

#[test]
fn run_env_with_an_empty_value_has_no_value() {
    let mut c = Cluster::with_default_nodes(1);
    let out = kubectl(
        &mut c,
        "run tea --image=nginx --env=EMPTY= --env=A=1 --dry-run=client -o yaml",
    );
    assert!(
        out.stdout
            .contains("  - env:\n    - name: EMPTY\n    - name: A\n      value: \"1\"\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn dry_runs_print_no_null_creation_timestamp() {
    let mut c = Cluster::with_default_nodes(1);
    for line in [
        "run tea --image=nginx --dry-run=client -o yaml",
        "run tea --image=nginx --dry-run=client -o json",
        "create namespace dev --dry-run=client -o yaml",
    ] {
        let out = kubectl(&mut c, line);
        assert!(
            !out.stdout.contains("creationTimestamp"),
            "{line}: {}",
            out.stdout
        );
    }
    let out = kubectl(&mut c, "run tea --image=nginx --dry-run=client -o yaml");
    assert!(
        out.stdout.starts_with(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    run: tea\n  name: tea\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn expose_dry_run_is_the_generated_service() {
    let mut c = Cluster::with_default_nodes(1);
    assert_eq!(kubectl(&mut c, "create -f pod.yaml").exit_code, 0);
    let out = kubectl(&mut c, "expose pod tea --port=80 --dry-run=client -o yaml");
    assert_eq!(
        out.stdout,
        "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: tea\n  name: tea\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:\n    app: tea\nstatus:\n  loadBalancer: {}\n"
    );
    let out = kubectl(&mut c, "expose pod tea --port=80 --dry-run=client -o json");
    assert!(!out.stdout.contains("\"namespace\""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("\"status\": {\n        \"loadBalancer\": {}\n    }"),
        "{}",
        out.stdout
    );
}

#[test]
fn describe_service_without_a_selector() {
    let mut c = Cluster::with_default_nodes(1);
    assert_eq!(kubectl(&mut c, "create -f svc.yaml").exit_code, 0);
    let out = kubectl(&mut c, "describe svc ext");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("Selector:") && l.split_whitespace().nth(1) == Some("<none>")),
        "{}",
        out.stdout
    );
}

#[test]
fn describe_node_totals_memory_in_the_pods_units() {
    let mut c = Cluster::with_default_nodes(1);
    // A pod without requests first, then one asking for 64Mi, on the same node.
    assert_eq!(kubectl(&mut c, "create -f bare.yaml").exit_code, 0);
    assert_eq!(kubectl(&mut c, "create -f sized.yaml").exit_code, 0);
    c.advance(10_000);
    let node = "k8s-worker-01";
    let out = kubectl(&mut c, &format!("describe node {node}"));
    let memory = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Allocated resources:"))
        .find(|l| l.trim_start().starts_with("memory"))
        .unwrap()
        .to_string();
    assert!(memory.contains("64Mi ("), "{memory}\n{}", out.stdout);
    assert!(!memory.contains("67108864"), "{memory}");
}

#[test]
fn empty_manifests_pass_no_objects() {
    let mut c = Cluster::with_default_nodes(1);
    for (verb, file) in [
        ("create", "empty.yaml"),
        ("create", "dashes.yaml"),
        ("apply", "empty.yaml"),
        ("apply", "dashes.yaml"),
    ] {
        let out = kubectl(&mut c, &format!("{verb} -f {file}"));
        assert_eq!(out.stdout, "", "{verb} -f {file}");
        assert_eq!(
            out.stderr,
            format!("error: no objects passed to {verb}\n"),
            "{verb} -f {file}"
        );
        assert_eq!(out.exit_code, 1, "{verb} -f {file}");
    }
}

#[test]
fn label_and_annotate_local_files_print_the_changed_object() {
    let mut c = Cluster::with_default_nodes(1);
    let out = kubectl(&mut c, "label --local -f svc.yaml env=prod -o yaml");
    assert_eq!(
        out.stdout,
        "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    env: prod\n  name: ext\nspec:\n  ports:\n  - port: 80\n",
        "{}",
        out.stderr
    );
    let out = kubectl(
        &mut c,
        "label --local -f pod.yaml env=prod -o jsonpath={.metadata.labels}",
    );
    assert_eq!(out.stdout, "{\"app\":\"tea\",\"env\":\"prod\"}");
    let out = kubectl(&mut c, "annotate --local -f pod.yaml note=hi -o json");
    assert!(
        out.stdout
            .contains("\"annotations\": {\n            \"note\": \"hi\"\n        },"),
        "{}",
        out.stdout
    );
    let out = kubectl(
        &mut c,
        "annotate --local -f pod.yaml note=hi -o jsonpath={.metadata.annotations.note}",
    );
    assert_eq!(out.stdout, "hi");
    let out = kubectl(&mut c, "label --local -f pod.yaml env=prod");
    assert_eq!(out.stdout, "pod/tea labeled\n");
    // Nothing reached the cluster.
    assert!(c.api().pods.get("default", "tea").is_none());
    let out = kubectl(&mut c, "label --local pod tea env=prod");
    assert_eq!(
        out.stderr,
        "error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
    );
    assert_eq!(out.exit_code, 1);
    // Without --local, -f names the live object.
    assert_eq!(kubectl(&mut c, "create -f pod.yaml").exit_code, 0);
    let out = kubectl(&mut c, "label -f pod.yaml env=prod");
    assert_eq!(out.stdout, "pod/tea labeled\n");
    assert_eq!(
        c.api()
            .pods
            .get("default", "tea")
            .unwrap()
            .labels()
            .get("env"),
        Some(&"prod".to_string())
    );
}
