//! The producer client: partitioning (or the partition a record names), the record
//! accumulator (`batch.size`, `linger.ms`, `buffer.memory` with `max.block.ms`), the sender
//! (`max.in.flight.requests.per.connection`, `max.request.size`), retries with exponential
//! backoff within `delivery.timeout.ms`, the idempotent producer's sequences and epoch bumps
//! (`idempotence.rs`), and rate-driven workloads.

use crate::engine::sorted::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use crate::engine::command::{KeyPattern, Rejection, Workload};
use crate::engine::config::{Acks, ProducerConfig, SendMode};
use crate::engine::errors::ErrorCode;
use crate::engine::event::{EventKind, PartitionChoice};
use crate::engine::ids::{BrokerId, ProducerId, RecordId, TopicPartition};
use crate::engine::limits;
use crate::engine::network::Node;
use crate::engine::record::{Payload, Record, RecordExtras, BATCH_OVERHEAD_BYTES};
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

mod accumulator;
mod idempotence;
mod partitioner;
mod sender;

use super::metadata::ClientMetadata;
use accumulator::{Accumulator, PendingBatch};

/// A topic as `send()` needs it: its shared name and partition count. A workload looks it up
/// once per tick rather than once per record (topics are never deleted nor resized, and a tick
/// runs no command that could create one).
struct SendTarget {
    name: Arc<str>,
    partition_count: u32,
}

/// A `send(ProducerRecord)` by the application: topic, key, value, and what a
/// `ProducerRecord` may add (a partition, a timestamp, headers).
#[derive(Clone, Debug)]
pub(in crate::engine) struct AppSend {
    topic: String,
    key: Option<Arc<str>>,
    value: Option<Payload>,
    partition: Option<u32>,
    extras: Option<RecordExtras>,
}

impl AppSend {
    pub(in crate::engine) fn new(
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<u32>,
    ) -> Self {
        AppSend {
            topic,
            key: key.as_deref().map(Arc::from),
            value: value.as_deref().map(Payload::from),
            partition,
            extras: None,
        }
    }

    /// Adds the `ProducerRecord`'s timestamp and headers, refusing what Kafka's
    /// `ProducerRecord` refuses and what the playground's limits do not hold.
    pub(in crate::engine) fn with_extras(
        mut self,
        timestamp_ms: Option<i64>,
        headers: Vec<(String, String)>,
    ) -> Result<Self, Rejection> {
        let too_long = |text: &str| text.len() > limits::MAX_KEY_OR_VALUE_BYTES;
        let texts = self
            .key
            .iter()
            .map(|k| &**k)
            .chain(self.value.iter().filter_map(|v| match v {
                Payload::Text(text) => Some(&**text),
                Payload::Generated { .. } => None,
            }));
        let headers_too_long = headers.iter().any(|(k, v)| too_long(k) || too_long(v));
        if texts.into_iter().any(too_long) || headers_too_long {
            return Err(Rejection::LimitReached {
                what: "bytes in a key, value or header",
                max: limits::MAX_KEY_OR_VALUE_BYTES as u64,
            });
        }
        if headers.len() > limits::MAX_HEADERS_PER_RECORD {
            return Err(Rejection::LimitReached {
                what: "headers on a record",
                max: limits::MAX_HEADERS_PER_RECORD as u64,
            });
        }
        if timestamp_ms.is_some_and(|t| t < 0) {
            // ProducerRecord: "Timestamp should always be non-negative or null".
            return Err(Rejection::InvalidConfig {
                setting: "timestamp",
                reason: "must be a non-negative number of milliseconds".to_owned(),
            });
        }
        if timestamp_ms.is_some() || !headers.is_empty() {
            self.extras = Some(RecordExtras {
                timestamp_ms,
                headers: headers
                    .into_iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Arc::from(v.as_str())))
                    .collect(),
            });
        }
        Ok(self)
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
    /// Record batches carried by those requests, a retried batch once per attempt.
    pub batches_sent: u64,
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
    sequences: VecMap<TopicPartition, idempotence::PartitionSequences>,
    in_flight: VecMap<u64, RequestInFlight>,
    sticky: VecMap<String, (u32, u32)>,
    round_robin: VecMap<String, u32>,
    next_correlation_id: u64,
    /// In synchronous mode, the record whose answer `send().get()` waits for.
    awaiting: Option<RecordId>,
    blocked_sends: VecDeque<AppSend>,
    pub workload: Option<Workload>,
    /// `close()` was called: no new sends; what is pending is still delivered.
    pub closed: bool,
    /// The workload's keys, made once and shared by every tick (`None` until the first).
    workload_keys: Option<Arc<[Arc<str>]>>,
    workload_sent: u64,
    workload_carry_millis: u64,
    /// When the sender's linger wake is queued: a `ProducerWake` timer is queued for exactly
    /// this time, and none earlier for a linger. Kept exact (only the timer it names clears
    /// it), so the sender schedules one wake per deadline rather than one per `send()`.
    wake_at: Option<SimTime>,
    /// Bytes of `buffer.memory` held by batches not yet answered.
    buffer_used: u64,
    /// The record `send()` is blocked on while `buffer.memory` is full, since when.
    memory_wait: Option<MemoryWait>,
    pub stats: ProducerStats,
    /// What this producer believes about the cluster, and its connections.
    pub metadata: ClientMetadata,
}

