//! The group coordinator (classic protocol), following `GroupMetadataManager` / `ClassicGroup`:
//! JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch, with Kafka's
//! states, generations and error codes.
//!
//! A group's coordinator is the leader of its `__consumer_offsets` partition,
//! `abs(groupId.hashCode()) % offsets.topic.num.partitions`. The group's state and committed
//! offsets are kept with the group rather than written as records to that partition; they
//! survive a coordinator failover as if the new coordinator had loaded them from the
//! replicated log.

use crate::engine::sorted::{VecMap, VecSet};

mod heartbeat;
mod join;
mod offsets;
mod sync;

use join::JoinRequest;

use crate::engine::config::TopicConfig;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::group::{offsets_partition_for, OFFSETS_TOPIC};
use crate::engine::ids::{BrokerId, ConsumerId, Offset, TopicPartition};
use crate::engine::network::{GroupRequest, GroupResponse, Message, Node};
use crate::engine::phases::GroupPhase;
use crate::engine::time::SimTime;
use crate::engine::Simulation;

/// A member as the coordinator knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberMetadata {
    pub member_id: String,
    pub consumer: ConsumerId,
    pub group_instance_id: Option<String>,
    pub protocols: Vec<String>,
    /// The topics the member subscribes to.
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub owned_generation: i32,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    pub last_heartbeat: SimTime,
    /// The correlation id of a JoinGroup waiting for the join phase to end.
    pub awaiting_join: Option<u64>,
    /// The correlation id of a SyncGroup waiting for the leader's assignment.
    pub awaiting_sync: Option<u64>,
    pub assignment: Vec<TopicPartition>,
}

/// The armed delay of a group's initial rebalance, as Kafka's
/// `tryCompleteInitialRebalanceElseSchedule(groupId, delayMs, remainingMs)` carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InitialDelayedJoin {
    /// How long this round of the delay lasts.
    delay_ms: u64,
    /// What is left of the rebalance timeout for further extensions.
    remaining_ms: u64,
}

/// A consumer group at its coordinator.
#[derive(Clone, Debug)]
pub struct GroupState {
    pub id: String,
    pub phase: GroupPhase,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: VecMap<String, MemberMetadata>,
    /// Committed offsets: the next offset to read.
    pub offsets: VecMap<TopicPartition, Offset>,
    /// Member ids handed out with MEMBER_ID_REQUIRED and not yet used.
    pending_member_ids: VecSet<String>,
    /// Bumped at each new join phase, so timers of an older one are ignored.
    round: u64,
    /// The initial rebalance's delay in progress (Kafka's `InitialDelayedJoin`).
    initial_join: Option<InitialDelayedJoin>,
    /// Whether a new member joined during the first rebalance since the delay was last
    /// (re)armed (`ClassicGroup.newMemberAdded`): the delay is then extended once more.
    new_member_added: bool,
    next_member_number: u64,
}

impl GroupState {
    fn new(id: String) -> Self {
        GroupState {
            id,
            phase: GroupPhase::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: VecMap::new(),
            offsets: VecMap::new(),
            pending_member_ids: VecSet::new(),
            round: 0,
            initial_join: None,
            new_member_added: false,
            next_member_number: 0,
        }
    }

    fn rebalance_timeout_ms(&self) -> u64 {
        self.members
            .values()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }
}

impl GroupResponse {
    /// The answer of a broker that does not coordinate the request's group (any more).
    fn not_coordinator(request: GroupRequest) -> Self {
        let error = ErrorCode::NotCoordinator;
        match request {
            GroupRequest::JoinGroup { member_id, .. } => {
                GroupResponse::join_error(error, member_id)
            }
            GroupRequest::SyncGroup { .. } => GroupResponse::SyncGroup {
                error: Some(error),
                assignment: Vec::new(),
            },
            GroupRequest::Heartbeat { .. } => GroupResponse::Heartbeat { error: Some(error) },
            GroupRequest::LeaveGroup { .. } => GroupResponse::LeaveGroup,
            GroupRequest::OffsetCommit { offsets, .. } => GroupResponse::OffsetCommit {
                error: Some(error),
                offsets,
            },
            GroupRequest::OffsetFetch { .. } => GroupResponse::OffsetFetch {
                error: Some(error),
                offsets: Vec::new(),
            },
        }
    }

