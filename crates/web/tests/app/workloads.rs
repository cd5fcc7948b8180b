//! Component tests of the views of workloads, configuration and volumes: pods in
//! their workload's colour, the workload inspector (a Deployment's ReplicaSets and
//! revisions, a CronJob's next run), a pod's configuration sources and the files of
//! its volumes, and claims and volumes beside the nodes they are on.

use super::common::*;
use wasm_bindgen_test::*;
use web_sys::Element;

/// Waits until `selector` matches `count` elements as simulated time runs; returns them.
async fn count_when(root: &Element, selector: &str, count: u32) -> Vec<Element> {
    let patience = Patience::new(format!("{count} of {selector}"), SIMULATION_MS);
    loop {
        let all = root.query_selector_all(selector).unwrap();
        if all.length() == count {
            return (0..count)
                .filter_map(|i| all.item(i))
                .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
                .collect();
        }
        patience.next(&format!("{} of them", all.length())).await;
    }
}

/// Waits, as simulated time runs, until `selector`'s text contains `part`.
async fn text_comes(root: &Element, selector: &str, part: &str) -> String {
    let patience = Patience::new(format!("{selector} to show {part:?}"), SIMULATION_MS);
    loop {
        let seen = text_of(root, selector);
        if seen.contains(part) {
            return seen;
        }
        patience.next(&seen).await;
    }
}

/// Relative luminance of `#rrggbb` (WCAG 2).
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every workload colour is text-worthy (AA, 4.5:1) on both themes' panels and pages.
#[wasm_bindgen_test]
fn workload_colours_have_aa_contrast() {
    for (light, dark) in podlab_web::OWNER_PALETTE {
        for bg in ["#ffffff", "#f6f7f9"] {
            assert!(contrast(light, bg) >= 4.5, "{light} on {bg}");
        }
        for bg in ["#181c23", "#101318"] {
            assert!(contrast(dark, bg) >= 4.5, "{dark} on {bg}");
        }
    }
}

/// A Deployment's pods carry its name and colour; the legend selects it, and the
/// inspector shows its ReplicaSets with their revisions, the revision history and
/// the rollout's status; a new image makes revision 2.
#[wasm_bindgen_test]
async fn a_deployments_pods_carry_its_colour_and_the_inspector_shows_its_replica_sets() {
    let root = mount().await;
    speed_up(&root).await;
    let created = terminal(
        &root,
        "kubectl create deployment web --image=nginx:1.26 --replicas=2",
    )
    .await;
    assert!(created.contains("deployment.apps/web created"), "{created}");
    let chips = count_when(
        &root,
        "[data-node] [data-pod][data-owner='deployment/web']",
        2,
    )
    .await;
    let styles: Vec<String> = chips
        .iter()
        .map(|c| c.get_attribute("style").unwrap_or_default())
        .collect();
    assert!(styles[0].contains("--owner-light:#"), "{styles:?}");
    assert_eq!(styles[0], styles[1], "one colour per workload");
    assert!(chips[0]
        .get_attribute("title")
        .unwrap()
        .contains("controlled by deployment/web"));
    // A pod made on its own keeps today's look.
    apply(&root, podlab_web::DEFAULT_MANIFEST).await;
    let single = find(&root, "[data-pod='default/nginx']").await;
    assert!(single.get_attribute("data-owner").is_none());
    assert!(!single
        .get_attribute("class")
        .unwrap_or_default()
        .contains("owned"));
    // The legend: the workload in its colour, with its pods.
    let legend = find(&root, "[data-legend] [data-owner-select='deployment/web']").await;
    assert_eq!(legend.get_attribute("style").unwrap_or_default(), styles[0]);
    text_has(&root, "[data-owner-select='deployment/web']", "2 pods").await;
    click(&root, "[data-owner-select='deployment/web']").await;
    find(&root, "[data-inspect='deployment/web']").await;
    find(&root, "[data-table='replica-sets'] [data-revision='1']").await;
    text_comes(
        &root,
        "[data-rollout]",
        "deployment \"web\" successfully rolled out",
    )
    .await;
    // A new image: a second ReplicaSet at revision 2 takes over.
    terminal(&root, "kubectl set image deployment/web nginx=nginx:1.27").await;
    find(&root, "[data-table='replica-sets'] [data-revision='2']").await;
    count_when(&root, "[data-table='history'] tbody tr", 2).await;
    text_comes(
        &root,
        "[data-rollout]",
        "deployment \"web\" successfully rolled out",
    )
    .await;
    let rows = text_of(&root, "[data-table='replica-sets'] tbody tr");
    assert!(
        rows.contains("(new)") && rows.contains("nginx:1.27"),
        "{rows}"
    );
    // A pod's "Controlled By" leads to its ReplicaSet, whose leads to the Deployment.
    let pods = count_when(
        &root,
        "[data-node] [data-pod][data-owner='deployment/web']",
        2,
    )
    .await;
    let key = pods[0].get_attribute("data-pod").unwrap();
    click(&root, &format!("[data-pod='{key}']")).await;
    find(&root, &format!("[data-inspect='{key}']")).await;
    click(&root, "[data-owner-link^='replicaset/web-']").await;
    text_has(&root, "[data-fact='Revision']", "2").await;
    click(&root, "[data-owner-link='deployment/web']").await;
    find(&root, "[data-inspect='deployment/web']").await;
    root.remove();
}

