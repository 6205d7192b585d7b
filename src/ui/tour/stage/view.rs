//! Turns the simulation into positioned shapes for the SVG stage: lanes of offset cells, the
//! clients beside them, and every message in flight at its current point along its link.
//! Pure geometry, no Yew, so the layout is tested natively.

use crate::engine::{InFlight, MessageKind, Node, Simulation, TopicPartition};

use crate::ui::shell::palette::{key_colours, partition_colour};

/// Where everything sits in the SVG's own coordinate space; CSS scales it to the screen. Two
/// shapes: landscape (clients left and right of the broker) for projectors and blogs, portrait
/// (producer above, consumer below) for phones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// `(x, y, width, height)` of each box.
    pub producer_box: (f64, f64, f64, f64),
    pub consumer_box: (f64, f64, f64, f64),
    pub broker_box: (f64, f64, f64, f64),
    /// Where records leave the producer and where responses reach it.
    pub producer_anchor: (f64, f64),
    /// Where fetch responses reach the consumer and fetch requests leave it.
    pub consumer_anchor: (f64, f64),
    /// Where fetch requests reach the broker.
    pub broker_fetch_anchor: (f64, f64),
    pub lanes_top: f64,
    pub lanes_bottom: f64,
    pub lane_pitch_max: f64,
    pub lane_label_x: f64,
    pub first_cell_x: f64,
    pub cell_size: f64,
    pub cell_pitch: f64,
    /// Cells drawn per lane: the log's tail plus the empty slot where the next record lands.
    pub visible_cells: u64,
    /// A record flying on a link; smaller than a cell so it reads as "on its way".
    pub chip_size: f64,
}

impl Layout {
    pub const LANDSCAPE: Layout = Layout {
        width: 1000.0,
        height: 404.0,
        producer_box: (6.0, 158.0, 152.0, 92.0),
        consumer_box: (842.0, 158.0, 152.0, 92.0),
        broker_box: (182.0, 6.0, 540.0, 392.0),
        producer_anchor: (158.0, 204.0),
        consumer_anchor: (842.0, 204.0),
        broker_fetch_anchor: (722.0, 204.0),
        lanes_top: 48.0,
        lanes_bottom: 392.0,
        lane_pitch_max: 108.0,
        lane_label_x: 196.0,
        first_cell_x: 244.0,
        cell_size: 52.0,
        cell_pitch: 60.0,
        visible_cells: 8,
        chip_size: 40.0,
    };

    pub const PORTRAIT: Layout = Layout {
        width: 400.0,
        height: 610.0,
        producer_box: (116.0, 6.0, 168.0, 88.0),
        consumer_box: (116.0, 516.0, 168.0, 88.0),
        broker_box: (8.0, 114.0, 384.0, 382.0),
        producer_anchor: (200.0, 94.0),
        consumer_anchor: (200.0, 516.0),
        broker_fetch_anchor: (200.0, 496.0),
        lanes_top: 158.0,
        lanes_bottom: 486.0,
        lane_pitch_max: 100.0,
        lane_label_x: 20.0,
        first_cell_x: 64.0,
        cell_size: 40.0,
        cell_pitch: 46.0,
        visible_cells: 7,
        chip_size: 34.0,
    };

    fn cell_x(&self, offset: u64, window_start: u64) -> f64 {
        self.first_cell_x + (offset - window_start) as f64 * self.cell_pitch
    }

