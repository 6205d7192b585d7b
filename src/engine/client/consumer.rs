//! A consumer without a group: it is assigned every partition of its topic, like the console
//! consumer, and polls the leaders. Consumer groups build on the same fetch path.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::engine::command::Rejection;
use crate::engine::config::ConsumerConfig;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::group::assignor::AssignorKind;
use crate::engine::group::member::ConsumerCoordinator;
use crate::engine::ids::{BrokerId, ConsumerId, Offset, RecordId, TopicPartition};
use crate::engine::network::{FetchPosition, FetchedPartition, Message, Node};
use crate::engine::record::Record;
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// A record that `poll()` returned to the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolledRecord {
    pub record: RecordId,
    pub partition: u32,
    pub offset: Offset,
    pub key: Option<Arc<str>>,
    pub value: Option<crate::engine::record::Payload>,
    /// The record's CreateTime in milliseconds.
    pub timestamp_ms: i64,
    pub headers: Vec<(Arc<str>, Arc<str>)>,
}

impl PolledRecord {
    pub fn value_text(&self) -> String {
        self.value
            .as_ref()
            .map_or_else(|| "∅".to_owned(), |v| v.text().into_owned())
    }
}

/// Fetched records waiting for `poll()`: consecutive records of one partition, a slice of a
/// fetched batch. The batch's records are shared, so buffering a fetch copies no record (and
/// touches no key's reference count) however many records it holds.
#[derive(Clone, Debug)]
struct BufferedRun {
    partition: u32,
    records: Arc<[Record]>,
    /// The offset of `records[0]`.
    base_offset: Offset,
    /// The records of `records` not yet returned, as indexes.
    start: usize,
    end: usize,
}

impl BufferedRun {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Everything `poll()` returned is kept for the view up to this many records.
pub const POLLED_KEPT: usize = 10_000;

/// A consumer client's state.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub id: ConsumerId,
    pub topic: String,
    pub config: ConsumerConfig,
    /// The next offset to read per partition; absent until `auto.offset.reset` resolves it.
    pub positions: BTreeMap<u32, Offset>,
    /// Brokers with a fetch of ours outstanding; Kafka keeps at most one per broker.
    fetching_from: BTreeMap<BrokerId, u64>,
    next_correlation_id: u64,
    /// What `poll()` returned, in order (the newest [`POLLED_KEPT`]), kept for display while
    /// detailed events are on.
    pub polled: Vec<PolledRecord>,
    pub records_polled: u64,
    /// Fetched records not yet returned by `poll()` (it returns at most `max.poll.records`),
    /// oldest first; never an empty run.
    buffer: VecDeque<BufferedRun>,
    /// Membership, for a consumer in a group.
    pub group: Option<ConsumerCoordinator>,
    pub crashed: bool,
    pub paused: bool,
    pub closed: bool,
    /// The earliest poll already scheduled, so that only one poll loop runs.
    next_poll_at: Option<SimTime>,
    /// Until when the application is busy processing what the last `poll()` returned. A
    /// fetch answer arriving meanwhile only fills the buffer: the application is not in
    /// `poll()`, so it takes the records when it next polls, after processing.
    processing_until: SimTime,
}

impl Consumer {
    pub fn new(id: ConsumerId, topic: String, config: ConsumerConfig) -> Self {
        Consumer {
            id,
            topic,
            config,
            positions: BTreeMap::new(),
            fetching_from: BTreeMap::new(),
            next_correlation_id: 0,
            polled: Vec::new(),
            records_polled: 0,
            buffer: VecDeque::new(),
            group: None,
            crashed: false,
            paused: false,
            closed: false,
            next_poll_at: None,
            processing_until: SimTime::ZERO,
        }
    }

    pub(in crate::engine) fn next_correlation(&mut self) -> u64 {
        let id = self.next_correlation_id;
        self.next_correlation_id += 1;
        id
    }

    /// Forgets buffered records of partitions this consumer no longer owns.
    pub(in crate::engine) fn drop_buffered(&mut self, partitions: &[u32]) {
        self.buffer
            .retain(|run| !partitions.contains(&run.partition));
    }

    /// Whether it is alive and reading (not crashed, closed or paused).
    pub fn is_running(&self) -> bool {
        !self.crashed && !self.closed && !self.paused
    }

