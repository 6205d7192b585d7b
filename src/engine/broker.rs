//! The broker side: appending produced records and answering fetches.

use super::event::EventKind;
use super::ids::{BrokerId, ConsumerId, Offset, ProducerId, TopicPartition};
use super::network::{FetchPosition, FetchedPartition, Message, Node};
use super::record::Record;
use super::{Simulation, Timer};

/// A fetch that found no data and waits at the broker for up to `fetch.max.wait.ms`.
#[derive(Clone, Debug)]
pub struct ParkedFetch {
    pub broker: BrokerId,
    pub consumer: ConsumerId,
    pub correlation_id: u64,
    pub partitions: Vec<(TopicPartition, Offset)>,
    pub max_records: u32,
}

impl Simulation {
    /// The leader appends a produce request's records and answers. With a single replica
    /// the leader is the whole in-sync replica set, so the high watermark follows the log end.
    pub(super) fn on_produce_request(
        &mut self,
        broker: BrokerId,
        producer: ProducerId,
        correlation_id: u64,
        partition: TopicPartition,
        records: Vec<Record>,
    ) {
        let now = self.now;
        let Some(log) = self.log_mut(&partition) else {
            return;
        };
        let record_count = records.len() as u32;
        let mut appended = Vec::with_capacity(records.len());
        for record in records {
            let id = record.id;
            let offset = log.append(record, now);
            appended.push((id, offset));
        }
        let log_end = log.log_end_offset();
        let moved = log.advance_high_watermark(log_end);
        let base_offset = appended.first().map(|(_, o)| *o).unwrap_or(log_end);
        for (record, offset) in appended {
            self.emit(EventKind::RecordAppended {
                record,
                broker,
                partition: partition.clone(),
                offset,
            });
        }
        if moved {
            self.emit(EventKind::HighWatermarkAdvanced {
                partition: partition.clone(),
                high_watermark: log_end,
            });
        }
        self.send(
            Node::Broker(broker),
            Node::Producer(producer),
            Message::ProduceResponse {
                correlation_id,
                partition,
                base_offset,
                record_count,
            },
        );
        self.answer_parked_fetches(broker);
    }

    /// A fetch arrives: positions that need `auto.offset.reset` are resolved, then the broker
    /// answers at once if there is data, or holds the request until data arrives or
    /// `fetch.max.wait.ms` passes (Kafka's long poll with `fetch.min.bytes=1`).
    pub(super) fn on_fetch_request(
        &mut self,
        broker: BrokerId,
        consumer: ConsumerId,
        correlation_id: u64,
        partitions: Vec<(TopicPartition, FetchPosition)>,
        max_records: u32,
        max_wait_ms: u64,
    ) {
        let resolved: Vec<(TopicPartition, Offset)> = partitions
            .into_iter()
            .filter_map(|(partition, position)| {
                let log = self.log(&partition)?;
                let offset = match position {
                    FetchPosition::At(offset) => offset,
                    FetchPosition::Reset(super::network::AutoOffsetReset::Earliest) => {
                        log.log_start_offset()
                    }
                    FetchPosition::Reset(super::network::AutoOffsetReset::Latest) => {
                        log.high_watermark()
                    }
                };
                Some((partition, offset))
            })
            .collect();
        let parked = ParkedFetch {
            broker,
            consumer,
            correlation_id,
            partitions: resolved,
            max_records,
        };
        let has_data = self.fetch_has_data(&parked);
        if has_data || max_wait_ms == 0 {
            self.answer_fetch(parked);
        } else {
            let id = self.next_parked_fetch_id;
            self.next_parked_fetch_id += 1;
            self.parked_fetches.insert(id, parked);
            let expires_at = self.now.plus_ms(max_wait_ms);
            self.schedule_timer(expires_at, Timer::FetchWaitExpired(id));
        }
    }

    /// `fetch.max.wait.ms` passed for a parked fetch: answer with whatever there is (nothing).
    pub(super) fn on_fetch_wait_expired(&mut self, parked_id: u64) {
        if let Some(parked) = self.parked_fetches.remove(&parked_id) {
            self.answer_fetch(parked);
        }
    }

    fn answer_parked_fetches(&mut self, broker: BrokerId) {
        let ready: Vec<u64> = self
            .parked_fetches
            .iter()
            .filter(|(_, parked)| parked.broker == broker && self.fetch_has_data(parked))
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            if let Some(parked) = self.parked_fetches.remove(&id) {
                self.answer_fetch(parked);
            }
        }
    }

    fn fetch_has_data(&self, fetch: &ParkedFetch) -> bool {
        fetch.partitions.iter().any(|(partition, offset)| {
            self.log(partition)
                .is_some_and(|log| *offset < log.high_watermark())
        })
    }

    /// Reads each partition in the order the request listed them (ascending partition number),
    /// up to `max_records` in all, and sends the response.
    fn answer_fetch(&mut self, fetch: ParkedFetch) {
        let mut remaining = fetch.max_records as usize;
        let mut fetched = Vec::with_capacity(fetch.partitions.len());
        for (partition, offset) in fetch.partitions {
            let Some(log) = self.log(&partition) else {
                continue;
            };
            let records = log.read_committed_from(offset, remaining).to_vec();
            remaining -= records.len();
            fetched.push(FetchedPartition {
                high_watermark: log.high_watermark(),
                partition,
                fetch_offset: offset,
                records,
            });
        }
        self.send(
            Node::Broker(fetch.broker),
            Node::Consumer(fetch.consumer),
            Message::FetchResponse {
                correlation_id: fetch.correlation_id,
                partitions: fetched,
            },
        );
    }
}
