//! The synthetic load: evenly spaced records or given arrivals, shared between the sources by
//! their shares, each record's class drawn from a hash of the seed.

use serde::Serialize;

use super::timers::Action;
use super::{mix, Origin, PipelineRun};
use crate::engine::SimTime;

/// The synthetic load every source shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Load {
    /// Evenly spaced records, split between the sources by their shares.
    Steady { records_per_sec: u32 },
    /// Records at given times (the CodeMentor burst), with their classes.
    Arrivals { arrivals: Vec<Arrival> },
}

impl Load {
    /// The load the comparison uses for every pipeline unless the learner changes it.
    pub const STANDARD_RECORDS_PER_SEC: u32 = 5;

    pub fn standard() -> Self {
        Load::Steady {
            records_per_sec: Self::STANDARD_RECORDS_PER_SEC,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Arrival {
    pub at_ms: u64,
    /// Index into the pipeline's record classes.
    pub class: u32,
}

impl PipelineRun {
    pub(super) fn schedule_first_emit(&mut self) {
        match &self.load {
            Load::Steady { records_per_sec } if *records_per_sec > 0 => {
                self.schedule(SimTime::ZERO, Action::Emit);
            }
            Load::Arrivals { arrivals } => {
                if let Some(first) = arrivals.first() {
                    self.schedule(SimTime(first.at_ms), Action::Emit);
                }
            }
            Load::Steady { .. } => {}
        }
    }

    /// The next record of the load, and the time of the one after.
    pub(super) fn emit(&mut self) {
        match self.load.clone() {
            Load::Steady { records_per_sec } => {
                if let Some(source) = self.pick_source() {
                    let class = self.class_for(self.origins.len() as u32);
                    self.create(source, class, false);
                }
                let per_sec = u64::from(records_per_sec) * u64::from(self.load_percent.max(1));
                if per_sec == 0 {
                    return;
                }
                // Microseconds between records, at the current percentage of the rate.
                self.emit_clock_us += (100_000_000 / per_sec).max(1);
                self.schedule(SimTime(self.emit_clock_us / 1000), Action::Emit);
            }
            Load::Arrivals { arrivals } => {
                let now = self.sim.now().as_ms();
                while let Some(arrival) = arrivals.get(self.next_arrival) {
                    if arrival.at_ms > now {
                        self.schedule(SimTime(arrival.at_ms), Action::Emit);
                        break;
                    }
                    self.next_arrival += 1;
                    if let Some(source) = self.pick_source() {
                        self.create(source, arrival.class, false);
                    }
                }
            }
        }
    }

    /// The class of a record of the steady load, by its share, from a hash of the seed.
    fn class_for(&self, origin: u32) -> u32 {
        let draw = mix(self.seed ^ mix(u64::from(origin))) % 100;
        let mut cumulative = 0;
        for (index, class) in self.pipeline.classes.iter().enumerate() {
            cumulative += class.percent.value;
            if draw < cumulative {
                return index as u32;
            }
        }
        0
    }

    fn pick_source(&mut self) -> Option<usize> {
        let total: i64 = self.sources.iter().map(|s| s.1).sum();
        if total <= 0 {
            return self.sources.first().map(|s| s.0);
        }
        for source in &mut self.sources {
            source.2 += source.1;
        }
        let best = self
            .sources
            .iter()
            .enumerate()
            .max_by(|a, b| a.1 .2.cmp(&b.1 .2).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)?;
        self.sources[best].2 -= total;
        Some(self.sources[best].0)
    }

    pub(super) fn create(&mut self, source: usize, class: u32, poison: bool) {
        let origin = self.origins.len() as u32;
        self.origins.push(Origin {
            created_at: self.sim.now(),
            class,
            poison,
        });
        self.route(source, origin, source, false);
    }
}
