//! v1 ServiceAccounts as the API server serves them (`ValidateServiceAccount`: the
//! name a DNS subdomain, the metadata checks), and what the ServiceAccount admission
//! plugin (plugin/pkg/admission/serviceaccount) asks of a new pod: that the account
//! it names exists, and whether its token is mounted.

use super::config::{invalid, keep_system_fields, name_and_meta};
use super::error::{ApiError, FieldError};
use super::{ApiServer, Uids};
use crate::clock::SimTime;
use crate::model::{ObjectMeta, Pod, ServiceAccount};

/// The account every namespace has, and a pod without `serviceAccountName` runs as.
pub const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// Whether admission mounts the service-account token into a pod's containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenMount {
    Mount,
    Skip,
}

/// `ValidateServiceAccount`.
pub(crate) fn validate_service_account(sa: &ServiceAccount) -> Vec<FieldError> {
    let mut errs = Vec::new();
    name_and_meta(&sa.metadata, &mut errs);
    errs
}

/// The issuer and default audience of the API server's tokens.
pub const TOKEN_ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

/// The lifetime the admission plugin asks for a pod's token, and what the API server
/// makes of it (a year).
const WARN_ONLY_SECONDS: i64 = 3607;
const EXTENDED_SECONDS: i64 = 365 * 24 * 3600;

/// An object's name and uid, as a token names what it is bound to.
pub(crate) type NameUid<'a> = (&'a str, &'a str);

/// What a bound service-account token asserts.
pub(crate) struct TokenClaims<'a> {
    pub namespace: &'a str,
    /// The account's name and uid.
    pub account: (&'a str, &'a str),
    /// The pod and its node a kubelet's token is bound to.
    pub pod: Option<(NameUid<'a>, NameUid<'a>)>,
    pub audiences: Vec<String>,
    /// Issued at (Unix seconds) and lifetime (seconds).
    pub issued: i64,
    pub lifetime: i64,
    /// The token's id (a UUID).
    pub id: String,
}

/// A JWT as the API server's token issuer signs one, deterministic: the header
/// `{"alg":"RS256","kid":...}`; the claims `aud` (the audiences), `exp`, `iat` and
/// `nbf` (issued, and issued + lifetime), `iss` (the API server), `jti` (the id),
/// `kubernetes.io` (the namespace, the `serviceaccount` name and uid, for a kubelet's
/// token also the `pod` and `node` it is bound to, and `warnafter` when its lifetime was extended), and `sub`
/// (`system:serviceaccount:NAMESPACE:NAME`), keys sorted as Go's encoder writes a
/// map; the signature is 256 bytes (an RSA-2048 one's length), not a real signature:
/// a SplitMix64 stream seeded by a hash of the encoded header and claims
/// ([`crate::hash::FxHasher`]).
pub(crate) fn token(c: &TokenClaims<'_>) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let header = r#"{"alg":"RS256","kid":"cG9kbGFiLXNlcnZpY2UtYWNjb3VudC1rZXk"}"#;
    let claims = claims_json(c);
    let mut signed = String::with_capacity(4 * (header.len() + claims.len()) / 3 + 8 + 344);
    B64.encode_string(header, &mut signed);
    signed.push('.');
    B64.encode_string(claims, &mut signed);
    // The signed string is hashed once (a word at a time: a SHA-1 of it was a twentieth
    // of a 10,000-pod scale-up); the signature's bytes are a SplitMix64 stream seeded
    // by that hash.
    let mut hasher = crate::hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, signed.as_bytes());
    let mut stream = crate::clock::Rng::new(std::hash::Hasher::finish(&hasher));
    let mut signature = [0u8; 256];
    for word in signature.chunks_exact_mut(8) {
        word.copy_from_slice(&stream.next_u64().to_be_bytes());
    }
    signed.push('.');
    B64.encode_string(signature, &mut signed);
    signed
}

