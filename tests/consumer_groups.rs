//! Consumer groups on the engine: assignment, idle members, at-least-once redelivery after a
//! crash, and eager versus cooperative rebalancing. Canonical runs (e), (f) and (g).

mod support;

use std::collections::BTreeSet;

use kafka_playground::engine::{
    Command, ConsumerConfig, ConsumerId, Event, EventKind, GroupPhase, KeyPattern, ProducerConfig,
    Simulation, TopicConfig, Workload,
};
use support::*;

fn group_config(strategy: &str) -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: kafka_playground::engine::AutoOffsetReset::Earliest,
        session_timeout_ms: 10_000,
        heartbeat_interval_ms: 1_000,
        partition_assignment_strategy: vec![strategy.to_owned()],
        ..ConsumerConfig::default()
    }
}

fn add_member(sim: &mut Simulation, id: u32, group: &str, config: ConsumerConfig) {
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(id),
        topic: "orders".to_owned(),
        group: Some(group.to_owned()),
        config,
    })
    .expect("consumer added");
}

fn setup(partitions: u32) -> Simulation {
    let mut sim = cluster(3, 11);
    create_topic(
        &mut sim,
        "orders",
        TopicConfig {
            partitions,
            replication_factor: 3,
            min_insync_replicas: 2,
            ..TopicConfig::default()
        },
    );
    sim
}

fn start_traffic(sim: &mut Simulation, rate: u32) {
    let producer = add_producer(sim, 1, ProducerConfig::default());
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "orders".to_owned(),
            records_per_second: rate,
            keys: KeyPattern::Cycle { count: 64 },
            count: None,
        },
    })
    .unwrap();
}

/// The latest assignment each consumer received.
fn assignments(events: &[Event]) -> std::collections::BTreeMap<u32, Vec<u32>> {
    let mut latest = std::collections::BTreeMap::new();
    for event in events {
        if let EventKind::AssignmentReceived {
            consumer,
            partitions,
            ..
        } = &event.kind
        {
            latest.insert(consumer.0, partitions.iter().map(|p| p.partition).collect());
        }
    }
    latest
}

#[test]
fn a_group_shares_partitions_and_reads_everything_once() {
    let mut sim = setup(6);
    start_traffic(&mut sim, 200);
    for id in 1..=3 {
        add_member(&mut sim, id, "billing", group_config("range"));
    }
    let events = run_for(&mut sim, 20_000);
    let owned = assignments(&events);
    assert_eq!(owned.len(), 3);
    let all: BTreeSet<u32> = owned.values().flatten().copied().collect();
    assert_eq!(all, (0..6).collect());
    assert!(owned.values().all(|p| p.len() == 2), "{owned:?}");
    let group = sim.group("billing").unwrap();
    assert_eq!(group.phase, GroupPhase::Stable);
    let audit = sim.audit();
    assert_eq!(audit.duplicates_delivered.get("billing"), Some(&0));
    assert!(audit.end_to_end_latency.count > 1_000, "{audit:#?}");
}

/// (e) 4 partitions and 5 consumers: exactly one member is idle.
#[test]
fn e_four_partitions_five_consumers_one_idle() {
    let mut sim = setup(4);
    for id in 1..=5 {
        add_member(&mut sim, id, "billing", group_config("range"));
    }
    let events = run_for(&mut sim, 15_000);
    let owned = assignments(&events);
    assert_eq!(owned.len(), 5, "{owned:?}");
    let idle: Vec<&u32> = owned
        .iter()
        .filter(|(_, p)| p.is_empty())
        .map(|(c, _)| c)
        .collect();
    assert_eq!(idle.len(), 1, "{owned:?}");
    assert!(owned.values().all(|p| p.len() <= 1));
}

