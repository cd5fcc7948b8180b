//! Controllers of kube-controller-manager that the simulation runs in its control loop.

pub mod endpoints;
pub mod namespace;
pub mod node_ipam;
pub mod node_lifecycle;
pub mod taint_eviction;
