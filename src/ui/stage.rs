//! Turns the simulation into positioned shapes for the SVG stage: lanes of offset cells, the
//! clients beside them, and every message in flight at its current point along its link.
//! Pure geometry, no Yew, so the layout is tested natively.

use crate::engine::{InFlight, Message, MessageKind, Node, Simulation};

use super::palette::{key_colours, partition_colour};

/// The SVG's coordinate space; CSS scales it to the screen.
pub const VIEW_WIDTH: f64 = 1000.0;
pub const VIEW_HEIGHT: f64 = 420.0;

pub const PRODUCER_X: f64 = 12.0;
pub const CLIENT_WIDTH: f64 = 132.0;
pub const CLIENT_HEIGHT: f64 = 96.0;
pub const BROKER_X: f64 = 176.0;
pub const BROKER_WIDTH: f64 = 548.0;
pub const CONSUMER_X: f64 = 856.0;
pub const LANE_LABEL_X: f64 = BROKER_X + 14.0;
pub const FIRST_CELL_X: f64 = BROKER_X + 62.0;
pub const CELL_SIZE: f64 = 52.0;
pub const CELL_PITCH: f64 = 60.0;
/// Cells drawn per lane: the log's tail plus the empty slot where the next record lands.
pub const VISIBLE_CELLS: u64 = 8;
const LANE_PITCH_MAX: f64 = 104.0;
const LANES_TOP: f64 = 78.0;
const LANES_BOTTOM: f64 = VIEW_HEIGHT - 30.0;
/// A chip flying with records; smaller than a cell so it reads as "on its way".
pub const CHIP_SIZE: f64 = 40.0;