/// The claims of [`token`] as Go's encoder writes them (keys sorted, no spaces),
/// strings escaped as serde_json escapes them.
fn claims_json(c: &TokenClaims<'_>) -> String {
    let mut lifetime = c.lifetime;
    let mut warn_after = None;
    if c.pod.is_some() && lifetime == WARN_ONLY_SECONDS {
        // The admission plugin's 3607 s asks for an extended token: valid a year, with
        // use after the 3607 s only warned about (--service-account-extend-token-expiration).
        warn_after = Some(c.issued + WARN_ONLY_SECONDS);
        lifetime = EXTENDED_SECONDS;
    }
    let name_uid = |out: &mut String, key: &str, (name, uid): (&str, &str)| {
        out.push('"');
        out.push_str(key);
        out.push_str("\":{\"name\":");
        json_string(out, name);
        out.push_str(",\"uid\":");
        json_string(out, uid);
        out.push('}');
    };
    let mut out = String::with_capacity(640);
    out.push_str("{\"aud\":[");
    for (i, a) in c.audiences.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(&mut out, a);
    }
    out.push_str("],\"exp\":");
    out.push_str(&(c.issued + lifetime).to_string());
    out.push_str(",\"iat\":");
    out.push_str(&c.issued.to_string());
    out.push_str(",\"iss\":");
    json_string(&mut out, TOKEN_ISSUER);
    out.push_str(",\"jti\":");
    json_string(&mut out, &c.id);
    out.push_str(",\"kubernetes.io\":{\"namespace\":");
    json_string(&mut out, c.namespace);
    if let Some((pod, node)) = c.pod {
        out.push(',');
        name_uid(&mut out, "node", node);
        out.push(',');
        name_uid(&mut out, "pod", pod);
    }
    out.push(',');
    name_uid(&mut out, "serviceaccount", c.account);
    if let Some(w) = warn_after {
        out.push_str(",\"warnafter\":");
        out.push_str(&w.to_string());
    }
    out.push_str("},\"nbf\":");
    out.push_str(&c.issued.to_string());
    out.push_str(",\"sub\":\"");
    json_escaped(&mut out, "system:serviceaccount:");
    json_escaped(&mut out, c.namespace);
    out.push(':');
    json_escaped(&mut out, c.account.0);
    out.push_str("\"}");
    out
}

/// `s` as a JSON string.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    json_escaped(out, s);
    out.push('"');
}

/// `s` escaped as serde_json escapes a string's characters: `"` and `\`, the control
/// characters (`\b`, `\f`, `\n`, `\r`, `\t`, the rest as `\u00XX`); nothing else.
fn json_escaped(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 15]));
            }
            c => out.push(c),
        }
    }
}

/// Seconds since the Unix epoch at simulated time `t`.
pub(crate) fn unix_seconds(t: SimTime) -> i64 {
    (crate::clock::EPOCH_UNIX_MS + t.0 as i64) / 1000
}

impl ApiServer {
    /// A ServiceAccount POST.
    pub fn create_service_account(
        &mut self,
        mut sa: ServiceAccount,
        now: SimTime,
    ) -> Result<&ServiceAccount, ApiError> {
        self.prepare_namespaced("ServiceAccount", &mut sa.metadata)?;
        let causes = validate_service_account(&sa);
        if !causes.is_empty() {
            return Err(invalid("ServiceAccount", &sa.metadata, causes));
        }
        self.insert(|a| &mut a.service_accounts, "serviceaccounts", sa, now)
    }

