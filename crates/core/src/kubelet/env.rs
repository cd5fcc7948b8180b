//! A container's environment, as the kubelet builds it (kubelet_pods.go
//! makeEnvironmentVariables): the image's Env, the Service variables enableServiceLinks
//! adds, then the container's own `env` in order with `$(VAR)` references expanded and
//! `valueFrom` resolved (fieldRef through the downward API, resourceFieldRef,
//! configMapKeyRef and secretKeyRef), after `envFrom`'s ConfigMaps and Secrets.

use crate::apiserver::ApiServer;
use crate::model::config::{config_map_bytes, secret_bytes};
use crate::model::{fieldpath, quantity, Container, Pod, Service};
use std::collections::BTreeMap;

/// `$(VAR)` expansion as k8s.io/kubernetes/third_party/forked/golang/expansion:
/// `$$` escapes a dollar; an unknown `$(VAR)` stays as written.
pub fn expand(input: &str, vars: &BTreeMap<String, String>) -> String {
    let b = input.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            match b[i + 1] {
                b'$' => {
                    out.push_str(&input[last..i]);
                    out.push('$');
                    i += 2;
                    last = i;
                    continue;
                }
                b'(' => {
                    if let Some(end) = input[i + 2..].find(')') {
                        let name = &input[i + 2..i + 2 + end];
                        out.push_str(&input[last..i]);
                        match vars.get(name) {
                            Some(v) => out.push_str(v),
                            None => out.push_str(&input[i..i + 3 + end]),
                        }
                        i += 3 + end;
                        last = i;
                        continue;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push_str(&input[last..]);
    out
}

/// The variables one Service contributes (`TEA_SERVICE_HOST`, `TEA_PORT_80_TCP`, ...),
/// into `out`. Every container start builds them, so names are joined, not formatted.
pub fn service_vars(svc: &Service, out: &mut BTreeMap<String, String>) {
    let Some(spec) = &svc.spec else { return };
    let ip = spec.cluster_ip.as_deref().unwrap_or_default();
    if ip.is_empty() || ip == "None" {
        return;
    }
    let upper = |s: &str| s.to_ascii_uppercase().replace('-', "_");
    let name = upper(svc.metadata.name.as_deref().unwrap_or_default());
    let ports = spec.ports.as_deref().unwrap_or_default();
    let Some(first) = ports.first() else {
        return;
    };
    let proto = |p: &k8s_openapi::api::core::v1::ServicePort| {
        crate::model::ports::Protocol::of(p.protocol.as_deref())
    };
    let url = |scheme: &str, port: &str| [scheme, "://", ip, ":", port].concat();
    out.insert([&name, "_SERVICE_HOST"].concat(), ip.to_string());
    out.insert([&name, "_SERVICE_PORT"].concat(), first.port.to_string());
    for p in ports {
        if let Some(pn) = &p.name {
            out.insert(
                [&name, "_SERVICE_PORT_", &upper(pn)].concat(),
                p.port.to_string(),
            );
        }
    }
    let first_scheme = proto(first).as_str().to_ascii_lowercase();
    out.insert(
        [&name, "_PORT"].concat(),
        url(&first_scheme, &first.port.to_string()),
    );
    for p in ports {
        let pr = proto(p);
        let scheme = pr.as_str().to_ascii_lowercase();
        let port = p.port.to_string();
        let prefix = [&name, "_PORT_", &port, "_", pr.as_str()].concat();
        out.insert(prefix.clone(), url(&scheme, &port));
        out.insert([&prefix, "_PORT"].concat(), port);
        out.insert([&prefix, "_PROTO"].concat(), scheme);
        out.insert([&prefix, "_ADDR"].concat(), ip.to_string());
    }
}

/// Why a container's environment could not be built (kubelet reports
/// CreateContainerConfigError).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError(pub String);

pub(super) use crate::apiserver::config::{ROOT_CA, ROOT_CA_CONFIG_MAP};

/// Which object a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConfigSource {
    ConfigMap,
    Secret,
}

impl ConfigSource {
    /// As the kubelet's managers name it in `configmap "x" not found`.
    fn resource(self) -> &'static str {
        match self {
            ConfigSource::ConfigMap => "configmap",
            ConfigSource::Secret => "secret",
        }
    }

    /// As makeEnvironmentVariables names it in `couldn't find key k in ConfigMap ns/x`.
    fn kind(self) -> &'static str {
        match self {
            ConfigSource::ConfigMap => "ConfigMap",
            ConfigSource::Secret => "Secret",
        }
    }
}

