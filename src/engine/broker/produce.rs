//! Produce at the partition leader: the idempotent producer's sequence check, the append, and
//! the answer, at once for `acks=0` and `acks=1`, or once the high watermark passes the batch
//! for `acks=all` (`DelayedProduce`), with `min.insync.replicas` checked before and after.

use super::record_producer_batch;
use super::PendingProduce;
use super::ProducerEntry;
use crate::engine::broker::BrokerState;
use crate::engine::config::Acks;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::BrokerId;
use crate::engine::ids::Offset;
use crate::engine::ids::TopicPartition;
use crate::engine::network::Message;
use crate::engine::network::Node;
use crate::engine::network::ProduceBatch;
use crate::engine::record::{ProducerStamp, Record, BATCH_OVERHEAD_BYTES};
use crate::engine::sorted::VecMap;
use crate::engine::time::SimTime;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

impl Simulation {
    /// The leader appends a produce request's batches, then answers according to `acks`.
    pub(in crate::engine) fn on_produce(
        &mut self,
        broker: BrokerId,
        from: Node,
        correlation_id: u64,
        acks: Acks,
        timeout_ms: u64,
        batches: Vec<ProduceBatch>,
    ) {
        let now = self.now;
        let mut parts = Vec::with_capacity(batches.len());
        for batch in batches {
            let result = self.append_produce_batch(broker, &batch, acks, now);
            let required = match (&result, acks) {
                (Ok(base), Acks::All) => Some(Offset(base.0 + batch.records.len() as u64)),
                _ => None,
            };
            parts.push((batch.partition, result, required));
        }
        let touched: Vec<TopicPartition> = parts.iter().map(|(tp, _, _)| tp.clone()).collect();
        for tp in &touched {
            self.maybe_advance_high_watermark(broker, tp);
        }
        self.answer_parked_replica_fetches(broker);
        match acks {
            Acks::None => {}
            Acks::Leader => self.answer_produce(broker, from, correlation_id, parts),
            Acks::All => {
                let state = self.brokers.get_mut(&broker).expect("broker exists");
                let id = state.next_wait_id;
                state.next_wait_id += 1;
                state.pending_produces.insert(
                    id,
                    PendingProduce {
                        from,
                        correlation_id,
                        parts,
                    },
                );
                let incarnation = state.incarnation;
                self.schedule_timer(
                    now.plus_ms(timeout_ms),
                    Timer::ProduceExpiry(broker, incarnation, id),
                );
                self.check_pending_produces(broker);
            }
        }
    }

