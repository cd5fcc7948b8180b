//! Validation of a container's probes and lifecycle hooks, with the API server's paths
//! and messages (validateLivenessProbe, validateReadinessProbe, validateStartupProbe,
//! validateProbe, validateHandler, validateLifecycle).

use super::validation::port_name_errors;
use super::FieldError;
use crate::model::Container;
use k8s_openapi::api::core::v1::{
    ExecAction, GRPCAction, HTTPGetAction, LifecycleHandler, Probe, SleepAction, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// apimachinery's IsNegativeErrorMsg.
const NEGATIVE: &str = "must be greater than or equal to 0";

/// Whether a container is an app container or an init container (a sidecar, with
/// restartPolicy Always, may have probes and hooks; another may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
    App,
    Init,
}

/// The probes and lifecycle of container `c` at `base` (`spec.containers[0]`), with
/// the pod's terminationGracePeriodSeconds.
pub(super) fn container(
    c: &Container,
    base: &str,
    group: Group,
    grace: Option<i64>,
    errs: &mut Vec<FieldError>,
) {
    let sidecar = c.restart_policy.as_deref() == Some("Always");
    if group == Group::Init && !sidecar {
        const NOT_INIT: &str = "may not be set for init containers without restartPolicy=Always";
        for (name, set) in [
            ("lifecycle", c.lifecycle.is_some()),
            ("livenessProbe", c.liveness_probe.is_some()),
            ("readinessProbe", c.readiness_probe.is_some()),
            ("startupProbe", c.startup_probe.is_some()),
        ] {
            if set {
                errs.push(FieldError::forbidden(format!("{base}.{name}"), NOT_INIT));
            }
        }
        return;
    }
    if let Some(l) = &c.lifecycle {
        for (name, h) in [("postStart", &l.post_start), ("preStop", &l.pre_stop)] {
            if let Some(h) = h {
                lifecycle_handler(h, &format!("{base}.lifecycle.{name}"), grace, errs);
            }
        }
    }
    if let Some(p) = &c.liveness_probe {
        let at = format!("{base}.livenessProbe");
        probe(p, &at, errs);
        must_be_one(p, &at, errs);
    }
    if let Some(p) = &c.readiness_probe {
        let at = format!("{base}.readinessProbe");
        probe(p, &at, errs);
        if let Some(t) = p.termination_grace_period_seconds {
            errs.push(FieldError::invalid_int(
                format!("{at}.terminationGracePeriodSeconds"),
                t,
                "must not be set for readinessProbes",
            ));
        }
    }
    if let Some(p) = &c.startup_probe {
        let at = format!("{base}.startupProbe");
        probe(p, &at, errs);
        must_be_one(p, &at, errs);
    }
}

fn must_be_one(p: &Probe, at: &str, errs: &mut Vec<FieldError>) {
    let s = p.success_threshold.unwrap_or(1);
    if s != 1 {
        errs.push(FieldError::invalid_int(
            format!("{at}.successThreshold"),
            s.into(),
            "must be 1",
        ));
    }
}

/// validateProbe: exactly one handler, non-negative numbers, a positive probe-level
/// terminationGracePeriodSeconds.
pub(super) fn probe(p: &Probe, at: &str, errs: &mut Vec<FieldError>) {
    handler(
        Handlers {
            exec: p.exec.as_ref(),
            http_get: p.http_get.as_ref(),
            tcp_socket: p.tcp_socket.as_ref(),
            grpc: p.grpc.as_ref(),
            sleep: None,
        },
        at,
        None,
        errs,
    );
    for (name, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("periodSeconds", p.period_seconds),
        ("successThreshold", p.success_threshold),
        ("failureThreshold", p.failure_threshold),
    ] {
        if let Some(v) = v.filter(|v| *v < 0) {
            errs.push(FieldError::invalid_int(
                format!("{at}.{name}"),
                v.into(),
                NEGATIVE,
            ));
        }
    }
    if let Some(t) = p.termination_grace_period_seconds.filter(|t| *t <= 0) {
        errs.push(FieldError::invalid_int(
            format!("{at}.terminationGracePeriodSeconds"),
            t,
            "must be greater than 0",
        ));
    }
}

fn lifecycle_handler(
    h: &LifecycleHandler,
    at: &str,
    grace: Option<i64>,
    errs: &mut Vec<FieldError>,
) {
    handler(
        Handlers {
            exec: h.exec.as_ref(),
            http_get: h.http_get.as_ref(),
            tcp_socket: h.tcp_socket.as_ref(),
            grpc: None,
            sleep: h.sleep.as_ref(),
        },
        at,
        grace,
        errs,
    );
}

struct Handlers<'a> {
    exec: Option<&'a ExecAction>,
    http_get: Option<&'a HTTPGetAction>,
    tcp_socket: Option<&'a TCPSocketAction>,
    grpc: Option<&'a GRPCAction>,
    sleep: Option<&'a SleepAction>,
}

