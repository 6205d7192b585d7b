//! What a client knows of the cluster, and its connections to the brokers, as Kafka's
//! `Metadata` and `NetworkClient` keep them.
//!
//! A client learns who leads a partition only from Metadata responses, which each broker
//! answers from its own copy of the cluster's metadata. It asks again when a request fails with
//! a retriable error (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION) or its connection
//! closes, and when its metadata is older than `metadata.max.age.ms`, never twice within
//! `retry.backoff.ms`. A leader epoch older than the one it holds is ignored (KIP-320), so a
//! stale broker cannot take a newer answer back.
//!
//! A connection that closes (a request timed out, the broker's process died, nothing listens)
//! fails every request in flight on it at once, and the client waits `reconnect.backoff.ms`
//! before connecting again, doubling per failure up to `reconnect.backoff.max.ms`, with 20 %
//! jitter from the run's seed (`ClusterConnectionStates`).

use crate::engine::sorted::{VecMap, VecSet};
use std::sync::Arc;

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::network::{DisconnectReason, Message, Node, PartitionMetadata, TopicMetadata};
use crate::engine::time::SimTime;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

/// A client's metadata cache and connection states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientMetadata {
    /// Partitions by topic, as the last Metadata responses described them. Shared between the
    /// copies of a simulation (the sandbox's snapshots) until a response changes them: every
    /// client holds every partition of its topics, each with two lists of brokers, which were
    /// most of the 6 000 allocations of copying the large preset.
    pub topics: VecMap<String, Arc<Vec<PartitionMetadata>>>,
    /// The brokers the cluster has, from the last response (the bootstrap list before).
    pub brokers: Vec<BrokerId>,
    /// The topics the client asks about.
    wanted: VecSet<String>,
    /// When the last Metadata response arrived.
    updated_at: SimTime,
    /// A refresh was asked for and not yet answered.
    update_requested: bool,
    /// The Metadata request on the wire: its broker and correlation id.
    in_flight: Option<(BrokerId, u64)>,
    /// When the last Metadata request was sent, for `retry.backoff.ms`.
    last_request_at: Option<SimTime>,
    /// The refresh timer already scheduled, so that only one runs.
    refresh_at: Option<SimTime>,
    /// Per broker: consecutive connection failures and when the client may connect again.
    backoff: VecMap<BrokerId, (u32, SimTime)>,
    /// Each cached topic's name, made once and shared by the partitions the client creates.
    names: VecMap<String, Arc<str>>,
}

impl ClientMetadata {
    /// Starts from a first Metadata exchange (the bootstrap one, which is not drawn) and wants
    /// `topics`.
    pub fn bootstrapped(
        topics: VecMap<String, Vec<PartitionMetadata>>,
        brokers: Vec<BrokerId>,
        now: SimTime,
    ) -> Self {
        ClientMetadata {
            wanted: topics.keys().cloned().collect(),
            names: topics
                .keys()
                .map(|t| (t.clone(), Arc::from(t.as_str())))
                .collect::<VecMap<_, _>>(),
            topics: topics
                .into_iter()
                .map(|(name, partitions)| (name, Arc::new(partitions)))
                .collect(),
            brokers,
            updated_at: now,
            ..ClientMetadata::default()
        }
    }

    /// The leader of a partition, as this client believes.
    pub fn leader_for(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.topics
            .get(&*tp.topic)?
            .get(tp.partition as usize)?
            .leader
    }

    pub fn partition_count(&self, topic: &str) -> Option<u32> {
        self.topics.get(topic).map(|p| p.len() as u32)
    }

    /// The topic's name as one shared string.
    pub fn shared_name(&self, topic: &str) -> Arc<str> {
        self.names
            .get(topic)
            .cloned()
            .unwrap_or_else(|| Arc::from(topic))
    }

    /// Whether the client must wait before connecting to `broker`, and until when.
    pub fn reconnect_at(&self, broker: BrokerId, now: SimTime) -> Option<SimTime> {
        self.backoff
            .get(&broker)
            .map(|&(_, at)| at)
            .filter(|&at| at > now)
    }

