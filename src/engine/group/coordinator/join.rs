//! JoinGroup at the coordinator: member ids (MEMBER_ID_REQUIRED), static members, the join
//! phase with its initial delay and rebalance timeout, and the end of the join, when the
//! coordinator picks a protocol and answers every member (the leader with the others' metadata).

use crate::engine::sorted::VecMap;

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{ConsumerId, TopicPartition};
use crate::engine::network::{GroupResponse, JoinedMember, Node};
use crate::engine::phases::GroupPhase;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

use super::{InitialDelayedJoin, MemberMetadata, Reply};

/// A JoinGroup request's fields, as the coordinator reads them.
pub(super) struct JoinRequest {
    pub consumer: ConsumerId,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocols: Vec<String>,
    pub topics: Vec<String>,
    pub owned: Vec<TopicPartition>,
    pub owned_generation: i32,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
}

impl Simulation {
    pub(super) fn on_join_group(&mut self, group: &str, reply: Reply, request: JoinRequest) {
        let JoinRequest {
            consumer,
            member_id,
            group_instance_id,
            protocols,
            topics,
            owned,
            owned_generation,
            session_timeout_ms,
            rebalance_timeout_ms,
        } = request;
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
        let Some((member_id, static_replaced)) = self.join_member_id(
            group,
            &reply,
            consumer,
            group_instance_id.as_deref(),
            member_id,
        ) else {
            return;
        };
        if static_replaced && self.groups[group].phase == GroupPhase::Stable {
            self.rejoin_stable_static_member(group, &reply, member_id);
            return;
        }
        let state = self.groups.get_mut(group).expect("exists");
        let is_new = !state.members.contains_key(&member_id);
        let member = state
            .members
            .entry(member_id.clone())
            .or_insert_with(|| MemberMetadata {
                member_id: member_id.clone(),
                consumer,
                group_instance_id: group_instance_id.clone(),
                protocols: protocols.clone(),
                topics: topics.clone(),
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
        member.topics = topics;
        member.owned = owned;
        member.owned_generation = owned_generation;
        member.session_timeout_ms = session_timeout_ms;
        member.rebalance_timeout_ms = rebalance_timeout_ms;
        member.last_heartbeat = now;
        member.awaiting_join = Some(reply.correlation_id);
        if is_new && state.phase == GroupPhase::PreparingRebalance && state.generation == 0 {
            // A member new to the group's first rebalance extends its initial delay, even one
            // joining in the same millisecond as the first (`addMemberAndRebalance`).
            state.new_member_added = true;
        }
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

    /// The member id a JoinGroup goes on with, and whether it replaced a static member's old
    /// id; `None` once the request was answered (MEMBER_ID_REQUIRED, or an unknown id).
    /// A static member that rejoins a stable group takes its place back without a rebalance:
    /// it syncs and gets its old assignment.
    fn rejoin_stable_static_member(&mut self, group: &str, reply: &Reply, member_id: String) {
        let now = self.now;
        let state = self.groups.get_mut(group).expect("exists");
        let member = state.members.get_mut(&member_id).expect("replaced");
        member.last_heartbeat = now;
        let (generation, protocol, leader) = (
            state.generation,
            state.protocol.clone(),
            state.leader.clone().unwrap_or_default(),
        );
        self.respond(
            reply,
            GroupResponse::JoinGroup {
                error: None,
                member_id,
                generation,
                protocol,
                leader,
                members: Vec::new(),
            },
        );
    }

    fn join_member_id(
        &mut self,
        group: &str,
        reply: &Reply,
        consumer: ConsumerId,
        group_instance_id: Option<&str>,
        member_id: String,
    ) -> Option<(String, bool)> {
        let state = self.groups.get_mut(group).expect("exists");
        let mut member_id = member_id;
        let mut static_replaced = false;
        if let Some(instance) = group_instance_id {
            // A static member gets its id at once; a rejoin with a known instance id replaces
            // the old member id.
            let existing = state
                .members
                .values()
                .find(|m| m.group_instance_id.as_deref() == Some(instance))
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
                reply,
                GroupResponse::join_error(ErrorCode::MemberIdRequired, new_id),
            );
            return None;
        } else if !state.members.contains_key(&member_id)
            && !state.pending_member_ids.remove(&member_id)
        {
            self.respond(
                reply,
                GroupResponse::join_error(ErrorCode::UnknownMemberId, member_id),
            );
            return None;
        }
        Some((member_id, static_replaced))
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
            // The group is new: members get `group.initial.rebalance.delay.ms` to arrive, and
            // what is left of the rebalance timeout bounds the extensions.
            state.initial_join = Some(InitialDelayedJoin {
                delay_ms: initial_delay,
                remaining_ms: timeout.saturating_sub(initial_delay),
            });
            self.schedule_timer(
                now.plus_ms(initial_delay),
                Timer::GroupJoinDeadline(group.to_owned(), round),
            );
        } else {
            state.initial_join = None;
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
    pub(in crate::engine) fn maybe_complete_join(&mut self, group: &str) {
        let Some(state) = self.groups.get(group) else {
            return;
        };
        if state.phase != GroupPhase::PreparingRebalance || state.initial_join.is_some() {
            return;
        }
        if state.members.values().all(|m| m.awaiting_join.is_some()) {
            self.complete_join(group);
        }
    }

    /// The join phase's deadline: the initial delay, or the rebalance timeout. Kafka's
    /// `tryCompleteInitialRebalanceElseSchedule`: when a new member joined since the delay was
    /// armed and some of the rebalance timeout remains, the delay starts again for
    /// `min(delay, remaining)`, and `remaining` shrinks by the delay that just ended.
    pub(in crate::engine) fn on_group_join_deadline(&mut self, group: &str, round: u64) {
        let now = self.now;
        let configured_delay = self.broker_config.group_initial_rebalance_delay_ms;
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        if state.round != round || state.phase != GroupPhase::PreparingRebalance {
            return;
        }
        if let Some(delayed) = state.initial_join.take() {
            if state.new_member_added && delayed.remaining_ms != 0 {
                state.new_member_added = false;
                let delay_ms = configured_delay.min(delayed.remaining_ms);
                state.initial_join = Some(InitialDelayedJoin {
                    delay_ms,
                    remaining_ms: delayed.remaining_ms.saturating_sub(delayed.delay_ms),
                });
                self.schedule_timer(
                    now.plus_ms(delay_ms),
                    Timer::GroupJoinDeadline(group.to_owned(), round),
                );
                return;
            }
        }
        self.complete_join(group);
    }

    /// `initNextGeneration`: drops members that did not rejoin, bumps the generation, picks
    /// the protocol by vote and the leader, and answers every waiting JoinGroup.
    pub(in crate::engine) fn complete_join(&mut self, group: &str) {
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
                topics: m.topics.clone(),
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
}

/// The protocol every member supports that gets the most first-choice votes.
fn choose_protocol(
    members: &VecMap<String, MemberMetadata>,
    leader: Option<&str>,
) -> Option<String> {
    let first = members.values().next()?;
    let candidates: Vec<&String> = first
        .protocols
        .iter()
        .filter(|p| members.values().all(|m| m.protocols.contains(p)))
        .collect();
    let mut votes: VecMap<&String, usize> = VecMap::new();
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