    /// The partitions this consumer reads now.
    pub fn reading(&self, partition_count: u32) -> Vec<u32> {
        match &self.group {
            Some(client) => client.assigned.iter().copied().collect(),
            None => (0..partition_count).collect(),
        }
    }

    /// The name the auditor counts deliveries under: the group, or the consumer itself.
    pub fn reader(&self) -> String {
        match &self.group {
            Some(client) => client.group.clone(),
            None => self.id.to_string(),
        }
    }

    pub fn is_fetching_from(&self, broker: BrokerId) -> bool {
        self.fetching_from.contains_key(&broker)
    }
}

impl Simulation {
    /// The consumer polls: one fetch to each partition leader it has nothing outstanding with.
    /// Schedules the consumer's next poll, unless one is already due no later.
    pub(in crate::engine) fn schedule_poll(&mut self, consumer_id: ConsumerId, at: SimTime) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.next_poll_at.is_some_and(|t| t <= at) {
            return;
        }
        consumer.next_poll_at = Some(at);
        self.schedule_timer(at, Timer::Poll(consumer_id));
    }

    pub(in crate::engine) fn on_poll_timer(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.next_poll_at != Some(now) {
            // Superseded by an earlier poll, which scheduled its own successor.
            return;
        }
        consumer.next_poll_at = None;
        let consumer = &self.consumers[&consumer_id];
        if !consumer.is_running() {
            return;
        }
        if consumer.processing_until > now {
            // An earlier poll timer (from an idle wait) while the application is still busy:
            // it polls when processing ends.
            let until = consumer.processing_until;
            self.schedule_poll(consumer_id, until);
            return;
        }
        if consumer.group.is_some() && !self.group_poll(consumer_id) {
            // Not a member with an assignment yet: look again shortly.
            let wait = self.consumers[&consumer_id].config.poll_interval_ms.max(1);
            self.schedule_poll(consumer_id, self.now.plus_ms(wait));
            return;
        }
        let consumer = &self.consumers[&consumer_id];
        if !consumer.buffer.is_empty() {
            self.deliver_polled(consumer_id);
            return;
        }
        let Some(topic) = self.topics.get(&consumer.topic) else {
            return;
        };
        let reading = consumer.reading(topic.partition_count());
        let mut by_leader: BTreeMap<BrokerId, Vec<(TopicPartition, FetchPosition)>> =
            BTreeMap::new();
        for number in reading {
            let Some(meta) = topic.partitions.get(number as usize) else {
                continue;
            };
            let Some(leader) = meta.leader else {
                continue;
            };
            if consumer.is_fetching_from(leader) {
                continue;
            }
            let position = match consumer.positions.get(&number) {
                Some(&offset) => FetchPosition::At(offset),
                None => FetchPosition::Reset(consumer.config.auto_offset_reset),
            };
            by_leader.entry(leader).or_default().push((
                TopicPartition::new(topic.shared_name.clone(), number),
                position,
            ));
        }
        let max_bytes = consumer.config.fetch_max_bytes;
        let max_partition_bytes = consumer.config.max_partition_fetch_bytes;
        let max_wait_ms = consumer.config.fetch_max_wait_ms;
        let poll_interval = consumer.config.poll_interval_ms.max(1);
        let any_leaderless = topic.partitions.iter().any(|p| p.leader.is_none());
        let nothing_to_send = by_leader.is_empty();
        for (broker, partitions) in by_leader {
            let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
            let correlation_id = consumer.next_correlation();
            consumer.fetching_from.insert(broker, correlation_id);
            // `request.timeout.ms` (30000): a fetch lost on the network is given up on.
            self.schedule_timer(
                self.now.plus_ms(30_000),
                Timer::FetchTimeout(consumer_id, broker, correlation_id),
            );
            self.send(
                Node::Consumer(consumer_id),
                Node::Broker(broker),
                Message::Fetch {
                    correlation_id,
                    partitions,
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            );
        }
        if any_leaderless || nothing_to_send {
            // Partitions without a leader are retried after a metadata refresh.
            self.schedule_poll(consumer_id, self.now.plus_ms(poll_interval.max(100)));
        }
    }

    /// A fetch answer arrived: `poll()` hands the records to the application in order, the
    /// position moves past them, and the next poll follows the processing time.
    pub(in crate::engine) fn on_fetch_response(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
        fetched: Vec<FetchedPartition>,
    ) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.fetching_from.get(&broker) != Some(&correlation_id) {
            return;
        }
        consumer.fetching_from.remove(&broker);
        if !consumer.is_running() {
            return;
        }
        let reading: Option<Vec<u32>> = consumer
            .group
            .as_ref()
            .map(|c| c.assigned.iter().copied().collect());
        let policy = consumer.config.auto_offset_reset;
        let mut events = Vec::new();
        for part in fetched {
            let number = part.partition.partition;
            if reading.as_ref().is_some_and(|r| !r.contains(&number)) {
                // Revoked while the fetch travelled.
                continue;
            }
            match part.error {
                Some(ErrorCode::OffsetOutOfRange) => {
                    consumer.positions.remove(&number);
                    events.push(EventKind::OffsetOutOfRange {
                        consumer: consumer_id,
                        partition: part.partition.clone(),
                        policy,
                    });
                    continue;
                }
                Some(_) => continue,
                None => {}
            }
            if let std::collections::btree_map::Entry::Vacant(slot) =
                consumer.positions.entry(number)
            {
                slot.insert(part.fetch_offset);
                events.push(EventKind::PositionReset {
                    consumer: consumer_id,
                    partition: part.partition.clone(),
                    policy,
                    offset: part.fetch_offset,
                });
            }
            let mut next = consumer.positions[&number];
            for batch in &part.batches {
                // The records from the position (or the batch's start) up to the high
                // watermark (or the batch's end): offsets in a batch are consecutive, so they
                // are one range of it.
                let base = batch.base_offset.0;
                let from = next.0.max(base);
                let to = part.high_watermark.0.min(batch.next_offset().0);
                if from >= to {
                    continue;
                }
                next = Offset(to);
                consumer.buffer.push_back(BufferedRun {
                    partition: number,
                    records: batch.records.clone(),
                    base_offset: batch.base_offset,
                    start: (from - base) as usize,
                    end: (to - base) as usize,
                });
            }
        }
        for event in events {
            self.emit(event);
        }
        if self.consumers[&consumer_id].processing_until > self.now {
            // The poll scheduled for the end of processing will take these records.
            return;
        }
        self.deliver_polled(consumer_id);
    }

    /// `poll()` returns up to `max.poll.records` buffered records to the application; the
    /// position moves past them; the next poll follows their processing time.
    fn deliver_polled(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let detailed = self.detailed_events;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        let buffered: usize = consumer.buffer.iter().map(BufferedRun::len).sum();
        let take = buffered.min(consumer.config.max_poll_records as usize);
        let mut delivered = Vec::with_capacity(take);
        let mut events = Vec::new();
        while delivered.len() < take {
            let run = consumer
                .buffer
                .front_mut()
                .expect("records remain buffered");
            let count = run.len().min(take - delivered.len());
            let range = run.start..run.start + count;
            run.start += count;
            let (partition, base_offset) = (run.partition, run.base_offset.0);
            let records = Arc::clone(&run.records);
            if run.start == run.end {
                consumer.buffer.pop_front();
            }
            delivered.extend(records[range.clone()].iter().map(|r| r.id));
            let next = Offset(base_offset + range.end as u64);
            if detailed {
                for index in range {
                    let record = &records[index];
                    let polled = PolledRecord {
                        record: record.id,
                        partition,
                        offset: Offset(base_offset + index as u64),
                        key: record.key.clone(),
                        value: record.value.clone(),
                        timestamp_ms: record.timestamp_ms(),
                        headers: record.headers().to_vec(),
                    };
                    events.push(EventKind::RecordPolled {
                        record: polled.record,
                        consumer: consumer_id,
                        partition: TopicPartition::new(consumer.topic.clone(), partition),
                        offset: polled.offset,
                        value: polled.value_text(),
                        timestamp: record.given_timestamp_ms(),
                        headers: polled
                            .headers
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    });
                    if consumer.polled.len() >= POLLED_KEPT {
                        consumer.polled.drain(..POLLED_KEPT / 2);
                    }
                    consumer.polled.push(polled);
                }
            }
            consumer.positions.insert(partition, next);
        }
        consumer.records_polled += delivered.len() as u64;
        // The application processes what poll() returned, then polls again at once; only an
        // empty poll waits the loop's idle interval.
        let wait = if delivered.is_empty() {
            consumer.config.poll_interval_ms.max(1)
        } else {
            let processing_ms = consumer.config.processing_time_ms * delivered.len() as u64;
            consumer.processing_until = now.plus_ms(processing_ms);
            processing_ms
        };
        let reader = consumer.reader();
        self.auditor.on_delivered(&reader, &delivered, now);
        for event in events {
            self.emit_detail(event);
        }
        self.schedule_poll(consumer_id, now.plus_ms(wait));
    }

    /// The fetch reached a crashed broker, or got no answer.
    pub(in crate::engine) fn on_fetch_failed(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
    ) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.fetching_from.get(&broker) != Some(&correlation_id) {
            return;
        }
        consumer.fetching_from.remove(&broker);
        let wait = consumer.config.poll_interval_ms.max(100);
        self.schedule_poll(consumer_id, self.now.plus_ms(wait));
    }

    pub(in crate::engine) fn add_consumer(
        &mut self,
        id: ConsumerId,
        topic: String,
        group: Option<String>,
        config: crate::engine::config::ConsumerConfig,
    ) -> Result<(), Rejection> {
        if self.consumers.contains_key(&id) {
            return Err(Rejection::ConsumerAlreadyExists { consumer: id });
        }
        if self.consumers.len() as u64 >= crate::engine::limits::MAX_CLIENTS {
            return Err(Rejection::LimitReached {
                what: "consumers",
                max: crate::engine::limits::MAX_CLIENTS,
            });
        }
        if config.max_poll_records == 0 {
            return Err(Rejection::InvalidConfig {
                setting: "max.poll.records",
                reason: "must be at least 1".to_owned(),
            });
        }
        if config.heartbeat_interval_ms == 0
            || config.heartbeat_interval_ms >= config.session_timeout_ms
        {
            return Err(Rejection::InvalidConfig {
                setting: "heartbeat.interval.ms",
                reason: "must be above 0 and below session.timeout.ms".to_owned(),
            });
        }
        if let Some(unknown) = config
            .partition_assignment_strategy
            .iter()
            .find(|name| AssignorKind::from_name(name).is_none())
        {
            return Err(Rejection::InvalidConfig {
                setting: "partition.assignment.strategy",
                reason: format!(
                    "unknown assignor '{unknown}' (range, roundrobin, sticky, cooperative-sticky)"
                ),
            });
        }
        if config.partition_assignment_strategy.is_empty() {
            return Err(Rejection::InvalidConfig {
                setting: "partition.assignment.strategy",
                reason: "needs at least one assignor".to_owned(),
            });
        }
        if !self.topics.contains_key(&topic) {
            self.auto_create_topic_for(&topic)?;
        }
        if group.is_some() {
            self.ensure_offsets_topic();
        }
        let mut consumer = Consumer::new(id, topic.clone(), config);
        consumer.group = group.map(|g| ConsumerCoordinator::new(g, self.now));
        self.consumers.insert(id, consumer);
        self.emit(EventKind::ConsumerAdded {
            consumer: id,
            topic,
        });
        self.schedule_poll(id, self.now);
        Ok(())
    }

    /// A consumer that exists and has neither crashed nor been closed: the only kind a user
    /// can still act on.
    pub(in crate::engine) fn live_consumer_mut(
        &mut self,
        consumer_id: ConsumerId,
    ) -> Result<&mut Consumer, Rejection> {
        let consumer = self
            .consumers
            .get_mut(&consumer_id)
            .ok_or(Rejection::UnknownConsumer {
                consumer: consumer_id,
            })?;
        if consumer.crashed || consumer.closed {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason: "is not running",
            });
        }
        Ok(consumer)
    }

    pub(in crate::engine) fn crash_consumer(
        &mut self,
        consumer_id: ConsumerId,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        consumer.crashed = true;
        self.emit(EventKind::ConsumerCrashed {
            consumer: consumer_id,
        });
        Ok(())
    }

    pub(in crate::engine) fn pause_consumer(
        &mut self,
        consumer_id: ConsumerId,
        paused: bool,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        if consumer.paused == paused {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason: if paused {
                    "is already paused"
                } else {
                    "is not paused"
                },
            });
        }
        consumer.paused = paused;
        if !paused {
            self.schedule_poll(consumer_id, self.now);
        }
        Ok(())
    }
}
