//! The one table of every setting's Kafka name, default and meaning, family by family (split
//! from `config.rs` so that each file has one job: the structs there, their documentation here).

/// The config structs a setting can belong to, which are also the sections of a scenario file
/// (`[cluster]`, `[network]`, `[[topics]]`, `[[producers]]`, `[[consumers]]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConfigFamily {
    /// `BrokerConfig`, a scenario's `[cluster]`.
    Broker,
    /// `NetworkConfig`, a scenario's `[network]`: the playground's own, not Kafka's.
    Network,
    /// `TopicConfig`.
    Topic,
    /// `ProducerConfig`.
    Producer,
    /// `ConsumerConfig`.
    Consumer,
}

impl ConfigFamily {
    pub const ALL: [ConfigFamily; 5] = [
        ConfigFamily::Broker,
        ConfigFamily::Network,
        ConfigFamily::Topic,
        ConfigFamily::Producer,
        ConfigFamily::Consumer,
    ];

    /// Every setting of the family, in the struct's order.
    pub fn docs(self) -> &'static [ConfigDoc] {
        match self {
            ConfigFamily::Broker => BROKER_CONFIG_DOCS,
            ConfigFamily::Network => NETWORK_CONFIG_DOCS,
            ConfigFamily::Topic => TOPIC_CONFIG_DOCS,
            ConfigFamily::Producer => PRODUCER_CONFIG_DOCS,
            ConfigFamily::Consumer => CONSUMER_CONFIG_DOCS,
        }
    }
}

/// One setting, documented once: its Kafka name, its default and what it does. This table is
/// the only place these words live; the sandbox's forms read it, and tests check it against
/// the `Default` impls above and against `docs/scenarios.md` (`tests/config_table.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigDoc {
    /// The field's name in the engine's struct and in scenario files (`linger_ms`).
    pub field: &'static str,
    /// Kafka's config name (`linger.ms`), or `None` for a setting Kafka does not have (the
    /// network's latency, the application's processing time).
    pub kafka_name: Option<&'static str>,
    /// The engine's default, written as a scenario file writes the value, without quotes:
    /// `5`, `all`, `[range, cooperative-sticky]`, or `unset` for a setting with no value.
    pub default_text: &'static str,
    /// What the default amounts to or when it changed (`7 days`, `since 4.0; 0 before`);
    /// empty when there is nothing to add.
    pub default_note: &'static str,
    /// One line saying what the setting does.
    pub meaning: &'static str,
}

impl ConfigDoc {
    /// The name a form shows: Kafka's, or the field's for the playground's own settings.
    pub fn name(&self) -> &'static str {
        self.kafka_name.unwrap_or(self.field)
    }

    /// The default as a form shows it: `5 (since 4.0; 0 before)`.
    pub fn default_label(&self) -> String {
        if self.default_note.is_empty() {
            self.default_text.to_owned()
        } else {
            format!("{} ({})", self.default_text, self.default_note)
        }
    }
}

/// Every documented setting, family by family.
pub fn config_docs() -> impl Iterator<Item = (ConfigFamily, &'static ConfigDoc)> {
    ConfigFamily::ALL
        .into_iter()
        .flat_map(|family| family.docs().iter().map(move |doc| (family, doc)))
}

/// The setting with this Kafka name (`config_doc("linger.ms")`). Kafka's names are unique
/// across the families.
pub fn config_doc(kafka_name: &str) -> Option<&'static ConfigDoc> {
    config_docs()
        .map(|(_, doc)| doc)
        .find(|doc| doc.kafka_name == Some(kafka_name))
}

/// The setting behind a field of a family's struct (`field_doc(ConfigFamily::Network,
/// "latency_ms")`), for settings Kafka has no name for.
pub fn field_doc(family: ConfigFamily, field: &str) -> Option<&'static ConfigDoc> {
    family.docs().iter().find(|doc| doc.field == field)
}

