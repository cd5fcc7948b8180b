//! Simulated time. Nothing in core reads a wall clock: the cluster's clock moves only
//! when `Cluster::advance` is called, so every run is reproducible.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::{Deserialize, Serialize};

/// Milliseconds of simulated time since the cluster was created.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// The wall-clock instant simulated time 0 stands for: 2026-01-05T09:00:00Z.
pub const EPOCH_UNIX_MS: i64 = 1_767_603_600_000;

impl SimTime {
    pub fn from_secs(s: u64) -> SimTime {
        SimTime(s * 1000)
    }

    pub fn plus_ms(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }

    /// The instant as an API timestamp (whole seconds, as the API server stores them).
    pub fn to_time(self) -> Time {
        let secs = (EPOCH_UNIX_MS + self.0 as i64) / 1000 * 1000;
        Time(k8s_openapi::jiff::Timestamp::from_millisecond(secs).unwrap_or_default())
    }

    /// Simulated time of an API timestamp (0 when it predates the cluster).
    pub fn from_time(t: &Time) -> SimTime {
        SimTime((t.0.as_millisecond() - EPOCH_UNIX_MS).max(0) as u64)
    }
}

/// A small, fast, seeded random stream (SplitMix64). Used for uids, generated name
/// suffixes and scheduler tie-breaks; the same seed always gives the same cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A random suffix as Kubernetes' name generator makes them (`kube-api-access-7xq2m`).
    pub fn name_suffix(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = SimTime::from_secs(90).plus_ms(500).to_time();
        assert_eq!(serde_json::to_value(&t).unwrap(), "2026-01-05T09:01:30Z");
        assert_eq!(SimTime::from_time(&t), SimTime::from_secs(90));
    }

    #[test]
    fn rng_is_reproducible() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.name_suffix(5), b.name_suffix(5));
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}

/// A duration [`parse_duration`] does not take: the text as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDuration(pub String);

impl std::fmt::Display for InvalidDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid duration {:?}: use a number with ms, s, m or h (e.g. 500ms, 10s, 5m, 1h)",
            self.0
        )
    }
}

impl std::error::Error for InvalidDuration {}

/// Parses a duration as the CLI and `kubectl --timeout` take them: `500ms`, `10s`,
/// `5m`, `1h`, `1h30m`, or a bare number of seconds. Returns milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, InvalidDuration> {
    let err = || InvalidDuration(text.to_string());
    if text.is_empty() {
        return Err(err());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return secs.checked_mul(1000).ok_or_else(err);
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        if digits == 0 {
            return Err(err());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(err()),
        };
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(err)?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        for (t, ms) in [
            ("500ms", 500),
            ("10s", 10_000),
            ("5m", 300_000),
            ("1h", 3_600_000),
            ("1h30m", 5_400_000),
            ("7", 7000),
        ] {
            assert_eq!(parse_duration(t), Ok(ms), "{t}");
        }
        for bad in ["", "s", "10x", "1.5s", "-1s", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

/// systemd's timestamp: `Mon 2026-01-05 09:00:00 UTC`.
pub fn systemd_timestamp(t: SimTime) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%a %Y-%m-%d %H:%M:%S UTC", t.to_time().0)
        .unwrap_or_default()
}
