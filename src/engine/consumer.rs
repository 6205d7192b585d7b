//! The consumer client: fetch, poll and position.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event::EventKind;
use super::ids::{BrokerId, ConsumerId, Offset, RecordId, TopicPartition};
use super::network::{AutoOffsetReset, FetchPosition, FetchedPartition, Message, Node};
use super::{Simulation, Timer};

/// A consumer's settings, named after Kafka's configs, with Kafka's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerConfig {
    /// `max.poll.records`: the most records one `poll()` returns.
    pub max_poll_records: u32,
    /// `auto.offset.reset`: where to start without a position.
    pub auto_offset_reset: AutoOffsetReset,
    /// `fetch.max.wait.ms`: how long a broker holds a fetch that found no data.
    pub fetch_max_wait_ms: u64,
    /// Time the application spends between two polls (not a Kafka config: the loop's pace).
    pub poll_interval_ms: u64,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            max_poll_records: 500,
            auto_offset_reset: AutoOffsetReset::Latest,
            fetch_max_wait_ms: 500,
            poll_interval_ms: 100,
        }
    }
}

/// A record that `poll()` returned to the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolledRecord {
    pub record: RecordId,
    pub partition: u32,
    pub offset: Offset,
    pub key: Option<String>,
    pub value: String,
}

/// A consumer client's state.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub id: ConsumerId,
    pub topic: String,
    pub config: ConsumerConfig,
    /// The partitions this consumer reads, each with the leader it fetches from.
    pub assignment: BTreeMap<u32, BrokerId>,
    /// The next offset to read per partition; absent until `auto.offset.reset` resolves it.
    pub positions: BTreeMap<u32, Offset>,
    /// Brokers with a fetch of ours outstanding; Kafka keeps at most one per broker.
    fetching_from: BTreeMap<BrokerId, u64>,
    next_correlation_id: u64,
    /// Everything `poll()` returned, in order: what a console consumer would print.
    pub polled: Vec<PolledRecord>,
}

impl Consumer {
    pub fn new(
        id: ConsumerId,
        topic: String,
        config: ConsumerConfig,
        assignment: BTreeMap<u32, BrokerId>,
    ) -> Self {
        Consumer {
            id,
            topic,
            config,
            assignment,
            positions: BTreeMap::new(),
            fetching_from: BTreeMap::new(),
            next_correlation_id: 0,
            polled: Vec::new(),
        }
    }

    /// Whether a fetch to `broker` is on its way or parked there.
    pub fn is_fetching_from(&self, broker: BrokerId) -> bool {
        self.fetching_from.contains_key(&broker)
    }
}

impl Simulation {
    /// Time for the consumer to poll the partitions it reads from `broker`.
    pub(super) fn on_poll_timer(&mut self, consumer_id: ConsumerId, broker: BrokerId) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.is_fetching_from(broker) {
            return;
        }
        let partitions: Vec<(TopicPartition, FetchPosition)> = consumer
            .assignment
            .iter()
            .filter(|(_, leader)| **leader == broker)
            .map(|(&partition, _)| {
                let position = match consumer.positions.get(&partition) {
                    Some(&offset) => FetchPosition::At(offset),
                    None => FetchPosition::Reset(consumer.config.auto_offset_reset),
                };
                (
                    TopicPartition::new(consumer.topic.clone(), partition),
                    position,
                )
            })
            .collect();
        if partitions.is_empty() {
            return;
        }
        let correlation_id = consumer.next_correlation_id;
        consumer.next_correlation_id += 1;
        consumer.fetching_from.insert(broker, correlation_id);
        let max_records = consumer.config.max_poll_records;
        self.send(
            Node::Consumer(consumer_id),
            Node::Broker(broker),
            Message::FetchRequest {
                correlation_id,
                partitions,
                max_records,
                max_wait_ms: self.consumers[&consumer_id].config.fetch_max_wait_ms,
            },
        );
    }

    /// A fetch response arrived: `poll()` hands its records to the application in order and
    /// the position moves past them.
    pub(super) fn on_fetch_response(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
        fetched: Vec<FetchedPartition>,
    ) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.fetching_from.get(&broker) != Some(&correlation_id) {
            return;
        }
        consumer.fetching_from.remove(&broker);
        let policy = consumer.config.auto_offset_reset;
        let poll_interval_ms = consumer.config.poll_interval_ms;

        let mut events = Vec::new();
        for part in fetched {
            let number = part.partition.partition;
            if let std::collections::btree_map::Entry::Vacant(slot) =
                consumer.positions.entry(number)
            {
                slot.insert(part.fetch_offset);
                events.push(EventKind::PositionReset {
                    consumer: consumer_id,
                    partition: part.partition.clone(),
                    policy,
                    offset: part.fetch_offset,
                });
            }
            for stored in part.records {
                // A response for an older position (none are possible yet) must not rewind.
                if consumer
                    .positions
                    .get(&number)
                    .is_some_and(|p| stored.offset < *p)
                {
                    continue;
                }
                consumer.positions.insert(number, stored.offset.next());
                consumer.polled.push(PolledRecord {
                    record: stored.record.id,
                    partition: number,
                    offset: stored.offset,
                    key: stored.record.key.clone(),
                    value: stored.record.value.clone(),
                });
                events.push(EventKind::RecordPolled {
                    record: stored.record.id,
                    consumer: consumer_id,
                    partition: part.partition.clone(),
                    offset: stored.offset,
                    value: stored.record.value,
                });
            }
        }
        for event in events {
            self.emit(event);
        }
        let next_poll = self.now.plus_ms(poll_interval_ms);
        self.schedule_timer(next_poll, Timer::Poll(consumer_id, broker));
    }
}
