//! The producer client: partitioning, the record accumulator (`batch.size`, `linger.ms`), the
//! sender (`max.in.flight.requests.per.connection`), retries with `retry.backoff.ms` within
//! `delivery.timeout.ms`, the idempotent producer's sequences, and rate-driven workloads.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::command::Rejection;
use crate::engine::config::{Acks, KeylessPartitioner, ProducerConfig, SendMode};
use crate::engine::errors::ErrorCode;
use crate::engine::event::{EventKind, PartitionChoice};
use crate::engine::ids::{BrokerId, Offset, ProducerId, RecordId, TopicPartition};
use crate::engine::limits;
use crate::engine::murmur2::{murmur2, to_positive};
use crate::engine::network::{Message, Node, ProduceBatch};
use crate::engine::record::{Payload, ProducerStamp, Record, BATCH_OVERHEAD_BYTES};
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// Which keys a workload's records carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum KeyPattern {
    /// No key: the keyless partitioner decides.
    #[default]
    None,
    /// `key-0`, `key-1`, ... `key-(count-1)`, then again.
    Cycle { count: u32 },
    /// Always the same key.
    Fixed { key: String },
}

/// A producer application sending at a steady rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub topic: String,
    pub records_per_second: u32,
    pub keys: KeyPattern,
    /// Stop after this many records; `None` runs until stopped.
    pub count: Option<u64>,
}

/// The record accumulator's queues, one per partition, in the order partitions were first
/// written to (deterministic, as everything else). It is looked up for every record, so the
/// partitions of the most recent topic are indexed by number; other topics fall back to a
/// scan of the few queues a producer has.
#[derive(Clone, Debug, Default)]
struct Accumulator {
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
    fn queue_mut(&mut self, tp: &TopicPartition) -> &mut VecDeque<PendingBatch> {
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

    fn get_mut(&mut self, tp: &TopicPartition) -> Option<&mut VecDeque<PendingBatch>> {
        let index = self.position(tp)?;
        Some(&mut self.queues[index].1)
    }

    fn iter(&self) -> impl Iterator<Item = (&TopicPartition, &VecDeque<PendingBatch>)> {
        self.queues.iter().map(|(tp, queue)| (tp, queue))
    }

    fn values(&self) -> impl Iterator<Item = &VecDeque<PendingBatch>> {
        self.queues.iter().map(|(_, queue)| queue)
    }
}

/// A topic as `send()` needs it: its shared name and partition count. A workload looks it up
/// once per tick rather than once per record (topics are never deleted nor resized, and a tick
/// runs no command that could create one).
struct SendTarget {
    name: Arc<str>,
    partition_count: u32,
}

/// Most records a new batch makes room for up front (128 KiB of records). Beyond that,
/// doubling as it fills costs little, and an open batch never reserves more memory than this.
const MAX_PREALLOCATED_RECORDS: usize = 2_048;

/// How many records to make room for in a new batch: as many as `batch.size` holds if the
/// others are about the size of the first, plus a quarter for smaller ones. Growing a batch by
/// doubling costs a reallocation and a copy per doubling on the hottest path; a batch that
/// ends up shorter only leaves untouched capacity, freed when it is sealed.
fn batch_capacity(batch_size: u32, first_record_bytes: u32) -> usize {
    let fits = batch_size.saturating_sub(BATCH_OVERHEAD_BYTES) / first_record_bytes.max(1);
    let fits = fits as usize;
    (fits + fits / 4).clamp(1, MAX_PREALLOCATED_RECORDS)
}

/// A `send(topic, key, value)` waiting while a synchronous send blocks the application.
type BlockedSend = (String, Option<Arc<str>>, Option<Payload>);

#[derive(Clone, Debug)]
struct PendingBatch {
    partition: TopicPartition,
    /// The records while the batch is open.
    records: Vec<Record>,
    /// The records once the batch was first sent: shared with every request that carries it.
    sealed: Option<Arc<[Record]>>,
    bytes: u32,
    created_at: SimTime,
    sequence: Option<i32>,
    attempts: u32,
    retry_at: SimTime,
}

impl PendingBatch {
    fn len(&self) -> usize {
        self.sealed.as_ref().map_or(self.records.len(), |s| s.len())
    }

