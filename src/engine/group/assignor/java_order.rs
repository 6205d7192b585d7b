//! Orders that Kafka's Java assignors inherit from the Java standard library.
//!
//! Kafka's assignors walk `java.util.HashMap` and `HashSet` containers in several places, so a
//! tie between two members or partitions is broken by where their hash codes land in the
//! table. To give the same answer as Kafka, this module reproduces `String.hashCode`,
//! `String.compareTo` and the iteration order of a hash table keyed by those hash codes.

use crate::engine::sorted;
use std::cmp::Ordering;

/// Java's `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 code units, wrapping.
pub fn string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Java's `String.compareTo`, which compares UTF-16 code units rather than code points.
///
/// Rust's `str` ordering differs from it only for supplementary characters compared with
/// characters in U+E000..U+FFFF, but member ids are arbitrary strings, so the difference matters.
pub fn compare_strings(left: &str, right: &str) -> Ordering {
    left.encode_utf16().cmp(right.encode_utf16())
}

/// Kafka's `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`, wrapping.
pub fn topic_partition_hash(topic_hash: i32, partition: u32) -> i32 {
    // The partition is an `int` in Java; simulator partition numbers always fit.
    let partition = partition as i32;
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(topic_hash)
}

/// The table capacity a Java hash table starts with when built by its no-argument constructor.
const DEFAULT_CAPACITY: usize = 16;
/// A bucket that already holds this many entries makes Java treeify it, or grow a small table.
const TREEIFY_THRESHOLD: usize = 8;
/// Java grows the table instead of treeifying a bucket while the table is smaller than this.
const MIN_TREEIFY_CAPACITY: usize = 64;

/// The iteration order of a `java.util.HashMap`/`HashSet` built with the no-argument constructor.
///
/// Java iterates bucket by bucket, and within a bucket in insertion order (resizing splits a
/// bucket without reordering it, and a removal leaves the others in place). So the order is
/// fully described by each entry's bucket under the current capacity and its insertion number,
/// provided the capacity grows exactly as Java's does: from 16, doubling whenever the size
/// exceeds three quarters of the capacity, or when a bucket reaches eight entries in a table
/// smaller than 64. Buckets that Java turns into trees (eight or more colliding keys in a table
/// of 64 or more) are not reproduced; ordinary member ids and partitions never get there.
#[derive(Clone, Debug)]
pub struct JavaHashOrder<T> {
    capacity: usize,
    next_sequence: u64,
    entries: Vec<HashEntry<T>>,
}

#[derive(Clone, Debug)]
struct HashEntry<T> {
    item: T,
    hash: i32,
    sequence: u64,
}

impl<T: PartialEq + Clone> JavaHashOrder<T> {
    /// An empty table with no storage yet, as after `new HashMap<>()`.
    pub fn new() -> Self {
        JavaHashOrder {
            capacity: 0,
            next_sequence: 0,
            entries: Vec::new(),
        }
    }

    /// Adds `item` with its Java hash code; returns false (changing nothing) if already present.
    pub fn insert(&mut self, item: T, hash: i32) -> bool {
        if self.contains(&item) {
            return false;
        }
        if self.capacity == 0 {
            self.capacity = DEFAULT_CAPACITY;
        }
        let bucket = bucket_of(hash, self.capacity);
        let bucket_len = self
            .entries
            .iter()
            .filter(|entry| bucket_of(entry.hash, self.capacity) == bucket)
            .count();
        self.entries.push(HashEntry {
            item,
            hash,
            sequence: self.next_sequence,
        });
        self.next_sequence += 1;
        if bucket_len >= TREEIFY_THRESHOLD && self.capacity < MIN_TREEIFY_CAPACITY {
            self.capacity *= 2;
        }
        if self.entries.len() > self.capacity / 4 * 3 {
            self.capacity *= 2;
        }
        true
    }

    /// Removes `item` if present; Java never shrinks the table, so neither does this.
    pub fn remove(&mut self, item: &T) -> bool {
        match self.entries.iter().position(|entry| entry.item == *item) {
            Some(index) => {
                self.entries.remove(index);
                true
            }
            None => false,
        }
    }

    pub fn contains(&self, item: &T) -> bool {
        self.entries.iter().any(|entry| entry.item == *item)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The items in the order Java's iterator would return them.
    pub fn iteration_order(&self) -> Vec<T> {
        let mut ordered: Vec<&HashEntry<T>> = self.entries.iter().collect();
        sorted::sort_by_key(&mut ordered, |entry| {
            (bucket_of(entry.hash, self.capacity), entry.sequence)
        });
        ordered
            .into_iter()
            .map(|entry| entry.item.clone())
            .collect()
    }

    /// The item Java's `iterator().next()` would return.
    pub fn first(&self) -> Option<T> {
        self.entries
            .iter()
            .min_by_key(|entry| (bucket_of(entry.hash, self.capacity), entry.sequence))
            .map(|entry| entry.item.clone())
    }
}

impl<T: PartialEq + Clone> Default for JavaHashOrder<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Java's bucket index: the hash spread by `h ^ (h >>> 16)`, masked by the power-of-two capacity.
fn bucket_of(hash: i32, capacity: usize) -> usize {
    let hash = hash as u32;
    ((hash ^ (hash >> 16)) as usize) & (capacity.max(1) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("hello"), 99_162_322);
        // Overflowing values wrap like Java's int arithmetic.
        assert_eq!(string_hash("consumer1"), -421_004_549);
        // A supplementary character hashes as its two UTF-16 surrogates.
        assert_eq!(string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn compare_strings_uses_utf16_code_units() {
        assert_eq!(compare_strings("a", "b"), Ordering::Less);
        assert_eq!(compare_strings("ab", "a"), Ordering::Greater);
        // U+1F600 is encoded as 0xD83D..., which sorts before U+FFFD in UTF-16 but after it
        // in code-point order.
        assert_eq!(compare_strings("\u{1F600}", "\u{FFFD}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FFFD}"), Ordering::Greater);
    }

    #[test]
    fn iteration_follows_buckets_then_insertion() {
        let mut order = JavaHashOrder::new();
        for id in ["consumer1", "consumer2", "consumer3"] {
            order.insert(id.to_string(), string_hash(id));
        }
        // Java's HashMap iterates these three in reverse, as their buckets are 12, 11 and 10.
        assert_eq!(
            order.iteration_order(),
            vec!["consumer3", "consumer2", "consumer1"]
        );
        // Equal hashes share a bucket and keep insertion order.
        let mut same = JavaHashOrder::new();
        same.insert("Aa".to_string(), string_hash("Aa"));
        same.insert("BB".to_string(), string_hash("BB"));
        assert_eq!(string_hash("Aa"), string_hash("BB"));
        assert_eq!(same.first(), Some("Aa".to_string()));
    }

    #[test]
    fn capacity_grows_like_java() {
        let mut order = JavaHashOrder::new();
        for value in 0..13 {
            order.insert(value, value);
        }
        // Thirteen entries exceed the threshold of 12, so the table has doubled to 32.
        assert_eq!(order.capacity, 32);
        assert!(order.remove(&3));
        assert_eq!(order.capacity, 32);
        // Hash 16 lands in bucket 16 of 32, after the entries 0..=12 that remain.
        order.insert(16, 16);
        assert_eq!(order.iteration_order().last(), Some(&16));
    }
}
