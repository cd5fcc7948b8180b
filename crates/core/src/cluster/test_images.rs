//! The Kubernetes docs' probe images as the kubelet's probers meet them: etcd's gRPC
//! health service, agnhost's servers over the pod network.

use super::*;
use crate::kubelet::{GrpcCheck, GrpcHealth};

const ETCD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-with-grpc\nspec:\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.1-0\n    command: [\"/usr/local/bin/etcd\", \"--data-dir\", \"/var/lib/etcd\", \"--listen-client-urls\", \"http://0.0.0.0:2379\", \"--advertise-client-urls\", \"http://127.0.0.1:2379\", \"--log-level\", \"debug\"]\n    ports:\n    - containerPort: 2379\n";

const NGINX: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

/// The pod's node and IP.
fn placed(c: &Cluster, name: &str) -> (String, String) {
    let p = c.api().pods.get("default", name).unwrap();
    (
        p.spec.as_ref().unwrap().node_name.clone().unwrap(),
        p.status.as_ref().unwrap().pod_ip.clone().unwrap(),
    )
}

fn grpc(
    c: &mut Cluster,
    node: &str,
    ip: &str,
    port: u16,
    service: Option<&str>,
    timeout_ms: u64,
) -> GrpcHealth {
    let check = GrpcCheck {
        ip,
        port,
        service,
        timeout_ms,
    };
    c.kubelet.grpc_health_check(&c.api, node, &check, c.now)
}

fn check(c: &mut Cluster, pod: &str, port: u16, service: Option<&str>) -> GrpcHealth {
    let (node, ip) = placed(c, pod);
    grpc(c, &node, &ip, port, service, 1000)
}

#[test]
fn etcd_answers_the_grpc_health_check() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("etcd.yaml", ETCD).unwrap();
    // Pulling the image (99 MB): nothing listens yet, the blocking dial times out.
    c.advance(1_000);
    let (_, ip) = placed(&c, "etcd-with-grpc");
    let early = check(&mut c, "etcd-with-grpc", 2379, None);
    assert_eq!(
        early,
        GrpcHealth::ConnectTimeout {
            addr: format!("{ip}:2379"),
            timeout_ms: 1000
        }
    );
    assert_eq!(
        early.output(),
        format!(
            "timeout: failed to connect service \"{ip}:2379\" within 1s: context deadline exceeded"
        )
    );
    c.advance(10_000);
    let serving = check(&mut c, "etcd-with-grpc", 2379, None);
    assert_eq!(serving, GrpcHealth::Serving);
    assert!(serving.is_serving());
    assert_eq!(serving.output(), "service healthy");
    // The empty name is the only service etcd registers.
    assert_eq!(
        check(&mut c, "etcd-with-grpc", 2379, Some("")),
        GrpcHealth::Serving
    );
    let unknown = check(&mut c, "etcd-with-grpc", 2379, Some("etcdserverpb.KV"));
    assert_eq!(unknown, GrpcHealth::ServiceUnknown);
    assert!(!unknown.is_serving());
    assert_eq!(
        unknown.output(),
        "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"
    );
    // The peer port is not served: refused, which the blocking dial retries until the
    // deadline.
    assert_eq!(
        check(&mut c, "etcd-with-grpc", 2380, None).output(),
        format!(
            "timeout: failed to connect service \"{ip}:2380\" within 1s: context deadline exceeded"
        )
    );
}

#[test]
fn grpc_health_check_of_what_is_not_grpc() {
    let mut c = Cluster::with_default_nodes(2);
    c.create_from_text("nginx.yaml", NGINX).unwrap();
    c.advance(10_000);
    let (node, ip) = placed(&c, "nginx");
    // nginx answers HTTP/1.1 on 80: no gRPC connection ever becomes ready.
    let h = grpc(&mut c, &node, &ip, 80, None, 1500);
    assert_eq!(
        h.output(),
        format!(
            "timeout: failed to connect service \"{ip}:80\" within 1.5s: context deadline exceeded"
        )
    );
    // An address no pod has.
    let h = grpc(&mut c, &node, "10.244.9.9", 2379, None, 500);
    assert_eq!(
        h.output(),
        "timeout: failed to connect service \"10.244.9.9:2379\" within 500ms: context deadline exceeded"
    );
    assert_eq!(
        GrpcHealth::NotServing.output(),
        "service unhealthy (responded with \"NOT_SERVING\")"
    );
}

const GRPC_HEALTH: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: grpc\nspec:\n  containers:\n  - name: agnhost\n    image: registry.k8s.io/e2e-test-images/agnhost:2.40\n    args: [\"grpc-health-checking\", \"--delay-unhealthy-sec=60\"]\n";

#[test]
fn agnhost_grpc_health_checking_turns_not_serving() {
    let mut c = Cluster::with_default_nodes(4);
    c.create_from_text("grpc.yaml", GRPC_HEALTH).unwrap();
    c.advance(5_000);
    assert_eq!(check(&mut c, "grpc", 5000, None), GrpcHealth::Serving);
    assert_eq!(
        check(&mut c, "grpc", 5000, Some("other")),
        GrpcHealth::ServiceUnknown
    );
    // Its HTTP port is not gRPC.
    assert!(matches!(
        check(&mut c, "grpc", 8080, None),
        GrpcHealth::ConnectTimeout { .. }
    ));
    let (node, ip) = placed(&c, "grpc");
    let r = c
        .http_get_from_node(&node, &format!("http://{ip}:8080/make-not-serving"))
        .unwrap();
    assert_eq!(r.status, 200);
    let not = check(&mut c, "grpc", 5000, None);
    assert_eq!(not, GrpcHealth::NotServing);
    assert_eq!(
        not.output(),
        "service unhealthy (responded with \"NOT_SERVING\")"
    );
    c.http_get_from_node(&node, &format!("http://{ip}:8080/make-serving"))
        .unwrap();
    assert_eq!(check(&mut c, "grpc", 5000, None), GrpcHealth::Serving);
    // --delay-unhealthy-sec: NOT_SERVING from 60 s after it started.
    c.advance(60_000);
    assert_eq!(check(&mut c, "grpc", 5000, None), GrpcHealth::NotServing);
    // HTTP/1.1 to the gRPC port: the server hangs up.
    assert_eq!(
        c.http_get_from_node(&node, &format!("http://{ip}:5000/")),
        Err(crate::net::NetError::Closed)
    );
}

#[test]
fn etcd_stops_gracefully_and_agnhost_servers_exit_2() {
    use crate::shell::Server;
    assert_eq!(Server::Etcd { port: 2379 }.stop_status(), Some(0));
    assert_eq!(Server::Goproxy.stop_status(), Some(2));
    assert_eq!(Server::Paused.port(), None);
    assert_eq!(Server::ServeHostname { port: 9376 }.stop_status(), None);
}