    /// A JoinGroup answer that carries only an error (and, for MEMBER_ID_REQUIRED, the id to
    /// rejoin with).
    fn join_error(error: ErrorCode, member_id: String) -> Self {
        GroupResponse::JoinGroup {
            error: Some(error),
            member_id,
            generation: -1,
            protocol: None,
            leader: String::new(),
            members: Vec::new(),
        }
    }
}

/// Where a request is answered: who, and with what correlation id.
struct Reply {
    coordinator: BrokerId,
    to: Node,
    correlation_id: u64,
}

impl Simulation {
    /// Creates `__consumer_offsets` the first time a group needs a coordinator.
    pub(in crate::engine) fn ensure_offsets_topic(&mut self) {
        if self.topics.contains_key(OFFSETS_TOPIC) {
            return;
        }
        let brokers = self.brokers.len() as u32;
        let config = TopicConfig {
            partitions: self.broker_config.offsets_topic_num_partitions,
            replication_factor: brokers.min(3),
            cleanup_policy: crate::engine::config::CleanupPolicy::Compact,
            ..TopicConfig::default()
        };
        self.controller_create_topic(OFFSETS_TOPIC.to_owned(), config);
    }

    pub fn groups(&self) -> impl Iterator<Item = &GroupState> {
        self.groups.values()
    }

    pub fn group(&self, id: &str) -> Option<&GroupState> {
        self.groups.get(id)
    }

    fn respond(&mut self, reply: &Reply, response: GroupResponse) {
        self.send(
            Node::Broker(reply.coordinator),
            reply.to,
            Message::GroupResponse {
                correlation_id: reply.correlation_id,
                response,
            },
        );
    }

    fn set_phase(&mut self, group: &str, phase: GroupPhase) {
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        if state.phase == phase {
            return;
        }
        state.phase = phase;
        let generation = state.generation;
        self.emit(EventKind::GroupStateChanged {
            group: group.to_owned(),
            state: phase,
            generation,
        });
    }

    /// A group request reached broker `coordinator`.
    pub(in crate::engine) fn on_group_request(
        &mut self,
        coordinator: BrokerId,
        from: Node,
        correlation_id: u64,
        request: GroupRequest,
    ) {
        let reply = Reply {
            coordinator,
            to: from,
            correlation_id,
        };
        let Node::Consumer(consumer) = from else {
            return;
        };
        let partitions = self
            .topics
            .get(OFFSETS_TOPIC)
            .map_or(1, |t| t.partition_count());
        let tp = TopicPartition::new(
            OFFSETS_TOPIC,
            offsets_partition_for(request.group(), partitions),
        );
        if !self.brokers[&coordinator].leads(&tp) {
            let response = GroupResponse::not_coordinator(request);
            self.respond(&reply, response);
            return;
        }
        let group_id = request.group().to_owned();
        if !self.groups.contains_key(&group_id) {
            self.groups
                .insert(group_id.clone(), GroupState::new(group_id.clone()));
        }
        match request {
            GroupRequest::JoinGroup {
                member_id,
                group_instance_id,
                protocols,
                topics,
                owned,
                owned_generation,
                session_timeout_ms,
                rebalance_timeout_ms,
                ..
            } => self.on_join_group(
                &group_id,
                reply,
                JoinRequest {
                    consumer,
                    member_id,
                    group_instance_id,
                    protocols,
                    topics,
                    owned,
                    owned_generation,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                },
            ),
            GroupRequest::SyncGroup {
                member_id,
                generation,
                assignments,
                ..
            } => self.on_sync_group(&group_id, reply, member_id, generation, assignments),
            GroupRequest::Heartbeat {
                member_id,
                generation,
                ..
            } => self.on_heartbeat(&group_id, reply, &member_id, generation),
            GroupRequest::LeaveGroup { member_id, .. } => {
                self.remove_member(&group_id, &member_id, "left the group (LeaveGroup)");
                self.respond(&reply, GroupResponse::LeaveGroup);
            }
            GroupRequest::OffsetCommit {
                member_id,
                generation,
                offsets,
                ..
            } => self.on_offset_commit(&group_id, reply, consumer, &member_id, generation, offsets),
            GroupRequest::OffsetFetch { partitions, .. } => {
                self.on_offset_fetch(&group_id, reply, partitions)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_partitions_match_kafka_examples() {
        assert_eq!(offsets_partition_for("my-group", 50), 12);
        assert_eq!(offsets_partition_for("group-1", 50), 49);
        assert_eq!(offsets_partition_for("test-consumer-group", 50), 31);
        assert_eq!(offsets_partition_for("", 50), 0);
    }
}
