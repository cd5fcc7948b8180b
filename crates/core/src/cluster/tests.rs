use super::*;
use crate::model::ResourceExt;

const NGINX: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

fn node_of(c: &Cluster, name: &str) -> Option<String> {
    c.api()
        .pods
        .get("default", name)?
        .spec
        .as_ref()?
        .node_name
        .clone()
}

fn phase_of(c: &Cluster, name: &str) -> String {
    c.api()
        .pods
        .get("default", name)
        .unwrap()
        .status
        .as_ref()
        .unwrap()
        .phase
        .clone()
        .unwrap()
}

#[test]
fn nginx_lands_on_a_worker_and_runs() {
    for seed in 0..20 {
        let mut c = Cluster::with_default_nodes(seed);
        let applied = c.create_from_text("nginx.yaml", NGINX).unwrap();
        assert_eq!(applied[0].message(), "pod/nginx created");
        let node = node_of(&c, "nginx").unwrap();
        assert!(node.starts_with("k8s-worker-"), "seed {seed}: {node}");
        assert_eq!(phase_of(&c, "nginx"), "Pending");
        c.advance(10_000);
        assert_eq!(phase_of(&c, "nginx"), "Running");
        let d = c.decision("default/nginx").unwrap();
        assert_eq!((d.total_nodes, d.evaluated, d.feasible), (3, 3, 2));
    }
}

#[test]
fn events_read_like_kubectl() {
    let mut c = Cluster::with_default_nodes(3);
    c.create_from_text("nginx.yaml", NGINX).unwrap();
    c.advance(10_000);
    let pod = c.api().pods.get("default", "nginx").unwrap();
    let node = node_of(&c, "nginx").unwrap();
    let events: Vec<(String, String)> = c
        .api()
        .events_for(pod.metadata.uid.as_deref().unwrap())
        .iter()
        .map(|e| (e.reason.clone().unwrap(), e.message.clone().unwrap()))
        .collect();
    let reasons: Vec<&str> = events.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        reasons,
        ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    );
    assert_eq!(
        events[0].1,
        format!("Successfully assigned default/nginx to {node}")
    );
    assert_eq!(events[1].1, "Pulling image \"nginx\"");
    // Kubelet events name the container they are about.
    let pulling = c.api().events_for(pod.metadata.uid.as_deref().unwrap())[1].clone();
    assert_eq!(
        pulling.involved_object.field_path.as_deref(),
        Some("spec.containers{nginx}")
    );
}

#[test]
fn node_selector_without_a_match_reports_kube_scheduler_message() {
    let mut c = Cluster::with_default_nodes(1);
    let text = format!("{NGINX}  nodeSelector:\n    disktype: ssd\n");
    c.create_from_text("p.yaml", &text).unwrap();
    c.advance(60_000);
    assert_eq!(node_of(&c, "nginx"), None);
    let d = c.decision("default/nginx").unwrap();
    assert_eq!(
        d.failure.as_deref().unwrap(),
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // The failure is recorded once per retry, not once per tick.
    let pod = c.api().pods.get("default", "nginx").unwrap();
    let events = c.api().events_for(pod.metadata.uid.as_deref().unwrap());
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason.as_deref(), Some("FailedScheduling"));
    let cond = pod.status.as_ref().unwrap().conditions.as_ref().unwrap();
    assert!(cond.iter().any(|c| c.type_ == "PodScheduled"
        && c.status == "False"
        && c.reason.as_deref() == Some("Unschedulable")));
}

#[test]
fn node_selector_match_and_master_toleration() {
    let mut c = Cluster::with_default_nodes(1);
    let ssd = "apiVersion: v1\nkind: Node\nmetadata:\n  name: k8s-worker-03\n  labels:\n    disktype: ssd\nstatus:\n  allocatable:\n    cpu: '2'\n    memory: 4Gi\n    pods: '110'\n";
    c.create_from_text("n.yaml", ssd).unwrap();
    c.create_from_text(
        "p.yaml",
        &format!("{NGINX}  nodeSelector:\n    disktype: ssd\n"),
    )
    .unwrap();
    assert_eq!(node_of(&c, "nginx").as_deref(), Some("k8s-worker-03"));

    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cp\nspec:\n  nodeSelector:\n    node-role.kubernetes.io/control-plane: ''\n  tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n  containers:\n  - name: a\n    image: nginx\n";
    c.create_from_text("cp.yaml", text).unwrap();
    assert_eq!(node_of(&c, "cp").as_deref(), Some("k8s-master-01"));
}

