//! Property tests: random clusters under random fault schedules keep the broker core's
//! invariants. A failure prints the generated case; proptest shrinks it and stores the seed
//! in `tests/properties.proptest-regressions`, and `PROPTEST_CASES=500 cargo test --test
//! properties` runs more. Native only: proptest is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_playground::engine::{
    Acks, BrokerConfig, BrokerId, Command, ConsumerConfig, ConsumerId, KeyPattern, NetworkConfig,
    Node, ProducerConfig, ProducerId, SimConfig, SimTime, Simulation, TopicConfig, TopicPartition,
    Workload,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Fault {
    Crash(u32),
    Restart(u32),
    Isolate(u32),
    Heal(u32),
    CrashConsumer(u32),
    DropRate(u32),
    SlowLink(u32, u32),
}

#[derive(Clone, Debug)]
struct Case {
    seed: u64,
    partitions: u32,
    replication_factor: u32,
    min_insync_replicas: u32,
    unclean: bool,
    acks: Acks,
    idempotent: bool,
    faults: Vec<(u64, Fault)>,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (0..3u32).prop_map(Fault::Crash),
        (0..3u32).prop_map(Fault::Restart),
        (0..3u32).prop_map(Fault::Isolate),
        (0..3u32).prop_map(Fault::Heal),
        (1..=3u32).prop_map(Fault::CrashConsumer),
        (0..50_000u32).prop_map(Fault::DropRate),
        (0..3u32, 1..300u32).prop_map(|(b, ms)| Fault::SlowLink(b, ms)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        1..=4u32,
        1..=3u32,
        prop_oneof![Just(Acks::None), Just(Acks::Leader), Just(Acks::All)],
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec((0..20_000u64, fault()), 0..8),
    )
        .prop_flat_map(
            |(seed, partitions, rf, acks, unclean, idempotent, faults)| {
                (1..=rf).prop_map(move |min_isr| Case {
                    seed,
                    partitions,
                    replication_factor: rf,
                    min_insync_replicas: min_isr,
                    unclean,
                    acks,
                    idempotent: idempotent && acks == Acks::All,
                    faults: faults.clone(),
                })
            },
        )
}

