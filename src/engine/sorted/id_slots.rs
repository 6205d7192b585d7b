//! `IdSlots`: values keyed by ids that are handed out in increasing order and leave in any
//! order, such as messages on the wire. A slot per id from the oldest present to the newest,
//! in a ring buffer: finding, adding and removing are index arithmetic, and the slots before
//! the oldest present id are dropped as it leaves.
//!
//! Slots of ids already gone stay until every older id has gone too, so the buffer holds
//! as many slots as ids were handed out during the oldest present value's life. For messages
//! that is the sending rate times the slowest link's latency.

use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct IdSlots<T> {
    /// The id of `slots[0]`.
    first_id: u64,
    slots: VecDeque<Option<T>>,
    len: usize,
}

impl<T> Default for IdSlots<T> {
    fn default() -> Self {
        IdSlots {
            first_id: 0,
            slots: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T> IdSlots<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` under `id`, which must be greater than every id present.
    ///
    /// # Panics
    /// If `id` is not greater than every id present: ids are handed out in increasing order,
    /// so that is a bug in the caller.
    pub fn insert(&mut self, id: u64, value: T) {
        if self.len == 0 {
            self.slots.clear();
            self.first_id = id;
        }
        let index = id
            .checked_sub(self.first_id)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i >= self.slots.len())
            .expect("IdSlots: ids are inserted in increasing order");
        // Ids handed out but never inserted (none, for messages) would be empty slots.
        self.slots.resize_with(index, || None);
        self.slots.push_back(Some(value));
        self.len += 1;
    }

    fn index(&self, id: u64) -> Option<usize> {
        let index = usize::try_from(id.checked_sub(self.first_id)?).ok()?;
        (index < self.slots.len()).then_some(index)
    }

    pub fn get(&self, id: u64) -> Option<&T> {
        self.slots.get(self.index(id)?)?.as_ref()
    }

    pub fn contains(&self, id: u64) -> bool {
        self.get(id).is_some()
    }

    /// Takes the value under `id` out, dropping the slots no present id needs any more.
    pub fn remove(&mut self, id: u64) -> Option<T> {
        let index = self.index(id)?;
        let value = self.slots[index].take()?;
        self.len -= 1;
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.first_id += 1;
        }
        while matches!(self.slots.back(), Some(None)) {
            self.slots.pop_back();
        }
        Some(value)
    }

    /// The values, oldest id first.
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.slots.iter().flatten()
    }

    /// The ids and values, oldest id first.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &T)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| Some((self.first_id + i as u64, slot.as_ref()?)))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