#[test]
fn unknown_image_backs_off() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("p.yaml", &NGINX.replace("image: nginx", "image: nginxx"))
        .unwrap();
    c.advance(1_000);
    let reason = |c: &Cluster| {
        let pod = c.api().pods.get("default", "nginx").unwrap();
        let st = &pod
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        st.state
            .as_ref()
            .unwrap()
            .waiting
            .as_ref()
            .unwrap()
            .reason
            .clone()
            .unwrap()
    };
    assert_eq!(reason(&c), "ErrImagePull");
    c.advance(1_000);
    assert_eq!(reason(&c), "ImagePullBackOff");
    assert_eq!(phase_of(&c, "nginx"), "Pending");
}

#[test]
fn invalid_and_duplicate_pods_are_refused_with_apiserver_messages() {
    let mut c = Cluster::with_default_nodes(1);
    let applied = c
        .create_from_text("p.yaml", &NGINX.replace("    image: nginx\n", ""))
        .unwrap();
    assert_eq!(
        applied[0].message(),
        "The Pod \"nginx\" is invalid: spec.containers[0].image: Required value"
    );
    c.create_from_text("p.yaml", NGINX).unwrap();
    let again = c.create_from_text("p.yaml", NGINX).unwrap();
    assert_eq!(
        again[0].message(),
        "Error from server (AlreadyExists): error when creating \"p.yaml\": pods \"nginx\" already exists"
    );
}

#[test]
fn bad_yaml_creates_nothing_and_points_at_the_line() {
    let mut c = Cluster::with_default_nodes(1);
    let err = c
        .create_from_text(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n",
        )
        .unwrap_err();
    assert_eq!(err.diagnostics[0].location.pos.line, 5);
    assert_eq!(c.pods().count(), 0);
}

#[test]
fn same_seed_same_cluster() {
    let run = |seed| {
        let mut c = Cluster::with_default_nodes(seed);
        for i in 0..6 {
            c.create_from_text(
                "p.yaml",
                &NGINX.replace("name: nginx\nspec", &format!("name: web-{i}\nspec")),
            )
            .unwrap();
            c.advance(700);
        }
        c.advance(30_000);
        serde_json::to_string(&c.pods().collect::<Vec<_>>()).unwrap()
    };
    assert_eq!(run(9), run(9));
}

#[test]
fn snapshot_restore_continues_identically() {
    let script = |c: &mut Cluster, from: usize, to: usize| {
        for i in from..to {
            let name = format!("web-{i}");
            let text = NGINX.replace("name: nginx\nspec", &format!("name: {name}\nspec"));
            let text = if i % 3 == 0 {
                text.replace("image: nginx", "image: nosuchimage")
            } else {
                text
            };
            c.create_from_text("p.yaml", &text).unwrap();
            c.advance(1_700);
        }
    };
    let mut straight = Cluster::with_default_nodes(7);
    script(&mut straight, 0, 8);
    straight.advance(120_000);

    let mut first = Cluster::with_default_nodes(7);
    script(&mut first, 0, 4);
    let saved = first.snapshot();
    let mut resumed = Cluster::restore(&saved).unwrap();
    script(&mut resumed, 4, 8);
    resumed.advance(120_000);
    assert_eq!(straight.snapshot(), resumed.snapshot());
}

#[test]
fn bad_snapshots_are_errors_not_panics() {
    let v = SNAPSHOT_VERSION;
    for text in [
        String::new(),
        "{".into(),
        "[]".into(),
        format!("{{\"podlabSnapshot\": {v}}}"),
        format!("{{\"podlabSnapshot\": {v}, \"cluster\": {{\"api\": 3}}}}"),
    ] {
        assert!(
            matches!(Cluster::restore(&text), Err(SnapshotError::Corrupt(_))),
            "{text}"
        );
    }
    assert_eq!(
        Cluster::restore("{\"podlabSnapshot\": 99}").unwrap_err(),
        SnapshotError::Version {
            found: 99,
            supported: SNAPSHOT_VERSION
        }
    );
}

#[test]
fn events_of_two_containers_are_kept_apart() {
    let mut c = Cluster::with_default_nodes(1);
    let two = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: nginx\n";
    c.create_from_text("p.yaml", two).unwrap();
    c.advance(10_000);
    let pod = c.api().pods.get("default", "two").unwrap();
    let pulling: Vec<_> = c
        .api()
        .events_for(pod.metadata.uid.as_deref().unwrap())
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("Pulling"))
        .map(|e| (e.involved_object.field_path.clone().unwrap(), e.count))
        .collect();
    assert_eq!(
        pulling,
        [
            ("spec.containers{a}".to_string(), Some(1)),
            ("spec.containers{b}".to_string(), Some(1))
        ]
    );
}

