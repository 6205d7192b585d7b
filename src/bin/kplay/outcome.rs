//! What a subcommand reports back to `cli.rs`, which turns it into an exit code. It sits in a
//! file of its own, importing nothing of kplay's, so that the subcommands and the dispatcher
//! do not import each other.

/// What a subcommand reports: success, or that some input was invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    InvalidInput,
}
