//! What the reader worker answers for a scenario file: the setup it describes, or the
//! problems found in it with line and column. It crosses from the worker to the page as JSON,
//! in the same serde form a saved run stores its setup in, so the page reads it with the
//! reader it already has.

use serde::{Deserialize, Serialize};

use crate::scenario::{parse_scenario, Setup};

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
    /// Every problem found, one a line, each starting `line L, column C:`.
    Problems(String),
}

/// What a request looks like on the way in: its number and the file's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub request: u32,
    pub text: String,
}

/// Reads a scenario file the visitor pasted; problems say line and column.
pub fn read_scenario(text: &str) -> Outcome {
    match parse_scenario(text) {
        Ok(scenario) => Outcome::Setup(Box::new(scenario.setup())),
        Err(errors) => Outcome::Problems(
            errors
                .iter()
                .map(|e| format!("line {}, column {}: {}", e.line, e.column, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// The worker's whole job, as a function of the request's JSON text: the reply's JSON text.
pub fn answer(request_json: &str) -> String {
    let reply = match serde_json::from_str::<Request>(request_json) {
        Ok(request) => Reply {
            request: request.request,
            outcome: read_scenario(&request.text),
        },
        // Only a page of this build sends requests, so this is a bug, but it still gets an
        // answer rather than a silent worker.
        Err(error) => Reply {
            request: 0,
            outcome: Outcome::Problems(format!("the reader could not read the request: {error}")),
        },
    };
    serde_json::to_string(&reply).expect("a reply always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Shipped;

    fn ask(request: u32, text: &str) -> Reply {
        let json = serde_json::to_string(&Request {
            request,
            text: text.to_string(),
        })
        .unwrap();
        serde_json::from_str(&answer(&json)).unwrap()
    }

    #[test]
    fn a_shipped_file_comes_back_as_its_setup() {
        let file = Shipped::by_slug("acks1-leader-dies").unwrap();
        let reply = ask(7, file.text);
        assert_eq!(reply.request, 7);
        assert_eq!(reply.outcome, Outcome::Setup(Box::new(file.setup())));
    }

    #[test]
    fn a_file_with_a_mistake_says_where() {
        let reply = ask(2, "version = 1\nname = \"x\"\nseed = \"nope\"\n");
        match reply.outcome {
            Outcome::Problems(problems) => assert!(problems.contains("line 3"), "{problems}"),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_request_that_is_not_json_gets_an_answer_too() {
        let reply: Reply = serde_json::from_str(&answer("{not json")).unwrap();
        assert!(matches!(reply.outcome, Outcome::Problems(_)));
    }
}