/// A ConfigMap or Secret the kubelet's managers did not find; `Display` is their
/// not-found text (`configmap "x" not found`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceNotFound {
    source: ConfigSource,
    name: String,
}

impl std::fmt::Display for SourceNotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?} not found", self.source.resource(), self.name)
    }
}

impl std::error::Error for SourceNotFound {}

/// A ConfigMap's or a Secret's keys and values as the kubelet's managers get them.
pub(crate) fn lookup(
    api: &ApiServer,
    source: ConfigSource,
    namespace: &str,
    name: &str,
) -> Result<BTreeMap<String, Vec<u8>>, SourceNotFound> {
    let found = match source {
        ConfigSource::ConfigMap => api.config_maps.get(namespace, name).map(config_map_bytes),
        ConfigSource::Secret => api.secrets.get(namespace, name).map(secret_bytes),
    };
    if found.is_none() && source == ConfigSource::ConfigMap && name == ROOT_CA_CONFIG_MAP {
        // Every namespace's root CA bundle (the root-ca-cert-publisher's ConfigMap,
        // before the publisher made it), as the service-account volume reads it.
        return Ok([("ca.crt".to_string(), ROOT_CA.as_bytes().to_vec())].into());
    }
    found.ok_or_else(|| SourceNotFound {
        source,
        name: name.to_string(),
    })
}

/// One `configMapKeyRef`/`secretKeyRef`: `None` when optional and missing.
fn key_ref(
    api: &ApiServer,
    source: ConfigSource,
    namespace: &str,
    name: &str,
    key: &str,
    optional: bool,
) -> Result<Option<String>, EnvError> {
    let data = match lookup(api, source, namespace, name) {
        Ok(d) => d,
        Err(_) if optional => return Ok(None),
        Err(e) => return Err(EnvError(e.to_string())),
    };
    match data.get(key) {
        Some(v) => Ok(Some(String::from_utf8_lossy(v).into_owned())),
        None if optional => Ok(None),
        None => Err(EnvError(format!(
            "couldn't find key {key} in {} {namespace}/{name}",
            source.kind()
        ))),
    }
}

