//! One replica's log of one partition: segments of record batches, the log start offset, the
//! high watermark and the leader epoch cache. Retention and compaction live in `cleaner.rs`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::ids::Offset;
use crate::engine::record::{ProducerStamp, Record, RecordBatch, SharedBatch, SharedRecords};
use crate::engine::shared_vec::SharedVec;
use crate::engine::time::SimTime;

/// A segment: a file in Kafka, named by its base offset. Only the last one takes appends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub base_offset: Offset,
    /// Shared between the copies of a simulation (the sandbox's snapshots) until one of them
    /// writes: see [`SharedVec`].
    pub batches: SharedVec<SharedBatch>,
    pub size_bytes: u64,
    pub created_at: SimTime,
    /// The newest append time in the segment (Kafka's largest timestamp).
    pub largest_timestamp: SimTime,
}

impl Segment {
    fn new(base_offset: Offset, now: SimTime) -> Self {
        Segment {
            base_offset,
            batches: SharedVec::new(),
            size_bytes: 0,
            created_at: now,
            largest_timestamp: now,
        }
    }

    pub fn record_count(&self) -> usize {
        self.batches.iter().map(|batch| batch.len()).sum()
    }
}

/// How segments roll.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentSettings {
    pub segment_bytes: u64,
    pub segment_ms: u64,
}

/// Invariants: `log_start_offset <= high_watermark <= log_end_offset`; batches are in offset
/// order and never overlap; offsets are never reused; the log start only moves forward.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PartitionLog {
    segments: Vec<Segment>,
    log_start_offset: u64,
    log_end_offset: u64,
    high_watermark: u64,
    /// The leader epoch cache: each epoch and the first offset written in it, ascending.
    epochs: Vec<(u32, Offset)>,
    settings: SegmentSettings,
    /// Compaction's checkpoint: everything below it has been cleaned.
    pub(in crate::engine) cleaner_checkpoint: Offset,
    /// When the log was created, and how many times records below its end were removed or
    /// rewritten since (truncation, retention, compaction). Appends change neither, so while
    /// both stay the same every offset the log held still holds the same record: the
    /// incremental audit checks again only the logs whose [`LogIdentity`] changed.
    #[serde(default)]
    created_at: SimTime,
    #[serde(default)]
    rewrites: u64,
}

/// See [`PartitionLog::identity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogIdentity {
    pub created_at: SimTime,
    pub rewrites: u64,
}

impl PartitionLog {
    pub fn new(settings: SegmentSettings, now: SimTime) -> Self {
        PartitionLog {
            segments: vec![Segment::new(Offset(0), now)],
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
            epochs: Vec::new(),
            settings,
            cleaner_checkpoint: Offset(0),
            created_at: now,
            rewrites: 0,
        }
    }

    /// Which log this is and how often records below its end changed: equal identities (and
    /// a log end no lower) mean every offset below the earlier log end holds the same record.
    pub fn identity(&self) -> LogIdentity {
        LogIdentity {
            created_at: self.created_at,
            rewrites: self.rewrites,
        }
    }

    /// New `segment.bytes` and `segment.ms`, for the segments rolled from now on.
    pub fn set_segment_settings(&mut self, settings: SegmentSettings) {
        self.settings = settings;
    }

    pub fn log_start_offset(&self) -> Offset {
        Offset(self.log_start_offset)
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        Offset(self.log_end_offset)
    }

