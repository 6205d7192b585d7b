//! The record accumulator: per-partition queues of open batches, in the order partitions were
//! first written to, and the batch sizing that keeps the hottest path free of reallocations.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::engine::ids::TopicPartition;
use crate::engine::record::{Record, SharedRecords, BATCH_OVERHEAD_BYTES};
use crate::engine::time::SimTime;

/// The record accumulator's queues, one per partition, in the order partitions were first
/// written to (deterministic, as everything else). It is looked up for every record, so the
/// partitions of the most recent topic are indexed by number; other topics fall back to a
/// scan of the few queues a producer has.
#[derive(Clone, Debug, Default)]
pub(super) struct Accumulator {
    queues: Vec<(TopicPartition, VecDeque<PendingBatch>)>,
    last_topic: Option<Arc<str>>,
    last_topic_queues: Vec<usize>,
}

impl Accumulator {
    const NONE: usize = usize::MAX;

    /// The queue's index. Inlined for the common case, a partition of the most recent topic
    /// seen before; the rest is out of line so the hot path stays small.
    #[inline]
    fn position(&mut self, tp: &TopicPartition) -> Option<usize> {
        let same_topic = self
            .last_topic
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t, &tp.topic));
        if same_topic {
            if let Some(&index) = self.last_topic_queues.get(tp.partition as usize) {
                if index != Self::NONE {
                    return Some(index);
                }
            }
        }
        self.find_position(tp, same_topic)
    }

    #[inline(never)]
    fn find_position(&mut self, tp: &TopicPartition, same_topic: bool) -> Option<usize> {
        if !same_topic {
            self.last_topic = Some(tp.topic.clone());
            self.last_topic_queues.clear();
        }
        let index = self.queues.iter().position(|(key, _)| key == tp)?;
        self.remember(tp, index);
        Some(index)
    }

    fn remember(&mut self, tp: &TopicPartition, index: usize) {
        let slot = tp.partition as usize;
        if slot >= self.last_topic_queues.len() {
            self.last_topic_queues.resize(slot + 1, Self::NONE);
        }
        self.last_topic_queues[slot] = index;
    }

    #[inline]
    pub(super) fn queue_mut(&mut self, tp: &TopicPartition) -> &mut VecDeque<PendingBatch> {
        let index = match self.position(tp) {
            Some(index) => index,
            None => self.add_queue(tp),
        };
        &mut self.queues[index].1
    }

    #[inline(never)]
    fn add_queue(&mut self, tp: &TopicPartition) -> usize {
        self.queues.push((tp.clone(), VecDeque::new()));
        let index = self.queues.len() - 1;
        self.remember(tp, index);
        index
    }

    /// Whether a record of `size` bytes joins the partition's open batch, so that it needs no
    /// new buffer from `buffer.memory`.
    pub(super) fn fits_open_batch(
        &mut self,
        tp: &TopicPartition,
        size: u32,
        batch_size: u32,
    ) -> bool {
        self.get_mut(tp)
            .and_then(|deque| deque.back())
            .is_some_and(|b| b.is_open_for(size, batch_size))
    }

    /// Adds a record to its partition's last batch, or opens a batch for it. Returns whether
    /// the partition's front batch may be sent without waiting for `linger.ms` (it is full, a
    /// batch queues behind it, or it is a retry), when that batch was opened, and the bytes of
    /// `buffer.memory` a new batch took (0 when the record joined an open batch).
    pub(super) fn append(
        &mut self,
        tp: TopicPartition,
        record: Record,
        size: u32,
        batch_size: u32,
        now: SimTime,
    ) -> (bool, SimTime, u64) {
        let deque = self.queue_mut(&tp);
        let fits = deque
            .back()
            .is_some_and(|b| b.is_open_for(size, batch_size));
        let mut allocated = 0;
        if fits {
            let batch = deque.back_mut().expect("checked");
            batch.bytes += size;
            batch.records.push(record);
        } else {
            let mut records = Vec::with_capacity(batch_capacity(batch_size, size));
            records.push(record);
            allocated = batch_allocation(batch_size, size);
            deque.push_back(PendingBatch {
                allocated,
                partition: tp,
                records,
                sealed: None,
                bytes: BATCH_OVERHEAD_BYTES + size,
                created_at: now,
                sequence: None,
                attempts: 0,
                retry_at: now,
            });
        }
        let front = deque.front().expect("just appended");
        let ready = deque.len() > 1 || front.bytes >= batch_size || front.attempts > 0;
        (ready, front.created_at, allocated)
    }

    pub(super) fn get_mut(&mut self, tp: &TopicPartition) -> Option<&mut VecDeque<PendingBatch>> {
        let index = self.position(tp)?;
        Some(&mut self.queues[index].1)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&TopicPartition, &VecDeque<PendingBatch>)> {
        self.queues.iter().map(|(tp, queue)| (tp, queue))
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &VecDeque<PendingBatch>> {
        self.queues.iter().map(|(_, queue)| queue)
    }
}

