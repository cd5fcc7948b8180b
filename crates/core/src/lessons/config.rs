//! The Kubernetes docs' configuration and storage tasks as lessons: Configure a Pod to
//! Use a ConfigMap, Distribute Credentials Securely Using Secrets, and Configure a Pod
//! to Use a PersistentVolume for Storage, with the docs' manifests.

use super::{create_command, create_running, Check, Lesson, Manifest, Step};

const CONFIGMAP_ENV_POD: Manifest = Manifest {
    file: "pod-single-configmap-env-variable.yaml",
    text: include_str!("../../lessons/pod-single-configmap-env-variable.yaml"),
};
const SECRET: Manifest = Manifest {
    file: "secret.yaml",
    text: include_str!("../../lessons/secret.yaml"),
};
const SECRET_POD: Manifest = Manifest {
    file: "secret-pod.yaml",
    text: include_str!("../../lessons/secret-pod.yaml"),
};
const SECRET_ENV_POD: Manifest = Manifest {
    file: "pod-single-secret-env-variable.yaml",
    text: include_str!("../../lessons/pod-single-secret-env-variable.yaml"),
};
const PV_VOLUME: Manifest = Manifest {
    file: "task-pv-volume.yaml",
    text: include_str!("../../lessons/task-pv-volume.yaml"),
};
const PV_CLAIM: Manifest = Manifest {
    file: "pv-claim.yaml",
    text: include_str!("../../lessons/pv-claim.yaml"),
};
const PV_POD: Manifest = Manifest {
    file: "pv-pod.yaml",
    text: include_str!("../../lessons/pv-pod.yaml"),
};

const STORAGE_PAGE: &str = "Hello from Kubernetes storage";
const NGINX_HTML: &str = "/usr/share/nginx/html/index.html";

/// The docs' ConfigMap, Secret and PersistentVolume tasks, in that order.
pub(super) fn lessons() -> Vec<Lesson> {
    vec![
        Lesson {
            id: "configmap",
            title: "Configure a Pod to use a ConfigMap",
            intro: "A ConfigMap holds configuration as key-value pairs; a pod takes a key as an environment variable (configMapKeyRef). From the Kubernetes docs.",
            steps: vec![
                Step {
                    text: "Create the ConfigMap special-config with the key special.how from a literal.",
                    manifest: None,
                    command: Some("kubectl create configmap special-config --from-literal=special.how=very".into()),
                    check: Check::ConfigMap { name: "special-config" },
                },
                Step {
                    text: "Create the pod: SPECIAL_LEVEL_KEY comes from the ConfigMap's special.how. It prints its environment and completes.",
                    manifest: Some(CONFIGMAP_ENV_POD),
                    command: create_command(CONFIGMAP_ENV_POD),
                    check: Check::PodPhase { pod: "dapi-test-pod", phase: "Succeeded" },
                },
                Step {
                    text: "Read its log: the environment has SPECIAL_LEVEL_KEY=very.",
                    manifest: None,
                    command: Some("kubectl logs dapi-test-pod".into()),
                    check: Check::Env {
                        pod: "dapi-test-pod",
                        container: "test-container",
                        name: "SPECIAL_LEVEL_KEY",
                        value: "very",
                    },
                },
            ],
        },
        Lesson {
            id: "secret",
            title: "Distribute credentials securely using Secrets",
            intro: "A Secret holds base64-encoded data; a pod sees its keys as files in a secret volume, or one key as an environment variable (secretKeyRef). From the Kubernetes docs.",
            steps: vec![
                Step {
                    text: "Create the Secret test-secret (username and password, base64 in the manifest).",
                    manifest: Some(SECRET),
                    command: create_command(SECRET),
                    check: Check::Secret { name: "test-secret" },
                },
                create_running("Create a pod that mounts the Secret at /etc/secret-volume.", SECRET_POD, "secret-test-pod"),
                Step {
                    text: "Each key is a file: read the username (decoded).",
                    manifest: None,
                    command: Some("kubectl exec secret-test-pod -- cat /etc/secret-volume/username".into()),
                    check: Check::MountedFile {
                        pod: "secret-test-pod",
                        container: "test-container",
                        path: "/etc/secret-volume/username",
                        contains: "my-app",
                    },
                },
                Step {
                    text: "Create the Secret backend-user from a literal.",
                    manifest: None,
                    command: Some("kubectl create secret generic backend-user --from-literal=backend-username='backend-admin'".into()),
                    check: Check::Secret { name: "backend-user" },
                },
                Step {
                    text: "Create a pod whose SECRET_USERNAME comes from the Secret's backend-username.",
                    manifest: Some(SECRET_ENV_POD),
                    command: create_command(SECRET_ENV_POD),
                    check: Check::Env {
                        pod: "env-single-secret",
                        container: "envars-test-container",
                        name: "SECRET_USERNAME",
                        value: "backend-admin",
                    },
                },
            ],
        },
        Lesson {
            id: "persistent-volume",
            title: "Configure a Pod to use a PersistentVolume for storage",
            intro: "A PersistentVolume is storage in the cluster (here a directory on a node); a PersistentVolumeClaim asks for some, and a pod mounts the claim. What the pod writes outlives it. From the Kubernetes docs.",
            steps: vec![
                Step {
                    text: "Create the PersistentVolume: /mnt/data on k8s-worker-01, class manual. It is Available.",
                    manifest: Some(PV_VOLUME),
                    command: create_command(PV_VOLUME),
                    check: Check::VolumePhase { volume: "task-pv-volume", phase: "Available" },
                },
                Step {
                    text: "Create a claim for 3Gi of class manual: the control plane binds it to the volume.",
                    manifest: Some(PV_CLAIM),
                    command: create_command(PV_CLAIM),
                    check: Check::ClaimBound { claim: "task-pv-claim" },
                },
                create_running("Create a pod whose nginx serves the claim.", PV_POD, "task-pv-pod"),
                Step {
                    text: "Write a page onto the volume from inside the pod.",
                    manifest: None,
                    command: Some(format!("kubectl exec task-pv-pod -- sh -c \"echo '{STORAGE_PAGE}' > {NGINX_HTML}\"")),
                    check: Check::MountedFile {
                        pod: "task-pv-pod",
                        container: "task-pv-container",
                        path: NGINX_HTML,
                        contains: STORAGE_PAGE,
                    },
                },
                Step {
                    text: "Delete the pod.",
                    manifest: None,
                    command: Some("kubectl delete pod task-pv-pod".into()),
                    check: Check::PodDeleted { pod: "task-pv-pod" },
                },
                Step {
                    text: "Create the pod again: the page is still on the volume.",
                    manifest: Some(PV_POD),
                    command: create_command(PV_POD),
                    check: Check::FileSurvives {
                        claim: "task-pv-claim",
                        pod: "task-pv-pod",
                        container: "task-pv-container",
                        path: NGINX_HTML,
                        contains: STORAGE_PAGE,
                    },
                },
            ],
        },
    ]
}