    fn iter(&self) -> std::slice::Iter<'_, Record> {
        match &self.sealed {
            Some(sealed) => sealed.iter(),
            None => self.records.iter(),
        }
    }

    /// Closes the batch: its records move into one shared allocation, once.
    fn seal(&mut self) -> Arc<[Record]> {
        if self.sealed.is_none() {
            self.sealed = Some(Arc::from(std::mem::take(&mut self.records)));
        }
        self.sealed.clone().expect("just sealed")
    }
}

#[derive(Clone, Debug)]
struct RequestInFlight {
    broker: BrokerId,
    batches: Vec<PendingBatch>,
}

/// Counters a producer keeps, as its metrics would.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerStats {
    pub records_sent: u64,
    pub records_acknowledged: u64,
    pub records_failed: u64,
    pub batches_retried: u64,
    pub requests_sent: u64,
}

/// A producer client's state.
#[derive(Clone, Debug)]
pub struct Producer {
    pub id: ProducerId,
    pub config: ProducerConfig,
    /// The idempotent producer's id and epoch (InitProducerId), when idempotence is on.
    pub producer_id: Option<u64>,
    pub producer_epoch: u16,
    accumulator: Accumulator,
    next_sequence: BTreeMap<TopicPartition, i32>,
    in_flight: BTreeMap<u64, RequestInFlight>,
    sticky: BTreeMap<String, (u32, u32)>,
    round_robin: BTreeMap<String, u32>,
    next_correlation_id: u64,
    /// In synchronous mode, the record whose answer `send().get()` waits for.
    awaiting: Option<RecordId>,
    blocked_sends: VecDeque<BlockedSend>,
    pub workload: Option<Workload>,
    /// `close()` was called: no new sends; what is pending is still delivered.
    pub closed: bool,
    /// The workload's keys, made once and shared by every tick (`None` until the first).
    workload_keys: Option<Arc<[Arc<str>]>>,
    workload_sent: u64,
    workload_carry_millis: u64,
    wake_at: Option<SimTime>,
    pub stats: ProducerStats,
}

impl Producer {
    pub fn new(id: ProducerId, config: ProducerConfig, producer_id: Option<u64>) -> Self {
        Producer {
            id,
            config,
            producer_id,
            producer_epoch: 0,
            accumulator: Accumulator::default(),
            next_sequence: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            sticky: BTreeMap::new(),
            round_robin: BTreeMap::new(),
            next_correlation_id: 0,
            awaiting: None,
            blocked_sends: VecDeque::new(),
            workload: None,
            closed: false,
            workload_keys: None,
            workload_sent: 0,
            workload_carry_millis: 0,
            wake_at: None,
            stats: ProducerStats::default(),
        }
    }

    /// Records in the accumulator or in flight.
    pub fn records_pending(&self) -> usize {
        self.accumulator
            .values()
            .flat_map(|d| d.iter())
            .map(PendingBatch::len)
            .sum::<usize>()
            + self
                .in_flight
                .values()
                .flat_map(|r| r.batches.iter())
                .map(PendingBatch::len)
                .sum::<usize>()
    }

    pub(in crate::engine) fn reset_workload_keys(&mut self) {
        self.workload_keys = None;
    }

    /// Whether records for `topic` wait in the accumulator or in a request not yet answered.
    pub fn has_pending_for(&self, topic: &str) -> bool {
        self.accumulator
            .iter()
            .any(|(tp, batches)| *tp.topic == *topic && !batches.is_empty())
            || self
                .in_flight
                .values()
                .flat_map(|r| r.batches.iter())
                .any(|b| *b.partition.topic == *topic)
    }

