//! The consumer client. Without a group (and without `assign()`) it reads every partition of
//! the topics it subscribes to, like the console consumer; in a group it reads what the group
//! assigns it; after `assign()` it reads exactly the partitions it was given. Every kind polls
//! the leaders through the same fetch path (`fetch.rs`); `api.rs` holds what the application
//! calls: `subscribe`, `assign`, `seek`, `pause`/`resume` of partitions.

mod api;
mod fetch;

use crate::engine::sorted::{VecMap, VecSet};
use std::collections::VecDeque;
use std::sync::Arc;

use crate::engine::command::Rejection;
use crate::engine::config::{AutoOffsetReset, ConsumerConfig};
use crate::engine::event::EventKind;
use crate::engine::group::assignor::AssignorKind;
use crate::engine::group::member::ConsumerCoordinator;
use crate::engine::ids::{BrokerId, ConsumerId, Offset, RecordId, TopicPartition};
use crate::engine::network::Node;
use crate::engine::record::SharedRecords;
use crate::engine::shared_vec::SharedVec;
use crate::engine::time::SimTime;
use crate::engine::Simulation;

use super::metadata::ClientMetadata;

/// A record that `poll()` returned to the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolledRecord {
    pub record: RecordId,
    pub topic: Arc<str>,
    pub partition: u32,
    pub offset: Offset,
    pub key: Option<Arc<str>>,
    pub value: Option<crate::engine::record::Payload>,
    /// The record's CreateTime in milliseconds.
    pub timestamp_ms: i64,
    pub headers: Vec<(Arc<str>, Arc<str>)>,
}

impl PolledRecord {
    /// The value as text; a tombstone prints as `null`, as Kafka's console consumer prints a
    /// null value.
    pub fn value_text(&self) -> String {
        self.value
            .as_ref()
            .map_or_else(|| "null".to_owned(), |v| v.text().into_owned())
    }
}

/// Fetched records waiting for `poll()`: consecutive records of one partition, a slice of a
/// fetched batch. The batch's records are shared, so buffering a fetch copies no record (and
/// touches no key's reference count) however many records it holds.
#[derive(Clone, Debug)]
struct BufferedRun {
    partition: TopicPartition,
    records: SharedRecords,
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

/// Everything `poll()` returned is kept for the view up to this many records: forty chunks of
/// a [`SharedVec`], so dropping the older half drops whole chunks and copies nothing.
pub const POLLED_KEPT: usize = 40 * crate::engine::shared_vec::CHUNK_LEN;

/// A consumer client's state.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub id: ConsumerId,
    /// The first topic of its subscription (the one it was added with), for display.
    pub topic: String,
    /// `subscribe(topics)`: every topic it asks its group for (or reads whole, without a
    /// group). Empty after `assign()`.
    pub subscription: Vec<String>,
    /// `assign(partitions)`: the partitions it reads without group membership, if the
    /// application assigned them by hand.
    pub manual_assignment: Option<VecSet<TopicPartition>>,
    pub config: ConsumerConfig,
    /// The next offset to read per partition; absent until a committed offset,
    /// `auto.offset.reset` or a seek gives one.
    pub positions: VecMap<TopicPartition, Offset>,
    /// `pause(partitions)`: assigned partitions it does not fetch until `resume`; their
    /// positions stay, and `poll()` goes on for the others.
    pub paused_partitions: VecSet<TopicPartition>,
    /// Partitions whose position could not be found under `auto.offset.reset=none`
    /// (`NoOffsetForPartitionException`, or `OffsetOutOfRangeException`): not fetched until
    /// the application seeks.
    pub awaiting_seek: VecSet<TopicPartition>,
    /// `seekToBeginning` / `seekToEnd`: partitions whose position is resolved at the next
    /// fetch by this policy instead of `auto.offset.reset`.
    pending_resets: VecMap<TopicPartition, AutoOffsetReset>,
    /// Under `assign()` with a `group.id`: partitions whose committed offset was already asked
    /// for (and had none), so the position now comes from the reset policy.
    pub(in crate::engine) committed_checked: VecSet<TopicPartition>,
    /// Partitions whose position or committed offset the application chose itself (a seek
    /// to an offset, `commitSync(offsets)`): Kafka checks neither against the log, so such an
    /// offset may lie beyond the high watermark, unlike one reached by reading.
    pub application_offsets: VecSet<TopicPartition>,
    /// Where each partition's outstanding fetch started. A fetched partition missing here was
    /// sought, paused or revoked since, and its records are discarded.
    in_flight_fetches: VecMap<TopicPartition, crate::engine::network::FetchPosition>,
    /// Brokers with a fetch of ours outstanding; Kafka keeps at most one per broker.
    fetching_from: VecMap<BrokerId, u64>,
    next_correlation_id: u64,
    /// What `poll()` returned, in order (the newest [`POLLED_KEPT`]), kept for display while
    /// detailed events are on. Shared between copies of the simulation ([`SharedVec`]).
    pub polled: SharedVec<PolledRecord>,
    pub records_polled: u64,
    /// The offset of the last record `poll()` returned, per partition.
    pub last_polled: VecMap<TopicPartition, Offset>,
    /// Fetched records not yet returned by `poll()` (it returns at most `max.poll.records`),
    /// oldest first; never an empty run.
    buffer: VecDeque<BufferedRun>,
    /// Membership, for a consumer in a group.
    pub group: Option<ConsumerCoordinator>,
    /// What this consumer believes about the cluster, and its connections.
    pub metadata: ClientMetadata,
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
            subscription: vec![topic.clone()],
            topic,
            manual_assignment: None,
            config,
            positions: VecMap::new(),
            paused_partitions: VecSet::new(),
            awaiting_seek: VecSet::new(),
            pending_resets: VecMap::new(),
            committed_checked: VecSet::new(),
            application_offsets: VecSet::new(),
            in_flight_fetches: VecMap::new(),
            fetching_from: VecMap::new(),
            next_correlation_id: 0,
            polled: SharedVec::new(),
            records_polled: 0,
            last_polled: VecMap::new(),
            buffer: VecDeque::new(),
            group: None,
            metadata: ClientMetadata::default(),
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

