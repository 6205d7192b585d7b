//! A broker: its replicas, and how it answers produce and consumer fetch requests.
//! Produce, consumer fetch, replication between brokers, the log and its cleanup each have a
//! file here; this one holds the state they share.

pub mod cleaner;
mod fetch;
pub mod log;
mod metadata;
mod produce;
mod replication;

use crate::engine::sorted::VecMap;
use std::collections::VecDeque;

use crate::engine::broker::log::{PartitionLog, SegmentSettings};
use crate::engine::errors::ErrorCode;
use crate::engine::ids::{BrokerId, Offset, TopicPartition};
use crate::engine::network::{Node, PartitionMetadata};
use crate::engine::record::ProducerStamp;
use crate::engine::time::SimTime;
use crate::engine::{Simulation, Timer};

/// Batches of one idempotent producer the broker remembers per partition
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const PRODUCER_BATCHES_RETAINED: usize = 5;

/// What a broker believes about a partition: pushed by the controller, stale while isolated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionView {
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub isr: Vec<BrokerId>,
}

/// What a leader knows of one follower (Kafka's `Replica` state on the leader).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower's log end, learned from the offset it last fetched from; `None` until its
    /// first fetch to this leader (Kafka's `UnknownOffset`).
    pub log_end_offset: Option<Offset>,
    /// `lastCaughtUpTimeMs`.
    pub last_caught_up: SimTime,
    pub last_fetch_at: SimTime,
    /// The leader's log end when that fetch arrived (`lastFetchLeaderLogEndOffset`).
    pub leader_end_at_last_fetch: Offset,
}

impl FollowerProgress {
    /// `Replica.updateFetchStateOrThrow`: a fetch from at least the leader's log end means
    /// the follower was caught up now; a fetch from at least the leader's log end as of the
    /// previous fetch means it was caught up then. Either way `lastCaughtUpTimeMs` only moves
    /// forward.
    pub fn record_fetch(&mut self, fetch_offset: Offset, leader_end: Offset, now: SimTime) {
        if fetch_offset >= leader_end {
            self.last_caught_up = self.last_caught_up.max(now);
        } else if fetch_offset >= self.leader_end_at_last_fetch {
            self.last_caught_up = self.last_caught_up.max(self.last_fetch_at);
        }
        self.log_end_offset = Some(fetch_offset);
        self.leader_end_at_last_fetch = self.leader_end_at_last_fetch.max(leader_end);
        self.last_fetch_at = now;
    }

    /// `Replica.isCaughtUp`: the follower's log end equals the leader's, or it was caught up
    /// within `replica.lag.time.max.ms`. So a live follower of an idle partition stays in sync
    /// however slowly it fetches, and a follower that falls behind leaves once it has not been
    /// caught up for that long.
    pub fn is_caught_up(&self, leader_end: Offset, now: SimTime, lag_max_ms: u64) -> bool {
        self.log_end_offset == Some(leader_end) || now.since(self.last_caught_up) <= lag_max_ms
    }
}

/// An idempotent producer's state in one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerEntry {
    pub producer_epoch: u16,
    pub last_sequence: i32,
    /// `(first sequence, last sequence, base offset)` of the latest batches.
    pub recent: VecDeque<(i32, i32, Offset)>,
}

/// One replica of a partition on a broker.
#[derive(Clone, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub view: PartitionView,
    /// Followers' progress, kept while this replica leads.
    pub followers: VecMap<BrokerId, FollowerProgress>,
    pub producers: VecMap<u64, ProducerEntry>,
}

impl Replica {
    pub fn new(settings: SegmentSettings, now: SimTime) -> Self {
        Replica {
            log: PartitionLog::new(settings, now),
            view: PartitionView::default(),
            followers: VecMap::new(),
            producers: VecMap::new(),
        }
    }

    /// Rebuilds the idempotent producers' state from the log (after truncation or retention),
    /// as a Kafka broker does when it loads a log.
    pub fn rebuild_producer_state(&mut self) {
        self.producers.clear();
        let batches: Vec<(ProducerStamp, usize, Offset)> = self
            .log
            .batches()
            .filter_map(|b| b.producer.map(|s| (s, b.len(), b.base_offset)))
            .collect();
        for (stamp, count, base) in batches {
            record_producer_batch(&mut self.producers, stamp, count, base);
        }
    }
}

pub(in crate::engine) fn record_producer_batch(
    producers: &mut VecMap<u64, ProducerEntry>,
    stamp: ProducerStamp,
    count: usize,
    base_offset: Offset,
) {
    let last = stamp.last_sequence(count);
    let entry = producers.entry(stamp.producer_id).or_insert(ProducerEntry {
        producer_epoch: stamp.producer_epoch,
        last_sequence: -1,
        recent: VecDeque::new(),
    });
    if stamp.producer_epoch > entry.producer_epoch {
        entry.recent.clear();
    }
    entry.producer_epoch = stamp.producer_epoch;
    entry.last_sequence = last;
    entry
        .recent
        .push_back((stamp.base_sequence, last, base_offset));
    while entry.recent.len() > PRODUCER_BATCHES_RETAINED {
        entry.recent.pop_front();
    }
}

/// A consumer fetch's size and wait limits, as the request carries them.
#[derive(Clone, Copy, Debug)]
pub struct FetchLimits {
    pub max_bytes: u32,
    pub max_partition_bytes: u32,
    pub max_wait_ms: u64,
}