    pub fn requests_in_flight(&self) -> usize {
        self.in_flight.len()
    }

    fn in_flight_to(&self, broker: BrokerId) -> usize {
        self.in_flight
            .values()
            .filter(|r| r.broker == broker)
            .count()
    }
}

impl Simulation {
    /// The application calls `send(topic, key, value)`.
    pub(in crate::engine) fn app_send(
        &mut self,
        producer_id: ProducerId,
        topic: &str,
        key: Option<String>,
        value: Option<String>,
    ) -> Result<(), Rejection> {
        let too_long = key
            .as_ref()
            .is_some_and(|k| k.len() > limits::MAX_KEY_OR_VALUE_BYTES)
            || value
                .as_ref()
                .is_some_and(|v| v.len() > limits::MAX_KEY_OR_VALUE_BYTES);
        if too_long {
            return Err(Rejection::LimitReached {
                what: "bytes in a key or value",
                max: limits::MAX_KEY_OR_VALUE_BYTES as u64,
            });
        }
        let producer = self
            .producers
            .get_mut(&producer_id)
            .ok_or(Rejection::UnknownProducer {
                producer: producer_id,
            })?;
        if producer.closed {
            return Err(Rejection::ProducerClosed {
                producer: producer_id,
            });
        }
        if producer.awaiting.is_some() {
            producer.blocked_sends.push_back((
                topic.to_owned(),
                key.as_deref().map(Arc::from),
                value.as_deref().map(Payload::from),
            ));
            return Ok(());
        }
        self.send_record(
            producer_id,
            topic,
            key.as_deref().map(Arc::from),
            value.as_deref().map(Payload::from),
        )
    }

    fn send_record(
        &mut self,
        producer_id: ProducerId,
        topic: &str,
        key: Option<Arc<str>>,
        value: Option<Payload>,
    ) -> Result<(), Rejection> {
        let target = self.send_target(topic)?;
        self.send_to_target(producer_id, &target, key, value);
        Ok(())
    }

    /// The topic a record goes to, created if `auto.create.topics.enable` allows.
    fn send_target(&mut self, topic: &str) -> Result<SendTarget, Rejection> {
        if !self.topics.contains_key(topic) {
            self.auto_create_topic(topic)?;
        }
        let meta = &self.topics[topic];
        Ok(SendTarget {
            name: meta.shared_name.clone(),
            partition_count: meta.partition_count(),
        })
    }

