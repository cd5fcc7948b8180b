//! Table tests of the prober's decisions: thresholds, initial delay, startup gating,
//! tick times.

use super::*;

fn probe(delay: i32, period: i32, success: i32, failure: i32) -> Probe {
    Probe {
        initial_delay_seconds: Some(delay),
        period_seconds: Some(period),
        success_threshold: Some(success),
        failure_threshold: Some(failure),
        timeout_seconds: Some(1),
        ..Default::default()
    }
}

const OK: bool = true;
const FAIL: bool = false;

fn run(r: bool) -> ProbeResult {
    if r {
        ProbeResult::Success
    } else {
        ProbeResult::Failure("cat: can't open '/tmp/healthy': No such file or directory\n".into())
    }
}

#[test]
fn thresholds() {
    // (kind, success, failure, runs, the acted-on result after each run)
    type Row = (
        ProbeKind,
        i32,
        i32,
        &'static [bool],
        &'static [Option<bool>],
    );
    let table: &[Row] = &[
        // Liveness: three failures in a row, then on hold.
        (
            ProbeKind::Liveness,
            1,
            3,
            &[OK, FAIL, FAIL, FAIL],
            &[Some(true), None, None, Some(false)],
        ),
        // A success in between starts the count again.
        (
            ProbeKind::Liveness,
            1,
            3,
            &[FAIL, FAIL, OK, FAIL, FAIL],
            &[None, None, Some(true), None, None],
        ),
        // Readiness with successThreshold 2 needs two successes in a row.
        (
            ProbeKind::Readiness,
            2,
            1,
            &[OK, OK, FAIL, OK, OK],
            &[None, Some(true), Some(false), None, Some(true)],
        ),
        // failureThreshold 1: the first failure counts.
        (ProbeKind::Startup, 1, 1, &[FAIL], &[Some(false)]),
    ];
    for (kind, success, failure, runs, want) in table {
        let mut w = Worker::new(*kind, 0, probe(0, 10, *success, *failure), SimTime(0));
        let got: Vec<Option<bool>> = runs.iter().map(|r| w.observe(run(*r))).collect();
        assert_eq!(&got[..], *want, "{kind:?} {runs:?}");
    }
}

#[test]
fn liveness_failure_holds_until_the_next_container() {
    let mut w = Worker::new(ProbeKind::Liveness, 0, probe(0, 5, 1, 1), SimTime(0));
    assert_eq!(w.observe(run(FAIL)), Some(false));
    assert!(w.on_hold);
    assert_eq!(
        w.decide(Some(SimTime(0)), true, SimTime(5_000)),
        Tick::OnHold
    );
    w.new_container(SimTime(41_000));
    assert!(!w.on_hold);
    assert_eq!(w.result, Some(true));
    assert_eq!(w.next, Some(SimTime(45_000)));
    // Readiness stays on after a failure: it keeps probing.
    let mut r = Worker::new(ProbeKind::Readiness, 0, probe(0, 5, 1, 1), SimTime(0));
    r.observe(run(FAIL));
    assert!(!r.on_hold);
}

#[test]
fn decisions() {
    let since = Some(SimTime(2_000));
    // (kind, initial delay, running since, started, now, decision)
    type Row = (ProbeKind, i32, Option<SimTime>, bool, u64, Tick);
    let table: &[Row] = &[
        (ProbeKind::Liveness, 5, None, true, 10_000, Tick::NotRunning),
        // 4.999 s after the start counts as 4 s: still within a 5 s delay.
        (
            ProbeKind::Liveness,
            5,
            since,
            true,
            6_999,
            Tick::InitialDelay,
        ),
        (ProbeKind::Liveness, 5, since, true, 7_000, Tick::Probe),
        (
            ProbeKind::Readiness,
            0,
            since,
            false,
            3_000,
            Tick::WaitForStartup,
        ),
        (
            ProbeKind::Liveness,
            0,
            since,
            false,
            3_000,
            Tick::WaitForStartup,
        ),
        (ProbeKind::Startup, 0, since, false, 3_000, Tick::Probe),
        (ProbeKind::Startup, 0, since, true, 3_000, Tick::StartupDone),
    ];
    for (kind, delay, since, started, now, want) in table {
        let w = Worker::new(*kind, 0, probe(*delay, 10, 1, 3), SimTime(0));
        assert_eq!(
            w.decide(*since, *started, SimTime(*now)),
            *want,
            "{kind:?} delay {delay} at {now}"
        );
    }
}

