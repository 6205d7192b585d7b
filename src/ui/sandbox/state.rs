//! The sandbox's state and everything the visitor can do to it, as plain Rust: the clock
//! (play, pause, step, speed, seek), actions on the cluster, what is selected and hovered, and
//! the message shown about the last action. The sandbox page ([`super::Page`]) owns one.

use crate::engine::{Command, ConsumerId, ProducerId, RecordId, SimTime, Simulation};
use crate::ui::shell::play_clock::{valid_speed, PlayClock};

use crate::scenario::SavedRun;
use crate::scenario::Setup;
use crate::ui::sandbox::observe::{Highlight, Observer, StartFrom};
use crate::ui::sandbox::session::Session;

/// The speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

/// Everything the visitor can do in the sandbox.
#[derive(Clone, Debug, PartialEq)]
pub enum SandboxAction {
    /// Wall-clock time passed (from `requestAnimationFrame`), in milliseconds.
    Frame {
        wall_ms: f64,
    },
    TogglePlay,
    /// Pause and process exactly one simulation event.
    Step,
    SetSpeed(f64),
    /// Drag the timeline: pause and go to this simulated millisecond.
    Seek(u64),
    /// Act on the cluster. A refused command leaves everything as it was and says why.
    Act(Command),
    /// Start again from a setup (a preset, a pasted scenario).
    Load(Setup),
    /// Start the current setup again from time zero.
    Reset,
    Select(Option<RecordId>),
    Hover(Highlight),
    DismissNotice,
}

#[derive(Clone, Debug)]
pub struct Sandbox<O> {
    session: Session<O>,
    playing: bool,
    speed: f64,
    /// Wall-clock to simulated time, with the fraction not yet applied.
    clock: PlayClock,
    notice: Option<Notice>,
    highlight: Highlight,
    selected: Option<RecordId>,
    /// Bumped whenever what must be saved changes (an action, a load), so the caller knows
    /// when to write to storage.
    revision: u64,
}

impl<O: Observer + StartFrom> Sandbox<O> {
    pub fn new(setup: Setup) -> Self {
        Sandbox::from_session(Session::new(setup))
    }

    fn from_session(session: Session<O>) -> Self {
        Sandbox {
            session,
            playing: true,
            speed: 1.0,
            clock: PlayClock::default(),
            notice: None,
            highlight: Highlight::default(),
            selected: None,
            revision: 0,
        }
    }

    /// Restores a stored run from its packed text ([`SavedRun::to_text`]). What cannot be
    /// read is reported, with the fallback setup started instead, so a bad saved state never
    /// breaks the page.
    pub fn restore(saved_text: &str, fallback: Setup) -> (Self, Option<String>) {
        match SavedRun::from_text(saved_text) {
            Ok(saved) => Sandbox::restore_run(saved, fallback),
            Err(error) => (Sandbox::new(fallback), Some(error)),
        }
    }

    /// Restores a run already read (from storage, or from an older JSON run the reader's
    /// worker translated). One that does not replay is reported like one that does not read.
    pub fn restore_run(saved: SavedRun, fallback: Setup) -> (Self, Option<String>) {
        match Session::restore(saved) {
            Ok(session) => {
                let mut sandbox = Sandbox::from_session(session);
                // A restored run waits for the visitor rather than running off on its own.
                sandbox.playing = false;
                (sandbox, None)
            }
            Err(error) => (Sandbox::new(fallback), Some(error)),
        }
    }

    // Getters.

    pub fn session(&self) -> &Session<O> {
        &self.session
    }

    pub fn sim(&self) -> &Simulation {
        self.session.sim()
    }

    /// The run's audit now (see [`Session::audit`]).
    pub fn audit(&mut self) -> crate::engine::AuditReport {
        self.session.audit()
    }

