//! The JSON-lines loop shared by `partition` and `assign`: one answer per input line, an
//! `{"error": ...}` answer for a bad line, and processing goes on.

use std::io::{self, BufRead, Write};

use serde::Serialize;
use serde_json::Value;

use super::outcome::Outcome;

/// Answers every non-blank line of `input` with `answer`, one JSON line each.
pub fn answer_each<R, W, A, F>(input: R, out: &mut W, mut answer: F) -> io::Result<Outcome>
where
    R: BufRead,
    W: Write,
    A: Serialize,
    F: FnMut(&Value) -> Result<A, String>,
{
    let mut outcome = Outcome::Ok;
    for (index, line) in input.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            // A line that is not UTF-8 is a bad line like any other.
            Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                outcome = Outcome::InvalidInput;
                write_error(out, &format!("line {}: not UTF-8", index + 1))?;
                continue;
            }
            Err(error) => return Err(error),
        };
        if line.trim().is_empty() {
            continue;
        }
        let answered = serde_json::from_str::<Value>(&line)
            .map_err(|error| format!("line {}: not JSON: {error}", index + 1))
            .and_then(|value| {
                answer(&value).map_err(|error| format!("line {}: {error}", index + 1))
            });
        match answered {
            Ok(answer) => {
                let text = serde_json::to_string(&answer).map_err(io::Error::other)?;
                writeln!(out, "{text}")?;
            }
            Err(message) => {
                outcome = Outcome::InvalidInput;
                write_error(out, &message)?;
            }
        }
    }
    Ok(outcome)
}

fn write_error(out: &mut impl Write, message: &str) -> io::Result<()> {
    let text = serde_json::json!({ "error": message }).to_string();
    writeln!(out, "{text}")
}