/// (f) A consumer processes records and crashes before committing: exactly those records are
/// delivered again, to the member that takes its partitions over.
#[test]
fn f_crash_after_processing_before_commit_redelivers_exactly_those_records() {
    let mut sim = setup(2);
    start_traffic(&mut sim, 100);
    let config = ConsumerConfig {
        auto_commit_interval_ms: 5_000,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config.clone());
    add_member(&mut sim, 2, "billing", config);
    let mut events = run_for(&mut sim, 12_300);
    let victim = ConsumerId(1);
    sim.handle(Command::CrashConsumer { consumer: victim })
        .unwrap();
    events.extend(run_for(&mut sim, 40_000));

    // What the victim read after its last successful commit, per partition.
    let mut last_commit: std::collections::BTreeMap<u32, u64> = Default::default();
    let mut polled: Vec<(u32, u64, u64)> = Vec::new();
    let crash_at = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::ConsumerCrashed { .. }))
        .unwrap()
        .at;
    for event in &events {
        match &event.kind {
            EventKind::OffsetsCommitted {
                consumer, offsets, ..
            } if *consumer == victim => {
                for (tp, offset) in offsets {
                    last_commit.insert(tp.partition, offset.0);
                }
            }
            EventKind::RecordPolled {
                consumer,
                partition,
                offset,
                record,
                ..
            } if *consumer == victim && event.at <= crash_at => {
                polled.push((partition.partition, offset.0, record.0));
            }
            _ => {}
        }
    }
    let uncommitted = polled
        .iter()
        .filter(|(p, o, _)| *o >= last_commit.get(p).copied().unwrap_or(0))
        .count() as u64;
    assert!(uncommitted > 0, "the crash must fall between two commits");
    let audit = sim.audit();
    assert_eq!(
        audit.duplicates_delivered.get("billing"),
        Some(&uncommitted),
        "{audit:#?}"
    );
}

/// (g) Adding a member: cooperative-sticky moves only the partitions that change owner, while
/// an eager assignor revokes every partition of every member.
#[test]
fn g_cooperative_moves_only_changing_partitions_while_eager_revokes_all() {
    let revoked_by = |strategy: &str| -> (usize, usize) {
        let mut sim = setup(6);
        start_traffic(&mut sim, 50);
        add_member(&mut sim, 1, "billing", group_config(strategy));
        add_member(&mut sim, 2, "billing", group_config(strategy));
        run_for(&mut sim, 15_000);
        add_member(&mut sim, 3, "billing", group_config(strategy));
        let events = run_for(&mut sim, 15_000);
        let revoked: usize = events
            .iter()
            .map(|e| match &e.kind {
                EventKind::PartitionsRevoked { partitions, .. } => partitions.len(),
                _ => 0,
            })
            .sum();
        let owned = assignments(&events);
        assert_eq!(
            owned.get(&3).map(Vec::len),
            Some(2),
            "{strategy}: {owned:?}"
        );
        (revoked, owned.values().map(Vec::len).sum())
    };
    let (eager_revoked, _) = revoked_by("range");
    let (cooperative_revoked, _) = revoked_by("cooperative-sticky");
    assert_eq!(eager_revoked, 6, "eager revokes all six partitions");
    assert_eq!(
        cooperative_revoked, 2,
        "cooperative revokes only the two that move"
    );
}

#[test]
fn two_groups_read_the_same_topic_independently() {
    let mut sim = setup(3);
    start_traffic(&mut sim, 100);
    add_member(&mut sim, 1, "billing", group_config("range"));
    add_member(&mut sim, 2, "analytics", group_config("roundrobin"));
    add_member(&mut sim, 3, "analytics", group_config("roundrobin"));
    run_for(&mut sim, 20_000);
    let billing = sim.consumer(ConsumerId(1)).unwrap().records_polled;
    let analytics: u64 = [2, 3]
        .iter()
        .map(|id| sim.consumer(ConsumerId(*id)).unwrap().records_polled)
        .sum();
    assert!(billing > 1_000);
    // Both groups read every record once; they may be a poll apart at the moment of looking.
    assert!(
        billing.abs_diff(analytics) < 100,
        "{billing} vs {analytics}"
    );
    assert_eq!(sim.group("billing").unwrap().generation, 1);
}

