//! A saved cluster whose counters were set back (by hand, or by a broken save) is
//! repaired as it is read: every counter is raised to what the saved objects already
//! use, so nothing made afterwards repeats or predates them. What no cluster could
//! hold is refused with what is wrong.

use podlab_core::kubectl::{run, NoFiles};
use podlab_core::Cluster;
use serde_json::Value;

/// A cluster with two pods running on worker-01 and their events, saved.
fn saved() -> Value {
    let mut c = Cluster::with_default_nodes(1);
    for name in ["a", "b"] {
        kubectl(&mut c, &format!("run {name} --image=nginx"));
    }
    c.advance(30_000);
    serde_json::from_str(&c.snapshot()).unwrap()
}

fn kubectl(c: &mut Cluster, line: &str) -> String {
    let args = podlab_core::kubectl::split_words(line).unwrap();
    let out = run(c, &args, &NoFiles);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn restore(v: &Value) -> Result<Cluster, String> {
    Cluster::restore(&v.to_string()).map_err(|e| e.to_string())
}

/// Every object's resourceVersion, as numbers.
fn versions(c: &mut Cluster, resource: &str) -> Vec<u64> {
    let text = kubectl(
        c,
        &format!("get {resource} -A -o jsonpath={{.items[*].metadata.resourceVersion}}"),
    );
    text.split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn a_resource_version_counter_set_back_is_raised_to_the_objects() {
    let mut v = saved();
    v["cluster"]["api"]["resource_version"] = 3.into();
    let mut c = restore(&v).unwrap();
    let before: u64 = ["pods", "events", "nodes"]
        .iter()
        .flat_map(|r| versions(&mut c, r))
        .max()
        .unwrap();
    let events = versions(&mut c, "events").len();
    kubectl(&mut c, "run c --image=nginx");
    let c_version = kubectl(&mut c, "get pod c -o jsonpath={.metadata.resourceVersion}");
    assert!(
        c_version.parse::<u64>().unwrap() > before,
        "{c_version} after {before}"
    );
    // Events made afterwards get names of their own: none replaces an older one.
    c.advance(10_000);
    assert!(versions(&mut c, "events").len() > events);
    let a = kubectl(
        &mut c,
        "get events --field-selector involvedObject.name=a -o name",
    );
    assert!(a.lines().count() >= 4, "a's events are all kept: {a}");
}

#[test]
fn a_pod_ip_counter_set_back_is_raised_past_the_pods_addresses() {
    let mut v = saved();
    let next_ip = &mut v["cluster"]["kubelet"]["next_ip"];
    assert!(
        next_ip.as_object().is_some_and(|m| !m.is_empty()),
        "{next_ip}"
    );
    for (_, n) in next_ip.as_object_mut().unwrap() {
        *n = 1.into();
    }
    let mut c = restore(&v).unwrap();
    kubectl(&mut c, "run c --image=nginx");
    kubectl(&mut c, "run d --image=nginx");
    c.advance(10_000);
    let ips = kubectl(&mut c, "get pods -o jsonpath={.items[*].status.podIP}");
    let seen: Vec<&str> = ips.split_whitespace().collect();
    assert_eq!(seen.len(), 4, "{ips}");
    let unique: std::collections::BTreeSet<&str> = seen.iter().copied().collect();
    assert_eq!(
        unique.len(),
        4,
        "every pod has an address of its own: {ips}"
    );
}

#[test]
fn a_clock_set_back_before_the_objects_is_raised_to_them() {
    let mut v = saved();
    let saved_now = v["cluster"]["now"].as_u64().unwrap();
    assert!(saved_now >= 30_000);
    v["cluster"]["now"] = 0.into();
    let mut c = restore(&v).unwrap();
    assert!(c.now().0 >= 29_000, "the clock is at {:?}", c.now());
    // Nothing is younger than it was made: no `<invalid>` ages, no negative ones.
    let pods = kubectl(&mut c, "get pods");
    assert!(!pods.contains("<invalid>") && !pods.contains('-'), "{pods}");
    let events = kubectl(&mut c, "get events");
    assert!(!events.contains("<invalid>"), "{events}");
}

#[test]
fn what_no_cluster_could_hold_is_refused_with_what_is_wrong() {
    let mut v = saved();
    let mut bad = v.clone();
    set_pod_field(&mut bad, "a", "resourceVersion", "seven".into());
    assert_eq!(
        restore(&bad).err().unwrap(),
        "the saved cluster is inconsistent: pods \"default/a\" has resourceVersion \"seven\", which is not a number"
    );
    let uid = pod_field(&v, "a", "uid");
    set_pod_field(&mut v, "b", "uid", uid.clone());
    assert_eq!(
        restore(&v).err().unwrap(),
        format!("the saved cluster is inconsistent: pods \"default/a\" and pods \"default/b\" have the same uid {uid}")
    );
}

/// The saved pod `name`'s metadata.
fn pod_meta<'a>(v: &'a mut Value, name: &str) -> &'a mut Value {
    let pods = v["cluster"]["api"]["pods"].as_array_mut().unwrap();
    let pod = pods.iter_mut().find(|p| p["metadata"]["name"] == name);
    &mut pod.unwrap_or_else(|| panic!("no pod {name}"))["metadata"]
}

fn pod_field(v: &Value, name: &str, field: &str) -> Value {
    pod_meta(&mut v.clone(), name)[field].clone()
}

fn set_pod_field(v: &mut Value, name: &str, field: &str, value: Value) {
    pod_meta(v, name)[field] = value;
}
