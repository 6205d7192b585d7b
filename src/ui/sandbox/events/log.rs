//! The event log's memory and its filtered view. Plain Rust, no Yew.
//!
//! Events arrive in very different volumes: a busy run sends thousands of network messages and
//! per-batch events for every leader election or rebalance. One shared ring would lose the rare
//! events within seconds, so the log keeps three rings of [`EVENT_LOG_KEPT`] entries each: the
//! network messages, the data path (produce, replication, consume) and the control events
//! (everything else). A view merges them back in the order they happened.

use std::collections::{BTreeSet, VecDeque};

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

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// The order events were observed in; it merges the rings back together.
    sequence: u64,
    family: EventFamily,
    event: Event,
    touched: Highlight,
    topics: BTreeSet<String>,
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
            if !filter.accepts(entry) {
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
                    touched: entry.touched.clone(),
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
    fn observe(&mut self, sim: &Simulation, events: &[Event]) {
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
            let mut highlight = touched(event);
            // Some group events name only the consumer; its group is what a viewer filters by.
            for consumer in &highlight.consumers.clone() {
                if let Some(client) = sim.consumer(*consumer).and_then(|c| c.group.as_ref()) {
                    highlight.groups.insert(client.group.clone());
                }
            }
            let topics = topics_of(event, &highlight);
            let ring = &mut self.rings[ring_of(families[index])];
            if ring.len() == EVENT_LOG_KEPT {
                ring.pop_front();
            }
            ring.push_back(Entry {
                sequence,
                family: families[index],
                event: event.clone(),
                touched: highlight,
                topics,
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
    pub families: BTreeSet<EventFamily>,
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
    fn accepts(&self, entry: &Entry) -> bool {
        self.families.contains(&entry.family)
            && self
                .broker
                .is_none_or(|broker| entry.touched.brokers.contains(&broker))
            && self
                .topic
                .as_ref()
                .is_none_or(|topic| entry.topics.contains(topic))
            && self
                .group
                .as_ref()
                .is_none_or(|group| entry.touched.groups.contains(group))
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
mod tests {
    use super::*;
    use crate::engine::{
        Acks, BrokerConfig, Command, ConsumerConfig, ConsumerId, NetworkConfig, ProducerConfig,
        ProducerId, SimConfig, TopicConfig,
    };

    fn run() -> Simulation {
        let mut sim = Simulation::new(SimConfig {
            seed: 3,
            broker_count: 3,
            network: NetworkConfig {
                latency_ms: 5,
                jitter_ms: 0,
                drop_per_million: 0,
            },
            broker: BrokerConfig {
                broker_session_timeout_ms: 3_000,
                ..BrokerConfig::default()
            },
        });
        for (name, partitions) in [("orders", 2), ("audit", 1)] {
            sim.handle(Command::CreateTopic {
                name: name.to_owned(),
                config: TopicConfig {
                    partitions,
                    replication_factor: 3,
                    ..TopicConfig::default()
                },
            })
            .unwrap();
        }
        sim.handle(Command::AddProducer {
            producer: ProducerId(1),
            config: ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        })
        .unwrap();
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(1),
            topic: "orders".to_owned(),
            group: Some("billing".to_owned()),
            config: ConsumerConfig {
                session_timeout_ms: 10_000,
                heartbeat_interval_ms: 1_000,
                ..ConsumerConfig::default()
            },
        })
        .unwrap();
        sim
    }

    fn feed(sim: &mut Simulation, log: &mut EventLog, ms: u64) {
        let until = sim.now().plus_ms(ms);
        sim.advance_to(until);
        let events = sim.drain_events();
        log.observe(sim, &events);
    }

    fn produce(sim: &mut Simulation, topic: &str, key: &str) {
        sim.handle(Command::Produce {
            producer: ProducerId(1),
            topic: topic.to_owned(),
            key: Some(key.to_owned()),
            value: Some("v".to_owned()),
        })
        .unwrap();
    }

    #[test]
    fn filters_by_family_broker_topic_and_group() {
        let mut sim = run();
        let mut log = EventLog::new();
        feed(&mut sim, &mut log, 5_000);
        produce(&mut sim, "orders", "a");
        produce(&mut sim, "audit", "b");
        feed(&mut sim, &mut log, 2_000);
        sim.handle(Command::CrashBroker {
            broker: BrokerId(1),
        })
        .unwrap();
        feed(&mut sim, &mut log, 6_000);

        let all = log.view(&sim, &EventFilter::default(), usize::MAX);
        assert!(
            all.entries.iter().all(|e| e.family != EventFamily::Network),
            "network messages are hidden by default"
        );
        // Newest first.
        assert!(all.entries.windows(2).all(|w| w[0].key > w[1].key));

        let with_network = EventFilter::default().toggled(EventFamily::Network);
        let noisy = log.view(&sim, &with_network, usize::MAX);
        assert!(noisy.matching > all.matching);
        assert!(noisy
            .entries
            .iter()
            .any(|e| e.family == EventFamily::Network));

        let faults = EventFilter {
            families: [EventFamily::Fault].into(),
            ..EventFilter::default()
        };
        let faults = log.view(&sim, &faults, usize::MAX);
        assert!(faults
            .entries
            .iter()
            .any(|e| e.sentence == "broker 1 crashed"));
        assert!(faults
            .entries
            .iter()
            .all(|e| e.family == EventFamily::Fault));

        let broker_1 = EventFilter {
            broker: Some(BrokerId(1)),
            ..EventFilter::default()
        };
        let broker_1 = log.view(&sim, &broker_1, usize::MAX);
        assert!(!broker_1.entries.is_empty());
        assert!(broker_1
            .entries
            .iter()
            .all(|e| e.touched.touches_broker(BrokerId(1))));

        let audit_topic = EventFilter {
            topic: Some("audit".to_owned()),
            ..EventFilter::default()
        };
        let audit_topic = log.view(&sim, &audit_topic, usize::MAX);
        assert!(!audit_topic.entries.is_empty());
        assert!(audit_topic.entries.iter().all(|e| e
            .touched
            .partitions
            .iter()
            .all(|tp| &*tp.topic == "audit")
            && !e.sentence.contains("orders")));

        let billing = EventFilter {
            group: Some("billing".to_owned()),
            ..EventFilter::default()
        };
        let billing = log.view(&sim, &billing, usize::MAX);
        assert!(billing
            .entries
            .iter()
            .any(|e| e.sentence.contains("joined group billing")));
        assert!(billing
            .entries
            .iter()
            .all(|e| e.touched.groups.contains("billing")));

        assert_eq!(all.groups, vec!["billing".to_owned()]);
        assert!(all.topics.contains(&"audit".to_owned()));
        assert_eq!(all.brokers.len(), 3);

        let capped = log.view(&sim, &EventFilter::default(), 5);
        assert_eq!(capped.entries.len(), 5);
        assert_eq!(capped.matching, all.matching);
    }

    #[test]
    fn the_rings_stay_bounded_and_rare_events_survive_a_flood() {
        let mut sim = run();
        let mut log = EventLog::new();
        feed(&mut sim, &mut log, 3_000);
        sim.handle(Command::CrashBroker {
            broker: BrokerId(2),
        })
        .unwrap();
        feed(&mut sim, &mut log, 10);
        for n in 0..3_000 {
            produce(&mut sim, "orders", &format!("k{n}"));
            if n % 50 == 0 {
                feed(&mut sim, &mut log, 20);
            }
        }
        feed(&mut sim, &mut log, 5_000);
        assert!(log.len() <= RINGS * EVENT_LOG_KEPT);
        let view = log.view(&sim, &EventFilter::default(), usize::MAX);
        assert!(view
            .entries
            .iter()
            .any(|e| e.sentence == "broker 2 crashed"));
    }

    #[test]
    fn rewind_then_replay_gives_the_same_log() {
        let mut sim = run();
        let mut log = EventLog::new();
        feed(&mut sim, &mut log, 4_000);
        for n in 0..20 {
            produce(&mut sim, "orders", &format!("k{n}"));
        }
        feed(&mut sim, &mut log, 300);
        let snapshot = sim.clone();
        let snapshot_time = sim.now();
        let mut straight = log.clone();
        for step in [700, 1_300, 2_000] {
            feed(&mut sim, &mut straight, step);
        }
        // Replay from the snapshot in different steps: the log must not depend on them.
        let mut replayed_sim = snapshot;
        let mut rewound = straight.clone();
        rewound.rewind_to(snapshot_time);
        assert_eq!(rewound, log, "rewinding forgets exactly what came after");
        feed(&mut replayed_sim, &mut rewound, 4_000);
        assert_eq!(rewound, straight);
    }
}
