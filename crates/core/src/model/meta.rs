//! Names, uids and the label rules of object metadata, and [`ResourceExt`] for reading
//! an object's metadata without `Option` chains.

use super::{Object, ObjectMeta, ObjectRef};
use std::collections::BTreeMap;

/// Reading an object's metadata (as kube-rs's `ResourceExt`): what is unset reads as
/// empty.
pub trait ResourceExt {
    /// The object's metadata.
    fn meta(&self) -> &ObjectMeta;

    /// The name, else the generateName prefix, else empty.
    fn name_any(&self) -> &str {
        let meta = self.meta();
        meta.name
            .as_deref()
            .or(meta.generate_name.as_deref())
            .unwrap_or_default()
    }

    /// The namespace, if the object has one.
    fn namespace(&self) -> Option<&str> {
        self.meta().namespace.as_deref()
    }

    /// The namespace, or empty for a cluster-scoped object.
    fn namespace_any(&self) -> &str {
        self.namespace().unwrap_or_default()
    }

    /// The uid, or empty before the API server has assigned one.
    fn uid_any(&self) -> &str {
        self.meta().uid.as_deref().unwrap_or_default()
    }

    /// The labels (none: empty).
    fn labels(&self) -> &BTreeMap<String, String> {
        self.meta().labels.as_ref().unwrap_or(&EMPTY)
    }

    /// The annotations (none: empty).
    fn annotations(&self) -> &BTreeMap<String, String> {
        self.meta().annotations.as_ref().unwrap_or(&EMPTY)
    }
}

static EMPTY: BTreeMap<String, String> = BTreeMap::new();

impl<T: k8s_openapi::Metadata<Ty = ObjectMeta>> ResourceExt for T {
    fn meta(&self) -> &ObjectMeta {
        self.metadata()
    }
}

impl ResourceExt for Object {
    fn meta(&self) -> &ObjectMeta {
        self.metadata()
    }
}

impl ResourceExt for ObjectRef<'_> {
    fn meta(&self) -> &ObjectMeta {
        self.metadata()
    }
}

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
            NameError::NotSubdomain => f.write_str(DNS1123_SUBDOMAIN_MSG),
            NameError::NotLabel => f.write_str(LABEL_MSG),
        }
    }
}

impl std::error::Error for NameError {}

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// Checks a DNS-1123 subdomain (object names): lower-case alphanumerics, '-' and '.',
/// starting and ending with an alphanumeric, at most 253 characters. Returns the
/// apiserver's message for an invalid name.
pub fn validate_dns1123_subdomain(name: &str) -> Result<(), NameError> {
    if name.len() > 253 {
        return Err(NameError::TooLong { max: 253 });
    }
    if !name.is_empty() && name.split('.').all(is_dns1123_label_body) {
        Ok(())
    } else {
        Err(NameError::NotSubdomain)
    }
}

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

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

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// apimachinery's `RegexError`: the message, the examples and the regex.
pub(crate) fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{regex}')"));
    out
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    let end = |c: u8| c.is_ascii_alphanumeric();
    !b.is_empty()
        && end(b[0])
        && end(b[b.len() - 1])
        && b.iter().all(|&c| end(c) || matches!(c, b'-' | b'_' | b'.'))
}

/// Every message of apimachinery's `validation.IsQualifiedName` (label keys,
/// annotation keys): an optional DNS subdomain prefix and `/`, then a name of at most 63
/// characters.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            return vec![format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// Every message of apimachinery's `validation.IsValidLabelValue`.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !value.is_empty() && !is_qualified_name_part(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            &format!("({QUALIFIED_NAME_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// Every message of apimachinery's `validation.IsDNS1123Subdomain` (the length and the
/// format are both checked).
pub fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if value.is_empty() || !value.split('.').all(is_dns1123_label_body) {
        errs.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    errs
}

/// Makes a uid (RFC 4122 version 4 layout) from 128 bits of the cluster's seeded
/// random stream, so uids are realistic yet reproducible.
pub fn uid_from_bits(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    // `{:08x}-{:04x}-{:04x}-{:04x}-{:012x}` of the five groups, digit by digit (one
    // per stamped object: the formatter's padding costs ten times as much).
    fn digits(out: &mut String, word: u64, from: u32, to: u32) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for nibble in (to..from).rev() {
            out.push(char::from(HEX[((word >> (4 * nibble)) & 15) as usize]));
        }
    }
    let mut out = String::with_capacity(36);
    digits(&mut out, hi, 16, 8);
    out.push('-');
    digits(&mut out, hi, 8, 4);
    out.push('-');
    digits(&mut out, hi, 4, 0);
    out.push('-');
    digits(&mut out, lo, 16, 12);
    out.push('-');
    digits(&mut out, lo, 12, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_formatted_as_the_formatter_pads_them() {
        for (hi, lo) in [
            (0, 0),
            (u64::MAX, u64::MAX),
            (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210),
        ] {
            let (h, l) = (
                hi & 0xffff_ffff_ffff_0fff | 0x4000,
                lo & 0x3fff_ffff_ffff_ffff | 1 << 63,
            );
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                h >> 32,
                (h >> 16) & 0xffff,
                h & 0xffff,
                l >> 48,
                l & 0xffff_ffff_ffff
            );
            assert_eq!(uid_from_bits(hi, lo), want);
        }
    }

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
