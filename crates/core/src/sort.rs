//! Stable sorting with one copy of the sort in the wasm bundle.
//!
//! The standard library's stable sort is generic over the element and the comparison:
//! every `sort_by` call site got its own copy of driftsort, about 4 KB of code each
//! (43 copies, 170 KB of the pre-opt wasm in `twiggy top`). Here the sort itself runs
//! once, over positions with a comparison behind `&mut dyn FnMut`, and each call site
//! keeps only a small loop that moves its elements into the sorted order. The result is
//! the standard library's: stable, equal elements keep their order.
//!
//! `collect` into a `BTreeMap` or `BTreeSet` sorts the items first, with another copy of
//! that sort per key type: [`collect_map`], [`collect_set`] and [`collect_object`] (a
//! JSON object) insert them one by one instead, with the same result.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `items` by `compare`, keeping equal elements in their order (like
/// `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` by the key `key` gives each (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)))
}

/// Sorts `items` in their own order (like `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp)
}

/// Collects pairs into a map; of equal keys the last pair's value stays, as with
/// `collect`.
pub fn collect_map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// Collects items into a set, as `collect` does.
pub fn collect_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// Collects a JSON object's members, as `collect` into a `serde_json::Map` does.
pub fn collect_object(
    members: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut object = serde_json::Map::new();
    object.extend(members);
    object
}

/// The positions `0..len` in sorted order: the one instantiation of the standard sort.
#[allow(clippy::disallowed_methods)]
fn order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Puts `items[order[i]]` at `i`, one cycle of the permutation at a time; a visited
/// position is marked by pointing at itself.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut current = start;
        loop {
            let next = order[current];
            order[current] = current;
            if next == start {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included: the
        /// second field tells equal keys apart.
        #[test]
        #[allow(clippy::disallowed_methods)]
        fn sorts_as_the_standard_stable_sort(items in proptest::collection::vec((0u8..6, any::<u32>()), 0..200)) {
            let mut ours = items.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std = items.clone();
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std);
            let mut ours = items.clone();
            sort(&mut ours);
            let mut std = items;
            std.sort();
            prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn collects_as_collect_does() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let ours = collect_map(pairs);
        let std: BTreeMap<_, _> = pairs.into_iter().collect();
        assert_eq!(ours, std);
        assert_eq!(ours["b"], 3);
        assert_eq!(collect_set([3, 1, 3, 2]), BTreeSet::from_iter([1, 2, 3]));
    }

    #[test]
    fn moves_owned_values_without_copying() {
        let mut names: Vec<String> = ["b", "c", "a", "b"].map(String::from).to_vec();
        sort_by(&mut names, |a, b| b.cmp(a));
        assert_eq!(names, ["c", "b", "b", "a"]);
        let mut empty: Vec<String> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }
}
