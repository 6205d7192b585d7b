use super::*;
use crate::engine::{
    BrokerConfig, Command, ConsumerConfig, KeyPattern, NetworkConfig, ProducerConfig, ProducerId,
    SimConfig, TopicConfig, Workload,
};

/// Three brokers, a 4-partition RF 3 topic, a producer at 400 records/s, a group of two
/// consumers (one slow, so lag builds), and a broker crash and restart, so every figure moves.
fn busy_sim() -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: 7,
        broker_count: 3,
        network: NetworkConfig {
            latency_ms: 3,
            jitter_ms: 2,
            drop_per_million: 0,
        },
        broker: BrokerConfig {
            replica_lag_time_max_ms: 2_000,
            broker_session_timeout_ms: 3_000,
            ..BrokerConfig::default()
        },
    });
    sim.handle(Command::CreateTopic {
        name: "orders".into(),
        config: TopicConfig {
            partitions: 4,
            replication_factor: 3,
            min_insync_replicas: 2,
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
            records_per_second: 400,
            keys: KeyPattern::Cycle { count: 16 },
            count: None,
        },
    })
    .unwrap();
    for id in 1..=2 {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(id),
            topic: "orders".into(),
            group: Some("billing".into()),
            config: ConsumerConfig {
                processing_time_ms: if id == 2 { 8 } else { 0 },
                ..ConsumerConfig::default()
            },
        })
        .unwrap();
    }
    sim.schedule(
        SimTime::from_ms(3_000),
        Command::CrashBroker {
            broker: BrokerId(1),
        },
    );
    sim.schedule(
        SimTime::from_ms(7_000),
        Command::RestartBroker {
            broker: BrokerId(1),
        },
    );
    sim
}

/// Runs `sim` to `until_ms` in steps of `step_ms`, feeding a fresh history.
fn run(mut sim: Simulation, until_ms: u64, step_ms: u64) -> (Simulation, MetricsHistory) {
    let mut history = MetricsHistory::new(&sim);
    let mut now = sim.now().as_ms();
    while now < until_ms {
        now = (now + step_ms).min(until_ms);
        sim.advance_to(SimTime::from_ms(now));
        let events = sim.drain_events();
        history.observe(&sim, &events);
    }
    (sim, history)
}

#[test]
fn one_big_step_and_many_frames_give_the_same_samples() {
    let (_, jumped) = run(busy_sim(), 10_000, 10_000);
    let (_, stepped) = run(busy_sim(), 10_000, 16);
    assert_eq!(
        jumped.samples().len(),
        19,
        "boundaries 500..=9500 are closed"
    );
    assert_eq!(jumped.samples(), stepped.samples());
    assert_eq!(jumped.state, stepped.state);
    assert_eq!(jumped.window, stepped.window);
}

#[test]
fn the_figures_follow_the_run() {
    let (sim, history) = run(busy_sim(), 10_000, 16);
    let samples = history.samples();
    let total_sent: u64 = samples.iter().map(|s| s.sent).sum();
    // 400 records/s for 9.5 s of closed windows.
    assert!((3_600..=3_900).contains(&total_sent), "sent {total_sent}");
    let total_acked: u64 = samples.iter().map(|s| s.acked).sum();
    assert!(total_acked > 3_000, "acked {total_acked}");
    let polled: u64 = samples
        .iter()
        .map(|s| s.polled.get("billing").copied().unwrap_or(0))
        .sum();
    assert!(polled > 1_000, "polled {polled}");
    assert!(samples.iter().any(|s| s.latency_p50_ms.is_some()));
    for sample in samples {
        if let (Some(p50), Some(p99)) = (sample.latency_p50_ms, sample.latency_p99_ms) {
            assert!(p50 <= p99);
        }
    }
    // The crash at 3 s shrinks ISRs (after replica.lag.time.max.ms) and the restart heals them.
    let before = samples.iter().find(|s| s.at.as_ms() == 2_500).unwrap();
    assert_eq!(before.under_replicated(), 0);
    assert_eq!(before.min_isr(), Some(3));
    assert!(samples.iter().any(|s| s.under_replicated() == 4));
    assert!(samples.iter().all(|s| s.offline() == 0));
    // The internal offsets topic never shows.
    assert!(samples
        .iter()
        .all(|s| s.partitions().keys().all(|tp| &*tp.topic == "orders")));
    // The last sample's high watermarks agree with the engine where nothing moved since.
    let last = history.latest().unwrap();
    assert_eq!(last.partitions().len(), 4);
    let rows = last.lag_rows();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| &*r.reader == "billing"));
    assert!(rows.iter().all(|r| r.position_lag.is_some()));
    for (tp, partition) in last.partitions() {
        let engine_hw = sim.leader_log(tp).unwrap().high_watermark().0;
        assert!(partition.high_watermark <= engine_hw);
    }
}

