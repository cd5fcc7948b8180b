//! The cluster: owns the API server, the scheduler, the kubelets and the simulated clock.
//! Front ends (the web app, the CLI) talk to this API only.

pub(crate) mod default_nodes;
mod scheduling;

use crate::apiserver::{ApiError, ApiServer, EventRecord, PodDeletion, WatchEvent};
use crate::clock::SimTime;
use crate::controllers::cronjob::CronJobController;
use crate::controllers::daemonset::DaemonSetController;
use crate::controllers::deployment::DeploymentController;
use crate::controllers::disruption::DisruptionController;
use crate::controllers::endpoints::EndpointsController;
use crate::controllers::endpointslice::EndpointSliceController;
use crate::controllers::garbagecollector::GarbageCollector;
use crate::controllers::job::JobController;
use crate::controllers::local_path_provisioner::LocalPathProvisioner;
use crate::controllers::namespace::NamespaceController;
use crate::controllers::node_ipam::NodeIpam;
use crate::controllers::node_lifecycle::NodeLifecycle;
use crate::controllers::persistentvolume::PersistentVolumeController;
use crate::controllers::podgc::PodGc;
use crate::controllers::pv_protection::PvProtectionController;
use crate::controllers::pvc_protection::PvcProtectionController;
use crate::controllers::replicaset::ReplicaSetController;
use crate::controllers::root_ca_cert_publisher::RootCaCertPublisher;
use crate::controllers::serviceaccounts::ServiceAccountsController;
use crate::controllers::statefulset::StatefulSetController;
use crate::controllers::taint_eviction::TaintEviction;
use crate::controllers::volume_expand::ExpandController;
use crate::controllers::{Controller, ControllerContext, Progress};
use crate::git::Remotes;
use crate::keyed::Keyed;
use crate::kubelet::exec::ExecError;
use crate::kubelet::{Kubelet, LogLine, Origin};
use crate::manifest::{self, Diagnostic, Location, Validation};
use crate::model::{Node, Object, Pod, PodCondition};
use crate::net::{HttpRequest, HttpResponse, NetError};
use crate::scheduler::framework::ClusterEvent;
use crate::scheduler::queue::{NodeEvent, QueuedPod, SchedulingQueue};
use crate::scheduler::{self, Decision, Scheduler, SCHEDULER_NAME};
use std::collections::BTreeMap;

pub use default_nodes::default_nodes;

/// How many controllers the cluster runs ([`Cluster::controllers`]), and how many of
/// them run before the scheduler in a settle pass (node IPAM, the
/// serviceaccounts-controller and the root-ca-cert-publisher: a new namespace has its
/// `default` account and its `kube-root-ca.crt` before anything else runs).
const CONTROLLERS: usize = 22;
const CONTROLLERS_BEFORE_SCHEDULER: usize = 3;

/// What happened to one object of an applied manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub location: Location,
    /// `pod`, `node`, ... (kubectl's short resource name in `pod/nginx created`).
    pub resource: &'static str,
    pub name: String,
    pub result: Result<(), ApiError>,
}

impl Applied {
    /// kubectl's line for this object: `pod/nginx created`, or the error.
    pub fn message(&self) -> String {
        match &self.result {
            Ok(()) => format!("{}/{} created", self.resource, self.name),
            Err(e) => e.kubectl_line_when(&format!("error when creating {:?}", self.location.file)),
        }
    }
}

/// kubectl's lower-case kind in `pod/nginx created` (`lease.coordination.k8s.io`
/// outside the core group).
pub fn singular(object: &Object) -> &'static str {
    object.info().name_prefix
}

/// Why a whole manifest was refused before anything was created.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRejected {
    pub diagnostics: Vec<Diagnostic>,
}

/// Version of the snapshot format written by [`Cluster::snapshot`].
pub const SNAPSHOT_VERSION: u32 = 3;