    /// Whether a Metadata request is on the wire.
    pub fn is_updating(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Adds a topic to those the client asks about; true if it was new.
    pub fn want(&mut self, topic: &str) -> bool {
        self.wanted.insert(topic.to_owned())
    }

    /// Takes a response's topics in, partition by partition, keeping a cached partition whose
    /// leader epoch is newer than the answer's. Returns the partitions whose leader or epoch
    /// changed.
    fn absorb(&mut self, topics: Vec<TopicMetadata>) -> Vec<(TopicPartition, PartitionMetadata)> {
        let mut changed = Vec::new();
        for topic in topics {
            if topic.error.is_some() {
                self.topics.remove(&topic.name);
                continue;
            }
            self.names
                .entry(topic.name.clone())
                .or_insert_with(|| Arc::from(topic.name.as_str()));
            let cached = Arc::make_mut(self.topics.entry(topic.name.clone()).or_default());
            if cached.len() != topic.partitions.len() {
                cached.clone_from(&topic.partitions);
                changed.extend(topic.partitions.iter().map(|p| {
                    (
                        TopicPartition::new(topic.name.clone(), p.partition),
                        p.clone(),
                    )
                }));
                continue;
            }
            for (old, new) in cached.iter_mut().zip(topic.partitions) {
                if new.leader_epoch < old.leader_epoch {
                    continue;
                }
                if new.leader != old.leader || new.leader_epoch != old.leader_epoch {
                    changed.push((
                        TopicPartition::new(topic.name.clone(), new.partition),
                        new.clone(),
                    ));
                }
                *old = new;
            }
        }
        changed
    }
}

/// The settings of a client that this module follows.
struct WireSettings {
    retry_backoff_ms: u64,
    request_timeout_ms: u64,
    metadata_max_age_ms: u64,
    reconnect_backoff_ms: u64,
    reconnect_backoff_max_ms: u64,
}

impl Simulation {
    pub(in crate::engine) fn client_metadata(&self, node: Node) -> Option<&ClientMetadata> {
        match node {
            Node::Producer(id) => self.producers.get(&id).map(|p| &p.metadata),
            Node::Consumer(id) => self.consumers.get(&id).map(|c| &c.metadata),
            Node::Broker(_) => None,
        }
    }

    fn client_metadata_mut(&mut self, node: Node) -> Option<&mut ClientMetadata> {
        match node {
            Node::Producer(id) => self.producers.get_mut(&id).map(|p| &mut p.metadata),
            Node::Consumer(id) => self.consumers.get_mut(&id).map(|c| &mut c.metadata),
            Node::Broker(_) => None,
        }
    }

    fn wire_settings(&self, node: Node) -> Option<WireSettings> {
        match node {
            Node::Producer(id) => self.producers.get(&id).map(|p| WireSettings {
                retry_backoff_ms: p.config.retry_backoff_ms,
                request_timeout_ms: p.config.request_timeout_ms,
                metadata_max_age_ms: p.config.metadata_max_age_ms,
                reconnect_backoff_ms: p.config.reconnect_backoff_ms,
                reconnect_backoff_max_ms: p.config.reconnect_backoff_max_ms,
            }),
            Node::Consumer(id) => self.consumers.get(&id).map(|c| WireSettings {
                retry_backoff_ms: c.config.retry_backoff_ms,
                request_timeout_ms: 30_000,
                metadata_max_age_ms: c.config.metadata_max_age_ms,
                reconnect_backoff_ms: c.config.reconnect_backoff_ms,
                reconnect_backoff_max_ms: c.config.reconnect_backoff_max_ms,
            }),
            Node::Broker(_) => None,
        }
    }

    /// A new client's first metadata: the bootstrap exchange every Kafka client makes before
    /// its first send or poll, taken as already answered (it is not drawn).
    pub(in crate::engine) fn bootstrap_client_metadata(&self) -> ClientMetadata {
        let (topics, brokers) = self.bootstrap_metadata();
        ClientMetadata::bootstrapped(topics, brokers, self.now)
    }

    /// Starts the client's `metadata.max.age.ms` timer.
    pub(in crate::engine) fn start_metadata_timer(&mut self, node: Node) {
        self.schedule_metadata_check(node);
    }

    /// `metadata.requestUpdate()`: the client will ask for fresh metadata as soon as
    /// `retry.backoff.ms` allows.
    pub(in crate::engine) fn request_metadata_update(&mut self, node: Node) {
        let Some(metadata) = self.client_metadata_mut(node) else {
            return;
        };
        metadata.update_requested = true;
        self.maybe_send_metadata(node);
    }

    /// A client wants a topic it has no metadata for: it asks for it.
    pub(in crate::engine) fn want_topic_metadata(&mut self, node: Node, topic: &str) {
        let Some(metadata) = self.client_metadata_mut(node) else {
            return;
        };
        if metadata.want(topic) || !metadata.topics.contains_key(topic) {
            self.request_metadata_update(node);
        }
    }

