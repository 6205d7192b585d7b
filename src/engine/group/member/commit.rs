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
                    client.committed.insert(tp, offset);
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
        let owned = consumer.owned_partitions();
        let client = consumer.group.as_mut().expect("checked");
        client.awaiting_offsets = false;
        if error.is_some() {
            return;
        }
        for (tp, committed) in offsets {
            if let Some(offset) = committed {
                client.committed.insert(tp.clone(), offset);
                if owned.contains(&tp) {
                    consumer.positions.entry(tp.clone()).or_insert(offset);
                }
            }
            consumer.committed_checked.insert(tp);
        }
    }

    /// Commits the positions of the assigned partitions (or of `only`), as auto commit and
    /// `commitSync()` do. The committed value is the next offset to read.
    pub(in crate::engine) fn commit_positions(
        &mut self,
        consumer_id: ConsumerId,
        only: Option<&[TopicPartition]>,
    ) {
        let Some(consumer) = self.consumers.get(&consumer_id) else {
            return;
        };
        let Some(client) = consumer.group.as_ref() else {
            return;
        };
        let offsets: Vec<(TopicPartition, Offset)> = consumer
            .owned_partitions()
            .into_iter()
            .filter(|tp| only.is_none_or(|o| o.contains(tp)))
            .filter_map(|tp| {
                let position = *consumer.positions.get(&tp)?;
                (client.committed.get(&tp) != Some(&position)).then_some((tp, position))
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

    /// `commitSync(Map<TopicPartition, OffsetAndMetadata>)`: commits exactly these offsets,
    /// under the member's id and generation (none under `assign()`).
    pub(in crate::engine) fn commit_specified_offsets(
        &mut self,
        consumer_id: ConsumerId,
        offsets: Vec<(TopicPartition, Offset)>,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        let Some(client) = consumer.group.as_ref() else {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason: "has no group.id to commit to (InvalidGroupIdException)",
            });
        };
        if offsets.is_empty() {
            return Ok(());
        }
        let group = client.group.clone();
        consumer
            .application_offsets
            .extend(offsets.iter().map(|(tp, _)| tp.clone()));
        let client = consumer.group.as_ref().expect("checked");
        let request = GroupRequest::OffsetCommit {
            group,
            member_id: client.member_id.clone(),
            generation: client.generation,
            offsets,
        };
        self.send_group_request(consumer_id, GroupCall::Commit, request);
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
        let missing: Vec<TopicPartition> = consumer
            .owned_partitions()
            .into_iter()
            .filter(|tp| !consumer.positions.contains_key(tp))
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