/// Same scenario and seed, same bytes: twice here, and the committed fingerprint the
/// wasm test in podlab-web checks too.
#[test]
fn the_determinism_scenario_does_what_it_says() {
    let c = crate::scenarios::determinism_run(1);
    let names: Vec<_> = c
        .api()
        .pods
        .list()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(
        names,
        ["crash", "demo-web", "tea"],
        "the init pod was deleted"
    );
    let restarts = c
        .api()
        .pods
        .get("default", "crash")
        .and_then(|p| p.status.clone())
        .and_then(|s| s.container_statuses)
        .map(|cs| cs[0].restart_count)
        .unwrap_or(0);
    assert!(restarts >= 5, "{restarts}");
    let page = c
        .api()
        .pods
        .get("default", "demo-web")
        .and_then(|p| p.status.clone())
        .and_then(|s| s.pod_ip)
        .unwrap_or_default();
    assert!(!page.is_empty());
}

#[test]
fn simulated_hours_are_deterministic() {
    let a = crate::scenarios::determinism_fingerprint(3);
    let b = crate::scenarios::determinism_fingerprint(3);
    assert_eq!(a, b);
    assert_eq!(
        a,
        crate::scenarios::DETERMINISM_FINGERPRINT,
        "the simulation's behaviour changed: if intended, set DETERMINISM_FINGERPRINT to {a}"
    );
}

#[test]
fn hostile_inputs_get_clear_answers() {
    for case in crate::scenarios::hostile_inputs() {
        match (&case.result, case.name) {
            (Ok(what), "JSONPath over 100,000 items") => assert_eq!(what, "100000 lines"),
            (Ok(what), "while true; do :; done") => assert_eq!(what, "60 s simulated, pod Running"),
            (Ok(what), "huge quantity") => {
                assert_eq!(what, "1 objects created, pod Pending: Insufficient cpu")
            }
            (Ok(what), name) => panic!("{name}: expected an error, got Ok({what})"),
            (Err(msg), name) => {
                assert!(!msg.0.trim().is_empty(), "{name}: empty error");
                eprintln!("{name}: {}", msg.0.lines().next().unwrap_or_default());
            }
        }
    }
}

/// The scheduling queue: an unschedulable pod waits for an event one of its rejecting
/// plugins says may help, or for the 5-minute flush at a 30-second tick.
#[test]
fn unschedulable_pods_wait_for_an_event_that_may_help() {
    use crate::scheduler::queue::QueueState;
    const SSD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: nginx\n";
    enum Step {
        Label(&'static str, &'static str, &'static str),
        AdvanceTo(u64),
    }
    use Step::*;
    // (step, attempts so far, Some(time of the last attempt in s) while waiting or
    // None once bound)
    let table: &[(Step, u32, Option<u64>)] = &[
        // A label no plugin cares about moves nothing.
        (Label("k8s-worker-01", "team", "blue"), 1, Some(0)),
        (AdvanceTo(329), 1, Some(0)),
        // The leftover flush: more than 5 minutes, at the next 30-second tick.
        (AdvanceTo(330), 2, Some(330)),
        (AdvanceTo(600), 2, Some(330)),
        (AdvanceTo(661), 3, Some(660)),
        // The master's taint rejected it too, but the label is what NodeAffinity wants.
        (Label("k8s-worker-02", "disktype", "ssd"), 3, None),
    ];
    let mut c = Cluster::with_default_nodes(5);
    c.create_from_text("ssd.yaml", SSD).unwrap();
    let q = c.queued("default", "ssd").unwrap();
    assert_eq!(q.state, QueueState::Unschedulable { since: SimTime(0) });
    assert_eq!(q.unschedulable_plugins, ["TaintToleration", "NodeAffinity"]);
    for (i, (step, attempts, waiting)) in table.iter().enumerate() {
        match step {
            Label(node, k, v) => {
                let args = ["label", "node", node, &format!("{k}={v}")].map(String::from);
                let out = crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles);
                assert_eq!(out.exit_code, 0, "step {i}: {}", out.stderr);
            }
            AdvanceTo(s) => c.advance(SimTime::from_secs(*s).0 - c.now().0),
        }
        match (c.queued("default", "ssd"), waiting) {
            (Some(q), Some(at)) => {
                assert_eq!(q.attempts, *attempts, "step {i}");
                assert_eq!(q.last_attempt, Some(SimTime::from_secs(*at)), "step {i}");
            }
            (None, None) => assert_eq!(node_of(&c, "ssd").as_deref(), Some("k8s-worker-02")),
            (q, _) => panic!("step {i}: {q:?}"),
        }
    }
}

