//! The content hash `--append-hash` adds to a ConfigMap's or Secret's name (kubectl's
//! pkg/util/hash): the SHA-256 of the object's kind, name, data (and type, immutable,
//! binaryData) as Go's `json.Marshal` writes them, its first ten hex digits with the
//! vowels and the digits that could spell words replaced.

use crate::model::{ConfigMap, Secret};
use base64::Engine;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// `ConfigMapHash`.
pub(crate) fn config_map(cm: &ConfigMap) -> String {
    let mut m = Map::new();
    m.insert("kind".into(), "ConfigMap".into());
    m.insert(
        "name".into(),
        cm.metadata.name.clone().unwrap_or_default().into(),
    );
    m.insert(
        "data".into(),
        match &cm.data {
            Some(d) => Value::Object(
                d.iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect(),
            ),
            // kubectl's generators start from an empty map.
            None => Value::Object(Map::new()),
        },
    );
    if let Some(i) = cm.immutable {
        m.insert("immutable".into(), i.into());
    }
    if let Some(b) = cm.binary_data.as_ref().filter(|b| !b.is_empty()) {
        m.insert(
            "binaryData".into(),
            bytes_map(b.iter().map(|(k, v)| (k, &v.0))),
        );
    }
    encode(&m)
}

/// `SecretHash`.
pub(crate) fn secret(s: &Secret) -> String {
    let mut m = Map::new();
    m.insert("kind".into(), "Secret".into());
    m.insert("type".into(), s.type_.clone().unwrap_or_default().into());
    m.insert(
        "name".into(),
        s.metadata.name.clone().unwrap_or_default().into(),
    );
    m.insert(
        "data".into(),
        match &s.data {
            Some(d) => bytes_map(d.iter().map(|(k, v)| (k, &v.0))),
            None => Value::Object(Map::new()),
        },
    );
    if let Some(i) = s.immutable {
        m.insert("immutable".into(), i.into());
    }
    encode(&m)
}

/// A map of byte values as Go marshals `map[string][]byte`: base64.
fn bytes_map<'a>(entries: impl Iterator<Item = (&'a String, &'a Vec<u8>)>) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    Value::Object(
        entries
            .map(|(k, v)| (k.clone(), b64.encode(v).into()))
            .collect(),
    )
}

/// `encodeHash(hash(json))`.
fn encode(m: &Map<String, Value>) -> String {
    let json = crate::gofmt::json_typed(&Value::Object(m.clone()), "", None);
    let digest = Sha256::digest(json.as_bytes());
    digest
        .iter()
        .take(5)
        .flat_map(|b| [b >> 4, b & 0xf])
        .map(|n| match n {
            0 => 'g',
            1 => 'h',
            3 => 'k',
            10 => 'm',
            14 => 't',
            n => char::from_digit(u32::from(n), 16).unwrap_or('0'),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectMeta;
    use k8s_openapi::ByteString;

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    /// The suffixes kubectl 1.32 prints for the same objects
    /// (`kubectl create ... --append-hash --dry-run=client -o yaml`).
    #[test]
    fn hashes_as_kubectl_computes_them() {
        let cm = |name: &str, data: &[(&str, &str)]| ConfigMap {
            metadata: meta(name),
            data: (!data.is_empty()).then(|| {
                data.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            ..Default::default()
        };
        assert_eq!(
            config_map(&cm("game-config", &[("a", "b"), ("c", "<&>")])),
            "47dkbh22dg"
        );
        assert_eq!(config_map(&cm("e", &[])), "gmbcf66h4d");
        let secret_of = |ty: Option<&str>| Secret {
            metadata: meta("s1"),
            data: Some([("k".to_string(), ByteString(b"v".to_vec()))].into()),
            type_: ty.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(secret(&secret_of(None)), "d2ccfhddkd");
        assert_eq!(secret(&secret_of(Some("Opaque"))), "m797dbd6b8");
    }
}
