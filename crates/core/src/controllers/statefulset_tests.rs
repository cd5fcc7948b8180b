use super::*;
use crate::controllers::{Controller, ControllerContext};
use crate::model::Object;
use k8s_openapi::api::core::v1::{PodCondition, PodStatus};
use serde_json::json;

fn web(replicas: i32, policy: &str, strategy: serde_json::Value) -> StatefulSet {
    crate::model::de::from_value(&json!({
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "podManagementPolicy": policy,
            "updateStrategy": strategy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}
            },
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    }))
    .expect("a StatefulSet")
}

fn rolling(partition: i32) -> serde_json::Value {
    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
}

struct Harness {
    api: ApiServer,
    controller: StatefulSetController,
    now: SimTime,
}

impl Harness {
    fn new(set: StatefulSet) -> Harness {
        let mut api = ApiServer::new(1, SimTime(0));
        api.create_object(Object::StatefulSet(Box::new(set)), SimTime(0))
            .expect("created");
        Harness {
            api,
            controller: StatefulSetController::default(),
            now: SimTime(0),
        }
    }

    fn sync(&mut self) {
        let mut ctx = ControllerContext::new(&mut self.api, self.now);
        self.controller.sync(&mut ctx);
    }

    /// The pods' names and revisions, in the store's order.
    fn pods(&self) -> Vec<String> {
        self.api
            .pods
            .list()
            .map(|p| {
                let deleting = if is_terminating(p) { " (deleting)" } else { "" };
                format!("{}{deleting}", p.name_any())
            })
            .collect()
    }

    /// Every pod Running and Ready, as the kubelet would make them.
    fn run_all(&mut self) {
        let pods: Vec<Pod> = self.api.pods.list().cloned().collect();
        for mut pod in pods {
            if is_healthy(&pod) || is_terminating(&pod) {
                continue;
            }
            // Bound to a node, a pod is deleted gracefully.
            if let Some(spec) = pod.spec.as_mut() {
                spec.node_name = Some("n1".into());
            }
            pod.status = Some(PodStatus {
                phase: Some("Running".into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(self.now.to_time()),
                    ..Default::default()
                }]),
                ..Default::default()
            });
            self.api.update_pod(pod).expect("updated");
        }
    }

    /// Pods being deleted gone, as the kubelet and the API server would finish them.
    fn finish_deletions(&mut self) {
        let gone: Vec<String> = self
            .api
            .pods
            .list()
            .filter(|p| is_terminating(p))
            .map(|p| p.name_any().to_string())
            .collect();
        for name in gone {
            self.api.delete_pod("default", &name).expect("deleted");
        }
    }

    fn set(&self) -> StatefulSet {
        self.api
            .stateful_sets
            .get("default", "web")
            .cloned()
            .expect("the set")
    }

    fn update(&mut self, change: impl FnOnce(&mut StatefulSet)) {
        let mut set = self.set();
        change(&mut set);
        self.api
            .update_object(Object::StatefulSet(Box::new(set)))
            .expect("updated");
    }

    fn messages(&self) -> Vec<String> {
        self.api
            .events
            .list()
            .map(|e| e.message.clone().unwrap_or_default())
            .collect()
    }
}

#[test]
fn ordinals_and_names() {
    assert_eq!(ordinal_of("web", "web-0"), Some(0));
    assert_eq!(ordinal_of("web", "web-12"), Some(12));
    assert_eq!(ordinal_of("web", "web-x"), None);
    assert_eq!(ordinal_of("web", "web-"), None);
    assert_eq!(ordinal_of("web", "webs-1"), None);
    assert_eq!(claim_name("www", "web", 1), "www-web-1");
}

/// OrderedReady makes one pod at a time, each after its predecessor is Running and
/// Ready; the pod carries its identity and its claim.
#[test]
fn ordered_ready_creation() {
    let mut h = Harness::new(web(3, "OrderedReady", rolling(0)));
    h.sync();
    assert_eq!(h.pods(), ["web-0"]);
    h.sync();
    assert_eq!(h.pods(), ["web-0"], "web-1 waits for web-0");
    h.run_all();
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1"]);
    h.run_all();
    h.sync();
    h.run_all();
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1", "web-2"]);

    let pod = h.api.pods.get("default", "web-1").expect("web-1");
    let spec = pod.spec.clone().unwrap_or_default();
    assert_eq!(spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
    assert_eq!(
        pod.labels().get(POD_NAME_LABEL).map(String::as_str),
        Some("web-1")
    );
    assert_eq!(
        pod.labels().get(POD_INDEX_LABEL).map(String::as_str),
        Some("1")
    );
    assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-"));
    let volume = &spec.volumes.unwrap_or_default()[0];
    assert_eq!(volume.name, "www");
    assert_eq!(
        volume
            .persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str()),
        Some("www-web-1")
    );
    assert!(h
        .api
        .persistent_volume_claims
        .get("default", "www-web-1")
        .is_some());
    assert_eq!(
        h.messages()[..2],
        [
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "create Pod web-0 in StatefulSet web successful"
        ]
    );
    let status = h.set().status.unwrap_or_default();
    assert_eq!(status.replicas, 3);
    assert_eq!(status.ready_replicas, Some(3));
    assert_eq!(status.current_revision, status.update_revision);
    assert_eq!(status.collision_count, Some(0));
}

