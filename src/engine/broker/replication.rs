//! Followers copying from leaders: one fetch session per (follower broker, leader broker), as
//! Kafka's replica fetcher threads do; the leader's bookkeeping of follower progress; ISR
//! shrink and expand; truncation after a leader change (KIP-101/KIP-279).

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, Offset, TopicPartition};
use crate::engine::network::{Message, Node, ReplicaFetchPartition, ReplicaFetchResult};
use crate::engine::{Simulation, Timer};

/// `replica.fetch.backoff.ms` (1000): the pause after a failed follower fetch.
pub const REPLICA_FETCH_BACKOFF_MS: u64 = 1_000;
/// `replica.socket.timeout.ms` (30000): a follower gives up on an unanswered fetch.
pub const REPLICA_SOCKET_TIMEOUT_MS: u64 = 30_000;

impl Simulation {
    /// Makes sure `follower` has a fetch session with `leader`.
    pub(in crate::engine) fn ensure_fetcher(&mut self, follower: BrokerId, leader: BrokerId) {
        let Some(state) = self.brokers.get_mut(&follower) else {
            return;
        };
        if state.fetchers.contains_key(&leader) {
            return;
        }
        state.fetchers.insert(leader, None);
        let incarnation = state.incarnation;
        self.schedule_timer(self.now, Timer::ReplicaFetch(follower, leader, incarnation));
    }

    /// The follower sends one fetch for every partition it follows on `leader`.
    pub(in crate::engine) fn on_replica_fetch_timer(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
        incarnation: u64,
    ) {
        let Some(state) = self.brokers.get_mut(&follower) else {
            return;
        };
        if !state.up || state.incarnation != incarnation {
            return;
        }
        if state.fetchers.get(&leader).is_some_and(Option::is_some) {
            return;
        }
        let partitions: Vec<ReplicaFetchPartition> = state
            .replicas
            .iter()
            .filter(|(_, r)| r.view.leader == Some(leader))
            .map(|(tp, r)| ReplicaFetchPartition {
                partition: tp.clone(),
                fetch_offset: r.log.log_end_offset(),
                last_fetched_epoch: r.log.latest_epoch(),
            })
            .collect();
        if partitions.is_empty() {
            state.fetchers.remove(&leader);
            return;
        }
        let correlation_id = state.next_correlation_id;
        state.next_correlation_id += 1;
        state.fetchers.insert(leader, Some(correlation_id));
        let max_wait_ms = self.broker_config.replica_fetch_wait_max_ms;
        self.send(
            Node::Broker(follower),
            Node::Broker(leader),
            Message::ReplicaFetch {
                correlation_id,
                partitions,
                max_wait_ms,
            },
        );
        self.schedule_timer(
            self.now.plus_ms(REPLICA_SOCKET_TIMEOUT_MS),
            Timer::ReplicaFetchTimeout(follower, leader, incarnation, correlation_id),
        );
    }

    pub(in crate::engine) fn on_replica_fetch_timeout(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
        incarnation: u64,
        correlation_id: u64,
    ) {
        let Some(state) = self.brokers.get_mut(&follower) else {
            return;
        };
        if state.incarnation != incarnation
            || state.fetchers.get(&leader) != Some(&Some(correlation_id))
        {
            return;
        }
        state.fetchers.insert(leader, None);
        self.schedule_timer(self.now, Timer::ReplicaFetch(follower, leader, incarnation));
    }

    /// The leader answers a follower: detects divergence, records the follower's progress,
    /// grows the ISR if it caught up, moves the high watermark, and returns what follows.
    pub(in crate::engine) fn on_replica_fetch(
        &mut self,
        leader: BrokerId,
        follower: BrokerId,
        correlation_id: u64,
        partitions: Vec<ReplicaFetchPartition>,
        max_wait_ms: u64,
    ) {
        let now = self.now;
        let mut results = Vec::with_capacity(partitions.len());
        for request in &partitions {
            let result = self.read_for_follower(leader, follower, request);
            results.push((request.partition.clone(), result));
        }
        let nothing_new = results.iter().all(
            |(_, r)| matches!(r, ReplicaFetchResult::Records { batches, .. } if batches.is_empty()),
        );
        if nothing_new && max_wait_ms > 0 {
            // replica.fetch.min.bytes=1: hold the fetch until the leader appends something.
            let state = self.brokers.get_mut(&leader).expect("exists");
            let id = state.next_wait_id;
            state.next_wait_id += 1;
            state.parked_replica_fetches.insert(
                id,
                crate::engine::broker::ParkedReplicaFetch {
                    follower,
                    correlation_id,
                    partitions,
                },
            );
            let incarnation = state.incarnation;
            self.schedule_timer(
                now.plus_ms(max_wait_ms),
                Timer::ReplicaFetchWaitExpired(leader, incarnation, id),
            );
            return;
        }
        // The answer carries the high watermark as it is after this fetch moved it.
        for (tp, result) in results.iter_mut() {
            if let ReplicaFetchResult::Records { high_watermark, .. } = result {
                if let Some(replica) = self.brokers[&leader].replicas.get(tp) {
                    *high_watermark = replica.log.high_watermark();
                }
            }
        }
        self.send(
            Node::Broker(leader),
            Node::Broker(follower),
            Message::ReplicaFetchResponse {
                correlation_id,
                partitions: results,
            },
        );
    }

