//! `VecMap` and `VecSet` against `BTreeMap` and `BTreeSet` over random operations: same
//! answers, same contents, same order.

use super::{DequeMap, Entry, IdSlots, VecMap, VecSet};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    Insert(u8, u16),
    Remove(u8),
    EntryAdd(u8, u16),
    EntryRemoveIfOdd(u8),
    Retain(u8),
    PopFirst,
    PopLast,
    Append(Vec<(u8, u16)>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 40, v)),
        2 => any::<u8>().prop_map(|k| Op::Remove(k % 40)),
        2 => (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::EntryAdd(k % 40, v)),
        1 => any::<u8>().prop_map(|k| Op::EntryRemoveIfOdd(k % 40)),
        1 => any::<u8>().prop_map(|m| Op::Retain(m % 7 + 2)),
        1 => Just(Op::PopFirst),
        1 => Just(Op::PopLast),
        1 => proptest::collection::vec((0u8..40, any::<u16>()), 0..6).prop_map(Op::Append),
    ]
}

proptest! {
    #[test]
    fn a_vec_map_answers_as_a_b_tree_map_does(ops in proptest::collection::vec(op(), 0..120), low in 0u8..40, span in 0u8..40) {
        let mut model = BTreeMap::new();
        let mut map = VecMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => prop_assert_eq!(map.insert(k, v), model.insert(k, v)),
                Op::Remove(k) => prop_assert_eq!(map.remove(&k), model.remove(&k)),
                Op::EntryAdd(k, v) => {
                    *map.entry(k).or_insert(0u16) = map.get(&k).copied().unwrap_or(0).wrapping_add(v);
                    let slot = model.entry(k).or_insert(0u16);
                    *slot = slot.wrapping_add(v);
                }
                Op::EntryRemoveIfOdd(k) => {
                    let removed = match map.entry(k) {
                        Entry::Occupied(e) if e.get() % 2 == 1 => Some(e.remove()),
                        _ => None,
                    };
                    let expected = match model.entry(k) {
                        std::collections::btree_map::Entry::Occupied(e) if e.get() % 2 == 1 => Some(e.remove()),
                        _ => None,
                    };
                    prop_assert_eq!(removed, expected);
                }
                Op::Retain(m) => {
                    map.retain(|k, v| { *v = v.wrapping_add(1); !(*k as u16).is_multiple_of(m as u16) });
                    model.retain(|k, v| { *v = v.wrapping_add(1); !(*k as u16).is_multiple_of(m as u16) });
                }
                Op::PopFirst => prop_assert_eq!(map.pop_first(), model.pop_first()),
                Op::PopLast => prop_assert_eq!(map.pop_last(), model.pop_last()),
                Op::Append(pairs) => {
                    let mut other: VecMap<u8, u16> = pairs.iter().copied().collect();
                    let mut other_model: BTreeMap<u8, u16> = pairs.iter().copied().collect();
                    map.append(&mut other);
                    model.append(&mut other_model);
                    prop_assert!(other.is_empty());
                }
            }
            prop_assert_eq!(map.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
            prop_assert_eq!(map.len(), model.len());
        }
        let high = low.saturating_add(span);
        prop_assert_eq!(map.range(low..high).collect::<Vec<_>>(), model.range(low..high).collect::<Vec<_>>());
        prop_assert_eq!(map.range(low..=high).collect::<Vec<_>>(), model.range(low..=high).collect::<Vec<_>>());
        prop_assert_eq!(map.range(..high).collect::<Vec<_>>(), model.range(..high).collect::<Vec<_>>());
        prop_assert_eq!(map.range(low..).collect::<Vec<_>>(), model.range(low..).collect::<Vec<_>>());
        prop_assert_eq!(map.first_key_value(), model.first_key_value());
        prop_assert_eq!(map.last_key_value(), model.last_key_value());
        prop_assert_eq!(serde_json::to_string(&map).unwrap(), serde_json::to_string(&model).unwrap());
    }

    #[test]
    fn a_vec_set_answers_as_a_b_tree_set_does(values in proptest::collection::vec((any::<bool>(), 0u8..50), 0..150), other in proptest::collection::vec(0u8..50, 0..30), low in 0u8..50) {
        let mut model = BTreeSet::new();
        let mut set = VecSet::new();
        for (add, value) in values {
            if add {
                prop_assert_eq!(set.insert(value), model.insert(value));
            } else {
                prop_assert_eq!(set.remove(&value), model.remove(&value));
            }
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
        }
        let other_set: VecSet<u8> = other.iter().copied().collect();
        let other_model: BTreeSet<u8> = other.iter().copied().collect();
        prop_assert_eq!(other_set.iter().collect::<Vec<_>>(), other_model.iter().collect::<Vec<_>>());
        prop_assert_eq!(set.difference(&other_set).collect::<Vec<_>>(), model.difference(&other_model).collect::<Vec<_>>());
        prop_assert_eq!(set.intersection(&other_set).collect::<Vec<_>>(), model.intersection(&other_model).collect::<Vec<_>>());
        prop_assert_eq!(set.is_subset(&other_set), model.is_subset(&other_model));
        prop_assert_eq!(set.range(low..).collect::<Vec<_>>(), model.range(low..).collect::<Vec<_>>());
        prop_assert_eq!(set.first(), model.first());
        prop_assert_eq!(set.last(), model.last());
        prop_assert_eq!(serde_json::to_string(&set).unwrap(), serde_json::to_string(&model).unwrap());
    }
}

