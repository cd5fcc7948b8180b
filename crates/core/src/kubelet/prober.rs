//! The prober (kubelet's pkg/kubelet/prober): not emulated yet. Containers have no
//! liveness, readiness or startup probes here: a running container is ready at once and
//! is restarted only when its process exits.
//!
//! Where it goes: probes are run by the pod workers ([`super::pod_workers`]) as due steps
//! of a running container, like its process's wake-ups (an exec probe as a process in
//! the container, as [`super::exec`] runs one; an HTTP or TCP probe through the pod
//! network, [`super::network`]); a probe's result is kept in the container's work record
//! ([`super::runtime`]); readiness feeds the `ready` and `started` the status manager
//! ([`super::status`]) writes, and a failed liveness probe stops the container for the
//! runtime to restart with its back-off.
