//! Small runs shared by the panels' unit tests: a fast cluster, a topic, producers and group
//! members, and a driver that feeds observers the way the sandbox page does.

use crate::engine::{
    AutoOffsetReset, Command, ConsumerConfig, ConsumerId, ProducerConfig, ProducerId, SimTime,
    Simulation, TopicConfig,
};

use crate::ui::sandbox::observe::Observer;

/// Brokers with fast failure detection and a 5 ms network without jitter.
pub use crate::engine::testing::fast_cluster as cluster;

pub fn topic(sim: &mut Simulation, name: &str, partitions: u32, replication_factor: u32) {
    sim.handle(Command::CreateTopic {
        name: name.to_owned(),
        config: TopicConfig {
            partitions,
            replication_factor,
            min_insync_replicas: replication_factor.min(2),
            ..TopicConfig::default()
        },
    })
    .expect("topic created");
}

pub fn producer(sim: &mut Simulation, id: u32, config: ProducerConfig) -> ProducerId {
    sim.handle(Command::AddProducer {
        producer: ProducerId(id),
        config,
    })
    .expect("producer added");
    ProducerId(id)
}

pub fn member_config(strategy: &str) -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: AutoOffsetReset::Earliest,
        session_timeout_ms: 10_000,
        heartbeat_interval_ms: 1_000,
        auto_commit_interval_ms: 1_000,
        partition_assignment_strategy: vec![strategy.to_owned()],
        ..ConsumerConfig::default()
    }
}

pub fn member(
    sim: &mut Simulation,
    id: u32,
    topic: &str,
    group: Option<&str>,
    config: ConsumerConfig,
) {
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(id),
        topic: topic.to_owned(),
        group: group.map(str::to_owned),
        config,
    })
    .expect("consumer added");
}

pub fn send(sim: &mut Simulation, producer: ProducerId, topic: &str, key: &str) {
    sim.handle(Command::Produce {
        producer,
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        value: Some(format!("value of {key}")),
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    })
    .expect("send accepted");
}

/// Advances by `ms` in steps of `step_ms`, feeding every observer after each step, as the
/// sandbox page's frame loop does.
pub fn feed(sim: &mut Simulation, observers: &mut [&mut dyn Observer], ms: u64, step_ms: u64) {
    let end = sim.now().plus_ms(ms);
    while sim.now() < end {
        let until = sim.now().plus_ms(step_ms).min(end);
        sim.advance_to(until);
        let events = sim.drain_events();
        for observer in observers.iter_mut() {
            observer.observe(sim, &events);
        }
    }
}

/// Runs until `until` while `condition` is false, a millisecond at a time; returns whether it
/// became true.
pub fn feed_until(
    sim: &mut Simulation,
    observers: &mut [&mut dyn Observer],
    until: SimTime,
    condition: impl Fn(&Simulation) -> bool,
) -> bool {
    while sim.now() < until {
        if condition(sim) {
            return true;
        }
        feed(sim, observers, 1, 1);
    }
    condition(sim)
}
