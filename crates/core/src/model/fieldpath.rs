//! The downward API's field paths (`fieldRef.fieldPath`), resolved against a pod as
//! `fieldpath.ExtractFieldPathAsString` does.

use super::Pod;

/// A field path the downward API does not resolve: `unsupported fieldPath: PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedFieldPath(pub String);

impl std::fmt::Display for UnsupportedFieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unsupported fieldPath: {}", self.0)
    }
}

impl std::error::Error for UnsupportedFieldPath {}

/// The value of `path` for `pod`, or why the path is not supported.
pub fn extract(pod: &Pod, path: &str) -> Result<String, UnsupportedFieldPath> {
    let meta = &pod.metadata;
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    if let Some((map, key)) = subscript(path) {
        let source = match map {
            "metadata.labels" => meta.labels.as_ref(),
            "metadata.annotations" => meta.annotations.as_ref(),
            _ => return Err(UnsupportedFieldPath(path.to_string())),
        };
        return Ok(source.and_then(|m| m.get(key)).cloned().unwrap_or_default());
    }
    let map_text = |m: Option<&std::collections::BTreeMap<String, String>>| {
        m.map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
    };
    Ok(match path {
        "metadata.name" => meta.name.clone().unwrap_or_default(),
        "metadata.namespace" => meta.namespace.clone().unwrap_or_default(),
        "metadata.uid" => meta.uid.clone().unwrap_or_default(),
        "metadata.labels" => map_text(meta.labels.as_ref()),
        "metadata.annotations" => map_text(meta.annotations.as_ref()),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => spec
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_default(),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()).unwrap_or_default(),
        "status.hostIPs" => join_ips(
            status
                .and_then(|s| s.host_ips.as_ref())
                .into_iter()
                .flatten()
                .map(|i| &i.ip),
        ),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        "status.podIPs" => join_ips(
            status
                .and_then(|s| s.pod_ips.as_ref())
                .into_iter()
                .flatten()
                .map(|i| &i.ip),
        ),
        _ => return Err(UnsupportedFieldPath(path.to_string())),
    })
}

fn join_ips<'a>(ips: impl Iterator<Item = &'a String>) -> String {
    ips.map(String::as_str).collect::<Vec<_>>().join(",")
}

/// `metadata.labels['key']` → (`metadata.labels`, `key`).
fn subscript(path: &str) -> Option<(&str, &str)> {
    let (map, rest) = path.split_once("['")?;
    let key = rest.strip_suffix("']")?;
    Some((map, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "tea", "namespace": "default", "uid": "u-1", "labels": {"run": "tea", "app": "x"}},
            "spec": {"nodeName": "k8s-worker-01", "serviceAccountName": "default", "containers": []},
            "status": {"hostIP": "192.168.56.202", "podIP": "10.244.1.2", "podIPs": [{"ip": "10.244.1.2"}]}
        }))
        .unwrap();
        for (path, want) in [
            ("metadata.name", "tea"),
            ("metadata.namespace", "default"),
            ("metadata.uid", "u-1"),
            ("metadata.labels['run']", "tea"),
            ("metadata.labels['missing']", ""),
            ("metadata.labels", "app=\"x\"\nrun=\"tea\""),
            ("spec.nodeName", "k8s-worker-01"),
            ("spec.serviceAccountName", "default"),
            ("status.hostIP", "192.168.56.202"),
            ("status.podIP", "10.244.1.2"),
            ("status.podIPs", "10.244.1.2"),
        ] {
            assert_eq!(extract(&pod, path).as_deref(), Ok(want), "{path}");
        }
        assert!(extract(&pod, "spec.containers").is_err());
    }
}
