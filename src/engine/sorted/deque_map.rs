//! `DequeMap`: a sorted map for windows that grow at one end and shrink at the other.

use std::borrow::Borrow;
use std::collections::{vec_deque, VecDeque};
use std::fmt;
use std::iter::Zip;
use std::ops::RangeBounds;

/// A map kept sorted by key in two ring buffers, with `BTreeMap`'s method names and order.
/// Adding past the newest key and taking the oldest are O(1); elsewhere an insert or a
/// removal moves the entries on its shorter side. For windows over ids and offsets (recent
/// journeys, records awaiting the high watermark or a commit) that is the common case, and
/// unlike a `VecMap` taking the oldest moves nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct DequeMap<K, V> {
    /// Strictly ascending.
    keys: VecDeque<K>,
    values: VecDeque<V>,
}

pub type Iter<'a, K, V> = Zip<vec_deque::Iter<'a, K>, vec_deque::Iter<'a, V>>;
pub type IterMut<'a, K, V> = Zip<vec_deque::Iter<'a, K>, vec_deque::IterMut<'a, V>>;

impl<K, V> DequeMap<K, V> {
    pub const fn new() -> Self {
        DequeMap {
            keys: VecDeque::new(),
            values: VecDeque::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.values.clear();
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        self.keys.iter().zip(self.values.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.keys.iter().zip(self.values.iter_mut())
    }

    pub fn keys(&self) -> vec_deque::Iter<'_, K> {
        self.keys.iter()
    }

    pub fn values(&self) -> vec_deque::Iter<'_, V> {
        self.values.iter()
    }

    pub fn values_mut(&mut self) -> vec_deque::IterMut<'_, V> {
        self.values.iter_mut()
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        Some((self.keys.pop_front()?, self.values.pop_front()?))
    }

    /// Keeps the entries for which `keep` says so, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut kept = 0;
        for index in 0..self.keys.len() {
            if keep(&self.keys[index], &mut self.values[index]) {
                self.keys.swap(kept, index);
                self.values.swap(kept, index);
                kept += 1;
            }
        }
        self.keys.truncate(kept);
        self.values.truncate(kept);
    }
}

impl<K: Ord, V> DequeMap<K, V> {
    fn search<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.keys.binary_search_by(|probe| probe.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|index| &self.values[index])
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|index| &mut self.values[index])
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.search(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.keys.back().is_none_or(|last| *last < key) {
            self.keys.push_back(key);
            self.values.push_back(value);
            return None;
        }
        match self.search(&key) {
            Ok(index) => Some(std::mem::replace(&mut self.values[index], value)),
            Err(index) => {
                self.keys.insert(index, key);
                self.values.insert(index, value);
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let index = self.search(key).ok()?;
        self.keys.remove(index);
        self.values.remove(index)
    }

    /// The value at `key`, inserted with `default()` first if there is none (what
    /// `BTreeMap::entry(key).or_insert_with(default)` does).
    pub fn get_or_insert_with(&mut self, key: K, default: impl FnOnce() -> V) -> &mut V {
        let index = match self.search(&key) {
            Ok(index) => index,
            Err(index) => {
                self.keys.insert(index, key);
                self.values.insert(index, default());
                index
            }
        };
        &mut self.values[index]
    }

    /// The entries whose keys fall in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let positions = super::positions_in(&range, self.keys.len(), |bound, inclusive| {
            self.keys.partition_point(|k| {
                if inclusive {
                    k.borrow() <= bound
                } else {
                    k.borrow() < bound
                }
            })
        });
        let (start, end) = (positions.start, positions.end);
        self.keys
            .range(start..end)
            .zip(self.values.range(start..end))
    }
}

impl<K, V> Default for DequeMap<K, V> {
    fn default() -> Self {
        DequeMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for DequeMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a, K, V> IntoIterator for &'a DequeMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
