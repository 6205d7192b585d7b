//! The group coordinator (classic protocol), following `GroupMetadataManager` / `ClassicGroup`:
//! JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch, with Kafka's
//! states, generations and error codes.
//!
//! A group's coordinator is the leader of its `__consumer_offsets` partition,
//! `abs(groupId.hashCode()) % offsets.topic.num.partitions`. The group's state and committed
//! offsets are kept with the group rather than written as records to that partition; they
//! survive a coordinator failover as if the new coordinator had loaded them from the
//! replicated log.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::config::TopicConfig;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, ConsumerId, Offset, TopicPartition};
use crate::engine::network::{GroupRequest, GroupResponse, JoinedMember, Message, Node};
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// The internal topic that decides coordinators.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Kafka's classic group states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum GroupPhase {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// A member as the coordinator knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    pub member_id: String,
    pub consumer: ConsumerId,
    pub group_instance_id: Option<String>,
    pub protocols: Vec<String>,
    pub topic: String,
    pub owned: Vec<u32>,
    pub owned_generation: i32,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    pub last_heartbeat: SimTime,
    /// The correlation id of a JoinGroup waiting for the join phase to end.
    pub awaiting_join: Option<u64>,
    /// The correlation id of a SyncGroup waiting for the leader's assignment.
    pub awaiting_sync: Option<u64>,
    pub assignment: Vec<u32>,
}

/// A consumer group at its coordinator.
#[derive(Clone, Debug)]
pub struct GroupState {
    pub id: String,
    pub phase: GroupPhase,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: BTreeMap<String, GroupMember>,
    /// Committed offsets: the next offset to read.
    pub offsets: BTreeMap<TopicPartition, Offset>,
    /// Member ids handed out with MEMBER_ID_REQUIRED and not yet used.
    pending_member_ids: BTreeSet<String>,
    /// Bumped at each new join phase, so timers of an older one are ignored.
    round: u64,
    initial_delay_deadline: Option<SimTime>,
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
            members: BTreeMap::new(),
            offsets: BTreeMap::new(),
            pending_member_ids: BTreeSet::new(),
            round: 0,
            initial_delay_deadline: None,
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