    fn last_cell_x(&self) -> f64 {
        self.first_cell_x + self.cell_pitch * (self.visible_cells - 1) as f64
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageView {
    pub layout: Layout,
    pub topic: String,
    pub broker_label: String,
    pub lanes: Vec<LaneView>,
    pub flights: Vec<FlightView>,
    pub consumer: Option<ClientText>,
}

/// A client box's text: its name, and a Kafka config with its value on two short lines.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientText {
    pub name: String,
    pub setting: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub partition: u32,
    pub badge_colour: &'static str,
    /// Centre line of the lane.
    pub y: f64,
    pub cells: Vec<CellView>,
    /// The log end offset: the offset the next record will get.
    pub log_end_offset: u64,
    /// x of the slot for `log_end_offset`.
    pub next_slot_x: f64,
    /// The consumer's next offset to read here, and the x where its marker sits.
    pub position: Option<(u64, f64)>,
    /// Records before the drawn window, summarised as "… n earlier".
    pub hidden_before: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub offset: u64,
    /// Left edge.
    pub x: f64,
    pub value: String,
    pub key: Option<String>,
    pub fill: &'static str,
    pub text: &'static str,
    /// The consumer has read past it.
    pub consumed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FlightShape {
    /// A record on its way (a produce request, or a record inside a fetch response).
    Record {
        value: String,
        fill: &'static str,
        text: &'static str,
    },
    /// A produce acknowledgement.
    Ack { offset: u64 },
    /// A fetch request.
    Fetch,
    /// A fetch response with no records.
    EmptyFetchResponse,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlightView {
    pub id: u64,
    pub kind: MessageKind,
    /// Centre of the shape.
    pub x: f64,
    pub y: f64,
    pub shape: FlightShape,
}

impl StageView {
    /// Lays out `topic` as it is at `sim.now()`.
    pub fn build(sim: &Simulation, topic_name: &str, layout: Layout) -> StageView {
        let Some(topic) = sim.topic(topic_name) else {
            return StageView::empty(topic_name, layout);
        };
        let count = topic.partition_count().max(1);
        let span = layout.lanes_bottom - layout.lanes_top;
        let pitch = (span / f64::from(count)).min(layout.lane_pitch_max);
        let first_y = layout.lanes_top + (span - pitch * f64::from(count)) / 2.0 + pitch / 2.0;

        let consumer = sim.consumers().find(|c| c.topic == topic_name);
        let lanes: Vec<LaneView> = topic
            .partitions
            .iter()
            .enumerate()
            .filter_map(|(index, partition)| {
                let number = index as u32;
                let tp = TopicPartition::new(topic_name, number);
                // The leader's log; while there is none, the first replica's.
                let log = sim
                    .leader_log(&tp)
                    .or_else(|| sim.replica_log(*partition.replicas.first()?, &tp))?;
                let log_end = log.log_end_offset().0;
                let window_start = log_end.saturating_sub(layout.visible_cells - 1);
                let position = consumer.and_then(|c| c.positions.get(&tp)).map(|o| o.0);
                let cells = log
                    .records()
                    .filter(|(offset, _)| offset.0 >= window_start)
                    .map(|(offset, record)| {
                        let (fill, text) = key_colours(record.key.as_deref());
                        CellView {
                            offset: offset.0,
                            x: layout.cell_x(offset.0, window_start),
                            value: record.value_text().into_owned(),
                            key: record.key.as_deref().map(str::to_owned),
                            fill,
                            text,
                            consumed: position.is_some_and(|p| offset.0 < p),
                        }
                    })
                    .collect();
                Some(LaneView {
                    partition: number,
                    badge_colour: partition_colour(number),
                    y: first_y + pitch * index as f64,
                    cells,
                    log_end_offset: log_end,
                    next_slot_x: layout.cell_x(log_end, window_start),
                    position: position
                        .filter(|p| *p >= window_start)
                        .map(|p| (p, layout.cell_x(p, window_start) + layout.cell_size / 2.0)),
                    hidden_before: window_start.saturating_sub(log.log_start_offset().0),
                })
            })
            .collect();

        let now = sim.now();
        let mut landing: Vec<u64> = vec![0; lanes.len()];
        let flights = sim
            .in_flight()
            .flat_map(|flight| {
                let progress = flight.progress_at(now);
                flight_views(flight, progress, &lanes, &mut landing, &layout)
            })
            .collect();

        StageView {
            layout,
            topic: topic_name.to_owned(),
            broker_label: match topic.partitions[0].leader {
                Some(leader) => format!("broker {}", leader.0),
                None => "no leader".to_owned(),
            },
            lanes,
            flights,
            consumer: consumer.map(|c| ClientText {
                name: "consumer".to_owned(),
                setting: "auto.offset.reset".to_owned(),
                value: format!("{:?}", c.config.auto_offset_reset).to_lowercase(),
            }),
        }
    }

    fn empty(topic: &str, layout: Layout) -> StageView {
        StageView {
            layout,
            topic: topic.to_owned(),
            broker_label: String::new(),
            lanes: Vec::new(),
            flights: Vec::new(),
            consumer: None,
        }
    }
}

fn lerp(from: (f64, f64), to: (f64, f64), t: f64) -> (f64, f64) {
    // Ease in and out so a mark leaves and lands gently, as a projector audience can follow.
    let eased = t * t * (3.0 - 2.0 * t);
    (
        from.0 + (to.0 - from.0) * eased,
        from.1 + (to.1 - from.1) * eased,
    )
}

fn flight_views(
    flight: &InFlight,
    progress: f64,
    lanes: &[LaneView],
    landing: &mut [u64],
    layout: &Layout,
) -> Vec<FlightView> {
    let producer_edge = layout.producer_anchor;
    let consumer_edge = layout.consumer_anchor;
    let broker_edge = layout.broker_fetch_anchor;
    let view = |x: f64, y: f64, shape: FlightShape| FlightView {
        id: flight.id.0,
        kind: flight.message.kind(),
        x,
        y,
        shape,
    };
    match (flight.message.kind(), flight.to) {
        (MessageKind::Produce, _) => {
            let mut views = Vec::new();
            for (partition, _, record) in flight.message.received_records() {
                let Some(lane) = lanes.get(partition.partition as usize) else {
                    continue;
                };
                // Aim at the slot this record will most likely take: the log end plus the
                // records already flying to the same lane ahead of it.
                let ahead = landing[lane.partition as usize];
                landing[lane.partition as usize] += 1;
                let target_x =
                    (lane.next_slot_x + ahead as f64 * layout.cell_pitch).min(layout.last_cell_x());
                let target = (target_x + layout.cell_size / 2.0, lane.y);
                let (x, y) = lerp(producer_edge, target, progress);
                let (fill, text) = key_colours(record.key.as_deref());
                views.push(view(
                    x,
                    y,
                    FlightShape::Record {
                        value: record.value_text().into_owned(),
                        fill,
                        text,
                    },
                ));
            }
            views
        }
        (MessageKind::ProduceResponse, _) => flight
            .message
            .produce_results()
            .iter()
            .filter_map(|(tp, result)| {
                let lane = lanes.get(tp.partition as usize)?;
                let (x, y) = lerp(
                    (layout.lane_label_x + 20.0, lane.y),
                    producer_edge,
                    progress,
                );
                let shape = match result {
                    Ok(offset) => FlightShape::Ack { offset: offset.0 },
                    Err(_) => FlightShape::EmptyFetchResponse,
                };
                Some(view(x, y, shape))
            })
            .collect(),
        (MessageKind::Fetch, _) => {
            let (x, y) = lerp(consumer_edge, broker_edge, progress);
            vec![view(x, y, FlightShape::Fetch)]
        }
        (MessageKind::FetchResponse, Node::Consumer(_)) => {
            fetched_views(flight, progress, lanes, layout)
        }
        _ => Vec::new(),
    }
}

/// A fetch response on its way to the consumer: its records fly from their cells in a short
/// file, or an empty response flies alone.
fn fetched_views(
    flight: &InFlight,
    progress: f64,
    lanes: &[LaneView],
    layout: &Layout,
) -> Vec<FlightView> {
    let consumer_edge = layout.consumer_anchor;
    let broker_edge = layout.broker_fetch_anchor;
    let view = |x: f64, y: f64, shape: FlightShape| FlightView {
        id: flight.id.0,
        kind: flight.message.kind(),
        x,
        y,
        shape,
    };
    let mut views = Vec::new();
    for (partition, offset, record) in flight.message.received_records() {
        let Some(lane) = lanes.get(partition.partition as usize) else {
            continue;
        };
        let offset = offset.map_or(0, |o| o.0);
        let window_start = lane.log_end_offset.saturating_sub(layout.visible_cells - 1);
        let start_x = if offset >= window_start {
            layout.cell_x(offset, window_start) + layout.cell_size / 2.0
        } else {
            layout.first_cell_x
        };
        // Records of one response fly in a short file, in the order poll() will
        // return them, so the audience sees that order.
        let order = views.len() as f64;
        let (x, y) = lerp((start_x, lane.y), consumer_edge, progress);
        let trail = order * 8.0 * (1.0 - progress);
        let (fill, text) = key_colours(record.key.as_deref());
        views.push(view(
            x - trail,
            y - trail,
            FlightShape::Record {
                value: record.value_text().into_owned(),
                fill,
                text,
            },
        ));
    }
    if views.is_empty() {
        let (x, y) = lerp(broker_edge, consumer_edge, progress);
        views.push(view(x, y, FlightShape::EmptyFetchResponse));
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::scenario::{Scene, SceneId};

    #[test]
    fn three_partitions_make_three_lanes_inside_the_view() {
        let mut sim = Scene::get(SceneId::ThreePartitions).build();
        sim.advance_to(SimTime::from_ms(20_000));
        for layout in [Layout::LANDSCAPE, Layout::PORTRAIT] {
            let stage = StageView::build(&sim, "letters", layout);
            assert_eq!(stage.lanes.len(), 3);
            let (bx, by, bw, bh) = layout.broker_box;
            for lane in &stage.lanes {
                assert!(lane.y > by && lane.y < by + bh);
                for cell in &lane.cells {
                    assert!(cell.x >= layout.first_cell_x && cell.x + layout.cell_size <= bx + bw);
                    assert!(cell.consumed, "everything was read by the end");
                }
            }
        }
        let stage = StageView::build(&sim, "letters", Layout::LANDSCAPE);
        let values: Vec<&str> = stage.lanes[0]
            .cells
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(values, ["a", "d"]);
    }

    #[test]
    fn a_record_in_flight_sits_between_producer_and_its_lane() {
        let mut sim = Scene::get(SceneId::ThreePartitions).build();
        // The first send is at 600 ms and the link takes at least 450 ms.
        sim.advance_to(SimTime::from_ms(800));
        let layout = Layout::LANDSCAPE;
        let stage = StageView::build(&sim, "letters", layout);
        let record = stage
            .flights
            .iter()
            .find(|f| matches!(f.shape, FlightShape::Record { .. }))
            .expect("record a is on its way");
        assert!(record.x > layout.producer_anchor.0);
        assert!(record.x < layout.first_cell_x + layout.cell_size);
    }

    #[test]
    fn long_logs_show_their_tail_and_count_the_rest() {
        use crate::engine::Command;
        let scene = Scene::get(SceneId::OnePartition);
        let mut sim = scene.build();
        for n in 0..20 {
            sim.handle(Command::Produce {
                producer: scene.producer,
                topic: scene.topic.clone(),
                key: None,
                value: Some(n.to_string()),
                partition: None,
                timestamp: None,
                headers: Vec::new(),
            })
            .unwrap();
        }
        sim.advance_to(SimTime::from_ms(20_000));
        for layout in [Layout::LANDSCAPE, Layout::PORTRAIT] {
            let stage = StageView::build(&sim, &scene.topic, layout);
            let lane = &stage.lanes[0];
            assert_eq!(lane.cells.len() as u64, layout.visible_cells - 1);
            assert_eq!(lane.hidden_before, 25 - (layout.visible_cells - 1));
            let (bx, _, bw, _) = layout.broker_box;
            assert!(lane.next_slot_x + layout.cell_size <= bx + bw);
        }
    }
}