    fn append_produce_batch(
        &mut self,
        broker: BrokerId,
        batch: &ProduceBatch,
        acks: Acks,
        now: SimTime,
    ) -> Result<Offset, ErrorCode> {
        let Some(topic) = self.topics.get(&*batch.partition.topic) else {
            return Err(ErrorCode::UnknownTopicOrPartition);
        };
        let config = topic.config.clone();
        let replication_factor = topic.partitions[batch.partition.partition as usize]
            .replicas
            .len();
        let state = self.brokers.get_mut(&broker).expect("broker exists");
        let Some(replica) = state.replicas.get_mut(&batch.partition) else {
            return Err(ErrorCode::NotLeaderOrFollower);
        };
        if replica.view.leader != Some(broker) {
            return Err(ErrorCode::NotLeaderOrFollower);
        }
        let batch_bytes =
            BATCH_OVERHEAD_BYTES + batch.records.iter().map(Record::size_bytes).sum::<u32>();
        if batch_bytes > config.max_message_bytes {
            // UnifiedLog.analyzeAndValidateRecords: a batch above max.message.bytes.
            return Err(ErrorCode::MessageTooLarge);
        }
        if config.cleanup_policy == crate::engine::config::CleanupPolicy::Compact
            && batch.records.iter().any(|r| r.key.is_none())
        {
            // LogValidator: "Compacted topic cannot accept message without key".
            return Err(ErrorCode::InvalidRecord);
        }
        let min_isr = (config.min_insync_replicas as usize).min(replication_factor);
        if acks == Acks::All && replica.view.isr.len() < min_isr {
            return Err(ErrorCode::NotEnoughReplicas);
        }
        if let Some(stamp) = batch.stamp {
            match check_sequence(&replica.producers, stamp, batch.records.len()) {
                SequenceCheck::Append => {}
                SequenceCheck::Duplicate(offset) => {
                    let event = EventKind::DuplicateBatchIgnored {
                        broker,
                        partition: batch.partition.clone(),
                        producer_id: stamp.producer_id,
                        base_sequence: stamp.base_sequence,
                        offset,
                    };
                    self.emit(event);
                    return Ok(offset);
                }
                SequenceCheck::Reject(error) => return Err(error),
            }
        }
        let epoch = replica.view.leader_epoch;
        let base = replica
            .log
            .append_as_leader(batch.records.clone(), epoch, batch.stamp, now);
        if let Some(stamp) = batch.stamp {
            record_producer_batch(&mut replica.producers, stamp, batch.records.len(), base);
        }
        self.auditor
            .on_leader_append(&batch.partition, base, &batch.records, broker, now);
        if self.detailed_events {
            self.emit(EventKind::BatchAppended {
                broker,
                partition: batch.partition.clone(),
                base_offset: base,
                records: batch.records.iter().map(|r| r.id).collect(),
                leader_epoch: epoch,
            });
        }
        Ok(base)
    }

    fn answer_produce(
        &mut self,
        broker: BrokerId,
        to: Node,
        correlation_id: u64,
        parts: Vec<(TopicPartition, Result<Offset, ErrorCode>, Option<Offset>)>,
    ) {
        let results = parts
            .into_iter()
            .map(|(tp, result, _)| (tp, result))
            .collect();
        self.send(
            Node::Broker(broker),
            to,
            Message::ProduceResponse {
                correlation_id,
                results,
            },
        );
    }

    /// Completes `acks=all` requests whose batches the high watermark has passed, and fails
    /// those whose partition this broker no longer leads (`DelayedProduce.tryComplete`).
    pub(in crate::engine) fn check_pending_produces(&mut self, broker: BrokerId) {
        let topics = &self.topics;
        let Some(state) = self.brokers.get_mut(&broker) else {
            return;
        };
        if state.pending_produces.is_empty() {
            return;
        }
        let BrokerState {
            pending_produces,
            replicas,
            ..
        } = state;
        let mut done = Vec::new();
        for (id, pending) in pending_produces.iter_mut() {
            let mut complete = true;
            for (tp, result, required) in pending.parts.iter_mut() {
                let Some(required_offset) = *required else {
                    continue;
                };
                let Some(replica) = replicas.get(tp).filter(|r| r.view.leader == Some(broker))
                else {
                    *result = Err(ErrorCode::NotLeaderOrFollower);
                    *required = None;
                    continue;
                };
                if replica.log.high_watermark() >= required_offset {
                    let min_isr = topics
                        .get(&*tp.topic)
                        .map_or(1, |t| t.effective_min_isr(tp.partition));
                    if replica.view.isr.len() < min_isr {
                        *result = Err(ErrorCode::NotEnoughReplicasAfterAppend);
                    }
                    *required = None;
                } else {
                    complete = false;
                }
            }
            if complete {
                done.push(*id);
            }
        }
        let finished: Vec<PendingProduce> = done
            .into_iter()
            .filter_map(|id| pending_produces.remove(&id))
            .collect();
        for pending in finished {
            self.answer_produce(broker, pending.from, pending.correlation_id, pending.parts);
        }
    }

