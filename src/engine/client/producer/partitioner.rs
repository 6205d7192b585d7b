//! The partitioner: which partition a record goes to. A keyed record goes where
//! `toPositive(murmur2(key)) % partitions` says; a keyless one is placed by the round-robin
//! counter or the uniform sticky partitioner (KIP-794), as `partitioner.class` chose.

use crate::engine::config::KeylessPartitioner;
use crate::engine::event::PartitionChoice;
use crate::engine::murmur2::{murmur2, to_positive};
use crate::engine::rng::SimRng;

use super::Producer;

/// The partition for a record of `size` bytes with `key`, and how it was chosen. The sticky
/// partitioner draws from the run's generator, so the order of calls is part of the trace.
pub(super) fn choose(
    producer: &mut Producer,
    rng: &mut SimRng,
    topic: &str,
    partition_count: u32,
    key: Option<&str>,
    size: u32,
) -> (u32, PartitionChoice) {
    let batch_size = producer.config.batch_size;
    match key {
        Some(key) => {
            let hash = murmur2(key.as_bytes());
            (
                to_positive(hash) % partition_count,
                PartitionChoice::Key { murmur2: hash },
            )
        }
        None => match producer.config.partitioner {
            KeylessPartitioner::RoundRobin => {
                if !producer.round_robin.contains_key(topic) {
                    producer.round_robin.insert(topic.to_owned(), 0);
                }
                let counter = producer.round_robin.get_mut(topic).expect("inserted");
                let this = *counter;
                *counter = counter.wrapping_add(1);
                (
                    to_positive(this as i32) % partition_count,
                    PartitionChoice::RoundRobin { counter: this },
                )
            }
            KeylessPartitioner::UniformSticky => {
                // One lookup for every record but a topic's first (the text of the topic is
                // compared at each step of the map's search).
                if let Some(entry) = producer.sticky.get_mut(topic) {
                    return sticky_step(entry, rng, partition_count, size, batch_size);
                }
                let first = rng.below(u64::from(partition_count)) as u32;
                let entry = producer
                    .sticky
                    .entry(topic.to_owned())
                    .or_insert((first, 0));
                sticky_step(entry, rng, partition_count, size, batch_size)
            }
        },
    }
}

/// The uniform sticky partitioner's choice for one record: the sticky partition, which it
/// leaves after `batch.size` bytes (KIP-794 switches between 1x and 2x `batch.size`, when the
/// batch is full; this picks the first point) for another drawn at random.
fn sticky_step(
    entry: &mut (u32, u32),
    rng: &mut SimRng,
    partition_count: u32,
    size: u32,
    batch_size: u32,
) -> (u32, PartitionChoice) {
    let chosen = entry.0;
    entry.1 += size;
    if entry.1 >= batch_size {
        let next = if partition_count > 1 {
            let offset = 1 + rng.below(u64::from(partition_count - 1)) as u32;
            (chosen + offset) % partition_count
        } else {
            0
        };
        *entry = (next, 0);
    }
    (chosen, PartitionChoice::Sticky)
}
