//! Netflix's peak second as the page shows it: where the run is, its figures in the engine's
//! own counts (events, batches, requests, simulated time) beside the wall time the worker
//! measured, and the plan's assumptions with their provenance.

use super::badge::Badge;
use super::experiment::AssumptionView;
use crate::i18n::grouped;
use crate::pipeline::builtin;
use crate::pipeline::peak_second::{PeakPlan, PeakProgress};
use crate::ui::pipelines::peak::PeakReport;

/// Where the page's peak second is.
#[derive(Clone, Debug, PartialEq)]
pub enum PeakRunState {
    Idle,
    /// The worker is loading; the run starts when it listens.
    Starting,
    Running(PeakReport),
    Done(PeakReport),
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeakFigure {
    /// For tests and styles: `events`, `wall`, ...
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PeakView {
    pub status: String,
    pub running: bool,
    pub failed: bool,
    /// Events sent so far, in percent of the plan.
    pub percent_sent: u32,
    pub figures: Vec<PeakFigure>,
    pub assumptions: Vec<AssumptionView>,
}

/// `8_000_000.0` events per second as `8.00 M/s`.
fn per_second(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} M/s", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1} k/s", value / 1e3)
    } else {
        format!("{value:.0}/s")
    }
}

fn figures(progress: &PeakProgress, wall_ms: f64) -> Vec<PeakFigure> {
    let wall_rate = if wall_ms > 0.0 {
        progress.events_acknowledged as f64 * 1_000.0 / wall_ms
    } else {
        0.0
    };
    vec![
        PeakFigure {
            key: "events",
            label: "Events acknowledged",
            value: grouped(progress.events_acknowledged),
        },
        PeakFigure {
            key: "failed",
            label: "Events dropped",
            value: grouped(progress.events_failed),
        },
        PeakFigure {
            key: "batches",
            label: "Record batches",
            value: grouped(progress.batches),
        },
        PeakFigure {
            key: "requests",
            label: "Produce requests",
            value: grouped(progress.requests),
        },
        PeakFigure {
            key: "events-per-batch",
            label: "Events per batch",
            value: if progress.batches == 0 {
                "–".to_owned()
            } else {
                format!(
                    "{:.0}",
                    progress.events_sent as f64 / progress.batches as f64
                )
            },
        },
        PeakFigure {
            key: "simulated",
            label: "Simulated time",
            value: format!("{} ms", grouped(progress.simulated_ms)),
        },
        PeakFigure {
            key: "simulated-rate",
            label: "Simulated throughput",
            value: per_second(progress.simulated_events_per_second() as f64),
        },
        PeakFigure {
            key: "wall",
            label: "Wall time in this tab",
            value: format!("{} ms", grouped(wall_ms.round() as u64)),
        },
        PeakFigure {
            key: "wall-rate",
            label: "Events per wall-clock second",
            value: per_second(wall_rate),
        },
    ]
}

impl PeakView {
    pub fn build(state: &PeakRunState, plan: &PeakPlan) -> PeakView {
        let sources = builtin::netflix().sources;
        let assumptions = plan
            .assumptions()
            .iter()
            .map(|f| AssumptionView {
                label: f.label.clone(),
                value: f.value.clone(),
                badge: Badge::build(&f.provenance, &sources),
            })
            .collect();
        let events = grouped(plan.events);
        let percent = |p: &PeakProgress| {
            (p.events_sent.saturating_mul(100) / plan.events.max(1)).min(100) as u32
        };
        let (status, running, failed, percent_sent, figures) = match state {
            PeakRunState::Idle => (
                format!("Not run yet: {events} events wait."),
                false,
                false,
                0,
                Vec::new(),
            ),
            PeakRunState::Starting => (
                "Loading the engine's worker…".to_owned(),
                true,
                false,
                0,
                Vec::new(),
            ),
            PeakRunState::Running(report) => (
                format!(
                    "Running: {} of {events} events sent, {} ms simulated, {} ms of wall time.",
                    grouped(report.progress.events_sent),
                    grouped(report.progress.simulated_ms),
                    grouped(report.wall_ms.round() as u64),
                ),
                true,
                false,
                percent(&report.progress),
                figures(&report.progress, report.wall_ms),
            ),
            PeakRunState::Done(report) => (
                format!(
                    "Done: {} events acknowledged in {} ms of wall time, while the page kept drawing.",
                    grouped(report.progress.events_acknowledged),
                    grouped(report.wall_ms.round() as u64),
                ),
                false,
                false,
                percent(&report.progress),
                figures(&report.progress, report.wall_ms),
            ),
            PeakRunState::Failed(why) => (
                format!("The peak second could not run: {why}. The rest of the page still works."),
                false,
                true,
                0,
                Vec::new(),
            ),
        };
        PeakView {
            status,
            running,
            failed,
            percent_sent,
            figures,
            assumptions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(8_000_000), "8,000,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
    }

    #[test]
    fn a_finished_run_shows_the_engines_counts_and_the_wall_time() {
        let plan = PeakPlan::netflix_2016();
        let report = PeakReport {
            run: 1,
            progress: PeakProgress {
                simulated_ms: 1_010,
                events_sent: 8_000_000,
                events_acknowledged: 7_999_000,
                events_failed: 1_000,
                batches: 16_000,
                requests: 9_000,
                done: true,
            },
            wall_ms: 812.4,
        };
        let view = PeakView::build(&PeakRunState::Done(report), &plan);
        let figure = |key: &str| {
            view.figures
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.value.clone())
                .unwrap()
        };
        assert_eq!(figure("events"), "7,999,000");
        assert_eq!(figure("failed"), "1,000");
        assert_eq!(figure("batches"), "16,000");
        assert_eq!(figure("events-per-batch"), "500");
        assert_eq!(figure("simulated"), "1,010 ms");
        assert_eq!(figure("simulated-rate"), "7.92 M/s");
        assert_eq!(figure("wall"), "812 ms");
        assert_eq!(figure("wall-rate"), "9.85 M/s");
        assert!(!view.running && !view.failed);
        assert_eq!(view.percent_sent, 100);
        assert!(view.status.contains("812 ms"), "{}", view.status);
    }

    #[test]
    fn the_assumptions_cite_netflixs_sources_and_name_the_playgrounds_choices() {
        let view = PeakView::build(&PeakRunState::Idle, &PeakPlan::netflix_2016());
        assert!(view.assumptions.iter().any(|a| a.badge.sourced));
        assert!(view.assumptions.iter().any(|a| !a.badge.sourced));
        assert!(
            view.assumptions.iter().all(|a| a.badge.text != "S?"),
            "every cited source is one of the Netflix pipeline's"
        );
    }

    #[test]
    fn a_failed_worker_is_said_in_a_sentence() {
        let view = PeakView::build(
            &PeakRunState::Failed("./peak-loader.js did not load".to_owned()),
            &PeakPlan::netflix_2016(),
        );
        assert!(view.failed && !view.running);
        assert!(view.status.contains("peak-loader.js did not load"));
    }
}