/// A static member that comes back within `session.timeout.ms` takes its place back without a
/// rebalance; a dynamic one triggers one.
#[test]
fn a_static_member_rejoins_without_a_rebalance() {
    let mut sim = setup(4);
    let config = |instance: &str| ConsumerConfig {
        group_instance_id: Some(instance.to_owned()),
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config("host-a"));
    add_member(&mut sim, 2, "billing", config("host-b"));
    let events = run_for(&mut sim, 10_000);
    let before = assignments(&events);
    let generation = sim.group("billing").unwrap().generation;
    sim.handle(Command::CrashConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    run_for(&mut sim, 2_000);
    add_member(&mut sim, 11, "billing", config("host-a"));
    let events = run_for(&mut sim, 10_000);
    assert_eq!(
        sim.group("billing").unwrap().generation,
        generation,
        "no rebalance"
    );
    let after = assignments(&events);
    assert_eq!(
        after.get(&11),
        before.get(&1),
        "the same partitions come back"
    );
}

/// A consumer that stops polling for longer than `max.poll.interval.ms` leaves the group; its
/// partitions move; when it polls again it rejoins.
#[test]
fn a_stalled_consumer_leaves_after_max_poll_interval_and_rejoins() {
    let mut sim = setup(2);
    let config = ConsumerConfig {
        max_poll_interval_ms: 8_000,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config.clone());
    add_member(&mut sim, 2, "billing", config);
    run_for(&mut sim, 10_000);
    sim.handle(Command::PauseConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    let events = run_for(&mut sim, 15_000);
    assert_eq!(
        count_events(&events, |e| matches!(
            e,
            EventKind::MaxPollIntervalExceeded { .. }
        )),
        1
    );
    let owned = assignments(&events);
    assert_eq!(owned.get(&2).map(Vec::len), Some(2), "{owned:?}");
    sim.handle(Command::ResumeConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    let events = run_for(&mut sim, 15_000);
    let owned = assignments(&events);
    assert_eq!(owned.get(&1).map(Vec::len), Some(1), "{owned:?}");
}

/// The member leaves exactly `max.poll.interval.ms` after its last `poll()`, as the Java
/// client's poll timer expires then, although it polled many times before and the engine keeps
/// only one pending check per member (moved to each newer poll's deadline).
#[test]
fn a_stalled_consumer_leaves_exactly_max_poll_interval_after_its_last_poll() {
    let mut sim = setup(2);
    let config = ConsumerConfig {
        max_poll_interval_ms: 8_000,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config.clone());
    add_member(&mut sim, 2, "billing", config);
    // Long enough that the first check (8 s after the first poll) found newer polls.
    run_for(&mut sim, 10_000);
    sim.handle(Command::PauseConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    let events = run_for(&mut sim, 15_000);
    let left_at: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::MaxPollIntervalExceeded { .. }))
        .map(|e| e.at)
        .collect();
    let last_poll = sim
        .consumer(ConsumerId(1))
        .and_then(|c| c.group.as_ref())
        .map(|g| g.last_poll_at)
        .unwrap();
    assert!(
        last_poll > at(8_000),
        "it polled after the first check was due"
    );
    assert_eq!(left_at, vec![last_poll.plus_ms(8_000)]);
}

/// A slow consumer builds lag, which the auditor reports per group and partition.
#[test]
fn a_slow_consumer_builds_lag() {
    let mut sim = setup(1);
    start_traffic(&mut sim, 100);
    let config = ConsumerConfig {
        processing_time_ms: 20,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config);
    run_for(&mut sim, 30_000);
    let audit = sim.audit();
    let lag = audit.lag["billing"]["orders-0"];
    // 100 records/s arrive and 50/s are processed: roughly half of 27 s of traffic is behind.
    assert!(lag > 800, "lag {lag}");
}

#[test]
fn a_slow_consumer_reading_several_leaders_takes_records_no_faster_than_it_processes() {
    // Six partitions led by three brokers: fetch answers arrive from several leaders while the
    // application is still processing. They wait in the buffer until the next poll().
    let mut sim = setup(6);
    start_traffic(&mut sim, 100);
    let config = ConsumerConfig {
        processing_time_ms: 50,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "billing", config);
    let events = run_for(&mut sim, 30_000);
    let first_poll_ms = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::RecordPolled { .. }))
        .map(|e| e.at.as_ms())
        .expect("records were polled");
    let polled = sim.consumer(ConsumerId(1)).unwrap().records_polled;
    // At 50 ms per record, at most 20 records a second (plus the last poll's batch).
    let budget = (30_000 - first_poll_ms) / 50 + 500;
    assert!(polled <= budget, "polled {polled}, budget {budget}");
    // And records polled are never more than one batch ahead of their processing.
    let mut polled_at: Vec<u64> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RecordPolled { .. }))
        .map(|e| e.at.as_ms())
        .collect();
    polled_at.dedup();
    let polls_within_processing = polled_at
        .windows(2)
        .filter(|pair| pair[1] - pair[0] < 50)
        .count();
    assert_eq!(
        polls_within_processing, 0,
        "a poll happened while the application was still busy"
    );
}

