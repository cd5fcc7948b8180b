//! The cluster network as seen from a node: cluster DNS names, kube-proxy's Service
//! rules (ClusterIP and NodePort, round-robin over the ready endpoints of the Service's
//! EndpointSlices, else its serving terminating ones), the pod network,
//! and delivery to the server a container runs. Failures are the ones a real client
//! sees: no endpoints or nothing listening is `Connection refused`; an address nothing
//! answers for (a wrong port on a ClusterIP, an unknown pod IP) times out.

use super::{Kubelet, Phase};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::model::{Pod, ResourceExt, Service, LABEL_SERVICE_NAME};
use crate::net::servers::{self, Reply, Then};
use crate::net::{HttpRequest, HttpResponse, NetError};
use crate::shell::{Server, Stream};

/// A gRPC health check as a probe asks for it: `ip:port`, the service name (`None`:
/// the server's overall health, the empty name) and how long to wait for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrpcCheck<'a> {
    pub ip: &'a str,
    pub port: u16,
    pub service: Option<&'a str>,
    pub timeout_ms: u64,
}

/// The answer to a gRPC health check, as the kubelet's gRPC prober (pkg/probe/grpc)
/// sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrpcHealth {
    /// SERVING: the probe succeeds.
    Serving,
    /// NOT_SERVING.
    NotServing,
    /// The server's health service does not know the service name: its Check answers
    /// with gRPC status NotFound (SERVICE_UNKNOWN is what its Watch would send).
    ServiceUnknown,
    /// No gRPC connection within the timeout: nothing listens there, the address is
    /// unreachable, or what listens does not speak gRPC.
    ConnectTimeout { addr: String, timeout_ms: u64 },
}

impl GrpcHealth {
    /// Whether the probe succeeds.
    pub fn is_serving(&self) -> bool {
        *self == GrpcHealth::Serving
    }

    /// The probe's output as the kubelet reports it (what follows `Liveness probe
    /// failed: ` in the Unhealthy event).
    pub fn output(&self) -> String {
        match self {
            GrpcHealth::Serving => "service healthy".into(),
            GrpcHealth::NotServing => "service unhealthy (responded with \"NOT_SERVING\")".into(),
            GrpcHealth::ServiceUnknown => {
                "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"
                    .into()
            }
            GrpcHealth::ConnectTimeout { addr, timeout_ms } => format!(
                "timeout: failed to connect service {addr:?} within {}: context deadline exceeded",
                servers::go_duration(*timeout_ms)
            ),
        }
    }
}

/// Where a connection comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A container of this pod.
    Pod {
        uid: String,
        namespace: String,
        ip: String,
    },
    /// A node's own shell.
    Node(String),
    /// A browser or `podlab curl` outside the cluster.
    Outside,
}

fn is_ip(s: &str) -> bool {
    s.split('.').count() == 4 && s.split('.').all(|p| p.parse::<u8>().is_ok())
}

fn pod_ip(p: &Pod) -> Option<&str> {
    p.status.as_ref().and_then(|s| s.pod_ip.as_deref())
}

fn node_ip(api: &ApiServer, node: &str) -> Option<String> {
    api.nodes
        .get("", node)?
        .status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.clone())
}

/// The pod network gateway (`.1`) or tunnel (`.0`) address of a node.
fn node_pod_addr(api: &ApiServer, node: &str, host: u8) -> String {
    api.nodes
        .get("", node)
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.pod_cidr.as_deref())
        .and_then(|c| c.split('/').next())
        .and_then(|c| c.rsplit_once('.'))
        .map_or_else(|| "10.244.0.1".into(), |(b, _)| format!("{b}.{host}"))
}

