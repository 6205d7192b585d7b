//! Arguments, dispatch and exit codes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kafka_playground::pipeline::burst_experiment::{ExperimentParams, MAX_BURST, MAX_PARTITIONS};
use kafka_playground::scenario::file::{format_duration_ms, parse_duration_ms, MAX_DURATION_MS};

use super::outcome::Outcome;

/// Runs Apache Kafka scenarios on a deterministic simulator.
#[derive(Debug, Parser)]
#[command(name = "kplay", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a scenario and prints its audit: what was acknowledged, lost, duplicated, reordered.
    Run {
        /// The scenario file (TOML, see docs/scenarios.md).
        scenario: PathBuf,
        /// Replaces the scenario's seed; the same seed always gives the same run.
        #[arg(long)]
        seed: Option<u64>,
        /// How much simulated time to run, like 60s or 2m (default: the scenario's duration,
        /// else 60s).
        #[arg(long, value_parser = parse_until)]
        until: Option<u64>,
        /// Prints the audit as one JSON object.
        #[arg(long)]
        json: bool,
        /// Prints every event, one line each, before the audit.
        #[arg(long)]
        trace: bool,
    },
    /// Checks a scenario file and lists every problem with its line and column.
    Check {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// Prints the partition Kafka's default partitioner picks for each key. Without keys, reads
    /// JSON lines {"key": "...", "partitions": N} or {"key_b64": "...", "partitions": N}.
    Partition {
        /// The number of partitions of the topic.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        partitions: Option<u32>,
        /// Keys, as UTF-8 text.
        keys: Vec<String>,
    },
    /// Runs partition assignors on cases read as JSON lines from standard input, one case per
    /// line: {"assignor": "range", "topics": {"t": 3}, "members": {"c1": ["t"], ...}}.
    Assign,
    /// Real pipelines built on Kafka (CodeMentor, Coupang Eats, Uber, Netflix) run on the
    /// engine, with their failure stories and the CodeMentor burst experiment.
    Pipeline {
        #[command(subcommand)]
        command: PipelineCommand,
    },
}

#[derive(Debug, Subcommand)]
enum PipelineCommand {
    /// Lists the built-in pipelines and the failure stories.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Runs a pipeline (or a failure story) and prints per-stage figures: records in and out,
    /// throughput, consumer lag, members and end-to-end latency.
    Run {
        /// A pipeline id (codementor, coupang-eats, uber, netflix) or a story id.
        name: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How much simulated time to run, like 60s or 2m (default: 60s, or the story's).
        #[arg(long, value_parser = parse_until)]
        until: Option<u64>,
        /// The synthetic load, in records per second (stories use their own).
        #[arg(long, default_value_t = kafka_playground::pipeline::Load::STANDARD_RECORDS_PER_SEC,
              value_parser = clap::value_parser!(u32).range(0..=1000))]
        rate: u32,
        #[arg(long)]
        json: bool,
    },
    /// Prints the comparison table: ingestion point, Kafka hops, fan-out, latency tiers,
    /// replay and DLQ, published scale, each marked sourced or modelled.
    Compare {
        #[arg(long)]
        json: bool,
    },
    /// The CodeMentor experiment: one burst of submissions without Kafka (synchronous calls,
    /// bounded concurrency, a request timeout) and with Kafka (a queue and autoscaled
    /// consumers). Prints submitted, completed, dropped and latency p50/p99/max for both.
    Codementor {
        /// Submissions in the burst.
        #[arg(long, default_value_t = ExperimentParams::default().burst,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_BURST)))]
        burst: u32,
        #[arg(long, default_value_t = ExperimentParams::default().seed)]
        seed: u64,
        /// The share of Python submissions, in percent (the rest are Java).
        #[arg(long, default_value_t = ExperimentParams::default().python_percent,
              value_parser = clap::value_parser!(u32).range(0..=100))]
        python: u32,
        /// Submissions the execution server runs at once; also the initial consumers.
        #[arg(long, default_value_t = ExperimentParams::default().concurrency,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PARTITIONS)))]
        concurrency: u32,
        /// The synchronous caller's request timeout, like 30s.
        #[arg(long, value_parser = parse_until)]
        timeout: Option<u64>,
        /// Partitions of the submissions topic: the most evaluation consumers.
        #[arg(long, default_value_t = ExperimentParams::default().partitions,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PARTITIONS)))]
        partitions: u32,
        /// The window the burst arrives in, like 10s.
        #[arg(long, value_parser = parse_until)]
        window: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Netflix's 2016 peak second: about 8 M events through the engine's batched path in
    /// bulk, as the pipelines page's button runs it. Prints the engine's counts and the wall
    /// time it took here (the one figure that differs between two runs).
    Peak {
        /// Events in the second (Netflix's peak was about 8 M), shared by eight producers.
        #[arg(long, default_value_t = kafka_playground::pipeline::peak_second::NETFLIX_PEAK_EVENTS_PER_SECOND,
              value_parser = clap::value_parser!(u64).range(8..=8_000_000))]
        events: u64,
        #[arg(long)]
        json: bool,
    },
}

