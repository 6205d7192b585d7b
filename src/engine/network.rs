//! The simulated network: every request and response is a message in flight with a send time
//! and an arrival time. That is what the UI animates and what faults will act on.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, TopicPartition};
use super::record::{Record, StoredRecord};
use super::rng::SimRng;
use super::time::SimTime;

/// An endpoint on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Node {
    Broker(BrokerId),
    Producer(ProducerId),
    Consumer(ConsumerId),
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Broker(id) => id.fmt(f),
            Node::Producer(id) => id.fmt(f),
            Node::Consumer(id) => id.fmt(f),
        }
    }
}

/// Where a consumer wants to read a partition from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FetchPosition {
    /// Continue at this offset.
    At(Offset),
    /// No position yet: the broker resolves it by the consumer's `auto.offset.reset`.
    Reset(AutoOffsetReset),
}

/// Kafka's `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutoOffsetReset {
    /// Start at the log start offset (the console consumer's `--from-beginning`).
    Earliest,
    /// Start at the high watermark: only records produced from now on.
    Latest,
}

/// The payload of a message. As in Kafka's protocol, a response carries the `correlation_id` of
/// its request so the client can match them. Requests and their responses are separate messages so that each
/// leg of a round trip is visible while it travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    ProduceRequest {
        correlation_id: u64,
        partition: TopicPartition,
        records: Vec<Record>,
    },
    ProduceResponse {
        correlation_id: u64,
        partition: TopicPartition,
        base_offset: Offset,
        record_count: u32,
    },
    FetchRequest {
        correlation_id: u64,
        partitions: Vec<(TopicPartition, FetchPosition)>,
        max_records: u32,
        /// `fetch.max.wait.ms`: the broker may hold the request this long waiting for data.
        max_wait_ms: u64,
    },
    FetchResponse {
        correlation_id: u64,
        partitions: Vec<FetchedPartition>,
    },
}

/// What a fetch returned for one partition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedPartition {
    pub partition: TopicPartition,
    /// The offset the fetch started at (resolved, if the request asked for a reset).
    pub fetch_offset: Offset,
    pub high_watermark: Offset,
    pub records: Vec<StoredRecord>,
}

/// The kind of a message, for filters, colours and compact trace lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    ProduceRequest,
    ProduceResponse,
    FetchRequest,
    FetchResponse,
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::ProduceRequest { .. } => MessageKind::ProduceRequest,
            Message::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Message::FetchRequest { .. } => MessageKind::FetchRequest,
            Message::FetchResponse { .. } => MessageKind::FetchResponse,
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            MessageKind::ProduceRequest => "Produce",
            MessageKind::ProduceResponse => "ProduceResponse",
            MessageKind::FetchRequest => "Fetch",
            MessageKind::FetchResponse => "FetchResponse",
        };
        f.write_str(name)
    }
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub id: MessageId,
    pub from: Node,
    pub to: Node,
    pub sent_at: SimTime,
    pub arrives_at: SimTime,
    pub message: Message,
}

/// Latency settings for every link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// One-way latency of every link.
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=jitter_ms` per message, from the run's seed.
    pub jitter_ms: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ms: 2,
            jitter_ms: 1,
        }
    }
}

/// The messages in flight and the state of each link.
#[derive(Clone, Debug, Default)]
pub struct Network {
    config: NetworkConfig,
    in_flight: BTreeMap<MessageId, InFlight>,
    /// The latest arrival time scheduled on each directed link. Kafka's connections are TCP, so
    /// messages between two nodes arrive in the order they were sent even when jitter would
    /// otherwise let a later one overtake.
    last_arrival: BTreeMap<(Node, Node), SimTime>,
    next_message_id: u64,
}

impl Network {
    pub fn new(config: NetworkConfig) -> Self {
        Network {
            config,
            ..Network::default()
        }
    }

    /// Puts a message on the wire and returns it; the caller schedules its delivery.
    pub fn send(
        &mut self,
        from: Node,
        to: Node,
        message: Message,
        now: SimTime,
        rng: &mut SimRng,
    ) -> &InFlight {
        let jitter_ms = if self.config.jitter_ms > 0 {
            rng.between(0, self.config.jitter_ms)
        } else {
            0
        };
        let earliest = now.plus_ms(self.config.latency_ms + jitter_ms);
        let link = (from, to);
        let arrives_at = match self.last_arrival.get(&link) {
            Some(&previous) if previous > earliest => previous,
            _ => earliest,
        };
        self.last_arrival.insert(link, arrives_at);

        let id = MessageId(self.next_message_id);
        self.next_message_id += 1;
        self.in_flight.entry(id).or_insert(InFlight {
            id,
            from,
            to,
            sent_at: now,
            arrives_at,
            message,
        })
    }

    /// Takes a message off the wire when it arrives.
    pub fn deliver(&mut self, id: MessageId) -> Option<InFlight> {
        self.in_flight.remove(&id)
    }

    /// Every message still travelling, in the order they were sent.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }
}
