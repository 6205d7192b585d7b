//! The cluster picture's tests: roles, markers, lost records, flights, compact bars and
//! highlighting, on small runs.

use super::*;
use crate::engine::{
    BrokerConfig, Command, ConsumerId, NetworkConfig, ProducerConfig, ProducerId, SimConfig,
    TopicConfig,
};

use crate::engine::testing::fast_cluster as cluster;

fn topic(sim: &mut Simulation, name: &str, partitions: u32, min_insync_replicas: u32) {
    sim.handle(Command::CreateTopic {
        name: name.to_owned(),
        config: TopicConfig {
            partitions,
            replication_factor: 3,
            min_insync_replicas,
            ..TopicConfig::default()
        },
    })
    .unwrap();
}

fn producer(sim: &mut Simulation, id: u32, acks: Acks) -> ProducerId {
    sim.handle(Command::AddProducer {
        producer: ProducerId(id),
        config: ProducerConfig {
            acks,
            enable_idempotence: false,
            linger_ms: 0,
            ..ProducerConfig::default()
        },
    })
    .unwrap();
    ProducerId(id)
}

fn produce(sim: &mut Simulation, producer: ProducerId, topic: &str, key: &str, value: &str) {
    sim.handle(Command::Produce {
        producer,
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        value: Some(value.to_owned()),
        partition: None,
        timestamp: None,
        headers: Vec::new(),
    })
    .unwrap();
}

fn run_for(sim: &mut Simulation, ms: u64) {
    let until = sim.now().plus_ms(ms);
    sim.advance_to(until);
    sim.drain_events();
}

fn build(sim: &Simulation, shape: Shape, lost: &[LostRecord]) -> ClusterView {
    let highlight = Highlight::default();
    ClusterView::build(
        sim,
        &ClusterOptions {
            shape,
            highlight: &highlight,
            selected: None,
            lost,
            show_internal: false,
        },
    )
}

fn rows<'a>(view: &'a ClusterView, tp: &'a TopicPartition) -> Vec<&'a ReplicaView> {
    view.brokers
        .iter()
        .flat_map(|b| &b.topics)
        .flat_map(|t| t.replicas.iter().map(|r| &**r))
        .filter(|r| r.partition == *tp)
        .collect()
}

fn tail(row: &ReplicaView) -> &LogTail {
    match &row.detail {
        ReplicaDetail::Cells(tail) => tail,
        ReplicaDetail::Bar(_) => panic!("expected cells"),
    }
}

fn inside(outer: (f64, f64, f64, f64), x: f64, y: f64) -> bool {
    x >= outer.0 - 0.01
        && x <= outer.0 + outer.2 + 0.01
        && y >= outer.1 - 0.01
        && y <= outer.1 + outer.3 + 0.01
}

#[test]
fn the_leader_is_marked_and_its_markers_sit_at_the_high_watermark_and_log_end() {
    let mut sim = cluster(3, 1);
    topic(&mut sim, "orders", 1, 2);
    let p = producer(&mut sim, 1, Acks::All);
    for value in ["a", "b", "c"] {
        produce(&mut sim, p, "orders", "k", value);
    }
    run_for(&mut sim, 2_000);
    let tp = TopicPartition::new("orders", 0);
    let leader = sim.partition(&tp).unwrap().leader.unwrap();

    for shape in [Shape::Landscape, Shape::Portrait] {
        let view = build(&sim, shape, &[]);
        assert!(!view.compact);
        let rows = rows(&view, &tp);
        assert_eq!(rows.len(), 3, "one row per replica");
        let leaders: Vec<_> = rows
            .iter()
            .filter(|r| r.role == ReplicaRole::Leader)
            .collect();
        assert_eq!(leaders.len(), 1);
        assert_eq!(leaders[0].broker, leader);
        for row in &rows {
            assert!(row.in_sync);
            assert!(row.high_watermark <= row.log_end_offset);
            let tail = tail(row);
            assert_eq!(tail.cells.len(), 3);
            assert_eq!(
                tail.cells.iter().map(|c| c.offset).collect::<Vec<_>>(),
                [0, 1, 2]
            );
            // The dashed slot for the next record sits right after the last cell.
            let last = tail.cells.last().unwrap();
            assert_eq!(tail.log_end_x, Some(last.x + CELL_PITCH));
            let hw = tail
                .markers
                .iter()
                .find(|m| m.kind == MarkerKind::HighWatermark)
                .expect("high watermark marker");
            assert_eq!(hw.offset, row.high_watermark);
            assert!(hw.x > last.x + CELL_SIZE && hw.x < last.x + CELL_PITCH);
            // Every row stays inside its broker's box.
            let broker = view.brokers.iter().find(|b| b.id == row.broker).unwrap();
            let outer = (broker.x, broker.y, broker.width, broker.height);
            assert!(inside(outer, row.x, row.y));
            assert!(inside(outer, row.x + row.width, row.y + row.height));
            assert!(inside(
                outer,
                tail.log_end_x.unwrap() + CELL_SIZE,
                tail.cell_top
            ));
        }
        assert_eq!(leaders[0].high_watermark, 3);
        assert!(view.height > 0.0 && view.width > 0.0);
    }
}

