//! Property tests: random clusters under random faults, with the engine's safety invariants
//! checked after every instant of simulated time (all the timers due at one millisecond, then
//! the checks, so every state a client or replica could observe is checked).
//!
//! Each case is a [`Scenario`]: a simulation seed, topics, producers, one consumer group and a
//! timeline of faults (broker crashes, restarts, isolation and healing, consumer crashes, a
//! lossy network, slow links). The run has two phases: the faults, then a recovery in which
//! every broker is restarted and healed and the network is made clean again, so the final audit
//! looks at a cluster whose partitions have leaders again.
//!
//! The run is reproducible: proptest's generator is seeded from `SEED` (a fixed default, so
//! `cargo test` is deterministic), and a failure prints the minimal scenario and a one-line
//! command that replays the whole search. `PROPTEST_CASES` raises the number of cases.
//! Proptest also stores the seed of a shrunk failure in `tests/properties.proptest-regressions`
//! and replays those cases first. Native only: proptest is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kafka_playground::engine::{
    Acks, AutoOffsetReset, BrokerConfig, BrokerId, Command, ConsumerConfig, ConsumerId, EventKind,
    KeyPattern, NetworkConfig, Node, Offset, ProducerConfig, ProducerId, RecordId, SimConfig,
    SimTime, Simulation, TopicConfig, TopicPartition, Workload, OFFSETS_TOPIC,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError};

/// The cluster size the brief asks for.
const BROKERS: u32 = 3;
/// The group every consumer of a scenario joins.
const GROUP: &str = "audit-group";
/// Cases per run unless `PROPTEST_CASES` says otherwise. Chosen so the file runs in well under
/// a minute in a debug build on two cores.
const DEFAULT_CASES: u32 = 48;
/// The proptest seed unless `SEED` says otherwise. A fixed default keeps `cargo test`
/// deterministic; other seeds explore other scenarios.
const DEFAULT_SEED: u64 = 0x6b61_666b_615f_7074;
/// How long the faults phase lasts, at most, in simulated milliseconds.
const MAX_FAULT_PHASE_MS: u64 = 20_000;
/// The recovery phase: long enough for a restarted broker to be unfenced, to catch up, rejoin
/// the ISR and for elections to settle (session timeouts here are a few seconds).
const RECOVERY_MS: u64 = 15_000;
/// How often the linear-time checks (the audit, and every remembered committed record against
/// the current leader) run, in simulated milliseconds. The cheap checks run after every
/// instant of simulated time, and the committed records are also compared in full whenever a
/// partition's leader or epoch changes.
const FULL_CHECK_EVERY_MS: u64 = 1_000;

#[derive(Clone, Debug)]
struct TopicSpec {
    partitions: u32,
    replication_factor: u32,
    min_insync_replicas: u32,
    unclean: bool,
    /// `retention.bytes` per partition; small values move the log start offset during a run.
    retention_bytes: Option<i64>,
}

#[derive(Clone, Debug)]
struct ProducerSpec {
    /// Index into the scenario's topics.
    topic: usize,
    acks: Acks,
    idempotent: bool,
    records_per_second: u32,
    /// `None` sends keyless records; `Some(n)` cycles over `n` keys.
    keys: Option<u32>,
    linger_ms: u64,
    max_in_flight: u32,
    request_timeout_ms: u64,
}

#[derive(Clone, Debug)]
enum Fault {
    CrashBroker(u32),
    RestartBroker(u32),
    IsolateBroker(u32),
    HealBroker(u32),
    CrashConsumer(u32),
    /// Messages dropped per million on every link.
    DropRate(u32),
    /// One link between two brokers gets slower or faster.
    BrokerLinkLatency {
        a: u32,
        b: u32,
        latency_ms: u64,
    },
    /// The link between a producer and a broker.
    ProducerLinkLatency {
        producer: u32,
        broker: u32,
        latency_ms: u64,
    },
}

#[derive(Clone, Debug)]
struct Scenario {
    seed: u64,
    latency_ms: u64,
    jitter_ms: u64,
    replica_lag_time_max_ms: u64,
    offsets_topic_partitions: u32,
    topics: Vec<TopicSpec>,
    producers: Vec<ProducerSpec>,
    /// Members of the one consumer group, all reading the first topic.
    consumers: u32,
    fault_phase_ms: u64,
    /// Faults and when they happen, in simulated milliseconds from the start.
    faults: Vec<(u64, Fault)>,
}