    fn schedule_metadata_check(&mut self, node: Node) {
        let Some(settings) = self.wire_settings(node) else {
            return;
        };
        let now = self.now;
        let metadata = self.client_metadata_mut(node).expect("a client");
        let at = if metadata.update_requested {
            metadata
                .last_request_at
                .map_or(now, |t| t.plus_ms(settings.retry_backoff_ms))
        } else {
            metadata.updated_at.plus_ms(settings.metadata_max_age_ms)
        }
        .max(now);
        if metadata.refresh_at.is_some_and(|t| t <= at && t >= now) {
            return;
        }
        metadata.refresh_at = Some(at);
        self.schedule_timer(at, Timer::MetadataRefresh(node));
    }

    pub(in crate::engine) fn on_metadata_refresh_timer(&mut self, node: Node) {
        let now = self.now;
        let Some(metadata) = self.client_metadata_mut(node) else {
            return;
        };
        if metadata.refresh_at != Some(now) {
            return;
        }
        metadata.refresh_at = None;
        self.maybe_send_metadata(node);
    }

    /// Sends a Metadata request if one is due (asked for, or the metadata is too old), none is
    /// on the wire and `retry.backoff.ms` has passed since the last; otherwise looks again when
    /// it could be.
    fn maybe_send_metadata(&mut self, node: Node) {
        let Some(settings) = self.wire_settings(node) else {
            return;
        };
        if let Node::Consumer(id) = node {
            // A crashed or closed consumer's process sends nothing any more.
            if self
                .consumers
                .get(&id)
                .is_some_and(|c| c.crashed || c.closed)
            {
                return;
            }
        }
        let now = self.now;
        let metadata = self.client_metadata(node).expect("a client");
        if metadata.in_flight.is_some() {
            return;
        }
        let stale = now >= metadata.updated_at.plus_ms(settings.metadata_max_age_ms);
        let backing_off = metadata
            .last_request_at
            .is_some_and(|t| now < t.plus_ms(settings.retry_backoff_ms));
        if !(metadata.update_requested || stale) || backing_off {
            if stale {
                self.client_metadata_mut(node)
                    .expect("a client")
                    .update_requested = true;
            }
            self.schedule_metadata_check(node);
            return;
        }
        let Some(broker) = self.least_loaded_broker(node) else {
            // Every broker is in reconnect backoff: try when the first one is out of it.
            let metadata = self.client_metadata(node).expect("a client");
            if let Some(at) = metadata.backoff.values().map(|&(_, at)| at).min() {
                self.schedule_timer(at.max(now), Timer::MetadataRefresh(node));
                self.client_metadata_mut(node).expect("a client").refresh_at = Some(at.max(now));
            }
            return;
        };
        let correlation_id = self.next_client_correlation(node);
        let metadata = self.client_metadata_mut(node).expect("a client");
        metadata.in_flight = Some((broker, correlation_id));
        metadata.last_request_at = Some(now);
        metadata.update_requested = true;
        let topics = metadata.wanted.iter().cloned().collect();
        self.schedule_timer(
            now.plus_ms(settings.request_timeout_ms),
            Timer::MetadataTimeout(node, broker, correlation_id),
        );
        self.send(
            node,
            Node::Broker(broker),
            Message::Metadata {
                correlation_id,
                topics,
            },
        );
    }

    /// `NetworkClient.leastLoadedNode`: from a random starting point (the run's seed), the
    /// first broker the client is connected to, else the first it may connect to now.
    fn least_loaded_broker(&mut self, node: Node) -> Option<BrokerId> {
        let now = self.now;
        let metadata = self.client_metadata(node)?;
        let brokers = metadata.brokers.clone();
        if brokers.is_empty() {
            return None;
        }
        let start = self.rng.below(brokers.len() as u64) as usize;
        let metadata = self.client_metadata(node)?;
        let order = (0..brokers.len()).map(|i| brokers[(start + i) % brokers.len()]);
        let usable: Vec<BrokerId> = order
            .filter(|b| metadata.reconnect_at(*b, now).is_none())
            .collect();
        usable
            .iter()
            .copied()
            .find(|b| self.network.is_connected(node, *b))
            .or_else(|| usable.first().copied())
    }

    fn next_client_correlation(&mut self, node: Node) -> u64 {
        match node {
            Node::Producer(id) => self
                .producers
                .get_mut(&id)
                .expect("a client")
                .next_correlation(),
            Node::Consumer(id) => self
                .consumers
                .get_mut(&id)
                .expect("a client")
                .next_correlation(),
            Node::Broker(_) => 0,
        }
    }

    /// A broker answered on this connection: it is established, so the next failure backs off
    /// from `reconnect.backoff.ms` again (`ClusterConnectionStates.ready`).
    pub(in crate::engine) fn on_connection_answered(&mut self, node: Node, broker: BrokerId) {
        if let Some(metadata) = self.client_metadata_mut(node) {
            metadata.backoff.remove(&broker);
        }
    }

