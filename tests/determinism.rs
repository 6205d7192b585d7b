//! One seed, one run: the same scene twice gives the same event trace, line for line.

use kafka_playground::engine::{
    Command, NetworkConfig, ProducerConfig, ProducerId, SimConfig, SimTime, Simulation, TopicConfig,
};
use kafka_playground::scenario::{Scene, SceneId, SHIPPED};

fn trace(mut sim: Simulation, until_ms: u64) -> Vec<String> {
    sim.advance_to(SimTime::from_ms(until_ms));
    sim.drain_events().iter().map(ToString::to_string).collect()
}

#[test]
fn each_scene_replays_identically() {
    for id in SceneId::ALL {
        let first = trace(Scene::get(id).build(), 20_000);
        let second = trace(Scene::get(id).build(), 20_000);
        assert!(first.len() > 50, "{id:?} should do real work");
        assert_eq!(first, second, "{id:?} diverged");
    }
}

/// Every shipped scenario file (the tour's scenes, the sandbox's presets and the worked
/// examples are all among them) replays identically from its setup, for its first 10 seconds:
/// long enough for every one to have started its clients and traffic, short enough for the
/// large preset to stay quick in a debug build.
#[test]
fn every_shipped_scenario_replays_identically() {
    for file in SHIPPED {
        let setup = file.setup();
        let first = trace(setup.build(), 10_000);
        let second = trace(setup.build(), 10_000);
        assert!(first.len() > 10, "{} should do real work", file.slug);
        assert_eq!(first, second, "{} diverged", file.slug);
    }
}

/// Jitter is drawn from the seed, so a different seed must give a different trace. Without
/// this the determinism test above could pass on a simulation that ignores its seed.
#[test]
fn the_seed_drives_the_jitter() {
    let run = |seed| {
        let mut sim = Simulation::new(SimConfig {
            seed,
            broker_count: 1,
            network: NetworkConfig {
                latency_ms: 10,
                jitter_ms: 50,
                drop_per_million: 0,
            },
            ..SimConfig::default()
        });
        sim.handle(Command::CreateTopic {
            name: "t".into(),
            config: TopicConfig {
                partitions: 3,
                ..TopicConfig::default()
            },
        })
        .unwrap();
        sim.handle(Command::AddProducer {
            producer: ProducerId(0),
            config: ProducerConfig::default(),
        })
        .unwrap();
        for n in 0..20 {
            sim.schedule(
                SimTime::from_ms(n * 7),
                Command::Produce {
                    producer: ProducerId(0),
                    topic: "t".into(),
                    key: Some(format!("k{n}")),
                    value: Some(n.to_string()),
                    partition: None,
                    timestamp: None,
                    headers: Vec::new(),
                },
            );
        }
        trace(sim, 2_000)
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

/// Stepping one timer at a time reaches the same state as one big jump.
#[test]
fn stepping_and_jumping_agree() {
    let jumped = trace(Scene::get(SceneId::ThreePartitions).build(), 20_000);
    let mut sim = Scene::get(SceneId::ThreePartitions).build();
    while sim
        .next_deadline()
        .is_some_and(|t| t <= SimTime::from_ms(20_000))
    {
        sim.step();
    }
    let stepped: Vec<String> = sim.drain_events().iter().map(ToString::to_string).collect();
    assert_eq!(jumped, stepped);
}

/// The whole broker core at once: replication, acks=all, idempotence, a consumer group,
/// retention, network drops and jitter, a broker crash and restart, an isolation and heal,
/// and a consumer crash. Twice with one seed gives the same trace; another seed does not.
#[test]
fn a_run_with_every_feature_replays_identically() {
    use kafka_playground::engine::{
        BrokerConfig, BrokerId, ConsumerConfig, ConsumerId, KeyPattern, Workload,
    };
    let run = |seed: u64| -> Vec<String> {
        let mut sim = Simulation::new(SimConfig {
            seed,
            broker_count: 3,
            network: NetworkConfig {
                latency_ms: 3,
                jitter_ms: 4,
                drop_per_million: 5_000,
            },
            broker: BrokerConfig {
                replica_lag_time_max_ms: 2_000,
                broker_session_timeout_ms: 3_000,
                log_retention_check_interval_ms: 2_000,
                ..BrokerConfig::default()
            },
        });
        sim.handle(Command::CreateTopic {
            name: "orders".into(),
            config: TopicConfig {
                partitions: 4,
                replication_factor: 3,
                min_insync_replicas: 2,
                segment_bytes: 2_000,
                retention_bytes: 20_000,
                ..TopicConfig::default()
            },
        })
        .unwrap();
        sim.handle(Command::AddProducer {
            producer: ProducerId(1),
            config: ProducerConfig::default(),
        })
        .unwrap();
        sim.handle(Command::StartWorkload {
            producer: ProducerId(1),
            workload: Workload {
                topic: "orders".into(),
                records_per_second: 500,
                keys: KeyPattern::Cycle { count: 16 },
                count: None,
            },
        })
        .unwrap();
        for id in 1..=3 {
            sim.handle(Command::AddConsumer {
                consumer: ConsumerId(id),
                topic: "orders".into(),
                group: Some("billing".into()),
                config: ConsumerConfig {
                    max_poll_interval_ms: 10_000,
                    ..ConsumerConfig::default()
                },
            })
            .unwrap();
        }
        let faults = [
            (
                4_000,
                Command::CrashBroker {
                    broker: BrokerId(1),
                },
            ),
            (
                9_000,
                Command::RestartBroker {
                    broker: BrokerId(1),
                },
            ),
            (
                12_000,
                Command::IsolateBroker {
                    broker: BrokerId(2),
                },
            ),
            (
                18_000,
                Command::HealBroker {
                    broker: BrokerId(2),
                },
            ),
            (
                20_000,
                Command::CrashConsumer {
                    consumer: ConsumerId(2),
                },
            ),
        ];
        for (at, command) in faults {
            sim.schedule(SimTime::from_ms(at), command);
        }
        let mut lines = trace(sim.clone(), 30_000);
        sim.advance_to(SimTime::from_ms(30_000));
        lines.push(format!("{:?}", sim.audit()));
        lines
    };
    let first = run(5);
    assert!(first.len() > 10_000, "a busy run: {} events", first.len());
    assert_eq!(first, run(5));
    assert_ne!(first, run(6));
}
