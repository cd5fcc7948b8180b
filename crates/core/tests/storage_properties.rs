//! Property tests over random storage: whatever the volumes (classes, sizes, node
//! affinity, pre-bound claims), claims (classes, sizes, a volume named) and pods (which
//! claim, which node they ask for), created in any order, a claim is bound to at most
//! one volume and a volume to at most one claim, the two sides agree, and a pod that
//! uses a claim runs only on a node its volume's node affinity admits.

use podlab_core::model::{Node, PersistentVolume};
use podlab_core::Cluster;
use proptest::prelude::*;
use std::collections::BTreeMap;

const WORKERS: &[&str] = &["k8s-worker-01", "k8s-worker-02"];
/// Static volumes' classes; claims also leave theirs out (the default class, which
/// provisions a local volume on the node of the claim's first pod).
const CLASSES: &[&str] = &["manual", "slow"];

#[derive(Debug, Clone)]
struct VolumeSpec {
    class: &'static str,
    gi: u32,
    node: Option<&'static str>,
    /// The claim the volume is pre-bound to (claimRef).
    claim: Option<usize>,
}

#[derive(Debug, Clone)]
struct ClaimSpec {
    class: Option<&'static str>,
    gi: u32,
    /// The volume the claim names (volumeName).
    volume: Option<usize>,
}

#[derive(Debug, Clone)]
struct PodSpec {
    claim: usize,
    node: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum Op {
    Volume(VolumeSpec),
    Claim(ClaimSpec),
    Pod(PodSpec),
    Advance(u32),
    DeletePod(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            prop::sample::select(CLASSES.to_vec()),
            1u32..5,
            prop::option::of(prop::sample::select(WORKERS.to_vec())),
            prop::option::weighted(0.2, 0usize..4),
        )
            .prop_map(|(class, gi, node, claim)| Op::Volume(VolumeSpec {
                class,
                gi,
                node,
                claim
            })),
        (
            prop::option::weighted(0.7, prop::sample::select(CLASSES.to_vec())),
            1u32..5,
            prop::option::weighted(0.2, 0usize..4),
        )
            .prop_map(|(class, gi, volume)| Op::Claim(ClaimSpec { class, gi, volume })),
        (
            0usize..4,
            prop::option::weighted(0.4, prop::sample::select(WORKERS.to_vec()))
        )
            .prop_map(|(claim, node)| Op::Pod(PodSpec { claim, node })),
        (1u32..30).prop_map(Op::Advance),
        (0usize..6).prop_map(Op::DeletePod),
    ]
}

fn volume_yaml(i: usize, v: &VolumeSpec) -> String {
    let mut y = format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-{i}\nspec:\n  storageClassName: {}\n  capacity:\n    storage: {}Gi\n  accessModes:\n  - ReadWriteOnce\n  hostPath:\n    path: /mnt/data-{i}\n",
        v.class, v.gi
    );
    if let Some(c) = v.claim {
        y.push_str(&format!(
            "  claimRef:\n    namespace: default\n    name: claim-{c}\n"
        ));
    }
    if let Some(node) = v.node {
        y.push_str(&format!(
            "  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: kubernetes.io/hostname\n          operator: In\n          values:\n          - {node}\n"
        ));
    }
    y
}

fn claim_yaml(i: usize, c: &ClaimSpec) -> String {
    let mut y = format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: claim-{i}\nspec:\n"
    );
    if let Some(class) = c.class {
        y.push_str(&format!("  storageClassName: {class}\n"));
    }
    if let Some(v) = c.volume {
        y.push_str(&format!("  volumeName: pv-{v}\n"));
    }
    y.push_str(&format!(
        "  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n      storage: {}Gi\n",
        c.gi
    ));
    y
}

fn pod_yaml(i: usize, p: &PodSpec) -> String {
    let mut y = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: claim-{}\n",
        p.claim
    );
    if let Some(node) = p.node {
        y.push_str(&format!(
            "  nodeSelector:\n    kubernetes.io/hostname: {node}\n"
        ));
    }
    y
}

