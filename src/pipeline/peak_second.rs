//! Netflix's peak second: one second of Keystone's February 2016 peak, about 8 M events, pushed
//! through the broker core the way Netflix's producers sent them: batched (`linger.ms`),
//! `acks=1`, and never blocking on a full buffer (a send that finds no room is dropped).
//!
//! Everything is the engine's ordinary path, with one difference of bookkeeping: the run is a
//! bulk one ([`Simulation::set_bulk`]), so the auditor does not keep a row per record (8 M rows
//! would hold 450 MB) and no per-record event is written. Retention deletes old segments as
//! the second goes on, as a fronting cluster's short retention would, so the run's memory
//! stays bounded (about 100 MB natively, against 350 MB with segments kept ten times longer). What is left to count comes from the clients' own statistics.
//!
//! The driver calls [`PeakSecond::advance`] in slices of simulated time and measures the wall
//! time itself: like the engine, nothing here reads a clock.

use serde::Serialize;

use super::builtin::{NETFLIX_EVOLUTION, NETFLIX_KAFKA_INSIDE};
use super::model::{Fact, Provenance};
use crate::engine::{
    Acks, BrokerConfig, Command, KeyPattern, ProducerConfig, ProducerId, SimConfig, SimTime,
    Simulation, TopicConfig, Workload,
};

/// Keystone's peak in February 2016, in events per second.
pub const NETFLIX_PEAK_EVENTS_PER_SECOND: u64 = 8_000_000;
/// How far past the last send a run may go before it stops waiting for answers.
const DRAIN_LIMIT_MS: u64 = 60_000;
const TOPIC: &str = "fronting-events";

/// The cluster and clients of the peak second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeakPlan {
    /// Events sent in the second, spread evenly over it.
    pub events: u64,
    /// Producer instances sharing them; each sends `events / producers` per second.
    pub producers: u32,
    pub brokers: u32,
    pub partitions: u32,
    pub replication_factor: u32,
    pub batch_size_bytes: u32,
    pub linger_ms: u64,
    pub seed: u64,
}

impl PeakPlan {
    /// One second at Netflix's 2016 peak, as the playground models it.
    pub fn netflix_2016() -> Self {
        PeakPlan {
            events: NETFLIX_PEAK_EVENTS_PER_SECOND,
            producers: 8,
            brokers: 3,
            partitions: 24,
            replication_factor: 2,
            batch_size_bytes: 16_384,
            linger_ms: 5,
            seed: 1,
        }
    }

    /// Which of the plan's figures are Netflix's and which the playground's.
    pub fn assumptions(&self) -> Vec<Fact> {
        let evolution = || Provenance::sourced(NETFLIX_EVOLUTION);
        let inside = || Provenance::sourced(NETFLIX_KAFKA_INSIDE);
        let modelled = Provenance::modelled;
        vec![
            Fact::new("Events in the second", &self.events.to_string(), Some("Feb 2016"), evolution()),
            Fact::new("acks", "1", Some("2016"), inside()),
            Fact::new("On a full buffer", "drop the event, never block (max.block.ms=0)", Some("2016"), inside()),
            Fact::new("Producers", &self.producers.to_string(), None, modelled("a handful of producer instances stand for Netflix's thousands of services; each sends at the playground's top rate of 1 M records/s")),
            Fact::new("Cluster", &format!("{} brokers, {} partitions, replication factor {}", self.brokers, self.partitions, self.replication_factor), None, modelled("one simulated cluster stands for Netflix's 36; the sources give no partition count or replication factor")),
            Fact::new("Batching", &format!("batch.size={} B, linger.ms={}", self.batch_size_bytes, self.linger_ms), None, modelled("Kafka's default batch.size with a short linger; Netflix's settings are not published")),
            Fact::new("Event size", "a few dozen bytes", None, modelled("Netflix's events averaged about 3 KB (24 GB/s at 8 M/s); the playground moves the count of events, not their bytes")),
        ]
    }
}

/// How far a peak second has got, in the engine's own counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeakProgress {
    /// Simulated time since the first send.
    pub simulated_ms: u64,
    /// Events the producers' applications handed to `send()`.
    pub events_sent: u64,
    /// Events a leader acknowledged (`acks=1`).
    pub events_acknowledged: u64,
    /// Events that failed: dropped on a full buffer, or timed out.
    pub events_failed: u64,
    /// Record batches the producers sent, and the produce requests that carried them.
    pub batches: u64,
    pub requests: u64,
    /// Every event was sent and answered (or the run gave up waiting).
    pub done: bool,
}

impl PeakProgress {
    /// Acknowledged events per simulated second.
    pub fn simulated_events_per_second(&self) -> u64 {
        if self.simulated_ms == 0 {
            return 0;
        }
        self.events_acknowledged * 1_000 / self.simulated_ms
    }
}

/// A peak second running on the engine.
#[derive(Clone, Debug)]
pub struct PeakSecond {
    plan: PeakPlan,
    sim: Simulation,
    started_at: SimTime,
    progress: PeakProgress,
}