fn topic_spec() -> impl Strategy<Value = TopicSpec> {
    (1u32..=4, 1u32..=BROKERS)
        .prop_flat_map(|(partitions, replication_factor)| {
            (
                Just(partitions),
                Just(replication_factor),
                1u32..=replication_factor,
                any::<bool>(),
                prop_oneof![3 => Just(None), 1 => (2_000i64..20_000).prop_map(Some)],
            )
        })
        .prop_map(
            |(partitions, replication_factor, min_insync_replicas, unclean, retention_bytes)| {
                TopicSpec {
                    partitions,
                    replication_factor,
                    min_insync_replicas,
                    unclean,
                    retention_bytes,
                }
            },
        )
}

fn producer_spec(topics: usize) -> impl Strategy<Value = ProducerSpec> {
    (
        0..topics,
        prop_oneof![Just(Acks::None), Just(Acks::Leader), Just(Acks::All)],
        any::<bool>(),
        5u32..=200,
        prop_oneof![Just(None), (1u32..=16).prop_map(Some)],
        0u64..=10,
        1u32..=5,
        2_000u64..=10_000,
    )
        .prop_map(
            |(topic, acks, idempotent, rate, keys, linger_ms, max_in_flight, timeout)| {
                ProducerSpec {
                    topic,
                    acks,
                    // Idempotence requires acks=all (a configuration error otherwise).
                    idempotent: idempotent && acks == Acks::All,
                    records_per_second: rate,
                    keys,
                    linger_ms,
                    max_in_flight,
                    request_timeout_ms: timeout,
                }
            },
        )
}

