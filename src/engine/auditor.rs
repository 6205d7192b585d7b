//! The auditor rides along with every run. Each record has an identity from the moment the
//! application sends it; the auditor follows it (appended, replicated, acknowledged, passed by
//! the high watermark, delivered, truncated, removed by retention or compaction) and reports
//! what a Kafka user would want to know: acknowledged records that were lost and why,
//! duplicates, reordering per key, end-to-end latency and lag.

use crate::engine::sorted::VecMap;
use std::sync::Arc;

use serde::Serialize;

use super::errors::ErrorCode;
use super::ids::{BrokerId, Offset, RecordId, TopicPartition};
use super::phases::ElectionKind;
use super::record::Record;
use super::shared_vec::SharedVec;
use super::time::SimTime;

const NO_PARTITION: u32 = u32::MAX;
const NOT_ACKNOWLEDGED: u64 = u64::MAX;
const ACKNOWLEDGED_WITHOUT_OFFSET: u64 = u64::MAX - 1;
const NEVER: u64 = u64::MAX;

/// What the auditor knows of one record. One of these exists per record of a run, so it is
/// kept small (56 bytes): sentinels stand in for `Option`s, and the partition is an index into
/// the auditor's table.
#[derive(Clone, Debug)]
struct RecordAudit {
    producer: u32,
    /// Index into `Auditor::partitions`, or `NO_PARTITION` for an id never sent.
    partition: u32,
    /// A 64-bit FNV-1a hash of the key (0 without a key): enough to tell keys apart for
    /// reordering, and much cheaper to compare than the key on every delivery.
    key_hash: u64,
    sent_at: SimTime,
    /// The acknowledged offset, `ACKNOWLEDGED_WITHOUT_OFFSET` for `acks=0`, or
    /// `NOT_ACKNOWLEDGED`.
    acknowledged: u64,
    acknowledged_at: SimTime,
    /// When a reader first got it, in ms, or `NEVER`.
    first_delivery_ms: u64,
    failed: Option<ErrorCode>,
    /// Leader appends of this record.
    appends: u16,
    removed_by_policy: bool,
    truncated: bool,
}

impl Default for RecordAudit {
    fn default() -> Self {
        RecordAudit {
            producer: 0,
            partition: NO_PARTITION,
            key_hash: 0,
            sent_at: SimTime::ZERO,
            acknowledged: NOT_ACKNOWLEDGED,
            acknowledged_at: SimTime::ZERO,
            first_delivery_ms: NEVER,
            failed: None,
            appends: 0,
            removed_by_policy: false,
            truncated: false,
        }
    }
}

