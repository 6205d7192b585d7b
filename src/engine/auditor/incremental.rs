//! The auditor's incremental report: the counts kept up to date per event, and losses
//! checked again only where something changed, so a page can show the audit several times a
//! second however long the run ([`Auditor::report_incremental`]).

use crate::engine::sorted::VecMap;

use super::{lost_at, AuditReport, Auditor, LatencySummary};
use crate::engine::broker::log::LogIdentity;
use crate::engine::errors::ErrorCode;
use crate::engine::ids::{BrokerId, Offset, RecordId, TopicPartition};

#[derive(Clone, Debug, Default)]
pub(super) struct Incremental {
    pub(super) tally: Tally,
    pub(super) losses: LossCache,
}

/// The counts of a report, kept up to date as records are sent, acknowledged, failed and
/// delivered, so a report does not walk every record of the run to count them.
#[derive(Clone, Debug, Default)]
pub(super) struct Tally {
    pub(super) produced: u64,
    pub(super) acknowledged: u64,
    pub(super) failed: u64,
    failed_by_error: VecMap<&'static str, u64>,
    /// End-to-end latencies (send to first delivery) in ms, with how many records took each:
    /// the exact percentiles of the run, in room that grows with distinct values only.
    latencies_ms: VecMap<u64, u64>,
    delivered: u64,
}

/// What the incremental report keeps of acknowledged-then-lost records between reports.
///
/// Whether an acknowledged record is lost depends on the current leader's log at its offset.
/// That answer changes only when the partition's leader changes or its leader's log has
/// records removed or rewritten below its end (truncation, retention, compaction); appends
/// never change it. So a report checks again only the records acknowledged (or touched) since
/// the last one, and every record of a partition whose leader log changed.
#[derive(Clone, Debug, Default)]
pub(super) struct LossCache {
    /// Records to check at the next report.
    pub(super) recheck: Vec<RecordId>,
    /// Per partition index: its leader log when last checked, `None` before the first check.
    checked: Vec<Option<LeaderLog>>,
    /// The lost records found, with the offset they were acknowledged at (`u64::MAX` for
    /// `acks=0`).
    lost: VecMap<RecordId, u64>,
}

/// A partition's leader log as the incremental report saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderLog {
    /// The leader and its log's identity (`None` while the partition has no leader).
    pub leader: Option<(BrokerId, LogIdentity)>,
    /// The log's end when seen: an end lower than an earlier one means records went away.
    pub log_end_offset: u64,
}

