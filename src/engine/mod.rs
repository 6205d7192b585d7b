//! The broker core: a pure, deterministic, sans-IO simulation of a Kafka cluster and its
//! clients.
//!
//! Nothing here reads a clock, touches the network or the DOM, or asks the OS for randomness.
//! Time is an input ([`Simulation::advance_to`], [`Simulation::step`]); randomness comes from one
//! seeded generator; every container whose order reaches the output is ordered. The only way in
//! is [`Command`] and the only way out is [`Event`], so the UI, the command line, scenarios and
//! tests all drive the same machine.
//!
//! Calling contract: apply commands with [`Simulation::handle`] (now) or
//! [`Simulation::schedule`] (later), move time with [`Simulation::advance_to`] or
//! [`Simulation::step`], then take what happened with [`Simulation::drain_events`]. The getters
//! describe the current state for drawing; [`Simulation::audit`] reports the run.

mod auditor;
mod broker;
mod client;
mod command;
pub mod config;
mod controller;
mod errors;
mod event;
mod group;
mod ids;
pub mod limits;
pub mod murmur2;
mod network;
mod record;
mod rng;
mod time;
pub mod workloads;

pub use group::assignor;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

pub use auditor::{AuditReport, Election, LatencySummary, LostRecord};
pub use broker::{BrokerState, FollowerProgress, PartitionView, Replica};
pub use controller::{ElectionKind, PartitionMeta, TopicMeta};
pub use command::{Command, Rejection};
pub use config::{
    Acks, AutoOffsetReset, BrokerConfig, CleanupPolicy, ConsumerConfig, KeylessPartitioner,
    ProducerConfig, SendMode, TopicConfig,
};
pub use client::consumer::{Consumer, PolledRecord};
pub use errors::ErrorCode;
pub use event::{Event, EventKind, PartitionChoice};
pub use group::coordinator::{
    java_string_hash, offsets_partition_for, GroupMember, GroupPhase, GroupState, OFFSETS_TOPIC,
};
pub use group::member::{GroupClient, MemberPhase};
pub use ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, RecordId, TopicPartition};
pub use broker::log::{PartitionLog, Segment};
pub use network::{
    FetchPosition, FetchedPartition, InFlight, Message, MessageKind, NetworkConfig, Node,
    ProduceBatch, ReplicaFetchResult,
};
pub use client::producer::{KeyPattern, Producer, ProducerStats, Workload};
pub use record::{Payload, Record, RecordBatch};
pub use rng::SimRng;
pub use time::SimTime;

use auditor::Auditor;
use network::{Delivery, Network, Sent};

/// Settings fixed for the whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// The one seed every random choice derives from.
    pub seed: u64,
    /// Brokers, with ids `0..broker_count`.
    pub broker_count: u32,
    pub network: NetworkConfig,
    pub broker: BrokerConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            broker_count: 1,
            network: NetworkConfig::default(),
            broker: BrokerConfig::default(),
        }
    }
}

/// Something the simulation will do at a given time. Timers that belong to one life of a
/// broker carry its incarnation and are ignored after a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Timer {
    Deliver(MessageId),
    /// A dropped message vanishes (it is drawn until then).
    Vanish(MessageId),
    Poll(ConsumerId),
    FetchTimeout(ConsumerId, BrokerId, u64),
    FetchWaitExpired(BrokerId, u64, u64),
    ProduceExpiry(BrokerId, u64, u64),
    ReplicaFetch(BrokerId, BrokerId, u64),
    ReplicaFetchTimeout(BrokerId, BrokerId, u64, u64),
    ReplicaFetchWaitExpired(BrokerId, u64, u64),
    IsrExpiration(BrokerId, u64),
    SessionExpiry(BrokerId, u64),
    RetentionCheck(BrokerId),
    CleanerCheck(BrokerId),
    ProducerWake(ProducerId),
    ProducerRequestTimeout(ProducerId, u64),
    WorkloadTick(ProducerId),
    GroupRequestTimeout(ConsumerId, u64),
    Heartbeat(ConsumerId),
    PollIntervalCheck(ConsumerId),
    MemberSessionCheck(String, String),
    GroupJoinDeadline(String, u64),
    GroupSyncDeadline(String, u64),
    Command(Box<Command>),
}

