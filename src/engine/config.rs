//! Settings, named after Kafka's configs, with Kafka's defaults (3.x/4.0). Every default is
//! visible here, with the version it comes from where it changed.
//!
//! In `config/docs.rs`, one [`ConfigDoc`] per setting gives its Kafka name, its default as text
//! and a one-line meaning, per [`ConfigFamily`]; look one up with [`config_doc`]
//! (`config_doc("linger.ms")`) or [`field_doc`]. That table is the only place those words
//! live: the sandbox's forms show it, and `tests/config_table.rs` holds it to the `Default`
//! impls and to `docs/scenarios.md`.

use serde::{Deserialize, Serialize};

mod docs;

pub use docs::{
    config_doc, config_docs, field_doc, ConfigDoc, ConfigFamily, BROKER_CONFIG_DOCS,
    CONSUMER_CONFIG_DOCS, NETWORK_CONFIG_DOCS, PRODUCER_CONFIG_DOCS, TOPIC_CONFIG_DOCS,
};

/// `cleanup.policy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CleanupPolicy {
    #[default]
    Delete,
    Compact,
}

/// A topic's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicConfig {
    /// `num.partitions` when auto-created; given when created by hand.
    pub partitions: u32,
    /// `replication.factor` (`default.replication.factor` = 1 when auto-created).
    pub replication_factor: u32,
    /// `min.insync.replicas` (default 1); enforced only for `acks=all`.
    pub min_insync_replicas: u32,
    /// `retention.ms` (default 7 days; -1 = unlimited).
    pub retention_ms: i64,
    /// `retention.bytes` (default -1 = unlimited), per partition.
    pub retention_bytes: i64,
    /// `segment.bytes` (default 1 GiB). Small values make segments visible.
    pub segment_bytes: u64,
    /// `segment.ms` (default 7 days).
    pub segment_ms: u64,
    pub cleanup_policy: CleanupPolicy,
    /// `delete.retention.ms` (default 1 day): how long tombstones survive compaction.
    pub delete_retention_ms: u64,
    /// `min.cleanable.dirty.ratio` (default 0.5), in percent to stay an integer.
    pub min_cleanable_dirty_ratio_percent: u32,
    /// `unclean.leader.election.enable` (default false).
    pub unclean_leader_election_enable: bool,
    /// The replica assignment, one list of broker ids per partition (kafka-topics'
    /// `--replica-assignment`); the first of each list is its preferred leader. Unset, the
    /// controller places replicas as Kafka does, from the seed.
    pub replicas: Option<Vec<Vec<u32>>>,
    /// `max.message.bytes` (1048588): the largest record batch the topic accepts; a larger one
    /// fails with `MESSAGE_TOO_LARGE` (`RecordTooLargeException`).
    pub max_message_bytes: u32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            partitions: 1,
            replication_factor: 1,
            min_insync_replicas: 1,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: 1 << 30,
            segment_ms: 604_800_000,
            cleanup_policy: CleanupPolicy::Delete,
            delete_retention_ms: 86_400_000,
            min_cleanable_dirty_ratio_percent: 50,
            unclean_leader_election_enable: false,
            replicas: None,
            max_message_bytes: 1_048_588,
        }
    }
}

