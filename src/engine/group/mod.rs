//! Consumer groups: the coordinator on a broker, the member inside a consumer, and the
//! assignors the group leader runs. This file holds what both sides use to find the
//! coordinator (FindCoordinator): the `__consumer_offsets` topic and the partition a group's
//! id hashes to.

pub mod assignor;
pub mod coordinator;
pub mod member;

use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::Simulation;

impl Simulation {
    /// The broker that coordinates `group` now, if its offsets partition has a leader.
    pub fn coordinator_for(&self, group: &str) -> Option<BrokerId> {
        let partitions = self.topics.get(OFFSETS_TOPIC)?.partition_count();
        let tp = TopicPartition::new(OFFSETS_TOPIC, offsets_partition_for(group, partitions));
        self.partition_meta(&tp)?.leader
    }
}

/// The internal topic that decides coordinators.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Java's `String.hashCode`, over UTF-16 code units.
pub fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `Utils.abs(groupId.hashCode()) % partitions`, where `Utils.abs(MIN_VALUE) = 0`.
pub fn offsets_partition_for(group: &str, partitions: u32) -> u32 {
    let hash = java_string_hash(group);
    let abs = if hash == i32::MIN {
        0
    } else {
        hash.unsigned_abs()
    };
    abs % partitions.max(1)
}