fn build(case: &Case) -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: case.seed,
        broker_count: 3,
        network: NetworkConfig {
            latency_ms: 3,
            jitter_ms: 3,
            drop_per_million: 0,
        },
        broker: BrokerConfig {
            replica_lag_time_max_ms: 2_000,
            broker_session_timeout_ms: 3_000,
            ..BrokerConfig::default()
        },
    });
    sim.handle(Command::CreateTopic {
        name: "t".into(),
        config: TopicConfig {
            partitions: case.partitions,
            replication_factor: case.replication_factor,
            min_insync_replicas: case.min_insync_replicas,
            unclean_leader_election_enable: case.unclean,
            ..TopicConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::AddProducer {
        producer: ProducerId(1),
        config: ProducerConfig {
            acks: case.acks,
            enable_idempotence: case.idempotent,
            request_timeout_ms: 2_000,
            ..ProducerConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::StartWorkload {
        producer: ProducerId(1),
        workload: Workload {
            topic: "t".into(),
            records_per_second: 300,
            keys: KeyPattern::Cycle { count: 8 },
            count: None,
        },
    })
    .unwrap();
    for id in 1..=3 {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(id),
            topic: "t".into(),
            group: Some("g".into()),
            config: ConsumerConfig {
                session_timeout_ms: 10_000,
                heartbeat_interval_ms: 1_000,
                max_poll_interval_ms: 10_000,
                ..ConsumerConfig::default()
            },
        })
        .unwrap();
    }
    for (at, fault) in &case.faults {
        let command = match *fault {
            Fault::Crash(b) => Command::CrashBroker {
                broker: BrokerId(b),
            },
            Fault::Restart(b) => Command::RestartBroker {
                broker: BrokerId(b),
            },
            Fault::Isolate(b) => Command::IsolateBroker {
                broker: BrokerId(b),
            },
            Fault::Heal(b) => Command::HealBroker {
                broker: BrokerId(b),
            },
            Fault::CrashConsumer(c) => Command::CrashConsumer {
                consumer: ConsumerId(c),
            },
            Fault::DropRate(per_million) => Command::SetNetwork {
                config: NetworkConfig {
                    latency_ms: 3,
                    jitter_ms: 3,
                    drop_per_million: per_million,
                },
            },
            Fault::SlowLink(b, ms) => Command::SetLinkLatency {
                a: Node::Broker(BrokerId(b)),
                b: Node::Producer(ProducerId(1)),
                latency_ms: u64::from(ms),
            },
        };
        // Invalid faults (restarting a running broker...) are rejected and reported as events.
        sim.schedule(SimTime::from_ms(*at), command);
    }
    sim
}

/// Runs the case, checking the invariants every 50 ms of simulated time, and returns the
/// event trace.
fn run_and_check(case: &Case) -> Result<Vec<String>, TestCaseError> {
    let mut sim = build(case);
    let mut trace = Vec::new();
    // What each leader held below its high watermark, per partition and leader epoch.
    let mut committed_prefix: BTreeMap<(u32, u32), Vec<u64>> = BTreeMap::new();
    let mut max_high_watermark: BTreeMap<u32, u64> = BTreeMap::new();
    for step in 1..=250u64 {
        sim.advance_to(SimTime::from_ms(step * 100));
        trace.extend(sim.drain_events().iter().map(ToString::to_string));
        for p in 0..case.partitions {
            let tp = TopicPartition::new("t", p);
            let meta = sim.partition(&tp).unwrap().clone();
            prop_assert!(!meta.isr.is_empty(), "empty ISR on {tp}");
            prop_assert!(
                meta.isr.iter().all(|b| meta.replicas.contains(b)),
                "ISR ⊄ replicas on {tp}"
            );
            if let Some(leader) = meta.leader {
                prop_assert!(
                    meta.isr.contains(&leader),
                    "leader {leader} not in ISR {:?} on {tp}",
                    meta.isr
                );
            }
            for broker in &meta.replicas {
                let log = sim.replica_log(*broker, &tp).unwrap();
                prop_assert!(
                    log.log_start_offset() <= log.high_watermark(),
                    "start > HW on {broker} {tp}"
                );
                prop_assert!(
                    log.high_watermark() <= log.log_end_offset(),
                    "HW > LEO on {broker} {tp}"
                );
            }
            let unclean = sim.elections(&tp).iter().any(|e| e.unclean);
            // The highest high watermark any replica has reached (a crashed leader's log
            // keeps the value it had).
            for broker in &meta.replicas {
                let high_watermark = sim.replica_log(*broker, &tp).unwrap().high_watermark().0;
                let entry = max_high_watermark.entry(p).or_insert(0);
                *entry = (*entry).max(high_watermark);
            }
            if let (Some(leader), false) = (meta.leader, unclean) {
                let log = sim.leader_log(&tp).unwrap();
                let high_watermark = log.high_watermark().0;
                // Offsets below the high watermark never get different records.
                let prefix: Vec<u64> = log
                    .records()
                    .take_while(|(o, _)| o.0 < high_watermark)
                    .map(|(_, r)| r.id.0)
                    .collect();
                let known = committed_prefix.entry((p, meta.leader_epoch)).or_default();
                let shared = known.len().min(prefix.len());
                prop_assert_eq!(
                    &known[..shared],
                    &prefix[..shared],
                    "offsets reused on {} (leader {})",
                    tp,
                    leader
                );
                if prefix.len() > known.len() {
                    *known = prefix;
                }
            }
            if let Some(group) = sim.group("g") {
                if let Some(committed) = group.offsets.get(&tp) {
                    let ceiling = max_high_watermark.get(&p).copied().unwrap_or(0);
                    prop_assert!(
                        unclean || committed.0 <= ceiling,
                        "committed {committed} > HW {ceiling} on {tp}"
                    );
                }
            }
        }
    }
    let audit = sim.audit();
    let any_unclean = (0..case.partitions).any(|p| {
        sim.elections(&TopicPartition::new("t", p))
            .iter()
            .any(|e| e.unclean)
    });
    if case.acks == Acks::All && case.min_insync_replicas >= 2 && !any_unclean {
        prop_assert!(
            audit.acknowledged_then_lost.is_empty(),
            "acknowledged loss: {:?}",
            audit.acknowledged_then_lost
        );
    }
    trace.push(format!("{audit:?}"));
    Ok(trace)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_under_random_faults(case in case()) {
        let first = run_and_check(&case).inspect_err(|_| {
            eprintln!("reproduce with this case (seed {}): {case:?}", case.seed);
        })?;
        // Determinism: the same case twice gives the same trace.
        let second = run_and_check(&case)?;
        prop_assert!(first == second, "seed {} is not deterministic", case.seed);
    }
}
