//! Workloads, configuration and volumes in the playground, end to end: a Deployment's
//! pods in its colour with the legend, its inspector with ReplicaSets and rollout, a
//! pod's ConfigMap-sourced env and mounted file, a claim's volume on its node; on a
//! wide screen and on a phone (390 px, dark theme), with nothing overflowing the screen.

use podlab_e2e::{Encoding, Session};

/// Types a line at the terminal's prompt and presses Enter.
async fn run(s: &Session, line: &str) {
    let input = s.wait_for("input[data-terminal-input]").await;
    input.send_keys(&format!("{line}\u{E007}")).await.unwrap();
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
    volumeMounts:
    - name: config
      mountPath: /etc/config
    - name: data
      mountPath: /data
  volumes:
  - name: config
    configMap:
      name: settings
  - name: data
    persistentVolumeClaim:
      claimName: data
";

const CLAIM: &str = "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
";

#[tokio::test(flavor = "multi_thread")]
async fn workloads_configuration_and_volumes_on_wide_and_narrow_screens() {
    // The phone in the dark theme: the workload colours have theirs.
    for (width, height, query) in [(1400, 1000, ""), (390, 844, "?theme=dark")] {
        // A browser of its own per width: each starts from an empty workspace.
        let s = Session::blank(&format!("workloads-{width}"), Encoding::Identity).await;
        s.cdp(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
        s.client
            .goto(&format!("{}{query}", s.app_url))
            .await
            .unwrap();
        s.wait_for("[data-node='k8s-worker-02']").await;
        s.wait_for("button[data-speed='10']")
            .await
            .click()
            .await
            .unwrap();
        run(
            &s,
            "kubectl create deployment web --image=nginx --replicas=3",
        )
        .await;
        run(
            &s,
            "kubectl create configmap settings --from-literal=color=blue",
        )
        .await;
        s.wait_until(
            "three pods of deployment/web on the nodes",
            "document.querySelectorAll(\"[data-node] [data-owner='deployment/web']\").length === 3",
        )
        .await;
        s.type_manifest(CLAIM).await;
        s.apply().await;
        s.wait_for("[data-lane='volumes'] [data-claim='default/data']")
            .await;
        s.type_manifest(CONFIGURED).await;
        s.apply().await;
        s.wait_until(
            "the mounted file's contents",
            "document.querySelector(\"[data-volume-files='config'] [data-file-contents='color']\")?.textContent.includes('blue')",
        )
        .await;
        s.wait_for("[data-node] [data-claim='default/data'][data-volume-phase='Bound']")
            .await;
        s.screenshot(&format!("workloads-pod-{width}")).await;
        s.client
            .execute(
                "document.querySelector('[data-env-sources]').scrollIntoView(); return true;",
                vec![],
            )
            .await
            .unwrap();
        s.screenshot(&format!("workloads-sources-{width}")).await;
        s.wait_for("[data-owner-select='deployment/web']")
            .await
            .click()
            .await
            .unwrap();
        s.wait_until(
            "the rollout to be complete",
            "document.querySelector('[data-rollout]')?.dataset.rollout === 'done'",
        )
        .await;
        s.wait_for("[data-table='replica-sets'] [data-revision='1']")
            .await;
        // Nothing is wider than the screen (the page does not scroll sideways).
        let wide = s
            .client
            .execute(
                "return document.scrollingElement.scrollWidth <= innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        s.screenshot(&format!("workloads-deployment-{width}")).await;
        assert_eq!(
            wide.as_bool(),
            Some(true),
            "{width}: the page scrolls sideways"
        );
        s.finish().await;
    }
}
