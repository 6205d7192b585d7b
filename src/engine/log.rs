//! A partition's append-only log.

use serde::{Deserialize, Serialize};

use super::ids::Offset;
use super::record::{Record, StoredRecord};
use super::time::SimTime;

/// One replica's log of one partition.
///
/// Invariant: `log_start_offset <= high_watermark <= log_end_offset`, and the stored records
/// have consecutive offsets from `log_start_offset` to `log_end_offset - 1`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PartitionLog {
    records: Vec<StoredRecord>,
    log_start_offset: u64,
    high_watermark: u64,
}

impl PartitionLog {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn log_start_offset(&self) -> Offset {
        Offset(self.log_start_offset)
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        Offset(self.log_start_offset + self.records.len() as u64)
    }

    /// The first offset not yet known to be replicated to every in-sync replica; consumers
    /// read only below it.
    pub fn high_watermark(&self) -> Offset {
        Offset(self.high_watermark)
    }

    pub fn records(&self) -> &[StoredRecord] {
        &self.records
    }

    /// Appends a record at the log end and returns its offset. Offsets are assigned here and
    /// only here, which is what makes them unique within the partition.
    pub fn append(&mut self, record: Record, now: SimTime) -> Offset {
        let offset = self.log_end_offset();
        self.records.push(StoredRecord {
            offset,
            record,
            appended_at: now,
        });
        offset
    }

    /// Moves the high watermark forward to `offset`; it never moves back and never passes the
    /// log end. Returns whether it moved.
    pub fn advance_high_watermark(&mut self, offset: Offset) -> bool {
        let target = offset.0.min(self.log_end_offset().0);
        if target > self.high_watermark {
            self.high_watermark = target;
            true
        } else {
            false
        }
    }

    /// Records from `from` up to (not including) the high watermark, at most `max_records`.
    pub fn read_committed_from(&self, from: Offset, max_records: usize) -> &[StoredRecord] {
        if from.0 < self.log_start_offset || from.0 >= self.high_watermark {
            return &[];
        }
        let start = (from.0 - self.log_start_offset) as usize;
        let end = (self.high_watermark - self.log_start_offset) as usize;
        let end = end.min(start + max_records);
        &self.records[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::{ProducerId, RecordId};

    fn record(n: u64) -> Record {
        Record {
            id: RecordId(n),
            producer: ProducerId(0),
            key: None,
            value: n.to_string(),
            created_at: SimTime::ZERO,
        }
    }

    #[test]
    fn offsets_are_consecutive_and_reads_stop_at_the_high_watermark() {
        let mut log = PartitionLog::new();
        assert_eq!(log.append(record(1), SimTime::ZERO), Offset(0));
        assert_eq!(log.append(record(2), SimTime::ZERO), Offset(1));
        assert!(log.read_committed_from(Offset(0), 10).is_empty());
        assert!(log.advance_high_watermark(Offset(1)));
        assert_eq!(log.read_committed_from(Offset(0), 10).len(), 1);
        assert!(
            !log.advance_high_watermark(Offset(0)),
            "the high watermark never moves back"
        );
        assert!(log.advance_high_watermark(Offset(99)));
        assert_eq!(log.high_watermark(), Offset(2), "capped at the log end");
    }
}
