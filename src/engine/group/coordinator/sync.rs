//! SyncGroup at the coordinator: the leader's assignment is handed to every member, and a
//! member that does not sync within the rebalance timeout is removed.

use crate::engine::errors::ErrorCode;
use crate::engine::network::{GroupResponse, Node};
use crate::engine::phases::GroupPhase;
use crate::engine::Simulation;

use super::Reply;
use crate::engine::ids::{ConsumerId, TopicPartition};
use crate::engine::timer::Timer;

impl Simulation {
    pub(super) fn on_sync_group(
        &mut self,
        group: &str,
        reply: Reply,
        member_id: String,
        generation: i32,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let state = self.groups.get_mut(group).expect("exists");
        let error = if !state.members.contains_key(&member_id) {
            Some(ErrorCode::UnknownMemberId)
        } else if generation != state.generation {
            Some(ErrorCode::IllegalGeneration)
        } else if state.phase == GroupPhase::PreparingRebalance {
            Some(ErrorCode::RebalanceInProgress)
        } else {
            None
        };
        if let Some(error) = error {
            self.respond(
                &reply,
                GroupResponse::SyncGroup {
                    error: Some(error),
                    assignment: Vec::new(),
                },
            );
            return;
        }
        let now = self.now;
        let member = state.members.get_mut(&member_id).expect("checked");
        member.last_heartbeat = now;
        if state.phase == GroupPhase::Stable {
            let assignment = member.assignment.clone();
            self.respond(
                &reply,
                GroupResponse::SyncGroup {
                    error: None,
                    assignment,
                },
            );
            return;
        }
        // CompletingRebalance: wait for the leader's assignment.
        member.awaiting_sync = Some(reply.correlation_id);
        if state.leader.as_deref() == Some(member_id.as_str()) {
            for member in state.members.values_mut() {
                member.assignment = assignments
                    .iter()
                    .find(|(id, _)| *id == member.member_id)
                    .map(|(_, partitions)| partitions.clone())
                    .unwrap_or_default();
            }
            let replies: Vec<(ConsumerId, u64, Vec<TopicPartition>)> = state
                .members
                .values_mut()
                .filter_map(|m| {
                    m.awaiting_sync
                        .take()
                        .map(|c| (m.consumer, c, m.assignment.clone()))
                })
                .collect();
            self.set_phase(group, GroupPhase::Stable);
            for (consumer, correlation_id, assignment) in replies {
                self.respond(
                    &Reply {
                        coordinator: reply.coordinator,
                        to: Node::Consumer(consumer),
                        correlation_id,
                    },
                    GroupResponse::SyncGroup {
                        error: None,
                        assignment,
                    },
                );
            }
            let member_ids: Vec<String> = self.groups[group].members.keys().cloned().collect();
            for id in member_ids {
                self.touch_member(group, &id);
            }
        } else {
            // Members still in sync when the rebalance timeout passes are dropped.
            let timeout = state.rebalance_timeout_ms();
            let round = state.round;
            self.schedule_timer(
                now.plus_ms(timeout),
                Timer::GroupSyncDeadline(group.to_owned(), round),
            );
        }
    }

    pub(in crate::engine) fn on_group_sync_deadline(&mut self, group: &str, round: u64) {
        let Some(state) = self.groups.get(group) else {
            return;
        };
        if state.round != round || state.phase != GroupPhase::CompletingRebalance {
            return;
        }
        // The leader never sent the assignment: start over.
        self.prepare_rebalance(
            group,
            "the leader did not send an assignment in time".to_owned(),
        );
    }
}