/// Whether the node's labels satisfy the volume's required node affinity (any term, all
/// of its expressions).
fn admits(pv: &PersistentVolume, node: &Node) -> bool {
    let Some(terms) = pv
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
        .map(|r| &r.node_selector_terms)
    else {
        return true;
    };
    let empty = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&empty);
    terms.iter().any(|t| {
        t.match_expressions.iter().flatten().all(|e| {
            let value = labels.get(&e.key);
            let values = e.values.as_deref().unwrap_or_default();
            match e.operator.as_str() {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
    })
}

/// The invariants, on the cluster as it is now.
fn check(cluster: &Cluster) -> Result<(), TestCaseError> {
    let api = cluster.api();
    // Claim -> volume: each Bound claim names a volume whose claimRef is that claim,
    // and no two Bound claims name the same volume.
    let mut bound_volumes: BTreeMap<String, String> = BTreeMap::new();
    for c in api.persistent_volume_claims.list() {
        let name = c.metadata.name.clone().unwrap_or_default();
        if c.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound") {
            continue;
        }
        let volume = c.spec.as_ref().and_then(|s| s.volume_name.clone());
        prop_assert!(volume.is_some(), "{name} is Bound with no volume");
        let volume = volume.unwrap_or_default();
        let pv = api.persistent_volumes.get("", &volume);
        prop_assert!(
            pv.is_some(),
            "{name} is bound to {volume}, which is not there"
        );
        let claim_ref = pv
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.claim_ref.as_ref());
        prop_assert_eq!(
            claim_ref.and_then(|r| r.uid.clone()),
            c.metadata.uid.clone(),
            "{} is bound to {} whose claimRef is another claim",
            name,
            volume
        );
        if let Some(other) = bound_volumes.insert(volume.clone(), name.clone()) {
            prop_assert!(false, "{volume} is bound to both {other} and {name}");
        }
    }
    // Volume -> claim: a Bound volume's claim, when it is there and Bound, names it.
    for pv in api.persistent_volumes.list() {
        if pv.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound") {
            continue;
        }
        let name = pv.metadata.name.clone().unwrap_or_default();
        let r = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
        prop_assert!(r.is_some(), "{name} is Bound with no claimRef");
        let r = r.cloned().unwrap_or_default();
        let claim = api
            .persistent_volume_claims
            .get(
                r.namespace.as_deref().unwrap_or_default(),
                r.name.as_deref().unwrap_or_default(),
            )
            .filter(|c| c.metadata.uid == r.uid);
        if let Some(c) = claim {
            prop_assert_eq!(
                c.spec.as_ref().and_then(|s| s.volume_name.as_deref()),
                Some(name.as_str())
            );
        }
    }
    // Pods run where their volumes are.
    for p in api.pods.list() {
        let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
            continue;
        };
        let Some(n) = api.nodes.get("", node) else {
            continue;
        };
        let claims = p
            .spec
            .as_ref()
            .and_then(|s| s.volumes.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|v| v.persistent_volume_claim.as_ref());
        for c in claims {
            let volume = api
                .persistent_volume_claims
                .get("default", &c.claim_name)
                .and_then(|c| c.spec.as_ref())
                .and_then(|s| s.volume_name.as_deref());
            prop_assert!(
                volume.is_some(),
                "{:?} is on {} though its claim {} is not bound",
                p.metadata.name,
                node,
                c.claim_name
            );
            if let Some(pv) = volume.and_then(|v| api.persistent_volumes.get("", v)) {
                prop_assert!(
                    admits(pv, n),
                    "{:?} is on {}, outside {:?}'s node affinity",
                    p.metadata.name,
                    node,
                    pv.metadata.name
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn claims_and_volumes_bind_one_to_one_and_pods_follow_their_volumes(
        ops in prop::collection::vec(op(), 4..24),
    ) {
        let mut cluster = Cluster::with_default_nodes(7);
        let (mut volumes, mut claims, mut pods) = (0usize, 0usize, 0usize);
        for op in &ops {
            match op {
                Op::Volume(v) => {
                    let created = cluster.create_from_text("pv.yaml", &volume_yaml(volumes, v));
                    prop_assert!(created.is_ok(), "{:?}", created.err());
                    volumes += 1;
                }
                Op::Claim(c) => {
                    let created = cluster.create_from_text("pvc.yaml", &claim_yaml(claims, c));
                    prop_assert!(created.is_ok(), "{:?}", created.err());
                    claims += 1;
                }
                Op::Pod(p) => {
                    // A claim made so far, mostly.
                    let p = PodSpec { claim: p.claim % (claims + 1), ..p.clone() };
                    let created = cluster.create_from_text("pod.yaml", &pod_yaml(pods, &p));
                    prop_assert!(created.is_ok(), "{:?}", created.err());
                    pods += 1;
                }
                Op::Advance(s) => cluster.advance(u64::from(*s) * 1_000),
                Op::DeletePod(i) if *i < pods => {
                    let mut session = podlab_core::Session::new("k8s-master-01");
                    cluster.terminal(&mut session, &format!("kubectl delete pod pod-{i} --wait=false"));
                }
                Op::DeletePod(_) => {}
            }
            check(&cluster)?;
        }
        cluster.advance(60_000);
        check(&cluster)?;
    }
}