/// `kubectl logs -f`: what is there, then each line as simulated time brings it, until
/// the container stops; a finished container's log is printed without following.
#[test]
fn logs_follow_until_the_container_stops() {
    const COUNTER: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: counter\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'for i in 1 2 3; do echo tick $i; sleep 2; done']\n";
    let mut c = Cluster::with_default_nodes(2);
    c.create_from_text("counter.yaml", COUNTER).unwrap();
    c.advance(1_000);
    let args = ["logs", "-f", "counter"].map(String::from);
    let out = crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles);
    assert_eq!(out.stdout, "tick 1\n");
    let mut follow = out.follow.expect("a running container is followed");
    let mut seen = out.stdout;
    // (advance ms, lines printed so far, the stream ended)
    let table = [
        (0, 1, false),
        (2_000, 2, false),
        (2_000, 3, false),
        (2_000, 3, true),
    ];
    for (ms, lines, ended) in table {
        c.advance(ms);
        let polled = follow.poll(&c);
        let (text, done) = (polled.stdout, polled.ended.is_some());
        seen.push_str(&text);
        assert_eq!((seen.lines().count(), done), (lines, ended), "{seen:?}");
    }
    assert_eq!(seen, "tick 1\ntick 2\ntick 3\n");
    // Finished: printed, not followed.
    let out = crate::kubectl::run(&mut c, &args, &crate::kubectl::NoFiles);
    assert_eq!(
        (out.stdout.as_str(), out.follow.is_none()),
        ("tick 1\ntick 2\ntick 3\n", true)
    );
}

/// In a cluster of 500 nodes kube-scheduler's adaptive sampling evaluates only as many
/// as it needs (46% of them, at least 100); evaluating every node explains them all.
/// The mode is kept with the cluster.
#[test]
fn evaluating_every_node_explains_every_node() {
    let mut c = Cluster::with_default_nodes(1);
    let mut nodes = String::new();
    for i in 0..497 {
        nodes.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:03}\n"
        ));
    }
    c.create_from_text("nodes.yaml", &nodes).unwrap();
    let pod = |name: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n")
    };
    assert_eq!(c.sampling(), scheduler::Sampling::Adaptive);
    c.create_from_text("a.yaml", &pod("sampled")).unwrap();
    let d = c.decision("default/sampled").unwrap();
    // 230 feasible found (the tainted control plane is not), then it stops.
    assert_eq!((d.total_nodes, d.feasible, d.evaluated), (500, 230, 231));
    c.set_sampling(scheduler::Sampling::Exhaustive);
    let mut c = Cluster::restore(&c.snapshot()).unwrap();
    assert_eq!(c.sampling(), scheduler::Sampling::Exhaustive);
    c.create_from_text("b.yaml", &pod("explained")).unwrap();
    let d = c.decision("default/explained").unwrap();
    assert_eq!((d.total_nodes, d.evaluated, d.nodes.len()), (500, 500, 500));
}

/// kubectl with the words of `line` (split at spaces).
fn kubectl(c: &mut Cluster, line: &str) -> crate::kubectl::Output {
    let args: Vec<String> = line.split(' ').map(String::from).collect();
    crate::kubectl::run(c, &args, &crate::kubectl::NoFiles)
}