    /// Forgets buffered records of these partitions (revoked, sought or paused).
    pub(in crate::engine) fn drop_buffered(&mut self, partitions: &[TopicPartition]) {
        self.buffer
            .retain(|run| !partitions.contains(&run.partition));
    }

    /// Forgets everything about partitions it no longer owns: positions, buffered records,
    /// pauses and pending seeks (Kafka drops their `TopicPartitionState`).
    pub(in crate::engine) fn forget_partitions(&mut self, partitions: &[TopicPartition]) {
        for tp in partitions {
            self.positions.remove(tp);
            self.paused_partitions.remove(tp);
            self.awaiting_seek.remove(tp);
            self.pending_resets.remove(tp);
            self.committed_checked.remove(tp);
            self.in_flight_fetches.remove(tp);
        }
        self.drop_buffered(partitions);
    }

    /// Whether it is alive and reading (not crashed, closed or paused).
    pub fn is_running(&self) -> bool {
        !self.crashed && !self.closed && !self.paused
    }

    /// Whether it subscribes to `topic` (or reads a partition of it by `assign()`).
    pub fn uses_topic(&self, topic: &str) -> bool {
        match &self.manual_assignment {
            Some(partitions) => partitions.iter().any(|tp| &*tp.topic == topic),
            None => self.subscription.iter().any(|t| t == topic),
        }
    }

    /// Whether it reads by `assign()`, outside any group membership.
    pub fn is_manually_assigned(&self) -> bool {
        self.manual_assignment.is_some()
    }

    /// The partitions this consumer reads now: its manual assignment, its group's
    /// assignment, or (with neither) every partition of its subscription, given each topic's
    /// partition count.
    pub fn reading(&self, partition_count: impl Fn(&str) -> u32) -> Vec<TopicPartition> {
        if let Some(partitions) = &self.manual_assignment {
            return partitions.iter().cloned().collect();
        }
        match &self.group {
            Some(client) => client.assigned.iter().cloned().collect(),
            None => self
                .subscription
                .iter()
                .flat_map(|topic| {
                    let topic: Arc<str> = topic.as_str().into();
                    (0..partition_count(&topic))
                        .map(move |number| TopicPartition::new(topic.clone(), number))
                })
                .collect(),
        }
    }

    /// The partitions it owns for committing: its manual assignment or its group's.
    pub fn owned_partitions(&self) -> VecSet<TopicPartition> {
        match (&self.manual_assignment, &self.group) {
            (Some(partitions), _) => partitions.clone(),
            (None, Some(client)) => client.assigned.clone(),
            (None, None) => VecSet::new(),
        }
    }

    /// The position of a partition, if it has one.
    pub fn position(&self, topic: &str, partition: u32) -> Option<Offset> {
        self.positions
            .get(&TopicPartition::new(topic, partition))
            .copied()
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
        self.topic_for_client(&topic)?;
        if group.is_some() {
            self.ensure_offsets_topic();
        }
        let mut consumer = Consumer::new(id, topic.clone(), config);
        consumer.group = group.map(|g| ConsumerCoordinator::new(g, self.now));
        consumer.metadata = self.bootstrap_client_metadata();
        self.consumers.insert(id, consumer);
        self.emit(EventKind::ConsumerAdded {
            consumer: id,
            topic,
        });
        self.start_metadata_timer(Node::Consumer(id));
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
