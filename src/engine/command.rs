//! The one door in: everything a user, a scenario or a test can do to the simulation.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::{ConsumerConfig, ProducerConfig, TopicConfig};
use super::ids::{BrokerId, ConsumerId, Offset, ProducerId, TopicPartition};
use super::network::{Isolation, NetworkConfig, Node};

/// An action on the simulation, applied now ([`super::Simulation::handle`]) or at a later time
/// ([`super::Simulation::schedule`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    CreateTopic {
        name: String,
        config: TopicConfig,
    },
    /// Deletes a topic and every replica of it. Refused while a client still uses the topic
    /// (a running consumer subscribed to it, or a producer with a workload on it or records
    /// for it not yet answered): the playground does not model clients of a deleted topic.
    DeleteTopic {
        name: String,
    },
    AddProducer {
        producer: ProducerId,
        config: ProducerConfig,
    },
    /// `close()`: stops the producer's workload and refuses further sends; records already
    /// handed to `send()` are still delivered, as Kafka's `close()` waits for them.
    CloseProducer {
        producer: ProducerId,
    },
    /// The producer's application calls `send()`. A `None` value is a tombstone.
    Produce {
        producer: ProducerId,
        topic: String,
        key: Option<String>,
        value: Option<String>,
        /// The partition the `ProducerRecord` names; `None` lets the partitioner choose.
        #[serde(default)]
        partition: Option<u32>,
        /// The record's CreateTime in milliseconds, set by the application; `None` stamps the
        /// time of `send()`.
        #[serde(default)]
        timestamp: Option<i64>,
        /// The record's headers, in order (a key may repeat).
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// The producer's application starts sending at a steady rate.
    StartWorkload {
        producer: ProducerId,
        workload: Workload,
    },
    StopWorkload {
        producer: ProducerId,
    },
    /// Adds a consumer subscribed to `topic`. With a `group` it joins that consumer group and
    /// reads the partitions the group assigns it; without one it reads every partition, like
    /// the console consumer.
    AddConsumer {
        consumer: ConsumerId,
        topic: String,
        group: Option<String>,
        config: ConsumerConfig,
    },
    /// `close()`: commits if auto commit is on, and a dynamic member leaves its group at once.
    CloseConsumer {
        consumer: ConsumerId,
    },
    /// The consumer's process dies: no commit, no LeaveGroup; the coordinator notices after
    /// `session.timeout.ms`.
    CrashConsumer {
        consumer: ConsumerId,
    },
    /// The application stops calling `poll()`; after `max.poll.interval.ms` the member leaves
    /// its group, and rejoins when polling resumes.
    PauseConsumer {
        consumer: ConsumerId,
    },
    ResumeConsumer {
        consumer: ConsumerId,
    },
    /// The application's time to process one record.
    SetProcessingTime {
        consumer: ConsumerId,
        processing_time_ms: u64,
    },
    /// `commitSync()` of the current positions.
    CommitOffsets {
        consumer: ConsumerId,
    },
    /// `subscribe(Collection<String>)`: replaces the consumer's subscription; a group member
    /// rejoins so the group assigns the new topics.
    Subscribe {
        consumer: ConsumerId,
        topics: Vec<String>,
    },
    /// `assign(Collection<TopicPartition>)`: the consumer reads exactly these partitions,
    /// without group membership (it may still commit with its `group.id`). Refused for a
    /// consumer that already joined its group, as Kafka refuses mixing the two.
    Assign {
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    /// `seek(partition, offset)`, `seekToBeginning` or `seekToEnd` of an assigned partition.
    Seek {
        consumer: ConsumerId,
        partition: TopicPartition,
        to: SeekTarget,
    },
    /// `pause(Collection<TopicPartition>)`: `poll()` goes on but fetches nothing from these
    /// partitions until they are resumed (unlike [`Command::PauseConsumer`], which stops
    /// `poll()` altogether).
    PausePartitions {
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    /// `resume(Collection<TopicPartition>)`.
    ResumePartitions {
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    /// `commitSync(Map<TopicPartition, OffsetAndMetadata>)`: commits these offsets (each the
    /// next offset to read), whatever the positions are.
    CommitSpecifiedOffsets {
        consumer: ConsumerId,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// The broker's process dies; its disk survives.
    CrashBroker {
        broker: BrokerId,
    },
    RestartBroker {
        broker: BrokerId,
    },
    /// Cuts the broker off from the other brokers and the controller; clients still reach it.
    IsolateBroker {
        broker: BrokerId,
    },
    /// Cuts the broker off from its peers (as `IsolateBroker`), its clients, or everyone.
    IsolateBrokerFrom {
        broker: BrokerId,
        from: Isolation,
    },
    /// Ends any isolation of the broker.
    HealBroker {
        broker: BrokerId,
    },
    /// Cuts the link from `from` to `to` (and back, unless `one_way`): messages on it are lost.
    CutLink {
        from: Node,
        to: Node,
        one_way: bool,
    },
    /// Mends a cut link (the way back too, unless `one_way`).
    HealLink {
        from: Node,
        to: Node,
        one_way: bool,
    },
    SetNetwork {
        config: NetworkConfig,
    },
    /// Sets one link's latency, both ways (a slow follower, a far-away client...).
    SetLinkLatency {
        a: Node,
        b: Node,
        latency_ms: u64,
    },
    /// `kafka-configs --alter` on a topic (incrementalAlterConfigs with SET): the settings
    /// named in `set` take their values from `config`; the others keep theirs. The number of
    /// partitions, the replication factor and the assignment cannot change this way.
    AlterTopicConfig {
        topic: String,
        config: TopicConfig,
        set: Vec<String>,
    },
    /// Applies a broker action to whichever broker leads `topic`-`partition` when the command
    /// runs, by the controller's current view: "crash the leader of orders-0".
    ToLeaderOf {
        topic: String,
        partition: u32,
        action: BrokerAction,
    },
}

/// What can be done to a broker named by the partition it leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerAction {
    Crash,
    Restart,
    Isolate,
    /// Isolates it from its peers, its clients or everyone.
    IsolateFrom(Isolation),
    Heal,
}

impl BrokerAction {
    /// The command that does this to `broker`.
    pub fn on(self, broker: BrokerId) -> Command {
        match self {
            BrokerAction::Crash => Command::CrashBroker { broker },
            BrokerAction::Restart => Command::RestartBroker { broker },
            BrokerAction::Isolate => Command::IsolateBroker { broker },
            BrokerAction::IsolateFrom(from) => Command::IsolateBrokerFrom { broker, from },
            BrokerAction::Heal => Command::HealBroker { broker },
        }
    }
}

/// Why a command was refused. The simulation is unchanged when a command is rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Rejection {
    TopicAlreadyExists {
        topic: String,
    },
    UnknownTopic {
        topic: String,
    },
    InvalidTopicName {
        topic: String,
    },
    InvalidPartitionCount {
        partitions: u32,
        max: u32,
    },
    InvalidReplicationFactor {
        replication_factor: u32,
        brokers: u32,
    },
    UnknownBroker {
        broker: BrokerId,
    },
    ProducerAlreadyExists {
        producer: ProducerId,
    },
    UnknownProducer {
        producer: ProducerId,
    },
    ProducerClosed {
        producer: ProducerId,
    },
    TopicInUse {
        topic: String,
        reason: String,
    },
    UnknownConsumer {
        consumer: ConsumerId,
    },
    ConsumerState {
        consumer: ConsumerId,
        reason: &'static str,
    },
    ConsumerAlreadyExists {
        consumer: ConsumerId,
    },
    InvalidConfig {
        setting: &'static str,
        reason: String,
    },
    BrokerState {
        broker: BrokerId,
        reason: &'static str,
    },
    /// A limit that keeps a browser tab responsive (see [`super::limits`]).
    LimitReached {
        what: &'static str,
        max: u64,
    },
    /// The partition has no leader, so "the leader of" it names no broker.
    NoLeader {
        partition: String,
    },
    UnknownPartition {
        partition: String,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::TopicAlreadyExists { topic } => write!(f, "topic '{topic}' already exists"),
            Rejection::UnknownTopic { topic } => write!(
                f,
                "topic '{topic}' does not exist and auto.create.topics.enable is false (UNKNOWN_TOPIC_OR_PARTITION)"
            ),
            Rejection::InvalidTopicName { topic } => write!(
                f,
                "'{topic}' is not a legal topic name: use 1 to 249 of a-z A-Z 0-9 . _ -"
            ),
            Rejection::InvalidPartitionCount { partitions, max } => {
                write!(f, "a topic needs between 1 and {max} partitions, not {partitions}")
            }
            Rejection::InvalidReplicationFactor { replication_factor, brokers } => write!(
                f,
                "replication factor {replication_factor} needs that many brokers; the cluster has {brokers} (INVALID_REPLICATION_FACTOR)"
            ),
            Rejection::UnknownBroker { broker } => write!(f, "{broker} does not exist"),
            Rejection::ProducerAlreadyExists { producer } => write!(f, "{producer} already exists"),
            Rejection::UnknownProducer { producer } => write!(f, "{producer} does not exist"),
            Rejection::ProducerClosed { producer } => write!(f, "{producer} is closed and sends nothing more"),
            Rejection::TopicInUse { topic, reason } => write!(f, "topic '{topic}' is still in use: {reason}"),
            Rejection::ConsumerAlreadyExists { consumer } => write!(f, "{consumer} already exists"),
            Rejection::UnknownConsumer { consumer } => write!(f, "{consumer} does not exist"),
            Rejection::ConsumerState { consumer, reason } => write!(f, "{consumer} {reason}"),
            Rejection::InvalidConfig { setting, reason } => write!(f, "{setting}: {reason}"),
            Rejection::BrokerState { broker, reason } => write!(f, "{broker} {reason}"),
            Rejection::LimitReached { what, max } => write!(f, "the playground allows at most {max} {what}"),
            Rejection::NoLeader { partition } => write!(f, "{partition} has no leader (LEADER_NOT_AVAILABLE)"),
            Rejection::UnknownPartition { partition } => {
                write!(f, "{partition} does not exist (UNKNOWN_TOPIC_OR_PARTITION)")
            }
        }
    }
}

impl std::error::Error for Rejection {}

/// Where a [`Command::Seek`] moves a partition's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeekTarget {
    /// `seek(partition, offset)`.
    Offset(Offset),
    /// `seekToBeginning`: the log start offset, looked up at the next fetch.
    Beginning,
    /// `seekToEnd`: the high watermark, looked up at the next fetch.
    End,
}

