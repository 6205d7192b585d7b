//! The scenario files that ship with the playground (`static/scenarios/*.toml`), compiled in.
//! Every setup the playground starts from is one of them: the tour's scenes, the sandbox's
//! presets and the worked examples of `docs/scenarios.md`. So `kplay check`, the determinism
//! test and the docs cover every setup a visitor can see, and no page holds a setup of its own.
//!
//! A test (`every_file_in_static_scenarios_is_shipped`) fails when a file in the folder is
//! missing here, or listed here but gone.

use super::file::{parse_scenario, Scenario};
use super::setup::Setup;

/// A scenario file that ships, by its stable slug (its file name without `.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shipped {
    pub slug: &'static str,
    /// The file's text, exactly as in `static/scenarios/`.
    pub text: &'static str,
}

macro_rules! shipped {
    ($($slug:literal),* $(,)?) => {
        [$(Shipped {
            slug: $slug,
            text: include_str!(concat!("../../static/scenarios/", $slug, ".toml")),
        }),*]
    };
}

/// Every shipped scenario file, in the folder's alphabetical order.
pub const SHIPPED: [Shipped; 14] = shipped![
    "acks-all-min-isr",
    "acks1-leader-dies",
    "compaction",
    "consumer-group-rebalance",
    "first-example",
    "first-example-one-partition",
    "lossy-idempotence",
    "sandbox-acks1-by-hand",
    "sandbox-default",
    "sandbox-four-members",
    "sandbox-large",
    "slow-follower",
    "unclean-election",
    "zombie-leader",
];

impl Shipped {
    /// The shipped file named `slug`, if there is one.
    pub fn by_slug(slug: &str) -> Option<Shipped> {
        SHIPPED.iter().copied().find(|file| file.slug == slug)
    }

    /// The file, read and checked.
    ///
    /// # Panics
    /// If the file has an error. That is a bug in the shipped file, never a visitor's input,
    /// and the test `every_shipped_scenario_parses` catches it before it ships.
    pub fn scenario(&self) -> Scenario {
        parse_scenario(self.text).unwrap_or_else(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            panic!("the shipped scenario {} has an error at {first}", self.slug)
        })
    }

    /// The file as a run's setup.
    pub fn setup(&self) -> Setup {
        self.scenario().setup()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_parses_without_warnings() {
        for file in SHIPPED {
            let scenario = file.scenario();
            assert!(
                scenario.warnings.is_empty(),
                "{}: {:?}",
                file.slug,
                scenario.warnings
            );
            assert!(!scenario.commands.is_empty(), "{} plans nothing", file.slug);
        }
    }

    #[test]
    fn every_file_in_static_scenarios_is_shipped() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/static/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .expect("static/scenarios exists")
            .map(|entry| entry.expect("a readable entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let listed: Vec<String> = SHIPPED.iter().map(|file| file.slug.to_string()).collect();
        assert_eq!(listed, on_disk);
    }
}