/// `BrokerConfig`'s settings.
pub const BROKER_CONFIG_DOCS: &[ConfigDoc] = &[
    ConfigDoc {
        field: "replica_lag_time_max_ms",
        kafka_name: Some("replica.lag.time.max.ms"),
        default_text: "30000",
        default_note: "since 2.5; 10000 before",
        meaning: "A follower that has not caught up for this long leaves the ISR.",
    },
    ConfigDoc {
        field: "replica_fetch_wait_max_ms",
        kafka_name: Some("replica.fetch.wait.max.ms"),
        default_text: "500",
        default_note: "",
        meaning: "How long a leader holds an empty follower fetch.",
    },
    ConfigDoc {
        field: "broker_session_timeout_ms",
        kafka_name: Some("broker.session.timeout.ms"),
        default_text: "9000",
        default_note: "KRaft",
        meaning: "How long the controller waits for a silent broker before fencing it and moving its leaderships.",
    },
    ConfigDoc {
        field: "log_retention_check_interval_ms",
        kafka_name: Some("log.retention.check.interval.ms"),
        default_text: "300000",
        default_note: "5 minutes",
        meaning: "How often retention deletes old segments.",
    },
    ConfigDoc {
        field: "log_cleaner_backoff_ms",
        kafka_name: Some("log.cleaner.backoff.ms"),
        default_text: "15000",
        default_note: "",
        meaning: "How often the cleaner looks for logs to compact.",
    },
    ConfigDoc {
        field: "auto_create_topics_enable",
        kafka_name: Some("auto.create.topics.enable"),
        default_text: "true",
        default_note: "",
        meaning: "Whether producing to or consuming from an unknown topic creates it.",
    },
    ConfigDoc {
        field: "num_partitions",
        kafka_name: Some("num.partitions"),
        default_text: "1",
        default_note: "",
        meaning: "Partitions of a topic created without a partition count, or auto-created.",
    },
    ConfigDoc {
        field: "default_replication_factor",
        kafka_name: Some("default.replication.factor"),
        default_text: "1",
        default_note: "",
        meaning: "Replication factor of a topic created without one, or auto-created.",
    },
    ConfigDoc {
        field: "group_initial_rebalance_delay_ms",
        kafka_name: Some("group.initial.rebalance.delay.ms"),
        default_text: "3000",
        default_note: "",
        meaning: "How long a new group waits for more members before its first rebalance.",
    },
    ConfigDoc {
        field: "offsets_topic_num_partitions",
        kafka_name: Some("offsets.topic.num.partitions"),
        default_text: "50",
        default_note: "",
        meaning: "Partitions of __consumer_offsets, which decide which broker coordinates which group.",
    },
    ConfigDoc {
        field: "group_min_session_timeout_ms",
        kafka_name: Some("group.min.session.timeout.ms"),
        default_text: "6000",
        default_note: "",
        meaning: "The smallest session.timeout.ms a consumer may ask for.",
    },
    ConfigDoc {
        field: "group_max_session_timeout_ms",
        kafka_name: Some("group.max.session.timeout.ms"),
        default_text: "1800000",
        default_note: "30 minutes",
        meaning: "The largest session.timeout.ms a consumer may ask for.",
    },
    ConfigDoc {
        field: "unclean_leader_election_interval_ms",
        kafka_name: Some("unclean.leader.election.interval.ms"),
        default_text: "300000",
        default_note: "5 minutes; KRaft since 3.9",
        meaning: "How often the controller elects an unclean leader for a leaderless partition whose topic now allows it.",
    },
];

/// `NetworkConfig`'s settings: the simulated network's, which Kafka does not have.
pub const NETWORK_CONFIG_DOCS: &[ConfigDoc] = &[
    ConfigDoc {
        field: "latency_ms",
        kafka_name: None,
        default_text: "2",
        default_note: "",
        meaning: "One-way delay of every link.",
    },
    ConfigDoc {
        field: "jitter_ms",
        kafka_name: None,
        default_text: "1",
        default_note: "",
        meaning: "Extra random delay per message, from the run's seed.",
    },
    ConfigDoc {
        field: "drop_per_million",
        kafka_name: None,
        default_text: "0",
        default_note: "",
        meaning: "Lost requests and responses: producers retry, and without idempotence duplicates appear.",
    },
];

