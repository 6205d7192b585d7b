//! The event log's tests: filters, the shown window, rewinds and the memory's bound.

use super::*;
use crate::engine::{
    Acks, BrokerConfig, Command, ConsumerConfig, ConsumerId, NetworkConfig, ProducerConfig,
    ProducerId, SimConfig, TopicConfig,
};

fn run() -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: 3,
        broker_count: 3,
        network: NetworkConfig {
            latency_ms: 5,
            jitter_ms: 0,
            drop_per_million: 0,
        },
        broker: BrokerConfig {
            broker_session_timeout_ms: 3_000,
            ..BrokerConfig::default()
        },
    });
    for (name, partitions) in [("orders", 2), ("audit", 1)] {
        sim.handle(Command::CreateTopic {
            name: name.to_owned(),
            config: TopicConfig {
                partitions,
                replication_factor: 3,
                ..TopicConfig::default()
            },
        })
        .unwrap();
    }
    sim.handle(Command::AddProducer {
        producer: ProducerId(1),
        config: ProducerConfig {
            acks: Acks::All,
            ..ProducerConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(1),
        topic: "orders".to_owned(),
        group: Some("billing".to_owned()),
        config: ConsumerConfig {
            session_timeout_ms: 10_000,
            heartbeat_interval_ms: 1_000,
            ..ConsumerConfig::default()
        },
    })
    .unwrap();
    sim
}

fn feed(sim: &mut Simulation, log: &mut EventLog, ms: u64) {
    let until = sim.now().plus_ms(ms);
    sim.advance_to(until);
    let events = sim.drain_events();
    log.observe(sim, &events);
}

fn produce(sim: &mut Simulation, topic: &str, key: &str) {
    sim.handle(Command::Produce {
        producer: ProducerId(1),
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        value: Some("v".to_owned()),
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    })
    .unwrap();
}

#[test]
fn filters_by_family_broker_topic_and_group() {
    let mut sim = run();
    let mut log = EventLog::new();
    feed(&mut sim, &mut log, 5_000);
    produce(&mut sim, "orders", "a");
    produce(&mut sim, "audit", "b");
    feed(&mut sim, &mut log, 2_000);
    sim.handle(Command::CrashBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    feed(&mut sim, &mut log, 6_000);

    let all = log.view(&sim, &EventFilter::default(), usize::MAX);
    assert!(
        all.entries.iter().all(|e| e.family != EventFamily::Network),
        "network messages are hidden by default"
    );
    // Newest first.
    assert!(all.entries.windows(2).all(|w| w[0].key > w[1].key));

    let with_network = EventFilter::default().toggled(EventFamily::Network);
    let noisy = log.view(&sim, &with_network, usize::MAX);
    assert!(noisy.matching > all.matching);
    assert!(noisy
        .entries
        .iter()
        .any(|e| e.family == EventFamily::Network));

    let faults = EventFilter {
        families: [EventFamily::Fault].into(),
        ..EventFilter::default()
    };
    let faults = log.view(&sim, &faults, usize::MAX);
    assert!(faults
        .entries
        .iter()
        .any(|e| e.sentence == "broker 1 crashed"));
    assert!(faults
        .entries
        .iter()
        .all(|e| e.family == EventFamily::Fault));

    let broker_1 = EventFilter {
        broker: Some(BrokerId(1)),
        ..EventFilter::default()
    };
    let broker_1 = log.view(&sim, &broker_1, usize::MAX);
    assert!(!broker_1.entries.is_empty());
    assert!(broker_1
        .entries
        .iter()
        .all(|e| e.touched.touches_broker(BrokerId(1))));

    let audit_topic = EventFilter {
        topic: Some("audit".to_owned()),
        ..EventFilter::default()
    };
    let audit_topic = log.view(&sim, &audit_topic, usize::MAX);
    assert!(!audit_topic.entries.is_empty());
    assert!(audit_topic.entries.iter().all(|e| e
        .touched
        .partitions
        .iter()
        .all(|tp| &*tp.topic == "audit")
        && !e.sentence.contains("orders")));

    let billing = EventFilter {
        group: Some("billing".to_owned()),
        ..EventFilter::default()
    };
    let billing = log.view(&sim, &billing, usize::MAX);
    assert!(billing
        .entries
        .iter()
        .any(|e| e.sentence.contains("joined group billing")));
    assert!(billing
        .entries
        .iter()
        .all(|e| e.touched.groups.contains("billing")));

    assert_eq!(all.groups, vec!["billing".to_owned()]);
    assert!(all.topics.contains(&"audit".to_owned()));
    assert_eq!(all.brokers.len(), 3);

    let capped = log.view(&sim, &EventFilter::default(), 5);
    assert_eq!(capped.entries.len(), 5);
    assert_eq!(capped.matching, all.matching);
}

#[test]
fn the_rings_stay_bounded_and_rare_events_survive_a_flood() {
    let mut sim = run();
    let mut log = EventLog::new();
    feed(&mut sim, &mut log, 3_000);
    sim.handle(Command::CrashBroker {
        broker: BrokerId(2),
    })
    .unwrap();
    feed(&mut sim, &mut log, 10);
    for n in 0..3_000 {
        produce(&mut sim, "orders", &format!("k{n}"));
        if n % 50 == 0 {
            feed(&mut sim, &mut log, 20);
        }
    }
    feed(&mut sim, &mut log, 5_000);
    assert!(log.len() <= RINGS * EVENT_LOG_KEPT);
    let view = log.view(&sim, &EventFilter::default(), usize::MAX);
    assert!(view
        .entries
        .iter()
        .any(|e| e.sentence == "broker 2 crashed"));
}

#[test]
fn rewind_then_replay_gives_the_same_log() {
    let mut sim = run();
    let mut log = EventLog::new();
    feed(&mut sim, &mut log, 4_000);
    for n in 0..20 {
        produce(&mut sim, "orders", &format!("k{n}"));
    }
    feed(&mut sim, &mut log, 300);
    let snapshot = sim.clone();
    let snapshot_time = sim.now();
    let mut straight = log.clone();
    for step in [700, 1_300, 2_000] {
        feed(&mut sim, &mut straight, step);
    }
    // Replay from the snapshot in different steps: the log must not depend on them.
    let mut replayed_sim = snapshot;
    let mut rewound = straight.clone();
    rewound.rewind_to(snapshot_time);
    assert_eq!(rewound, log, "rewinding forgets exactly what came after");
    feed(&mut replayed_sim, &mut rewound, 4_000);
    assert_eq!(rewound, straight);
}