/// `kubectl get --watch`: the list (nothing in an empty namespace), then a row for
/// every change of the objects watched, each with the object as that change left it:
/// created Pending, bound (Pending again), ContainerCreating, Running; on deletion
/// Terminating while marked, then the terminal phase the kubelet gives it once its
/// containers stopped (nginx exits 0 on its stop signal: Completed, 0/1), and the last
/// state again when it leaves the store. Columns stay as wide as they have been.
#[test]
fn get_watch_prints_every_change() {
    let mut c = Cluster::with_default_nodes(2);
    let out = kubectl(&mut c, "get pods -w");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    let mut watch = out.follow.expect("the watch goes on");
    // (a kubectl command or None, then ms to advance; what the watch printed by then)
    let steps: &[(Option<&str>, u64, &str)] = &[
        (
            Some("run web --image=nginx"),
            0,
            "NAME   READY   STATUS    RESTARTS   AGE\n\
             web    0/1     Pending   0          0s\n\
             web    0/1     Pending   0          0s\n\
             web    0/1     ContainerCreating   0          0s\n",
        ),
        (None, 5_000, "web    1/1     Running             0          2s\n"),
        (Some("label pod web tier=front"), 0, "web    1/1     Running             0          5s\n"),
        (Some("run db --image=redis --labels=tier=back"), 0, "db     0/1     Pending             0          0s\ndb     0/1     Pending             0          0s\ndb     0/1     ContainerCreating   0          0s\n"),
        (
            Some("delete pod web --wait=false"),
            0,
            "web    1/1     Terminating         0          5s\n\
             web    0/1     Completed           0          5s\n\
             web    0/1     Completed           0          5s\n",
        ),
    ];
    for (i, (command, ms, want)) in steps.iter().enumerate() {
        if let Some(line) = command {
            let out = kubectl(&mut c, line);
            assert_eq!(out.exit_code, 0, "step {i}: {}", out.stderr);
        }
        c.advance(*ms);
        let polled = watch.poll(&c);
        let (text, ended) = (polled.stdout, polled.ended.is_some());
        assert_eq!((text.as_str(), ended), (*want, false), "step {i}");
    }

    // One pod by name, selected by label, printed by name or as a template; a
    // request timeout ends the watch.
    let watches: &[(&str, &str, &str)] = &[
        (
            "get pod db -w --request-timeout=10s",
            "NAME   READY   STATUS              RESTARTS   AGE\ndb     0/1     ContainerCreating   0          0s\n",
            "db     1/1     Running             0          1s\n",
        ),
        ("get pods -l tier=back -w -o name --request-timeout=10s", "pod/db\n", "pod/db\n"),
        (
            "get pods --watch-only --output-watch-events --request-timeout=10s",
            "",
            "EVENT      NAME   READY   STATUS    RESTARTS   AGE\nMODIFIED   db     1/1     Running   0          1s\n",
        ),
        (
            "get pods -w -o jsonpath={.metadata.name}:{.status.phase}{\"\\n\"} --request-timeout=10s",
            "db:Pending\n",
            "db:Running\n",
        ),
    ];
    for (line, first, then) in watches {
        let mut c = c.clone();
        let out = kubectl(&mut c, line);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str()),
            (*first, ""),
            "{line}"
        );
        let mut watch = out.follow.expect("the watch goes on");
        c.advance(5_000);
        let polled = watch.poll(&c);
        assert_eq!(
            (polled.stdout.as_str(), polled.ended),
            (*then, None),
            "{line}"
        );
        c.advance(5_000);
        let polled = watch.poll(&c);
        assert_eq!(
            (polled.stdout.as_str(), polled.ended),
            ("", Some(0)),
            "{line}: the timeout ends it"
        );
    }

    // What kubectl refuses to watch.
    for (line, stdout, stderr) in [
        ("get pods,services -w", "", "error: you may only specify a single resource type\n"),
        ("get all -w", "", "error: you may only specify a single resource type\n"),
        ("get pods db nope -w", "", "Error from server (NotFound): pods \"nope\" not found\n"),
        (
            "get pods db db -w",
            "NAME   READY   STATUS              RESTARTS   AGE\ndb     0/1     ContainerCreating   0          0s\ndb     0/1     ContainerCreating   0          0s\n",
            "error: you may only watch a single resource or type of resource at a time\n",
        ),
        ("get pods -w --request-timeout=soon", "", "error: invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n"),
    ] {
        let out = kubectl(&mut c, line);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str(), out.exit_code, out.follow.is_none()),
            (stdout, stderr, 1, true),
            "{line}"
        );
    }
}

/// `kubectl wait`: met at once, met later as simulated time runs (each object in
/// turn), or given up on at the timeout; and what it refuses.
#[test]
fn kubectl_wait_until_the_condition_is_met() {
    let mut c = Cluster::with_default_nodes(2);
    kubectl(&mut c, "run web --image=nginx");
    kubectl(&mut c, "run db --image=redis");
    // (command, printed at once, then each second: printed, the exit code once ended)
    type Second<'a> = (&'a str, &'a str, Option<i32>);
    let cases: &[(&str, &str, &[Second<'_>])] = &[
        (
            "wait --for=condition=PodScheduled pods --all",
            "pod/db condition met\npod/web condition met\n",
            &[],
        ),
        (
            "wait --for=condition=Ready pod/db pod/web --timeout=10s",
            "",
            &[
                ("", "", None),
                ("pod/db condition met\n", "", None),
                ("pod/web condition met\n", "", Some(0)),
            ],
        ),
        (
            "wait --for=jsonpath={.status.phase}=Running pods web",
            "",
            &[
                ("", "", None),
                ("", "", None),
                ("pod/web condition met\n", "", Some(0)),
            ],
        ),
        (
            "wait --for=jsonpath={.status.phase}=Succeeded pod/web --timeout=2s",
            "",
            &[
                ("", "", None),
                (
                    "",
                    "error: timed out waiting for the condition on pods/web\n",
                    Some(1),
                ),
            ],
        ),
    ];
    for (line, first, steps) in cases {
        let mut c = c.clone();
        let out = kubectl(&mut c, line);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str()),
            (*first, ""),
            "{line}"
        );
        assert_eq!(out.follow.is_some(), !steps.is_empty(), "{line}");
        let Some(mut follow) = out.follow else {
            continue;
        };
        for (i, (stdout, stderr, ended)) in steps.iter().enumerate() {
            c.advance(1_000);
            let polled = follow.poll(&c);
            assert_eq!(
                (polled.stdout.as_str(), polled.stderr.as_str(), polled.ended),
                (*stdout, *stderr, *ended),
                "{line}, second {}",
                i + 1
            );
        }
    }
    c.advance(5_000);
    let mut deleting = c.clone();
    let out = kubectl(&mut deleting, "wait --for=delete pod/web --timeout=20s");
    let mut follow = out.follow.expect("web is still there");
    kubectl(&mut deleting, "delete pod web --wait=false");
    deleting.advance(1_000);
    assert_eq!(follow.poll(&deleting).stdout, "pod/web condition met\n");

    for (line, stdout, stderr, code) in [
        ("wait --for=condition=Ready pod/web --timeout=0", "pod/web condition met\n", "", 0),
        ("wait --for=condition=Ready=false pod/web --timeout=0", "", "error: condition not met for pods/web\n", 1),
        ("wait --for=delete pod/nope", "", "", 0),
        ("wait --for=condition=Ready pod/nope", "", "Error from server (NotFound): pods \"nope\" not found\n", 1),
        ("wait pod/web", "", "error: unrecognized condition: \"\"\n", 1),
        ("wait --for=ready pod/web", "", "error: unrecognized condition: \"ready\"\n", 1),
        ("wait --for=condition=Ready pods", "", "error: resource(s) were provided, but no name was specified\n", 1),
        ("wait --for=condition=Ready pods -l app=none", "", "error: no matching resources found\n", 1),
        ("wait --for=jsonpath={.spec}=x pod/web", "", "error: jsonpath leads to a nested object or list which is not supported\n", 1),
        ("wait --for=jsonpath={.status.conditions[*].type}=Ready pod/web", "", "error: given jsonpath expression matches more than one value\n", 1),
        ("wait --for=condition=Ready pod/web --timeout=30", "", "error: invalid argument \"30\" for \"--timeout\" flag: time: missing unit in duration \"30\"\nSee 'kubectl wait --help' for usage.\n", 1),
    ] {
        let out = kubectl(&mut c, line);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str(), out.exit_code, out.follow.is_none()),
            (stdout, stderr, code, true),
            "{line}"
        );
    }
}

