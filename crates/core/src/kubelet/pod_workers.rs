//! Pod workers (kubelet's pod_workers.go and its SyncPod): each pod bound to a node is
//! synced in turn — admitted (IP, start time, volumes), its due container steps run in
//! order, its status written when something changed — and a pod being deleted is
//! terminated: its containers stopped within the grace period, then it leaves the API
//! server.

use super::prober::{PodProbes, Probed};
use super::runtime::{Phase, Slot, Work};
use super::status::write_status;
use super::{volumes, Ctx, Kubelet};
use crate::apiserver::ApiServer;
use crate::clock::SimTime;
use crate::git::Remotes;
use crate::keyed::Keyed;
use crate::model::{Pod, RestartPolicy};
use k8s_openapi::api::core::v1::PodIP;
use serde::{Deserialize, Serialize};
use volumes::Source;

/// How often a failed volume mount is retried.
const MOUNT_RETRY_MS: u64 = 2_000;

/// The kubelet's periodic pod sync (syncFrequency, 1 min): when configMap, secret and
/// projected volumes take their objects' changes.
const RESYNC_MS: u64 = 60_000;

/// One pod's worker: its containers and volumes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PodWork {
    pub(super) namespace: String,
    pub(super) name: String,
    pub(super) node: String,
    pub(super) init: Vec<Work>,
    pub(super) containers: Vec<Work>,
    pub(super) volumes: Keyed<String, Source>,
    /// The FailedMount message while volumes cannot be set up, with the retry time.
    pub(super) mount_error: Option<(String, SimTime)>,
    /// An init container failed with restartPolicy Never: the pod has failed.
    pub(super) failed: bool,
    /// What running processes need without a copy of the pod.
    pub(super) pod_ip: String,
    pub(super) restart_policy: RestartPolicy,
    /// The pod is being deleted: its containers were told to stop and whatever still
    /// runs at this time is killed.
    #[serde(default)]
    pub(super) terminating: Option<SimTime>,
    /// The kubelet is killing the pod itself (activeDeadlineSeconds, or its app
    /// containers are done while sidecars run): whatever still runs then is killed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) killing: Option<SimTime>,
    /// The kubelet killed the pod: nothing runs or restarts any more.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) halted: bool,
    /// When activeDeadlineSeconds runs out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) active_deadline: Option<SimTime>,
    /// The pod ran past its activeDeadlineSeconds: it failed (DeadlineExceeded).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) deadline_exceeded: bool,
    /// Probes, lifecycle hooks and kills (prober/, lifecycle.rs).
    #[serde(default, skip_serializing_if = "PodProbes::is_empty")]
    pub(super) probes: PodProbes,
    /// The next periodic sync of a pod with configMap, secret or projected volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) resync: Option<SimTime>,
}

impl PodWork {
    pub(super) fn work(&mut self, slot: Slot) -> Option<&mut Work> {
        match slot {
            Slot::Init(i) => self.init.get_mut(i),
            Slot::App(i) => self.containers.get_mut(i),
        }
    }

    pub(super) fn work_ref(&self, slot: Slot) -> Option<&Work> {
        match slot {
            Slot::Init(i) => self.init.get(i),
            Slot::App(i) => self.containers.get(i),
        }
    }

    pub(super) fn due(&self) -> Option<SimTime> {
        let deadline = self
            .active_deadline
            .filter(|_| !self.stopping() && !self.done());
        self.init
            .iter()
            .chain(&self.containers)
            .filter_map(|c| c.due)
            .chain(self.mount_error.as_ref().map(|m| m.1))
            .chain(self.resync.filter(|_| !self.stopping() && !self.done()))
            .chain(self.terminating)
            .chain(self.killing)
            .chain(deadline)
            .chain(self.probes.kills_due())
            .min()
    }

    /// Being deleted or killed: nothing starts or restarts.
    pub(super) fn stopping(&self) -> bool {
        self.terminating.is_some() || self.killing.is_some() || self.halted
    }

    /// Whether the kubelet has a reason to kill the pod now (see
    /// [`Kubelet::should_kill`]), cheaply, without the pod.
    pub(super) fn kill_due(&self, now: SimTime) -> bool {
        if self.stopping() {
            return false;
        }
        if self.done() {
            // Nothing is left to run: the sidecars are stopped (and not restarted).
            self.init
                .iter()
                .any(|c| c.sidecar && !matches!(c.phase, Phase::Idle))
        } else {
            self.active_deadline.is_some_and(|d| d <= now)
        }
    }

