//! The member's JoinGroup: `onJoinPrepare` (commit, and revoke everything with an eager
//! protocol), the request with its subscription and owned partitions, and the answer: the
//! leader runs the assignor over every member's subscription.

use super::GroupCall;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::group::assignor;
use crate::engine::group::assignor::AssignorKind;
use crate::engine::group::assignor::MemberSubscription;
use crate::engine::ids::ConsumerId;
use crate::engine::ids::TopicPartition;
use crate::engine::network::GroupRequest;
use crate::engine::network::JoinedMember;
use crate::engine::network::Node;
use crate::engine::phases::MemberPhase;
use crate::engine::sorted::VecMap;
use crate::engine::Simulation;

/// A JoinGroup answer's fields, as the member reads them.
pub(super) struct JoinResponse {
    pub error: Option<ErrorCode>,
    pub member_id: String,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: String,
    pub members: Vec<JoinedMember>,
}

impl Simulation {
    /// A topic's partition count as the member knows it from metadata, if it exists.
    fn member_partition_count(&self, consumer_id: ConsumerId, topic: &str) -> Option<u32> {
        self.consumers[&consumer_id].metadata.partition_count(topic)
    }

    /// A partition named with the topic's shared name, so the many copies share one string.
    fn member_topic_partition(
        &self,
        consumer_id: ConsumerId,
        topic: &str,
        partition: u32,
    ) -> TopicPartition {
        let shared = self.consumers[&consumer_id].metadata.shared_name(topic);
        TopicPartition::new(shared, partition)
    }

    /// A member whose subscription changed rejoins, so the leader assigns the new topics; one
    /// not in the group yet sends the new subscription when it joins, and one in the middle
    /// of a join rejoins once it has synced (see `on_sync_response`).
    pub(in crate::engine) fn rejoin_for_new_subscription(&mut self, consumer_id: ConsumerId) {
        let stable = self.consumers[&consumer_id]
            .group
            .as_ref()
            .is_some_and(|client| client.phase == MemberPhase::Stable);
        if stable {
            self.start_join(consumer_id);
        }
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
        let client = consumer.group.as_mut().expect("checked");
        if !client.cooperative() && !client.assigned.is_empty() {
            let revoked: Vec<TopicPartition> =
                std::mem::take(&mut client.assigned).into_iter().collect();
            client.previously_owned = revoked.clone();
            consumer.forget_partitions(&revoked);
            self.emit(EventKind::PartitionsRevoked {
                consumer: consumer_id,
                partitions: revoked,
            });
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
        let client = consumer.group.as_mut().expect("checked");
        client.phase = MemberPhase::Joining;
        client.joined_subscription = consumer.subscription.clone();
        let owned = if client.cooperative() {
            client.assigned.iter().cloned().collect()
        } else {
            client.previously_owned.clone()
        };
        let request = GroupRequest::JoinGroup {
            group: client.group.clone(),
            member_id: client.member_id.clone(),
            group_instance_id: consumer.config.group_instance_id.clone(),
            protocols: consumer.config.partition_assignment_strategy.clone(),
            topics: consumer.subscription.clone(),
            owned,
            owned_generation: client.owned_generation,
            session_timeout_ms: consumer.config.session_timeout_ms,
            rebalance_timeout_ms: consumer.config.max_poll_interval_ms,
        };
        if !self.send_group_request(consumer_id, GroupCall::Join, request) {
            self.group_retry_later(consumer_id);
        }
    }

    /// The JoinGroup answer. A leader assigns with the partition counts of its own metadata,
    /// as the Java client does.
    pub(super) fn on_join_response(&mut self, consumer_id: ConsumerId, response: JoinResponse) {
        let JoinResponse {
            error,
            member_id,
            generation,
            protocol,
            leader,
            members,
        } = response;
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
        let is_leader = client.is_leader;
        let assignments = if is_leader {
            self.run_assignor(
                consumer_id,
                &group,
                generation,
                protocol.as_deref(),
                &members,
            )
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

    /// The leader runs the assignor over every member's subscription, as it knows the topics
    /// from metadata.
    fn run_assignor(
        &mut self,
        consumer_id: ConsumerId,
        group: &str,
        generation: i32,
        protocol: Option<&str>,
        members: &[JoinedMember],
    ) -> Vec<(String, Vec<TopicPartition>)> {
        let kind = protocol
            .and_then(AssignorKind::from_name)
            .unwrap_or(AssignorKind::Range);
        let mut topics = VecMap::new();
        let mut unknown = Vec::new();
        for topic in members.iter().flat_map(|m| m.topics.iter()) {
            match self.member_partition_count(consumer_id, topic) {
                Some(count) => {
                    topics.insert(topic.clone(), count);
                }
                None => unknown.push(topic.clone()),
            }
        }
        // The leader asks for metadata of every topic the group subscribes to, as Kafka's
        // leader widens its metadata to the group's subscription; until it has them, the
        // topics it does not know are left out of this assignment.
        for topic in unknown {
            self.want_topic_metadata(Node::Consumer(consumer_id), &topic);
        }
        let subscriptions: Vec<MemberSubscription> = members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topics: m.topics.clone(),
                owned: m
                    .owned
                    .iter()
                    .map(|tp| (tp.topic.to_string(), tp.partition))
                    .collect(),
                generation: (m.owned_generation >= 0).then_some(m.owned_generation),
            })
            .collect();
        let result = assignor::assign(kind, &topics, &subscriptions);
        let assignments: Vec<(String, Vec<TopicPartition>)> = result
            .into_iter()
            .map(|(member, partitions)| {
                let list = partitions
                    .into_iter()
                    .map(|(topic, partition)| {
                        self.member_topic_partition(consumer_id, &topic, partition)
                    })
                    .collect();
                (member, list)
            })
            .collect();
        self.emit(EventKind::AssignmentComputed {
            group: group.to_owned(),
            leader: consumer_id,
            assignor: kind.name().to_owned(),
            generation,
            assignments: assignments.clone(),
        });
        assignments
    }
}
