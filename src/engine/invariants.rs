//! The invariants the whole cluster keeps at every step, checked from inside after each step in
//! debug builds (TigerStyle's paired assertions), so a broken invariant fails at the step that
//! broke it rather than when a test next looks. They are the checks `tests/properties.rs` makes
//! from outside: log start ≤ high watermark ≤ log end on every replica; a leader in its ISR and
//! an ISR within the replicas, without duplicates; one leader per partition and epoch; a high
//! watermark that never moves back, and offsets below it never reused, without an unclean
//! election; committed offsets never beyond a high watermark the partition ever had.
//!
//! After a step, only the partitions the step changed are checked, as its events name them (a
//! step that crashes, restarts, fences, isolates or heals a broker, or creates a topic, checks
//! everything): a check of every partition after every step would make a debug run of a large
//! pipeline fifty times slower. [`Simulation::check_invariants`] checks everything.
//!
//! The check only reads the simulation (and its own memory of earlier steps), so it cannot
//! change a run: the same seed gives the same trace with or without it.

use crate::engine::sorted::{VecMap, VecSet};

use crate::engine::controller::TopicMeta;
#[cfg(debug_assertions)]
use crate::engine::event::{Event, EventKind};
use crate::engine::group::OFFSETS_TOPIC;
use crate::engine::ids::{BrokerId, Offset, RecordId, TopicPartition};
#[cfg(debug_assertions)]
use crate::engine::timer::Timer;
use crate::engine::Simulation;

/// What the check remembers of earlier steps, per partition.
#[derive(Clone, Debug, Default)]
pub(in crate::engine) struct InvariantMemory {
    /// Steps taken so far, to name the one that broke an invariant (debug builds count them).
    #[cfg(debug_assertions)]
    steps: u64,
    partitions: VecMap<TopicPartition, PartitionMemory>,
}

#[derive(Clone, Debug, Default)]
struct PartitionMemory {
    unclean_elections: usize,
    /// The highest high watermark any replica ever had.
    max_high_watermark: u64,
    /// Each replica's last high watermark.
    replica_high_watermarks: VecMap<BrokerId, u64>,
    /// The leader and epoch at the last check.
    leader: Option<(BrokerId, u32)>,
    /// The controller's leader epoch at the last check.
    leader_epoch: u32,
    /// The record at each offset once it was below the leader's high watermark.
    committed: crate::engine::shared_vec::SharedVec<Option<RecordId>>,
}

impl Simulation {
    /// Checks every invariant of the current state against the memory of earlier checks, and
    /// remembers what later checks need. Debug builds call it after every step.
    pub fn check_invariants(&mut self) -> Result<(), String> {
        self.check_invariants_of(None)
    }

    /// Checks every partition, or only `only`.
    fn check_invariants_of(&mut self, only: Option<&VecSet<TopicPartition>>) -> Result<(), String> {
        let mut memory = std::mem::take(&mut self.invariants);
        let result = self.check_partitions(&mut memory, only);
        let result = result.and_then(|()| self.check_leaders_per_epoch(only));
        let result = result.and_then(|()| self.check_committed_offsets(&memory, only));
        self.invariants = memory;
        result
    }

    /// Runs the check after a step (whose events start at `first_event` in the outbox) and
    /// panics, naming the step, its timer and the time, if an invariant broke.
    #[cfg(debug_assertions)]
    pub(in crate::engine) fn assert_invariants_after(&mut self, fired: &Timer, first_event: usize) {
        self.invariants.steps += 1;
        let touched = touched_partitions(&self.outbox[first_event..]);
        if touched.as_ref().is_some_and(VecSet::is_empty) {
            return;
        }
        if let Err(broken) = self.check_invariants_of(touched.as_ref()) {
            panic!(
                "invariant broken by step {} ({fired:?}) at {}: {broken}",
                self.invariants.steps, self.now
            );
        }
    }

    fn check_partitions(
        &self,
        memory: &mut InvariantMemory,
        only: Option<&VecSet<TopicPartition>>,
    ) -> Result<(), String> {
        let Some(only) = only else {
            for topic in self.topics.values() {
                for index in 0..topic.partition_count() {
                    let tp = TopicPartition::new(topic.shared_name.clone(), index);
                    self.check_partition(topic, &tp, memory)?;
                }
            }
            return Ok(());
        };
        for tp in only {
            if let Some(topic) = self.topics.get(&*tp.topic) {
                self.check_partition(topic, tp, memory)?;
            }
        }
        Ok(())
    }