/// What cluster DNS answers for a Service (`host` None) or for one of a headless
/// Service's endpoints by hostname: the cluster IP, or for a headless Service the
/// address of its first ready endpoint (by pod name) or of the endpoint named `host`.
fn service_address(api: &ApiServer, ns: &str, svc: &str, host: Option<&str>) -> Option<String> {
    let service = api.services.get(ns, svc)?;
    let ip = service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.clone())
        .unwrap_or_default();
    if ip != "None" {
        return (host.is_none() && !ip.is_empty()).then_some(ip);
    }
    let mut found: Vec<(String, String)> = api
        .endpoint_slices
        .list_namespace(ns)
        .filter(|s| s.labels().get(LABEL_SERVICE_NAME).map(String::as_str) == Some(svc))
        .filter(|s| s.address_type == "IPv4")
        .flat_map(|s| s.endpoints.iter())
        .filter(|e| {
            let c = e.conditions.clone().unwrap_or_default();
            let published = service
                .spec
                .as_ref()
                .and_then(|s| s.publish_not_ready_addresses)
                == Some(true);
            (c.ready.unwrap_or(true) || published)
                && host.is_none_or(|h| e.hostname.as_deref() == Some(h))
        })
        .filter_map(|e| {
            let pod = e.target_ref.as_ref().and_then(|r| r.name.clone());
            Some((pod.unwrap_or_default(), e.addresses.first()?.clone()))
        })
        .collect();
    crate::sort::sort(&mut found);
    found.into_iter().next().map(|(_, ip)| ip)
}

/// A connection after kube-proxy: the pod, the port on it, the client address the
/// server sees.
struct Target {
    uid: String,
    port: u16,
    client: String,
}

impl Kubelet {
    /// Cluster DNS (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`) for pods; node names
    /// everywhere.
    pub fn resolve(&self, api: &ApiServer, origin: &Origin, name: &str) -> Option<String> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if is_ip(&name) {
            return Some(name);
        }
        if name == "localhost" {
            return Some("127.0.0.1".into());
        }
        if api.nodes.get("", &name).is_some() {
            return node_ip(api, &name);
        }
        let Origin::Pod { namespace, .. } = origin else {
            return None;
        };
        let parts: Vec<&str> = name.split('.').collect();
        let service = match parts.as_slice() {
            [s] => Some((*s, namespace.as_str())),
            [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => Some((*s, *n)),
            _ => None,
        };
        if let Some(ip) = service.and_then(|(svc, ns)| service_address(api, ns, svc, None)) {
            return Some(ip);
        }
        // A headless Service's per-pod names (`web-0.nginx`, `web-0.nginx.ns`,
        // `web-0.nginx.ns.svc.cluster.local`): the endpoint with that hostname.
        let (host, svc, ns) = match parts.as_slice() {
            [h, s] => (*h, *s, namespace.as_str()),
            [h, s, n] | [h, s, n, "svc"] | [h, s, n, "svc", "cluster", "local"] => (*h, *s, *n),
            _ => return None,
        };
        service_address(api, ns, svc, Some(host))
    }

