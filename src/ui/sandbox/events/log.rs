//! The event log's memory and its filtered view. Plain Rust, no Yew.
//!
//! Events arrive in very different volumes: a busy run sends thousands of network messages and
//! per-batch events for every leader election or rebalance. One shared ring would lose the rare
//! events within seconds, so the log keeps three rings of [`EVENT_LOG_KEPT`] entries each: the
//! network messages, the data path (produce, replication, consume) and the control events
//! (everything else). A view merges them back in the order they happened.

use crate::engine::sorted::VecSet;
use std::collections::VecDeque;

use crate::engine::{BrokerId, Event, SimTime, Simulation};

use crate::ui::sandbox::events::text::{
    family_of, is_alarming, sentence, time_label, topics_of, touched, EventFamily,
};
use crate::ui::sandbox::observe::{Highlight, Observer};

/// Entries kept per ring (see the module comment).
pub const EVENT_LOG_KEPT: usize = 2000;

/// How many entries a view shows at most (the newest), so a refresh never renders thousands
/// of rows; the filters reach older ones.
pub const EVENT_LOG_SHOWN: usize = 100;

const RINGS: usize = 3;

fn ring_of(family: EventFamily) -> usize {
    match family {
        EventFamily::Network => 0,
        EventFamily::Produce | EventFamily::Replication | EventFamily::Consume => 1,
        _ => 2,
    }
}

/// One event kept. What it touches (brokers, partitions, groups...) is worked out only when a
/// filter or the view asks: at 10× on the large preset the log takes in about 450 events a
/// frame and lets as many go, and building each one's sets of touched things then freeing
/// them was a tenth of the frame.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// The order events were observed in; it merges the rings back together.
    sequence: u64,
    family: EventFamily,
    event: Event,
}

impl Entry {
    /// What the event touches, with the groups of the consumers it names (some group events
    /// name only the consumer; its group is what a viewer filters by). A consumer keeps its
    /// group for its whole life and is never removed, so asking later gives what asking at
    /// once would have.
    fn touched(&self, sim: &Simulation) -> Highlight {
        let mut highlight = touched(&self.event);
        for consumer in &highlight.consumers.clone() {
            if let Some(client) = sim.consumer(*consumer).and_then(|c| c.group.as_ref()) {
                highlight.groups.insert(client.group.clone());
            }
        }
        highlight
    }
}

/// The recent events, bounded. An [`Observer`].
#[derive(Clone, Debug, PartialEq)]
pub struct EventLog {
    rings: [VecDeque<Entry>; RINGS],
    next_sequence: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog {
            rings: std::array::from_fn(|_| VecDeque::new()),
            next_sequence: 0,
        }
    }
}

impl EventLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries the log holds now.
    pub fn len(&self) -> usize {
        self.rings.iter().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries that pass `filter`, newest first, at most `max_entries`, with the choices
    /// each filter offers (taken from the simulation, so a broker appears even before it did
    /// anything).
    pub fn view(&self, sim: &Simulation, filter: &EventFilter, max_entries: usize) -> EventLogView {
        let mut cursors: [usize; RINGS] = std::array::from_fn(|ring| self.rings[ring].len());
        let mut entries = Vec::new();
        let mut matching = 0usize;
        // Walk the rings backwards together, always taking the newest remaining entry.
        loop {
            let newest = (0..RINGS)
                .filter(|ring| cursors[*ring] > 0)
                .max_by_key(|ring| self.rings[*ring][cursors[*ring] - 1].sequence);
            let Some(ring) = newest else { break };
            cursors[ring] -= 1;
            let entry = &self.rings[ring][cursors[ring]];
            if !filter.accepts(entry, sim) {
                continue;
            }
            matching += 1;
            if entries.len() < max_entries {
                entries.push(EventLogEntry {
                    key: entry.sequence,
                    time_label: time_label(entry.event.at),
                    family: entry.family,
                    sentence: sentence(&entry.event),
                    alarming: is_alarming(&entry.event.kind),
                    touched: entry.touched(sim),
                });
            }
        }
        EventLogView {
            entries,
            matching,
            brokers: sim.brokers().map(|b| b.id).collect(),
            topics: sim.topics().map(|t| t.name.clone()).collect(),
            groups: sim.groups().map(|g| g.id.clone()).collect(),
        }
    }
}

