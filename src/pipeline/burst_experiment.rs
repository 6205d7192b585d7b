//! The CodeMentor experiment: one burst of submissions, served twice.
//!
//! Without Kafka, the Execute server calls the code-execution server synchronously. That
//! server runs a bounded number of submissions at once; the others wait for a free slot, and a
//! caller gives up after the request timeout: its request is dropped, and if it had already
//! started, the slot's work is wasted. With Kafka, the same submissions are produced to the
//! submissions topic of the CodeMentor pipeline running on the engine; nothing is dropped, and
//! the evaluation consumer group scales out on a 15-second probe up to the partition count.

use serde::Serialize;

use super::builtin::{codementor_with, CodementorShape, JAVA_MS, MIX_WHY, PYTHON_MS};
use super::figures::latency_summary;
use super::model::{Fact, Provenance};
use super::run::{Arrival, Load, PipelineRun};
use crate::engine::{LatencySummary, SimRng};

/// The most submissions in one burst (the browser must stay responsive).
pub const MAX_BURST: u32 = 5_000;
/// The most partitions: every evaluation consumer is an engine client, and a simulation has
/// at most 64.
pub const MAX_PARTITIONS: u32 = 48;
/// How long the Kafka variant may run past the last submission before it stops waiting.
const DRAIN_LIMIT_MS: u64 = 1_800_000;

/// What the learner sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExperimentParams {
    /// Submissions in the burst.
    pub burst: u32,
    /// The share of Python submissions, in percent; the rest are Java.
    pub python_percent: u32,
    /// Submissions the execution server runs at once (without Kafka), and evaluation
    /// consumers at the start (with Kafka).
    pub concurrency: u32,
    /// How long a synchronous caller waits before giving up (without Kafka).
    pub request_timeout_ms: u64,
    /// Partitions of the submissions topic: the most evaluation consumers (with Kafka).
    pub partitions: u32,
    /// Every random draw (arrival times, languages, the engine) follows from it.
    pub seed: u64,
    /// The burst's submissions arrive at random times within this window.
    pub burst_window_ms: u64,
}

impl Default for ExperimentParams {
    fn default() -> Self {
        ExperimentParams {
            burst: 200,
            python_percent: 70,
            concurrency: 4,
            request_timeout_ms: 30_000,
            partitions: 12,
            seed: 1,
            burst_window_ms: 10_000,
        }
    }
}

impl ExperimentParams {
    /// The parameters brought within the limits the experiment supports.
    pub fn clamped(&self) -> Self {
        ExperimentParams {
            burst: self.burst.min(MAX_BURST),
            python_percent: self.python_percent.min(100),
            concurrency: self.concurrency.clamp(1, MAX_PARTITIONS),
            request_timeout_ms: self.request_timeout_ms.max(1),
            partitions: self.partitions.clamp(1, MAX_PARTITIONS),
            seed: self.seed,
            burst_window_ms: self.burst_window_ms,
        }
    }

    /// Which parameters are the source's and which the playground's.
    pub fn assumptions(&self) -> Vec<Fact> {
        let doc = || Provenance::sourced(super::builtin::CODEMENTOR_DOC);
        let modelled = Provenance::modelled;
        vec![
            Fact::new("Python execution time", "1.53 s", None, doc()),
            Fact::new("Java execution time", "2.98 s", None, doc()),
            Fact::new("Autoscaler probe", "15 s", None, doc()),
            Fact::new("Python share", &format!("{}%", self.python_percent), None, modelled(MIX_WHY)),
            Fact::new("Burst window", &format!("{} s", self.burst_window_ms / 1000), None,
                modelled("submissions arrive at random times within the window; the source gives no arrival pattern")),
            Fact::new("Execution server concurrency", &self.concurrency.to_string(), None,
                modelled("the source says bursts overloaded the server but not its capacity")),
            Fact::new("Request timeout", &format!("{} s", self.request_timeout_ms / 1000), None,
                modelled("a usual gateway timeout; the source gives none")),
            Fact::new("Partitions", &self.partitions.to_string(), None,
                modelled("the source does not state the partition count")),
            Fact::new("Scale-up rule", "at each probe, while the group lags: double the consumers, or add 4, whichever is more", None,
                modelled("Kubernetes' default HPA scale-up policy")),
            Fact::new("Evaluation consumers", "one job at a time each (max.poll.records=1), starting with as many as the server's concurrency", None,
                modelled("so that waiting jobs can move to new consumers at a rebalance")),
        ]
    }
}