/// `kubectl events`: oldest first with repeats counted, one object's or one type's,
/// and with `--watch` the ones there are, then each new one or repeat as it comes.
#[test]
fn kubectl_events_lists_and_watches() {
    let mut c = Cluster::with_default_nodes(2);
    let out = kubectl(&mut c, "events");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("", "No events found in default namespace.\n")
    );
    kubectl(&mut c, "run bad --image=nosuchimage");
    c.advance(1_000);
    let out = kubectl(&mut c, "events --for pod/bad --types=Warning -w");
    assert_eq!(
        out.stdout,
        "LAST SEEN   TYPE      REASON   OBJECT    MESSAGE\n\
         1s          Warning   Failed   Pod/bad   Failed to pull image \"nosuchimage\": failed to pull and unpack image \"docker.io/library/nosuchimage:latest\": failed to resolve reference \"docker.io/library/nosuchimage:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n\
         1s          Warning   Failed   Pod/bad   Error: ErrImagePull\n"
    );
    let mut watch = out.follow.expect("events -w goes on");
    let mut later = String::new();
    for _ in 0..20 {
        c.advance(1_000);
        later.push_str(&watch.poll(&c).stdout);
    }
    // Each new event and repeat as it came (LAST SEEN then), the columns kept as wide
    // as they have been once a repeat widened them.
    let failed = "Failed to pull image \"nosuchimage\": failed to pull and unpack image \"docker.io/library/nosuchimage:latest\": failed to resolve reference \"docker.io/library/nosuchimage:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
    assert_eq!(
        later,
        format!(
            "0s          Warning   Failed   Pod/bad   Error: ImagePullBackOff\n\
             0s (x2 over 12s)   Warning   Failed   Pod/bad   {failed}\n\
             0s (x2 over 12s)   Warning   Failed   Pod/bad   Error: ErrImagePull\n\
             0s (x2 over 12s)   Warning   Failed   Pod/bad   Error: ImagePullBackOff\n"
        )
    );
    let out = kubectl(&mut c, "events --for=pod/bad");
    let first: Vec<&str> = out.stdout.lines().take(2).collect();
    assert_eq!(
        first,
        [
            "LAST SEEN           TYPE      REASON      OBJECT    MESSAGE",
            "21s                 Normal    Scheduled   Pod/bad   Successfully assigned default/bad to k8s-worker-02",
        ]
    );
    for (line, stderr) in [
        (
            "events --types=Info",
            "error: valid --types are Normal or Warning\n",
        ),
        (
            "events --for bad",
            "error: --for must be in resource/name form\n",
        ),
        (
            "events --for pod/a/b",
            "error: arguments in resource/name form may not have more than one slash\n",
        ),
    ] {
        let out = kubectl(&mut c, line);
        assert_eq!((out.stderr.as_str(), out.exit_code), (stderr, 1), "{line}");
    }
}

const LOST: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lost\nspec:\n  nodeName: k8s-worker-09\n  containers:\n  - name: nginx\n    image: nginx\n";