    /// The endpoints kube-proxy sends a service port's traffic to, as it reads them
    /// from the Service's EndpointSlices (CategorizeEndpoints): the ready ones, or when
    /// none is ready the serving ones that are terminating; each as (pod uid, port), in
    /// pod-name order.
    fn endpoints(
        api: &ApiServer,
        svc: &Service,
        port: &k8s_openapi::api::core::v1::ServicePort,
    ) -> Vec<(String, u16)> {
        let (ns, name) = (svc.namespace_any(), svc.name_any());
        let port_name = port.name.as_deref().unwrap_or_default();
        // (pod name, uid, port, ready, serving and terminating)
        let mut all: Vec<(String, String, u16, bool, bool)> = Vec::new();
        let slices = api
            .endpoint_slices
            .list_namespace(ns)
            .filter(|s| s.labels().get(LABEL_SERVICE_NAME).map(String::as_str) == Some(name))
            .filter(|s| s.address_type == "IPv4");
        for slice in slices {
            let ports = slice.ports.as_deref().unwrap_or_default();
            let Some(number) = ports
                .iter()
                .find(|p| p.name.as_deref().unwrap_or_default() == port_name)
                .and_then(|p| p.port)
            else {
                continue;
            };
            for e in &slice.endpoints {
                let Some(ip) = e.addresses.first() else {
                    continue;
                };
                let c = e.conditions.clone().unwrap_or_default();
                let ready = c.ready.unwrap_or(true);
                let fallback = c.serving.unwrap_or(true) && c.terminating.unwrap_or(false);
                // The pod the endpoint targets, else the pod with its address.
                let target = e
                    .target_ref
                    .as_ref()
                    .filter(|r| r.kind.as_deref() == Some("Pod"));
                let pod = match target.and_then(|r| Some((r.name.as_deref()?, r.uid.as_deref()))) {
                    Some((pod, uid)) => api
                        .pods
                        .get(ns, pod)
                        .filter(|p| uid.is_none() || p.metadata.uid.as_deref() == uid),
                    None => api
                        .pods
                        .list_namespace(ns)
                        .find(|p| pod_ip(p) == Some(ip.as_str())),
                };
                let Some(pod) = pod else { continue };
                if all
                    .iter()
                    .any(|(_, uid, ..)| Some(uid) == pod.metadata.uid.as_ref())
                {
                    continue;
                }
                all.push((
                    pod.name_any().to_string(),
                    pod.uid_any().to_string(),
                    number as u16,
                    ready,
                    fallback,
                ));
            }
        }
        crate::sort::sort_by_key(&mut all, |e| e.0.clone());
        let ready: Vec<(String, u16)> = all
            .iter()
            .filter(|e| e.3)
            .map(|e| (e.1.clone(), e.2))
            .collect();
        if !ready.is_empty() {
            return ready;
        }
        all.iter()
            .filter(|e| e.4)
            .map(|e| (e.1.clone(), e.2))
            .collect()
    }

    /// An endpoint of a service for `port` (pod uid, target port), round-robin; none
    /// is kube-proxy's REJECT.
    fn pick(
        &mut self,
        api: &ApiServer,
        svc: &Service,
        port: &k8s_openapi::api::core::v1::ServicePort,
    ) -> Option<(String, u16)> {
        let endpoints = Self::endpoints(api, svc, port);
        if endpoints.is_empty() {
            return None;
        }
        let key = format!("{}/{}", svc.namespace_any(), svc.name_any());
        let n = self.rr.get_or_insert_with(key, || 0);
        let picked = endpoints[(*n as usize) % endpoints.len()].clone();
        *n += 1;
        Some(picked)
    }