/// `TopicConfig`'s settings.
pub const TOPIC_CONFIG_DOCS: &[ConfigDoc] = &[
    ConfigDoc {
        field: "partitions",
        kafka_name: None,
        default_text: "1",
        default_note: "num.partitions",
        meaning: "Units of parallelism: one consumer per partition per group.",
    },
    ConfigDoc {
        field: "replication_factor",
        kafka_name: None,
        default_text: "1",
        default_note: "default.replication.factor",
        meaning: "Copies of each partition, on different brokers.",
    },
    ConfigDoc {
        field: "min_insync_replicas",
        kafka_name: Some("min.insync.replicas"),
        default_text: "1",
        default_note: "",
        meaning: "With acks=all, a write needs this many in-sync copies or fails with NOT_ENOUGH_REPLICAS.",
    },
    ConfigDoc {
        field: "retention_ms",
        kafka_name: Some("retention.ms"),
        default_text: "604800000",
        default_note: "7 days",
        meaning: "Segments older than this are deleted (-1: keep forever).",
    },
    ConfigDoc {
        field: "retention_bytes",
        kafka_name: Some("retention.bytes"),
        default_text: "-1",
        default_note: "unlimited",
        meaning: "Per partition: the oldest segments go once the log is bigger (-1: no limit).",
    },
    ConfigDoc {
        field: "segment_bytes",
        kafka_name: Some("segment.bytes"),
        default_text: "1073741824",
        default_note: "1 GiB",
        meaning: "A new segment is rolled at this size; small segments make rolling, retention and compaction visible.",
    },
    ConfigDoc {
        field: "segment_ms",
        kafka_name: Some("segment.ms"),
        default_text: "604800000",
        default_note: "7 days",
        meaning: "A new segment is rolled after this long.",
    },
    ConfigDoc {
        field: "cleanup_policy",
        kafka_name: Some("cleanup.policy"),
        default_text: "delete",
        default_note: "",
        meaning: "delete drops old segments; compact keeps the latest value per key.",
    },
    ConfigDoc {
        field: "delete_retention_ms",
        kafka_name: Some("delete.retention.ms"),
        default_text: "86400000",
        default_note: "1 day",
        meaning: "On a compacted topic, how long a tombstone survives before the cleaner drops it.",
    },
    ConfigDoc {
        field: "min_cleanable_dirty_ratio_percent",
        kafka_name: Some("min.cleanable.dirty.ratio"),
        default_text: "50",
        default_note: "Kafka's 0.5, as a percentage",
        meaning: "Compact when this share of the log is records that newer ones replaced.",
    },
    ConfigDoc {
        field: "unclean_leader_election_enable",
        kafka_name: Some("unclean.leader.election.enable"),
        default_text: "false",
        default_note: "",
        meaning: "Let an out-of-sync replica lead when no in-sync one is left: available, but acknowledged writes can be lost.",
    },
    ConfigDoc {
        field: "max_message_bytes",
        kafka_name: Some("max.message.bytes"),
        default_text: "1048588",
        default_note: "1 MiB plus the batch overhead",
        meaning: "The largest record batch the topic accepts; a larger one fails with MESSAGE_TOO_LARGE (RecordTooLargeException).",
    },
    ConfigDoc {
        field: "replicas",
        kafka_name: None,
        default_text: "unset",
        default_note: "placed from the seed",
        meaning: "The brokers of each partition, its preferred leader first, as kafka-topics --replica-assignment gives them.",
    },
];

