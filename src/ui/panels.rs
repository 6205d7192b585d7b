//! Everything that follows the sandbox's run besides the simulation itself: one observer
//! that feeds each panel's memory (chart samples, the event log, record journeys), so the
//! session can rewind them all together.

use crate::engine::{Event, SimTime, Simulation};

use super::observe::Observer;

#[derive(Clone, Debug, Default)]
pub struct Panels {}

impl Observer for Panels {
    fn observe(&mut self, _sim: &Simulation, _events: &[Event]) {}

    fn rewind_to(&mut self, _time: SimTime) {}
}
