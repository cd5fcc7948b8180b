//! An ordered map whose B-tree is shared by every value type.
//!
//! `BTreeMap<K, V>` is generic over both key and value: each value type got its own copy
//! of the B-tree's insert, remove, rebalance, clone and drop code, about 6 to 10 KB of
//! pre-opt wasm per pair (`twiggy top` on a build with v0 symbol names). [`Keyed`] keeps
//! its values in a vector and a `BTreeMap<K, usize>` from each key to its value's slot,
//! so the B-tree code exists once per key type (`String`, and the API server's
//! `(namespace, name)`); what is left per value type is vector code.
//!
//! It reads like a `BTreeMap`: iteration is in key order, equal inputs give equal maps,
//! and it is written and read (serde) as a map. A removed value's slot is reused by the
//! next insert, so the slots' order never shows.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::RangeBounds;

/// An ordered map from `K` to `V` (see the module documentation).
#[derive(Clone)]
pub struct Keyed<K, V> {
    /// Each key's slot in `slots`.
    index: BTreeMap<K, usize>,
    /// The values; `None` for a free slot.
    slots: Vec<Option<V>>,
    /// Free slots, reused last-freed first.
    free: Vec<usize>,
}

impl<K, V> Default for Keyed<K, V> {
    fn default() -> Self {
        Keyed {
            index: BTreeMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<K: Ord, V> Keyed<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let &i = self.index.get(key)?;
        self.slots.get(i)?.as_ref()
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let &i = self.index.get(key)?;
        self.slots.get_mut(i)?.as_mut()
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.index.contains_key(key)
    }

    /// The slot `key`'s value is kept in: a number that stays the key's until it is
    /// removed (then the next insert may take it), to find the value again without a
    /// search of the B-tree ([`Keyed::at`]).
    pub fn slot_of<Q: Ord + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        self.index.get(key).copied()
    }

    /// The value kept in `slot` (see [`Keyed::slot_of`]), if any.
    pub fn at(&self, slot: usize) -> Option<&V> {
        self.slots.get(slot)?.as_ref()
    }

    /// The value kept in `slot`, to change.
    pub fn at_mut(&mut self, slot: usize) -> Option<&mut V> {
        self.slots.get_mut(slot)?.as_mut()
    }

    /// Stores `value` under `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let i = self.slot_for(key);
        self.slots.get_mut(i)?.replace(value)
    }

    /// The value under `key`, inserting `make()` first if there is none (as
    /// `entry(key).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = self.slot_for(key);
        self.slots[i].get_or_insert_with(make)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.index.remove(key)?;
        self.free.push(i);
        self.slots.get_mut(i)?.take()
    }

    /// Keeps the entries for which `keep` says true, visiting them in key order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let slots = &mut self.slots;
        let free = &mut self.free;
        self.index.retain(|k, &mut i| {
            let Some(slot) = slots.get_mut(i) else {
                return false;
            };
            let kept = slot.as_mut().is_some_and(|v| keep(k, v));
            if !kept {
                *slot = None;
                free.push(i);
            }
            kept
        });
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.index
            .iter()
            .filter_map(|(k, &i)| Some((k, self.slots.get(i)?.as_ref()?)))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    /// The values in their slots' order, not their keys': for a question whose answer
    /// does not depend on the order (is any value so?), without walking the B-tree.
    pub fn values_by_slot(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().flatten()
    }

    /// The entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        let mut values: Vec<Option<&mut V>> = self.slots.iter_mut().map(Option::as_mut).collect();
        self.index
            .iter()
            .filter_map(move |(k, &i)| Some((k, values.get_mut(i)?.take()?)))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.iter_mut().map(|(_, v)| v)
    }

    /// The entries whose keys are in `range`, in key order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Range<'_, K, V>
    where
        K: Borrow<Q>,
    {
        Range {
            keys: self.index.range(range),
            slots: &self.slots,
        }
    }

    /// The slot of `key`, a vacant one taken for it if it has none (one search of the
    /// B-tree either way).
    fn slot_for(&mut self, key: K) -> usize {
        let (slots, free) = (&mut self.slots, &mut self.free);
        *self.index.entry(key).or_insert_with(|| match free.pop() {
            Some(i) => i,
            None => {
                slots.push(None);
                slots.len() - 1
            }
        })
    }
}

/// The iterator [`Keyed::range`] returns (it does not borrow the range's bounds).
pub struct Range<'a, K, V> {
    keys: std::collections::btree_map::Range<'a, K, usize>,
    slots: &'a [Option<V>],
}