#[test]
fn lag_builds_for_a_slow_reader() {
    let mut sim = busy_sim();
    sim.handle(Command::SetProcessingTime {
        consumer: ConsumerId(1),
        processing_time_ms: 20,
    })
    .unwrap();
    sim.handle(Command::SetProcessingTime {
        consumer: ConsumerId(2),
        processing_time_ms: 20,
    })
    .unwrap();
    let (_, history) = run(sim, 10_000, 100);
    let lag = |s: &Sample| -> u64 { s.lag_rows().iter().filter_map(|r| r.position_lag).sum() };
    let samples = history.samples();
    let early = lag(&samples[4]);
    let late = lag(samples.back().unwrap());
    assert!(late > early + 300, "lag {early} -> {late}");
}

#[test]
fn a_rewind_and_the_same_replay_give_the_same_history() {
    let (_, original) = run(busy_sim(), 12_000, 16);
    for rewind_ms in [4_321, 5_000, 100, 0] {
        let mut sim = busy_sim();
        let mut history = MetricsHistory::new(&sim);
        let mut snapshot = None;
        let mut now = 0;
        while now < 12_000 {
            now += 16;
            sim.advance_to(SimTime::from_ms(now));
            let events = sim.drain_events();
            history.observe(&sim, &events);
            if snapshot.is_none() && now >= rewind_ms {
                snapshot = Some(sim.clone());
            }
        }
        let mut replay = snapshot.unwrap();
        history.rewind_to(replay.now());
        assert!(history.samples().iter().all(|s| s.at < replay.now()));
        // The replay, in other steps than the original run.
        let mut now = replay.now().as_ms();
        while now < 12_000 {
            now = (now + 700).min(12_000);
            replay.advance_to(SimTime::from_ms(now));
            let events = replay.drain_events();
            history.observe(&replay, &events);
        }
        assert_eq!(
            history.samples(),
            original.samples(),
            "rewind to {rewind_ms}"
        );
        assert_eq!(history.state, original.state);
        assert_eq!(history.window, original.window);
    }
}

#[test]
fn a_rewind_before_the_start_empties_the_history() {
    let (_, mut history) = run(busy_sim(), 3_000, 16);
    assert!(!history.samples().is_empty());
    history.rewind_to(SimTime::ZERO);
    assert!(history.samples().is_empty());
    assert_eq!(history.observed_to(), SimTime::ZERO);
}

#[test]
fn old_samples_are_thinned_and_the_oldest_forgotten() {
    let at = |ms| SimTime::from_ms(ms);
    assert!(is_kept(at(500), at(100_000)));
    assert!(!is_kept(at(500), at(200_000)));
    assert!(is_kept(at(2_000), at(200_000)));
    assert!(!is_kept(at(2_000), at(700_000)));
    assert!(is_kept(at(10_000), at(700_000)));
    assert!(!is_kept(at(10_000), at(3_700_000)));
    // A long idle run stays within the tiers' bound.
    let sim = Simulation::new(SimConfig::default());
    let (_, history) = run(sim, 2 * 3_600_000, 60_000);
    let bound = 120_000 / 500 + (600_000 - 120_000) / 2_000 + (3_600_000 - 600_000) / 10_000 + 3;
    assert!(history.samples().len() as u64 <= bound);
    assert!(history.samples().len() > 500);
}

#[test]
fn percentiles_are_nearest_rank() {
    let values: Vec<u64> = (1..=100).collect();
    assert_eq!(percentile(&values, 50), Some(50));
    assert_eq!(percentile(&values, 99), Some(99));
    assert_eq!(percentile(&[7], 99), Some(7));
    assert_eq!(percentile(&[], 50), None);
}
