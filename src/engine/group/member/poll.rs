//! The member's liveness: every `poll()` may send a due auto commit, the heartbeat thread keeps
//! the session alive, and `max.poll.interval.ms` makes a member that stopped polling leave.

use super::GroupCall;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::ConsumerId;
use crate::engine::ids::TopicPartition;
use crate::engine::network::GroupRequest;
use crate::engine::phases::MemberPhase;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

impl Simulation {
    pub(super) fn on_heartbeat_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
    ) {
        match error {
            None => {}
            Some(ErrorCode::RebalanceInProgress) | Some(ErrorCode::IllegalGeneration) => {
                self.start_join(consumer_id)
            }
            Some(ErrorCode::UnknownMemberId) => {
                self.reset_membership(consumer_id);
                self.start_join(consumer_id);
            }
            Some(_) => {}
        }
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
        if !client.poll_check_pending {
            client.poll_check_pending = true;
            self.schedule_timer(
                now.plus_ms(max_poll_interval),
                Timer::PollIntervalCheck(consumer_id),
            );
        }
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
    /// rejoins at its next poll. A check that finds a later poll moves to that poll's
    /// deadline, so the check that acts fires exactly `max.poll.interval.ms` after the last
    /// poll.
    pub(in crate::engine) fn on_poll_interval_check(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        let max_poll_interval = consumer.config.max_poll_interval_ms;
        let (crashed, closed) = (consumer.crashed, consumer.closed);
        let Some(client) = consumer.group.as_mut() else {
            return;
        };
        client.poll_check_pending = false;
        if crashed || closed || client.phase == MemberPhase::Unjoined {
            // The next poll schedules a check again.
            return;
        }
        if now.since(client.last_poll_at) < max_poll_interval {
            client.poll_check_pending = true;
            let due = client.last_poll_at.plus_ms(max_poll_interval);
            self.schedule_timer(due, Timer::PollIntervalCheck(consumer_id));
            return;
        }
        let group = client.group.clone();
        let member_id = std::mem::take(&mut client.member_id);
        client.generation = -1;
        client.phase = MemberPhase::Unjoined;
        let revoked: Vec<TopicPartition> =
            std::mem::take(&mut client.assigned).into_iter().collect();
        consumer.forget_partitions(&revoked);
        self.emit(EventKind::MaxPollIntervalExceeded {
            consumer: consumer_id,
            group: group.clone(),
        });
        if !revoked.is_empty() {
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked,
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
}
