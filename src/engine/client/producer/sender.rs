//! The sender: drains ready batches into produce requests (at most
//! `max.in.flight.requests.per.connection` per broker), and handles the answers: completion,
//! retries with the idempotent producer's sequence numbers, and failures.

use crate::engine::config::Acks;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::engine::network::{Message, Node, ProduceBatch};
use crate::engine::record::ProducerStamp;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

use super::accumulator::PendingBatch;
use super::RequestInFlight;
use crate::engine::ids::RecordId;
use crate::engine::time::SimTime;
use std::collections::BTreeMap;
use std::collections::VecDeque;

impl Simulation {
    /// The sender thread: sends every ready batch whose leader is known, one batch per
    /// partition per request, within `max.in.flight.requests.per.connection`.
    pub(in crate::engine) fn drain_producer(&mut self, producer_id: ProducerId) {
        let now = self.now;
        let Some(producer) = self.producers.get(&producer_id) else {
            return;
        };
        let linger = producer.config.linger_ms;
        let delivery_timeout = producer.config.delivery_timeout_ms;
        let max_in_flight = producer.config.max_in_flight_requests_per_connection as usize;
        let batch_size = producer.config.batch_size;
        let mut expired = Vec::new();
        let mut per_broker: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
        let mut next_wake: Option<SimTime> = None;
        let mut needs_metadata = false;
        for (tp, deque) in producer.accumulator.iter() {
            let Some(front) = deque.front() else {
                continue;
            };
            if now.since(front.created_at) >= delivery_timeout {
                expired.push(tp.clone());
                continue;
            }
            let linger_done = now >= front.created_at.plus_ms(linger);
            let full = front.bytes >= batch_size || deque.len() > 1;
            let ready = (linger_done || full || front.attempts > 0) && now >= front.retry_at;
            if !ready {
                let at = front.created_at.plus_ms(linger).max(front.retry_at);
                next_wake = Some(next_wake.map_or(at, |w| w.min(at)));
                continue;
            }
            // The leader as the producer's metadata says; a connection in reconnect backoff
            // waits it out.
            let leader = producer.metadata.leader_for(tp);
            match leader.map(|l| (l, producer.metadata.reconnect_at(l, now))) {
                Some((leader, None)) => per_broker.entry(leader).or_default().push(tp.clone()),
                Some((_, Some(at))) => next_wake = Some(next_wake.map_or(at, |w| w.min(at))),
                None => {
                    needs_metadata = true;
                    let at = now.plus_ms(producer.config.retry_backoff_ms);
                    next_wake = Some(next_wake.map_or(at, |w| w.min(at)));
                }
            }
        }
        if needs_metadata {
            self.request_metadata_update(Node::Producer(producer_id));
        }
        for tp in expired {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if let Some(batch) = producer
                .accumulator
                .get_mut(&tp)
                .and_then(VecDeque::pop_front)
            {
                self.fail_batch(producer_id, batch, ErrorCode::DeliveryTimeout);
            }
        }
        for (broker, partitions) in per_broker {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if producer.in_flight_to(broker) >= max_in_flight {
                continue;
            }
            let mut batches = Vec::new();
            for tp in partitions {
                let Some(mut batch) = producer
                    .accumulator
                    .get_mut(&tp)
                    .and_then(VecDeque::pop_front)
                else {
                    continue;
                };
                if producer.producer_id.is_some() && batch.sequence.is_none() {
                    let next = producer.next_sequence.entry(tp.clone()).or_insert(0);
                    batch.sequence = Some(*next);
                    *next = ((i64::from(*next) + batch.len() as i64) % (i64::from(i32::MAX) + 1))
                        as i32;
                }
                batches.push(batch);
            }
            if batches.is_empty() {
                continue;
            }
            self.send_produce_request(producer_id, broker, batches);
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        if producer.accumulator.values().any(|d| !d.is_empty()) {
            if let Some(at) = next_wake {
                if producer.wake_at.is_none_or(|w| w <= now || at < w) {
                    producer.wake_at = Some(at);
                    self.schedule_timer(at.max(now), Timer::ProducerWake(producer_id));
                }
            }
        }
    }

    pub(super) fn send_produce_request(
        &mut self,
        producer_id: ProducerId,
        broker: BrokerId,
        mut batches: Vec<PendingBatch>,
    ) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let correlation_id = producer.next_correlation_id;
        producer.next_correlation_id += 1;
        producer.stats.requests_sent += 1;
        let acks = producer.config.acks;
        let timeout_ms = producer.config.request_timeout_ms;
        let stamp_base = producer
            .producer_id
            .map(|pid| (pid, producer.producer_epoch));
        let wire: Vec<ProduceBatch> = batches
            .iter_mut()
            .map(|b| ProduceBatch {
                partition: b.partition.clone(),
                records: b.seal(),
                stamp: stamp_base
                    .zip(b.sequence)
                    .map(|((pid, epoch), seq)| ProducerStamp {
                        producer_id: pid,
                        producer_epoch: epoch,
                        base_sequence: seq,
                    }),
            })
            .collect();
        if acks == Acks::None {
            // acks=0: the callback fires at once with offset -1; nobody will answer.
            for batch in batches {
                self.complete_batch(producer_id, batch, None);
            }
        } else {
            producer
                .in_flight
                .insert(correlation_id, RequestInFlight { broker, batches });
            self.schedule_timer(
                self.now.plus_ms(timeout_ms),
                Timer::ProducerRequestTimeout(producer_id, correlation_id),
            );
        }
        self.send(
            Node::Producer(producer_id),
            Node::Broker(broker),
            Message::Produce {
                correlation_id,
                acks,
                timeout_ms,
                batches: wire,
            },
        );
    }

