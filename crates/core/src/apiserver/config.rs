//! v1 ConfigMaps and Secrets as the API server serves them: a Secret's `stringData`
//! merged into `data` and its type defaulted to Opaque (the v1 conversion and
//! `SetDefaults_Secret`), `ValidateConfigMap`/`ValidateSecret` with their messages
//! (keys, the 1 MiB limit, the keys each Secret type requires) and the updates
//! `immutable` refuses.

use super::error::{ApiError, FieldError};
use super::{validation, ApiServer};
use crate::clock::SimTime;
use crate::model::config::{self, key_errors, MAX_SIZE};
use crate::model::{ConfigMap, ObjectMeta, Secret};
use k8s_openapi::ByteString;

const IMMUTABLE: &str = "field is immutable when `immutable` is set";

pub(super) fn name_and_meta(meta: &ObjectMeta, errs: &mut Vec<FieldError>) {
    let name = meta.name.as_deref().unwrap_or_default();
    if let Err(msg) = crate::model::meta::validate_dns1123_subdomain(name) {
        errs.push(FieldError::invalid("metadata.name", name, &msg.to_string()));
    }
    errs.extend(validation::object_meta(meta));
}

/// `ValidateConfigMap`.
pub(crate) fn validate_config_map(cm: &ConfigMap) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&cm.metadata, &mut errs);
    let mut total = 0;
    for (key, value) in cm.data.iter().flatten() {
        for msg in key_errors(key) {
            errs.push(FieldError::invalid(format!("data[{key}]"), key, &msg));
        }
        if cm.binary_data.as_ref().is_some_and(|b| b.contains_key(key)) {
            errs.push(FieldError::invalid(
                format!("data[{key}]"),
                key,
                "duplicate of key present in binaryData",
            ));
        }
        total += value.len();
    }
    for (key, value) in cm.binary_data.iter().flatten() {
        for msg in key_errors(key) {
            errs.push(FieldError::invalid(format!("binaryData[{key}]"), key, &msg));
        }
        total += value.0.len();
    }
    if total > MAX_SIZE {
        errs.push(FieldError::too_long("[]", MAX_SIZE));
    }
    errs
}

/// `ValidateSecret`: keys, size and what the type requires.
pub(crate) fn validate_secret(s: &Secret) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&s.metadata, &mut errs);
    let data = s.data.clone().unwrap_or_default();
    let mut total = 0;
    for (key, value) in &data {
        for msg in key_errors(key) {
            errs.push(FieldError::invalid(format!("data[{key}]"), key, &msg));
        }
        total += value.0.len();
    }
    if total > MAX_SIZE {
        errs.push(FieldError::too_long("data", MAX_SIZE));
    }
    let required = |key: &str, errs: &mut Vec<FieldError>| {
        errs.push(FieldError::required(format!("data[{key}]"), ""));
    };
    let json = |key: &str, errs: &mut Vec<FieldError>| match data.get(key) {
        None => required(key, errs),
        Some(v) => {
            if let Some(detail) = not_a_json_object(&v.0) {
                errs.push(FieldError::invalid(
                    format!("data[{key}]"),
                    "<secret contents redacted>",
                    detail,
                ));
            }
        }
    };
    match s.type_.as_deref().unwrap_or_default() {
        config::TYPE_SERVICE_ACCOUNT_TOKEN => {
            let name = "kubernetes.io/service-account.name";
            let annotations = s.metadata.annotations.as_ref();
            if annotations
                .and_then(|a| a.get(name))
                .is_none_or(|v| v.is_empty())
            {
                errs.push(FieldError::required(
                    format!("metadata.annotations[{name}]"),
                    "",
                ));
            }
        }
        config::TYPE_DOCKERCFG => json(".dockercfg", &mut errs),
        config::TYPE_DOCKER_CONFIG_JSON => json(".dockerconfigjson", &mut errs),
        config::TYPE_BASIC_AUTH
            if !data.contains_key("username") && !data.contains_key("password") =>
        {
            required("username", &mut errs);
            required("password", &mut errs);
        }
        config::TYPE_SSH_AUTH if data.get("ssh-privatekey").is_none_or(|v| v.0.is_empty()) => {
            required("ssh-privatekey", &mut errs);
        }
        config::TYPE_TLS => {
            for key in ["tls.crt", "tls.key"] {
                if !data.contains_key(key) {
                    required(key, &mut errs);
                }
            }
        }
        _ => {}
    }
    errs
}