/// A CronJob in the legend before its first run; its inspector shows the schedule and
/// the next run on the simulated clock (it starts at 2026-01-05T09:00:00Z).
#[wasm_bindgen_test]
async fn a_cronjobs_next_run_is_shown() {
    let root = mount().await;
    let created = terminal(
        &root,
        "kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date",
    )
    .await;
    assert!(created.contains("cronjob.batch/tick created"), "{created}");
    let name = "tick";
    click(&root, &format!("[data-owner-select='cronjob/{name}']")).await;
    find(&root, &format!("[data-inspect='cronjob/{name}']")).await;
    text_is(&root, "[data-fact='Schedule']", "*/5 * * * *").await;
    text_is(&root, "[data-fact='Suspend']", "false").await;
    text_is(&root, "[data-fact='Last Schedule Time']", "<none>").await;
    text_has(
        &root,
        "[data-fact='Next Schedule Time']",
        "2026-01-05T09:05:00Z (in ",
    )
    .await;
    root.remove();
}

const CONFIGURED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: configured
spec:
  containers:
  - name: app
    image: busybox
    command: ['sh', '-c', 'sleep 3600']
    env:
    - name: COLOR
      valueFrom:
        configMapKeyRef:
          name: settings
          key: color
    - name: PASSWORD
      valueFrom:
        secretKeyRef:
          name: creds
          key: password
    - name: MY_NODE
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    envFrom:
    - configMapRef:
        name: settings
      prefix: CFG_
    volumeMounts:
    - name: config
      mountPath: /etc/config
    - name: creds
      mountPath: /etc/creds
      readOnly: true
  volumes:
  - name: config
    configMap:
      name: settings
  - name: creds
    secret:
      secretName: creds
";

