//! The CodeMentor experiment on screen: the learner's inputs read from text fields, and a
//! result turned into a table of both variants and the series to chart.

use crate::pipeline::codementor::{
    Experiment, ExperimentParams, VariantResult, MAX_BURST, MAX_PARTITIONS,
};

use super::badge::Badge;
use crate::pipeline::builtin;

/// The form's fields as typed, so a half-typed number is not lost on the next render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExperimentForm {
    pub burst: String,
    pub python_percent: String,
    pub concurrency: String,
    pub timeout_s: String,
    pub partitions: String,
    pub seed: String,
}

impl Default for ExperimentForm {
    fn default() -> Self {
        ExperimentForm::from_params(&ExperimentParams::default())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Burst,
    PythonPercent,
    Concurrency,
    TimeoutS,
    Partitions,
    Seed,
}

fn number(text: &str, name: &str, min: u64, max: u64, problems: &mut Vec<String>) -> u64 {
    match text.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            problems.push(format!(
                "{name} must be a whole number from {min} to {max}."
            ));
            min
        }
    }
}

impl ExperimentForm {
    pub fn from_params(params: &ExperimentParams) -> ExperimentForm {
        ExperimentForm {
            burst: params.burst.to_string(),
            python_percent: params.python_percent.to_string(),
            concurrency: params.concurrency.to_string(),
            timeout_s: (params.request_timeout_ms / 1000).to_string(),
            partitions: params.partitions.to_string(),
            seed: params.seed.to_string(),
        }
    }

    pub fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Burst => &mut self.burst,
            Field::PythonPercent => &mut self.python_percent,
            Field::Concurrency => &mut self.concurrency,
            Field::TimeoutS => &mut self.timeout_s,
            Field::Partitions => &mut self.partitions,
            Field::Seed => &mut self.seed,
        };
        *slot = value;
    }

    /// The parameters, or every problem with the fields.
    pub fn params(&self) -> Result<ExperimentParams, Vec<String>> {
        let mut problems = Vec::new();
        let max_partitions = u64::from(MAX_PARTITIONS);
        let params = ExperimentParams {
            burst: number(
                &self.burst,
                "Submissions (N)",
                1,
                u64::from(MAX_BURST),
                &mut problems,
            ) as u32,
            python_percent: number(&self.python_percent, "Python share", 0, 100, &mut problems)
                as u32,
            concurrency: number(
                &self.concurrency,
                "Concurrency",
                1,
                max_partitions,
                &mut problems,
            ) as u32,
            request_timeout_ms: number(&self.timeout_s, "Request timeout", 1, 600, &mut problems)
                * 1000,
            partitions: number(
                &self.partitions,
                "Partitions",
                1,
                max_partitions,
                &mut problems,
            ) as u32,
            seed: number(&self.seed, "Seed", 0, u64::from(u32::MAX), &mut problems),
            ..ExperimentParams::default()
        };
        if problems.is_empty() {
            Ok(params)
        } else {
            Err(problems)
        }
    }
}

/// One variant's figures, formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantRow {
    pub variant: String,
    /// `without` or `with`, for test ids.
    pub key: &'static str,
    pub submitted: u64,
    pub completed: u64,
    pub dropped: u64,
    pub pending: u64,
    pub duplicates: u64,
    pub p50: String,
    pub p99: String,
    pub max: String,
}

/// One line of a chart: values per second.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    /// `without` (solid) or `with` (dashed).
    pub key: &'static str,
    pub values: Vec<f64>,
}