#[test]
fn collecting_keeps_the_last_value_of_an_equal_key_as_a_b_tree_does() {
    let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
    let collected: BTreeMap<i32, char> = pairs.iter().copied().collect();
    let map: VecMap<i32, char> = pairs.iter().copied().collect();
    assert_eq!(
        map.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
        collected.into_iter().collect::<Vec<_>>()
    );
    let read: VecMap<String, u32> = serde_json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
    assert_eq!(format!("{read:?}"), r#"{"a": 2, "b": 3}"#);
}

proptest! {
    #[test]
    fn a_deque_map_answers_as_a_b_tree_map_does(ops in proptest::collection::vec((0u8..5, 0u8..40, any::<u16>()), 0..150), low in 0u8..40) {
        let mut model = BTreeMap::new();
        let mut map = DequeMap::new();
        for (op, key, value) in ops {
            match op {
                0 | 1 => prop_assert_eq!(map.insert(key, value), model.insert(key, value)),
                2 => prop_assert_eq!(map.remove(&key), model.remove(&key)),
                3 => {
                    *map.get_or_insert_with(key, || 7) += 1;
                    *model.entry(key).or_insert_with(|| 7) += 1;
                }
                _ => {
                    if value % 3 == 0 {
                        prop_assert_eq!(map.pop_first(), model.pop_first());
                    } else {
                        map.retain(|k, v| { *v = v.wrapping_add(1); k % 4 != value as u8 % 4 });
                        model.retain(|k, v| { *v = v.wrapping_add(1); k % 4 != value as u8 % 4 });
                    }
                }
            }
            prop_assert_eq!(map.iter().collect::<Vec<_>>(), model.iter().collect::<Vec<_>>());
            prop_assert_eq!(map.len(), model.len());
            prop_assert_eq!(map.get(&key), model.get(&key));
        }
        prop_assert_eq!(map.range(..low).collect::<Vec<_>>(), model.range(..low).collect::<Vec<_>>());
        prop_assert_eq!(map.range(low..).collect::<Vec<_>>(), model.range(low..).collect::<Vec<_>>());
        prop_assert_eq!(map.keys().next_back(), model.keys().next_back());
    }
}

proptest! {
    #[test]
    fn id_slots_answer_as_a_b_tree_map_does(ops in proptest::collection::vec((any::<bool>(), any::<u8>()), 0..200)) {
        let mut model = BTreeMap::new();
        let mut slots = IdSlots::new();
        let mut next_id = 5u64;
        for (add, pick) in ops {
            if add {
                // Ids only grow, sometimes skipping a few.
                next_id += 1 + u64::from(pick % 3);
                slots.insert(next_id, pick);
                model.insert(next_id, pick);
            } else {
                // Remove any id handed out so far, present or not.
                let id = next_id.saturating_sub(u64::from(pick % 24));
                prop_assert_eq!(slots.remove(id), model.remove(&id));
            }
            prop_assert_eq!(slots.iter().collect::<Vec<_>>(), model.iter().map(|(k, v)| (*k, v)).collect::<Vec<_>>());
            prop_assert_eq!(slots.values().collect::<Vec<_>>(), model.values().collect::<Vec<_>>());
            prop_assert_eq!(slots.len(), model.len());
            for id in next_id.saturating_sub(30)..=next_id + 1 {
                prop_assert_eq!(slots.get(id), model.get(&id));
            }
        }
    }
}
