//! Consumer fetches at the leader: reads up to the high watermark within the request's byte
//! limits, and a fetch with nothing to return waits up to `fetch.max.wait.ms` (`DelayedFetch`).

use super::ParkedFetch;
use crate::engine::broker::FetchLimits;
use crate::engine::config::AutoOffsetReset;
use crate::engine::errors::ErrorCode;
use crate::engine::ids::BrokerId;
use crate::engine::ids::Offset;
use crate::engine::ids::TopicPartition;
use crate::engine::network::FetchPosition;
use crate::engine::network::FetchedPartition;
use crate::engine::network::Message;
use crate::engine::network::Node;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

impl Simulation {
    /// A consumer fetch arrives: positions needing `auto.offset.reset` are resolved, then the
    /// broker answers at once if there is data, or holds the request until the high watermark
    /// moves or `fetch.max.wait.ms` passes (Kafka's long poll with `fetch.min.bytes=1`).
    pub(in crate::engine) fn on_consumer_fetch(
        &mut self,
        broker: BrokerId,
        from: Node,
        correlation_id: u64,
        partitions: Vec<(TopicPartition, FetchPosition)>,
        limits: FetchLimits,
    ) {
        let FetchLimits {
            max_bytes,
            max_partition_bytes,
            max_wait_ms,
        } = limits;
        let mut resolved = Vec::with_capacity(partitions.len());
        let mut immediate_errors = Vec::new();
        for (tp, position) in partitions {
            let Some(replica) = self.brokers[&broker].replicas.get(&tp) else {
                immediate_errors.push((tp, ErrorCode::NotLeaderOrFollower));
                continue;
            };
            if replica.view.leader != Some(broker) {
                immediate_errors.push((tp, ErrorCode::NotLeaderOrFollower));
                continue;
            }
            let log = &replica.log;
            let offset = match position {
                FetchPosition::At(offset) => offset,
                FetchPosition::Reset(AutoOffsetReset::Earliest) => log.log_start_offset(),
                FetchPosition::Reset(AutoOffsetReset::Latest) => log.high_watermark(),
                FetchPosition::Reset(AutoOffsetReset::None) => {
                    immediate_errors.push((tp, ErrorCode::OffsetOutOfRange));
                    continue;
                }
            };
            if offset < log.log_start_offset() || offset > log.log_end_offset() {
                immediate_errors.push((tp, ErrorCode::OffsetOutOfRange));
                continue;
            }
            resolved.push((tp, offset));
        }
        let fetch = ParkedFetch {
            from,
            correlation_id,
            partitions: resolved,
            max_bytes,
            max_partition_bytes,
        };
        if !immediate_errors.is_empty() || self.fetch_has_data(broker, &fetch) || max_wait_ms == 0 {
            self.answer_fetch(broker, fetch, immediate_errors);
            return;
        }
        let state = self.brokers.get_mut(&broker).expect("exists");
        let id = state.next_wait_id;
        state.next_wait_id += 1;
        state.parked_fetches.insert(id, fetch);
        let incarnation = state.incarnation;
        self.schedule_timer(
            self.now.plus_ms(max_wait_ms),
            Timer::FetchWaitExpired(broker, incarnation, id),
        );
    }

    pub(in crate::engine) fn on_fetch_wait_expired(
        &mut self,
        broker: BrokerId,
        incarnation: u64,
        id: u64,
    ) {
        let Some(state) = self.brokers.get_mut(&broker) else {
            return;
        };
        if state.incarnation != incarnation {
            return;
        }
        if let Some(fetch) = state.parked_fetches.remove(&id) {
            self.answer_fetch(broker, fetch, Vec::new());
        }
    }

    pub(in crate::engine) fn answer_parked_fetches(&mut self, broker: BrokerId) {
        let ready: Vec<u64> = self.brokers[&broker]
            .parked_fetches
            .iter()
            .filter(|(_, fetch)| self.fetch_has_data(broker, fetch))
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            let fetch = self
                .brokers
                .get_mut(&broker)
                .and_then(|s| s.parked_fetches.remove(&id));
            if let Some(fetch) = fetch {
                self.answer_fetch(broker, fetch, Vec::new());
            }
        }
    }

    fn fetch_has_data(&self, broker: BrokerId, fetch: &ParkedFetch) -> bool {
        fetch.partitions.iter().any(|(tp, offset)| {
            self.brokers[&broker]
                .replicas
                .get(tp)
                .is_some_and(|r| *offset < r.log.high_watermark())
        })
    }

    /// Reads each partition in request order (ascending partition number) below the high
    /// watermark, within `max.partition.fetch.bytes` each and `fetch.max.bytes` in all (at least
    /// one batch, as Kafka returns an oversized first batch whole), and sends the response.
    fn answer_fetch(
        &mut self,
        broker: BrokerId,
        fetch: ParkedFetch,
        errors: Vec<(TopicPartition, ErrorCode)>,
    ) {
        let mut remaining = u64::from(fetch.max_bytes);
        let mut fetched = Vec::with_capacity(fetch.partitions.len() + errors.len());
        for (tp, offset) in fetch.partitions {
            let Some(replica) = self.brokers[&broker].replicas.get(&tp) else {
                continue;
            };
            let log = &replica.log;
            let limit = remaining.min(u64::from(fetch.max_partition_bytes));
            let batches = if limit > 0 {
                log.read_bytes(offset, log.high_watermark(), limit)
            } else {
                Vec::new()
            };
            let size: u64 = batches.iter().map(|b| u64::from(b.size_bytes())).sum();
            remaining = remaining.saturating_sub(size);
            fetched.push(FetchedPartition {
                partition: tp,
                fetch_offset: offset,
                high_watermark: log.high_watermark(),
                log_start_offset: log.log_start_offset(),
                error: None,
                batches,
            });
        }
        for (tp, error) in errors {
            fetched.push(FetchedPartition {
                partition: tp,
                fetch_offset: Offset(0),
                high_watermark: Offset(0),
                log_start_offset: Offset(0),
                error: Some(error),
                batches: Vec::new(),
            });
        }
        self.send(
            Node::Broker(broker),
            fetch.from,
            Message::FetchResponse {
                correlation_id: fetch.correlation_id,
                partitions: fetched,
            },
        );
    }
}