/// `ProducerConfig`'s settings.
pub const PRODUCER_CONFIG_DOCS: &[ConfigDoc] = &[
    ConfigDoc {
        field: "acks",
        kafka_name: Some("acks"),
        default_text: "all",
        default_note: "since 3.0; 1 before",
        meaning: "0: do not wait; 1: the leader has it; all: every in-sync replica has it.",
    },
    ConfigDoc {
        field: "enable_idempotence",
        kafka_name: Some("enable.idempotence"),
        default_text: "true",
        default_note: "since 3.0; false before",
        meaning: "Sequence numbers let the broker drop retried duplicates; needs acks=all.",
    },
    ConfigDoc {
        field: "retries",
        kafka_name: Some("retries"),
        default_text: "2147483647",
        default_note: "",
        meaning: "How often a failed batch is retried, within delivery.timeout.ms.",
    },
    ConfigDoc {
        field: "retry_backoff_ms",
        kafka_name: Some("retry.backoff.ms"),
        default_text: "100",
        default_note: "",
        meaning: "How long to wait before the first retry; later waits double.",
    },
    ConfigDoc {
        field: "retry_backoff_max_ms",
        kafka_name: Some("retry.backoff.max.ms"),
        default_text: "1000",
        default_note: "since 3.7, KIP-580",
        meaning: "The longest wait between retries: the wait doubles up to this, with 20% random jitter.",
    },
    ConfigDoc {
        field: "delivery_timeout_ms",
        kafka_name: Some("delivery.timeout.ms"),
        default_text: "120000",
        default_note: "2 minutes",
        meaning: "How long a send may take in all, retries included.",
    },
    ConfigDoc {
        field: "request_timeout_ms",
        kafka_name: Some("request.timeout.ms"),
        default_text: "30000",
        default_note: "",
        meaning: "How long to wait for one response; then the connection closes and every request on it fails.",
    },
    ConfigDoc {
        field: "batch_size",
        kafka_name: Some("batch.size"),
        default_text: "16384",
        default_note: "",
        meaning: "Bytes per partition batch; a full batch is sent at once.",
    },
    ConfigDoc {
        field: "linger_ms",
        kafka_name: Some("linger.ms"),
        default_text: "5",
        default_note: "since 4.0; 0 before",
        meaning: "How long a batch waits for more records before it is sent.",
    },
    ConfigDoc {
        field: "max_in_flight_requests_per_connection",
        kafka_name: Some("max.in.flight.requests.per.connection"),
        default_text: "5",
        default_note: "",
        meaning: "Requests sent before earlier ones are answered; over 1 without idempotence, retries can reorder.",
    },
    ConfigDoc {
        field: "partitioner",
        kafka_name: Some("partitioner.class"),
        default_text: "uniform-sticky",
        default_note: "the built-in partitioner, since 3.3",
        meaning: "Where records without a key go: stick to one partition per batch, or rotate.",
    },
    ConfigDoc {
        field: "send_mode",
        kafka_name: None,
        default_text: "asynchronous",
        default_note: "",
        meaning: "How the application calls send(): with a callback, one at a time with send().get(), or fire and forget.",
    },
    ConfigDoc {
        field: "metadata_max_age_ms",
        kafka_name: Some("metadata.max.age.ms"),
        default_text: "300000",
        default_note: "5 minutes",
        meaning: "Metadata older than this is refreshed even without an error.",
    },
    ConfigDoc {
        field: "reconnect_backoff_ms",
        kafka_name: Some("reconnect.backoff.ms"),
        default_text: "50",
        default_note: "",
        meaning: "The first wait before reconnecting to a broker whose connection closed.",
    },
    ConfigDoc {
        field: "reconnect_backoff_max_ms",
        kafka_name: Some("reconnect.backoff.max.ms"),
        default_text: "1000",
        default_note: "",
        meaning: "The longest wait between reconnects, as the wait doubles per failure (with 20% jitter).",
    },
    ConfigDoc {
        field: "max_request_size",
        kafka_name: Some("max.request.size"),
        default_text: "1048576",
        default_note: "1 MiB",
        meaning: "A larger record fails in send() with RecordTooLargeException; also the most one produce request carries.",
    },
    ConfigDoc {
        field: "buffer_memory",
        kafka_name: Some("buffer.memory"),
        default_text: "33554432",
        default_note: "32 MiB",
        meaning: "Bytes of records waiting to be sent; when full, send() blocks.",
    },
    ConfigDoc {
        field: "max_block_ms",
        kafka_name: Some("max.block.ms"),
        default_text: "60000",
        default_note: "",
        meaning: "How long send() blocks on a full buffer before it fails with TimeoutException.",
    },
];

