//! Kafka's `PartitionMovements`: a record of moves made while balancing, used to undo a move
//! rather than move a second partition of the same topic the opposite way.

use crate::engine::sorted::VecMap;

use super::super::group::{TopicTable, Tp};
use super::super::java_order::{topic_partition_hash, JavaHashOrder};

/// A move from the first member to the second (Kafka's `ConsumerPair`), by member index.
type MemberPair = (usize, usize);

#[derive(Default)]
pub struct PartitionMovements {
    /// Where each moved partition came from originally and where it is now.
    by_partition: VecMap<Tp, MemberPair>,
    /// Per topic and pair, the partitions that made that move. Kafka keeps these in a
    /// `HashSet` and takes its first element, so the set's Java iteration order matters.
    by_topic: VecMap<usize, VecMap<MemberPair, JavaHashOrder<Tp>>>,
}

impl PartitionMovements {
    /// Kafka's `getTheActualPartitionToBeMoved`: if a partition of the same topic earlier moved
    /// from `new_owner` to the partition's original owner, moving that one back is preferred.
    pub fn partition_to_move(&self, partition: Tp, old_owner: usize, new_owner: usize) -> Tp {
        let Some(pairs) = self.by_topic.get(&partition.topic) else {
            return partition;
        };
        let source = self
            .by_partition
            .get(&partition)
            .map_or(old_owner, |&(source, _)| source);
        pairs
            .get(&(new_owner, source))
            .and_then(JavaHashOrder::first)
            .unwrap_or(partition)
    }

    /// Records that `partition` moved from `old_owner` to `new_owner`, collapsing it with an
    /// earlier move of the same partition (and forgetting it if it went back where it started).
    pub fn record_move(
        &mut self,
        topics: &TopicTable,
        partition: Tp,
        old_owner: usize,
        new_owner: usize,
    ) {
        match self.remove_record(partition) {
            Some((source, _)) if source == new_owner => {}
            Some((source, _)) => self.add_record(topics, partition, (source, new_owner)),
            None => self.add_record(topics, partition, (old_owner, new_owner)),
        }
    }

    fn remove_record(&mut self, partition: Tp) -> Option<MemberPair> {
        let pair = self.by_partition.remove(&partition)?;
        if let Some(pairs) = self.by_topic.get_mut(&partition.topic) {
            if let Some(moved) = pairs.get_mut(&pair) {
                moved.remove(&partition);
                if moved.is_empty() {
                    pairs.remove(&pair);
                }
            }
            if pairs.is_empty() {
                self.by_topic.remove(&partition.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, topics: &TopicTable, partition: Tp, pair: MemberPair) {
        self.by_partition.insert(partition, pair);
        let hash = topic_partition_hash(topics.hash(partition.topic), partition.partition);
        self.by_topic
            .entry(partition.topic)
            .or_default()
            .entry(pair)
            .or_default()
            .insert(partition, hash);
    }
}
