//! kubectl transcripts over the default cluster: command in, expected output out.

use super::*;
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

const NGINX: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx-pod01\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";
const SSD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  labels:\n    env: test\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n  nodeSelector:\n    disktype: ssd\n";

/// Checks a transcript ([`crate::transcript`]) over the default cluster: `$ kubectl ...`
/// lines with the expected stdout under each, `! exit N` and `! stderr: TEXT` as
/// needed; `$ advance DURATION` moves the clock.
fn transcript(script: &str) {
    let files = Files(
        [
            ("nginx.yaml", NGINX),
            ("ssd.yaml", SSD),
            (
                "bad.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x: y\n",
            ),
        ]
        .into(),
    );
    let mut cluster = Cluster::with_default_nodes(1);
    let checked = crate::transcript::check("transcript", script, |step| {
        let words = split_words(&step.command).unwrap();
        match words[0].as_str() {
            "advance" => {
                cluster.advance(crate::clock::parse_duration(&words[1]).unwrap());
                crate::transcript::Outcome::default()
            }
            "kubectl" => {
                let got = run(&mut cluster, &words[1..], &files);
                crate::transcript::Outcome {
                    stdout: got.stdout,
                    stderr: got.stderr,
                    exit: got.exit_code,
                }
            }
            other => panic!("not a kubectl command: {other}"),
        }
    });
    if let Err(report) = checked {
        panic!("{report}");
    }
}

#[test]
fn get_nodes_and_version() {
    transcript(
        "$ kubectl get nodes
NAME            STATUS   ROLES           AGE   VERSION
k8s-master-01   Ready    control-plane   0s    v1.34.2
k8s-worker-01   Ready    <none>          0s    v1.34.2
k8s-worker-02   Ready    <none>          0s    v1.34.2
$ advance 1h
$ kubectl get no k8s-worker-01 -o wide
NAME            STATUS   ROLES    AGE   VERSION   INTERNAL-IP      EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION     CONTAINER-RUNTIME
k8s-worker-01   Ready    <none>   60m   v1.34.2   192.168.56.202   <none>        Ubuntu 24.04.1 LTS   6.8.0-45-generic   containerd://2.1.4
$ kubectl version
Client Version: v1.34.2
Kustomize Version: v5.7.1
Server Version: v1.34.2
$ kubectl get ns
NAME              STATUS   AGE
default           Active   60m
kube-node-lease   Active   60m
kube-public       Active   60m
kube-system       Active   60m
",
    );
}

#[test]
fn pods_from_create_to_delete() {
    transcript(
        "$ kubectl get pods
! stderr: No resources found in default namespace.
$ kubectl create -f nginx.yaml
pod/nginx-pod01 created
$ kubectl create -f nginx.yaml
! exit 1
! stderr: Error from server (AlreadyExists): error when creating \"nginx.yaml\": pods \"nginx-pod01\" already exists
$ kubectl get pods
NAME          READY   STATUS              RESTARTS   AGE
nginx-pod01   0/1     ContainerCreating   0          0s
$ advance 55s
$ kubectl get po -o wide
NAME          READY   STATUS    RESTARTS   AGE   IP           NODE            NOMINATED NODE   READINESS GATES
nginx-pod01   1/1     Running   0          55s   10.244.2.2   k8s-worker-02   <none>           <none>
$ kubectl get pod/nginx-pod01 -o name
pod/nginx-pod01
$ kubectl get pods nope
! exit 1
! stderr: Error from server (NotFound): pods \"nope\" not found
$ kubectl delete pod nginx-pod01
pod \"nginx-pod01\" deleted from default namespace
$ kubectl delete pod nginx-pod01
! exit 1
! stderr: Error from server (NotFound): pods \"nginx-pod01\" not found
",
    );
}

#[test]
fn labels_and_node_selector() {
    transcript(
        "$ kubectl create -f ssd.yaml
pod/nginx created
$ kubectl get pods --show-labels
NAME    READY   STATUS    RESTARTS   AGE   LABELS
nginx   0/1     Pending   0          0s    env=test
$ kubectl label node k8s-worker-01 disktype=ssd
node/k8s-worker-01 labeled
$ kubectl get pods -o wide
NAME    READY   STATUS              RESTARTS   AGE   IP           NODE            NOMINATED NODE   READINESS GATES
nginx   0/1     ContainerCreating   0          0s    10.244.1.2   k8s-worker-01   <none>           <none>
$ kubectl label node k8s-worker-01 disktype=hdd
! exit 1
! stderr: error: 'disktype' already has a value (ssd), and --overwrite is false
$ kubectl label node k8s-worker-01 disktype=hdd --overwrite
node/k8s-worker-01 labeled
$ kubectl label node k8s-worker-01 disktype-
node/k8s-worker-01 unlabeled
$ kubectl get pods -l env=test -o name
pod/nginx
$ kubectl get pods -l 'env in (prod)'
$ kubectl delete pods --all
pod \"nginx\" deleted from default namespace
",
    );
}

