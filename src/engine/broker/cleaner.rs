//! Retention (`cleanup.policy=delete`) and compaction (`cleanup.policy=compact`) of one log,
//! following `UnifiedLog.deleteOldSegments` and `LogCleaner`.

use crate::engine::sorted::VecMap;
use std::sync::Arc;

use crate::engine::broker::log::PartitionLog;
use crate::engine::config::{CleanupPolicy, TopicConfig};
use crate::engine::event::EventKind;
use crate::engine::ids::BrokerId;
use crate::engine::ids::Offset;
use crate::engine::ids::TopicPartition;
use crate::engine::record::{Record, RecordBatch, SharedBatch};
use crate::engine::shared_vec::SharedVec;
use crate::engine::time::SimTime;
use crate::engine::timer::Timer;
use crate::engine::Simulation;

/// Deletes the oldest segments that time or size retention allow, as a prefix, and returns the
/// batches removed. Only segments entirely below the high watermark can go.
pub fn apply_retention(
    log: &mut PartitionLog,
    config: &TopicConfig,
    now: SimTime,
) -> Vec<SharedBatch> {
    if config.cleanup_policy != CleanupPolicy::Delete {
        return Vec::new();
    }
    let high_watermark = log.high_watermark();
    let log_end = log.log_end_offset();
    let mut size_excess: i64 = if config.retention_bytes >= 0 {
        log.size_bytes() as i64 - config.retention_bytes
    } else {
        i64::MIN
    };
    let segments = log.segments();
    let mut delete_count = 0;
    for (index, segment) in segments.iter().enumerate() {
        if segment.batches.is_empty() {
            break;
        }
        let upper_bound = segments
            .get(index + 1)
            .map_or(log_end, |next| next.base_offset);
        if upper_bound > high_watermark {
            break;
        }
        let expired_by_time = config.retention_ms >= 0
            && now.since(segment.largest_timestamp) > config.retention_ms as u64;
        let over_size = config.retention_bytes >= 0 && size_excess - segment.size_bytes as i64 >= 0;
        if !(expired_by_time || over_size) {
            break;
        }
        if over_size {
            size_excess -= segment.size_bytes as i64;
        }
        delete_count += 1;
    }
    if delete_count == 0 {
        return Vec::new();
    }
    if delete_count == log.segments().len() {
        // Deleting the active segment: roll an empty one first so the base offset stays at
        // the log end.
        log.roll_empty_active_segment(now);
    }
    let removed: Vec<SharedBatch> = log
        .segments_mut()
        .drain(..delete_count)
        .flat_map(|mut segment| segment.batches.take_all())
        .collect();
    let new_start = log.segments()[0].base_offset;
    log.raise_log_start_offset(new_start);
    removed
}

/// What one cleaning removed.
#[derive(Debug, Default)]
pub struct CompactionOutcome {
    /// Records superseded by a later record with the same key, null-key records and expired
    /// tombstones, with their offsets.
    pub removed: Vec<(Offset, Record)>,
    pub cleaned: bool,
}

/// Compacts the log if its dirty ratio is above `min.cleanable.dirty.ratio`: keeps the latest
/// record per key below the first uncleanable offset, keeps offsets (gaps appear), stamps kept
/// tombstones with a delete horizon and drops those whose horizon has passed.
pub fn compact(log: &mut PartitionLog, config: &TopicConfig, now: SimTime) -> CompactionOutcome {
    if config.cleanup_policy != CleanupPolicy::Compact {
        return CompactionOutcome::default();
    }
    let active_base = log.segments().last().map_or(Offset(0), |s| s.base_offset);
    let first_uncleanable = active_base.min(log.high_watermark());
    let checkpoint = log.cleaner_checkpoint.max(log.log_start_offset());
    if first_uncleanable <= checkpoint {
        return CompactionOutcome::default();
    }

    let Some(latest) = latest_offsets_if_dirty(log, checkpoint, first_uncleanable, config) else {
        return CompactionOutcome::default();
    };

    let mut removed = Vec::new();
    let horizon = now.plus_ms(config.delete_retention_ms);
    for segment in log.segments_mut().iter_mut() {
        if segment.base_offset >= first_uncleanable {
            break;
        }
        let mut kept_batches = SharedVec::new();
        for batch in segment.batches.take_all() {
            let mut kept: Vec<(Offset, Record)> = Vec::new();
            for (offset, record) in batch.iter_with_offsets() {
                let keep = match &record.key {
                    None => false,
                    Some(key) => {
                        let superseded = latest.get(key).is_some_and(|l| offset < *l);
                        let tombstone_expired = record.value.is_none()
                            && batch.delete_horizon.is_some_and(|h| now >= h);
                        !superseded && !tombstone_expired
                    }
                };
                if keep {
                    kept.push((offset, record.clone()));
                } else {
                    removed.push((offset, record.clone()));
                }
            }
            let has_tombstone = |records: &[Record]| records.iter().any(|r| r.value.is_none());
            if kept.len() == batch.len() {
                let mut batch = batch;
                if batch.delete_horizon.is_none() && has_tombstone(&batch.records) {
                    // The only change a stored batch ever sees; a batch the other replicas
                    // share is copied first, so their horizons stay their own.
                    Arc::make_mut(&mut batch).delete_horizon = Some(horizon);
                }
                kept_batches.push(batch);
                continue;
            }
            // Offsets are kept, so each survivor of a thinned batch becomes a batch of its own.
            for (offset, record) in kept {
                let tombstone = record.value.is_none();
                kept_batches.push(Arc::new(RecordBatch::new(
                    offset,
                    batch.leader_epoch,
                    batch.producer,
                    Arc::from(vec![record]),
                    batch.appended_at,
                    tombstone.then(|| batch.delete_horizon.unwrap_or(horizon)),
                )));
            }
        }
        segment.size_bytes = kept_batches.iter().map(|b| u64::from(b.size_bytes())).sum();
        segment.batches = kept_batches;
    }
    // Empty cleaned segments go, but the active segment always stays.
    let segments = log.segments_mut();
    let last = segments.len() - 1;
    let mut index = 0;
    segments.retain(|s| {
        let keep = index == last || !s.batches.is_empty();
        index += 1;
        keep
    });
    log.cleaner_checkpoint = first_uncleanable;
    CompactionOutcome {
        removed,
        cleaned: true,
    }
}

