//! The prober through the cluster's public API: the probe state the UI reads.

use podlab_core::kubelet::{ProbeKind, ProbeResult};
use podlab_core::Cluster;

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args: [/bin/sh, -c, 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600']
    livenessProbe:
      exec:
        command: [cat, /tmp/healthy]
      initialDelaySeconds: 5
      periodSeconds: 5
    readinessProbe:
      exec:
        command: [cat, /tmp/healthy]
      periodSeconds: 5
      failureThreshold: 1
";

#[test]
fn probe_status_follows_the_runs() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("pod.yaml", POD).unwrap();
    c.advance(20_000);
    let s = c.probe_status("default", "liveness-exec");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].container, "liveness");
    assert_eq!(s[0].kind, ProbeKind::Liveness);
    assert_eq!(s[0].last, Some(ProbeResult::Success));
    // Ticks at 0, 5, 10, 15, 20 s from admission; the container started at 0.5 s, so
    // the liveness probe (5 s delay) ran at 10, 15 and 20 s.
    assert_eq!(s[0].successes, 3);
    assert_eq!(s[0].next.map(|t| t.0), Some(25_000));
    assert_eq!(s[1].kind, ProbeKind::Readiness);
    assert_eq!(s[1].result, Some(true));
    c.advance(20_000);
    let s = c.probe_status("default", "liveness-exec");
    assert_eq!(s[0].failures, 2);
    assert_eq!(
        s[0].last,
        Some(ProbeResult::Failure(
            "cat: can't open '/tmp/healthy': No such file or directory\n".into()
        ))
    );
    assert_eq!(s[1].result, Some(false));
    // The pod is unready as soon as readiness fails (failureThreshold 1).
    let pod = c.api().pods.get("default", "liveness-exec").unwrap();
    let ready = pod.status.as_ref().unwrap().conditions.as_ref().unwrap();
    assert!(ready
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "False"));
    assert!(c.probe_status("default", "nope").is_empty());
}

#[test]
fn a_failed_liveness_probe_restarts_even_under_on_failure() {
    let mut c = Cluster::with_default_nodes(1);
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: OnFailure
  containers:
  - name: web
    image: nginx
    livenessProbe:
      httpGet:
        path: /healthz
        port: 80
      periodSeconds: 3
      failureThreshold: 1
";
    c.create_from_text("pod.yaml", pod).unwrap();
    c.advance(20_000);
    let pod = c.api().pods.get("default", "web").unwrap();
    let status = &pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    // nginx stops with status 0 on the stop signal, yet the kubelet starts it again.
    assert!(status.restart_count >= 1, "{status:?}");
    let last = status
        .last_state
        .as_ref()
        .unwrap()
        .terminated
        .as_ref()
        .unwrap();
    assert_eq!(last.exit_code, 0);
}