impl Auditor {
    /// The same report as [`Auditor::report`], built from what is kept up to date per event:
    /// the counts and latencies from the tally, and the losses by checking again only the
    /// records touched since the last report and the partitions whose leader log changed
    /// (`leader_log` says what each partition's leader log is now). Its cost follows what
    /// happened since the last report, not the length of the run.
    pub fn report_incremental(
        &mut self,
        leader_log: impl Fn(&TopicPartition) -> LeaderLog,
        record_at: impl Fn(&TopicPartition, Offset) -> Option<Option<RecordId>>,
        lag: VecMap<String, VecMap<String, u64>>,
        duplicates_in_log: u64,
    ) -> AuditReport {
        if self.incremental.is_none() {
            self.incremental = Some(Box::new(self.first_tally()));
        }
        self.update_losses(leader_log, &record_at);
        let incremental = self.incremental.as_deref().expect("made above");
        let tally = &incremental.tally;
        let mut report = AuditReport {
            lag,
            duplicates_in_log,
            produced: tally.produced,
            acknowledged: tally.acknowledged,
            failed: tally.failed,
            failed_by_error: tally.failed_by_error_names(),
            end_to_end_latency: tally.latency_summary(),
            ..AuditReport::default()
        };
        report.acknowledged_then_lost = incremental
            .losses
            .lost
            .iter()
            .map(|(id, offset)| self.lost_record(*id, Offset(*offset)))
            .collect();
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

    fn update_losses(
        &mut self,
        leader_log: impl Fn(&TopicPartition) -> LeaderLog,
        record_at: &impl Fn(&TopicPartition, Offset) -> Option<Option<RecordId>>,
    ) {
        // Taken out while the rows are read, and put back at the end.
        let mut incremental = self.incremental.take().expect("made");
        let losses = &mut incremental.losses;
        losses.checked.resize(self.partitions.len(), None);
        // Partitions whose leader log is not the one last checked, or lost records below its
        // old end: every record of theirs is checked again.
        let mut changed = vec![false; self.partitions.len()];
        for (index, partition) in self.partitions.iter().enumerate() {
            let now = leader_log(partition);
            let same = losses.checked[index].is_some_and(|then| {
                then.leader == now.leader && now.log_end_offset >= then.log_end_offset
            });
            changed[index] = !same;
            losses.checked[index] = Some(now);
        }
        let recheck = std::mem::take(&mut losses.recheck);
        let check = |losses: &mut LossCache, id: RecordId| {
            losses.lost.remove(&id);
            let Some(audit) = self.row(id) else {
                return;
            };
            let Some(partition) = self.partitions.get(audit.partition as usize) else {
                return;
            };
            let Some(acknowledged) = audit.acknowledgement() else {
                return;
            };
            if audit.removed_by_policy {
                return;
            }
            if let Some(offset) = lost_at(audit, id, partition, acknowledged, record_at) {
                losses.lost.insert(id, offset.0);
            }
        };
        if changed.iter().any(|c| *c) {
            for (id, audit) in self.rows() {
                if changed.get(audit.partition as usize) == Some(&true) {
                    check(losses, id);
                }
            }
        }
        for id in recheck {
            check(losses, id);
        }
        self.incremental = Some(incremental);
    }

    /// The tally of the run so far, counted once over every record: where the incremental
    /// report starts from.
    fn first_tally(&self) -> Incremental {
        let tally = self.tally_of_run();
        // No partition has been checked yet, so the first report checks every record.
        Incremental {
            tally,
            losses: LossCache::default(),
        }
    }

    /// Marks a record's loss to be checked again at the next incremental report.
    pub(super) fn recheck(&mut self, id: RecordId) {
        if let Some(incremental) = self.incremental.as_deref_mut() {
            incremental.losses.recheck.push(id);
        }
    }
}

impl LossCache {
    /// Drops what is known of a record folded away ([`Auditor::fold_settled`]): a settled
    /// record is not lost.
    pub(super) fn forget(&mut self, id: RecordId) {
        self.lost.remove(&id);
    }
}

impl Tally {
    /// Failures by error name, leaving out errors no record has any more.
    pub(super) fn failed_by_error_names(&self) -> VecMap<String, u64> {
        self.failed_by_error
            .iter()
            .filter(|(_, count)| **count > 0)
            .map(|(name, count)| ((*name).to_owned(), *count))
            .collect::<VecMap<_, _>>()
    }

    /// A record's failure, replacing the one it had (`before`), if any.
    pub(super) fn count_failure(&mut self, before: Option<ErrorCode>, error: ErrorCode) {
        match before {
            Some(previous) => {
                if let Some(count) = self.failed_by_error.get_mut(previous.name()) {
                    *count = count.saturating_sub(1);
                }
            }
            None => self.failed += 1,
        }
        *self.failed_by_error.entry(error.name()).or_insert(0) += 1;
    }

    pub(super) fn count_delivery(&mut self, latency_ms: u64) {
        *self.latencies_ms.entry(latency_ms).or_insert(0) += 1;
        self.delivered += 1;
    }

    /// Percentiles by nearest rank, as [`Auditor::report`] takes them from the sorted list.
    pub(super) fn latency_summary(&self) -> LatencySummary {
        if self.delivered == 0 {
            return LatencySummary::default();
        }
        let last = self.delivered - 1;
        let rank = |q: f64| (last as f64 * q).round() as u64;
        let (p50, p99) = (rank(0.50), rank(0.99));
        let (mut p50_ms, mut p99_ms) = (None, None);
        let mut seen = 0u64;
        for (&latency_ms, &count) in &self.latencies_ms {
            seen += count;
            if p50_ms.is_none() && seen > p50 {
                p50_ms = Some(latency_ms);
            }
            if p99_ms.is_none() && seen > p99 {
                p99_ms = Some(latency_ms);
            }
        }
        LatencySummary {
            count: self.delivered,
            p50_ms: p50_ms.unwrap_or(0),
            p99_ms: p99_ms.unwrap_or(0),
            max_ms: self.latencies_ms.keys().next_back().copied().unwrap_or(0),
        }
    }
}
