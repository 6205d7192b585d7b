//! `kplay`: the playground's native command line. It runs and checks scenario files and
//! answers the two questions people most often ask of Kafka's clients: which partition does
//! this key go to, and how does this group split its partitions.
//!
//! Exit codes: 0 when everything was fine, 1 when an input (a scenario, a JSON line, a file)
//! was invalid, 2 when the command line itself was wrong.

// The command line is native only; the web build compiles this target to an empty program so
// that `cargo build --target wasm32-unknown-unknown --all-targets` still works. The modules live
// in `src/bin/kplay/`.
#[cfg(not(target_arch = "wasm32"))]
mod kplay {
    pub mod assign;
    pub mod base64;
    pub mod cli;
    pub mod json_lines;
    pub mod outcome;
    pub mod partition;
    pub mod pipeline;
    pub mod report;
    pub mod run;
    pub mod state;
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    kplay::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
