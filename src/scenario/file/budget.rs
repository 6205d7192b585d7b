//! The record budget: how many records a scenario's workloads would send in a run, and the
//! limit on it. A rate and a duration can each be within their limits while their product is
//! not (a million records a second for ten minutes is 600 million records, an hour of work and
//! gigabytes), so the product is bounded too, and a file over it is refused before it runs.

use crate::engine::{Command, ProducerId};

/// Records the workloads of one run may send in all. At the largest rate this is two
/// simulated seconds; natively a million records take about a second and 140 MB
/// (BENCHMARKS.md), so every run that passes this check finishes in seconds.
pub const MAX_RECORDS_PER_RUN: u64 = 2_000_000;

/// One workload's share of the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkloadRecords {
    /// Where the workload is in the run's commands.
    pub index: usize,
    /// Records it sends before it stops, its count runs out or the run ends.
    pub records: u64,
}

/// The records every workload among `commands` (each with the millisecond it runs at, in run
/// order) sends in a run that ends at `until_ms`: its rate over the time from its start to the
/// first `stop-workload` of its producer (or the next start, which replaces it, or the run's
/// end), at most its `count`.
pub fn workload_records<'a>(
    commands: impl IntoIterator<Item = (u64, &'a Command)>,
    until_ms: u64,
) -> Vec<WorkloadRecords> {
    let commands: Vec<(u64, &Command)> = commands.into_iter().collect();
    let ends_for = |producer: ProducerId, after: usize, from_ms: u64| {
        commands[after + 1..]
            .iter()
            .find(|(at_ms, command)| {
                *at_ms >= from_ms
                    && matches!(command,
                        Command::StopWorkload { producer: p }
                        | Command::StartWorkload { producer: p, .. }
                        | Command::CloseProducer { producer: p } if *p == producer)
            })
            .map_or(until_ms, |(at_ms, _)| *at_ms)
            .min(until_ms)
    };
    commands
        .iter()
        .enumerate()
        .filter_map(|(index, (at_ms, command))| match command {
            Command::StartWorkload { producer, workload } => {
                let span_ms = ends_for(*producer, index, *at_ms).saturating_sub(*at_ms);
                let by_rate =
                    u64::from(workload.records_per_second).saturating_mul(span_ms) / 1_000;
                let records = workload.count.map_or(by_rate, |count| count.min(by_rate));
                Some(WorkloadRecords { index, records })
            }
            _ => None,
        })
        .collect()
}

/// The message for a run over the budget.
pub fn over_budget_message(total: u64) -> String {
    format!(
        "the workloads would send about {total} records in this run; the playground allows at most {MAX_RECORDS_PER_RUN} per run, so that every run finishes in seconds: lower a rate, give the workload a count or a stop, or shorten the duration"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{KeyPattern, Workload};

    fn start(producer: u32, rate: u32, count: Option<u64>) -> Command {
        Command::StartWorkload {
            producer: ProducerId(producer),
            workload: Workload {
                topic: "t".into(),
                records_per_second: rate,
                keys: KeyPattern::None,
                count,
            },
        }
    }

    #[test]
    fn a_workload_counts_its_rate_over_its_time_and_stops_at_its_count() {
        let stop = Command::StopWorkload {
            producer: ProducerId(1),
        };
        let commands = [
            (1_000, start(1, 100, None)),
            (2_000, start(2, 1_000, Some(500))),
            (11_000, stop),
            (20_000, start(1, 10, None)),
        ];
        let counted = workload_records(commands.iter().map(|(at, c)| (*at, c)), 60_000);
        let records: Vec<u64> = counted.iter().map(|w| w.records).collect();
        // 100/s for 10 s; 1000/s capped by its count of 500; 10/s for the last 40 s.
        assert_eq!(records, vec![1_000, 500, 400]);
        // A run ending before the stop cuts the first workload short.
        let counted = workload_records(commands.iter().map(|(at, c)| (*at, c)), 6_000);
        assert_eq!(counted[0].records, 500);
    }

    #[test]
    fn a_runaway_workload_is_refused_before_it_runs_and_two_seconds_at_the_limit_are_not() {
        let file = |duration: &str| {
            format!(
                "version = 1\nname = \"x\"\nduration = \"{duration}\"\n[[topics]]\nname = \"t\"\n[[producers]]\nid = 1\nworkload = {{ topic = \"t\", rate = 1000000 }}\n"
            )
        };
        let errors = super::super::parse_scenario(&file("10m")).expect_err("over the budget");
        assert_eq!(
            errors[0].message,
            format!(
                "producers[0].workload: {}",
                over_budget_message(600_000_000)
            )
        );
        let scenario = super::super::parse_scenario(&file("2s")).expect("within the budget");
        assert_eq!(scenario.records_over_budget(scenario.run_until()), None);
        // A longer --until takes the same file over: kplay refuses it then.
        assert_eq!(
            scenario.records_over_budget(crate::engine::SimTime::from_ms(3_000)),
            Some(3_000_000)
        );
    }
}