#[test]
fn a_crashed_follower_drops_out_of_the_isr_and_is_drawn_out_of_sync() {
    let mut sim = cluster(3, 2);
    topic(&mut sim, "orders", 1, 1);
    let p = producer(&mut sim, 1, Acks::All);
    produce(&mut sim, p, "orders", "k", "a");
    run_for(&mut sim, 1_000);
    let tp = TopicPartition::new("orders", 0);
    let meta = sim.partition(&tp).unwrap().clone();
    let follower = *meta
        .replicas
        .iter()
        .find(|b| Some(**b) != meta.leader)
        .unwrap();
    sim.handle(Command::CrashBroker { broker: follower })
        .unwrap();
    run_for(&mut sim, 100);
    let early = build(&sim, Shape::Landscape, &[]);
    let row = rows(&early, &tp)
        .into_iter()
        .find(|r| r.broker == follower)
        .unwrap()
        .clone();
    assert_eq!(row.role, ReplicaRole::Offline);
    assert!(
        row.in_sync,
        "still in the ISR before replica.lag.time.max.ms"
    );

    // replica.lag.time.max.ms is 2 s in this cluster; the ISR check runs every second.
    produce(&mut sim, p, "orders", "k", "b");
    run_for(&mut sim, 4_000);
    let late = build(&sim, Shape::Landscape, &[]);
    let row = rows(&late, &tp)
        .into_iter()
        .find(|r| r.broker == follower)
        .unwrap();
    assert!(!row.in_sync, "out of sync after replica.lag.time.max.ms");
    assert!(!row.isr.contains(&follower));
    let broker = late.brokers.iter().find(|b| b.id == follower).unwrap();
    assert!(!broker.up);
    // The leader moved on without it: its log is shorter than the leader's.
    let leader_row = rows(&late, &tp)
        .into_iter()
        .find(|r| r.role == ReplicaRole::Leader)
        .unwrap();
    assert!(row.log_end_offset < leader_row.log_end_offset);
}

#[test]
fn a_dropped_message_is_flagged_vanishing_and_fades_until_half_way() {
    let mut sim = Simulation::new(SimConfig {
        seed: 3,
        broker_count: 3,
        network: NetworkConfig {
            latency_ms: 100,
            jitter_ms: 0,
            drop_per_million: 1_000_000,
        },
        broker: BrokerConfig::default(),
    });
    topic(&mut sim, "orders", 1, 1);
    let p = producer(&mut sim, 1, Acks::Leader);
    produce(&mut sim, p, "orders", "k", "a");
    run_for(&mut sim, 10);
    let view = build(&sim, Shape::Landscape, &[]);
    let produce = view
        .flights
        .iter()
        .find(|f| f.kind == MessageKind::Produce)
        .expect("the produce request is drawn");
    let early_fade = produce.vanishing.expect("doomed");
    assert!(early_fade > 0.0 && early_fade < 0.5, "{early_fade}");
    assert_eq!(produce.letter, "P");
    assert!(!produce.hollow);
    run_for(&mut sim, 35);
    let view = build(&sim, Shape::Landscape, &[]);
    let produce = view
        .flights
        .iter()
        .find(|f| f.kind == MessageKind::Produce)
        .expect("still drawn before it vanishes");
    assert!(
        produce.vanishing.unwrap() > early_fade + 0.3,
        "fading as it nears its end"
    );
    run_for(&mut sim, 20);
    let view = build(&sim, Shape::Landscape, &[]);
    assert!(
        !view.flights.iter().any(|f| f.id == produce.id),
        "gone half way"
    );
}

