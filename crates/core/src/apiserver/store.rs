//! The API server's storage: each kind's objects in one [`Store`], keyed by namespace
//! and name (the registry's etcd prefix per resource, here a B-tree in memory).

use crate::keyed::Keyed;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::Metadata;

/// Objects of one kind, ordered by namespace then name (kubectl lists in that order).
/// Every kind's store shares one B-tree type ([`Keyed`]).
#[derive(Debug, Clone)]
pub struct Store<T> {
    pub(super) objects: Keyed<(String, String), T>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            objects: Keyed::default(),
        }
    }
}

/// Stored as the list of objects; the keys come back from each object's metadata.
impl<T: serde::Serialize + Metadata<Ty = ObjectMeta>> serde::Serialize for Store<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list())
    }
}

impl<'de, T: serde::Deserialize<'de> + Metadata<Ty = ObjectMeta>> serde::Deserialize<'de>
    for Store<T>
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list = Vec::<T>::deserialize(d)?;
        // A repeated key keeps the last object, as collecting into a map would.
        Ok(Store {
            objects: list
                .into_iter()
                .map(|o| (key_of(o.metadata()), o))
                .collect(),
        })
    }
}

/// A store key, owned or borrowed: `get` looks up by `(&str, &str)` without building
/// the owned `(String, String)` key (the kubelet and controllers look up every pod on
/// every pass).
pub(super) trait StoreKey {
    fn parts(&self) -> (&str, &str);
}

impl StoreKey for (String, String) {
    fn parts(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl StoreKey for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn StoreKey + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn StoreKey + 'a) {
        self
    }
}

// Ordered as the owned tuples are: namespace, then name.
impl Ord for dyn StoreKey + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl PartialOrd for dyn StoreKey + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for dyn StoreKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn StoreKey + '_ {}

impl<T: Metadata<Ty = ObjectMeta>> Store<T> {
    pub fn get(&self, namespace: &str, name: &str) -> Option<&T> {
        self.objects.get(&(namespace, name) as &dyn StoreKey)
    }

    pub(super) fn get_mut(&mut self, namespace: &str, name: &str) -> Option<&mut T> {
        self.objects.get_mut(&(namespace, name) as &dyn StoreKey)
    }

    pub fn list(&self) -> impl Iterator<Item = &T> {
        self.objects.values()
    }

    pub fn list_namespace<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a T> + 'a {
        self.objects
            .iter()
            .filter(move |((ns, _), _)| ns == namespace)
            .map(|(_, o)| o)
    }

    /// Every object's namespace and name, in key order: what a controller visits while
    /// it writes the store.
    pub fn keys(&self) -> Vec<(String, String)> {
        self.objects.iter().map(|(key, _)| key.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

pub(super) fn key_of(meta: &ObjectMeta) -> (String, String) {
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

pub(super) fn display_key(ns: &str, name: &str) -> String {
    if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    }
}
