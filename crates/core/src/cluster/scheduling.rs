//! The cluster's side of kube-scheduler: the informer events the scheduling queue's
//! hints follow, the pending pods handed to the scheduler, and its decisions recorded
//! as bindings, PodScheduled conditions and events.

use super::*;
use crate::scheduler::plugins::volume_binding;
use crate::scheduler::preemption::PostFilter;

impl Cluster {
    /// Follows the watch: node changes and deleted pods are cluster events for the
    /// scheduling queue's hints; a deleted pod's decision goes with it.
    pub(super) fn observe(&mut self) {
        for event in self.api.drain_watch() {
            let plugins = &self.scheduler;
            let api = &self.api;
            let lookup = |key: &str| {
                let (ns, name) = key.split_once('/').unwrap_or(("", key));
                api.pods.get(ns, name)
            };
            match event {
                WatchEvent::Added {
                    resource: "nodes",
                    key,
                }
                | WatchEvent::Modified {
                    resource: "nodes",
                    key,
                }
                | WatchEvent::Deleted {
                    resource: "nodes",
                    key,
                } => {
                    let node = api.nodes.get("", &key);
                    match (self.queue.node_changed(&key, node), node) {
                        (Some(NodeEvent::Added), Some(new)) => {
                            let event = ClusterEvent::NodeAdded(new);
                            self.queue.on_event(&event, &lookup, plugins, self.now);
                        }
                        (Some(NodeEvent::Updated(old)), Some(new)) => {
                            let event = ClusterEvent::NodeUpdated { old: &old, new };
                            self.queue.on_event(&event, &lookup, plugins, self.now);
                        }
                        _ => {}
                    }
                }
                WatchEvent::Deleted {
                    resource: "pods",
                    key,
                } => {
                    self.decisions.remove(&key);
                    if !self.queue.forget(&key) {
                        self.queue.on_event(
                            &ClusterEvent::AssignedPodDeleted,
                            &lookup,
                            plugins,
                            self.now,
                        );
                    }
                }
                // The volume plugins' events.
                WatchEvent::Added {
                    resource: "persistentvolumeclaims" | "persistentvolumes" | "storageclasses",
                    ..
                }
                | WatchEvent::Modified {
                    resource: "persistentvolumeclaims" | "persistentvolumes" | "storageclasses",
                    ..
                } => {
                    self.queue
                        .on_event(&ClusterEvent::StorageChanged, &lookup, plugins, self.now);
                }
                // Only a waiting pod's own updates matter (kubelets update running
                // pods all the time).
                WatchEvent::Modified {
                    resource: "pods",
                    key,
                } if self.queue.get(&key).is_some() => {
                    if let Some(pod) = lookup(&key) {
                        self.queue.pod_updated(&key, pod, plugins, self.now);
                    }
                }
                _ => {}
            }
        }
    }

    /// Where a pod waiting for a node is in the scheduling queue.
    pub fn queued(&self, namespace: &str, name: &str) -> Option<&QueuedPod> {
        self.queue.get(&format!("{namespace}/{name}"))
    }

