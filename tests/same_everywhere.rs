//! The same run natively and in the browser: every shipped scenario and 200 random fault
//! schedules give the event-trace hashes committed in `tests/data/trace-hashes.txt`. The
//! browser half is `tests/browser.rs` `every_run_hashes_as_committed`, which compares the same
//! runs, built for wasm32 and run in headless Chromium, against the same file.
//!
//! A change to the engine's behaviour changes these hashes on purpose; then
//! `UPDATE_EXPECT=1 cargo test --test same_everywhere` rewrites the file (look at the diff:
//! it should name only runs the change can reach).

#[path = "support/random_runs.rs"]
mod random_runs;

use random_runs::{every_run, random_scenario, EXPECTED, RANDOM_RUNS};

#[test]
fn every_run_hashes_as_committed() {
    let computed: String = every_run()
        .map(|(name, hash)| format!("{name} {hash}\n"))
        .collect();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trace-hashes.txt");
        std::fs::write(path, &computed).expect("tests/data/trace-hashes.txt written");
        return;
    }
    let differing: Vec<String> = computed
        .lines()
        .zip(EXPECTED.lines().chain(std::iter::repeat("")))
        .filter(|(now, then)| now != then)
        .map(|(now, then)| format!("  now {now}\n  was {then}"))
        .collect();
    assert!(
        differing.is_empty() && computed.lines().count() == EXPECTED.lines().count(),
        "{} of {} runs differ from tests/data/trace-hashes.txt (after a deliberate behaviour \
         change, rerun with UPDATE_EXPECT=1):\n{}",
        differing.len(),
        computed.lines().count(),
        differing.join("\n")
    );
}

/// The random schedules are worth comparing only if they do different things: faults of
/// every kind, and runs that differ from each other.
#[test]
fn the_random_schedules_cover_every_fault_and_differ() {
    let texts: Vec<String> = (0..RANDOM_RUNS).map(random_scenario).collect();
    for action in [
        "crash-broker",
        "restart-broker",
        "isolate-broker",
        "heal-broker",
        "crash-consumer",
        "set-network",
        "set-link-latency",
    ] {
        let runs = texts.iter().filter(|t| t.contains(action)).count();
        assert!(runs >= 20, "only {runs} random runs use {action}");
    }
    let mut hashes: Vec<&str> = EXPECTED
        .lines()
        .filter(|l| l.starts_with("random-"))
        .filter_map(|l| l.split_once(' ').map(|(_, h)| h))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(
        hashes.len() as u64,
        RANDOM_RUNS,
        "two random runs gave the same trace"
    );
}