fn parse_until(text: &str) -> Result<u64, String> {
    match parse_duration_ms(text)? {
        0 => Err("must be more than 0".to_owned()),
        ms if ms > MAX_DURATION_MS => Err(format!(
            "{} is longer than the playground allows ({}), so that every run finishes in seconds",
            format_duration_ms(ms),
            format_duration_ms(MAX_DURATION_MS)
        )),
        ms => Ok(ms),
    }
}

fn pipeline(out: &mut impl Write, command: PipelineCommand) -> io::Result<Outcome> {
    use super::pipeline as p;
    match command {
        PipelineCommand::List { json } => p::list(out, json),
        PipelineCommand::Run {
            name,
            seed,
            until,
            rate,
            json,
        } => p::run(
            out,
            &p::RunOptions {
                name,
                seed,
                until_ms: until,
                records_per_sec: rate,
                json,
            },
        ),
        PipelineCommand::Compare { json } => p::compare(out, json),
        PipelineCommand::Peak { events, json } => p::peak(out, events, json),
        PipelineCommand::Codementor {
            burst,
            seed,
            python,
            concurrency,
            timeout,
            partitions,
            window,
            json,
        } => {
            let defaults = ExperimentParams::default();
            let params = ExperimentParams {
                burst,
                python_percent: python,
                concurrency,
                request_timeout_ms: timeout.unwrap_or(defaults.request_timeout_ms),
                partitions,
                seed,
                burst_window_ms: window.unwrap_or(defaults.burst_window_ms),
            };
            p::codementor(out, &params, json)
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version print and exit 0; mistakes print usage and exit 2.
        Err(error) => error.exit(),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            until,
            json,
            trace,
        } => super::run::run(
            &mut out,
            &super::run::RunOptions {
                path: scenario,
                seed,
                until_ms: until,
                json,
                trace,
            },
        ),
        Command::Check { scenario } => super::run::check(&mut out, &scenario),
        Command::Partition { partitions, keys } => {
            if keys.is_empty() {
                super::partition::json_lines(io::stdin().lock(), &mut out, partitions)
            } else if let Some(partitions) = partitions {
                super::partition::keys(&mut out, &keys, partitions)
            } else {
                let _ = out.flush();
                eprintln!(
                    "kplay partition: --partitions N is needed with keys on the command line"
                );
                return ExitCode::from(2);
            }
        }
        Command::Assign => super::assign::json_lines(io::stdin().lock(), &mut out),
        Command::Pipeline { command } => pipeline(&mut out, command),
    };
    let flushed = result.and_then(|outcome| out.flush().map(|()| outcome));
    match flushed {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::InvalidInput) => ExitCode::from(1),
        // Whoever read the output went away (`kplay run --trace | head`): nothing to report.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kplay: {error}");
            ExitCode::from(1)
        }
    }
}
