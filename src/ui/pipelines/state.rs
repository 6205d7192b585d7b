//! The pipelines view's state: which pipelines are compared, their runs under one clock, the
//! failure story being played and the CodeMentor experiment's last result. One reducer,
//! [`Board::apply`]; no Yew, tested natively.

use crate::engine::sorted;
use crate::pipeline::codementor::{self, Experiment, ExperimentParams};
use crate::pipeline::{builtin, stories, Load, PipelineRun, Story};

use super::view::rates::Rates;
use crate::ui::shell::play_clock::PlayClock;

/// The speeds offered, as multiples of real time.
pub const SPEEDS: [u32; 5] = [1, 2, 5, 10, 20];
/// The pipelines compared when the page opens.
pub const DEFAULT_PIPELINES: [&str; 2] = ["netflix", "uber"];
/// One frame never advances more than this much wall time (a background tab, a breakpoint).
const MAX_FRAME_WALL_MS: f64 = 100.0;
/// The seed every compared pipeline runs with, so they take the same synthetic load.
pub const SEED: u64 = 1;

/// One running pipeline and its rates.
#[derive(Clone, Debug)]
pub struct Lane {
    pub run: PipelineRun,
    pub rates: Rates,
    /// Drawn across the whole width rather than in a column.
    pub wide: bool,
}

impl Lane {
    fn new(run: PipelineRun) -> Lane {
        let mut rates = Rates::default();
        rates.observe(&run);
        Lane {
            run,
            rates,
            wide: false,
        }
    }

    fn advance_to(&mut self, until_ms: u64) {
        // Stepping second by second keeps the rate samples one simulated second apart even
        // when a fast speed or a catch-up moves the clock by many seconds at once.
        let mut at = self.run.now_ms();
        while at < until_ms {
            at = (at + 1_000).min(until_ms);
            self.run.advance_to(at);
            self.rates.observe(&self.run);
        }
    }
}

/// A failure story being played.
#[derive(Clone, Debug)]
pub struct StoryRun {
    pub story: Story,
    pub lane: Lane,
}

