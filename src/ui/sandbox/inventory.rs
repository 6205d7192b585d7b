//! What exists in the sandbox right now, in the shape the control forms need: topics,
//! brokers, producers and consumers with what can be done to each. Built from the simulation
//! each render; plain data, so the forms re-render only when it changes.

use crate::engine::sorted;
use crate::engine::{
    Acks, BrokerId, CleanupPolicy, ConsumerId, KeyPattern, ProducerId, Simulation, OFFSETS_TOPIC,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicItem {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub cleanup_policy: CleanupPolicy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerItem {
    pub id: BrokerId,
    pub up: bool,
    pub isolated: bool,
    /// Partitions this broker leads (user topics only).
    pub leads: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerItem {
    pub id: ProducerId,
    pub acks: Acks,
    pub idempotent: bool,
    /// The running workload, as "topic at N/s".
    pub workload: Option<String>,
    /// The topic it last sent to, for "produce by hand".
    pub topic: Option<String>,
    pub closed: bool,
    pub records_sent: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsumerStatus {
    Running,
    Paused,
    Crashed,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerItem {
    pub id: ConsumerId,
    pub topic: String,
    pub group: Option<String>,
    pub status: ConsumerStatus,
    pub processing_time_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub topics: Vec<TopicItem>,
    pub brokers: Vec<BrokerItem>,
    pub producers: Vec<ProducerItem>,
    pub consumers: Vec<ConsumerItem>,
    /// Groups that have or had members, for "add a member to".
    pub groups: Vec<String>,
}

impl Inventory {
    pub fn build(sim: &Simulation) -> Inventory {
        let topics = sim
            .topics()
            .filter(|t| t.name != OFFSETS_TOPIC)
            .map(|t| TopicItem {
                name: t.name.clone(),
                partitions: t.partition_count(),
                replication_factor: t.config.replication_factor,
                min_insync_replicas: t.config.min_insync_replicas,
                cleanup_policy: t.config.cleanup_policy,
            })
            .collect();
        let brokers = sim
            .brokers()
            .map(|b| BrokerItem {
                id: b.id,
                up: b.up,
                isolated: sim.is_isolated(b.id),
                leads: sim
                    .topics()
                    .filter(|t| t.name != OFFSETS_TOPIC)
                    .flat_map(|t| t.partitions.iter())
                    .filter(|p| p.leader == Some(b.id))
                    .count() as u32,
            })
            .collect();
        let producers = sim
            .producers()
            .filter(|p| !p.closed || p.records_pending() > 0)
            .map(|p| ProducerItem {
                id: p.id,
                acks: p.config.acks,
                idempotent: p.producer_id.is_some(),
                workload: p.workload.as_ref().map(|w| {
                    let keys = match &w.keys {
                        KeyPattern::None => "no key".to_owned(),
                        KeyPattern::Cycle { count } => format!("{count} keys"),
                        KeyPattern::Fixed { key } => format!("key {key}"),
                    };
                    format!("{} at {}/s, {keys}", w.topic, w.records_per_second)
                }),
                topic: p.workload.as_ref().map(|w| w.topic.clone()),
                closed: p.closed,
                records_sent: p.stats.records_sent,
            })
            .collect();
        let consumers: Vec<ConsumerItem> = sim
            .consumers()
            .filter(|c| !c.closed)
            .map(|c| ConsumerItem {
                id: c.id,
                topic: c.topic.clone(),
                group: c.group.as_ref().map(|g| g.group.clone()),
                status: if c.crashed {
                    ConsumerStatus::Crashed
                } else if c.paused {
                    ConsumerStatus::Paused
                } else {
                    ConsumerStatus::Running
                },
                processing_time_ms: c.config.processing_time_ms,
            })
            .collect();
        let mut groups: Vec<String> = sim
            .consumers()
            .filter_map(|c| c.group.as_ref().map(|g| g.group.clone()))
            .collect();
        sorted::sort(&mut groups);
        groups.dedup();
        Inventory {
            topics,
            brokers,
            producers,
            consumers,
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::ui::sandbox::presets::Preset;

    #[test]
    fn the_default_sandbox_lists_its_cluster_without_internal_topics() {
        let setup = Preset::by_slug("default").unwrap().setup();
        let mut session = crate::ui::sandbox::session::Session::<()>::new(setup);
        session.advance_to(SimTime::from_ms(5_000));
        let inventory = Inventory::build(session.sim());
        assert_eq!(inventory.topics.len(), 1);
        assert_eq!(inventory.producers.len(), 1);
        assert_eq!(inventory.consumers.len(), 2);
        assert_eq!(inventory.groups, ["billing"]);
    }
}
