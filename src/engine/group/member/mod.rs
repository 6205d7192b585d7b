//! The consumer's side of a group (Java's `ConsumerCoordinator`): finding the coordinator
//! (the leader of the group's `__consumer_offsets` partition in the consumer's own metadata,
//! which is what FindCoordinator answers; the FindCoordinator round trip itself is not drawn),
//! JoinGroup (with MEMBER_ID_REQUIRED), running the assignor when it is the leader, SyncGroup,
//! heartbeats, eager revocation versus cooperative incremental moves, auto and manual commits,
//! `max.poll.interval.ms`, and close versus crash.

mod commit;
mod join;
mod manual;
mod poll;
mod sync;

use crate::engine::sorted::{VecMap, VecSet};

use crate::engine::command::Rejection;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::group::assignor::AssignorKind;
use crate::engine::group::{offsets_partition_for, OFFSETS_TOPIC};
use crate::engine::ids::{BrokerId, ConsumerId, Offset, TopicPartition};
use crate::engine::network::{GroupRequest, GroupResponse, Message, Node};
use crate::engine::phases::MemberPhase;
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

use join::JoinResponse;

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
    pub assigned: VecSet<TopicPartition>,
    /// Partitions owned before an eager revocation, reported to sticky assignors.
    previously_owned: Vec<TopicPartition>,
    owned_generation: i32,
    /// The subscription its last JoinGroup carried; a different one now means it must rejoin
    /// (`ConsumerCoordinator.rejoinNeededOrPending`).
    joined_subscription: Vec<String>,
    /// The last offsets this member committed successfully, per partition.
    pub committed: VecMap<TopicPartition, Offset>,
    awaiting_offsets: bool,
    in_flight: VecMap<u64, GroupCall>,
    pub last_poll_at: SimTime,
    /// Whether a `max.poll.interval.ms` check is in the timer queue. One at a time: a check
    /// that finds a newer poll moves itself to that poll's deadline, so a member that polls
    /// five times a second keeps one timer rather than the 1 500 its five-minute interval
    /// would pile up (they made every snapshot of the large preset 7 MB).
    pub(in crate::engine) poll_check_pending: bool,
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
            assigned: VecSet::new(),
            previously_owned: Vec::new(),
            owned_generation: -1,
            joined_subscription: Vec::new(),
            committed: VecMap::new(),
            awaiting_offsets: false,
            in_flight: VecMap::new(),
            last_poll_at: now,
            poll_check_pending: false,
            next_auto_commit_at: now,
            heartbeat_running: false,
        }
    }

    /// Whether it has started taking part in its group (it has a member id or a join under
    /// way), after which Kafka refuses `assign()`.
    pub(in crate::engine) fn has_joined(&self) -> bool {
        !self.member_id.is_empty() || self.phase != MemberPhase::Unjoined
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
        let Some(coordinator) = self.cached_coordinator(consumer_id) else {
            self.request_metadata_update(Node::Consumer(consumer_id));
            return false;
        };
        if self.consumers[&consumer_id]
            .metadata
            .reconnect_at(coordinator, self.now)
            .is_some()
        {
            return false;
        }
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

    /// The coordinator as the consumer's metadata says.
    fn cached_coordinator(&self, consumer_id: ConsumerId) -> Option<BrokerId> {
        let consumer = self.consumers.get(&consumer_id)?;
        let group = &consumer.group.as_ref()?.group;
        let partitions = consumer.metadata.partition_count(OFFSETS_TOPIC)?;
        let tp = TopicPartition::new(OFFSETS_TOPIC, offsets_partition_for(group, partitions));
        consumer.metadata.leader_for(&tp)
    }

    /// A group request got no answer within its timeout: the consumer closes the connection
    /// to the coordinator, which fails every request in flight on it.
    pub(in crate::engine) fn on_group_request_timed_out(
        &mut self,
        consumer_id: ConsumerId,
        correlation_id: u64,
    ) {
        let pending = self
            .consumers
            .get(&consumer_id)
            .and_then(|c| c.group.as_ref())
            .is_some_and(|g| g.in_flight.contains_key(&correlation_id));
        if !pending {
            return;
        }
        match self.cached_coordinator(consumer_id) {
            Some(broker) => {
                let reason = self.timeout_reason(Node::Consumer(consumer_id), broker);
                self.on_disconnected(
                    Node::Consumer(consumer_id),
                    broker,
                    reason,
                    Some(correlation_id),
                );
                // If the coordinator moved since, the request was not on that connection.
                self.on_group_request_timeout(consumer_id, correlation_id);
            }
            None => self.on_group_request_timeout(consumer_id, correlation_id),
        }
    }

    /// The connection to `broker` closed: if it is the coordinator, every group request in
    /// flight fails. Returns how many.
    pub(in crate::engine) fn fail_group_requests_on(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
    ) -> u32 {
        if self.cached_coordinator(consumer_id) != Some(broker) {
            return 0;
        }
        let pending: Vec<u64> = self
            .consumers
            .get(&consumer_id)
            .and_then(|c| c.group.as_ref())
            .map(|g| g.in_flight.keys().copied().collect())
            .unwrap_or_default();
        for &correlation_id in &pending {
            self.on_group_request_timeout(consumer_id, correlation_id);
        }
        pending.len() as u32
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
        let error = match &response {
            GroupResponse::JoinGroup { error, .. }
            | GroupResponse::SyncGroup { error, .. }
            | GroupResponse::Heartbeat { error }
            | GroupResponse::OffsetCommit { error, .. }
            | GroupResponse::OffsetFetch { error, .. } => *error,
            GroupResponse::LeaveGroup => None,
        };
        if matches!(
            error,
            Some(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable)
        ) {
            // The coordinator moved: find it again.
            self.request_metadata_update(Node::Consumer(consumer_id));
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
                JoinResponse {
                    error,
                    member_id,
                    generation,
                    protocol,
                    leader,
                    members,
                },
            ),
            GroupResponse::SyncGroup { error, assignment } => {
                self.on_sync_response(consumer_id, error, assignment)
            }
            GroupResponse::Heartbeat { error } => self.on_heartbeat_response(consumer_id, error),
            GroupResponse::LeaveGroup => {}
            GroupResponse::OffsetCommit { error, offsets } => {
                self.on_offset_commit_response(consumer_id, error, offsets)
            }
            GroupResponse::OffsetFetch { error, offsets } => {
                self.on_offset_fetch_response(consumer_id, error, offsets)
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

    /// The coordinator broker a consumer's group requests would go to (for drawing).
    pub fn consumer_coordinator(&self, consumer: ConsumerId) -> Option<BrokerId> {
        let client = self.consumers.get(&consumer)?.group.as_ref()?;
        let _ = client;
        self.cached_coordinator(consumer)
    }
}