    /// `request.timeout.ms` passed for an `acks=all` produce: the unfinished partitions fail
    /// with `REQUEST_TIMED_OUT` (their data stays in the log).
    pub(in crate::engine) fn on_produce_expiry(
        &mut self,
        broker: BrokerId,
        incarnation: u64,
        id: u64,
    ) {
        let Some(state) = self.brokers.get_mut(&broker) else {
            return;
        };
        if state.incarnation != incarnation {
            return;
        }
        let Some(pending) = state.pending_produces.remove(&id) else {
            return;
        };
        let parts = pending
            .parts
            .into_iter()
            .map(|(tp, result, required)| match required {
                Some(_) => (tp, Err(ErrorCode::RequestTimedOut), None),
                None => (tp, result, None),
            })
            .collect();
        self.answer_produce(broker, pending.from, pending.correlation_id, parts);
    }

    /// `min(min.insync.replicas, replication factor)` of a partition (1 for a topic that is
    /// gone).
    pub(in crate::engine) fn effective_min_isr(&self, tp: &TopicPartition) -> usize {
        self.topics
            .get(&*tp.topic)
            .map_or(1, |t| t.effective_min_isr(tp.partition))
    }

    /// Kafka's `maybeIncrementLeaderHW`: the minimum log end over the leader and its in-sync
    /// followers; never while the ISR is smaller than the effective `min.insync.replicas`
    /// (KAFKA-15583, since 3.7).
    pub(in crate::engine) fn maybe_advance_high_watermark(
        &mut self,
        broker: BrokerId,
        tp: &TopicPartition,
    ) {
        let min_isr = self.effective_min_isr(tp);
        let Some(replica) = self
            .brokers
            .get_mut(&broker)
            .and_then(|s| s.replicas.get_mut(tp))
        else {
            return;
        };
        if replica.view.leader != Some(broker) || replica.view.isr.len() < min_isr {
            return;
        }
        let mut candidate = replica.log.log_end_offset();
        for member in &replica.view.isr {
            if *member == broker {
                continue;
            }
            let follower_end = replica
                .followers
                .get(member)
                .and_then(|p| p.log_end_offset)
                .unwrap_or(Offset(0));
            candidate = candidate.min(follower_end);
        }
        if replica.log.advance_high_watermark(candidate) {
            let high_watermark = replica.log.high_watermark();
            self.emit_detail(EventKind::HighWatermarkAdvanced {
                broker,
                partition: tp.clone(),
                high_watermark,
            });
            self.check_pending_produces(broker);
            self.answer_parked_fetches(broker);
        }
    }
}

/// The broker's verdict on an idempotent batch.
enum SequenceCheck {
    Append,
    /// Already appended: answer with the original offset, append nothing.
    Duplicate(Offset),
    Reject(ErrorCode),
}

fn check_sequence(
    producers: &VecMap<u64, ProducerEntry>,
    stamp: ProducerStamp,
    count: usize,
) -> SequenceCheck {
    let Some(entry) = producers.get(&stamp.producer_id) else {
        // No state (new producer, or state lost to retention): any sequence is accepted.
        return SequenceCheck::Append;
    };
    if stamp.producer_epoch < entry.producer_epoch {
        return SequenceCheck::Reject(ErrorCode::InvalidProducerEpoch);
    }
    if stamp.producer_epoch > entry.producer_epoch {
        return if stamp.base_sequence == 0 {
            SequenceCheck::Append
        } else {
            SequenceCheck::Reject(ErrorCode::OutOfOrderSequenceNumber)
        };
    }
    let last = stamp.last_sequence(count);
    if let Some((_, _, offset)) = entry
        .recent
        .iter()
        .find(|(first, end, _)| *first == stamp.base_sequence && *end == last)
    {
        return SequenceCheck::Duplicate(*offset);
    }
    let expected = if entry.last_sequence == i32::MAX {
        0
    } else {
        entry.last_sequence + 1
    };
    if stamp.base_sequence == expected {
        SequenceCheck::Append
    } else {
        SequenceCheck::Reject(ErrorCode::OutOfOrderSequenceNumber)
    }
}
