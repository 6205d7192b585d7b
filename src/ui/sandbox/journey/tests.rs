//! Record journeys on small runs: every step in order, losses, duplicates, the memory's bound
//! and rewinds.

use crate::engine::sorted::VecSet;

use super::book::*;
use super::view::*;
use crate::engine::{
    Acks, BrokerId, Command, KeyPattern, Node, ProducerConfig, RecordId, Simulation,
    TopicPartition, Workload,
};
use crate::ui::sandbox::observe::Observer;
use crate::ui::test_support::*;

fn plain(acks: Acks) -> ProducerConfig {
    ProducerConfig {
        acks,
        enable_idempotence: false,
        linger_ms: 0,
        ..ProducerConfig::default()
    }
}

fn texts(view: &JourneyView) -> Vec<String> {
    view.lines.iter().map(|l| l.text.clone()).collect()
}

fn position(lines: &[String], start: &str) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in {lines:#?}"))
}

#[test]
fn acks_all_rf3_journey_lists_every_step_in_order_then_nothing_pending() {
    let mut sim = cluster(3, 5);
    topic(&mut sim, "orders", 1, 3);
    let producer = producer(&mut sim, 1, plain(Acks::All));
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    let mut book = JourneyBook::new();
    feed(&mut sim, &mut [&mut book], 6_000, 50);
    send(&mut sim, producer, "orders", "k");
    feed(&mut sim, &mut [&mut book], 1, 1);
    let record = book.latest().expect("the record was sent");

    // Just sent: every later step is still expected.
    let early = JourneyView::build(&book, record, &sim).unwrap();
    assert_eq!(early.lines[0].tone, Tone::Done);
    assert!(early.lines[0]
        .text
        .starts_with("sent by producer 1 to orders-0"));
    let pending: Vec<&JourneyLine> = early
        .lines
        .iter()
        .filter(|l| l.time_label.is_none())
        .collect();
    assert!(pending.iter().all(|l| l.tone == Tone::Pending));
    let pending: Vec<&str> = pending.iter().map(|l| l.text.as_str()).collect();
    assert!(pending.contains(&"appended by the leader"), "{pending:?}");
    assert_eq!(
        pending
            .iter()
            .filter(|t| t.starts_with("copied by follower"))
            .count(),
        2
    );
    assert!(pending.contains(&"passed by the high watermark"));
    assert!(pending
        .iter()
        .any(|t| t.starts_with("acknowledged (acks=all")));
    assert!(pending.contains(&"delivered to group billing"));
    assert!(pending.contains(&"committed by group billing"));

    feed(&mut sim, &mut [&mut book], 5_000, 50);
    let view = JourneyView::build(&book, record, &sim).unwrap();
    let lines = texts(&view);
    assert!(
        view.lines.iter().all(|l| l.time_label.is_some()),
        "{lines:#?}"
    );
    let leader = sim
        .partition(&TopicPartition::new("orders", 0))
        .unwrap()
        .leader
        .unwrap();
    let appended = position(
        &lines,
        &format!("appended by the leader, broker {}", leader.0),
    );
    let copies: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("copied by follower"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(copies.len(), 2, "{lines:#?}");
    let high_watermark = position(&lines, "passed by the high watermark");
    let acknowledged = position(&lines, "acknowledged to the producer (offset 0)");
    let delivered = position(
        &lines,
        "delivered to group billing (consumer 1) at offset 0",
    );
    let committed = position(&lines, "committed by group billing");
    assert!(0 < appended);
    assert!(copies.iter().all(|c| appended < *c && *c < high_watermark));
    assert!(high_watermark < acknowledged);
    assert!(high_watermark < delivered);
    assert!(delivered < committed);
    assert_eq!(view.now, "in the leader's log of orders-0 at offset 0");
    assert!(!view.lost);
    // Times never go backwards down the list.
    let journey = book.journey(record).unwrap();
    assert!(journey.steps.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn an_acknowledged_record_lost_with_its_leader_is_shown_lost_and_truncated() {
    let mut sim = cluster(3, 7);
    sim.handle(Command::CreateTopic {
        name: "orders".to_owned(),
        config: crate::engine::TopicConfig {
            partitions: 1,
            replication_factor: 3,
            min_insync_replicas: 1,
            ..crate::engine::TopicConfig::default()
        },
    })
    .unwrap();
    let tp = TopicPartition::new("orders", 0);
    let producer = producer(&mut sim, 1, plain(Acks::Leader));
    let mut book = JourneyBook::new();
    send(&mut sim, producer, "orders", "k");
    feed(&mut sim, &mut [&mut book], 3_000, 50);
    let old_leader = sim.partition(&tp).unwrap().leader.unwrap();
    for other in [0, 1, 2].map(BrokerId) {
        if other != old_leader {
            sim.handle(Command::SetLinkLatency {
                a: Node::Broker(old_leader),
                b: Node::Broker(other),
                latency_ms: 400,
            })
            .unwrap();
        }
    }
    feed(&mut sim, &mut [&mut book], 1_000, 50);
    send(&mut sim, producer, "orders", "k");
    let doomed = book.latest().map_or(RecordId(1), |r| RecordId(r.0 + 1));
    feed(&mut sim, &mut [&mut book], 50, 5);
    sim.handle(Command::CrashBroker { broker: old_leader })
        .unwrap();
    feed(&mut sim, &mut [&mut book], 10_000, 100);
    sim.handle(Command::RestartBroker { broker: old_leader })
        .unwrap();
    feed(&mut sim, &mut [&mut book], 5_000, 100);

    let view = JourneyView::build(&book, doomed, &sim).unwrap();
    let lines = texts(&view);
    assert!(view.lost, "{lines:#?}\n{}", view.now);
    assert!(view.now.starts_with("LOST"));
    let acknowledged = position(&lines, "acknowledged to the producer (offset 1)");
    let truncated = position(
        &lines,
        &format!("removed from broker {}'s log", old_leader.0),
    );
    assert!(acknowledged < truncated);
    assert_eq!(view.lines[truncated].tone, Tone::Loss);
}

fn busy_run(rate: u32) -> Simulation {
    let mut sim = cluster(3, 11);
    topic(&mut sim, "orders", 2, 3);
    let producer = producer(&mut sim, 1, ProducerConfig::default());
    sim.handle(Command::StartWorkload {
        producer,
        workload: Workload {
            topic: "orders".to_owned(),
            records_per_second: rate,
            keys: KeyPattern::Cycle { count: 16 },
            count: None,
        },
    })
    .unwrap();
    let config = crate::engine::ConsumerConfig {
        auto_commit_interval_ms: 5_000,
        ..member_config("range")
    };
    member(&mut sim, 1, "orders", Some("billing"), config.clone());
    member(&mut sim, 2, "orders", Some("billing"), config);
    sim
}

#[test]
fn redeliveries_after_a_crash_are_counted_as_duplicates() {
    let mut sim = busy_run(100);
    let mut book = JourneyBook::new();
    feed(&mut sim, &mut [&mut book], 12_300, 100);
    sim.handle(Command::CrashConsumer {
        consumer: crate::engine::ConsumerId(1),
    })
    .unwrap();
    feed(&mut sim, &mut [&mut book], 30_000, 100);
    let duplicated: Vec<RecordId> = (0..sim.audit().produced)
        .map(RecordId)
        .filter(|r| {
            book.journey(*r).is_some_and(|j| {
                j.steps
                    .iter()
                    .filter(|s| matches!(s.kind, StepKind::Delivered { .. }))
                    .count()
                    == 2
            })
        })
        .collect();
    assert!(!duplicated.is_empty());
    let view = JourneyView::build(&book, duplicated[0], &sim).unwrap();
    let again = view
        .lines
        .iter()
        .find(|l| l.text.starts_with("delivered AGAIN to group billing"))
        .expect("the second delivery is called a duplicate");
    assert!(again.text.ends_with("duplicate #1"));
    assert_eq!(again.tone, Tone::Warning);
    assert_eq!(
        duplicated.len() as u64,
        sim.audit().duplicates_delivered["billing"],
        "the book and the auditor count the same duplicates"
    );
}

#[test]
fn only_the_most_recent_journeys_are_kept_and_the_indexes_stay_small() {
    let mut sim = busy_run(1_000);
    let mut book = JourneyBook::new();
    feed(&mut sim, &mut [&mut book], 9_000, 100);
    assert!(sim.audit().produced as usize > JOURNEYS_KEPT + 1_000);
    assert_eq!(book.len(), JOURNEYS_KEPT);
    assert!(book.journey(RecordId(0)).is_none());
    assert!(JourneyView::build(&book, RecordId(0), &sim).is_none());
    let indexed: usize = book
        .awaiting_high_watermark
        .values()
        .chain(book.awaiting_commit.values())
        .map(|m| m.values().map(VecSet::len).sum::<usize>())
        .sum();
    assert!(indexed <= 2 * JOURNEYS_KEPT, "{indexed}");
}

#[test]
fn rewind_then_replay_gives_identical_journeys() {
    let mut sim = busy_run(400);
    let mut book = JourneyBook::new();
    feed(&mut sim, &mut [&mut book], 8_000, 100);
    let snapshot = sim.clone();
    let at_snapshot = book.clone();
    feed(&mut sim, &mut [&mut book], 12_000, 100);
    let straight = book.clone();

    let mut rewound = straight.clone();
    rewound.rewind_to(snapshot.now());
    // Journeys forgotten since the snapshot stay forgotten; every one kept is exactly as
    // it was then.
    assert!(rewound.len() < at_snapshot.len());
    for (record, journey) in &rewound.journeys {
        assert_eq!(Some(journey), at_snapshot.journey(*record), "{record}");
    }
    let mut replay = snapshot;
    feed(&mut replay, &mut [&mut rewound], 12_000, 37);
    assert_same(&rewound, &straight);
}

/// Equality with a short message naming the first difference (the books are large).
fn assert_same(left: &JourneyBook, right: &JourneyBook) {
    let left_ids: Vec<&RecordId> = left.journeys.keys().collect();
    let right_ids: Vec<&RecordId> = right.journeys.keys().collect();
    assert_eq!(left_ids.first(), right_ids.first());
    assert_eq!(left_ids.len(), right_ids.len());
    for (record, journey) in &left.journeys {
        assert_eq!(Some(journey), right.journey(*record), "{record}");
    }
    assert!(
        left.awaiting_high_watermark == right.awaiting_high_watermark,
        "high watermark index differs"
    );
    assert!(
        left.awaiting_commit == right.awaiting_commit,
        "commit index differs"
    );
    assert!(left == right);
}

/// The indexes are kept up to date step by step; they must stay exactly what indexing every
/// kept journey afresh gives, through a leader's crash (records appended twice, truncated)
/// and a member's (redelivered, committed again).
#[test]
fn the_indexes_kept_step_by_step_are_the_ones_rebuilt_from_the_journeys() {
    let mut sim = busy_run(300);
    let mut book = JourneyBook::new();
    let check = |book: &JourneyBook, sim: &Simulation, moment: &str| {
        let mut rebuilt = book.clone();
        // A rewind to the present forgets nothing and indexes every journey again.
        rebuilt.rewind_to(sim.now());
        assert!(
            !book.awaiting_high_watermark.is_empty() || !book.awaiting_commit.is_empty(),
            "{moment}: nothing indexed, so nothing was compared"
        );
        assert_same(book, &rebuilt);
    };
    for round in 0..4 {
        feed(&mut sim, &mut [&mut book], 3_000, 100);
        check(&book, &sim, &format!("round {round}"));
    }
    let tp = TopicPartition::new("orders", 0);
    let leader = sim.partition(&tp).unwrap().leader.unwrap();
    sim.handle(Command::CrashBroker { broker: leader }).unwrap();
    sim.handle(Command::CrashConsumer {
        consumer: crate::engine::ConsumerId(1),
    })
    .unwrap();
    feed(&mut sim, &mut [&mut book], 6_000, 100);
    check(&book, &sim, "after the crashes");
    sim.handle(Command::RestartBroker { broker: leader })
        .unwrap();
    feed(&mut sim, &mut [&mut book], 20_000, 100);
    check(&book, &sim, "after the restart");
    assert!(
        book.journeys
            .values()
            .any(|j| j.has(|k| matches!(k, StepKind::Committed { .. }))),
        "no record was committed, so the commit index was never emptied"
    );
}