/// A consumer fetch that found no data and waits for up to `fetch.max.wait.ms`.
#[derive(Clone, Debug)]
pub struct ParkedFetch {
    pub from: Node,
    pub correlation_id: u64,
    pub partitions: Vec<(TopicPartition, Offset)>,
    pub max_bytes: u32,
    pub max_partition_bytes: u32,
}

/// A follower fetch that found nothing new and waits up to `replica.fetch.wait.max.ms`.
#[derive(Clone, Debug)]
pub struct ParkedReplicaFetch {
    pub follower: BrokerId,
    pub correlation_id: u64,
    pub partitions: Vec<crate::engine::network::ReplicaFetchPartition>,
}

/// An `acks=all` produce waiting for the high watermark to pass its batches.
#[derive(Clone, Debug)]
pub struct PendingProduce {
    pub from: Node,
    pub correlation_id: u64,
    /// Each partition's result so far, and the offset the high watermark must reach.
    pub parts: Vec<(TopicPartition, Result<Offset, ErrorCode>, Option<Offset>)>,
}

/// A broker's state.
#[derive(Clone, Debug)]
pub struct BrokerState {
    pub id: BrokerId,
    /// The process is running.
    pub up: bool,
    /// The controller has fenced it: it leads nothing until it registers again.
    pub fenced: bool,
    /// Bumped at every crash and restart, so timers of an earlier life are ignored.
    pub incarnation: u64,
    pub replicas: VecMap<TopicPartition, Replica>,
    pub(in crate::engine) parked_fetches: VecMap<u64, ParkedFetch>,
    pub(in crate::engine) pending_produces: VecMap<u64, PendingProduce>,
    pub(in crate::engine) parked_replica_fetches: VecMap<u64, ParkedReplicaFetch>,
    pub(in crate::engine) next_wait_id: u64,
    /// This broker's follower fetch sessions, by leader: the in-flight correlation id.
    pub(in crate::engine) fetchers: VecMap<BrokerId, Option<u64>>,
    pub(in crate::engine) next_correlation_id: u64,
    /// This broker's copy of the cluster's metadata, by topic, as the controller last
    /// published it (in KRaft every broker caches the metadata log): what it answers a client's
    /// Metadata request with. It goes stale while the controller cannot reach the broker.
    pub metadata_image: VecMap<String, Vec<PartitionMetadata>>,
}

impl BrokerState {
    pub fn new(id: BrokerId) -> Self {
        BrokerState {
            id,
            up: true,
            fenced: false,
            incarnation: 0,
            replicas: VecMap::new(),
            parked_fetches: VecMap::new(),
            pending_produces: VecMap::new(),
            parked_replica_fetches: VecMap::new(),
            next_wait_id: 0,
            fetchers: VecMap::new(),
            next_correlation_id: 0,
            metadata_image: VecMap::new(),
        }
    }

    /// Partitions this broker leads, by its own view.
    pub fn leads(&self, tp: &TopicPartition) -> bool {
        self.replicas
            .get(tp)
            .is_some_and(|r| r.view.leader == Some(self.id))
    }
}

impl Simulation {
    /// The controller told `broker` who leads `tp` now.
    pub(in crate::engine) fn apply_partition_view(
        &mut self,
        broker: BrokerId,
        tp: &TopicPartition,
        view: PartitionView,
        now: SimTime,
    ) {
        let Some(state) = self.brokers.get_mut(&broker) else {
            return;
        };
        let Some(replica) = state.replicas.get_mut(tp) else {
            return;
        };
        let old = std::mem::replace(&mut replica.view, view.clone());
        let leads_now = view.leader == Some(broker);
        let led_before = old.leader == Some(broker) && old.leader_epoch == view.leader_epoch;
        if leads_now && !led_before {
            replica.log.start_epoch(view.leader_epoch);
            let end = replica.log.log_end_offset();
            replica.followers = self.topics[&*tp.topic].partitions[tp.partition as usize]
                .replicas
                .iter()
                .filter(|b| **b != broker)
                .map(|b| {
                    (
                        *b,
                        FollowerProgress {
                            log_end_offset: None,
                            last_caught_up: now,
                            last_fetch_at: now,
                            leader_end_at_last_fetch: end,
                        },
                    )
                })
                .collect::<VecMap<_, _>>();
        }
        if !leads_now {
            replica.followers.clear();
        }
        if let Some(leader) = view.leader.filter(|l| *l != broker) {
            self.ensure_fetcher(broker, leader);
        }
        self.maybe_advance_high_watermark(broker, tp);
        self.check_pending_produces(broker);
    }

    pub(in crate::engine) fn start_broker_timers(&mut self, broker: BrokerId) {
        let incarnation = self.brokers[&broker].incarnation;
        let isr_interval = (self.broker_config.replica_lag_time_max_ms / 2).max(1);
        self.schedule_timer(
            self.now.plus_ms(isr_interval),
            Timer::IsrExpiration(broker, incarnation),
        );
        if incarnation == 0 {
            let retention = self.broker_config.log_retention_check_interval_ms.max(1);
            let cleaner = self.broker_config.log_cleaner_backoff_ms.max(1);
            self.schedule_timer(self.now.plus_ms(retention), Timer::RetentionCheck(broker));
            self.schedule_timer(self.now.plus_ms(cleaner), Timer::CleanerCheck(broker));
        }
    }
}
