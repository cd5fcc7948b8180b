//! Taints and tolerations, matched exactly as k8s.io/api core/v1 toleration.go.

use super::{Taint, Toleration};

/// `Toleration.ToleratesTaint`: an empty effect matches every effect; an empty key with
/// `Exists` matches every key; `Equal` (the default operator) compares values exactly.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or_default();
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or_default();
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or_default() {
        "" | "Equal" => {
            t.value.as_deref().unwrap_or_default() == taint.value.as_deref().unwrap_or_default()
        }
        "Exists" => true,
        _ => false,
    }
}

/// Whether any toleration in `tolerations` tolerates `taint`.
pub fn tolerated_by(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// The first taint with one of `effects` that no toleration tolerates.
pub fn first_untolerated<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    effects: &[&str],
) -> Option<&'a Taint> {
    taints
        .iter()
        .find(|taint| effects.contains(&taint.effect.as_str()) && !tolerated_by(tolerations, taint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: (!value.is_empty()).then(|| value.into()),
            effect: effect.into(),
            time_added: None,
        }
    }

    fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Toleration {
            key: s(key),
            operator: s(op),
            value: s(value),
            effect: s(effect),
            toleration_seconds: None,
        }
    }

    /// The truth table of toleration.go, including the chapter's two forms.
    #[test]
    fn truth_table() {
        let t = taint("key", "value", "NoSchedule");
        let cases = [
            (tol("key", "Equal", "value", "NoSchedule"), true),
            (tol("key", "Exists", "", "NoSchedule"), true),
            (tol("key", "", "value", "NoSchedule"), true), // operator defaults to Equal
            (tol("key", "Equal", "other", "NoSchedule"), false),
            (tol("key", "Equal", "value", "NoExecute"), false),
            (tol("key", "Equal", "value", ""), true), // empty effect matches all
            (tol("", "Exists", "", ""), true),        // tolerates everything
            (tol("other", "Exists", "", "NoSchedule"), false),
            (tol("key", "Equal", "Value", "NoSchedule"), false), // exact comparison
            (tol("key", "Bogus", "value", "NoSchedule"), false),
        ];
        for (i, (toleration, want)) in cases.iter().enumerate() {
            assert_eq!(tolerates(toleration, &t), *want, "case {i}: {toleration:?}");
        }
        let master = taint("node-role.kubernetes.io/control-plane", "", "NoSchedule");
        assert!(tolerates(
            &tol(
                "node-role.kubernetes.io/control-plane",
                "Exists",
                "",
                "NoSchedule"
            ),
            &master
        ));
        assert!(tolerates(
            &tol(
                "node-role.kubernetes.io/control-plane",
                "Equal",
                "",
                "NoSchedule"
            ),
            &master
        ));
    }
}
