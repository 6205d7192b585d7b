//! The sandbox's run: a setup, the user's actions stamped with the simulated time they were
//! taken at, and the simulation they produce. Because the engine is deterministic, the setup
//! and the action log *are* the run: replaying them gives the same simulation, event for
//! event. That is what makes the timeline draggable (restore the nearest snapshot, replay up to
//! the chosen moment), forkable (act in the past: later actions are dropped) and storable
//! (save the setup and the log, not the simulation).
//!
//! Plain Rust, no Yew, so it is tested natively.

use crate::engine::{Command, Rejection, SimTime, Simulation};
use crate::scenario::{SavedRun, Setup, Stamped, SAVED_RUN_VERSION};

use crate::ui::sandbox::observe::{Observer, StartFrom};

/// A snapshot is kept at every multiple of this much simulated time, so a seek into the
/// recent past replays at most this much.
pub const SNAPSHOT_EVERY_MS: u64 = 1_000;

/// Snapshots kept at most; beyond that an old one leaves for each new one, so memory stays
/// bounded on long runs while seeks into the far past get only a little slower.
pub const MAX_SNAPSHOTS: usize = 96;

/// How far apart old snapshots end up, at most, as a part of how long ago they were taken:
/// a seek an hour back replays at most six minutes (checked on a long run by
/// `thinned_snapshots_are_spaced_by_their_age_and_leave_one_at_a_time`).
pub const THINNED_GAP_PER_AGE: f64 = 0.1;

/// The longest saved run restored from storage, so a corrupt or hostile saved state cannot
/// keep the page replaying for minutes.
pub const MAX_RESTORED_MS: u64 = 30 * 60 * 1_000;

#[derive(Clone, Debug)]
struct Snapshot {
    at: SimTime,
    /// Log entries already applied when the snapshot was taken.
    applied: usize,
    sim: Simulation,
}

/// The run, and the observers (panels) that follow it.
#[derive(Clone, Debug)]
pub struct Session<O> {
    setup: Setup,
    log: Vec<Stamped>,
    /// How many log entries the current simulation has applied.
    applied: usize,
    sim: Simulation,
    snapshots: Vec<Snapshot>,
    /// The furthest time this branch of the run has reached; the timeline's end.
    horizon: SimTime,
    /// Set when the last action cut off a future: the time the run forked at.
    forked_at: Option<SimTime>,
    observer: O,
}

impl<O: Observer + StartFrom> Session<O> {
    pub fn new(setup: Setup) -> Self {
        let mut sim = setup.build();
        let mut observer = O::start_from(&sim);
        // A snapshot at time T must hold everything due at T already done, because observers
        // rewound to T keep what happened at T; so the first one is taken after time zero's
        // commands ran.
        sim.advance_to(SimTime::ZERO);
        let events = sim.drain_events();
        observer.observe(&sim, &events);
        Session {
            log: Vec::new(),
            applied: 0,
            snapshots: vec![Snapshot {
                at: SimTime::ZERO,
                applied: 0,
                sim: sim.clone(),
            }],
            sim,
            horizon: SimTime::ZERO,
            forked_at: None,
            setup,
            observer,
        }
    }

    /// Rebuilds a stored run. Every logged action is replayed at its time; one the engine
    /// refuses means the saved state does not belong to this engine, which is an error.
    pub fn restore(saved: SavedRun) -> Result<Self, String> {
        if saved.version != SAVED_RUN_VERSION {
            return Err(format!(
                "it was saved by format version {}, and this playground reads version {SAVED_RUN_VERSION}",
                saved.version
            ));
        }
        if saved.now_ms > MAX_RESTORED_MS {
            return Err(format!(
                "its clock ({} s) is beyond the {} s a saved run may reach",
                saved.now_ms / 1000,
                MAX_RESTORED_MS / 1000
            ));
        }
        let mut session = Session::new(saved.setup);
        let mut previous_ms = 0;
        for (index, entry) in saved.log.into_iter().enumerate() {
            if entry.at_ms < previous_ms || entry.at_ms > saved.now_ms {
                return Err(format!(
                    "action {} is stamped {} ms, out of order or after the saved clock",
                    index + 1,
                    entry.at_ms
                ));
            }
            previous_ms = entry.at_ms;
            session.advance_to(SimTime::from_ms(entry.at_ms));
            session.act(entry.command).map_err(|reason| {
                format!(
                    "action {} at {} ms was refused on replay: {reason}",
                    index + 1,
                    entry.at_ms
                )
            })?;
        }
        session.advance_to(SimTime::from_ms(saved.now_ms));
        session.forked_at = None;
        Ok(session)
    }

