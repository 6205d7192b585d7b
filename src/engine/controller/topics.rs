//! Topics as the controller keeps them: `CreateTopic` and `DeleteTopic` with Kafka's checks,
//! and the auto-creation a producer or consumer triggers by naming an unknown topic.

use crate::engine::broker::log::SegmentSettings;
use crate::engine::command::Rejection;
use crate::engine::config::{CleanupPolicy, TopicConfig};
use crate::engine::event::EventKind;
use crate::engine::group::OFFSETS_TOPIC;
use crate::engine::ids::BrokerId;
use crate::engine::ids::TopicPartition;
use crate::engine::limits;
use crate::engine::sorted;
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
        if let Some(assignment) = &config.replicas {
            check_assignment(assignment, &config, brokers)?;
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

    /// `incrementalAlterConfigs` on a topic: each setting named in `set` takes its value from
    /// `given`. A new `unclean.leader.election.enable=true` does not elect at once: KRaft's
    /// controller looks for leaderless partitions every `unclean.leader.election.interval.ms`
    /// ([`Simulation::on_unclean_election_check`]).
    pub(in crate::engine) fn alter_topic_config(
        &mut self,
        topic: &str,
        given: &TopicConfig,
        set: &[String],
    ) -> Result<(), Rejection> {
        let Some(meta) = self.topics.get(topic) else {
            return Err(Rejection::UnknownTopic {
                topic: topic.to_owned(),
            });
        };
        let mut config = meta.config.clone();
        let mut changes = Vec::with_capacity(set.len());
        for field in set {
            changes.push(set_topic_setting(&mut config, given, field)?);
        }
        let segments = SegmentSettings {
            segment_bytes: config.segment_bytes,
            segment_ms: config.segment_ms,
        };
        self.topics.get_mut(topic).expect("checked").config = config;
        for broker in self.brokers.values_mut() {
            for (tp, replica) in broker.replicas.iter_mut() {
                if *tp.topic == *topic {
                    replica.log.set_segment_settings(segments);
                }
            }
        }
        self.emit(EventKind::TopicConfigAltered {
            topic: topic.to_owned(),
            changes,
        });
        Ok(())
    }

    /// The broker that leads `topic`-`partition` now, by the controller's view.
    pub(in crate::engine) fn current_leader(
        &self,
        topic: &str,
        partition: u32,
    ) -> Result<BrokerId, Rejection> {
        let name = format!("{topic}-{partition}");
        let meta = self
            .topics
            .get(topic)
            .and_then(|t| t.partitions.get(partition as usize))
            .ok_or_else(|| Rejection::UnknownPartition {
                partition: name.clone(),
            })?;
        meta.leader.ok_or(Rejection::NoLeader { partition: name })
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

/// Kafka's checks on an explicit replica assignment (`INVALID_REPLICA_ASSIGNMENT`): one list
/// per partition, each as long as the replication factor, of existing brokers, none twice.
fn check_assignment(
    assignment: &[Vec<u32>],
    config: &TopicConfig,
    brokers: u32,
) -> Result<(), Rejection> {
    let invalid = |reason: String| {
        Err(Rejection::InvalidConfig {
            setting: "replica assignment",
            reason: format!("{reason} (INVALID_REPLICA_ASSIGNMENT)"),
        })
    };
    if assignment.len() != config.partitions as usize {
        return invalid(format!(
            "{} lists of replicas for {} partitions",
            assignment.len(),
            config.partitions
        ));
    }
    for (partition, replicas) in assignment.iter().enumerate() {
        if replicas.len() != config.replication_factor as usize {
            return invalid(format!(
                "partition {partition} has {} replicas, not the replication factor {}",
                replicas.len(),
                config.replication_factor
            ));
        }
        if let Some(broker) = replicas.iter().find(|b| **b >= brokers) {
            return invalid(format!("broker {broker} does not exist"));
        }
        let mut distinct = replicas.clone();
        sorted::sort(&mut distinct);
        distinct.dedup();
        if distinct.len() != replicas.len() {
            return invalid(format!("partition {partition} names a broker twice"));
        }
    }
    Ok(())
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

/// Sets one topic setting, by its field name, to `given`'s value; returns its Kafka name and
/// new value as text for the trace.
fn set_topic_setting(
    config: &mut TopicConfig,
    given: &TopicConfig,
    field: &str,
) -> Result<(String, String), Rejection> {
    let (name, value) = match field {
        "min_insync_replicas" => {
            if given.min_insync_replicas == 0 {
                return Err(Rejection::InvalidConfig {
                    setting: "min.insync.replicas",
                    reason: "must be at least 1".to_owned(),
                });
            }
            config.min_insync_replicas = given.min_insync_replicas;
            ("min.insync.replicas", given.min_insync_replicas.to_string())
        }
        "retention_ms" => {
            config.retention_ms = given.retention_ms;
            ("retention.ms", given.retention_ms.to_string())
        }
        "retention_bytes" => {
            config.retention_bytes = given.retention_bytes;
            ("retention.bytes", given.retention_bytes.to_string())
        }
        "segment_bytes" => {
            if given.segment_bytes < 14 {
                return Err(Rejection::InvalidConfig {
                    setting: "segment.bytes",
                    reason: "must be at least 14 bytes".to_owned(),
                });
            }
            config.segment_bytes = given.segment_bytes;
            ("segment.bytes", given.segment_bytes.to_string())
        }
        "segment_ms" => {
            config.segment_ms = given.segment_ms;
            ("segment.ms", given.segment_ms.to_string())
        }
        "cleanup_policy" => {
            config.cleanup_policy = given.cleanup_policy;
            let text = match given.cleanup_policy {
                CleanupPolicy::Delete => "delete",
                CleanupPolicy::Compact => "compact",
            };
            ("cleanup.policy", text.to_owned())
        }
        "delete_retention_ms" => {
            config.delete_retention_ms = given.delete_retention_ms;
            ("delete.retention.ms", given.delete_retention_ms.to_string())
        }
        "min_cleanable_dirty_ratio_percent" => {
            config.min_cleanable_dirty_ratio_percent = given.min_cleanable_dirty_ratio_percent;
            let percent = given.min_cleanable_dirty_ratio_percent;
            ("min.cleanable.dirty.ratio", format!("{percent}%"))
        }
        "unclean_leader_election_enable" => {
            config.unclean_leader_election_enable = given.unclean_leader_election_enable;
            let enabled = given.unclean_leader_election_enable;
            ("unclean.leader.election.enable", enabled.to_string())
        }
        "partitions" | "replication_factor" | "replicas" => {
            return Err(Rejection::InvalidConfig {
                setting: "topic config",
                reason: format!(
                    "{field} is not a topic config: partitions are added with kafka-topics --alter and replicas moved by reassignment"
                ),
            })
        }
        other => {
            return Err(Rejection::InvalidConfig {
                setting: "topic config",
                reason: format!("{other} is not a topic setting"),
            })
        }
    };
    Ok((name.to_owned(), value))
}