/// The last offset of every key in the cleanable part of the log, if that part is dirty
/// enough to clean: more than `min.cleanable.dirty.ratio` of it written since the last clean.
fn latest_offsets_if_dirty(
    log: &PartitionLog,
    checkpoint: Offset,
    first_uncleanable: Offset,
    config: &TopicConfig,
) -> Option<VecMap<Arc<str>, Offset>> {
    let mut clean_bytes: u64 = 0;
    let mut dirty_bytes: u64 = 0;
    let mut latest: VecMap<Arc<str>, Offset> = VecMap::new();
    for batch in log.batches() {
        if batch.base_offset >= first_uncleanable {
            break;
        }
        let size = u64::from(batch.size_bytes());
        if batch.base_offset < checkpoint {
            clean_bytes += size;
            continue;
        }
        dirty_bytes += size;
        for (offset, record) in batch.iter_with_offsets() {
            if let Some(key) = &record.key {
                latest.insert(key.clone(), offset);
            }
        }
    }
    let total = clean_bytes + dirty_bytes;
    // Kafka compares with a strict `>`.
    if total == 0
        || dirty_bytes * 100 <= total * u64::from(config.min_cleanable_dirty_ratio_percent)
    {
        return None;
    }
    Some(latest)
}

impl Simulation {
    /// `log.retention.check.interval.ms`: every replica on the broker applies retention.
    pub(in crate::engine) fn on_retention_check(&mut self, broker: BrokerId) {
        self.for_each_replica_log(broker, |sim, tp, replica_log, config, now| {
            let removed = apply_retention(replica_log, config, now);
            if !removed.is_empty() {
                let count = removed.iter().map(|b| b.len()).sum::<usize>();
                sim.auditor.on_removed_by_policy(
                    tp,
                    removed.iter().flat_map(|b| b.records.iter().map(|r| r.id)),
                );
                sim.emit(EventKind::SegmentsDeleted {
                    broker,
                    partition: tp.clone(),
                    records: count as u64,
                    log_start_offset: replica_log.log_start_offset(),
                });
            }
        });
        let interval = self.broker_config.log_retention_check_interval_ms;
        self.schedule_timer(self.now.plus_ms(interval), Timer::RetentionCheck(broker));
    }

    /// `log.cleaner.backoff.ms`: the cleaner compacts every dirty enough compacted log.
    pub(in crate::engine) fn on_cleaner_check(&mut self, broker: BrokerId) {
        self.for_each_replica_log(broker, |sim, tp, replica_log, config, now| {
            let outcome = compact(replica_log, config, now);
            if outcome.cleaned {
                sim.auditor
                    .on_removed_by_policy(tp, outcome.removed.iter().map(|(_, r)| r.id));
                sim.emit(EventKind::LogCompacted {
                    broker,
                    partition: tp.clone(),
                    records_removed: outcome.removed.len() as u64,
                });
            }
        });
        let interval = self.broker_config.log_cleaner_backoff_ms;
        self.schedule_timer(self.now.plus_ms(interval), Timer::CleanerCheck(broker));
    }

    fn for_each_replica_log(
        &mut self,
        broker: BrokerId,
        mut action: impl FnMut(
            &mut Simulation,
            &TopicPartition,
            &mut PartitionLog,
            &crate::engine::config::TopicConfig,
            SimTime,
        ),
    ) {
        if !self.brokers.get(&broker).is_some_and(|s| s.up) {
            return;
        }
        let partitions: Vec<TopicPartition> =
            self.brokers[&broker].replicas.keys().cloned().collect();
        let now = self.now;
        for tp in partitions {
            let Some(config) = self.topics.get(&*tp.topic).map(|t| t.config.clone()) else {
                continue;
            };
            let Some(mut replica) = self
                .brokers
                .get_mut(&broker)
                .and_then(|s| s.replicas.remove(&tp))
            else {
                continue;
            };
            let producers_before = replica.log.log_start_offset();
            action(self, &tp, &mut replica.log, &config, now);
            if replica.log.log_start_offset() != producers_before {
                replica.rebuild_producer_state();
            }
            if let Some(state) = self.brokers.get_mut(&broker) {
                state.replicas.insert(tp, replica);
            }
        }
    }
}