/// One chart: a title, the y axis's meaning, and a line per variant.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub key: &'static str,
    pub title: &'static str,
    pub y_label: &'static str,
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AssumptionView {
    pub label: String,
    pub value: String,
    pub badge: Badge,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentView {
    pub rows: Vec<VariantRow>,
    pub charts: Vec<ChartData>,
    pub assumptions: Vec<AssumptionView>,
    /// The result in one or two sentences.
    pub verdict: String,
    /// The same run from the command line.
    pub command: String,
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

fn row(result: &VariantResult, key: &'static str) -> VariantRow {
    let any = result.latency.count > 0;
    let latency = |ms: u64| if any { seconds(ms) } else { "–".to_owned() };
    VariantRow {
        variant: if key == "with" {
            "With Kafka"
        } else {
            "Without Kafka"
        }
        .to_owned(),
        key,
        submitted: result.submitted,
        completed: result.completed,
        dropped: result.dropped,
        pending: result.pending,
        duplicates: result.duplicates,
        p50: latency(result.latency.p50_ms),
        p99: latency(result.latency.p99_ms),
        max: latency(result.latency.max_ms),
    }
}

fn lines(experiment: &Experiment, get: impl Fn(&VariantResult) -> &Vec<u32>) -> Vec<Line> {
    [
        (&experiment.without_kafka, "without", "Without Kafka"),
        (&experiment.with_kafka, "with", "With Kafka"),
    ]
    .into_iter()
    .map(|(result, key, label)| Line {
        label: label.to_owned(),
        key,
        values: get(result).iter().map(|&v| f64::from(v)).collect(),
    })
    .collect()
}

/// Completed submissions so far, second by second.
fn cumulative(values: &[u32]) -> Vec<u32> {
    values
        .iter()
        .scan(0u32, |total, v| {
            *total += v;
            Some(*total)
        })
        .collect()
}

impl ExperimentView {
    pub fn build(experiment: &Experiment) -> ExperimentView {
        let p = &experiment.params;
        let without = &experiment.without_kafka;
        let with = &experiment.with_kafka;
        let sources = builtin::codementor().sources;
        let verdict = format!(
            "Without Kafka, {} of {} submissions were dropped (the caller gave up after {} s). With Kafka, {} were dropped: {} completed, the slowest after {}.",
            without.dropped,
            without.submitted,
            p.request_timeout_ms / 1000,
            with.dropped,
            with.completed,
            seconds(with.latency.max_ms),
        );
        let without_done = cumulative(&without.series.completions);
        let with_done = cumulative(&with.series.completions);
        let without_drops = cumulative(&without.series.drops);
        let with_drops = cumulative(&with.series.drops);
        let pair = |a: &[u32], b: &[u32]| {
            vec![
                Line {
                    label: "Without Kafka".to_owned(),
                    key: "without",
                    values: a.iter().map(|&v| f64::from(v)).collect(),
                },
                Line {
                    label: "With Kafka".to_owned(),
                    key: "with",
                    values: b.iter().map(|&v| f64::from(v)).collect(),
                },
            ]
        };
        ExperimentView {
            rows: vec![row(without, "without"), row(with, "with")],
            charts: vec![
                ChartData {
                    key: "queue",
                    title: "Waiting submissions",
                    y_label: "submissions waiting",
                    lines: lines(experiment, |r| &r.series.queue_depth),
                },
                ChartData {
                    key: "completed",
                    title: "Completed so far",
                    y_label: "submissions completed",
                    lines: pair(&without_done, &with_done),
                },
                ChartData {
                    key: "dropped",
                    title: "Dropped so far",
                    y_label: "submissions dropped",
                    lines: pair(&without_drops, &with_drops),
                },
                ChartData {
                    key: "workers",
                    title: "Workers (execution slots without Kafka, consumers with it)",
                    y_label: "workers",
                    lines: lines(experiment, |r| &r.series.workers),
                },
            ],
            assumptions: experiment
                .assumptions
                .iter()
                .map(|f| AssumptionView {
                    label: f.label.clone(),
                    value: f.value.clone(),
                    badge: Badge::build(&f.provenance, &sources),
                })
                .collect(),
            verdict,
            command: format!(
                "kplay pipeline codementor --burst {} --seed {} --python {} --concurrency {} --timeout {}s --partitions {} --json",
                p.burst,
                p.seed,
                p.python_percent,
                p.concurrency,
                p.request_timeout_ms / 1000,
                p.partitions
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::codementor;

    #[test]
    fn the_default_form_reads_back_as_the_default_parameters() {
        assert_eq!(
            ExperimentForm::default().params(),
            Ok(ExperimentParams::default())
        );
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let mut form = ExperimentForm::default();
        form.set(Field::Burst, "lots".to_owned());
        form.set(Field::PythonPercent, "120".to_owned());
        let problems = form.params().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("Submissions"));
    }

    #[test]
    fn a_burst_drops_without_kafka_and_not_with_it() {
        let experiment = codementor::run(&ExperimentParams::default());
        let view = ExperimentView::build(&experiment);
        let without = &view.rows[0];
        let with = &view.rows[1];
        assert_eq!((without.key, with.key), ("without", "with"));
        assert!(without.dropped > 0);
        assert_eq!(with.dropped, 0);
        assert_eq!(with.completed, with.submitted);
        assert!(view
            .verdict
            .contains(&format!("{} of {}", without.dropped, without.submitted)));
        let dropped = view.charts.iter().find(|c| c.key == "dropped").unwrap();
        assert_eq!(
            dropped.lines[0].values.last().copied(),
            Some(without.dropped as f64)
        );
        assert!(dropped.lines[1].values.iter().all(|v| *v == 0.0));
        assert!(view.assumptions.iter().any(|a| a.badge.sourced));
        assert!(view.assumptions.iter().any(|a| !a.badge.sourced));
        assert!(view.command.contains("--burst 200"));
    }
}