impl RecordAudit {
    /// The producer's callback: `Some(Some(offset))`, or `Some(None)` for `acks=0`.
    fn acknowledgement(&self) -> Option<Option<Offset>> {
        match self.acknowledged {
            NOT_ACKNOWLEDGED => None,
            ACKNOWLEDGED_WITHOUT_OFFSET => Some(None),
            offset => Some(Some(Offset(offset))),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Election {
    pub at: SimTime,
    pub leader: BrokerId,
    pub leader_epoch: u32,
    pub unclean: bool,
}

/// One acknowledged record that is gone.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LostRecord {
    pub record: RecordId,
    pub partition: String,
    /// The offset the producer was told, or -1 for `acks=0`, which never learns one (Kafka's
    /// `RecordMetadata.offset()` is -1 then).
    pub offset: i64,
    pub reason: String,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LatencySummary {
    pub count: u64,
    pub p50_ms: u64,
    pub p99_ms: u64,
    pub max_ms: u64,
}

/// The audit of a run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AuditReport {
    pub produced: u64,
    pub acknowledged: u64,
    pub failed: u64,
    pub failed_by_error: VecMap<String, u64>,
    pub acknowledged_then_lost: Vec<LostRecord>,
    /// Extra copies of records in the current leaders' logs (retries without idempotence).
    pub duplicates_in_log: u64,
    /// Per reader (group or standalone consumer): deliveries beyond the first.
    pub duplicates_delivered: VecMap<String, u64>,
    /// Per reader: records of one key from one producer delivered out of send order.
    pub reordered_per_key: VecMap<String, u64>,
    /// From `send()` to the first delivery to any reader.
    pub end_to_end_latency: LatencySummary,
    /// Per reader and partition: high watermark minus committed offset (or position).
    pub lag: VecMap<String, VecMap<String, u64>>,
}

/// Per reader: deliveries, and the last send order seen per (producer, key).
#[derive(Clone, Debug, Default)]
struct ReaderAudit {
    /// Deliveries per record, indexed by record id (ids are dense from 0).
    delivered: SharedVec<u16>,
    duplicates: u64,
    reordered: u64,
    last_sent_per_key: LastSentTable,
    /// Deliveries of records folded with their chunk while not settled ([`fold`]), by id.
    stray_delivered: VecMap<u64, u16>,
}

#[derive(Clone, Debug, Default)]
pub struct Auditor {
    /// Shared between the copies of a simulation until one of them writes ([`SharedVec`]),
    /// like each reader's `delivered`: these tables grow with the run.
    records: SharedVec<RecordAudit>,
    elections: VecMap<TopicPartition, Vec<Election>>,
    readers: VecMap<String, ReaderAudit>,
    /// The partitions records went to, indexed by `RecordAudit::partition`.
    partitions: Vec<TopicPartition>,
    /// The topic of the latest record, and its partitions' indexes by partition number.
    last_topic: Option<Arc<str>>,
    last_topic_partitions: Vec<u32>,
    /// What the incremental report keeps up to date per event ([`Auditor::report_incremental`]),
    /// from its first report on: a run nobody asks incremental reports of (the command line,
    /// the benchmarks) pays nothing for it.
    incremental: Option<Box<Incremental>>,
    /// Set for a bulk run ([`Auditor::stop_following_records`]): no record is followed, so
    /// nothing here grows with the run; elections are still noted.
    bulk: bool,
    /// Settled records taken out of `records` and the readers' tables ([`fold`]): `records`
    /// starts at id `folded.below`.
    folded: fold::Folded,
}

mod fold;
mod incremental;
use incremental::Incremental;
pub use incremental::LeaderLog;

impl Auditor {
    /// Stops following records, for a run that pushes millions of them and never asks for an
    /// audit (the pipelines page's peak second): a row per record would hold 56 bytes of
    /// every record of the run. The reports then count nothing.
    pub fn stop_following_records(&mut self) {
        self.bulk = true;
        self.records = SharedVec::default();
        self.folded = fold::Folded::default();
        self.readers.clear();
        self.incremental = None;
    }

    /// A record's audit, created (with every id before it) if it has none yet. Inlined: it is
    /// called for every record at every stage, and almost always finds the entry.
    #[inline]
    fn entry(&mut self, id: RecordId) -> &mut RecordAudit {
        let Some(index) = id.0.checked_sub(self.folded.below) else {
            return self.stray(id);
        };
        let index = index as usize;
        if index >= self.records.len() {
            self.grow_to(index);
        }
        &mut self.records[index]
    }

    #[inline(never)]
    fn grow_to(&mut self, index: usize) {
        self.records.grow_to(index + 1, RecordAudit::default());
    }

    /// The row of a record folded away with its chunk. Settled records get no more events, so
    /// this is one kept as a stray; were it not, a fresh row counts for nothing, since the
    /// counts only take a record once it has a partition, which a folded one already had.
    #[inline(never)]
    fn stray(&mut self, id: RecordId) -> &mut RecordAudit {
        self.folded.strays.entry(id.0).or_default()
    }

    /// The partition's index in the table; the topic name is usually the very same shared
    /// string, so pointer equality answers before any text is compared.
    fn partition_index(&mut self, partition: &TopicPartition) -> u32 {
        // Most records go to one topic: its partitions are looked up by number directly.
        if self
            .last_topic
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t, &partition.topic))
        {
            if let Some(&index) = self.last_topic_partitions.get(partition.partition as usize) {
                if index != NO_PARTITION {
                    return index;
                }
            }
        } else {
            self.last_topic = Some(partition.topic.clone());
            self.last_topic_partitions.clear();
        }
        let index = match self.partitions.iter().position(|p| p == partition) {
            Some(index) => index as u32,
            None => {
                self.partitions.push(partition.clone());
                (self.partitions.len() - 1) as u32
            }
        };
        let slot = partition.partition as usize;
        if slot >= self.last_topic_partitions.len() {
            self.last_topic_partitions.resize(slot + 1, NO_PARTITION);
        }
        self.last_topic_partitions[slot] = index;
        index
    }

