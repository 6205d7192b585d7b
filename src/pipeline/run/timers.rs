//! The driver's own timers (the load, completions, resumes, autoscaler probes, faults), kept
//! in `(time, sequence)` order like the engine's, so equal times keep the order they were
//! scheduled in.

use std::collections::BTreeMap;

use super::faults::Fault;
use super::PipelineRun;
use crate::engine::{Command, ConsumerId, SimTime};

/// The driver's own timers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Action {
    Emit,
    /// A node finished a record that came in from `from`.
    Done {
        node: usize,
        origin: u32,
        from: usize,
    },
    /// A worker that paused polling while busy may poll again.
    Resume(ConsumerId),
    /// An autoscaler looks at its group's lag.
    Probe(usize),
    Fault(Fault),
}

/// The driver's timers in the order they fire: by time, then by the order they were scheduled.
#[derive(Clone, Debug, Default)]
pub(super) struct TimerQueue {
    /// A B-tree: a queue that takes from the front and adds anywhere.
    timers: BTreeMap<(SimTime, u64), Action>,
    next_sequence: u64,
}

impl TimerQueue {
    pub(super) fn schedule(&mut self, at: SimTime, action: Action) {
        self.timers.insert((at, self.next_sequence), action);
        self.next_sequence += 1;
    }

    /// When the next timer fires.
    pub(super) fn next_at(&self) -> Option<SimTime> {
        self.timers.keys().next().map(|&(at, _)| at)
    }

    pub(super) fn pop(&mut self) -> Option<(SimTime, Action)> {
        self.timers
            .pop_first()
            .map(|((at, _), action)| (at, action))
    }
}

impl PipelineRun {
    pub(super) fn perform(&mut self, action: Action) {
        match action {
            Action::Emit => self.emit(),
            Action::Done { node, origin, from } => {
                self.nodes[node].in_progress = self.nodes[node].in_progress.saturating_sub(1);
                let failed = self.fails(node, origin);
                self.route(node, origin, from, failed);
            }
            Action::Resume(consumer) => {
                let busy = self.busy_until.get(&consumer).copied().unwrap_or_default();
                if self.sim.now() >= busy && self.paused_by_run.remove(&consumer) {
                    // A consumer closed or crashed meanwhile refuses; nothing to resume then.
                    let _ = self.sim.handle(Command::ResumeConsumer { consumer });
                }
            }
            Action::Probe(index) => self.probe(index),
            Action::Fault(fault) => self.fault(fault),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Timers fire by time; at equal times, in the order they were scheduled, whatever the
    /// order of the times they were scheduled for.
    #[test]
    fn timers_fire_by_time_then_in_scheduling_order() {
        let mut queue = TimerQueue::default();
        queue.schedule(SimTime(20), Action::Probe(1));
        queue.schedule(SimTime(10), Action::Emit);
        queue.schedule(SimTime(20), Action::Probe(0));
        queue.schedule(SimTime(10), Action::Resume(ConsumerId(7)));
        assert_eq!(queue.next_at(), Some(SimTime(10)));
        let fired: Vec<(SimTime, Action)> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            fired,
            [
                (SimTime(10), Action::Emit),
                (SimTime(10), Action::Resume(ConsumerId(7))),
                (SimTime(20), Action::Probe(1)),
                (SimTime(20), Action::Probe(0)),
            ]
        );
        assert_eq!(queue.next_at(), None);
    }
}