    /// `send()` once the topic is known: partitioning, the accumulator, and the sender when a
    /// batch may be ready.
    fn send_to_target(
        &mut self,
        producer_id: ProducerId,
        target: &SendTarget,
        key: Option<Arc<str>>,
        value: Option<Payload>,
    ) {
        let topic = &*target.name;
        let partition_count = target.partition_count;
        let record_id = RecordId(self.next_record_id);
        self.next_record_id += 1;
        let now = self.now;
        let record = Record::new(record_id, producer_id, key, value, now);
        let size = record.size_bytes();
        let rng = &mut self.rng;
        let producer = self.producers.get_mut(&producer_id).expect("checked");
        let batch_size = producer.config.batch_size;
        let (partition, choice) = match record.key.as_deref() {
            Some(key) => {
                let hash = murmur2(key.as_bytes());
                (
                    to_positive(hash) % partition_count,
                    PartitionChoice::Key { murmur2: hash },
                )
            }
            None => match producer.config.partitioner {
                KeylessPartitioner::RoundRobin => {
                    if !producer.round_robin.contains_key(topic) {
                        producer.round_robin.insert(topic.to_owned(), 0);
                    }
                    let counter = producer.round_robin.get_mut(topic).expect("inserted");
                    let this = *counter;
                    *counter = counter.wrapping_add(1);
                    (
                        to_positive(this as i32) % partition_count,
                        PartitionChoice::RoundRobin { counter: this },
                    )
                }
                KeylessPartitioner::UniformSticky => {
                    if !producer.sticky.contains_key(topic) {
                        let first = rng.below(u64::from(partition_count)) as u32;
                        producer.sticky.insert(topic.to_owned(), (first, 0));
                    }
                    let entry = producer.sticky.get_mut(topic).expect("inserted");
                    let chosen = entry.0;
                    entry.1 += size;
                    // KIP-794: switch after batch.size bytes (Kafka switches between 1x and
                    // 2x batch.size, when the batch is full; this picks the first point).
                    if entry.1 >= batch_size {
                        let next = if partition_count > 1 {
                            let offset = 1 + rng.below(u64::from(partition_count - 1)) as u32;
                            (chosen + offset) % partition_count
                        } else {
                            0
                        };
                        *entry = (next, 0);
                    }
                    (chosen, PartitionChoice::Sticky)
                }
            },
        };
        let tp = TopicPartition::new(target.name.clone(), partition);
        producer.stats.records_sent += 1;
        if producer.config.send_mode == SendMode::Synchronous {
            producer.awaiting = Some(record_id);
        }
        // The auditor and the event look at the record before the accumulator takes it, so
        // the record moves into its batch without a clone (and its key's count is not touched).
        self.auditor.on_send(&record, &tp);
        let sent_event = self.detailed_events.then(|| EventKind::RecordSent {
            record: record_id,
            producer: producer_id,
            partition: tp.clone(),
            key: record.key.as_deref().map(str::to_owned),
            value: record.value.as_ref().map(|v| v.text().into_owned()),
            choice,
        });
        let linger_ms = producer.config.linger_ms;
        let deque = producer.accumulator.queue_mut(&tp);
        let fits = deque.back().is_some_and(|b| {
            b.sequence.is_none() && b.attempts == 0 && b.bytes + size <= batch_size
        });
        if fits {
            let batch = deque.back_mut().expect("checked");
            batch.bytes += size;
            batch.records.push(record);
        } else {
            let mut records = Vec::with_capacity(batch_capacity(batch_size, size));
            records.push(record);
            deque.push_back(PendingBatch {
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
        // The sender only needs to look when a batch may be ready: no linger, a full batch, or
        // a queue behind the front batch. Otherwise the linger timer wakes it.
        let front = deque.front().expect("just appended");
        let ready =
            linger_ms == 0 || deque.len() > 1 || front.bytes >= batch_size || front.attempts > 0;
        let wake_at = front.created_at.plus_ms(linger_ms);
        // Decided while the producer is at hand, so it is looked up once per record.
        let wake = !ready && producer.wake_at.is_none_or(|w| w <= now || wake_at < w);
        if wake {
            producer.wake_at = Some(wake_at);
        }
        if let Some(event) = sent_event {
            self.emit(event);
        }
        if ready {
            self.drain_producer(producer_id);
        } else if wake {
            self.schedule_timer(wake_at, Timer::ProducerWake(producer_id));
        }
    }

    fn auto_create_topic(&mut self, topic: &str) -> Result<(), Rejection> {
        if !self.broker_config.auto_create_topics_enable {
            return Err(Rejection::UnknownTopic {
                topic: topic.to_owned(),
            });
        }
        let config = crate::engine::config::TopicConfig {
            partitions: self.broker_config.num_partitions,
            replication_factor: self.broker_config.default_replication_factor,
            ..crate::engine::config::TopicConfig::default()
        };
        self.create_topic(topic.to_owned(), config)
    }

    /// The sender thread: sends every ready batch whose leader is known, one batch per
    /// partition per request, within `max.in.flight.requests.per.connection`.
    pub(in crate::engine) fn drain_producer(&mut self, producer_id: ProducerId) {
        let now = self.now;
        let Some(producer) = self.producers.get(&producer_id) else {
            return;
        };
        let linger = producer.config.linger_ms;
        let delivery_timeout = producer.config.delivery_timeout_ms;
        let max_in_flight = producer.config.max_in_flight_requests_per_connection as usize;
        let batch_size = producer.config.batch_size;
        let mut expired = Vec::new();
        let mut per_broker: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
        let mut next_wake: Option<SimTime> = None;
        for (tp, deque) in producer.accumulator.iter() {
            let Some(front) = deque.front() else {
                continue;
            };
            if now.since(front.created_at) >= delivery_timeout {
                expired.push(tp.clone());
                continue;
            }
            let linger_done = now >= front.created_at.plus_ms(linger);
            let full = front.bytes >= batch_size || deque.len() > 1;
            let ready = (linger_done || full || front.attempts > 0) && now >= front.retry_at;
            if !ready {
                let at = front.created_at.plus_ms(linger).max(front.retry_at);
                next_wake = Some(next_wake.map_or(at, |w| w.min(at)));
                continue;
            }
            match self.partition_meta(tp).and_then(|m| m.leader) {
                Some(leader) => per_broker.entry(leader).or_default().push(tp.clone()),
                None => {
                    let at = now.plus_ms(producer.config.retry_backoff_ms);
                    next_wake = Some(next_wake.map_or(at, |w| w.min(at)));
                }
            }
        }
        for tp in expired {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if let Some(batch) = producer
                .accumulator
                .get_mut(&tp)
                .and_then(VecDeque::pop_front)
            {
                self.fail_batch(producer_id, batch, ErrorCode::DeliveryTimeout);
            }
        }
        for (broker, partitions) in per_broker {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if producer.in_flight_to(broker) >= max_in_flight {
                continue;
            }
            let mut batches = Vec::new();
            for tp in partitions {
                let Some(mut batch) = producer
                    .accumulator
                    .get_mut(&tp)
                    .and_then(VecDeque::pop_front)
                else {
                    continue;
                };
                if producer.producer_id.is_some() && batch.sequence.is_none() {
                    let next = producer.next_sequence.entry(tp.clone()).or_insert(0);
                    batch.sequence = Some(*next);
                    *next = ((i64::from(*next) + batch.len() as i64) % (i64::from(i32::MAX) + 1))
                        as i32;
                }
                batches.push(batch);
            }
            if batches.is_empty() {
                continue;
            }
            self.send_produce_request(producer_id, broker, batches);
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        if producer.accumulator.values().any(|d| !d.is_empty()) {
            if let Some(at) = next_wake {
                if producer.wake_at.is_none_or(|w| w <= now || at < w) {
                    producer.wake_at = Some(at);
                    self.schedule_timer(at.max(now), Timer::ProducerWake(producer_id));
                }
            }
        }
    }

    fn send_produce_request(
        &mut self,
        producer_id: ProducerId,
        broker: BrokerId,
        mut batches: Vec<PendingBatch>,
    ) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let correlation_id = producer.next_correlation_id;
        producer.next_correlation_id += 1;
        producer.stats.requests_sent += 1;
        let acks = producer.config.acks;
        let timeout_ms = producer.config.request_timeout_ms;
        let stamp_base = producer
            .producer_id
            .map(|pid| (pid, producer.producer_epoch));
        let wire: Vec<ProduceBatch> = batches
            .iter_mut()
            .map(|b| ProduceBatch {
                partition: b.partition.clone(),
                records: b.seal(),
                stamp: stamp_base
                    .zip(b.sequence)
                    .map(|((pid, epoch), seq)| ProducerStamp {
                        producer_id: pid,
                        producer_epoch: epoch,
                        base_sequence: seq,
                    }),
            })
            .collect();
        if acks == Acks::None {
            // acks=0: the callback fires at once with offset -1; nobody will answer.
            for batch in batches {
                self.complete_batch(producer_id, batch, None);
            }
        } else {
            producer
                .in_flight
                .insert(correlation_id, RequestInFlight { broker, batches });
            self.schedule_timer(
                self.now.plus_ms(timeout_ms),
                Timer::ProducerRequestTimeout(producer_id, correlation_id),
            );
        }
        self.send(
            Node::Producer(producer_id),
            Node::Broker(broker),
            Message::Produce {
                correlation_id,
                acks,
                timeout_ms,
                batches: wire,
            },
        );
    }

    pub(in crate::engine) fn on_produce_response(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
        results: Vec<(TopicPartition, Result<Offset, ErrorCode>)>,
    ) {
        let Some(request) = self
            .producers
            .get_mut(&producer_id)
            .and_then(|p| p.in_flight.remove(&correlation_id))
        else {
            return;
        };
        for batch in request.batches {
            let result = results
                .iter()
                .find(|(tp, _)| *tp == batch.partition)
                .map_or(Err(ErrorCode::NetworkException), |(_, r)| *r);
            match result {
                Ok(base) => self.complete_batch(producer_id, batch, Some(base)),
                Err(error) => self.retry_or_fail(producer_id, batch, error),
            }
        }
        self.after_producer_progress(producer_id);
    }

    /// The request got no answer within `request.timeout.ms`, or the connection failed: every
    /// batch in it is retried (a late answer is ignored, as Kafka closes the connection).
    pub(in crate::engine) fn on_produce_request_failed(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
        error: ErrorCode,
    ) {
        let Some(request) = self
            .producers
            .get_mut(&producer_id)
            .and_then(|p| p.in_flight.remove(&correlation_id))
        else {
            return;
        };
        for batch in request.batches {
            self.retry_or_fail(producer_id, batch, error);
        }
        self.after_producer_progress(producer_id);
    }

    fn retry_or_fail(
        &mut self,
        producer_id: ProducerId,
        mut batch: PendingBatch,
        error: ErrorCode,
    ) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let idempotent = producer.producer_id.is_some();
        // With idempotence an out-of-order answer means an earlier batch is being retried.
        let retriable =
            error.is_retriable() || (idempotent && error == ErrorCode::OutOfOrderSequenceNumber);
        let within_time = self.now.since(batch.created_at) < producer.config.delivery_timeout_ms;
        if retriable && batch.attempts < producer.config.retries && within_time {
            batch.attempts += 1;
            batch.retry_at = self.now.plus_ms(producer.config.retry_backoff_ms);
            producer.stats.batches_retried += 1;
            let deque = producer.accumulator.queue_mut(&batch.partition);
            // Kafka re-enqueues at the front; the idempotent producer keeps sequence order.
            let position = match batch.sequence {
                Some(seq) if idempotent => deque
                    .iter()
                    .position(|b| b.sequence.is_none_or(|s| s > seq))
                    .unwrap_or(deque.len()),
                _ => 0,
            };
            let event = EventKind::BatchRetried {
                producer: producer_id,
                partition: batch.partition.clone(),
                records: batch.iter().map(|r| r.id).collect(),
                error,
                attempt: batch.attempts,
            };
            deque.insert(position, batch);
            self.emit(event);
            let at = self
                .now
                .plus_ms(self.producers[&producer_id].config.retry_backoff_ms);
            self.schedule_timer(at, Timer::ProducerWake(producer_id));
        } else {
            let error = if within_time {
                error
            } else {
                ErrorCode::DeliveryTimeout
            };
            self.fail_batch(producer_id, batch, error);
        }
    }

    fn fail_batch(&mut self, producer_id: ProducerId, batch: PendingBatch, error: ErrorCode) {
        let ids: Vec<RecordId> = batch.iter().map(|r| r.id).collect();
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.records_failed += ids.len() as u64;
        if producer.awaiting.is_some_and(|a| ids.contains(&a)) {
            producer.awaiting = None;
        }
        self.auditor.on_failed(&ids, error);
        self.emit(EventKind::BatchFailed {
            producer: producer_id,
            partition: batch.partition,
            records: ids,
            error,
        });
    }

    fn complete_batch(
        &mut self,
        producer_id: ProducerId,
        batch: PendingBatch,
        base: Option<Offset>,
    ) {
        let ids: Vec<RecordId> = batch.iter().map(|r| r.id).collect();
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.records_acknowledged += ids.len() as u64;
        if producer.awaiting.is_some_and(|a| ids.contains(&a)) {
            producer.awaiting = None;
        }
        self.auditor
            .on_acknowledged(&ids, &batch.partition, base, self.now);
        self.emit(EventKind::BatchAcknowledged {
            producer: producer_id,
            partition: batch.partition,
            base_offset: base,
            records: ids,
        });
    }

    fn after_producer_progress(&mut self, producer_id: ProducerId) {
        // A synchronous application blocked in send().get() continues.
        loop {
            let Some(producer) = self.producers.get_mut(&producer_id) else {
                return;
            };
            if producer.awaiting.is_some() {
                break;
            }
            let Some((topic, key, value)) = producer.blocked_sends.pop_front() else {
                break;
            };
            if let Err(reason) = self.send_record(producer_id, &topic, key, value) {
                self.emit(EventKind::CommandRejected { reason });
            }
        }
        self.drain_producer(producer_id);
    }

    pub(in crate::engine) fn on_producer_wake(&mut self, producer_id: ProducerId) {
        if let Some(producer) = self.producers.get_mut(&producer_id) {
            producer.wake_at = None;
        }
        self.drain_producer(producer_id);
    }

    /// The workload's clock: sends the records due since the last tick.
    pub(in crate::engine) fn on_workload_tick(&mut self, producer_id: ProducerId) {
        let Some(producer) = self.producers.get_mut(&producer_id) else {
            return;
        };
        let Some(workload) = producer.workload.clone() else {
            return;
        };
        let rate = u64::from(workload.records_per_second.max(1));
        // Ticks are 1 ms apart when the rate is above 1000/s, else one record per tick.
        let tick_ms = if rate >= 1000 { 1 } else { 1000 / rate };
        producer.workload_carry_millis += rate * tick_ms;
        let mut due = producer.workload_carry_millis / 1000;
        producer.workload_carry_millis %= 1000;
        if let Some(count) = workload.count {
            due = due.min(count.saturating_sub(producer.workload_sent));
        }
        // Keys are made once per workload and shared by every record that carries them.
        let keys = producer
            .workload_keys
            .get_or_insert_with(|| match &workload.keys {
                KeyPattern::None => Arc::from([]),
                KeyPattern::Cycle { count } => (0..(*count).max(1))
                    .map(|n| Arc::from(format!("key-{n}").as_str()))
                    .collect(),
                KeyPattern::Fixed { key } => Arc::from([Arc::from(key.as_str())]),
            })
            .clone();
        // The topic is looked up at the first record of the tick, where `send()` would.
        let mut target: Option<SendTarget> = None;
        for _ in 0..due {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if producer.awaiting.is_some() {
                // send().get() blocks the application: the workload waits too.
                break;
            }
            let n = producer.workload_sent;
            producer.workload_sent += 1;
            let key = (!keys.is_empty()).then(|| keys[(n % keys.len() as u64) as usize].clone());
            let value = Some(Payload::Generated {
                producer: producer_id.0,
                sequence: n,
            });
            let target = match &mut target {
                Some(target) => target,
                None => match self.send_target(&workload.topic) {
                    Ok(found) => target.insert(found),
                    Err(reason) => {
                        self.emit(EventKind::CommandRejected { reason });
                        break;
                    }
                },
            };
            self.send_to_target(producer_id, target, key, value);
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let finished = workload.count.is_some_and(|c| producer.workload_sent >= c);
        if finished {
            producer.workload = None;
        } else if producer.workload.is_some() {
            self.schedule_timer(self.now.plus_ms(tick_ms), Timer::WorkloadTick(producer_id));
        }
    }
}