    /// The leader's answer for one partition of a follower's fetch: an error, the divergence
    /// the follower must truncate to, or the records from its fetch offset. Reading also
    /// updates the follower's progress, which may grow the ISR and move the high watermark.
    fn read_for_follower(
        &mut self,
        leader: BrokerId,
        follower: BrokerId,
        request: &ReplicaFetchPartition,
    ) -> ReplicaFetchResult {
        let now = self.now;
        let tp = &request.partition;
        let Some(replica) = self
            .brokers
            .get_mut(&leader)
            .and_then(|s| s.replicas.get_mut(tp))
        else {
            return ReplicaFetchResult::Error(ErrorCode::NotLeaderOrFollower);
        };
        if replica.view.leader != Some(leader) {
            return ReplicaFetchResult::Error(ErrorCode::NotLeaderOrFollower);
        }
        if let Some(epoch) = request.last_fetched_epoch {
            let diverging = match replica.log.end_offset_for_epoch(epoch) {
                Some((found, end)) => {
                    (found != epoch || end < request.fetch_offset).then_some((found, end))
                }
                // The leader has no epoch that old: truncate to its log start.
                None => Some((0, replica.log.log_start_offset())),
            };
            if let Some((found, end)) = diverging {
                return ReplicaFetchResult::Diverging {
                    epoch: found,
                    end_offset: end,
                };
            }
        }
        let leader_end = replica.log.log_end_offset();
        if let Some(progress) = replica.followers.get_mut(&follower) {
            // Replica.updateFetchStateOrThrow: caught up as of this fetch, or as of the
            // previous one.
            if request.fetch_offset >= leader_end {
                progress.last_caught_up = now;
            } else if request.fetch_offset >= progress.leader_end_at_last_fetch {
                progress.last_caught_up = progress.last_caught_up.max(progress.last_fetch_at);
            }
            progress.log_end_offset = request.fetch_offset;
            progress.last_fetch_at = now;
            progress.leader_end_at_last_fetch = leader_end;
        }
        let batches = replica
            .log
            .read(request.fetch_offset, leader_end, usize::MAX);
        let result = ReplicaFetchResult::Records {
            batches,
            high_watermark: replica.log.high_watermark(),
            log_start_offset: replica.log.log_start_offset(),
        };
        self.maybe_expand_isr(leader, follower, tp, request.fetch_offset);
        self.maybe_advance_high_watermark(leader, tp);
        result
    }

