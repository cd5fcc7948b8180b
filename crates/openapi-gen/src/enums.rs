//! The enumerated string fields of the v1.34 core API, which k8s-openapi's JSON schemas
//! leave out: each field's allowed values in the API's order, with the text the API's
//! OpenAPI document adds after the field's description ("Possible enum values:", a line
//! per value). Transcribed from the v1.33 and v1.35 declarations of the npm package
//! `kubernetes-models`, which agree on every field here but `Toleration.operator`, where
//! v1.34's description is v1.33's (Lt and Gt came in v1.35).

/// The values of Container.imagePullPolicy, EphemeralContainer.imagePullPolicy, ImageVolumeSource.pullPolicy.
const PULL_POLICY: &[(&str, &str)] = &[
    ("Always", " means that kubelet always attempts to pull the latest image. Container will fail If the pull fails."),
    ("IfNotPresent", " means that kubelet pulls if the image isn't present on disk. Container will fail if the image isn't present and the pull fails."),
    ("Never", " means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn't present"),
];

/// The values of Container.terminationMessagePolicy, EphemeralContainer.terminationMessagePolicy.
const TERMINATION_MESSAGE_POLICY: &[(&str, &str)] = &[
    ("FallbackToLogsOnError", " will read the most recent contents of the container logs for the container status message when the container exits with an error and the terminationMessagePath has no contents."),
    ("File", " is the default behavior and will set the container status message to the contents of the container's terminationMessagePath when the container exits."),
];

/// The values of ContainerPort.protocol, EndpointPort.protocol, PortStatus.protocol, ServicePort.protocol.
const PROTOCOL: &[(&str, &str)] = &[
    ("SCTP", " is the SCTP protocol."),
    ("TCP", " is the TCP protocol."),
    ("UDP", " is the UDP protocol."),
];

/// The values of ContainerStatus.stopSignal, Lifecycle.stopSignal.
const STOP_SIGNAL: &[(&str, &str)] = &[
    ("SIGABRT", ""),
    ("SIGALRM", ""),
    ("SIGBUS", ""),
    ("SIGCHLD", ""),
    ("SIGCLD", ""),
    ("SIGCONT", ""),
    ("SIGFPE", ""),
    ("SIGHUP", ""),
    ("SIGILL", ""),
    ("SIGINT", ""),
    ("SIGIO", ""),
    ("SIGIOT", ""),
    ("SIGKILL", ""),
    ("SIGPIPE", ""),
    ("SIGPOLL", ""),
    ("SIGPROF", ""),
    ("SIGPWR", ""),
    ("SIGQUIT", ""),
    ("SIGRTMAX", ""),
    ("SIGRTMAX-1", ""),
    ("SIGRTMAX-10", ""),
    ("SIGRTMAX-11", ""),
    ("SIGRTMAX-12", ""),
    ("SIGRTMAX-13", ""),
    ("SIGRTMAX-14", ""),
    ("SIGRTMAX-2", ""),
    ("SIGRTMAX-3", ""),
    ("SIGRTMAX-4", ""),
    ("SIGRTMAX-5", ""),
    ("SIGRTMAX-6", ""),
    ("SIGRTMAX-7", ""),
    ("SIGRTMAX-8", ""),
    ("SIGRTMAX-9", ""),
    ("SIGRTMIN", ""),
    ("SIGRTMIN+1", ""),
    ("SIGRTMIN+10", ""),
    ("SIGRTMIN+11", ""),
    ("SIGRTMIN+12", ""),
    ("SIGRTMIN+13", ""),
    ("SIGRTMIN+14", ""),
    ("SIGRTMIN+15", ""),
    ("SIGRTMIN+2", ""),
    ("SIGRTMIN+3", ""),
    ("SIGRTMIN+4", ""),
    ("SIGRTMIN+5", ""),
    ("SIGRTMIN+6", ""),
    ("SIGRTMIN+7", ""),
    ("SIGRTMIN+8", ""),
    ("SIGRTMIN+9", ""),
    ("SIGSEGV", ""),
    ("SIGSTKFLT", ""),
    ("SIGSTOP", ""),
    ("SIGSYS", ""),
    ("SIGTERM", ""),
    ("SIGTRAP", ""),
    ("SIGTSTP", ""),
    ("SIGTTIN", ""),
    ("SIGTTOU", ""),
    ("SIGURG", ""),
    ("SIGUSR1", ""),
    ("SIGUSR2", ""),
    ("SIGVTALRM", ""),
    ("SIGWINCH", ""),
    ("SIGXCPU", ""),
    ("SIGXFSZ", ""),
];

