//! A broker: its replicas, and how it answers produce and consumer fetch requests.
//! Replication between brokers is in `replication.rs`.

pub mod cleaner;
pub mod log;
mod replication;

use std::collections::{BTreeMap, VecDeque};

use crate::engine::broker::log::{PartitionLog, SegmentSettings};
use crate::engine::config::{Acks, AutoOffsetReset};
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, Offset, TopicPartition};
use crate::engine::network::{FetchPosition, FetchedPartition, Message, Node, ProduceBatch};
use crate::engine::record::ProducerStamp;
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// Batches of one idempotent producer the broker remembers per partition
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const PRODUCER_BATCHES_RETAINED: usize = 5;

/// What a broker believes about a partition: pushed by the controller, stale while isolated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionView {
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub isr: Vec<BrokerId>,
}

/// What a leader knows of one follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower's log end, learned from the offset it last fetched from.
    pub log_end_offset: Offset,
    /// `lastCaughtUpTimeMs`.
    pub last_caught_up: SimTime,
    pub last_fetch_at: SimTime,
    /// The leader's log end when that fetch arrived.
    pub leader_end_at_last_fetch: Offset,
}

/// An idempotent producer's state in one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerEntry {
    pub producer_epoch: u16,
    pub last_sequence: i32,
    /// `(first sequence, last sequence, base offset)` of the latest batches.
    pub recent: VecDeque<(i32, i32, Offset)>,
}

/// One replica of a partition on a broker.
#[derive(Clone, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub view: PartitionView,
    /// Followers' progress, kept while this replica leads.
    pub followers: BTreeMap<BrokerId, FollowerProgress>,
    pub producers: BTreeMap<u64, ProducerEntry>,
}

impl Replica {
    pub fn new(settings: SegmentSettings, now: SimTime) -> Self {
        Replica {
            log: PartitionLog::new(settings, now),
            view: PartitionView::default(),
            followers: BTreeMap::new(),
            producers: BTreeMap::new(),
        }
    }

    /// Rebuilds the idempotent producers' state from the log (after truncation or retention),
    /// as a Kafka broker does when it loads a log.
    pub fn rebuild_producer_state(&mut self) {
        self.producers.clear();
        let batches: Vec<(ProducerStamp, usize, Offset)> = self
            .log
            .batches()
            .filter_map(|b| b.producer.map(|s| (s, b.len(), b.base_offset)))
            .collect();
        for (stamp, count, base) in batches {
            record_producer_batch(&mut self.producers, stamp, count, base);
        }
    }
}