fn fault(producers: u32) -> impl Strategy<Value = Fault> {
    let broker = 0..BROKERS;
    prop_oneof![
        3 => broker.clone().prop_map(Fault::CrashBroker),
        3 => broker.clone().prop_map(Fault::RestartBroker),
        2 => broker.clone().prop_map(Fault::IsolateBroker),
        2 => broker.clone().prop_map(Fault::HealBroker),
        1 => (0u32..3).prop_map(Fault::CrashConsumer),
        1 => prop_oneof![Just(0u32), 1_000u32..=200_000].prop_map(Fault::DropRate),
        1 => (broker.clone(), 1u32..BROKERS, 1u64..=400).prop_map(|(a, step, latency_ms)| {
            Fault::BrokerLinkLatency { a, b: (a + step) % BROKERS, latency_ms }
        }),
        1 => (0..producers, broker, 1u64..=400).prop_map(|(producer, broker, latency_ms)| {
            Fault::ProducerLinkLatency { producer, broker, latency_ms }
        }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(topic_spec(), 1..=2),
        any::<u64>(),
        1u64..=10,
        0u64..=5,
        // replica.lag.time.max.ms: short, so followers leave the ISR within a fault phase and
        // an unclean election (ISR of one, then its leader dies) has time to happen.
        1_000u64..=5_000,
        1u32..=5,
        1u32..=3,
        5_000u64..=MAX_FAULT_PHASE_MS,
    )
        .prop_flat_map(
            |(topics, seed, latency, jitter, lag, offsets, consumers, phase)| {
                let topic_count = topics.len();
                (
                    Just(topics),
                    Just((seed, latency, jitter, lag, offsets, consumers, phase)),
                    prop::collection::vec(producer_spec(topic_count), 1..=3),
                )
            },
        )
        .prop_flat_map(|(topics, settings, producers)| {
            let phase = settings.6;
            let faults = prop::collection::vec((0..phase, fault(producers.len() as u32)), 0..=16)
                .prop_map(|mut faults| {
                    // The timeline is a sorted list, so a printed scenario reads in time order.
                    faults.sort_by_key(|(at, _)| *at);
                    faults
                });
            (Just(topics), Just(settings), Just(producers), faults)
        })
        .prop_map(
            |(
                topics,
                (seed, latency, jitter, lag, offsets, consumers, phase),
                producers,
                faults,
            )| {
                Scenario {
                    seed,
                    latency_ms: latency,
                    jitter_ms: jitter,
                    replica_lag_time_max_ms: lag,
                    offsets_topic_partitions: offsets,
                    topics,
                    producers,
                    consumers,
                    fault_phase_ms: phase,
                    faults,
                }
            },
        )
}

fn topic_name(index: usize) -> String {
    format!("t{index}")
}

fn network(scenario: &Scenario, drop_per_million: u32) -> NetworkConfig {
    NetworkConfig {
        latency_ms: scenario.latency_ms,
        jitter_ms: scenario.jitter_ms,
        drop_per_million,
    }
}

/// Builds the cluster, its clients and workloads, and schedules the fault timeline.
fn build(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: scenario.seed,
        broker_count: BROKERS,
        network: network(scenario, 0),
        broker: BrokerConfig {
            replica_lag_time_max_ms: scenario.replica_lag_time_max_ms,
            broker_session_timeout_ms: 3_000,
            group_initial_rebalance_delay_ms: 500,
            offsets_topic_num_partitions: scenario.offsets_topic_partitions,
            ..BrokerConfig::default()
        },
    });
    for (index, topic) in scenario.topics.iter().enumerate() {
        sim.handle(Command::CreateTopic {
            name: topic_name(index),
            config: TopicConfig {
                partitions: topic.partitions,
                replication_factor: topic.replication_factor,
                min_insync_replicas: topic.min_insync_replicas,
                unclean_leader_election_enable: topic.unclean,
                retention_bytes: topic.retention_bytes.unwrap_or(-1),
                // Small segments, so byte retention has whole segments to delete.
                segment_bytes: if topic.retention_bytes.is_some() {
                    1_000
                } else {
                    TopicConfig::default().segment_bytes
                },
                ..TopicConfig::default()
            },
        })
        .expect("generated topic configs are valid");
    }
    for (index, producer) in scenario.producers.iter().enumerate() {
        let id = ProducerId(index as u32);
        sim.handle(Command::AddProducer {
            producer: id,
            config: ProducerConfig {
                acks: producer.acks,
                enable_idempotence: producer.idempotent,
                linger_ms: producer.linger_ms,
                max_in_flight_requests_per_connection: producer.max_in_flight,
                request_timeout_ms: producer.request_timeout_ms,
                ..ProducerConfig::default()
            },
        })
        .expect("generated producer configs are valid");
        sim.handle(Command::StartWorkload {
            producer: id,
            workload: Workload {
                topic: topic_name(producer.topic),
                records_per_second: producer.records_per_second,
                keys: producer
                    .keys
                    .map_or(KeyPattern::None, |count| KeyPattern::Cycle { count }),
                count: None,
            },
        })
        .expect("workload accepted");
    }
    for index in 0..scenario.consumers {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(index),
            topic: topic_name(0),
            group: Some(GROUP.to_owned()),
            config: ConsumerConfig {
                auto_offset_reset: AutoOffsetReset::Earliest,
                session_timeout_ms: 6_000,
                heartbeat_interval_ms: 1_000,
                // Frequent commits give the committed-offset invariant something to check.
                auto_commit_interval_ms: 500,
                ..ConsumerConfig::default()
            },
        })
        .expect("consumer added");
    }
    for (at, fault) in &scenario.faults {
        // A fault that does not apply (restarting a running broker, crashing a consumer that
        // does not exist) becomes a CommandRejected event, which is harmless and deterministic.
        let command = match *fault {
            Fault::CrashBroker(b) => Command::CrashBroker {
                broker: BrokerId(b),
            },
            Fault::RestartBroker(b) => Command::RestartBroker {
                broker: BrokerId(b),
            },
            Fault::IsolateBroker(b) => Command::IsolateBroker {
                broker: BrokerId(b),
            },
            Fault::HealBroker(b) => Command::HealBroker {
                broker: BrokerId(b),
            },
            Fault::CrashConsumer(c) => Command::CrashConsumer {
                consumer: ConsumerId(c),
            },
            Fault::DropRate(per_million) => Command::SetNetwork {
                config: network(scenario, per_million),
            },
            Fault::BrokerLinkLatency { a, b, latency_ms } => Command::SetLinkLatency {
                a: Node::Broker(BrokerId(a)),
                b: Node::Broker(BrokerId(b)),
                latency_ms,
            },
            Fault::ProducerLinkLatency {
                producer,
                broker,
                latency_ms,
            } => Command::SetLinkLatency {
                a: Node::Producer(ProducerId(producer)),
                b: Node::Broker(BrokerId(broker)),
                latency_ms,
            },
        };
        sim.schedule(SimTime::from_ms(*at), command);
    }
    sim
}