/// Why a snapshot could not be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON, or not a Podlab snapshot (the message says where it broke).
    Corrupt(String),
    /// Written by a different version of the format.
    Version { found: u32, supported: u32 },
    /// Holds what no cluster could have (the message names it): refused rather than
    /// shown as it is.
    Inconsistent(crate::apiserver::Inconsistency),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotError::Corrupt(m) => write!(f, "the saved cluster cannot be read: {m}"),
            SnapshotError::Version { found, supported } => write!(
                f,
                "the saved cluster has format version {found}; this Podlab reads version {supported}"
            ),
            SnapshotError::Inconsistent(m) => write!(f, "the saved cluster is inconsistent: {m}"),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    pub(crate) api: ApiServer,
    scheduler: Scheduler,
    pub(crate) kubelet: Kubelet,
    /// Git remotes outside the cluster (what sidecars clone and pull).
    pub(crate) git: Remotes,
    pub(crate) now: SimTime,
    /// The latest scheduling decision per pod (`namespace/name`).
    decisions: Keyed<String, Decision>,
    /// The scheduler's queue of pods waiting for a node.
    #[serde(default)]
    queue: SchedulingQueue,
    /// The API server keeps the `kubernetes` Service (recreated when deleted).
    #[serde(default)]
    bootstrap_service: bool,
    #[serde(default)]
    taint_eviction: TaintEviction,
    /// Written only while it has orphaned pods in quarantine (older snapshots have none).
    #[serde(default, skip_serializing_if = "PodGc::is_idle")]
    pod_gc: PodGc,
    /// Stateless controllers, and the node lifecycle controller whose only state (when
    /// it is next due) every sync works out again.
    #[serde(skip)]
    node_ipam: NodeIpam,
    /// The endpoints controllers keep their trigger-time trackers (older snapshots have
    /// none).
    #[serde(default, skip_serializing_if = "EndpointsController::is_idle")]
    endpoints: EndpointsController,
    #[serde(default, skip_serializing_if = "EndpointSliceController::is_idle")]
    endpoint_slices: EndpointSliceController,
    #[serde(skip)]
    node_lifecycle: NodeLifecycle,
    #[serde(skip)]
    namespace: NamespaceController,
    /// Its only state (when a pod next becomes available) every sync works out again.
    /// Its only state (when a rollout's deadline next runs out) every sync works out
    /// again.
    /// The cronjob controller's memory of declined start times (older snapshots have
    /// none); its and the job controller's timers every sync works out again.
    #[serde(default, skip_serializing_if = "CronJobController::is_idle")]
    cron_jobs: CronJobController,
    #[serde(skip)]
    jobs: JobController,
    #[serde(skip)]
    deployments: DeploymentController,
    #[serde(skip)]
    replica_sets: ReplicaSetController,
    /// Its failed pods' back-offs (older snapshots have none).
    #[serde(default, skip_serializing_if = "DaemonSetController::is_idle")]
    daemon_sets: DaemonSetController,
    #[serde(skip)]
    stateful_sets: StatefulSetController,
    #[serde(skip)]
    garbage_collector: GarbageCollector,
    #[serde(skip)]
    service_accounts: ServiceAccountsController,
    #[serde(skip)]
    root_ca_cert_publisher: RootCaCertPublisher,
    #[serde(skip)]
    persistent_volumes: PersistentVolumeController,
    /// The kind cluster's local-path-provisioner (what it deleted is removed from the
    /// nodes' disks in the same settle pass).
    #[serde(skip)]
    local_path_provisioner: LocalPathProvisioner,
    #[serde(skip)]
    pvc_protection: PvcProtectionController,
    #[serde(skip)]
    pv_protection: PvProtectionController,
    /// Written only while a claim waits to be expanded (older snapshots have none).
    #[serde(default, skip_serializing_if = "ExpandController::is_idle")]
    volume_expand: ExpandController,
    #[serde(skip)]
    disruption: DisruptionController,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Snapshot<C> {
    #[serde(rename = "podlabSnapshot")]
    version: u32,
    cluster: C,
}

