//! The audit a page shows while a run plays (`Simulation::audit_incremental`, kept up to date
//! per event) must be the audit worked out from every record (`Simulation::audit`), at every
//! moment of every kind of run: each shipped scenario (acks=1 losses, unclean elections,
//! zombie leaders, compaction, retries that duplicate) and random fault schedules (crashes,
//! restarts, isolation, drops), compared every 250 simulated ms.

#[path = "support/random_runs.rs"]
mod random_runs;

use kafka_playground::engine::{SimTime, Simulation};
use kafka_playground::scenario::{parse_scenario, SHIPPED};
use random_runs::random_scenario;

/// How many of the random schedules are compared (each is compared at every step).
const RANDOM_COMPARED: u64 = 60;
const STEP_MS: u64 = 250;

fn compare(name: &str, text: &str, until: Option<SimTime>) -> usize {
    let scenario = parse_scenario(text).unwrap_or_else(|e| panic!("{name} does not read: {e:?}"));
    let mut sim: Simulation = scenario.build(None);
    let until = until.unwrap_or_else(|| scenario.run_until());
    let mut at = SimTime::ZERO;
    let mut lost_seen = 0;
    while at < until {
        at = SimTime::from_ms((at.as_ms() + STEP_MS).min(until.as_ms()));
        sim.advance_to(at);
        sim.drain_events();
        let incremental = sim.audit_incremental();
        let full = sim.audit();
        assert_eq!(
            incremental, full,
            "{name} at {at}: the incremental audit differs"
        );
        lost_seen = lost_seen.max(full.acknowledged_then_lost.len());
    }
    lost_seen
}

#[test]
fn the_incremental_audit_equals_the_full_one_at_every_step() {
    let mut runs_with_losses = 0;
    for file in SHIPPED {
        let lost = compare(file.slug, file.text, Some(SimTime::from_ms(20_000)));
        runs_with_losses += usize::from(lost > 0);
    }
    for number in 0..RANDOM_COMPARED {
        let lost = compare(&format!("random-{number}"), &random_scenario(number), None);
        runs_with_losses += usize::from(lost > 0);
    }
    // The comparison means something only if losses come and go in it.
    assert!(
        runs_with_losses >= 5,
        "only {runs_with_losses} runs lost records"
    );
}