/// A pod's env entries with their sources (a Secret's as its size only), and the files
/// its ConfigMap and Secret volumes hold now: a Secret's masked until revealed, a
/// ConfigMap's new contents once the kubelet's sync has written them.
#[wasm_bindgen_test]
async fn a_pods_configuration_sources_and_mounted_files_are_shown() {
    let root = mount().await;
    speed_up(&root).await;
    let made = terminal(
        &root,
        "kubectl create configmap settings --from-literal=color=blue",
    )
    .await;
    assert!(made.contains("configmap/settings created"), "{made}");
    let made = terminal(
        &root,
        "kubectl create secret generic creds --from-literal=password=s3cret",
    )
    .await;
    assert!(made.contains("secret/creds created"), "{made}");
    apply(&root, CONFIGURED).await;
    find(&root, "[data-inspect='default/configured']").await;
    let row = "[data-table='env-sources'] [data-row='COLOR']";
    text_has(
        &root,
        row,
        "<set to the key 'color' of config map 'settings'>",
    )
    .await;
    text_comes(&root, &format!("{row} [data-env-value]"), "blue").await;
    let secret = text_has(
        &root,
        "[data-table='env-sources'] [data-row='PASSWORD']",
        "<set to the key 'password' in secret 'creds'>",
    )
    .await;
    assert!(
        secret.contains("6 bytes") && !secret.contains("s3cret"),
        "{secret}"
    );
    text_has(
        &root,
        "[data-table='env-sources'] [data-row='MY_NODE']",
        "fieldRef (v1:spec.nodeName)",
    )
    .await;
    text_has(
        &root,
        "[data-table='env-from']",
        "ConfigMap with prefix 'CFG_'",
    )
    .await;
    // The files as the kubelet wrote them.
    text_comes(
        &root,
        "[data-volume-files='config'] [data-file-contents='color']",
        "blue",
    )
    .await;
    let masked = text_comes(
        &root,
        "[data-volume-files='creds'] [data-file-contents='password']",
        "6 bytes",
    )
    .await;
    assert!(!masked.contains("s3cret"), "{masked}");
    click(
        &root,
        "[data-volume-files='creds'] button[data-action='reveal']",
    )
    .await;
    text_has(
        &root,
        "[data-volume-files='creds'] [data-file-contents='password']",
        "s3cret",
    )
    .await;
    attribute_is(
        &root,
        "[data-volume-files='creds'] button[data-action='reveal']",
        "aria-pressed",
        "true",
    )
    .await;
    // A new value reaches the file after the kubelet's periodic sync; env stays.
    let patched = terminal(
        &root,
        r#"kubectl patch configmap settings -p '{"data":{"color":"green"}}'"#,
    )
    .await;
    assert!(patched.contains("configmap/settings patched"), "{patched}");
    text_comes(
        &root,
        "[data-volume-files='config'] [data-file-contents='color']",
        "green",
    )
    .await;
    text_has(&root, &format!("{row} [data-env-value]"), "blue").await;
    // A key of binaryData is a file of bytes, shown as such.
    let patched = terminal(
        &root,
        r#"kubectl patch configmap settings -p '{"binaryData":{"logo":"/9j/"}}'"#,
    )
    .await;
    assert!(patched.contains("configmap/settings patched"), "{patched}");
    text_comes(
        &root,
        "[data-volume-files='config'] [data-file-contents='logo']",
        "binary data (3 bytes)",
    )
    .await;
    root.remove();
}

const CLAIMED: &str = "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
";

const CLAIMING: &str = "apiVersion: v1
kind: Pod
metadata:
  name: keeper
spec:
  containers:
  - name: app
    image: busybox
    command: ['sh', '-c', 'sleep 3600']
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
";

/// A claim of the default StorageClass waits (WaitForFirstConsumer) beside the nodes;
/// once a pod uses it, the provisioned volume is bound and shown on the pod's node,
/// and the pod's volume names it.
#[wasm_bindgen_test]
async fn a_claim_bound_to_a_volume_is_shown_on_its_node() {
    let root = mount().await;
    apply(&root, CLAIMED).await;
    attribute_is(
        &root,
        "[data-lane='volumes'] [data-claim='default/data']",
        "data-volume-phase",
        "Pending",
    )
    .await;
    speed_up(&root).await;
    apply(&root, CLAIMING).await;
    let item = {
        let patience = Patience::new("the claim's volume on a node card", SIMULATION_MS);
        loop {
            let found = root
                .query_selector(
                    "[data-node] [data-claim='default/data'][data-volume-phase='Bound']",
                )
                .unwrap();
            if let Some(f) = found {
                break f;
            }
            patience.next("").await;
        }
    };
    let card = item.closest("[data-node]").unwrap().unwrap();
    let pod = find(&root, "[data-pod='default/keeper']").await;
    let pod_card = pod.closest("[data-node]").unwrap().unwrap();
    assert_eq!(
        card.get_attribute("data-node"),
        pod_card.get_attribute("data-node")
    );
    assert!(item.get_attribute("data-pv").unwrap().starts_with("pvc-"));
    gone(&root, "[data-lane='volumes'] [data-claim='default/data']").await;
    let node = card.get_attribute("data-node").unwrap();
    click(&root, "[data-pod='default/keeper']").await;
    text_comes(
        &root,
        "[data-table='volumes'] [data-row='data'] [data-volume-source]",
        &format!("on node {node}"),
    )
    .await;
    root.remove();
}