impl Cluster {
    /// An empty cluster (no nodes), seeded.
    pub fn empty(seed: u64) -> Cluster {
        Cluster {
            api: ApiServer::new(seed, SimTime(0)),
            scheduler: Scheduler::new(seed),
            kubelet: Kubelet::default(),
            git: Remotes::default(),
            now: SimTime(0),
            decisions: Keyed::new(),
            queue: SchedulingQueue::default(),
            bootstrap_service: false,
            taint_eviction: Default::default(),
            pod_gc: Default::default(),
            node_ipam: NodeIpam,
            endpoints: Default::default(),
            endpoint_slices: Default::default(),
            node_lifecycle: Default::default(),
            namespace: NamespaceController,
            cron_jobs: Default::default(),
            jobs: Default::default(),
            deployments: Default::default(),
            replica_sets: Default::default(),
            daemon_sets: Default::default(),
            stateful_sets: Default::default(),
            garbage_collector: GarbageCollector::default(),
            service_accounts: ServiceAccountsController,
            root_ca_cert_publisher: RootCaCertPublisher,
            persistent_volumes: Default::default(),
            local_path_provisioner: Default::default(),
            pvc_protection: PvcProtectionController,
            pv_protection: PvProtectionController,
            volume_expand: Default::default(),
            disruption: DisruptionController,
        }
    }

    /// The chapter's cluster: k8s-master-01 (control plane, tainted NoSchedule),
    /// k8s-worker-01 and k8s-worker-02.
    pub fn with_default_nodes(seed: u64) -> Cluster {
        let mut c = Cluster::empty(seed);
        for node in default_nodes() {
            // Fixed, valid nodes: creation cannot fail.
            let _ = c.api.create_node(node, SimTime(0));
        }
        c.bootstrap_service = true;
        default_nodes::create_kubernetes_service(&mut c.api, SimTime(0));
        default_nodes::create_default_storage_class(&mut c.api, SimTime(0));
        c.settle();
        c
    }

    /// The whole cluster as JSON: objects, clock, component state, random streams.
    /// Restoring it gives a cluster that behaves identically from here on.
    pub fn snapshot(&self) -> String {
        // Through serde_json::Value, the serializer `kubectl -o json` already uses: the
        // wasm bundle then carries one copy of every object type's serialization.
        serde_json::to_value(Snapshot {
            version: SNAPSHOT_VERSION,
            cluster: self,
        })
        .map(|v| v.to_string())
        .unwrap_or_default()
    }

