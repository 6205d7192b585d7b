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

// The vocabulary: ids, time, the doors' messages (commands, events, rejections), error codes,
// phases, configs and wire messages. They name nothing an actor below defines
// (tests/engine_purity.rs).
mod command;
pub mod config;
mod errors;
mod event;
mod ids;
pub mod limits;
pub mod murmur2;
mod network;
mod phases;
mod record;
mod rng;
pub(crate) mod shared_vec;
pub mod sorted;
mod time;
mod timer;

// The actors, by protocol step. Client and group-member code never reads broker state, and
// broker and coordinator code never reads client state (tests/engine_purity.rs).
mod broker;
mod client;
mod controller;
mod group;

// The machinery around them: timer and message dispatch, the run's audit, the invariants
// checked after every step in debug builds, and the fixtures for tests and benchmarks.
mod auditor;
mod dispatch;
mod duplicate_scan;
mod invariants;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use group::assignor;

use crate::engine::sorted::VecMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

// The engine's API: everything outside `src/engine/` names the engine through these re-exports
// and the public modules above, never through a file's own path.
pub use auditor::{AuditReport, Election, LatencySummary, LostRecord};
pub use broker::log::{PartitionLog, Segment};
pub use broker::{BrokerState, FollowerProgress, PartitionView, Replica};
pub use client::consumer::{Consumer, PolledRecord};
pub use client::producer::{Producer, ProducerStats};
pub use command::{BrokerAction, Command, KeyPattern, Rejection, SeekTarget, Workload};
pub use config::{
    Acks, AutoOffsetReset, BrokerConfig, CleanupPolicy, ConsumerConfig, KeylessPartitioner,
    ProducerConfig, SendMode, TopicConfig,
};
pub use controller::{is_legal_topic_name, PartitionMeta, TopicMeta};
pub use errors::ErrorCode;
pub use event::{Event, EventKind, PartitionChoice};
pub use group::coordinator::{GroupState, MemberMetadata};
pub use group::member::ConsumerCoordinator;
/// The names these types had before the review's renames, kept so older code still compiles.
pub use group::{
    coordinator::MemberMetadata as GroupMember, member::ConsumerCoordinator as GroupClient,
};
pub use group::{java_string_hash, offsets_partition_for, OFFSETS_TOPIC};
pub use ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, RecordId, TopicPartition};
pub use network::{
    DisconnectReason, FetchPosition, FetchedPartition, InFlight, Isolation, Message, MessageKind,
    NetworkConfig, Node, PartitionMetadata, ProduceBatch, ReplicaFetchResult, TopicMetadata,
};
pub use phases::{ElectionKind, GroupPhase, IsrChangeReason, MemberPhase};
pub use record::{Payload, Record, RecordBatch, SharedBatch};
pub use rng::SimRng;
pub use shared_vec::SharedVec;
pub use time::SimTime;

