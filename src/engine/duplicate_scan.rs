//! Duplicate appends in the leaders' logs, counted as the logs grow: what
//! [`Simulation::audit_incremental`](super::Simulation::audit_incremental) reports as
//! `duplicates_in_log` without reading every log from its start at every report.

use crate::engine::sorted::VecMap;

use super::auditor::LeaderLog;
use super::ids::{Offset, TopicPartition};
use super::shared_vec::SharedVec;
use super::PartitionLog;

/// Which record ids the leaders' logs hold (one bit each), how far each log was read, and
/// the duplicates found. Appends are read from where the last scan stopped; a log that is not
/// the one scanned (a new leader, records removed or rewritten) makes the next scan start
/// over, which is rare (elections, truncation, retention and compaction).
#[derive(Clone, Debug, Default)]
pub(crate) struct DuplicateScan {
    /// One bit per record id, set once a leader log holds the record. Shared between copies of
    /// the simulation (snapshots) until written, like the auditor's tables.
    seen: SharedVec<u64>,
    /// Per partition: the leader log scanned and the offset the scan reached.
    scanned: VecMap<TopicPartition, (LeaderLog, Offset)>,
    duplicates: u64,
}

impl DuplicateScan {
    /// Brings the count up to date with `partitions` (each with its leader's log, if any) and
    /// returns it. `record_ids` is the number of ids handed out so far.
    pub(crate) fn update<'a>(
        &mut self,
        partitions: impl Iterator<Item = (TopicPartition, LeaderLog, Option<&'a PartitionLog>)> + Clone,
        record_ids: u64,
    ) -> u64 {
        let same = partitions.clone().count() == self.scanned.len()
            && partitions.clone().all(|(tp, now, _)| {
                self.scanned.get(&tp).is_some_and(|(then, _)| {
                    then.leader == now.leader && now.log_end_offset >= then.log_end_offset
                })
            });
        if !same {
            *self = DuplicateScan::default();
        }
        let words = record_ids.div_ceil(64) as usize;
        if self.seen.len() < words {
            self.seen.grow_to(words, 0);
        }
        for (tp, now, log) in partitions {
            let from = self
                .scanned
                .get(&tp)
                .map_or(Offset(0), |(_, offset)| *offset);
            if let Some(log) = log {
                for (_, record) in log.records_from(from) {
                    let id = record.id.0;
                    if id >= record_ids {
                        continue;
                    }
                    let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
                    if self.seen[word] & bit != 0 {
                        self.duplicates += 1;
                    } else {
                        self.seen[word] |= bit;
                    }
                }
            }
            self.scanned.insert(tp, (now, Offset(now.log_end_offset)));
        }
        self.duplicates
    }
}
