//! Names, uids and the label rules of object metadata.

/// Why a name is not a valid DNS-1123 subdomain or label (the API server's message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    TooLong { max: usize },
    NotSubdomain,
    NotLabel,
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::TooLong { max } => write!(f, "must be no more than {max} characters"),
            NameError::NotSubdomain => f.write_str(SUBDOMAIN_MSG),
            NameError::NotLabel => f.write_str(LABEL_MSG),
        }
    }
}

impl std::error::Error for NameError {}

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// Checks a DNS-1123 subdomain (object names): lower-case alphanumerics, '-' and '.',
/// starting and ending with an alphanumeric, at most 253 characters. Returns the
/// apiserver's message for an invalid name.
pub fn validate_dns1123_subdomain(name: &str) -> Result<(), NameError> {
    if name.len() > 253 {
        return Err(NameError::TooLong { max: 253 });
    }
    let ok = !name.is_empty() && name.split('.').all(is_dns1123_label_body);
    if ok {
        Ok(())
    } else {
        Err(NameError::NotSubdomain)
    }
}

/// Checks a DNS-1123 label (container names, volume names): as a subdomain part, at
/// most 63 characters.
pub fn validate_dns1123_label(name: &str) -> Result<(), NameError> {
    if name.len() > 63 {
        return Err(NameError::TooLong { max: 63 });
    }
    if is_dns1123_label_body(name) {
        Ok(())
    } else {
        Err(NameError::NotLabel)
    }
}

fn is_dns1123_label_body(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && alnum(b[0])
        && alnum(b[b.len() - 1])
        && b.iter().all(|&c| alnum(c) || c == b'-')
}

/// Makes a uid (RFC 4122 version 4 layout) from 128 bits of the cluster's seeded
/// random stream, so uids are realistic yet reproducible.
pub fn uid_from_bits(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["nginx", "demo-web", "a.b-c", "0abc", "k8s-worker-01"] {
            assert!(validate_dns1123_subdomain(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Nginx", "-a", "a-", "a..b", "a_b", &"a".repeat(254)] {
            assert!(validate_dns1123_subdomain(bad).is_err(), "{bad}");
        }
        assert!(validate_dns1123_label("git-pull").is_ok());
        assert!(validate_dns1123_label("a.b").is_err());
    }

    #[test]
    fn uid_layout() {
        let u = uid_from_bits(0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