#[test]
fn messages_travel_along_their_link_from_sender_to_receiver() {
    let mut sim = cluster(3, 4);
    topic(&mut sim, "orders", 1, 1);
    let p = producer(&mut sim, 1, Acks::All);
    produce(&mut sim, p, "orders", "k", "a");
    run_for(&mut sim, 1);
    let view = build(&sim, Shape::Landscape, &[]);
    let flight = view
        .flights
        .iter()
        .find(|f| f.kind == MessageKind::Produce)
        .unwrap();
    let producer_box = &view.producers[0];
    // One millisecond into a five-millisecond trip: near the producer, below it.
    assert!(flight.y > producer_box.y + producer_box.height - 0.01);
    assert!(flight.y < view.brokers[0].y);
    assert_eq!(flight.vanishing, None);
    run_for(&mut sim, 3);
    let later = build(&sim, Shape::Landscape, &[]);
    let moved = later.flights.iter().find(|f| f.id == flight.id).unwrap();
    assert!(moved.y > flight.y, "it moved towards the broker");
}

#[test]
fn an_acks_1_record_lost_with_its_leader_is_struck_through() {
    // The canonical run: acks=1, the leader acknowledges, dies before its followers copy
    // the record; a follower takes over without it.
    let mut sim = cluster(3, 7);
    topic(&mut sim, "orders", 1, 1);
    let tp = TopicPartition::new("orders", 0);
    let p = producer(&mut sim, 1, Acks::Leader);
    produce(&mut sim, p, "orders", "k", "replicated");
    run_for(&mut sim, 3_000);
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
    run_for(&mut sim, 1_000);
    produce(&mut sim, p, "orders", "k", "doomed");
    run_for(&mut sim, 50);
    sim.handle(Command::CrashBroker { broker: old_leader })
        .unwrap();
    run_for(&mut sim, 10_000);
    let audit = sim.audit();
    assert_eq!(audit.acknowledged_then_lost.len(), 1);
    let lost = &audit.acknowledged_then_lost;

    // While the old leader is down, its disk still holds the record: struck where it is;
    // the new leader shows a ghost at the same offset.
    let view = build(&sim, Shape::Landscape, lost);
    assert_eq!(view.lost_count, 1);
    let rows = rows(&view, &tp);
    let old = rows.iter().find(|r| r.broker == old_leader).unwrap();
    let struck: Vec<_> = tail(old).cells.iter().filter(|c| c.lost).collect();
    assert_eq!(struck.len(), 1);
    assert_eq!(struck[0].offset as i64, lost[0].offset);
    let new_leader = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
    assert_ne!(new_leader.broker, old_leader);
    let ghosts = &tail(new_leader).ghosts;
    assert_eq!(ghosts.len(), 1);
    assert_eq!(ghosts[0].offset as i64, lost[0].offset);
    assert_eq!(ghosts[0].record, lost[0].record);
    assert!(view.description.contains("lost"));

    // After the old leader returns and truncates, the ghost remains on the leader.
    sim.handle(Command::RestartBroker { broker: old_leader })
        .unwrap();
    run_for(&mut sim, 5_000);
    let lost = sim.audit().acknowledged_then_lost;
    let view = build(&sim, Shape::Landscape, &lost);
    let rows = super::tests::rows(&view, &tp);
    assert!(rows.iter().all(|r| tail(r).cells.iter().all(|c| !c.lost)));
    let leader_row = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
    assert_eq!(tail(leader_row).ghosts.len(), 1);
    assert!(!tail(leader_row).ghosts[0].occupied);
    assert_eq!(leader_row.lost, 1);

    // A new record takes the lost one's offset: the ghost becomes a tab under it, and the
    // new record is not struck.
    produce(&mut sim, p, "orders", "k", "after");
    run_for(&mut sim, 2_000);
    let lost = sim.audit().acknowledged_then_lost;
    assert_eq!(lost.len(), 1);
    let view = build(&sim, Shape::Landscape, &lost);
    let rows = super::tests::rows(&view, &tp);
    let leader_row = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
    let ghost = &tail(leader_row).ghosts[0];
    assert!(ghost.occupied);
    let taker = tail(leader_row)
        .cells
        .iter()
        .find(|c| c.offset == ghost.offset)
        .expect("a new record at the lost offset");
    assert_ne!(taker.record, ghost.record);
    assert!(!taker.lost);
}

