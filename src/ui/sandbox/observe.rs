//! What the sandbox's panels have in common: each one is fed the simulation and the events it
//! produced after every advance of time, and each can be rewound, because the timeline can be
//! dragged back. Rewinding works by restoring a snapshot of the simulation and replaying from
//! it, so an observer is first rewound to the snapshot's time and then fed the replay; its
//! state is therefore always a function of the event stream up to now.

use crate::engine::sorted::VecSet;

use crate::engine::{
    BrokerId, ConsumerId, Event, ProducerId, RecordId, SimTime, Simulation, TopicPartition,
};

/// A panel's memory of the run (chart samples, the event log, record journeys...).
pub trait Observer {
    /// Called after every advance of time (and after every command), with the events the
    /// simulation produced since the previous call, oldest first.
    fn observe(&mut self, sim: &Simulation, events: &[Event]);

    /// Forgets everything that happened after `time`.
    fn rewind_to(&mut self, time: SimTime);
}

/// How an observer starts: from the simulation as it is before time starts (no topics, no
/// clients yet), so that everything it knows afterwards comes from the events it is fed.
pub trait StartFrom {
    fn start_from(sim: &Simulation) -> Self;
}

impl<T: Default> StartFrom for T {
    fn start_from(_sim: &Simulation) -> Self {
        T::default()
    }
}

/// Following nothing: for runs that only need the simulation.
impl Observer for () {
    fn observe(&mut self, _sim: &Simulation, _events: &[Event]) {}

    fn rewind_to(&mut self, _time: SimTime) {}
}

/// What one thing on screen (an event log entry, a hovered replica...) touched, so the other
/// panels can highlight it. Empty means "highlight nothing".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlight {
    pub brokers: VecSet<BrokerId>,
    pub partitions: VecSet<TopicPartition>,
    pub groups: VecSet<String>,
    pub consumers: VecSet<ConsumerId>,
    pub producers: VecSet<ProducerId>,
    pub record: Option<RecordId>,
}

impl Highlight {
    pub fn is_empty(&self) -> bool {
        *self == Highlight::default()
    }

    pub fn touches_broker(&self, broker: BrokerId) -> bool {
        self.brokers.contains(&broker)
    }

    /// True for the partition itself, and for every partition of a highlighted topic-wide
    /// thing such as a group.
    pub fn touches_partition(&self, partition: &TopicPartition) -> bool {
        self.partitions.contains(partition)
    }
}
