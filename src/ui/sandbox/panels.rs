//! Everything that follows the sandbox's run besides the simulation itself: one observer
//! that feeds each panel's memory (the event log, record journeys, the rebalance watch, and
//! chart samples), so the session can rewind them all together.

use crate::engine::{Event, SimTime, Simulation};

use crate::ui::sandbox::charts::metrics::MetricsHistory;
use crate::ui::sandbox::events::log::EventLog;
use crate::ui::sandbox::groups::watch::RebalanceWatch;
use crate::ui::sandbox::journey::book::JourneyBook;
use crate::ui::sandbox::observe::{Observer, StartFrom};

#[derive(Clone, Debug)]
pub struct Panels {
    pub event_log: EventLog,
    pub journeys: JourneyBook,
    pub rebalances: RebalanceWatch,
    pub metrics: MetricsHistory,
}

impl StartFrom for Panels {
    fn start_from(sim: &Simulation) -> Self {
        Panels {
            event_log: EventLog::new(),
            journeys: JourneyBook::new(),
            rebalances: RebalanceWatch::new(),
            metrics: MetricsHistory::new(sim),
        }
    }
}

impl Observer for Panels {
    fn observe(&mut self, sim: &Simulation, events: &[Event]) {
        self.event_log.observe(sim, events);
        self.journeys.observe(sim, events);
        self.rebalances.observe(sim, events);
        self.metrics.observe(sim, events);
    }

    fn rewind_to(&mut self, time: SimTime) {
        self.event_log.rewind_to(time);
        self.journeys.rewind_to(time);
        self.rebalances.rewind_to(time);
        self.metrics.rewind_to(time);
    }
}