#[test]
fn forty_eight_partitions_switch_to_bars_and_stay_small() {
    let mut sim = cluster(3, 5);
    topic(&mut sim, "orders", 48, 2);
    let p = producer(&mut sim, 1, Acks::All);
    sim.handle(Command::StartWorkload {
        producer: p,
        workload: crate::engine::Workload {
            topic: "orders".to_owned(),
            records_per_second: 2_000,
            keys: crate::engine::KeyPattern::None,
            count: None,
        },
    })
    .unwrap();
    for n in 0..6 {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(n),
            topic: "orders".to_owned(),
            group: Some(format!("g{}", n % 2)),
            config: crate::engine::ConsumerConfig::default(),
        })
        .unwrap();
    }
    run_for(&mut sim, 3_000);
    for shape in [Shape::Landscape, Shape::Portrait] {
        let view = build(&sim, shape, &[]);
        assert!(view.compact);
        let drawn: usize = view
            .brokers
            .iter()
            .flat_map(|b| &b.topics)
            .map(|t| t.replicas.len())
            .sum();
        assert_eq!(drawn, 48 * 3);
        assert!(view
            .brokers
            .iter()
            .flat_map(|b| &b.topics)
            .flat_map(|t| &t.replicas)
            .all(|r| matches!(r.detail, ReplicaDetail::Bar(_))));
        // `__consumer_offsets` is one line per broker.
        assert!(view.brokers.iter().all(|b| b.internal.is_some()));
        let elements = view.element_count();
        assert!(elements < 1_500, "{elements} SVG elements");
        for broker in &view.brokers {
            let outer = (broker.x, broker.y, broker.width, broker.height);
            for row in broker.topics.iter().flat_map(|t| &t.replicas) {
                assert!(inside(outer, row.x + row.width, row.y + row.height));
            }
        }
    }
}

/// The picture is rebuilt every frame, but a replica row is drawn again only when its view
/// differs from the last one (`svg.rs`). So a row must not change unless its replica did: 16 ms
/// later, the rows of partitions that took no record compare equal, and only those that did
/// (or whose high watermark moved) differ.
#[test]
fn a_frame_later_only_the_rows_of_partitions_that_moved_differ() {
    let mut sim = cluster(3, 5);
    topic(&mut sim, "orders", 48, 2);
    let p = producer(&mut sim, 1, Acks::All);
    sim.handle(Command::StartWorkload {
        producer: p,
        workload: crate::engine::Workload {
            topic: "orders".to_owned(),
            records_per_second: 50,
            keys: crate::engine::KeyPattern::None,
            count: None,
        },
    })
    .unwrap();
    run_for(&mut sim, 3_000);
    let before = build(&sim, Shape::Landscape, &[]);
    run_for(&mut sim, 16);
    let after = build(&sim, Shape::Landscape, &[]);
    let rows = |view: &ClusterView| -> Vec<Rc<ReplicaView>> {
        view.brokers
            .iter()
            .flat_map(|b| &b.topics)
            .flat_map(|t| t.replicas.iter().cloned())
            .collect()
    };
    let (before, after) = (rows(&before), rows(&after));
    assert_eq!(before.len(), 48 * 3);
    let changed: Vec<&Rc<ReplicaView>> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .collect();
    // 50 records/s over 48 partitions: in 16 ms a handful of partitions move at most.
    assert!(
        changed.len() <= 3 * 6,
        "{} of 144 rows changed in 16 ms",
        changed.len()
    );
    for (a, b) in after.iter().zip(&before) {
        let moved = (a.log_end_offset, a.high_watermark, a.role, a.in_sync)
            != (b.log_end_offset, b.high_watermark, b.role, b.in_sync);
        assert_eq!(
            a != b,
            moved,
            "{} on broker {}: the row changed without its replica moving, or the other way round",
            a.partition,
            a.broker.0
        );
    }
}

