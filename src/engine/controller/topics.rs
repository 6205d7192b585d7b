//! Topics as the controller keeps them: `CreateTopic` and `DeleteTopic` with Kafka's checks,
//! and the auto-creation a producer or consumer triggers by naming an unknown topic.

use crate::engine::command::Rejection;
use crate::engine::config::TopicConfig;
use crate::engine::event::EventKind;
use crate::engine::group::OFFSETS_TOPIC;
use crate::engine::ids::TopicPartition;
use crate::engine::limits;
use crate::engine::Simulation;

impl Simulation {
    pub(in crate::engine) fn create_topic(
        &mut self,
        name: String,
        config: TopicConfig,
    ) -> Result<(), Rejection> {
        if !is_legal_topic_name(&name) {
            return Err(Rejection::InvalidTopicName { topic: name });
        }
        if self.topics.contains_key(&name) {
            return Err(Rejection::TopicAlreadyExists { topic: name });
        }
        if config.partitions == 0 || config.partitions > limits::MAX_PARTITIONS_PER_TOPIC {
            return Err(Rejection::InvalidPartitionCount {
                partitions: config.partitions,
                max: limits::MAX_PARTITIONS_PER_TOPIC,
            });
        }
        let brokers = self.brokers.len() as u32;
        if config.replication_factor == 0 || config.replication_factor > brokers {
            return Err(Rejection::InvalidReplicationFactor {
                replication_factor: config.replication_factor,
                brokers,
            });
        }
        if config.min_insync_replicas == 0 {
            return Err(Rejection::InvalidConfig {
                setting: "min.insync.replicas",
                reason: "must be at least 1".to_owned(),
            });
        }
        if config.segment_bytes < 14 {
            return Err(Rejection::InvalidConfig {
                setting: "segment.bytes",
                reason: "must be at least 14 bytes".to_owned(),
            });
        }
        if self.topics.len() as u64 >= limits::MAX_TOPICS {
            return Err(Rejection::LimitReached {
                what: "topics",
                max: limits::MAX_TOPICS,
            });
        }
        let total: u64 = self
            .topics
            .values()
            .map(|t| u64::from(t.partition_count()))
            .sum();
        if total + u64::from(config.partitions) > limits::MAX_PARTITIONS_TOTAL {
            return Err(Rejection::LimitReached {
                what: "partitions in all",
                max: limits::MAX_PARTITIONS_TOTAL,
            });
        }
        let (partitions, replication_factor) = (config.partitions, config.replication_factor);
        self.emit(EventKind::TopicCreated {
            topic: name.clone(),
            partitions,
            replication_factor,
        });
        self.controller_create_topic(name, config);
        Ok(())
    }

    pub(in crate::engine) fn delete_topic(&mut self, name: String) -> Result<(), Rejection> {
        if name == OFFSETS_TOPIC {
            return Err(Rejection::TopicInUse {
                topic: name,
                reason: "the group coordinators keep committed offsets in it".to_owned(),
            });
        }
        if !self.topics.contains_key(&name) {
            return Err(Rejection::UnknownTopic { topic: name });
        }
        let reader = self
            .consumers
            .values()
            .find(|c| c.uses_topic(&name) && !c.closed && !c.crashed);
        if let Some(reader) = reader {
            return Err(Rejection::TopicInUse {
                reason: format!("{} still reads it; close it first", reader.id),
                topic: name,
            });
        }
        let writer = self.producers.values().find(|p| {
            p.workload.as_ref().is_some_and(|w| w.topic == name) || p.has_pending_for(&name)
        });
        if let Some(writer) = writer {
            return Err(Rejection::TopicInUse {
                reason: format!(
                    "{} still writes to it; stop or close it and let its records finish first",
                    writer.id
                ),
                topic: name,
            });
        }
        self.topics.remove(&name);
        self.unpublish_topic(&name);
        for broker in self.brokers.values_mut() {
            broker.replicas.retain(|tp, _| *tp.topic != *name);
        }
        self.emit(EventKind::TopicDeleted { topic: name });
        Ok(())
    }

    /// A client asks about a topic it has no metadata for: the topic's shared name and
    /// partition count, once created if `auto.create.topics.enable` allows (as a broker does
    /// for a Metadata request naming an unknown topic).
    pub(in crate::engine) fn topic_for_client(
        &mut self,
        topic: &str,
    ) -> Result<(std::sync::Arc<str>, u32), Rejection> {
        if !self.topics.contains_key(topic) {
            self.auto_create_topic_for(topic)?;
        }
        let meta = &self.topics[topic];
        Ok((meta.shared_name.clone(), meta.partition_count()))
    }

    /// The partition as the cluster names it (with the topic's shared name), if it exists:
    /// how a command naming partitions (`assign()`) is checked when it is given.
    pub(in crate::engine) fn existing_partition(
        &self,
        tp: &TopicPartition,
    ) -> Option<TopicPartition> {
        let meta = self.topics.get(&*tp.topic)?;
        (tp.partition < meta.partition_count())
            .then(|| TopicPartition::new(meta.shared_name.clone(), tp.partition))
    }

    pub(in crate::engine) fn auto_create_topic_for(
        &mut self,
        topic: &str,
    ) -> Result<(), Rejection> {
        if !self.broker_config.auto_create_topics_enable {
            return Err(Rejection::UnknownTopic {
                topic: topic.to_owned(),
            });
        }
        let config = TopicConfig {
            partitions: self.broker_config.num_partitions,
            replication_factor: self.broker_config.default_replication_factor,
            ..TopicConfig::default()
        };
        self.create_topic(topic.to_owned(), config)
    }
}

/// Kafka's rule for legal topic names: 1 to 249 characters of ASCII letters, digits, `.`, `_`
/// and `-`, and not `.` or `..`.
pub fn is_legal_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= limits::MAX_TOPIC_NAME_CHARS
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
