//! The cluster's metadata and its controller.
//!
//! The controller is modelled as Kafka's KRaft quorum seen from outside: always available, not
//! one of the brokers. It holds the authoritative partition metadata (replicas, leader, leader
//! epoch, ISR), fences a broker it has not heard from for `broker.session.timeout.ms`, elects
//! leaders (`PartitionChangeBuilder.electAnyLeader`), and pushes every change at once to each
//! broker it can reach. Broker heartbeats and metadata pushes are not drawn as messages: an
//! isolated broker simply stops receiving them, and learns what it missed when healed.

mod faults;
mod image;
mod topics;

pub use topics::is_legal_topic_name;

use serde::{Deserialize, Serialize};

use crate::engine::broker::log::SegmentSettings;
use crate::engine::broker::{BrokerState, PartitionView, Replica};
use crate::engine::config::TopicConfig;
use crate::engine::event::EventKind;
use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::phases::{ElectionKind, IsrChangeReason};
use crate::engine::Simulation;
use crate::engine::Timer;

/// The controller's record of one partition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionMeta {
    /// Replica assignment, in order: the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    /// In-sync replicas, in assignment order.
    pub isr: Vec<BrokerId>,
}

/// The controller's record of one topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMeta {
    pub name: String,
    /// The same name, shared, for the partitions the hot paths create.
    pub shared_name: std::sync::Arc<str>,
    pub config: TopicConfig,
    pub partitions: Vec<PartitionMeta>,
}

impl TopicMeta {
    pub fn partition_count(&self) -> u32 {
        self.partitions.len() as u32
    }

    /// `min(min.insync.replicas, replication factor)`: what `acks=all` and the high watermark
    /// require of the ISR (KAFKA-15583).
    pub fn effective_min_isr(&self, partition: u32) -> usize {
        let rf = self.partitions[partition as usize].replicas.len();
        (self.config.min_insync_replicas as usize).min(rf)
    }
}

/// Kafka's rack-unaware replica placement (`AdminUtils.assignReplicasToBrokers`): a start index
/// and a follower shift, both random in Kafka and drawn from the run's seed here.
pub fn place_replicas(
    broker_ids: &[BrokerId],
    partitions: u32,
    replication_factor: u32,
    start_index: usize,
    mut shift: usize,
) -> Vec<Vec<BrokerId>> {
    let n = broker_ids.len();
    let mut placement = Vec::with_capacity(partitions as usize);
    let mut current = start_index % n;
    for p in 0..partitions as usize {
        if p > 0 && current == start_index % n {
            shift += 1;
        }
        let first = current;
        let mut replicas = vec![broker_ids[first]];
        for j in 0..(replication_factor as usize).saturating_sub(1) {
            let index = (first + 1 + (shift + j) % (n - 1).max(1)) % n;
            replicas.push(broker_ids[index]);
        }
        placement.push(replicas);
        current = (current + 1) % n;
    }
    placement
}

