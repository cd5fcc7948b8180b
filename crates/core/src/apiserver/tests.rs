//! The API server's own tests.

use super::*;
use crate::manifest::{decode, Validation};
use crate::model::Object;

fn pod(text: &str) -> Pod {
    match decode("t.yaml", text, Validation::Strict)
        .unwrap()
        .manifests
        .remove(0)
        .object
    {
        Object::Pod(p) => *p,
        _ => panic!("not a pod"),
    }
}

const NGINX: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n";

#[test]
fn create_stamps_and_defaults() {
    let mut api = ApiServer::new(1, SimTime(0));
    let p = api
        .create_pod(pod(NGINX), SimTime::from_secs(5))
        .unwrap()
        .clone();
    assert_eq!(p.metadata.namespace.as_deref(), Some("default"));
    assert!(p.metadata.uid.is_some());
    assert_eq!(
        serde_json::to_value(&p.metadata.creation_timestamp).unwrap(),
        "2026-01-05T09:00:05Z"
    );
    assert_eq!(p.status.unwrap().phase.as_deref(), Some("Pending"));
    let e = api.create_pod(pod(NGINX), SimTime(0)).unwrap_err();
    assert_eq!(e.to_string(), "pods \"nginx\" already exists");
    assert_eq!(
        api.delete_pod("default", "x").unwrap_err().to_string(),
        "pods \"x\" not found"
    );
}

#[test]
fn adopted_watches_see_what_changed_in_the_saved_form() {
    let mut before = ApiServer::new(1, SimTime(0));
    let seq = before.watch("pods");
    before.create_pod(pod(NGINX), SimTime(0)).unwrap();
    before
        .create_pod(
            pod(&NGINX.replace("name: nginx\n", "name: kept\n")),
            SimTime(0),
        )
        .unwrap();
    // Another program reads the saved form (no watch cache), changes it, saves.
    let mut after: ApiServer =
        serde_json::from_str(&serde_json::to_string(&before).unwrap()).unwrap();
    assert!(!after.watch_cache().watches("pods"));
    after.delete_pod("default", "nginx").unwrap();
    after
        .create_pod(
            pod(&NGINX.replace("name: nginx\n", "name: web\n")),
            SimTime(0),
        )
        .unwrap();
    after.adopt_watches(&before);
    assert!(after.watch_cache().watches("pods"));
    let seen: Vec<(ChangeType, String)> = after
        .watch_cache()
        .since(seq)
        .unwrap()
        .map(|c| {
            (
                c.change,
                c.object.metadata().name.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (ChangeType::Added, "nginx".to_string()),
            (ChangeType::Added, "kept".to_string()),
            (ChangeType::Deleted, "nginx".to_string()),
            (ChangeType::Added, "web".to_string()),
        ]
    );
}

#[test]
fn namespaces_exist() {
    let api = ApiServer::new(1, SimTime(0));
    let names: Vec<_> = api
        .namespaces
        .list()
        .map(|n| n.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        ["default", "kube-node-lease", "kube-public", "kube-system"]
    );
    let mut api = api;
    let mut p = pod(NGINX);
    p.metadata.namespace = Some("nope".into());
    assert_eq!(
        api.create_pod(p, SimTime(0)).unwrap_err().to_string(),
        "namespaces \"nope\" not found"
    );
}

#[test]
fn same_seed_same_objects() {
    let make = || {
        let mut api = ApiServer::new(42, SimTime(0));
        api.create_pod(pod(NGINX), SimTime(0)).unwrap().clone()
    };
    assert_eq!(make(), make());
}

proptest::proptest! {
    /// Any mix of inserts, replaces and removes leaves the store holding what a plain
    /// ordered map would, listed in the same order, each object under its own key.
    #[test]
    fn store_matches_an_ordered_map(
        ops in proptest::collection::vec((0u8..3, 0u8..3, 0u8..8, 0u32..1000), 0..200)
    ) {
        let mut store = Store::<Namespace>::default();
        let mut model = std::collections::BTreeMap::new();
        for (op, ns, name, tag) in ops {
            let key = (format!("ns{ns}"), format!("n{name}"));
            let obj = Namespace {
                metadata: ObjectMeta {
                    namespace: Some(key.0.clone()),
                    name: Some(key.1.clone()),
                    generation: Some(i64::from(tag)),
                    ..Default::default()
                },
                ..Default::default()
            };
            if op < 2 {
                store.objects.insert(key.clone(), obj);
                model.insert(key, tag);
            } else {
                let got = store.objects.remove(&key).and_then(|o| o.metadata.generation);
                proptest::prop_assert_eq!(got, model.remove(&key).map(i64::from));
            }
        }
        let listed: Vec<_> = store
            .list()
            .map(|o| (key_of(&o.metadata), o.metadata.generation.unwrap_or(-1)))
            .collect();
        let expected: Vec<_> = model.iter().map(|(k, &t)| (k.clone(), i64::from(t))).collect();
        proptest::prop_assert_eq!(listed, expected);
        for ((ns, name), &tag) in &model {
            let got = store.get(ns, name).and_then(|o| o.metadata.generation);
            proptest::prop_assert_eq!(got, Some(i64::from(tag)));
        }
        proptest::prop_assert_eq!(store.len(), model.len());
    }
}
