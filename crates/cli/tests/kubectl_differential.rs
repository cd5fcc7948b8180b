//! Podlab's kubectl against the real one, on the same objects.
//!
//! A small API server on 127.0.0.1 serves discovery (`/api`, `/apis`, `/api/v1`,
//! `/version`) and the objects of a simulated cluster as Podlab's API server stores
//! them; the real `kubectl` (when it is on PATH) prints them client-side, and each case
//! compares its output byte for byte with what Podlab's kubectl prints for the same
//! command. Without `kubectl` the test says so and passes: the machine cannot compare.
//!
//! The installed kubectl may be older than the version Podlab names (v1.34); the cases
//! are ones whose client-side printing did not change between the two.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use podlab_core::kubectl;
use podlab_core::Cluster;

/// The resources the server serves: Podlab's table of served kinds (core-group kinds
/// under `/api/v1`, the others under `/apis/GROUP/v1`).
use podlab_core::model::kinds::ALL as RESOURCES;

/// The groups besides the core group, each once.
fn groups_served() -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    for k in RESOURCES {
        if !k.group.is_empty() && !groups.contains(&k.group) {
            groups.push(k.group);
        }
    }
    groups
}

fn kubectl_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
}

/// The installed kubectl's minor version (`32` for v1.32.4).
fn kubectl_minor(bin: &Path) -> Option<u32> {
    let out = Command::new(bin)
        .args(["version", "--client", "-o", "json"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("\"gitVersion\": \"v1.")? + "\"gitVersion\": \"v1.".len();
    text[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// What the server serves: every object as the API serves it, by resource, namespace
/// and name (the cluster itself stays on the test's thread).
struct Served {
    objects: Vec<(&'static str, String, String, String)>,
    resource_version: u64,
}

impl Served {
    fn of(cluster: &Cluster) -> Served {
        let api = cluster.api();
        let mut objects = Vec::new();
        for kind in RESOURCES {
            for o in api.list(kind.plural, None) {
                let m = o.metadata();
                objects.push((
                    kind.plural,
                    m.namespace.clone().unwrap_or_default(),
                    m.name.clone().unwrap_or_default(),
                    o.to_json().to_string(),
                ));
            }
        }
        Served {
            objects,
            resource_version: api.resource_version(),
        }
    }
}

/// The APIResourceList of one group (`""`: the core group).
fn discovery(group: &str) -> String {
    let resources: Vec<String> = RESOURCES
        .iter()
        .filter(|r| r.group == group)
        .map(|r| {
            let short: Vec<String> = r.short.iter().map(|s| format!("\"{s}\"")).collect();
            format!(
                r#"{{"name":"{}","singularName":"{}","namespaced":{},"kind":"{}","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":[{}]}}"#,
                r.plural,
                r.kind.to_ascii_lowercase(),
                r.namespaced,
                r.kind,
                short.join(",")
            )
        })
        .collect();
    let group_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    format!(
        r#"{{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"{group_version}","resources":[{}]}}"#,
        resources.join(",")
    )
}

/// The APIGroupList at `/apis`.
fn groups() -> String {
    let groups: Vec<String> = groups_served()
        .iter()
        .map(|g| {
            format!(
                r#"{{"name":"{g}","versions":[{{"groupVersion":"{g}/v1","version":"v1"}}],"preferredVersion":{{"groupVersion":"{g}/v1","version":"v1"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"kind":"APIGroupList","apiVersion":"v1","groups":[{}]}}"#,
        groups.join(",")
    )
}

/// Answers one GET: (status, body).
fn answer(served: &Served, target: &str) -> (u16, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/api" => {
            return (
                200,
                r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}"#.into(),
            )
        }
        "/apis" => return (200, groups()),
        "/api/v1" => return (200, discovery("")),
        "/version" => {
            return (
                200,
                r#"{"major":"1","minor":"34","gitVersion":"v1.34.2","gitCommit":"","gitTreeState":"clean","buildDate":"2025-11-11T00:00:00Z","goVersion":"go1.24.9","compiler":"gc","platform":"linux/amd64"}"#.into(),
            )
        }
        _ => {}
    }
    for group in groups_served() {
        if path == format!("/apis/{group}/v1") {
            return (200, discovery(group));
        }
    }
    let rest = path.strip_prefix("/api/v1/").or_else(|| {
        groups_served()
            .into_iter()
            .find_map(|g| path.strip_prefix(&format!("/apis/{g}/v1/")))
    });
    let Some(rest) = rest else {
        return not_found("", "");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let (namespace, resource, name) = match parts.as_slice() {
        ["namespaces", ns, resource] => (Some(*ns), *resource, None),
        ["namespaces", ns, resource, name] => (Some(*ns), *resource, Some(*name)),
        [resource] => (None, *resource, None),
        [resource, name] => (None, *resource, Some(*name)),
        _ => return not_found("", ""),
    };
    // A cluster serves quotas and limit ranges, and has none until they are made (Podlab
    // serves neither): empty lists for `describe namespace`.
    if ["resourcequotas", "limitranges"].contains(&resource) && name.is_none() {
        let kind = if resource == "limitranges" {
            "LimitRange"
        } else {
            "ResourceQuota"
        };
        return (
            200,
            format!(r#"{{"kind":"{kind}List","apiVersion":"v1","metadata":{{}},"items":[]}}"#),
        );
    }
    let Some((kind, group)) = RESOURCES
        .iter()
        .find(|r| r.plural == resource)
        .map(|r| (r.kind, r.group))
    else {
        return not_found(resource, name.unwrap_or_default());
    };
    if let Some(name) = name {
        let ns = namespace.unwrap_or("");
        return match served
            .objects
            .iter()
            .find(|o| o.0 == resource && o.1 == ns && o.2 == name)
        {
            Some(o) => (200, o.3.clone()),
            // The API server names a resource outside the core group with its group.
            None if group.is_empty() => not_found(resource, name),
            None => not_found(&format!("{resource}.{group}"), name),
        };
    }
    let mut items: Vec<String> = served
        .objects
        .iter()
        .filter(|o| o.0 == resource && namespace.is_none_or(|ns| o.1 == ns))
        .map(|o| o.3.clone())
        .collect();
    // The label selector `describe service` sends for its EndpointSlices
    // (`kubernetes.io/service-name=NAME`): equality terms only.
    for selector in query
        .split('&')
        .filter_map(|p| p.strip_prefix("labelSelector="))
    {
        let selector = selector
            .replace("%3D", "=")
            .replace("%2F", "/")
            .replace("%2C", ",");
        for term in selector.split(',') {
            if let Some((key, value)) = term.split_once('=') {
                let pair = format!("\"{key}\":\"{value}\"");
                items.retain(|item| item.contains(&pair));
            }
        }
    }
    // The field selector kubectl describe sends for an object's events.
    for selector in query
        .split('&')
        .filter_map(|p| p.strip_prefix("fieldSelector="))
    {
        let selector = selector
            .replace("%3D", "=")
            .replace("%2C", ",")
            .replace("%21", "!");
        for term in selector.split(',') {
            // `status.phase!=Failed` (describe node's pods) or `spec.nodeName=x`.
            let (field, value, equal) = match term.split_once("!=") {
                Some((field, value)) => (field, value, false),
                None => match term.split_once('=') {
                    Some((field, value)) => (field, value, true),
                    None => continue,
                },
            };
            let key = field.rsplit('.').next().unwrap_or(field);
            let pair = format!("\"{key}\":\"{value}\"");
            items.retain(|item| item.contains(&pair) == equal);
        }
    }
    let api_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    (
        200,
        format!(
            r#"{{"kind":"{kind}List","apiVersion":"{api_version}","metadata":{{"resourceVersion":"{}"}},"items":[{}]}}"#,
            served.resource_version,
            items.join(",")
        ),
    )
}

fn not_found(resource: &str, name: &str) -> (u16, String) {
    (
        404,
        format!(
            r#"{{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"{resource} \"{name}\" not found","reason":"NotFound","details":{{"name":"{name}","kind":"{resource}"}},"code":404}}"#
        ),
    )
}

fn serve(served: Arc<Served>, stream: TcpStream) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut stream = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" || header == "\n" {
                break;
            }
            if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let target = request.split_whitespace().nth(1).unwrap_or("/").to_string();
        let (status, body) = answer(&served, &target);
        let reason = if status == 200 { "OK" } else { "Not Found" };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A server for `served` on a free loopback port; its address.
fn start(served: Served) -> String {
    let served = Arc::new(served);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let served = served.clone();
            std::thread::spawn(move || serve(served, stream));
        }
    });
    address
}

fn words(command: &str) -> Vec<String> {
    kubectl::split_words(command).expect("the case's command splits")
}

/// The chapter's objects after they settled: pods with the downward API, a Service
/// without a selector and one with, on the default three nodes.
fn cluster() -> Cluster {
    let mut c = Cluster::with_default_nodes(7);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for file in [
        "pod-with-fieldref.yaml",
        "web.yaml",
        "web-svc.yaml",
        // Scaled to zero (below): its ReplicaSet's and pods' events would take the
        // events past twelve with equal timestamps, where Go's pattern-defeating
        // quicksort orders ties its own way (see core's kubectl/sorter.rs).
        "nginx-deployment.yaml",
    ] {
        let mut text = std::fs::read_to_string(fixtures.join(file)).unwrap();
        if file == "nginx-deployment.yaml" {
            text = text.replace("replicas: 3", "replicas: 0");
        }
        c.create_from_text(file, &text)
            .expect("the fixture applies");
    }
    let manual = "apiVersion: v1\nkind: Service\nmetadata:\n  name: external\nspec:\n  ports:\n  - port: 443\n";
    c.create_from_text("external.yaml", manual).unwrap();
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: game-config\n  labels:\n    app: game\ndata:\n  game.properties: |\n    enemies=aliens\n    lives=3\nbinaryData:\n  blob: AAEC\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: literal\ndata:\n  allowed: '\"true\"'\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: test-secret\nstringData:\n  username: my-app\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: a2V5\n";
    c.create_from_text("config.yaml", config).unwrap();
    // In a namespace of its own: its events stay out of the default namespace's.
    let consumer = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: config\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: config\ndata:\n  color: blue\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: envfrom\n  namespace: config\nspec:\n  containers:\n  - name: app\n    image: nginx\n    envFrom:\n    - configMapRef:\n        name: settings\n    - prefix: DB_\n      secretRef:\n        name: db\n        optional: true\n    env:\n    - name: COLOR\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: color\n    volumeMounts:\n    - name: cfg\n      mountPath: /etc/cfg\n    - name: sec\n      mountPath: /etc/sec\n  volumes:\n  - name: cfg\n    configMap:\n      name: settings\n      items:\n      - key: color\n        path: c\n  - name: sec\n    secret:\n      secretName: db\n      optional: true\n";
    c.create_from_text("consumer.yaml", consumer).unwrap();
    let storage = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fancy\n  annotations:\n    note: fast disks\nprovisioner: example.com/fancy\nparameters:\n  type: ssd\n  zone: a\nallowVolumeExpansion: false\nmountOptions:\n- debug\n- noatime\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\nallowedTopologies:\n- matchLabelExpressions:\n  - key: topology.kubernetes.io/zone\n    values:\n    - a\n    - b\n  - key: kubernetes.io/hostname\n    values:\n    - k8s-worker-01\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: task-pv-volume\n  labels:\n    type: local\nspec:\n  storageClassName: manual\n  capacity:\n    storage: 10Gi\n  accessModes:\n  - ReadWriteOnce\n  hostPath:\n    path: /mnt/data\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: task-pv-claim\nspec:\n  storageClassName: manual\n  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n      storage: 3Gi\n";
    c.create_from_text("storage.yaml", storage).unwrap();
    c.advance(60_000);
    c
}

/// Every command compared; `{}` in a case is the place of `--server`'s address.
const CASES: &[&str] = &[
    "get pod tea -o yaml",
    "get pod tea -o json",
    "get pods -o yaml",
    "get pods -o json",
    "get pods -o name",
    "get pods,svc -o name",
    "get pods -o jsonpath={.items[*].metadata.name}",
    "get pods -o jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}{\"\\n\"}{end}",
    "get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IP:.status.podIP",
    "get pods --sort-by=.metadata.name -o name",
    "get nodes -o custom-columns=NAME:.metadata.name,CPU:.status.capacity.cpu --sort-by=.metadata.name",
    "get node k8s-worker-01 -o yaml",
    "get svc web -o yaml",
    "get svc external -o json",
    "get ep web -o yaml",
    "get ns -o name",
    "describe pod tea",
    "describe pod web",
    // kubectl reads a Service's Endpoints line from its EndpointSlices.
    "describe svc web",
    "describe svc external",
    "describe svc kubernetes",
    // Not `get endpointslices` as a table: its columns come from the API server's table.
    "get endpointslices -A -o name",
    "get endpointslices -o yaml",
    "get endpointslices -n default -o json",
    "describe endpointslices web",
    "describe endpointslice kubernetes",
    "get endpointslices -o jsonpath={range .items[*]}{.metadata.name}{\" \"}{.endpoints[*].conditions.ready}{\"\\n\"}{end}",
    "describe node k8s-worker-01",
    "describe node k8s-control-plane",
    // Not `get leases` as a table: its HOLDER column comes from the API server's table
    // (kubectl prints NAME and AGE only from a server that sends none, as this one).
    "get leases -A -o name",
    "get lease k8s-worker-01 -n kube-node-lease -o yaml",
    "get leases -n kube-node-lease -o json",
    "describe lease k8s-worker-01 -n kube-node-lease",
    "get lease nothing -n kube-node-lease",
    "api-resources",
    "api-resources --namespaced=false -o name",
    "get nodes -o yaml",
    "get node k8s-master-01 -o json",
    "get events -o yaml",
    "get events -o json",
    "get ep -o json",
    "get ns -o yaml",
    "get ns default -o json",
    "get nodes -o name",
    "get events -o name",
    "get ep -A -o name",
    "get svc -A -o name",
    "get pods -o custom-columns=NAME:.metadata.name,LABELS:.metadata.labels,PORTS:.spec.containers[*].ports,NOTHING:.status.nothing",
    "get pods -o custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,ENV:.spec.containers[0].env",
    "get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints,ADDRESSES:.status.addresses",
    "get pods -o jsonpath={.items[0].metadata.labels}",
    "get pods -o jsonpath={.items[*].spec.containers[*].ports}",
    "get pods -o jsonpath={.items[0].status.conditions}",
    "get pods -o jsonpath={.items[0].metadata.ownerReferences}",
    "get nodes -o jsonpath={.items[*].status.capacity}",
    "get nodes -o jsonpath={range .items[*]}{.metadata.name}:{.spec.podCIDR}{\"\\n\"}{end}",
    "get pods --sort-by=.status.containerStatuses[0].restartCount -o name",
    "get pods --sort-by=.metadata.creationTimestamp -o name",
    "get events --sort-by=.lastTimestamp -o name",
    "get nodes --sort-by=.status.capacity.memory -o name",
    "get svc --sort-by=.spec.ports[0].port -o name",
    "get leases -n kube-node-lease --sort-by=.spec.renewTime -o name",
    "describe ns default",
    "describe ns kube-node-lease",
    "describe ep web",
    "get deploy nginx-deployment -o yaml",
    "get deployments.apps -o json",
    "get deploy -o name",
    // ConfigMaps and Secrets of one key each: kubectl's describers print keys in Go's
    // map order, which changes from run to run (Podlab sorts them).
    "describe configmap game-config",
    "describe cm",
    "describe secret test-secret",
    "get cm game-config -o yaml",
    "get configmaps -o json",
    "get secret test-secret -o yaml",
    "get secrets -o json",
    "get cm,secrets -o name",
    "describe pod envfrom -n config",
    "get pod envfrom -n config -o yaml",
    "describe sc standard",
    "describe storageclass fancy",
    "get sc fancy -o yaml",
    "describe pv task-pv-volume",
    "describe pvc task-pv-claim",
    "get pv,pvc -o yaml",
];

/// Cases whose output changed in kubectl v1.34, compared only with a kubectl at least
/// that new: before v1.34 a client-side dry run printed `creationTimestamp: null`
/// (ObjectMeta's zero time), which v1.34 leaves out.
const SINCE_1_34: &[&str] = &[
    "run nginx --image=nginx --dry-run=client -o yaml",
    "run nginx --image=nginx --dry-run=client -o json",
    "run web2 --image=nginx --port=80 --labels=app=web,tier=front --env=A=1 --env=B= --dry-run=client -o yaml",
    "expose pod web --port=80 --dry-run=client -o yaml",
    "expose pod web --port=80 --type=NodePort --dry-run=client -o json",
];

/// `set resources|image|env --local` cases: kubectl reads `-f` files itself (`FIXTURES/` is the test
/// fixtures' directory) and prints the changed objects as Go's types hold them, with
/// the fields Go's encoder writes though unset (`strategy: {}`, `resources: {}`,
/// `status: {}`, `replicas: 0`), in the structs' field order for `-o json`.
const LOCAL: &[&str] = &[
    "set resources -f FIXTURES/nginx-resources.yaml --local -o yaml --limits=cpu=200m",
    "set resources -f FIXTURES/nginx-resources.yaml --local -o json --limits=cpu=200m,memory=512Mi --requests=cpu=100m",
    "set resources -f FIXTURES/nginx-resources.yaml --local --limits=cpu=200m",
    "set resources -f FIXTURES/nginx-resources.yaml --local -c=sidecar --limits=cpu=200m -o name",
    "set resources -f FIXTURES/local-workloads.yaml --local -o yaml --requests=memory=64Mi",
    "set resources -f FIXTURES/local-workloads.yaml --local -o json --requests=memory=64Mi",
    "set image -f FIXTURES/nginx-resources.yaml --local -o yaml nginx=nginx:1.25",
    "set image -f FIXTURES/nginx-resources.yaml --local -o json *=nginx:1.25",
    "set image -f FIXTURES/nginx-resources.yaml --local nginx=nginx:1.25",
    "set image -f FIXTURES/nginx-resources.yaml --local nginx=nginx",
    "set image -f FIXTURES/local-workloads.yaml --local -o yaml app=busybox:1.36",
    "set image -f FIXTURES/local-workloads.yaml --local -o json app=busybox:1.36",
    "set env -f FIXTURES/nginx-resources.yaml --local -o yaml A=b",
    "set env -f FIXTURES/nginx-resources.yaml --local -o json A=b -c=sidecar",
    "set env -f FIXTURES/nginx-resources.yaml --local A=b",
    "set env -f FIXTURES/local-workloads.yaml --local -o yaml MODE=slow",
    "set env -f FIXTURES/local-workloads.yaml --local -o yaml MODE-",
    "set env -f FIXTURES/local-workloads.yaml --local -o json LEVEL=2",
    "set image -f FIXTURES/local-no-selector.yaml --local -o yaml app=busybox",
    "set env -f FIXTURES/local-no-selector.yaml --local -o json A=b",
    "set env deployment/nginx --local A=b",
    "set image deployment/nginx --local nginx=x",
    "set image -f FIXTURES/nginx-resources.yaml --local --dry-run=server nginx=nginx:1.25",
];

/// A file on disk, for `-f` (what kubectl itself reads).
struct Disk;

impl kubectl::FileSource for Disk {
    fn read(&self, path: &str) -> Result<String, kubectl::ReadError> {
        std::fs::read_to_string(path).map_err(|_| kubectl::ReadError::NotFound(path.to_string()))
    }
}

/// kubectl before v1.34 printed a typed object's zero `creationTimestamp` as `null`;
/// v1.34 leaves it out (and an ObjectMeta with nothing else is `{}`). An older
/// kubectl's lines for it are dropped, in YAML and in indented JSON.
fn without_zero_creation_timestamps(minor: u32, text: &str) -> String {
    if minor >= 34 {
        return text.to_string();
    }
    let all: Vec<&str> = text.lines().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut close_on_last = false;
    for (i, line) in all.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if close_on_last {
            // `{` then the dropped line then `}`: one `{}`.
            close_on_last = false;
            if let Some(last) = lines.last_mut() {
                last.push_str(trimmed);
                continue;
            }
        }
        if trimmed == "creationTimestamp: null" {
            // A `metadata:` left with nothing under it is `metadata: {}`.
            let next = all.get(i + 1).map_or(0, |n| n.len() - n.trim_start().len());
            if next < indent {
                if let Some(last) = lines.last_mut().filter(|l| l.ends_with(':')) {
                    last.push_str(" {}");
                }
            }
            continue;
        }
        if trimmed == "\"creationTimestamp\": null," {
            continue;
        }
        if trimmed == "\"creationTimestamp\": null" {
            // It was its object's last field: the field before it is the last now.
            if let Some(last) = lines.last_mut() {
                if last.ends_with(',') {
                    last.pop();
                } else if last.ends_with('{') {
                    close_on_last = true;
                }
            }
            continue;
        }
        lines.push(line.to_string());
    }
    let mut out = lines.join("\n");
    if !lines.is_empty() && text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// kubectl before v1.33 printed a projected volume's configMap and secret sources'
/// `optional` as Go's `%v` of the pointer under its own key (`ConfigMapOptional:
/// <nil>`, `SecretOptionalName: <nil>`); v1.33 (kubernetes/kubernetes#129457) prints
/// `Optional: false` like the other volume sources. An older kubectl's unset optional
/// is rewritten to the newer wording, keeping the column (the other lines are compared
/// as they are).
fn as_of_1_33(minor: u32, text: &str) -> String {
    if minor >= 33 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let rewritten = ["ConfigMapOptional:", "SecretOptionalName:"]
            .iter()
            .find_map(|key| {
                let rest = trimmed.strip_prefix(key)?;
                let pad = rest.strip_suffix("<nil>\n")?;
                pad.chars().all(|c| c == ' ').then(|| {
                    let pad = " ".repeat(pad.len() + key.len() - "Optional:".len());
                    format!("{indent}Optional:{pad}false\n")
                })
            });
        out.push_str(rewritten.as_deref().unwrap_or(line));
    }
    out
}

/// `describe` ends with the object's events, whose ages kubectl reckons from the wall
/// clock and Podlab from the simulated one: the comparison stops at `Events:`.
fn before_events(command: &str, text: &str) -> String {
    if !command.starts_with("describe") {
        return text.to_string();
    }
    match text.find("\nEvents:") {
        Some(at) => text[..at + 1].to_string(),
        None => text.to_string(),
    }
}

/// `describe node` lists the node's pods with their age, which kubectl reckons from the
/// wall clock and Podlab from the simulated one: the age (the table's last column) is
/// left out of the comparison; the rest of each row is compared.
fn without_pod_ages(command: &str, text: &str) -> String {
    if !command.starts_with("describe node") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_pods = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("Non-terminated Pods:") {
            in_pods = true;
        } else if !line.starts_with(' ') {
            in_pods = false;
        }
        match line.trim_end().rsplit_once(' ') {
            Some((row, _)) if in_pods && !line.trim_start().starts_with("Namespace") => {
                out.push_str(row);
                out.push_str(" <age>\n");
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[test]
fn podlab_prints_what_kubectl_prints() {
    let Some(bin) = kubectl_binary() else {
        eprintln!("kubectl is not on PATH: nothing to compare against (skipped)");
        return;
    };
    let minor = kubectl_minor(&bin).unwrap_or(0);
    eprintln!("comparing with kubectl v1.{minor}");
    let mut cluster = cluster();
    let server = start(Served::of(&cluster));
    let home = std::env::temp_dir().join(format!("podlab-differential-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut failures = Vec::new();
    let since_1_34 = SINCE_1_34.iter().filter(|_| minor >= 34);
    let cases: Vec<&str> = CASES
        .iter()
        .chain(since_1_34)
        .chain(LOCAL)
        .copied()
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/");
    for case in &cases {
        let case = &case.replace("FIXTURES/", &fixtures.display().to_string());
        let args = words(case);
        let real = Command::new(&bin)
            .arg(format!("--server={server}"))
            .arg(format!("--cache-dir={}", home.join("cache").display()))
            .args(&args)
            .env("HOME", &home)
            .env("KUBECONFIG", home.join("none"))
            .output()
            .expect("kubectl runs");
        let ours = kubectl::run(&mut cluster, &args, &Disk);
        let real_out = before_events(
            case,
            &as_of_1_33(minor, &String::from_utf8_lossy(&real.stdout)),
        );
        let real_out = if case.contains("--local") {
            without_zero_creation_timestamps(minor, &real_out)
        } else {
            real_out
        };
        let ours_out = without_pod_ages(case, &before_events(case, &ours.stdout));
        let real_out = without_pod_ages(case, &real_out);
        let real_err = String::from_utf8_lossy(&real.stderr);
        if real_out != ours_out || real.status.code() != Some(ours.exit_code) {
            failures.push(format!(
                "kubectl {case}\n--- kubectl v1.{minor} (exit {:?}) ---\n{real_out}{real_err}--- podlab (exit {}) ---\n{}{}\n--- diff ---\n{}",
                real.status.code(),
                ours.exit_code,
                ours_out,
                ours.stderr,
                diff(&real_out, &ours_out)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    assert!(
        failures.is_empty(),
        "{} of {} commands print differently:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The lines that differ, `-` kubectl's and `+` Podlab's (a plain line-by-line walk).
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut out = String::new();
    for i in 0..w.len().max(g.len()) {
        match (w.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                if let Some(a) = a {
                    out.push_str(&format!("-{a}\n"));
                }
                if let Some(b) = b {
                    out.push_str(&format!("+{b}\n"));
                }
            }
        }
    }
    out
}