    /// Restores a cluster from [`Cluster::snapshot`] output.
    pub fn restore(text: &str) -> Result<Cluster, SnapshotError> {
        #[derive(serde::Deserialize)]
        struct Header {
            #[serde(rename = "podlabSnapshot")]
            version: u32,
        }
        let header: Header =
            serde_json::from_str(text).map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        if header.version != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version {
                found: header.version,
                supported: SNAPSHOT_VERSION,
            });
        }
        // Through a Value and the deserializer manifest decoding uses
        // ([`crate::model::de`], shared code in the wasm bundle); errors name the path of
        // the bad field.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        let mut snap: Snapshot<Cluster> = crate::model::de::from_value(&value)
            .map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        // Counters never go back: one below what the saved objects already use (edited
        // by hand, or from a broken save) is raised to it, as is a clock behind the
        // objects' own timestamps; what cannot be repaired is refused.
        let c = &mut snap.cluster;
        c.api
            .check_restored()
            .map_err(SnapshotError::Inconsistent)?;
        c.kubelet.raise_ip_counters(&c.api);
        let now = c.now.max(c.api.latest_timestamp());
        c.api.create_system_priority_classes(now);
        snap.cluster.set_now(now);
        // The control loops run on the restored objects as on any change: they repair
        // what the saved cluster left undone (a pod bound to a node that is gone goes
        // to the pod garbage collector) and work out when they are next due.
        snap.cluster.settle();
        Ok(snap.cluster)
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Starts a watch of `resource` (`pods`, `nodes`, ...): the API server's watch
    /// cache keeps its changes from now on; the watch reads those after the returned
    /// sequence number ([`ApiServer::watch_cache`]).
    pub fn watch(&mut self, resource: &'static str) -> u64 {
        self.api.watch(resource)
    }

    /// Carries `before`'s watches over to this cluster, a later state of it read back
    /// from its saved form (a front end following a command picks up what another
    /// program changed): see [`ApiServer::adopt_watches`].
    pub fn adopt_watches(&mut self, before: &Cluster) {
        self.api.adopt_watches(&before.api);
    }

    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.api.nodes.list()
    }

    pub fn pods(&self) -> impl Iterator<Item = &Pod> {
        self.api.pods.list()
    }

    /// The git remotes outside the cluster.
    pub fn git(&self) -> &Remotes {
        &self.git
    }

    /// Changes to git remotes (init, put, commit) from outside the cluster.
    pub fn git_mut(&mut self) -> &mut Remotes {
        &mut self.git
    }

    /// Every node disk, container root and volume.
    pub fn filesystems(&self) -> &crate::fs::Filesystems {
        &self.kubelet.fs
    }

    /// An HTTP GET from outside the cluster (the browser tab, `podlab curl`).
    pub fn http_get(&mut self, url: &str) -> Result<HttpResponse, NetError> {
        self.http_get_from(Origin::Outside, url)
    }

    /// An HTTP request from outside the cluster (`podlab curl`).
    pub fn http_from_outside(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.kubelet
            .request(&self.api, &Origin::Outside, req, self.now)
    }

    /// An HTTP GET from a node's own network (`curl URL` in its shell): pod IPs answer
    /// there, as they do not from outside the cluster.
    pub fn http_get_from_node(&mut self, node: &str, url: &str) -> Result<HttpResponse, NetError> {
        self.http_get_from(Origin::Node(node.to_string()), url)
    }

    /// A browser's HTTP GET of `url` from `origin` (`kubectl port-forward`'s: inside
    /// the pod, to its localhost).
    pub(crate) fn http_get_from(
        &mut self,
        origin: Origin,
        url: &str,
    ) -> Result<HttpResponse, NetError> {
        let u = crate::net::parse_url(url)?;
        let req = HttpRequest {
            method: "GET".into(),
            host: u.host,
            port: u.port,
            path: u.path,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36".into(),
        };
        self.kubelet.request(&self.api, &origin, &req, self.now)
    }

    /// The kubelet's probes of a pod, per container and probe: the last result, the
    /// consecutive successes and failures, the result acted on and the next run (empty
    /// when the pod has no probes or is not running on a node).
    pub fn probe_status(&self, namespace: &str, pod: &str) -> Vec<crate::kubelet::ProbeStatus> {
        let Some(uid) = self
            .api
            .pods
            .get(namespace, pod)
            .and_then(|p| p.metadata.uid.clone())
        else {
            return Vec::new();
        };
        self.kubelet.probe_status(&uid)
    }

    /// A container's log lines (current run, or the previous one).
    pub fn logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Option<&[LogLine]> {
        let uid = self.api.pods.get(namespace, pod)?.metadata.uid.clone()?;
        self.kubelet.logs(&uid, container, previous)
    }

    /// The environment a container was started with, as resolved by the kubelet (image
    /// variables, Service variables, `$(VAR)`, fieldRef and resourceFieldRef), or None
    /// before it has started.
    pub fn environment(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Option<&std::collections::BTreeMap<String, String>> {
        let uid = self.api.pods.get(namespace, pod)?.metadata.uid.clone()?;
        self.kubelet.environment(&uid, container)
    }

    /// The files a configMap, secret, downwardAPI or projected volume of a pod holds
    /// now on its node (as the kubelet last wrote them), in path order; None for
    /// another kind of volume or one not set up yet.
    pub fn volume_files(
        &self,
        namespace: &str,
        pod: &str,
        volume: &str,
    ) -> Option<Vec<crate::kubelet::volumes::VolumeFile>> {
        let uid = self.api.pods.get(namespace, pod)?.metadata.uid.clone()?;
        crate::kubelet::volumes::files(&self.kubelet.fs, &uid, volume)
    }

    /// When a CronJob's schedule next comes, on the simulated clock (the cronjob
    /// controller's timer); None when its schedule or time zone is invalid or no time
    /// comes within five years.
    pub fn next_schedule_time(&self, namespace: &str, name: &str) -> Option<SimTime> {
        let cj = self.api.cron_jobs.get(namespace, name)?;
        crate::controllers::cronjob::next_schedule_time(cj, self.now)
    }

    /// Runs a command in a running container (`kubectl exec`), with `stdin` piped to it:
    /// output chunks and the exit code, or the runtime's error.
    pub fn exec(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        argv: Vec<String>,
        stdin: Option<Vec<u8>>,
    ) -> Result<(crate::shell::Chunks, i32), ExecError> {
        let uid = self.pod_uid(namespace, pod)?;
        let r = self.kubelet.exec(
            &self.api,
            &mut self.git,
            self.now,
            &uid,
            container,
            argv,
            stdin,
        );
        self.settle();
        r
    }

    /// Starts an interactive shell in a running container (`kubectl exec -it POD --
    /// sh`); lines typed into it go to [`Cluster::exec_line`].
    pub fn exec_session(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        argv: &[String],
        tty: bool,
    ) -> Result<crate::kubelet::exec::ExecSession, ExecError> {
        let uid = self.pod_uid(namespace, pod)?;
        self.kubelet.exec_session(&uid, container, argv, tty)
    }

    /// Runs one line typed into an exec session; what it printed.
    pub fn exec_line(
        &mut self,
        session: &mut crate::kubelet::exec::ExecSession,
        line: &str,
    ) -> crate::shell::Chunks {
        let out = self
            .kubelet
            .exec_line(&self.api, &mut self.git, self.now, session, line);
        self.settle();
        out
    }

    fn pod_uid(&self, namespace: &str, pod: &str) -> Result<String, ExecError> {
        self.api
            .pods
            .get(namespace, pod)
            .and_then(|p| p.metadata.uid.clone())
            .ok_or_else(|| ExecError::NoSuchPod(pod.to_string()))
    }

    /// The latest scheduling decision for a pod (`namespace/name`).
    pub fn decision(&self, pod: &str) -> Option<&Decision> {
        self.decisions.get(pod)
    }

    /// How the scheduler picks the nodes it evaluates for a pod.
    pub fn sampling(&self) -> scheduler::Sampling {
        self.scheduler.sampling
    }

    /// Switches between kube-scheduler's adaptive sampling (`percentageOfNodesToScore`:
    /// in clusters over 100 nodes it stops once it has found enough feasible nodes) and
    /// evaluating every node, for decision records that explain every node (the UI's
    /// "Evaluate every node"). It applies from the next scheduling attempt on.
    pub fn set_sampling(&mut self, sampling: scheduler::Sampling) {
        self.scheduler.sampling = sampling;
    }

    /// The scheduler's KubeSchedulerConfiguration; `None` while it runs
    /// kube-scheduler's defaults (the one profile, `default-scheduler`).
    pub fn scheduler_configuration(&self) -> Option<&scheduler::config::SchedulerConfiguration> {
        self.scheduler.configuration()
    }

    /// The scheduler's profiles, in the configuration's order.
    pub fn scheduler_profiles(&self) -> &[scheduler::Profile] {
        self.scheduler.profiles()
    }

    /// Runs the scheduler with `config` from now on (`None`: kube-scheduler's
    /// defaults), as restarting kube-scheduler with it would: pending pods naming one
    /// of its profiles are scheduled by that profile; pods naming no profile wait.
    pub fn set_scheduler_configuration(
        &mut self,
        config: Option<scheduler::config::SchedulerConfiguration>,
    ) {
        self.scheduler.configure(config);
        self.settle();
    }

    /// Decodes `text` (named `file` in messages) and creates every object in it, as
    /// `kubectl create -f` does. A manifest that does not decode creates nothing.
    pub fn create_from_text(
        &mut self,
        file: &str,
        text: &str,
    ) -> Result<Vec<Applied>, ManifestRejected> {
        let decoded = manifest::decode(file, text, Validation::Strict)
            .map_err(|diagnostics| ManifestRejected { diagnostics })?;
        let mut out = Vec::new();
        for m in decoded.manifests {
            let name = m.object.metadata().name.clone().unwrap_or_default();
            let resource = singular(&m.object);
            let result = self.admit(m.object).map(|_| ());
            out.push(Applied {
                location: m.location,
                resource,
                name,
                result,
            });
        }
        self.settle();
        Ok(out)
    }

    /// Whether a node's kubelet runs, and since when.
    pub fn kubelet_state(&self, node: &str) -> (bool, SimTime) {
        self.kubelet.service_state(node)
    }

    /// Starts or stops a node's kubelet (`systemctl start|stop kubelet` on the node).
    /// A stopped kubelet posts nothing: after the node monitor grace period the node goes
    /// NotReady (Unknown) and is tainted unreachable, and its pods leave after their
    /// tolerations' 300 s. Returns false for a node that does not exist.
    pub fn set_kubelet_running(&mut self, node: &str, running: bool) -> bool {
        if self.api.nodes.get("", node).is_none() {
            return false;
        }
        if self.kubelet.set_running(node, running, self.now) {
            self.settle();
        }
        true
    }

    /// A user's update of an existing object (`kubectl apply`): validated as the API
    /// server validates updates; a pod's new images make its kubelet replace those
    /// containers.
    pub fn update(&mut self, object: Object) -> Result<Object, ApiError> {
        let updated = self.api.update_object(object)?;
        if let Object::Pod(pod) = &updated {
            self.kubelet.spec_updated(pod, self.now);
        }
        self.settle();
        Ok(updated)
    }

    /// Creates one object, as the API server stores it, and lets the controllers react.
    pub fn create(&mut self, object: Object) -> Result<Object, ApiError> {
        let created = self.admit(object)?;
        self.settle();
        Ok(created)
    }

    /// A TokenRequest for a service account (`kubectl create token`): the token.
    pub fn create_token(
        &mut self,
        namespace: &str,
        name: &str,
        audiences: &[String],
        lifetime: i64,
    ) -> Result<String, ApiError> {
        self.api
            .create_token(namespace, name, audiences, lifetime, self.now)
    }

    /// Server-side dry run: the object as the API server would store it (defaults,
    /// validation, uid, timestamps), without storing it.
    pub fn dry_run_create(&self, object: Object) -> Result<Object, ApiError> {
        let mut api = self.api.clone();
        Self::admit_into(&mut api, object, self.now)
    }

    /// Server-side dry run of an update: the object as the API server would store it,
    /// without storing it.
    pub fn dry_run_update(&self, object: Object) -> Result<Object, ApiError> {
        let mut api = self.api.clone();
        api.update_object(object)
    }

    fn admit(&mut self, object: Object) -> Result<Object, ApiError> {
        Self::admit_into(&mut self.api, object, self.now)
    }

    fn admit_into(api: &mut ApiServer, object: Object, now: SimTime) -> Result<Object, ApiError> {
        api.create_object(object, now)
    }

    /// A pod DELETE (`kubectl delete`, the UI's Delete). A running pod is marked
    /// Terminating and its kubelet stops it within the grace period (`None`: the pod's
    /// terminationGracePeriodSeconds) before it goes; a grace of 0, or a pod not on a
    /// node or already finished, goes at once.
    pub fn delete_pod(
        &mut self,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<PodDeletion, ApiError> {
        let deletion = self
            .api
            .delete_pod_gracefully(namespace, name, grace, self.now)?;
        self.settle();
        Ok(deletion)
    }

    /// An eviction (`POST pods/NAME/eviction`, as `kubectl drain` makes): refused with
    /// TooManyRequests while the pod's disruption budget allows no disruption.
    pub fn evict_pod(
        &mut self,
        namespace: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<PodDeletion, ApiError> {
        let eviction = self.api.evict_pod(namespace, name, grace, self.now)?;
        self.settle();
        Ok(eviction)
    }

    /// A namespace DELETE (`kubectl delete namespace`): the namespace goes Terminating
    /// and the namespace controller empties it, then removes it.
    pub fn delete_namespace(&mut self, name: &str) -> Result<(), ApiError> {
        self.api.delete_namespace(name, self.now)?;
        self.settle();
        Ok(())
    }

    pub fn delete_service(&mut self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.api.delete_service(namespace, name)?;
        self.settle();
        Ok(())
    }

    /// A DELETE of an object of a kind with nothing of its own to finish before it
    /// goes (a Deployment, a ReplicaSet), by resource (`deployments`), with what is to
    /// become of its dependents (the garbage collector's work).
    pub fn delete_object(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        policy: crate::apiserver::Propagation,
    ) -> Result<(), ApiError> {
        self.api
            .delete_propagating(resource, namespace, name, policy, self.now)?;
        self.settle();
        Ok(())
    }

    /// An EndpointSlice DELETE: the EndpointSlice controller makes a Service's slices
    /// again (under new names).
    pub fn delete_endpoint_slice(&mut self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.api.delete_endpoint_slice(namespace, name)?;
        self.settle();
        Ok(())
    }

    /// Sets an object's labels (`kubectl label`); a node's new labels can make pending
    /// pods schedulable.
    pub fn set_labels(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        self.api.set_labels(kind, namespace, name, labels)?;
        self.settle();
        Ok(())
    }

    /// Sets an object's annotations (`kubectl annotate`).
    pub fn set_annotations(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        self.api.set_meta_map(
            kind,
            namespace,
            name,
            crate::apiserver::MetaMap::Annotations,
            annotations,
        )?;
        self.settle();
        Ok(())
    }

    /// Replaces a node (taints, unschedulable, labels); pending pods may now fit.
    pub fn update_node(&mut self, node: Node) -> Result<(), ApiError> {
        self.api.update_node(node)?;
        self.settle();
        Ok(())
    }

    /// Moves simulated time forward by `ms`, running everything that falls due on the way.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now.plus_ms(ms);
        loop {
            self.settle();
            let next = self.next_event_time();
            // Renewals due before the next event (those due with it come in its settle
            // pass), or up to the target.
            let until = match next {
                Some(t) if t <= target && t > self.now => SimTime(t.0 - 1),
                _ => target,
            };
            self.renew_leases_through(until);
            match next {
                Some(t) if t <= target && t > self.now => self.set_now(t),
                Some(t) if t <= self.now => {
                    // Overdue: settle again once the clock is at the target.
                    self.set_now(target);
                    self.settle();
                    return;
                }
                // Nothing is due until after the target: the cluster stays as settled.
                _ => break,
            }
        }
        self.set_now(target);
    }

    /// The kubelets' lease renewals due up to `until`, each at its own instant. Nothing
    /// else in the cluster follows leases, so a renewal needs no settle pass: a long
    /// quiet stretch of time costs one lease update per node per 10 s, not a pass of
    /// every control loop.
    fn renew_leases_through(&mut self, until: SimTime) {
        while let Some(due) = self.kubelet.next_lease_renewal(&self.api) {
            if due > until {
                break;
            }
            if due > self.now {
                self.set_now(due);
            }
            let renewed = self.kubelet.renew_leases(&mut self.api, self.now);
            // The renewals' watch events (nothing here acts on them) go at once.
            self.observe();
            if !renewed {
                break;
            }
        }
    }

    fn set_now(&mut self, now: SimTime) {
        self.now = now;
        self.api.set_time(now);
    }

    /// The earliest time something is scheduled to happen, if anything is: a kubelet's
    /// container step, a pod's scheduling back-off running out, a controller's timer.
    pub fn next_event_time(&self) -> Option<SimTime> {
        [self.kubelet.next_due(), self.queue.next_due()]
            .into_iter()
            .chain(self.controllers().iter().map(|c| c.next_due()))
            .flatten()
            .min()
    }

    /// kube-controller-manager's controllers, in the order a settle pass runs them (the
    /// first [`CONTROLLERS_BEFORE_SCHEDULER`] before the scheduler and the kubelets).
    fn controllers(&self) -> [&dyn Controller; CONTROLLERS] {
        [
            &self.node_ipam,
            &self.service_accounts,
            &self.root_ca_cert_publisher,
            &self.cron_jobs,
            &self.jobs,
            &self.deployments,
            &self.replica_sets,
            &self.daemon_sets,
            &self.stateful_sets,
            &self.endpoints,
            &self.endpoint_slices,
            &self.node_lifecycle,
            &self.taint_eviction,
            &self.namespace,
            &self.persistent_volumes,
            &self.local_path_provisioner,
            &self.pvc_protection,
            &self.pv_protection,
            &self.volume_expand,
            &self.pod_gc,
            &self.garbage_collector,
            &self.disruption,
        ]
    }

    /// Runs the controllers `which` (positions in [`Cluster::controllers`]' order; the
    /// same controllers, mutably).
    fn run_controllers(&mut self, which: std::ops::Range<usize>) -> Progress {
        let mut ctx = ControllerContext {
            api: &mut self.api,
            now: self.now,
            silent_kubelets: self.kubelet.stopped_nodes(),
        };
        let controllers: [&mut dyn Controller; CONTROLLERS] = [
            &mut self.node_ipam,
            &mut self.service_accounts,
            &mut self.root_ca_cert_publisher,
            &mut self.cron_jobs,
            &mut self.jobs,
            &mut self.deployments,
            &mut self.replica_sets,
            &mut self.daemon_sets,
            &mut self.stateful_sets,
            &mut self.endpoints,
            &mut self.endpoint_slices,
            &mut self.node_lifecycle,
            &mut self.taint_eviction,
            &mut self.namespace,
            &mut self.persistent_volumes,
            &mut self.local_path_provisioner,
            &mut self.pvc_protection,
            &mut self.pv_protection,
            &mut self.volume_expand,
            &mut self.pod_gc,
            &mut self.garbage_collector,
            &mut self.disruption,
        ];
        let mut progress = Progress::Idle;
        for c in controllers.into_iter().skip(which.start).take(which.len()) {
            progress |= c.sync(&mut ctx);
        }
        // The provisioner's helper pod removes a deleted volume's directory.
        for (node, path) in self.local_path_provisioner.take_removed() {
            if let Some(tree) = self
                .kubelet
                .fs
                .tree_mut(&crate::kubelet::volumes::node_tree(&node))
            {
                tree.remove_all(&path);
            }
        }
        progress
    }

    /// Runs the control loops at the current instant until nothing changes. A pass
    /// goes: node IPAM (a new node's pod CIDR, before pods on it get IPs), the scheduler,
    /// the kubelets, then the other controllers.
    fn settle(&mut self) {
        if self.bootstrap_service && self.api.services.get("default", "kubernetes").is_none() {
            default_nodes::create_kubernetes_service(&mut self.api, self.now);
        }
        for _ in 0..64 {
            self.observe();
            let mut progress = self.run_controllers(0..CONTROLLERS_BEFORE_SCHEDULER);
            progress |= Progress::changed_if(self.schedule_pending());
            progress |=
                Progress::changed_if(self.kubelet.sync(&mut self.api, &mut self.git, self.now));
            progress |= self.run_controllers(CONTROLLERS_BEFORE_SCHEDULER..CONTROLLERS);
            if progress == Progress::Idle {
                break;
            }
        }
        self.observe();
    }
}

mod volume_binder;

#[cfg(test)]
mod test_images;
#[cfg(test)]
mod tests;
