//! The producer client: partitioning, sending and acknowledgements.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::command::Rejection;
use super::event::{EventKind, PartitionChoice};
use super::ids::{Offset, ProducerId, RecordId, TopicPartition};
use super::limits;
use super::murmur2::{murmur2, to_positive};
use super::network::{Message, Node};
use super::record::Record;
use super::Simulation;

/// How a keyless record picks its partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeylessPartitioner {
    /// Kafka's `RoundRobinPartitioner`: a per-topic counter starting at 0 cycles over the
    /// available partitions. It is what the source documents' `a d b e c` example shows.
    #[default]
    RoundRobin,
}

/// A producer's settings, named after Kafka's configs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerConfig {
    /// `partitioner.class` for keyless records.
    pub keyless_partitioner: KeylessPartitioner,
}

/// A producer client's state.
#[derive(Clone, Debug)]
pub struct Producer {
    pub id: ProducerId,
    pub config: ProducerConfig,
    round_robin_counters: BTreeMap<String, u32>,
    next_correlation_id: u64,
    /// Records of each produce request still waiting for a response, by correlation id.
    awaiting_response: BTreeMap<u64, Vec<RecordId>>,
    pub records_sent: u64,
    pub records_acknowledged: u64,
}

impl Producer {
    pub fn new(id: ProducerId, config: ProducerConfig) -> Self {
        Producer {
            id,
            config,
            round_robin_counters: BTreeMap::new(),
            next_correlation_id: 0,
            awaiting_response: BTreeMap::new(),
            records_sent: 0,
            records_acknowledged: 0,
        }
    }

    /// Records sent but not yet acknowledged.
    pub fn records_awaiting_ack(&self) -> usize {
        self.awaiting_response.values().map(Vec::len).sum()
    }

    /// Places a record: by murmur2 of its key, or by the keyless partitioner.
    fn choose_partition(
        &mut self,
        topic: &str,
        key: Option<&str>,
        partition_count: u32,
    ) -> (u32, PartitionChoice) {
        match key {
            Some(key) => {
                let hash = murmur2(key.as_bytes());
                (
                    to_positive(hash) % partition_count,
                    PartitionChoice::Key { murmur2: hash },
                )
            }
            None => match self.config.keyless_partitioner {
                KeylessPartitioner::RoundRobin => {
                    let counter = self
                        .round_robin_counters
                        .entry(topic.to_owned())
                        .or_insert(0);
                    let this = *counter;
                    *counter = counter.wrapping_add(1);
                    // Java's counter is an int that may overflow; toPositive keeps it in range.
                    (
                        to_positive(this as i32) % partition_count,
                        PartitionChoice::RoundRobin { counter: this },
                    )
                }
            },
        }
    }
}

impl Simulation {
    /// The producer application calls `send(topic, key, value)`.
    pub(super) fn produce(
        &mut self,
        producer_id: ProducerId,
        topic: &str,
        key: Option<String>,
        value: String,
    ) -> Result<(), Rejection> {
        let partition_count = self
            .topics
            .get(topic)
            .map(|t| t.partition_count())
            .ok_or_else(|| Rejection::UnknownTopic {
                topic: topic.to_owned(),
            })?;
        let too_long = key
            .as_ref()
            .is_some_and(|k| k.len() > limits::MAX_KEY_OR_VALUE_BYTES)
            || value.len() > limits::MAX_KEY_OR_VALUE_BYTES;
        if too_long {
            return Err(Rejection::LimitReached {
                what: "bytes in a key or value",
                max: limits::MAX_KEY_OR_VALUE_BYTES as u64,
            });
        }
        let producer = self
            .producers
            .get_mut(&producer_id)
            .ok_or(Rejection::UnknownProducer {
                producer: producer_id,
            })?;

        let (partition, choice) = producer.choose_partition(topic, key.as_deref(), partition_count);
        let correlation_id = producer.next_correlation_id;
        producer.next_correlation_id += 1;
        producer.records_sent += 1;

        let record_id = RecordId(self.next_record_id);
        self.next_record_id += 1;
        producer
            .awaiting_response
            .insert(correlation_id, vec![record_id]);

        let partition = TopicPartition::new(topic, partition);
        let leader = self.topics[topic].partitions[partition.partition as usize].leader;
        self.emit(EventKind::RecordSent {
            record: record_id,
            producer: producer_id,
            partition: partition.clone(),
            key: key.clone(),
            value: value.clone(),
            choice,
        });
        let record = Record {
            id: record_id,
            producer: producer_id,
            key,
            value,
            created_at: self.now,
        };
        self.send(
            Node::Producer(producer_id),
            Node::Broker(leader),
            Message::ProduceRequest {
                correlation_id,
                partition,
                records: vec![record],
            },
        );
        Ok(())
    }

    /// The broker's answer arrived: every record of the request is acknowledged.
    pub(super) fn on_produce_response(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
        partition: TopicPartition,
        base_offset: Offset,
    ) {
        let Some(producer) = self.producers.get_mut(&producer_id) else {
            return;
        };
        let Some(records) = producer.awaiting_response.remove(&correlation_id) else {
            return;
        };
        producer.records_acknowledged += records.len() as u64;
        for (index, record) in records.into_iter().enumerate() {
            self.emit(EventKind::RecordAcknowledged {
                record,
                producer: producer_id,
                partition: partition.clone(),
                offset: Offset(base_offset.0 + index as u64),
            });
        }
    }
}
