//! A sandbox run as the browser stores it: the setup, the visitor's actions stamped with their
//! simulated time, and the clock. The engine is deterministic, so that is the whole run.
//!
//! Version 2 (this one) is stored packed ([`super::packed`]): base64 text of postcard bytes
//! whose first number is the version, checked before anything else is read. Version 1 was
//! JSON; pages no longer carry a JSON reader, so [`SavedRun::from_json`] runs in the reader's
//! worker, which hands the page the same run packed.

use serde::{Deserialize, Serialize};

use super::packed::{from_text, pack, to_text, unpack};
use super::{Setup, Stamped};

/// What is stored in the browser: enough to rebuild the run exactly.
///
/// Its packed form names no fields, so a change to this type or any type inside it (a
/// command, a config) needs a new [`SAVED_RUN_VERSION`]; `tests/packed_format.rs` fails until
/// the pinned format is updated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRun {
    /// Bumped when the format changes in a way old readers cannot follow. It is packed first,
    /// so a reader can tell an older run from a damaged one.
    pub version: u32,
    pub setup: Setup,
    pub log: Vec<Stamped>,
    pub now_ms: u64,
}

/// The version this build writes and reads packed.
pub const SAVED_RUN_VERSION: u32 = 2;

/// The last version stored as JSON, which [`SavedRun::from_json`] still reads.
pub const JSON_SAVED_RUN_VERSION: u32 = 1;

/// How the message names the value.
const WHAT: &str = "the saved run";

impl SavedRun {
    /// The packed text stored in the browser.
    pub fn to_text(&self) -> String {
        to_text(&pack(self))
    }

    /// Reads [`SavedRun::to_text`]'s text. A run from another version is refused by its
    /// version number, before its fields (which that version may lay out differently) are
    /// read.
    pub fn from_text(text: &str) -> Result<SavedRun, String> {
        let bytes = from_text(text, WHAT)?;
        let version = match postcard::take_from_bytes::<u32>(&bytes) {
            Ok((version, _)) => version,
            Err(_) => return Err(format!("{WHAT} is empty or cut short")),
        };
        if version != SAVED_RUN_VERSION {
            return Err(format!(
                "it was saved by format version {version}, and this playground reads version {SAVED_RUN_VERSION}"
            ));
        }
        unpack(&bytes, WHAT)
    }

    /// Reads a version 1 run, stored as JSON by earlier builds, and brings it to this version:
    /// the types it holds have not changed since, only the way they are written. Problems
    /// name their line and column.
    pub fn from_json(json: &str) -> Result<SavedRun, String> {
        let saved: SavedRun = serde_json::from_str(json).map_err(|error| {
            if error.line() > 0 {
                format!("line {}, column {}: {error}", error.line(), error.column())
            } else {
                error.to_string()
            }
        })?;
        if saved.version != JSON_SAVED_RUN_VERSION {
            return Err(format!(
                "it was saved by format version {}, and this playground reads version {JSON_SAVED_RUN_VERSION} as JSON",
                saved.version
            ));
        }
        Ok(SavedRun {
            version: SAVED_RUN_VERSION,
            ..saved
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BrokerId, Command};
    use crate::scenario::shipped::compiled_setup;

    fn sample() -> SavedRun {
        SavedRun {
            version: SAVED_RUN_VERSION,
            setup: compiled_setup("sandbox-default").unwrap(),
            log: vec![Stamped {
                at_ms: 1_200,
                command: Command::CrashBroker {
                    broker: BrokerId(2),
                },
            }],
            now_ms: 4_000,
        }
    }

    #[test]
    fn a_run_comes_back_from_its_text() {
        let run = sample();
        assert_eq!(SavedRun::from_text(&run.to_text()), Ok(run));
    }

    #[test]
    fn another_version_is_refused_by_its_number_before_its_fields_are_read() {
        // Version 3 followed by bytes no version 2 run could hold.
        let text = to_text(&[3, 0xff, 0xff, 0xff]);
        assert_eq!(
            SavedRun::from_text(&text),
            Err("it was saved by format version 3, and this playground reads version 2".into())
        );
        assert_eq!(
            SavedRun::from_text(""),
            Err("the saved run is empty or cut short".into())
        );
    }

    #[test]
    fn a_json_run_of_version_1_is_read_and_brought_to_this_version() {
        let mut v1 = sample();
        v1.version = JSON_SAVED_RUN_VERSION;
        let json = serde_json::to_string(&v1).unwrap();
        assert_eq!(SavedRun::from_json(&json), Ok(sample()));
        // What a build before the packed format stored, kept as it wrote it.
        let stored = include_str!("../../tests/data/saved-run-v1.json");
        assert_eq!(SavedRun::from_json(stored), Ok(sample()));
        let broken = SavedRun::from_json(r#"{"version": 1, "setup": 42"#).unwrap_err();
        assert!(broken.starts_with("line 1, column "), "{broken}");
    }
}