/// Scaling down deletes from the highest ordinal, one at a time under OrderedReady.
#[test]
fn ordered_scale_down() {
    let mut h = Harness::new(web(3, "OrderedReady", rolling(0)));
    for _ in 0..3 {
        h.sync();
        h.run_all();
    }
    h.sync();
    h.update(|s| s.spec.as_mut().map_or((), |s| s.replicas = Some(1)));
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1", "web-2 (deleting)"]);
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1", "web-2 (deleting)"], "waits");
    h.finish_deletions();
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1 (deleting)"]);
    assert!(h
        .messages()
        .contains(&"delete Pod web-2 in StatefulSet web successful".to_string()));
    // The claims stay (Retain).
    assert!(h
        .api
        .persistent_volume_claims
        .get("default", "www-web-2")
        .is_some());
}

/// whenScaled: Delete hands a scaled-down pod's claims to the pod, for the garbage
/// collector to delete after it; whenDeleted: Delete makes the set own them.
#[test]
fn claim_retention() {
    let mut set = web(2, "Parallel", rolling(0));
    if let Some(spec) = set.spec.as_mut() {
        spec.persistent_volume_claim_retention_policy = Some(
            k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy {
                when_deleted: Some("Delete".into()),
                when_scaled: Some("Delete".into()),
            },
        );
    }
    let mut h = Harness::new(set);
    h.sync();
    h.run_all();
    let owners = |h: &Harness, claim: &str| -> Vec<String> {
        h.api
            .persistent_volume_claims
            .get("default", claim)
            .and_then(|c| c.metadata.owner_references.clone())
            .unwrap_or_default()
            .iter()
            .map(|r| format!("{}/{}", r.kind, r.name))
            .collect()
    };
    assert_eq!(owners(&h, "www-web-1"), ["StatefulSet/web"]);
    h.update(|s| s.spec.as_mut().map_or((), |s| s.replicas = Some(1)));
    h.sync();
    assert_eq!(owners(&h, "www-web-1"), ["Pod/web-1"]);
    assert_eq!(owners(&h, "www-web-0"), ["StatefulSet/web"]);
}

/// Parallel makes and deletes every pod at once.
#[test]
fn parallel_management() {
    let mut h = Harness::new(web(3, "Parallel", rolling(0)));
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1", "web-2"]);
    h.run_all();
    h.update(|s| s.spec.as_mut().map_or((), |s| s.replicas = Some(0)));
    h.sync();
    assert_eq!(
        h.pods(),
        ["web-0 (deleting)", "web-1 (deleting)", "web-2 (deleting)"]
    );
}

fn set_image(h: &mut Harness, image: &str) {
    h.update(|s| {
        if let Some(c) = s
            .spec
            .as_mut()
            .and_then(|s| s.template.spec.as_mut())
            .and_then(|p| p.containers.first_mut())
        {
            c.image = Some(image.into());
        }
    });
}

fn revisions_of_pods(h: &Harness) -> Vec<String> {
    let update = h.set().status.unwrap_or_default().update_revision;
    h.api
        .pods
        .list()
        .map(|p| {
            let new = revision_of(p) == update.as_deref();
            format!("{}:{}", p.name_any(), if new { "new" } else { "old" })
        })
        .collect()
}

