//! Deployment rollouts through the public entry points: while new images roll out, a
//! RollingUpdate Deployment never has more than replicas + maxSurge pods wanted by its
//! ReplicaSets nor fewer than replicas − maxUnavailable available, and it ends with
//! one ReplicaSet of all the replicas and the others at zero.

use podlab_core::kubectl::{self, NoFiles};
use podlab_core::Cluster;
use proptest::prelude::*;

fn deployment(replicas: u8, surge: u8, unavailable: u8) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: {replicas}\n  strategy:\n    rollingUpdate:\n      maxSurge: {surge}\n      maxUnavailable: {unavailable}\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.14.2\n"
    )
}

/// The ReplicaSets' wanted and available replicas: (sum of spec, sum of available).
fn counts(cluster: &Cluster) -> (i32, i32, Vec<i32>) {
    let api = cluster.api();
    let mut wanted = 0;
    let mut available = 0;
    let mut sizes = Vec::new();
    for rs in api.replica_sets.list() {
        let w = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0);
        wanted += w;
        sizes.push(w);
        available += rs
            .status
            .as_ref()
            .and_then(|s| s.available_replicas)
            .unwrap_or(0);
    }
    (wanted, available, sizes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn rolling_updates_stay_within_surge_and_unavailability(
        replicas in 1u8..9,
        surge in 0u8..3,
        unavailable in 0u8..3,
        rollouts in proptest::collection::vec((0usize..3, 0u64..8), 1..4),
    ) {
        let unavailable = if surge == 0 && unavailable == 0 { 1 } else { unavailable };
        let mut cluster = Cluster::with_default_nodes(5);
        cluster
            .create_from_text("d.yaml", &deployment(replicas, surge, unavailable))
            .expect("the Deployment is valid");
        cluster.advance(30_000);
        let (r, s, u) = (i32::from(replicas), i32::from(surge), i32::from(unavailable).min(i32::from(replicas)));
        for (image, wait) in rollouts {
            let image = ["nginx:1.16.1", "nginx:1.25", "nginx:1.14.2"][image];
            let args: Vec<String> = ["set", "image", "deployment/d", &format!("c={image}")]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let _ = kubectl::run(&mut cluster, &args, &NoFiles);
            for _ in 0..wait * 2 {
                let (wanted, available, _) = counts(&cluster);
                prop_assert!(wanted <= r + s, "{wanted} wanted > {r} + {s}");
                prop_assert!(available >= r - u, "{available} available < {r} - {u}");
                cluster.advance(500);
            }
        }
        cluster.advance(60_000);
        let (wanted, available, mut sizes) = counts(&cluster);
        sizes.retain(|s| *s != 0);
        prop_assert_eq!(sizes, vec![r]);
        prop_assert_eq!((wanted, available), (r, r));
    }
}