impl<'a, K, V> Iterator for Range<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        let slots = self.slots;
        self.keys
            .by_ref()
            .find_map(|(k, &i)| Some((k, slots.get(i)?.as_ref()?)))
    }
}

/// The entries by value, in key order.
impl<K, V> IntoIterator for Keyed<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        let mut slots = self.slots;
        let entries: Vec<(K, V)> = self
            .index
            .into_iter()
            .filter_map(|(k, i)| Some((k, slots.get_mut(i)?.take()?)))
            .collect();
        entries.into_iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Keyed<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = Keyed::new();
        for (k, v) in pairs {
            map.insert(k, v);
        }
        map
    }
}

impl<K: Ord + std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for Keyed<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V: PartialEq> PartialEq for Keyed<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<K: Ord, V: Eq> Eq for Keyed<K, V> {}

impl<K: Ord + serde::Serialize, V: serde::Serialize> serde::Serialize for Keyed<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K, V> serde::Deserialize<'de> for Keyed<K, V>
where
    K: Ord + serde::Deserialize<'de>,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for Visitor<K, V>
        where
            K: Ord + serde::Deserialize<'de>,
            V: serde::Deserialize<'de>,
        {
            type Value = Keyed<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<Self::Value, A::Error> {
                let mut map = Keyed::new();
                // A repeated key keeps its last value, as a BTreeMap's reader does.
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::ops::Bound;

    proptest! {
        /// Any mix of inserts, removes, retains and in-place changes leaves a `Keyed`
        /// equal, entry for entry and in order, to a `BTreeMap` given the same.
        #[test]
        fn keyed_matches_a_btree_map(ops in proptest::collection::vec((0u8..6, 0u8..12, 0u32..100), 0..200)) {
            let mut keyed: Keyed<String, u32> = Keyed::new();
            let mut model: BTreeMap<String, u32> = BTreeMap::new();
            for (op, k, v) in ops {
                let key = format!("k{k:02}");
                match op {
                    0 | 1 => prop_assert_eq!(keyed.insert(key.clone(), v), model.insert(key, v)),
                    2 => prop_assert_eq!(keyed.remove(key.as_str()), model.remove(key.as_str())),
                    3 => {
                        *keyed.get_or_insert_with(key.clone(), || v) += 1;
                        *model.entry(key).or_insert_with(|| v) += 1;
                    }
                    4 => {
                        keyed.retain(|_, x| *x % 3 != v % 3);
                        model.retain(|_, x| *x % 3 != v % 3);
                    }
                    _ => {
                        for (_, x) in keyed.iter_mut().take(usize::from(k)) {
                            *x += v;
                        }
                        for (_, x) in model.iter_mut().take(usize::from(k)) {
                            *x += v;
                        }
                    }
                }
                prop_assert!(keyed.iter().eq(model.iter()));
                let mut by_slot: Vec<u32> = keyed.values_by_slot().copied().collect();
                crate::sort::sort(&mut by_slot);
                let mut values: Vec<u32> = model.values().copied().collect();
                crate::sort::sort(&mut values);
                prop_assert_eq!(by_slot, values);
                let bounds = (Bound::Included("k03"), Bound::Excluded("k08"));
                prop_assert!(keyed.range::<str, _>(bounds).eq(model.range::<str, _>(bounds)));
                prop_assert_eq!(keyed.len(), model.len());
                prop_assert_eq!(keyed.get("k05"), model.get("k05"));
                // A key's slot holds its value.
                let slot = keyed.slot_of("k05");
                prop_assert_eq!(slot.and_then(|i| keyed.at(i)), model.get("k05"));
            }
            prop_assert!(keyed.slots.len() <= 12, "freed slots are reused");
        }
    }

    #[test]
    fn it_is_written_and_read_as_a_map() {
        let map: Keyed<String, u32> = [("b".to_string(), 2), ("a".to_string(), 1)]
            .into_iter()
            .collect();
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"a":1,"b":2}"#);
        let back: Keyed<String, u32> = serde_json::from_str(r#"{"b":2,"a":0,"a":1}"#).unwrap();
        assert_eq!(back, map);
        assert_eq!(format!("{back:?}"), r#"{"a": 1, "b": 2}"#);
        let entries: Vec<_> = back.into_iter().collect();
        assert_eq!(entries, [("a".to_string(), 1), ("b".to_string(), 2)]);
    }
}