impl PeakSecond {
    pub fn new(plan: &PeakPlan) -> Self {
        let mut sim = Simulation::new(SimConfig {
            seed: plan.seed,
            broker_count: plan.brokers,
            broker: BrokerConfig {
                // Retention looks every 20 ms (Kafka's default looks every 5 minutes), so old
                // segments go within the second: 8 M records kept whole would hold 600 MB.
                log_retention_check_interval_ms: 20,
                ..BrokerConfig::default()
            },
            ..SimConfig::default()
        });
        sim.set_bulk();
        let per_producer = plan.events / u64::from(plan.producers.max(1));
        let mut commands = vec![Command::CreateTopic {
            name: TOPIC.into(),
            config: TopicConfig {
                partitions: plan.partitions,
                replication_factor: plan.replication_factor,
                min_insync_replicas: 1,
                // A fronting cluster keeps events only until the routers have read them; here
                // 64 KiB segments and 256 KiB per partition keep the run near 100 MB natively.
                segment_bytes: 64 * 1024,
                retention_bytes: 256 * 1024,
                unclean_leader_election_enable: true,
                ..TopicConfig::default()
            },
        }];
        for index in 1..=plan.producers {
            let producer = ProducerId(index);
            commands.push(Command::AddProducer {
                producer,
                config: ProducerConfig {
                    acks: Acks::Leader,
                    enable_idempotence: false,
                    batch_size: plan.batch_size_bytes,
                    linger_ms: plan.linger_ms,
                    max_block_ms: 0,
                    ..ProducerConfig::default()
                },
            });
            commands.push(Command::StartWorkload {
                producer,
                workload: Workload {
                    topic: TOPIC.into(),
                    records_per_second: per_producer.min(u64::from(u32::MAX)) as u32,
                    keys: KeyPattern::None,
                    count: Some(per_producer),
                },
            });
        }
        for command in commands {
            // The plan is the playground's own; a refusal would be a bug in it.
            sim.handle(command)
                .expect("the peak second's setup is valid");
        }
        let started_at = sim.now();
        PeakSecond {
            plan: plan.clone(),
            sim,
            started_at,
            progress: PeakProgress::default(),
        }
    }

    pub fn plan(&self) -> &PeakPlan {
        &self.plan
    }

    pub fn progress(&self) -> PeakProgress {
        self.progress
    }

    /// Runs `step_ms` more of simulated time (less if the second finishes sooner) and says how
    /// far the run has got.
    pub fn advance(&mut self, step_ms: u64) -> PeakProgress {
        if self.progress.done {
            return self.progress;
        }
        let until = self.sim.now().plus_ms(step_ms.max(1));
        self.sim.advance_to(until);
        // A bulk run writes only the few events an audit trail needs; nobody reads them here.
        drop(self.sim.drain_events());
        let mut progress = PeakProgress {
            simulated_ms: self.sim.now().since(self.started_at),
            ..PeakProgress::default()
        };
        for index in 1..=self.plan.producers {
            if let Some(producer) = self.sim.producer(ProducerId(index)) {
                let stats = producer.stats;
                progress.events_sent += stats.records_sent;
                progress.events_acknowledged += stats.records_acknowledged;
                progress.events_failed += stats.records_failed;
                progress.batches += stats.batches_sent;
                progress.requests += stats.requests_sent;
            }
        }
        let per_producer = self.plan.events / u64::from(self.plan.producers.max(1));
        let all_sent = progress.events_sent >= per_producer * u64::from(self.plan.producers);
        let answered =
            progress.events_acknowledged + progress.events_failed >= progress.events_sent;
        progress.done = (all_sent && answered) || progress.simulated_ms >= 1_000 + DRAIN_LIMIT_MS;
        self.progress = progress;
        progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> PeakPlan {
        PeakPlan {
            events: 80_000,
            ..PeakPlan::netflix_2016()
        }
    }

    fn run(plan: &PeakPlan) -> PeakProgress {
        let mut peak = PeakSecond::new(plan);
        while !peak.advance(10).done {}
        peak.progress()
    }

    #[test]
    fn every_event_is_sent_in_about_a_second_and_answered() {
        let progress = run(&small());
        assert_eq!(progress.events_sent, 80_000);
        assert_eq!(
            progress.events_acknowledged + progress.events_failed,
            80_000
        );
        assert!(progress.events_acknowledged > 79_000, "{progress:?}");
        // The last events are sent at the end of the second; answers follow within ms.
        assert!(
            (1_000..1_100).contains(&progress.simulated_ms),
            "{progress:?}"
        );
        assert!(progress.batches >= progress.requests && progress.requests > 0);
        // Batched: many events to a batch.
        assert!(progress.batches * 20 < progress.events_sent, "{progress:?}");
    }

    #[test]
    fn the_same_plan_runs_the_same_way_whatever_the_slices() {
        let plan = small();
        let by_ten = run(&plan);
        let mut peak = PeakSecond::new(&plan);
        while !peak.advance(37).done {}
        let by_other = peak.progress();
        assert_eq!(by_ten.events_acknowledged, by_other.events_acknowledged);
        assert_eq!(by_ten.batches, by_other.batches);
        assert_eq!(by_ten.requests, by_other.requests);
    }
}
