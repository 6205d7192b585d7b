//! The invariants the whole cluster keeps at every step, checked from inside after each step in
//! debug builds (TigerStyle's paired assertions), so a broken invariant fails at the step that
//! broke it rather than when a test next looks. They are the checks `tests/properties.rs` makes
//! from outside: log start ≤ high watermark ≤ log end on every replica; a leader in its ISR and
//! an ISR within the replicas, without duplicates; one leader per partition and epoch; a high
//! watermark that never moves back, and offsets below it never reused, without an unclean
//! election; committed offsets never beyond a high watermark the partition ever had.
//!
//! The check only reads the simulation (and its own memory of earlier steps), so it cannot
//! change a run: the same seed gives the same trace with or without it.

use std::collections::BTreeMap;

use crate::engine::group::OFFSETS_TOPIC;
use crate::engine::ids::{BrokerId, Offset, RecordId, TopicPartition};
use crate::engine::timer::Timer;
use crate::engine::Simulation;

/// What the check remembers of earlier steps, per partition.
#[derive(Clone, Debug, Default)]
pub(in crate::engine) struct InvariantMemory {
    /// Steps taken so far, to name the one that broke an invariant.
    steps: u64,
    partitions: BTreeMap<TopicPartition, PartitionMemory>,
}

#[derive(Clone, Debug, Default)]
struct PartitionMemory {
    unclean_elections: usize,
    /// The highest high watermark any replica ever had.
    max_high_watermark: u64,
    /// Each replica's last high watermark.
    replica_high_watermarks: BTreeMap<BrokerId, u64>,
    /// The leader and epoch at the last check.
    leader: Option<(BrokerId, u32)>,
    /// The controller's leader epoch at the last check.
    leader_epoch: u32,
    /// The record at each offset once it was below the leader's high watermark.
    committed: Vec<Option<RecordId>>,
}

impl Simulation {
    /// Checks every invariant of the current state against the memory of earlier checks, and
    /// remembers what later checks need. Debug builds call it after every step.
    pub fn check_invariants(&mut self) -> Result<(), String> {
        let mut memory = std::mem::take(&mut self.invariants);
        let result = self.check_partitions(&mut memory);
        let result = result.and_then(|()| self.check_leaders_per_epoch());
        let result = result.and_then(|()| self.check_committed_offsets(&memory));
        self.invariants = memory;
        result
    }

    /// Runs the check after a step and panics, naming the step, its timer and the time, if an
    /// invariant broke.
    pub(in crate::engine) fn assert_invariants_after(&mut self, fired: &Timer) {
        self.invariants.steps += 1;
        if let Err(broken) = self.check_invariants() {
            panic!(
                "invariant broken by step {} ({fired:?}) at {}: {broken}",
                self.invariants.steps, self.now
            );
        }
    }

    fn check_partitions(&self, memory: &mut InvariantMemory) -> Result<(), String> {
        for topic in self.topics.values() {
            for (index, meta) in topic.partitions.iter().enumerate() {
                let tp = TopicPartition::new(topic.shared_name.clone(), index as u32);
                let unclean = self.auditor.elections(&tp).iter().filter(|e| e.unclean);
                let unclean = unclean.count();
                let remembered = memory.partitions.entry(tp.clone()).or_default();
                let unclean_happened = unclean > remembered.unclean_elections;
                if unclean_happened {
                    // Records below the high watermark may change after an unclean election:
                    // start again from the new leader's log.
                    remembered.unclean_elections = unclean;
                    remembered.committed.clear();
                }
                if meta.leader_epoch < remembered.leader_epoch {
                    return Err(format!(
                        "{tp}: the leader epoch went back from {} to {}",
                        remembered.leader_epoch, meta.leader_epoch
                    ));
                }
                remembered.leader_epoch = meta.leader_epoch;
                check_isr(&tp, &meta.replicas, &meta.isr, meta.leader)?;
                self.check_replica_logs(&tp, &meta.replicas, remembered)?;
                if topic.name != OFFSETS_TOPIC {
                    self.check_offsets_kept(&tp, unclean_happened, remembered)?;
                }
            }
        }
        Ok(())
    }

    /// Every replica's log: start ≤ high watermark ≤ end, and a high watermark that never
    /// moves back on a partition that never had an unclean election (after one, the other
    /// replicas truncate to the new leader's log, possibly below their high watermark).
    fn check_replica_logs(
        &self,
        tp: &TopicPartition,
        replicas: &[BrokerId],
        memory: &mut PartitionMemory,
    ) -> Result<(), String> {
        for broker in replicas {
            let Some(log) = self.replica_log(*broker, tp) else {
                continue;
            };
            let start = log.log_start_offset().0;
            let high_watermark = log.high_watermark().0;
            let end = log.log_end_offset().0;
            if !(start <= high_watermark && high_watermark <= end) {
                return Err(format!(
                    "{tp} on {broker}: log start {start}, high watermark {high_watermark} and \
                     log end {end} are out of order"
                ));
            }
            memory.max_high_watermark = memory.max_high_watermark.max(high_watermark);
            let previous = memory
                .replica_high_watermarks
                .insert(*broker, high_watermark);
            let previous = previous.filter(|_| memory.unclean_elections == 0);
            if let Some(previous) = previous.filter(|p| *p > high_watermark) {
                return Err(format!(
                    "{tp} on {broker}: the high watermark moved back from {previous} to \
                     {high_watermark} without an unclean election"
                ));
            }
        }
        Ok(())
    }

