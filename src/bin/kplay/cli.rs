//! Arguments, dispatch and exit codes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kafka_playground::scenario::file::parse_duration_ms;

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
}

fn parse_until(text: &str) -> Result<u64, String> {
    match parse_duration_ms(text)? {
        0 => Err("must be more than 0".to_owned()),
        ms => Ok(ms),
    }
}

/// What a subcommand reports: success, or that some input was invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    InvalidInput,
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
