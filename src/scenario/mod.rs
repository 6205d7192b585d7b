//! Scenes the playground can show, as data: the commands that build them and the timeline that
//! plays them. Nothing here draws; the UI and the tests load the same scenes.

mod presets;

pub use presets::{Scene, SceneId};

pub mod file;

pub use file::{parse_scenario, Scenario, ScenarioError};
