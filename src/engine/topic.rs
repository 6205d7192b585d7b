//! Topics and their partitions as the cluster holds them.

use super::ids::BrokerId;
use super::log::PartitionLog;

/// One partition: its leader and the leader's log.
#[derive(Clone, Debug)]
pub struct Partition {
    pub leader: BrokerId,
    pub log: PartitionLog,
}

/// A topic: a name and a fixed list of partitions, numbered from 0.
#[derive(Clone, Debug)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<Partition>,
}

impl Topic {
    pub fn partition_count(&self) -> u32 {
        self.partitions.len() as u32
    }
}

/// Kafka's rule for legal topic names: 1 to 249 characters of ASCII letters, digits, `.`, `_`
/// and `-`, and not `.` or `..`.
pub fn is_legal_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= super::limits::MAX_TOPIC_NAME_CHARS
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
