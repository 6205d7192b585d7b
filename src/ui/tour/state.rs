//! The playground's state and everything that can happen to it, as plain Rust with no Yew in
//! sight, so it can be tested natively. The tour page ([`super::Page`]) owns one and forwards actions to it.

use crate::engine::{Command, Event, EventKind, PartitionChoice, SimTime, Simulation};
use crate::scenario::{Scene, SceneId};
use crate::ui::shell::play_clock::{valid_speed, PlayClock};

/// The speeds the speed control offers, as multiples of real time.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// How long a finished scene stays on screen before the guided start moves on, in simulated ms.
pub const HOLD_BEFORE_NEXT_SCENE_MS: u64 = 9_000;

/// Events kept for the caption and the recent-activity line.
const RECENT_EVENTS_KEPT: usize = 200;

/// Everything the user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Wall-clock time passed (from `requestAnimationFrame`), in milliseconds.
    Frame {
        wall_ms: f64,
    },
    TogglePlay,
    /// Pause and process exactly one simulation event.
    Step,
    SetSpeed(f64),
    /// Produce one record by hand; an empty key means a null key, an empty value a generated one.
    Produce {
        key: String,
        value: String,
    },
    Reset,
    LoadScene(SceneId),
    /// Stay on the current scene instead of moving to the next one.
    StayOnScene,
}

/// The playground.
#[derive(Clone, Debug)]
pub struct Playground {
    scene: Scene,
    sim: Simulation,
    playing: bool,
    speed: f64,
    /// Wall-clock to simulated time, with the fraction not yet applied.
    clock: PlayClock,
    /// True once the user has acted, so the guided start no longer moves on by itself.
    guided: bool,
    finished_at: Option<SimTime>,
    recent: Vec<Event>,
    placements: Vec<Placement>,
    notice: Option<String>,
}

/// Where the partitioner put a record, kept for the caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub value: String,
    pub key: Option<String>,
    pub partition: u32,
    pub choice: PartitionChoice,
}

/// Placements kept for the caption; older ones are summarised away.
const PLACEMENTS_KEPT: usize = 64;

impl Playground {
    pub fn new(scene: SceneId) -> Self {
        let scene = Scene::get(scene);
        Playground {
            sim: scene.build(),
            scene,
            playing: true,
            speed: 1.0,
            clock: PlayClock::default(),
            guided: true,
            finished_at: None,
            recent: Vec::new(),
            placements: Vec::new(),
            notice: None,
        }
    }

    // Getters for the view.

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// A message for the user about their last action (e.g. why it was refused).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Where recent records went, oldest first.
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    pub fn recent_events(&self) -> &[Event] {
        &self.recent
    }

    /// Whether the consumer has printed every record the producer sent.
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Simulated ms until the guided start moves to the next scene, if it will.
    pub fn next_scene_in_ms(&self) -> Option<u64> {
        let finished_at = self.finished_at?;
        if !self.guided || self.scene.id.next().is_none() {
            return None;
        }
        let due = finished_at.plus_ms(HOLD_BEFORE_NEXT_SCENE_MS);
        Some(due.since(self.sim.now()))
    }

    // The reducer.