/// Which keys a workload's records carry. Written as `{ kind = "cycle", count = 10 }` in
/// text formats, and as a plain enum in binary ones, which cannot read a tagged map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum KeyPattern {
    /// No key: the keyless partitioner decides.
    #[default]
    None,
    /// `key-0`, `key-1`, ... `key-(count-1)`, then again.
    Cycle { count: u32 },
    /// Always the same key.
    Fixed { key: String },
}

/// [`KeyPattern`] as text formats write it: tagged with its `kind`.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
enum TaggedKeyPattern<'a> {
    None,
    Cycle { count: u32 },
    Fixed { key: &'a str },
}

/// [`KeyPattern`] as binary formats write it: a variant number, then the fields.
#[derive(Serialize, Deserialize)]
enum PackedKeyPattern {
    None,
    Cycle { count: u32 },
    Fixed { key: String },
}

impl Serialize for KeyPattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            match self {
                KeyPattern::None => TaggedKeyPattern::None,
                KeyPattern::Cycle { count } => TaggedKeyPattern::Cycle { count: *count },
                KeyPattern::Fixed { key } => TaggedKeyPattern::Fixed { key },
            }
            .serialize(serializer)
        } else {
            match self.clone() {
                KeyPattern::None => PackedKeyPattern::None,
                KeyPattern::Cycle { count } => PackedKeyPattern::Cycle { count },
                KeyPattern::Fixed { key } => PackedKeyPattern::Fixed { key },
            }
            .serialize(serializer)
        }
    }
}