#[test]
fn a_pod_bound_to_a_missing_node_never_runs_and_is_collected() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("lost.yaml", LOST).unwrap();
    c.advance(39_000);
    // No kubelet runs it: Pending, no container started, no kubelet events.
    assert_eq!(phase_of(&c, "lost"), "Pending");
    assert!(c.logs("default", "lost", "nginx", false).is_none());
    let about_lost = |c: &Cluster| {
        c.api()
            .events
            .list()
            .filter(|e| e.involved_object.name.as_deref() == Some("lost"))
            .count()
    };
    assert_eq!(about_lost(&c), 0);
    // The pod garbage collector saw it at its run at 0 s; after the 40 s quarantine it
    // marks it Failed (DisruptionTarget) and force-deletes it.
    let watch = c.watch("pods");
    c.advance(1_000);
    assert!(c.api().pods.get("default", "lost").is_none());
    let changes: Vec<_> = c.api().watch_cache().since(watch).unwrap().collect();
    let failed = changes.iter().any(|ch| match &ch.object {
        Object::Pod(p) if ch.change == crate::apiserver::watch_cache::ChangeType::Modified => {
            let status = p.status.as_ref().unwrap();
            status.phase.as_deref() == Some("Failed")
                && status.conditions.iter().flatten().any(|c| {
                    c.type_ == "DisruptionTarget"
                        && c.reason.as_deref() == Some("DeletionByPodGC")
                        && c.message.as_deref() == Some("PodGC: node no longer exists")
                })
        }
        _ => false,
    });
    assert!(failed, "{changes:?}");
}

#[test]
fn a_restored_cluster_collects_the_pods_of_nodes_that_are_gone() {
    let mut c = Cluster::with_default_nodes(1);
    c.create_from_text("nginx.yaml", NGINX).unwrap();
    c.advance(10_000);
    assert_eq!(phase_of(&c, "nginx"), "Running");
    let node = node_of(&c, "nginx").unwrap();
    // A saved cluster (or share link) whose node is gone.
    let mut saved: serde_json::Value = serde_json::from_str(&c.snapshot()).unwrap();
    saved["cluster"]["api"]["nodes"]
        .as_array_mut()
        .unwrap()
        .retain(|n| n["metadata"]["name"] != node.as_str());
    let mut r = Cluster::restore(&saved.to_string()).unwrap();
    assert!(r.next_event_time().is_some_and(|t| t <= SimTime(60_000)));
    // Restored at 10 s: the collector's first run is at 20 s, the quarantine ends at 60 s.
    r.advance(49_000);
    assert!(r.api().pods.get("default", "nginx").is_some());
    r.advance(1_000);
    assert!(r.api().pods.get("default", "nginx").is_none());
    assert!(r.logs("default", "nginx", "nginx", false).is_none());
}

/// The browser panel reaches a NodePort through kube-proxy: the ready pod answers, and
/// once no endpoint is ready the connection is refused, in Chromium's words.
#[test]
fn browser_reaches_only_ready_endpoints() {
    let mut c = Cluster::with_default_nodes(1);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";
    c.create_from_text("web.yaml", pod).unwrap();
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n    nodePort: 30080\n";
    c.create_from_text("svc.yaml", svc).unwrap();
    c.advance(10_000);
    let page = c.http_get("http://192.168.56.202:30080/").unwrap();
    assert_eq!(page.status, 200);
    // The pod turns not ready (as a failing readiness probe would make it).
    let mut p = c.api().pods.get("default", "web").unwrap().clone();
    for cond in p.status.as_mut().unwrap().conditions.as_mut().unwrap() {
        if cond.type_ == "Ready" {
            cond.status = "False".into();
        }
    }
    c.api.update_pod(p).unwrap();
    c.settle();
    let slice = c
        .api()
        .endpoint_slices
        .list()
        .find(|s| s.name_any().starts_with("web-"));
    let ready = slice
        .and_then(|s| s.endpoints[0].conditions.clone())
        .and_then(|c| c.ready);
    assert_eq!(ready, Some(false));
    let err = c.http_get("http://192.168.56.202:30080/").unwrap_err();
    assert_eq!(
        crate::net::browser_error(&err),
        "192.168.56.202 refused to connect. ERR_CONNECTION_REFUSED"
    );
}

