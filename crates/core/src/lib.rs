//! podlab-core: a simulated Kubernetes cluster.
//!
//! Pure and deterministic: no web, DOM, wall-clock or OS dependency. Time moves only
//! through [`Cluster::advance`]; the same inputs and seed give the same state. User
//! input never panics: every problem comes back as a value.
//!
//! One module per Kubernetes component: [`apiserver`], [`scheduler`], [`kubelet`];
//! [`manifest`] decodes YAML/JSON; [`model`] holds the object types; the [`Cluster`]
//! owns them all with the simulated [`clock`].

pub mod apiserver;
pub mod clock;
pub(crate) mod cluster;
pub(crate) mod controllers;
pub mod export;
pub mod fs;
pub mod git;
pub(crate) mod gofmt;
pub(crate) mod hash;
pub mod jsonpath;
pub(crate) mod keyed;
pub mod kubectl;
pub mod kubelet;
pub mod lessons;
pub mod manifest;
pub mod model;
pub mod net;
pub mod openapi;
pub mod scenarios;
pub mod scheduler;
pub mod share;
pub mod shell;
pub mod sort;
pub mod terminal;
pub mod transcript;

pub use cluster::{Applied, Cluster, ManifestRejected, SnapshotError};
pub use terminal::Session;
