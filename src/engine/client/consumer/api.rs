//! What the application calls on its consumer besides `poll()`: `subscribe`, `assign`, `seek`
//! (to an offset, the beginning or the end) and `pause`/`resume` of partitions, with the
//! `IllegalStateException`s Kafka throws turned into rejections.

use crate::engine::sorted::VecSet;

use crate::engine::command::{Rejection, SeekTarget};
use crate::engine::config::AutoOffsetReset;
use crate::engine::ids::{ConsumerId, TopicPartition};
use crate::engine::Simulation;

impl Simulation {
    /// `subscribe(topics)`. A member already in its group rejoins, so the group assigns the
    /// new subscription; a consumer without a group reads every partition of the new topics.
    pub(in crate::engine) fn subscribe(
        &mut self,
        consumer_id: ConsumerId,
        topics: Vec<String>,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        if consumer.is_manually_assigned() {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason:
                    "reads partitions by assign(); subscribing as well is an IllegalStateException",
            });
        }
        let mut unique = Vec::new();
        for topic in topics {
            if !unique.contains(&topic) {
                unique.push(topic);
            }
        }
        if unique.is_empty() {
            return Err(Rejection::InvalidConfig {
                setting: "topics",
                reason: "subscribe() needs at least one topic".to_owned(),
            });
        }
        for topic in &unique {
            self.topic_for_client(topic)?;
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        consumer.topic = unique[0].clone();
        consumer.subscription = unique;
        let dropped: Vec<TopicPartition> = consumer
            .positions
            .keys()
            .filter(|tp| !consumer.subscription.iter().any(|t| *t == *tp.topic))
            .cloned()
            .collect();
        let in_group = consumer.group.is_some();
        if !in_group {
            consumer.forget_partitions(&dropped);
        }
        if in_group {
            self.rejoin_for_new_subscription(consumer_id);
        }
        self.schedule_poll(consumer_id, self.now);
        Ok(())
    }

    /// `assign(partitions)`: reads exactly these, without group membership. Kafka refuses it
    /// while the consumer is subscribed; here a consumer that has not joined its group yet
    /// (one just added) may still switch to `assign()`.
    pub(in crate::engine) fn assign_partitions(
        &mut self,
        consumer_id: ConsumerId,
        partitions: Vec<TopicPartition>,
    ) -> Result<(), Rejection> {
        let consumer = self.live_consumer_mut(consumer_id)?;
        if consumer
            .group
            .as_ref()
            .is_some_and(|client| client.has_joined())
        {
            return Err(Rejection::ConsumerState {
                consumer: consumer_id,
                reason:
                    "is subscribed through its group; assign() as well is an IllegalStateException",
            });
        }
        // The playground refuses a partition that does not exist when the command is given,
        // so a typo in a scenario is reported rather than read from forever.
        let mut wanted = VecSet::new();
        for tp in &partitions {
            let known = self
                .existing_partition(tp)
                .ok_or_else(|| Rejection::UnknownTopic {
                    topic: tp.to_string(),
                })?;
            wanted.insert(known);
        }
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        let dropped: Vec<TopicPartition> = consumer
            .positions
            .keys()
            .filter(|tp| !wanted.contains(*tp))
            .cloned()
            .collect();
        consumer.forget_partitions(&dropped);
        if let Some(first) = wanted.first() {
            consumer.topic = first.topic.to_string();
        }
        consumer.subscription.clear();
        consumer.manual_assignment = Some(wanted);
        self.schedule_poll(consumer_id, self.now);
        Ok(())
    }

    /// A partition the consumer reads now, or Kafka's "No current assignment for partition".
    fn assigned_partition(
        &self,
        consumer_id: ConsumerId,
        tp: &TopicPartition,
    ) -> Result<TopicPartition, Rejection> {
        let consumer = &self.consumers[&consumer_id];
        consumer
            .reading(|topic| self.consumer_partition_count(consumer_id, topic))
            .into_iter()
            .find(|owned| owned == tp)
            .ok_or(Rejection::ConsumerState {
                consumer: consumer_id,
                reason: "has no current assignment for that partition (IllegalStateException)",
            })
    }

    /// `seek`, `seekToBeginning`, `seekToEnd`: the next fetch of the partition starts there;
    /// records already fetched from the old position are dropped.
    pub(in crate::engine) fn seek(
        &mut self,
        consumer_id: ConsumerId,
        partition: TopicPartition,
        to: SeekTarget,
    ) -> Result<(), Rejection> {
        self.live_consumer_mut(consumer_id)?;
        let tp = self.assigned_partition(consumer_id, &partition)?;
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        consumer.awaiting_seek.remove(&tp);
        consumer.in_flight_fetches.remove(&tp);
        consumer.drop_buffered(std::slice::from_ref(&tp));
        match to {
            SeekTarget::Offset(offset) => {
                consumer.pending_resets.remove(&tp);
                consumer.application_offsets.insert(tp.clone());
                consumer.positions.insert(tp, offset);
            }
            SeekTarget::Beginning | SeekTarget::End => {
                let policy = if to == SeekTarget::Beginning {
                    AutoOffsetReset::Earliest
                } else {
                    AutoOffsetReset::Latest
                };
                consumer.positions.remove(&tp);
                consumer.pending_resets.insert(tp, policy);
            }
        }
        self.schedule_poll(consumer_id, self.now);
        Ok(())
    }

    /// `pause(partitions)` / `resume(partitions)` of assigned partitions. A paused partition
    /// keeps its position; records fetched for it and not yet returned are dropped, to be
    /// fetched again after `resume`.
    pub(in crate::engine) fn pause_partitions(
        &mut self,
        consumer_id: ConsumerId,
        partitions: Vec<TopicPartition>,
        paused: bool,
    ) -> Result<(), Rejection> {
        self.live_consumer_mut(consumer_id)?;
        let owned: Vec<TopicPartition> = partitions
            .iter()
            .map(|tp| self.assigned_partition(consumer_id, tp))
            .collect::<Result<_, _>>()?;
        let consumer = self.consumers.get_mut(&consumer_id).expect("checked");
        for tp in &owned {
            if paused {
                consumer.paused_partitions.insert(tp.clone());
                consumer.in_flight_fetches.remove(tp);
            } else {
                consumer.paused_partitions.remove(tp);
            }
        }
        if paused {
            consumer.drop_buffered(&owned);
        } else {
            self.schedule_poll(consumer_id, self.now);
        }
        Ok(())
    }
}
