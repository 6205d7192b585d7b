use super::*;
use crate::engine::{
    Command, ConsumerConfig, ConsumerId, KeyPattern, ProducerConfig, ProducerId, SimConfig,
    Simulation, TopicConfig, Workload,
};
use crate::ui::sandbox::observe::Observer;

/// A 6-partition topic, a producer, and two groups: one keeping up, one slow.
fn history(until_ms: u64) -> (Simulation, MetricsHistory) {
    let mut sim = Simulation::new(SimConfig {
        broker_count: 3,
        ..SimConfig::default()
    });
    sim.handle(Command::CreateTopic {
        name: "orders".into(),
        config: TopicConfig {
            partitions: 6,
            replication_factor: 3,
            ..TopicConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::AddProducer {
        producer: ProducerId(0),
        config: ProducerConfig::default(),
    })
    .unwrap();
    sim.handle(Command::StartWorkload {
        producer: ProducerId(0),
        workload: Workload {
            topic: "orders".into(),
            records_per_second: 200,
            keys: KeyPattern::Cycle { count: 50 },
            count: None,
        },
    })
    .unwrap();
    for (id, group, processing_time_ms) in [(0, "billing", 0), (1, "audit", 30)] {
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(id),
            topic: "orders".into(),
            group: Some(group.into()),
            config: ConsumerConfig {
                processing_time_ms,
                ..ConsumerConfig::default()
            },
        })
        .unwrap();
    }
    let mut history = MetricsHistory::new(&sim);
    let mut now = 0;
    while now < until_ms {
        now += 250;
        sim.advance_to(SimTime::from_ms(now));
        let events = sim.drain_events();
        history.observe(&sim, &events);
    }
    (sim, history)
}

#[test]
fn four_charts_with_units_and_text_alternatives() {
    let (sim, history) = history(8_000);
    let view = ChartsView::build(&history, sim.now(), DEFAULT_SPAN_MS);
    let keys: Vec<&str> = view.charts.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["rates", "lag", "latency", "replication"]);
    for chart in &view.charts {
        assert!(!chart.y_label.is_empty());
        assert!(chart.summary.starts_with(chart.title), "{}", chart.summary);
        assert!(chart.summary.contains("7.5 s"), "{}", chart.summary);
        assert_eq!(chart.x_range, (0.0, 20.0));
        assert_eq!(chart.cursor_s, 8.0);
        assert!(chart.series.iter().all(|s| !s.segments.is_empty()));
        assert!(chart.y_max > 0.0);
    }
    let rates = &view.charts[0];
    assert!(
        rates.summary.contains("sent 200 records/s"),
        "{}",
        rates.summary
    );
    assert!(
        rates.summary.contains("polled by audit"),
        "{}",
        rates.summary
    );
    let replication = &view.charts[3];
    assert!(
        replication
            .summary
            .contains("smallest ISR 3 of 3 replicas, 0 under-replicated and 0 offline of 6"),
        "{}",
        replication.summary
    );
}

#[test]
fn lag_lines_are_capped_and_each_looks_different() {
    let (sim, history) = history(8_000);
    let view = ChartsView::build(&history, sim.now(), DEFAULT_SPAN_MS);
    let lag = &view.charts[1];
    assert_eq!(lag.series.len(), MAX_LAG_LINES);
    assert_eq!(
        lag.note.as_deref(),
        Some("4 partitions with less lag are not drawn.")
    );
    // The slow group has the most lag, so all six of its lines are among those drawn.
    let audit = lag
        .series
        .iter()
        .filter(|s| s.label.starts_with("audit · "));
    assert_eq!(audit.count(), 6);
    // Told apart without colour: marker and dash differ, or the colour does with the marker.
    let looks: crate::engine::sorted::VecSet<_> = lag
        .series
        .iter()
        .map(|s| (s.colour, format!("{:?}{:?}", s.dash, s.marker)))
        .collect();
    assert_eq!(looks.len(), lag.series.len());
    assert!(lag.summary.contains("audit"), "{}", lag.summary);
    assert!(lag.summary.contains("most on orders-"), "{}", lag.summary);
}

#[test]
fn the_window_follows_the_cursor() {
    let (_, history) = history(8_000);
    let view = ChartsView::build(&history, SimTime::from_ms(7_000), 5_000);
    let rates = &view.charts[0];
    assert_eq!(rates.x_range, (2.0, 7.0));
    let points: Vec<f64> = rates.series[0].segments[0].iter().map(|p| p.0).collect();
    assert_eq!(points.first(), Some(&2.0));
    assert_eq!(points.last(), Some(&7.0));
    assert!(rates.series[0].markers.len() <= points.len() / MARKER_EVERY + 1);
    // Past the span, the axis scrolls with the cursor.
    let view = ChartsView::build(&history, SimTime::from_ms(70_000), DEFAULT_SPAN_MS);
    assert_eq!(view.charts[0].x_range, (10.0, 70.0));
}

#[test]
fn a_lone_point_gets_a_marker() {
    let (sim, history) = history(8_000);
    let samples: Vec<&Sample> = history.samples().iter().collect();
    let lone = series(
        "x".into(),
        "#000000",
        Dash::Solid,
        Marker::Circle,
        &samples,
        |_, s| (s.at.as_ms() == 1_000).then_some(1.0),
    );
    assert_eq!(lone.segments, vec![vec![(1.0, 1.0)]]);
    assert_eq!(lone.markers, vec![(1.0, 1.0)]);
    let _ = sim;
}

#[test]
fn an_empty_history_says_so() {
    let sim = Simulation::new(SimConfig::default());
    let history = MetricsHistory::new(&sim);
    let view = ChartsView::build(&history, SimTime::ZERO, DEFAULT_SPAN_MS);
    for chart in &view.charts {
        assert!(chart.summary.ends_with("no data yet."), "{}", chart.summary);
    }
}

#[test]
fn missing_latency_breaks_the_line() {
    // Consumers start polling only after the group forms, so the first windows have no
    // latency and the p50 line starts later than the rate lines.
    let (sim, history) = history(8_000);
    let view = ChartsView::build(&history, sim.now(), DEFAULT_SPAN_MS);
    let p50 = &view.charts[2].series[0];
    let sent = &view.charts[0].series[0];
    assert!(p50.segments[0][0].0 > sent.segments[0][0].0);
}
