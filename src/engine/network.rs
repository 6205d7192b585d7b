//! The simulated network: every request and response is a message in flight with a send time
//! and an arrival time. That is what the UI animates and what faults act on: a seeded drop
//! rate, links cut in one or both directions, and brokers isolated from their peers, from
//! their clients or from everyone. It also remembers which TCP connections are open, so that a
//! process that dies can reset them.

use crate::engine::sorted::{IdSlots, VecMap, VecSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::{Acks, AutoOffsetReset};
use super::errors::ErrorCode;
use super::ids::{BrokerId, ConsumerId, MessageId, Offset, ProducerId, TopicPartition};
use super::record::{ProducerStamp, SharedBatch, SharedRecords};
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
    At(Offset),
    /// No position yet: the broker resolves it by `auto.offset.reset`.
    Reset(AutoOffsetReset),
}

/// One partition's batch in a produce request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProduceBatch {
    pub partition: TopicPartition,
    pub records: SharedRecords,
    pub stamp: Option<ProducerStamp>,
}

/// What a fetch returned for one partition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedPartition {
    pub partition: TopicPartition,
    /// The offset the fetch started at (resolved, if the request asked for a reset).
    pub fetch_offset: Offset,
    pub high_watermark: Offset,
    pub log_start_offset: Offset,
    pub error: Option<ErrorCode>,
    pub batches: Vec<SharedBatch>,
}

/// One partition in a follower's fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaFetchPartition {
    pub partition: TopicPartition,
    pub fetch_offset: Offset,
    /// The epoch of the follower's last record, for divergence detection (KIP-279/KAFKA-10554).
    pub last_fetched_epoch: Option<u32>,
}

/// The leader's answer for one partition of a follower fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplicaFetchResult {
    Records {
        batches: Vec<SharedBatch>,
        high_watermark: Offset,
        log_start_offset: Offset,
    },
    /// The follower's log diverges: truncate to `end_offset` of `epoch`, then fetch again.
    Diverging {
        epoch: u32,
        end_offset: Offset,
    },
    Error(ErrorCode),
}

/// One partition in a Metadata response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionMetadata {
    pub partition: u32,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
}

/// One topic in a Metadata response: its partitions, or the error that it is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMetadata {
    pub name: String,
    pub error: Option<ErrorCode>,
    pub partitions: Vec<PartitionMetadata>,
}

/// The payload of a message. As in Kafka's protocol, a response carries the `correlation_id`
/// of its request. Requests and responses are separate messages so each leg is visible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    Produce {
        correlation_id: u64,
        acks: Acks,
        timeout_ms: u64,
        batches: Vec<ProduceBatch>,
    },
    ProduceResponse {
        correlation_id: u64,
        results: Vec<(TopicPartition, Result<Offset, ErrorCode>)>,
    },
    Fetch {
        correlation_id: u64,
        partitions: Vec<(TopicPartition, FetchPosition)>,
        /// `fetch.max.bytes`: the response's size limit (at least one batch is returned).
        max_bytes: u32,
        /// `max.partition.fetch.bytes`: the limit per partition.
        max_partition_bytes: u32,
        /// `fetch.max.wait.ms`: the broker may hold the request this long waiting for data.
        max_wait_ms: u64,
    },
    FetchResponse {
        correlation_id: u64,
        partitions: Vec<FetchedPartition>,
    },
    ReplicaFetch {
        correlation_id: u64,
        partitions: Vec<ReplicaFetchPartition>,
        max_wait_ms: u64,
    },
    ReplicaFetchResponse {
        correlation_id: u64,
        partitions: Vec<(TopicPartition, ReplicaFetchResult)>,
    },
    /// The peer's process is gone: the operating system resets the connection.
    ConnectionRefused { correlation_id: u64 },
    /// A client asks any broker which brokers lead which partitions (`MetadataRequest`).
    Metadata {
        correlation_id: u64,
        topics: Vec<String>,
    },
    /// The broker answers from its own copy of the cluster's metadata, which goes stale while
    /// the controller cannot reach it.
    MetadataResponse {
        correlation_id: u64,
        brokers: Vec<BrokerId>,
        topics: Vec<TopicMetadata>,
    },
    Group {
        correlation_id: u64,
        request: GroupRequest,
    },
    GroupResponse {
        correlation_id: u64,
        response: GroupResponse,
    },
}

/// A member's entry in the leader's JoinGroup response: what the assignor needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinedMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    /// The topics the member subscribes to.
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub owned_generation: i32,
}