/// A rolling update replaces pods from the highest ordinal down, one at a time, and
/// stops at the partition.
#[test]
fn rolling_update_with_partition() {
    let mut h = Harness::new(web(3, "OrderedReady", rolling(1)));
    for _ in 0..3 {
        h.sync();
        h.run_all();
    }
    h.sync();
    set_image(&mut h, "nginx:1.28");
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1", "web-2 (deleting)"]);
    h.finish_deletions();
    h.sync();
    assert_eq!(
        revisions_of_pods(&h),
        ["web-0:old", "web-1:old", "web-2:new"]
    );
    h.run_all();
    h.sync();
    assert_eq!(h.pods(), ["web-0", "web-1 (deleting)", "web-2"]);
    h.finish_deletions();
    h.sync();
    h.run_all();
    h.sync();
    h.sync();
    assert_eq!(
        revisions_of_pods(&h),
        ["web-0:old", "web-1:new", "web-2:new"]
    );
    let status = h.set().status.unwrap_or_default();
    assert_eq!(status.updated_replicas, Some(2));
    assert_eq!(status.current_replicas, Some(1));
    assert_ne!(status.current_revision, status.update_revision);
    // A recreated pod below the partition stays at the current revision.
    h.api.delete_pod("default", "web-0").expect("deleted");
    h.sync();
    assert_eq!(revisions_of_pods(&h)[0], "web-0:old");
    // Partition 0 finishes the rollout.
    h.run_all();
    h.update(|s| {
        if let Some(r) = s
            .spec
            .as_mut()
            .and_then(|s| s.update_strategy.as_mut())
            .and_then(|u| u.rolling_update.as_mut())
        {
            r.partition = Some(0);
        }
    });
    h.sync();
    h.finish_deletions();
    h.sync();
    h.run_all();
    h.sync();
    let status = h.set().status.unwrap_or_default();
    assert_eq!(status.updated_replicas, Some(3));
    assert_eq!(status.current_revision, status.update_revision);
}

/// OnDelete leaves pods at their revision until they are deleted.
#[test]
fn on_delete() {
    let mut h = Harness::new(web(2, "OrderedReady", json!({"type": "OnDelete"})));
    for _ in 0..2 {
        h.sync();
        h.run_all();
    }
    set_image(&mut h, "nginx:1.28");
    h.sync();
    assert_eq!(revisions_of_pods(&h), ["web-0:old", "web-1:old"]);
    h.api.delete_pod("default", "web-1").expect("deleted");
    h.sync();
    assert_eq!(revisions_of_pods(&h), ["web-0:old", "web-1:new"]);
}

proptest::proptest! {
    /// Whatever the sequence of scalings, readiness and deletions, no two pods share an
    /// ordinal, and no pod is past the ordinals the set ever had.
    #[test]
    fn at_most_one_pod_per_ordinal(steps in proptest::collection::vec((0u8..4, 0i32..5), 1..25)) {
        let mut h = Harness::new(web(2, "OrderedReady", rolling(0)));
        for (step, n) in steps {
            match step {
                0 => h.update(|s| s.spec.as_mut().map_or((), |s| s.replicas = Some(n))),
                1 => h.run_all(),
                2 => h.finish_deletions(),
                _ => set_image(&mut h, &format!("nginx:1.{n}")),
            }
            h.sync();
            let names: Vec<String> = h.api.pods.list().map(|p| p.name_any().to_string()).collect();
            let unique = crate::sort::collect_set(names.iter().cloned());
            proptest::prop_assert_eq!(unique.len(), names.len());
            for name in &names {
                proptest::prop_assert!(ordinal_of("web", name).is_some_and(|o| o < 5));
            }
        }
    }
}

/// A pod of the name that the set does not own (its labels do not match) is left
/// alone: the create's AlreadyExists is sunk without an event or a retry loop.
#[test]
fn foreign_pod_of_the_same_name() {
    let mut api = ApiServer::new(1, SimTime(0));
    let foreign: Pod = crate::model::de::from_value(&json!({
        "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "other"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
    .expect("a pod");
    api.create_pod(foreign, SimTime(0)).expect("created");
    api.create_object(
        Object::StatefulSet(Box::new(web(1, "OrderedReady", rolling(0)))),
        SimTime(0),
    )
    .expect("created");
    let mut h = Harness {
        api,
        controller: StatefulSetController::default(),
        now: SimTime(0),
    };
    h.sync();
    h.sync();
    let pod = h.api.pods.get("default", "web-0").expect("web-0");
    assert!(pod.metadata.owner_references.is_none());
    assert!(!h
        .messages()
        .iter()
        .any(|m| m.starts_with("create Pod web-0")));
}

/// A claim the API server refuses keeps the pod from being made, with kube's warnings.
#[test]
fn refused_claim() {
    let mut set = web(1, "OrderedReady", rolling(0));
    if let Some(claim) = set
        .spec
        .as_mut()
        .and_then(|s| s.volume_claim_templates.as_mut())
        .and_then(|t| t.first_mut())
        .and_then(|c| c.spec.as_mut())
    {
        claim.resources = None;
    }
    let mut h = Harness::new(set);
    h.sync();
    assert!(h.pods().is_empty());
    assert_eq!(
        h.messages(),
        [
            "create Claim www-web-0 for Pod web-0 in StatefulSet web failed error: PersistentVolumeClaim \"www-web-0\" is invalid: spec.resources[storage]: Required value",
            "create Pod web-0 in StatefulSet web failed error: Failed to create PVC www-web-0: PersistentVolumeClaim \"www-web-0\" is invalid: spec.resources[storage]: Required value",
        ]
    );
}