    pub(in crate::engine) fn on_produce_response(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
        results: Vec<(TopicPartition, Result<Offset, ErrorCode>)>,
    ) {
        let Some(request) = self
            .producers
            .get_mut(&producer_id)
            .and_then(|p| p.in_flight.remove(&correlation_id))
        else {
            return;
        };
        for batch in request.batches {
            let result = results
                .iter()
                .find(|(tp, _)| *tp == batch.partition)
                .map_or(Err(ErrorCode::NetworkException), |(_, r)| *r);
            match result {
                Ok(base) => self.complete_batch(producer_id, batch, Some(base)),
                Err(error) => {
                    self.on_stale_metadata_error(Node::Producer(producer_id), error);
                    self.retry_or_fail(producer_id, batch, error)
                }
            }
        }
        self.after_producer_progress(producer_id);
    }

    /// A request got no answer within `request.timeout.ms`: the producer closes the
    /// connection, which fails every request in flight on it.
    pub(in crate::engine) fn on_produce_request_timeout(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
    ) {
        let Some(broker) = self
            .producers
            .get(&producer_id)
            .and_then(|p| p.in_flight.get(&correlation_id))
            .map(|r| r.broker)
        else {
            return;
        };
        let reason = self.timeout_reason(Node::Producer(producer_id), broker);
        self.on_disconnected(
            Node::Producer(producer_id),
            broker,
            reason,
            Some(correlation_id),
        );
    }

    /// The connection to `broker` closed: every request in flight on it fails, the one that
    /// timed out with REQUEST_TIMED_OUT and the others with NETWORK_EXCEPTION. Returns how many.
    pub(in crate::engine) fn fail_produce_requests_on(
        &mut self,
        producer_id: ProducerId,
        broker: BrokerId,
        timed_out: Option<u64>,
    ) -> u32 {
        let Some(producer) = self.producers.get(&producer_id) else {
            return 0;
        };
        let on_it: Vec<u64> = producer
            .in_flight
            .iter()
            .filter(|(_, r)| r.broker == broker)
            .map(|(&c, _)| c)
            .collect();
        for &correlation_id in &on_it {
            let error = if Some(correlation_id) == timed_out {
                ErrorCode::RequestTimedOut
            } else {
                ErrorCode::NetworkException
            };
            self.on_produce_request_failed(producer_id, correlation_id, error);
        }
        on_it.len() as u32
    }