    pub fn on_send(&mut self, record: &Record, partition: &TopicPartition) {
        if self.bulk {
            return;
        }
        let partition = self.partition_index(partition);
        let producer = record.producer.0;
        let key_hash = record.key.as_deref().map_or(0, key_hash);
        let sent_at = record.created_at;
        if record.id.0 == self.folded.below + self.records.len() as u64 {
            // Ids are handed out in order, so a new record is almost always the next one: its
            // entry is written once, whole.
            self.records.push(RecordAudit {
                producer,
                partition,
                key_hash,
                sent_at,
                ..RecordAudit::default()
            });
            if let Some(incremental) = self.incremental.as_deref_mut() {
                incremental.tally.produced += 1;
            }
            return;
        }
        let entry = self.entry(record.id);
        let first_send = entry.partition == NO_PARTITION;
        entry.producer = producer;
        entry.partition = partition;
        entry.key_hash = key_hash;
        entry.sent_at = sent_at;
        let (acknowledged, failed) = (entry.acknowledgement().is_some(), entry.failed);
        if let Some(incremental) = self.incremental.as_deref_mut() {
            if first_send {
                // Counted only once the record has a partition, as the full report does.
                incremental.tally.produced += 1;
                incremental.tally.acknowledged += u64::from(acknowledged);
                if let Some(error) = failed {
                    incremental.tally.count_failure(None, error);
                }
            }
            incremental.losses.recheck.push(record.id);
        }
    }

    pub fn on_leader_append(
        &mut self,
        _partition: &TopicPartition,
        _base: Offset,
        records: &[Record],
        _broker: BrokerId,
        _now: SimTime,
    ) {
        if self.bulk {
            return;
        }
        for record in records {
            let entry = self.entry(record.id);
            entry.appends = entry.appends.saturating_add(1);
            // An `acks=0` record's loss depends on its appends, not on an offset.
            let without_offset = entry.acknowledged == ACKNOWLEDGED_WITHOUT_OFFSET;
            if let Some(incremental) = self.incremental.as_deref_mut() {
                if without_offset {
                    incremental.losses.recheck.push(record.id);
                }
            }
        }
    }

    pub fn on_truncated(
        &mut self,
        _partition: &TopicPartition,
        _broker: BrokerId,
        records: &[RecordId],
        _now: SimTime,
    ) {
        if self.bulk {
            return;
        }
        for id in records {
            self.entry(*id).truncated = true;
            self.recheck(*id);
        }
    }

    pub fn on_removed_by_policy(
        &mut self,
        _partition: &TopicPartition,
        records: impl Iterator<Item = RecordId>,
    ) {
        if self.bulk {
            return;
        }
        for id in records {
            self.entry(id).removed_by_policy = true;
            self.recheck(id);
        }
    }

    pub fn note_election(
        &mut self,
        partition: &TopicPartition,
        at: SimTime,
        leader: BrokerId,
        leader_epoch: u32,
        kind: ElectionKind,
    ) {
        self.elections
            .entry(partition.clone())
            .or_default()
            .push(Election {
                at,
                leader,
                leader_epoch,
                unclean: kind == ElectionKind::Unclean,
            });
    }

    pub fn on_acknowledged(
        &mut self,
        records: &[RecordId],
        _partition: &TopicPartition,
        base: Option<Offset>,
        now: SimTime,
    ) {
        if self.bulk {
            return;
        }
        for (index, id) in records.iter().enumerate() {
            let entry = self.entry(*id);
            let newly = entry.acknowledged == NOT_ACKNOWLEDGED && entry.partition != NO_PARTITION;
            entry.acknowledged = base.map_or(ACKNOWLEDGED_WITHOUT_OFFSET, |b| b.0 + index as u64);
            entry.acknowledged_at = now;
            if let Some(incremental) = self.incremental.as_deref_mut() {
                incremental.tally.acknowledged += u64::from(newly);
                incremental.losses.recheck.push(*id);
            }
        }
    }

    pub fn on_failed(&mut self, records: &[RecordId], error: ErrorCode) {
        if self.bulk {
            return;
        }
        for id in records {
            let entry = self.entry(*id);
            let (before, sent) = (entry.failed, entry.partition != NO_PARTITION);
            entry.failed = Some(error);
            if let Some(incremental) = self.incremental.as_deref_mut() {
                if sent {
                    incremental.tally.count_failure(before, error);
                }
            }
        }
    }