    fn check_partition(
        &self,
        topic: &TopicMeta,
        tp: &TopicPartition,
        memory: &mut InvariantMemory,
    ) -> Result<(), String> {
        let Some(meta) = topic.partitions.get(tp.partition as usize) else {
            return Ok(());
        };
        let unclean = self.auditor.elections(tp).iter().filter(|e| e.unclean);
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
        check_isr(tp, &meta.replicas, &meta.isr, meta.leader)?;
        self.check_replica_logs(tp, &meta.replicas, remembered)?;
        if topic.name != OFFSETS_TOPIC {
            self.check_offsets_kept(tp, unclean_happened, remembered)?;
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
                memory.committed.grow_to(offset as usize, None);
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
    fn check_leaders_per_epoch(&self, only: Option<&VecSet<TopicPartition>>) -> Result<(), String> {
        let mut leaders: VecMap<(&TopicPartition, u32), BrokerId> = VecMap::new();
        for broker in self.brokers.values() {
            let replicas: Vec<_> = match only {
                None => broker.replicas.iter().collect(),
                Some(only) => only
                    .iter()
                    .filter_map(|tp| broker.replicas.get_key_value(tp))
                    .collect(),
            };
            for (tp, replica) in replicas {
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
    /// answers fetches, and followers learn the high watermark from a leader. Offsets the
    /// application chose itself (a seek, `commitSync(offsets)`) are exempt: Kafka commits
    /// them unchecked.
    fn check_committed_offsets(
        &self,
        memory: &InvariantMemory,
        only: Option<&VecSet<TopicPartition>>,
    ) -> Result<(), String> {
        for group in self.groups.values() {
            let offsets: Vec<_> = match only {
                None => group.offsets.iter().collect(),
                Some(only) => only
                    .iter()
                    .filter_map(|tp| group.offsets.get_key_value(tp))
                    .collect(),
            };
            let chosen: VecSet<&TopicPartition> = self
                .consumers
                .values()
                .filter(|c| c.group.as_ref().is_some_and(|g| g.group == group.id))
                .flat_map(|c| c.application_offsets.iter())
                .collect::<VecSet<_>>();
            for (tp, offset) in offsets {
                if chosen.contains(tp) {
                    continue;
                }
                let remembered = memory
                    .partitions
                    .get(tp)
                    .map_or(0, |p| p.max_high_watermark);
                // A partition no event touched since its high watermark moved (an event kept
                // only with detailed events) is read as it is now.
                let current = self.brokers.values().filter_map(|b| b.replicas.get(tp));
                let current = current.map(|r| r.log.high_watermark().0).max();
                let max = remembered.max(current.unwrap_or(0));
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

/// The partitions a step's events say it changed, or `None` when the step changed brokers or
/// topics wholesale and everything is to be checked.
#[cfg(debug_assertions)]
fn touched_partitions(events: &[Event]) -> Option<VecSet<TopicPartition>> {
    let mut touched = VecSet::new();
    for event in events {
        match &event.kind {
            EventKind::BatchAppended { partition, .. }
            | EventKind::BatchReplicated { partition, .. }
            | EventKind::HighWatermarkAdvanced { partition, .. }
            | EventKind::LeaderElected { partition, .. }
            | EventKind::PartitionOffline { partition }
            | EventKind::IsrChanged { partition, .. }
            | EventKind::ReplicaTruncated { partition, .. }
            | EventKind::SegmentsDeleted { partition, .. }
            | EventKind::LogCompacted { partition, .. } => {
                touched.insert(partition.clone());
            }
            EventKind::OffsetsCommitted { offsets, .. } => {
                touched.extend(offsets.iter().map(|(tp, _)| tp.clone()));
            }
            EventKind::TopicCreated { .. }
            | EventKind::TopicDeleted { .. }
            | EventKind::BrokerCrashed { .. }
            | EventKind::BrokerRestarted { .. }
            | EventKind::BrokerIsolated { .. }
            | EventKind::BrokerHealed { .. }
            | EventKind::BrokerFenced { .. }
            | EventKind::BrokerUnfenced { .. } => return None,
            _ => {}
        }
    }
    Some(touched)
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::fast_cluster;
    use crate::engine::{BrokerId, Command, SimTime, Simulation, TopicConfig, TopicPartition};

    /// A 3-broker cluster with a 1-partition, 3-replica topic that has elected its leader.
    fn running() -> (Simulation, TopicPartition, BrokerId) {
        let mut sim = fast_cluster(3, 7);
        let config = TopicConfig {
            partitions: 1,
            replication_factor: 3,
            ..TopicConfig::default()
        };
        let name = "orders".to_owned();
        sim.handle(Command::CreateTopic { name, config })
            .expect("valid topic");
        sim.advance_to(SimTime::ZERO.plus_ms(500));
        let tp = TopicPartition::new("orders", 0);
        let leader = sim.partition(&tp).and_then(|p| p.leader).expect("a leader");
        (sim, tp, leader)
    }

    #[test]
    fn a_healthy_run_keeps_every_invariant() {
        let (mut sim, _, _) = running();
        assert_eq!(sim.check_invariants(), Ok(()));
    }

    #[test]
    fn a_stray_isr_member_is_named_with_its_partition() {
        let (mut sim, tp, _) = running();
        let meta = &mut sim.topics.get_mut("orders").expect("created").partitions[0];
        meta.isr.push(BrokerId(9));
        let broken = sim.check_invariants().expect_err("b9 is no replica");
        assert!(broken.contains(&tp.to_string()), "{broken}");
        assert!(broken.contains("not a replica"), "{broken}");
    }

    // Only debug builds check after each step.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "invariant broken by step")]
    fn the_step_that_finds_two_leaders_in_one_epoch_panics() {
        let (mut sim, tp, leader) = running();
        let other = (0..3)
            .map(BrokerId)
            .find(|b| *b != leader)
            .expect("3 brokers");
        let epoch = sim.brokers[&leader].replicas[&tp].view.leader_epoch;
        let view = &mut sim.brokers.get_mut(&other).expect("exists").replicas;
        let view = &mut view.get_mut(&tp).expect("a replica").view;
        view.leader = Some(other);
        view.leader_epoch = epoch;
        // Isolating a broker is a step that checks every partition.
        let bystander = (0..3).map(BrokerId).find(|b| *b != leader && *b != other);
        let broker = bystander.expect("3 brokers");
        sim.schedule(sim.now(), Command::IsolateBroker { broker });
        sim.step();
    }
}