    /// The request failed (its connection closed): every batch in it is retried (a late
    /// answer is ignored, as Kafka closed the connection).
    pub(in crate::engine) fn on_produce_request_failed(
        &mut self,
        producer_id: ProducerId,
        correlation_id: u64,
        error: ErrorCode,
    ) {
        let Some(request) = self
            .producers
            .get_mut(&producer_id)
            .and_then(|p| p.in_flight.remove(&correlation_id))
        else {
            return;
        };
        for batch in request.batches {
            self.retry_or_fail(producer_id, batch, error);
        }
        self.after_producer_progress(producer_id);
    }

    pub(super) fn retry_or_fail(
        &mut self,
        producer_id: ProducerId,
        mut batch: PendingBatch,
        error: ErrorCode,
    ) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let idempotent = producer.producer_id.is_some();
        // With idempotence an out-of-order answer means an earlier batch is being retried.
        let retriable =
            error.is_retriable() || (idempotent && error == ErrorCode::OutOfOrderSequenceNumber);
        let within_time = self.now.since(batch.created_at) < producer.config.delivery_timeout_ms;
        if retriable && batch.attempts < producer.config.retries && within_time {
            batch.attempts += 1;
            batch.retry_at = self.now.plus_ms(producer.config.retry_backoff_ms);
            producer.stats.batches_retried += 1;
            let deque = producer.accumulator.queue_mut(&batch.partition);
            // Kafka re-enqueues at the front; the idempotent producer keeps sequence order.
            let position = match batch.sequence {
                Some(seq) if idempotent => deque
                    .iter()
                    .position(|b| b.sequence.is_none_or(|s| s > seq))
                    .unwrap_or(deque.len()),
                _ => 0,
            };
            let event = EventKind::BatchRetried {
                producer: producer_id,
                partition: batch.partition.clone(),
                records: batch.iter().map(|r| r.id).collect(),
                error,
                attempt: batch.attempts,
            };
            deque.insert(position, batch);
            self.emit(event);
            let at = self
                .now
                .plus_ms(self.producers[&producer_id].config.retry_backoff_ms);
            self.schedule_timer(at, Timer::ProducerWake(producer_id));
        } else {
            let error = if within_time {
                error
            } else {
                ErrorCode::DeliveryTimeout
            };
            self.fail_batch(producer_id, batch, error);
        }
    }

    pub(super) fn fail_batch(
        &mut self,
        producer_id: ProducerId,
        batch: PendingBatch,
        error: ErrorCode,
    ) {
        let ids: Vec<RecordId> = batch.iter().map(|r| r.id).collect();
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.records_failed += ids.len() as u64;
        if producer.awaiting.is_some_and(|a| ids.contains(&a)) {
            producer.awaiting = None;
        }
        self.auditor.on_failed(&ids, error);
        self.emit(EventKind::BatchFailed {
            producer: producer_id,
            partition: batch.partition,
            records: ids,
            error,
        });
    }

    pub(super) fn complete_batch(
        &mut self,
        producer_id: ProducerId,
        batch: PendingBatch,
        base: Option<Offset>,
    ) {
        let ids: Vec<RecordId> = batch.iter().map(|r| r.id).collect();
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.records_acknowledged += ids.len() as u64;
        if producer.awaiting.is_some_and(|a| ids.contains(&a)) {
            producer.awaiting = None;
        }
        self.auditor
            .on_acknowledged(&ids, &batch.partition, base, self.now);
        self.emit(EventKind::BatchAcknowledged {
            producer: producer_id,
            partition: batch.partition,
            base_offset: base,
            records: ids,
        });
    }

    pub(in crate::engine) fn after_producer_progress(&mut self, producer_id: ProducerId) {
        // A synchronous application blocked in send().get() continues.
        loop {
            let Some(producer) = self.producers.get_mut(&producer_id) else {
                return;
            };
            if producer.awaiting.is_some() {
                break;
            }
            let Some((topic, key, value)) = producer.blocked_sends.pop_front() else {
                break;
            };
            if let Err(reason) = self.send_record(producer_id, &topic, key, value) {
                self.emit(EventKind::CommandRejected { reason });
            }
        }
        self.drain_producer(producer_id);
    }

    pub(in crate::engine) fn on_producer_wake(&mut self, producer_id: ProducerId) {
        if let Some(producer) = self.producers.get_mut(&producer_id) {
            producer.wake_at = None;
        }
        self.drain_producer(producer_id);
    }
}
