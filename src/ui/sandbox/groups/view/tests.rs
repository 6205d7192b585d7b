//! The groups view's tests: members, assignments, lag and rebalances on small runs.

use super::*;
use crate::engine::{Command, ConsumerConfig, KeyPattern, ProducerConfig, SimTime, Workload};
use crate::ui::sandbox::observe::Observer;
use crate::ui::test_support::*;

fn setup(partitions: u32) -> Simulation {
    let mut sim = cluster(3, 11);
    topic(&mut sim, "orders", partitions, 3);
    sim
}

fn traffic(sim: &mut Simulation, rate: u32) {
    let producer = producer(sim, 1, ProducerConfig::default());
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

#[test]
fn four_partitions_five_members_shows_exactly_one_idle_member() {
    let mut sim = setup(4);
    let mut watch = RebalanceWatch::new();
    for id in 1..=5 {
        member(
            &mut sim,
            id,
            "orders",
            Some("billing"),
            member_config("range"),
        );
    }
    feed(&mut sim, &mut [&mut watch], 15_000, 100);
    let view = GroupsView::build(&sim, &watch);
    let group = &view.groups[0];
    assert_eq!(group.state, GroupPhase::Stable);
    assert_eq!(group.state_label, "Stable");
    assert_eq!(group.members.len(), 5);
    let idle: Vec<&MemberView> = group.members.iter().filter(|m| m.idle.is_some()).collect();
    assert_eq!(idle.len(), 1, "{:#?}", group.members);
    assert_eq!(idle[0].status, MemberStatus::Idle);
    assert_eq!(
        idle[0].idle.as_deref(),
        Some("idle: no partition to read — more members (5) than partitions (4)")
    );
    assert!(group
        .members
        .iter()
        .filter(|m| m.idle.is_none())
        .all(|m| m.partitions.len() == 1 && m.status == MemberStatus::Reading));
    assert_eq!(group.members.iter().filter(|m| m.is_leader).count(), 1);
    assert!(group.unowned.is_empty());
    assert_eq!(group.assignor, "range");
    assert!(!group.cooperative);
    // The coordinator is the leader of the group's __consumer_offsets partition.
    let offsets = sim.topic(OFFSETS_TOPIC).unwrap().partition_count();
    let index = offsets_partition_for("billing", offsets);
    let leader = sim
        .partition(&TopicPartition::new(OFFSETS_TOPIC, index))
        .unwrap()
        .leader;
    assert_eq!(group.coordinator, leader);
    assert!(group.coordinator.is_some());
    assert_eq!(
        group.coordinator_label,
        format!("broker {}", leader.unwrap().0)
    );
    assert!(group
        .coordinator_reason
        .contains(&format!("__consumer_offsets-{index}")));
}

/// The most revoked chips seen at once while a third member joins, and their labels.
fn revoked_while_joining(strategy: &str) -> (usize, VecSet<&'static str>, GroupsView) {
    let mut sim = setup(6);
    let mut watch = RebalanceWatch::new();
    traffic(&mut sim, 50);
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config(strategy),
    );
    member(
        &mut sim,
        2,
        "orders",
        Some("billing"),
        member_config(strategy),
    );
    feed(&mut sim, &mut [&mut watch], 15_000, 50);
    member(
        &mut sim,
        3,
        "orders",
        Some("billing"),
        member_config(strategy),
    );
    let mut most = 0;
    let mut labels = VecSet::new();
    let mut saw_rebalancing = false;
    for _ in 0..1_500 {
        feed(&mut sim, &mut [&mut watch], 10, 10);
        let view = GroupsView::build(&sim, &watch);
        let group = &view.groups[0];
        saw_rebalancing |= group.rebalancing;
        let chips: Vec<&RevokedChip> = group
            .members
            .iter()
            .flat_map(|m| m.revoked.iter())
            .collect();
        most = most.max(chips.len());
        labels.extend(chips.iter().map(|c| c.label));
    }
    assert!(
        saw_rebalancing,
        "{strategy}: the rebalance was seen in progress"
    );
    (most, labels, GroupsView::build(&sim, &watch))
}

#[test]
fn eager_shows_every_partition_revoked_and_cooperative_only_the_moving_ones() {
    let (eager, eager_labels, _) = revoked_while_joining("range");
    assert_eq!(eager, 6, "eager revokes all six partitions");
    assert_eq!(eager_labels, ["revoked"].into());

    let (cooperative, cooperative_labels, after) = revoked_while_joining("cooperative-sticky");
    assert_eq!(cooperative, 2, "cooperative moves only two partitions");
    assert_eq!(cooperative_labels, ["moving"].into());
    let group = &after.groups[0];
    assert!(group.cooperative);
    assert!(!group.rebalancing);
    assert!(group.members.iter().all(|m| m.revoked.is_empty()));
    assert!(group.members.iter().all(|m| m.partitions.len() == 2));
    assert!(group
        .rebalance_note
        .as_deref()
        .is_some_and(|n| n.starts_with("Last rebalance at")));
}

