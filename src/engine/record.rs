//! Records as a producer creates them and as a partition's log stores them.

use serde::{Deserialize, Serialize};

use super::ids::{Offset, ProducerId, RecordId};
use super::time::SimTime;

/// A record as the producer built it. `id` is the auditor's identity for it; Kafka has no such
/// field, but it lets every later event name the record it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: RecordId,
    pub producer: ProducerId,
    /// `None` is a null key, which is not the same as an empty key (zero bytes).
    pub key: Option<String>,
    pub value: String,
    pub created_at: SimTime,
}

/// A record in a partition's log, with the offset the leader gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    pub offset: Offset,
    pub record: Record,
    pub appended_at: SimTime,
}