/// The values of Taint.effect, Toleration.effect.
const TAINT_EFFECT: &[(&str, &str)] = &[
    ("NoExecute", " Evict any already-running pods that do not tolerate the taint. Currently enforced by NodeController."),
    ("NoSchedule", " Do not allow new pods to schedule onto the node unless they tolerate the taint, but allow all pods submitted to Kubelet without going through the scheduler to start, and allow all already-running pods to continue running. Enforced by the scheduler."),
    ("PreferNoSchedule", " Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced by the scheduler."),
];

/// The values of TopologySpreadConstraint.nodeAffinityPolicy, TopologySpreadConstraint.nodeTaintsPolicy.
const NODE_INCLUSION_POLICY: &[(&str, &str)] = &[
    (
        "Honor",
        " means use this scheduling directive when calculating pod topology spread skew.",
    ),
    (
        "Ignore",
        " means ignore this scheduling directive when calculating pod topology spread skew.",
    ),
];

/// One enum field: (definition, field, [(value, the rest of its line)]); a definition
/// outside core/v1 is named with its package (`policy.v1.PodDisruptionBudgetSpec`).
pub type EnumField = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The enum fields.
pub const ENUMS: &[EnumField] = &[
    (
        "AppArmorProfile",
        "type",
        &[
            ("Localhost", " indicates that a profile pre-loaded on the node should be used."),
            ("RuntimeDefault", " indicates that the container runtime's default AppArmor profile should be used."),
            ("Unconfined", " indicates that no AppArmor profile should be enforced."),
        ],
    ),
    (
        "AzureDiskVolumeSource",
        "cachingMode",
        &[
            ("None", ""),
            ("ReadOnly", ""),
            ("ReadWrite", ""),
        ],
    ),
    (
        "AzureDiskVolumeSource",
        "kind",
        &[
            ("Dedicated", ""),
            ("Managed", ""),
            ("Shared", ""),
        ],
    ),
    ("Container", "imagePullPolicy", PULL_POLICY),
    ("Container", "terminationMessagePolicy", TERMINATION_MESSAGE_POLICY),
    ("ContainerPort", "protocol", PROTOCOL),
    ("ContainerStatus", "stopSignal", STOP_SIGNAL),
    ("EndpointPort", "protocol", PROTOCOL),
    ("EphemeralContainer", "imagePullPolicy", PULL_POLICY),
    ("EphemeralContainer", "terminationMessagePolicy", TERMINATION_MESSAGE_POLICY),
    (
        "HTTPGetAction",
        "scheme",
        &[
            ("HTTP", " means that the scheme used will be http://"),
            ("HTTPS", " means that the scheme used will be https://"),
        ],
    ),
    (
        "HostPathVolumeSource",
        "type",
        &[
            ("", " For backwards compatible, leave it empty if unset"),
            ("BlockDevice", " A block device must exist at the given path"),
            ("CharDevice", " A character device must exist at the given path"),
            ("Directory", " A directory must exist at the given path"),
            ("DirectoryOrCreate", " If nothing exists at the given path, an empty directory will be created there as needed with file mode 0755, having the same group and ownership with Kubelet."),
            ("File", " A file must exist at the given path"),
            ("FileOrCreate", " If nothing exists at the given path, an empty file will be created there as needed with file mode 0644, having the same group and ownership with Kubelet."),
            ("Socket", " A UNIX socket must exist at the given path"),
        ],
    ),
    ("ImageVolumeSource", "pullPolicy", PULL_POLICY),
    ("Lifecycle", "stopSignal", STOP_SIGNAL),
    (
        "NamespaceStatus",
        "phase",
        &[
            ("Active", " means the namespace is available for use in the system"),
            ("Terminating", " means the namespace is undergoing graceful termination"),
        ],
    ),
    (
        "NodeSelectorRequirement",
        "operator",
        &[
            ("DoesNotExist", ""),
            ("Exists", ""),
            ("Gt", ""),
            ("In", ""),
            ("Lt", ""),
            ("NotIn", ""),
        ],
    ),
    (
        "NodeStatus",
        "phase",
        &[
            ("Pending", " means the node has been created/added by the system, but not configured."),
            ("Running", " means the node has been configured and has Kubernetes components running."),
            ("Terminated", " means the node has been removed from the cluster."),
        ],
    ),
    (
        "PersistentVolumeClaimSpec",
        "volumeMode",
        &[
            ("Block", " means the volume will not be formatted with a filesystem and will remain a raw block device."),
            ("Filesystem", " means the volume will be or is formatted with a filesystem."),
        ],
    ),
    (
        "PodSecurityContext",
        "fsGroupChangePolicy",
        &[
            ("Always", " indicates that volume's ownership and permissions should always be changed whenever volume is mounted inside a Pod. This the default behavior."),
            ("OnRootMismatch", " indicates that volume's ownership and permissions will be changed only when permission and ownership of root directory does not match with expected permissions on the volume. This can help shorten the time it takes to change ownership and permissions of a volume."),
        ],
    ),
    (
        "PodSecurityContext",
        "supplementalGroupsPolicy",
        &[
            ("Merge", " means that the container's provided SupplementalGroups and FsGroup (specified in SecurityContext) will be merged with the primary user's groups as defined in the container image (in /etc/group)."),
            ("Strict", " means that the container's provided SupplementalGroups and FsGroup (specified in SecurityContext) will be used instead of any groups defined in the container image."),
        ],
    ),
    (
        "PodSpec",
        "dnsPolicy",
        &[
            ("ClusterFirst", " indicates that the pod should use cluster DNS first unless hostNetwork is true, if it is available, then fall back on the default (as determined by kubelet) DNS settings."),
            ("ClusterFirstWithHostNet", " indicates that the pod should use cluster DNS first, if it is available, then fall back on the default (as determined by kubelet) DNS settings."),
            ("Default", " indicates that the pod should use the default (as determined by kubelet) DNS settings."),
            ("None", " indicates that the pod should use empty DNS settings. DNS parameters such as nameservers and search paths should be defined via DNSConfig."),
        ],
    ),
    (
        "PodSpec",
        "preemptionPolicy",
        &[
            ("Never", " means that pod never preempts other pods with lower priority."),
            ("PreemptLowerPriority", " means that pod can preempt other pods with lower priority."),
        ],
    ),
    (
        "PodSpec",
        "restartPolicy",
        &[
            ("Always", ""),
            ("Never", ""),
            ("OnFailure", ""),
        ],
    ),
    (
        "PodStatus",
        "phase",
        &[
            ("Failed", " means that all containers in the pod have terminated, and at least one container has terminated in a failure (exited with a non-zero exit code or was stopped by the system)."),
            ("Pending", " means the pod has been accepted by the system, but one or more of the containers has not been started. This includes time before being bound to a node, as well as time spent pulling images onto the host."),
            ("Running", " means the pod has been bound to a node and all of the containers have been started. At least one container is still running or is in the process of being restarted."),
            ("Succeeded", " means that all containers in the pod have voluntarily terminated with a container exit code of 0, and the system is not going to restart any of these containers."),
            ("Unknown", " means that for some reason the state of the pod could not be obtained, typically due to an error in communicating with the host of the pod. Deprecated: It isn't being set since 2015 (74da3b14b0c0f658b3bb8d2def5094686d0e9095)"),
        ],
    ),
    (
        "PodStatus",
        "qosClass",
        &[
            ("BestEffort", " is the BestEffort qos class."),
            ("Burstable", " is the Burstable qos class."),
            ("Guaranteed", " is the Guaranteed qos class."),
        ],
    ),
    ("PortStatus", "protocol", PROTOCOL),
    (
        "policy.v1.PodDisruptionBudgetSpec",
        "unhealthyPodEvictionPolicy",
        &[
            ("AlwaysAllow", " policy means that all running pods (status.phase=\"Running\"), but not yet healthy are considered disrupted and can be evicted regardless of whether the criteria in a PDB is met. This means perspective running pods of a disrupted application might not get a chance to become healthy. Healthy pods will be subject to the PDB for eviction."),
            ("IfHealthyBudget", " policy means that running pods (status.phase=\"Running\"), but not yet healthy can be evicted only if the guarded application is not disrupted (status.currentHealthy is at least equal to status.desiredHealthy). Healthy pods will be subject to the PDB for eviction."),
        ],
    ),
    (
        "scheduling.v1.PriorityClass",
        "preemptionPolicy",
        &[
            ("Never", " means that pod never preempts other pods with lower priority."),
            ("PreemptLowerPriority", " means that pod can preempt other pods with lower priority."),
        ],
    ),
    (
        "SeccompProfile",
        "type",
        &[
            ("Localhost", " indicates a profile defined in a file on the node should be used. The file's location relative to <kubelet-root-dir>/seccomp."),
            ("RuntimeDefault", " represents the default container runtime seccomp profile."),
            ("Unconfined", " indicates no seccomp profile is applied (A.K.A. unconfined)."),
        ],
    ),
    (
        "SecurityContext",
        "procMount",
        &[
            ("Default", " uses the container runtime defaults for readonly and masked paths for /proc. Most container runtimes mask certain paths in /proc to avoid accidental security exposure of special devices or information."),
            ("Unmasked", " bypasses the default masking behavior of the container runtime and ensures the newly created /proc the container stays in tact with no modifications."),
        ],
    ),
    ("ServicePort", "protocol", PROTOCOL),
    (
        "ServiceSpec",
        "externalTrafficPolicy",
        &[
            ("Cluster", " routes traffic to all endpoints."),
            ("Local", " preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on (dropping the traffic if there are no local endpoints)."),
        ],
    ),
    (
        "ServiceSpec",
        "internalTrafficPolicy",
        &[
            ("Cluster", " routes traffic to all endpoints."),
            ("Local", " routes traffic only to endpoints on the same node as the client pod (dropping the traffic if there are no local endpoints)."),
        ],
    ),
    (
        "ServiceSpec",
        "ipFamilyPolicy",
        &[
            ("PreferDualStack", " indicates that this service prefers dual-stack when the cluster is configured for dual-stack. If the cluster is not configured for dual-stack the service will be assigned a single IPFamily. If the IPFamily is not set in service.spec.ipFamilies then the service will be assigned the default IPFamily configured on the cluster"),
            ("RequireDualStack", " indicates that this service requires dual-stack. Using IPFamilyPolicyRequireDualStack on a single stack cluster will result in validation errors. The IPFamilies (and their order) assigned to this service is based on service.spec.ipFamilies. If service.spec.ipFamilies was not provided then it will be assigned according to how they are configured on the cluster. If service.spec.ipFamilies has only one entry then the alternative IPFamily will be added by apiserver"),
            ("SingleStack", " indicates that this service is required to have a single IPFamily. The IPFamily assigned is based on the default IPFamily used by the cluster or as identified by service.spec.ipFamilies field"),
        ],
    ),
    (
        "ServiceSpec",
        "sessionAffinity",
        &[
            ("ClientIP", " is the Client IP based."),
            ("None", " - no session affinity."),
        ],
    ),
    (
        "ServiceSpec",
        "type",
        &[
            ("ClusterIP", " means a service will only be accessible inside the cluster, via the cluster IP."),
            ("ExternalName", " means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or proxying of any pods involved."),
            ("LoadBalancer", " means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type."),
            ("NodePort", " means a service will be exposed on one port of every node, in addition to 'ClusterIP' type."),
        ],
    ),
    ("Taint", "effect", TAINT_EFFECT),
    ("Toleration", "effect", TAINT_EFFECT),
    (
        "Toleration",
        "operator",
        &[
            ("Equal", ""),
            ("Exists", ""),
        ],
    ),
    ("TopologySpreadConstraint", "nodeAffinityPolicy", NODE_INCLUSION_POLICY),
    ("TopologySpreadConstraint", "nodeTaintsPolicy", NODE_INCLUSION_POLICY),
    (
        "TopologySpreadConstraint",
        "whenUnsatisfiable",
        &[
            ("DoNotSchedule", " instructs the scheduler not to schedule the pod when constraints are not satisfied."),
            ("ScheduleAnyway", " instructs the scheduler to schedule the pod even if constraints are not satisfied."),
        ],
    ),
    (
        "VolumeMount",
        "mountPropagation",
        &[
            ("Bidirectional", " means that the volume in a container will receive new mounts from the host or other containers, and its own mounts will be propagated from the container to the host or other containers. Note that this mode is recursively applied to all mounts in the volume (\"rshared\" in Linux terminology)."),
            ("HostToContainer", " means that the volume in a container will receive new mounts from the host or other containers, but filesystems mounted inside the container won't be propagated to the host or other containers. Note that this mode is recursively applied to all mounts in the volume (\"rslave\" in Linux terminology)."),
            ("None", " means that the volume in a container will not receive new mounts from the host or other containers, and filesystems mounted inside the container won't be propagated to the host or other containers. Note that this mode corresponds to \"private\" in Linux terminology."),
        ],
    ),
];