    /// The leader appended: parked follower fetches are answered now.
    pub(in crate::engine) fn answer_parked_replica_fetches(&mut self, leader: BrokerId) {
        let state = &self.brokers[&leader];
        let ready: Vec<u64> = state
            .parked_replica_fetches
            .iter()
            .filter(|(_, fetch)| {
                fetch.partitions.iter().any(|p| {
                    state
                        .replicas
                        .get(&p.partition)
                        .is_some_and(|r| r.log.log_end_offset() > p.fetch_offset)
                })
            })
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            let fetch = self
                .brokers
                .get_mut(&leader)
                .and_then(|s| s.parked_replica_fetches.remove(&id));
            if let Some(fetch) = fetch {
                self.on_replica_fetch(
                    leader,
                    fetch.follower,
                    fetch.correlation_id,
                    fetch.partitions,
                    0,
                );
            }
        }
    }

    pub(in crate::engine) fn on_replica_fetch_wait_expired(
        &mut self,
        leader: BrokerId,
        incarnation: u64,
        id: u64,
    ) {
        let Some(state) = self.brokers.get_mut(&leader) else {
            return;
        };
        if state.incarnation != incarnation {
            return;
        }
        if let Some(fetch) = state.parked_replica_fetches.remove(&id) {
            self.on_replica_fetch(
                leader,
                fetch.follower,
                fetch.correlation_id,
                fetch.partitions,
                0,
            );
        }
    }

    /// `Partition.isFollowerInSync`: a follower rejoins the ISR when it has reached the high
    /// watermark and the start of the leader's current epoch.
    fn maybe_expand_isr(
        &mut self,
        leader: BrokerId,
        follower: BrokerId,
        tp: &TopicPartition,
        follower_end: Offset,
    ) {
        let Some(replica) = self.brokers[&leader].replicas.get(tp) else {
            return;
        };
        if replica.view.isr.contains(&follower) {
            return;
        }
        let epoch_start = replica
            .log
            .epoch_start_offset(replica.view.leader_epoch)
            .unwrap_or(Offset(0));
        if follower_end >= replica.log.high_watermark() && follower_end >= epoch_start {
            let mut isr = replica.view.isr.clone();
            isr.push(follower);
            let epoch = replica.view.leader_epoch;
            self.controller_alter_isr(leader, tp, epoch, isr);
        }
    }

    /// The follower applies the leader's answer: appends, truncates on divergence, follows
    /// the leader's high watermark, then fetches again.
    pub(in crate::engine) fn on_replica_fetch_response(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
        correlation_id: u64,
        partitions: Vec<(TopicPartition, ReplicaFetchResult)>,
    ) {
        let Some(state) = self.brokers.get_mut(&follower) else {
            return;
        };
        if !state.up || state.fetchers.get(&leader) != Some(&Some(correlation_id)) {
            return;
        }
        state.fetchers.insert(leader, None);
        let incarnation = state.incarnation;
        let detailed = self.detailed_events;
        let mut backoff = false;
        for (tp, result) in partitions {
            let Some(replica) = self
                .brokers
                .get_mut(&follower)
                .and_then(|s| s.replicas.get_mut(&tp))
            else {
                continue;
            };
            if replica.view.leader != Some(leader) {
                continue;
            }
            match result {
                ReplicaFetchResult::Records {
                    batches,
                    high_watermark,
                    ..
                } => {
                    let mut copied = Vec::new();
                    for batch in batches {
                        if batch.base_offset < replica.log.log_end_offset() {
                            continue;
                        }
                        if let Some(stamp) = batch.producer {
                            crate::engine::broker::record_producer_batch(
                                &mut replica.producers,
                                stamp,
                                batch.len(),
                                batch.base_offset,
                            );
                        }
                        if detailed {
                            copied.push((
                                batch.base_offset,
                                batch.records.iter().map(|r| r.id).collect::<Vec<_>>(),
                            ));
                        }
                        replica.log.append_replicated(batch);
                    }
                    let follower_hw = high_watermark.min(replica.log.log_end_offset());
                    replica.log.advance_high_watermark(follower_hw);
                    for (base_offset, records) in copied {
                        self.emit(EventKind::BatchReplicated {
                            broker: follower,
                            partition: tp.clone(),
                            base_offset,
                            records,
                        });
                    }
                }
                ReplicaFetchResult::Diverging { epoch, end_offset } => {
                    let target = end_offset.min(replica.log.log_end_offset());
                    let removed = replica.log.truncate_to(target);
                    replica.rebuild_producer_state();
                    let ids: Vec<_> = removed
                        .iter()
                        .flat_map(|b| b.records.iter().map(|r| r.id))
                        .collect();
                    self.auditor.on_truncated(&tp, follower, &ids, self.now);
                    self.emit(EventKind::ReplicaTruncated {
                        broker: follower,
                        partition: tp.clone(),
                        to_offset: target,
                        diverging_epoch: epoch,
                        records_removed: ids,
                    });
                }
                ReplicaFetchResult::Error(_) => backoff = true,
            }
        }
        let delay = if backoff { REPLICA_FETCH_BACKOFF_MS } else { 0 };
        self.schedule_timer(
            self.now.plus_ms(delay),
            Timer::ReplicaFetch(follower, leader, incarnation),
        );
    }

    /// The fetch reached a broker whose process is gone.
    pub(in crate::engine) fn on_replica_fetch_refused(
        &mut self,
        follower: BrokerId,
        leader: BrokerId,
    ) {
        let Some(state) = self.brokers.get_mut(&follower) else {
            return;
        };
        state.fetchers.insert(leader, None);
        let incarnation = state.incarnation;
        self.schedule_timer(
            self.now.plus_ms(REPLICA_FETCH_BACKOFF_MS),
            Timer::ReplicaFetch(follower, leader, incarnation),
        );
    }

    /// Kafka's `isr-expiration` task, every `replica.lag.time.max.ms / 2`: a leader drops
    /// followers that have not caught up for `replica.lag.time.max.ms`.
    pub(in crate::engine) fn on_isr_expiration(&mut self, broker: BrokerId, incarnation: u64) {
        let Some(state) = self.brokers.get(&broker) else {
            return;
        };
        if state.incarnation != incarnation {
            return;
        }
        let lag_max = self.broker_config.replica_lag_time_max_ms;
        let now = self.now;
        let mut shrinks = Vec::new();
        if state.up {
            for (tp, replica) in &state.replicas {
                if replica.view.leader != Some(broker) {
                    continue;
                }
                let out_of_sync: Vec<BrokerId> = replica
                    .view
                    .isr
                    .iter()
                    .copied()
                    .filter(|b| *b != broker)
                    .filter(|b| {
                        replica
                            .followers
                            .get(b)
                            .is_some_and(|p| now.since(p.last_caught_up) > lag_max)
                    })
                    .collect();
                if !out_of_sync.is_empty() {
                    let isr: Vec<BrokerId> = replica
                        .view
                        .isr
                        .iter()
                        .copied()
                        .filter(|b| !out_of_sync.contains(b))
                        .collect();
                    shrinks.push((tp.clone(), replica.view.leader_epoch, isr));
                }
            }
        }
        for (tp, epoch, isr) in shrinks {
            if self.controller_alter_isr(broker, &tp, epoch, isr) {
                self.check_pending_produces(broker);
                self.maybe_advance_high_watermark(broker, &tp);
            }
        }
        let interval = (lag_max / 2).max(1);
        self.schedule_timer(
            self.now.plus_ms(interval),
            Timer::IsrExpiration(broker, incarnation),
        );
    }
}
