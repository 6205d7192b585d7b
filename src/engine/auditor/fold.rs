//! Folding settled records out of the auditor's table, so that what it keeps follows what the
//! logs keep rather than the length of the run ([`Auditor::fold_settled`]).
//!
//! The auditor keeps a row per record and each reader a delivery count per record, indexed by
//! record id. A record's row can change nothing any more once its fate is settled: the
//! producer was told it was written (at an offset), and every replica of its partition has
//! since removed it by retention or compaction, so no reader can read it again, no election
//! can lose it, and its producer will not send it again. Such a record is counted into exact
//! totals ([`Tally`]) and its row goes. Rows leave in whole chunks from the front of the table
//! (a chunk is folded when nearly all of it is settled); the few rows of a folded chunk that
//! are not settled yet (an `acks=0` record, whose offset nobody learns; a record whose only
//! copy a compacted log still keeps) stay, by id, in a small side table.

use super::incremental::Tally;
use super::{Auditor, RecordAudit, NEVER, NO_PARTITION};
use crate::engine::ids::{RecordId, TopicPartition};
use crate::engine::shared_vec::CHUNK_LEN;
use crate::engine::sorted::VecMap;
use crate::engine::time::SimTime;

/// A chunk is folded when at most this many of its rows are not settled: those stay as
/// strays, so strays are at most this share of the records (one in sixteen), and in the runs
/// that matter (retention deleting whole segments) there are none.
const UNSETTLED_PER_CHUNK_MAX: usize = CHUNK_LEN / 16;

/// What folding took out of the auditor's table.
#[derive(Clone, Debug, Default)]
pub(super) struct Folded {
    /// Ids below this have no row in the table: folded, or kept in `strays`.
    pub(super) below: u64,
    /// The counts of the folded records, as a report counts them.
    pub(super) tally: Tally,
    /// Rows below `below` that were not settled when their chunk was folded.
    /// Folding goes up the ids, so strays are added at the end of the map.
    pub(super) strays: VecMap<u64, RecordAudit>,
}

impl Auditor {
    /// The row of a record, if it has one (not folded).
    pub(super) fn row(&self, id: RecordId) -> Option<&RecordAudit> {
        match id.0.checked_sub(self.folded.below) {
            Some(index) => self.records.get(index as usize),
            None => self.folded.strays.get(&id.0),
        }
    }

    /// How many rows the table keeps, strays included.
    pub fn rows_kept(&self) -> usize {
        self.records.len() + self.folded.strays.len()
    }

    /// Every row with its record's id, in id order.
    pub(super) fn rows(&self) -> impl Iterator<Item = (RecordId, &RecordAudit)> + '_ {
        let below = self.folded.below;
        self.folded
            .strays
            .iter()
            .map(|(id, audit)| (RecordId(*id), audit))
            .chain(
                self.records
                    .iter()
                    .enumerate()
                    .map(move |(index, audit)| (RecordId(below + index as u64), audit)),
            )
    }

    /// The counts over every record of the run: the rows and the folded totals.
    pub(super) fn tally_of_run(&self) -> Tally {
        let mut tally = self.folded.tally.clone();
        for (_, audit) in self.rows() {
            count_row(&mut tally, audit);
        }
        tally
    }

    /// Folds settled records out of the table. `log_start` gives, for a partition, the lowest
    /// log start offset among all its replicas (`None` if it has none). Only whole chunks at
    /// the front are folded, and never the newest chunk, which is still being written.
    pub fn fold_settled(&mut self, log_start: impl Fn(&TopicPartition) -> Option<u64>) {
        if self.bulk {
            return;
        }
        let mut starts: Vec<Option<Option<u64>>> = vec![None; self.partitions.len()];
        let mut start_of = |partition: u32| -> Option<u64> {
            let slot = starts.get_mut(partition as usize)?;
            *slot.get_or_insert_with(|| log_start(&self.partitions[partition as usize]))
        };
        while self.records.len() > CHUNK_LEN {
            let settled: Vec<bool> = self
                .records
                .iter()
                .take(CHUNK_LEN)
                .map(|audit| is_settled(audit, &mut start_of))
                .collect();
            if settled.iter().filter(|s| !**s).count() > UNSETTLED_PER_CHUNK_MAX {
                return;
            }
            let below = self.folded.below;
            for (index, (audit, settled)) in self.records.iter().zip(&settled).enumerate() {
                let id = below + index as u64;
                if *settled {
                    count_row(&mut self.folded.tally, audit);
                } else {
                    self.folded.strays.insert(id, audit.clone());
                }
            }
            for (index, settled) in settled.iter().enumerate() {
                let id = below + index as u64;
                for reader in self.readers.values_mut() {
                    let count = reader.delivered.get(index).copied().unwrap_or(0);
                    if !*settled && count > 0 {
                        reader.stray_delivered.insert(id, count);
                    }
                }
                if *settled {
                    if let Some(incremental) = self.incremental.as_deref_mut() {
                        incremental.losses.forget(RecordId(id));
                    }
                }
            }
            self.records.drop_front(CHUNK_LEN);
            for reader in self.readers.values_mut() {
                reader.delivered.drop_front(CHUNK_LEN);
            }
            self.folded.below += CHUNK_LEN as u64;
        }
    }
}

/// Whether nothing can change a record's row any more (see the module's comment). A record
/// appended more than once (a retry without idempotence) is left alone: its copies may sit at
/// offsets other than the acknowledged one.
fn is_settled(audit: &RecordAudit, log_start: &mut impl FnMut(u32) -> Option<u64>) -> bool {
    if audit.partition == NO_PARTITION || !audit.removed_by_policy || audit.appends > 1 {
        return false;
    }
    match audit.acknowledgement() {
        Some(Some(offset)) => log_start(audit.partition).is_some_and(|start| offset.0 < start),
        _ => false,
    }
}

/// Adds one record's row to counts, as the full report counts it.
pub(super) fn count_row(tally: &mut Tally, audit: &RecordAudit) {
    if audit.first_delivery_ms != NEVER {
        tally.count_delivery(SimTime::from_ms(audit.first_delivery_ms).since(audit.sent_at));
    }
    if audit.partition == NO_PARTITION {
        return;
    }
    tally.produced += 1;
    tally.acknowledged += u64::from(audit.acknowledgement().is_some());
    if let Some(error) = audit.failed {
        tally.count_failure(None, error);
    }
}
