use super::*;
use k8s_openapi::api::apps::v1::{DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn deployment(replicas: i32, surge: IntOrString, unavailable: IntOrString) -> Deployment {
    Deployment {
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(surge),
                    max_unavailable: Some(unavailable),
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pct(s: &str) -> IntOrString {
    IntOrString::String(s.into())
}

/// `ResolveFenceposts`: surge rounds up, unavailable down, never both zero.
#[test]
fn fenceposts_round_as_kube() {
    let cases = [
        (3, pct("25%"), pct("25%"), (1, 0)),
        (4, pct("25%"), pct("25%"), (1, 1)),
        (10, pct("25%"), pct("25%"), (3, 2)),
        (1, pct("0%"), pct("0%"), (0, 1)),
        (5, IntOrString::Int(2), IntOrString::Int(0), (2, 0)),
        (5, IntOrString::Int(0), pct("50%"), (0, 2)),
        (0, pct("25%"), pct("25%"), (0, 1)),
    ];
    for (replicas, surge, unavailable, want) in cases {
        let d = deployment(replicas, surge.clone(), unavailable.clone());
        assert_eq!(fenceposts(&d), want, "{replicas} {surge:?} {unavailable:?}");
    }
    // MaxUnavailable never exceeds the replicas (and is zero without replicas).
    assert_eq!(
        max_unavailable(&deployment(2, IntOrString::Int(0), IntOrString::Int(5))),
        2
    );
    assert_eq!(max_unavailable(&deployment(0, pct("25%"), pct("25%"))), 0);
    // Recreate has no fenceposts.
    let mut d = deployment(3, pct("25%"), pct("25%"));
    if let Some(s) = d.spec.as_mut().and_then(|s| s.strategy.as_mut()) {
        s.type_ = Some("Recreate".into());
    }
    assert_eq!(fenceposts(&d), (0, 0));
}

/// `rand.SafeEncodeString` of decimal digits: kube's hashes only use these letters.
#[test]
fn safe_encoding_of_digits() {
    assert_eq!(safe_encode("0123456789"), "456789bcdf");
    let t = PodTemplateSpec::default();
    let h = pod_template_hash(&t, None);
    assert_eq!(h, pod_template_hash(&t, None), "deterministic");
    assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
    assert_ne!(
        h,
        pod_template_hash(&t, Some(1)),
        "the collision count counts"
    );
}

/// `EqualIgnoreHash`: a template differs from its ReplicaSet's only by the label.
#[test]
fn templates_equal_but_for_the_hash() {
    let mut a = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some([("app".to_string(), "x".to_string())].into()),
            ..Default::default()
        }),
        spec: None,
    };
    let b = a.clone();
    if let Some(l) = a.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        l.insert(POD_TEMPLATE_HASH.into(), "abc".into());
    }
    assert_eq!(without_hash(Some(&a)), without_hash(Some(&b)));
    let only_hash = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some([(POD_TEMPLATE_HASH.to_string(), "abc".to_string())].into()),
            ..Default::default()
        }),
        spec: None,
    };
    assert_eq!(
        without_hash(Some(&only_hash)),
        without_hash(Some(&PodTemplateSpec {
            metadata: Some(ObjectMeta::default()),
            spec: None
        }))
    );
}

/// `SetDeploymentCondition`: same status and reason change nothing; a new reason with
/// the same status keeps the transition time.
#[test]
fn conditions_keep_their_transition() {
    let t0 = SimTime::from_secs(0);
    let t1 = SimTime::from_secs(5);
    let mut s = DeploymentStatus::default();
    set_condition(
        &mut s,
        condition(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            "a".into(),
            t0,
        ),
    );
    set_condition(
        &mut s,
        condition(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            "b".into(),
            t1,
        ),
    );
    let c = get_condition(&s, "Progressing")
        .cloned()
        .unwrap_or_default();
    assert_eq!(c.message.as_deref(), Some("a"));
    set_condition(
        &mut s,
        condition("Progressing", "True", "ReplicaSetUpdated", "c".into(), t1),
    );
    let c = get_condition(&s, "Progressing")
        .cloned()
        .unwrap_or_default();
    assert_eq!(c.last_transition_time, Some(t0.to_time()));
    assert_eq!(c.last_update_time, Some(t1.to_time()));
    set_condition(
        &mut s,
        condition(
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            "d".into(),
            t1,
        ),
    );
    let c = get_condition(&s, "Progressing")
        .cloned()
        .unwrap_or_default();
    assert_eq!(c.last_transition_time, Some(t1.to_time()));
    assert_eq!(s.conditions.as_ref().map(Vec::len), Some(1));
}

/// `DeploymentProgressing`, one rule per row.
#[test]
fn what_counts_as_progress() {
    let st = |replicas, updated, ready, available| DeploymentStatus {
        replicas: Some(replicas),
        updated_replicas: Some(updated),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        ..Default::default()
    };
    let cases = [
        (st(3, 0, 3, 3), st(4, 1, 3, 3), true),  // more updated
        (st(4, 1, 3, 3), st(3, 1, 3, 3), true),  // fewer old
        (st(3, 1, 2, 2), st(3, 1, 3, 2), true),  // more ready
        (st(3, 1, 3, 2), st(3, 1, 3, 3), true),  // more available
        (st(3, 1, 3, 3), st(3, 1, 3, 3), false), // nothing moved
    ];
    for (old, new, want) in cases {
        assert_eq!(progressing(&old, &new), want, "{old:?} -> {new:?}");
    }
}
