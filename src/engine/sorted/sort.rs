//! Stable sorting with one copy of the sort in the wasm.
//!
//! `slice::sort_by` is compiled once per element type and comparator: fifteen copies of the
//! standard library's stable and unstable sorts took about 58 KB of the sandbox's wasm. Here
//! the work is one sort of `u32` positions through a `&dyn` comparator, then the elements are
//! moved into that order. The result is exactly `slice::sort_by`'s (a stable sort has one
//! answer), so runs do not change. The lists sorted this way are short (members, partitions,
//! a chart's series), where the indirection costs nothing that shows.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `items.sort_by(compare)` does.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    sort_positions(&mut order, &|a, b| {
        compare(&items[a as usize], &items[b as usize])
    });
    permute(items, order);
}

/// Sorts `items` stably by the key `key` gives each, as `items.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` ascending, as `items.sort()` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The one sort in the wasm: positions, compared through a trait object.
#[inline(never)]
fn sort_positions(order: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Puts `items[order[i]]` at `i` for every `i`, following each cycle of the permutation.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    for start in 0..items.len() {
        let mut current = start;
        while order[current] as usize != start {
            let next = order[current] as usize;
            items.swap(current, next);
            order[current] = current as u32;
            current = next;
        }
        order[current] = current as u32;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn it_sorts_as_the_standard_stable_sort_does(pairs in proptest::collection::vec((0u8..8, any::<u16>()), 0..60)) {
            let mut expected = pairs.clone();
            expected.sort_by_key(|pair| pair.0);
            let mut sorted = pairs.clone();
            super::sort_by_key(&mut sorted, |pair| pair.0);
            prop_assert_eq!(&sorted, &expected);
            let mut descending = pairs;
            super::sort_by(&mut descending, |a, b| b.cmp(a));
            expected.sort_by(|a, b| b.cmp(a));
            prop_assert_eq!(descending, expected);
        }
    }
}