#[derive(Clone, Debug, PartialEq)]
pub struct StageView {
    pub topic: String,
    pub broker_label: String,
    pub lanes: Vec<LaneView>,
    pub flights: Vec<FlightView>,
    pub producer_y: f64,
    pub consumer: Option<ConsumerBox>,
    pub broker_top: f64,
    pub broker_height: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerBox {
    pub y: f64,
    pub label: String,
    pub detail: String,
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
    pub fn build(sim: &Simulation, topic_name: &str) -> StageView {
        let Some(topic) = sim.topic(topic_name) else {
            return StageView::empty(topic_name);
        };
        let count = topic.partition_count().max(1);
        let pitch = ((LANES_BOTTOM - LANES_TOP) / f64::from(count)).min(LANE_PITCH_MAX);
        let block = pitch * f64::from(count);
        let first_y = LANES_TOP + (LANES_BOTTOM - LANES_TOP - block) / 2.0 + pitch / 2.0;
        let middle_y = LANES_TOP + (LANES_BOTTOM - LANES_TOP) / 2.0;

        let consumer = sim.consumers().find(|c| c.topic == topic_name);
        let lanes: Vec<LaneView> = topic
            .partitions
            .iter()
            .enumerate()
            .map(|(index, partition)| {
                let number = index as u32;
                let log = &partition.log;
                let log_end = log.log_end_offset().0;
                let window_start = log_end.saturating_sub(VISIBLE_CELLS - 1);
                let position = consumer.and_then(|c| c.positions.get(&number)).map(|o| o.0);
                let cells = log
                    .records()
                    .iter()
                    .filter(|r| r.offset.0 >= window_start)
                    .map(|stored| {
                        let (fill, text) = key_colours(stored.record.key.as_deref());
                        CellView {
                            offset: stored.offset.0,
                            x: cell_x(stored.offset.0, window_start),
                            value: stored.record.value.clone(),
                            key: stored.record.key.clone(),
                            fill,
                            text,
                            consumed: position.is_some_and(|p| stored.offset.0 < p),
                        }
                    })
                    .collect();
                LaneView {
                    partition: number,
                    badge_colour: partition_colour(number),
                    y: first_y + pitch * index as f64,
                    cells,
                    log_end_offset: log_end,
                    next_slot_x: cell_x(log_end, window_start),
                    position: position
                        .filter(|p| *p >= window_start)
                        .map(|p| (p, cell_x(p, window_start) + CELL_SIZE / 2.0)),
                    hidden_before: window_start.saturating_sub(log.log_start_offset().0),
                }
            })
            .collect();

        let now = sim.now();
        let mut landing: Vec<u64> = vec![0; lanes.len()];
        let flights = sim
            .in_flight()
            .flat_map(|flight| {
                let progress = if flight.arrives_at > flight.sent_at {
                    (now.since(flight.sent_at) as f64
                        / flight.arrives_at.since(flight.sent_at) as f64)
                        .clamp(0.0, 1.0)
                } else {
                    1.0
                };
                flight_views(flight, progress, &lanes, &mut landing, middle_y)
            })
            .collect();

        StageView {
            topic: topic_name.to_owned(),
            broker_label: format!("broker {}", topic.partitions[0].leader.0),
            lanes,
            flights,
            producer_y: middle_y,
            consumer: consumer.map(|c| ConsumerBox {
                y: middle_y,
                label: "consumer".to_owned(),
                detail: format!("auto.offset.reset={:?}", c.config.auto_offset_reset)
                    .to_lowercase(),
            }),
            broker_top: LANES_TOP - 46.0,
            broker_height: LANES_BOTTOM - LANES_TOP + 62.0,
        }
    }

    fn empty(topic: &str) -> StageView {
        StageView {
            topic: topic.to_owned(),
            broker_label: String::new(),
            lanes: Vec::new(),
            flights: Vec::new(),
            producer_y: VIEW_HEIGHT / 2.0,
            consumer: None,
            broker_top: LANES_TOP - 46.0,
            broker_height: LANES_BOTTOM - LANES_TOP + 62.0,
        }
    }
}

fn cell_x(offset: u64, window_start: u64) -> f64 {
    FIRST_CELL_X + (offset - window_start) as f64 * CELL_PITCH
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
    middle_y: f64,
) -> Vec<FlightView> {
    let producer_edge = (PRODUCER_X + CLIENT_WIDTH, middle_y);
    let consumer_edge = (CONSUMER_X, middle_y);
    let broker_edge = (BROKER_X + BROKER_WIDTH, middle_y);
    let view = |x: f64, y: f64, shape: FlightShape| FlightView {
        id: flight.id.0,
        kind: flight.message.kind(),
        x,
        y,
        shape,
    };
    match (&flight.message, flight.to) {
        (Message::ProduceRequest { partition, records, .. }, _) => {
            let Some(lane) = lanes.get(partition.partition as usize) else {
                return Vec::new();
            };
            records
                .iter()
                .map(|record| {
                    // Aim at the slot this record will most likely take: the log end plus the
                    // records already flying to the same lane ahead of it.
                    let ahead = landing[lane.partition as usize];
                    landing[lane.partition as usize] += 1;
                    let target_x =
                        (lane.next_slot_x + ahead as f64 * CELL_PITCH).min(FIRST_CELL_X + CELL_PITCH * (VISIBLE_CELLS - 1) as f64);
                    let (x, y) = lerp(producer_edge, (target_x + CELL_SIZE / 2.0, lane.y), progress);
                    let (fill, text) = key_colours(record.key.as_deref());
                    view(
                        x,
                        y,
                        FlightShape::Record {
                            value: record.value.clone(),
                            fill,
                            text,
                        },
                    )
                })
                .collect()
        }
        (Message::ProduceResponse { partition, base_offset, .. }, _) => {
            let Some(lane) = lanes.get(partition.partition as usize) else {
                return Vec::new();
            };
            let (x, y) = lerp((BROKER_X + 40.0, lane.y), producer_edge, progress);
            vec![view(x, y, FlightShape::Ack { offset: base_offset.0 })]
        }
        (Message::FetchRequest { .. }, _) => {
            let (x, y) = lerp(consumer_edge, broker_edge, progress);
            vec![view(x, y, FlightShape::Fetch)]
        }
        (Message::FetchResponse { partitions, .. }, Node::Consumer(_)) => {
            let mut views = Vec::new();
            for fetched in partitions {
                let Some(lane) = lanes.get(fetched.partition.partition as usize) else {
                    continue;
                };
                let window_start = lane.log_end_offset.saturating_sub(VISIBLE_CELLS - 1);
                for (index, stored) in fetched.records.iter().enumerate() {
                    let start_x = if stored.offset.0 >= window_start {
                        cell_x(stored.offset.0, window_start) + CELL_SIZE / 2.0
                    } else {
                        FIRST_CELL_X
                    };
                    // Records of one response fly in a short file, in the order poll() will
                    // return them, so the audience sees that order.
                    let order = (views.len() + index) as f64;
                    let (x, y) = lerp((start_x, lane.y), (consumer_edge.0 + 20.0, middle_y), progress);
                    let (fill, text) = key_colours(stored.record.key.as_deref());
                    views.push(view(
                        x - order * 6.0 * (1.0 - progress),
                        y,
                        FlightShape::Record {
                            value: stored.record.value.clone(),
                            fill,
                            text,
                        },
                    ));
                }
            }
            if views.is_empty() {
                let (x, y) = lerp(broker_edge, consumer_edge, progress);
                views.push(view(x, y, FlightShape::EmptyFetchResponse));
            }
            views
        }
        _ => Vec::new(),
    }
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
        let stage = StageView::build(&sim, "letters");
        assert_eq!(stage.lanes.len(), 3);
        for lane in &stage.lanes {
            assert!(lane.y > 0.0 && lane.y < VIEW_HEIGHT);
            for cell in &lane.cells {
                assert!(cell.x >= FIRST_CELL_X && cell.x + CELL_SIZE <= BROKER_X + BROKER_WIDTH);
                assert!(cell.consumed, "everything was read by the end");
            }
        }
        let values: Vec<&str> = stage.lanes[0].cells.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["a", "d"]);
    }

    #[test]
    fn a_record_in_flight_sits_between_producer_and_its_lane() {
        let mut sim = Scene::get(SceneId::ThreePartitions).build();
        // The first send is at 600 ms and the link takes at least 450 ms.
        sim.advance_to(SimTime::from_ms(800));
        let stage = StageView::build(&sim, "letters");
        let record = stage
            .flights
            .iter()
            .find(|f| matches!(f.shape, FlightShape::Record { .. }))
            .expect("record a is on its way");
        assert!(record.x > PRODUCER_X + CLIENT_WIDTH && record.x < FIRST_CELL_X + CELL_SIZE);
    }

    #[test]
    fn long_logs_show_their_tail_and_count_the_rest() {
        use crate::engine::Command;
        let scene = Scene::get(SceneId::OnePartition);
        let mut sim = scene.build();
        for n in 0..20 {
            sim.handle(Command::Produce {
                producer: scene.producer,
                topic: scene.topic.into(),
                key: None,
                value: n.to_string(),
            })
            .unwrap();
        }
        sim.advance_to(SimTime::from_ms(20_000));
        let stage = StageView::build(&sim, scene.topic);
        let lane = &stage.lanes[0];
        assert_eq!(lane.cells.len() as u64, VISIBLE_CELLS - 1);
        assert_eq!(lane.hidden_before, 25 - (VISIBLE_CELLS - 1));
        assert!(lane.next_slot_x + CELL_SIZE <= BROKER_X + BROKER_WIDTH);
    }
}