/// Go's `json.Unmarshal` error for a document that is not a JSON object (into a
/// `map[string]interface{}`), near enough; `None` for an object. The text is read as
/// a `serde_json::Value`, as other JSON in core is, so the bundle keeps one parser.
fn not_a_json_object(bytes: &[u8]) -> Option<&'static str> {
    let invalid = "invalid character looking for beginning of value";
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(invalid);
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => None,
        Ok(_) => Some("json: cannot unmarshal into Go value of type map[string]interface {}"),
        Err(e) if e.is_eof() => Some("unexpected end of JSON input"),
        Err(_) => Some(invalid),
    }
}

/// The v1 → internal conversion's merge of `stringData` into `data` (its keys win),
/// and `SetDefaults_Secret`'s Opaque type.
fn prepare_secret(s: &mut Secret) {
    if let Some(strings) = s.string_data.take() {
        let data = s.data.get_or_insert_with(Default::default);
        for (k, v) in strings {
            data.insert(k, ByteString(v.into_bytes()));
        }
    }
    if s.type_.as_deref().unwrap_or_default().is_empty() {
        s.type_ = Some(config::TYPE_OPAQUE.into());
    }
}

fn immutable(old: Option<bool>, new: Option<bool>, same_data: bool, errs: &mut Vec<FieldError>) {
    if old != Some(true) {
        return;
    }
    if new != Some(true) {
        errs.push(FieldError::forbidden("immutable", IMMUTABLE));
    }
    if !same_data {
        errs.push(FieldError::forbidden("data", IMMUTABLE));
    }
}

pub(super) fn invalid(kind: &'static str, meta: &ObjectMeta, causes: Vec<FieldError>) -> ApiError {
    ApiError::Invalid {
        kind,
        name: meta.name.clone().unwrap_or_default(),
        causes,
    }
}

pub(super) fn keep_system_fields(old: &ObjectMeta, new: &mut ObjectMeta) {
    new.uid = old.uid.clone();
    new.creation_timestamp = old.creation_timestamp.clone();
}

/// The ConfigMap of the cluster's CA every namespace has (the root-ca-cert-publisher's).
pub const ROOT_CA_CONFIG_MAP: &str = "kube-root-ca.crt";

/// The cluster's CA certificate.
pub(crate) const ROOT_CA: &str =
    "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIPodlabCA==\n-----END CERTIFICATE-----\n";

