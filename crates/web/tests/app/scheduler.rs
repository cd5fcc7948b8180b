//! Component test of the scheduler tool: a configuration applied (or refused with its
//! field path, line and column), kept in the saved workspace, and reset.

use super::common::*;
use wasm_bindgen_test::*;

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
";

#[wasm_bindgen_test]
async fn the_scheduler_panel_applies_keeps_and_resets_a_configuration() {
    let root = mount().await;
    click(&root, "button[data-tool='scheduler']").await;
    find(&root, "[data-profile='default-scheduler']").await;
    // A bad configuration is refused where it is wrong; nothing changes.
    type_into(
        &root,
        "textarea[data-scheduler-text]",
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 150\n",
    )
    .await;
    click(&root, "button[data-action='scheduler-apply']").await;
    text_is(
        &root,
        "[data-scheduler-error]",
        "scheduler-config.yaml:3:27: percentageOfNodesToScore: Invalid value: 150: not in valid range [0-100]",
    )
    .await;
    // A good one runs its profiles, and is saved with the cluster.
    type_into(&root, "textarea[data-scheduler-text]", PROFILES).await;
    click(&root, "button[data-action='scheduler-apply']").await;
    text_is(
        &root,
        "[data-scheduler-result]",
        "Applied: profiles default-scheduler, bin-packing-scheduler",
    )
    .await;
    text_has(
        &root,
        "[data-profile='bin-packing-scheduler']",
        "NodeResourcesFit (1)",
    )
    .await;
    let root = reload().await;
    click(&root, "button[data-tool='scheduler']").await;
    find(&root, "[data-profile='bin-packing-scheduler']").await;
    // Reset: kube-scheduler's defaults again.
    click(&root, "button[data-action='scheduler-reset']").await;
    gone(&root, "[data-profile='bin-packing-scheduler']").await;
    text_has(
        &root,
        "[data-scheduler-result]",
        "Reset to kube-scheduler's defaults",
    )
    .await;
    root.remove();
}
