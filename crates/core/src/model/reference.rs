//! Container image references as the kubelet and the API server's defaulting read them:
//! `reference.ParseNormalizedNamed` of github.com/distribution/reference (used through
//! k8s.io/kubernetes/pkg/util/parsers), with the library's error texts.

/// An image reference normalised as containerd and the kubelet read it
/// (`reference.ParseNormalizedNamed` of github.com/distribution/reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry host (`docker.io`, `registry.k8s.io`, `localhost:5000`).
    pub domain: String,
    /// The repository path on the registry (`library/nginx`, `ansilh/demo-tea`).
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl Reference {
    /// The name Docker Hub users write (`nginx`, `ansilh/demo-tea`), the full name for
    /// any other registry (`registry.k8s.io/busybox`): how the registry's images are keyed.
    pub fn familiar(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            let path = self.path.strip_prefix("library/").unwrap_or(&self.path);
            path.to_string()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The tag, `latest` when neither a tag nor a digest is given.
    pub fn tag_or_latest(&self) -> &str {
        match (&self.tag, &self.digest) {
            (Some(t), _) => t,
            (None, Some(_)) => "",
            (None, None) => "latest",
        }
    }
}

const DEFAULT_DOMAIN: &str = "docker.io";

/// Why a reference does not parse; `Display` is the distribution library's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceError {
    /// A 64-character hexadecimal name (it would read as an image id).
    HexName(String),
    /// The repository name (given) has upper case.
    UpperCaseRepository(String),
    NameTooLong,
    UpperCase,
    InvalidFormat,
}

impl std::fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReferenceError::HexName(s) => write!(
                f,
                "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
            ),
            ReferenceError::UpperCaseRepository(remote) => write!(
                f,
                "invalid reference format: repository name ({remote}) must be lowercase"
            ),
            ReferenceError::NameTooLong => {
                f.write_str("repository name must not be more than 255 characters")
            }
            ReferenceError::UpperCase => f.write_str("repository name must be lowercase"),
            ReferenceError::InvalidFormat => f.write_str("invalid reference format"),
        }
    }
}

impl std::error::Error for ReferenceError {}

/// `ParseNormalizedNamed`: a reference without a registry is on Docker Hub
/// (`docker.io/library/` for a one-part name); the first component is a registry when
/// it has a dot or a port, is `localhost`, or has upper case. The error is the
/// library's text (`invalid reference format`, ...).
pub fn parse_normalized(s: &str) -> Result<Reference, ReferenceError> {
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ReferenceError::HexName(s.to_string()));
    }
    let (mut domain, mut remainder) = match s.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || has_upper_case(first) =>
        {
            (first.to_string(), rest.to_string())
        }
        _ => (DEFAULT_DOMAIN.to_string(), s.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DEFAULT_DOMAIN.into();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("library/{remainder}");
    }
    let remote = remainder.split(':').next().unwrap_or_default();
    if has_upper_case(remote) {
        return Err(ReferenceError::UpperCaseRepository(remote.to_string()));
    }
    let full = format!("{domain}/{remainder}");
    match parse(&full) {
        Some(r) if r.name_len > 255 => Err(ReferenceError::NameTooLong),
        Some(r) => Ok(Reference {
            domain,
            path: full[domain_len(&full, &r)..r.name_len].to_string(),
            tag: r.tag,
            digest: r.digest,
        }),
        None if parse(&full.to_lowercase()).is_some() => Err(ReferenceError::UpperCase),
        None => Err(ReferenceError::InvalidFormat),
    }
}

/// Whether lower-casing `s` changes it (without building the lower-case copy for the
/// ASCII names nearly every reference has).
fn has_upper_case(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.to_lowercase() != s
    }
}

/// The parts of a reference `ReferenceRegexp` matched.
struct Parsed {
    /// The length of the name (registry and path).
    name_len: usize,
    /// Whether the first component was read as a registry host.
    has_domain: bool,
    tag: Option<String>,
    digest: Option<String>,
}

fn domain_len(full: &str, r: &Parsed) -> usize {
    if r.has_domain {
        full.find('/').map_or(0, |i| i + 1)
    } else {
        0
    }
}

/// `name [":" tag] ["@" digest]` with the grammar of distribution/reference.
fn parse(s: &str) -> Option<Parsed> {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let (algorithm, hex) = d.split_once(':')?;
        let algorithm_ok = algorithm.split(['-', '_', '+', '.']).all(|c| {
            c.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && c.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !algorithm_ok || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
    }
    // A tag follows the last ':' when no '/' comes after it.
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let b = t.as_bytes();
        if b.is_empty()
            || b.len() > 128
            || !word(b[0])
            || !b.iter().all(|&c| word(c) || c == b'.' || c == b'-')
        {
            return None;
        }
    }
    let parts: Vec<&str> = name.split('/').collect();
    let has_domain = if parts.len() > 1
        && is_domain(parts[0])
        && parts[1..].iter().all(|p| is_path_component(p))
    {
        true
    } else if parts.iter().all(|p| is_path_component(p)) {
        false
    } else {
        return None;
    };
    Some(Parsed {
        name_len: name.len(),
        has_domain,
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// `host [":" port]`: dot-separated components of letters, digits and inner dashes, or
/// a bracketed IPv6 address.
fn is_domain(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || s.starts_with('[') => (h, Some(p)),
        _ => (s, None),
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
        })
}

/// `[a-z0-9]+` runs joined by one of `.`, `_`, `__` or dashes.
fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &s[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// distribution/reference's errors, as the kubelet reports them.
    #[test]
    fn invalid_names() {
        for (image, want) in [
            ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
            ("nginx:", "invalid reference format"),
            ("nginx:1.27:x", "invalid reference format"),
            ("nginx latest", "invalid reference format"),
            ("-nginx", "invalid reference format"),
            ("nginx@sha256:abc", "invalid reference format"),
            ("ansilh/Demo-tea", "invalid reference format: repository name (ansilh/Demo-tea) must be lowercase"),
            (
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings",
            ),
        ] {
            assert_eq!(parse_normalized(image).unwrap_err().to_string(), want, "{image}");
        }
        for good in [
            "nginx",
            "a__b",
            "a_b.c-d",
            "my---app",
            "localhost:5000/x/y:v1.2_3",
            "Registry.io/x",
            "[::1]:5000/x",
        ] {
            assert!(parse_normalized(good).is_ok(), "{good}");
        }
    }
}