/// The publisher's description of its ConfigMap.
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// The root CA ConfigMap as the publisher writes it in `namespace`.
pub(crate) fn root_ca_config_map(namespace: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(ROOT_CA_CONFIG_MAP.into()),
            namespace: Some(namespace.into()),
            annotations: Some(
                [(
                    "kubernetes.io/description".to_string(),
                    ROOT_CA_DESCRIPTION.to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        data: Some([("ca.crt".to_string(), ROOT_CA.to_string())].into()),
        ..Default::default()
    }
}

impl ApiServer {
    /// The root-ca-cert-publisher's create of a namespace's CA ConfigMap (its uid from
    /// its resourceVersion, so users' objects keep theirs).
    pub(crate) fn create_root_ca_config_map(&mut self, namespace: &str, now: SimTime) -> bool {
        let mut cm = root_ca_config_map(namespace);
        if self
            .prepare_namespaced("ConfigMap", &mut cm.metadata)
            .is_err()
        {
            return false;
        }
        self.insert_with(
            |a| &mut a.config_maps,
            "configmaps",
            cm,
            now,
            super::Uids::FromVersion,
        )
        .is_ok()
    }

    /// The publisher puts back what a user changed of the ConfigMap.
    pub(crate) fn reset_root_ca_config_map(&mut self, namespace: &str) -> bool {
        let Some(mut cm) = self.config_maps.get(namespace, ROOT_CA_CONFIG_MAP).cloned() else {
            return false;
        };
        cm.data = root_ca_config_map(namespace).data;
        cm.binary_data = None;
        self.replace(|a| &mut a.config_maps, "configmaps", cm)
            .is_ok()
    }

    /// A ConfigMap POST.
    pub fn create_config_map(
        &mut self,
        mut cm: ConfigMap,
        now: SimTime,
    ) -> Result<&ConfigMap, ApiError> {
        self.prepare_namespaced("ConfigMap", &mut cm.metadata)?;
        let causes = validate_config_map(&cm);
        if !causes.is_empty() {
            return Err(invalid("ConfigMap", &cm.metadata, causes));
        }
        self.insert(|a| &mut a.config_maps, "configmaps", cm, now)
    }

    /// A ConfigMap PUT: validated as on create; an immutable one keeps its data.
    pub fn update_config_map(&mut self, mut cm: ConfigMap) -> Result<&ConfigMap, ApiError> {
        let (ns, name) = super::key_of(&cm.metadata);
        let Some(old) = self.config_maps.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "configmaps",
                name,
            });
        };
        let mut causes = Vec::new();
        let same = old.data == cm.data && old.binary_data == cm.binary_data;
        immutable(old.immutable, cm.immutable, same, &mut causes);
        causes.extend(validate_config_map(&cm));
        if !causes.is_empty() {
            return Err(invalid("ConfigMap", &cm.metadata, causes));
        }
        keep_system_fields(&old.metadata, &mut cm.metadata);
        self.replace(|a| &mut a.config_maps, "configmaps", cm)
    }

    /// A Secret POST: stringData merged into data, the type defaulted, validated.
    pub fn create_secret(&mut self, mut s: Secret, now: SimTime) -> Result<&Secret, ApiError> {
        self.prepare_namespaced("Secret", &mut s.metadata)?;
        prepare_secret(&mut s);
        let causes = validate_secret(&s);
        if !causes.is_empty() {
            return Err(invalid("Secret", &s.metadata, causes));
        }
        self.insert(|a| &mut a.secrets, "secrets", s, now)
    }

    /// A Secret PUT: the type cannot change; an immutable one keeps its data.
    pub fn update_secret(&mut self, mut s: Secret) -> Result<&Secret, ApiError> {
        let (ns, name) = super::key_of(&s.metadata);
        let Some(old) = self.secrets.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "secrets",
                name,
            });
        };
        prepare_secret(&mut s);
        let mut causes = Vec::new();
        if s.type_ != old.type_ {
            causes.push(FieldError::invalid(
                "type",
                s.type_.as_deref().unwrap_or_default(),
                "field is immutable",
            ));
        }
        immutable(old.immutable, s.immutable, old.data == s.data, &mut causes);
        causes.extend(validate_secret(&s));
        if !causes.is_empty() {
            return Err(invalid("Secret", &s.metadata, causes));
        }
        keep_system_fields(&old.metadata, &mut s.metadata);
        self.replace(|a| &mut a.secrets, "secrets", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(ty: &str, keys: &[&str]) -> Secret {
        Secret {
            metadata: ObjectMeta {
                name: Some("s".into()),
                ..Default::default()
            },
            type_: Some(ty.into()),
            data: Some(
                keys.iter()
                    .map(|k| (k.to_string(), ByteString(b"{}".to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn texts(errs: Vec<FieldError>) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn secret_types_require_their_keys() {
        for (ty, keys, want) in [
            ("Opaque", &[][..], vec![]),
            (
                "kubernetes.io/tls",
                &[][..],
                vec![
                    "data[tls.crt]: Required value",
                    "data[tls.key]: Required value",
                ],
            ),
            ("kubernetes.io/tls", &["tls.crt", "tls.key"][..], vec![]),
            (
                "kubernetes.io/dockerconfigjson",
                &[][..],
                vec!["data[.dockerconfigjson]: Required value"],
            ),
            (
                "kubernetes.io/dockerconfigjson",
                &[".dockerconfigjson"][..],
                vec![],
            ),
            (
                "kubernetes.io/basic-auth",
                &[][..],
                vec![
                    "data[username]: Required value",
                    "data[password]: Required value",
                ],
            ),
            ("kubernetes.io/basic-auth", &["username"][..], vec![]),
            (
                "kubernetes.io/ssh-auth",
                &[][..],
                vec!["data[ssh-privatekey]: Required value"],
            ),
        ] {
            assert_eq!(texts(validate_secret(&secret(ty, keys))), want, "{ty}");
        }
        let mut bad = secret("kubernetes.io/dockerconfigjson", &[".dockerconfigjson"]);
        bad.data
            .as_mut()
            .unwrap()
            .insert(".dockerconfigjson".into(), ByteString(b"nope".to_vec()));
        assert_eq!(
            texts(validate_secret(&bad)),
            vec!["data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character looking for beginning of value"]
        );
    }

    #[test]
    fn string_data_is_merged_and_the_type_defaulted() {
        let mut s = secret("", &["a"]);
        s.string_data = Some([("a".to_string(), "x".to_string())].into());
        prepare_secret(&mut s);
        assert_eq!(s.type_.as_deref(), Some("Opaque"));
        assert!(s.string_data.is_none());
        assert_eq!(s.data.unwrap()["a"].0, b"x");
    }

    #[test]
    fn config_map_keys_and_size() {
        let cm = ConfigMap {
            metadata: ObjectMeta {
                name: Some("c".into()),
                ..Default::default()
            },
            data: Some(
                [
                    ("a b".to_string(), "x".to_string()),
                    ("big".to_string(), "x".repeat(MAX_SIZE)),
                ]
                .into(),
            ),
            ..Default::default()
        };
        let errs = texts(validate_config_map(&cm));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
        assert_eq!(errs[1], "[]: Too long: must have at most 1048576 bytes");
    }
}