impl Simulation {
    pub(in crate::engine) fn broker_is_available(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|b| b.up && !b.fenced)
    }

    /// Creates a topic: places replicas, makes each first replica the leader at epoch 0.
    pub(in crate::engine) fn controller_create_topic(&mut self, name: String, config: TopicConfig) {
        let placement = match &config.replicas {
            // An explicit assignment (checked by `create_topic`) is used as written.
            Some(assignment) => assignment
                .iter()
                .map(|replicas| replicas.iter().copied().map(BrokerId).collect())
                .collect(),
            None => {
                let broker_ids: Vec<BrokerId> = self.brokers.keys().copied().collect();
                let n = broker_ids.len() as u64;
                let start = self.rng.below(n) as usize;
                let shift = self.rng.below(n) as usize;
                place_replicas(
                    &broker_ids,
                    config.partitions,
                    config.replication_factor,
                    start,
                    shift,
                )
            }
        };
        let settings = SegmentSettings {
            segment_bytes: config.segment_bytes,
            segment_ms: config.segment_ms,
        };
        let now = self.now;
        // Every partition name of the topic shares this one string, so that comparing two of
        // them (map lookups on every hot path) is a pointer comparison.
        let shared_name: std::sync::Arc<str> = std::sync::Arc::from(name.as_str());
        let mut partitions = Vec::with_capacity(placement.len());
        for (index, replicas) in placement.into_iter().enumerate() {
            let tp = TopicPartition::new(shared_name.clone(), index as u32);
            let live: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|b| self.broker_is_available(*b))
                .collect();
            let leader = live.first().copied();
            let meta = PartitionMeta {
                replicas: replicas.clone(),
                leader,
                leader_epoch: 0,
                isr: if live.is_empty() {
                    replicas.clone()
                } else {
                    live
                },
            };
            for broker in &replicas {
                if let Some(state) = self.brokers.get_mut(broker) {
                    state
                        .replicas
                        .insert(tp.clone(), Replica::new(settings, now));
                }
            }
            partitions.push(meta);
        }
        self.topics.insert(
            name.clone(),
            TopicMeta {
                shared_name: shared_name.clone(),
                name: name.clone(),
                config,
                partitions,
            },
        );
        let count = self.topics[&name].partition_count();
        for index in 0..count {
            self.push_metadata(&TopicPartition::new(shared_name.clone(), index));
        }
    }

    /// Sends the controller's view of a partition to every broker it can reach.
    pub(in crate::engine) fn push_metadata(&mut self, tp: &TopicPartition) {
        let Some(meta) = self.partition_meta(tp).cloned() else {
            return;
        };
        let now = self.now;
        let reachable: Vec<BrokerId> = meta
            .replicas
            .iter()
            .copied()
            .filter(|b| {
                self.brokers
                    .get(b)
                    .is_some_and(|s| s.up && !self.network.is_isolated(*b))
            })
            .collect();
        for broker in reachable {
            self.apply_partition_view(
                broker,
                tp,
                PartitionView {
                    leader: meta.leader,
                    leader_epoch: meta.leader_epoch,
                    isr: meta.isr.clone(),
                },
                now,
            );
        }
        self.publish_partition(tp);
    }

    pub(in crate::engine) fn partition_meta(&self, tp: &TopicPartition) -> Option<&PartitionMeta> {
        self.topics
            .get(&*tp.topic)?
            .partitions
            .get(tp.partition as usize)
    }

    fn partition_meta_mut(&mut self, tp: &TopicPartition) -> Option<&mut PartitionMeta> {
        self.topics
            .get_mut(&*tp.topic)?
            .partitions
            .get_mut(tp.partition as usize)
    }

    /// Every partition, in topic then partition order.
    pub(in crate::engine) fn all_partitions(&self) -> Vec<TopicPartition> {
        self.topics
            .values()
            .flat_map(|t| {
                (0..t.partition_count()).map(|p| TopicPartition::new(t.shared_name.clone(), p))
            })
            .collect()
    }

    /// A broker stopped answering (crash or isolation): the controller fences it once
    /// `broker.session.timeout.ms` passes without a heartbeat.
    pub(in crate::engine) fn controller_watch(&mut self, broker: BrokerId) {
        let Some(state) = self.brokers.get(&broker) else {
            return;
        };
        let incarnation = state.incarnation;
        let at = self
            .now
            .plus_ms(self.broker_config.broker_session_timeout_ms);
        self.schedule_timer(at, Timer::SessionExpiry(broker, incarnation));
    }

    pub(in crate::engine) fn on_session_expiry(&mut self, broker: BrokerId, incarnation: u64) {
        let silent = self.brokers.get(&broker).is_some_and(|s| {
            s.incarnation == incarnation && (!s.up || self.network.is_isolated(broker))
        });
        if !silent || self.brokers[&broker].fenced {
            return;
        }
        self.controller_fence(broker);
    }

    /// Fences a broker: removes it from every ISR it can leave and moves its leaderships.
    pub(in crate::engine) fn controller_fence(&mut self, broker: BrokerId) {
        self.brokers.get_mut(&broker).expect("exists").fenced = true;
        self.emit(EventKind::BrokerFenced { broker });
        for tp in self.all_partitions() {
            let Some(meta) = self.partition_meta(&tp) else {
                continue;
            };
            if !meta.replicas.contains(&broker) {
                continue;
            }
            let was_leader = meta.leader == Some(broker);
            let meta = self.partition_meta_mut(&tp).expect("exists");
            let old = meta.isr.clone();
            // KRaft removes a fenced broker from the ISR, but never empties it: the last member
            // stays so it can lead again when it returns.
            if meta.isr.len() > 1 {
                meta.isr.retain(|b| *b != broker);
            }
            self.emit_isr_change(&tp, &old, IsrChangeReason::BrokerFenced);
            if was_leader {
                self.elect_leader(&tp);
            } else {
                self.push_metadata(&tp);
            }
        }
    }

    /// A fenced broker registered again (restart or heal): it is unfenced, leads partitions
    /// that had no leader and whose ISR it is in, and follows the rest.
    pub(in crate::engine) fn controller_unfence(&mut self, broker: BrokerId) {
        if let Some(state) = self.brokers.get_mut(&broker) {
            if state.fenced {
                state.fenced = false;
                self.emit(EventKind::BrokerUnfenced { broker });
            }
        }
        for tp in self.all_partitions() {
            let Some(meta) = self.partition_meta(&tp) else {
                continue;
            };
            if !meta.replicas.contains(&broker) {
                continue;
            }
            if meta.leader.is_none() {
                self.elect_leader(&tp);
            } else {
                self.push_metadata(&tp);
            }
        }
    }

    /// Picks a new leader: the current one if still valid, else the first live ISR member in
    /// assignment order, else (only with `unclean.leader.election.enable`) the first live
    /// replica. Bumps the leader epoch on any change.
    pub(in crate::engine) fn elect_leader(&mut self, tp: &TopicPartition) {
        let Some(topic) = self.topics.get(&*tp.topic) else {
            return;
        };
        let unclean_allowed = topic.config.unclean_leader_election_enable;
        let Some(meta) = self.partition_meta(tp).cloned() else {
            return;
        };
        if let Some(current) = meta.leader {
            if self.broker_is_available(current) && meta.isr.contains(&current) {
                self.push_metadata(tp);
                return;
            }
        }
        let clean = meta
            .replicas
            .iter()
            .copied()
            .find(|b| meta.isr.contains(b) && self.broker_is_available(*b));
        let (leader, kind) = match clean {
            Some(b) => (Some(b), ElectionKind::Clean),
            None if unclean_allowed => (
                meta.replicas
                    .iter()
                    .copied()
                    .find(|b| self.broker_is_available(*b)),
                ElectionKind::Unclean,
            ),
            None => (None, ElectionKind::Clean),
        };
        let meta_mut = self.partition_meta_mut(tp).expect("exists");
        let old_isr = meta_mut.isr.clone();
        // KRaft's PartitionRegistration.merge bumps the leader epoch on every leader change,
        // including the change to no leader at all: a partition that goes offline and is then
        // elected again (cleanly or not) has moved two epochs.
        if leader != meta_mut.leader {
            meta_mut.leader_epoch += 1;
        }
        meta_mut.leader = leader;
        if let Some(new_leader) = leader {
            if kind == ElectionKind::Unclean {
                meta_mut.isr = vec![new_leader];
            }
        }
        let epoch = meta_mut.leader_epoch;
        match leader {
            Some(new_leader) => {
                self.auditor
                    .note_election(tp, self.now, new_leader, epoch, kind);
                self.emit(EventKind::LeaderElected {
                    partition: tp.clone(),
                    leader: new_leader,
                    leader_epoch: epoch,
                    kind,
                });
            }
            None => self.emit(EventKind::PartitionOffline {
                partition: tp.clone(),
            }),
        }
        self.emit_isr_change(tp, &old_isr, IsrChangeReason::UncleanElection);
        self.push_metadata(tp);
    }

    /// A leader asks to change the ISR (Kafka's AlterPartition). It fails if the leader cannot
    /// reach the controller or is no longer the leader of that epoch.
    pub(in crate::engine) fn controller_alter_isr(
        &mut self,
        from: BrokerId,
        tp: &TopicPartition,
        leader_epoch: u32,
        isr: Vec<BrokerId>,
        reason: IsrChangeReason,
    ) -> bool {
        if self.network.is_isolated(from) {
            return false;
        }
        let Some(meta) = self.partition_meta_mut(tp) else {
            return false;
        };
        if meta.leader != Some(from) || meta.leader_epoch != leader_epoch || isr.is_empty() {
            return false;
        }
        let ordered: Vec<BrokerId> = meta
            .replicas
            .iter()
            .copied()
            .filter(|b| isr.contains(b))
            .collect();
        if ordered == meta.isr {
            return true;
        }
        let old = std::mem::replace(&mut meta.isr, ordered);
        self.emit_isr_change(tp, &old, reason);
        self.push_metadata(tp);
        true
    }

    /// Traces a change of `tp`'s ISR from `old` to the controller's current one, naming the
    /// brokers that joined and left, as Kafka logs "Expanding ISR" and "Shrinking ISR".
    fn emit_isr_change(&mut self, tp: &TopicPartition, old: &[BrokerId], reason: IsrChangeReason) {
        let Some(isr) = self.partition_meta(tp).map(|m| m.isr.clone()) else {
            return;
        };
        if isr == old {
            return;
        }
        let added = isr.iter().copied().filter(|b| !old.contains(b)).collect();
        let removed = old.iter().copied().filter(|b| !isr.contains(b)).collect();
        self.emit(EventKind::IsrChanged {
            partition: tp.clone(),
            isr,
            added,
            removed,
            reason,
        });
    }

    /// KRaft's periodic `electUnclean` task, every `unclean.leader.election.interval.ms`: a
    /// partition with no leader whose topic now allows unclean elections gets one, if any of
    /// its replicas is alive (`ReplicationControlManager.maybeElectUncleanLeaders`).
    pub(in crate::engine) fn on_unclean_election_check(&mut self) {
        for tp in self.all_partitions() {
            let allowed = self
                .topics
                .get(&*tp.topic)
                .is_some_and(|t| t.config.unclean_leader_election_enable);
            let Some(meta) = self.partition_meta(&tp) else {
                continue;
            };
            let electable =
                meta.leader.is_none() && meta.replicas.iter().any(|b| self.broker_is_available(*b));
            if allowed && electable {
                self.elect_leader(&tp);
            }
        }
        let interval = self
            .broker_config
            .unclean_leader_election_interval_ms
            .max(1);
        self.schedule_timer(self.now.plus_ms(interval), Timer::UncleanElectionCheck);
    }

    pub(in crate::engine) fn broker_state(&self, id: BrokerId) -> Option<&BrokerState> {
        self.brokers.get(&id)
    }
}

#[cfg(test)]
mod tests;
