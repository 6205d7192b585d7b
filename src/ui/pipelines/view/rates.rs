//! Live rates of a running pipeline: records in and out per second at every node, over the
//! last few simulated seconds. The run counts records; rates are differences of counts taken
//! once per simulated second, so they do not depend on how often the screen redraws.

use std::collections::VecDeque;

use crate::pipeline::PipelineRun;

/// How far back the rates look, in simulated milliseconds.
pub const WINDOW_MS: u64 = 5_000;
/// How often a sample of the counts is taken, in simulated milliseconds.
const SAMPLE_EVERY_MS: u64 = 1_000;

#[derive(Clone, Debug, PartialEq)]
struct Sample {
    at_ms: u64,
    records_in: Vec<u64>,
    records_out: Vec<u64>,
}

/// Samples of one run's counts; the oldest one still in the window is the baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rates {
    samples: VecDeque<Sample>,
}

fn sample(run: &PipelineRun) -> Sample {
    let nodes = &run.pipeline().nodes;
    Sample {
        at_ms: run.now_ms(),
        records_in: nodes.iter().map(|n| run.records_in(&n.id)).collect(),
        records_out: nodes.iter().map(|n| run.records_out(&n.id)).collect(),
    }
}

impl Rates {
    /// Takes a sample if a simulated second has passed since the last one.
    pub fn observe(&mut self, run: &PipelineRun) {
        let now = run.now_ms();
        let due = self
            .samples
            .back()
            .is_none_or(|last| now >= last.at_ms + SAMPLE_EVERY_MS);
        if due {
            self.samples.push_back(sample(run));
        }
        // Keep one sample at or before the window's start as the baseline.
        while self.samples.len() > 2 && self.samples[1].at_ms + WINDOW_MS <= now {
            self.samples.pop_front();
        }
    }

    /// Records in and out per second at each node (in the pipeline's node order), measured
    /// from the oldest kept sample to the run's current counts.
    pub fn per_second(&self, run: &PipelineRun) -> (Vec<f64>, Vec<f64>) {
        let now = sample(run);
        let n = now.records_in.len();
        let Some(base) = self.samples.front() else {
            return (vec![0.0; n], vec![0.0; n]);
        };
        let seconds = now.at_ms.saturating_sub(base.at_ms) as f64 / 1000.0;
        if seconds < 0.5 || base.records_in.len() != n {
            return (vec![0.0; n], vec![0.0; n]);
        }
        let rate = |now: &[u64], then: &[u64]| -> Vec<f64> {
            now.iter()
                .zip(then)
                .map(|(a, b)| a.saturating_sub(*b) as f64 / seconds)
                .collect()
        };
        (
            rate(&now.records_in, &base.records_in),
            rate(&now.records_out, &base.records_out),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{builtin, Load};

    #[test]
    fn the_standard_load_shows_as_about_five_records_a_second_into_fronting_kafka() {
        let pipeline = builtin::netflix();
        let mut run = PipelineRun::new(&pipeline, 1, Load::standard());
        let mut rates = Rates::default();
        for ms in (0..=20_000).step_by(250) {
            run.advance_to(ms);
            rates.observe(&run);
        }
        let (ins, _) = rates.per_second(&run);
        let fk = pipeline.node_index("fk").unwrap();
        assert!(
            (ins[fk] - 5.0).abs() < 1.0,
            "fronting kafka takes {} /s",
            ins[fk]
        );
    }

    #[test]
    fn no_rate_before_half_a_second_of_samples() {
        let pipeline = builtin::netflix();
        let run = PipelineRun::new(&pipeline, 1, Load::standard());
        let mut rates = Rates::default();
        rates.observe(&run);
        let (ins, outs) = rates.per_second(&run);
        assert!(ins.iter().chain(&outs).all(|r| *r == 0.0));
    }
}