#[test]
fn errors_read_like_kubectl() {
    transcript(
        "$ kubectl get horizontalpodautoscalers
! exit 1
! stderr: error: the server doesn't have a resource type \"horizontalpodautoscalers\"
$ kubectl get pods --bogus
! exit 1
! stderr: error: unknown flag: --bogus
$ kubectl frobnicate
! exit 1
! stderr: error: unknown command \"frobnicate\" for \"kubectl\"
$ kubectl top pods
! exit 1
! stderr: error: Metrics API not available
$ kubectl top node k8s-worker-01
! exit 1
! stderr: error: Metrics API not available
$ kubectl create -f bad.yaml
! exit 1
! stderr: error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context
$ kubectl create -f missing.yaml
! exit 1
! stderr: error: the path \"missing.yaml\" does not exist
$ kubectl get pods -o yaml2
! exit 1
! stderr: error: unable to match a printer suitable for the output format \"yaml2\", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml
",
    );
}

#[test]
fn json_output_is_a_list_or_the_object() {
    let files = Files([("nginx.yaml", NGINX)].into());
    let mut c = Cluster::with_default_nodes(1);
    let args = |s: &str| split_words(s).unwrap();
    run(&mut c, &args("create -f nginx.yaml"), &files);
    let one = run(&mut c, &args("get pod nginx-pod01 -o json"), &files);
    let v: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(v["kind"], "Pod");
    assert_eq!(v["spec"]["nodeName"], "k8s-worker-02");
    assert!(one
        .stdout
        .starts_with("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n"));
    let list = run(&mut c, &args("get pods -o json"), &files);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        split_words("get pods -l 'a in (x, y)' \"b c\" d\\ e").unwrap(),
        ["get", "pods", "-l", "a in (x, y)", "b c", "d e"]
    );
    assert!(split_words("get 'x").is_err());
}

#[test]
fn yaml_output_reads_back_as_the_same_object() {
    let files = Files([("nginx.yaml", NGINX)].into());
    let mut c = Cluster::with_default_nodes(1);
    let args = |s: &str| split_words(s).unwrap();
    run(&mut c, &args("create -f nginx.yaml"), &files);
    let yaml = run(&mut c, &args("get pod nginx-pod01 -o yaml"), &files).stdout;
    assert!(
        yaml.starts_with(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: \"2026-01-05T09:00:00Z\"\n"
        ),
        "{yaml}"
    );
    let json = run(&mut c, &args("get pod nginx-pod01 -o json"), &files).stdout;
    let from_yaml = crate::manifest::yaml::parse(&yaml).unwrap()[0]
        .root
        .as_ref()
        .unwrap()
        .to_json();
    let from_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(from_yaml, from_json);
    let list = run(&mut c, &args("get nodes -o yaml"), &files).stdout;
    assert!(
        list.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n"),
        "{list}"
    );
    assert!(
        list.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"),
        "{list}"
    );
}

/// A tree of files by path; `locked/...` cannot be opened.
struct Tree(BTreeMap<&'static str, &'static str>);

impl FileSource for Tree {
    fn read(&self, path: &str) -> Result<String, ReadError> {
        if path.starts_with("locked") {
            return Err(ReadError::Unreadable {
                path: path.to_string(),
                reason: "permission denied".into(),
            });
        }
        Files(self.0.clone()).read(path)
    }

    fn list(&self, path: &str) -> Result<Option<Vec<String>>, ReadError> {
        let prefix = format!("{path}/");
        let mut names: Vec<String> = Vec::new();
        for p in self.0.keys() {
            if let Some(rest) = p.strip_prefix(&prefix) {
                let name = rest.split('/').next().unwrap_or_default().to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        if path == "locked/sub" {
            return Err(ReadError::Unreadable {
                path: path.to_string(),
                reason: "permission denied".into(),
            });
        }
        // Reverse order: kubectl sorts the names itself.
        names.reverse();
        Ok((!names.is_empty()).then_some(names))
    }
}

#[test]
fn filename_directories_read_as_kubectl_reads_them() {
    let pod = |name: &str| NGINX.replace("nginx-pod01", name).leak() as &'static str;
    let tree = Tree(
        [
            ("d/b.yaml", pod("b")),
            ("d/a.json", pod("a")),
            ("d/c.txt", pod("c")),
            ("d/s/x.yml", pod("x")),
            ("locked/a.yaml", pod("l")),
            ("locked/sub/b.yaml", pod("m")),
        ]
        .into(),
    );
    let mut c = Cluster::with_default_nodes(1);
    let args = |s: &str| split_words(s).unwrap();
    let out = run(&mut c, &args("create -f d"), &tree);
    assert_eq!(out.stdout, "pod/a created\npod/b created\n");
    let out = run(&mut c, &args("delete -f d -R --wait=false"), &tree);
    assert_eq!(out.exit_code, 1, "{out:?}");
    assert!(out.stdout.starts_with("pod \"a\" deleted"), "{out:?}");
    assert!(out.stderr.contains("pods \"x\" not found"), "{out:?}");
    // A file that cannot be opened, and a directory that cannot be listed (with -R).
    let out = run(&mut c, &args("create -f locked"), &tree);
    assert_eq!(out.stderr, "error: open locked/a.yaml: permission denied\n");
    let out = run(&mut c, &args("create -R -f locked"), &tree);
    assert_eq!(
        out.stderr,
        "error: error reading \"locked\": open locked/sub: permission denied\n"
    );
    assert_eq!(c.api().pods.len(), 0);
}
