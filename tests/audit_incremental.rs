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

/// A random schedule whose topics keep records for 1.5 s in 400 ms segments, checked every
/// 250 ms, so retention deletes all the time and the auditor folds settled records away.
fn short_retention(number: u64) -> String {
    random_scenario(number)
        .replace(
            "broker_session_timeout_ms = 3000",
            "broker_session_timeout_ms = 3000\nlog_retention_check_interval_ms = 250",
        )
        .replace(
            "min_insync_replicas = ",
            "retention_ms = 1500\nsegment_ms = 400\nmin_insync_replicas = ",
        )
}

/// Folding settled records out of the auditor's table (which `audit_incremental` does after
/// each report) changes no figure of any report: the same run audited in full, never folded,
/// gives the same report at every step.
#[test]
fn folding_settled_records_changes_no_figure_of_the_audit() {
    let mut folded_runs = 0;
    let mut runs_with_losses = 0;
    for number in 0..RANDOM_COMPARED {
        let name = format!("short-retention-{number}");
        let text = short_retention(number);
        let scenario = parse_scenario(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let mut folding: Simulation = scenario.build(None);
        let mut plain: Simulation = scenario.build(None);
        let until = scenario.run_until();
        let mut at = SimTime::ZERO;
        let mut lost_seen = 0;
        while at < until {
            at = SimTime::from_ms((at.as_ms() + STEP_MS).min(until.as_ms()));
            for sim in [&mut folding, &mut plain] {
                sim.advance_to(at);
                sim.drain_events();
            }
            let incremental = folding.audit_incremental();
            let full = plain.audit();
            assert_eq!(
                incremental, full,
                "{name} at {at}: the incremental audit differs"
            );
            assert_eq!(
                folding.audit(),
                full,
                "{name} at {at}: the folded auditor's full report differs"
            );
            lost_seen = lost_seen.max(full.acknowledged_then_lost.len());
        }
        let produced = plain.audit().produced as usize;
        if folding.audit_rows_kept() * 2 < produced {
            folded_runs += 1;
        }
        runs_with_losses += usize::from(lost_seen > 0);
    }
    // Many random runs fold nothing: an `acks=0` producer's records (whose offset nobody
    // learns) or a broker that crashed and stays down (its replicas keep their old log start)
    // keep their chunks unsettled, as they should.
    assert!(
        folded_runs >= 4,
        "only {folded_runs} of {RANDOM_COMPARED} runs kept fewer rows than half their records"
    );
    assert!(
        runs_with_losses >= 3,
        "only {runs_with_losses} runs lost records"
    );
}

/// Six simulated minutes of 20 records a second into a topic that keeps 30 s of records, with
/// a broker crashing and coming back: the auditor's table follows what the logs keep (about
/// half a minute of records and the segment being written), not the 7,200 records of the run,
/// while its report stays the one worked out from every record.
#[test]
fn the_auditor_keeps_what_the_logs_keep_when_retention_deletes() {
    let text = r#"
        version = 1
        name = "retention bounds the audit"
        seed = 3
        duration = "6m"
        [cluster]
        brokers = 3
        log_retention_check_interval_ms = 5000
        [[topics]]
        name = "orders"
        partitions = 3
        replication_factor = 3
        retention_ms = 30000
        segment_ms = 5000
        [[producers]]
        id = 1
        acks = "all"
        workload = { topic = "orders", rate = 20, keys = "cycle:6" }
        [[consumers]]
        id = 1
        topic = "orders"
        group = "billing"
        [[consumers]]
        id = 2
        topic = "orders"
        group = "billing"
        [[timeline]]
        at = "1m"
        action = "crash-broker"
        broker = 1
        [[timeline]]
        at = "2m"
        action = "restart-broker"
        broker = 1
    "#;
    let scenario = parse_scenario(text).expect("reads");
    let mut folding: Simulation = scenario.build(None);
    let mut plain: Simulation = scenario.build(None);
    let mut most_rows_kept = 0;
    let mut at = SimTime::ZERO;
    while at < scenario.run_until() {
        at = SimTime::from_ms(at.as_ms() + 400);
        for sim in [&mut folding, &mut plain] {
            sim.advance_to(at);
            sim.drain_events();
        }
        let incremental = folding.audit_incremental();
        if at.as_ms().is_multiple_of(10_000) {
            assert_eq!(incremental, plain.audit(), "at {at}");
            assert_eq!(folding.audit(), plain.audit(), "at {at}");
        }
        if at.as_ms() >= 3 * 60_000 {
            most_rows_kept = most_rows_kept.max(folding.audit_rows_kept());
        }
    }
    let produced = plain.audit().produced as usize;
    println!("rows kept at most {most_rows_kept} of {produced} records");
    assert!(produced > 7_000, "produced {produced}");
    // Half a minute of records is 600; retention deletes a segment once all of it is older
    // than that and the check comes round (5 s), and rows leave in chunks of 256.
    assert!(
        most_rows_kept < 2_000,
        "the auditor kept up to {most_rows_kept} rows of {produced} records"
    );
}