    pub(in crate::engine) fn on_metadata_response(
        &mut self,
        node: Node,
        broker: BrokerId,
        correlation_id: u64,
        brokers: Vec<BrokerId>,
        topics: Vec<TopicMetadata>,
    ) {
        let now = self.now;
        let Some(metadata) = self.client_metadata_mut(node) else {
            return;
        };
        if metadata.in_flight != Some((broker, correlation_id)) {
            return;
        }
        metadata.in_flight = None;
        metadata.update_requested = false;
        metadata.updated_at = now;
        metadata.brokers = brokers;
        metadata.backoff.remove(&broker);
        let changed = metadata.absorb(topics);
        for (partition, p) in changed {
            self.emit(EventKind::MetadataUpdated {
                client: node,
                from: broker,
                partition,
                leader: p.leader,
                leader_epoch: p.leader_epoch,
            });
        }
        self.schedule_metadata_check(node);
        self.after_metadata_update(node);
    }

    /// What a client does with fresh metadata: the producer's sender drains, the consumer
    /// fetches.
    fn after_metadata_update(&mut self, node: Node) {
        match node {
            Node::Producer(id) => self.drain_producer(id),
            Node::Consumer(id) => self.schedule_poll(id, self.now),
            Node::Broker(_) => {}
        }
    }

    pub(in crate::engine) fn on_metadata_timeout(
        &mut self,
        node: Node,
        broker: BrokerId,
        correlation_id: u64,
    ) {
        let pending = self
            .client_metadata(node)
            .is_some_and(|m| m.in_flight == Some((broker, correlation_id)));
        if pending {
            let reason = self.timeout_reason(node, broker);
            self.on_disconnected(node, broker, reason, Some(correlation_id));
        }
    }

    /// A request timed out: the client cannot tell a cut link from a slow broker, but the
    /// event says which it was.
    pub(in crate::engine) fn timeout_reason(
        &self,
        node: Node,
        broker: BrokerId,
    ) -> DisconnectReason {
        let b = Node::Broker(broker);
        if self.network.link_up(node, b) && self.network.link_up(b, node) {
            DisconnectReason::RequestTimeout
        } else {
            DisconnectReason::LinkCut
        }
    }

    /// The client's connection to `broker` closed: every request in flight on it fails now
    /// (the one that timed out with REQUEST_TIMED_OUT, the others with NETWORK_EXCEPTION), the
    /// client backs off before reconnecting, and asks for fresh metadata.
    pub(in crate::engine) fn on_disconnected(
        &mut self,
        node: Node,
        broker: BrokerId,
        reason: DisconnectReason,
        timed_out: Option<u64>,
    ) {
        let Some(settings) = self.wire_settings(node) else {
            return;
        };
        let now = self.now;
        self.network.close_connection(node, broker);
        let failures = self
            .client_metadata(node)
            .and_then(|m| m.backoff.get(&broker))
            .map_or(0, |&(f, _)| f)
            + 1;
        let base = settings
            .reconnect_backoff_ms
            .saturating_mul(1u64 << (failures - 1).min(20))
            .min(
                settings
                    .reconnect_backoff_max_ms
                    .max(settings.reconnect_backoff_ms),
            );
        // ExponentialBackoff's jitter: a factor drawn uniformly from 0.8 to 1.2.
        let jitter_percent = self.rng.between(80, 120);
        let reconnect_at = now.plus_ms(base * jitter_percent / 100);
        let metadata = self.client_metadata_mut(node).expect("a client");
        metadata.backoff.insert(broker, (failures, reconnect_at));
        let mut requests_failed = 0;
        if metadata.in_flight.is_some_and(|(b, _)| b == broker) {
            metadata.in_flight = None;
            requests_failed += 1;
        }
        requests_failed += match node {
            Node::Producer(id) => self.fail_produce_requests_on(id, broker, timed_out),
            Node::Consumer(id) => self.fail_consumer_requests_on(id, broker),
            Node::Broker(_) => 0,
        };
        self.emit(EventKind::ConnectionClosed {
            client: node,
            broker,
            reason,
            requests_failed,
            reconnect_at,
        });
        self.request_metadata_update(node);
        self.after_metadata_update(node);
    }

    /// A client sent a request to a broker that answered NOT_LEADER_OR_FOLLOWER or
    /// UNKNOWN_TOPIC_OR_PARTITION: its metadata is stale.
    pub(in crate::engine) fn on_stale_metadata_error(&mut self, node: Node, error: ErrorCode) {
        if matches!(
            error,
            ErrorCode::NotLeaderOrFollower | ErrorCode::UnknownTopicOrPartition
        ) {
            self.request_metadata_update(node);
        }
    }
}
