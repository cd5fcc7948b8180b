//! Workload properties through the public entry points: ReplicaSets converge to their
//! replicas, and after a background deletion no pod keeps a reference to an owner that
//! is gone (the garbage collector leaves no orphan behind).

use podlab_core::kubectl::{self, NoFiles};
use podlab_core::model::ResourceExt;
use podlab_core::Cluster;
use proptest::prelude::*;

fn replica_set(name: &str, replicas: u8) -> String {
    format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n"
    )
}

fn kubectl(cluster: &mut Cluster, line: &str) {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let _ = kubectl::run(cluster, &args, &NoFiles);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn replica_sets_converge_and_leave_no_orphans(
        ops in proptest::collection::vec((0u8..4, 0u8..2, 0u8..5), 1..10)
    ) {
        let mut cluster = Cluster::with_default_nodes(3);
        for (op, which, replicas) in ops {
            let name = ["alpha", "beta"][usize::from(which)];
            match op {
                0 => {
                    let _ = cluster.create_from_text("rs.yaml", &replica_set(name, replicas));
                }
                1 => kubectl(&mut cluster, &format!("scale rs {name} --replicas={replicas}")),
                2 => kubectl(&mut cluster, &format!("delete rs {name} --wait=false")),
                _ => cluster.advance(5_000),
            }
        }
        cluster.advance(60_000);
        let api = cluster.api();
        for pod in api.pods.list() {
            for r in pod.metadata.owner_references.iter().flatten() {
                let owner = api.replica_sets.get(pod.namespace_any(), &r.name);
                prop_assert!(
                    owner.is_some_and(|o| o.uid_any() == r.uid),
                    "pod {} refers to a gone owner {}", pod.name_any(), r.name
                );
            }
        }
        for rs in api.replica_sets.list() {
            let want = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let owned = api
                .pods
                .list()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .filter(|p| {
                    p.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|r| r.uid == rs.uid_any())
                })
                .count();
            prop_assert_eq!(owned, usize::try_from(want).unwrap_or(0), "{}", rs.name_any());
            let status = rs.status.clone().unwrap_or_default();
            prop_assert_eq!(status.replicas, want);
            prop_assert_eq!(status.ready_replicas.unwrap_or(0), want);
        }
    }
}