use auditor::Auditor;
use network::Network;
use timer::{Scheduled, Timer};

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
    brokers: VecMap<BrokerId, BrokerState>,
    topics: VecMap<String, TopicMeta>,
    producers: VecMap<ProducerId, Producer>,
    consumers: VecMap<ConsumerId, Consumer>,
    groups: VecMap<String, group::coordinator::GroupState>,
    next_record_id: u64,
    next_kafka_producer_id: u64,
    auditor: Auditor,
    /// The duplicate appends in the leaders' logs, as the incremental audit counts them.
    duplicate_scan: duplicate_scan::DuplicateScan,
    outbox: Vec<Event>,
    /// Whether per-message and per-record events are kept (off for benchmarks).
    detailed_events: bool,
    /// What [`Simulation::check_invariants`] remembers between steps (empty in release builds,
    /// which do not check).
    invariants: invariants::InvariantMemory,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Self {
        let broker_count = config.broker_count.clamp(1, limits::MAX_BROKERS);
        let mut network_config = config.network;
        network_config.drop_per_million = network_config
            .drop_per_million
            .min(limits::MAX_DROP_PER_MILLION);
        let mut sim = Simulation {
            broker_config: config.broker.clone(),
            now: SimTime::ZERO,
            queue: BinaryHeap::new(),
            next_sequence: 0,
            rng: SimRng::seeded(config.seed),
            network: Network::new(network_config),
            brokers: (0..broker_count)
                .map(|id| (BrokerId(id), BrokerState::new(BrokerId(id))))
                .collect::<VecMap<_, _>>(),
            topics: VecMap::new(),
            producers: VecMap::new(),
            consumers: VecMap::new(),
            groups: VecMap::new(),
            next_record_id: 0,
            next_kafka_producer_id: 1000,
            auditor: Auditor::default(),
            duplicate_scan: duplicate_scan::DuplicateScan::default(),
            outbox: Vec::new(),
            detailed_events: true,
            invariants: invariants::InvariantMemory::default(),
            config,
        };
        for broker in sim.brokers.keys().copied().collect::<Vec<_>>() {
            sim.start_broker_timers(broker);
        }
        let unclean_interval = sim.broker_config.unclean_leader_election_interval_ms.max(1);
        sim.schedule_timer(
            SimTime::ZERO.plus_ms(unclean_interval),
            Timer::UncleanElectionCheck,
        );
        sim
    }

    /// Keeps only the events that matter for an audit trail: no per-message or per-record
    /// events. The auditor still sees everything. Used by benchmarks.
    pub fn set_detailed_events(&mut self, detailed: bool) {
        self.detailed_events = detailed;
    }

    /// Stops the auditor following records (see [`Auditor::stop_following_records`]) and
    /// keeps no detailed events: for a bulk run whose memory must not grow with its records.
    /// [`Simulation::audit`] then reports no records; clients' statistics and the logs still
    /// count everything.
    pub fn set_bulk(&mut self) {
        self.detailed_events = false;
        self.auditor.stop_following_records();
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

    /// Whether the broker is cut off from the other brokers and the controller.
    pub fn is_isolated(&self, broker: BrokerId) -> bool {
        self.network.is_isolated(broker)
    }

    /// What the broker is cut off from, if anything.
    pub fn isolation(&self, broker: BrokerId) -> Option<Isolation> {
        self.network.isolation(broker)
    }

    /// Every directed link that is cut, as `(from, to)`.
    pub fn cut_links(&self) -> impl Iterator<Item = &(Node, Node)> {
        self.network.cut_links()
    }

    /// Every open TCP connection, as `(the node that connected, the broker)`.
    pub fn connections(&self) -> impl Iterator<Item = &(Node, BrokerId)> {
        self.network.connections()
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

    /// The audit of the run so far, worked out from every record of the run.
    pub fn audit(&self) -> AuditReport {
        let lag = self.audit_lag();
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

    /// The same audit as [`Simulation::audit`], kept up to date rather than worked out again:
    /// the counts follow each event, and only what changed since the last call is looked at
    /// (new records and appends; a whole partition again only after its leader changed or its
    /// leader's log lost or rewrote records). For a page that shows the audit while the run
    /// plays: its cost follows the time since the last call, not the length of the run.
    pub fn audit_incremental(&mut self) -> AuditReport {
        let lag = self.audit_lag();
        let mut scan = std::mem::take(&mut self.duplicate_scan);
        let partitions = self.all_partitions();
        let duplicates_in_log = scan.update(
            partitions.iter().map(|tp| {
                let (now, log) = self.leader_log_seen(tp);
                (tp.clone(), now, log)
            }),
            self.next_record_id,
        );
        self.duplicate_scan = scan;
        let mut auditor = std::mem::take(&mut self.auditor);
        let report = auditor.report_incremental(
            |tp| self.leader_log_seen(tp).0,
            |tp, offset| {
                self.leader_log(tp)
                    .map(|log| log.record_at(offset).map(|r| r.id))
            },
            lag,
            duplicates_in_log,
        );
        // What the report no longer needs a row for goes, so the auditor keeps what the logs
        // keep, not the whole run: a page that reports several times a second over an
        // hour-long run stays flat.
        auditor.fold_settled(|tp| self.lowest_log_start(tp));
        self.auditor = auditor;
        report
    }

    /// How many records the auditor keeps a row for: the records of the run not yet folded
    /// away as settled ([`Simulation::audit_incremental`] folds them).
    pub fn audit_rows_kept(&self) -> usize {
        self.auditor.rows_kept()
    }

    /// The lowest log start offset among the partition's replicas (on every broker, running
    /// or not: a crashed broker's log comes back with it), or `None` if no broker holds one.
    fn lowest_log_start(&self, tp: &TopicPartition) -> Option<u64> {
        self.brokers
            .values()
            .filter_map(|broker| broker.replicas.get(tp))
            .map(|replica| replica.log.log_start_offset().0)
            .min()
    }

    /// The partition's leader log as the incremental audit compares it between calls.
    fn leader_log_seen(&self, tp: &TopicPartition) -> (auditor::LeaderLog, Option<&PartitionLog>) {
        let leader = self.partition_meta(tp).and_then(|meta| meta.leader);
        let log = leader.and_then(|leader| self.replica_log(leader, tp));
        let seen = auditor::LeaderLog {
            leader: leader.zip(log.map(PartitionLog::identity)),
            log_end_offset: log.map_or(0, |l| l.log_end_offset().0),
        };
        (seen, log)
    }

    /// Lag per reader and partition, for the audit.
    fn audit_lag(&self) -> VecMap<String, VecMap<String, u64>> {
        let mut lag = self.group_lag();
        for consumer in self.consumers.values().filter(|c| c.group.is_none()) {
            let entry = lag.entry(consumer.id.to_string()).or_default();
            let reading =
                consumer.reading(|topic| self.topics.get(topic).map_or(0, |t| t.partition_count()));
            for tp in reading {
                let high_watermark = self.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
                let position = consumer.positions.get(&tp).map_or(0, |o| o.0);
                entry.insert(tp.to_string(), high_watermark.saturating_sub(position));
            }
        }
        lag
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
                partition,
                timestamp,
                headers,
            } => {
                let send = client::producer::AppSend::new(topic, key, value, partition);
                self.app_send(producer, send.with_extras(timestamp, headers)?)
            }
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
            command @ (Command::CommitOffsets { .. }
            | Command::Subscribe { .. }
            | Command::Assign { .. }
            | Command::Seek { .. }
            | Command::PausePartitions { .. }
            | Command::ResumePartitions { .. }
            | Command::CommitSpecifiedOffsets { .. }) => self.handle_consumer_api(command),
            Command::CrashBroker { broker } => self.crash_broker(broker),
            Command::RestartBroker { broker } => self.restart_broker(broker),
            Command::IsolateBroker { broker } => self.isolate_broker(broker, Isolation::Peers),
            Command::IsolateBrokerFrom { broker, from } => self.isolate_broker(broker, from),
            Command::CutLink { from, to, one_way } => self.cut_link(from, to, one_way),
            Command::HealLink { from, to, one_way } => self.heal_link(from, to, one_way),
            Command::HealBroker { broker } => self.heal_broker(broker),
            Command::SetNetwork { config } => self.set_network(config),
            Command::SetLinkLatency { a, b, latency_ms } => {
                self.network.set_link_latency(a, b, latency_ms);
                Ok(())
            }
            Command::AlterTopicConfig { topic, config, set } => {
                self.alter_topic_config(&topic, &config, &set)
            }
            Command::ToLeaderOf {
                topic,
                partition,
                action,
            } => {
                let broker = self.current_leader(&topic, partition)?;
                self.handle(action.on(broker))
            }
        }
    }

    /// `SetNetwork`: latency, jitter and the drop rate of every link from now on.
    fn set_network(&mut self, config: NetworkConfig) -> Result<(), Rejection> {
        if config.drop_per_million > limits::MAX_DROP_PER_MILLION {
            return Err(Rejection::InvalidConfig {
                setting: "drop_per_million",
                reason: format!(
                    "{} is more than a million per million; use 0 to {}",
                    config.drop_per_million,
                    limits::MAX_DROP_PER_MILLION
                ),
            });
        }
        self.network.config = config;
        Ok(())
    }

    /// The consumer's API calls beyond `poll()`: commits, `subscribe`, `assign`, `seek` and
    /// `pause`/`resume` of partitions.
    fn handle_consumer_api(&mut self, command: Command) -> Result<(), Rejection> {
        match command {
            Command::CommitOffsets { consumer } => self.commit_offsets(consumer),
            Command::Subscribe { consumer, topics } => self.subscribe(consumer, topics),
            Command::Assign {
                consumer,
                partitions,
            } => self.assign_partitions(consumer, partitions),
            Command::Seek {
                consumer,
                partition,
                to,
            } => self.seek(consumer, partition, to),
            Command::PausePartitions {
                consumer,
                partitions,
            } => self.pause_partitions(consumer, partitions, true),
            Command::ResumePartitions {
                consumer,
                partitions,
            } => self.pause_partitions(consumer, partitions, false),
            Command::CommitSpecifiedOffsets { consumer, offsets } => {
                self.commit_specified_offsets(consumer, offsets)
            }
            _ => unreachable!("handle() passes only the consumer's API calls"),
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
    ///
    /// Debug builds then run [`Simulation::check_invariants`] and panic, naming the step, if
    /// the step broke one.
    pub fn step(&mut self) -> Option<SimTime> {
        let Reverse(next) = self.queue.pop()?;
        self.now = self.now.max(next.at);
        #[cfg(debug_assertions)]
        let (fired, first_event) = (next.timer.clone(), self.outbox.len());
        self.fire(next.timer);
        #[cfg(debug_assertions)]
        self.assert_invariants_after(&fired, first_event);
        Some(next.at)
    }

    /// Takes the events produced since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.outbox)
    }

    // Reports.

    /// Lag per group and partition: the high watermark minus the committed offset.
    fn group_lag(&self) -> VecMap<String, VecMap<String, u64>> {
        let mut lag = VecMap::new();
        for consumer in self.consumers.values() {
            let Some(client) = &consumer.group else {
                continue;
            };
            let committed = self.groups.get(&client.group).map(|g| &g.offsets);
            let entry: &mut VecMap<String, u64> = lag.entry(client.group.clone()).or_default();
            for topic_name in &consumer.subscription {
                let Some(topic) = self.topics.get(topic_name) else {
                    continue;
                };
                for index in 0..topic.partition_count() {
                    let tp = TopicPartition::new(topic.shared_name.clone(), index);
                    let high_watermark = self.leader_log(&tp).map_or(0, |l| l.high_watermark().0);
                    let offset = committed.and_then(|c| c.get(&tp)).map_or(0, |o| o.0);
                    entry.insert(tp.to_string(), high_watermark.saturating_sub(offset));
                }
            }
            for tp in consumer.manual_assignment.iter().flatten() {
                let high_watermark = self.leader_log(tp).map_or(0, |l| l.high_watermark().0);
                let offset = committed.and_then(|c| c.get(tp)).map_or(0, |o| o.0);
                entry.insert(tp.to_string(), high_watermark.saturating_sub(offset));
            }
        }
        lag
    }
}