/// Ends the faults phase: every broker runs and is connected, and the network loses nothing,
/// so the recovery phase can bring every partition back.
fn recover(sim: &mut Simulation, scenario: &Scenario) {
    let brokers: Vec<(BrokerId, bool)> = sim.brokers().map(|b| (b.id, b.up)).collect();
    for (broker, up) in brokers {
        if sim.is_isolated(broker) {
            sim.handle(Command::HealBroker { broker }).expect("heal");
        }
        if !up {
            sim.handle(Command::RestartBroker { broker })
                .expect("restart");
        }
    }
    sim.handle(Command::SetNetwork {
        config: network(scenario, 0),
    })
    .expect("network");
}

/// What the checker remembers about one partition between steps.
#[derive(Default)]
struct PartitionMemory {
    /// The record id at each offset below a leader's high watermark, as first observed. Offsets
    /// below the first one observed (retention) are `None`.
    committed: Vec<Option<RecordId>>,
    /// The leader and epoch at the last check; a change triggers a full comparison.
    leader: Option<(BrokerId, u32)>,
    /// Unclean elections seen so far: a new one makes `committed` start again.
    unclean_elections: usize,
    /// The highest high watermark any replica of the partition ever had.
    max_high_watermark: u64,
    /// Each replica's last high watermark, to check that it never moves back.
    replica_high_watermarks: BTreeMap<BrokerId, u64>,
}

/// Checks the invariants on a running simulation and remembers what it needs across steps.
#[derive(Default)]
struct Checker {
    /// By topic name, then by partition number: a lookup per topic, not per partition, keeps
    /// the checks after every instant cheap.
    partitions: BTreeMap<String, Vec<PartitionMemory>>,
    last_full_check: Option<SimTime>,
}

