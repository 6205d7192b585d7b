//! Maps and sets kept as sorted vectors, with the B-tree's method names.
//!
//! Almost every map in the playground is small (brokers, partitions, members, topics) and read
//! far more often than it changes. `BTreeMap` serves them well at run time, but each key and
//! value type brings its own copy of the tree's insert, remove, rebalance, clone and drop:
//! about 300 KB of the sandbox's wasm before these types (BENCHMARKS.md). A sorted vector
//! needs a binary search, `Vec::insert` and `Vec::remove`, and its clone and drop are a
//! vector's. Keys and values sit in two vectors, so the search is compiled once per key type
//! rather than once per map type.
//!
//! The order is the B-tree's (ascending by `Ord`), so every run iterates its maps exactly as
//! it did with `BTreeMap`, and the committed trace hashes do not change. Inserting in the
//! middle moves the later elements, which is why the few maps that grow with a run and lose
//! their oldest entries are a `DequeMap` (the same in ring buffers, so taking the oldest moves
//! nothing), and messages in flight, whose ids only grow but which leave in any order, sit in
//! `IdSlots` (a slot per id in a ring buffer).
//!
//! [`litemap`](https://docs.rs/litemap) is the same idea as a crate; its method names differ
//! from `BTreeMap`'s (`first`, `iter_keys`, no `entry`), which would have changed every call
//! site instead of the type names.

mod deque_map;
mod id_slots;
mod map;
mod set;
mod sort;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use deque_map::DequeMap;
pub use id_slots::IdSlots;
pub use map::{Entry, OccupiedEntry, VacantEntry, VecMap};
pub use set::VecSet;
pub use sort::{sort, sort_by, sort_by_key};

/// The positions of the keys that fall in `range`, for each type's `range`: `below(bound,
/// inclusive)` counts the keys less than `bound` (or not greater, when `inclusive`).
fn positions_in<Q: Ord + ?Sized>(
    range: &impl std::ops::RangeBounds<Q>,
    len: usize,
    below: impl Fn(&Q, bool) -> usize,
) -> std::ops::Range<usize> {
    use std::ops::Bound;
    let start = match range.start_bound() {
        Bound::Included(low) => below(low, false),
        Bound::Excluded(low) => below(low, true),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(high) => below(high, true),
        Bound::Excluded(high) => below(high, false),
        Bound::Unbounded => len,
    };
    start..end.max(start)
}
