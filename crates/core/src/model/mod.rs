//! Kubernetes objects. The types are k8s-openapi's (every valid field is accepted and
//! kept); this module adds what the simulation needs around them.

pub(crate) mod config;
pub(crate) mod cron;
pub(crate) mod de;
pub(crate) mod fieldpath;
pub(crate) mod fields;
pub(crate) mod gotime;
pub mod kinds;
pub mod labels;
pub(crate) mod meta;
pub(crate) mod node;
pub mod pod;
pub(crate) mod ports;
pub mod quantity;
pub(crate) mod reference;
pub(crate) mod restart;
pub mod taints;

pub use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
pub use k8s_openapi::api::batch::v1::{CronJob, Job};
pub use k8s_openapi::api::coordination::v1::Lease;
pub use k8s_openapi::api::core::v1::{
    ConfigMap, Container, ContainerState, ContainerStateRunning, ContainerStateWaiting,
    ContainerStatus, Endpoints, Event, Namespace, Node, NodeSpec, NodeStatus, PersistentVolume,
    PersistentVolumeClaim, Pod, PodCondition, PodSpec, PodStatus, Secret, Service, ServiceAccount,
    Taint, Toleration, Volume,
};
pub use k8s_openapi::api::discovery::v1::EndpointSlice;
pub use k8s_openapi::api::policy::v1::PodDisruptionBudget;
pub use k8s_openapi::api::scheduling::v1::PriorityClass;
pub use k8s_openapi::api::storage::v1::StorageClass;
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
pub use kinds::KindInfo;
pub use meta::ResourceExt;
pub use quantity::Quantity;
pub use restart::RestartPolicy;

/// The Kubernetes version Podlab emulates: what `kubectl version` reports and whose
/// behaviour and wording it follows.
pub const KUBERNETES_VERSION: &str = "v1.34.2";

/// The nodes' kernel release: what `uname -r` prints, the node status's
/// `kernelVersion` and nginx's `OS: Linux ...` startup notice.
pub const KERNEL_RELEASE: &str = "6.8.0-45-generic";

/// The kernel's build string (`uname -v`).
pub const KERNEL_BUILD: &str = "#45-Ubuntu SMP PREEMPT_DYNAMIC";

/// The label naming an EndpointSlice's Service (discovery.LabelServiceName).
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";

/// The label naming who manages an EndpointSlice (discovery.LabelManagedBy).
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";

/// Why [`Object::from_json`] found no object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    UnknownKind(String),
    /// The JSON does not fit the kind's type: the decoder's message.
    Invalid(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownKind(kind) => write!(f, "unknown kind {kind:?}"),
            DecodeError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DecodeError {}

macro_rules! objects {
    ($({ $variant:ident, $ty:ty, $store:ident, $info:ident, $($fields:tt)* })*) => {
        /// Any object Podlab's API server stores.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Object {
            $($variant(Box<$ty>),)*
        }

        /// A stored object, borrowed (what listing returns without copying). It
        /// serializes as the API serves it (with apiVersion and kind).
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum ObjectRef<'a> {
            $($variant(&'a $ty),)*
        }

        impl<'a> ObjectRef<'a> {
            /// The kind's row of the table.
            pub fn info(&self) -> &'static KindInfo {
                match self {
                    $(ObjectRef::$variant(_) => &kinds::$info,)*
                }
            }

            pub fn metadata(&self) -> &'a ObjectMeta {
                match *self {
                    $(ObjectRef::$variant(o) => &o.metadata,)*
                }
            }

            pub fn to_owned(&self) -> Object {
                match *self {
                    $(ObjectRef::$variant(o) => Object::$variant(Box::new(o.clone())),)*
                }
            }

            fn serialize_as_stored<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::Serialize;
                match *self {
                    $(ObjectRef::$variant(o) => o.serialize(s),)*
                }
            }
        }

        impl Object {
            /// The object borrowed.
            pub fn as_ref(&self) -> ObjectRef<'_> {
                match self {
                    $(Object::$variant(o) => ObjectRef::$variant(o),)*
                }
            }

            /// An object of `kind` from its JSON (what [`Object::to_json`] gives), or
            /// the decoding error.
            pub fn from_json(kind: &str, value: serde_json::Value) -> Result<Object, DecodeError> {
                $(
                    if kind == stringify!($variant) {
                        return Ok(Object::$variant(decode(&value)?));
                    }
                )*
                Err(DecodeError::UnknownKind(kind.to_string()))
            }
        }
    };
}
kinds::with_kinds!(objects);

/// A stored kind's JSON through the same deserializer as manifest decoding
/// ([`de::from_value`]), so the wasm bundle carries one copy of every type's code.
fn decode<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<Box<T>, DecodeError> {
    de::from_value::<T>(v)
        .map(Box::new)
        .map_err(|e| DecodeError::Invalid(e.to_string()))
}

impl serde::Serialize for ObjectRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            // A slice without endpoints comes back from storage with a nil list, which
            // the API writes as `endpoints: null`.
            ObjectRef::EndpointSlice(o) if o.endpoints.is_empty() => {
                let mut value = serde_json::to_value(o).map_err(serde::ser::Error::custom)?;
                value["endpoints"] = serde_json::Value::Null;
                serde::Serialize::serialize(&value, s)
            }
            _ => self.serialize_as_stored(s),
        }
    }
}

impl<'a> ObjectRef<'a> {
    pub fn kind(&self) -> &'static str {
        self.info().kind
    }

    /// The object as the API serves it in JSON (with apiVersion and kind).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Object {
    /// The kind's row of the table.
    pub fn info(&self) -> &'static KindInfo {
        self.as_ref().info()
    }

    pub fn kind(&self) -> &'static str {
        self.info().kind
    }

    /// The lower-case plural resource name kubectl prints (`pod/x`, `pods "x"`).
    pub fn resource(&self) -> &'static str {
        self.info().plural
    }

    pub fn metadata(&self) -> &ObjectMeta {
        self.as_ref().metadata()
    }

    /// The object as the API serves it in JSON (with apiVersion and kind).
    pub fn to_json(&self) -> serde_json::Value {
        self.as_ref().to_json()
    }
}