#[test]
fn the_default_sandbox_is_detailed_and_small() {
    let mut sim = cluster(3, 6);
    topic(&mut sim, "orders", 3, 2);
    let p = producer(&mut sim, 1, Acks::All);
    for n in 0..20 {
        produce(&mut sim, p, "orders", &format!("k{n}"), "v");
    }
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(0),
        topic: "orders".to_owned(),
        group: Some("g".to_owned()),
        config: crate::engine::ConsumerConfig::default(),
    })
    .unwrap();
    run_for(&mut sim, 5_000);
    let view = build(&sim, Shape::Landscape, &[]);
    assert!(!view.compact);
    assert!(view.element_count() < 600, "{}", view.element_count());
    // The consumer wears its member style.
    assert_eq!(view.consumers[0].style, Some(member_style(ConsumerId(0))));
    // 16:9-ish in landscape, tall in portrait.
    assert!(view.width / view.height > 1.5, "{}", view.height);
    let portrait = build(&sim, Shape::Portrait, &[]);
    assert!(portrait.height > portrait.width);
}

#[test]
fn highlighting_a_partition_dims_the_other_replicas() {
    let mut sim = cluster(3, 8);
    topic(&mut sim, "orders", 3, 2);
    run_for(&mut sim, 1_000);
    let tp = TopicPartition::new("orders", 1);
    let highlight = Highlight {
        partitions: [tp.clone()].into(),
        ..Highlight::default()
    };
    let view = ClusterView::build(
        &sim,
        &ClusterOptions {
            shape: Shape::Landscape,
            highlight: &highlight,
            selected: None,
            lost: &[],
            show_internal: false,
        },
    );
    for row in view
        .brokers
        .iter()
        .flat_map(|b| &b.topics)
        .flat_map(|t| &t.replicas)
    {
        let expected = if row.partition == tp {
            Emphasis::Emphasised
        } else {
            Emphasis::Dimmed
        };
        assert_eq!(row.emphasis, expected);
    }
}

#[test]
fn many_clients_become_chips_and_the_rest_are_counted() {
    let (places, more) = client_row(3, LANDSCAPE_WIDTH);
    assert_eq!(more, None);
    assert!(places.iter().all(|(_, _, chip)| !chip));
    let (places, more) = client_row(64, LANDSCAPE_WIDTH);
    assert!(places.iter().all(|(_, _, chip)| *chip));
    let (more_x, hidden) = more.expect("some do not fit");
    assert_eq!(places.len() as u32 + hidden, 64);
    let (last_x, last_w, _) = *places.last().unwrap();
    assert!(last_x + last_w < more_x);
    assert!(more_x + last_w <= LANDSCAPE_WIDTH - MARGIN + 0.01);
    assert!(places.windows(2).all(|w| w[0].0 + w[0].1 < w[1].0));
}

#[test]
fn selecting_on_a_held_picture_marks_only_that_record_and_moves_nothing() {
    let mut sim = cluster(3, 5);
    topic(&mut sim, "orders", 1, 2);
    let p = producer(&mut sim, 0, Acks::All);
    run_for(&mut sim, 500);
    for n in 0..4 {
        produce(&mut sim, p, "orders", "k", &format!("v{n}"));
    }
    run_for(&mut sim, 1_000);
    let held = build(&sim, Shape::Landscape, &[]);
    let tp = TopicPartition::new("orders", 0);
    let chosen = tail(rows(&held, &tp)[0]).cells[2].record;
    let selected = held.clone().with_selected(Some(chosen));
    for row in rows(&selected, &tp) {
        for cell in &tail(row).cells {
            assert_eq!(
                cell.selected,
                cell.record == chosen,
                "offset {}",
                cell.offset
            );
        }
    }
    // Nothing but the selection changed: the same cells at the same places.
    let cleared = selected.with_selected(None);
    assert_eq!(cleared, held);
}
