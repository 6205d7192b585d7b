//! A vector whose copies share their elements: [`SharedVec`].
//!
//! The sandbox keeps dozens of copies of a simulation (its timeline's snapshots), and what
//! grows with a run is long tables: every batch of every log, the auditor's row per record,
//! each reader's deliveries. A `Vec` copies all of them with every snapshot, so memory grew as
//! snapshots × run length. A `SharedVec` keeps its elements in fixed-size chunks behind
//! reference counts: a copy copies the list of chunks, and a chunk is copied only when one of
//! the copies writes to it (copy on write), which for these tables is almost always the last
//! chunk. Iteration order, equality and indexing are exactly those of the `Vec` it replaces, so
//! runs and their traces are unchanged.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// Elements per chunk: small enough that writing to a shared chunk copies little, large enough
/// that the list of chunks is a small part of a copy.
pub(crate) const CHUNK_LEN: usize = 256;
const CHUNK: usize = CHUNK_LEN;

/// Invariant: every chunk but the last holds exactly [`CHUNK`] elements, and the last holds at
/// least one; `len` is their total.
#[derive(Clone, Debug)]
pub struct SharedVec<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for SharedVec<T> {}

impl<T> SharedVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    /// Every element, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The elements from `start` on, in order.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let first_chunk = start / CHUNK;
        let skip_in_first = start % CHUNK;
        self.chunks
            .iter()
            .skip(first_chunk)
            .enumerate()
            .flat_map(move |(i, chunk)| {
                let from = if i == 0 { skip_in_first } else { 0 };
                chunk.get(from..).unwrap_or(&[]).iter()
            })
    }

    /// The index of the first element for which `pred` is false, the elements being
    /// partitioned by it (all trues before all falses), as [`slice::partition_point`].
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        // The chunks whose last element still satisfies `pred` come first and are passed
        // whole; the answer lies in the first chunk that does not.
        let whole = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(&mut pred));
        match self.chunks.get(whole) {
            Some(chunk) => whole * CHUNK + chunk.partition_point(pred),
            None => self.len,
        }
    }
}

/// The chunk for writing: copied first if another copy of the vector shares it.
///
/// Not `Arc::make_mut`, which copies with a capacity equal to the length: the next push
/// would then double it, and a table whose last chunk is copied at every snapshot (each log,
/// the auditor's rows) would keep chunks of up to twice [`CHUNK_LEN`] slots, half of them
/// empty. The copy gets the capacity the chunk would have reached by pushing (a power of
/// two, at most [`CHUNK_LEN`]), so full chunks hold exactly [`CHUNK_LEN`] slots.
fn writable<T: Clone>(chunk: &mut Arc<Vec<T>>) -> &mut Vec<T> {
    if Arc::get_mut(chunk).is_none() {
        let capacity = (chunk.len() + 1).next_power_of_two().min(CHUNK);
        let mut copy = Vec::with_capacity(capacity.max(chunk.len()));
        copy.extend_from_slice(chunk);
        *chunk = Arc::new(copy);
    }
    Arc::get_mut(chunk).expect("no other copy shares it now")
}

impl<T: Clone> SharedVec<T> {
    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => {
                let chunk = writable(last);
                // Grow by doubling up to exactly a chunk: powers of two reach CHUNK_LEN
                // without overshooting it, however the chunk started.
                if chunk.len() == chunk.capacity() {
                    chunk.reserve_exact((chunk.len() * 2).clamp(4, CHUNK) - chunk.len());
                }
                chunk.push(value)
            }
            _ => {
                // A new chunk starts small: many tables (a log per replica of each of
                // `__consumer_offsets`' fifty partitions) hold a handful of elements.
                let mut chunk = Vec::with_capacity(4);
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    pub fn pop(&mut self) -> Option<T> {
        let last = self.chunks.last_mut()?;
        let value = writable(last).pop();
        if last.is_empty() {
            self.chunks.pop();
        }
        self.len -= 1;
        value
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(index / CHUNK)?;
        writable(chunk).get_mut(index % CHUNK)
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        writable(self.chunks.last_mut()?).last_mut()
    }

    /// Grows to `len` elements with copies of `value` (never shrinks).
    pub fn grow_to(&mut self, len: usize, value: T) {
        while self.len < len {
            self.push(value.clone());
        }
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }

    /// Drops the oldest `count` elements (all of them if there are fewer). Whole chunks are
    /// dropped without copying anything, so a `count` that is a multiple of [`CHUNK_LEN`] is
    /// cheap; any other count rebuilds the vector.
    pub fn drop_front(&mut self, count: usize) {
        if count >= self.len {
            self.clear();
        } else if count.is_multiple_of(CHUNK) {
            self.chunks.drain(..count / CHUNK);
            self.len -= count;
        } else {
            let kept: Vec<T> = self.iter_from(count).cloned().collect();
            *self = kept.into_iter().collect();
        }
    }

    /// Keeps the elements for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let kept: Vec<T> = self.iter().filter(|value| keep(value)).cloned().collect();
        *self = kept.into_iter().collect();
    }

    /// Takes every element out, in order, leaving the vector empty. Chunks no other copy
    /// shares are moved, not copied.
    pub fn take_all(&mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        for chunk in std::mem::take(&mut self.chunks) {
            match Arc::try_unwrap(chunk) {
                Ok(values) => out.extend(values),
                Err(shared) => out.extend(shared.iter().cloned()),
            }
        }
        self.len = 0;
        out
    }
}

