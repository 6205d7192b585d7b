//! The one door out: everything that happened, in the order it happened.

use std::fmt;

use serde::Serialize;

use super::command::Rejection;
use super::config::AutoOffsetReset;
use super::errors::ErrorCode;
use super::ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, RecordId, TopicPartition};
use super::network::{DisconnectReason, Isolation, MessageKind, Node};
use super::phases::ElectionKind;
use super::phases::GroupPhase;
use super::phases::IsrChangeReason;
use super::time::SimTime;

/// Something that happened at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: SimTime,
    pub kind: EventKind,
}

/// How a producer chose a record's partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PartitionChoice {
    /// `toPositive(murmur2(key)) % partitions`; the hash is kept so the UI can show the sum.
    Key { murmur2: i32 },
    /// A keyless record placed by the round-robin partitioner's per-topic counter.
    RoundRobin { counter: u32 },
    /// A keyless record placed by the uniform sticky partitioner.
    Sticky,
    /// The record named its partition.
    Given,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum EventKind {
    TopicCreated {
        topic: String,
        partitions: u32,
        replication_factor: u32,
    },
    TopicDeleted {
        topic: String,
    },
    /// Topic settings changed at run time, as Kafka's names and the new values.
    TopicConfigAltered {
        topic: String,
        changes: Vec<(String, String)>,
    },
    ProducerAdded {
        producer: ProducerId,
    },
    ProducerClosed {
        producer: ProducerId,
    },
    ConsumerAdded {
        consumer: ConsumerId,
        topic: String,
    },
    /// The application handed a record to `send()` and the partitioner placed it.
    RecordSent {
        record: RecordId,
        producer: ProducerId,
        partition: TopicPartition,
        key: Option<String>,
        value: Option<String>,
        choice: PartitionChoice,
    },
    MessageSent {
        message: MessageId,
        kind: MessageKind,
        from: Node,
        to: Node,
        arrives_at: SimTime,
    },
    MessageArrived {
        message: MessageId,
        kind: MessageKind,
        from: Node,
        to: Node,
    },
    /// Lost on the network (drop rate, or a link cut by isolation).
    MessageDropped {
        message: MessageId,
        kind: MessageKind,
        from: Node,
        to: Node,
    },
    /// The partition leader wrote a batch to its log.
    BatchAppended {
        broker: BrokerId,
        partition: TopicPartition,
        base_offset: Offset,
        records: Vec<RecordId>,
        leader_epoch: u32,
    },
    /// A follower copied a batch from its leader.
    BatchReplicated {
        broker: BrokerId,
        partition: TopicPartition,
        base_offset: Offset,
        records: Vec<RecordId>,
    },
    HighWatermarkAdvanced {
        broker: BrokerId,
        partition: TopicPartition,
        high_watermark: Offset,
    },
    /// The producer's callback reported success (`base_offset` is `None` for `acks=0`).
    BatchAcknowledged {
        producer: ProducerId,
        partition: TopicPartition,
        base_offset: Option<Offset>,
        records: Vec<RecordId>,
    },
    BatchRetried {
        producer: ProducerId,
        partition: TopicPartition,
        records: Vec<RecordId>,
        error: ErrorCode,
        attempt: u32,
    },
    /// The producer's callback reported failure.
    BatchFailed {
        producer: ProducerId,
        partition: TopicPartition,
        records: Vec<RecordId>,
        error: ErrorCode,
    },
    /// The idempotent producer's retry of a batch the leader already has.
    DuplicateBatchIgnored {
        broker: BrokerId,
        partition: TopicPartition,
        producer_id: u64,
        base_sequence: i32,
        offset: Offset,
    },
    /// The idempotent producer bumped its epoch (KIP-360) because a batch of `partition` with
    /// a sequence failed or the broker reported a gap; that partition's sequences start again
    /// at 0.
    ProducerEpochBumped {
        producer: ProducerId,
        partition: TopicPartition,
        producer_id: u64,
        producer_epoch: u16,
    },
    /// A consumer without a position got one from `auto.offset.reset`.
    PositionReset {
        consumer: ConsumerId,
        partition: TopicPartition,
        policy: AutoOffsetReset,
        offset: Offset,
    },
    OffsetOutOfRange {
        consumer: ConsumerId,
        partition: TopicPartition,
        policy: AutoOffsetReset,
    },
    /// With `auto.offset.reset=none`, `poll()` threw `NoOffsetForPartitionException`: the
    /// partition has no committed offset and no position. The consumer stops fetching it until
    /// the application seeks.
    NoOffsetForPartition {
        consumer: ConsumerId,
        partition: TopicPartition,
    },
    /// `poll()` returned the record to the application.
    RecordPolled {
        record: RecordId,
        consumer: ConsumerId,
        partition: TopicPartition,
        offset: Offset,
        /// `None` for a tombstone, printed `null` as Kafka's console consumer prints it.
        value: Option<String>,
        /// The CreateTime the application gave the record, if it gave one (otherwise the
        /// record carries the time of its `send()`).
        timestamp: Option<i64>,
        /// The record's headers, in order.
        headers: Vec<(String, String)>,
    },
    BrokerCrashed {
        broker: BrokerId,
    },
    BrokerRestarted {
        broker: BrokerId,
    },
    BrokerIsolated {
        broker: BrokerId,
        from: Isolation,
    },
    /// A link stopped carrying messages (one way, or both).
    LinkCut {
        from: Node,
        to: Node,
        one_way: bool,
    },
    LinkHealed {
        from: Node,
        to: Node,
        one_way: bool,
    },
    /// A client opened a TCP connection to a broker, to send its first request there.
    ConnectionOpened {
        client: Node,
        broker: BrokerId,
    },
    /// A client's connection to a broker closed: every request in flight on it failed at
    /// once, and the client reconnects no earlier than `reconnect_at`
    /// (`reconnect.backoff.ms`, doubling up to `reconnect.backoff.max.ms`, with jitter).
    ConnectionClosed {
        client: Node,
        broker: BrokerId,
        reason: DisconnectReason,
        requests_failed: u32,
        reconnect_at: SimTime,
    },
    /// A client's metadata changed what it believes leads a partition.
    MetadataUpdated {
        client: Node,
        from: BrokerId,
        partition: TopicPartition,
        leader: Option<BrokerId>,
        leader_epoch: u32,
    },
    BrokerHealed {
        broker: BrokerId,
    },
    /// The controller stopped hearing from the broker for `broker.session.timeout.ms`.
    BrokerFenced {
        broker: BrokerId,
    },
    BrokerUnfenced {
        broker: BrokerId,
    },
    LeaderElected {
        partition: TopicPartition,
        leader: BrokerId,
        leader_epoch: u32,
        kind: ElectionKind,
    },
    /// No replica can lead: the partition is unavailable.
    PartitionOffline {
        partition: TopicPartition,
    },
    /// The controller changed the ISR: `added` and `removed` are the brokers that joined or
    /// left it, and `reason` says why.
    IsrChanged {
        partition: TopicPartition,
        isr: Vec<BrokerId>,
        added: Vec<BrokerId>,
        removed: Vec<BrokerId>,
        reason: IsrChangeReason,
    },
    /// A follower cut its log back to its new leader's (losing what the leader lacks).
    ReplicaTruncated {
        broker: BrokerId,
        partition: TopicPartition,
        to_offset: Offset,
        diverging_epoch: u32,
        records_removed: Vec<RecordId>,
    },
    SegmentsDeleted {
        broker: BrokerId,
        partition: TopicPartition,
        records: u64,
        log_start_offset: Offset,
    },
    LogCompacted {
        broker: BrokerId,
        partition: TopicPartition,
        records_removed: u64,
    },
    GroupStateChanged {
        group: String,
        state: GroupPhase,
        generation: i32,
    },
    RebalanceStarted {
        group: String,
        reason: String,
    },
    MemberJoined {
        group: String,
        member: String,
        consumer: ConsumerId,
    },
    MemberRemoved {
        group: String,
        member: String,
        reason: String,
    },
    /// The group leader ran the assignor.
    AssignmentComputed {
        group: String,
        leader: ConsumerId,
        assignor: String,
        generation: i32,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    AssignmentReceived {
        group: String,
        consumer: ConsumerId,
        generation: i32,
        partitions: Vec<TopicPartition>,
    },
    PartitionsRevoked {
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    OffsetsCommitted {
        group: String,
        consumer: ConsumerId,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    CommitFailed {
        consumer: ConsumerId,
        error: ErrorCode,
    },
    MaxPollIntervalExceeded {
        consumer: ConsumerId,
        group: String,
    },
    ConsumerClosed {
        consumer: ConsumerId,
    },
    ConsumerCrashed {
        consumer: ConsumerId,
    },
    /// A scheduled command could not be applied.
    CommandRejected {
        reason: Rejection,
    },
}

fn ids(records: &[RecordId]) -> String {
    match records {
        [] => "none".to_owned(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}..{last} ({} records)", records.len()),
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.at)?;
        match &self.kind {
            EventKind::TopicCreated { topic, partitions, replication_factor } => write!(
                f,
                "topic {topic} created: {partitions} partitions, replication factor {replication_factor}"
            ),
            EventKind::TopicDeleted { topic } => write!(f, "topic {topic} deleted"),
            EventKind::TopicConfigAltered { topic, changes } => {
                let list: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                write!(f, "topic {topic} config altered: {}", list.join(", "))
            }
            EventKind::ProducerAdded { producer } => write!(f, "{producer} started"),
            EventKind::ProducerClosed { producer } => write!(f, "{producer} closed"),
            EventKind::ConsumerAdded { consumer, topic } => write!(f, "{consumer} started on {topic}"),
            EventKind::RecordSent { record, producer, partition, key, value, choice } => {
                write!(f, "{producer} sends {record} key=")?;
                match key {
                    Some(key) => write!(f, "{key:?}")?,
                    None => f.write_str("null")?,
                }
                f.write_str(" value=")?;
                match value {
                    Some(value) => write!(f, "{value:?}")?,
                    None => f.write_str("null")?,
                }
                write!(f, " to {partition} (")?;
                match choice {
                    PartitionChoice::Key { murmur2 } => write!(f, "murmur2={murmur2})"),
                    PartitionChoice::RoundRobin { counter } => write!(f, "round-robin counter={counter})"),
                    PartitionChoice::Sticky => f.write_str("sticky)"),
                    PartitionChoice::Given => f.write_str("given by the record)"),
                }
            }
            EventKind::MessageSent { message, kind, from, to, arrives_at } => {
                write!(f, "{message} {kind} {from} -> {to} arrives {arrives_at}")
            }
            EventKind::MessageArrived { message, kind, from, to } => {
                write!(f, "{message} {kind} {from} -> {to} arrived")
            }
            EventKind::MessageDropped { message, kind, from, to } => {
                write!(f, "{message} {kind} {from} -> {to} LOST on the network")
            }
            EventKind::BatchAppended { broker, partition, base_offset, records, leader_epoch } => write!(
                f,
                "{broker} (leader, epoch {leader_epoch}) appends {} to {partition} at offset {base_offset}",
                ids(records)
            ),
            EventKind::BatchReplicated { broker, partition, base_offset, records } => write!(
                f,
                "{broker} copies {} of {partition} at offset {base_offset}",
                ids(records)
            ),
            EventKind::HighWatermarkAdvanced { broker, partition, high_watermark } => {
                write!(f, "{broker}: {partition} high watermark -> {high_watermark}")
            }
            EventKind::BatchAcknowledged { producer, partition, base_offset, records } => match base_offset {
                Some(offset) => write!(f, "{producer} acked {} at {partition}@{offset}", ids(records)),
                None => write!(f, "{producer} acked {} on {partition} (acks=0, offset -1)", ids(records)),
            },
            EventKind::BatchRetried { producer, partition, records, error, attempt } => write!(
                f,
                "{producer} retries {} for {partition} after {error} (attempt {attempt})",
                ids(records)
            ),
            EventKind::BatchFailed { producer, partition, records, error } => {
                write!(f, "{producer} failed {} for {partition}: {error}", ids(records))
            }
            EventKind::DuplicateBatchIgnored { broker, partition, producer_id, base_sequence, offset } => write!(
                f,
                "{broker}: duplicate batch from producer id {producer_id} seq {base_sequence} on {partition} not appended again (offset {offset})"
            ),
            EventKind::ProducerEpochBumped { producer, partition, producer_id, producer_epoch } => write!(
                f,
                "{producer} bumps producer id {producer_id} to epoch {producer_epoch}; sequences of {partition} start again at 0"
            ),
            EventKind::PositionReset { consumer, partition, policy, offset } => write!(
                f,
                "{consumer} has no position on {partition}: auto.offset.reset={} -> {offset}",
                format!("{policy:?}").to_lowercase()
            ),
            EventKind::OffsetOutOfRange { consumer, partition, policy } => write!(
                f,
                "{consumer}: OFFSET_OUT_OF_RANGE on {partition}, reset by auto.offset.reset={}",
                format!("{policy:?}").to_lowercase()
            ),
            EventKind::NoOffsetForPartition { consumer, partition } => write!(
                f,
                "{consumer}: poll() threw NoOffsetForPartitionException: undefined offset with no reset policy for partition {partition}"
            ),
            EventKind::RecordPolled { record, consumer, partition, offset, value, timestamp, headers } => {
                write!(f, "{consumer} polled {record} value=")?;
                match value {
                    Some(value) => write!(f, "{value:?}")?,
                    None => f.write_str("null")?,
                }
                write!(f, " from {partition}@{offset}")?;
                if let Some(timestamp) = timestamp {
                    write!(f, " timestamp={timestamp}")?;
                }
                if !headers.is_empty() {
                    let pairs: Vec<String> = headers.iter().map(|(k, v)| format!("{k:?}: {v:?}")).collect();
                    write!(f, " headers={{{}}}", pairs.join(", "))?;
                }
                Ok(())
            }
            EventKind::BrokerCrashed { broker } => write!(f, "{broker} crashed"),
            EventKind::BrokerRestarted { broker } => write!(f, "{broker} restarted"),
            EventKind::BrokerIsolated { broker, from } => write!(f, "{broker} isolated from {}", match from {
                Isolation::Peers => "the other brokers",
                Isolation::Clients => "its clients",
                Isolation::All => "everyone",
            }),
            EventKind::LinkCut { from, to, one_way } => {
                write!(f, "link {from} {} {to} cut", if *one_way { "->" } else { "<->" })
            }
            EventKind::LinkHealed { from, to, one_way } => {
                write!(f, "link {from} {} {to} healed", if *one_way { "->" } else { "<->" })
            }
            EventKind::ConnectionOpened { client, broker } => {
                write!(f, "{client} connected to {broker}")
            }
            EventKind::ConnectionClosed { client, broker, reason, requests_failed, reconnect_at } => write!(
                f,
                "{client} disconnected from {broker} ({reason}): {requests_failed} requests failed, reconnect at {reconnect_at}"
            ),
            EventKind::MetadataUpdated { client, from, partition, leader, leader_epoch } => write!(
                f,
                "{client} learned from {from}: {partition} led by {}, epoch {leader_epoch}",
                leader.map_or("none".to_owned(), |l| l.to_string())
            ),
            EventKind::BrokerHealed { broker } => write!(f, "{broker} reconnected"),
            EventKind::BrokerFenced { broker } => write!(f, "controller fenced {broker}"),
            EventKind::BrokerUnfenced { broker } => write!(f, "controller unfenced {broker}"),
            EventKind::LeaderElected { partition, leader, leader_epoch, kind } => write!(
                f,
                "{partition}: {leader} elected leader, epoch {leader_epoch} ({})",
                match kind {
                    ElectionKind::Clean => "clean",
                    ElectionKind::Unclean => "UNCLEAN",
                }
            ),
            EventKind::PartitionOffline { partition } => write!(f, "{partition} offline: no eligible leader"),
            EventKind::IsrChanged { partition, isr, added, removed, reason } => {
                let list: Vec<String> = isr.iter().map(|b| b.0.to_string()).collect();
                write!(f, "{partition} ISR -> [{}]", list.join(", "))?;
                let names = |brokers: &[BrokerId]| {
                    brokers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                };
                if !added.is_empty() {
                    write!(f, ", {} added", names(added))?;
                }
                if !removed.is_empty() {
                    write!(f, ", {} removed", names(removed))?;
                }
                match reason {
                    IsrChangeReason::CaughtUp => f.write_str(" (caught up)"),
                    IsrChangeReason::NotCaughtUp { replica_lag_time_max_ms } => write!(
                        f,
                        " (not caught up for replica.lag.time.max.ms={replica_lag_time_max_ms})"
                    ),
                    IsrChangeReason::BrokerFenced => f.write_str(" (fenced by the controller)"),
                    IsrChangeReason::UncleanElection => f.write_str(" (unclean election)"),
                }
            }
            EventKind::ReplicaTruncated { broker, partition, to_offset, diverging_epoch, records_removed } => write!(
                f,
                "{broker} truncates {partition} to {to_offset} (diverged after epoch {diverging_epoch}), removing {}",
                ids(records_removed)
            ),
            EventKind::SegmentsDeleted { broker, partition, records, log_start_offset } => write!(
                f,
                "{broker}: retention deleted {records} records of {partition}, log start -> {log_start_offset}"
            ),
            EventKind::LogCompacted { broker, partition, records_removed } => {
                write!(f, "{broker}: compaction removed {records_removed} records of {partition}")
            }
            EventKind::GroupStateChanged { group, state, generation } => {
                write!(f, "group {group} -> {state:?} (generation {generation})")
            }
            EventKind::RebalanceStarted { group, reason } => write!(f, "group {group} rebalances: {reason}"),
            EventKind::MemberJoined { group, member, consumer } => {
                write!(f, "group {group}: {consumer} joined as {member}")
            }
            EventKind::MemberRemoved { group, member, reason } => {
                write!(f, "group {group}: {member} removed: {reason}")
            }
            EventKind::AssignmentComputed { group, leader, assignor, generation, assignments } => {
                let parts: Vec<String> = assignments
                    .iter()
                    .map(|(m, ps)| {
                        let list: Vec<String> = ps.iter().map(ToString::to_string).collect();
                        format!("{m}=[{}]", list.join(", "))
                    })
                    .collect();
                write!(
                    f,
                    "group {group} generation {generation}: leader {leader} ran {assignor}: {}",
                    parts.join(" ")
                )
            }
            EventKind::AssignmentReceived { group, consumer, generation, partitions } => {
                let list: Vec<String> = partitions.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "group {group} generation {generation}: {consumer} owns [{}]",
                    list.join(", ")
                )
            }
            EventKind::PartitionsRevoked { consumer, partitions } => {
                let list: Vec<String> = partitions.iter().map(ToString::to_string).collect();
                write!(f, "{consumer} revokes [{}]", list.join(", "))
            }
            EventKind::OffsetsCommitted { group, consumer, offsets } => {
                let list: Vec<String> = offsets.iter().map(|(tp, o)| format!("{tp}={o}")).collect();
                write!(f, "group {group}: {consumer} committed {}", list.join(", "))
            }
            EventKind::CommitFailed { consumer, error } => write!(f, "{consumer} commit failed: {error}"),
            EventKind::MaxPollIntervalExceeded { consumer, group } => write!(
                f,
                "{consumer} did not poll within max.poll.interval.ms and leaves group {group}"
            ),
            EventKind::ConsumerClosed { consumer } => write!(f, "{consumer} closed"),
            EventKind::ConsumerCrashed { consumer } => write!(f, "{consumer} crashed"),
            EventKind::CommandRejected { reason } => write!(f, "command rejected: {reason}"),
        }
    }
}