    /// The broker that coordinates `group` now, if its offsets partition has a leader.
    pub fn coordinator_for(&self, group: &str) -> Option<BrokerId> {
        let partitions = self.topics.get(OFFSETS_TOPIC)?.partition_count();
        let tp = TopicPartition::new(OFFSETS_TOPIC, offsets_partition_for(group, partitions));
        self.partition_meta(&tp)?.leader
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
            let error = ErrorCode::NotCoordinator;
            let response = match request {
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
            };
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
                topic,
                owned,
                owned_generation,
                session_timeout_ms,
                rebalance_timeout_ms,
                ..
            } => self.on_join_group(
                &group_id,
                reply,
                consumer,
                member_id,
                group_instance_id,
                protocols,
                topic,
                owned,
                owned_generation,
                session_timeout_ms,
                rebalance_timeout_ms,
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
            } => {
                let error = self.heartbeat_error(&group_id, &member_id, generation);
                if error.is_none() || error == Some(ErrorCode::RebalanceInProgress) {
                    self.touch_member(&group_id, &member_id);
                }
                self.respond(&reply, GroupResponse::Heartbeat { error });
            }
            GroupRequest::LeaveGroup { member_id, .. } => {
                self.remove_member(&group_id, &member_id, "left the group (LeaveGroup)");
                self.respond(&reply, GroupResponse::LeaveGroup);
            }
            GroupRequest::OffsetCommit {
                member_id,
                generation,
                offsets,
                ..
            } => {
                let error = self.commit_error(&group_id, &member_id, generation);
                if error.is_none() {
                    let state = self.groups.get_mut(&group_id).expect("exists");
                    for (tp, offset) in &offsets {
                        state.offsets.insert(tp.clone(), *offset);
                    }
                    self.touch_member(&group_id, &member_id);
                    self.emit(EventKind::OffsetsCommitted {
                        group: group_id.clone(),
                        consumer,
                        offsets: offsets.clone(),
                    });
                }
                self.respond(&reply, GroupResponse::OffsetCommit { error, offsets });
            }
            GroupRequest::OffsetFetch { partitions, .. } => {
                let state = &self.groups[&group_id];
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
        }
    }

    fn heartbeat_error(&self, group: &str, member_id: &str, generation: i32) -> Option<ErrorCode> {
        let state = &self.groups[group];
        if state.phase == GroupPhase::Empty || !state.members.contains_key(member_id) {
            return Some(ErrorCode::UnknownMemberId);
        }
        if generation != state.generation {
            return Some(ErrorCode::IllegalGeneration);
        }
        match state.phase {
            GroupPhase::PreparingRebalance => Some(ErrorCode::RebalanceInProgress),
            _ => None,
        }
    }

    /// `ClassicGroup.validateOffsetCommit`.
    fn commit_error(&self, group: &str, member_id: &str, generation: i32) -> Option<ErrorCode> {
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

    fn touch_member(&mut self, group: &str, member_id: &str) {
        let now = self.now;
        let Some(member) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(member_id))
        else {
            return;
        };
        member.last_heartbeat = now;
        let at = now.plus_ms(member.session_timeout_ms);
        self.schedule_timer(
            at,
            Timer::MemberSessionCheck(group.to_owned(), member_id.to_owned()),
        );
    }

    /// A member's session may have expired: it is removed if nothing was heard for
    /// `session.timeout.ms` (members waiting in a join or sync phase are alive).
    pub(in crate::engine) fn on_member_session_check(&mut self, group: &str, member_id: &str) {
        let now = self.now;
        let expired = self
            .groups
            .get(group)
            .and_then(|g| g.members.get(member_id))
            .is_some_and(|m| {
                m.awaiting_join.is_none()
                    && m.awaiting_sync.is_none()
                    && now.since(m.last_heartbeat) >= m.session_timeout_ms
            });
        if expired {
            self.remove_member(group, member_id, "session timed out (no heartbeat)");
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_join_group(
        &mut self,
        group: &str,
        reply: Reply,
        consumer: ConsumerId,
        member_id: String,
        group_instance_id: Option<String>,
        protocols: Vec<String>,
        topic: String,
        owned: Vec<u32>,
        owned_generation: i32,
        session_timeout_ms: u64,
        rebalance_timeout_ms: u64,
    ) {
        let min = self.broker_config.group_min_session_timeout_ms;
        let max = self.broker_config.group_max_session_timeout_ms;
        if session_timeout_ms < min || session_timeout_ms > max {
            // INVALID_SESSION_TIMEOUT is not retriable; the member is told it is unknown.
            self.respond(
                &reply,
                GroupResponse::join_error(ErrorCode::UnknownMemberId, member_id),
            );
            return;
        }
        let now = self.now;
        let state = self.groups.get_mut(group).expect("exists");
        let mut member_id = member_id;
        let mut static_replaced = false;
        if let Some(instance) = &group_instance_id {
            // A static member gets its id at once; a rejoin with a known instance id replaces
            // the old member id.
            let existing = state
                .members
                .values()
                .find(|m| m.group_instance_id.as_ref() == Some(instance))
                .map(|m| m.member_id.clone());
            let new_id = format!("{instance}-{}", state.next_member_number);
            state.next_member_number += 1;
            if let Some(old_id) = existing {
                let mut member = state.members.remove(&old_id).expect("found");
                member.member_id = new_id.clone();
                member.consumer = consumer;
                if state.leader.as_deref() == Some(&old_id) {
                    state.leader = Some(new_id.clone());
                }
                state.members.insert(new_id.clone(), member);
                static_replaced = true;
            }
            member_id = new_id;
        } else if member_id.is_empty() {
            let new_id = format!("{consumer}-{}", state.next_member_number);
            state.next_member_number += 1;
            state.pending_member_ids.insert(new_id.clone());
            self.respond(
                &reply,
                GroupResponse::join_error(ErrorCode::MemberIdRequired, new_id),
            );
            return;
        } else if !state.members.contains_key(&member_id)
            && !state.pending_member_ids.remove(&member_id)
        {
            self.respond(
                &reply,
                GroupResponse::join_error(ErrorCode::UnknownMemberId, member_id),
            );
            return;
        }

        let state = self.groups.get_mut(group).expect("exists");
        if static_replaced && state.phase == GroupPhase::Stable {
            // A static member that rejoins a stable group takes its place back without a
            // rebalance: it syncs and gets its old assignment.
            let member = state.members.get_mut(&member_id).expect("replaced");
            member.last_heartbeat = now;
            let (generation, protocol, leader) = (
                state.generation,
                state.protocol.clone(),
                state.leader.clone().unwrap_or_default(),
            );
            self.respond(
                &reply,
                GroupResponse::JoinGroup {
                    error: None,
                    member_id,
                    generation,
                    protocol,
                    leader,
                    members: Vec::new(),
                },
            );
            return;
        }
        let is_new = !state.members.contains_key(&member_id);
        let member = state
            .members
            .entry(member_id.clone())
            .or_insert_with(|| GroupMember {
                member_id: member_id.clone(),
                consumer,
                group_instance_id: group_instance_id.clone(),
                protocols: protocols.clone(),
                topic: topic.clone(),
                owned: Vec::new(),
                owned_generation: -1,
                session_timeout_ms,
                rebalance_timeout_ms,
                last_heartbeat: now,
                awaiting_join: None,
                awaiting_sync: None,
                assignment: Vec::new(),
            });
        member.protocols = protocols;
        member.topic = topic;
        member.owned = owned;
        member.owned_generation = owned_generation;
        member.session_timeout_ms = session_timeout_ms;
        member.rebalance_timeout_ms = rebalance_timeout_ms;
        member.last_heartbeat = now;
        member.awaiting_join = Some(reply.correlation_id);
        if state.leader.is_none() {
            state.leader = Some(member_id.clone());
        }
        if is_new {
            self.emit(EventKind::MemberJoined {
                group: group.to_owned(),
                member: member_id.clone(),
                consumer,
            });
        }
        match self.groups[group].phase {
            GroupPhase::PreparingRebalance => self.maybe_complete_join(group),
            _ => self.prepare_rebalance(group, format!("{member_id} joined")),
        }
    }

    /// Any join, leave or expiry moves the group to PreparingRebalance. From Empty the
    /// coordinator first waits `group.initial.rebalance.delay.ms` for more members.
    pub(in crate::engine) fn prepare_rebalance(&mut self, group: &str, reason: String) {
        let now = self.now;
        let initial_delay = self.broker_config.group_initial_rebalance_delay_ms;
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        let from_empty = state.phase == GroupPhase::Empty;
        state.round += 1;
        let round = state.round;
        // Members waiting in a sync of the abandoned generation are told to rejoin.
        let waiting_syncs: Vec<(ConsumerId, u64)> = state
            .members
            .values_mut()
            .filter_map(|m| m.awaiting_sync.take().map(|c| (m.consumer, c)))
            .collect();
        let timeout = state.rebalance_timeout_ms();
        if from_empty && initial_delay > 0 {
            state.initial_delay_deadline = Some(now.plus_ms(timeout.max(initial_delay)));
            self.schedule_timer(
                now.plus_ms(initial_delay),
                Timer::GroupJoinDeadline(group.to_owned(), round),
            );
        } else {
            state.initial_delay_deadline = None;
            self.schedule_timer(
                now.plus_ms(timeout),
                Timer::GroupJoinDeadline(group.to_owned(), round),
            );
        }
        self.set_phase(group, GroupPhase::PreparingRebalance);
        self.emit(EventKind::RebalanceStarted {
            group: group.to_owned(),
            reason,
        });
        let coordinator = self.coordinator_for(group);
        for (consumer, correlation_id) in waiting_syncs {
            if let Some(coordinator) = coordinator {
                self.respond(
                    &Reply {
                        coordinator,
                        to: Node::Consumer(consumer),
                        correlation_id,
                    },
                    GroupResponse::SyncGroup {
                        error: Some(ErrorCode::RebalanceInProgress),
                        assignment: Vec::new(),
                    },
                );
            }
        }
        if !(from_empty && initial_delay > 0) {
            self.maybe_complete_join(group);
        }
    }

    /// The join phase ends when every known member has rejoined.
    fn maybe_complete_join(&mut self, group: &str) {
        let Some(state) = self.groups.get(group) else {
            return;
        };
        if state.phase != GroupPhase::PreparingRebalance || state.initial_delay_deadline.is_some() {
            return;
        }
        if state.members.values().all(|m| m.awaiting_join.is_some()) {
            self.complete_join(group);
        }
    }

    /// The join phase's deadline: the initial delay (extended while members keep arriving,
    /// capped by the rebalance timeout), or the rebalance timeout.
    pub(in crate::engine) fn on_group_join_deadline(&mut self, group: &str, round: u64) {
        let now = self.now;
        let initial_delay = self.broker_config.group_initial_rebalance_delay_ms;
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        if state.round != round || state.phase != GroupPhase::PreparingRebalance {
            return;
        }
        if let Some(cap) = state.initial_delay_deadline {
            let joined_recently = state
                .members
                .values()
                .any(|m| m.awaiting_join.is_some() && now.since(m.last_heartbeat) < initial_delay);
            if joined_recently && now.plus_ms(initial_delay) <= cap {
                self.schedule_timer(
                    now.plus_ms(initial_delay),
                    Timer::GroupJoinDeadline(group.to_owned(), round),
                );
                return;
            }
            state.initial_delay_deadline = None;
        }
        self.complete_join(group);
    }

    /// `initNextGeneration`: drops members that did not rejoin, bumps the generation, picks
    /// the protocol by vote and the leader, and answers every waiting JoinGroup.
    fn complete_join(&mut self, group: &str) {
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        let missing: Vec<String> = state
            .members
            .values()
            .filter(|m| m.awaiting_join.is_none())
            .map(|m| m.member_id.clone())
            .collect();
        for member_id in &missing {
            state.members.remove(member_id);
        }
        for member_id in missing {
            self.emit(EventKind::MemberRemoved {
                group: group.to_owned(),
                member: member_id,
                reason: "did not rejoin before the rebalance timeout".to_owned(),
            });
        }
        let state = self.groups.get_mut(group).expect("exists");
        state.generation += 1;
        state.round += 1;
        if state.members.is_empty() {
            state.leader = None;
            state.protocol = None;
            self.set_phase(group, GroupPhase::Empty);
            return;
        }
        if !state
            .leader
            .as_ref()
            .is_some_and(|l| state.members.contains_key(l))
        {
            state.leader = state.members.keys().next().cloned();
        }
        state.protocol = choose_protocol(&state.members, state.leader.as_deref());
        let generation = state.generation;
        let leader = state.leader.clone().unwrap_or_default();
        let protocol = state.protocol.clone();
        let members: Vec<JoinedMember> = state
            .members
            .values()
            .map(|m| JoinedMember {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topic: m.topic.clone(),
                owned: m.owned.clone(),
                owned_generation: m.owned_generation,
            })
            .collect();
        let replies: Vec<(String, ConsumerId, u64)> = state
            .members
            .values_mut()
            .filter_map(|m| {
                m.awaiting_join
                    .take()
                    .map(|c| (m.member_id.clone(), m.consumer, c))
            })
            .collect();
        self.set_phase(group, GroupPhase::CompletingRebalance);
        let Some(coordinator) = self.coordinator_for(group) else {
            return;
        };
        for (member_id, consumer, correlation_id) in replies {
            let is_leader = member_id == leader;
            self.respond(
                &Reply {
                    coordinator,
                    to: Node::Consumer(consumer),
                    correlation_id,
                },
                GroupResponse::JoinGroup {
                    error: None,
                    member_id: member_id.clone(),
                    generation,
                    protocol: protocol.clone(),
                    leader: leader.clone(),
                    members: if is_leader {
                        members.clone()
                    } else {
                        Vec::new()
                    },
                },
            );
        }
    }

    fn on_sync_group(
        &mut self,
        group: &str,
        reply: Reply,
        member_id: String,
        generation: i32,
        assignments: Vec<(String, Vec<u32>)>,
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
            let replies: Vec<(ConsumerId, u64, Vec<u32>)> = state
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

    /// Removes a member (leave, session expiry, poll timeout) and rebalances the rest.
    pub(in crate::engine) fn remove_member(&mut self, group: &str, member_id: &str, reason: &str) {
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        if state.members.remove(member_id).is_none() {
            return;
        }
        if state.leader.as_deref() == Some(member_id) {
            state.leader = state.members.keys().next().cloned();
        }
        let phase = state.phase;
        let now_empty = state.members.is_empty();
        self.emit(EventKind::MemberRemoved {
            group: group.to_owned(),
            member: member_id.to_owned(),
            reason: reason.to_owned(),
        });
        match phase {
            GroupPhase::Stable | GroupPhase::CompletingRebalance => {
                if now_empty {
                    let state = self.groups.get_mut(group).expect("exists");
                    state.generation += 1;
                    state.round += 1;
                    state.protocol = None;
                    self.set_phase(group, GroupPhase::Empty);
                } else {
                    self.prepare_rebalance(group, format!("{member_id} {reason}"));
                }
            }
            GroupPhase::PreparingRebalance => self.maybe_complete_join(group),
            GroupPhase::Empty | GroupPhase::Dead => {}
        }
    }
}

/// The protocol every member supports that gets the most first-choice votes.
fn choose_protocol(
    members: &BTreeMap<String, GroupMember>,
    leader: Option<&str>,
) -> Option<String> {
    let first = members.values().next()?;
    let candidates: Vec<&String> = first
        .protocols
        .iter()
        .filter(|p| members.values().all(|m| m.protocols.contains(p)))
        .collect();
    let mut votes: BTreeMap<&String, usize> = BTreeMap::new();
    for member in members.values() {
        if let Some(choice) = member.protocols.iter().find(|p| candidates.contains(p)) {
            *votes.entry(choice).or_insert(0) += 1;
        }
    }
    let best = votes.values().copied().max()?;
    // Ties go to the leader's preference order.
    let order = leader
        .and_then(|l| members.get(l))
        .map_or(&first.protocols, |m| &m.protocols);
    order.iter().find(|p| votes.get(p) == Some(&best)).cloned()
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
