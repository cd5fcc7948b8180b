//! Kubernetes objects. The types are k8s-openapi's (every valid field is accepted and
//! kept); this module adds what the simulation needs around them.

pub(crate) mod de;
pub(crate) mod fieldpath;
pub(crate) mod fields;
pub(crate) mod gotime;
pub mod labels;
pub(crate) mod meta;
pub(crate) mod node;
pub mod pod;
pub(crate) mod ports;
pub mod quantity;
pub(crate) mod reference;
pub(crate) mod restart;
pub mod taints;

pub use k8s_openapi::api::coordination::v1::Lease;
pub use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus,
    Endpoints, Event, Namespace, Node, NodeSpec, NodeStatus, Pod, PodCondition, PodSpec, PodStatus,
    Service, Taint, Toleration, Volume,
};
pub use k8s_openapi::api::discovery::v1::EndpointSlice;
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
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

/// Any object Podlab's API server stores.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Pod(Box<Pod>),
    Node(Box<Node>),
    Service(Box<Service>),
    Namespace(Box<Namespace>),
    Event(Box<Event>),
    Endpoints(Box<Endpoints>),
    Lease(Box<Lease>),
    EndpointSlice(Box<EndpointSlice>),
}

/// A stored object, borrowed (what listing returns without copying). It serializes as
/// the API serves it (with apiVersion and kind).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ObjectRef<'a> {
    Pod(&'a Pod),
    Node(&'a Node),
    Service(&'a Service),
    Namespace(&'a Namespace),
    Event(&'a Event),
    Endpoints(&'a Endpoints),
    Lease(&'a Lease),
    EndpointSlice(&'a EndpointSlice),
}

impl serde::Serialize for ObjectRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            ObjectRef::Pod(o) => o.serialize(s),
            ObjectRef::Node(o) => o.serialize(s),
            ObjectRef::Service(o) => o.serialize(s),
            ObjectRef::Namespace(o) => o.serialize(s),
            ObjectRef::Event(o) => o.serialize(s),
            ObjectRef::Endpoints(o) => o.serialize(s),
            ObjectRef::Lease(o) => o.serialize(s),
            // A slice without endpoints comes back from storage with a nil list, which
            // the API writes as `endpoints: null`.
            ObjectRef::EndpointSlice(o) if o.endpoints.is_empty() => {
                let mut value = serde_json::to_value(o).map_err(serde::ser::Error::custom)?;
                value["endpoints"] = serde_json::Value::Null;
                value.serialize(s)
            }
            ObjectRef::EndpointSlice(o) => o.serialize(s),
        }
    }
}

impl<'a> ObjectRef<'a> {
    pub fn metadata(&self) -> &'a ObjectMeta {
        match *self {
            ObjectRef::Pod(o) => &o.metadata,
            ObjectRef::Node(o) => &o.metadata,
            ObjectRef::Service(o) => &o.metadata,
            ObjectRef::Namespace(o) => &o.metadata,
            ObjectRef::Event(o) => &o.metadata,
            ObjectRef::Endpoints(o) => &o.metadata,
            ObjectRef::Lease(o) => &o.metadata,
            ObjectRef::EndpointSlice(o) => &o.metadata,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            ObjectRef::Pod(_) => "Pod",
            ObjectRef::Node(_) => "Node",
            ObjectRef::Service(_) => "Service",
            ObjectRef::Namespace(_) => "Namespace",
            ObjectRef::Event(_) => "Event",
            ObjectRef::Endpoints(_) => "Endpoints",
            ObjectRef::Lease(_) => "Lease",
            ObjectRef::EndpointSlice(_) => "EndpointSlice",
        }
    }

    /// The object as the API serves it in JSON (with apiVersion and kind).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn to_owned(&self) -> Object {
        match *self {
            ObjectRef::Pod(o) => Object::Pod(Box::new(o.clone())),
            ObjectRef::Node(o) => Object::Node(Box::new(o.clone())),
            ObjectRef::Service(o) => Object::Service(Box::new(o.clone())),
            ObjectRef::Namespace(o) => Object::Namespace(Box::new(o.clone())),
            ObjectRef::Event(o) => Object::Event(Box::new(o.clone())),
            ObjectRef::Endpoints(o) => Object::Endpoints(Box::new(o.clone())),
            ObjectRef::Lease(o) => Object::Lease(Box::new(o.clone())),
            ObjectRef::EndpointSlice(o) => Object::EndpointSlice(Box::new(o.clone())),
        }
    }
}

impl Object {
    /// The object borrowed.
    pub fn as_ref(&self) -> ObjectRef<'_> {
        match self {
            Object::Pod(o) => ObjectRef::Pod(o),
            Object::Node(o) => ObjectRef::Node(o),
            Object::Service(o) => ObjectRef::Service(o),
            Object::Namespace(o) => ObjectRef::Namespace(o),
            Object::Event(o) => ObjectRef::Event(o),
            Object::Endpoints(o) => ObjectRef::Endpoints(o),
            Object::Lease(o) => ObjectRef::Lease(o),
            Object::EndpointSlice(o) => ObjectRef::EndpointSlice(o),
        }
    }

    pub fn kind(&self) -> &'static str {
        self.as_ref().kind()
    }

    /// The lower-case plural resource name kubectl prints (`pod/x`, `pods "x"`).
    pub fn resource(&self) -> &'static str {
        match self {
            Object::Pod(_) => "pods",
            Object::Node(_) => "nodes",
            Object::Service(_) => "services",
            Object::Namespace(_) => "namespaces",
            Object::Event(_) => "events",
            Object::Endpoints(_) => "endpoints",
            Object::Lease(_) => "leases",
            Object::EndpointSlice(_) => "endpointslices",
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Pod(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Namespace(o) => &o.metadata,
            Object::Event(o) => &o.metadata,
            Object::Endpoints(o) => &o.metadata,
            Object::Lease(o) => &o.metadata,
            Object::EndpointSlice(o) => &o.metadata,
        }
    }

    /// An object of `kind` from its JSON (what [`Object::to_json`] gives), or the
    /// decoding error.
    pub fn from_json(kind: &str, value: serde_json::Value) -> Result<Object, DecodeError> {
        // The same deserializer as manifest decoding ([`de::from_value`]), so the wasm
        // bundle carries one copy of every type's code.
        fn de<T: serde::de::DeserializeOwned>(
            v: &serde_json::Value,
        ) -> Result<Box<T>, DecodeError> {
            de::from_value::<T>(v)
                .map(Box::new)
                .map_err(|e| DecodeError::Invalid(e.to_string()))
        }
        Ok(match kind {
            "Pod" => Object::Pod(de(&value)?),
            "Node" => Object::Node(de(&value)?),
            "Service" => Object::Service(de(&value)?),
            "Namespace" => Object::Namespace(de(&value)?),
            "Event" => Object::Event(de(&value)?),
            "Endpoints" => Object::Endpoints(de(&value)?),
            "Lease" => Object::Lease(de(&value)?),
            "EndpointSlice" => Object::EndpointSlice(de(&value)?),
            other => return Err(DecodeError::UnknownKind(other.to_string())),
        })
    }

    /// The object as the API serves it in JSON (with apiVersion and kind).
    pub fn to_json(&self) -> serde_json::Value {
        self.as_ref().to_json()
    }
}
