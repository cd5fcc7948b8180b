//! discovery.k8s.io/v1 EndpointSlices: SetDefaults_EndpointPort, the address type's
//! validation, and the store's writes. The EndpointSlice controller's slices take their
//! uids and generated names from a stream of their own (seeded with the object's
//! resourceVersion), as node leases do, so users' generated names, cluster IPs and node
//! ports stay what they were before slices were served.

use super::{key_of, ApiError, ApiServer, FieldError, Uids};
use crate::clock::{Rng, SimTime};
use crate::model::EndpointSlice;

/// The address types a slice may carry (discovery's supportedAddressTypes).
const ADDRESS_TYPES: &[&str] = &["FQDN", "IPv4", "IPv6"];

/// SetDefaults_EndpointPort: a port without a name has the empty name, without a
/// protocol TCP.
fn defaults(slice: &mut EndpointSlice) {
    for port in slice.ports.iter_mut().flatten() {
        port.name.get_or_insert_with(String::new);
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
}

/// ValidateEndpointSlice, the parts a hand-written slice runs into.
fn validate(slice: &EndpointSlice) -> Vec<FieldError> {
    let mut causes = super::validation::object_meta(&slice.metadata);
    match slice.address_type.as_str() {
        "" => causes.push(FieldError::required("addressType", "")),
        t if !ADDRESS_TYPES.contains(&t) => {
            causes.push(FieldError::not_supported("addressType", t, ADDRESS_TYPES))
        }
        _ => {}
    }
    for (i, ep) in slice.endpoints.iter().enumerate() {
        if ep.addresses.is_empty() {
            causes.push(FieldError::required(
                format!("endpoints[{i}].addresses"),
                "must contain at least 1 address",
            ));
        }
    }
    causes
}

impl ApiServer {
    /// A user's EndpointSlice: defaults, validation, the store.
    pub fn create_endpoint_slice(
        &mut self,
        slice: EndpointSlice,
        now: SimTime,
    ) -> Result<&EndpointSlice, ApiError> {
        self.admit_endpoint_slice(slice, now, Uids::Random)
    }

    /// The EndpointSlice controller's slice (`generateName` from the Service's name):
    /// its suffix and uid come from the slice's own stream.
    pub(crate) fn create_managed_endpoint_slice(
        &mut self,
        mut slice: EndpointSlice,
        now: SimTime,
    ) -> Result<&EndpointSlice, ApiError> {
        if slice
            .metadata
            .name
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        {
            let prefix = slice.metadata.generate_name.clone().unwrap_or_default();
            let mut own = Rng::new((self.resource_version + 1) ^ 0x656e_6470_6f69_6e74);
            slice.metadata.name = Some(format!("{prefix}{}", own.name_suffix(5)));
        }
        self.admit_endpoint_slice(slice, now, Uids::FromVersion)
    }

    fn admit_endpoint_slice(
        &mut self,
        mut slice: EndpointSlice,
        now: SimTime,
        uids: Uids,
    ) -> Result<&EndpointSlice, ApiError> {
        self.prepare_namespaced("EndpointSlice", &mut slice.metadata)?;
        // PrepareForCreate: the first generation.
        slice.metadata.generation = Some(1);
        defaulted_and_valid(&mut slice)?;
        self.insert_with(
            |a| &mut a.endpoint_slices,
            "endpointslices",
            slice,
            now,
            uids,
        )
    }

    /// Replaces a stored slice (the controller's writes, `kubectl apply`).
    pub fn update_endpoint_slice(
        &mut self,
        mut slice: EndpointSlice,
    ) -> Result<&EndpointSlice, ApiError> {
        defaulted_and_valid(&mut slice)?;
        // PrepareForUpdate: a new generation when anything but the metadata, or the
        // labels, changed.
        let (ns, name) = key_of(&slice.metadata);
        if let Some(old) = self.endpoint_slices.get(&ns, &name) {
            let generation = old.metadata.generation.unwrap_or_default();
            let changed = old.address_type != slice.address_type
                || old.endpoints != slice.endpoints
                || old.ports != slice.ports
                || old.metadata.labels != slice.metadata.labels;
            slice.metadata.generation = Some(generation + i64::from(changed));
        }
        self.replace(|a| &mut a.endpoint_slices, "endpointslices", slice)
    }

    pub fn delete_endpoint_slice(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<EndpointSlice, ApiError> {
        self.remove(
            |a| &mut a.endpoint_slices,
            "endpointslices",
            namespace,
            name,
        )
    }
}

/// The API server's defaults, then its validation of a slice being written.
fn defaulted_and_valid(slice: &mut EndpointSlice) -> Result<(), ApiError> {
    defaults(slice);
    let causes = validate(slice);
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::Invalid {
        kind: "EndpointSlice.discovery.k8s.io",
        name: key_of(&slice.metadata).1,
        causes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectMeta;
    use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort};

    #[test]
    fn defaults_and_validation() {
        let mut api = ApiServer::new(1, SimTime(0));
        let slice = EndpointSlice {
            metadata: ObjectMeta {
                name: Some("web-abcde".into()),
                ..Default::default()
            },
            address_type: "IPv4".into(),
            endpoints: vec![],
            ports: Some(vec![EndpointPort {
                port: Some(80),
                ..Default::default()
            }]),
        };
        let stored = api
            .create_endpoint_slice(slice.clone(), SimTime(0))
            .unwrap();
        assert_eq!(stored.metadata.generation, Some(1));
        let port = &stored.ports.as_ref().unwrap()[0];
        assert_eq!(port.name.as_deref(), Some(""));
        assert_eq!(port.protocol.as_deref(), Some("TCP"));
        let bad = EndpointSlice {
            address_type: "IPv5".into(),
            endpoints: vec![Endpoint::default()],
            ..slice
        };
        assert_eq!(
            api.create_endpoint_slice(bad, SimTime(0)).unwrap_err().to_string(),
            "The EndpointSlice.discovery.k8s.io \"web-abcde\" is invalid: \n* addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"\n* endpoints[0].addresses: Required value: must contain at least 1 address"
        );
    }
}