/// validateHandler: one handler type, each checked.
fn handler(h: Handlers<'_>, at: &str, grace: Option<i64>, errs: &mut Vec<FieldError>) {
    const MORE: &str = "may not specify more than 1 handler type";
    let mut n = 0;
    let mut one = |name: &str, errs: &mut Vec<FieldError>| -> bool {
        if n > 0 {
            errs.push(FieldError::forbidden(format!("{at}.{name}"), MORE));
            false
        } else {
            n += 1;
            true
        }
    };
    if let Some(e) = h.exec {
        if one("exec", errs) && e.command.as_deref().unwrap_or_default().is_empty() {
            errs.push(FieldError::required(format!("{at}.exec.command"), ""));
        }
    }
    if let Some(g) = h.http_get {
        if one("httpGet", errs) {
            http_get(g, &format!("{at}.httpGet"), errs);
        }
    }
    if let Some(t) = h.tcp_socket {
        if one("tcpSocket", errs) {
            port_num_or_name(&t.port, &format!("{at}.tcpSocket.port"), errs);
        }
    }
    if let Some(g) = h.grpc {
        if one("grpc", errs) {
            port_num_or_name(&IntOrString::Int(g.port), &format!("{at}.grpc.port"), errs);
        }
    }
    if let Some(s) = h.sleep {
        if one("sleep", errs) {
            let grace =
                grace.unwrap_or(crate::apiserver::defaults::TERMINATION_GRACE_PERIOD_SECONDS);
            if s.seconds < 0 || s.seconds > grace {
                errs.push(FieldError::invalid_int(
                    format!("{at}.sleep"),
                    s.seconds,
                    &format!(
                        "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                    ),
                ));
            }
        }
    }
    if n == 0 {
        errs.push(FieldError::required(at, "must specify a handler type"));
    }
}

fn http_get(g: &HTTPGetAction, at: &str, errs: &mut Vec<FieldError>) {
    if g.path.as_deref().unwrap_or_default().is_empty() {
        errs.push(FieldError::required(format!("{at}.path"), ""));
    }
    port_num_or_name(&g.port, &format!("{at}.port"), errs);
    let scheme = g.scheme.as_deref().unwrap_or_default();
    if !matches!(scheme, "HTTP" | "HTTPS") {
        errs.push(FieldError::not_supported(
            format!("{at}.scheme"),
            scheme,
            &["HTTP", "HTTPS"],
        ));
    }
    for h in g.http_headers.iter().flatten() {
        let valid = !h.name.is_empty()
            && h.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            errs.push(FieldError::invalid(
                format!("{at}.httpHeaders"),
                &h.name,
                "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
            ));
        }
    }
}

/// ValidatePortNumOrName.
fn port_num_or_name(port: &IntOrString, at: &str, errs: &mut Vec<FieldError>) {
    match port {
        IntOrString::Int(n) => {
            if !(1..=65535).contains(n) {
                errs.push(FieldError::invalid_int(
                    at,
                    (*n).into(),
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        IntOrString::String(s) if s.is_empty() => errs.push(FieldError::required(at, "")),
        IntOrString::String(s) => {
            for msg in port_name_errors(s) {
                errs.push(FieldError::invalid(at, s, &msg));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(c: serde_json::Value, group: Group) -> Vec<String> {
        let c: Container = serde_json::from_value(c).unwrap();
        let mut errs = Vec::new();
        container(&c, "spec.containers[0]", group, Some(30), &mut errs);
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn probes_and_hooks_table() {
        let table = [
            (json!({"name": "a", "livenessProbe": {"exec": {"command": ["true"]}, "successThreshold": 1}}), Group::App, vec![]),
            (
                json!({"name": "a", "startupProbe": {"exec": {"command": []}, "successThreshold": 3}}),
                Group::App,
                vec![
                    "spec.containers[0].startupProbe.exec.command: Required value",
                    "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1",
                ],
            ),
            (
                json!({"name": "a", "readinessProbe": {"successThreshold": 3, "tcpSocket": {"port": "http_port"}}}),
                Group::App,
                vec!["spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: \"http_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"],
            ),
            (
                json!({"name": "a", "livenessProbe": {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP", "httpHeaders": [{"name": "Bad Header", "value": "x"}]}, "terminationGracePeriodSeconds": 0}}),
                Group::App,
                vec![
                    "spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: \"Bad Header\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
                    "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0",
                ],
            ),
            (
                json!({"name": "a", "lifecycle": {"postStart": {}}}),
                Group::App,
                vec!["spec.containers[0].lifecycle.postStart: Required value: must specify a handler type"],
            ),
            (
                json!({"name": "a", "livenessProbe": {"grpc": {"port": 0}}}),
                Group::App,
                vec!["spec.containers[0].livenessProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
            ),
            (
                json!({"name": "a", "readinessProbe": {"exec": {"command": ["true"]}}}),
                Group::Init,
                vec!["spec.containers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"],
            ),
            (
                json!({"name": "a", "restartPolicy": "Always", "readinessProbe": {"exec": {"command": ["true"]}}}),
                Group::Init,
                vec![],
            ),
        ];
        for (c, group, want) in table {
            assert_eq!(errors(c.clone(), group), want, "{c}");
        }
    }
}