/// One submission of the burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Submission {
    pub id: u32,
    pub at_ms: u64,
    pub java: bool,
}

impl Submission {
    pub fn execution_ms(&self) -> u64 {
        if self.java {
            JAVA_MS
        } else {
            PYTHON_MS
        }
    }
}

/// The burst, in arrival order: random times in the window and a random language for each,
/// drawn from the seed.
pub fn submissions(params: &ExperimentParams) -> Vec<Submission> {
    let mut rng = SimRng::seeded(params.seed ^ 0x00C0_DE3E_7702);
    let window = params.burst_window_ms.max(1);
    let mut all: Vec<Submission> = (0..params.burst)
        .map(|id| Submission {
            id,
            at_ms: rng.below(window),
            java: rng.below(100) >= u64::from(params.python_percent),
        })
        .collect();
    all.sort_by_key(|s| (s.at_ms, s.id));
    all
}

/// Per-second series for the charts; index k covers the second [k, k+1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Series {
    pub bucket_ms: u64,
    /// Submissions waiting to start, at the end of each second.
    pub queue_depth: Vec<u32>,
    pub completions: Vec<u32>,
    pub drops: Vec<u32>,
    /// Execution slots (without Kafka) or evaluation consumers (with Kafka).
    pub workers: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantResult {
    pub variant: String,
    pub submitted: u64,
    pub completed: u64,
    pub dropped: u64,
    /// Neither completed nor dropped when the run stopped.
    pub pending: u64,
    /// Results delivered twice (a job redone after a rebalance, at-least-once).
    pub duplicates: u64,
    /// From submission to result, for completed submissions.
    pub latency: LatencySummary,
    /// When the last submission completed or was dropped.
    pub finished_at_ms: u64,
    pub series: Series,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Experiment {
    pub params: ExperimentParams,
    pub assumptions: Vec<Fact>,
    pub without_kafka: VariantResult,
    pub with_kafka: VariantResult,
}

/// Runs both variants on the same burst.
pub fn run(params: &ExperimentParams) -> Experiment {
    let params = params.clamped();
    let burst = submissions(&params);
    Experiment {
        assumptions: params.assumptions(),
        without_kafka: without_kafka(&params, &burst),
        with_kafka: with_kafka(&params, &burst),
        params,
    }
}

/// What happened to one submission without Kafka.
#[derive(Clone, Copy, Debug)]
struct Fate {
    arrived: u64,
    /// When it stopped waiting: it started, or its caller gave up.
    waited_until: u64,
    /// `Ok(completed_at)` or `Err(dropped_at)`.
    end: Result<u64, u64>,
}

/// Synchronous calls into an execution server with `concurrency` slots, first come first
/// served. A caller gives up `request_timeout_ms` after sending: a submission not started by
/// then is skipped, and one still running is dropped with its slot's work wasted.
pub fn without_kafka(params: &ExperimentParams, burst: &[Submission]) -> VariantResult {
    let slots = params.concurrency.max(1) as usize;
    let mut free_at = vec![0u64; slots];
    let fates: Vec<Fate> = burst
        .iter()
        .map(|s| {
            let deadline = s.at_ms + params.request_timeout_ms;
            let (slot, &free) = free_at
                .iter()
                .enumerate()
                .min_by_key(|&(i, &t)| (t, i))
                .expect("at least one slot");
            let start = s.at_ms.max(free);
            if start >= deadline {
                return Fate {
                    arrived: s.at_ms,
                    waited_until: deadline,
                    end: Err(deadline),
                };
            }
            let end = start + s.execution_ms();
            free_at[slot] = end;
            Fate {
                arrived: s.at_ms,
                waited_until: start,
                end: if end <= deadline {
                    Ok(end)
                } else {
                    Err(deadline)
                },
            }
        })
        .collect();
    let finished_at_ms = fates
        .iter()
        .map(|f| match f.end {
            Ok(t) | Err(t) => t,
        })
        .max()
        .unwrap_or(0);
    let seconds = (finished_at_ms / 1000 + 1) as usize;
    let mut series = Series {
        bucket_ms: 1000,
        queue_depth: vec![0; seconds],
        completions: vec![0; seconds],
        drops: vec![0; seconds],
        workers: vec![slots as u32; seconds],
    };
    let mut latencies = Vec::new();
    for fate in &fates {
        match fate.end {
            Ok(at) => {
                series.completions[(at / 1000) as usize] += 1;
                latencies.push(at - fate.arrived);
            }
            Err(at) => series.drops[(at / 1000) as usize] += 1,
        }
        for (second, depth) in series.queue_depth.iter_mut().enumerate() {
            let end_of_second = (second as u64 + 1) * 1000;
            if fate.arrived < end_of_second && fate.waited_until >= end_of_second {
                *depth += 1;
            }
        }
    }
    let completed = latencies.len() as u64;
    VariantResult {
        variant: "without-kafka".to_owned(),
        submitted: burst.len() as u64,
        completed,
        dropped: burst.len() as u64 - completed,
        pending: 0,
        duplicates: 0,
        latency: latency_summary(&latencies),
        finished_at_ms,
        series,
    }
}

/// The same burst through the CodeMentor pipeline on the engine.
pub fn with_kafka(params: &ExperimentParams, burst: &[Submission]) -> VariantResult {
    let pipeline = codementor_with(&CodementorShape {
        partitions: params.partitions,
        initial_members: params.concurrency,
        python_percent: params.python_percent,
    });
    let arrivals = burst
        .iter()
        .map(|s| Arrival {
            at_ms: s.at_ms,
            class: u32::from(s.java),
        })
        .collect();
    let mut run = PipelineRun::new(&pipeline, params.seed, Load::Arrivals { arrivals });
    let submitted = burst.len() as u64;
    let last_arrival = burst.last().map_or(0, |s| s.at_ms);
    let mut series = Series {
        bucket_ms: 1000,
        ..Series::default()
    };
    let mut second = 0u64;
    loop {
        second += 1;
        run.advance_to(second * 1000);
        let waiting = run.records_in("treq").saturating_sub(run.records_in("ev"));
        series.queue_depth.push(waiting as u32);
        let completions = run
            .series_in_per_second("user")
            .and_then(|s| s.get(second as usize - 1).copied())
            .unwrap_or(0);
        series.completions.push(completions);
        series.drops.push(0);
        series.workers.push(run.members("ev").unwrap_or(0));
        let done = run.ended_unique("user") >= submitted && second * 1000 > last_arrival;
        if done || second * 1000 > last_arrival + DRAIN_LIMIT_MS {
            break;
        }
    }
    let figures = run.figures(1000);
    let user = figures.stage("user");
    let latency = user.and_then(|u| u.latency.clone()).unwrap_or_default();
    let completed = run.ended_unique("user");
    let dropped: u64 = figures.stages.iter().map(|s| s.lost + s.dropped).sum();
    VariantResult {
        variant: "with-kafka".to_owned(),
        submitted,
        completed,
        dropped,
        pending: submitted.saturating_sub(completed + dropped),
        duplicates: run.records_in("user").saturating_sub(completed),
        finished_at_ms: run.last_ended_ms("user"),
        latency,
        series,
    }
}
