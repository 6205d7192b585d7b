//! Limits on everything a user can grow, so that no input can make a browser tab hang.

/// Partitions per topic. Kafka allows far more; a browser diagram does not.
pub const MAX_PARTITIONS_PER_TOPIC: u32 = 256;
/// Topics in one simulation.
pub const MAX_TOPICS: u64 = 64;
/// Producers or consumers in one simulation.
pub const MAX_CLIENTS: u64 = 64;
/// Bytes in a key or a value typed by hand.
pub const MAX_KEY_OR_VALUE_BYTES: usize = 1024;
/// Headers on one record sent by hand.
pub const MAX_HEADERS_PER_RECORD: usize = 16;
/// Kafka's own limit on topic name length.
pub const MAX_TOPIC_NAME_CHARS: usize = 249;
/// Brokers in one cluster.
pub const MAX_BROKERS: u32 = 9;
/// Partitions across all topics.
pub const MAX_PARTITIONS_TOTAL: u64 = 1024;
/// A workload's rate. At this rate a simulated second of a replicated topic read by a group
/// runs in under a second natively and holds about 140 MB; at 10,000,000 it took 5 seconds and
/// 640 MB per simulated second, even with `buffer.memory` bounding the producer.
pub const MAX_RECORDS_PER_SECOND: u32 = 1_000_000;
/// `drop_per_million`: a probability, so at most every message (a million per million).
pub const MAX_DROP_PER_MILLION: u32 = 1_000_000;
