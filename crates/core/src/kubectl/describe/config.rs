//! `kubectl describe configmap` (describeConfigMap: each key and its value, binary keys
//! by size) and `kubectl describe secret` (describeSecret: sizes only, never values).

use super::writer::*;
use crate::clock::SimTime;
use crate::model::{ConfigMap, Event, Secret};

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