impl StoryRun {
    pub fn finished(&self) -> bool {
        self.lane.run.now_ms() >= self.story.until_ms
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum BoardAction {
    /// Wall-clock milliseconds since the last frame.
    Frame {
        wall_ms: f64,
    },
    TogglePlay,
    SetSpeed(u32),
    /// Adds a pipeline to the comparison, or removes it (one always stays).
    TogglePipeline(String),
    /// Starts every compared pipeline again from time zero.
    Restart,
    /// Draws a pipeline across the whole width, or back in its column.
    ToggleWide(String),
    StartStory(String),
    CloseStory,
    RunExperiment(ExperimentParams),
}

#[derive(Clone, Debug)]
pub struct Board {
    lanes: Vec<Lane>,
    playing: bool,
    speed: u32,
    /// Simulated time of the comparison.
    now_ms: u64,
    /// Wall-clock to simulated time, with the fraction of a millisecond carried.
    clock: PlayClock,
    story: Option<StoryRun>,
    story_ms: u64,
    experiment: Option<Experiment>,
}

impl Default for Board {
    fn default() -> Self {
        Board::new(&DEFAULT_PIPELINES)
    }
}

fn start(id: &str) -> Option<Lane> {
    let pipeline = builtin::by_id(id)?;
    Some(Lane::new(PipelineRun::new(
        &pipeline,
        SEED,
        Load::standard(),
    )))
}

impl Board {
    /// A board comparing the given pipelines (unknown ids are left out; if none is known,
    /// the defaults), playing from time zero.
    pub fn new(ids: &[&str]) -> Board {
        // Lanes follow the built-in order whatever order the ids come in.
        let lanes_of = |ids: &[&str]| -> Vec<Lane> {
            builtin::ids()
                .iter()
                .filter(|id| ids.contains(&id.as_str()))
                .filter_map(|id| start(id))
                .collect()
        };
        let mut lanes = lanes_of(ids);
        if lanes.is_empty() {
            lanes = lanes_of(&DEFAULT_PIPELINES);
        }
        Board {
            lanes,
            playing: true,
            speed: 1,
            now_ms: 0,
            clock: PlayClock::default(),
            story: None,
            story_ms: 0,
            experiment: None,
        }
    }

    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    pub fn selected(&self) -> Vec<String> {
        self.lanes
            .iter()
            .map(|l| l.run.pipeline().id.clone())
            .collect()
    }

    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> u32 {
        self.speed
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn story(&self) -> Option<&StoryRun> {
        self.story.as_ref()
    }

    pub fn experiment(&self) -> Option<&Experiment> {
        self.experiment.as_ref()
    }

    /// Applies an action; returns whether anything on screen changed.
    pub fn apply(&mut self, action: BoardAction) -> bool {
        match action {
            BoardAction::Frame { wall_ms } => {
                if !self.playing {
                    return false;
                }
                let step = self
                    .clock
                    .advance_capped(wall_ms, f64::from(self.speed), MAX_FRAME_WALL_MS)
                    .unwrap_or(0);
                self.now_ms += step;
                let now = self.now_ms;
                for lane in &mut self.lanes {
                    lane.advance_to(now);
                }
                if let Some(story) = &mut self.story {
                    let until = story.story.until_ms;
                    self.story_ms = (self.story_ms + step).min(until);
                    story.lane.advance_to(self.story_ms);
                }
                true
            }
            BoardAction::TogglePlay => {
                self.playing = !self.playing;
                true
            }
            BoardAction::SetSpeed(speed) => {
                if SPEEDS.contains(&speed) {
                    self.speed = speed;
                }
                true
            }
            BoardAction::TogglePipeline(id) => {
                if let Some(index) = self.lanes.iter().position(|l| l.run.pipeline().id == id) {
                    if self.lanes.len() > 1 {
                        self.lanes.remove(index);
                    }
                    return true;
                }
                let Some(mut lane) = start(&id) else {
                    return false;
                };
                // A pipeline added later catches up with the clock: with the same seed and
                // load, that is the run it would have had from the start.
                lane.advance_to(self.now_ms());
                self.lanes.push(lane);
                let order = builtin::ids();
                sorted::sort_by_key(&mut self.lanes, |l| {
                    order
                        .iter()
                        .position(|id| *id == l.run.pipeline().id)
                        .unwrap_or(usize::MAX)
                });
                true
            }
            BoardAction::Restart => {
                self.now_ms = 0;
                self.clock.reset();
                for lane in &mut self.lanes {
                    let wide = lane.wide;
                    if let Some(fresh) = start(&lane.run.pipeline().id) {
                        *lane = Lane { wide, ..fresh };
                    }
                }
                true
            }
            BoardAction::ToggleWide(id) => {
                for lane in &mut self.lanes {
                    if lane.run.pipeline().id == id {
                        lane.wide = !lane.wide;
                    }
                }
                true
            }
            BoardAction::StartStory(id) => {
                let Some(story) = stories().into_iter().find(|s| s.id == id) else {
                    return false;
                };
                let run = story.start(SEED);
                self.story = Some(StoryRun {
                    story,
                    lane: Lane::new(run),
                });
                self.story_ms = 0;
                self.playing = true;
                true
            }
            BoardAction::CloseStory => {
                self.story = None;
                true
            }
            BoardAction::RunExperiment(params) => {
                self.experiment = Some(codementor::run(&params));
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play(board: &mut Board, wall_ms: u32) {
        let mut left = f64::from(wall_ms);
        while left > 0.0 {
            board.apply(BoardAction::Frame { wall_ms: 100.0 });
            left -= 100.0;
        }
    }

    #[test]
    fn one_clock_drives_every_compared_pipeline() {
        let mut board = Board::default();
        board.apply(BoardAction::SetSpeed(10));
        play(&mut board, 1_000);
        assert_eq!(board.now_ms(), 10_000);
        assert!(board.lanes().len() >= 2);
        for lane in board.lanes() {
            assert_eq!(lane.run.now_ms(), 10_000);
            assert!(
                lane.run.created() > 30,
                "{} created {}",
                lane.run.pipeline().id,
                lane.run.created()
            );
        }
    }

    #[test]
    fn pausing_stops_the_clock() {
        let mut board = Board::default();
        board.apply(BoardAction::TogglePlay);
        assert!(!board.apply(BoardAction::Frame { wall_ms: 50.0 }));
        assert_eq!(board.now_ms(), 0);
    }

    #[test]
    fn a_pipeline_added_later_catches_up_and_the_last_one_stays() {
        let mut board = Board::new(&["netflix"]);
        board.apply(BoardAction::SetSpeed(10));
        play(&mut board, 500);
        board.apply(BoardAction::TogglePipeline("codementor".to_owned()));
        assert_eq!(board.selected(), vec!["codementor", "netflix"]);
        assert!(board.lanes().iter().all(|l| l.run.now_ms() == 5_000));
        board.apply(BoardAction::TogglePipeline("codementor".to_owned()));
        board.apply(BoardAction::TogglePipeline("netflix".to_owned()));
        assert_eq!(
            board.selected(),
            vec!["netflix"],
            "one pipeline always stays"
        );
    }

    #[test]
    fn a_story_runs_on_the_same_clock_and_stops_at_its_end() {
        let mut board = Board::default();
        board.apply(BoardAction::StartStory("uber-poison".to_owned()));
        board.apply(BoardAction::SetSpeed(20));
        play(&mut board, 4_000);
        let story = board.story().unwrap();
        assert!(story.finished());
        assert_eq!(story.lane.run.now_ms(), story.story.until_ms);
        assert!(
            story.lane.run.records_in("dlq") >= 1,
            "the poison message reached the DLQ"
        );
    }

    #[test]
    fn unknown_ids_fall_back_to_the_defaults() {
        let board = Board::new(&["nope"]);
        assert_eq!(board.selected(), vec!["uber", "netflix"]);
    }
}
