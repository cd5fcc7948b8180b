//! A pod's restart policy (`spec.restartPolicy`), typed: parsed once from the spec where
//! a decision is made, instead of compared as text.

use super::PodSpec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `core/v1.RestartPolicy`. The API server defaults an unset policy to `Always` and
/// accepts no other text, so a stored pod always has one of the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RestartPolicy {
    #[default]
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    /// The names the API accepts, in the order its validation lists them.
    pub const NAMES: &'static [&'static str] = &["Always", "OnFailure", "Never"];

    /// The policy named `text`; `None` for anything else.
    pub fn parse(text: &str) -> Option<RestartPolicy> {
        match text {
            "Always" => Some(RestartPolicy::Always),
            "OnFailure" => Some(RestartPolicy::OnFailure),
            "Never" => Some(RestartPolicy::Never),
            _ => None,
        }
    }

    /// The policy of a pod spec, `Always` when unset (as the API server defaults it).
    pub fn of(spec: &PodSpec) -> RestartPolicy {
        spec.restart_policy
            .as_deref()
            .and_then(RestartPolicy::parse)
            .unwrap_or_default()
    }

    /// The policy as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RestartPolicy::Always => "Always",
            RestartPolicy::OnFailure => "OnFailure",
            RestartPolicy::Never => "Never",
        }
    }

    /// Whether a container that exited with `code` is started again.
    pub fn restarts(self, code: i32) -> bool {
        match self {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => code != 0,
            RestartPolicy::Never => false,
        }
    }
}

impl fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_round_trip_and_default_to_always() {
        for name in RestartPolicy::NAMES {
            assert_eq!(
                RestartPolicy::parse(name).map(RestartPolicy::as_str),
                Some(*name)
            );
        }
        assert_eq!(RestartPolicy::parse("always"), None);
        assert_eq!(
            RestartPolicy::of(&PodSpec::default()),
            RestartPolicy::Always
        );
        // Stored in snapshots as the API's text.
        assert_eq!(
            serde_json::to_string(&RestartPolicy::OnFailure).unwrap(),
            "\"OnFailure\""
        );
        assert!(RestartPolicy::OnFailure.restarts(1) && !RestartPolicy::OnFailure.restarts(0));
        assert!(RestartPolicy::Always.restarts(0) && !RestartPolicy::Never.restarts(1));
    }
}
