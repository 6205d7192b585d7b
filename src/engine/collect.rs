//! Collecting into B-trees by inserting, not by `collect()`.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` first sorts its input with a stable sort, and
//! every element type gets its own copy of that sort: about 85 KB of the sandbox's wasm went
//! to such copies (BENCHMARKS.md). Inserting one element at a time uses the tree's own
//! `insert`, which each type has anyway, and builds the same tree: a later equal key replaces
//! the value, as `collect()` keeps the last. The trees built here are small (brokers,
//! partitions, members), so the difference in speed does not show.

use std::collections::{BTreeMap, BTreeSet};

pub trait IntoBTree: Iterator + Sized {
    fn into_btree_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        for value in self {
            set.insert(value);
        }
        set
    }

    fn into_btree_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }
}

impl<I: Iterator> IntoBTree for I {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_builds_what_collect_builds_with_repeated_keys() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let collected: BTreeMap<i32, char> = pairs.iter().copied().collect();
        assert_eq!(pairs.iter().copied().into_btree_map(), collected);
        let values = [5, 1, 5, 3, 1, 9];
        let collected: BTreeSet<i32> = values.iter().copied().collect();
        assert_eq!(values.iter().copied().into_btree_set(), collected);
    }
}
