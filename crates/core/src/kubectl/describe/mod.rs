//! `kubectl describe TYPE [NAME_PREFIX]` / `TYPE/NAME`, and the describers of pods,
//! nodes, services, the apps/v1 workloads, Jobs and CronJobs, laid out as kubectl's
//! describers do.

mod apps;
mod batch;
mod config;
mod generic;
mod namespace;
mod node;
mod pod;
mod policy;
mod service;
mod storage;
mod writer;

pub(crate) use batch::pod_template_text;
pub use batch::{cron_job, job};
pub use config::{config_map, secret, service_account};
pub use generic::generic;
pub use namespace::{endpoints, namespace};
pub use node::node;
pub use pod::pod;
pub use service::service;

use super::command::{Command, Group, Operands};
use super::common::list;
use super::flags::{Parsed, ALL_NAMESPACES, NAMESPACE, SELECTOR};
use super::resources;
use super::{FileSource, Output};
use crate::model::labels::Selector;
use crate::model::Object;
use crate::model::ResourceExt;
use crate::Cluster;

pub(super) const COMMAND: Command = Command {
    name: "describe",
    aliases: &[],
    group: Group::Troubleshooting,
    summary: "Show details of a specific resource or group of resources",
    usage: "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
    flags: &[NAMESPACE, SELECTOR, ALL_NAMESPACES],
    operands: Operands::TypeThenNames,
    subcommands: &[],
    run,
};

fn run(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let namespace = p.string("namespace").unwrap_or("default").to_string();
    let all_ns = p.bool("all-namespaces");
    let Some(first) = p.positionals.first() else {
        out.fail("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return;
    };
    let (type_name, names): (String, Vec<String>) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (first.clone(), p.positionals[1..].to_vec()),
    };
    let Some(rt) = resources::lookup(&type_name) else {
        return out.fail(resources::unknown_type(&type_name));
    };
    // The API server's deprecation warning for v1 Endpoints, as kubectl relays it.
    if rt.kind == "Endpoints" {
        out.err("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    let selector = match p.string("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return out.fail(e.to_string()),
    };
    let listed = list(
        cluster,
        &rt,
        if all_ns {
            None
        } else {
            Some(namespace.as_str())
        },
    );
    let mut chosen: Vec<&Object> = Vec::new();
    if names.is_empty() {
        chosen.extend(listed.iter().filter(|o| selector.matches(Some(o.labels()))));
        if chosen.is_empty() {
            if rt.namespaced && !all_ns {
                out.err(format!("No resources found in {namespace} namespace.\n"));
            } else {
                out.err("No resources found\n");
            }
            return;
        }
    }
    for name in &names {
        // An exact name, else every object whose name starts with it.
        let exact: Vec<&Object> = listed
            .iter()
            .filter(|o| o.name_any() == name.as_str())
            .collect();
        let matches = if exact.is_empty() {
            listed
                .iter()
                .filter(|o| {
                    o.metadata()
                        .name
                        .as_deref()
                        .is_some_and(|n| n.starts_with(name.as_str()))
                })
                .collect()
        } else {
            exact
        };
        if matches.is_empty() {
            out.not_found(rt.plural, name);
        }
        chosen.extend(matches);
    }
    let api = cluster.api();
    let now = cluster.now();
    for (i, o) in chosen.iter().enumerate() {
        let uid = o.uid_any().to_string();
        let events = api.events_for(&uid);
        let text = match o {
            Object::Pod(p) => pod(p, &events, now),
            Object::Node(n) => {
                let name = n.name_any();
                let pods: Vec<&crate::model::Pod> = api
                    .pods
                    .list()
                    .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name))
                    .filter(|p| {
                        !matches!(
                            p.status.as_ref().and_then(|s| s.phase.as_deref()),
                            Some("Succeeded" | "Failed")
                        )
                    })
                    .collect();
                let lease = api
                    .leases
                    .get(crate::kubelet::nodestatus::LEASE_NAMESPACE, name)
                    .ok_or_else(|| crate::apiserver::ApiError::NotFound {
                        resource: "leases",
                        name: name.to_string(),
                    });
                node(n, lease, &pods, &events, now)
            }
            Object::Service(s) => {
                let (ns, name) = (s.namespace_any(), s.name_any());
                let slices: Vec<&crate::model::EndpointSlice> = api
                    .endpoint_slices
                    .list_namespace(ns)
                    .filter(|e| {
                        e.labels()
                            .get(crate::model::LABEL_SERVICE_NAME)
                            .map(String::as_str)
                            == Some(name)
                    })
                    .collect();
                service(s, &slices, &events, now)
            }
            Object::EndpointSlice(e) => service::endpoint_slice(e, &events, now),
            // No describer of their own in kubectl: the generic one.
            Object::Lease(_) | Object::ControllerRevision(_) | Object::Event(_) => {
                generic(o.as_ref(), &events, now)
            }
            Object::ConfigMap(c) => config_map(c, &events, now),
            Object::Secret(s) => secret(s),
            Object::ServiceAccount(sa) => {
                let secrets = cluster.api().secrets.list().collect::<Vec<_>>();
                service_account(sa, &secrets, &events, now)
            }
            Object::PersistentVolumeClaim(c) => {
                let name = c.name_any();
                let mut users: Vec<&str> = api
                    .pods
                    .list_namespace(c.namespace_any())
                    .filter(|p| {
                        p.spec
                            .iter()
                            .flat_map(|s| s.volumes.iter().flatten())
                            .any(|v| {
                                v.persistent_volume_claim
                                    .as_ref()
                                    .is_some_and(|pvc| pvc.claim_name == name)
                            })
                    })
                    .map(|p| p.name_any())
                    .collect();
                crate::sort::sort(&mut users);
                storage::claim(c, &users, &events, now)
            }
            Object::PersistentVolume(v) => storage::volume(v, &events, now),
            Object::StorageClass(sc) => storage::storage_class(sc, &events, now),
            Object::Namespace(n) => self::namespace(n),
            Object::PriorityClass(pc) => namespace::priority_class(pc, &events, now),
            Object::PodDisruptionBudget(pdb) => policy::pod_disruption_budget(pdb, &events, now),
            Object::Endpoints(e) => endpoints(e, &events, now),
            Object::Deployment(d) => {
                let uid = d.uid_any();
                let sets: Vec<&crate::model::ReplicaSet> = api
                    .replica_sets
                    .list_namespace(d.namespace_any())
                    .filter(|rs| {
                        crate::controllers::replicaset::controller_of(&rs.metadata)
                            .is_some_and(|r| r.uid == uid)
                    })
                    .collect();
                apps::deployment(d, &sets, &events, now)
            }
            Object::ReplicaSet(rs) => {
                let pods: Vec<&crate::model::Pod> =
                    api.pods.list_namespace(rs.namespace_any()).collect();
                apps::replica_set(rs, &pods, &events, now)
            }
            Object::DaemonSet(ds) => {
                let pods: Vec<&crate::model::Pod> =
                    api.pods.list_namespace(ds.namespace_any()).collect();
                apps::daemon_set(ds, &pods, &events, now)
            }
            Object::StatefulSet(set) => {
                let pods: Vec<&crate::model::Pod> =
                    api.pods.list_namespace(set.namespace_any()).collect();
                apps::stateful_set(set, &pods, &events, now)
            }
            Object::Job(j) => job(j, &events, now),
            Object::CronJob(c) => cron_job(c, &events, now),
        };
        if i == 0 {
            out.out(text);
        } else {
            out.out(format!("\n\n{text}"));
        }
    }
}