impl<T: Clone> FromIterator<T> for SharedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut out = SharedVec::new();
        for value in values {
            out.push(value);
        }
        out
    }
}

impl<T> Index<usize> for SharedVec<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

impl<T: Clone> IndexMut<usize> for SharedVec<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut writable(&mut self.chunks[index / CHUNK])[index % CHUNK]
    }
}

impl<T: serde::Serialize> serde::Serialize for SharedVec<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: serde::Deserialize<'de> + Clone> serde::Deserialize<'de> for SharedVec<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|values| values.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(n: usize) -> (Vec<u32>, SharedVec<u32>) {
        let plain: Vec<u32> = (0..n as u32).map(|i| i * 3).collect();
        let shared = plain.iter().copied().collect();
        (plain, shared)
    }

    #[test]
    fn it_reads_as_the_vec_it_replaces_at_every_length_around_a_chunk() {
        for n in [0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let (plain, shared) = both(n);
            assert_eq!(shared.len(), plain.len());
            assert!(shared.iter().eq(plain.iter()), "{n}");
            assert!(shared.iter().rev().eq(plain.iter().rev()), "{n}");
            assert_eq!(shared.last(), plain.last());
            for start in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, n, n + 5] {
                let expected: Vec<u32> = plain.iter().skip(start).copied().collect();
                let got: Vec<u32> = shared.iter_from(start).copied().collect();
                assert_eq!(got, expected, "n {n} from {start}");
            }
            for bound in [0, 1, 3 * CHUNK as u32, 3 * n as u32, u32::MAX] {
                assert_eq!(
                    shared.partition_point(|v| *v < bound),
                    plain.partition_point(|v| *v < bound),
                    "n {n} bound {bound}"
                );
            }
            for i in 0..n {
                assert_eq!(shared[i], plain[i]);
            }
            assert_eq!(shared.get(n), None);
        }
    }

    #[test]
    fn a_copy_is_independent_and_shares_until_written() {
        let (_, mut original) = both(2 * CHUNK + 10);
        let copy = original.clone();
        assert!(Arc::ptr_eq(&original.chunks[0], &copy.chunks[0]));
        original[5] = 999;
        original.push(7);
        assert_eq!(copy[5], 15);
        assert_eq!(copy.len(), 2 * CHUNK + 10);
        assert_eq!(original[5], 999);
        // Writing to the first chunk copied it; the second is still shared.
        assert!(!Arc::ptr_eq(&original.chunks[0], &copy.chunks[0]));
        assert!(Arc::ptr_eq(&original.chunks[1], &copy.chunks[1]));
    }

    #[test]
    fn dropping_whole_chunks_from_the_front_shares_the_rest() {
        let (mut plain, mut shared) = both(4 * CHUNK + 9);
        let copy = shared.clone();
        shared.drop_front(2 * CHUNK);
        plain.drain(..2 * CHUNK);
        assert!(shared.iter().eq(plain.iter()));
        assert_eq!(shared[0], plain[0]);
        assert!(Arc::ptr_eq(&shared.chunks[0], &copy.chunks[2]));
        shared.drop_front(10 * CHUNK);
        assert!(shared.is_empty());
    }

    #[test]
    fn pop_retain_take_and_grow_keep_the_chunks_full() {
        let (mut plain, mut shared) = both(CHUNK + 3);
        for _ in 0..5 {
            assert_eq!(shared.pop(), plain.pop());
        }
        assert_eq!(shared.chunks.len(), 1);
        shared.drop_front(1);
        plain.remove(0);
        assert!(shared.iter().eq(plain.iter()));
        shared.retain(|v| v % 2 == 0);
        plain.retain(|v| v % 2 == 0);
        assert!(shared.iter().eq(plain.iter()));
        shared.grow_to(3 * CHUNK, 1);
        plain.resize(3 * CHUNK, 1);
        assert!(shared.iter().eq(plain.iter()));
        assert!(shared.chunks[..2].iter().all(|c| c.len() == CHUNK));
        let copy = shared.clone();
        assert_eq!(shared.take_all(), plain);
        assert!(shared.is_empty());
        assert_eq!(copy.len(), 3 * CHUNK);
    }

    #[test]
    fn chunks_copied_on_write_never_hold_more_than_a_chunk_of_slots() {
        // A snapshot after every push: each push then copies the shared last chunk, as the
        // sandbox's timeline does to each log at every snapshot.
        let mut shared = SharedVec::new();
        let mut snapshots = Vec::new();
        for value in 0..3 * CHUNK as u32 + 5 {
            snapshots.push(shared.clone());
            shared.push(value);
            shared[value as usize / 2] += 0;
        }
        assert_eq!(shared.len(), 3 * CHUNK + 5);
        for chunk in &shared.chunks {
            assert!(chunk.capacity() <= CHUNK, "capacity {}", chunk.capacity());
        }
        assert!(shared.iter().copied().eq(0..3 * CHUNK as u32 + 5));
        // And a chunk filled without copies ends at exactly a chunk's slots too.
        let plain: SharedVec<u8> = (0..CHUNK as u32).map(|v| v as u8).collect();
        assert_eq!(plain.chunks[0].capacity(), CHUNK);
    }
}
