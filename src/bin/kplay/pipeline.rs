//! `kplay pipeline`: the built-in pipelines (CodeMentor, Coupang Eats, Uber, Netflix) run on
//! the engine, their comparison table, their failure stories and the CodeMentor experiment.

use std::io::{self, Write};

use kafka_playground::engine::LatencySummary;
use kafka_playground::pipeline::burst_experiment::{self, ExperimentParams, VariantResult};
use kafka_playground::pipeline::peak_second::{PeakPlan, PeakProgress, PeakSecond};
use kafka_playground::pipeline::{builtin, comparison, stories, Load, PipelineRun, RunFigures};
use serde::Serialize;

use super::outcome::Outcome;

/// The throughput window of `kplay pipeline run`.
const WINDOW_MS: u64 = 10_000;

fn json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}

fn unknown_pipeline(name: &str) -> Outcome {
    eprintln!(
        "kplay pipeline: no pipeline '{name}' (known: {})",
        builtin::ids().join(", ")
    );
    Outcome::InvalidInput
}

#[derive(Serialize)]
struct ListEntry {
    id: String,
    name: String,
    era: String,
    pattern: String,
}

pub fn list(out: &mut impl Write, as_json: bool) -> io::Result<Outcome> {
    let pipelines = builtin::all();
    if as_json {
        let entries: Vec<ListEntry> = pipelines
            .iter()
            .map(|p| ListEntry {
                id: p.id.clone(),
                name: p.name.clone(),
                era: p.era.clone(),
                pattern: p.pattern.clone(),
            })
            .collect();
        json(out, &entries)?;
        return Ok(Outcome::Ok);
    }
    for pipeline in &pipelines {
        writeln!(
            out,
            "{:14}{}  ({})",
            pipeline.id, pipeline.name, pipeline.era
        )?;
        writeln!(out, "{:14}{}", "", pipeline.pattern)?;
    }
    writeln!(out)?;
    writeln!(out, "stories:")?;
    for story in stories() {
        writeln!(out, "{:20}{}", story.id, story.title)?;
    }
    Ok(Outcome::Ok)
}

pub struct RunOptions {
    pub name: String,
    pub seed: u64,
    pub until_ms: Option<u64>,
    pub records_per_sec: u32,
    pub json: bool,
}

/// `kplay pipeline run NAME`: a built-in pipeline under the standard load, or a story.
pub fn run(out: &mut impl Write, options: &RunOptions) -> io::Result<Outcome> {
    let (mut run, until_ms) = if let Some(story) = stories::story(&options.name) {
        (
            story.start(options.seed),
            options.until_ms.unwrap_or(story.until_ms),
        )
    } else if let Some(pipeline) = builtin::by_id(&options.name) {
        let load = Load::Steady {
            records_per_sec: options.records_per_sec,
        };
        (
            PipelineRun::new(&pipeline, options.seed, load),
            options.until_ms.unwrap_or(60_000),
        )
    } else {
        return Ok(unknown_pipeline(&options.name));
    };
    run.advance_to(until_ms);
    let figures = run.figures(WINDOW_MS);
    if options.json {
        json(out, &figures)?;
    } else {
        write_figures(out, &run, &figures)?;
    }
    Ok(Outcome::Ok)
}

fn latency_cell(latency: Option<&LatencySummary>) -> String {
    match latency {
        Some(l) if l.count > 0 => format!(
            "{}/{}/{}",
            seconds(l.p50_ms),
            seconds(l.p99_ms),
            seconds(l.max_ms)
        ),
        _ => "-".to_owned(),
    }
}

fn write_figures(out: &mut impl Write, run: &PipelineRun, f: &RunFigures) -> io::Result<()> {
    writeln!(
        out,
        "{} (seed {}, ran to {}; throughput over the last {} s)",
        run.pipeline().name,
        f.seed,
        seconds(f.at_ms),
        f.window_ms / 1000
    )?;
    writeln!(
        out,
        "created {}, delivered {} (a record that fans out is delivered once per end)",
        f.created, f.delivered
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:8} {:>8} {:>8} {:>8} {:>6} {:>7} {:>6} {:>6}  latency p50/p99/max",
        "stage", "in", "out", "rec/s", "lag", "members", "busy", "failed"
    )?;
    for s in &f.stages {
        let option = |v: Option<u64>| v.map_or("-".to_owned(), |v| v.to_string());
        writeln!(
            out,
            "{:8} {:>8} {:>8} {:>8.2} {:>6} {:>7} {:>6} {:>6}  {}",
            s.node,
            s.records_in,
            s.records_out,
            s.throughput_per_sec,
            option(s.lag),
            option(s.members.map(u64::from)),
            s.in_progress,
            s.failed,
            latency_cell(s.latency.as_ref())
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "end to end (every end): {}",
        latency_cell(Some(&f.end_to_end))
    )?;
    for rejection in &f.rejections {
        writeln!(out, "rejected: {rejection}")?;
    }
    Ok(())
}