/// Read by hand rather than derived: serde's derived reader for an internally tagged enum
/// buffers the whole map in its `Content` type first, which cost 8.6 KB of the sandbox's
/// wasm for this one small enum. It accepts what the derived reader accepted (other fields
/// are ignored) and names the same missing field or unknown kind.
impl<'de> Deserialize<'de> for KeyPattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        #[derive(Deserialize)]
        struct Tagged {
            kind: String,
            count: Option<u32>,
            key: Option<String>,
        }
        if !deserializer.is_human_readable() {
            return Ok(match PackedKeyPattern::deserialize(deserializer)? {
                PackedKeyPattern::None => KeyPattern::None,
                PackedKeyPattern::Cycle { count } => KeyPattern::Cycle { count },
                PackedKeyPattern::Fixed { key } => KeyPattern::Fixed { key },
            });
        }
        let tagged = Tagged::deserialize(deserializer)?;
        match tagged.kind.as_str() {
            "none" => Ok(KeyPattern::None),
            "cycle" => match tagged.count {
                Some(count) => Ok(KeyPattern::Cycle { count }),
                None => Err(D::Error::missing_field("count")),
            },
            "fixed" => match tagged.key {
                Some(key) => Ok(KeyPattern::Fixed { key }),
                None => Err(D::Error::missing_field("key")),
            },
            other => Err(D::Error::unknown_variant(
                other,
                &["none", "cycle", "fixed"],
            )),
        }
    }
}

/// A producer application sending at a steady rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub topic: String,
    pub records_per_second: u32,
    pub keys: KeyPattern,
    /// Stop after this many records; `None` runs until stopped.
    pub count: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::KeyPattern;

    #[test]
    fn key_patterns_read_back_what_they_write_and_name_what_is_wrong() {
        for pattern in [
            KeyPattern::None,
            KeyPattern::Cycle { count: 7 },
            KeyPattern::Fixed {
                key: "user-1".into(),
            },
        ] {
            let json = serde_json::to_string(&pattern).unwrap();
            assert_eq!(
                serde_json::from_str::<KeyPattern>(&json).unwrap(),
                pattern,
                "{json}"
            );
            let bytes = postcard::to_allocvec(&pattern).unwrap();
            assert_eq!(postcard::from_bytes::<KeyPattern>(&bytes).unwrap(), pattern);
        }
        assert_eq!(
            serde_json::from_str::<KeyPattern>(r#"{"kind":"cycle","count":3,"note":1}"#).unwrap(),
            KeyPattern::Cycle { count: 3 }
        );
        let missing = serde_json::from_str::<KeyPattern>(r#"{"kind":"cycle"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `count`"),
            "{missing}"
        );
        let unknown = serde_json::from_str::<KeyPattern>(r#"{"kind":"random"}"#).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown variant `random`"),
            "{unknown}"
        );
        let from_toml: KeyPattern = toml::from_str("kind = \"fixed\"\nkey = \"k\"").unwrap();
        assert_eq!(from_toml, KeyPattern::Fixed { key: "k".into() });
    }
}