    /// Applies an action. Returns whether anything visible may have changed.
    pub fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::Frame { wall_ms } => self.frame(wall_ms),
            Action::TogglePlay => {
                self.playing = !self.playing;
                self.guided = false;
                true
            }
            Action::Step => {
                self.playing = false;
                self.guided = false;
                self.sim.step();
                self.after_time_moved();
                true
            }
            Action::SetSpeed(speed) => {
                if let Some(speed) = valid_speed(speed) {
                    self.speed = speed;
                }
                true
            }
            Action::Produce { key, value } => {
                self.guided = false;
                self.produce_by_hand(key, value);
                true
            }
            Action::Reset => {
                let id = self.scene.id;
                let speed = self.speed;
                *self = Playground::new(id);
                self.speed = speed;
                self.guided = false;
                true
            }
            Action::LoadScene(id) => {
                let speed = self.speed;
                *self = Playground::new(id);
                self.speed = speed;
                self.guided = false;
                true
            }
            Action::StayOnScene => {
                self.guided = false;
                true
            }
        }
    }

    fn frame(&mut self, wall_ms: f64) -> bool {
        if !self.playing {
            return false;
        }
        let Some(whole_ms) = self.clock.advance(wall_ms, self.speed) else {
            return false;
        };
        let target = self.sim.now().plus_ms(whole_ms);
        self.sim.advance_to(target);
        self.after_time_moved();
        if let Some(0) = self.next_scene_in_ms() {
            if let Some(next) = self.scene.id.next() {
                let speed = self.speed;
                *self = Playground::new(next);
                self.speed = speed;
            }
        }
        true
    }

    fn after_time_moved(&mut self) {
        let events = self.sim.drain_events();
        for event in &events {
            match &event.kind {
                EventKind::CommandRejected { reason } => self.notice = Some(reason.to_string()),
                EventKind::RecordSent {
                    partition,
                    key,
                    value,
                    choice,
                    ..
                } => self.placements.push(Placement {
                    value: value.clone().unwrap_or_else(|| "null".to_owned()),
                    key: key.clone(),
                    partition: partition.partition,
                    choice: *choice,
                }),
                _ => {}
            }
        }
        self.recent.extend(events);
        if self.placements.len() > PLACEMENTS_KEPT {
            let excess = self.placements.len() - PLACEMENTS_KEPT;
            self.placements.drain(..excess);
        }
        if self.recent.len() > RECENT_EVENTS_KEPT {
            let excess = self.recent.len() - RECENT_EVENTS_KEPT;
            self.recent.drain(..excess);
        }
        if self.finished_at.is_none() {
            let sent = self.records_sent();
            let printed = self
                .sim
                .consumer(self.scene.consumer)
                .map_or(0, |c| c.polled.len());
            if sent >= self.scene.values.len() as u64 && printed as u64 >= sent {
                self.finished_at = Some(self.sim.now());
            }
        }
    }

    fn records_sent(&self) -> u64 {
        self.sim
            .producers()
            .find(|p| p.id == self.scene.producer)
            .map_or(0, |p| p.stats.records_sent)
    }

    fn produce_by_hand(&mut self, key: String, value: String) {
        let key = key.trim();
        let key = (!key.is_empty()).then(|| key.to_owned());
        let value = if value.trim().is_empty() {
            self.scene.hand_value(self.records_sent())
        } else {
            value.trim().to_owned()
        };
        let command = Command::Produce {
            producer: self.scene.producer,
            topic: self.scene.topic.to_owned(),
            key,
            value: Some(value),
            partition: None,
            timestamp: None,
            headers: Vec::new(),
        };
        match self.sim.handle(command) {
            Ok(()) => {
                self.notice = None;
                self.after_time_moved();
            }
            Err(reason) => self.notice = Some(reason.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_frames(playground: &mut Playground, frames: usize) {
        for _ in 0..frames {
            playground.apply(Action::Frame { wall_ms: 16.0 });
        }
    }

    #[test]
    fn the_guided_start_finishes_the_first_scene_then_moves_on() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        run_frames(&mut playground, 60 * 12);
        assert!(playground.is_finished());
        let printed: Vec<_> = playground
            .sim()
            .consumers()
            .next()
            .unwrap()
            .polled
            .iter()
            .map(|r| r.value_text())
            .collect();
        assert_eq!(printed, ["a", "d", "b", "e", "c"]);
        run_frames(&mut playground, 60 * 12);
        assert_eq!(playground.scene().id, SceneId::OnePartition);
    }

    #[test]
    fn acting_stops_the_guided_start_from_moving_on() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        playground.apply(Action::Produce {
            key: String::new(),
            value: String::new(),
        });
        run_frames(&mut playground, 60 * 30);
        assert_eq!(playground.scene().id, SceneId::ThreePartitions);
        assert_eq!(playground.next_scene_in_ms(), None);
    }

    #[test]
    fn pausing_stops_time_and_step_moves_one_event() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        playground.apply(Action::TogglePlay);
        let before = playground.sim().now();
        run_frames(&mut playground, 100);
        assert_eq!(playground.sim().now(), before);
        playground.apply(Action::Step);
        assert!(playground.sim().now() > before);
        assert!(!playground.is_playing());
    }

    #[test]
    fn a_hand_record_with_a_key_goes_to_its_murmur2_partition() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        playground.apply(Action::Produce {
            key: "user-42".into(),
            value: "hello".into(),
        });
        let sent = playground
            .recent_events()
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::RecordSent { partition, .. } => Some(partition.partition),
                _ => None,
            });
        // "user-42" hashes to partition 1 of 3 in Kafka's own partitioner.
        assert_eq!(sent, Some(1));
    }

    #[test]
    fn an_oversized_value_is_refused_with_a_notice_and_nothing_breaks() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        playground.apply(Action::Produce {
            key: String::new(),
            value: "x".repeat(5000),
        });
        assert!(playground.notice().unwrap().contains("at most"));
        run_frames(&mut playground, 10);
    }

    #[test]
    fn speed_is_clamped_and_nonsense_ignored() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        playground.apply(Action::SetSpeed(f64::NAN));
        assert_eq!(playground.speed(), 1.0);
        playground.apply(Action::SetSpeed(1000.0));
        assert_eq!(playground.speed(), 100.0);
    }
}