/// `ConsumerConfig`'s settings.
pub const CONSUMER_CONFIG_DOCS: &[ConfigDoc] = &[
    ConfigDoc {
        field: "max_poll_records",
        kafka_name: Some("max.poll.records"),
        default_text: "500",
        default_note: "",
        meaning: "Records one poll() returns at most.",
    },
    ConfigDoc {
        field: "auto_offset_reset",
        kafka_name: Some("auto.offset.reset"),
        default_text: "latest",
        default_note: "",
        meaning: "Where to start without a committed offset: earliest reads the whole log.",
    },
    ConfigDoc {
        field: "fetch_max_wait_ms",
        kafka_name: Some("fetch.max.wait.ms"),
        default_text: "500",
        default_note: "",
        meaning: "How long a broker holds a fetch that found no data.",
    },
    ConfigDoc {
        field: "fetch_max_bytes",
        kafka_name: Some("fetch.max.bytes"),
        default_text: "52428800",
        default_note: "50 MiB",
        meaning: "The most one fetch response carries.",
    },
    ConfigDoc {
        field: "max_partition_fetch_bytes",
        kafka_name: Some("max.partition.fetch.bytes"),
        default_text: "1048576",
        default_note: "1 MiB",
        meaning: "The most one partition contributes to a fetch.",
    },
    ConfigDoc {
        field: "enable_auto_commit",
        kafka_name: Some("enable.auto.commit"),
        default_text: "true",
        default_note: "",
        meaning: "Commit positions in the background; a crash between commits means records arrive twice.",
    },
    ConfigDoc {
        field: "auto_commit_interval_ms",
        kafka_name: Some("auto.commit.interval.ms"),
        default_text: "5000",
        default_note: "",
        meaning: "How often auto commit runs.",
    },
    ConfigDoc {
        field: "session_timeout_ms",
        kafka_name: Some("session.timeout.ms"),
        default_text: "45000",
        default_note: "since 3.0; 10000 before",
        meaning: "A member silent this long is removed and its partitions move.",
    },
    ConfigDoc {
        field: "heartbeat_interval_ms",
        kafka_name: Some("heartbeat.interval.ms"),
        default_text: "3000",
        default_note: "",
        meaning: "How often a member tells the coordinator it is alive; below session.timeout.ms.",
    },
    ConfigDoc {
        field: "max_poll_interval_ms",
        kafka_name: Some("max.poll.interval.ms"),
        default_text: "300000",
        default_note: "5 minutes",
        meaning: "A member that does not poll for this long leaves its group; also its rebalance timeout.",
    },
    ConfigDoc {
        field: "group_instance_id",
        kafka_name: Some("group.instance.id"),
        default_text: "unset",
        default_note: "",
        meaning: "Static membership: a restart with the same id gets its partitions back without a rebalance.",
    },
    ConfigDoc {
        field: "partition_assignment_strategy",
        kafka_name: Some("partition.assignment.strategy"),
        default_text: "[range, cooperative-sticky]",
        default_note: "since 3.0; [range] before",
        meaning: "Eager assignors revoke everything at a rebalance; cooperative-sticky moves only what changes.",
    },
    ConfigDoc {
        field: "processing_time_ms",
        kafka_name: None,
        default_text: "0",
        default_note: "",
        meaning: "The application's work per record; slow consumers build lag.",
    },
    ConfigDoc {
        field: "poll_interval_ms",
        kafka_name: None,
        default_text: "100",
        default_note: "",
        meaning: "The application's pause between polls that returned nothing.",
    },
    ConfigDoc {
        field: "retry_backoff_ms",
        kafka_name: None,
        default_text: "100",
        default_note: "",
        meaning: "The consumer's retry.backoff.ms: the wait between two Metadata requests.",
    },
    ConfigDoc {
        field: "metadata_max_age_ms",
        kafka_name: None,
        default_text: "300000",
        default_note: "5 minutes",
        meaning: "The consumer's metadata.max.age.ms: metadata older than this is refreshed.",
    },
    ConfigDoc {
        field: "reconnect_backoff_ms",
        kafka_name: None,
        default_text: "50",
        default_note: "",
        meaning: "The consumer's reconnect.backoff.ms: the first wait before reconnecting.",
    },
    ConfigDoc {
        field: "reconnect_backoff_max_ms",
        kafka_name: None,
        default_text: "1000",
        default_note: "",
        meaning: "The consumer's reconnect.backoff.max.ms: the longest wait between reconnects.",
    },
];