impl Checker {
    /// Checks every invariant that concerns the current state. `full` also compares every
    /// committed record seen so far with the current leader's log.
    fn check(&mut self, sim: &Simulation, full: bool) -> Result<(), String> {
        let now = sim.now();
        for topic in sim.topics() {
            let user_topic = topic.name != OFFSETS_TOPIC;
            if !self.partitions.contains_key(&topic.name) {
                self.partitions.insert(topic.name.clone(), Vec::new());
            }
            let memories = self
                .partitions
                .get_mut(&topic.name)
                .expect("inserted above");
            memories.resize_with(topic.partitions.len(), PartitionMemory::default);
            for (index, (meta, memory)) in topic.partitions.iter().zip(memories).enumerate() {
                let tp = TopicPartition::new(topic.name.as_str(), index as u32);
                let unclean = sim.elections(&tp).iter().filter(|e| e.unclean).count();
                let unclean_happened = unclean > memory.unclean_elections;
                if unclean_happened {
                    // Records below the high watermark may legitimately change after an unclean
                    // election: start again from the new leader's log.
                    memory.unclean_elections = unclean;
                    memory.committed.clear();
                }

                // The ISR: non-empty, within the replicas, without duplicates, and containing
                // the leader. KRaft keeps the last in-sync replica in the ISR of a partition
                // that went offline (so it is the one to lead again), so non-empty holds with
                // or without a leader.
                if meta.isr.is_empty() {
                    return Err(format!(
                        "{now}: {tp} has an empty ISR (leader {:?})",
                        meta.leader
                    ));
                }
                if let Some(stray) = meta.isr.iter().find(|b| !meta.replicas.contains(b)) {
                    return Err(format!(
                        "{now}: {tp} ISR {:?} holds {stray}, which is not a replica {:?}",
                        meta.isr, meta.replicas
                    ));
                }
                let mut sorted = meta.isr.clone();
                sorted.sort();
                sorted.dedup();
                if sorted.len() != meta.isr.len() {
                    return Err(format!("{now}: {tp} ISR has duplicates: {:?}", meta.isr));
                }
                if let Some(leader) = meta.leader.filter(|l| !meta.isr.contains(l)) {
                    return Err(format!(
                        "{now}: {tp} leader {leader} is not in its ISR {:?}",
                        meta.isr
                    ));
                }

                // Every replica's log: start <= high watermark <= end, and the high watermark
                // of one replica never moves back.
                for broker in &meta.replicas {
                    let Some(log) = sim.replica_log(*broker, &tp) else {
                        continue;
                    };
                    let (start, hw, end) = (
                        log.log_start_offset().0,
                        log.high_watermark().0,
                        log.log_end_offset().0,
                    );
                    if !(start <= hw && hw <= end) {
                        return Err(format!(
                            "{now}: {tp} on {broker}: log start {start}, high watermark {hw}, \
                             log end {end} are out of order"
                        ));
                    }
                    memory.max_high_watermark = memory.max_high_watermark.max(hw);
                    let previous = memory.replica_high_watermarks.insert(*broker, hw);
                    // After an unclean election the other replicas truncate to the new
                    // leader's log when they next fetch, possibly below their high watermark,
                    // so the rule holds only on partitions that never had one.
                    let previous = previous.filter(|_| memory.unclean_elections == 0);
                    if let Some(previous) = previous.filter(|p| *p > hw) {
                        return Err(format!(
                            "{now}: {tp} on {broker}: the high watermark moved back from \
                             {previous} to {hw} without an unclean election"
                        ));
                    }
                }

                // Offsets are never reused: what was below a leader's high watermark stays.
                // `__consumer_offsets` is compacted and holds no records here, so only user
                // topics are compared.
                if !user_topic {
                    continue;
                }
                let (Some(leader), Some(log)) = (meta.leader, sim.leader_log(&tp)) else {
                    memory.leader = None;
                    continue;
                };
                let leader_changed = memory.leader != Some((leader, meta.leader_epoch));
                memory.leader = Some((leader, meta.leader_epoch));
                let start = log.log_start_offset().0;
                let hw = log.high_watermark().0;
                let known = memory.committed.len() as u64;
                let compare_from = if full || leader_changed || unclean_happened {
                    start
                } else {
                    known.max(start)
                };
                for offset in compare_from..hw {
                    let Some(record) = log.record_at(Offset(offset)) else {
                        continue;
                    };
                    if offset < known {
                        let remembered = memory.committed[offset as usize];
                        if let Some(remembered) = remembered.filter(|r| *r != record.id) {
                            return Err(format!(
                                "{now}: {tp} offset {offset} below the high watermark {hw} of \
                                 leader {leader} (epoch {}) held {remembered} and now holds {} \
                                 without an unclean election",
                                meta.leader_epoch, record.id
                            ));
                        }
                        if remembered.is_none() {
                            memory.committed[offset as usize] = Some(record.id);
                        }
                    } else {
                        memory.committed.resize(offset as usize, None);
                        memory.committed.push(Some(record.id));
                    }
                }
            }
        }

        // A committed offset is never beyond what any replica ever exposed. Any high watermark
        // counts, not only the current leader's: a deposed leader that does not know it yet
        // still answers fetches, and followers learn the high watermark from a leader.
        for group in sim.groups() {
            for (tp, offset) in &group.offsets {
                let max = self
                    .partitions
                    .get(&*tp.topic)
                    .and_then(|memories| memories.get(tp.partition as usize))
                    .map_or(0, |memory| memory.max_high_watermark);
                if offset.0 > max {
                    return Err(format!(
                        "{now}: group {} committed offset {} for {tp}, beyond the highest high \
                         watermark ever seen there ({max})",
                        group.id, offset.0
                    ));
                }
            }
        }
        Ok(())
    }
}

/// acks=all with min.insync.replicas >= 2 loses nothing acknowledged unless an unclean
/// election happened on the partition.
fn check_no_acknowledged_loss(
    sim: &Simulation,
    scenario: &Scenario,
    record_producers: &BTreeMap<RecordId, ProducerId>,
) -> Result<(), String> {
    let mut protected = BTreeMap::new();
    for (index, topic) in scenario.topics.iter().enumerate() {
        for partition in 0..topic.partitions {
            let tp = TopicPartition::new(topic_name(index), partition);
            let unclean = sim.elections(&tp).iter().any(|e| e.unclean);
            protected.insert(tp.to_string(), topic.min_insync_replicas >= 2 && !unclean);
        }
    }
    let audit = sim.audit();
    for lost in &audit.acknowledged_then_lost {
        let acks_all = record_producers
            .get(&lost.record)
            .is_some_and(|p| scenario.producers[p.0 as usize].acks == Acks::All);
        if acks_all && protected.get(&lost.partition).copied().unwrap_or(false) {
            return Err(format!(
                "{}: {} at {} offset {} was acknowledged with acks=all and \
                 min.insync.replicas >= 2, no unclean election happened, and it is lost: {}",
                sim.now(),
                lost.record,
                lost.partition,
                lost.offset,
                lost.reason
            ));
        }
    }
    Ok(())
}

