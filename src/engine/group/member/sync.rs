//! The member's SyncGroup answer: the new assignment, revoking what moved (cooperative
//! protocols revoke only that, then rejoin), and fetching the committed offsets of what it got.

use super::GroupCall;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::ConsumerId;
use crate::engine::ids::TopicPartition;
use crate::engine::network::GroupRequest;
use crate::engine::phases::MemberPhase;
use crate::engine::sorted::VecSet;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

impl Simulation {
    pub(in crate::engine) fn on_sync_response(
        &mut self,
        consumer_id: ConsumerId,
        error: Option<ErrorCode>,
        assignment: Vec<TopicPartition>,
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
        let heartbeat_interval = consumer.config.heartbeat_interval_ms;
        let auto_commit = consumer.config.enable_auto_commit;
        let client = consumer.group.as_mut().expect("checked");
        let new: VecSet<TopicPartition> = assignment.iter().cloned().collect::<VecSet<_>>();
        let revoked: Vec<TopicPartition> = client.assigned.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&client.assigned).cloned().collect();
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
        consumer.forget_partitions(&revoked);
        if !revoked.is_empty() {
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked.clone(),
            });
        }
        self.emit(EventKind::AssignmentReceived {
            group: group.clone(),
            consumer: consumer_id,
            generation,
            partitions: assignment,
        });
        if !added.is_empty() {
            let request = GroupRequest::OffsetFetch {
                group,
                partitions: added,
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
        let consumer = &self.consumers[&consumer_id];
        let resubscribed = consumer
            .group
            .as_ref()
            .is_some_and(|client| client.joined_subscription != consumer.subscription);
        if resubscribed || (cooperative && !revoked.is_empty()) {
            // Cooperative rebalancing: having revoked, rejoin so the partitions can move; and a
            // subscription changed during the join is sent in a new one.
            self.start_join(consumer_id);
        }
    }
}
