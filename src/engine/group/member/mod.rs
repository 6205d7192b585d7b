//! The consumer's side of a group (Java's `ConsumerCoordinator`): finding the coordinator,
//! JoinGroup (with MEMBER_ID_REQUIRED), running the assignor when it is the leader, SyncGroup,
//! heartbeats, eager revocation versus cooperative incremental moves, auto and manual commits,
//! `max.poll.interval.ms`, and close versus crash.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::command::Rejection;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::group::assignor::{self, AssignorKind, MemberSubscription};
use crate::engine::ids::{BrokerId, ConsumerId, Offset, TopicPartition};
use crate::engine::network::{GroupRequest, GroupResponse, JoinedMember, Message, Node};
use crate::engine::phases::MemberPhase;
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// `retry.backoff.ms` for group requests.
const GROUP_RETRY_BACKOFF_MS: u64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupCall {
    Join,
    Sync,
    Heartbeat,
    Commit,
    OffsetFetch,
    Leave,
}

/// A consumer's membership in its group.
#[derive(Clone, Debug)]
pub struct ConsumerCoordinator {
    pub group: String,
    pub member_id: String,
    pub generation: i32,
    pub phase: MemberPhase,
    pub is_leader: bool,
    pub protocol: Option<String>,
    /// Partitions assigned and not revoked.
    pub assigned: BTreeSet<u32>,
    /// Partitions owned before an eager revocation, reported to sticky assignors.
    previously_owned: Vec<u32>,
    owned_generation: i32,
    /// The last offsets this member committed successfully, per partition.
    pub committed: BTreeMap<u32, Offset>,
    awaiting_offsets: bool,
    in_flight: BTreeMap<u64, GroupCall>,
    pub last_poll_at: SimTime,
    next_auto_commit_at: SimTime,
    heartbeat_running: bool,
}

impl ConsumerCoordinator {
    pub(in crate::engine) fn new(group: String, now: SimTime) -> Self {
        ConsumerCoordinator {
            group,
            member_id: String::new(),
            generation: -1,
            phase: MemberPhase::Unjoined,
            is_leader: false,
            protocol: None,
            assigned: BTreeSet::new(),
            previously_owned: Vec::new(),
            owned_generation: -1,
            committed: BTreeMap::new(),
            awaiting_offsets: false,
            in_flight: BTreeMap::new(),
            last_poll_at: now,
            next_auto_commit_at: now,
            heartbeat_running: false,
        }
    }

    fn calling(&self, call: GroupCall) -> bool {
        self.in_flight.values().any(|c| *c == call)
    }

    /// Whether the member reads records now (it has an assignment and its positions).
    pub fn can_fetch(&self) -> bool {
        self.phase == MemberPhase::Stable && !self.awaiting_offsets
    }

    fn cooperative(&self) -> bool {
        self.protocol
            .as_deref()
            .and_then(AssignorKind::from_name)
            .is_some_and(AssignorKind::is_cooperative)
    }
}

impl Simulation {
    fn send_group_request(
        &mut self,
        consumer_id: ConsumerId,
        call: GroupCall,
        request: GroupRequest,
    ) -> bool {
        let Some(coordinator) = self.coordinator_for(request.group()) else {
            return false;
        };
        let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
        let correlation_id = consumer.next_correlation();
        let timeout_ms = match call {
            // The Java client waits the rebalance timeout plus 5 s for a JoinGroup.
            GroupCall::Join => consumer.config.max_poll_interval_ms + 5_000,
            _ => 30_000,
        };
        if let Some(client) = consumer.group.as_mut() {
            client.in_flight.insert(correlation_id, call);
        }
        self.schedule_timer(
            self.now.plus_ms(timeout_ms),
            Timer::GroupRequestTimeout(consumer_id, correlation_id),
        );
        self.send(
            Node::Consumer(consumer_id),
            Node::Broker(coordinator),
            Message::Group {
                correlation_id,
                request,
            },
        );
        true
    }