/// The environment of `container` in `pod`, with `services` of its namespace and the
/// image's variables; `allocatable` gives limits defaults for resourceFieldRef; `api`
/// holds the ConfigMaps and Secrets `envFrom` and `valueFrom` read.
pub fn build(
    pod: &Pod,
    container: &Container,
    image_env: &[(&str, &str)],
    services: &[&Service],
    allocatable: (i128, i128),
    api: &ApiServer,
) -> Result<BTreeMap<String, String>, EnvError> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in image_env {
        env.insert((*k).to_string(), (*v).to_string());
    }
    env.insert(
        "HOSTNAME".into(),
        pod.metadata.name.clone().unwrap_or_default(),
    );
    env.insert("HOME".into(), "/root".into());
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let links = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    // The `kubernetes` service's variables are always there; others with service links.
    for svc in services {
        let is_master = svc.metadata.name.as_deref() == Some("kubernetes")
            && svc.metadata.namespace.as_deref() == Some("default");
        if links || is_master {
            service_vars(svc, &mut vars);
        }
    }
    // envFrom first; `env` replaces what it set.
    for from in container.env_from.iter().flatten() {
        let prefix = from.prefix.as_deref().unwrap_or_default();
        let (source, name, optional) = if let Some(r) = &from.config_map_ref {
            (ConfigSource::ConfigMap, &r.name, r.optional)
        } else if let Some(r) = &from.secret_ref {
            (ConfigSource::Secret, &r.name, r.optional)
        } else {
            continue;
        };
        match lookup(api, source, namespace, name) {
            Ok(data) => {
                for (k, v) in data {
                    env.insert(format!("{prefix}{k}"), String::from_utf8_lossy(&v).into());
                }
            }
            Err(_) if optional == Some(true) => {}
            Err(e) => return Err(EnvError(e.to_string())),
        }
    }
    for e in container.env.iter().flatten() {
        let value = if let Some(from) = &e.value_from {
            if let Some(f) = &from.field_ref {
                fieldpath::extract(pod, &f.field_path).map_err(|e| EnvError(e.to_string()))?
            } else if let Some(r) = &from.resource_field_ref {
                resource_value(
                    container,
                    &r.resource,
                    r.divisor.as_ref().map(|d| d.0.as_str()),
                    allocatable,
                )?
            } else if let Some(r) = &from.config_map_key_ref {
                let optional = r.optional == Some(true);
                let source = ConfigSource::ConfigMap;
                match key_ref(api, source, namespace, &r.name, &r.key, optional)? {
                    Some(v) => v,
                    None => continue,
                }
            } else if let Some(r) = &from.secret_key_ref {
                let optional = r.optional == Some(true);
                let source = ConfigSource::Secret;
                match key_ref(api, source, namespace, &r.name, &r.key, optional)? {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                String::new()
            }
        } else {
            // $(VAR) sees the variables defined so far plus the service variables.
            let mut scope = vars.clone();
            scope.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
            expand(e.value.as_deref().unwrap_or(""), &scope)
        };
        env.insert(e.name.clone(), value);
    }
    for (k, v) in vars {
        env.entry(k).or_insert(v);
    }
    Ok(env)
}

/// resourceFieldRef: requests/limits of cpu, memory, ephemeral-storage, in `divisor`
/// units rounded up (limits default to the node's allocatable).
pub(super) fn resource_value(
    c: &Container,
    resource: &str,
    divisor: Option<&str>,
    allocatable: (i128, i128),
) -> Result<String, EnvError> {
    let (kind, name) = resource
        .split_once('.')
        .ok_or_else(|| EnvError(format!("unsupported container resource : {resource:?}")))?;
    let res = c.resources.clone().unwrap_or_default();
    let map = match kind {
        "limits" => res.limits,
        "requests" => res.requests,
        _ => {
            return Err(EnvError(format!(
                "unsupported container resource : {resource:?}"
            )))
        }
    };
    let milli = map
        .as_ref()
        .and_then(|m| m.get(name))
        .and_then(|q| quantity::parse_milli(&q.0).ok());
    let milli = match (milli, kind, name) {
        (Some(v), _, _) => v,
        (None, "limits", "cpu") => allocatable.0,
        (None, "limits", "memory") => allocatable.1,
        (None, _, _) => 0,
    };
    let div = match divisor {
        Some(d) => quantity::parse_milli(d).map_err(|e| EnvError(e.to_string()))?,
        None => 1000,
    };
    if div <= 0 {
        return Ok("0".into());
    }
    Ok(((milli + div - 1) / div).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_follows_the_api_rules() {
        let vars: BTreeMap<String, String> = [("A".to_string(), "x".to_string())].into();
        for (input, want) in [
            ("$(A)", "x"),
            ("$(A)-$(B)", "x-$(B)"),
            ("$$(A)", "$(A)"),
            ("$A", "$A"),
            ("$(A", "$(A"),
            ("a$", "a$"),
        ] {
            assert_eq!(expand(input, &vars), want, "{input}");
        }
    }
}
