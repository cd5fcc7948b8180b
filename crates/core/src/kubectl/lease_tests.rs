//! Node leases as kubectl shows them: the kubelets' renewals every 10 s on the
//! simulated clock, a stopped kubelet's lease left to age, and the Lease kind through
//! get, describe and api-resources.

use super::*;
use crate::Cluster;

fn kubectl(c: &mut Cluster, command: &str) -> Output {
    let args = split_words(command).unwrap();
    run(c, &args, &NoFiles)
}

fn renewed(c: &Cluster, node: &str) -> (String, String) {
    let lease = c.api().leases.get("kube-node-lease", node).unwrap();
    let spec = lease.spec.clone().unwrap();
    (
        serde_json::to_value(spec.renew_time).unwrap().to_string(),
        lease.metadata.resource_version.clone().unwrap(),
    )
}

#[test]
fn kubelets_renew_their_node_leases_every_ten_seconds() {
    let mut c = Cluster::with_default_nodes(1);
    c.advance(25_000);
    let out = kubectl(&mut c, "get leases -n kube-node-lease");
    assert_eq!(
        out.stdout,
        "NAME            HOLDER          AGE\nk8s-master-01   k8s-master-01   25s\nk8s-worker-01   k8s-worker-01   25s\nk8s-worker-02   k8s-worker-02   25s\n"
    );
    let (time, version) = renewed(&c, "k8s-worker-01");
    assert_eq!(time, "\"2026-01-05T09:00:20.000000Z\"");
    let out = kubectl(&mut c, "describe node k8s-worker-01");
    assert!(
        out.stdout.contains("Unschedulable:      false\nLease:\n  HolderIdentity:  k8s-worker-01\n  AcquireTime:     <unset>\n  RenewTime:       Mon, 05 Jan 2026 09:00:20 +0000\n"),
        "{}",
        out.stdout
    );
    // A stopped kubelet renews nothing; the others go on, each renewal a new version.
    assert!(c.set_kubelet_running("k8s-worker-01", false));
    c.advance(35_000);
    assert_eq!(renewed(&c, "k8s-worker-01"), (time, version.clone()));
    let (time, other) = renewed(&c, "k8s-worker-02");
    assert_eq!(time, "\"2026-01-05T09:01:00.000000Z\"");
    assert_ne!(other, version);
    // Started again, it renews at once.
    assert!(c.set_kubelet_running("k8s-worker-01", true));
    assert_eq!(
        renewed(&c, "k8s-worker-01").0,
        "\"2026-01-05T09:01:00.000000Z\""
    );
}

#[test]
fn leases_through_kubectl() {
    let mut c = Cluster::with_default_nodes(1);
    let out = kubectl(&mut c, "get leases -A -o name");
    assert_eq!(
        out.stdout,
        "lease.coordination.k8s.io/k8s-master-01\nlease.coordination.k8s.io/k8s-worker-01\nlease.coordination.k8s.io/k8s-worker-02\n"
    );
    let out = kubectl(&mut c, "get lease nothing -n kube-node-lease");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): leases.coordination.k8s.io \"nothing\" not found\n"
    );
    let out = kubectl(&mut c, "api-resources");
    assert!(
        out.stdout.contains(
            "\nleases                                coordination.k8s.io/v1   true         Lease\n"
        ),
        "{}",
        out.stdout
    );
    let out = kubectl(
        &mut c,
        "get leases.coordination.k8s.io k8s-master-01 -n kube-node-lease -o yaml",
    );
    assert!(
        out.stdout
            .starts_with("apiVersion: coordination.k8s.io/v1\nkind: Lease\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  holderIdentity: k8s-master-01\n  leaseDurationSeconds: 40\n"),
        "{}",
        out.stdout
    );
    let out = kubectl(&mut c, "describe lease k8s-master-01 -n kube-node-lease");
    assert!(
        out.stdout.contains(
            "Spec:\n  Holder Identity:         k8s-master-01\n  Lease Duration Seconds:  40\n"
        ),
        "{}",
        out.stdout
    );
}
