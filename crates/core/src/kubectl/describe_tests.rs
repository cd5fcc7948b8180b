//! `kubectl describe` of namespaces and endpoints, laid out as kubectl 1.34 prints them
//! (the differential test compares them with the real kubectl when it is installed).

use super::*;
use crate::Cluster;

fn kubectl(c: &mut Cluster, command: &str) -> Output {
    let args = split_words(command).unwrap();
    run(c, &args, &NoFiles)
}

#[test]
fn describe_namespace() {
    let mut c = Cluster::with_default_nodes(1);
    let out = kubectl(&mut c, "describe ns kube-node-lease");
    assert_eq!(
        out.stdout,
        "Name:         kube-node-lease\nLabels:       kubernetes.io/metadata.name=kube-node-lease\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
}

#[test]
fn describe_endpoints() {
    let mut c = Cluster::with_default_nodes(1);
    let out = kubectl(&mut c, "describe ep kubernetes");
    assert_eq!(
        out.stdout,
        "Name:         kubernetes\nNamespace:    default\nLabels:       endpointslice.kubernetes.io/skip-mirror=true\nAnnotations:  <none>\nSubsets:\n  Addresses:          192.168.56.201\n  NotReadyAddresses:  <none>\n  Ports:\n    Name   Port  Protocol\n    ----   ----  --------\n    https  6443  TCP\n\nEvents:  <none>\n"
    );
}
