//! The consumer's fetch path: `poll()` sends one fetch to each leader of a partition it reads
//! (none for paused partitions or ones waiting for a seek), buffers what comes back, and hands
//! the application at most `max.poll.records` at a time.

use crate::engine::sorted::VecMap;
use crate::engine::sorted::VecSet;
use std::sync::Arc;

use super::{BufferedRun, PolledRecord, POLLED_KEPT};
use crate::engine::config::AutoOffsetReset;
use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, ConsumerId, Offset, TopicPartition};
use crate::engine::network::{FetchPosition, FetchedPartition, Message, Node};
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// Where a partition's fetch starts, or why it is not fetched.
enum Start {
    Fetch(FetchPosition),
    /// `auto.offset.reset=none` and no position: `poll()` throws.
    NoOffset,
    /// Not fetched now (paused, waiting for a seek or for the committed offset).
    Skip,
}

impl Simulation {
    /// Schedules the consumer's next poll, unless one is already due no later.
    pub(in crate::engine) fn schedule_poll(&mut self, consumer_id: ConsumerId, at: SimTime) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.next_poll_at.is_some_and(|t| t <= at) {
            return;
        }
        consumer.next_poll_at = Some(at);
        self.schedule_timer(at, Timer::Poll(consumer_id));
    }

    /// The partition count of a topic as the consumer knows it from its own metadata (zero
    /// until a Metadata response has named the topic).
    pub(super) fn consumer_partition_count(&self, consumer_id: ConsumerId, topic: &str) -> u32 {
        self.consumers[&consumer_id]
            .metadata
            .partition_count(topic)
            .unwrap_or(0)
    }

    /// The leader of a partition as the consumer knows it from its own metadata.
    fn consumer_leader_of(&self, consumer_id: ConsumerId, tp: &TopicPartition) -> Option<BrokerId> {
        self.consumers[&consumer_id].metadata.leader_for(tp)
    }

    /// The consumer polls: one fetch to each partition leader it has nothing outstanding with.
    pub(in crate::engine) fn on_poll_timer(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.next_poll_at != Some(now) {
            // Superseded by an earlier poll, which scheduled its own successor.
            return;
        }
        consumer.next_poll_at = None;
        let consumer = &self.consumers[&consumer_id];
        if !consumer.is_running() {
            return;
        }
        if consumer.processing_until > now {
            // An earlier poll timer (from an idle wait) while the application is still busy:
            // it polls when processing ends.
            let until = consumer.processing_until;
            self.schedule_poll(consumer_id, until);
            return;
        }
        let may_fetch = if consumer.group.is_none() {
            true
        } else if consumer.is_manually_assigned() {
            self.manual_poll(consumer_id)
        } else {
            self.group_poll(consumer_id)
        };
        if !may_fetch {
            // Not a member with an assignment yet: look again shortly.
            let wait = self.consumers[&consumer_id].config.poll_interval_ms.max(1);
            self.schedule_poll(consumer_id, self.now.plus_ms(wait));
            return;
        }
        if !self.consumers[&consumer_id].buffer.is_empty() {
            self.deliver_polled(consumer_id);
            return;
        }
        self.send_fetches(consumer_id);
    }

    fn fetch_start(&self, consumer_id: ConsumerId, tp: &TopicPartition) -> Start {
        let consumer = &self.consumers[&consumer_id];
        if consumer.paused_partitions.contains(tp) || consumer.awaiting_seek.contains(tp) {
            return Start::Skip;
        }
        if let Some(&offset) = consumer.positions.get(tp) {
            return Start::Fetch(FetchPosition::At(offset));
        }
        let policy = consumer
            .pending_resets
            .get(tp)
            .copied()
            .unwrap_or(consumer.config.auto_offset_reset);
        match policy {
            AutoOffsetReset::None => Start::NoOffset,
            policy => Start::Fetch(FetchPosition::Reset(policy)),
        }
    }

    /// Asks for metadata of the topics the consumer reads but knows nothing of yet; returns
    /// whether there were any (the consumer then polls again shortly).
    fn ask_for_unknown_topics(&mut self, consumer_id: ConsumerId) -> bool {
        let consumer = &self.consumers[&consumer_id];
        let unknown: Vec<String> = consumer
            .subscription
            .iter()
            .map(String::as_str)
            .chain(
                consumer
                    .manual_assignment
                    .iter()
                    .flatten()
                    .map(|tp| &*tp.topic),
            )
            .filter(|topic| consumer.metadata.partition_count(topic).is_none())
            .map(str::to_owned)
            .collect::<crate::engine::sorted::VecSet<String>>()
            .into_iter()
            .collect();
        for topic in &unknown {
            self.want_topic_metadata(Node::Consumer(consumer_id), topic);
        }
        !unknown.is_empty()
    }

    fn send_fetches(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let unknown = self.ask_for_unknown_topics(consumer_id);
        let consumer = &self.consumers[&consumer_id];
        let reading = consumer.reading(|topic| self.consumer_partition_count(consumer_id, topic));
        let mut by_leader: VecMap<BrokerId, Vec<(TopicPartition, FetchPosition)>> = VecMap::new();
        let mut no_offset = Vec::new();
        let mut any_leaderless = unknown;
        let mut backing_off = false;
        for tp in reading {
            let position = match self.fetch_start(consumer_id, &tp) {
                Start::Fetch(position) => position,
                Start::NoOffset => {
                    no_offset.push(tp);
                    continue;
                }
                Start::Skip => continue,
            };
            let Some(leader) = self.consumer_leader_of(consumer_id, &tp) else {
                any_leaderless = true;
                continue;
            };
            if consumer.is_fetching_from(leader) {
                continue;
            }
            if consumer.metadata.reconnect_at(leader, now).is_some() {
                // The connection is in its reconnect backoff: the partition waits, as a
                // leaderless one does, for the next poll.
                backing_off = true;
                continue;
            }
            by_leader.entry(leader).or_default().push((tp, position));
        }
        let max_bytes = consumer.config.fetch_max_bytes;
        let max_partition_bytes = consumer.config.max_partition_fetch_bytes;
        let max_wait_ms = consumer.config.fetch_max_wait_ms;
        let poll_interval = consumer.config.poll_interval_ms.max(1);
        let nothing_to_send = by_leader.is_empty();
        if !no_offset.is_empty() {
            // `auto.offset.reset=none`: the fetcher cannot reset, so `poll()` throws
            // NoOffsetForPartitionException instead of fetching (`SubscriptionState.
            // resetInitialPositionsIfNeeded`); the partition waits for a seek.
            let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
            consumer.awaiting_seek.extend(no_offset.iter().cloned());
            for partition in no_offset {
                self.emit(EventKind::NoOffsetForPartition {
                    consumer: consumer_id,
                    partition,
                });
            }
        }
        for (broker, partitions) in by_leader {
            let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
            let correlation_id = consumer.next_correlation();
            consumer.fetching_from.insert(broker, correlation_id);
            for (tp, position) in &partitions {
                consumer.in_flight_fetches.insert(tp.clone(), *position);
            }
            // `request.timeout.ms` (30000): a fetch lost on the network is given up on.
            self.schedule_timer(
                self.now.plus_ms(30_000),
                Timer::FetchTimeout(consumer_id, broker, correlation_id),
            );
            self.send(
                Node::Consumer(consumer_id),
                Node::Broker(broker),
                Message::Fetch {
                    correlation_id,
                    partitions,
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            );
        }
        if any_leaderless {
            self.request_metadata_update(Node::Consumer(consumer_id));
        }
        let any_leaderless = any_leaderless || backing_off;
        if any_leaderless || nothing_to_send {
            // Partitions without a leader are retried after a metadata refresh.
            self.schedule_poll(consumer_id, self.now.plus_ms(poll_interval.max(100)));
        }
    }
    /// A fetch answer arrived: `poll()` hands the records to the application in order, the
    /// position moves past them, and the next poll follows the processing time.
    pub(in crate::engine) fn on_fetch_response(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
        fetched: Vec<FetchedPartition>,
    ) {
        let Some(consumer) = self.consumers.get(&consumer_id) else {
            return;
        };
        if consumer.fetching_from.get(&broker) != Some(&correlation_id) {
            return;
        }
        let reading: crate::engine::sorted::VecSet<TopicPartition> = consumer
            .reading(|topic| self.consumer_partition_count(consumer_id, topic))
            .into_iter()
            .collect::<VecSet<_>>();
        let consumer = self.consumers.get_mut(&consumer_id).expect("exists");
        consumer.fetching_from.remove(&broker);
        if !consumer.is_running() {
            return;
        }
        let mut events = Vec::new();
        let mut stale_metadata = false;
        for part in fetched {
            let tp = part.partition.clone();
            if !reading.contains(&tp)
                || consumer.paused_partitions.contains(&tp)
                || consumer.awaiting_seek.contains(&tp)
            {
                // Revoked, paused or failed while the fetch travelled.
                continue;
            }
            if consumer.in_flight_fetches.remove(&tp).is_none() {
                // The application sought or paused it while the fetch travelled: Kafka
                // discards a fetched partition whose offset is no longer the position.
                continue;
            }
            let policy = consumer
                .pending_resets
                .get(&tp)
                .copied()
                .unwrap_or(consumer.config.auto_offset_reset);
            match part.error {
                Some(ErrorCode::OffsetOutOfRange) => {
                    if policy == AutoOffsetReset::None {
                        // `OffsetOutOfRangeException`: no policy to reset by, so the
                        // partition waits for the application to seek.
                        consumer.awaiting_seek.insert(tp.clone());
                    } else {
                        consumer.positions.remove(&tp);
                    }
                    events.push(EventKind::OffsetOutOfRange {
                        consumer: consumer_id,
                        partition: tp,
                        policy,
                    });
                    continue;
                }
                Some(error) => {
                    // The leader moved or the topic is unknown here: the consumer refreshes
                    // its metadata (`Fetcher` marks the metadata for update).
                    stale_metadata = stale_metadata
                        || matches!(
                            error,
                            ErrorCode::NotLeaderOrFollower | ErrorCode::UnknownTopicOrPartition
                        );
                    continue;
                }
                None => {}
            }
            if let crate::engine::sorted::Entry::Vacant(slot) = consumer.positions.entry(tp.clone())
            {
                slot.insert(part.fetch_offset);
                consumer.pending_resets.remove(&tp);
                events.push(EventKind::PositionReset {
                    consumer: consumer_id,
                    partition: tp.clone(),
                    policy,
                    offset: part.fetch_offset,
                });
            }
            let mut next = consumer.positions[&tp];
            for batch in &part.batches {
                // The records from the position (or the batch's start) up to the high
                // watermark (or the batch's end): offsets in a batch are consecutive, so they
                // are one range of it.
                let base = batch.base_offset.0;
                let from = next.0.max(base);
                let to = part.high_watermark.0.min(batch.next_offset().0);
                if from >= to {
                    continue;
                }
                next = Offset(to);
                consumer.buffer.push_back(BufferedRun {
                    partition: tp.clone(),
                    records: batch.records.clone(),
                    base_offset: batch.base_offset,
                    start: (from - base) as usize,
                    end: (to - base) as usize,
                });
            }
        }
        for event in events {
            self.emit(event);
        }
        if stale_metadata {
            self.request_metadata_update(Node::Consumer(consumer_id));
        }
        if self.consumers[&consumer_id].processing_until > self.now {
            // The poll scheduled for the end of processing will take these records.
            return;
        }
        self.deliver_polled(consumer_id);
    }

    /// `poll()` returns up to `max.poll.records` buffered records to the application; the
    /// position moves past them; the next poll follows their processing time.
    fn deliver_polled(&mut self, consumer_id: ConsumerId) {
        let now = self.now;
        let detailed = self.detailed_events;
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        let buffered: usize = consumer.buffer.iter().map(BufferedRun::len).sum();
        let take = buffered.min(consumer.config.max_poll_records as usize);
        let mut delivered = Vec::with_capacity(take);
        let mut events = Vec::new();
        while delivered.len() < take {
            let run = consumer
                .buffer
                .front_mut()
                .expect("records remain buffered");
            let count = run.len().min(take - delivered.len());
            let range = run.start..run.start + count;
            run.start += count;
            let (partition, base_offset) = (run.partition.clone(), run.base_offset.0);
            let records = Arc::clone(&run.records);
            if run.start == run.end {
                consumer.buffer.pop_front();
            }
            delivered.extend(records[range.clone()].iter().map(|r| r.id));
            let next = Offset(base_offset + range.end as u64);
            if detailed {
                for index in range {
                    let record = &records[index];
                    let polled = PolledRecord {
                        record: record.id,
                        partition: partition.partition,
                        topic: partition.topic.clone(),
                        offset: Offset(base_offset + index as u64),
                        key: record.key.clone(),
                        value: record.value.clone(),
                        timestamp_ms: record.timestamp_ms(),
                        headers: record.headers().to_vec(),
                    };
                    events.push(EventKind::RecordPolled {
                        record: polled.record,
                        consumer: consumer_id,
                        partition: partition.clone(),
                        offset: polled.offset,
                        value: polled.value.as_ref().map(|v| v.text().into_owned()),
                        timestamp: record.given_timestamp_ms(),
                        headers: polled
                            .headers
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    });
                    if consumer.polled.len() >= POLLED_KEPT {
                        // Half of POLLED_KEPT is whole chunks, so this copies nothing.
                        consumer.polled.drop_front(POLLED_KEPT / 2);
                    }
                    consumer.polled.push(polled);
                }
            }
            consumer
                .last_polled
                .insert(partition.clone(), Offset(next.0 - 1));
            consumer.positions.insert(partition, next);
        }
        consumer.records_polled += delivered.len() as u64;
        // The application processes what poll() returned, then polls again at once; only an
        // empty poll waits the loop's idle interval.
        let wait = if delivered.is_empty() {
            consumer.config.poll_interval_ms.max(1)
        } else {
            let processing_ms = consumer.config.processing_time_ms * delivered.len() as u64;
            consumer.processing_until = now.plus_ms(processing_ms);
            processing_ms
        };
        let reader = consumer.reader();
        self.auditor.on_delivered(&reader, &delivered, now);
        for event in events {
            self.emit_detail(event);
        }
        self.schedule_poll(consumer_id, now.plus_ms(wait));
    }

    /// A fetch got no answer within `request.timeout.ms`: the consumer closes the
    /// connection, which fails every request in flight on it.
    pub(in crate::engine) fn on_fetch_timeout(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
    ) {
        let current = self
            .consumers
            .get(&consumer_id)
            .is_some_and(|c| c.fetching_from.get(&broker) == Some(&correlation_id));
        if current {
            let reason = self.timeout_reason(Node::Consumer(consumer_id), broker);
            self.on_disconnected(
                Node::Consumer(consumer_id),
                broker,
                reason,
                Some(correlation_id),
            );
        }
    }

    /// The connection to `broker` closed: the fetch and any group request on it fail.
    /// Returns how many requests failed.
    pub(in crate::engine) fn fail_consumer_requests_on(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
    ) -> u32 {
        let fetch = self
            .consumers
            .get(&consumer_id)
            .and_then(|c| c.fetching_from.get(&broker).copied());
        let mut failed = 0;
        if let Some(correlation_id) = fetch {
            self.on_fetch_failed(consumer_id, broker, correlation_id);
            failed += 1;
        }
        failed + self.fail_group_requests_on(consumer_id, broker)
    }

    /// The fetch reached a crashed broker, or got no answer.
    pub(in crate::engine) fn on_fetch_failed(
        &mut self,
        consumer_id: ConsumerId,
        broker: BrokerId,
        correlation_id: u64,
    ) {
        let Some(consumer) = self.consumers.get_mut(&consumer_id) else {
            return;
        };
        if consumer.fetching_from.get(&broker) != Some(&correlation_id) {
            return;
        }
        consumer.fetching_from.remove(&broker);
        let wait = consumer.config.poll_interval_ms.max(100);
        self.schedule_poll(consumer_id, self.now.plus_ms(wait));
    }
}