    /// Nothing more runs or restarts here but sidecars: an init container failed for
    /// good, or (restartPolicy Never, OnFailure) every app container is done.
    pub(super) fn done(&self) -> bool {
        self.failed || super::sidecars::apps_finished(self.restart_policy, &self.containers)
    }
}

/// Where [`Kubelet::terminate`] looks for pods being deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Every pod in the API server (a pod or node was written since the last look).
    Store,
    /// Only the pods it is already terminating: nothing was written since the last
    /// look at the store, so no other pod can have been marked.
    Known,
}

impl Kubelet {
    /// Brings every bound pod's containers up to `now`. Returns whether anything changed.
    pub fn sync(&mut self, api: &mut ApiServer, git: &mut Remotes, now: SimTime) -> bool {
        let mut changed = false;
        // Gone and newly bound pods can only be found after a pod or a node was written
        // (or a kubelet started or stopped): without one, both lookups are skipped.
        let writes = api.pod_and_node_writes();
        let rescan = self.scanned != Some(writes);
        self.scanned = Some(writes);
        // Pods gone from the API server: their containers and volumes go too. Only a
        // deletion makes one.
        let deletions = api.pod_deletions();
        let gone_scan = self.scanned_deletions != Some(deletions);
        self.scanned_deletions = Some(deletions);
        let gone: Vec<String> = if gone_scan {
            self.pods
                .iter()
                .filter(|(uid, w)| {
                    api.pods
                        .get(&w.namespace, &w.name)
                        .and_then(|p| p.metadata.uid.as_ref())
                        != Some(*uid)
                })
                .map(|(uid, _)| uid.clone())
                .collect()
        } else {
            Vec::new()
        };
        for uid in gone {
            self.pods.remove(&uid);
            for prefix in volumes::pod_prefixes(&uid) {
                self.fs.remove_prefix(&prefix);
            }
        }
        changed |= self.register(api, now);
        changed |= self.post_status_again(api, now);
        changed |= self.renew_leases(api, now);
        let scan = if rescan { Scan::Store } else { Scan::Known };
        changed |= self.terminate(api, git, now, scan);
        changed |= self.kill_pass(api, git, now);
        // A node's disk is made when the node first appears (a node write).
        for node in api.nodes.list().take_while(|_| rescan) {
            if let Some(name) = &node.metadata.name {
                if self.fs.tree(&volumes::node_tree(name)).is_none() {
                    volumes::ensure_node(&mut self.fs, name, now);
                }
            }
        }
        // Newly bound pods, then pods with a step due.
        let todo: Vec<(String, String, String)> = api
            .pods
            .list()
            .take_while(|_| rescan)
            .filter(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty())
                    && p.metadata
                        .uid
                        .as_ref()
                        .is_some_and(|uid| !self.pods.contains_key(uid))
                    && p.spec
                        .as_ref()
                        .and_then(|s| s.node_name.as_deref())
                        .is_some_and(|n| !self.is_stopped(n) && api.nodes.get("", n).is_some())
            })
            .map(|p| {
                (
                    p.metadata.uid.clone().unwrap_or_default(),
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default(),
                )
            })
            .collect();
        let due = self.pods.due_by(now);
        let probes = self.pods.probes_due_by(now);
        for (uid, ns, name) in todo {
            changed |= self.sync_pod(api, git, now, (uid, ns, name), None);
        }
        // The pods due (by uid) and the pods with probe workers due (by slot, in their
        // uids' order), merged by uid.
        let mut pods_due = due.into_iter().peekable();
        let mut probed = probes.pods.into_iter().peekable();
        let mut pending = probes.workers.as_slice();
        loop {
            let probed_uid = probed.peek().and_then(|(s, _)| self.pods.uid_at(*s));
            let order = match (pods_due.peek(), probed_uid) {
                (None, None) if probed.peek().is_none() => break,
                (Some(a), Some(b)) => a.as_str().cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, _) => std::cmp::Ordering::Greater,
            };
            let (uid, (slot, n)) = match order {
                std::cmp::Ordering::Less => (pods_due.next(), (None, 0)),
                std::cmp::Ordering::Equal => {
                    let p = probed.next().map_or((None, 0), |(s, n)| (Some(s), n));
                    (pods_due.next(), p)
                }
                std::cmp::Ordering::Greater => {
                    let p = probed.next().map_or((None, 0), |(s, n)| (Some(s), n));
                    (None, p)
                }
            };
            let (workers, rest) = pending.split_at(n.min(pending.len()));
            pending = rest;
            // A pod found by slot (its probes due) or by uid (its work due).
            let slot = match (slot, &uid) {
                (Some(s), _) => Some(s),
                (None, Some(uid)) => self.pods.slot(None, uid),
                (None, None) => None,
            };
            let pod_due = slot
                .and_then(|s| self.pods.at(s))
                .and_then(PodWork::due)
                .is_some_and(|t| t <= now);
            // Probe workers alone: a run that changes no result costs no pod sync.
            let version = match slot {
                Some(slot) if !pod_due && !workers.is_empty() => {
                    match self.probe_workers(api, git, now, slot, workers) {
                        Probed::Quiet => None,
                        Probed::Sync(v) => Some(Some(v)),
                        Probed::Unsure => Some(None),
                    }
                }
                _ => None,
            };
            if pod_due || workers.is_empty() || version.is_some() {
                let uid =
                    uid.or_else(|| slot.and_then(|s| self.pods.uid_at(s)).map(str::to_string));
                let names = slot
                    .and_then(|s| self.pods.at(s))
                    .map(|w| (w.namespace.clone(), w.name.clone()));
                if let (Some(uid), Some((ns, name))) = (uid, names) {
                    changed |= self.sync_pod(api, git, now, (uid, ns, name), version.flatten());
                }
            }
            // A worker not ticked (its pod is being deleted) stays due.
            for (at, wi) in workers {
                let still = slot
                    .and_then(|s| self.pods.at(s))
                    .and_then(|w| w.probes.workers.get(*wi))
                    .is_some_and(|w| w.next == Some(*at));
                if let (true, Some(slot)) = (still, slot) {
                    self.pods.push_probe(*at, slot, *wi);
                }
            }
        }
        // Containers that ended in these steps may let a stopping pod go on.
        if self
            .pods
            .any(|w| w.terminating.is_some() || w.killing.is_some())
        {
            // A pod deleted in these steps is found in the store.
            let scan = if api.pod_and_node_writes() == writes {
                Scan::Known
            } else {
                Scan::Store
            };
            changed |= self.terminate(api, git, now, scan);
            changed |= self.kill_pass(api, git, now);
        }
        changed |= self.post_images(api);
        self.pods.refresh();
        changed
    }

    /// One pod's sync: admitted if new, its volumes refreshed when due, every due
    /// container step, probe, hook and kill run in order, and its status written when
    /// something it shows changed. `version`: the probes' version before the prober's
    /// own pass over the pod (see [`Kubelet::probe_workers`]), to compare against.
    /// Returns whether the API server was written.
    fn sync_pod(
        &mut self,
        api: &mut ApiServer,
        git: &mut Remotes,
        now: SimTime,
        (uid, ns, name): (String, String, String),
        version: Option<u32>,
    ) -> bool {
        let mut changed = false;
        let Some(stored) = api.pods.get(&ns, &name) else {
            return changed;
        };
        let node = stored
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        let (pod_ns, pod_name) = (ns.clone(), name.clone());
        let mut ctx = Ctx {
            api: &mut *api,
            git: &mut *git,
            now,
            ns,
            pod: name,
            uid: uid.clone(),
            node,
            slot: None,
            stopped: None,
        };
        let phases = |w: &PodWork| -> Vec<(Phase, i32)> {
            w.init
                .iter()
                .chain(&w.containers)
                .map(|c| (c.phase.clone(), c.restarts))
                .collect()
        };
        let before: Option<(Vec<(Phase, i32)>, u32)> = self
            .pods
            .get(&uid)
            .map(|w| (phases(w), version.unwrap_or(w.probes.version)));
        // A copy of the pod, taken only when a step needs its spec: a sidecar
        // waking from `sleep` needs none.
        let mut pod: Option<Pod> = None;
        if before.is_none() {
            let Some(mut p) = ctx.api.pods.get(&pod_ns, &pod_name).cloned() else {
                return changed;
            };
            self.admit(&mut ctx, &mut p);
            pod = Some(p);
        }
        if self
            .pods
            .get(&uid)
            .is_some_and(|w| w.resync.is_some_and(|t| t <= now) && !w.stopping() && !w.done())
        {
            if pod.is_none() {
                pod = ctx.api.pods.get(&pod_ns, &pod_name).cloned();
            }
            if let Some(p) = pod.as_ref() {
                self.resync_volumes(&mut ctx, p);
            }
        }
        // Every due step, in order; bounded so a bug cannot spin forever.
        for _ in 0..1000 {
            let Some(work) = self.pods.get_mut(&uid) else {
                break;
            };
            let remount = work.mount_error.as_ref().is_some_and(|(_, at)| *at <= now);
            let slot = work
                .init
                .iter()
                .position(|c| c.due.is_some_and(|d| d <= now))
                .map(Slot::Init)
                .or_else(|| {
                    work.containers
                        .iter()
                        .position(|c| c.due.is_some_and(|d| d <= now))
                        .map(Slot::App)
                });
            if !remount && slot.is_none() {
                // Probes, hooks and kills due now (prober/, lifecycle.rs).
                if self.probe_step(&mut ctx) {
                    continue;
                }
                break;
            }
            let running = slot
                .and_then(|s| work.work(s))
                .is_some_and(|c| matches!(c.phase, Phase::Running { .. }) && !c.definition_changed);
            if let (Some(slot), true, false) = (slot, running, remount) {
                self.run_process(&mut ctx, slot);
                continue;
            }
            if self.is_stopped(&ctx.node) {
                // No kubelet: running containers go on, nothing else moves.
                break;
            }
            if pod.is_none() {
                pod = ctx.api.pods.get(&pod_ns, &pod_name).cloned();
            }
            let Some(p) = pod.as_ref() else { break };
            if remount {
                if let Some(work) = self.pods.get_mut(&uid) {
                    work.mount_error = None;
                }
                self.mount(&mut ctx, p);
            } else if let Some(slot) = slot {
                self.step(&mut ctx, p, slot);
            }
        }
        let mut killed = false;
        if self.pods.get(&uid).is_some_and(|w| w.kill_due(now)) && !self.is_stopped(&ctx.node) {
            if pod.is_none() {
                pod = ctx.api.pods.get(&pod_ns, &pod_name).cloned();
            }
            if let Some(p) = pod.as_ref() {
                killed = self.should_kill(&mut ctx, p);
                if let Some(deadline) = killed
                    .then(|| self.pods.get(&uid).and_then(|w| w.killing))
                    .flatten()
                {
                    if !self.stop_containers(&mut ctx, deadline, true) {
                        self.halted(&uid);
                    }
                }
            }
        }
        let Some(work) = self.pods.get(&uid) else {
            return changed;
        };
        if self.is_stopped(&work.node) {
            // Nobody posts this pod's status while its kubelet is down.
            return changed;
        }
        if !killed
            && before.as_ref() == Some(&(phases(work), work.probes.version))
            && work.mount_error.is_none()
        {
            // Only processes ran (a sidecar woke and slept again): nothing to report.
            return changed;
        }
        // The status manager writes the stored pod's status in place, from the copy's
        // status if this sync took one (admission set its IPs and start time there).
        let mut carried = pod.and_then(|p| p.status);
        changed |= ctx
            .api
            .write_pod(&pod_ns, &pod_name, &mut |pod| {
                if let Some(status) = carried.take() {
                    pod.status = Some(status);
                }
                write_status(pod, work, now);
            })
            .unwrap_or(false);
        changed
    }

    /// Pods marked for deletion: at first sight every running container is told to
    /// stop (a Killing event; servers exit, a shell as PID 1 ignores it and runs on),
    /// nothing starts or restarts any more, and at the grace period's end whatever still
    /// runs is killed (exit 137). Once nothing runs, the pod is removed from the API
    /// server. Returns whether anything changed.
    fn terminate(
        &mut self,
        api: &mut ApiServer,
        git: &mut Remotes,
        now: SimTime,
        scan: Scan,
    ) -> bool {
        // Only pods being deleted (most are not): their keys are cloned.
        let deleting_pod = |p: &Pod| {
            let deleted_at = SimTime::from_time(p.metadata.deletion_timestamp.as_ref()?);
            Some((
                p.metadata.uid.clone().unwrap_or_default(),
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
                deleted_at,
            ))
        };
        let deleting: Vec<(String, String, String, SimTime)> = match scan {
            Scan::Store => api.pods.list().filter_map(deleting_pod).collect(),
            Scan::Known => self
                .pods
                .iter()
                .filter(|(_, w)| w.terminating.is_some())
                .filter_map(|(uid, w)| {
                    let p = api.pods.get(&w.namespace, &w.name)?;
                    (p.metadata.uid.as_ref() == Some(uid)).then_some(p)
                })
                .filter_map(deleting_pod)
                .collect(),
        };
        let mut deleting = deleting;
        if scan == Scan::Known {
            // In the store's order, as a scan of the store finds them.
            crate::sort::sort_by(&mut deleting, |a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
        }
        let mut changed = false;
        for (uid, ns, name, deleted_at) in deleting {
            let node = api
                .pods
                .get(&ns, &name)
                .and_then(|p| p.spec.as_ref())
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let mut ctx = Ctx {
                api: &mut *api,
                git: &mut *git,
                now,
                ns: ns.clone(),
                pod: name.clone(),
                uid: uid.clone(),
                node,
                slot: None,
                stopped: None,
            };
            if self.is_stopped(&ctx.node) {
                // The kubelet is down: the pod stays Terminating until it is back.
                continue;
            }
            if !self.pods.contains_key(&uid) && ctx.api.nodes.get("", &ctx.node).is_none() {
                // No such node, so no kubelet: the pod garbage collector removes it.
                continue;
            }
            let Some(work) = self.pods.get_mut(&uid) else {
                // Never started here: nothing to stop.
                let _ = ctx.api.delete_pod(&ns, &name);
                changed = true;
                continue;
            };
            // A later DELETE may shorten the grace period, never lengthen it.
            let first_sight = work.terminating.is_none();
            // The runtime gives a container at least 2 s from when it is told to stop.
            let asked = deleted_at.max(now.plus_ms(super::termination::MIN_GRACE_MS));
            let deadline = work.terminating.map_or(asked, |d| d.min(asked));
            work.terminating = Some(deadline);
            let running = self.stop_containers(&mut ctx, deadline, first_sight);
            let Some(work) = self.pods.get(&uid) else {
                continue;
            };
            if !running {
                // The status manager's last write (the containers terminated, READY
                // 0/1, the terminal phase), then the pod leaves the store.
                self.halted(&uid);
                let Some(work) = self.pods.get(&uid) else {
                    continue;
                };
                let _ = ctx
                    .api
                    .write_pod(&ns, &name, &mut |pod| write_status(pod, work, now));
                let _ = ctx.api.delete_pod(&ns, &name);
                changed = true;
            } else if first_sight || now >= deadline {
                if let Some(mut pod) = ctx.api.pods.get(&ns, &name).cloned() {
                    write_status(&mut pod, work, now);
                    let _ = ctx.api.update_pod(pod);
                    changed = true;
                }
            }
        }
        changed
    }

    /// A pod newly bound to this node: IP, start time, volumes, the first container.
    fn admit(&mut self, ctx: &mut Ctx<'_>, pod: &mut Pod) {
        let node = ctx.api.nodes.get("", &ctx.node);
        let host_ip = node
            .and_then(|n| n.status.as_ref())
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone());
        let cidr = node
            .and_then(|n| n.spec.as_ref())
            .and_then(|s| s.pod_cidr.clone());
        let host = {
            let node = self
                .nodes
                .get_or_insert_with(ctx.node.clone(), Default::default);
            let last = node.next_ip.get_or_insert(1);
            *last += 1;
            *last
        };
        let pod_ip = cidr.and_then(|c| {
            let base = c.split('/').next()?.rsplit_once('.')?.0.to_string();
            Some(format!("{base}.{host}"))
        });
        // The containers' work records, read from the spec before the status is written.
        let (init, containers, restart_policy) = match pod.spec.as_ref() {
            Some(spec) => (
                spec.init_containers
                    .iter()
                    .flatten()
                    .map(Work::new)
                    .collect(),
                spec.containers.iter().map(Work::new).collect(),
                RestartPolicy::of(spec),
            ),
            None => (Vec::new(), Vec::new(), RestartPolicy::default()),
        };
        let status = pod.status.get_or_insert_with(Default::default);
        status.host_ip = host_ip.clone();
        status.host_ips = host_ip.map(|ip| vec![k8s_openapi::api::core::v1::HostIP { ip }]);
        status.pod_ip = pod_ip.clone();
        status.pod_ips = pod_ip.map(|ip| vec![PodIP { ip }]);
        status.start_time = Some(ctx.now.to_time());
        let active_deadline = super::termination::active_deadline(pod, ctx.now);
        self.pods.insert(
            ctx.uid.clone(),
            PodWork {
                terminating: None,
                killing: None,
                halted: false,
                active_deadline,
                deadline_exceeded: false,
                probes: PodProbes::of(
                    pod,
                    ctx.now,
                    self.nodes.get(&ctx.node).and_then(|n| n.started),
                ),
                resync: None,
                namespace: ctx.ns.clone(),
                name: ctx.pod.clone(),
                node: ctx.node.clone(),
                init,
                containers,
                volumes: Keyed::new(),
                mount_error: None,
                failed: false,
                pod_ip: pod
                    .status
                    .as_ref()
                    .and_then(|s| s.pod_ip.clone())
                    .unwrap_or_default(),
                restart_policy,
            },
        );
        self.mount(ctx, pod);
    }

    /// Sets up the volumes; on success the first container (init or app) may start.
    fn mount(&mut self, ctx: &mut Ctx<'_>, pod: &Pod) {
        match volumes::setup(&mut self.fs, ctx.api, pod, &ctx.uid, &ctx.node, ctx.now) {
            Ok(vols) => {
                let Some(work) = self.pods.get_mut(&ctx.uid) else {
                    return;
                };
                if volumes::follows_objects(pod) {
                    work.resync = Some(ctx.now.plus_ms(RESYNC_MS));
                }
                work.volumes = vols;
                self.progress_init(&ctx.uid, ctx.now);
            }
            Err(e) => {
                let message = e.to_string();
                ctx.event("FailedMount", message.clone(), true, None);
                if let Some(work) = self.pods.get_mut(&ctx.uid) {
                    work.mount_error = Some((message, ctx.now.plus_ms(MOUNT_RETRY_MS)));
                }
            }
        }
    }

    /// The periodic sync's volume refresh: new contents of ConfigMaps and Secrets reach
    /// the mounted files; a source gone is a FailedMount, its files kept.
    fn resync_volumes(&mut self, ctx: &mut Ctx<'_>, pod: &Pod) {
        if let Err(e) = volumes::refresh(&mut self.fs, ctx.api, pod, &ctx.uid, ctx.now) {
            ctx.event("FailedMount", e.to_string(), true, None);
        }
        if let Some(work) = self.pods.get_mut(&ctx.uid) {
            work.resync = Some(ctx.now.plus_ms(RESYNC_MS));
        }
    }

    /// A user changed a pod's spec (`kubectl apply`): containers whose image changed are
    /// replaced (a running one is stopped first), as the kubelet does when a container's
    /// definition hash changes.
    pub fn spec_updated(&mut self, pod: &Pod, now: SimTime) {
        let Some(uid) = pod.metadata.uid.as_deref() else {
            return;
        };
        let Some(work) = self.pods.get_mut(uid) else {
            return;
        };
        let Some(spec) = pod.spec.as_ref() else {
            return;
        };
        let pairs = work
            .init
            .iter_mut()
            .zip(spec.init_containers.iter().flatten())
            .chain(work.containers.iter_mut().zip(&spec.containers));
        for (w, c) in pairs {
            let image = c.image.clone().unwrap_or_default();
            if w.image != image {
                w.image = image;
                // Not started yet: it simply starts with the new image.
                if !matches!(w.phase, Phase::Idle) {
                    w.definition_changed = true;
                    w.due = Some(now);
                }
            }
        }
    }
}
