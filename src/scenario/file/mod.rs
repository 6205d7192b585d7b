//! Scenario files: a cluster, its clients and a timeline of faults, written in TOML so that a
//! blog post can ship the exact run it describes. `docs/scenarios.md` is the guide to the
//! format; this module reads it, checks it as a whole, and builds the [`Simulation`].
//!
//! Reading happens in three steps. The TOML parser gives a tree in which every value keeps its
//! byte span. Each section is then read field by field into the engine's own config structs
//! and commands ([`sections`], [`entities`], [`timeline`]), and finally the commands are walked
//! in the order the simulation will run them to check every reference ([`check`]). No step
//! stops at the first problem, so one `kplay check` lists everything to fix, each with a line
//! and column.

pub mod budget;
mod check;
mod draft;
mod duration;
mod entities;
mod network;
mod position;
mod problems;
mod sections;
mod table;
mod timeline;

use std::fmt;

use toml::de::DeTable;

use crate::engine::{BrokerConfig, Command, NetworkConfig, SimTime, Simulation};

use super::setup::{Setup, Stamped};

pub use duration::{format_duration_ms, parse_duration_ms, MAX_DURATION_MS};
pub use entities::parse_key_pattern;
pub use position::{LineIndex, Position};
pub use timeline::{parse_node, ACTIONS};

use problems::Problem;

/// How long `kplay run` runs a scenario that gives no `duration`.
pub const DEFAULT_DURATION_MS: u64 = 60_000;

/// A problem in a scenario file, at a line and column counted from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// A command the scenario schedules, and the place in the file it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledCommand {
    pub at: SimTime,
    pub command: Command,
    /// Where it was written, as a path such as `timeline[2]` or `producers[0].workload`.
    pub source: String,
    pub position: Position,
}

/// A checked scenario, ready to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The seed every random choice of the run derives from.
    pub seed: u64,
    /// How long to run when the command line does not say.
    pub duration_ms: Option<u64>,
    pub brokers: u32,
    pub broker: BrokerConfig,
    pub network: NetworkConfig,
    /// In scheduling order. Commands at the same millisecond run in this order.
    pub commands: Vec<ScheduledCommand>,
    /// Things that are legal but probably not meant, such as a topic that will be
    /// auto-created because it was never declared.
    pub warnings: Vec<ScenarioError>,
}

impl Scenario {
    /// The scenario's cluster, and its topics, clients and timeline as planned commands, in
    /// the order the file schedules them.
    pub fn setup(&self) -> Setup {
        Setup {
            name: self.name.clone(),
            seed: self.seed,
            brokers: self.brokers,
            broker: self.broker.clone(),
            network: self.network,
            planned: self
                .commands
                .iter()
                .map(|scheduled| Stamped {
                    at_ms: scheduled.at.as_ms(),
                    command: scheduled.command.clone(),
                })
                .collect(),
        }
    }

    /// A simulation at time zero with every command of the scenario scheduled, built by the
    /// one [`Setup::build`] that the tour and the sandbox use too. Nothing has run yet: topics,
    /// clients and the timeline all happen as the clock moves, and a command the engine
    /// refuses becomes a `CommandRejected` event rather than a panic.
    pub fn build(&self, seed_override: Option<u64>) -> Simulation {
        let mut setup = self.setup();
        if let Some(seed) = seed_override {
            setup.seed = seed;
        }
        setup.build()
    }

    /// The records its workloads would send in a run that ends at `until`, when that is over
    /// [`budget::MAX_RECORDS_PER_RUN`] (a `--until` longer than the file's `duration` can
    /// take a file that checked over the limit).
    pub fn records_over_budget(&self, until: SimTime) -> Option<u64> {
        let mut order: Vec<&ScheduledCommand> = self.commands.iter().collect();
        order.sort_by_key(|c| c.at);
        let counted = budget::workload_records(
            order.iter().map(|c| (c.at.as_ms(), &c.command)),
            until.as_ms(),
        );
        let total = counted
            .iter()
            .fold(0u64, |sum, w| sum.saturating_add(w.records));
        (total > budget::MAX_RECORDS_PER_RUN).then_some(total)
    }