#[test]
fn newly_received_partitions_are_marked_for_a_moment() {
    let mut sim = setup(2);
    let mut watch = RebalanceWatch::new();
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    let joined = feed_until(
        &mut sim,
        &mut [&mut watch],
        SimTime::from_ms(20_000),
        |sim| {
            sim.group("billing")
                .is_some_and(|g| g.phase == GroupPhase::Stable)
        },
    );
    assert!(joined);
    feed(&mut sim, &mut [&mut watch], 20, 20);
    let fresh = GroupsView::build(&sim, &watch);
    assert!(fresh.groups[0].members[0]
        .partitions
        .iter()
        .all(|p| p.just_assigned));
    feed(&mut sim, &mut [&mut watch], JUST_ASSIGNED_MS, 100);
    let later = GroupsView::build(&sim, &watch);
    assert!(later.groups[0].members[0]
        .partitions
        .iter()
        .all(|p| !p.just_assigned));
}

#[test]
fn crashed_paused_slow_and_standalone_consumers_say_so_and_lag_has_numbers() {
    let mut sim = setup(2);
    let mut watch = RebalanceWatch::new();
    traffic(&mut sim, 100);
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    member(
        &mut sim,
        2,
        "orders",
        Some("billing"),
        ConsumerConfig {
            processing_time_ms: 30,
            ..member_config("range")
        },
    );
    member(
        &mut sim,
        3,
        "orders",
        Some("billing"),
        member_config("range"),
    );
    member(&mut sim, 4, "orders", None, member_config("range"));
    feed(&mut sim, &mut [&mut watch], 12_000, 100);
    sim.handle(Command::CrashConsumer {
        consumer: ConsumerId(1),
    })
    .unwrap();
    sim.handle(Command::PauseConsumer {
        consumer: ConsumerId(4),
    })
    .unwrap();
    feed(&mut sim, &mut [&mut watch], 1_000, 100);
    let view = GroupsView::build(&sim, &watch);
    let group = &view.groups[0];
    let by_id = |id: u32| {
        group
            .members
            .iter()
            .find(|m| m.consumer == ConsumerId(id))
            .unwrap()
    };
    assert_eq!(by_id(1).status, MemberStatus::Crashed);
    assert!(by_id(1).status_text.contains("session.timeout.ms (10 s)"));
    assert_eq!(by_id(2).slow.as_deref(), Some("slow: 30 ms per record"));
    assert_eq!(by_id(1).style, member_style(ConsumerId(1)));

    let standalone = &view.standalone;
    assert_eq!(standalone.len(), 1);
    assert_eq!(standalone[0].status, MemberStatus::Paused);
    assert_eq!(standalone[0].partitions.len(), 2);
    assert!(standalone[0]
        .partitions
        .iter()
        .all(|p| p.committed.is_none()));

    // The slow member falls behind; its bar has the numbers in its tooltip.
    let rows: Vec<&PartitionRow> = group
        .members
        .iter()
        .flat_map(|m| m.partitions.iter())
        .chain(standalone[0].partitions.iter())
        .collect();
    let worst = rows.iter().max_by_key(|r| r.lag).unwrap();
    assert!(worst.lag > 0);
    assert!(
        (worst.lag_fraction - 1.0).abs() < 1e-9,
        "the largest lag fills its bar"
    );
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.lag_fraction)));
    for row in &rows {
        assert!(row
            .tooltip
            .contains(&format!("high watermark {}", row.high_watermark)));
        assert!(row.tooltip.contains(&format!("lag {}", row.lag)));
        if let Some(committed) = row.committed {
            assert_eq!(row.lag, row.high_watermark - committed);
        }
    }
}

#[test]
fn the_rebalance_watch_rewinds_to_exactly_what_it_was() {
    let mut sim = setup(4);
    let mut watch = RebalanceWatch::new();
    member(
        &mut sim,
        1,
        "orders",
        Some("billing"),
        member_config("cooperative-sticky"),
    );
    feed(&mut sim, &mut [&mut watch], 8_000, 100);
    let snapshot = sim.clone();
    let at_snapshot = watch.clone();
    member(
        &mut sim,
        2,
        "orders",
        Some("billing"),
        member_config("cooperative-sticky"),
    );
    feed(&mut sim, &mut [&mut watch], 10_000, 100);
    let straight = watch.clone();
    assert_ne!(straight, at_snapshot);

    let mut rewound = straight.clone();
    rewound.rewind_to(snapshot.now());
    assert_eq!(rewound.group("billing"), at_snapshot.group("billing"));
    let mut replay = snapshot;
    member(
        &mut replay,
        2,
        "orders",
        Some("billing"),
        member_config("cooperative-sticky"),
    );
    feed(&mut replay, &mut [&mut rewound], 10_000, 250);
    assert_eq!(rewound, straight);
    rewound.observe(&replay, &[]);
    assert_eq!(
        GroupsView::build(&replay, &rewound),
        GroupsView::build(&sim, &straight)
    );
}