    /// Follows a connection to `host:port` through DNS and kube-proxy to a pod.
    fn route(
        &mut self,
        api: &ApiServer,
        origin: &Origin,
        host: &str,
        port: u16,
    ) -> Result<Target, NetError> {
        let ip = self
            .resolve(api, origin, host)
            .ok_or_else(|| NetError::Unresolved(host.to_string()))?;
        let refused = || NetError::Refused {
            host: ip.clone(),
            port,
        };
        let timeout = || NetError::Timeout {
            host: ip.clone(),
            port,
        };
        if ip == "127.0.0.1" {
            return match origin {
                Origin::Pod { uid, .. } => Ok(Target {
                    uid: uid.clone(),
                    port,
                    client: "127.0.0.1".into(),
                }),
                _ => Err(refused()),
            };
        }
        let client_pod_ip = match origin {
            Origin::Pod { ip, .. } => Some(ip.clone()),
            _ => None,
        };
        // A node address: NodePort services.
        let node = api
            .nodes
            .list()
            .find(|n| {
                n.metadata
                    .name
                    .as_deref()
                    .and_then(|n| node_ip(api, n))
                    .as_deref()
                    == Some(ip.as_str())
            })
            .and_then(|n| n.metadata.name.clone());
        if let Some(node) = node {
            let svc = api.services.list().find(|s| {
                s.spec.as_ref().is_some_and(|sp| {
                    matches!(sp.type_.as_deref(), Some("NodePort" | "LoadBalancer"))
                        && sp
                            .ports
                            .iter()
                            .flatten()
                            .any(|p| p.node_port == Some(i32::from(port)))
                })
            });
            let Some(svc) = svc.cloned() else {
                return Err(refused());
            };
            let sp = svc
                .spec
                .as_ref()
                .and_then(|s| s.ports.as_ref())
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p.node_port == Some(i32::from(port)))
                        .cloned()
                })
                .ok_or_else(refused)?;
            let (uid, target) = self.pick(api, &svc, &sp).ok_or_else(refused)?;
            let pod_node = self
                .pods
                .get(&uid)
                .map(|p| p.node.clone())
                .unwrap_or_default();
            // Traffic entering another node is masqueraded to that node's tunnel address.
            let client = client_pod_ip.unwrap_or_else(|| {
                if pod_node == node {
                    node_pod_addr(api, &node, 1)
                } else {
                    node_pod_addr(api, &node, 0)
                }
            });
            return Ok(Target {
                uid,
                port: target,
                client,
            });
        }
        // A Service's cluster IP.
        let svc = api
            .services
            .list()
            .find(|s| s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref()) == Some(ip.as_str()));
        if let Some(svc) = svc.cloned() {
            let sp = svc
                .spec
                .as_ref()
                .and_then(|s| s.ports.as_ref())
                .and_then(|ps| ps.iter().find(|p| p.port == i32::from(port)).cloned())
                .ok_or_else(timeout)?;
            let (uid, target) = self.pick(api, &svc, &sp).ok_or_else(refused)?;
            let client = client_pod_ip.unwrap_or_else(|| match origin {
                Origin::Node(n) => node_ip(api, n).unwrap_or_default(),
                _ => String::new(),
            });
            return Ok(Target {
                uid,
                port: target,
                client,
            });
        }
        // A pod IP.
        let pod = api
            .pods
            .list()
            .find(|p| pod_ip(p) == Some(ip.as_str()) && p.metadata.deletion_timestamp.is_none());
        match pod.and_then(|p| p.metadata.uid.clone()) {
            Some(uid) if self.pods.contains_key(&uid) => {
                let client = client_pod_ip.unwrap_or_else(|| match origin {
                    Origin::Node(n) => node_pod_addr(api, n, 1),
                    _ => String::new(),
                });
                if let Origin::Outside = origin {
                    // Pod IPs are not routable from outside the cluster.
                    return Err(timeout());
                }
                Ok(Target { uid, port, client })
            }
            _ => Err(timeout()),
        }
    }

    /// The container of pod `uid` serving on `port`, as (index in containers, server).
    fn server(&mut self, uid: &str, port: u16) -> Option<(usize, Server)> {
        let work = self.pods.get_mut(uid)?;
        work.containers.iter_mut().enumerate().find_map(|(i, c)| {
            if !matches!(c.phase, Phase::Running { .. }) {
                return None;
            }
            c.process.as_mut()?.server_on(port).map(|s| (i, s.clone()))
        })
    }

    /// Opens a TCP connection from `origin` to `host:port` and closes it (`nc -z`): Ok
    /// when something listens there.
    pub fn connect(
        &mut self,
        api: &ApiServer,
        origin: &Origin,
        host: &str,
        port: u16,
    ) -> Result<(), NetError> {
        let t = self.route(api, origin, host, port)?;
        match self.server(&t.uid, t.port) {
            Some(_) => Ok(()),
            None => Err(NetError::Refused {
                host: host.to_string(),
                port,
            }),
        }
    }

    /// An HTTP request from `origin`.
    pub fn request(
        &mut self,
        api: &ApiServer,
        origin: &Origin,
        req: &HttpRequest,
        now: SimTime,
    ) -> Result<HttpResponse, NetError> {
        self.request_depth(api, origin, req, now, 0)
    }

    fn request_depth(
        &mut self,
        api: &ApiServer,
        origin: &Origin,
        req: &HttpRequest,
        now: SimTime,
        depth: u32,
    ) -> Result<HttpResponse, NetError> {
        if depth > 4 {
            return Err(NetError::Refused {
                host: req.host.clone(),
                port: req.port,
            });
        }
        let t = self.route(api, origin, &req.host, req.port)?;
        let refused = NetError::Refused {
            host: req.host.clone(),
            port: req.port,
        };
        let (idx, server) = self.server(&t.uid, t.port).ok_or(refused.clone())?;
        let work = self.pods.get(&t.uid).ok_or(refused.clone())?;
        let hostname = work.name.as_str();
        let process = work.containers[idx]
            .process
            .as_ref()
            .ok_or(refused.clone())?;
        let mut then = Then::Serve;
        let served = match server {
            Server::Nginx => servers::nginx(&self.fs, &process.view, req, &t.client, now),
            Server::Demo { .. } => servers::demo(&process.env),
            Server::Liveness { started } => servers::liveness(req, started, now),
            Server::Netexec {
                udp_port, started, ..
            } => {
                let (served, next) =
                    servers::netexec(req, hostname, &t.client, udp_port.is_some(), started, now);
                then = next;
                served
            }
            Server::ServeHostname { .. } => servers::serve_hostname(hostname, &t.client, now),
            Server::Goproxy if req.path.starts_with("http://") => {
                // A proxy request: goproxy fetches the URL from its own pod.
                let from = self.origin_of(api, &t.uid);
                let fetched = crate::net::parse_url(&req.path).and_then(|u| {
                    let upstream = HttpRequest {
                        host: u.host,
                        port: u.port,
                        path: u.path,
                        ..req.clone()
                    };
                    self.request_depth(api, &from, &upstream, now, depth + 1)
                });
                return Ok(fetched.unwrap_or_else(|e| servers::goproxy_error(&e)));
            }
            Server::Goproxy => servers::goproxy(),
            Server::Etcd { .. } => servers::etcd(req),
            Server::GrpcHealthChecking {
                http_port, started, ..
            } if http_port == t.port => {
                let (served, force) = servers::grpc_health_http(req, started, now);
                if let Some(f) = force {
                    let srv = self
                        .pods
                        .get_mut(&t.uid)
                        .and_then(|w| w.containers.get_mut(idx))
                        .and_then(|c| c.process.as_mut())
                        .and_then(|p| p.server_on(t.port));
                    if let Some(Server::GrpcHealthChecking { forced, .. }) = srv {
                        *forced = Some(f);
                    }
                }
                served
            }
            // A gRPC server reads HTTP/1.1 as a bogus HTTP/2 preface and hangs up.
            Server::GrpcHealthChecking { .. } => return Err(NetError::Closed),
            Server::Static { root, .. } => {
                servers::static_files(&self.fs, &process.view, &root, req)
            }
            Server::Proxy { upstream, .. } => {
                // Forwarded from the proxy's own pod, as socat connects out.
                let (h, p) = upstream
                    .rsplit_once(':')
                    .unwrap_or((upstream.as_str(), "80"));
                let forwarded = HttpRequest {
                    host: h.to_string(),
                    port: p.parse().unwrap_or(80),
                    ..req.clone()
                };
                let from = self.origin_of(api, &t.uid);
                // socat accepted the connection; if it cannot reach upstream it closes it.
                return self
                    .request_depth(api, &from, &forwarded, now, depth + 1)
                    .map_err(|_| NetError::Closed);
            }
            // Not an HTTP server: it closes the connection.
            _ => return Err(refused),
        };
        if let Some(c) = self
            .pods
            .get_mut(&t.uid)
            .and_then(|w| w.containers.get_mut(idx))
        {
            let mut out = Vec::new();
            if let Some(l) = served.stdout {
                out.push((Stream::Stdout, l.into_bytes()));
            }
            if let Some(l) = served.stderr {
                out.push((Stream::Stderr, l.into_bytes()));
            }
            c.log(now, out);
            if let Then::Exit(code) | Then::ExitNow(code) = then {
                // The server's process ends: the kubelet sees it at once.
                if let Some(p) = c.process.as_mut() {
                    p.exit_server(t.port, code);
                }
                c.due = Some(now);
            }
        }
        match then {
            // It exited before answering: the client sees the connection close.
            Then::ExitNow(_) => Err(NetError::Closed),
            _ => Ok(served.response),
        }
    }

    /// A gRPC health check (grpc.health.v1.Health/Check) from `node` (the kubelet's
    /// gRPC prober) at `now`.
    pub fn grpc_health_check(
        &mut self,
        api: &ApiServer,
        node: &str,
        check: &GrpcCheck<'_>,
        now: SimTime,
    ) -> GrpcHealth {
        let GrpcCheck {
            ip,
            port,
            service,
            timeout_ms,
        } = *check;
        let unreachable = || GrpcHealth::ConnectTimeout {
            addr: format!("{ip}:{port}"),
            timeout_ms,
        };
        let Ok(t) = self.route(api, &Origin::Node(node.to_string()), ip, port) else {
            return unreachable();
        };
        match self.server(&t.uid, t.port) {
            // etcd registers the health service with the empty name only, SERVING.
            Some((_, Server::Etcd { .. })) => match service.unwrap_or("") {
                "" => GrpcHealth::Serving,
                _ => GrpcHealth::ServiceUnknown,
            },
            Some((
                _,
                Server::GrpcHealthChecking {
                    port: grpc_port,
                    service: registered,
                    delay_unhealthy_ms,
                    started,
                    forced,
                    ..
                },
            )) if grpc_port == t.port => {
                let since = now.0.saturating_sub(started.0);
                if service.unwrap_or("") != registered {
                    GrpcHealth::ServiceUnknown
                } else if forced == Some(true) || delay_unhealthy_ms.is_some_and(|d| since >= d) {
                    GrpcHealth::NotServing
                } else {
                    GrpcHealth::Serving
                }
            }
            // Nothing listens, or what listens does not speak HTTP/2: the blocking dial
            // retries until the deadline.
            _ => unreachable(),
        }
    }

    /// A redis command from `origin` to `host:port`.
    pub fn redis(
        &mut self,
        api: &ApiServer,
        origin: &Origin,
        host: &str,
        port: u16,
        args: &[String],
        depth: u32,
    ) -> Result<Reply, NetError> {
        let t = self.route(api, origin, host, port)?;
        let refused = NetError::Refused {
            host: host.to_string(),
            port,
        };
        let (idx, server) = self.server(&t.uid, t.port).ok_or(refused.clone())?;
        match server {
            Server::Proxy { upstream, .. } if depth < 4 => {
                let (h, p) = upstream
                    .rsplit_once(':')
                    .unwrap_or((upstream.as_str(), "6379"));
                let p = p.parse().unwrap_or(6379);
                let from = self.origin_of(api, &t.uid);
                self.redis(api, &from, h, p, args, depth + 1)
                    .map_err(|_| NetError::Closed)
            }
            Server::Redis { .. } => {
                let c = self
                    .pods
                    .get_mut(&t.uid)
                    .and_then(|w| w.containers.get_mut(idx))
                    .and_then(|c| c.process.as_mut())
                    .ok_or(refused.clone())?;
                match c.server_on(t.port) {
                    Some(Server::Redis { data }) => Ok(servers::redis(data, args)),
                    _ => Err(refused),
                }
            }
            _ => Err(refused),
        }
    }

    fn origin_of(&self, api: &ApiServer, uid: &str) -> Origin {
        let Some(w) = self.pods.get(uid) else {
            return Origin::Outside;
        };
        let ip = api
            .pods
            .get(&w.namespace, &w.name)
            .and_then(pod_ip)
            .unwrap_or_default()
            .to_string();
        Origin::Pod {
            uid: uid.to_string(),
            namespace: w.namespace.clone(),
            ip,
        }
    }
}
