//! OffsetCommit and OffsetFetch at the coordinator: a commit is accepted from a member of the
//! current generation, and the committed offsets are kept with the group.

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{ConsumerId, Offset, TopicPartition};
use crate::engine::network::GroupResponse;
use crate::engine::Simulation;

use super::Reply;
use crate::engine::phases::GroupPhase;

impl Simulation {
    pub(super) fn on_offset_commit(
        &mut self,
        group_id: &str,
        reply: Reply,
        consumer: ConsumerId,
        member_id: &str,
        generation: i32,
        offsets: Vec<(TopicPartition, Offset)>,
    ) {
        let error = self.commit_error(group_id, member_id, generation);
        if error.is_none() {
            let state = self.groups.get_mut(group_id).expect("exists");
            for (tp, offset) in &offsets {
                state.offsets.insert(tp.clone(), *offset);
            }
            self.touch_member(group_id, member_id);
            self.emit(EventKind::OffsetsCommitted {
                group: group_id.to_owned(),
                consumer,
                offsets: offsets.clone(),
            });
        }
        self.respond(&reply, GroupResponse::OffsetCommit { error, offsets });
    }

    pub(super) fn on_offset_fetch(
        &mut self,
        group_id: &str,
        reply: Reply,
        partitions: Vec<TopicPartition>,
    ) {
        let state = &self.groups[group_id];
        let offsets = partitions
            .into_iter()
            .map(|tp| {
                let committed = state.offsets.get(&tp).copied();
                (tp, committed)
            })
            .collect();
        self.respond(
            &reply,
            GroupResponse::OffsetFetch {
                error: None,
                offsets,
            },
        );
    }

    /// `ClassicGroup.validateOffsetCommit`.
    pub(in crate::engine) fn commit_error(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
    ) -> Option<ErrorCode> {
        let state = &self.groups[group];
        if generation < 0 && member_id.is_empty() {
            return (state.phase != GroupPhase::Empty).then_some(ErrorCode::UnknownMemberId);
        }
        if !state.members.contains_key(member_id) {
            return Some(ErrorCode::UnknownMemberId);
        }
        if generation != state.generation {
            return Some(ErrorCode::IllegalGeneration);
        }
        if state.phase == GroupPhase::CompletingRebalance {
            return Some(ErrorCode::RebalanceInProgress);
        }
        None
    }
}