    /// The scenario's `duration`, or [`DEFAULT_DURATION_MS`].
    pub fn run_until(&self) -> SimTime {
        SimTime::from_ms(self.duration_ms.unwrap_or(DEFAULT_DURATION_MS))
    }
}

/// Reads and checks a scenario. On failure every problem found is returned, sorted by place.
pub fn parse_scenario(text: &str) -> Result<Scenario, Vec<ScenarioError>> {
    let index = LineIndex::new(text);
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // After a syntax error the tree is a guess, so checking its contents would mostly
        // report the same mistake again.
        let problems = syntax_errors
            .iter()
            .map(|error| Problem {
                span: error.span().unwrap_or(0..0),
                message: format!("TOML syntax: {}", error.message()),
            })
            .collect();
        return Err(located(&index, problems));
    }
    let mut problems = problems::Problems::default();
    let draft = sections::read_document(&root, &mut problems);
    check::check(&draft, &mut problems);
    check_record_budget(&draft, &mut problems);
    if !problems.errors.is_empty() {
        // Warnings go with the errors, marked as such: a warning such as "topic 'ordrs' is not
        // declared" often explains an error nearby.
        let mut all = problems.errors;
        all.extend(problems.warnings.into_iter().map(|warning| Problem {
            span: warning.span,
            message: format!("warning: {}", warning.message),
        }));
        return Err(located(&index, all));
    }
    let commands = draft
        .planned
        .into_iter()
        .map(|planned| ScheduledCommand {
            at: SimTime::from_ms(planned.at_ms),
            command: planned.command,
            position: index.position(planned.origin.span.start),
            source: planned.origin.path,
        })
        .collect();
    Ok(Scenario {
        name: draft.name,
        description: draft.description,
        seed: draft.seed,
        duration_ms: draft.duration_ms,
        brokers: draft.brokers,
        broker: draft.broker,
        network: draft.network,
        commands,
        warnings: located(&index, problems.warnings),
    })
}

/// Refuses a file whose workloads would send more than [`budget::MAX_RECORDS_PER_RUN`] records
/// in its `duration`, pointing at the workload that crosses the limit.
fn check_record_budget(draft: &draft::Draft, problems: &mut problems::Problems) {
    let until_ms = draft.duration_ms.unwrap_or(DEFAULT_DURATION_MS);
    let mut order: Vec<&draft::Planned> = draft.planned.iter().collect();
    order.sort_by_key(|planned| planned.at_ms);
    let counted = budget::workload_records(order.iter().map(|p| (p.at_ms, &p.command)), until_ms);
    let total = counted
        .iter()
        .fold(0u64, |sum, w| sum.saturating_add(w.records));
    if total <= budget::MAX_RECORDS_PER_RUN {
        return;
    }
    let mut running = 0u64;
    let crossing = counted
        .iter()
        .find(|w| {
            running = running.saturating_add(w.records);
            running > budget::MAX_RECORDS_PER_RUN
        })
        .expect("the total is over the budget");
    let origin = &order[crossing.index].origin;
    problems.error(
        origin.span_of("rate"),
        format!("{}: {}", origin.path, budget::over_budget_message(total)),
    );
}

/// Converts spans to lines and columns, sorted by place, without repeats.
fn located(index: &LineIndex<'_>, problems: Vec<Problem>) -> Vec<ScenarioError> {
    let mut errors: Vec<ScenarioError> = problems
        .into_iter()
        .map(|problem| {
            let position = index.position(problem.span.start);
            ScenarioError {
                line: position.line,
                column: position.column,
                message: problem.message,
            }
        })
        .collect();
    errors.sort_by_key(|error| (error.line, error.column));
    errors.dedup();
    errors
}

#[cfg(test)]
mod tests;
