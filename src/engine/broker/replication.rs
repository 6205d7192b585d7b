//! Followers copying from leaders: one fetch session per (follower broker, leader broker), as
//! Kafka's replica fetcher threads do; the leader's bookkeeping of follower progress; ISR
//! shrink and expand; truncation after a leader change (KIP-101/KIP-279).

use crate::engine::errors::ErrorCode;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, Offset, TopicPartition};
use crate::engine::network::{Message, Node, ReplicaFetchPartition, ReplicaFetchResult};
use crate::engine::phases::IsrChangeReason;
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
        self.answer_replica_fetch(
            leader,
            follower,
            correlation_id,
            partitions,
            max_wait_ms,
            true,
        );
    }

    /// Reads a follower fetch and answers it, or parks it. Only the first read of a fetch
    /// records the follower's progress: Kafka's `ReplicaManager.readFromLog` passes
    /// `updateFetchState = !readFromPurgatory`, so a fetch answered later from the purgatory
    /// tells the leader nothing new about its follower.
    fn answer_replica_fetch(
        &mut self,
        leader: BrokerId,
        follower: BrokerId,
        correlation_id: u64,
        partitions: Vec<ReplicaFetchPartition>,
        max_wait_ms: u64,
        update_fetch_state: bool,
    ) {
        let now = self.now;
        let mut results = Vec::with_capacity(partitions.len());
        for request in &partitions {
            let result = self.read_for_follower(leader, follower, request, update_fetch_state);
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
        update_fetch_state: bool,
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
        if update_fetch_state {
            if let Some(progress) = replica.followers.get_mut(&follower) {
                progress.record_fetch(request.fetch_offset, leader_end, now);
            }
        }
        let batches = replica
            .log
            .read(request.fetch_offset, leader_end, usize::MAX);
        let result = ReplicaFetchResult::Records {
            batches,
            high_watermark: replica.log.high_watermark(),
            log_start_offset: replica.log.log_start_offset(),
        };
        if update_fetch_state {
            self.maybe_expand_isr(leader, follower, tp, request.fetch_offset);
            self.maybe_advance_high_watermark(leader, tp);
        }
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
                self.answer_replica_fetch(
                    leader,
                    fetch.follower,
                    fetch.correlation_id,
                    fetch.partitions,
                    0,
                    false,
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
            self.answer_replica_fetch(
                leader,
                fetch.follower,
                fetch.correlation_id,
                fetch.partitions,
                0,
                false,
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
            self.controller_alter_isr(leader, tp, epoch, isr, IsrChangeReason::CaughtUp);
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
                    log_start_offset,
                } => {
                    if log_start_offset > replica.log.log_end_offset() {
                        // The leader deleted what this follower still lacks (it was down or
                        // cut off while retention ran): Kafka's leader answers
                        // OFFSET_OUT_OF_RANGE, and the follower empties its log and starts
                        // again at the leader's log start. Without this it would ask for the
                        // missing offsets forever and never rejoin the ISR.
                        let removed = replica
                            .log
                            .truncate_fully_and_start_at(log_start_offset, self.now);
                        replica.rebuild_producer_state();
                        let records = removed.iter().map(|b| b.len() as u64).sum();
                        self.auditor.on_removed_by_policy(
                            &tp,
                            removed.iter().flat_map(|b| b.records.iter().map(|r| r.id)),
                        );
                        self.emit(EventKind::SegmentsDeleted {
                            broker: follower,
                            partition: tp.clone(),
                            records,
                            log_start_offset,
                        });
                        // It fetches again from its new log end. The leader read nothing for
                        // an offset below its log start, so no batch is in hand.
                        debug_assert!(batches.is_empty());
                        continue;
                    }
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
                let leader_end = replica.log.log_end_offset();
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
                            .is_some_and(|p| !p.is_caught_up(leader_end, now, lag_max))
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
        let reason = IsrChangeReason::NotCaughtUp {
            replica_lag_time_max_ms: lag_max,
        };
        for (tp, epoch, isr) in shrinks {
            if self.controller_alter_isr(broker, &tp, epoch, isr, reason) {
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

#[cfg(test)]
mod tests {
    use crate::engine::testing::fast_cluster;
    use crate::engine::{
        BrokerId, Command, EventKind, IsrChangeReason, KeyPattern, Node, ProducerConfig,
        ProducerId, SimTime, Simulation, TopicConfig, TopicPartition, Workload,
    };

    /// `fast_cluster` (replica.lag.time.max.ms = 2 s, broker.session.timeout.ms = 3 s) with a
    /// one-partition topic on all three brokers holding three records every replica has
    /// copied. Returns the leader and one follower.
    fn replicated(seed: u64) -> (Simulation, TopicPartition, BrokerId, BrokerId) {
        let mut sim = fast_cluster(3, seed);
        let commands = [
            Command::CreateTopic {
                name: "orders".into(),
                config: TopicConfig {
                    replication_factor: 3,
                    ..TopicConfig::default()
                },
            },
            Command::AddProducer {
                producer: ProducerId(1),
                config: ProducerConfig::default(),
            },
        ];
        for command in commands {
            sim.handle(command).expect("valid");
        }
        for value in ["a", "b", "c"] {
            let produce = Command::Produce {
                producer: ProducerId(1),
                topic: "orders".into(),
                key: None,
                value: Some(value.into()),
                partition: None,
                timestamp: None,
                headers: Vec::new(),
            };
            sim.handle(produce).expect("valid");
        }
        sim.advance_to(SimTime::from_ms(2_000));
        let tp = TopicPartition::new("orders", 0);
        let meta = sim.partition(&tp).expect("created").clone();
        let leader = meta.leader.expect("a leader");
        let follower = meta
            .replicas
            .into_iter()
            .find(|b| *b != leader)
            .expect("rf 3");
        assert_eq!(sim.leader_log(&tp).expect("led").high_watermark().0, 3);
        (sim, tp, leader, follower)
    }

    fn isr_changes(sim: &mut Simulation) -> Vec<(SimTime, Vec<BrokerId>, IsrChangeReason)> {
        sim.drain_events()
            .into_iter()
            .filter_map(|event| match event.kind {
                EventKind::IsrChanged {
                    removed, reason, ..
                } if !removed.is_empty() => Some((event.at, removed, reason)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_slow_follower_of_an_idle_partition_stays_in_sync() {
        // A fetch round trip of 3.5 s (1.5 s each way, plus the leader holding the empty fetch
        // for replica.fetch.wait.max.ms) is longer than replica.lag.time.max.ms, but the
        // follower's log end equals the leader's, so Replica.isCaughtUp holds throughout.
        let (mut sim, tp, leader, follower) = replicated(7);
        sim.drain_events();
        let slow = Command::SetLinkLatency {
            a: Node::Broker(leader),
            b: Node::Broker(follower),
            latency_ms: 1_500,
        };
        sim.handle(slow).expect("valid");
        sim.advance_to(SimTime::from_ms(5 * 60_000));
        assert_eq!(isr_changes(&mut sim), []);
        assert_eq!(sim.partition(&tp).expect("exists").isr.len(), 3);
    }

    #[test]
    fn a_slow_follower_that_falls_behind_leaves_after_the_lag_time() {
        let (mut sim, tp, leader, follower) = replicated(7);
        let slow = Command::SetLinkLatency {
            a: Node::Broker(leader),
            b: Node::Broker(follower),
            latency_ms: 1_500,
        };
        let busy = Command::StartWorkload {
            producer: ProducerId(1),
            workload: Workload {
                topic: "orders".into(),
                records_per_second: 200,
                keys: KeyPattern::None,
                count: None,
            },
        };
        sim.handle(slow).expect("valid");
        sim.handle(busy).expect("valid");
        sim.drain_events();
        let started = sim.now();
        sim.advance_to(started.plus_ms(20_000));
        let changes = isr_changes(&mut sim);
        let (at, removed, reason) = changes.first().expect("the follower leaves").clone();
        assert_eq!(removed, [follower]);
        assert_eq!(
            reason,
            IsrChangeReason::NotCaughtUp {
                replica_lag_time_max_ms: 2_000
            }
        );
        // It was last caught up as of its fetch before the slowdown, so it leaves once that is
        // more than replica.lag.time.max.ms ago, at the leader's next check (every 1 s).
        let waited = at.since(started);
        assert!((2_000..=4_000).contains(&waited), "left after {waited} ms");
        assert!(sim.partition(&tp).is_some());
    }

    #[test]
    fn the_controller_fencing_a_crashed_follower_is_an_isr_shrink() {
        let (mut sim, _, _, follower) = replicated(7);
        sim.drain_events();
        let crashed = sim.now();
        sim.handle(Command::CrashBroker { broker: follower })
            .expect("running");
        sim.advance_to(crashed.plus_ms(5_000));
        // The partition is idle and the follower's log end equals the leader's, so the leader
        // keeps it in sync; the controller removes it when it fences the silent broker.
        let changes = isr_changes(&mut sim);
        assert_eq!(
            changes,
            [(
                crashed.plus_ms(3_000),
                vec![follower],
                IsrChangeReason::BrokerFenced
            )]
        );
    }
}