/// The bytes of `buffer.memory` a new batch takes: `batch.size`, or more for a record that
/// does not fit in it (`RecordAccumulator.append` asks the `BufferPool` for
/// `max(batch.size, the record's size)`).
pub(super) fn batch_allocation(batch_size: u32, first_record_bytes: u32) -> u64 {
    u64::from(batch_size.max(BATCH_OVERHEAD_BYTES + first_record_bytes))
}

/// Most records a new batch makes room for up front (128 KiB of records). Beyond that,
/// doubling as it fills costs little, and an open batch never reserves more memory than this.
const MAX_PREALLOCATED_RECORDS: usize = 2_048;

/// How many records to make room for in a new batch: as many as `batch.size` holds if the
/// others are about the size of the first, plus a quarter for smaller ones. Growing a batch by
/// doubling costs a reallocation and a copy per doubling on the hottest path; a batch that
/// ends up shorter only leaves untouched capacity, freed when it is sealed.
pub(super) fn batch_capacity(batch_size: u32, first_record_bytes: u32) -> usize {
    let fits = batch_size.saturating_sub(BATCH_OVERHEAD_BYTES) / first_record_bytes.max(1);
    let fits = fits as usize;
    (fits + fits / 4).clamp(1, MAX_PREALLOCATED_RECORDS)
}

#[derive(Clone, Debug)]
pub(super) struct PendingBatch {
    pub(super) partition: TopicPartition,
    /// The records while the batch is open.
    pub(super) records: Vec<Record>,
    /// The records once the batch was first sent: shared with every request that carries it.
    pub(super) sealed: Option<SharedRecords>,
    pub(super) bytes: u32,
    /// The bytes of `buffer.memory` this batch holds until it is answered.
    pub(super) allocated: u64,
    pub(super) created_at: SimTime,
    pub(super) sequence: Option<i32>,
    pub(super) attempts: u32,
    pub(super) retry_at: SimTime,
}

impl PendingBatch {
    /// Whether a record of `size` bytes may still join this batch: it was never sent and has
    /// room.
    fn is_open_for(&self, size: u32, batch_size: u32) -> bool {
        self.sequence.is_none()
            && self.attempts == 0
            && self.sealed.is_none()
            && self.bytes + size <= batch_size
    }

    /// The batch cut in two halves with consecutive sequences, for a broker that refused it
    /// as too large (`Sender` on `MESSAGE_TOO_LARGE`: `RecordAccumulator.splitAndReenqueue`).
    /// The halves go out at once; the first keeps the memory the batch held.
    pub(super) fn split(self, now: SimTime) -> [PendingBatch; 2] {
        let records: Vec<Record> = self.iter().cloned().collect();
        let middle = records.len() / 2;
        let half = |records: &[Record], sequence: Option<i32>, allocated: u64| PendingBatch {
            partition: self.partition.clone(),
            records: records.to_vec(),
            sealed: None,
            bytes: BATCH_OVERHEAD_BYTES + records.iter().map(Record::size_bytes).sum::<u32>(),
            allocated,
            created_at: self.created_at,
            sequence,
            attempts: self.attempts + 1,
            retry_at: now,
        };
        let second_sequence = self
            .sequence
            .map(|s| ((i64::from(s) + middle as i64) % (i64::from(i32::MAX) + 1)) as i32);
        [
            half(&records[..middle], self.sequence, self.allocated),
            half(&records[middle..], second_sequence, 0),
        ]
    }

    pub(super) fn len(&self) -> usize {
        self.sealed.as_ref().map_or(self.records.len(), |s| s.len())
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, Record> {
        match &self.sealed {
            Some(sealed) => sealed.iter(),
            None => self.records.iter(),
        }
    }

    /// Closes the batch: its records move into one shared allocation, once.
    pub(super) fn seal(&mut self) -> SharedRecords {
        if self.sealed.is_none() {
            // Moved, not copied: the spare capacity is given back first (in place for a
            // batch that filled up, a copy of a few records for one that linger sent early).
            let mut records = std::mem::take(&mut self.records);
            records.shrink_to_fit();
            self.sealed = Some(Arc::new(records));
        }
        self.sealed.clone().expect("just sealed")
    }
}
