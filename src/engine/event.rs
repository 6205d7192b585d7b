//! The one door out: everything that happened, in the order it happened.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::command::Rejection;
use super::ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, RecordId, TopicPartition};
use super::network::{AutoOffsetReset, MessageKind, Node};
use super::time::SimTime;

/// Something that happened at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: SimTime,
    pub kind: EventKind,
}

/// How a producer chose a record's partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionChoice {
    /// `toPositive(murmur2(key)) % partitions`; the hash is kept so the UI can show the sum.
    Key { murmur2: i32 },
    /// A keyless record, placed by the round-robin partitioner's per-topic counter.
    RoundRobin { counter: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum EventKind {
    TopicCreated {
        topic: String,
        partitions: u32,
        leader: BrokerId,
    },
    ProducerAdded {
        producer: ProducerId,
    },
    ConsumerAdded {
        consumer: ConsumerId,
        topic: String,
    },
    /// The producer's application handed a record to `send()` and the partitioner placed it.
    RecordSent {
        record: RecordId,
        producer: ProducerId,
        partition: TopicPartition,
        key: Option<String>,
        value: String,
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
    /// The partition leader wrote the record to its log at `offset`.
    RecordAppended {
        record: RecordId,
        broker: BrokerId,
        partition: TopicPartition,
        offset: Offset,
    },
    HighWatermarkAdvanced {
        partition: TopicPartition,
        high_watermark: Offset,
    },
    /// The producer received the broker's acknowledgement for the record.
    RecordAcknowledged {
        record: RecordId,
        producer: ProducerId,
        partition: TopicPartition,
        offset: Offset,
    },
    /// A consumer without a position got one from `auto.offset.reset`.
    PositionReset {
        consumer: ConsumerId,
        partition: TopicPartition,
        policy: AutoOffsetReset,
        offset: Offset,
    },
    /// `poll()` returned the record to the consumer's application.
    RecordPolled {
        record: RecordId,
        consumer: ConsumerId,
        partition: TopicPartition,
        offset: Offset,
        value: String,
    },
    /// A scheduled command could not be applied.
    CommandRejected {
        reason: Rejection,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.at)?;
        match &self.kind {
            EventKind::TopicCreated {
                topic,
                partitions,
                leader,
            } => write!(
                f,
                "topic {topic} created with {partitions} partitions led by {leader}"
            ),
            EventKind::ProducerAdded { producer } => write!(f, "{producer} started"),
            EventKind::ConsumerAdded { consumer, topic } => {
                write!(f, "{consumer} started on {topic}")
            }
            EventKind::RecordSent {
                record,
                producer,
                partition,
                key,
                value,
                choice,
            } => {
                write!(f, "{producer} sends {record} ")?;
                match key {
                    Some(key) => write!(f, "key={key:?} ")?,
                    None => write!(f, "key=null ")?,
                }
                write!(f, "value={value:?} to {partition} (")?;
                match choice {
                    PartitionChoice::Key { murmur2 } => write!(f, "murmur2={murmur2})"),
                    PartitionChoice::RoundRobin { counter } => {
                        write!(f, "round-robin counter={counter})")
                    }
                }
            }
            EventKind::MessageSent {
                message,
                kind,
                from,
                to,
                arrives_at,
            } => write!(f, "{message} {kind} {from} -> {to} arrives {arrives_at}"),
            EventKind::MessageArrived {
                message,
                kind,
                from,
                to,
            } => write!(f, "{message} {kind} {from} -> {to} arrived"),
            EventKind::RecordAppended {
                record,
                broker,
                partition,
                offset,
            } => write!(f, "{broker} appends {record} to {partition} at offset {offset}"),
            EventKind::HighWatermarkAdvanced {
                partition,
                high_watermark,
            } => write!(f, "{partition} high watermark -> {high_watermark}"),
            EventKind::RecordAcknowledged {
                record,
                producer,
                partition,
                offset,
            } => write!(f, "{producer} acked {record} at {partition}@{offset}"),
            EventKind::PositionReset {
                consumer,
                partition,
                policy,
                offset,
            } => write!(
                f,
                "{consumer} has no position on {partition}: auto.offset.reset={policy:?} -> {offset}"
            ),
            EventKind::RecordPolled {
                record,
                consumer,
                partition,
                offset,
                value,
            } => write!(
                f,
                "{consumer} polled {record} value={value:?} from {partition}@{offset}"
            ),
            EventKind::CommandRejected { reason } => write!(f, "command rejected: {reason}"),
        }
    }
}