    /// The serviceaccounts-controller's create of a namespace's `default` account. Its
    /// uid comes from a stream of its own, so that the accounts the controller makes
    /// leave the uids of what users create as they were.
    pub(crate) fn create_default_service_account(
        &mut self,
        namespace: &str,
        now: SimTime,
    ) -> Result<&ServiceAccount, ApiError> {
        let mut sa = ServiceAccount {
            metadata: ObjectMeta {
                name: Some(DEFAULT_SERVICE_ACCOUNT.into()),
                namespace: Some(namespace.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        self.prepare_namespaced("ServiceAccount", &mut sa.metadata)?;
        self.insert_with(
            |a| &mut a.service_accounts,
            "serviceaccounts",
            sa,
            now,
            Uids::FromVersion,
        )
    }

    /// A ServiceAccount PUT.
    pub fn update_service_account(
        &mut self,
        mut sa: ServiceAccount,
    ) -> Result<&ServiceAccount, ApiError> {
        let (ns, name) = super::key_of(&sa.metadata);
        let Some(old) = self.service_accounts.get(&ns, &name).cloned() else {
            return Err(ApiError::NotFound {
                resource: "serviceaccounts",
                name,
            });
        };
        let causes = validate_service_account(&sa);
        if !causes.is_empty() {
            return Err(invalid("ServiceAccount", &sa.metadata, causes));
        }
        keep_system_fields(&old.metadata, &mut sa.metadata);
        self.replace(|a| &mut a.service_accounts, "serviceaccounts", sa)
    }

    /// A TokenRequest (POST serviceaccounts/NAME/token): a token for the account,
    /// valid for `lifetime` seconds (at least ten minutes) from `now`, for `audiences`
    /// (the API server when none); its id comes from the server's random stream.
    pub fn create_token(
        &mut self,
        namespace: &str,
        name: &str,
        audiences: &[String],
        lifetime: i64,
        now: SimTime,
    ) -> Result<String, ApiError> {
        let Some(sa) = self.service_accounts.get(namespace, name) else {
            return Err(ApiError::NotFound {
                resource: "serviceaccounts",
                name: name.to_string(),
            });
        };
        if lifetime < 600 {
            return Err(ApiError::Invalid {
                kind: "TokenRequest.authentication.k8s.io",
                // The request itself has no name.
                name: String::new(),
                causes: vec![FieldError::invalid_int(
                    "spec.expirationSeconds",
                    lifetime,
                    "may not specify a duration less than 10 minutes",
                )],
            });
        }
        let uid = sa.metadata.uid.clone().unwrap_or_default();
        let id = crate::model::meta::uid_from_bits(self.rng.next_u64(), self.rng.next_u64());
        let audiences = if audiences.is_empty() {
            vec![TOKEN_ISSUER.to_string()]
        } else {
            audiences.to_vec()
        };
        Ok(token(&TokenClaims {
            namespace,
            account: (name, &uid),
            pod: None,
            audiences,
            issued: unix_seconds(now),
            lifetime,
            id,
        }))
    }

    /// The ServiceAccount admission plugin's look-up of the account a new pod names
    /// (already defaulted to `default`): Forbidden when it does not exist, with the
    /// plugin's message; else whether the token is mounted (the pod's
    /// `automountServiceAccountToken` wins over the account's; true when neither says).
    ///
    /// The plugin retries a missing `default` account for a while, since the
    /// serviceaccounts-controller makes it right after its namespace: here the
    /// controller runs in the same settle, so a pod naming `default` in a namespace
    /// whose account is not there yet is admitted as if the retry had found it.
    ///
    /// A pod naming no image pull secrets gets its account's.
    pub(crate) fn service_account_admission(&self, pod: &mut Pod) -> Result<TokenMount, ApiError> {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let Some(spec) = pod.spec.as_mut() else {
            return Ok(TokenMount::Skip);
        };
        // The deprecated serviceAccount stands in for an empty serviceAccountName.
        if spec
            .service_account_name
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        {
            spec.service_account_name = spec.service_account.clone();
        }
        let name = spec
            .service_account_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(DEFAULT_SERVICE_ACCOUNT);
        let account = self.service_accounts.get(ns, name);
        if account.is_none() && name != DEFAULT_SERVICE_ACCOUNT {
            return Err(ApiError::Forbidden {
                resource: "pods",
                name: pod.metadata.name.clone().unwrap_or_default(),
                reason: format!(
                    "error looking up service account {ns}/{name}: serviceaccount \"{name}\" not found"
                ),
            });
        }
        let pull = account.and_then(|a| a.image_pull_secrets.clone());
        if spec
            .image_pull_secrets
            .as_ref()
            .is_none_or(|p| p.is_empty())
            && pull.as_ref().is_some_and(|p| !p.is_empty())
        {
            spec.image_pull_secrets = pull;
        }
        let automount = spec
            .automount_service_account_token
            .or(account.and_then(|a| a.automount_service_account_token))
            .unwrap_or(true);
        Ok(if automount {
            TokenMount::Mount
        } else {
            TokenMount::Skip
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn admission_needs_the_account_and_reads_automount() {
        let mut api = ApiServer::new(1, SimTime(0));
        let _ = api.create_default_service_account("default", SimTime(0));
        let p = pod(
            serde_json::json!({"metadata": {"name": "p", "namespace": "default"},
            "spec": {"serviceAccountName": "x", "containers": []}}),
        );
        let err = api
            .service_account_admission(&mut p.clone())
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "error looking up service account default/x: serviceaccount \"x\" not found"
            ),
            "{err}"
        );
        let sa: ServiceAccount = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "x"}, "automountServiceAccountToken": false,
            "imagePullSecrets": [{"name": "regcred"}]}))
        .unwrap();
        api.create_service_account(sa, SimTime(0)).unwrap();
        let mut with_pull = p.clone();
        assert_eq!(
            api.service_account_admission(&mut with_pull).unwrap(),
            TokenMount::Skip
        );
        let pull = with_pull.spec.unwrap().image_pull_secrets.unwrap();
        assert_eq!(pull[0].name, "regcred");
        let p = pod(
            serde_json::json!({"metadata": {"name": "p", "namespace": "default"},
            "spec": {"serviceAccountName": "x", "automountServiceAccountToken": true,
                     "containers": []}}),
        );
        assert_eq!(
            api.service_account_admission(&mut p.clone()).unwrap(),
            TokenMount::Mount
        );
        let p = pod(
            serde_json::json!({"metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": []}}),
        );
        assert_eq!(
            api.service_account_admission(&mut p.clone()).unwrap(),
            TokenMount::Mount
        );
    }

    fn claims(token: &str) -> serde_json::Value {
        use base64::Engine;
        let payload = token.split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn tokens_carry_their_account_and_binding() {
        let mut c = TokenClaims {
            namespace: "ns",
            account: ("build-robot", "u1"),
            pod: None,
            audiences: vec![TOKEN_ISSUER.into()],
            issued: 100,
            lifetime: 600,
            id: "j".into(),
        };
        let t = token(&c);
        assert_eq!(t.split('.').count(), 3);
        assert_eq!(t, token(&c), "deterministic");
        let v = claims(&t);
        assert_eq!(v["sub"], "system:serviceaccount:ns:build-robot");
        assert_eq!(v["exp"], 700);
        assert_eq!(v["kubernetes.io"]["serviceaccount"]["uid"], "u1");
        assert!(v["kubernetes.io"].get("pod").is_none());
        c.pod = Some((("p", "pu"), ("n", "nu")));
        c.lifetime = WARN_ONLY_SECONDS;
        let v = claims(&token(&c));
        assert_eq!(v["kubernetes.io"]["pod"]["name"], "p");
        assert_eq!(v["kubernetes.io"]["warnafter"], 100 + 3607);
        assert_eq!(v["exp"], 100 + EXTENDED_SECONDS);
        c.account = ("default", "u2");
        assert_ne!(claims(&token(&c))["sub"], v["sub"]);
    }

    #[test]
    fn claims_are_what_serde_json_writes_and_the_signature_is_256_bytes() {
        use base64::Engine;
        let odd = "a\"b\\c\n\t\u{1}\u{1f}\u{7f}é/<&>";
        let audiences = vec![odd.to_string(), "api".to_string()];
        for pod in [None, Some(((odd, "pu"), ("n", odd)))] {
            for lifetime in [600, WARN_ONLY_SECONDS] {
                let c = TokenClaims {
                    namespace: odd,
                    account: (odd, "u1"),
                    pod,
                    audiences: audiences.clone(),
                    issued: -5,
                    lifetime,
                    id: odd.into(),
                };
                let mut k8s = serde_json::json!({
                    "namespace": odd,
                    "serviceaccount": {"name": odd, "uid": "u1"},
                });
                let mut exp = -5 + lifetime;
                if let Some(((p, pu), (n, nu))) = pod {
                    k8s["pod"] = serde_json::json!({"name": p, "uid": pu});
                    k8s["node"] = serde_json::json!({"name": n, "uid": nu});
                    if lifetime == WARN_ONLY_SECONDS {
                        k8s["warnafter"] = serde_json::json!(-5 + WARN_ONLY_SECONDS);
                        exp = -5 + EXTENDED_SECONDS;
                    }
                }
                let want = serde_json::json!({
                    "aud": audiences, "exp": exp, "iat": -5, "iss": TOKEN_ISSUER, "jti": odd,
                    "kubernetes.io": k8s, "nbf": -5,
                    "sub": format!("system:serviceaccount:{odd}:{odd}"),
                });
                assert_eq!(claims_json(&c), want.to_string());
                let t = token(&c);
                let parts: Vec<&str> = t.split('.').collect();
                assert_eq!(parts.len(), 3);
                assert_eq!(claims(&t), want);
                let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(parts[2])
                    .unwrap();
                assert_eq!(sig.len(), 256);
            }
        }
    }

    #[test]
    fn names_are_dns_subdomains() {
        let sa = ServiceAccount {
            metadata: ObjectMeta {
                name: Some("Bad_Name".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(validate_service_account(&sa).len(), 1);
    }
}