/// Runs a scenario to its end, checking every invariant after every step, and returns the
/// event trace.
fn run_checked(scenario: &Scenario) -> Result<Vec<String>, String> {
    let mut sim = build(scenario);
    let mut checker = Checker::default();
    let mut trace = Vec::new();
    let mut record_producers = BTreeMap::new();
    let recovery_at = SimTime::from_ms(scenario.fault_phase_ms);
    let end = SimTime::from_ms(scenario.fault_phase_ms + RECOVERY_MS);
    let mut recovered = false;
    checker.check(&sim, true)?;
    loop {
        let next = sim.next_deadline();
        if !recovered && next.is_none_or(|at| at > recovery_at) {
            sim.advance_to(recovery_at);
            recover(&mut sim, scenario);
            recovered = true;
        } else if next.is_none_or(|at| at > end) {
            sim.advance_to(end);
            break;
        } else {
            // Everything due at this instant, then the checks: the state between two instants
            // is what any client or replica can observe.
            sim.advance_to(next.expect("checked above"));
        }
        for event in sim.drain_events() {
            if let EventKind::RecordSent {
                record, producer, ..
            } = &event.kind
            {
                record_producers.insert(*record, *producer);
            }
            trace.push(event.to_string());
        }
        let now = sim.now();
        let full = checker
            .last_full_check
            .is_none_or(|at| now.since(at) >= FULL_CHECK_EVERY_MS);
        if full {
            checker.last_full_check = Some(now);
            check_no_acknowledged_loss(&sim, scenario, &record_producers)?;
        }
        checker.check(&sim, full)?;
    }
    for event in sim.drain_events() {
        trace.push(event.to_string());
    }
    checker.check(&sim, true)?;
    check_no_acknowledged_loss(&sim, scenario, &record_producers)?;
    // The audit is part of what must replay identically.
    trace.push(format!("{:?}", sim.audit()));
    Ok(trace)
}

/// The same scenario without checks: the trace the determinism invariant compares against.
fn run_plain(scenario: &Scenario) -> Vec<String> {
    let mut sim = build(scenario);
    let mut trace = Vec::new();
    sim.advance_to(SimTime::from_ms(scenario.fault_phase_ms));
    recover(&mut sim, scenario);
    sim.advance_to(SimTime::from_ms(scenario.fault_phase_ms + RECOVERY_MS));
    trace.extend(sim.drain_events().iter().map(ToString::to_string));
    trace.push(format!("{:?}", sim.audit()));
    trace
}

/// Runs every property on one scenario.
fn check_scenario(scenario: &Scenario) -> Result<(), String> {
    let first = run_checked(scenario)?;
    let second = run_plain(scenario);
    if first != second {
        let at = first
            .iter()
            .zip(&second)
            .position(|(a, b)| a != b)
            .unwrap_or(first.len().min(second.len()));
        let mut message = format!(
            "the same scenario gave two different traces ({} and {} events); first difference \
             at event {at}:\n",
            first.len(),
            second.len()
        );
        let _ = writeln!(message, "  first:  {:?}", first.get(at));
        let _ = writeln!(message, "  second: {:?}", second.get(at));
        return Err(message);
    }
    Ok(())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

fn proptest_seed() -> u64 {
    env_number("SEED").unwrap_or(DEFAULT_SEED)
}

fn config() -> Config {
    Config {
        cases: env_number("PROPTEST_CASES").map_or(DEFAULT_CASES, |n| n as u32),
        rng_seed: RngSeed::Fixed(proptest_seed()),
        // Each shrink step is a whole simulation; this bounds the time a failure takes.
        max_shrink_iters: 256,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Random faults on a 3-broker cluster never break the engine's safety invariants.
    #[test]
    fn invariants_hold_under_random_faults(scenario in scenario()) {
        if let Err(message) = check_scenario(&scenario) {
            return Err(TestCaseError::fail(format!(
                "{message}\nsimulation seed {}; scenario: {scenario:#?}\n\
                 reproduce the whole search with: SEED={} cargo test --test properties",
                scenario.seed,
                proptest_seed()
            )));
        }
    }
}