    /// Offsets are never reused: a record below a leader's high watermark stays where it is,
    /// unless an unclean election let another log lead.
    fn check_offsets_kept(
        &self,
        tp: &TopicPartition,
        unclean_happened: bool,
        memory: &mut PartitionMemory,
    ) -> Result<(), String> {
        let meta = self
            .partition_meta(tp)
            .expect("a partition of a known topic");
        let (Some(leader), Some(log)) = (meta.leader, self.leader_log(tp)) else {
            memory.leader = None;
            return Ok(());
        };
        let leader_changed = memory.leader != Some((leader, meta.leader_epoch));
        memory.leader = Some((leader, meta.leader_epoch));
        let start = log.log_start_offset().0;
        let high_watermark = log.high_watermark().0;
        let known = memory.committed.len() as u64;
        let compare_from = if leader_changed || unclean_happened {
            start
        } else {
            known.max(start)
        };
        for offset in compare_from..high_watermark {
            let Some(record) = log.record_at(Offset(offset)) else {
                continue;
            };
            if offset >= known {
                memory.committed.resize(offset as usize, None);
                memory.committed.push(Some(record.id));
                continue;
            }
            match memory.committed[offset as usize] {
                Some(remembered) if remembered != record.id => {
                    return Err(format!(
                        "{tp} offset {offset}, below the high watermark {high_watermark} of \
                         leader {leader} (epoch {}), held {remembered} and now holds {} without \
                         an unclean election",
                        meta.leader_epoch, record.id
                    ));
                }
                Some(_) => {}
                None => memory.committed[offset as usize] = Some(record.id),
            }
        }
        Ok(())
    }

    /// One leader per partition and epoch: no two brokers believe they lead a partition in the
    /// same epoch, and none believes in an epoch the controller has not reached.
    fn check_leaders_per_epoch(&self) -> Result<(), String> {
        let mut leaders: BTreeMap<(&TopicPartition, u32), BrokerId> = BTreeMap::new();
        for broker in self.brokers.values() {
            for (tp, replica) in &broker.replicas {
                if replica.view.leader != Some(broker.id) {
                    continue;
                }
                let epoch = replica.view.leader_epoch;
                if let Some(other) = leaders.insert((tp, epoch), broker.id) {
                    return Err(format!(
                        "{tp}: {other} and {} both lead in epoch {epoch}",
                        broker.id
                    ));
                }
                let controller_epoch = self.partition_meta(tp).map_or(0, |m| m.leader_epoch);
                if epoch > controller_epoch {
                    return Err(format!(
                        "{tp}: {} leads in epoch {epoch}, beyond the controller's {controller_epoch}",
                        broker.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// A committed offset is never beyond what any replica ever exposed. Any high watermark
    /// counts, not only the current leader's: a deposed leader that does not know it yet still
    /// answers fetches, and followers learn the high watermark from a leader.
    fn check_committed_offsets(&self, memory: &InvariantMemory) -> Result<(), String> {
        for group in self.groups.values() {
            for (tp, offset) in &group.offsets {
                let max = memory
                    .partitions
                    .get(tp)
                    .map_or(0, |p| p.max_high_watermark);
                if offset.0 > max {
                    return Err(format!(
                        "{tp}: group {} committed offset {}, beyond the highest high watermark \
                         the partition ever had ({max})",
                        group.id, offset.0
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The ISR: non-empty (KRaft keeps the last in-sync replica of an offline partition), within
/// the replicas, without duplicates, and holding the leader.
fn check_isr(
    tp: &TopicPartition,
    replicas: &[BrokerId],
    isr: &[BrokerId],
    leader: Option<BrokerId>,
) -> Result<(), String> {
    if isr.is_empty() {
        return Err(format!("{tp} has an empty ISR (leader {leader:?})"));
    }
    if let Some(stray) = isr.iter().find(|b| !replicas.contains(b)) {
        return Err(format!(
            "{tp}: ISR {isr:?} holds {stray}, which is not a replica of {replicas:?}"
        ));
    }
    let mut sorted = isr.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != isr.len() {
        return Err(format!("{tp}: ISR {isr:?} has duplicates"));
    }
    if let Some(leader) = leader.filter(|l| !isr.contains(l)) {
        return Err(format!("{tp}: leader {leader} is not in its ISR {isr:?}"));
    }
    Ok(())
}