    /// One scheduling pass over the pods waiting for a node, highest priority first.
    pub(super) fn schedule_pending(&mut self) -> bool {
        // Only pods naming one of the profiles' schedulers are this scheduler's (others
        // wait for a scheduler that is not there: no queue entry, no event).
        // SchedulingGates (PreEnqueue): a pod with gates left is not queued at all.
        let scheduler = &self.scheduler;
        let pending = self.api.pods.list().filter(|p| {
            let spec = p.spec.as_ref();
            let name = spec
                .and_then(|s| s.scheduler_name.as_deref())
                .unwrap_or(SCHEDULER_NAME);
            let Some(profile) = scheduler.profile(name) else {
                return false;
            };
            spec.and_then(|s| s.node_name.as_deref())
                .unwrap_or_default()
                .is_empty()
                && (!profile.scheduling_gates
                    || spec
                        .and_then(|s| s.scheduling_gates.as_ref())
                        .is_none_or(|g| g.is_empty()))
        });
        self.queue.sync_pending(pending.map(|p| {
            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
            let name = p.metadata.name.as_deref().unwrap_or_default();
            (format!("{ns}/{name}"), p)
        }));
        self.queue.flush(self.now);
        let mut queue: Vec<&Pod> = self
            .queue
            .pop_ready()
            .into_iter()
            .filter_map(|key| {
                let (ns, name) = key.split_once('/')?;
                self.api.pods.get(ns, name)
            })
            .collect();
        crate::sort::sort_by_key(&mut queue, |p| {
            let prio = p.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
            let rv = p
                .metadata
                .resource_version
                .as_deref()
                .and_then(|v| v.parse::<u64>().ok());
            (
                std::cmp::Reverse(prio),
                p.metadata.creation_timestamp.as_ref().map(|t| t.0),
                rv,
            )
        });
        if queue.is_empty() {
            return false;
        }
        let mut decisions = Vec::new();
        {
            let mut snapshot =
                scheduler::Snapshot::new(self.api.nodes.list(), self.api.pods.list())
                    .with_listers(scheduler::Listers::of(&self.api));
            // The pods nominated to a node by an earlier preemption and still waiting:
            // each counts on its node while a pod of lower or equal priority is tried
            // (RunFilterPluginsWithNominatedPods), so that none takes the room made for it.
            let priority = |p: &Pod| p.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
            let mut nominated: Vec<(&str, &Pod)> = self
                .api
                .pods
                .list()
                .filter(|p| {
                    p.spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_deref())
                        .unwrap_or_default()
                        .is_empty()
                })
                .filter_map(|p| {
                    let node = p.status.as_ref()?.nominated_node_name.as_deref()?;
                    (!node.is_empty()).then_some((node, p))
                })
                .collect();
            for pod in queue {
                let counted: Vec<(&str, &Pod)> = nominated
                    .iter()
                    .filter(|(_, n)| !std::ptr::eq(*n, pod) && priority(n) >= priority(pod))
                    .copied()
                    .collect();
                for &(node, n) in &counted {
                    snapshot.assume(node, n);
                }
                let decision = self
                    .scheduler
                    .schedule_and_assume(pod, &mut snapshot, self.now);
                for &(node, n) in &counted {
                    snapshot.forget(node, n);
                }
                let placed = decision.chosen.is_some();
                if placed {
                    nominated.retain(|(_, n)| !std::ptr::eq(*n, pod));
                }
                let names = |p: &Pod| {
                    let m = &p.metadata;
                    (
                        m.namespace.clone().unwrap_or_default(),
                        m.name.clone().unwrap_or_default(),
                    )
                };
                decisions.push((names(pod), decision));
                // Its PreBind binds claims the rest of this pass would read unbound:
                // the others wait for the next pass.
                if placed && volume_binder::binds_claims(pod, &snapshot.listers) {
                    break;
                }
            }
        }
        let mut any = false;
        for (pod, decision) in decisions {
            any |= self.record(pod, decision);
        }
        if any {
            let api = &self.api;
            let lookup = |key: &str| {
                let (ns, name) = key.split_once('/').unwrap_or(("", key));
                api.pods.get(ns, name)
            };
            self.queue.on_event(
                &ClusterEvent::AssignedPodAdded,
                &lookup,
                &self.scheduler,
                self.now,
            );
        }
        any
    }

    /// Binds the pod or records why it cannot be placed. The stored pod is written in
    /// place (the binding, or its status), not copied.
    fn record(&mut self, (ns, name): (String, String), mut decision: Decision) -> bool {
        let key = decision.pod.clone();
        let Some(pod) = self.api.pods.get(&ns, &name) else {
            return false;
        };
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        // The profile's event recorder: events come from its scheduler name.
        let component = scheduler_name(pod);
        let priority = pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0);
        let status = pod.status.as_ref();
        let (message, condition) = match &decision.chosen {
            Some(node) => (
                format!("Successfully assigned {ns}/{name} to {node}"),
                PodCondition {
                    type_: "PodScheduled".into(),
                    status: "True".into(),
                    last_transition_time: Some(self.now.to_time()),
                    ..Default::default()
                },
            ),
            None => {
                let msg = decision.failure.clone().unwrap_or_default();
                (
                    msg.clone(),
                    PodCondition {
                        type_: "PodScheduled".into(),
                        status: "False".into(),
                        reason: Some("Unschedulable".into()),
                        message: Some(msg),
                        last_transition_time: Some(self.now.to_time()),
                        ..Default::default()
                    },
                )
            }
        };
        // The PostFilter's nomination (kube-scheduler's NominatingInfo): set with the
        // preemption it started, cleared when preemption found no node.
        let nominated_before = status.and_then(|s| s.nominated_node_name.clone());
        let nominated = match &decision.post_filter {
            Some(PostFilter::Nominated { node, .. }) => Some(node.clone()),
            Some(PostFilter::NoCandidate) => None,
            Some(PostFilter::NotEligible) | None => nominated_before.clone(),
        };
        let nomination_changed = nominated != nominated_before;
        let unchanged = !nomination_changed
            && status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|conditions| {
                    conditions.iter().any(|c| {
                        c.type_ == "PodScheduled"
                            && c.status == condition.status
                            && c.message == condition.message
                    })
                });
        if let Some(node) = &decision.chosen {
            // PreBind's claims: only a pod with claims is copied for the volume binder.
            if volume_binding::claim_names(pod).next().is_some() {
                let pod = pod.clone();
                self.bind_pod_volumes(&pod, node);
            }
        }
        let bound = decision.chosen.is_some();
        self.queue.done(&key, &decision, self.now);
        // The preemption that made room, kept while the pod waits for its victims and
        // once it is placed on the node it was nominated to.
        if decision.preemption.is_none() {
            let earlier = self.decisions.get(&key).and_then(|d| d.preemption.as_ref());
            if let Some(choice) = earlier.filter(|c| {
                decision.chosen.as_deref().or(nominated.as_deref()) == Some(c.node.as_str())
            }) {
                decision.preemption = Some(choice.clone());
            }
        }
        if let Some(PostFilter::Nominated { node, victims }) = &decision.post_filter {
            self.preempt(&key, &uid, priority, node, victims, &component);
        }
        self.api.record_event(
            EventRecord {
                object_kind: "Pod",
                namespace: &ns,
                object_name: &name,
                object_uid: &uid,
                reason: if bound {
                    "Scheduled"
                } else {
                    "FailedScheduling"
                },
                message,
                warning: !bound,
                component: &component,
                host: None,
                field_path: None,
            },
            self.now,
        );
        let chosen = decision.chosen.clone();
        self.decisions.insert(key, decision);
        if !unchanged {
            let mut condition = Some(condition);
            let _ = self.api.write_pod(&ns, &name, &mut |pod| {
                if let Some(node) = &chosen {
                    pod.spec.get_or_insert_with(Default::default).node_name = Some(node.clone());
                }
                let status = pod.status.get_or_insert_with(Default::default);
                status.nominated_node_name = nominated.clone();
                let conditions = status.conditions.get_or_insert_with(Vec::new);
                conditions.retain(|c| c.type_ != "PodScheduled");
                conditions.extend(condition.take());
            });
        }
        bound
    }

    /// The preemption DefaultPreemption decided on (`prepareCandidate`): each victim
    /// gets the `DisruptionTarget` condition, is deleted gracefully and has a
    /// `Preempted` event; pods of lower priority nominated to the same node lose their
    /// nomination.
    fn preempt(
        &mut self,
        preemptor: &str,
        uid: &str,
        priority: i32,
        node: &str,
        victims: &[String],
        component: &str,
    ) {
        for key in victims {
            let Some((ns, name)) = key.split_once('/') else {
                continue;
            };
            let Some(mut victim) = self.api.pods.get(ns, name).cloned() else {
                continue;
            };
            if victim.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let victim_uid = victim.metadata.uid.clone().unwrap_or_default();
            let conditions = victim
                .status
                .get_or_insert_with(Default::default)
                .conditions
                .get_or_insert_with(Vec::new);
            conditions.retain(|c| c.type_ != "DisruptionTarget");
            conditions.push(PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: Some("PreemptionByScheduler".into()),
                message: Some(format!(
                    "{component}: preempting to accommodate a higher priority pod"
                )),
                last_transition_time: Some(self.now.to_time()),
                ..Default::default()
            });
            if self.api.update_pod(victim).is_err() {
                continue;
            }
            if self
                .api
                .delete_pod_gracefully(ns, name, None, self.now)
                .is_err()
            {
                continue;
            }
            self.api.record_event(
                EventRecord {
                    object_kind: "Pod",
                    namespace: ns,
                    object_name: name,
                    object_uid: &victim_uid,
                    reason: "Preempted",
                    message: format!("Preempted by pod {uid} on node {node}"),
                    warning: false,
                    component,
                    host: None,
                    field_path: None,
                },
                self.now,
            );
        }
        // getLowerPriorityNominatedPods, then clearNominatedNodeName.
        let lower: Vec<Pod> = self
            .api
            .pods
            .list()
            .filter(|p| {
                let status = p.status.as_ref();
                status.and_then(|s| s.nominated_node_name.as_deref()) == Some(node)
                    && p.spec.as_ref().and_then(|s| s.priority).unwrap_or(0) < priority
                    && format!(
                        "{}/{}",
                        p.metadata.namespace.as_deref().unwrap_or_default(),
                        p.metadata.name.as_deref().unwrap_or_default()
                    ) != preemptor
            })
            .cloned()
            .collect();
        for mut p in lower {
            if let Some(status) = p.status.as_mut() {
                status.nominated_node_name = None;
            }
            let _ = self.api.update_pod(p);
        }
    }
}

/// The scheduler a pod names (`spec.schedulerName`, defaulted by the API server).
fn scheduler_name(pod: &Pod) -> String {
    pod.spec
        .as_ref()
        .and_then(|s| s.scheduler_name.clone())
        .unwrap_or_else(|| SCHEDULER_NAME.to_string())
}
