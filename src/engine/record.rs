//! Records as a producer creates them, and record batches as a log stores them.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ids::{Offset, ProducerId, RecordId};
use super::time::SimTime;

/// A record's value. Text typed by a user or a scenario is kept as text; a workload's values
/// are `<producer>-<n>` and are only rendered when someone looks, so bulk traffic allocates
/// nothing per record for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    Text(Arc<str>),
    Generated { producer: u32, sequence: u64 },
}

impl Payload {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Payload::Text(text) => std::borrow::Cow::Borrowed(text),
            Payload::Generated { producer, sequence } => {
                std::borrow::Cow::Owned(format!("{producer}-{sequence}"))
            }
        }
    }

    /// Its length in bytes, as it would be serialized.
    pub fn len(&self) -> usize {
        match self {
            Payload::Text(text) => text.len(),
            Payload::Generated { producer, sequence } => {
                decimal_digits(u64::from(*producer)) + 1 + decimal_digits(*sequence)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_payload_lengths_match_their_text() {
        for sequence in [0, 9, 10, 99, 100, 123_456, u64::MAX] {
            let payload = Payload::Generated {
                producer: 12,
                sequence,
            };
            assert_eq!(payload.len(), payload.text().len());
        }
    }

    #[test]
    fn decimal_digits_counts_every_digit_around_each_power_of_ten() {
        let mut values = vec![0, 1, u64::MAX, u64::MAX - 1];
        for power in POWERS_OF_TEN {
            values.extend([power - 1, power, power + 1, power.saturating_mul(2)]);
        }
        values.extend((0..200_000).map(|n| n * 7_919));
        for value in values {
            assert_eq!(decimal_digits(value), value.to_string().len(), "{value}");
        }
    }
}

impl From<&str> for Payload {
    fn from(text: &str) -> Self {
        Payload::Text(Arc::from(text))
    }
}

/// Every power of ten a `u64` holds.
const POWERS_OF_TEN: [u64; 20] = {
    let mut powers = [1u64; 20];
    let mut index = 1;
    while index < 20 {
        powers[index] = powers[index - 1] * 10;
        index += 1;
    }
    powers
};

/// The number of decimal digits of `value` (1 for 0). Every generated record asks, so this
/// avoids `ilog10`'s chain of divisions: the bit length gives the digit count or one less
/// (`1233 / 4096` is just above `log10(2)`), and one comparison decides. `value | 1` has the
/// same digits (only an even number changes, and a power of ten minus one is odd) and makes 0
/// count as one digit.
fn decimal_digits(value: u64) -> usize {
    let value = value | 1;
    let bits = 64 - value.leading_zeros() as usize;
    let lower = (bits * 1233) >> 12;
    lower + usize::from(value >= POWERS_OF_TEN[lower])
}

/// A record as the producer built it. `id` is the auditor's identity for it: Kafka has no such
/// field, but it lets every later event and the audit name the record they are about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: RecordId,
    pub producer: ProducerId,
    /// `None` is a null key, which is not the same as an empty key (zero bytes).
    pub key: Option<Arc<str>>,
    /// `None` is a null value: a tombstone on a compacted topic.
    pub value: Option<Payload>,
    pub created_at: SimTime,
    /// What the application set beyond key and value: its own timestamp and headers. Shared,
    /// and absent for most records, so bulk traffic pays one pointer for it.
    pub extras: Option<Arc<RecordExtras>>,
    /// Computed once by [`Record::new`]: batches, segments and retention all ask for it.
    size_bytes: u32,
}

/// A `ProducerRecord`'s timestamp and headers, when the application gave them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordExtras {
    /// The record's CreateTime in milliseconds, as the application set it; without one the
    /// producer stamps its send time.
    pub timestamp_ms: Option<i64>,
    /// Headers in the order the application added them (a key may repeat, as in Kafka).
    pub headers: Vec<(Arc<str>, Arc<str>)>,
}

impl RecordExtras {
    /// The bytes the extras add to a record: the headers' keys and values with about 2 bytes
    /// of varint framing each.
    fn size_bytes(&self) -> usize {
        self.headers
            .iter()
            .map(|(key, value)| 2 + key.len() + value.len())
            .sum()
    }
}

impl Record {
    pub fn new(
        id: RecordId,
        producer: ProducerId,
        key: Option<Arc<str>>,
        value: Option<Payload>,
        created_at: SimTime,
    ) -> Self {
        // Kafka's varint framing is about 7 bytes, plus the key and the value.
        let size_bytes = (7
            + key.as_ref().map_or(0, |k| k.len())
            + value.as_ref().map_or(0, Payload::len)) as u32;
        Record {
            id,
            producer,
            key,
            value,
            created_at,
            extras: None,
            size_bytes,
        }
    }

    /// The record with the application's timestamp and headers (none given leaves it as it
    /// was).
    pub fn with_extras(mut self, extras: RecordExtras) -> Self {
        if extras == RecordExtras::default() {
            return self;
        }
        self.size_bytes += extras.size_bytes() as u32;
        self.extras = Some(Arc::new(extras));
        self
    }