/// A timer in the queue, ordered by time and then by the order it was scheduled, so two timers
/// at the same millisecond always fire in the same order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Scheduled {
    at: SimTime,
    sequence: u64,
    timer: Timer,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.sequence).cmp(&(other.at, other.sequence))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The whole simulated world. It is `Clone`, so a driver can keep snapshots and fork a run.
#[derive(Clone, Debug)]
pub struct Simulation {
    config: SimConfig,
    broker_config: BrokerConfig,
    now: SimTime,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_sequence: u64,
    rng: SimRng,
    network: Network,
    brokers: BTreeMap<BrokerId, BrokerState>,
    topics: BTreeMap<String, TopicMeta>,
    producers: BTreeMap<ProducerId, Producer>,
    consumers: BTreeMap<ConsumerId, Consumer>,
    groups: BTreeMap<String, group::coordinator::GroupState>,
    next_record_id: u64,
    next_kafka_producer_id: u64,
    auditor: Auditor,
    outbox: Vec<Event>,
    /// Whether per-message and per-record events are kept (off for benchmarks).
    detailed_events: bool,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Self {
        let broker_count = config.broker_count.clamp(1, limits::MAX_BROKERS);
        let mut sim = Simulation {
            broker_config: config.broker.clone(),
            now: SimTime::ZERO,
            queue: BinaryHeap::new(),
            next_sequence: 0,
            rng: SimRng::seeded(config.seed),
            network: Network::new(config.network),
            brokers: (0..broker_count)
                .map(|id| (BrokerId(id), BrokerState::new(BrokerId(id))))
                .collect(),
            topics: BTreeMap::new(),
            producers: BTreeMap::new(),
            consumers: BTreeMap::new(),
            groups: BTreeMap::new(),
            next_record_id: 0,
            next_kafka_producer_id: 1000,
            auditor: Auditor::default(),
            outbox: Vec::new(),
            detailed_events: true,
            config,
        };
        for broker in sim.brokers.keys().copied().collect::<Vec<_>>() {
            sim.start_broker_timers(broker);
        }
        sim
    }

    /// Keeps only the events that matter for an audit trail: no per-message or per-record
    /// events. The auditor still sees everything. Used by benchmarks.
    pub fn set_detailed_events(&mut self, detailed: bool) {
        self.detailed_events = detailed;
    }

    // Getters: the current state, for drawing and for tests.

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn broker_config(&self) -> &BrokerConfig {
        &self.broker_config
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn brokers(&self) -> impl Iterator<Item = &BrokerState> {
        self.brokers.values()
    }

    pub fn broker(&self, id: BrokerId) -> Option<&BrokerState> {
        self.broker_state(id)
    }

    /// The network settings in force now (a `SetNetwork` command changes them).
    pub fn network_config(&self) -> NetworkConfig {
        self.network.config
    }

    pub fn is_isolated(&self, broker: BrokerId) -> bool {
        self.network.is_isolated(broker)
    }

    pub fn topics(&self) -> impl Iterator<Item = &TopicMeta> {
        self.topics.values()
    }

    pub fn topic(&self, name: &str) -> Option<&TopicMeta> {
        self.topics.get(name)
    }

    pub fn partition(&self, tp: &TopicPartition) -> Option<&PartitionMeta> {
        self.partition_meta(tp)
    }

    /// A replica's log on a broker.
    pub fn replica_log(&self, broker: BrokerId, tp: &TopicPartition) -> Option<&PartitionLog> {
        self.brokers.get(&broker)?.replicas.get(tp).map(|r| &r.log)
    }

    /// The current leader's log, or `None` while the partition has no leader.
    pub fn leader_log(&self, tp: &TopicPartition) -> Option<&PartitionLog> {
        let leader = self.partition_meta(tp)?.leader?;
        self.replica_log(leader, tp)
    }

    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }

    pub fn producer(&self, id: ProducerId) -> Option<&Producer> {
        self.producers.get(&id)
    }

    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values()
    }

    pub fn consumer(&self, id: ConsumerId) -> Option<&Consumer> {
        self.consumers.get(&id)
    }

    /// Every message on the wire, oldest first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.network.in_flight()
    }

    /// Whether a message in flight is going to be lost.
    pub fn is_dropping(&self, message: MessageId) -> bool {
        self.network.is_doomed(message)
    }

    /// Leader elections of a partition, oldest first.
    pub fn elections(&self, tp: &TopicPartition) -> &[Election] {
        self.auditor.elections(tp)
    }

    /// When the next thing will happen, if anything is scheduled.
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    /// The audit of the run so far.
    pub fn audit(&self) -> AuditReport {
        let mut lag = self.group_lag();
        for consumer in self.consumers.values().filter(|c| c.group.is_none()) {
            let Some(topic) = self.topics.get(&consumer.topic) else {
                continue;
            };
            let entry = lag.entry(consumer.id.to_string()).or_default();
            for index in 0..topic.partition_count() {
                let tp = TopicPartition::new(consumer.topic.clone(), index);
                let high_watermark = self.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
                let position = consumer.positions.get(&index).map_or(0, |o| o.0);
                entry.insert(tp.to_string(), high_watermark.saturating_sub(position));
            }
        }
        // A record id appearing twice in one leader's log is a duplicate append that survived.
        let mut seen = vec![false; self.next_record_id as usize];
        let mut duplicates_in_log = 0;
        for tp in self.all_partitions() {
            if let Some(log) = self.leader_log(&tp) {
                for (_, record) in log.records() {
                    let index = record.id.0 as usize;
                    if index < seen.len() {
                        if seen[index] {
                            duplicates_in_log += 1;
                        }
                        seen[index] = true;
                    }
                }
            }
        }
        self.auditor.report(
            |tp, offset| {
                self.leader_log(tp)
                    .map(|log| log.record_at(offset).map(|r| r.id))
            },
            lag,
            duplicates_in_log,
        )
    }

    // Commands.

    /// Applies a command now. A rejected command leaves the simulation unchanged.
    pub fn handle(&mut self, command: Command) -> Result<(), Rejection> {
        match command {
            Command::CreateTopic { name, config } => self.create_topic(name, config),
            Command::DeleteTopic { name } => self.delete_topic(name),
            Command::AddProducer { producer, config } => self.add_producer(producer, config),
            Command::CloseProducer { producer } => {
                let state = self
                    .producers
                    .get_mut(&producer)
                    .ok_or(Rejection::UnknownProducer { producer })?;
                if state.closed {
                    return Err(Rejection::ProducerClosed { producer });
                }
                state.closed = true;
                state.workload = None;
                self.emit(EventKind::ProducerClosed { producer });
                Ok(())
            }
            Command::Produce {
                producer,
                topic,
                key,
                value,
            } => self.app_send(producer, &topic, key, value),
            Command::StartWorkload { producer, workload } => {
                self.start_workload(producer, workload)
            }
            Command::StopWorkload { producer } => {
                let state = self
                    .producers
                    .get_mut(&producer)
                    .ok_or(Rejection::UnknownProducer { producer })?;
                state.workload = None;
                Ok(())
            }
            Command::AddConsumer {
                consumer,
                topic,
                group,
                config,
            } => self.add_consumer(consumer, topic, group, config),
            Command::CloseConsumer { consumer } => self.close_consumer(consumer),
            Command::CrashConsumer { consumer } => self.crash_consumer(consumer),
            Command::PauseConsumer { consumer } => self.pause_consumer(consumer, true),
            Command::ResumeConsumer { consumer } => self.pause_consumer(consumer, false),
            Command::SetProcessingTime {
                consumer,
                processing_time_ms,
            } => {
                let state = self
                    .consumers
                    .get_mut(&consumer)
                    .ok_or(Rejection::UnknownConsumer { consumer })?;
                state.config.processing_time_ms = processing_time_ms;
                Ok(())
            }
            Command::CommitOffsets { consumer } => self.commit_offsets(consumer),
            Command::CrashBroker { broker } => self.crash_broker(broker),
            Command::RestartBroker { broker } => self.restart_broker(broker),
            Command::IsolateBroker { broker } => self.isolate_broker(broker),
            Command::HealBroker { broker } => self.heal_broker(broker),
            Command::SetNetwork { config } => {
                self.network.config = config;
                Ok(())
            }
            Command::SetLinkLatency { a, b, latency_ms } => {
                self.network.set_link_latency(a, b, latency_ms);
                Ok(())
            }
        }
    }

    /// Applies a command at a later time. If it is rejected then, a
    /// [`EventKind::CommandRejected`] event says why.
    pub fn schedule(&mut self, at: SimTime, command: Command) {
        let at = at.max(self.now);
        self.schedule_timer(at, Timer::Command(Box::new(command)));
    }

    // Time.

    /// Processes everything scheduled at or before `until`, in time order, then sets the clock
    /// to `until`. Time never moves backwards.
    pub fn advance_to(&mut self, until: SimTime) {
        while let Some(at) = self.next_deadline() {
            if at > until {
                break;
            }
            self.step();
        }
        self.now = self.now.max(until);
    }

    /// Processes the next scheduled timer alone and returns its time, or `None` if nothing is
    /// scheduled.
    pub fn step(&mut self) -> Option<SimTime> {
        let Reverse(next) = self.queue.pop()?;
        self.now = self.now.max(next.at);
        self.fire(next.timer);
        Some(next.at)
    }

    /// Takes the events produced since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    // Internals shared by the per-role modules.

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Deliver(id) => self.deliver(id),
            Timer::Vanish(id) => {
                if let Some(Delivery::Lost(flight)) = self.network.deliver(id) {
                    self.emit_detail(EventKind::MessageDropped {
                        message: id,
                        kind: flight.message.kind(),
                        from: flight.from,
                        to: flight.to,
                    });
                }
            }
            Timer::Poll(consumer) => self.on_poll_timer(consumer),
            Timer::FetchTimeout(consumer, broker, correlation) => {
                self.on_fetch_failed(consumer, broker, correlation)
            }
            Timer::FetchWaitExpired(broker, incarnation, id) => {
                self.on_fetch_wait_expired(broker, incarnation, id)
            }
            Timer::ProduceExpiry(broker, incarnation, id) => {
                self.on_produce_expiry(broker, incarnation, id)
            }
            Timer::ReplicaFetch(follower, leader, incarnation) => {
                self.on_replica_fetch_timer(follower, leader, incarnation)
            }
            Timer::ReplicaFetchTimeout(follower, leader, incarnation, correlation) => {
                self.on_replica_fetch_timeout(follower, leader, incarnation, correlation)
            }
            Timer::ReplicaFetchWaitExpired(leader, incarnation, id) => {
                self.on_replica_fetch_wait_expired(leader, incarnation, id)
            }
            Timer::IsrExpiration(broker, incarnation) => {
                self.on_isr_expiration(broker, incarnation)
            }
            Timer::SessionExpiry(broker, incarnation) => {
                self.on_session_expiry(broker, incarnation)
            }
            Timer::RetentionCheck(broker) => self.on_retention_check(broker),
            Timer::CleanerCheck(broker) => self.on_cleaner_check(broker),
            Timer::ProducerWake(producer) => self.on_producer_wake(producer),
            Timer::ProducerRequestTimeout(producer, correlation) => {
                self.on_produce_request_failed(producer, correlation, ErrorCode::RequestTimedOut)
            }
            Timer::WorkloadTick(producer) => self.on_workload_tick(producer),
            Timer::GroupRequestTimeout(consumer, correlation) => {
                self.on_group_request_timeout(consumer, correlation)
            }
            Timer::Heartbeat(consumer) => self.on_heartbeat_timer(consumer),
            Timer::PollIntervalCheck(consumer) => self.on_poll_interval_check(consumer),
            Timer::MemberSessionCheck(group, member) => {
                self.on_member_session_check(&group, &member)
            }
            Timer::GroupJoinDeadline(group, round) => self.on_group_join_deadline(&group, round),
            Timer::GroupSyncDeadline(group, round) => self.on_group_sync_deadline(&group, round),
            Timer::Command(command) => {
                if let Err(reason) = self.handle(*command) {
                    self.emit(EventKind::CommandRejected { reason });
                }
            }
        }
    }

    fn deliver(&mut self, id: MessageId) {
        let flight = match self.network.deliver(id) {
            Some(Delivery::Arrived(flight)) => flight,
            Some(Delivery::Lost(flight)) => {
                // The link was cut while the message travelled.
                self.emit_detail(EventKind::MessageDropped {
                    message: id,
                    kind: flight.message.kind(),
                    from: flight.from,
                    to: flight.to,
                });
                return;
            }
            None => return,
        };
        if let Node::Broker(sender) = flight.from {
            if !self.brokers.get(&sender).is_some_and(|b| b.up) {
                // A crash is modelled as the machine going down: what it had on the wire and
                // not yet delivered is lost with it.
                self.emit_detail(EventKind::MessageDropped {
                    message: id,
                    kind: flight.message.kind(),
                    from: flight.from,
                    to: flight.to,
                });
                return;
            }
        }
        self.emit_detail(EventKind::MessageArrived {
            message: id,
            kind: flight.message.kind(),
            from: flight.from,
            to: flight.to,
        });
        if let Node::Broker(broker) = flight.to {
            if !self.brokers.get(&broker).is_some_and(|b| b.up) {
                // The process is gone: the operating system refuses the connection.
                let is_request = matches!(
                    flight.message,
                    Message::Produce { .. }
                        | Message::Fetch { .. }
                        | Message::ReplicaFetch { .. }
                        | Message::Group { .. }
                );
                if is_request {
                    let correlation_id = flight.message.correlation_id();
                    self.send(
                        flight.to,
                        flight.from,
                        Message::ConnectionRefused { correlation_id },
                    );
                }
                return;
            }
        }
        match (flight.from, flight.to, flight.message) {
            (
                from @ Node::Producer(_),
                Node::Broker(broker),
                Message::Produce {
                    correlation_id,
                    acks,
                    timeout_ms,
                    batches,
                },
            ) => self.on_produce(broker, from, correlation_id, acks, timeout_ms, batches),
            (
                Node::Broker(_),
                Node::Producer(producer),
                Message::ProduceResponse {
                    correlation_id,
                    results,
                },
            ) => self.on_produce_response(producer, correlation_id, results),
            (
                from @ Node::Consumer(_),
                Node::Broker(broker),
                Message::Fetch {
                    correlation_id,
                    partitions,
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            ) => self.on_consumer_fetch(
                broker,
                from,
                correlation_id,
                partitions,
                broker::FetchLimits {
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            ),
            (
                Node::Broker(broker),
                Node::Consumer(consumer),
                Message::FetchResponse {
                    correlation_id,
                    partitions,
                },
            ) => self.on_fetch_response(consumer, broker, correlation_id, partitions),
            (
                Node::Broker(follower),
                Node::Broker(leader),
                Message::ReplicaFetch {
                    correlation_id,
                    partitions,
                    max_wait_ms,
                },
            ) => self.on_replica_fetch(leader, follower, correlation_id, partitions, max_wait_ms),
            (
                Node::Broker(leader),
                Node::Broker(follower),
                Message::ReplicaFetchResponse {
                    correlation_id,
                    partitions,
                },
            ) => self.on_replica_fetch_response(follower, leader, correlation_id, partitions),
            (
                Node::Broker(_),
                Node::Producer(producer),
                Message::ConnectionRefused { correlation_id },
            ) => self.on_produce_request_failed(
                producer,
                correlation_id,
                ErrorCode::NetworkException,
            ),
            (
                Node::Broker(broker),
                Node::Consumer(consumer),
                Message::ConnectionRefused { correlation_id },
            ) => {
                self.on_fetch_failed(consumer, broker, correlation_id);
                self.on_group_request_timeout(consumer, correlation_id);
            }
            (
                from @ Node::Consumer(_),
                Node::Broker(broker),
                Message::Group {
                    correlation_id,
                    request,
                },
            ) => self.on_group_request(broker, from, correlation_id, request),
            (
                Node::Broker(_),
                Node::Consumer(consumer),
                Message::GroupResponse {
                    correlation_id,
                    response,
                },
            ) => self.on_group_response(consumer, correlation_id, response),
            (Node::Broker(leader), Node::Broker(follower), Message::ConnectionRefused { .. }) => {
                self.on_replica_fetch_refused(follower, leader)
            }
            // Any other pairing cannot be produced by this code; dropping it keeps a bug from
            // taking the page down with it.
            _ => debug_assert!(false, "message delivered to the wrong kind of node"),
        }
    }

    fn emit(&mut self, kind: EventKind) {
        self.outbox.push(Event { at: self.now, kind });
    }

    /// Emits an event that benchmarks may switch off (per message, per record).
    fn emit_detail(&mut self, kind: EventKind) {
        if self.detailed_events {
            self.emit(kind);
        }
    }

    fn schedule_timer(&mut self, at: SimTime, timer: Timer) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            sequence,
            timer,
        }));
    }

    fn send(&mut self, from: Node, to: Node, message: Message) {
        let now = self.now;
        let kind = message.kind();
        match self.network.send(from, to, message, now, &mut self.rng) {
            Sent::Travelling(id, arrives_at) => {
                self.emit_detail(EventKind::MessageSent {
                    message: id,
                    kind,
                    from,
                    to,
                    arrives_at,
                });
                self.schedule_timer(arrives_at, Timer::Deliver(id));
            }
            Sent::Dropped(id, vanishes_at) => {
                self.emit_detail(EventKind::MessageSent {
                    message: id,
                    kind,
                    from,
                    to,
                    arrives_at: vanishes_at,
                });
                self.schedule_timer(vanishes_at, Timer::Vanish(id));
            }
        }
    }

    fn start_broker_timers(&mut self, broker: BrokerId) {
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

    fn create_topic(&mut self, name: String, config: TopicConfig) -> Result<(), Rejection> {
        if !is_legal_topic_name(&name) {
            return Err(Rejection::InvalidTopicName { topic: name });
        }
        if self.topics.contains_key(&name) {
            return Err(Rejection::TopicAlreadyExists { topic: name });
        }
        if config.partitions == 0 || config.partitions > limits::MAX_PARTITIONS_PER_TOPIC {
            return Err(Rejection::InvalidPartitionCount {
                partitions: config.partitions,
                max: limits::MAX_PARTITIONS_PER_TOPIC,
            });
        }
        let brokers = self.brokers.len() as u32;
        if config.replication_factor == 0 || config.replication_factor > brokers {
            return Err(Rejection::InvalidReplicationFactor {
                replication_factor: config.replication_factor,
                brokers,
            });
        }
        if config.min_insync_replicas == 0 {
            return Err(Rejection::InvalidConfig {
                setting: "min.insync.replicas",
                reason: "must be at least 1".to_owned(),
            });
        }
        if config.segment_bytes < 14 {
            return Err(Rejection::InvalidConfig {
                setting: "segment.bytes",
                reason: "must be at least 14 bytes".to_owned(),
            });
        }
        if self.topics.len() as u64 >= limits::MAX_TOPICS {
            return Err(Rejection::LimitReached {
                what: "topics",
                max: limits::MAX_TOPICS,
            });
        }
        let total: u64 = self
            .topics
            .values()
            .map(|t| u64::from(t.partition_count()))
            .sum();
        if total + u64::from(config.partitions) > limits::MAX_PARTITIONS_TOTAL {
            return Err(Rejection::LimitReached {
                what: "partitions in all",
                max: limits::MAX_PARTITIONS_TOTAL,
            });
        }
        let (partitions, replication_factor) = (config.partitions, config.replication_factor);
        self.emit(EventKind::TopicCreated {
            topic: name.clone(),
            partitions,
            replication_factor,
        });
        self.controller_create_topic(name, config);
        Ok(())
    }

    fn delete_topic(&mut self, name: String) -> Result<(), Rejection> {
        if name == OFFSETS_TOPIC {
            return Err(Rejection::TopicInUse {
                topic: name,
                reason: "the group coordinators keep committed offsets in it".to_owned(),
            });
        }
        if !self.topics.contains_key(&name) {
            return Err(Rejection::UnknownTopic { topic: name });
        }
        let reader = self
            .consumers
            .values()
            .find(|c| c.topic == name && !c.closed && !c.crashed);
        if let Some(reader) = reader {
            return Err(Rejection::TopicInUse {
                reason: format!("{} still reads it; close it first", reader.id),
                topic: name,
            });
        }
        let writer = self.producers.values().find(|p| {
            p.workload.as_ref().is_some_and(|w| w.topic == name) || p.has_pending_for(&name)
        });
        if let Some(writer) = writer {
            return Err(Rejection::TopicInUse {
                reason: format!(
                    "{} still writes to it; stop or close it and let its records finish first",
                    writer.id
                ),
                topic: name,
            });
        }
        self.topics.remove(&name);
        for broker in self.brokers.values_mut() {
            broker.replicas.retain(|tp, _| *tp.topic != *name);
        }
        self.emit(EventKind::TopicDeleted { topic: name });
        Ok(())
    }

    fn add_producer(&mut self, id: ProducerId, config: ProducerConfig) -> Result<(), Rejection> {
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
        self.producers
            .insert(id, Producer::new(id, config, producer_id));
        self.emit(EventKind::ProducerAdded { producer: id });
        Ok(())
    }

    fn start_workload(&mut self, id: ProducerId, workload: Workload) -> Result<(), Rejection> {
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

    pub(super) fn auto_create_topic_for(&mut self, topic: &str) -> Result<(), Rejection> {
        if !self.broker_config.auto_create_topics_enable {
            return Err(Rejection::UnknownTopic {
                topic: topic.to_owned(),
            });
        }
        let config = TopicConfig {
            partitions: self.broker_config.num_partitions,
            replication_factor: self.broker_config.default_replication_factor,
            ..TopicConfig::default()
        };
        self.create_topic(topic.to_owned(), config)
    }

    fn known_broker(&self, broker: BrokerId) -> Result<(), Rejection> {
        if self.brokers.contains_key(&broker) {
            Ok(())
        } else {
            Err(Rejection::UnknownBroker { broker })
        }
    }

    fn crash_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        let state = self.brokers.get_mut(&broker).expect("checked");
        if !state.up {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already down",
            });
        }
        state.up = false;
        state.incarnation += 1;
        state.parked_fetches.clear();
        state.parked_replica_fetches.clear();
        state.pending_produces.clear();
        state.fetchers.clear();
        self.emit(EventKind::BrokerCrashed { broker });
        self.controller_watch(broker);
        Ok(())
    }

    fn restart_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        let state = self.brokers.get_mut(&broker).expect("checked");
        if state.up {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already running",
            });
        }
        state.up = true;
        state.incarnation += 1;
        for replica in state.replicas.values_mut() {
            replica.view = PartitionView::default();
            replica.followers.clear();
        }
        self.emit(EventKind::BrokerRestarted { broker });
        // A broker that re-registers with a new incarnation is fenced first (its old
        // leaderships move), then unfenced once it has caught up with the metadata.
        if !self.brokers[&broker].fenced {
            self.controller_fence(broker);
        }
        self.start_broker_timers(broker);
        self.controller_unfence(broker);
        Ok(())
    }

    fn isolate_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        if self.network.is_isolated(broker) {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already isolated",
            });
        }
        self.network.isolate(broker);
        self.emit(EventKind::BrokerIsolated { broker });
        self.controller_watch(broker);
        Ok(())
    }

    fn heal_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        if !self.network.is_isolated(broker) {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is not isolated",
            });
        }
        self.network.heal(broker);
        self.emit(EventKind::BrokerHealed { broker });
        if self.brokers[&broker].up {
            if self.brokers[&broker].fenced {
                self.controller_unfence(broker);
            } else {
                for tp in self.all_partitions() {
                    self.push_metadata(&tp);
                }
            }
        }
        Ok(())
    }
}

/// Kafka's rule for legal topic names: 1 to 249 characters of ASCII letters, digits, `.`, `_`
/// and `-`, and not `.` or `..`.
pub fn is_legal_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= limits::MAX_TOPIC_NAME_CHARS
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
