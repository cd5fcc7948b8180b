//! What ConfigMaps and Secrets share between the API server, the kubelet and kubectl:
//! the key rule (apimachinery's `IsConfigMapKey`), the size limit, the Secret types
//! and a Secret's bytes.

use super::{ConfigMap, Secret};
use std::collections::BTreeMap;

/// `core.MaxSecretSize`: what a ConfigMap's or a Secret's data may hold, 1 MiB.
pub(crate) const MAX_SIZE: usize = 1024 * 1024;

/// The Secret types the API server knows the keys of.
pub(crate) const TYPE_OPAQUE: &str = "Opaque";
pub(crate) const TYPE_TLS: &str = "kubernetes.io/tls";
pub(crate) const TYPE_DOCKER_CONFIG_JSON: &str = "kubernetes.io/dockerconfigjson";
pub(crate) const TYPE_DOCKERCFG: &str = "kubernetes.io/dockercfg";
pub(crate) const TYPE_BASIC_AUTH: &str = "kubernetes.io/basic-auth";
pub(crate) const TYPE_SSH_AUTH: &str = "kubernetes.io/ssh-auth";
pub(crate) const TYPE_SERVICE_ACCOUNT_TOKEN: &str = "kubernetes.io/service-account-token";

const KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const KEY_FMT: &str = "[-._a-zA-Z0-9]+";

/// `IsConfigMapKey`: the API server's messages for a key of a ConfigMap's or a Secret's
/// data (empty when the key is fine).
pub(crate) fn key_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    if !ok {
        errs.push(super::meta::regex_error(
            KEY_MSG,
            KEY_FMT,
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    match key {
        "." => errs.push("must not be '.'".into()),
        ".." => errs.push("must not be '..'".into()),
        k if k.starts_with("..") => errs.push("must not start with '..'".into()),
        _ => {}
    }
    errs
}

/// A ConfigMap's keys and values as bytes: `data`, then `binaryData`.
pub(crate) fn config_map_bytes(cm: &ConfigMap) -> BTreeMap<String, Vec<u8>> {
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (k, v) in cm.data.iter().flatten() {
        out.insert(k.clone(), v.as_bytes().to_vec());
    }
    for (k, v) in cm.binary_data.iter().flatten() {
        out.insert(k.clone(), v.0.clone());
    }
    out
}

/// A Secret's keys and (decoded) values.
pub(crate) fn secret_bytes(s: &Secret) -> BTreeMap<String, Vec<u8>> {
    s.data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keys_table() {
        let rule = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
        for (key, want) in [
            ("game.properties", vec![]),
            ("UI_PROPERTIES_FILE_NAME", vec![]),
            ("a-b_c.d", vec![]),
            (".hidden", vec![]),
            ("", vec![rule]),
            ("a b", vec![rule]),
            ("a/b", vec![rule]),
            ("é", vec![rule]),
            (".", vec!["must not be '.'"]),
            ("..", vec!["must not be '..'"]),
            ("..data", vec!["must not start with '..'"]),
        ] {
            assert_eq!(key_errors(key), want, "{key:?}");
        }
        let long = "a".repeat(254);
        assert_eq!(
            key_errors(&long),
            vec!["must be no more than 253 characters"]
        );
    }
}
