//! The idempotent producer's bookkeeping, as Kafka's `TransactionManager` keeps it for a
//! producer without a transactional id: sequence numbers per partition, the batches sent and
//! not yet answered, and the epoch bump (KIP-360) that lets a partition start again at
//! sequence 0 when a batch with a sequence failed or the broker reported a gap, instead of
//! retrying `OUT_OF_ORDER_SEQUENCE_NUMBER` until `delivery.timeout.ms`.

use std::collections::VecDeque;

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{ProducerId, TopicPartition};
use crate::engine::Simulation;

use super::accumulator::PendingBatch;
use super::Producer;

/// The broker keeps the last 5 batches of each producer per partition
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`), and a retry is recognised as a duplicate only
/// within them.
pub(super) const BATCHES_RETAINED_BY_BROKER: usize = 5;

/// Why a partition's sequences cannot simply continue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SequenceGap {
    None,
    /// A batch that was sent expired on the client (`delivery.timeout.ms`): whether the broker
    /// appended it is known only once every batch in flight has answered
    /// (`TransactionManager.markSequenceUnresolved`).
    Unresolved {
        last_sequence: i32,
    },
    /// A batch with a sequence failed, or the broker reported a gap: the producer bumps its
    /// epoch and this partition starts again at sequence 0
    /// (`requestIdempotentEpochBumpForPartition`).
    EpochBumpRequired,
}

/// One partition's sequence state.
#[derive(Clone, Debug)]
pub(super) struct PartitionSequences {
    /// The producer epoch this partition's sequences belong to.
    pub(super) epoch: u16,
    /// The sequence the next new batch gets.
    pub(super) next: i32,
    /// The last sequence the broker acknowledged in this epoch (-1: none yet).
    pub(super) last_acked: i32,
    /// The base sequences of the batches sent since the oldest one not yet acknowledged, with
    /// whether each was acknowledged. Kafka's `max.in.flight.requests.per.connection` ≤ 5
    /// keeps this within the broker's 5-batch cache because TCP answers in order; the
    /// simulated network can lose one answer while later ones arrive, so the sender holds new
    /// batches back instead once 5 are outstanding.
    outstanding: VecDeque<(i32, bool)>,
    pub(super) gap: SequenceGap,
}

impl PartitionSequences {
    fn new(epoch: u16) -> Self {
        PartitionSequences {
            epoch,
            next: 0,
            last_acked: -1,
            outstanding: VecDeque::new(),
            gap: SequenceGap::None,
        }
    }

    fn forget(&mut self, base_sequence: i32) {
        self.outstanding.retain(|(base, _)| *base != base_sequence);
        self.trim();
    }

    fn trim(&mut self) {
        while self.outstanding.front().is_some_and(|(_, acked)| *acked) {
            self.outstanding.pop_front();
        }
    }
}

/// Adds `count` to a sequence; sequences wrap from `i32::MAX` to 0, as in Kafka.
fn advance(sequence: i32, count: usize) -> i32 {
    ((i64::from(sequence) + count as i64) % (i64::from(i32::MAX) + 1)) as i32
}

impl Producer {
    /// Whether the sender may drain `front`, the first batch queued for `tp`
    /// (`RecordAccumulator.shouldStopDrainBatchesForPartition`).
    pub(super) fn may_drain(&self, tp: &TopicPartition, front: &PendingBatch) -> bool {
        if self.producer_id.is_none() {
            return true;
        }
        let Some(state) = self.sequences.get(tp) else {
            return true;
        };
        if state.gap != SequenceGap::None {
            return false;
        }
        match front.sequence {
            // A new batch: not while batches of an older epoch are in flight (a batch of the
            // new epoch at sequence 0 could overtake them), nor beyond the broker's cache.
            None if state.epoch != self.producer_epoch => !self.has_in_flight(tp),
            None => state.outstanding.len() < BATCHES_RETAINED_BY_BROKER,
            // A retry goes once every batch before it has answered, so retries are in order.
            Some(sequence) => !self
                .in_flight_batches(tp)
                .any(|b| b.sequence.is_some_and(|s| s < sequence)),
        }
    }

    fn in_flight_batches<'a>(
        &'a self,
        tp: &'a TopicPartition,
    ) -> impl Iterator<Item = &'a PendingBatch> + 'a {
        self.in_flight
            .values()
            .flat_map(|r| r.batches.iter())
            .filter(move |b| b.partition == *tp)
    }

    fn has_in_flight(&self, tp: &TopicPartition) -> bool {
        self.in_flight_batches(tp).next().is_some()
    }

    /// Gives a new batch its sequence (`TransactionManager.sequenceNumber`), starting the
    /// partition at the producer's current epoch once nothing of an older epoch is in flight
    /// (`maybeUpdateProducerIdAndEpoch`).
    pub(super) fn assign_sequence(&mut self, batch: &mut PendingBatch) {
        if self.producer_id.is_none() || batch.sequence.is_some() {
            return;
        }
        let epoch = self.producer_epoch;
        let state = self
            .sequences
            .entry(batch.partition.clone())
            .or_insert_with(|| PartitionSequences::new(epoch));
        if state.epoch != epoch {
            *state = PartitionSequences::new(epoch);
        }
        batch.sequence = Some(state.next);
        state.outstanding.push_back((state.next, false));
        state.next = advance(state.next, batch.len());
    }

    /// The epoch a batch of `tp` is sent with.
    pub(super) fn epoch_of(&self, tp: &TopicPartition) -> u16 {
        self.sequences
            .get(tp)
            .map_or(self.producer_epoch, |s| s.epoch)
    }

    /// The broker acknowledged `batch` (`handleCompletedBatch`).
    pub(super) fn on_batch_acknowledged(&mut self, batch: &PendingBatch) {
        let Some(sequence) = batch.sequence else {
            return;
        };
        let Some(state) = self.sequences.get_mut(&batch.partition) else {
            return;
        };
        let last = advance(sequence, batch.len().max(1) - 1);
        if state.last_acked < last {
            state.last_acked = last;
        }
        for entry in state.outstanding.iter_mut() {
            if entry.0 == sequence {
                entry.1 = true;
            }
        }
        state.trim();
    }

    /// A batch the broker found too large became `first` and `second`, with consecutive
    /// sequences: both are outstanding in its place.
    pub(super) fn on_batch_split(&mut self, first: &PendingBatch, second: &PendingBatch) {
        let (Some(base), Some(second_base)) = (first.sequence, second.sequence) else {
            return;
        };
        let Some(state) = self.sequences.get_mut(&first.partition) else {
            return;
        };
        if let Some(index) = state.outstanding.iter().position(|(b, _)| *b == base) {
            state.outstanding.insert(index + 1, (second_base, false));
        }
    }

    /// The broker answered `batch` with `error` and it will be retried: a gap right after the
    /// last acknowledged sequence, or an epoch the broker does not accept, needs an epoch bump
    /// (`TransactionManager.canRetry`); any other out-of-order answer means an earlier batch
    /// is being retried.
    pub(super) fn on_batch_retried(&mut self, batch: &PendingBatch, error: ErrorCode) {
        let Some(sequence) = batch.sequence else {
            return;
        };
        let Some(state) = self.sequences.get_mut(&batch.partition) else {
            return;
        };
        let gap_after_last_ack = error == ErrorCode::OutOfOrderSequenceNumber
            && sequence == advance(state.last_acked, 1);
        if gap_after_last_ack || error == ErrorCode::InvalidProducerEpoch {
            state.gap = SequenceGap::EpochBumpRequired;
        }
    }

    /// `batch` failed for good (`handleFailedBatch`): its sequence will never be acknowledged,
    /// so later batches would be out of order. If the broker refused it, the epoch must be
    /// bumped; if it expired on the client, the answers still in flight may show it was
    /// appended after all.
    pub(super) fn on_batch_failed(&mut self, batch: &PendingBatch, error: ErrorCode) {
        let Some(sequence) = batch.sequence else {
            return;
        };
        let Some(state) = self.sequences.get_mut(&batch.partition) else {
            return;
        };
        state.forget(sequence);
        if state.gap == SequenceGap::EpochBumpRequired {
            return;
        }
        state.gap = if error == ErrorCode::DeliveryTimeout {
            let last_sequence = advance(sequence, batch.len().max(1) - 1);
            match state.gap {
                SequenceGap::Unresolved { last_sequence: l } if l > last_sequence => state.gap,
                _ => SequenceGap::Unresolved { last_sequence },
            }
        } else {
            SequenceGap::EpochBumpRequired
        };
    }
}

impl Simulation {
    /// Settles the partitions whose sequences have a gap, once none of their batches is in
    /// flight (`maybeResolveSequences`, `bumpIdempotentEpochAndResetIdIfNeeded`): an expired
    /// batch that a later acknowledgement covers was appended after all; otherwise the
    /// producer bumps its epoch, and the partition's queued batches are numbered again from
    /// sequence 0 in the new epoch (`startSequencesAtBeginning`).
    pub(super) fn resolve_sequence_gaps(&mut self, producer_id: ProducerId) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        if producer.producer_id.is_none() {
            return;
        }
        let waiting: Vec<TopicPartition> = producer
            .sequences
            .iter()
            .filter(|(tp, s)| s.gap != SequenceGap::None && !producer.has_in_flight(tp))
            .map(|(tp, _)| tp.clone())
            .collect();
        for tp in waiting {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            let state = producer.sequences.get_mut(&tp).expect("listed");
            if let SequenceGap::Unresolved { last_sequence } = state.gap {
                if state.last_acked >= last_sequence {
                    state.gap = SequenceGap::None;
                    continue;
                }
            }
            if state.epoch == producer.producer_epoch {
                self.bump_producer_epoch(producer_id, &tp);
            }
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            let epoch = producer.producer_epoch;
            let mut state = PartitionSequences::new(epoch);
            for batch in producer.accumulator.queue_mut(&tp).iter_mut() {
                let Some(old) = batch.sequence.as_mut() else {
                    break;
                };
                *old = state.next;
                state.outstanding.push_back((state.next, false));
                state.next = advance(state.next, batch.len());
            }
            producer.sequences.insert(tp, state);
        }
    }

    /// The idempotent producer bumps its own epoch (KIP-360); at the last epoch it gets a new
    /// producer id instead, as `bumpIdempotentProducerEpoch` does.
    fn bump_producer_epoch(&mut self, producer_id: ProducerId, partition: &TopicPartition) {
        let fresh_id = self.next_kafka_producer_id;
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        if producer.producer_epoch >= i16::MAX as u16 {
            producer.producer_id = Some(fresh_id);
            producer.producer_epoch = 0;
            self.next_kafka_producer_id += 1;
        } else {
            producer.producer_epoch += 1;
        }
        let event = EventKind::ProducerEpochBumped {
            producer: producer_id,
            partition: partition.clone(),
            producer_id: producer.producer_id.expect("idempotent"),
            producer_epoch: producer.producer_epoch,
        };
        self.emit(event);
    }
}
