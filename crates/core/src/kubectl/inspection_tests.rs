//! What the playground's inspector reads from a cluster: the files of a pod's
//! configMap and secret volumes as the kubelet wrote them, a CronJob's next schedule
//! time, and a workload's rollout in `kubectl rollout status`'s words.

use crate::clock::SimTime;
use crate::kubectl::{rollout_now, Rollout};
use crate::Cluster;

/// kubectl with the words of `line` (split at spaces).
fn kubectl(c: &mut Cluster, line: &str) -> crate::kubectl::Output {
    let args: Vec<String> = line.split(' ').map(String::from).collect();
    crate::kubectl::run(c, &args, &crate::kubectl::NoFiles)
}

const MOUNTED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: mounted
spec:
  containers:
  - name: app
    image: busybox
    command: ['sh', '-c', 'sleep 3600']
    volumeMounts:
    - name: config
      mountPath: /etc/config
    - name: creds
      mountPath: /etc/creds
  volumes:
  - name: config
    configMap:
      name: settings
      items:
      - key: color
        path: ui/color
        mode: 0400
  - name: creds
    secret:
      secretName: creds
  - name: scratch
    emptyDir: {}
";

#[test]
fn volume_files_are_what_the_kubelet_wrote_and_follow_updates() {
    let mut c = Cluster::with_default_nodes(1);
    for line in [
        "create configmap settings --from-literal=color=blue --from-literal=size=L",
        "create secret generic creds --from-literal=password=s3cret",
    ] {
        assert_eq!(kubectl(&mut c, line).exit_code, 0, "{line}");
    }
    c.create_from_text("mounted.yaml", MOUNTED).unwrap();
    c.advance(10_000);
    let files = c.volume_files("default", "mounted", "config").unwrap();
    let seen: Vec<(&str, &[u8], u32)> = files
        .iter()
        .map(|f| (f.path.as_str(), f.data.as_slice(), f.mode))
        .collect();
    assert_eq!(seen, vec![("ui/color", &b"blue"[..], 0o400)]);
    let creds = c.volume_files("default", "mounted", "creds").unwrap();
    assert_eq!(creds.len(), 1);
    assert_eq!(
        (creds[0].path.as_str(), creds[0].data.as_slice()),
        ("password", &b"s3cret"[..])
    );
    // An emptyDir, or a volume the pod does not have: no such files.
    assert_eq!(c.volume_files("default", "mounted", "scratch"), None);
    assert_eq!(c.volume_files("default", "mounted", "nope"), None);
    assert_eq!(c.volume_files("default", "nope", "config"), None);
    // The periodic sync writes the new value.
    let patch = [
        "patch",
        "configmap",
        "settings",
        "-p",
        r#"{"data":{"color":"green"}}"#,
    ];
    let args: Vec<String> = patch.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles).exit_code,
        0
    );
    c.advance(120_000);
    let files = c.volume_files("default", "mounted", "config").unwrap();
    assert_eq!(files[0].data, b"green");
}

#[test]
fn next_schedule_time_follows_the_simulated_clock_and_time_zone() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text(
        "cj.yaml",
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: every5
spec:
  schedule: '*/5 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: c
            image: busybox
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nine
spec:
  schedule: '0 9 * * *'
  timeZone: Etc/GMT-1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: c
            image: busybox
",
    )
    .unwrap();
    // The clock starts at 2026-01-05T09:00:00Z: */5 next comes at 09:05.
    assert_eq!(
        c.next_schedule_time("default", "every5"),
        Some(SimTime(300_000))
    );
    c.advance(301_000);
    assert_eq!(
        c.next_schedule_time("default", "every5"),
        Some(SimTime(600_000))
    );
    // 09:00 in UTC+1 is 08:00Z: tomorrow's, 23 hours after the start.
    assert_eq!(
        c.next_schedule_time("default", "nine"),
        Some(SimTime(23 * 3_600_000))
    );
    assert_eq!(c.next_schedule_time("default", "nope"), None);
}

#[test]
fn rollout_now_says_what_rollout_status_prints() {
    let mut c = Cluster::with_default_nodes(1);
    let made = kubectl(&mut c, "create deployment web --image=nginx --replicas=2");
    assert_eq!(made.exit_code, 0, "{}", made.stderr);
    c.advance(30_000);
    assert_eq!(
        rollout_now(&c, "Deployment", "default", "web"),
        Some(Rollout::Done(
            "deployment \"web\" successfully rolled out".into()
        ))
    );
    let status = kubectl(&mut c, "rollout status deployment/web --watch=false");
    assert_eq!(
        status.stdout,
        "deployment \"web\" successfully rolled out\n"
    );
    kubectl(&mut c, "set image deployment/web nginx=nginx:1.27");
    match rollout_now(&c, "Deployment", "default", "web") {
        Some(Rollout::Waiting(line)) => {
            assert!(line.starts_with("Waiting for deployment"), "{line}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rollout_now(&c, "Deployment", "default", "nope"), None);
    assert_eq!(rollout_now(&c, "Job", "default", "web"), None);
}