    /// The record's CreateTime in milliseconds: the application's, or the time `send()` was
    /// called.
    pub fn timestamp_ms(&self) -> i64 {
        self.extras
            .as_ref()
            .and_then(|e| e.timestamp_ms)
            .unwrap_or(self.created_at.as_ms() as i64)
    }

    /// The timestamp the application set, if it set one.
    pub fn given_timestamp_ms(&self) -> Option<i64> {
        self.extras.as_ref().and_then(|e| e.timestamp_ms)
    }

    /// The record's headers, in order.
    pub fn headers(&self) -> &[(Arc<str>, Arc<str>)] {
        self.extras.as_ref().map_or(&[], |e| &e.headers)
    }

    /// The record's size in a batch, for `batch.size`, `segment.bytes` and `retention.bytes`.
    pub fn size_bytes(&self) -> u32 {
        self.size_bytes
    }

    /// The value as text; a tombstone shows as `null`, as Kafka's console consumer prints it.
    pub fn value_text(&self) -> std::borrow::Cow<'_, str> {
        self.value
            .as_ref()
            .map_or(std::borrow::Cow::Borrowed("null"), Payload::text)
    }
}

/// The idempotent producer's stamp on a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStamp {
    pub producer_id: u64,
    pub producer_epoch: u16,
    pub base_sequence: i32,
}

impl ProducerStamp {
    pub fn last_sequence(&self, record_count: usize) -> i32 {
        // Sequences wrap from i32::MAX to 0, as in Kafka.
        ((i64::from(self.base_sequence) + record_count as i64 - 1) % (i64::from(i32::MAX) + 1))
            as i32
    }
}

/// The fixed part of a record batch header in Kafka's format (v2), in bytes.
pub const BATCH_OVERHEAD_BYTES: u32 = 61;

/// A batch's records, shared by every copy of the batch (requests, replicas, fetches, logs). A
/// `Vec` behind the `Arc` rather than a slice, so sealing a producer's batch moves its records
/// in rather than copying them: the copy cost a tenth of a bulk run.
pub type SharedRecords = Arc<Vec<Record>>;

/// A batch as logs, fetch responses and replicas hold it: one allocation that the leader's log,
/// every follower's log and every response carrying it share. A one-record batch is about 80
/// bytes; three replicas holding their own copies made it most of what a retained record
/// costs in memory. Compaction, the only thing that changes a stored batch (its delete
/// horizon), copies it first if it is shared (`Arc::make_mut`).
pub type SharedBatch = Arc<RecordBatch>;

/// A batch of records with consecutive offsets from `base_offset`. The records are shared
/// (`Arc`), so copying a batch to a follower or into a fetch response costs no allocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBatch {
    pub base_offset: Offset,
    /// The leader epoch of the leader that appended it.
    pub leader_epoch: u32,
    pub producer: Option<ProducerStamp>,
    pub records: SharedRecords,
    /// When the leader appended it; the segment's timestamp for time retention.
    pub appended_at: SimTime,
    /// Set by the first compaction that keeps a tombstone batch: it may go after this time.
    pub delete_horizon: Option<SimTime>,
    /// The batch's size, computed once: logs, fetches and retention ask for it often.
    size_bytes: u32,
}

impl RecordBatch {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn last_offset(&self) -> Offset {
        Offset(self.base_offset.0 + self.records.len().max(1) as u64 - 1)
    }

    /// The offset after this batch.
    pub fn next_offset(&self) -> Offset {
        Offset(self.base_offset.0 + self.records.len() as u64)
    }

    /// A batch of `records` starting at `base_offset`.
    pub fn new(
        base_offset: Offset,
        leader_epoch: u32,
        producer: Option<ProducerStamp>,
        records: SharedRecords,
        appended_at: SimTime,
        delete_horizon: Option<SimTime>,
    ) -> Self {
        let size_bytes = BATCH_OVERHEAD_BYTES + records.iter().map(Record::size_bytes).sum::<u32>();
        RecordBatch {
            base_offset,
            leader_epoch,
            producer,
            records,
            appended_at,
            delete_horizon,
            size_bytes,
        }
    }

    /// The same batch with fewer records (truncation keeps a prefix or drops a suffix).
    pub fn with_records(&self, base_offset: Offset, records: SharedRecords) -> Self {
        RecordBatch::new(
            base_offset,
            self.leader_epoch,
            self.producer,
            records,
            self.appended_at,
            self.delete_horizon,
        )
    }

    pub fn size_bytes(&self) -> u32 {
        self.size_bytes
    }

    /// Each record with its offset.
    pub fn iter_with_offsets(&self) -> impl Iterator<Item = (Offset, &Record)> {
        let base = self.base_offset.0;
        self.records
            .iter()
            .enumerate()
            .map(move |(index, record)| (Offset(base + index as u64), record))
    }
}