    pub fn to_saved(&self) -> SavedRun {
        SavedRun {
            version: SAVED_RUN_VERSION,
            setup: self.setup.clone(),
            log: self.log.clone(),
            now_ms: self.sim.now().as_ms(),
        }
    }

    // Getters.

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The run's audit now, kept up to date between calls rather than worked out from every
    /// record ([`Simulation::audit_incremental`]): the page asks for it several times a second.
    pub fn audit(&mut self) -> crate::engine::AuditReport {
        self.sim.audit_incremental()
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    pub fn observer(&self) -> &O {
        &self.observer
    }

    pub fn observer_mut(&mut self) -> &mut O {
        &mut self.observer
    }

    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    pub fn horizon(&self) -> SimTime {
        self.horizon
    }

    /// The user's actions on this branch, oldest first.
    pub fn log(&self) -> &[Stamped] {
        &self.log
    }

    /// True while the current time is behind the furthest point of the run, i.e. the
    /// visitor rewound and is replaying.
    pub fn is_rewound(&self) -> bool {
        self.sim.now() < self.horizon
    }

    pub fn forked_at(&self) -> Option<SimTime> {
        self.forked_at
    }

    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    // Time.

    /// Moves time forward to `until`, applying logged actions at their times (when replaying
    /// after a rewind) and keeping a snapshot at every [`SNAPSHOT_EVERY_MS`] boundary.
    pub fn advance_to(&mut self, until: SimTime) {
        loop {
            let now = self.sim.now();
            let boundary =
                SimTime::from_ms((now.as_ms() / SNAPSHOT_EVERY_MS + 1) * SNAPSHOT_EVERY_MS);
            let next_action = self
                .log
                .get(self.applied)
                .map(|entry| SimTime::from_ms(entry.at_ms))
                .filter(|at| *at <= until && *at <= boundary);
            if let Some(at) = next_action {
                self.sim.advance_to(at);
                let command = self.log[self.applied].command.clone();
                // A logged action was accepted when it was taken, and the replay reaches the
                // same state, so it is accepted again.
                let _ = self.sim.handle(command);
                self.applied += 1;
                self.feed();
                continue;
            }
            if boundary <= until {
                self.sim.advance_to(boundary);
                self.feed();
                self.keep_snapshot();
                continue;
            }
            self.sim.advance_to(until);
            self.feed();
            break;
        }
        self.horizon = self.horizon.max(self.sim.now());
    }

    /// Processes exactly one simulation event (for the "step" button). Returns its time.
    pub fn step(&mut self) -> Option<SimTime> {
        // A logged action due before the next event is applied first, as a replay would.
        let next_event = self.sim.next_deadline()?;
        if let Some(entry) = self.log.get(self.applied) {
            if SimTime::from_ms(entry.at_ms) < next_event {
                self.advance_to(SimTime::from_ms(entry.at_ms));
                return Some(self.sim.now());
            }
        }
        let at = self.sim.step();
        self.feed();
        self.horizon = self.horizon.max(self.sim.now());
        at
    }

    /// Goes back (or forward, within the run so far) to `time`: restores the latest snapshot
    /// at or before it and replays from there.
    pub fn seek(&mut self, time: SimTime) {
        let time = time.min(self.horizon);
        if time == self.sim.now() {
            return;
        }
        if time > self.sim.now() {
            self.advance_to(time);
            return;
        }
        let index = self
            .snapshots
            .iter()
            .rposition(|s| s.at <= time)
            .unwrap_or(0);
        let snapshot = &self.snapshots[index];
        self.sim = snapshot.sim.clone();
        self.applied = snapshot.applied;
        self.observer.rewind_to(snapshot.at);
        self.advance_to(time);
    }

    // Actions.

    /// Applies a user action now. Taken in the past of the run, it forks: every later action
    /// and snapshot of the old future is dropped and the timeline ends here.
    pub fn act(&mut self, command: Command) -> Result<(), Rejection> {
        // Finish the current millisecond first, so that a replay (which applies the action
        // after everything due at that millisecond) reaches exactly the same state.
        let now = self.sim.now();
        self.sim.advance_to(now);
        self.feed();
        let forking = now < self.horizon || self.applied < self.log.len();
        let result = self.sim.handle(command.clone());
        self.feed();
        if result.is_ok() {
            if forking {
                self.log.truncate(self.applied);
                self.snapshots.retain(|s| s.at <= now);
                self.horizon = now;
                self.forked_at = Some(now);
            } else {
                self.forked_at = None;
            }
            self.log.push(Stamped {
                at_ms: now.as_ms(),
                command,
            });
            self.applied += 1;
        }
        result
    }

    fn feed(&mut self) {
        let events = self.sim.drain_events();
        self.observer.observe(&self.sim, &events);
    }

    /// Which snapshot leaves when one too many are kept: one leaves for each that comes, so no
    /// frame pays for dropping many at once (halving them all dropped 36 copies of the
    /// simulation in one frame). Never the first (the run's start) nor the newest quarter
    /// (kept dense, where a visitor rewinds most); of the others, the one whose neighbours are
    /// closest together for their age. So the gaps grow in proportion to age, and a seek
    /// replays a small part of how far back it goes ([`THINNED_GAP_PER_AGE`]).
    fn snapshot_to_thin(&self) -> usize {
        let newest = self.snapshots.last().map_or(SimTime::ZERO, |s| s.at);
        let candidates = 1..self.snapshots.len() - MAX_SNAPSHOTS / 4;
        // The gap left by removing `i`, over its age; compared as fractions in integers.
        let cost = |i: usize| {
            let gap = self.snapshots[i + 1].at.as_ms() - self.snapshots[i - 1].at.as_ms();
            let age = (newest.as_ms() - self.snapshots[i].at.as_ms()).max(1);
            (u128::from(gap), u128::from(age))
        };
        candidates
            .min_by(|&a, &b| {
                let ((gap_a, age_a), (gap_b, age_b)) = (cost(a), cost(b));
                (gap_a * age_b).cmp(&(gap_b * age_a))
            })
            .expect("more than MAX_SNAPSHOTS snapshots leave candidates")
    }

    fn keep_snapshot(&mut self) {
        let at = self.sim.now();
        if self.snapshots.iter().any(|s| s.at == at) {
            return;
        }
        let position = self.snapshots.partition_point(|s| s.at < at);
        self.snapshots.insert(
            position,
            Snapshot {
                at,
                applied: self.applied,
                sim: self.sim.clone(),
            },
        );
        if self.snapshots.len() > MAX_SNAPSHOTS {
            self.snapshots.remove(self.snapshot_to_thin());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BrokerId, Event};

    /// Remembers every event as a line of text, so two runs can be compared.
    #[derive(Clone, Debug, Default, PartialEq)]
    struct Trace(Vec<(SimTime, String)>);

    impl Observer for Trace {
        fn observe(&mut self, _sim: &Simulation, events: &[Event]) {
            self.0.extend(events.iter().map(|e| (e.at, e.to_string())));
        }

        fn rewind_to(&mut self, time: SimTime) {
            self.0.retain(|(at, _)| *at <= time);
        }
    }

    /// Three brokers, a replicated topic, a producer at 20 records a second and one member of
    /// `billing`: enough traffic for seeks, forks and replays to have something to differ on.
    const SETUP: &str = r#"
        version = 1
        name = "test"
        seed = 7
        [cluster]
        brokers = 3
        [[topics]]
        name = "orders"
        partitions = 3
        replication_factor = 3
        min_insync_replicas = 2
        [[producers]]
        id = 0
        acks = "all"
        workload = { topic = "orders", rate = 20, keys = "cycle:5" }
        [[consumers]]
        id = 0
        topic = "orders"
        group = "billing"
    "#;

    fn setup() -> Setup {
        crate::scenario::parse_scenario(SETUP)
            .expect("the test setup parses")
            .setup()
    }

    fn session() -> Session<Trace> {
        Session::new(setup())
    }

    fn crash_broker_1() -> Command {
        Command::CrashBroker {
            broker: BrokerId(1),
        }
    }

    #[test]
    fn seeking_back_and_replaying_gives_the_same_run() {
        let mut live = session();
        live.advance_to(SimTime::from_ms(3_000));
        live.act(crash_broker_1()).unwrap();
        live.advance_to(SimTime::from_ms(8_000));
        let trace_at_8s = live.observer().clone();
        let audit_at_8s = live.sim().audit();

        live.seek(SimTime::from_ms(2_500));
        assert_eq!(live.now(), SimTime::from_ms(2_500));
        assert!(live.is_rewound());
        assert!(live.observer().0.iter().all(|(at, _)| at.as_ms() <= 2_500));

        live.seek(SimTime::from_ms(8_000));
        assert_eq!(live.observer(), &trace_at_8s);
        assert_eq!(live.sim().audit(), audit_at_8s);
        assert!(!live.is_rewound());
    }

    #[test]
    fn acting_after_a_rewind_forks_the_run() {
        let mut live = session();
        live.advance_to(SimTime::from_ms(3_000));
        live.act(crash_broker_1()).unwrap();
        live.advance_to(SimTime::from_ms(6_000));
        live.seek(SimTime::from_ms(1_000));
        live.act(Command::CrashBroker {
            broker: BrokerId(2),
        })
        .unwrap();
        assert_eq!(live.forked_at(), Some(SimTime::from_ms(1_000)));
        assert_eq!(live.horizon(), SimTime::from_ms(1_000));
        assert_eq!(live.log().len(), 1);
        live.advance_to(SimTime::from_ms(6_000));
        assert!(live.sim().broker(BrokerId(1)).unwrap().up);
        assert!(!live.sim().broker(BrokerId(2)).unwrap().up);

        // The fork is itself a run that replays identically.
        let mut replay = Session::<Trace>::restore(live.to_saved()).unwrap();
        replay.advance_to(SimTime::from_ms(6_000));
        assert_eq!(replay.observer(), live.observer());
    }

    #[test]
    fn small_steps_and_one_big_step_reach_the_same_state() {
        let mut big = session();
        big.advance_to(SimTime::from_ms(5_000));
        let mut small = session();
        while small.now() < SimTime::from_ms(5_000) {
            let next = small.now().plus_ms(16).min(SimTime::from_ms(5_000));
            small.advance_to(next);
        }
        assert_eq!(big.observer(), small.observer());
    }

    #[test]
    fn stepping_then_acting_replays_identically() {
        let mut live = session();
        live.advance_to(SimTime::from_ms(1_200));
        for _ in 0..7 {
            live.step();
        }
        live.act(crash_broker_1()).unwrap();
        live.advance_to(SimTime::from_ms(4_000));
        let mut replay = Session::<Trace>::restore(live.to_saved()).unwrap();
        replay.advance_to(SimTime::from_ms(4_000));
        assert_eq!(replay.observer(), live.observer());
    }

    #[test]
    fn a_saved_run_round_trips_through_its_stored_text() {
        let mut live = session();
        live.advance_to(SimTime::from_ms(2_000));
        live.act(crash_broker_1()).unwrap();
        live.advance_to(SimTime::from_ms(3_000));
        let saved = SavedRun::from_text(&live.to_saved().to_text()).unwrap();
        let restored = Session::<Trace>::restore(saved).unwrap();
        assert_eq!(restored.observer(), live.observer());
        assert_eq!(restored.now(), live.now());
    }

    #[test]
    fn a_saved_run_that_does_not_replay_is_refused_with_the_reason() {
        let mut saved = session().to_saved();
        saved.now_ms = 5_000;
        saved.log.push(Stamped {
            at_ms: 1_000,
            command: Command::CrashBroker {
                broker: BrokerId(9),
            },
        });
        let error = Session::<Trace>::restore(saved.clone()).unwrap_err();
        assert!(error.contains("action 1 at 1000 ms"), "{error}");
        saved.version = 99;
        let error = Session::<Trace>::restore(saved).unwrap_err();
        assert!(error.contains("version 99"), "{error}");
    }

    #[test]
    fn thinned_snapshots_are_spaced_by_their_age_and_leave_one_at_a_time() {
        // A quiet cluster: thinning depends only on when snapshots were taken, and fifty
        // simulated minutes of traffic would take a debug build many seconds.
        let quiet = "version = 1\nname = \"quiet\"\nseed = 1\n[cluster]\nbrokers = 1\n";
        let setup = crate::scenario::parse_scenario(quiet).unwrap().setup();
        let mut live = Session::<Trace>::new(setup);
        let mut count = live.snapshot_count();
        for second in 1..=3_000 {
            live.advance_to(SimTime::from_ms(second * SNAPSHOT_EVERY_MS));
            let now = live.snapshot_count();
            assert!(
                now == count + 1 || now == MAX_SNAPSHOTS,
                "at {second} s the snapshots went from {count} to {now}"
            );
            count = now;
        }
        let times: Vec<u64> = live.snapshots.iter().map(|s| s.at.as_ms()).collect();
        let newest = *times.last().unwrap();
        assert_eq!(times[0], 0, "the run's start stays");
        let recent = &times[times.len() - MAX_SNAPSHOTS / 4..];
        assert!(
            recent.windows(2).all(|w| w[1] - w[0] == SNAPSHOT_EVERY_MS),
            "the newest quarter stays dense: {recent:?}"
        );
        for pair in times[1..].windows(2) {
            let (gap, age) = (pair[1] - pair[0], newest - pair[0]);
            assert!(
                gap == SNAPSHOT_EVERY_MS || gap as f64 <= THINNED_GAP_PER_AGE * age as f64,
                "a gap of {gap} ms for snapshots {age} ms old: {times:?}"
            );
        }
        // The seek that replays the most, from the second snapshot, is still short.
        let widest = times[1..].windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(widest < 10 * 60 * 1_000, "{widest} ms: {times:?}");
    }

    #[test]
    fn snapshots_stay_bounded_on_a_long_run() {
        let mut live = session();
        live.advance_to(SimTime::from_ms(400 * SNAPSHOT_EVERY_MS));
        assert!(live.snapshot_count() <= MAX_SNAPSHOTS);
        let end = live.observer().clone();
        live.seek(SimTime::from_ms(10_500));
        live.seek(SimTime::from_ms(400 * SNAPSHOT_EVERY_MS));
        let first_difference = end
            .0
            .iter()
            .zip(&live.observer().0)
            .position(|(a, b)| a != b);
        if let Some(i) = first_difference {
            panic!(
                "differ at {i}: {:?} vs {:?} (lens {} {})",
                end.0[i],
                live.observer().0[i],
                end.0.len(),
                live.observer().0.len()
            );
        }
        assert_eq!(live.observer(), &end);
    }
}
