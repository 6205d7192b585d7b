//! A consumer with a `group.id` that reads by `assign()`: it never joins the group, but it
//! still starts from the group's committed offsets (OffsetFetch before the first fetch of a
//! partition) and commits, automatically or by hand, as a standalone consumer does: with no
//! member id and generation -1, which the coordinator accepts only while the group is Empty.

use crate::engine::ids::{ConsumerId, TopicPartition};
use crate::engine::Simulation;

impl Simulation {
    /// Inside `poll()` of a manually assigned consumer with a group: auto commit when due,
    /// and the committed offsets of partitions without a position. Returns whether it may
    /// fetch now (not while it waits for committed offsets).
    pub(in crate::engine) fn manual_poll(&mut self, consumer_id: ConsumerId) -> bool {
        let now = self.now;
        let Some(consumer) = self.consumers.get(&consumer_id) else {
            return false;
        };
        let auto_commit = consumer.config.enable_auto_commit;
        let interval = consumer.config.auto_commit_interval_ms;
        let Some(client) = consumer.group.as_ref() else {
            return true;
        };
        if client.awaiting_offsets {
            return false;
        }
        if auto_commit && now >= client.next_auto_commit_at {
            self.commit_positions(consumer_id, None);
            if let Some(client) = self
                .consumers
                .get_mut(&consumer_id)
                .and_then(|c| c.group.as_mut())
            {
                client.next_auto_commit_at = now.plus_ms(interval);
            }
        }
        let consumer = &self.consumers[&consumer_id];
        let unknown: Vec<TopicPartition> = consumer
            .owned_partitions()
            .into_iter()
            .filter(|tp| {
                !consumer.positions.contains_key(tp) && !consumer.committed_checked.contains(tp)
            })
            .collect();
        if unknown.is_empty() {
            return true;
        }
        self.send_offset_fetch(consumer_id);
        !self.consumers[&consumer_id]
            .group
            .as_ref()
            .is_some_and(|client| client.awaiting_offsets)
    }
}
