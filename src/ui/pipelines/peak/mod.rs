//! Netflix's peak second in a web worker of its own (`kafka-playground-peak`), so the page
//! keeps drawing while the engine pushes 8 M events, and the bundle that does it is fetched
//! only when a visitor asks for the run.
//!
//! [`worker`] runs in the worker: it runs [`crate::pipeline::peak_second`] in slices of
//! simulated time and posts a [`PeakReport`] after each, timing itself with the worker's
//! `performance.now()`. [`client`] is the page's side. The page asks with the run's number;
//! the worker answers [`READY`] once, then reports as nine numbers ([`PeakReport::to_numbers`]),
//! not JSON: reading JSON would add serde_json's parser to the pipelines page's bundle.

pub mod client;
pub mod worker;

use crate::pipeline::peak_second::PeakProgress;

/// What the worker says once it listens.
pub const READY: &str = "ready";

/// How far a run has got, and the wall time it has taken in the worker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakReport {
    /// The page numbers its runs, so late reports of an earlier one are told apart.
    pub run: u32,
    pub progress: PeakProgress,
    /// Wall time since the worker began the run (building the cluster included), in ms.
    pub wall_ms: f64,
}

/// The length of [`PeakReport::to_numbers`].
pub const REPORT_NUMBERS: usize = 9;

impl PeakReport {
    /// The report as numbers, for a `Float64Array`. Every count is far below 2^53, so each is
    /// exact as an `f64`.
    pub fn to_numbers(&self) -> [f64; REPORT_NUMBERS] {
        let p = &self.progress;
        [
            f64::from(self.run),
            p.simulated_ms as f64,
            p.events_sent as f64,
            p.events_acknowledged as f64,
            p.events_failed as f64,
            p.batches as f64,
            p.requests as f64,
            if p.done { 1.0 } else { 0.0 },
            self.wall_ms,
        ]
    }

    /// The report the numbers came from, or `None` if they are not one.
    pub fn from_numbers(numbers: &[f64]) -> Option<PeakReport> {
        if numbers.len() != REPORT_NUMBERS || numbers.iter().any(|n| !n.is_finite() || *n < 0.0) {
            return None;
        }
        let count = |index: usize| numbers[index] as u64;
        Some(PeakReport {
            run: numbers[0] as u32,
            progress: PeakProgress {
                simulated_ms: count(1),
                events_sent: count(2),
                events_acknowledged: count(3),
                events_failed: count(4),
                batches: count(5),
                requests: count(6),
                done: numbers[7] != 0.0,
            },
            wall_ms: numbers[8],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_survives_its_numbers() {
        let report = PeakReport {
            run: 3,
            progress: PeakProgress {
                simulated_ms: 1_010,
                events_sent: 8_000_000,
                events_acknowledged: 7_999_001,
                events_failed: 999,
                batches: 13_509,
                requests: 13_251,
                done: true,
            },
            wall_ms: 912.5,
        };
        assert_eq!(PeakReport::from_numbers(&report.to_numbers()), Some(report));
    }

    #[test]
    fn numbers_that_are_not_a_report_are_refused() {
        assert_eq!(PeakReport::from_numbers(&[1.0, 2.0]), None);
        let mut numbers = [1.0; REPORT_NUMBERS];
        numbers[4] = f64::NAN;
        assert_eq!(PeakReport::from_numbers(&numbers), None);
        numbers[4] = -1.0;
        assert_eq!(PeakReport::from_numbers(&numbers), None);
    }
}