/// Broker-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrokerConfig {
    /// `replica.lag.time.max.ms` (30000 since 2.5): a follower that has not caught up for this
    /// long leaves the ISR.
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms` (500): how long a leader holds an empty follower fetch.
    pub replica_fetch_wait_max_ms: u64,
    /// `broker.session.timeout.ms` (9000, KRaft): how long the controller waits for a silent
    /// broker's heartbeat before fencing it and moving its leaderships.
    pub broker_session_timeout_ms: u64,
    /// `log.retention.check.interval.ms` (300000).
    pub log_retention_check_interval_ms: u64,
    /// `log.cleaner.backoff.ms` (15000): how often the cleaner looks for work.
    pub log_cleaner_backoff_ms: u64,
    /// `auto.create.topics.enable` (true).
    pub auto_create_topics_enable: bool,
    /// `num.partitions` (1) for auto-created topics.
    pub num_partitions: u32,
    /// `default.replication.factor` (1) for auto-created topics.
    pub default_replication_factor: u32,
    /// `group.initial.rebalance.delay.ms` (3000).
    pub group_initial_rebalance_delay_ms: u64,
    /// `offsets.topic.num.partitions` (50): which coordinator owns a group.
    pub offsets_topic_num_partitions: u32,
    /// `group.min.session.timeout.ms` (6000).
    pub group_min_session_timeout_ms: u64,
    /// `group.max.session.timeout.ms` (1800000).
    pub group_max_session_timeout_ms: u64,
    /// `unclean.leader.election.interval.ms` (300000, KRaft since 3.9): how often the
    /// controller looks for leaderless partitions it may now elect an unclean leader for,
    /// for example after `unclean.leader.election.enable` was turned on.
    pub unclean_leader_election_interval_ms: u64,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            broker_session_timeout_ms: 9_000,
            log_retention_check_interval_ms: 300_000,
            log_cleaner_backoff_ms: 15_000,
            auto_create_topics_enable: true,
            num_partitions: 1,
            default_replication_factor: 1,
            group_initial_rebalance_delay_ms: 3_000,
            offsets_topic_num_partitions: 50,
            group_min_session_timeout_ms: 6_000,
            group_max_session_timeout_ms: 1_800_000,
            unclean_leader_election_interval_ms: 300_000,
        }
    }
}

/// `acks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acks {
    /// `acks=0`: the producer does not wait; the offset it learns is -1.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: the leader answers after its own append.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all` (-1): the leader answers once every in-sync replica has the batch.
    #[serde(rename = "all")]
    All,
}

/// How a keyless record picks its partition (`partitioner.class`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeylessPartitioner {
    /// The built-in uniform sticky partitioner (KIP-794, default since 3.3): stay on one
    /// partition until `batch.size` bytes went there, then switch at random.
    #[default]
    UniformSticky,
    /// `RoundRobinPartitioner`: a per-topic counter from 0 over the available partitions.
    RoundRobin,
}

/// How the application calls `send()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendMode {
    /// `send(record)` and never look at the result.
    FireAndForget,
    /// `send(record).get()`: the next send waits for this one's answer.
    Synchronous,
    /// `send(record, callback)`: keep sending; the callback reports each result.
    #[default]
    Asynchronous,
}

/// A producer's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerConfig {
    /// `acks` (all since 3.0; 1 before).
    pub acks: Acks,
    /// `enable.idempotence` (true since 3.0).
    pub enable_idempotence: bool,
    /// `retries` (2147483647).
    pub retries: u32,
    /// `retry.backoff.ms` (100): the first wait before a retry.
    pub retry_backoff_ms: u64,
    /// `retry.backoff.max.ms` (1000, KIP-580): the wait doubles per retry up to this.
    pub retry_backoff_max_ms: u64,
    /// `delivery.timeout.ms` (120000): how long `send()` may take in all, retries included.
    pub delivery_timeout_ms: u64,
    /// `request.timeout.ms` (30000): how long to wait for one response.
    pub request_timeout_ms: u64,
    /// `batch.size` (16384 bytes).
    pub batch_size: u32,
    /// `linger.ms` (5 since 4.0 by KIP-1030; 0 before).
    pub linger_ms: u64,
    /// `max.in.flight.requests.per.connection` (5).
    pub max_in_flight_requests_per_connection: u32,
    pub partitioner: KeylessPartitioner,
    pub send_mode: SendMode,
    /// `metadata.max.age.ms` (300000): metadata older than this is refreshed.
    pub metadata_max_age_ms: u64,
    /// `reconnect.backoff.ms` (50): the first wait before reconnecting to a broker.
    pub reconnect_backoff_ms: u64,
    /// `reconnect.backoff.max.ms` (1000): the longest, as the wait doubles per failure.
    pub reconnect_backoff_max_ms: u64,
    /// `max.request.size` (1048576): the largest record `send()` accepts, and the most one
    /// produce request carries.
    pub max_request_size: u32,
    /// `buffer.memory` (33554432): bytes of records the accumulator holds at most.
    pub buffer_memory: u64,
    /// `max.block.ms` (60000): how long `send()` blocks while the accumulator is full before
    /// it fails with a `TimeoutException`.
    pub max_block_ms: u64,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            acks: Acks::All,
            enable_idempotence: true,
            retries: i32::MAX as u32,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            delivery_timeout_ms: 120_000,
            request_timeout_ms: 30_000,
            batch_size: 16_384,
            linger_ms: 5,
            max_in_flight_requests_per_connection: 5,
            partitioner: KeylessPartitioner::UniformSticky,
            send_mode: SendMode::Asynchronous,
            metadata_max_age_ms: 300_000,
            reconnect_backoff_ms: 50,
            reconnect_backoff_max_ms: 1_000,
            max_request_size: 1_048_576,
            buffer_memory: 33_554_432,
            max_block_ms: 60_000,
        }
    }
}

