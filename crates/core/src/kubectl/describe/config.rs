//! `kubectl describe configmap` (describeConfigMap: each key and its value, binary keys
//! by size) and `kubectl describe secret` (describeSecret: sizes only, never values).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::{ConfigMap, Event, Secret, ServiceAccount};

/// `kubectl describe configmap`.
pub fn config_map(cm: &ConfigMap, cm_events: &[&Event], now: SimTime) -> String {
    let mut w = Writer::new();
    object_header(&mut w, &cm.metadata);
    w.write(0, "\nData\n====\n");
    for (k, v) in cm.data.iter().flatten() {
        w.write(0, &format!("{k}:\n----\n"));
        w.write(0, &format!("{v}\n"));
        w.write(0, "\n");
    }
    w.write(0, "\nBinaryData\n====\n");
    for (k, v) in cm.binary_data.iter().flatten() {
        w.write(0, &format!("{k}: {} bytes\n", v.0.len()));
    }
    w.write(0, "\n");
    events(&mut w, cm_events, now);
    w.finish()
}

/// `kubectl describe secret`: a service-account token is shown, every other value
/// only by its size.
pub fn secret(s: &Secret) -> String {
    let mut w = Writer::new();
    object_header(&mut w, &s.metadata);
    let ty = s.type_.as_deref().unwrap_or_default();
    w.write(0, &format!("\nType:\t{ty}\n"));
    w.write(0, "\nData\n====\n");
    for (k, v) in s.data.iter().flatten() {
        if k == "token" && ty == crate::model::config::TYPE_SERVICE_ACCOUNT_TOKEN {
            w.write(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&v.0)));
        } else {
            w.write(0, &format!("{k}:\t{} bytes\n", v.0.len()));
        }
    }
    w.finish()
}

/// `kubectl describe serviceaccount` (describeServiceAccount): its image pull and
/// mountable secrets (`(not found)` after one missing), and the token Secrets
/// annotated with its name, each list under its header, the headers in sorted order.
pub fn service_account(
    sa: &ServiceAccount,
    secrets: &[&Secret],
    sa_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let ns = sa.metadata.namespace.as_deref().unwrap_or_default();
    let name = sa.metadata.name.as_deref().unwrap_or_default();
    object_header(&mut w, &sa.metadata);
    let in_ns = |s: &&&Secret| s.metadata.namespace.as_deref() == Some(ns);
    let exists = |n: &str| {
        secrets
            .iter()
            .filter(in_ns)
            .any(|s| s.metadata.name.as_deref() == Some(n))
    };
    let pull: Vec<&str> = sa
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|r| r.name.as_str())
        .collect();
    let mount: Vec<&str> = sa
        .secrets
        .iter()
        .flatten()
        .filter_map(|r| r.name.as_deref())
        .collect();
    let tokens: Vec<&str> = secrets
        .iter()
        .filter(in_ns)
        .filter(|s| s.type_.as_deref() == Some(crate::model::config::TYPE_SERVICE_ACCOUNT_TOKEN))
        .filter(|s| {
            s.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .is_some_and(|n| n == name)
        })
        .filter_map(|s| s.metadata.name.as_deref())
        .collect();
    for (header, names, check) in [
        ("Image pull secrets:", pull, true),
        ("Mountable secrets: ", mount, true),
        ("Tokens:            ", tokens, false),
    ] {
        if names.is_empty() {
            w.write(0, &format!("{header}\t<none>\n"));
        }
        for (i, n) in names.iter().enumerate() {
            let prefix = if i == 0 {
                header
            } else {
                "                   "
            };
            let missing = if check && !exists(n) {
                " (not found)"
            } else {
                ""
            };
            w.write(0, &format!("{prefix}\t{n}{missing}\n"));
        }
    }
    events(&mut w, sa_events, now);
    w.finish()
}
