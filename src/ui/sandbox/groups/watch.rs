//! What the groups panel remembers of rebalances: the engine's state says who owns what now,
//! but not which partitions were just taken away and are waiting for a new owner. This
//! observer follows `RebalanceStarted`, `PartitionsRevoked`, `AssignmentReceived` and
//! `GroupStateChanged` to know, per group, which partitions are revoked and not yet assigned
//! again (eager: all of them; cooperative: only the moving ones), and which ones an owner
//! received recently. Plain Rust, no Yew.

use crate::engine::sorted::{VecMap, VecSet};
use std::collections::VecDeque;

use crate::engine::{
    ConsumerId, Event, EventKind, GroupPhase, SimTime, Simulation, TopicPartition,
};

use crate::ui::sandbox::observe::Observer;

/// Group events kept to rebuild the state when the timeline is rewound; older ones are folded
/// into a base state (so rewinding before them is approximate, and never unbounded).
pub const REBALANCE_NOTES_KEPT: usize = 20_000;

/// A partition taken from its owner during a rebalance, not yet owned again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    pub from: ConsumerId,
    pub at: SimTime,
}

/// One group's rebalance memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupMemory {
    pub revoked: VecMap<TopicPartition, Revocation>,
    /// When each owner received each partition it did not own before.
    pub received: VecMap<TopicPartition, (ConsumerId, SimTime)>,
    /// What each member owns after its latest assignment.
    pub owned: VecMap<ConsumerId, VecSet<TopicPartition>>,
    /// The latest rebalance: when and why.
    pub last_rebalance: Option<(SimTime, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Note {
    Started {
        group: String,
        reason: String,
    },
    Revoked {
        group: String,
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    Received {
        group: String,
        consumer: ConsumerId,
        partitions: Vec<TopicPartition>,
    },
    Phase {
        group: String,
        phase: GroupPhase,
    },
}

type State = VecMap<String, GroupMemory>;

fn apply(state: &mut State, at: SimTime, note: &Note) {
    match note {
        Note::Started { group, reason } => {
            state.entry(group.clone()).or_default().last_rebalance = Some((at, reason.clone()));
        }
        Note::Revoked {
            group,
            consumer,
            partitions,
        } => {
            let memory = state.entry(group.clone()).or_default();
            let owned = memory.owned.entry(*consumer).or_default();
            for tp in partitions {
                owned.remove(tp);
                memory.received.remove(tp);
                memory.revoked.insert(
                    tp.clone(),
                    Revocation {
                        from: *consumer,
                        at,
                    },
                );
            }
        }
        Note::Received {
            group,
            consumer,
            partitions,
        } => {
            let memory = state.entry(group.clone()).or_default();
            let now_owned: VecSet<TopicPartition> =
                partitions.iter().cloned().collect::<VecSet<_>>();
            let before = memory
                .owned
                .insert(*consumer, now_owned)
                .unwrap_or_default();
            for tp in partitions {
                memory.revoked.remove(tp);
                if !before.contains(tp) {
                    memory.received.insert(tp.clone(), (*consumer, at));
                }
            }
        }
        Note::Phase { group, phase } => {
            if matches!(phase, GroupPhase::Empty | GroupPhase::Dead) {
                // Nobody is left to receive what was revoked.
                let memory = state.entry(group.clone()).or_default();
                memory.revoked.clear();
                memory.owned.clear();
            }
        }
    }
}

/// Rebalance memory of every group. An [`Observer`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebalanceWatch {
    /// The state after the notes folded away.
    base: State,
    base_time: SimTime,
    notes: VecDeque<(SimTime, Note)>,
    state: State,
}

impl RebalanceWatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// One group's memory (empty if it never rebalanced).
    pub fn group(&self, group: &str) -> Option<&GroupMemory> {
        self.state.get(group)
    }

    fn note(&mut self, at: SimTime, note: Note) {
        apply(&mut self.state, at, &note);
        self.notes.push_back((at, note));
        if self.notes.len() > REBALANCE_NOTES_KEPT {
            let (at, oldest) = self.notes.pop_front().expect("not empty");
            apply(&mut self.base, at, &oldest);
            self.base_time = at;
        }
    }
}

impl Observer for RebalanceWatch {
    fn observe(&mut self, sim: &Simulation, events: &[Event]) {
        for event in events {
            let note = match &event.kind {
                EventKind::RebalanceStarted { group, reason } => Note::Started {
                    group: group.clone(),
                    reason: reason.clone(),
                },
                EventKind::PartitionsRevoked {
                    consumer,
                    partitions,
                } => {
                    // The event names the consumer; its group never changes.
                    let Some(client) = sim.consumer(*consumer).and_then(|c| c.group.as_ref())
                    else {
                        continue;
                    };
                    Note::Revoked {
                        group: client.group.clone(),
                        consumer: *consumer,
                        partitions: partitions.clone(),
                    }
                }
                EventKind::AssignmentReceived {
                    group,
                    consumer,
                    partitions,
                    ..
                } => Note::Received {
                    group: group.clone(),
                    consumer: *consumer,
                    partitions: partitions.clone(),
                },
                EventKind::GroupStateChanged { group, state, .. } => Note::Phase {
                    group: group.clone(),
                    phase: *state,
                },
                _ => continue,
            };
            self.note(event.at, note);
        }
    }

    fn rewind_to(&mut self, time: SimTime) {
        while self.notes.back().is_some_and(|(at, _)| *at > time) {
            self.notes.pop_back();
        }
        let mut state = self.base.clone();
        for (at, note) in &self.notes {
            apply(&mut state, *at, note);
        }
        self.state = state;
    }
}
