//! What the pictures of the network need from a message and its flight, kept beside the
//! wire format so that no view takes a message apart.

use super::{InFlight, Message, ReplicaFetchResult};
use crate::engine::errors::ErrorCode;
use crate::engine::ids::{Offset, TopicPartition};
use crate::engine::record::Record;
use crate::engine::time::SimTime;

/// What the pictures of the network need from a message, so that no view takes the wire
/// format apart: a protocol change then touches this block, not the UI.
impl Message {
    /// How many records the message carries on the wire: those of a produce request's
    /// batches, of a fetch response's batches (including any records before the fetch offset,
    /// which travel too) and of a replica fetch response's batches. Zero for every other
    /// message.
    pub fn record_count(&self) -> usize {
        match self {
            Message::Produce { batches, .. } => batches.iter().map(|b| b.records.len()).sum(),
            Message::FetchResponse { partitions, .. } => partitions
                .iter()
                .flat_map(|p| &p.batches)
                .map(|batch| batch.len())
                .sum(),
            Message::ReplicaFetchResponse { partitions, .. } => partitions
                .iter()
                .map(|(_, result)| match result {
                    ReplicaFetchResult::Records { batches, .. } => {
                        batches.iter().map(|batch| batch.len()).sum()
                    }
                    _ => 0,
                })
                .sum(),
            _ => 0,
        }
    }

    /// The records the receiver takes from the message, in order, each with its partition
    /// and the offset a broker gave it: a produce request's records (no offset yet), and a
    /// fetch response's records from the fetch offset up to the high watermark (a batch can
    /// begin before the offset asked for; the consumer skips those records). Empty for every
    /// other message.
    pub fn received_records(&self) -> Vec<(&TopicPartition, Option<Offset>, &Record)> {
        match self {
            Message::Produce { batches, .. } => batches
                .iter()
                .flat_map(|b| b.records.iter().map(|r| (&b.partition, None, r)))
                .collect(),
            Message::FetchResponse { partitions, .. } => partitions
                .iter()
                .flat_map(|p| {
                    p.batches
                        .iter()
                        .flat_map(|b| b.iter_with_offsets())
                        .filter(|(offset, _)| {
                            *offset >= p.fetch_offset && *offset < p.high_watermark
                        })
                        .map(|(offset, r)| (&p.partition, Some(offset), r))
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A produce response's answer per partition: the offset of the first record appended,
    /// or the error. Empty for every other message.
    pub fn produce_results(&self) -> &[(TopicPartition, Result<Offset, ErrorCode>)] {
        match self {
            Message::ProduceResponse { results, .. } => results,
            _ => &[],
        }
    }
}

impl InFlight {
    /// How far along its link the message is at `now`, from 0.0 (just sent) to 1.0 (arrived).
    /// Clamped, so a time before the send or after the arrival reads 0.0 or 1.0; a message sent
    /// and delivered in the same millisecond has arrived.
    pub fn progress_at(&self, now: SimTime) -> f64 {
        if self.arrives_at > self.sent_at {
            (now.since(self.sent_at) as f64 / self.arrives_at.since(self.sent_at) as f64)
                .clamp(0.0, 1.0)
        } else {
            1.0
        }
    }
}