    /// `poll()` returned these records to `reader` (a group id or a standalone consumer).
    pub fn on_delivered(&mut self, reader: &str, records: &[RecordId], now: SimTime) {
        if self.bulk {
            return;
        }
        if !self.readers.contains_key(reader) {
            self.readers
                .insert(reader.to_owned(), ReaderAudit::default());
        }
        for &record in records {
            let below = self.folded.below;
            let entry = match record.0.checked_sub(below) {
                Some(index) => {
                    let index = index as usize;
                    if index >= self.records.len() {
                        self.records.grow_to(index + 1, RecordAudit::default());
                    }
                    &mut self.records[index]
                }
                None => self.folded.strays.entry(record.0).or_default(),
            };
            let audit = self.readers.get_mut(reader).expect("inserted");
            if entry.first_delivery_ms == NEVER {
                entry.first_delivery_ms = now.as_ms();
                if let Some(incremental) = self.incremental.as_deref_mut() {
                    incremental.tally.count_delivery(now.since(entry.sent_at));
                }
            }
            let count = match record.0.checked_sub(below) {
                Some(index) => {
                    let index = index as usize;
                    if index >= audit.delivered.len() {
                        audit.delivered.grow_to(index + 1, 0);
                    }
                    &mut audit.delivered[index]
                }
                None => audit.stray_delivered.entry(record.0).or_insert(0),
            };
            *count = count.saturating_add(1);
            if *count > 1 {
                audit.duplicates += 1;
                continue;
            }
            if entry.key_hash != 0 {
                let key_hash = entry.key_hash;
                // Record ids grow in send order per producer, so a smaller id arriving after a
                // larger one of the same key and producer is a reordering.
                let last = audit
                    .last_sent_per_key
                    .slot(mix(u64::from(entry.producer), key_hash), record);
                if record < *last {
                    audit.reordered += 1;
                } else {
                    *last = record;
                }
            }
        }
    }

    /// Elections of a partition, oldest first.
    pub fn elections(&self, partition: &TopicPartition) -> &[Election] {
        self.elections.get(partition).map_or(&[], Vec::as_slice)
    }

    /// Builds the report. `record_at` answers what the partition's current leader holds at an
    /// offset (`None` if the partition has no leader); `lag` is computed by the caller.
    pub fn report(
        &self,
        record_at: impl Fn(&TopicPartition, Offset) -> Option<Option<RecordId>>,
        lag: VecMap<String, VecMap<String, u64>>,
        duplicates_in_log: u64,
    ) -> AuditReport {
        let mut report = AuditReport {
            lag,
            duplicates_in_log,
            ..AuditReport::default()
        };
        let tally = self.tally_of_run();
        report.produced = tally.produced;
        report.acknowledged = tally.acknowledged;
        report.failed = tally.failed;
        report.failed_by_error = tally.failed_by_error_names();
        report.end_to_end_latency = tally.latency_summary();
        for (id, audit) in self.rows() {
            let Some(partition) = self.partitions.get(audit.partition as usize) else {
                continue;
            };
            let Some(acknowledged) = audit.acknowledgement() else {
                continue;
            };
            if audit.removed_by_policy {
                continue;
            }
            if let Some(offset) = lost_at(audit, id, partition, acknowledged, &record_at) {
                report
                    .acknowledged_then_lost
                    .push(self.lost_record(id, offset));
            }
        }
        for (reader, audit) in &self.readers {
            report
                .duplicates_delivered
                .insert(reader.clone(), audit.duplicates);
            report
                .reordered_per_key
                .insert(reader.clone(), audit.reordered);
        }
        report
    }

    fn lost_record(&self, id: RecordId, offset: Offset) -> LostRecord {
        let audit = self
            .row(id)
            .expect("a lost record has a row: it is not settled");
        let partition = &self.partitions[audit.partition as usize];
        LostRecord {
            record: id,
            partition: partition.to_string(),
            offset: if offset.0 == u64::MAX {
                -1
            } else {
                i64::try_from(offset.0).unwrap_or(i64::MAX)
            },
            reason: self.loss_reason(partition, audit),
        }
    }