/// Through the cluster: a node added later gets its pod, a node whose labels stop
/// matching loses it, and the status counts follow.
#[test]
fn daemon_set_follows_nodes_joining_and_labels_changing() {
    let mut c = Cluster::with_default_nodes(7);
    let ds: crate::model::DaemonSet = crate::model::de::from_value(&serde_json::json!({
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"nodeSelector": {"disktype": "ssd"},
                         "containers": [{"name": "c", "image": "nginx"}]}
            }
        }
    }))
    .expect("a DaemonSet");
    c.create(crate::model::Object::DaemonSet(Box::new(ds)))
        .expect("created");
    let on = |c: &Cluster| -> Vec<String> {
        let mut nodes: Vec<String> = c
            .api()
            .pods
            .list()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter_map(|p| p.spec.as_ref()?.node_name.clone())
            .collect();
        crate::sort::sort(&mut nodes);
        nodes
    };
    let desired = |c: &Cluster| {
        c.api()
            .daemon_sets
            .get("default", "agent")
            .and_then(|d| d.status.as_ref())
            .map(|s| (s.desired_number_scheduled, s.current_number_scheduled))
    };
    assert!(on(&c).is_empty());
    assert_eq!(desired(&c), Some((0, 0)));
    let mut labels = c
        .api()
        .nodes
        .get("", "k8s-worker-01")
        .map(|n| n.labels().clone())
        .unwrap_or_default();
    labels.insert("disktype".into(), "ssd".into());
    c.set_labels("Node", "", "k8s-worker-01", labels.clone())
        .expect("labelled");
    c.advance(1_000);
    assert_eq!(on(&c), ["k8s-worker-01"]);
    let joining = crate::scheduler::testing::make_node("k8s-worker-03")
        .label("disktype", "ssd")
        .obj();
    c.create(crate::model::Object::Node(Box::new(joining)))
        .expect("joined");
    c.advance(5_000);
    assert_eq!(on(&c), ["k8s-worker-01", "k8s-worker-03"]);
    assert_eq!(desired(&c), Some((2, 2)));
    labels.remove("disktype");
    c.set_labels("Node", "", "k8s-worker-01", labels)
        .expect("unlabelled");
    c.advance(5_000);
    assert_eq!(on(&c), ["k8s-worker-03"]);
    assert_eq!(desired(&c), Some((1, 1)));
}

/// A failed daemon pod is deleted with a `FailedDaemonPod` warning and made again.
#[test]
fn failed_daemon_pod_is_replaced() {
    let mut c = Cluster::with_default_nodes(7);
    let ds: crate::model::DaemonSet = crate::model::de::from_value(&serde_json::json!({
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}
            }
        }
    }))
    .expect("a DaemonSet");
    c.create(crate::model::Object::DaemonSet(Box::new(ds)))
        .expect("created");
    c.advance(5_000);
    let on_worker = |c: &Cluster| {
        c.api()
            .pods
            .list()
            .find(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("k8s-worker-01"))
            .cloned()
    };
    let mut pod = on_worker(&c).expect("a pod on k8s-worker-01");
    let failed = pod.name_any().to_string();
    if let Some(status) = pod.status.as_mut() {
        status.phase = Some("Failed".into());
    }
    c.api.update_pod(pod).expect("failed");
    c.advance(5_000);
    let replacement = on_worker(&c).expect("a new pod on k8s-worker-01");
    assert_ne!(replacement.name_any(), failed);
    let warned = c.api().events.list().any(|e| {
        e.reason.as_deref() == Some("FailedDaemonPod")
            && e.message.as_deref()
                == Some(
                    format!("Found failed daemon pod default/{failed} on node k8s-worker-01, will try to kill it")
                        .as_str(),
                )
    });
    assert!(warned);
}

/// Deleting a namespace deletes its workloads and their revisions too, not only its
/// pods and services.
#[test]
fn namespace_deletion_takes_workloads() {
    let mut c = Cluster::with_default_nodes(7);
    let objects = [
        (
            "Namespace",
            serde_json::json!({"metadata": {"name": "logging"}}),
        ),
        (
            "DaemonSet",
            serde_json::json!({
                "metadata": {"name": "agent", "namespace": "logging"},
                "spec": {
                    "selector": {"matchLabels": {"app": "agent"}},
                    "template": {"metadata": {"labels": {"app": "agent"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
                }
            }),
        ),
        (
            "Deployment",
            serde_json::json!({
                "metadata": {"name": "web", "namespace": "logging"},
                "spec": {
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
                }
            }),
        ),
    ];
    for (kind, json) in objects {
        let object = crate::model::Object::from_json(kind, json).expect("an object");
        c.create(object).expect("created");
    }
    c.advance(5_000);
    assert_eq!(
        c.api()
            .controller_revisions
            .list_namespace("logging")
            .count(),
        1
    );
    c.delete_namespace("logging").expect("deleted");
    c.advance(40_000);
    assert!(c.api().namespaces.get("", "logging").is_none());
    assert_eq!(c.api().daemon_sets.list().count(), 0);
    assert_eq!(c.api().deployments.list().count(), 0);
    assert_eq!(c.api().replica_sets.list().count(), 0);
    assert_eq!(c.api().controller_revisions.list().count(), 0);
    assert_eq!(c.api().pods.list_namespace("logging").count(), 0);
}
