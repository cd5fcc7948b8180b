//! What the API server does with a user's create and update of each served kind: the
//! kind's own admission (defaults, validation, allocation), reached through one generic
//! dispatch ([`ApiServer::create_object`], [`ApiServer::update_object`]) generated from
//! the kinds table.

use super::{ApiError, ApiServer};
use crate::clock::SimTime;
use crate::model::{
    ConfigMap, ControllerRevision, EndpointSlice, Endpoints, Event, Job, Lease, Namespace, Node,
    Object, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, PriorityClass,
    Secret, Service, ServiceAccount, StorageClass,
};

/// A kind's create and update as the API server handles a user's request.
pub(crate) trait Served: Sized {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError>;
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError>;
}

/// Creates one object of its kind: `Object::Pod` goes to [`Served::create`] for `Pod`.
fn create<T: Served + Clone>(
    api: &mut ApiServer,
    object: T,
    now: SimTime,
    wrap: fn(Box<T>) -> Object,
) -> Result<Object, ApiError> {
    T::create(api, object, now).map(|o| wrap(Box::new(o.clone())))
}

fn update<T: Served + Clone>(
    api: &mut ApiServer,
    object: T,
    wrap: fn(Box<T>) -> Object,
) -> Result<Object, ApiError> {
    T::update(api, object).map(|o| wrap(Box::new(o.clone())))
}

macro_rules! dispatch {
    ($({ $variant:ident, $ty:ty, $store:ident, $info:ident, $($fields:tt)* })*) => {
        impl ApiServer {
            /// A user's create of any served kind, as its kind admits it; the object as
            /// stored.
            pub fn create_object(&mut self, object: Object, now: SimTime) -> Result<Object, ApiError> {
                match object {
                    $(Object::$variant(o) => create(self, *o, now, Object::$variant),)*
                }
            }

            /// A user's update of any served kind, validated as its kind validates
            /// updates; the object as stored.
            pub fn update_object(&mut self, object: Object) -> Result<Object, ApiError> {
                match object {
                    $(Object::$variant(o) => update(self, *o, Object::$variant),)*
                }
            }
        }
    };
}
crate::model::kinds::with_kinds!(dispatch);

/// The workload kinds (Deployment, ReplicaSet, DaemonSet, CronJob) are served through
/// their REST strategy's shared steps.
impl<T: super::apps::WorkloadStrategy> Served for T {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_workload(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_workload_by_user(object)
    }
}

impl Served for Pod {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_pod(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_pod_by_user(object)
    }
}

impl Served for Node {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_node(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_node(object)
    }
}

impl Served for Service {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_service(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_service_by_user(object)
    }
}

impl Served for Namespace {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_namespace(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_namespace(object)
    }
}

impl Served for Event {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_event(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_event(object)
    }
}

impl Served for Endpoints {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_endpoints(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_endpoints(object)
    }
}

impl Served for Lease {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_lease(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_lease(object)
    }
}

impl Served for EndpointSlice {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_endpoint_slice(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_endpoint_slice(object)
    }
}

impl Served for ConfigMap {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_config_map(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_config_map(object)
    }
}

impl Served for Secret {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_secret(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_secret(object)
    }
}

impl Served for Job {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_job(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_job_by_user(object)
    }
}

impl Served for PriorityClass {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_priority_class(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_priority_class(object)
    }
}

impl Served for ControllerRevision {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_controller_revision(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_controller_revision(object)
    }
}

impl Served for ServiceAccount {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_service_account(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_service_account(object)
    }
}

impl Served for PersistentVolume {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_persistent_volume(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_persistent_volume(object)
    }
}

impl Served for PersistentVolumeClaim {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_persistent_volume_claim(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_persistent_volume_claim(object)
    }
}

impl Served for StorageClass {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_storage_class(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_storage_class(object)
    }
}

impl Served for PodDisruptionBudget {
    fn create(api: &mut ApiServer, object: Self, now: SimTime) -> Result<&Self, ApiError> {
        api.create_pod_disruption_budget(object, now)
    }
    fn update(api: &mut ApiServer, object: Self) -> Result<&Self, ApiError> {
        api.update_pod_disruption_budget(object)
    }
}