/// A `send()` blocked in `BufferPool.allocate` until batches are answered and free memory, for
/// at most `max.block.ms`.
#[derive(Clone, Debug)]
struct MemoryWait {
    since: SimTime,
    partition: TopicPartition,
    record: Record,
}

impl Producer {
    pub fn new(id: ProducerId, config: ProducerConfig, producer_id: Option<u64>) -> Self {
        Producer {
            id,
            config,
            producer_id,
            producer_epoch: 0,
            accumulator: Accumulator::default(),
            sequences: VecMap::new(),
            in_flight: VecMap::new(),
            sticky: VecMap::new(),
            round_robin: VecMap::new(),
            next_correlation_id: 0,
            awaiting: None,
            blocked_sends: VecDeque::new(),
            workload: None,
            closed: false,
            workload_keys: None,
            workload_sent: 0,
            workload_carry_millis: 0,
            wake_at: None,
            buffer_used: 0,
            memory_wait: None,
            stats: ProducerStats::default(),
            metadata: ClientMetadata::default(),
        }
    }

    pub(in crate::engine) fn next_correlation(&mut self) -> u64 {
        let id = self.next_correlation_id;
        self.next_correlation_id += 1;
        id
    }

    /// Records in the accumulator or in flight, and one `send()` blocked on a full buffer.
    pub fn records_pending(&self) -> usize {
        usize::from(self.memory_wait.is_some())
            + self
                .accumulator
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

    /// Whether a record of `size` bytes for `tp` fits in `buffer.memory`: in the partition's
    /// open batch, or in a new batch's allocation.
    fn has_room(&mut self, tp: &TopicPartition, size: u32) -> bool {
        let config = &self.config;
        self.buffer_used + accumulator::batch_allocation(config.batch_size, size)
            <= config.buffer_memory
            || self
                .accumulator
                .fits_open_batch(tp, size, config.batch_size)
    }

    /// Bytes of `buffer.memory` in use.
    pub fn buffer_used(&self) -> u64 {
        self.buffer_used
    }

    /// Whether the application is blocked in `send()`: waiting for `send().get()`, or for room
    /// in `buffer.memory`.
    fn application_blocked(&self) -> bool {
        self.awaiting.is_some() || self.memory_wait.is_some()
    }

    pub(in crate::engine) fn reset_workload_keys(&mut self) {
        self.workload_keys = None;
    }

    /// Whether records for `topic` wait in the accumulator or in a request not yet answered.
    pub fn has_pending_for(&self, topic: &str) -> bool {
        self.memory_wait
            .as_ref()
            .is_some_and(|w| *w.partition.topic == *topic)
            || self
                .accumulator
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
    /// The application calls `send(ProducerRecord)`.
    pub(in crate::engine) fn app_send(
        &mut self,
        producer_id: ProducerId,
        send: AppSend,
    ) -> Result<(), Rejection> {
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
        if producer.application_blocked() {
            producer.blocked_sends.push_back(send);
            return Ok(());
        }
        self.send_record(producer_id, send)
    }

    fn send_record(&mut self, producer_id: ProducerId, send: AppSend) -> Result<(), Rejection> {
        let target = self.send_target(producer_id, &send.topic)?;
        if let Some(partition) = send.partition {
            if partition >= target.partition_count {
                // KafkaProducer.partition: "Invalid partition given with record".
                return Err(Rejection::InvalidConfig {
                    setting: "partition",
                    reason: format!(
                        "partition {partition} is not in the range [0...{}) of topic {}",
                        target.partition_count, send.topic
                    ),
                });
            }
        }
        let record = (send.key, send.value, send.extras);
        self.send_to_target(producer_id, &target, record, send.partition);
        Ok(())
    }

    /// The topic a record goes to, with its partition count from the producer's metadata.
    /// A topic the producer has no metadata for yet is looked up as `send()`'s
    /// `waitOnMetadata` does (created if `auto.create.topics.enable` allows); that wait is
    /// taken as answered at once, and a Metadata request then fetches the topic's leaders.
    fn send_target(
        &mut self,
        producer_id: ProducerId,
        topic: &str,
    ) -> Result<SendTarget, Rejection> {
        let cached = self
            .producers
            .get(&producer_id)
            .and_then(|p| p.metadata.partition_count(topic));
        let (name, partition_count) = match cached {
            Some(count) if count > 0 => (
                self.producers[&producer_id].metadata.shared_name(topic),
                count,
            ),
            _ => {
                let found = self.topic_for_client(topic)?;
                self.want_topic_metadata(Node::Producer(producer_id), topic);
                found
            }
        };
        Ok(SendTarget {
            name,
            partition_count,
        })
    }

    /// `send()` once the topic is known: partitioning, the accumulator, and the sender when a
    /// batch may be ready.
    fn send_to_target(
        &mut self,
        producer_id: ProducerId,
        target: &SendTarget,
        (key, value, extras): (Option<Arc<str>>, Option<Payload>, Option<RecordExtras>),
        given_partition: Option<u32>,
    ) {
        let topic = &*target.name;
        let partition_count = target.partition_count;
        let record_id = RecordId(self.next_record_id);
        self.next_record_id += 1;
        let now = self.now;
        let mut record = Record::new(record_id, producer_id, key, value, now);
        if let Some(extras) = extras {
            record = record.with_extras(extras);
        }
        let size = record.size_bytes();
        let rng = &mut self.rng;
        let producer = self.producers.get_mut(&producer_id).expect("checked");
        let (partition, choice) = match given_partition {
            // KafkaProducer.partition: a partition the record names is used as it is.
            Some(partition) => (partition, PartitionChoice::Given),
            None => partitioner::choose(
                producer,
                rng,
                topic,
                partition_count,
                record.key.as_deref(),
                size,
            ),
        };
        let tp = TopicPartition::new(target.name.clone(), partition);
        producer.stats.records_sent += 1;
        if producer.config.send_mode == SendMode::Synchronous {
            producer.awaiting = Some(record_id);
        }
        // Read while the producer is at hand, so it is looked up once here.
        let max_record_bytes =
            u64::from(producer.config.max_request_size).min(producer.config.buffer_memory);
        // The auditor and the event look at the record before the accumulator takes it, so
        // the record moves into its batch without a clone (and its key's count is not touched).
        self.auditor.on_send(&record, &tp);
        if self.detailed_events {
            self.emit(EventKind::RecordSent {
                record: record_id,
                producer: producer_id,
                partition: tp.clone(),
                key: record.key.as_deref().map(str::to_owned),
                value: record.value.as_ref().map(|v| v.text().into_owned()),
                choice,
            });
        }
        if u64::from(BATCH_OVERHEAD_BYTES + size) > max_record_bytes {
            // KafkaProducer.ensureValidRecordSize: the send fails at once.
            self.fail_records(producer_id, tp, &[record_id], ErrorCode::RecordTooLarge);
            return;
        }
        self.append_or_block(producer_id, tp, record);
    }

    /// Appends `record` to the accumulator, or blocks the application while `buffer.memory`
    /// has no room for the new batch it needs (`BufferPool.allocate`), until `max.block.ms`.
    fn append_or_block(&mut self, producer_id: ProducerId, tp: TopicPartition, record: Record) {
        let now = self.now;
        let size = record.size_bytes();
        let producer = self.producers.get_mut(&producer_id).expect("checked");
        if !producer.has_room(&tp, size) {
            let deadline = now.plus_ms(producer.config.max_block_ms);
            producer.memory_wait = Some(MemoryWait {
                since: now,
                partition: tp,
                record,
            });
            self.schedule_timer(deadline, Timer::ProducerWake(producer_id));
            return;
        }
        let batch_size = producer.config.batch_size;
        let linger_ms = producer.config.linger_ms;
        let (front_ready, front_created_at, allocated) = producer
            .accumulator
            .append(tp, record, size, batch_size, now);
        producer.buffer_used += allocated;
        // The sender only needs to look when a batch may be ready: no linger, a full batch, or
        // a queue behind the front batch. Otherwise the linger timer wakes it.
        let ready = linger_ms == 0 || front_ready;
        let wake_at = front_created_at.plus_ms(linger_ms);
        // Decided while the producer is at hand, so it is looked up once per record. A front
        // batch whose linger has already run out needs no wake of its own: the sender looked
        // at it when it fell due (or a wake at or before now is still queued), and what holds
        // it back now (requests in flight, a backoff) drains it or schedules its own wake.
        // Kafka's `RecordAccumulator.append` likewise wakes the sender only for a new or full
        // batch, not for every record; scheduling one here made a timer per record whenever
        // `max.in.flight.requests.per.connection` was reached.
        let wake = !ready && wake_at > now && producer.wake_at.is_none_or(|w| wake_at < w);
        if wake {
            producer.wake_at = Some(wake_at);
        }
        if ready {
            self.drain_producer(producer_id);
        } else if wake {
            self.schedule_timer(wake_at, Timer::ProducerWake(producer_id));
        }
    }

    /// The `send()` blocked on a full buffer goes on once batches were answered, or fails with
    /// a `TimeoutException` after `max.block.ms`.
    pub(in crate::engine) fn retry_blocked_send(&mut self, producer_id: ProducerId) {
        let Some(producer) = self.producers.get_mut(&producer_id) else {
            return;
        };
        let Some(wait) = producer.memory_wait.take() else {
            return;
        };
        let room = producer.has_room(&wait.partition, wait.record.size_bytes());
        let expired = self.now.since(wait.since) >= producer.config.max_block_ms;
        producer.memory_wait = Some(wait);
        if !room && !expired {
            // Still blocked; the timer set when it blocked fires at the deadline.
            return;
        }
        let wait = producer.memory_wait.take().expect("checked");
        if room {
            self.append_or_block(producer_id, wait.partition, wait.record);
        } else {
            self.fail_records(
                producer_id,
                wait.partition,
                &[wait.record.id],
                ErrorCode::BufferExhausted,
            );
        }
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
            if producer.application_blocked() {
                // send().get() or a full buffer.memory blocks the application: the workload
                // waits too, so a producer faster than the cluster slows to its pace.
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
                None => match self.send_target(producer_id, &workload.topic) {
                    Ok(found) => target.insert(found),
                    Err(reason) => {
                        self.emit(EventKind::CommandRejected { reason });
                        break;
                    }
                },
            };
            self.send_to_target(producer_id, target, (key, value, None), None);
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let finished = workload.count.is_some_and(|c| producer.workload_sent >= c);
        if finished {
            producer.workload = None;
        } else if producer.workload.is_some() {
            self.schedule_timer(self.now.plus_ms(tick_ms), Timer::WorkloadTick(producer_id));
        }
    }

    pub(in crate::engine) fn add_producer(
        &mut self,
        id: ProducerId,
        config: ProducerConfig,
    ) -> Result<(), Rejection> {
        if self.producers.contains_key(&id) {
            return Err(Rejection::ProducerAlreadyExists { producer: id });
        }
        if self.producers.len() as u64 >= limits::MAX_CLIENTS {
            return Err(Rejection::LimitReached {
                what: "producers",
                max: limits::MAX_CLIENTS,
            });
        }
        if config.enable_idempotence {
            // ProducerConfig: explicit idempotence with acks other than all, or with more
            // than 5 requests in flight, is a configuration error.
            if config.acks != Acks::All {
                return Err(Rejection::InvalidConfig {
                    setting: "enable.idempotence",
                    reason: "requires acks=all".to_owned(),
                });
            }
            if config.max_in_flight_requests_per_connection > 5 {
                return Err(Rejection::InvalidConfig {
                    setting: "max.in.flight.requests.per.connection",
                    reason: "must be at most 5 with idempotence".to_owned(),
                });
            }
        }
        if config.max_in_flight_requests_per_connection == 0 {
            return Err(Rejection::InvalidConfig {
                setting: "max.in.flight.requests.per.connection",
                reason: "must be at least 1".to_owned(),
            });
        }
        let producer_id = config.enable_idempotence.then(|| {
            let pid = self.next_kafka_producer_id;
            self.next_kafka_producer_id += 1;
            pid
        });
        let mut producer = Producer::new(id, config, producer_id);
        producer.metadata = self.bootstrap_client_metadata();
        self.producers.insert(id, producer);
        self.emit(EventKind::ProducerAdded { producer: id });
        self.start_metadata_timer(Node::Producer(id));
        Ok(())
    }

    pub(in crate::engine) fn start_workload(
        &mut self,
        id: ProducerId,
        workload: Workload,
    ) -> Result<(), Rejection> {
        if workload.records_per_second == 0
            || workload.records_per_second > limits::MAX_RECORDS_PER_SECOND
        {
            return Err(Rejection::InvalidConfig {
                setting: "rate",
                reason: format!(
                    "must be between 1 and {} records per second",
                    limits::MAX_RECORDS_PER_SECOND
                ),
            });
        }
        let producer = self
            .producers
            .get_mut(&id)
            .ok_or(Rejection::UnknownProducer { producer: id })?;
        let was_running = producer.workload.is_some();
        producer.workload = Some(workload);
        producer.reset_workload_keys();
        if !was_running {
            self.schedule_timer(self.now, Timer::WorkloadTick(id));
        }
        Ok(())
    }
}