#[test]
fn ticks_fall_on_the_period_from_admission() {
    let w = Worker::new(ProbeKind::Liveness, 0, probe(0, 5, 1, 3), SimTime(1_000));
    assert_eq!(w.tick_at_or_after(SimTime(0)), SimTime(1_000));
    assert_eq!(w.tick_at_or_after(SimTime(1_000)), SimTime(1_000));
    assert_eq!(w.tick_at_or_after(SimTime(1_001)), SimTime(6_000));
    assert_eq!(w.tick_at_or_after(SimTime(12_500)), SimTime(16_000));
}

#[test]
fn ready_and_started_follow_the_probes() {
    let mut p = PodProbes::default();
    p.workers.push(Worker::new(
        ProbeKind::Readiness,
        0,
        probe(0, 10, 1, 3),
        SimTime(0),
    ));
    p.workers.push(Worker::new(
        ProbeKind::Startup,
        1,
        probe(0, 10, 1, 3),
        SimTime(0),
    ));
    let running = ContainerStatus {
        ready: true,
        started: Some(true),
        ..Default::default()
    };
    let mut s = vec![running.clone(), running.clone(), running.clone()];
    p.adjust(&mut s);
    // Readiness starts false; a startup probe not yet passed holds `started` back; a
    // container without probes is ready.
    let flags: Vec<(bool, Option<bool>)> = s.iter().map(|s| (s.ready, s.started)).collect();
    assert_eq!(
        flags,
        [
            (false, Some(true)),
            (false, Some(false)),
            (true, Some(true))
        ]
    );
    p.workers[0].result = Some(true);
    p.workers[1].result = Some(true);
    let mut s = vec![running.clone(), running.clone()];
    p.adjust(&mut s);
    assert!(s.iter().all(|s| s.ready && s.started == Some(true)));
}

#[test]
fn workers_of_a_kubelet_started_recently_wait_a_random_part_of_the_period() {
    let container = |name: &str| Container {
        name: name.into(),
        liveness_probe: Some(probe(0, 10, 1, 3)),
        readiness_probe: Some(probe(0, 5, 1, 3)),
        ..Default::default()
    };
    let pod = |uid: &str| Pod {
        metadata: crate::model::ObjectMeta {
            uid: Some(uid.into()),
            ..Default::default()
        },
        spec: Some(k8s_openapi::api::core::v1::PodSpec {
            containers: vec![container("a"), container("b")],
            ..Default::default()
        }),
        ..Default::default()
    };
    let anchors = |uid: &str, now: u64, started: Option<u64>| -> Vec<u64> {
        PodProbes::of(&pod(uid), SimTime(now), started.map(SimTime))
            .workers
            .iter()
            .map(|w| w.anchor.0)
            .collect()
    };
    // (kubelet started, pod admitted, jittered)
    let table: &[(Option<u64>, u64, bool)] = &[
        // Running since its node came: ticks from the next whole second.
        (None, 1_500, false),
        // Restarted 2 s before: every worker waits part of its own period.
        (Some(10_000), 12_000, true),
        // Restarted 7 s before: only the 10 s probes (not the 5 s ones) wait.
        (Some(10_000), 17_000, true),
        // Restarted a minute before: no wait.
        (Some(10_000), 70_000, false),
    ];
    for &(started, now, jittered) in table {
        let got = anchors("0b9d3c2e-uid", now, started);
        let base = now.div_ceil(1000) * 1000;
        let periods = [10_000, 5_000, 10_000, 5_000];
        for (at, period) in got.iter().zip(periods) {
            assert!(
                *at >= base && *at < base + period,
                "{started:?} {now}: {got:?}"
            );
            let recent = started.is_some_and(|s| now - s < period);
            assert_eq!(
                *at != base,
                recent && jittered,
                "{started:?} {now}: {got:?}"
            );
        }
        // The same pod draws the same parts; another pod others.
        assert_eq!(got, anchors("0b9d3c2e-uid", now, started));
        if jittered {
            assert_ne!(got, anchors("another-uid", now, started));
        }
    }
}
