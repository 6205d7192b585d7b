//! What the reader worker answers: the setup a scenario file describes, a sandbox run stored
//! as JSON by an earlier build brought to this build's form, or the problems found with line
//! and column. Requests and replies cross between page and worker packed
//! ([`crate::scenario::packed`]), the form pages read setups in, so the page carries no JSON
//! reader for them.

use serde::{Deserialize, Serialize};

use crate::scenario::packed::{pack, unpack};
use crate::scenario::{parse_scenario, SavedRun, Setup};

/// One answer, tagged with the request it answers so a late reply to an older file is
/// recognised and dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub request: u32,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Setup(Box<Setup>),
    SavedRun(Box<SavedRun>),
    /// Every problem found, one a line, each starting `line L, column C:` where the text
    /// says where.
    Problems(String),
}

/// What the page asks the worker to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ask {
    /// A scenario file (TOML) the visitor pasted.
    Scenario(String),
    /// A sandbox run an earlier build stored as JSON ([`SavedRun::from_json`]).
    SavedRunJson(String),
}

/// A request on its way in: its number and what to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub request: u32,
    pub ask: Ask,
}

/// Reads a scenario file the visitor pasted; problems say line and column.
pub fn read_scenario(text: &str) -> Result<Setup, String> {
    parse_scenario(text)
        .map(|scenario| scenario.setup())
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("line {}, column {}: {}", e.line, e.column, e.message))
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// What the worker answers to one ask.
pub fn read(ask: &Ask) -> Outcome {
    match ask {
        Ask::Scenario(text) => match read_scenario(text) {
            Ok(setup) => Outcome::Setup(Box::new(setup)),
            Err(problems) => Outcome::Problems(problems),
        },
        Ask::SavedRunJson(json) => match SavedRun::from_json(json) {
            Ok(saved) => Outcome::SavedRun(Box::new(saved)),
            Err(problem) => Outcome::Problems(problem),
        },
    }
}

/// The worker's whole job, as a function of the request's bytes: the reply's bytes.
pub fn answer(request_bytes: &[u8]) -> Vec<u8> {
    let reply = match unpack::<Request>(request_bytes, "the request") {
        Ok(request) => Reply {
            request: request.request,
            outcome: read(&request.ask),
        },
        // Only a page of this build sends requests, so this is a bug, but it still gets an
        // answer rather than a silent worker.
        Err(error) => Reply {
            request: 0,
            outcome: Outcome::Problems(format!("the reader could not read the request: {error}")),
        },
    };
    pack(&reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Shipped;

    fn ask(request: u32, ask: Ask) -> Reply {
        unpack(&answer(&pack(&Request { request, ask })), "the reply").unwrap()
    }

    #[test]
    fn a_shipped_file_comes_back_as_its_setup() {
        let file = Shipped::by_slug("acks1-leader-dies").unwrap();
        let reply = ask(7, Ask::Scenario(file.text.into()));
        assert_eq!(reply.request, 7);
        assert_eq!(reply.outcome, Outcome::Setup(Box::new(file.setup())));
    }

    #[test]
    fn a_file_with_a_mistake_says_where() {
        let reply = ask(
            2,
            Ask::Scenario("version = 1\nname = \"x\"\nseed = \"nope\"\n".into()),
        );
        match reply.outcome {
            Outcome::Problems(problems) => assert!(problems.contains("line 3"), "{problems}"),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_json_saved_run_comes_back_in_this_builds_form_or_says_where_it_breaks() {
        let setup = Shipped::by_slug("sandbox-default").unwrap().setup();
        let v1 = SavedRun {
            version: 1,
            setup,
            log: Vec::new(),
            now_ms: 2_500,
        };
        let reply = ask(3, Ask::SavedRunJson(serde_json::to_string(&v1).unwrap()));
        assert_eq!(
            reply.outcome,
            Outcome::SavedRun(Box::new(SavedRun {
                version: crate::scenario::SAVED_RUN_VERSION,
                ..v1
            }))
        );
        let reply = ask(
            4,
            Ask::SavedRunJson("{\"version\": 1, \"setup\": 42".into()),
        );
        match reply.outcome {
            Outcome::Problems(problems) => {
                assert!(problems.starts_with("line 1, column"), "{problems}")
            }
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_request_that_does_not_unpack_gets_an_answer_too() {
        let reply: Reply = unpack(&answer(b"\xff\xff"), "the reply").unwrap();
        assert!(matches!(reply.outcome, Outcome::Problems(_)));
    }
}
