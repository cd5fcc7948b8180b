//! Host ports: the (host IP, protocol, port) a container port takes on its node
//! (`hostPort`), typed, with the conflict rule of kube-scheduler's `HostPortInfo`.

use super::Pod;
use std::fmt;

/// A port's protocol (`core/v1.Protocol`). The API server defaults an unset protocol to
/// TCP; a value outside the three is kept as written (nothing validates it yet), so that
/// two such ports still compare as their texts do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
    Other(String),
}

impl Protocol {
    /// The protocol named `text` (`TCP`, `UDP`, `SCTP`; anything else as written).
    pub fn parse(text: &str) -> Protocol {
        match text {
            "TCP" => Protocol::Tcp,
            "UDP" => Protocol::Udp,
            "SCTP" => Protocol::Sctp,
            other => Protocol::Other(other.to_string()),
        }
    }

    /// The protocol a port's `protocol` field gives: TCP when unset, as the API server
    /// defaults it.
    pub fn of(text: Option<&str>) -> Protocol {
        text.map_or(Protocol::Tcp, Protocol::parse)
    }

    /// The protocol as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
            Protocol::Other(s) => s,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The host IP a port binds when `hostIP` is unset or empty: every address.
pub const ANY_IP: &str = "0.0.0.0";

/// One port a pod takes on its node's host network namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostPort {
    /// `hostIP`, [`ANY_IP`] when unset.
    pub ip: String,
    pub protocol: Protocol,
    pub port: i32,
}

impl HostPort {
    pub fn new(ip: &str, protocol: Protocol, port: i32) -> HostPort {
        HostPort {
            ip: if ip.is_empty() { ANY_IP } else { ip }.to_string(),
            protocol,
            port,
        }
    }

    /// Whether the port binds every address of the host.
    pub fn is_any_ip(&self) -> bool {
        self.ip == ANY_IP
    }

    /// `HostPortInfo.CheckConflict`: the same protocol and port on the same IP, where
    /// [`ANY_IP`] overlaps every IP.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        self.protocol == other.protocol
            && self.port == other.port
            && (self.ip == other.ip || self.is_any_ip() || other.is_any_ip())
    }
}

/// `ip/protocol/port`, as kube-scheduler's tests write a host port.
impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.protocol, self.ip, self.port)
    }
}

/// The host ports of every container port of `pod` that sets a positive `hostPort`, of
/// app and init containers (kube-scheduler counts only restartable init containers,
/// sidecars with `restartPolicy: Always`; Podlab counts every one for now).
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.ports.iter().flatten())
        .filter(|p| p.host_port.is_some_and(|h| h > 0))
        .map(|p| {
            HostPort::new(
                p.host_ip.as_deref().unwrap_or_default(),
                Protocol::of(p.protocol.as_deref()),
                p.host_port.unwrap_or_default(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kube-scheduler's `TestHostPortInfo_Check` rule, as `ip/protocol/port` pairs.
    #[test]
    fn host_ports_conflict_as_kube_scheduler_checks() {
        let t = |ip: &str, proto: &str, port: i32| HostPort::new(ip, Protocol::parse(proto), port);
        let cases = [
            (t("0.0.0.0", "TCP", 80), t("10.0.0.1", "TCP", 80), true),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.2", "TCP", 80), false),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.1", "UDP", 80), false),
            (t("10.0.0.1", "TCP", 80), t("10.0.0.1", "TCP", 81), false),
            (t("10.0.0.1", "TCP", 80), t("0.0.0.0", "TCP", 80), true),
            (t("", "TCP", 80), t("127.0.0.1", "TCP", 80), true),
            (t("127.0.0.1", "SCTP", 80), t("127.0.0.1", "SCTP", 80), true),
            (t("127.0.0.1", "tcp", 80), t("127.0.0.1", "TCP", 80), false),
            (t("127.0.0.1", "tcp", 80), t("127.0.0.1", "tcp", 80), true),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.conflicts(&b), want, "{a} {b}");
        }
    }

    #[test]
    fn protocols_round_trip_their_text() {
        for text in ["TCP", "UDP", "SCTP", "tcp", ""] {
            assert_eq!(Protocol::parse(text).as_str(), text);
        }
        assert_eq!(Protocol::default(), Protocol::Tcp);
        assert_eq!(
            HostPort::new("", Protocol::Udp, 53).to_string(),
            "UDP/0.0.0.0/53"
        );
    }
}
