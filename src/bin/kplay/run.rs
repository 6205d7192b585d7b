//! `kplay run` and `kplay check`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use kafka_playground::engine::{AuditReport, EventKind, SimTime};
use kafka_playground::scenario::{parse_scenario, Scenario};
use serde::Serialize;

use super::outcome::Outcome;
use super::report::{write_text, RejectedCommand, RunSummary};
use super::state::FinalState;

pub struct RunOptions {
    pub path: PathBuf,
    pub seed: Option<u64>,
    pub until_ms: Option<u64>,
    pub json: bool,
    pub trace: bool,
}

/// `kplay run --json`: the audit's fields at the top level, with what was run.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    seed: u64,
    until_ms: u64,
    rejected_commands: &'a [RejectedCommand],
    #[serde(flatten)]
    audit: &'a AuditReport,
    /// The cluster when the run ended: partitions, groups, consumers.
    state: FinalState,
    /// Every event's line, only with `--trace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<String>>,
}

pub fn check(out: &mut impl Write, path: &Path) -> io::Result<Outcome> {
    let Some(scenario) = load(path) else {
        return Ok(Outcome::InvalidInput);
    };
    writeln!(out, "ok: {}", scenario.name)?;
    Ok(Outcome::Ok)
}

pub fn run(out: &mut impl Write, options: &RunOptions) -> io::Result<Outcome> {
    let Some(scenario) = load(&options.path) else {
        return Ok(Outcome::InvalidInput);
    };
    let seed = options.seed.unwrap_or(scenario.seed);
    let until = options
        .until_ms
        .map(SimTime::from_ms)
        .unwrap_or_else(|| scenario.run_until());
    if let Some(total) = scenario.records_over_budget(until) {
        eprintln!(
            "{}: {}",
            options.path.display(),
            kafka_playground::scenario::file::budget::over_budget_message(total)
        );
        return Ok(Outcome::InvalidInput);
    }
    let mut sim = scenario.build(Some(seed));
    // Without a trace only the audit is printed, and the auditor sees every record whether or
    // not per-message events are kept; dropping them saves memory on long runs.
    sim.set_detailed_events(options.trace);
    sim.advance_to(until);
    let events = sim.drain_events();
    let rejected: Vec<RejectedCommand> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::CommandRejected { reason } => Some(RejectedCommand {
                at_ms: event.at.as_ms(),
                reason: reason.to_string(),
            }),
            _ => None,
        })
        .collect();
    let audit = sim.audit();

    if options.json {
        let report = JsonReport {
            scenario: &scenario.name,
            seed,
            until_ms: until.as_ms(),
            rejected_commands: &rejected,
            audit: &audit,
            state: FinalState::of(&sim),
            trace: options
                .trace
                .then(|| events.iter().map(ToString::to_string).collect()),
        };
        let text = serde_json::to_string_pretty(&report).map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    } else {
        if options.trace {
            for event in &events {
                writeln!(out, "{event}")?;
            }
            writeln!(out)?;
        }
        write_text(
            out,
            &RunSummary {
                scenario: &scenario,
                seed,
                until,
                rejected: &rejected,
                audit: &audit,
            },
        )?;
    }
    Ok(Outcome::Ok)
}

/// Reads and checks a scenario, printing every error (and warning) as `path:line:col: message`
/// on standard error, as compilers do, so editors can jump to them.
fn load(path: &Path) -> Option<Scenario> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{shown}: cannot read the scenario: {error}");
            return None;
        }
    };
    match parse_scenario(&text) {
        Ok(scenario) => {
            for warning in &scenario.warnings {
                eprintln!(
                    "{shown}:{}:{}: warning: {}",
                    warning.line, warning.column, warning.message
                );
            }
            Some(scenario)
        }
        Err(errors) => {
            for error in &errors {
                eprintln!("{shown}:{}:{}: {}", error.line, error.column, error.message);
            }
            let count = errors
                .iter()
                .filter(|error| !error.message.starts_with("warning: "))
                .count();
            eprintln!(
                "{shown}: {count} error{}",
                if count == 1 { "" } else { "s" }
            );
            None
        }
    }
}