    fn loss_reason(&self, partition: &TopicPartition, audit: &RecordAudit) -> String {
        let later: Vec<&Election> = self
            .elections(partition)
            .iter()
            .filter(|e| e.at >= audit.acknowledged_at)
            .collect();
        if let Some(unclean) = later.iter().find(|e| e.unclean) {
            return format!(
                "unclean leader election: broker {} became leader (epoch {}) at {} without it",
                unclean.leader.0, unclean.leader_epoch, unclean.at
            );
        }
        if audit.acknowledged == ACKNOWLEDGED_WITHOUT_OFFSET {
            return "acks=0: the producer never learned whether the broker wrote it".to_owned();
        }
        // Neither wording says the old leader has truncated it yet: a leader cut off from its
        // peers (a zombie) still holds the record until it rejoins as a follower.
        if let Some(election) = later.first() {
            return format!(
                "no follower had copied it when broker {} took over (epoch {}) at {}; the old leader drops it when it follows",
                election.leader.0, election.leader_epoch, election.at
            );
        }
        let replaced = self
            .elections(partition)
            .iter()
            .rev()
            .find(|e| e.at < audit.acknowledged_at);
        match replaced {
            Some(election) => format!(
                "acknowledged by a leader already replaced: broker {} had led since {} (epoch {}), so the old leader drops it when it follows",
                election.leader.0, election.at, election.leader_epoch
            ),
            None => "truncated from the leader's log".to_owned(),
        }
    }
}

/// Where an acknowledged record is lost: at its acknowledged offset if the partition's leader
/// holds something else there (or nothing), or `u64::MAX` for an `acks=0` record no leader
/// appended or whose append was truncated away; `None` if it is not lost (or the partition
/// has no leader to ask).
fn lost_at(
    audit: &RecordAudit,
    id: RecordId,
    partition: &TopicPartition,
    acknowledged: Option<Offset>,
    record_at: &impl Fn(&TopicPartition, Offset) -> Option<Option<RecordId>>,
) -> Option<Offset> {
    match acknowledged {
        Some(offset) => match record_at(partition, offset) {
            Some(Some(found)) if found == id => None,
            Some(_) => Some(offset),
            None => None,
        },
        // acks=0: there is no offset to check; it is lost if no leader append happened or the
        // append was truncated away.
        None => (audit.appends == 0 || audit.truncated).then_some(Offset(u64::MAX)),
    }
}

/// FNV-1a over the key's bytes.
fn key_hash(key: &str) -> u64 {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    // 0 means "no key" in `RecordAudit`.
    hash.max(1)
}

/// Combines a producer and a key hash into one table key.
fn mix(producer: u64, key_hash: u64) -> u64 {
    (key_hash ^ producer.wrapping_mul(0x9e37_79b9_7f4a_7c15)).max(1)
}

/// The last record delivered per (producer, key), looked up once per delivery. An
/// open-addressing table keyed by a 64-bit hash: it is never iterated, so its layout cannot
/// leak into any output, and it avoids an ordered map's many comparisons on the hottest path.
#[derive(Clone, Debug, Default)]
struct LastSentTable {
    /// `(key, last record)`; key 0 marks an empty slot. The length is a power of two.
    slots: Vec<(u64, RecordId)>,
    used: usize,
}

impl LastSentTable {
    /// The last record for `key`, inserting `first` if the key is new. Inlined: it runs once
    /// per delivered record.
    #[inline]
    fn slot(&mut self, key: u64, first: RecordId) -> &mut RecordId {
        if (self.used + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut index = (key as usize) & mask;
        loop {
            if self.slots[index].0 == key {
                return &mut self.slots[index].1;
            }
            if self.slots[index].0 == 0 {
                self.slots[index] = (key, first);
                self.used += 1;
                return &mut self.slots[index].1;
            }
            index = (index + 1) & mask;
        }
    }

    #[inline(never)]
    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![(0, RecordId(0)); capacity]);
        self.used = 0;
        for (key, record) in old.into_iter().filter(|(key, _)| *key != 0) {
            *self.slot(key, record) = record;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_sent_table_keeps_one_entry_per_key() {
        let mut table = LastSentTable::default();
        for n in 0..1_000u64 {
            *table.slot(mix(1, n + 1), RecordId(n)) = RecordId(n);
        }
        for n in 0..1_000u64 {
            assert_eq!(*table.slot(mix(1, n + 1), RecordId(u64::MAX)), RecordId(n));
        }
        assert_eq!(table.used, 1_000);
    }
}