    pub fn high_watermark(&self) -> Offset {
        Offset(self.high_watermark)
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size_bytes).sum()
    }

    /// Every batch, oldest first.
    pub fn batches(&self) -> impl Iterator<Item = &RecordBatch> {
        self.segments
            .iter()
            .flat_map(|s| s.batches.iter().map(|batch| &**batch))
    }

    /// Every record with its offset, oldest first.
    pub fn records(&self) -> impl Iterator<Item = (Offset, &Record)> {
        self.batches().flat_map(RecordBatch::iter_with_offsets)
    }

    /// The records at `from` and after, with their offsets, oldest first.
    pub fn records_from(&self, from: Offset) -> impl Iterator<Item = (Offset, &Record)> {
        let first_segment = self
            .segments
            .partition_point(|s| s.base_offset <= from)
            .saturating_sub(1);
        self.segments[first_segment..]
            .iter()
            .flat_map(move |segment| {
                let first_batch = segment
                    .batches
                    .partition_point(|b| b.base_offset <= from)
                    .saturating_sub(1);
                segment.batches.iter_from(first_batch)
            })
            .flat_map(|batch| batch.iter_with_offsets())
            .filter(move |(offset, _)| *offset >= from)
    }

    pub fn record_count(&self) -> usize {
        self.segments.iter().map(Segment::record_count).sum()
    }

    /// The record at `offset`, if the log holds it.
    pub fn record_at(&self, offset: Offset) -> Option<&Record> {
        let batch = self.batch_containing(offset)?;
        batch.records.get((offset.0 - batch.base_offset.0) as usize)
    }

    fn batch_containing(&self, offset: Offset) -> Option<&RecordBatch> {
        let segment_index = self
            .segments
            .partition_point(|s| s.base_offset <= offset)
            .checked_sub(1)?;
        let segment = &self.segments[segment_index];
        let batch_index = segment
            .batches
            .partition_point(|b| b.base_offset <= offset)
            .checked_sub(1)?;
        let batch: &RecordBatch = &segment.batches[batch_index];
        (offset < batch.next_offset()).then_some(batch)
    }

    // The leader epoch cache.

    pub fn latest_epoch(&self) -> Option<u32> {
        self.epochs.last().map(|(epoch, _)| *epoch)
    }

    pub fn epochs(&self) -> &[(u32, Offset)] {
        &self.epochs
    }

    /// Records that a new leader epoch starts at the log end (a new leader's first act).
    pub fn start_epoch(&mut self, epoch: u32) {
        if self.latest_epoch().is_none_or(|latest| epoch > latest) {
            self.epochs.push((epoch, self.log_end_offset()));
        }
    }

    /// The first offset of `epoch`, if this log has it.
    pub fn epoch_start_offset(&self, epoch: u32) -> Option<Offset> {
        self.epochs
            .iter()
            .find(|(e, _)| *e == epoch)
            .map(|(_, start)| *start)
    }

    /// Kafka's `LeaderEpochFileCache.endOffsetFor`: for a follower's last epoch `epoch`, the
    /// largest epoch here that is `<= epoch`, and its end offset (the start of the next higher
    /// epoch, or the log end if it is the latest). `None` if no such epoch exists.
    pub fn end_offset_for_epoch(&self, epoch: u32) -> Option<(u32, Offset)> {
        let index = self
            .epochs
            .partition_point(|(e, _)| *e <= epoch)
            .checked_sub(1)?;
        let found = self.epochs[index].0;
        let end = self
            .epochs
            .get(index + 1)
            .map_or(self.log_end_offset(), |(_, start)| *start);
        Some((found, end))
    }

    // Writes.

    /// Appends records as the leader of `epoch` and returns the batch's base offset. Offsets
    /// are assigned here and only here, which is what makes them unique in the partition.
    pub fn append_as_leader(
        &mut self,
        records: SharedRecords,
        epoch: u32,
        producer: Option<ProducerStamp>,
        now: SimTime,
    ) -> Offset {
        let base_offset = self.log_end_offset();
        self.append_batch(Arc::new(RecordBatch::new(
            base_offset,
            epoch,
            producer,
            records,
            now,
            None,
        )));
        base_offset
    }

    /// Appends a batch copied from the leader, keeping its offsets and epoch. A batch that does
    /// not start at or after the log end is a bug in the caller and is ignored.
    pub fn append_replicated(&mut self, batch: SharedBatch) {
        if batch.base_offset < self.log_end_offset() || batch.is_empty() {
            return;
        }
        self.append_batch(batch);
    }

    fn append_batch(&mut self, batch: SharedBatch) {
        let size = u64::from(batch.size_bytes());
        let now = batch.appended_at;
        if self
            .epochs
            .last()
            .is_none_or(|(e, _)| batch.leader_epoch > *e)
        {
            self.epochs.push((batch.leader_epoch, batch.base_offset));
        }
        let roll = {
            let active = self
                .segments
                .last()
                .expect("a log always has an active segment");
            !active.batches.is_empty()
                && (active.size_bytes + size > self.settings.segment_bytes
                    || now.since(active.created_at) >= self.settings.segment_ms)
        };
        if roll {
            self.segments.push(Segment::new(batch.base_offset, now));
        }
        let active = self.segments.last_mut().expect("active segment");
        if active.batches.is_empty() {
            active.base_offset = batch.base_offset;
            active.created_at = now;
        }
        active.size_bytes += size;
        active.largest_timestamp = active.largest_timestamp.max(now);
        self.log_end_offset = batch.next_offset().0;
        active.batches.push(batch);
    }

    /// Moves the high watermark forward to `offset` (capped at the log end); it never moves
    /// back. Returns whether it moved.
    pub fn advance_high_watermark(&mut self, offset: Offset) -> bool {
        let target = offset.0.min(self.log_end_offset);
        if target > self.high_watermark {
            self.high_watermark = target;
            true
        } else {
            false
        }
    }

    /// Removes everything at and above `offset` (a follower truncating to its leader) and
    /// returns the removed batches. The high watermark follows the log end down if needed.
    pub fn truncate_to(&mut self, offset: Offset) -> Vec<SharedBatch> {
        let offset = Offset(offset.0.max(self.log_start_offset));
        if offset >= self.log_end_offset() {
            return Vec::new();
        }
        self.rewrites += 1;
        let mut removed = Vec::new();
        while let Some(segment) = self.segments.last_mut() {
            while segment
                .batches
                .last()
                .is_some_and(|b| b.next_offset() > offset)
            {
                let batch = segment.batches.pop().expect("checked");
                segment.size_bytes -= u64::from(batch.size_bytes());
                if batch.base_offset < offset {
                    // Keep the part of the batch below the truncation point.
                    let keep = (offset.0 - batch.base_offset.0) as usize;
                    let kept = batch
                        .with_records(batch.base_offset, Arc::new(batch.records[..keep].to_vec()));
                    let dropped =
                        batch.with_records(offset, Arc::new(batch.records[keep..].to_vec()));
                    segment.size_bytes += u64::from(kept.size_bytes());
                    segment.batches.push(Arc::new(kept));
                    removed.push(Arc::new(dropped));
                    break;
                }
                removed.push(batch);
            }
            let drop_segment = segment.batches.is_empty() && segment.base_offset >= offset;
            if drop_segment && self.segments.len() > 1 {
                self.segments.pop();
            } else {
                break;
            }
        }
        self.log_end_offset = offset.0;
        self.high_watermark = self.high_watermark.min(offset.0);
        self.epochs.retain(|(_, start)| *start < offset);
        if self.segments.last().is_some_and(|s| s.batches.is_empty()) {
            let last = self.segments.last_mut().expect("checked");
            last.base_offset = offset;
        }
        self.cleaner_checkpoint = self.cleaner_checkpoint.min(offset);
        removed.reverse();
        removed
    }

    /// Empties the log and starts it again at `offset`: what a follower does when its log ends
    /// below its leader's log start (Kafka's `truncateFullyAndStartAt`, after the leader
    /// answered `OFFSET_OUT_OF_RANGE`), since the records it lacks are gone from the leader.
    /// Returns the removed batches.
    pub fn truncate_fully_and_start_at(
        &mut self,
        offset: Offset,
        now: SimTime,
    ) -> Vec<SharedBatch> {
        self.rewrites += 1;
        let removed = std::mem::take(&mut self.segments)
            .into_iter()
            .flat_map(|mut segment| segment.batches.take_all())
            .collect();
        self.segments = vec![Segment::new(offset, now)];
        self.log_start_offset = offset.0;
        self.log_end_offset = offset.0;
        self.high_watermark = offset.0;
        self.epochs.clear();
        self.cleaner_checkpoint = offset;
        removed
    }

    /// Batches that hold offsets in `from..until`, at most about `max_records` records, for a
    /// fetch. Whole batches are returned, as Kafka does; the reader skips records before `from`.
    pub fn read(&self, from: Offset, until: Offset, max_records: usize) -> Vec<SharedBatch> {
        let mut out = Vec::new();
        if from >= until || from.0 < self.log_start_offset {
            return out;
        }
        let mut count = 0;
        let first_segment = self
            .segments
            .partition_point(|s| s.base_offset <= from)
            .saturating_sub(1);
        for segment in &self.segments[first_segment..] {
            let first_batch = segment.batches.partition_point(|b| b.next_offset() <= from);
            for batch in segment.batches.iter_from(first_batch) {
                if batch.base_offset >= until || count >= max_records {
                    return out;
                }
                let end = batch.next_offset().min(until);
                let start = batch.base_offset.max(from);
                count += (end.0 - start.0) as usize;
                out.push(batch.clone());
            }
        }
        out
    }

    /// Like [`PartitionLog::read`], limited by size: batches until `max_bytes` is reached, and
    /// always at least one.
    pub fn read_bytes(&self, from: Offset, until: Offset, max_bytes: u64) -> Vec<SharedBatch> {
        let mut out = Vec::new();
        if from >= until || from.0 < self.log_start_offset {
            return out;
        }
        let mut size = 0u64;
        let first_segment = self
            .segments
            .partition_point(|s| s.base_offset <= from)
            .saturating_sub(1);
        for segment in &self.segments[first_segment..] {
            let first_batch = segment.batches.partition_point(|b| b.next_offset() <= from);
            for batch in segment.batches.iter_from(first_batch) {
                if batch.base_offset >= until || (!out.is_empty() && size >= max_bytes) {
                    return out;
                }
                size += u64::from(batch.size_bytes());
                out.push(batch.clone());
            }
        }
        out
    }

    // Used by retention and compaction (cleaner.rs).

    pub(in crate::engine) fn segments_mut(&mut self) -> &mut Vec<Segment> {
        // Whoever takes the segments may remove or rewrite records.
        self.rewrites += 1;
        &mut self.segments
    }

    /// Raises the log start offset (retention, DeleteRecords); it never goes back.
    pub(in crate::engine) fn raise_log_start_offset(&mut self, offset: Offset) {
        self.rewrites += 1;
        self.log_start_offset = self.log_start_offset.max(offset.0.min(self.high_watermark));
    }

    pub(in crate::engine) fn roll_empty_active_segment(&mut self, now: SimTime) {
        let end = self.log_end_offset();
        self.segments.push(Segment::new(end, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::{ProducerId, RecordId};

    fn records(ids: std::ops::Range<u64>) -> SharedRecords {
        ids.map(|n| {
            Record::new(
                RecordId(n),
                ProducerId(0),
                None,
                Some(n.to_string().as_str().into()),
                SimTime::ZERO,
            )
        })
        .collect::<Vec<_>>()
        .into()
    }

    fn log() -> PartitionLog {
        PartitionLog::new(
            SegmentSettings {
                segment_bytes: 200,
                segment_ms: u64::MAX,
            },
            SimTime::ZERO,
        )
    }

    #[test]
    fn offsets_are_consecutive_and_the_high_watermark_never_goes_back() {
        let mut log = log();
        assert_eq!(
            log.append_as_leader(records(0..2), 0, None, SimTime::ZERO),
            Offset(0)
        );
        assert_eq!(
            log.append_as_leader(records(2..5), 0, None, SimTime::ZERO),
            Offset(2)
        );
        assert_eq!(log.log_end_offset(), Offset(5));
        assert!(log.advance_high_watermark(Offset(3)));
        assert!(!log.advance_high_watermark(Offset(1)));
        assert!(log.advance_high_watermark(Offset(99)));
        assert_eq!(log.high_watermark(), Offset(5));
        assert_eq!(log.record_at(Offset(3)).unwrap().id, RecordId(3));
    }

    #[test]
    fn segments_roll_at_segment_bytes() {
        let mut log = log();
        for n in 0..10 {
            log.append_as_leader(records(n * 3..n * 3 + 3), 0, None, SimTime::ZERO);
        }
        assert!(log.segments().len() > 1);
        for pair in log.segments().windows(2) {
            assert!(pair[0].base_offset < pair[1].base_offset);
            assert_eq!(
                pair[0].batches.last().unwrap().next_offset(),
                pair[1].base_offset
            );
        }
    }

    #[test]
    fn truncation_splits_a_batch_and_forgets_later_epochs() {
        let mut log = log();
        log.append_as_leader(records(0..3), 0, None, SimTime::ZERO);
        log.append_as_leader(records(3..6), 1, None, SimTime::ZERO);
        assert_eq!(log.end_offset_for_epoch(0), Some((0, Offset(3))));
        let removed = log.truncate_to(Offset(2));
        let removed_ids: Vec<u64> = removed
            .iter()
            .flat_map(|b| b.records.iter().map(|r| r.id.0))
            .collect();
        assert_eq!(removed_ids, [2, 3, 4, 5]);
        assert_eq!(log.log_end_offset(), Offset(2));
        assert_eq!(log.latest_epoch(), Some(0));
        assert_eq!(
            log.append_as_leader(records(9..10), 2, None, SimTime::ZERO),
            Offset(2)
        );
    }

    #[test]
    fn reads_return_whole_batches_from_the_one_holding_the_offset() {
        let mut log = log();
        log.append_as_leader(records(0..3), 0, None, SimTime::ZERO);
        log.append_as_leader(records(3..6), 0, None, SimTime::ZERO);
        let read = log.read(Offset(4), Offset(6), 100);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].base_offset, Offset(3));
        assert!(log.read(Offset(6), Offset(6), 100).is_empty());
    }
}