/// `auto.offset.reset`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoOffsetReset {
    /// The log start offset (the console consumer's `--from-beginning`).
    Earliest,
    /// The high watermark: only records produced from now on. Kafka's default.
    #[default]
    Latest,
    /// No position is an error.
    None,
}

/// A consumer's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerConfig {
    /// `max.poll.records` (500).
    pub max_poll_records: u32,
    pub auto_offset_reset: AutoOffsetReset,
    /// `fetch.max.wait.ms` (500): how long a broker holds a fetch that found no data.
    pub fetch_max_wait_ms: u64,
    /// `fetch.max.bytes` (52428800): the most one fetch response carries.
    pub fetch_max_bytes: u32,
    /// `max.partition.fetch.bytes` (1048576): the most one partition contributes to a fetch.
    pub max_partition_fetch_bytes: u32,
    /// `enable.auto.commit` (true).
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms` (5000).
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms` (45000 since 3.0).
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms` (3000).
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms` (300000), also the JoinGroup rebalance timeout.
    pub max_poll_interval_ms: u64,
    /// `group.instance.id` (unset): static membership.
    pub group_instance_id: Option<String>,
    /// `partition.assignment.strategy` ([range, cooperative-sticky] since 3.0), by name.
    pub partition_assignment_strategy: Vec<String>,
    /// The application's time to process one record (not a Kafka config).
    pub processing_time_ms: u64,
    /// Time the application spends between two polls when there is nothing to process.
    pub poll_interval_ms: u64,
    /// `retry.backoff.ms` (100): the wait between two Metadata requests.
    pub retry_backoff_ms: u64,
    /// `metadata.max.age.ms` (300000): metadata older than this is refreshed.
    pub metadata_max_age_ms: u64,
    /// `reconnect.backoff.ms` (50): the first wait before reconnecting to a broker.
    pub reconnect_backoff_ms: u64,
    /// `reconnect.backoff.max.ms` (1000): the longest, as the wait doubles per failure.
    pub reconnect_backoff_max_ms: u64,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            max_poll_records: 500,
            auto_offset_reset: AutoOffsetReset::Latest,
            fetch_max_wait_ms: 500,
            fetch_max_bytes: 52_428_800,
            max_partition_fetch_bytes: 1_048_576,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            group_instance_id: None,
            partition_assignment_strategy: vec![
                "range".to_owned(),
                "cooperative-sticky".to_owned(),
            ],
            processing_time_ms: 0,
            poll_interval_ms: 100,
            retry_backoff_ms: 100,
            metadata_max_age_ms: 300_000,
            reconnect_backoff_ms: 50,
            reconnect_backoff_max_ms: 1_000,
        }
    }
}
