//! The member's offsets: auto and manual commits of its positions (OffsetCommit), and the
//! committed offsets it fetches after an assignment (OffsetFetch) to know where to start.

use super::GroupCall;
use crate::engine::command::Rejection;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::ConsumerId;
use crate::engine::ids::Offset;
use crate::engine::ids::TopicPartition;
use crate::engine::network::GroupRequest;
use crate::engine::Simulation;

impl Simulation {
    pub(super) fn on_offset_commit_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
        offsets: Vec<(TopicPartition, Offset)>,
    ) {
        let client = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
            .expect("checked");
        match error {
            None => {
                for (tp, offset) in offsets {
                    client.committed.insert(tp.partition, offset);
                }
            }
            Some(error) => self.emit(EventKind::CommitFailed {
                consumer: consumer_id,
                error,
            }),
        }
    }

    pub(super) fn on_offset_fetch_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
        offsets: Vec<(TopicPartition, Option<Offset>)>,
    ) {
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        let client = consumer.group.as_mut().expect("checked");
        client.awaiting_offsets = false;
        if error.is_some() {
            return;
        }
        for (tp, committed) in offsets {
            if let Some(offset) = committed {
                client.committed.insert(tp.partition, offset);
                if client.assigned.contains(&tp.partition) {
                    consumer.positions.entry(tp.partition).or_insert(offset);
                }
            }
        }
    }

    /// Commits the positions of the assigned partitions (or of `only`), as auto commit and
    /// `commitSync()` do. The committed value is the next offset to read.
    pub(in crate::engine) fn commit_positions(
        &mut self,
        consumer_id: ConsumerId,
        only: Option<&[u32]>,
    ) {
        let Some(consumer) = self.consumers.get(&consumer_id) else {
            return;
        };
        let Some(client) = consumer.group.as_ref() else {
            return;
        };
        let offsets: Vec<(TopicPartition, Offset)> = client
            .assigned
            .iter()
            .filter(|p| only.is_none_or(|o| o.contains(p)))
            .filter_map(|p| {
                let position = consumer.positions.get(p)?;
                (client.committed.get(p) != Some(position))
                    .then(|| (TopicPartition::new(consumer.topic.clone(), *p), *position))
            })
            .collect();
        if offsets.is_empty() {
            return;
        }
        let request = GroupRequest::OffsetCommit {
            group: client.group.clone(),
            member_id: client.member_id.clone(),
            generation: client.generation,
            offsets,
        };
        self.send_group_request(consumer_id, GroupCall::Commit, request);
    }

    pub(in crate::engine) fn commit_offsets(
        &mut self,
        consumer_id: ConsumerId,
    ) -> Result<(), Rejection> {
        let consumer = self
            .consumers
            .get(&consumer_id)
            .ok_or(Rejection::UnknownConsumer {
                consumer: consumer_id,
            })?;
        if consumer.group.is_none() {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason: "has no group to commit to",
            });
        }
        self.commit_positions(consumer_id, None);
        Ok(())
    }

    /// Asks the coordinator for the committed offsets of assigned partitions that have no
    /// position yet; the member reads them only once it knows where to start.
    pub(in crate::engine) fn send_offset_fetch(&mut self, consumer_id: ConsumerId) {
        let Some(consumer) = self.consumers.get(&consumer_id) else {
            return;
        };
        let Some(client) = consumer.group.as_ref() else {
            return;
        };
        let missing: Vec<TopicPartition> = client
            .assigned
            .iter()
            .filter(|p| !consumer.positions.contains_key(p))
            .map(|p| TopicPartition::new(consumer.topic.clone(), *p))
            .collect();
        let group = client.group.clone();
        let sent = !missing.is_empty()
            && self.send_group_request(
                consumer_id,
                GroupCall::OffsetFetch,
                GroupRequest::OffsetFetch {
                    group,
                    partitions: missing,
                },
            );
        if let Some(client) = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
        {
            client.awaiting_offsets = sent;
        }
    }
}