/// `kplay pipeline compare`: the comparison table.
pub fn compare(out: &mut impl Write, as_json: bool) -> io::Result<Outcome> {
    let rows = comparison(&builtin::all());
    if as_json {
        json(out, &rows)?;
        return Ok(Outcome::Ok);
    }
    for row in &rows {
        writeln!(out, "{}", row.name)?;
        let tiers: Vec<&str> = row.tiers.iter().map(|t| t.label()).collect();
        let cells = [
            (&row.ingestion_point, String::new()),
            (
                &row.kafka_hops,
                format!(" [graph: {}]", row.kafka_hops_counted),
            ),
            (
                &row.fan_out,
                format!(
                    " [graph: {} ends, up to {} groups per topic]",
                    row.ends_counted, row.max_groups_per_topic
                ),
            ),
            (
                &row.latency_tiers,
                format!(" [graph: {}]", tiers.join(", ")),
            ),
            (&row.replay_and_dlq, String::new()),
            (&row.published_scale, String::new()),
        ];
        for (fact, graph) in cells {
            let mark = if fact.provenance.is_sourced() {
                "sourced"
            } else {
                "modelled"
            };
            writeln!(out, "  {:16}{}{graph} ({mark})", fact.label, fact.value)?;
        }
        writeln!(out)?;
    }
    Ok(Outcome::Ok)
}

/// `kplay pipeline codementor`: both variants of the burst experiment.
pub fn codementor(
    out: &mut impl Write,
    params: &ExperimentParams,
    as_json: bool,
) -> io::Result<Outcome> {
    let experiment = burst_experiment::run(params);
    if as_json {
        json(out, &experiment)?;
        return Ok(Outcome::Ok);
    }
    let p = &experiment.params;
    writeln!(
        out,
        "CodeMentor burst: {} submissions within {} s, {}% Python (1.53 s) / {}% Java (2.98 s), seed {}",
        p.burst,
        p.burst_window_ms / 1000,
        p.python_percent,
        100 - p.python_percent,
        p.seed
    )?;
    writeln!(
        out,
        "without Kafka: {} execution slots, {} s request timeout; with Kafka: {} partitions, consumers from {} scaling every 15 s",
        p.concurrency,
        p.request_timeout_ms / 1000,
        p.partitions,
        p.concurrency.min(p.partitions)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:14} {:>9} {:>9} {:>7} {:>9} {:>9} {:>9}",
        "", "submitted", "completed", "dropped", "p50", "p99", "max"
    )?;
    for variant in [&experiment.without_kafka, &experiment.with_kafka] {
        write_variant(out, variant)?;
    }
    Ok(Outcome::Ok)
}

fn write_variant(out: &mut impl Write, v: &VariantResult) -> io::Result<()> {
    let name = if v.variant == "with-kafka" {
        "with Kafka"
    } else {
        "without Kafka"
    };
    writeln!(
        out,
        "{:14} {:>9} {:>9} {:>7} {:>9} {:>9} {:>9}",
        name,
        v.submitted,
        v.completed,
        v.dropped,
        seconds(v.latency.p50_ms),
        seconds(v.latency.p99_ms),
        seconds(v.latency.max_ms)
    )
}

#[derive(Serialize)]
struct PeakOutput {
    progress: PeakProgress,
    /// Wall time of the run on this machine, in ms: the one figure that is not the run's own.
    wall_ms: f64,
}

pub fn peak(out: &mut impl Write, events: u64, as_json: bool) -> io::Result<Outcome> {
    let plan = PeakPlan {
        events,
        ..PeakPlan::netflix_2016()
    };
    // The command line is at the edge, so it may read the clock; the engine never does.
    let started = std::time::Instant::now();
    let mut peak = PeakSecond::new(&plan);
    while !peak.advance(10).done {}
    let wall_ms = started.elapsed().as_secs_f64() * 1_000.0;
    let progress = peak.progress();
    if as_json {
        json(out, &PeakOutput { progress, wall_ms })?;
        return Ok(Outcome::Ok);
    }
    writeln!(
        out,
        "Netflix's peak second (Feb 2016): {} events from {} producers, acks=1, batch.size={}, linger.ms={}",
        plan.events, plan.producers, plan.batch_size_bytes, plan.linger_ms
    )?;
    writeln!(
        out,
        "acknowledged {}, dropped {}, in {} batches and {} produce requests",
        progress.events_acknowledged, progress.events_failed, progress.batches, progress.requests
    )?;
    writeln!(
        out,
        "simulated {} ms ({} events per simulated second); wall time here {:.0} ms ({:.2} M events per wall-clock second)",
        progress.simulated_ms,
        progress.simulated_events_per_second(),
        wall_ms,
        progress.events_acknowledged as f64 / wall_ms / 1_000.0
    )?;
    Ok(Outcome::Ok)
}
