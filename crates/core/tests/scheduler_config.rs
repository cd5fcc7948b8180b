//! A KubeSchedulerConfiguration end to end: each pod scheduled by the profile its
//! `spec.schedulerName` names, a pod naming no profile left alone, and the
//! configuration kept in snapshots and share links.

use podlab_core::scheduler::config;
use podlab_core::Cluster;

const PROFILES: &str = "apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packing-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
- schedulerName: no-taints-scheduler
  plugins:
    filter:
      disabled:
      - name: TaintToleration
";

fn pods(scheduler: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| {
            format!(
                "apiVersion: v1
kind: Pod
metadata:
  name: {n}
spec:
  schedulerName: {scheduler}
  containers:
  - name: app
    image: nginx
    resources:
      requests:
        cpu: 250m
        memory: 512Mi
---
"
            )
        })
        .collect()
}

fn configured() -> Cluster {
    let mut c = Cluster::with_default_nodes(7);
    let config = config::parse("profiles.yaml", PROFILES).expect("a valid configuration");
    c.set_scheduler_configuration(Some(config));
    c
}

fn node_of(c: &Cluster, name: &str) -> Option<String> {
    c.api()
        .pods
        .get("default", name)
        .and_then(|p| p.spec.as_ref()?.node_name.clone())
}

fn events_about(c: &Cluster, name: &str) -> Vec<(String, String)> {
    c.api()
        .events
        .list()
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            (
                e.reason.clone().unwrap_or_default(),
                e.source
                    .as_ref()
                    .and_then(|s| s.component.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn each_pod_is_scheduled_by_its_profile() {
    let mut c = configured();
    let names = ["packed-1", "packed-2", "packed-3"];
    c.create_from_text("packed.yaml", &pods("bin-packing-scheduler", &names))
        .expect("valid pods");
    c.advance(5_000);
    let nodes: Vec<Option<String>> = names.iter().map(|n| node_of(&c, n)).collect();
    assert!(nodes[0].is_some(), "{nodes:?}");
    assert!(
        nodes.iter().all(|n| *n == nodes[0]),
        "packed onto one node: {nodes:?}"
    );
    // The profile's events come from its scheduler.
    assert!(events_about(&c, "packed-1")
        .contains(&("Scheduled".to_string(), "bin-packing-scheduler".to_string())));
    // The decision lists the profile's plugins.
    let d = c.decision("default/packed-1").expect("a decision");
    assert!(d.filter_plugins.iter().any(|p| p == "TaintToleration"));

    // The default profile spreads the same pods.
    let names = ["spread-1", "spread-2"];
    let mut c = configured();
    c.create_from_text("spread.yaml", &pods("default-scheduler", &names))
        .expect("valid pods");
    c.advance(5_000);
    assert_ne!(node_of(&c, "spread-1"), node_of(&c, "spread-2"));
}

#[test]
fn a_profile_without_taint_toleration_places_pods_on_the_tainted_control_plane() {
    let mut c = configured();
    let text = pods("no-taints-scheduler", &["anywhere"]).replace(
        "  containers:",
        "  nodeSelector:\n    kubernetes.io/hostname: k8s-master-01\n  containers:",
    );
    c.create_from_text("p.yaml", &text).expect("valid pod");
    c.advance(5_000);
    assert_eq!(node_of(&c, "anywhere").as_deref(), Some("k8s-master-01"));
    let d = c.decision("default/anywhere").expect("a decision");
    assert!(!d.filter_plugins.iter().any(|p| p == "TaintToleration"));
}

#[test]
fn a_pod_naming_no_profile_stays_pending_without_events() {
    let mut c = configured();
    c.create_from_text("p.yaml", &pods("my-scheduler", &["waiting"]))
        .expect("valid pod");
    c.advance(60_000);
    assert_eq!(node_of(&c, "waiting"), None);
    assert_eq!(events_about(&c, "waiting"), []);
    assert!(c.queued("default", "waiting").is_none());
    assert!(c.decision("default/waiting").is_none());
    // A configuration with its profile schedules it.
    let text = PROFILES.replace("no-taints-scheduler", "my-scheduler");
    c.set_scheduler_configuration(Some(config::parse("c.yaml", &text).expect("valid")));
    c.advance(1_000);
    assert!(node_of(&c, "waiting").is_some());
}

#[test]
fn snapshots_and_share_links_keep_the_configuration() {
    let c = configured();
    let restored = Cluster::restore(&c.snapshot()).expect("restores");
    assert_eq!(
        restored.scheduler_configuration().map(|c| c.text()),
        Some(PROFILES)
    );
    let names: Vec<&str> = restored
        .scheduler_profiles()
        .iter()
        .map(|p| p.scheduler_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "default-scheduler",
            "bin-packing-scheduler",
            "no-taints-scheduler"
        ]
    );
    assert_eq!(restored.snapshot(), c.snapshot());

    let workspace = podlab_core::share::Workspace::new("", &c, None, &[]);
    let (_, shared) =
        podlab_core::share::decode(&podlab_core::share::encode(&workspace)).expect("decodes");
    assert_eq!(
        shared.scheduler_configuration(),
        c.scheduler_configuration()
    );

    // The default configuration is not written, so older snapshots (without it) are
    // the same text and still load.
    let plain = Cluster::with_default_nodes(7);
    assert!(!plain.snapshot().contains("\"config\""));
    let restored = Cluster::restore(&plain.snapshot()).expect("restores");
    assert!(restored.scheduler_configuration().is_none());
    assert_eq!(restored.scheduler_profiles().len(), 1);

    // A saved configuration that no longer reads is reported, with where.
    let broken = c.snapshot().replace("MostAllocated", "Packed");
    let err = Cluster::restore(&broken).expect_err("refused").to_string();
    assert!(
        err.contains("Unsupported value: \\\"Packed\\\"") || err.contains("Packed"),
        "{err}"
    );
}