impl Observer for EventLog {
    fn observe(&mut self, _sim: &Simulation, events: &[Event]) {
        // Only the last EVENT_LOG_KEPT of each ring can survive this batch, so the rest are
        // skipped before any work is spent on them (a fast-forward yields many thousands).
        let families: Vec<EventFamily> = events.iter().map(|e| family_of(&e.kind)).collect();
        let mut quota = [EVENT_LOG_KEPT; RINGS];
        let mut keep = vec![false; events.len()];
        for index in (0..events.len()).rev() {
            let ring = ring_of(families[index]);
            if quota[ring] > 0 {
                quota[ring] -= 1;
                keep[index] = true;
            }
        }
        for (index, event) in events.iter().enumerate() {
            let sequence = self.next_sequence;
            self.next_sequence += 1;
            if !keep[index] {
                continue;
            }
            let ring = &mut self.rings[ring_of(families[index])];
            if ring.len() == EVENT_LOG_KEPT {
                ring.pop_front();
            }
            ring.push_back(Entry {
                sequence,
                family: families[index],
                event: event.clone(),
            });
        }
    }

    fn rewind_to(&mut self, time: SimTime) {
        for ring in &mut self.rings {
            while ring.back().is_some_and(|e| e.event.at > time) {
                ring.pop_back();
            }
        }
        // The next entry continues right after the newest one kept, so the order of the rings'
        // entries stays the order of events.
        self.next_sequence = self
            .rings
            .iter()
            .filter_map(|ring| ring.back().map(|e| e.sequence + 1))
            .max()
            .unwrap_or(0);
    }
}

/// What the viewer chose to see. `None` means "any".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFilter {
    pub broker: Option<BrokerId>,
    pub topic: Option<String>,
    pub group: Option<String>,
    pub families: VecSet<EventFamily>,
}

impl Default for EventFilter {
    fn default() -> Self {
        EventFilter {
            broker: None,
            topic: None,
            group: None,
            families: EventFamily::shown_by_default(),
        }
    }
}

impl EventFilter {
    fn accepts(&self, entry: &Entry, sim: &Simulation) -> bool {
        if !self.families.contains(&entry.family) {
            return false;
        }
        if self.broker.is_none() && self.topic.is_none() && self.group.is_none() {
            return true;
        }
        let touched = entry.touched(sim);
        self.broker
            .is_none_or(|broker| touched.brokers.contains(&broker))
            && self
                .topic
                .as_ref()
                .is_none_or(|topic| topics_of(&entry.event, &touched).contains(topic))
            && self
                .group
                .as_ref()
                .is_none_or(|group| touched.groups.contains(group))
    }

    /// The same filter with one family switched on or off.
    pub fn toggled(&self, family: EventFamily) -> EventFilter {
        let mut next = self.clone();
        if !next.families.remove(&family) {
            next.families.insert(family);
        }
        next
    }
}

/// One line of the log as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct EventLogEntry {
    /// Unique and stable while the entry is shown (a key for the list).
    pub key: u64,
    /// `t=12.4 s`.
    pub time_label: String,
    pub family: EventFamily,
    pub sentence: String,
    /// Data at risk or lost: drawn stronger, with a marker.
    pub alarming: bool,
    /// What hovering or focusing the entry highlights elsewhere.
    pub touched: Highlight,
}

/// The log as drawn: the entries (newest first) and the choices of each filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLogView {
    pub entries: Vec<EventLogEntry>,
    /// Entries kept that pass the filter (may exceed `entries.len()`).
    pub matching: usize,
    pub brokers: Vec<BrokerId>,
    pub topics: Vec<String>,
    pub groups: Vec<String>,
}

#[cfg(test)]
mod tests;
