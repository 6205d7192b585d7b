//! Shared helpers for the engine's integration tests: a small cluster builder and trace tools.
#![allow(dead_code)]

use kafka_playground::engine::{
    BrokerId, Command, Event, EventKind, ProducerConfig, ProducerId, SimTime, Simulation,
    TopicConfig, TopicPartition,
};

// The fast test cluster (`engine::testing::fast_cluster`), under the name the tests use. Not
// every test file builds a cluster, and a re-export is not covered by `dead_code`.
#[allow(unused_imports)]
pub use kafka_playground::engine::testing::fast_cluster as cluster;

pub fn create_topic(sim: &mut Simulation, name: &str, config: TopicConfig) {
    sim.handle(Command::CreateTopic {
        name: name.to_owned(),
        config,
    })
    .expect("topic created");
}

pub fn add_producer(sim: &mut Simulation, id: u32, config: ProducerConfig) -> ProducerId {
    sim.handle(Command::AddProducer {
        producer: ProducerId(id),
        config,
    })
    .expect("producer added");
    ProducerId(id)
}

pub fn produce(sim: &mut Simulation, producer: ProducerId, topic: &str, key: &str, value: &str) {
    sim.handle(Command::Produce {
        producer,
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        value: Some(value.to_owned()),
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    })
    .expect("send accepted");
}

pub fn run_for(sim: &mut Simulation, ms: u64) -> Vec<Event> {
    let until = sim.now().plus_ms(ms);
    sim.advance_to(until);
    sim.drain_events()
}

pub fn at(ms: u64) -> SimTime {
    SimTime::from_ms(ms)
}

pub fn leader(sim: &Simulation, tp: &TopicPartition) -> Option<BrokerId> {
    sim.partition(tp).and_then(|p| p.leader)
}

pub fn crash(sim: &mut Simulation, broker: BrokerId) {
    sim.handle(Command::CrashBroker { broker }).expect("crash");
}

pub fn restart(sim: &mut Simulation, broker: BrokerId) {
    sim.handle(Command::RestartBroker { broker })
        .expect("restart");
}

/// Every record id a broker's replica of `tp` holds, in offset order.
pub fn replica_records(sim: &Simulation, broker: BrokerId, tp: &TopicPartition) -> Vec<u64> {
    sim.replica_log(broker, tp)
        .map(|log| log.records().map(|(_, r)| r.id.0).collect())
        .unwrap_or_default()
}

pub fn count_events(events: &[Event], pred: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| pred(&e.kind)).count()
}

pub fn trace(events: &[Event]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}