/// Requests a consumer sends to its group coordinator (classic protocol).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupRequest {
    JoinGroup {
        group: String,
        member_id: String,
        group_instance_id: Option<String>,
        protocols: Vec<String>,
        /// The subscription: every topic the member asks the group for.
        topics: Vec<String>,
        owned: Vec<TopicPartition>,
        owned_generation: i32,
        session_timeout_ms: u64,
        rebalance_timeout_ms: u64,
    },
    SyncGroup {
        group: String,
        member_id: String,
        generation: i32,
        /// Only the leader sends assignments.
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    Heartbeat {
        group: String,
        member_id: String,
        generation: i32,
    },
    LeaveGroup {
        group: String,
        member_id: String,
    },
    OffsetCommit {
        group: String,
        member_id: String,
        generation: i32,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    OffsetFetch {
        group: String,
        partitions: Vec<TopicPartition>,
    },
}

/// The coordinator's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupResponse {
    JoinGroup {
        error: Option<ErrorCode>,
        member_id: String,
        generation: i32,
        protocol: Option<String>,
        leader: String,
        /// Filled for the leader only.
        members: Vec<JoinedMember>,
    },
    SyncGroup {
        error: Option<ErrorCode>,
        assignment: Vec<TopicPartition>,
    },
    Heartbeat {
        error: Option<ErrorCode>,
    },
    LeaveGroup,
    OffsetCommit {
        error: Option<ErrorCode>,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    OffsetFetch {
        error: Option<ErrorCode>,
        offsets: Vec<(TopicPartition, Option<Offset>)>,
    },
}

impl GroupRequest {
    pub fn kind(&self) -> MessageKind {
        match self {
            GroupRequest::JoinGroup { .. } => MessageKind::JoinGroup,
            GroupRequest::SyncGroup { .. } => MessageKind::SyncGroup,
            GroupRequest::Heartbeat { .. } => MessageKind::Heartbeat,
            GroupRequest::LeaveGroup { .. } => MessageKind::LeaveGroup,
            GroupRequest::OffsetCommit { .. } => MessageKind::OffsetCommit,
            GroupRequest::OffsetFetch { .. } => MessageKind::OffsetFetch,
        }
    }

    pub fn group(&self) -> &str {
        match self {
            GroupRequest::JoinGroup { group, .. }
            | GroupRequest::SyncGroup { group, .. }
            | GroupRequest::Heartbeat { group, .. }
            | GroupRequest::LeaveGroup { group, .. }
            | GroupRequest::OffsetCommit { group, .. }
            | GroupRequest::OffsetFetch { group, .. } => group,
        }
    }
}

impl GroupResponse {
    pub fn kind(&self) -> MessageKind {
        match self {
            GroupResponse::JoinGroup { .. } => MessageKind::JoinGroupResponse,
            GroupResponse::SyncGroup { .. } => MessageKind::SyncGroupResponse,
            GroupResponse::Heartbeat { .. } => MessageKind::HeartbeatResponse,
            GroupResponse::LeaveGroup => MessageKind::LeaveGroupResponse,
            GroupResponse::OffsetCommit { .. } => MessageKind::OffsetCommitResponse,
            GroupResponse::OffsetFetch { .. } => MessageKind::OffsetFetchResponse,
        }
    }
}

/// The kind of a message, for filters, colours and compact trace lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    Produce,
    ProduceResponse,
    Fetch,
    FetchResponse,
    ReplicaFetch,
    ReplicaFetchResponse,
    ConnectionRefused,
    Metadata,
    MetadataResponse,
    JoinGroup,
    JoinGroupResponse,
    SyncGroup,
    SyncGroupResponse,
    Heartbeat,
    HeartbeatResponse,
    LeaveGroup,
    LeaveGroupResponse,
    OffsetCommit,
    OffsetCommitResponse,
    OffsetFetch,
    OffsetFetchResponse,
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::Produce { .. } => MessageKind::Produce,
            Message::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Message::Fetch { .. } => MessageKind::Fetch,
            Message::FetchResponse { .. } => MessageKind::FetchResponse,
            Message::ReplicaFetch { .. } => MessageKind::ReplicaFetch,
            Message::ReplicaFetchResponse { .. } => MessageKind::ReplicaFetchResponse,
            Message::ConnectionRefused { .. } => MessageKind::ConnectionRefused,
            Message::Metadata { .. } => MessageKind::Metadata,
            Message::MetadataResponse { .. } => MessageKind::MetadataResponse,
            Message::Group { request, .. } => request.kind(),
            Message::GroupResponse { response, .. } => response.kind(),
        }
    }

    pub fn correlation_id(&self) -> u64 {
        match self {
            Message::Produce { correlation_id, .. }
            | Message::ProduceResponse { correlation_id, .. }
            | Message::Fetch { correlation_id, .. }
            | Message::FetchResponse { correlation_id, .. }
            | Message::ReplicaFetch { correlation_id, .. }
            | Message::ReplicaFetchResponse { correlation_id, .. }
            | Message::ConnectionRefused { correlation_id }
            | Message::Metadata { correlation_id, .. }
            | Message::MetadataResponse { correlation_id, .. }
            | Message::Group { correlation_id, .. }
            | Message::GroupResponse { correlation_id, .. } => *correlation_id,
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            MessageKind::Produce => "Produce",
            MessageKind::ProduceResponse => "ProduceResponse",
            MessageKind::Fetch => "Fetch",
            MessageKind::FetchResponse => "FetchResponse",
            MessageKind::ReplicaFetch => "ReplicaFetch",
            MessageKind::ReplicaFetchResponse => "ReplicaFetchResponse",
            MessageKind::ConnectionRefused => "ConnectionRefused",
            MessageKind::Metadata => "Metadata",
            MessageKind::MetadataResponse => "MetadataResponse",
            MessageKind::JoinGroup => "JoinGroup",
            MessageKind::JoinGroupResponse => "JoinGroupResponse",
            MessageKind::SyncGroup => "SyncGroup",
            MessageKind::SyncGroupResponse => "SyncGroupResponse",
            MessageKind::Heartbeat => "Heartbeat",
            MessageKind::HeartbeatResponse => "HeartbeatResponse",
            MessageKind::LeaveGroup => "LeaveGroup",
            MessageKind::LeaveGroupResponse => "LeaveGroupResponse",
            MessageKind::OffsetCommit => "OffsetCommit",
            MessageKind::OffsetCommitResponse => "OffsetCommitResponse",
            MessageKind::OffsetFetch => "OffsetFetch",
            MessageKind::OffsetFetchResponse => "OffsetFetchResponse",
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

/// Latency and loss settings for every link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// One-way latency of every link.
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=jitter_ms` per message, from the run's seed.
    pub jitter_ms: u64,
    /// Messages dropped per million, drawn from the run's seed.
    pub drop_per_million: u32,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ms: 2,
            jitter_ms: 1,
            drop_per_million: 0,
        }
    }
}

/// What an isolated broker is cut off from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Isolation {
    /// The other brokers and the controller; clients still reach it (a zombie leader).
    Peers,
    /// Its clients; the other brokers and the controller still reach it.
    Clients,
    /// Everyone.
    All,
}

impl Isolation {
    pub fn from_peers(self) -> bool {
        matches!(self, Isolation::Peers | Isolation::All)
    }

    pub fn from_clients(self) -> bool {
        matches!(self, Isolation::Clients | Isolation::All)
    }

    /// The word a scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            Isolation::Peers => "peers",
            Isolation::Clients => "clients",
            Isolation::All => "all",
        }
    }
}

/// Why a client's connection to a broker closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DisconnectReason {
    /// A request got no answer within `request.timeout.ms`: the client closes the connection
    /// (`NetworkClient.handleTimedOutRequests`).
    RequestTimeout,
    /// As `RequestTimeout`, while the link to the broker was in fact cut (the client cannot
    /// tell the two apart; the event says which it was).
    LinkCut,
    /// The broker's process died and its operating system reset the connection.
    PeerDied,
    /// Connecting found no process listening (the broker is down).
    Refused,
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DisconnectReason::RequestTimeout => "request timed out",
            DisconnectReason::LinkCut => "request timed out on a cut link",
            DisconnectReason::PeerDied => "the broker's process died",
            DisconnectReason::Refused => "connection refused",
        })
    }
}

/// The client connection a message travels on, as `(client, broker)`; `None` between brokers.
fn client_connection(from: Node, to: Node) -> Option<(Node, BrokerId)> {
    match (from, to) {
        (Node::Broker(_), Node::Broker(_)) => None,
        (client, Node::Broker(broker)) | (Node::Broker(broker), client) => Some((client, broker)),
        _ => None,
    }
}

/// How a message left the wire.
pub enum Delivery {
    Arrived(InFlight),
    Lost(InFlight),
}

/// What happened to a message put on the wire.
pub enum Sent {
    /// It travels and arrives at this time.
    Travelling(MessageId, SimTime),
    /// It was lost on the way (drop rate, a cut link or an isolated broker) and will vanish at
    /// this time.
    Dropped(MessageId, SimTime),
}

/// The messages in flight and the state of each link.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub config: NetworkConfig,
    /// Keyed by `MessageId`, which only grows: thousands at a time on the large preset,
    /// leaving in any order (links differ in latency), which a sorted vector would pay for
    /// by moving all the later ones.
    in_flight: IdSlots<InFlight>,
    /// Messages that will vanish rather than arrive, drawn where they vanish.
    doomed: VecSet<MessageId>,
    /// The latest arrival time on each directed link. Kafka's connections are TCP, so
    /// messages between two nodes arrive in the order they were sent.
    last_arrival: VecMap<(Node, Node), SimTime>,
    /// Brokers cut off from their peers, their clients or both.
    isolated: VecMap<BrokerId, Isolation>,
    /// Directed links that carry nothing: `(from, to)`.
    cut: VecSet<(Node, Node)>,
    /// Open TCP connections, as `(the side that connected, the broker it connected to)`.
    connections: VecSet<(Node, BrokerId)>,
    /// Client connections on which a message was lost. TCP never loses one message and
    /// delivers the next: a loss means the connection is broken, so everything sent on it
    /// after is lost too, until the client closes it (its request times out) and reconnects.
    stalled: VecSet<(Node, BrokerId)>,
    /// Latency overrides for particular links, both directions, keyed by the ordered pair.
    link_latency_ms: VecMap<(Node, Node), u64>,
    next_message_id: u64,
}

impl Network {
    pub fn new(config: NetworkConfig) -> Self {
        Network {
            config,
            ..Network::default()
        }
    }

    pub fn isolate(&mut self, broker: BrokerId, from: Isolation) {
        self.isolated.insert(broker, from);
    }

    pub fn heal(&mut self, broker: BrokerId) {
        self.isolated.remove(&broker);
    }

    /// What the broker is cut off from, if anything.
    pub fn isolation(&self, broker: BrokerId) -> Option<Isolation> {
        self.isolated.get(&broker).copied()
    }

    /// Cuts the link from `from` to `to`, and the way back too unless `one_way`.
    pub fn cut_link(&mut self, from: Node, to: Node, one_way: bool) {
        self.cut.insert((from, to));
        if !one_way {
            self.cut.insert((to, from));
        }
    }

    /// Mends what [`Network::cut_link`] cut.
    pub fn heal_link(&mut self, from: Node, to: Node, one_way: bool) {
        self.cut.remove(&(from, to));
        if !one_way {
            self.cut.remove(&(to, from));
        }
    }

    /// Every directed link that is cut, in order.
    pub fn cut_links(&self) -> impl Iterator<Item = &(Node, Node)> {
        self.cut.iter()
    }

    /// Records that `node` has a connection open to `broker`; true if it was not open before.
    /// Opens the connection if it is not open; returns whether it was new. A new connection
    /// starts whole, whatever broke the last one.
    pub fn open_connection(&mut self, node: Node, broker: BrokerId) -> bool {
        let opened = self.connections.insert((node, broker));
        if opened {
            self.stalled.remove(&(node, broker));
        }
        opened
    }

    pub fn close_connection(&mut self, node: Node, broker: BrokerId) {
        self.stalled.remove(&(node, broker));
        self.connections.remove(&(node, broker));
    }

    pub fn is_connected(&self, node: Node, broker: BrokerId) -> bool {
        self.connections.contains(&(node, broker))
    }

    /// Every open connection, in order.
    pub fn connections(&self) -> impl Iterator<Item = &(Node, BrokerId)> {
        self.connections.iter()
    }

    /// A process died: every connection to it and from it is gone. Returns the nodes that
    /// were connected to it, whose operating systems receive its reset.
    pub fn reset_connections(&mut self, broker: BrokerId) -> Vec<Node> {
        let peers: Vec<Node> = self
            .connections
            .iter()
            .filter(|(_, to)| *to == broker)
            .map(|(node, _)| *node)
            .collect();
        self.connections
            .retain(|(node, to)| *to != broker && *node != Node::Broker(broker));
        self.stalled.retain(|(_, to)| *to != broker);
        peers
    }

    /// One-way latency between two nodes, without jitter.
    pub fn base_latency_ms(&self, from: Node, to: Node) -> u64 {
        self.latency_ms(from, to)
    }

    /// Sets the one-way latency between two nodes, in both directions.
    pub fn set_link_latency(&mut self, a: Node, b: Node, latency_ms: u64) {
        self.link_latency_ms
            .insert((a.min(b), a.max(b)), latency_ms);
    }

    fn latency_ms(&self, from: Node, to: Node) -> u64 {
        self.link_latency_ms
            .get(&(from.min(to), from.max(to)))
            .copied()
            .unwrap_or(self.config.latency_ms)
    }

    /// Whether the broker is cut off from its peers and the controller.
    pub fn is_isolated(&self, broker: BrokerId) -> bool {
        self.isolation(broker).is_some_and(Isolation::from_peers)
    }

    /// Whether the broker is cut off from its clients.
    pub fn is_isolated_from_clients(&self, broker: BrokerId) -> bool {
        self.isolation(broker).is_some_and(Isolation::from_clients)
    }

    /// Whether a message can cross from one node to another right now.
    pub fn link_up(&self, from: Node, to: Node) -> bool {
        if self.cut.contains(&(from, to)) {
            return false;
        }
        match (from, to) {
            (Node::Broker(a), Node::Broker(b)) => !(self.is_isolated(a) || self.is_isolated(b)),
            (Node::Broker(b), _) | (_, Node::Broker(b)) => !self.is_isolated_from_clients(b),
            _ => true,
        }
    }

    /// Puts a message on the wire.
    pub fn send(
        &mut self,
        from: Node,
        to: Node,
        message: Message,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Sent {
        let jitter_ms = if self.config.jitter_ms > 0 {
            rng.between(0, self.config.jitter_ms)
        } else {
            0
        };
        let dropped_by_chance = self.config.drop_per_million > 0
            && rng.below(1_000_000) < u64::from(self.config.drop_per_million);
        let earliest = now.plus_ms(self.latency_ms(from, to) + jitter_ms);
        let link = (from, to);
        let arrives_at = match self.last_arrival.get(&link) {
            Some(&previous) if previous > earliest => previous,
            _ => earliest,
        };
        self.last_arrival.insert(link, arrives_at);
        let id = MessageId(self.next_message_id);
        self.next_message_id += 1;
        // Between a client and a broker, a loss breaks the connection (see `stalled`). An
        // `acks=0` request expects no answer and so no timeout would ever close the
        // connection: its loss stays a loss of that request alone. Followers fetch by offset,
        // so a lost fetch between brokers is only a fetch to send again.
        let connection = client_connection(from, to);
        let stalled = connection.is_some_and(|c| self.stalled.contains(&c));
        let answerless = matches!(
            message,
            Message::Produce {
                acks: Acks::None,
                ..
            }
        );
        if let (true, Some(connection), false) = (dropped_by_chance, connection, answerless) {
            self.stalled.insert(connection);
        }
        let doomed = dropped_by_chance || stalled || !self.link_up(from, to);
        // A lost message travels half way, so the picture shows where it vanished.
        let ends_at = if doomed {
            now.plus_ms(arrives_at.since(now) / 2)
        } else {
            arrives_at
        };
        self.in_flight.insert(
            id.0,
            InFlight {
                id,
                from,
                to,
                sent_at: now,
                arrives_at,
                message,
            },
        );
        if doomed {
            self.doomed.insert(id);
            Sent::Dropped(id, ends_at)
        } else {
            Sent::Travelling(id, arrives_at)
        }
    }

    /// Takes a message off the wire. A message whose link was cut while it travelled, or that
    /// was doomed when sent, is lost rather than arrived.
    pub fn deliver(&mut self, id: MessageId) -> Option<Delivery> {
        let flight = self.in_flight.remove(id.0)?;
        if self.doomed.remove(&id) || !self.link_up(flight.from, flight.to) {
            return Some(Delivery::Lost(flight));
        }
        Some(Delivery::Arrived(flight))
    }

    /// Every message still travelling, in the order they were sent.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }

    pub fn is_doomed(&self, id: MessageId) -> bool {
        self.doomed.contains(&id)
    }
}

impl Message {
    /// Whether the message is a request, which travels on a connection its sender opened.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            Message::Produce { .. }
                | Message::Fetch { .. }
                | Message::ReplicaFetch { .. }
                | Message::Group { .. }
                | Message::Metadata { .. }
        )
    }
}

mod pictures;

#[cfg(test)]
mod tests;