/// When the first member joined the group, and when its first join phase ended.
fn first_join_and_completion(events: &[Event], group: &str) -> (u64, u64) {
    let joined = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::MemberJoined { group: g, .. } if g == group))
        .expect("a member joined")
        .at
        .as_ms();
    let completed = events
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::GroupStateChanged { group: g, state: GroupPhase::CompletingRebalance, .. } if g == group)
        })
        .expect("the join phase ended")
        .at
        .as_ms();
    (joined, completed)
}

/// `group.initial.rebalance.delay.ms` (3000 here): two members joining in the same
/// millisecond. Kafka sets `newMemberAdded` for the second (it joins a PreparingRebalance group
/// of generation 0), so when the delay ends it is armed once more: the first generation forms
/// 6000 ms after the first join, with both members (GroupMetadataManager
/// `tryCompleteInitialRebalanceElseSchedule`).
#[test]
fn a_member_joining_in_the_same_millisecond_extends_the_initial_delay() {
    let mut sim = setup(4);
    add_member(&mut sim, 1, "g", group_config("range"));
    add_member(&mut sim, 2, "g", group_config("range"));
    let events = run_for(&mut sim, 20_000);
    let (joined, completed) = first_join_and_completion(&events, "g");
    let joins: Vec<u64> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::MemberJoined { .. }))
        .map(|e| e.at.as_ms())
        .collect();
    assert_eq!(
        joins,
        vec![joined, joined],
        "both join in the same millisecond"
    );
    assert_eq!(completed, joined + 6_000);
    let group = sim.group("g").expect("group");
    assert_eq!(group.generation, 1);
    assert_eq!(group.members.len(), 2);
}

/// The extensions stop at the rebalance timeout (the members' `max.poll.interval.ms`, 7000
/// here): delay 3000 leaves 4000; the same-millisecond join extends by min(3000, 4000) and
/// leaves 1000; a third member joining during that extension extends by min(3000, 1000) and
/// leaves 0, so the join phase ends 7000 ms after the first join, not later.
#[test]
fn the_initial_delay_extensions_stop_at_the_rebalance_timeout() {
    let mut sim = setup(4);
    let config = ConsumerConfig {
        max_poll_interval_ms: 7_000,
        ..group_config("range")
    };
    add_member(&mut sim, 1, "g", config.clone());
    add_member(&mut sim, 2, "g", config.clone());
    let mut events = run_for(&mut sim, 1_000);
    let joined = first_join_and_completion_start(&events);
    sim.advance_to(at(joined + 4_000));
    events.extend(sim.drain_events());
    add_member(&mut sim, 3, "g", config);
    events.extend(run_for(&mut sim, 20_000));
    let (first, completed) = first_join_and_completion(&events, "g");
    assert_eq!(first, joined);
    assert_eq!(completed, joined + 7_000);
    let group = sim.group("g").expect("group");
    assert_eq!(group.generation, 1);
    assert_eq!(
        group.members.len(),
        3,
        "the late member is in the first generation"
    );
}

fn first_join_and_completion_start(events: &[Event]) -> u64 {
    events
        .iter()
        .find(|e| matches!(e.kind, EventKind::MemberJoined { .. }))
        .expect("a member joined within the first second")
        .at
        .as_ms()
}