pub(in crate::engine) fn record_producer_batch(
    producers: &mut BTreeMap<u64, ProducerEntry>,
    stamp: ProducerStamp,
    count: usize,
    base_offset: Offset,
) {
    let last = stamp.last_sequence(count);
    let entry = producers.entry(stamp.producer_id).or_insert(ProducerEntry {
        producer_epoch: stamp.producer_epoch,
        last_sequence: -1,
        recent: VecDeque::new(),
    });
    if stamp.producer_epoch > entry.producer_epoch {
        entry.recent.clear();
    }
    entry.producer_epoch = stamp.producer_epoch;
    entry.last_sequence = last;
    entry
        .recent
        .push_back((stamp.base_sequence, last, base_offset));
    while entry.recent.len() > PRODUCER_BATCHES_RETAINED {
        entry.recent.pop_front();
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
    producers: &BTreeMap<u64, ProducerEntry>,
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

/// A consumer fetch's size and wait limits, as the request carries them.
#[derive(Clone, Copy, Debug)]
pub struct FetchLimits {
    pub max_bytes: u32,
    pub max_partition_bytes: u32,
    pub max_wait_ms: u64,
}

/// A consumer fetch that found no data and waits for up to `fetch.max.wait.ms`.
#[derive(Clone, Debug)]
pub struct ParkedFetch {
    pub from: Node,
    pub correlation_id: u64,
    pub partitions: Vec<(TopicPartition, Offset)>,
    pub max_bytes: u32,
    pub max_partition_bytes: u32,
}

/// A follower fetch that found nothing new and waits up to `replica.fetch.wait.max.ms`.
#[derive(Clone, Debug)]
pub struct ParkedReplicaFetch {
    pub follower: BrokerId,
    pub correlation_id: u64,
    pub partitions: Vec<crate::engine::network::ReplicaFetchPartition>,
}

/// An `acks=all` produce waiting for the high watermark to pass its batches.
#[derive(Clone, Debug)]
pub struct PendingProduce {
    pub from: Node,
    pub correlation_id: u64,
    /// Each partition's result so far, and the offset the high watermark must reach.
    pub parts: Vec<(TopicPartition, Result<Offset, ErrorCode>, Option<Offset>)>,
}

/// A broker's state.
#[derive(Clone, Debug)]
pub struct BrokerState {
    pub id: BrokerId,
    /// The process is running.
    pub up: bool,
    /// The controller has fenced it: it leads nothing until it registers again.
    pub fenced: bool,
    /// Bumped at every crash and restart, so timers of an earlier life are ignored.
    pub incarnation: u64,
    pub replicas: BTreeMap<TopicPartition, Replica>,
    pub(in crate::engine) parked_fetches: BTreeMap<u64, ParkedFetch>,
    pub(in crate::engine) pending_produces: BTreeMap<u64, PendingProduce>,
    pub(in crate::engine) parked_replica_fetches: BTreeMap<u64, ParkedReplicaFetch>,
    pub(in crate::engine) next_wait_id: u64,
    /// This broker's follower fetch sessions, by leader: the in-flight correlation id.
    pub(in crate::engine) fetchers: BTreeMap<BrokerId, Option<u64>>,
    pub(in crate::engine) next_correlation_id: u64,
}

impl BrokerState {
    pub fn new(id: BrokerId) -> Self {
        BrokerState {
            id,
            up: true,
            fenced: false,
            incarnation: 0,
            replicas: BTreeMap::new(),
            parked_fetches: BTreeMap::new(),
            pending_produces: BTreeMap::new(),
            parked_replica_fetches: BTreeMap::new(),
            next_wait_id: 0,
            fetchers: BTreeMap::new(),
            next_correlation_id: 0,
        }
    }

    /// Partitions this broker leads, by its own view.
    pub fn leads(&self, tp: &TopicPartition) -> bool {
        self.replicas
            .get(tp)
            .is_some_and(|r| r.view.leader == Some(self.id))
    }
}

impl Simulation {
    /// The controller told `broker` who leads `tp` now.
    pub(in crate::engine) fn apply_partition_view(
        &mut self,
        broker: BrokerId,
        tp: &TopicPartition,
        view: PartitionView,
        now: SimTime,
    ) {
        let Some(state) = self.brokers.get_mut(&broker) else {
            return;
        };
        let Some(replica) = state.replicas.get_mut(tp) else {
            return;
        };
        let old = std::mem::replace(&mut replica.view, view.clone());
        let leads_now = view.leader == Some(broker);
        let led_before = old.leader == Some(broker) && old.leader_epoch == view.leader_epoch;
        if leads_now && !led_before {
            replica.log.start_epoch(view.leader_epoch);
            let end = replica.log.log_end_offset();
            replica.followers = self.topics[&*tp.topic].partitions[tp.partition as usize]
                .replicas
                .iter()
                .filter(|b| **b != broker)
                .map(|b| {
                    (
                        *b,
                        FollowerProgress {
                            log_end_offset: Offset(0),
                            last_caught_up: now,
                            last_fetch_at: now,
                            leader_end_at_last_fetch: end,
                        },
                    )
                })
                .collect();
        }
        if !leads_now {
            replica.followers.clear();
        }
        if let Some(leader) = view.leader.filter(|l| *l != broker) {
            self.ensure_fetcher(broker, leader);
        }
        self.maybe_advance_high_watermark(broker, tp);
        self.check_pending_produces(broker);
    }

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
                .map_or(Offset(0), |p| p.log_end_offset);
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

    /// A consumer fetch arrives: positions needing `auto.offset.reset` are resolved, then the
    /// broker answers at once if there is data, or holds the request until the high watermark
    /// moves or `fetch.max.wait.ms` passes (Kafka's long poll with `fetch.min.bytes=1`).
    pub(in crate::engine) fn on_consumer_fetch(
        &mut self,
        broker: BrokerId,
        from: Node,
        correlation_id: u64,
        partitions: Vec<(TopicPartition, FetchPosition)>,
        limits: FetchLimits,
    ) {
        let FetchLimits {
            max_bytes,
            max_partition_bytes,
            max_wait_ms,
        } = limits;
        let mut resolved = Vec::with_capacity(partitions.len());
        let mut immediate_errors = Vec::new();
        for (tp, position) in partitions {
            let Some(replica) = self.brokers[&broker].replicas.get(&tp) else {
                immediate_errors.push((tp, ErrorCode::NotLeaderOrFollower));
                continue;
            };
            if replica.view.leader != Some(broker) {
                immediate_errors.push((tp, ErrorCode::NotLeaderOrFollower));
                continue;
            }
            let log = &replica.log;
            let offset = match position {
                FetchPosition::At(offset) => offset,
                FetchPosition::Reset(AutoOffsetReset::Earliest) => log.log_start_offset(),
                FetchPosition::Reset(AutoOffsetReset::Latest) => log.high_watermark(),
                FetchPosition::Reset(AutoOffsetReset::None) => {
                    immediate_errors.push((tp, ErrorCode::OffsetOutOfRange));
                    continue;
                }
            };
            if offset < log.log_start_offset() || offset > log.log_end_offset() {
                immediate_errors.push((tp, ErrorCode::OffsetOutOfRange));
                continue;
            }
            resolved.push((tp, offset));
        }
        let fetch = ParkedFetch {
            from,
            correlation_id,
            partitions: resolved,
            max_bytes,
            max_partition_bytes,
        };
        if !immediate_errors.is_empty() || self.fetch_has_data(broker, &fetch) || max_wait_ms == 0 {
            self.answer_fetch(broker, fetch, immediate_errors);
            return;
        }
        let state = self.brokers.get_mut(&broker).expect("exists");
        let id = state.next_wait_id;
        state.next_wait_id += 1;
        state.parked_fetches.insert(id, fetch);
        let incarnation = state.incarnation;
        self.schedule_timer(
            self.now.plus_ms(max_wait_ms),
            Timer::FetchWaitExpired(broker, incarnation, id),
        );
    }

    pub(in crate::engine) fn on_fetch_wait_expired(
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
        if let Some(fetch) = state.parked_fetches.remove(&id) {
            self.answer_fetch(broker, fetch, Vec::new());
        }
    }

    pub(in crate::engine) fn answer_parked_fetches(&mut self, broker: BrokerId) {
        let ready: Vec<u64> = self.brokers[&broker]
            .parked_fetches
            .iter()
            .filter(|(_, fetch)| self.fetch_has_data(broker, fetch))
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            let fetch = self
                .brokers
                .get_mut(&broker)
                .and_then(|s| s.parked_fetches.remove(&id));
            if let Some(fetch) = fetch {
                self.answer_fetch(broker, fetch, Vec::new());
            }
        }
    }

    fn fetch_has_data(&self, broker: BrokerId, fetch: &ParkedFetch) -> bool {
        fetch.partitions.iter().any(|(tp, offset)| {
            self.brokers[&broker]
                .replicas
                .get(tp)
                .is_some_and(|r| *offset < r.log.high_watermark())
        })
    }

    /// Reads each partition in request order (ascending partition number) below the high
    /// watermark, within `max.partition.fetch.bytes` each and `fetch.max.bytes` in all (at least
    /// one batch, as Kafka returns an oversized first batch whole), and sends the response.
    fn answer_fetch(
        &mut self,
        broker: BrokerId,
        fetch: ParkedFetch,
        errors: Vec<(TopicPartition, ErrorCode)>,
    ) {
        let mut remaining = u64::from(fetch.max_bytes);
        let mut fetched = Vec::with_capacity(fetch.partitions.len() + errors.len());
        for (tp, offset) in fetch.partitions {
            let Some(replica) = self.brokers[&broker].replicas.get(&tp) else {
                continue;
            };
            let log = &replica.log;
            let limit = remaining.min(u64::from(fetch.max_partition_bytes));
            let batches = if limit > 0 {
                log.read_bytes(offset, log.high_watermark(), limit)
            } else {
                Vec::new()
            };
            let size: u64 = batches.iter().map(|b| u64::from(b.size_bytes())).sum();
            remaining = remaining.saturating_sub(size);
            fetched.push(FetchedPartition {
                partition: tp,
                fetch_offset: offset,
                high_watermark: log.high_watermark(),
                log_start_offset: log.log_start_offset(),
                error: None,
                batches,
            });
        }
        for (tp, error) in errors {
            fetched.push(FetchedPartition {
                partition: tp,
                fetch_offset: Offset(0),
                high_watermark: Offset(0),
                log_start_offset: Offset(0),
                error: Some(error),
                batches: Vec::new(),
            });
        }
        self.send(
            Node::Broker(broker),
            fetch.from,
            Message::FetchResponse {
                correlation_id: fetch.correlation_id,
                partitions: fetched,
            },
        );
    }

    /// `log.retention.check.interval.ms`: every replica on the broker applies retention.
    pub(in crate::engine) fn on_retention_check(&mut self, broker: BrokerId) {
        self.for_each_replica_log(broker, |sim, tp, replica_log, config, now| {
            let removed = cleaner::apply_retention(replica_log, config, now);
            if !removed.is_empty() {
                let count = removed.iter().map(|b| b.len()).sum::<usize>();
                sim.auditor.on_removed_by_policy(
                    tp,
                    removed.iter().flat_map(|b| b.records.iter().map(|r| r.id)),
                );
                sim.emit(EventKind::SegmentsDeleted {
                    broker,
                    partition: tp.clone(),
                    records: count as u64,
                    log_start_offset: replica_log.log_start_offset(),
                });
            }
        });
        let interval = self.broker_config.log_retention_check_interval_ms;
        self.schedule_timer(self.now.plus_ms(interval), Timer::RetentionCheck(broker));
    }

    /// `log.cleaner.backoff.ms`: the cleaner compacts every dirty enough compacted log.
    pub(in crate::engine) fn on_cleaner_check(&mut self, broker: BrokerId) {
        self.for_each_replica_log(broker, |sim, tp, replica_log, config, now| {
            let outcome = cleaner::compact(replica_log, config, now);
            if outcome.cleaned {
                sim.auditor
                    .on_removed_by_policy(tp, outcome.removed.iter().map(|(_, r)| r.id));
                sim.emit(EventKind::LogCompacted {
                    broker,
                    partition: tp.clone(),
                    records_removed: outcome.removed.len() as u64,
                });
            }
        });
        let interval = self.broker_config.log_cleaner_backoff_ms;
        self.schedule_timer(self.now.plus_ms(interval), Timer::CleanerCheck(broker));
    }

    fn for_each_replica_log(
        &mut self,
        broker: BrokerId,
        mut action: impl FnMut(
            &mut Simulation,
            &TopicPartition,
            &mut PartitionLog,
            &crate::engine::config::TopicConfig,
            SimTime,
        ),
    ) {
        if !self.brokers.get(&broker).is_some_and(|s| s.up) {
            return;
        }
        let partitions: Vec<TopicPartition> =
            self.brokers[&broker].replicas.keys().cloned().collect();
        let now = self.now;
        for tp in partitions {
            let Some(config) = self.topics.get(&*tp.topic).map(|t| t.config.clone()) else {
                continue;
            };
            let Some(mut replica) = self
                .brokers
                .get_mut(&broker)
                .and_then(|s| s.replicas.remove(&tp))
            else {
                continue;
            };
            let producers_before = replica.log.log_start_offset();
            action(self, &tp, &mut replica.log, &config, now);
            if replica.log.log_start_offset() != producers_before {
                replica.rebuild_producer_state();
            }
            if let Some(state) = self.brokers.get_mut(&broker) {
                state.replicas.insert(tp, replica);
            }
        }
    }

    pub(in crate::engine) fn start_broker_timers(&mut self, broker: BrokerId) {
        let incarnation = self.brokers[&broker].incarnation;
        let isr_interval = (self.broker_config.replica_lag_time_max_ms / 2).max(1);
        self.schedule_timer(
            self.now.plus_ms(isr_interval),
            Timer::IsrExpiration(broker, incarnation),
        );
        if incarnation == 0 {
            let retention = self.broker_config.log_retention_check_interval_ms.max(1);
            let cleaner = self.broker_config.log_cleaner_backoff_ms.max(1);
            self.schedule_timer(self.now.plus_ms(retention), Timer::RetentionCheck(broker));
            self.schedule_timer(self.now.plus_ms(cleaner), Timer::CleanerCheck(broker));
        }
    }
}
