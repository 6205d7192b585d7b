//! The sender: drains ready batches into produce requests (at most
//! `max.in.flight.requests.per.connection` per broker), and handles the answers: completion,
//! retries with the idempotent producer's sequence numbers, and failures.

use crate::engine::config::{Acks, ProducerConfig};
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::engine::network::{Message, Node, ProduceBatch};
use crate::engine::record::ProducerStamp;
use crate::engine::rng::SimRng;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

use super::accumulator::PendingBatch;
use super::RequestInFlight;
use crate::engine::ids::RecordId;
use crate::engine::sorted::VecMap;
use crate::engine::time::SimTime;
use std::collections::VecDeque;

impl Simulation {
    /// The sender thread: sends every ready batch whose leader is known, one batch per
    /// partition per request, within `max.in.flight.requests.per.connection`.
    pub(in crate::engine) fn drain_producer(&mut self, producer_id: ProducerId) {
        // Kafka's sender loop polls without waiting while nodes had data ready
        // (`Sender.sendProducerData`), so after a pass that sent, it drains again at once: a
        // second batch of a partition, or the rest of a request cut at `max.request.size`,
        // goes out in the same millisecond while requests in flight allow.
        while self.drain_once(producer_id) {}
    }

    /// One pass of the sender: true if it sent a request, so a next pass may send more.
    fn drain_once(&mut self, producer_id: ProducerId) -> bool {
        let now = self.now;
        if !self.producers.contains_key(&producer_id) {
            return false;
        }
        self.resolve_sequence_gaps(producer_id);
        let producer = &self.producers[&producer_id];
        let linger = producer.config.linger_ms;
        let delivery_timeout = producer.config.delivery_timeout_ms;
        let max_in_flight = producer.config.max_in_flight_requests_per_connection as usize;
        let batch_size = producer.config.batch_size;
        let mut expired = Vec::new();
        let mut per_broker: VecMap<BrokerId, Vec<TopicPartition>> = VecMap::new();
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
            // Kafka's sender also wakes when the oldest batch would expire
            // (`RecordAccumulator.nextExpiryTimeMs`), so a batch held back below (by requests
            // in flight, a backoff, an unknown leader) fails at `delivery.timeout.ms` even when
            // nothing else happens.
            let expires_at = front.created_at.plus_ms(delivery_timeout);
            next_wake = Some(next_wake.map_or(expires_at, |w: SimTime| w.min(expires_at)));
            if ready && !producer.may_drain(tp, front) {
                // Waits for answers in flight; the sender looks again when they come.
                continue;
            }
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
        if self.send_requests(producer_id, per_broker, max_in_flight) {
            return true;
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        if producer.accumulator.values().any(|d| !d.is_empty()) {
            if let Some(at) = next_wake {
                let at = at.max(now);
                if producer.wake_at.is_none_or(|w| at < w) {
                    producer.wake_at = Some(at);
                    self.schedule_timer(at, Timer::ProducerWake(producer_id));
                }
            }
        }
        false
    }

    /// Sends each broker a request with the ready partitions' front batches, within
    /// `max.in.flight.requests.per.connection` and `max.request.size`; true if any went.
    fn send_requests(
        &mut self,
        producer_id: ProducerId,
        per_broker: VecMap<BrokerId, Vec<TopicPartition>>,
        max_in_flight: usize,
    ) -> bool {
        let mut sent = false;
        for (broker, partitions) in per_broker {
            let producer = self.producers.get_mut(&producer_id).expect("exists");
            if producer.in_flight_to(broker) >= max_in_flight {
                continue;
            }
            let mut batches = Vec::new();
            let mut request_bytes = 0u32;
            for tp in partitions {
                let Some(deque) = producer.accumulator.get_mut(&tp) else {
                    continue;
                };
                // RecordAccumulator.drain: a request carries at most max.request.size, and
                // always at least one batch.
                let too_big = deque.front().is_some_and(|b| {
                    request_bytes.saturating_add(b.bytes) > producer.config.max_request_size
                });
                if too_big && !batches.is_empty() {
                    break;
                }
                let Some(mut batch) = deque.pop_front() else {
                    continue;
                };
                request_bytes = request_bytes.saturating_add(batch.bytes);
                producer.assign_sequence(&mut batch);
                batches.push(batch);
            }
            if batches.is_empty() {
                continue;
            }
            self.send_produce_request(producer_id, broker, batches);
            sent = true;
        }
        sent
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
        producer.stats.batches_sent += batches.len() as u64;
        let acks = producer.config.acks;
        let timeout_ms = producer.config.request_timeout_ms;
        let wire: Vec<ProduceBatch> = batches
            .iter_mut()
            .map(|b| ProduceBatch {
                partition: b.partition.clone(),
                records: b.seal(),
                stamp: producer
                    .producer_id
                    .zip(b.sequence)
                    .map(|(pid, seq)| ProducerStamp {
                        producer_id: pid,
                        producer_epoch: producer.epoch_of(&b.partition),
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
        if error == ErrorCode::MessageTooLarge && batch.len() > 1 {
            self.split_and_requeue(producer_id, batch, error);
            return;
        }
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        let idempotent = producer.producer_id.is_some();
        // The idempotent producer retries every out-of-order or stale-epoch answer
        // (`TransactionManager.canRetry`), bumping its epoch first where that is the cure.
        let retriable = error.is_retriable()
            || (idempotent
                && matches!(
                    error,
                    ErrorCode::OutOfOrderSequenceNumber | ErrorCode::InvalidProducerEpoch
                ));
        let within_time = self.now.since(batch.created_at) < producer.config.delivery_timeout_ms;
        if retriable && batch.attempts < producer.config.retries && within_time {
            producer.on_batch_retried(&batch, error);
            // Drawn only for a retry, so a run's other random choices stay where they were.
            let backoff_ms = retry_backoff_ms(&producer.config, batch.attempts, &mut self.rng);
            batch.attempts += 1;
            let at = self.now.plus_ms(backoff_ms);
            batch.retry_at = at;
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

    /// A batch the broker found too large is cut in two and both halves go out again at once,
    /// until a single record that is still too large fails alone.
    fn split_and_requeue(
        &mut self,
        producer_id: ProducerId,
        batch: PendingBatch,
        error: ErrorCode,
    ) {
        let event = EventKind::BatchRetried {
            producer: producer_id,
            partition: batch.partition.clone(),
            records: batch.iter().map(|r| r.id).collect(),
            error,
            attempt: batch.attempts + 1,
        };
        let now = self.now;
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.batches_retried += 1;
        let [first, second] = batch.split(now);
        producer.on_batch_split(&first, &second);
        let deque = producer.accumulator.queue_mut(&first.partition);
        let position = match first.sequence {
            Some(seq) => deque
                .iter()
                .position(|b| b.sequence.is_none_or(|s| s > seq))
                .unwrap_or(deque.len()),
            None => 0,
        };
        deque.insert(position, second);
        deque.insert(position, first);
        self.emit(event);
        self.schedule_timer(now, Timer::ProducerWake(producer_id));
    }

    /// Records that failed in `send()` itself, before any batch took them: the callback gets
    /// the error at once.
    pub(super) fn fail_records(
        &mut self,
        producer_id: ProducerId,
        partition: TopicPartition,
        ids: &[RecordId],
        error: ErrorCode,
    ) {
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.stats.records_failed += ids.len() as u64;
        if producer.awaiting.is_some_and(|a| ids.contains(&a)) {
            producer.awaiting = None;
        }
        self.auditor.on_failed(ids, error);
        self.emit(EventKind::BatchFailed {
            producer: producer_id,
            partition,
            records: ids.to_vec(),
            error,
        });
    }

    pub(super) fn fail_batch(
        &mut self,
        producer_id: ProducerId,
        batch: PendingBatch,
        error: ErrorCode,
    ) {
        let ids: Vec<RecordId> = batch.iter().map(|r| r.id).collect();
        let producer = self.producers.get_mut(&producer_id).expect("exists");
        producer.on_batch_failed(&batch, error);
        producer.buffer_used -= batch.allocated;
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
        producer.on_batch_acknowledged(&batch);
        producer.buffer_used -= batch.allocated;
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
        // An application blocked on a full buffer, or in send().get(), continues.
        self.retry_blocked_send(producer_id);
        loop {
            let Some(producer) = self.producers.get_mut(&producer_id) else {
                return;
            };
            if producer.application_blocked() {
                break;
            }
            let Some(send) = producer.blocked_sends.pop_front() else {
                break;
            };
            if let Err(reason) = self.send_record(producer_id, send) {
                self.emit(EventKind::CommandRejected { reason });
            }
        }
        self.drain_producer(producer_id);
    }

    pub(in crate::engine) fn on_producer_wake(&mut self, producer_id: ProducerId) {
        let Some(producer) = self.producers.get_mut(&producer_id) else {
            return;
        };
        // Only the linger wake `wake_at` names clears it: a retry's or a blocked send's wake,
        // or one an earlier deadline replaced, leaves the queued linger wake in place.
        if producer.wake_at == Some(self.now) {
            producer.wake_at = None;
        }
        if producer.memory_wait.is_some() {
            self.after_producer_progress(producer_id);
        } else {
            self.drain_producer(producer_id);
        }
    }
}

/// The wait before retry number `attempts + 1` (KIP-580, Kafka's `ExponentialBackoff`):
/// `retry.backoff.ms` doubled per earlier attempt up to `retry.backoff.max.ms`, times a random
/// factor in [0.8, 1.2) drawn from the run's seed, and never above `retry.backoff.max.ms`. A
/// maximum not above `retry.backoff.ms` makes the backoff that constant, without jitter.
pub(in crate::engine) fn retry_backoff_ms(
    config: &ProducerConfig,
    attempts: u32,
    rng: &mut SimRng,
) -> u64 {
    let initial = config.retry_backoff_ms;
    let max = config.retry_backoff_max_ms;
    if max <= initial {
        return initial;
    }
    let term = initial.saturating_mul(1u64 << attempts.min(32)).min(max);
    let per_mille = 800 + rng.below(400);
    (term.saturating_mul(per_mille) / 1000).min(max)
}