    /// Starts (or restarts) a join: before it, `onJoinPrepare` commits if auto commit is on
    /// and, with an eager protocol, revokes every partition.
    pub(in crate::engine) fn start_join(&mut self, consumer_id: ConsumerId) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.crashed || consumer.closed {
            return;
        }
        let Some(client) = consumer.group.as_ref() else {
            return;
        };
        if client.calling(GroupCall::Join) {
            return;
        }
        let auto_commit = consumer.config.enable_auto_commit;
        if auto_commit && client.phase == MemberPhase::Stable && client.generation >= 0 {
            self.commit_positions(consumer_id, None);
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
        let topic = consumer.topic.clone();
        let client = consumer.group.as_mut().expect("checked");
        if !client.cooperative() && !client.assigned.is_empty() {
            let revoked: Vec<u32> = client.assigned.iter().copied().collect();
            client.previously_owned = revoked.clone();
            client.assigned.clear();
            for partition in &revoked {
                consumer.positions.remove(partition);
            }
            consumer.drop_buffered(&revoked);
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked
                    .iter()
                    .map(|p| TopicPartition::new(topic.clone(), *p))
                    .collect(),
            });
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
        let client = consumer.group.as_mut().expect("checked");
        client.phase = MemberPhase::Joining;
        let owned = if client.cooperative() {
            client.assigned.iter().copied().collect()
        } else {
            client.previously_owned.clone()
        };
        let request = GroupRequest::JoinGroup {
            group: client.group.clone(),
            member_id: client.member_id.clone(),
            group_instance_id: consumer.config.group_instance_id.clone(),
            protocols: consumer.config.partition_assignment_strategy.clone(),
            topic,
            owned,
            owned_generation: client.owned_generation,
            session_timeout_ms: consumer.config.session_timeout_ms,
            rebalance_timeout_ms: consumer.config.max_poll_interval_ms,
        };
        if !self.send_group_request(consumer_id, GroupCall::Join, request) {
            self.group_retry_later(consumer_id);
        }
    }

    fn group_retry_later(&mut self, consumer_id: ConsumerId) {
        if let Some(client) = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
        {
            client.phase = MemberPhase::Unjoined;
        }
        self.schedule_poll(consumer_id, self.now.plus_ms(GROUP_RETRY_BACKOFF_MS));
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

    /// Inside `poll()`: joins if needed, auto-commits when the interval has passed. Returns
    /// whether the consumer may fetch now.
    pub(in crate::engine) fn group_poll(&mut self, consumer_id: ConsumerId) -> bool {
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return false;
        };
        let max_poll_interval = consumer.config.max_poll_interval_ms;
        let auto_commit = consumer.config.enable_auto_commit;
        let interval = consumer.config.auto_commit_interval_ms;
        let Some(client) = consumer.group.as_mut() else {
            return true;
        };
        client.last_poll_at = now;
        self.schedule_timer(
            now.plus_ms(max_poll_interval),
            Timer::PollIntervalCheck(consumer_id),
        );
        let client = self.consumers[&consumer_id]
            .group
            .as_ref()
            .expect("checked");
        match client.phase {
            MemberPhase::Unjoined => {
                self.start_join(consumer_id);
                false
            }
            MemberPhase::Joining | MemberPhase::Syncing => false,
            MemberPhase::Stable => {
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
                self.consumers[&consumer_id]
                    .group
                    .as_ref()
                    .expect("checked")
                    .can_fetch()
            }
        }
    }

    /// `max.poll.interval.ms` passed without a `poll()`: the client leaves the group; it
    /// rejoins at its next poll.
    pub(in crate::engine) fn on_poll_interval_check(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.crashed || consumer.closed {
            return;
        }
        let max_poll_interval = consumer.config.max_poll_interval_ms;
        let topic = consumer.topic.clone();
        let Some(client) = consumer.group.as_mut() else {
            return;
        };
        if client.phase == MemberPhase::Unjoined
            || now.since(client.last_poll_at) < max_poll_interval
        {
            return;
        }
        let group = client.group.clone();
        let member_id = std::mem::take(&mut client.member_id);
        client.generation = -1;
        client.phase = MemberPhase::Unjoined;
        let revoked: Vec<u32> = std::mem::take(&mut client.assigned).into_iter().collect();
        for partition in &revoked {
            consumer.positions.remove(partition);
        }
        consumer.drop_buffered(&revoked);
        self.emit(EventKind::MaxPollIntervalExceeded {
            consumer: consumer_id,
            group: group.clone(),
        });
        if !revoked.is_empty() {
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked
                    .iter()
                    .map(|p| TopicPartition::new(topic.clone(), *p))
                    .collect(),
            });
        }
        self.send_group_request(
            consumer_id,
            GroupCall::Leave,
            GroupRequest::LeaveGroup { group, member_id },
        );
    }

    pub(in crate::engine) fn on_heartbeat_timer(&mut self, consumer_id: ConsumerId) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        let interval = consumer.config.heartbeat_interval_ms;
        if consumer.crashed || consumer.closed {
            return;
        }
        let Some(client) = consumer.group.as_mut() else {
            return;
        };
        if client.phase == MemberPhase::Unjoined {
            client.heartbeat_running = false;
            return;
        }
        if client.phase == MemberPhase::Stable && !client.calling(GroupCall::Heartbeat) {
            let request = GroupRequest::Heartbeat {
                group: client.group.clone(),
                member_id: client.member_id.clone(),
                generation: client.generation,
            };
            self.send_group_request(consumer_id, GroupCall::Heartbeat, request);
        }
        self.schedule_timer(self.now.plus_ms(interval), Timer::Heartbeat(consumer_id));
    }

    pub(in crate::engine) fn on_group_request_timeout(
        &mut self,
        consumer_id: ConsumerId,
        correlation_id: u64,
    ) {
        let Some(client) = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
        else {
            return;
        };
        let Some(call) = client.in_flight.remove(&correlation_id) else {
            return;
        };
        match call {
            GroupCall::Join | GroupCall::Sync => self.group_retry_later(consumer_id),
            GroupCall::OffsetFetch => self.send_offset_fetch(consumer_id),
            // A lost heartbeat or commit is simply sent again by its own timer or poll.
            GroupCall::Heartbeat | GroupCall::Commit | GroupCall::Leave => {}
        }
    }

    /// Asks the coordinator for the committed offsets of assigned partitions that have no
    /// position yet; the member reads them only once it knows where to start.
    fn send_offset_fetch(&mut self, consumer_id: ConsumerId) {
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

    /// The coordinator answered.
    pub(in crate::engine) fn on_group_response(
        &mut self,
        consumer_id: ConsumerId,
        correlation_id: u64,
        response: GroupResponse,
    ) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.crashed {
            return;
        }
        let Some(client) = consumer.group.as_mut() else {
            return;
        };
        if client.in_flight.remove(&correlation_id).is_none() {
            return;
        }
        match response {
            GroupResponse::JoinGroup {
                error,
                member_id,
                generation,
                protocol,
                leader,
                members,
            } => self.on_join_response(
                consumer_id,
                error,
                member_id,
                generation,
                protocol,
                leader,
                members,
            ),
            GroupResponse::SyncGroup { error, assignment } => {
                self.on_sync_response(consumer_id, error, assignment)
            }
            GroupResponse::Heartbeat { error } => match error {
                None => {}
                Some(ErrorCode::RebalanceInProgress) | Some(ErrorCode::IllegalGeneration) => {
                    self.start_join(consumer_id)
                }
                Some(ErrorCode::UnknownMemberId) => {
                    self.reset_membership(consumer_id);
                    self.start_join(consumer_id);
                }
                Some(_) => {}
            },
            GroupResponse::LeaveGroup => {}
            GroupResponse::OffsetCommit { error, offsets } => {
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
            GroupResponse::OffsetFetch { error, offsets } => {
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
        }
    }

    fn reset_membership(&mut self, consumer_id: ConsumerId) {
        if let Some(client) = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
        {
            client.member_id.clear();
            client.generation = -1;
            client.phase = MemberPhase::Unjoined;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_join_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
        member_id: String,
        generation: i32,
        protocol: Option<String>,
        leader: String,
        members: Vec<JoinedMember>,
    ) {
        match error {
            Some(ErrorCode::MemberIdRequired) => {
                let client = self
                    .consumers
                    .get_mut(&consumer_id)
                    .and_then(|c| c.group.as_mut())
                    .expect("checked");
                client.member_id = member_id;
                client.phase = MemberPhase::Unjoined;
                self.start_join(consumer_id);
                return;
            }
            Some(ErrorCode::UnknownMemberId) => {
                self.reset_membership(consumer_id);
                self.group_retry_later(consumer_id);
                return;
            }
            Some(_) => {
                self.group_retry_later(consumer_id);
                return;
            }
            None => {}
        }
        let topic = self.consumers[&consumer_id].topic.clone();
        let partition_count = self.topics.get(&topic).map_or(0, |t| t.partition_count());
        let client = self
            .consumers
            .get_mut(&consumer_id)
            .and_then(|c| c.group.as_mut())
            .expect("checked");
        client.member_id = member_id.clone();
        client.generation = generation;
        client.protocol = protocol.clone();
        client.is_leader = leader == member_id && !members.is_empty();
        client.phase = MemberPhase::Syncing;
        let group = client.group.clone();
        let assignments = if client.is_leader {
            // The leader runs the assignor over every member's subscription.
            let kind = protocol
                .as_deref()
                .and_then(AssignorKind::from_name)
                .unwrap_or(AssignorKind::Range);
            let mut topics = BTreeMap::new();
            for member in &members {
                if let Some(meta) = self.topics.get(&member.topic) {
                    topics.insert(member.topic.clone(), meta.partition_count());
                }
            }
            let subscriptions: Vec<MemberSubscription> = members
                .iter()
                .map(|m| MemberSubscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.group_instance_id.clone(),
                    topics: vec![m.topic.clone()],
                    owned: m.owned.iter().map(|p| (m.topic.clone(), *p)).collect(),
                    generation: (m.owned_generation >= 0).then_some(m.owned_generation),
                })
                .collect();
            let result = assignor::assign(kind, &topics, &subscriptions);
            let assignments: Vec<(String, Vec<u32>)> = result
                .into_iter()
                .map(|(member, partitions)| {
                    let mine: Vec<u32> = partitions
                        .into_iter()
                        .filter(|(t, p)| *t == topic && *p < partition_count)
                        .map(|(_, p)| p)
                        .collect();
                    (member, mine)
                })
                .collect();
            self.emit(EventKind::AssignmentComputed {
                group: group.clone(),
                leader: consumer_id,
                assignor: kind.name().to_owned(),
                generation,
                assignments: assignments.clone(),
            });
            assignments
        } else {
            Vec::new()
        };
        let request = GroupRequest::SyncGroup {
            group,
            member_id,
            generation,
            assignments,
        };
        if !self.send_group_request(consumer_id, GroupCall::Sync, request) {
            self.group_retry_later(consumer_id);
        }
    }

    fn on_sync_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
        assignment: Vec<u32>,
    ) {
        match error {
            None => {}
            Some(ErrorCode::UnknownMemberId) => {
                self.reset_membership(consumer_id);
                self.start_join(consumer_id);
                return;
            }
            Some(_) => {
                if let Some(client) = self
                    .consumers
                    .get_mut(&consumer_id)
                    .and_then(|c| c.group.as_mut())
                {
                    client.phase = MemberPhase::Unjoined;
                }
                self.start_join(consumer_id);
                return;
            }
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        let topic = consumer.topic.clone();
        let heartbeat_interval = consumer.config.heartbeat_interval_ms;
        let auto_commit = consumer.config.enable_auto_commit;
        let client = consumer.group.as_mut().expect("checked");
        let new: BTreeSet<u32> = assignment.iter().copied().collect();
        let revoked: Vec<u32> = client.assigned.difference(&new).copied().collect();
        let added: Vec<u32> = new.difference(&client.assigned).copied().collect();
        let cooperative = client.cooperative();
        client.phase = MemberPhase::Stable;
        client.owned_generation = client.generation;
        client.previously_owned.clear();
        let generation = client.generation;
        let group = client.group.clone();
        let start_heartbeat = !client.heartbeat_running;
        client.heartbeat_running = true;
        if !revoked.is_empty() && auto_commit {
            // onPartitionsRevoked: commit what was read before giving partitions up.
            self.commit_positions(consumer_id, Some(&revoked));
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        let client = consumer.group.as_mut().expect("checked");
        client.assigned = new;
        client.awaiting_offsets = !added.is_empty();
        for partition in &revoked {
            consumer.positions.remove(partition);
        }
        consumer.drop_buffered(&revoked);
        if !revoked.is_empty() {
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked
                    .iter()
                    .map(|p| TopicPartition::new(topic.clone(), *p))
                    .collect(),
            });
        }
        self.emit(EventKind::AssignmentReceived {
            group: group.clone(),
            consumer: consumer_id,
            generation,
            partitions: assignment
                .iter()
                .map(|p| TopicPartition::new(topic.clone(), *p))
                .collect(),
        });
        if !added.is_empty() {
            let request = GroupRequest::OffsetFetch {
                group,
                partitions: added
                    .iter()
                    .map(|p| TopicPartition::new(topic.clone(), *p))
                    .collect(),
            };
            if !self.send_group_request(consumer_id, GroupCall::OffsetFetch, request) {
                if let Some(client) = self
                    .consumers
                    .get_mut(&consumer_id)
                    .and_then(|c| c.group.as_mut())
                {
                    client.awaiting_offsets = false;
                }
            }
        }
        if start_heartbeat {
            self.schedule_timer(
                self.now.plus_ms(heartbeat_interval),
                Timer::Heartbeat(consumer_id),
            );
        }
        if cooperative && !revoked.is_empty() {
            // Cooperative rebalancing: having revoked, rejoin so the partitions can move.
            self.start_join(consumer_id);
        }
    }

    pub(in crate::engine) fn close_consumer(
        &mut self,
        consumer_id: ConsumerId,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        if consumer.config.enable_auto_commit {
            self.commit_positions(consumer_id, None);
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        let is_static = consumer.config.group_instance_id.is_some();
        let leave = consumer.group.as_ref().and_then(|client| {
            (!is_static && !client.member_id.is_empty()).then(|| GroupRequest::LeaveGroup {
                group: client.group.clone(),
                member_id: client.member_id.clone(),
            })
        });
        if let Some(request) = leave {
            self.send_group_request(consumer_id, GroupCall::Leave, request);
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        consumer.closed = true;
        if let Some(client) = consumer.group.as_mut() {
            client.assigned.clear();
            client.phase = MemberPhase::Unjoined;
        }
        self.emit(EventKind::ConsumerClosed {
            consumer: consumer_id,
        });
        Ok(())
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

    /// The coordinator broker a consumer's group requests would go to (for drawing).
    pub fn consumer_coordinator(&self, consumer: ConsumerId) -> Option<BrokerId> {
        let client = self.consumers.get(&consumer)?.group.as_ref()?;
        self.coordinator_for(&client.group)
    }
}