    pub fn observer(&self) -> &O {
        self.session.observer()
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn highlight(&self) -> &Highlight {
        &self.highlight
    }

    pub fn selected(&self) -> Option<RecordId> {
        self.selected
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn saved_text(&self) -> String {
        self.session.to_saved().to_text()
    }

    /// The lowest producer id not in use, for "add a producer".
    pub fn next_producer_id(&self) -> ProducerId {
        ProducerId(
            self.sim()
                .producers()
                .map(|p| p.id.0 + 1)
                .max()
                .unwrap_or(0),
        )
    }

    /// The lowest consumer id not in use, for "add a member".
    pub fn next_consumer_id(&self) -> ConsumerId {
        ConsumerId(
            self.sim()
                .consumers()
                .map(|c| c.id.0 + 1)
                .max()
                .unwrap_or(0),
        )
    }

    // The reducer.

    /// Applies an action. Returns whether anything visible may have changed.
    pub fn apply(&mut self, action: SandboxAction) -> bool {
        match action {
            SandboxAction::Frame { wall_ms } => self.frame(wall_ms),
            SandboxAction::TogglePlay => {
                self.playing = !self.playing;
                true
            }
            SandboxAction::Step => {
                self.playing = false;
                self.session.step();
                true
            }
            SandboxAction::SetSpeed(speed) => {
                if let Some(speed) = valid_speed(speed) {
                    self.speed = speed;
                }
                true
            }
            SandboxAction::Seek(ms) => {
                self.playing = false;
                self.clock.reset();
                self.session.seek(SimTime::from_ms(ms));
                true
            }
            SandboxAction::Act(command) => {
                match self.session.act(command) {
                    Ok(()) => {
                        self.revision += 1;
                        self.notice = self.session.forked_at().map(|at| {
                            Notice::Info(format!(
                                "The run forked at t = {:.1} s: what happened after that in the old run is gone, and this action starts a new future.",
                                at.as_ms() as f64 / 1000.0
                            ))
                        });
                    }
                    Err(reason) => self.notice = Some(Notice::Error(reason.to_string())),
                }
                true
            }
            SandboxAction::Load(setup) => {
                let speed = self.speed;
                *self = Sandbox::new(setup);
                self.speed = speed;
                self.revision += 1;
                true
            }
            SandboxAction::Reset => {
                let setup = self.session.setup().clone();
                let (speed, revision) = (self.speed, self.revision);
                *self = Sandbox::new(setup);
                self.speed = speed;
                self.revision = revision + 1;
                true
            }
            SandboxAction::Select(record) => {
                self.selected = record;
                true
            }
            SandboxAction::Hover(highlight) => {
                let changed = highlight != self.highlight;
                self.highlight = highlight;
                changed
            }
            SandboxAction::DismissNotice => {
                self.notice = None;
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
        if whole_ms == 0 {
            return false;
        }
        let target = self.session.now().plus_ms(whole_ms);
        self.session.advance_to(target);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BrokerId, Event};
    use crate::ui::sandbox::presets::Preset;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Count(usize);

    impl Observer for Count {
        fn observe(&mut self, _sim: &Simulation, events: &[Event]) {
            self.0 += events.len();
        }
        fn rewind_to(&mut self, _time: SimTime) {}
    }

    fn sandbox() -> Sandbox<Count> {
        Sandbox::new(Preset::by_slug("default").unwrap().setup())
    }

    fn frames(sandbox: &mut Sandbox<Count>, count: usize) {
        for _ in 0..count {
            sandbox.apply(SandboxAction::Frame { wall_ms: 16.0 });
        }
    }

    #[test]
    fn playing_moves_time_at_the_chosen_speed() {
        let mut sandbox = sandbox();
        frames(&mut sandbox, 62);
        let at_1x = sandbox.sim().now().as_ms();
        assert!((980..=1000).contains(&at_1x), "{at_1x}");
        sandbox.apply(SandboxAction::SetSpeed(10.0));
        frames(&mut sandbox, 62);
        assert!(sandbox.sim().now().as_ms() >= at_1x + 9_800);
    }

    #[test]
    fn a_refused_action_says_why_and_changes_nothing() {
        let mut sandbox = sandbox();
        let before = sandbox.revision();
        sandbox.apply(SandboxAction::Act(Command::CrashBroker {
            broker: BrokerId(7),
        }));
        assert!(matches!(sandbox.notice(), Some(Notice::Error(m)) if m.contains("broker")));
        assert_eq!(sandbox.revision(), before);
    }

    #[test]
    fn seeking_pauses_and_acting_in_the_past_forks_with_a_notice() {
        let mut sandbox = sandbox();
        frames(&mut sandbox, 300);
        sandbox.apply(SandboxAction::Seek(1_000));
        assert!(!sandbox.is_playing());
        assert_eq!(sandbox.sim().now().as_ms(), 1_000);
        sandbox.apply(SandboxAction::Act(Command::CrashBroker {
            broker: BrokerId(0),
        }));
        assert!(matches!(sandbox.notice(), Some(Notice::Info(m)) if m.contains("forked")));
        assert_eq!(sandbox.session().horizon().as_ms(), 1_000);
    }

    #[test]
    fn a_broken_saved_state_is_reported_and_a_fresh_sandbox_starts() {
        let fallback = Preset::by_slug("default").unwrap().setup();
        let (sandbox, problem) = Sandbox::<Count>::restore("AQ$$", fallback);
        assert_eq!(
            problem.unwrap(),
            "the saved run has '$' at character 3, which base64 text cannot hold"
        );
        assert_eq!(sandbox.sim().now().as_ms(), 0);

        let mut original = self::sandbox();
        frames(&mut original, 100);
        original.apply(SandboxAction::Act(Command::CrashBroker {
            broker: BrokerId(2),
        }));
        frames(&mut original, 100);
        let (restored, problem) = Sandbox::<Count>::restore(
            &original.saved_text(),
            Preset::by_slug("default").unwrap().setup(),
        );
        assert_eq!(problem, None);
        assert_eq!(restored.sim().now(), original.sim().now());
        assert!(!restored.sim().broker(BrokerId(2)).unwrap().up);
    }

    #[test]
    fn the_speed_control_spans_the_play_clock_range() {
        use crate::ui::shell::play_clock::SPEED_RANGE;
        assert_eq!((SPEEDS[0], SPEEDS[SPEEDS.len() - 1]), SPEED_RANGE);
    }
}
