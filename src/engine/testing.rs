//! Fixtures shared by the crate's tests and benchmarks, compiled only for unit tests or with
//! the `testing` feature (which `tests/` and `benches/` enable through the crate's
//! dev-dependency on itself), so no page's wasm carries them: the fast test cluster, and the
//! standard workload both benchmarks (native criterion and wasm in Chromium) measure, so they
//! measure exactly the same simulated traffic.

use super::{
    AutoOffsetReset, BrokerConfig, Command, ConsumerConfig, ConsumerId, KeyPattern, NetworkConfig,
    ProducerConfig, ProducerId, SimConfig, Simulation, TopicConfig, Workload,
};

/// A cluster of `brokers` with fast failure detection (2 s replica lag, 3 s broker session)
/// and a steady 5 ms network, so tests run in little simulated time.
pub fn fast_cluster(brokers: u32, seed: u64) -> Simulation {
    Simulation::new(SimConfig {
        seed,
        broker_count: brokers,
        network: NetworkConfig {
            latency_ms: 5,
            jitter_ms: 0,
            drop_per_million: 0,
        },
        broker: BrokerConfig {
            replica_lag_time_max_ms: 2_000,
            broker_session_timeout_ms: 3_000,
            ..BrokerConfig::default()
        },
    })
}

/// The benchmark cluster: 3 brokers, a 12-partition topic with replication factor 3,
/// `min.insync.replicas=2`, an `acks=all` idempotent producer sending `records_per_second`
/// keyed records, and a 3-member consumer group reading everything. `batched = false` sets
/// `batch.size` below one record, so every record travels in a batch of its own.
pub fn throughput_cluster(records_per_second: u32, batched: bool) -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: 1,
        broker_count: 3,
        broker: BrokerConfig {
            // The group starts reading at once, so every measured run includes consumption.
            group_initial_rebalance_delay_ms: 0,
            ..BrokerConfig::default()
        },
        ..SimConfig::default()
    });
    sim.set_detailed_events(false);
    let commands = [
        Command::CreateTopic {
            name: "bench".into(),
            config: TopicConfig {
                partitions: 12,
                replication_factor: 3,
                min_insync_replicas: 2,
                ..TopicConfig::default()
            },
        },
        Command::AddProducer {
            producer: ProducerId(1),
            config: ProducerConfig {
                batch_size: if batched { 16_384 } else { 1 },
                linger_ms: if batched { 5 } else { 0 },
                ..ProducerConfig::default()
            },
        },
        Command::StartWorkload {
            producer: ProducerId(1),
            workload: Workload {
                topic: "bench".into(),
                records_per_second,
                keys: KeyPattern::Cycle { count: 1_000 },
                count: None,
            },
        },
    ];
    for command in commands {
        sim.handle(command)
            .expect("the benchmark workload is valid");
    }
    for member in 1..=3 {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(member),
            topic: "bench".into(),
            group: Some("bench-readers".into()),
            config: ConsumerConfig {
                auto_offset_reset: AutoOffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        })
        .expect("the benchmark group is valid");
    }
    sim
}

/// Runs `sim` for `duration_ms` of simulated time in 100 ms steps, dropping events as it goes,
/// and returns how many records were acknowledged.
pub fn run_for(sim: &mut Simulation, duration_ms: u64) -> u64 {
    let start = sim.now();
    let mut at = start;
    while at < start.plus_ms(duration_ms) {
        at = at.plus_ms(100).min(start.plus_ms(duration_ms));
        sim.advance_to(at);
        sim.drain_events();
    }
    sim.producer(ProducerId(1))
        .map_or(0, |p| p.stats.records_acknowledged)
}
